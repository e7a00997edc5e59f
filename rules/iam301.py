"""IAM301 passrole-unscoped."""
import re

from linter import kb
from linter.analysis import action_values
from linter.model import GRANTING_ROLES
from linter.rule import Rule


class PassRoleUnscoped(Rule):
    code = "IAM301"
    name = "passrole-unscoped"
    severity = "error"
    roles = GRANTING_ROLES
    statements = "Allow statements."
    summary = ('`iam:PassRole` is granted (directly, or through `iam:*`, `iam:Pass*` or `*`) on `"*"` or on '
               'a role ARN wildcard such as `arn:aws:iam::*:role/*`.')
    rationale = (
        "SageMaker jobs, notebooks, endpoints and pipelines run with a role that the caller passes. "
        "A principal that may pass any role can start a training or processing job with the most "
        "privileged role in the account and run its own code with that role's credentials: a classic "
        "privilege escalation. Scope `Resource` to the execution roles meant for SageMaker. An "
        "`iam:PassedToService` condition limits which service receives the role but not which role is "
        "passed, so it lowers the severity to warning without removing the finding. Only an allow-list of "
        "service principals (`StringEquals` or `StringLike` `sagemaker.amazonaws.com`) counts: a negated "
        "operator (every service but a few), `Null`, `...IfExists`, a value of only `*` or a malformed "
        "value (`sagemaker`) limits nothing, and the finding stays an error."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "iam:PassRole",
    "Resource": "*"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "iam:PassRole",
    "Resource": "arn:aws:iam::123456789012:role/sagemaker-execution-team-a",
    "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}
  }]
}"""
    references = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-pass-role",
    )

    def check(self, doc, ctx):
        for st in doc.allow_statements():
            if st.resource is None:
                continue
            broad = [v for v in st.resource.values if isinstance(v.value, str) and kb.role_arn_unscoped(v.value)]
            if not broad:
                continue
            services, negated = _passed_to(st)
            limited = bool(services) and not negated  # "every service but X" limits little
            if services:
                to = ("to any service except " if negated else "to ") + ", ".join(services[:4]) + \
                     (" ..." if len(services) > 4 else "")
            else:
                to = "to any service, SageMaker jobs and notebooks included"
            for v in action_values(st):
                if not kb.passrole_actions_in(v.value):
                    continue
                via = "" if v.value.lower() == "iam:passrole" else f' (through "{v.value}")'
                sev = "warning" if limited else "error"
                cond = ("; iam:PassedToService limits the receiving service, not the role" if limited else "")
                yield self.finding(v, f'iam:PassRole{via} is granted on "{broad[0].value}": any role can be passed '
                                      f'{to}; scope Resource to the roles meant to be passed{cond}',
                                   severity=sev)


_SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9*?][a-z0-9.*?-]*\.amazonaws\.com(?:\.cn)?$")


def _passed_to(st) -> tuple:
    """The services an ``iam:PassedToService`` condition limits passing to (values in order),
    and whether the operator is negated (``StringNotEquals``: every service but those).

    Only a string test on service principals limits anything: ``Null``, a value of only
    wildcards, ``...IfExists`` or a value that is no service principal (``sagemaker`` for
    ``sagemaker.amazonaws.com``) limits nothing, and the finding stays an error."""
    out: list = []
    negated = False
    for c in st.condition:
        if not (isinstance(c.key.value, str) and c.key.value.lower() == "iam:passedtoservice"):
            continue
        op = c.base_operator
        if not op.startswith("String") or c.operator.endswith("IfExists"):
            continue
        vals = [v.value for v in c.values if isinstance(v.value, str)]
        if not vals or len(vals) != len(c.values) or any(v.strip("*?") == "" or not _SERVICE_PRINCIPAL.match(v)
                                                         for v in vals):
            continue
        negated = negated or "Not" in op
        out.extend(v for v in vals if v not in out)
    return out, negated

RULE = PassRoleUnscoped()
