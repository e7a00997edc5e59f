"""Linting a file's text from memory (an editor's unsaved buffer): ``lint_file(..., text=)``.

The text given is linted instead of the file on disk, with the same checks as a file read
from disk (size limit, NUL bytes, byte-order mark); the files it refers to (a Terraform
``file()``), and the other files of its directory, are still read from disk.
"""
from __future__ import annotations

import os

import pytest

from keygen import fill_placeholders
from linter import engine
from linter.engine import Options, RuleSet, lint_file, selected_codes

CASES = os.path.join(os.path.dirname(__file__), "cases")


def _lint(path, text=None, **kw):
    opts = Options(**kw)
    rules = RuleSet(selected_codes(opts), opts)
    kept, suppressed = lint_file(path, True, rules, opts, text=text)
    return kept, suppressed


def _rows(findings):
    return [(f.code, f.file, tuple(f.span), f.message, f.severity, f.label) for f in findings]


@pytest.mark.parametrize("name", sorted(n for n in os.listdir(CASES) if n != "EXPECT.tsv" and n != "README.md"))
def test_text_from_memory_gives_the_findings_of_the_same_text_on_disk(name, tmp_path, monkeypatch):
    """Each labelled case: on disk, then given in memory while the disk holds something else."""
    monkeypatch.chdir(tmp_path)
    text = fill_placeholders(open(os.path.join(CASES, name), encoding="utf-8").read())
    (tmp_path / name).write_text(text, encoding="utf-8")
    on_disk = _lint(name)
    assert on_disk[0] or name.endswith("_neg.json") or name.endswith("_neg.yaml") or "neg" in name
    other = "{}\n" if not name.endswith(".tf") else "# nothing here\n"
    (tmp_path / name).write_text(other, encoding="utf-8")
    in_memory = _lint(name, text=text)
    assert _rows(in_memory[0]) == _rows(on_disk[0])
    assert _rows(in_memory[1]) == _rows(on_disk[1])
    # and the disk's content is what a run without text= sees
    assert _lint(name)[0] != on_disk[0] or not on_disk[0]


def test_unsaved_edit_is_linted_at_its_own_positions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    saved = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}\n'
    (tmp_path / "p.json").write_text(saved, encoding="utf-8")
    assert _lint("p.json")[0] == []
    buffer = '\n\n{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",\n  "Action": "sagemaker:*", "Resource": "*"}]}\n'
    kept, _ = _lint("p.json", text=buffer, select=["SM101"])
    assert [(f.code, tuple(f.span)) for f in kept] == [("SM101", (4, 13, 4, 26))]


def test_huge_text_is_refused_as_a_huge_file_is(tmp_path, monkeypatch):
    """Over max-file-size: LP003 with the text's UTF-8 size, the message the CLI gives for the same file."""
    monkeypatch.chdir(tmp_path)
    text = '{"Statement": [{"Sid": "' + "é" * 60 + '"}]}\n'  # 60 characters, 120 bytes
    size = len(text.encode("utf-8"))
    (tmp_path / "p.json").write_text(text, encoding="utf-8")
    from_disk = _lint("p.json", max_file_size=size - 1)[0]
    (tmp_path / "p.json").write_text("{}", encoding="utf-8")
    from_memory = _lint("p.json", text=text, max_file_size=size - 1)[0]
    assert _rows(from_memory) == _rows(from_disk)
    assert [(f.code, f.message) for f in from_memory] == [
        ("LP003", f"file is {size} bytes, over the max-file-size limit of {size - 1} bytes; not linted")]
    at_limit = _lint("p.json", text=text, max_file_size=size)[0]  # at the limit: linted
    assert at_limit and "LP003" not in {f.code for f in at_limit}
    # a big file that is no policy source is not the linter's business, in memory as on disk
    assert _lint("package.json", text='{"name": "x", "d": "' + "x" * 200 + '"}', max_file_size=100)[0] == []


def test_nul_character_is_lp001_where_it_is(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = '{\n  "Statement": [],\n  "é": "a\x00b"\n}\n'
    (tmp_path / "p.json").write_bytes(text.encode("utf-8"))
    from_disk = _lint("p.json")[0]
    from_memory = _lint("elsewhere.json", text=text)[0]
    assert [(f.code, tuple(f.span), f.message) for f in from_memory] == [
        ("LP001", (3, 10, 3, 11), "binary file (NUL byte); not linted")]
    assert [(f.code, tuple(f.span), f.message) for f in from_disk] == [(f.code, tuple(f.span), f.message)
                                                                        for f in from_memory]


def test_lone_surrogate_is_lp001(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    kept = _lint("p.json", text='{"Statement": [\n {"Sid": "a\ud800"}]}')[0]
    assert [(f.code, tuple(f.span)) for f in kept] == [("LP001", (2, 12, 2, 13))]


def test_byte_order_mark_is_dropped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = '{"Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}'
    plain = _lint("p.json", text=text, select=["SM101"])[0]
    assert [(f.code, tuple(f.span)) for f in plain] == [("SM101", (1, 46, 1, 59))]
    assert _rows(_lint("p.json", text="\ufeff" + text, select=["SM101"])[0]) == _rows(plain)
