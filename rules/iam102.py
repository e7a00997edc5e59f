"""IAM102 unknown-condition-key."""
from linter import iam
from linter.rule import Rule

from ._common import AA_REFERENCE, fill_in, identity_provider_key, statement_actions, without_fill_ins


class UnknownConditionKey(Rule):
    code = "IAM102"
    name = "unknown-condition-key"
    severity = "warning"
    roles = None
    requires = ("condition",)
    statements = ("Allow and Deny statements: a condition on a key that is never present makes a Deny deny "
                  "nothing (or everything).")
    summary = ("A condition key that does not exist: an unknown global `aws:` key, an unknown key of a service "
               "(SM204 covers `sagemaker:`), a key of an unknown service, a key without the `service:name` form, "
               "or a tag key with no tag name (`aws:ResourceTag`).")
    rationale = (
        "IAM does not reject unknown condition keys: the key is simply never present in the request, so a "
        "positive condition on it never matches (the `Allow` grants nothing, the `Deny` denies nothing) and a "
        "negated one, or one with `...IfExists`, always matches. The message suggests the closest real key. "
        "`aws:SourceOwner`, which the reference does not list but Amazon SNS writes in every topic's default "
        "policy, is not reported. "
        "Keys whose prefix is a host name (`token.actions.githubusercontent.com:sub`, `accounts.google.com:aud`, "
        "an OIDC provider's URL) are never reported: the reference lists only some identity-provider claims "
        "and a provider's URL can be anything. Facts come from the AWS Service Authorization Reference and the "
        "IAM User Guide's global keys (`linter/data/services/`, dated). IAM Access Analyzer reports the same as "
        "**Error – Invalid global condition key**, **Error – Invalid service condition key**, **Error – Invalid "
        "service**, **Error – Invalid condition key format**, **Error – Missing tag key in condition** and "
        "**Error – Unsupported global condition key** / **General Warning – Deprecated global condition key** "
        "(`aws:ARN`)."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Deny",
    "Action": "s3:*",
    "Resource": "*",
    "Condition": {"Bool": {"aws:SecureTransprot": "false"}}
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Deny",
    "Action": "s3:*",
    "Resource": "*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}
  }]
}"""
    tags = ("correctness",)
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-invalid-global-condition-key",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-invalid-service-condition-key",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            acts = None
            for c in st.condition:
                key = c.key.value
                if not isinstance(key, str) or "${" in key or "{{" in key or "%{" in key:
                    continue
                if ":" in key and iam.condition_key(key) is not None:
                    continue
                if acts is None:
                    acts = statement_actions(st) or []
                msg = _problem(key, acts)
                if msg:
                    yield self.finding(c.key, msg)


def _problem(key: str, acts):
    prefix, sep, name = key.partition(":")
    if not sep or not prefix or not name or " " in without_fill_ins(key):
        return (f'condition key "{key}" is not of the form service:name (aws:SourceIp, s3:prefix, '
                f'aws:ResourceTag/team)')
    low = key.lower()
    if prefix.lower() == "sagemaker" or identity_provider_key(key) or fill_in(prefix):
        return None  # SM204's; identity-provider claims are never unknown; <OIDC_provider>:sub is a fill-in
    if low == "aws:sourceowner":
        return None  # not in the reference, but what Amazon SNS writes in every topic's default policy
    if low == "aws:arn":
        return ('condition key "aws:ARN" is not supported: use aws:PrincipalArn (the caller) or aws:SourceArn '
                '(the resource a service acts for)')
    base = key.rstrip("/")
    if "/" not in base and iam.condition_key(base + "/x") is not None:
        return f'condition key "{key}" names no tag: write {base}/<tag-key>, such as {base}/team'
    close = iam.closest_condition_key(key, acts)
    hint = f"; did you mean {close}?" if close else ""
    ref = f"the Service Authorization Reference and IAM User Guide of {iam.data_date()}"
    if prefix.lower() == "aws":
        return f'"{key}" is not a global condition key in {ref}{hint}'
    if not iam.service_known(prefix):
        svc = iam.closest_service(prefix)
        shint = hint or (f"; did you mean the service prefix {svc}?" if svc else "")
        return (f'condition key "{key}": no service has the prefix "{prefix}" in {ref} (a typo, or a service AWS '
                f'has retired){shint}')
    return (f'condition key "{key}" is not a {prefix} key in {ref} (a typo, or a key the reference does not '
            f'list yet){hint}')


RULE = UnknownConditionKey()
