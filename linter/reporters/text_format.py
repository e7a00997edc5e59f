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
_WINDOW = 160  # longest source line shown whole in the full layout
_CONTEXT = 40  # characters shown each side of the token in a longer one


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


def full_layout(meta) -> bool:
    """``full`` always; ``text`` when writing to a terminal; ``concise`` never."""
    layout = meta.get("layout", "text")
    return layout == "full" or (layout == "text" and bool(meta.get("tty")))


def write(result, meta, out) -> None:
    """One line per finding (then the suppressed ones, with ``show_suppressed``) and the
    summary line (not with ``quiet``). In the full layout each finding also shows its
    source line, a caret under the token and the rule's fix hint; with ``show_url`` (and
    always in the full layout) the rule's documentation URL."""
    from ..safety import printable, printable_path

    color = meta.get("color", False)
    full = full_layout(meta)
    show_url = meta.get("show_url", False)
    lines = None
    if full:
        from ._source import Lines

        lines = Lines(meta)
    if meta.get("statistics"):
        write_statistics(result, out, color)
    else:
        for f in result.findings:
            where = f"{printable_path(f.file)}:{f.span.line}:{f.span.col}:"
            if color:
                out.write(f"{_BOLD}{where}{_RESET} {_COLORS.get(f.severity, '')}{f.code}{_RESET} "
                          f"{printable(f.message)}\n")
            else:
                out.write(f"{where} {f.code} {printable(f.message)}\n")
            for r in f.related:  # the statements completing the finding, indented under it
                out.write(f"    {printable_path(r.file)}:{r.span.line}:{r.span.col}: related: "
                          f"{printable(r.message)}\n")
            if full:
                out.write(snippet(f, lines, color))
            elif show_url:
                from ._source import rule_url

                out.write(f"  {rule_url(f.code)}\n")
    if meta.get("show_suppressed"):
        for f in result.suppressed:
            out.write(f"{printable_path(f.file)}:{f.span.line}:{f.span.col}: {f.code} "
                      f"[suppressed: {printable(f.suppressed_by or '')}] {printable(f.message)}\n")
    if not meta.get("quiet"):
        out.write(summary(result) + "\n")


def snippet(f, lines, color: bool = False) -> str:
    """The finding's source line (masked, escaped), a caret under its token, the fix hint
    and the documentation URL, ruff's ``full`` layout::

          |
        5 |   "Action": "sagemaker:*",
          |             ^^^^^^^^^^^^^
          = help: Grant the actions the workload calls.
          = docs: https://.../SM101.md
    """
    from ..safety import printable
    from ._source import hint, rule_url

    parts = []
    shown = lines.shown(f.file, f.span.line)
    if shown is not None:
        raw = lines.raw(f.file, f.span.line) or ""
        num = str(f.span.line)
        gutter = " " * len(num)
        col = max(f.span.col, 1)
        end = f.span.end_col if f.span.end_line == f.span.line else len(raw) + 1
        end = max(end, col + 1)
        if shown != raw:  # masking changed the line: underline to the end of the mask at most
            end = min(end, len(shown) + 1)
            col = min(col, max(len(shown), 1))
        # a long line (minified JSON) is shown as a window around the token
        ws = max(0, col - 1 - _CONTEXT) if len(shown) > _WINDOW else 0
        we = min(len(shown), max(end - 1, col) + _CONTEXT, ws + _WINDOW) if len(shown) > _WINDOW else len(shown)
        # each character becomes what printable() makes of it, so the caret stays under the token
        cells = [printable(ch.replace("\t", " ")) for ch in shown[ws:we]]
        if ws:
            cells.insert(0, "...")
            col, end = col - ws + 1, end - ws + 1
        if we < len(shown):
            cells.append("...")
        end = min(end, len(cells) + 1)
        before = sum(len(c) for c in cells[: col - 1])
        width = max(1, sum(len(c) for c in cells[col - 1: end - 1]))
        caret = "^" * width
        if color:
            caret = f"{_COLORS.get(f.severity, '')}{caret}{_RESET}"
        parts.append(f"  {gutter} |\n  {num} | {''.join(cells)}\n  {gutter} | {' ' * before}{caret}\n")
        pad = gutter
    else:
        pad = ""
    rule = _rule(f.code)
    h = hint(rule) if rule is not None else ""
    if not h and rule is not None and rule.fix:
        h = f"`lint-policies --explain {f.code}` shows the policy written well"
    if h:
        parts.append(f"  {pad} = help: {printable(h)}\n")
    parts.append(f"  {pad} = docs: {rule_url(f.code)}\n")
    return "".join(parts)


def _rule(code: str):
    from .. import registry

    try:
        return registry.load(code)
    except Exception:  # a rule that is no longer installed (a plugin)
        return None


def write_statistics(result, out, color: bool = False) -> None:
    """``--statistics``: one line per rule, most frequent first: count, code, name, severity."""
    counts: dict[str, int] = {}
    names: dict[str, tuple[str, str]] = {}
    for f in result.findings:
        counts[f.code] = counts.get(f.code, 0) + 1
        names.setdefault(f.code, (f.name, f.severity))
    if not counts:
        return
    width = len(str(max(counts.values())))
    cw = max(len(c) for c in counts)
    for code in sorted(counts, key=lambda c: (-counts[c], c)):
        name, sev = names[code]
        out.write(f"{counts[code]:>{width}}  {code:<{cw}}  {name} ({sev})\n")


def render(result, meta) -> str:
    from . import render as _render

    return _render("text", result, meta)



