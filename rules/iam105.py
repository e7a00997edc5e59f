"""IAM105 missing-set-qualifier."""
from linter.rule import Rule

from ._common import AA_REFERENCE, clauses


class MissingSetQualifier(Rule):
    code = "IAM105"
    name = "missing-set-qualifier"
    severity = "warning"
    roles = None
    requires = ("condition",)
    statements = "Allow and Deny statements."
    summary = ("A multivalued condition key (`aws:TagKeys`, `aws:PrincipalOrgPaths`, `aws:CalledVia`, "
               "`sagemaker:VpcSubnets`, `sagemaker:VpcSecurityGroupIds`, `sagemaker:InstanceTypes`...) tested "
               "without `ForAllValues:` or `ForAnyValue:`.")
    rationale = (
        "A multivalued key carries a set of values in one request (every subnet of a training job, every tag "
        "key of a request). An operator without a set qualifier compares a single value, so what it means for "
        "a set is not what it reads: the condition does not say whether *every* value or *one* value must "
        "match. Say which: `ForAllValues:` (every value in the request is in the list: add a `Null` test, as "
        "the key may be absent) or `ForAnyValue:` (at least one value is). `Null` needs no qualifier. The key "
        "types (`ArrayOf...`) come from the Service Authorization Reference and the IAM User Guide. IAM Access "
        "Analyzer reports the same as **Error – Missing qualifier**."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "*",
    "Condition": {"StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"]}}
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "*",
    "Condition": {
      "ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"]},
      "Null": {"sagemaker:VpcSubnets": "false"}
    }
  }]
}"""
    tags = ("correctness",)
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-missing-qualifier",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            for c, op, key, info in clauses(st):
                if op is None or op.qualifier or op.base == "Null" or info is None or not info.multivalued:
                    continue
                yield self.finding(c.key, f'"{key}" is multivalued (a request can carry several values) but '
                                          f'{c.operator} has no set qualifier: write ForAllValues:{op.name} (every '
                                          f'value must match) or ForAnyValue:{op.name} (one must)')


RULE = MissingSetQualifier()
