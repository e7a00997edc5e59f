"""KEY404 long-term-access-key-created."""
from linter.rule import Rule

_STORE = {
    "template": "its secret is returned to the template (`SecretAccessKey`) and lives wherever the template "
                "passes it, until someone rotates the key",
    "app": "its secret is the construct's `secretAccessKey` (`SecretAccessKey` in the synthesised template) and "
           "lives wherever the app passes it, until someone rotates the key",
    "state": "its secret is stored in plain text in the Terraform state (no `pgp_key`), readable by anyone who "
             "can read the state, until someone rotates the key",
    "state-encrypted": "its secret is kept in the Terraform state encrypted with `pgp_key`, and works until "
                       "someone rotates the key",
    "state-unknown": "its secret is stored in the Terraform state, in plain text unless `pgp_key` is set, and "
                     "works until someone rotates the key",
    "output": "its secret is in the call's output (a terminal, a log, a variable of the script) and lives "
              "wherever that is kept, until someone rotates the key",
}


class LongTermAccessKeyCreated(Rule):
    code = "KEY404"
    name = "long-term-access-key-created"
    severity = "warning"
    scope = "credentials"
    summary = ("The template, module or CDK app creates a long-term access key for an IAM user "
               "(`AWS::IAM::AccessKey`, `aws_iam_access_key`, CDK `iam.AccessKey` / `iam.CfnAccessKey`).")
    rationale = (
        "An access key is a credential that never expires: whoever holds the secret acts as the IAM user, "
        "from anywhere, until someone deactivates it. A key created by infrastructure code is worse than one "
        "created by hand, because its secret passes through the deployment: CloudFormation returns it to the "
        "template (`!GetAtt Key.SecretAccessKey`, `key.secretAccessKey` in a CDK app) and it is only as safe as "
        "every place the template writes it; Terraform stores it in the state in plain text unless `pgp_key` is set. SageMaker workloads do "
        "not need one: training jobs, processing jobs, endpoints and notebooks get temporary credentials from "
        "their execution role, instances from an instance profile, CI from OIDC federation, and people from "
        "IAM Identity Center. The message says where the secret will live. Where the secret goes somewhere "
        "readable (an output, an environment), KEY405 reports that too."
    )
    example_format = "yaml"
    example = """Resources:
  DeployUser:
    Type: AWS::IAM::User
  DeployKey:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: !Ref DeployUser
  DeployKeySecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: !GetAtt DeployKey.SecretAccessKey"""
    fix = """Resources:
  # The workload assumes a role and gets temporary credentials.
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: sagemaker.amazonaws.com
            Action: sts:AssumeRole"""
    fix_note = ("When a key cannot be avoided (a third-party system that only takes keys), create it out of "
                "band, keep its secret in Secrets Manager, rotate it, and suppress this warning with a reason.")
    references = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/security_iam_id-based-policy-examples.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-accesskey.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_access_key",
    )
    tags = ("security", "credentials")

    def check(self, facts, ctx):
        for key in facts.keys:
            if key.file:
                continue  # reported in the file that declares it
            where = _STORE.get(key.store, _STORE["template"])
            yield self.finding(key.span, f"{key.label} creates a long-term access key for an IAM user: {where}; "
                                         f"give the workload a role it assumes (an execution role, an instance "
                                         f"profile) and people IAM Identity Center instead",
                               path=key.path, value=key.name, label=key.label)


RULE = LongTermAccessKeyCreated()
