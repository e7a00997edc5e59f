"""The edges a one-token bug would break without any other test noticing: each with the
exact codes and positions users see.

* trust rules: multi-valued conditions, ``ForAnyValue:``/``ForAllValues:`` qualifiers, a
  GitHub ``sub`` that starts with a wildcard, SAML through a provider the template does not
  define, placeholder accounts against ``trusted-accounts``;
* ARN edges: an empty account field, a resource part that is a name pattern, a Region in a
  role ARN;
* SM203 with a resource list mixing an unresolved value and a literal ARN;
* suppressions: overlapping directives, a malformed Terraform JSON ``"//"`` directive;
* the credential scanner on both sides of its entropy thresholds and of the documented
  examples' markers;
* SARIF: security-severity per rule and level, percent-encoded URIs.
"""
from __future__ import annotations

import json
import textwrap

import pytest

from linter import kb
from linter import secrets as S


def pos(text, needle, nth=1):
    """1-based (line, column) of the nth occurrence of needle."""
    start = -1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1


def where(findings):
    return sorted((f.code, f.span.line, f.span.col) for f in findings)


def trust(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def anyone(condition, principal=None, action="sts:AssumeRole"):
    return {"Effect": "Allow", "Principal": principal or {"AWS": "*"}, "Action": action, "Condition": condition}


GH = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
GH_AUD = "token.actions.githubusercontent.com:aud"
GH_SUB = "token.actions.githubusercontent.com:sub"


# ---------------------------------------------------------------------------
# Trust rules: multi-valued conditions

def test_iam302_a_wildcard_among_the_values_does_not_narrow(lint):
    # Values of one key are ORed: "*" admits every account whatever the other value says, and so does
    # a wildcard in an account id (4444555566* is a hundred accounts nobody here owns).
    text = trust(anyone({"StringLike": {"aws:PrincipalAccount": ["111122223333", "*"]}}),
                 anyone({"StringLike": {"aws:PrincipalAccount": ["111122223333", "4444555566*"]}}),
                 anyone({"StringEquals": {"aws:PrincipalOrgID": ["o-a1b2c3d4e5", "?*"]}}),
                 anyone({"StringEquals": {"aws:PrincipalAccount": ["111122223333", "444455556666"]}}))
    assert where(lint(text, name="trust.json", select=["IAM302"])) == [
        ("IAM302",) + pos(text, '"*"'), ("IAM302",) + pos(text, '"*"', 3), ("IAM302",) + pos(text, '"*"', 4)]


def test_iam302_multi_valued_account_list_reports_only_untrusted_accounts(lint):
    text = trust(anyone({"StringEquals": {"aws:PrincipalAccount": ["111122223333", "444455556666"]}}))
    opts = {"IAM302": {"trusted-accounts": ["111122223333"]}}
    found = lint(text, name="trust.json", select=["IAM302"], rule_options=opts)
    assert [(f.code, f.span.line, f.span.col, f.severity) for f in found] == [
        ("IAM302",) + pos(text, '"444455556666"') + ("warning",)]
    assert "444455556666" in found[0].message
    both = {"IAM302": {"trusted-accounts": ["111122223333", "444455556666"]}}
    assert lint(text, name="trust.json", select=["IAM302"], rule_options=both) == []
    # Without the option, an account condition narrows: nothing at all.
    assert lint(text, name="trust.json", select=["IAM302"]) == []


@pytest.mark.parametrize("account", ["${AccountId}", "${aws:PrincipalAccount}", "arn-${var.account}"])
def test_iam302_placeholder_accounts_are_never_judged_against_trusted_accounts(lint, account):
    text = trust(anyone({"StringEquals": {"aws:SourceAccount": [account, "999988887777"]}}))
    opts = {"IAM302": {"trusted-accounts": ["111122223333"]}}
    found = lint(text, name="trust.json", select=["IAM302"], rule_options=opts)
    assert where(found) == [("IAM302",) + pos(text, '"999988887777"')]


def test_iam302_trusted_accounts_in_cloudformation(lint):
    text = textwrap.dedent("""\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal: {AWS: "*"}
                    Action: sts:AssumeRole
                    Condition:
                      StringEquals:
                        aws:PrincipalAccount: [!Ref AWS::AccountId, !Sub "${AWS::AccountId}", "444455556666", "111122223333"]
        """)
    opts = {"IAM302": {"trusted-accounts": ["111122223333"]}}
    found = lint(text, name="template.yaml", select=["IAM302"], rule_options=opts)
    assert [(f.code, f.span.line, f.span.col, f.severity) for f in found] == [
        ("IAM302",) + pos(text, '"444455556666"') + ("warning",)]


# ---------------------------------------------------------------------------
# Trust rules: ForAnyValue: / ForAllValues:

@pytest.mark.parametrize("condition,reported", [
    ({"ForAnyValue:StringEquals": {"aws:PrincipalAccount": ["111122223333"]}}, False),
    ({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/*"]}}, False),
    ({"ForAnyValue:ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}, False),
    ({"ForAnyValue:StringNotEquals": {"aws:PrincipalAccount": "111122223333"}}, True),
    ({"ForAnyValue:StringLike": {"aws:PrincipalAccount": "*"}}, True),
    ({"ForAllValues:StringEquals": {"aws:PrincipalAccount": ["111122223333"]}}, True),
    ({"ForAllValues:ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}, True),
    ({"forallvalues:StringEquals": {"aws:SourceAccount": "111122223333"}}, True),
])
def test_iam302_qualified_operators(lint, condition, reported):
    text = trust(anyone(condition))
    expected = [("IAM302",) + pos(text, '"*"')] if reported else []
    assert where(lint(text, name="trust.json", select=["IAM302"])) == expected


@pytest.mark.parametrize("condition,reported", [
    ({"ForAnyValue:StringEquals": {GH_AUD: "sts.amazonaws.com"},
      "ForAnyValue:StringLike": {GH_SUB: "repo:my-org/ml:*"}}, False),
    ({"StringEquals": {GH_AUD: "sts.amazonaws.com"}, "ForAnyValue:StringNotLike": {GH_SUB: "repo:my-org/*"}}, True),
    ({"ForAnyValue:StringEquals": {GH_AUD: "sts.amazonaws.com"}, "StringLikeIfExists": {GH_SUB: "repo:my-org/*"}},
     True),
    ({"StringEquals": {GH_AUD: "sts.amazonaws.com"}, "ForAnyValue:StringLike": {GH_SUB: "*"}}, True),
])
def test_iam303_qualified_operators(lint, condition, reported):
    text = trust(anyone(condition, {"Federated": GH}, "sts:AssumeRoleWithWebIdentity"))
    expected = [("IAM303",) + pos(text, f'"{GH}"')] if reported else []
    assert where(lint(text, name="trust.json", select=["IAM303"])) == expected


# ---------------------------------------------------------------------------
# Trust rules: a GitHub sub that does not pin an owner

@pytest.mark.parametrize("sub,reported", [
    ("?epo:my-org/ml:*", True),  # the leading "?" stands for the "r" of "repo:": still any owner after it
    ("repo:?y-org/ml:*", True),  # "?y-org" matches "my-org" and "xy-org": no owner pinned
    ("repo:*", True),
    ("repo:", True),
    ("", True),
    ("repo:my-org/ml:ref:refs/heads/main", False),
    ("repo:my-org/*", False),
    ("REPO:my-org/ml:*", False),
    ("repo:my-org*", True),  # my-org-attacker matches too
    ("repo:my-org*/ml:*", True),
    ("repo:my-org/ml*:*", False),  # the owner is pinned; the repository name is the owner's business
])
def test_iam303_github_sub_that_starts_with_a_wildcard(lint, sub, reported):
    text = trust(anyone({"StringEquals": {GH_AUD: "sts.amazonaws.com"}, "StringLike": {GH_SUB: sub}},
                        {"Federated": GH}, "sts:AssumeRoleWithWebIdentity"))
    found = lint(text, name="trust.json", select=["IAM303"])
    if not reported:
        assert found == []
        return
    assert where(found) == [("IAM303",) + pos(text, f'"{GH}"')]
    assert f'sub "{sub}"' in found[0].message and "any owner" in found[0].message


# ---------------------------------------------------------------------------
# Trust rules: SAML through a provider the template does not define

SAML_TEMPLATE = textwrap.dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      SamlProviderArn: {Type: String}
    Resources:
      Defined:
        Type: AWS::IAM::SAMLProvider
        Properties:
          SamlMetadataDocument: "<md/>"
      ViaParameter:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement:
              - Effect: Allow
                Principal:
                  Federated: !Ref SamlProviderArn
                Action: sts:AssumeRoleWithSAML
      ViaImport:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement:
              - Effect: Allow
                Principal:
                  Federated: !ImportValue shared-saml-provider
                Action: [sts:AssumeRoleWithSAML, sts:TagSession]
      ViaOtherStack:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement:
              - Effect: Allow
                Principal:
                  Federated: !GetAtt NotInThisTemplate.Arn
                Action: sts:AssumeRoleWithSAML
      ViaDefined:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement:
              - Effect: Allow
                Principal:
                  Federated: !Ref Defined
                Action: sts:AssumeRoleWithSAML
      Conditioned:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement:
              - Effect: Allow
                Principal:
                  Federated: !Ref SamlProviderArn
                Action: sts:AssumeRoleWithSAML
                Condition:
                  StringEquals: {SAML:aud: "https://signin.aws.amazon.com/saml"}
      SamlOrWeb:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement:
              - Effect: Allow
                Principal:
                  Federated: !Ref SamlProviderArn
                Action: [sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity]
      SamlOrWebConditioned:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement:
              - Effect: Allow
                Principal:
                  Federated: !Ref SamlProviderArn
                Action: [sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity]
                Condition:
                  StringEquals: {SAML:aud: "https://signin.aws.amazon.com/saml"}
    """)


def test_iam303_saml_through_a_provider_the_template_does_not_define(lint):
    text = SAML_TEMPLATE
    found = lint(text, name="template.yaml", select=["IAM303"])
    assert where(found) == [
        ("IAM303",) + pos(text, "Federated", 1),  # a parameter: at the Federated key
        ("IAM303",) + pos(text, "Federated", 2),  # an import
        ("IAM303",) + pos(text, "Federated", 3),  # a provider of another stack
        ("IAM303",) + pos(text, "!Ref Defined"),  # the template's own provider: at the resolved value
        ("IAM303",) + pos(text, "Federated", 6),  # SAML or web identity: any audience check would do
    ]
    by_line = {f.span.line: f.message for f in found}
    assert by_line[pos(text, "Federated", 1)[0]].startswith("SAML trust (!Ref SamlProviderArn) has no SAML:aud")
    assert by_line[pos(text, "Federated", 2)[0]].startswith("SAML trust (!ImportValue shared-saml-provider)")
    assert by_line[pos(text, "Federated", 3)[0]].startswith("SAML trust (!GetAtt NotInThisTemplate.Arn)")
    assert ":saml-provider/${Defined}) has no SAML:aud" in by_line[pos(text, "!Ref Defined")[0]]
    assert by_line[pos(text, "Federated", 6)[0]].startswith("federated trust (!Ref SamlProviderArn) has no audience")


# ---------------------------------------------------------------------------
# ARN edges

def allow(action, resource):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}, indent=2)


@pytest.mark.parametrize("resource,covers_all", [
    ("arn:aws:sagemaker:*::*", False),  # an empty account field: no SageMaker resource (SM203)
    ("arn:aws:sagemaker:us-east-1::*", False),
    ("arn:aws:sagemaker:*:*:*", True),
    ("arn:aws:sagemaker:*:*:*/*", True),
    ("arn:aws:sagemaker:*:111122223333:*", False),
    ("arn:aws:sagemaker:*:*:*-team-a", False),  # a name pattern: some resources only
    ("arn:aws:sagemaker:*::*-team-a", False),
    ("arn:aws:sagemaker:*:*:*team-a*", False),
    ("arn:aws:sagemaker:*:${AWS::AccountId}:*", False),
    ("arn:aws:s3:::*", False),
])
def test_arn_covers_all_edges(resource, covers_all):
    assert kb.arn_covers_all(resource) is covers_all
    if covers_all:  # what NotResource leaves out entirely
        assert kb.resource_types_covered(resource) == frozenset(kb.resource_types())
    elif "-team-a" in resource:
        assert kb.resource_types_covered(resource) == frozenset()


@pytest.mark.parametrize("resource", ["arn:aws:sagemaker:*:*:", "arn:aws:sagemaker:*:*:/"])
def test_not_resource_with_an_empty_resource_part_leaves_nothing_out(lint, resource):
    # no SageMaker ARN has an empty resource part: NotResource excludes no resource, as an S3 ARN does not
    def sm202(res):
        text = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sagemaker:*", "NotResource": res}]}, indent=2)
        (f,) = lint(text, select=["SM202"])
        return f.message

    assert kb.resource_types_covered(resource) == frozenset()
    assert sm202(resource) == sm202("arn:aws:s3:::bucket") == sm202("arn:aws:sagemaker:*:*:*-team-a")
    assert f"grants {len(kb.sagemaker_actions())} SageMaker actions" in sm202(resource)


@pytest.mark.parametrize("resource,code", [
    ("arn:aws:sagemaker:*::*", "SM203"),  # an empty account matches no SageMaker resource
    ("arn:aws:sagemaker:*:*:*", "SM201"),
    ("arn:aws:sagemaker:*:*:*-team-a", None),  # names resources: a deliberate scope
    ("arn:aws:sagemaker:*:*:training-job/*-team-a", None),
    # a typed ARN without an account matches no training job (SageMaker ARNs carry one)
    ("arn:aws:sagemaker:*::training-job/*-team-a", "SM203"),
])
def test_sm201_on_arn_edges(lint, resource, code):
    text = allow("sagemaker:CreateTrainingJob", resource)
    expected = [(code,) + pos(text, f'"{resource}"')] if code else []
    assert where(lint(text, select=["SM201", "SM203"])) == expected


@pytest.mark.parametrize("resource,unscoped", [
    ("arn:aws:iam::*:role/*", True),
    ("arn:aws:iam::111122223333:role/*", True),
    ("arn:aws:iam::*:*", True),
    ("arn:aws:iam:*:*:role/*", True),  # a Region of only "*" matches the empty one
    ("arn:aws:iam:us-east-1:*:role/*", False),  # a Region: matches no role at all
    ("arn:aws:iam:us-east-1:111122223333:role/*", False),
    ("arn:aws:iam::*:role/*-team-a", False),
    ("arn:aws:iam::*:role/team-a-*", False),
])
def test_role_arn_unscoped_edges(resource, unscoped):
    assert kb.role_arn_unscoped(resource) is unscoped


def test_passrole_on_a_role_arn_with_a_region(lint):
    text = allow("iam:PassRole", ["arn:aws:iam:us-east-1:*:role/*", "arn:aws:iam::*:role/*"])
    found = lint(text, select=["IAM301", "IAM109"])
    assert where(found) == sorted([("IAM109",) + pos(text, '"arn:aws:iam:us-east-1:*:role/*"'),
                                   ("IAM301",) + pos(text, '"iam:PassRole"')])
    (iam109,) = [f for f in found if f.code == "IAM109"]
    assert '("us-east-1")' in iam109.message and "matches nothing" in iam109.message
    only_regional = allow("iam:PassRole", "arn:aws:iam:us-east-1:*:role/*")
    assert where(lint(only_regional, select=["IAM301"])) == []


# ---------------------------------------------------------------------------
# SM203: a resource list mixing an unresolved value and a literal ARN

SM203_TEMPLATE = textwrap.dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      P: {Type: String}
    Resources:
      Pol:
        Type: AWS::IAM::ManagedPolicy
        Properties:
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: sagemaker:CreateTrainingJob
                Resource:
                  - !Ref P
                  - arn:aws:sagemaker:us-east-1:123456789012:model/churn
              - Effect: Allow
                Action: sagemaker:CreateTrainingJob
                Resource:
                  - arn:aws:sagemaker:us-east-1:123456789012:model/churn
                  - !GetAtt Somewhere.Arn
              - Effect: Allow
                Action: sagemaker:CreateTrainingJob
                Resource:
                  - arn:aws:sagemaker:us-east-1:123456789012:model/churn
                  - arn:aws:s3:::bucket/*
    """)


def test_sm203_mixed_unresolved_and_literal_resources(lint):
    text = SM203_TEMPLATE
    found = lint(text, name="template.yaml", select=["SM203", "LP000"])
    # The unknown value may be a training job: never judged. The all-literal list is.
    assert where(found) == [("SM203",) + pos(text, "arn:aws:sagemaker:us-east-1:123456789012:model/churn", 3),
                            ("SM203",) + pos(text, "arn:aws:s3:::bucket/*")]


def test_sm203_mismatch_direct_on_unresolved_values():
    from linter.located import Span
    from linter.model import Unresolved, Val
    from linter.rules.sm203 import mismatch

    class St:
        pass

    sp = Span(1, 1, 1, 2)
    st = St()
    st.action = type("F", (), {"values": [Val("sagemaker:CreateTrainingJob", sp, ())]})()
    literal = Val("arn:aws:sagemaker:us-east-1:123456789012:model/churn", sp, ())
    for unknown in (Unresolved("!Ref P"), 7, None):
        st.resource = type("F", (), {"values": [Val(unknown, sp, ()), literal]})()
        assert mismatch(st) is None
        st.resource = type("F", (), {"values": [literal, Val(unknown, sp, ())]})()
        assert mismatch(st) is None
    st.resource = type("F", (), {"values": [literal]})()
    typed, formats = mismatch(st)
    assert [a.full for a in typed] == ["sagemaker:CreateTrainingJob"] and "training-job" in formats


# ---------------------------------------------------------------------------
# Suppressions: overlapping directives give the most specific reason

def run_files(tmp_path, monkeypatch, files, select):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return run(sorted(files), Options(select=select))


def reasons(result):
    return sorted((f.code, f.span.line, f.span.col, f.suppressed_by) for f in result.suppressed)


OVERLAP_YAML = textwrap.dedent("""\
    # lint-policies: ignore-file[SM101] -- file: sandbox account
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Role:
        Type: AWS::IAM::Role
        Metadata:
          lint-policies:
            ignore:
              - id: SM101
                reason: "resource: reviewed role"
        Properties:
          AssumeRolePolicyDocument:
            Statement: [{Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: "sts:AssumeRole"}]
          Policies:
            - PolicyName: all
              PolicyDocument:
                Statement:
                  # lint-policies: ignore[SM101] -- block: the statement below
                  - Effect: Allow
                    Action: sagemaker:*
                    Resource: "*"
                  - Effect: Allow
                    Action: sagemaker:*  # lint-policies: ignore[SM1] -- line: this action
                    Resource: "*"
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


def test_overlapping_directives_in_cloudformation_most_specific_reason(tmp_path, monkeypatch):
    text = OVERLAP_YAML
    res = run_files(tmp_path, monkeypatch, {"t.yaml": text}, ["SM101", "LP"])
    assert res.findings == []  # every directive matched a finding: no LP100
    act = "sagemaker:*"
    assert reasons(res) == [
        ("SM101",) + pos(text, act, 1) + ("block: the statement below",),
        ("SM101",) + pos(text, act, 2) + ("line: this action",),
        ("SM101",) + pos(text, act, 3) + ("resource: reviewed role",),
        ("SM101",) + pos(text, act, 4) + ("file: sandbox account",),
    ]


OVERLAP_TF = textwrap.dedent("""\
    # lint-policies: ignore[SM101] -- outer: the whole resource
    resource "aws_iam_policy" "p" {
      name = "p"
      # lint-policies: ignore[SM101] -- inner: the policy argument
      policy = jsonencode({
        Statement = [
          { Effect = "Allow", Action = "sagemaker:*", Resource = "*" },
        ]
      })
      # lint-policies: ignore[SM101] -- unused: nothing below
      description = "x"
    }
    resource "aws_iam_policy" "q" {
      name = "q"
      policy = jsonencode({
        Statement = [
          { Effect = "Allow", Action = "sagemaker:*", Resource = "*" }, # lint-policies: ignore[SM101] -- end of line
        ]
      })
    }
    """)


def test_nested_blocks_in_terraform_the_smallest_gives_the_reason(tmp_path, monkeypatch):
    text = OVERLAP_TF
    res = run_files(tmp_path, monkeypatch, {"main.tf": text}, ["SM101", "LP"])
    assert reasons(res) == [("SM101",) + pos(text, '"sagemaker:*"', 1) + ("inner: the policy argument",),
                            ("SM101",) + pos(text, '"sagemaker:*"', 2) + ("end of line",)]
    # The outer directive covered a finding too (a less specific one): it is used, not LP100.
    assert where(res.findings) == [("LP100",) + pos(text, "# lint-policies: ignore[SM101] -- unused")]


def test_overlap_order_does_not_matter():
    """The most specific directive wins whichever is written (or collected) first."""
    from types import SimpleNamespace

    from linter import suppress
    from linter.engine import Options
    from linter.findings import Finding
    from linter.located import Span
    from linter.sources import BY_NAME, SourceFile

    text = "\n".join(["a: 1"] * 30) + "\n"
    for order in (1, -1):
        ds = [suppress.Directive(["SM101"], "file", Span(1, 1, 1, 2), "file", "f", lines=(1, 31)),
              suppress.Directive(["SM101"], "wide block", Span(2, 1, 2, 2), "block", "w", lines=(3, 20)),
              suppress.Directive(["SM"], "narrow block", Span(9, 1, 9, 2), "block", "n", lines=(10, 12)),
              suppress.Directive(["SM101"], "line", Span(11, 1, 11, 2), "line", "l", lines=(11, 11))][::order]
        findings = [Finding(c, c.lower(), "error", "m", Span(ln, 3, ln, 5), file="t.yaml")
                    for c, ln in (("SM101", 11), ("SM101", 10), ("SM101", 5), ("SM101", 25), ("SM102", 11))]
        kept, sup = suppress._match(findings, ds)
        assert sorted((f.code, f.span.line, f.suppressed_by) for f in sup) == [
            ("SM101", 5, "wide block"), ("SM101", 10, "narrow block"), ("SM101", 11, "line"),
            ("SM101", 25, "file"), ("SM102", 11, "narrow block")]
        assert kept == []
    src = SourceFile(path="t.yaml", abspath="t.yaml", text=text, kind="cloudformation", trees=[],
                     format=BY_NAME.get("cloudformation"), syntax="yaml")
    assert suppress.apply(src, [], SimpleNamespace(codes=["SM101"]), Options()) == ([], [])


# ---------------------------------------------------------------------------
# Suppressions: a malformed Terraform JSON "//" directive suppresses nothing

def _tf_json(directive):
    policy = json.dumps({"Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]})
    return json.dumps({"resource": {"aws_iam_policy": {"p": {"//": directive, "name": "p", "policy": policy}}}},
                      indent=2) + "\n"


@pytest.mark.parametrize("directive,problem", [
    ("lint-policies: ignore SM101 -- break-glass admin", "suppression without codes"),
    ("lint-policies: ignore[SM-101] -- break-glass admin", "invalid code 'SM-101'"),
    ("lint-policies: ignore[] -- break-glass admin", "empty code list"),
    (["lint-policies: ignore[ , ] -- break-glass admin", 7], "empty code list"),
])
def test_malformed_terraform_json_directive_does_not_suppress(tmp_path, monkeypatch, directive, problem):
    text = _tf_json(directive)
    res = run_files(tmp_path, monkeypatch, {"main.tf.json": text}, ["SM101", "LP"])
    assert res.suppressed == []
    assert where(res.findings) == sorted([("LP100",) + pos(text, '"lint-policies: ignore'),
                                          ("SM101",) + pos(text, '\\"sagemaker:*')])
    (lp,) = [f for f in res.findings if f.code == "LP100"]
    assert problem in lp.message


def test_well_formed_terraform_json_directive_suppresses(tmp_path, monkeypatch):
    text = _tf_json("lint-policies: ignore[SM101] -- break-glass admin")
    res = run_files(tmp_path, monkeypatch, {"main.tf.json": text}, ["SM101", "LP"])
    assert res.findings == []
    assert reasons(res) == [("SM101",) + pos(text, '\\"sagemaker:*') + ("break-glass admin",)]


# ---------------------------------------------------------------------------
# Credential scanner: the entropy thresholds and the documented examples, both sides

def _even(symbols: str, n: int, seed: int) -> str:
    """n characters using each of ``symbols`` as evenly as possible, in a shuffled order (no
    period, no alphabetical run): its entropy is close to log2(len(symbols))."""
    import random

    chars = list((symbols * (n // len(symbols) + 1))[:n])
    random.Random(seed).shuffle(chars)
    return "".join(chars)


def key_findings(text):
    from linter.registry import load
    from linter.rule import Context
    from linter.sources import SourceFile

    src = SourceFile(path="f.txt", abspath="f.txt", text=text, kind="text", trees=[])
    out = []
    for code in ("KEY401", "KEY402", "KEY403"):
        out.extend(load(code).check(src, Context()))
    return sorted((f.code, f.span.line, f.span.col, f.severity) for f in out)


MIXED = "Ab3Cd5Ef7Gh9Jk2Mn4Pq6Rs8Tu"  # upper, lower and digits, never six in alphabetical order


def test_secret_entropy_threshold_both_sides():
    low, high = _even(MIXED[:11], 40, 1), _even(MIXED[:12], 40, 1)
    assert S.shannon_entropy(low) < S.SECRET_MIN_ENTROPY <= S.shannon_entropy(high) < S.SECRET_MIN_ENTROPY + 0.1
    assert S.SECRET_MIN_ENTROPY - S.shannon_entropy(low) < 0.06
    text = f"aws_secret_access_key = {low}\naws_secret_access_key = {high}\n"
    assert key_findings(text) == [("KEY402", 2, 25, "error")]


def test_letters_only_secret_entropy_threshold_both_sides():
    letters = "AbCdEfGhJkMnPqRsTuVwXy"
    low, high = _even(letters[:19], 40, 2), _even(letters[:20], 40, 2)
    assert S.shannon_entropy(low) < S.SECRET_LETTERS_MIN_ENTROPY <= S.shannon_entropy(high)
    assert S.shannon_entropy(high) - S.SECRET_LETTERS_MIN_ENTROPY < 0.05
    assert S.SECRET_LETTERS_MIN_ENTROPY - S.shannon_entropy(low) < 0.1
    assert S.shannon_entropy(low) > S.SECRET_MIN_ENTROPY  # only the letters-only threshold stops it
    text = f"aws_secret_access_key = {low}\naws_secret_access_key = {high}\n"
    assert key_findings(text) == [("KEY402", 2, 25, "error")]
    # A name that is not only about AWS secret keys asks more of a letters-only value.
    assert S._plausible_secret(high, strict=False) and not S._plausible_secret(high, strict=True)


def test_session_token_entropy_threshold_both_sides():
    symbols = "Ab3Cd5Ef7Gh9Jk2Mn4Pq6Rs8Tu+Vw/Xy"
    low, high = _even(symbols[:22], 110, 3), _even(symbols[:23], 115, 3)
    assert S.shannon_entropy(low) < S.TOKEN_MIN_ENTROPY <= S.shannon_entropy(high) < S.TOKEN_MIN_ENTROPY + 0.05
    text = f"aws_session_token = {low}\naws_session_token = {high}\n"
    assert key_findings(text) == [("KEY403", 2, 21, "error")]
    # The length threshold, both sides (same entropy class of value).
    body = _even(symbols, S.TOKEN_MIN_LENGTH, 4)
    short = body[:-1]
    assert S._plausible_token(body) and not S._plausible_token(short) and not S._plausible_token(short + "==")


def test_key_id_entropy_threshold_both_sides():
    at_threshold = "AKIA" + _even("Q7MZ", 16, 5)  # four symbols, four times each: exactly 2.0 bits
    below = "AKIA" + _even("Q7M", 16, 5)
    assert S.shannon_entropy(at_threshold[4:]) == S.KEY_ID_MIN_ENTROPY
    assert S.shannon_entropy(below[4:]) < S.KEY_ID_MIN_ENTROPY
    assert not S.is_placeholder_key_id(at_threshold) and S.is_placeholder_key_id(below)
    text = f"aws_access_key_id = {below}\naws_access_key_id = {at_threshold}\n"
    assert key_findings(text) == [("KEY401", 2, 21, "error")]


def test_key_id_placeholder_shapes_both_sides():
    from keygen import key_id

    real = key_id("edge")
    run5 = "AKIA" + "ABCDE" + real[9:]  # five characters in base32 order: could be chance
    run6 = "AKIA" + "ABCDEF" + real[10:]  # six: a typed placeholder
    assert not S.is_placeholder_key_id(run5)
    assert S.is_placeholder_key_id(run6)
    period8 = "AKIA" + (real[4:12] * 2)
    period9 = "AKIA" + real[4:13] + real[4:11]
    assert S.is_placeholder_key_id(period8) and not S.is_placeholder_key_id(period9)


def test_truncated_documentation_key_ids_both_sides():
    from keygen import key_id

    tail = key_id("doc-edge")[4:]
    examples = ["AKIA" + "EXAM" + tail[4:],  # the marker of the documented examples, cut short
                "AKIA" + tail[:6] + "EXAM" + tail[10:],
                "ASIA" + "IOSFODNN" + tail[8:]]  # the canonical example's middle, the rest cut off
    real = ["AKIA" + "EXA" + tail[3:],  # one letter short of the marker
            "AKIA" + tail[:6] + "EXAN" + tail[10:],
            "ASIA" + "IOSFODN" + tail[7:]]
    for k in examples:
        assert S.is_example_key_id(k), k
    for k in real:
        assert not S.is_example_key_id(k) and not S.is_placeholder_key_id(k), k
    text = "".join(f"aws_access_key_id = {k}\n" for k in examples + real)
    assert key_findings(text) == [("KEY401", n, 21, "note") for n in (1, 2, 3)] + [
        ("KEY401", n, 21, "error") for n in (4, 5, 6)]


def test_truncated_documentation_secrets_both_sides():
    from keygen import secret

    s = secret("doc-edge")
    examples = ["wJalrXUtnFEMI" + s[13:],  # the documented secret's first 13 characters
                "je7MtGbClwBF" + s[12:],
                s[:20] + "EXAM" + s[24:]]
    real = ["wJalrXUtnFEM" + s[12:],  # one character fewer: a real-looking secret
            "je7MtGbClwB" + s[11:],
            s[:20] + "EXAN" + s[24:]]
    assert all(S.is_example_secret(v) for v in examples)
    assert not any(S.is_example_secret(v) for v in real)
    text = "".join(f"aws_secret_access_key = {v}\n" for v in examples + real)
    assert key_findings(text) == [("KEY402", n, 25, "note") for n in (1, 2, 3)] + [
        ("KEY402", n, 25, "error") for n in (4, 5, 6)]


def test_truncated_documentation_tokens_both_sides():
    from keygen import token

    t = token("doc-edge")
    examples = ["AQoDYXdzEJr" + t[11:200], "AQoEXAMPLE" + t[10:200], t[:100] + "EXAMPLE" + t[107:200]]
    real = ["AQoDYXdzEJ" + t[10:200], "AQoEXAMPL" + t[9:200], t[:100] + "EXAMPL" + t[106:200]]
    assert all(S.is_example_token(v) for v in examples) and not any(S.is_example_token(v) for v in real)
    text = "".join(f"aws_session_token = {v}\n" for v in examples + real)
    assert key_findings(text) == [("KEY403", n, 21, "note") for n in (1, 2, 3)] + [
        ("KEY403", n, 21, "error") for n in (4, 5, 6)]


# ---------------------------------------------------------------------------
# SARIF: security-severity per rule and level; percent-encoded URIs

def _github_label(score):
    """GitHub's security severity label for a SARIF security-severity score."""
    s = float(score)
    return "critical" if s > 9.0 else "high" if s >= 7.0 else "medium" if s >= 4.0 else "low" if s > 0 else None


@pytest.mark.parametrize("code,score", [
    ("SM101", "8.0"), ("SM102", "8.0"), ("SM201", "8.0"), ("IAM301", "8.0"), ("IAM302", "8.0"),
    ("IAM303", "8.0"), ("KEY401", "8.0"), ("KEY402", "8.0"), ("KEY403", "8.0"),  # error: high
    ("SM105", "5.0"), ("IAM201", "5.0"), ("IAM203", "5.0"), ("LP004", "5.0"),  # warning: medium
])
def test_sarif_security_severity_of_security_rules(code, score):
    from linter.registry import load
    from linter.reporters.sarif_format import rule_descriptor

    rule = load(code)
    props = rule_descriptor(rule)["properties"]
    assert props["security-severity"] == score and isinstance(props["security-severity"], str)
    assert "security" in props["tags"] and props["tags"][-1] == "iam"
    assert _github_label(score) == {"error": "high", "warning": "medium"}[rule.severity]


@pytest.mark.parametrize("code", ["LP000", "LP001", "LP002", "LP100", "LP101", "SM104", "SM203", "IAM101",
                                  "IAM104", "IAM206"])
def test_sarif_no_security_severity_on_other_rules(code):
    from linter.registry import load
    from linter.reporters.sarif_format import rule_descriptor

    props = rule_descriptor(load(code))["properties"]
    assert "security-severity" not in props and "security" not in props["tags"]
    assert props["precision"] == "high"


@pytest.mark.parametrize("severity,override,score", [
    ("error", None, "8.0"), ("warning", None, "5.0"), ("note", None, "2.0"), ("note", "9.5", "9.5"),
])
def test_sarif_security_severity_by_level_and_override(severity, override, score):
    from linter.registry import load
    from linter.reporters.sarif_format import rule_descriptor

    base = load("SM101")
    rule = type("R", (type(base),), {"severity": severity, "security_severity": override})()
    d = rule_descriptor(rule)
    assert d["properties"]["security-severity"] == score
    assert d["defaultConfiguration"] == {"level": severity}
    assert _github_label(score) == {"8.0": "high", "5.0": "medium", "2.0": "low", "9.5": "critical"}[score]


def test_sarif_result_levels_follow_each_finding(tmp_path, monkeypatch):
    """A documented example key is a note even though its rule is an error."""
    from linter.engine import Options, run
    from linter.reporters import render

    monkeypatch.chdir(tmp_path)
    (tmp_path / "creds.txt").write_text("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n")
    res = run(["creds.txt"], Options(select=["KEY401"]))
    log = json.loads(render("sarif", res, {"version": "0", "codes": ["KEY401"]}))
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    (result,) = log["runs"][0]["results"]
    assert rule["defaultConfiguration"]["level"] == "error" and rule["properties"]["security-severity"] == "8.0"
    assert result["level"] == "note" and result["ruleId"] == "KEY401" and result["ruleIndex"] == 0
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1, "startColumn": 21, "endLine": 1, "endColumn": 41}


def test_sarif_rule_full_description_is_the_rationale():
    from linter.registry import load
    from linter.reporters.sarif_format import rule_descriptor

    for code in ("SM101", "IAM301", "KEY402"):
        rule = load(code)
        d = rule_descriptor(rule)
        assert rule.rationale and rule.rationale[:1024] != rule.summary[:1024]
        assert d["fullDescription"] == {"text": rule.rationale[:1024]}
        assert d["shortDescription"] == {"text": rule.summary[:1024]}


def test_sarif_related_location_in_another_file(tmp_path, monkeypatch):
    # SM301 on a role in role.tf, completed by a policy attached to it in jobs.tf
    from linter.engine import Options, run
    from linter.reporters import render

    monkeypatch.chdir(tmp_path)
    (tmp_path / "ml").mkdir()
    (tmp_path / "ml" / "role.tf").write_text(textwrap.dedent("""        resource "aws_iam_role" "scientist" {
          name               = "scientist"
          assume_role_policy = jsonencode({
            Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole" }]
          })
        }

        resource "aws_iam_role_policy" "pass" {
          role   = aws_iam_role.scientist.id
          policy = jsonencode({
            Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }]
          })
        }
        """))
    jobs = textwrap.dedent("""        resource "aws_iam_role_policy" "jobs" {
          role   = aws_iam_role.scientist.id
          policy = jsonencode({
            Statement = [{ Effect = "Allow", Action = "sagemaker:CreateProcessingJob", Resource = "*" }]
          })
        }
        """)
    (tmp_path / "ml" / "jobs.tf").write_text(jobs)
    res = run(["ml"], Options(select=["SM301"]))
    log = json.loads(render("sarif", res, {"version": "0", "codes": ["SM301"]}))
    (result,) = log["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "ml/role.tf"
    (related,) = result["relatedLocations"]
    line, col = pos(jobs, '"sagemaker:CreateProcessingJob"')
    assert related["physicalLocation"]["artifactLocation"] == {"uri": "ml/jobs.tf", "uriBaseId": "%SRCROOT%"}
    assert (related["physicalLocation"]["region"]["startLine"], related["physicalLocation"]["region"]["startColumn"]) \
        == (line, col)


@pytest.mark.parametrize("path,uri", [
    ("dir with space/p#1.json", "dir%20with%20space/p%231.json"),
    ("100%/p?.json", "100%25/p%3F.json"),
    ("caf\u00e9/p.json", "caf%C3%A9/p.json"),
    ("a[1]/p.json", "a%5B1%5D/p.json"),
    ("plain-dir_1/p~.json", "plain-dir_1/p~.json"),
])
def test_sarif_uris_are_percent_encoded(tmp_path, monkeypatch, path, uri):
    import subprocess
    import sys
    from urllib.parse import unquote

    policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}\n'
    target = tmp_path / path
    target.parent.mkdir(parents=True)
    target.write_text(policy)
    r = subprocess.run([sys.executable, "-m", "linter.cli", "--select", "SM101", "--format", "sarif", "."],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    (result,) = json.loads(r.stdout)["runs"][0]["results"]
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": uri, "uriBaseId": "%SRCROOT%"}
    assert unquote(uri) == path
    assert loc["region"]["startLine"] == 1 and loc["region"]["startColumn"] == pos(policy, '"sagemaker:*"')[1]


def test_sm203_message_names_three_actions_and_six_types_at_most(lint):
    import re

    many = ["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob", "sagemaker:CreateTransformJob",
            "sagemaker:CreateEndpoint", "sagemaker:CreateModel", "sagemaker:CreateNotebookInstance"]
    # (actions, actions named, more actions, types named, more types)
    for actions, n_actions, more_actions, n_types, more_types in ((many, 3, True, 6, True),
                                                                   (many[:3], 3, False, 5, False),
                                                                   (many[:1], 1, False, 3, False)):
        text = allow(actions, "arn:aws:s3:::ml-data")
        (f,) = lint(text, select=["SM203"])
        assert (f.code, f.span.line, f.span.col) == ("SM203",) + pos(text, '"arn:aws:s3:::ml-data"')
        acts, types = re.search(r"SageMaker actions \((.*); types: (.*)\), so", f.message).groups()
        assert acts.endswith(" ...") is more_actions
        assert len(acts.removesuffix(" ...").split(", ")) == n_actions
        names = types.removesuffix(" ...").split(", ")
        assert names == sorted(names) and len(names) == n_types and types.endswith(" ...") is more_types


# ---------------------------------------------------------------------------
# kb edges: the length bound of "did you mean", a placeholder standing for an ARN's head

def test_did_you_mean_at_the_length_bound(lint):
    # A ratio of 0.75 is reachable exactly when the lengths are 5:3 (15 and 9 characters).
    assert kb.closest_sagemaker_action("CreateAppZZZZZZ") == "sagemaker:CreateApp"
    assert kb.closest_sagemaker_action("CreateAppZZZZZZZ") is None
    text = allow("sagemaker:CreateAppZZZZZZ", "*")
    (f,) = lint(text, select=["SM104"])
    assert (f.code, f.span.line, f.span.col) == ("SM104",) + pos(text, '"sagemaker:CreateAppZZZZZZ"')
    assert f.message.endswith("did you mean sagemaker:CreateApp?")


def test_placeholder_for_the_head_of_an_arn(lint):
    fmt = kb.resource_types()["training-job"].arn
    # Fewer than five colons: the placeholder may stand for "arn:aws:sagemaker:region:account".
    assert kb.arn_could_match("${aws:PrincipalTag/arn-prefix}:training-job/x", fmt)
    assert not kb.arn_could_match("${aws:PrincipalTag/arn-prefix}:model/x", fmt)
    # ... or for "region:account" when the value has four colons.
    assert kb.arn_could_match("arn:aws:sagemaker:${aws:RequestedRegion}:training-job/x", fmt)
    text = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob",
         "Resource": "${aws:PrincipalTag/arn-prefix}:training-job/x"},
        {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob",
         "Resource": "${aws:PrincipalTag/arn-prefix}:model/x"}]}, indent=2)
    assert where(lint(text, select=["SM203"])) == [("SM203",) + pos(text, '"${aws:PrincipalTag/arn-prefix}:model/x"')]


# ---------------------------------------------------------------------------
# HCL parse errors: what is there, where it is (also on a first line with non-ASCII text)

@pytest.mark.parametrize("text,needle,message", [
    ('resource "a" "b" {\n  x = [1, 2\n}\n', "}", "syntax error: unexpected '}'"),
    ('locals { a = "\u00e9t\u00e9" = 1 }\n', "=", "syntax error: unexpected '='"),
    ('locals {\n  a = "\u00e9t\u00e9" = 1\n}\n', "=", "syntax error: unexpected '='"),
])
def test_hcl_syntax_errors_name_the_token_at_its_position(lint, text, needle, message):
    found = lint(text, name="main.tf")
    assert [(f.code, f.span.line, f.span.col, f.message) for f in found] == [("LP001",) + pos(text, needle) + (message,)]


def test_hcl_values_nested_too_deeply_point_at_one_bracket(lint):
    from linter.parsers.hcl import MAX_DEPTH

    depth = MAX_DEPTH + 20
    text = 'resource "aws_iam_policy" "p" {\n  policy = jsonencode(' + "[" * depth + "1" + "]" * depth + ")\n}\n"
    line, first = pos(text, "[")
    col = first + MAX_DEPTH + 1  # the first bracket past the limit
    assert [(f.code, f.message, f.span.line, f.span.col, f.span.end_line, f.span.end_col) for f in lint(text, name="main.tf")] \
        == [("LP001", "values are nested too deeply", line, col, line, col + 1)]


def test_hcl_function_calls_count_as_nesting_levels(lint):
    # tolist(tolist(...)): each call is one level, as each bracket is
    from linter.parsers.hcl import MAX_DEPTH

    depth = MAX_DEPTH + 20
    text = 'resource "aws_iam_policy" "p" {\n  policy = jsonencode(' + "tolist(" * depth + '"*"' + ")" * depth + ")\n}\n"
    line, first = pos(text, "tolist(")
    col = first + len("tolist(") * (MAX_DEPTH + 1)  # the first call past the limit
    assert [(f.code, f.message, f.span.line, f.span.col) for f in lint(text, name="main.tf")] \
        == [("LP001", "values are nested too deeply", line, col)]


def test_hcl_format_with_fewer_arguments_than_verbs_is_not_resolved(lint):
    # format("...%s...%s", one): Terraform fails at plan time; the value stays unknown, never a crash
    text = ('resource "aws_iam_policy" "p" {\n  policy = jsonencode({Statement = [{Effect = "Allow", '
            'Action = "sagemaker:*", Resource = format("arn:aws:sagemaker:%s:%s:*", "us-east-1")}]})\n}\n')
    assert where(lint(text, name="main.tf")) == [("SM101",) + pos(text, '"sagemaker:*"')]


POLICY_TF = ('resource "aws_iam_policy" "ok" {\n'
             '  policy = jsonencode({Statement = [{Effect = "Allow", Action = "sagemaker:*", Resource = "*"}]})\n'
             '}\n')


def test_hcl_recovery_keeps_an_indented_first_block(lint):
    # the file is cut where a top-level line starts; what comes before the first one is a piece too
    text = "  " + POLICY_TF.replace("\n", "\n  ") + '\nresource "aws_iam_policy" "bad" {\n  name = = "x"\n}\n'
    assert where(lint(text, name="main.tf", select=["SM101", "LP001"])) == sorted([
        ("SM101",) + pos(text, '"sagemaker:*"'), ("LP001",) + pos(text, "= \"x\"")])


def test_hcl_error_in_a_blank_looking_first_line_is_reported(lint):
    # a no-break space (pasted from a web page) is no HCL blank: the file does not parse, although
    # every top-level block parses on its own
    text = "\u00a0\n" + POLICY_TF
    found = lint(text, name="main.tf", select=["SM101", "LP001"])
    assert [f.code for f in found] == ["SM101", "LP001"]
    assert (found[0].span.line, found[0].span.col) == pos(text, '"sagemaker:*"')
    assert found[1].message.startswith("syntax error")


# ---------------------------------------------------------------------------
# Surviving mutants of the sampled mutation run, each killed by the behaviour it changes

def test_iam106_boolean_note_only_for_boolean_keys(lint):
    text = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"StringEquals": {"aws:MultiFactorAuthAge": "true", "aws:SecureTransport": "true"}}}]}, indent=2)
    found = sorted(lint(text, select=["IAM106"]), key=lambda f: f.span.line)
    assert [(f.code, f.span.line, f.span.col, f.severity) for f in found] == [
        ("IAM106",) + pos(text, '"aws:MultiFactorAuthAge"') + ("warning",),
        ("IAM106",) + pos(text, '"aws:SecureTransport"') + ("note",)]
    assert found[0].message.startswith('"aws:MultiFactorAuthAge" is a Numeric key but StringEquals compares String')
    assert found[1].message.startswith('"aws:SecureTransport" is a Boolean key: StringEquals compares it as the text')


def test_yaml_11_booleans_as_pyyaml_reads_them():
    import yaml

    from linter.parsers.yaml_loc import _plain
    from linter.located import Span

    words = ["yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
             "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "y", "n", "tRUE"]
    for w in words:
        assert _plain(w, Span(1, 1, 1, 1)) == yaml.safe_load(f"a: {w}")["a"], w


def test_hcl_double_slash_directive_without_a_space(tmp_path, monkeypatch):
    text = textwrap.dedent("""\
        resource "aws_iam_policy" "p" {
          name = "p"
          //lint-policies: ignore[SM101] -- break-glass admin
          policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "*" }] })
        }
        """)
    res = run_files(tmp_path, monkeypatch, {"main.tf": text}, ["SM101", "LP"])
    assert res.findings == []
    assert reasons(res) == [("SM101",) + pos(text, '"sagemaker:*"') + ("break-glass admin",)]


# ---------------------------------------------------------------------------
# Rules: ARN, principal and condition edges the 150-mutant sample showed unchecked

def test_iam109_resource_part_that_starts_like_a_type(lint):
    # "training-*/x", "ro*/team-a": the word before the wildcard may begin any type's name, so every
    # format of the service is tried, and the Region or account that fits none of them is reported
    text = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": [
        "arn:aws:sagemaker::111122223333:training-*/x",
        "arn:aws:iam:us-east-1:111122223333:ro*/team-a",
        "arn:aws:sagemaker:us-east-1:12345:training-job/x"]}]}, indent=2)
    found = sorted(lint(text, select=["IAM109"]), key=lambda f: f.span.line)
    assert [(f.code, f.span.line, f.span.col, f.severity) for f in found] == [
        ("IAM109",) + pos(text, '"arn:aws:sagemaker::111122223333:training-*/x"') + ("warning",),
        ("IAM109",) + pos(text, '"arn:aws:iam:us-east-1:111122223333:ro*/team-a"') + ("warning",),
        ("IAM109",) + pos(text, '"arn:aws:sagemaker:us-east-1:12345:training-job/x"') + ("warning",)]
    assert "has no Region, but sagemaker ARNs of this kind have one" in found[0].message
    assert 'has a Region ("us-east-1"), but iam ARNs of this kind have none' in found[1].message
    assert 'the account "12345" is not a 12-digit account id' in found[2].message


def test_iam109_reads_a_reference_format_alike_for_a_value_and_a_pattern(lint):
    # AWS writes a few formats with a "*" (application-signals-mcp: mcp-server/*). Whatever it is
    # read as, an ARN and a pattern that only adds a final "*" to it are judged alike
    value = "arn:aws:application-signals-mcp::111122223333:mcp-server/x"
    text = allow("s3:GetObject", [value, value + "*"])
    both = {("IAM109",) + pos(text, f'"{value}"'), ("IAM109",) + pos(text, f'"{value}*"')}
    assert set(where(lint(text, select=["IAM109"]))) in (set(), both)


def test_iam109_region_only_some_kinds_fix_is_not_judged(lint):
    # s3 object ARNs have no Region and Multi-Region Access Point requests only us-west-2: another
    # Region fits neither, but "s3 ARNs of this kind have none" would be wrong; nothing is reported
    text = allow("s3:GetObject", "arn:aws:s3:eu-west-1:111122223333:async-request/mrap/op/*")
    assert lint(text, select=["IAM109"]) == []


def test_iam109_reports_sagemaker_arns_where_sm203_does_not_apply(lint):
    # SM203 judges granting policies only; in a VPC endpoint policy the ARN slip is IAM109's
    text = textwrap.dedent("""\
        Resources:
          Endpoint:
            Type: AWS::EC2::VPCEndpoint
            Properties:
              ServiceName: com.amazonaws.us-east-1.sagemaker.api
              VpcId: vpc-1
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal: "*"
                    Action: sagemaker:CreateTrainingJob
                    Resource: arn:aws:sagemaker:us-east-1:111122223333:trainingjob/team-a-*
        """)
    found = lint(text, name="template.yaml", select=["IAM109", "SM203"])
    assert where(found) == [("IAM109",) + pos(text, "arn:aws:sagemaker")]
    assert 'name this resource type "training-job", not "trainingjob"' in found[0].message


def test_federated_principal_that_is_not_a_provider(lint):
    # a role ARN as Federated principal: IAM204 says so; IAM205 and IAM303 cannot know the provider
    text = trust({"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:role/ci"},
                  "Action": "sts:AssumeRoleWithWebIdentity"})
    found = lint(text, name="trust.json", select=["IAM204", "IAM205", "IAM303", "LP000"])
    at = pos(text, '"arn:aws:iam::111122223333:role/ci"')
    assert [(f.code, f.span.line, f.span.col, f.severity) for f in found] == [
        ("IAM204",) + at + ("error",), ("IAM303",) + at + ("error",)]
    assert found[0].message == ('"arn:aws:iam::111122223333:role/ci" is not an identity provider ARN '
                                '(arn:aws:iam::<account>:oidc-provider/<host> or :saml-provider/<name>)')
    assert found[1].message.startswith("federated trust (arn:aws:iam::111122223333:role/ci) has no audience")


def test_iam205_names_the_action_that_fits(lint):
    text = trust({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                  "Action": "sts:AssumeRoleWithSAML"},
                 {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/Corp"},
                  "Action": "sts:AssumeRoleWithWebIdentity"})
    found = lint(text, name="trust.json", select=["IAM205"])
    assert where(found) == [("IAM205",) + pos(text, '"sts:AssumeRoleWithSAML"'),
                            ("IAM205",) + pos(text, '"sts:AssumeRoleWithWebIdentity"')]
    assert found[0].message.endswith("trusts AWS or service principals: nobody can assume the role this way; "
                                     "use sts:AssumeRole")
    assert found[1].message.endswith("trusts a SAML provider: nobody can assume the role this way; "
                                     "use sts:AssumeRoleWithSAML")


def test_iam303_federated_after_an_aws_principal(lint):
    text = trust({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root", "Federated": GH},
                  "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]})
    assert where(lint(text, name="trust.json", select=["IAM303"])) == [("IAM303",) + pos(text, f'"{GH}"')]


def test_iam203_beside_values_that_are_not_text(lint):
    # numbers and booleans under a String operator are compared as their text: no wildcard, no crash
    text = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"StringEquals": {"aws:username": [5, True, "a*"]}}}]}, indent=2)
    assert where(lint(text, select=["IAM203", "LP000"])) == [("IAM203",) + pos(text, '"a*"')]


def test_sm204_every_unknown_key_of_a_statement(lint):
    text = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"StringEquals": {"sagemaker:VolumKmsKey": "k", "sagemaker:VolumeKmsKey": "k",
                                       "sagemaker:InstanceTypo": "ml.m5.large"}}}]}, indent=2)
    found = sorted(lint(text, select=["SM204"]), key=lambda f: f.span.line)
    # the key that exists is never in an s3:GetObject request either
    assert where(found) == [("SM204",) + pos(text, '"sagemaker:VolumKmsKey"'),
                            ("SM204",) + pos(text, '"sagemaker:VolumeKmsKey"'),
                            ("SM204",) + pos(text, '"sagemaker:InstanceTypo"')]
    assert found[0].message.startswith('condition key "sagemaker:VolumKmsKey" is not a SageMaker condition key in the')
    assert found[1].message.startswith('condition key "sagemaker:VolumeKmsKey" is a SageMaker key, and no action')
    assert found[2].message.startswith('condition key "sagemaker:InstanceTypo" is not a SageMaker condition key in the')


def test_iam109_account_that_fits_no_kind_when_some_kinds_fix_one(monkeypatch):
    # kinds of one resource part, one without an account and one owned by "aws": an account that fits
    # neither is not reported as "ARNs of this kind have none" (some do); when none has one, it is
    from linter.rules import iam109

    none = ("demo", "thing", ("arn", "${Partition}", "demo", "", "", "thing/${Name}"))
    owned = ("demo", "aws-thing", ("arn", "${Partition}", "demo", "", "aws", "thing/${Name}"))
    value = "arn:aws:demo::111122223333:thing/x"
    for formats, reported in (((none, owned), False), ((none,), True)):
        monkeypatch.setattr(iam109, "arn_formats", lambda svc, complete=False, fs=formats: fs)
        monkeypatch.setattr(iam109, "formats_for", lambda svc, res, complete=False, fs=formats: fs)
        msg = iam109._match(value, "demo", "", "111122223333", "thing/x", complete=False)
        assert (msg is not None) is reported
        if reported:
            assert msg == (f'"{value}" has an account ("111122223333"), but demo ARNs of this kind have none, '
                           f'so it matches nothing')


@pytest.mark.parametrize("statement", [
    '{"Effect": "Allow", "Acti0n": ["iam:PassRole"], "Resource": "*"}',
    '{"Effect": "Allow", "Resource": "*"}',
    '{"Effect": "Deny", "Resource": "*"}',
    '{"Effect": "Allow", "Principal": "*"}',
    '{"Effect": "Allow", "Action": "iam:PassRole"}',
])
def test_a_statement_missing_its_fields_is_lp002_and_breaks_no_rule(lint, statement):
    text = ('{"Version": "2012-10-17", "Statement": [' + statement +
            ', {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"}]}')
    codes = {f.code for f in lint(text)}
    assert "LP002" in codes and "LP000" not in codes


STAR_ON_TF = """\
resource "aws_s3_bucket" "data" {
  bucket = "data"
}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["*"]
    resources = [RESOURCES]
  }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = data.aws_iam_policy_document.d.json
}
"""

STAR_ON_CFN = """\
Resources:
  Data:
    Type: AWS::S3::Bucket
  Domain:
    Type: AWS::SageMaker::Domain
    Properties: {}
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: "*"
            Resource: [RESOURCES]
"""

STAR_ON_CDK = """\
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';

export function grant(scope: any, role: iam.Role, other: any) {
  const bucket = new s3.Bucket(scope, 'Data');
  role.addToPolicy(new iam.PolicyStatement({ actions: ['*'], resources: [RESOURCES] }));
}
"""


@pytest.mark.parametrize("template, name, resources, reported", [
    (STAR_ON_TF, "main.tf", 'aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"', False),
    (STAR_ON_TF, "main.tf", "aws_sagemaker_domain.d.arn", True),
    (STAR_ON_TF, "main.tf", "var.arn", True),
    (STAR_ON_TF, "main.tf", 'aws_s3_bucket.data.arn, "*"', True),
    (STAR_ON_CFN, "t.yaml", '!GetAtt Data.Arn, !Sub "${Data.Arn}/*"', False),
    (STAR_ON_CFN, "t.yaml", "!GetAtt Domain.DomainArn", True),
    (STAR_ON_CFN, "t.yaml", "!GetAtt Elsewhere.Arn", True),
    (STAR_ON_CDK, "stack.ts", "bucket.bucketArn, `${bucket.bucketArn}/*`", False),
    (STAR_ON_CDK, "stack.ts", "other.domainArn", True),
])
def test_star_on_the_arn_of_another_services_resource_grants_no_sagemaker_action(lint, template, name, resources,
                                                                                  reported):
    """A value the format knows is the ARN of another service's resource (an S3 bucket of the
    module, template or app) names no SageMaker resource: "*" on it grants no SageMaker action.
    An unknown value, or one of a SageMaker resource, could: still SM101."""
    got = [f.code for f in lint(template.replace("RESOURCES", resources), name, select=["SM101"])]
    assert got == (["SM101"] if reported else [])


def test_policy_words_in_prose_do_not_make_a_broken_file_a_policy_source(lint):
    """A workflow step "Cleanup Slurm Resources", a Helm key controlledResources: ordinary words,
    not keys of a template or policy: a YAML error there is not the linter's to report."""
    assert lint('name: ci\njobs:\n  c:\n    steps:\n      - name: Cleanup Slurm Resources\n        run: "a\n',
                name="ci.yml") == []
    assert lint('spec:\n  controlledResources: ["cpu", "memory"\n', name="vpa.yaml") == []
    assert [f.code for f in lint("Resources:\n  X: [\n", name="t.yaml")] == ["LP001"]
    assert [f.code for f in lint('{"Statement": [\n', name="p.json")] == ["LP001"]


def test_iam302_names_only_actions_that_can_be_granted(lint):
    text = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Resource": "*",
        "Action": ["ecr: PutImage", "ecr:BatchGetImage", "ecr: CompleteLayerUpload"]}]})
    (f,) = lint(text, select=["IAM302"])
    assert "grants ecr:BatchGetImage to any AWS account" in f.message
