"""Code actions as text edits: quick fixes where the linter knows the answer, and
suppressions written in the file's own comment form.

- SM104's and SM204's "did you mean X?": the action or condition key replaced by X; a
  condition key no action of the statement supports whose ``...Arn`` form they do
  (``sagemaker:VolumeKmsKey``): replaced by that form;
- LP002's unknown element name that is a known one in another case (``action``, ``effect``)
  and an ``Effect`` of ``allow``/``deny``: the right case;
- "suppress here": ``# lint-policies: ignore[CODE] -- `` at the end of the finding's line in
  YAML and HCL (``//`` in HCL files that write their comments that way), else alone on a
  line above the finding's line or above a block that holds it (in a YAML block scalar or an
  HCL heredoc, where a ``#`` would be text). The reason is left to write after ``--``: until
  it is, the suppression is LP101. JSON has no comments: Terraform JSON's ``"//"`` property and a
  CloudFormation resource's ``Metadata`` where they fit, else no edit but the way to do it.

Edits are ``(start, end, new_text)`` with code-point offsets into the text the findings came
from. Nothing here imports pygls.
"""
from __future__ import annotations

import ast
import re

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Optional

from .positions import Lines

_DID_YOU_MEAN = re.compile(r"; did you mean (?P<new>[^\s?]+)\?$")
_UNKNOWN_KEY = re.compile(r"""^unknown key (?P<key>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*") in (?P<where>statement|policy document)""")
_EFFECT = re.compile(r"""^Effect must be "Allow" or "Deny" \(case-sensitive\), not (?P<val>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")$""")


class Fix:
    """A code action: ``title``, ``edits``, the finding it is for, ``preferred`` (the fix an
    editor applies on "fix this"), ``verify`` (only offer it when linting the edited text
    shows it does what it says), ``guidance`` (no edit: what to do instead)."""

    __slots__ = ("title", "edits", "finding", "preferred", "verify", "guidance", "kind")

    def __init__(self, title: str, edits: list, finding, preferred: bool = False, verify: bool = False,
                 guidance: str = "", kind: str = "fix") -> None:
        self.title = title
        self.edits = edits
        self.finding = finding
        self.preferred = preferred
        self.verify = verify
        self.guidance = guidance
        self.kind = kind

    def __repr__(self) -> str:
        return f"Fix({self.title!r}, {self.edits!r})"


def apply(text: str, edits: list) -> str:
    """``text`` with ``edits`` applied (they do not overlap)."""
    for a, b, new in sorted(edits, key=lambda e: e[0], reverse=True):
        text = text[:a] + new + text[b:]
    return text


def span_offsets(lines: Lines, span) -> tuple[int, int]:
    """Code-point offsets of a span's start and end in the text of ``lines``."""
    return _offset(lines, span[0], span[1]), _offset(lines, span[2], span[3])


def _offset(lines: Lines, line: int, col: int) -> int:
    i = line - 1
    if i < 0:
        return 0
    if i >= len(lines):
        return len(lines.text)
    return lines.starts[i] + min(max(col - 1, 0), lines.ends[i] - lines.starts[i])


def _replace_in_span(lines: Lines, span, old: str, new: str) -> Optional[list]:
    """An edit replacing ``old`` where it is written in the span (the span of a literal holds its
    quotes), or None when it is not written there as it reads."""
    a, b = span_offsets(lines, span)
    at = lines.text.find(old, a, b)
    if at < 0 or old == new:
        return None
    return [(at, at + len(old), new)]


def quick_fixes(lines: Lines, finding) -> list:
    """The quick fixes of one finding."""
    code = finding.code
    msg = finding.message
    if code == "SM204" and finding.value and (" is not supported by any SageMaker action" in msg
                                              or " is an older name no SageMaker action lists" in msg):
        # a key AWS renamed: no action lists sagemaker:VolumeKmsKey any more, they list ...Arn
        from .. import iam

        newer = iam.condition_key(finding.value + "Arn")
        edits = _replace_in_span(lines, finding.span, finding.value, newer.name) if newer is not None else None
        if edits is None:
            return []
        return [Fix(f"Replace with {newer.name}", edits, finding, preferred=True, verify=True)]
    if code in ("SM104", "SM204"):
        m = _DID_YOU_MEAN.search(msg)
        if m is None or not finding.value:
            return []
        edits = _replace_in_span(lines, finding.span, finding.value, m.group("new"))
        if edits is None:
            return []
        return [Fix(f"Replace with {m.group('new')}", edits, finding, preferred=True)]
    if code == "LP002":
        m = _UNKNOWN_KEY.match(msg)
        if m is not None:
            from ..grammar import DOC_KEYS, STMT_KEYS

            key = ast.literal_eval(m.group("key"))
            names = STMT_KEYS if m.group("where") == "statement" else DOC_KEYS
            right = next((k for k in names if k.lower() == key.lower()), None)
            if right is None:
                return []
            edits = _replace_in_span(lines, finding.span, key, right)
            if edits is None:
                return []
            # a statement that also has the right one would get it twice: checked by linting the result
            return [Fix(f"Rename {key} to {right}", edits, finding, preferred=True, verify=True)]
        m = _EFFECT.match(msg)
        if m is not None:
            val = ast.literal_eval(m.group("val"))
            right = {"allow": "Allow", "deny": "Deny"}.get(val.lower())
            if right is None:
                return []
            edits = _replace_in_span(lines, finding.span, val, right)
            if edits is None:
                return []
            return [Fix(f"Change {val} to {right}", edits, finding, preferred=True)]
    return []


# ---------------------------------------------------------------------------
# Suppressions


def directive(code: str, marker: str = "#") -> str:
    """The comment that suppresses ``code``, its reason still to write after ``--``."""
    return f"{marker} lint-policies: ignore[{code}] -- "


def comment_style(path: str, text: str) -> Optional[str]:
    """``"yaml"``, ``"hcl"`` or None (JSON: no comments), as the format table decides it."""
    from ..sources import comment_style as style

    return style(path, text)


def _hcl_marker(text: str) -> str:
    """``//`` when the file's comments mostly start with it, else ``#``."""
    from .. import suppress

    scan = suppress.scan_hcl(text)
    lines = Lines(text)
    slashes = sum(1 for c in scan.comments if lines.line(c.line - 1)[c.col - 1:c.col + 1] == "//")
    return "//" if slashes * 2 > len(scan.comments) else "#"


def suppressions(path: str, text: str, finding, config: Optional[str] = None,
                 display: str = "") -> list:
    """The ways to suppress ``finding`` in this file, most local first; the first verified one is
    offered. For JSON, a single :class:`Fix` with ``guidance`` and no edit."""
    style = comment_style(path, text)
    code = finding.code
    if style is None:
        return _json_suppressions(path, text, finding) + [Fix(
            f"Suppress {code}: JSON has no comments", [], finding,
            guidance=_json_guidance(path, text, code, config, display), kind="suppress")]
    from .. import suppress

    lines = Lines(text)
    scan = suppress.scan_hcl(text) if style == "hcl" else suppress.scan_yaml(text)
    marker = _hcl_marker(text) if style == "hcl" else "#"
    line = finding.span[0]
    if not 1 <= line <= len(lines):
        return []
    out = []
    # 1. at the end of the finding's line, when the comment scanner of linter.suppress reads it as
    #    a directive of that line (not text of a block scalar or a heredoc, not part of another
    #    comment): it then covers the findings that start on the line, this one among them
    i = line - 1
    end = lines.ends[i]
    body = lines.line(i)
    new = ("  " if body.strip() else "") + directive(code, marker)
    edited = text[:end] + new + text[end:]
    opens_heredoc = style == "hcl" and re.search(r"<<-?\s*[A-Za-z_][\w-]*\s*$", body)
    if not opens_heredoc and _comment_on_line(edited, style, line, code):
        out.append(Fix(f"Suppress {code} on this line (lint-policies: ignore)", [(end, end, new)], finding,
                       kind="suppress"))
    # 2. alone on a line above the finding's line, or above a block holding it (innermost first)
    targets = [line] + sorted((s for s, e in scan.blocks.items() if s < line <= e), reverse=True)
    for t in targets[:4]:
        start = lines.starts[t - 1]
        indent = re.match(r"[ \t]*", lines.line(t - 1)).group(0)
        eol = "\r\n" if text[lines.ends[t - 1]:lines.ends[t - 1] + 2] == "\r\n" else "\n"
        new = indent + directive(code, marker).rstrip() + " " + eol
        if not _comment_on_line(text[:start] + new + text[start:], style, t, code, own_line=True):
            continue  # text of a block scalar or a heredoc there
        where = "this line" if t == line else f"the block at line {t}"
        out.append(Fix(f"Suppress {code} for {where} (lint-policies: ignore)", [(start, start, new)], finding,
                       verify=True, kind="suppress"))
    return out


def _comment_on_line(text: str, style: str, line: int, code: str, own_line: bool = False) -> bool:
    """Whether the comment scanner of :mod:`linter.suppress` reads a directive for ``code`` on ``line``."""
    from .. import suppress

    scan = suppress.scan_hcl(text) if style == "hcl" else suppress.scan_yaml(text)
    for c in scan.comments:
        if c.line == line and c.own_line == own_line:
            parsed = suppress.parse_directive(c.text)
            return parsed is not None and code in parsed[1]
    return False


def _json_suppressions(path: str, text: str, finding) -> list:
    """The JSON forms: in Terraform JSON a ``"//"`` property in the object that holds the finding
    (the innermost first); in a CloudFormation JSON template the resource's ``Metadata``. Each is
    offered only when linting the edited text shows it works (a ``"//"`` already there, a
    ``Metadata`` already there: not offered)."""
    from ..located import ParseError
    from ..parsers.json_loc import parse_json

    low = path.lower()
    tf = low.endswith(".tf.json")
    if not tf and '"Resources"' not in text:
        return []
    try:
        tree = parse_json(text)
    except (ParseError, RecursionError):
        return []
    lines = Lines(text)
    at = (finding.span[0], finding.span[1])
    code = finding.code
    chain = []  # (key in its parent, object), outermost first, each holding the finding
    node, key = tree, None
    while isinstance(node, dict):
        chain.append((key, node))
        nxt = None
        for k, v in node.items():
            sp = getattr(v, "span", None)
            if isinstance(v, (dict, list)) and sp is not None and (sp[0], sp[1]) <= at <= (sp[2], sp[3]):
                nxt = (k, v)
                break
        if nxt is None:
            break
        key, node = nxt
        while isinstance(node, list):  # into the list item that holds the finding
            item = next((v for v in node if isinstance(v, (dict, list)) and getattr(v, "span", None) is not None
                         and (v.span[0], v.span[1]) <= at <= (v.span[2], v.span[3])), None)
            if item is None:
                break
            node = item
    out = []
    if tf:
        for _, obj in reversed(chain[1:] if len(chain) > 1 else chain):
            if "//" in obj:
                continue
            edit = _insert_member(lines, obj, '"//": "lint-policies: ignore[%s] -- "' % code)
            if edit is not None:
                out.append(Fix(f'Suppress {code} in this block ("//": lint-policies: ignore)', [edit], finding,
                               verify=True, kind="suppress"))
            if len(out) == 2:
                break
        return out
    if len(chain) >= 3 and chain[1][0] == "Resources" and isinstance(chain[2][1], dict):
        rid, res = chain[2]
        if "Metadata" not in res:
            member = '"Metadata": {"lint-policies": {"ignore": [{"id": "%s", "reason": ""}]}}' % code
            edit = _insert_member(lines, res, member)
            if edit is not None:
                out.append(Fix(f"Suppress {code} in resource {rid} (Metadata lint-policies ignore)", [edit],
                               finding, verify=True, kind="suppress"))
    return out


def _insert_member(lines: Lines, obj, member: str):
    """An edit that makes ``member`` the first member of the JSON object ``obj``, written as its
    members are (on a line of its own, or on the line of the brace)."""
    a, b = span_offsets(lines, obj.span)
    text = lines.text
    if text[a:a + 1] != "{":
        return None
    first = next(iter(obj), None)
    if first is None:
        return (a + 1, a + 1, member)
    ks = obj.key_span(first) if hasattr(obj, "key_span") else None
    if ks is None:
        return None
    k = span_offsets(lines, ks)[0]
    if "\n" in text[a:k]:
        line_start = text.rfind("\n", 0, k) + 1
        indent = text[line_start:k]
        if indent.strip():
            return None
        eol = "\r\n" if text[line_start - 2:line_start] == "\r\n" else "\n"
        return (a + 1, a + 1, eol + indent + member + ",")
    return (a + 1, a + 1, member + ", ")


def _json_guidance(path: str, text: str, code: str, config: Optional[str], display: str) -> str:
    low = path.lower()
    if low.endswith(".tf.json"):
        return (f'Terraform JSON has no comments: add "//": "lint-policies: ignore[{code}] -- <reason>" '
                f"to the block that holds the finding.")
    if '"AWSTemplateFormatVersion"' in text or '"Resources"' in text:
        return (f'JSON has no comments: add "Metadata": {{"lint-policies": {{"ignore": [{{"id": "{code}", '
                f'"reason": "<reason>"}}]}}}} to the resource.')
    where = config or ".lint-policies.toml"
    section = "[tool.lint-policies.per-file-ignores]" if where.endswith("pyproject.toml") else "[per-file-ignores]"
    return (f'JSON has no comments: to silence {code} in this file, add "{display or path}" = ["{code}"] '
            f"under {section} in {where}.")
