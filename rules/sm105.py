"""SM105 broad-managed-policy."""
from __future__ import annotations

from linter import kb
from linter.rule import Rule


class BroadManagedPolicy(Rule):
    code = "SM105"
    name = "broad-managed-policy"
    severity = "warning"
    scope = "managed"
    summary = ("A role, user, group, permission set or SAM function attaches an AWS managed policy that grants "
               "SageMaker broadly (`AmazonSageMakerFullAccess`, `AdministratorAccess`, `PowerUserAccess`, "
               "`job-function/DataScientist`, the permissive SageMaker Studio execution policies...), by ARN, "
               "`!Sub` ARN, SAM policy name or Terraform `data \"aws_iam_policy\"` lookup.")
    rationale = (
        "AWS managed policies are written for every customer at once, so the broad ones grant everything a "
        "service can do, on every resource, and grow when AWS adds actions. `AmazonSageMakerFullAccess` "
        "lets an execution role create presigned notebook URLs, start jobs that run any container, and "
        "delete endpoints and model registries in the whole account; `AdministratorAccess` and "
        "`PowerUserAccess` do that and much more. They are fine for a short experiment and wrong for a "
        "production execution role or a CI deployer. Write an inline or customer managed policy with the "
        "SageMaker actions and resources the workload uses. Which policies are broad is decided from "
        "their own documents, not by hand: a policy is broad when, without conditions, it grants at least a "
        "quarter of SageMaker's Write and Permissions-management actions on every resource "
        "(`linter/data/managed_policies.json`, made by `scripts/update_managed_policies.py` from the AWS "
        "managed policies as archived by the MAMIP project)."
    )
    example = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: sagemaker.amazonaws.com
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Sub "arn:${AWS::Partition}:iam::aws:policy/AmazonSageMakerFullAccess"
"""
    fix = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: sagemaker.amazonaws.com
            Action: sts:AssumeRole
      Policies:
        - PolicyName: training
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action:
                  - sagemaker:CreateTrainingJob
                  - sagemaker:DescribeTrainingJob
                Resource: !Sub "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:training-job/churn-*"
"""
    example_format = "yaml"
    options = {"allowed-policies": "managed policy names (list of strings) the team accepts, e.g. "
                                   "`[\"AmazonSageMakerFullAccess\"]` for a sandbox account; not reported."}
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-use-aws-defined-policies",
    )
    tags = ("security", "least-privilege")

    def check(self, ref, ctx):
        if not ref.aws_managed:
            return
        facts = kb.broad_managed_policy(ref.name.rsplit("/", 1)[-1])
        if facts is None:
            return
        allowed = {str(a).lower() for a in (ctx.option("allowed-policies", []) or [])}
        if facts["name"].lower() in allowed:
            return
        src = kb.managed_policies_source()
        total, writes = src["sagemaker_actions"], src["sagemaker_write_actions"]
        every = "every one of the" if facts["actions"] == total else f"{facts['actions']} of the"
        how = f" ({ref.context})" if ref.context else ""
        yield self.finding(ref.value, f"AWS managed policy {ref.name}{how} grants {every} {total} SageMaker actions "
                                      f"on every resource ({facts['write_actions']} of the {writes} Write and "
                                      f"Permissions-management ones, such as {facts['riskiest']}); attach a policy "
                                      f"with the SageMaker actions and resources this workload needs")

RULE = BroadManagedPolicy()
