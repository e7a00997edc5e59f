"""The source lines findings point at, for reporters that show or measure them.

A reporter that underlines the offending token (the ``full`` text format) or counts
columns in UTF-8 bytes (``rdjson``) needs the line. Files are read again here, only
those with findings, once each, no larger than the engine would read; text that was
linted from memory (standard input) comes from ``meta["texts"]``. A line is always
masked (credentials found anywhere in its file, and anything
:func:`linter.secrets.redact` recognises) before a reporter sees it.
"""
from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Optional

MAX_BYTES = 5 * 1024 * 1024


class Lines:
    """``lines(file)`` -> the file's lines (masked, no line ends), or None when unreadable."""

    def __init__(self, meta: dict) -> None:
        self.texts = meta.get("texts") or {}
        self.root = meta.get("root") or None
        self.max_bytes = meta.get("max_file_size") or MAX_BYTES
        self._cache: dict[str, Optional[tuple[list[str], list[str]]]] = {}

    def _text(self, file: str) -> Optional[str]:
        if file in self.texts:
            return self.texts[file]
        path = file if os.path.isabs(file) or not self.root else os.path.join(self.root, file)
        try:
            with open(path, "rb") as fh:
                data = fh.read(self.max_bytes + 1)
        except OSError:
            return None
        if len(data) > self.max_bytes:
            return None
        return data.decode("utf-8", "replace").lstrip("\ufeff")

    def _load(self, file: str) -> Optional[tuple[list[str], list[str]]]:
        if file not in self._cache:
            text = self._text(file)
            if text is None:
                self._cache[file] = None
            else:
                raw = [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]
                self._cache[file] = (raw, [])
                from ..safety import Masker
                from ..secrets import scan

                mask = Masker([h.value for h in scan(text)])
                self._cache[file] = (raw, [mask(ln) for ln in raw])
        return self._cache[file]

    def raw(self, file: str, line: int) -> Optional[str]:
        """The unmasked line (only for measuring columns; never printed)."""
        got = self._load(file)
        if got is None or not 1 <= line <= len(got[0]):
            return None
        return got[0][line - 1]

    def shown(self, file: str, line: int) -> Optional[str]:
        """The line as it may be shown: credentials masked."""
        got = self._load(file)
        if got is None or not 1 <= line <= len(got[1]):
            return None
        return got[1][line - 1]


def utf8_column(line: Optional[str], col: int) -> int:
    """1-based code-point column ``col`` of ``line`` as a 1-based UTF-8 byte column."""
    if line is None or col <= 1:
        return col
    prefix = line[: col - 1]
    return len(prefix.encode("utf-8", "surrogatepass")) + 1 + max(0, col - 1 - len(prefix))


def hint(rule) -> str:
    """One sentence on what to do instead (the first of the rule's fix note)."""
    note = " ".join((getattr(rule, "fix_note", "") or "").split())
    if not note:
        return ""
    end = note.find(". ")
    return note if end < 0 else note[: end + 1]


def rule_url(code: str) -> str:
    from ..docs import help_uri

    return help_uri(code)
