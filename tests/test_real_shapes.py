"""Shapes real repositories showed: document roles, what a statement really grants,
messages, template files, files that are no policy source, parse errors, LP002 and SM105
from Terraform lookups (docs/real-corpus.md, docs/rules/*.md).

Positions are asserted exactly. ``pos(text, needle)`` gives the 1-based line and column
where ``needle`` starts in ``text`` (its n-th occurrence). Credentials are made at run
time by ``keygen``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT, shared_path
from keygen import key_id
from linter.engine import Options, run

#: Rules about what a statement grants: they read identity and resource documents only.
GRANT_RULES = ["SM101", "SM102", "SM103", "SM201", "SM202", "SM203", "IAM301"]
#: The grant rules, the validity rules that read every document, and IAM302.
ROLE_RULES = GRANT_RULES + ["SM104", "SM204", "IAM302"]


def pos(text, needle, nth=1, start=0):
    """(line, column) of the nth ``needle`` in ``text`` at or after offset ``start``."""
    start -= 1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, col


def after(text, needle, nth=1):
    """Where the text that follows ``needle`` starts."""
    line, col = pos(text, needle, nth)
    return line, col + len(needle)


def at(findings, code=None):
    return sorted((f.code, f.span.line, f.span.col) for f in findings if code is None or f.code == code)


def where(findings):
    return sorted((f.file, f.code, f.span.line, f.span.col) for f in findings)


def t(s):
    return textwrap.dedent(s).lstrip("\n")


def write(tmp_path, files: dict):
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


@pytest.fixture
def lint_files(tmp_path, monkeypatch):
    """lint_files(files, paths=["."], **options) -> findings: writes files under tmp_path, runs there."""
    monkeypatch.chdir(tmp_path)

    def _run(files, paths=(".",), **kw):
        write(tmp_path, files)
        return run(list(paths), Options(**kw)).findings

    return _run


def cli(*args, cwd):
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env=env)


# ---------------------------------------------------------------------------
# 1. Document roles: documents that cap or filter grant nothing, but must still be valid

# A statement granting everything, then a guardrail whose action and condition key do not exist.
CFN_STATEMENTS = """\
        Statement:
          - Effect: Allow
            Action: "*"
            Resource: "*"
          - Effect: Deny
            Action: sagemaker:CreateTrainingJobb
            Resource: "*"
            Condition:
              "Null":
                sagemaker:VolumeKmsKeys: "true"
"""


def only_validity(text, found, quoted=False):
    """The findings a capping document gets: SM104 and SM204 on its Deny guardrail, nothing else."""
    q = '"' if quoted else ""
    assert at(found) == sorted([
        ("SM104",) + pos(text, f"{q}sagemaker:CreateTrainingJobb"),
        ("SM204",) + pos(text, f"{q}sagemaker:VolumeKmsKeys"),
    ])


CFN_ENDPOINT = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      SageMakerApi:
        Type: AWS::EC2::VPCEndpoint
        Properties:
          ServiceName: !Sub com.amazonaws.${AWS::Region}.sagemaker.api
          VpcId: !Ref Vpc
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: "*"
                Action: "*"
                Resource: "*"
              - Effect: Deny
                Principal: "*"
                Action: sagemaker:CreateTrainingJobb
                Resource: "*"
                Condition:
                  "Null":
                    sagemaker:VolumeKmsKeys: "true"
    """)


def test_cfn_vpc_endpoint_policy_grants_nothing_but_is_validated(lint):
    """Principal/Action/Resource "*" is the norm in a VPC endpoint policy: no grant rule nor IAM302;
    the unknown action and condition key of its Deny are still reported."""
    only_validity(CFN_ENDPOINT, lint(CFN_ENDPOINT, name="template.yaml", select=ROLE_RULES))


def test_cfn_same_document_as_bucket_policy_is_reported(lint):
    """Control: the same document attached to a bucket grants to the world."""
    text = CFN_ENDPOINT.replace("AWS::EC2::VPCEndpoint", "AWS::S3::BucketPolicy")
    found = lint(text, name="template.yaml", select=ROLE_RULES)
    assert at(found) == sorted([
        ("IAM302",) + pos(text, '"*"'),
        ("SM101",) + pos(text, '"*"', 2),
        ("IAM301",) + pos(text, '"*"', 2),
        ("SM201",) + pos(text, '"*"', 3),
        ("SM104",) + pos(text, "sagemaker:CreateTrainingJobb"),
        ("SM204",) + pos(text, "sagemaker:VolumeKmsKeys"),
    ])


CFN_BOUNDARY = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Boundary:
        Type: AWS::IAM::ManagedPolicy
        Properties:
          PolicyDocument:
            Version: "2012-10-17"
    """) + CFN_STATEMENTS + """\
  MlRole:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: !Ref Boundary
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: sagemaker.amazonaws.com}
            Action: sts:AssumeRole
"""


def test_cfn_permissions_boundary_grants_nothing(lint):
    """A managed policy a role takes as PermissionsBoundary caps the role: Action "*" there is not reported."""
    assert "PermissionsBoundary: !Ref Boundary" in CFN_BOUNDARY
    only_validity(CFN_BOUNDARY, lint(CFN_BOUNDARY, name="template.yaml", select=ROLE_RULES))


def test_cfn_permissions_boundary_by_getatt_policy_arn_grants_nothing(lint):
    """!GetAtt Boundary.PolicyArn names the same managed policy as !Ref Boundary: it is a boundary too."""
    text = CFN_BOUNDARY.replace("PermissionsBoundary: !Ref Boundary", "PermissionsBoundary: !GetAtt Boundary.PolicyArn")
    only_validity(text, lint(text, name="template.yaml", select=ROLE_RULES))


def test_cfn_managed_policy_attached_as_permissions_is_reported(lint):
    """Control: the same managed policy in ManagedPolicyArns grants everything."""
    text = CFN_BOUNDARY.replace("PermissionsBoundary: !Ref Boundary", "ManagedPolicyArns: [!Ref Boundary]")
    found = lint(text, name="template.yaml", select=ROLE_RULES)
    assert at(found) == sorted([
        ("SM101",) + pos(text, '"*"'),
        ("IAM301",) + pos(text, '"*"'),
        ("SM201",) + pos(text, '"*"', 2),
        ("SM104",) + pos(text, "sagemaker:CreateTrainingJobb"),
        ("SM204",) + pos(text, "sagemaker:VolumeKmsKeys"),
    ])


CFN_SCP = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Guardrails:
        Type: AWS::Organizations::Policy
        Properties:
          Name: guardrails
          Type: SERVICE_CONTROL_POLICY
          Content:
            Version: "2012-10-17"
    """) + CFN_STATEMENTS


@pytest.mark.parametrize("typ", ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"])
def test_cfn_organizations_policy_grants_nothing(lint, typ):
    """An SCP/RCP caps what accounts may do: Action "*" there is not reported, its Deny is still validated."""
    text = CFN_SCP.replace("SERVICE_CONTROL_POLICY", typ)
    only_validity(text, lint(text, name="template.yaml", select=ROLE_RULES))


def test_cfn_same_content_as_managed_policy_is_reported(lint):
    """Control: the SCP's document as an IAM managed policy grants everything."""
    text = (CFN_SCP.replace("AWS::Organizations::Policy", "AWS::IAM::ManagedPolicy")
            .replace("      Type: SERVICE_CONTROL_POLICY\n", "").replace("Content:", "PolicyDocument:"))
    found = lint(text, name="template.yaml", select=GRANT_RULES)
    assert at(found) == sorted([("SM101",) + pos(text, '"*"'), ("IAM301",) + pos(text, '"*"'),
                                ("SM201",) + pos(text, '"*"', 2)])


CFN_TRUST = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: {Service: sagemaker.amazonaws.com}
                Action: "*"
              - Effect: Deny
                Principal: {AWS: "*"}
                Action: sagemaker:CreateTrainingJobb
          Policies:
            - PolicyName: everything
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Action: "*"
                    Resource: arn:aws:sagemaker:us-east-1:111122223333:*
    """)


def test_cfn_trust_policy_with_action_star_is_no_sm101(lint):
    """Action "*" in a trust policy grants no SageMaker action (the role's inline policy with "*" does);
    an unknown action in the trust policy's Deny is still SM104."""
    found = lint(CFN_TRUST, name="template.yaml", select=["SM101", "SM104"])
    assert at(found) == sorted([("SM101",) + pos(CFN_TRUST, '"*"', 3),
                                ("SM104",) + pos(CFN_TRUST, "sagemaker:CreateTrainingJobb")])


# Terraform: the same two statements in jsonencode.
TF_STATEMENTS = """jsonencode({
    Statement = [
      { Effect = "Allow", Principal = "*", Action = "*", Resource = "*" },
      { Effect = "Deny", Principal = "*", Action = "sagemaker:CreateTrainingJobb", Resource = "*",
        Condition = { Null = { "sagemaker:VolumeKmsKeys" = "true" } } },
    ]
  })"""

TF_ENDPOINT = f'''resource "aws_vpc_endpoint" "sagemaker_api" {{
  vpc_id       = var.vpc_id
  service_name = "com.amazonaws.us-east-1.sagemaker.api"
  policy       = {TF_STATEMENTS}
}}
'''

TF_ENDPOINT_POLICY = f'''resource "aws_vpc_endpoint_policy" "sagemaker_api" {{
  vpc_endpoint_id = aws_vpc_endpoint.sagemaker_api.id
  policy          = {TF_STATEMENTS}
}}
'''


@pytest.mark.parametrize("text", [TF_ENDPOINT, TF_ENDPOINT_POLICY], ids=["aws_vpc_endpoint", "aws_vpc_endpoint_policy"])
def test_tf_vpc_endpoint_policies_grant_nothing(lint, text):
    """aws_vpc_endpoint.policy and aws_vpc_endpoint_policy.policy: no grant rule, no IAM302; Deny validated."""
    only_validity(text, lint(text, name="main.tf", select=ROLE_RULES), quoted=True)


def test_tf_same_document_as_bucket_policy_is_reported(lint):
    """Control: the same jsonencode document as an aws_s3_bucket_policy is a resource policy."""
    text = TF_ENDPOINT_POLICY.replace("aws_vpc_endpoint_policy", "aws_s3_bucket_policy")
    found = lint(text, name="main.tf", select=ROLE_RULES)
    assert at(found) == sorted([
        ("IAM302",) + after(text, "Principal = "),
        ("SM101",) + after(text, "Action = "),
        ("IAM301",) + after(text, "Action = "),
        ("SM201",) + after(text, "Resource = "),
        ("SM104",) + pos(text, '"sagemaker:CreateTrainingJobb"'),
        ("SM204",) + pos(text, '"sagemaker:VolumeKmsKeys"'),
    ])


TF_BOUNDARY = '''resource "aws_iam_policy" "boundary" {
  name = "ml-boundary"
  policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = "*", Resource = "*" },
      { Effect = "Deny", Action = "sagemaker:CreateTrainingJobb", Resource = "*",
        Condition = { Null = { "sagemaker:VolumeKmsKeys" = "true" } } },
    ]
  })
}
'''

TF_ROLE_WITH_BOUNDARY = '''resource "aws_iam_role" "ml" {
  name                 = "ml"
  permissions_boundary = aws_iam_policy.boundary.arn
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}
'''


@pytest.mark.parametrize("ref", [
    "aws_iam_policy.boundary.arn",
    '"${aws_iam_policy.boundary.arn}"',
    "aws_iam_policy.boundary.id",
])
def test_tf_permissions_boundary_in_the_same_file_grants_nothing(lint, ref):
    """An aws_iam_policy an aws_iam_role of the same file takes as permissions_boundary is not reported."""
    text = TF_BOUNDARY + "\n" + TF_ROLE_WITH_BOUNDARY.replace("aws_iam_policy.boundary.arn", ref)
    assert f"permissions_boundary = {ref}\n" in text
    only_validity(text, lint(text, name="main.tf", select=ROLE_RULES), quoted=True)


@pytest.mark.parametrize("paths", [["."], ["boundary.tf"]], ids=["walk", "boundary-file-alone"])
def test_tf_permissions_boundary_used_from_another_file_grants_nothing(lint_files, paths):
    """The role taking the boundary is in another .tf of the directory: the policy is still a boundary,
    whether the directory is walked or the policy's file is linted alone (a pre-commit run)."""
    found = lint_files({"boundary.tf": TF_BOUNDARY, "role.tf": TF_ROLE_WITH_BOUNDARY}, paths=paths, select=ROLE_RULES)
    assert where(found) == [("boundary.tf", "SM104") + pos(TF_BOUNDARY, '"sagemaker:CreateTrainingJobb"'),
                            ("boundary.tf", "SM204") + pos(TF_BOUNDARY, '"sagemaker:VolumeKmsKeys"')]


def test_tf_policy_that_no_role_takes_as_boundary_is_reported(lint):
    """Control: the same aws_iam_policy with no role using it as a boundary is an identity policy."""
    found = lint(TF_BOUNDARY, name="main.tf", select=GRANT_RULES)
    assert at(found) == sorted([("SM101",) + after(TF_BOUNDARY, "Action = "),
                                ("IAM301",) + after(TF_BOUNDARY, "Action = "),
                                ("SM201",) + after(TF_BOUNDARY, "Resource = ")])


TF_ORG = '''resource "aws_organizations_policy" "guardrails" {
  name    = "guardrails"
  content = jsonencode({
    Statement = [
      { Effect = "Allow", Action = "*", Resource = "*" },
      { Effect = "Deny", Action = "sagemaker:CreateTrainingJobb", Resource = "*",
        Condition = { Null = { "sagemaker:VolumeKmsKeys" = "true" } } },
    ]
  })
}
'''


def test_tf_organizations_policy_without_type_is_an_scp(lint):
    """aws_organizations_policy with no type is an SCP: Action "*" is not reported, the Deny is validated."""
    only_validity(TF_ORG, lint(TF_ORG, name="main.tf", select=ROLE_RULES), quoted=True)


TF_TAG_POLICY = '''resource "aws_organizations_policy" "tags" {
  name    = "tags"
  type    = "TAG_POLICY"
  content = jsonencode({
    Statement = [
      { Effect = "Deny", Action = "sagemaker:CreateTrainingJobb", Resource = "*", Effect = "Allow" },
    ]
  })
}
'''


def test_tf_tag_policy_content_is_not_read(lint):
    """A TAG_POLICY holds no IAM policy: its content is not read at all (no LP002, no SM104)."""
    assert lint(TF_TAG_POLICY, name="main.tf") == []


def test_tf_same_content_as_scp_is_read(lint):
    """Control: with type SERVICE_CONTROL_POLICY the same content is validated (duplicate key, unknown action)."""
    text = TF_TAG_POLICY.replace("TAG_POLICY", "SERVICE_CONTROL_POLICY")
    found = lint(text, name="main.tf", select=["LP", "SM", "IAM"])
    assert at(found) == sorted([("SM104",) + pos(text, '"sagemaker:CreateTrainingJobb"'),
                                ("LP002",) + pos(text, "Effect", 2)])
    assert [f.message for f in found if f.code == "LP002"] == [
        "duplicate key 'Effect' in statement (the last one wins)"]


def _plan_text():
    allow_all = {"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "Action": "sagemaker:CreateTrainingJobb", "Resource": "*",
         "Condition": {"Null": {"sagemaker:VolumeKmsKeys": "true"}}}]}
    everything = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    plan = {"format_version": "1.2", "terraform_version": "1.7.0", "planned_values": {"root_module": {"resources": [
        {"address": "aws_organizations_policy.scp", "mode": "managed", "type": "aws_organizations_policy",
         "name": "scp", "values": {"name": "scp", "type": "SERVICE_CONTROL_POLICY", "content": json.dumps(everything)}},
        {"address": "aws_vpc_endpoint.sm", "mode": "managed", "type": "aws_vpc_endpoint", "name": "sm",
         "values": {"service_name": "com.amazonaws.us-east-1.sagemaker.api", "policy": json.dumps(allow_all)}},
        {"address": "aws_iam_policy.control", "mode": "managed", "type": "aws_iam_policy", "name": "control",
         "values": {"name": "control", "policy": json.dumps(everything)}},
    ]}}}
    return json.dumps(plan, indent=2)


def test_tf_plan_organizations_and_endpoint_policies_grant_nothing(lint):
    """In a `terraform show -json` plan, aws_organizations_policy and aws_vpc_endpoint grant nothing;
    an aws_iam_policy with the same document (the control) is reported."""
    text = _plan_text()
    found = lint(text, name="plan.json", select=ROLE_RULES)
    control = text.index('"aws_iam_policy.control"')
    star = '\\"*\\"'  # a JSON string inside the plan's JSON
    assert [(f.code, f.label) for f in found] == [
        ("SM104", "aws_vpc_endpoint.sm"), ("SM204", "aws_vpc_endpoint.sm"), ("IAM301", "aws_iam_policy.control"),
        ("SM101", "aws_iam_policy.control"), ("SM201", "aws_iam_policy.control")]
    assert at(found) == sorted([("SM104",) + pos(text, '\\"sagemaker:CreateTrainingJobb\\"'),
                                ("SM204",) + pos(text, '\\"sagemaker:VolumeKmsKeys\\"'),
                                ("IAM301",) + pos(text, star, start=control),
                                ("SM101",) + pos(text, star, start=control),
                                ("SM201",) + pos(text, star, 2, start=control)])


def test_tf_plan_permissions_boundary_grants_nothing(lint):
    """In a plan, the aws_iam_policy whose ARN a role takes as permissions_boundary is a boundary, as in .tf."""
    arn = "arn:aws:iam::111122223333:policy/ml-boundary"
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                            "Action": "sts:AssumeRole"}]}
    plan = {"format_version": "1.2", "terraform_version": "1.7.0",
            "planned_values": {"root_module": {"resources": [
                {"address": "aws_iam_policy.boundary", "mode": "managed", "type": "aws_iam_policy", "name": "boundary",
                 "values": {"name": "ml-boundary", "arn": arn, "policy": json.dumps(
                     {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})}},
                {"address": "aws_iam_role.ml", "mode": "managed", "type": "aws_iam_role", "name": "ml",
                 "values": {"name": "ml", "permissions_boundary": arn, "assume_role_policy": json.dumps(trust)}}]}},
            "configuration": {"root_module": {"resources": [
                {"address": "aws_iam_role.ml", "mode": "managed", "type": "aws_iam_role", "name": "ml",
                 "expressions": {"permissions_boundary": {
                     "references": ["aws_iam_policy.boundary.arn", "aws_iam_policy.boundary"]}}}]}}}
    assert lint(json.dumps(plan, indent=2), name="plan.json", select=ROLE_RULES) == []


STANDALONE = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},
    {"Effect": "Deny", "Action": "sagemaker:CreateTrainingJobb", "Resource": "*",
     "Condition": {"Null": {"sagemaker:VolumeKmsKeys": "true"}}}
  ]
}
"""


@pytest.mark.parametrize("name", ["team-permissions-boundary.json", "x-session-policy.json",
                                  "org-service-control-policy.json", "MlSessionPolicy.json",
                                  "rcp-resource-control-policy.json", "boundaries/data-scientist.json",
                                  "session-policies/analyst.json", "organization-policies/ml.json"])
def test_standalone_file_named_as_a_cap_grants_nothing(lint, name):
    """A policy file whose name says it is a boundary, session policy, SCP or RCP gets no SM101/SM201."""
    only_validity(STANDALONE, lint(STANDALONE, name=name, select=ROLE_RULES), quoted=True)


def test_standalone_file_with_a_plain_name_is_an_identity_policy(lint):
    """Control: the same content in team.json grants sagemaker:* on "*"."""
    found = lint(STANDALONE, name="team.json", select=ROLE_RULES)
    assert at(found) == sorted([
        ("SM101",) + pos(STANDALONE, '"sagemaker:*"'),
        ("SM201",) + pos(STANDALONE, '"*"'),
        ("SM104",) + pos(STANDALONE, '"sagemaker:CreateTrainingJobb"'),
        ("SM204",) + pos(STANDALONE, '"sagemaker:VolumeKmsKeys"'),
    ])


# ---------------------------------------------------------------------------
# 2. SAM API resource policies

SAM_API = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Resources:
      OpenApi:
        Type: AWS::Serverless::Api
        Properties:
          StageName: prod
          Auth:
            ResourcePolicy:
              CustomStatements:
                - Effect: Allow
                  Principal: "*"
                  Action: execute-api:Invoke
                  Resource: execute-api:/*
      FencedApi:
        Type: AWS::Serverless::Api
        Properties:
          StageName: prod
          Auth:
            ResourcePolicy:
              CustomStatements:
                - Effect: Allow
                  Principal: "*"
                  Action: execute-api:Invoke
                  Resource: execute-api:/*
                  Condition:
                    IpAddress:
                      aws:SourceIp: 10.0.0.0/8
      SingleStatementApi:
        Type: AWS::Serverless::Api
        Properties:
          StageName: prod
          Auth:
            ResourcePolicy:
              CustomStatements:
                Effect: Allow
                Principal: {AWS: "*"}
                Action: execute-api:Invoke
                Resource: execute-api:/*
    """)


def test_sam_api_custom_statements_are_resource_policies(lint):
    """Principal "*" on execute-api:Invoke with no condition is IAM302 at the principal; an aws:SourceIp
    condition fences it; CustomStatements written as a single mapping is read too."""
    found = lint(SAM_API, name="template.yaml", select=["IAM302"])
    assert at(found) == [("IAM302",) + pos(SAM_API, '"*"'), ("IAM302",) + pos(SAM_API, '"*"', 3)]
    assert [f.label for f in found] == ["AWS::Serverless::Api OpenApi Auth.ResourcePolicy",
                                        "AWS::Serverless::Api SingleStatementApi Auth.ResourcePolicy"]
    assert "grants execute-api:Invoke to any AWS account" in found[0].message


# ---------------------------------------------------------------------------
# 3. SM201: which ARNs cover every resource

def policy_on(resource, action='"sagemaker:DeleteEndpoint"'):
    return ('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n'
            f'      "Action": {action},\n      "Resource": "{resource}"\n    }}\n  ]\n}}\n')


@pytest.mark.parametrize("arn", ["arn:aws:sagemaker:*:*:*/*", "arn:*:sagemaker:*:*:*", "arn:aws:sagemaker:*:*:*"])
def test_sm201_arns_covering_every_resource(lint, arn):
    """An ARN with a wildcard account and a resource part of only * and / is as broad as "*"."""
    text = policy_on(arn)
    found = lint(text, select=["SM201"])
    assert at(found) == [("SM201",) + pos(text, f'"{arn}"')]
    assert f'granted on "{arn}"' in found[0].message


@pytest.mark.parametrize("arn", ["arn:aws:sagemaker:*:*:endpoint/*", "arn:aws:sagemaker:*:123456789012:*",
                                 "arn:aws:sagemaker:*:*:*/team-a-*"])
def test_sm201_narrower_arns_are_not_reported(lint, arn):
    """A type-wide ARN, an ARN naming the account and a name pattern are scopes, not "*"."""
    assert lint(policy_on(arn), select=["SM201", "SM203"]) == []


CFN_PARTITION = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Policy:
        Type: AWS::IAM::ManagedPolicy
        Properties:
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: sagemaker:DeleteEndpoint
                Resource: !Sub "arn:${AWS::Partition}:sagemaker:*:*:*"
              - Effect: Allow
                Action: sagemaker:DeleteEndpoint
                Resource: !Sub "arn:${AWS::Partition}:sagemaker:*:${AWS::AccountId}:*"
    """)


def test_sm201_partition_placeholder_does_not_narrow(lint):
    """!Sub arn:${AWS::Partition}:sagemaker:*:*:* is every resource; with ${AWS::AccountId} it is scoped."""
    found = lint(CFN_PARTITION, name="template.yaml", select=["SM201"])
    assert at(found) == [("SM201",) + pos(CFN_PARTITION, '"arn:${AWS::Partition}:sagemaker:*:*:*"')]


def test_sm201_allow_notaction_on_star(lint):
    """Allow + NotAction [iam:*] on "*" grants SageMaker's actions on every resource: SM201 at "*"."""
    text = policy_on("*", '"x"').replace('"Action": "x"', '"NotAction": ["iam:*"]')
    found = lint(text, select=["SM201"])
    assert at(found) == [("SM201",) + pos(text, '"*"')]
    assert found[0].message.startswith("364 SageMaker actions that support resource-level permissions")
    # control: NotAction excluding SageMaker grants none of its actions
    assert lint(text.replace('["iam:*"]', '["iam:*", "sagemaker:*"]'), select=["SM201"]) == []


# ---------------------------------------------------------------------------
# 4. What a statement really grants

NOT_RESOURCE = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sagemaker:*",
      "NotResource": [
        "arn:aws:sagemaker:*:*:domain/*",
        "arn:aws:sagemaker:*:*:user-profile/*",
        "arn:aws:sagemaker:*:*:app/*",
        "arn:aws:sagemaker:*:*:flow-definition/*"
      ]
    }
  ]
}
"""


def test_notresource_leaves_out_the_actions_that_take_only_those_types(lint):
    """sagemaker:* with NotResource on domains, user profiles, apps and flow definitions grants 444 actions
    (the 16 that take only those types are left out): SM101 and SM202 count 444."""
    found = lint(NOT_RESOURCE, select=["SM101", "SM202"])
    assert at(found) == [("SM101",) + pos(NOT_RESOURCE, '"sagemaker:*"'),
                         ("SM202",) + pos(NOT_RESOURCE, '"NotResource"')]
    sm101 = next(f for f in found if f.code == "SM101")
    sm202 = next(f for f in found if f.code == "SM202")
    assert "grants 444 of the 460 SageMaker actions, all that its NotResource allows" in sm101.message
    assert "grants 444 SageMaker actions" in sm202.message


def test_resource_types_narrow_the_count(lint):
    """sagemaker:* on endpoint and model ARNs grants the 15 actions that take endpoints or models."""
    text = policy_on("x", '"sagemaker:*"').replace(
        '"x"', '["arn:aws:sagemaker:*:*:endpoint/*", "arn:aws:sagemaker:*:*:model/*"]')
    found = lint(text, select=["SM101"])
    assert at(found) == [("SM101",) + pos(text, '"sagemaker:*"')]
    assert "grants 15 of the 460 SageMaker actions, all that its Resource allows" in found[0].message
    # control: on every resource of the account it is every action that takes a resource type
    found = lint(policy_on("arn:aws:sagemaker:us-east-1:111122223333:*", '"sagemaker:*"'), select=["SM101"])
    assert "grants 364 of the 460" in found[0].message


def test_pattern_granting_nothing_on_its_resources_is_quiet(lint):
    """sagemaker:Search* needs Resource "*": on an account ARN it grants nothing, so no SM102."""
    assert lint(policy_on("arn:aws:sagemaker:us-east-1:111122223333:*", '"sagemaker:Search*"'), select=["SM102"]) == []
    # control: on "*" it grants its two Read actions
    text = policy_on("*", '"sagemaker:Search*"')
    assert at(lint(text, select=["SM102"])) == [("SM102",) + pos(text, '"sagemaker:Search*"')]


def test_star_action_on_a_bucket_is_an_s3_grant(lint):
    """"Action": "*" on an S3 bucket ARN is no SageMaker grant: no SM101, no SM203."""
    assert lint(policy_on("arn:aws:s3:::my-bucket", '"*"'), select=["SM101", "SM203"]) == []
    # control: sagemaker:CreateModel on the bucket grants nothing, which is SM203
    text = policy_on("arn:aws:s3:::my-bucket", '"sagemaker:CreateModel"')
    assert at(lint(text, select=["SM101", "SM203"])) == [("SM203",) + pos(text, '"arn:aws:s3:::my-bucket"')]


def test_sm102_counts_and_names_what_the_resource_allows(lint):
    """sagemaker:Create* on endpoint ARNs: 76 actions, 2 of them take endpoints; the riskiest named is one of those."""
    text = policy_on("arn:aws:sagemaker:us-east-1:111122223333:endpoint/*", '"sagemaker:Create*"')
    found = lint(text, select=["SM102"])
    assert at(found) == [("SM102",) + pos(text, '"sagemaker:Create*"')]
    assert found[0].severity == "error"
    msg = found[0].message
    assert "expands to 76 SageMaker actions, 2 of them on what its Resource allows" in msg
    assert "including sagemaker:CreateEndpoint;" in msg
    assert "CreatePresigned" not in msg  # takes no endpoint


# ---------------------------------------------------------------------------
# 5. Messages

PASSROLE = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "*"CONDITION
    }
  ]
}
"""


@pytest.mark.parametrize("operator,severity,says", [
    ("StringEquals", "warning", "any role can be passed to ec2.amazonaws.com, ecs-tasks.amazonaws.com;"),
    ("StringNotEquals", "error",  # every service but two: limits little, stays an error
     "any role can be passed to any service except ec2.amazonaws.com, ecs-tasks.amazonaws.com;"),
    (None, "error", "any role can be passed to any service, SageMaker jobs and notebooks included;"),
])
def test_iam301_names_the_services_a_role_can_be_passed_to(lint, operator, severity, says):
    """IAM301 says which services any role can be passed to; an iam:PassedToService allow-list lowers it to
    a warning, a deny-list does not."""
    services = json.dumps({"iam:PassedToService": ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]})
    cond = "" if operator is None else f',\n      "Condition": {{"{operator}": {services}}}'
    text = PASSROLE.replace("CONDITION", cond)
    found = lint(text, select=["IAM301"])
    assert [(f.code, f.span.line, f.span.col, f.severity) for f in found] == [
        ("IAM301",) + pos(text, '"iam:PassRole"') + (severity,)]
    assert says in found[0].message


@pytest.mark.parametrize("condition", [{"Null": {"iam:PassedToService": "false"}},
                                       {"StringLike": {"iam:PassedToService": "*"}}], ids=["Null", "StringLike-star"])
def test_iam301_condition_that_limits_no_service_keeps_the_error(lint, condition):
    """A condition on iam:PassedToService that admits every service limits nothing: still an error, "any service"."""
    text = PASSROLE.replace("CONDITION", f',\n      "Condition": {json.dumps(condition)}')
    found = lint(text, select=["IAM301"])
    assert [(f.code, f.span.line, f.span.col, f.severity) for f in found] == [
        ("IAM301",) + pos(text, '"iam:PassRole"') + ("error",)]
    assert "any role can be passed to any service" in found[0].message


def test_sm201_suggests_the_training_job_arn_first(lint):
    """SM201 on sagemaker:CreateTrainingJob suggests the training-job ARN format, and not the
    optional reserved-capacity type: a Resource of only that type grants the action nothing."""
    text = policy_on("*", '"sagemaker:CreateTrainingJob"')
    (f,) = lint(text, select=["SM201"])
    assert f.message.endswith("scope Resource to ARNs such as "
                              "arn:${Partition}:sagemaker:${Region}:${Account}:training-job/${TrainingJobName}")


def test_sm204_suggests_a_key_of_the_statements_actions(lint):
    """sagemaker:VolumeKmsKeys next to sagemaker:CreateTrainingJob: did you mean sagemaker:VolumeKmsKeyArn?"""
    text = PASSROLE.replace('"iam:PassRole"', '"sagemaker:CreateTrainingJob"').replace(
        '"*"CONDITION', '"arn:aws:sagemaker:us-east-1:111122223333:training-job/*",\n'
                        '      "Condition": {"Null": {"sagemaker:VolumeKmsKeys": "false"}}')
    found = lint(text, select=["SM204"])
    assert at(found) == [("SM204",) + pos(text, '"sagemaker:VolumeKmsKeys"')]
    assert found[0].message.endswith("did you mean sagemaker:VolumeKmsKeyArn?")


@pytest.mark.parametrize("action,says", [
    ("sagemaker:StopTrainingJobs", "did you mean sagemaker:StopTrainingJob?"),
    ("sagemaker:UpdateApp", "SageMaker has no Update action for App, only sagemaker:CreateApp, sagemaker:DeleteApp, "
                            "sagemaker:DescribeApp, sagemaker:ListApps"),
    ("sagemaker:UpdateEndpointWeightAndCapacities", "did you mean sagemaker:UpdateEndpointWeightsAndCapacities?"),
])
def test_sm104_suggestions(lint, action, says):
    """SM104 suggests the action meant, keeping the verb; a verb SageMaker lacks for a resource lists what exists."""
    text = policy_on("arn:aws:sagemaker:us-east-1:111122223333:*", f'"{action}"')
    found = lint(text, select=["SM104"])
    assert at(found) == [("SM104",) + pos(text, f'"{action}"')]
    assert found[0].message.endswith(says)


@pytest.mark.parametrize("typo,meant", [
    ("sagemaker:UpdateEndpointWeightAndCapacities", "sagemaker:UpdateEndpointWeightsAndCapacities"),
    ("sagemaker:UpdateEndpointWeightAndCapacity", "sagemaker:UpdateEndpointWeightsAndCapacities"),
    ("sagemaker:UpdateEndpointt", "sagemaker:UpdateEndpoint"),
])
def test_sm104_typo_keeping_the_verb_never_suggests_a_delete(lint, typo, meant):
    """A typo that keeps the verb is corrected to an action with that verb, never to a Delete* action."""
    text = policy_on("arn:aws:sagemaker:us-east-1:111122223333:*", f'"{typo}"')
    (f,) = lint(text, select=["SM104"])
    assert f.message.endswith(f"did you mean {meant}?")
    assert "Delete" not in f.message


# ---------------------------------------------------------------------------
# 6. Template files

JSON_TPL = """{
  "Version": "2012-10-17",
  "Statement": [
%{ for arn in endpoint_arns ~}
    {
      "Effect": "Allow",
      "Action": "sagemaker:InvokeEndpoint",
      "Resource": "${arn}"
    },
%{ endfor ~}
    {
      "Effect": "Allow",
      "Action": ${jsonencode(extra_actions)},
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": "sagemaker:*",
      "Resource": "arn:aws:sagemaker:${region}:${account_id}:*"
    }
  ]
}
"""

TFTPL = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::${account_id}:role/*"}
  ]
}
"""

J2 = """{
  "Version": "2012-10-17",
  "Statement": [
    {% if allow_training %}
    {
      "Effect": "Allow",
      "Action": "sagemaker:CreateTrainingJob",
      "Resource": "*"
    },
    {% endif %}
    {
      "Effect": "Allow",
      "Action": "sagemaker:Create*",
      "Resource": "arn:aws:sagemaker:{{ region }}:{{ account_id }}:*"
    }
  ]
}
"""


def test_policy_templates_are_walked_and_reported_inside(lint_files):
    """*.json.tpl, *.tftpl and *.json.j2 are read, ${...}, %{ ... } and {{ ... }} as unresolved values:
    findings at their lines and columns, no LP001."""
    found = lint_files({"p.json.tpl": JSON_TPL, "p.tftpl": TFTPL, "p.json.j2": J2}, select=["LP", "SM", "IAM"])
    assert where(found) == sorted([
        ("p.json.tpl", "SM101") + pos(JSON_TPL, '"sagemaker:*"'),
        ("p.tftpl", "IAM301") + pos(TFTPL, '"iam:PassRole"'),
        ("p.json.j2", "SM201") + pos(J2, '"*"'),
        ("p.json.j2", "SM102") + pos(J2, '"sagemaker:Create*"'),
    ])
    assert "grants 364 of the 460" in next(f for f in found if f.code == "SM101").message


def test_template_that_is_no_policy_still_gets_the_credential_rules(lint):
    """A YAML user-data .tftpl is no policy: no finding, except the access key written in it."""
    key = key_id("user-data-tftpl")
    text = ("#cloud-config\nwrite_files:\n  - path: /etc/app.env\n    content: |\n      REGION=${region}\n"
            f"      AWS_ACCESS_KEY_ID={key}\n%{{ for n in names ~}}\n      NAME=${{n}}\n%{{ endfor ~}}\n")
    found = lint(text, name="user-data.tftpl")
    assert at(found) == [("KEY401",) + pos(text, key)]
    assert lint(text.replace(key, "from-the-instance-profile"), name="user-data.tftpl") == []


ENDPOINT_TPL = """{
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": "*",
      "Action": "*",
      "Resource": "*"
    }
  ]
}
"""

IDENTITY_TPL = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sagemaker:CreateTrainingJob",
      "Resource": "*"
    }
  ]
}
"""


@pytest.mark.parametrize("func,ext,args", [("templatefile", ".json.tpl", ", {}"), ("file", ".json", "")])
def test_policy_file_read_by_terraform_takes_the_resources_role(lint_files, func, ext, args):
    """A policy file that main.tf in the parent directory reads as an aws_vpc_endpoint policy is an endpoint
    policy (no SM101/IAM302) whether the run names it alone, main.tf alone, or walks the directory; one read
    by an aws_iam_policy is reported once, the same way in each run."""
    endpoint, identity = f"policies/endpoint{ext}", f"policies/ml{ext}"
    main = f'''resource "aws_vpc_endpoint" "sm" {{
  vpc_id       = var.vpc_id
  service_name = "com.amazonaws.us-east-1.sagemaker.api"
  policy       = {func}("${{path.module}}/{endpoint}"{args})
}}

resource "aws_iam_policy" "ml" {{
  name   = "ml"
  policy = {func}("${{path.module}}/{identity}"{args})
}}
'''
    # control: with no .tf reading it, the file is a resource policy open to the world
    alone = lint_files({endpoint: ENDPOINT_TPL, identity: IDENTITY_TPL}, paths=[endpoint], select=["SM101", "IAM302"])
    assert where(alone) == sorted([(endpoint, "IAM302") + pos(ENDPOINT_TPL, '"*"'),
                                   (endpoint, "SM101") + pos(ENDPOINT_TPL, '"*"', 2)])
    write_main = {"main.tf": main}
    expected = [(identity, "SM201") + pos(IDENTITY_TPL, '"*"')]
    for paths in (["."], [endpoint], ["main.tf"], [identity], ["policies"]):
        found = lint_files(write_main, paths=paths, select=ROLE_RULES)
        want = [] if paths == [endpoint] else expected
        assert where(found) == want, paths
        assert all(f.label == "aws_iam_policy.ml" for f in found)


@pytest.mark.parametrize("paths", [["."], ["endpoint.json.tpl"]], ids=["walk", "template-alone"])
def test_endpoint_template_read_through_a_local(lint_files, paths):
    """A template that main.tf reads into a local used as an aws_vpc_endpoint policy is an endpoint policy."""
    main = '''locals {
  endpoint_policy = templatefile("${path.module}/endpoint.json.tpl", {})
}

resource "aws_vpc_endpoint" "sm" {
  vpc_id       = var.vpc_id
  service_name = "com.amazonaws.us-east-1.sagemaker.api"
  policy       = local.endpoint_policy
}
'''
    assert lint_files({"main.tf": main, "endpoint.json.tpl": ENDPOINT_TPL}, paths=paths, select=ROLE_RULES) == []


def test_endpoint_jsonencode_local_is_an_endpoint_policy(lint):
    """Control for the above: the same policy written inline in the local is an endpoint policy."""
    text = '''locals {
  endpoint_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "*", Resource = "*" }] })
}

resource "aws_vpc_endpoint" "sm" {
  vpc_id = var.vpc_id
  policy = local.endpoint_policy
}
'''
    assert lint(text, name="main.tf", select=ROLE_RULES) == []


def test_cdk_out_templates_are_walked_and_its_other_files_are_not(lint_files):
    """A committed cdk.out/Stack.template.json is a CloudFormation template; manifest.json and asset
    directories are build output, not read in a walk."""
    template = json.dumps({"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}}]}}}}, indent=1)
    policy = json.dumps({"Version": "2012-10-17",
                         "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]})
    found = lint_files({"cdk.out/Stack.template.json": template, "cdk.out/manifest.json": policy,
                        "cdk.out/asset.abc/x.json": policy}, select=["SM101"])
    assert where(found) == [("cdk.out/Stack.template.json", "SM101") + pos(template, '"sagemaker:*"')]
    assert found[0].label == "AWS::IAM::Role Role Policies[0].PolicyDocument"
    # control: the same policy outside cdk.out is read
    found = lint_files({"manifest.json": policy}, select=["SM101"])
    assert [f.file for f in found] == ["cdk.out/Stack.template.json", "manifest.json"]


# ---------------------------------------------------------------------------
# 7. Files that are no policy source

def test_jsonc_config_files_do_not_fail_a_run(tmp_path):
    """tsconfig.json and .vscode/settings.json, JSON with comments and trailing commas: no finding, exit 0."""
    write(tmp_path, {
        "tsconfig.json": '{\n  // TypeScript settings\n  "compilerOptions": {\n    "target": "es2020", /* modern */\n'
                         '    "strict": true,\n  },\n}\n',
        ".vscode/settings.json": '{\n  // editor\n  "editor.formatOnSave": true,\n'
                                 '  "files.exclude": {"**/.git": true}\n}\n',
    })
    for args in (["."], ["tsconfig.json", ".vscode/settings.json"]):
        r = cli(*args, cwd=tmp_path)
        assert (r.returncode, r.stdout, r.stderr) == (0, "No findings in 2 files checked.\n", ""), args


def test_jsonc_policy_is_still_a_parse_error(tmp_path):
    """Control: a policy written with a trailing comma fails the run with LP001."""
    write(tmp_path, {"policy.json": '{"Version": "2012-10-17", "Statement": [],}\n'})
    r = cli("policy.json", cwd=tmp_path)
    assert r.returncode == 1 and " LP001 " in r.stdout


def test_large_lock_file_is_not_lp003(lint_files, tmp_path):
    """A 6 MB package-lock.json is no policy source: over max-file-size, but no LP003."""
    with open(tmp_path / "package-lock.json", "w") as f:
        f.write('{"name": "x", "lockfileVersion": 3, "packages": {')
        f.truncate(6 * 1024 * 1024)
    assert lint_files({}, paths=["package-lock.json"]) == []
    assert lint_files({}) == []
    # control: a policy that large is refused with LP003
    with open(tmp_path / "policy.json", "w") as f:
        f.write('{"Version": "2012-10-17", "Statement": [')
        f.truncate(6 * 1024 * 1024)
    assert where(lint_files({})) == [("policy.json", "LP003", 1, 1)]


def test_key_in_vscode_launch_json_is_reported(lint):
    """The credential rules read every file: a key ID in .vscode/launch.json (JSON with comments) is KEY401."""
    key = key_id("vscode-launch")
    text = ('{\n  // debug configurations\n  "version": "0.2.0",\n  "configurations": [\n    {\n'
            '      "name": "train", // local\n      "type": "python",\n      "env": {\n'
            f'        "AWS_ACCESS_KEY_ID": "{key}",\n      }},\n    }},\n  ]\n}}\n')
    found = lint(text, name=".vscode/launch.json")
    assert at(found) == [("KEY401",) + pos(text, key)]


def test_truncated_policy_is_lp001(lint):
    """A policy cut short is still a parse error, at the end of the file."""
    text = '{"Version": "2012-10-17", "Statement": ['
    found = lint(text, name="policy.json")
    assert at(found) == [("LP001", 1, len(text) + 1)]
    assert "unexpected end of file" in found[0].message


# ---------------------------------------------------------------------------
# 8. Parse errors: the rest of the file is still linted

TF_UNQUOTED_KEY = '''resource "aws_iam_policy" "first" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "*" }]
  })
}

resource "aws_iam_policy" "middle" {
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = "iam:PassRole"
      Resource  = "*"
      Condition = { StringEquals = { iam:PassedToService = "sagemaker.amazonaws.com" } }
    }]
  })
}

resource "aws_iam_policy" "third" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sagemaker:CreateTrainingJob", Resource = "*" }]
  })
}
'''


def test_tf_unquoted_condition_key_is_lp001_and_the_other_blocks_are_linted(lint):
    """`iam:PassedToService = ...` unquoted in jsonencode: LP001 at the `=`; the blocks around it still reported."""
    text = TF_UNQUOTED_KEY
    found = lint(text, name="main.tf", select=["LP001", "SM101", "SM201", "IAM301"])
    assert at(found) == sorted([
        ("SM101",) + pos(text, '"sagemaker:*"'),
        ("SM201",) + after(text, "Resource = "),
        ("LP001",) + after(text, "iam:PassedToService "),
        ("SM201",) + after(text, "Resource = ", 2),
    ])
    assert [f.message for f in found if f.code == "LP001"] == ["syntax error: unexpected '='"]


TF_HEREDOC_IAM_VARIABLE = '''resource "aws_iam_role_policy" "studio" {
  role   = "r"
  policy = <<EOF
{
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:DescribeDomain",
    "Resource": "arn:aws:sagemaker:*:*:domain/${sagemaker:DomainId}"
  }]
}
EOF
}

resource "aws_iam_policy" "after" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "*" }]
  })
}
'''


def test_tf_heredoc_with_an_iam_variable_is_lp001_at_the_interpolation(lint):
    """${sagemaker:DomainId} in a heredoc is a Terraform interpolation (it needs $${...}): LP001 at the `${`."""
    text = TF_HEREDOC_IAM_VARIABLE
    found = lint(text, name="main.tf", select=["LP001", "SM101"])
    assert at(found) == sorted([("LP001",) + pos(text, "${sagemaker:DomainId}"),
                                ("SM101",) + pos(text, '"sagemaker:*"')])
    assert [f.message for f in found if f.code == "LP001"] == ["syntax error: unexpected '${'"]


TF_MULTILINE_STRING = '''resource "aws_iam_policy" "before" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "*" }]
  })
}

resource "aws_iam_policy" "described" {
  description = "a
b"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "*" }]
  })
}

resource "aws_iam_policy" "after" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "*" }]
  })
}
'''


def test_tf_quoted_string_over_two_lines_is_lp001_at_its_opening_quote(lint):
    """A quoted string running over two lines is LP001 at its opening quote; the other blocks are still linted."""
    text = TF_MULTILINE_STRING
    found = lint(text, name="main.tf", select=["LP001", "SM101"])
    assert at(found) == sorted([("SM101",) + pos(text, '"sagemaker:*"'), ("LP001",) + pos(text, '"a\n'),
                                ("SM101",) + pos(text, '"sagemaker:*"', 3)])
    (lp001,) = [f for f in found if f.code == "LP001"]
    assert "several lines" in lp001.message


CFN_BROKEN_OUTPUTS = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement:
              - Effect: Allow
                Principal: {Service: sagemaker.amazonaws.com}
                Action: sts:AssumeRole
          Policies:
            - PolicyName: all
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Action: sagemaker:*
                    Resource: arn:aws:sagemaker:us-east-1:111122223333:*
    Outputs:
      RoleArn:
        Value: !GetAtt Role.Arn
       Description: indented one space too few
    """)


def test_cfn_syntax_error_after_resources_keeps_the_resources(lint):
    """A YAML error in Outputs is LP001 where the parser stops; the role's SM101 before it is still reported."""
    found = lint(CFN_BROKEN_OUTPUTS, name="template.yaml", select=["LP001", "SM101"])
    assert at(found) == sorted([("SM101",) + pos(CFN_BROKEN_OUTPUTS, "sagemaker:*"),
                                ("LP001",) + pos(CFN_BROKEN_OUTPUTS, "Description")])


# ---------------------------------------------------------------------------
# 9. LP002: duplicates only where policies live

LP002_TEMPLATE = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement:
              - Effect: Allow
                Principal: {Service: lambda.amazonaws.com}
                Action: sts:AssumeRole
      Fn:
        Type: AWS::Lambda::Function
        Properties:
          Role: !GetAtt Role.Arn
          Environment:
            Variables:
              STAGE: dev
              STAGE: prod
      Policy:
        Type: AWS::IAM::Policy
        Properties:
          PolicyName: p
          Roles: [!Ref Role]
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: sagemaker:DescribeModel
                Resource: arn:aws:sagemaker:us-east-1:111122223333:model/m
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: sagemaker:ListModels
                Resource: "*"
    """)


def test_lp002_duplicate_policy_document_but_not_lambda_variables(lint):
    """A duplicate PolicyDocument loses a policy (LP002); a duplicate Lambda variable is not a policy's business."""
    found = lint(LP002_TEMPLATE, name="template.yaml", select=["LP002"])
    second = pos(LP002_TEMPLATE, "PolicyDocument:", 2, start=LP002_TEMPLATE.index("AWS::IAM::Policy\n"))
    assert at(found) == [("LP002",) + second]
    assert found[0].message == "duplicate key 'PolicyDocument' (the last one wins)"


# ---------------------------------------------------------------------------
# 10. SM105 from Terraform data "aws_iam_policy" lookups

def test_sm105_lookup_by_arn_attached_by_an_attachment(lint):
    """A data "aws_iam_policy" lookup of AmazonSageMakerFullAccess by ARN (partition from a local) is SM105
    where an attachment takes its .arn."""
    text = '''locals {
  partition = "aws"
}

data "aws_iam_policy" "full" {
  arn = "arn:${local.partition}:iam::aws:policy/AmazonSageMakerFullAccess"
}

resource "aws_iam_role_policy_attachment" "full" {
  role       = aws_iam_role.ml.name
  policy_arn = data.aws_iam_policy.full.arn
}
'''
    found = lint(text, name="main.tf", select=["SM105"])
    assert at(found) == [("SM105",) + pos(text, "data.aws_iam_policy.full.arn")]
    assert found[0].label == "aws_iam_role_policy_attachment.full"
    assert "AmazonSageMakerFullAccess" in found[0].message


def test_sm105_lookup_by_name_in_managed_policy_arns(lint):
    """A lookup of AdministratorAccess by name, in a role's managed_policy_arns, is SM105 at the reference."""
    text = '''data "aws_iam_policy" "admin" {
  name = "AdministratorAccess"
}

resource "aws_iam_role" "ml" {
  name                = "ml"
  assume_role_policy  = data.aws_iam_policy_document.trust.json
  managed_policy_arns = [data.aws_iam_policy.admin.arn]
}
'''
    found = lint(text, name="main.tf", select=["SM105"])
    assert at(found) == [("SM105",) + pos(text, "data.aws_iam_policy.admin.arn")]
    assert "AWS managed policy AdministratorAccess grants every one of the 460 SageMaker actions" in found[0].message


def test_sm105_lookup_in_another_file_of_the_directory(lint_files):
    """The lookup in data.tf, the attachment in iam.tf: SM105 in iam.tf, in a walk and with iam.tf alone."""
    iam = '''resource "aws_iam_role_policy_attachment" "full" {
  role       = "ml"
  policy_arn = data.aws_iam_policy.full.arn
}
'''
    data = 'data "aws_iam_policy" "full" {\n  arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"\n}\n'
    files = {"data.tf": data, "iam.tf": iam}
    for paths in (["."], ["iam.tf"]):
        found = lint_files(files, paths=paths, select=["SM105"])
        assert where(found) == [("iam.tf", "SM105") + pos(iam, "data.aws_iam_policy.full.arn")], paths


def test_sm105_read_only_lookup_and_unattached_lookup_are_quiet(lint):
    """A lookup of a narrow policy (AmazonSageMakerReadOnly), or one never attached, is not reported."""
    read_only = '''data "aws_iam_policy" "ro" {
  arn = "arn:aws:iam::aws:policy/AmazonSageMakerReadOnly"
}

resource "aws_iam_role_policy_attachment" "ro" {
  role       = "ml"
  policy_arn = data.aws_iam_policy.ro.arn
}
'''
    unattached = '''data "aws_iam_policy" "full" {
  arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}

output "full_policy" {
  value = data.aws_iam_policy.full.policy
}
'''
    assert lint(read_only, name="main.tf", select=["SM105"]) == []
    assert lint(unattached, name="main.tf", select=["SM105"]) == []


def test_managed_policy_data_is_up_to_date():
    """linter/data/managed_policies.json is what scripts/update_managed_policies.py computes from MAMIP."""
    shared_path("corpus", "zoph-io__MAMIP")
    r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "update_managed_policies.py"), "--check"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


# ---------------------------------------------------------------------------
# Shapes found while reviewing the above


def test_cfn_permissions_boundary_by_arn_with_the_policy_name_grants_nothing(lint):
    """A boundary written as the ARN of a ManagedPolicyName of the template is that managed policy."""
    text = CFN_BOUNDARY.replace(
        "PermissionsBoundary: !Ref Boundary",
        'PermissionsBoundary: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/team-boundary"')
    text = text.replace("Type: AWS::IAM::ManagedPolicy\n    Properties:\n",
                        "Type: AWS::IAM::ManagedPolicy\n    Properties:\n      ManagedPolicyName: team-boundary\n")
    assert "ManagedPolicyName: team-boundary" in text and ":policy/team-boundary" in text
    only_validity(text, lint(text, name="template.yaml", select=ROLE_RULES))


PRIVATE_API = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Api:
        Type: AWS::ApiGateway::RestApi
        Properties:
          Name: private
          Policy:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal: "*"
                Action: execute-api:Invoke
                Resource: execute-api:/*
              - Effect: Deny
                Principal: "*"
                Action: execute-api:Invoke
                Resource: execute-api:/*
                Condition:
                  OPERATOR:
                    aws:SourceVpce: vpce-0a1b2c3d
    """)


@pytest.mark.parametrize("operator,fenced", [("StringNotEquals", True), ("StringEquals", False)])
def test_iam302_allow_to_everyone_fenced_by_a_deny_unless_is_not_reported(lint, operator, fenced):
    """The private API pattern: Allow "*" to invoke, Deny "*" to invoke unless the request comes through
    the VPC endpoint. The Deny fences the wildcard; a Deny that only blocks that endpoint does not."""
    text = PRIVATE_API.replace("OPERATOR", operator)
    found = lint(text, name="template.yaml", select=["IAM302"])
    assert at(found) == ([] if fenced else [("IAM302",) + after(text, "Principal: ")])


def test_template_loop_that_leaves_a_double_comma_is_still_read(lint_files):
    """A Jinja loop whose separator directive leaves ',,' once directives are gone: the statements after
    it are still linted."""
    text = t("""
        {
          "Version": "2012-10-17",
          "Statement": [
            {% for b in buckets %}
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::{{ b }}/*"}{% if not loop.last %},{% endif %}
            {%- endfor %},
            {"Effect": "Allow", "Action": "sagemaker:DeleteEndpoint", "Resource": "*"}
          ]
        }
        """)
    found = lint_files({"p.json.j2": text}, select=["SM201", "LP001"])
    assert at(found) == [("SM201",) + pos(text, '"*"')]


def test_tf_exclusive_attachments_and_lookup_ids_are_sm105(lint_files):
    """aws_iam_role_policy_attachments_exclusive.policy_arns names managed policies too, by ARN or by a
    data "aws_iam_policy" lookup's id (its ARN)."""
    text = t("""
        data "aws_iam_policy" "full" {
          name = "AmazonSageMakerFullAccess"
        }
        resource "aws_iam_role_policy_attachments_exclusive" "x" {
          role_name   = "r"
          policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess", data.aws_iam_policy.full.id]
        }
        """)
    found = lint_files({"main.tf": text}, select=["SM105"])
    assert at(found) == sorted([("SM105",) + pos(text, '"arn:aws:iam::aws:policy/AdministratorAccess"'),
                                ("SM105",) + pos(text, "data.aws_iam_policy.full.id")])


PERIMETER = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
    {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*",
     "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}}}
  ]
}
"""


@pytest.mark.parametrize("name", ["vpc_endpoint_policies/s3_endpoint_policy.json", "vpc-endpoint-policies/default.json",
                                  "resource_control_policies/network_perimeter_rcp.json", "deny_rcp.json",
                                  "resource-control-policy.json"])
def test_endpoint_policies_and_rcps_are_told_by_their_names(lint, name):
    """A VPC endpoint policy and an RCP name ``"*"`` as principal and grant nothing: a file or
    directory name that says so is read as one (no grant findings, no trust-policy grammar)."""
    found = lint(PERIMETER, name=name, select=["SM101", "SM201", "IAM301", "IAM302", "LP002"])
    assert found == []


@pytest.mark.parametrize("name", ["team.json", "sagemaker_endpoint_policies/invoke_endpoint_policy.json"])
def test_names_do_not_turn_a_policy_into_an_endpoint_policy_without_principals(lint, name):
    """Control: with principals and a plain name the content decides (IAM302); a policy without
    principals named for SageMaker endpoints is an identity policy (it grants)."""
    if name == "team.json":
        assert "IAM302" in {f.code for f in lint(PERIMETER, name=name, select=["IAM302"])}
    else:
        assert {f.code for f in lint(STANDALONE, name=name, select=["SM101"])} == {"SM101"}
