"""Findings and severities."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Optional

from .located import Span
from .record import Record

SEVERITIES = ("note", "warning", "error")
RANK = {"never": 99, "note": 0, "warning": 1, "error": 2}


class Related(Record):
    """Another place a finding depends on (a statement completing an escalation path): SARIF
    ``relatedLocations``, and a line of its own in text and JSON output."""
    __slots__ = ("file", "span", "message", "label")
    _defaults = {"label": ""}
    file: str
    span: Span
    message: str
    label: str


class Finding(Record):
    __slots__ = ("code", "name", "severity", "message", "span", "file", "logical_path", "label", "value",
                 "suppressed_by", "extra", "related")
    code: str
    name: str
    severity: str  # note | warning | error
    message: str
    span: Span
    file: str  # display path (relative, POSIX)
    logical_path: tuple
    label: str  # origin label: resource id, Terraform address...
    value: str  # normalized value for the fingerprint (secrets: a hash)
    suppressed_by: Optional[str]  # reason, when suppressed
    extra: dict
    related: list  # [Related]: the other statements the finding depends on

    def __init__(self, code: str, name: str, severity: str, message: str, span: Span, file: str = "",
                 logical_path: tuple = (), label: str = "", value: str = "", suppressed_by: Optional[str] = None,
                 extra: Optional[dict] = None, related: Optional[list] = None) -> None:
        self.code = code
        self.name = name
        self.severity = severity
        self.message = message
        self.span = span
        self.file = file
        self.logical_path = logical_path
        self.label = label
        self.value = value
        self.suppressed_by = suppressed_by
        self.extra = {} if extra is None else extra
        self.related = [] if related is None else related

    @property
    def fingerprint(self) -> str:
        """Stable across edits that move lines: no line or column in it."""
        import hashlib

        path = "/".join(str(p) for p in self.logical_path)
        raw = "\x1f".join((self.code, self.file, self.label, path, self.value))
        return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def sort_key(self):
        return (self.file, self.span.line, self.span.col, self.code, self.message)


def hash_secret(secret: str) -> str:
    """What a secret becomes wherever it would otherwise be stored or compared."""
    import hashlib

    return "sha256:" + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()[:24]
