"""GitHub Actions workflow commands (``--format github``).

Output, in this order:

1. One annotation per finding, at most :data:`MAX_PER_LEVEL` per level::

       ::error file=p.json,line=6,col=15,endLine=6,endColumn=26,title=SM101 sagemaker-service-wildcard::message

   Severity ``note`` becomes ``::notice``. The runner turns at most 10 errors, 10
   warnings and 10 notices of a step into annotations (``actions/runner``
   ``ExecutionContext._maxCountPerIssueType``); the rest only reach the log. So when
   any level overflows, one ``::notice`` says how many findings were not annotated
   and where the full list is (it counts as a notice itself, so notices are then
   capped at 9).
2. Every finding as a plain ``path:line:col: CODE message`` line inside a
   ``::group::``, with workflow-command processing switched off around it
   (``::stop-commands::TOKEN`` ... ``::TOKEN::``).
3. The one-line summary of the text format.

Escaping follows ``actions/toolkit`` ``command.ts`` (the runner's
``ActionCommand.cs`` reverses it): data ``%`` -> ``%25``, CR -> ``%0D``, LF -> ``%0A``;
properties additionally ``:`` -> ``%3A`` and ``,`` -> ``%2C``. A finding's message
and path come from the scanned files, so they are untrusted: escaping keeps each
annotation on one line (a message can never start a line of its own, so it cannot
inject a workflow command), and the plain listing is printed with command
processing stopped. The stop token is derived from a SHA-256 hash of the listing
it protects: unguessable by whoever writes the files (it would have to contain
its own hash), yet the output stays deterministic, which the golden tests need.

Positions: ``col``/``endColumn`` only when the finding starts and ends on the same
line (the runner drops them otherwise). ``endColumn`` is exclusive, as in our SARIF
(and ruff's GitHub output). Paths are made relative to ``GITHUB_WORKSPACE`` when it
is set and the file is inside it; a file outside the workspace keeps its absolute
path.
"""
from __future__ import annotations

import hashlib
import os

MAX_PER_LEVEL = 10
LEVELS = {"error": "error", "warning": "warning", "note": "notice"}
_ORDER = ("error", "warning", "note")


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def plain(value: str) -> str:
    """One physical line for the plain listing: CR and LF are shown, never obeyed."""
    return value.replace("\r", "\\r").replace("\n", "\\n")


def workspace_path(file: str, root: str | None = None, workspace: str | None = None) -> str:
    """The path GitHub should show for ``file`` (a display path relative to ``root``)."""
    if workspace is None:
        workspace = os.environ.get("GITHUB_WORKSPACE") or ""
    if not workspace or not file:
        return file
    base = root or os.getcwd()
    ap = os.path.abspath(os.path.join(base, file))
    for ws, target in ((os.path.abspath(workspace), ap),
                       (os.path.realpath(workspace), os.path.realpath(ap))):
        try:
            rel = os.path.relpath(target, ws)
        except ValueError:  # another drive (Windows)
            continue
        if rel != ".." and not rel.startswith(".." + os.sep) and not os.path.isabs(rel):
            return rel.replace(os.sep, "/")
    return ap.replace(os.sep, "/")


def annotation(f, path: str) -> str:
    s = f.span
    props = []
    if path:
        props.append(("file", path))
    props.append(("line", str(s.line)))
    if s.end_line == s.line:
        props.append(("col", str(s.col)))
        props.append(("endLine", str(s.end_line)))
        props.append(("endColumn", str(max(s.end_col, s.col))))
    elif s.end_line > s.line:
        props.append(("endLine", str(s.end_line)))
    props.append(("title", f"{f.code} {f.name}"))
    joined = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{LEVELS.get(f.severity, 'warning')} {joined}::{escape_data(f.message + _related(f))}"


def _related(f) -> str:
    """The statements completing a finding, appended to its one-line message."""
    if not f.related:
        return ""
    return " (related: " + "; ".join(f"{r.file}:{r.span.line}:{r.span.col} {r.message}" for r in f.related) + ")"


def limits(counts: dict[str, int], per_level: int = MAX_PER_LEVEL) -> dict[str, int]:
    """How many findings of each level get an annotation."""
    overflow = any(n > per_level for n in counts.values())
    out = {lvl: per_level for lvl in _ORDER}
    if overflow:
        out["note"] = per_level - 1  # the overflow notice is a notice too
    return out


def overflow_notice(hidden: dict[str, int], total: int, per_level: int = MAX_PER_LEVEL) -> str:
    parts = []
    for lvl in _ORDER:
        n = hidden.get(lvl, 0)
        if n:
            word = {"error": "error", "warning": "warning", "note": "note"}[lvl]
            parts.append(f"{n} {word}{'' if n == 1 else 's'}")
    more = sum(hidden.values())
    text = (f"{more} more finding{'' if more == 1 else 's'} ({', '.join(parts)}) not annotated: "
            f"GitHub shows at most {per_level} annotations per level in a step. "
            f"All {total} findings are listed in this step's log (group \"lint-policies findings\"), "
            f"in the job summary and in the SARIF report (--sarif-file).")
    return f"::notice title={escape_property('lint-policies')}::{escape_data(text)}"


def render(result, meta) -> str:
    from . import render as _render

    return _render("github", result, meta)


def write(result, meta, out) -> None:
    from ..safety import printable, printable_path
    from .text_format import summary

    root = meta.get("root")
    per_level = MAX_PER_LEVEL
    findings = list(result.findings)
    paths = [workspace_path(f.file, root) for f in findings]

    counts = {lvl: 0 for lvl in _ORDER}
    for f in findings:
        counts[f.severity if f.severity in counts else "warning"] += 1
    cap = limits(counts, per_level)

    lines: list[str] = []
    shown = {lvl: 0 for lvl in _ORDER}
    hidden = {lvl: 0 for lvl in _ORDER}
    for f, path in zip(findings, paths):
        lvl = f.severity if f.severity in shown else "warning"
        if shown[lvl] < cap[lvl]:
            shown[lvl] += 1
            lines.append(annotation(f, path))
        else:
            hidden[lvl] += 1
    if any(hidden.values()):
        lines.append(overflow_notice(hidden, len(findings), per_level))

    if findings:
        listing = [plain(f"{printable_path(path)}:{f.span.line}:{f.span.col}: {f.code} {printable(f.message + _related(f))}")
                   for f, path in zip(findings, paths)]
        token = "lint-policies-" + hashlib.sha256("\n".join(listing).encode("utf-8", "surrogatepass")).hexdigest()[:32]
        lines.append("::group::lint-policies findings")
        lines.append(f"::stop-commands::{token}")
        lines.extend(listing)
        lines.append(f"::{token}::")
        lines.append("::endgroup::")
    lines.append(summary(result))
    for line in lines:
        out.write(line + "\n")
