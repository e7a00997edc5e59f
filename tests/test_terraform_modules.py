"""Terraform: a project's own module read with the values a ``module`` call gives it.

A call ``module "x" { source = "./modules/role" ... }`` gives the module's variables values; the
module's documents those values reach are checked where the module writes them, named
``module.x.<address>``; what the module alone already shows is reported once, from the module.
"""
from __future__ import annotations

import os

from linter.engine import Options, run
from linter.sources import load

ROLE_MODULE = '''variable "sm_actions" {}
variable "sm_resources" {}
variable "passable_roles" { default = [] }
variable "bucket" { default = "data" }
variable "managed" { default = null }

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "trainer"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "this" {
  statement {
    actions   = var.sm_actions
    resources = var.sm_resources
  }
  statement {
    actions   = ["iam:PassRole"]
    resources = var.passable_roles
  }
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::${var.bucket}/*"]
  }
}

resource "aws_iam_role_policy" "this" {
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_iam_role_policy_attachment" "managed" {
  role       = aws_iam_role.this.name
  policy_arn = var.managed
}
'''

CALLER = '''module "trainer" {
  source         = "./modules/role"
  sm_actions     = ["sagemaker:*"]
  sm_resources   = ["*"]
  passable_roles = local.roles
  managed        = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}

locals {
  roles = ["*"]
}
'''


def write(tmp_path, files: dict) -> None:
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def lint(tmp_path, files: dict, paths=("."), **kw):
    write(tmp_path, files)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        return run(list(paths), Options(**kw))
    finally:
        os.chdir(cwd)


def rows(findings):
    return sorted((f.file, f.code, f.span.line, f.span.col) for f in findings)


RULES = ["SM101", "SM105", "SM201", "IAM301", "SM301", "LP"]


def test_call_values_are_checked_where_the_module_writes_them(tmp_path):
    res = lint(tmp_path, {"main.tf": CALLER, "modules/role/main.tf": ROLE_MODULE}, select=RULES)
    m = "modules/role/main.tf"
    assert rows(res.findings) == [
        (m, "IAM301", 28, 18),  # the PassRole whose resources = var.passable_roles (a local of the caller)
        (m, "SM101", 24, 17),  # actions = var.sm_actions
        (m, "SM105", 44, 16),  # policy_arn = var.managed
        (m, "SM201", 25, 17),  # resources = var.sm_resources
        (m, "SM301", 28, 18),
    ]
    by = {f.code: f for f in res.findings}
    assert by["SM101"].message.startswith('"sagemaker:*" grants every one of the')
    assert by["SM101"].label == "module.trainer.data.aws_iam_policy_document.this"
    assert by["SM301"].message.startswith("module.trainer.aws_iam_role.this may pass any role")
    # the statement completing the path, and the call the values come from
    assert [(r.file, r.span.line, r.message) for r in by["SM301"].related] == [
        (m, 24, "sagemaker:CreateTrainingJob granted here (a training job runs the caller's container)"),
        ("main.tf", 1, "the value comes from module.trainer")]
    assert [(r.file, r.span.line, r.span.col) for r in by["SM101"].related] == [("main.tf", 1, 8)]


def test_the_module_alone_does_not_know_the_values(tmp_path):
    res = lint(tmp_path, {"main.tf": CALLER, "modules/role/main.tf": ROLE_MODULE}, paths=["modules/role"],
               select=RULES)
    assert res.findings == []


def test_the_calling_file_alone_reports_them_too(tmp_path):
    # pre-commit names the file that changed: the call
    res = lint(tmp_path, {"main.tf": CALLER, "modules/role/main.tf": ROLE_MODULE}, paths=["main.tf"], select=RULES)
    assert [r[1:] for r in rows(res.findings)] == [("IAM301", 28, 18), ("SM101", 24, 17), ("SM105", 44, 16),
                                                   ("SM201", 25, 17), ("SM301", 28, 18)]


def test_what_the_module_writes_itself_is_reported_once_from_the_module(tmp_path):
    module = ROLE_MODULE.replace("actions   = var.sm_actions", 'actions   = ["sagemaker:*"]')
    res = lint(tmp_path, {"main.tf": CALLER, "modules/role/main.tf": module}, select=["SM101", "SM201"])
    assert [(f.code, f.span.line, f.label) for f in res.findings] == [
        ("SM101", 24, "data.aws_iam_policy_document.this"),  # the module's own finding, once
        ("SM201", 25, "module.trainer.data.aws_iam_policy_document.this"),  # "*" comes from the call
    ]


def test_values_not_known_in_the_caller_stay_unknown(tmp_path):
    caller = '''module "trainer" {
  source       = "./modules/role"
  sm_actions   = var.actions
  sm_resources = [aws_s3_bucket.b.arn]
}
'''
    res = lint(tmp_path, {"main.tf": caller, "modules/role/main.tf": ROLE_MODULE}, select=RULES)
    assert res.findings == []


def test_a_default_applies_only_when_the_call_does_not_give_the_variable(tmp_path):
    module = ROLE_MODULE.replace('variable "sm_actions" {}', 'variable "sm_actions" { default = ["sagemaker:*"] }')
    given = '''module "trainer" {
  source       = "./modules/role"
  sm_actions   = var.actions
  sm_resources = ["*"]
}
'''
    res = lint(tmp_path, {"main.tf": given, "modules/role/main.tf": module}, select=["SM101"])
    assert res.findings == []  # the call gives sm_actions (a value not known here): not the default
    absent = given.replace("  sm_actions   = var.actions\n", "")
    res = lint(tmp_path, {"main.tf": absent, "modules/role/main.tf": module}, select=["SM101"])
    assert rows(res.findings) == [("modules/role/main.tf", "SM101", 24, 17)]


def test_interpolated_variables_and_dynamic_statements(tmp_path):
    module = '''variable "bucket" {}
variable "grants" {}

resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.d.json
}

data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::${var.bucket}/*"]
  }
  dynamic "statement" {
    for_each = var.grants
    content {
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}
'''
    caller = '''module "p" {
  source = "./m"
  bucket = "arn:aws:s3:::nested"
  grants = [{ actions = ["sagemaker:CreateTrainingJob"], resources = ["*"] }]
}
'''
    write(tmp_path, {"main.tf": caller, "m/main.tf": module})
    src = load(str(tmp_path / "main.tf"), "main.tf")
    (doc,) = src.documents
    assert doc.origin.file == "m/main.tf" and doc.origin.label == "module.p.data.aws_iam_policy_document.d"
    first, second = doc.statements
    assert [(v.value, v.span.line) for v in first.resource.values] == [("arn:aws:s3:::arn:aws:s3:::nested/*", 11)]
    assert [(v.value, v.span.line, v.span.col) for v in second.action.values] == \
        [("sagemaker:CreateTrainingJob", 14, 16)]  # located at the for_each that reads the call's list
    res = lint(tmp_path, {}, select=["SM201"])
    assert rows(res.findings) == [("m/main.tf", "SM201", 14, 16)]


def test_a_suppression_in_the_module_applies_to_what_the_call_brings(tmp_path):
    module = ROLE_MODULE.replace("    actions   = var.sm_actions",
                                 "    # lint-policies: ignore[SM101] -- callers choose the actions\n"
                                 "    actions   = var.sm_actions")
    res = lint(tmp_path, {"main.tf": CALLER, "modules/role/main.tf": module}, select=["SM101", "LP"])
    assert res.findings == []  # and no LP100: the suppression is used
    assert [(f.code, f.suppressed_by) for f in res.suppressed] == [("SM101", "callers choose the actions")]


def test_modules_outside_the_tree_and_nested_calls_are_not_read(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(tmp_path, {"elsewhere/main.tf": ROLE_MODULE})
    caller = CALLER.replace("./modules/role", "../elsewhere")
    res = lint(repo, {"main.tf": caller}, select=RULES)
    assert res.findings == []
    # a module's own module calls are not followed with the outer call's values
    inner = 'variable "sm_actions" {}\nmodule "deeper" {\n  source = "./role"\n  sm_actions = var.sm_actions\n' \
            '  sm_resources = ["*"]\n}\n'
    res = lint(tmp_path, {"main.tf": CALLER.replace("./modules/role", "./outer"), "outer/main.tf": inner,
                          "outer/role/main.tf": ROLE_MODULE}, paths=["main.tf"], select=RULES)
    assert res.findings == []


def test_managed_policies_a_call_names_are_reported_at_the_call_once(tmp_path):
    module = '''variable "managed_policy_arns" {}
variable "extra" { default = [] }
resource "aws_iam_role" "r" {
  assume_role_policy = "{}"
}
resource "aws_iam_role_policy_attachment" "a" {
  for_each   = toset(var.managed_policy_arns)
  role       = aws_iam_role.r.name
  policy_arn = each.value
}
'''
    caller = '''module "local" {
  source              = "./m"
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]
}
module "registry_a" {
  source                   = "someone/notebook/aws"
  aws_managed_policies_arn = ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]
}
module "registry_b" {
  source           = "someone/notebook/aws"
  managed_policies = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  boundary_policy  = "arn:aws:iam::aws:policy/PowerUserAccess"
}
'''
    res = lint(tmp_path, {"main.tf": caller, "m/main.tf": module}, select=["SM105"])
    # whatever the input is called when it names policies (not a permissions boundary)
    assert rows(res.findings) == [("main.tf", "SM105", 3, 26), ("main.tf", "SM105", 7, 31),
                                  ("main.tf", "SM105", 11, 23)]


def test_a_policy_file_a_module_reads_is_reported_once_as_the_module_sees_it(tmp_path):
    roles = '''resource "aws_iam_role" "r1" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
    Principal = { Service = "sagemaker.amazonaws.com" } }] })
}
resource "aws_iam_role_policy" "r1" {
  role   = aws_iam_role.r1.id
  policy = file("${path.module}/policies/exec.json")
}
'''
    other = roles.replace("r1", "r2").replace('file("${path.module}/policies/exec.json")',
                                               'jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", '
                                               'Resource = "arn:aws:iam::111122223333:role/x" }] })')
    policy = ('{"Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"},\n'
              ' {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}\n')
    files = {"main.tf": roles, "r2.tf": other, "policies/exec.json": policy}
    # the policy file is linted on its own too (as main.tf reads it): one finding, the module's
    (f,) = lint(tmp_path, files, select=["SM301"]).findings
    assert (f.file, f.span.line, f.span.col) == ("policies/exec.json", 2, 32)  # its "iam:PassRole"
    assert "here that includes aws_iam_role.r2" in f.message  # what the whole module shows
    (g,) = lint(tmp_path, {}, paths=["policies/exec.json"], select=["SM301"]).findings  # pre-commit names it
    assert (g.file, g.span.line, g.label) == ("policies/exec.json", 2, f.label)



def test_heredoc_and_templatefile_values_of_a_call(tmp_path):
    module = '''variable "actions" {}
variable "action" {}
resource "aws_iam_policy" "heredoc" {
  policy = <<EOF
{"Statement": [
  {"Effect": "Allow", "Action": "${var.action}", "Resource": "arn:aws:s3:::b/*"},
  {"Effect": "Allow", "Action": ${jsonencode(var.actions)}, "Resource": "*"}
]}
EOF
}
resource "aws_iam_policy" "tpl" {
  policy = templatefile("${path.module}/p.json.tpl", { acts = var.actions })
}
'''
    template = '{"Statement": [{"Effect": "Allow", "Action": ${jsonencode(acts)}, "Resource": "*"}]}\n'
    caller = 'module "m" {\n  source  = "./m"\n  action  = "sagemaker:*"\n  actions = ["sagemaker:CreateTrainingJob"]\n}\n'
    res = lint(tmp_path, {"main.tf": caller, "m/main.tf": module, "m/p.json.tpl": template}, select=["SM101", "SM201"])
    # at the "*" beside ${jsonencode(var.actions)}, and beside the template's ${jsonencode(acts)}
    assert rows(res.findings) == [("m/main.tf", "SM201", 7, module.splitlines()[6].index('"*"') + 1),
                                  ("m/p.json.tpl", "SM201", 1, template.index('"*"') + 1)]
    # "sagemaker:*" on a bucket's objects grants no SageMaker action: no SM101 there


def test_where_the_calls_values_change_a_finding_the_calls_copy_is_reported(tmp_path):
    module = '''variable "services" {}
variable "endpoint" {}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["iam:PassRole"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = var.services
    }
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.d.json
}
'''
    caller = 'module "m" {\n  source   = "./m"\n  services = ["sagemaker.amazonaws.com"]\n  endpoint = "x"\n}\n'
    res = lint(tmp_path, {"main.tf": caller, "m/main.tf": module}, select=["IAM301"])
    (f,) = res.findings
    # the module alone cannot read the condition (an error: "to any service"); the call says which
    assert (f.file, f.span.line, f.severity) == ("m/main.tf", 5, "warning")
    assert "any role can be passed to sagemaker.amazonaws.com" in f.message
    (g,) = lint(tmp_path, {}, paths=["m"], select=["IAM301"]).findings
    assert (g.span.line, g.severity) == (5, "error")


def test_locals_of_other_files_of_the_calling_directory(tmp_path):
    caller = 'module "trainer" {\n  source       = "./modules/role"\n  sm_actions   = local.actions\n' \
             '  sm_resources = local.everything\n}\n'
    files = {"main.tf": caller, "locals.tf": 'locals {\n  actions    = ["sagemaker:*"]\n  everything = ["*"]\n}\n',
             "other.tf": 'locals {\n  everything = ["arn:aws:s3:::b"]\n}\n',  # defined twice: not known
             "modules/role/main.tf": ROLE_MODULE}
    res = lint(tmp_path, files, select=["SM101", "SM201"])
    assert rows(res.findings) == [("modules/role/main.tf", "SM101", 24, 17)]
