"""What the principal model costs: the whole corpus with and without the principal rules, in one run.

    python benchmarks/principals.py [--runs 7] [--corpus DIR ...] [--exe lint-policies]

For each corpus (default: the generated benchmark corpus, ``benchmarks/corpus/tree``, made by
``gen_corpus.py`` when absent, and ``../shared/corpus`` when present), the installed
``lint-policies`` runs alternately with every rule (``--select ALL``) and with the principal rules
left out (``--ignore SM3``: no document is grouped by principal, every file is its own unit), so
both see the same machine load. The median of each is reported with the ratio, and the report is
written to ``benchmarks/principals-results.md``. The machine may be shared: compare the two
columns of one run, not runs of different days.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def timed(cmd: list, cwd: str) -> tuple:
    """(wall seconds, CPU seconds: user + system of the run). CPU time is what a shared machine
    disturbs least; wall time is what a user waits."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--corpus", action="append", default=None)
    ap.add_argument("--exe", default=os.path.join(os.path.dirname(sys.executable), "lint-policies"))
    args = ap.parse_args()
    corpora = args.corpus
    if not corpora:
        tree = os.path.join(HERE, "corpus", "tree")
        if not os.path.isdir(tree):
            subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py")], check=True)
        corpora = [tree]
        shared = os.path.normpath(os.path.join(REPO, "..", "shared", "corpus"))
        if os.path.isdir(shared):
            corpora.append(shared)
    lines = ["# The principal model's cost", "",
             f"`python benchmarks/principals.py --runs {args.runs}`: median CPU time (user + "
             "system) and wall time of `lint-policies --jobs 1 .` over each corpus, every rule against the principal "
             "rules left out (`--ignore SM3`), runs alternated.", "",
             "| corpus | files | CPU without principal rules | CPU with | added | wall without | wall with |",
             "|---|---|---|---|---|---|---|"]
    for corpus in corpora:
        files = sum(len(f) for _, _, f in os.walk(corpus))
        with_, without = [], []
        base = [args.exe, "--jobs", "1", "--quiet", "."]
        for _ in range(args.runs + 1):  # the first pair warms the file cache and is dropped
            without.append(timed(base + ["--ignore", "SM3"], corpus))
            with_.append(timed(base, corpus))
        a, b = (statistics.median(x[1] for x in without[1:]), statistics.median(x[1] for x in with_[1:]))
        wa, wb = (statistics.median(x[0] for x in without[1:]), statistics.median(x[0] for x in with_[1:]))
        name = os.path.relpath(corpus, REPO) if corpus.startswith(REPO) else os.path.basename(corpus)
        lines.append(f"| {name} | {files} | {a:.2f} s | {b:.2f} s | {100 * (b - a) / a:+.1f}% | {wa:.2f} s | "
                     f"{wb:.2f} s |")
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    with open(os.path.join(HERE, "principals-results.md"), "w", encoding="utf-8") as fh:
        fh.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
