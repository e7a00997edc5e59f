"""CloudFormation and SAM templates: where policies are found, intrinsics, positions.

Positions are asserted exactly. ``pos(text, needle)`` gives the 1-based line and column
where ``needle`` starts in ``text`` (its n-th occurrence), which keeps the expectations
readable next to the templates.
"""
import os
import textwrap

import pytest

from linter.located import Span, Unresolved, plain
from linter.sources import load


def pos(text, needle, nth=1):
    start = -1
    for _ in range(nth):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, col


def at(findings, code=None):
    return sorted((f.code, f.span.line, f.span.col) for f in findings if code is None or f.code == code)


@pytest.fixture
def source(tmp_path):
    """source(text, name) -> SourceFile, loaded as the engine loads it."""
    def _load(text, name="template.yaml"):
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return load(str(p), name)
    return _load


def t(s):
    return textwrap.dedent(s).lstrip("\n")


# ---------------------------------------------------------------------------
# Where policies are found

ROLE = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      NotebookRole:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Principal:
                  Service: sagemaker.amazonaws.com
                Action: sts:AssumeRole
          Policies:
            - PolicyName: all
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - Effect: Allow
                    Action: sagemaker:*
                    Resource: "*"
          ManagedPolicyArns:
            - !Sub "arn:${AWS::Partition}:iam::aws:policy/AmazonSageMakerFullAccess"
            - arn:aws:iam::123456789012:policy/team
    """)


def test_role_documents_labels_and_paths(source):
    src = source(ROLE)
    assert src.kind == "cloudformation"
    trust, inline = src.documents
    assert (trust.role, trust.origin.label) == ("trust", "AWS::IAM::Role NotebookRole AssumeRolePolicyDocument")
    assert trust.origin.path == ("Resources", "NotebookRole", "Properties", "AssumeRolePolicyDocument")
    assert inline.role == "identity"
    assert inline.origin.label == "AWS::IAM::Role NotebookRole Policies[0].PolicyDocument"
    assert inline.origin.path == ("Resources", "NotebookRole", "Properties", "Policies", 0, "PolicyDocument")
    st = inline.statements[0]
    assert st.path == inline.origin.path + ("Statement", 0)
    assert (st.action.values[0].span.line, st.action.values[0].span.col) == pos(ROLE, "sagemaker:*")
    refs = [(r.value.value, (r.value.span.line, r.value.span.col)) for r in src.managed_refs]
    assert refs == [("arn:${AWS::Partition}:iam::aws:policy/AmazonSageMakerFullAccess", pos(ROLE, '"arn:${AWS::Partition}')),
                    ("arn:aws:iam::123456789012:policy/team", pos(ROLE, "arn:aws:iam::123456789012"))]


def test_role_findings_at_exact_positions(lint):
    found = lint(ROLE, name="template.yaml", select=["SM101", "SM201", "SM105"])
    assert at(found) == sorted([
        ("SM101",) + pos(ROLE, "sagemaker:*"),
        ("SM201",) + pos(ROLE, '"*"'),
        ("SM105",) + pos(ROLE, '"arn:${AWS::Partition}'),
    ])


def test_blocks_cover_resources_and_statements(source):
    src = source(ROLE)
    line, col = pos(ROLE, "NotebookRole:")
    last = ROLE.rstrip("\n").splitlines()
    end = Span(line, col, len(last), len(last[-1]) + 1)
    assert end in src.blocks  # from the logical id to the end of the resource
    assert any(b.line == pos(ROLE, "- Effect: Allow", 2)[0] for b in src.blocks)


@pytest.mark.parametrize("typ,prop,role", [
    ("AWS::IAM::Policy", "PolicyDocument", "identity"),
    ("AWS::IAM::ManagedPolicy", "PolicyDocument", "identity"),
    ("AWS::IAM::RolePolicy", "PolicyDocument", "identity"),
    ("AWS::IAM::UserPolicy", "PolicyDocument", "identity"),
    ("AWS::IAM::GroupPolicy", "PolicyDocument", "identity"),
    ("AWS::S3::BucketPolicy", "PolicyDocument", "resource"),
    ("AWS::SQS::QueuePolicy", "PolicyDocument", "resource"),
    ("AWS::SNS::TopicPolicy", "PolicyDocument", "resource"),
    ("AWS::KMS::Key", "KeyPolicy", "resource"),
    ("AWS::SageMaker::ModelPackageGroup", "ModelPackageGroupPolicy", "resource"),
    ("AWS::SSO::PermissionSet", "InlinePolicy", "identity"),
    ("AWS::EC2::VPCEndpoint", "PolicyDocument", "endpoint"),
    ("Custom::Anything", "PolicyDocument", "identity"),
])
def test_policy_properties(source, typ, prop, role):
    text = t(f"""
        Resources:
          Thing:
            Type: {typ}
            Properties:
              {prop}:
                Statement:
                  - Effect: Allow
                    Action: sagemaker:DescribeModel
                    Resource: "*"
        """)
    src = source(text)
    assert [(d.role, d.origin.label) for d in src.documents] == [(role, f"{typ} Thing {prop}")]


@pytest.mark.parametrize("typ", ["AWS::IAM::User", "AWS::IAM::Group"])
def test_users_and_groups(source, typ):
    text = t(f"""
        Resources:
          Who:
            Type: {typ}
            Properties:
              Policies:
                - PolicyName: p
                  PolicyDocument: {{Statement: [{{Effect: Allow, Action: "sagemaker:*", Resource: "*"}}]}}
              ManagedPolicyArns: [arn:aws:iam::aws:policy/PowerUserAccess]
        """)
    src = source(text)
    assert [d.origin.label for d in src.documents] == [f"{typ} Who Policies[0].PolicyDocument"]
    assert [r.value.value for r in src.managed_refs] == ["arn:aws:iam::aws:policy/PowerUserAccess"]


def test_any_nested_property_named_policydocument(source):
    text = t("""
        Resources:
          Thing:
            Type: Custom::PolicyMaker
            Properties:
              Config:
                Items:
                  - PolicyDocument:
                      Statement:
                        - Effect: Allow
                          Principal: {AWS: "*"}
                          Action: s3:GetObject
                          Resource: "*"
        """)
    (doc,) = source(text).documents
    assert doc.role == "resource"
    assert doc.origin.label == "Custom::PolicyMaker Thing Config.Items[0].PolicyDocument"


def test_not_a_template(source):
    src = source("name: ci\non: [push]\njobs: {}\n", name="workflow.yml")
    assert src.kind == "yaml" and not src.documents and not src.findings
    # A YAML file that does not even parse and does not look like a template is not a policy source.
    src = source("{{ if .Values.x }}\nkey: {{ .Values.y }}\n{{ end }}\n", name="chart.yaml")
    assert src.kind == "yaml" and not src.findings


def test_template_syntax_error_is_lp001(source):
    text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R: [a, b\n"
    src = source(text)
    # the end of the file is reported at the end of the last line, not on a line that does not exist
    assert [(f.code, f.span.line, f.span.col) for f in src.findings] == [("LP001", 3, 11)]


def test_template_without_format_version(source):
    src = source("Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n"
                 "        Statement: []\n", name="t.template")
    assert src.kind == "cloudformation" and len(src.documents) == 1


# ---------------------------------------------------------------------------
# Intrinsic functions

IFS = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Conditions:
      IsProd: !Equals [!Ref Env, prod]
    Resources:
      Policy:
        Type: AWS::IAM::ManagedPolicy
        Properties:
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: !If [IsProd, "sagemaker:DescribeModel", "sagemaker:*"]
                Resource: !If
                  - IsProd
                  - !Sub "arn:aws:sagemaker:${AWS::Region}:${AWS::AccountId}:model/churn"
                  - "*"
              - !If
                - IsProd
                - !Ref AWS::NoValue
                - Effect: Allow
                  Action: iam:PassRole
                  Resource: "*"
              - Effect: Allow
                Action:
                  - sagemaker:ListModels
                  - !If [IsProd, !Ref AWS::NoValue, "sagemaker:Create*"]
                Resource: "*"
    """)


def test_fn_if_both_branches_each_at_its_own_position(lint):
    found = lint(IFS, name="template.yaml", select=["SM101", "SM102", "SM201", "IAM301"])
    assert at(found) == sorted([
        ("SM101",) + pos(IFS, '"sagemaker:*"'),  # the false branch of the Action !If
        ("SM201", pos(IFS, '- "*"')[0], pos(IFS, '- "*"')[1] + 2),  # the false branch of the Resource !If
        ("IAM301",) + pos(IFS, "iam:PassRole"),  # a statement inside an !If branch
        ("SM102",) + pos(IFS, '"sagemaker:Create*"'),  # a list element inside an !If
        ("SM201",) + pos(IFS, '"*"', 3),
    ])


def test_fn_if_branches_are_not_duplicated(lint):
    found = lint(IFS, name="template.yaml")
    assert len(found) == len({(f.code, f.span) for f in found})


def test_novalue_removes_the_element(source):
    text = t("""
        Resources:
          P:
            Type: AWS::IAM::Policy
            Properties:
              PolicyDocument:
                Statement:
                  - !Ref AWS::NoValue
                  - Effect: Allow
                    Action: [s3:GetObject, !Ref AWS::NoValue]
                    Resource: "*"
                    Condition: !Ref AWS::NoValue
        """)
    (doc,) = source(text).documents
    (st,) = doc.statements
    assert [v.value for v in st.action.values] == ["s3:GetObject"]
    assert st.condition == [] and st.condition_span is None
    assert st.index == 0 and st.path[-1] == 0


def test_fn_if_condition_takes_the_weaker_branch(source):
    text = t("""
        Resources:
          P:
            Type: AWS::IAM::Policy
            Properties:
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Action: iam:PassRole
                    Resource: arn:aws:iam::123456789012:role/*
                    Condition: !If
                      - Strict
                      - StringEquals: {iam:PassedToService: sagemaker.amazonaws.com}
                      - !Ref AWS::NoValue
        """)
    (st,) = source(text).documents[0].statements
    assert st.condition == []  # the branch without a condition is what must be judged


def test_fn_if_around_a_whole_document(source):
    text = t("""
        Resources:
          P:
            Type: AWS::IAM::Policy
            Properties:
              PolicyDocument: !If
                - C
                - {Statement: [{Effect: Allow, Action: "sagemaker:*", Resource: "*"}]}
                - {Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
        """)
    docs = source(text).documents
    assert [d.origin.label for d in docs] == ["AWS::IAM::Policy P PolicyDocument.Fn::If[1]",
                                              "AWS::IAM::Policy P PolicyDocument.Fn::If[2]"]
    assert [d.statements[0].action.values[0].value for d in docs] == ["sagemaker:*", "s3:*"]


def test_sub_join_ref_getatt(source):
    text = t("""
        Resources:
          P:
            Type: AWS::IAM::Policy
            Properties:
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Action: sagemaker:CreateModel
                    Resource:
                      - !Sub "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model/${Name}"
                      - !Sub ["arn:aws:s3:::${B}/${K}", {B: my-bucket, K: !Ref Key}]
                      - !Join ["", ["arn:aws:sagemaker:", !Ref AWS::Region, ":", !GetAtt Acct.Id, ":model/x"]]
                      - !Join [":", [a, !Select [0, [b]]]]
                      - !Ref ModelArn
                      - !GetAtt Model.Arn
                      - !ImportValue shared-model-arn
                      - !FindInMap [Arns, !Ref Env, Model]
                      - "${!Literal}"
                      - !Sub "${!Literal}"
        """)
    (st,) = source(text).documents[0].statements
    vals = [v.value for v in st.resource.values]
    assert vals[:3] == ["arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model/${Name}",
                        "arn:aws:s3:::my-bucket/${Key}",
                        "arn:aws:sagemaker:${AWS::Region}:${Acct.Id}:model/x"]
    unresolved = vals[3:8]
    assert all(isinstance(v, Unresolved) for v in unresolved)
    assert [v.text for v in unresolved[1:]] == ["!Ref ModelArn", "!GetAtt Model.Arn", "!ImportValue shared-model-arn",
                                                "!FindInMap [Arns, !Ref Env, Model]"]
    assert [v.kind for v in unresolved] == ["Fn::Join", "Ref", "Fn::GetAtt", "Fn::ImportValue", "Fn::FindInMap"]
    assert vals[8:] == ["${!Literal}", "${Literal}"]  # Sub's escape only applies inside Sub
    # Values are located where they are written: a !Sub string at the string, a !Ref at the tag.
    spans = [(v.span.line, v.span.col) for v in st.resource.values]
    assert spans[0] == pos(text, '"arn:${AWS::Partition}')
    assert spans[1] == pos(text, '"arn:aws:s3')
    assert spans[2] == pos(text, '!Join ["", [')
    assert spans[4] == pos(text, "!Ref ModelArn")


def test_join_parts(source):
    from linter.parsers.yaml_loc import parse_yaml
    from linter.sources.cloudformation import Resolver

    tree = parse_yaml(t("""
        a: !Join ["", ["arn:", !Ref AWS::Partition, ":s3:::b", !Ref AWS::NoValue]]
        b: !Join ["", ["arn:", !If [C, aws, aws-cn], ":s3:::b"]]
        c: !Join [":", [a, 1, !GetAtt X.Y]]
        d: !Join [",", !Ref List]
        """))
    r = Resolver()
    assert r.resolve(tree["a"]) == "arn:${AWS::Partition}:s3:::b"
    assert isinstance(r.resolve(tree["b"]), Unresolved)  # an !If part has no single text
    assert r.resolve(tree["c"]) == "a:1:${X.Y}"
    assert r.resolve(tree["d"]).kind == "Fn::Join"


def test_short_and_long_forms_give_the_same_documents(source):
    short = t("""
        Resources:
          P:
            Type: AWS::IAM::Policy
            Properties:
              PolicyDocument:
                Statement:
                  - Effect: !If [C, Allow, Deny]
                    Action: !Split [",", "sagemaker:A,sagemaker:B"]
                    Resource: [!Sub "arn:${AWS::Partition}:s3:::b", !GetAtt R.Arn, !Ref X]
        """)
    long = t("""
        Resources:
          P:
            Type: AWS::IAM::Policy
            Properties:
              PolicyDocument:
                Statement:
                  - Effect: {"Fn::If": [C, Allow, Deny]}
                    Action: {"Fn::Split": [",", "sagemaker:A,sagemaker:B"]}
                    Resource: [{"Fn::Sub": "arn:${AWS::Partition}:s3:::b"}, {"Fn::GetAtt": [R, Arn]}, {Ref: X}]
        """)

    def shape(src):
        return [(plain(d.raw), [(s.effect.value, [v.value for v in s.action.values] if s.action else None,
                                 [v.value for v in s.resource.values]) for s in d.statements])
                for d in src.documents]

    assert shape(source(short, "a.yaml")) == shape(source(long, "b.yaml"))
    (st,) = source(short, "a.yaml").documents[0].statements
    assert st.effect.value == "Allow"  # Fn::If on Effect: the branch that grants


def test_ref_to_an_oidc_provider_in_the_template(source):
    text = t("""
        Resources:
          Gh:
            Type: AWS::IAM::OIDCProvider
            Properties:
              Url: https://token.actions.githubusercontent.com
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal: {Federated: !Ref Gh}
                    Action: sts:AssumeRoleWithWebIdentity
        """)
    (doc,) = source(text).documents
    (v,) = doc.statements[0].principal.values_of("Federated")
    assert v.value == "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"
    assert (v.span.line, v.span.col) == pos(text, "!Ref Gh")


def test_account_ids_written_as_numbers_stay_text(source):
    text = t("""
        Resources:
          B:
            Type: AWS::S3::BucketPolicy
            Properties:
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal: {AWS: [012345678901, 123456789012]}
                    Action: s3:GetObject
                    Resource: arn:aws:s3:::b/*
        """)
    (doc,) = source(text).documents
    assert [v.value for v in doc.statements[0].principal.values_of("AWS")] == ["012345678901", "123456789012"]
    assert not doc.problems


# ---------------------------------------------------------------------------
# Policies written as JSON strings

JSON_STRINGS = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Block:
        Type: AWS::IAM::Policy
        Properties:
          PolicyName: p
          PolicyDocument: |
            {
              "Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "arn:aws:sagemaker:*:1:model/m"}]
            }
      Sub:
        Type: AWS::IAM::Policy
        Properties:
          PolicyName: q
          PolicyDocument: !Sub '{"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::${AWS::AccountId}:role/*"}]}'
      Quoted:
        Type: AWS::IAM::Policy
        Properties:
          PolicyName: r
          PolicyDocument: "{\\"Statement\\": {\\"Effect\\": \\"Allow\\", \\"Action\\": \\"sagemaker:Create*\\", \\"Resource\\": \\"*\\"}}"
      Broken:
        Type: AWS::IAM::Policy
        Properties:
          PolicyName: s
          PolicyDocument: '{"Statement": ['
    """)


def test_json_string_documents_point_inside_the_string(lint):
    found = lint(JSON_STRINGS, name="template.yaml")
    assert at(found, "SM101") == [("SM101",) + pos(JSON_STRINGS, '"sagemaker:*"')]
    assert at(found, "IAM301") == [("IAM301",) + pos(JSON_STRINGS, '"iam:PassRole"')]
    assert at(found, "SM102") == [("SM102",) + pos(JSON_STRINGS, '\\"sagemaker:Create*')]
    assert [(f.code, f.span.line) for f in found if f.code == "LP002"] == [
        ("LP002", pos(JSON_STRINGS, "'{\"Statement\": ['")[0])]


FOLDED = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Folded:
        Type: AWS::IAM::Policy
        Properties:
          PolicyName: p
          PolicyDocument: >-
            {"Statement": [
              {"Effect": "Allow",
               "Action": "sagemaker:*", "Resource": "arn:aws:sagemaker:*:1:model/m"}]}
      Plain:
        Type: AWS::IAM::Policy
        Properties:
          PolicyName: r
          PolicyDocument: '{"Statement": [{"Effect": "Allow",
            "Action": "sagemaker:Create*", "Resource": "arn:aws:sagemaker:*:1:model/m"}]}'
    """)


def test_folded_and_multiline_json_strings(lint):
    found = lint(FOLDED, name="template.yaml", select=["SM101", "SM102"])
    assert at(found) == sorted([("SM101",) + pos(FOLDED, '"sagemaker:*"'),
                                ("SM102",) + pos(FOLDED, '"sagemaker:Create*"')])


def test_json_template_with_a_json_string_document(lint):
    text = t("""
        {
          "AWSTemplateFormatVersion": "2010-09-09",
          "Resources": {
            "R": {
              "Type": "AWS::IAM::Role",
              "Properties": {
                "AssumeRolePolicyDocument": "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Principal\\": {\\"AWS\\": \\"*\\"}, \\"Action\\": \\"sts:AssumeRole\\"}]}",
                "Policies": [
                  {"Fn::If": ["C", {"PolicyName": "a", "PolicyDocument": {"Statement": [
                    {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}}, {"Ref": "AWS::NoValue"}]}
                ]
              }
            }
          }
        }
        """)
    found = lint(text, name="template.json", select=["IAM302", "SM101", "SM201"])
    assert at(found) == sorted([
        ("IAM302",) + pos(text, '\\"*\\"'),
        ("SM101",) + pos(text, '"sagemaker:*"'),
        ("SM201",) + pos(text, '"*"}]}}'),
    ])


# ---------------------------------------------------------------------------
# SAM

SAM = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Policies:
            - AmazonSageMakerFullAccess
            - !Sub "arn:${AWS::Partition}:iam::aws:policy/AmazonS3ReadOnlyAccess"
            - SageMakerCreateEndpointPolicy:
                EndpointName: !Ref EndpointName
            - SageMakerCreateEndpointConfigPolicy:
                EndpointConfigName: churn/config
            - S3CrudPolicy:
                BucketName: my-bucket
            - DynamoDBCrudPolicy:
                TableName: t
            - Statement:
                - Effect: Allow
                  Action: sagemaker:InvokeEndpoint
                  Resource: "*"
      Machine:
        Type: AWS::Serverless::StateMachine
        Properties:
          Policies: AdministratorAccess
    """)


def test_sam_policies_extracted(source):
    src = source(SAM)
    labels = [d.origin.label for d in src.documents]
    assert labels == ["AWS::Serverless::Function Fn Policies[2].SageMakerCreateEndpointPolicy",
                      "AWS::Serverless::Function Fn Policies[3].SageMakerCreateEndpointConfigPolicy",
                      "AWS::Serverless::Function Fn Policies[4].S3CrudPolicy",
                      "AWS::Serverless::Function Fn Policies[6]"]
    ep, cfg, crud, inline = src.documents
    (st,) = ep.statements
    assert [v.value for v in st.action.values] == ["sagemaker:CreateEndpoint"]
    assert [v.value for v in st.resource.values] == [
        "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/${EndpointName}"]
    # Actions point at the template name, resources at the parameter value they come from.
    assert (st.action.values[0].span.line, st.action.values[0].span.col) == pos(SAM, "SageMakerCreateEndpointPolicy")
    assert (st.resource.values[0].span.line, st.resource.values[0].span.col) == pos(SAM, "!Ref EndpointName")
    assert [v.value for v in crud.statements[0].resource.values] == [
        "arn:${AWS::Partition}:s3:::my-bucket", "arn:${AWS::Partition}:s3:::my-bucket/*"]
    assert len(crud.statements[0].action.values) == 9
    refs = [(r.value.value, r.origin.label) for r in src.managed_refs]
    assert refs == [("AmazonSageMakerFullAccess", "AWS::Serverless::Function Fn Policies[0]"),
                    ("arn:${AWS::Partition}:iam::aws:policy/AmazonS3ReadOnlyAccess", "AWS::Serverless::Function Fn Policies[1]"),
                    ("AdministratorAccess", "AWS::Serverless::StateMachine Machine Policies")]


def test_sam_findings_at_exact_positions(lint):
    found = lint(SAM, name="template.yaml", select=["SM105", "SM201", "SM203"])
    assert at(found) == sorted([
        ("SM105",) + pos(SAM, "AmazonSageMakerFullAccess"),
        ("SM105",) + pos(SAM, "AdministratorAccess"),
        ("SM203",) + pos(SAM, "churn/config"),  # a SAM policy template, reported at its parameter
        ("SM201",) + pos(SAM, '"*"'),  # an inline SAM statement
    ])


# ---------------------------------------------------------------------------
# Duplicate keys, limits, comments

def test_duplicate_keys_are_lp002(lint):
    text = t("""
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          P:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Action: s3:GetObject
                    Action: sagemaker:DescribeModel
                    Resource: "*"
                    Condition:
                      StringEquals:
                        aws:RequestedRegion: eu-west-1
                        aws:RequestedRegion: us-east-1
              Description: a
              Description: b
          R:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: x}, Action: sts:AssumeRole}]}
              Policies: []
              Policies: [{PolicyName: p, PolicyDocument: {Statement: [{Effect: Allow, Action: s3:*, Resource: "*"}]}}]
          R:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: y}, Action: sts:AssumeRole}]}
          Q:
            Type: AWS::S3::Bucket
          Q:
            Type: AWS::S3::Bucket
          F:
            Type: AWS::Lambda::Function
            Properties:
              Environment:
                Variables:
                  A: "1"
                  A: "2"
        """)
    found = lint(text, name="template.yaml")
    # LP002 covers policies: duplicates inside documents, of the keys that hold them and of
    # the logical ids of resources that hold them; not a bucket's id nor a function's variables
    assert at(found, "LP002") == sorted([
        ("LP002",) + pos(text, "Action:", 2),  # in a statement (reported by the policy model)
        ("LP002",) + pos(text, "aws:RequestedRegion", 2),
        ("LP002",) + pos(text, "R:", 2),  # a role defined twice: the first one's policies are lost
    ])


def test_alias_bomb_refused_with_a_finding(lint):
    lines = ['AWSTemplateFormatVersion: "2010-09-09"', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    found = lint("\n".join(lines) + "\n", name="bomb.yaml")
    assert [(f.code, f.span.line) for f in found] == [("LP001", 7)]
    assert "alias bomb" in found[0].message


def test_deep_nesting_refused_with_a_finding(lint):
    text = 'AWSTemplateFormatVersion: "2010-09-09"\nResources: ' + "[" * 10_000 + "]" * 10_000 + "\n"
    found = lint(text, name="deep.yaml")
    assert [(f.code, f.span.line) for f in found] == [("LP001", 2)]
    assert "nested more than" in found[0].message


def test_comments_are_collected(source):
    text = "# lint-policies: ignore SM101 -- sandbox\nAWSTemplateFormatVersion: '2010-09-09' # v\nResources: {}\n"
    src = source(text)
    assert [(str(c), c.span.line, c.span.col) for c in src.comments] == [
        ("# lint-policies: ignore SM101 -- sandbox", 1, 1), ("# v", 2, 40)]


# ---------------------------------------------------------------------------
# The labelled CloudFormation cases

CASES = os.path.join(os.path.dirname(__file__), "cases")


@pytest.mark.parametrize("name,expected", [
    ("c01_cfn_role_inline.yaml", [("SM101", 28, 25), ("SM201", 29, 27)]),
    ("c02_cfn_managed_policy.yaml", [("IAM301", 24, 21), ("SM201", 21, 23), ("SM301", 24, 21)]),
    ("c03_cfn_scoped_neg.yaml", []),
    ("c04_cfn_notaction.yaml", [("SM103", 15, 13), ("SM201", 18, 23)]),
    ("c06_cfn_trust_star.yaml", [("IAM302", 11, 20)]),
    ("c07_cfn_oidc_trust.yaml", [("IAM303", 19, 26)]),
    ("c08_cfn_json.json", [("SM102", 25, 30), ("SM201", 31, 31)]),
    ("c09_sam.yaml", [("IAM301", 21, 23), ("SM201", 19, 25)]),
])
def test_cases(lint, name, expected):
    text = open(os.path.join(CASES, name), encoding="utf-8").read()
    found = [f for f in lint(text, name=name) if f.severity in ("error", "warning")]
    assert at(found) == expected


DYNAMIC = t("""
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Policy:
        Type: AWS::IAM::ManagedPolicy
        Properties:
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: sagemaker:InvokeEndpoint
                Resource: "arn:aws:sagemaker:us-east-1:{{resolve:ssm:/org/account-id}}:endpoint/churn"
              - Effect: Allow
                Action: iam:PassRole
                Resource: !Sub "arn:${AWS::Partition}:iam::{{resolve:ssm:/org/account-id}}:role/*"
              - Effect: Allow
                Action: s3:GetObject
                Resource: "arn:aws:s3:::{{resolve:ssm:/org/bucket}}/*"
""")


def test_dynamic_references_are_one_arn_segment(lint):
    # {{resolve:ssm:...}} holds colons: split on them, the scoped endpoint ARN matched no SageMaker
    # resource type (SM203) and the PassRole on every role of an account was not seen (IAM301)
    found = lint(DYNAMIC, name="template.yaml", select=["SM203", "IAM301", "IAM109", "IAM110"])
    assert at(found) == [("IAM301",) + pos(DYNAMIC, "iam:PassRole")]
    assert '"arn:${AWS::Partition}:iam::${resolve:ssm:/org/account-id}:role/*"' in found[0].message


STACK_SET = """\
Resources:
  Roles:
    Type: AWS::CloudFormation::StackSet
    Properties:
      StackSetName: ml-roles
      PermissionModel: SERVICE_MANAGED
      TemplateBody: |
        AWSTemplateFormatVersion: '2010-09-09'
        Resources:
          Exec:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: '2012-10-17'
                Statement:
                  - Effect: Allow
                    Principal: {AWS: '*'}
                    Action: sts:AssumeRole
              Policies:
                - PolicyName: p
                  PolicyDocument:
                    Version: '2012-10-17'
                    Statement:
                      - Effect: Allow
                        Action: ['sagemaker:CreateTrainingJob', 'iam:PassRole']
                        Resource: !Sub 'arn:${AWS::Partition}:*'
"""


def test_stack_set_template_body_is_linted_as_a_template_at_its_lines(lint):
    codes = ["IAM302", "IAM301", "SM301"]
    got = [(f.code, f.span.line, f.span.col, f.label) for f in lint(STACK_SET, "stackset.yaml", select=codes)]
    assert got == [
        ("IAM302", 17, 38, "AWS::IAM::Role Exec AssumeRolePolicyDocument"),
        ("IAM301", 25, 65, "AWS::IAM::Role Exec Policies[0].PolicyDocument"),
        ("SM301", 25, 65, "AWS::IAM::Role Exec Policies[0].PolicyDocument"),
    ]
    # the same template as a JSON string
    import json

    from linter.parsers.yaml_loc import parse_yaml_stream

    inner = STACK_SET.split("TemplateBody: |\n", 1)[1]
    body = json.dumps(json.loads(json.dumps(parse_yaml_stream(
        "\n".join(line[8:] for line in inner.split("\n")))[0], default=str)))
    text = json.dumps({"Resources": {"Roles": {"Type": "AWS::CloudFormation::StackSet",
                                               "Properties": {"TemplateBody": body}}}})
    assert sorted(f.code for f in lint(text, "stackset.json", select=codes)) == ["IAM301", "IAM302", "SM301"]
    # a body that does not parse alone is not read, and not reported
    broken = STACK_SET.replace("Principal: {AWS: '*'}", "Principal: {AWS: '*'")
    assert lint(broken, "stackset.yaml", select=codes + ["LP"]) == []


def test_getatt_arn_of_a_sagemaker_resource_reaches_its_type_only(tmp_path, monkeypatch):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    text = """\
Resources:
  Domain:
    Type: AWS::SageMaker::Domain
    Properties: {DomainName: d, AuthMode: IAM}
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: sagemaker:*
            Resource: !GetAtt Domain.DomainArn
"""
    (tmp_path / "t.yaml").write_text(text)
    found = run(["t.yaml"], Options(select=["SM101"])).findings
    assert [(f.code, f.span.line, f.span.col) for f in found] == [("SM101", 11, 21)]
    assert found[0].message.startswith('"sagemaker:*" grants 7 of the 460 SageMaker actions, all that its Resource')


def test_a_managed_policy_given_as_a_parameters_default(tmp_path, monkeypatch):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    text = """\
Parameters:
  PolicyArn:
    Type: String
    Default: arn:aws:iam::aws:policy/AmazonSageMakerFullAccess
  Extra:
    Type: CommaDelimitedList
    Default: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess,arn:aws:iam::aws:policy/PowerUserAccess"
  Other:
    Type: String
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns: [!Ref PolicyArn, !Ref Other]
  Role2:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}
      ManagedPolicyArns: [!Ref PolicyArn]
"""
    (tmp_path / "t.yaml").write_text(text)
    found = run(["t.yaml"], Options(select=["SM105"])).findings
    # what deploys unless the stack is given another value, reported once at the default
    assert [(f.code, f.span.line, f.span.col) for f in found] == [("SM105", 4, 14)]
    assert "(the default of parameter PolicyArn, attached unless the stack is given another value)" in found[0].message
    text2 = text.replace("[!Ref PolicyArn, !Ref Other]", "!Ref Extra")
    (tmp_path / "t.yaml").write_text(text2)
    found = run(["t.yaml"], Options(select=["SM105"])).findings
    line = text2.splitlines()[6]
    assert [(f.span.line, f.span.col) for f in found] == [(4, 14), (7, line.index("arn:aws:iam::aws:policy/PowerUserAccess") + 1)]


def test_a_boundary_named_by_a_parameter_in_its_arn(tmp_path, monkeypatch):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    text = """\
Parameters:
  BoundaryName: {Type: String, Default: ds-boundary}
Resources:
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: !Ref BoundaryName
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: ["sagemaker:*", "iam:PassRole"], Resource: "*"}
  ExecRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}
      PermissionsBoundary: !Sub "arn:aws:iam::${AWS::AccountId}:policy/${BoundaryName}"
"""
    (tmp_path / "t.yaml").write_text(text)
    assert run(["t.yaml"], Options(select=["SM", "IAM3"])).findings == []


def test_split_of_a_known_text_is_its_list(lint):
    text = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: sagemaker.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: !Split [",", "sagemaker:*,s3:GetObject"]
                Resource: "*"
              - Effect: Allow
                Action: !Split [",", !Ref Unknown]
                Resource: "*"
"""
    found = lint(text, "template.yaml", select=["SM101", "LP002"])
    # each piece of the text, at the text; a text not known here is unknown (no LP002)
    assert [(f.code, f.span.line, f.span.col) for f in found] == [("SM101", 12, 38)]
