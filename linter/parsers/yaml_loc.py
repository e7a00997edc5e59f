"""YAML to a located tree, safely.

The text goes through PyYAML's libyaml-backed parser (``yaml.CSafeLoader``; the
pure-Python ``SafeLoader`` when libyaml is missing) and this module builds the
nodes itself from the parser's event stream: :class:`~linter.located.LDict`,
:class:`~linter.located.LList`, :class:`~linter.located.LStr` and
:class:`~linter.located.LScalar` with 1-based spans whose end is exclusive. Only
plain data comes out: no Python object is ever constructed from a tag.

Building from events rather than from PyYAML's composed node graph keeps three
guarantees cheap and exact:

* **Depth.** libyaml's composer recurses once per nesting level (a 100,000-level
  document crashes the interpreter), and its scanner gets slow well before that.
  Here nesting is counted as events arrive and the parse stops at
  :data:`MAX_DEPTH` levels with a :class:`~linter.located.ParseError` at the place
  it happened, long before either problem starts.
* **Aliases.** An alias shares the value built for its anchor (no copy), and the
  number of nodes that aliases make a reader walk is counted. An alias bomb (a few
  KB that expands to billions of nodes) stops at :data:`MAX_ALIAS_NODES` after a
  handful of events.
* **CloudFormation short forms.** ``!Ref X`` becomes ``{"Ref": "X"}``,
  ``!Condition X`` becomes ``{"Condition": "X"}`` and every other ``!Name value``
  becomes ``{"Fn::Name": value}`` -- the same tree as the long form, located: the
  mapping spans the whole tagged node, its key span is the tag and the value spans
  what follows the tag. ``!GetAtt Res.Attr`` becomes ``["Res", "Attr"]``.

Plain scalars resolve as YAML 1.1 (``true``, ``~``, ``42``, ``1.5``) except
timestamps, which stay strings (``Version: 2012-10-17``). A resolved number or
boolean is a :class:`YScalar`, an :class:`~linter.located.LScalar` that also keeps
the text as written (``012345678901`` is an account id, not an octal number).
Mapping keys are always strings. Repeated keys are kept in ``LDict.duplicates``
(the last value wins); ``<<`` merge keys are honoured.
"""
from __future__ import annotations

import re
from bisect import bisect_right
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from ..located import LDict, LList, LScalar, LStr, LimitError, ParseError, Span
from .._regex import PLUS

#: Deepest nesting of collections accepted. CloudFormation templates rarely pass 20.
MAX_DEPTH = 200
#: Total nodes that aliases may make a reader walk (the sum of the sizes of the
#: aliased values). Templates almost never use aliases at all.
MAX_ALIAS_NODES = 100_000

__all__ = ["YScalar", "YAMLLimitError", "parse_yaml", "parse_yaml_stream", "scan_comments", "MAX_DEPTH", "MAX_ALIAS_NODES"]


class YAMLLimitError(LimitError):
    """The text is valid YAML but over a safety limit (nesting depth, alias expansion)."""


class YScalar(LScalar):
    """A resolved plain scalar (number, boolean, null) that remembers its text."""

    __slots__ = ("text",)

    def __init__(self, value: Any, span: Span, text: str) -> None:
        super().__init__(value, span)
        self.text = text

    def __reduce__(self):
        return (YScalar, (self.value, self.span, self.text))


# ---------------------------------------------------------------------------
# Plain scalar resolution (YAML 1.1 as PyYAML's SafeLoader does it, minus timestamps)

_BOOL = {
    "yes": True, "Yes": True, "YES": True, "true": True, "True": True, "TRUE": True,
    "on": True, "On": True, "ON": True,
    "no": False, "No": False, "NO": False, "false": False, "False": False, "FALSE": False,
    "off": False, "Off": False, "OFF": False,
}
_NULL = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"""[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+""" + PLUS, re.X)
# Used with fullmatch; the look-behind keeps a search from starting inside a number
# (each start would rescan the digits up to a "." that never comes).
_FLOAT = re.compile(r"""(?<![-+0-9_.:])(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+""" + PLUS + r"""\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))""", re.X)
_MAYBE_SPECIAL = frozenset("0123456789+-.~nNtTfFyYoO")


def _int_value(text: str) -> int:
    s = text.replace("_", "")
    sign = 1
    if s[:1] in "+-":
        if s[0] == "-":
            sign = -1
        s = s[1:]
    if s == "0":
        return 0
    if s.startswith("0b"):
        return sign * int(s[2:], 2)
    if s.startswith("0x"):
        return sign * int(s[2:], 16)
    if s[0] == "0":
        return sign * int(s, 8)
    if ":" in s:
        value = 0
        for part in s.split(":"):
            value = value * 60 + int(part)
        return sign * value
    return sign * int(s)


def _float_value(text: str) -> float:
    s = text.replace("_", "").lower()
    sign = 1.0
    if s[:1] in "+-":
        if s[0] == "-":
            sign = -1.0
        s = s[1:]
    if s == ".inf":
        return sign * float("inf")
    if s == ".nan":
        return float("nan")
    if ":" in s:
        value = 0.0
        for part in s.split(":"):
            value = value * 60 + float(part)
        return sign * value
    return sign * float(s)


def _plain(value: str, span: Span) -> Any:
    if value[:1] not in _MAYBE_SPECIAL and value:
        return LStr(value, span)
    if value in _NULL:
        return YScalar(None, span, value)
    b = _BOOL.get(value)
    if b is not None:
        return YScalar(b, span, value)
    if _INT.fullmatch(value):
        try:
            return YScalar(_int_value(value), span, value)
        except ValueError:  # "0_8" looks octal but is not
            return LStr(value, span)
    if _FLOAT.fullmatch(value):
        try:
            return YScalar(_float_value(value), span, value)
        except ValueError:
            return LStr(value, span)
    return LStr(value, span)


def _std_tagged(tag: str, value: str, span: Span) -> Any:
    kind = tag[18:]  # after "tag:yaml.org,2002:"
    if kind == "int" and _INT.fullmatch(value):
        return YScalar(_int_value(value), span, value)
    if kind == "float" and (_FLOAT.fullmatch(value) or _INT.fullmatch(value)):
        try:
            return YScalar(_float_value(value), span, value)
        except ValueError:
            pass
    if kind == "bool" and value in _BOOL:
        return YScalar(_BOOL[value], span, value)
    if kind == "null":
        return YScalar(None, span, value)
    return LStr(value, span)


# ---------------------------------------------------------------------------
# Positions inside the text (tags and anchors before a node)

def _after_properties(text: str, index: int) -> tuple[Optional[tuple[int, int]], int]:
    """Skip the anchor and tag written at ``index``.

    Returns ``((tag_start, tag_end) or None, start of the node's content)``.
    """
    n = len(text)
    i = index
    tag = None
    for _ in range(2):
        if i >= n or text[i] not in "&!":
            break
        j = i
        if text.startswith("!<", i):
            j = text.find(">", i)
            j = n if j == -1 else j + 1
        else:
            while j < n and text[j] not in " \t\r\n,[]{}":
                j += 1
        if text[i] == "!":
            tag = (i, j)
        i = j
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i < n and text[i] == "#":  # a comment between the tag and its node
            nl = text.find("\n", i)
            i = n if nl == -1 else nl
            while i < n and text[i] in " \t\r\n":
                i += 1
    return tag, i


class _Pos:
    """(line, col) of character offsets, computed lazily (only tagged nodes need it)."""

    __slots__ = ("text", "starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: Optional[list[int]] = None

    def at(self, offset: int) -> tuple[int, int]:
        if self.starts is None:
            starts = [0]
            find = self.text.find
            i = find("\n")
            while i != -1:
                starts.append(i + 1)
                i = find("\n", i + 1)
            self.starts = starts
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _intrinsic_key(tag: str) -> str:
    name = tag[1:]
    if name in ("Ref", "Condition"):
        return name
    return "Fn::" + name


# ---------------------------------------------------------------------------
# The builder


class _Frame:
    """A collection being built: its node, and for a mapping the key waiting for its value."""

    __slots__ = ("node", "is_map", "key", "key_span", "key_plain", "tag", "anchor", "start", "size",
                 "flow", "last_mark", "merges", "start_index")

    def __init__(self, node, is_map, tag, anchor, start, flow, start_index):
        self.node = node
        self.is_map = is_map
        self.key = None
        self.key_span = None
        self.key_plain = False
        self.tag = tag
        self.anchor = anchor
        self.start = start
        self.size = 1
        self.flow = flow
        self.last_mark = None
        self.merges = None
        self.start_index = start_index


def _key_text(value: Any) -> str:
    """A mapping key is always a string: the text of a scalar, else a rendering."""
    if isinstance(value, YScalar):
        return value.text
    if isinstance(value, LScalar):
        return "" if value.value is None else str(value.value)
    return str(value)


def _set_value(f: _Frame, value: Any) -> None:
    """Store ``value`` under the pending key of the mapping frame ``f``."""
    key = f.key
    span = f.key_span
    f.key = None
    d = f.node
    if f.key_plain and key == "<<" and (isinstance(value, dict) or (
            isinstance(value, list) and value and all(isinstance(v, dict) for v in value))):
        if f.merges is None:
            f.merges = []
        f.merges.extend([value] if isinstance(value, dict) else value)
        return
    if key in d:
        d.duplicates.append((key, span))
        del d[key]  # the later key wins, and moves to the end as it would in a rebuilt mapping
    d[key] = value
    d.key_spans[key] = span


def _loader_class():
    import yaml

    return getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


def parse_yaml_stream(text: str, *, max_depth: int = MAX_DEPTH, max_alias_nodes: int = MAX_ALIAS_NODES,
                      hash_spans: Optional[list] = None) -> list[Any]:
    """Parse every document of a YAML stream; return their located roots.

    ``hash_spans``, when given, receives ``(start, end)`` character offsets of every
    scalar whose value contains ``#`` (so that :func:`scan_comments` can tell a
    comment from a ``#`` inside a string).

    Raises :class:`~linter.located.ParseError` on a syntax error, and
    :class:`YAMLLimitError` on nesting deeper than ``max_depth`` or on aliases
    expanding to more than ``max_alias_nodes`` nodes.
    """
    import yaml
    from yaml import events as ev

    loader = _loader_class()(text)
    get_event = loader.get_event
    ScalarEvent = ev.ScalarEvent
    MappingStartEvent = ev.MappingStartEvent
    SequenceStartEvent = ev.SequenceStartEvent
    MappingEndEvent = ev.MappingEndEvent
    SequenceEndEvent = ev.SequenceEndEvent
    AliasEvent = ev.AliasEvent
    DocumentStartEvent = ev.DocumentStartEvent
    DocumentEndEvent = ev.DocumentEndEvent
    StreamEndEvent = ev.StreamEndEvent

    pos = _Pos(text)
    docs: list[Any] = []
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}
    alias_total = 0
    root: Any = None

    def tagged_span(index: int, line: int, col: int):
        """(tag span or None, offset and (line, col) where the node's content starts)."""
        tag_off, inner = _after_properties(text, index)
        if tag_off is None:
            return None, index, (line, col)
        tl, tc = pos.at(tag_off[0])
        el, ec = pos.at(tag_off[1])
        return Span(tl, tc, el, ec), inner, pos.at(inner)

    def wrap(tag: str, value: Any, whole: Span, tag_span: Span) -> LDict:
        key = _intrinsic_key(tag)
        d = LDict(span=whole)
        d[key] = value
        d.key_spans[key] = tag_span
        return d

    def add(value: Any, size: int, mark) -> None:
        """Attach a finished node (not a mapping key) to its parent."""
        nonlocal root
        if not stack:
            root = value
            return
        f = stack[-1]
        f.size += size
        f.last_mark = mark
        if not f.is_map:
            f.node.append(value)
        elif f.key is None:  # an alias or a collection used as a key
            f.key = _key_text(value)
            f.key_span = getattr(value, "span", None) or f.node.span
            f.key_plain = False
        else:
            _set_value(f, value)

    try:
        while True:
            e = get_event()
            if e is None:
                break
            cls = e.__class__
            if cls is ScalarEvent:
                sm = e.start_mark
                em = e.end_mark
                value = e.value
                tag = e.tag
                if hash_spans is not None and "#" in value:
                    hash_spans.append((sm.index, em.index))
                span = Span(sm.line + 1, sm.column + 1, em.line + 1, em.column + 1)
                if stack:
                    f = stack[-1]
                    if f.is_map and f.key is None:  # the fast path: a mapping key
                        f.key = value
                        f.key_span = span
                        f.key_plain = tag is None and e.implicit[0]
                        f.size += 1
                        f.last_mark = em
                        if e.anchor is not None:
                            anchors[e.anchor] = (LStr(value, span), 1)
                        continue
                if tag is None:
                    node = _plain(value, span) if e.implicit[0] else LStr(value, span)
                elif tag == "!":
                    node = LStr(value, span)
                elif tag.startswith("tag:yaml.org,2002:"):
                    node = _std_tagged(tag, value, span)
                elif tag[:1] == "!":
                    tag_span, inner_off, inner = tagged_span(sm.index, span.line, span.col)
                    inner_span = Span(inner[0], inner[1], span.end_line, span.end_col)
                    if tag == "!GetAtt" and "." in value:
                        res, attr = value.split(".", 1)
                        l0 = inner_span.line
                        c0 = inner_span.col + (1 if text[inner_off:inner_off + 1] in ("'", '"') else 0)
                        inner_value: Any = LList([
                            LStr(res, Span(l0, c0, l0, c0 + len(res))),
                            LStr(attr, Span(l0, c0 + len(res) + 1, l0, c0 + len(value))),
                        ], span=inner_span)
                    else:
                        inner_value = LStr(value, inner_span)
                    node = wrap(tag, inner_value, span, tag_span or span)
                else:
                    node = LStr(value, span)
                if e.anchor is not None:
                    anchors[e.anchor] = (node, 1)
                if stack:
                    f.size += 1
                    f.last_mark = em
                    if f.is_map:
                        _set_value(f, node)
                    else:
                        f.node.append(node)
                else:
                    root = node
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                sm = e.start_mark
                if len(stack) >= max_depth:
                    raise YAMLLimitError(
                        f"YAML is nested more than {max_depth} levels deep; not linted "
                        f"(no policy or template needs this; it looks like an attempt to exhaust the linter)",
                        Span(sm.line + 1, sm.column + 1, sm.line + 1, sm.column + 2))
                is_map = cls is MappingStartEvent
                span0 = Span(sm.line + 1, sm.column + 1, sm.line + 1, sm.column + 1)
                node = LDict(span=span0) if is_map else LList(span=span0)
                stack.append(_Frame(node, is_map, e.tag, e.anchor, (sm.line + 1, sm.column + 1),
                                    bool(e.flow_style), sm.index))
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                f = stack.pop()
                mark = e.end_mark if f.flow or f.last_mark is None else f.last_mark
                end = (mark.line + 1, mark.column + 1)
                node = f.node
                node.span = Span(f.start[0], f.start[1], end[0], end[1])
                if f.merges:
                    for m in f.merges:
                        for k, v in m.items():
                            if k not in node:
                                node[k] = v
                                node.key_spans[k] = m.key_span(k) if isinstance(m, LDict) else node.span
                tag = f.tag
                if tag and tag[:1] == "!" and tag != "!":
                    tag_span, _, inner = tagged_span(f.start_index, f.start[0], f.start[1])
                    whole = node.span
                    node.span = Span(inner[0], inner[1], end[0], end[1])
                    node = wrap(tag, node, whole, tag_span or whole)
                if f.anchor is not None:
                    anchors[f.anchor] = (node, f.size)
                add(node, f.size, mark)
            elif cls is AliasEvent:
                sm = e.start_mark
                em = e.end_mark
                span = Span(sm.line + 1, sm.column + 1, em.line + 1, em.column + 1)
                hit = anchors.get(e.anchor)
                if hit is None:
                    raise ParseError(f"YAML alias *{e.anchor} refers to no anchor defined before it", span)
                node, size = hit
                alias_total += size
                if alias_total > max_alias_nodes:
                    raise YAMLLimitError(
                        f"YAML aliases expand to more than {max_alias_nodes:,} nodes (alias *{e.anchor} "
                        f"alone stands for {size:,}); not linted: this looks like an alias bomb", span)
                add(node, size, em)
            elif cls is DocumentStartEvent:
                root = None
                anchors = {}
            elif cls is DocumentEndEvent:
                docs.append(root)
            elif cls is StreamEndEvent:
                break
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        msg = err.problem or "invalid YAML"
        if err.context:
            msg = f"{msg} ({err.context})"
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        line, col = _clamp_to_text(text, line, col)
        if "maximum nesting depth" in msg:
            # libyaml (0.2.5 and later) has its own depth limit, which may trip before ours.
            raise YAMLLimitError(f"YAML nested more than {MAX_DEPTH} levels deep; not linted",
                                 Span(line, col, line, col + 1)) from None
        raise ParseError(f"YAML syntax error: {msg}", Span(line, col, line, col + 1)) from None
    except yaml.YAMLError as err:
        position = getattr(err, "position", None)
        if isinstance(position, int):
            line, col = pos.at(min(position, len(text)))
        else:
            line, col = 1, 1
        reason = getattr(err, "reason", None) or str(err).splitlines()[0]
        line, col = _clamp_to_text(text, line, col)
        raise ParseError(f"YAML syntax error: {reason}", Span(line, col, line, col + 1)) from None
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    return docs


def parse_yaml(text: str, **kwargs: Any) -> Any:
    """The first document of ``text`` as a located tree (``None`` when empty)."""
    docs = parse_yaml_stream(text, **kwargs)
    return docs[0] if docs else None


# ---------------------------------------------------------------------------
# Comments

_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#", re.M)


def _eol(text: str, i: int) -> int:
    end = text.find("\n", i)
    end = len(text) if end == -1 else end
    return end - 1 if end > i and text[end - 1] == "\r" else end


def scan_comments(text: str, hash_spans: Optional[list] = None) -> list[LStr]:
    """Every ``# comment`` with its span (``#`` included, line end excluded).

    With ``hash_spans`` from :func:`parse_yaml_stream`, a ``#`` inside a scalar is
    exact. Without (the text did not parse), a quote-aware line scanner decides.
    """
    if "#" not in text:
        return []
    out: list[LStr] = []
    pos = _Pos(text)
    if hash_spans is not None:
        starts = [s for s, _ in hash_spans]
        resume = 0
        for m in _COMMENT.finditer(text):
            i = m.start()
            if i < resume:
                continue  # a "#" inside a comment already taken
            k = bisect_right(starts, i) - 1
            if k >= 0 and hash_spans[k][0] <= i < hash_spans[k][1]:
                continue
            end = _eol(text, i)
            out.append(_comment(text[i:end], i, end, pos))
            resume = end
        return out
    offset = 0
    for line in text.splitlines(keepends=True):
        col = _comment_col(line)
        if col is not None:
            body = line[col:].rstrip("\r\n")
            out.append(_comment(body, offset + col, offset + col + len(body), pos))
        offset += len(line)
    return out


def _comment(body: str, start: int, end: int, pos: _Pos) -> LStr:
    l1, c1 = pos.at(start)
    l2, c2 = pos.at(end)
    return LStr(body, Span(l1, c1, l2, c2))


def _comment_col(line: str) -> Optional[int]:
    quote = None
    prev = " "
    i = 0
    n = len(line)
    while i < n:
        ch = line[i]
        if quote:
            if ch == quote:
                if quote == "'" and i + 1 < n and line[i + 1] == "'":
                    i += 2
                    continue
                quote = None
            elif ch == "\\" and quote == '"':
                i += 2
                continue
        elif ch == "#" and prev in " \t":
            return i
        elif ch in "'\"" and prev in " \t:-[{,":
            quote = ch
        prev = ch
        i += 1
    return None


def _clamp_to_text(text: str, line: int, col: int) -> tuple:
    """libyaml reports an error at the end of a file without a final newline on the line
    after the last one; point at the end of the last line instead."""
    lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    if line > len(lines):
        return len(lines), len(lines[-1]) + 1
    return line, col
