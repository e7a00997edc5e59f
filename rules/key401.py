"""KEY401 aws-access-key-id."""
from linter.findings import hash_secret
from linter.rule import Rule
from linter.secrets import mask_key_id, scan_source

_KIND_TEXT = {
    "long-term": "long-term, IAM user or root",
    "temporary": "temporary, AWS STS",
    "service bearer token": "AWS STS service bearer token",
    "context-specific": "context-specific credential",
}


class AwsAccessKeyId(Rule):
    code = "KEY401"
    name = "aws-access-key-id"
    severity = "error"
    scope = "file"
    summary = ("An AWS access key ID (`AKIA` long-term, `ASIA` temporary, `ABIA`, `ACCA`, then 16 characters "
               "of `A-Z2-7`) is written in the file: in a string value, a comment, user data or any text.")
    rationale = (
        "An access key ID is half of a credential, and where it is committed its secret usually is too. "
        "Anyone who can read the repository, its history, a fork, a CI log or a built artifact can use the "
        "key until it is deactivated; removing it in a later commit does not remove it from history. A key "
        "ID alone also tells an attacker which account it belongs to (STS GetAccessKeyInfo). Templates and "
        "containers should get credentials at run time: an execution role for SageMaker, Lambda and ECS, "
        "an instance profile, or a secret resolved at deploy time. AWS documentation example keys (ending "
        "in `EXAMPLE`, such as `AKIAIOSFODNN7EXAMPLE`) are reported as notes only; placeholders (too little "
        "randomness to be a key: `AKIA` followed by sixteen `X` or `A`, a repeated run or pattern) and IAM unique IDs (`AROA`, `AIDA`...) are not reported. Messages show the "
        "key ID masked (first and last 4 characters)."
    )
    example_format = "yaml"
    example = """# The documented AWS example key below is reported as a note;
# a real key in its place is an error.
Resources:
  ChurnModel:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !Ref ExecutionRoleArn
      PrimaryContainer:
        Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:latest
        Environment:
          AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE"""
    fix = """Resources:
  ChurnModel:
    Type: AWS::SageMaker::Model
    Properties:
      # The container gets temporary credentials from the execution role.
      ExecutionRoleArn: !Ref ExecutionRoleArn
      PrimaryContainer:
        Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:latest"""
    fix_note = ("Deactivate and delete a committed key (IAM console or `aws iam update-access-key --status "
                "Inactive`), check CloudTrail for its use, and rewrite the history if the repository is "
                "public. A test fixture that needs a key-shaped string should use the documented "
                "`AKIAIOSFODNN7EXAMPLE` (a note) or build the key at run time.")
    references = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html",
    )
    tags = ("security", "credentials")
    options = {"allow": "fingerprints (the `fingerprint` of `--format json` output) or value hashes "
                        "(`sha256:...`, see `linter.findings.hash_secret`) of accepted test keys; matching "
                        "findings are dropped."}

    def check(self, src, ctx):
        for hit in scan_source(src):
            if hit.kind != "key-id":
                continue
            masked = mask_key_id(hit.value)
            if hit.example:
                yield self.finding(hit.span, f"AWS documentation example access key ID {masked}: not a real "
                                             f"credential, reported as a note", severity="note",
                                   value=hash_secret(hit.value))
                continue
            kind = _KIND_TEXT.get(hit.context, hit.context)
            yield self.finding(hit.span, f"AWS access key ID {masked} ({kind}) embedded in the file; deactivate "
                                         f"and rotate it, and load credentials at run time",
                               value=hash_secret(hit.value))


RULE = AwsAccessKeyId()
