"""``--format github``: workflow commands byte for byte, their escaping, the per-level
cap, the protected plain listing, the job summary, and golden files for the labelled
cases (``tests/golden/github/<case>.txt``; refresh with ``LINT_POLICIES_UPDATE_GOLDEN=1``
and review the diff).

``_runner`` below is a small model of how ``actions/runner`` reads a step's output
(``ActionCommand.TryParseV2``, ``UnescapeProperty``/``UnescapeData`` and
``::stop-commands::``), so the tests can check what GitHub would make of the bytes,
not only the bytes.
"""
from __future__ import annotations

import os
import re
import shutil
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.findings import Finding
from linter.located import Span
from linter.reporters import github_format, github_summary, render

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
GOLDEN = os.path.join(HERE, "golden", "github")


# ---------------------------------------------------------------------------
# helpers


@pytest.fixture(autouse=True)
def _no_github_env(monkeypatch):
    """These tests may themselves run in GitHub Actions: start from a clean slate."""
    for var in ("GITHUB_WORKSPACE", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(var, raising=False)


def F(code="SM101", sev="error", msg="m", file="p.json", span=(1, 2, 1, 5), name="sagemaker-service-wildcard"):
    return Finding(code=code, name=name, severity=sev, message=msg, span=Span(*span), file=file)


def R(findings, files=None):
    files = files if files is not None else max(1, len({f.file for f in findings}))
    return SimpleNamespace(findings=list(findings), suppressed=[], files=files)


def out(findings, files=None, **meta):
    return render("github", R(findings, files), meta)


def _unescape(value: str, prop: bool) -> str:
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else []) + [("%25", "%")]
    for a, b in pairs:
        value = value.replace(a, b)
    return value


def _runner(text: str):
    """What the runner does with ``text``: (commands, stopped_lines). Each command is
    (name, {prop: value}, data), unescaped. Lines read while commands are stopped are
    returned separately."""
    cmds, stopped = [], []
    token = None
    for raw in re.split(r"\r\n|\r|\n", text):  # .NET ReadLine splits on CR, LF and CRLF only
        line = raw.lstrip()
        if token is not None:
            if line == f"::{token}::":
                token = None
            else:
                stopped.append(raw)
            continue
        if not line.startswith("::"):
            continue
        end = line.find("::", 2)
        if end < 0:
            continue
        head, data = line[2:end], line[end + 2:]
        name, _, rest = head.partition(" ")
        props = {}
        for kv in filter(None, rest.split(",")):
            k, _, v = kv.partition("=")
            props[k] = _unescape(v, True)
        if name == "stop-commands":
            token = data
            continue
        cmds.append((name, props, _unescape(data, False)))
    return cmds, stopped


# ---------------------------------------------------------------------------
# annotations, byte for byte


def test_annotation_bytes_and_levels(monkeypatch):
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    fs = [
        F("SM101", "error", '"sagemaker:*" grants all', "a.json", (6, 15, 6, 28)),
        F("SM102", "warning", "spans lines", "b.json", (3, 5, 4, 2), name="sagemaker-action-wildcard"),
        F("SM102", "note", "read only", "c.json", (2, 1, 2, 9), name="sagemaker-action-wildcard"),
    ]
    assert out(fs, files=3) == (
        "::error file=a.json,line=6,col=15,endLine=6,endColumn=28,title=SM101 sagemaker-service-wildcard"
        '::"sagemaker:*" grants all\n'
        "::warning file=b.json,line=3,endLine=4,title=SM102 sagemaker-action-wildcard::spans lines\n"
        "::notice file=c.json,line=2,col=1,endLine=2,endColumn=9,title=SM102 sagemaker-action-wildcard::read only\n"
        "::group::lint-policies findings\n"
        "::stop-commands::lint-policies-" + _token(out(fs, files=3)) + "\n"
        'a.json:6:15: SM101 "sagemaker:*" grants all\n'
        "b.json:3:5: SM102 spans lines\n"
        "c.json:2:1: SM102 read only\n"
        "::lint-policies-" + _token(out(fs, files=3)) + "::\n"
        "::endgroup::\n"
        "Found 3 findings (1 error, 1 warning, 1 note) in 3 of 3 files checked.\n"
    )


def _token(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("::stop-commands::lint-policies-"):
            return line[len("::stop-commands::lint-policies-"):]
    raise AssertionError("no stop-commands line")


def test_escaping_of_data_and_properties(monkeypatch):
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    f = F("SM101", "error", "100% bad\r\nnext::error::x, y: z", "we,ird:dir/50%.json", (1, 2, 1, 3))
    first = out([f]).splitlines()[0]
    assert first == (
        "::error file=we%2Cird%3Adir/50%25.json,line=1,col=2,endLine=1,endColumn=3,"
        "title=SM101 sagemaker-service-wildcard::100%25 bad%0D%0Anext::error::x, y: z"
    )
    assert github_format.escape_data("%\r\n:,") == "%25%0D%0A:,"
    assert github_format.escape_property("%\r\n:,") == "%25%0D%0A%3A%2C"
    # "%0A" already in the text must survive as text, not become a newline
    assert github_format.escape_data("%0A") == "%250A"


def test_columns_only_on_one_line(monkeypatch):
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    multi = out([F(span=(3, 7, 5, 2))]).splitlines()[0]
    assert multi == "::error file=p.json,line=3,endLine=5,title=SM101 sagemaker-service-wildcard::m"
    empty = out([F(span=(1, 1, 1, 1))]).splitlines()[0]
    assert empty == "::error file=p.json,line=1,col=1,endLine=1,endColumn=1,title=SM101 sagemaker-service-wildcard::m"


def test_paths_relative_to_workspace(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    (ws / "sub").mkdir(parents=True)
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(ws / "sub")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(ws))
    lines = out([F(file="infra/p.json"), F(file="../../elsewhere/q.json")], files=2).splitlines()
    assert lines[0].startswith("::error file=sub/infra/p.json,line=1,")
    outside = (other / "q.json").as_posix().replace(":", "%3A").replace(",", "%2C")
    assert lines[1].startswith(f"::error file={outside},line=1,")
    assert "sub/infra/p.json:1:2: SM101 m" in lines
    # an absolute display path inside the workspace is made relative too
    assert github_format.workspace_path(str(ws / "x" / "y.tf"), workspace=str(ws)) == "x/y.tf"
    # without a workspace the display path is kept as is
    monkeypatch.delenv("GITHUB_WORKSPACE")
    assert out([F(file="infra/p.json")]).startswith("::error file=infra/p.json,")


def test_cap_per_level_and_notice(monkeypatch):
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    fs = ([F(sev="error", file=f"e{i:02}.json") for i in range(12)]
          + [F(sev="warning", file=f"w{i:02}.json") for i in range(3)]
          + [F(sev="note", file=f"n{i:02}.json") for i in range(10)])
    text = out(fs)
    lines = text.splitlines()
    ann = [ln for ln in lines if ln.startswith(("::error ", "::warning ", "::notice "))]
    assert sum(ln.startswith("::error ") for ln in ann) == 10
    assert sum(ln.startswith("::warning ") for ln in ann) == 3
    assert sum(ln.startswith("::notice file=") for ln in ann) == 9
    # the 11th and 12th errors and the 10th note are not annotated ...
    assert "file=e10.json" not in text and "file=e11.json" not in text and "file=n09.json" not in text
    # ... but one notice says so, and where to look
    notice = [ln for ln in ann if ln.startswith("::notice title=")]
    assert notice == [
        "::notice title=lint-policies::3 more findings (2 errors, 1 note) not annotated: GitHub shows at most "
        "10 annotations per level in a step. All 25 findings are listed in this step's log (group "
        "\"lint-policies findings\"), in the job summary and in the SARIF report (--sarif-file)."
    ]
    cmds, _ = _runner(text)
    by_level = {}
    for name, _, _ in cmds:
        by_level[name] = by_level.get(name, 0) + 1
    assert by_level["error"] == 10 and by_level["warning"] == 3 and by_level["notice"] == 10
    # every finding is still in the plain listing
    assert sum(1 for ln in lines if ": SM101 m" in ln) == 25


def test_exactly_ten_per_level_needs_no_notice(monkeypatch):
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    fs = [F(sev=s, file=f"{s}{i}.json") for s in ("error", "warning", "note") for i in range(10)]
    cmds, _ = _runner(out(fs))
    assert [c[0] for c in cmds].count("notice") == 10
    assert all("file" in c[1] for c in cmds if c[0] in ("error", "warning", "notice"))


def test_no_findings(monkeypatch):
    assert out([], files=4) == "No findings in 4 files checked.\n"


def test_message_cannot_inject_commands(monkeypatch):
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    evil = "x\n::add-mask::secret\n::set-output name=a::b\r::error file=z::pwned\n::endgroup::\n::stop-commands::t"
    text = out([F(msg=evil, file="::error::f\n::warning::g.json")])
    cmds, stopped = _runner(text)
    names = [c[0] for c in cmds]
    assert names == ["error", "group", "endgroup"]
    assert cmds[0][2] == evil and cmds[0][1]["file"] == "::error::f\n::warning::g.json"
    # the plain listing is one line per finding, with CR/LF made visible, and a path that
    # starts with ":" shown as ./: (no line of the log starts with "::", commands stopped or not)
    assert stopped == ["./::error::f\\n::warning::g.json:1:2: SM101 " + evil.replace("\r", "\\r").replace("\n", "\\n")]


@settings(max_examples=200, deadline=None)
@given(msg=st.text(), file=st.text(min_size=1).filter(lambda s: not s.startswith("/")))
def test_runner_round_trip(msg, file):
    """Whatever the message and path, the runner sees exactly one annotation carrying them."""
    text = out([F(msg=msg, file=file)])
    cmds, stopped = _runner(text)
    assert [c[0] for c in cmds] == ["error", "group", "endgroup"]
    name, props, data = cmds[0]
    assert data == msg
    assert props["file"] == file and props["line"] == "1" and props["title"] == "SM101 sagemaker-service-wildcard"
    assert len(stopped) == 1


# ---------------------------------------------------------------------------
# job summary


def test_summary_markdown(monkeypatch):
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    fs = [
        F("SM101", "error", "a | b\nc <img src=x> *d* `e` ${P}", "dir/p_1.json", (6, 15, 6, 28)),
        F("SM102", "warning", "w", "q.json", (2, 1, 2, 4), name="sagemaker-action-wildcard"),
        F("SM102", "note", "n", "q.json", (3, 1, 3, 4), name="sagemaker-action-wildcard"),
    ]
    assert github_summary.markdown(R(fs, files=5)) == (
        "## lint-policies\n"
        "\n"
        "Found 3 findings (1 error, 1 warning, 1 note) in 2 of 5 files checked.\n"
        "\n"
        "| Rule | Name | Error | Warning | Note | Total |\n"
        "|---|---|--:|--:|--:|--:|\n"
        "| SM101 | sagemaker-service-wildcard | 1 | 0 | 0 | 1 |\n"
        "| SM102 | sagemaker-action-wildcard | 0 | 1 | 1 | 2 |\n"
        "\n"
        "### Findings\n"
        "\n"
        "| Location | Code | Severity | Message |\n"
        "|---|---|---|---|\n"
        "| dir/p\\_1.json:6 | SM101 | error | a \\| b<br>c &lt;img src=x&gt; \\*d\\* \\`e\\` \\${P} |\n"
        "| q.json:2 | SM102 | warning | w |\n"
        "| q.json:3 | SM102 | note | n |\n"
        "\n"
    )
    assert github_summary.markdown(R([], files=2)) == "## lint-policies\n\nNo findings in 2 files checked.\n\n"


def test_summary_size_cap(tmp_path):
    fs = [F(msg="x" * 500, file=f"f{i:05}.json") for i in range(5000)]  # ~2.6 MB of rows
    path = tmp_path / "summary.md"
    path.write_text("earlier step output\n" * 1000, encoding="utf-8")
    before = path.stat().st_size
    github_summary.append_summary(str(path), R(fs))
    text = path.read_text(encoding="utf-8")
    assert path.stat().st_size <= github_summary.LIMIT
    assert text.startswith("earlier step output\n")
    added = text[before:]
    rows = [ln for ln in added.splitlines() if ln.startswith("| f")]
    assert 0 < len(rows) < 5000
    assert added.endswith(f"\n_{5000 - len(rows)} more findings not shown: a job summary is limited to 1 MiB. "
                          "The step log and the SARIF report (--sarif-file) list them all._\n\n")
    # a tiny budget still yields a well-formed (empty or truncated) summary, never more than allowed
    small = github_summary.markdown(R(fs), budget=800)
    assert len(small.encode()) <= 800
    assert github_summary.markdown(R(fs), budget=10) == ""


def test_summary_budget_of_exactly_its_size_holds_every_row():
    # room for the note about rows left out is kept while a row is still to come (each row here is
    # longer than the note), none after the last one
    fs = [F(msg=f"{i}" * 300, file=f"f{i}.json") for i in range(3)]
    whole = github_summary.markdown(R(fs))
    size = len(whole.encode("utf-8"))
    assert github_summary.markdown(R(fs), budget=size) == whole
    short = github_summary.markdown(R(fs), budget=size - 1)
    assert short.count("| f") == 2 and len(short.encode("utf-8")) <= size - 1
    assert short.endswith("\n_1 more finding not shown: a job summary is limited to 1 MiB. "
                          "The step log and the SARIF report (--sarif-file) list them all._\n\n")


def test_summary_when_file_is_full(tmp_path):
    path = tmp_path / "s.md"
    path.write_bytes(b"x" * github_summary.LIMIT)
    github_summary.append_summary(str(path), R([F()]))
    assert path.stat().st_size == github_summary.LIMIT


def test_cli_writes_summary_only_for_github_format(tmp_path, monkeypatch, capsys):
    from linter.cli import main

    pol = tmp_path / "p.json"
    pol.write_text('{"Version": "2012-10-17", "Statement": {"Effect": "Allow", '
                   '"Action": "sagemaker:*", "Resource": "*"}}', encoding="utf-8")
    summary = tmp_path / "summary.md"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    assert main(["--format", "text", "p.json"]) == 1
    assert not summary.exists()
    capsys.readouterr()
    assert main(["--format", "github", "--select", "SM101,SM201", "p.json"]) == 1
    stdout = capsys.readouterr().out
    assert stdout.startswith("::error file=p.json,line=1,col=")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## lint-policies\n\nFound 2 findings (2 error, 0 warning, 0 note) in 1 of 1 file checked.\n")
    assert "| p.json:1 | SM101 | error |" in text and "| p.json:1 | SM201 | error |" in text
    # appended, not overwritten
    assert main(["--format", "github", "--select", "SM101,SM201", "p.json"]) == 1
    assert summary.read_text(encoding="utf-8") == text + text


# ---------------------------------------------------------------------------
# golden files: the labelled cases, byte for byte


def _case_names():
    return sorted(n for n in os.listdir(CASES) if n not in ("EXPECT.tsv", "README.md"))


@pytest.fixture(scope="module")
def case_tree(tmp_path_factory):
    """The labelled cases with credential placeholders filled, at tests/cases/ in a temp root."""
    keygen = pytest.importorskip("keygen", reason="tests/keygen.py (fake credentials) is not there yet")
    root = tmp_path_factory.mktemp("golden")
    dest = root / "tests" / "cases"
    dest.mkdir(parents=True)
    values = []
    for name in _case_names():
        text = open(os.path.join(CASES, name), encoding="utf-8", newline="").read()
        values += keygen.placeholder_values(text)
        with open(dest / name, "w", encoding="utf-8", newline="") as fh:
            fh.write(keygen.fill_placeholders(text))
    yield root, values
    shutil.rmtree(root, ignore_errors=True)


#: The rules the golden files were written for (a new rule does not change them).
GOLDEN_RULES = "SM101,SM102,SM103,SM201,IAM301,IAM302,IAM303,KEY401,KEY402,KEY403"


@pytest.mark.parametrize("name", _case_names())
def test_golden(name, case_tree, monkeypatch, capsys):
    from linter.cli import main

    root, secrets = case_tree
    monkeypatch.chdir(root)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(root))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    rc = main(["--format", "github", "--select", GOLDEN_RULES, f"tests/cases/{name}"])
    got = capsys.readouterr().out
    assert rc in (0, 1)
    for value in secrets:
        assert value not in got, "a credential value leaked into the output"
    golden = os.path.join(GOLDEN, os.path.splitext(name)[0] + ".txt")
    if os.environ.get("LINT_POLICIES_UPDATE_GOLDEN") == "1":
        os.makedirs(GOLDEN, exist_ok=True)
        with open(golden, "w", encoding="utf-8", newline="") as fh:
            fh.write(got)
        return
    assert os.path.exists(golden), (f"no golden file for {name}: run LINT_POLICIES_UPDATE_GOLDEN=1 "
                                    f"pytest tests/test_github_format.py, then review {golden}")
    with open(golden, encoding="utf-8", newline="") as fh:
        want = fh.read()
    assert got == want
