"""SM202 sagemaker-notresource."""
from linter import kb
from linter.analysis import plural, reach_in
from linter.model import GRANTING_ROLES
from linter.rule import Rule


class SageMakerNotResource(Rule):
    code = "SM202"
    name = "sagemaker-notresource"
    severity = "error"
    roles = GRANTING_ROLES
    statements = "Allow statements."
    summary = "An `Allow` statement grants SageMaker actions with `NotResource`: on every resource except the ones listed."
    rationale = (
        "`NotResource` inverts the resource list: the actions are granted on everything that is not "
        "listed, including resources created later and resources in other accounts the policy reaches. "
        "It is effectively `Resource: \"*\"` with exceptions and hides how broad the grant is."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:DeleteEndpoint",
    "NotResource": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/prod-*"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:DeleteEndpoint",
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/dev-*"
  }]
}"""
    references = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html",)

    def check(self, doc, ctx):
        for st in doc.allow_statements():
            if st.not_resource is None:
                continue
            granted = reach_in(doc, st)
            if not granted:
                continue
            risky = kb.riskiest_in(granted)
            yield self.finding(st.not_resource, f"Allow with NotResource grants {plural(len(granted), 'SageMaker action')} "
                                                f"(including {risky.full}) on every resource not listed; "
                                                f"use Resource with the ARNs needed",
                               value=",".join(sorted(v.text for v in st.not_resource.values)))


RULE = SageMakerNotResource()
