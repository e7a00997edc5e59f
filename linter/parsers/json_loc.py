"""A JSON parser that remembers where every value was written.

``parse_json(text)`` returns the same data as ``json.loads(text)``, built from the
located types of :mod:`linter.located`:

* objects become :class:`LDict` (``span`` of the whole object, ``key_spans[key]``
  the span of the key literal, quotes included, and ``duplicates`` a list of
  ``(key, span)`` for every repeated key, the span being that of the repeated
  occurrence).  Keys are plain ``str``.  As in ``json.loads`` the later value of a
  repeated key wins (the key keeps its first position in the dict order), and
  ``key_spans[key]`` then points at the last occurrence, whose value was kept;
* arrays become :class:`LList`;
* strings become :class:`LStr` whose span covers the raw literal, quotes included
  (so ``"a\\/b"`` spans 6 columns although its value has 3 characters);
* numbers, ``true``, ``false`` and ``null`` become :class:`LScalar`.

Positions are 1-based; ``end_col`` is exclusive. Columns count code points of the
text (a tab is one column). Lines are split on ``\\n`` only, so the ``\\r`` of a CRLF
line ending is just trailing whitespace. A leading byte-order mark (U+FEFF) is
skipped, and columns on line 1 are counted as if it were absent (``json.loads``
itself rejects a BOM in a ``str``; this parser accepts it).

Deviations from ``json.loads`` (both raise :class:`ParseError` here):

* ``NaN``, ``Infinity`` and ``-Infinity`` are rejected: they are not JSON, and IAM
  does not accept them;
* nesting deeper than :data:`MAX_DEPTH` containers is rejected ("nested too
  deeply") instead of hitting a ``RecursionError``.

Everything else ``json.loads`` rejects (including an integer literal with more
digits than Python's int conversion limit) is rejected too. No other exception
than :class:`ParseError` escapes ``parse_json`` for any input string (a ``mapper``
that raises is the caller's business).

Errors carry the span where parsing stopped: the offending token, or an empty
span at the end of the text for "unexpected end of file".

``mapper``, when given, is a callable ``(line, col) -> (line, col)`` translating
positions in ``text`` into positions in an enclosing file (a policy embedded in
a YAML or HCL string). Every span of the result, and the span of a
``ParseError``, is passed through it, start and end separately.

Implementation. ``json.loads`` (C) first validates the text and decodes every
value, objects as tuples of ``(key, value)`` pairs so that repeated keys are
seen. A walk over that result, in document order with an explicit stack (no
recursion), then finds each token in the text: only whitespace, ``,`` and
``:`` can lie between one token and the next, so a string literal starts at
the next ``"`` (and is ``len(value) + 2`` long when the text has no backslash;
otherwise all literals are located up front), a bracket at the next ``{``,
``[``, ``}`` or ``]``, and a number or literal is matched by a small regex.
Lines are tracked from a table of line lengths. The garbage collector is paused
during the parse (see :func:`_parse`). This costs about 12 times a bare
``json.loads`` when each result is dropped at once, about 8 times when results
are kept alive as a lint run keeps them (``benchmarks/json_parser_speed.py``);
most of it is the creation of the located objects themselves (a ``Span`` and an
``LStr`` cost about as much as ``json.loads`` spends on a whole member).

Only when ``json.loads`` rejects the text does the checking parser run (a
regex tokenizer driving a state machine, also with an explicit stack) to say
precisely where and why; it builds the same located tree when the text is
valid, which the tests check.
"""
from __future__ import annotations

import re
from gc import disable as _gc_disable, enable as _gc_enable, isenabled as _gc_isenabled
from itertools import accumulate, repeat
from operator import add
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from .. import cjson
from ..located import LDict, LList, LScalar, LStr, LimitError, ParseError, Span
from .._regex import PLUS, Lazy

__all__ = ["parse_json", "MAX_DEPTH"]

#: Deepest nesting of arrays/objects accepted.
MAX_DEPTH = 500

Mapper = "Callable[[int, int], tuple[int, int]]"

# Group numbers are the token kinds (``m.lastindex``).
_T_STR = 1  # string without backslash
_T_KEY = 2  # ... followed by ':' (the colon group closes last)
_T_COMMA = 3
_T_CLOSE = 4
_T_OPEN = 5
_T_ESTR = 6  # string with at least one escape
_T_NUM = 7
_T_LIT = 8
_T_COLON = 9
_T_BADNUM = 10
_T_BADWORD = 11
_T_CHAR = 12  # any other non-whitespace character: always an error

_TOKEN = Lazy(
    r'[ \t\n\r]*(?:'
    r'(?<!\\)("[^"\\\x00-\x1f]*")(?:[ \t\n\r]*(:))?'
    r'|(,)'
    r'|([}\]])'
    r'|([{\[])'
    r'|(?<!\\)("[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)+' + PLUS + '")'
    r'|(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)(?![0-9.eE+\-])'
    r'|(true|false|null)(?![A-Za-z0-9_$])'
    r'|(:)'
    r'|([-+.0-9][-+.0-9A-Za-z_]*)'
    r'|([A-Za-z_$][A-Za-z0-9_$]*)'
    r'|([^ \t\n\r])'
    r')'
    # Blanks up to the end: one match, not one failed attempt per blank (quadratic).
    r'|[ \t\n\r]+\Z'
    # A string never starts right after a backslash (which is an error token itself):
    # otherwise ``\"\"\"...`` would scan to the end once per quote.
)

_LITERALS = {"true": True, "false": False, "null": None}
_HEX = frozenset("0123456789abcdefABCDEF")
_SIMPLE_ESCAPES = frozenset('"\\/bfnrt')

# States of the parser.
_S_VALUE = 0  # a value must come (document start, after ':' or after ',' in an array)
_S_ARRAY_FIRST = 1  # after '[': a value or ']'
_S_OBJECT_FIRST = 2  # after '{': a key or '}'
_S_KEY = 3  # after ',' in an object: a key
_S_COLON = 4  # after an escaped key: ':'
_S_AFTER = 5  # after a value inside a container: ',' or the closer
_S_DONE = 6  # the top-level value is complete


def parse_json(text: str, mapper: Optional[Mapper] = None) -> Any:
    """Parse ``text`` into a located tree (see the module docstring).

    Raises :class:`ParseError` (and nothing else) when ``text`` is not JSON.
    """
    try:
        tree = _parse(text)
    except ParseError as exc:
        if mapper is None:
            raise
        raise ParseError(exc.message, _map_span(exc.span, mapper)) from None
    except Exception as exc:  # pragma: no cover - defensive
        # Should never happen; keep the promise that only ParseError escapes.
        err = ParseError(f"cannot parse JSON: {exc!r}", Span(1, 1, 1, 1))
        if mapper is not None:
            err = ParseError(err.message, _map_span(err.span, mapper))
        raise err from None
    if mapper is not None:
        _remap(tree, mapper)
    return tree


def _parse(text: str) -> Any:
    if not isinstance(text, str):
        raise ParseError(f"expected a str to parse, got {type(text).__name__}", Span(1, 1, 1, 1))
    base = 1 if text[:1] == "\ufeff" else 0
    # The parse allocates a few objects per token and keeps them all: with the
    # collector on, that sets off collections that cost about as much as the
    # parse itself and find nothing to free. Pause it (its previous state is
    # restored; the objects are collected as usual afterwards).
    gc_was_enabled = _gc_isenabled()
    if gc_was_enabled:
        _gc_disable()
    try:
        try:
            values = _loads(text[base:] if base else text)
        except Exception as exc:
            # Not JSON (or too deep for the C scanner): the checking parser
            # says precisely where and why.
            tree = _parse_checked(text)
            if isinstance(exc, RecursionError):
                return tree  # deep but within MAX_DEPTH: the checked parse is right
            pos = getattr(exc, "pos", None)  # pragma: no cover - the two parsers disagree
            if isinstance(pos, int):  # pragma: no cover
                sp = _span(text, base, pos + base, pos + base)
                raise ParseError(f"invalid JSON: {getattr(exc, 'msg', exc)}", sp) from None
            raise ParseError(f"invalid JSON: {exc}", Span(1, 1, 1, 1)) from None  # pragma: no cover
        try:
            return _locate(values, text, base)
        except ParseError:
            raise
        except Exception:  # pragma: no cover - a bug in the walk: be slow but right
            return _parse_checked(text)
    finally:
        if gc_was_enabled:
            _gc_enable()


class _ConstantRejected(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _ConstantRejected(name)


# json.loads(text, object_pairs_hook=tuple, parse_constant=_reject_constant), without importing json
_loads = cjson.decoder(object_pairs_hook=tuple, parse_constant=_reject_constant)
_scanstring = cjson.scanstring()


# Optional separators, then a number or a literal (the walk knows one is next). It is
# matched just after a token; the look-behind keeps a search from starting inside a run
# of separators (each start would rescan it).
_SCALAR = Lazy(  # compiled when a document first holds a number, true, false or null
    r'(?<![ \t\n\r,:])[ \t\n\r,:]*(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false|null)')


def _locate(values: Any, text: str, base: int) -> Any:
    """Build the located tree for ``values``, the result of ``json.loads(text)``.

    ``text`` is known to be valid JSON here, and the values come in the order
    their tokens are written, so each token is found with ``str.find`` from the
    end of the previous one: only whitespace, ``,`` and ``:`` can lie between
    (objects were loaded as tuples of ``(key, value)`` pairs, duplicates kept).
    A string literal without escapes is ``len(value) + 2`` characters long; if
    the text has a backslash, all literals are located up front instead.

    The loops are written out (one for objects, one for arrays; line tracking
    inline) because this is the hot path of the whole linter: every function
    call or attribute lookup per token costs several percent.
    """
    tnew = tuple.__new__
    str_new = str.__new__
    dict_new = dict.__new__
    list_new = list.__new__
    obj_new = object.__new__
    span_t = Span
    lstr = LStr
    ldict = LDict
    llist = LList
    lscalar = LScalar
    scalar_match = None  # the pattern's match, bound when the first number or literal comes
    max_depth = MAX_DEPTH
    find = text.find

    # Where string literals start and end. Without a backslash in the text, a
    # literal is its value between two quotes: it starts at the next '"' and
    # is len(value) + 2 long. Otherwise all literals are located up front:
    # qs[2i] - 1 is where the i-th starts (its opening quote), qs[2i + 1] where
    # it ends (one past its closing quote).
    plain = "\\" not in text
    if plain:
        qs = []
    elif '\\"' in text:
        # An escaped quote: only a real scan tells delimiters from content.
        qs = [x for m in _STRING_LITERAL.finditer(text, base) for x in (m.start() + 1, m.end())]
    else:
        # Every '"' is a delimiter: piece i of the split ends one before the
        # (i+1)-th quote, so the running sum of len(piece) + 1 is quote + 1.
        qs = list(accumulate(map(add, map(len, text.split('"')), repeat(1))))
    k = 0  # the next string literal is the (k/2)-th (when not plain)

    # Line tracking: the last token found is on line ``line``, which starts at
    # ``off + 1`` (a column is ``offset - off``); the next line starts at
    # ``nxt`` = ``bl[line] + line`` (bl[i]: characters in lines 1..i, newlines
    # not counted; past the end of the text on the last line).
    bl = [0]
    bl += accumulate(map(len, text.split("\n")))
    line = 1
    off = base - 1
    nxt = bl[1] + 1

    pos = base  # where the last token ended
    holder: list = []
    cur: Any = holder
    kind = 1  # 1: cur is a list, 2: cur is a dict
    it: Any = iter((values,))
    ks: Any = None
    key: Any = None
    oline = ocol = 0  # where cur was opened
    stack: list = []
    push = stack.append
    pop = stack.pop

    while True:
        if kind == 2:
            for key, item in it:
                if plain:
                    s = find('"', pos)
                    e = pos = s + len(key) + 2
                else:
                    s = qs[k] - 1
                    e = pos = qs[k + 1]
                    k += 2
                while s >= nxt:
                    off = nxt - 1
                    line += 1
                    nxt = bl[line] + line
                sp = tnew(span_t, (line, s - off, line, e - off))
                if key in ks:
                    cur.duplicates.append((key, sp))
                ks[key] = sp
                t = type(item)
                if t is str:
                    if plain:
                        # Mostly written `"key": "value"`: no need to search
                        # (text[pos] is ':' or a space, never a quote).
                        if text[pos + 2] == '"' and text[pos + 1] == " ":
                            s = pos + 2
                        else:
                            s = find('"', pos)
                        e = pos = s + len(item) + 2
                    else:
                        s = qs[k] - 1
                        e = pos = qs[k + 1]
                        k += 2
                    while s >= nxt:
                        off = nxt - 1
                        line += 1
                        nxt = bl[line] + line
                    v = str_new(lstr, item)
                    v.span = tnew(span_t, (line, s - off, line, e - off))
                    cur[key] = v
                elif t is tuple or t is list:
                    if t is tuple:
                        s = find("{", pos)
                        new = dict_new(ldict)
                        new.key_spans = nks = {}
                        new.duplicates = []
                        nkind = 2
                    else:
                        s = find("[", pos)
                        new = list_new(llist)
                        nks = None
                        nkind = 1
                    pos = s + 1
                    while s >= nxt:
                        off = nxt - 1
                        line += 1
                        nxt = bl[line] + line
                    cur[key] = new
                    push((it, cur, kind, ks, key, oline, ocol))
                    if len(stack) > max_depth:
                        raise LimitError(
                            f"nested too deeply (more than {max_depth} levels of arrays/objects)",
                            tnew(span_t, (line, s - off, line, s + 1 - off)),
                        )
                    it = iter(item)
                    cur = new
                    kind = nkind
                    ks = nks
                    oline = line
                    ocol = s - off
                    break
                else:
                    if scalar_match is None:
                        scalar_match = _SCALAR.compiled().match
                    m = scalar_match(text, pos)
                    s, e = m.span(1)
                    pos = e
                    while s >= nxt:
                        off = nxt - 1
                        line += 1
                        nxt = bl[line] + line
                    v = obj_new(lscalar)
                    v.value = item
                    v.span = tnew(span_t, (line, s - off, line, e - off))
                    cur[key] = v
            else:
                s = find("}", pos)
                pos = s + 1
                while s >= nxt:
                    off = nxt - 1
                    line += 1
                    nxt = bl[line] + line
                cur.span = tnew(span_t, (oline, ocol, line, s + 1 - off))
                it, cur, kind, ks, key, oline, ocol = pop()
        else:
            for item in it:
                t = type(item)
                if t is str:
                    if plain:
                        # Often written `, "value"`: no need to search (but
                        # right after '[', text[pos] may be the quote itself).
                        if text[pos + 2] == '"' and text[pos + 1] == " " and text[pos] != '"':
                            s = pos + 2
                        else:
                            s = find('"', pos)
                        e = pos = s + len(item) + 2
                    else:
                        s = qs[k] - 1
                        e = pos = qs[k + 1]
                        k += 2
                    while s >= nxt:
                        off = nxt - 1
                        line += 1
                        nxt = bl[line] + line
                    v = str_new(lstr, item)
                    v.span = tnew(span_t, (line, s - off, line, e - off))
                    cur.append(v)
                elif t is tuple or t is list:
                    if t is tuple:
                        s = find("{", pos)
                        new = dict_new(ldict)
                        new.key_spans = nks = {}
                        new.duplicates = []
                        nkind = 2
                    else:
                        s = find("[", pos)
                        new = list_new(llist)
                        nks = None
                        nkind = 1
                    pos = s + 1
                    while s >= nxt:
                        off = nxt - 1
                        line += 1
                        nxt = bl[line] + line
                    cur.append(new)
                    push((it, cur, kind, ks, key, oline, ocol))
                    if len(stack) > max_depth:
                        raise LimitError(
                            f"nested too deeply (more than {max_depth} levels of arrays/objects)",
                            tnew(span_t, (line, s - off, line, s + 1 - off)),
                        )
                    it = iter(item)
                    cur = new
                    kind = nkind
                    ks = nks
                    oline = line
                    ocol = s - off
                    break
                else:
                    if scalar_match is None:
                        scalar_match = _SCALAR.compiled().match
                    m = scalar_match(text, pos)
                    s, e = m.span(1)
                    pos = e
                    while s >= nxt:
                        off = nxt - 1
                        line += 1
                        nxt = bl[line] + line
                    v = obj_new(lscalar)
                    v.value = item
                    v.span = tnew(span_t, (line, s - off, line, e - off))
                    cur.append(v)
            else:
                if not stack:
                    break
                s = find("]", pos)
                pos = s + 1
                while s >= nxt:
                    off = nxt - 1
                    line += 1
                    nxt = bl[line] + line
                cur.span = tnew(span_t, (oline, ocol, line, s + 1 - off))
                it, cur, kind, ks, key, oline, ocol = pop()
    if k != len(qs) - (len(qs) & 1):  # pragma: no cover - every literal was used
        raise _Mismatch()
    return holder[0]


class _Mismatch(Exception):
    """The located walk lost its way (a bug): the checked parser takes over."""


# A whole string literal (the text is known to be valid JSON where this is used).
# The closing quote is optional: the same matches on valid JSON, and an unterminated
# string is one match to the end rather than one failed attempt per quote (quadratic).
_STRING_LITERAL = Lazy(r'"[^"\\]*(?:\\.[^"\\]*)*' + PLUS + '"?', re.S)


# ------------------------------------------------------------------ checking parser

def _parse_checked(text: str) -> Any:
    """The validating parser: a regex tokenizer and a state machine.

    Slower than ``json.loads`` + :func:`_locate`, it runs only when ``json.loads``
    rejected the text, to say where and why (its result, when it has one, is the
    same located tree).
    """
    tnew = tuple.__new__
    str_new = str.__new__
    dict_new = dict.__new__
    list_new = list.__new__
    obj_new = object.__new__
    span_t = Span
    lstr = LStr
    ldict = LDict
    llist = LList
    lscalar = LScalar
    max_depth = MAX_DEPTH

    base = 1 if text[:1] == "\ufeff" else 0
    line = 1
    ls = base  # offset of the start of the current line
    nl = text.find("\n")  # offset of the end of the current line
    if nl < 0:
        nl = len(text)
    find = text.find
    rfind = text.rfind
    count = text.count

    st = _S_VALUE
    cur: Any = None  # the innermost open container
    ctype = 0  # 0: none (top level), 1: list, 2: dict
    key: Any = None  # the key whose value comes next (in a dict)
    ks: Any = None  # cur.key_spans
    sl = sc = 0  # where cur starts
    stack: list = []
    push = stack.append
    pop = stack.pop
    root: Any = None

    for m in _TOKEN.finditer(text, base):
        k = m.lastindex
        if k is None:  # trailing blanks
            break
        if k == 2:
            s, e = m.span(1)
        else:
            s, e = m.span(k)
        if s > nl:
            line += count("\n", nl, s)
            ls = rfind("\n", 0, s) + 1
            nl = find("\n", s)
            if nl < 0:
                nl = len(text)
        col = s - ls + 1

        if k == 2:  # "key":
            if st == 2 or st == 3:
                key = text[s + 1:e - 1]
                sp = tnew(span_t, (line, col, line, col + e - s))
                if key in ks:
                    cur.duplicates.append((key, sp))
                ks[key] = sp
                st = 0
                continue
            # A string followed by ':' where no key may stand: the string is a
            # fine value, the colon is the problem (unless the string is too).
            if st <= 1:
                _fail_state(text, base, m.start(2), m.end(2), 5, ctype, k)
            _fail_state(text, base, s, e, st, ctype, k)
        elif k == 1:  # string value
            if st > 1:
                _fail_state(text, base, s, e, st, ctype, k)
            v = str_new(lstr, text[s + 1:e - 1])
            v.span = tnew(span_t, (line, col, line, col + e - s))
        elif k == 3:  # ,
            if st != 5:
                _fail_state(text, base, s, e, st, ctype, k)
            st = 3 if ctype == 2 else 0
            continue
        elif k == 4:  # } or ]
            c = text[s]
            if st == 5:
                if (c == "}") != (ctype == 2):
                    _fail_state(text, base, s, e, st, ctype, k)
            elif not ((st == 1 and c == "]") or (st == 2 and c == "}")):
                _fail_state(text, base, s, e, st, ctype, k)
            cur.span = tnew(span_t, (sl, sc, line, col + 1))
            cur, ctype, key, ks, sl, sc = pop()
            st = 5 if ctype else 6
            continue
        elif k == 5:  # { or [
            if st > 1:
                _fail_state(text, base, s, e, st, ctype, k)
            if text[s] == "{":
                new = dict_new(ldict)
                new.key_spans = nks = {}
                new.duplicates = []
                nct = 2
            else:
                new = list_new(llist)
                nks = None
                nct = 1
            if ctype == 2:
                cur[key] = new
            elif ctype == 1:
                cur.append(new)
            else:
                root = new
            push((cur, ctype, key, ks, sl, sc))
            if len(stack) > max_depth:
                raise LimitError(
                    f"nested too deeply (more than {max_depth} levels of arrays/objects)",
                    _span(text, base, s, e),
                )
            cur = new
            ctype = nct
            ks = nks
            sl = line
            sc = col
            st = nct
            continue
        elif k == 6:  # string with escapes
            if st > 3:
                _fail_state(text, base, s, e, st, ctype, k)
            val = _scanstring(text, s + 1, True)[0]
            if st >= 2:  # a key
                key = val
                sp = tnew(span_t, (line, col, line, col + e - s))
                if key in ks:
                    cur.duplicates.append((key, sp))
                ks[key] = sp
                st = 4
                continue
            v = str_new(lstr, val)
            v.span = tnew(span_t, (line, col, line, col + e - s))
        elif k == 9:  # :
            if st != 4:
                _fail_state(text, base, s, e, st, ctype, k)
            st = 0
            continue
        elif k == 7:  # number
            if st > 1:
                _fail_state(text, base, s, e, st, ctype, k)
            tok = text[s:e]
            try:
                if "." in tok or "e" in tok or "E" in tok:
                    num: Any = float(tok)
                else:
                    num = int(tok)
            except ValueError as exc:  # more digits than int() accepts
                raise ParseError(f"number out of range: {exc}", _span(text, base, s, e)) from None
            v = obj_new(lscalar)
            v.value = num
            v.span = tnew(span_t, (line, col, line, col + e - s))
        elif k == 8:  # true false null
            if st > 1:
                _fail_state(text, base, s, e, st, ctype, k)
            v = obj_new(lscalar)
            v.value = _LITERALS[text[s:e]]
            v.span = tnew(span_t, (line, col, line, col + e - s))
        else:  # a malformed token
            _fail_state(text, base, s, e, st, ctype, k)

        # A scalar value v is complete: store it.
        if ctype == 2:
            cur[key] = v
        elif ctype == 1:
            cur.append(v)
        else:
            root = v
            st = 6
            continue
        st = 5

    if st != 6:
        end = len(text)
        if st == 0 and ctype == 0:
            what = "unexpected end of file: no JSON value" if text.strip(" \t\n\r\ufeff") == "" \
                else "unexpected end of file"
        else:
            opener = "{" if ctype == 2 else "["
            what = f"unexpected end of file: '{opener}' opened at line {sl} column {sc} is not closed"
        raise ParseError(what, _span(text, base, end, end))
    return root


# --------------------------------------------------------------------------- errors

def _pos(text: str, base: int, off: int) -> tuple[int, int]:
    line = text.count("\n", 0, off) + 1
    ls = text.rfind("\n", 0, off) + 1
    if ls == 0:
        ls = base
    return line, off - ls + 1


def _span(text: str, base: int, start: int, end: int) -> Span:
    line, col = _pos(text, base, start)
    eline, ecol = _pos(text, base, end)
    return Span(line, col, eline, ecol)


def _show(tok: str) -> str:
    if len(tok) > 20:
        tok = tok[:20] + "..."
    return repr(tok)


def _fail_state(text: str, base: int, s: int, e: int, st: int, ctype: int, k: int) -> None:
    """Raise the ParseError for token kind ``k`` at ``text[s:e]`` in state ``st``."""
    if st == _S_DONE:
        raise ParseError("trailing data after JSON value", _span(text, base, s, e))
    if st == _S_AFTER:
        closer = "}" if ctype == 2 else "]"
        what = "object member" if ctype == 2 else "array element"
        if k == _T_CLOSE:
            msg = f"mismatched '{text[s]}': expected ',' or '{closer}' after {what}"
        else:
            msg = f"expected ',' or '{closer}' after {what}"
        raise ParseError(msg, _span(text, base, s, e))
    if st == _S_COLON:
        raise ParseError("expected ':' after object key", _span(text, base, s, e))

    # A value (states 0, 1) or a key (states 2, 3) was expected.
    _fail_token(text, base, s, e, k)  # a malformed token explains itself
    if k == _T_STR and st in (_S_OBJECT_FIRST, _S_KEY):
        # A key not followed by ':'.
        i = e
        n = len(text)
        while i < n and text[i] in " \t\n\r":
            i += 1
        if i >= n:
            raise ParseError("unexpected end of file: expected ':' after object key", _span(text, base, n, n))
        j = i + 1
        m = _TOKEN.match(text, i)
        if m is not None:
            j = m.end()
        raise ParseError("expected ':' after object key", _span(text, base, i, j))
    if st in (_S_OBJECT_FIRST, _S_KEY):
        if k == _T_CLOSE and st == _S_KEY and text[s] == "}":
            msg = "trailing comma before '}'"
        elif st == _S_KEY:
            msg = "expected a string key after ',' in object"
        else:
            msg = "expected a string key or '}'"
        raise ParseError(msg, _span(text, base, s, e))
    # A value was expected.
    if k == _T_CLOSE:
        if ctype == 1 and text[s] == "]" and st == _S_VALUE:
            msg = "trailing comma before ']'"
        elif ctype == 2:
            msg = f"expected a value after ':', found '{text[s]}'"
        elif ctype == 0:
            msg = f"expected a JSON value, found '{text[s]}'"
        else:
            msg = f"expected a value or ']', found '{text[s]}'"
    elif k in (_T_COMMA, _T_COLON):
        msg = f"expected a value, found '{text[s]}'"
    else:  # pragma: no cover - every other kind is a value or malformed
        msg = "expected a value"
    raise ParseError(msg, _span(text, base, s, e))


def _fail_token(text: str, base: int, s: int, e: int, k: int) -> None:
    """Raise if the token of kind ``k`` at ``text[s:e]`` is malformed by itself."""
    if k == _T_BADNUM:
        tok = text[s:e]
        if tok.lstrip("+-") in ("Infinity", "inf"):
            msg = f"{tok} is not allowed in JSON"
        else:
            msg = f"invalid number {_show(tok)}"
        raise ParseError(msg, _span(text, base, s, e))
    if k == _T_BADWORD:
        tok = text[s:e]
        if tok in ("NaN", "Infinity"):
            msg = f"{tok} is not allowed in JSON"
        elif tok.lower() in _LITERALS:
            msg = f"invalid literal {_show(tok)} (JSON literals are lowercase: true, false, null)"
        else:
            msg = f"invalid literal {_show(tok)} (strings must be in double quotes)"
        raise ParseError(msg, _span(text, base, s, e))
    if k == _T_CHAR:
        c = text[s]
        if c == '"':
            _fail_string(text, base, s)
        if c == "'":
            msg = "strings must be in double quotes, not single quotes"
        elif c == "/" and text[s + 1:s + 2] in ("/", "*"):
            msg = "comments are not allowed in JSON"
        else:
            msg = f"unexpected character {c!r}"
        raise ParseError(msg, _span(text, base, s, s + 1))


def _fail_string(text: str, base: int, s: int) -> None:
    """Raise the error of the malformed string literal starting at ``text[s]``."""
    n = len(text)
    i = s + 1
    while i < n:
        c = text[i]
        if c == '"':  # pragma: no cover - the string would have matched
            break
        if c == "\\":
            nxt = text[i + 1:i + 2]
            if nxt in _SIMPLE_ESCAPES and nxt:
                i += 2
                continue
            if nxt == "u":
                hexpart = text[i + 2:i + 6]
                if len(hexpart) == 4 and all(h in _HEX for h in hexpart):
                    i += 6
                    continue
                j = i + 2
                while j < min(n, i + 6) and text[j] in _HEX:
                    j += 1
                raise ParseError(
                    r"invalid \u escape (needs four hex digits)", _span(text, base, i, max(j, i + 2)))
            if not nxt:
                break  # end of file right after the backslash
            raise ParseError("invalid escape sequence \\" + nxt, _span(text, base, i, i + 2))
        if c < " ":
            if c in "\n\r":
                raise ParseError("unterminated string (a line break cannot be inside a string)",
                                 _span(text, base, s, i))
            raise ParseError(f"invalid control character U+{ord(c):04X} in string (escape it)",
                             _span(text, base, i, i + 1))
        i += 1
    raise ParseError("unterminated string", _span(text, base, s, n))


# --------------------------------------------------------------------------- mapper

def _map_span(sp: Span, mapper: Mapper) -> Span:
    line, col = mapper(sp[0], sp[1])
    eline, ecol = mapper(sp[2], sp[3])
    return Span(line, col, eline, ecol)


def _remap(tree: Any, mapper: Mapper) -> None:
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, LDict):
            node.span = _map_span(node.span, mapper)
            node.key_spans = {key: _map_span(sp, mapper) for key, sp in node.key_spans.items()}
            node.duplicates = [(key, _map_span(sp, mapper)) for key, sp in node.duplicates]
            todo.extend(node.values())
        elif isinstance(node, LList):
            node.span = _map_span(node.span, mapper)
            todo.extend(node)
        elif isinstance(node, (LStr, LScalar)):
            node.span = _map_span(node.span, mapper)
