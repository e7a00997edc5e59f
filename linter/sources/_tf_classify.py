"""Terraform: what kind of value an attribute holds.

An HCL expression or a ``.tf.json`` value is classified as a policy object
(``jsonencode({...})``), JSON text inside a heredoc or quoted string (parsed with positions
inside the string, ``${...}`` standing for a placeholder), a ``file()``/``templatefile()``
call, a reference to ``data.aws_iam_policy_document`` or a local, or none of these. The
JSON-in-string reading keeps the positions of the string's characters so findings point
into the string.
"""
from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from ..located import LineIndex, LStr, ParseError, Unresolved
from .templated import template_json
from ._tf_common import _DOC_REF, _LOCAL_REF
from ._tf_index import _Ctx
from ._tf_json import _json_value


# ---------------------------------------------------------------------------
# What an attribute holds (HCL)


def _classify(ctx: _Ctx, attr):
    """What a policy attribute holds: ("tree", LDict) | ("template", Template) |
    ("doc", name) | ("local", name) | ("file", call, args, pos) | ("none", None)."""
    if attr.node is None:
        return _classify_json(ctx, attr)
    return _classify_node(ctx, attr.node, attr.pos)


def _classify_node(ctx: _Ctx, node, pos, through: tuple = ()):
    from ..parsers import hcl

    node = _unwrap(node)
    t = node.type
    if t in ("string_lit", "quoted_template", "heredoc_template"):
        if t == "quoted_template":
            parts = [c for c in node.children if c.type not in ("quoted_template_start", "quoted_template_end")]
            if len(parts) == 1 and parts[0].type == "template_interpolation":
                inner = [c for c in parts[0].children if c.type == "expression"]
                if len(inner) == 1:
                    return _classify_node(ctx, inner[0], pos, through)
        return "template", hcl.template(node, pos)
    text = pos.node_text(node)
    if t == "function_call":
        ch = node.children
        name = pos.node_text(ch[0])
        args = []
        for c in ch:
            if c.type == "function_arguments":
                args = [a for a in c.children if a.type == "expression"]
        if name == "jsonencode" and len(args) == 1:
            v = hcl.evaluate(args[0], pos)
            if isinstance(v, dict):
                return "tree", v
            if isinstance(v, Unresolved):
                m = _LOCAL_REF.match(v.text)
                if m:
                    return "local", m.group(1)
            return "none", None
        if name in ("file", "templatefile") and args:
            return "file", (name, args, pos)
        return "none", None
    m = _DOC_REF.match(text)
    if m:
        return "doc", m.group(1)
    m = _LOCAL_REF.match(text)
    if m:
        return "local", m.group(1)
    m = _TEMPLATE_FILE_REF.match(text)
    if m and m.group(1) not in through:
        return _rendered(ctx, m.group(1), through + (m.group(1),))
    return "none", None


#: ``data.template_file.<name>.rendered`` (the hashicorp/template provider, before templatefile()).
_TEMPLATE_FILE_REF = re.compile(r"^\s*data\.template_file\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.rendered\s*$")


def _rendered(ctx: _Ctx, name: str, through: tuple):
    """What ``data.template_file.<name>.rendered`` holds, the data source written in the same file:
    its ``template`` (a ``file()`` of a policy file is read as ``templatefile()`` reads it, its
    ``${...}`` being the data source's ``vars``), else nothing known."""
    doc = getattr(ctx, "doc", None)
    for blk in (doc.blocks if doc is not None else ()):
        if blk.type == "data" and len(blk.labels) >= 2 and blk.labels[0] == "template_file" \
                and str(blk.labels[1]) == name:
            a = blk.get("template")
            if a is None or a.node is None:
                return "none", None
            kind, payload = _classify_node(ctx, a.node, a.pos, through)
            if kind == "file":
                return "file", ("templatefile",) + tuple(payload[1:])
            return (kind, payload) if kind in ("template", "tree") else ("none", None)
    return "none", None


def _unwrap(node):
    while node.type in ("expression", "template_expr", "literal_value") and node.child_count == 1:
        node = node.children[0]
    if node.type == "expression" and node.child_count == 3 and node.children[0].type == "(":
        return _unwrap(node.children[1])
    return node


# ---------------------------------------------------------------------------
# JSON inside strings


def _template_json(ctx: _Ctx, tpl, label: str, strict: bool, index: Optional[LineIndex] = None,
                   quiet: bool = False, file: Optional[str] = None) -> Optional[Any]:
    """Parse the JSON policy in a template; None (and maybe an LP001) when it is not one."""
    text = tpl.text
    stripped = text.lstrip()
    if not stripped:
        return None
    if not stripped.startswith("{"):
        return None  # not a JSON policy (an ARN, a YAML document...)
    index = index or ctx.index
    try:
        return template_json(tpl, index)
    except ParseError as e:
        if quiet or any(sp[2] == "directive" for sp in tpl.specials):
            return None  # a template that cannot be read as JSON without evaluating it
        msg = f"policy JSON of {label} cannot be parsed: {e.message}"
        if file is None:
            ctx.src.error("LP001", msg, e.span)
        else:
            ctx.src.error("LP001", msg, e.span, file=file)
        return None


# ---------------------------------------------------------------------------
# What a .tf.json value holds


def _classify_json(ctx: _Ctx, attr):
    return _classify_json_value(ctx, attr.value, attr.raw)


def _classify_json_value(ctx: _Ctx, value: Any, raw: Any):
    from ..parsers import hcl

    if isinstance(raw, dict):
        return "tree", _json_value(raw, 0)
    if not isinstance(raw, LStr):
        return "none", None
    tpl = _json_string_template(ctx, raw)
    if tpl is None:
        return "none", None
    sp = tpl.specials
    if len(sp) == 1 and sp[0][0] == 0 and sp[0][1] == len(tpl.text) and sp[0][2] == "interp":
        inner = tpl.text[2:-1]
        m = _DOC_REF.match(inner)
        if m:
            return "doc", m.group(1)
        m = _LOCAL_REF.match(inner)
        if m:
            return "local", m.group(1)
        # an HCL expression inside the JSON string: parse it where it stands
        prefix = "_ = "
        omap = tpl.omap

        def char_map(i: int, _omap=omap) -> int:
            return _omap(max(0, i - len(prefix)) + 2)

        try:
            d = hcl.parse(prefix + inner, char_map, ctx.index)
        except ParseError:
            return "none", None
        a = d.attributes.get("_")
        if a is None:
            return "none", None
        return _classify_node(ctx, a.node, a.pos)
    return "template", tpl


def _json_string_template(ctx: _Ctx, raw: LStr, templated: bool = True):
    """The template of a JSON string literal, mapped to the file (escapes decoded)."""
    from ..parsers import hcl

    text = ctx.src.text
    sp = raw.span
    starts = ctx.index.starts
    if sp.line - 1 >= len(starts) or sp.end_line - 1 >= len(starts):
        return None
    start = starts[sp.line - 1] + sp.col - 1
    end = starts[sp.end_line - 1] + sp.end_col - 1
    if text[start:start + 1] != '"' or text[end - 1:end] != '"':
        return None
    decoded, dmap = _decode_json_string(text, start, end)
    if not templated:
        return hcl.Template(decoded, dmap, [], dmap(len(decoded)), sp)
    return hcl.scan_template_text(decoded, 0, len(decoded), dmap, sp)


_JSON_ESC = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _decode_json_string(text: str, start: int, end: int):
    from ..parsers.hcl import OffsetMap

    out: list[str] = []
    olen = 0
    omap = OffsetMap()
    i = start + 1
    stop = end - 1
    find = text.find
    while i < stop:
        j = find("\\", i, stop)
        if j == -1:
            j = stop
        if j > i:
            omap.add(olen, i)
            out.append(text[i:j])
            olen += j - i
            i = j
            continue
        e = text[i + 1:i + 2]
        n = 2
        if e == "u":
            try:
                cp = int(text[i + 2:i + 6], 16)
            except ValueError:
                cp = 0xFFFD
            n = 6
            if 0xD800 <= cp < 0xDC00 and text[i + 6:i + 8] == "\\u":
                try:
                    lo = int(text[i + 8:i + 12], 16)
                except ValueError:
                    lo = 0
                if 0xDC00 <= lo < 0xE000:
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                    n = 12
            ch = chr(cp)
        else:
            ch = _JSON_ESC.get(e, e)
        omap.add(olen, i)
        out.append(ch)
        olen += 1
        i += n
    omap.add(olen, stop)
    return "".join(out), omap
