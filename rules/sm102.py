"""SM102 sagemaker-action-wildcard."""
from linter import kb
from linter.analysis import action_values, is_allowed, plural, reach_in
from linter.model import GRANTING_ROLES
from linter.rule import Rule


class SageMakerActionWildcard(Rule):
    code = "SM102"
    name = "sagemaker-action-wildcard"
    severity = "error"
    roles = GRANTING_ROLES
    statements = "Allow statements."
    summary = ("An `Allow` statement uses a partial wildcard in a SageMaker action (`sagemaker:Create*`, "
               "`sagemaker:*Notebook*`, `sagemaker:Describe?`); the message says how many actions it "
               "expands to and names the riskiest.")
    rationale = (
        "A partial wildcard grants more than it reads: `sagemaker:Create*` expands to dozens of actions, "
        "among them `CreatePresignedNotebookInstanceUrl` and `CreatePresignedDomainUrl`, which hand out "
        "interactive sessions, and it silently grows when AWS adds actions. The severity follows the "
        "worst access level among the actions it grants on the statement's resources: error when it holds any Write or Permissions-management "
        "action, warning for Tagging, note when it is List/Read only. The count is the pattern's expansion; the "
        "message also says how many of those actions the statement's `Resource` or `NotResource` lets apply and "
        "names the riskiest of them. A pattern that grants nothing on the statement's resources (`sagemaker:Search*`, "
        "whose actions need `Resource: \"*\"`, on an account ARN) is not reported."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:Create*",
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:*"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["sagemaker:CreateTrainingJob", "sagemaker:CreateModel"],
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:*"
  }]
}"""
    options = {"allowed-actions": "action patterns the team accepts (e.g. `[\"sagemaker:Describe*\", \"sagemaker:List*\"]`); matching patterns are not reported."}
    references = ("https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html",)

    def check(self, doc, ctx):
        for st in doc.allow_statements():
            for v in action_values(st):
                parts = kb.split_action(v.value)
                if parts is None or not ("*" in v.value or "?" in v.value) or set(parts[1]) == {"*"}:
                    continue
                if not kb.is_sagemaker_service_pattern(v.value) or is_allowed(v.value, ctx):
                    continue
                acts = kb.sagemaker_by_name(v.value)
                if not acts:
                    continue  # matches nothing: SM104
                reach = reach_in(doc, st)
                granted = [a for low, a in acts.items() if low in reach]
                if not granted:
                    continue  # none of them on this statement's resources (SM203 says so)
                levels = {a.access for a in granted}
                if levels & {"Write", "Permissions management"}:
                    sev = "error"
                elif "Tagging" in levels:
                    sev = "warning"
                else:
                    sev = "note"
                risky = kb.riskiest(granted)
                kinds = "/".join(sorted(levels))
                field = "NotResource" if st.not_resource is not None else "Resource"
                some = "" if len(granted) == len(acts) else f", {len(granted)} of them on what its {field} allows"
                yield self.finding(v, f'"{v.value}" expands to {plural(len(acts), "SageMaker action")}{some} '
                                      f'({kinds}), including {risky.full}; list the actions needed', severity=sev)


RULE = SageMakerActionWildcard()
