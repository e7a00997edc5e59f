"""IAM201 to IAM208 (security warnings, at IAM Access Analyzer's depth) in policy JSON.

Each rule firing and not firing, with exact codes, lines, columns and severities; every list of
findings is taken with only the rules it is about selected. CloudFormation and Terraform are in
tests/test_rules_aa_formats.py; the negative set of correct policies in tests/test_aa_negatives.py.
"""
import pytest

from aa_helpers import allow, at, expect, policy, pos, trust


# ---------------------------------------------------------------------------
# IAM201 forallvalues-single-valued-key, and the IAM302 bug it came with

def test_iam201_and_iam302_forallvalues_principal_org(lint):
    text = policy(trust({"AWS": "*"}, condition={"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}))
    found = lint(text, name="trust.json", select=["IAM201", "IAM302"])
    assert at(found, "IAM201") == [("IAM201",) + pos(text, '"aws:PrincipalOrgID"') + ("warning",)]
    assert at(found, "IAM302") == [("IAM302",) + pos(text, '"*"') + ("error",)]


def test_iam201_deny_is_a_note_and_negated_operators_are_quiet(lint):
    text = policy(allow("s3:*", "*", {"ForAllValues:StringEquals": {"aws:RequestedRegion": "eu-west-1"}}, effect="Deny"),
                  allow("s3:*", "*", {"ForAllValues:StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}, effect="Deny"),
                  allow("s3:*", "*", {"ForAllValues:StringEquals": {"aws:TagKeys": "team"}}))
    expect(lint, text, "IAM201", '"aws:RequestedRegion"', severity="note")


def test_iam201_github_sub(lint):
    text = policy(trust({"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
                        "sts:AssumeRoleWithWebIdentity",
                        {"ForAllValues:StringLike": {"token.actions.githubusercontent.com:sub": "repo:my-org/ml:*"},
                         "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}))
    expect(lint, text, "IAM201", '"token.actions.githubusercontent.com:sub"', name="trust.json")

# ---------------------------------------------------------------------------
# IAM202 foranyvalue-single-valued-key

def test_iam202_negated_operators(lint):
    text = policy(allow("sagemaker:*", "*", {"ForAnyValue:StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, effect="Deny"),
                  allow("s3:GetObject", "*", {"ForAnyValue:StringNotLike": {"aws:userid": "AIDA*"}}),
                  allow("s3:GetObject", "*", {"ForAnyValue:StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
                  allow("s3:*", "*", {"ForAnyValue:StringNotEquals": {"aws:TagKeys": "team"}}, effect="Deny"))
    found = lint(text, select=["IAM202"])
    assert at(found, "IAM202") == sorted([("IAM202",) + pos(text, '"aws:PrincipalOrgID"') + ("warning",),
                                          ("IAM202",) + pos(text, '"aws:userid"') + ("note",)])

# ---------------------------------------------------------------------------
# IAM203 wildcard-without-like

def test_iam203_wildcards_compared_as_text(lint):
    text = policy(allow("sagemaker:InvokeEndpoint", "*", {"StringEquals": {"aws:ResourceTag/project": ["churn-*", "fraud"]}}),
                  trust({"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
                        "sts:AssumeRoleWithWebIdentity",
                        {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:my-org/*",
                                          "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}))
    found = expect(lint, text, "IAM203", '"churn-*"', '"repo:my-org/*"', severity="warning")
    assert all("StringLike" in f.message for f in found)


@pytest.mark.parametrize("cond", [
    {"StringLike": {"aws:ResourceTag/project": "churn-*"}},
    {"StringEquals": {"aws:ResourceTag/project": "a${*}b"}},
    {"ArnEquals": {"aws:SourceArn": "arn:aws:sagemaker:*:111122223333:*"}},
    {"StringEquals": {"aws:ResourceTag/project": "churn"}},
])
def test_iam203_quiet(lint, cond):
    assert lint(policy(allow("s3:GetObject", "*", cond)), select=["IAM203"]) == []

# ---------------------------------------------------------------------------
# IAM204 invalid-principal

def test_iam204_principals_iam_refuses(lint):
    text = policy(trust({"Services": "sagemaker.amazonaws.com"}),
                  trust({"AWS": ["arn:aws:iam::111122223333:role/*", "111122223333", "AROAEXAMPLEID1234567"]}),
                  trust({"Service": "sagemaker"}),
                  trust({"Federated": "arn:aws:iam::111122223333:oidc-provider/https://token.actions.githubusercontent.com"},
                        "sts:AssumeRoleWithWebIdentity"),
                  trust({"Federated": "token.actions.githubusercontent.com"}, "sts:AssumeRoleWithWebIdentity"))
    found = lint(text, name="trust.json", select=["IAM204"])
    assert at(found, "IAM204") == sorted([
        ("IAM204",) + pos(text, '"Services"') + ("error",),
        ("IAM204",) + pos(text, '"arn:aws:iam::111122223333:role/*"') + ("error",),
        ("IAM204",) + pos(text, '"AROAEXAMPLEID1234567"') + ("note",),
        ("IAM204",) + pos(text, '"sagemaker"') + ("error",),
        ("IAM204",) + pos(text, '"arn:aws:iam::111122223333:oidc-provider/https://') + ("error",),
        ("IAM204",) + pos(text, '"token.actions.githubusercontent.com"') + ("error",),
    ])
    assert 'did you mean "Service"?' in [f for f in found if f.value == "Services"][0].message


def test_iam204_an_account_id_of_the_wrong_length(lint):
    text = policy(trust({"AWS": ["arn:aws:iam::123456789:root", "arn:aws:iam::111122223333:root",
                                 "arn:${AWS::Partition}:iam::1818188181818187272:root"]}))
    found = lint(text, name="trust.json", select=["IAM204"])
    assert [(f.span.line, f.span.col, f.severity) for f in found] == [
        pos(text, '"arn:aws:iam::123456789:root"') + ("error",),
        pos(text, '"arn:${AWS::Partition}:iam::1818188181818187272:root"') + ("error",)]
    assert 'the account "123456789" has 9 digits, not 12' in found[0].message


def test_iam204_an_access_key_id_is_no_principal(lint):
    from keygen import key_id

    k = key_id("principal")
    text = policy(trust({"AWS": [k, "ANPAEXAMPLEID12345678"]}))
    found = lint(text, name="trust.json", select=["IAM204"])
    # an access key id (and a managed policy id) is refused by IAM: the error, not the unique-id note
    assert at(found, "IAM204") == [("IAM204",) + pos(text, f'"{k}"') + ("error",),
                                   ("IAM204",) + pos(text, '"ANPAEXAMPLEID12345678"') + ("error",)]
    assert "is an access key id, not a principal" in found[0].message and k not in found[0].message


def test_iam204_service_principal_in_amazon_com(lint):
    # services sign as <service>.amazonaws.com; only Alexa's principals end in amazon.com
    text = policy(trust({"Service": ["sagemaker.amazon.com", "alexa-appkit.amazon.com", "notaservice.amazon.com"]}))
    (f,) = expect(lint, text, "IAM204", '"sagemaker.amazon.com"', name="trust.json", severity="error")
    assert '"sagemaker.amazonaws.com"' in f.message


def test_iam204_federated_in_a_resource_policy(lint):
    text = policy(dict(trust({"Federated": "cognito-identity.amazonaws.com"}, "s3:GetObject"), Resource="arn:aws:s3:::b/*"))
    expect(lint, text, "IAM204", '"cognito-identity.amazonaws.com"', name="bucket-policy.json")


@pytest.mark.parametrize("principal", [
    "*", {"AWS": "*"}, {"AWS": "arn:aws:iam::111122223333:root"}, {"AWS": "111122223333"},
    {"AWS": "arn:aws:sts::111122223333:assumed-role/ml/session"}, {"Service": ["sagemaker.amazonaws.com", "states.us-east-1.amazonaws.com"]},
    {"Federated": "arn:aws:iam::111122223333:saml-provider/CorpIdP"}, {"Federated": "cognito-identity.amazonaws.com"},
    {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
    {"AWS": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}, {"AWS": "${var.account_id}"},
    # whole values written to be replaced: templates, as in Resource
    {"AWS": "<arn:aws:iam::111122223333:role/Jane>"}, {"AWS": "<ROLE_ARN>"}, {"AWS": "{role_arn}"},
    {"Federated": "<OIDC_PROVIDER_ARN>"},
])
def test_iam204_quiet(lint, principal):
    assert lint(policy(trust(principal)), name="trust.json", select=["IAM204"]) == []

# ---------------------------------------------------------------------------
# IAM205 federated-action-mismatch

def test_iam205_action_does_not_fit_the_principal(lint):
    saml = "arn:aws:iam::111122223333:saml-provider/CorpIdP"
    oidc = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    text = policy(trust({"Federated": saml}, "sts:AssumeRoleWithWebIdentity"),
                  trust({"Federated": oidc}, "sts:AssumeRoleWithSAML"),
                  trust({"Federated": oidc}, "sts:AssumeRole"),
                  trust({"Service": "sagemaker.amazonaws.com"}, "sts:AssumeRoleWithWebIdentity"))
    found = expect(lint, text, "IAM205", '"sts:AssumeRoleWithWebIdentity"', '"sts:AssumeRoleWithSAML"',
                   '"sts:AssumeRole"', ('"sts:AssumeRoleWithWebIdentity"', 2), name="trust.json", severity="error")
    assert "use sts:AssumeRoleWithSAML" in found[0].message or any("use sts:AssumeRoleWithSAML" in f.message for f in found)


def test_iam205_quiet(lint):
    text = policy(trust({"Federated": "arn:aws:iam::111122223333:saml-provider/CorpIdP"}, ["sts:AssumeRoleWithSAML", "sts:TagSession"]),
                  trust({"Federated": "cognito-identity.amazonaws.com"}, "sts:AssumeRoleWithWebIdentity"),
                  trust({"AWS": "111122223333", "Federated": "arn:aws:iam::111122223333:saml-provider/X"},
                        ["sts:AssumeRole", "sts:AssumeRoleWithSAML"]),
                  trust({"Service": "sagemaker.amazonaws.com"}, "sts:AssumeRole"))
    assert lint(text, name="trust.json", select=["IAM205"]) == []

# ---------------------------------------------------------------------------
# IAM206 trust-missing-action

def test_iam206_missing_actions(lint):
    text = policy(trust({"AWS": "arn:aws:iam::111122223333:role/platform"}, "sts:AssumeRole",
                        {"StringLike": {"sts:SourceIdentity": "*@example.com"}, "StringEquals": {"aws:RequestTag/team": "ml"}}),
                  trust({"Service": "rolesanywhere.amazonaws.com"}, ["sts:AssumeRole", "sts:TagSession"]))
    found = expect(lint, text, "IAM206", '"sts:SourceIdentity"', '"aws:RequestTag/team"', '"rolesanywhere.amazonaws.com"',
                   name="trust.json", severity="error")
    assert any("sts:SetSourceIdentity" in f.message and "lacks" in f.message for f in found)


def test_iam206_action_allowed_by_another_statement_for_the_same_principal(lint):
    tags = {"ForAllValues:StringLike": {"aws:TagKeys": "datazone*"}}
    text = policy(trust({"Service": "datazone.amazonaws.com"}, "sts:AssumeRole", tags),
                  trust({"Service": "datazone.amazonaws.com"}, "sts:TagSession", tags),
                  trust({"AWS": "111122223333"}, "sts:AssumeRole", tags))
    # the account's statement has no TagSession of its own nor from a statement naming it
    expect(lint, text, "IAM206", ('"aws:TagKeys"', 3), name="trust.json", severity="error")


def test_iam206_quiet(lint):
    text = policy(trust({"AWS": "arn:aws:iam::111122223333:role/platform"},
                        ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
                        {"StringLike": {"sts:SourceIdentity": "*@example.com"}, "StringEquals": {"aws:RequestTag/team": "ml"}}),
                  trust({"Service": "rolesanywhere.amazonaws.com"}, ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]),
                  trust({"AWS": "111122223333"}, "sts:*", {"StringLike": {"sts:SourceIdentity": "*"}}))
    assert lint(text, name="trust.json", select=["IAM206"]) == []

# ---------------------------------------------------------------------------
# IAM208 trust-policy-action

def test_iam208_other_services_in_a_trust_policy(lint):
    text = policy(trust({"Service": "sagemaker.amazonaws.com"}, ["sts:AssumeRole", "s3:GetObject"]),
                  trust({"AWS": "111122223333"}, ["iam:CreateRole"], effect="Deny"),
                  trust({"AWS": "111122223333"}, ["sts:AssumeRole", "SageMaker:*"]))
    found = expect(lint, text, "IAM208", '"s3:GetObject"', '"iam:CreateRole"', '"SageMaker:*"',
                   name="trust.json", severity="error")
    assert "grant s3 actions in the role's permissions policy" in found[0].message


def test_iam208_quiet_on_sts_actions_and_what_it_cannot_read(lint):
    text = policy(trust({"Service": "sagemaker.amazonaws.com"},
                        ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext", "STS:*"]),
                  trust({"AWS": "111122223333"}, ["*", "s*:AssumeRole", "${TrustAction}"]))
    assert lint(text, name="trust.json", select=["IAM208"]) == []
    # an identity policy may grant anything
    assert lint(policy(allow(["s3:GetObject", "sts:AssumeRole"])), name="p.json", select=["IAM208"]) == []

# ---------------------------------------------------------------------------
# IAM207 action-service-wildcard

def test_iam207_service_wildcards(lint):
    text = policy(allow(["*:Describe*", "sage*:*", "*", "*:*", "s3:Get*"]),
                  allow("*:Delete*", effect="Deny"))
    expect(lint, text, "IAM207", '"*:Describe*"', '"sage*:*"', severity="warning")


def test_iam207_not_in_documents_that_grant_nothing(lint):
    text = policy(allow("*:Describe*"))
    assert lint(text, name="permissions-boundary.json", select=["IAM207"]) == []


def test_iam302_not_on_a_statement_whose_resource_is_no_arn(lint):
    # a resource policy statement whose only Resource cannot be an ARN grants nothing: IAM109 says why
    bad = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "lambda:InvokeFunction",
           "Resource": "lambda.amazonaws.com"}
    text = policy(bad)
    assert [f.code for f in lint(text, name="function-policy.json", select=["IAM302", "IAM109"])] == ["IAM109"]
    good = policy(dict(bad, Resource="arn:aws:lambda:us-east-1:111122223333:function:f"))
    assert [f.code for f in lint(good, name="function-policy.json", select=["IAM302", "IAM109"])] == ["IAM302"]


def test_iam204_a_wildcard_written_beside_placeholders(lint):
    text = policy(trust({"AWS": ["arn:${AWS::Partition}:iam::*:role/deployer", "arn:aws:iam::${AccountId}:role/deployer"]}))
    found = lint(text, name="trust.json", select=["IAM204"])
    # the placeholder is filled in at deploy time; the wildcard next to it is written
    assert at(found, "IAM204") == [("IAM204",) + pos(text, '"arn:${AWS::Partition}:iam::*:role/deployer"') + ("error",)]
