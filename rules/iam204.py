"""IAM204 invalid-principal."""
from linter.rule import Rule

from ._common import LazyRe, AA_REFERENCE, fill_in, has_template_placeholder, split_arn, without_fill_ins

_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")
_ACCOUNT = LazyRe(r"^\d{12}$")
_UNIQUE_ID = LazyRe(r"^A(?:ROA|IDA)[A-Z0-9]{12,}$")  # AROA..., AIDA...: a role or user id
_PLACEHOLDER = LazyRe(r"\$\{[^{}$]*\}")
_KEY_ID = LazyRe(r"^A(?:KIA|SIA|BIA|CCA)[A-Z0-9]{12,}$")  # an access key id: no principal at all
_SERVICE = LazyRe(r"^[a-z0-9][a-z0-9.-]*\.(?:amazonaws\.com(?:\.cn)?|amazon\.com|amazonaws\.com\.cn)$")
_WEB_IDPS = ("cognito-identity.amazonaws.com", "accounts.google.com", "graph.facebook.com", "www.amazon.com")
_CANONICAL = LazyRe(r"^[0-9a-f]{64}$")


def _wild(s: str) -> bool:
    return "*" in s or "?" in s


class InvalidPrincipal(Rule):
    code = "IAM204"
    name = "invalid-principal"
    severity = "error"
    roles = ("trust", "resource", "endpoint")
    statements = "Allow and Deny statements that name principals."
    summary = ("A principal IAM refuses: an unknown principal type (`Services`, `aws`), a wildcard inside a "
               "principal value (`arn:aws:iam::123456789012:role/*`), an `AWS` value that is neither an account "
               "id nor an IAM ARN, a `Service` value that is no service principal (`sagemaker`, "
               "`sagemaker.amazon.com`), a `Federated` value that is neither a provider ARN nor a built-in web "
               "identity provider, or a `Federated` principal in a resource policy.")
    rationale = (
        "IAM validates principals when a trust or resource policy is saved and refuses the whole policy "
        "(\"Invalid principal in policy\") when one is malformed, so the deployment fails; a `Deny` naming a "
        "malformed principal protects nothing meanwhile. The common slips: `Services` or `aws` for `Service` "
        "and `AWS` (principal types are case-sensitive); `role/*` to trust every role of an account (write the "
        "account, `arn:aws:iam::123456789012:root`, and narrow with `aws:PrincipalArn` `ArnLike`); `sagemaker` "
        "for `sagemaker.amazonaws.com`; an OIDC provider written as its URL (`https://token.actions...`) "
        "instead of its ARN. A bare `\"*\"` principal is IAM302's. Values with a template placeholder are not "
        "judged, but for a wildcard written beside one (`!Sub arn:${AWS::Partition}:iam::*:role/x`), and "
        "neither is a whole value written to be replaced (`<ROLE_ARN>`, `{role_arn}`, `<arn:aws:iam::...>`). An "
        "account of digits but not twelve (`arn:aws:iam::123456789:root`, CDK's `AccountPrincipal('123456789')`) "
        "is an error: no account has that id. IAM Access Analyzer reports the same as **Error – Invalid principal key**, **Error – "
        "Unsupported wildcard in principal**, **Error – Invalid federated principal syntax in role trust "
        "policy**, **Error – Federated principal not supported** and **General Warning – Invalid role/user "
        "reference** (a role or user unique id, `AROA...`/`AIDA...`, instead of an ARN, reported as a note). An "
        "access key id (`AKIA...`) or another IAM id (`ANPA...`) names no principal: an error."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Services": "sagemaker"},
    "Action": "sts:AssumeRole"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Service": "sagemaker.amazonaws.com"},
    "Action": "sts:AssumeRole"
  }]
}"""
    tags = ("security", "trust")
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-invalid-principal-key",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-unsupported-wildcard-in-principal",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            for pr in (st.principal, st.not_principal):
                if pr is None:
                    continue
                for e in pr.entries:
                    if e.kind in ("*", "?"):
                        continue
                    if e.kind not in _KEYS:
                        close = next((k for k in _KEYS if k.lower() == e.kind.lower().rstrip("s")), None)
                        hint = f'; did you mean "{close}"?' if close else ""
                        yield self.finding(e.key_span, f'"{e.kind}" is not a principal type (AWS, Service, Federated, '
                                                       f'CanonicalUser; case-sensitive): IAM rejects the policy{hint}',
                                           value=e.kind, path=pr.path + (e.kind,))
                        continue
                    for v in e.values:
                        if isinstance(v.value, str) and e.kind == "AWS" and has_template_placeholder(v.value) \
                                and "{{" not in v.value and _wild(_PLACEHOLDER.sub("", v.value)):
                            # !Sub "arn:${AWS::Partition}:iam::*:role/x": the wildcard is written, not filled in
                            yield self.finding(v, f'"{v.value}": a principal cannot hold a wildcard (IAM rejects the '
                                                  f'policy); name the account and narrow with an aws:PrincipalArn '
                                                  f'ArnLike condition', severity="error")
                            continue
                        if isinstance(v.value, str) and e.kind == "AWS" and has_template_placeholder(v.value):
                            bad = _account_digits(v.value)  # arn:${AWS::Partition}:iam::123456789:root
                            if bad:
                                yield self.finding(v, bad, severity="error")
                                continue
                        if not isinstance(v.value, str) or has_template_placeholder(v.value) or "{{" in v.value \
                                or fill_in(v.value):
                            continue  # a template, or a whole value written to be replaced (<ROLE_ARN>)
                        msg = _problem(e.kind, v.value, doc.role)
                        if msg:
                            text, sev = msg
                            yield self.finding(v, text, severity=sev)


def _account_digits(value: str) -> str:
    """The message for an IAM principal ARN whose account is digits, but not twelve of them
    (``arn:aws:iam::123456789:root``: IAM rejects the policy); "" otherwise."""
    parts = split_arn(value)
    if len(parts) != 6 or parts[2] not in ("iam", "sts"):
        return ""
    account = parts[4]
    if not account.isdigit() or len(account) == 12:
        return ""
    return (f'"{value}": the account "{account}" has {len(account)} digits, not 12: no account has that id, '
            f'and IAM rejects the policy')


def _problem(kind: str, value: str, role: str):
    if kind == "AWS":
        if value == "*":
            return None  # IAM302
        if _wild(value):
            return (f'"{value}": a principal cannot hold a wildcard (IAM rejects the policy); name the account '
                    f'(arn:aws:iam::123456789012:root) and narrow with an aws:PrincipalArn ArnLike condition', "error")
        if _ACCOUNT.match(value):
            return None
        if value.startswith("arn:"):
            parts = split_arn(value)
            bad = _account_digits(value)
            if bad:
                return bad, "error"
            if len(parts) == 6 and parts[2] in ("iam", "sts") and parts[3] == "":
                return None
            return (f'"{value}" is not an IAM principal ARN (arn:aws:iam::<account>:root, :role/..., :user/..., '
                    f'or arn:aws:sts::<account>:assumed-role/...)', "error")
        if _UNIQUE_ID.match(value):
            return (f'"{value}" is a unique id: IAM keeps it only while that role or user exists; write the ARN',
                    "note")
        if _KEY_ID.match(value):
            return (f'"{value}" is an access key id, not a principal: IAM rejects the policy; name the user or role '
                    f'by its ARN', "error")
        return (f'"{value}" is neither a 12-digit account id nor an IAM ARN: IAM rejects the policy', "error")
    if kind == "Service":
        if _wild(value) and value != "*":
            return f'"{value}": a service principal cannot hold a wildcard (IAM rejects the policy)', "error"
        if value.endswith(".amazon.com") and not value.startswith("alexa"):
            # sagemaker.amazon.com: the shape of a service principal, but AWS services sign as
            # <service>.amazonaws.com (only Alexa's end in amazon.com)
            from linter import iam

            name = value[:-len(".amazon.com")]
            if iam.service_known(name):
                return (f'"{value}" is not a service principal: AWS services are <service>.amazonaws.com '
                        f'("{name}.amazonaws.com"); IAM rejects the policy', "error")
        if value == "*" or _SERVICE.match(value):
            return None
        return (f'"{value}" is not a service principal (such as sagemaker.amazonaws.com): IAM rejects the policy',
                "error")
    if kind == "Federated":
        if role == "resource":
            return (f'"{value}": a Federated principal belongs in a role trust policy; a resource policy cannot '
                    f'name an identity provider', "error")
        if _wild(value):
            return f'"{value}": a principal cannot hold a wildcard (IAM rejects the policy)', "error"
        if value in _WEB_IDPS:
            return None
        if value.startswith("arn:"):
            parts = split_arn(value)
            if len(parts) == 6 and parts[2] == "iam" and parts[3] == "":
                res = parts[5]
                if res.startswith("saml-provider/") and len(res) > 14:
                    return None
                if res.startswith("oidc-provider/") and len(res) > 14:
                    name = res[14:]
                    if "://" in name:
                        return (f'"{value}": an OIDC provider ARN names the provider without its scheme '
                                f'(oidc-provider/{name.split("://", 1)[-1]})', "error")
                    if " " in without_fill_ins(name):
                        return f'"{value}": an OIDC provider ARN names a host, which holds no space', "error"
                    return None
            return (f'"{value}" is not an identity provider ARN (arn:aws:iam::<account>:oidc-provider/<host> or '
                    f':saml-provider/<name>)', "error")
        return (f'"{value}" is neither an identity provider ARN nor a built-in web identity provider '
                f'({", ".join(_WEB_IDPS)}): IAM rejects the policy', "error")
    if kind == "CanonicalUser":
        if _CANONICAL.match(value):
            return None
        return f'"{value}" is not a canonical user id (64 hexadecimal characters)', "error"
    return None


RULE = InvalidPrincipal()
