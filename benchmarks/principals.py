"""What the principal model costs: the whole corpus with and without the principal rules, in one run.

    python benchmarks/principals.py [--runs 7] [--corpus DIR ...]

For each corpus (default: the generated benchmark corpus, ``benchmarks/corpus/tree``, made by
``gen_corpus.py`` when absent, and ``../shared/corpus`` when present), the engine lints the whole
corpus in this process (``--jobs 1``), alternately with every rule and with the principal rules
left out (``--ignore SM3``: no document is grouped by principal, every file is its own unit), after
one warm-up run. It reports the median CPU time (``time.process_time``: what a shared machine
disturbs least) of each, and the CPU time spent in the principal model itself (grouping the
documents by principal and running SM301-SM307) in the runs with every rule. The rest of the
difference is the work every finding costs (suppressions, masking, sorting): the principal rules
find more. The report goes to ``benchmarks/principals-results.md``.
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


def measure(corpus: str, runs: int) -> tuple:
    from linter import engine

    without = engine.Options(jobs=1, ignore=["SM3"])
    every = engine.Options(jobs=1)
    codes_without, codes_every = engine.selected_codes(without), engine.selected_codes(every)
    spent = [0.0]
    original = engine._principal_rules

    def timed_model(*args):
        t = time.process_time()
        try:
            return original(*args)
        finally:
            spent[0] += time.process_time() - t

    cwd = os.getcwd()
    os.chdir(corpus)
    engine._principal_rules = timed_model
    try:
        files = engine.run(["."], every, codes_every).files  # warm-up: file cache, knowledge base
        a, b, model, found = [], [], [], 0
        for _ in range(runs):
            t = time.process_time()
            engine.run(["."], without, codes_without)
            a.append(time.process_time() - t)
            spent[0] = 0.0
            t = time.process_time()
            result = engine.run(["."], every, codes_every)
            b.append(time.process_time() - t)
            model.append(spent[0])
            found = sum(1 for f in result.findings if f.code.startswith("SM3"))
    finally:
        engine._principal_rules = original
        os.chdir(cwd)
    return files, statistics.median(a), statistics.median(b), statistics.median(model), found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--corpus", action="append", default=None)
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
             f"`python benchmarks/principals.py --runs {args.runs}`: median CPU time of linting each whole corpus "
             "in one process (`--jobs 1`), every rule against the principal rules left out (`--ignore SM3`), "
             "runs alternated; \"model\" is the CPU time spent grouping documents by principal and running "
             "SM301-SM307, \"SM3 findings\" what they add (each finding costs its own suppression, masking and "
             "sorting work, the rest of the difference).", "",
             "| corpus | files | without SM3 | with every rule | difference | model | model share | SM3 findings |",
             "|---|---|---|---|---|---|---|---|"]
    for corpus in corpora:
        files, a, b, model, found = measure(corpus, args.runs)
        name = os.path.relpath(corpus, REPO) if corpus.startswith(REPO) else "../shared/" + os.path.basename(corpus)
        lines.append(f"| {name} | {files} | {a:.2f} s | {b:.2f} s | {100 * (b - a) / a:+.1f}% | {model:.2f} s | "
                     f"{100 * model / a:.1f}% | {found} |")
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    with open(os.path.join(HERE, "principals-results.md"), "w", encoding="utf-8") as fh:
        fh.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
