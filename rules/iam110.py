"""IAM110 invalid-policy-variable."""
from linter import iam
from linter.rule import Rule

from ._common import LazyRe, AA_REFERENCE, is_policy_variable, placeholders, policy_variables

# Matched just after "${"; the look-behind keeps a search from rescanning a run of spaces or letters.
_VAR_START = LazyRe(r"(?<![\sA-Za-z0-9.\-/])\s*[A-Za-z][A-Za-z0-9.\-/]*:[A-Za-z]")
_DEFAULT = LazyRe(r"^\s*'[^']*'\s*$")


class InvalidPolicyVariable(Rule):
    code = "IAM110"
    name = "invalid-policy-variable"
    severity = "warning"
    roles = None
    statements = "Allow and Deny statements."
    summary = ("A malformed IAM policy variable (`${}`, `${aws:username` without its brace, a space inside, a "
               "default value without quotes), a variable where IAM does not substitute it (`Action`, "
               "`Principal`, a `Numeric`/`Date`/`Bool`/`IpAddress` condition), or variables in a policy whose "
               "`Version` is missing or `2008-10-17`.")
    rationale = (
        "IAM substitutes policy variables (`${aws:username}`, `${aws:PrincipalTag/team}`) only in `Resource` "
        "and in string and ARN conditions, and only with `\"Version\": \"2012-10-17\"`. Anywhere else, or "
        "malformed, the text stays literal: `arn:aws:s3:::home/${aws:username}/*` under a missing `Version` "
        "grants the folder literally named `${aws:username}`, so per-user isolation silently becomes no access "
        "(or, in a `Deny`, no protection). Template placeholders are told apart from policy variables: "
        "`${AWS::Region}`, `${Param}` (CloudFormation) and `${var.x}` (Terraform) are filled in before IAM sees "
        "the policy and are never reported; a variable is `${service:key}`. Terraform's "
        "`aws_iam_policy_document` and SAM write the `Version` themselves. IAM Access Analyzer reports the same "
        "as **Error – Empty variable**, **Error – Missing brace in variable**, **Error – Unsupported space in "
        "variable**, **Error – Missing quote in variable**, **Error – Variable unsupported in element**, "
        "**Error – Variable unsupported in version** and **Error – Invalid variable for operator**."
    )
    example = """{
  "Statement": [{
    "Effect": "Allow",
    "Action": ["s3:GetObject", "s3:PutObject"],
    "Resource": "arn:aws:s3:::ml-home/${aws:username}/*"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["s3:GetObject", "s3:PutObject"],
    "Resource": "arn:aws:s3:::ml-home/${aws:username}/*"
  }]
}"""
    tags = ("correctness",)
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-variable-unsupported-in-version",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-missing-brace-in-variable",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html",
    )

    def check(self, doc, ctx):
        first_use = None
        for st in doc.statements:
            for field in (st.resource, st.not_resource):
                for v in (field.values if field is not None else ()):
                    yield from self._syntax(v)
                    if first_use is None and policy_variables(v.value):
                        first_use = v
            for field, where in ((st.action, "Action"), (st.not_action, "NotAction")):
                for v in (field.values if field is not None else ()):
                    yield from self._elsewhere(v, where)
            for pr in (st.principal, st.not_principal):
                for e in (pr.entries if pr is not None else ()):
                    for v in e.values:
                        yield from self._elsewhere(v, pr.key)
            for c in st.condition:
                op = iam.operator(c.operator)
                for v in c.values:
                    yield from self._syntax(v)
                    names = policy_variables(v.value)
                    if not names:
                        continue
                    if first_use is None:
                        first_use = v
                    if op is not None and op.type not in ("String", "ARN"):
                        yield self.finding(v, f'"${{{names[0]}}}" is not substituted in {c.operator}: IAM replaces '
                                              f'policy variables only in string and ARN conditions (and Resource)')
        if first_use is not None and _version_ignores_variables(doc):
            what = (f'"Version": "{doc.version.value}"' if doc.version is not None and isinstance(doc.version.value, str)
                    else "no Version")
            yield self.finding(first_use, f'the policy uses "${{{policy_variables(first_use.value)[0]}}}" but has '
                                          f'{what}: IAM substitutes variables only with "Version": "2012-10-17", so '
                                          f'this is matched as literal text')

    def _syntax(self, v):
        text = v.value
        if not isinstance(text, str) or "${" not in text:
            return
        closed = placeholders(text)
        for _, _, inner in closed:
            if inner.strip() == "":
                yield self.finding(v, f'"{text}" holds an empty policy variable "${{{inner}}}": name a request '
                                      f'value, such as ${{aws:username}}')
                continue
            if not is_policy_variable(inner) or inner.strip() in ("*", "?", "$"):
                continue
            name, comma, default = inner.partition(",")
            if name != name.strip() or " " in name:
                yield self.finding(v, f'"${{{inner}}}": a policy variable name holds no spaces; write '
                                      f'${{{name.strip()}{"," + default if comma else ""}}}')
            elif comma and not _DEFAULT.match(default):
                yield self.finding(v, f'"${{{inner}}}": a default value is written in single quotes, '
                                      f"such as ${{{name}, 'none'}}")
        # an opening "${" whose "}" never comes, before a variable name
        ends = {s for s, _, _ in closed}
        last_close = text.rfind("}")  # one search, not one per opening (a value may hold thousands)
        i = text.find("${")
        while i >= 0:
            if i not in ends and last_close < i + 2 and _VAR_START.match(text, i + 2):
                yield self.finding(v, f'"{text}": the policy variable at "{text[i:i + 24]}" has no closing brace }}')
                return
            i = text.find("${", i + 2)

    def _elsewhere(self, v, where):
        names = policy_variables(v.value)
        if names:
            yield self.finding(v, f'"${{{names[0]}}}" in {where} is matched literally: IAM substitutes policy '
                                  f'variables only in Resource and in string and ARN conditions')


def _version_ignores_variables(doc) -> bool:
    """Whether IAM reads the document with the 2008-10-17 language (no variables): an explicit
    old Version, or none at all where the format does not write one (Terraform's
    aws_iam_policy_document and SAM write "2012-10-17" themselves)."""
    if doc.version is not None:
        return doc.version.value == "2008-10-17"
    label = doc.origin.label or ""
    if "aws_iam_policy_document." in label or label.startswith("AWS::Serverless::"):
        return False
    return isinstance(doc.raw, dict) and "Statement" in doc.raw


RULE = InvalidPolicyVariable()
