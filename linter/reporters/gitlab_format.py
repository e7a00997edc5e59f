"""GitLab Code Quality report (``artifacts: reports: codequality``).

The format GitLab documents (https://docs.gitlab.com/ci/testing/code_quality/, "Code
Quality report format"): a JSON array of issues, each with ``description``,
``check_name``, ``fingerprint``, ``severity`` (one of info, minor, major, critical,
blocker) and ``location.path`` with ``location.lines.begin``. GitLab compares
fingerprints between the source and target branches to show what a merge request adds
or fixes, and shows one issue per fingerprint, so the fingerprint here is unique in a
report and stable across runs: the finding's baseline fingerprint (no line number in it)
plus its occurrence number among findings with the same one.

Severities: error -> critical, warning -> major, note -> info.
"""
from __future__ import annotations

SEVERITY = {"error": "critical", "warning": "major", "note": "info"}


def issues(findings):
    import hashlib

    from ._source import rule_url

    seen: dict[str, int] = {}
    for f in findings:
        n = seen[f.fingerprint] = seen.get(f.fingerprint, 0) + 1
        fp = hashlib.sha256(f"{f.fingerprint}:{n}".encode("ascii")).hexdigest()[:32]
        yield {
            "type": "issue",
            "description": f"{f.code} {f.message}",
            "check_name": f.code,
            "fingerprint": fp,
            "severity": SEVERITY.get(f.severity, "info"),
            "categories": ["Security"],
            "location": {"path": f.file, "lines": {"begin": f.span.line, "end": max(f.span.end_line, f.span.line)}},
            "content": {"body": f"{f.name}: {rule_url(f.code)}"},
        }


def write(result, meta, out) -> None:
    from . import json_items

    json_items(out, issues(result.findings), 0)
    out.write("\n")


def render(result, meta) -> str:
    from . import render as _render

    return _render("gitlab", result, meta)
