"""Helpers of the Access Analyzer check tests (IAM1xx, IAM2xx, IAM301/IAM302 changes, LP002 gaps).

``pos(text, needle)`` is where the n-th ``needle`` starts (1-based line and column); ``expect``
runs one rule and checks that its findings are exactly at the needles.
"""
import json
import textwrap


def pos(text, needle, nth=1):
    start = -1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1


def at(findings, code):
    return sorted((f.code, f.span.line, f.span.col, f.severity) for f in findings if f.code == code)


def policy(*statements, version="2012-10-17"):
    d = {"Version": version} if version is not None else {}
    d["Statement"] = list(statements)
    return json.dumps(d, indent=2)


def allow(action="s3:GetObject", resource="*", condition=None, effect="Allow", **extra):
    st = {"Effect": effect, "Action": action, "Resource": resource}
    if condition is not None:
        st["Condition"] = condition
    st.update(extra)
    return st


def trust(principal, action="sts:AssumeRole", condition=None, effect="Allow"):
    st = {"Effect": effect, "Principal": principal, "Action": action}
    if condition is not None:
        st["Condition"] = condition
    return st


def expect(lint, text, code, *needles, severity=None, name="policy.json"):
    """The findings of ``code`` are exactly at ``needles`` (each a string or (string, nth))."""
    found = lint(text, name=name, select=[code])
    want = []
    for n in needles:
        needle, nth = n if isinstance(n, tuple) else (n, 1)
        want.append((code,) + pos(text, needle, nth))
    assert sorted((f.code, f.span.line, f.span.col) for f in found) == sorted(want), [f.message for f in found]
    if severity is not None:
        assert {f.severity for f in found} == {severity}
    return found




def t(s):
    return textwrap.dedent(s).lstrip("\n")


def found_at(lint, text, name, code):
    return sorted((f.code, f.span.line, f.span.col) for f in lint(text, name=name, select=[code]))


# A CloudFormation role: identity policy statements under {stmts}, trust statements under {trust}.
CFN = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  MlRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
{trust}
      Policies:
        - PolicyName: ml
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
{stmts}
"""

TRUST_OK = """\
          - Effect: Allow
            Principal: {Service: sagemaker.amazonaws.com}
            Action: sts:AssumeRole"""
STMT_OK = """\
              - Effect: Allow
                Action: s3:GetObject
                Resource: arn:aws:s3:::ml-data/*"""


def cfn(stmts=STMT_OK, trust=TRUST_OK):
    return CFN.format(stmts=stmts, trust=trust)
