"""Decoding JSON with the standard library's C scanner, without importing :mod:`json`.

``json.loads`` hands the text to the scanner of the ``_json`` C module; importing the
:mod:`json` package first compiles the regular expressions of its pure-Python decoder and
encoder, which a one-file run never uses (about a twentieth of what linting a small policy
costs). :func:`decoder` builds the same scanner directly. It decodes what ``json.loads``
decodes, to the same values; on anything else it raises ``ValueError`` (or ``RecursionError``
for nesting deeper than the C stack allows): callers that report errors do so with their own
parser. Where ``_json`` is missing (another Python implementation), :mod:`json` is used.
"""
from __future__ import annotations

_WS = " \t\n\r"


class _Settings:
    """The attributes the C scanner reads from a ``json.JSONDecoder``."""

    __slots__ = ("strict", "object_hook", "object_pairs_hook", "parse_float", "parse_int", "parse_constant",
                 "memo")

    def __init__(self, object_pairs_hook, parse_constant) -> None:
        self.strict = True
        self.object_hook = None
        self.object_pairs_hook = object_pairs_hook
        self.parse_float = float
        self.parse_int = int
        self.parse_constant = parse_constant or _CONSTANTS.__getitem__
        self.memo = {}


_CONSTANTS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def _scanner(object_pairs_hook=None, parse_constant=None):
    """The C scanner set up as a ``json.JSONDecoder`` with these hooks is, or None without ``_json``:
    ``scan(text, index)`` -> ``(value, index after it)``, ``StopIteration`` when no value starts there."""
    try:
        from _json import make_scanner
    except ImportError:  # pragma: no cover - CPython has it
        return None
    return make_scanner(_Settings(object_pairs_hook, parse_constant))


def decoder(object_pairs_hook=None, parse_constant=None):
    """A function decoding one JSON text, as ``json.loads(text, object_pairs_hook=...,
    parse_constant=...)`` does."""
    scan = _scanner(object_pairs_hook, parse_constant)
    if scan is None:  # pragma: no cover
        import json

        def loads_json(text: str):
            return json.loads(text, object_pairs_hook=object_pairs_hook, parse_constant=parse_constant)

        return loads_json

    def loads(text: str):
        start = len(text) - len(text.lstrip(_WS))
        try:
            value, end = scan(text, start)
        except StopIteration:
            raise ValueError("invalid JSON") from None
        if end != len(text) and text[end:].strip(_WS):
            raise ValueError("invalid JSON: extra data")
        return value

    return loads


def scanstring():
    """The C ``scanstring`` (``json.decoder.scanstring``): ``(text, index after the opening quote,
    strict)`` -> ``(the string, index after the closing quote)``."""
    try:
        from _json import scanstring as c_scanstring
    except ImportError:  # pragma: no cover
        from json.decoder import scanstring as c_scanstring
    return c_scanstring


_plain = None
_scan_plain = None


def loads(text: str):
    """``json.loads(text)`` for a text known to be JSON (the linter's own data files)."""
    global _plain
    if _plain is None:
        _plain = decoder()
    return _plain(text)


def value_at(text: str, index: int) -> tuple:
    """``(value, index after it)`` of the JSON value starting at ``index`` of ``text`` (no white
    space before it), as ``json.JSONDecoder().raw_decode(text, index)`` gives: a section of a
    file can be decoded without the rest. ``ValueError`` when there is none."""
    global _scan_plain
    if _scan_plain is None:
        _scan_plain = _scanner()
        if _scan_plain is None:  # pragma: no cover
            import json

            _scan_plain = json.JSONDecoder().raw_decode
    try:
        return _scan_plain(text, index)
    except StopIteration:
        raise ValueError("invalid JSON") from None
