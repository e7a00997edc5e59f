"""Correct policies stay quiet under every IAM1xx and IAM2xx rule, and under the LP002 additions.

The negative set: AWS's own policy examples from the Amazon SageMaker Developer Guide
(tests/negatives/aws-sagemaker-developer-guide.json: identity, trust, resource, VPC endpoint and
confused-deputy policies, the SageMaker condition keys with their documented operators), the
negative cases of the shared labelled cases (``*_neg``), and hand-written correct policies for the
shapes the new rules are about. Four guide examples hold real mistakes; they are checked to be
reported, each for what is wrong with it.
"""
import json
import os

import pytest

from conftest import HERE, shared_path

NEW_RULES = ["IAM1", "IAM2"]
DATA = os.path.join(HERE, "negatives", "aws-sagemaker-developer-guide.json")


def _guide():
    with open(DATA, encoding="utf-8") as fh:
        return json.load(fh)


GUIDE = _guide()


@pytest.mark.parametrize("i", range(len(GUIDE["correct"])),
                         ids=[f'{i:03d}-{e["page"]}' for i, e in enumerate(GUIDE["correct"])])
def test_sagemaker_developer_guide_examples_are_quiet(lint, i):
    entry = GUIDE["correct"][i]
    found = lint(entry["text"], name=f'{entry["page"]}.json', select=NEW_RULES + ["LP002", "IAM301", "IAM302"])
    found = [f for f in found if f.code.startswith(("IAM1", "IAM2", "LP002"))
             or f.code in ("IAM301", "IAM302") and _changed_by_the_aa_checks(f)]
    assert found == [], [(f.code, f.span.line, f.message) for f in found]


def _changed_by_the_aa_checks(f) -> bool:
    """IAM301 and IAM302 existed before; only their new shapes are this test's business."""
    return "NotResource" in f.message or "NotAction does not exclude" in f.message or "ForAllValues" in f.message


def test_the_guide_examples_cover_what_the_rules_read():
    texts = "\n".join(e["text"] for e in GUIDE["correct"])
    for shape in ("ForAllValues:StringEquals", "ForAllValues:StringLike", "sagemaker:VpcSubnets", "sagemaker:InstanceTypes",
                  '"Null"', '"Bool"', "ArnLike", "aws:SourceArn", "iam:PassedToService",
                  "aws:ResourceTag/", "aws:RequestTag/", "aws:TagKeys", '"Principal"', "sts:AssumeRole", "aws:SourceVpce",
                  "IpAddress", "${aws:"):
        assert shape in texts, shape
    assert len(GUIDE["correct"]) >= 100


MISTAKES = {
    # page: (code, line, what is wrong)
    "domain-multiple": [("LP002", 5, "Sid"), ("LP002", 21, "Sid")],  # Sids with spaces in an identity policy
    "sms-security-permission-execution-role": [("IAM101", 61, "sqs:SendMessageBatch")],  # not an IAM action
    "studio-jl": [("LP002", 5, "Sid")],
    "feature-store-security": [("IAM204", 38, "9 digits, not 12")],  # a principal account of 9 digits
}


@pytest.mark.parametrize("i", range(len(GUIDE["with_mistakes"])))
def test_guide_examples_with_real_mistakes_are_reported(lint, i):
    entry = GUIDE["with_mistakes"][i]
    found = lint(entry["text"], name=f'{entry["page"]}.json', select=NEW_RULES + ["LP002"])
    got = sorted((f.code, f.span.line) for f in found)
    want = sorted((c, line) for c, line, _ in MISTAKES[entry["page"]])
    assert got == want, [(f.code, f.span.line, f.message) for f in found]
    for (code, line, what), f in zip(sorted(MISTAKES[entry["page"]]), sorted(found, key=lambda f: (f.code, f.span.line))):
        assert what in f.message


def test_shared_negative_cases_are_quiet():
    from linter.engine import Options, run

    cases = shared_path("cases")
    names = sorted(n for n in os.listdir(cases) if "_neg" in n)
    assert names
    found = run([os.path.join(cases, n) for n in names], Options(select=NEW_RULES + ["LP002"])).findings
    assert found == [], [(f.file, f.code, f.span.line, f.message) for f in found]


# Correct policies for the shapes the new rules read: none of them may be reported.
CORRECT = [
    # a SageMaker execution role trust policy, with the confused-deputy conditions
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
     "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"},
                                               "ArnLike": {"aws:SourceArn": "arn:aws:sagemaker:us-east-1:111122223333:*"}}}]},
    # GitHub Actions OIDC trust, as GitHub and AWS document it
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
     "Action": "sts:AssumeRoleWithWebIdentity",
     "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                   "StringLike": {"token.actions.githubusercontent.com:sub": "repo:my-org/ml-pipelines:ref:refs/heads/main"}}}]},
    # SAML federation to SageMaker Studio, with a source identity and session tags
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
     "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/CorpIdP"},
     "Action": ["sts:AssumeRoleWithSAML", "sts:SetSourceIdentity", "sts:TagSession"],
     "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"},
                   "StringLike": {"sts:SourceIdentity": "*@example.com"},
                   "ForAllValues:StringEquals": {"sts:TransitiveTagKeys": ["team"]}}}]},
    # an organization-wide role
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                   "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}}}]},
    # a SageMaker data scientist: tags, VPC-only training, KMS, PassRole to SageMaker, per-user S3 home
    {"Version": "2012-10-17", "Statement": [
        {"Sid": "Train", "Effect": "Allow", "Action": ["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"],
         "Resource": "arn:aws:sagemaker:us-east-1:111122223333:*-job/team-a-*",
         "Condition": {"ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"],
                                                    "sagemaker:VpcSecurityGroupIds": ["sg-0a1b2c3d"]},
                       "Null": {"sagemaker:VpcSubnets": "false", "sagemaker:VolumeKmsKey": "false"},
                       "Bool": {"sagemaker:NetworkIsolation": "true"},
                       "ArnEquals": {"sagemaker:VolumeKmsKey": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
                       "StringEquals": {"aws:RequestTag/team": "a"},
                       "ForAllValues:StringLike": {"sagemaker:InstanceTypes": ["ml.m5.*", "ml.g5.*"]}}},
        {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole",
         "Resource": "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-team-a",
         "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}},
        {"Sid": "Home", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": "arn:aws:s3:::ml-home-111122223333/${aws:username}/*"},
        {"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::ml-home-111122223333",
         "Condition": {"StringLike": {"s3:prefix": ["${aws:username}/*"]}}},
        {"Sid": "Keys", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
         "Resource": "arn:aws:kms:us-east-1:111122223333:key/*",
         "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}},
        {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": "arn:aws:logs:us-east-1:111122223333:log-group:/aws/sagemaker/*:log-stream:*"},
        {"Sid": "Ecr", "Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
         "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/team-a/*"},
        {"Sid": "Images", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {"Sid": "Studio", "Effect": "Allow", "Action": "sagemaker:CreatePresignedDomainUrl",
         "Resource": "arn:aws:sagemaker:us-east-1:111122223333:user-profile/d-abc123/${aws:username}",
         "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}},
        {"Sid": "Guard", "Effect": "Deny", "Action": "sagemaker:*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:SourceVpce": ["vpce-0a1b2c3d4e5f67890"], "aws:RequestedRegion": "us-east-1"},
                       "BoolIfExists": {"aws:ViaAWSService": "false"}}},
        {"Sid": "NoPublicTags", "Effect": "Deny", "Action": "sagemaker:AddTags", "Resource": "*",
         "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": ["sagemaker:*"]}}},
        {"Sid": "Until", "Effect": "Allow", "Action": "sagemaker:InvokeEndpoint",
         "Resource": "arn:aws:sagemaker:us-east-1:111122223333:endpoint/churn",
         "Condition": {"DateLessThan": {"aws:CurrentTime": "2026-12-31T23:59:59Z"},
                       "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}},
    ]},
    # a bucket policy for SageMaker, with the TLS guardrail
    {"Version": "2012-10-17", "Statement": [
        {"Sid": "TLS only", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::ml-data", "arn:aws:s3:::ml-data/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "SageMaker read", "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::ml-data/*",
         "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}]},
]


@pytest.mark.parametrize("i", range(len(CORRECT)))
def test_hand_written_correct_policies_are_quiet(lint, i):
    text = json.dumps(CORRECT[i], indent=2)
    name = ["trust.json", "trust.json", "trust.json", "trust.json", "policy.json", "bucket-policy.json"][i]
    found = lint(text, name=name, select=NEW_RULES + ["LP002"])
    assert found == [], [(f.code, f.span.line, f.message) for f in found]
