"""A plan and the .tf it came from give the same findings, for every resource type both express.

The resource types and their policy attributes come from the one table both readers use
(``terraform.POLICY_ATTRIBUTES``), plus an ordinary resource policy: a type added to the table is
checked here without a new test.
"""
from __future__ import annotations

import json
from collections import Counter

import pytest

from linter.engine import Options, run
from linter.sources.terraform import ORGANIZATIONS_POLICY, POLICY_ATTRIBUTES

# Grants everything, names everyone, and has a guardrail with an action that does not exist:
# what is reported depends on the document's role (grant rules, trust rules, validity rules).
POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
    {"Effect": "Deny", "Action": "sagemaker:CreateTrainingJobb", "Resource": "*"},
]}
RULES = ["SM101", "SM104", "SM201", "IAM301", "IAM302"]

CASES = sorted({(rtype, attr) for rtype, attrs in POLICY_ATTRIBUTES.items() for attr in attrs}
               | {("aws_s3_bucket_policy", "policy"), ("aws_kms_key", "policy")})


def hcl(rtype: str, attr: str) -> str:
    value = f"jsonencode({json.dumps(POLICY)})"
    if "." in attr:
        block, name = attr.split(".", 1)
        body = f"  {block} {{\n    name = \"p\"\n    {name} = {value}\n  }}\n"
    else:
        body = f"  {attr} = {value}\n"
    return f'resource "{rtype}" "x" {{\n{body}}}\n'


def plan(rtype: str, attr: str) -> str:
    if "." in attr:
        block, name = attr.split(".", 1)
        values = {block: [{"name": "p", name: json.dumps(POLICY)}]}
    else:
        values = {attr: json.dumps(POLICY)}
    res = {"address": f"{rtype}.x", "mode": "managed", "type": rtype, "name": "x", "values": values}
    return json.dumps({"format_version": "1.2", "terraform_version": "1.7.0",
                       "planned_values": {"root_module": {"resources": [res]}}}, indent=1)


def codes(tmp_path, monkeypatch, name: str, text: str) -> Counter:
    d = tmp_path / f"{name.replace('.', '_')}{len(list(tmp_path.iterdir()))}"
    d.mkdir()
    (d / name).write_text(text)
    monkeypatch.chdir(d)
    return Counter(f.code for f in run([name], Options(select=RULES)).findings)


@pytest.mark.parametrize("rtype,attr", CASES, ids=[f"{r}.{a}" for r, a in CASES])
def test_plan_and_tf_give_the_same_findings(tmp_path, monkeypatch, rtype, attr):
    from_tf = codes(tmp_path, monkeypatch, "main.tf", hcl(rtype, attr))
    from_plan = codes(tmp_path, monkeypatch, "plan.json", plan(rtype, attr))
    assert from_tf == from_plan
    assert from_tf["SM104"] == 1, "every document is read (the guardrail's unknown action is reported)"


def test_roles_in_the_table_decide_the_findings(tmp_path, monkeypatch):
    """The parity above would also hold if both readers ignored roles: check the roles matter."""
    seen = {(r, a): codes(tmp_path, monkeypatch, "main.tf", hcl(r, a)) for r, a in
            (("aws_iam_policy", "policy"), ("aws_vpc_endpoint", "policy"), ("aws_iam_role", "assume_role_policy"),
             (ORGANIZATIONS_POLICY, "content"), ("aws_s3_bucket_policy", "policy"))}
    assert seen[("aws_iam_policy", "policy")] == Counter({"SM101": 1, "SM201": 1, "IAM301": 1, "SM104": 1})
    assert seen[("aws_vpc_endpoint", "policy")] == Counter({"SM104": 1})
    assert seen[(ORGANIZATIONS_POLICY, "content")] == Counter({"SM104": 1})
    assert seen[("aws_iam_role", "assume_role_policy")] == Counter({"IAM302": 1, "SM104": 1})
    assert seen[("aws_s3_bucket_policy", "policy")] == Counter({"SM101": 1, "SM201": 1, "IAM301": 1,
                                                                "IAM302": 1, "SM104": 1})
