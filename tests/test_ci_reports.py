"""The CI report formats (gitlab, junit, rdjson), the full text layout, rule URLs,
--statistics and standard input: exact bytes and fields users' CI systems read."""
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from linter.cli import build_parser, main
from linter.reporters import REPORTERS

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = os.path.join(HERE, "schemas")
DOCS = "https://github.com/lint-policies/lint-policies/blob/main/docs/rules/"

POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sagemaker:*",
      "Resource": "*"
    }
  ]
}
"""
# SM101 at 6:17-6:30, SM201 at 7:19-7:22 (select=SM101,SM201)


def _run(args, cwd, stdin=None):
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], cwd=cwd, capture_output=True,
                          text=True, input=stdin, env=dict(os.environ, NO_COLOR="1"))


@pytest.fixture
def work(tmp_path):
    (tmp_path / "policy.json").write_text(POLICY, encoding="utf-8")
    (tmp_path / "ok.json").write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                                      '"Action": "sagemaker:DescribeModel", "Resource": '
                                      '"arn:aws:sagemaker:us-east-1:111122223333:model/m"}]}\n')
    return tmp_path


def _schema(name):
    with open(os.path.join(SCHEMAS, name), encoding="utf-8") as fh:
        return json.load(fh)


def test_every_registered_format_is_a_cli_choice_and_renders(work, monkeypatch):
    choices = next(a for a in build_parser()._actions if a.dest == "format").choices
    assert tuple(choices) == tuple(REPORTERS)
    assert {"gitlab", "junit", "rdjson", "full", "concise"} <= set(REPORTERS)
    monkeypatch.chdir(work)
    for fmt in REPORTERS:
        out = io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        assert main(["--format", fmt, "--select", "SM101", "policy.json"]) == 1, fmt
        assert "policy.json" in out.getvalue(), fmt


def test_gitlab_code_quality(work):
    r = _run(["--format", "gitlab", "--select", "SM101,SM201", "policy.json", "ok.json"], work)
    assert r.returncode == 1
    issues = json.loads(r.stdout)
    jsonschema.Draft202012Validator(_schema("gitlab-codequality.schema.json")).validate(issues)
    assert [(i["check_name"], i["severity"], i["location"]["path"], i["location"]["lines"]["begin"])
            for i in issues] == [("SM101", "critical", "policy.json", 6), ("SM201", "critical", "policy.json", 7)]
    assert issues[0]["description"].startswith('SM101 "sagemaker:*" grants every one')
    assert issues[0]["content"]["body"].endswith(DOCS + "SM101.md")
    # fingerprints: unique in the report, stable across runs and across moved lines
    assert len({i["fingerprint"] for i in issues}) == 2
    (work / "policy.json").write_text("\n\n" + POLICY, encoding="utf-8")
    moved = json.loads(_run(["--format", "gitlab", "--select", "SM101,SM201", "policy.json"], work).stdout)
    assert [i["location"]["lines"]["begin"] for i in moved] == [8, 9]
    assert [i["fingerprint"] for i in moved] == [i["fingerprint"] for i in issues]


def test_gitlab_fingerprints_unique_for_identical_findings(work):
    two = POLICY.replace('"Resource": "*"\n    }', '"Resource": "*"\n    },\n    {"Effect": "Allow", "Action": '
                                                    '"sagemaker:*", "Resource": "*"}')
    (work / "policy.json").write_text(two, encoding="utf-8")
    issues = json.loads(_run(["--format", "gitlab", "--select", "SM101", "policy.json"], work).stdout)
    assert len(issues) == 2 and issues[0]["fingerprint"] != issues[1]["fingerprint"]


def test_gitlab_fingerprint_is_the_sarif_partial_fingerprint_hashed(work):
    # the n-th identical finding of a file is "<fingerprint>:<n>" in SARIF; GitLab gets its SHA-256
    import hashlib

    two = POLICY.replace('"Resource": "*"\n    }', '"Resource": "*"\n    },\n    {"Effect": "Allow", "Action": '
                                                    '"sagemaker:*", "Resource": "*"}')
    (work / "policy.json").write_text(two, encoding="utf-8")
    issues = json.loads(_run(["--format", "gitlab", "--select", "SM101", "policy.json"], work).stdout)
    sarif = json.loads(_run(["--format", "sarif", "--select", "SM101", "policy.json"], work).stdout)
    partial = [r["partialFingerprints"]["lintPoliciesFingerprint/v1"] for r in sarif["runs"][0]["results"]]
    assert [p.rsplit(":", 1)[1] for p in partial] == ["1", "1"]
    assert [i["fingerprint"] for i in issues] == [hashlib.sha256(p.encode()).hexdigest()[:32] for p in partial]


def test_gitlab_clean_is_an_empty_array(work):
    r = _run(["--format", "gitlab", "ok.json"], work)
    assert (r.returncode, r.stdout) == (0, "[]\n")


def test_junit(work):
    r = _run(["--format", "junit", "--select", "SM101,SM201", "policy.json", "ok.json"], work)
    assert r.returncode == 1
    root = ET.fromstring(r.stdout)
    assert root.tag == "testsuites" and root.attrib == {"name": "lint-policies", "tests": "2", "failures": "2",
                                                         "errors": "0"}
    (suite,) = list(root)
    assert suite.tag == "testsuite" and suite.attrib["tests"] == "2" and suite.attrib["failures"] == "2"
    cases = list(suite)
    assert [(c.tag, c.attrib["classname"], c.attrib["name"], c.attrib["line"]) for c in cases] == [
        ("testcase", "policy.json", "SM101 at 6:17", "6"), ("testcase", "policy.json", "SM201 at 7:19", "7")]
    fail = cases[0].find("failure")
    assert fail.attrib["type"] == "SM101" and fail.attrib["message"].startswith('"sagemaker:*" grants')
    assert fail.text.startswith('policy.json:6:17: SM101 [error] "sagemaker:*" grants')
    assert fail.text.endswith("\n" + DOCS + "SM101.md")


def test_junit_clean_has_one_passing_case(work):
    r = _run(["--format", "junit", "ok.json"], work)
    assert r.returncode == 0
    assert r.stdout == ('<?xml version="1.0" encoding="UTF-8"?>\n'
                        '<testsuites name="lint-policies" tests="1" failures="0" errors="0">\n'
                        '  <testsuite name="lint-policies" tests="1" failures="0" errors="0" skipped="0">\n'
                        '    <testcase classname="lint-policies" name="no findings"/>\n'
                        '  </testsuite>\n</testsuites>\n')


def test_junit_escapes_what_xml_cannot_hold(work):
    name = 'a&b<"c>.json'
    (work / name).write_text(POLICY, encoding="utf-8")
    r = _run(["--format", "junit", "--select", "SM101", name], work)
    root = ET.fromstring(r.stdout)  # well-formed
    assert root.find("testsuite/testcase").attrib["classname"] == name


def test_rdjson(work):
    r = _run(["--format", "rdjson", "--select", "SM101,SM201", "policy.json"], work)
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    jsonschema.Draft202012Validator(_schema("rdjson.schema.json")).validate(doc)
    assert doc["source"]["name"] == "lint-policies" and doc["severity"] == "ERROR"
    d = doc["diagnostics"][0]
    assert d["location"] == {"path": "policy.json", "range": {"start": {"line": 6, "column": 17},
                                                              "end": {"line": 6, "column": 30}}}
    assert d["severity"] == "ERROR" and d["code"] == {"value": "SM101", "url": DOCS + "SM101.md"}
    assert "suggestions" not in d


def test_rdjson_columns_are_utf8_bytes(work):
    # two 2-byte characters and one 4-byte character before the value on its line
    text = POLICY.replace('"Action": "sagemaker:*",', '"Action": "sagemaker:*", "Sid2": "\u00e9\u00e9\U0001f600",')
    text = text.replace('"Effect": "Allow",\n      "Action": "sagemaker:*", "Sid2": "\u00e9\u00e9\U0001f600",',
                        '"Effect": "Allow",\n      "Sid": "\u00e9\u00e9\U0001f600", "Action": "sagemaker:*",')
    (work / "policy.json").write_text(text, encoding="utf-8")
    line = text.splitlines()[5]
    col = line.index('"sagemaker:*"') + 1  # code points
    doc = json.loads(_run(["--format", "rdjson", "--select", "SM101", "policy.json"], work).stdout)
    start = doc["diagnostics"][0]["location"]["range"]["start"]
    assert start == {"line": 6, "column": col + 1 + 1 + 3}


def test_json_carries_the_rule_url(work):
    doc = json.loads(_run(["--format", "json", "--select", "SM101", "policy.json"], work).stdout)
    assert doc["findings"][0]["url"] == DOCS + "SM101.md"


def test_show_url_in_text(work):
    r = _run(["--show-url", "--select", "SM101", "policy.json"], work)
    assert r.stdout.splitlines()[:2] == [
        'policy.json:6:17: SM101 "sagemaker:*" grants every one of the ' + r.stdout.split("grants every one of the ")[1].split("\n")[0],
        "  " + DOCS + "SM101.md"]
    plain = _run(["--select", "SM101", "policy.json"], work)
    assert DOCS not in plain.stdout  # one line per finding in a pipe, no URL unless asked


def test_full_layout(work):
    r = _run(["--format", "full", "--select", "SM101,SM201", "policy.json"], work)
    lines = r.stdout.splitlines()
    i = lines.index(next(ln for ln in lines if ln.startswith("policy.json:6:17: SM101 ")))
    assert lines[i + 1:i + 6] == [
        "    |",
        '  6 |       "Action": "sagemaker:*",',
        "    |                 ^^^^^^^^^^^^^",
        "    = help: `lint-policies --explain SM101` shows the policy written well",
        "    = docs: " + DOCS + "SM101.md",
    ]
    assert lines[-1] == "Found 2 findings (2 error, 0 warning, 0 note) in 1 of 1 file checked."


def test_full_layout_of_a_file_at_the_size_limit(work):
    # a file of exactly --max-file-size bytes is linted, and its last line is shown whole
    text = '{"Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}'
    (work / "one.json").write_text(text, encoding="utf-8")
    r = _run(["--format", "full", "--select", "SM101", "--max-file-size", str(len(text)), "one.json"], work)
    assert r.stdout.splitlines()[2] == "  1 | " + text


def test_text_is_full_on_a_terminal_and_concise_in_a_pipe(work, monkeypatch):
    monkeypatch.chdir(work)

    class Tty(io.StringIO):
        def isatty(self):
            return True

    for stream, full in ((Tty(), True), (io.StringIO(), False)):
        monkeypatch.setattr(sys, "stdout", stream)
        monkeypatch.setenv("NO_COLOR", "1")
        main(["--select", "SM101", "policy.json"])
        assert ("  6 |" in stream.getvalue()) is full
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", Tty())
    main(["--format", "concise", "--select", "SM101", "policy.json", "-o", str(work / "r.txt")])
    assert len((work / "r.txt").read_text().splitlines()) == 2  # the finding and the summary
    del out


def test_full_layout_masks_secrets_in_the_line(work):
    sys.path.insert(0, HERE)
    from keygen import key_id, secret

    kid, sec = key_id("full-layout"), secret("full-layout")
    (work / "creds.json").write_text('{\n  "aws_access_key_id": "%s", "aws_secret_access_key": "%s"\n}\n'
                                     % (kid, sec), encoding="utf-8")
    r = _run(["--format", "full", "creds.json"], work)
    assert r.returncode == 1 and "KEY40" in r.stdout and "  2 | " in r.stdout
    assert kid not in r.stdout and sec not in r.stdout and sec[:12] not in r.stdout
    for fmt in ("gitlab", "junit", "rdjson", "json"):
        out = _run(["--format", fmt, "creds.json"], work).stdout
        assert kid not in out and sec not in out, fmt


def test_full_layout_shows_a_window_of_a_long_line(work):
    text = '{"Version": "2012-10-17", "Statement": [{"Sid": "' + "A" * 500 + \
           '", "Effect": "Allow", "Action": "sagemaker:*", "Resource": "*", "Condition": {"StringEquals": ' \
           '{"aws:PrincipalTag/team": "' + "B" * 300 + '"}}}]}\n'
    (work / "long.json").write_text(text, encoding="utf-8")
    r = _run(["--format", "full", "--select", "SM101", "long.json"], work)
    src, caret = r.stdout.splitlines()[2:4]
    assert src.startswith("  1 | ...") and src.endswith("...") and len(src) < 200
    assert src[caret.index("^"):caret.index("^") + 13] == '"sagemaker:*"' and caret.count("^") == 13


def test_json_report_is_indented_json_with_suppressed_findings(work):
    (work / "t.yaml").write_text(
        "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n"
        "        Statement:\n          - Effect: Allow\n            Action: sagemaker:*  # lint-policies: "
        "ignore[SM101] -- sandbox\n            Resource: \"*\"\n", encoding="utf-8")
    r = _run(["--format", "json", "--show-suppressed", "--select", "SM101,SM201", "t.yaml"], work)
    doc = json.loads(r.stdout)
    assert [f["code"] for f in doc["findings"]] == ["SM201"]
    assert [(f["code"], f["reason"]) for f in doc["suppressed"]] == [("SM101", "sandbox")]
    assert r.stdout == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"  # streamed, byte for byte


def test_statistics(work):
    two = POLICY.replace('"Resource": "*"\n    }', '"Resource": "*"\n    },\n    {"Effect": "Allow", "Action": '
                                                    '"sagemaker:*", "Resource": "*"}')
    (work / "two.json").write_text(two, encoding="utf-8")
    r = _run(["--statistics", "--select", "SM101,SM201", "two.json", "policy.json"], work)
    assert r.returncode == 1
    assert r.stdout == ("3  SM101  sagemaker-service-wildcard (error)\n"
                        "3  SM201  sagemaker-resource-wildcard (error)\n"
                        "Found 6 findings (6 error, 0 warning, 0 note) in 2 of 2 files checked.\n")
    r = _run(["--statistics", "--select", "SM101", "ok.json"], work)
    assert (r.returncode, r.stdout) == (0, "No findings in 1 file checked.\n")
    r = _run(["--statistics", "--format", "json", "--select", "SM101,SM201", "two.json", "policy.json"], work)
    assert r.returncode == 1 and json.loads(r.stdout) == [
        {"code": "SM101", "name": "sagemaker-service-wildcard", "severity": "error", "count": 3},
        {"code": "SM201", "name": "sagemaker-resource-wildcard", "severity": "error", "count": 3}]
    r = _run(["--statistics", "--format", "sarif", "policy.json"], work)
    assert r.returncode == 2 and "--statistics prints text or JSON" in r.stderr


def test_stdin(work):
    r = _run(["--select", "SM101", "--stdin-filename", "infra/role.json", "-"], work, stdin=POLICY)
    assert r.returncode == 1
    assert r.stdout.startswith("infra/role.json:6:17: SM101 ")
    assert r.stdout.endswith("Found 1 finding (1 error, 0 warning, 0 note) in 1 of 1 file checked.\n")
    # the name chooses the format: the same text as YAML-in-a-template is not a policy file
    r = _run(["--format", "full", "--select", "SM101", "--stdin-filename", "p.json", "-"], work, stdin=POLICY)
    assert '  6 |       "Action": "sagemaker:*",' in r.stdout  # the line shown comes from stdin
    r = _run(["--select", "SM101", "-"], work, stdin=POLICY)
    assert r.returncode == 1 and r.stdout.startswith("stdin.json:6:17: SM101 ")


def test_stdin_usage_errors(work):
    r = _run(["-", "policy.json"], work, stdin=POLICY)
    assert r.returncode == 2 and "cannot be combined" in r.stderr
    r = _run(["--stdin-filename", "x.json", "policy.json"], work)
    assert r.returncode == 2 and "needs the path `-`" in r.stderr


def test_stdin_hcl(work):
    tf = ('resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    Version = "2012-10-17"\n'
          '    Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "*" }]\n  })\n}\n')
    r = _run(["--select", "SM101", "--stdin-filename", "main.tf", "-"], work, stdin=tf)
    assert r.returncode == 1 and r.stdout.startswith("main.tf:4:")
