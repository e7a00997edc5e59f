"""AWS CDK apps in TypeScript and JavaScript, read with the tree-sitter TypeScript grammar:
exact codes, lines and columns, firing and not firing, // suppressions, hostile input."""
import textwrap

import pytest

from keygen import key_id


def found(findings, with_label=False):
    if with_label:
        return [(f.code, f.span.line, f.span.col, f.label) for f in findings]
    return [(f.code, f.span.line, f.span.col) for f in findings]


def ts(text):
    return textwrap.dedent(text).lstrip("\n")


STACK = ts('''
    import * as cdk from "aws-cdk-lib";
    import * as iam from "aws-cdk-lib/aws-iam";

    const ACTIONS = ["sagemaker:*"];

    export class TrainingStack extends cdk.Stack {
      constructor(scope: Construct, id: string, props?: cdk.StackProps) {
        super(scope, id, props);
        const role = new iam.Role(this, "TrainingRole", {
          assumedBy: new iam.ServicePrincipal("sagemaker.amazonaws.com"),
          managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName("AmazonSageMakerFullAccess")],
        });
        role.addToPolicy(new iam.PolicyStatement({ actions: ACTIONS, resources: ["*"] }));
        role.addToPolicy(new iam.PolicyStatement({
          actions: ["iam:PassRole"],
          resources: [`arn:aws:iam::${this.account}:role/*`],
        }));
      }
    }
''')


def test_statements_and_managed_policies_at_their_literals(lint):
    got = found(lint(STACK, "lib/stack.ts", select=["SM101", "SM105", "IAM301"]), with_label=True)
    assert got == [
        ("SM101", 4, 18, "TrainingStack/TrainingRole: add_to_policy"),
        ("SM105", 11, 68, "TrainingStack/TrainingRole: managed_policies"),
        ("IAM301", 15, 17, "TrainingStack/TrainingRole: add_to_policy"),
    ]


def test_the_same_stack_in_javascript(lint):
    js = STACK.replace("scope: Construct, id: string, props?: cdk.StackProps", "scope, id, props")
    assert found(lint(js, "lib/stack.js", select=["SM101", "SM105", "IAM301"])) == [
        ("SM101", 4, 18), ("SM105", 11, 68), ("IAM301", 15, 17)]


def test_scoped_or_unknown_values_are_never_guessed(lint):
    text = ts('''
        import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";

        let acts = ["sagemaker:*"];
        acts = ["sagemaker:DescribeModel"];
        const more = ["sagemaker:*"];
        more.splice(0, 1, "s3:GetObject");  // changed in place (not only pushed to): not known

        function helper(actions: string[], resource: string) {
          return new PolicyStatement({ actions, resources: [resource] });
        }

        export function build(role: Role, bucket: any, props: any) {
          role.addToPolicy(new PolicyStatement({ actions: acts, resources: ["*"] }));
          role.addToPolicy(new PolicyStatement({ actions: more, resources: ["*"] }));
          role.addToPolicy(new PolicyStatement({ actions: ["sagemaker:CreateModel"], resources: [bucket.arnForObjects("*")] }));
          role.addToPolicy(new PolicyStatement({ ...props, resources: ["*"] }));
          new Role(this, "R", { assumedBy: props.principal });
        }
    ''')
    assert found(lint(text, "lib/stack.ts")) == []


def test_builders_documents_and_trust(lint):
    text = ts('''
        import * as iam from "@aws-cdk/aws-iam";

        const st = new iam.PolicyStatement();
        st.addActions("sagemaker:CreateTrainingJob");
        st.addAllResources();
        const old = new iam.PolicyStatement().addAction("sagemaker:*").addResource("*");
        const doc = iam.PolicyDocument.fromJson({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: ["sagemaker:Create*"], Resource: "*" }],
        });
        new iam.Role(this, "Open", { assumedBy: new iam.AnyPrincipal(), inlinePolicies: { ml: doc } });
        new iam.Role(this, "Gh", {
          assumedBy: new iam.FederatedPrincipal(
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", {},
            "sts:AssumeRoleWithWebIdentity"),
        });
        new iam.CfnRole(this, "L1", {
          assumeRolePolicyDocument: { Statement: [{ Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:AssumeRole" }] },
          managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
        });
    ''')
    got = found(lint(text, "lib/stack.ts", select=["SM101", "SM102", "SM105", "SM201", "IAM3"]), with_label=True)
    assert got == [
        ("SM201", 5, 1, "PolicyStatement"),
        ("SM101", 6, 49, "PolicyStatement"),
        ("SM201", 6, 76, "PolicyStatement"),
        ("SM102", 9, 43, "Open: inline_policies.ml"),
        ("SM201", 9, 75, "Open: inline_policies.ml"),
        ("IAM302", 11, 45, "Open: assumed_by"),
        ("IAM303", 14, 5, "Gh: assumed_by"),
        ("SM105", 19, 23, "L1: managed_policy_arns"),
    ]


def test_ordinary_typescript_is_read_for_credentials_only(lint):
    # no CDK import: the policy-shaped literal and the syntax error are not read, the key is
    key = key_id("ts-ordinary")
    text = f'export const KEY = "{key}";\nconst p = {{ Statement: [{{ Effect: "Allow", Action: "*" }}] }};\nfunction (\n'
    for name in ("src/app.ts", "src/app.js"):
        assert [(f.code, f.span.line, f.span.col) for f in lint(text, name)] == [("KEY401", 1, 21)]
        assert lint(text.replace(key, "not-a-key"), name) == []


def test_suppression_comments(tmp_path, monkeypatch):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "stack.ts").write_text(ts('''
        import * as iam from "aws-cdk-lib/aws-iam";

        const note = "// lint-policies: ignore[SM101] -- inside a string, not a comment";
        const tpl = `${note} // lint-policies: ignore[SM101] -- in a template literal`;
        role.addToPolicy(new iam.PolicyStatement({ actions: ["sagemaker:*"], resources: ["*"] }));
        // lint-policies: ignore[SM101,SM201] -- admin role, reviewed
        role.addToPolicy(new iam.PolicyStatement({
          actions: ["sagemaker:*"],
          resources: ["*"],
        }));
        /* lint-policies: ignore[SM101] -- ok */
        role.addToPolicy(new iam.PolicyStatement({ actions: ["sagemaker:*"], resources: ["arn:aws:sagemaker:us-east-1:123456789012:model/m"] }));
    '''))
    res = run(["stack.ts"], Options(select=["SM101", "SM201", "LP100"]))
    assert found(res.findings) == [("SM101", 5, 54), ("SM201", 5, 82)]
    assert sorted(found(res.suppressed)) == [("SM101", 8, 13), ("SM101", 12, 54), ("SM201", 9, 15)]


def test_syntax_error_is_lp001_and_the_rest_is_read(lint):
    text = 'import * as iam from "aws-cdk-lib/aws-iam";\nconst a = 1 +;\n' \
           'new iam.PolicyStatement({ actions: ["sagemaker:*"], resources: ["*"] });\n'
    got = [(f.code, f.span.line) for f in lint(text, "stack.ts", select=["LP001", "SM101"])]
    assert got == [("LP001", 2), ("SM101", 3)]


@pytest.mark.parametrize("body", [
    "const x = " + "(" * 3000 + "1" + ")" * 3000 + ";\n",
    "const x = " + "[" * 200 + "'sagemaker:*'" + "]" * 200 + ";\n",
    "const x = " + " + ".join(["'a'"] * 20000) + ";\n",
    "new iam.PolicyStatement({ actions: " + "f(" * 300 + "'sagemaker:*'" + ")" * 300 + " });\n",
    "const A = B; const B = A;\nnew iam.PolicyStatement({ actions: A, resources: ['*'] });\n",
    "const d = { Statement: [{ Effect: 'Allow', Action: d }] };\n",
    "new iam.Role(this, 'r', { assumedBy: new iam.CompositePrincipal(...ps) });\n",
    "`${`${`${'unterminated\n",
    "\\u{110000}'\\x' \"\\u{zz}\";\n",
])
def test_hostile_code_is_lp001_or_nothing(lint, body):
    got = lint("import * as iam from 'aws-cdk-lib/aws-iam';\n" + body, "stack.ts")
    assert {f.code for f in got} <= {"LP001", "LP002", "SM101", "SM201"}, [(f.code, f.message) for f in got]


SYNTH_PAIR = (ts('''
    import { Stack } from "aws-cdk-lib";
    import * as iam from "aws-cdk-lib/aws-iam";

    export class ScoringStack extends Stack {
      constructor(scope: Construct, id: string) {
        super(scope, id);
        const policy = new iam.ManagedPolicy(this, "Scoring");
        const invoke = new iam.PolicyStatement({ actions: ["sagemaker:InvokeEndpoint"], resources: ["*"] });
        const pass = new iam.PolicyStatement({
          actions: ["iam:PassRole"],
          resources: [`arn:${this.partition}:iam::${this.account}:role/*`],
        });
        policy.addStatements(invoke, pass);
        new iam.Role(this, "Public", { assumedBy: new iam.ArnPrincipal("*") });
      }
    }
'''), '''{
 "Resources": {
  "Scoring1F2E3D4C": {
   "Type": "AWS::IAM::ManagedPolicy",
   "Properties": {
    "PolicyDocument": {
     "Statement": [
      {"Action": "sagemaker:InvokeEndpoint", "Effect": "Allow", "Resource": "*"},
      {"Action": "iam:PassRole", "Effect": "Allow",
       "Resource": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"},
                                     ":role/*"]]}}
     ],
     "Version": "2012-10-17"
    },
    "Path": "/"
   }
  },
  "Public5A6B7C8D": {
   "Type": "AWS::IAM::Role",
   "Properties": {
    "AssumeRolePolicyDocument": {
     "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"AWS": "*"}}],
     "Version": "2012-10-17"
    }
   }
  }
 }
}''')


def test_same_findings_as_the_synthesised_template(lint):
    code, template = SYNTH_PAIR
    from_code = sorted((f.code, f.severity) for f in lint(code, "lib/stack.ts"))
    from_template = sorted((f.code, f.severity) for f in lint(template, "cdk.out/Stack.template.json"))
    assert from_code and from_code == from_template


def test_suppressions_read_the_comments_the_parser_saw(tmp_path, monkeypatch):
    """A quote inside a regular expression literal opens no string: the directive after it counts."""
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.ts").write_text(
        'import * as iam from "aws-cdk-lib/aws-iam";\n'
        'const r = /"/; new iam.PolicyStatement({ actions: ["sagemaker:*"], resources: ["*"] });'
        ' // lint-policies: ignore[SM101] -- after a regular expression\n', encoding="utf-8")
    res = run(["a.ts"], Options(select=["SM101", "LP100"]))
    assert found(res.findings) == [] and found(res.suppressed) == [("SM101", 2, 52)]


def test_statements_added_to_a_trust_policy_are_the_roles_trust_policy(lint):
    """``role.assumeRolePolicy?.addStatements(...)`` (also with ``!``) adds to the role's trust
    policy: checked as one (IAM302), never as an identity policy without a Resource; a bare
    service name (``new ServicePrincipal("sagemaker")``) is ``sagemaker.amazonaws.com``."""
    text = ts('''
        import * as iam from "aws-cdk-lib/aws-iam";

        export class S extends cdk.Stack {
          constructor(scope: Construct, id: string) {
            super(scope, id);
            const role = new iam.Role(this, "R", { assumedBy: new iam.ServicePrincipal("sagemaker") });
            role.assumeRolePolicy?.addStatements(new iam.PolicyStatement({
              actions: ["sts:AssumeRole"], principals: [new iam.AnyPrincipal()] }));
            role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
              actions: ["sts:AssumeRole"], principals: [new iam.AccountPrincipal("123456789012")] }));
          }
        }
    ''')
    got = found(lint(text, "lib/s.ts", select=["IAM2", "IAM3", "LP"]), with_label=True)
    assert got == [("IAM302", 8, 53, "S/R: assumed_by")]


def test_initial_policy_of_a_function_given_a_role(lint):
    text = ts('''
        import * as iam from "aws-cdk-lib/aws-iam";
        import * as lambda from "aws-cdk-lib/aws-lambda";

        export class S extends cdk.Stack {
          constructor(scope: Construct, id: string) {
            super(scope, id);
            const role = new iam.Role(this, "R", { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") });
            role.addToPolicy(new iam.PolicyStatement({ actions: ["iam:PassRole"], resources: ["*"] }));
            new lambda.Function(this, "Fn", {
              handler: "index.handler", role,
              initialPolicy: [new iam.PolicyStatement({ actions: ["sagemaker:CreateProcessingJob"], resources: ["*"] })],
            });
          }
        }
    ''')
    (f,) = lint(text, "lib/s.ts", select=["SM301"])
    assert (f.code, f.span.line, f.label) == ("SM301", 8, "S/R: add_to_policy")
    assert [(r.span.line, r.label) for r in f.related] == [(11, "S/Fn: initial_policy")]


def test_a_task_roles_and_a_grant_principals_statements_are_the_constructs_role(lint):
    text = ts('''
        import * as cdk from "aws-cdk-lib";
        import * as ecs from "aws-cdk-lib/aws-ecs";
        import * as iam from "aws-cdk-lib/aws-iam";
        import * as lambda from "aws-cdk-lib/aws-lambda";
        export class S extends cdk.Stack {
          constructor(scope: Construct, id: string) {
            super(scope, id);
            const task = new ecs.FargateTaskDefinition(this, "Task");
            task.addToTaskRolePolicy(new iam.PolicyStatement({ actions: ["iam:PassRole"], resources: ["*"] }));
            task.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
              actions: ["sagemaker:CreateTrainingJob"], resources: ["*"] }));
            const fn = new lambda.Function(this, "Fn", { handler: "i.h", code: lambda.Code.fromInline("x") });
            fn.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ["iam:PassRole"], resources: ["*"] }));
            fn.addToRolePolicy(new iam.PolicyStatement({ actions: ["sagemaker:CreateProcessingJob"], resources: ["*"] }));
          }
        }
    ''')
    got = lint(text, "lib/s.ts", select=["SM301"])
    assert [(f.span.line, f.message.split(" may ")[0], [r.span.line for r in f.related]) for f in got] == [
        (9, "S/Task", [11]), (13, "S/Fn", [14])]


def test_a_subclass_of_role_makes_the_role_with_super(lint):
    text = ts('''
        import * as iam from "aws-cdk-lib/aws-iam";

        export class TrainerRole extends iam.Role {
          constructor(scope: Construct, id: string) {
            super(scope, id, { assumedBy: new iam.AnyPrincipal() });
            this.addToPolicy(new iam.PolicyStatement({ actions: ["sagemaker:CreateTrainingJob"], resources: ["*"] }));
            this.addToPolicy(new iam.PolicyStatement({ actions: ["iam:PassRole"], resources: ["*"] }));
          }
        }
    ''')
    got = found(lint(text, "lib/roles.ts", select=["SM301", "IAM302", "LP002"]), with_label=True)
    assert got == [("IAM302", 5, 39, "TrainerRole: assumed_by"), ("SM301", 7, 58, "TrainerRole: add_to_policy")]


def test_assertion_patterns_of_a_cdk_test_are_not_policies(lint):
    """``template.hasResourceProperties(..., {...})`` and ``Match.objectLike({...})`` hold patterns
    a synthesized template is matched against (parts of a statement), not policies; a policy
    literal elsewhere in the test file is still read."""
    text = ts('''
        import { Match, Template } from "aws-cdk-lib/assertions";

        test("trust", () => {
          template.hasResourceProperties("AWS::IAM::Role", {
            AssumeRolePolicyDocument: Match.objectLike({
              Statement: [{ Action: "sts:AssumeRoleWithWebIdentity", Effect: "Allow",
                            Principal: { Federated: { Ref: Match.stringLikeRegexp(".*Provider.*") } } }],
            }),
          });
          template.hasResourceProperties("AWS::IAM::Policy", {
            PolicyDocument: { Statement: Match.arrayWith([{ Action: "s3:*", Effect: "Deny" }]) },
          });
        });
        const written = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sagemaker:*", Resource: "*" }] };
    ''')
    assert [f.code for f in lint(text, "test/stack.test.ts", select=["LP", "IAM1", "IAM3", "SM101"])] == ["SM101"]


def test_vpc_endpoint_policies_grant_nothing(lint):
    """``CfnVPCEndpoint(policyDocument=)``, ``endpoint.addToPolicy(...)`` and an app's own
    ``VpcEndpoint`` construct write VPC endpoint policies: ``"*"`` there grants nothing."""
    text = ts('''
        import * as ec2 from "aws-cdk-lib/aws-ec2";
        import * as iam from "aws-cdk-lib/aws-iam";

        const any = [new iam.AnyPrincipal()];
        new ec2.CfnVPCEndpoint(stack, "Ep", { vpcId: "vpc-1", serviceName: "com.amazonaws.us-east-1.sagemaker.api",
          policyDocument: new iam.PolicyDocument({ statements: [
            new iam.PolicyStatement({ actions: ["*"], resources: ["*"], principals: any })] }) });
        const ep = new ec2.InterfaceVpcEndpoint(stack, "I", { vpc, service: ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_API });
        ep.addToPolicy(new iam.PolicyStatement({ actions: ["*"], resources: ["*"], principals: any }));
        new VpcEndpoint(stack, "Own", { service: "ec2", policyDocument: new iam.PolicyDocument({ statements: [
          new iam.PolicyStatement({ actions: ["*"], resources: ["*"], principals: any })] }) });
    ''')
    assert lint(text, "lib/net.ts", select=["SM", "IAM3", "LP002"]) == []


def test_call_aws_service_uses_the_iam_prefix_of_the_sdk_name(lint):
    text = ts('''
        import * as tasks from "aws-cdk-lib/aws-stepfunctions-tasks";

        new tasks.CallAwsService(this, "Start", { service: "sfn", action: "startExecution", iamResources: ["*"] });
        new tasks.CallAwsService(this, "Train", { service: "sagemaker", action: "createTrainingJob", iamResources: ["*"] });
    ''')
    assert [f.code for f in lint(text, "lib/flow.ts", select=["IAM101", "SM201"])] == ["SM201"]


def test_statements_added_to_a_policy_document_join_it(lint):
    """A private API's resource policy: the Deny that fences the Allow to everyone is added with
    ``addStatements`` after the document is made; read as one document, the fence holds (IAM302
    reports nothing), and the document is not "Statement is empty"."""
    text = ts('''
        import * as apigw from "aws-cdk-lib/aws-apigateway";
        import * as iam from "aws-cdk-lib/aws-iam";

        const policyDocument = new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({
            actions: ["execute-api:Invoke"], resources: ["execute-api:/*"], principals: [new iam.AnyPrincipal()],
          })],
        });
        policyDocument.addStatements(new iam.PolicyStatement({
          effect: iam.Effect.DENY, actions: ["execute-api:Invoke"], resources: ["execute-api:/*"],
          principals: [new iam.AnyPrincipal()],
          conditions: { StringNotEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
        }));
        new apigw.RestApi(this, "Api", { policy: policyDocument });
    ''')
    assert lint(text, "api.ts", select=["LP002", "IAM302"]) == []
    unfenced = text.replace("effect: iam.Effect.DENY, ", "")
    assert [(f.code, f.span.line) for f in lint(unfenced, "api.ts", select=["LP002", "IAM302"])] == [
        ("IAM302", 6), ("IAM302", 11)]


def test_a_document_declared_undefined_then_made_is_that_document(lint):
    """``let doc: PolicyDocument | undefined = undefined; if (...) { doc = new PolicyDocument(...);
    doc.addStatements(...) }``: the file makes one document, and the fence added to it holds."""
    text = ts('''
        import * as apigw from "aws-cdk-lib/aws-apigateway";
        import * as iam from "aws-cdk-lib/aws-iam";

        let policyDocument: iam.PolicyDocument | undefined = undefined;
        if (props.private) {
          policyDocument = new iam.PolicyDocument({
            statements: [new iam.PolicyStatement({
              actions: ["execute-api:Invoke"], resources: ["execute-api:/*"], principals: [new iam.AnyPrincipal()],
            })],
          });
          policyDocument.addStatements(new iam.PolicyStatement({
            effect: iam.Effect.DENY, actions: ["execute-api:Invoke"], resources: ["execute-api:/*"],
            principals: [new iam.AnyPrincipal()],
            conditions: { StringNotEquals: { "aws:SourceVpce": props.endpointIds } },
          }));
        }
        new apigw.RestApi(this, "Api", { policy: policyDocument });
    ''')
    assert lint(text, "api.ts", select=["LP002", "IAM302"]) == []


def test_concat_spread_and_type_assertions_of_known_lists(lint):
    text = ts('''
        import * as iam from "aws-cdk-lib/aws-iam";

        const BASE = ["sagemaker:DescribeModel"];
        const MORE = ["iam:PassRole"];
        role.addToPolicy(new iam.PolicyStatement({ actions: BASE.concat(["sagemaker:*"]), resources: ["*"] }));
        role.addToPolicy(new iam.PolicyStatement({ actions: [...MORE], resources: ["*"] }));
        role.addToPolicy(new iam.PolicyStatement({ actions: <string[]>["iam:PassRole"], resources: ["*"] }));
        role.addToPolicy(new iam.PolicyStatement({ actions: BASE.concat(props.extra), resources: ["*"] }));
    ''')
    assert found(lint(text, "s.ts", select=["SM101", "IAM301"])) == [
        ("IAM301", 4, 15), ("SM101", 5, 66), ("IAM301", 7, 64)]


def test_codebuild_step_role_policy_statements_are_its_roles(lint):
    text = ts('''
        import * as iam from 'aws-cdk-lib/aws-iam';
        import * as pipelines from 'aws-cdk-lib/pipelines';

        export function step() {
          return new pipelines.CodeBuildStep('Train', {
            commands: ['python train.py'],
            rolePolicyStatements: [
              new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] }),
              new iam.PolicyStatement({ actions: ['sagemaker:CreateTrainingJob'], resources: ['*'] }),
            ],
          });
        }
    ''')
    res = lint(text, "pipeline.ts", select=["SM301"])
    assert found(res) == [("SM301", 8, 43)]
    assert res[0].message.startswith("Train may pass any role")


def test_aws_custom_resource_sdk_calls_are_its_statement(lint):
    text = ts('''
        import * as cr from 'aws-cdk-lib/custom-resources';

        export function attach(scope: any) {
          new cr.AwsCustomResource(scope, 'AttachLcc', {
            onCreate: { service: 'SageMaker', action: 'updateDomain', parameters: { DomainId: 'd-123' },
                        physicalResourceId: cr.PhysicalResourceId.of('lcc') },
            onDelete: { service: '@aws-sdk/client-sagemaker', action: 'DeleteDomainCommand' },
            policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
          });
        }
    ''')
    res = lint(text, "studio.ts", select=["SM201"])
    assert found(res) == [("SM201", 8, 66)]
    assert "2 SageMaker actions" in res[0].message


def test_grants_with_the_developers_actions_are_the_grantees(lint):
    text = ts('''
        import { Stack } from 'aws-cdk-lib';
        import * as iam from 'aws-cdk-lib/aws-iam';
        import * as kms from 'aws-cdk-lib/aws-kms';

        export class GrantStack extends Stack {
          constructor(scope: any, id: string) {
            super(scope, id);
            const role = new iam.Role(this, 'Runner', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
            iam.Grant.addToPrincipal({
              grantee: role,
              actions: ['iam:PassRole', 'sagemaker:CreateTrainingJob'],
              resourceArns: ['*'],
            });
            const key = new kms.Key(this, 'Key');
            key.grant(role, 'kms:Decript');
            key.grant(role.grantPrincipal, 'kms:Decrypt');
          }
        }
    ''')
    res = lint(text, "grants.ts", select=["SM301", "IAM101"])
    assert found(res, with_label=True) == [
        ("SM301", 11, 17, "GrantStack/Runner: add_to_principal_policy"),
        ("IAM101", 15, 21, "GrantStack/Runner: add_to_principal_policy"),
    ]


def test_a_managed_policy_as_a_permissions_boundary_is_not_attached(lint):
    text = ts('''
        import * as iam from 'aws-cdk-lib/aws-iam';
        const role = new iam.Role(this, 'Nb', {
          assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
          permissionsBoundary: iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess'),
        });
        iam.PermissionsBoundary.of(role).apply(iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess'));
        role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSageMakerFullAccess'));
    ''')
    # the boundaries limit the role; only the attached policy grants
    got = [(f.code, f.span.line) for f in lint(text, "stack.ts", select=["SM105"])]
    assert got == [("SM105", 7)]


def test_statements_pushed_to_an_array_are_the_policys(lint):
    text = ts('''
        import * as iam from 'aws-cdk-lib/aws-iam';
        const role = new iam.Role(this, 'Ci', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
        const statements: iam.PolicyStatement[] = [];
        statements.push(new iam.PolicyStatement({ actions: ['sagemaker:CreateTrainingJob'], resources: ['*'] }),
                        new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] }));
        new iam.Policy(this, 'P', { statements, roles: [role] });
    ''')
    got = [(f.code, f.span.line) for f in lint(text, "stack.ts", select=["SM301", "SM201"])]
    assert got == [("SM201", 4), ("SM301", 5)]


def test_an_scp_construct_and_a_boundary_applied_with_an_aspect(lint, tmp_path):
    from linter import sources

    text = ts('''
        import * as iam from 'aws-cdk-lib/aws-iam';
        import * as organizations from 'aws-cdk-lib/aws-organizations';
        new organizations.CfnPolicy(this, 'AllowList', {
          name: 'ml', type: 'SERVICE_CONTROL_POLICY',
          content: new iam.PolicyDocument({
            statements: [new iam.PolicyStatement({ actions: ['sagemaker:*', 'iam:PassRole'], resources: ['*'] })],
          }).toJSON(),
        });
        const cap = new iam.ManagedPolicy(this, 'Cap', {
          statements: [new iam.PolicyStatement({ actions: ['sagemaker:*', 'iam:PassRole'], resources: ['*'] })],
        });
        const role = new iam.Role(this, 'Exec', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
        iam.PermissionsBoundary.of(role).apply(cap);
    ''')
    assert lint(text, "stack.ts", select=["SM", "IAM3"]) == []
    docs = sources.load(str(tmp_path / "stack.ts"), "stack.ts").documents
    assert sorted((d.role, tuple(h.name for h in d.principals)) for d in docs) == [
        ("boundary", ("Exec",)), ("organization", ()), ("trust", ("Exec",))]


def test_principal_with_conditions_is_the_principal_under_those_conditions(lint):
    text = ts('''
        import * as iam from 'aws-cdk-lib/aws-iam';
        new iam.Role(this, 'Open', { assumedBy: new iam.PrincipalWithConditions(new iam.AnyPrincipal(),
                                                  { Bool: { 'aws:SecureTransport': 'true' } }) });
        new iam.Role(this, 'Org', { assumedBy: new iam.PrincipalWithConditions(new iam.AnyPrincipal(),
                                                 { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }) });
    ''')
    # a condition that is not about who does not narrow "*"; the organization does
    assert [(f.code, f.span.line) for f in lint(text, "stack.ts", select=["IAM302"])] == [("IAM302", 2)]


def test_this_in_a_role_subclass_is_the_role(lint):
    text = ts('''
        import * as iam from 'aws-cdk-lib/aws-iam';
        export class TrainerRole extends iam.Role {
          constructor(scope: Construct, id: string) {
            super(scope, id, { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
            this.addToPolicy(new iam.PolicyStatement({ actions: ['sagemaker:CreateTrainingJob'], resources: ['*'] }));
            new iam.Policy(this, 'Pass', {
              roles: [this],
              statements: [new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] })],
            });
          }
        }
    ''')
    found = lint(text, "roles.ts", select=["SM301"])
    assert [(f.code, f.span.line) for f in found] == [("SM301", 8)]
    assert found[0].message.startswith("TrainerRole may pass any role")


def test_arns_built_with_format_arn_are_read(lint):
    text = ts('''
        import * as iam from 'aws-cdk-lib/aws-iam';
        import { Arn, Stack } from 'aws-cdk-lib';
        const role = new iam.Role(this, 'Trainer', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
        role.addToPolicy(new iam.PolicyStatement({
          actions: ['sagemaker:CreateTrainingJob'],
          resources: [this.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: '*' })],
        }));
        role.addToPolicy(new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [Arn.format({ service: 'iam', region: '', resource: 'role', resourceName: '*' }, Stack.of(this))],
        }));
        role.addToPolicy(new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [this.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: props.name })],
        }));
    ''')
    found = lint(text, "stack.ts", select=["IAM301", "SM301"])
    # every role of the account, built by CDK; a name the caller passes is some role
    assert [(f.code, f.span.line) for f in found] == [("IAM301", 9), ("SM301", 9)]
    assert 'on "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*"' in found[0].message


def test_statements_returned_by_functions_and_methods_are_the_callers(lint):
    text = ts('''
        import * as cdk from 'aws-cdk-lib';
        import * as iam from 'aws-cdk-lib/aws-iam';

        function readStatement(resources: string[], principals?: iam.IPrincipal[]): iam.PolicyStatement {
          return new iam.PolicyStatement({ actions: ['s3:GetObject'], resources, principals });
        }
        const passStatement = (arn = '*') => new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [arn] });

        export class MlStack extends cdk.Stack {
          constructor(scope: cdk.App, id: string) {
            super(scope, id);
            const role = new iam.Role(this, 'Exec', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
            role.addToPolicy(readStatement(['arn:aws:s3:::data/*']));
            role.addToPolicy(passStatement());
            role.addToPolicy(this.training());
          }

          private training(): iam.PolicyStatement {
            return new iam.PolicyStatement({ actions: ['sagemaker:CreateTrainingJob'], resources: ['*'] });
          }
        }
    ''')
    got = found(lint(text, "stack.ts", select=["SM301", "LP002"]), with_label=True)
    # an optional parameter the call leaves out is undefined: no principal in the identity policy
    assert got == [("SM301", 7, 74, "MlStack/Exec: add_to_policy")]


PASS_JSON = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::${accountId}:role/*"
    }
  ]
}
"""
TRAIN_JSON = """{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"}]
}
"""


def test_policy_files_the_code_reads_are_the_roles(lint, tmp_path):
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "pass.json").write_text(PASS_JSON)
    (tmp_path / "policies" / "train.json").write_text(TRAIN_JSON)
    text = ts('''
        import * as cdk from 'aws-cdk-lib';
        import * as iam from 'aws-cdk-lib/aws-iam';
        import * as fs from 'fs';
        import * as path from 'path';
        import passDoc from '../policies/pass.json';

        export class MlStack extends cdk.Stack {
          constructor(scope: cdk.App, id: string) {
            super(scope, id);
            const hydrated = JSON.parse(JSON.stringify(passDoc).replaceAll('${accountId}', this.account));
            const train = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'policies', 'train.json'), 'utf8'));
            new iam.Role(this, 'Exec', {
              assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
              inlinePolicies: { pass: iam.PolicyDocument.fromJson(hydrated), train: iam.PolicyDocument.fromJson(train) },
            });
          }
        }
    ''')
    found = lint(text, "lib/stack.ts", select=["SM301"])
    # the role's two documents are the files', at their own positions, read together
    assert [(f.code, f.file, f.span.line, f.span.col, f.label) for f in found] == [
        ("SM301", "policies/pass.json", 6, 17, "MlStack/Exec: inline_policies.pass")]
    assert [(r.file, r.span.line) for r in found[0].related] == [("policies/train.json", 3)]


def test_the_role_a_construct_class_makes_is_its_members(lint):
    text = ts('''
        import * as iam from 'aws-cdk-lib/aws-iam';
        import { Construct } from 'constructs';

        class Trainer extends Construct {
          public readonly role: iam.Role;
          constructor(scope: Construct, id: string) {
            super(scope, id);
            this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
            this.role.addToPolicy(new iam.PolicyStatement({ actions: ['sagemaker:CreateTrainingJob'], resources: ['*'] }));
          }
        }

        export class MlStack extends Construct {
          constructor(scope: Construct, id: string) {
            super(scope, id);
            const trainer = new Trainer(this, 'Trainer');
            trainer.role.addToPolicy(new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] }));
          }
        }
    ''')
    found = lint(text, "lib/stack.ts", select=["SM301"])
    assert [(f.code, f.span.line, f.span.col, f.label) for f in found] == [
        ("SM301", 17, 66, "Trainer/Role (MlStack/trainer.role: add_to_policy)")]
    # two instances are two roles: what one is given is not the other's
    two = text.replace("const trainer = new Trainer(this, 'Trainer');",
                       "const trainer = new Trainer(this, 'Trainer'); new Trainer(this, 'Other');")
    assert lint(two, "lib/stack.ts", select=["SM301"]) == []


def test_statements_added_in_a_loop_are_each_the_roles(lint):
    text = ts('''
        import * as iam from 'aws-cdk-lib/aws-iam';
        import { Construct } from 'constructs';

        export class A extends Construct {
          constructor(scope: Construct, id: string) {
            super(scope, id);
            const train = new iam.PolicyStatement({ actions: ['sagemaker:CreateTrainingJob'], resources: ['*'] });
            const pass = new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: ['*'] });
            const r1 = new iam.Role(this, 'ForOf', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
            for (const s of [train, pass]) {
              r1.addToPolicy(s);
            }
            const r2 = new iam.Role(this, 'ForEach', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
            [train, pass].forEach((s) => r2.addToPolicy(s));
            const r3 = new iam.Role(this, 'Read', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com') });
            [train].forEach(s => r3.addToPolicy(s));
          }
        }
    ''')
    found = lint(text, "lib/a.ts", select=["SM301"])
    # a variable reused by two loops is each loop's own; the third role is given no PassRole
    assert sorted((f.code, f.span.line, f.label) for f in found) == [
        ("SM301", 8, "A/ForEach: add_to_policy"), ("SM301", 8, "A/ForOf: add_to_policy")]


def test_a_transform_task_given_no_role_gets_sagemaker_full_access(lint):
    text = ts('''
        import { Stack } from 'aws-cdk-lib';
        import * as iam from 'aws-cdk-lib/aws-iam';
        import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';

        export class Batch extends Stack {
          constructor(scope: any, id: string, role: iam.IRole) {
            super(scope, id);
            new tasks.SageMakerCreateTransformJob(this, 'Nightly', { transformJobName: 'n', modelName: 'm' } as any);
            new tasks.SageMakerCreateTransformJob(this, 'Scoped', { transformJobName: 's', modelName: 'm', role } as any);
          }
        }
    ''')
    found = lint(text, "lib/batch.ts", select=["SM105"])
    # the construct's documented default: a role with AmazonSageMakerFullAccess; given a role, none is made
    assert [(f.code, f.span.line, f.span.col, f.label) for f in found] == [("SM105", 8, 9, "Batch/Nightly: role")]
    assert "(attached to the role CDK makes for SageMakerCreateTransformJob when it is given no role)" in found[0].message


def test_a_list_holding_only_a_comment_is_left_to_fill_in(lint):
    text = ts('''
        import * as iam from 'aws-cdk-lib/aws-iam';
        const fill = new iam.PolicyStatement({ actions: [/* whatever actions you want */], resources: ['*'] });
        const empty = new iam.PolicyStatement({ actions: [], resources: ['*'] });
    ''')
    assert [(f.code, f.span.line, f.span.col) for f in lint(text, "lib/s.ts", select=["LP002"])] == [("LP002", 3, 41)]
