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


# ---------------------------------------------------------------------------
# Terraform plans: planned values, linked by the values the plan knows, else by the configuration


def _pol(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _res(address, values):
    rtype, name = address.rsplit(".", 2)[-2:]
    return {"address": address, "mode": "managed", "type": rtype, "name": name.split("[")[0], "values": values}


def _conf(address, **refs):
    rtype, name = address.rsplit(".", 2)[-2:]
    return {"address": address, "mode": "managed", "type": rtype, "name": name,
            "expressions": {k: {"references": v} for k, v in refs.items()}}


def plan_text(resources, configuration=(), modules=()):
    root = {"resources": list(configuration)}
    if modules:
        root["module_calls"] = {name: {"source": "./m", "module": {"resources": list(res)}} for name, res in modules}
    return json.dumps({"format_version": "1.2", "terraform_version": "1.7.0",
                       "planned_values": {"root_module": {"resources": list(resources)}},
                       "configuration": {"root_module": root}}, indent=2)


TRUST = _pol({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}})
PASS_POLICY = _pol({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"})
TRAIN_POLICY = _pol({"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"})
PLAN = plan_text([
    _res("aws_iam_role.scientist", {"name": "scientist", "assume_role_policy": TRUST}),
    _res("aws_iam_role_policy.pass", {"role": "scientist", "policy": PASS_POLICY}),  # linked by the role's name
    _res("aws_iam_policy.jobs", {"name": "jobs", "policy": TRAIN_POLICY}),  # its ARN is not known before apply
    _res("aws_iam_role_policy_attachment.jobs", {"role": "scientist"}),
], [_conf("aws_iam_role_policy_attachment.jobs", role=["aws_iam_role.scientist.name", "aws_iam_role.scientist"],
          policy_arn=["aws_iam_policy.jobs.arn", "aws_iam_policy.jobs"])])
PASS_AT = pos(PLAN, '\\"iam:PassRole\\"')
TRAIN_AT = pos(PLAN, '\\"sagemaker:CreateTrainingJob\\"')


def test_plan_role_policy_and_attached_policy(lint, capsys):
    (f,) = lint(PLAN, name="plan.json", select=["SM301"])
    assert where(f) == ("plan.json",) + PASS_AT
    assert f.label == "aws_iam_role.scientist (aws_iam_role_policy.pass)"
    assert related(f) == [("plan.json",) + TRAIN_AT]
    assert f.related[0].label == "aws_iam_policy.jobs"
    assert listed(capsys, "plan.json") == [("aws_iam_role.scientist", ["iam:PassRole", "sagemaker:CreateTrainingJob"])]


def test_plan_policy_attached_to_another_role_does_not_combine(lint, capsys):
    text = plan_text([
        _res("aws_iam_role.scientist", {"name": "scientist", "assume_role_policy": TRUST}),
        _res("aws_iam_role.other", {"name": "other", "assume_role_policy": TRUST}),
        _res("aws_iam_role_policy.pass", {"role": "scientist", "policy": PASS_POLICY}),
        _res("aws_iam_policy.jobs", {"name": "jobs", "arn": "arn:aws:iam::111122223333:policy/jobs",
                                     "policy": TRAIN_POLICY}),
        _res("aws_iam_role_policy_attachment.jobs", {"role": "other",
                                                     "policy_arn": "arn:aws:iam::111122223333:policy/jobs"})])
    assert lint(text, name="plan.json", select=["SM301"]) == []
    assert listed(capsys, "plan.json") == [("aws_iam_role.scientist", ["iam:PassRole"]),
                                           ("aws_iam_role.other", ["sagemaker:CreateTrainingJob"])]


def test_plan_module_instances_link_by_their_index(lint):
    # module.ml.aws_iam_role.r[0] holds the policies of index 0 only; [1] holds no PassRole
    res = [_res("module.ml.aws_iam_role.r[0]", {"assume_role_policy": TRUST}),
           _res("module.ml.aws_iam_role.r[1]", {"assume_role_policy": TRUST}),
           _res("module.ml.aws_iam_role_policy.pass[0]", {"policy": PASS_POLICY}),
           _res("module.ml.aws_iam_role_policy.jobs[0]", {"policy": TRAIN_POLICY}),
           _res("module.ml.aws_iam_role_policy.jobs[1]", {"policy": TRAIN_POLICY})]
    conf = [_conf("aws_iam_role_policy.pass", role=["aws_iam_role.r[0].id", "aws_iam_role.r[0]"]),
            _conf("aws_iam_role_policy.jobs", role=["aws_iam_role.r"])]
    text = plan_text(res, modules=[("ml", conf)])
    (f,) = lint(text, name="plan.json", select=["SM301"])
    assert where(f) == ("plan.json",) + pos(text, '\\"iam:PassRole\\"')
    assert f.label == "module.ml.aws_iam_role.r[0] (module.ml.aws_iam_role_policy.pass[0])"
    assert related(f) == [("plan.json",) + pos(text, '\\"sagemaker:CreateTrainingJob\\"')]


# ---------------------------------------------------------------------------
# Serverless: provider.iam.role is the service's one role; resources policies attached to it join it

SLS = """\
service: ml
provider:
  name: aws
  iam:
    role:
      statements:
        - Effect: Allow
          Action: iam:PassRole
          Resource: "*"
      managedPolicies:
        - !Ref JobsPolicy
functions:
  train:
    handler: handler.train
resources:
  Resources:
    JobsPolicy:
      Type: AWS::IAM::ManagedPolicy
      Properties:
        PolicyDocument:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: sagemaker:CreateTrainingJob
              Resource: "*"
"""


def test_serverless_service_role_and_attached_managed_policy(lint, capsys):
    (f,) = lint(SLS, name="serverless.yml", select=["SM301"])
    assert where(f) == ("serverless.yml",) + pos(SLS, "iam:PassRole")
    assert f.label == "IamRoleLambdaExecution (provider.iam.role)"
    assert related(f) == [("serverless.yml",) + pos(SLS, "sagemaker:CreateTrainingJob")]
    assert f.related[0].label == "AWS::IAM::ManagedPolicy JobsPolicy PolicyDocument"
    assert listed(capsys, "serverless.yml") == [("IamRoleLambdaExecution",
                                                 ["iam:PassRole", "sagemaker:CreateTrainingJob"])]


def test_serverless_statements_in_v1_form_and_a_fragment_file(lint, tmp_path):
    # provider.iamRoleStatements with one statement read from another file: still the one role
    text = SLS.replace("  iam:\n    role:\n      statements:\n        - Effect: Allow\n"
                       "          Action: iam:PassRole\n          Resource: \"*\"\n      managedPolicies:\n",
                       "  iamRoleStatements:\n    - ${file(./pass.yml)}\n  iamManagedPolicies:\n")
    (tmp_path / "pass.yml").write_text('Effect: Allow\nAction: iam:PassRole\nResource: "*"\n')
    (f,) = lint(text, name="serverless.yml", select=["SM301"])
    assert where(f) == ("pass.yml", 2, 9)
    assert f.label == "IamRoleLambdaExecution (provider)"
    assert related(f) == [("serverless.yml",) + pos(text, "sagemaker:CreateTrainingJob")]


def test_serverless_policy_resource_naming_the_service_role(lint):
    text = SLS.replace("      managedPolicies:\n        - !Ref JobsPolicy\n", "").replace(
        "      Type: AWS::IAM::ManagedPolicy\n      Properties:\n",
        "      Type: AWS::IAM::Policy\n      Properties:\n        PolicyName: jobs\n"
        "        Roles: [!Ref IamRoleLambdaExecution]\n")
    (f,) = lint(text, name="serverless.yml", select=["SM301"])
    assert related(f) == [("serverless.yml",) + pos(text, "sagemaker:CreateTrainingJob")]


def test_serverless_unattached_resource_policy_and_function_role_do_not_combine(lint, capsys):
    text = SLS.replace("      managedPolicies:\n        - !Ref JobsPolicy\n", "")
    assert lint(text, name="serverless.yml", select=["SM301"]) == []
    # a function's own role (serverless-iam-roles-per-function) is another principal...
    own = text.replace("    handler: handler.train\n",
                       "    handler: handler.train\n    iamRoleStatements:\n      - Effect: Allow\n"
                       "        Action: sagemaker:CreateProcessingJob\n        Resource: \"*\"\n")
    assert lint(own, name="serverless.yml", select=["SM301"]) == []
    assert listed(capsys, "serverless.yml") == [
        ("AWS::IAM::ManagedPolicy JobsPolicy PolicyDocument", ["sagemaker:CreateTrainingJob"]),
        ("IamRoleLambdaExecution", ["iam:PassRole"]),
        ("functions.train", ["sagemaker:CreateProcessingJob"])]
    # ...unless it inherits the service role's statements
    inherit = own.replace("    iamRoleStatements:\n", "    iamRoleStatementsInherit: true\n    iamRoleStatements:\n")
    (f,) = lint(inherit, name="serverless.yml", select=["SM301"])
    assert (f.label, where(f)) == ("functions.train (provider.iam.role)", ("serverless.yml",) + pos(SLS, "iam:PassRole"))
    assert related(f) == [("serverless.yml",) + pos(inherit, "sagemaker:CreateProcessingJob")]


def test_serverless_permissions_boundary_resource_caps_the_service_role(lint):
    text = SLS.replace("      managedPolicies:\n", "      permissionsBoundary: !Ref Boundary\n      managedPolicies:\n")
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
    assert lint(text, name="serverless.yml", select=["SM301", "SM101"]) == []


# ---------------------------------------------------------------------------
# aws iam get-account-authorization-details: inline, attached managed (by ARN), groups, boundaries

ACCOUNT = "arn:aws:iam::111122223333"


def _stmt(action):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}


def details(roles=(), users=(), groups=(), policies=()):
    return json.dumps({"UserDetailList": list(users), "GroupDetailList": list(groups), "RoleDetailList": list(roles),
                       "Policies": [{"PolicyName": name, "Arn": f"{ACCOUNT}:policy/{name}", "DefaultVersionId": "v1",
                                     "PolicyVersionList": [{"Document": doc, "VersionId": "v1",
                                                            "IsDefaultVersion": True}]}
                                    for name, doc in policies]}, indent=2)


def _role(name, inline=(), attached=(), boundary=None):
    out = {"RoleName": name, "Arn": f"{ACCOUNT}:role/{name}",
           "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
               "Effect": "Allow", "Principal": {"AWS": f"{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]},
           "RolePolicyList": [{"PolicyName": n, "PolicyDocument": d} for n, d in inline],
           "AttachedManagedPolicies": [{"PolicyName": n, "PolicyArn": f"{ACCOUNT}:policy/{n}"} for n in attached]}
    if boundary:
        out["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy",
                                      "PermissionsBoundaryArn": f"{ACCOUNT}:policy/{boundary}"}
    return out


AUTH = details(roles=[_role("scientist", inline=[("pass", _stmt("iam:PassRole"))], attached=["jobs"]),
                      _role("other", attached=["unused"])],
               policies=[("jobs", _stmt("sagemaker:CreateTrainingJob"))])


def test_authorization_details_inline_and_attached_managed_policy(lint, capsys):
    (f,) = lint(AUTH, name="account.json", select=["SM301"])
    assert where(f) == ("account.json",) + pos(AUTH, '"iam:PassRole"')
    assert f.label == "role scientist inline policy pass"
    assert related(f) == [("account.json",) + pos(AUTH, '"sagemaker:CreateTrainingJob"')]
    assert f.related[0].label == "managed policy jobs"
    assert listed(capsys, "account.json") == [("role scientist", ["iam:PassRole", "sagemaker:CreateTrainingJob"])]


def test_authorization_details_policy_attached_to_another_role_does_not_combine(lint, capsys):
    text = details(roles=[_role("scientist", inline=[("pass", _stmt("iam:PassRole"))], attached=["unused"]),
                          _role("other", attached=["jobs"])],
                   policies=[("jobs", _stmt("sagemaker:CreateTrainingJob"))])
    assert lint(text, name="account.json", select=["SM301"]) == []
    assert listed(capsys, "account.json") == [("role scientist", ["iam:PassRole"]),
                                              ("role other", ["sagemaker:CreateTrainingJob"])]


def test_authorization_details_user_holds_its_groups_policies(lint, capsys):
    text = details(users=[{"UserName": "alice", "Arn": f"{ACCOUNT}:user/alice", "GroupList": ["ds"],
                           "UserPolicyList": [{"PolicyName": "pass", "PolicyDocument": _stmt("iam:PassRole")}]},
                          {"UserName": "bob", "Arn": f"{ACCOUNT}:user/bob", "GroupList": []}],
                   groups=[{"GroupName": "ds", "Arn": f"{ACCOUNT}:group/ds",
                            "AttachedManagedPolicies": [{"PolicyName": "jobs", "PolicyArn": f"{ACCOUNT}:policy/jobs"}]},
                           {"GroupName": "empty", "Arn": f"{ACCOUNT}:group/empty",
                            "GroupPolicyList": [{"PolicyName": "nb", "PolicyDocument": _stmt("iam:PassRole")}]}],
                   policies=[("jobs", _stmt("sagemaker:CreateTrainingJob"))])
    (f,) = lint(text, name="account.json", select=["SM301"])
    assert (f.label, where(f)) == ("user alice inline policy pass", ("account.json",) + pos(text, '"iam:PassRole"'))
    assert related(f) == [("account.json",) + pos(text, '"sagemaker:CreateTrainingJob"')]
    # a group with members acts through them; one with none the output shows is its own principal
    assert listed(capsys, "account.json") == [("user alice", ["iam:PassRole", "sagemaker:CreateTrainingJob"]),
                                              ("group empty", ["iam:PassRole"])]


def test_authorization_details_permissions_boundary(lint):
    text = details(roles=[_role("scientist", inline=[("pass", _stmt("iam:PassRole"))], attached=["jobs"],
                                boundary="cap")],
                   policies=[("jobs", _stmt("sagemaker:CreateTrainingJob")), ("cap", _stmt("s3:*"))])
    assert lint(text, name="account.json", select=["SM301"]) == []
    # also attached to another role: an identity policy of that role and the boundary of this one
    text = details(roles=[_role("scientist", inline=[("pass", _stmt("iam:PassRole"))], attached=["jobs"],
                                boundary="cap"),
                          _role("other", attached=["cap"])],
                   policies=[("jobs", _stmt("sagemaker:CreateTrainingJob")),
                             ("cap", _stmt(["iam:PassRole", "sagemaker:CreateProcessingJob"]))])
    (f,) = lint(text, name="account.json", select=["SM301"])
    assert f.label == "role other (managed policy cap)"


# ---------------------------------------------------------------------------
# CDK apps: documents grouped under the Role construct that holds them

CDK_PY = """\
from aws_cdk import Stack
from aws_cdk import aws_iam as iam


class MlStack(Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        role = iam.Role(
            self, "Scientist",
            assumed_by=iam.AccountRootPrincipal(),
            inline_policies={"pass": iam.PolicyDocument(statements=[
                iam.PolicyStatement(actions=["iam:PassRole"], resources=["*"])])},
        )
        role.add_to_policy(iam.PolicyStatement(actions=["sagemaker:CreateTrainingJob"], resources=["*"]))
"""


def test_cdk_python_inline_policy_and_add_to_policy(lint, capsys):
    (f,) = lint(CDK_PY, name="app.py", select=["SM301"])
    assert where(f) == ("app.py",) + pos(CDK_PY, '"iam:PassRole"')
    assert f.label == "MlStack/Scientist: inline_policies.pass"
    assert related(f) == [("app.py",) + pos(CDK_PY, '"sagemaker:CreateTrainingJob"')]
    assert f.related[0].label == "MlStack/Scientist: add_to_policy"
    assert listed(capsys, "app.py") == [("MlStack/Scientist", ["iam:PassRole", "sagemaker:CreateTrainingJob"])]


@pytest.mark.parametrize("attach", [
    'jobs = iam.Policy(self, "Jobs", statements=[{stmt}], roles=[role])',
    'jobs = iam.Policy(self, "Jobs", statements=[{stmt}])\n        jobs.attach_to_role(role)',
    'jobs = iam.Policy(self, "Jobs", statements=[{stmt}])\n        role.attach_inline_policy(jobs)',
    'jobs = iam.ManagedPolicy(self, "Jobs", statements=[{stmt}])\n        role.add_managed_policy(jobs)',
])
def test_cdk_python_policy_constructs_attached_to_the_role(lint, attach):
    stmt = 'iam.PolicyStatement(actions=["sagemaker:CreateProcessingJob"], resources=["*"])'
    text = CDK_PY.replace("        role.add_to_policy(iam.PolicyStatement(actions=[\"sagemaker:CreateTrainingJob\"], "
                          "resources=[\"*\"]))\n", "        " + attach.format(stmt=stmt) + "\n")
    (f,) = lint(text, name="app.py", select=["SM301"])
    assert where(f) == ("app.py",) + pos(text, '"iam:PassRole"')
    assert related(f) == [("app.py",) + pos(text, '"sagemaker:CreateProcessingJob"')]
    assert f.related[0].label == "MlStack/Jobs: statements"


def test_cdk_python_two_roles_do_not_combine(lint, capsys):
    text = CDK_PY.replace("        role.add_to_policy(", '        other = iam.Role(self, "Other", '
                          'assumed_by=iam.AccountRootPrincipal())\n        other.add_to_policy(')
    assert lint(text, name="app.py", select=["SM301"]) == []
    assert listed(capsys, "app.py") == [("MlStack/Scientist", ["iam:PassRole"]),
                                        ("MlStack/Other", ["sagemaker:CreateTrainingJob"])]


CDK_TS = """\
import * as cdk from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';

export class MlStack extends cdk.Stack {
  constructor(scope: cdk.App, id: string) {
    super(scope, id);
    const role = new iam.Role(this, 'Runner', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const fn = new lambda.Function(this, 'Starter', { role: role, runtime: lambda.Runtime.PYTHON_3_12,
      handler: 'index.handler', code: lambda.Code.fromAsset('src') });
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] }));
    const jobs = new iam.ManagedPolicy(this, 'Jobs', {
      statements: [new iam.PolicyStatement({ actions: ['sagemaker:CreateTrainingJob'], resources: ['*'] })],
    });
    role.addManagedPolicy(jobs);
    const other = new lambda.Function(this, 'Other', { runtime: lambda.Runtime.PYTHON_3_12,
      handler: 'index.handler', code: lambda.Code.fromAsset('src') });
    other.addToRolePolicy(new iam.PolicyStatement({ actions: ['sagemaker:CreateProcessingJob'], resources: ['*'] }));
  }
}
"""


def test_cdk_typescript_function_role_and_managed_policy(lint, capsys):
    # the function's statements go to the role it is given; another function has a role of its own
    (f,) = lint(CDK_TS, name="stack.ts", select=["SM301"])
    assert where(f) == ("stack.ts",) + pos(CDK_TS, "'iam:PassRole'")
    assert f.label == "MlStack/Runner (MlStack/Starter: add_to_role_policy)"
    assert related(f) == [("stack.ts",) + pos(CDK_TS, "'sagemaker:CreateTrainingJob'")]
    assert listed(capsys, "stack.ts") == [("MlStack/Runner", ["iam:PassRole", "sagemaker:CreateTrainingJob"]),
                                          ("MlStack/Other", ["sagemaker:CreateProcessingJob"])]


MERGED_TF = """\
data "aws_iam_policy_document" "pass" {
  statement {
    actions   = ["iam:PassRole"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "jobs" {
  statement {
    actions   = ["sagemaker:CreateTrainingJob"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "merged" {
  source_policy_documents = [
    data.aws_iam_policy_document.pass.json,
    data.aws_iam_policy_document.jobs.json,
  ]
}

resource "aws_iam_role" "scientist" {
  name               = "scientist"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "sagemaker.amazonaws.com" } }]
  })
}

resource "aws_iam_policy" "merged" {
  policy = data.aws_iam_policy_document.merged.json
}

resource "aws_iam_role_policy_attachment" "merged" {
  role       = aws_iam_role.scientist.name
  policy_arn = aws_iam_policy.merged.arn
}
"""


def test_tf_documents_merged_into_an_attached_one_are_the_roles(tmp_path, monkeypatch, capsys):
    """A document made only of others (``source_policy_documents``) is not an empty policy; the
    documents merged into it are held by the role it is attached to, so their grants combine."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ml").mkdir()
    (tmp_path / "ml" / "main.tf").write_text(MERGED_TF)
    found = run(["ml"], Options(select=["LP002", "SM301"])).findings
    assert [(f.code,) + where(f) for f in found] == [("SM301", "ml/main.tf") + pos(MERGED_TF, '"iam:PassRole"')]
    assert found[0].label.startswith("aws_iam_role.scientist")
    assert listed(capsys, "ml") == [("aws_iam_role.scientist", ["iam:PassRole", "sagemaker:CreateTrainingJob"])]


def test_tf_policy_file_read_with_file_is_reported_for_the_role_once(tmp_path, monkeypatch):
    """A policy file a Terraform role reads with file() is also linted on its own, where no
    principal is seen to hold it: the path it completes is reported once, named after the role."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "iam").mkdir()
    (tmp_path / "tf").mkdir()
    text = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}, indent=2)
    (tmp_path / "iam" / "policy.json").write_text(text)
    (tmp_path / "tf" / "main.tf").write_text(
        'resource "aws_iam_role" "ml" {\n  name = "ml"\n  assume_role_policy = "{}"\n}\n'
        'resource "aws_iam_role_policy" "ml" {\n  role   = aws_iam_role.ml.id\n'
        '  policy = file("${path.module}/../iam/policy.json")\n}\n')
    found = sm301(["."], allow_roots=[str(tmp_path)])
    assert [(where(f), f.label) for f in found] == [
        (("iam/policy.json",) + pos(text, '"iam:PassRole"'), "aws_iam_role.ml (aws_iam_role_policy.ml)")]
    # linted alone, the file is its own principal
    assert [f.label for f in sm301(["iam/policy.json"])] == ["policy.json"]


def test_tf_policy_rendered_by_a_template_file_data_source(tmp_path, monkeypatch):
    """``policy = data.template_file.p.rendered`` (the template provider) is the file its
    ``template`` reads: checked there and held by the role the policy is attached to."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ml" / "iam").mkdir(parents=True)
    text = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"}]}, indent=2)
    (tmp_path / "ml" / "iam" / "policy.json").write_text(text)
    tf = (
        'data "template_file" "p" {\n  template = "${file("${path.module}/iam/policy.json")}"\n  vars = {}\n}\n'
        'resource "aws_iam_policy" "p" {\n  policy = "${data.template_file.p.rendered}"\n}\n'
        'resource "aws_iam_role" "r" {\n  name = "r"\n  assume_role_policy = "{}"\n'
        '  managed_policy_arns = [aws_iam_policy.p.arn]\n}\n'
        'resource "aws_iam_role_policy" "pass" {\n  role = aws_iam_role.r.id\n'
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }] })\n}\n')
    (tmp_path / "ml" / "main.tf").write_text(tf)
    (f,) = sm301(["ml"])
    assert f.label.startswith("aws_iam_role.r")
    assert related(f) == [("ml/iam/policy.json",) + pos(text, '"sagemaker:CreateTrainingJob"')]


# ---------------------------------------------------------------------------
# CloudFormation: a managed policy of the template attached by the ARN of its name

CFN_BY_NAME = """\
Resources:
  Jobs:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: ml-pass
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: iam:PassRole
            Resource: "*"
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: sagemaker.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - ATTACHED
      Policies:
        - PolicyName: train
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: sagemaker:CreateTrainingJob
                Resource: "*"
"""


@pytest.mark.parametrize("attached, joined", [
    ('!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/ml-pass"', True),
    ("arn:aws:iam::123456789012:policy/ml-pass", True),
    ("!Ref Jobs", True),
    ("arn:aws:iam::123456789012:policy/other-policy", False),
])
def test_cfn_managed_policy_attached_by_the_arn_of_its_name(tmp_path, attached, joined):
    text = CFN_BY_NAME.replace("ATTACHED", attached)
    (tmp_path / "t.yaml").write_text(text)
    found = sm301([str(tmp_path / "t.yaml")])
    if not joined:
        assert found == []
        return
    assert [(f.span.line, f.span.col) for f in found] == [(10, 21)]
    assert found[0].message.startswith("AWS::IAM::Role Role may pass any role")
    assert [(r.span.line, r.span.col) for r in found[0].related] == [(29, 25)]
