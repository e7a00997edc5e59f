"""Each core rule firing and not firing, with exact codes, lines and columns."""
import json

import pytest


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def at(findings, code=None):
    return [(f.code, f.span.line, f.span.col, f.severity) for f in findings if code is None or f.code == code]


# A layout where line/column are easy to read: one statement, keys on their own lines.
TEMPLATE = """{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Effect": "{effect}",
      "Action": {action},
      "Resource": {resource}{extra}
    }}
  ]
}}
"""


def policy(action, resource='"*"', effect="Allow", extra=""):
    return TEMPLATE.format(action=action, resource=resource, effect=effect, extra=extra)


@pytest.mark.parametrize("action", ['"sagemaker:*"', '"*"', '"*:*"', '"SageMaker:*"', '["s3:GetObject", "sagemaker:*"]'])
def test_sm101_fires_on_service_wildcards(lint, action):
    fs = lint(policy(action, '"arn:aws:sagemaker:us-east-1:111122223333:*"'), select=["SM101"])
    col = 17 if not action.startswith("[") else 34
    assert at(fs) == [("SM101", 6, col, "error")]


@pytest.mark.parametrize("action", ['"sagemaker:ListModels"', '"s3:*"', '"sagemaker:Describe*"'])
def test_sm101_quiet(lint, action):
    assert lint(policy(action), select=["SM101"]) == []


def test_sm101_not_on_deny(lint):
    assert lint(policy('"sagemaker:*"', effect="Deny"), select=["SM", "IAM"]) == []


def test_sm101_allowed_actions_option(lint):
    fs = lint(policy('"sagemaker:*"'), select=["SM101"], rule_options={"SM101": {"allowed-actions": ["sagemaker:*"]}})
    assert fs == []


@pytest.mark.parametrize("action,resource,service", [
    ('"sagemaker-mlflow:*"', '"*"', "Amazon SageMaker with MLflow"),
    ('"SageMaker-MLflow:*"', '"arn:aws:sagemaker:us-east-1:111122223333:mlflow-tracking-server/team-a"',
     "Amazon SageMaker with MLflow"),
    ('"sagemaker-geospatial:*"', '"*"', "Amazon SageMaker geospatial capabilities"),
    ('"sagemaker-geospatial:*"', '"arn:aws:sagemaker-geospatial:us-west-2:111122223333:earth-observation-job/*"',
     "Amazon SageMaker geospatial capabilities"),
])
def test_sm101_other_sagemaker_services(lint, action, resource, service):
    fs = lint(policy(action, resource), select=["SM101"])
    assert at(fs) == [("SM101", 6, 17, "warning")]
    assert "grants every one of the " in fs[0].message and f" {service} actions (such as " in fs[0].message
    assert ":Delete" in fs[0].message


@pytest.mark.parametrize("action,resource", [
    ('"sagemaker-mlflow:*"', '"arn:aws:s3:::ml-data/*"'),  # not a tracking server
    ('"sagemaker-geospatial:*"', '"arn:aws:sagemaker:us-east-1:111122223333:mlflow-tracking-server/a"'),
    ('"sagemaker-mlflow:Get*"', '"*"'),  # not the whole service (SM102 is about SageMaker's own prefix)
    ('"sagemaker-data-science-assistant:*"', '"*"'),  # one action: the wildcard grants what naming it would
])
def test_sm101_other_sagemaker_services_quiet(lint, action, resource):
    assert lint(policy(action, resource), select=["SM101"]) == []


def test_sm101_other_sagemaker_service_denied_and_allowed_option(lint):
    text = doc({"Effect": "Allow", "Action": "sagemaker-mlflow:*", "Resource": "*"},
               {"Effect": "Deny", "Action": "sagemaker-mlflow:*", "Resource": "*"})
    assert lint(text, select=["SM101"]) == []
    assert lint(policy('"sagemaker-mlflow:*"'), select=["SM101"],
                rule_options={"SM101": {"allowed-actions": ["sagemaker-mlflow:*"]}}) == []


@pytest.mark.parametrize("action,severity,count", [
    ('"sagemaker:Create*"', "error", "76 SageMaker actions"),
    ('"sagemaker:Describe?"', None, None),
    ('"sagemaker:List*"', "note", None),
    ('"sagemaker:*Tags"', "warning", None),
    ('"sagemaker:CreatePresigned*"', "error", "4 SageMaker actions"),
])
def test_sm102_severity_follows_access_level(lint, action, severity, count):
    fs = lint(policy(action, '"arn:aws:sagemaker:us-east-1:111122223333:*"'), select=["SM102"])
    if severity is None:  # Describe? matches nothing: SM104's business
        assert fs == []
        return
    assert at(fs) == [("SM102", 6, 17, severity)]
    if count:
        assert count in fs[0].message


def test_sm102_names_riskiest(lint):
    fs = lint(policy('"sagemaker:Create*"'), select=["SM102"])
    assert "sagemaker:CreatePresignedNotebookInstanceUrl" in fs[0].message


def test_sm103_allow_notaction(lint):
    text = TEMPLATE.format(effect="Allow", action='"x"', resource='"*"', extra="").replace('"Action": "x"', '"NotAction": "iam:*"')
    fs = lint(text, select=["SM103"])
    assert at(fs) == [("SM103", 6, 7, "error")]


def test_sm103_quiet_when_notaction_excludes_sagemaker(lint):
    text = policy('"x"').replace('"Action": "x"', '"NotAction": ["sagemaker:*", "iam:*"]')
    assert lint(text, select=["SM103"]) == []


def test_sm104_unknown_action_suggests(lint):
    fs = lint(policy('["sagemaker:ListModels", "sagemaker:CreateTrainingJobs"]'), select=["SM104"])
    assert at(fs) == [("SM104", 6, 42, "warning")]
    assert "did you mean sagemaker:CreateTrainingJob?" in fs[0].message
    assert "2026-10-27" in fs[0].message


def test_sm104_pattern_matching_nothing(lint):
    fs = lint(policy('"sagemaker:Frobnicate*"'), select=["SM104"])
    assert at(fs) == [("SM104", 6, 17, "warning")]


def test_sm104_other_services_ignored(lint):
    assert lint(policy('["s3:GetObjectz", "sagemaker-mlflow:AccessUI"]'), select=["SM104"]) == []


def test_sm201_resource_star(lint):
    fs = lint(policy('"sagemaker:CreateTrainingJob"'), select=["SM201"])
    assert at(fs) == [("SM201", 7, 19, "error")]
    assert "training-job/${TrainingJobName}" in fs[0].message


def test_sm201_read_only_is_warning(lint):
    fs = lint(policy('"sagemaker:DescribeTrainingJob"'), select=["SM201"])
    assert at(fs) == [("SM201", 7, 19, "warning")]


@pytest.mark.parametrize("action", ['"sagemaker:ListModels"', '"sagemaker:Search"', '["sagemaker:ListEndpoints", "sagemaker:ListTrainingJobs"]'])
def test_sm201_never_for_actions_without_resource_types(lint, action):
    assert lint(policy(action), select=["SM201"]) == []


def test_sm201_counts_only_actions_that_carry_a_required_key(lint):
    """``"Null": {"sagemaker:VpcSubnets": "false"}`` requires the key in the request: an action
    that never carries it (a presigned notebook URL, a model package) is never granted by the
    statement, so it is neither counted nor named; when no granted action carries it, nothing is."""
    null = ',\n      "Condition": {"Null": {"sagemaker:VpcSubnets": "false"}}'
    actions = '["sagemaker:CreateTrainingJob", "sagemaker:CreatePresignedNotebookInstanceUrl", ' \
              '"sagemaker:CreateModelPackage"]'
    fs = lint(policy(actions, extra=null), select=["SM201"])
    assert at(fs) == [("SM201", 7, 19, "error")]
    assert fs[0].message.startswith("sagemaker:CreateTrainingJob, which supports resource-level permissions")
    without = lint(policy(actions), select=["SM201"])
    assert without[0].message.startswith("3 SageMaker actions that support resource-level permissions "
                                         "(including sagemaker:CreatePresignedNotebookInstanceUrl)")
    assert lint(policy('"sagemaker:CreatePresignedNotebookInstanceUrl"', extra=null), select=["SM201"]) == []
    # a resource tag is a key of the resource, not of the request: it changes nothing here
    tag = ',\n      "Condition": {"Null": {"sagemaker:ResourceTag/team": "false"}}'
    assert len(lint(policy('"sagemaker:CreatePresignedNotebookInstanceUrl"', extra=tag), select=["SM201"])) == 1


def test_sm201_listtags_supports_resources(lint):
    fs = lint(policy('"sagemaker:ListTags"'), select=["SM201"])
    assert at(fs) == [("SM201", 7, 19, "warning")]


def test_sm201_arn_covering_everything(lint):
    fs = lint(policy('"sagemaker:DeleteEndpoint"', '["arn:aws:sagemaker:*:*:*"]'), select=["SM201"])
    assert at(fs) == [("SM201", 7, 20, "error")]


@pytest.mark.parametrize("resource", [
    '"arn:aws:sagemaker:us-east-1:111122223333:endpoint/team-a-*"',
    '"arn:aws:sagemaker:us-east-1:111122223333:*"',
    '"arn:aws:sagemaker:${aws:RequestedRegion}:111122223333:endpoint/${aws:username}"',
])
def test_sm201_scoped_resources_are_fine(lint, resource):
    assert lint(policy('"sagemaker:DeleteEndpoint"', resource), select=["SM201", "SM203"]) == []


def test_sm202_notresource(lint):
    text = policy('"sagemaker:DeleteEndpoint"', '"arn:aws:sagemaker:*:*:endpoint/prod"').replace('"Resource"', '"NotResource"')
    fs = lint(text, select=["SM202"])
    assert at(fs) == [("SM202", 7, 7, "error")]


def test_sm203_mismatch(lint):
    fs = lint(policy('"sagemaker:CreateTrainingJob"', '"arn:aws:sagemaker:us-east-1:111122223333:model/x"'), select=["SM203"])
    assert at(fs) == [("SM203", 7, 19, "warning")]


def test_sm203_list_actions_that_take_no_resource(lint):
    fs = lint(policy('["sagemaker:ListApps", "sagemaker:ListClusters"]', '"arn:aws:sagemaker:us-east-1:111122223333:app/*"'),
              select=["SM203", "IAM109"])
    assert at(fs) == [("SM203", 7, 19, "warning")]
    assert "take no resource (sagemaker:ListApps, sagemaker:ListClusters)" in fs[0].message
    quiet = [policy('"sagemaker:ListApps"', '"*"'),
             policy('"sagemaker:ListApps"', '"arn:aws:sagemaker:*:*:*"'),
             policy('"sagemaker:ListApps"', '"${AppsArn}"'),
             # with an action the ARN scopes, the statement does something: not this rule's shape
             policy('["sagemaker:ListApps", "sagemaker:DescribeApp"]', '"arn:aws:sagemaker:us-east-1:111122223333:app/*"'),
             # not a List action: the reference's silence is not proof (AWS scopes it to feature groups)
             policy('"sagemaker:PutResourcePolicy"', '"arn:aws:sagemaker:us-east-1:111122223333:feature-group/*"')]
    for text in quiet:
        assert lint(text, select=["SM203"]) == [], text


def test_sm203_unresolved_never_judged(lint):
    # S3 ARN with a SageMaker action mismatches; a placeholder-only ARN does not.
    assert lint(policy('"sagemaker:CreateTrainingJob"', '"${TrainingJobArn}"'), select=["SM203"]) == []


def test_sm204_unknown_condition_key(lint):
    extra = ',\n      "Condition": {"Bool": {"sagemaker:NetworkIsolaton": "true"}}'
    fs = lint(policy('"sagemaker:CreateTrainingJob"', '"arn:aws:sagemaker:us-east-1:111122223333:training-job/*"', extra=extra), select=["SM204"])
    assert at(fs) == [("SM204", 8, 30, "warning")]
    assert "sagemaker:NetworkIsolation" in fs[0].message


def test_sm204_a_key_the_sagemaker_guide_documents_is_known(lint):
    # sagemaker:TargetContainerHostname: documented for multi-container endpoints, not in the reference
    extra = ',\n      "Condition": {"StringLike": {"sagemaker:TargetContainerHostname": ["common*"]}}'
    fs = lint(policy('"sagemaker:InvokeEndpoint"', '"arn:aws:sagemaker:us-east-1:111122223333:endpoint/mce"',
                     extra=extra), select=["SM204", "IAM1"])
    assert fs == []


def test_sm204_key_not_supported_by_actions(lint):
    extra = ',\n      "Condition": {"Bool": {"sagemaker:NetworkIsolation": "true"}}'
    fs = lint(policy('"sagemaker:DescribeEndpoint"', '"arn:aws:sagemaker:us-east-1:111122223333:endpoint/*"', extra=extra), select=["SM204"])
    assert at(fs) == [("SM204", 8, 30, "warning")]
    assert "not supported" in fs[0].message


@pytest.mark.parametrize("actions,reported", [
    ('["ec2:RunInstances", "s3:PutObject"]', True),  # no SageMaker action: the key is never in their requests
    ('["ec2:RunInstances", "*"]', False),  # "*" holds the SageMaker actions that take it
    ('["ec2:RunInstances", "sage*:*"]', False),
])
def test_sm204_a_sagemaker_key_in_a_statement_without_sagemaker_actions(lint, actions, reported):
    extra = ',\n      "Condition": {"Null": {"sagemaker:VpcSubnets": "true"}}'
    fs = lint(policy(actions, extra=extra, effect="Deny"), select=["SM204"])
    assert at(fs) == ([("SM204", 8, 30, "warning")] if reported else [])
    if reported:
        assert "is a SageMaker key, and no action of this statement (ec2:RunInstances, s3:PutObject)" in fs[0].message


def test_sm204_supported_key_is_fine(lint):
    extra = ',\n      "Condition": {"Bool": {"sagemaker:NetworkIsolation": "true"}}'
    assert lint(policy('"sagemaker:CreateTrainingJob"', '"arn:aws:sagemaker:us-east-1:111122223333:training-job/*"', extra=extra), select=["SM204"]) == []


@pytest.mark.parametrize("action,col", [('"iam:PassRole"', 17), ('"IAM:passrole"', 17), ('"iam:*"', 17), ('"iam:Pass*"', 17), ('["s3:GetObject", "*"]', 34)])
def test_iam301_passrole_on_star(lint, action, col):
    fs = lint(policy(action), select=["IAM301"])
    assert at(fs) == [("IAM301", 6, col, "error")]


@pytest.mark.parametrize("resource", ['"arn:aws:iam::*:role/*"', '"arn:aws:iam::111122223333:role/*"'])
def test_iam301_role_wildcards(lint, resource):
    assert at(lint(policy('"iam:PassRole"', resource), select=["IAM301"])) == [("IAM301", 6, 17, "error")]


def test_iam301_passedtoservice_lowers_to_warning(lint):
    extra = ',\n      "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}'
    assert at(lint(policy('"iam:PassRole"', extra=extra), select=["IAM301"])) == [("IAM301", 6, 17, "warning")]


@pytest.mark.parametrize("resource", ['"arn:aws:iam::111122223333:role/sagemaker-exec"', '"arn:aws:iam::111122223333:role/service-role/ml-*"'])
def test_iam301_scoped(lint, resource):
    assert lint(policy('"iam:PassRole"', resource), select=["IAM301"]) == []


def test_lp002_grammar(lint):
    text = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "allow", "Action": "s3:GetObject", "NotAction": "s3:PutObject", "Resource": "*", "Foo": 1}]\n}\n'
    fs = lint(text, select=["LP002"])
    msgs = sorted((f.span.line, f.span.col, f.message.split(" ")[0]) for f in fs)
    assert (3, 28, "Effect") in msgs  # "allow" value
    assert any("both Action and NotAction" in f.message and (f.span.line, f.span.col) == (3, 63) for f in fs)
    assert any("unknown key 'Foo'" in f.message and (f.span.line, f.span.col) == (3, 109) for f in fs)


def test_lp002_duplicate_keys_in_statement(lint):
    text = '{"Version": "2012-10-17", "Statement": [\n  {"Effect": "Allow", "Action": "s3:GetObject",\n   "Action": "sagemaker:*", "Resource": "*"}]}\n'
    fs = lint(text, select=["LP002", "SM101"])
    assert ("LP002", 3, 4, "error") in at(fs)
    assert ("SM101", 3, 14, "error") in at(fs)  # the last one wins, as in IAM


def test_lp001_broken_json(lint):
    fs = lint('{\n  "Version": "2012-10-17",\n  "Statement": [\n', select=["LP001"])
    assert [f.code for f in fs] == ["LP001"]
    assert fs[0].span.line >= 3


def test_unresolved_is_never_star():
    from linter.located import LDict, LStr, Span, Unresolved
    from linter.model import Origin, build_document
    from linter.rule import Context
    from linter.registry import load

    node = LDict({"Version": LStr("2012-10-17"), "Statement": [LDict({
        "Effect": LStr("Allow"), "Action": LStr("sagemaker:CreateTrainingJob"),
        "Resource": Unresolved("var.training_job_arn", "reference", Span(3, 1, 3, 20))})]})
    d = build_document(node, Origin("x.tf", "terraform"))
    for code in ("SM201", "SM203", "IAM301"):
        assert list(load(code).check(d, Context())) == []


def test_sm101_counts_what_a_required_key_leaves(lint):
    from linter import kb

    carrying = [a for a in kb.sagemaker_actions().values()
                if "sagemaker:vpcsubnets" in {k.lower() for k in a.condition_keys}]
    null = ',\n      "Condition": {"Null": {"sagemaker:VpcSubnets": "false"}}'
    fs = lint(policy('"sagemaker:*"', extra=null), select=["SM101"])
    assert len(fs) == 1
    assert f'"sagemaker:*" grants {len(carrying)} of the {len(kb.sagemaker_actions())} SageMaker actions' \
        in fs[0].message


@pytest.mark.parametrize("deny, quiet", [
    ({"Effect": "Deny", "Action": "*", "Resource": "*"}, {"SM101", "SM201", "IAM301"}),
    ({"Effect": "Deny", "Action": "iam:*", "Resource": "*"}, {"IAM301"}),
    ({"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}, {"SM101", "SM201", "IAM301"}),
    # a Deny on a condition, or on some resources, leaves the grant for other requests
    ({"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}, set()),
    ({"Effect": "Deny", "Action": "*", "Resource": "arn:aws:sagemaker:*:*:endpoint/prod-*"}, set()),
])
def test_grants_a_deny_of_the_same_document_refuses_are_not_reported(lint, deny, quiet):
    """A policy that allows and, unconditionally and on every resource, denies the same actions
    grants nothing: the rules about what is granted do not report it."""
    text = doc({"Effect": "Allow", "Action": "*", "Resource": "*"}, deny)
    got = {f.code for f in lint(text, select=["SM101", "SM201", "IAM301"])}
    assert got == {"SM101", "SM201", "IAM301"} - quiet


def test_sm204_suggests_the_key_the_actions_take(lint):
    """A key no action lists any more (a name AWS replaced) is said to be one, with the key the
    statement's actions take; a key other actions take, but not these, is never in their requests."""
    text = doc({"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
                "Condition": {"Null": {"sagemaker:VolumeKmsKey": "false"}}})
    (f,) = lint(text, select=["SM204"])
    assert f.message.startswith('condition key "sagemaker:VolumeKmsKey" is an older name no SageMaker action lists')
    assert f.message.endswith("; use sagemaker:VolumeKmsKeyArn, which the statement's actions take")
    root = doc({"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
                "Condition": {"StringEquals": {"sagemaker:RootAccess": "Disabled"}}})
    (f,) = lint(root, select=["SM204"])
    assert "is not supported by any SageMaker action in this statement" in f.message


def test_text_written_for_someone_to_fill_in_is_not_a_mistake(lint):
    """Example policies leave ``<my-corporate-cidr>``, ``<OIDC_provider_name>:sub`` and ``<action>``
    for the reader to replace: not an invalid IP (IAM107), an unknown key (IAM102) or an invalid
    action (LP002). The same places with a real mistake are reported."""
    text = doc({"Effect": "Deny", "Action": "<action>", "Resource": "*",
                "Condition": {"NotIpAddressIfExists": {"aws:SourceIp": ["<my-corporate-cidr>"]},
                              "StringNotLikeIfExists": {"<OIDC_provider_name_1>:sub": "repo:org/*"}}})
    assert lint(text, select=["IAM107", "IAM102", "LP002"]) == []
    wrong = (text.replace("<my-corporate-cidr>", "my-corporate-cidr").replace("<OIDC_provider_name_1>", "oidcprovider")
             .replace('"<action>"', '"action"'))
    assert sorted(f.code for f in lint(wrong, select=["IAM107", "IAM102", "LP002"])) == ["IAM102", "IAM107", "LP002"]
    # a sentence saying what to write is a fill-in too; a value with a space and no such word is not
    told = text.replace("<my-corporate-cidr>", "put the CIDR block of your public IP here, likely a /32")
    assert lint(told, select=["IAM107"]) == []
    # <text with spaces> in a trust policy's provider and keys: a fill-in too
    oidc = "oidc.eks.<EKS Cluster region>.amazonaws.com/id/<OIDC ID>"
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": f"arn:aws:iam::<AWS account number>:oidc-provider/{oidc}"},
        "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {f"{oidc}:aud": "sts.amazonaws.com"}}}]})
    assert lint(trust, name="trust.json", select=["IAM204", "IAM102"]) == []
    spaced = trust.replace("<OIDC ID>", "OIDC ID")
    assert sorted(f.code for f in lint(spaced, name="trust.json", select=["IAM204", "IAM102"])) == ["IAM102", "IAM204"]
    # a shell variable left in a policy a script writes (a quoted here-document)
    shell = doc({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "$execution_role"})
    assert lint(shell, select=["IAM109"]) == []
    assert [f.code for f in lint(shell.replace("$execution_role", "execution_role"), select=["IAM109"])] == ["IAM109"]
    assert [f.code for f in lint(text.replace("<my-corporate-cidr>", "10.0.0.0/8 plus"), select=["IAM107"])] == \
        ["IAM107"]


def test_a_partition_left_to_fill_in_is_not_a_mistake(lint):
    """``<partition>``, ``{partition}``, ``PARTITION`` and a test suite's ``test-partition`` are
    text for someone (or a test) to replace, as ``<region>`` and ``{account}`` are: IAM109 reports
    a partition that is a real slip (``aws-us-gob``)."""
    arns = ["arn:<partition>:sagemaker:<region>:<account-id>:endpoint/a",
            "arn:{partition}:sagemaker:us-east-1:123456789012:endpoint/b",
            "arn:PARTITION:sagemaker:us-east-1:123456789012:endpoint/c",
            "arn:test-partition:sagemaker:test-region:test-account:endpoint/d"]
    text = doc({"Effect": "Allow", "Action": "sagemaker:DescribeEndpoint", "Resource": arns})
    assert lint(text, select=["IAM109", "SM203"]) == []
    (f,) = lint(text.replace("PARTITION", "aws-us-gob"), select=["IAM109", "SM203"])
    assert f.code == "IAM109" and '"aws-us-gob" is not a partition' in f.message


def test_a_quicksight_user_arn_may_omit_the_region(lint):
    text = doc({"Effect": "Allow", "Action": ["quicksight:CreateUser", "quicksight:CreateDashboard"],
                "Resource": ["arn:aws:quicksight::111122223333:user/${aws:userid}",
                             "arn:aws:quicksight::111122223333:dashboard/d"]})
    (f,) = lint(text, select=["IAM109"])
    assert "arn:aws:quicksight::111122223333:dashboard/d" in f.message and "has no Region" in f.message


def test_the_sns_default_policy_key_is_not_unknown(lint):
    # "AWS:SourceOwner": Amazon SNS writes it in every topic's default access policy
    text = doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "SNS:Publish",
                "Resource": "arn:aws:sns:us-east-1:111122223333:t",
                "Condition": {"StringEquals": {"AWS:SourceOwner": "111122223333"}}})
    assert lint(text, select=["IAM102"]) == []
    assert [f.code for f in lint(text.replace("AWS:SourceOwner", "AWS:SourceOwnr"), select=["IAM102"])] == ["IAM102"]


def test_str_format_fields_are_placeholders(lint):
    """A policy file a script fills with ``.format()`` or ``.replace()``: ``{0}``, ``{region}`` stand
    for values, in an ARN's Region and in a condition value, as ``${...}`` does."""
    text = doc({"Effect": "Allow", "Action": "logs:CreateLogStream",
                "Resource": ["arn:aws:logs:{0}:{1}:log-group:airflow-{2}-*"],
                "Condition": {"StringLike": {"kms:ViaService": ["sqs.{region}.amazonaws.com"]}}})
    assert lint(text, select=["IAM109", "IAM107"]) == []
    wrong = text.replace("{0}", "useast1").replace("sqs.{region}", "sqs")
    assert sorted(f.code for f in lint(wrong, select=["IAM109", "IAM107"])) == ["IAM107", "IAM109"]


@pytest.mark.parametrize("name", ["guardrail.json", "ml_guardrail_scp.json", "team-permissions-boundary.json"])
def test_sm203_a_deny_whose_arns_name_none_of_its_actions_resources(lint, name):
    text = doc({"Effect": "Deny", "Action": ["sagemaker:CreateTrainingJob", "sagemaker:CreateModel"],
                "Resource": "arn:aws:ec2:*:*:instance/*", "Condition": {"Null": {"sagemaker:VpcSubnets": "true"}}},
               {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    found = lint(text, name, select=["SM203"])
    # in every kind of document (an SCP and a boundary included): the guardrail refuses nothing
    assert at(found) == [("SM203", 10, 19, "warning")]
    assert found[0].message.endswith("so the Deny refuses nothing for them")
