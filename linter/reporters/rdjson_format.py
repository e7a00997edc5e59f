"""reviewdog's diagnostic format, ``rdjson`` (``reviewdog -f=rdjson``).

The ``DiagnosticResult`` message of reviewdog's ``proto/rdf/reviewdog.proto``, as JSON:
``source`` ({name, url}), ``severity`` and ``diagnostics[]``, each with ``message``,
``location`` ({path, range: {start, end}}), ``severity`` (ERROR, WARNING, INFO), ``code``
({value, url}) and, where the linter knows one, ``suggestions[]`` ({range, text}).

Positions: lines start at 1; columns start at 1 and count UTF-8 **bytes** (the proto's
definition), so columns are converted from the code points the engine counts, with the
file's line; the end is exclusive. No rule proposes a replacement text today, so no
diagnostic carries ``suggestions`` (a finding whose ``extra`` holds ``replacement``
would).
"""
from __future__ import annotations

SEVERITY = {"error": "ERROR", "warning": "WARNING", "note": "INFO"}
INFO_URI = "https://github.com/lint-policies/lint-policies"


def diagnostic(f, lines) -> dict:
    from ._source import rule_url, utf8_column

    sp = f.span
    start = {"line": sp.line, "column": utf8_column(lines.raw(f.file, sp.line), sp.col)}
    end = {"line": sp.end_line, "column": utf8_column(lines.raw(f.file, sp.end_line), sp.end_col)}
    rng = {"start": start, "end": end}
    d = {
        "message": f.message,
        "location": {"path": f.file, "range": rng},
        "severity": SEVERITY.get(f.severity, "INFO"),
        "code": {"value": f.code, "url": rule_url(f.code)},
    }
    replacement = f.extra.get("replacement") if f.extra else None
    if isinstance(replacement, str):
        d["suggestions"] = [{"range": rng, "text": replacement}]
    return d


def write(result, meta, out) -> None:
    from . import json_document
    from ._source import Lines

    lines = Lines(meta)
    doc = {"source": {"name": "lint-policies", "url": INFO_URI}, "severity": "WARNING", "diagnostics": None}
    if any(f.severity == "error" for f in result.findings):
        doc["severity"] = "ERROR"
    json_document(out, doc, ("diagnostics",), (diagnostic(f, lines) for f in result.findings))


def render(result, meta) -> str:
    from . import render as _render

    return _render("rdjson", result, meta)
