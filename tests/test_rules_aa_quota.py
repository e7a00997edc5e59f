"""IAM111 (a policy over the quota of its kind) and IAM112 (a principal's inline policies over their
aggregate quota), in policy JSON, CloudFormation and Terraform: just over fires, exactly at the quota
is quiet, white space and values the linter cannot read are not counted, at the exact line and column.

Documents are built to an exact size: every list has two elements or more and no value is a string
of digits, so the size IAM111 counts is the length of the compact JSON (``json.dumps`` with no
white space), computed here independently of the rule.
"""
import json
import os

import pytest

from aa_helpers import pos
from conftest import shared_path


def compact(d):
    return len(json.dumps(d, separators=(",", ":")))


def identity_doc(n, effect="Allow", bucket="ml-data"):
    """An identity policy whose compact JSON is exactly ``n`` characters."""
    def make(k):
        arns = [f"arn:aws:s3:::{bucket}-{i:04d}/*" for i in range(max(2, (n - 300) // 32))]
        arns[-1] = f"arn:aws:s3:::{bucket}-last{'x' * k}/*"
        return {"Version": "2012-10-17", "Statement": [
            {"Effect": effect, "Action": ["s3:GetObject", "s3:PutObject"], "Resource": arns},
            {"Effect": "Deny", "Action": ["s3:DeleteBucket", "s3:DeleteObject"],
             "Resource": ["arn:aws:s3:::audit-a/*", "arn:aws:s3:::audit-b/*"]}]}
    k = n - compact(make(0))
    assert k >= 0, n
    d = make(k)
    assert compact(d) == n
    return d


def trust_doc(n):
    """A role trust policy of exactly ``n`` characters."""
    def make(k):
        roles = [f"arn:aws:iam::111122223333:role/deployer-{i:03d}" for i in range(max(2, (n - 400) // 52))]
        roles[-1] = f"arn:aws:iam::111122223333:role/deployer-{'x' * k}"
        return {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": roles}, "Action": ["sts:AssumeRole", "sts:TagSession"]},
            {"Effect": "Allow", "Principal": {"Service": ["sagemaker.amazonaws.com", "lambda.amazonaws.com"]},
             "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}]}
    k = n - compact(make(0))
    d = make(k)
    assert compact(d) == n
    return d


def doc_with(total, resources, effect="Allow"):
    """An identity policy of ``total`` characters whose second statement's ``Resource`` is ``resources``."""
    d = identity_doc(total, effect=effect)
    d["Statement"][1]["Resource"] = resources
    d = identity_doc(total - (compact(d) - total), effect=effect)
    d["Statement"][1]["Resource"] = resources
    assert compact(d) == total
    return d


def codes(findings, code):
    return sorted((f.span.line, f.span.col, f.severity) for f in findings if f.code == code)


# ---------------------------------------------------------------------------
# Policy JSON


SCP = "service-control-policy.json"


def scp_doc(n):
    return identity_doc(n, effect="Deny")


@pytest.mark.parametrize("name, doc_of, quota, severity", [
    (SCP, scp_doc, 5120, "error"),
    ("trust.json", trust_doc, 2048, "warning"),
])
def test_policy_file_over_its_quota(lint, name, doc_of, quota, severity):
    over = lint(json.dumps(doc_of(quota + 1), indent=2), name=name, select=["IAM111"])
    assert codes(over, "IAM111") == [(1, 1, severity)]
    assert f"of {quota + 1:,} characters (not counting white space)" in over[0].message
    assert not lint(json.dumps(doc_of(quota), indent=2), name=name, select=["IAM111"])


@pytest.mark.parametrize("name", ["policy.json", "ml-permissions-boundary.json"])
def test_identity_policy_file_is_not_checked(lint, name):
    """It may be a copy of an AWS managed policy, which AWS keeps at any size."""
    assert not lint(json.dumps(identity_doc(20000), indent=2), name=name, select=["IAM111", "IAM112"])


def test_white_space_is_not_counted(lint):
    # 5,120 characters of policy in far more bytes of indentation and line breaks
    text = json.dumps(scp_doc(5120), indent=12)
    assert len(text) > 10000
    assert not lint(text, name=SCP, select=["IAM111"])
    # white space inside a value does not count either (a lower bound however AWS counts it)
    cond = {"StringLike": {"aws:UserAgent": ["ab", "cd"]}}
    doc = scp_doc(5120)
    doc["Statement"][1]["Condition"] = cond
    doc = scp_doc(5120 - (compact(doc) - 5120))
    doc["Statement"][1]["Condition"] = cond
    assert compact(doc) == 5120
    text = json.dumps(doc)
    assert not lint(text.replace('"ab"', '"a  b"').replace('"cd"', '"c d"'), name=SCP, select=["IAM111"])
    assert codes(lint(text.replace('"ab"', '"abx"'), name=SCP, select=["IAM111"]), "IAM111") == [(1, 1, "error")]


@pytest.mark.parametrize("total, found", [(5120, 0), (5121, 1)])
def test_placeholders_count_as_nothing(lint, total, found):
    doc = doc_with(total, ["arn:aws:s3:::/*", "arn:aws:s3:::audit-b/*"], effect="Deny")
    text = json.dumps(doc).replace('"arn:aws:s3:::/*"', '"arn:aws:s3:::${aws:PrincipalTag/team}/*"')
    got = lint(text, name=SCP, select=["IAM111"])
    assert codes(got, "IAM111") == [(1, 1, "error")] * found
    assert all(f"of at least {total:,} characters (not counting white space nor the values the linter cannot "
               f"read)" in f.message for f in got)


def test_aws_cli_output_is_not_checked(lint):
    # read back from AWS, which accepted it whatever its size (AWS managed policies are larger)
    text = json.dumps({"PolicyVersion": {"Document": scp_doc(20000), "VersionId": "v3",
                                         "IsDefaultVersion": True}}, indent=2)
    assert not lint(text, name="service-control-policy-version", select=["IAM111", "IAM112"])


def test_template_directives_leave_the_size_unknown(lint):
    text = json.dumps(scp_doc(5200), indent=2)
    name = "service-control-policy.json.tpl"
    assert codes(lint(text, name=name, select=["IAM111"]), "IAM111") == [(1, 1, "error")]
    looped = text.replace('"arn:aws:s3:::audit-a/*"', '%{ for b in buckets ~}"arn:aws:s3:::${b}/*",%{ endfor ~}'
                          '"arn:aws:s3:::audit-a/*"')
    assert not lint(looped, name=name, select=["IAM111"])


def test_real_aws_managed_policies_are_not_reported(lint):
    """AWS managed policies (the AWS CLI's output) are far over 6,144 characters: not reported."""
    from linter.engine import Options, run

    mamip = shared_path("corpus", "zoph-io__MAMIP", "policies")
    names = ["AWSSupportServiceRolePolicy", "ReadOnlyAccess", "AWSConfigServiceRolePolicy", "AmazonSageMakerFullAccess"]
    paths = [os.path.join(mamip, n) for n in names]
    assert all(os.path.getsize(p) > 6144 for p in paths)
    assert not run(paths, Options(select=["IAM111", "IAM112"])).findings


def test_real_managed_policy_just_under_the_quota_is_quiet():
    """A managed policy of an AWS sample template, 6,102 characters as counted: it deploys."""
    from linter.engine import Options, run

    p = shared_path("corpus", "aws-samples__sagemaker-custom-project-templates", "s3_templates",
                    "mlops-github-actions", "iam", "sagemaker-projects-roles-and-policies.yaml")
    assert not run([p], Options(select=["IAM111", "IAM112"])).findings


# ---------------------------------------------------------------------------
# CloudFormation (documents written as YAML flow mappings: JSON inside YAML)


def cfn(resources):
    out = ['AWSTemplateFormatVersion: "2010-09-09"', "Parameters:", "  Bucket: {Type: String}", "Resources:"]
    for lid, typ, props, extra in resources:
        out += [f"  {lid}:", f"    Type: {typ}"] + [f"    {e}" for e in extra] + ["    Properties:"]
        out += [f"      {p}" for p in props]
    return "\n".join(out) + "\n"


def managed(lid, doc, extra=()):
    return (lid, "AWS::IAM::ManagedPolicy", [f"PolicyDocument: {json.dumps(doc)}"], list(extra))


def role(lid, *docs, trust=None, typ="AWS::IAM::Role", extra=()):
    props = []
    if typ == "AWS::IAM::Role":
        props.append("AssumeRolePolicyDocument: " + json.dumps(trust or {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                                                   "Action": "sts:AssumeRole"}]}))
    if docs:
        props.append("Policies:")
        for i, d in enumerate(docs):
            props += [f"  - PolicyName: p{i}", f"    PolicyDocument: {json.dumps(d)}"]
    return (lid, typ, props, list(extra))


def test_cfn_managed_policy(lint):
    text = cfn([managed("Big", identity_doc(6145))])
    found = lint(text, name="t.yaml", select=["IAM111", "IAM112"])
    assert codes(found, "IAM111") == [pos(text, '{"Version"') + ("warning",)]
    assert "managed policy of 6,145 characters" in found[0].message
    assert found[0].label == "AWS::IAM::ManagedPolicy Big PolicyDocument"
    assert not lint(cfn([managed("Big", identity_doc(6144))]), name="t.yaml", select=["IAM111", "IAM112"])


def test_cfn_trust_policy_and_scp(lint):
    text = cfn([role("Deployer", trust=trust_doc(2049))])
    assert codes(lint(text, name="t.yaml", select=["IAM111"]), "IAM111") == [pos(text, '{"Version"') + ("warning",)]
    assert not lint(cfn([role("Deployer", trust=trust_doc(2048))]), name="t.yaml", select=["IAM111"])
    scp = ("Guard", "AWS::Organizations::Policy", ["Type: SERVICE_CONTROL_POLICY", "Name: guard",
                                                   "Content: " + json.dumps(identity_doc(5121, effect="Deny"))], [])
    text = cfn([scp])
    found = lint(text, name="t.yaml", select=["IAM111"])
    assert codes(found, "IAM111") == [pos(text, '{"Version"') + ("error",)]
    assert "service or resource control policy of 5,121 characters" in found[0].message


def test_cfn_role_inline_policies_add_up(lint):
    a, b = identity_doc(6000, bucket="aaa"), identity_doc(4241, bucket="bbb")
    text = cfn([role("MlRole", a, b)])
    found = lint(text, name="t.yaml", select=["IAM111", "IAM112"])
    assert codes(found, "IAM112") == [pos(text, '{"Version"', 2) + ("warning",)]  # the larger, after the trust
    f = found[0]
    assert "the inline policies of this role add up to 10,241 characters" in f.message
    assert f.label == "AWS::IAM::Role MlRole Policies[0].PolicyDocument"
    assert [(r.span.line, r.span.col, r.message) for r in f.related] == [
        pos(text, '{"Version"', 3) + ("another inline policy of AWS::IAM::Role MlRole: 4,241 characters",)]
    assert not lint(cfn([role("MlRole", a, identity_doc(4240, bucket="bbb"))]), name="t.yaml",
                    select=["IAM111", "IAM112"])


def test_cfn_policy_resource_counts_with_the_role(lint):
    extra = ("Extra", "AWS::IAM::Policy", ["PolicyName: extra", "Roles: [!Ref MlRole]",
                                           "PolicyDocument: " + json.dumps(identity_doc(4241, bucket="bbb"))], [])
    text = cfn([role("MlRole", identity_doc(6000)), extra])
    found = lint(text, name="t.yaml", select=["IAM112"])
    assert codes(found, "IAM112") == [pos(text, '{"Version"', 2) + ("warning",)]
    assert len(found[0].related) == 1


@pytest.mark.parametrize("typ, quota", [("AWS::IAM::User", 2048), ("AWS::IAM::Group", 5120)])
def test_cfn_user_and_group_quotas(lint, typ, quota):
    kind = typ.rsplit("::", 1)[-1].lower()
    half = quota // 2
    text = cfn([role("P", identity_doc(half), identity_doc(quota - half + 1, bucket="b2"), typ=typ)])
    found = lint(text, name="t.yaml", select=["IAM112"])
    assert codes(found, "IAM112") == [pos(text, '{"Version"', 2) + ("warning",)]
    assert f"for the inline policies of a {kind} together" in found[0].message
    text = cfn([role("P", identity_doc(half), identity_doc(quota - half, bucket="b2"), typ=typ)])
    assert not lint(text, name="t.yaml", select=["IAM112"])


def _unresolved(text, sub, ref):
    """Turn the literal ARN ``arn:aws:s3:::/*`` of a document into a ``sub`` whose placeholder is
    the part missing, followed by a whole unresolved value ``ref``."""
    assert text.count('"arn:aws:s3:::/*"') == 1
    return text.replace('"arn:aws:s3:::/*"', f"{sub}, {ref}")


@pytest.mark.parametrize("total, found", [(6144, []), (6145, [6145])])
def test_cfn_unresolved_values_count_as_nothing(lint, total, found):
    doc = doc_with(total, ["arn:aws:s3:::/*", "arn:aws:s3:::audit-b/*"])
    text = _unresolved(cfn([managed("P", doc)]), '{"Fn::Sub": "arn:aws:s3:::${Bucket}/*"}',
                       '{"Ref": "BucketArnWithAVeryLongParameterName"}')
    got = lint(text, name="t.yaml", select=["IAM111"])
    assert [f.span[:2] for f in got] == [pos(text, '{"Version"')] * len(found)
    for f, n in zip(got, found):
        assert f"managed policy of at least {n:,} characters (not counting white space nor the values the " \
               "linter cannot read)" in f.message


def test_cfn_fn_if_inside_a_document_leaves_its_size_unknown(lint):
    doc = identity_doc(6300)
    doc["Statement"][1]["Resource"] = {"Fn::If": ["Prod", ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"],
                                                  ["arn:aws:s3:::c/*", "arn:aws:s3:::d/*"]]}
    text = cfn([managed("P", doc)]).replace("Resources:", "Conditions:\n  Prod: !Equals [a, b]\nResources:")
    assert not lint(text, name="t.yaml", select=["IAM111"])


def test_cfn_conditional_policy_left_out_of_the_sum_unless_it_crosses_alone(lint):
    extra = ("Extra", "AWS::IAM::Policy", ["PolicyName: extra", "Roles: [!Ref MlRole]",
                                           "PolicyDocument: " + json.dumps(identity_doc(3000, bucket="e"))],
             ["Condition: Prod"])
    head = "Conditions:\n  Prod: !Equals [a, b]\nResources:"
    text = cfn([role("MlRole", identity_doc(6000), identity_doc(3000, bucket="b")), extra]).replace("Resources:", head)
    found = lint(text, name="t.yaml", select=["IAM112"])
    assert codes(found, "IAM112") == [pos(text, '{"Version"', 2) + ("warning",)]
    assert "counting AWS::IAM::Policy Extra PolicyDocument, which the source may not deploy" in found[0].message
    assert len(found[0].related) == 2
    text = cfn([role("MlRole", identity_doc(6000), identity_doc(1000, bucket="b")), extra]).replace(
        "Resources:", head)
    assert not lint(text, name="t.yaml", select=["IAM112"])


def test_cfn_inline_policy_of_an_unknown_principal(lint):
    pol = ("Extra", "AWS::IAM::Policy", ["PolicyName: extra", "Roles: [!Ref RoleParam]",
                                         "PolicyDocument: " + json.dumps(identity_doc(10241))], [])
    text = cfn([pol]).replace("Parameters:", "Parameters:\n  RoleParam: {Type: String}")
    found = lint(text, name="t.yaml", select=["IAM111", "IAM112"])
    assert codes(found, "IAM112") == [pos(text, '{"Version"') + ("warning",)]
    assert "whoever holds it" in found[0].message
    pol = ("Extra", "AWS::IAM::Policy", ["PolicyName: extra", "Roles: [!Ref RoleParam]",
                                         "PolicyDocument: " + json.dumps(identity_doc(10240))], [])
    text = cfn([pol]).replace("Parameters:", "Parameters:\n  RoleParam: {Type: String}")
    assert not lint(text, name="t.yaml", select=["IAM111", "IAM112"])


def test_cfn_permission_set_is_not_checked(lint):
    ps = ("Ps", "AWS::SSO::PermissionSet", ["Name: ml", "InstanceArn: arn:aws:sso:::instance/ssoins-1111222233334444",
                                            "InlinePolicy: " + json.dumps(identity_doc(12000))], [])
    assert not lint(cfn([ps]), name="t.yaml", select=["IAM111", "IAM112"])


def test_cfn_block_yaml_inline_policies(lint):
    """The usual block style: the finding is at the first key of the largest document."""
    def block(doc, indent):
        lines = []
        for st in doc["Statement"]:
            lines.append(f"{indent}- Effect: {st['Effect']}")
            lines.append(f"{indent}  Action: [{', '.join(st['Action'])}]")
            lines.append(f"{indent}  Resource:")
            lines += [f"{indent}    - {r}" for r in st["Resource"]]
        return "\n".join(lines)

    a, b = identity_doc(1100), identity_doc(949, bucket="b")
    text = f"""AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DataUser:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - PolicyName: first
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
{block(a, " " * 14)}
        - PolicyName: second
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
{block(b, " " * 14)}
"""
    found = lint(text, name="t.yaml", select=["IAM112"])
    assert codes(found, "IAM112") == [pos(text, 'Version: "2012-10-17"') + ("warning",)]
    assert "add up to 2,049 characters" in found[0].message
    assert [(r.span.line, r.span.col) for r in found[0].related] == [pos(text, 'Version: "2012-10-17"', 2)]


# ---------------------------------------------------------------------------
# Terraform


def hcl_doc(doc):
    return f"jsonencode({json.dumps(doc)})"


def test_tf_managed_policy_heredoc(lint):
    text = f'resource "aws_iam_policy" "big" {{\n  policy = <<EOF\n{json.dumps(identity_doc(6145), indent=2)}\nEOF\n}}\n'
    found = lint(text, name="main.tf", select=["IAM111"])
    assert codes(found, "IAM111") == [(3, 1, "warning")]
    assert found[0].label == "aws_iam_policy.big"
    text = f'resource "aws_iam_policy" "big" {{\n  policy = <<EOF\n{json.dumps(identity_doc(6144), indent=2)}\nEOF\n}}\n'
    assert not lint(text, name="main.tf", select=["IAM111"])


def test_tf_trust_and_scp(lint):
    text = (f'resource "aws_iam_role" "r" {{\n  assume_role_policy = {hcl_doc(trust_doc(2049))}\n}}\n'
            f'resource "aws_organizations_policy" "guard" {{\n  type = "SERVICE_CONTROL_POLICY"\n'
            f'  content = {hcl_doc(identity_doc(5121, effect="Deny"))}\n}}\n')
    found = lint(text, name="main.tf", select=["IAM111"])
    assert codes(found, "IAM111") == [pos(text, '{"Version"') + ("warning",), pos(text, '{"Version"', 2) + ("error",)]
    text = (f'resource "aws_iam_role" "r" {{\n  assume_role_policy = {hcl_doc(trust_doc(2048))}\n}}\n'
            f'resource "aws_organizations_policy" "guard" {{\n  type = "SERVICE_CONTROL_POLICY"\n'
            f'  content = {hcl_doc(identity_doc(5120, effect="Deny"))}\n}}\n')
    assert not lint(text, name="main.tf", select=["IAM111"])


def _user_module(a, b):
    return f'''resource "aws_iam_user" "u" {{
  name = "data-user"
}}

resource "aws_iam_user_policy" "a" {{
  user   = aws_iam_user.u.name
  policy = {hcl_doc(a)}
}}

resource "aws_iam_user_policy" "b" {{
  user   = aws_iam_user.u.name
  policy = data.aws_iam_policy_document.b.json
}}

data "aws_iam_policy_document" "b" {{
  statement {{
    actions   = {json.dumps(b["Statement"][0]["Action"])}
    resources = {json.dumps(b["Statement"][0]["Resource"])}
  }}
  statement {{
    effect    = "Deny"
    actions   = {json.dumps(b["Statement"][1]["Action"])}
    resources = {json.dumps(b["Statement"][1]["Resource"])}
  }}
}}
'''


def _data_doc(doc):
    """What the provider writes for ``_user_module``'s data source (the Version it adds left out)."""
    return {"Statement": doc["Statement"]}


def test_tf_user_inline_policies_add_up_across_a_data_source(lint):
    a = identity_doc(1200)
    b = identity_doc(872, bucket="b")  # the provider's Version is not counted: 849 characters
    assert 1200 + compact(_data_doc(b)) == 2049
    text = _user_module(a, b)
    found = lint(text, name="main.tf", select=["IAM111", "IAM112"])
    assert codes(found, "IAM112") == [pos(text, '{"Version"') + ("warning",)]
    assert "the inline policies of this user add up to 2,049 characters" in found[0].message
    assert found[0].label == "aws_iam_user.u (aws_iam_user_policy.a)"
    assert [(r.span.line, r.span.col) for r in found[0].related] == [pos(text, 'data "aws_iam_policy_document"')]
    assert not lint(_user_module(a, identity_doc(871, bucket="b")), name="main.tf", select=["IAM111", "IAM112"])


def test_tf_role_inline_policy_blocks(lint):
    text = (f'resource "aws_iam_role" "r" {{\n  assume_role_policy = "{{}}"\n'
            f'  inline_policy {{\n    name = "a"\n    policy = {hcl_doc(identity_doc(6000))}\n  }}\n'
            f'  inline_policy {{\n    name = "b"\n    policy = {hcl_doc(identity_doc(4241, bucket="b"))}\n  }}\n}}\n')
    found = lint(text, name="main.tf", select=["IAM112"])
    assert codes(found, "IAM112") == [pos(text, '{"Version"') + ("warning",)]
    assert found[0].label == "aws_iam_role.r"


@pytest.mark.parametrize("total, found", [(6144, 0), (6145, 1)])
def test_tf_variables_count_as_nothing(lint, total, found):
    doc = doc_with(total, ["arn:aws:s3:::/*", "arn:aws:s3:::audit-b/*"])
    text = _unresolved(f'resource "aws_iam_policy" "p" {{\n  policy = {hcl_doc(doc)}\n}}\n',
                       '"arn:aws:s3:::${var.audit_bucket_name}/*"', "var.audit_bucket_arn_with_a_long_name")
    got = lint(text, name="main.tf", select=["IAM111"])
    assert codes(got, "IAM111") == [pos(text, '{"Version"') + ("warning",)] * found
    assert all("at least 6,145 characters" in f.message for f in got)


def test_tf_dynamic_statements_and_module_uses_are_not_sized(lint):
    doc = identity_doc(7000)
    dyn = f'''resource "aws_iam_policy" "p" {{
  policy = data.aws_iam_policy_document.d.json
}}

data "aws_iam_policy_document" "d" {{
  statement {{
    actions   = {json.dumps(doc["Statement"][0]["Action"])}
    resources = {json.dumps(doc["Statement"][0]["Resource"])}
  }}
  dynamic "statement" {{
    for_each = var.extra
    content {{
      actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
      resources = [statement.value, "arn:aws:s3:::audit"]
    }}
  }}
}}
'''
    assert not lint(dyn, name="main.tf", select=["IAM111"])
    plain = dyn.split('  dynamic "statement"')[0] + "}\n"
    assert codes(lint(plain, name="m3/main.tf", select=["IAM111"]), "IAM111") == [(5, 1, "warning")]
    passed = plain.replace('resource "aws_iam_policy" "p" {\n  policy = data.aws_iam_policy_document.d.json\n}',
                           'module "m" {\n  source = "./m"\n  policy = data.aws_iam_policy_document.d.json\n}')
    assert not lint(passed, name="m4/main.tf", select=["IAM111"])


def test_tf_count_makes_a_policy_conditional(lint):
    text = (f'resource "aws_iam_role" "r" {{\n  name = "r"\n  assume_role_policy = "{{}}"\n}}\n'
            f'resource "aws_iam_role_policy" "a" {{\n  role = aws_iam_role.r.id\n'
            f'  policy = {hcl_doc(identity_doc(6000))}\n}}\n'
            f'resource "aws_iam_role_policy" "b" {{\n  count = var.enabled ? 1 : 0\n  role = aws_iam_role.r.id\n'
            f'  policy = {hcl_doc(identity_doc(3000, bucket="b"))}\n}}\n'
            f'resource "aws_iam_role_policy" "c" {{\n  count = var.enabled ? 1 : 0\n  role = aws_iam_role.r.id\n'
            f'  policy = {hcl_doc(identity_doc(3000, bucket="c"))}\n}}\n')
    assert not lint(text, name="main.tf", select=["IAM112"])  # 6,000 + 3,000: the two together are not known
    found = lint(text.replace(json.dumps(identity_doc(6000)), json.dumps(identity_doc(8000))),
                 name="m2/main.tf", select=["IAM112"])
    assert len(found) == 1 and "counting aws_iam_role_policy.b, which the source may not deploy" in found[0].message


@pytest.mark.parametrize("total, found", [(6144, 0), (6145, 1)])
def test_tf_json_and_plan_managed_policy(lint, total, found):
    doc = identity_doc(total)
    tf_json = {"resource": {"aws_iam_policy": {"p": {"name": "p", "policy": json.dumps(doc)}}}}
    plan = {"format_version": "1.2", "terraform_version": "1.7.0", "planned_values": {"root_module": {"resources": [
        {"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p",
         "values": {"name": "p", "policy": json.dumps(doc)}}]}}}
    for name, text in (("j/main.tf.json", json.dumps(tf_json, indent=2)), ("p/plan.json", json.dumps(plan, indent=2))):
        got = lint(text, name=name, select=["IAM111"])
        assert len(got) == found, name
        assert all(f.label == "aws_iam_policy.p" and f"managed policy of {total:,} characters" in f.message
                   for f in got)


@pytest.mark.parametrize("total, found", [(10240, 0), (10241, 1)])
def test_tf_document_used_as_managed_and_inline(lint, total, found):
    """Held to the largest identity quota: over it, no use can hold it."""
    doc = identity_doc(total + 23)  # the data source's tree has no Version
    text = f'''resource "aws_iam_role" "r" {{
  name               = "r"
  assume_role_policy = "{{}}"
}}
resource "aws_iam_policy" "m" {{
  policy = data.aws_iam_policy_document.d.json
}}
resource "aws_iam_role_policy" "i" {{
  role   = aws_iam_role.r.id
  policy = data.aws_iam_policy_document.d.json
}}
data "aws_iam_policy_document" "d" {{
  statement {{
    actions   = {json.dumps(doc["Statement"][0]["Action"])}
    resources = {json.dumps(doc["Statement"][0]["Resource"])}
  }}
  statement {{
    effect    = "Deny"
    actions   = {json.dumps(doc["Statement"][1]["Action"])}
    resources = {json.dumps(doc["Statement"][1]["Resource"])}
  }}
}}
'''
    got = lint(text, name="main.tf", select=["IAM111", "IAM112"])
    assert [(f.code,) + tuple(f.span[:2]) for f in got] == [("IAM111",) + pos(text, 'data "aws_iam')] * found
    assert all(f"identity policy of {total:,} characters" in f.message for f in got)
