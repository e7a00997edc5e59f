"""SM203 sagemaker-resource-mismatch."""
from linter import kb
from linter.analysis import granted_sagemaker, granted_with_resources
from linter.model import GRANTING_ROLES
from linter.rule import Rule


class SageMakerResourceMismatch(Rule):
    code = "SM203"
    name = "sagemaker-resource-mismatch"
    severity = "warning"
    roles = None
    statements = ("Allow statements of identity and resource policies; Deny statements of every document "
                  "(a guardrail whose ARNs name none of its actions' resources refuses nothing).")
    summary = ("Every ARN in `Resource` matches none of the resource types of the statement's SageMaker "
               "actions, so the SageMaker part of the grant does nothing; or the statement's SageMaker actions "
               "are List actions that take no resource (`sagemaker:ListApps`) and `Resource` names ARNs.")
    rationale = (
        "IAM grants an action only on resources of the types the action accepts. A statement that allows "
        "`sagemaker:CreateTrainingJob` on a model ARN, or on an S3 bucket, grants nothing for that action: "
        "the workload fails with AccessDenied, and someone eventually \"fixes\" it with `Resource: \"*\"`. "
        "Values that are not literals (a `!Ref`, a `var.arn`) are never judged, and neither is an action "
        "that names no service (`*`): `\"Action\": \"*\"` on a bucket is an S3 grant. An action that takes no "
        "resource at all is granted only on `\"Resource\": \"*\"`: `sagemaker:ListApps` on `app/*` grants nothing. "
        "That is reported for List actions only, when they are all the statement's SageMaker actions: the "
        "Service Authorization Reference lists some other actions without a resource type that AWS's own "
        "managed policies scope to ARNs (`sagemaker:PutResourcePolicy` on feature groups), so its silence "
        "there is not taken as proof."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:model/churn"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/churn-*"
  }]
}"""
    tags = ("correctness",)
    references = ("https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html#amazonsagemaker-resources-for-iam-policies",)

    def check(self, doc, ctx):
        granting = doc.role in GRANTING_ROLES
        for st in doc.statements:
            if not (st.is_deny or (granting and st.is_allow)):
                continue
            hit = mismatch(st)
            if hit is None:
                continue
            typed, formats = hit
            if st.is_deny:
                # a guardrail whose ARNs name none of its actions' resources refuses nothing
                if not formats:
                    continue  # a Deny on ARNs of actions that take none: IAM evaluates them on "*" anyway
                acts = ", ".join(a.full for a in sorted(typed, key=lambda a: a.name)[:3]) + \
                    (" ..." if len(typed) > 3 else "")
                names = ", ".join(sorted(formats)[:6]) + (" ..." if len(formats) > 6 else "")
                for v in st.resource.values:
                    yield self.finding(v, _no_account(v.value, acts, "the Deny refuses nothing for them") or
                                       f'"{v.value}" matches no resource type of the statement\'s SageMaker '
                                       f'actions ({acts}; types: {names}), so the Deny refuses nothing for them')
                continue
            acts = ", ".join(a.full for a in sorted(typed, key=lambda a: a.name)[:3]) + (" ..." if len(typed) > 3 else "")
            if not formats:
                for v in st.resource.values:
                    yield self.finding(v, f'"{v.value}" scopes SageMaker actions that take no resource ({acts}): '
                                          f'IAM grants them only on "Resource": "*", so the grant does nothing '
                                          f'for them; use "Resource": "*"')
                continue
            names = ", ".join(sorted(formats)[:6]) + (" ..." if len(formats) > 6 else "")
            for v in st.resource.values:
                yield self.finding(v, _no_account(v.value, acts, "the grant does nothing for them") or
                                   f'"{v.value}" matches no resource type of the statement\'s SageMaker actions '
                                   f'({acts}; types: {names}), so the grant does nothing for them')


def _no_account(value: str, acts: str, outcome: str) -> str:
    """The message for a SageMaker ARN written without an account (``arn:aws:sagemaker:us-east-1::endpoint/x``):
    the type may be right; the empty account is why it matches nothing. "" otherwise."""
    parts = kb.arn_segments(value) if value[:4].lower() == "arn:" else None
    if parts is None or parts[4] != "" or "${" in parts[2] or not kb.pattern_matches(parts[2], "sagemaker"):
        return ""
    return (f'"{value}" has no account, but SageMaker ARNs have one, so it matches no resource of the statement\'s '
            f'SageMaker actions ({acts}) and {outcome}')


def mismatch(st):
    """``(typed actions, their resource types)`` when every ARN of an Allow statement's ``Resource``
    matches none of the resource types of its SageMaker actions (what SM203 reports), else None.
    IAM109 asks too, so that an ARN is reported once."""
    if st.resource is None or st.action is None or not st.resource.values:
        return None
    if any(not isinstance(v.value, str) for v in st.resource.values):
        return None
    if not any(_names_sagemaker(v.value) for v in st.action.values if isinstance(v.value, str)):
        return None  # "*" names no service: a grant on an S3 bucket is not a SageMaker grant
    typed = granted_with_resources(st)
    if any(v.value == "*" or kb.arn_covers_all(v.value) for v in st.resource.values):
        return None
    if not typed:
        # only List actions that take no resource (ListApps, ListClusters): an ARN matches none of
        # them, whatever it names. Not other actions the reference lists without a resource type:
        # AWS's own managed policies scope some (PutResourcePolicy on feature groups), so the
        # reference may not say all there
        untyped = granted_sagemaker(st)
        if untyped and all(a.access == "List" for a in untyped.values()) \
                and all(v.value[:4].lower() == "arn:" for v in st.resource.values):
            return sorted(untyped.values(), key=lambda a: a.name), set()
        return None
    formats = _types_of(typed)
    rtypes = kb.resource_types()
    if any(kb.arn_could_match(v.value, rtypes[rt].arn) for v in st.resource.values
           for rt in _candidates(v.value, formats) if rt in rtypes):
        return None
    return typed, formats


_TYPES: dict = {}  # id(typed) -> (typed, its resource types): the lists are shared (see granted_with_resources)


def _types_of(typed: list) -> set:
    hit = _TYPES.get(id(typed))
    if hit is not None and hit[0] is typed:
        return hit[1]
    out = {rt for a in typed for rt, _ in a.resource_types}
    if len(_TYPES) >= 1024:
        _TYPES.clear()
    _TYPES[id(typed)] = (typed, out)
    return out


def _names_sagemaker(action: str) -> bool:
    """Whether an action pattern names SageMaker (``sagemaker:*``, ``sage*:Create*``), not
    only wildcards (``*``, ``*:*``)."""
    parts = kb.split_action(action)
    return parts is not None and parts[0].strip("*?") != "" and kb.is_sagemaker_service_pattern(action)


def _candidates(value: str, formats: set) -> set:
    """The statement's resource types that ``value`` can match at all (cheap prefix test)."""
    cands = kb.candidate_types(value)
    return formats if cands is None else formats & cands


RULE = SageMakerResourceMismatch()
