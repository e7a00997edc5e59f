"""Deterministic fake AWS credentials, made at run time.

No key-shaped literal is ever committed (code-hosting platforms block such
pushes, and they teach people to ignore scanners). Tests call these helpers
instead: the same name gives the same value within and across runs, and the
values look real to a scanner (right alphabet, length and randomness) without
being anybody's credentials.

``fill_placeholders(text)`` expands the placeholders of the labelled cases
(``../shared/cases/README.md``): ``{{ID:AKIA:name}}`` / ``{{ID:ASIA:name}}``
(any 4-letter prefix works), ``{{SECRET:name}}`` and ``{{TOKEN:name}}``.
"""
from __future__ import annotations

import hashlib
import re

KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # base32: the 16 characters after the prefix
SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# The first bytes of a modern STS session token, base64-encoded: a format marker, not a secret.
TOKEN_HEAD = "IQoJb3JpZ2luX2Vj"
TOKEN_LENGTH = 356

PLACEHOLDER_RE = re.compile(r"\{\{(ID|SECRET|TOKEN):(?:([A-Z]{4}):)?([A-Za-z0-9_.\-]+)\}\}")


def _stream(kind: str, name: str, n: int, salt: int = 0) -> bytes:
    return hashlib.shake_256(f"lint-policies/keygen/{kind}/{salt}/{name}".encode()).digest(n)


def _draw(kind: str, name: str, alphabet: str, n: int, bad=()) -> str:
    mask = len(alphabet) - 1  # both alphabets have a power-of-two size
    salt = 0
    while True:
        out = "".join(alphabet[b & mask] for b in _stream(kind, name, n, salt))
        if not any(w in out for w in bad):
            return out
        salt += 1


def key_id(name: str, prefix: str = "AKIA") -> str:
    """An access key ID: ``prefix`` + 16 characters of ``A-Z2-7``."""
    return prefix + _draw("ID", f"{prefix}:{name}", KEY_ALPHABET, 16, bad=("EXAM", "IOSFODNN"))


def secret(name: str) -> str:
    """A 40-character secret access key of ``A-Za-z0-9/+``."""
    return _draw("SECRET", name, SECRET_ALPHABET, 40, bad=("EXAM",))


def token(name: str) -> str:
    """A session token: a few hundred base64 characters."""
    body = _draw("TOKEN", name, SECRET_ALPHABET, TOKEN_LENGTH - len(TOKEN_HEAD), bad=("EXAMPLE",))
    return TOKEN_HEAD + body


def fill_placeholders(text: str) -> str:
    """Replace every ``{{ID:PREFIX:name}}``, ``{{SECRET:name}}``, ``{{TOKEN:name}}``."""

    def one(m: re.Match) -> str:
        kind, prefix, name = m.group(1), m.group(2), m.group(3)
        if kind == "ID":
            return key_id(name, prefix or "AKIA")
        if kind == "SECRET":
            return secret(name)
        return token(name)

    return PLACEHOLDER_RE.sub(one, text)


def placeholder_values(text: str) -> list[str]:
    """The values the placeholders of ``text`` stand for (to check that none leaks)."""
    out = []
    for m in PLACEHOLDER_RE.finditer(text):
        v = fill_placeholders(m.group(0))
        if v not in out:
            out.append(v)
    return out
