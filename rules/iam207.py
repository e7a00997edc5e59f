"""IAM207 action-service-wildcard."""
from linter.model import GRANTING_ROLES
from linter.rule import Rule

from ._common import AA_REFERENCE, split_action, wildcard


class ActionServiceWildcard(Rule):
    code = "IAM207"
    name = "action-service-wildcard"
    severity = "warning"
    roles = GRANTING_ROLES
    statements = "Allow statements (a service wildcard in a Deny guardrail is deliberate)."
    summary = ("An `Allow` action with a wildcard in the service name (`*:Describe*`, `sage*:*`, `s?:Get*`), "
               "which grants the matching actions of every service whose prefix matches, today's and future ones.")
    rationale = (
        "A wildcard in the service part matches services nobody listed: `sage*:*` is SageMaker, SageMaker "
        "Geospatial and any service AWS names `sage...` next year, and `*:Get*` reads from every service "
        "(secrets, parameters, objects...). Name the services: `sagemaker:Describe*`, `s3:GetObject`. `\"*\"` "
        "itself is not reported here (SM101 reports what it grants in SageMaker). IAM Access Analyzer reports "
        "the same as **Suggestion – Wildcard in service name**."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "*:Describe*",
    "Resource": "*"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["sagemaker:Describe*", "ecr:DescribeImages"],
    "Resource": "*"
  }]
}"""
    tags = ("security",)
    references = (AA_REFERENCE + "#access-analyzer-reference-policy-checks-suggestion-wildcard-in-service-name",)

    def check(self, doc, ctx):
        for st in doc.allow_statements():
            if st.action is None:
                continue
            for v in st.action.values:
                if not isinstance(v.value, str) or "${" in v.value or v.value.strip("*") == "":
                    continue
                parts = split_action(v.value)
                if parts is None or not wildcard(parts[0]) or parts[0].strip("*") == "" and parts[1].strip("*") == "":
                    continue
                yield self.finding(v, f'"{v.value}": the wildcard in the service name grants the matching actions of '
                                      f'every service whose prefix matches, including services added later; name '
                                      f'the services')


RULE = ActionServiceWildcard()
