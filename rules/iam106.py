"""IAM106 condition-type-mismatch."""
from linter.rule import Rule

from ._common import AA_REFERENCE, clauses

#: Operator types that can test a key of each type. A string operator on an ARN key and an
#: ARN operator on a string key are accepted (an ARN is a string; some keys typed String hold ARNs).
ALLOWED = {
    "String": ("String", "ARN"),
    "ARN": ("String", "ARN"),
    "Numeric": ("Numeric",),
    "Date": ("Date",),
    "Bool": ("Bool",),
    "IPAddress": ("IPAddress",),
}
_OPERATOR_OF = {"String": "StringEquals/StringLike", "ARN": "ArnEquals/ArnLike", "Numeric": "Numeric...",
                "Date": "Date...", "Bool": "Bool", "IPAddress": "IpAddress/NotIpAddress"}


class ConditionTypeMismatch(Rule):
    code = "IAM106"
    name = "condition-type-mismatch"
    severity = "warning"
    roles = None
    requires = ("condition",)
    statements = "Allow and Deny statements."
    summary = ("A condition operator of the wrong type for its key: `StringEquals` on a Boolean key such as "
               "`sagemaker:NetworkIsolation` or `aws:SecureTransport`, `StringLike` on an IP address key "
               "(`aws:SourceIp`), a `Numeric` or `Date` operator on a string key...")
    rationale = (
        "Each condition key has a type (String, ARN, Numeric, Date, Bool, IPAddress) and each operator compares "
        "values of one type. Compared with the wrong operator, a key is matched as text or not at all: "
        "`StringLike \"10.0.*\"` on `aws:SourceIp` never matches an address, `StringEquals \"True\"` on a "
        "Boolean key never matches `true`, `NumericLessThan` on a string key never matches. The condition then "
        "does not restrict what it reads as restricting (or a `Deny` never applies). `StringEquals` with exactly "
        "`\"true\"` or `\"false\"` on a Boolean key happens to compare the same text and is reported as a note. "
        "String and ARN operators "
        "are interchangeable on string and ARN keys; `Null` works with every key. Key types come from the "
        "Service Authorization Reference and the IAM User Guide, except where a service's guide documents "
        "another type and tests the key so in its own examples (`glacier:ArchiveAgeInDays`, a number of days; "
        "`linter.iam.KEY_TYPES_DOCUMENTED_ELSEWHERE`). IAM Access Analyzer reports the same as "
        "**General Warning – Type mismatch**."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "*",
    "Condition": {"StringEquals": {"sagemaker:NetworkIsolation": "True"}}
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "*",
    "Condition": {"Bool": {"sagemaker:NetworkIsolation": "true"}}
  }]
}"""
    tags = ("correctness",)
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-general-warning-type-mismatch",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            for c, op, key, info in clauses(st):
                if op is None or op.base == "Null" or info is None:
                    continue
                kt = info.scalar_type
                allowed = ALLOWED.get(kt)
                if allowed is None or op.type in allowed:
                    continue
                if kt == "Bool" and op.type == "String" and not op.wildcards and _textual_booleans(c.values):
                    yield self.finding(c.key, f'"{key}" is a Boolean key: {c.operator} compares it as the text '
                                              f'"true" or "false", which works only while the value is written '
                                              f'exactly so; use Bool', severity="note")
                    continue
                yield self.finding(c.key, f'"{key}" is a {kt} key but {c.operator} compares {op.type} values: '
                                          f'use a {kt} operator ({_OPERATOR_OF[kt]}), or the condition does not '
                                          f'test what it reads')


def _textual_booleans(values) -> bool:
    return bool(values) and all(isinstance(v.value, str) and v.value in ("true", "false") for v in values)


RULE = ConditionTypeMismatch()
