"""Located values: what every parser produces and every extractor consumes.

A parser turns bytes into a tree of these nodes. Containers and strings are real
``dict``/``list``/``str`` subclasses (so extractors can treat them as plain data)
that also remember where they came from. Other scalars (numbers, booleans, null)
are wrapped in :class:`LScalar` so that they, too, keep a position.

Positions are :class:`Span` objects: 1-based lines and columns, where ``end_col``
is exclusive (one past the last character), as SARIF defines ``endColumn``.
Columns count Unicode code points.

A value that a static linter cannot know (a CloudFormation ``Ref``, a Terraform
``var.x``) is an :class:`Unresolved`. It is never equal to ``"*"``.
"""
from __future__ import annotations

from bisect import bisect_right
from operator import itemgetter as _itemgetter

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional


class Span(tuple):
    """(line, col, end_line, end_col): a plain tuple with names (``typing.NamedTuple``
    would cost start-up time for nothing)."""

    __slots__ = ()

    def __new__(cls, line: int, col: int, end_line: int, end_col: int) -> "Span":
        return tuple.__new__(cls, (line, col, end_line, end_col))

    def __getnewargs__(self):
        return tuple(self)

    line = property(_itemgetter(0))
    col = property(_itemgetter(1))
    end_line = property(_itemgetter(2))
    end_col = property(_itemgetter(3))

    def __repr__(self) -> str:
        return f"Span(line={self[0]}, col={self[1]}, end_line={self[2]}, end_col={self[3]})"

    def __str__(self) -> str:  # pragma: no cover - debugging aid
        return f"{self[0]}:{self[1]}-{self[2]}:{self[3]}"


NO_SPAN = Span(1, 1, 1, 1)


class LStr(str):
    """A string that remembers its span (the span of the literal, quotes included)."""

    __slots__ = ("span",)
    span: Span

    def __new__(cls, value: str, span: Span = NO_SPAN) -> "LStr":
        obj = str.__new__(cls, value)
        obj.span = span
        return obj

    def __reduce__(self):
        return (LStr, (str(self), self.span))


class LScalar:
    """A located number, boolean or null."""

    __slots__ = ("value", "span")

    def __init__(self, value: Any, span: Span = NO_SPAN) -> None:
        self.value = value
        self.span = span

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LScalar):
            return self.value == other.value
        return self.value == other

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"LScalar({self.value!r})"


class LDict(dict):
    """A mapping with the span of the whole mapping and of each key.

    ``key_spans[key]`` is where the key is written; ``duplicates`` lists
    ``(key, span)`` for every repeated key (the later value wins, as in
    ``json.loads``).
    """

    __slots__ = ("span", "key_spans", "duplicates")

    def __init__(self, *args: Any, span: Span = NO_SPAN, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.span = span
        self.key_spans: dict[str, Span] = {}
        self.duplicates: list[tuple[str, Span]] = []

    def key_span(self, key: str) -> Span:
        return self.key_spans.get(key) or getattr(key, "span", None) or self.span

    def __reduce__(self):
        return (_rebuild_dict, (dict(self), self.span, self.key_spans, self.duplicates))


def _rebuild_dict(items, span, key_spans, duplicates):
    d = LDict(items, span=span)
    d.key_spans = key_spans
    d.duplicates = duplicates
    return d


class LList(list):
    __slots__ = ("span",)

    def __init__(self, *args: Any, span: Span = NO_SPAN) -> None:
        super().__init__(*args)
        self.span = span

    def __reduce__(self):
        return (_rebuild_list, (list(self), self.span))


def _rebuild_list(items, span):
    return LList(items, span=span)


class Unresolved:
    """A value known only at deploy time: ``!Ref Role``, ``var.arn``, ``aws_iam_role.r.arn``.

    ``text`` is how it is written in the source (for messages); ``kind`` names the
    construct (``Ref``, ``Fn::GetAtt``, ``var``, ``call``...). It is never ``"*"``.
    ``service``: when the format knows the value is the ARN of a resource of one service (the
    ``arn`` of an ``aws_s3_bucket``, ``!GetAtt Bucket.Arn`` of an ``AWS::S3::Bucket`` in the
    template, a CDK bucket's ``bucketArn``), that service's prefix (``s3``); else None.
    ``rtype``: when the value is known to be the whole ARN of one SageMaker resource type (the
    ``arn`` of an ``aws_sagemaker_notebook_instance``), that type's name in the Service
    Authorization Reference (``notebook-instance``); else None.
    """

    __slots__ = ("text", "kind", "span", "service", "rtype")

    def __init__(self, text: str, kind: str = "expression", span: Span = NO_SPAN,
                 service: Optional[str] = None, rtype: Optional[str] = None) -> None:
        self.text = text
        self.kind = kind
        self.span = span
        self.service = service
        self.rtype = rtype

    def __repr__(self) -> str:
        return f"Unresolved({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unresolved) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("Unresolved", self.text))


def copy_dict(d: LDict, items: Any = None) -> LDict:
    """A copy of ``d`` with its spans and duplicates (of its own type), holding ``items`` when given."""
    out = type(d)(d if items is None else items, span=d.span)
    out.key_spans = dict(d.key_spans)
    out.duplicates = list(d.duplicates)
    return out


def map_unresolved(node: Any, fn: Any, depth: int = 0, max_depth: int = 200) -> Any:
    """``node`` with each :class:`Unresolved` value in it replaced by ``fn(value)``, through lists
    and mappings. Parsed values may be shared with a parse cache: only what changes is copied."""
    return map_values(node, fn, Unresolved, depth, max_depth)


def map_values(node: Any, fn: Any, kinds: Any, depth: int = 0, max_depth: int = 200) -> Any:
    """``node`` with each value of ``kinds`` (a type or a tuple of types that are neither lists nor
    mappings: :class:`Unresolved`, :class:`LStr`) replaced by ``fn(value)``, through lists and
    mappings (keys untouched), as :func:`map_unresolved` does."""
    if isinstance(node, kinds):
        return fn(node)
    if depth >= max_depth:
        return node
    if isinstance(node, LDict):
        new = {k: map_values(v, fn, kinds, depth + 1, max_depth) for k, v in node.items()}
        return node if all(new[k] is v for k, v in node.items()) else copy_dict(node, new)
    if isinstance(node, LList):
        items = []
        changed = False
        for v in node:
            new = map_values(v, fn, kinds, depth + 1, max_depth)
            if new is not v:
                changed = True
                if isinstance(new, list) and isinstance(v, Unresolved) and v.kind == "spread":
                    items.extend(new)  # concat(local.read, local.write): the local's elements
                    continue
            items.append(new)
        return LList(items, span=node.span) if changed else node
    return node


def span_of(node: Any, default: Span = NO_SPAN) -> Span:
    return getattr(node, "span", None) or default


def plain(node: Any) -> Any:
    """Strip locations: turn a located tree back into plain Python data."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, LScalar):
        return node.value
    if isinstance(node, LStr):
        return str(node)
    if isinstance(node, Unresolved):
        return node
    return node


def layout(roots: "Any") -> tuple[dict[int, int], set[int]]:
    """The blocks of located trees written in an indented syntax (YAML): the line of each key
    and list item whose value runs over several lines mapped to the value's last line, and
    the lines of keys whose value starts on a later line. Suppression comments read these
    instead of scanning the text again."""
    blocks: dict[int, int] = {}
    bare: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, LDict):
            spans = node.key_spans
            for k, v in node.items():
                ks = spans.get(k) or getattr(k, "span", None)
                vs = getattr(v, "span", None)
                if ks is not None and vs is not None and vs != NO_SPAN:
                    if vs[2] > ks[0] and blocks.get(ks[0], 0) < vs[2]:
                        blocks[ks[0]] = vs[2]
                    if vs[0] > ks[0]:
                        bare.add(ks[0])
                if isinstance(v, (LDict, LList)):
                    stack.append(v)
        elif isinstance(node, LList):
            for v in node:
                vs = getattr(v, "span", None)
                if vs is not None and vs != NO_SPAN and vs[2] > vs[0] and blocks.get(vs[0], 0) < vs[2]:
                    blocks[vs[0]] = vs[2]
                if isinstance(v, (LDict, LList)):
                    stack.append(v)
    return blocks, bare


class LineIndex:
    """Maps character offsets in a text to 1-based (line, column)."""

    __slots__ = ("starts",)

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self.starts = starts

    def pos(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def span(self, start: int, end: int) -> Span:
        line, col = self.pos(start)
        eline, ecol = self.pos(end)
        return Span(line, col, eline, ecol)

    def offset(self, line: int, col: int, end: int = 1 << 62) -> int:
        """The offset of 1-based (line, column); ``end`` past the last line."""
        if line - 1 >= len(self.starts):
            return end
        return self.starts[line - 1] + col - 1


class ParseError(Exception):
    """A file (or an embedded document) could not be parsed.

    ``span`` points where the parser stopped. ``limit`` is true for input over a safety
    limit (an alias bomb, absurd nesting): reported in any file, policy source or not.
    """

    limit = False

    def __init__(self, message: str, span: Span = NO_SPAN) -> None:
        super().__init__(message)
        self.message = message
        self.span = span


class LimitError(ParseError):
    """The input is over a safety limit (nesting depth, alias expansion)."""

    limit = True
