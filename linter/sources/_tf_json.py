"""Terraform JSON syntax (``.tf.json``).

Turns the JSON form of a Terraform configuration (``resource``, ``data``, ``locals``,
``module``, ``variable`` objects and their nested blocks, each possibly a list) into blocks
and attributes shaped like the HCL ones, so the HCL extractors read both; values are kept
with their source positions.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any

from ..located import LDict, LList, LStr, Span, Unresolved, span_of
from .templated import CALL as _CALL


# ---------------------------------------------------------------------------
# Terraform JSON syntax (.tf.json)

_NESTED = frozenset(("statement", "principals", "not_principals", "condition", "inline_policy", "dynamic",
                     "content"))


class JsonDocument:
    """A ``.tf.json`` file read as the HCL reader's document: its ``text`` and ``blocks``."""

    __slots__ = ("text", "blocks")

    def __init__(self, text: str, blocks: list) -> None:
        self.text = text
        self.blocks = blocks


def json_document(text: str, tree: Any) -> JsonDocument:
    """The blocks of a parsed ``.tf.json`` file, shaped like an HCL document's."""
    return JsonDocument(text, _json_blocks(tree) if isinstance(tree, dict) else [])


def parse_json_document(text: str) -> JsonDocument:
    """Parse the text of a ``.tf.json`` file (raises ParseError when it is not JSON)."""
    from ..parsers.json_loc import parse_json

    return json_document(text, parse_json(text))


def _json_blocks(tree: LDict) -> list:
    from ..parsers.hcl import Block

    out = []

    def key_lstr(d, k) -> LStr:
        return LStr(k, d.key_span(k) if isinstance(d, LDict) else Span(1, 1, 1, 1))

    for top, val in tree.items():
        if not isinstance(val, dict) and top != "locals":
            continue
        tspan = tree.key_span(top)
        if top in ("resource", "data"):
            for rtype, named in val.items():
                if not isinstance(named, dict):
                    continue
                for name, bodies in named.items():
                    for body in _as_list(bodies):
                        if isinstance(body, dict):
                            b = Block(top, tspan, [key_lstr(val, rtype), key_lstr(named, name)], span_of(body, tspan))
                            _json_body(b, body, 0)
                            out.append(b)
        elif top in ("provider", "variable", "module", "output"):
            for name, bodies in val.items():
                for body in _as_list(bodies):
                    if isinstance(body, dict):
                        b = Block(top, tspan, [key_lstr(val, name)], span_of(body, tspan))
                        _json_body(b, body, 0)
                        out.append(b)
        elif top == "locals":
            for body in _as_list(val):
                if isinstance(body, dict):
                    b = Block(top, tspan, [], span_of(body, tspan))
                    _json_body(b, body, 0)
                    out.append(b)
    return out


def _as_list(v: Any) -> list:
    return list(v) if isinstance(v, list) else [v]


def _json_body(blk, body: dict, depth: int) -> None:
    from ..parsers.hcl import Block

    if depth > 20:
        return
    for k, v in body.items():
        if k == "//":
            continue
        kspan = body.key_span(k) if isinstance(body, LDict) else blk.span
        if k in _NESTED and (isinstance(v, dict) or isinstance(v, list) and v and all(isinstance(x, dict) for x in v)):
            if k == "dynamic" and isinstance(v, dict):
                for label, inner in v.items():
                    for item in _as_list(inner):
                        if isinstance(item, dict):
                            nb = Block("dynamic", kspan, [LStr(label, v.key_span(label))], span_of(item, kspan))
                            _json_body(nb, item, depth + 1)
                            blk.blocks.append(nb)
                continue
            for item in _as_list(v):
                nb = Block(k, kspan, [], span_of(item, kspan))
                _json_body(nb, item, depth + 1)
                blk.blocks.append(nb)
            continue
        blk.attributes[k] = _JAttr(k, kspan, span_of(v, kspan), _json_value(v, 0), v)


class _JAttr:
    """An attribute of a Terraform JSON body: ``value`` converted, ``raw`` as written."""

    __slots__ = ("name", "name_span", "span", "value", "raw", "node", "pos")

    def __init__(self, name: str, name_span: Span, span: Span, value: Any, raw: Any) -> None:
        self.name = name
        self.name_span = name_span
        self.span = span
        self.value = value
        self.raw = raw
        self.node = None
        self.pos = None

    @property
    def text(self) -> str:
        return _plain_text(self.raw)


def _plain_text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return " ".join(_plain_text(x) for x in v)
    if isinstance(v, dict):
        return " ".join(_plain_text(x) for x in v.values())
    return ""


def _json_value(v: Any, depth: int) -> Any:
    """A Terraform JSON value: strings are templates (``"${var.x}"`` is Unresolved)."""
    if isinstance(v, str):
        if "${" not in v and "%{" not in v:
            return v
        if v.startswith("${") and v.endswith("}") and v.count("${") == 1:
            inner = v[2:-1].strip()
            return Unresolved(inner, "call" if _CALL.match(inner) else "reference", span_of(v))
        if "%{" in v.replace("%%{", ""):
            return Unresolved(str(v), "template", span_of(v))
        return LStr(v.replace("$${", "${").replace("%%{", "%{"), span_of(v))
    if depth > 100:
        return v
    if isinstance(v, LDict):
        d = LDict(span=v.span)
        for k, x in v.items():
            d[k] = _json_value(x, depth + 1)
        d.key_spans = v.key_spans
        d.duplicates = v.duplicates
        return d
    if isinstance(v, list):
        return LList([_json_value(x, depth + 1) for x in v], span=span_of(v))
    return v
