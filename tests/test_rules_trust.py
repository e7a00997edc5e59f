"""IAM302 (wildcard principal), IAM303 (federated trust) and SM105 (broad managed policy).

Each rule firing and not firing, with exact lines and columns; also calling the rules
directly on the model, as a third-party caller would.
"""
import json
import textwrap

import pytest

from linter.located import Span
from linter.model import ManagedPolicyRef, Origin, Val
from linter.rule import Context


def pos(text, needle, nth=1):
    start = -1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    return line, start - (text.rfind("\n", 0, start) + 1) + 1


def at(findings, code):
    return sorted((f.code, f.span.line, f.span.col) for f in findings if f.code == code)


def trust(principal, action="sts:AssumeRole", condition=None, effect="Allow"):
    st = {"Effect": effect, "Principal": principal, "Action": action}
    if condition is not None:
        st["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [st]}, indent=2)


# ---------------------------------------------------------------------------
# IAM302

@pytest.mark.parametrize("principal,needle", [
    ("*", '"*"'),
    ({"AWS": "*"}, '"*"'),
    ({"AWS": ["arn:aws:iam::123456789012:root", "*"]}, '"*"'),
])
def test_iam302_fires_on_wildcard_principal(lint, principal, needle):
    text = trust(principal)
    assert at(lint(text), "IAM302") == [("IAM302",) + pos(text, needle)]


def test_iam302_standalone_trust_case(lint):
    found = lint(trust("*"), name="trust.json")
    (f,) = [f for f in found if f.code == "IAM302"]
    assert (f.span.line, f.span.col, f.severity) == (6, 20, "error")
    assert "assume this role" in f.message


@pytest.mark.parametrize("condition", [
    {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}},
    {"StringEquals": {"aws:PrincipalAccount": "123456789012"}},
    {"ArnLike": {"aws:SourceArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn"}},
    {"StringEquals": {"AWS:SourceAccount": "123456789012"}},
    {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
    {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}},  # the EFS console's file system policy
    {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/*"}},  # one account's roles
    {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::training-data"}},  # a bucket's ARN has no account
])
def test_iam302_quiet_when_narrowed(lint, condition):
    assert at(lint(trust({"AWS": "*"}, condition=condition)), "IAM302") == []


@pytest.mark.parametrize("condition", [
    {"StringNotEquals": {"aws:PrincipalAccount": "123456789012"}},  # excludes one, admits the rest
    {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},  # absent key passes
    {"StringLike": {"aws:PrincipalArn": "*"}},  # a wildcard narrows nothing
    {"Bool": {"aws:SecureTransport": "true"}},  # not about who
    {"IpAddress": {"aws:SourceIp": ["0.0.0.0/0", "::/0"]}},  # every address
    {"StringLike": {"aws:PrincipalOrgID": "o-*"}},  # every organization
    {"StringLike": {"aws:PrincipalAccount": "12345678901?"}},  # accounts nobody here owns
    {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/SageMakerExecution*"}},  # that name in any account
    {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-*/r-ab12/*"}},
    {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "false"}},
])
def test_iam302_conditions_that_do_not_narrow(lint, condition):
    text = trust("*", condition=condition)
    assert at(lint(text), "IAM302") == [("IAM302",) + pos(text, '"*"')]


def test_iam302_quiet_for_specific_principals_deny_and_services(lint):
    assert at(lint(trust({"AWS": "arn:aws:iam::123456789012:role/ci"})), "IAM302") == []
    assert at(lint(trust({"Service": "sagemaker.amazonaws.com"})), "IAM302") == []
    assert at(lint(trust("*", effect="Deny")), "IAM302") == []


def test_iam302_resource_policy_message(lint):
    text = trust("*", action="s3:GetObject")
    (f,) = [f for f in lint(text) if f.code == "IAM302"]
    assert "grants s3:GetObject to any AWS account" in f.message


def test_iam302_notprincipal(lint):
    text = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}, indent=2)
    assert at(lint(text), "IAM302") == [("IAM302",) + pos(text, '"NotPrincipal"')]


def test_iam302_in_a_template(lint):
    text = textwrap.dedent("""\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Key:
            Type: AWS::KMS::Key
            Properties:
              KeyPolicy:
                Statement:
                  - Effect: Allow
                    Principal: {AWS: "*"}
                    Action: kms:Decrypt
                    Resource: "*"
                  - Effect: Allow
                    Principal: {AWS: "*"}
                    Action: kms:Decrypt
                    Resource: "*"
                    Condition:
                      StringEquals: {kms:CallerAccount: !Ref AWS::AccountId}
          Endpoint:
            Type: AWS::EC2::VPCEndpoint
            Properties:
              PolicyDocument:
                Statement: [{Effect: Allow, Principal: "*", Action: "s3:*", Resource: "*"}]
        """)
    assert at(lint(text, name="template.yaml"), "IAM302") == [("IAM302",) + pos(text, '"*"')]


def test_iam302_trusted_accounts_option():
    from linter.rules.iam302 import RULE

    doc = _doc(trust({"AWS": "*"}, condition={"StringEquals": {"aws:SourceAccount": "111122223333"}}))
    assert list(RULE.check(doc, Context())) == []
    (f,) = RULE.check(doc, Context({"trusted-accounts": ["123456789012"]}))
    assert f.severity == "warning" and "111122223333" in f.message


def _doc(text):
    from linter.model import build_document
    from linter.parsers.json_loc import parse_json

    return build_document(parse_json(text), Origin("x.json", "policy-json"), role="trust")


# ---------------------------------------------------------------------------
# IAM303

GH = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
GH_AUD = {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
GH_SUB = {"token.actions.githubusercontent.com:sub": "repo:my-org/ml:ref:refs/heads/main"}


def web(provider, condition=None, action="sts:AssumeRoleWithWebIdentity"):
    return trust({"Federated": provider}, action=action, condition=condition)


@pytest.mark.parametrize("condition,phrase", [
    (None, "neither a token.actions.githubusercontent.com:sub nor"),
    ({"StringEquals": GH_AUD}, "no token.actions.githubusercontent.com:sub condition"),
    ({"StringLike": GH_SUB}, "no token.actions.githubusercontent.com:aud condition"),
    ({"StringEquals": GH_AUD, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}, '"repo:*"'),
    ({"StringEquals": GH_AUD, "StringLike": {"token.actions.githubusercontent.com:sub": "*"}}, "any owner"),
    ({"StringLike": dict(GH_SUB, **{"token.actions.githubusercontent.com:aud": "*"})}, "any "),
    ({"StringNotEquals": GH_AUD, "StringLike": GH_SUB}, "no token.actions.githubusercontent.com:aud"),
    # no audience and a subject of any owner: both said
    ({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}},
     'no token.actions.githubusercontent.com:aud condition and accepts token.actions.githubusercontent.com:sub '
     '"repo:*", which matches workflows of any owner: any repository can assume this role'),
])
def test_iam303_github(lint, condition, phrase):
    text = web(GH, condition)
    found = [f for f in lint(text) if f.code == "IAM303"]
    assert at(found, "IAM303") == [("IAM303",) + pos(text, f'"{GH}"')]
    assert phrase in found[0].message


def test_iam303_github_safe(lint):
    assert at(lint(web(GH, {"StringEquals": GH_AUD, "StringLike": GH_SUB})), "IAM303") == []
    sub_any_repo_of_org = {"token.actions.githubusercontent.com:sub": "repo:my-org/*"}
    assert at(lint(web(GH, {"StringEquals": GH_AUD, "StringLike": sub_any_repo_of_org})), "IAM303") == []


@pytest.mark.parametrize("provider,condition,fires", [
    ("cognito-identity.amazonaws.com", None, True),
    ("cognito-identity.amazonaws.com", {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:1234"}}, False),
    ("arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC", None, True),
    ("arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
     {"StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:ml:trainer"}}, False),
    ("accounts.google.com", None, True),
    ("accounts.google.com", {"StringEquals": {"accounts.google.com:aud": "123.apps.googleusercontent.com"}}, False),
])
def test_iam303_other_web_identity(lint, provider, condition, fires):
    text = web(provider, condition)
    expected = [("IAM303",) + pos(text, f'"{provider}"')] if fires else []
    assert at(lint(text), "IAM303") == expected


GL = "arn:aws:iam::123456789012:oidc-provider/gitlab.com"


@pytest.mark.parametrize("condition,phrase", [
    # a GitLab job sets its token's audience itself: aud alone admits any project
    ({"StringEquals": {"gitlab.com:aud": "https://gitlab.com"}}, "no gitlab.com:sub condition"),
    ({"StringLike": {"gitlab.com:sub": "project_path:*"}}, '"project_path:*", which matches subjects of any owner'),
    ({"StringLike": {"gitlab.com:sub": "project_path:my-group*/ml:ref_type:branch:ref:main"}}, "any owner"),
    ({"StringLike": {"gitlab.com:sub": "project_path:my-group/ml:ref_type:branch:ref:main"}}, None),
    ({"StringLike": {"gitlab.com:sub": "project_path:my-group/*"}}, None),  # the group's projects
])
def test_iam303_gitlab(lint, condition, phrase):
    text = web(GL, condition)
    found = [f for f in lint(text) if f.code == "IAM303"]
    if phrase is None:
        assert found == []
    else:
        assert at(found, "IAM303") == [("IAM303",) + pos(text, f'"{GL}"')]
        assert phrase in found[0].message


def test_iam303_saml(lint):
    saml = "arn:aws:iam::123456789012:saml-provider/Okta"
    text = web(saml, action="sts:AssumeRoleWithSAML")
    assert at(lint(text), "IAM303") == [("IAM303",) + pos(text, f'"{saml}"')]
    ok = web(saml, {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}, action="sts:AssumeRoleWithSAML")
    assert at(lint(ok), "IAM303") == []


def test_iam303_needs_the_federated_action(lint):
    assert at(lint(web(GH, action="sts:TagSession")), "IAM303") == []
    text = web(GH, action="sts:AssumeRole*")
    assert at(lint(text), "IAM303") == [("IAM303",) + pos(text, f'"{GH}"')]
    deny = trust({"Federated": GH}, "sts:AssumeRoleWithWebIdentity", effect="Deny")
    assert at(lint(deny), "IAM303") == []


def test_iam303_template_ref_sub_and_unknown_provider(lint):
    text = textwrap.dedent("""\
        AWSTemplateFormatVersion: "2010-09-09"
        Parameters:
          ProviderArn: {Type: String}
        Resources:
          Gh:
            Type: AWS::IAM::OIDCProvider
            Properties:
              Url: https://token.actions.githubusercontent.com
          ViaRef:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal:
                      Federated: !GetAtt Gh.Arn
                    Action: sts:AssumeRoleWithWebIdentity
                    Condition:
                      StringEquals:
                        token.actions.githubusercontent.com:aud: sts.amazonaws.com
          ViaSub:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal:
                      Federated: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"
                    Action: sts:AssumeRoleWithWebIdentity
                    Condition:
                      StringEquals:
                        token.actions.githubusercontent.com:aud: sts.amazonaws.com
                      StringLike:
                        token.actions.githubusercontent.com:sub: repo:my-org/ml:*
          Unknown:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal:
                      Federated: !Ref ProviderArn
                    Action: sts:AssumeRoleWithWebIdentity
          UnknownOk:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal:
                      Federated: !Ref ProviderArn
                    Action: sts:AssumeRoleWithWebIdentity
                    Condition:
                      StringEquals: {"oidc.example.com:aud": my-app}
        """)
    found = [f for f in lint(text, name="template.yaml") if f.code == "IAM303"]
    assert at(found, "IAM303") == sorted([
        ("IAM303",) + pos(text, "!GetAtt Gh.Arn"),  # the in-template provider is GitHub: sub is missing
        ("IAM303",) + pos(text, "Federated", 3),  # an unknown provider: at the Federated principal
    ])


# ---------------------------------------------------------------------------
# SM105

SM105_TEMPLATE = textwrap.dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Exec:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement: [{Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: "sts:AssumeRole"}]
          ManagedPolicyArns:
            - !Sub "arn:${AWS::Partition}:iam::aws:policy/AmazonSageMakerFullAccess"
            - arn:aws:iam::aws:policy/job-function/DataScientist
            - arn:aws-us-gov:iam::aws:policy/PowerUserAccess
            - arn:aws:iam::aws:policy/AmazonSageMakerReadOnly
            - arn:aws:iam::123456789012:policy/AdministratorAccess
            - !Ref ExtraPolicy
            - !If [Admin, arn:aws:iam::aws:policy/AdministratorAccess, !Ref AWS::NoValue]
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Policies:
            - AmazonSageMakerFullAccess
            - AWSLambdaBasicExecutionRole
    """)


def test_sm105_positions(lint):
    t = SM105_TEMPLATE
    found = [f for f in lint(t, name="template.yaml") if f.code == "SM105"]
    assert at(found, "SM105") == sorted([
        ("SM105",) + pos(t, '"arn:${AWS::Partition}'),
        ("SM105",) + pos(t, "arn:aws:iam::aws:policy/job-function/DataScientist"),
        ("SM105",) + pos(t, "arn:aws-us-gov:iam::aws:policy/PowerUserAccess"),
        ("SM105",) + pos(t, "arn:aws:iam::aws:policy/AdministratorAccess"),  # inside the !If
        ("SM105",) + pos(t, "- AmazonSageMakerFullAccess")[:1] + (pos(t, "- AmazonSageMakerFullAccess")[1] + 2,),
    ])
    assert all(f.severity == "warning" for f in found)
    assert "job-function/DataScientist" in [f for f in found if "DataScientist" in f.message][0].message


def _ref(value, span=Span(3, 5, 3, 20)):
    return ManagedPolicyRef.of(Val(value, span, ("ManagedPolicyArns", 0)), Origin("t.yaml", "cloudformation"))


@pytest.mark.parametrize("value,fires", [
    ("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", True),
    ("arn:aws-cn:iam::aws:policy/AdministratorAccess", True),
    ("arn:${AWS::Partition}:iam::aws:policy/job-function/DataScientist", True),
    ("arn:aws:iam::aws:policy/SageMakerStudioAdminIAMPermissiveExecutionPolicy", True),
    ("DataScientist", True),
    ("arn:aws:iam::aws:policy/AmazonSageMakerReadOnly", False),
    ("arn:aws:iam::aws:policy/service-role/AmazonSageMakerServiceCatalogProductsUseRole", False),
    ("arn:aws:iam::123456789012:policy/AmazonSageMakerFullAccess", False),  # customer managed, same name
    ("arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/AdministratorAccess", False),
    ("", False),
])
def test_sm105_direct(value, fires):
    from linter.rules.sm105 import RULE

    found = list(RULE.check(_ref(value), Context()))
    assert [(f.code, f.span) for f in found] == ([("SM105", Span(3, 5, 3, 20))] if fires else [])


def test_sm105_unresolved_and_allowed_option():
    from linter.located import Unresolved
    from linter.rules.sm105 import RULE

    assert list(RULE.check(_ref(Unresolved("!Ref Policy", "Ref")), Context())) == []
    ctx = Context({"allowed-policies": ["AmazonSageMakerFullAccess"]})
    assert list(RULE.check(_ref("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"), ctx)) == []


def test_rule_metadata_is_complete():
    from linter.rules import iam302, iam303, sm105

    for mod, scope in ((iam302, "document"), (iam303, "document"), (sm105, "managed")):
        r = mod.RULE
        assert r.scope == scope
        assert r.code and r.name and r.summary and r.rationale and r.example and r.fix and r.references
        assert r.example_format == "yaml"


@pytest.mark.parametrize("code", ["IAM302", "IAM303", "SM105"])
def test_rule_examples_fire_and_fixes_do_not(lint, code):
    from linter.registry import load_builtin

    rule = load_builtin(code)
    assert code in [f.code for f in lint(rule.example, name="example.yaml", select=[code])]
    assert code not in [f.code for f in lint(rule.fix, name="fix.yaml", select=[code])]


@pytest.mark.parametrize("fence,reported", [
    ({"StringNotEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}, False),  # the private API pattern
    ({"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}, False),
    ({"NotIpAddress": {"aws:SourceIp": ["0.0.0.0/0"]}}, True),  # denies no address: no fence
])
def test_iam302_a_deny_to_everyone_but_the_narrowed_requests_fences(lint, fence, reported):
    api = "arn:aws:execute-api:us-east-1:123456789012:abc123/*"
    text = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": api},
        {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": api, "Condition": fence}]},
        indent=1)
    assert at(lint(text, "api-policy.json"), "IAM302") == ([("IAM302",) + pos(text, '"*"')] if reported else [])


def test_iam303_a_provider_written_to_be_replaced_needs_a_subject_or_audience(lint):
    def trust_of(condition):
        st = {"Effect": "Allow", "Principal": {"Federated": "<OIDC_PROVIDER_ARN>"},
              "Action": "sts:AssumeRoleWithWebIdentity"}
        if condition:
            st["Condition"] = condition
        return json.dumps({"Version": "2012-10-17", "Statement": [st]}, indent=2)

    assert lint(trust_of({"StringEquals": {"<OIDC_PROVIDER>:sub": "system:serviceaccount:ml:trainer"}}),
                name="trust.json", select=["IAM303"]) == []
    (f,) = lint(trust_of(None), name="trust.json", select=["IAM303"])
    assert "has no audience or subject condition" in f.message
