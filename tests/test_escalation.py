"""The principal model (statements grouped by the role, user or group holding them, across
policies, a template and the files of a Terraform module) and SM301 passrole-compute-escalation,
with related locations in every reporter."""
import json

import pytest
from aa_helpers import policy, pos
from conftest import shared_path

from linter.engine import Options, run
from linter.reporters import render

PASS_ANY = {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
TRAIN = {"Sid": "Train", "Effect": "Allow", "Action": "sagemaker:CreateTrainingJob",
         "Resource": "arn:aws:sagemaker:us-east-1:111122223333:training-job/*"}


def sm301(found):
    return [f for f in found if f.code == "SM301"]


def where(f):
    return (f.file, f.span.line, f.span.col)


# ---------------------------------------------------------------------------
# One policy file: its own principal


@pytest.mark.parametrize("actions, granting, nth", [
    (["s3:*", "SageMaker:create*", "sagemaker:CreateTrainingJob"], "SageMaker:create*", 1),
    (["sagemaker:CreateTrainingJob", "sagemaker:*"], "sagemaker:CreateTrainingJob", 1),
    (["sagemaker:Describe*", "*"], "*", 2),  # the first "*" is PassRole's Resource
    (["sagemaker?CreateTrainingJob", "sagemaker:CreateTrainingJob"], "sagemaker?CreateTrainingJob", 1),
    (["sage*:*Job"], "sage*:*Job", 1),
])
def test_the_related_location_is_the_first_value_granting_the_action(lint, actions, granting, nth):
    """A grant is reported at the first Action value that grants the action as IAM matches it
    (a value without a colon, which LP002 reports, still matches as written)."""
    text = policy(PASS_ANY, {"Sid": "Train", "Effect": "Allow", "Action": actions,
                             "Resource": "arn:aws:sagemaker:us-east-1:111122223333:training-job/*"})
    found = sm301(lint(text, select=["SM301"]))
    assert len(found) == 1
    assert [(r.span.line, r.span.col) for r in found[0].related][0] == pos(text, json.dumps(granting), nth)


def test_policy_file_passrole_and_training_job(lint):
    text = policy(PASS_ANY, TRAIN)
    found = lint(text, select=["SM301"])
    assert [(f.code, f.span.line, f.span.col, f.severity) for f in found] == \
        [("SM301",) + pos(text, '"iam:PassRole"') + ("error",)]
    f = found[0]
    assert "sagemaker:CreateTrainingJob" in f.message and 'iam:PassRole on "*"' in f.message
    assert [(r.span.line, r.span.col) for r in f.related] == [pos(text, '"sagemaker:CreateTrainingJob"')]
    assert "training job" in f.related[0].message


@pytest.mark.parametrize("actions", [
    ["sagemaker:CreateProcessingJob"],
    ["sagemaker:CreateHyperParameterTuningJob"],
    ["sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"],
    ["sagemaker:CreateNotebookInstance", "sagemaker:CreateNotebookInstanceLifecycleConfig"],
    ["sagemaker:UpdateNotebookInstance", "sagemaker:StartNotebookInstance",
     "sagemaker:CreatePresignedNotebookInstanceUrl"],
    ["sagemaker:CreateCluster"],
    ["sagemaker:Create*"],
])
def test_each_path(lint, actions):
    text = policy(PASS_ANY, {"Effect": "Allow", "Action": actions, "Resource": "*"})
    assert len(lint(text, select=["SM301"])) == 1


@pytest.mark.parametrize("pass_stmt", [
    # exact role ARN, name prefix, role tag, passed only to other services
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/sm-training"},
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/sagemaker-team-a-*"},
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
     "Condition": {"StringEquals": {"iam:ResourceTag/team": "a"}}},
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
     "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}},
    # a value we cannot read is never guessed
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "${role_arn}"},
])
def test_defused_passrole(lint, pass_stmt):
    assert lint(policy(pass_stmt, TRAIN), select=["SM301"]) == []


def test_passed_to_service_sagemaker_alone_does_not_defuse(lint):
    st = dict(PASS_ANY, Condition={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}})
    assert len(lint(policy(st, TRAIN), select=["SM301"])) == 1


def test_consumer_conditions_do_not_defuse(lint):
    train = dict(TRAIN, Condition={"ForAnyValue:StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"]},
                                   "Null": {"sagemaker:VpcSubnets": "false"}})
    assert len(lint(policy(PASS_ANY, train), select=["SM301"])) == 1


def test_request_conditions_with_deploy_time_values_do_not_defuse(tmp_path, monkeypatch):
    """The subnets, KMS key or tags a new job must have are what the caller sends: a condition on
    them does not keep the path closed, whether its value is written out or a !Ref / var."""
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text("""\
Parameters:
  Subnet: {Type: String}
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: iam:PassRole, Resource: "*"}
              - Effect: Allow
                Action: sagemaker:CreateTrainingJob
                Resource: "*"
                Condition:
                  ForAllValues:StringEquals: {sagemaker:VpcSubnets: [!Ref Subnet]}
                  StringEquals: {aws:RequestTag/team: !Ref Subnet}
""")
    assert [f.code for f in run(["t.yaml"], Options(select=["SM301"])).findings] == ["SM301"]


def test_a_statement_requiring_a_key_the_action_never_carries_grants_it_nothing(lint):
    # "Null": {"sagemaker:VpcSubnets": "false"}: CreateModelPackage never carries the key
    guarded = {"Effect": "Allow", "Action": ["sagemaker:CreateModelPackage", "sagemaker:CreateTrainingJob"],
               "Resource": "*", "Condition": {"Null": {"sagemaker:VpcSubnets": "false"}}}
    assert [f.code for f in lint(policy(PASS_ANY, guarded), select=["SM301", "SM307"])] == ["SM301"]


def test_notebook_needs_a_way_in(lint):
    text = policy(PASS_ANY, {"Effect": "Allow", "Action": "sagemaker:CreateNotebookInstance", "Resource": "*"})
    assert lint(text, select=["SM301"]) == []
    # an existing notebook given the role must also be started and opened
    for missing in ("sagemaker:StartNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"):
        actions = [a for a in ("sagemaker:UpdateNotebookInstance", "sagemaker:StartNotebookInstance",
                               "sagemaker:CreatePresignedNotebookInstanceUrl") if a != missing]
        text = policy(PASS_ANY, {"Effect": "Allow", "Action": actions,
                                 "Resource": "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/nb"})
        assert lint(text, select=["SM301"]) == []


def test_deny_of_the_same_principal_defuses(lint):
    deny = {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}
    assert lint(policy(PASS_ANY, TRAIN, deny), select=["SM301"]) == []
    deny_train = {"Effect": "Deny", "Action": "sagemaker:Create*", "Resource": "*"}
    assert lint(policy(PASS_ANY, TRAIN, deny_train), select=["SM301"]) == []
    # a conditional Deny leaves the path open when the condition does not hold
    cond = dict(deny, Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}})
    assert len(lint(policy(PASS_ANY, TRAIN, cond), select=["SM301"])) == 1


def test_consumer_on_other_resources_only(lint):
    # CreateTrainingJob on a bucket ARN grants no training job
    st = dict(TRAIN, Resource="arn:aws:s3:::bucket/*")
    assert lint(policy(PASS_ANY, st), select=["SM301"]) == []


def test_two_standalone_policies_are_two_principals(lint, tmp_path):
    lint(policy(PASS_ANY), name="pass.json")
    assert lint(policy(TRAIN), name="train.json", select=["SM301"]) == []


# ---------------------------------------------------------------------------
# CloudFormation: an inline policy and an attached managed policy of one role

CFN = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Scientist:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: arn:aws:iam::111122223333:root}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - !Ref NotebookPolicy
      Policies:
        - PolicyName: pass
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource: arn:aws:iam::*:role/*
  NotebookPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action:
              - sagemaker:CreateNotebookInstance
              - sagemaker:CreatePresignedNotebookInstanceUrl
            Resource: "*"
  Execution:
    Type: AWS::IAM::Role
    Properties:
      RoleName: sm-exec
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: sagemaker.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: admin
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:*
                Resource: "*"
"""


def test_cloudformation_inline_and_managed_policy(lint):
    found = lint(CFN, name="template.yaml", select=["SM301"])
    assert [where(f) for f in found] == [("template.yaml",) + pos(CFN, "iam:PassRole")]
    f = found[0]
    assert f.label.startswith("AWS::IAM::Role Scientist")
    assert [(r.span.line, r.span.col) for r in f.related] == [pos(CFN, "sagemaker:CreateNotebookInstance"),
                                                             pos(CFN, "sagemaker:CreatePresignedNotebookInstanceUrl")]
    assert all(r.label == "AWS::IAM::ManagedPolicy NotebookPolicy PolicyDocument" for r in f.related)
    # the role SageMaker may assume, named with what it can do
    assert "AWS::IAM::Role Execution, which SageMaker may assume and whose policies here grant s3:*" in f.message


def test_cloudformation_policy_resource_with_roles(lint):
    text = CFN.replace("      ManagedPolicyArns:\n        - !Ref NotebookPolicy\n", "").replace(
        "    Type: AWS::IAM::ManagedPolicy\n    Properties:\n",
        "    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: nb\n      Roles: [!Ref Scientist]\n")
    assert len(lint(text, name="template.yaml", select=["SM301"])) == 1
    unattached = text.replace("      Roles: [!Ref Scientist]\n", "")
    assert lint(unattached, name="template.yaml", select=["SM301"]) == []


def test_cloudformation_permissions_boundary_caps(lint):
    text = CFN.replace("      ManagedPolicyArns:\n", "      PermissionsBoundary: !Ref Boundary\n      ManagedPolicyArns:\n")
    text += """\
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: [sagemaker:*, s3:*]
            Resource: "*"
"""
    assert lint(text, name="template.yaml", select=["SM301"]) == []


# ---------------------------------------------------------------------------
# Terraform: a role in one file, its policies in another

ROLE_TF = """\
resource "aws_iam_role" "scientist" {
  name               = "scientist"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111122223333:root" } }]
  })
}

resource "aws_iam_role_policy" "pass" {
  role   = aws_iam_role.scientist.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }]
  })
}
"""

JOBS_TF = """\
resource "aws_iam_policy" "jobs" {
  name   = "jobs"
  policy = data.aws_iam_policy_document.jobs.json
}

data "aws_iam_policy_document" "jobs" {
  statement {
    actions   = ["sagemaker:CreateProcessingJob"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy_attachment" "jobs" {
  role       = aws_iam_role.scientist.name
  policy_arn = aws_iam_policy.jobs.arn
}
"""


@pytest.fixture
def module(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ml").mkdir()
    (tmp_path / "ml" / "role.tf").write_text(ROLE_TF)
    (tmp_path / "ml" / "jobs.tf").write_text(JOBS_TF)
    return tmp_path


@pytest.mark.parametrize("jobs", [1, 2])
def test_terraform_module_across_two_files(module, jobs):
    found = run(["ml"], Options(select=["SM301"], jobs=jobs)).findings
    assert [where(f) for f in found] == [("ml/role.tf",) + pos(ROLE_TF, '"iam:PassRole"')[:1] + (47,)]
    f = found[0]
    assert f.label == "aws_iam_role.scientist (aws_iam_role_policy.pass)"
    assert [(r.file, r.span.line) for r in f.related] == [("ml/jobs.tf", 8)]
    assert f.related[0].label == "data.aws_iam_policy_document.jobs"


def test_terraform_one_file_named_reads_its_module(module):
    # pre-commit names only the changed file: the module's other files complete the path, and
    # only what is at fault in the files named is reported
    found = run(["ml/jobs.tf"], Options(select=["SM301"])).findings
    assert found == []
    found = run(["ml/role.tf"], Options(select=["SM301"])).findings
    assert [(f.file, f.span.line) for f in found] == [("ml/role.tf", 13)]
    assert [(r.file, r.span.line) for r in found[0].related] == [("ml/jobs.tf", 8)]


def test_terraform_attachment_to_another_role_does_not_combine(module):
    (module / "ml" / "jobs.tf").write_text(JOBS_TF.replace("aws_iam_role.scientist.name", "aws_iam_role.other.name"))
    assert run(["ml"], Options(select=["SM301"])).findings == []


def test_terraform_two_directories_are_two_modules(module):
    (module / "other").mkdir()
    (module / "ml" / "jobs.tf").rename(module / "other" / "jobs.tf")
    assert run(["."], Options(select=["SM301"])).findings == []


# ---------------------------------------------------------------------------
# AWS's own examples (SageMaker Developer Guide) stay quiet; written here from the facts they show


AWS_GUIDE_EXAMPLES = {
    # "Grant the iam:PassRole permission": pass one named execution role, only to SageMaker
    "pass-one-role": policy(
        {"Effect": "Allow", "Action": ["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob",
                                       "sagemaker:CreateNotebookInstance"],
         "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole",
         "Resource": "arn:aws:iam::111122223333:role/AmazonSageMaker-ExecutionRole-20240101T000000",
         "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}}),
    # AmazonSageMakerFullAccess's narrower PassRole statement: roles named *AmazonSageMaker* only
    "named-roles": policy(
        {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/*AmazonSageMaker*",
         "Condition": {"StringEquals": {"iam:PassedToService": ["glue.amazonaws.com",
                                                                "robomaker.amazonaws.com",
                                                                "states.amazonaws.com"]}}}),
    # "Enforce VPC isolation for training jobs" with the execution role named
    "vpc-training": policy(
        {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
         "Condition": {"Null": {"sagemaker:VpcSubnets": "false"}}},
        {"Effect": "Allow", "Action": "iam:PassRole",
         "Resource": "arn:aws:iam::111122223333:role/SageMakerTrainingRole"}),
}


@pytest.mark.parametrize("name", sorted(AWS_GUIDE_EXAMPLES))
def test_aws_guide_examples_quiet(lint, name):
    assert lint(AWS_GUIDE_EXAMPLES[name], select=["SM3"]) == []


# ---------------------------------------------------------------------------
# Reporters: related locations in text, JSON, SARIF (valid against the schemas) and GitHub


@pytest.fixture
def result(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.json").write_text(policy(PASS_ANY, TRAIN))
    return run(["p.json"], Options(select=["SM301"]))


def test_text_lists_related(result):
    text = render("text", result, {"version": "0"})
    lines = text.splitlines()
    assert lines[0].startswith("p.json:7:17: SM301 p.json may pass any role")
    assert lines[1] == "    p.json:13:17: related: sagemaker:CreateTrainingJob granted here (a training job runs " \
                       "the caller's container)"


def test_json_lists_related(result):
    doc = json.loads(render("json", result, {"version": "0"}))
    (f,) = doc["findings"]
    assert f["origin"] == "p.json"
    assert f["related"] == [{"file": "p.json", "line": 13, "column": 17, "end_line": 13, "end_column": 46,
                             "message": "sagemaker:CreateTrainingJob granted here (a training job runs the "
                                        "caller's container)", "origin": ""}]


def test_sarif_related_locations(result):
    import jsonschema

    log = json.loads(render("sarif", result, {"version": "0", "codes": ["SM301"]}))
    (res,) = log["runs"][0]["results"]
    assert res["relatedLocations"] == [{
        "id": 1,
        "physicalLocation": {"artifactLocation": {"uri": "p.json", "uriBaseId": "%SRCROOT%"},
                             "region": {"startLine": 13, "startColumn": 17, "endLine": 13, "endColumn": 46}},
        "message": {"text": "sagemaker:CreateTrainingJob granted here (a training job runs the caller's container)"},
    }]
    schema = json.load(open(shared_path("schemas", "sarif-schema-2.1.0.json")))
    jsonschema.Draft4Validator(schema).validate(log)
    schema = json.load(open(shared_path("schemas", "sarif-schema-2.1.0.github.json")))
    jsonschema.Draft202012Validator(schema).validate(log)


def test_github_annotation_names_related(result):
    text = render("github", result, {"version": "0"})
    assert "(related: p.json:13:17 sagemaker:CreateTrainingJob granted here" in text


def test_terraform_literal_role_name_and_policy_attachment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(ROLE_TF.replace("role   = aws_iam_role.scientist.id", 'role   = "scientist"'))
    (tmp_path / "attach.tf").write_text(JOBS_TF.replace(
        'resource "aws_iam_role_policy_attachment" "jobs" {\n  role       = aws_iam_role.scientist.name',
        'resource "aws_iam_policy_attachment" "jobs" {\n  name       = "jobs"\n  roles      = [aws_iam_role.scientist.name]'))
    found = run(["."], Options(select=["SM301"])).findings
    assert [(f.file, f.span.line, f.label) for f in found] == [
        ("main.tf", 13, "aws_iam_role.scientist (aws_iam_role_policy.pass)")]
    assert [(r.file, r.span.line) for r in found[0].related] == [("attach.tf", 8)]


def test_cloudformation_policy_attached_to_two_roles_is_read_with_each(lint):
    text = CFN.replace("      ManagedPolicyArns:\n        - !Ref NotebookPolicy\n", "").replace(
        "    Type: AWS::IAM::ManagedPolicy\n    Properties:\n",
        "    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      Roles: [!Ref Scientist, !Ref Execution]\n")
    # the Execution role holds the notebook actions too, but no PassRole: one finding, Scientist's
    found = lint(text, name="template.yaml", select=["SM301"])
    assert [f.label for f in found] == ["AWS::IAM::Role Scientist Policies[0].PolicyDocument"]


@pytest.mark.parametrize("pattern, matches", [
    ("arn:aws:iam::111122223333:role/ml-*", True),
    # ${AWS::Partition} and ${AWS::AccountId} hold colons: the role part is still found
    ("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/ml-*", True),
    ("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/service-role/ml-exec", True),
    ("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/other-*", False),
])
def test_a_passrole_resource_names_a_role_of_the_unit(pattern, matches):
    from linter.model import Holder
    from linter.principals import Principal

    role = Principal(Holder("t::R", "AWS::IAM::Role R", "role", "ml-exec"))
    assert role.role_arn_matches(pattern) is matches


@pytest.mark.parametrize("not_resource, reported", [
    ("arn:aws:sagemaker:*:*:domain/*", True),  # training jobs are not in the list
    ("arn:aws:sagemaker:*:*:training-job/*", False),
    ("*", False),
])
def test_a_grant_with_not_resource_completes_a_path(lint, not_resource, reported):
    """A NotResource grant applies to every resource its list leaves out."""
    text = policy(PASS_ANY, {"Sid": "Train", "Effect": "Allow", "Action": "sagemaker:CreateTrainingJob",
                             "NotResource": not_resource})
    found = sm301(lint(text, select=["SM301"]))
    assert [where(f)[1:] for f in found] == ([pos(text, '"iam:PassRole"')] if reported else [])
