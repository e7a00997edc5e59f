"""The labelled cases (tests/cases, copied from ../shared/cases) checked as the README there says.

EXPECT.tsv rows: file, rule, needle, nth, mode, note. Modes: must (a finding with this
code starts on that line), must-any (a finding whose code starts with the rule),
may (allowed), none (no finding with this code), clean (no error/warning finding in
the file other than must/may rows). Credential placeholders are filled at run time.
"""
from __future__ import annotations

import os
import shutil
from collections import defaultdict

import pytest

from keygen import fill_placeholders
from linter.engine import Options, run

CASES = os.path.join(os.path.dirname(__file__), "cases")


def _needle_lines(path, needle, nths):
    if needle == "-":
        return None
    if needle.startswith("@"):
        return {int(x) for x in needle[1:].split(",")}
    text = open(path, encoding="utf-8").read().splitlines()
    lines = set()
    for alt in needle.split("||"):
        hits = [i + 1 for i, line in enumerate(text) if alt in line]
        for n in nths:
            if n - 1 < len(hits):
                lines.add(hits[n - 1])
    return lines


def _rows():
    rows = defaultdict(list)
    with open(os.path.join(CASES, "EXPECT.tsv"), encoding="utf-8") as fh:
        for raw in fh:
            if not raw.strip() or raw.startswith("#"):
                continue
            f, rule, needle, nth, mode = raw.rstrip("\n").split("\t")[:5]
            rows[f].append((rule, needle, [int(x) for x in nth.split("|")], mode))
    return rows


ROWS = _rows()


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    work = tmp_path_factory.mktemp("cases")
    for name in os.listdir(CASES):
        if name == "EXPECT.tsv":
            continue
        text = open(os.path.join(CASES, name), encoding="utf-8").read()
        (work / name).write_text(fill_placeholders(text), encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(work)
    try:
        res = run(["."], Options())
    finally:
        os.chdir(cwd)
    by_file = defaultdict(list)
    for f in res.findings:
        by_file[os.path.basename(f.file)].append(f)
    yield work, by_file
    shutil.rmtree(work, ignore_errors=True)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_case(name, results):
    work, by_file = results
    found = by_file.get(name, [])
    explained = set()
    problems = []
    for rule, needle, nths, mode in ROWS[name]:
        lines = _needle_lines(os.path.join(work, name), needle, nths)
        if mode in ("must", "must-any"):
            hit = [i for i, f in enumerate(found)
                   if (f.code == rule if mode == "must" else f.code.startswith(rule))
                   and (lines is None or f.span.line in lines)]
            if hit:
                explained.update(hit)
            else:
                problems.append(f"missing {rule} at line {sorted(lines) if lines else 'any'}")
        elif mode == "may":
            explained.update(i for i, f in enumerate(found)
                             if (rule == "*" or f.code == rule) and (lines is None or f.span.line in lines))
        elif mode == "none":
            problems += [f"unexpected {f.code} at line {f.span.line}" for f in found if f.code == rule]
    if any(mode == "clean" for _, _, _, mode in ROWS[name]):
        problems += [f"false positive {f.code} ({f.severity}) at {f.span.line}:{f.span.col}: {f.message}"
                     for i, f in enumerate(found) if i not in explained and f.severity in ("error", "warning")]
    assert not problems, "\n".join(problems)
