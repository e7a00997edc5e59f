"""SARIF 2.1.0 for GitHub code scanning and other consumers.

Facts used (see ../shared/conventions/NOTES.md section 1): one run per file, one tool;
``rules[]`` with id, name, shortDescription, fullDescription, help (text and
markdown), helpUri, defaultConfiguration.level, properties.tags and
properties.security-severity (a string score); results with ruleId, ruleIndex, level,
message, a relative POSIX ``uri`` and a region with start/end line and column
(``endColumn`` exclusive). ``partialFingerprints.primaryLocationLineHash`` is left to
upload-sarif, which computes it; our own line-independent fingerprint goes in
``fingerprints``. Suppressed findings are never written.
"""
from __future__ import annotations

from urllib.parse import quote

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/lint-policies/lint-policies"
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "note": "2.0"}


def rule_descriptor(rule) -> dict:
    from ..docs import help_uri, rule_markdown, rule_text

    tags = list(dict.fromkeys(list(rule.tags) + ["iam"]))[:10]
    props = {"tags": tags, "precision": "high"}
    if "security" in tags:
        props["security-severity"] = rule.security_severity or SECURITY_SEVERITY[rule.severity]
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary[:1024]},
        "fullDescription": {"text": (rule.rationale or rule.summary)[:1024]},
        "help": {"text": rule_text(rule), "markdown": rule_markdown(rule)},
        "helpUri": help_uri(rule.code),
        "defaultConfiguration": {"level": rule.severity},
        "properties": props,
    }


def _result(f, index: dict) -> dict:
    region = {
        "startLine": f.span.line,
        "startColumn": f.span.col,
        "endLine": f.span.end_line,
        "endColumn": max(f.span.end_col, 1),
    }
    res = {
        "ruleId": f.code,
        "ruleIndex": index[f.code],
        "level": f.severity,
        "message": {"text": f.message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": quote(f.file, safe="/:@-._~!$&'()*+,;="), "uriBaseId": "%SRCROOT%"},
                "region": region,
            },
        }],
        "fingerprints": {"lint-policies/v1": f.fingerprint},
    }
    if f.label:
        res["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": f.label}]
    if f.related:
        res["relatedLocations"] = [_related(i, r) for i, r in enumerate(f.related, 1)]
    return res


def _related(i: int, r) -> dict:
    loc = {
        "id": i,
        "physicalLocation": {
            "artifactLocation": {"uri": quote(r.file, safe="/:@-._~!$&'()*+,;="), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": r.span.line, "startColumn": r.span.col, "endLine": r.span.end_line,
                       "endColumn": max(r.span.end_col, 1)},
        },
        "message": {"text": r.message},
    }
    if r.label:
        loc["logicalLocations"] = [{"fullyQualifiedName": r.label}]
    return loc


def write(result, meta, out) -> None:
    """The log, written result by result (never built whole)."""
    from .. import registry
    from . import json_document

    codes = list(meta.get("codes") or [])
    for f in result.findings:
        if f.code not in codes:
            codes.append(f.code)
    rules = [registry.load(c) for c in codes]
    index = {r.code: i for i, r in enumerate(rules)}
    json_document(out, _log(rules, meta), ("runs", 0, "results"), (_result(f, index) for f in result.findings))


def _log(rules, meta) -> dict:
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "lint-policies",
                "version": meta.get("version", ""),
                "semanticVersion": meta.get("version", ""),
                "informationUri": INFO_URI,
                "rules": [rule_descriptor(r) for r in rules],
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The directory lint-policies ran in."}}},
            "columnKind": "unicodeCodePoints",
            "results": None,
        }],
    }


def render(result, meta) -> str:
    from . import render as _render

    return _render("sarif", result, meta)
