"""Where the time goes: the start-up of a one-file run, and the corpus by part.

    python benchmarks/breakdown.py [--python PY] [--runs 9]

1. Start-up: the phases of a one-file run on the small policy of the corpus, timed
   in-process (process CPU time, the fastest of ``--runs`` runs), beside the whole run and
   ``python -c pass``. (``python -X importtime`` shows the module imports one by one, but
   not the rule modules: those are imported with ``importlib``, which it does not see.)
2. The corpus: ``cProfile`` of ``--jobs 1`` over ``benchmarks/corpus/tree``, the
   cumulative time of each part as a share of the whole run (the profiler's own overhead
   inflates small functions, so read the shares, not the seconds).

Prints two Markdown tables. Uses the corpus ``run.py`` (or ``gen_corpus.py``) wrote, and
``benchmarks/.lint-venv`` (a non-editable install, as pre-commit makes) when it exists.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SMALL = os.path.join(HERE, "corpus", "one", "small-policy.json")
TREE = os.path.join(HERE, "corpus", "tree")

PHASES = r"""
import sys, time, io, contextlib
T = time.process_time
out = {}
t = T(); from linter import cli; out["linter.cli"] = T() - t
t = T(); from linter import engine, config; out["configuration and engine modules"] = T() - t
t = T()
opts = engine.Options(); codes = engine.selected_codes(opts); rules = engine.RuleSet(codes, opts)
out["rule modules (and the modules they import first)"] = T() - t
t = T(); from linter import kb; kb._kb(); out["SageMaker knowledge base (linter/data/iam.json)"] = T() - t
t = T()
with contextlib.redirect_stdout(io.StringIO()):
    cli.main([sys.argv[1]])
out["the run itself (sources, parser, rules, report)"] = T() - t
print(repr(out))
"""


def _env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def startup(py: str, runs: int) -> list[str]:
    env = _env()
    phases: dict[str, float] = {}
    for _ in range(runs):
        r = subprocess.run([py, "-c", PHASES, SMALL], capture_output=True, text=True, env=env, cwd=HERE)
        try:
            got = eval(r.stdout.strip().splitlines()[-1], {})  # noqa: S307 - our own repr of a dict of floats
        except (IndexError, SyntaxError):
            continue
        for k, v in got.items():
            phases[k] = min(phases.get(k, 1e9), v)
    base = min(_cpu([py, "-c", "pass"], env) for _ in range(runs))
    whole = min(_cpu([py, "-c", "import sys; from linter.cli import main; main(sys.argv[1:])", SMALL], env)
                for _ in range(runs))
    L = ["| part (one small policy file; CPU, fastest of the runs) | ms | share |", "|---|---:|---:|",
         f"| the whole run | {whole * 1000:.1f} | 100% |",
         f"| Python start-up (`python -c pass`) | {base * 1000:.1f} | {100 * base / whole:.0f}% |"]
    for k, v in phases.items():
        L.append(f"| {k} | {v * 1000:.1f} | {100 * v / whole:.0f}% |")
    rest = whole - base - sum(phases.values())
    L.append(f"| in none of the phases above (imports of `sys`, `io`, `re`...; interpreter exit; "
             f"and the noise of taking each fastest run apart) | {rest * 1000:.1f} | {100 * rest / whole:.0f}% |")
    return L


def _cpu(argv: list[str], env: dict) -> float:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


CORPUS = r"""
import cProfile, pstats, sys, io, contextlib, marshal
from linter import cli
pr = cProfile.Profile()
pr.enable()
with contextlib.redirect_stdout(io.StringIO()):
    cli.main(["--jobs", "1", sys.argv[1]])
pr.disable()
st = pstats.Stats(pr)
sys.stdout.write(repr({f"{k[0]}:{k[2]}": v[3] for k, v in st.stats.items()}))
"""

PARTS = [  # (label, file suffix, function); rules are summed per module below
    ("read, parse and extract (`sources.load`)", "linter/sources/__init__.py", "load"),
    ("-- YAML parser", "parsers/yaml_loc.py", "parse_yaml_stream"),
    ("-- JSON parser", "parsers/json_loc.py", "parse_json"),
    ("-- HCL parser", "parsers/hcl.py", "parse"),
    ("-- policy model (`model.build_document`)", "linter/model.py", "build_document"),
    ("policy grammar (LP002)", "linter/grammar.py", "check"),
    ("suppressions", "linter/suppress.py", "apply"),
    ("capping, masking and escaping findings (`safety.finish`)", "linter/safety.py", "finish"),
]


def corpus(py: str) -> list[str]:
    r = subprocess.run([py, "-c", CORPUS, TREE], capture_output=True, text=True, env=_env(), cwd=HERE)
    stats = eval(r.stdout, {})  # noqa: S307 - our own repr of a dict of floats
    total = max(stats.values())
    L = ["| part (whole corpus, `--jobs 1`) | share |", "|---|---:|"]
    for label, suffix, func in PARTS:
        v = sum(t for k, t in stats.items() if k.rsplit(":", 1)[0].endswith(suffix) and k.rsplit(":", 1)[1] == func)
        L.append(f"| {label} | {100 * v / total:.0f}% |")
    rules: dict[str, float] = {}
    for k, t in stats.items():
        path, func = k.rsplit(":", 1)
        name = os.path.basename(path)[:-3]
        if func == "check" and os.path.basename(os.path.dirname(path)) == "rules" and not name.startswith("_"):
            rules[name.upper()] = rules.get(name.upper(), 0) + t
    for name, t in sorted(rules.items(), key=lambda x: -x[1])[:6]:
        L.append(f"| rule {name} | {100 * t / total:.0f}% |")
    L.append(f"| the other {len(rules) - 6} rules together | "
             f"{100 * sum(sorted(rules.values())[:-6]) / total:.0f}% |")
    return L


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    venv = os.path.join(HERE, ".lint-venv", "bin", "python")
    ap.add_argument("--python", default=venv if os.path.exists(venv) else sys.executable)
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args(argv)
    if not os.path.exists(SMALL):
        sys.exit("no corpus: run benchmarks/gen_corpus.py (or benchmarks/run.py) first")
    print("\n".join(startup(args.python, args.runs)))
    print()
    print("\n".join(corpus(args.python)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
