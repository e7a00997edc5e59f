"""JSON embedded in templates: a policy written as a Terraform template (a heredoc, a
quoted string, a ``templatefile()`` file, a ``*.json.tpl``) or a Jinja template
(``*.json.j2``), parsed with positions that point into the file.

A :class:`~linter.parsers.hcl.Template` holds the template's text and where each of
its characters came from; :func:`template_json` parses it as JSON. Interpolations
inside a JSON string stay in the string as written (``arn:aws:s3:::${bucket}/*``);
one that stands for a whole value becomes an :class:`~linter.located.Unresolved`;
directives (``%{ for }``, ``{% if %}``) disappear, and a separator they guarded may
leave a trailing comma, which is dropped.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any

from .._regex import PLUS
from ..located import LDict, LineIndex, LStr, ParseError, Unresolved, span_of

CALL = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_:.]*\s*\(")
_PM = "\ue000"  # marks a whole-value interpolation in JSON text
_PS = "\ue001"  # marks an interpolation inside a JSON string
_MARK = re.compile("[\ue000\ue001]([0-9]+)[\ue000\ue001]")


def template_json(tpl, index: LineIndex) -> Any:
    """The JSON value of a template, located in the file ``index`` describes.

    Raises :class:`ParseError` when the text is not JSON even with the directives gone.
    """
    parse_text, omap, subs = _json_text(tpl)
    try:
        tree = _parse_mapped(parse_text, omap, index)
    except ParseError:
        if not any(s[2] == "directive" for s in tpl.specials):
            raise
        # %{ for } ... %{ if not last },%{ endif }: with the directives gone, the
        # separators they guarded may leave a trailing comma
        text2, omap2 = _drop_trailing_commas(parse_text, omap)
        if text2 is None:
            raise
        tree = _parse_mapped(text2, omap2, index)
    return _restore(tree, subs) if subs else tree


_JINJA_CLOSE = {"{{": "}}", "{%": "%}", "{#": "#}"}


def scan_jinja(text: str):
    """A :class:`~linter.parsers.hcl.Template` of a Jinja text: ``{{ x }}`` are
    interpolations (kept as ``${x}``), ``{% ... %}`` and ``{# ... #}`` directives (one pass,
    linear)."""
    from ..parsers.hcl import OffsetMap, Template
    from ..located import Span

    omap = OffsetMap()
    omap.add(0, 0)
    specials = []
    i = text.find("{")
    while i != -1:
        close = _JINJA_CLOSE.get(text[i:i + 2])
        if close is None:
            i = text.find("{", i + 1)
            continue
        j = text.find(close, i + 2)
        if j == -1:
            break  # unterminated: the rest is text
        # an interpolation is kept as ${...}, the placeholder form every ARN and action check knows
        src = "${" + text[i + 2:j].strip() + "}" if close == "}}" else text[i:j + 2]
        specials.append((i, j + 2, "interp" if close == "}}" else "directive", src))
        i = text.find("{", j + 2)
    return Template(text, omap, specials, len(text), Span(1, 1, 1, 1))


def _parse_mapped(parse_text: str, omap, index: LineIndex) -> Any:
    from ..parsers.json_loc import parse_json

    pstarts = LineIndex(parse_text).starts
    n = len(parse_text)

    def mapper(line: int, col: int) -> tuple[int, int]:
        off = pstarts[line - 1] + col - 1 if line - 1 < len(pstarts) else n
        return index.pos(omap(off))

    return parse_json(parse_text, mapper)


# A JSON string, possessive; an unterminated one runs to the end of its line (a closing quote
# that is required would make every quote after it start a new scan).
_JSON_STRING = r'"(?:[^"\\\n]|\\.)*' + PLUS + '"?'
_TOKENS = re.compile(_JSON_STRING + "|,")
_SPACE = re.compile(r"\s*")


def _drop_trailing_commas(text: str, omap):
    """``text`` without the commas that directives left dangling (outside strings): before
    ``]``, ``}`` or another comma, and after ``[`` or ``{``; and its map. (None, None) if none.
    One pass over the text."""
    from ..parsers.hcl import Composed, OffsetMap

    drop = []
    prev_end, prev_sig = 0, ""
    for m in _TOKENS.finditer(text):
        gap = text[prev_end:m.start()].rstrip()
        if gap:
            prev_sig = gap[-1]
        if m.group() == ",":
            j = _SPACE.match(text, m.end()).end()
            if text[j:j + 1] in ("]", "}", ",") or prev_sig in ("[", "{", ""):
                drop.append(m.start())
            else:
                prev_sig = ","
        else:
            prev_sig = '"'
        prev_end = m.end()
    if not drop:
        return None, None
    out = []
    pmap = OffsetMap()
    last = 0
    olen = 0
    for i in drop:
        pmap.add(olen, last)
        out.append(text[last:i])
        olen += i - last
        last = i + 1
    pmap.add(olen, last)
    out.append(text[last:])
    olen += len(text) - last
    pmap.add(olen, len(text))
    return "".join(out), Composed(pmap, omap)


def _json_text(tpl):
    """JSON text for parse_json, with a map from its offsets to the file's.

    Interpolations become markers (see :func:`_restore`): inside a JSON string a
    bare marker, standing for a whole value a marker string, and a directive
    outside strings disappears.
    """
    from bisect import bisect_right

    from ..parsers.hcl import Composed, OffsetMap

    specials = tpl.specials
    if not specials:
        return tpl.text, tpl.omap, []
    text = tpl.text
    # where are the JSON strings? Look with every special blanked out.
    blank = []
    last = 0
    for s0, s1, _k, _src in specials:
        blank.append(text[last:s0])
        blank.append("_" * (s1 - s0))
        last = s1
    blank.append(text[last:])
    btext = "".join(blank)
    ranges = [(m.start(), m.end()) for m in re.finditer(_JSON_STRING, btext)]
    starts = [r[0] for r in ranges]
    out: list[str] = []
    olen = 0
    pmap = OffsetMap()  # parse text -> tpl.text
    subs: list[tuple[str, str]] = []
    last = 0
    for s0, s1, kind, src in specials:
        if s0 > last:
            pmap.add(olen, last)
            out.append(text[last:s0])
            olen += s0 - last
        r = bisect_right(starts, s0) - 1
        inside = r >= 0 and ranges[r][0] < s0 < ranges[r][1]
        n = len(subs)
        subs.append((kind, src))
        if inside:
            rep = f"{_PS}{n}{_PS}"
        elif kind == "interp":
            rep = f'"{_PM}{n}{_PM}"'
        else:
            rep = ""
        pmap.add(olen, s0)
        out.append(rep)
        olen += len(rep)
        pmap.add(olen, s1)
        last = s1
    if last < len(text):
        pmap.add(olen, last)
        out.append(text[last:])
        olen += len(text) - last
    pmap.add(olen, len(text))
    return "".join(out), Composed(pmap, tpl.omap), subs


def _restore(tree: Any, subs: list) -> Any:
    """Put interpolations back: inside strings as text, whole values as Unresolved."""

    def fix_str(s: Any) -> Any:
        if not isinstance(s, str) or (_PS not in s and _PM not in s):
            return s
        m = _MARK.fullmatch(s)
        if m and s[0] == _PM:
            kind, src = subs[int(m.group(1))]
            inner = src[2:-1].strip()
            return Unresolved(inner, "call" if CALL.match(inner) else "reference", span_of(s))
        val = _MARK.sub(lambda mm: subs[int(mm.group(1))][1], s)
        return LStr(val, span_of(s)) if isinstance(s, LStr) else val

    root = fix_str(tree)
    stack = [root] if isinstance(root, (dict, list)) else []
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            for i, v in enumerate(node):
                nv = fix_str(v)
                if nv is not v:
                    node[i] = nv
                if isinstance(nv, (dict, list)):
                    stack.append(nv)
        elif isinstance(node, dict):
            if any(isinstance(k, str) and (_PS in k or _PM in k) for k in node):
                items = list(node.items())
                spans = dict(node.key_spans) if isinstance(node, LDict) else {}
                node.clear()
                if isinstance(node, LDict):
                    node.key_spans = {}
                for k, v in items:
                    nk = _MARK.sub(lambda mm: subs[int(mm.group(1))][1], k)
                    node[nk] = v
                    if isinstance(node, LDict) and k in spans:
                        node.key_spans[nk] = spans[k]
            for k, v in node.items():
                nv = fix_str(v)
                if nv is not v:
                    node[k] = nv
                if isinstance(nv, (dict, list)):
                    stack.append(nv)
    return root


