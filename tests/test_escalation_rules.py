"""SM302 notebook-takeover, SM303 studio-profile-takeover, SM305 guardrail-fails-open: positives,
the defused shapes, and AWS's own examples (written here from what they show)."""
import pytest
from aa_helpers import policy, pos

NB = "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance"
UP = "arn:aws:sagemaker:us-east-1:111122223333:user-profile"


def codes_at(found, code):
    return [(f.code, f.span.line, f.span.col) for f in found if f.code == code]


# ---------------------------------------------------------------------------
# SM302


@pytest.mark.parametrize("resource", ["*", NB + "/*", "arn:aws:sagemaker:*:*:*"])
def test_sm302_presigned_url_on_every_notebook(lint, resource):
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreatePresignedNotebookInstanceUrl", "Resource": resource})
    found = lint(text, select=["SM302"])
    assert codes_at(found, "SM302") == [("SM302",) + pos(text, '"sagemaker:CreatePresignedNotebookInstanceUrl"')]
    assert "every notebook instance" in found[0].message


@pytest.mark.parametrize("stmt", [
    {"Effect": "Allow", "Action": "sagemaker:CreatePresignedNotebookInstanceUrl", "Resource": NB + "/team-a-*"},
    {"Effect": "Allow", "Action": "sagemaker:CreatePresignedNotebookInstanceUrl", "Resource": NB + "/*",
     "Condition": {"StringEquals": {"sagemaker:ResourceTag/owner": "${aws:username}"}}},
    # a grant through sagemaker:* alone is SM101's
    {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},
    # AWS's "Limit access to a notebook instance by IP address": a Deny grants nothing
    {"Effect": "Deny", "Action": "sagemaker:CreatePresignedNotebookInstanceUrl", "Resource": "*",
     "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24"]}}},
])
def test_sm302_presigned_quiet(lint, stmt):
    assert lint(policy(stmt), select=["SM302"]) == []


def test_sm302_network_condition_is_no_fix(lint):
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreatePresignedNotebookInstanceUrl", "Resource": "*",
                   "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}})
    assert len(lint(text, select=["SM302"])) == 1


@pytest.mark.parametrize("condition, reported", [
    ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, False),  # never true: the statement grants nothing
    ({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "fd00::/8"]}}, False),
    ({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}}, True),  # one public range matches
    ({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, True),  # always true
    ({"IpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"}}, True),  # true without the key (a VPC endpoint)
])
def test_escalation_rules_skip_statements_whose_condition_never_holds(lint, condition, reported):
    text = policy({"Effect": "Allow", "Action": ["sagemaker:CreatePresignedNotebookInstanceUrl",
                                                 "sagemaker:CreatePresignedDomainUrl"], "Resource": "*",
                   "Condition": condition})
    found = sorted(f.code for f in lint(text, select=["SM302", "SM303", "IAM108"]))
    assert [c for c in found if c != "IAM108"] == (["SM302", "SM303"] if reported else [])
    assert "IAM108" in found  # which says why the range never matches (or does nothing)


LCC = {"Effect": "Allow", "Action": "sagemaker:CreateNotebookInstanceLifecycleConfig", "Resource": "*"}
UPDATE = {"Effect": "Allow", "Action": ["sagemaker:StopNotebookInstance", "sagemaker:UpdateNotebookInstance",
                                        "sagemaker:StartNotebookInstance"], "Resource": NB + "/*"}


def test_sm302_lifecycle_config_on_existing_notebooks(lint):
    text = policy(LCC, UPDATE)
    found = lint(text, select=["SM302"])
    assert codes_at(found, "SM302") == [("SM302",) + pos(text, '"sagemaker:UpdateNotebookInstance"')]
    assert "RootAccess=Disabled is no fix" in found[0].message
    assert [(r.span.line, r.span.col) for r in found[0].related] == [
        pos(text, '"sagemaker:CreateNotebookInstanceLifecycleConfig"'),
        pos(text, '"sagemaker:StopNotebookInstance"'), pos(text, '"sagemaker:StartNotebookInstance"')]


def test_sm302_lifecycle_config_across_two_policies_of_a_role(lint):
    text = f"""\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{{Effect: Allow, Principal: {{AWS: arn:aws:iam::111122223333:root}}, Action: sts:AssumeRole}}]
      Policies:
        - PolicyName: lcc
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: sagemaker:CreateNotebookInstanceLifecycleConfig
                Resource: "*"
  Update:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: update
      Roles: [!Ref Role]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: sagemaker:UpdateNotebookInstance
            Resource: {NB}/*
"""
    found = lint(text, name="template.yaml", select=["SM302"])
    assert codes_at(found, "SM302") == [("SM302",) + pos(text, "sagemaker:UpdateNotebookInstance")]
    assert found[0].label == "AWS::IAM::Role Role (AWS::IAM::Policy Update PolicyDocument)"


@pytest.mark.parametrize("update", [
    dict(UPDATE, Condition={"ArnLike": {"sagemaker:NotebookInstanceLifecycleConfigArns":
                                        "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance-lifecycle-config/approved-*"}}),
    dict(UPDATE, Resource=NB + "/${aws:username}-*"),
    dict(UPDATE, Resource=NB + "/my-notebook"),
])
def test_sm302_lifecycle_config_defused(lint, update):
    assert lint(policy(LCC, update), select=["SM302"]) == []


def test_sm302_root_access_condition_is_no_fix(lint):
    update = dict(UPDATE, Condition={"StringEquals": {"sagemaker:RootAccess": "Disabled"}})
    assert len(lint(policy(LCC, update), select=["SM302"])) == 1


# ---------------------------------------------------------------------------
# SM303


@pytest.mark.parametrize("resource", ["*", UP + "/d-abc123example/*", UP + "/*"])
def test_sm303_presigned_domain_url_on_every_profile(lint, resource):
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreatePresignedDomainUrl", "Resource": resource})
    found = lint(text, select=["SM303"])
    assert codes_at(found, "SM303") == [("SM303",) + pos(text, '"sagemaker:CreatePresignedDomainUrl"')]


# AWS's Studio permission guide: own profile only; apps of the caller's own profile; the
# OwnerUserProfileArn condition
AWS_STUDIO = policy(
    {"Effect": "Allow", "Action": "sagemaker:CreatePresignedDomainUrl",
     "Resource": "arn:aws:sagemaker:*:*:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}"},
    {"Effect": "Allow", "Action": ["sagemaker:CreateApp", "sagemaker:DeleteApp"],
     "Resource": "arn:aws:sagemaker:*:*:app/${sagemaker:DomainId}/${sagemaker:UserProfileName}/*"},
    {"Effect": "Allow", "Action": ["sagemaker:CreateApp", "sagemaker:DeleteApp"],
     "Resource": "arn:aws:sagemaker:*:*:app/*",
     "Condition": {"Null": {"sagemaker:OwnerUserProfileArn": "true"}}},
    {"Effect": "Allow", "Action": "sagemaker:CreatePresignedDomainUrl", "Resource": UP + "/*",
     "Condition": {"StringEquals": {"sagemaker:ResourceTag/studiouserid": "${aws:PrincipalTag/studiouserid}"}}},
)


def test_sm303_aws_studio_examples_quiet(lint):
    assert lint(AWS_STUDIO, select=["SM3"]) == []


def test_sm303_create_app_on_every_app(lint):
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreateApp", "Resource": "arn:aws:sagemaker:*:*:app/*"})
    assert codes_at(lint(text, select=["SM303"]), "SM303") == [("SM303",) + pos(text, '"sagemaker:CreateApp"')]


@pytest.mark.parametrize("resource,reported", [
    ("arn:aws:sagemaker:*:*:app/*/*/Canvas/*", False),  # AWS's application, no lifecycle configuration
    ("arn:aws:sagemaker:*:*:app/*/*/TensorBoard/*", False),
    ("arn:aws:sagemaker:*:*:app/*/*/JupyterLab/*", True),
    ("arn:aws:sagemaker:*:*:app/*/*/*/*", True),
])
def test_sm303_create_app_of_a_type_that_runs_no_code_of_the_callers(lint, resource, reported):
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreateApp",
                   "Resource": ["arn:aws:sagemaker:*:*:app/*/*/Canvas/*", resource]})
    want = [("SM303",) + pos(text, '"sagemaker:CreateApp"')] if reported else []
    assert codes_at(lint(text, select=["SM303"]), "SM303") == want


def test_sm303_update_profile_with_passrole(lint):
    own = "arn:aws:sagemaker:*:*:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}"
    text = policy({"Effect": "Allow", "Action": "sagemaker:UpdateUserProfile", "Resource": own},
                  {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                   "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}})
    found = lint(text, select=["SM303"])
    assert codes_at(found, "SM303") == [("SM303",) + pos(text, '"sagemaker:UpdateUserProfile"')]
    assert [(r.span.line, r.span.col) for r in found[0].related] == [pos(text, '"iam:PassRole"')]
    scoped = text.replace('"Resource": "*"', '"Resource": "arn:aws:iam::111122223333:role/studio-exec"')
    assert lint(scoped, select=["SM303"]) == []


def test_sm303_studio_lifecycle_config(lint):
    lcc = {"Effect": "Allow", "Action": "sagemaker:CreateStudioLifecycleConfig", "Resource": "*"}
    upd = {"Effect": "Allow", "Action": "sagemaker:UpdateDomain", "Resource": "arn:aws:sagemaker:*:*:domain/*"}
    text = policy(lcc, upd)
    assert codes_at(lint(text, select=["SM303"]), "SM303") == [("SM303",) + pos(text, '"sagemaker:UpdateDomain"')]
    guarded = dict(upd, Condition={"ArnLike": {"sagemaker:StudioLifecycleConfigArns":
                                               "arn:aws:sagemaker:*:111122223333:studio-lifecycle-config/ok-*"}})
    assert lint(policy(lcc, guarded), select=["SM303"]) == []


# ---------------------------------------------------------------------------
# SM305


@pytest.mark.parametrize("condition,why", [
    ({"ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"]}}, "ForAllValues:"),
    ({"StringEqualsIfExists": {"sagemaker:RootAccess": "Disabled"}}, "IfExists"),
    ({"StringNotEquals": {"sagemaker:DirectInternetAccess": "Enabled"}}, "negated operator"),
    ({"ForAllValues:StringLike": {"sagemaker:InstanceTypes": ["ml.c5.*"]}}, "ForAllValues:"),
])
def test_sm305_fails_open(lint, condition, why):
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
                   "Condition": condition})
    found = lint(text, select=["SM305"])
    key = next(iter(next(iter(condition.values()))))
    assert codes_at(found, "SM305") == [("SM305",) + pos(text, f'"{key}"')]
    assert why in found[0].message and f'"Null": {{"{key}": "false"}}' in found[0].message


@pytest.mark.parametrize("stmts", [
    # AWS's pattern: the set test plus Null false
    [{"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
      "Condition": {"ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"]},
                    "Null": {"sagemaker:VpcSubnets": "false"}}}],
    # the whitepaper's: deny when the key is absent
    [{"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
      "Condition": {"ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"]}}},
     {"Effect": "Deny", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
      "Condition": {"Null": {"sagemaker:VpcSubnets": "true"}}}],
    # positive operators are false when the key is absent
    [{"Effect": "Allow", "Action": "sagemaker:CreateNotebookInstance", "Resource": "*",
      "Condition": {"StringEquals": {"sagemaker:RootAccess": "Disabled", "sagemaker:DirectInternetAccess": "Disabled"}}}],
    # a negated operator in a Deny fails closed
    [{"Effect": "Deny", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
      "Condition": {"StringNotEquals": {"sagemaker:InstanceTypes": "ml.m5.large"}}}],
    # not a guardrail key
    [{"Effect": "Allow", "Action": "sagemaker:AddTags", "Resource": "*",
      "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}}],
])
def test_sm305_quiet(lint, stmts):
    assert lint(policy(*stmts), select=["SM305"]) == []


@pytest.mark.parametrize("denied, reported", [
    (["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"], True),  # notebooks, models... stay open
    (["sagemaker:*"], False),
    (["sagemaker:Create*", "sagemaker:Update*"], False),  # every action that carries the key
])
def test_sm305_a_deny_closes_the_actions_it_names(lint, denied, reported):
    """A Deny on an absent key closes the hole only for the actions it denies: ``sagemaker:*``
    under ``ForAllValues`` stays open for every other action that carries the key."""
    text = policy({"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*",
                   "Condition": {"ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"]}}},
                  {"Effect": "Deny", "Action": denied, "Resource": "*",
                   "Condition": {"Null": {"sagemaker:VpcSubnets": "true"}}})
    want = [("SM305",) + pos(text, '"sagemaker:VpcSubnets"')] if reported else []
    assert codes_at(lint(text, select=["SM305"]), "SM305") == want


# ---------------------------------------------------------------------------
# SM304 (opt-in)

SM304_TEXT = policy(
    {"Effect": "Allow", "Action": ["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"], "Resource": "*"},
    {"Effect": "Allow", "Action": "sagemaker:CreateNotebookInstance", "Resource": "*",
     "Condition": {"StringEquals": {"sagemaker:RootAccess": "Disabled"}}},
    {"Effect": "Deny", "Action": "sagemaker:CreateProcessingJob", "Resource": "*",
     "Condition": {"Null": {"sagemaker:VpcSubnets": "true"}}},
)


def test_sm304_quiet_until_configured(lint):
    assert lint(SM304_TEXT, select=["SM304"]) == []


def test_sm304_configured_keys(lint):
    opts = {"SM304": {"keys": ["sagemaker:VpcSubnets", "sagemaker:RootAccess"]}}
    found = lint(SM304_TEXT, select=["SM304"], rule_options=opts)
    # CreateProcessingJob is closed by the Deny; the notebook tests RootAccess but not VpcSubnets
    assert codes_at(found, "SM304") == [("SM304",) + pos(SM304_TEXT, '"sagemaker:CreateTrainingJob"'),
                                        ("SM304",) + pos(SM304_TEXT, '"sagemaker:CreateNotebookInstance"')]
    assert all("sagemaker:VpcSubnets" in f.message and "RootAccess" not in f.message for f in found)


def test_sm304_old_key_name_counts(lint):
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
                   "Condition": {"ArnEquals": {"sagemaker:VolumeKmsKey": "arn:aws:kms:us-east-1:111122223333:key/k"}}})
    assert lint(text, select=["SM304"], rule_options={"SM304": {"keys": ["sagemaker:VolumeKmsKeyArn"]}}) == []


# ---------------------------------------------------------------------------
# SM306

TAG_SCOPED = {"Effect": "Allow", "Action": ["sagemaker:StopNotebookInstance",
                                            "sagemaker:CreatePresignedNotebookInstanceUrl"], "Resource": "*",
              "Condition": {"StringEquals": {"sagemaker:ResourceTag/team": "${aws:PrincipalTag/team}"}}}


def test_sm306_tag_scope_and_free_tagging(lint):
    text = policy(TAG_SCOPED, {"Effect": "Allow", "Action": "sagemaker:AddTags", "Resource": "*"})
    found = lint(text, select=["SM306"])
    assert codes_at(found, "SM306") == [("SM306",) + pos(text, '"sagemaker:AddTags"')]
    assert found[0].severity == "warning" and '"team"' in found[0].message
    assert [(r.span.line, r.span.col) for r in found[0].related] == [pos(text, '"sagemaker:ResourceTag/team"')]


@pytest.mark.parametrize("tagging", [
    {"Effect": "Allow", "Action": "sagemaker:AddTags", "Resource": "*",
     "Condition": {"StringEquals": {"sagemaker:TaggingAction": "CreateNotebookInstance"}}},
    {"Effect": "Allow", "Action": "sagemaker:AddTags", "Resource": "*",
     "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["project"]}}},
    {"Effect": "Allow", "Action": "sagemaker:AddTags", "Resource": "*",
     "Condition": {"StringEquals": {"sagemaker:ResourceTag/team": "${aws:PrincipalTag/team}"}}},
])
def test_sm306_limited_tagging(lint, tagging):
    assert lint(policy(TAG_SCOPED, tagging), select=["SM306"]) == []


def test_sm306_aws_example_denies_tagging(lint):
    text = policy(TAG_SCOPED, {"Effect": "Allow", "Action": "sagemaker:AddTags", "Resource": "*"},
                  {"Effect": "Deny", "Action": ["sagemaker:AddTags", "sagemaker:DeleteTags"], "Resource": "*"})
    assert lint(text, select=["SM306"]) == []


# ---------------------------------------------------------------------------
# SM307


def test_sm307_model_approval_without_condition(lint):
    text = policy({"Effect": "Allow", "Action": ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"],
                   "Resource": "arn:aws:sagemaker:us-east-1:111122223333:model-package/*"})
    found = lint(text, select=["SM307"])
    assert codes_at(found, "SM307") == [("SM307",) + pos(text, '"sagemaker:CreateModelPackage"'),
                                        ("SM307",) + pos(text, '"sagemaker:UpdateModelPackage"')]
    assert {f.severity for f in found} == {"note"}
    guarded = text.replace('"Resource"', '"Condition": {"StringEquals": {"sagemaker:ModelApprovalStatus": '
                                         '"PendingManualApproval"}},\n   "Resource"')
    assert lint(guarded, select=["SM307"]) == []


def test_sm307_group_policy_and_endpoint_swap(lint):
    text = policy({"Effect": "Allow", "Action": "sagemaker:PutModelPackageGroupPolicy", "Resource": "*"},
                  {"Effect": "Allow", "Action": "sagemaker:CreateEndpointConfig", "Resource": "*"},
                  {"Effect": "Allow", "Action": "sagemaker:UpdateEndpoint",
                   "Resource": "arn:aws:sagemaker:us-east-1:111122223333:endpoint/*"})
    found = lint(text, select=["SM307"])
    assert codes_at(found, "SM307") == [("SM307",) + pos(text, '"sagemaker:PutModelPackageGroupPolicy"'),
                                        ("SM307",) + pos(text, '"sagemaker:UpdateEndpoint"')]
    scoped = text.replace("endpoint/*", "endpoint/team-a-prod")
    assert len(lint(scoped, select=["SM307"])) == 1


def test_sm307_wildcards_are_sm102s(lint):
    text = policy({"Effect": "Allow", "Action": "sagemaker:*ModelPackage*", "Resource": "*"})
    assert lint(text, select=["SM307"]) == []
    assert [f.code for f in lint(text, select=["SM102"])] == ["SM102"]


# ---------------------------------------------------------------------------
# Resources and conditions as templates write them


@pytest.mark.parametrize("resource", [
    "arn:aws:sagemaker:*:*:*/*",  # a wildcard resource type names every type
    "arn:aws:sagemaker:*:*:endpoint/*",
    # ${AWS::Region} and ${AWS::Partition} hold colons: the ARN is still split where IAM splits it
    "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/*",
])
def test_sm307_and_sm303_every_resource_however_written(lint, resource):
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreateEndpointConfig",
                   "Resource": resource.replace("endpoint/*", "endpoint-config/*")},
                  {"Effect": "Allow", "Action": "sagemaker:UpdateEndpoint", "Resource": resource},
                  {"Effect": "Allow", "Action": "sagemaker:CreatePresignedDomainUrl",
                   "Resource": resource.replace("endpoint/*", "user-profile/*/*")})
    found = lint(text, select=["SM303", "SM307"])
    assert sorted((f.code, f.span.line, f.span.col) for f in found) == [
        ("SM303",) + pos(text, '"sagemaker:CreatePresignedDomainUrl"'),
        ("SM307",) + pos(text, '"sagemaker:UpdateEndpoint"')]


@pytest.mark.parametrize("resource", [
    "arn:aws:sagemaker:*:*:endpoint-config/*",
    "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/team-a-*",
])
def test_sm307_other_types_and_named_endpoints_stay_quiet(lint, resource):
    text = policy({"Effect": "Allow", "Action": ["sagemaker:CreateEndpointConfig", "sagemaker:UpdateEndpoint"],
                   "Resource": resource})
    assert lint(text, select=["SM307"]) == []


@pytest.mark.parametrize("value", ["${AWS::Region}", ["${StackEndpoint}", "vpce-0123456789abcdef0"]])
def test_where_from_conditions_do_not_defuse_a_path_whatever_their_value(lint, value):
    """aws:RequestedRegion or aws:SourceVpce limit where a request comes from, never whose
    resource: a value only the deployment knows (a template's own Region or endpoint) changes
    nothing."""
    key = "aws:RequestedRegion" if isinstance(value, str) else "aws:SourceVpce"
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreatePresignedDomainUrl", "Resource": "*",
                   "Condition": {"StringEquals": {key: value}}})
    assert codes_at(lint(text, select=["SM303"]), "SM303") == [
        ("SM303",) + pos(text, '"sagemaker:CreatePresignedDomainUrl"')]
    tag = text.replace(key, "sagemaker:ResourceTag/owner")
    assert lint(tag, select=["SM303"]) == []


def test_sm305_a_deny_of_actions_not_known_here_may_close_it(lint):
    text = """\
Parameters:
  Denied: {Type: CommaDelimitedList}
Resources:
  P:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: sagemaker:*
            Resource: "*"
            Condition:
              ForAllValues:StringEquals:
                sagemaker:VpcSubnets: [subnet-0a1b2c3d]
          - Effect: Deny
            Action: !Ref Denied
            Resource: "*"
            Condition:
              "Null":
                sagemaker:VpcSubnets: "true"
"""
    assert lint(text, "t.yaml", select=["SM305"]) == []
    assert len(lint(text.replace("!Ref Denied", "sagemaker:CreateTrainingJob"), "t.yaml", select=["SM305"])) == 1


def test_sm305_a_statement_that_requires_a_key_its_actions_never_carry_grants_nothing(lint):
    """``Null`` false on a key no action of the statement carries (a notebook's RootAccess on a
    training job; SM204 says so): no request matches it, so nothing fails open through it. A key
    no action lists any more (the deprecated ``sagemaker:VolumeKmsKey``) proves nothing."""
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
                   "Condition": {"BoolIfExists": {"sagemaker:InterContainerTrafficEncryption": "true"},
                                 "Null": {"sagemaker:RootAccess": "false"}}})
    assert lint(text, select=["SM305"]) == []
    carried = text.replace("sagemaker:RootAccess", "sagemaker:VolumeKmsKeyArn")
    assert codes_at(lint(carried, select=["SM305"]), "SM305") == [
        ("SM305",) + pos(carried, '"sagemaker:InterContainerTrafficEncryption"')]
    carried = text.replace("sagemaker:RootAccess", "sagemaker:VolumeKmsKey")
    assert codes_at(lint(carried, select=["SM305"]), "SM305") == [
        ("SM305",) + pos(carried, '"sagemaker:InterContainerTrafficEncryption"')]


@pytest.mark.parametrize("condition, reported", [
    # the space has an owner, any owner: other users' private spaces
    ({"Null": {"sagemaker:OwnerUserProfileArn": "false"}}, True),
    # AWS's Studio guide: shared spaces only, or the caller's own
    ({"Null": {"sagemaker:OwnerUserProfileArn": "true"}}, False),
    ({"ArnLike": {"sagemaker:OwnerUserProfileArn":
                  "arn:aws:sagemaker:*:*:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}"}}, False),
])
def test_sm303_create_app_owner_conditions(lint, condition, reported):
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreateApp",
                   "Resource": "arn:aws:sagemaker:us-east-1:111122223333:app/*", "Condition": condition})
    want = [("SM303",) + pos(text, '"sagemaker:CreateApp"')] if reported else []
    assert codes_at(lint(text, select=["SM303"]), "SM303") == want


@pytest.mark.parametrize("resource, reported", [
    ("*", True),
    ("arn:aws:sagemaker:us-east-1:111122223333:notebook-instance-lifecycle-config/*", True),
    ("arn:aws:sagemaker:us-east-1:111122223333:notebook-instance-lifecycle-config/team-a-*", False),
])
def test_sm302_rewriting_every_lifecycle_configuration(lint, resource, reported):
    """UpdateNotebookInstanceLifecycleConfig on every configuration rewrites the scripts other
    people's notebooks already use; Stop/StartNotebookInstance, when held, are related."""
    text = policy({"Effect": "Allow", "Action": "sagemaker:UpdateNotebookInstanceLifecycleConfig", "Resource": resource},
                  {"Effect": "Allow", "Action": "sagemaker:StartNotebookInstance", "Resource": "*"})
    found = lint(text, select=["SM302"])
    if not reported:
        assert found == []
        return
    assert codes_at(found, "SM302") == [("SM302",) + pos(text, '"sagemaker:UpdateNotebookInstanceLifecycleConfig"')]
    assert [(r.span.line, r.span.col) for r in found[0].related] == [pos(text, '"sagemaker:StartNotebookInstance"')]


@pytest.mark.parametrize("action, resource, says", [
    ("UpdateDomain", "arn:aws:sagemaker:*:*:domain/*", "in other users' apps with their execution roles"),
    ("UpdateSpace", "arn:aws:sagemaker:*:*:space/*", "in the apps of spaces other users work in, with the spaces' "
                                                      "execution roles"),
])
def test_sm303_lifecycle_config_says_whose_role_runs_it(lint, action, resource, says):
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreateStudioLifecycleConfig", "Resource": "*"},
                  {"Effect": "Allow", "Action": "sagemaker:" + action, "Resource": resource})
    (f,) = lint(text, select=["SM303"])
    assert f"its script runs {says}; add the condition" in f.message


UNREAD = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  JobArn: {{Type: String}}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {{Service: sagemaker.amazonaws.com}}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: jobs
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: iam:PassRole
                Resource: "*"
              - Effect: Allow
                Action: [sagemaker:CreateTrainingJob, sagemaker:CreateModelPackage,
                         sagemaker:CreatePresignedNotebookInstanceUrl]
                Resource: {resource}
"""


@pytest.mark.parametrize("resource,reported", [
    # a value the linter cannot read may name the job: it does not narrow the grant
    ("!Ref JobArn", ["SM301", "SM307"]),
    ('!Sub "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:training-job/${JobArn}"', ["SM301"]),
    # the ARN of the template's bucket names no SageMaker resource
    ("!GetAtt Bucket.Arn", []),
])
def test_an_unread_resource_keeps_the_grant_for_the_escalation_rules(lint, resource, reported):
    text = UNREAD.format(resource=resource)
    found = lint(text, "template.yaml", select=["SM301", "SM302", "SM307"])
    # SM302 needs every notebook: an unread value is not known to name them all
    assert sorted({f.code for f in found}) == reported
    if "SM301" in reported:
        f = next(f for f in found if f.code == "SM301")
        assert (f.span.line, f.span.col) == (20, 25) and f.message.startswith("AWS::IAM::Role Role may pass any role")


@pytest.mark.parametrize("condition,reported", [
    ({"StringEquals": {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}}, False),
    ({"StringNotEquals": {"sagemaker:ModelApprovalStatus": "Approved"}}, False),
    ({"Null": {"sagemaker:ModelApprovalStatus": "true"}}, False),
    ({"StringEquals": {"sagemaker:ModelApprovalStatus": ["PendingManualApproval", "Approved"]}}, True),
    ({"StringNotEquals": {"sagemaker:ModelApprovalStatus": "Rejected"}}, True),
    ({"StringLike": {"sagemaker:ModelApprovalStatus": "*"}}, True),
    ({"Null": {"sagemaker:ModelApprovalStatus": "false"}}, True),
])
def test_sm307_a_condition_closes_approval_only_when_it_refuses_approved(lint, condition, reported):
    text = policy({"Effect": "Allow", "Action": "sagemaker:UpdateModelPackage",
                   "Resource": "arn:aws:sagemaker:us-east-1:111122223333:model-package/*", "Condition": condition})
    found = lint(text, select=["SM307"])
    assert [f.code for f in found] == (["SM307"] if reported else [])
    if reported:
        assert "with a sagemaker:ModelApprovalStatus condition that lets it set Approved" in found[0].message


@pytest.mark.parametrize("condition,reported", [
    ({"StringEquals": {"sagemaker:ResourceTag/owner": "${aws:username}"}}, False),  # matched to the caller
    ({"StringLike": {"sagemaker:ResourceTag/owner": "*"}}, True),
    ({"Null": {"sagemaker:ResourceTag/owner": "false"}}, True),
])
def test_sm302_a_tag_condition_any_tagged_notebook_passes_scopes_nothing(lint, condition, reported):
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreatePresignedNotebookInstanceUrl", "Resource": "*",
                   "Condition": condition})
    found = lint(text, select=["SM302"])
    assert [f.code for f in found] == (["SM302"] if reported else [])
    if reported:
        assert "with a resource-tag condition every tagged notebook passes" in found[0].message


def test_sm303_an_owner_arn_of_any_profile_scopes_nothing(lint):
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreateApp",
                   "Resource": "arn:aws:sagemaker:us-east-1:111122223333:app/*",
                   "Condition": {"ArnLike": {"sagemaker:OwnerUserProfileArn":
                                             "arn:aws:sagemaker:us-east-1:111122223333:user-profile/d-abc/*"}}})
    assert [f.code for f in lint(text, select=["SM303"])] == ["SM303"]
    own = text.replace("user-profile/d-abc/*", "user-profile/d-abc/${sagemaker:UserProfileName}")
    assert lint(own, select=["SM303"]) == []


@pytest.mark.parametrize("condition,reported", [
    ({"StringNotEquals": {"sagemaker:RootAccess": "Enabled"}}, True),  # denies the safe setting
    ({"StringEquals": {"sagemaker:DirectInternetAccess": "Disabled"}}, True),
    ({"Bool": {"sagemaker:NetworkIsolation": "true"}}, True),
    ({"StringEquals": {"sagemaker:RootAccess": "Enabled"}}, False),  # the guardrail as meant
    ({"Bool": {"sagemaker:NetworkIsolation": "false"}}, False),
    ({"StringNotEquals": {"sagemaker:RootAccess": "Disabled"}}, False),
])
def test_sm305_an_inverted_deny_guardrail(lint, condition, reported):
    text = policy({"Effect": "Deny", "Action": ["sagemaker:CreateNotebookInstance", "sagemaker:CreateTrainingJob"],
                   "Resource": "*", "Condition": condition})
    for name in ("policy.json", "deny_root_access_scp.json"):  # an identity policy, an SCP
        found = lint(text, name=name, select=["SM305"])
        assert [f.code for f in found] == (["SM305"] if reported else [])
        if reported:
            assert "it blocks the safe setting and lets" in found[0].message


def test_a_resource_list_is_as_wide_as_its_widest_item(lint):
    # a value that cannot be read beside "*" does not make the grant scoped: SM301 and SM307 see "*"
    text = """\
Parameters:
  ExtraRoleArn: {Type: String}
Resources:
  JobRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: train
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: [sagemaker:CreateTrainingJob, sagemaker:CreateEndpointConfig], Resource: "*"}
              - Effect: Allow
                Action: [iam:PassRole, sagemaker:UpdateEndpoint]
                Resource: ["*", !Ref ExtraRoleArn]
"""
    found = lint(text, "template.yaml", select=["SM301", "SM307"])
    assert [(f.code, f.span.line, f.span.col) for f in found] == [("SM301", 15, 26), ("SM307", 15, 40)]


def test_a_passrole_if_exists_condition_is_named_in_the_message(lint):
    text = policy({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                   "Condition": {"StringLikeIfExists": {"iam:PassedToService": "codebuild.amazonaws.com"}}},
                  {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"})
    (f,) = lint(text, select=["SM301"])
    assert 'iam:PassRole on "*"; its StringLikeIfExists iam:PassedToService condition is true when the key is ' \
           'absent, so it is not taken as a limit) and sagemaker:CreateTrainingJob' in f.message


SM305_SPLIT = """\
Resources:
  Guardrail:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Deny
            Action: DENIED
            Resource: "*"
            Condition: {"Null": {"sagemaker:VpcSubnets": "true"}}
  Trainer:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      ManagedPolicyArns: [!Ref Guardrail]
      Policies:
        - PolicyName: train
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: sagemaker:CreateTrainingJob
                Resource: "*"
                Condition: {"ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"]}}
"""


@pytest.mark.parametrize("denied,reported", [
    ("sagemaker:CreateTrainingJob", False),  # the role's other policy closes it
    ("sagemaker:CreateProcessingJob", True),  # a Deny of other actions does not
])
def test_sm305_a_deny_in_another_policy_of_the_role_closes_the_guardrail(lint, denied, reported):
    text = SM305_SPLIT.replace("DENIED", denied)
    found = lint(text, "template.yaml", select=["SM305"])
    assert [(f.code, f.span.line) for f in found] == ([("SM305", 24)] if reported else [])


def test_sm305_a_policy_linted_alone_keeps_its_finding(lint):
    # no principal is seen to hold it: nothing closes it
    text = policy({"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
                   "Condition": {"ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"]}}})
    assert [f.code for f in lint(text, select=["SM305"])] == ["SM305"]
