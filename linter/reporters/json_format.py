"""Machine-readable findings: one JSON object with the findings and a summary."""
from __future__ import annotations

import json


def finding_dict(f) -> dict:
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
    }


def render(result, meta) -> str:
    counts = {"error": 0, "warning": 0, "note": 0}
    for f in result.findings:
        counts[f.severity] += 1
    out = {
        "version": meta.get("version", ""),
        "files_checked": result.files,
        "summary": counts,
        "findings": [finding_dict(f) for f in result.findings],
    }
    if meta.get("show_suppressed"):
        out["suppressed"] = [dict(finding_dict(f), reason=f.suppressed_by) for f in result.suppressed]
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"
