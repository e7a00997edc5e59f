"""Real code is the test: every finding on ../shared/corpus and ../shared/corpus2 is hand-labelled
(tests/real/labels.tsv; rows of corpus2 start with ``corpus2:``).

The run fails when a change adds a finding nobody reviewed, brings back one labelled wrong,
or loses one labelled right. Label new findings in the same change (docs/real-corpus.md).
"""
import os
import subprocess
import sys

import pytest
from conftest import ROOT, shared_path

SCRIPT = os.path.join(ROOT, "scripts", "real_corpus.py")


def _exe():
    exe = os.path.join(os.path.dirname(sys.executable), "lint-policies")
    if not os.path.exists(exe):
        pytest.skip(f"{exe} is not installed (pip install -e . installs it)")
    return exe


def test_real_corpus_matches_the_hand_labels():
    corpora = ["--corpus", shared_path("corpus")]
    corpus2 = os.path.join(os.path.dirname(corpora[1]), "corpus2")
    if os.path.isdir(corpus2):
        corpora += ["--corpus", f"corpus2={corpus2}"]
    r = subprocess.run([sys.executable, SCRIPT, "--exe", _exe(), *corpora, "--verbose"],
                       capture_output=True, text=True, timeout=600)
    last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]
    assert last.startswith("real corpus: precision 100.0%") and "(0 missed), 0 unlabelled" in last, last


def test_labels_are_well_formed():
    """Every row has a known verdict and a reason; no row is written twice by mistake."""
    path = os.path.join(ROOT, "tests", "real", "labels.tsv")
    with open(path, encoding="utf-8") as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh if line.strip()]
    assert rows[0] == ["path", "line", "code", "verdict", "note"]
    for row in rows[1:]:
        assert len(row) == 5, row
        assert row[3] in ("TP", "FP", "MISS"), row
        assert row[1].isdigit() and row[4].strip(), row


def test_label_paths_name_their_corpus(tmp_path):
    """Rows of the first corpus carry no prefix; every other corpus's rows start with its name."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("real_corpus", SCRIPT)
    rc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rc)
    assert rc.corpus_of("owner__repo/main.tf") == ""
    assert rc.corpus_of("corpus2:owner__repo/app.py") == "corpus2"
    assert rc.corpus_of("owner__repo/a:b.json") == ""  # a colon after a slash is part of the path
    assert rc.parse_corpora(["../shared/corpus", "corpus2=/x/y"]) == [("corpus", "../shared/corpus"),
                                                                       ("corpus2", "/x/y")]
    (tmp_path / "MANIFEST.tsv").write_text("repo\tcommit\tpath\tkind\no/r\tc\tapp.py\tcdk-py\n", encoding="utf-8")
    assert rc.kinds(str(tmp_path), "corpus2:") == {"corpus2:o__r/app.py": "cdk-py"}
    labels = [rc.Label("o__r/app.py", 3, "SM101", "TP", "", 1), rc.Label("corpus2:o__r/app.py", 3, "SM101", "TP", "", 2)]
    tp, fp, unl, missed = rc.score([{"file": "corpus2:o__r/app.py", "line": 3, "code": "SM101"}], labels, {})
    assert [lab.lineno for _, lab in tp] == [2] and [lab.lineno for lab in missed] == [1] and not fp and not unl
