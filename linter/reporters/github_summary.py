"""The GitHub job summary: Markdown appended to ``$GITHUB_STEP_SUMMARY``.

Written by the CLI when the format is ``github`` and the variable is set. It holds
the one-line summary, counts by rule and severity, and a table of every finding
(file:line, code, severity, message). GitHub refuses a step summary over 1 MiB
(and then shows none of it), so the table stops early, with a note, when the next
row would not fit; what the file already holds counts against the limit.

Cells are escaped: the text comes from the scanned files, so ``|`` and newlines
must not break the table and Markdown or HTML in it must not render.
"""
from __future__ import annotations

import os

LIMIT = 1024 * 1024  # bytes per step (GitHub docs, "Adding a job summary")
MARGIN = 1024  # leave a little room for whatever else the step appends
_MD_SPECIAL = "\\`*_[]|~#!$"


def cell(text: str) -> str:
    """One Markdown table cell that renders as the literal text."""
    out = []
    for ch in str(text):
        if ch in _MD_SPECIAL:
            out.append("\\" + ch)
        elif ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == "\n":
            out.append("<br>")
        elif ch == "\r":
            continue
        else:
            out.append(ch)
    return "".join(out)


def _by_rule(findings) -> list[tuple[str, str, dict[str, int]]]:
    rows: dict[str, tuple[str, dict[str, int]]] = {}
    for f in findings:
        name, counts = rows.setdefault(f.code, (f.name, {"error": 0, "warning": 0, "note": 0}))
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return [(code, name, counts) for code, (name, counts) in sorted(rows.items())]


def markdown(result, meta=None, budget: int = LIMIT - MARGIN) -> str:
    """The summary as Markdown, at most ``budget`` bytes of UTF-8."""
    from .github_format import workspace_path
    from .text_format import summary

    meta = meta or {}
    budget -= 1  # the blank line that ends the summary (a table must not absorb what follows)
    findings = list(result.findings)
    head = ["## lint-policies", "", cell(summary(result)), ""]
    if findings:
        head += ["| Rule | Name | Error | Warning | Note | Total |", "|---|---|--:|--:|--:|--:|"]
        for code, name, c in _by_rule(findings):
            head.append(f"| {cell(code)} | {cell(name)} | {c['error']} | {c['warning']} | {c['note']} | "
                        f"{sum(c.values())} |")
        head += ["", "### Findings", "", "| Location | Code | Severity | Message |", "|---|---|---|---|"]
    text = "\n".join(head).rstrip("\n") + "\n"
    used = len(text.encode("utf-8", "surrogatepass"))
    if used > budget:
        return ""
    rows = []
    for i, f in enumerate(findings):
        path = workspace_path(f.file, meta.get("root"))
        row = f"| {cell(f'{path}:{f.span.line}')} | {cell(f.code)} | {f.severity} | {cell(f.message)} |\n"
        size = len(row.encode("utf-8", "surrogatepass"))
        left = len(findings) - i - 1
        # keep room for the note that would follow if a later row does not fit
        reserve = len(_note(left).encode("utf-8")) if left else 0
        if used + size + reserve > budget:
            note = _note(len(findings) - i)
            if used + len(note.encode("utf-8")) <= budget:
                rows.append(note)
            break
        rows.append(row)
        used += size
    return text + "".join(rows) + "\n"


def _note(n: int) -> str:
    return (f"\n_{n} more finding{'' if n == 1 else 's'} not shown: a job summary is limited to 1 MiB. "
            f"The step log and the SARIF report (--sarif-file) list them all._\n")


def append_summary(path: str, result, meta=None, limit: int = LIMIT) -> None:
    """Append the summary to ``path`` (``$GITHUB_STEP_SUMMARY``), within ``limit`` bytes in all."""
    try:
        existing = os.path.getsize(path)
    except OSError:
        existing = 0
    budget = limit - existing - MARGIN
    text = markdown(result, meta, budget) if budget > 0 else ""
    if not text:
        return
    with open(path, "a", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
