"""Machine-readable findings: one JSON object with the findings and a summary."""
from __future__ import annotations


def finding_dict(f) -> dict:
    from ..docs import help_uri

    return {
        "code": f.code,
        "name": f.name,
        "severity": f.severity,
        "message": f.message,
        "file": f.file,
        "line": f.span.line,
        "column": f.span.col,
        "end_line": f.span.end_line,
        "end_column": f.span.end_col,
        "logical_path": [p if isinstance(p, int) else str(p) for p in f.logical_path],
        "origin": f.label,
        "fingerprint": f.fingerprint,
        "url": help_uri(f.code),
        **({"related": [{"file": r.file, "line": r.span.line, "column": r.span.col, "end_line": r.span.end_line,
                         "end_column": r.span.end_col, "message": r.message, "origin": r.label}
                        for r in f.related]} if f.related else {}),
    }


def statistics(result) -> list:
    """``--statistics --format json``: one entry per rule, most frequent first."""
    counts: dict = {}
    for f in result.findings:
        e = counts.setdefault(f.code, {"code": f.code, "name": f.name, "severity": f.severity, "count": 0})
        e["count"] += 1
    return sorted(counts.values(), key=lambda e: (-e["count"], e["code"]))


def write(result, meta, out) -> None:
    """The report, written finding by finding (never built whole)."""
    from . import json_document, json_items

    if meta.get("statistics"):
        import json

        out.write(json.dumps(statistics(result), indent=2, ensure_ascii=False) + "\n")
        return

    counts = {"error": 0, "warning": 0, "note": 0}
    for f in result.findings:
        counts[f.severity] += 1
    doc = {
        "version": meta.get("version", ""),
        "files_checked": result.files,
        "summary": counts,
        "findings": None,
    }
    if not meta.get("show_suppressed"):
        json_document(out, doc, ("findings",), (finding_dict(f) for f in result.findings))
        return
    # two streamed arrays: findings, then the suppressed ones with their reasons
    import json

    marker = "\u0000lint-policies-suppressed\u0000"
    doc["suppressed"] = marker
    doc["findings"] = "\u0000lint-policies-findings\u0000"
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    head, _, rest = text.partition(json.dumps(doc["findings"]))
    middle, _, tail = rest.partition(json.dumps(marker))
    out.write(head)
    json_items(out, (finding_dict(f) for f in result.findings), 2)
    out.write(middle)
    json_items(out, (dict(finding_dict(f), reason=f.suppressed_by) for f in result.suppressed), 2)
    out.write(tail + "\n")


def render(result, meta) -> str:
    from . import render as _render

    return _render("json", result, meta)
