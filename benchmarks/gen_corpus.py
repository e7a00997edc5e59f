"""Generate the benchmark corpus: realistic SageMaker IAM content, reproducible from a seed.

    python benchmarks/gen_corpus.py [--seed 8] [--out benchmarks/corpus]

Writes, under ``--out`` (default ``benchmarks/corpus/``, git-ignored):

* ``tree/policies/``        600 IAM policy JSON files: identity policies of execution,
  notebook, Studio and pipeline roles, trust policies, and the shapes the AWS CLI prints
  (``get-policy-version``, ``get-role-policy``);
* ``tree/cloudformation/``  300 CloudFormation/SAM YAML templates: roles with inline
  policies, managed policies, notebook instances, Studio domains and user profiles,
  pipelines, models, with short-form intrinsic functions (``!Ref``, ``!Sub``,
  ``!GetAtt``, ``!Join``, ``!If``, ``!Select``...), parameters, conditions and outputs;
* ``tree/terraform/``       100 Terraform files: ``aws_iam_policy_document`` data sources,
  ``jsonencode`` objects, heredoc JSON with interpolations, roles, SageMaker resources,
  variables and locals;
* ``one/small-policy.json`` one ~20-line policy (the pre-commit case);
* ``one/small-template.yaml`` one ~40-line template (for the one-file peer comparison);
* ``one/template-500.yaml`` one ~500-line CloudFormation template;
* ``configured/small-policy.json`` the same small policy in a repository whose
  ``pyproject.toml`` has a ``[tool.lint-policies]`` section (the pre-commit case of a project
  that configures the linter: the configuration is found, parsed and checked on every run).
  ``one/`` and ``configured/`` each hold an empty ``.git`` directory: each is a repository
  of its own, where the one-file cases run, so that configuration discovery stops there.

Every tree file is 20 to 200 lines long. Statements mix scoped and unscoped ARNs,
wildcards, ``iam:PassRole`` with and without ``iam:PassedToService``, guardrail ``Deny``
statements, conditions and policy variables, so every rule has work to do. A few
files carry made-up credentials (random, drawn at generation time; the generator
source holds no key-shaped literal) so that the credential scanner finds something.

The same seed gives byte-identical files. ``--seed`` changes the content, not the
counts. The output directory is replaced wholesale.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
from typing import Any

N_POLICIES = 600
N_TEMPLATES = 300
N_TERRAFORM = 100
MIN_LINES, MAX_LINES = 20, 200

REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1"]
TEAMS = ["churn", "fraud", "forecast", "recsys", "nlp", "vision", "pricing", "risk", "ads", "search", "growth",
         "genai", "platform", "mlops", "research", "payments", "support", "catalog"]
STAGES = ["dev", "test", "staging", "prod", "sandbox"]

SM_READ = ["DescribeTrainingJob", "DescribeModel", "DescribeEndpoint", "DescribeEndpointConfig",
           "DescribeNotebookInstance", "DescribeProcessingJob", "DescribeTransformJob", "DescribePipeline",
           "DescribePipelineExecution", "DescribeDomain", "DescribeUserProfile", "DescribeApp",
           "DescribeModelPackage", "DescribeModelPackageGroup", "DescribeExperiment", "DescribeTrial",
           "DescribeHyperParameterTuningJob", "DescribeFeatureGroup", "GetRecord", "ListTags"]
SM_LIST = ["ListTrainingJobs", "ListModels", "ListEndpoints", "ListNotebookInstances", "ListProcessingJobs",
           "ListPipelines", "ListPipelineExecutions", "ListDomains", "ListUserProfiles", "ListApps",
           "ListModelPackageGroups", "ListExperiments", "Search", "ListFeatureGroups"]
SM_WRITE = ["CreateTrainingJob", "StopTrainingJob", "CreateModel", "DeleteModel", "CreateEndpoint",
            "CreateEndpointConfig", "UpdateEndpoint", "DeleteEndpoint", "InvokeEndpoint", "CreateProcessingJob",
            "StopProcessingJob", "CreateTransformJob", "CreateNotebookInstance", "StartNotebookInstance",
            "StopNotebookInstance", "CreatePresignedNotebookInstanceUrl", "CreatePipeline", "UpdatePipeline",
            "StartPipelineExecution", "StopPipelineExecution", "CreateApp", "DeleteApp",
            "CreatePresignedDomainUrl", "CreateModelPackage", "CreateModelPackageGroup",
            "UpdateModelPackage", "CreateExperiment", "CreateTrial", "CreateHyperParameterTuningJob",
            "PutRecord", "AddTags", "DeleteTags"]
SM_WILDCARDS = ["sagemaker:*", "sagemaker:Describe*", "sagemaker:List*", "sagemaker:Create*",
                "sagemaker:*NotebookInstance*", "sagemaker:*Endpoint*", "sagemaker:Get*",
                "sagemaker:*TrainingJob", "sagemaker:Describe?ipeline"]
SM_TYPOS = ["sagemaker:CreateTraningJob", "sagemaker:DescribeEndpoints", "sagemaker:InvokeEndpoints"]
RESOURCE_TYPES = ["training-job", "model", "endpoint", "endpoint-config", "notebook-instance", "processing-job",
                  "transform-job", "pipeline", "domain", "user-profile", "app", "model-package",
                  "model-package-group", "experiment", "hyper-parameter-tuning-job", "feature-group"]
SM_CONDITION_KEYS = [("StringEquals", "sagemaker:VolumeKmsKey", "kms"),
                     ("StringEquals", "sagemaker:OutputKmsKey", "kms"),
                     ("Bool", "sagemaker:NetworkIsolation", "true"),
                     ("Bool", "sagemaker:InterContainerTrafficEncryption", "true"),
                     ("ForAllValues:StringLike", "sagemaker:InstanceTypes", "ml.m5.*"),
                     ("Null", "sagemaker:VpcSubnets", "false"),
                     ("StringEquals", "sagemaker:RootAccess", "Disabled"),
                     ("StringEquals", "aws:RequestedRegion", "region"),
                     ("StringEquals", "aws:ResourceTag/team", "team"),
                     ("StringEquals", "aws:PrincipalTag/team", "team"),
                     ("StringLike", "sagemaker:ResourceTag/project", "team*"),
                     ("StringEquals", "sagemaker:DirectInternetAccess", "Disabled"),
                     ("StringEquals", "sagemaker:NotebookInstanceType", "ml.t3.medium")]
OTHER_SERVICES = {
    "s3": (["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetBucketLocation"],
           "arn:aws:s3:::{bucket}/*"),
    "ecr": (["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
             "ecr:BatchCheckLayerAvailability"], "*"),
    "logs": (["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
             "arn:aws:logs:{region}:{account}:log-group:/aws/sagemaker/*"),
    "cloudwatch": (["cloudwatch:PutMetricData", "cloudwatch:GetMetricData", "cloudwatch:ListMetrics"], "*"),
    "kms": (["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant"],
            "arn:aws:kms:{region}:{account}:key/{uuid}"),
    "ec2": (["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
             "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"], "*"),
    "glue": (["glue:GetTable", "glue:GetDatabase", "glue:GetPartitions"],
             "arn:aws:glue:{region}:{account}:table/{team}/*"),
    "athena": (["athena:StartQueryExecution", "athena:GetQueryResults", "athena:GetQueryExecution"],
               "arn:aws:athena:{region}:{account}:workgroup/{team}"),
}


class Tag:
    """A CloudFormation short-form intrinsic (``!Sub "..."``) or a Terraform expression."""

    def __init__(self, tag: str, value: Any) -> None:
        self.tag = tag
        self.value = value


class Expr:
    """A raw Terraform expression (``var.x``, ``aws_iam_role.r.arn``)."""

    def __init__(self, text: str) -> None:
        self.text = text


class Gen:
    def __init__(self, rng: random.Random) -> None:
        self.r = rng
        self.account = "".join(rng.choice("0123456789") for _ in range(12))

    # ------------------------------------------------------------------ basics

    def pick(self, seq):
        return self.r.choice(seq)

    def sample(self, seq, lo: int, hi: int) -> list:
        return self.r.sample(seq, min(len(seq), self.r.randint(lo, hi)))

    def uuid(self) -> str:
        h = "%032x" % self.r.getrandbits(128)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def ctx(self) -> dict:
        team = self.pick(TEAMS)
        return {"team": team, "stage": self.pick(STAGES), "region": self.pick(REGIONS),
                "account": self.account if self.r.random() < 0.7 else "".join(
                    self.r.choice("0123456789") for _ in range(12)),
                "bucket": f"{team}-ml-{self.pick(['artifacts', 'data', 'models', 'features'])}"}

    def sm_arn(self, c: dict, scoped: bool = True) -> str:
        rt = self.pick(RESOURCE_TYPES)
        if not scoped:
            return self.pick(["*", "arn:aws:sagemaker:*:*:*", f"arn:aws:sagemaker:{c['region']}:{c['account']}:*"])
        name = self.pick([f"{c['team']}-*", f"{c['team']}-{c['stage']}-*", f"{c['team']}-{self.r.randint(1, 99)}",
                          "${aws:PrincipalTag/team}-*"])
        if rt in ("user-profile", "app"):
            name = f"d-{self.r.getrandbits(40):010x}/{name}"
        return f"arn:aws:sagemaker:{c['region']}:{c['account']}:{rt}/{name}"

    def role_arn(self, c: dict, scoped: bool = True) -> str:
        if not scoped:
            return self.pick(["*", "arn:aws:iam::*:role/*", f"arn:aws:iam::{c['account']}:role/*"])
        return f"arn:aws:iam::{c['account']}:role/{self.pick(['service-role/', ''])}{c['team']}-sagemaker-{c['stage']}"

    def condition(self, c: dict) -> dict:
        cond: dict = {}
        for op, key, kind in self.sample(SM_CONDITION_KEYS, 1, 2):
            val: Any = {"kms": f"arn:aws:kms:{c['region']}:{c['account']}:key/{self.uuid()}",
                        "region": c["region"], "team": c["team"], "team*": f"{c['team']}*"}.get(kind, kind)
            if self.r.random() < 0.2 and kind not in ("true", "false"):
                val = [val, val + "-2"] if isinstance(val, str) else val
            cond.setdefault(op, {})[key] = val
        return cond

    # ------------------------------------------------------------------ statements

    def statement(self, c: dict) -> dict:
        kind = self.r.choices(
            ["sm_scoped", "sm_list", "sm_wild", "sm_star", "passrole", "passrole_star", "other", "deny",
             "notaction", "notresource", "typo", "sm_cond"],
            weights=[22, 10, 10, 3, 8, 4, 22, 6, 2, 2, 2, 9])[0]
        st: dict = {}
        if self.r.random() < 0.6:
            st["Sid"] = f"{kind.title().replace('_', '')}{self.r.randint(1, 999)}"
        st["Effect"] = "Allow"
        if kind == "sm_scoped":
            st["Action"] = ["sagemaker:" + a for a in self.sample(SM_WRITE + SM_READ, 1, 12)]
            st["Resource"] = [self.sm_arn(c) for _ in range(self.r.randint(1, 3))]
        elif kind == "sm_list":
            st["Action"] = ["sagemaker:" + a for a in self.sample(SM_LIST, 1, 8)]
            st["Resource"] = "*"
        elif kind == "sm_wild":
            st["Action"] = self.pick(SM_WILDCARDS) if self.r.random() < 0.5 else self.sample(SM_WILDCARDS, 1, 3)
            st["Resource"] = self.pick([self.sm_arn(c), self.sm_arn(c, scoped=False)])
        elif kind == "sm_star":
            st["Action"] = self.pick(["*", "sagemaker:*", "SageMaker:*", ["sagemaker:*", "s3:*"]])
            st["Resource"] = "*"
        elif kind == "passrole":
            st["Action"] = "iam:PassRole"
            st["Resource"] = self.role_arn(c)
            st["Condition"] = {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
        elif kind == "passrole_star":
            st["Action"] = self.pick(["iam:PassRole", ["iam:PassRole", "iam:GetRole"], "iam:Pass*"])
            st["Resource"] = self.role_arn(c, scoped=False)
            if self.r.random() < 0.5:
                st["Condition"] = {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
        elif kind == "other":
            svc = self.pick(sorted(OTHER_SERVICES))
            actions, res = OTHER_SERVICES[svc]
            st["Action"] = self.sample(actions, 1, len(actions))
            st["Resource"] = res.format(uuid=self.uuid(), **c)
        elif kind == "deny":
            st["Effect"] = "Deny"
            st["Action"] = self.pick(["sagemaker:*", ["sagemaker:CreateNotebookInstance", "sagemaker:CreateDomain"],
                                      "sagemaker:CreatePresigned*"])
            st["Resource"] = "*"
            st["Condition"] = self.pick([
                {"Bool": {"aws:SecureTransport": "false"}},
                {"StringNotEquals": {"aws:RequestedRegion": c["region"]}},
                {"Null": {"sagemaker:VpcSubnets": "true"}},
                {"StringEquals": {"sagemaker:RootAccess": "Enabled"}}])
        elif kind == "notaction":
            st["NotAction"] = self.pick([["iam:*", "organizations:*"], "iam:*", ["sagemaker:Delete*"]])
            st["Resource"] = "*"
        elif kind == "notresource":
            st["Action"] = ["sagemaker:" + a for a in self.sample(SM_WRITE, 1, 4)]
            st["NotResource"] = self.sm_arn(c)
        elif kind == "typo":
            st["Action"] = [self.pick(SM_TYPOS)] + ["sagemaker:" + a for a in self.sample(SM_READ, 0, 3)]
            st["Resource"] = self.sm_arn(c)
        else:  # sm_cond
            st["Action"] = ["sagemaker:" + a for a in self.sample(SM_WRITE, 1, 6)]
            st["Resource"] = self.pick([self.sm_arn(c), "*"])
            st["Condition"] = self.condition(c)
        if isinstance(st.get("Action"), list) and len(st["Action"]) == 1 and self.r.random() < 0.5:
            st["Action"] = st["Action"][0]
        if isinstance(st.get("Resource"), list) and len(st["Resource"]) == 1 and self.r.random() < 0.5:
            st["Resource"] = st["Resource"][0]
        return st

    def trust_statement(self, c: dict) -> dict:
        kind = self.r.choices(["service", "account", "star", "oidc", "oidc_nocond", "saml"],
                              weights=[60, 12, 3, 12, 3, 10])[0]
        st: dict = {"Effect": "Allow"}
        if kind == "service":
            st["Principal"] = {"Service": self.pick(["sagemaker.amazonaws.com",
                                                     ["sagemaker.amazonaws.com", "events.amazonaws.com"]])}
            st["Action"] = "sts:AssumeRole"
            if self.r.random() < 0.3:
                st["Condition"] = {"StringEquals": {"aws:SourceAccount": c["account"]}}
        elif kind == "account":
            st["Principal"] = {"AWS": f"arn:aws:iam::{c['account']}:root"}
            st["Action"] = ["sts:AssumeRole", "sts:TagSession"]
        elif kind == "star":
            st["Principal"] = self.pick(["*", {"AWS": "*"}])
            st["Action"] = "sts:AssumeRole"
        elif kind in ("oidc", "oidc_nocond"):
            st["Principal"] = {"Federated": f"arn:aws:iam::{c['account']}:oidc-provider/token.actions.githubusercontent.com"}
            st["Action"] = "sts:AssumeRoleWithWebIdentity"
            if kind == "oidc":
                st["Condition"] = {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                                   "StringLike": {"token.actions.githubusercontent.com:sub":
                                                  f"repo:example-org/{c['team']}-ml:ref:refs/heads/main"}}
        else:
            st["Principal"] = {"Federated": f"arn:aws:iam::{c['account']}:saml-provider/corp-idp"}
            st["Action"] = "sts:AssumeRoleWithSAML"
            st["Condition"] = {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
        return st

    def document(self, c: dict, n: int, trust: bool = False) -> dict:
        make = self.trust_statement if trust else self.statement
        return {"Version": "2012-10-17", "Statement": [make(c) for _ in range(n)]}

    # ------------------------------------------------------------------ credentials

    def key_id(self) -> str:
        prefix = self.pick(["AK", "AS"]) + "IA"
        return prefix + "".join(self.r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))

    def secret(self) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        return "".join(self.r.choice(alphabet) for _ in range(40))


# ---------------------------------------------------------------------------
# Policy JSON


def fit_lines(build, target: int, render) -> str:
    """Grow a document statement by statement until it reaches ``target`` lines (<= MAX_LINES)."""
    n = 1
    text = render(build(n))
    while text.count("\n") + 1 < target:
        bigger = render(build(n + 1))
        if bigger.count("\n") + 1 > MAX_LINES:
            break
        n += 1
        text = bigger
    return text


def policy_file(g: Gen, i: int) -> tuple[str, str]:
    c = g.ctx()
    target = g.r.randint(MIN_LINES, MAX_LINES)
    indent = g.pick([2, 2, 2, 4, "\t"])
    shape = g.r.choices(["identity", "trust", "cli_version", "cli_role"], weights=[80, 10, 5, 5])[0]
    trust = shape == "trust"
    seed0 = g.r.getrandbits(64)

    def build(n: int):
        g.r.seed(seed0)  # the same first statements for every size
        doc = g.document(c, n, trust=trust)
        if shape == "cli_version":
            return {"PolicyVersion": {"Document": doc, "VersionId": f"v{g.r.randint(1, 9)}",
                                      "IsDefaultVersion": True, "CreateDate": "2024-03-11T09:26:51+00:00"}}
        if shape == "cli_role":
            return {"RoleName": f"{c['team']}-sagemaker-{c['stage']}", "PolicyName": f"{c['team']}-inline",
                    "PolicyDocument": doc}
        return doc

    text = fit_lines(build, target, lambda d: json.dumps(d, indent=indent) + "\n")
    g.r.seed(seed0 + 1)
    role = g.pick(["execution-role", "notebook-role", "studio-user", "pipeline-role", "data-scientist",
                   "mlops-deployer", "trust"] if not trust else ["trust"])
    if shape == "identity" and g.r.random() < 0.02:  # a policy with a leaked key in a Sid-less comment field
        d = json.loads(text)
        d["Statement"][0]["Sid"] = "Temp" + g.key_id()
        text = json.dumps(d, indent=indent) + "\n"
    name = f"{i:04d}-{c['team']}-{role}.json"
    return name, text


# ---------------------------------------------------------------------------
# YAML (CloudFormation)

_PLAIN_OK = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:")


def yscalar(v: Any, style: int) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v)
    if style == 0 and s and all(ch in _PLAIN_OK for ch in s) and not s[0].isdigit() and ": " not in s \
            and s.lower() not in ("true", "false", "yes", "no", "on", "off", "null", "y", "n"):
        return s
    if style == 1 and "'" not in s:
        return "'" + s + "'"
    return json.dumps(s)


def ykey(k: str) -> str:
    """A mapping key: quoted when YAML would read it as null, a boolean or a number."""
    return json.dumps(k) if k.lower() in ("null", "true", "false", "yes", "no", "on", "off", "y", "n", "~") else k


def yflow(v: Any, style: int) -> str:
    """Flow style for a list of scalars and short-form tags: ``["s3://", !Ref Bucket, "/x"]``."""
    if isinstance(v, Tag):
        return f"{v.tag} {yflow(v.value, style)}"
    if isinstance(v, list):
        return "[" + ", ".join(yflow(x, style) for x in v) + "]"
    return yscalar(v, 2 if style == 0 else style)


def yaml_lines(v: Any, indent: int, style: int, out: list, prefix: str = "") -> None:
    """Append block-style YAML for ``v``; ``prefix`` is what precedes it on its first line."""
    pad = " " * indent
    if isinstance(v, Tag):
        if isinstance(v.value, (dict, list)) and v.value:
            out.append(f"{prefix}{v.tag}")
            yaml_lines(v.value, indent + 2, style, out)
        else:
            inner = v.value
            if isinstance(inner, list):
                out.append(f"{prefix}{v.tag} []")
            else:
                out.append(f"{prefix}{v.tag} {yscalar(inner, style)}")
        return
    if isinstance(v, dict):
        if prefix:
            out.append(prefix.rstrip())
        for k, val in v.items():
            key = f"{pad}{ykey(k)}:"
            if isinstance(val, dict) and val or isinstance(val, list) and val and not _flow_list(val):
                if isinstance(val, list):
                    out.append(key)
                    yaml_lines(val, indent + 2, style, out)
                else:
                    yaml_lines(val, indent + 2, style, out, prefix=key + " ")
            elif isinstance(val, list):
                out.append(f"{key} [{', '.join(yscalar(x, style) for x in val)}]")
            elif isinstance(val, Tag):
                yaml_lines(val, indent + 2, style, out, prefix=key + " ")
            else:
                out.append(f"{key} {yscalar(val, style)}")
        return
    if isinstance(v, list):
        if prefix:
            out.append(prefix.rstrip())
        for item in v:
            if isinstance(item, dict) and item:
                sub: list = []
                yaml_lines(item, indent + 2, style, sub)
                first = sub[0]
                out.append(f"{pad}- {first[indent + 2:]}")
                out.extend(sub[1:])
            elif isinstance(item, Tag):
                yaml_lines(item, indent + 2, style, out, prefix=f"{pad}- ")
            elif isinstance(item, list):
                out.append(f"{pad}- {yflow(item, style)}")
            else:
                out.append(f"{pad}- {yscalar(item, style)}")
        return
    out.append(f"{prefix}{yscalar(v, style)}")


def _flow_list(v: list) -> bool:
    return False


def cfn_doc(g: Gen, c: dict, n: int, trust: bool = False) -> dict:
    """A policy document with some values swapped for intrinsic functions."""
    doc = g.document(c, n, trust=trust)
    for st in doc["Statement"]:
        res = st.get("Resource")
        if isinstance(res, str) and res.startswith("arn:aws:") and g.r.random() < 0.5:
            arn = res.replace(":aws:", ":${AWS::Partition}:", 1).replace(c["region"], "${AWS::Region}")
            arn = arn.replace(c["account"], "${AWS::AccountId}").replace("${aws:", "${!aws:")
            st["Resource"] = Tag("!Sub", arn)
        elif st.get("Action") == "iam:PassRole" and g.r.random() < 0.5:
            st["Resource"] = Tag("!Sub", "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${ProjectName}-*")
        elif isinstance(res, list) and len(res) > 1 and g.r.random() < 0.3:
            res[-1] = Tag("!Ref", "ExtraResourceArn")
    return doc


def cfn_resources(g: Gen, c: dict, budget: int) -> dict:
    """Resources for one template; ``budget`` is roughly the number of statements."""
    res: dict = {}
    res["ExecutionRole"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": Tag("!Sub", "${ProjectName}-${Stage}-sagemaker-execution"),
            "AssumeRolePolicyDocument": cfn_doc(g, c, 1, trust=True),
            "Path": "/service-role/",
            "Policies": [{"PolicyName": Tag("!Sub", "${ProjectName}-execution"),
                          "PolicyDocument": cfn_doc(g, c, max(1, budget // 2))}],
            "Tags": [{"Key": "team", "Value": Tag("!Ref", "ProjectName")}],
        },
    }
    left = budget - max(1, budget // 2)
    extra = 0
    while left > 0:
        kind = g.pick(["managed", "notebook", "domain", "pipeline", "model", "policy", "role"])
        extra += 1
        name = f"{kind.title()}{extra}"
        if kind in ("managed", "policy"):
            k = min(left, g.r.randint(1, 4))
            left -= k
            if kind == "managed":
                res[name] = {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
                    "ManagedPolicyName": Tag("!Sub", f"${{ProjectName}}-{kind}-{extra}"),
                    "Roles": [Tag("!Ref", "ExecutionRole")], "PolicyDocument": cfn_doc(g, c, k)}}
            else:
                res[name] = {"Type": "AWS::IAM::Policy", "Properties": {
                    "PolicyName": f"{c['team']}-{extra}", "Roles": [Tag("!Ref", "ExecutionRole")],
                    "PolicyDocument": cfn_doc(g, c, k)}}
        elif kind == "role":
            k = min(left, g.r.randint(1, 3))
            left -= k
            res[name] = {"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": cfn_doc(g, c, 1, trust=True),
                "ManagedPolicyArns": [Tag("!Sub", "arn:${AWS::Partition}:iam::aws:policy/AmazonSageMakerReadOnly")],
                "Policies": [{"PolicyName": "inline", "PolicyDocument": cfn_doc(g, c, k)}]}}
        elif kind == "notebook":
            left -= 1
            props: dict = {"InstanceType": g.pick(["ml.t3.medium", "ml.m5.xlarge", "ml.g4dn.xlarge"]),
                           "RoleArn": Tag("!GetAtt", "ExecutionRole.Arn"),
                           "DirectInternetAccess": g.pick(["Disabled", "Enabled"]),
                           "RootAccess": g.pick(["Disabled", "Enabled"]),
                           "VolumeSizeInGB": g.pick([5, 20, 50, 100]),
                           "KmsKeyId": Tag("!If", ["UseKms", Tag("!Ref", "KmsKeyArn"), Tag("!Ref", "AWS::NoValue")]),
                           "SubnetId": Tag("!Select", [0, Tag("!Ref", "SubnetIds")])}
            if g.r.random() < 0.04:
                props["Tags"] = [{"Key": "debug-access-key", "Value": g.key_id()},
                                 {"Key": "debug-secret", "Value": g.secret()}]
            res[name] = {"Type": "AWS::SageMaker::NotebookInstance", "Properties": props}
        elif kind == "domain":
            left -= 1
            res[name] = {"Type": "AWS::SageMaker::Domain", "Properties": {
                "DomainName": Tag("!Sub", "${ProjectName}-studio"), "AuthMode": g.pick(["IAM", "SSO"]),
                "VpcId": Tag("!Ref", "VpcId"), "SubnetIds": Tag("!Ref", "SubnetIds"),
                "AppNetworkAccessType": "VpcOnly",
                "DefaultUserSettings": {"ExecutionRole": Tag("!GetAtt", "ExecutionRole.Arn"),
                                        "SecurityGroups": [Tag("!Ref", "SecurityGroupId")]}}}
            res[name + "Profile"] = {"Type": "AWS::SageMaker::UserProfile", "Properties": {
                "DomainId": Tag("!GetAtt", f"{name}.DomainId"), "UserProfileName": f"{c['team']}-user",
                "UserSettings": {"ExecutionRole": Tag("!GetAtt", "ExecutionRole.Arn")}}}
        elif kind == "pipeline":
            left -= 1
            definition = json.dumps({"Version": "2020-12-01", "Steps": [
                {"Name": "Train", "Type": "Training", "Arguments": {"RoleArn": "${RoleArn}"}}]})
            res[name] = {"Type": "AWS::SageMaker::Pipeline", "Properties": {
                "PipelineName": Tag("!Sub", f"${{ProjectName}}-pipeline-{extra}"),
                "RoleArn": Tag("!GetAtt", "ExecutionRole.Arn"),
                "PipelineDefinition": {"PipelineDefinitionBody": Tag("!Sub", definition.replace(
                    '"${RoleArn}"', '"${ExecutionRole.Arn}"'))}}}
        else:  # model
            left -= 1
            env = {"SAGEMAKER_PROGRAM": "inference.py", "MODEL_SERVER_WORKERS": "2"}
            if g.r.random() < 0.05:
                env["AWS_ACCESS_KEY_ID"] = g.key_id()
                env["AWS_SECRET_ACCESS_KEY"] = g.secret()
            res[name] = {"Type": "AWS::SageMaker::Model", "Properties": {
                "ExecutionRoleArn": Tag("!GetAtt", "ExecutionRole.Arn"),
                "PrimaryContainer": {
                    "Image": Tag("!Sub", "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/${ProjectName}:latest"),
                    "ModelDataUrl": Tag("!Join", ["", ["s3://", Tag("!Ref", "ArtifactBucket"), "/model.tar.gz"]]),
                    "Environment": env}}}
    return res


def template_text(g: Gen, c: dict, budget: int, sam: bool, style: int) -> str:
    t: dict = {"AWSTemplateFormatVersion": "2010-09-09"}
    if sam:
        t["Transform"] = "AWS::Serverless-2016-10-31"
    t["Description"] = f"SageMaker resources for the {c['team']} team ({c['stage']})"
    t["Parameters"] = {
        "ProjectName": {"Type": "String", "Default": c["team"]},
        "Stage": {"Type": "String", "AllowedValues": STAGES, "Default": c["stage"]},
        "ArtifactBucket": {"Type": "String"},
        "KmsKeyArn": {"Type": "String", "Default": ""},
        "ExtraResourceArn": {"Type": "String", "Default": f"arn:aws:s3:::{c['bucket']}"},
        "VpcId": {"Type": "AWS::EC2::VPC::Id"},
        "SubnetIds": {"Type": "List<AWS::EC2::Subnet::Id>"},
        "SecurityGroupId": {"Type": "AWS::EC2::SecurityGroup::Id"},
    }
    t["Conditions"] = {"UseKms": Tag("!Not", [Tag("!Equals", [Tag("!Ref", "KmsKeyArn"), ""])])}
    res = cfn_resources(g, c, budget)
    if sam:
        res["InvokeFunction"] = {"Type": "AWS::Serverless::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "app.handler", "CodeUri": "src/",
            "Policies": [{"Statement": [g.statement(c)]}, "AWSLambdaBasicExecutionRole"],
            "Environment": {"Variables": {"ENDPOINT_NAME": Tag("!Sub", "${ProjectName}-endpoint")}}}}
    t["Resources"] = res
    t["Outputs"] = {"ExecutionRoleArn": {"Value": Tag("!GetAtt", "ExecutionRole.Arn"),
                                         "Export": {"Name": Tag("!Sub", "${AWS::StackName}-ExecutionRoleArn")}}}
    out: list = []
    yaml_lines(t, 0, style, out)
    return "\n".join(out) + "\n"


def template_file(g: Gen, i: int) -> tuple[str, str]:
    c = g.ctx()
    target = g.r.randint(MIN_LINES, MAX_LINES)
    sam = g.r.random() < 0.15
    style = g.pick([0, 0, 1, 2])
    seed0 = g.r.getrandbits(64)
    minimal = target < 70

    def build(n: int) -> str:
        g.r.seed(seed0)
        if minimal:
            return minimal_template(g, c, n, style)
        return template_text(g, c, n, sam, style)

    text = fit_lines(build, target, lambda s: s)
    g.r.seed(seed0 + 1)
    kind = "sam" if sam and not minimal else g.pick(["roles", "notebook", "studio", "pipeline", "model"])
    return f"{i:04d}-{c['team']}-{kind}.yaml", text


def minimal_template(g: Gen, c: dict, n: int, style: int) -> str:
    t = {"AWSTemplateFormatVersion": "2010-09-09",
         "Description": f"{c['team']} SageMaker execution role",
         "Parameters": {"ProjectName": {"Type": "String", "Default": c["team"]},
                        "ExtraResourceArn": {"Type": "String", "Default": f"arn:aws:s3:::{c['bucket']}"}},
         "Resources": {"ExecutionRole": {"Type": "AWS::IAM::Role", "Properties": {
             "RoleName": Tag("!Sub", "${ProjectName}-sagemaker"),
             "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                 {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
             "Policies": [{"PolicyName": "execution", "PolicyDocument": cfn_doc(g, c, n)}]}}}}
    out: list = []
    yaml_lines(t, 0, style, out)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Terraform


def hcl_value(v: Any, indent: int) -> str:
    pad = " " * indent
    if isinstance(v, Expr):
        return v.text
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v).replace("${", "$${") if "${aws:" in v else json.dumps(v)
    if isinstance(v, list):
        if all(not isinstance(x, (dict, list)) for x in v) and len(v) <= 3:
            return "[" + ", ".join(hcl_value(x, indent) for x in v) + "]"
        inner = ",\n".join(f"{pad}  {hcl_value(x, indent + 2)}" for x in v)
        return "[\n" + inner + f"\n{pad}]"
    if isinstance(v, dict):
        width = max(len(_hcl_key(k)) for k in v) if v else 0
        inner = "\n".join(f"{pad}  {_hcl_key(k):<{width}} = {hcl_value(x, indent + 2)}" for k, x in v.items())
        return "{\n" + inner + f"\n{pad}}}"
    raise TypeError(type(v))


def _hcl_key(k: str) -> str:
    return k if k.replace("_", "").isalnum() and not k[0].isdigit() else json.dumps(k)


def tf_policy_document(g: Gen, c: dict, name: str, n: int) -> str:
    lines = [f'data "aws_iam_policy_document" "{name}" {{']
    for st in g.document(c, n)["Statement"]:
        lines.append("  statement {")
        if "Sid" in st:
            lines.append(f'    sid    = "{st["Sid"]}"')
        lines.append(f'    effect = "{st["Effect"]}"')
        for key, attr in (("Action", "actions"), ("NotAction", "not_actions"), ("Resource", "resources"),
                          ("NotResource", "not_resources")):
            if key in st:
                vals = st[key] if isinstance(st[key], list) else [st[key]]
                if attr == "resources" and g.r.random() < 0.2:
                    vals = vals + ["${aws_s3_bucket.artifacts.arn}/*"]
                lines.append(f"    {attr} = {hcl_value(vals, 4)}")
        for op, kv in st.get("Condition", {}).items():
            for var, val in kv.items():
                vals = val if isinstance(val, list) else [val]
                lines += ["", "    condition {", f'      test     = "{op}"', f'      variable = "{var}"',
                          f"      values   = {hcl_value(vals, 6)}", "    }"]
        lines.append("  }")
        lines.append("")
    if lines[-1] == "":
        lines.pop()
    lines.append("}")
    return "\n".join(lines)


def tf_file(g: Gen, i: int) -> tuple[str, str]:
    c = g.ctx()
    target = g.r.randint(MIN_LINES, MAX_LINES)
    seed0 = g.r.getrandbits(64)
    minimal = target < 50  # just the policies

    def build(n: int) -> str:
        g.r.seed(seed0)
        parts = [] if minimal else [
            f'variable "project" {{\n  type    = string\n  default = "{c["team"]}"\n}}',
            'variable "stage" {\n  type = string\n}',
            'locals {\n  name_prefix = "${var.project}-${var.stage}"\n'
            f'  account_id  = data.aws_caller_identity.current.account_id\n  region      = "{c["region"]}"\n}}',
            'data "aws_caller_identity" "current" {}',
        ]
        trust = g.document(c, 1, trust=True)
        if not minimal:
            parts.append('resource "aws_iam_role" "execution" {\n  name               = "${local.name_prefix}-sagemaker"\n'
                         f"  assume_role_policy = jsonencode({hcl_value(trust, 2)})\n}}")
        left = n
        k = 0
        while left > 0:
            k += 1
            m = min(left, g.r.randint(1, 4))
            left -= m
            form = g.pick(["document", "jsonencode", "heredoc", "document", "jsonencode"])
            if form == "document":
                parts.append(tf_policy_document(g, c, f"ml{k}", m))
                parts.append(f'resource "aws_iam_policy" "ml{k}" {{\n  name   = "${{local.name_prefix}}-ml{k}"\n'
                             f"  policy = data.aws_iam_policy_document.ml{k}.json\n}}")
            elif form == "jsonencode":
                doc = g.document(c, m)
                for st in doc["Statement"]:
                    if st.get("Action") == "iam:PassRole" and g.r.random() < 0.5:
                        st["Resource"] = Expr("aws_iam_role.execution.arn")
                parts.append(f'resource "aws_iam_role_policy" "inline{k}" {{\n  name = "inline{k}"\n'
                             f"  role = aws_iam_role.execution.id\n  policy = jsonencode({hcl_value(doc, 2)})\n}}")
            else:
                doc = json.dumps(g.document(c, m), indent=2).replace(c["account"], "${local.account_id}")
                doc = doc.replace("${aws:", "$${aws:")
                parts.append(f'resource "aws_iam_policy" "heredoc{k}" {{\n  name   = "heredoc{k}"\n'
                             f"  policy = <<-EOT\n{_indent(doc, 4)}\n  EOT\n}}")
        extra = g.pick(["notebook", "domain", "model", "attachment"])
        if minimal:
            pass
        elif extra == "notebook":
            parts.append('resource "aws_sagemaker_notebook_instance" "nb" {\n  name          = "${local.name_prefix}-nb"\n'
                         '  role_arn      = aws_iam_role.execution.arn\n  instance_type = "ml.t3.medium"\n'
                         '  root_access   = "Disabled"\n  direct_internet_access = "Disabled"\n}')
        elif extra == "domain":
            parts.append('resource "aws_sagemaker_domain" "studio" {\n  domain_name = "${local.name_prefix}-studio"\n'
                         '  auth_mode   = "IAM"\n  vpc_id      = var.vpc_id\n  subnet_ids  = var.subnet_ids\n\n'
                         '  default_user_settings {\n    execution_role = aws_iam_role.execution.arn\n  }\n}')
        elif extra == "model":
            parts.append('resource "aws_sagemaker_model" "model" {\n  name               = "${local.name_prefix}-model"\n'
                         '  execution_role_arn = aws_iam_role.execution.arn\n\n  primary_container {\n'
                         '    image = "${local.account_id}.dkr.ecr.${local.region}.amazonaws.com/model:latest"\n'
                         '    environment = {\n      SAGEMAKER_PROGRAM = "inference.py"\n    }\n  }\n}')
        else:
            parts.append('resource "aws_iam_role_policy_attachment" "ro" {\n  role       = aws_iam_role.execution.name\n'
                         '  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerReadOnly"\n}')
        if g.r.random() < 0.05:
            parts.insert(0, f'provider "aws" {{\n  region     = "{c["region"]}"\n  access_key = "{g.key_id()}"\n'
                            f'  secret_key = "{g.secret()}"\n}}')
        return "\n\n".join(parts) + "\n"

    text = fit_lines(build, target, lambda s: s)
    return f"{i:04d}-{c['team']}.tf", text


def _indent(text: str, n: int) -> str:
    return "\n".join(" " * n + line for line in text.splitlines())


# ---------------------------------------------------------------------------
# The single files


SMALL_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Training", "Effect": "Allow",
         "Action": ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob"],
         "Resource": "arn:aws:sagemaker:us-east-1:{account}:training-job/churn-*"},
        {"Sid": "Notebooks", "Effect": "Allow", "Action": "sagemaker:*NotebookInstance*", "Resource": "*"},
        {"Sid": "PassExecutionRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
    ],
}


def write_singles(g: Gen, out: str) -> None:
    # a repository of its own (configuration discovery stops at .git), as a user's would be
    os.makedirs(os.path.join(out, ".git"), exist_ok=True)
    c = g.ctx()
    text = json.dumps(SMALL_POLICY, indent=2).replace("{account}", g.account) + "\n"
    _write(os.path.join(out, "small-policy.json"), text)
    _write(os.path.join(out, "small-template.yaml"), minimal_template(g, c, 2, 0))
    seed0 = g.r.getrandbits(64)

    def build(n: int) -> str:
        g.r.seed(seed0)
        return template_text(g, c, n, False, 0)

    n = 1
    text = build(n)
    while text.count("\n") < 490:
        n += 1
        text = build(n)
    _write(os.path.join(out, "template-500.yaml"), text)


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def generate(out: str, seed: int = 8, n_policies: int = N_POLICIES, n_templates: int = N_TEMPLATES,
             n_terraform: int = N_TERRAFORM) -> dict:
    """Write the corpus under ``out`` (replaced) and return counts."""
    if os.path.isdir(out):
        shutil.rmtree(out)
    tree = os.path.join(out, "tree")
    dirs = {k: os.path.join(tree, k) for k in ("policies", "cloudformation", "terraform")}
    for d in dirs.values():
        os.makedirs(d)
    stats = {"files": 0, "lines": 0, "bytes": 0}

    def put(d: str, name_text: tuple[str, str]) -> None:
        name, text = name_text
        _write(os.path.join(d, name), text)
        stats["files"] += 1
        stats["lines"] += text.count("\n")
        stats["bytes"] += len(text.encode())

    for kind, n, make in (("policies", n_policies, policy_file), ("cloudformation", n_templates, template_file),
                          ("terraform", n_terraform, tf_file)):
        g = Gen(random.Random(f"{seed}/{kind}"))
        for i in range(n):
            put(dirs[kind], make(g, i))
    write_singles(Gen(random.Random(f"{seed}/single")), os.path.join(out, "one"))
    write_configured(os.path.join(out, "one", "small-policy.json"), os.path.join(out, "configured"))
    return stats


CONFIG = """[project]
name = "ml-platform"
version = "1.0.0"

[tool.lint-policies]
ignore = ["SM304"]
fail-level = "error"
per-file-ignores = { "legacy/*.json" = ["SM2"] }

[tool.lint-policies.rules.SM102]
allowed-actions = ["sagemaker:Describe*", "sagemaker:List*"]
"""


def write_configured(small_policy: str, out: str) -> None:
    os.makedirs(os.path.join(out, ".git"), exist_ok=True)
    _write(os.path.join(out, "pyproject.toml"), CONFIG)
    with open(small_policy, encoding="utf-8") as fh:
        _write(os.path.join(out, "small-policy.json"), fh.read())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=8, help="random seed (default 8)")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"),
                    help="output directory, replaced (default benchmarks/corpus)")
    args = ap.parse_args(argv)
    stats = generate(args.out, args.seed)
    print(f"wrote {stats['files']} files, {stats['lines']} lines, {stats['bytes'] / 1e6:.1f} MB "
          f"under {args.out} (seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
