"""The principal model in every format that can tell who holds a policy: Terraform JSON (with the
``.tf`` files of its module), Terraform plans, Serverless services, the AWS CLI's
``get-account-authorization-details`` output and CDK apps. In each: a path split across two
policies of one principal is SM301 with the other half as a related location; the same policies
held by two principals are not combined; ``lint-policies principals`` lists the principal."""
import json

import pytest
from aa_helpers import pos

from linter.cli import main
from linter.engine import Options, run


def sm301(paths, **kw):
    return run(paths, Options(select=["SM301"], **kw)).findings


def where(f):
    return (f.file, f.span.line, f.span.col)


def related(f):
    return [(r.file, r.span.line, r.span.col) for r in f.related]


def listed(capsys, *paths):
    """(name, actions) of each principal ``lint-policies principals --format json`` prints."""
    assert main(["principals", "--format", "json", *paths]) == 0
    doc = json.loads(capsys.readouterr().out)
    return [(p["name"], sorted({e["action"] for e in p["permissions"]})) for p in doc["principals"]]


# ---------------------------------------------------------------------------
# Terraform JSON: a role in one .tf.json file, a policy attached to it in another

ROLE_TF_JSON = """\
{
  "resource": {
    "aws_iam_role": {
      "scientist": {
        "name": "scientist",
        "assume_role_policy": "${data.aws_iam_policy_document.trust.json}"
      }
    },
    "aws_iam_role_policy": {
      "pass": {
        "role": "${aws_iam_role.scientist.id}",
        "policy": "{\\"Version\\": \\"2012-10-17\\", \\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"iam:PassRole\\", \\"Resource\\": \\"*\\"}]}"
      }
    }
  },
  "data": {
    "aws_iam_policy_document": {
      "trust": {
        "statement": {
          "actions": ["sts:AssumeRole"],
          "principals": {"type": "AWS", "identifiers": ["arn:aws:iam::111122223333:root"]}
        }
      }
    }
  }
}
"""

JOBS_TF_JSON = """\
{
  "resource": {
    "aws_iam_policy": {
      "jobs": {"name": "jobs", "policy": "${data.aws_iam_policy_document.jobs.json}"}
    },
    "aws_iam_role_policy_attachment": {
      "jobs": {"role": "${aws_iam_role.scientist.name}", "policy_arn": "${aws_iam_policy.jobs.arn}"}
    }
  },
  "data": {
    "aws_iam_policy_document": {
      "jobs": {"statement": [{"actions": ["sagemaker:CreateProcessingJob"], "resources": ["*"]}]}
    }
  }
}
"""


@pytest.fixture
def tf_json(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ml").mkdir()
    (tmp_path / "ml" / "role.tf.json").write_text(ROLE_TF_JSON)
    (tmp_path / "ml" / "jobs.tf.json").write_text(JOBS_TF_JSON)
    return tmp_path


def test_tf_json_module_across_two_files(tf_json, capsys):
    (f,) = sm301(["ml"])
    assert where(f) == ("ml/role.tf.json",) + pos(ROLE_TF_JSON, '\\"iam:PassRole')
    assert f.label == "aws_iam_role.scientist (aws_iam_role_policy.pass)"
    assert related(f) == [("ml/jobs.tf.json",) + pos(JOBS_TF_JSON, '"sagemaker:CreateProcessingJob"')]
    assert f.related[0].label == "data.aws_iam_policy_document.jobs"
    assert listed(capsys, "ml") == [("aws_iam_role.scientist", ["iam:PassRole", "sagemaker:CreateProcessingJob"])]


def test_tf_json_one_file_named_reads_its_module(tf_json):
    assert [where(f) for f in sm301(["ml/role.tf.json"])] == [("ml/role.tf.json",)
                                                             + pos(ROLE_TF_JSON, '\\"iam:PassRole')]
    assert sm301(["ml/jobs.tf.json"]) == []


def test_tf_json_attached_to_another_role_does_not_combine(tf_json, capsys):
    (tf_json / "ml" / "jobs.tf.json").write_text(JOBS_TF_JSON.replace("aws_iam_role.scientist.name",
                                                                      "aws_iam_role.other.name"))
    assert sm301(["ml"]) == []
    # a policy attached to no principal the module shows is its own
    assert listed(capsys, "ml") == [("data.aws_iam_policy_document.jobs", ["sagemaker:CreateProcessingJob"]),
                                    ("aws_iam_role.scientist", ["iam:PassRole"])]


def test_tf_json_and_hcl_of_one_module_combine(tf_json):
    hcl = """\
resource "aws_iam_role_policy" "jobs" {
  role   = "scientist"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sagemaker:CreateTrainingJob", Resource = "*" }]
  })
}
"""
    (tf_json / "ml" / "jobs.tf.json").unlink()
    (tf_json / "ml" / "train.tf").write_text(hcl)
    (f,) = sm301(["ml"])
    assert where(f) == ("ml/role.tf.json",) + pos(ROLE_TF_JSON, '\\"iam:PassRole')
    assert related(f) == [("ml/train.tf",) + pos(hcl, '"sagemaker:CreateTrainingJob"')]
