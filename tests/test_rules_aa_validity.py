"""IAM101 to IAM110 (validity, at IAM Access Analyzer's depth) in policy JSON.

Each rule firing and not firing, with exact codes, lines, columns and severities; every list of
findings is taken with only the rule it is about selected. CloudFormation and Terraform are in
tests/test_rules_aa_formats.py; the negative set of correct policies in tests/test_aa_negatives.py.
"""
import json

import pytest

from aa_helpers import allow, at, expect, policy, pos, trust


# ---------------------------------------------------------------------------
# IAM101 unknown-action

def test_iam101_unknown_actions_and_services(lint):
    text = policy(allow(["s3:GetObject", "s3:GetObjects", "sagemakr:CreateModel", "s3:Frobnicate*"]))
    found = expect(lint, text, "IAM101", '"s3:GetObjects"', '"sagemakr:CreateModel"', '"s3:Frobnicate*"',
                   severity="warning")
    msgs = " | ".join(f.message for f in found)
    assert "did you mean s3:GetObject?" in msgs and "did you mean sagemaker:CreateModel?" in msgs
    assert "2026-10-27" in msgs and "does not list yet" in msgs


def test_iam101_reads_deny_and_notaction(lint):
    text = policy(allow("ec2:DescribeInstancez", effect="Deny"),
                  {"Effect": "Allow", "NotAction": "iam:CreatUser", "Resource": "*"})
    expect(lint, text, "IAM101", '"ec2:DescribeInstancez"', '"iam:CreatUser"')


def test_iam101_retired_service_gets_no_silly_hint(lint):
    (f,) = expect(lint, policy(allow("iotevents:ListInputs")), "IAM101", '"iotevents:ListInputs"')
    assert "did you mean" not in f.message and "retired" in f.message


@pytest.mark.parametrize("action", [
    "s3:GetObject", "S3:getobject", "sagemaker:CreateTrainingJobs",  # SM104's
    "*", "*:Get*", "s3*:Get*", "${var.action}", "not an action", "kms:*",
    "sagemaker-mlflow:AccessUI", "token.actions:x",
    "glue:ShareResource",  # documented in the Lake Formation guide, not in the reference
])
def test_iam101_quiet(lint, action):
    assert lint(policy(allow(action)), select=["IAM101"]) == []

# ---------------------------------------------------------------------------
# IAM102 unknown-condition-key

def test_iam102_unknown_keys(lint):
    cond = {"Bool": {"aws:SecureTransprot": "false"},
            "StringEquals": {"s3:prefx": "home/", "s4:prefix": "x", "SourceIp": "1", "aws:ResourceTag": "a",
                             "aws:ARN": "arn:aws:iam::111122223333:root", "ec2:ResourceTag": "x"}}
    text = policy(allow("s3:ListBucket", "arn:aws:s3:::ml-data", cond, effect="Deny"))
    found = expect(lint, text, "IAM102", '"aws:SecureTransprot"', '"s3:prefx"', '"s4:prefix"', '"SourceIp"',
                   '"aws:ResourceTag"', '"aws:ARN"', '"ec2:ResourceTag"', severity="warning")
    by = {f.value: f.message for f in found}
    assert "did you mean aws:SecureTransport?" in by["aws:SecureTransprot"]
    assert "did you mean s3:prefix?" in by["s3:prefx"]
    assert "no service has the prefix" in by["s4:prefix"]
    assert "service:name" in by["SourceIp"]
    assert "aws:ResourceTag/<tag-key>" in by["aws:ResourceTag"] and "ec2:ResourceTag/<tag-key>" in by["ec2:ResourceTag"]
    assert "aws:PrincipalArn" in by["aws:ARN"]


@pytest.mark.parametrize("key", [
    "token.actions.githubusercontent.com:sub", "accounts.google.com:aud", "cognito-identity.amazonaws.com:aud",
    "SAML:aud", "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:sub", "my.idp.example.com:groups",
    "aws:PrincipalTag/team", "AWS:SourceIp", "s3:prefix", "sagemaker:NoSuchKey", "${var.key}",
    "ec2:ResourceTag/env", "secretsmanager:ResourceTag/owner",
])
def test_iam102_quiet(lint, key):
    text = policy(allow("s3:ListBucket", "*", {"StringLike": {key: "x"}}))
    assert lint(text, select=["IAM102"]) == []

# ---------------------------------------------------------------------------
# IAM103 condition-key-not-supported

def test_iam103_key_no_action_supports(lint):
    text = policy(allow("s3:GetObject", "arn:aws:s3:::ml-data/*", {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}),
                  allow("kms:DescribeKey", "*", {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}, effect="Deny"))
    found = expect(lint, text, "IAM103", '"iam:PassedToService"', '"aws:TagKeys"', severity="warning")
    assert "s3:GetObject" in found[0].message or "s3:GetObject" in found[1].message


@pytest.mark.parametrize("statement", [
    allow("iam:PassRole", "*", {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}),
    allow(["s3:GetObject", "iam:PassRole"], "*", {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}),
    allow("iam:*", "*", {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}),
    allow("*", "*", {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}),
    allow("*:Get*", "*", {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}),
    allow("s3:GetObject", "*", {"Bool": {"aws:SecureTransport": "true"}}),  # global keys: every action
    allow("secretsmanager:GetSecretValue", "*", {"StringEquals": {"secretsmanager:ResourceTag/SageMaker": "true"}}),
    allow("sagemaker:DescribeEndpoint", "*", {"Bool": {"sagemaker:NetworkIsolation": "true"}}),  # SM204's
    {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"iam:PassedToService": "x"}}},
])
def test_iam103_quiet(lint, statement):
    assert lint(policy(statement), select=["IAM103"]) == []

# ---------------------------------------------------------------------------
# IAM104 invalid-condition-operator

def test_iam104_operators(lint):
    cond = {"StringEqual": {"aws:username": "a"}, "NullIfExists": {"aws:TokenIssueTime": "true"},
            "ForAllValues:Null": {"aws:TagKeys": "false"}, "ForAllValue:StringLike": {"aws:TagKeys": "a"}}
    text = policy(allow("s3:GetObject", "*", cond))
    found = lint(text, select=["IAM104"])
    assert at(found, "IAM104") == sorted([
        ("IAM104",) + pos(text, '"StringEqual"') + ("error",),
        ("IAM104",) + pos(text, '"NullIfExists"') + ("error",),
        ("IAM104",) + pos(text, '"ForAllValues:Null"') + ("warning",),
        ("IAM104",) + pos(text, '"ForAllValue:StringLike"') + ("error",),
    ])
    by = {f.value: f.message for f in found}
    assert "did you mean StringEquals?" in by["StringEqual"]
    assert "did you mean ForAllValues:StringLike?" in by["ForAllValue:StringLike"]
    assert "always true" in by["ForAllValues:Null"]


def test_iam104_one_finding_per_operator(lint):
    text = policy(allow("s3:GetObject", "*", {"StringEqual": {"aws:username": "a", "aws:userid": "b"}}))
    expect(lint, text, "IAM104", '"StringEqual"')


@pytest.mark.parametrize("op", ["StringEquals", "stringequals", "ForAnyValue:StringLikeIfExists", "Null",
                                "ArnNotLikeIfExists", "ForAllValues:StringEquals", "DateGreaterThan", "BinaryEquals"])
def test_iam104_quiet(lint, op):
    assert lint(policy(allow("s3:GetObject", "*", {op: {"aws:username": "a"}})), select=["IAM104"]) == []

# ---------------------------------------------------------------------------
# IAM105 missing-set-qualifier

def test_iam105_multivalued_keys_need_a_qualifier(lint):
    cond = {"StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"], "aws:TagKeys": "team"},
            "StringLike": {"sagemaker:InstanceTypes": "ml.c5.*"}}
    text = policy(allow("sagemaker:CreateTrainingJob", "*", cond))
    found = expect(lint, text, "IAM105", '"sagemaker:VpcSubnets"', '"aws:TagKeys"', '"sagemaker:InstanceTypes"',
                   severity="warning")
    assert all("ForAllValues:" in f.message for f in found)


def test_iam105_quiet(lint):
    cond = {"ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"]},
            "Null": {"sagemaker:VpcSubnets": "false"}, "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-1/*"},
            "StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    assert lint(policy(allow("sagemaker:CreateTrainingJob", "*", cond)), select=["IAM105"]) == []

# ---------------------------------------------------------------------------
# IAM106 condition-type-mismatch

def test_iam106_type_mismatch(lint):
    cond = {"StringEquals": {"sagemaker:NetworkIsolation": "True"}, "StringLike": {"aws:SourceIp": "10.0.*"},
            "NumericLessThan": {"aws:username": "5"}, "DateGreaterThan": {"aws:SourceVpc": "2024-01-01"}}
    text = policy(allow("sagemaker:CreateTrainingJob", "*", cond))
    expect(lint, text, "IAM106", '"sagemaker:NetworkIsolation"', '"aws:SourceIp"', '"aws:username"',
           '"aws:SourceVpc"', severity="warning")


def test_iam106_key_types_a_service_guide_documents_otherwise(lint):
    # String in the Service Authorization Reference; Glacier's vault lock examples compare it as a number
    deny = {"Effect": "Deny", "Principal": "*", "Action": "glacier:DeleteArchive", "Resource": "*",
            "Condition": {"NumericLessThan": {"glacier:ArchiveAgeInDays": "365"}}}
    assert lint(json.dumps({"Version": "2012-10-17", "Statement": [deny]}), select=["IAM106"]) == []
    deny["Condition"] = {"StringLike": {"glacier:ArchiveAgeInDays": "36*"}}
    expect(lint, json.dumps({"Version": "2012-10-17", "Statement": [deny]}), "IAM106", '"glacier:ArchiveAgeInDays"')


def test_iam106_boolean_text_is_a_note(lint):
    text = policy(allow("s3:GetObject", "*", {"StringEquals": {"aws:SecureTransport": "true"}}))
    (f,) = expect(lint, text, "IAM106", '"aws:SecureTransport"', severity="note")
    assert "use Bool" in f.message


@pytest.mark.parametrize("cond", [
    {"ArnLike": {"aws:SourceArn": "arn:aws:sagemaker:*:111122223333:*"}},
    {"StringEquals": {"aws:SourceArn": "arn:aws:sagemaker:us-east-1:111122223333:endpoint/x"}},
    {"ArnEquals": {"aws:username": "arn:aws:iam::111122223333:user/x"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"Null": {"aws:SourceIp": "true"}},
    {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
    {"DateLessThan": {"aws:CurrentTime": "2026-12-31T00:00:00Z"}},
    {"StringEquals": {"my.idp.example.com:groups": "x"}},
    {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
])
def test_iam106_quiet(lint, cond):
    assert lint(policy(allow("s3:GetObject", "*", cond)), select=["IAM106"]) == []

# ---------------------------------------------------------------------------
# IAM107 invalid-condition-value

def test_iam107_values_of_the_wrong_shape(lint):
    cond = {"Bool": {"aws:SecureTransport": "yes"},
            "DateGreaterThan": {"aws:CurrentTime": "yesterday"},
            "IpAddress": {"aws:SourceIp": "10.0.0.300/8"},
            "NumericLessThan": {"aws:MultiFactorAuthAge": "ten"},
            "StringNotEquals": {"aws:SourceVpce": "vpce-123", "aws:SourceVpc": "vpc-1a2b", "aws:RequestedRegion": "us-east1"},
            "StringEquals": {"iam:PassedToService": "sagemaker", "kms:ViaService": "s3.amazonaws.com"}}
    text = policy(allow("s3:GetObject", "*", cond, effect="Deny"))
    found = expect(lint, text, "IAM107", '"yes"', '"yesterday"', '"10.0.0.300/8"', '"ten"', '"vpce-123"',
                   '"vpc-1a2b"', '"us-east1"', '"sagemaker"', '"s3.amazonaws.com"', severity="warning")
    assert any("sagemaker.amazonaws.com" in f.message for f in found)


def test_iam107_several_booleans(lint):
    text = policy(allow("s3:GetObject", "*", {"Bool": {"aws:SecureTransport": ["true", "false"]}}))
    expect(lint, text, "IAM107", '"false"')


@pytest.mark.parametrize("cond", [
    {"Bool": {"aws:SecureTransport": "TRUE"}},
    {"Bool": {"aws:SecureTransport": False}},
    {"Null": {"aws:TagKeys": "false"}},
    {"DateGreaterThan": {"aws:CurrentTime": "2026-01-31T12:00:00Z"}},
    {"DateGreaterThan": {"aws:EpochTime": "1767225600"}},
    {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"]}},
    {"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}},
    {"StringEquals": {"aws:SourceVpce": ["vpce-1a2b3c4d", "vpce-0a1b2c3d4e5f67890"], "aws:SourceVpc": "vpc-111bbaaa"}},
    {"StringEquals": {"aws:SourceVpce": "<vpc-endpoint-id>", "aws:SourceVpc": "vpc-xxxxxxxx"}},
    {"StringLike": {"aws:SourceVpce": "vpce-*", "iam:PassedToService": "*.amazonaws.com"}},
    {"StringEquals": {"iam:PassedToService": ["sagemaker.amazonaws.com", "ec2.amazonaws.com.cn"]}},
    {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com", "aws:RequestedRegion": ["us-east-1", "REGION"]}},
    {"StringEquals": {"kms:ViaService": ["sagemaker.<region>.amazonaws.com", "sagemaker.REGION.amazonaws.com"]}},
    {"StringEquals": {"aws:SourceVpce": "${aws:SourceVpce}"}},
])
def test_iam107_quiet(lint, cond):
    assert lint(policy(allow("s3:GetObject", "*", cond)), select=["IAM107"]) == []

# ---------------------------------------------------------------------------
# IAM108 source-ip-private

def test_iam108_private_ranges(lint):
    text = policy(allow("sagemaker:CreatePresignedDomainUrl", "*", {"IpAddress": {"aws:SourceIp": ["10.0.0.0/16", "192.168.1.0/24"]}}),
                  allow("sagemaker:*", "*", {"NotIpAddress": {"aws:SourceIp": "172.16.0.0/12"}}, effect="Deny"),
                  allow("s3:GetObject", "*", {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "10.1.0.0/16"]}}))
    found = lint(text, select=["IAM108"])
    assert at(found, "IAM108") == sorted([
        ("IAM108",) + pos(text, '"10.0.0.0/16"') + ("warning",),
        ("IAM108",) + pos(text, '"192.168.1.0/24"') + ("warning",),
        ("IAM108",) + pos(text, '"172.16.0.0/12"') + ("warning",),
        ("IAM108",) + pos(text, '"10.1.0.0/16"') + ("note",),
    ])
    assert any("always matches" in f.message for f in found) and any("never matches" in f.message for f in found)


@pytest.mark.parametrize("cond", [
    {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
    {"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}},
    {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
    {"IpAddress": {"aws:SourceIp": "${ip}"}},
])
def test_iam108_quiet(lint, cond):
    assert lint(policy(allow("s3:GetObject", "*", cond)), select=["IAM108"]) == []

# ---------------------------------------------------------------------------
# IAM109 invalid-resource-arn

def test_iam109_arn_problems(lint):
    resources = [
        "arn:aws:iam:us-east-1:111122223333:role/ml-training",  # Region not allowed
        "arn:aws:s3:::111122223333:ml-data",  # fine: a bucket named "111122223333:ml-data" cannot exist, but the
        "arn:aws:s3::111122223333:ml-data",  # account not allowed
        "arn:aws:sagemaker::111122223333:endpoint/churn",  # Region missing
        "ml-data/*",  # not an ARN
        "arn:aws:s3",  # missing fields
        "arn:amazon:s3:::ml-data",  # partition
        "arn:aws:S3:::ml-data",  # service case
        "arn:aws:sagemakr:us-east-1:111122223333:model/x",  # unknown service
        "arn:aws:sagemaker:us-east-1:11112222333:model/x",  # account of 11 digits
        "arn:aws:sagemaker:us-east1:111122223333:model/x",  # Region syntax
        "arn:aws:sagemaker:*:*:endpointconfig/*",  # a slip in the type name
        "arn:aws:iam::111122223333:service-role/ml",  # IAM path without role/
    ]
    text = policy(allow("s3:GetObject", resources, effect="Deny"))
    found = lint(text, select=["IAM109"])
    wanted = [r for r in resources if r != "arn:aws:s3:::111122223333:ml-data"]
    assert sorted((f.span.line, f.span.col) for f in found) == sorted(pos(text, f'"{r}"') for r in wanted)
    sev = {f.value: f.severity for f in found}
    assert sev["ml-data/*"] == "error" and sev["arn:aws:s3"] == "error"
    assert sev["arn:aws:iam:us-east-1:111122223333:role/ml-training"] == "warning"
    msgs = {f.value: f.message for f in found}
    assert "has a Region" in msgs["arn:aws:iam:us-east-1:111122223333:role/ml-training"]
    assert "has an account" in msgs["arn:aws:s3::111122223333:ml-data"]
    assert "has no Region" in msgs["arn:aws:sagemaker::111122223333:endpoint/churn"]
    assert "did you mean sagemaker?" in msgs["arn:aws:sagemakr:us-east-1:111122223333:model/x"]
    assert '"endpoint-config"' in msgs["arn:aws:sagemaker:*:*:endpointconfig/*"]
    assert "role/service-role/ml" in msgs["arn:aws:iam::111122223333:service-role/ml"]


def test_iam109_missing_account_where_every_resource_has_one(lint):
    resources = [
        "arn:aws:iam:::role/sagemaker-exec",  # no role
        "arn:aws:ecr:us-east-1::repository/images",  # no repository
        "arn:aws:logs:${region}::log-group:/aws/sagemaker/*",  # a placeholder Region: still no account
        "arn:aws:ecr:region::repository/my-repo",  # a guide's fill-in word for the Region: not judged
        "arn:aws:ssm:us-east-1::parameter/aws/service/x",  # AWS's public parameters have none
    ]
    text = policy(allow("ecr:BatchGetImage", resources))
    found = lint(text, select=["IAM109"])
    assert [(f.span.line, f.span.col) for f in found] == [pos(text, f'"{r}"') for r in resources[:3]]
    assert all("has no account, but" in f.message and "so it matches nothing" in f.message for f in found)


def test_a_role_arn_without_an_account_passes_no_role(lint):
    text = policy(allow(["iam:PassRole", "sagemaker:CreateTrainingJob"], "arn:aws:iam:::role/*"))
    assert [f.code for f in lint(text, select=["IAM109", "IAM301", "SM301"])] == ["IAM109"]


def test_sm203_says_when_a_sagemaker_arn_has_no_account(lint):
    text = policy(allow("sagemaker:InvokeEndpoint", "arn:aws:sagemaker:us-east-1::endpoint/churn"))
    (f,) = lint(text, select=["IAM109", "SM203", "SM201"])
    assert (f.code, f.span.line, f.span.col) == ("SM203",) + pos(text, '"arn:aws:sagemaker:us-east-1::endpoint/churn"')
    assert f.message.startswith('"arn:aws:sagemaker:us-east-1::endpoint/churn" has no account, but SageMaker ARNs '
                                'have one, so it matches no resource of the statement\'s SageMaker actions '
                                '(sagemaker:InvokeEndpoint)')


def test_iam109_leaves_sm203_statements_to_sm203(lint):
    text = policy(allow("sagemaker:CreateTrainingJob", "arn:aws:sagemaker::111122223333:training-job/x"))
    found = lint(text, select=["IAM109", "SM203"])
    assert [f.code for f in found] == ["SM203"]


@pytest.mark.parametrize("resource", [
    "*", "arn:aws:s3:::ml-data/*", "arn:aws:s3:::ml-data/home/${aws:username}/*", "arn:aws:iam::111122223333:role/x",
    "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", "arn:aws:sagemaker:*:*:*", "arn:aws:logs:*:*:log-group:/aws/sagemaker/*",
    "arn:aws:ssm:us-east-1::parameter/aws/service/ami-amazon-linux-latest/*", "arn:aws:ec2:*::image/*",
    "arn:aws:bedrock:*::foundation-model/*", "arn:aws:cloudformation:*:aws:transform/Serverless-2016-10-31",
    "execute-api:/*/POST/predict", "${BucketArn}/*", "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x",
    "arn:aws:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/churn", "arn:aws:iam::ACCOUNT_ID:role/x",
    "arn:aws:sagemaker:REGION:<account>:model/x", "your_KMS_key_ARN", "arn:aws:s3:::*", "arn:aws:*:*:*:*",
    "arn:aws:sagemaker:*", "arn:aws-cn:s3:::b", "arn:aws:kms:us-east-1:111122223333:key/*",
    "arn:aws:apigateway:us-east-1::/restapis/*", "arn:aws:sagemaker:us-east-1:aws:hub/SageMakerPublicHub",
])
def test_iam109_quiet(lint, resource):
    assert lint(policy(allow("s3:GetObject", resource, effect="Deny")), select=["IAM109"]) == []

def test_iam109_matching_shortcuts_agree_with_the_automaton():
    from linter.rules._common import meet_automaton, patterns_meet

    values = ["training-job/x", "training-job/*", "training-*", "train*", "*", "training-job/", "training-job",
              "Training-Job/x*", "t?aining-job/x", "training-job/${aws:username}", "training-job/a/b", "endpoint/*",
              "*/x", "training-job*", "${x}", "log-group:/aws/*", "log-group:*", "a${*}b*", "ml-data/home/*"]
    formats = ["training-job/${N}", "endpoint/${E}", "log-group:${G}", "log-group:${G}:log-stream:${S}", "${Bucket}",
               "${Bucket}/${Key}", "training-job/${N}/x", "account", "a*b/${X}"]
    for v in values:
        for f in formats:
            assert patterns_meet(v, f) == meet_automaton(v, f), (v, f)


# ---------------------------------------------------------------------------
# IAM110 invalid-policy-variable

def test_iam110_version_ignores_variables(lint):
    text = policy(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"), version=None)
    (f,) = expect(lint, text, "IAM110", '"arn:aws:s3:::home/${aws:username}/*"', severity="warning")
    assert "no Version" in f.message
    text = policy(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"), version="2008-10-17")
    (f,) = expect(lint, text, "IAM110", '"arn:aws:s3:::home/${aws:username}/*"')
    assert '"2008-10-17"' in f.message


def test_iam110_malformed_variables(lint):
    resources = ["arn:aws:s3:::a/${}/*", "arn:aws:s3:::b/${aws:username", "arn:aws:s3:::c/${ aws:username }/*",
                 "arn:aws:s3:::d/${aws:PrincipalTag/team, none}/*", "arn:aws:s3:::e/${aws:PrincipalTag/team, 'none'}/*"]
    text = policy(allow("s3:GetObject", resources,
                        {"NumericLessThan": {"aws:MultiFactorAuthAge": "${aws:TokenIssueTime}"}}),
                  allow("s3:${aws:username}", "*"))
    found = expect(lint, text, "IAM110", '"arn:aws:s3:::a/${}/*"', '"arn:aws:s3:::b/${aws:username"',
                   '"arn:aws:s3:::c/${ aws:username }/*"', '"arn:aws:s3:::d/${aws:PrincipalTag/team, none}/*"',
                   '"${aws:TokenIssueTime}"', '"s3:${aws:username}"')
    msgs = " | ".join(f.message for f in found)
    for part in ("empty", "closing brace", "no spaces", "single quotes", "NumericLessThan", "in Action"):
        assert part in msgs


def test_iam110_variable_in_principal(lint):
    text = policy(trust({"AWS": "arn:aws:iam::${aws:PrincipalAccount}:root"}))
    expect(lint, text, "IAM110", '"arn:aws:iam::${aws:PrincipalAccount}:root"', name="trust.json")


@pytest.mark.parametrize("resource", ["arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::b/${*}",
                                      "arn:aws:s3:::${BucketName}/*", "arn:aws:s3:::b/${var.prefix}/*"])
def test_iam110_quiet(lint, resource):
    assert lint(policy(allow("s3:GetObject", resource)), select=["IAM110"]) == []


# IAM301 does not take a malformed iam:PassedToService for a limit; IAM107 names the value

def test_iam301_malformed_passedtoservice_stays_an_error(lint):
    text = policy(allow("iam:PassRole", "*", {"StringEquals": {"iam:PassedToService": "sagemaker"}}))
    found = lint(text, select=["IAM301", "IAM107"])
    assert at(found, "IAM301") == [("IAM301",) + pos(text, '"iam:PassRole"') + ("error",)]
    assert at(found, "IAM107") == [("IAM107",) + pos(text, '"sagemaker"') + ("warning",)]
