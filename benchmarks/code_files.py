#!/usr/bin/env python3
"""What ordinary program code costs a run: the benchmark tree alone, then with 1,000 ordinary
Python and TypeScript files added (no CDK import, no policy), which the linter must pick out
cheaply and never report on. Prints both times (best of ``--runs``) and the overhead.

    python3 benchmarks/code_files.py --exe .venv/bin/lint-policies

The tree is ``benchmarks/corpus/tree`` (written by ``gen_corpus.py --seed 8`` when absent);
the code files are generated at run time into a temporary copy. A timing, not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

PY = '''"""Module {i}: helpers for the data pipeline."""
import json
import logging
import os

LOG = logging.getLogger(__name__)
BATCH = {batch}


class Loader{i}:
    def __init__(self, path: str) -> None:
        self.path = path
        self.rows: list = []

    def read(self) -> list:
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                self.rows.append(json.loads(line))
        return self.rows

    def batches(self):
        for start in range(0, len(self.rows), BATCH):
            yield self.rows[start:start + BATCH]
'''

TS = '''import {{ readFileSync }} from "fs";
import * as path from "path";

export interface Row{i} {{ id: string; score: number; tags: string[] }}

export class Loader{i} {{
  private rows: Row{i}[] = [];
  constructor(private readonly file: string) {{}}

  read(): Row{i}[] {{
    const text = readFileSync(path.resolve(this.file), "utf-8");
    for (const line of text.split("\\n")) {{
      if (line.trim()) this.rows.push(JSON.parse(line) as Row{i});
    }}
    return this.rows;
  }}

  top(n = {batch}): Row{i}[] {{
    return [...this.rows].sort((a, b) => b.score - a.score).slice(0, n);
  }}
}}
'''


def write_code(root: str, n: int, seed: int = 8) -> None:
    rnd = random.Random(seed)
    for i in range(n):
        d = os.path.join(root, "src", f"pkg{i % 20}")
        os.makedirs(d, exist_ok=True)
        tpl, ext = (PY, ".py") if i % 2 == 0 else (TS, ".ts")
        body = tpl.format(i=i, batch=rnd.randint(8, 512))
        with open(os.path.join(d, f"mod{i}{ext}"), "w", encoding="utf-8") as fh:
            fh.write(body * rnd.randint(1, 4))  # 25 to 100 lines


def best(cmd: list, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--exe", default=shutil.which("lint-policies") or "lint-policies")
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--jobs", default="1", help="--jobs passed to the linter (default 1: one core)")
    args = ap.parse_args(argv)
    if os.path.exists(args.exe):
        args.exe = os.path.abspath(args.exe)
    tree = os.path.join(HERE, "corpus", "tree")
    if not os.path.isdir(tree):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "--seed", "8"], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        base = os.path.join(tmp, "base")
        shutil.copytree(tree, base)
        mixed = os.path.join(tmp, "mixed")
        shutil.copytree(tree, mixed)
        write_code(mixed, args.files)
        cmd = [args.exe, "--fail-level", "never", "--jobs", args.jobs, "--format", "json"]
        # the findings must be the same: ordinary code is never reported on
        a = subprocess.run(cmd + ["."], cwd=base, capture_output=True, text=True).stdout
        b = subprocess.run(cmd + ["."], cwd=mixed, capture_output=True, text=True).stdout
        fa, fb = json.loads(a)["findings"], json.loads(b)["findings"]
        if len(fa) != len(fb):
            print(f"findings differ: {len(fa)} without the code files, {len(fb)} with them", file=sys.stderr)
            return 1
        t_base = best(cmd + [base], args.runs)
        t_mixed = best(cmd + [mixed], args.runs)
    n_tree = sum(len(f) for _, _, f in os.walk(tree))
    print(f"tree alone ({n_tree} policy files):            {t_base:.2f} s")
    print(f"tree + {args.files} ordinary .py/.ts files:     {t_mixed:.2f} s")
    print(f"overhead: {100.0 * (t_mixed - t_base) / t_base:+.1f}%  (findings identical: {len(fa)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
