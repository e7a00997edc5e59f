"""IAM1xx and IAM2xx in CloudFormation (YAML and JSON) and Terraform (.tf with jsonencode, heredocs and
aws_iam_policy_document), firing and not firing at the exact line and column. Each case selects only the
rule it is about."""
import pytest

from aa_helpers import cfn, found_at, pos, t


# (code, CloudFormation identity statements, needle of the finding or None when quiet)
CFN_IDENTITY = [
    ("IAM101", """\
              - Effect: Deny
                Action: [s3:GetObject, s3:DeleteObjects]
                Resource: "*\"""", "s3:DeleteObjects"),
    ("IAM101", """\
              - Effect: Deny
                Action: [s3:GetObject, s3:DeleteObject]
                Resource: "*\"""", None),
    ("IAM102", """\
              - Effect: Deny
                Action: s3:*
                Resource: "*"
                Condition:
                  Bool: {aws:SecureTransprot: "false"}""", "aws:SecureTransprot"),
    ("IAM102", """\
              - Effect: Deny
                Action: s3:*
                Resource: "*"
                Condition:
                  Bool: {aws:SecureTransport: "false"}""", None),
    ("IAM103", """\
              - Effect: Allow
                Action: s3:GetObject
                Resource: "*"
                Condition:
                  StringEquals: {iam:PassedToService: sagemaker.amazonaws.com}""", "iam:PassedToService"),
    ("IAM103", """\
              - Effect: Allow
                Action: iam:PassRole
                Resource: arn:aws:iam::111122223333:role/ml-training
                Condition:
                  StringEquals: {iam:PassedToService: sagemaker.amazonaws.com}""", None),
    ("IAM104", """\
              - Effect: Allow
                Action: s3:GetObject
                Resource: "*"
                Condition:
                  StringEqual: {aws:PrincipalTag/team: ml}""", "StringEqual"),
    ("IAM104", """\
              - Effect: Allow
                Action: s3:GetObject
                Resource: "*"
                Condition:
                  StringEquals: {aws:PrincipalTag/team: ml}""", None),
    ("IAM105", """\
              - Effect: Allow
                Action: sagemaker:CreateTrainingJob
                Resource: "*"
                Condition:
                  StringEquals:
                    sagemaker:VpcSecurityGroupIds: [sg-0a1b2c3d]""", "sagemaker:VpcSecurityGroupIds"),
    ("IAM105", """\
              - Effect: Allow
                Action: sagemaker:CreateTrainingJob
                Resource: "*"
                Condition:
                  ForAllValues:StringEquals:
                    sagemaker:VpcSecurityGroupIds: [sg-0a1b2c3d]""", None),
    ("IAM106", """\
              - Effect: Allow
                Action: sagemaker:CreateTrainingJob
                Resource: "*"
                Condition:
                  StringEquals: {sagemaker:NetworkIsolation: "True"}""", "sagemaker:NetworkIsolation"),
    ("IAM106", """\
              - Effect: Allow
                Action: sagemaker:CreateTrainingJob
                Resource: "*"
                Condition:
                  Bool: {sagemaker:NetworkIsolation: "true"}""", None),
    ("IAM107", """\
              - Effect: Deny
                Action: sagemaker:*
                Resource: "*"
                Condition:
                  StringNotEquals: {aws:SourceVpce: vpce-123}""", "vpce-123"),
    ("IAM107", """\
              - Effect: Deny
                Action: sagemaker:*
                Resource: "*"
                Condition:
                  StringNotEquals: {aws:SourceVpce: !Ref StudioEndpoint}""", None),
    ("IAM108", """\
              - Effect: Deny
                Action: sagemaker:*
                Resource: "*"
                Condition:
                  NotIpAddress: {aws:SourceIp: 10.0.0.0/8}""", "10.0.0.0/8"),
    ("IAM108", """\
              - Effect: Deny
                Action: sagemaker:*
                Resource: "*"
                Condition:
                  NotIpAddress: {aws:VpcSourceIp: 10.0.0.0/8}""", None),
    ("IAM109", """\
              - Effect: Allow
                Action: iam:PassRole
                Resource: arn:aws:iam:us-east-1:111122223333:role/ml-training""", "arn:aws:iam:us-east-1"),
    ("IAM109", """\
              - Effect: Allow
                Action: iam:PassRole
                Resource: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/ml-training""", None),
    ("IAM110", """\
              - Effect: Allow
                Action: s3:GetObject
                Resource: !Sub arn:aws:s3:::ml-home/${!aws:username/*""", "arn:aws:s3:::ml-home/${!aws"),
    ("IAM110", """\
              - Effect: Allow
                Action: s3:GetObject
                Resource: !Sub arn:aws:s3:::ml-home-${AWS::AccountId}/${!aws:username}/*""", None),
    ("IAM201", """\
              - Effect: Allow
                Action: s3:GetObject
                Resource: "*"
                Condition:
                  ForAllValues:StringEquals: {aws:RequestedRegion: eu-west-1}""", "aws:RequestedRegion"),
    ("IAM201", """\
              - Effect: Allow
                Action: s3:GetObject
                Resource: "*"
                Condition:
                  ForAllValues:StringEquals: {aws:TagKeys: [team]}""", None),
    ("IAM202", """\
              - Effect: Deny
                Action: sagemaker:*
                Resource: "*"
                Condition:
                  ForAnyValue:StringNotEquals: {aws:PrincipalOrgID: o-a1b2c3d4e5}""", "aws:PrincipalOrgID"),
    ("IAM202", """\
              - Effect: Deny
                Action: sagemaker:*
                Resource: "*"
                Condition:
                  StringNotEquals: {aws:PrincipalOrgID: o-a1b2c3d4e5}""", None),
    ("IAM203", """\
              - Effect: Allow
                Action: sagemaker:InvokeEndpoint
                Resource: "*"
                Condition:
                  StringEquals: {aws:ResourceTag/project: churn-*}""", "churn-*"),
    ("IAM203", """\
              - Effect: Allow
                Action: sagemaker:InvokeEndpoint
                Resource: "*"
                Condition:
                  StringLike: {aws:ResourceTag/project: churn-*}""", None),
    ("IAM207", """\
              - Effect: Allow
                Action: "*:Describe*"
                Resource: "*\"""", '"*:Describe*"'),
    ("IAM207", """\
              - Effect: Allow
                Action: sagemaker:Describe*
                Resource: "*\"""", None),
]


@pytest.mark.parametrize("code,stmts,needle", CFN_IDENTITY, ids=[f"{c}-{'fires' if n else 'quiet'}" for c, _, n in CFN_IDENTITY])
def test_cloudformation_identity(lint, code, stmts, needle):
    text = cfn(stmts=stmts)
    want = [(code,) + pos(text, needle)] if needle else []
    assert found_at(lint, text, "template.yaml", code) == want


# (code, CloudFormation trust statements, needle or None)
CFN_TRUST = [
    ("IAM201", """\
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: sts:AssumeRole
            Condition:
              ForAllValues:StringEquals: {aws:PrincipalOrgID: o-a1b2c3d4e5}""", "aws:PrincipalOrgID"),
    ("IAM204", """\
          - Effect: Allow
            Principal: {Services: sagemaker.amazonaws.com}
            Action: sts:AssumeRole""", "Services"),
    ("IAM204", """\
          - Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: sts:AssumeRole""", None),
    ("IAM205", """\
          - Effect: Allow
            Principal: {Federated: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:saml-provider/Corp"}
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals: {SAML:aud: https://signin.aws.amazon.com/saml}""", "sts:AssumeRoleWithWebIdentity"),
    ("IAM205", """\
          - Effect: Allow
            Principal: {Federated: !Ref Provider}
            Action: sts:AssumeRoleWithWebIdentity""", None),
    ("IAM206", """\
          - Effect: Allow
            Principal: {AWS: arn:aws:iam::111122223333:role/platform}
            Action: sts:AssumeRole
            Condition:
              StringLike: {sts:SourceIdentity: "*@example.com"}""", "sts:SourceIdentity"),
    ("IAM206", """\
          - Effect: Allow
            Principal: {AWS: arn:aws:iam::111122223333:role/platform}
            Action: [sts:AssumeRole, sts:SetSourceIdentity]
            Condition:
              StringLike: {sts:SourceIdentity: "*@example.com"}""", None),
    ("IAM208", """\
          - Effect: Allow
            Principal: {Service: sagemaker.amazonaws.com}
            Action: [sts:AssumeRole, sagemaker:CreateTrainingJob]""", "sagemaker:CreateTrainingJob"),
    ("IAM208", """\
          - Effect: Allow
            Principal: {Service: sagemaker.amazonaws.com}
            Action: [sts:AssumeRole, sts:SetSourceIdentity, !Ref TrustAction]""", None),
]


@pytest.mark.parametrize("code,trust,needle", CFN_TRUST, ids=[f"{c}-{'fires' if n else 'quiet'}" for c, _, n in CFN_TRUST])
def test_cloudformation_trust(lint, code, trust, needle):
    text = cfn(trust=trust)
    want = [(code,) + pos(text, needle)] if needle else []
    assert found_at(lint, text, "template.yaml", code) == want


def test_cloudformation_json_string_document(lint):
    text = t("""
        {
          "Resources": {
            "P": {
              "Type": "AWS::IAM::ManagedPolicy",
              "Properties": {
                "PolicyDocument": "{\\"Version\\": \\"2012-10-17\\", \\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"kms:Decryptt\\", \\"Resource\\": \\"*\\"}]}"
              }
            }
          }
        }
    """)
    assert found_at(lint, text, "template.json", "IAM101") == [("IAM101",) + pos(text, '\\"kms:Decryptt')]


# ---------------------------------------------------------------------------
# Terraform

TF = """\
resource "aws_iam_policy" "ml" {{
  name   = "ml"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "{effect}"
      Action    = {action}
      Resource  = {resource}
      Condition = {condition}
    }}]
  }})
}}
"""


def tf(action='"s3:GetObject"', resource='"*"', condition="{}", effect="Allow"):
    return TF.format(action=action, resource=resource, condition=condition, effect=effect)


TF_CASES = [
    ("IAM101", tf(action='["sagemakr:CreateModel"]'), '"sagemakr:CreateModel'),
    ("IAM102", tf(condition='{ StringEquals = { "s3:prefx" = "home/" } }'), '"s3:prefx'),
    ("IAM102", tf(condition='{ StringEquals = { "token.actions.githubusercontent.com:sub" = "x" } }'), None),
    ("IAM103", tf(action='"kms:DescribeKey"', condition='{ "ForAnyValue:StringEquals" = { "aws:TagKeys" = ["a"] } }'), '"aws:TagKeys'),
    ("IAM104", tf(condition='{ NullIfExists = { "aws:TokenIssueTime" = "true" } }'), "NullIfExists"),
    ("IAM105", tf(action='"sagemaker:CreateTrainingJob"', condition='{ StringEquals = { "sagemaker:VpcSubnets" = ["subnet-1"] } }'), '"sagemaker:VpcSubnets'),
    ("IAM106", tf(condition='{ StringLike = { "aws:SourceIp" = "10.0.*" } }'), '"aws:SourceIp'),
    ("IAM107", tf(condition='{ Bool = { "aws:SecureTransport" = "yes" } }'), '"yes"'),
    ("IAM107", tf(condition='{ Bool = { "aws:SecureTransport" = false } }'), None),
    ("IAM108", tf(condition='{ IpAddress = { "aws:SourceIp" = ["192.168.0.0/16"] } }'), '"192.168.0.0/16'),
    ("IAM109", tf(resource='"arn:aws:s3:us-east-1::ml-data"'), '"arn:aws:s3:us-east-1'),
    ("IAM109", tf(resource='"${aws_s3_bucket.data.arn}/*"'), None),
    ("IAM109", tf(resource='"arn:aws:s3:::${var.bucket}/*"'), None),
    ("IAM110", tf(resource='"arn:aws:s3:::home/$${ aws:username }/*"'), '"arn:aws:s3:::home'),
    ("IAM110", tf(resource='"arn:aws:s3:::home/$${aws:username}/*"'), None),
    ("IAM201", tf(condition='{ "ForAllValues:StringEquals" = { "aws:SourceAccount" = "111122223333" } }'), '"aws:SourceAccount'),
    ("IAM202", tf(effect="Deny", condition='{ "ForAnyValue:StringNotEquals" = { "aws:SourceVpce" = "vpce-1a2b3c4d" } }'), '"aws:SourceVpce'),
    ("IAM203", tf(condition='{ StringEquals = { "aws:PrincipalTag/team" = "ml-*" } }'), '"ml-*'),
    ("IAM207", tf(action='"sage*:*"'), '"sage*:*'),
]


@pytest.mark.parametrize("code,text,needle", TF_CASES, ids=[f"{c}-{'fires' if n else 'quiet'}" for c, _, n in TF_CASES])
def test_terraform_jsonencode(lint, code, text, needle):
    want = [(code,) + pos(text, needle)] if needle else []
    assert found_at(lint, text, "main.tf", code) == want


TF_DOC = t("""
    data "aws_iam_policy_document" "trust" {
      statement {
        actions = ["sts:AssumeRoleWithSAML"]
        principals {
          type        = "Federated"
          identifiers = ["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]
        }
        condition {
          test     = "StringEquals"
          variable = "token.actions.githubusercontent.com:aud"
          values   = ["sts.amazonaws.com"]
        }
        condition {
          test     = "StringLike"
          variable = "token.actions.githubusercontent.com:sub"
          values   = ["repo:my-org/ml:*"]
        }
      }
    }

    data "aws_iam_policy_document" "ml" {
      statement {
        actions   = ["s3:GetObject"]
        resources = ["arn:aws:s3:::home/$${aws:username}/*"]
        condition {
          test     = "NumericLessThan"
          variable = "aws:MultiFactorAuthAge"
          values   = ["$${aws:TokenIssueTime}"]
        }
      }
    }

    resource "aws_iam_role" "ci" {
      name               = "ci"
      assume_role_policy = data.aws_iam_policy_document.trust.json
    }

    resource "aws_iam_policy" "ml" {
      policy = data.aws_iam_policy_document.ml.json
    }
""")


def test_terraform_trust_policy_with_another_service_action(lint):
    # a permission written into the role's trust policy: IAM refuses the role
    text = t("""
        data "aws_iam_policy_document" "assume" {
          statement {
            actions = ["sts:AssumeRole", "iam:CreateRole"]
            principals {
              type        = "Service"
              identifiers = ["sagemaker.amazonaws.com"]
            }
          }
        }

        resource "aws_iam_role" "ml" {
          name               = "ml"
          assume_role_policy = data.aws_iam_policy_document.assume.json
        }

        resource "aws_iam_role" "inline" {
          name               = "inline"
          assume_role_policy = jsonencode({
            Version   = "2012-10-17"
            Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" },
                           Action = ["sts:AssumeRole", "sts:TagSession", var.extra_action] }]
          })
        }
    """)
    assert found_at(lint, text, "main.tf", "IAM208") == [("IAM208",) + pos(text, '"iam:CreateRole"')]


def test_terraform_policy_document(lint):
    assert found_at(lint, TF_DOC, "main.tf", "IAM205") == [("IAM205",) + pos(TF_DOC, '"sts:AssumeRoleWithSAML"')]
    # the provider writes "Version": "2012-10-17": the variable in resources is fine, the Numeric one is not
    assert found_at(lint, TF_DOC, "main.tf", "IAM110") == [("IAM110",) + pos(TF_DOC, '"$${aws:TokenIssueTime}"')]
