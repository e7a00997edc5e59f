"""IAM101 unknown-action."""
import functools

from linter import iam
from linter.grammar import action_syntax_ok
from linter.rule import Rule

from ._common import AA_REFERENCE, split_action, wildcard


class UnknownAction(Rule):
    code = "IAM101"
    name = "unknown-action"
    severity = "warning"
    roles = None
    statements = ("Allow and Deny statements, `Action` and `NotAction`: an unknown action in a Deny means the "
                  "guardrail denies nothing.")
    summary = ("An action of any service but SageMaker (SM104 covers `sagemaker:`) that does not exist, a pattern "
               "that matches no action of its service, or an unknown service prefix (`sagemakr:CreateModel`, "
               "`s3:GetObjects`).")
    rationale = (
        "IAM accepts any action name that looks like `service:Name`, so a typo is silently a grant of nothing: "
        "the workload fails at run time with AccessDenied, or, in a `Deny`, the guardrail never applies. The "
        "message names the closest real action or service. Facts come from the AWS Service Authorization "
        "Reference for every service (`linter/data/services/`, dated): AWS sometimes ships an action before "
        "the data catches up, so a brand-new action may be reported until the data is refreshed "
        "(`scripts/update_service_data.py`). A few actions AWS documents only in a service's guide "
        "(`glue:ShareResource`, in the Lake Formation guide) are known too (`linter.iam.DOCUMENTED_ELSEWHERE`). "
        "Values with a wildcard in the service name (`*:Get*`) are "
        "IAM207's; values with a template placeholder are not judged. IAM Access Analyzer reports the same "
        "as **Error – Invalid action** and **Error – Invalid service in action**."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["s3:GetObjects", "sagemakr:CreateModel"],
    "Resource": "*"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["s3:GetObject", "sagemaker:CreateModel"],
    "Resource": "*"
  }]
}"""
    tags = ("correctness",)
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-invalid-action",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-invalid-service-in-action",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            for field in (st.action, st.not_action):
                if field is None:
                    continue
                for v in field.values:
                    msg = _problem(v.value)
                    if msg:
                        yield self.finding(v, msg)


@functools.lru_cache(maxsize=4096)
def _problem(value):
    if not isinstance(value, str) or "${" in value or "%{" in value or "{{" in value:
        return None
    parts = split_action(value)
    if parts is None or not action_syntax_ok(value):
        return None  # "*", or not an action at all (LP002)
    service, name = parts
    if not service or wildcard(service) or service.lower() == "sagemaker" or not name:
        return None
    if not iam.service_known(service):
        close = iam.closest_service(service)
        hint = ""
        if close and not wildcard(name) and iam.action(close, name) is not None:
            hint = f"; did you mean {close}:{name}?"
        return (f'"{value}": no service has the prefix "{service}" in the Service Authorization Reference of '
                f'{iam.data_date()} (a typo, or a service AWS has retired){hint}')
    if iam.expand(value) or value.lower() in iam.DOCUMENTED_ELSEWHERE:
        return None
    what = "matches no action of" if wildcard(name) else "is not an action of"
    close = None if wildcard(name) else iam.closest_action(service, name)
    hint = f"; did you mean {close}?" if close else ""
    return (f'"{value}" {what} {service} in the Service Authorization Reference of {iam.data_date()} (a typo, an '
            f'action AWS has retired, or one the reference does not list yet){hint}')


RULE = UnknownAction()
