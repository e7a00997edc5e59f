"""``path:line:col: CODE message`` lines and a one-line summary."""
from __future__ import annotations

import os

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def summary(result) -> str:
    counts = {"error": 0, "warning": 0, "note": 0}
    for f in result.findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    n = len(result.findings)
    files = len({f.file for f in result.findings})
    checked = max(result.files, files)  # files a checked file references (templatefile) count too
    word = "finding" if n == 1 else "findings"
    fw = "file" if checked == 1 else "files"
    if not n:
        return f"No findings in {checked} {fw} checked."
    return (f"Found {n} {word} ({counts['error']} error, {counts['warning']} warning, {counts['note']} note) "
            f"in {files} of {checked} {fw} checked.")


def render(result, meta) -> str:
    color = meta.get("color", False)
    lines = []
    for f in result.findings:
        where = f"{f.file}:{f.span.line}:{f.span.col}:"
        sev = f.severity
        if color:
            lines.append(f"{_BOLD}{where}{_RESET} {_COLORS.get(sev, '')}{f.code}{_RESET} {f.message}")
        else:
            lines.append(f"{where} {f.code} {f.message}")
    if meta.get("show_suppressed"):
        for f in result.suppressed:
            lines.append(f"{f.file}:{f.span.line}:{f.span.col}: {f.code} [suppressed: {f.suppressed_by}] {f.message}")
    lines.append(summary(result))
    return "\n".join(lines) + "\n"
