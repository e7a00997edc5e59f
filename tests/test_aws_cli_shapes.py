"""The JSON shapes the AWS CLI prints, each finding naming what it belongs to."""
import json
from urllib.parse import quote

DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}


def test_get_policy_version(lint):
    text = json.dumps({"PolicyVersion": {"Document": DOC, "VersionId": "v2", "IsDefaultVersion": True}}, indent=2)
    fs = lint(text, select=["SM101"])
    assert [(f.code, f.span.line, f.span.col) for f in fs] == [("SM101", 8, 21)]
    assert fs[0].label == "policy version v2"


def test_get_role_policy_url_encoded(lint):
    text = json.dumps({"RoleName": "ml-exec", "PolicyName": "inline-ml",
                       "PolicyDocument": quote(json.dumps(DOC))}, indent=2)
    fs = lint(text, "role-policy.json", select=["SM101", "SM201"])
    # positions inside an encoded string point at the string itself
    assert [(f.code, f.span.line, f.span.col) for f in fs] == [("SM101", 4, 21), ("SM201", 4, 21)]
    assert fs[0].label == "role ml-exec inline policy inline-ml"


def test_get_user_policy_object(lint):
    text = json.dumps({"UserName": "alice", "PolicyName": "p", "PolicyDocument": DOC}, indent=2)
    fs = lint(text, select=["SM101"])
    assert fs[0].label == "user alice inline policy p"


def test_account_authorization_details(lint):
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    details = {
        "UserDetailList": [{"UserName": "bob", "UserPolicyList": [{"PolicyName": "bobs", "PolicyDocument": DOC}]}],
        "GroupDetailList": [],
        "RoleDetailList": [{"RoleName": "exec", "AssumeRolePolicyDocument": quote(json.dumps(trust)),
                            "RolePolicyList": [{"PolicyName": "pass", "PolicyDocument": {
                                "Version": "2012-10-17",
                                "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}}],
                            "AttachedManagedPolicies": [{"PolicyName": "AmazonSageMakerFullAccess",
                                                         "PolicyArn": "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"}]}],
        "Policies": [{"PolicyName": "team", "PolicyVersionList": [
            {"Document": DOC, "VersionId": "v1", "IsDefaultVersion": False},
            {"Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:Create*", "Resource": "*"}]},
             "VersionId": "v2", "IsDefaultVersion": True}]}],
    }
    fs = lint(json.dumps(details, indent=1), "details.json", select=["SM101", "SM102", "IAM301", "LP"])
    got = sorted((f.code, f.label) for f in fs)
    assert got == [
        ("IAM301", "role exec inline policy pass"),
        ("SM101", "user bob inline policy bobs"),
        ("SM102", "managed policy team"),
    ]


def test_plain_json_is_not_a_policy(lint):
    assert lint(json.dumps({"Resources": "nope", "x": [1, 2]})) == []


TRUST_ANY = {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}


def test_get_role_list_roles_and_create_role_input_trust_policies(lint):
    role = {"Path": "/", "RoleName": "ml-exec", "Arn": "arn:aws:iam::123456789012:role/ml-exec",
            "AssumeRolePolicyDocument": TRUST_ANY}
    text = json.dumps({"Role": role}, indent=2)
    fs = lint(text, "get-role.json", select=["IAM302"])
    line = next(i for i, ln in enumerate(text.split("\n"), 1) if '"AWS": "*"' in ln)
    col = text.split("\n")[line - 1].index('"*"') + 1
    assert [(f.code, f.span.line, f.span.col, f.label) for f in fs] == [
        ("IAM302", line, col, "role ml-exec trust policy")]
    # list-roles: every role's trust policy, URL-encoded as the API returns it
    other = dict(role, RoleName="ok", AssumeRolePolicyDocument=quote(json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
                                                 "Action": "sts:AssumeRole"}]})))
    listed = json.dumps({"Roles": [other, dict(role, AssumeRolePolicyDocument=quote(json.dumps(TRUST_ANY)))]}, indent=2)
    assert [f.label for f in lint(listed, "roles.json", select=["IAM302", "LP"])] == ["role ml-exec trust policy"]
    # create-role --cli-input-json: the document as a JSON string
    given = json.dumps({"RoleName": "ml-exec", "AssumeRolePolicyDocument": json.dumps(TRUST_ANY)}, indent=2)
    assert [(f.code, f.span.line) for f in lint(given, "create-role.json", select=["IAM302"])] == [("IAM302", 3)]


def test_a_statement_key_that_holds_a_number_is_some_other_json(lint):
    # a tokenizer's vocabulary has "Statement" among its words: not a policy, no LP002 per word
    vocab = {w: i for i, w in enumerate(["the", "Statement", "Effect", "of", "Action", "Version", "PolicyDocument",
                                         "PolicyName", "RoleName", "UserDetailList", "AssumeRolePolicyDocument"])}
    assert lint(json.dumps(vocab, indent=1), "vocab.json") == []
    # with a policy Version it is a policy, and a broken one
    broken = json.dumps({"Version": "2012-10-17", "Statement": "Allow everything"})
    assert [f.code for f in lint(broken, "p.json")] == ["LP002"]
