"""IAM103 condition-key-not-supported."""
from linter.rule import Rule

from ._common import AA_REFERENCE, clauses, statement_actions, when_absent

_TAG_KEYS = ("aws:requesttag/", "aws:resourcetag/")


def _judged(key: str, info) -> bool:
    """Keys whose support AWS lists per action: service keys (SageMaker's are SM204's) and the
    global tag keys. Other global keys and the cross-service keys apply to every action."""
    low = key.lower()
    if info.scope == "global":
        return low.startswith(_TAG_KEYS) or low == "aws:tagkeys"
    return info.scope == "service" and not low.startswith("sagemaker:")


def _supports(action, key: str) -> bool:
    """Whether an action supports a key; a key the reference lists with a documentation
    placeholder for its last part (``secretsmanager:ResourceTag/tag-key``) covers every key with
    the same head."""
    if action.supports_condition_key(key):
        return True
    head, slash, _ = key.lower().partition("/")  # tag keys may hold "/" themselves
    return bool(slash) and any(k.lower().partition("/")[0] == head and "/" in k
                               for k in action.supported_condition_keys)


class ConditionKeyNotSupported(Rule):
    code = "IAM103"
    name = "condition-key-not-supported"
    severity = "warning"
    roles = None
    requires = ("condition",)
    statements = ("Allow and Deny statements with an `Action` element (not `NotAction`, `\"*\"` or a wildcard "
                  "in a service name).")
    summary = ("A condition key that exists, but that no action of the statement supports (SM204 covers "
               "`sagemaker:` keys): a service key used with another service's actions, or `aws:ResourceTag/...`, "
               "`aws:RequestTag/...`, `aws:TagKeys` with actions that take no tags.")
    rationale = (
        "A request carries only the condition keys its action supports. When none of the statement's actions "
        "supports the key, the key is never present: a positive condition is always false (the `Allow` grants "
        "nothing, the `Deny` denies nothing), and a negated one, `...IfExists`, `ForAllValues:` or `Null` "
        "`\"true\"` is always true (the condition restricts nothing). A typical slip is tag-based access "
        "control on actions that do not take tags, or `iam:PassedToService` on a statement without "
        "`iam:PassRole`. Global keys other than the tag keys apply to every action and are not judged; a "
        "statement with `NotAction`, `\"*\"` or an unresolved action is not judged either. IAM Access Analyzer "
        "reports actions that do not support a key as **Error – Unsupported action for condition key**; this "
        "rule reports only statements where *no* action supports it, which is never a matter of taste."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::ml-data/*",
    "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "iam:PassRole",
    "Resource": "arn:aws:iam::123456789012:role/ml-training",
    "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
  }]
}"""
    tags = ("correctness",)
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-unsupported-action-for-condition-key",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            acts = None
            for c, op, key, info in clauses(st):
                if info is None or not _judged(key, info):
                    continue
                if acts is None:
                    acts = statement_actions(st)
                if not acts:
                    break
                if any(_supports(a, key) for a in acts):
                    continue
                names = sorted({a.full for a in acts})
                some = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
                outcome = when_absent(op, c.values)
                then = ("so this condition is always true and restricts nothing" if outcome is True else
                        "so this condition is always false and the statement never applies" if outcome is False
                        else "so this condition cannot test it")
                yield self.finding(c.key, f'condition key "{key}" is not supported by any action in this statement '
                                          f'({some}): it is never present in their requests, {then}')


RULE = ConditionKeyNotSupported()
