"""Property-based tests (hypothesis): whatever a file holds, the linter answers.

* Any JSON value as a policy document, as the statements of a valid document, or
  in the places the AWS CLI shapes, CloudFormation templates and Terraform put a
  policy: :func:`linter.engine.run` returns findings (LP001/LP002 included) and
  never raises, never reports LP000 (a rule that crashed), never points outside
  the file.
* The parsers (JSON, YAML, HCL) raise nothing but :class:`~linter.located.ParseError`
  on any text, and the JSON parser returns exactly what ``json.loads`` returns.
"""
import json
import os
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from linter import engine
from linter.located import LDict, LList, LScalar, ParseError

SETTINGS = settings(max_examples=150, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ---------------------------------------------------------------------------
# Strategies

scalars = (st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20))
json_values = st.recursive(scalars, lambda c: st.lists(c, max_size=5) | st.dictionaries(st.text(max_size=10), c, max_size=5),
                           max_leaves=25)

IAM_KEYS = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal",
            "Condition"]
IAM_WORDS = ["*", "sagemaker:*", "SageMaker:*", "sagemaker:Create*", "sagemaker:*Notebook*", "sagemaker:Describe?",
             "sagemaker:CreateTrainingJob", "sagemaker:ListModels", "sagemaker:NoSuchAction", "iam:PassRole", "iam:*",
             "iam:Pass*", "*:*", "s3:GetObject", "Allow", "Deny", "allow", "arn:aws:sagemaker:*:*:*",
             "arn:aws:sagemaker:us-east-1:111122223333:training-job/x-*", "arn:aws:iam::*:role/*",
             "arn:${aws:partition}:sagemaker:${aws:region}::model/${aws:username}", "arn:aws:iam::111122223333:root",
             "sagemaker.amazonaws.com", "StringEquals", "StringLike", "Bool", "Null", "ForAllValues:StringLike",
             "iam:PassedToService", "sagemaker:VolumeKmsKey", "sagemaker:NoSuchKey", "aws:SourceAccount", "AWS",
             "Service", "Federated", "CanonicalUser", "2012-10-17", "2008-10-17", "", "${", "}", "arn:", ":::"]
iam_scalars = scalars | st.sampled_from(IAM_WORDS)
iam_keys = st.sampled_from(IAM_KEYS + IAM_WORDS) | st.text(max_size=8)
iam_values = st.recursive(iam_scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(iam_keys, c, max_size=4),
                          max_leaves=20)
statements = st.dictionaries(st.sampled_from(IAM_KEYS) | st.text(max_size=6), iam_values, max_size=7)
documents = st.fixed_dictionaries({"Version": st.sampled_from(["2012-10-17", "2008-10-17"]) | iam_scalars,
                                   "Statement": st.lists(statements, max_size=4) | statements | iam_values})


# ---------------------------------------------------------------------------
# Running the engine on one file


@pytest.fixture(scope="module")
def workdir():
    d = tempfile.mkdtemp(prefix="lint-policies-property-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def lint_text(workdir, name, text):
    """Lint one file; assert the invariants every run must keep; return the findings."""
    path = os.path.join(workdir, name)
    with open(path, "w", encoding="utf-8", errors="surrogatepass") as fh:
        fh.write(text)
    try:
        res = engine.run([path], engine.Options(jobs=1, root=workdir))
    finally:
        os.unlink(path)
    lines = text.split("\n")
    for f in res.findings:
        assert f.code != "LP000", f.message
        assert 1 <= f.span.line <= len(lines) + 1 and f.span.col >= 1, (f.code, f.span, f.message)
        assert (f.span.end_line, f.span.end_col) >= (f.span.line, f.span.col), (f.code, f.span)
    return res.findings


def dumps(value, ascii_only):
    return json.dumps(value, indent=2, ensure_ascii=ascii_only)


def encodable(text):
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:  # lone surrogates: only reachable through \\u escapes
        return False


# ---------------------------------------------------------------------------
# Policy JSON and the AWS CLI shapes


@SETTINGS
@given(value=json_values, ascii_only=st.booleans())
def test_any_json_value_as_a_document(workdir, value, ascii_only):
    text = dumps(value, ascii_only)
    assume(encodable(text))
    lint_text(workdir, "policy.json", text)


@SETTINGS
@given(value=json_values | iam_values, extra=st.dictionaries(st.text(max_size=8), json_values, max_size=3))
def test_any_json_value_as_statement(workdir, value, extra):
    doc = dict(extra, Version="2012-10-17", Statement=value)
    findings = lint_text(workdir, "policy.json", dumps(doc, True))
    assert "LP001" not in {f.code for f in findings}


@SETTINGS
@given(sts=st.lists(json_values | statements, min_size=1, max_size=4))
def test_any_json_values_as_statements_of_a_valid_document(workdir, sts):
    doc = {"Version": "2012-10-17", "Statement": sts}
    findings = lint_text(workdir, "policy.json", dumps(doc, True))
    assert "LP001" not in {f.code for f in findings}


@SETTINGS
@given(doc=documents)
def test_iam_shaped_documents(workdir, doc):
    findings = lint_text(workdir, "policy.json", dumps(doc, True))
    assert "LP001" not in {f.code for f in findings}


@SETTINGS
@given(doc=documents | json_values, shape=st.sampled_from(["version", "role", "role-encoded", "details"]))
def test_aws_cli_shapes(workdir, doc, shape):
    from urllib.parse import quote

    if shape == "version":
        value = {"PolicyVersion": {"Document": doc, "VersionId": "v1", "IsDefaultVersion": True}}
    elif shape == "role":
        value = {"RoleName": "r", "PolicyName": "p", "PolicyDocument": doc}
    elif shape == "role-encoded":
        value = {"RoleName": "r", "PolicyName": "p", "PolicyDocument": quote(json.dumps(doc))}
    else:
        value = {"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r",
                                     "AssumeRolePolicyDocument": doc,
                                     "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": doc}]}],
                 "UserDetailList": [], "GroupDetailList": [],
                 "Policies": [{"PolicyName": "m", "Arn": "arn:aws:iam::111122223333:policy/m",
                               "DefaultVersionId": "v1",
                               "PolicyVersionList": [{"Document": doc, "VersionId": "v1", "IsDefaultVersion": True}]}]}
    lint_text(workdir, "details.json", dumps(value, True))


# ---------------------------------------------------------------------------
# Templates and Terraform


@SETTINGS
@given(doc=documents | json_values, as_yaml=st.booleans(),
       rtype=st.sampled_from(["AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::ManagedPolicy",
                              "AWS::Serverless::Function"]))
def test_templates(workdir, doc, as_yaml, rtype):
    if rtype == "AWS::IAM::Role":
        props = {"AssumeRolePolicyDocument": doc, "Policies": [{"PolicyName": "p", "PolicyDocument": doc}]}
    elif rtype == "AWS::Serverless::Function":
        props = {"Policies": [doc, "AmazonSageMakerReadOnly"]}
    else:
        props = {"PolicyDocument": doc}
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"R": {"Type": rtype, "Properties": props}}}
    # JSON is YAML: the same text through the YAML path.
    lint_text(workdir, "template.yaml" if as_yaml else "template.json", dumps(template, True))


def hcl(value, indent=0):
    """A JSON value as an HCL expression (every string a quoted template, ``${`` escaped)."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = "\n".join(f"{pad}  {json.dumps(k)} = {hcl(v, indent + 1)}" for k, v in value.items())
        return "{\n" + items + f"\n{pad}}}"
    if isinstance(value, list):
        return "[" + ", ".join(hcl(v, indent + 1) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value).replace("${", "$${").replace("%{", "%%{")
    return json.dumps(value)


@SETTINGS
@given(doc=documents | json_values, form=st.sampled_from(["jsonencode", "heredoc", "string"]))
def test_terraform(workdir, doc, form):
    if form == "jsonencode":
        expr = f"jsonencode({hcl(doc, 1)})"
    elif form == "heredoc":
        body = dumps(doc, True).replace("${", "$${").replace("%{", "%%{")
        expr = "<<-EOT\n" + body + "\n  EOT"
    else:
        expr = json.dumps(json.dumps(doc)).replace("${", "$${").replace("%{", "%%{")
    text = f'resource "aws_iam_policy" "p" {{\n  name   = "p"\n  policy = {expr}\n}}\n'
    lint_text(workdir, "main.tf", text)


# ---------------------------------------------------------------------------
# Parsers on any text

json_like_text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet='{}[]:,"\\ \n\t0123456789.eE+-truefalsnl\u00e9\ufeff', max_size=120),
    st.builds(lambda v, cut, junk: dumps(v, True)[:cut] + junk, json_values, st.integers(0, 400),
              st.text(alphabet='{}[],:"\\', max_size=3)),
)
yaml_like_text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet="abc:-?&*!|>'\"{}[],# \n\t0123%@`~", max_size=150),
    st.builds(lambda v, cut: dumps(v, True)[:cut], json_values, st.integers(0, 400)),
)
hcl_like_text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet='abc={}[]()"$%<-EOT\n .,:?*#/\\0123', max_size=150),
    st.builds(lambda v, cut: f'resource "x" "y" {{\n  a = {hcl(v)}\n}}\n'[:cut], json_values, st.integers(0, 400)),
)


def plain(node):
    if isinstance(node, LDict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, LList):
        return [plain(v) for v in node]
    if isinstance(node, LScalar):
        return node.value
    if isinstance(node, str):
        return str(node)
    return node


@SETTINGS
@given(text=json_like_text)
def test_json_parser_raises_only_parse_error_and_agrees_with_json_loads(text):
    from linter.parsers.json_loc import parse_json

    try:
        expected = json.loads(text.lstrip("\ufeff") if text.startswith("\ufeff") else text)
        ok = True
    except (ValueError, RecursionError):
        ok = False
    try:
        got = parse_json(text)
    except ParseError:
        got = ParseError
    if got is not ParseError:
        assert ok, f"parse_json accepted what json.loads rejects: {text!r}"
        assert plain(got) == expected
    elif ok:
        # The documented differences: NaN/Infinity and nesting over MAX_DEPTH are refused.
        assert any(w in text for w in ("NaN", "Infinity")) or text.count("[") + text.count("{") > 500, text


@SETTINGS
@given(text=yaml_like_text)
def test_yaml_parser_raises_only_parse_error(text):
    from linter.parsers.yaml_loc import parse_yaml_stream

    try:
        parse_yaml_stream(text)
    except ParseError:
        pass


@SETTINGS
@given(text=hcl_like_text)
def test_hcl_parser_raises_only_parse_error(text):
    from linter.parsers import hcl as hcl_parser

    try:
        doc = hcl_parser.parse(text)
        hcl_parser.to_tree(doc)
    except ParseError:
        pass


@SETTINGS
@given(text=st.text(max_size=300), name=st.sampled_from(["a.json", "a.yaml", "a.tf", "a.template", "a.tfvars",
                                                          "a.tf.json"]))
def test_any_text_in_any_kind_of_file(workdir, text, name):
    assume(encodable(text))
    lint_text(workdir, name, text)
