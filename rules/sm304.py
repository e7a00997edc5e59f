"""SM304 guardrail-condition-missing."""
from linter import kb
from linter.principals import effective
from linter.rule import Rule

#: Older key names AWS's examples still use, and the names the action table attaches to actions.
ALIASES = {"sagemaker:volumekmskey": "sagemaker:volumekmskeyarn", "sagemaker:outputkmskey": "sagemaker:outputkmskeyarn"}


class GuardrailConditionMissing(Rule):
    code = "SM304"
    name = "guardrail-condition-missing"
    severity = "warning"
    scope = "principal"
    requires = ("option:keys",)
    statements = ("Allow statements granting a SageMaker action that supports a configured guardrail key; Deny "
                  "statements of the same principal that test the key.")
    summary = ("Opt-in: a SageMaker create action is allowed without the guardrail condition keys the team "
               "configured (`sagemaker:VpcSubnets`, `RootAccess`, `DirectInternetAccess`, `NetworkIsolation`, "
               "`VolumeKmsKeyArn`, `InstanceTypes`...), neither in the Allow statement nor in a Deny of the same "
               "principal.")
    rationale = (
        "AWS documents request condition keys that make SageMaker create jobs, notebooks and domains only in the "
        "team's VPC subnets, without internet or root access, with network isolation, inter-container "
        "encryption, customer KMS keys and approved instance types (SageMaker Developer Guide, identity-based "
        "policy examples; whitepaper \"Build a Secure Enterprise ML Platform on AWS\", Governance and control). "
        "Which of them a team enforces is its own choice (Canvas, for one, sends `CreateProcessingJob` without "
        "inter-container encryption), so this rule does nothing until configured:\n\n"
        "```toml\n[tool.lint-policies.rules.SM304]\nkeys = [\"sagemaker:VpcSubnets\", \"sagemaker:RootAccess\"]\n```\n\n"
        "Each key applies to the actions the Service Authorization Reference lists for it. A grant is satisfied "
        "by a condition on the key in its own statement (SM305 judges whether that condition fails open), or by "
        "a Deny statement of the same principal that denies the action when the key is absent (`Null` "
        "`\"true\"`) or has another value (a negated operator, which is true when the key is absent). "
        "`VolumeKmsKey` and `OutputKmsKey`, the older names AWS's examples use, count for `VolumeKmsKeyArn` and "
        "`OutputKmsKeyArn`. Grants through a service-wide wildcard are reported once per statement, at the "
        "wildcard."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/team-a-*"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:CreateTrainingJob",
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/team-a-*",
    "Condition": {
      "ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-0a1b2c3d"]},
      "Null": {"sagemaker:VpcSubnets": "false"}
    }
  }]
}"""
    fix_note = "Both read with `keys = [\"sagemaker:VpcSubnets\"]`."
    example_options = {"keys": ["sagemaker:VpcSubnets"]}
    options = {"keys": "the guardrail condition keys to require (`[\"sagemaker:VpcSubnets\", \"sagemaker:RootAccess\"]`); "
                       "empty (the default): the rule reports nothing."}
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/dg/security_iam_id-based-policy-examples.html",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html",
        "https://docs.aws.amazon.com/whitepapers/latest/build-secure-enterprise-ml-platform/governance-and-control.html",
    )

    def check(self, principal, ctx):
        keys = [k for k in (ctx.option("keys") or []) if isinstance(k, str)]
        if not keys:
            return
        wanted: dict = {}  # action (lowercase) -> [configured keys it supports]
        for key in keys:
            low = ALIASES.get(key.lower(), key.lower())
            for action in kb.actions_supporting_condition_key(low):
                wanted.setdefault(action, []).append(key)
        missing_at: dict = {}  # (file, span) -> (grant, [(action, [keys])])
        actions = kb.sagemaker_actions()
        for low in sorted(wanted):
            a = actions.get(low)
            if a is None:
                continue
            for g in effective(principal, "sagemaker:" + a.name):
                missing = [k for k in wanted[low] if not _tested(g.statement, k) and not _denied(principal, a.name, k)]
                if missing:
                    entry = missing_at.setdefault((g.file, g.span), (g, []))
                    entry[1].append((a.name, missing))
        for g, items in missing_at.values():
            names = ", ".join(f"sagemaker:{n}" for n, _ in items[:4]) + (f" and {len(items) - 4} more"
                                                                        if len(items) > 4 else "")
            keys_missing = sorted({k for _, ks in items for k in ks})
            yield self.principal_finding(
                principal, g, f"{names} allowed without the guardrail condition{'s' if len(keys_missing) > 1 else ''} "
                              f"{', '.join(keys_missing)}: add the condition to the statement, or deny the action "
                              f"when the key is absent", value=",".join(keys_missing))


def _names(key: str) -> set:
    low = key.lower()
    out = {low, ALIASES.get(low, low)}
    out.update(k for k, v in ALIASES.items() if v == low)
    return out


def _tested(st, key: str) -> bool:
    names = _names(key)
    return any(isinstance(c.key.value, str) and c.key.value.lower() in names for c in st.condition)


def _denied(principal, action: str, key: str) -> bool:
    """Whether a Deny of the principal denies ``action`` when ``key`` is absent."""
    from linter.principals import _grants

    names = _names(key)
    for doc in principal.documents + principal.boundaries:
        for st in doc.statements:
            if not st.is_deny or _grants(st, "sagemaker:" + action) is None:
                continue
            for c in st.condition:
                if not (isinstance(c.key.value, str) and c.key.value.lower() in names):
                    continue
                op = c.operator.lower()
                vals = {str(v.value).lower() for v in c.values}
                if (op == "null" and vals == {"true"}) or ("not" in op.split(":")[-1] and "foranyvalue" not in op):
                    return True
    return False


RULE = GuardrailConditionMissing()
