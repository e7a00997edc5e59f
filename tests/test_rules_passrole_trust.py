"""IAM301 (PassRole with NotResource, or with a NotAction that leaves it granted) and IAM302 (what
narrows a wildcard principal: never ForAllValues:) in policy JSON."""
import pytest

from aa_helpers import at, cfn, found_at, policy, pos, trust


# ---------------------------------------------------------------------------
# IAM301: NotResource, NotAction; a malformed iam:PassedToService does not lower the severity

def test_iam301_notresource_and_notaction(lint):
    text = policy({"Effect": "Allow", "Action": "iam:PassRole", "NotResource": "arn:aws:iam::111122223333:role/admin"},
                  {"Effect": "Allow", "NotAction": ["s3:*"], "Resource": "*"},
                  {"Effect": "Allow", "NotAction": "ec2:*", "NotResource": "arn:aws:iam::111122223333:role/admin"})
    found = lint(text, select=["IAM301"])
    assert at(found, "IAM301") == sorted([("IAM301",) + pos(text, '"iam:PassRole"') + ("error",),
                                          ("IAM301",) + pos(text, '"NotAction"') + ("error",),
                                          ("IAM301",) + pos(text, '"NotAction"', 2) + ("error",)])
    assert "NotResource" in found[0].message or any("NotResource" in f.message for f in found)


def test_iam301_notaction_and_notresource_that_leave_passrole_out(lint):
    text = policy({"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"},
                  {"Effect": "Allow", "Action": "iam:PassRole", "NotResource": "arn:aws:iam::*:role/*"},
                  {"Effect": "Allow", "NotAction": "s3:*", "Resource": "arn:aws:iam::111122223333:role/ml-*"})
    assert lint(text, select=["IAM301"]) == []


# ---------------------------------------------------------------------------
# IAM302: what narrows

@pytest.mark.parametrize("condition,narrows", [
    ({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, False),
    ({"ForAllValues:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}}, False),
    ({"StringEqualsIfExists": {"aws:PrincipalAccount": "111122223333"}}, False),
    ({"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, True),
    ({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, True),
])
def test_iam302_forallvalues_never_narrows(lint, condition, narrows):
    text = policy(trust({"AWS": "*"}, condition=condition))
    found = lint(text, name="trust.json", select=["IAM302"])
    assert (found == []) == narrows


def test_iam301_notresource_in_cloudformation(lint):
    text = cfn(stmts="""\
              - Effect: Allow
                Action: iam:PassRole
                NotResource: arn:aws:iam::111122223333:role/admin""")
    assert found_at(lint, text, "template.yaml", "IAM301") == [("IAM301",) + pos(text, "iam:PassRole")]
    text = cfn(stmts="""\
              - Effect: Allow
                NotAction: [iam:*, s3:DeleteBucket]
                Resource: "*\"""")
    assert found_at(lint, text, "template.yaml", "IAM301") == []


@pytest.mark.parametrize("trust_stmt,narrowed", [
    ("""\
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: sts:AssumeRole
            Condition:
              ForAllValues:StringEquals: {aws:PrincipalOrgID: o-a1b2c3d4e5}""", False),
    ("""\
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: sts:AssumeRole
            Condition:
              StringEquals: {aws:PrincipalOrgID: o-a1b2c3d4e5}""", True),
])
def test_iam302_forallvalues_in_cloudformation(lint, trust_stmt, narrowed):
    text = cfn(trust=trust_stmt)
    want = [] if narrowed else [("IAM302",) + pos(text, '"*"')]
    assert found_at(lint, text, "template.yaml", "IAM302") == want


URLSUFFIX_TEMPLATE = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: SERVICE
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [iam:PassRole]
                Resource: "*"
                Condition:
                  StringEquals:
                    iam:PassedToService: SERVICE
              - Effect: Allow
                Action: sagemaker:CreateTrainingJob
                Resource: "*"
"""


@pytest.mark.parametrize("service", ['!Sub "sagemaker.${AWS::URLSuffix}"',
                                     '!Join ["", ["sagemaker.", !Ref "AWS::URLSuffix"]]',
                                     "sagemaker.amazonaws.com"])
def test_passed_to_service_written_with_the_url_suffix_is_sagemaker(lint, service):
    """CloudFormation's AWS::URLSuffix is amazonaws.com (amazonaws.com.cn in China): the condition
    names SageMaker, IAM301 is a warning naming it, and the path is SM301 all the same."""
    text = URLSUFFIX_TEMPLATE.replace("SERVICE", service)
    got = [(f.code, f.span.line, f.span.col, f.severity) for f in lint(text, "t.yaml", select=["IAM301", "SM301"])]
    assert got == [("IAM301", 18, 26, "warning"), ("SM301", 18, 26, "error")]
