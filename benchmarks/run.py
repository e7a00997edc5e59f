"""Benchmark lint-policies against the parse-only floor and its peers, in one run.

    python benchmarks/run.py [--runs 5] [--seed 8] [--no-peers] [--linter-python PY]

What it does, in order (see benchmarks/README.md):

1. generates the corpus (``gen_corpus.py``, seeded) under ``benchmarks/corpus/``;
2. installs this working tree, non-editable (as a pre-commit hook installs it), into
   ``benchmarks/.lint-venv`` -- or uses ``--linter-python`` as it is;
3. installs the peers (cfn-lint, checkov, parliament) into ``benchmarks/.peers-venv``,
   each on its own, skipping and reporting any that fails to install;
4. times every case side by side with ``hyperfine`` when it is installed, otherwise
   with its own timer (one warm-up, then ``--runs`` runs; the median is reported);
5. measures peak memory of the corpus run (``/usr/bin/time -v`` or ``getrusage``);
6. prints a Markdown report with ratios and the targets and writes it to
   ``benchmarks/results.md``.

Every command's output goes to /dev/null; exit codes are recorded (a linter that
finds something exits non-zero, which is expected).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Optional

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CORPUS = os.path.join(HERE, "corpus")
PEERS = ("cfn-lint", "checkov", "parliament")
# Checkov: no platform download, no mapping fetch (this machine has no network anyway).
PEER_ENV = {"BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "NO_COLOR": "1"}


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def rel(p: str) -> str:
    return os.path.relpath(p, REPO)


# ---------------------------------------------------------------------------
# Environments


def venv_python(venv: str) -> str:
    return os.path.join(venv, "bin", "python")


def make_venv(venv: str) -> None:
    if not os.path.exists(venv_python(venv)):
        log(f"creating {rel(venv)}")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)


def pip(venv: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([venv_python(venv), "-m", "pip", "--disable-pip-version-check", "-q", *args],
                          capture_output=True, text=True)


def linter_env(args) -> tuple[str, list[str], str]:
    """(python, lint command prefix, description)."""
    if args.linter_python:
        py = os.path.abspath(args.linter_python)
        exe = os.path.join(os.path.dirname(py), "lint-policies")
        cmd = [exe] if os.path.exists(exe) else [py, "-m", "linter.cli"]
        return py, cmd, f"given environment {args.linter_python}"
    venv = os.path.join(HERE, ".lint-venv")
    fresh = not os.path.exists(venv_python(venv))
    make_venv(venv)
    log("installing this working tree into benchmarks/.lint-venv (non-editable, as pre-commit does)")
    r = pip(venv, "install", REPO) if fresh else pip(venv, "install", "--force-reinstall", "--no-deps", REPO)
    if r.returncode != 0 and not fresh:  # dependencies changed: a full install
        r = pip(venv, "install", "--force-reinstall", REPO)
    if r.returncode != 0:
        sys.exit(f"cannot install lint-policies into {venv}:\n{r.stdout}{r.stderr}")
    return venv_python(venv), [os.path.join(venv, "bin", "lint-policies")], \
        "non-editable install of the working tree in benchmarks/.lint-venv"


def peers_env(args) -> tuple[dict[str, Optional[str]], dict[str, str]]:
    """({peer: executable or None}, {peer: version or reason it is missing})."""
    found: dict[str, Optional[str]] = {p: None for p in PEERS}
    notes: dict[str, str] = {}
    if args.no_peers:
        return found, {p: "not run (--no-peers)" for p in PEERS}
    venv = os.path.join(HERE, ".peers-venv")
    try:
        make_venv(venv)
    except subprocess.CalledProcessError as e:
        return found, {p: f"skipped: cannot create the peers' virtual environment ({e})" for p in PEERS}
    for p in PEERS:
        exe = os.path.join(venv, "bin", p)
        if not os.path.exists(exe) or args.reinstall_peers:
            log(f"pip install {p} (into benchmarks/.peers-venv)")
            r = pip(venv, "install", p)
            if r.returncode != 0 or not os.path.exists(exe):
                last = (r.stderr.strip().splitlines() or ["no output"])[-1]
                notes[p] = f"skipped: pip install failed ({last})"
                log(f"{p}: {notes[p]}")
                continue
        found[p] = exe
        v = subprocess.run([venv_python(venv), "-c", f"import importlib.metadata as m; print(m.version({p!r}))"],
                           capture_output=True, text=True)
        notes[p] = v.stdout.strip() or "version unknown"
    return found, notes


# ---------------------------------------------------------------------------
# Timing


@dataclass
class Cmd:
    key: str  # stable id used for ratios
    label: str  # what the table shows
    argv: list[str]
    group: str
    times: list[float] = field(default_factory=list)
    cpu: Optional[float] = None  # mean user+sys seconds per run
    cpu_runs: list[float] = field(default_factory=list)
    exit_code: Optional[int] = None
    tail: str = ""  # last stderr line of the sanity run, when it failed oddly
    #: Where it runs (None: the checkout). The one-file cases run in the corpus's own repository
    #: directories, so that configuration discovery sees what a user's repository has, not ours.
    cwd: Optional[str] = None

    @property
    def where(self) -> str:
        return self.cwd or REPO

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def sanity_run(c: Cmd, env: dict) -> None:
    """One untimed run: warms caches (.pyc, page cache) and records the exit code."""
    r = subprocess.run(c.argv, cwd=c.where, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, errors="replace")
    c.exit_code = r.returncode
    lines = r.stderr.strip().splitlines()
    if "Traceback" in r.stderr or r.returncode not in (0, 1, 2, 4, 6, 8, 10, 12, 14):
        c.tail = lines[-1][:160] if lines else ""


def time_hyperfine(cmds: list[Cmd], runs: int, env: dict) -> None:
    """``runs`` rounds of one hyperfine run of every command, the order rotated each round.

    Interleaving keeps a change in the machine's load (it is shared) from favouring the
    command that happened to run while it was quiet; ratios compare like with like.
    """
    for c in cmds:
        c.times, c.cpu_runs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "h.json")
        for r in range(runs):
            order = cmds[r % len(cmds):] + cmds[:r % len(cmds)]
            argv = ["hyperfine", "-N", "--warmup", "0", "--runs", "1", "-i", "--style", "none",
                    "--export-json", out]
            for c in order:  # GNU env -C: the command's own directory, without a shell
                argv += ["--command-name", c.key, shlex.join(["env", "-C", c.cwd, *c.argv] if c.cwd else c.argv)]
            p = subprocess.run(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
            if p.returncode != 0 or not os.path.exists(out):
                log(f"hyperfine failed ({p.stderr.strip()[-300:]}); using the built-in timer")
                time_builtin(cmds, runs, env)
                return
            with open(out) as fh:
                res = {x["command"]: x for x in json.load(fh)["results"]}
            for c in cmds:
                x = res[c.key]
                c.times += x["times"]
                c.cpu_runs.append(x.get("user", 0.0) + x.get("system", 0.0))
    for c in cmds:
        c.cpu = statistics.fmean(c.cpu_runs)


def time_builtin(cmds: list[Cmd], runs: int, env: dict) -> None:
    """The same rounds with this script's own timer (wall: perf_counter; CPU: getrusage)."""
    import resource

    for c in cmds:
        c.times, c.cpu_runs = [], []
    for r in range(runs):
        for c in cmds[r % len(cmds):] + cmds[:r % len(cmds)]:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(c.argv, cwd=c.where, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            c.times.append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            c.cpu_runs.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    for c in cmds:
        c.cpu = statistics.fmean(c.cpu_runs)


# ---------------------------------------------------------------------------
# Memory


def peak_rss_mb(argv: list[str], env: dict) -> tuple[float, str]:
    """Peak RSS of the largest process of the run (MB) and how it was measured."""
    gnu_time = "/usr/bin/time"
    if os.path.exists(gnu_time):
        r = subprocess.run([gnu_time, "-v", *argv], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
        for line in r.stderr.splitlines():
            if "Maximum resident set size" in line:
                return int(line.rsplit(":", 1)[1]) / 1024, "/usr/bin/time -v"
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
            "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    r = subprocess.run([sys.executable, "-c", code, *argv], cwd=REPO, env=env, capture_output=True, text=True)
    return int(r.stdout.strip() or 0) / 1024, "getrusage(RUSAGE_CHILDREN)"


def tree_rss_mb(argv: list[str], env: dict) -> float:
    """Peak of the summed RSS of a process and its children, sampled every 5 ms (Linux /proc)."""
    if not os.path.isdir("/proc/self"):
        return 0.0
    p = subprocess.Popen(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    peak = 0

    def rss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm") as fh:
                return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return 0

    def children(pid: int) -> list[int]:
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as fh:
                return [int(x) for x in fh.read().split()]
        except OSError:
            return []

    while p.poll() is None:
        total, todo = 0, [p.pid]
        while todo:
            pid = todo.pop()
            total += rss(pid)
            todo += children(pid)
        peak = max(peak, total)
        time.sleep(0.005)
    return peak / 2**20


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(x) for x in fh.read().split()]
        except OSError:
            pass
    return out


def max_processes(argvs: list[list[str]], env: dict) -> tuple[int, int]:
    """Run the commands at once; the most worker processes alive at one time (processes
    below a command's own), and the most processes in all, sampled every 5 ms (Linux /proc)."""
    if not os.path.isdir("/proc/self"):
        return 0, 0
    procs = [subprocess.Popen(a, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for a in argvs]
    workers = total = 0
    while any(p.poll() is None for p in procs):
        alive = [_tree(p.pid) for p in procs if p.poll() is None]
        workers = max(workers, sum(len(t) - 1 for t in alive))
        total = max(total, sum(len(t) for t in alive))
        time.sleep(0.005)
    return workers, total


def precommit_batches(lint: list[str], files: list[str], env: dict) -> tuple[int, int]:
    """What pre-commit does with the hooks, which are ``require_serial``: one process for all
    the file names (split only when a command line would be too long), with ``PRE_COMMIT=1``."""
    size = len(files)
    batches = [files[i:i + size] for i in range(0, len(files), size)]
    return max_processes([[*lint, "--", *b] for b in batches], dict(env, PRE_COMMIT="1"))


def instructions(argv: list[str], env: dict, cwd: str = REPO) -> Optional[int]:
    """Instructions executed by a command and its children (valgrind's callgrind), or None."""
    if not shutil.which("valgrind"):
        return None
    r = subprocess.run(["valgrind", "--tool=callgrind", "--trace-children=yes", "--callgrind-out-file=/dev/null",
                        *argv], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, errors="replace")
    total = 0
    for line in r.stderr.splitlines():
        if "Collected :" in line:
            total += int(line.rsplit(":", 1)[1].strip().replace(",", ""))
    return total or None


# ---------------------------------------------------------------------------
# The cases


def corpus_paths() -> dict[str, str]:
    one = os.path.join(CORPUS, "one")
    tree = os.path.join(CORPUS, "tree")
    return {"small_policy": rel(os.path.join(one, "small-policy.json")),
            "small_template": rel(os.path.join(one, "small-template.yaml")),
            "template500": rel(os.path.join(one, "template-500.yaml")),
            "one": one,
            "configured": os.path.join(CORPUS, "configured"),
            "tree": rel(tree),
            "policies": rel(os.path.join(tree, "policies")),
            "templates": rel(os.path.join(tree, "cloudformation")),
            "terraform": rel(os.path.join(tree, "terraform"))}


def build_cases(py: str, lint: list[str], peers: dict[str, Optional[str]]) -> list[Cmd]:
    P = corpus_paths()
    floor = [py, rel(os.path.join(HERE, "parse_floor.py"))]
    cfn, chk, parl = peers["cfn-lint"], peers["checkov"], peers["parliament"]
    ckv = ["--quiet", "--compact", "--skip-download"]
    cases = [
        Cmd("python", "python -c pass (interpreter start-up)", [py, "-c", "pass"], "1 one file"),
        Cmd("ours_small_policy", "lint-policies small-policy.json", [*lint, "small-policy.json"], "1 one file",
            cwd=P["one"]),
        Cmd("ours_small_template", "lint-policies small-template.yaml", [*lint, "small-template.yaml"], "1 one file",
            cwd=P["one"]),
        Cmd("ours_configured", "lint-policies small-policy.json (pyproject.toml configures it)",
            [*lint, "small-policy.json"], "1 one file", cwd=P["configured"]),
        Cmd("ours_version", "lint-policies --version", [*lint, "--version"], "1 one file"),
        Cmd("ours_help", "lint-policies --help", [*lint, "--help"], "1 one file"),
    ]
    if parl:
        cases.append(Cmd("parl_small", "parliament --files small-policy.json", [parl, "--files", P["small_policy"]],
                         "1 one file"))
    if cfn:
        cases.append(Cmd("cfn_small", "cfn-lint small-template.yaml", [cfn, P["small_template"]], "1 one file"))
    if chk:
        cases.append(Cmd("chk_small", "checkov -f small-template.yaml", [chk, "-f", P["small_template"],
                         "--framework", "cloudformation", *ckv], "1 one file"))
    cases.append(Cmd("ours_500", "lint-policies template-500.yaml", [*lint, "template-500.yaml"], "2 500-line template",
                     cwd=P["one"]))
    if cfn:
        cases.append(Cmd("cfn_500", "cfn-lint template-500.yaml", [cfn, P["template500"]], "2 500-line template"))
    if chk:
        cases.append(Cmd("chk_500", "checkov -f template-500.yaml", [chk, "-f", P["template500"], "--framework",
                         "cloudformation", *ckv], "2 500-line template"))
    cases += [
        Cmd("ours_corpus", "lint-policies corpus (default --jobs: 2)", [*lint, P["tree"]], "3 whole corpus"),
        Cmd("ours_corpus_j1", "lint-policies --jobs 1 corpus", [*lint, "--jobs", "1", P["tree"]], "3 whole corpus"),
        Cmd("ours_corpus_nokey_j1", "lint-policies --jobs 1 --ignore KEY corpus",
            [*lint, "--jobs", "1", "--ignore", "KEY", P["tree"]], "3 whole corpus"),
        Cmd("floor_corpus", "parse floor corpus", [*floor, P["tree"]], "3 whole corpus"),
        Cmd("ours_tf", "lint-policies 100 .tf", [*lint, P["terraform"]], "4 100 Terraform files"),
        Cmd("floor_tf", "parse floor 100 .tf", [*floor, P["terraform"]], "4 100 Terraform files"),
    ]
    if chk:
        cases.append(Cmd("chk_tf", "checkov -d terraform/ --framework terraform",
                         [chk, "-d", P["terraform"], "--framework", "terraform", *ckv], "4 100 Terraform files"))
    cases += [
        Cmd("ours_cfn", "lint-policies 300 templates", [*lint, P["templates"]], "5 300 CloudFormation templates"),
        Cmd("floor_cfn", "parse floor 300 templates", [*floor, P["templates"]], "5 300 CloudFormation templates"),
    ]
    if cfn:
        cases.append(Cmd("cfn_cfn", "cfn-lint cloudformation/*.yaml",
                         [cfn, os.path.join(P["templates"], "*.yaml")], "5 300 CloudFormation templates"))
    if chk:
        cases.append(Cmd("chk_cfn", "checkov -d cloudformation/ --framework cloudformation",
                         [chk, "-d", P["templates"], "--framework", "cloudformation", *ckv],
                         "5 300 CloudFormation templates"))
    cases += [
        Cmd("ours_pol", "lint-policies 600 policies", [*lint, P["policies"]], "6 600 policy files"),
        Cmd("floor_pol", "parse floor 600 policies", [*floor, P["policies"]], "6 600 policy files"),
    ]
    if parl:
        cases.append(Cmd("parl_pol", "parliament --directory policies/", [parl, "--directory", P["policies"]],
                         "6 600 policy files"))
    return cases


# ---------------------------------------------------------------------------
# Report


def fmt_s(s: Optional[float]) -> str:
    if s is None:
        return ""
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def report(cases: list[Cmd], mem: dict, meta: dict, peer_notes: dict, procs: Optional[dict] = None,
           instr: Optional[dict] = None) -> str:
    procs = procs or {}
    by = {c.key: c for c in cases if c.times}

    def med(k: str) -> Optional[float]:
        return by[k].median if k in by else None

    def ratio(a: str, b: str) -> Optional[float]:
        x, y = med(a), med(b)
        return x / y if x and y else None

    # row key -> (reference row, how to say it)
    rel_to = {"parl_small": "ours_small_policy", "cfn_small": "ours_small_template",
              "chk_small": "ours_small_template", "cfn_500": "ours_500", "chk_500": "ours_500",
              "chk_tf": "ours_tf", "cfn_cfn": "ours_cfn", "chk_cfn": "ours_cfn", "parl_pol": "ours_pol",
              "floor_corpus": "ours_corpus", "floor_tf": "ours_tf", "floor_cfn": "ours_cfn", "floor_pol": "ours_pol",
              "ours_corpus_j1": "ours_corpus", "ours_corpus_nokey_j1": "ours_corpus_j1",
              "ours_configured": "ours_small_policy"}

    def compare(c: Cmd) -> str:
        ref = rel_to.get(c.key)
        r = ratio(c.key, ref) if ref else None
        if not r:
            return ""
        if c.key.startswith("floor"):
            return f"ours = {1 / r:.1f}x floor"
        if c.key == "ours_corpus_j1":
            return f"{r:.2f}x the default run"
        if c.key == "ours_corpus_nokey_j1":
            return f"KEY rules add {(1 / r - 1) * 100:+.1f}%"
        if c.key == "ours_configured":
            return f"the configuration adds {(r - 1) * 100:+.0f}%"
        return f"ours {r:.1f}x faster"

    L = []
    L.append("# lint-policies benchmark results\n")
    L.append(f"Generated by `python benchmarks/run.py` on {meta['date']}. Corpus: seed {meta['seed']}, "
             f"{meta['corpus']}. Machine: {meta['machine']}. Load average before / after: {meta['load']}. "
             f"Timer: {meta['timer']}; {meta['runs']} rounds, each running every command of a group once (the order "
             f"rotated each round), after one untimed warm-up run; medians reported. "
             f"lint-policies: {meta['linter']}. Peers: "
             + "; ".join(f"{p} {peer_notes.get(p, '-')}" for p in PEERS) + ".\n")
    spreads = sorted(max(c.times) / min(c.times) for c in cases if c.times and min(c.times) > 0)
    if spreads:
        L.append(f"Noise: the slowest run of a command took {statistics.median(spreads):.2f}x its fastest "
                 f"(median over the commands; worst {spreads[-1]:.2f}x).\n")
    L.append("Wall time is what the user waits; CPU is user+system time summed over all processes "
             "(mean per run), which is less sensitive to other load on the machine. `exit` is the exit "
             "code of the warm-up run (linters exit non-zero when they find something).\n")
    L.append("| case | command | median wall | min | max | CPU | exit | comparison |")
    L.append("|---|---|---:|---:|---:|---:|---:|---|")
    for c in cases:
        if not c.times:
            continue
        L.append(f"| {c.group} | `{c.label}` | {fmt_s(c.median)} | {fmt_s(min(c.times))} | {fmt_s(max(c.times))} "
                 f"| {fmt_s(c.cpu)} | {c.exit_code} | {compare(c)} |")
    L.append("")
    if any(c.tail for c in cases):
        L.append("Commands that failed oddly in the warm-up run:\n")
        for c in cases:
            if c.tail:
                L.append(f"- `{c.label}` exit {c.exit_code}: {c.tail}")
        L.append("")
    if mem:
        L.append("## Memory (whole corpus)\n")
        L.append("| run | peak RSS |")
        L.append("|---|---:|")
        for k, (v, how) in mem.items():
            L.append(f"| {k} | {v:.1f} MB ({how}) |")
        L.append("")

    # targets: judged on wall time (what the user waits); CPU time shown beside it
    def cpu(k: str) -> Optional[float]:
        return by[k].cpu if k in by else None

    def cpu_ratio(a: str, b: str) -> Optional[float]:
        x, y = cpu(a), cpu(b)
        return x / y if x and y else None

    def row(name: str, ok: Optional[bool], wall: str, cpu_shown: str = "") -> str:
        status = "n/a" if ok is None else ("met" if ok else "**missed**")
        return f"| {name} | {wall or 'not measured'} | {cpu_shown} | {status} |"

    def x(r: Optional[float]) -> str:
        return f"{r:.1f}x" if r else ""

    def best(k: str) -> Optional[float]:
        return min(by[k].times) if k in by else None

    def best_cpu(k: str) -> Optional[float]:
        return min(by[k].cpu_runs) if k in by and by[k].cpu_runs else None

    def r_min(a: str, b: str) -> Optional[float]:
        x, y = best(a), best(b)
        return x / y if x and y else None

    def r_cpu(a: str, b: str) -> Optional[float]:
        x, y = best_cpu(a), best_cpu(b)
        return x / y if x and y else None

    def target(name: str, a: str, b: str, limit: float, stretch: Optional[float] = None) -> str:
        r = r_min(a, b)
        ok = None if r is None else r <= limit
        if ok and stretch is not None and r <= stretch:
            status = f"met (stretch {stretch:g}x met too)"
        elif ok and stretch is not None:
            status = f"met (stretch {stretch:g}x missed)"
        else:
            status = "n/a" if ok is None else ("met" if ok else "**missed**")
        return f"| {name} | {x(r)} | {x(r_cpu(a, b))} | {x(r_mid(a, b))} | {status} |"

    def r_mid(a: str, b: str) -> Optional[float]:
        return ratio(a, b)

    T = ["## Targets\n",
         "Ratios of two commands timed in the same rounds (see above), judged on the fastest run of each "
         "(the least disturbed by the other load of the shared machine); the CPU ratio (user+system time "
         "of all processes, fastest run) and the ratio of the medians are shown beside it.\n",
         "| target | ratio (fastest wall) | CPU | medians | status |", "|---|---:|---:|---:|---|",
         target("one small policy file <= 3.5x `python -c pass` (stretch 3x)", "ours_small_policy", "python",
                3.5, 3.0),
         target("`--version` cheaper than the one-file run (ratio to it < 1)", "ours_version",
                "ours_small_policy", 0.999),
         target("`--help` cheaper than the one-file run (ratio to it < 1)", "ours_help", "ours_small_policy", 0.999),
         target("whole corpus, default --jobs, <= 2x the parse-only floor (stretch 1.5x)", "ours_corpus",
                "floor_corpus", 2.0, 1.5),
         target("whole corpus, --jobs 1, <= 3x the parse-only floor", "ours_corpus_j1", "floor_corpus", 3.0),
         target("600 policy JSON files <= 4x their parse floor", "ours_pol", "floor_pol", 4.0)]
    m = mem.get("lint-policies corpus, default --jobs (largest process)")
    T.append(f"| corpus peak memory < 100 MB (largest process) | {f'{m[0]:.0f} MB' if m else 'not measured'} | | | "
             f"{'n/a' if not m else ('met' if m[0] < 100 else '**missed**')} |")
    cpus = os.cpu_count() or 1
    for label, (workers, total) in procs.items():
        T.append(f"| {label}: worker processes <= CPUs ({cpus}) | {workers} workers ({total} processes in all) | | | "
                 f"{'met' if workers <= cpus else '**missed**'} |")
    T += ["", "Earlier targets, kept so that a regression shows:\n",
          "| target | measured (median wall) | CPU | status |", "|---|---:|---:|---|"]
    one = med("ours_small_policy")
    T.append(row("one small policy file <= 100 ms wall", None if one is None else one <= 0.100, fmt_s(one),
                 fmt_s(cpu("ours_small_policy"))))
    for peer, ours, want, name in (("parl_small", "ours_small_policy", 4, "parliament"),
                                   ("cfn_small", "ours_small_template", 9, "cfn-lint"),
                                   ("chk_small", "ours_small_template", 25, "checkov")):
        r = ratio(peer, ours)
        T.append(row(f"one file >= {want}x faster than {name}", None if r is None else r >= want, x(r),
                     x(cpu_ratio(peer, ours))))
    tf = med("ours_tf")
    T.append(row("100 .tf files <= 0.5 s", None if tf is None else tf <= 0.5, fmt_s(tf), fmt_s(cpu("ours_tf"))))
    r = ratio("chk_tf", "ours_tf")
    T.append(row("100 .tf files >= 10x faster than checkov", None if r is None else r >= 10, x(r),
                 x(cpu_ratio("chk_tf", "ours_tf"))))
    r = ratio("cfn_500", "ours_500")
    T.append(row("500-line template >= 10x faster than cfn-lint", None if r is None else r >= 10, x(r),
                 x(cpu_ratio("cfn_500", "ours_500"))))
    a, b = med("ours_corpus_j1"), med("ours_corpus_nokey_j1")
    if a and b:
        over = a / b - 1
        ca, cb = cpu("ours_corpus_j1"), cpu("ours_corpus_nokey_j1")
        T.append(row("credential scanner adds < 10% to the corpus run (--jobs 1, all rules vs --ignore KEY)",
                     over < 0.10, f"{over * 100:+.1f}%", f"{(ca / cb - 1) * 100:+.1f}%" if ca and cb else ""))
    if instr:
        T += ["", "## Instructions executed\n",
              "Counted by `valgrind --tool=callgrind` (every process of the command): unlike time, the "
              "count does not depend on the other load of the machine.\n",
              "| command | instructions | ratio to `python -c pass` |", "|---|---:|---:|"]
        base = instr.get("python")
        one = {k: n for k, n in instr.items() if k not in THROUGHPUT_KEYS}
        for k, n in one.items():
            T.append(f"| `{by[k].label if k in by else k}` | {n / 1e6:.0f} M | {n / base:.2f}x |" if base else "")
        ours, floor = instr.get("ours_pol_j1"), instr.get("floor_pol")
        if ours and floor:
            T += ["", "The 600 policy files in one process (`--jobs 1`), against their parse floor:\n",
                  "| command | instructions | ratio to the floor |", "|---|---:|---:|",
                  f"| `lint-policies --jobs 1` on the 600 policies | {ours / 1e6:.0f} M | {ours / floor:.1f}x |",
                  f"| `parse floor 600 policies` | {floor / 1e6:.0f} M | 1.0x |"]
    L += T
    L.append("")
    return "\n".join(L) + "\n"


#: Instruction counts of the throughput case, reported apart from the one-file commands.
THROUGHPUT_KEYS = ("ours_pol_j1", "floor_pol")

README_START = "<!-- benchmark results: written by benchmarks/run.py -->"
README_END = "<!-- end of benchmark results -->"


def readme_block(text: str, meta: dict) -> str:
    """The README's performance section: the targets, the instruction counts and where the time
    goes, taken from the report ``text`` (its ``##`` sections, one heading level down)."""
    wanted = ("Targets", "Instructions executed", "Where the time goes")
    parts = [f"Measured by `python3 benchmarks/run.py --instructions` on {meta['date']} ({meta['machine']}; "
             f"load average before / after {meta['load']}); the whole report, with every command, the peers "
             f"and memory, is [`benchmarks/results.md`](benchmarks/results.md), and "
             f"[docs/performance.md](docs/performance.md) says what the numbers mean.", ""]
    for section in text.split("\n## ")[1:]:
        if section.startswith(wanted):
            parts.append("### " + section.strip())
            parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def update_readme(path: str, block: str) -> bool:
    """Replace what lies between the README's two markers with ``block``; False when they are missing."""
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    a, b = text.find(README_START), text.find(README_END)
    if a == -1 or b < a:
        return False
    text = text[:a + len(README_START)] + "\n" + block + text[b:]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return True


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark lint-policies against the parse floor and its peers.")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per command (default 5, the median is reported)")
    ap.add_argument("--seed", type=int, default=8, help="corpus seed (default 8)")
    ap.add_argument("--no-peers", action="store_true", help="do not install or time cfn-lint, checkov, parliament")
    ap.add_argument("--reinstall-peers", action="store_true", help="pip install the peers again")
    ap.add_argument("--linter-python", metavar="PY",
                    help="time lint-policies from this Python's environment instead of benchmarks/.lint-venv")
    ap.add_argument("--only", metavar="GROUPS", help="comma-separated group numbers to time (default: all)")
    ap.add_argument("--no-hyperfine", action="store_true", help="use the built-in timer even if hyperfine is installed")
    ap.add_argument("--output", default=os.path.join(HERE, "results.md"), help="where to write the report")
    ap.add_argument("--no-readme", action="store_true",
                    help="do not rewrite the performance section of README.md (a run of every group does by default)")
    ap.add_argument("--no-breakdown", action="store_true",
                    help="do not profile where the time goes (breakdown.py: the phases of a one-file run, "
                         "the corpus by part)")
    ap.add_argument("--instructions", action="store_true",
                    help="also count the instructions of the one-file commands and of the 600 policies (one process) "
                         "with valgrind (slow; not disturbed "
                         "by the machine's other load)")
    args = ap.parse_args(argv)
    if args.runs < 5:
        log(f"note: --runs {args.runs} is below the 5 runs the targets are judged on")

    sys.path.insert(0, HERE)
    import gen_corpus

    log("generating the corpus")
    stats = gen_corpus.generate(CORPUS, args.seed)
    py, lint, how = linter_env(args)
    peers, notes = peers_env(args)
    for p in PEERS:
        if not peers[p]:
            log(f"{p}: {notes.get(p)}")
    env = dict(os.environ, **PEER_ENV)
    # As users run it: bytecode caches written and read (a pre-commit environment has them).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cases = build_cases(py, lint, peers)
    if args.only:
        keep = {g.strip() for g in args.only.split(",")}
        cases = [c for c in cases if c.group.split()[0] in keep]
    timer = "hyperfine" if shutil.which("hyperfine") and not args.no_hyperfine else "built-in timer"
    if timer == "hyperfine":
        v = subprocess.run(["hyperfine", "--version"], capture_output=True, text=True).stdout.strip()
        timer = v or timer
    load_before = loadavg()
    groups: dict[str, list[Cmd]] = {}
    for c in cases:
        groups.setdefault(c.group, []).append(c)
    for g, cmds in groups.items():
        log(f"group {g}: warm-up")
        for c in cmds:
            sanity_run(c, env)
        log(f"group {g}: timing {len(cmds)} commands x {args.runs} runs with {timer}")
        if timer.startswith("hyperfine"):
            time_hyperfine(cmds, args.runs, env)
        else:
            time_builtin(cmds, args.runs, env)
        for c in cmds:
            log(f"  {c.label}: median {fmt_s(c.median)}")
    mem: dict[str, tuple[float, str]] = {}
    if not args.only or "3" in args.only.split(","):
        log("memory")
        P = corpus_paths()
        mem["lint-policies corpus, default --jobs (largest process)"] = peak_rss_mb([*lint, P["tree"]], env)
        mem["lint-policies corpus, default --jobs (all processes, sampled sum)"] = (
            tree_rss_mb([*lint, P["tree"]], env), "/proc sampling every 5 ms; shared pages counted per process")
        mem["lint-policies --jobs 1 corpus"] = peak_rss_mb([*lint, "--jobs", "1", P["tree"]], env)
        mem["parse floor corpus"] = peak_rss_mb([py, rel(os.path.join(HERE, "parse_floor.py")), P["tree"]], env)
    procs: dict[str, tuple[int, int]] = {}
    if not args.only or "3" in args.only.split(","):
        log("processes")
        P = corpus_paths()
        procs["whole corpus, default --jobs"] = max_processes([[*lint, P["tree"]]], env)
        tree_files = sorted(os.path.relpath(os.path.join(d, f), REPO)
                            for d, _, fs in os.walk(os.path.join(REPO, P["tree"])) for f in fs)
        procs["whole corpus through the pre-commit hook (require_serial)"] = precommit_batches(lint, tree_files, env)
    instr: dict[str, int] = {}
    if args.instructions:
        for c in cases:
            if c.group.startswith("1") and c.key in ("python", "ours_small_policy", "ours_configured", "ours_version",
                                                          "ours_help"):
                log(f"instructions: {c.label}")
                n = instructions(c.argv, env, c.where)
                if n:
                    instr[c.key] = n
        # The 600 policies in one process (valgrind counts a forked worker's instructions with
        # those its parent ran before the fork): the throughput target in instructions, which the
        # machine's other load does not move from one report to the next.
        by_key = {c.key: c for c in cases}
        if "ours_pol" in by_key and "floor_pol" in by_key:
            pol = by_key["ours_pol"].argv[-1]
            for key, argv in (("ours_pol_j1", [*by_key["ours_pol"].argv[:-1], "--jobs", "1", pol]),
                              ("floor_pol", by_key["floor_pol"].argv)):
                log(f"instructions: {key}")
                n = instructions(argv, env, by_key["ours_pol"].where)
                if n:
                    instr[key] = n
    breakdown_lines: list[str] = []
    if not args.no_breakdown and not args.only:
        import breakdown

        log("breakdown: the phases of a one-file run, the corpus by part (cProfile)")
        breakdown_lines = ["## Where the time goes\n", "From `breakdown.py` (see benchmarks/README.md).\n",
                           *breakdown.startup(py, args.runs), "", *breakdown.corpus(py)]
    meta = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "seed": args.seed,
            "corpus": f"{stats['files']} files, {stats['lines']} lines, {stats['bytes'] / 1e6:.1f} MB",
            "machine": machine(), "load": f"{load_before} / {loadavg()}", "timer": timer, "runs": args.runs,
            "linter": how}
    text = report(cases, mem, meta, notes, procs, instr)
    if breakdown_lines:
        text += "\n" + "\n".join(breakdown_lines) + "\n"
    print(text)
    with open(args.output, "w", encoding="utf-8") as fh:
        fh.write(text)
    log(f"wrote {rel(args.output)}")
    if not args.only and not args.no_readme:
        readme = os.path.join(REPO, "README.md")
        if update_readme(readme, readme_block(text, meta)):
            log("rewrote the performance section of README.md")
        else:
            log(f"README.md has no {README_START!r} ... {README_END!r} section: not rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
