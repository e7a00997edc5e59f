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
                    if kb.sagemaker_by_name(v.value):
                        continue
                    hint = ""
                    if "*" not in v.value and "?" not in v.value:
                        hint = _hint(parts[1])
                    what = "pattern" if ("*" in v.value or "?" in v.value) else "action"
                    yield self.finding(v, f'"{v.value}" matches no SageMaker {what} in the action table '
                                          f'(AWS data of {kb.data_date()}; a very new action may be missing){hint}')


def _hint(name: str) -> str:
    """What to suggest for an unknown action name: the singular or plural that exists
    (``StopTrainingJobs``); when the resource it names exists with other verbs only
    (``UpdateApp``: apps are created, described, listed and deleted, never updated), those
    actions; else the closest action, preferring the same verb."""
    verb = kb._verb(name)
    noun = name[len(verb):]
    for other in (name[:-1], name + "s") if name.endswith("s") else (name + "s",):
        known = kb.lookup("sagemaker:" + other)
        if known is not None:  # a plural or singular slip: StopTrainingJobs
            return f"; did you mean {known.full}?"
    same_noun = kb.sagemaker_actions_on(noun) if noun else []
    if same_noun:
        shown = ", ".join(same_noun[:5]) + (" ..." if len(same_noun) > 5 else "")
        return f"; SageMaker has no {name[:len(verb)]} action for {noun}, only {shown}"
    close = kb.closest_sagemaker_action(name)
    return f"; did you mean {close}?" if close else ""


RULE = UnknownSageMakerAction()
