"""IAM301 passrole-unscoped."""
from ._common import LazyRe

from linter import kb
from linter.analysis import action_values, blanket_denies, denied_by
from linter.model import GRANTING_ROLES
from linter.rule import Rule


class PassRoleUnscoped(Rule):
    code = "IAM301"
    name = "passrole-unscoped"
    severity = "error"
    roles = GRANTING_ROLES
    statements = "Allow statements."
    summary = ('`iam:PassRole` is granted (directly, or through `iam:*`, `iam:Pass*`, `*` or a `NotAction` that '
               'does not exclude it) on `"*"`, on a role ARN wildcard such as `arn:aws:iam::*:role/*`, or with '
               '`NotResource` (every role but the listed ones).')
    rationale = (
        "SageMaker jobs, notebooks, endpoints and pipelines run with a role that the caller passes. "
        "A principal that may pass any role can start a training or processing job with the most "
        "privileged role in the account and run its own code with that role's credentials: a classic "
        "privilege escalation. Scope `Resource` to the execution roles meant for SageMaker. An "
        "`iam:PassedToService` condition limits which service receives the role but not which role is "
        "passed, so it lowers the severity to warning without removing the finding. Only an allow-list of "
        "service principals (`StringEquals` or `StringLike` `sagemaker.amazonaws.com`) counts: a negated "
        "operator (every service but a few), `Null`, `...IfExists`, a value of only `*` or a malformed "
        "value (`sagemaker`) limits nothing, and the finding stays an error (IAM107 reports the malformed "
        "value). `NotResource` with PassRole passes every role but the listed ones, and an `Allow` with "
        "`NotAction` grants PassRole unless the list excludes it. IAM Access Analyzer reports the same as "
        "**Security Warning – Pass role with star in resource**, **... with star in action and resource**, "
        "**... with NotResource**, **... with star in action and NotResource**, **... with NotAction and "
        "NotResource** and **... with star in resource and NotAction**."
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
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-security-warning-pass-role-with-notresource",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-pass-role",
    )

    def check(self, doc, ctx):
        if denied_by(blanket_denies(doc), "iam:PassRole"):
            return  # the document refuses PassRole whatever the request
        for st in doc.allow_statements():
            services, negated = _passed_to(st)
            limited = bool(services) and not negated  # "every service but X" limits little
            if services:
                to = ("to any service except " if negated else "to ") + ", ".join(services[:4]) + \
                     (" ..." if len(services) > 4 else "")
            else:
                to = "to any service, SageMaker jobs and notebooks included"
            sev = "warning" if limited else "error"
            cond = ("; iam:PassedToService limits the receiving service, not the role" if limited else "")
            where = _where(st)
            if where is None:
                continue
            if st.action is not None:
                for v in action_values(st):
                    if not kb.passrole_actions_in(v.value):
                        continue
                    via = "" if v.value.lower() == "iam:passrole" else f' (through "{v.value}")'
                    yield self.finding(v, f'iam:PassRole{via} is granted {where}: any role can be passed '
                                          f'{to}; scope Resource to the roles meant to be passed{cond}',
                                       severity=sev)
            elif st.not_action is not None and _notaction_grants_passrole(st):
                yield self.finding(st.not_action.key_span,
                                   f'NotAction does not exclude iam:PassRole, so it is granted {where}: any role can be '
                                   f'passed {to}; list the actions instead, or add iam:PassRole to NotAction{cond}',
                                   severity=sev, path=st.not_action.path, value="NotAction")


def _where(st):
    """How the statement's resources reach every role: 'on "*"' (or a role ARN wildcard), 'with
    NotResource' (every role but the listed ones), or None when they are scoped."""
    if st.resource is not None:
        broad = [v for v in st.resource.values if isinstance(v.value, str) and kb.role_arn_unscoped(v.value)]
        return f'on "{broad[0].value}"' if broad else None
    if st.not_resource is not None:
        vals = st.not_resource.values
        if not vals or any(not isinstance(v.value, str) for v in vals):
            return None  # an expression may exclude every role
        if any(kb.role_arn_unscoped(v.value) for v in vals):
            return None  # every role excluded: PassRole applies to no role
        return "with NotResource (every role but the ones listed)"
    return None


def _notaction_grants_passrole(st) -> bool:
    """Whether an Allow with NotAction leaves iam:PassRole granted (no value excludes it)."""
    vals = st.not_action.values
    if any(not isinstance(v.value, str) for v in vals):
        return False  # an expression may exclude it
    return not any(kb.pattern_matches(v.value, "iam:PassRole") for v in vals)


_SERVICE_PRINCIPAL = LazyRe(r"^[a-z0-9*?][a-z0-9.*?-]*\.(?:amazonaws\.com(?:\.cn)?|\$\{AWS::URLSuffix\})$")


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
