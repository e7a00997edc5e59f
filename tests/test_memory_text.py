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
    assert _lint("p.json", select=["SM101"])[0] == []
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


MAIN_TF = '''resource "aws_iam_role" "ml" {
  name               = "ml"
  assume_role_policy = file("${path.module}/trust.json")
}
'''
TRUST = '''{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]
}
'''


def test_policy_file_read_by_terraform_is_linted_from_memory_with_the_resources_role(tmp_path, monkeypatch):
    """trust.json, read by main.tf as a trust policy: its unsaved text is what is linted, as a trust
    policy of aws_iam_role.ml, at the buffer's positions (not the disk's)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(MAIN_TF, encoding="utf-8")
    (tmp_path / "trust.json").write_text(TRUST, encoding="utf-8")
    on_disk = _lint("trust.json", select=["IAM302"])[0]
    assert [(f.code, f.span.line, f.label) for f in on_disk] == [("IAM302", 3, "aws_iam_role.ml")]
    buffer = "\n\n" + TRUST
    in_memory = _lint("trust.json", text=buffer, select=["IAM302"])[0]
    assert [(f.code, f.span.line, f.label) for f in in_memory] == [("IAM302", 5, "aws_iam_role.ml")]
    fixed = TRUST.replace('{"AWS": "*"}', '{"Service": "sagemaker.amazonaws.com"}')
    assert _lint("trust.json", text=fixed, select=["IAM302"])[0] == []
    # the disk is unchanged, and a run over the directory still reads it
    assert [(f.code, f.span.line) for f in engine.run(["."], Options(select=["IAM302"])).findings] == [("IAM302", 3)]


BOUNDARY_TF = '''resource "aws_iam_policy" "boundary" {
  name   = "ml-boundary"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
'''
ROLE_TF = '''resource "aws_iam_role" "ml" {
  name                 = "ml"
  permissions_boundary = aws_iam_policy.boundary.arn
  assume_role_policy   = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_policy" "logs" {
  name   = "logs"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "logs:PutLogEvents", Resource = "*" }] })
}
'''


def test_unsaved_terraform_text_does_not_leak_into_its_neighbours(tmp_path, monkeypatch):
    """role.tf takes boundary.tf's policy as its permissions boundary, so SM101 does not apply to the
    policy. Linting an unsaved role.tf without that line first (its own aws_iam_policy makes it read
    the directory's index) must not change what boundary.tf, linted from disk next, sees: its
    neighbours are read as they are on disk."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "boundary.tf").write_text(BOUNDARY_TF, encoding="utf-8")
    (tmp_path / "role.tf").write_text(ROLE_TF, encoding="utf-8")
    no_boundary = ROLE_TF.replace("  permissions_boundary = aws_iam_policy.boundary.arn\n", "")
    assert no_boundary != ROLE_TF
    _lint("role.tf", text=no_boundary)
    assert _lint("boundary.tf", select=["SM101"])[0] == []
    assert _lint("boundary.tf", text=BOUNDARY_TF + "\n", select=["SM101"])[0] == []
    # control: with role.tf saved that way, the policy is an identity policy granting sagemaker:*
    (tmp_path / "role.tf").write_text(no_boundary, encoding="utf-8")
    assert [f.code for f in _lint("boundary.tf", select=["SM101"])[0]] == ["SM101"]


def test_unsaved_terraform_text_is_not_answered_from_the_disk(tmp_path, monkeypatch):
    """One main.tf with the policy and the role taking it as boundary: no SM101. Its unsaved text
    without the permissions_boundary line is linted as it is, after a lint of the saved file (which
    indexed the directory: its other aws_iam_policy is no boundary)."""
    monkeypatch.chdir(tmp_path)
    saved = BOUNDARY_TF + "\n" + ROLE_TF
    (tmp_path / "main.tf").write_text(saved, encoding="utf-8")
    assert _lint("main.tf", select=["SM101"])[0] == []
    buffer = saved.replace("  permissions_boundary = aws_iam_policy.boundary.arn\n", "")
    assert [(f.code, f.span.line) for f in _lint("main.tf", text=buffer, select=["SM101"])[0]] == [("SM101", 4)]
    assert _lint("main.tf", text=saved, select=["SM101"])[0] == []
    assert _lint("main.tf", select=["SM101"])[0] == []


def test_a_file_that_grows_while_it_is_read(tmp_path, monkeypatch):
    """The file is read by the size its stat gave plus a byte: a file that grew since is read to
    its end, and refused (LP003) when it grew over max-file-size, as if the stat had seen it so."""
    from linter.sources import base

    text = '{"Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}\n'
    (tmp_path / "p.json").write_text(text)
    real_stat = os.stat

    def stale_stat(path, *a, **k):  # what the stat saw before the file grew to its present size
        st = real_stat(path, *a, **k)
        if str(path).endswith("p.json"):
            return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 10,
                                   st.st_atime, st.st_mtime, st.st_ctime))
        return st

    monkeypatch.setattr(base.os, "stat", stale_stat)
    path = str(tmp_path / "p.json")
    assert base.read_file(path, 1000) == (text, None)
    got, err = base.read_file(path, len(text) - 1)
    assert got is None and (err.code, err.message) == (
        "LP003", f"file is over the max-file-size limit of {len(text) - 1} bytes; not linted")
    assert base.read_file(path, len(text)) == (text, None)  # at the limit
