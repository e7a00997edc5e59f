"""SM305 guardrail-fails-open."""
from linter import iam, kb
from linter.analysis import carries, granted_sagemaker, required_keys
from linter.model import GRANTING_ROLES
from linter.rule import Rule


class GuardrailFailsOpen(Rule):
    code = "SM305"
    name = "guardrail-fails-open"
    severity = "error"
    roles = None
    requires = ("condition",)
    statements = ("Allow statements with a condition on a SageMaker guardrail key; a `Null` test in the same "
                  "statement, or Deny statements that deny when the key is absent (in the same document, in "
                  "another policy of every principal that holds it, or in their permissions boundaries), "
                  "close it: a Deny closes it for the actions it names (a `sagemaker:*` grant stays open for the "
                  "other actions that carry the key), and one whose actions are not known here may close it.")
    summary = ("A SageMaker guardrail key (`sagemaker:VpcSubnets`, `InstanceTypes`, `RootAccess`, "
               "`DirectInternetAccess`, `VolumeKmsKeyArn`, `NotebookInstanceLifecycleConfigArns`...) is tested in "
               "an `Allow` with `ForAllValues:`, `...IfExists` or a negated operator and no `Null` test: a request "
               "without the key passes. Or a `Deny` guardrail, in any document (an SCP, a boundary), is inverted: "
               "it refuses every value but the risky one (`StringNotEquals {\"sagemaker:RootAccess\": "
               "\"Enabled\"}`), or only safe ones, so the risky setting goes through.")
    rationale = (
        "A guardrail condition is meant to let a job or notebook be created only with the setting it names "
        "(in the team's subnets, on approved instance types, without root access). But a request that leaves "
        "the setting out carries no such key, and three kinds of test are true when the key is absent: "
        "`ForAllValues:` (the IAM User Guide: it \"also returns true if there are no context keys in the "
        "request\"), `...IfExists`, and a negated operator (`StringNotEquals`, `ArnNotLike`...). So "
        "`ForAllValues:StringEquals {\"sagemaker:VpcSubnets\": [...]}` allows a training job sent with no "
        "`VpcConfig` at all, the very thing it was written to stop. AWS's own examples pair the test with "
        "`\"Null\": {\"sagemaker:VpcSubnets\": \"false\"}` (the key must be present), or deny with "
        "`\"Null\": {...: \"true\"}` in a separate Deny statement; either closes it. Keys outside the guardrail "
        "list (`aws:TagKeys` and the like) are left to IAM105 and IAM201."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "*",
    "Condition": {"ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"]}}
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "*",
    "Condition": {
      "ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"]},
      "Null": {"sagemaker:VpcSubnets": "false"}
    }
  }]
}"""
    references = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/security_iam_id-based-policy-examples.html",
        "https://docs.aws.amazon.com/whitepapers/latest/build-secure-enterprise-ml-platform/governance-and-control.html",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            if st.is_deny and not st.condition_unresolved:
                yield from self._inverted(st)
        if doc.role not in GRANTING_ROLES:
            return
        closed = _denied_when_absent(doc)
        for st in doc.allow_statements():
            if not st.condition or st.condition_unresolved:
                continue
            required = required_keys(st)
            if required and not any(carries(a, required) for a in granted_sagemaker(st).values()):
                continue  # it requires a key none of its actions carries: it grants nothing (SM204 says so)
            present = {c.key.value.lower() for c in st.condition
                       if isinstance(c.key.value, str) and c.operator.lower() == "null"
                       and {str(v.value).lower() for v in c.values} == {"false"}}
            for c in st.condition:
                key = c.key.value
                if not isinstance(key, str) or key.lower() not in kb.GUARDRAIL_KEYS:
                    continue
                low = key.lower()
                if low in present or _closed_by_deny(st, low, closed):
                    continue
                op = iam.operator(c.operator)
                if op is None or op.base == "Null":
                    continue
                if op.qualifier == "ForAllValues":
                    why = "ForAllValues: is true when the request carries no value"
                elif op.if_exists:
                    why = "...IfExists is true when the key is absent"
                elif op.negated and op.qualifier != "ForAnyValue":
                    why = "a negated operator is true when the key is absent"
                else:
                    continue
                yield self.finding(c.key, f'{c.operator} on "{key}" fails open: {why}, so a request that leaves '
                                          f'the setting out passes; add "Null": {{"{key}": "false"}} to the '
                                          f'statement (or deny when it is "true")', path=c.key.path)


    def refuted_by_principal(self, finding, principal) -> bool:
        """An open guardrail of an Allow is closed for the principal when a Deny of another of its
        policies, or of its permissions boundary, refuses the actions when the key is absent."""
        doc = finding.extra["_refute"][1]
        sp = finding.span
        st = next((s for s in doc.statements if s.is_allow and s.span is not None
                   and (s.span.line, s.span.col) <= (sp.line, sp.col)
                   and (sp.end_line, sp.end_col) <= (s.span.end_line, s.span.end_col)), None)
        key = str(finding.value).lower()
        if st is None or key not in kb.GUARDRAIL_KEYS:
            return False
        closed: dict = {}
        for other in principal.documents + principal.boundaries:
            for k, denied in _denied_when_absent(other).items():
                if denied is _EVERY or closed.get(k, ()) is _EVERY:
                    closed[k] = _EVERY
                else:
                    closed[k] = closed.get(k, set()) | denied
        return _closed_by_deny(st, key, closed)

    def _inverted(self, st):
        """A Deny guardrail on a key with one risky setting that refuses everything but that setting
        (``StringNotEquals {"sagemaker:RootAccess": "Enabled"}``), or only the safe ones
        (``StringEquals {"sagemaker:RootAccess": "Disabled"}``): it blocks the safe choice and lets the
        risky one through."""
        for c in st.condition:
            key = c.key.value
            risky = _RISKY.get(key.lower()) if isinstance(key, str) else None
            if risky is None or not c.values or any(not isinstance(v.value, (str, bool)) for v in c.values):
                continue
            vals = {str(v.value).lower() for v in c.values}
            op = iam.operator(c.operator)
            if op is None or op.qualifier or op.base == "Null":
                continue
            if op.negated and vals == {risky.lower()}:
                what = f'everything but "{risky}"'
            elif not op.negated and risky.lower() not in vals and op.base in ("StringEquals", "StringEqualsIgnoreCase",
                                                                              "Bool"):
                what = "only " + ", ".join(f'"{v.value}"' for v in c.values)
            else:
                continue
            yield self.finding(c.key, f'this Deny refuses {what} for "{key}": it blocks the safe setting and lets '
                                      f'"{risky}" through; deny when the key is "{risky}" (a positive test) and when '
                                      f'it is absent ("Null": true)', path=c.key.path)


#: Guardrail keys with one risky setting, lowercase key -> that value (lowercase): what a Deny should
#: refuse (a notebook with root access, a notebook or domain on the internet, a container without
#: isolation or encryption between its instances, IMDSv1).
_RISKY = {"sagemaker:rootaccess": "Enabled", "sagemaker:directinternetaccess": "Enabled",
          "sagemaker:networkisolation": "false", "sagemaker:intercontainertrafficencryption": "false",
          "sagemaker:appnetworkaccesstype": "PublicInternetOnly",
          "sagemaker:minimuminstancemetadataserviceversion": "1"}


#: A Deny whose actions cannot be read: it may deny any of them.
_EVERY = None


def _denied_when_absent(doc) -> dict:
    """Lowercase key -> lowercase names of the SageMaker actions a Deny statement of the document
    denies when the key is absent (``Null`` "true"), or :data:`_EVERY` when a Deny's actions
    cannot be read."""
    out: dict = {}
    for st in doc.statements:
        if not st.is_deny:
            continue
        for c in st.condition:
            if (isinstance(c.key.value, str) and c.operator.lower() == "null"
                    and {str(v.value).lower() for v in c.values} == {"true"}):
                low = c.key.value.lower()
                if low in out and out[low] is _EVERY:
                    continue
                readable = (st.action is not None and all(isinstance(v.value, str) for v in st.action.values)) or \
                    (st.not_action is not None and all(isinstance(v.value, str) for v in st.not_action.values))
                if not readable:
                    out[low] = _EVERY
                else:
                    out.setdefault(low, set()).update(granted_sagemaker(st))
    return out


def _closed_by_deny(st, key: str, closed: dict) -> bool:
    """Whether the document's Deny statements refuse, when ``key`` is absent, every action of the
    Allow statement ``st`` that carries the key (a Deny naming five job actions leaves a
    ``sagemaker:*`` grant open for the notebooks, models and domains that carry it too)."""
    if key not in closed:
        return False
    denied = closed[key]
    if denied is _EVERY:
        return True
    keys = frozenset((key,))
    return all(name in denied for name, a in granted_sagemaker(st).items() if carries(a, keys))


RULE = GuardrailFailsOpen()
