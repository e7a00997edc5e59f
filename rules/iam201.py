"""IAM201 forallvalues-single-valued-key."""
from linter.rule import Rule

from ._common import AA_REFERENCE, clauses, single_valued


class ForAllValuesSingleValuedKey(Rule):
    code = "IAM201"
    name = "forallvalues-single-valued-key"
    severity = "warning"
    roles = None
    requires = ("condition",)
    statements = ("Allow and Deny statements, positive operators (it fails open in an Allow; in a Deny it is "
                  "reported as a note).")
    summary = ("`ForAllValues:` on a single-valued condition key (`aws:PrincipalOrgID`, `aws:SourceAccount`, "
               "`aws:RequestedRegion`, `sagemaker:NetworkIsolation`, a token's `sub`...), which is true when the "
               "key is absent.")
    rationale = (
        "`ForAllValues:` asks whether *every* value in the request is in the list, so it is true when the "
        "request has no value at all. On a single-valued key that makes the condition fail open: `\"Principal\": "
        "{\"AWS\": \"*\"}` with `ForAllValues:StringEquals` `aws:PrincipalOrgID` admits every caller that has no "
        "organization -- any account outside AWS Organizations, and anonymous callers where the service "
        "allows them. In an `Allow` this is a security problem (warning); in a `Deny` the condition only makes "
        "the guardrail apply more often (note). Drop the qualifier: the plain operator is false when the key "
        "is absent. With a negated operator (`ForAllValues:StringNotEquals`) the qualifier changes nothing on a "
        "single-valued key (both are true when the key is absent), so it is not reported. Keys are single-valued when the Service Authorization Reference or the IAM User Guide types "
        "them as scalars, and an OpenID Connect token's `sub` (and GitHub's `aud`) always is; IAM302 no longer "
        "counts such a condition as narrowing a wildcard principal. IAM Access Analyzer reports the same as "
        "**Security Warning – ForAllValues with single valued key**."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Action": "sts:AssumeRole",
    "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
  }]
}"""
    tags = ("security",)
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-security-warning-forallvalues-with-single-valued-key",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            for c, op, key, info in clauses(st):
                if (op is None or op.qualifier != "ForAllValues" or op.base == "Null" or op.negated
                        or not single_valued(key, info)):
                    continue  # with a negated operator ForAllValues: behaves as the plain operator does
                if st.is_deny:
                    yield self.finding(c.key, f'"{key}" is single-valued: {c.operator} is true when the key is '
                                              f'absent, so this Deny also applies to requests without it; drop '
                                              f'"ForAllValues:"', severity="note")
                else:
                    yield self.finding(c.key, f'"{key}" is single-valued: {c.operator} is true when the key is '
                                              f'absent, so the condition admits every request without it; drop '
                                              f'"ForAllValues:" ({op.base} is false when the key is absent)')


RULE = ForAllValuesSingleValuedKey()
