"""KEY406 secret-parameter-echoed."""
from linter._regex import Lazy
from linter.rule import Rule

#: Words of a name (letters and digits only, lowercase) that say it holds a secret access key or a
#: session token.
_SECRET_WORDS = ("secretaccesskey", "secretkey", "sessiontoken", "securitytoken")
#: Words of a name that say it holds where the secret is, not the secret (a secret's name or ARN,
#: a parameter path).
_REFERENCE_WORDS = ("name", "arn", "secretsmanager", "ssm", "parameter", "param", "path", "location", "uri",
                    "url", "file", "id", "ref", "rotation", "length", "enabled", "expir", "duration",
                    # a number, a setting or a fact about the secret (SessionTokenTTL, SecretKeyVersion), or
                    # STS itself (SecurityTokenServiceEndpoint)
                    "ttl", "count", "version", "policy", "hash", "fingerprint", "endpoint", "service", "days",
                    "seconds", "minutes", "hours", "age", "size", "type", "format", "mode")
#: First words of a name that make it a switch (UseSessionToken, enable_secret_key).
_FLAG_WORDS = frozenset(("use", "enable", "enabled", "disable", "require", "requires", "include", "is", "has",
                         "allow", "rotate", "should", "generate", "create", "with", "no", "skip"))
_WORD_RE = Lazy(r"[A-Z][a-z]+|[a-z]+|[A-Z]+|[0-9]+")
#: Declared types that cannot hold a key (CloudFormation ``Number``, Terraform ``bool``/``number``).
_NOT_TEXT = frozenset(("number", "bool", "boolean", "list<number>"))


def secret_name(name: str) -> bool:
    """Whether a parameter or variable name says it holds a secret access key or a session token."""
    low = "".join(c for c in name.lower() if c.isalnum())
    if not any(w in low for w in _SECRET_WORDS):
        return False
    words = _WORD_RE.findall(name)
    if words and words[0].lower() in _FLAG_WORDS:
        return False
    for w in _SECRET_WORDS:
        low = low.replace(w, " ")
    return not any(w in low for w in _REFERENCE_WORDS)


class SecretParameterEchoed(Rule):
    code = "KEY406"
    name = "secret-parameter-echoed"
    severity = "warning"
    scope = "credentials"
    summary = ("A CloudFormation parameter (also a CDK `CfnParameter`) or a Terraform variable whose name says it "
               "holds a secret access key or a session token (`SecretAccessKey`, `AwsSecretKey`, "
               "`secret_access_key`, `SessionToken`...) is not hidden: no `NoEcho: true` (`noEcho`), no "
               "`sensitive = true` (nor Terraform's `ephemeral = true`). Names of a number, a switch or a fact "
               "about the secret (`SessionTokenTTL`, `UseSessionToken`, `SecretKeyVersion`, "
               "`SecurityTokenServiceEndpoint`) and parameters declared `Number`, `bool` or with the values "
               "`true`/`false` only are not secrets.")
    rationale = (
        "CloudFormation shows the value of every parameter without `NoEcho` to anyone who can describe the "
        "stack (console, `DescribeStacks`, change sets); Terraform prints a variable that is not `sensitive` "
        "in every plan that uses it. A secret passed this way is then readable far beyond the deployment. "
        "Names that say where a secret is rather than what it is (`SecretKeyName`, `SecretKeyArn`, "
        "`SecretsManagerSecretKey`, `secret_key_ssm_path`) are not reported. A real-looking key in a "
        "parameter's default is also KEY401/KEY402; messages never show the value."
    )
    example_format = "yaml"
    example = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AwsSecretAccessKey:
    Type: String"""
    fix = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AwsSecretAccessKey:
    Type: String
    NoEcho: true"""
    fix_note = ("Better: pass no key at all; give the workload a role. When a third-party key must reach the "
                "stack, keep it in Secrets Manager and use a dynamic reference "
                "(`{{resolve:secretsmanager:...}}`).")
    references = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security-best-practices.html#creds",
        "https://developer.hashicorp.com/terraform/language/values/variables#suppressing-values-in-cli-output",
    )
    tags = ("security", "credentials")

    def check(self, facts, ctx):
        for p in facts.inputs:
            if p.hidden is not False or not secret_name(p.name) or (p.type or "").lower() in _NOT_TEXT:
                continue
            yield self.finding(p.span, f"{p.label} is named like a secret access key or session token but is not "
                                       f"hidden: its value is shown wherever the deployment is described; add "
                                       f"`{p.hide_with}` (better: no key, a role)",
                               path=p.path, value=p.name, label=p.label)


RULE = SecretParameterEchoed()
