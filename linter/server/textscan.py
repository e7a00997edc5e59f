"""What is under the cursor: the word (an action, a pattern, a condition key) and where it is
written (a value of ``Action``, a key of a ``Condition`` operator).

Editors ask about text that is half typed and does not parse, so this is a tolerant scan of
the text before the cursor, not the linter's parsers: a bracket scanner for JSON and HCL
(``jsonencode``, heredocs, ``aws_iam_policy_document`` blocks) and an indentation scanner for
YAML. When the place cannot be told for sure, the answer is None and the server offers
nothing: completion is offered only where the scan knows it is inside ``Action``/``NotAction``
or at a condition key.
"""
from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Optional

#: Characters of an action, a pattern or a condition key (``token.actions.githubusercontent.com:sub``,
#: ``aws:ResourceTag/team``, ``sagemaker:Create*``).
WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_:*?./-@+$")
#: How far back the scanners read (a completion in a 5 MB file is not worth a 5 MB scan).
MAX_SCAN = 128 * 1024
#: A YAML line longer than this is not read for keys (the key pattern is not linear on any line).
MAX_YAML_LINE = 2000

ACTION_KEYS = frozenset(("Action", "NotAction"))
HCL_ACTION_KEYS = frozenset(("actions", "not_actions"))


def style_of(path: str, text: str) -> str:
    """``"json"``, ``"yaml"`` or ``"hcl"``: how the file is written."""
    low = path.lower()
    if low.endswith((".tf", ".tfvars", ".hcl")):
        return "hcl"
    if low.endswith((".yaml", ".yml")):
        return "yaml"
    if low.endswith((".json", ".tpl", ".tftpl", ".tmpl", ".j2", ".jinja", ".jinja2")):
        return "json"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def word_at(line: str, col: int) -> Optional[tuple[int, int]]:
    """``(start, end)`` code-point indexes of the word of :data:`WORD_CHARS` around ``col`` in
    ``line`` (the cursor is before ``line[col]``; a word that ends at the cursor counts), or None."""
    n = len(line)
    col = min(max(col, 0), n)
    start = col
    while start > 0 and line[start - 1] in WORD_CHARS:
        start -= 1
    end = col
    while end < n and line[end] in WORD_CHARS:
        end += 1
    if start == end:
        return None
    return start, end


class Place:
    """Where the cursor is: ``what`` is ``"value"`` or ``"key"``; ``owner`` the key whose value
    it is in (for a value); ``keys`` the keys of the enclosing containers, outermost first."""

    __slots__ = ("what", "owner", "keys")

    def __init__(self, what: str, owner: Optional[str], keys: list) -> None:
        self.what = what
        self.owner = owner
        self.keys = keys

    def __repr__(self) -> str:
        return f"Place({self.what!r}, {self.owner!r}, {self.keys!r})"

    def in_action(self, style: str) -> bool:
        """A value of ``Action``/``NotAction`` (``actions``/``not_actions`` of an HCL ``statement`` block)."""
        if self.what != "value":
            return False
        if self.owner in ACTION_KEYS:
            return True
        return style == "hcl" and self.owner in HCL_ACTION_KEYS and bool(self.keys) and self.keys[-1] == "statement"

    def at_condition_key(self, style: str) -> bool:
        """Where a condition key is written: a key of an operator inside ``Condition`` (JSON, YAML,
        ``jsonencode``), or the ``variable`` of an HCL ``condition`` block."""
        if self.what == "key":
            return len(self.keys) >= 2 and self.keys[-2] == "Condition" and self.keys[-1] not in (None, "Condition")
        return (style == "hcl" and self.owner == "variable" and bool(self.keys)
                and self.keys[-1] == "condition")


def place(text: str, offset: int, style: str) -> Optional[Place]:
    """Where ``offset`` (a code-point offset, the cursor) is, or None when the scan cannot tell."""
    if style == "yaml":
        return _yaml_place(text, offset)
    return _bracket_place(text, offset, hcl=style == "hcl")


# ---------------------------------------------------------------------------
# JSON and HCL


class _Frame:
    __slots__ = ("open", "key", "member", "first", "value_seen")

    def __init__(self, open_: str, key: Optional[str]) -> None:
        self.open = open_  # "", "{", "[" or "("
        self.key = key  # the key whose value this container is
        self.member: Optional[str] = None  # in "{" (and the HCL body): the key being given a value
        self.first: Optional[str] = None  # HCL: the first word of the statement (a block's type)
        self.value_seen = False


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def _bracket_place(text: str, offset: int, hcl: bool) -> Optional[Place]:
    begin = max(0, offset - MAX_SCAN)
    if begin:
        return None  # too far from the start to know the structure
    stack = [_Frame("", None)]
    last: Optional[str] = None  # the last string or word, a key when ":" or "=" follows
    i = 0
    n = offset
    while i < n:
        c = text[i]
        top = stack[-1]
        if c == '"':
            j = i + 1
            depth = 0
            while j < len(text):
                d = text[j]
                if d == "\\":
                    j += 2
                    continue
                if hcl and d == "$" and text.startswith("${", j):
                    depth += 1
                    j += 2
                    continue
                if hcl and depth and d == "}":
                    depth -= 1
                elif d == '"' and not depth:
                    break
                elif d == "\n" and not hcl:
                    break
                j += 1
            if j >= n:  # the cursor is in this string
                return _in_string(stack, last_is_key=False)
            last = text[i + 1:j]
            if top.member is not None:
                top.value_seen = True
            i = j + 1
            continue
        if hcl and (c == "#" or text.startswith("//", i)):
            j = text.find("\n", i)
            if j < 0 or j >= n:
                return None  # in a comment
            i = j
            continue
        if hcl and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0 or j + 2 > n:
                return None
            i = j + 2
            continue
        if c in "{[(":
            if top.open in ("{", "") and top.member is not None:
                key = top.member
                top.value_seen = True
            elif top.open in ("{", "") and hcl and c == "{":
                key = top.first  # a block: `condition {`, `statement {`
            else:
                key = top.key
            stack.append(_Frame(c, key))
            last = None
            i += 1
            continue
        if c in "}])":
            if len(stack) > 1:
                stack.pop()
            top = stack[-1]
            if top.member is not None:
                top.value_seen = True
            last = None
            i += 1
            continue
        if c in ":=" and top.open in ("{", ""):
            if c == "=" and (text.startswith("==", i) or (i and text[i - 1] in "!<>=")):
                i += 1
                continue
            if last is not None and top.member is None:
                top.member = last
                top.value_seen = False
            last = None
            i += 1
            continue
        if c == ",":
            if top.open in ("{", ""):
                top.member = None
                top.first = None
            last = None
            i += 1
            continue
        if c == "\n":
            if hcl and top.open in ("{", "") and (top.member is None or top.value_seen):
                top.member = None
                top.first = None
                last = None
            i += 1
            continue
        if hcl:
            m = _IDENT.match(text, i)
            if m:
                word = m.group(0)
                if m.end() >= n:
                    return None  # the cursor is in a bare word (an HCL expression)
                if top.open in ("{", "") and top.member is None and top.first is None:
                    top.first = word
                elif top.member is not None:
                    top.value_seen = True
                last = word
                i = m.end()
                continue
        i += 1
    return None  # the cursor is not in a string: nothing to complete there


def _in_string(stack: list, last_is_key: bool) -> Place:
    top = stack[-1]
    keys = [f.key for f in stack[1:]]
    if top.open in ("{", ""):
        if top.member is not None:
            return Place("value", top.member, keys)
        return Place("key", None, keys)
    if top.open == "[":
        return Place("value", top.key, keys[:-1] if keys else keys)
    return Place("value", None, keys)


# ---------------------------------------------------------------------------
# YAML

def _dashes(s: str) -> int:
    """Length of the leading ``- `` list markers of a stripped YAML line (``- - key:``)."""
    i, n = 0, len(s)
    while i + 1 < n and s[i] == "-" and s[i + 1] in " \t":
        i += 2
        while i < n and s[i] in " \t":
            i += 1
    return i


def _yaml_key(s: str) -> Optional[tuple]:
    """``(key, end)`` of a YAML ``key:`` at the start of ``s`` (quoted or plain), else None.
    One pass over the line (a regular expression with a lazy key backtracked on long lines)."""
    if not s:
        return None
    if s[0] in "\"'":
        close = s.find(s[0], 1)
        if close < 0:
            return None
        j = close + 1
        while j < len(s) and s[j] in " \t":
            j += 1
        if j < len(s) and s[j] == ":" and (j + 1 == len(s) or s[j + 1] in " \t"):
            return s[1:close], min(j + 2, len(s))  # past the colon and the blank after it
        return None
    if s[0] in "#[{" or s[0].isspace() or (s[0] == "-" and (len(s) == 1 or s[1].isspace() or s[1] == "#")):
        return None
    i = 0
    while True:
        j = s.find(":", i)
        if j < 0 or "#" in s[i:j]:
            return None  # no key, or a comment before the colon
        if j + 1 == len(s) or s[j + 1] in " \t":
            key = s[:j].rstrip(" \t")
            return (key, min(j + 2, len(s))) if key else None  # past the colon and the blank after it
        i = j + 1


def _yaml_line(line: str) -> tuple[int, int, Optional[str], str, bool]:
    """(indent, key indent, key or None, rest after "key:", is a list item)."""
    stripped = line.lstrip(" ")
    indent = len(line) - len(stripped)
    if len(stripped) > MAX_YAML_LINE:
        return indent, indent, None, stripped, False
    dash = _dashes(stripped)
    found = _yaml_key(stripped[dash:])
    if found is None:
        return indent, indent + dash, None, stripped[dash:], dash > 0
    key, end = found
    return indent, indent + dash, key, stripped[dash + end:], dash > 0


def _yaml_place(text: str, offset: int) -> Optional[Place]:
    begin = text.rfind("\n", 0, offset) + 1
    before = text[begin:offset]
    if len(before) > MAX_YAML_LINE:
        return None
    if "#" in before and re.search(r"(^|\s)#", before):
        return None  # in a comment (or a string holding " #": not sure, so nothing)
    # "aws:" just typed is a word being typed, not yet the key "aws" (a YAML key needs ": ")
    probe = before[:-1] + "x" if before.endswith(":") else before
    indent, key_indent, key, rest, item = _yaml_line(probe)
    if key is not None:
        # `Key: value|` on this line (also `- Key: value|` and `Key: [a, b|`)
        return Place("value", key, _yaml_parents(text, begin, key_indent, item))
    if item:  # `- value|`
        parents = _yaml_parents(text, begin, indent, True)
        return Place("value", parents[-1] if parents else None, parents[:-1])
    # a key being typed
    parents = _yaml_parents(text, begin, key_indent, False)
    return Place("key", None, parents)


def _yaml_parents(text: str, begin: int, indent: int, item: bool) -> list:
    """Keys of the lines above ``begin`` that contain a line indented ``indent`` (outermost first)."""
    out: list = []
    end = begin - 1
    want = indent
    same_ok = item  # `Key:` followed by `- item` at the same indentation
    scanned = 0
    while end > 0 and scanned < MAX_SCAN:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].rstrip("\r")
        scanned += end - start + 1
        end = start - 1
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        ind, key_ind, key, rest, is_item = _yaml_line(line)
        if key_ind < want or (same_ok and key_ind == want and key is not None and not rest.strip() and not is_item):
            if key is None:
                if is_item and ind < want:
                    want = ind
                    same_ok = True
                    continue
                break
            out.append(key)
            want = key_ind if not is_item else ind
            same_ok = is_item
            if want == 0 and not is_item:
                break
        if ind == 0 and key_ind == 0 and not is_item:
            break
    out.reverse()
    return out
