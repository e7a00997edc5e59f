"""Findings and severities."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Optional

from .located import Span

SEVERITIES = ("note", "warning", "error")
RANK = {"never": 99, "note": 0, "warning": 1, "error": 2}


@dataclass(slots=True)
class Finding:
    code: str
    name: str
    severity: str  # note | warning | error
    message: str
    span: Span
    file: str = ""  # display path (relative, POSIX)
    logical_path: tuple = ()
    label: str = ""  # origin label: resource id, Terraform address...
    value: str = ""  # normalized value for the fingerprint (secrets: a hash)
    suppressed_by: Optional[str] = None  # reason, when suppressed
    extra: dict = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """Stable across edits that move lines: no line or column in it."""
        path = "/".join(str(p) for p in self.logical_path)
        raw = "\x1f".join((self.code, self.file, self.label, path, self.value))
        return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def sort_key(self):
        return (self.file, self.span.line, self.span.col, self.code, self.message)


def hash_secret(secret: str) -> str:
    """What a secret becomes wherever it would otherwise be stored or compared."""
    return "sha256:" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:24]
