#!/usr/bin/env python3
"""Score the linter on real third-party code against hand labels.

Runs ``lint-policies`` over corpora of real public files (default: ``../shared/corpus``
and ``../shared/corpus2`` beside the checkout, those that exist) and compares every
finding with the hand labels in ``tests/real/labels.tsv``. Each label row names one
finding a reviewer judged by reading the file and the rule's documentation:

    path    line    code    verdict    note

``path`` is relative to its corpus; a corpus other than the first is named in front of
it (``corpus2:owner__repo/app.py``), so rows of the first corpus need no prefix and
paths of different corpora never mix. ``verdict`` is ``TP`` (a finding that must be
reported), ``MISS`` (one a reviewer reports and the linter did not, when the row
was written: it must be reported too) or ``FP`` (a finding that must not be
reported). A note that starts with ``DEBATABLE:`` records a judgement call and the
documented behaviour chosen for that shape. Rows with the same path, line and code
count: two ``TP`` rows mean two findings there.

It prints precision and recall per rule, per corpus and per file kind (the corpus
manifest's ``kind``: ``cdk-py``, ``cdk-ts``, ``boto3-py``...), then one summary line:

    real corpus: precision P% (TP, FP), recall R% (missed), N unlabelled

and exits 0 only when no finding labelled ``FP`` or unlabelled is reported and no
``TP``/``MISS`` row is missing.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_CORPUS = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus"))
#: The corpora scored when none is named: (name, directory); the first one's paths carry no prefix.
DEFAULT_CORPORA = (("corpus", DEFAULT_CORPUS),
                   ("corpus2", os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus2"))))
DEFAULT_LABELS = os.path.join(ROOT, "tests", "real", "labels.tsv")
VERDICTS = ("TP", "FP", "MISS")
EXPECTED = ("TP", "MISS")


class Label:
    __slots__ = ("path", "line", "code", "verdict", "note", "lineno")

    def __init__(self, path, line, code, verdict, note, lineno):
        self.path, self.line, self.code, self.verdict, self.note, self.lineno = path, line, code, verdict, note, lineno

    @property
    def key(self):
        return self.path, self.line, self.code


def read_labels(path: str) -> list[Label]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if cols[:4] == ["path", "line", "code", "verdict"]:
                continue  # header
            if len(cols) < 4:
                raise SystemExit(f"{path}:{n}: expected path, line, code, verdict, note separated by tabs")
            p, ln, code, verdict = cols[:4]
            note = cols[4] if len(cols) > 4 else ""
            if verdict not in VERDICTS:
                raise SystemExit(f"{path}:{n}: verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
            try:
                ln_i = int(ln)
            except ValueError:
                raise SystemExit(f"{path}:{n}: line must be a number, not {ln!r}")
            out.append(Label(p, ln_i, code, verdict, note, n))
    return out


def kinds(corpus: str, prefix: str = "") -> dict[str, str]:
    """File kind by corpus path, from the corpus manifest (``repo`` + ``path`` -> ``kind``);
    paths start with ``prefix`` (the corpus name and a colon, for every corpus but the first)."""
    out: dict[str, str] = {}
    manifest = os.path.join(corpus, "MANIFEST.tsv")
    if not os.path.exists(manifest):
        return out
    with open(manifest, encoding="utf-8") as fh:
        head = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            row = dict(zip(head, line.rstrip("\n").split("\t")))
            if "repo" in row and "path" in row:
                out[prefix + row["repo"].replace("/", "__") + "/" + row["path"]] = row.get("kind", "?")
    return out


_EXT_KINDS = ((".tf.json", "tf-json"), (".tf", "tf"), (".tfvars", "tf"), (".yaml", "yaml"), (".yml", "yaml"),
              (".json", "json"), (".tpl", "template"), (".tftpl", "template"), (".j2", "template"),
              (".py", "python"), (".ts", "typescript"), (".js", "javascript"))


def kind_by_name(path: str) -> str:
    """A file kind from its name, for corpora without a manifest."""
    low = path.lower()
    return next((kind for ext, kind in _EXT_KINDS if low.endswith(ext)), "other")


def run_linter(exe: str, corpus: str, prefix: str = "") -> list[dict]:
    """Every finding the linter reports on the corpus, with paths relative to it (after ``prefix``)."""
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, ".lint-policies.toml")
        with open(config, "w", encoding="utf-8") as fh:
            fh.write("# the defaults: the corpus is scored as a new user would run it\n")
        report = os.path.join(tmp, "report.json")
        cmd = [exe, "--format", "json", "--output", report, "--fail-level", "never", "--config", config, "."]
        proc = subprocess.run(cmd, cwd=corpus, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0 or not os.path.exists(report):
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr.strip()}")
        with open(report, encoding="utf-8") as fh:
            data = json.load(fh)
    for f in data["findings"]:
        f["file"] = prefix + f["file"]
    return data["findings"]


def corpus_of(path: str) -> str:
    """The corpus a labelled or reported path belongs to (its prefix), "" for the first."""
    head, sep, _ = path.partition(":")
    return head if sep and "/" not in head else ""


def parse_corpora(values) -> list[tuple[str, str]]:
    """``--corpus [NAME=]DIR`` values: (name, directory); a directory without a name is named
    after itself."""
    out = []
    for v in values:
        name, sep, d = v.partition("=")
        if not sep or os.sep in name or "/" in name:
            name, d = os.path.basename(os.path.normpath(v)), v
        out.append((name, d))
    return out


def score(findings: list[dict], labels: list[Label], kind_of: dict[str, str]):
    """Match findings to labels (a multiset on path, line and code)."""
    pool: dict[tuple, list[Label]] = collections.defaultdict(list)
    for lab in labels:
        pool[lab.key].append(lab)
    for rows in pool.values():  # reported findings consume expected rows first, then FP rows
        rows.sort(key=lambda r: r.verdict not in EXPECTED)
    tp, fp, unlabelled, missed = [], [], [], []
    for f in findings:
        key = (f["file"], f["line"], f["code"])
        rows = pool.get(key)
        if rows:
            lab = rows.pop(0)
            (tp if lab.verdict in EXPECTED else fp).append((f, lab))
        else:
            unlabelled.append((f, None))
    for rows in pool.values():
        missed.extend(r for r in rows if r.verdict in EXPECTED)
    return tp, fp, unlabelled, missed


def _pct(num: int, den: int) -> str:
    return f"{100.0 * num / den:.1f}%" if den else "n/a"


def table(title: str, tp, fp, unl, missed, group) -> list[str]:
    counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0, 0])
    for f, _ in tp:
        counts[group(f["file"], f["code"])][0] += 1
    for f, _ in fp:
        counts[group(f["file"], f["code"])][1] += 1
    for f, _ in unl:
        counts[group(f["file"], f["code"])][3] += 1
    for lab in missed:
        counts[group(lab.path, lab.code)][2] += 1
    width = max([len(title)] + [len(k) for k in counts])
    lines = [f"{title:<{width}}  {'TP':>5} {'FP':>5} {'missed':>6} {'unlab':>5}  {'precision':>9} {'recall':>7}"]
    for k in sorted(counts):
        t, f_, m, u = counts[k]
        lines.append(f"{k:<{width}}  {t:>5} {f_:>5} {m:>6} {u:>5}  {_pct(t, t + f_):>9} {_pct(t, t + m):>7}")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--exe", default=None, help="the lint-policies to run (default: the one on PATH)")
    ap.add_argument("--corpus", action="append", default=None, metavar="[NAME=]DIR",
                    help="a corpus directory, repeatable; label paths of every corpus but the first start "
                         "with NAME: (default: ../shared/corpus and ../shared/corpus2, those present)")
    ap.add_argument("--labels", default=DEFAULT_LABELS, help="hand labels (default: tests/real/labels.tsv)")
    ap.add_argument("--verbose", "-v", action="store_true", help="list every disagreement")
    args = ap.parse_args(argv)

    exe = args.exe or shutil.which("lint-policies")
    if not exe:
        print("lint-policies is not on PATH; pass --exe", file=sys.stderr)
        return 2
    if args.corpus:
        corpora = parse_corpora(args.corpus)
        for _, d in corpora:
            if not os.path.isdir(d):
                print(f"corpus not found: {d}", file=sys.stderr)
                return 2
    else:
        corpora = [(n, d) for n, d in DEFAULT_CORPORA if os.path.isdir(d)]
        if not corpora:
            print(f"corpus not found: {DEFAULT_CORPUS}", file=sys.stderr)
            return 2
    exe = os.path.abspath(exe)
    labels = read_labels(args.labels)
    names = {n for n, _ in corpora[1:]}
    first = corpora[0][0]
    # the rows of a corpus not scored in this run (its directory is absent) are left out
    labels = [lab for lab in labels if (corpus_of(lab.path) or first) in names | {first}]
    findings: list[dict] = []
    kind_of: dict[str, str] = {}
    for i, (name, d) in enumerate(corpora):
        prefix = f"{name}:" if i else ""
        findings += run_linter(exe, os.path.abspath(d), prefix)
        kind_of.update(kinds(d, prefix))
    tp, fp, unl, missed = score(findings, labels, kind_of)

    print("\n".join(table("rule", tp, fp, unl, missed, lambda p, c: c)))
    print()
    print("\n".join(table("corpus", tp, fp, unl, missed, lambda p, c: corpus_of(p) or first)))
    print()
    print("\n".join(table("kind", tp, fp, unl, missed,
                           lambda p, c: (f"{corpus_of(p)}:" if corpus_of(p) else "")
                           + (kind_of.get(p) or kind_by_name(p)))))
    if args.verbose:
        for title, rows in (("false positives (labelled FP, still reported)", fp),
                            ("unlabelled findings", unl)):
            if rows:
                print(f"\n{title}:")
                for f, lab in rows:
                    why = f"  [{lab.note}]" if lab is not None and lab.note else ""
                    print(f"  {f['file']}:{f['line']}:{f['column']}: {f['code']} {f['message']}{why}")
        if missed:
            print("\nmissed (labelled TP/MISS, not reported):")
            for lab in sorted(missed, key=lambda r: (r.path, r.line, r.code)):
                print(f"  {lab.path}:{lab.line}: {lab.code} {lab.verdict}  {lab.note}")
    print()
    n_tp, n_fp = len(tp), len(fp)
    print(f"real corpus: precision {_pct(n_tp, n_tp + n_fp)} ({n_tp} TP, {n_fp} FP), "
          f"recall {_pct(n_tp, n_tp + len(missed))} ({len(missed)} missed), {len(unl)} unlabelled")
    return 0 if not fp and not missed and not unl else 1


if __name__ == "__main__":
    sys.exit(main())
