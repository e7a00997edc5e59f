"""SM204 unknown-sagemaker-condition-key."""
from linter import iam, kb
from linter.analysis import granted_sagemaker
from linter.rule import Rule


class UnknownSageMakerConditionKey(Rule):
    code = "SM204"
    name = "unknown-sagemaker-condition-key"
    severity = "warning"
    roles = None
    requires = ("condition",)
    statements = "Allow and Deny statements: a condition on a key that is never present makes a Deny guardrail deny nothing (or everything)."
    summary = ("A `sagemaker:` condition key that does not exist (the closest is suggested), or that no "
               "SageMaker action in the statement supports (also in a statement whose actions, all written out, "
               "are all another service's: `ec2:RunInstances` never carries `sagemaker:VpcSubnets`).")
    rationale = (
        "IAM does not reject unknown condition keys. In an `Allow`, a condition on a key that is never "
        "present makes the statement useless (or, with `...IfExists` or a negated operator, makes the "
        "condition always true); a key the statement's actions do not support is never set for those "
        "requests. Either way the policy does not do what it reads. A key the Service Authorization "
        "Reference still defines but no action lists any more (`sagemaker:VolumeKmsKey`, replaced by "
        "`sagemaker:VolumeKmsKeyArn`) is reported as an older name, with the key the actions take now. A "
        "key the SageMaker guide documents but the reference does not list (`sagemaker:TargetContainerHostname`, "
        "for multi-container endpoints; `linter.iam.DOCUMENTED_KEYS_ELSEWHERE`) is known and not judged."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/*",
    "Condition": {"Bool": {"sagemaker:NetworkIsolaton": "true"}}
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/*",
    "Condition": {"Bool": {"sagemaker:NetworkIsolation": "true"}}
  }]
}"""
    tags = ("correctness",)
    references = ("https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html#amazonsagemaker-policy-keys",)

    def check(self, doc, ctx):
        for st in doc.statements:
            granted = None
            for clause in st.condition:
                key = clause.key.value
                if not isinstance(key, str) or not key.lower().startswith("sagemaker:"):
                    continue
                if key.lower() in iam.DOCUMENTED_KEYS_ELSEWHERE:
                    continue  # documented in the SageMaker guide, not in the reference: not judged
                if not kb.condition_key_known(key):
                    if granted is None:
                        granted = _covered(st)
                    close = kb.closest_condition_key(key, frozenset(granted))
                    hint = f"; did you mean {close}?" if close else ""
                    yield self.finding(clause.key, f'condition key "{key}" is not a SageMaker condition key in the '
                                                   f'Service Authorization Reference of {kb.data_date()} (a typo, or '
                                                   f'a key the reference does not list yet){hint}')
                    continue
                if granted is None:
                    granted = _covered(st)
                if not granted:
                    others = _other_services(st)
                    if others:  # written Action values, none of them SageMaker's
                        some = ", ".join(others[:3]) + (" ..." if len(others) > 3 else "")
                        yield self.finding(clause.key, f'condition key "{key}" is a SageMaker key, and no action of '
                                                       f'this statement ({some}) is SageMaker\'s: it is never present '
                                                       f'in their requests')
                    continue
                supporting = kb.actions_supporting_condition_key(key)
                if not supporting:
                    # defined, but listed by no action: a name AWS replaced (sagemaker:VolumeKmsKey)
                    other = kb.supported_alternative(key, granted)
                    use = f"; use {other}, which the statement's actions take" if other else ""
                    yield self.finding(clause.key, f'condition key "{key}" is an older name no SageMaker action lists '
                                                   f'any more (AWS data of {kb.data_date()}): whether requests still '
                                                   f'carry it is not documented{use}')
                    continue
                if not supporting & set(granted):
                    some = ", ".join(sorted(a.full for a in granted.values())[:3])
                    other = kb.supported_alternative(key, granted)
                    hint = f"; did you mean {other}, which they take?" if other else ""
                    yield self.finding(clause.key, f'condition key "{key}" is not supported by any SageMaker action '
                                                   f'in this statement ({some}{" ..." if len(granted) > 3 else ""}), '
                                                   f'so it is never present in their requests{hint}')


def _other_services(st) -> list:
    """The statement's Action values when every one is written out and none can be a SageMaker
    action (``ec2:RunInstances``), else []."""
    if st.action is None or not st.action.values:
        return []
    out = []
    for v in st.action.values:
        if not v.resolved or not isinstance(v.value, str):
            return []
        parts = kb.split_action(v.value)
        if parts is None or kb.pattern_matches(parts[0], "sagemaker") or "*" in parts[0] or "?" in parts[0]:
            return []
        out.append(str(v.value))
    return out


def _covered(st) -> dict:
    """The SageMaker actions the statement is about (none known when an action is unresolved)."""
    if st.action is None or any(not v.resolved for v in st.action.values):
        return {}
    return granted_sagemaker(st)


RULE = UnknownSageMakerConditionKey()
