"""Positions: the linter's spans and LSP's positions.

A :class:`~linter.located.Span` has 1-based lines and 1-based columns that count code
points, its end exclusive. LSP positions have 0-based lines and columns in code units of
the encoding the client and server agreed on: UTF-16 unless the client offered UTF-8 or
UTF-32 (``general.positionEncodings``). A character outside the Basic Multilingual Plane
(an emoji) is one code point, two UTF-16 units and four UTF-8 units, so columns are
converted on the text of their line. LSP lines end at ``\\n``, ``\\r\\n`` or ``\\r``.

Nothing here imports pygls: positions are plain ``(line, character)`` tuples.
"""
from __future__ import annotations

import re

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_BREAK = re.compile(r"\r\n|\r|\n")


class Lines:
    """A text cut into lines at LSP line breaks; offsets are code-point indexes into the text."""

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        ends = []
        for m in _BREAK.finditer(text):
            ends.append(m.start())
            starts.append(m.end())
        ends.append(len(text))
        self.starts = starts
        self.ends = ends

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, i: int) -> str:
        """The text of line ``i`` (0-based), without its line break."""
        return self.text[self.starts[i]:self.ends[i]]

    def line_of(self, offset: int) -> int:
        from bisect import bisect_right

        return max(0, bisect_right(self.starts, offset) - 1)


def units(s: str, encoding: str = UTF16) -> int:
    """Length of ``s`` in code units of ``encoding``."""
    if encoding == UTF32 or s.isascii():
        return len(s)
    if encoding == UTF8:
        return len(s.encode("utf-8", "surrogatepass"))
    return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)


def index_of_units(s: str, n: int, encoding: str = UTF16) -> int:
    """The code-point index in ``s`` that is ``n`` code units from its start (clamped to ``len(s)``;
    a position inside a character's units stays before that character)."""
    if n <= 0:
        return 0
    if encoding == UTF32 or s.isascii():
        return min(n, len(s))
    used = 0
    for i, c in enumerate(s):
        w = units(c, encoding)
        if used + w > n:
            return i
        used += w
    return len(s)


def to_lsp(lines: Lines, line: int, col: int, encoding: str = UTF16) -> tuple[int, int]:
    """LSP ``(line, character)`` of the linter's 1-based ``line``/``col`` (clamped to the text)."""
    i = line - 1
    if i < 0:
        return 0, 0
    if i >= len(lines):
        last = len(lines) - 1
        return last, units(lines.line(last), encoding)
    s = lines.line(i)
    cp = min(max(col - 1, 0), len(s))
    return i, units(s[:cp], encoding)


def span_to_range(lines: Lines, span, encoding: str = UTF16) -> tuple[tuple[int, int], tuple[int, int]]:
    """LSP ``(start, end)`` of a :class:`~linter.located.Span`."""
    start = to_lsp(lines, span[0], span[1], encoding)
    end = to_lsp(lines, span[2], span[3], encoding)
    return start, max(start, end)


def offset_at(lines: Lines, line: int, character: int, encoding: str = UTF16) -> int:
    """Code-point offset in the text of an LSP position (clamped to the text)."""
    if line < 0:
        return 0
    if line >= len(lines):
        return len(lines.text)
    s = lines.line(line)
    return lines.starts[line] + index_of_units(s, character, encoding)


def position_at(lines: Lines, offset: int, encoding: str = UTF16) -> tuple[int, int]:
    """LSP ``(line, character)`` of a code-point offset in the text."""
    offset = min(max(offset, 0), len(lines.text))
    i = lines.line_of(offset)
    start = lines.starts[i]
    return i, units(lines.text[start:min(offset, lines.ends[i])], encoding)


def apply_change(text: str, start: tuple[int, int], end: tuple[int, int], new: str, encoding: str = UTF16) -> str:
    """``text`` with the LSP range ``start``..``end`` replaced by ``new``."""
    lines = Lines(text)
    a = offset_at(lines, start[0], start[1], encoding)
    b = max(a, offset_at(lines, end[0], end[1], encoding))
    return text[:a] + new + text[b:]
