"""Format equivalence (metamorphic properties, with hypothesis).

A generated identity policy is written in every form a user may keep it in: policy JSON,
a CloudFormation template (YAML and JSON), Terraform ``jsonencode()``, a Terraform heredoc, an
``aws_iam_policy_document`` data source, a Terraform plan, and a Serverless service. Every
form must give

* the same findings: the same codes, each pointing at the same element of the policy (the
  statement it is in, and the text under the finding's position: the same action, resource,
  key or operator); a divergence is a bug of one format's reader;
* the same documents: the policy is found, once, with the statement count the standalone
  policy has, and the codes the standalone policy gets.

The number of examples is bounded so that the module runs in CI in a few seconds.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from linter import engine
from linter.sources import load

EXAMPLES = int(os.environ.get("LINT_POLICIES_PROPERTY_EXAMPLES", "25"))
#: One seed for every property: the two properties of a role draw the same policies, linted once.
SEED = 20260421
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])

# ---------------------------------------------------------------------------
# Generated policies: a vocabulary that reaches most rules (grants, validity, conditions)

ACTIONS = ["sagemaker:*", "sagemaker:CreateTrainingJob", "sagemaker:Describe*", "sagemaker:ListModels",
           "sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker:CreateTrainingJobb", "SageMaker:createmodel",
           "sagemaker:Create*", "iam:PassRole", "iam:*", "s3:GetObject", "s3:*", "kms:Decrypt", "*",
           "sts:AssumeRole", "sagemaker:UpdateEndpoint"]
RESOURCES = ["*", "arn:aws:sagemaker:*:*:*", "arn:aws:sagemaker:us-east-1:123456789012:training-job/ml-*",
             "arn:aws:sagemaker:us-east-1:123456789012:model/churn", "arn:aws:sagemaker:*::*",
             "arn:aws:sagemaker:*:*:*-team-a", "arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/sm-exec",
             "arn:aws:iam:us-east-1:*:role/*", "arn:aws:s3:::ml-data/*", "arn:aws:s3:::123456789012:ml-data",
             "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
OPERATORS = ["StringEquals", "StringLike", "StringNotEquals", "ArnLike", "Bool", "Null",
             "ForAllValues:StringEquals", "ForAnyValue:StringLike", "StringEqualsIfExists", "NumericLessThan"]
KEYS = ["iam:PassedToService", "sagemaker:VolumeKmsKey", "aws:ResourceTag/team", "sagemaker:InstanceTypes",
        "aws:SecureTransport", "aws:RequestedRegion", "aws:PrincipalTag/team", "sagemaker:NoSuchKey",
        "aws:SourceAccount", "sagemaker:NetworkIsolation"]
VALUES = ["sagemaker.amazonaws.com", "a*", "true", "ml.m5.large", "us-east-1", "123456789012", "*",
          "arn:aws:kms:us-east-1:123456789012:key/abc", "5"]


def _one_or_list(items):
    return st.one_of(st.sampled_from(items), st.lists(st.sampled_from(items), min_size=1, max_size=3))


@st.composite
def statements(draw, sid):
    s = {}
    if sid is not None:
        s["Sid"] = sid
    s["Effect"] = draw(st.sampled_from(["Allow", "Allow", "Deny"]))
    s[draw(st.sampled_from(["Action", "Action", "Action", "NotAction"]))] = draw(_one_or_list(ACTIONS))
    s[draw(st.sampled_from(["Resource", "Resource", "Resource", "NotResource"]))] = draw(_one_or_list(RESOURCES))
    ops = draw(st.lists(st.sampled_from(OPERATORS), max_size=2, unique=True))
    if ops:
        s["Condition"] = {op: {k: draw(_one_or_list(VALUES))
                               for k in draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=2, unique=True))}
                          for op in ops}
    return s


@st.composite
def policies(draw):
    n = draw(st.integers(min_value=1, max_value=3))
    sids = draw(st.booleans())
    return {"Version": "2012-10-17", "Statement": [draw(statements(f"S{i}" if sids else None)) for i in range(n)]}


GITHUB = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
PRINCIPALS = [("AWS", "*"), ("AWS", "arn:aws:iam::123456789012:root"), ("AWS", "444455556666"),
              ("AWS", "arn:aws:iam::123456789012:role/ci"), ("Service", "sagemaker.amazonaws.com"),
              ("Service", "lambda.amazonaws.com"), ("Federated", GITHUB),
              ("Federated", "cognito-identity.amazonaws.com"),
              ("Federated", "arn:aws:iam::123456789012:saml-provider/Okta")]
ASSUME = ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML", "sts:AssumeRole*"]
TRUST_KEYS = ["aws:PrincipalOrgID", "aws:SourceAccount", "aws:PrincipalAccount", "aws:SourceArn",
              "token.actions.githubusercontent.com:sub", "token.actions.githubusercontent.com:aud",
              "cognito-identity.amazonaws.com:aud", "SAML:aud", "sts:ExternalId", "aws:PrincipalArn"]
TRUST_OPERATORS = ["StringEquals", "StringLike", "StringNotEquals", "ForAllValues:StringEquals",
                   "ForAnyValue:StringLike", "StringEqualsIfExists", "ArnLike"]
TRUST_VALUES = ["o-a1b2c3d4e5", "123456789012", "*", "repo:my-org/ml:*", "repo:*", "?epo:x/y:*",
                "sts.amazonaws.com", "https://signin.aws.amazon.com/saml", "us-east-1:1234",
                "arn:aws:sagemaker:us-east-1:123456789012:endpoint/x"]


@st.composite
def trust_statements(draw):
    s = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Allow", "Deny"]))}
    picked = draw(st.lists(st.sampled_from(PRINCIPALS), min_size=1, max_size=3, unique=True))
    principal: dict = {}
    for kind, value in picked:
        principal.setdefault(kind, []).append(value)
    s["Principal"] = {k: v[0] if len(v) == 1 and draw(st.booleans()) else v for k, v in principal.items()}
    # An assume action first: how a policy on its own is known to be a trust policy.
    s["Action"] = [draw(st.sampled_from(ASSUME))] + draw(st.lists(st.sampled_from(ASSUME + ["sts:TagSession"]),
                                                                    max_size=2, unique=True))
    ops = draw(st.lists(st.sampled_from(TRUST_OPERATORS), max_size=2, unique=True))
    if ops:
        s["Condition"] = {op: {k: draw(_one_or_list(TRUST_VALUES))
                               for k in draw(st.lists(st.sampled_from(TRUST_KEYS), min_size=1, max_size=2,
                                                      unique=True))}
                          for op in ops}
    return s


@st.composite
def trust_policies(draw):
    return {"Version": "2012-10-17",
            "Statement": draw(st.lists(trust_statements(), min_size=1, max_size=2))}


# ---------------------------------------------------------------------------
# The forms

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _yaml(v, indent: int) -> str:
    """Block-style YAML; strings double-quoted (JSON escapes are YAML escapes)."""
    pad = " " * indent
    if isinstance(v, dict):
        out = ""
        for k, x in v.items():
            if isinstance(x, (dict, list)) and x:
                out += f"{pad}{json.dumps(k)}:\n" + _yaml(x, indent + 2)
            else:
                out += f"{pad}{json.dumps(k)}: {json.dumps(x)}\n"
        return out
    out = ""
    for x in v:
        if isinstance(x, (dict, list)) and x:
            out += f"{pad}- " + _yaml(x, indent + 2)[indent + 2:]
        else:
            out += f"{pad}- {json.dumps(x)}\n"
    return out


def _hcl(v, indent: int) -> str:
    """An HCL expression (what jsonencode() is given): identifier keys unquoted."""
    if isinstance(v, dict):
        pad = " " * (indent + 2)
        items = "".join(f"{pad}{k if IDENT.match(k) else json.dumps(k)} = {_hcl(x, indent + 2)}\n"
                        for k, x in v.items())
        return "{\n" + items + " " * indent + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_hcl(x, indent) for x in v) + "]"
    return json.dumps(v)


def _listed(v):
    return v if isinstance(v, list) else [v]


def _policy_document(p, resource: str, attr: str) -> str:
    out = 'data "aws_iam_policy_document" "doc" {\n  version = "2012-10-17"\n'
    for s in p["Statement"]:
        out += "  statement {\n"
        for key, attr in (("Sid", "sid"), ("Effect", "effect")):
            if key in s:
                out += f"    {attr} = {json.dumps(s[key])}\n"
        for key, attr in (("Action", "actions"), ("NotAction", "not_actions"), ("Resource", "resources"),
                          ("NotResource", "not_resources")):
            if key in s:
                out += f"    {attr} = {json.dumps(_listed(s[key]))}\n"
        for kind, ids in s.get("Principal", {}).items():
            out += (f"    principals {{\n      type        = {json.dumps(kind)}\n"
                    f"      identifiers = {json.dumps(_listed(ids))}\n    }}\n")
        for op, keys in s.get("Condition", {}).items():
            for k, vals in keys.items():
                out += (f"    condition {{\n      test     = {json.dumps(op)}\n      variable = {json.dumps(k)}\n"
                        f"      values   = {json.dumps(_listed(vals))}\n    }}\n")
        out += "  }\n"
    out += "}\n\n"
    return out + (f'resource "{resource}" "p" {{\n  name   = "p"\n'
                  f'  {attr} = data.aws_iam_policy_document.doc.json\n}}\n')


#: Where each role of document is written: (CloudFormation type, property), (Terraform type, attribute).
WHERE = {"identity": (("AWS::IAM::ManagedPolicy", "PolicyDocument"), ("aws_iam_policy", "policy")),
         "trust": (("AWS::IAM::Role", "AssumeRolePolicyDocument"), ("aws_iam_role", "assume_role_policy"))}


def forms(p: dict, role: str = "identity") -> dict:
    """file name -> text: the policy in every form (a trust policy has no Serverless form:
    the framework writes the role's trust policy itself)."""
    (ctype, cprop), (rtype, attr) = WHERE[role]
    text = json.dumps(p, indent=2)
    cfn = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"P": {"Type": ctype, "Properties": {cprop: p}}}}
    plan = {"format_version": "1.2", "terraform_version": "1.7.0", "planned_values": {"root_module": {"resources": [
        {"address": f"{rtype}.p", "mode": "managed", "type": rtype, "name": "p",
         "values": {"name": "p", attr: json.dumps(p)}}]}}}
    out = {
        "policy/policy.json": text + "\n",
        "cfn-json/template.json": json.dumps(cfn, indent=2) + "\n",
        "cfn-yaml/template.yaml": _yaml(cfn, 0),
        "jsonencode/main.tf": f'resource "{rtype}" "p" {{\n  name = "p"\n  {attr} = jsonencode({_hcl(p, 2)})\n}}\n',
        "heredoc/main.tf": f'resource "{rtype}" "p" {{\n  name = "p"\n  {attr} = <<EOF\n{text}\nEOF\n}}\n',
        "policy-document/main.tf": _policy_document(p, rtype, attr),
        "plan/plan.json": json.dumps(plan, indent=2) + "\n",
    }
    if role == "identity":
        service = {"service": "svc", "provider": {"name": "aws", "iam": {"role": {"statements": p["Statement"]}}}}
        out["serverless/serverless.yml"] = _yaml(service, 0)
    return out


# ---------------------------------------------------------------------------
# Findings as elements of the policy

#: The keys of the data source, as the policy grammar names them.
ALIASES = {"sid": "Sid", "effect": "Effect", "actions": "Action", "not_actions": "NotAction",
           "resources": "Resource", "not_resources": "NotResource", "condition": "Condition",
           "statement": "Statement", "statements": "Statement", "version": "Version", "principals": "Principal"}
#: Codes that depend on the form itself (a Serverless service carries no Version; a plan
#: and a data source write their own).
FORM_CODES = {"LP001", "LP003", "LP004", "LP100", "LP101"}


def _statement_index(path) -> object:
    for i, p in enumerate(path[:-1]):
        if isinstance(p, str) and p.lower() in ("statement", "statements") and isinstance(path[i + 1], int):
            return path[i + 1]
    return None


def _under(text: str, span) -> str:
    """The element under a finding: the text of its span, unquoted and unescaped."""
    lines = text.split("\n")
    line = lines[span.line - 1]
    seg = line[span.col - 1:span.end_col - 1] if span.end_line == span.line else "<block>"
    seg = seg.replace('\\"', '"').strip()
    if len(seg) >= 2 and seg[0] == seg[-1] == '"':
        seg = seg[1:-1]
    return ALIASES.get(seg, seg)


def elements(text: str, findings) -> Counter:
    return Counter((f.code, _statement_index(f.logical_path), _under(text, f.span))
                   for f in findings if f.code not in FORM_CODES)


@pytest.fixture(scope="module")
def workdir():
    d = tempfile.mkdtemp(prefix="lint-policies-forms-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


_SEEN: dict = {}


def lint_forms(workdir, p: dict, role: str = "identity") -> dict:
    """form -> (text, findings, documents); each policy is linted once for both properties
    (they share a seed, so they draw the same policies)."""
    key = role + json.dumps(p, sort_keys=True)
    if key not in _SEEN:
        if len(_SEEN) > 8 * EXAMPLES:
            _SEEN.clear()
        _SEEN[key] = _lint_forms(workdir, p, role)
    return _SEEN[key]


def _lint_forms(workdir, p: dict, role: str) -> dict:
    out = {}
    for rel, text in forms(p, role).items():
        path = os.path.join(workdir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        try:
            res = engine.run([path], engine.Options(jobs=1, root=workdir))
            src = load(path, rel)
        finally:
            os.unlink(path)
        for f in res.findings:
            assert f.code != "LP000", (rel, f.message)
        out[rel.split("/")[0]] = (text, res.findings, src.documents)
    return out


# ---------------------------------------------------------------------------
# The properties


def check_same_elements(workdir, p, role):
    seen = lint_forms(workdir, p, role)
    text, findings, _ = seen["policy"]
    expected = elements(text, findings)
    for form, (ftext, ffindings, _) in seen.items():
        got = elements(ftext, ffindings)
        assert got == expected, (form, sorted((got - expected).elements()), sorted((expected - got).elements()))


def check_found_with_statements(workdir, p, role):
    seen = lint_forms(workdir, p, role)
    _, findings, docs = seen["policy"]
    assert len(docs) == 1 and len(docs[0].statements) == len(p["Statement"])
    codes = Counter(f.code for f in findings if f.code not in FORM_CODES)
    for form, (_, ffindings, fdocs) in seen.items():
        assert len(fdocs) == 1, (form, len(fdocs))
        assert fdocs[0].role == role, form
        assert len(fdocs[0].statements) == len(p["Statement"]), form
        assert [s.effect.value if s.effect is not None else None for s in fdocs[0].statements] == \
            [s["Effect"] for s in p["Statement"]], form
        assert Counter(f.code for f in ffindings if f.code not in FORM_CODES) == codes, form


@seed(SEED)
@SETTINGS
@given(policies())
def test_every_form_reports_the_same_findings_on_the_same_elements(workdir, p):
    check_same_elements(workdir, p, "identity")


@seed(SEED)
@SETTINGS
@given(policies())
def test_every_form_finds_the_policy_with_its_statements(workdir, p):
    check_found_with_statements(workdir, p, "identity")


@seed(SEED)
@SETTINGS
@given(trust_policies())
def test_every_form_of_a_trust_policy_reports_the_same_findings_on_the_same_elements(workdir, p):
    check_same_elements(workdir, p, "trust")


@seed(SEED)
@SETTINGS
@given(trust_policies())
def test_every_form_finds_the_trust_policy_with_its_statements(workdir, p):
    check_found_with_statements(workdir, p, "trust")
