"""Where the time goes: the start-up of a one-file run, and the corpus by part.

    python benchmarks/breakdown.py [--python PY] [--runs 9]

1. Start-up: a one-file run on the small policy of the corpus in parts: ``python -c pass``,
   the module imports grouped (``python -X importtime``, the run whose imports took least of
   ``--runs``), and the rest of the process CPU time (the fastest of ``--runs`` runs).
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
ONE = os.path.join(HERE, "corpus", "one")  # holds a .git: no configuration above it is found, as in a user's repository
SMALL = os.path.join(ONE, "small-policy.json")
TREE = os.path.join(HERE, "corpus", "tree")

def _env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


RUN = "import re, sys\nfrom linter.cli import entry\nsys.exit(entry())"  # what pip's script does


def _importtime(py: str, env: dict, code: str = RUN) -> dict:
    """{module: self time in seconds} of one run under ``python -X importtime``."""
    r = subprocess.run([py, "-X", "importtime", "-c", code, SMALL], capture_output=True, text=True, env=env,
                       cwd=ONE)
    out = {}
    for line in r.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line[len("import time:"):].split("|")
        out[name.strip()] = int(self_us) / 1e6
    return out


def _group(name: str) -> str:
    if name.startswith("linter.rules."):
        return "rule modules"
    if name.startswith("linter.data"):
        return "the SageMaker knowledge base snapshot (`linter/data/kb_snapshot.py`)"
    if name == "linter" or name.startswith("linter."):
        return "engine, parser, model, reporter modules"
    return "standard library (`re`, which pip's script imports, and what it needs)"


def startup(py: str, runs: int) -> list[str]:
    """The one-file run in parts: Python's start, the imports (``-X importtime``, the run whose
    imports took least), and the run itself (the rest of the process CPU time)."""
    env = _env()
    at_start = set(_importtime(py, env, "pass"))  # site, encodings...: Python's own start-up
    best: dict = {}
    for _ in range(runs):
        got = {k: v for k, v in _importtime(py, env).items() if k not in at_start}
        if got and (not best or sum(got.values()) < sum(best.values())):
            best = got
    base = min(_cpu([py, "-c", "pass"], env) for _ in range(runs))
    whole = min(_cpu([py, "-c", RUN, SMALL], env) for _ in range(runs))
    groups: dict[str, list] = {}
    for name, t in best.items():
        groups.setdefault(_group(name), []).append((t, name))
    L = ["| part (one small policy file; CPU, fastest of the runs; imports from `python -X importtime`) | ms "
         "| share |", "|---|---:|---:|",
         f"| the whole run | {whole * 1000:.1f} | 100% |",
         f"| Python start-up (`python -c pass`) | {base * 1000:.1f} | {100 * base / whole:.0f}% |"]
    imports = 0.0
    for label in sorted(groups, key=lambda g: -sum(t for t, _ in groups[g])):
        items = sorted(groups[label], reverse=True)
        t = sum(x for x, _ in items)
        imports += t
        top = ", ".join(f"`{n}` {x * 1000:.1f}" for x, n in items[:3])
        L.append(f"| importing {label}: {len(items)} modules (largest: {top}) | {t * 1000:.1f} | "
                 f"{100 * t / whole:.0f}% |")
    rest = whole - base - imports
    L.append(f"| the run itself: reading the knowledge base and the service data, parsing, the rules, the report "
             f"(what is left) | {rest * 1000:.1f} | {100 * rest / whole:.0f}% |")
    return L


def _cpu(argv: list[str], env: dict) -> float:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, cwd=ONE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
