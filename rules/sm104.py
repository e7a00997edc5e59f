"""SM104 unknown-sagemaker-action."""
from linter import kb
from linter.rule import Rule


class UnknownSageMakerAction(Rule):
    code = "SM104"
    name = "unknown-sagemaker-action"
    severity = "warning"
    roles = None
    statements = "Allow and Deny statements: an unknown action in a Deny means the guardrail denies nothing."
    summary = "A `sagemaker:` action or pattern matches no action in AWS's SageMaker action table."
    rationale = (
        "IAM does not reject unknown action names: a typo such as `sagemaker:CreateTrainingJobs` grants "
        "nothing, so the workload fails at run time, or, in a `Deny`, the guardrail silently does nothing. "
        "The message suggests the closest real action. The action table ships with lint-policies and is "
        "dated: AWS sometimes adds an action before the table catches up, so a brand-new action may be "
        "reported until the table is refreshed (`scripts/update_iam_data.py`)."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJobs",
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/*"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/*"
  }]
}"""
    tags = ("correctness",)
    references = ("https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html",)

    def check(self, doc, ctx):
        for st in doc.statements:
            for field in (st.action, st.not_action):
                if field is None:
                    continue
                for v in field.values:
                    if not isinstance(v.value, str) or "${" in v.value:
                        continue
                    parts = kb.split_action(v.value)
                    if parts is None or parts[0].lower() != "sagemaker":
                        continue
                    if kb.expand_sagemaker(v.value):
                        continue
                    hint = ""
                    if "*" not in v.value and "?" not in v.value:
                        close = kb.closest_sagemaker_action(parts[1])
                        if close:
                            hint = f"; did you mean {close}?"
                    what = "pattern" if ("*" in v.value or "?" in v.value) else "action"
                    yield self.finding(v, f'"{v.value}" matches no SageMaker {what} in the action table '
                                          f'(AWS data of {kb.data_date()}; a very new action may be missing){hint}')


RULE = UnknownSageMakerAction()
