"""SM201 sagemaker-resource-wildcard."""
from linter import kb
from linter.analysis import blanket_denies, carries, denied_by, granted_with_resources, required_keys
from linter.model import GRANTING_ROLES
from linter.rule import Rule


class SageMakerResourceWildcard(Rule):
    code = "SM201"
    name = "sagemaker-resource-wildcard"
    severity = "error"
    roles = GRANTING_ROLES
    statements = "Allow statements."
    summary = ('An `Allow` statement grants SageMaker actions that support resource-level permissions on '
               '`Resource: "*"` (or an ARN that covers every resource, such as `arn:aws:sagemaker:*:*:*`).')
    rationale = (
        "Most SageMaker actions can be scoped to specific resources (training jobs, notebook instances, "
        "endpoints, domains...) by ARN. Granting them on `*` lets the principal act on every such resource "
        "in every account the policy reaches, including other teams' models and endpoints. Actions that "
        "support no resource type (such as `sagemaker:ListModels` or `sagemaker:Search`) can only be "
        "granted on `*` and are never reported. An ARN counts as `*` when it matches every SageMaker "
        "resource of every account: a wildcard account and a resource part of only `*` and `/` "
        "(`arn:aws:sagemaker:*:*:*`, `arn:*:sagemaker:*:*:*/*`). A type-wide ARN "
        "(`arn:aws:sagemaker:*:*:endpoint/*`) or one that names the account "
        "(`arn:aws:sagemaker:*:${AWS::AccountId}:*`) is a deliberate scope and is not reported; one with an "
        "empty account (`arn:aws:sagemaker:*::*`) matches no SageMaker resource (SM203 says so). The message "
        "names the ARN formats the affected actions accept: the riskiest action's own, then those most of them take. Errors when a "
        "Write or Permissions-management action is affected, otherwise a warning."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["sagemaker:CreateTrainingJob", "sagemaker:ListModels"],
    "Resource": "*"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sagemaker:CreateTrainingJob",
      "Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/team-a-*"
    },
    {
      "Effect": "Allow",
      "Action": "sagemaker:ListModels",
      "Resource": "*"
    }
  ]
}"""
    references = (
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html#amazonsagemaker-resources-for-iam-policies",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html",
    )

    def check(self, doc, ctx):
        for st in doc.allow_statements():
            if st.resource is None:
                continue
            wild = [v for v in st.resource.values if isinstance(v.value, str) and kb.arn_covers_all(v.value)]
            if not wild:
                continue
            affected = granted_with_resources(st)
            required = required_keys(st)
            if required and affected:
                # "Null": {"sagemaker:VpcSubnets": "false"}: only actions that carry the key are granted
                affected = [a for a in affected if carries(a, required)]
            denies = blanket_denies(doc) if affected else None
            if denies:
                affected = [a for a in affected if not denied_by(denies, a.full)]
            if not affected:
                continue
            sev, risky, fmt = _summary(affected)
            n = len(affected)
            what = (f"{risky.full}, which supports" if n == 1 else
                    f"{n} SageMaker actions that support")
            for v in wild:
                incl = "" if n == 1 else f" (including {risky.full})"
                yield self.finding(v, f'{what} resource-level permissions{incl}, granted on "{v.value}"; '
                                      f'scope Resource to ARNs such as {fmt}', severity=sev)


_SUMMARIES: dict = {}  # id(affected) -> (affected, summary): the lists are shared (see granted_with_resources)


def _summary(affected) -> tuple:
    """(severity, riskiest action, ARN formats to suggest) of a list of granted actions."""
    hit = _SUMMARIES.get(id(affected))
    if hit is not None and hit[0] is affected:
        return hit[1]
    levels = {a.access for a in affected}
    sev = "error" if levels & {"Write", "Permissions management"} else "warning"
    risky = kb.riskiest(affected)
    out = (sev, risky, _formats(affected, risky))
    if len(_SUMMARIES) >= 1024:
        _SUMMARIES.clear()
    _SUMMARIES[id(affected)] = (affected, out)
    return out


def _formats(affected, risky) -> str:
    """The ARN formats to suggest: the riskiest action's own resource types, then those most of
    the affected actions take; two shown, "..." when there are more. Only types an action
    requires, where any action requires one: a Resource of only an optional type
    (``reserved-capacity`` for CreateTrainingJob) does not match the request's required one,
    so it grants nothing."""
    count: dict = {}
    any_required = any(required for a in affected for _rt, required in a.resource_types)
    for a in affected:
        for rt, required in a.resource_types:
            if required or not any_required:
                count[rt] = count.get(rt, 0) + 1
    own = {rt: required for rt, required in risky.resource_types}
    ranked = sorted(count, key=lambda rt: (rt not in own, not own.get(rt), -count[rt], rt))
    formats = []
    for rt in ranked:
        info = kb.resource_types().get(rt)
        if info and info.arn not in formats:
            formats.append(info.arn)
    return " or ".join(formats[:2]) + (" ..." if len(formats) > 2 else "")


RULE = SageMakerResourceWildcard()
