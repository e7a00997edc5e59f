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
    # Values of one key are ORed: "*" admits every account whatever the other value says.
    text = trust(anyone({"StringLike": {"aws:PrincipalAccount": ["111122223333", "*"]}}),
                 anyone({"StringLike": {"aws:PrincipalAccount": ["111122223333", "4444555566*"]}}),
                 anyone({"StringEquals": {"aws:PrincipalOrgID": ["o-a1b2c3d4e5", "?*"]}}))
    assert where(lint(text, name="trust.json", select=["IAM302"])) == [
        ("IAM302",) + pos(text, '"*"'), ("IAM302",) + pos(text, '"*"', 4)]


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
    ("arn:aws:sagemaker:*::*", True),  # an empty account field: every account the policy applies to
    ("arn:aws:sagemaker:us-east-1::*", True),
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


@pytest.mark.parametrize("resource,code", [
    ("arn:aws:sagemaker:*::*", "SM201"),  # an empty account counts as every account
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
