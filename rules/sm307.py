"""SM307 model-supply-chain."""
from linter import kb
from linter.principals import conditions_within, covers_every, effective, service_wide
from linter.rule import Rule

APPROVAL_KEY = "sagemaker:modelapprovalstatus"
_NEGATED = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike")


def _approval_guarded(st) -> bool:
    """Whether a condition on ``sagemaker:ModelApprovalStatus`` refuses a request that sets
    ``Approved``: a positive test none of whose values matches it, a negated test one of whose values
    does, or ``Null: true``. A value the linter cannot read is taken to guard it."""
    for c in st.condition:
        if not (isinstance(c.key.value, str) and c.key.value.lower() == APPROVAL_KEY):
            continue
        vals = [v.value for v in c.values]
        if any(not isinstance(v, str) for v in vals):
            return True
        op = c.base_operator
        matches = any(kb.pattern_matches(v, "Approved") if "Like" in op else v.lower() == "approved"
                      for v in vals)
        if op == "Null":
            if any(v.lower() == "true" for v in vals):
                return True
            continue
        if op in _NEGATED:
            if matches:
                return True
            continue
        if op.startswith("String") and not matches:
            return True
    return False


class ModelSupplyChain(Rule):
    code = "SM307"
    name = "model-supply-chain"
    severity = "note"
    scope = "principal"
    statements = ("Allow statements granting `CreateModelPackage`, `UpdateModelPackage`, "
                  "`PutModelPackageGroupPolicy`, `CreateEndpointConfig` and `UpdateEndpoint` by name in any of the "
                  "principal's policies; grants through a wildcard, which SM101 and SM102 report, are only used to "
                  "complete a path.")
    summary = ("A principal may approve model packages with no `sagemaker:ModelApprovalStatus` condition, share "
               "a model package group with other accounts (`PutModelPackageGroupPolicy`), or point every "
               "endpoint at a new configuration (`CreateEndpointConfig` + `UpdateEndpoint` on all endpoints).")
    rationale = (
        "The model registry is a deployment gate: a package marked `Approved` is what CI/CD deploys. "
        "`CreateModelPackage` or `UpdateModelPackage` without a `sagemaker:ModelApprovalStatus` condition lets "
        "the holder register or approve its own model, skipping review; the condition key exists for these two "
        "actions (Service Authorization Reference). A condition closes it only when a request setting `Approved` "
        "fails it: `StringEquals` to `PendingManualApproval` does; `StringEquals` to `Approved`, "
        "`StringNotEquals` to `Rejected`, `StringLike` to `*` or `Null` to `false` do not. "
        "`PutModelPackageGroupPolicy` writes the group's resource "
        "policy, which can let another account pull or register models. `CreateEndpointConfig` with "
        "`UpdateEndpoint` on every endpoint swaps a production endpoint to a configuration whose data capture "
        "or asynchronous output goes to a bucket of the holder's choosing, a quiet copy of every request and "
        "response (HackTricks' SageMaker post-exploitation and persistence pages). These are reported as notes: "
        "a pipeline role may need them; scope them and say so with a suppression."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"],
     "Resource": "arn:aws:sagemaker:us-east-1:123456789012:model-package/*"}
  ]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"],
     "Resource": "arn:aws:sagemaker:us-east-1:123456789012:model-package/*",
     "Condition": {"StringEquals": {"sagemaker:ModelApprovalStatus": "PendingManualApproval"}}}
  ]
}"""
    references = (
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-approve.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.html",
        "https://cloud.hacktricks.wiki/en/pentesting-cloud/aws-security/aws-post-exploitation/"
        "aws-sagemaker-post-exploitation/index.html",
    )

    def check(self, principal, ctx):
        seen = set()
        for f in self._check(principal):
            key = (f.file, f.span)
            if key not in seen:  # one note per statement entry (sagemaker:*Model* grants three)
                seen.add(key)
                yield f

    def _check(self, principal):
        name = principal.name
        for action in ("CreateModelPackage", "UpdateModelPackage"):
            for g in effective(principal, "sagemaker:" + action):
                if service_wide(g) or _approval_guarded(g.statement):
                    continue
                if not conditions_within(g.statement, prefixes=("sagemaker:", "aws:requesttag/", "aws:tagkeys"),
                                     request_side=True):
                    continue
                how = ("with a sagemaker:ModelApprovalStatus condition that lets it set Approved"
                       if g.statement.has_condition_key(APPROVAL_KEY) else
                       "with no sagemaker:ModelApprovalStatus condition")
                yield self.principal_finding(
                    principal, g, f"{name} may {action} {how}: it can "
                                  f"register or approve its own model for deployment; limit the status it may set "
                                  f"(PendingManualApproval)", value=action)
                break
        for g in effective(principal, "sagemaker:PutModelPackageGroupPolicy"):
            if service_wide(g) or not conditions_within(g.statement):
                continue
            yield self.principal_finding(
                principal, g, f"{name} may write model package group policies (PutModelPackageGroupPolicy): it can "
                              f"share models with other accounts; keep it to the registry's administrators",
                value="PutModelPackageGroupPolicy")
            break
        configs = [g for g in effective(principal, "sagemaker:CreateEndpointConfig")
                   if conditions_within(g.statement, prefixes=("sagemaker:", "aws:requesttag/", "aws:tagkeys"),
                                     request_side=True)]
        if not configs:
            return
        for g in effective(principal, "sagemaker:UpdateEndpoint"):
            if (service_wide(g) and service_wide(configs[0])) or not conditions_within(g.statement):
                continue
            every = covers_every(g.resources, "endpoint", 1)
            if every:
                yield self.principal_finding(
                    principal, g, f'{name} may create endpoint configurations and switch every endpoint to one '
                                  f'(UpdateEndpoint on "{every}"): data capture or async output can be sent to a '
                                  f"bucket of its choosing; scope UpdateEndpoint to the endpoints it deploys",
                    related=[(configs[0], "CreateEndpointConfig granted here")], value="UpdateEndpoint")
                break


RULE = ModelSupplyChain()
