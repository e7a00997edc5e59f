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


def lint(cwd, *paths, extra=(), timeout=60):
    """Run the CLI (JSON output); return (exit code, findings by file, seconds)."""
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "linter.cli", "--format", "json", *extra, *paths], cwd=cwd,
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
    marked = b"Statement" + no_nul  # a policy source word, then bytes that are not UTF-8
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
    assert (f["line"], f["column"]) == (1, len("Statement") + 1) and "UTF-8" in f["message"]


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
    """open() raising PermissionError (what chmod 000 does for a non-root user) is an LP001."""
    import builtins

    from linter import sources

    real_open = builtins.open

    def fake_open(file, *a, **kw):
        if str(file).endswith("secret.json"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *a, **kw)

    monkeypatch.setattr(sources, "open", fake_open, raising=False)
    monkeypatch.setattr(builtins, "open", fake_open)
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


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
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
