"""Terraform extraction: every policy shape, with exact lines and columns.

Extraction is checked on the policy model (``linter.sources.load``); the end-to-end
behaviour (rules, LP001, files reported) through ``linter.engine.run``.
"""
from __future__ import annotations

import glob
import json
import os

from conftest import shared_path
from linter.engine import Options, run
from linter.located import Span, Unresolved
from linter.sources import load


def write(tmp_path, files: dict):
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def extract(tmp_path, files: dict, name: str = None):
    write(tmp_path, files)
    name = name or next(iter(files))
    return load(str(tmp_path / name), name)


def lint(tmp_path, files: dict, paths=("."), **kw):
    write(tmp_path, files)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        return run(list(paths) if not isinstance(paths, str) else [paths], Options(**kw)).findings
    finally:
        os.chdir(cwd)


def at(v):
    """(text, line, col) of a Val."""
    return (v.text, v.span.line, v.span.col)


def codes(findings):
    return sorted((f.file, f.code, f.span.line, f.span.col) for f in findings)


# ---------------------------------------------------------------------------
# jsonencode


JSONENCODE = '''resource "aws_iam_policy" "ml_team" {
  name = "ml"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "Train"
        Effect = "Allow"
        Action = [
          "sagemaker:CreateTrainingJob",
          ["nested", "list"],
        ]
        Resource = ["arn:aws:sagemaker:*:*:training-job/a", "*"]
        Condition = {
          StringEquals = { "aws:RequestedRegion" = ["eu-west-1", var.region] }
        }
      },
      { Effect = "Deny", NotAction = "sagemaker:List*", NotResource = ["*"] },
    ]
  })
}
'''


def test_jsonencode_nested_lists_positions(tmp_path):
    src = extract(tmp_path, {"main.tf": JSONENCODE})
    assert src.kind == "terraform"
    (doc,) = src.documents
    assert doc.origin.label == "aws_iam_policy.ml_team"
    assert doc.origin.path == ("aws_iam_policy.ml_team", "policy")
    assert doc.role == "identity"
    s0, s1 = doc.statements
    assert at(s0.sid) == ("Train", 7, 18)
    assert at(s0.effect) == ("Allow", 8, 18)
    assert s0.action.key_span == Span(9, 9, 9, 15)
    assert [at(v) for v in s0.action.values] == [("sagemaker:CreateTrainingJob", 10, 11)]
    assert [p.message for p in doc.problems] == ["Action must be a string or a list of strings"]
    assert doc.problems[0].span == Span(11, 11, 11, 29)
    assert [at(v) for v in s0.resource.values] == [("arn:aws:sagemaker:*:*:training-job/a", 13, 21), ("*", 13, 61)]
    (c,) = s0.condition
    assert c.operator == "StringEquals" and c.operator_span == Span(15, 11, 15, 23)
    assert at(c.key) == ("aws:RequestedRegion", 15, 28)
    assert [at(v) for v in c.values] == [("eu-west-1", 15, 53), ("var.region", 15, 66)]
    assert isinstance(c.values[1].value, Unresolved)
    assert s0.resource.values[1].path == ("aws_iam_policy.ml_team", "policy", "Statement", 0, "Resource", 1)
    assert at(s1.effect) == ("Deny", 18, 18)
    assert [at(v) for v in s1.not_action.values] == [("sagemaker:List*", 18, 38)]
    assert src.blocks[0] == Span(1, 1, 21, 2)


def test_jsonencode_findings_point_inside_the_object(tmp_path):
    found = lint(tmp_path, {"main.tf": JSONENCODE}, select=["SM201"])
    assert codes(found) == [("main.tf", "SM201", 13, 61)]


# ---------------------------------------------------------------------------
# heredocs and quoted JSON


HEREDOC = '''resource "aws_iam_role_policy" "r" {
  role   = "r"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["sagemaker:CreateModel", "iam:PassRole"],
      "Resource": "*"
    }
  ]
}
EOF
}

resource "aws_iam_user_policy" "u" {
  user   = "u"
  policy = <<-EOT
    {
      "Statement": {
        "Effect": "Allow",
        "Action": "sagemaker:*",
        "Resource": "arn:aws:sagemaker:${var.region}:${local.account}:model/*"
      }
    }
  EOT
}
'''


def test_multiline_heredoc_positions(tmp_path):
    src = extract(tmp_path, {"main.tf": HEREDOC})
    d0, d1 = src.documents
    assert d0.origin.label == "aws_iam_role_policy.r"
    (st,) = d0.statements
    assert st.span == Span(7, 5, 11, 6)
    assert at(st.effect) == ("Allow", 8, 17)
    assert st.action.key_span == Span(9, 7, 9, 15)
    assert [at(v) for v in st.action.values] == [("sagemaker:CreateModel", 9, 18), ("iam:PassRole", 9, 43)]
    assert at(st.resource.values[0]) == ("*", 10, 19)


def test_indented_heredoc_positions_and_placeholders(tmp_path):
    src = extract(tmp_path, {"main.tf": HEREDOC})
    d1 = src.documents[1]
    assert d1.origin.label == "aws_iam_user_policy.u"
    (st,) = d1.statements
    assert at(st.action.values[0]) == ("sagemaker:*", 23, 19)
    assert at(st.resource.values[0]) == ("arn:aws:sagemaker:${var.region}:${local.account}:model/*", 24, 21)


def test_heredoc_findings(tmp_path):
    found = lint(tmp_path, {"main.tf": HEREDOC}, select=["SM101", "SM201", "IAM301"])
    assert codes(found) == [("main.tf", "IAM301", 9, 43), ("main.tf", "SM101", 23, 19),
                            ("main.tf", "SM201", 10, 19)]


def test_quoted_json_string_with_escapes(tmp_path):
    text = ('resource "aws_iam_policy" "q" {\n'
            '  policy = "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"sagemaker:*\\", '
            '\\"Resource\\": \\"*\\"}]}"\n}\n')
    src = extract(tmp_path, {"main.tf": text})
    (st,) = src.documents[0].statements
    line = text.splitlines()[1]
    assert at(st.action.values[0]) == ("sagemaker:*", 2, line.index('\\"sagemaker') + 1)
    assert st.action.values[0].span.end_col == line.index('\\"sagemaker') + 1 + len('\\"sagemaker:*\\"')


def test_interpolation_as_a_whole_json_value_is_unresolved(tmp_path):
    text = '''resource "aws_iam_policy" "p" {
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": ${jsonencode(var.actions)}, "Resource": ${var.arns},
  "Condition": {"StringEquals": {"aws:PrincipalTag/${var.tag}": "x"}}}]}
EOF
}
'''
    src = extract(tmp_path, {"main.tf": text})
    (st,) = src.documents[0].statements
    (a,) = st.action.values
    assert isinstance(a.value, Unresolved) and a.value.text == "jsonencode(var.actions)"
    assert a.value.kind == "call" and (a.span.line, a.span.col) == (3, 46)
    assert a.span.end_col == 46 + len("${jsonencode(var.actions)}")
    (r,) = st.resource.values
    assert isinstance(r.value, Unresolved) and r.value.text == "var.arns" and (r.span.line, r.span.col) == (3, 86)
    assert at(st.condition[0].key) == ("aws:PrincipalTag/${var.tag}", 4, 34)


def test_heredoc_with_template_directives(tmp_path):
    text = '''resource "aws_iam_policy" "p" {
  policy = <<EOF
{"Statement": [
%{ for i, arn in var.arns ~}
  {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "${arn}"}%{ if i < length(var.arns) - 1 },%{ endif }
%{ endfor ~}
]}
EOF
}
'''
    src = extract(tmp_path, {"main.tf": text})
    assert not src.findings
    (st,) = src.documents[0].statements
    assert at(st.action.values[0]) == ("sagemaker:*", 5, 33)
    assert at(st.resource.values[0]) == ("${arn}", 5, 60)


def test_broken_heredoc_json_is_lp001_inside_the_string(tmp_path):
    text = 'resource "aws_iam_policy" "p" {\n  policy = <<EOF\n{"Statement": [\n  {"Effect": "Allow",}\n]}\nEOF\n}\n'
    src = extract(tmp_path, {"main.tf": text})
    assert not src.documents
    (f,) = src.findings
    assert f.code == "LP001" and "aws_iam_policy.p" in f.message and (f.span.line, f.span.col) == (4, 22)


# ---------------------------------------------------------------------------
# aws_iam_role: trust, inline policies, managed policies


ROLE = '''resource "aws_iam_role" "nb" {
  name = "nb"
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "sts:AssumeRole" }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", aws_iam_policy.x.arn]

  inline_policy {
    name   = "a"
    policy = jsonencode({ Statement = [{ Effect = "Allow", NotAction = "iam:*", Resource = "*" }] })
  }
  dynamic "inline_policy" {
    for_each = var.extra
    content {
      name   = inline_policy.key
      policy = inline_policy.value
    }
  }
}

resource "aws_iam_role_policy_attachment" "full" {
  count      = 2
  role       = aws_iam_role.nb.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}

resource "aws_iam_role_policy_attachment" "partition" {
  role       = aws_iam_role.nb.name
  policy_arn = format("arn:%s:iam::aws:policy/AmazonSageMakerReadOnly", data.aws_partition.p.partition)
}
'''


def test_role_trust_inline_and_managed(tmp_path):
    src = extract(tmp_path, {"main.tf": ROLE})
    trust, inline = src.documents
    assert (trust.role, trust.origin.path) == ("trust", ("aws_iam_role.nb", "assume_role_policy"))
    assert trust.statements[0].principal.entries[0].kind == "AWS"
    assert at(trust.statements[0].principal.entries[0].values[0]) == ("*", 4, 58)
    assert (inline.role, inline.origin.path) == ("identity", ("aws_iam_role.nb", "inline_policy", 0, "policy"))
    assert at(inline.statements[0].not_action.values[0]) == ("iam:*", 10, 72)
    refs = [(r.value.value, r.value.span.line, r.value.span.col, r.origin.label, r.value.path) for r in src.managed_refs]
    assert refs == [
        ("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", 6, 26, "aws_iam_role.nb",
         ("aws_iam_role.nb", "managed_policy_arns", 0)),
        ("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", 24, 16, "aws_iam_role_policy_attachment.full",
         ("aws_iam_role_policy_attachment.full", "policy_arn")),
        ("arn:${data.aws_partition.p.partition}:iam::aws:policy/AmazonSageMakerReadOnly", 29, 16,
         "aws_iam_role_policy_attachment.partition", ("aws_iam_role_policy_attachment.partition", "policy_arn")),
    ]


def test_role_findings(tmp_path):
    found = lint(tmp_path, {"main.tf": ROLE}, select=["IAM302", "SM103", "SM105"])
    got = codes(found)
    assert ("main.tf", "IAM302", 4, 58) in got
    assert ("main.tf", "SM103", 10, 60) in got
    assert ("main.tf", "SM105", 24, 16) in got


# ---------------------------------------------------------------------------
# data "aws_iam_policy_document"


DOCS = '''data "aws_iam_policy_document" "studio" {
  statement {
    sid     = "Create"
    actions = ["sagemaker:CreateDomain"]
    resources = [
      "*",
    ]
  }

  statement {
    effect        = "Deny"
    not_actions   = ["sagemaker:Describe*"]
    not_resources = [var.notebook_arn]
  }

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]
    }
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.gl.arn]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:org/*"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:other/*"]
    }
  }

  dynamic "statement" {
    for_each = var.statements
    content {
      actions   = statement.value.actions
      resources = ["*"]
    }
  }
}
'''


def test_policy_document_mapping(tmp_path):
    src = extract(tmp_path, {"main.tf": DOCS})
    (doc,) = src.documents
    assert doc.origin.label == "data.aws_iam_policy_document.studio"
    s0, s1, s2, s3 = doc.statements
    assert at(s0.sid) == ("Create", 3, 15)
    assert at(s0.effect) == ("Allow", 2, 3)  # the default, located at the statement keyword
    assert s0.action.key_span == Span(4, 5, 4, 12)  # the `actions` attribute name
    assert [at(v) for v in s0.action.values] == [("sagemaker:CreateDomain", 4, 16)]
    assert [at(v) for v in s0.resource.values] == [("*", 6, 7)]
    assert s0.span == Span(2, 3, 8, 4)
    assert at(s1.effect) == ("Deny", 11, 21)
    assert s1.not_action.key_span == Span(12, 5, 12, 16)
    assert isinstance(s1.not_resource.values[0].value, Unresolved)
    (entry,) = s2.principal.entries
    assert entry.kind == "Federated" and entry.key_span == Span(19, 21, 19, 32)
    assert s2.principal.key_span == Span(18, 5, 18, 15)
    assert [v.text for v in entry.values] == [
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
        "aws_iam_openid_connect_provider.gl.arn"]
    (c,) = s2.condition
    assert c.operator == "StringLike" and c.operator_span == Span(27, 18, 27, 30)
    assert at(c.key) == ("token.actions.githubusercontent.com:sub", 28, 18)
    assert [v.text for v in c.values] == ["repo:org/*", "repo:other/*"]
    assert isinstance(s3.action.values[0].value, Unresolved)  # dynamic: iterator values are unresolved
    assert at(s3.resource.values[0]) == ("*", 42, 20)
    assert doc.role == "trust"  # by content: a principal and sts:AssumeRole*
    for sp in (Span(2, 3, 8, 4), Span(10, 3, 14, 4)):
        assert sp in src.blocks


def test_unresolved_resource_is_not_a_wildcard(tmp_path):
    text = '''data "aws_iam_policy_document" "nb" {
  statement {
    actions   = ["sagemaker:CreatePresignedNotebookInstanceUrl"]
    resources = [var.notebook_arn]
  }
  statement {
    actions   = ["sagemaker:CreatePresignedNotebookInstanceUrl"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "nb" {
  count  = var.enabled ? 1 : 0
  policy = data.aws_iam_policy_document.nb.json
}
'''
    found = lint(tmp_path, {"main.tf": text}, select=["SM201"])
    assert codes(found) == [("main.tf", "SM201", 8, 18)]


def test_reference_to_document_produces_nothing_and_sets_the_role(tmp_path):
    files = {
        "data.tf": '''data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}
data "aws_iam_policy_document" "bucket" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::b/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
''',
        "main.tf": '''resource "aws_iam_role" "r" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
resource "aws_s3_bucket_policy" "b" {
  bucket = "b"
  policy = "${data.aws_iam_policy_document.bucket.json}"
}
''',
    }
    write(tmp_path, files)
    main = load(str(tmp_path / "main.tf"), "main.tf")
    assert main.documents == []
    data = load(str(tmp_path / "data.tf"), "data.tf")
    trust, bucket = data.documents
    assert trust.role == "trust"  # from the sibling file's assume_role_policy
    assert bucket.role == "resource"
    (st,) = bucket.statements
    assert st.principal.entries[0].kind == "*"
    assert at(st.principal.entries[0].values[0]) == ("*", 16, 22)


def test_source_policy_documents(tmp_path):
    files = {
        "base.tf": '''data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Models"
    actions   = ["sagemaker:*"]
    resources = ["*"]
  }
  statement {
    sid       = "Read"
    actions   = ["sagemaker:DescribeModel"]
    resources = ["*"]
  }
}
''',
        "main.tf": '''data "aws_iam_policy_document" "combined" {
  source_policy_documents = [
    data.aws_iam_policy_document.base.json,
    jsonencode({
      Statement = [{
        Sid      = "Pass"
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = "*"
      }]
    }),
  ]
  override_policy_documents = [<<EOF
{"Statement": [{"Sid": "Own", "Effect": "Allow", "Action": "sagemaker:CreateModel", "Resource": "*"}]}
EOF
  ]
  statement {
    sid       = "Models"
    actions   = ["sagemaker:DescribeModel"]
    resources = ["arn:aws:sagemaker:us-east-1:123456789012:model/m"]
  }
  statement {
    sid       = "Own"
    actions   = ["sagemaker:ListModels"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.combined.json
}
''',
    }
    write(tmp_path, files)
    src = load(str(tmp_path / "main.tf"), "main.tf")
    (doc,) = src.documents
    # inline source, own statements (Own replaced by the override), override
    assert [s.sid.value for s in doc.statements] == ["Pass", "Models", "Own"]
    assert at(doc.statements[0].action.values[0]) == ("iam:PassRole", 8, 20)
    assert at(doc.statements[2].action.values[0]) == ("sagemaker:CreateModel", 14, 60)
    base = load(str(tmp_path / "base.tf"), "base.tf")
    # base is only a source of combined, which replaces its "Models" statement
    assert [s.sid.value for s in base.documents[0].statements] == ["Read"]
    found = lint(tmp_path, {}, select=["SM101", "SM201", "IAM301"])
    assert codes(found) == [("base.tf", "SM201", 10, 18), ("main.tf", "IAM301", 8, 20), ("main.tf", "SM201", 14, 97)]


def test_document_used_directly_keeps_every_statement(tmp_path):
    files = {
        "main.tf": '''data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Models"
    actions   = ["sagemaker:*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "combined" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  statement {
    sid       = "Models"
    actions   = ["sagemaker:DescribeModel"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "base" {
  policy = data.aws_iam_policy_document.base.json
}
''',
    }
    src = extract(tmp_path, files)
    base, combined = src.documents
    assert [at(s.action.values[0]) for s in base.statements] == [("sagemaker:*", 4, 18)]
    assert [at(s.action.values[0]) for s in combined.statements] == [("sagemaker:DescribeModel", 12, 18)]


# ---------------------------------------------------------------------------
# file() and templatefile()


def test_templatefile_is_linted_in_the_template(tmp_path):
    files = {
        "mod/main.tf": '''resource "aws_iam_role_policy" "tpl" {
  role   = "r"
  policy = templatefile("${path.module}/policies/train.json.tpl", { bucket = var.bucket })
}
resource "aws_iam_role_policy" "again" {
  role   = "r"
  policy = templatefile("${path.module}/policies/train.json.tpl", { bucket = "other" })
}
resource "aws_iam_role_policy" "json" {
  role   = "r"
  policy = file("${path.module}/policies/plain.json")
}
resource "aws_iam_role_policy" "unknown" {
  role   = "r"
  policy = file(var.policy_path)
}
''',
        "mod/policies/train.json.tpl": '''{
  "Statement": [
    {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"},
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${bucket}/*"}
  ]
}
''',
        "mod/policies/plain.json": '{"Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}\n',
    }
    src = extract(tmp_path, files)
    doc, plain = src.documents  # once, though two resources use it
    assert (plain.origin.file, plain.origin.label) == ("mod/policies/plain.json", "aws_iam_role_policy.json")
    assert doc.origin.file == "mod/policies/train.json.tpl"
    assert doc.origin.label == "aws_iam_role_policy.tpl"
    s0, s1 = doc.statements
    assert at(s0.resource.values[0]) == ("*", 3, 78)
    assert at(s1.resource.values[0]) == ("arn:aws:s3:::${bucket}/*", 4, 63)
    # the walk reaches both policy files directly and through main.tf: each finding once
    found = lint(tmp_path, {}, select=["SM101", "SM201"])
    assert codes(found) == [("mod/policies/plain.json", "SM101", 1, 46), ("mod/policies/plain.json", "SM201", 1, 73),
                            ("mod/policies/train.json.tpl", "SM201", 3, 78)]
    # each policy file alone (a pre-commit run on a changed template) is linted as main.tf uses it
    for name in ("mod/policies/train.json.tpl", "mod/policies/plain.json"):
        alone = lint(tmp_path, {}, paths=[name], select=["SM101", "SM201"])
        assert [(f.file, f.code, f.span.line, f.span.col, f.label) for f in alone] == [
            (f.file, f.code, f.span.line, f.span.col, f.label) for f in found if f.file == name]


def test_a_json_policy_written_as_a_template_is_read_as_one(tmp_path):
    # A .json whose placeholder stands for a whole value is no JSON, but a template: read as
    # .json.tpl is, directly and through the templatefile() that reads it, and never a syntax error.
    files = {
        "mod/main.tf": '''resource "aws_iam_policy" "sm" {
  policy = templatefile("${path.module}/policies/sm.json", { buckets = jsonencode(var.buckets) })
}
''',
        "mod/policies/sm.json": '''{
  "Statement": [
    {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ${buckets}}
  ]
}
''',
        "alone/policy.json": '''{
  "Statement": [
    {"Effect": "Allow", "Action": {{ actions | tojson }}, "Resource": "*"},
    {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"}
  ]
}
''',
        "broken/policy.json": '{"Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},]}\n',
    }
    for name, text in files.items():
        os.makedirs(tmp_path / os.path.dirname(name), exist_ok=True)
        (tmp_path / name).write_text(text)
    found = lint(tmp_path, {}, select=["LP001", "SM101", "SM201"])
    assert codes(found) == [("alone/policy.json", "SM201", 4, 78),
                            ("broken/policy.json", "LP001", 1, 78),
                            ("mod/policies/sm.json", "SM101", 3, 35), ("mod/policies/sm.json", "SM201", 3, 62)]
    assert [f.label for f in found if f.file == "mod/policies/sm.json"] == ["aws_iam_policy.sm"] * 2
    alone = lint(tmp_path, {}, paths=["mod/policies/sm.json"], select=["LP001", "SM101", "SM201"])
    assert codes(alone) == codes([f for f in found if f.file == "mod/policies/sm.json"])


# ---------------------------------------------------------------------------
# other places


def test_resource_policies_and_lookalikes(tmp_path):
    text = '''resource "aws_kms_key" "k" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "kms:*", Resource = "*" }] })
}
resource "aws_ecr_lifecycle_policy" "l" {
  repository = "r"
  policy = jsonencode({ rules = [{ rulePriority = 1 }] })
}
resource "aws_vpc_endpoint" "e" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "*", Resource = "*" }] })
}
locals {
  trust = { Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole" }] }
}
module "m" {
  source      = "./m"
  policy_json = jsonencode({ Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "*" }] })
  policy_arns = ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]
}
'''
    src = extract(tmp_path, {"main.tf": text})
    got = [(d.origin.label, d.role) for d in src.documents]
    assert got == [("aws_kms_key.k", "resource"), ("aws_vpc_endpoint.e", "endpoint"), ("local.trust", "trust"),
                   ("module.m", "identity")]
    assert [(r.value.value, r.origin.label) for r in src.managed_refs] == [
        ("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", "module.m")]


def test_count_and_for_each_do_not_hide_statements(tmp_path):
    text = '''resource "aws_iam_policy" "p" {
  for_each = toset(["a", "b"])
  name     = each.key
  policy   = jsonencode({ Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "*" }] })
}
'''
    found = lint(tmp_path, {"main.tf": text}, select=["SM101"])
    assert codes(found) == [("main.tf", "SM101", 4, 69)]


def test_tfvars_are_read(tmp_path):
    src = extract(tmp_path, {"prod.tfvars": 'region = "eu-west-1"\naccess_key = "x"\n'})
    assert src.kind == "terraform" and src.trees[0]["access_key"] == "x"


# ---------------------------------------------------------------------------
# broken files


def test_broken_file_is_lp001_and_the_rest_is_linted(tmp_path):
    files = {
        "broken.tf": 'resource "aws_iam_policy" "x" {\n  policy = jsonencode({\n    Statement = [\n',
        "ok.tf": 'resource "aws_iam_policy" "y" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", '
                 'Action = "sagemaker:*", Resource = "*" }] })\n}\n',
    }
    found = lint(tmp_path, files, select=["LP001", "SM101"])
    assert codes(found) == [("broken.tf", "LP001", 4, 1), ("ok.tf", "SM101", 2, 67)]
    assert "end of file" in [f for f in found if f.code == "LP001"][0].message


def test_deeply_nested_file_does_not_crash(tmp_path):
    files = {
        "deep.tf": "a = " + "[" * 10000 + "]" * 10000 + "\n",
        "deep_blocks.tf": "a {" * 10000 + "}" * 10000 + "\n",
        "deep_policy.tf": 'resource "aws_iam_policy" "d" {\n  policy = jsonencode(' + "[" * 10000 + "]" * 10000 + ")\n}\n",
    }
    found = lint(tmp_path, files)
    assert not [f for f in found if f.code == "LP000"]
    assert {(f.file, f.code) for f in found} == {("deep_blocks.tf", "LP001"), ("deep_policy.tf", "LP001")}


# ---------------------------------------------------------------------------
# Terraform JSON and plans


TF_JSON = {
    "resource": {
        "aws_iam_policy": {
            "literal": {"policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "sagemaker:*",
                                                             "Resource": "*"}]})},
            "encoded": {"policy": '${jsonencode({Statement = [{Effect = "Allow", Action = ["iam:PassRole"], '
                                  'Resource = "*"}]})}'},
            "ref": {"policy": "${data.aws_iam_policy_document.doc.json}"},
        }
    },
    "data": {"aws_iam_policy_document": {"doc": {"statement": [
        {"actions": ["sagemaker:CreateModel"], "resources": ["*"]},
        {"actions": ["sagemaker:CreateModel"], "resources": ["${var.arn}"]},
    ]}}},
}


def test_tf_json(tmp_path):
    text = json.dumps(TF_JSON, indent=2)
    lines = text.splitlines()
    src = extract(tmp_path, {"main.tf.json": text})
    assert src.kind == "terraform-json"
    lit, enc, doc = src.documents
    assert [d.origin.label for d in src.documents] == ["aws_iam_policy.literal", "aws_iam_policy.encoded",
                                                        "data.aws_iam_policy_document.doc"]

    def find(needle, nth=0):
        for i, ln in enumerate(lines):
            if needle in ln:
                if nth == 0:
                    return i + 1, ln.index(needle) + 1
                nth -= 1
        raise AssertionError(needle)

    assert at(lit.statements[0].action.values[0])[1:] == find('\\"sagemaker:*\\"')
    assert at(enc.statements[0].action.values[0])[1:] == find('\\"iam:PassRole\\"')
    s0, s1 = doc.statements
    assert at(s0.resource.values[0])[1:] == find('"*"')
    assert isinstance(s1.resource.values[0].value, Unresolved)
    found = lint(tmp_path, {}, select=["SM101", "SM201", "IAM301"])
    assert [f.code for f in found] == ["SM101", "SM201", "IAM301", "SM201"]


PLAN = {
    "format_version": "1.2",
    "terraform_version": "1.7.0",
    "planned_values": {"root_module": {
        "resources": [{"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p",
                       "values": {"policy": json.dumps({"Statement": [{"Action": "sagemaker:*", "Effect": "Allow",
                                                                       "Resource": "*"}]})}}],
        "child_modules": [{"address": "module.ml", "resources": [
            {"address": "module.ml.aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
             "values": {"assume_role_policy": json.dumps({"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow",
                                                                         "Principal": {"AWS": "*"}}]}),
                        "managed_policy_arns": ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]}}]}],
    }},
    "resource_changes": [
        {"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p",
         "change": {"actions": ["create"], "after": {"policy": json.dumps(
             {"Statement": [{"Action": "sagemaker:*", "Effect": "Allow", "Resource": "*"}]})}}},
        {"address": "aws_iam_role_policy.changes_only", "mode": "managed", "type": "aws_iam_role_policy",
         "name": "changes_only", "change": {"actions": ["create"], "after": {"policy": json.dumps(
             {"Statement": [{"Action": "iam:PassRole", "Effect": "Allow", "Resource": "*",
                             "Condition": {"StringEquals": {"aws:username": "${aws:username}"}}}]})}}},
        {"address": "data.aws_iam_policy_document.d", "mode": "data", "type": "aws_iam_policy_document",
         "name": "d", "change": {"actions": ["read"], "after": {"json": "{}"}}},
    ],
}


def test_plan_file(tmp_path):
    text = json.dumps(PLAN, indent=2)
    lines = text.splitlines()
    src = extract(tmp_path, {"plan.json": text})
    assert src.kind == "terraform-plan"
    assert [(d.origin.label, d.role, d.origin.kind) for d in src.documents] == [
        ("aws_iam_policy.p", "identity", "terraform-plan"),
        ("module.ml.aws_iam_role.r", "trust", "terraform-plan"),
        ("aws_iam_role_policy.changes_only", "identity", "terraform-plan")]
    first = next(i for i, ln in enumerate(lines) if "sagemaker:*" in ln)
    a = src.documents[0].statements[0].action.values[0]
    assert (a.span.line, a.span.col) == (first + 1, lines[first].index('\\"sagemaker:*\\"') + 1)
    assert a.span.end_col == a.span.col + len('\\"sagemaker:*\\"')
    cond = src.documents[2].statements[0].condition[0]
    assert cond.values[0].value == "${aws:username}"  # a rendered policy: IAM variables are literal text
    assert [r.origin.label for r in src.managed_refs] == ["module.ml.aws_iam_role.r"]
    found = lint(tmp_path, {}, select=["SM101", "IAM302", "IAM301"])
    assert [f.code for f in found] == ["SM101", "IAM302", "IAM301"]  # aws_iam_policy.p once


# ---------------------------------------------------------------------------
# the corpus


def test_corpus_terraform_files_lint_cleanly():
    root = shared_path("corpus")
    files = sorted(glob.glob(os.path.join(root, "**", "*.tf"), recursive=True)
                   + glob.glob(os.path.join(root, "**", "*.tf.json"), recursive=True))
    assert len(files) > 40
    for f in files:
        src = load(f, os.path.relpath(f, root))
        assert src.kind in ("terraform", "terraform-json"), f
    res = run(files, Options(root=root))
    assert not [f for f in res.findings if f.code == "LP000"]
    lp001 = {(f.file, f.span.line) for f in res.findings if f.code == "LP001"}
    # the only parse error is real: a trailing comma in a heredoc policy (checkov's own fixture)
    assert lp001 == {("bridgecrewio__checkov/tests/terraform/checks/resource/aws/example_IAMDataExfiltration/main.tf", 14)}
    by = {(f.file.split("/")[0], f.code) for f in res.findings}
    assert ("Young-ook__terraform-aws-sagemaker", "SM201") in by
    assert ("Young-ook__terraform-aws-sagemaker", "SM105") in by
    assert not [f for f in res.findings if f.file.startswith("aws-ia__") and f.severity == "error"]


def test_extracting_twice_gives_the_same_documents(tmp_path):
    """Parsed files are cached: extraction must not change the cached values."""
    write(tmp_path, {"main.tf": DOCS})
    first = load(str(tmp_path / "main.tf"), "main.tf")
    second = load(str(tmp_path / "main.tf"), "main.tf")
    def shape(src):
        return [[(st.action and [v.text for v in st.action.values],
                  st.principal and [(e.kind, [v.text for v in e.values]) for e in st.principal.entries],
                  [(c.key.value, [v.text for v in c.values]) for c in st.condition]) for st in d.statements]
                for d in src.documents]
    assert shape(first) == shape(second)
    assert [len(e.values) for e in second.documents[0].statements[2].principal.entries] == [2]


def test_parsed_files_are_kept_for_the_last_directories_only(tmp_path):
    """A run keeps the parse of a module's files for the next reader (the directory index, then the
    file's own extraction), but only for the two directories read last: the memory of a run no
    longer grows with the number of Terraform directories in the repository."""
    from linter.sources import _tf_common

    _tf_common._DOC_CACHE.clear()
    _tf_common._DOC_DIRS.clear()
    tf = 'resource "aws_iam_role_policy" "p" {\n  policy = jsonencode({Statement = [{Effect = "Allow", ' \
         'Action = "sagemaker:*", Resource = "*"}]})\n}\n'
    for d in ("a", "b", "c"):
        (tmp_path / d).mkdir()
        for n in ("main.tf", "more.tf"):
            (tmp_path / d / n).write_text(tf)
    res = run([str(tmp_path)], Options(select=["SM101"], jobs=1))
    assert len(res.findings) == 6  # every file is linted all the same
    kept = {os.path.basename(os.path.dirname(p)) for p in _tf_common._DOC_CACHE}
    assert kept == {"b", "c"} and len(_tf_common._DOC_CACHE) == 4


FOR_EACH_ATTACHMENT = '''resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.id
  policy_arn = each.value

  for_each = toset([
    "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
  ])
}

resource "aws_iam_role_policy_attachment" "by_name" {
  role       = aws_iam_role.execution.id
  policy_arn = each.value
  for_each   = { sagemaker = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess" }
}

resource "aws_iam_role_policy_attachment" "unknown" {
  role       = aws_iam_role.execution.id
  policy_arn = each.value
  for_each   = var.policies
}
'''


def test_managed_policies_attached_with_for_each(tmp_path):
    """``policy_arn = each.value`` over a for_each written out (a set or a map): each ARN is
    attached, reported where the for_each writes it; a for_each not known here attaches nothing
    we can name."""
    found = lint(tmp_path, {"main.tf": FOR_EACH_ATTACHMENT}, select=["SM105"])
    assert [(f.file, f.code, f.span.line, f.span.col) for f in found] == [
        ("main.tf", "SM105", 6, 5), ("main.tf", "SM105", 14, 30)]


def test_the_cloud_control_provider_iam_resources(tmp_path):
    # awscc_iam_role (trust, inline policies in a list of objects, managed policy ARNs) and
    # awscc_iam_managed_policy: CloudFormation's IAM resources under Terraform names
    files = {"main.tf": '''resource "awscc_iam_role" "exec" {
  role_name = "ml-exec"
  assume_role_policy_document = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "sts:AssumeRole" }]
  })
  policies = [{
    policy_name     = "inline"
    policy_document = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = ["sagemaker:CreateTrainingJob", "iam:PassRole"], Resource = "*" }]
    })
  }]
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]
}

resource "awscc_iam_managed_policy" "p" {
  policy_document = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "*" }]
  })
}
'''}
    found = lint(tmp_path, files, select=["IAM302", "SM101", "SM301", "SM105"])
    assert sorted((f.span.line, f.span.col, f.code, f.label) for f in found) == [
        (5, 58, "IAM302", "awscc_iam_role.exec"), (11, 81, "SM301", "awscc_iam_role.exec"),
        (14, 26, "SM105", "awscc_iam_role.exec"), (20, 47, "SM101", "awscc_iam_managed_policy.p")]


def test_github_trust_through_a_provider_given_by_reference(tmp_path):
    # the provider is a resource or data source of the module: its conditions say it is GitHub's
    files = {"main.tf": '''data "aws_iam_openid_connect_provider" "github" {
  url = "https://token.actions.githubusercontent.com"
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [data.aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  name               = "deploy"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
'''}
    found = lint(tmp_path, files, select=["IAM303"])
    assert codes(found) == [("main.tf", "IAM303", 9, 21)]
    assert "a workflow in any GitHub repository can assume this role" in found[0].message


def test_managed_policies_given_to_a_registry_module(tmp_path):
    files = {"main.tf": '''module "v6" {
  source = "terraform-aws-modules/iam/aws//modules/iam-role"
  policies = {
    Full   = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
    Custom = aws_iam_policy.p.arn
  }
}

module "v5" {
  source                  = "terraform-aws-modules/iam/aws//modules/iam-assumable-role"
  custom_role_policy_arns = ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]
}
'''}
    assert codes(lint(tmp_path, files, select=["SM105"])) == [("main.tf", "SM105", 4, 14), ("main.tf", "SM105", 11, 30)]


LOCALS_TF = """\
locals {
  sm_actions = ["sagemaker:CreateTrainingJob", "sagemaker:DeleteEndpoint"]
  everything = "*"
  statement  = { Effect = "Allow", Action = ["iam:PassRole"], Resource = local.everything }
}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = local.sm_actions
    resources = [local.everything]
  }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode({ Version = "2012-10-17", Statement = [local.statement] })
}
resource "aws_iam_role_policy" "both" {
  role   = "r"
  policy = data.aws_iam_policy_document.d.json
}
resource "aws_iam_role_policy" "pass" {
  role   = "r"
  policy = aws_iam_policy.p.policy
}
"""


def test_locals_of_the_file_are_followed_into_policies(lint):
    """A whole value that is local.name (actions, a resource, a statement, a local of a local) is
    the local's value, reported where the local writes it."""
    got = [(f.code, f.span.line, f.span.col) for f in lint(LOCALS_TF, "main.tf", select=["SM201", "IAM301"])]
    assert got == [("SM201", 3, 16), ("IAM301", 4, 46)]


def test_a_local_of_another_file_stays_unknown(lint, tmp_path):
    (tmp_path / "locals.tf").write_text('locals {\n  everything = "*"\n}\n')
    text = LOCALS_TF.split("data ", 1)[0].replace('  everything = "*"\n', "") + "data " + LOCALS_TF.split("data ", 1)[1]
    got = [f.code for f in lint(text, "main.tf", select=["SM201", "IAM301"])]
    assert got == []  # its positions would be in another file: not guessed


def test_an_empty_list_in_a_policy_document_is_left_out_as_the_provider_does(lint):
    text = """\
data "aws_iam_policy_document" "pull" {
  statement {
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
    actions   = ["ecr:BatchGetImage"]
    resources = []
  }
}
resource "aws_ecr_repository_policy" "p" {
  repository = "r"
  policy     = data.aws_iam_policy_document.pull.json
}
data "aws_iam_policy_document" "id" {
  statement {
    actions   = ["sagemaker:ListModels"]
    resources = []
  }
}
resource "aws_iam_policy" "id" {
  name   = "id"
  policy = data.aws_iam_policy_document.id.json
}
"""
    got = [(f.code, f.span.line, f.message) for f in lint(text, "main.tf", select=["LP002"])]
    # a resource policy needs no Resource; an identity policy without one is refused
    assert [(c, ln) for c, ln, _ in got] == [("LP002", 16)]
    assert "Resource" in got[0][2]


def test_documents_given_to_one_module_call_are_its_roles(lint):
    text = """\
data "aws_iam_policy_document" "a" {
  statement {
    actions   = ["sagemaker:CreateTrainingJob"]
    resources = ["arn:aws:sagemaker:us-east-1:111122223333:training-job/*"]
  }
}
data "aws_iam_policy_document" "b" {
  statement {
    actions   = ["iam:PassRole"]
    resources = ["arn:aws:iam::111122223333:role/*"]
  }
}
module "fn" {
  source              = "terraform-aws-modules/lambda/aws"
  attach_policy_jsons = true
  policy_jsons        = [data.aws_iam_policy_document.a.json, data.aws_iam_policy_document.b.json]
}
module "other" {
  source      = "terraform-aws-modules/lambda/aws"
  policy_json = data.aws_iam_policy_document.a.json
}
"""
    res = lint(text, "main.tf", select=["SM301"])
    assert [(f.code, f.span.line, f.span.col) for f in res] == [("SM301", 9, 18)]
    assert res[0].message.startswith("module.fn may pass any role")
    assert [(r.span.line, r.span.col) for r in res[0].related] == [(3, 18)]


def test_a_dynamic_statement_over_a_literal_list_is_one_statement_per_element(lint):
    text = """\
data "aws_iam_policy_document" "dyn" {
  dynamic "statement" {
    for_each = toset(["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob"])
    content {
      actions   = [statement.value]
      resources = ["*"]
    }
  }
  dynamic "statement" {
    for_each = { pass = "iam:PassRole" }
    iterator = s
    content {
      sid       = s.key
      actions   = [s.value]
      resources = ["*"]
    }
  }
  dynamic "statement" {
    for_each = var.statements
    content {
      actions   = statement.value.actions
      resources = ["*"]
    }
  }
}
resource "aws_iam_policy" "dyn" {
  name   = "dyn"
  policy = data.aws_iam_policy_document.dyn.json
}
"""
    got = [(f.code, f.span.line, f.span.col) for f in lint(text, "main.tf", select=["SM201", "IAM301", "SM301"])]
    # one SM201 per statement the first block makes; the action is where the for_each writes it
    assert got == [("SM201", 6, 20), ("SM201", 6, 20), ("IAM301", 10, 25), ("SM301", 10, 25)]


def test_a_dynamic_statement_over_a_local_of_the_file(lint):
    text = """\
locals {
  grants = {
    train = { actions = ["sagemaker:CreateTrainingJob"], resources = ["*"] }
    pass  = { actions = ["iam:PassRole"], resources = ["*"] }
  }
}
data "aws_iam_policy_document" "dyn" {
  dynamic "statement" {
    for_each = local.grants
    content {
      sid       = statement.key
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}
resource "aws_iam_policy" "dyn" {
  name   = "dyn"
  policy = data.aws_iam_policy_document.dyn.json
}
"""
    got = [(f.code, f.span.line, f.span.col) for f in lint(text, "main.tf", select=["SM201", "IAM301", "SM301"])]
    # each statement at the element of the local that writes it
    assert got == [("SM201", 3, 71), ("IAM301", 4, 26), ("SM301", 4, 26)]


def test_dynamic_blocks_over_values_not_known_here_make_nothing_certain(lint):
    """terraform-aws-modules style: each statement argument is `lookup(statement.value, "x", null)`
    (the caller sets one of actions / not_actions), principals and conditions come from dynamic
    blocks over the caller's values: no LP002 for both / for a principal, no IAM204 on the type."""
    text = """\
data "aws_iam_policy_document" "extra" {
  dynamic "statement" {
    for_each = var.policy_statements
    content {
      actions       = lookup(statement.value, "actions", null)
      not_actions   = lookup(statement.value, "not_actions", null)
      resources     = lookup(statement.value, "resources", null)
      not_resources = lookup(statement.value, "not_resources", null)
      dynamic "principals" {
        for_each = lookup(statement.value, "principals", [])
        content {
          type        = principals.value.type
          identifiers = principals.value.identifiers
        }
      }
      dynamic "not_principals" {
        for_each = lookup(statement.value, "not_principals", [])
        content {
          type        = not_principals.value.type
          identifiers = not_principals.value.identifiers
        }
      }
      dynamic "condition" {
        for_each = lookup(statement.value, "condition", [])
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}
resource "aws_iam_policy" "extra" {
  name   = "extra"
  policy = data.aws_iam_policy_document.extra.json
}
data "aws_iam_policy_document" "both" {
  statement {
    actions     = ["s3:GetObject"]
    not_actions = ["s3:PutObject"]
    resources   = ["*"]
  }
}
resource "aws_iam_policy" "both" {
  name   = "both"
  policy = data.aws_iam_policy_document.both.json
}
"""
    got = [(f.code, f.span.line) for f in lint(text, "main.tf", select=["LP002", "IAM204", "IAM104"])]
    assert got == [("LP002", 41)]  # literal values that conflict are still reported (at not_actions)


def test_policy_statements_of_a_module_call_are_its_roles(lint):
    text = """\
module "fn" {
  source = "terraform-aws-modules/lambda/aws"
  attach_policy_statements = true
  policy_statements = {
    sm = {
      effect    = "Allow"
      actions   = ["sagemaker:CreateTrainingJob", "iam:PassRole"]
      resources = ["*"]
    }
    logs = {
      actions   = ["logs:PutLogEvents"]
      resources = ["arn:aws:logs:us-east-1:123456789012:log-group:x:*"]
    }
  }
}
"""
    res = lint(text, "main.tf", select=["SM301", "SM201"])
    assert [(f.code, f.span.line, f.span.col) for f in res] == [("SM301", 7, 51), ("SM201", 8, 20)]
    assert res[0].message.startswith("module.fn may pass any role")


def test_the_arn_of_a_sagemaker_resource_of_the_module_reaches_its_type_only(lint):
    text = """\
resource "aws_sagemaker_notebook_instance" "this" {
  name          = "nb"
  role_arn      = "arn:aws:iam::123456789012:role/x"
  instance_type = "ml.t3.medium"
}
resource "aws_iam_policy" "p" {
  name = "p"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = aws_sagemaker_notebook_instance.this.arn },
                 { Effect = "Allow", Action = "sagemaker:*", Resource = var.arn }]
  })
}
"""
    got = [(f.code, f.span.line, f.message.split(" (such as")[0]) for f in lint(text, "main.tf", select=["SM101"])]
    # the notebook's ARN names a notebook instance: only the actions on notebook instances apply
    assert got == [("SM101", 10, '"sagemaker:*" grants 10 of the 460 SageMaker actions, all that its Resource allows'),
                   ("SM101", 11, '"sagemaker:*" grants every one of the 460 SageMaker actions')]


def test_iam205_a_federated_provider_given_by_reference_with_sts_assume_role(lint):
    text = """\
resource "aws_iam_role" "ci" {
  name = "ci"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Principal = { Federated = aws_iam_openid_connect_provider.github.arn }, Action = "sts:AssumeRole" },
      { Effect = "Allow", Principal = { Federated = aws_iam_openid_connect_provider.github.arn },
        Action = "sts:AssumeRoleWithWebIdentity" },
      { Effect = "Allow", Principal = { Federated = var.saml_provider_arn }, Action = "sts:AssumeRoleWithSAML" },
    ]
  })
}
"""
    found = lint(text, "main.tf", select=["IAM205"])
    # whatever the provider, sts:AssumeRole is not how a federated principal assumes a role
    assert [(f.code, f.span.line, f.span.col) for f in found] == [("IAM205", 6, 108)]
    assert found[0].message.endswith("use sts:AssumeRoleWithSAML (a SAML provider) or "
                                     "sts:AssumeRoleWithWebIdentity (an OIDC provider)")


def test_managed_policies_from_a_local_of_the_file(lint):
    text = """\
locals {
  managed = ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]
  node = [
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/PowerUserAccess",
  ]
}
resource "aws_iam_role_policy_attachment" "each" {
  for_each   = toset(local.managed)
  role       = aws_iam_role.exec.name
  policy_arn = each.value
}
resource "aws_iam_role_policy_attachment" "counted" {
  count      = length(local.node)
  role       = aws_iam_role.ng.name
  policy_arn = local.node[count.index]
}
resource "aws_iam_role" "whole" {
  name                = "whole"
  assume_role_policy  = "{}"
  managed_policy_arns = local.managed
}
"""
    got = [(f.code, f.span.line, f.span.col) for f in lint(text, "main.tf", select=["SM105"])]
    # reported where the local writes the ARN (once, however many attachments use it)
    assert got == [("SM105", 2, 14), ("SM105", 5, 5)]


def test_elements_of_a_map_local_by_attribute_key_and_values(lint):
    text = """\
locals {
  managed = {
    sagemaker = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
    admin     = "arn:aws:iam::aws:policy/AdministratorAccess"
  }
  actions = { admin = ["sagemaker:*"], read = ["sagemaker:Describe*"] }
}
resource "aws_iam_role_policy_attachment" "attr" {
  role       = "r"
  policy_arn = local.managed.sagemaker
}
resource "aws_iam_role" "all" {
  assume_role_policy  = "{}"
  managed_policy_arns = values(local.managed)
}
resource "aws_iam_role_policy" "p" {
  role   = "r"
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Action = local.actions.admin, Resource = "*" },
    { Effect = "Allow", Action = local.actions["read"], Resource = "*" },
    { Effect = "Allow", Action = local.actions.missing, Resource = "*" },
  ] })
}
"""
    got = [(f.code, f.span.line, f.span.col) for f in lint(text, "main.tf", select=["SM101", "SM105"])]
    # each where the local writes it; an attribute the map lacks stays unknown
    assert got == [("SM105", 3, 17), ("SM105", 4, 17), ("SM101", 6, 24)]


def test_for_expressions_over_known_collections_make_their_lists(lint):
    text = """\
locals {
  grants = {
    "sagemaker:CreateTrainingJob" = "*"
    "iam:PassRole"                = "*"
  }
  buckets = ["raw", "curated"]
}
resource "aws_iam_role_policy" "ml" {
  role = aws_iam_role.ml.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat([for action, resource in local.grants : {
      Effect   = "Allow"
      Action   = action
      Resource = resource
    }], [{ Effect = "Allow", Action = "s3:GetObject", Resource = [for b in local.buckets : "arn:aws:s3:::${b}/*"] }],
    [for a in var.extra : { Effect = "Allow", Action = a, Resource = "*" } if a != ""])
  })
}
"""
    found = lint(text, "main.tf", select=["SM201", "IAM301", "SM301", "IAM109", "LP002"])
    # each statement at the element of the local that writes it; the bucket ARNs are complete ARNs
    # (no IAM109); a for with an if, over a variable, is unknown and reported on nothing
    assert [(f.code, f.span.line, f.span.col) for f in found] == [("SM201", 3, 37), ("IAM301", 4, 5),
                                                                  ("SM301", 4, 5)]


def test_boundaries_by_interpolated_arn_or_module_input_and_vpc_endpoint_module_policies(lint):
    text = """\
resource "aws_iam_policy" "cap1" {
  name   = "cap1"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["sagemaker:*", "iam:PassRole"], Resource = "*" }] })
}
resource "aws_iam_role" "exec" {
  name                 = "exec"
  assume_role_policy   = "{}"
  permissions_boundary = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:policy/${aws_iam_policy.cap1.name}"
}
resource "aws_iam_policy" "cap2" {
  name   = "cap2"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = ["sagemaker:*", "iam:PassRole"], Resource = "*" }] })
}
module "exec_role" {
  source               = "terraform-aws-modules/iam/aws//modules/iam-role"
  permissions_boundary = aws_iam_policy.cap2.arn
}
data "aws_iam_policy_document" "api" {
  statement {
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    actions   = ["sagemaker:*"]
    resources = ["*"]
  }
}
module "vpc_endpoints" {
  source    = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"
  endpoints = { sagemaker_api = { service = "sagemaker.api", policy = data.aws_iam_policy_document.api.json } }
}
"""
    # boundaries and endpoint policies grant nothing
    assert lint(text, "main.tf", select=["SM", "IAM3"]) == []


def test_a_plain_policy_named_in_another_attribute_stays_an_identity_policy(lint):
    text = """\
resource "aws_iam_policy" "jobs" {
  name   = "jobs"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "*" }] })
}
module "role" {
  source      = "terraform-aws-modules/iam/aws//modules/iam-role"
  policies    = { jobs = aws_iam_policy.jobs.arn }
  description = "uses ${aws_iam_policy.jobs.name}"
}
"""
    assert [f.code for f in lint(text, "main.tf", select=["SM101"])] == ["SM101"]


def test_an_unterminated_string_is_reported_once_where_it_opens(lint):
    text = """\
resource "aws_organizations_policy" "p" {
  name        = "deny"
  description = "Deny the use of custom key stores

  content = data.aws_iam_policy_document.x.json
}

resource "aws_organizations_policy_attachment" "a" {
  policy_id = aws_organizations_policy.p.id
  target_id = var.target_id
}
"""
    found = lint(text, "main.tf", select=["LP001"])
    assert [(f.code, f.span.line, f.span.col) for f in found] == [("LP001", 3, 17)]
    assert "a quoted string cannot run over several lines" in found[0].message


def test_concat_and_flatten_of_locals_give_their_elements(lint):
    text = """\
locals {
  read  = ["s3:GetObject"]
  ml    = ["sagemaker:*"]
  all   = concat(local.ml, var.extra)
}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = concat(local.read, local.ml)
    resources = ["arn:aws:s3:::data/*"]
  }
  statement {
    actions   = flatten([local.read, ["iam:PassRole"]])
    resources = ["*"]
  }
  statement {
    actions   = local.all
    resources = ["*"]
  }
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = data.aws_iam_policy_document.d.json
}
"""
    found = lint(text, "main.tf", select=["LP002", "SM101", "IAM301"])
    # no list nested in a list (LP002): each local's elements, at the local (one finding for the two
    # statements that take local.ml); var.extra stays unknown
    assert [(f.code, f.span.line, f.span.col) for f in found] == [("SM101", 3, 12), ("IAM301", 12, 39)]


def test_an_override_that_replaces_every_own_statement_is_no_empty_policy(lint):
    text = """\
data "aws_iam_policy_document" "override" {
  statement {
    sid       = "Main"
    actions   = ["sagemaker:CreateTrainingJob"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "combined" {
  override_policy_documents = [data.aws_iam_policy_document.override.json]
  statement {
    sid       = "Main"
    actions   = ["sagemaker:DescribeEndpoint"]
    resources = ["*"]
  }
}
resource "aws_iam_role" "r" {
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.r.id
  policy = data.aws_iam_policy_document.combined.json
}
resource "aws_iam_role_policy" "pass" {
  role   = aws_iam_role.r.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }] })
}
"""
    found = lint(text, "main.tf", select=["LP002", "SM301"])
    # the override's statement replaces the own one by Sid: the role holds it, and no empty policy
    assert [(f.code, f.span.line, f.span.col) for f in found] == [("SM301", 25, 91)]


def test_templatefile_variables_given_as_literals_are_filled_in(tmp_path, monkeypatch):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "p.json.tftpl").write_text(
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n'
        '    {"Effect": "Allow", "Action": "${action}", "Resource": ${jsonencode(resources)}},\n'
        '    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${bucket}/*"}\n  ]\n}\n')
    (tmp_path / "main.tf").write_text('''\
resource "aws_iam_policy" "p" {
  name = "p"
  policy = templatefile("${path.module}/policies/p.json.tftpl", {
    action    = "sagemaker:*"
    resources = ["*"]
    bucket    = aws_s3_bucket.data.id
  })
}
''')
    found = run(["main.tf"], Options(select=["SM101", "SM201", "IAM109"])).findings
    # at the template's placeholders; a variable given as a reference stays one (no IAM109)
    assert [(f.code, f.file, f.span.line, f.span.col) for f in found] == [
        ("SM101", "policies/p.json.tftpl", 4, 35), ("SM201", "policies/p.json.tftpl", 4, 60)]
    assert found[0].message.startswith('"sagemaker:*" grants every one')
