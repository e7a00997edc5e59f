"""IAM303 federated-trust-unconditioned."""
from __future__ import annotations

from ._common import LazyRe, fill_in

from linter import kb
from linter.rule import Rule

GITHUB = "token.actions.githubusercontent.com"
COGNITO = "cognito-identity.amazonaws.com"

_FEDERATED_ACTIONS = ("sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML")
#: Operators that require a match (after any ForAnyValue:/ForAllValues: qualifier). Negated
#: operators and ...IfExists (which passes when the key is absent) do not count.
_POSITIVE = ("StringEquals", "StringEqualsIgnoreCase", "StringLike")
_SEG = r"(?:\$\{[^}]*\}|[^:]*)"  # an ARN segment: text or a ${...} placeholder
_OIDC = LazyRe(rf"(?i)^arn:{_SEG}:iam::{_SEG}:oidc-provider/(.+)$")
_SAML = LazyRe(rf"(?i)^arn:{_SEG}:iam::{_SEG}:saml-provider/(.+)$")


def provider_of(value) -> tuple[str, str]:
    """``(kind, provider)`` of a Federated principal value.

    kind is ``oidc`` (provider = host/path, e.g. ``token.actions.githubusercontent.com``),
    ``saml`` (provider = the provider name), ``web`` (``cognito-identity.amazonaws.com``,
    ``accounts.google.com``...) or ``unknown`` (a value not known statically).
    """
    if not isinstance(value, str):
        return "unknown", ""
    m = _OIDC.match(value)
    if m:
        return "oidc", m.group(1).lower()
    m = _SAML.match(value)
    if m:
        return "saml", m.group(1)
    if value.startswith("arn:") or "${" in value or fill_in(value):
        return "unknown", ""  # <OIDC_PROVIDER_ARN>: written to be replaced, a provider not known here
    return "web", value.lower()


def _wild_sub(value) -> bool:
    """A GitHub ``sub`` pattern that does not pin an owner: ``*``, ``repo:*``, ``repo:*/x:*``, and
    an owner name with a wildcard (``repo:my-org*``, which ``my-org-attacker`` also matches)."""
    if not isinstance(value, str):
        return False
    v = value
    if v.lower().startswith("repo:"):
        v = v[5:]
    owner = v.split("/", 1)[0].split(":", 1)[0]
    return v == "" or v[0] in "*?" or "*" in owner or "?" in owner


#: GitLab.com's OIDC provider: a job sets its token's audience itself (``id_tokens: aud:``), so only a
#: ``sub`` condition says which projects may assume the role.
GITLAB = "gitlab.com"
_CLAIM_LABEL = LazyRe(r"[A-Za-z_]{1,40}:")


def _open_sub(value) -> bool:
    """A ``sub`` pattern of a CI provider that pins no owner: ``project_path:*`` (GitLab), ``repo:*``,
    ``organization:*`` (Terraform Cloud), or a first path segment with a wildcard
    (``project_path:my-group*/x:*``)."""
    if not isinstance(value, str):
        return False
    m = _CLAIM_LABEL.match(value)
    if m is None:
        return False
    rest = value[m.end():]
    owner = rest.split("/", 1)[0].split(":", 1)[0]
    return rest == "" or rest[0] in "*?" or "*" in owner or "?" in owner


def _only_wildcards(value) -> bool:
    return isinstance(value, str) and value.strip("*?") == ""


class _Clauses:
    """The positive string conditions of a statement, by lowercase key."""

    def __init__(self, st) -> None:
        self.by_key: dict[str, list] = {}
        for c in st.condition:
            if not isinstance(c.key.value, str):
                continue
            if c.operator.split(":", 1)[-1] not in _POSITIVE:
                continue
            self.by_key.setdefault(c.key.value.lower(), []).append(c)

    def has(self, key: str) -> bool:
        return key.lower() in self.by_key

    def values(self, key: str) -> list:
        return [v for c in self.by_key.get(key.lower(), ()) for v in c.values]

    def any_suffix(self, *suffixes: str) -> bool:
        return any(k.endswith(suffixes) for k in self.by_key)

    def keys_with_prefix(self, prefix: str) -> list[str]:
        p = prefix.lower()
        return [k for k in self.by_key if k.startswith(p)]


class FederatedTrustUnconditioned(Rule):
    code = "IAM303"
    name = "federated-trust-unconditioned"
    severity = "error"
    roles = ("trust",)
    statements = "Allow statements with a Federated principal."
    summary = ("A trust policy allows `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML` to a "
               "`Federated` principal without the conditions that make it safe: for GitHub Actions "
               "(`token.actions.githubusercontent.com`) both a `sub` and an `aud` condition, for Amazon "
               "Cognito the `cognito-identity.amazonaws.com:aud` condition, for SAML `SAML:aud`, for other "
               "OIDC providers an `aud` or `sub` condition.")
    rationale = (
        "The identity provider vouches for *someone*; the conditions say *who*. Without a `sub` "
        "condition, a role trusting GitHub's OIDC provider can be assumed by a workflow in any "
        "repository of any GitHub user, and a `sub` of `repo:*`, `*` or an owner with a wildcard "
        "(`repo:my-org*`, which `my-org-attacker` matches) does not help; the same holds for other CI "
        "providers' subjects (GitLab's `project_path:*`, Terraform Cloud's `organization:*`). GitLab.com needs "
        "a `sub` condition whatever its `aud`: a job sets its token's audience itself. A provider given by reference (a "
        "Terraform `aws_iam_openid_connect_provider`, a CDK `OpenIdConnectProvider`) is GitHub's when the "
        "statement tests `token.actions.githubusercontent.com:` keys. Without an `aud` "
        "condition, tokens minted for another application are accepted. A Cognito identity pool role "
        "without `cognito-identity.amazonaws.com:aud` trusts identities of every identity pool. For "
        "SageMaker this is how CI pipelines get permission to create models and update endpoints: an "
        "open trust hands that to strangers."
    )
    example = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"
            Action: sts:AssumeRoleWithWebIdentity
"""
    fix = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
              StringLike:
                token.actions.githubusercontent.com:sub: repo:my-org/ml-pipelines:ref:refs/heads/main
"""
    example_format = "yaml"
    references = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub",
        "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services",
        "https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html",
    )
    tags = ("security", "trust")

    def check(self, doc, ctx):
        for st in doc.allow_statements():
            if st.principal is None or st.condition_unresolved:
                continue
            federated = st.principal.values_of("Federated")
            if not federated:
                continue
            actions = self._federated_actions(st)
            if not actions:
                continue
            clauses = _Clauses(st)
            for entry in st.principal.entries:
                if entry.kind.lower() != "federated":
                    continue
                for v in entry.values:
                    problem = self._problem(v.value, actions, clauses)
                    if not problem:
                        continue
                    if v.resolved:
                        yield self.finding(v, problem)
                    else:  # an expression says nothing: point at the Federated principal itself
                        yield self.finding(entry.key_span, problem, path=v.path, value=v.text)

    @staticmethod
    def _federated_actions(st) -> set[str]:
        out: set[str] = set()
        if st.action is None:
            return out
        for v in st.action.values:
            if not isinstance(v.value, str):
                continue
            for a in _FEDERATED_ACTIONS:
                if kb.pattern_matches(v.value, a):
                    out.add(a)
        return out

    def _problem(self, value, actions: set[str], c: _Clauses):
        kind, provider = provider_of(value)
        shown = value if isinstance(value, str) else getattr(value, "text", str(value))
        if (kind == "oidc" and provider.split("/", 1)[0] == GITHUB) or (
                kind == "unknown" and c.keys_with_prefix(f"{GITHUB}:")):
            # GitHub's provider, by its ARN or, for a provider given by reference (a Terraform
            # resource, a CDK OpenIdConnectProvider), by the keys the statement tests
            missing = [k for k in ("sub", "aud") if not c.has(f"{GITHUB}:{k}")]
            wild = [v.value for v in c.values(f"{GITHUB}:sub") if _wild_sub(v.value)]
            if missing == ["aud"] and wild:
                return (f'GitHub OIDC trust ({shown}) has no {GITHUB}:aud condition and accepts {GITHUB}:sub '
                        f'"{wild[0]}", which matches workflows of any owner: any repository can assume this role; '
                        f"require {GITHUB}:aud = sts.amazonaws.com and a {GITHUB}:sub naming your repository")
            if missing:
                if len(missing) == 2:
                    what = f"neither a {GITHUB}:sub nor a {GITHUB}:aud condition"
                else:
                    what = f"no {GITHUB}:{missing[0]} condition"
                why = ("a workflow in any GitHub repository can assume this role" if "sub" in missing
                       else "tokens issued for other audiences are accepted")
                return (f"GitHub OIDC trust ({shown}) has {what}: {why}; require "
                        f"{GITHUB}:aud = sts.amazonaws.com and a {GITHUB}:sub naming your repository")
            if wild:
                return (f'GitHub OIDC trust ({shown}) accepts {GITHUB}:sub "{wild[0]}", which matches '
                        f"workflows of any owner; name your organization and repository")
            if any(_only_wildcards(v.value) for v in c.values(f"{GITHUB}:aud")):
                return f"GitHub OIDC trust ({shown}) accepts any {GITHUB}:aud; require sts.amazonaws.com"
            return None
        if kind == "oidc":
            keys = [f"{provider}:aud", f"{provider}:sub", f"{provider}:oaud", f"{provider}:azp"]
            if not any(c.has(k) for k in keys):
                return (f"OIDC trust ({shown}) has no {provider}:aud or {provider}:sub condition: any identity "
                        f"of that provider can assume this role")
            if provider == GITLAB and not c.has(f"{GITLAB}:sub"):
                return (f"GitLab OIDC trust ({shown}) has no {GITLAB}:sub condition: a job sets its token's "
                        f"audience itself, so any project on gitlab.com can assume this role; require a "
                        f"{GITLAB}:sub naming your project (project_path:my-group/my-project:ref_type:branch:ref:main)")
            opened = [v.value for v in c.values(f"{provider}:sub") if _open_sub(v.value)]
            if opened:
                return (f'OIDC trust ({shown}) accepts {provider}:sub "{opened[0]}", which matches subjects of '
                        f"any owner; name your group or organization and project")
            return self._wild(shown, [v for k in keys for v in c.values(k)])
        if kind == "web" and provider == COGNITO:
            if not c.has(f"{COGNITO}:aud"):
                return (f"Cognito trust has no {COGNITO}:aud condition: identities of any identity pool can "
                        f"assume this role; require your identity pool id")
            return self._wild(shown, c.values(f"{COGNITO}:aud"))
        if kind == "web":
            if not c.keys_with_prefix(provider + ":"):
                return (f"web identity trust ({shown}) has no {provider}: condition (such as {provider}:aud): "
                        f"any user of that provider can assume this role")
            return None
        if kind == "saml" or (kind == "unknown" and actions == {"sts:AssumeRoleWithSAML"}):
            if not c.has("SAML:aud"):
                return (f"SAML trust ({shown}) has no SAML:aud condition; require "
                        f"SAML:aud = https://signin.aws.amazon.com/saml")
            return None
        # A provider not known statically (a parameter, an import): at least some audience/subject check.
        if not c.any_suffix(":aud", ":sub", ":oaud", ":amr") and not c.has("SAML:aud"):
            return (f"federated trust ({shown}) has no audience or subject condition (an ...:aud or ...:sub "
                    f"key of the provider): any identity of the provider can assume this role")
        return None

    @staticmethod
    def _wild(shown, values):
        for v in values:
            if _only_wildcards(v.value):
                return f'federated trust ({shown}) accepts any value ("{v.value}") for its audience/subject condition'
        return None


RULE = FederatedTrustUnconditioned()
