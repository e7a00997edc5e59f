"""IAM205 federated-action-mismatch."""
from linter.rule import Rule

from ._common import AA_REFERENCE
from .iam303 import provider_of

_SAML = "sts:assumerolewithsaml"
_WEB = "sts:assumerolewithwebidentity"
_ROLE = "sts:assumerole"


class FederatedActionMismatch(Rule):
    code = "IAM205"
    name = "federated-action-mismatch"
    severity = "error"
    roles = ("trust",)
    statements = "Allow statements of role trust policies."
    summary = ("A trust statement whose action cannot be used by its principals: `sts:AssumeRoleWithWebIdentity` "
               "for a SAML provider (or for `AWS`/`Service` principals), `sts:AssumeRoleWithSAML` for an OIDC or "
               "web identity provider, `sts:AssumeRole` for `Federated` principals only.")
    rationale = (
        "Each way of assuming a role matches one kind of caller: `sts:AssumeRoleWithSAML` takes a SAML "
        "assertion from a SAML provider, `sts:AssumeRoleWithWebIdentity` a token from an OIDC or web identity "
        "provider, `sts:AssumeRole` an AWS principal's credentials. A statement that pairs a provider with the "
        "other action lets nobody in: the federation (a CI pipeline deploying SageMaker models, a SAML "
        "sign-in to Studio) fails, and the usual \"fix\" under pressure is a broader trust. A `Federated` "
        "principal written as an expression (`aws_iam_openid_connect_provider.github.arn`, `!Ref Provider`) is "
        "some provider, so `sts:AssumeRole` is wrong for it whatever it is; which of the two federated actions "
        "fits it is not judged, nor are other principals written as expressions. IAM Access Analyzer reports the same as **Error – Mismatched action for "
        "principal**."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/CorpIdP"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/CorpIdP"},
    "Action": "sts:AssumeRoleWithSAML",
    "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
  }]
}"""
    tags = ("security", "trust")
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-mismatched-action-for-principal",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp.html",
    )

    def check(self, doc, ctx):
        for st in doc.allow_statements():
            if st.principal is None or st.action is None:
                continue
            kinds = set()
            for e in st.principal.entries:
                for v in e.values:
                    if not isinstance(v.value, str):
                        # a Federated principal given by reference is some provider: never sts:AssumeRole's
                        kinds.add("federated" if e.kind == "Federated" else "unknown")
                    elif e.kind == "Federated":
                        kinds.add(provider_of(v.value)[0])
                    else:
                        kinds.add("aws")  # AWS, Service, CanonicalUser, "*"
            if not kinds or "unknown" in kinds:
                continue
            for v in st.action.values:
                if not isinstance(v.value, str):
                    continue
                a = v.value.lower()
                if a == _SAML and not kinds & {"saml", "federated"}:
                    yield self.finding(v, f'{v.value} is for SAML providers, and this statement trusts '
                                          f'{_names(kinds)}: nobody can assume the role this way; use '
                                          f'{_right(kinds)}')
                elif a == _WEB and not kinds & {"oidc", "web", "federated"}:
                    yield self.finding(v, f'{v.value} is for OIDC and web identity providers, and this statement '
                                          f'trusts {_names(kinds)}: nobody can assume the role this way; use '
                                          f'{_right(kinds)}')
                elif a == _ROLE and kinds <= {"oidc", "web", "saml", "federated"}:
                    yield self.finding(v, f'{v.value} is for AWS principals, and this statement trusts only '
                                          f'{_names(kinds)}: federated users cannot assume the role this way; use '
                                          f'{_right(kinds)}')


def _names(kinds) -> str:
    words = {"saml": "a SAML provider", "oidc": "an OIDC provider", "web": "a web identity provider",
             "aws": "AWS or service principals", "federated": "a federated provider given by reference"}
    return " and ".join(words[k] for k in sorted(kinds))


def _right(kinds) -> str:
    out = []
    if kinds & {"saml", "federated"}:
        out.append("sts:AssumeRoleWithSAML" + (" (a SAML provider)" if "federated" in kinds else ""))
    if kinds & {"oidc", "web", "federated"}:
        out.append("sts:AssumeRoleWithWebIdentity" + (" (an OIDC provider)" if "federated" in kinds else ""))
    if "aws" in kinds:
        out.append("sts:AssumeRole")
    return " or ".join(out)


RULE = FederatedActionMismatch()
