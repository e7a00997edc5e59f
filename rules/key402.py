"""KEY402 aws-secret-access-key."""
from linter.findings import hash_secret
from linter.rule import Rule
from linter.secrets import scan_source


class AwsSecretAccessKey(Rule):
    code = "KEY402"
    name = "aws-secret-access-key"
    severity = "error"
    scope = "file"
    summary = ("A 40-character AWS secret access key (`A-Za-z0-9/+`) is written in the file, as the value of a "
               "name like `aws_secret_access_key`, `SecretAccessKey`, `secret_key` or `AWS_SECRET_ACCESS_KEY` "
               "(also a `Name`/`Value` environment pair or a parameter default), or next to an access key ID.")
    rationale = (
        "With its access key ID, the secret access key signs requests as the key's owner: whoever reads the "
        "file can act with every permission the IAM user has, from anywhere, until the key is deactivated. "
        "Secrets committed to a template also reach every stack, change set, CloudFormation console view and "
        "container environment built from it. Low-entropy placeholders, 40-hex hashes, base64 blobs without a "
        "credential name, references (`{{resolve:secretsmanager:...}}`, `var.secret_key`, `${...}`) are not "
        "reported; AWS documentation examples (ending in `EXAMPLEKEY`) are notes. The secret is never shown, "
        "not even in part; its fingerprint is a hash."
    )
    example_format = "hcl"
    example = """# The documented AWS example secret below is reported as a note;
# a real secret in its place is an error.
provider "aws" {
  region     = "us-east-1"
  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
}"""
    fix = """provider "aws" {
  region = "us-east-1"
  # Credentials come from the environment, a shared profile or an assumed role.
}"""
    fix_note = ("Deactivate and rotate the key pair, then give the workload a role (execution role, instance "
                "profile, OIDC for CI) or resolve the secret at deploy time from AWS Secrets Manager.")
    references = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs#authentication-and-configuration",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html",
    )
    tags = ("security", "credentials")
    options = {"allow": "fingerprints (the `fingerprint` of `--format json` output) or value hashes "
                        "(`sha256:...`, see `linter.findings.hash_secret`) of accepted test keys; matching "
                        "findings are dropped."}

    def check(self, src, ctx):
        for hit in scan_source(src):
            if hit.kind != "secret":
                continue
            where = _where(hit.context)
            if hit.example:
                yield self.finding(hit.span, f"AWS documentation example secret access key {where} (value "
                                             f"hidden): not a real credential, reported as a note",
                                   severity="note", value=hash_secret(hit.value))
                continue
            yield self.finding(hit.span, f"AWS secret access key embedded {where} (value hidden); deactivate "
                                         f"and rotate the key pair, and load credentials at run time",
                               value=hash_secret(hit.value))


def _where(context: str) -> str:
    if context.startswith("same "):
        return "on the " + context if context.startswith("same line") else "in the " + context
    return f"as {context}" if context else ""


RULE = AwsSecretAccessKey()
