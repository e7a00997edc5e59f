"""IAM wildcard matching without regular expressions, in time linear in practice.

IAM wildcards are ``*`` (any run of characters, including none) and ``?`` (exactly
one character); every other character is literal. Action names and condition keys
compare case-insensitively, so :func:`matches` folds case by default.

A regular expression built by turning ``*`` into ``.*`` backtracks exponentially on
patterns such as ``*?*?*?*?#`` (eight pairs took seconds per action name). Here the
classic two-pointer glob is used: one pass over the text, and on a mismatch it
resumes just after the *last* ``*`` only, never an earlier one (an earlier star can
never do better than the last one). That bounds the work by ``len(pattern) *
len(text)``, and two cheap checks keep the pattern short: runs of ``*`` collapse to
one, and a pattern with more literal characters and ``?`` than the text has
characters cannot match at all. So the cost of a match is at most quadratic in the
length of the *text* (an action name, a few dozen characters), whatever the length
of the pattern an attacker writes.

:func:`compile` returns a matcher for one pattern, with fast paths for the common
shapes (no wildcard, ``Prefix*``, ``*Suffix``, ``*Middle*``) and a literal-segment
pre-filter, for callers that test one pattern against many names.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Callable

__all__ = ["matches", "compile", "glob"]


def _fold(s: str) -> str:
    """Lowercase ``s`` character by character (length-preserving)."""
    low = s.lower()
    if len(low) == len(s):
        return low
    # A few characters lowercase to two (U+0130): keep those as they are.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


def _collapse(pattern: str) -> str:
    """``a**b***`` -> ``a*b*`` (consecutive stars mean the same as one)."""
    if "**" not in pattern:
        return pattern
    out = []
    prev_star = False
    for ch in pattern:
        star = ch == "*"
        if not (star and prev_star):
            out.append(ch)
        prev_star = star
    return "".join(out)


def glob(pattern: str, text: str) -> bool:
    """Whether ``text`` matches ``pattern`` exactly (case-sensitive; fold both first for
    case-insensitive matching). ``pattern`` should already be collapsed."""
    np, nt = len(pattern), len(text)
    if np - pattern.count("*") > nt:
        return False  # more characters to match than the text has
    p = t = 0
    star = -1
    mark = 0
    while t < nt:
        if p < np:
            c = pattern[p]
            if c == "*":
                star = p
                p += 1
                mark = t
                continue
            if c == "?" or c == text[t]:
                p += 1
                t += 1
                continue
        if star < 0:
            return False
        # resume after the last star, which now swallows one more character
        p = star + 1
        mark += 1
        t = mark
    while p < np and pattern[p] == "*":
        p += 1
    return p == np


def compile(pattern: str, ignore_case: bool = True) -> Callable[[str], bool]:  # noqa: A001 - like re.compile
    """A function ``text -> bool`` that matches ``pattern`` (IAM wildcards)."""
    pat = _fold(pattern) if ignore_case else pattern
    fold = _fold if ignore_case else (lambda s: s)
    pat = _collapse(pat)
    if "*" not in pat and "?" not in pat:
        return lambda text: fold(text) == pat
    if "?" not in pat:
        stars = pat.count("*")
        if pat == "*":
            return lambda text: True
        if stars == 1 and pat.endswith("*"):
            head = pat[:-1]
            return lambda text: fold(text).startswith(head)
        if stars == 1 and pat.startswith("*"):
            tail = pat[1:]
            return lambda text: fold(text).endswith(tail)
        if stars == 2 and pat.startswith("*") and pat.endswith("*"):
            mid = pat[1:-1]
            return lambda text: mid in fold(text)
    # Every literal segment must occur in the text: a cheap test that rejects most names.
    segments = [s for s in pat.replace("?", "*").split("*") if s]
    need = len(pat) - pat.count("*")

    def match(text: str) -> bool:
        t = fold(text)
        if len(t) < need:
            return False
        for s in segments:
            if s not in t:
                return False
        return glob(pat, t)

    return match


def matches(pattern: str, text: str, ignore_case: bool = True) -> bool:
    """Whether ``text`` matches the IAM wildcard ``pattern`` (``*`` any run, ``?`` one character)."""
    if ignore_case:
        pattern, text = _fold(pattern), _fold(text)
    if "*" not in pattern and "?" not in pattern:
        return pattern == text
    return glob(_collapse(pattern), text)
