"""LP002: the grammar gaps it closes (Version and Sid types, Sids IAM refuses, empty Statement and
principals, null condition values, one report for a wrong type, wrongly cased element names, files
meant as policies that IAM does not read, duplicate condition keys in every format, Resource and
NotPrincipal in role trust policies), at their line and column."""
import json
import re

import pytest
from hypothesis import given, settings, strategies as st

from aa_helpers import at, cfn, found_at, policy, pos, t


# ---------------------------------------------------------------------------
# LP002: the grammar gaps

def test_lp002_gaps_at_their_place(lint):
    text = json.dumps({"Version": 2012, "Statement": [
        {"Sid": 1, "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Sid": "read-data", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Sid": "Twice", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Sid": "Twice", "Effect": "Allow", "Action": 5, "Resource": "*",
         "Condition": {"StringEquals": {"aws:username": None}}},
    ]}, indent=2)
    found = lint(text, select=["LP002"])
    assert sorted((f.span.line, f.span.col) for f in found) == sorted([
        pos(text, "2012"), pos(text, "1,"), pos(text, '"read-data"'), pos(text, '"Twice"', 2), pos(text, "5"),
        pos(text, "null")])


def test_lp002_empty_statement_and_principals(lint):
    assert [(f.span.line, f.span.col) for f in lint('{"Version": "2012-10-17", "Statement": []}', select=["LP002"])] == [(1, 27)]
    text = policy({"Effect": "Allow", "Principal": {}, "Action": "sts:AssumeRole"},
                  {"Effect": "Allow", "Principal": {"AWS": []}, "Action": "sts:AssumeRole"})
    found = lint(text, name="trust.json", select=["LP002"])
    assert sorted((f.span.line, f.span.col) for f in found) == sorted([pos(text, '"Principal"'), pos(text, '"AWS"')])


def test_lp002_files_meant_as_policies_that_iam_does_not_read(lint):
    text = '[\n  {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}\n]\n'
    (f,) = lint(text, select=["LP002"])
    assert (f.span.line, f.span.col) == (1, 1) and "not a list" in f.message
    text = '{\n  "version": "2012-10-17",\n  "statement": [{"effect": "Allow", "action": "s3:GetObject", "resource": "*"}]\n}\n'
    (f,) = lint(text, select=["LP002"])
    assert (f.span.line, f.span.col) == pos(text, '"statement"') and "write 'Statement'" in f.message
    # JSON that is no policy stays quiet
    assert lint('[{"name": "x"}]', name="package.json", select=["LP002", "LP001"]) == []


def test_a_file_of_statements_only_is_linted_as_statements(lint):
    # a fragment a program adds to a policy: no LP002, its statements checked where they are
    text = ('[\n  {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},\n'
            '  {"Effect": "Allow", "Principal": {"Service": "${service}"}, "Action": "kms:Decrypt", "Resource": "*"}\n]\n')
    found = lint(text, name="statements.json", select=["LP002", "SM101"])
    assert [(f.code, f.span.line, f.span.col) for f in found] == [("SM101", 2, 33)]
    assert lint('{"compilerOptions": {"statement": 1}}', name="tsconfig.json", select=["LP002"]) == []


def test_lp002_duplicate_condition_keys_in_policy_json(lint):
    text = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",\n'
            ' "Condition": {"StringEquals": {"aws:username": "a", "aws:username": "b"}}}]}\n')
    (f,) = lint(text, select=["LP002"])
    assert (f.span.line, f.span.col) == pos(text, '"aws:username"', 2)


@pytest.mark.parametrize("stmts,needle", [
    ("""\
              - Sid: read-data
                Effect: Allow
                Action: s3:GetObject
                Resource: arn:aws:s3:::ml-data/*""", "read-data"),
    ("""\
              - Sid: ReadData
                Effect: Allow
                Action: s3:GetObject
                Resource: arn:aws:s3:::ml-data/*""", None),
])
def test_lp002_sid_in_cloudformation(lint, stmts, needle):
    text = cfn(stmts=stmts)
    want = [("LP002",) + pos(text, needle)] if needle else []
    assert found_at(lint, text, "template.yaml", "LP002") == want


def test_lp002_resource_in_a_cloudformation_trust_policy(lint):
    trust_stmt = """\
          - Effect: Allow
            Principal: {Service: sagemaker.amazonaws.com}
            Action: sts:AssumeRole
            Resource: "*\""""
    text = cfn(trust=trust_stmt)
    assert found_at(lint, text, "template.yaml", "LP002") == [("LP002",) + pos(text, "Resource", 2)]


def test_cloudformation_duplicate_condition_key_reported_once(lint):
    text = cfn(stmts="""\
              - Effect: Allow
                Action: s3:GetObject
                Resource: "*"
                Condition:
                  StringEquals:
                    aws:PrincipalTag/team: ml
                    aws:PrincipalTag/team: data""")
    assert found_at(lint, text, "template.yaml", "LP002") == [("LP002",) + pos(text, "aws:PrincipalTag/team", 2)]


HEREDOC = t("""
    resource "aws_iam_role_policy" "ml" {
      role   = "ml"
      policy = <<-EOF
        {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": "ml", "aws:PrincipalTag/team": "data"}}
          }]
        }
      EOF
    }
""")


def test_terraform_heredoc_duplicate_condition_key(lint):
    assert found_at(lint, HEREDOC, "main.tf", "LP002") == [("LP002",) + pos(HEREDOC, '"aws:PrincipalTag/team"', 2)]


def test_iam302_leaves_trust_notprincipal_to_lp002(lint):
    text = policy({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"})
    found = lint(text, name="trust.json", select=["IAM302", "LP002"])
    assert at(found, "IAM302") == []
    assert at(found, "LP002") == [("LP002",) + pos(text, '"NotPrincipal"') + ("error",)]


# The action and Sid checks are set operations; these are the patterns IAM's syntax was written
# as before, and they must agree on every text (a trailing newline included, which "$" allowed).
_ACTION_PATTERN = re.compile(r"^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]*)$")
_SID_PATTERN = re.compile(r"^[A-Za-z0-9]*$")


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="aZ09*?-_:\n é.$", max_size=12))
def test_action_and_sid_syntax_agree_with_their_patterns(text):
    from linter.grammar import _sid_ok, action_syntax_ok

    assert action_syntax_ok(text) == bool(_ACTION_PATTERN.match(text))
    assert _sid_ok(text) == bool(_SID_PATTERN.match(text))
