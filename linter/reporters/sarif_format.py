"""SARIF 2.1.0 for GitHub code scanning and other consumers.

Facts used (GitHub's "SARIF support for code scanning" page and the OASIS SARIF 2.1.0
specification): one run per file, one tool; ``driver`` with name, fullName, version and
``rules[]`` (id, name, shortDescription, fullDescription, help text and markdown, helpUri,
defaultConfiguration.level, properties.tags and properties.security-severity, a string
score); ``automationDetails.id`` (``category/``: code scanning tells analyses apart by it);
results with ruleId, ruleIndex, level, message and one location: a relative POSIX ``uri``
with ``uriBaseId`` ``%SRCROOT%`` for a file under the working directory, an absolute
``file://`` URI and no ``uriBaseId`` for one outside it (SARIF 3.4.4: an absolute URI SHALL
have no base id), and a region with start/end line and column (``endColumn`` exclusive).

Fingerprints: ``partialFingerprints`` holds the finding's own fingerprint (the baseline's:
rule, path, origin, logical path and value, no line number, so it survives lines moved
by an edit) with its occurrence number; ``primaryLocationLineHash`` is left to
upload-sarif, which computes it from the file. A result whose level differs from its
rule's default (a documentation-example key reported as a note) carries its own
``security-severity``, so it is not ranked as its rule's default.

GitHub's upload limits are kept: at most 25,000 results per run (the most severe are
kept and one note result says how many were left out and how to see them all), 1,000
locations per result, and 10 MB gzip-compressed (results are left out, least severe
first, until the log fits). Suppressed findings are never written.
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


MAX_RESULTS = 25_000  # GitHub: results per run
MAX_LOCATIONS = 1_000  # GitHub: locations per result
MAX_GZIP_BYTES = 10 * 1024 * 1024  # GitHub: size of the gzip-compressed file
RANK = {"error": 2, "warning": 1, "note": 0}


def artifact_location(file: str) -> dict:
    """A relative POSIX path under ``%SRCROOT%``; an absolute one as a ``file://`` URI."""
    if file.startswith("/") or (len(file) > 2 and file[1] == ":" and file[2] in "/\\"):
        from pathlib import PurePosixPath, PureWindowsPath

        pure = PurePosixPath(file) if file.startswith("/") else PureWindowsPath(file)
        return {"uri": pure.as_uri()}
    return {"uri": quote(file, safe="/:@-._~!$&'()*+,;="), "uriBaseId": "%SRCROOT%"}


def _result(f, index: dict, rules: list, occurrence: int) -> dict:
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
                "artifactLocation": artifact_location(f.file),
                "region": region,
            },
        }][:MAX_LOCATIONS],
        "partialFingerprints": {"lintPoliciesFingerprint/v1": f"{f.fingerprint}:{occurrence}"},
        "fingerprints": {"lint-policies/v1": f.fingerprint},
    }
    if f.label:
        res["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": f.label}]
    if f.related:
        res["relatedLocations"] = [_related(i, r, f.file) for i, r in enumerate(f.related[:MAX_LOCATIONS], 1)]
    rule = rules[index[f.code]]
    if f.severity != rule.severity and "security" in rule.tags:
        res["properties"] = {"security-severity": SECURITY_SEVERITY[f.severity]}
    return res


def _note(left_out: int, first, limit_word: str) -> dict:
    """The result that says what was left out (located at the first finding left out)."""
    return {
        "ruleId": TRUNCATED_ID,
        "level": "note",
        "message": {"text": f"{left_out} more findings were left out of this SARIF log ({limit_word}). "
                            f"The least severe were left out first; run lint-policies with --format json "
                            f"(or --format text) to see them all."},
        "locations": [{"physicalLocation": {
            "artifactLocation": artifact_location(first.file),
            "region": {"startLine": first.span.line, "startColumn": first.span.col},
        }}],
        "partialFingerprints": {"lintPoliciesFingerprint/v1": "truncated:1"},
    }


TRUNCATED_ID = "lint-policies/results-left-out"
TRUNCATED_RULE = {
    "id": TRUNCATED_ID,
    "name": "sarif-results-left-out",
    "shortDescription": {"text": "Findings were left out of this SARIF log to keep within GitHub's upload limits."},
    "fullDescription": {"text": "GitHub code scanning accepts at most 25,000 results per run and 10 MB "
                                "gzip-compressed per file; lint-policies keeps the most severe findings."},
    "help": {"text": "Run lint-policies with --format json or --format text to see every finding."},
    "defaultConfiguration": {"level": "note"},
    "properties": {"tags": ["lint-policies"]},
}


def _related(i: int, r, own_file: str) -> dict:
    loc = {
        "id": i,
        "physicalLocation": {
            "artifactLocation": artifact_location(r.file or own_file),
            "region": {"startLine": r.span.line, "startColumn": r.span.col, "endLine": r.span.end_line,
                       "endColumn": max(r.span.end_col, 1)},
        },
        "message": {"text": r.message},
    }
    if r.label:
        loc["logicalLocations"] = [{"fullyQualifiedName": r.label}]
    return loc


def write(result, meta, out) -> None:
    """The log, within GitHub's limits. The results are made before the log is written
    (at most 25,000 of them; a log that could be over the size limit is compressed in
    memory to measure it)."""
    from .. import registry
    from . import json_document

    codes = list(meta.get("codes") or [])
    for f in result.findings:
        if f.code not in codes:
            codes.append(f.code)
    rules = [registry.load(c) for c in codes]
    index = {r.code: i for i, r in enumerate(rules)}
    findings = list(result.findings)
    limit = meta.get("sarif_max_results") or MAX_RESULTS
    max_gzip = meta.get("sarif_max_gzip") or MAX_GZIP_BYTES
    left_out: list = []
    why = ""
    if len(findings) > limit:
        # the most severe first (a stable sort keeps the file/line order within a severity)
        order = sorted(range(len(findings)), key=lambda i: -RANK.get(findings[i].severity, 0))
        keep = set(order[: limit - 1])
        left_out = [f for i, f in enumerate(findings) if i not in keep]
        findings = [f for i, f in enumerate(findings) if i in keep]
        why = f"GitHub accepts at most {limit} results per run"
    log = _log(rules, meta, truncated=False)
    results = _results(findings, index, rules)
    if _maybe_too_big(log, results, max_gzip):
        kept = _trim_to_fit(log, findings, index, rules, max_gzip)
        if kept < len(findings):
            order = sorted(range(len(findings)), key=lambda i: -RANK.get(findings[i].severity, 0))
            keep = set(order[:kept])
            left_out += [f for i, f in enumerate(findings) if i not in keep]
            findings = [f for i, f in enumerate(findings) if i in keep]
            why = why or f"GitHub accepts at most {max_gzip} bytes gzip-compressed"
            results = _results(findings, index, rules)
    if left_out:
        left_out.sort(key=lambda f: f.sort_key())
        results = list(results) + [_note(len(left_out), left_out[0], why)]
        log = _log(rules, meta, truncated=True)
    json_document(out, log, ("runs", 0, "results"), iter(results))


def _results(findings, index, rules) -> list:
    seen: dict = {}
    out = []
    for f in findings:
        n = seen[f.fingerprint] = seen.get(f.fingerprint, 0) + 1
        out.append(_result(f, index, rules, n))
    return out


def _maybe_too_big(log: dict, results: list, max_gzip: int) -> bool:
    """Whether the log could be over ``max_gzip`` compressed: a log under 90% of it
    uncompressed cannot be (gzip adds a few bytes at most), so only a big log is compressed
    to measure it."""
    import json

    total = len(json.dumps(log, ensure_ascii=False).encode("utf-8"))
    for r in results:
        total += len(json.dumps(r, ensure_ascii=False).encode("utf-8"))
        if total > max_gzip * 0.9:
            texts = [json.dumps(r, indent=2, ensure_ascii=False) for r in results]
            return _gzip_size(log, texts) > max_gzip - 4096
    return False


def _gzip_size(log: dict, texts: list) -> int:
    import gzip
    import json

    head = json.dumps(log, indent=2, ensure_ascii=False)
    body = head + ",\n".join(texts)
    return len(gzip.compress(body.encode("utf-8"), compresslevel=6)) + 64


def _trim_to_fit(log: dict, findings: list, index: dict, rules: list, max_gzip: int) -> int:
    """How many findings (the most severe) fit in ``max_gzip`` compressed bytes, with
    room for the note result (binary search over the count)."""
    import json

    order = sorted(range(len(findings)), key=lambda i: -RANK.get(findings[i].severity, 0))
    ordered = [findings[i] for i in order]
    texts = [json.dumps(r, indent=2, ensure_ascii=False) for r in _results(ordered, index, rules)]
    budget = max_gzip - 4096  # the note and the truncation rule
    if _gzip_size(log, texts) <= budget:
        return len(findings)
    lo, hi = 0, len(texts)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _gzip_size(log, texts[:mid]) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return max(lo - 1, 0)  # one place for the note


def _log(rules, meta, truncated: bool = False) -> dict:
    version = meta.get("version", "")
    descriptors = [rule_descriptor(r) for r in rules]
    if truncated:
        descriptors.append(TRUNCATED_RULE)
    category = (meta.get("sarif_category") or "lint-policies").strip("/")
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "lint-policies",
                "fullName": f"lint-policies {version}: a linter for AWS IAM policies that guard Amazon SageMaker"
                            if version else "lint-policies: a linter for AWS IAM policies that guard Amazon SageMaker",
                "version": version,
                "semanticVersion": version,
                "informationUri": INFO_URI,
                "rules": descriptors,
            }},
            "automationDetails": {"id": f"{category}/"},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The directory lint-policies ran in."}}},
            "columnKind": "unicodeCodePoints",
            "results": None,
        }],
    }


def render(result, meta) -> str:
    from . import render as _render

    return _render("sarif", result, meta)
