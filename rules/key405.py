"""KEY405 secret-access-key-exposed."""
from linter.findings import Related
from linter.model import SINKS
from linter.rule import Rule


class SecretAccessKeyExposed(Rule):
    code = "KEY405"
    name = "secret-access-key-exposed"
    severity = "error"
    scope = "credentials"
    summary = ("The secret of an access key created in the same template, module or CDK file is written somewhere "
               "readable: an output (exported or not; a Terraform output not marked `sensitive`), a SageMaker "
               "model container's environment, a notebook or Studio lifecycle configuration, a Lambda or ECS "
               "environment, an SSM `String` parameter, instance user data. A sensitive Terraform output of a "
               "key without `pgp_key` is reported too.")
    rationale = (
        "Each of these places is readable by far more principals than should hold the key: stack outputs by "
        "anyone with `cloudformation:DescribeStacks` (and an exported output by every stack of the account "
        "and Region), a model's environment by `sagemaker:DescribeModel`, a lifecycle configuration by "
        "`sagemaker:DescribeNotebookInstanceLifecycleConfig` and by every notebook that runs it, a function's "
        "environment by `lambda:GetFunctionConfiguration`, a task definition by `ecs:DescribeTaskDefinition`, "
        "a `String` parameter by `ssm:GetParameter`, user data by `ec2:DescribeInstanceAttribute`. Terraform "
        "outputs are printed by every `apply` unless marked `sensitive`, and even a sensitive output is read "
        "in plain text from the state by `terraform output` when the key has no `pgp_key`. The value is "
        "followed through `!GetAtt`, `!Sub`, `!Join`, `!If` and Terraform references and locals of the same "
        "template or module, and in CDK code through names bound once, `Fn.join`, f-strings and template literals "
        "of the same file; a secret written only to a Secrets Manager secret or an SSM `SecureString` is not "
        "reported (the key itself still is, KEY404). The finding points at the reference to the secret, with "
        "a related location at the key."
    )
    example_format = "yaml"
    example = """Resources:
  DeployUser:
    Type: AWS::IAM::User
  DeployKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref DeployUser
Outputs:
  SecretKey:
    Value: !GetAtt DeployKey.SecretAccessKey"""
    fix = """Resources:
  DeployUser:
    Type: AWS::IAM::User
  DeployKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref DeployUser
  DeployKeySecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: !GetAtt DeployKey.SecretAccessKey
Outputs:
  SecretKeyArn:
    Value: !Ref DeployKeySecret"""
    fix_note = ("Better still, no key at all (KEY404). A secret already exposed must be rotated: removing the "
                "output does not remove it from the stack events, the state, or the copies people made.")
    references = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-accesskey.html",
        "https://developer.hashicorp.com/terraform/language/values/outputs#sensitive-suppressing-values-in-cli-output",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_access_key",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/security_iam_id-based-policy-examples.html",
    )
    tags = ("security", "credentials")

    def check(self, facts, ctx):
        for flow in facts.flows:
            key = flow.key
            if key.store in ("state-encrypted", "state-unknown"):
                continue  # with a PGP key the provider keeps no plain secret to pass on (unknown: no guess)
            place, readable = SINKS.get(flow.sink, (flow.sink, False))
            if flow.sink == "sensitive-output":
                if key.store != "state":
                    continue
                msg = (f"the secret access key of {key.name} is the value of output {flow.name}: it is marked "
                       f"sensitive, but {key.name} has no pgp_key, so the secret is in plain text in the state "
                       f"and `terraform output` prints it to anyone who can read the state; set pgp_key, or "
                       f"better, use a role instead of a key")
            elif not readable:
                continue
            else:
                msg = (f"the secret access key of {key.name} is written to {place} ({flow.label}), where anyone "
                       f"who can read it gets the key; keep it in a Secrets Manager secret, or better, use a role "
                       f"instead of a key")
            f = self.finding(flow.span, msg, path=flow.path, value=f"{key.name}>{flow.name}", label=flow.label)
            f.related = [Related(key.file, key.span, f"{key.label}: the access key whose secret this is")]
            yield f


RULE = SecretAccessKeyExposed()
