"""IAM203 wildcard-without-like."""
from linter.rule import Rule

from ._common import AA_REFERENCE, clauses


def _stars(value: str) -> bool:
    """A ``*`` or ``?`` outside ``${...}`` (``${*}`` is IAM's escape for a literal star)."""
    i, n = 0, len(value)
    while i < n:
        if value.startswith("${", i):
            j = value.find("}", i)
            if j > 0:
                i = j + 1
                continue
        if value[i] in "*?":
            return True
        i += 1
    return False


class WildcardWithoutLike(Rule):
    code = "IAM203"
    name = "wildcard-without-like"
    severity = "warning"
    roles = None
    requires = ("condition",)
    statements = "Allow and Deny statements."
    summary = ("A condition value with `*` or `?` under an operator that does not expand wildcards "
               "(`StringEquals`, `StringNotEquals`, their `IgnoreCase` forms): `StringEquals` "
               "`\"sagemaker:ResourceTag/project\": \"churn-*\"`, a GitHub `sub` of `repo:my-org/*`.")
    rationale = (
        "Only the `...Like` operators (and the ARN operators) treat `*` and `?` as wildcards; `StringEquals` "
        "compares the text, star included, and no real value ends in a literal star. So an `Allow` meant for "
        "`churn-*` projects grants nothing, a trust policy with `StringEquals` "
        "`token.actions.githubusercontent.com:sub` `repo:my-org/*` is assumable by no workflow, and a `Deny` "
        "with `StringNotEquals` denies every request, the intended ones included. Use `StringLike` (or "
        "`StringNotLike`). IAM Access Analyzer reports the same as **General Warning – Wildcard without like "
        "operator**; it is filed with the security warnings here because a guardrail that never matches fails "
        "open."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:InvokeEndpoint",
    "Resource": "*",
    "Condition": {"StringEquals": {"aws:ResourceTag/project": "churn-*"}}
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:InvokeEndpoint",
    "Resource": "*",
    "Condition": {"StringLike": {"aws:ResourceTag/project": "churn-*"}}
  }]
}"""
    tags = ("security",)
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-general-warning-wildcard-without-like-operator",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            for c, op, key, info in clauses(st):
                if op is None or op.type != "String" or op.wildcards:
                    continue
                for v in c.values:
                    if isinstance(v.value, str) and _stars(v.value):
                        like = op.name.replace("Equals", "Like").replace("IgnoreCase", "")
                        yield self.finding(v, f'"{v.value}": {c.operator} compares text, so "*" and "?" are '
                                              f'literal characters and the condition on "{key}" never matches '
                                              f'what it means; use {like}')


RULE = WildcardWithoutLike()
