"""IAM302 trust-wildcard-principal."""
from linter import kb
from linter.rule import Rule

#: Condition keys that tie a request to known principals, accounts, organizations,
#: source resources or networks. A wildcard principal narrowed by one of these is the
#: documented way to write an organization-wide or service-scoped grant.
NARROWING_KEYS = frozenset(k.lower() for k in (
    "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
    "aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceOwner",
    "aws:SourceVpc", "aws:SourceVpce", "aws:SourceIp", "aws:VpcSourceIp", "aws:userid", "aws:username",
    "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList",
    "kms:CallerAccount", "s3:DataAccessPointAccount", "s3:DataAccessPointArn",
    "sns:Endpoint", "lambda:SourceFunctionArn",
))

#: Boolean keys that, when "true", admit only requests made from the resource's own network (the
#: file system policy the EFS console writes: ClientMount for anyone through a mount target).
_NETWORK_FLAGS = frozenset(("elasticfilesystem:accessedviamounttarget",))

#: Operators whose match narrows (a negated operator excludes a few and admits the rest).
_POSITIVE = ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress")
#: Their negations: in a Deny to everyone, they deny all requests but the narrowed ones.
_NEGATED = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike",
            "NotIpAddress")


#: IP ranges that hold every address: a source-IP test with one narrows nothing.
_EVERY_ADDRESS = frozenset(("0.0.0.0/0", "::/0"))


def _wildcard_only(value) -> bool:
    return isinstance(value, str) and (value.strip("*?") == "" or value.strip() in _EVERY_ADDRESS)


#: Keys whose value is an account or organization id: a wildcard in it matches ids nobody here owns.
_ID_KEYS = frozenset(("aws:principalorgid", "aws:principalaccount", "aws:sourceaccount", "aws:sourceorgid",
                      "aws:sourceowner", "kms:calleraccount", "s3:dataaccesspointaccount"))
#: Keys whose value is an organization path (o-id/r-root/ou-...): its organization must be written.
_PATH_KEYS = frozenset(("aws:principalorgpaths", "aws:sourceorgpaths"))
#: Keys whose value is an ARN: its account must be written (or absent, as in a bucket's ARN).
_ARN_KEYS = frozenset(("aws:principalarn", "aws:sourcearn", "s3:dataaccesspointarn", "lambda:sourcefunctionarn"))


def _any_owner(key: str, value) -> bool:
    """Whether a value of ``key`` leaves the owner open: a wildcard in an account or organization id
    (``o-*``, ``12345678901?``), or in the account of an ARN (``arn:aws:iam::*:role/x``)."""
    if not isinstance(value, str) or "${" in value:
        return False
    if key in _ID_KEYS:
        return "*" in value or "?" in value
    if key in _PATH_KEYS:
        org = value.split("/", 1)[0]
        return "*" in org or "?" in org
    if key in _ARN_KEYS:
        parts = value.split(":", 5)
        return len(parts) < 6 or "*" in parts[4] or "?" in parts[4]
    return False


def narrowing_clauses(st, operators=_POSITIVE):
    """Condition clauses that really narrow who can use the statement (with ``operators``;
    the negated ones narrow a Deny's complement)."""
    out = []
    for c in st.condition:
        key = c.key.value.lower() if isinstance(c.key.value, str) else ""
        if key in _NETWORK_FLAGS and operators is _POSITIVE and c.operator == "Bool" and c.values \
                and all(isinstance(v.value, str) and v.value.lower() == "true" for v in c.values):
            out.append(c)  # only through the file system's mount targets: its VPCs' network
            continue
        if key not in NARROWING_KEYS:
            continue
        qualifier, _, op = c.operator.rpartition(":")
        if qualifier.lower() == "forallvalues":
            continue  # true when the key is absent: narrows nothing (IAM201 reports it)
        if op.endswith("IfExists") or op not in operators:
            continue  # absent key passes (IfExists), or a negative/Null test
        if not c.values or any(_wildcard_only(v.value) or _any_owner(key, v.value) for v in c.values):
            continue
        out.append(c)
    return out


def _covers(patterns, values) -> bool:
    """Whether every literal value is matched by one of the wildcard patterns."""
    pats = [p.value for p in patterns if isinstance(p.value, str)]
    vals = [v.value for v in values]
    return bool(pats) and all(isinstance(v, str) and any(kb.pattern_matches(p, v) for p in pats) for v in vals)


def fenced(doc, st) -> bool:
    """Whether a Deny of the same policy denies everyone but the narrowed requests the actions and
    resources of ``st``: the Allow to ``*`` plus Deny-unless pattern (a private API Gateway policy:
    Allow ``*`` to invoke, Deny ``*`` to invoke unless ``aws:SourceVpce``)."""
    for d in doc.statements:
        if not d.is_deny or d.principal is None or d.condition_unresolved:
            continue
        if not any(v.value == "*" for e in d.principal.entries if e.kind in ("*", "AWS") for v in e.values):
            continue
        if d.action is None or st.action is None or not _covers(d.action.values, st.action.values):
            continue
        if st.resource is not None and d.resource is not None and not _covers(d.resource.values, st.resource.values):
            continue
        if narrowing_clauses(d, _NEGATED):
            return True
    return False


class TrustWildcardPrincipal(Rule):
    code = "IAM302"
    name = "trust-wildcard-principal"
    severity = "error"
    roles = ("trust", "resource")
    statements = "Allow statements that name principals."
    summary = ('An `Allow` statement of a role trust policy (or any resource policy) names `Principal: "*"` or '
               '`{"AWS": "*"}` with no condition that narrows who it admits (`aws:PrincipalOrgID`, '
               '`aws:PrincipalAccount`, `aws:SourceAccount`, `aws:SourceArn`...).')
    rationale = (
        "A wildcard principal means every AWS account in the world, plus anonymous callers where the "
        "service allows them. In a role's trust policy it lets anyone assume the role and act with its "
        "permissions -- for a SageMaker execution role, read the training data, the model artifacts and "
        "whatever else the role can reach. In a bucket, key or queue policy it makes the resource public. "
        "Name the accounts or roles that need access, or keep the wildcard and add a condition that ties "
        "the request to your organization (`aws:PrincipalOrgID`), an account (`aws:PrincipalAccount`, "
        "`aws:SourceAccount`), a source resource (`aws:SourceArn`) or a network (`aws:SourceVpc`, and "
        "`\"Bool\": {\"elasticfilesystem:AccessedViaMountTarget\": \"true\"}`, the file system policy the EFS "
        "console writes). Conditions with a negated operator, "
        "`...IfExists`, or a value that is only `*` or every address (`0.0.0.0/0`, `::/0`) do not count, "
        "nor does a value that leaves the owner open: a wildcard in an account or organization id "
        "(`o-*`) or in the account of an ARN (`arn:aws:iam::*:role/ml-*`). "
        "A `Deny` to `*` in the same policy that "
        "covers the same actions and resources unless such a key matches (`StringNotEquals "
        "aws:SourceVpce`: the private API Gateway pattern) fences the wildcard, and nothing is reported; "
        "nor is a resource policy statement whose every `Resource` is text that cannot be an ARN (it grants "
        "nothing; IAM109 reports it). "
        "`ForAllValues:` conditions never narrow: they are true when the key is absent, so "
        "`ForAllValues:StringEquals aws:PrincipalOrgID` admits every caller outside any organization; "
        "`ForAnyValue:` with a positive operator is false for an absent key and narrows like the plain operator. "
        "`NotPrincipal` in a role trust policy is refused by IAM and "
        "reported as LP002. IAM Access Analyzer reports the same as **Security Warning – Allow with "
        "NotPrincipal** and **Error – Role trust policy unsupported wildcard in principal**."
    )
    example = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  InferenceRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: "*"
            Action: sts:AssumeRole
"""
    fix = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  InferenceRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
            Action: sts:AssumeRole
            Condition:
              StringEquals:
                aws:PrincipalOrgID: o-a1b2c3d4e5
"""
    example_format = "yaml"
    fix_note = ("Trust specific principals. When a wildcard is needed (an organization-wide role), keep it "
                "only together with a condition such as `aws:PrincipalOrgID`.")
    options = {"trusted-accounts": "account ids (list of strings). When set, a wildcard principal narrowed by an "
                                   "account condition (`aws:PrincipalAccount`, `aws:SourceAccount`, "
                                   "`kms:CallerAccount`) to an account outside this list is reported as a warning."}
    references = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
    )
    tags = ("security", "trust")

    def check(self, doc, ctx):
        trusted = {str(a) for a in (ctx.option("trusted-accounts", []) or [])}
        for st in doc.allow_statements():
            if st.condition_unresolved:
                continue  # a condition we cannot see may narrow it
            stars = self._wildcards(st)
            if not stars and st.not_principal is None:
                continue
            clauses = narrowing_clauses(st)
            if clauses:
                if trusted:
                    yield from self._untrusted(clauses, trusted)
                continue
            if fenced(doc, st):
                continue
            if doc.role != "trust" and _matches_nothing(st):
                continue  # every Resource is no ARN (IAM109 reports it): the statement grants nothing
            for v, shown in stars:
                if doc.role == "trust":
                    msg = (f"Principal {shown} lets any AWS account (and anonymous callers where allowed) assume "
                           f"this role; name the trusted principals, or add a condition such as "
                           f"aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceArn")
                else:
                    msg = (f"Principal {shown} grants {self._actions(st)} to any AWS account (and anonymous "
                           f"callers where the service allows them); name the trusted principals, or add a "
                           f"condition such as aws:PrincipalOrgID, aws:SourceAccount or aws:SourceArn")
                yield self.finding(v, msg)
            if st.not_principal is not None and st.not_principal.entries and doc.role != "trust":
                yield self.finding(st.not_principal.key_span,
                                   f"Allow with NotPrincipal grants {self._actions(st)} to every principal except "
                                   f"the ones listed; use Principal with the trusted principals",
                                   path=st.not_principal.path)

    @staticmethod
    def _wildcards(st):
        out = []
        if st.principal is None:
            return out
        for entry in st.principal.entries:
            if entry.kind not in ("*", "AWS"):
                continue
            for v in entry.values:
                if v.value == "*":
                    out.append((v, '"*"' if entry.kind == "*" else '{"AWS": "*"}'))
        return out

    @staticmethod
    def _actions(st) -> str:
        if st.action is None:
            return "every action but the NotAction list"
        # a statement built in code without actions says nothing of them ("actions added elsewhere")
        names = [v.text for v in st.action.values if v.text != "actions added elsewhere"]
        # a malformed value ("ecr: PutImage", LP002 reports it) grants nothing: not named as granted
        names = [n for n in names if not isinstance(n, str) or not any(ch.isspace() for ch in n)] or names
        if not names:
            return "its actions"
        return ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")

    def _untrusted(self, clauses, trusted):
        for c in clauses:
            key = c.key.value.lower()
            if key not in ("aws:principalaccount", "aws:sourceaccount", "kms:calleraccount",
                           "s3:dataaccesspointaccount"):
                continue
            for v in c.values:
                if isinstance(v.value, str) and v.value not in trusted and "${" not in v.value:
                    yield self.finding(v, f"the wildcard principal is narrowed to account {v.value}, which is not "
                                          f"in trusted-accounts", severity="warning")



def _matches_nothing(st) -> bool:
    """Whether every Resource value is literal text that cannot be an ARN (no colon, no wildcard,
    no placeholder: ``lambda.amazonaws.com``), which no request's resource matches."""
    vals = st.resource.values if st.resource is not None else ()
    return bool(vals) and all(isinstance(v.value, str) and ":" not in v.value and "*" not in v.value
                              and "?" not in v.value and "${" not in v.value for v in vals)


RULE = TrustWildcardPrincipal()
