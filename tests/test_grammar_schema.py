"""schemas/iam-policy.schema.json is the written grammar; linter/grammar.py its fast
implementation (LP002). Both must agree."""
import json

import jsonschema
import pytest

from linter.grammar import check
from linter.model import Origin, build_document
from linter.parsers.json_loc import parse_json
from linter.schemas_util import load_schema


def S(**kw):
    base = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    base.update(kw)
    return {k: v for k, v in base.items() if v is not None}


DOCS = [
    ({"Version": "2012-10-17", "Statement": [S()]}, True),
    ({"Version": "2012-10-17", "Statement": S()}, True),
    ({"Statement": [S(Action=["sagemaker:List*", "s3:*"], Resource=["a", "b"])]}, True),
    ({"Version": "2012-10-17", "Statement": [S(Condition={"StringEquals": {"aws:PrincipalOrgID": ["o-1"]}, "Bool": {"aws:SecureTransport": False}})]}, True),
    ({"Version": "2012-10-17", "Statement": [S(Effect="allow")]}, False),
    ({"Version": "2012-10-17", "Statement": [S(Effect=None)]}, False),
    ({"Version": "2012-10-17", "Statement": [S(NotAction="s3:PutObject")]}, False),
    ({"Version": "2012-10-17", "Statement": [S(Action=None)]}, False),
    ({"Version": "2012-10-17", "Statement": [S(NotResource="x")]}, False),
    ({"Version": "2012-10-17", "Statement": [S(Foo="bar")]}, False),
    ({"Version": "2012-10-18", "Statement": [S()]}, False),
    ({"Version": "2012-10-17", "Statement": [S(Action=[])]}, False),
    ({"Version": "2012-10-17", "Statement": [S(Action="GetObject")]}, False),
    ({"Version": "2012-10-17", "Statement": [S(Action=5)]}, False),
    ({"Version": "2012-10-17", "Statement": [S(Resource={"a": 1})]}, False),
    ({"Version": "2012-10-17", "Statement": [S(Condition="x")]}, False),
    ({"Version": "2012-10-17", "Statement": "nope"}, False),
    ({"Version": "2012-10-17"}, False),
    ({"Version": "2012-10-17", "Statement": [S()], "Extra": 1}, False),
    # the grammar gaps LP002 closes
    ({"Version": 2012, "Statement": [S()]}, False),  # a number where a string is due
    ({"Version": "2012-10-17", "Statement": [S(Sid=1)]}, False),
    ({"Version": "2012-10-17", "Statement": [S(Sid="read-data")]}, False),  # IAM: letters and digits only
    ({"Version": "2012-10-17", "Statement": [S(Sid="ReadData2")]}, True),
    ({"Version": "2012-10-17", "Statement": [S(Sid="")]}, True),  # IAM accepts (its console writes it)
    ({"Version": "2012-10-17", "Statement": []}, False),
    ({"Version": "2012-10-17", "Statement": [S(Principal={})]}, False),
    ({"Version": "2012-10-17", "Statement": [S(Principal={"AWS": []})]}, False),
    ({"Version": "2012-10-17", "Statement": [S(Condition={"StringEquals": {"aws:username": None}})]}, False),
    ({"Version": "2012-10-17", "Statement": [S(Condition={"StringEquals": {"aws:username": [None]}})]}, False),
    ({"Version": "2012-10-17", "Statement": [S(Effect=None, effect="Allow")]}, False),  # lowercase element name
    ({"version": "2012-10-17", "Statement": [S()]}, False),
    ({"Version": "2012-10-17", "Statement": [S(Action=[5])]}, False),
]


@pytest.mark.parametrize("doc,valid", DOCS)
def test_schema_and_grammar_agree(doc, valid):
    schema_ok = jsonschema.Draft202012Validator(load_schema("iam-policy.schema.json")).is_valid(doc)
    assert schema_ok == valid
    tree = parse_json(json.dumps(doc))
    problems = list(check(build_document(tree, Origin("p.json", "policy-json"), role="identity")))
    assert (not problems) == valid, problems


def test_trust_policy_needs_principal_and_no_resource():
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    assert jsonschema.Draft202012Validator(load_schema("iam-policy.schema.json")).is_valid(doc)
    tree = parse_json(json.dumps(doc))
    assert list(check(build_document(tree, Origin("t.json", "policy-json"), role="trust"))) == []
    # the same statement in an identity policy: Principal is not allowed, Resource is missing
    msgs = [p.message for p in check(build_document(tree, Origin("t.json", "policy-json"), role="identity"))]
    assert any("Principal is not allowed" in m for m in msgs)


def test_action_of_the_wrong_type_is_reported_once():
    tree = parse_json(json.dumps({"Version": "2012-10-17", "Statement": [S(Action=5)]}))
    problems = list(check(build_document(tree, Origin("p.json", "policy-json"), role="identity")))
    assert [p.message for p in problems] == ["Action must be a string or a list of strings, not 5"]


def test_lowercase_element_names_are_said_once_with_the_right_name():
    tree = parse_json(json.dumps({"Version": "2012-10-17", "Statement": [{"effect": "Allow", "action": "s3:GetObject",
                                                                          "resource": "*"}]}))
    msgs = [p.message for p in check(build_document(tree, Origin("p.json", "policy-json"), role="identity"))]
    assert msgs == ["unknown key 'effect' in statement: element names are case-sensitive, write 'Effect'",
                    "unknown key 'action' in statement: element names are case-sensitive, write 'Action'",
                    "unknown key 'resource' in statement: element names are case-sensitive, write 'Resource'"]


# Rules a JSON Schema cannot state (a parsed document has dropped its duplicate keys; a Sid is unique
# across statements; what is valid depends on where the document is used): the grammar only.
GRAMMAR_ONLY = [
    ('{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", '
     '"Resource": "*"}, {"Sid": "A", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}]}',
     "identity", "also the Sid of statement 1"),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", '
     '"Condition": {"StringEquals": {"aws:username": "a", "aws:username": "b"}}}]}',
     "identity", "duplicate condition key 'aws:username'"),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", '
     '"Condition": {"StringEquals": {"aws:username": "a"}, "StringEquals": {"aws:userid": "b"}}}]}',
     "identity", "duplicate operator 'StringEquals'"),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", '
     '"Condition": {"StringEquals": {"aws:username": "a", "AWS:UserName": "b"}}}]}',
     "identity", "are the same key written twice"),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, '
     '"Action": "sts:AssumeRole", "Resource": "*"}]}', "trust", "cannot have Resource"),
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}, '
     '"Action": "sts:AssumeRole"}]}', "trust", "cannot have NotPrincipal"),
]


@pytest.mark.parametrize("text,role,message", GRAMMAR_ONLY)
def test_rules_beyond_the_schema(text, role, message):
    problems = list(check(build_document(parse_json(text), Origin("p.json", "policy-json"), role=role)))
    assert [p for p in problems if message in p.message], problems
    assert jsonschema.Draft202012Validator(load_schema("iam-policy.schema.json")).is_valid(json.loads(text))


def test_resource_policies_accept_other_sids():
    text = ('{"Version": "2012-10-17", "Statement": [{"Sid": "Allow SageMaker read", "Effect": "Allow", '
            '"Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "*"}, '
            '{"Sid": "Allow SageMaker read", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, '
            '"Action": "s3:GetObject", "Resource": "*"}]}')
    assert list(check(build_document(parse_json(text), Origin("p.json", "policy-json"), role="resource"))) == []
