"""The baseline: write, filter, survive edits, count duplicates, never rewrite, never hold a secret."""
from __future__ import annotations

import json
import os

import pytest

from linter import baseline
from linter.cli import UsageError, main
from linter.findings import Finding
from linter.located import Span

STMT_STAR = '    {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}'
STMT_PASS = '    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}'


def policy(*stmts, pad=0):
    return "\n" * pad + '{\n  "Version": "2012-10-17",\n  "Statement": [\n' + ",\n".join(stmts) + "\n  ]\n}\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "ml.json").write_text(policy(STMT_STAR))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(capsys, *argv):
    rc = main(["--format", "json", *argv])
    out = capsys.readouterr()
    return rc, json.loads(out.out)["findings"] if out.out else None


def test_write_then_filter(repo, capsys):
    rc, before = lint(capsys, "policies")
    assert rc == 1 and before
    assert main(["--write-baseline", "lint-baseline.json", "policies"]) == 0
    assert "wrote" in capsys.readouterr().err
    data = json.loads((repo / "lint-baseline.json").read_text())
    assert data["version"] == 1 and len(data["findings"]) == len(before)
    assert {e["fingerprint"] for e in data["findings"]} == {f["fingerprint"] for f in before}
    assert lint(capsys, "--baseline", "lint-baseline.json", "policies") == (0, [])


def test_survives_lines_inserted_above(repo, capsys):
    main(["--write-baseline", "b.json", "policies"])
    capsys.readouterr()
    (repo / "policies" / "ml.json").write_text(policy(STMT_STAR, pad=7))
    rc, found = lint(capsys, "policies")
    assert rc == 1 and found[0]["line"] > 7  # the findings moved...
    assert lint(capsys, "--baseline", "b.json", "policies") == (0, [])  # ...and are still known


def test_new_finding_is_reported(repo, capsys):
    main(["--write-baseline", "b.json", "policies"])
    capsys.readouterr()
    (repo / "policies" / "ml.json").write_text(policy(STMT_STAR, STMT_PASS))
    rc, found = lint(capsys, "--baseline", "b.json", "--select", "SM101,SM201,IAM301", "policies")
    assert rc == 1
    assert {(f["code"], f["line"]) for f in found} == {("IAM301", 5)}


def test_new_file_is_reported(repo, capsys):
    main(["--write-baseline", "b.json", "policies"])
    capsys.readouterr()
    (repo / "policies" / "copy.json").write_text(policy(STMT_STAR))
    rc, found = lint(capsys, "--baseline", "b.json", "policies")
    assert rc == 1 and {f["file"] for f in found} == {"policies/copy.json"}


def test_not_rewritten_without_write_baseline(repo, capsys):
    main(["--write-baseline", "b.json", "policies"])
    p = repo / "b.json"
    before = (p.read_bytes(), os.stat(p).st_mtime_ns)
    (repo / "policies" / "ml.json").write_text(policy(STMT_STAR, STMT_PASS))  # a new finding
    (repo / ".lint-policies.toml").write_text('baseline = "b.json"\n')
    assert main(["policies"]) == 1
    assert main(["--baseline", "b.json", "policies"]) == 1
    assert (p.read_bytes(), os.stat(p).st_mtime_ns) == before
    assert main(["--write-baseline", "b.json", "policies"]) == 0  # only this rewrites it
    assert p.read_bytes() != before[0]


def test_baseline_from_config_relative_to_config_file(repo, capsys, monkeypatch):
    (repo / "ci").mkdir()
    main(["--write-baseline", "ci/b.json", "policies"])
    assert json.loads((repo / "ci" / "b.json").read_text())["findings"][0]["file"] == "../policies/ml.json"
    (repo / ".lint-policies.toml").write_text('baseline = "ci/b.json"\n')
    capsys.readouterr()
    monkeypatch.chdir(repo / "policies")
    assert lint(capsys, ".") == (0, [])


def test_independent_of_the_working_directory(repo, capsys, monkeypatch):
    main(["--write-baseline", "b.json", "policies"])
    capsys.readouterr()
    monkeypatch.chdir(repo / "policies")
    rc, found = lint(capsys, "--baseline", "../b.json", "ml.json")
    assert (rc, found) == (0, [])


def test_stable_sorted_bytes(repo, capsys):
    (repo / "policies" / "a.json").write_text(policy(STMT_PASS, STMT_STAR))
    main(["--write-baseline", "b1.json", "policies"])
    main(["--write-baseline", "b2.json", "policies"])
    t1 = (repo / "b1.json").read_text()
    assert t1 == (repo / "b2.json").read_text()
    entries = json.loads(t1)["findings"]
    assert entries == sorted(entries, key=lambda e: (e["file"], e["code"], e.get("hint", ""), e["fingerprint"]))
    assert "line" not in t1  # no positions at all
    assert t1.endswith("}\n")


def test_written_baseline_matches_schema(repo):
    import jsonschema

    from linter.schemas_util import load_schema

    main(["--write-baseline", "b.json", "policies"])
    schema = load_schema("baseline.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads((repo / "b.json").read_text()), schema)


def test_count_aware():
    def f():
        return Finding("SM101", "n", "error", "m", Span(1, 1, 1, 2), file="x.json", logical_path=("Statement",),
                       value="sagemaker:*")

    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "b.json")
        cwd = os.getcwd()
        os.chdir(d)
        try:
            baseline.write(p, [f(), f()])
            assert len(json.load(open(p))["findings"]) == 2
            assert len(baseline.filter(p, [f(), f(), f()])) == 1
            assert len(baseline.filter(p, [f(), f()])) == 0
            assert len(baseline.filter(p, [f()])) == 0
        finally:
            os.chdir(cwd)


def test_secrets_only_as_hashes(repo, capsys):
    from keygen import key_id, secret

    kid, sec = key_id("baseline-test"), secret("baseline-test")
    (repo / "policies" / "env.json").write_text(json.dumps({"AWS_ACCESS_KEY_ID": kid, "AWS_SECRET_ACCESS_KEY": sec}))
    main(["--write-baseline", "b.json", "policies"])
    text = (repo / "b.json").read_text()
    keys = [e for e in json.loads(text)["findings"] if e["code"].startswith("KEY")]
    assert {e["code"] for e in keys} >= {"KEY401", "KEY402"}
    assert all(set(e) == {"code", "file", "fingerprint"} for e in keys)  # no hint at all
    assert kid not in text and sec not in text and kid[4:] not in text and kid[-4:] + '"' not in text
    for part in (sec[:8], sec[-8:]):
        assert part not in text
    assert lint(capsys, "--baseline", "b.json", "policies") == (0, [])


def test_hint_never_holds_the_value():
    f = Finding("SM101", "n", "error", "m", Span(1, 1, 1, 2), file="x", logical_path=("Statement", 0, "Action"),
                label="AWS::IAM::Role Admin", value="sagemaker:*")
    assert baseline.hint(f) == "AWS::IAM::Role Admin: Statement/0/Action"
    k = Finding("KEY402", "n", "error", "m", Span(1, 1, 1, 2), file="x", logical_path=("Env", "SECRET"),
                value="sha256:abc")
    assert baseline.hint(k) == ""


@pytest.mark.parametrize("content,needle", [
    ("{not json", "invalid baseline: not JSON (line 1 column 2)"),
    ("\xff", "invalid baseline: not JSON (not UTF-8)"),
    ("[]", "invalid baseline: (top level) must be of type object"),
    ('{"findings": []}', "invalid baseline: (top level): missing 'version'"),
    ('{"version": 2, "findings": []}', "invalid baseline: version must be 1"),
    ('{"version": 1, "findings": [{"code": "SM101", "file": "x"}]}', "findings/0: missing 'fingerprint'"),
    ('{"version": 1, "findings": [{"code": "SM101", "file": "x", "fingerprint": "zz"}]}',
     "findings/0/fingerprint does not match the baseline format (pattern)"),
    ('{"version": 1, "findings": [], "extra": 1}', "invalid baseline: an unknown key at (top level)"),
])
def test_invalid_baseline_is_exit_2_naming_the_file(repo, capsys, content, needle):
    (repo / "bad.json").write_bytes(content.encode("latin-1"))
    with pytest.raises(UsageError) as ei:
        baseline.filter(str(repo / "bad.json"), [])
    assert str(ei.value).startswith(str(repo / "bad.json") + ": ")
    assert needle in str(ei.value)
    assert main(["--baseline", "bad.json", "policies"]) == 2
    err = capsys.readouterr().err
    assert "bad.json: " in err and needle in err


@pytest.mark.parametrize("content", ['{"version": 1, "findings": [], "root:x:0:0:secret-content": 1}',
                                     '["secret-content"]', '{"version": "secret-content", "findings": []}',
                                     '{"version": 1, "findings": [{"code": "secret-content"}]}',
                                     "secret-content: [1,"])
def test_invalid_baseline_message_never_quotes_the_file(repo, capsys, content):
    """A baseline may be any file (a configuration names it): its content never reaches the log."""
    (repo / "bad.json").write_text(content)
    assert main(["--baseline", "bad.json", "policies"]) == 2
    err = capsys.readouterr().err
    assert "invalid baseline" in err and "secret-content" not in err


def test_missing_baseline_is_exit_2(repo, capsys):
    assert main(["--baseline", "nope.json", "policies"]) == 2
    assert "nope.json" in capsys.readouterr().err
