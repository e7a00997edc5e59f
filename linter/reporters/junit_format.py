"""JUnit XML, the test report Jenkins (``junit``), GitLab (``artifacts: reports: junit``)
and Azure Pipelines (``PublishTestResults``, format JUnit) read.

One ``<testsuites>`` holding one ``<testsuite name="lint-policies">``. Each finding is a
``<testcase>`` whose ``classname`` is the file and whose ``name`` is ``CODE at
LINE:COL``, failing with ``<failure type="CODE" message="MESSAGE">`` and a body of
``path:line:col: CODE message`` plus the rule's documentation URL. A clean run holds one
passing test case (``no findings``), so a CI that refuses an empty report (Jenkins'
``junit`` step does unless told ``allowEmptyResults``) accepts it. Text is escaped for XML,
and characters XML 1.0 cannot hold at all (most control characters) are written as
``\\uXXXX``.
"""
from __future__ import annotations

import re

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_BAD.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _attr(text: str) -> str:
    from xml.sax.saxutils import quoteattr

    return quoteattr(_clean(text), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _body(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(_clean(text))


def write(result, meta, out) -> None:
    from ._source import rule_url

    findings = result.findings
    n = len(findings)
    tests = n or 1
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<testsuites name="lint-policies" tests="{tests}" failures="{n}" errors="0">\n')
    out.write(f'  <testsuite name="lint-policies" tests="{tests}" failures="{n}" errors="0" skipped="0">\n')
    if not n:
        out.write('    <testcase classname="lint-policies" name="no findings"/>\n')
    for f in findings:
        where = f"{f.file}:{f.span.line}:{f.span.col}"
        out.write(f"    <testcase classname={_attr(f.file)} name={_attr(f'{f.code} at {f.span.line}:{f.span.col}')}"
                  f" file={_attr(f.file)} line=\"{f.span.line}\">\n")
        out.write(f"      <failure type={_attr(f.code)} message={_attr(f.message)}>"
                  f"{_body(f'{where}: {f.code} [{f.severity}] {f.message}')}\n{_body(rule_url(f.code))}</failure>\n")
        out.write("    </testcase>\n")
    out.write("  </testsuite>\n</testsuites>\n")


def render(result, meta) -> str:
    from . import render as _render

    return _render("junit", result, meta)
