"""``lint-policies server`` from the command line, and the parts of the server that need no
client: the CLI never imports the server's dependencies, position conversion, the place scan."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from linter.located import Span
from linter.server import textscan
from linter.server.positions import Lines, offset_at, position_at, span_to_range

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = os.path.join(os.path.dirname(sys.executable), "lint-policies")
POLICY = '{"Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}\n'


@pytest.mark.parametrize("args", [["--version"], ["-q", "p.json"], ["--help"], ["--list-rules"]])
def test_the_cli_never_imports_the_server(args, tmp_path):
    (tmp_path / "p.json").write_text(POLICY)
    code = ("import sys; from linter.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print([m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs', 'asyncio')"
            " or m.startswith('linter.server')])")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=tmp_path).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_importtime_of_version_has_no_server_module(tmp_path):
    r = subprocess.run([sys.executable, "-X", "importtime", "-c", "from linter.cli import main; main(['--version'])"],
                       capture_output=True, text=True, cwd=tmp_path)
    imported = [line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")]
    assert "linter.cli" in imported
    assert not [m for m in imported if m.split(".")[0] in ("pygls", "lsprotocol") or m.startswith("linter.server")]


def test_server_help_and_bad_arguments():
    r = subprocess.run([EXE, "server", "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("usage: lint-policies server [--debounce SECONDS]")
    r = subprocess.run([EXE, "server", "--debounce", "soon"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert r.stderr == "lint-policies server: --debounce takes a number of seconds, not 'soon'\n"
    r = subprocess.run([EXE, "server", "--tcp"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stderr.startswith("lint-policies server: unknown argument '--tcp'")
    assert "lint-policies server" in subprocess.run([EXE, "--help"], capture_output=True, text=True).stdout


def test_server_without_its_extra_says_how_to_install_it():
    code = ("import sys\n"
            "class Block:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] in ('pygls', 'lsprotocol'):\n"
            "            raise ImportError(f'No module named {name!r}')\n"
            "sys.meta_path.insert(0, Block())\n"
            "from linter.cli import main\nsys.exit(main(['server']))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert r.stderr.endswith("install the server extra: pip install 'lint-policies[server]'\n")


def test_a_directory_named_server_is_linted_as_dot_slash_server(tmp_path):
    (tmp_path / "server").mkdir()
    (tmp_path / "server" / "p.json").write_text(POLICY)
    r = subprocess.run([EXE, "-q", "./server"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert r.returncode == 1 and "SM101" in r.stdout


# ---------------------------------------------------------------------------
# positions


def test_span_to_utf16_and_utf8_ranges():
    text = 'a\n{"é🚀": "sagemaker:*"}\r\nz'
    lines = Lines(text)
    assert [lines.line(i) for i in range(len(lines))] == ["a", '{"é🚀": "sagemaker:*"}', "z"]
    span = Span(2, 8, 2, 21)  # "sagemaker:*" with its quotes: 1-based code points, end exclusive
    assert span_to_range(lines, span, "utf-16") == ((1, 8), (1, 21))  # the emoji: two units
    assert span_to_range(lines, span, "utf-8") == ((1, 11), (1, 24))  # é: two bytes, the emoji: four
    assert span_to_range(lines, span, "utf-32") == ((1, 7), (1, 20))
    # clamped: past the end of a line (21 code points, 22 UTF-16 units), past the last line, before the first
    assert span_to_range(lines, Span(2, 40, 2, 50), "utf-16") == ((1, 22), (1, 22))
    assert span_to_range(lines, Span(9, 1, 9, 1), "utf-16") == ((2, 1), (2, 1))
    assert span_to_range(lines, Span(0, 0, 1, 1), "utf-16") == ((0, 0), (0, 0))


def test_offsets_and_positions_round_trip_and_line_breaks():
    text = "x\r\ny🚀z\rw\n"
    lines = Lines(text)
    assert len(lines) == 4 and lines.line(2) == "w"
    for off in range(len(text) + 1):
        if text[off - 1:off + 1] == "\r\n":
            continue  # between \r and \n: not a position
        line, ch = position_at(lines, off, "utf-16")
        assert offset_at(lines, line, ch, "utf-16") == off, off
    assert offset_at(lines, 1, 2, "utf-16") == 4  # inside the emoji's two units: before it
    assert position_at(lines, text.index("z"), "utf-16") == (1, 3)


# ---------------------------------------------------------------------------
# the place scan (what the cursor is in)


def _place(text, style):
    return textscan.place(text, len(text), style)


@pytest.mark.parametrize("style,text,action,key", [
    ("json", '{"Statement": [{"Action": ["s3:GetObject", "sage', True, False),
    ("json", '{"Statement": {"NotAction": "sage', True, False),
    ("json", '{"Statement": [{"Resource": "arn', False, False),
    ("json", '{"Statement": [{"Condition": {"StringEquals": {"aws:', False, True),
    ("json", '{"Statement": [{"Condition": {"StringEquals": {"aws:SourceVpc": "vpc', False, False),
    ("json", '{"Statement": [{"Action": "s3:GetObject", "sage', False, False),
    ("yaml", "Statement:\n  - Effect: Allow\n    Action:\n      - sagemaker:Cr", True, False),
    ("yaml", "Statement:\n  - Effect: Allow\n    Action:\n    - sagemaker:Cr", True, False),
    ("yaml", "Statement:\n  - Action: [s3:GetObject, sagemaker:Cr", True, False),
    ("yaml", "Statement:\n  - Resource: arn", False, False),
    ("yaml", "Statement:\n  - Condition:\n      StringEquals:\n        aws:", False, True),
    ("yaml", "Statement:\n  - Condition:\n      StringEquals:\n        aws:SourceVpc: vpc", False, False),
    ("yaml", "Statement:\n  - Action: x  # sagemaker:", False, False),
    ("hcl", 'data "aws_iam_policy_document" "d" {\n  statement {\n    actions = ["sagemaker:C', True, False),
    ("hcl", 'resource "aws_x" "y" {\n  actions = ["sagemaker:C', False, False),
    ("hcl", 'data "aws_iam_policy_document" "d" {\n  statement {\n    condition {\n      variable = "aws:', False, True),
    ("hcl", 'x = jsonencode({\n  Statement = [{\n    Action = ["sagemaker:', True, False),
    ("hcl", 'x = jsonencode({\n  Statement = [{ Condition = { StringLike = { "aws:', False, True),
    ("hcl", 'x = <<EOF\n{"Statement": [{"Action": "sagemaker:', True, False),
    ("hcl", 'x = "${var.a}" # "Action": "sagemaker:', False, False),
])
def test_the_place_under_the_cursor(style, text, action, key):
    p = _place(text, style)
    assert (p is not None and p.in_action(style)) == action, p
    assert (p is not None and p.at_condition_key(style)) == key, p


# ---------------------------------------------------------------------------
# the session: a buffer linted as the CLI run from its workspace folder lints the file


def test_session_lints_from_the_workspace_folder(tmp_path):
    from linter.server.session import Session

    real = tmp_path / "real"
    (real / "policies").mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(real)
    (real / ".lint-policies.toml").write_text('[per-file-ignores]\n"policies/*" = ["SM2"]\n')
    cwd = os.getcwd()
    try:
        for root in (link, real):  # the editor may name the folder by the symlink
            out = Session([str(root)]).lint(str(root / "policies" / "p.json"), POLICY)
            assert out.error is None and out.display == "policies/p.json"
            assert out.config == str(real / ".lint-policies.toml")
            assert [f.code for f in out.findings if f.code[:2] == "SM"] == ["SM101"]
        # outside every folder: from the file's directory, where the CLI finds the same configuration
        # (and per-file-ignores matches paths relative to the configuration's directory too)
        out = Session([str(tmp_path / "elsewhere")]).lint(str(real / "policies" / "p.json"), POLICY)
        assert out.display == "p.json" and [f.code for f in out.findings if f.code[:2] == "SM"] == ["SM101"]
        (real / ".lint-policies.toml").unlink()
        out = Session([str(tmp_path / "elsewhere")]).lint(str(real / "policies" / "p.json"), POLICY)
        assert out.config is None and [f.code for f in out.findings if f.code[:2] == "SM"] == ["SM101", "SM201"]
    finally:
        os.chdir(cwd)
