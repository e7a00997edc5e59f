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
