"""``lint-policies principals``: per principal, its SageMaker and PassRole permissions (wildcards
expanded, resources, conditions, the granting statement), text and JSON."""
import json

import pytest
from test_escalation import JOBS_TF, ROLE_TF

from linter.cli import main


@pytest.fixture
def module(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ml").mkdir()
    (tmp_path / "ml" / "role.tf").write_text(ROLE_TF)
    (tmp_path / "ml" / "jobs.tf").write_text(JOBS_TF)
    (tmp_path / "p.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sagemaker:CreatePresigned*Url", "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Deny", "Action": "sagemaker:CreatePresignedMlflowTrackingServerUrl", "Resource": "*"}]}, indent=1))
    (tmp_path / "s3.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))
    return tmp_path


def test_text(module, capsys):
    # the Deny takes CreatePresignedMlflowTrackingServerUrl away; s3.json grants no SageMaker action
    assert main(["principals", "ml", "p.json", "s3.json"]) == 0
    assert capsys.readouterr().out == """\
aws_iam_role.scientist (role scientist)
  iam:PassRole
    Resource: "*"
    granted at ml/role.tf:13:47 aws_iam_role_policy.pass
  sagemaker:CreateProcessingJob
    Resource: "*"
    granted at ml/jobs.tf:8:18 data.aws_iam_policy_document.jobs

p.json (policy)
  sagemaker:CreatePresignedDomainUrl, sagemaker:CreatePresignedMlflowAppUrl, sagemaker:CreatePresignedNotebookInstanceUrl (from "sagemaker:CreatePresigned*Url")
    Resource: "*"
    when: IpAddress aws:SourceIp [192.0.2.0/24]
    granted at p.json:6:14
"""


def test_json(module, capsys):
    assert main(["principals", "--format", "json", "ml/jobs.tf"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (p,) = doc["principals"]
    assert (p["id"], p["name"], p["kind"], p["iam_name"]) == ("ml::aws_iam_role.scientist", "aws_iam_role.scientist",
                                                              "role", "scientist")
    assert p["permissions"] == [
        {"action": "iam:PassRole", "pattern": "iam:PassRole", "resource_element": "Resource", "resources": ["*"],
         "conditions": [], "file": "ml/role.tf", "line": 13, "column": 47, "origin": "aws_iam_role_policy.pass",
         "statement": 0},
        {"action": "sagemaker:CreateProcessingJob", "pattern": "sagemaker:CreateProcessingJob",
         "resource_element": "Resource", "resources": ["*"], "conditions": [], "file": "ml/jobs.tf", "line": 8,
         "column": 18, "origin": "data.aws_iam_policy_document.jobs", "statement": 0}]


def test_nothing_granted(module, capsys):
    assert main(["principals", "s3.json"]) == 0
    assert capsys.readouterr().out == "No principal is granted a SageMaker action or iam:PassRole.\n"
    assert main(["principals", "nope"]) == 2


def test_text_of_a_module_read_for_a_call(tmp_path, monkeypatch, capsys):
    # the call's list is put where the module names it: each action its own, not "from" another
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text('''variable "actions" {}
resource "aws_iam_role" "this" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { Service = "sagemaker.amazonaws.com" } }] })
}
resource "aws_iam_role_policy" "this" {
  role   = aws_iam_role.this.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }] })
}
''')
    (tmp_path / "main.tf").write_text('module "trainer" {\n  source  = "./m"\n'
                                      '  actions = ["sagemaker:CreateTrainingJob", "iam:PassRole"]\n}\n')
    assert main(["principals", "main.tf"]) == 0
    assert capsys.readouterr().out == """\
module.trainer.aws_iam_role.this (role)
  assumable by: sagemaker.amazonaws.com
  iam:PassRole, sagemaker:CreateTrainingJob
    Resource: "*"
    granted at m/main.tf:8:67 module.trainer.aws_iam_role_policy.this
"""
