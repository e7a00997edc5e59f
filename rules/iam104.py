"""IAM104 invalid-condition-operator."""
from linter import iam
from linter.rule import Rule

from ._common import AA_REFERENCE


class InvalidConditionOperator(Rule):
    code = "IAM104"
    name = "invalid-condition-operator"
    severity = "error"
    roles = None
    requires = ("condition",)
    statements = "Allow and Deny statements."
    summary = ("A `Condition` operator that does not exist (`StringEqual`, `ForAllValue:StringLike`), `Null` "
               "with `...IfExists`, or `Null` with a `ForAllValues:`/`ForAnyValue:` qualifier.")
    rationale = (
        "IAM rejects a policy with an unknown condition operator when it is attached, so a typo fails the "
        "deployment (the message suggests the closest operator). `NullIfExists` is refused too: `Null` already "
        "tests whether the key is present. `ForAllValues:Null` is always true and `ForAnyValue:Null` always "
        "false, whatever the request: the first turns an `Allow` into an unconditional grant, the second makes "
        "a `Deny` deny nothing; these are reported as warnings. IAM Access Analyzer reports the same as "
        "**Error – Invalid condition operator**, **Error – Null with if exists** and **Suggestion – Null with "
        "qualifier**."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "*",
    "Condition": {"StringEqual": {"sagemaker:VolumeKmsKey": "arn:aws:kms:us-east-1:123456789012:key/abcd"}}
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "*",
    "Condition": {"ArnEquals": {"sagemaker:VolumeKmsKey": "arn:aws:kms:us-east-1:123456789012:key/abcd"}}
  }]
}"""
    tags = ("correctness",)
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-invalid-condition-operator",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-null-with-if-exists",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-suggestion-null-with-qualifier",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            seen = set()
            for c in st.condition:
                name = c.operator
                if (name, c.operator_span) in seen or "${" in name or "{{" in name:
                    continue
                seen.add((name, c.operator_span))
                op = iam.operator(name)
                at = c.operator_span
                if op is None:
                    close = iam.closest_operator(name)
                    hint = f"; did you mean {close}?" if close else ""
                    yield self.finding(at, f'"{name}" is not a condition operator: IAM rejects the policy{hint}',
                                       value=name, path=c.key.path[:-1])
                elif op.base == "Null" and op.if_exists:
                    yield self.finding(at, f'"{name}": Null cannot take IfExists (IAM rejects the policy); Null '
                                           f'already tests whether the key is present', value=name,
                                       path=c.key.path[:-1])
                elif op.base == "Null" and op.qualifier:
                    what = ("always true, whatever the request: it restricts nothing"
                            if op.qualifier == "ForAllValues" else
                            "always false, whatever the request: the statement never applies")
                    yield self.finding(at, f'"{name}" is {what}; use Null without a qualifier to test whether the '
                                           f'key is present',
                                       severity="warning", value=name, path=c.key.path[:-1])


RULE = InvalidConditionOperator()
