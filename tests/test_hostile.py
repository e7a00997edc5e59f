"""Hostile and broken input: the linter survives anything a pull request can hold.

Every test here puts one hostile file beside an ordinary policy with a known finding
and runs the real command line in a subprocess, with a timeout: the run must go on
to the other file, exit 1 (findings) or 2 (usage), never print a traceback, and
report the hostile file with the expected code at a location inside the file.

Also: truncated case files at every 7th byte, YAML that tries to run code, and a
run with the network disabled.
"""
import json
import os
import re
import socket
import stat
import subprocess
import sys
import time

import pytest
from conftest import ROOT

from linter import engine
from linter.engine import Options
from linter.reporters import REPORTERS
from linter.sources import looks_like_policy_source

CASES = os.path.join(ROOT, "tests", "cases")

COMPANION = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "arn:aws:sagemaker:us-east-1:111122223333:*"}
  ]
}
"""
COMPANION_SM101 = (4, COMPANION.split("\n")[3].index('"sagemaker:*"') + 1)  # line, column of the action


#: The rules these tests are about (a ``--select`` in ``extra`` replaces it): a new rule
#: does not change what they assert.
RULES = ("--select", "LP,KEY401,KEY402,KEY403,SM101,SM102,SM103,SM104,SM105,SM201,SM202,SM203,SM204,"
                     "IAM101,IAM102,IAM109,IAM301,IAM302,IAM303")


def lint(cwd, *paths, extra=(), timeout=60):
    """Run the CLI (JSON output); return (exit code, findings by file, seconds)."""
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "linter.cli", "--format", "json", *RULES, *extra, *paths], cwd=cwd,
                       capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    took = time.monotonic() - t0
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode in (1, 2), (r.returncode, r.stdout[-2000:], r.stderr)
    by_file = {}
    if r.returncode == 1:
        for f in json.loads(r.stdout)["findings"]:
            by_file.setdefault(f["file"], []).append(f)
    return r.returncode, by_file, took


def companion(d):
    (d / "ok.json").write_text(COMPANION)


def assert_companion(by_file):
    """The ordinary file was linted in the same run (the run went on)."""
    fs = by_file.get("ok.json", [])
    assert any(f["code"] == "SM101" and (f["line"], f["column"]) == COMPANION_SM101 for f in fs), fs


def only(by_file, name, code):
    fs = by_file.get(name, [])
    assert [f["code"] for f in fs] == [code], fs
    return fs[0]


def assert_inside(f, text):
    """The finding points inside ``text`` (1-based; the end of the file counts)."""
    lines = text.split("\n")
    assert 1 <= f["line"] <= len(lines), (f, len(lines))
    assert 1 <= f["column"] <= len(lines[f["line"] - 1]) + 1, (f, len(lines[f["line"] - 1]))
    assert (f["end_line"], f["end_column"]) >= (f["line"], f["column"]), f


# ---------------------------------------------------------------------------
# Broken files: every case file cut at every 7th byte


def _case_files():
    return sorted(n for n in os.listdir(CASES) if n.endswith((".json", ".yaml", ".yml", ".tf")))




def _oracle_valid(raw: bytes, ext: str) -> bool:
    """Whether a stock parser accepts the bytes (json.loads, PyYAML safe + any tag, tree-sitter)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if ext == ".json":
        try:
            json.loads(text.lstrip("\ufeff"))
            return True
        except ValueError:
            return False
    if ext == ".tf":
        import tree_sitter
        import tree_sitter_hcl

        parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
        return not parser.parse(raw).root_node.has_error
    import yaml

    try:  # syntax only: compose, never construct (tags and complex keys are the linter's business)
        list(yaml.compose_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
        return True
    except yaml.YAMLError:
        return False


@pytest.mark.parametrize("name", _case_files())
def test_truncated_case_file(name, tmp_path, monkeypatch):
    """No crash; an LP001 inside the file wherever a stock parser rejects the prefix."""
    from keygen import fill_placeholders

    with open(os.path.join(CASES, name), "rb") as fh:
        raw = fill_placeholders(fh.read().decode("utf-8")).encode("utf-8")
    ext = os.path.splitext(name)[1]
    cuts = list(range(7, len(raw), 7))
    for n in cuts:
        (tmp_path / f"cut{n:05d}{ext}").write_bytes(raw[:n])
    monkeypatch.chdir(tmp_path)
    res = engine.run(["."], Options(jobs=1))
    assert res.files == len(cuts)
    by_file = {}
    for f in res.findings:
        by_file.setdefault(f.file, []).append(f)
    for n in cuts:
        fs = by_file.get(f"cut{n:05d}{ext}", [])
        assert not [f for f in fs if f.code == "LP000"], (n, [f.message for f in fs if f.code == "LP000"])
        prefix = raw[:n]
        text = prefix.decode("utf-8", "replace")
        lp001 = [f for f in fs if f.code == "LP001"]
        for f in lp001:
            loc = {"line": f.span.line, "column": f.span.col, "end_line": f.span.end_line,
                   "end_column": f.span.end_col}
            assert_inside(loc, text)
        if lp001:
            continue
        # No parse error reported: the prefix must be a valid file -- or a file that holds
        # no word of a policy source (not the linter's business).
        if not looks_like_policy_source(text) and ext != ".tf":
            continue
        assert _oracle_valid(prefix, ext), f"{name} cut at byte {n}: invalid, but no LP001: {text[-60:]!r}"
        if ext == ".json":
            assert not lp001


@pytest.mark.parametrize("text", ['AWSTemplateFormatVersion: "2010-09-09"\nDes', "Resources: [1, 2",
                                  "Resources:\n  R: {Type: x"])
def test_yaml_error_at_end_of_file_points_inside(text, tmp_path, monkeypatch):
    (tmp_path / "t.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    fs = engine.run(["t.yaml"], Options(jobs=1)).findings
    assert [f.code for f in fs] == ["LP001"]
    f = fs[0]
    assert_inside({"line": f.span.line, "column": f.span.col, "end_line": f.span.end_line,
                   "end_column": f.span.end_col}, text)


def test_truncated_files_through_the_cli(tmp_path):
    """The same, end to end: exit 1, no traceback, every broken file reported."""
    companion(tmp_path)
    names = []
    for name in ("p01_sm_star_object.json", "c01_cfn_role_inline.yaml", "t01_tf_jsonencode.tf"):
        with open(os.path.join(CASES, name), "rb") as fh:
            raw = fh.read()
        for n in range(len(raw) // 4, len(raw), len(raw) // 4):
            cut = f"cut{n}-{name}"
            (tmp_path / cut).write_bytes(raw[:n])
            names.append((cut, _oracle_valid(raw[:n], os.path.splitext(name)[1])
                          or (not name.endswith(".tf") and not looks_like_policy_source(raw[:n]))))
    assert not all(valid for _, valid in names)
    rc, by_file, _ = lint(tmp_path, ".")
    assert rc == 1
    assert_companion(by_file)
    for cut, valid in names:
        codes = {f["code"] for f in by_file.get(cut, [])}
        assert "LP000" not in codes
        assert valid or "LP001" in codes, (cut, by_file.get(cut))


# ---------------------------------------------------------------------------
# Resource exhaustion


def test_yaml_alias_bomb(tmp_path):
    """Billion laughs: nine levels of ten aliases each; stops early with a finding."""
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", "Metadata:", "  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"  {cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    lines += ["Resources:", "  R:", "    Type: AWS::IAM::Role", "    Properties:", "      X: *j"]
    text = "\n".join(lines) + "\n"
    (tmp_path / "bomb.yaml").write_text(text)
    (tmp_path / "plain-bomb.yml").write_text("".join(line[2:] + "\n" for line in lines[2:2 + 10]) + "k: *j\n")
    companion(tmp_path)
    rc, by_file, took = lint(tmp_path, ".", timeout=30)
    assert rc == 1
    assert took < 20
    assert_companion(by_file)
    f = only(by_file, "bomb.yaml", "LP001")
    assert_inside(f, text)
    assert "alias" in f["message"].lower()
    assert "LP001" in {x["code"] for x in by_file.get("plain-bomb.yml", [])}


DEPTH = 10_000


def test_deep_nesting_json(tmp_path):
    arrays = "[" * DEPTH + "]" * DEPTH
    objects = '{"a": ' * DEPTH + "1" + "}" * DEPTH
    policy = '{"Version": "2012-10-17", "Statement": ' + "[" * DEPTH + "]" * DEPTH + "}"
    for name, text in (("arrays.json", arrays), ("objects.json", objects), ("policy.json", policy)):
        (tmp_path / name).write_text(text)
    companion(tmp_path)
    rc, by_file, took = lint(tmp_path, ".")
    assert rc == 1
    assert_companion(by_file)
    for name, text in (("arrays.json", arrays), ("objects.json", objects), ("policy.json", policy)):
        f = only(by_file, name, "LP001")
        assert_inside(f, text)
        assert "deep" in f["message"]


def test_deep_nesting_yaml(tmp_path):
    head = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      X: "
    files = {
        "flow-seq.yaml": head + "[" * DEPTH + "]" * DEPTH + "\n",
        "flow-map.yaml": head + "{a: " * DEPTH + "1" + "}" * DEPTH + "\n",
        "block-seq.yaml": head + "\n" + "        " + "- " * DEPTH + "x\n",
        "plain.yml": "- " * DEPTH + "x\n",  # not a template: still refused, quickly
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    companion(tmp_path)
    rc, by_file, took = lint(tmp_path, ".")
    assert rc == 1
    assert_companion(by_file)
    for name, text in files.items():
        f = only(by_file, name, "LP001")
        assert_inside(f, text)


def test_deep_nesting_hcl(tmp_path):
    files = {
        "blocks.tf": "a {\n" * DEPTH + "}\n" * DEPTH,
        "policy-value.tf": 'resource "aws_iam_policy" "p" {\n  policy = jsonencode(' + "[" * DEPTH + "]" * DEPTH
                           + ")\n}\n",
        "object-value.tf": 'resource "aws_iam_policy" "p" {\n  policy = jsonencode(' + "{a = " * DEPTH + "1"
                           + "}" * DEPTH + ")\n}\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    # Deep, but in a value no policy reads: nothing to report, and nothing may break.
    (tmp_path / "locals.tf").write_text("locals {\n  x = " + "[" * DEPTH + "]" * DEPTH + "\n}\n")
    companion(tmp_path)
    rc, by_file, took = lint(tmp_path, ".")
    assert rc == 1
    assert_companion(by_file)
    for name, text in files.items():
        f = only(by_file, name, "LP001")
        assert_inside(f, text)
    assert not [f for f in by_file.get("locals.tf", []) if f["code"] in ("LP000",)]


def test_file_too_large(tmp_path):
    """A 50 MB file (sparse: made instantly) is refused unread with LP003 file-too-large."""
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.write(b'{"Version": "2012-10-17", "Statement": [')
        fh.truncate(50 * 1024 * 1024)
    # a big file that holds no policy (a package-lock.json) is not the linter's business
    with open(tmp_path / "package-lock.json", "wb") as fh:
        fh.write(b'{"name": "x", "lockfileVersion": 3, "packages": {')
        fh.truncate(6 * 1024 * 1024)
    companion(tmp_path)
    rc, by_file, took = lint(tmp_path, ".")
    assert rc == 1
    assert took < 20
    assert_companion(by_file)
    assert "package-lock.json" not in by_file
    f = only(by_file, "big.json", "LP003")
    assert (f["line"], f["column"]) == (1, 1)
    assert f["name"] == "file-too-large"
    assert str(50 * 1024 * 1024) in f["message"] and str(5 * 1024 * 1024) in f["message"]


def test_max_file_size_option_and_config(tmp_path):
    companion(tmp_path)
    (tmp_path / "small.json").write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", '
                                         '"Action": "s3:DeleteBucket", "Resource": "*"}]}')
    size = len(COMPANION.encode())
    rc, by_file, _ = lint(tmp_path, ".", extra=("--max-file-size", str(size - 1)))
    assert rc == 1
    only(by_file, "ok.json", "LP003")
    assert "small.json" not in by_file
    (tmp_path / ".lint-policies.toml").write_text(f"max-file-size = {size - 1}\n")
    rc, by_file, _ = lint(tmp_path, ".")
    only(by_file, "ok.json", "LP003")
    # the command line wins over the configuration file
    rc, by_file, _ = lint(tmp_path, ".", extra=("--max-file-size", str(size)))
    assert_companion(by_file)


# ---------------------------------------------------------------------------
# Encodings and binary content


def test_binary_files(tmp_path):
    with_nul = bytes(range(256)) * 8
    no_nul = bytes(range(128, 256)) * 8  # not UTF-8, no NUL
    marked = b"Statement: " + no_nul  # a policy source key, then bytes that are not UTF-8
    (tmp_path / "blob.json").write_bytes(with_nul)
    (tmp_path / "blob.yaml").write_bytes(no_nul)
    (tmp_path / "marked.json").write_bytes(b"AWS::" + with_nul)
    (tmp_path / "marked.yaml").write_bytes(marked)
    (tmp_path / "blob.tf").write_bytes(with_nul)
    companion(tmp_path)
    rc, by_file, _ = lint(tmp_path, ".")
    assert rc == 1
    assert_companion(by_file)
    # binary files that hold no policy source word are not the linter's business; Terraform
    # files always are
    assert "blob.json" not in by_file and "blob.yaml" not in by_file
    for name in ("marked.json", "blob.tf"):
        f = only(by_file, name, "LP001")
        assert f["line"] == 1 and "binary" in f["message"]
    f = only(by_file, "marked.yaml", "LP001")
    assert (f["line"], f["column"]) == (1, len("Statement: ") + 1) and "UTF-8" in f["message"]


def test_utf16_with_bom(tmp_path):
    """UTF-16 (either byte order, with a BOM) is decoded: same findings, same places as UTF-8."""
    (tmp_path / "le.json").write_bytes(b"\xff\xfe" + COMPANION.encode("utf-16-le"))
    (tmp_path / "be.json").write_bytes(b"\xfe\xff" + COMPANION.encode("utf-16-be"))
    (tmp_path / "bom8.json").write_bytes(b"\xef\xbb\xbf" + COMPANION.encode("utf-8"))
    companion(tmp_path)
    rc, by_file, _ = lint(tmp_path, ".")
    assert rc == 1

    def key(fs):
        return [(f["code"], f["line"], f["column"], f["end_line"], f["end_column"], f["message"]) for f in fs]

    for name in ("le.json", "be.json", "bom8.json"):
        assert key(by_file[name]) == key(by_file["ok.json"]), name


def test_latin1_file(tmp_path):
    """Not UTF-8: LP001 at the first bad byte; the column counts characters, not bytes."""
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Sid": "\u00fc caf\u00e9", "Effect": "Allow"}]\n}\n'
    raw = text.encode("latin-1")
    (tmp_path / "latin1.json").write_bytes(raw)
    # Valid UTF-8 up to the bad byte on the same line: columns must not count bytes.
    mixed = '{"Statement": {"Sid": "\u00fc\u00fc'.encode("utf-8") + b"\xe9" + b'"}}\n'
    (tmp_path / "mixed.json").write_bytes(mixed)
    companion(tmp_path)
    rc, by_file, _ = lint(tmp_path, ".")
    assert rc == 1
    assert_companion(by_file)
    f = only(by_file, "latin1.json", "LP001")
    assert (f["line"], f["column"]) == (3, text.split("\n")[2].index("\u00fc") + 1)
    assert "UTF-8" in f["message"]
    f = only(by_file, "mixed.json", "LP001")
    assert (f["line"], f["column"]) == (1, len('{"Statement": {"Sid": "\u00fc\u00fc') + 1)


def test_nul_byte(tmp_path):
    text = '{\n  "Version": "2012-10-17",\n  "Statement": []\x00\n}\n'
    (tmp_path / "nul.json").write_bytes(text.encode())
    (tmp_path / "nul.yaml").write_bytes(b"AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\x00\n")
    companion(tmp_path)
    rc, by_file, _ = lint(tmp_path, ".")
    assert rc == 1
    assert_companion(by_file)
    f = only(by_file, "nul.json", "LP001")
    assert (f["line"], f["column"]) == (3, len('  "Statement": []') + 1)
    f = only(by_file, "nul.yaml", "LP001")
    assert (f["line"], f["column"]) == (2, len("Resources: {}") + 1)


def test_empty_files(tmp_path):
    for name in ("empty.json", "empty.yaml", "empty.tf", "blank.json"):
        (tmp_path / name).write_text("" if name.startswith("empty") else "  \n\n")
    companion(tmp_path)
    rc, by_file, _ = lint(tmp_path, ".")
    assert rc == 1
    assert_companion(by_file)
    # an empty file is no policy source: nothing to report
    for name in ("empty.json", "blank.json", "empty.yaml", "empty.tf"):
        assert name not in by_file


# ---------------------------------------------------------------------------
# The file system


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True,
                    reason="running as root (as CI does): chmod 000 does not stop root from reading; "
                           "test_unreadable_file_open_fails covers the same path")
def test_unreadable_file_chmod(tmp_path):
    p = tmp_path / "secret.json"
    p.write_text(COMPANION)
    p.chmod(0)
    companion(tmp_path)
    try:
        rc, by_file, _ = lint(tmp_path, ".")
    finally:
        p.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert rc == 1
    assert_companion(by_file)
    f = only(by_file, "secret.json", "LP001")
    assert (f["line"], f["column"]) == (1, 1) and "cannot read" in f["message"]


def test_unreadable_file_open_fails(tmp_path, monkeypatch):
    """Opening the file raising PermissionError (what chmod 000 does for a non-root user) is an LP001."""
    real_open = os.open

    def fake_open(file, *a, **kw):
        if str(file).endswith("secret.json"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *a, **kw)

    monkeypatch.setattr(os, "open", fake_open)
    (tmp_path / "secret.json").write_text(COMPANION)
    companion(tmp_path)
    monkeypatch.chdir(tmp_path)
    res = engine.run(["."], Options(jobs=1))
    by = {}
    for f in res.findings:
        by.setdefault(f.file, []).append(f)
    assert [f.code for f in by["secret.json"]] == ["LP001"]
    f = by["secret.json"][0]
    assert (f.span.line, f.span.col) == (1, 1) and "cannot read" in f.message and "Permission denied" in f.message
    assert "SM101" in {f.code for f in by["ok.json"]}


def test_dangling_symlink(tmp_path):
    os.symlink("nowhere.json", tmp_path / "dangling.json")
    companion(tmp_path)
    rc, by_file, _ = lint(tmp_path, ".")  # directory walk: nothing to read there, no finding
    assert rc == 1
    assert_companion(by_file)
    assert "dangling.json" not in by_file
    rc, by_file, _ = lint(tmp_path, "dangling.json", "ok.json")  # named explicitly: reported
    assert_companion(by_file)
    f = only(by_file, "dangling.json", "LP001")
    assert (f["line"], f["column"]) == (1, 1) and "cannot read" in f["message"]


def test_symlink_loops(tmp_path):
    """Directory loops are walked once; file symlink loops are skipped or reported."""
    d = tmp_path / "repo"
    (d / "sub").mkdir(parents=True)
    companion(d)
    os.symlink("..", d / "sub" / "up")  # sub/up -> repo: a cycle
    os.symlink(str(d), d / "sub" / "abs")  # absolute, the same cycle
    os.symlink("b.json", d / "a.json")
    os.symlink("a.json", d / "b.json")  # a.json <-> b.json
    rc, by_file, took = lint(d, ".", timeout=30)
    assert rc == 1
    assert_companion(by_file)
    assert list(by_file) == ["ok.json"]  # linted once, not once per path through the loop
    assert sum(1 for f in by_file["ok.json"] if f["code"] == "SM101") == 1
    rc, by_file, _ = lint(d, "a.json", "ok.json", timeout=30)
    assert_companion(by_file)
    f = only(by_file, "a.json", "LP001")
    assert (f["line"], f["column"]) == (1, 1)


def test_symlinked_files_and_directories(tmp_path):
    """A file reached twice (itself and through a link) is linted once; a linked directory
    is walked when named on the command line, not when met inside a walk."""
    d = tmp_path / "repo"
    d.mkdir()
    companion(d)
    os.symlink("ok.json", d / "zz-link.json")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "other.json").write_text(COMPANION)
    os.symlink(str(tmp_path / "elsewhere"), d / "linked-dir")
    rc, by_file, _ = lint(d, ".")
    assert rc == 1
    assert list(by_file) == ["ok.json"]
    rc, by_file, _ = lint(d, ".", "linked-dir")
    assert sorted(by_file) == ["linked-dir/other.json", "ok.json"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_never_opened(tmp_path):
    """A FIFO would block a reader forever: the walk skips it, a named one is an LP001."""
    os.mkfifo(tmp_path / "pipe.json")
    os.mkfifo(tmp_path / "policy")  # extensionless: the walk sniffs such files, but not FIFOs
    companion(tmp_path)
    rc, by_file, took = lint(tmp_path, ".", timeout=30)
    assert rc == 1
    assert_companion(by_file)
    assert "pipe.json" not in by_file and "policy" not in by_file
    rc, by_file, took = lint(tmp_path, "pipe.json", "policy", "ok.json", timeout=30)
    assert rc == 1
    assert_companion(by_file)
    for name in ("pipe.json", "policy"):
        f = only(by_file, name, "LP001")
        assert (f["line"], f["column"]) == (1, 1) and "not a regular file" in f["message"]


# ---------------------------------------------------------------------------
# Never executes, never fetches


def test_yaml_never_constructs_python_objects(tmp_path):
    marker = tmp_path / "executed"
    text = (
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        "  R:\n"
        "    Type: AWS::IAM::Role\n"
        "    Properties:\n"
        f"      A: !!python/object/apply:os.system [\"touch {marker}\"]\n"
        f"      B: !!python/object/new:os.system [\"touch {marker}\"]\n"
        "      C: !!python/name:os.system\n"
        "      D: !!python/module:os\n"
        f"      E: !!python/object/apply:subprocess.call [[\"touch\", \"{marker}\"]]\n"
    )
    (tmp_path / "evil.yaml").write_text(text)
    (tmp_path / "evil.json").write_text('{"Statement": [], "x": {"__class__": "os.system"}}')
    companion(tmp_path)
    rc, by_file, _ = lint(tmp_path, ".")
    assert rc == 1
    assert_companion(by_file)
    assert not marker.exists()
    for f in by_file.get("evil.yaml", []):
        assert f["code"] != "LP000"
        assert_inside(f, text)


NO_NETWORK = r"""
import socket, sys

def refuse(*a, **k):
    sys.stderr.write("NETWORK ACCESS ATTEMPTED\n")
    raise OSError("network disabled by the test")

class NoSocket(socket.socket):
    def __init__(self, *a, **k):
        refuse()

socket.socket = NoSocket
socket.create_connection = refuse
socket.getaddrinfo = refuse
socket.gethostbyname = refuse
socket.socketpair = refuse
sys.argv = ["lint-policies", *sys.argv[1:]]
from linter.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize("fmt", list(REPORTERS))
def test_no_network_access(fmt, tmp_path):
    examples = os.path.join(ROOT, "examples")
    out = tmp_path / "report"
    env = dict(os.environ)
    env.pop("GITHUB_STEP_SUMMARY", None)
    r = subprocess.run([sys.executable, "-c", NO_NETWORK, "--format", fmt, "--output", str(out),
                        "--sarif-file", str(tmp_path / "also.sarif"), CASES, examples],
                       capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert "NETWORK ACCESS ATTEMPTED" not in r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == 1, r.stderr
    assert out.stat().st_size > 0
    assert "SM101" in out.read_text()


def test_socket_guard_works():
    """The guard above really stops a connection attempt (so the test above means something)."""
    r = subprocess.run([sys.executable, "-c", NO_NETWORK.replace("from linter.cli import main\nsys.exit(main())",
                                                                 "socket.create_connection(('127.0.0.1', 9))")],
                       capture_output=True, text=True, timeout=60)
    assert "NETWORK ACCESS ATTEMPTED" in r.stderr
    assert socket.socket is not None


# ---------------------------------------------------------------------------
# The hostile inputs of tests/hostile_inputs.py (their time and memory budgets are
# checked by benchmarks/hostile.py; the timeouts here are hang guards)


def lint_case(tmp_path, name, scale=1.0, extra=(), timeout=120):
    """Write the hostile input ``name`` and lint it; (exit code, findings by file, raw stdout)."""
    import hostile_inputs

    hostile_inputs.write(name, str(tmp_path), scale)
    r = subprocess.run([sys.executable, "-m", "linter.cli", "--format", "json", *RULES, *extra, "."], cwd=tmp_path,
                       capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode in (0, 1), (r.returncode, r.stderr)
    by_file = {}
    for f in json.loads(r.stdout)["findings"]:
        by_file.setdefault(f["file"], []).append(f)
    return r.returncode, by_file, r.stdout


def codes_at(fs):
    return [(f["code"], f["line"], f["column"]) for f in fs]


# ---------------------------------------------------------------------------
# Findings are bounded


def test_statement_of_ones_is_capped(tmp_path):
    """A policy whose Statement is [1, 1, 1, ...]: 100 LP002 and one finding for the rest,
    in every format (the SARIF report stays small)."""
    rc, by_file, _ = lint_case(tmp_path, "statement_ones", scale=0.25)
    fs = by_file["ones.json"]
    assert [f["code"] for f in fs] == ["LP002"] * 101
    assert [f["column"] for f in fs[:100]] == list(range(41, 241, 2))
    assert fs[100]["column"] == 241
    assert fs[100]["message"] == ("99,900 more LP002 findings in this file not reported (at most 100 per rule and "
                                  "file); fix the ones above and run again")
    sarif = subprocess.run([sys.executable, "-m", "linter.cli", "--format", "sarif", *RULES, "ones.json"], cwd=tmp_path,
                           capture_output=True, timeout=120)
    assert sarif.returncode == 1 and len(sarif.stdout) < 400_000
    assert len(json.loads(sarif.stdout)["runs"][0]["results"]) == 101


# ---------------------------------------------------------------------------
# Secrets: masked in every field of every output


def _leak_files(d, s, t, k):
    """Files where a secret, a token and a key ID reach messages, labels, logical paths,
    suppression reasons and parser errors of rules other than KEY4xx."""
    policy = {"Version": t, "Statement": [
        {"Effect": s, "Action": "sagemaker:ListModels", "Resource": "*"},
        {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*",
         "Condition": {"StringEquals": {"sagemaker:" + s: "x", "aws:username": k}}},
    ]}
    (d / "auth.json").write_text(json.dumps({
        "aws_secret_access_key": s, "aws_session_token": t,
        "RoleDetailList": [{"RoleName": s, "RolePolicyList": [{"PolicyName": k, "PolicyDocument": policy}]}],
    }, indent=2) + "\n")
    # half a secret in a parser error: an unquoted value
    # a policy (it holds a policy word) broken where the secret is written unquoted
    (d / "broken.json").write_text('{"Statement": [], "aws_secret_access_key": ' + s + "}\n")
    (d / "t.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  R:\n    Type: AWS::IAM::Policy\n'
        "    Properties:\n      PolicyDocument:\n        Statement:\n"
        f"          # lint-policies: ignore[SM101] -- approved together with {s}\n"
        "          - Effect: Allow\n            Action: sagemaker:*\n            Resource: arn:aws:sagemaker:*:*:endpoint/*\n"
        f"  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n        Variables:\n"
        f"          AWS_SECRET_ACCESS_KEY: {s}\n")


@pytest.mark.parametrize("fmt", list(REPORTERS))
def test_credentials_masked_in_every_field(tmp_path, fmt):
    from keygen import key_id, secret, token
    from test_no_leak import _check

    s, t, k = secret("fields"), token("fields"), key_id("fields")
    d = tmp_path / "src"
    d.mkdir()
    _leak_files(d, s, t, k)
    summary = tmp_path / "summary.md"
    summary.write_text("")
    env = dict(os.environ, GITHUB_STEP_SUMMARY=str(summary))
    r = subprocess.run([sys.executable, "-m", "linter.cli", "--format", fmt, "--show-suppressed",
                        "--sarif-file", str(tmp_path / "side.sarif"), "--output", str(tmp_path / "out"), "."],
                       cwd=d, capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 1, r.stderr
    base = subprocess.run([sys.executable, "-m", "linter.cli", "--write-baseline", str(tmp_path / "b.json"), "."],
                          cwd=d, capture_output=True, text=True, timeout=120)
    assert base.returncode == 0, base.stderr
    out = (tmp_path / "out").read_text(encoding="utf-8")
    texts = {"stdout": r.stdout, "stderr": r.stderr + base.stderr, "out": out,
             "sarif": (tmp_path / "side.sarif").read_text(encoding="utf-8"),
             "summary": summary.read_text(encoding="utf-8"), "baseline": (tmp_path / "b.json").read_text()}
    assert _check(texts, [s, t, k]) == []
    # the run did quote them (masked) where they were: messages, labels, paths, reasons, errors
    if fmt == "json":
        fs = json.loads(out)
        found = fs["findings"] + fs.get("suppressed", [])
        by = {(f["file"], f["code"]): f for f in found}
        assert "not '[REDACTED]'" in by[("auth.json", "LP002")]["message"]
        assert any(f["origin"] == "role [REDACTED] inline policy " + k[:4] + "*" * 12 + k[-4:]
                   for f in found if f["file"] == "auth.json" and f["code"] == "SM101")
        assert any("sagemaker:[REDACTED]" in f["logical_path"] for f in found if f["code"] == "SM204")
        assert by[("t.yaml", "SM101")]["reason"] == "approved together with [REDACTED]"
        assert "[REDACTED]" in by[("broken.json", "LP001")]["message"]


def test_exception_text_is_masked(tmp_path, monkeypatch):
    """A rule that fails with the value in its exception: LP000 shows it masked."""
    from keygen import secret
    from linter import engine
    from linter.rule import Rule
    from test_no_leak import _check

    s = secret("exception")

    class Boom(Rule):
        code = "SM101"
        name = "boom"
        severity = "error"

        def check(self, doc, ctx):
            raise ValueError(f"cannot handle {doc.statements[0].effect.text}")

    (tmp_path / "p.json").write_text(json.dumps({"aws_secret_access_key": s, "Statement": [
        {"Effect": s, "Action": "sagemaker:*", "Resource": "*"}]}))
    monkeypatch.chdir(tmp_path)
    opts = Options(jobs=1)
    rules = engine.RuleSet(["LP000", "SM101"], opts, given={"SM101": Boom()})
    kept, _ = engine.lint_file("p.json", True, rules, opts)
    (f,) = kept
    assert (f.code, f.message) == ("LP000", "rule SM101 failed: ValueError: cannot handle [REDACTED]")
    assert _check({"message": f.message}, [s]) == []


# ---------------------------------------------------------------------------
# Logs and terminals: no injection

SM101_POLICY = '{"Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}\n'
_C1_OR_ESC = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _hostile_names(d):
    (d / "a\n::error title=x::y.json").write_text(SM101_POLICY)
    (d / "::warning file=z::w.json").write_text(SM101_POLICY)
    (d / "esc\x1b[2J.json").write_text(SM101_POLICY)
    # an HCL label and an action with a newline, ESC, a C1 control and a bidi override
    (d / "main.tf").write_text(
        'resource "aws_iam_policy" "p\\n::warning::label\\u001b[31m\\u009b1m\\u202e" {\n'
        '  policy = <<EOF\n{"Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*",}]}\nEOF\n}\n')
    (d / "action.json").write_text(json.dumps({"Statement": [
        {"Effect": "Allow", "Action": "sagemaker:Describe\n::error::\x1b[2J\u009b", "Resource": "*"}]}))


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_no_line_starts_a_workflow_command(tmp_path, fmt):
    _hostile_names(tmp_path)
    r = subprocess.run([sys.executable, "-m", "linter.cli", "--format", fmt, "."], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    lines = r.stdout.splitlines()
    commands = [ln for ln in lines if ln.startswith("::")]
    if fmt == "text":
        assert commands == []
        assert "./::warning file=z::w.json:1:" in r.stdout
        assert "a\\n::error title=x::y.json:1:" in r.stdout
        assert any(ln.startswith("main.tf:3:") and "p\\n::warning::label\\x1b[31m\\x9b1m\\u202e" in ln for ln in lines)
    else:  # only the formatter's own commands: annotations, the group, the stop-commands pair
        assert {ln.split(" ", 1)[0].split("::", 2)[1] for ln in commands} <= {
            "error", "warning", "notice", "group", "endgroup", "stop-commands"} | {
            ln[2:-2] for ln in commands if ln.endswith("::") and ln.startswith("::lint-policies-")}
        assert not any(ln.startswith(("::error title=x", "::warning::label", "::warning file=z", "::error::"))
                       for ln in lines)
    assert not _C1_OR_ESC.search(r.stdout + r.stderr)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_file_names_that_are_not_utf8(tmp_path, fmt):
    """Undecodable bytes in a file name: shown as \\xff, every output valid UTF-8."""
    d = tmp_path / "src"
    d.mkdir()
    with open(os.path.join(os.fsencode(d), b"bad\xff\xfe.json"), "w") as fh:
        fh.write(SM101_POLICY)
    summary = tmp_path / "summary.md"
    summary.write_text("")
    env = dict(os.environ, GITHUB_STEP_SUMMARY=str(summary))
    r = subprocess.run([sys.executable, "-m", "linter.cli", "--format", fmt, "--output", str(tmp_path / "out"),
                        "--sarif-file", str(tmp_path / "side.sarif"), "."], cwd=d, capture_output=True, timeout=120,
                       env=env)
    assert r.returncode == 1, r.stderr
    assert b"Traceback" not in r.stderr
    texts = {p.name: p.read_bytes().decode("utf-8")  # strict: raises on anything that is not UTF-8
             for p in (tmp_path / "out", tmp_path / "side.sarif", summary)}
    shown = {"text": "bad\\xff\\xfe.json:1:", "github": "bad\\xff\\xfe.json:1:",
             "json": '"bad\\\\xff\\\\xfe.json"', "sarif": '"bad%5Cxff%5Cxfe.json"'}[fmt]
    assert shown in texts["out"]
    if fmt == "github":
        assert "bad\\\\xff\\\\xfe.json:1" in texts["summary.md"]  # Markdown-escaped backslashes
    sarif = json.loads((tmp_path / "side.sarif").read_text(encoding="utf-8"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"bad%5Cxff%5Cxfe.json"}
    if fmt == "json":
        assert {f["file"] for f in json.loads((tmp_path / "out").read_text())["findings"]} == {"bad\\xff\\xfe.json"}


# ---------------------------------------------------------------------------
# The tree: nothing outside it is read


def test_walk_does_not_follow_links_out_of_the_tree(tmp_path):
    """A link to a file outside the tree is not followed by a walk (not read, not even
    sniffed); named on the command line, a file is read as it is."""
    from keygen import key_id

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    companion(repo)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "credentials.json").write_text(json.dumps({"aws_access_key_id": key_id("outside")}))
    os.symlink(str(outside / "credentials.json"), repo / "creds.json")
    os.symlink(str(outside / "credentials.json"), repo / "policy")  # extensionless: would be sniffed
    os.symlink("ok.json", repo / "zz-inside.json")  # a link inside the tree is followed (linted once)
    rc, by_file, _ = lint(repo, ".")
    assert list(by_file) == ["ok.json"]
    rc, by_file, _ = lint(repo, "creds.json", "ok.json")
    assert [f["code"] for f in by_file["creds.json"]] == ["KEY401"]


# ---------------------------------------------------------------------------
# Time: nothing super-linear


def test_exponential_wildcards(tmp_path):
    """sagemaker:*?*?...# (40 pairs) in Action, NotAction and allowed-actions: answered at once."""
    rc, by_file, _ = lint_case(tmp_path, "wildcard_action", extra=("--select", "LP002,SM103,SM104"))
    assert rc == 1
    assert codes_at(by_file["policy.json"]) == [("LP002", 7, 9), ("SM104", 7, 9), ("LP002", 8, 9),
                                                ("SM103", 14, 7), ("LP002", 14, 20)]


def test_arn_formats_product(tmp_path):
    """1,000 statements whose Resource makes every ARN format explore its product."""
    rc, by_file, _ = lint_case(tmp_path, "arn_product", scale=0.5)
    fs = by_file["policy.json"]
    # every Resource matches no SageMaker type: SM203 (capped at 100 and one "more" finding); the
    # sagemaker:* there grants nothing, so it is not SM101
    assert [f["code"] for f in fs].count("SM203") == 101 and [f["code"] for f in fs].count("SM101") == 0
    sm203 = [f for f in fs if f["code"] == "SM203"]
    assert sm203[0]["message"].startswith('"arn:aws:sagemaker:*:*:*?*?*?#0:" matches no resource type')
    notice = sm203[-1]
    assert notice["message"].startswith("900 more SM203 findings in this file not reported (at most 100 per rule")


def test_newlines_before_a_yaml_error(tmp_path):
    """400,000 newlines then a syntax error: not a template (no hint), no finding, no hang."""
    rc, by_file, _ = lint_case(tmp_path, "template_hint_newlines")
    assert rc == 0 and by_file == {}


def test_blanks_after_a_credential_name(tmp_path):
    rc, by_file, _ = lint_case(tmp_path, "block_open_blanks")
    assert "env.yaml" not in by_file
    (f,) = by_file["env.tf"]
    assert f["code"] == "LP001" and f["line"] == 1 and "the HCL parser gave up" in f["message"]


def test_long_blank_line_in_a_file_with_suppressions(tmp_path):
    rc, by_file, _ = lint_case(tmp_path, "suppress_blank_line")
    assert codes_at(by_file["t.yaml"]) == [("LP100", 1, 1)]


def test_tokens_next_to_key_ids(tmp_path):
    """1,200 token values and 1,200 key IDs: every token is checked against the key IDs by
    binary search; findings are capped per rule, and no value is printed."""
    rc, by_file, out = lint_case(tmp_path, "token_context", scale=0.4)
    fs = by_file["creds.json"]
    assert [f["code"] for f in fs].count("KEY401") == 101 and [f["code"] for f in fs].count("KEY403") == 101
    # not JSON, and no policy source: no LP001, only the credentials
    assert {f["code"] for f in fs} == {"KEY401", "KEY403"}
    text = (tmp_path / "creds.json").read_text()
    for line in text.splitlines()[:200]:
        if '"' in line:  # a token: no 12-character piece of it
            token = line.split('"')[1]
            assert not [i for i in range(0, len(token) - 12, 6) if token[i:i + 12] in out], line[:12]
        else:  # a key ID: never more than its first and last four characters
            assert line[4:16] not in out


@pytest.mark.parametrize("name,code,where", [
    ("json_trailing_blanks", "LP001", (1, 1_000_016)),
    ("json_escaped_quotes", "LP001", (1, 15)),
    ("heredoc_commas", "LP001", (3, 45)),
])
def test_tokenizers_on_long_runs(tmp_path, name, code, where):
    rc, by_file, _ = lint_case(tmp_path, name)
    ((file, fs),) = by_file.items()
    assert codes_at(fs) == [(code, *where)]


def test_thousands_of_suppressions(tmp_path):
    """1,500 suppressions: the first 1,000 are honoured, matched through an index; one LP100
    says the rest are ignored."""
    rc, by_file, _ = lint_case(tmp_path, "suppressions")
    fs = by_file["t.yaml"]
    lp100 = [f for f in fs if f["code"] == "LP100"]
    assert codes_at(lp100) == [("LP100", 7 + 4 * 1000 + 1, 11)]
    assert lp100[0]["message"] == "more than 1000 suppressions in one file: this one and the 499 after it are ignored"
    assert [f["code"] for f in fs].count("SM101") == 101
    sm201 = [f for f in fs if f["code"] == "SM201"]  # the first 1,000 are suppressed, the rest reported
    assert sm201[0]["line"] == 7 + 4 * 1000 + 4 and len(sm201) == 101


def test_placeholder_without_a_closing_brace(tmp_path):
    """A 400 KB Resource of ${${${...: longer than any ARN, not analysed, no finding."""
    rc, by_file, _ = lint_case(tmp_path, "placeholders")
    assert rc == 0 and by_file == {}


def test_condition_value_of_unclosed_variables(tmp_path):
    """2.8 MB of ${aws:x with one closing brace at the end: every opening but the last is closed by
    it as far as IAM110 can tell, so nothing is reported, and in time linear in the value."""
    rc, by_file, _ = lint_case(tmp_path, "unclosed_variables", extra=("--select", "IAM110,LP"))
    assert rc == 0 and by_file == {}


# ---------------------------------------------------------------------------
# Terraform file() and templatefile(): nothing outside the tree is read

SM101_TEMPLATE = '{\n  "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]\n}\n'


def _tree_with_references(tmp_path, outside_fifo=True):
    """A repository whose Terraform names files outside it four ways; outside, a FIFO
    (opening it would block: the test hangs if the linter ever reads it)."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "infra").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "policy.json.tpl"
    if outside_fifo:
        os.mkfifo(target)
    else:
        target.write_text(SM101_TEMPLATE)
    os.symlink(str(target), repo / "infra" / "link.json.tpl")
    (repo / "infra" / "inside.json.tpl").write_text(SM101_TEMPLATE)
    (repo / "infra" / "main.tf").write_text(
        f'resource "aws_iam_policy" "a" {{\n  policy = file("{target}")\n}}\n'
        'resource "aws_iam_policy" "b" {\n  policy = templatefile("${path.module}/../../outside/policy.json.tpl", {})\n}\n'
        'resource "aws_iam_policy" "c" {\n  policy = file("~/.aws/credentials")\n}\n'
        'resource "aws_iam_policy" "d" {\n  policy = file("${path.module}/link.json.tpl")\n}\n'
        'resource "aws_iam_policy" "e" {\n  policy = file("${path.module}/inside.json.tpl")\n}\n')
    return repo, outside


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_references_outside_the_tree_are_not_read(tmp_path):
    repo, _ = _tree_with_references(tmp_path)
    rc, by_file, _ = lint(repo, ".", timeout=60)
    main = by_file["infra/main.tf"]
    assert codes_at(main) == [("LP004", 2, 17), ("LP004", 5, 25), ("LP004", 8, 17), ("LP004", 11, 17)]
    assert main[2]["message"] == ('file("~/.aws/credentials") names a file outside the tree being linted; it was '
                                  "not read, so the policy in it is not checked (--allow-root DIR lets the linter "
                                  "read files under DIR)")
    assert main[1]["origin"] == "aws_iam_policy.b" and main[1]["name"] == "reference-outside-root"
    # the one inside is linted, and reports into its own file
    assert [f["code"] for f in by_file["infra/inside.json.tpl"]] == ["SM101", "SM201"]
    # named on the command line, main.tf is read as it is; its references still are not
    rc, by_file, _ = lint(repo / "infra", "main.tf", timeout=60)
    assert [f["code"] for f in by_file["main.tf"]] == ["LP004"] * 4


def test_allow_root_reads_the_directory_named(tmp_path):
    repo, outside = _tree_with_references(tmp_path, outside_fifo=False)
    rc, by_file, _ = lint(repo, ".", extra=("--allow-root", str(outside)), timeout=60)
    assert [f["code"] for f in by_file["infra/main.tf"]] == ["LP004"]  # only ~ is still outside
    assert [f["code"] for f in by_file["../outside/policy.json.tpl"]] == ["SM101", "SM201"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_sibling_tf_link_out_of_the_tree_is_not_read(tmp_path):
    """The directory index and the template owners read the module's other .tf files:
    never through a link that leaves the tree."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    os.mkfifo(tmp_path / "evil.tf")
    os.symlink(str(tmp_path / "evil.tf"), repo / "a-evil.tf")
    (repo / "p.json.tpl").write_text(SM101_TEMPLATE)
    (repo / "main.tf").write_text(
        'data "aws_iam_policy_document" "d" {\n  statement {\n    actions = ["sagemaker:*"]\n'
        '    resources = ["*"]\n  }\n}\nresource "aws_iam_role_policy" "r" {\n'
        '  policy = data.aws_iam_policy_document.d.json\n}\n'
        'resource "aws_iam_policy" "p" {\n  policy = file("${path.module}/p.json.tpl")\n}\n')
    rc, by_file, _ = lint(repo, ".", timeout=60)
    assert sorted(by_file) == ["main.tf", "p.json.tpl"]
    assert codes_at(by_file["main.tf"]) == [("SM101", 3, 16), ("SM201", 4, 18)]


def test_module_of_many_files(tmp_path):
    """600 files naming one template: each .tf file is read once per run, the template
    linted once (by the first file that names it)."""
    rc, by_file, _ = lint_case(tmp_path, "terraform_many_files")
    text = (tmp_path / "mod" / "policies" / "p.json.tpl").read_text()
    at = (text.index('"sagemaker:*"') + 1, text.index('"*"') + 1)
    assert codes_at(by_file["mod/policies/p.json.tpl"]) == [("SM101", 1, at[0]), ("SM201", 1, at[1])]
    assert len(by_file) == 601 and all(codes_at(by_file[f"mod/f{i:05d}.tf"]) == [("SM201", 7, 18)] for i in range(600))


def test_oversize_sibling_is_never_read(tmp_path):
    rc, by_file, _ = lint_case(tmp_path, "terraform_oversize_sibling")
    assert codes_at(by_file["a-huge.tf"]) == [("LP003", 1, 1)]
    text = (tmp_path / "p.json.tpl").read_text()
    at = (text.index('"sagemaker:*"') + 1, text.index('"*"') + 1)
    assert codes_at(by_file["p.json.tpl"]) == [("SM101", 1, at[0]), ("SM201", 1, at[1])]


# ---------------------------------------------------------------------------
# Parsing: every value the parser accepts, the linter handles; a failure in one
# document never hides the file's other findings


def test_hcl_number_forms(tmp_path):
    """tree-sitter accepts 0x10, 0xZZ and numbers of thousands of digits: the file's
    findings, the credential included, are all reported (no LP000)."""
    from keygen import key_id

    (tmp_path / "main.tf").write_text(
        f'provider "aws" {{\n  access_key = "{key_id("numbers")}"\n}}\n'
        'resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n'
        '    Statement = [{ Sid = 0x10, Effect = "Allow", Action = "sagemaker:*", Resource = "*",\n'
        f'                   Condition = {{ NumericLessThan = {{ "aws:MultiFactorAuthAge" = {"9" * 5000} }} }} }},\n'
        '                 { Sid = -0xZZ, Effect = "Allow", Action = "iam:PassRole", Resource = "*" }]\n'
        '  })\n}\n')
    companion(tmp_path)
    rc, by_file, _ = lint(tmp_path, ".")
    assert_companion(by_file)
    assert codes_at(by_file["main.tf"]) == [("KEY401", 2, 17), ("SM101", 6, 59), ("SM201", 6, 85),
                                            ("IAM301", 8, 60)]


def _run_in_process(tmp_path, monkeypatch, name, text):
    from linter import engine

    (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    return engine.run([name], Options(jobs=1, select=RULES[1].split(","))).findings


def test_a_broken_terraform_block_hides_nothing_else(tmp_path, monkeypatch):
    from keygen import key_id
    from linter.sources import terraform

    real = terraform._resource

    def broken(ctx, blk, rtype, address):
        if address == "aws_iam_policy.bad":
            raise ValueError("extractor bug")
        return real(ctx, blk, rtype, address)

    monkeypatch.setattr(terraform, "_resource", broken)
    fs = _run_in_process(tmp_path, monkeypatch, "main.tf",
                         f'provider "aws" {{\n  access_key = "{key_id("block")}"\n}}\n'
                         'resource "aws_iam_policy" "bad" {\n  policy = jsonencode({Statement = []})\n}\n'
                         'resource "aws_iam_policy" "good" {\n  policy = jsonencode({Statement = [{Effect = "Allow", '
                         'Action = "sagemaker:*", Resource = "*"}]})\n}\n')
    assert [(f.code, f.span.line) for f in fs] == [("KEY401", 2), ("LP000", 4), ("SM101", 8), ("SM201", 8)]
    assert fs[1].message == "reading resource aws_iam_policy bad failed: ValueError: extractor bug"


def test_a_broken_cloudformation_document_hides_nothing_else(tmp_path, monkeypatch):
    from keygen import secret
    from linter.sources import cloudformation

    real = cloudformation.build_document

    def broken(tree, origin, role=None):
        if "Bad" in origin.label:
            raise KeyError("extractor bug")
        return real(tree, origin, role=role)

    monkeypatch.setattr(cloudformation, "build_document", broken)
    doc = ("      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: sagemaker:*\n"
           "            Resource: '*'\n")
    fs = _run_in_process(tmp_path, monkeypatch, "t.yaml",
                         'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
                         "  Bad:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n" + doc +
                         "  Good:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n" + doc +
                         f"  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n"
                         f"        Variables:\n          AWS_SECRET_ACCESS_KEY: {secret('cfn')}\n")
    assert [(f.code, f.span.line) for f in fs] == [("LP000", 7), ("SM101", 17), ("SM201", 18), ("KEY402", 24)]
    assert fs[0].message == "reading AWS::IAM::ManagedPolicy Bad failed: KeyError: 'extractor bug'"


def test_a_broken_extractor_keeps_the_credential_findings(tmp_path, monkeypatch):
    from keygen import key_id
    from linter.sources import policy_json

    def broken(src, tree):
        raise RuntimeError("extractor bug")

    monkeypatch.setattr(policy_json, "extract", broken)
    fs = _run_in_process(tmp_path, monkeypatch, "p.json",
                         json.dumps({"Statement": [], "aws_access_key_id": key_id("extract")}))
    assert [f.code for f in fs] == ["LP000", "KEY401"]
    assert fs[0].message == "reading the file failed: RuntimeError: extractor bug"


# ---------------------------------------------------------------------------
# Configuration in the tree cannot point outside it, nor exhaust the machine


def _repo_with_config(tmp_path, config):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    companion(repo)
    (repo / ".lint-policies.toml").write_text(config)
    return repo


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("how", ["relative", "absolute", "link"])
def test_configured_baseline_outside_the_tree_is_refused(tmp_path, how):
    """The baseline named by a configuration file in the repository must be in the
    repository: outside it (here a FIFO, which would block whoever opens it) it is
    refused with exit code 2 before anything is opened."""
    outside = tmp_path / "outside"
    outside.mkdir()
    os.mkfifo(outside / "baseline.json")
    value = {"relative": "../outside/baseline.json", "absolute": str(outside / "baseline.json"),
             "link": "link.json"}[how]
    repo = _repo_with_config(tmp_path, f'baseline = "{value}"\n')
    os.symlink(str(outside / "baseline.json"), repo / "link.json")
    r = subprocess.run([sys.executable, "-m", "linter.cli", "ok.json"], cwd=repo, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith(f"lint-policies: {repo / '.lint-policies.toml'}: baseline '{value}' is outside ")
    assert "a configuration file can only name a baseline inside it" in r.stderr


def test_configured_baseline_inside_the_tree(tmp_path):
    repo = _repo_with_config(tmp_path, 'baseline = "ci/baseline.json"\n')
    (repo / "ci").mkdir()
    w = subprocess.run([sys.executable, "-m", "linter.cli", "--write-baseline", "ci/baseline.json", "ok.json"],
                       cwd=repo, capture_output=True, text=True, timeout=60)
    assert w.returncode == 0, w.stderr
    r = subprocess.run([sys.executable, "-m", "linter.cli", "ok.json"], cwd=repo, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0 and r.stdout == "No findings in 1 file checked.\n"


def test_configured_jobs_and_file_size_are_bounded(tmp_path, monkeypatch):
    from linter import config
    from linter.cli import build_parser

    repo = _repo_with_config(tmp_path, "jobs = 100000\n")
    monkeypatch.chdir(repo)
    cfg = config.load_config(build_parser().parse_args(["ok.json"]))
    assert cfg.options.jobs == (os.cpu_count() or 1)
    (repo / ".lint-policies.toml").write_text("max-file-size = 1000000000000\n")
    r = subprocess.run([sys.executable, "-m", "linter.cli", "ok.json"], cwd=repo, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2
    assert "max-file-size" in r.stderr and "67108864" in r.stderr


# ---------------------------------------------------------------------------
# File names that look like options (pre-commit passes names after the hook's args)


@pytest.mark.parametrize("name", ["--write-baseline=x.json", "--output=package.json", "--version",
                                  "--list-rules", "-o"])
def test_file_named_like_an_option(tmp_path, name):
    (tmp_path / "package.json").write_text('{"name": "app"}\n')
    (tmp_path / name).write_text(SM101_POLICY)
    # without "--": refused (exit 2), nothing written
    r = subprocess.run([sys.executable, "-m", "linter.cli", *RULES, "--fail-level", "error", name, "package.json"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    assert f"{name!r} is an option and also the name of a file; put file names after `--`" in r.stderr
    assert (tmp_path / "package.json").read_text() == '{"name": "app"}\n'
    assert not (tmp_path / "x.json").exists()
    # after "--" (as the pre-commit hook passes them): linted as a file
    r = subprocess.run([sys.executable, "-m", "linter.cli", *RULES, "--fail-level", "error", "--", name,
                        "package.json"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stderr
    assert r.stdout.startswith(f"{name}:1:") and " SM101 " in r.stdout.splitlines()[0]
    assert (tmp_path / "package.json").read_text() == '{"name": "app"}\n'


def test_precommit_hook_passes_file_names_after_double_dash():
    import yaml

    with open(os.path.join(ROOT, ".pre-commit-hooks.yaml"), encoding="utf-8") as fh:
        hooks = {h["id"]: h for h in yaml.safe_load(fh)}
    assert hooks["lint-policies"]["args"] == ["--"]
    assert hooks["lint-policies-repo"].get("pass_filenames") is False


def test_every_hostile_input_has_a_budget():
    """benchmarks/hostile.py checks a time, memory and report budget for each input: a new input
    without one would be skipped there."""
    import importlib.util

    import hostile_inputs

    spec = importlib.util.spec_from_file_location("bench_hostile", os.path.join(ROOT, "benchmarks", "hostile.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert set(hostile_inputs.CASES) == {n.replace("_5mb", "") for n in mod.BUDGETS}
