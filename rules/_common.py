"""Helpers shared by the IAM1xx and IAM2xx rules (validation at IAM Access Analyzer's depth).

Not a rule (no ``RULE``): the registry lists rules by code, so this module is imported
only by the rules that use it.  Everything here is pure and reads the all-services
knowledge layer (:mod:`linter.iam`) one service file at a time: nothing here asks about
every service, so a SageMaker-only policy reads the index and the files of the
services it names.
"""
from __future__ import annotations

import functools

from linter import iam
from linter._regex import Lazy
from linter.located import Unresolved

#: The reference page every IAM1xx/IAM2xx rule names its check in.
AA_REFERENCE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"

#: Partitions an ARN can name (IAM User Guide, "IAM identifiers"; the ISO and EUSC partitions included).
PARTITIONS = frozenset(("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f",
                        "aws-eusc"))

#: A regular expression compiled on first use (a one-file pre-commit run imports most rules and
#: needs few of their patterns); the regular expression audit checks these like any other.
LazyRe = Lazy


_REGION = LazyRe(r"^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$")
_PREFIX = LazyRe(r"^[A-Za-z][A-Za-z0-9.\-/]*$")


# --------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------

def literal(value) -> bool:
    """A string with no wildcard and no ``${...}`` placeholder or policy variable."""
    return isinstance(value, str) and "*" not in value and "?" not in value and "${" not in value


def strings(field):
    """The resolved string values of a Field (``Action``, ``Resource``...), or ()."""
    if field is None:
        return ()
    return [v for v in field.values if isinstance(v.value, str)]


def region_shaped(s: str) -> bool:
    """``us-east-1``, ``us-gov-west-1``, ``cn-north-1``, ``eusc-de-east-1``."""
    return _REGION.match(s) is not None


_FILL_IN = LazyRe(r"^(?:<[^<>]*>|\{[^{}]*\}|\[[^\[\]]*\]|(?i:your)[_-].*|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+"
                  r"|\$[A-Za-z_][A-Za-z0-9_]*)$")


#: Words of an instruction left in place of a value ("put the CIDR block of your IP here").
_INSTRUCTION = LazyRe(r"(?i)\b(?:your|here|replace|insert|enter|todo)\b")


def fill_in(s: str) -> bool:
    """A value written for someone to replace before use: ``<vpc-endpoint>``, ``{account}``,
    ``[bucket]``, ``your_KMS_key_ARN``, ``KMS_KEY_ARN``, a shell variable (``$execution_role``, in a
    policy a script writes), or a sentence telling what to write
    (``put the CIDR block of your public IP here``). Such text is a template, not a mistake."""
    return _FILL_IN.match(s) is not None or (" " in s and _INSTRUCTION.search(s) is not None)


_ANGLED = LazyRe(r"<[^<>\n]{0,80}>")


def without_fill_ins(s: str) -> str:
    """``s`` with each ``<text for someone to replace>`` (spaces and all: ``<OIDC ID>``) one word."""
    return _ANGLED.sub("x", s) if "<" in s else s


def looks_like_placeholder_word(s: str) -> bool:
    """A segment someone fills in before use (``ACCOUNT_ID``, ``<account>``, ``REGION``,
    ``account-id``): no digit at all. Such text is a template, not a mistake."""
    return not any(ch.isdigit() for ch in s)


# --------------------------------------------------------------------------------------
# policy variables and template placeholders
# --------------------------------------------------------------------------------------

def is_policy_variable(inner: str) -> bool:
    """Whether the text inside ``${...}`` is an IAM policy variable rather than a template
    placeholder.

    A policy variable names a request context key, ``prefix:name`` (``aws:username``,
    ``aws:PrincipalTag/team``, ``saml:sub``, ``www.amazon.com:user_id``), optionally with a
    default value (``${aws:PrincipalTag/team, 'none'}``), or is one of the escapes ``${*}``,
    ``${?}``, ``${$}``.  CloudFormation's ``${AWS::Region}`` (a double colon),
    ``${Param}``, ``${Res.Arn}``, Terraform's ``${var.x}`` and ``${join(":", ...)}``, the
    Serverless Framework's ``${self:custom.x}`` and ``${opt:stage}`` (in a ``resources`` fragment a
    service reads) are placeholders: the format fills them in, IAM never sees them."""
    s = inner.strip()
    if s in ("*", "?", "$"):
        return True
    name = s.split(",", 1)[0].strip()
    prefix, sep, rest = name.partition(":")
    if not sep or not rest or rest.startswith((":", "/")):
        return False  # ${AWS::Region}; ${ssm:/path} (a parameter, not a request key)
    if prefix in _FRAMEWORK_SOURCES:
        return False  # the Serverless Framework's ${self:custom.x}, ${opt:stage}...: filled in before deploying
    return _PREFIX.match(prefix) is not None


#: Variable sources of the Serverless Framework that no AWS request context key uses as a prefix
#: (its ``${aws:...}`` variables collide with IAM's and stay policy variables), and ``resolve``:
#: CloudFormation's dynamic references, ``{{resolve:ssm:...}}``, which its format writes as
#: ``${resolve:ssm:...}``.
_FRAMEWORK_SOURCES = frozenset(("self", "opt", "sls", "env", "param", "cf", "file", "strToBool", "git",
                                "resolve"))


def placeholders(text: str):
    """``(start, end, inner)`` of every closed ``${...}`` in ``text``."""
    out = []
    i = 0
    while True:
        i = text.find("${", i)
        if i < 0:
            return out
        j = text.find("}", i + 2)
        if j < 0:
            return out
        out.append((i, j + 1, text[i + 2:j]))
        i = j + 1


def policy_variables(text) -> list:
    """The policy variables in a string value (their inner text), in order."""
    if not isinstance(text, str) or "${" not in text:
        return []
    return [inner for _, _, inner in placeholders(text) if is_policy_variable(inner)]


def has_template_placeholder(text) -> bool:
    """Whether a string holds a ``${...}`` that is not a policy variable (CloudFormation,
    Terraform or a policy template fills it in)."""
    if not isinstance(text, str) or "${" not in text:
        return False
    return any(not is_policy_variable(inner) for _, _, inner in placeholders(text))


# --------------------------------------------------------------------------------------
# conditions
# --------------------------------------------------------------------------------------

def key_prefix(key: str) -> str:
    return key.partition(":")[0]


def identity_provider_key(key: str) -> bool:
    """A key whose prefix is a host name (``token.actions.githubusercontent.com:sub``,
    ``accounts.google.com:aud``, ``cognito-identity.amazonaws.com:amr``, an OIDC provider
    URL): the reference lists only some of them and a provider's URL can be anything, so
    such a key is never unknown."""
    p = key_prefix(key)
    return "." in p or "/" in p


def clauses(st):
    """``(clause, operator, key, info)`` for each condition clause whose key is a string:
    ``operator`` is the parsed :class:`linter.iam.Operator` (None when unknown), ``key``
    the key as written, ``info`` its :class:`linter.iam.ConditionKey` (None when unknown
    or when the key holds a placeholder)."""
    out = []
    for c in st.condition:
        key = c.key.value
        if not isinstance(key, str):
            continue
        op = iam.operator(c.operator)
        info = None if ("${" in key or ":" not in key) else iam.condition_key(key)
        out.append((c, op, key, info))
    return out


def when_absent(op, values):
    """Whether a condition clause is true when its key is absent from the request (None when
    it cannot be told): ``Null`` with "true", ``ForAllValues:``, ``...IfExists`` and the negated
    operators are; the others are not."""
    if op is None:
        return None
    if op.base == "Null":
        vals = {str(v.value).lower() for v in values if isinstance(v.value, (str, bool))}
        return True if vals == {"true"} else False if vals == {"false"} else None
    if op.qualifier == "ForAllValues" or op.if_exists or op.negated:
        return True
    return False


#: Keys of OpenID Connect tokens that hold one value whatever the provider (the ``sub``
#: claim is a single string in every OIDC token), and GitHub's single audience.
_SINGLE_VALUED_CLAIMS = ("sub",)
_GITHUB = "token.actions.githubusercontent.com"


def single_valued(key: str, info) -> bool:
    """Whether a key is known to carry one value: the reference types it as a scalar, or it
    is an identity provider's ``sub`` (or GitHub's ``aud``). ``aud`` of other providers may
    be a list, so it is not judged."""
    if info is not None:
        return info.type is not None and not info.multivalued
    low = key.lower()
    if identity_provider_key(low):
        prefix, _, claim = low.rpartition(":")
        return claim in _SINGLE_VALUED_CLAIMS or (prefix == _GITHUB and claim == "aud")
    return False


# --------------------------------------------------------------------------------------
# actions
# --------------------------------------------------------------------------------------

def split_action(value: str):
    """``("s3", "GetObject")`` for ``"s3:GetObject"``; None for ``"*"`` or a value with no colon."""
    service, sep, name = value.partition(":")
    if not sep:
        return None
    return service, name


def wildcard(s: str) -> bool:
    return "*" in s or "?" in s


@functools.lru_cache(maxsize=1024)
def actions_of(value: str) -> tuple:
    """The actions an ``Action`` value names within its one service (``s3:Get*``, ``s3:GetObject``);
    () for a value whose service part has a wildcard (asking would read every service), an
    unknown service or no match."""
    parts = split_action(value)
    if parts is None or wildcard(parts[0]) or "${" in value:
        return ()
    return iam.expand(value)


def statement_actions(st):
    """The actions of a statement's ``Action`` element, or None when they cannot be known
    without guessing: ``NotAction``, an unresolved value, ``"*"`` or a wildcard in a service
    name (Access Analyzer does not judge those either)."""
    if st.action is None or not st.action.values:
        return None
    out = []
    for v in st.action.values:
        if not isinstance(v.value, str):
            return None
        parts = split_action(v.value)
        if parts is None or wildcard(parts[0]) or "${" in v.value:
            return None
        out.extend(actions_of(v.value))
    return out


# --------------------------------------------------------------------------------------
# ARNs
# --------------------------------------------------------------------------------------

def split_arn(value: str):
    """The six segments of an ARN (arn, partition, service, region, account, resource),
    splitting on the colons outside ``${...}``; a value with fewer than six segments gives a
    shorter tuple."""
    if "${" not in value:
        return tuple(value.split(":", 5))
    held = []
    masked = []
    last = 0
    for s, e, _ in placeholders(value):
        masked.append(value[last:s])
        masked.append("\x00")
        held.append(value[s:e])
        last = e
    masked.append(value[last:])
    parts = "".join(masked).split(":", 5)
    it = iter(held)
    return tuple("".join(next(it) if ch == "\x00" else ch for ch in p) for p in parts)


def _tokens(pattern: str, is_format: bool) -> tuple:
    """Tokens of a resource part: ("lit", ch), ("one",) any one character, ("star",) any run.
    In a policy value ``*`` and ``?`` are wildcards, ``${*}``/``${?}``/``${$}`` literal
    characters and any other ``${...}`` unknown non-empty text; in a reference format each
    ``${...}`` is a name (non-empty, any characters: object keys and paths hold "/")."""
    out = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "$" and pattern.startswith("${", i):
            j = pattern.find("}", i + 2)
            if j > 0:
                inner = pattern[i + 2:j]
                if not is_format and inner in ("*", "?", "$"):
                    out.append(("lit", inner))
                else:
                    out += [("one",), ("star",)]
                i = j + 1
                continue
        if not is_format and ch == "*":
            out.append(("star",))
        elif not is_format and ch == "?":
            out.append(("one",))
        else:
            out.append(("lit", ch.lower()))
        i += 1
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def _format_regex(fmt: str):
    import re

    parts = []
    last = 0
    for s, e, _ in placeholders(fmt):
        parts.append(re.escape(fmt[last:s]))
        parts.append(".+")
        last = e
    parts.append(re.escape(fmt[last:]))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _head(value: str) -> str:
    """The literal text of a policy pattern before its first wildcard or placeholder."""
    end = len(value)
    for ch in ("*", "?", "${"):
        i = value.find(ch)
        if 0 <= i < end:
            end = i
    return value[:end]


@functools.lru_cache(maxsize=8192)
def patterns_meet(value: str, fmt: str) -> bool:
    """Whether a policy pattern and a reference format (resource parts) can describe a common
    string. Case-insensitive; linear in the product of the lengths."""
    if "*" not in value and "?" not in value and "${" not in value:
        return _format_regex(fmt).fullmatch(value) is not None  # a literal: one match
    if fmt.endswith("}") and fmt.count("${") == 1:
        # The usual format, "type/${Name}": the value meets it when its literal head and the
        # format's agree and its "*" can supply a non-empty name.
        fhead = fmt[:fmt.index("${")].lower()
        vhead = _head(value).lower()
        if vhead.startswith(fhead) and (len(vhead) > len(fhead) or value[len(vhead)] in "*$"):
            return True
        if fhead.startswith(vhead) and value[len(vhead)] == "*":
            return True
        if not (vhead.startswith(fhead) or fhead.startswith(vhead)):
            return False
    if "?" not in value and "${" not in value and "*" not in value.rstrip("*"):
        # A literal head then "*" (the usual scoped grant): whether some string of the
        # format starts with the head (what the product answers, in one pass).
        return _format_has_prefix(fmt, value.rstrip("*"))
    return meet_automaton(value, fmt)


@functools.lru_cache(maxsize=1024)
def _format_tokens(fmt: str) -> tuple:
    return _tokens(fmt, True)


def _format_has_prefix(fmt: str, head: str) -> bool:
    """Whether some string of the format ``fmt`` starts with the literal ``head`` (case-insensitive).

    The format's positions reached after each character of ``head``, as a set; every position
    can be completed (a placeholder stands for any non-empty text), so the head is a prefix as
    long as one position is left."""
    B = _format_tokens(fmt)
    nb = len(B)
    star = ("star",)

    def closure(S: set) -> set:
        for j in sorted(S):
            while j < nb and B[j] == star:  # a star may match nothing
                j += 1
                S.add(j)
        return S

    S = closure({0})
    for ch in head:
        c = ch.lower()
        nxt = set()
        for j in S:
            if j < nb:
                b = B[j]
                if b == star:
                    nxt.add(j)
                elif b[0] == "one" or b[1] == c:
                    nxt.add(j + 1)
        if not nxt:
            return False
        S = closure(nxt)
    return True


def meet_automaton(value: str, fmt: str) -> bool:
    """:func:`patterns_meet` by the product of the two patterns' automata (no shortcut)."""
    A = _tokens(value, False)
    B = _tokens(fmt, True)
    na, nb = len(A), len(B)
    seen = {(0, 0)}
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if i == na and j == nb:
            return True
        a = A[i] if i < na else None
        b = B[j] if j < nb else None
        nxt = []
        if a == ("star",):
            nxt.append((i + 1, j))
        if b == ("star",):
            nxt.append((i, j + 1))
        if a is not None and b is not None and (a[0] != "lit" or b[0] != "lit" or a[1] == b[1]):
            nxt.append((i if a == ("star",) else i + 1, j if b == ("star",) else j + 1))
        for s in nxt:
            if s not in seen:
                seen.add(s)
                stack.append(s)
    return False


def segment_meets(value: str, fmt: str) -> bool:
    """Whether an ARN header segment of a policy value (region or account) can be what a
    format's segment is: empty, a ``${...}`` name (non-empty) or literal text."""
    if value == "":
        return fmt == ""
    if fmt == "":
        return value.strip("*") == ""  # only "*" can be empty
    return patterns_meet(value, fmt)


def _formats(prefix: str):
    """``(prefix, resource type, six ARN segments)`` of each format of a service (the reference
    sometimes lists two formats for one type, separated by a comma)."""
    for rt in (iam.resource_types(prefix) or {}).values():
        for fmt in rt.arn.split(","):
            parts = tuple(fmt.strip().split(":", 5))  # reference placeholders hold no colon
            if len(parts) == 6:
                yield prefix, rt.name, parts


@functools.lru_cache(maxsize=512)
def _formats_of_arn_service(service: str) -> tuple:
    """Formats ``(prefix, resource type, segments)`` with ARNs of ``service`` that any service defines,
    from the files of the prefixes the index names for it (not every file)."""
    return tuple(f for prefix in iam.arn_service_prefixes(service) for f in _formats(prefix)
                 if f[2][2].lower() == service)


@functools.lru_cache(maxsize=512)
def _formats_of_prefix(service: str) -> tuple:
    return tuple(f for f in _formats(service) if f[2][2].lower() == service)


def arn_formats(service: str, complete: bool = False) -> tuple:
    """Reference formats of resource types whose ARNs name ``service`` (lowercase).

    By default the formats of the service prefix of the same name (one file); with
    ``complete`` (or when ``service`` is no prefix) the formats every service defines for
    that ARN service (the files of the services the index names for it)."""
    if not complete and iam.service_known(service):
        return _formats_of_prefix(service)
    return _formats_of_arn_service(service)


def resource_token(res: str) -> str:
    """The resource type a resource part names: its first word (``training-job`` of
    ``training-job/x``, ``log-group`` of ``log-group:/aws/x``, ``apis`` of ``/apis/x``); empty when
    it starts with a wildcard or a placeholder."""
    s = res.lstrip("/")
    for i, ch in enumerate(s):
        if ch in "/:*?$":
            return s[:i]
    return s


@functools.lru_cache(maxsize=512)
def _by_token(service: str, complete: bool) -> tuple:
    """``({token: formats}, formats whose resource part starts with a name)`` of an ARN service."""
    by: dict = {}
    loose = []
    for f in arn_formats(service, complete):
        tok = resource_token(f[2][5])
        if tok and not f[2][5].lstrip("/").startswith(tok + "$"):
            by.setdefault(tok.lower(), []).append(f)
        else:
            loose.append(f)
    return by, tuple(loose)


def formats_for(service: str, res: str, complete: bool = False) -> tuple:
    """The formats of ``service`` a resource part can match at all (by the type word it starts with)."""
    by, loose = _by_token(service, complete)
    tok = resource_token(res)
    if not tok or res.lstrip("/")[len(tok):len(tok) + 1] in ("*", "?", "$"):
        return arn_formats(service, complete)
    return tuple(by.get(tok.lower(), ())) + loose


def arn_service_known(service: str) -> bool:
    return iam.service_known(service) or bool(iam.arn_service_prefixes(service))


def resolved_text(v) -> bool:
    return isinstance(v, str) and not isinstance(v, Unresolved)
