"""``path:line:col: CODE message`` lines and a one-line summary.

Every field that comes from the scanned files (path, message, suppression reason)
is escaped again here (:func:`linter.safety.printable`): the engine already did it,
but this is what a CI log shows, so a finding made anywhere else gets the same: no
newline, ESC or other control character from a file ever reaches the terminal or
starts a line of its own.
"""
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


def write(result, meta, out) -> None:
    """One line per finding (then the suppressed ones, with ``show_suppressed``) and the
    summary line (not with ``quiet``)."""
    from ..safety import printable, printable_path

    color = meta.get("color", False)
    for f in result.findings:
        where = f"{printable_path(f.file)}:{f.span.line}:{f.span.col}:"
        if color:
            out.write(f"{_BOLD}{where}{_RESET} {_COLORS.get(f.severity, '')}{f.code}{_RESET} "
                      f"{printable(f.message)}\n")
        else:
            out.write(f"{where} {f.code} {printable(f.message)}\n")
        for r in f.related:  # the statements completing the finding, indented under it
            out.write(f"    {printable_path(r.file)}:{r.span.line}:{r.span.col}: related: {printable(r.message)}\n")
    if meta.get("show_suppressed"):
        for f in result.suppressed:
            out.write(f"{printable_path(f.file)}:{f.span.line}:{f.span.col}: {f.code} "
                      f"[suppressed: {printable(f.suppressed_by or '')}] {printable(f.message)}\n")
    if not meta.get("quiet"):
        out.write(summary(result) + "\n")


def render(result, meta) -> str:
    from . import render as _render

    return _render("text", result, meta)



