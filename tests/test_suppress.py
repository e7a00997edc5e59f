"""Suppressions: comments (YAML, HCL), CloudFormation Metadata, Terraform JSON "//",
per-file-ignores, allow lists, LP100/LP101, --show-suppressed and SARIF.

Two layers: ``suppress.apply`` on a hand-made SourceFile and findings (no YAML/HCL
parser needed, so the comment scanner and the matching are tested on their own),
then whole runs through the engine and the CLI.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from linter import suppress
from linter.engine import Options, run
from linter.findings import Finding
from linter.located import Span
from linter.parsers.json_loc import parse_json
from linter.sources import BY_NAME, SourceFile, load

ALL = ["LP000", "LP001", "LP002", "LP100", "LP101", "SM101", "SM102", "SM201", "IAM301", "KEY401"]


def finding(code, line, col=1, path=(), value="", file="f"):
    return Finding(code, code.lower(), "error", f"{code} here", Span(line, col, line, col + 3), file=file,
                   logical_path=tuple(path), value=value)


def apply(text, name, findings, codes=ALL, kind=None, trees=None, blocks=(), **opts):
    if kind is None:
        kind = {"tf": "terraform", "yaml": "cloudformation", "json": "json"}[name.rsplit(".", 1)[-1]]
    syntax = {"tf": "own", "yaml": "yaml", "json": "json"}[name.rsplit(".", 1)[-1]]
    if trees is None and not blocks and kind != "json":
        # read as the linter reads the file: suppressions see what the parser saw
        src = load(name, name, text=text)
    else:
        src = SourceFile(path=name, abspath=name, text=text, kind=kind, trees=list(trees or []),
                         blocks=list(blocks), format=BY_NAME.get(kind), syntax=syntax)
    for f in findings:
        f.file = name
    return suppress.apply(src, findings, SimpleNamespace(codes=list(codes)), Options(**opts))


def codes_lines(fs):
    return sorted((f.code, f.span.line) for f in fs)


# ---------------------------------------------------------------------------
# YAML comments

CFN_YAML = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: all
          PolicyDocument:
            Statement:
              # lint-policies: ignore[SM201] -- the bucket list is not known before deploy
              - Effect: Allow
                Action: sagemaker:*
                Resource: "*"
              - Effect: Allow
                Action: sagemaker:*  # lint-policies: ignore[SM101] -- admin role, reviewed in SEC-12
                Resource: "*"
"""


def test_yaml_comment_above_statement_covers_the_statement():
    fs = [finding("SM101", 11, 25), finding("SM201", 12, 27), finding("SM101", 14, 25), finding("SM201", 15, 27)]
    kept, sup = apply(CFN_YAML, "t.yaml", fs)
    assert codes_lines(kept) == [("SM101", 11), ("SM201", 15)]
    assert codes_lines(sup) == [("SM101", 14), ("SM201", 12)]
    reasons = {f.span.line: f.suppressed_by for f in sup}
    assert reasons == {12: "the bucket list is not known before deploy", 14: "admin role, reviewed in SEC-12"}


def test_yaml_comment_above_a_line_covers_that_line_only():
    text = "a:\n  # lint-policies: ignore[SM101] -- ok\n  Action: sagemaker:*\n  Other: sagemaker:*\n"
    kept, sup = apply(text, "t.yaml", [finding("SM101", 3), finding("SM101", 4)])
    assert codes_lines(sup) == [("SM101", 3)]
    assert codes_lines(kept) == [("SM101", 4)]


def test_yaml_comment_above_resource_covers_the_resource():
    text = """\
Resources:
  # lint-policies: ignore[SM,IAM301] -- sandbox account, torn down nightly
  Sandbox:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: "*"
            Resource: "*"
  Prod:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: "*", Resource: "*"}
"""
    fs = [finding("SM101", 9), finding("IAM301", 9), finding("SM201", 10), finding("SM101", 16), finding("IAM301", 16)]
    kept, sup = apply(text, "t.yaml", fs)
    assert codes_lines(sup) == [("IAM301", 9), ("SM101", 9), ("SM201", 10)]
    assert codes_lines(kept) == [("IAM301", 16), ("SM101", 16)]


def test_yaml_compact_sequence_under_key_is_part_of_its_block():
    text = "Statement:\n# lint-policies: ignore[SM101] -- r\nAction:\n- sagemaker:*\n- iam:*\nNext: 1\n"
    kept, sup = apply(text, "t.yaml", [finding("SM101", 4), finding("SM101", 6)])
    assert codes_lines(sup) == [("SM101", 4)]
    assert codes_lines(kept) == [("SM101", 6)]


def test_hash_inside_yaml_strings_and_block_scalars_is_not_a_comment():
    text = """\
a: "# lint-policies: ignore[SM101] -- in a double-quoted string"
b: '# lint-policies: ignore[SM101] -- in a single-quoted string'
c: |
  # lint-policies: ignore[SM101] -- in a block scalar
d: x#lint-policies: ignore[SM101] -- no space before the hash
e: "multi
  # lint-policies: ignore[SM101] -- a quoted scalar over two lines"
f: sagemaker:*
"""
    fs = [finding("SM101", n) for n in range(1, 9)]
    kept, sup = apply(text, "t.yaml", fs)
    assert sup == []
    assert len(kept) == 8  # and no LP100 either: there is no suppression at all


def test_yaml_line_scanner_after_a_flow_sequence_and_a_block_scalar():
    """A file that does not parse is read by the line scanner: a closed flow sequence leaves the
    block structure as it was, and a block scalar ends at the first line indented no deeper than
    its key (not its list dash)."""
    flow = ('Statement:\n  - Action: [a]\n    Resource: "*"\n  # lint-policies: ignore[SM101] -- the statement below\n'
            '  - Effect: Allow\n    Action: sagemaker:*\n    Resource: "*"\nbad: a: b\n')
    kept, sup = apply(flow, "t.yaml", [finding("SM101", 6), finding("SM101", 2)])
    assert codes_lines(sup) == [("SM101", 6)] and codes_lines(kept) == [("SM101", 2)]
    block = ('Statement:\n  - key: |\n     text\n    Action: sagemaker:*  # lint-policies: ignore[SM101] -- line\n'
             '    Resource: "*"\nbad: a: b\n')
    kept, sup = apply(block, "t.yaml", [finding("SM101", 4)])
    assert codes_lines(sup) == [("SM101", 4)] and kept == []


def test_yaml_scanner_positions():
    scan = suppress.scan_yaml("k: 'it''s' # c1\nx: \"a\\\"#\" # c2\n# c3\n")
    assert [(c.line, c.col, c.text, c.own_line) for c in scan.comments] == [
        (1, 12, " c1", False), (2, 11, " c2", False), (3, 1, " c3", True)]


# ---------------------------------------------------------------------------
# HCL comments

TF = """\
data "aws_iam_policy_document" "ml" {
  # lint-policies: ignore[SM101] -- the platform team's admin role
  statement {
    actions   = ["sagemaker:*"]
    resources = ["*"]
  }
  statement {
    actions   = ["sagemaker:*"]
    resources = ["*"] // lint-policies: ignore[SM201] -- the models are created at run time
  }
}

resource "aws_iam_policy" "p" {
  name        = "a # not a comment ${var.x} // nor this"
  description = <<EOT
# lint-policies: ignore[SM101] -- inside a heredoc: not a comment
EOT
  policy = jsonencode({Statement = [{Effect = "Allow", Action = "sagemaker:*", Resource = "*"}]})
}
"""


def test_hcl_comment_above_block_and_end_of_line():
    fs = [finding("SM101", 4), finding("SM201", 5), finding("SM101", 8), finding("SM201", 9),
          finding("SM101", 18)]
    kept, sup = apply(TF, "main.tf", fs)
    assert codes_lines(sup) == [("SM101", 4), ("SM201", 9)]
    assert codes_lines(kept) == [("SM101", 8), ("SM101", 18), ("SM201", 5)]


def test_hcl_comment_above_resource_covers_heredoc():
    text = '# lint-policies: ignore[SM101] -- legacy\nresource "a" "b" {\n  policy = <<-EOT\n  {"Action": "*"}\n  EOT\n}\nx = 1\n'
    kept, sup = apply(text, "main.tf", [finding("SM101", 4), finding("SM101", 7)])
    assert codes_lines(sup) == [("SM101", 4)] and codes_lines(kept) == [("SM101", 7)]


def test_hcl_scanner_strings_interpolation_block_comments():
    text = 'a = "x # y ${f("#")} // z" # real\n/* lint-policies: ignore[SM1] -- c */\nb = 1\n'
    scan = suppress.scan_hcl(text)
    assert [(c.line, c.col, c.text.strip()) for c in scan.comments] == [
        (1, 28, "real"), (2, 1, "lint-policies: ignore[SM1] -- c")]
    kept, sup = apply(text, "main.tf", [finding("SM101", 3)])
    assert codes_lines(sup) == [("SM101", 3)]


def test_code_scanner_strings_comments_and_blocks():
    """The line scanner of program code (read when the parser's layout is not at hand)."""
    js = ('const a = f("x // not a comment", \'y\');  // one\n'
          '  /*/ two */\n'
          'const s = new iam.PolicyStatement({\n'
          '  actions: ["sagemaker:*"],\n'
          '});\n'
          'const t = `a ${g({b: 1})} // in a template`; // three\n'
          'x = 1;\n')
    scan = suppress.scan_code(js, "js")
    assert [(c.line, c.col, c.text, c.own_line) for c in scan.comments] == [
        (1, 42, " one", False), (2, 3, "/ two ", True), (6, 46, " three", False)]
    assert scan.blocks == {3: 5} and sorted(scan.code_lines) == [1, 3, 4, 5, 6, 7]
    py = 's = iam.PolicyStatement(\n    actions=["sagemaker:*"],\n    resources=["*"])  # one\nt = "a \\" # b"  # two\n'
    scan = suppress.scan_code(py, "python")
    assert [(c.line, c.col, c.text) for c in scan.comments] == [(3, 23, " one"), (4, 17, " two")]
    assert scan.blocks == {1: 3}


def test_directive_markers_without_a_space(tmp_path):
    """``#lint-policies:`` in YAML and a one-line ``/*lint-policies: ... */`` in HCL are directives;
    the reason is all the text up to the closing ``*/``."""
    yaml_text = ("Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n"
                 "        Statement:\n          - Effect: Allow\n"
                 "            Action: sagemaker:*  #lint-policies: ignore[SM101] -- sandbox account\n"
                 "            Resource: \"*\"\n")
    tf = ('resource "aws_iam_policy" "p" {\n  /*lint-policies: ignore[SM101] -- break-glass admin*/\n'
          '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "*" }] })\n}\n')
    (tmp_path / "t.yaml").write_text(yaml_text)
    (tmp_path / "main.tf").write_text(tf)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        res = run(["t.yaml", "main.tf"], Options(select=["SM101", "LP"]))
    finally:
        os.chdir(cwd)
    assert res.findings == []
    assert sorted((f.file, f.span.line, f.suppressed_by) for f in res.suppressed) == [
        ("main.tf", 3, "break-glass admin"), ("t.yaml", 8, "sandbox account")]


def test_directive_above_a_policy_read_from_another_file_covers_its_line_only(tmp_path, monkeypatch):
    """The statements of ``file("p.json")`` are on p.json's lines: they do not stretch a directive
    in main.tf over the lines below it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}, indent=2))
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_policy" "a" {\n  name = "a"\n  # lint-policies: ignore[SM101] -- policy a is reviewed\n'
        '  policy = file("${path.module}/p.json")\n}\nresource "aws_iam_policy" "b" {\n'
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "*" }] })\n}\n')
    res = run(["main.tf"], Options(select=["SM101", "LP100"]))
    assert res.suppressed == []
    assert [(f.file, f.code, f.span.line) for f in res.findings] == [("main.tf", "LP100", 3), ("main.tf", "SM101", 7)]


def test_ignore_file_in_the_first_lines():
    text = "# Copyright\n# lint-policies: ignore-file[KEY401] -- test fixtures with fake keys\nresource \"a\" \"b\" {}\n"
    text += "\n" * 30 + "x = 1\n"
    kept, sup = apply(text, "main.tf", [finding("KEY401", 3), finding("KEY401", 34), finding("SM101", 34)])
    assert codes_lines(sup) == [("KEY401", 3), ("KEY401", 34)]
    assert codes_lines(kept) == [("SM101", 34)]
    assert {f.suppressed_by for f in sup} == {"test fixtures with fake keys"}


def test_ignore_file_too_late_has_no_effect_and_is_reported():
    text = "x = 1\n" * 20 + "# lint-policies: ignore-file[SM101] -- late\n"
    kept, sup = apply(text, "main.tf", [finding("SM101", 1)])
    assert sup == []
    lp = [f for f in kept if f.code == "LP100"]
    assert len(lp) == 1 and lp[0].span.line == 21 and "first 10 lines" in lp[0].message


def test_codes_are_prefixes_and_case_insensitive():
    text = "x: 1  # lint-policies: ignore[sm] -- all SageMaker rules here\n"
    kept, sup = apply(text, "t.yaml", [finding("SM101", 1), finding("SM201", 1), finding("IAM301", 1)])
    assert codes_lines(sup) == [("SM101", 1), ("SM201", 1)]
    assert codes_lines(kept) == [("IAM301", 1)]


# ---------------------------------------------------------------------------
# LP100 / LP101

def test_lp101_suppression_without_reason_still_applies():
    text = "x: 1  # lint-policies: ignore[SM101]\n"
    kept, sup = apply(text, "t.yaml", [finding("SM101", 1)])
    assert codes_lines(sup) == [("SM101", 1)] and sup[0].suppressed_by == "(no reason given)"
    assert [(f.code, f.span) for f in kept] == [("LP101", Span(1, 7, 1, 37))]


def test_lp101_text_after_codes_is_not_a_reason():
    text = "x: 1  # lint-policies: ignore[SM101] because admin\n"
    kept, _ = apply(text, "t.yaml", [finding("SM101", 1)])
    assert [f.code for f in kept] == ["LP101"] and "--" in kept[0].message


def test_require_reason_false_turns_lp101_off():
    text = "x: 1  # lint-policies: ignore[SM101]\n"
    kept, sup = apply(text, "t.yaml", [finding("SM101", 1)], require_reason=False)
    assert kept == [] and len(sup) == 1


def test_lp101_only_when_selected():
    text = "x: 1  # lint-policies: ignore[SM101]\n"
    kept, sup = apply(text, "t.yaml", [finding("SM101", 1)], codes=["SM101", "LP100"])
    assert kept == [] and len(sup) == 1


def test_lp100_unused_suppression():
    text = "a: 1  # lint-policies: ignore[SM101,SM201] -- why\nb: 2\n"
    kept, sup = apply(text, "t.yaml", [finding("SM101", 1), finding("SM201", 2)])
    assert codes_lines(sup) == [("SM101", 1)]
    lp = [f for f in kept if f.code == "LP100"]
    assert len(lp) == 1 and lp[0].span == Span(1, 7, 1, 50)
    assert "SM201" in lp[0].message and "SM101" not in lp[0].message


def test_lp100_only_for_codes_that_ran():
    text = "a: 1  # lint-policies: ignore[SM201] -- why\n"
    kept, _ = apply(text, "t.yaml", [], codes=["SM101", "LP100", "LP101"])  # SM201 not selected
    assert kept == []
    kept, _ = apply(text, "t.yaml", [], codes=["SM101", "SM201", "LP101"])  # LP100 not selected
    assert kept == []
    kept, _ = apply(text, "t.yaml", [], per_file_ignores={"*.yaml": ["SM2"]})  # switched off for the file
    assert kept == []


def test_lp100_unknown_code_and_malformed():
    text = "a: 1  # lint-policies: ignore[XYZ999] -- typo\nb: 2  # lint-policies: ignore -- no codes\n"
    kept, _ = apply(text, "t.yaml", [])
    msgs = {f.span.line: f.message for f in kept if f.code == "LP100"}
    assert "unknown rule code XYZ999" in msgs[1]
    assert "without codes" in msgs[2]


def test_lp100_itself_can_be_suppressed_by_the_same_directive():
    text = "a: 1  # lint-policies: ignore[SM101,LP100] -- kept while the policy is rewritten\n"
    kept, sup = apply(text, "t.yaml", [])
    assert kept == [] and [f.code for f in sup] == ["LP100"]


def test_lp_fingerprints_do_not_depend_on_lines():
    text = "a: 1  # lint-policies: ignore[SM101]\n"
    k1, _ = apply(text, "t.yaml", [])
    k2, _ = apply("\n\n" + text, "t.yaml", [])
    assert [f.fingerprint for f in k1] == [f.fingerprint for f in k2]
    assert k1[0].span.line != k2[0].span.line


# ---------------------------------------------------------------------------
# CloudFormation Metadata

CFN_JSON = """{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Metadata": {"lint-policies": {"ignore": [{"id": "SM104", "reason": "new actions not in the table yet"}]}},
  "Resources": {
    "Admin": {
      "Type": "AWS::IAM::ManagedPolicy",
      "Metadata": {"lint-policies": {"ignore": [{"id": "SM101", "reason": "break-glass admin"}, {"id": "IAM301"}]}},
      "Properties": {"PolicyDocument": {"Statement": [
        {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}}
    },
    "Other": {
      "Type": "AWS::IAM::ManagedPolicy",
      "Properties": {"PolicyDocument": {"Statement": [
        {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}}
    }
  }
}
"""


def test_cloudformation_metadata_resource_and_template_level():
    tree = parse_json(CFN_JSON)
    ap = ("Resources", "Admin", "Properties", "PolicyDocument", "Statement", 0, "Action")
    op = ("Resources", "Other", "Properties", "PolicyDocument", "Statement", 0, "Action")
    fs = [finding("SM101", 9, 40, ap), finding("SM104", 9, 40, ap), finding("SM101", 14, 40, op),
          finding("SM104", 14, 40, op),
          # no logical path: matched by position inside the resource
          finding("SM101", 8, 10)]
    kept, sup = apply(CFN_JSON, "t.json", fs, kind="cloudformation", trees=[tree])
    assert codes_lines(sup) == [("SM101", 8), ("SM101", 9), ("SM104", 9), ("SM104", 14)]
    assert {f.span.line: f.suppressed_by for f in sup if f.code == "SM101"} == {8: "break-glass admin",
                                                                                 9: "break-glass admin"}
    # IAM301 entry: no reason (LP101) and nothing matched (LP100), both at the entry
    lp = sorted((f.code, f.span.line) for f in kept if f.code.startswith("LP"))
    assert lp == [("LP100", 7), ("LP101", 7)]
    assert ("SM101", 14) in codes_lines(kept)


def test_cloudformation_metadata_malformed_is_lp100():
    text = '{"Resources": {"R": {"Type": "AWS::IAM::Role", "Metadata": {"lint-policies": {"ignore": "SM101"}}}}}'
    kept, _ = apply(text, "t.json", [], kind="cloudformation", trees=[parse_json(text)])
    assert [f.code for f in kept] == ["LP100"] and "ignore is not a list" in kept[0].message


# ---------------------------------------------------------------------------
# Terraform JSON "//"

TF_JSON = """{
  "resource": {
    "aws_iam_policy": {
      "admin": {
        "//": "lint-policies: ignore[SM101] -- break-glass admin",
        "name": "admin",
        "policy": "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"sagemaker:*\\", \\"Resource\\": \\"*\\"}]}"
      },
      "other": {
        "name": "other",
        "policy": "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"sagemaker:*\\", \\"Resource\\": \\"*\\"}]}"
      }
    }
  }
}
"""


def test_terraform_json_comment_property():
    fs = [finding("SM101", 7, 19), finding("SM101", 11, 19)]
    kept, sup = apply(TF_JSON, "main.tf.json", fs, kind="terraform-json", trees=[parse_json(TF_JSON)])
    assert codes_lines(sup) == [("SM101", 7)] and sup[0].suppressed_by == "break-glass admin"
    assert codes_lines(kept) == [("SM101", 11)]


def test_terraform_json_root_comment_covers_file():
    text = '{"//": "lint-policies: ignore-file[KEY401] -- fixtures", "locals": {"a": 1}}'
    kept, sup = apply(text, "main.tf.json", [finding("KEY401", 1, 60)], kind="terraform-json",
                      trees=[parse_json(text)])
    assert kept == [] and len(sup) == 1


# ---------------------------------------------------------------------------
# per-file-ignores and allow lists (whole runs)

POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}\n'


@pytest.mark.parametrize("pattern,hit", [
    ("policies/admin/*.json", True),
    ("**/admin/*.json", True),
    ("**/policies/**/*.json", True),
    ("policies/", True),
    ("*.json", True),
    ("admin.json", True),
    ("other/*.json", False),
    ("**/ops/*.json", False),
])
def test_per_file_ignores_globs(tmp_path, monkeypatch, pattern, hit):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policies" / "admin").mkdir(parents=True)
    (tmp_path / "policies" / "admin" / "admin.json").write_text(POLICY)
    res = run(["policies"], Options(select=["SM101", "SM201"], per_file_ignores={pattern: ["SM1"]}))
    assert sorted(f.code for f in res.findings) == (["SM201"] if hit else ["SM101", "SM201"])
    assert res.suppressed == []  # dropped, not suppressed


def test_per_file_ignores_relative_to_config_dir(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "p.json").write_text(POLICY)
    monkeypatch.chdir(tmp_path / "sub")
    opts = Options(select=["SM101"], per_file_ignores={"sub/p.json": ["SM101"]})
    assert [f.code for f in run(["p.json"], opts).findings] == ["SM101"]
    opts.config_dir = str(tmp_path)  # what the configuration loader may set
    assert run(["p.json"], opts).findings == []


def test_key_allow_list_by_fingerprint_or_hash(tmp_path, monkeypatch):
    from keygen import key_id

    monkeypatch.chdir(tmp_path)
    (tmp_path / "fixture.json").write_text(json.dumps({"AccessKeyId": key_id("allow-test")}) + "\n")
    found = run(["fixture.json"], Options(select=["KEY401"])).findings
    assert [f.code for f in found] == ["KEY401"]
    fp, hashed = found[0].fingerprint, found[0].value
    for allowed in (fp, hashed):
        res = run(["fixture.json"], Options(select=["KEY401"], rule_options={"KEY401": {"allow": [allowed]}}))
        assert res.findings == [] and res.suppressed == []


# ---------------------------------------------------------------------------
# Whole runs on YAML / HCL / CloudFormation (need the colleagues' parsers)

def _need(module):
    import importlib

    try:
        importlib.import_module(module)
    except ImportError:
        pytest.skip(f"{module} is not available yet")


def _cli(*args, cwd):
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=env)


def test_run_yaml_cloudformation(tmp_path, monkeypatch):
    _need("linter.sources.cloudformation")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(CFN_YAML)
    res = run(["t.yaml"], Options(select=["SM101", "SM201", "LP"]))
    assert ("SM101", 11) in codes_lines(res.findings)
    assert ("SM201", 12) in codes_lines(res.suppressed)
    assert ("SM101", 14) in codes_lines(res.suppressed)
    assert not [f for f in res.findings if f.code.startswith("LP")]


def test_run_terraform_hcl(tmp_path, monkeypatch):
    _need("linter.sources.terraform")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(TF)
    res = run(["main.tf"], Options(select=["SM101", "SM201", "LP"]))
    assert codes_lines(res.suppressed) == [("SM101", 4), ("SM201", 9)]
    found = codes_lines(res.findings)
    assert ("SM101", 8) in found and ("SM101", 18) in found and ("SM201", 5) in found
    assert not [f for f in res.findings if f.code.startswith("LP")]


def test_run_cloudformation_json_metadata(tmp_path, monkeypatch):
    _need("linter.sources.cloudformation")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.json").write_text(CFN_JSON)
    res = run(["t.json"], Options(select=["SM101", "LP"]))
    assert [f.span.line for f in res.findings if f.code == "SM101"] == [14]
    assert [f.span.line for f in res.suppressed if f.code == "SM101"] == [9]


@pytest.fixture
def suppressed_repo(tmp_path):
    _need("linter.sources.cloudformation")
    (tmp_path / "t.yaml").write_text(CFN_YAML)
    return tmp_path


def test_show_suppressed_text_and_json(suppressed_repo):
    r = _cli("--select", "SM101,SM201", "t.yaml", cwd=suppressed_repo)
    assert "suppressed" not in r.stdout
    r = _cli("--select", "SM101,SM201", "--show-suppressed", "t.yaml", cwd=suppressed_repo)
    assert "t.yaml:14:" in r.stdout and "[suppressed: admin role, reviewed in SEC-12] " in r.stdout
    assert "[suppressed: the bucket list is not known before deploy]" in r.stdout
    r = _cli("--select", "SM101,SM201", "--show-suppressed", "--format", "json", "t.yaml", cwd=suppressed_repo)
    data = json.loads(r.stdout)
    assert {s["reason"] for s in data["suppressed"]} == {"admin role, reviewed in SEC-12",
                                                         "the bucket list is not known before deploy"}


def test_suppressed_findings_never_in_sarif(suppressed_repo):
    r = _cli("--select", "SM101,SM201", "--show-suppressed", "--format", "sarif", "t.yaml", cwd=suppressed_repo)
    results = json.loads(r.stdout)["runs"][0]["results"]
    lines = sorted((x["ruleId"], x["locations"][0]["physicalLocation"]["region"]["startLine"]) for x in results)
    assert ("SM101", 14) not in lines and ("SM201", 12) not in lines
    assert ("SM101", 11) in lines


def test_run_yaml_template_metadata_and_resource_metadata(tmp_path, monkeypatch):
    _need("linter.sources.cloudformation")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sam.yaml").write_text("""\
Transform: AWS::Serverless-2016-10-31
Metadata:
  lint-policies:
    ignore:
      - id: SM2
        reason: resources are created per run
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Metadata:
      lint-policies:
        ignore: [{id: SM101, reason: the function manages every SageMaker resource}]
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Policies:
        - Statement:
            - Effect: Allow
              Action: sagemaker:*
              Resource: "*"
  Other:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: sagemaker:*
            Resource: "*"
""")
    res = run(["sam.yaml"], Options(select=["SM101", "SM201", "LP"]))
    assert codes_lines(res.findings) == [("SM101", 27)]
    assert codes_lines(res.suppressed) == [("SM101", 19), ("SM201", 20), ("SM201", 28)]
    assert {f.span.line: f.suppressed_by for f in res.suppressed} == {
        19: "the function manages every SageMaker resource", 20: "resources are created per run",
        28: "resources are created per run"}


def test_crlf_and_bom(tmp_path, monkeypatch):
    _need("linter.sources.cloudformation")
    monkeypatch.chdir(tmp_path)
    text = CFN_YAML.replace("\n", "\r\n")
    (tmp_path / "t.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode())
    res = run(["t.yaml"], Options(select=["SM101", "SM201", "LP"]))
    assert codes_lines(res.suppressed) == [("SM101", 14), ("SM201", 12)]
    assert not [f for f in res.findings if f.code.startswith("LP")]


# ---------------------------------------------------------------------------
# The scanners never fail, whatever the text

from hypothesis import given, settings, strategies as st  # noqa: E402

_PIECES = st.sampled_from([
    "# lint-policies: ignore[SM101] -- r", "# lint-policies: ignore-file[KEY] -- r", "// lint-policies: ignore[SM]",
    "/* lint-policies: ignore[SM1] */", "/*", "*/", "#", '"', "'", "''", "\\", "${", "}", "{", "[", "]", "(", ")",
    "<<EOF", "<<-EOT", "EOF", "EOT", "|", ">-", "- ", "key:", "  ", "\t", "\n", "\r\n", "a", ":", ",", "lint-policies:",
    "ignore[", "$${", "%{", "?", "!Ref", "&a", "*a",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=60).map("".join), st.sampled_from(["t.yaml", "main.tf"]))
def test_scanners_never_raise(text, name):
    text = "lint-policies\n" + text
    fs = [finding("SM101", n) for n in range(1, text.count("\n") + 3)]
    kept, sup = apply(text, name, fs)
    assert len([f for f in kept if not f.code.startswith("LP")]) + len([f for f in sup if not f.code.startswith("LP")]) == len(fs)
    scan = suppress.scan_yaml(text) if name.endswith(".yaml") else suppress.scan_hcl(text)
    nlines = text.count("\n") + 1
    for start, end in scan.blocks.items():
        assert 1 <= start <= end <= nlines


def test_a_comment_that_merely_mentions_the_tool_is_not_a_directive():
    text = "a: 1  # checked by lint-policies: see the README\nb: 2  # lint-policies: disable[SM101]\n"
    kept, _ = apply(text, "t.yaml", [])
    assert [(f.code, f.span.line) for f in kept] == [("LP100", 2)]
    assert "malformed suppression" in kept[0].message


def test_hcl_directives_inside_an_expression_read_from_the_parse(tmp_path):
    """A comment inside jsonencode()'s statement list, on its own line, covers the statement
    object below it (all its lines); a block comment over several lines is one directive."""
    (tmp_path / "main.tf").write_text('''resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Statement = [
      # lint-policies: ignore[SM201] -- the endpoints are named at deploy time
      {
        Effect   = "Allow"
        Action   = ["sagemaker:InvokeEndpoint"]
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = ["sagemaker:DescribeEndpoint"]
        Resource = "*"
      },
      /* lint-policies: ignore[SM201]
         -- read-only, reviewed */
      {Effect = "Allow", Action = "sagemaker:ListTags", Resource = "*"},
    ]
  })
}
''', encoding="utf-8")
    res = run([str(tmp_path / "main.tf")], Options(select=["SM201", "LP100"]))
    assert [(f.code, f.span.line) for f in res.findings] == [("SM201", 14)]
    assert sorted((f.code, f.span.line, f.suppressed_by) for f in res.suppressed) == [
        ("SM201", 9, "the endpoints are named at deploy time"), ("SM201", 18, "read-only, reviewed")]


def test_yaml_key_with_its_list_below_is_one_block_from_the_parse(tmp_path):
    """A directive above ``Resource:`` covers the list written under it, not the next statement."""
    (tmp_path / "policy.yaml").write_text('''AWSTemplateFormatVersion: "2010-09-09"
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: sagemaker:InvokeEndpoint
            # lint-policies: ignore[SM201] -- named at deploy time
            Resource:
              - "*"
          - Effect: Allow
            Action: sagemaker:DescribeEndpoint
            Resource:
              - "*"
''', encoding="utf-8")
    res = run([str(tmp_path / "policy.yaml")], Options(select=["SM201", "LP100"]))
    assert [(f.code, f.span.line) for f in res.findings] == [("SM201", 16)]
    assert [(f.code, f.span.line) for f in res.suppressed] == [("SM201", 12)]
