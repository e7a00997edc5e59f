"""HCL (Terraform ``.tf`` / ``.tfvars``) with exact positions, on top of tree-sitter.

``parse(text)`` returns a :class:`Document`: the file's top-level attributes and
blocks (each :class:`Block` with its type, labels, attributes and nested blocks)
and its comments, every piece with a :class:`~linter.located.Span`.
A file with a syntax error raises :class:`~linter.located.ParseError` at the
first ``ERROR`` or ``MISSING`` node tree-sitter reports.

Attribute values are evaluated lazily (:attr:`Attribute.value`) into the located
values of :mod:`linter.located`:

* strings, heredocs (``<<EOT`` and ``<<-EOT``) and templates become :class:`LStr`;
  an interpolation stays in the string as its source text (``"arn:${var.r}:x"``),
  which the knowledge base treats as an opaque placeholder, never a wildcard;
  a template that is a single interpolation (``"${var.x}"``) is that expression;
* numbers, booleans and ``null`` become :class:`LScalar`; tuples :class:`LList`;
  objects :class:`LDict` (with ``key_spans``);
* everything that needs evaluation -- references (``var.x``, ``local.x``,
  ``aws_iam_role.r.arn``), splats, function calls, ``for`` expressions,
  conditionals, operators, templates with ``%{...}`` directives -- becomes
  :class:`Unresolved` with its source text, a ``kind`` and its span.

:func:`template` gives the text of a string or heredoc together with an
:class:`OffsetMap` back into the file and the list of interpolations, so that a
JSON policy written inside a heredoc can be parsed with positions in the file.

tree-sitter reports byte offsets; every span here counts Unicode code points.
The tree-sitter ``Language`` and ``Parser`` are created once, on first use.
Nesting deeper than :data:`MAX_DEPTH` (blocks or values) raises ``ParseError``
instead of exhausting the Python stack.
"""
from __future__ import annotations

import re
from bisect import bisect_right
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Callable, Optional

from .._regex import PLUS
from ..located import (LDict, LineIndex, LList, LScalar, LStr, LimitError, ParseError, Span, Unresolved, copy_dict,
                       span_of)

__all__ = ["parse", "Document", "Block", "Attribute", "Template", "OffsetMap", "template",
           "evaluate", "to_tree", "MAX_DEPTH"]

#: Deepest nesting of blocks, or of values inside one attribute, that is evaluated.
MAX_DEPTH = 100

_PARSER = None


def _parser():
    global _PARSER
    if _PARSER is None:
        import tree_sitter
        import tree_sitter_hcl

        lang = tree_sitter.Language(tree_sitter_hcl.language())
        _PARSER = tree_sitter.Parser(lang)
    return _PARSER


#: tree-sitter reads the text through a callback, in pieces of this many bytes.
_CHUNK = 256


def _parse_bounded(data: bytes) -> tuple:
    """``(tree, None)``, or ``(tree, offset)`` when the parser gave up at ``offset``.

    tree-sitter-hcl rescans a run of blanks between two tokens of an expression once per
    blank (``a = [1,`` then 20,000 blanks took 3 s; time grows with the square of the
    run). A rescan reads the text again, so the text is handed over through a callback,
    a piece at a time, and the number of pieces is bounded: a normal file is read about
    once (at most 1.5 times in every Terraform file tried); past four times, the parser
    is told that the file ends there, which it does at once.
    """
    n = len(data)
    budget = 4 * (n // _CHUNK) + 64
    state = [0, None]  # pieces handed over, where the budget ran out

    def read(offset: int, _point) -> bytes:
        state[0] += 1
        if state[0] > budget:
            if state[1] is None:
                state[1] = offset
            return b""
        return data[offset:offset + _CHUNK]

    tree = _parser().parse(read)
    return tree, state[1]


# ---------------------------------------------------------------------------
# Positions


class OffsetMap:
    """Maps offsets in a derived text (a decoded string) to offsets in a source text.

    The derived text is made of runs, each copied one character per character from
    the source starting at some offset; ``add(dst, src)`` starts a run.
    """

    __slots__ = ("dst", "src")

    def __init__(self) -> None:
        self.dst: list[int] = []
        self.src: list[int] = []

    def add(self, dst: int, src: int) -> None:
        if self.dst:
            if self.src[-1] - self.dst[-1] == src - dst:
                return  # continues the current run
            if self.dst[-1] == dst:
                self.src[-1] = src
                return
        self.dst.append(dst)
        self.src.append(src)

    def __call__(self, off: int) -> int:
        i = bisect_right(self.dst, off) - 1
        if i < 0:
            return self.src[0] if self.src else off
        return self.src[i] + (off - self.dst[i])


class Composed:
    """``outer(inner(offset))``: a map through an intermediate text."""

    __slots__ = ("inner", "outer")

    def __init__(self, inner: Callable[[int], int], outer: Callable[[int], int]) -> None:
        self.inner = inner
        self.outer = outer

    def __call__(self, off: int) -> int:
        return self.outer(self.inner(off))


class _Pos:
    """Byte offsets of a tree-sitter tree -> spans (1-based, code-point columns).

    With ``char_map``/``outer`` the text is embedded in another file (an HCL
    expression inside a Terraform JSON string): character offsets go through
    ``char_map`` and are placed with the enclosing file's ``LineIndex``.
    """

    __slots__ = ("text", "data", "ascii", "index", "bline", "cline", "char_map", "lines", "row_ascii")

    def __init__(self, text: str, data: bytes, char_map: Optional[Callable[[int], int]] = None,
                 outer: Optional[LineIndex] = None) -> None:
        self.text = text
        self.data = data
        self.ascii = len(data) == len(text)
        self.char_map = char_map
        self.index = outer if outer is not None else LineIndex(text)
        self.lines = None
        self.row_ascii = None
        if not self.ascii:
            bl = [0]
            find = data.find
            i = find(b"\n")
            while i != -1:
                bl.append(i + 1)
                i = find(b"\n", i + 1)
            self.bline = bl
            self.cline = LineIndex(text).starts if outer is not None else self.index.starts
            self.lines = data.split(b"\n")
            self.row_ascii = [ln.isascii() for ln in self.lines]

    def char(self, b: int) -> int:
        """Character offset in ``text`` of byte offset ``b``."""
        if self.ascii:
            return b
        row = bisect_right(self.bline, b) - 1
        start = self.bline[row]
        return self.cline[row] + len(self.data[start:b].decode("utf-8", "replace"))

    def _lc(self, off: int) -> tuple[int, int]:
        starts = self.index.starts
        line = bisect_right(starts, off)
        return line, off - starts[line - 1] + 1

    def span(self, sb: int, eb: int) -> Span:
        if self.char_map is None:
            a, b = self._lc(self.char(sb)), self._lc(self.char(eb))
        else:
            a, b = self._lc(self.char_map(self.char(sb))), self._lc(self.char_map(self.char(eb)))
        return Span(a[0], a[1], b[0], b[1])

    def node_span(self, node) -> Span:
        if self.char_map is not None:
            return self.span(node.start_byte, node.end_byte)
        sr, sc = node.start_point
        er, ec = node.end_point
        if not self.ascii:
            ra = self.row_ascii
            if not ra[sr]:
                sc = len(self.lines[sr][:sc].decode("utf-8", "replace"))
            if not ra[er]:
                ec = len(self.lines[er][:ec].decode("utf-8", "replace"))
        return Span(sr + 1, sc + 1, er + 1, ec + 1)

    def node_text(self, node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")


# ---------------------------------------------------------------------------
# The document


class Attribute:
    """``name = expression``; :attr:`value` is evaluated on first access."""

    __slots__ = ("name", "name_span", "span", "node", "pos", "_value")

    def __init__(self, name: str, name_span: Span, span: Span, node: Any, pos: Optional[_Pos],
                 value: Any = None) -> None:
        self.name = name
        self.name_span = name_span
        self.span = span
        self.node = node  # the tree-sitter ``expression`` node (None for Terraform JSON)
        self.pos = pos
        self._value = value

    @property
    def value(self) -> Any:
        if self._value is None and self.node is not None:
            self._value = _Evaluator(self.pos).eval(self.node)
        return self._value

    @property
    def text(self) -> str:
        if self.node is not None:
            return self.pos.node_text(self.node)
        v = self._value
        return v.text if isinstance(v, Unresolved) else str(v)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Attribute({self.name!r})"


class Block:
    """``type "label" ... { body }``."""

    __slots__ = ("type", "type_span", "labels", "span", "attributes", "blocks", "node")

    def __init__(self, type: str, type_span: Span, labels: list, span: Span, node: Any = None) -> None:
        self.type = type
        self.type_span = type_span
        self.labels: list[LStr] = labels
        self.span = span
        self.attributes: dict[str, Attribute] = {}
        self.blocks: list[Block] = []
        self.node = node

    def blocks_of(self, type: str) -> list["Block"]:
        return [b for b in self.blocks if b.type == type]

    def get(self, name: str) -> Optional[Attribute]:
        return self.attributes.get(name)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Block({self.type!r}, {[str(x) for x in self.labels]!r})"


class Document:
    __slots__ = ("text", "pos", "attributes", "blocks", "comments", "tree", "errors", "parts")

    def __init__(self, text: str, pos: _Pos, tree: Any) -> None:
        self.text = text
        self.pos = pos
        self.tree = tree  # keeps the tree-sitter tree (or trees) alive while nodes are used
        #: (tree-sitter tree, its positions) of each part parsed: the file, or each piece recovered
        self.parts: list[tuple[Any, _Pos]] = [(tree, pos)] if tree else []
        self.errors: list[ParseError] = []  # syntax errors of a file parsed with recover=True
        self.attributes: dict[str, Attribute] = {}
        self.blocks: list[Block] = []
        self.comments: list[LStr] = []


def parse(text: str, char_map: Optional[Callable[[int], int]] = None,
          line_index: Optional[LineIndex] = None, recover: bool = False) -> Document:
    """Parse HCL ``text``.

    ``char_map`` and ``line_index`` place ``text`` inside another file: character
    offsets in ``text`` go through ``char_map`` and are turned into lines and
    columns with ``line_index`` (the enclosing file's). Raises :class:`ParseError`
    at the first syntax error -- or, with ``recover``, returns the top-level blocks
    that parse, with a ``ParseError`` for each one that does not in ``errors``.

    Beyond tree-sitter's grammar, a quoted string that runs over several lines is an
    error at the string's start, as in Terraform (tree-sitter accepts it).
    """
    data = text.encode("utf-8", "surrogatepass")
    tree, gave_up = _parse_bounded(data)
    pos = _Pos(text, data, char_map, line_index)
    if gave_up is not None:
        raise ParseError("the HCL parser gave up on this file: it needed too much work here (a long run of "
                         "blanks inside an expression makes tree-sitter rescan it once per blank); not linted",
                         pos.span(gave_up, gave_up))
    root = tree.root_node
    err = _multiline_string(root, pos)
    if root.has_error:
        first = _first_error(root, pos)
        # an unterminated string swallows the lines after it: where it opens comes first
        err = err if err is not None and err.span < first.span else first
    if err is not None:
        if not recover or char_map is not None or err.limit:
            raise err
        return _recover(text, pos, err)
    doc = Document(text, pos, tree)
    for child in root.children:
        t = child.type
        if t == "body":
            _body(child, pos, doc.attributes, doc.blocks, doc.comments, 0)
        elif t == "comment":
            doc.comments.append(LStr(pos.node_text(child), pos.node_span(child)))
    return doc


#: Nodes that span lines without opening anything a comment above could mean: a block's body
#: starts at its first attribute (or comment), a heredoc's text is not code.
_NOT_BLOCKS = frozenset(("config_file", "body", "comment", "template_literal", "heredoc_identifier"))


def layout(doc: Document) -> tuple[list[LStr], dict[int, int]]:
    """Every comment of the file (in bodies and inside expressions alike, ``#``/``//``/``/*``
    marker included) and its blocks: the first line of each construct that runs over several
    lines (a block, an attribute, an object or tuple, a function call, a heredoc) mapped to
    its last line. Suppression comments read both instead of scanning the text again."""
    comments: list[LStr] = []
    blocks: dict[int, int] = {}
    for tree, pos in doc.parts:
        cursor = tree.walk()
        while True:
            node = cursor.node
            t = node.type
            if t == "comment":
                comments.append(LStr(pos.node_text(node), pos.node_span(node)))
            elif node.start_point[0] != node.end_point[0] and t not in _NOT_BLOCKS:
                sp = pos.node_span(node)
                if blocks.get(sp.line, 0) < sp.end_line:
                    blocks[sp.line] = sp.end_line
            if t != "comment" and cursor.goto_first_child():
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    break
            else:
                continue
            break
    comments.sort(key=lambda c: c.span)
    return comments, blocks


_STRING_LITERALS = None


def _multiline_string(root, pos: _Pos) -> Optional[ParseError]:
    """A quoted string whose literal text holds a newline: Terraform rejects it at its start."""
    global _STRING_LITERALS
    if b'"' not in pos.data or b"\n" not in pos.data:
        return None
    if _STRING_LITERALS is None:
        import tree_sitter
        import tree_sitter_hcl

        lang = tree_sitter.Language(tree_sitter_hcl.language())
        _STRING_LITERALS = tree_sitter.Query(lang, "(string_lit (template_literal) @t) "
                                                   "(quoted_template (template_literal) @t)")
    import tree_sitter

    caps = tree_sitter.QueryCursor(_STRING_LITERALS).captures(root).get("t", ())
    bad = [n for n in caps if n.start_point[0] != n.end_point[0]]
    if not bad:
        return None
    first = min((n.parent for n in bad), key=lambda n: n.start_byte)
    return ParseError("syntax error: a quoted string cannot run over several lines (use \\n or a heredoc)",
                      pos.span(first.start_byte, first.start_byte + 1))


#: A top-level block header (``resource "a" "b" {``) or attribute (``name =``) at a line start.
_TOP_LEVEL = re.compile(r'^(?:[A-Za-z_][A-Za-z0-9_-]*' + PLUS + r'(?:[ \t]+' + PLUS + r'(?:"[^"\n]*' + PLUS + r'"|'
                        r'[A-Za-z_][A-Za-z0-9_-]*' + PLUS + r'))*' + PLUS + r'[ \t]*' + PLUS + r'\{'
                        r'|[A-Za-z_][A-Za-z0-9_-]*' + PLUS + r'[ \t]*' + PLUS + '=)', re.M)


def _recover(text: str, pos: _Pos, first: ParseError) -> Document:
    """The top-level blocks and attributes of a broken file that parse on their own.

    The file is cut where a top-level block or attribute starts (a line that begins with
    ``resource "a" "b" {`` or ``name =``); each piece is parsed alone, placed in the file,
    and the pieces that fail add their first error to ``doc.errors`` (the first error of
    the whole file is always among them).
    """
    starts = [m.start() for m in _TOP_LEVEL.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    starts.append(len(text))
    doc = Document(text, pos, [])
    doc.errors = []
    index = pos.index
    for a, b in zip(starts, starts[1:]):
        piece = text[a:b]
        if not piece.strip():
            continue
        try:
            part = parse(piece, char_map=_Shift(a), line_index=index)
        except ParseError as e:
            doc.errors.append(e)
            continue
        doc.tree.append(part.tree)
        doc.parts.extend(part.parts)
        doc.attributes.update(part.attributes)
        doc.blocks.extend(part.blocks)
        doc.comments.extend(part.comments)
    # the piece that holds the first error may see it end elsewhere (an ERROR node of the piece,
    # a MISSING one of the whole file): the same error where it starts, with the same message
    if not any(e.span[:2] == first.span[:2] and e.message == first.message for e in doc.errors):
        doc.errors.insert(0, first)
    return doc


class _Shift:
    """A character map that adds a constant (a piece of the file starting at ``off``)."""

    __slots__ = ("off",)

    def __init__(self, off: int) -> None:
        self.off = off

    def __call__(self, o: int) -> int:
        return o + self.off


def _first_error(root, pos: _Pos) -> ParseError:
    """Where the first syntax error is (iterative walk, in document order).

    A MISSING node outside any ERROR node is reported as such. Inside an ERROR
    node, the innermost nested ERROR is where the parser gave up; one that runs
    over several lines to the end of the file is an unclosed construct.
    """
    node = root
    last_error = None
    while True:
        nxt = None
        for c in node.children:
            if c.is_missing:
                if last_error is None:
                    # what is there is more telling than what tree-sitter would have liked
                    m = _PUNCT_TOKEN.match(pos.data[c.start_byte:c.start_byte + 16].decode("utf-8", "replace"))
                    what = f"unexpected {m.group()!r}" if m else f"missing {c.type!r}"
                    return ParseError(f"syntax error: {what}", pos.node_span(c))
                continue
            if c.type == "ERROR" or c.is_error or c.has_error:
                nxt = c
                break
        if nxt is None:
            break
        if nxt.type == "ERROR" or nxt.is_error:
            last_error = nxt
        node = nxt
    err = last_error if last_error is not None else node
    end = len(pos.data.rstrip())
    if err.end_byte >= end and err.end_point[0] > err.start_point[0]:
        n = len(pos.data)
        return ParseError("syntax error: unexpected end of file (an unclosed block, bracket or string?)",
                          pos.span(n, n))
    return ParseError(_error_message(err, pos),
                      pos.span(err.start_byte, err.start_byte + 1 if err.end_byte > err.start_byte else err.start_byte))


_PUNCT_TOKEN = re.compile(r"[^\w\s\"']{1,3}|[A-Za-z_]\w{0,7}\b")


def _error_message(node, pos: _Pos) -> str:
    # Quote only a punctuation token or a short word: never a value, which could be a secret.
    m = _PUNCT_TOKEN.match(pos.node_text(node).lstrip())
    if m is None:
        return "syntax error: unexpected text"
    return f"syntax error: unexpected {m.group()!r}"


def _body(body, pos: _Pos, attrs: dict, blocks: list, comments: list, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise LimitError("blocks are nested too deeply", pos.span(body.start_byte, body.start_byte + 1))
    for c in body.children:
        t = c.type
        if t == "attribute":
            ch = c.children
            ident = ch[0]
            attrs[pos.node_text(ident)] = Attribute(pos.node_text(ident), pos.node_span(ident), pos.node_span(c),
                                                    ch[-1], pos)
        elif t == "block":
            blocks.append(_block(c, pos, comments, depth + 1))
        elif t == "comment":
            comments.append(LStr(pos.node_text(c), pos.node_span(c)))


def _block(node, pos: _Pos, comments: list, depth: int) -> Block:
    ch = node.children
    ident = ch[0]
    labels: list[LStr] = []
    blk = Block(pos.node_text(ident), pos.node_span(ident), labels, pos.node_span(node), node)
    for c in ch[1:]:
        t = c.type
        if t == "string_lit":
            labels.append(LStr(_string_value(c, pos), pos.node_span(c)))
        elif t == "identifier":
            labels.append(LStr(pos.node_text(c), pos.node_span(c)))
        elif t == "body":
            _body(c, pos, blk.attributes, blk.blocks, comments, depth)
        elif t == "comment":
            comments.append(LStr(pos.node_text(c), pos.node_span(c)))
    return blk


# ---------------------------------------------------------------------------
# Templates (strings and heredocs)


class Template:
    """The text of a string literal or heredoc, and where each character came from.

    ``text`` is the decoded value; interpolations and directives are kept as their
    source text. ``omap`` maps offsets in ``text`` to character offsets in the file
    (through the enclosing ``char_map``, if any). ``specials`` lists
    ``(start, end, kind, source)`` for each interpolation (``kind == "interp"``)
    or directive marker (``"directive"``), with offsets in ``text``.
    ``end`` is the file offset just past the content (before the closing quote
    or marker line).
    """

    __slots__ = ("text", "omap", "specials", "end", "span")

    def __init__(self, text: str, omap: OffsetMap, specials: list, end: int, span: Span) -> None:
        self.text = text
        self.omap = omap
        self.specials = specials
        self.end = end
        self.span = span


_DIRECTIVE_PARTS = frozenset(("template_for_start", "template_for_end", "template_if_intro",
                              "template_else_intro", "template_if_end"))
_QUOTED_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _specials_of(node, pos: _Pos) -> list:
    """(start_char, end_char, kind, node) of interpolations and directive markers, in order."""
    out = []
    stack = list(reversed(node.children))
    while stack:
        c = stack.pop()
        t = c.type
        if t == "template_interpolation":
            out.append((pos.char(c.start_byte), pos.char(c.end_byte), "interp", c))
        elif t in _DIRECTIVE_PARTS:
            out.append((pos.char(c.start_byte), pos.char(c.end_byte), "directive", c))
        elif t in ("template_directive", "template_for", "template_if"):
            stack.extend(reversed(c.children))
    return out


def _scan(text: str, start: int, end: int, specials: list, quoted: bool, indent: int,
          pos: _Pos) -> tuple[str, OffsetMap, list]:
    """Decode text[start:end] (character offsets); see :class:`Template`."""
    out: list[str] = []
    olen = 0
    omap = OffsetMap()
    sp_out = []
    si = 0
    i = start
    line_start = True
    while i < end:
        if indent and line_start:
            # <<- heredoc: drop up to ``indent`` leading whitespace characters
            j = i
            lim = min(end, i + indent)
            while j < lim and text[j] in " \t":
                j += 1
            i = j
            line_start = False
            continue
        if si < len(specials) and specials[si][0] <= i:
            s0, s1, kind, node = specials[si]
            si += 1
            if s0 < i:
                continue
            src = text[s0:s1]
            omap.add(olen, s0)
            out.append(src)
            sp_out.append((olen, olen + len(src), kind, src))
            olen += len(src)
            i = s1
            continue
        nxt_special = specials[si][0] if si < len(specials) else end
        lim = min(end, nxt_special)
        # copy a plain run up to the next character that needs attention
        j = i
        while j < lim:
            ch = text[j]
            if ch == "\n" or ch == "$" or ch == "%" or (quoted and ch == "\\"):
                break
            j += 1
        if j > i:
            omap.add(olen, i)
            out.append(text[i:j])
            olen += j - i
            i = j
            continue
        ch = text[i]
        src_i = i
        if ch == "\n":
            omap.add(olen, src_i)
            out.append("\n")
            olen += 1
            i += 1
            line_start = True
        elif ch in "$%" and text.startswith("{", i + 2) and text[i + 1] == ch:
            # $${ -> ${ and %%{ -> %{
            omap.add(olen, src_i)
            out.append(ch + "{")
            olen += 2
            i += 3
        elif ch == "\\" and quoted and i + 1 < end:
            e = text[i + 1]
            if e in _QUOTED_ESCAPES:
                dec, n = _QUOTED_ESCAPES[e], 2
            elif e == "u" or e == "U":
                width = 4 if e == "u" else 8
                hexs = text[i + 2:i + 2 + width]
                try:
                    dec, n = chr(int(hexs, 16)), 2 + width
                except (ValueError, OverflowError):
                    dec, n = "\\", 1
            else:
                dec, n = "\\", 1
            omap.add(olen, src_i)
            out.append(dec)
            olen += len(dec)
            i += n
        else:
            omap.add(olen, src_i)
            out.append(ch)
            olen += 1
            i += 1
    omap.add(olen, end)
    fmap = pos.char_map
    return "".join(out), (Composed(omap, fmap) if fmap else omap), sp_out


def template(node, pos: _Pos) -> Optional[Template]:
    """The :class:`Template` of a ``string_lit``/``quoted_template``/``heredoc_template``
    (or an ``expression``/``template_expr``/``literal_value`` wrapping one); None otherwise."""
    node = _unwrap_template(node)
    if node is None:
        return None
    t = node.type
    text = pos.text
    span = pos.node_span(node)
    fmap = pos.char_map
    if t in ("string_lit", "quoted_template"):
        ch = node.children
        start = pos.char(ch[0].end_byte)
        end_node = ch[-1]
        end = pos.char(end_node.start_byte) if end_node.type == "quoted_template_end" else pos.char(node.end_byte)
        specials = _specials_of(node, pos) if t == "quoted_template" else []
        val, omap, sp = _scan(text, start, end, specials, True, 0, pos)
        return Template(val, omap, sp, fmap(end) if fmap else end, span)
    if t == "heredoc_template":
        ch = node.children
        flush = ch[0].type == "heredoc_start" and pos.node_text(ch[0]) == "<<-"
        ids = [c for c in ch if c.type == "heredoc_identifier"]
        open_end = pos.char(ids[0].end_byte)
        nl = text.find("\n", open_end)
        start = nl + 1 if nl != -1 else open_end
        if len(ids) > 1:
            close = pos.char(ids[-1].start_byte)
            end = text.rfind("\n", start, close) + 1
            if end <= 0 or end < start:
                end = start
        else:
            end = pos.char(node.end_byte)
        specials = _specials_of(node, pos)
        indent = 0
        if flush:
            indent = _min_indent(text, start, end)
        val, omap, sp = _scan(text, start, end, specials, False, indent, pos)
        return Template(val, omap, sp, fmap(end) if fmap else end, span)
    return None


def _min_indent(text: str, start: int, end: int) -> int:
    best = None
    for line in text[start:end].split("\n"):
        stripped = line.lstrip(" \t")
        if not stripped.strip():
            continue
        n = len(line) - len(stripped)
        if best is None or n < best:
            best = n
    return best or 0


def _unwrap_template(node):
    while node is not None:
        t = node.type
        if t in ("string_lit", "quoted_template", "heredoc_template"):
            return node
        if t in ("expression", "template_expr", "literal_value"):
            ch = node.children
            if len(ch) != 1:
                return None
            node = ch[0]
            continue
        return None
    return None


def _string_value(node, pos: _Pos) -> str:
    """Value of a plain ``string_lit`` (no interpolation)."""
    # a string_lit of a file that parsed is `"` ... `"` (its quote nodes are one byte each)
    raw = pos.data[node.start_byte + 1:node.end_byte - 1]
    if b"\\" not in raw and b"$${" not in raw and b"%%{" not in raw:
        return raw.decode("utf-8", "replace")
    return template(node, pos).text


# ---------------------------------------------------------------------------
# Evaluation


class ForExpr(Unresolved):
    """``[for k, v in collection : body]``: unresolved, but with what it is made of, so that a
    reader that knows the collection (a literal list or map, a local) can make the list
    (:meth:`expand`). ``names``: the one or two iterator names, as written."""

    __slots__ = ("names", "collection", "body")

    def __init__(self, text: str, span, names: list, collection: Any, body: Any) -> None:
        super().__init__(text, "for", span)
        self.names = names
        self.collection = collection
        self.body = body

    def expand(self, collection: Any, limit: int = 64) -> Optional[LList]:
        """The list the expression makes over ``collection`` (a literal list or map), each element
        the body with the iterator names replaced (whole values, ``name.attr`` of a map element,
        and ``${name}`` in strings); None when ``collection`` is not literal or is longer than
        ``limit``."""
        from ..located import map_unresolved

        if isinstance(collection, LDict):
            pairs = [(LStr(str(k), collection.key_spans.get(k, collection.span)), v) for k, v in collection.items()]
        elif isinstance(collection, LList):
            pairs = [(LScalar(i, span_of(v)), v) for i, v in enumerate(collection)]
        else:
            return None
        if len(pairs) > limit:
            return None
        key_name, value_name = (self.names[0], self.names[1]) if len(self.names) == 2 else (None, self.names[0])
        out = LList(span=self.span)
        for key, value in pairs:
            def element(u: Unresolved, key=key, value=value) -> Any:
                t = u.text.strip()
                if t == value_name:
                    return value
                if key_name is not None and t == key_name:
                    return key
                if isinstance(value, LDict) and t.startswith(value_name + ".") and t[len(value_name) + 1:] in value:
                    return value[t[len(value_name) + 1:]]
                return u

            item = map_unresolved(self.body, element)
            item = _fill_strings(item, key_name, key, value_name, value)
            out.append(item)
        return out


def _fill_strings(node: Any, key_name, key: Any, value_name: str, value: Any) -> Any:
    """``node`` with ``${value_name}`` (``${key_name}``, ``${value_name.attr}``) in its strings
    replaced by the element's text where it is a string."""
    subs = {}
    if isinstance(value, str):
        subs["${" + value_name + "}"] = str(value)
    if isinstance(value, LDict):
        for k, v in value.items():
            if isinstance(v, str):
                subs["${" + value_name + "." + str(k) + "}"] = str(v)
    if key_name is not None and isinstance(key, str):
        subs["${" + key_name + "}"] = str(key)
    if not subs:
        return node

    def fill(n: Any) -> Any:
        if isinstance(n, LStr) and "${" in n:
            text = str(n)
            for a, b in subs.items():
                text = text.replace(a, b)
            return n if text == str(n) else LStr(text, n.span)
        if isinstance(n, LDict):
            new = copy_dict(n, {k: fill(v) for k, v in n.items()})
            return new
        if isinstance(n, LList):
            return LList([fill(v) for v in n], span=n.span)
        return n

    return fill(node)



_UNRESOLVED_KINDS = {
    "variable_expr": "reference",
    "function_call": "call",
    "for_expr": "for",
    "conditional": "conditional",
    "operation": "operation",
}


class _Evaluator:
    __slots__ = ("pos", "see_through", "lenient")

    def __init__(self, pos: _Pos, see_through: frozenset = frozenset(), lenient: bool = False) -> None:
        self.pos = pos
        # function calls whose (single) argument stands for their value (for credential scans)
        self.see_through = see_through
        # lenient: a value nested too deeply becomes Unresolved instead of a ParseError
        self.lenient = lenient

    def eval(self, node, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            span = self.pos.span(node.start_byte, node.start_byte + 1)
            if self.lenient:
                return Unresolved("(nested too deeply)", "too-deep", span)
            raise LimitError("values are nested too deeply", span)
        pos = self.pos
        # unwrap expression -> term
        while True:
            t = node.type
            if t == "expression":
                ch = node.children
                if len(ch) == 1:
                    node = ch[0]
                    continue
                if ch and ch[0].type == "(" and len(ch) == 3:
                    node = ch[1]
                    continue
                kind = "splat" if any(c.type == "splat" for c in ch) else "reference"
                return Unresolved(pos.node_text(node), kind, pos.node_span(node))
            if t in ("literal_value", "collection_value", "template_expr"):
                ch = node.children
                if len(ch) == 1:
                    node = ch[0]
                    continue
            break
        if t == "string_lit":
            return LStr(_string_value(node, pos), pos.node_span(node))
        if t == "numeric_lit":
            txt = pos.node_text(node)
            num = _number(txt)
            if num is None:
                return Unresolved(txt, "number", pos.node_span(node))
            return LScalar(num, pos.node_span(node))
        if t == "bool_lit":
            return LScalar(pos.node_text(node) == "true", pos.node_span(node))
        if t == "null_lit":
            return LScalar(None, pos.node_span(node))
        if t == "tuple":
            out = LList(span=pos.node_span(node))
            for c in node.children:
                if c.type == "expression":
                    out.append(self.eval(c, depth + 1))
            return out
        if t == "object":
            return self._object(node, depth)
        if t in ("quoted_template", "heredoc_template"):
            return self._template(node, depth)
        if t == "function_call":
            v = self._call(node, depth)
            if v is not None:
                return v
        if t == "operation":
            v = self._negative(node)
            if v is not None:
                return v
        if t == "for_expr":
            v = self._for(node, depth)
            if v is not None:
                return v
        kind = _UNRESOLVED_KINDS.get(t, "expression")
        return Unresolved(pos.node_text(node), kind, pos.node_span(node))

    def _for(self, node, depth: int) -> Optional["ForExpr"]:
        """``[for k, v in coll : body]``: a :class:`ForExpr` (unknown until its collection is
        known: a literal here, or a local the format follows); None for an object ``for``
        (``{for ...}``) or one with an ``if`` (which elements it keeps is not known)."""
        inner = node.children[0] if node.children else None
        if inner is None or inner.type != "for_tuple_expr" or any(c.type == "for_cond" for c in inner.children):
            return None
        intro = next((c for c in inner.children if c.type == "for_intro"), None)
        body = [c for c in inner.children if c.type == "expression"]
        if intro is None or len(body) != 1:
            return None
        names = [self.pos.node_text(c) for c in intro.children if c.type == "identifier"]
        coll = [c for c in intro.children if c.type == "expression"]
        if not names or len(names) > 2 or len(coll) != 1:
            return None
        pos = self.pos
        return ForExpr(pos.node_text(node), pos.node_span(node), names, self.eval(coll[0], depth + 1),
                       self.eval(body[0], depth + 1))

    def _call(self, node, depth: int) -> Any:
        """The few calls whose value is known from literal arguments; None for the rest."""
        pos = self.pos
        ch = node.children
        name = pos.node_text(ch[0])
        if name not in _KNOWN_CALLS and name not in self.see_through:
            return None
        args = []
        for c in ch:
            if c.type == "function_arguments":
                if any(a.type == "ellipsis" for a in c.children):
                    return None
                args = [a for a in c.children if a.type == "expression"]
        if name == "format":
            return self._format(node, args, depth)
        if name in ("concat", "setunion"):
            # concat(["a"], var.more): the literal elements, and each unknown list as an element of kind
            # "spread" (a local of the file is spliced in when it is known: linter.located.map_unresolved)
            out = LList(span=pos.node_span(node))
            for a in args:
                v = self.eval(a, depth + 1)
                if isinstance(v, list):
                    out.extend(v)
                elif isinstance(v, Unresolved):
                    out.append(_spread(v))
                else:
                    return None
            return out
        if name in ("flatten", "distinct", "compact") and len(args) == 1:
            # flatten([local.base, ["s3:GetObject"]]): the elements of the lists in it; distinct and
            # compact keep what is there (a duplicate or an empty string changes no grant)
            v = self.eval(args[0], depth + 1)
            if isinstance(v, Unresolved):
                return v
            if not isinstance(v, list):
                return None
            out = LList(span=pos.node_span(node))
            work = list(reversed(v))
            while work:
                x = work.pop()
                if name == "flatten" and isinstance(x, list):
                    work.extend(reversed(x))
                elif name == "flatten" and isinstance(x, Unresolved):
                    out.append(_spread(x))
                elif name == "compact" and isinstance(x, LStr) and x == "":
                    continue
                else:
                    out.append(x)
            return out
        if len(args) == 1:  # tolist, toset, tomap, sensitive...: the value itself
            return self.eval(args[0], depth + 1)
        return None

    def _format(self, node, args: list, depth: int) -> Optional[LStr]:
        """``format("arn:%s:iam::aws:policy/X", var.p)`` -> ``"arn:${var.p}:iam::aws:policy/X"``
        (only ``%s``/``%d``/``%v``/``%%`` verbs; anything else stays Unresolved)."""
        if not args:
            return None
        fmt = self.eval(args[0], depth + 1)
        if not isinstance(fmt, LStr) or "${" in fmt:
            return None
        pieces = _FORMAT_VERB.split(str(fmt))
        verbs = _FORMAT_VERB.findall(str(fmt))
        out = [pieces[0]]
        k = 1
        for verb, rest in zip(verbs, pieces[1:]):
            if verb == "%%":
                out.append("%")
            else:
                if verb not in ("%s", "%d", "%v") or k >= len(args):
                    return None
                v = self.eval(args[k], depth + 1)
                k += 1
                if isinstance(v, LStr):
                    out.append(str(v))
                elif isinstance(v, LScalar) and v.value is not None and not isinstance(v.value, bool):
                    out.append(str(v.value))
                else:
                    out.append("${" + self.pos.node_text(args[k - 1]).strip() + "}")
            out.append(rest)
        return LStr("".join(out), self.pos.node_span(node))

    def _negative(self, node) -> Optional[LScalar]:
        ch = node.children
        if len(ch) == 1 and ch[0].type == "unary_operation":
            u = ch[0].children
            if len(u) == 2 and u[0].type == "-":
                num = _number(self.pos.node_text(u[1]).strip())
                if num is None:
                    return None
                return LScalar(-num, self.pos.node_span(node))
        return None

    def _object(self, node, depth: int) -> LDict:
        pos = self.pos
        out = LDict(span=pos.node_span(node))
        for c in node.children:
            if c.type != "object_elem":
                continue
            ch = c.children
            knode, vnode = ch[0], ch[-1]
            key = self._key(knode)
            kspan = pos.node_span(knode)
            if key in out:
                out.duplicates.append((str(key), kspan))
                del out[key]
            out[key] = self.eval(vnode, depth + 1)
            out.key_spans[str(key)] = kspan
        return out

    def _key(self, knode) -> LStr:
        pos = self.pos
        span = pos.node_span(knode)
        n = knode
        while n.type == "expression" and n.child_count == 1:
            n = n.children[0]
        if n.type == "variable_expr":
            return LStr(pos.node_text(n), span)
        tpl = template(n, pos)
        if tpl is not None:
            return LStr(tpl.text, span)
        txt = pos.node_text(knode).strip()
        if txt.startswith("(") and txt.endswith(")"):
            txt = txt[1:-1].strip()
        return LStr("${" + txt + "}", span)

    def _template(self, node, depth: int) -> Any:
        pos = self.pos
        if node.type == "quoted_template":
            parts = [c for c in node.children if c.type not in ("quoted_template_start", "quoted_template_end")]
            if len(parts) == 1 and parts[0].type == "template_interpolation":
                # "${expr}" is expr itself
                inner = [c for c in parts[0].children if c.type == "expression"]
                if len(inner) == 1:
                    # only literal or unresolved; either keeps the span of the whole string
                    v = self.eval(inner[0], depth + 1)
                    if isinstance(v, Unresolved):
                        return Unresolved(v.text, v.kind, pos.node_span(node))
                    if isinstance(v, LStr):
                        return LStr(str(v), pos.node_span(node))
                    return v
            tpl = template(node, pos)
            if any(s[2] == "directive" for s in tpl.specials):
                return Unresolved(pos.node_text(node), "template", tpl.span)
            return LStr(tpl.text, tpl.span)
        tpl = template(node, pos)
        return LStr(tpl.text, tpl.span)


#: Calls evaluated from literal arguments (anything else is Unresolved). These keep the
#: value (``tolist(["a"])`` is ``["a"]``) or build it from its parts with placeholders.
_KNOWN_CALLS = frozenset(("format", "concat", "setunion", "flatten", "distinct", "compact", "tolist", "toset", "tomap",
                          "sensitive", "nonsensitive"))


def _spread(v: Unresolved) -> Unresolved:
    """An unknown list given to ``concat`` / ``flatten``: an element that stands for its elements (a
    ``[for ...]`` expression stays one: it is expanded later, into the list it is in)."""
    if type(v) is not Unresolved:
        return v
    return Unresolved(v.text, "spread", v.span, v.service, v.rtype)

_FORMAT_VERB = re.compile(r"%%|%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z]")


_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
#: Python refuses to convert longer digit strings to int (sys.get_int_max_str_digits).
_MAX_INT_DIGITS = 4000


def _number(txt: str):
    """The value of a numeric literal: an int or a float for the decimal forms HCL has
    (a float for digit strings too long for an int); None for the other forms
    tree-sitter also accepts (``0x10``, ``0xZZ``), which are then unresolved."""
    if _DECIMAL.fullmatch(txt) is None:
        return None
    if "." in txt or "e" in txt or "E" in txt or len(txt) > _MAX_INT_DIGITS:
        return float(txt)  # inf when out of range
    return int(txt)


def evaluate(node, pos: _Pos, see_through: frozenset = frozenset()) -> Any:
    """Evaluate an expression node (see the module docstring)."""
    return _Evaluator(pos, see_through).eval(node)


#: Calls looked through when building :func:`to_tree` (their argument is what a
#: credential scan should see).
TREE_SEE_THROUGH = frozenset(("jsonencode", "yamlencode"))


def to_tree(doc: Document) -> LDict:
    """The whole file as one located tree, for file-scope rules.

    ``{block_type: [ {"__labels__": [labels...], attr: value, nested_type: [...]}, ...]}``;
    top-level attributes (``.tfvars``) are keys of the root. Calls to
    ``jsonencode``/``yamlencode``/``tomap``... are replaced by their argument.
    """
    ev = _Evaluator(doc.pos, TREE_SEE_THROUGH, lenient=True)
    root = LDict(span=Span(1, 1, 1, 1))
    _fill(root, doc.attributes, doc.blocks, ev)
    return root


def _fill(target: LDict, attrs: dict, blocks: list, ev: _Evaluator) -> None:
    for name, a in attrs.items():
        target[name] = ev.eval(a.node) if a.node is not None else a.value
        target.key_spans[name] = a.name_span
    # nested blocks: iterative to keep the stack flat
    work = [(target, blocks)]
    while work:
        tgt, blks = work.pop()
        for b in blks:
            d = LDict(span=b.span)
            d["__labels__"] = LList(b.labels, span=b.type_span)
            d.key_spans["__labels__"] = b.type_span
            for name, a in b.attributes.items():
                d[name] = ev.eval(a.node) if a.node is not None else a.value
                d.key_spans[name] = a.name_span
            lst = tgt.get(b.type)
            if not isinstance(lst, LList):
                lst = LList(span=b.type_span)
                tgt[b.type] = lst
                tgt.key_spans[b.type] = b.type_span
            lst.append(d)
            if b.blocks:
                work.append((d, b.blocks))


# ---------------------------------------------------------------------------
# Template syntax in plain text (Terraform JSON strings, ``templatefile`` files)

_TPL_OPEN = re.compile(r"\$\$\{|%%\{|\$\{|%\{")


def _match_brace(text: str, i: int, end: int) -> int:
    """Offset just past the ``}`` closing a ``${``/``%{`` opened before ``i``; -1 if none."""
    depth = 0
    while i < end:
        ch = text[i]
        if ch == '"':
            i += 1
            while i < end and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i + 1
            depth -= 1
        i += 1
    return -1


def scan_template_text(text: str, start: int = 0, end: Optional[int] = None,
                       fmap: Optional[Callable[[int], int]] = None, span: Optional[Span] = None) -> Template:
    """A :class:`Template` of ``text[start:end]`` read as an HCL template (``${...}``
    interpolations, ``%{...}`` directives, ``$${``/``%%{`` escapes), without tree-sitter.

    ``fmap`` maps offsets in ``text`` to offsets in the file (identity by default).
    """
    if end is None:
        end = len(text)
    f = _identity
    out: list[str] = []
    olen = 0
    omap = OffsetMap()
    specials = []
    i = start
    while i < end:
        m = _TPL_OPEN.search(text, i, end)
        j = m.start() if m else end
        if j > i:
            omap.add(olen, f(i))
            out.append(text[i:j])
            olen += j - i
            i = j
        if m is None:
            break
        tok = m.group()
        if len(tok) == 3:  # escape
            omap.add(olen, f(j))
            out.append(tok[1:])
            olen += 2
            i = m.end()
            continue
        k = _match_brace(text, m.end(), end)
        if k == -1:  # unterminated: literal text
            omap.add(olen, f(j))
            out.append(text[j:end])
            olen += end - j
            i = end
            break
        src = text[j:k]
        omap.add(olen, f(j))
        out.append(src)
        specials.append((olen, olen + len(src), "interp" if tok[0] == "$" else "directive", src))
        olen += len(src)
        i = k
    omap.add(olen, end)
    return Template("".join(out), Composed(omap, fmap) if fmap else omap, specials,
                    fmap(end) if fmap else end, span or Span(1, 1, 1, 1))


def _identity(x: int) -> int:
    return x
