"""Python 3.12's f-strings (PEP 701) on an older interpreter.

Since Python 3.12 a replacement field may hold a string written with the f-string's own quote
(``f"{cfg["region"]}"``, ``f"{", ".join(names)}"``). An older ``ast.parse`` calls that a syntax
error, though the file is valid Python for the interpreter its authors run. :func:`compatible`
rewrites the delimiters of such inner strings to the other quote character, keeping every other
character where it is (so every line and column the parser reports is the file's), when that
can be done without changing a value: the inner string holds neither quote character, and is not
itself triple-quoted. Anything else PEP 701 allows (a backslash or a comment in a replacement
field, deeper nesting that would need a third quote character) gives None; :func:`opaque` then
turns each one-line f-string the older parser refuses into one of the same length whose value is
not known (``f"{_    }"``), so the rest of the file is read; a multi-line one leaves the file
reported as the older parser sees it.
"""
from __future__ import annotations

from typing import Optional

_PREFIX_CHARS = frozenset("rRbBuUfF")
_OTHER = {'"': "'", "'": '"'}


def opaque(text: str, line: int, col: int) -> Optional[str]:
    """``text`` with the one-line f-string at ``line``/``col`` (1-based, where the older parser
    stopped) replaced by ``f"{_ ... }"`` of the same length: a value not known, every other character
    in place. None when no such f-string is there."""
    import io
    import tokenize

    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type != tokenize.STRING or tok.start[0] != line or tok.end[0] != line:
                continue
            if not (tok.start[1] < col <= tok.end[1] + 1):
                continue
            prefix = tok.string[:len(tok.string) - len(tok.string.lstrip("rRbBuUfF"))]
            if "f" not in prefix.lower():
                return None
            width = len(tok.string)
            if width < 6:
                return None
            lines = text.split("\n")
            row = lines[line - 1]
            lines[line - 1] = row[:tok.start[1]] + 'f"{_' + " " * (width - 6) + '}"' + row[tok.end[1]:]
            return "\n".join(lines)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return None


class _GiveUp(Exception):
    pass


def compatible(text: str) -> Optional[str]:
    """``text`` with the inner strings of f-string replacement fields requoted (see the module
    docstring), or None when there is nothing to requote or it cannot be done."""
    if "f" not in text.lower():
        return None
    out = list(text)
    changed = []
    try:
        _Scanner(text, out, changed).module()
    except (_GiveUp, IndexError):
        return None
    return "".join(out) if changed else None


class _Scanner:
    def __init__(self, text: str, out: list, changed: list) -> None:
        self.t = text
        self.n = len(text)
        self.out = out
        self.changed = changed

    def module(self) -> None:
        i = 0
        t, n = self.t, self.n
        while i < n:
            ch = t[i]
            if ch == "#":
                j = t.find("\n", i)
                i = n if j < 0 else j
            elif ch in "'\"":
                i = self.string(i, "", frozenset())
            elif ch in _PREFIX_CHARS and (i == 0 or not (t[i - 1].isalnum() or t[i - 1] == "_")):
                j = i
                while j < n and j - i < 2 and t[j] in _PREFIX_CHARS:
                    j += 1
                if j < n and t[j] in "'\"":
                    i = self.string(j, t[i:j], frozenset())
                else:
                    i = j
            else:
                i += 1

    def string(self, q: int, prefix: str, forbidden: frozenset) -> int:
        """Scan the string literal whose opening quote is at ``q``; return the index past its end.
        ``forbidden``: the quote characters of the f-strings it is inside (it must not use them)."""
        t = self.t
        quote = t[q]
        triple = t.startswith(quote * 3, q)
        delim = quote * 3 if triple else quote
        is_f = "f" in prefix.lower()
        i = q + len(delim)
        start = i
        while True:
            ch = t[i]  # IndexError: unterminated, give up
            if ch == "\\":
                i += 2
                continue
            if t.startswith(delim, i):
                end = i
                break
            if not triple and ch == "\n":
                raise _GiveUp
            if is_f and ch == "{":
                if t.startswith("{{", i):
                    i += 2
                    continue
                i = self.field(i + 1, forbidden | {quote} if not triple else forbidden | {quote * 3})
                continue
            i += 1
        if quote in forbidden:
            new = _OTHER[quote]
            body = t[start:end]
            if triple or new in forbidden or "'" in body or '"' in body or "\\" in body:
                raise _GiveUp
            self.out[q] = new
            self.out[end] = new
            self.changed.append(q)
        elif triple and quote * 3 in forbidden:
            raise _GiveUp
        return end + len(delim)

    def field(self, i: int, forbidden: frozenset) -> int:
        """Scan a replacement field from just past its ``{``; return the index past its ``}``."""
        t = self.t
        depth = 0
        while True:
            ch = t[i]
            if ch in "([{":
                depth += 1
            elif ch in ")]" or (ch == "}" and depth > 0):
                depth -= 1
            elif ch == "}":
                return i + 1
            elif ch == ":" and depth == 0:
                return self.spec(i + 1, forbidden)
            elif ch == "!" and depth == 0 and not t.startswith("!=", i):
                i += 1  # a conversion (!r); the spec or the end follows
                continue
            elif ch in "#\\":
                raise _GiveUp  # allowed in 3.12 only, and not by a change of quotes
            elif ch in "'\"":
                i = self.string(i, "", forbidden)
                continue
            elif ch in _PREFIX_CHARS and not (t[i - 1].isalnum() or t[i - 1] == "_"):
                j = i
                while j - i < 2 and t[j] in _PREFIX_CHARS:
                    j += 1
                if t[j] in "'\"":
                    i = self.string(j, t[i:j], forbidden)
                    continue
                i = j
                continue
            i += 1

    def spec(self, i: int, forbidden: frozenset) -> int:
        """Scan a format spec (after ``:``), which may hold nested fields; return past its ``}``."""
        t = self.t
        while True:
            ch = t[i]
            if ch == "{":
                i = self.field(i + 1, forbidden)
                continue
            if ch == "}":
                return i + 1
            if ch in "'\"\n":
                raise _GiveUp
            i += 1
