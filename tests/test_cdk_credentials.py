"""KEY404-KEY407 in AWS CDK apps (Python, TypeScript, JavaScript), read statically: access keys
the app creates, where their secrets go, template parameters, IAM users granted SageMaker."""
import json
import textwrap

from keygen import secret

KEYS = ["KEY404", "KEY405", "KEY406", "KEY407"]


def found(findings):
    return [(f.code, f.span.line, f.span.col) for f in findings]


def spans(findings):
    return [(f.code, tuple(f.span)) for f in findings]


def code(text):
    return textwrap.dedent(text).lstrip("\n")


# ---------------------------------------------------------------------------
# Python

PY_STACK = code('''
    from aws_cdk import CfnOutput, Fn, Stack, aws_iam as iam, aws_lambda as lambda_
    from aws_cdk import aws_sagemaker as sagemaker, aws_secretsmanager as sm, aws_ssm as ssm


    class CiStack(Stack):
        def __init__(self, scope, cid, **kw):
            super().__init__(scope, cid, **kw)
            user = iam.User(self, "CiUser")
            key = iam.AccessKey(self, "CiKey", user=user)
            secret = key.secret_access_key.unsafe_unwrap()
            CfnOutput(self, "KeyId", value=key.access_key_id)
            CfnOutput(self, "Secret", value=secret)
            CfnOutput(self, "Joined", value=Fn.join(":", [key.access_key_id, key.secret_access_key.to_string()]),
                      export_name="ci-credentials")
            CfnOutput(self, "Formatted", value=f"{key.access_key_id}:{key.secret_access_key.unsafe_unwrap()}")
            sm.Secret(self, "Vault", secret_string_value=key.secret_access_key)
            ssm.StringParameter(self, "Plain", string_value=secret)
            lambda_.Function(self, "Fn", handler="app.handler", runtime=lambda_.Runtime.PYTHON_3_12,
                             code=lambda_.Code.from_asset("fn"), environment={"AWS_SECRET_ACCESS_KEY": secret})
            sagemaker.CfnModel(self, "Model", execution_role_arn=role_arn,
                               primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(
                                   image=image, environment={"AWS_SECRET_ACCESS_KEY": secret}))
            l1 = iam.CfnAccessKey(self, "L1Key", user_name="ci")
            CfnOutput(self, "L1Secret", value=l1.attr_secret_access_key)
''')


def test_python_keys_and_flows_exact_locations(lint):
    fs = lint(PY_STACK, "app/ci_stack.py", select=KEYS)
    assert spans(fs) == [
        ("KEY404", (9, 15, 9, 28)),     # iam.AccessKey
        ("KEY405", (12, 41, 12, 47)),   # the name that carries the secret
        ("KEY405", (13, 74, 13, 107)),  # inside Fn.join
        ("KEY405", (15, 67, 15, 104)),  # inside the f-string
        ("KEY405", (17, 57, 17, 63)),   # StringParameter
        ("KEY405", (19, 100, 19, 106)),  # Lambda environment
        ("KEY405", (22, 83, 22, 89)),   # CfnModel container environment
        ("KEY404", (23, 14, 23, 30)),   # iam.CfnAccessKey
        ("KEY405", (24, 43, 24, 68)),
    ]
    msgs = [f.message for f in fs]
    assert msgs[0].startswith("iam.AccessKey CiStack/CiKey creates a long-term access key for an IAM user: its secret "
                              "is the construct's `secretAccessKey`")
    assert "the secret access key of CiKey is written to an output (CfnOutput CiStack/Secret)" in msgs[1]
    assert "written to an exported output (CfnOutput CiStack/Joined)" in msgs[2]
    assert "an SSM parameter of type String (ssm.StringParameter CiStack/Plain)" in msgs[4]
    assert "a function's environment variables (lambda_.Function CiStack/Fn)" in msgs[5]
    assert "a model container's environment (sagemaker.CfnModel CiStack/Model)" in msgs[6]
    assert [f.severity for f in fs] == ["warning"] + ["error"] * 6 + ["warning", "error"]
    related = [[(r.file, tuple(r.span), r.message) for r in f.related] for f in fs if f.code == "KEY405"]
    assert related[:6] == [[("app/ci_stack.py", (9, 15, 9, 28),
                             "iam.AccessKey CiStack/CiKey: the access key whose secret this is")]] * 6
    assert related[6] == [("app/ci_stack.py", (23, 14, 23, 30),
                           "iam.CfnAccessKey CiStack/L1Key: the access key whose secret this is")]


def test_python_secret_only_in_secrets_manager_is_key404_alone(lint):
    text = code('''
        from aws_cdk import SecretValue, Stack, aws_iam as iam, aws_secretsmanager as sm


        class CiStack(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                self.key = iam.AccessKey(self, "CiKey", user=iam.User(self, "CiUser"))
                sm.Secret(self, "Vault", secret_string_value=self.key.secret_access_key)
                sm.Secret(self, "Pair", secret_object_value={
                    "accessKeyId": SecretValue.unsafe_plain_text(self.key.access_key_id),
                    "secretAccessKey": self.key.secret_access_key,
                })
    ''')
    assert found(lint(text, "app/ci_stack.py", select=KEYS)) == [("KEY404", 7, 20)]


def test_python_what_is_not_a_created_secret(lint):
    # a key passed in (not created here), a key ID, a name bound twice, a boto3 resource object
    # for an existing key, a value a function computes from the secret: nothing to report
    text = code('''
        import boto3
        from aws_cdk import CfnOutput, Stack, aws_iam as iam


        class CiStack(Stack):
            def __init__(self, scope, cid, key: iam.AccessKey):
                super().__init__(scope, cid)
                CfnOutput(self, "Passed", value=key.secret_access_key.unsafe_unwrap())
                own = iam.AccessKey(self, "Own", user=iam.User(self, "U"))
                CfnOutput(self, "Id", value=own.access_key_id)
                twice = own.secret_access_key.unsafe_unwrap()
                twice = "none"
                CfnOutput(self, "Twice", value=twice)
                CfnOutput(self, "Hashed", value=digest(own.secret_access_key.unsafe_unwrap()))


        existing = boto3.resource("iam").AccessKey("ci", "id")
        print(existing.secret_access_key)
        policy = {"Statement": []}
    ''')
    assert found(lint(text, "app/ci_stack.py", select=KEYS)) == [("KEY404", 9, 15)]


def test_python_users_granted_sagemaker(lint):
    text = code('''
        from aws_cdk import Stack, aws_iam as iam, aws_transfer as transfer


        class TeamStack(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                analyst = iam.User(self, "Analyst",
                                   managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(
                                       "AmazonSageMakerReadOnly")])
                analyst.add_to_principal_policy(iam.PolicyStatement(
                    actions=["sagemaker:DescribeModel"], resources=["*"]))
                analyst.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"]))
                analyst.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("ReadOnlyAccess"))
                analyst.attach_inline_policy(iam.Policy(self, "Notebooks", statements=[
                    iam.PolicyStatement(actions=["sagemaker:CreatePresignedNotebookInstanceUrl"], resources=["*"])]))
                iam.ManagedPolicy(self, "Models", users=[analyst], statements=[
                    iam.PolicyStatement(actions=["sagemaker:CreateModel"], resources=["*"])])
                imported = iam.User.from_user_name(self, "Ops", "ops-user")
                imported.add_to_principal_policy(iam.PolicyStatement(actions=["sagemaker:*"], resources=["*"]))
                iam.CfnUserPolicy(self, "Legacy", user_name="legacy", policy_name="p", policy_document={
                    "Statement": [{"Effect": "Allow", "Action": "sagemaker:ListModels", "Resource": "*"}]})
                role = iam.Role(self, "Exec", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
                role.add_to_policy(iam.PolicyStatement(actions=["sagemaker:CreateModel"], resources=["*"]))
                group = iam.Group(self, "Team")
                group.add_to_policy(iam.PolicyStatement(actions=["sagemaker:CreateModel"], resources=["*"]))
                sftp = transfer.CfnUser(self, "Sftp", role="arn", server_id="s", user_name="u")
                analyst.add_to_policy(iam.PolicyStatement(effect=iam.Effect.DENY, actions=["sagemaker:*"],
                                                          resources=["arn:aws:sagemaker:*:*:model/prod-*"]))
    ''')
    fs = lint(text, "app/team.py", select=KEYS)
    assert found(fs) == [("KEY407", 9, 32), ("KEY407", 10, 41), ("KEY407", 15, 13), ("KEY407", 17, 13),
                         ("KEY407", 19, 42), ("KEY407", 21, 27)]
    assert all(f.severity == "note" for f in fs)
    assert "IAM user Analyst is granted SageMaker actions directly by AWS managed policy AmazonSageMakerReadOnly" \
        in fs[0].message
    assert fs[1].message.startswith("IAM user Analyst is granted SageMaker actions directly (sagemaker:DescribeModel)")
    assert fs[4].message.startswith("IAM user ops-user is granted SageMaker actions directly (sagemaker:*)")
    assert fs[5].message.startswith("IAM user legacy is granted")


def test_python_template_parameters(lint):
    text = code('''
        from aws_cdk import CfnParameter, Stack, aws_ssm as ssm


        class CiStack(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                CfnParameter(self, "AwsSecretAccessKey", type="String")
                CfnParameter(self, "SessionToken", type="String", no_echo=True)
                CfnParameter(self, "SecretKeyArn", type="String")
                CfnParameter(self, "ModelName", type="String")
                ssm.CfnParameter(self, "SecretKey", type="String", value="x")
    ''')
    fs = lint(text, "app/ci_stack.py", select=KEYS)
    assert spans(fs) == [("KEY406", (7, 28, 7, 48))]  # the string that names the parameter
    assert fs[0].message == ("CfnParameter AwsSecretAccessKey is named like a secret access key or session token "
                             "but is not hidden: its value is shown wherever the deployment is described; add "
                             "`no_echo=True` (better: no key, a role)")


def test_python_secret_never_shown(tmp_path, monkeypatch):
    from linter.cli import main

    sec = secret("cdk-never-shown")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stack.py").write_text(code(f'''
        from aws_cdk import CfnOutput, CfnParameter, Stack, aws_iam as iam

        AWS_SECRET_ACCESS_KEY = "{sec}"


        class CiStack(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                CfnParameter(self, "SecretAccessKey", default="{sec}")
                key = iam.AccessKey(self, "CiKey", user=iam.User(self, "CiUser"))
                CfnOutput(self, "Out", value=key.secret_access_key.unsafe_unwrap())
    '''), encoding="utf-8")
    for fmt in ("text", "json", "sarif"):
        out = tmp_path / f"out.{fmt}"
        main(["--select", "KEY", "--format", fmt, "--output", str(out), "stack.py"])
        body = out.read_text()
        assert "KEY406" in body and "KEY405" in body and "KEY404" in body and "KEY402" in body
        assert sec not in body and sec[:12] not in body


def test_python_suppression_comment(lint):
    text = code('''
        from aws_cdk import CfnOutput, Stack, aws_iam as iam


        class CiStack(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                # lint-policies: ignore[KEY404] -- a vendor that only takes keys; rotated by the platform team
                key = iam.AccessKey(self, "CiKey", user=iam.User(self, "CiUser"))
                CfnOutput(self, "Out", value=key.secret_access_key.unsafe_unwrap())
    ''')
    assert found(lint(text, "stack.py", select=KEYS)) == [("KEY405", 9, 38)]


# ---------------------------------------------------------------------------
# TypeScript and JavaScript

TS_STACK = code('''
    import * as cdk from "aws-cdk-lib";
    import * as iam from "aws-cdk-lib/aws-iam";
    import * as lambda from "aws-cdk-lib/aws-lambda";
    import * as sagemaker from "aws-cdk-lib/aws-sagemaker";
    import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
    import * as ssm from "aws-cdk-lib/aws-ssm";

    export class CiStack extends cdk.Stack {
      public readonly key: iam.AccessKey;

      constructor(scope: Construct, id: string) {
        super(scope, id);
        const user = new iam.User(this, "CiUser");
        this.key = new iam.AccessKey(this, "CiKey", { user });
        const secret = this.key.secretAccessKey.unsafeUnwrap();
        new cdk.CfnOutput(this, "KeyId", { value: this.key.accessKeyId });
        new cdk.CfnOutput(this, "Secret", { value: `${this.key.accessKeyId}:${secret}` });
        new cdk.CfnOutput(this, "Joined", {
          value: cdk.Fn.join(":", [this.key.accessKeyId, this.key.secretAccessKey.toString()]),
          exportName: "ci-credentials",
        });
        new secretsmanager.Secret(this, "Vault", { secretStringValue: this.key.secretAccessKey });
        new ssm.StringParameter(this, "Plain", { stringValue: secret });
        const fn = new lambda.Function(this, "Fn", {
          runtime: lambda.Runtime.NODEJS_20_X, handler: "index.handler", code: lambda.Code.fromAsset("fn"),
          environment: { AWS_SECRET_ACCESS_KEY: secret },
        });
        fn.addEnvironment("SECRET_AGAIN", this.key.secretAccessKey.unsafeUnwrap());
        new sagemaker.CfnModel(this, "Model", {
          executionRoleArn: roleArn,
          containers: [{ image, environment: { AWS_SECRET_ACCESS_KEY: secret } }],
        });
        const l1 = new iam.CfnAccessKey(this, "L1Key", { userName: "ci" });
        new cdk.CfnOutput(this, "L1Secret", { value: "secret: " + l1.attrSecretAccessKey });
        user.attachInlinePolicy(new iam.Policy(this, "Notebooks", {
          statements: [new iam.PolicyStatement({ actions: ["sagemaker:CreatePresignedNotebookInstanceUrl"],
                                                 resources: ["*"] })],
        }));
        new cdk.CfnParameter(this, "AwsSecretKey", { type: "String" });
        new cdk.CfnParameter(this, "SessionToken", { type: "String", noEcho: true });
      }
    }
''')


def test_typescript_keys_flows_users_parameters(lint):
    fs = lint(TS_STACK, "lib/ci-stack.ts", select=KEYS)
    assert spans(fs) == [
        ("KEY404", (14, 20, 14, 33)),
        ("KEY405", (17, 75, 17, 81)),   # ${secret} in a template literal
        ("KEY405", (19, 54, 19, 89)),   # inside Fn.join
        ("KEY405", (23, 59, 23, 65)),   # StringParameter
        ("KEY405", (26, 45, 26, 51)),   # Lambda environment
        ("KEY405", (28, 39, 28, 78)),   # addEnvironment
        ("KEY405", (31, 67, 31, 73)),   # CfnModel containers[].environment
        ("KEY404", (33, 20, 33, 36)),
        ("KEY405", (34, 63, 34, 85)),   # "..." + l1.attrSecretAccessKey
        ("KEY407", (36, 20, 37, 65)),   # the statement
        ("KEY406", (39, 32, 39, 46)),
    ]
    msgs = [f.message for f in fs]
    assert "exported output (cdk.CfnOutput CiStack/Joined)" in msgs[2]
    assert "a function's environment variables (lambda.Function CiStack/Fn)" in msgs[5]
    assert "a model container's environment (sagemaker.CfnModel CiStack/Model)" in msgs[6]
    assert msgs[9].startswith("IAM user CiUser is granted SageMaker actions directly "
                              "(sagemaker:CreatePresignedNotebookInstanceUrl)")
    assert msgs[10].endswith("add `noEcho: true` (better: no key, a role)")


def test_javascript_reads_the_same(lint):
    js = TS_STACK.replace("scope: Construct, id: string", "scope, id").replace(
        "  public readonly key: iam.AccessKey;\n", "  key;\n")
    assert found(lint(js, "lib/ci-stack.js", select=KEYS)) == [
        ("KEY404", 14, 20), ("KEY405", 17, 75), ("KEY405", 19, 54), ("KEY405", 23, 59), ("KEY405", 26, 45),
        ("KEY405", 28, 39), ("KEY405", 31, 67), ("KEY404", 33, 20), ("KEY405", 34, 63), ("KEY407", 36, 20),
        ("KEY406", 39, 32)]


def test_typescript_secret_only_in_secrets_manager_is_key404_alone(lint):
    text = code('''
        import { SecretValue, Stack } from "aws-cdk-lib";
        import { AccessKey, User } from "aws-cdk-lib/aws-iam";
        import { Secret } from "aws-cdk-lib/aws-secretsmanager";

        export class CiStack extends Stack {
          constructor(scope: Construct, id: string) {
            super(scope, id);
            const accessKey = new AccessKey(this, "AccessKey", { user: new User(this, "CiUser") });
            new Secret(this, "Secret", { secretStringValue: accessKey.secretAccessKey });
            new Secret(this, "Pair", {
              secretObjectValue: {
                accessKeyId: SecretValue.unsafePlainText(accessKey.accessKeyId),
                secretAccessKey: accessKey.secretAccessKey,
              },
            });
          }
        }
    ''')
    fs = lint(text, "lib/stack.ts", select=KEYS)
    assert found(fs) == [("KEY404", 8, 27)]
    assert fs[0].message.startswith("AccessKey CiStack/AccessKey creates a long-term access key")


def test_typescript_users_without_sagemaker_or_not_users(lint):
    text = code('''
        import * as cdk from "aws-cdk-lib";
        import * as iam from "aws-cdk-lib/aws-iam";
        import * as transfer from "aws-cdk-lib/aws-transfer";

        export class TeamStack extends cdk.Stack {
          constructor(scope: Construct, id: string) {
            super(scope, id);
            const analyst = new iam.User(this, "Analyst");
            analyst.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ["s3:GetObject"], resources: ["*"] }));
            const role = new iam.Role(this, "Exec", { assumedBy: new iam.ServicePrincipal("sagemaker.amazonaws.com") });
            role.addToPolicy(new iam.PolicyStatement({ actions: ["sagemaker:CreateModel"], resources: ["*"] }));
            role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName("AmazonSageMakerFullAccess"));
            new transfer.CfnUser(this, "Sftp", { role: "arn", serverId: "s", userName: "u" });
          }
        }
    ''')
    assert lint(text, "lib/team.ts", select=KEYS) == []


def test_typescript_user_grants_through_policies(lint):
    text = code('''
        import * as cdk from "aws-cdk-lib";
        import * as iam from "aws-cdk-lib/aws-iam";

        export class TeamStack extends cdk.Stack {
          constructor(scope: Construct, id: string) {
            super(scope, id);
            const analyst = new iam.User(this, "Analyst", {
              managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName("AmazonSageMakerFullAccess")],
            });
            const models = new iam.ManagedPolicy(this, "Models", {
              statements: [new iam.PolicyStatement({ actions: ["sagemaker:CreateModel"], resources: ["*"] })],
            });
            analyst.addManagedPolicy(models);
            const endpoints = new iam.Policy(this, "Endpoints", {
              statements: [new iam.PolicyStatement({ actions: ["sagemaker:InvokeEndpoint"], resources: ["*"] })],
            });
            endpoints.attachToUser(analyst);
            new iam.CfnUser(this, "Legacy", {
              policies: [{ policyName: "p", policyDocument: {
                Statement: [{ Effect: "Allow", Action: "sagemaker:DescribeModel", Resource: "*" }] } }],
            });
          }
        }
    ''')
    fs = lint(text, "lib/team.ts", select=KEYS)
    assert found(fs) == [("KEY407", 8, 68), ("KEY407", 11, 20), ("KEY407", 15, 20), ("KEY407", 20, 21)]
    assert [f.message.split(" is granted")[0] for f in fs] == ["IAM user Analyst"] * 3 + ["IAM user Legacy"]


def test_typescript_sarif_related_location(tmp_path, monkeypatch):
    from linter.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "stack.ts").write_text(code('''
        import * as cdk from "aws-cdk-lib";
        import * as iam from "aws-cdk-lib/aws-iam";

        export class CiStack extends cdk.Stack {
          constructor(scope: Construct, id: string) {
            super(scope, id);
            const key = new iam.AccessKey(this, "CiKey", { user: new iam.User(this, "CiUser") });
            new cdk.CfnOutput(this, "Secret", { value: key.secretAccessKey.unsafeUnwrap() });
          }
        }
    '''), encoding="utf-8")
    out = tmp_path / "out.sarif"
    main(["--select", "KEY405", "--format", "sarif", "--output", str(out), "stack.ts"])
    results = json.loads(out.read_text())["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"] for r in results] == [
        {"startLine": 8, "startColumn": 48, "endLine": 8, "endColumn": 82}]
    assert results[0]["relatedLocations"] == [{
        "id": 1,
        "physicalLocation": {"artifactLocation": {"uri": "stack.ts", "uriBaseId": "%SRCROOT%"},
                             "region": {"startLine": 7, "startColumn": 21, "endLine": 7, "endColumn": 34}},
        "message": {"text": "iam.AccessKey CiStack/CiKey: the access key whose secret this is"},
    }]


def test_files_without_these_constructs_make_no_facts(tmp_path):
    from linter import sources

    p = tmp_path / "stack.py"
    p.write_text(code('''
        from aws_cdk import Stack, aws_iam as iam


        class S(Stack):
            def __init__(self, scope, cid):
                super().__init__(scope, cid)
                iam.Role(self, "R", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    '''), encoding="utf-8")
    assert sources.load(str(p), "stack.py").credentials is None


TS_PLACES = code('''
    import * as cdk from "aws-cdk-lib";
    import * as iam from "aws-cdk-lib/aws-iam";
    import * as ecs from "aws-cdk-lib/aws-ecs";
    import * as sagemaker from "aws-cdk-lib/aws-sagemaker";
    import * as ssm from "aws-cdk-lib/aws-ssm";

    export class PlacesStack extends cdk.Stack {
      private field = new iam.AccessKey(this, "Field", { user });
      constructor(scope: Construct, id: string, props: Props) {
        super(scope, id);
        new cdk.CfnOutput(this, "FieldOut", { value: this.field.secretAccessKey.unsafeUnwrap() });
        const key = new iam.AccessKey(this, "K", { user: props.user });
        const s = key.secretAccessKey.unsafeUnwrap();
        const td = new ecs.FargateTaskDefinition(this, "Td");
        const c = td.addContainer("app", { image, environment: { SECRET: s } });
        c.addEnvironment("AGAIN", s);
        props.fn.addEnvironment("X", s);
        new ecs.CfnTaskDefinition(this, "L1Td", { containerDefinitions: [{ environment: [{ name: "S", value: s }] }] });
        new sagemaker.CfnNotebookInstanceLifecycleConfig(this, "Lc", {
          onStart: [{ content: cdk.Fn.base64(`aws configure set aws_secret_access_key ${s}`) }],
        });
        new ssm.CfnParameter(this, "P1", { type: "String", value: s });
        new ssm.CfnParameter(this, "P2", { type: "SecureString", value: s });
        new ssm.CfnParameter(this, "P3", { type: props.kind, value: s });
        new ssm.StringListParameter(this, "P4", { stringListValue: [s] });
        this.exportValue(key.secretAccessKey.toString());
      }
    }
''')


def test_typescript_other_places(lint):
    fs = lint(TS_PLACES, "lib/places.ts", select=KEYS)
    # a class field initialised where it is declared is not followed through this.field; an SSM
    # SecureString and an SSM parameter whose type is not known are not reported
    assert found(fs) == [("KEY404", 8, 23), ("KEY404", 12, 21), ("KEY405", 15, 70), ("KEY405", 16, 31),
                         ("KEY405", 17, 34), ("KEY405", 18, 106), ("KEY405", 20, 85), ("KEY405", 22, 63),
                         ("KEY405", 25, 65), ("KEY405", 26, 22)]
    places = [f.message.split(" is written to ", 1)[1].split(", where", 1)[0] for f in fs[2:]]
    assert places == [
        "a container definition of a task definition (td.addContainer app)",
        "a container definition of a task definition (c.addEnvironment)",
        "environment variables (props.fn.addEnvironment)",
        "a container definition of a task definition (ecs.CfnTaskDefinition PlacesStack/L1Td)",
        "a notebook or Studio lifecycle configuration (sagemaker.CfnNotebookInstanceLifecycleConfig PlacesStack/Lc)",
        "an SSM parameter of type String (ssm.CfnParameter PlacesStack/P1)",
        "an SSM parameter of type String (ssm.StringListParameter PlacesStack/P4)",
        "an exported output (PlacesStack: exportValue)",
    ]


PY_MORE = code('''
    from aws_cdk import Stack, aws_iam as iam, aws_secretsmanager as sm


    class MoreStack(Stack):
        def __init__(self, scope, cid):
            super().__init__(scope, cid)
            key = iam.CfnAccessKey(self, "L1Key", user_name="ci")
            sm.CfnSecret(self, "Vault", secret_string=key.attr_secret_access_key)
            self.export_value(key.attr_secret_access_key)
            iam.CfnPolicy(self, "ForUsers", policy_name="p", users=["ana", "bo"], policy_document={
                "Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateModel", "Resource": "*"}]})
            iam.CfnPolicy(self, "ForRoles", policy_name="r", roles=["exec"], policy_document={
                "Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateModel", "Resource": "*"}]})
            iam.Policy(self, "Inline", users=[iam.User.from_user_arn(self, "Ext", "arn:aws:iam::111122223333:user/x")],
                       statements=[iam.PolicyStatement(actions=["sagemaker:ListModels"], resources=["*"])])
''')


def test_python_l1_constructs_and_policies_with_users(lint):
    fs = lint(PY_MORE, "app/more.py", select=KEYS)
    assert found(fs) == [("KEY404", 7, 15), ("KEY405", 9, 27), ("KEY407", 11, 27), ("KEY407", 15, 32)]
    assert "an exported output (MoreStack: export_value)" in fs[1].message
    assert fs[2].message.startswith("IAM user ana, bo is granted SageMaker actions directly (sagemaker:CreateModel)")
    assert fs[3].message.startswith("IAM user Ext is granted")


def test_names_shared_many_times_are_read_once(lint):
    # each name holds its predecessor twice: read naively, the value has 2**25 paths to the secret
    lines = ["from aws_cdk import CfnOutput, aws_iam as iam",
             "key = iam.AccessKey(self, 'K', user=user)",
             "x0 = key.secret_access_key.unsafe_unwrap()"]
    lines += [f"x{i} = [x{i - 1}, x{i - 1}]" for i in range(1, 26)]
    lines.append("CfnOutput(self, 'O', value=x25)")
    assert found(lint("\n".join(lines) + "\n", "app.py", select=KEYS)) == [("KEY404", 2, 7), ("KEY405", 29, 28)]
