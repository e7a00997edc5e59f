"""SM103 sagemaker-notaction."""
from linter import kb
from linter.analysis import plural, reach_in
from linter.model import GRANTING_ROLES
from linter.rule import Rule


class SageMakerNotAction(Rule):
    code = "SM103"
    name = "sagemaker-notaction"
    severity = "error"
    roles = GRANTING_ROLES
    statements = "Allow statements."
    summary = "An `Allow` statement uses `NotAction` and so grants every SageMaker action it does not list."
    rationale = (
        "`Allow` with `NotAction` is an allow-list turned inside out: everything except the listed actions "
        "is granted, in every service, including every SageMaker action AWS adds later. It is almost "
        "always broader than intended. `NotAction` belongs in `Deny` statements (guardrails)."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "NotAction": ["iam:*", "organizations:*"],
    "Resource": "*"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["sagemaker:DescribeEndpoint", "sagemaker:InvokeEndpoint"],
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/fraud-*"
  }]
}"""
    references = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html",)

    def check(self, doc, ctx):
        for st in doc.allow_statements():
            if st.not_action is None:
                continue
            granted = reach_in(doc, st)
            if not granted:
                continue
            risky = kb.riskiest_in(granted)
            total = len(kb.sagemaker_actions())
            how = "every SageMaker action" if len(granted) == total else plural(len(granted), "SageMaker action")
            yield self.finding(st.not_action, f"Allow with NotAction grants {how} it does not list, "
                                              f"including {risky.full}; use Action with the actions needed",
                               value=",".join(sorted(v.text for v in st.not_action.values)))


RULE = SageMakerNotAction()
