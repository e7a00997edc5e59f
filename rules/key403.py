"""KEY403 aws-session-token."""
from linter.findings import hash_secret
from linter.rule import Rule
from linter.secrets import scan_source


class AwsSessionToken(Rule):
    code = "KEY403"
    name = "aws-session-token"
    severity = "error"
    scope = "file"
    summary = ("An AWS session token (at least 100 base64 characters) is written in the file, as the value of "
               "`aws_session_token`, `SessionToken`, `AWS_SESSION_TOKEN`, `security_token`, "
               "`aws_security_token` or, next to other AWS credentials, `token`.")
    rationale = (
        "A session token completes a set of temporary credentials: with its `ASIA` key ID and secret it "
        "signs requests as the role session until it expires (up to 36 hours), and it cannot be revoked "
        "on its own (only by revoking the role's sessions). Pasting one into a template or container "
        "environment usually means credentials were copied from a console or a CLI session instead of "
        "being obtained at run time. AWS documentation examples (`AQoEXAMPLE...`, `AQoDYXdzEJr...`) are "
        "notes. The token is never shown, not even in part; its fingerprint is a hash."
    )
    example_format = "yaml"
    example = """# A real token here (hundreds of base64 characters) is an error.
Resources:
  ChurnModel:
    Type: AWS::SageMaker::Model
    Properties:
      PrimaryContainer:
        Environment:
          AWS_SESSION_TOKEN: AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/AXlzBBko7b15fjrBs2+cTQtpZ3CYWFXG8C5zqx37wnOE49mRl/+OtkIKGO7fAE"""
    fix = """Resources:
  ChurnModel:
    Type: AWS::SageMaker::Model
    Properties:
      # Temporary credentials come from the execution role at run time.
      ExecutionRoleArn: !Ref ExecutionRoleArn
      PrimaryContainer:
        Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:latest"""
    fix_note = ("The documented example token above (from the IAM User Guide) is reported as a note. Revoke "
                "the role's active sessions if a real token was committed.")
    references = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html",
    )
    tags = ("security", "credentials")
    options = {"allow": "fingerprints (the `fingerprint` of `--format json` output) or value hashes "
                        "(`sha256:...`, see `linter.findings.hash_secret`) of accepted test keys; matching "
                        "findings are dropped."}

    def check(self, src, ctx):
        for hit in scan_source(src):
            if hit.kind != "token":
                continue
            if hit.example:
                yield self.finding(hit.span, f"AWS documentation example session token as {hit.context} (value "
                                             f"hidden): not a real credential, reported as a note",
                                   severity="note", value=hash_secret(hit.value))
                continue
            yield self.finding(hit.span, f"AWS session token embedded as {hit.context} (value hidden); revoke "
                                         f"the session and obtain temporary credentials at run time",
                               value=hash_secret(hit.value))


RULE = AwsSessionToken()
