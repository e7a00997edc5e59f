"""SM101 sagemaker-service-wildcard."""
from linter import kb
from linter.analysis import action_values, blanket_denies, denied_by, is_allowed, reach_in
from linter.model import GRANTING_ROLES
from linter.rule import Rule


class SageMakerServiceWildcard(Rule):
    code = "SM101"
    name = "sagemaker-service-wildcard"
    severity = "error"
    roles = GRANTING_ROLES
    statements = "Allow statements."
    summary = ('An `Allow` statement grants every SageMaker action: `sagemaker:*`, `*` or `*:*`, in any case; '
               'or every action of another SageMaker service (`sagemaker-mlflow:*`, `sagemaker-geospatial:*`).')
    rationale = (
        "A service-wide wildcard grants all of SageMaker's actions, today's and every one AWS adds later: "
        "creating presigned Studio and notebook URLs (an interactive shell with the execution role's "
        "credentials), creating training and processing jobs that run arbitrary containers with any role "
        "that can be passed, deleting domains, endpoints and model registries, and changing resource "
        "policies. Least privilege means naming the actions a workload needs. A wildcard is judged by "
        "what it grants on the statement's resources: the message counts the actions "
        "the statement's `Resource` or `NotResource` lets apply, and a statement whose resources are not "
        "SageMaker's (`\"*\"` on a bucket) is not reported. The services AWS runs under SageMaker's name "
        "with their own action prefix (SageMaker with MLflow, `sagemaker-mlflow`; geospatial capabilities, "
        "`sagemaker-geospatial`) are judged the same way when their wildcard grants more than one action "
        "and some of them write: `sagemaker-mlflow:*` deletes every experiment, run and registered model of "
        "the tracking servers it reaches. Those findings are warnings: they reach one service's data, not "
        "every SageMaker resource and role."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:*",
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:*"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["sagemaker:DescribeTrainingJob", "sagemaker:CreateTrainingJob"],
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/team-a-*"
  }]
}"""
    options = {"allowed-actions": "action patterns the team accepts (e.g. `[\"sagemaker:*\"]` for an admin role's policy); matching actions are not reported."}
    references = (
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    )

    def check(self, doc, ctx):
        total = len(kb.sagemaker_actions())
        for st in doc.allow_statements():
            for v in action_values(st):
                parts = kb.split_action(v.value)
                if parts is None or not parts[1] or parts[1].strip("*") != "":
                    continue
                family = _family(parts[0])
                if family is not None:
                    if not is_allowed(v.value, ctx):
                        msg = _family_message(doc, st, v.value, family)
                        if msg is not None:
                            yield self.finding(v, msg, severity="warning")
                    continue
                if not kb.is_sagemaker_service_pattern(v.value) or is_allowed(v.value, ctx):
                    continue
                reach = reach_in(doc, st)
                if not reach:
                    continue  # the statement's resources are not SageMaker's: it grants none of them
                every = "every action of every service, including " if parts[0].strip("*") == "" else ""
                if len(reach) == total:
                    what = f"{every or 'every one of the '}{total} SageMaker actions"
                else:
                    field = "NotResource" if st.not_resource is not None else "Resource"
                    what = f"{every}{len(reach)} of the {total} SageMaker actions, all that its {field} allows"
                risky = kb.riskiest_in(reach)
                yield self.finding(v, f'"{v.value}" grants {what} (such as {risky.full} and actions AWS '
                                      f'adds later); list the actions needed')


def _family(service: str):
    """The prefix of another SageMaker service (``sagemaker-mlflow``) when ``service`` names one
    exactly, else None."""
    low = service.lower()
    if not low.startswith("sagemaker-"):
        return None
    from linter import iam

    return low if iam.service_known(low) else None


#: Primary access levels, the riskiest first: the example action a message names.
_RISK = ("Permissions management", "Write", "Tagging", "Read", "List")


def _family_message(doc, st, value: str, family: str):
    """The finding's message for ``<family>:*``, or None when it grants at most one action, none
    that writes, or none on the statement's resources."""
    from linter import iam

    actions = iam.expand(family + ":*")
    if len(actions) < 2 or not any(a.access in ("Write", "Permissions management") for a in actions):
        return None  # a wildcard over a one-action service grants what naming the action would
    if not _family_reached(st, family, actions):
        return None
    denies = blanket_denies(doc)
    if denies:
        actions = tuple(a for a in actions if not denied_by(denies, a.full))
        if not actions:
            return None
    risky = min(actions, key=lambda a: (_RISK.index(a.access) if a.access in _RISK else len(_RISK),
                                        not a.name.startswith("Delete"), a.name))
    name = iam.services().get(family, family)
    return (f'"{value}" grants every one of the {len(actions)} {name} actions (such as {risky.full} and actions '
            f'AWS adds later); list the actions needed')


def _family_reached(st, family: str, actions: tuple) -> bool:
    """Whether the statement's resources can name a resource of the service's actions: ``"*"``,
    an ARN of one of their types, a value we cannot read (unless it is another service's ARN), or
    a ``NotResource`` list."""
    if st.resource is None:
        return st.not_resource is not None
    formats = {rt.arn for a in actions for rt in _types(a)}
    for v in st.resource.values:
        r = v.value
        if not isinstance(r, str):
            known = getattr(r, "service", None)
            if known is None or known in (family, "sagemaker"):
                return True
            continue
        if r.strip("*") == "" or any(kb.arn_could_match(r, f) for f in formats):
            return True
    return False


def _types(action) -> list:
    from linter import iam

    out = []
    for ar in action.resource_types:
        for svc in (action.service, "sagemaker"):
            rt = (iam.resource_types(svc) or {}).get(ar.name)
            if rt is not None:
                out.append(rt)
                break
    return out


RULE = SageMakerServiceWildcard()
