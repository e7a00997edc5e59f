"""AWS CDK apps in Python and policy dictionaries in Python scripts (boto3), read statically:
exact codes, lines and columns, firing and not firing, suppressions in # comments, hostile input."""
import textwrap

import pytest

from keygen import key_id

SM = ["SM", "IAM3"]


def found(findings, with_label=False):
    if with_label:
        return [(f.code, f.span.line, f.span.col, f.label) for f in findings]
    return [(f.code, f.span.line, f.span.col) for f in findings]


def py(text):
    return textwrap.dedent(text).lstrip("\n")


STACK = py('''
    from aws_cdk import Stack, aws_iam as iam

    ACTIONS = ["sagemaker:*"]


    class TrainingStack(Stack):
        def __init__(self, scope, cid, **kw):
            super().__init__(scope, cid, **kw)
            role = iam.Role(self, "TrainingRole",
                            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
            role.add_to_policy(iam.PolicyStatement(actions=ACTIONS, resources=["*"]))
            role.add_to_policy(iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[f"arn:aws:iam::{self.account}:role/*"]))
''')


def test_statements_of_add_to_policy_at_their_literals(lint):
    got = found(lint(STACK, "app/stack.py", select=["SM101", "IAM301"]), with_label=True)
    assert got == [
        ("SM101", 3, 12, "TrainingStack/TrainingRole: add_to_policy"),  # the constant's literal
        ("IAM301", 13, 22, "TrainingStack/TrainingRole: add_to_policy"),  # "iam:PassRole", f-string resource
    ]


def test_scoped_or_unknown_values_are_never_guessed(lint):
    text = py('''
        from aws_cdk import aws_iam as iam

        acts = ["sagemaker:*"]
        acts = ["sagemaker:DescribeModel"]   # bound twice: not a constant
        more = ["sagemaker:*"]
        more.insert(0, "x")                  # changed in place (not only appended to): not known either


        def helper(actions, resource):
            return iam.PolicyStatement(actions=actions, resources=[resource])


        def build(role, bucket):
            role.add_to_policy(iam.PolicyStatement(actions=acts, resources=["*"]))
            role.add_to_policy(iam.PolicyStatement(actions=more, resources=["*"]))
            role.add_to_policy(iam.PolicyStatement(actions=["sagemaker:CreateModel"],
                                                   resources=[bucket.arn_for_objects("*")]))
            role.add_to_policy(iam.PolicyStatement(actions=["iam:PassRole"], resources=[role.role_arn]))
    ''')
    assert found(lint(text, "stack.py")) == []


def test_statement_builders_and_standalone_statements(lint):
    text = py('''
        from aws_cdk import aws_iam as iam

        st = iam.PolicyStatement()
        st.add_actions("sagemaker:CreateTrainingJob")
        st.add_all_resources()
        old = iam.PolicyStatement().add_actions("sagemaker:*").add_resources("*")
    ''')
    got = found(lint(text, "stack.py", select=["SM101", "SM201"]), with_label=True)
    assert got == [
        ("SM201", 5, 1, "PolicyStatement"),
        ("SM101", 6, 41, "PolicyStatement"),
        ("SM201", 6, 70, "PolicyStatement"),
    ]


def test_documents_policies_and_inline_policies(lint):
    text = py('''
        from aws_cdk import aws_iam as iam
        from aws_cdk.aws_iam import PolicyDocument, PolicyStatement, Effect

        doc = PolicyDocument(statements=[PolicyStatement(effect=Effect.ALLOW, not_actions=["s3:*"], resources=["*"])])
        iam.Role(scope, "R", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                 inline_policies={"ml": doc})
        iam.ManagedPolicy(scope, "MP", statements=[
            iam.PolicyStatement(actions=["sagemaker:Create*"], resources=["*"])])
        iam.Policy(scope, "P", document=iam.PolicyDocument.from_json({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}))
        iam.PolicyStatement(effect=Effect.DENY, actions=["sagemaker:*"], resources=["*"])
    ''')
    got = found(lint(text, "stack.py", select=["SM101", "SM102", "SM103"]), with_label=True)
    assert got == [
        ("SM103", 4, 71, "R: inline_policies.ml"),
        ("SM102", 8, 34, "MP: statements"),
        ("SM101", 11, 49, "P: document"),
    ]


def test_trust_policies_from_assumed_by(lint):
    text = py('''
        from aws_cdk import aws_iam as iam

        iam.Role(s, "Open", assumed_by=iam.AnyPrincipal())
        iam.Role(s, "Org", assumed_by=iam.OrganizationPrincipal("o-abc123"))
        iam.Role(s, "Svc", assumed_by=iam.CompositePrincipal(
            iam.ServicePrincipal("sagemaker.amazonaws.com"), iam.AccountPrincipal("123456789012")))
        iam.Role(s, "Gh", assumed_by=iam.FederatedPrincipal(
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            assume_role_action="sts:AssumeRoleWithWebIdentity"))
        iam.Role(s, "GhOk", assumed_by=iam.WebIdentityPrincipal(
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            conditions={"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                         "token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main"}}))
        iam.Role(s, "Unknown", assumed_by=some_principal)
    ''')
    got = found(lint(text, "stack.py", select=["IAM3"]), with_label=True)
    assert got == [
        ("IAM302", 3, 32, "Open: assumed_by"),
        ("IAM303", 8, 5, "Gh: assumed_by"),
    ]


def test_managed_policies_by_name_and_arn(lint):
    text = py('''
        from aws_cdk import aws_iam as iam

        iam.Role(s, "R", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"), managed_policies=[
            iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSageMakerFullAccess"),
            iam.ManagedPolicy.from_managed_policy_arn(s, "Ro", "arn:aws:iam::aws:policy/AmazonSageMakerReadOnly"),
            iam.ManagedPolicy.from_managed_policy_arn(s, "Full", "arn:aws:iam::aws:policy/AdministratorAccess"),
            iam.ManagedPolicy.from_aws_managed_policy_name(name_from_config),
        ])
        iam.CfnRole(s, "L1", assume_role_policy_document={}, managed_policy_arns=[
            "arn:aws:iam::aws:policy/PowerUserAccess"])
    ''')
    got = found(lint(text, "stack.py", select=["SM105"]))
    assert got == [("SM105", 4, 52), ("SM105", 6, 58), ("SM105", 10, 5)]


def test_managed_policy_names_a_loop_goes_over(lint):
    text = py('''
        from aws_cdk import aws_iam as iam

        role = iam.Role(s, "R", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
        for name in ["AmazonS3ReadOnlyAccess", "AmazonSageMakerFullAccess"]:
            role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name(name))
        for arn in ["arn:aws:iam::aws:policy/AdministratorAccess"]:
            role.add_managed_policy(iam.ManagedPolicy.from_managed_policy_arn(s, "A", arn))
    ''')
    # each name where the loop's list writes it
    assert found(lint(text, "stack.py", select=["SM105"])) == [("SM105", 4, 40), ("SM105", 6, 13)]


def test_l1_constructs_with_literal_documents(lint):
    text = py('''
        from aws_cdk import aws_iam as iam

        iam.CfnRole(self, "Exec",
            assume_role_policy_document={
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]},
            policies=[iam.CfnRole.PolicyProperty(policy_name="p", policy_document={
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["sagemaker:*"], "Resource": "*"}]})])
        iam.CfnPolicy(self, "Pol", policy_name="q", policy_document={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]})
    ''')
    got = found(lint(text, "stack.py", select=["SM101", "IAM301", "IAM302"]), with_label=True)
    assert got == [
        ("IAM302", 6, 64, "Exec: assume_role_policy_document"),
        ("SM101", 9, 54, "Exec: policies[0]"),
        ("IAM301", 12, 49, "Pol: policy_document"),
    ]


def test_boto3_policy_dictionaries(lint):
    text = py('''
        import json
        import boto3

        iam = boto3.client("iam")
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
        }
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(trust))
        bucket = "ml-data"
        iam.put_role_policy(RoleName="r", PolicyName="p", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["sagemaker:*"], "Resource": "*"},
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"},
            ],
        }))
        for arn in ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]:
            iam.attach_role_policy(RoleName="r", PolicyArn=arn)
    ''')
    got = found(lint(text, "make_role.py", select=["SM101", "SM105", "IAM302"]), with_label=True)
    assert got == [
        ("IAM302", 7, 60, "policy trust"),
        ("SM101", 14, 40, "policy document"),
        ("SM105", 18, 13, "role r: attach_role_policy(PolicyArn)"),
    ]


def test_boto3_calls_say_which_principal_holds_each_policy(lint):
    # two inline policies of one role, and a customer managed policy attached by the ARN of its
    # name: the role holds PassRole on every role and CreateTrainingJob together (SM301)
    text = py('''
        import json
        import boto3

        iam = boto3.client("iam")
        role_name = f"{PREFIX}-trainer"
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))
        passrole = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}
        iam.put_role_policy(RoleName=role_name, PolicyName="pass", PolicyDocument=json.dumps(passrole))
        jobs = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"}]}
        iam.create_policy(PolicyName="jobs", PolicyDocument=json.dumps(jobs))
        iam.attach_role_policy(RoleName=role_name, PolicyArn=f"arn:aws:iam::{ACCOUNT}:policy/jobs")
        other = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sagemaker:CreateProcessingJob", "Resource": "*"}]}
        iam.put_role_policy(RoleName="someone-else", PolicyName="p", PolicyDocument=json.dumps(other))
    ''')
    res = lint(text, "setup_roles.py", select=["SM301"])
    assert [(f.code, f.span.line, f.span.col) for f in res] == [("SM301", 10, 35)]
    assert res[0].message.startswith("role ${PREFIX}-trainer may pass any role (iam:PassRole on \"*\") and "
                                     "sagemaker:CreateTrainingJob")
    assert [(r.span.line, r.span.col) for r in res[0].related] == [(13, 35)]
    # each call alone: the policies are held by nobody the file shows, and nothing combines
    alone = text.replace("iam.attach_role_policy(", "print(")
    assert lint(alone, "setup_roles.py", select=["SM301"]) == []


def test_ordinary_python_is_read_for_credentials_only(lint, tmp_path):
    # no policy, a syntax error: nothing is read but the key hard-coded in it
    key = key_id("cdk-ordinary")
    text = f'ACCESS = "{key}"\nprint("Effect and Action are words")\ndef f(:\n'
    assert [(f.code, f.span.line, f.span.col) for f in lint(text, "tool.py")] == [("KEY401", 1, 11)]
    assert lint(text.replace(key, "not-a-key"), "tool.py") == []
    (tmp_path / "latin.py").write_bytes(b"# caf\xe9\nx = 1\n")
    assert lint("x = 1\n", "ok.py") == []
    from linter.engine import Options, run

    assert run(["latin.py"], Options()).findings == []


def test_credentials_in_cdk_code_are_reported(lint):
    key = key_id("cdk-key")
    text = f'from aws_cdk import aws_lambda\nENV = {{"AWS_ACCESS_KEY_ID": "{key}"}}\n'
    assert [(f.code, f.span.line) for f in lint(text, "stack.py", select=["KEY401"])] == [("KEY401", 2)]


def test_suppression_comments(lint):
    text = py('''
        from aws_cdk import aws_iam as iam

        note = "# lint-policies: ignore[SM101] -- inside a string, not a comment"
        role.add_to_policy(iam.PolicyStatement(actions=["sagemaker:*"], resources=["*"]))
        # lint-policies: ignore[SM101,SM201] -- admin role, reviewed
        role.add_to_policy(iam.PolicyStatement(
            actions=["sagemaker:*"],
            resources=["*"]))
        role.add_to_policy(iam.PolicyStatement(actions=["sagemaker:*"], resources=["*"]))  # lint-policies: ignore[SM101] -- ok
    ''')
    from linter.engine import Options, run
    import os

    with open("stack.py", "w") as fh:
        fh.write(text)
    res = run(["stack.py"], Options(select=["SM101", "SM201", "LP100"]))
    assert found(res.findings) == [("SM101", 4, 49), ("SM201", 4, 76), ("SM201", 9, 76)]
    assert sorted(found(res.suppressed)) == [("SM101", 7, 14), ("SM101", 9, 49), ("SM201", 8, 16)]
    os.remove("stack.py")


def test_syntax_error_in_cdk_code_is_lp001(lint):
    got = lint("from aws_cdk import aws_iam as iam\nrole = iam.Role(self, 'R',\n", "stack.py")
    assert [(f.code, f.span.line) for f in got] == [("LP001", 2)]
    assert "Python syntax error" in got[0].message


@pytest.mark.parametrize("body", [
    "x = " + "(" * 300 + "1" + ")" * 300 + "\n",
    "x = " + "[" * 90 + "'sagemaker:*'" + "]" * 90 + "\n",
    "x = " + " + ".join(["'a'"] * 20000) + "\n",
    "iam.PolicyStatement(actions=" + "f(" * 150 + "'sagemaker:*'" + ")" * 150 + ")\n",
    "A = B\nB = A\niam.PolicyStatement(actions=A, resources=['*'])\n",
    "d = {'Statement': [{'Effect': 'Allow', 'Action': d}]}\n",
    "iam.PolicyStatement(**kw)\niam.Role(s, 'r', assumed_by=iam.CompositePrincipal(*ps))\n",
])
def test_hostile_cdk_code_is_lp001_or_nothing(lint, body):
    got = lint("from aws_cdk import aws_iam as iam\n" + body, "stack.py")
    assert {f.code for f in got} <= {"LP001", "LP002", "SM101", "SM201"}, [(f.code, f.message) for f in got]
    assert not any(f.code == "LP000" for f in got)


# ---------------------------------------------------------------------------
# The same stack, as code and as the template `cdk synth` prints for it (written by hand):
# the findings must be the same.

SYNTH_PAIRS = [
    (py('''
        from aws_cdk import Stack, aws_iam as iam


        class TrainingStack(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                role = iam.Role(self, "TrainingRole",
                                assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
                                managed_policies=[
                                    iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSageMakerFullAccess")])
                role.add_to_policy(iam.PolicyStatement(actions=["sagemaker:*"], resources=["*"]))
                role.add_to_policy(iam.PolicyStatement(actions=["iam:PassRole", "sagemaker:CreateTrainingJob"],
                                                       resources=["*"]))
     '''), '''{
 "Resources": {
  "TrainingRole6A5F8FC5": {
   "Type": "AWS::IAM::Role",
   "Properties": {
    "AssumeRolePolicyDocument": {
     "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow",
                    "Principal": {"Service": "sagemaker.amazonaws.com"}}],
     "Version": "2012-10-17"
    },
    "ManagedPolicyArns": [
     {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AmazonSageMakerFullAccess"]]}
    ]
   }
  },
  "TrainingRoleDefaultPolicy3B5BC4F4": {
   "Type": "AWS::IAM::Policy",
   "Properties": {
    "PolicyDocument": {
     "Statement": [
      {"Action": "sagemaker:*", "Effect": "Allow", "Resource": "*"},
      {"Action": ["iam:PassRole", "sagemaker:CreateTrainingJob"], "Effect": "Allow", "Resource": "*"}
     ],
     "Version": "2012-10-17"
    },
    "PolicyName": "TrainingRoleDefaultPolicy3B5BC4F4",
    "Roles": [{"Ref": "TrainingRole6A5F8FC5"}]
   }
  }
 }
}'''),
    (py('''
        from aws_cdk import Stack, aws_iam as iam

        PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


        class CiStack(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                iam.Role(self, "Deploy", assumed_by=iam.FederatedPrincipal(
                    PROVIDER, {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/*"}},
                    "sts:AssumeRoleWithWebIdentity"))
                iam.Role(self, "Anyone", assumed_by=iam.CompositePrincipal(
                    iam.AnyPrincipal(), iam.ServicePrincipal("sagemaker.amazonaws.com")))
     '''), '''{
 "Resources": {
  "Deploy1A2B3C4D": {
   "Type": "AWS::IAM::Role",
   "Properties": {
    "AssumeRolePolicyDocument": {
     "Statement": [{
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/*"}},
      "Effect": "Allow",
      "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}
     }],
     "Version": "2012-10-17"
    }
   }
  },
  "AnyoneAB12CD34": {
   "Type": "AWS::IAM::Role",
   "Properties": {
    "AssumeRolePolicyDocument": {
     "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow",
                    "Principal": {"AWS": "*", "Service": "sagemaker.amazonaws.com"}}],
     "Version": "2012-10-17"
    }
   }
  }
 }
}'''),
    (py('''
        from aws_cdk import Stack
        from aws_cdk import aws_iam as iam


        class ScientistStack(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                iam.ManagedPolicy(self, "Scientist", statements=[
                    iam.PolicyStatement(actions=["sagemaker:Create*", "sagemaker:DescribeModel"],
                                        resources=["*"]),
                    iam.PolicyStatement(not_actions=["iam:*"], resources=["*"]),
                    iam.PolicyStatement(actions=["sagemaker:InvokeEndpoint"],
                                        not_resources=[f"arn:aws:sagemaker:{self.region}:{self.account}:endpoint/prod-*"]),
                ])
     '''), '''{
 "Resources": {
  "Scientist9F1E2D3C": {
   "Type": "AWS::IAM::ManagedPolicy",
   "Properties": {
    "PolicyDocument": {
     "Statement": [
      {"Action": ["sagemaker:Create*", "sagemaker:DescribeModel"], "Effect": "Allow", "Resource": "*"},
      {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
      {"Action": "sagemaker:InvokeEndpoint", "Effect": "Allow",
       "NotResource": {"Fn::Join": ["", ["arn:aws:sagemaker:", {"Ref": "AWS::Region"}, ":",
                                         {"Ref": "AWS::AccountId"}, ":endpoint/prod-*"]]}}
     ],
     "Version": "2012-10-17"
    },
    "Path": "/"
   }
  }
 }
}'''),
]


@pytest.mark.parametrize("code,template", SYNTH_PAIRS)
def test_same_findings_as_the_synthesised_template(lint, code, template):
    from_code = sorted((f.code, f.severity) for f in lint(code, "app/stack.py"))
    from_template = sorted((f.code, f.severity) for f in lint(template, "cdk.out/Stack.template.json"))
    assert from_code, "the pair must show something"
    assert from_code == from_template


def test_an_iot_policy_is_not_an_iam_policy(lint):
    text = py('''
        from aws_cdk import aws_iot as iot

        iot.CfnPolicy(self, "Things", policy_document={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iot:Connectt", "Resource": "*"}]})
    ''')
    assert lint(text, "stack.py") == []


def test_a_directive_above_a_function_covers_it(tmp_path, monkeypatch):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "b.py").write_text(py('''
        from aws_cdk import aws_iam as iam
        # lint-policies: ignore[SM101] -- the whole helper is for the admin role
        def admin():
            return iam.PolicyStatement(
                actions=["sagemaker:*"],
                resources=["*"])


        def other():
            return iam.PolicyStatement(actions=["sagemaker:*"], resources=["*"])
    '''), encoding="utf-8")
    res = run(["b.py"], Options(select=["SM101", "LP100"]))
    assert found(res.findings) == [("SM101", 10, 41)] and found(res.suppressed) == [("SM101", 5, 18)]


def test_statements_added_to_a_trust_policy_are_the_roles_trust_policy(lint, tmp_path):
    """``role.assume_role_policy.add_statements(...)`` adds to the role's trust policy (checked as
    a trust policy, held by the role), not to its permissions; a bare service name in
    ``ServicePrincipal("sagemaker")`` is the service principal ``cdk synth`` writes for it."""
    text = py('''
        from aws_cdk import Stack, aws_iam as iam


        class S(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                role = iam.Role(self, "R", assumed_by=iam.ServicePrincipal("sagemaker"))
                role.assume_role_policy.add_statements(iam.PolicyStatement(
                    actions=["sts:AssumeRole"], principals=[iam.AnyPrincipal()]))
    ''')
    got = found(lint(text, "stack.py", select=["IAM2", "IAM3", "LP"]), with_label=True)
    assert got == [("IAM302", 9, 53, "S/R: assumed_by")]
    from linter import sources

    src = sources.load(str(tmp_path / "stack.py"), "stack.py")
    trust = [(d.origin.label, [p.name for p in d.principals]) for d in src.documents if d.role == "trust"]
    assert trust == [("S/R: assumed_by", ["S/R"])]  # one trust policy, as cdk synth writes it
    services = [v.value for d in src.documents if d.role == "trust" for st in d.statements
                if st.principal is not None for v in st.principal.values_of("Service")]
    assert services == ["sagemaker.amazonaws.com"]


def test_initial_policy_and_call_aws_service(lint):
    """``initial_policy`` of a function is its role's (a path through it and add_to_role_policy
    is one role's); a Step Functions ``CallAwsService`` task grants ``service:action`` on its
    ``iam_resources``."""
    text = py('''
        from aws_cdk import Stack, aws_iam as iam, aws_lambda as lambda_, aws_stepfunctions_tasks as tasks


        class S(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                fn = lambda_.Function(self, "Fn", handler="index.handler",
                                      initial_policy=[
                                          iam.PolicyStatement(actions=["sagemaker:CreateTrainingJob"], resources=["*"])])
                fn.add_to_role_policy(iam.PolicyStatement(actions=["iam:PassRole"], resources=["*"]))
                tasks.CallAwsService(self, "Check", service="sagemaker", action="describeEndpoint",
                                     iam_resources=["*"])
    ''')
    got = found(lint(text, "stack.py", select=["SM201", "SM301"]), with_label=True)
    assert [g[:2] + g[3:] for g in got] == [
        ("SM201", 9, "S/Fn: initial_policy"),
        ("SM301", 10, "S/Fn: add_to_role_policy"),
        ("SM201", 12, "S/Check: iam_resources"),
    ]
    lines = text.splitlines()
    assert [lines[line - 1][col - 1:col + 2] for _, line, col, _ in got] == ['"*"', '"ia', '"*"']


def test_add_to_task_role_policy_is_the_task_roles(lint):
    text = py('''
        from aws_cdk import Stack, aws_ecs as ecs, aws_iam as iam


        class S(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                task = ecs.FargateTaskDefinition(self, "Task")
                task.add_to_task_role_policy(iam.PolicyStatement(actions=["iam:PassRole"], resources=["*"]))
                task.add_to_task_role_policy(iam.PolicyStatement(actions=["sagemaker:CreateTrainingJob"],
                                                                 resources=["*"]))
    ''')
    (f,) = lint(text, "stack.py", select=["SM301"])
    assert (f.span.line, f.label, [r.span.line for r in f.related]) == (
        8, "S/Task: add_to_task_role_policy", [9])
    assert f.message.startswith("S/Task may pass any role")


def test_a_subclass_of_role_makes_the_role_with_super(lint):
    """``class TrainerRole(iam.Role)``: ``super().__init__(...)`` is the role (its trust policy and
    inline policies), and ``self.add_to_policy`` adds to it; named by the class."""
    text = py('''
        from aws_cdk import aws_iam as iam


        class TrainerRole(iam.Role):
            def __init__(self, scope, cid):
                super().__init__(scope, cid, assumed_by=iam.AnyPrincipal(), inline_policies={
                    "Train": iam.PolicyDocument(statements=[iam.PolicyStatement(
                        actions=["sagemaker:CreateTrainingJob"], resources=["arn:aws:sagemaker:*:*:training-job/*"])])})
                self.add_to_policy(iam.PolicyStatement(actions=["iam:PassRole"], resources=["*"]))
    ''')
    got = found(lint(text, "roles.py", select=["SM301", "IAM302", "LP002"]), with_label=True)
    assert got == [("IAM302", 6, 49, "TrainerRole: assumed_by"), ("SM301", 9, 57, "TrainerRole: add_to_policy")]


def test_statements_and_values_known_only_elsewhere_are_unknown(lint):
    """A statement a helper of another module builds is unknown, not an empty policy; a
    CloudFormation function in a literal (a CDK assertion test's expected template) is a value
    known at deploy time; a variable bound to ``role.assume_role_policy`` is the trust policy."""
    text = py('''
        from aws_cdk import Stack, aws_iam as iam
        from mylib.policies import sagemaker_statement

        EXPECTED = {"PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sagemaker:DescribeEndpoint",
            "Resource": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":sagemaker:us-east-1:1:endpoint/e"]]}}]}}


        class S(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                role = iam.Role(self, "R", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
                role.add_to_policy(sagemaker_statement())
                trust = role.assume_role_policy
                trust.add_statements(iam.PolicyStatement(actions=["sts:AssumeRole"], principals=[iam.AnyPrincipal()]))
    ''')
    got = found(lint(text, "stack.py", select=["LP", "IAM1", "IAM2", "IAM3", "SM2"]), with_label=True)
    assert got == [("IAM302", 15, 90, "S/R: assumed_by")]


def test_a_construct_id_given_as_a_keyword_names_the_construct(lint):
    text = py('''
        from aws_cdk import Stack, aws_iam as iam


        class S(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                sfn_role = iam.Role(self, id="StepFunctionRole", assumed_by=iam.AnyPrincipal())
                sfn_role.add_to_policy(iam.PolicyStatement(actions=["sagemaker:*"], resources=["*"]))
    ''')
    got = [(f.code, f.label) for f in lint(text, "stack.py", select=["IAM302", "SM101"])]
    assert got == [("IAM302", "S/StepFunctionRole: assumed_by"), ("SM101", "S/StepFunctionRole: add_to_policy")]


def test_assertion_patterns_of_a_cdk_test_are_not_policies(lint):
    text = py('''
        from aws_cdk.assertions import Match, Template


        def test_policy(template):
            template.has_resource_properties("AWS::IAM::Policy", {
                "PolicyDocument": {"Statement": Match.array_with([{"Action": "s3:*", "Effect": "Deny"}])}})
            template.has_resource_properties("AWS::IAM::Role", Match.object_like({
                "AssumeRolePolicyDocument": {"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow"}]}}))
            template.has_resource_properties("AWS::IAM::Policy", {"PolicyDocument": {
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}})
    ''')
    assert lint(text, "tests/test_stack.py", select=["LP", "IAM1", "IAM3"]) == []


def test_statements_added_to_a_policy_document_after_it_is_made(lint):
    """``doc.add_statements(...)`` fills the document wherever it is used (an inline policy of
    the role, with the role's other grants); ``bucket_policy.document.add_statements(...)`` with
    principals writes a resource policy. A document made empty and filled where this reader cannot
    see is unknown, never "Statement is empty"."""
    text = py('''
        from aws_cdk import Stack, aws_iam as iam, aws_s3 as s3


        class NotebookStack(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                doc = iam.PolicyDocument()
                doc.add_statements(iam.PolicyStatement(actions=["iam:PassRole"], resources=["*"]))
                doc.add_statements(iam.PolicyStatement(actions=["sagemaker:CreateTrainingJob"],
                                                       resources=["*"]))
                iam.Role(self, "NotebookRole", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
                         inline_policies={"nb": doc})
                bucket = s3.Bucket(self, "Models")
                policy = s3.BucketPolicy(self, "ModelsPolicy", bucket=bucket)
                policy.document.add_statements(iam.PolicyStatement(
                    actions=["s3:GetObject"], resources=[bucket.arn_for_objects("*")],
                    principals=[iam.AnyPrincipal()]))
                later = iam.PolicyDocument()
                self.attach(later)
    ''')
    got = found(lint(text, "stack.py", select=["LP002", "SM301", "IAM302"]), with_label=True)
    assert got == [
        ("SM301", 8, 57, "NotebookStack/NotebookRole: inline_policies.nb"),
        ("IAM302", 17, 25, "NotebookStack/policy.document: add_statements"),
    ]


def test_starred_lists_and_roles_of_another_package(lint):
    """``[*describe, *create]`` holds the items of lists the file binds once (the count and the
    paths see them); a construct given ``assumed_by`` is a role, whatever its class (a company's
    subclass of iam.Role from another package)."""
    text = py('''
        from aws_cdk import Stack, aws_iam as iam
        from acme_constructs import CompanyRole


        class TeamStack(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                create = ["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"]
                passing = ["iam:PassRole"]
                role = CompanyRole(self, "TeamRole", assumed_by=iam.AccountRootPrincipal())
                role.add_to_policy(iam.PolicyStatement(actions=[*create, "sagemaker:DescribeModel"], resources=["*"]))
                role.add_to_policy(iam.PolicyStatement(actions=[*passing], resources=["*"]))
    ''')
    got = found(lint(text, "stack.py", select=["SM201", "SM301"]), with_label=True)
    assert got == [("SM301", 9, 20, "TeamStack/TeamRole: add_to_policy"),
                   ("SM201", 11, 105, "TeamStack/TeamRole: add_to_policy")]
    sm201 = lint(text, "stack.py", select=["SM201"])[0]
    assert sm201.message.startswith("3 SageMaker actions that support resource-level permissions")


def test_keyword_arguments_from_a_dict_literal(lint):
    text = py('''
        from aws_cdk import aws_iam as iam

        role.add_to_policy(iam.PolicyStatement(**{
            "actions": ["sagemaker:*"],
            "resources": ["*"],
        }))
        role.add_to_policy(iam.PolicyStatement(**props))
    ''')
    assert found(lint(text, "stack.py", select=["SM101", "LP002"])) == [("SM101", 4, 17)]


def test_codebuild_step_role_policy_statements_are_its_roles(lint):
    text = py('''
        from aws_cdk import Stack, pipelines, aws_iam as iam


        class DeployStack(Stack):
            def __init__(self, scope, cid, **kw):
                super().__init__(scope, cid, **kw)
                pipelines.CodeBuildStep(
                    "Train",
                    commands=["python train.py"],
                    role_policy_statements=[
                        iam.PolicyStatement(actions=["iam:PassRole"], resources=["*"]),
                        iam.PolicyStatement(actions=["sagemaker:CreateTrainingJob"], resources=["*"]),
                    ],
                )
    ''')
    res = lint(text, "pipeline.py", select=["SM301"])
    assert found(res, with_label=True) == [("SM301", 11, 46, "DeployStack/Train: role_policy_statements")]
    assert res[0].message.startswith("DeployStack/Train may pass any role")
    assert [(r.span.line, r.span.col) for r in res[0].related] == [(12, 46)]


def test_aws_custom_resource_sdk_calls_are_its_statement(lint):
    text = py('''
        from aws_cdk import Stack, custom_resources as cr


        class StudioStack(Stack):
            def __init__(self, scope, cid, **kw):
                super().__init__(scope, cid, **kw)
                cr.AwsCustomResource(
                    self, "AttachLcc",
                    on_create=cr.AwsSdkCall(service="SageMaker", action="updateDomain",
                                            parameters={"DomainId": "d-123"},
                                            physical_resource_id=cr.PhysicalResourceId.of("lcc")),
                    policy=cr.AwsCustomResourcePolicy.from_sdk_calls(resources=cr.AwsCustomResourcePolicy.ANY_RESOURCE),
                )
                cr.AwsCustomResource(
                    self, "Scoped",
                    on_create=cr.AwsSdkCall(service="SageMaker", action="describeDomain",
                                            physical_resource_id=cr.PhysicalResourceId.of("d")),
                    policy=cr.AwsCustomResourcePolicy.from_sdk_calls(
                        resources=["arn:aws:sagemaker:us-east-1:123456789012:domain/d-123"]),
                )
    ''')
    res = lint(text, "studio.py", select=["SM201", "SM104", "IAM101"])
    assert found(res, with_label=True) == [("SM201", 12, 72, "StudioStack/AttachLcc: policy")]
    assert "sagemaker:UpdateDomain" in res[0].message


def test_parts_of_a_policy_mapping_the_code_assigns_later_are_unknown(lint):
    text = py('''
        import boto3, json
        P = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["sagemaker:StartPipelineExecution"], "Resource": ["TBD"]},
            {"Effect": "Allow", "Action": ["sagemaker:*"], "Resource": "*"}]}
        Q = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sagemaker:*"], "Resource": "*"}]}


        def allow(arn, i):
            P["Statement"][0]["Resource"] = arn
            Q["Statement"][i]["Resource"] = arn
            boto3.client("iam").create_policy(PolicyName="start", PolicyDocument=json.dumps(P))
    ''')
    # P's first Resource is whatever the code puts there (no IAM109 / SM203 on "TBD"); its second
    # statement is as written; Q is filled at a place we cannot name: not read
    assert found(lint(text, "fill.py", select=["SM101", "IAM109", "SM203"])) == [("SM101", 4, 36)]
    # a class attribute filled through the class or self
    cls = py('''
        class Helper:
            _policy = {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["sagemaker:StartPipelineExecution"], "Resource": ["TBD"]}]}

            def allow(self, arn):
                Helper._policy["Statement"][0]["Resource"] = arn
    ''')
    assert lint(cls, "helper.py", select=["IAM109", "SM203"]) == []


def test_a_policy_written_as_json_in_a_string(lint):
    q3 = '"' * 3
    text = py(f"""
        import json
        import boto3

        iam = boto3.client("iam")
        trust = {q3}{{
          "Version": "2012-10-17",
          "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "*"}}, "Action": "sts:AssumeRole"}}]
        }}{q3}
        iam.create_role(RoleName="workers", AssumeRolePolicyDocument=trust)
        iam.put_role_policy(RoleName="workers", PolicyName="p",
            PolicyDocument='{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}]}}')
        jobs = json.loads('{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"}}]}}')
        iam.put_role_policy(RoleName="workers", PolicyName="j", PolicyDocument=json.dumps(jobs))
        escaped = "{{\\"Statement\\": [{{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"sagemaker:*\\", \\"Resource\\": \\"*\\"}}]}}"
    """)
    lines = text.split("\n")
    res = lint(text, "roles.py", select=["IAM302", "SM301", "SM101"])
    got = [(f.code, f.span.line, f.span.col) for f in res]
    # exact positions inside strings written as they read; the escaped one at the string's start
    assert got == [("IAM302", 7, lines[6].index('"*"') + 1),
                   ("SM301", 11, lines[10].index('"iam:PassRole"') + 1),
                   ("SM101", 14, lines[13].index('"{') + 1)]
    assert res[1].message.startswith("role workers may pass any role")


def test_statements_appended_to_a_policy_mapping_are_its(lint):
    text = py('''
        import json
        import boto3

        iam = boto3.client("iam")
        doc = {"Version": "2012-10-17", "Statement": []}
        doc["Statement"].append({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"})
        doc["Statement"].extend([{"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"}])
        iam.put_role_policy(RoleName="ml-train", PolicyName="p", PolicyDocument=json.dumps(doc))
    ''')
    res = lint(text, "setup.py", select=["SM301"])
    assert found(res) == [("SM301", 6, 55)]
    assert res[0].message.startswith("role ml-train may pass any role")


def test_statements_and_policies_given_by_keyword(lint):
    text = py('''
        from aws_cdk import Stack, aws_iam as iam, aws_s3 as s3


        class S(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                role = iam.Role(self, "Runner", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
                role.add_to_policy(statement=iam.PolicyStatement(actions=["iam:PassRole"], resources=["*"]))
                role.add_to_principal_policy(
                    statement=iam.PolicyStatement(actions=["sagemaker:CreateTrainingJob"], resources=["*"]))
                bucket = s3.Bucket(self, "Data")
                bucket.add_to_resource_policy(permission=iam.PolicyStatement(
                    actions=["s3:GetObject"], resources=[bucket.arn_for_objects("*")],
                    principals=[iam.ServicePrincipal("sagemaker.amazonaws.com")]))
                user = iam.User(self, "Ops")
                user.add_managed_policy(policy=iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSageMakerFullAccess"))
    ''')
    got = [(f.code, f.span.line, f.label) for f in lint(text, "stack.py", select=["LP002", "SM301", "SM105"])]
    # no empty statement where a keyword names it; the two halves are one role's
    assert got == [("SM301", 8, "S/Runner: add_to_policy"), ("SM105", 16, "S/Ops: add_managed_policy")]


def test_python_312_f_strings_are_read_on_any_interpreter(lint):
    # valid since Python 3.12 (PEP 701): an inner string with the f-string's own quote
    text = py('''
        from aws_cdk import Stack, aws_iam as iam


        class S(Stack):
            def __init__(self, scope, cid, cfg):
                super().__init__(scope, cid)
                name = f"{cfg["prefix"]}-{", ".join(cfg["names"])}"
                role = iam.Role(self, "Exec", role_name=name,
                                assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
                role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSageMakerFullAccess"))
    ''')
    got = [(f.code, f.span.line, f.span.col) for f in lint(text, "stack.py", select=["LP001", "SM105"])]
    assert got == [("SM105", 10, text.splitlines()[9].index('"AmazonSageMakerFullAccess"') + 1)]


def test_an_f_string_only_python_312_reads_is_a_value_not_known_and_the_rest_is_read(lint):
    # a backslash in a replacement field: valid since Python 3.12; on older interpreters that one
    # f-string is a value not known, at the same positions, and the file's policies are read
    text = py('''
        import json
        import boto3

        live = "x"
        print(f"ok={'V=\\"v1\\"' in live}")
        boto3.client("iam").put_role_policy(RoleName="sm-exec", PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}))
    ''')
    got = [(f.code, f.span.line) for f in lint(text, "setup.py", select=["LP001", "SM101"])]
    assert got == [("SM101", 7)]


def test_pep701_opaque_keeps_every_position():
    from linter.sources._pep701 import opaque

    src = 'a = 1\nb = f"{\'\\n\'.join(x)}" + c\n'
    out = opaque(src, 2, 5)
    assert out is not None and len(out) == len(src) and out.startswith('a = 1\nb = f"{_')
    assert out.split("\n")[1].endswith('}" + c')
    assert opaque("x = 'plain'\n", 1, 5) is None


@pytest.mark.parametrize("source,expected", [
    ('x = f"{cfg["region"]}"\n', "x = f\"{cfg['region']}\"\n"),
    ("y = f'{a['b']:>{w}}'\n", "y = f'{a[\"b\"]:>{w}}'\n"),
    ('z = f"{x["a"]:{"w"}}" + "b"\n', "z = f\"{x['a']:{'w'}}\" + \"b\"\n"),
    ('w = f"plain {x!r} {y != 2}"\n', None),  # nothing to change
    ('v = f"{d["a\'b"]}"\n', None),  # the inner string holds the other quote
    ('u = f"{f"{a["b"]}"}"\n', None),  # would need a third quote character
    ('t = f"{"\\n".join(x)}"\n', None),  # a backslash in a field: 3.12 only
])
def test_pep701_requoting(source, expected):
    from linter.sources._pep701 import compatible

    assert compatible(source) == expected


def test_a_managed_policy_as_a_permissions_boundary_is_not_attached(lint):
    text = py('''
        from aws_cdk import Stack, aws_iam as iam


        class S(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                role = iam.Role(self, "Nb", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
                                permissions_boundary=iam.ManagedPolicy.from_aws_managed_policy_name("PowerUserAccess"))
                iam.PermissionsBoundary.of(role).apply(
                    iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess"))
                role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSageMakerFullAccess"))
    ''')
    got = [(f.code, f.span.line) for f in lint(text, "stack.py", select=["SM105"])]
    assert got == [("SM105", 11)]


def test_statements_appended_to_a_list_are_the_policys(lint):
    text = py('''
        from aws_cdk import Stack, aws_iam as iam


        class S(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                role = iam.Role(self, "Ci", assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com"))
                statements = []
                statements.append(iam.PolicyStatement(actions=["sagemaker:CreateTrainingJob"], resources=["*"]))
                statements.extend([iam.PolicyStatement(actions=["iam:PassRole"], resources=["*"])])
                iam.Policy(self, "P", statements=statements).attach_to_role(role)
                other = [iam.PolicyStatement(actions=["sagemaker:CreateProcessingJob"], resources=["*"])]
                other.append(iam.PolicyStatement(actions=["sagemaker:DeleteModel"], resources=["*"]))
                other.pop()  # changed some other way: what it holds is not known
                iam.Policy(self, "Q", statements=other)
    ''')
    got = [(f.code, f.span.line, f.label) for f in lint(text, "stack.py", select=["SM301", "SM201"])]
    # the appended statements are the policy's, so the role holds both halves of the path; a list
    # changed otherwise is unknown, and its statements are read where they are written
    assert [(c, ln) for c, ln, _ in got] == [("SM201", 9), ("SM301", 10), ("SM201", 12), ("SM201", 13)]
    assert got[1][2] == "S/Ci (S/P: statements)" and got[0][2] == "S/P: statements"


def test_boto3_calls_that_decide_a_documents_role(lint, tmp_path):
    from linter import sources

    text = py('''
        import json
        import boto3

        grants = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["sagemaker:*", "iam:PassRole"], "Resource": "*"}]}
        boto3.client("organizations").create_policy(Name="ml", Type="SERVICE_CONTROL_POLICY", Content=json.dumps(grants))
        endpoint = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sagemaker:*", "Resource": "*"}]}
        boto3.client("ec2").create_vpc_endpoint(VpcId="vpc-1", ServiceName="x", PolicyDocument=json.dumps(endpoint))
        session = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}
        boto3.client("sts").assume_role(RoleArn="arn:aws:iam::123456789012:role/x", RoleSessionName="s",
                                        Policy=json.dumps(session))
        iam = boto3.client("iam")
        cap = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        iam.create_policy(PolicyName="cap", PolicyDocument=json.dumps(cap))
        iam.put_role_permissions_boundary(RoleName="ds", PermissionsBoundary="arn:aws:iam::123456789012:policy/cap")
    ''')
    assert lint(text, "setup.py", select=["SM", "IAM3"]) == []
    docs = sources.load(str(tmp_path / "setup.py"), "setup.py").documents
    assert sorted((d.role, tuple(h.name for h in d.principals)) for d in docs) == [
        ("boundary", ("role ds",)), ("endpoint", ()), ("organization", ()), ("session", ())]


def test_arns_built_with_format_arn_in_python(lint):
    text = py('''
        from aws_cdk import Stack, aws_iam as iam


        class S(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                role = iam.Role(self, "R", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
                role.add_to_policy(iam.PolicyStatement(
                    actions=["sagemaker:CreatePresignedDomainUrl"],
                    resources=[self.format_arn(service="sagemaker", resource="user-profile", resource_name="d-1/*")]))
    ''')
    found = lint(text, "stack.py", select=["SM303"])
    assert [(f.code, f.span.line) for f in found] == [("SM303", 9)]


def test_statements_returned_by_helper_functions_are_the_callers(lint):
    text = py('''
        from aws_cdk import Stack, aws_iam as iam


        def training_statement(actions, resources=("*",), principals=None):
            return iam.PolicyStatement(actions=actions, resources=list(resources), principals=principals)


        class MlStack(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                role = iam.Role(self, "Exec", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
                role.add_to_policy(training_statement(["sagemaker:CreateTrainingJob"], ["*"]))
                role.add_to_policy(self._pass_statement())
                role.add_to_policy(self._scoped("arn:aws:s3:::data/*"))

            def _pass_statement(self):
                return iam.PolicyStatement(actions=["iam:PassRole"], resources=["*"])

            def _scoped(self, arn, *more):
                return iam.PolicyStatement(actions=["s3:GetObject"], resources=[arn, *more])
    ''')
    got = found(lint(text, "stack.py", select=["SM301", "LP002", "IAM109"]), with_label=True)
    # the PassRole statement of the method is the role's, and completes SM301 with the function's
    # grant; principals=None is no principal (no LP002 in an identity policy)
    assert got == [("SM301", 17, 45, "MlStack/Exec: add_to_policy")]


def test_a_helper_with_several_returns_or_definitions_is_not_followed(lint):
    text = py('''
        from aws_cdk import aws_iam as iam


        def pick(admin):
            if admin:
                return iam.PolicyStatement(actions=["iam:PassRole"], resources=["*"])
            return iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"])


        def build(stack):
            role = iam.Role(stack, "Exec", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
            role.add_to_policy(pick(False))
            role.add_to_policy(iam.PolicyStatement(actions=["sagemaker:CreateTrainingJob"], resources=["*"]))
    ''')
    # which statement pick() gives is not known: the role is not given the PassRole grant
    assert found(lint(text, "stack.py", select=["SM301"])) == []


def test_policy_files_the_code_loads_are_the_roles(lint, tmp_path):
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "pass.json").write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}')
    (tmp_path / "policies" / "train.json").write_text(
        '{"Version": "2012-10-17", "Statement": [\n'
        '  {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"}]}')
    text = py('''
        import json
        import os
        from aws_cdk import Stack, aws_iam as iam


        class MlStack(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                with open("policies/pass.json") as f:
                    pass_doc = json.load(f)
                train = json.loads(open(os.path.join(os.path.dirname(__file__), "..", "policies", "train.json")).read())
                role = iam.Role(self, "Exec", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
                                inline_policies={"pass": iam.PolicyDocument.from_json(pass_doc)})
                role.attach_inline_policy(iam.Policy(self, "Train", document=iam.PolicyDocument.from_json(train)))
    ''')
    found = lint(text, "stacks/ml.py", select=["SM301", "IAM301"])
    assert [(f.code, f.file, f.span.line, f.span.col) for f in found] == [
        ("IAM301", "policies/pass.json", 1, 71), ("SM301", "policies/pass.json", 1, 71)]
    assert [(r.file, r.span.line) for r in found[1].related] == [("policies/train.json", 2)]


def test_a_boto3_policy_returned_by_a_helper_is_the_roles(lint):
    text = py('''
        import json
        import boto3

        iam = boto3.client("iam")


        def pass_any_role_policy():
            return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}


        TRAIN = {"Version": "2012-10-17",
                 "Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"}]}
        iam.put_role_policy(RoleName="trainer", PolicyName="pass", PolicyDocument=json.dumps(pass_any_role_policy()))
        iam.put_role_policy(RoleName="trainer", PolicyName="train", PolicyDocument=json.dumps(TRAIN))
    ''')
    found = lint(text, "setup_roles.py", select=["SM301"])
    assert [(f.code, f.span.line, f.span.col, f.label) for f in found] == [("SM301", 8, 82, "role trainer (policy document)")]


def test_statements_added_in_a_for_loop_are_each_the_roles(lint):
    text = py('''
        from aws_cdk import Stack, aws_iam as iam


        class MlStack(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                role = iam.Role(self, "Exec", assumed_by=iam.ServicePrincipal("states.amazonaws.com"))
                for s in [iam.PolicyStatement(actions=["sagemaker:CreateTrainingJob"], resources=["*"]),
                          iam.PolicyStatement(actions=["iam:PassRole"], resources=["*"])]:
                    role.add_to_policy(s)
    ''')
    found = lint(text, "stack.py", select=["SM301"])
    assert [(f.code, f.span.line, f.span.col, f.label) for f in found] == [
        ("SM301", 9, 48, "MlStack/Exec: add_to_policy")]
