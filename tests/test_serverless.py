"""Serverless Framework services (serverless.yml/.yaml/.json): every place a service writes IAM,
at the line written, with logical paths in the file's own shape."""
from __future__ import annotations

import json
import textwrap

import pytest

from linter.engine import Options, run

RULES = ["SM101", "SM102", "SM105", "SM201", "IAM301", "IAM302", "LP001", "LP002", "LP100"]


def t(s):
    return textwrap.dedent(s).lstrip("\n")


def pos(text, needle, nth=1):
    i = -1
    for _ in range(nth):
        i = text.index(needle, i + 1)
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


@pytest.fixture
def lint_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def _run(files, paths=(".",), select=RULES):
        for name, text in files.items():
            p = tmp_path / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        return run(list(paths), Options(select=select)).findings

    return _run


def found(findings):
    return sorted((f.file, f.code, f.span.line, f.span.col) for f in findings)


V3 = t("""
    service: ml
    frameworkVersion: "3"
    provider:
      name: aws
      region: ${opt:region, 'eu-west-2'}
      iam:
        role:
          statements:
            - Effect: Allow
              Action:
                - sagemaker:*
              Resource: "*"
            - Effect: Allow
              Action: sagemaker:InvokeEndpoint
              Resource: arn:aws:sagemaker:${aws:region}:${aws:accountId}:endpoint/${self:custom.endpoint}
            - Effect: Allow
              Action: iam:PassRole
              Resource: ${ssm:/ml/role-arn}
          managedPolicies:
            - arn:aws:iam::aws:policy/AmazonSageMakerFullAccess
            - arn:aws:iam::aws:policy/AmazonSageMakerReadOnly
    """)


def test_v3_provider_role_statements_and_managed_policies(lint_files):
    """provider.iam.role.statements and managedPolicies: findings at the values written; variables are
    unresolved (a ${ssm:} role ARN is not "*", a ${aws:accountId} ARN is scoped)."""
    fs = lint_files({"serverless.yml": V3})
    assert found(fs) == sorted([
        ("serverless.yml", "SM101") + pos(V3, "sagemaker:*"),
        ("serverless.yml", "SM201") + pos(V3, '"*"'),
        ("serverless.yml", "SM105") + pos(V3, "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"),
    ])
    by_code = {f.code: f for f in fs}
    assert by_code["SM101"].logical_path == ("provider", "iam", "role", "statements", 0, "Action", 0)
    assert by_code["SM201"].logical_path == ("provider", "iam", "role", "statements", 0, "Resource")
    assert by_code["SM105"].logical_path == ("provider", "iam", "role", "managedPolicies", 0)
    assert by_code["SM101"].label == "provider.iam.role"


def test_v1_provider_statements_and_per_function_roles(lint_files):
    text = t("""
        service: legacy
        plugins:
          - serverless-iam-roles-per-function
        provider:
          name: aws
          iamRoleStatements:
            - Effect: Allow
              Action: iam:PassRole
              Resource: "*"
          iamManagedPolicies:
            - arn:aws:iam::aws:policy/AdministratorAccess
        functions:
          train:
            handler: h.train
            iamRoleStatements:
              - Effect: Allow
                Action: sagemaker:Create*
                Resource: arn:aws:sagemaker:*:*:*
          infer:
            handler: h.infer
            iamRoleStatements:
              - Effect: Allow
                Action: sagemaker:InvokeEndpoint
                Resource: arn:aws:sagemaker:eu-west-2:111122223333:endpoint/churn
        """)
    fs = lint_files({"serverless.yaml": text})
    assert found(fs) == sorted([
        ("serverless.yaml", "IAM301") + pos(text, "iam:PassRole"),
        ("serverless.yaml", "SM105") + pos(text, "arn:aws:iam::aws:policy/AdministratorAccess"),
        ("serverless.yaml", "SM102") + pos(text, "sagemaker:Create*"),
        ("serverless.yaml", "SM201") + pos(text, "arn:aws:sagemaker:*:*:*"),
    ])
    sm102 = next(f for f in fs if f.code == "SM102")
    assert sm102.label == "functions.train"
    assert sm102.logical_path == ("functions", "train", "iamRoleStatements", 0, "Action")


def test_resources_are_read_as_cloudformation(lint_files):
    text = t("""
        service: s
        provider:
          name: aws
        resources:
          Resources:
            Shared:
              Type: AWS::IAM::Role
              Properties:
                AssumeRolePolicyDocument:
                  Statement:
                    - Effect: Allow
                      Principal: {AWS: "*"}
                      Action: sts:AssumeRole
                Policies:
                  - PolicyName: p
                    PolicyDocument:
                      Statement:
                        - Effect: Allow
                          Action: sagemaker:*
                          Resource: arn:aws:sagemaker:*:*:endpoint/*
        """)
    fs = lint_files({"serverless.yml": text})
    assert found(fs) == sorted([
        ("serverless.yml", "IAM302") + pos(text, '"*"'),
        ("serverless.yml", "SM101") + pos(text, "sagemaker:*"),
    ])
    iam302 = next(f for f in fs if f.code == "IAM302")
    assert iam302.logical_path[:4] == ("resources", "Resources", "Shared", "Properties")


FRAGMENT = t("""
    statement:
      Effect: Allow
      Action: sagemaker:Create*
      Resource: "*"
    """)
LEGACY = t("""
    - Effect: Allow
      Action: iam:PassRole
      Resource: "*"
    """)
SERVICE_WITH_FILES = t("""
    service: s
    provider:
      name: aws
      iam:
        role:
          statements:
            - ${file(./iam/extra.yml):statement}
      iamRoleStatements: ${file(./iam/legacy.yml)}
    """)


@pytest.mark.parametrize("paths", [["."], ["serverless.yml"], ["iam/extra.yml", "iam/legacy.yml"]],
                         ids=["walk", "service-alone", "fragments-alone"])
def test_file_fragments_are_linted_in_their_own_file(lint_files, paths):
    """${file(./x.yml)} and ${file(./x.yml):key}: findings point into the fragment, once, whichever
    files the run names."""
    fs = lint_files({"serverless.yml": SERVICE_WITH_FILES, "iam/extra.yml": FRAGMENT, "iam/legacy.yml": LEGACY},
                    paths=paths)
    assert found(fs) == sorted([
        ("iam/extra.yml", "SM102") + pos(FRAGMENT, "sagemaker:Create*"),
        ("iam/extra.yml", "SM201") + pos(FRAGMENT, '"*"'),
        ("iam/legacy.yml", "IAM301") + pos(LEGACY, "iam:PassRole"),
    ])
    sm102 = next(f for f in fs if f.code == "SM102")
    assert sm102.logical_path == ("provider", "iam", "role", "statements", 0, "Action")


def test_file_fragments_outside_the_service_directory_are_not_read(lint_files, tmp_path):
    outside = tmp_path / "outside.yml"
    outside.write_text(LEGACY)
    text = "service: s\nprovider:\n  name: aws\n  iamRoleStatements: ${file(../outside.yml)}\n"
    fs = lint_files({"svc/serverless.yml": text}, paths=["svc"])
    assert fs == []


def test_serverless_json(lint_files):
    doc = {"service": "s", "provider": {"name": "aws", "iam": {"role": {"statements": [
        {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}}}}
    text = json.dumps(doc, indent=2)
    fs = lint_files({"serverless.json": text}, select=["SM101"])
    assert found(fs) == [("serverless.json", "SM101") + pos(text, '"sagemaker:*"')]


def test_suppression_comment_and_not_firing_on_scoped_statements(lint_files):
    text = t("""
        service: s
        provider:
          name: aws
          iam:
            role:
              statements:
                # lint-policies: ignore[SM101] -- the admin service, reviewed
                - Effect: Allow
                  Action: sagemaker:*
                  Resource: arn:aws:sagemaker:*:*:endpoint/*
                - Effect: Allow
                  Action: [sagemaker:DescribeEndpoint, sagemaker:InvokeEndpoint]
                  Resource: arn:aws:sagemaker:eu-west-2:111122223333:endpoint/churn-*
        """)
    assert lint_files({"serverless.yml": text}) == []


def test_a_yaml_file_named_otherwise_is_not_a_service(lint_files):
    """Only serverless.yml/.yaml/.json are read as services: a workflow with the same keys is not."""
    assert lint_files({"ci.yml": V3}) == []


SELF_VARS = t("""
    service: ml
    custom:
      region: eu-west-1
      stage: ${opt:stage, 'dev'}
      sagemaker:
        resource: arn:aws:sagemaker:${self:custom.region}:*:*
        endpoints:
          - arn:aws:sagemaker:eu-west-1:123456789012:endpoint/a
          - "*"
        staged: arn:aws:sagemaker:eu-west-1:123456789012:endpoint/${self:custom.stage}
      loop: ${self:custom.loop}
    provider:
      name: aws
      iamRoleStatements:
        - Effect: Allow
          Action: sagemaker:DescribeEndpoint
          Resource: ${self:custom.sagemaker.resource}
        - Effect: Allow
          Action: sagemaker:InvokeEndpoint
          Resource: ${self:custom.sagemaker.endpoints}
        - Effect: Allow
          Action: sagemaker:DeleteEndpoint
          Resource: ${self:custom.sagemaker.staged}
        - Effect: Allow
          Action: sagemaker:UpdateEndpoint
          Resource: ${self:custom.missing, 'arn:aws:sagemaker:eu-west-1:123456789012:endpoint/*'}
        - Effect: Allow
          Action: sagemaker:StopTrainingJob
          Resource: ${self:custom.loop}
    """)


def test_self_variables_are_resolved_from_the_service_file(lint_files):
    """``${self:...}`` leads to values of the same file: a whole value is what it names (an ARN
    pattern, reported where the variable is written; a list, at its items), a variable inside a
    string is replaced, a fallback literal stands in for a path that leads nowhere; ``${opt:...}``
    and a variable that names itself stay unknown (nothing reported for them)."""
    fs = lint_files({"serverless.yml": SELF_VARS}, select=["SM201", "LP002", "IAM109"])
    assert found(fs) == sorted([
        ("serverless.yml", "SM201") + pos(SELF_VARS, "${self:custom.sagemaker.resource}"),
        ("serverless.yml", "SM201") + pos(SELF_VARS, '"*"'),
    ])
    msg = {f.span.line: f.message for f in fs}
    assert '"arn:aws:sagemaker:eu-west-1:*:*"' in msg[pos(SELF_VARS, "${self:custom.sagemaker.resource}")[0]]


def test_self_variables_that_repeat_each_other_stay_bounded(lint_files):
    """A file whose variables double at every level (a billion laughs) is read quickly and its
    statement stays as written: unknown, not an error."""
    lines = ["service: ml", "custom:", "  v0: arn:aws:sagemaker:eu-west-1:123456789012:endpoint/x"]
    lines += [f"  v{i}: ${{self:custom.v{i - 1}}}${{self:custom.v{i - 1}}}" for i in range(1, 40)]
    lines += ["provider:", "  name: aws", "  iamRoleStatements:", "    - Effect: Allow",
              "      Action: sagemaker:InvokeEndpoint", "      Resource: ${self:custom.v39}"]
    fs = lint_files({"serverless.yml": "\n".join(lines) + "\n"}, select=["SM201", "LP002", "IAM109", "LP001"])
    assert fs == []


RESOURCES_FRAGMENT = t("""
    Resources:
      ReadRole:
        Type: AWS::IAM::Role
        Properties:
          RoleName: ${self:custom.settings.namespace}-read
          AssumeRolePolicyDocument:
            Statement:
              - Effect: Allow
                Principal:
                  AWS: ${self:custom.settings.sourceRoleArn}
                Action: sts:AssumeRole
          Policies:
            - PolicyName: read
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Action: s3:GetObject
                    Resource: arn:aws:s3:::${self:custom.settings.bucket}-${opt:stage}/*
                  - Effect: Allow
                    Action: ssm:GetParameter
                    Resource: ${ssm:/ml/parameter-arn}
    """)


def test_a_resources_fragment_with_framework_variables(lint_files):
    """A CloudFormation fragment a service reads with ``${file(...)}`` holds the framework's
    variables (``${self:...}``, ``${opt:...}``, ``${ssm:/...}``): placeholders the framework fills
    in, not IAM policy variables (no IAM110) nor principals IAM rejects (no IAM204)."""
    files = {"serverless.yml": "service: ml\nprovider:\n  name: aws\nresources:\n"
                               "  - ${file(./config/infra/cloudformation.yml)}\n",
             "config/infra/cloudformation.yml": RESOURCES_FRAGMENT}
    assert lint_files(files, select=["IAM1", "IAM2", "LP"]) == []
    # written as a policy variable, ${aws:username} is still one: no Version, so IAM110 says so
    aws_var = RESOURCES_FRAGMENT.replace("${self:custom.settings.bucket}", "${aws:username}")
    files["config/infra/cloudformation.yml"] = aws_var
    assert [f.code for f in lint_files(files, select=["IAM110"])] == ["IAM110"]


PSEUDO = t("""
    service: ml
    plugins:
      - serverless-pseudo-parameters
    provider:
      name: aws
      iamRoleStatements:
        - Effect: Allow
          Action: sagemaker:InvokeEndpoint
          Resource: arn:aws:sagemaker:#{AWS::Region}:#{AWS::AccountId}:endpoint/churn
        - Effect: Allow
          Action: iam:PassRole
          Resource: arn:aws:iam::#{AWS::AccountId}:role/*
        - Effect: Allow
          Action: sagemaker:CreateTrainingJob
          Resource: arn:aws:sagemaker:#{AWS::Region}:*:*
    """)


def test_pseudo_parameters_of_the_plugins_are_placeholders(lint_files):
    """``#{AWS::Region}`` (the pseudo-parameter plugins) is CloudFormation's ``${AWS::Region}``: one
    ARN segment, not text split on its colons (which made the scoped endpoint ARN match no SageMaker
    resource type and hid the PassRole on every role)."""
    fs = lint_files({"serverless.yml": PSEUDO}, select=["SM203", "SM201", "IAM301", "SM301"])
    assert found(fs) == sorted([
        ("serverless.yml", "IAM301") + pos(PSEUDO, "iam:PassRole"),
        ("serverless.yml", "SM301") + pos(PSEUDO, "iam:PassRole"),
        ("serverless.yml", "SM201") + pos(PSEUDO, "arn:aws:sagemaker:#{AWS::Region}:*:*"),
    ])
    sm201 = next(f for f in fs if f.code == "SM201")
    assert 'granted on "arn:aws:sagemaker:${AWS::Region}:*:*"' in sm201.message


TS_SERVICE = t("""
    import type { AWS } from '@serverless/typescript';
    import hello from '@functions/hello';

    const serverlessConfiguration: AWS = {
      service: 'model-api',
      custom: { endpoint: 'churn' },
      provider: {
        name: 'aws',
        iam: {
          role: {
            statements: [
              { Effect: 'Allow', Action: ['sagemaker:*'], Resource: '*' },
              { Effect: 'Allow', Action: 'sagemaker:InvokeEndpoint',
                Resource: 'arn:aws:sagemaker:${aws:region}:${aws:accountId}:endpoint/${self:custom.endpoint}' },
            ],
            managedPolicies: ['arn:aws:iam::aws:policy/AmazonSageMakerFullAccess'],
          },
        },
      },
      functions: { hello },
    };

    module.exports = serverlessConfiguration;
    """)


@pytest.mark.parametrize("name,text", [
    ("serverless.ts", TS_SERVICE),
    ("serverless.ts", TS_SERVICE.replace("module.exports = serverlessConfiguration;", "export default serverlessConfiguration;")),
    ("serverless.js", TS_SERVICE.replace("const serverlessConfiguration: AWS =", "module.exports =")
     .replace("module.exports = serverlessConfiguration;", "").replace("import type { AWS } from '@serverless/typescript';", "")),
])
def test_services_written_as_code_are_read_as_the_same_service(lint_files, name, text):
    fs = lint_files({name: text})
    assert found(fs) == sorted([
        (name, "SM101") + pos(text, "'sagemaker:*'"),
        (name, "SM201") + pos(text, "'*'"),
        (name, "SM105") + pos(text, "'arn:aws:iam::aws:policy/AmazonSageMakerFullAccess'"),
    ])
    assert {f.label for f in fs} == {"provider.iam.role"}


def test_a_service_of_code_with_no_policy_is_not_read(lint_files):
    text = "export default { service: 'api', provider: { name: 'aws' }, functions: {} };\n"
    assert lint_files({"serverless.ts": text}) == []
    broken = "export default { service: 'api', provider: { iamRoleStatements: [ ] ;\n"
    assert [f.code for f in lint_files({"serverless.ts": broken}, select=["LP001"])] == ["LP001"]
