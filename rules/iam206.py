"""IAM206 trust-missing-action."""
from linter.rule import Rule

from ._common import AA_REFERENCE

_ASSUME = ("sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity")
_TAG_KEYS = ("aws:requesttag/", "aws:tagkeys", "sts:transitivetagkeys")
_ROLES_ANYWHERE = "rolesanywhere.amazonaws.com"
_ROLES_ANYWHERE_ACTIONS = ("sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession")


def _granted(st, action: str) -> bool:
    """Whether the statement's Action names ``action`` (exactly or through a wildcard)."""
    from linter import kb

    return any(isinstance(v.value, str) and kb.pattern_matches(v.value, action) for v in st.action.values)


def _principals(st) -> set:
    if st.principal is None:
        return set()
    return {(e.kind, v.value.lower() if isinstance(v.value, str) else id(v)) for e in st.principal.entries
            for v in e.values}


def _allowed(doc, st, action: str) -> bool:
    """Whether ``st`` or another Allow statement of the trust policy that names one of its
    principals allows ``action`` (a role's trust policy often allows ``sts:TagSession`` in a
    statement of its own): the request to assume with tags is then authorized."""
    if _granted(st, action):
        return True
    mine = _principals(st)
    return any(other is not st and other.action is not None and _granted(other, action)
               and _principals(other) & mine for other in doc.allow_statements())


class TrustMissingAction(Rule):
    code = "IAM206"
    name = "trust-missing-action"
    severity = "error"
    roles = ("trust",)
    statements = "Allow statements of role trust policies that allow assuming the role."
    summary = ("A trust statement that tests a key only another action sets: `sts:SourceIdentity` without "
               "`sts:SetSourceIdentity`, session tags (`aws:RequestTag/...`, `aws:TagKeys`, "
               "`sts:TransitiveTagKeys`) without `sts:TagSession`; or an IAM Roles Anywhere trust without "
               "`sts:AssumeRole`, `sts:SetSourceIdentity` and `sts:TagSession`.")
    rationale = (
        "Setting a source identity or passing session tags while assuming a role is a second permission, "
        "checked against the same trust policy: `sts:SetSourceIdentity` and `sts:TagSession`. A statement that "
        "conditions `sts:AssumeRole` on `sts:SourceIdentity` (to keep the human behind a SageMaker session "
        "traceable) but does not allow `sts:SetSourceIdentity` refuses every caller that sets one, and every "
        "caller that does not fails the condition: nobody can assume the role. The same holds for session "
        "tags and `sts:TagSession`. IAM Roles Anywhere always sets a source identity and tags, so its service "
        "principal needs all three actions. IAM Access Analyzer reports the same as **Error – Missing action "
        "for condition key** and **Error – Missing action for roles anywhere trust policy**. Another statement "
        "of the same trust policy that allows the action to one of the statement's principals is enough."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:role/ml-platform"},
    "Action": "sts:AssumeRole",
    "Condition": {"StringLike": {"sts:SourceIdentity": "*@example.com"}}
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:role/ml-platform"},
    "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
    "Condition": {"StringLike": {"sts:SourceIdentity": "*@example.com"}}
  }]
}"""
    tags = ("correctness", "trust")
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-missing-action-for-condition-key",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-missing-action-for-roles-anywhere-trust-policy",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html",
    )

    def check(self, doc, ctx):
        for st in doc.allow_statements():
            if st.action is None or any(not isinstance(v.value, str) for v in st.action.values):
                continue
            if not any(_granted(st, a) for a in _ASSUME):
                continue
            for c in st.condition:
                key = c.key.value.lower() if isinstance(c.key.value, str) else ""
                if key == "sts:sourceidentity" and not _allowed(doc, st, "sts:SetSourceIdentity"):
                    yield self.finding(c.key, f'"{c.key.value}" is present only when the caller sets a source '
                                              f'identity, which needs sts:SetSourceIdentity, and this statement does '
                                              f'not allow it: callers that set one are refused, so the condition '
                                              f'never sees a value; add sts:SetSourceIdentity to Action')
                elif key.startswith(_TAG_KEYS) and not _allowed(doc, st, "sts:TagSession"):
                    yield self.finding(c.key, f'"{c.key.value}" is present only when the caller passes session tags, '
                                              f'which needs sts:TagSession, and this statement does not allow it: '
                                              f'callers that pass tags are refused, so the condition never sees a '
                                              f'value; add sts:TagSession to Action')
            if st.principal is None:
                continue
            for v in st.principal.values_of("Service"):
                if isinstance(v.value, str) and v.value.lower() == _ROLES_ANYWHERE:
                    missing = [a for a in _ROLES_ANYWHERE_ACTIONS if not _granted(st, a)]
                    if missing:
                        yield self.finding(v, f'IAM Roles Anywhere needs {", ".join(_ROLES_ANYWHERE_ACTIONS)}; this '
                                              f'statement lacks {", ".join(missing)}, so no certificate holder can '
                                              f'assume the role')


RULE = TrustMissingAction()
