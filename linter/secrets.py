"""Embedded AWS credentials: access key IDs, secret access keys and session tokens.

The detector core behind KEY401 (access key ID), KEY402 (secret access key) and
KEY403 (session token). It works on the raw text of a file, so it sees every
string value and every comment of every kind of file (JSON, YAML, HCL, plain
text), including shell scripts inside ``!Sub`` user data, with exact positions.
The located trees of a file, when there are any, are used for one more rule
only: a 40-character secret in the same object as an access key ID.

What counts
-----------
Access key ID
    ``AKIA`` (long-term), ``ASIA`` (temporary, STS), ``ABIA`` (STS service bearer
    token) or ``ACCA`` (context-specific credential), then 16 characters of the
    key alphabet ``A-Z2-7``. Both ends must be on a boundary: the neighbouring
    character must not be a letter, a digit or ``_`` (``xAKIA...`` and
    ``AKIA..._x`` are parts of longer words). An escape sequence (``\\n``,
    ``\\t``, ``\\r`` in a JSON string, ``%2F``/``%3D``/``%3A``/``%20``/``%22`` in a
    URL) in front of the key counts as a boundary. A key that is part of an ARN
    is not reported. IAM unique IDs (``AROA``, ``AIDA``, ``AGPA``, ``ANPA``...) have
    other prefixes and are never matched.

Secret access key
    Exactly 40 characters of ``A-Za-z0-9/+``, the whole of a value, where the
    value is

    - assigned to a name like a secret key: the name, lowercased without
      ``_``, ``-`` and ``.``, ends with ``secretaccesskey``, ``secretkey``,
      ``awssecret``, ``secretaccess`` or ``accesssecret``, or contains
      ``awssecretaccesskey`` (``aws_secret_access_key``, ``SecretAccessKey``,
      ``secret_key``, ``AWS_SECRET_ACCESS_KEY``, ``secretAccessKey``,
      ``aws_secret_key``, ``--aws-secret-access-key``...), with ``:``, ``=``,
      ``=>``, ``:=``, ``>`` (XML) or blanks (command lines) between name and value;
    - the ``Value`` of a ``Name``/``Value`` pair whose ``Name`` is such a name
      (ECS, Lambda, CodeBuild, Kubernetes env lists; CloudFormation parameters as
      ``ParameterKey``/``ParameterValue``);
    - the ``Default``/``default`` of a block named so (a CloudFormation
      parameter, a Terraform ``variable``);
    - on the same line, or in the same object of the file's located tree, as a
      real (not example, not placeholder) access key ID (a shell command continued
      with a trailing backslash is one line; a value whose ``/``, ``+``, ``=``
      are URL-encoded, as in a connection URI, counts when it decodes to one).

    It is not reported when it is low-entropy (Shannon entropy below
    :data:`SECRET_MIN_ENTROPY` bits per character; random 40-character secrets
    measure 4.15 bits at the very least, 4.8 typically), a repeated or
    sequential placeholder, all hexadecimal (a git or SHA-1 hash), or made of
    letters only with entropy below :data:`SECRET_LETTERS_MIN_ENTROPY` (a
    CamelCase identifier). Found without a name (same line or same object) it
    must also contain a digit, ``/`` or ``+``.

Session token
    At least :data:`TOKEN_MIN_LENGTH` characters of ``A-Za-z0-9/+`` (plus up to
    three ``=``), the whole of a value assigned to (or the ``Value`` paired with)
    a name containing ``sessiontoken`` or ``securitytoken`` (``aws_session_token``,
    ``SessionToken``, ``AWS_SESSION_TOKEN``, ``security_token``,
    ``aws_security_token``, ``X-Amz-Security-Token``), or to a name that is
    exactly ``token`` when an access key ID or a secret-key name is within
    :data:`TOKEN_CONTEXT_LINES` lines (Terraform's ``provider "aws"`` block).
    Not reported below :data:`TOKEN_MIN_ENTROPY` bits per character.

Documented examples
    AWS documentation examples are flagged ``example=True`` (the rules report
    them at note level): key IDs containing ``EXAM`` (``AKIAIOSFODNN7EXAMPLE``,
    ``ASIAIOSFODNN7EXAMPLE`` and test variants such as ``...EXAMAAA``,
    ``...EXAMPL3``) or the ``IOSFODNN`` of the canonical example; secrets
    containing ``EXAM`` (``...EXAMPLEKEY``) or starting like the two
    documented ones; tokens containing ``EXAMPLE`` or starting with the
    documented ``AQoDYXdzEJr`` / ``AQoEXAMPLE`` placeholders.

Never reported
    Values that are references or templates (``{{resolve:secretsmanager:...}}``,
    ``${Var}``, ``var.secret_key``, ``!Ref``, ``!GetAtt X.SecretAccessKey``): they
    are not made of the credential alphabet. Base64 blobs without a credential
    name or key ID next to them. Key IDs whose 16 characters after the prefix
    have entropy below :data:`KEY_ID_MIN_ENTROPY` bits (``AKIA`` followed by
    sixteen ``A``, or by ``TEST`` four times) or hold a 6-character alphabetic run
    (``...ABCDEF...``): placeholders.

Never printed
    :class:`Hit` keeps the value for hashing but its ``repr`` masks it;
    :func:`mask_key_id` shows a key ID as its first 4 and last 4 characters;
    secrets and tokens are never shown, not even in part; :func:`redact` masks
    every credential in a piece of text (for snippets and logs).

Speed: :func:`scan` first looks for the four key prefixes and the words
``secret``/``token`` with plain substring searches and does no regular
expression work on a file that has none of them.
"""
from __future__ import annotations

import math
import re
from collections import Counter
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Iterable, Optional

from .findings import hash_secret
from ._regex import Lazy, compile_now
from .located import LineIndex, Span

__all__ = [
    "Hit", "scan", "scan_source", "find_key_ids", "mask_key_id", "redact", "hash_secret",
    "shannon_entropy", "is_example_key_id", "is_example_secret", "is_example_token",
    "key_id_kind", "classify_name", "KEY_ID_RE",
]

#: Minimum Shannon entropy (bits per character) of the 16 characters after a
#: key ID prefix. Random ones measure >= 2.4 (min of 200,000 samples), 3.6 typically.
KEY_ID_MIN_ENTROPY = 2.0
#: Minimum entropy of a 40-character secret (random: >= 4.15, typically 4.8;
#: ``this/is/my/secret/access/key/for/testing1`` is 3.7, ``XXXX...`` is 0).
SECRET_MIN_ENTROPY = 3.5
#: Minimum entropy of a letters-only 40-character value (``SageMakerUserSecretKey...``).
SECRET_LETTERS_MIN_ENTROPY = 4.3
#: Shortest session token (without ``=`` padding). Real ones are 300 to 1,000+.
TOKEN_MIN_LENGTH = 100
#: Minimum entropy of a session token (random base64 of 100 characters: >= 5.0).
TOKEN_MIN_ENTROPY = 4.5
#: How near (in lines) a key ID or secret-key name must be for a value named
#: just ``token`` to count as a session token.
TOKEN_CONTEXT_LINES = 8

KEY_PREFIXES = ("AKIA", "ASIA", "ABIA", "ACCA")
_KEY_KIND = {
    "AKIA": "long-term",
    "ASIA": "temporary",
    "ABIA": "service bearer token",
    "ACCA": "context-specific",
}

_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

#: An access key ID on word boundaries (``_`` and alphanumerics are not boundaries).
KEY_ID_RE = Lazy(
    r"(?:(?<![A-Za-z0-9_])|(?<=\\[nrt])|(?<=%2[0FfC2])|(?<=%3[DdAa]))"
    r"(AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}"
    r"(?![A-Za-z0-9_])"
)
# Any key-ID-shaped run, boundaries or not (for :func:`redact`).
_ANY_KEY_ID_RE = Lazy(r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}")
# A 40-character run of the secret alphabet, not part of a longer run of it
# (nor of an identifier with ``_``/``-``); ``=`` may precede (``NAME=secret``).
_SECRET_RUN_RE = Lazy(r"(?<![A-Za-z0-9/+_\-.%])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=_\-%])")
_SECRET_FULL_RE = Lazy(r"[A-Za-z0-9/+]{40}")
_TOKEN_FULL_RE = Lazy(r"[A-Za-z0-9/+]{%d,}={0,3}" % TOKEN_MIN_LENGTH)
_HEX_RE = Lazy(r"[0-9a-fA-F]+")

_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.")
_NORM_DROP = str.maketrans("", "", "_-.")

# What may follow a name before its value: the name's closing quote (maybe
# escaped inside a JSON string), a closing bracket (``os.environ["X"] = ...``),
# a separator (or only blanks, as on a command line), an optional YAML tag,
# an opening quote, then the value. It is matched just after a name; the look-behind
# keeps a search from starting inside a run of blanks (each start would rescan it).
_ASSIGN_RE = Lazy(
    r"""(?<![ \t])(?:\\?["'])?\]?"""
    r"""(?:[ \t]*(?:=>|:=|[:=>])[ \t]*|[ \t]+)"""
    r"""(?:!!str[ \t]+)?"""
    r"""(?P<q>\\?["'])?"""
    r"""(?P<val>[A-Za-z0-9/+]+={0,3})"""
)
# Characters that may end an unquoted value.
_VALUE_END = frozenset(" \t\r\n\"'`,;)}]>#<&|\\")

# ``Name: X`` / ``"name": "X"`` / ``ParameterKey=X`` just before a credential name.
_NAMEKEY_BEFORE_RE = Lazy(
    r"""(?i)(?<![A-Za-z0-9_])(?:name|key|parameterkey|parameter_key|variable|env)\\?["']?"""
    r"""[ \t]*(?:=>|:=|[:=])[ \t]*\\?["']?$"""
)
# The value key of such a pair.
_VALUEKEY_RE = Lazy(
    r"""(?i)(?<![A-Za-z0-9_])(?:value|parametervalue|parameter_value)(?=\\?["']?[ \t]*(?:=>|:=|[:=]))"""
)
# The default of a CloudFormation parameter / Terraform variable.
_DEFAULTKEY_RE = Lazy(r"""(?i)(?<![A-Za-z0-9_])(?:default|value)(?=\\?["']?[ \t]*[:=])""")
_BRACE_RE = Lazy(r"[{}]")
# The start of a line that holds something (not blank, not a comment): "\n" + indentation.
_LINE_INDENT_RE = Lazy(r"\n[ \t]*(?=[^ \t\r\n#])")
_NAME_RUN_RE = Lazy(r"[A-Za-z0-9_.\-]*")
_MAX_NAME = 128  # longer runs of identifier characters are not names
_MAX_LOOKUPS = 2000  # Name/Value and block look-ups per file (bounded work on pathological input)
# A name opening a block: YAML ``Name:`` at the end of a line, JSON ``"Name": {``, HCL ``"name" {``.
# One run of blanks only: ``:?[ \t]*\{`` after ``[ \t]*`` rescanned the blanks once per
# blank (quadratic on a long run of them); the look-behind does the same for a search.
_BLOCK_OPEN_RE = Lazy(r"""(?<![ \t])(?:\\?["'])?[ \t]*(?::[ \t]*(?:#[^\n]*)?(?=\r?\n)|:[ \t]*\{|\{)""")
# Where one Name/Value record ends and another begins.
_RECORD_BREAK_RE = Lazy(r"[{}]|\n[ \t]*-[ \t]")

_PAIR_WINDOW = 400  # characters searched for the other half of a Name/Value pair
_BLOCK_WINDOW = 2000  # characters searched for the default of a parameter/variable


# ---------------------------------------------------------------------------
# Small helpers


def shannon_entropy(s: str) -> float:
    """Shannon entropy in bits per character (0 for an empty string)."""
    n = len(s)
    if not n:
        return 0.0
    ent = 0.0
    for c in Counter(s).values():
        p = c / n
        ent -= p * math.log2(p)
    return ent


def mask_key_id(key_id: str) -> str:
    """``AKIA************WXYZ``: the first 4 and the last 4 characters, the rest masked."""
    k = str(key_id)
    if len(k) <= 8:
        return k[:4] + "*" * max(len(k) - 4, 0)
    return k[:4] + "*" * (len(k) - 8) + k[-4:]


def key_id_kind(key_id: str) -> str:
    """``long-term`` (AKIA), ``temporary`` (ASIA), ``service bearer token`` (ABIA), ``context-specific`` (ACCA)."""
    return _KEY_KIND.get(str(key_id)[:4], "unknown")


def is_example_key_id(key_id: str) -> bool:
    """An AWS documentation example (``AKIAIOSFODNN7EXAMPLE``) or a test variant of one."""
    rest = key_id[4:]
    return "EXAM" in rest or "IOSFODNN" in rest


def is_example_secret(secret: str) -> bool:
    """``wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`` and the other ``...EXAMPLEKEY`` values."""
    return "EXAM" in secret or secret.startswith(("wJalrXUtnFEMI", "je7MtGbClwBF"))


def is_example_token(token: str) -> bool:
    """The session tokens of the AWS docs (``AQoEXAMPLE...``, ``AQoDYXdzEJr...``)."""
    return "EXAMPLE" in token or token.startswith(("AQoEXAMPLE", "AQoDYXdzEJr"))


def _has_run(s: str, alphabet: str, length: int) -> bool:
    """Whether ``s`` holds ``length`` consecutive characters of ``alphabet`` in order (``abcdef``)."""
    run = 1
    prev = -2
    for ch in s:
        i = alphabet.find(ch)
        if i >= 0 and i == prev + 1:
            run += 1
            if run >= length:
                return True
        else:
            run = 1
        prev = i
    return False


def _is_periodic(s: str, max_period: int = 20) -> bool:
    n = len(s)
    for p in range(1, min(max_period, n // 2) + 1):
        if s == (s[:p] * (n // p + 1))[:n]:
            return True
    return False


#: Words people write in place of a key (``YOUR`` and ``ACCESS`` after a key ID's prefix,
#: ``YourSecretAccessKeyGoesHere...``):
#: one of six or more letters, or two shorter ones, in a value make it a placeholder. A random
#: 40-character secret holds a given four-letter word (any case) about once in 30,000.
_FILLER_LONG = ("placeholder", "replace", "changeme", "notareal", "notreal", "secret", "access",
                "dummy", "sample", "testing", "yourkey", "insert")
_FILLER_SHORT = ("your", "fake", "here", "test", "mock", "xxxx", "key", "this", "value", "real")


def _filler(s: str) -> bool:
    """Whether ``s`` spells what someone writes in place of a credential, or is made of runs of one
    character (``XXXXYYYYZZZZWWWW``)."""
    low = s.lower()
    if any(w in low for w in _FILLER_LONG):
        return True
    if sum(1 for w in _FILLER_SHORT if w in low) >= 2:
        return True
    runs = 0
    i = 0
    n = len(s)
    while i < n:
        j = i
        while j < n and s[j] == s[i]:
            j += 1
        if j - i >= 4:
            runs += 1
        i = j
    return runs >= 2


def is_placeholder_key_id(key_id: str) -> bool:
    rest = key_id[4:]
    return (shannon_entropy(rest) < KEY_ID_MIN_ENTROPY or _has_run(rest, _B32, 6) or _is_periodic(rest, 8)
            or _filler(rest))


_SEQ_ALPHABETS = ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", "0123456789")


def _plausible_secret(s: str, strict: bool) -> bool:
    """Whether a 40-character value could be a real secret access key."""
    if _HEX_RE.fullmatch(s):  # git / SHA-1 hash
        return False
    if shannon_entropy(s) < SECRET_MIN_ENTROPY or _is_periodic(s):
        return False
    if any(_has_run(s, a, 6) for a in _SEQ_ALPHABETS):
        return False
    if _filler(s):
        return False
    has_other = any(c.isdigit() or c in "/+" for c in s)
    if not has_other:
        if strict or shannon_entropy(s) < SECRET_LETTERS_MIN_ENTROPY:
            return False
    if not (any(c.isupper() for c in s) and any(c.islower() for c in s)):
        return False
    return True


#: Words of a key name that say its value is a name, an id or a place, not a secret.
_IDENTIFIER_WORDS = frozenset(("name", "id", "ids", "arn", "job", "endpoint", "path", "url", "uri", "bucket",
                               "prefix", "model", "image", "tag", "version", "region", "role", "host", "user",
                               "username", "account", "type", "description", "label", "group", "project",
                               "stack", "domain", "file", "dir", "key_id", "keyid", "hash", "digest", "sha",
                               "checksum", "commit"))
_KEY_WORD_RE = Lazy(r"[A-Z][a-z]+|[a-z]+|[A-Z]+|[0-9]+")


def _names_something(key) -> bool:
    """Whether a mapping key says its value is a name or an identifier (``endpoint_name``,
    ``TrainingJobName``, ``modelArn``): never a secret key, whatever it looks like."""
    if not isinstance(key, str) or classify_name(key) is not None:
        return False
    return any(w.lower() in _IDENTIFIER_WORDS for w in _KEY_WORD_RE.findall(key))


def _plausible_token(s: str) -> bool:
    body = s.rstrip("=")
    if len(body) < TOKEN_MIN_LENGTH or _HEX_RE.fullmatch(body):
        return False
    if shannon_entropy(body) < TOKEN_MIN_ENTROPY:
        return False
    return any(c.isupper() for c in body) and any(c.islower() for c in body)


def classify_name(name: str) -> Optional[str]:
    """``"secret"``, ``"token"`` (always a session token), ``"token?"`` (only ``token``:
    needs AWS context) or None, for a key/attribute/variable name."""
    n = name.lower().translate(_NORM_DROP)
    if not n:
        return None
    if "awssecretaccesskey" in n or n.endswith(
            ("secretaccesskey", "secretkey", "awssecret", "secretaccess", "accesssecret")):
        return "secret"
    if "sessiontoken" in n or "securitytoken" in n:
        return "token"
    if n == "token":
        return "token?"
    return None


class Hit:
    """One credential found in a text. ``value`` is the raw credential: hash it
    (:func:`hash_secret`), never print it; ``repr`` masks it."""

    __slots__ = ("kind", "start", "end", "span", "value", "example", "context")

    def __init__(self, kind: str, start: int, end: int, span: Span, value: str,
                 example: bool = False, context: str = "") -> None:
        self.kind = kind  # "key-id" | "secret" | "token"
        self.start = start
        self.end = end
        self.span = span
        self.value = value
        self.example = example
        self.context = context  # the name it is assigned to, or how it was recognised

    @property
    def masked(self) -> str:
        """What may be shown of the value: a masked key ID, or nothing of a secret/token."""
        if self.kind == "key-id":
            return mask_key_id(self.value)
        return "[REDACTED]"

    @property
    def fingerprint_value(self) -> str:
        return hash_secret(self.value)

    def __repr__(self) -> str:
        return (f"Hit({self.kind}, {self.masked}, {self.span.line}:{self.span.col}, "
                f"example={self.example}, context={self.context!r})")


# ---------------------------------------------------------------------------
# Scanning


_PREFIX_RE = re.compile(r"A(?:KIA|SIA|BIA|CCA)")


def _has_prefix(text: str) -> bool:
    """Cheap pre-filter (a literal-prefix search, ~1 ms per MB)."""
    return _PREFIX_RE.search(text) is not None


def _in_arn(text: str, start: int) -> bool:
    """Whether the key at ``start`` is part of an ARN (``arn:aws:iam::1:user/AKIA...``)."""
    i = start
    lo = max(0, start - 2048)
    while i > lo and text[i - 1] not in " \t\r\n\"'`,;()[]{}<>=":
        i -= 1
    return text.startswith("arn:", i)


def find_key_ids(text: str, index: Any = None, *, include_placeholders: bool = False) -> list[Hit]:
    """Every access key ID in ``text`` (examples flagged, placeholders and ARN parts left out).

    ``index`` is a :class:`LineIndex` of ``text`` or anything with an ``index`` property giving one.
    """
    if not text or not _has_prefix(text):
        return []
    hits = []
    for m in KEY_ID_RE.finditer(text):
        k = m.group(0)
        if not include_placeholders and is_placeholder_key_id(k) and not is_example_key_id(k):
            continue
        if _in_arn(text, m.start()):
            continue
        if index is None:
            index = LineIndex(text)
        elif not isinstance(index, LineIndex):
            index = index.index
        hits.append(Hit("key-id", m.start(), m.end(), index.span(m.start(), m.end()), k,
                        example=is_example_key_id(k), context=key_id_kind(k)))
    return hits


def _value_at(text: str, pos: int) -> Optional[tuple[int, int, str]]:
    """Parse ``<sep> <value>`` at ``pos`` (just after a name). Returns (start, end, value)."""
    m = _ASSIGN_RE.match(text, pos)
    if not m:
        return None
    s, e = m.span("val")
    nxt = text[e] if e < len(text) else ""
    if m.group("q"):
        if nxt not in ('"', "'", "\\"):
            return None
    elif nxt and nxt not in _VALUE_END:
        return None
    return s, e, m.group("val")


def _keywords(text: str) -> list[tuple[int, int]]:
    """Spans of ``secret``/``token`` (lower, Capitalized or UPPER case), in order.

    Plain ``str.find`` loops: much faster than a case-insensitive regular expression.
    """
    out = []
    find = text.find
    for tail, heads, length in (("ecret", "sS", 6), ("ECRET", "S", 6), ("oken", "tT", 5), ("OKEN", "T", 5)):
        i = find(tail)
        while i != -1:
            if i > 0 and text[i - 1] in heads:
                out.append((i - 1, i - 1 + length))
            i = find(tail, i + 1)
    out.sort()
    return out


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


class _Scanner:
    def __init__(self, text: str, trees: Iterable[Any] = ()) -> None:
        self.text = text
        self.trees = trees
        self._index: Optional[LineIndex] = None
        self.hits: dict[tuple[str, int], Hit] = {}

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    def add(self, kind: str, start: int, end: int, value: str, context: str) -> None:
        key = (kind, start)
        if key in self.hits:
            return
        example = is_example_secret(value) if kind == "secret" else is_example_token(value)
        self.hits[key] = Hit(kind, start, end, self.index.span(start, end), value, example, context)

    # -- values assigned to credential names ---------------------------------

    def offer(self, cls: str, start: int, end: int, value: str, name: str, strict: bool = False) -> bool:
        """Record ``value`` if it fits the class of the name it was found under."""
        if cls == "secret":
            if len(value) == 40 and _SECRET_FULL_RE.fullmatch(value) and _plausible_secret(value, strict):
                self.add("secret", start, end, value, name)
                return True
            return False
        # token / token?
        if _TOKEN_FULL_RE.fullmatch(value) and _plausible_token(value):
            if cls == "token?" and not self.aws_context(start):
                return False
            self.add("token", start, end, value, name)
            return True
        return False

    def aws_context(self, pos: int) -> bool:
        """Whether a key ID or a secret-key name is within TOKEN_CONTEXT_LINES lines of ``pos``.

        Two sorted lists and a binary search each: checking every mark for every
        candidate token was quadratic in a file full of both."""
        from bisect import bisect_left

        line = self.index.pos(pos)[0]
        for lines in self._aws_marks():
            i = bisect_left(lines, line - TOKEN_CONTEXT_LINES)
            if i < len(lines) and lines[i] <= line + TOKEN_CONTEXT_LINES:
                return True
        return False

    def _aws_marks(self) -> tuple[list[int], list[int]]:
        """Sorted first lines and sorted last lines of the key IDs and secret-key names."""
        marks = getattr(self, "_marks", None)
        if marks is None:
            los = [h.span.line for h in self.key_ids]
            his = [h.span.end_line for h in self.key_ids]
            for a, b, cls in self.names:
                if cls == "secret":
                    ln = self.index.pos(a)[0]
                    los.append(ln)
                    his.append(ln)
            marks = self._marks = (sorted(los), sorted(his))
        return marks

    def scan_names(self) -> None:
        text = self.text
        names: list[tuple[int, int, Optional[str]]] = []
        last_end = -1
        for start, stop in self.keywords:
            if start < last_end:
                continue
            a = start
            lo = max(0, start - _MAX_NAME)
            while a > lo and text[a - 1] in _NAME_CHARS:
                a -= 1
            b = _NAME_RUN_RE.match(text, stop).end()
            last_end = b
            if b - a > _MAX_NAME or (a == lo and a > 0 and text[a - 1] in _NAME_CHARS):
                continue  # not a name: a long run of identifier characters
            names.append((a, b, classify_name(text[a:b].strip(".-"))))
        self.names = names
        budget = _MAX_LOOKUPS
        for a, b, cls in names:
            if cls is None:
                continue
            name = text[a:b].strip(".-")[:80]
            v = _value_at(text, b)
            if v is not None and self.offer(cls, v[0], v[1], v[2], name):
                continue
            if budget <= 0:  # pathological input: only direct assignments from here on
                continue
            budget -= 1
            if self._pair(cls, a, b, name):
                continue
            self._offered_block(cls, a, b, name)

    def _pair(self, cls: str, a: int, b: int, name: str) -> bool:
        """``Name: AWS_SECRET_ACCESS_KEY`` + ``Value: ...`` in the same record."""
        text = self.text
        ls = _line_start(text, a)
        if a - ls > 400 or not _NAMEKEY_BEFORE_RE.search(text, ls, a):
            return False
        # Forward: the Value after the Name.
        m = _VALUEKEY_RE.search(text, b, min(len(text), b + _PAIR_WINDOW))
        if m is not None and not _RECORD_BREAK_RE.search(text, b, m.start()):
            v = _value_at(text, m.end())
            if v is not None and self.offer(cls, v[0], v[1], v[2], name):
                return True
        # Backward: the Value before the Name.
        last = None
        for m in _VALUEKEY_RE.finditer(text, max(0, a - _PAIR_WINDOW), a):
            last = m
        if last is not None:
            v = _value_at(text, last.end())
            if v is not None and v[1] <= a and not _RECORD_BREAK_RE.search(text, v[1], a):
                return self.offer(cls, v[0], v[1], v[2], name)
        return False

    def _offered_block(self, cls: str, a: int, b: int, name: str) -> bool:
        """A parameter or variable named like a credential, with a ``Default`` (or ``value``)."""
        text = self.text
        m = _BLOCK_OPEN_RE.match(text, b)
        if not m:
            return False
        body = m.end()
        end = min(len(text), body + _BLOCK_WINDOW)
        if text[body - 1] == "{":
            depth = 1
            for bm in _BRACE_RE.finditer(text, body, end):
                depth += 1 if bm.group(0) == "{" else -1
                if depth == 0:
                    end = bm.start()
                    break
        else:  # YAML: the block ends at the first line indented no deeper than the name
            ls = _line_start(text, a)
            indent = a - ls
            if text[ls:a].strip() not in ("", "-", '"', "'", '- "', "- \'"):
                return False
            for lm in _LINE_INDENT_RE.finditer(text, body, end):
                if lm.end() - lm.start() - 1 <= indent:
                    end = lm.start() + 1
                    break
        for dm in _DEFAULTKEY_RE.finditer(text, body, end):
            v = _value_at(text, dm.end())
            if v is not None and v[1] <= end and self.offer(cls, v[0], v[1], v[2], name):
                return True
        return False

    # -- secrets next to a key ID --------------------------------------------

    def near_key_ids(self) -> None:
        text = self.text
        real = [h for h in self.key_ids if not h.example]
        if not real:
            return
        done_lines = set()
        for h in real:
            ls, le = _logical_line(text, h.start, h.end)
            if ls in done_lines:
                continue
            done_lines.add(ls)
            key_line = _line_start(text, h.start)
            for m in _SECRET_RUN_RE.finditer(text, ls, le):
                v = m.group(0)
                if _plausible_secret(v, strict=True):
                    where = "same line as access key ID" if _line_start(text, m.start()) == key_line else \
                        "same command as access key ID, over lines joined by a trailing backslash"
                    self.add("secret", m.start(), m.end(), v, where)
            if "%2" in text[ls:le]:
                # a connection URI (aws://ID:SECRET@...) carries the secret URL-encoded: / and + as %2F, %2B
                for m in _ENCODED_RUN_RE.finditer(text, ls, le):
                    v = m.group(0)
                    plain = _url_decoded(v)
                    if plain != v and len(plain) == 40 and _SECRET_FULL_RE.fullmatch(plain) \
                            and _plausible_secret(plain, strict=True):
                        self.add("secret", m.start(), m.end(), v, "same line as access key ID, URL-encoded")
        if self.trees:
            self._tree_siblings()

    def _tree_siblings(self) -> None:
        stack = list(self.trees)
        seen = 0
        while stack:
            node = stack.pop()
            seen += 1
            if seen > 200000:
                break
            if isinstance(node, dict):
                vals = list(node.values())
                strs = [v for v in vals if isinstance(v, str)]
                if any(KEY_ID_RE.search(s) and not all(
                        is_example_key_id(k.group(0)) or is_placeholder_key_id(k.group(0))
                        for k in KEY_ID_RE.finditer(s)) for s in strs):
                    for key, s in node.items():
                        if not isinstance(s, str) or _names_something(key):
                            continue  # endpoint_name, trainingJobName, bucket: what the value is, it says
                        if len(s) == 40 and _SECRET_FULL_RE.fullmatch(s) and _plausible_secret(str(s), True):
                            pos = self._locate(s)
                            if pos is not None:
                                self.add("secret", pos[0], pos[1], str(s), "same object as access key ID")
                stack.extend(v for v in vals if isinstance(v, (dict, list)))
            elif isinstance(node, list):
                stack.extend(v for v in node if isinstance(v, (dict, list)))

    def _locate(self, s: Any) -> Optional[tuple[int, int]]:
        span = getattr(s, "span", None)
        text = self.text
        if span is None:
            return None
        starts = self.index.starts
        if not (1 <= span.line <= len(starts)):
            return None
        off = starts[span.line - 1] + span.col - 1
        i = text.find(str(s), off, off + len(s) + 8)
        if i < 0:
            return None
        return i, i + len(s)

    def run(self, has_prefix: bool, keywords: list[tuple[int, int]]) -> list[Hit]:
        text = self.text
        self.key_ids = find_key_ids(text, self) if has_prefix else []
        for h in self.key_ids:
            self.hits[("key-id", h.start)] = h
        self.names = []
        self.keywords = keywords
        if keywords:
            self.scan_names()
        self.near_key_ids()
        return sorted(self.hits.values(), key=lambda h: (h.start, h.kind))


#: A run of the secret alphabet with URL escapes of its ``/``, ``+`` and ``=`` (``%2F``, ``%2B``, ``%3D``).
_ENCODED_RUN_RE = Lazy(r"(?<![A-Za-z0-9/+_\-.%])(?:[A-Za-z0-9/+]|%2[FfBb]|%3[Dd]){40,120}(?![A-Za-z0-9/+=_\-%])")
#: Lines of one shell command continued with a trailing backslash, read as one line.
_CONTINUED_LINES = 20


def _url_decoded(s: str) -> str:
    return s.replace("%2F", "/").replace("%2f", "/").replace("%2B", "+").replace("%2b", "+") \
        .replace("%3D", "=").replace("%3d", "=")


def _logical_line(text: str, start: int, end: int) -> tuple[int, int]:
    """The line holding ``text[start:end]``, with the lines a trailing backslash joins to it (one shell
    command written over several lines): ``(start, end)`` offsets."""
    ls = _line_start(text, start)
    for _ in range(_CONTINUED_LINES):
        if ls < 2:
            break
        prev_end = ls - 1  # the newline ending the line before
        if text[:prev_end].rstrip(" \t\r")[-1:] != "\\":
            break
        ls = _line_start(text, prev_end - 1)
    le = text.find("\n", end)
    le = len(text) if le < 0 else le
    for _ in range(_CONTINUED_LINES):
        if le >= len(text) or text[:le].rstrip(" \t\r")[-1:] != "\\":
            break
        nxt = text.find("\n", le + 1)
        le = len(text) if nxt < 0 else nxt
    return ls, le


def may_hold(text: Optional[str]) -> bool:
    """Whether :func:`scan` could find anything in ``text`` (its cheap pre-filters: a key ID's
    prefix, or the name of a secret key or token)."""
    return bool(text) and (_has_prefix(text) or bool(_keywords(text)))


def scan(text: Optional[str], trees: Iterable[Any] = ()) -> list[Hit]:
    """All credentials in ``text`` (key IDs, secrets, tokens), in order of position."""
    if not text:
        return []
    has_prefix = _has_prefix(text)
    keywords = _keywords(text)
    if not has_prefix and not keywords:
        return []
    if _lazy[0]:  # something to look at: compile the patterns (most files stop above)
        _lazy[0] = False
        compile_now(globals())
    return _Scanner(text, trees).run(has_prefix, keywords)


_lazy = [True]


_CACHE_ATTR = "_credential_hits"


def scan_source(src: Any) -> list[Hit]:
    """:func:`scan` of a :class:`~linter.sources.SourceFile`, computed once per file
    (KEY401, KEY402 and KEY403 share it)."""
    text = getattr(src, "text", None)
    cached = getattr(src, _CACHE_ATTR, None)
    if cached is not None and cached[0] is text:
        return cached[1]
    hits = scan(text, getattr(src, "trees", ()) or ())
    try:
        setattr(src, _CACHE_ATTR, (text, hits))
    except Exception:  # pragma: no cover - a source type with __slots__
        pass
    return hits


def redact(text: str) -> str:
    """``text`` with every key ID masked and every secret key / session token replaced
    by ``[REDACTED]`` (for source snippets, logs and error messages)."""
    if not text:
        return text
    hits = scan(text)
    # Key IDs the scanner leaves out (placeholders, ARN parts, keys glued to other
    # text) are masked too: wrongly masking something is harmless here.
    spans = {(m.start(), m.end()): mask_key_id(m.group(0)) for m in _ANY_KEY_ID_RE.finditer(text)} \
        if _has_prefix(text) else {}
    for h in hits:
        spans[(h.start, h.end)] = h.masked
    out = []
    pos = 0
    for (s, e), rep in sorted(spans.items()):
        if s < pos:
            continue
        out.append(text[pos:s])
        out.append(rep)
        pos = e
    out.append(text[pos:])
    return "".join(out)
