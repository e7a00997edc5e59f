"""IAM202 foranyvalue-single-valued-key."""
from linter.rule import Rule

from ._common import AA_REFERENCE, clauses, single_valued


class ForAnyValueSingleValuedKey(Rule):
    code = "IAM202"
    name = "foranyvalue-single-valued-key"
    severity = "warning"
    roles = None
    requires = ("condition",)
    statements = ("Allow and Deny statements, negated operators (a warning in a Deny, where it fails open; a note "
                  "in an Allow).")
    summary = ("`ForAnyValue:` with a negated operator on a single-valued condition key, which is false when the "
               "key is absent: in a `Deny` (`ForAnyValue:StringNotEquals aws:PrincipalOrgID`), the guardrail lets "
               "every request without the key through.")
    rationale = (
        "`ForAnyValue:` asks whether *at least one* value in the request matches, so it is false when the "
        "request has no value. With a positive operator that is what the plain operator does too, so the "
        "qualifier changes nothing and is not reported. With a negated operator it inverts the plain operator's "
        "behaviour for a missing key: `StringNotEquals` is true when the key is absent, "
        "`ForAnyValue:StringNotEquals` is false. In a `Deny` that means \"deny callers outside my organization\" "
        "no longer denies callers that have no organization at all (warning); in an `Allow` it quietly refuses "
        "requests without the key (note). Drop the qualifier on "
        "single-valued keys. Keys are single-valued when the Service Authorization Reference or the IAM User "
        "Guide types them as scalars, and an OpenID Connect token's `sub` always is. IAM Access Analyzer has no "
        "separate check for this (its **Suggestion – Confirm audience claim type** covers the `aud` claim); it "
        "is the `ForAnyValue` twin of **Security Warning – ForAllValues with single valued key** (IAM201)."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Deny",
    "Action": "sagemaker:*",
    "Resource": "*",
    "Condition": {"ForAnyValue:StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Deny",
    "Action": "sagemaker:*",
    "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
  }]
}"""
    tags = ("security",)
    references = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-suggestion-confirm-audience-claim-type",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            for c, op, key, info in clauses(st):
                if (op is None or op.qualifier != "ForAnyValue" or op.base == "Null" or not op.negated
                        or not single_valued(key, info)):
                    continue  # with a positive operator ForAnyValue: behaves as the plain operator does
                if st.is_deny:
                    yield self.finding(c.key, f'"{key}" is single-valued: {c.operator} is false when the key is '
                                              f'absent, so this Deny lets every request without it through '
                                              f'({op.base} alone would deny them); drop "ForAnyValue:"')
                else:
                    yield self.finding(c.key, f'"{key}" is single-valued: {c.operator} is false when the key is '
                                              f'absent, unlike {op.base}, and reads as if the key held a list; drop '
                                              f'"ForAnyValue:" (add a Null test if requests without the key must be '
                                              f'refused)', severity="note")


RULE = ForAnyValueSingleValuedKey()
