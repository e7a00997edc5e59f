"""KEY404-KEY407: long-term keys a template or module creates, where their secrets go,
parameters that echo secrets, and IAM users granted SageMaker, in every format that has them."""
from __future__ import annotations

import json

from keygen import key_id, secret

KEYS = ["KEY404", "KEY405", "KEY406", "KEY407"]


def found(findings):
    return [(f.code, f.span.line, f.span.col) for f in findings]


def spans(findings):
    return [(f.code, tuple(f.span)) for f in findings]


# ---------------------------------------------------------------------------
# CloudFormation (YAML)

CFN_OUTPUTS = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  CiUser:
    Type: AWS::IAM::User
  CiKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref CiUser
Outputs:
  KeyId:
    Value: !Ref CiKey
  Secret:
    Value: !GetAtt CiKey.SecretAccessKey
  Both:
    Value: !Sub "${CiKey}:${CiKey.SecretAccessKey}"
  Joined:
    Value: !Join [":", [!Ref CiKey, !GetAtt [CiKey, SecretAccessKey]]]
    Export:
      Name: ci-credentials
  Chosen:
    Value: !If [UseKey, !GetAtt CiKey.SecretAccessKey, "none"]
  Mapped:
    Value: !Sub
      - "key=${S}"
      - S: !GetAtt CiKey.SecretAccessKey
  Encrypted:
    Value: !GetAtt CiKey.SecretAccessKeyId
"""


def test_cfn_outputs_exact_locations(lint):
    fs = lint(CFN_OUTPUTS, "stack.yaml", select=KEYS)
    assert spans(fs) == [
        ("KEY404", (5, 3, 5, 8)),
        ("KEY405", (13, 12, 13, 41)),
        ("KEY405", (15, 27, 15, 51)),  # the placeholder inside the !Sub string
        ("KEY405", (17, 37, 17, 69)),
        ("KEY405", (21, 25, 21, 54)),
        ("KEY405", (25, 12, 25, 41)),
    ]
    msgs = [f.message for f in fs]
    assert "AWS::IAM::AccessKey CiKey creates a long-term access key" in msgs[0]
    assert "returned to the template" in msgs[0]
    assert "written to an output (Output Secret)" in msgs[1]
    assert "an exported output" in msgs[3]
    assert all(f.severity == "error" for f in fs[1:]) and fs[0].severity == "warning"


def test_cfn_related_location_in_sarif(tmp_path, monkeypatch):
    from linter.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "stack.yaml").write_text(CFN_OUTPUTS, encoding="utf-8")
    out = tmp_path / "out.sarif"
    main(["--select", "KEY405", "--format", "sarif", "--output", str(out), "stack.yaml"])
    results = json.loads(out.read_text())["runs"][0]["results"]
    assert len(results) == 5
    rel = results[0]["relatedLocations"]
    assert rel == [{
        "id": 1,
        "physicalLocation": {"artifactLocation": {"uri": "stack.yaml", "uriBaseId": "%SRCROOT%"},
                             "region": {"startLine": 5, "startColumn": 3, "endLine": 5, "endColumn": 8}},
        "message": {"text": "AWS::IAM::AccessKey CiKey: the access key whose secret this is"},
    }]


CFN_SINKS = """\
Resources:
  CiKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: ci
  Vault:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: !GetAtt CiKey.SecretAccessKey
  Secure:
    Type: AWS::SSM::Parameter
    Properties:
      Type: SecureString
      Value: !GetAtt CiKey.SecretAccessKey
  Unknown:
    Type: AWS::SSM::Parameter
    Properties:
      Type: !Ref ParamType
      Value: !GetAtt CiKey.SecretAccessKey
"""


def test_cfn_secret_only_in_secrets_manager_or_securestring_is_key404_alone(lint):
    assert found(lint(CFN_SINKS, "t.yaml", select=KEYS)) == [("KEY404", 2, 3)]


def test_cfn_readable_sinks(lint):
    text = CFN_SINKS + """\
  Plain:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !GetAtt CiKey.SecretAccessKey
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !Ref RoleArn
      PrimaryContainer:
        Image: !Ref Image
        Environment:
          AWS_SECRET_ACCESS_KEY: !GetAtt CiKey.SecretAccessKey
  Lifecycle:
    Type: AWS::SageMaker::NotebookInstanceLifecycleConfig
    Properties:
      OnStart:
        - Content: !Base64
            Fn::Sub: |
              #!/bin/bash
              aws configure set aws_secret_access_key ${CiKey.SecretAccessKey}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          SECRET: !GetAtt CiKey.SecretAccessKey
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Environment:
            - Name: AWS_SECRET_ACCESS_KEY
              Value: !GetAtt CiKey.SecretAccessKey
"""
    fs = lint(text, "t.yaml", select=["KEY405"])
    assert spans(fs) == [
        ("KEY405", (24, 14, 24, 43)),
        ("KEY405", (32, 34, 32, 63)),
        ("KEY405", (40, 55, 40, 79)),
        ("KEY405", (46, 19, 46, 48)),
        ("KEY405", (54, 22, 54, 51)),
    ]
    places = [f.message.split(" is written to ", 1)[1].split(", where", 1)[0] for f in fs]
    assert places == ["an SSM parameter of type String (AWS::SSM::Parameter Plain)",
                      "a model container's environment (AWS::SageMaker::Model Model)",
                      "a notebook or Studio lifecycle configuration (AWS::SageMaker::NotebookInstanceLifecycleConfig "
                      "Lifecycle)",
                      "a function's environment variables (AWS::Lambda::Function Fn)",
                      "a container definition of a task definition (AWS::ECS::TaskDefinition Task)"]


def test_cfn_sam_globals_environment(lint):
    text = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Environment:
      Variables:
        SECRET: !GetAtt CiKey.SecretAccessKey
Resources:
  CiKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: ci
"""
    assert found(lint(text, "template.yaml", select=KEYS)) == [("KEY405", 6, 17), ("KEY404", 8, 3)]


def test_cfn_other_templates_refs_are_not_secrets(lint):
    # a key of another stack (not created here), the key ID, a parameter of the same name
    text = """\
Parameters:
  CiKey:
    Type: String
Resources:
  Bucket:
    Type: AWS::S3::Bucket
Outputs:
  A:
    Value: !GetAtt OtherKey.SecretAccessKey
  B:
    Value: !Ref CiKey
"""
    assert lint(text, "t.yaml", select=KEYS) == []


def test_cfn_parameters(lint):
    sec = secret("cfn-parameter-default")
    text = f"""\
Parameters:
  AwsSecretAccessKey:
    Type: String
    Default: "{sec}"
  SessionToken:
    Type: String
    NoEcho: false
  HiddenSecretKey:
    Type: String
    NoEcho: true
  QuotedSecretKey:
    Type: String
    NoEcho: "true"
  GitSecretKeySecretName:
    Type: String
  SecretsManagerIamSecretKey:
    Type: String
  SecretKeyArn:
    Type: String
  ModelName:
    Type: String
Resources:
  Bucket:
    Type: AWS::S3::Bucket
"""
    fs = lint(text, "t.yaml", select=KEYS + ["KEY402"])
    assert found(fs) == [("KEY406", 2, 3), ("KEY402", 4, 15), ("KEY406", 5, 3)]
    assert fs[0].message == ("Parameter AwsSecretAccessKey is named like a secret access key or session token but "
                             "is not hidden: its value is shown wherever the deployment is described; add "
                             "`NoEcho: true` (better: no key, a role)")


def test_cfn_secret_never_shown(tmp_path, monkeypatch):
    from linter.cli import main

    sec = secret("cfn-never-shown")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(f"""\
Parameters:
  SecretAccessKey:
    Type: String
    Default: {sec}
Resources:
  CiKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: ci
Outputs:
  Out:
    Value: !GetAtt CiKey.SecretAccessKey
""", encoding="utf-8")
    for fmt in ("text", "json", "sarif"):
        out = tmp_path / f"out.{fmt}"
        main(["--select", "KEY", "--format", fmt, "--output", str(out), "t.yaml"])
        body = out.read_text()
        assert "KEY406" in body and "KEY405" in body and "KEY404" in body
        assert sec not in body and sec[:12] not in body


CFN_USERS = """\
Resources:
  Analyst:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - PolicyName: nb
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: "*"
              - Effect: Allow
                Action: ["sagemaker:DescribeModel", "sagemaker:ListModels"]
                Resource: "*"
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonSageMakerReadOnly
        - arn:aws:iam::aws:policy/ReadOnlyAccess
        - !Ref Custom
  Custom:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: sagemaker:CreateModel
            Resource: "*"
  Attached:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      Users: [!Ref Analyst]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: sagemaker:*
            Resource: "*"
  ForRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: sagemaker.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: r
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: sagemaker:*
                Resource: "*"
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AmazonSageMakerFullAccess
  ForGroup:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: g
      Groups: [team]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: sagemaker:*
            Resource: "*"
  Denied:
    Type: AWS::IAM::UserPolicy
    Properties:
      UserName: analyst
      PolicyName: d
      PolicyDocument:
        Statement:
          - Effect: Deny
            Action: sagemaker:*
            Resource: "*"
"""


def test_cfn_users_granted_sagemaker(lint):
    fs = lint(CFN_USERS, "t.yaml", select=KEYS)
    assert found(fs) == [("KEY407", 13, 17), ("KEY407", 17, 11), ("KEY407", 26, 13), ("KEY407", 36, 13)]
    assert all(f.severity == "note" for f in fs)
    assert fs[0].message.startswith("IAM user Analyst is granted SageMaker actions directly "
                                    "(sagemaker:DescribeModel, sagemaker:ListModels)")
    assert "AWS managed policy AmazonSageMakerReadOnly" in fs[1].message


# ---------------------------------------------------------------------------
# CloudFormation (JSON)

CFN_JSON = """\
{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {
    "aws_secret_access_key": {"Type": "String"},
    "AwsSessionToken": {"Type": "String", "NoEcho": true}
  },
  "Resources": {
    "CiKey": {"Type": "AWS::IAM::AccessKey", "Properties": {"UserName": "ci"}},
    "Vault": {"Type": "AWS::SecretsManager::Secret",
              "Properties": {"SecretString": {"Fn::GetAtt": ["CiKey", "SecretAccessKey"]}}}
  },
  "Outputs": {
    "S": {"Value": {"Fn::Sub": "id=${CiKey} secret=${CiKey.SecretAccessKey}"}},
    "T": {"Value": {"Fn::GetAtt": "CiKey.SecretAccessKey"}}
  }
}
"""


def test_cfn_json(lint):
    fs = lint(CFN_JSON, "stack.json", select=KEYS)
    assert spans(fs) == [
        ("KEY406", (4, 5, 4, 28)),
        ("KEY404", (8, 5, 8, 12)),
        ("KEY405", (13, 52, 13, 76)),  # the placeholder inside the Fn::Sub string
        ("KEY405", (14, 20, 14, 59)),
    ]


def test_cfn_json_secret_only_in_secrets_manager(lint):
    text = CFN_JSON.replace('"S": {"Value": {"Fn::Sub": "id=${CiKey} secret=${CiKey.SecretAccessKey}"}},\n', "") \
                   .replace('"T": {"Value": {"Fn::GetAtt": "CiKey.SecretAccessKey"}}', '"T": {"Value": {"Ref": "CiKey"}}')
    assert found(lint(text, "stack.json", select=["KEY404", "KEY405"])) == [("KEY404", 8, 5)]


# ---------------------------------------------------------------------------
# Terraform (HCL)

TF_MAIN = """\
resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

locals {
  ci_secret = aws_iam_access_key.ci.secret
  again     = local.ci_secret
}

resource "aws_sagemaker_model" "churn" {
  name               = "churn"
  execution_role_arn = var.role_arn
  primary_container {
    image = var.image
    environment = {
      AWS_ACCESS_KEY_ID     = aws_iam_access_key.ci.id
      AWS_SECRET_ACCESS_KEY = aws_iam_access_key.ci.secret
    }
  }
}

resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = var.role_arn
  environment {
    variables = {
      SECRET = local.again
    }
  }
}

resource "aws_ssm_parameter" "plain" {
  name  = "/ci/secret"
  type  = "String"
  value = aws_iam_access_key.ci.secret
}

resource "aws_ssm_parameter" "secure" {
  name  = "/ci/secure"
  type  = "SecureString"
  value = aws_iam_access_key.ci.secret
}

resource "aws_secretsmanager_secret_version" "v" {
  secret_id     = var.secret_id
  secret_string = jsonencode({ secret = aws_iam_access_key.ci.secret })
}
"""

TF_OUTPUTS = """\
output "key_id" {
  value = aws_iam_access_key.ci.id
}

output "secret" {
  value = aws_iam_access_key.ci.secret
}

output "secret_sensitive" {
  value     = aws_iam_access_key.ci.secret
  sensitive = true
}

output "encrypted" {
  value = aws_iam_access_key.ci.encrypted_secret
}

output "through_local" {
  value = "secret: ${local.again}"
}
"""


def test_terraform_module_flows_exact_locations(tmp_path, monkeypatch):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(TF_MAIN, encoding="utf-8")
    (tmp_path / "outputs.tf").write_text(TF_OUTPUTS, encoding="utf-8")
    fs = run(["."], Options(select=KEYS)).findings
    assert [(f.file, f.code, tuple(f.span)) for f in fs] == [
        ("main.tf", "KEY404", (5, 1, 5, 35)),
        ("main.tf", "KEY405", (21, 31, 21, 59)),
        ("main.tf", "KEY405", (31, 16, 31, 27)),
        ("main.tf", "KEY405", (39, 11, 39, 39)),
        ("outputs.tf", "KEY405", (6, 11, 6, 39)),
        ("outputs.tf", "KEY405", (10, 15, 10, 43)),
        ("outputs.tf", "KEY405", (19, 22, 19, 33)),
    ]
    assert "stored in plain text in the Terraform state (no `pgp_key`)" in fs[0].message
    assert "is marked sensitive, but aws_iam_access_key.ci has no pgp_key" in fs[5].message
    assert all([(r.file, tuple(r.span), r.message) for r in f.related] == [
        ("main.tf", (5, 1, 5, 35), "aws_iam_access_key.ci: the access key whose secret this is")] for f in fs[1:])


def test_terraform_chain_of_locals_through_a_file_without_a_key(tmp_path, monkeypatch):
    """keys.tf creates the key, locals.tf (no key in it) passes the secret on, outputs.tf exposes it."""
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "keys.tf").write_text('resource "aws_iam_access_key" "ci" {\n  user = "ci"\n}\n\n'
                                      'locals {\n  a = aws_iam_access_key.ci.secret\n}\n', encoding="utf-8")
    (tmp_path / "locals.tf").write_text("locals {\n  b = local.a\n}\n", encoding="utf-8")
    (tmp_path / "outputs.tf").write_text('output "leak" {\n  value = local.b\n}\n', encoding="utf-8")
    fs = run(["."], Options(select=KEYS)).findings
    assert [(f.file, f.code, tuple(f.span)) for f in fs] == [
        ("keys.tf", "KEY404", (1, 1, 1, 35)),
        ("outputs.tf", "KEY405", (2, 11, 2, 18)),
    ]
    assert [(r.file, tuple(r.span)) for r in fs[1].related] == [("keys.tf", (1, 1, 1, 35))]


def test_terraform_pgp_key_sensitive_output_is_key404_alone(lint):
    text = """\
resource "aws_iam_access_key" "ci" {
  user    = "ci"
  pgp_key = "keybase:ci_team"
}

output "secret" {
  value     = aws_iam_access_key.ci.encrypted_secret
  sensitive = true
}

output "plain" {
  value     = aws_iam_access_key.ci.secret
  sensitive = true
}
"""
    fs = lint(text, "main.tf", select=KEYS)
    assert found(fs) == [("KEY404", 1, 1)]
    assert "encrypted with `pgp_key`" in fs[0].message


def test_terraform_unknown_pgp_key_is_not_guessed(lint):
    text = """\
resource "aws_iam_access_key" "ci" {
  user    = "ci"
  pgp_key = var.pgp_key
}

output "secret" {
  value = aws_iam_access_key.ci.secret
}

output "maybe" {
  value     = aws_iam_access_key.ci.secret
  sensitive = var.hide
}
"""
    fs = lint(text, "main.tf", select=KEYS)
    assert found(fs) == [("KEY404", 1, 1)]
    assert "in plain text unless `pgp_key` is set" in fs[0].message


def test_terraform_secret_only_in_secrets_manager_is_key404_alone(lint):
    text = """\
resource "aws_iam_access_key" "ci" {
  user = "ci"
}

resource "aws_secretsmanager_secret_version" "v" {
  secret_id     = "ci"
  secret_string = aws_iam_access_key.ci.secret
}

resource "aws_ssm_parameter" "p" {
  name  = "/ci"
  type  = "SecureString"
  value = aws_iam_access_key.ci.secret
}
"""
    assert found(lint(text, "main.tf", select=KEYS)) == [("KEY404", 1, 1)]


def test_terraform_variables_and_users(lint):
    text = """\
variable "aws_secret_access_key" {
  type = string
}

variable "session_token" {
  type      = string
  sensitive = true
}

variable "secret_key_ssm_path" {
  type = string
}

resource "aws_iam_user_policy" "analyst" {
  user   = aws_iam_user.analyst.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["sagemaker:CreatePresignedNotebookInstanceUrl"], Resource = "*" }]
  })
}

resource "aws_iam_user_policy_attachment" "full" {
  user       = "analyst"
  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}

resource "aws_iam_role_policy_attachment" "role" {
  role       = "exec"
  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}

resource "aws_iam_user_policy_attachment" "custom" {
  user       = "analyst"
  policy_arn = aws_iam_policy.custom.arn
}

resource "aws_iam_policy" "custom" {
  policy = data.aws_iam_policy_document.custom.json
}

data "aws_iam_policy_document" "custom" {
  statement {
    actions   = ["sagemaker:DescribeModel"]
    resources = ["*"]
  }
}
"""
    fs = lint(text, "main.tf", select=KEYS)
    assert found(fs) == [("KEY406", 1, 10), ("KEY407", 18, 18), ("KEY407", 24, 16)]
    assert fs[1].message.startswith("IAM user aws_iam_user.analyst is granted SageMaker actions directly")
    assert "IAM user analyst is granted SageMaker actions directly by AWS managed policy AmazonSageMakerFullAccess" \
        in fs[2].message


def test_terraform_without_credentials_makes_no_facts(tmp_path):
    from linter import sources

    p = tmp_path / "main.tf"
    p.write_text('resource "aws_iam_role" "r" {\n  name = "r"\n}\n', encoding="utf-8")
    assert sources.load(str(p), "main.tf").credentials is None
    p = tmp_path / "t.yaml"
    p.write_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n", encoding="utf-8")
    assert sources.load(str(p), "t.yaml").credentials is None


# ---------------------------------------------------------------------------
# Terraform JSON

def test_terraform_json(lint):
    text = """\
{
  "variable": {"aws_secret_key": {"type": "string"}},
  "resource": {
    "aws_iam_access_key": {"ci": {"user": "ci"}},
    "aws_sagemaker_model": {"m": {
      "execution_role_arn": "${var.role}",
      "primary_container": {"image": "x", "environment": {"SECRET": "${aws_iam_access_key.ci.secret}"}}
    }}
  },
  "output": {"s": {"value": "${aws_iam_access_key.ci.secret}", "sensitive": false}}
}
"""
    fs = lint(text, "main.tf.json", select=KEYS)
    assert spans(fs) == [
        ("KEY406", (2, 16, 2, 32)),
        ("KEY404", (4, 28, 4, 32)),
        ("KEY405", (7, 69, 7, 102)),
        ("KEY405", (10, 29, 10, 62)),
    ]


# ---------------------------------------------------------------------------
# Terraform plans

def _plan(pgp_key, sensitive: bool) -> str:
    return json.dumps({
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "planned_values": {"root_module": {"resources": [
            {"address": "aws_iam_access_key.ci", "mode": "managed", "type": "aws_iam_access_key", "name": "ci",
             "values": {"user": "ci", "pgp_key": pgp_key, "status": "Active"}},
            {"address": "aws_sagemaker_model.m", "mode": "managed", "type": "aws_sagemaker_model", "name": "m",
             "values": {"name": "m", "primary_container": [{"image": "x", "environment": {}}]}},
        ]}},
        "configuration": {"root_module": {
            "variables": {"secret_access_key": {"description": "the key"}, "region": {}},
            "outputs": {"secret": {"sensitive": sensitive, "expression": {"references": [
                "aws_iam_access_key.ci.secret", "aws_iam_access_key.ci"]}}},
            "resources": [
                {"address": "aws_sagemaker_model.m", "mode": "managed", "type": "aws_sagemaker_model", "name": "m",
                 "expressions": {"primary_container": [{"environment": {"references": [
                     "aws_iam_access_key.ci.encrypted_secret", "aws_iam_access_key.ci"]}}]}},
            ],
        }},
    }, indent=1)


def test_terraform_plan(lint):
    fs = lint(_plan(None, False), "plan.json", select=KEYS)
    assert spans(fs) == [
        ("KEY404", (8, 17, 8, 40)),
        ("KEY406", (39, 5, 39, 24)),
        ("KEY405", (49, 8, 49, 38)),
    ]
    assert [(r.file, tuple(r.span), r.message) for r in fs[2].related] == [
        ("plan.json", (8, 17, 8, 40), "aws_iam_access_key.ci: the access key whose secret this is")]


def test_terraform_plan_sensitive_output_with_pgp_key_is_key404_alone(lint):
    fs = lint(_plan("keybase:ci", True), "plan.json", select=["KEY404", "KEY405"])
    assert found(fs) == [("KEY404", 8, 17)]
    fs = lint(_plan(None, True), "plan.json", select=["KEY405"])
    assert [f.message.split(":")[0] for f in fs] == ["the secret access key of aws_iam_access_key.ci is the value of "
                                                     "output secret"]


def test_keys_in_examples_are_fake():
    # the helpers the tests above use build key-shaped values at run time
    assert key_id("x").startswith("AKIA") and len(secret("x")) == 40


def test_serverless_resources(lint):
    text = """\
service: churn
provider:
  name: aws
resources:
  Resources:
    CiKey:
      Type: AWS::IAM::AccessKey
      Properties:
        UserName: ci
  Outputs:
    Secret:
      Value: !GetAtt CiKey.SecretAccessKey
"""
    fs = lint(text, "serverless.yml", select=KEYS)
    assert spans(fs) == [("KEY404", (6, 5, 6, 10)), ("KEY405", (12, 14, 12, 43))]
    assert fs[1].logical_path == ("resources", "Outputs", "Secret", "Value", "Fn::GetAtt")


def test_terraform_whole_key_object(lint):
    text = """\
resource "aws_iam_access_key" "ci" {
  count = 1
  user  = "ci"
}

output "key" {
  value = aws_iam_access_key.ci[0]
}

output "ids" {
  value = { for k, v in aws_iam_access_key.ci : k => v.id }
}

output "id" {
  value = aws_iam_access_key.ci[0].id
}
"""
    fs = lint(text, "main.tf", select=["KEY405"])
    assert spans(fs) == [("KEY405", (7, 11, 7, 35))]


DENIED_USER_TF = """\
resource "aws_iam_user" "u" { name = "u" }
resource "aws_iam_policy" "allow" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "*" }] })
}
resource "aws_iam_policy" "deny" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "*", Resource = "*" }] })
}
resource "aws_iam_user_policy_attachment" "a" {
  user       = aws_iam_user.u.name
  policy_arn = aws_iam_policy.allow.arn
}
resource "aws_iam_user_policy_attachment" "d" {
  user       = aws_iam_user.u.name
  policy_arn = aws_iam_policy.deny.arn
}
resource "aws_iam_user_policy_attachment" "m" {
  user       = aws_iam_user.u.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}
"""


def test_terraform_user_whose_policies_deny_everything_is_granted_nothing(lint):
    """An unconditional Deny of everything among the user's policies takes away what the others
    grant: no KEY407 (a Deny on a condition, or of other actions, leaves it)."""
    assert lint(DENIED_USER_TF, "main.tf", select=["KEY407"]) == []
    conditional = DENIED_USER_TF.replace('Action = "*", Resource = "*"',
                                         'Action = "*", Resource = "*", Condition = { Bool = { "aws:MultiFactorAuthPresent" = "false" } }')
    assert len(lint(conditional, "main.tf", select=["KEY407"])) == 2
    other = DENIED_USER_TF.replace('Effect = "Deny", Action = "*"', 'Effect = "Deny", Action = "s3:*"')
    assert len(lint(other, "main.tf", select=["KEY407"])) == 2


FOR_KEYS_TF = """\
resource "aws_iam_user" "dev" {
  for_each = toset(["a", "b"])
  name     = each.key
}
resource "aws_iam_access_key" "dev" {
  for_each = toset(["a", "b"])
  user     = each.key
}
output "secrets" {
  value = [for i in aws_iam_access_key.dev : i.secret]
}
output "by_user" {
  value     = zipmap(keys(aws_iam_user.dev), [for k, i in aws_iam_access_key.dev : i.secret])
  sensitive = true
}
output "ids" {
  value = [for i in aws_iam_access_key.dev : i.id]
}
"""


def test_terraform_for_expression_reading_the_secret(lint):
    """A ``for`` expression over the keys is judged by the attributes it reads: ``i.secret``
    is the secret (KEY405 at the key's reference), ``i.id`` is not."""
    fs = lint(FOR_KEYS_TF, "main.tf", select=["KEY405"])
    lines = FOR_KEYS_TF.splitlines()
    assert [(f.span.line, lines[f.span.line - 1][f.span.col - 1:f.span.col + 21]) for f in fs] == [
        (10, "aws_iam_access_key.dev"), (13, "aws_iam_access_key.dev")]


def test_a_committed_terraform_state_is_scanned_for_credentials(tmp_path, monkeypatch):
    """terraform.tfstate (and its backup) holds the secret of every aws_iam_access_key in plain
    text: a directory run reads it, and the key and its secret are reported, masked."""
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    kid, sec = key_id("state"), secret("state")
    state = {"version": 4, "terraform_version": "1.8.1", "serial": 1, "lineage": "x", "outputs": {},
             "resources": [{"mode": "managed", "type": "aws_iam_access_key", "name": "ci",
                            "instances": [{"attributes": {"id": kid, "user": "ci", "secret": sec}}]}]}
    text = json.dumps(state, indent=2)
    (tmp_path / "terraform.tfstate").write_text(text)
    (tmp_path / "terraform.tfstate.backup").write_text(text)
    res = run(["."], Options(select=["KEY401", "KEY402"]))
    got = sorted((f.file, f.code, f.span.line) for f in res.findings)
    line_id = text.split("\n").index(next(x for x in text.split("\n") if kid in x)) + 1
    line_sec = text.split("\n").index(next(x for x in text.split("\n") if sec in x)) + 1
    assert got == sorted([(name, code, line) for name in ("terraform.tfstate", "terraform.tfstate.backup")
                          for code, line in (("KEY401", line_id), ("KEY402", line_sec))])
    assert all(sec not in f.message and kid not in f.message for f in res.findings)


def test_credentials_in_files_that_hold_no_policy(tmp_path, monkeypatch):
    """A boto3 deploy script, an environment file, a shell script and a notebook hold no policy,
    but keys get pasted there: a directory run scans them for credentials (and nothing else); an
    ordinary script with none is not reported on."""
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    kid, sec = key_id("files"), secret("files")
    (tmp_path / "deploy.py").write_text(
        f'import boto3\nsm = boto3.client("sagemaker", aws_access_key_id="{kid}",\n'
        f'                  aws_secret_access_key="{sec}")\n')
    (tmp_path / ".env.example").write_text(f"AWS_ACCESS_KEY_ID={kid}\nAWS_SECRET_ACCESS_KEY={sec}\n")
    (tmp_path / "run.sh").write_text(f"#!/bin/sh\nexport AWS_ACCESS_KEY_ID={kid}\n")
    cell = f'sm = boto3.client("sagemaker", aws_access_key_id="{kid}")'
    (tmp_path / "try.ipynb").write_text(json.dumps({"cells": [{"source": [cell]}]}))
    (tmp_path / "plain.py").write_text("def f(x):\n    return x + 1\n")
    res = run(["."], Options(select=["KEY", "LP"]))
    assert sorted((f.file, f.code, f.span.line) for f in res.findings) == [
        (".env.example", "KEY401", 1), (".env.example", "KEY402", 2), ("deploy.py", "KEY401", 2),
        ("deploy.py", "KEY402", 3), ("run.sh", "KEY401", 2), ("try.ipynb", "KEY401", 1)]
    assert all(kid not in f.message and sec not in f.message for f in res.findings)


def test_a_url_encoded_session_token_is_not_a_secret_key(lint):
    """A presigned URL in a notebook's output holds the key ID and a URL-encoded session token,
    never the secret: a 40-character run between two %-escapes of the token is not KEY402."""
    from urllib.parse import quote

    from keygen import token

    kid = key_id("presigned", "ASIA")
    run = "".join(c for c in secret("presigned-a") + secret("presigned-b") if c.isalnum())[:40]
    tok = quote(token("presigned")[:60] + "+" + run[:38] + "/" + token("presigned")[60:120], safe="")
    assert f"%2B{run[:38]}%2F" in tok  # "2B" and 38 more: 40 characters of a secret key's alphabet
    url = (f"https://b.s3.amazonaws.com/o.png?AWSAccessKeyId={kid}&Signature=abc%3D"
           f"&x-amz-security-token={tok}&Expires=1600000000")
    found = lint(f'<img src="{url}"/>\n', name="out.txt")
    assert [f.code for f in found] == ["KEY401"]
    assert all(kid not in f.message for f in found)


def test_key406_numbers_switches_and_sts_settings_are_not_secrets(lint):
    text = """\
Parameters:
  SessionTokenTTL: {Type: Number}
  UseSessionToken: {Type: String, AllowedValues: ["true", "false"]}
  SecretKeyCount: {Type: String}
  SecurityTokenServiceEndpoint: {Type: String}
  SecretKeyVersion: {Type: String}
  CiSecretAccessKey: {Type: String}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
"""
    assert found(lint(text, "t.yaml", select=["KEY406"])) == [("KEY406", 7, 3)]
    tf = """\
variable "use_session_token" {
  type = bool
}
variable "session_token_ttl" {
  type = number
}
variable "aws_secret_access_key" {
  type      = string
  ephemeral = true
}
variable "ci_secret_key" {
  type = string
}
"""
    # an ephemeral variable is kept out of plans and state, as a sensitive one is hidden
    assert found(lint(tf, "main.tf", select=["KEY406"])) == [("KEY406", 11, 10)]


def test_keys_and_user_grants_made_by_scripts(lint):
    sh = """\
aws iam create-user --user-name kf-smuser
aws iam attach-user-policy --user-name kf-smuser --policy-arn arn:aws:iam::aws:policy/AmazonSageMakerFullAccess
aws iam put-user-policy --user-name kf-smuser --policy-name invoke --policy-document '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:InvokeEndpoint", "Resource": "*"}]}'
aws iam create-access-key --user-name kf-smuser > key.json
"""
    got = [(f.code, f.span.line, f.span.col) for f in lint(sh, "setup.sh", select=KEYS)]
    assert got == [("KEY407", 2, 63), ("KEY407", 3, 127), ("KEY404", 4, 9)]
    py = """\
import json
import boto3

iam = boto3.client("iam")
iam.attach_user_policy(UserName="deployer", PolicyArn="arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")
iam.put_user_policy(UserName="deployer", PolicyName="invoke", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:InvokeEndpoint", "Resource": "*"}]}))
key = iam.create_access_key(UserName="deployer")["AccessKey"]
"""
    found = lint(py, "make_user.py", select=KEYS)
    assert [(f.code, f.span.line) for f in found] == [("KEY407", 5), ("KEY407", 7), ("KEY404", 8)]
    assert found[2].message.startswith("user deployer: create_access_key creates a long-term access key for an IAM "
                                       "user: its secret is in the call's output")
    # a script that only makes the key is read for it too
    alone = 'import boto3\n\niam = boto3.client("iam")\nkey = iam.create_access_key(UserName="ci-bot")\n'
    assert [(f.code, f.span.line, f.span.col) for f in lint(alone, "make_key.py", select=KEYS)] == [("KEY404", 4, 7)]
    # another library's create_access_key makes no IAM key
    other = ("from minio import MinioAdmin\nadmin = MinioAdmin('x')\nadmin.create_access_key(UserName='a')\n"
             "bucket_policy = {\"Statement\": []}\n")
    assert lint(other, "minio_setup.py", select=KEYS) == []


def test_key407_a_policy_attached_to_a_user_in_another_file_of_the_module(tmp_path, monkeypatch):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "policy.tf").write_text("""\
resource "aws_iam_policy" "sm" {
  name = "sm"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["sagemaker:DescribeEndpoint"], Resource = "*" }]
  })
}
""")
    (tmp_path / "user.tf").write_text("""\
resource "aws_iam_user" "u" {
  name = "sm-user"
}
resource "aws_iam_user_policy_attachment" "a" {
  user       = aws_iam_user.u.name
  policy_arn = aws_iam_policy.sm.arn
}
""")
    for paths in (["."], ["policy.tf"]):  # the whole module, or pre-commit naming the policy's file
        found = run(paths, Options(select=["KEY407"])).findings
        assert [(f.code, f.file, f.span.line) for f in found] == [("KEY407", "policy.tf", 5)]
        assert found[0].message.startswith("IAM user aws_iam_user.u is granted SageMaker actions directly")
