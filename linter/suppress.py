"""Suppressions: silencing a justified finding exactly where it is, with a reason.

Forms (all take rule codes or prefixes, like ``--select``):

* YAML, HCL, Python and TypeScript / JavaScript (CDK code) in the language's comments
  (``#``; HCL also ``//``; TypeScript ``//`` and ``/* */``)::

      Action: sagemaker:*  # lint-policies: ignore[SM101] -- admin role, reviewed in SEC-12

  A directive after code covers findings that start on that line (and, when a block
  opens on that line, the whole block). A directive alone on its line covers the
  next line that is not blank or a comment, and the whole block that starts there:
  a resource, a Terraform block, a policy statement, a YAML mapping or list item
  (everything indented under it), an HCL ``{ ... }`` or heredoc.
  ``# lint-policies: ignore-file[KEY401] -- reason`` in the first 10 lines (or in
  the leading comment block) covers the whole file.
* CloudFormation, JSON or YAML: ``Metadata: {lint-policies: {ignore: [{id: SM101,
  reason: "..."}]}}`` on a resource covers that resource; at template level, the file.
* Terraform JSON: a ``"//"`` property holding the same directive text covers the
  object it is in (the root object: the file).
* Standalone policy JSON has no comments: ``per-file-ignores`` in the configuration.
  Findings matched by per-file-ignores or by a rule's ``allow`` list (KEY4xx
  fingerprints) are dropped, not suppressed.

A suppression without a reason is LP101 (when ``require-reason`` is on); one that
matched nothing is LP100 (only for codes selected to run on the file). Suppressed
findings carry ``suppressed_by`` (the reason) and are returned apart, so that
``--show-suppressed`` can list them and SARIF never contains them.

Comments and blocks are what the file's parser saw (``src.layout``: the comments it
kept and the spans of its nodes), so a ``#`` in a string, a block scalar or a heredoc
is never a comment. A file that was not parsed (a syntax error, or text the linter
read for credentials only) is read by a line scanner that knows YAML and HCL quoting,
or the strings, template literals and comments of program code (CDK apps).
Either only runs on files that contain the text ``lint-policies``.

At most :data:`MAX_DIRECTIVES` suppressions of a file are honoured (the next one is
LP100, saying how many were ignored), and a finding is matched only against the
directives that can cover it (an index by first line and by logical path), so the
work stays linear in a file of thousands of statements and suppressions.
"""
from __future__ import annotations

import os
import re
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Iterable, Optional

from ._regex import PLUS
from .record import Record
from .findings import Finding
from .registry import lp_finding
from .located import Span

#: ``ignore-file`` directives are honoured in these first lines (or in the leading comment block).
FILE_DIRECTIVE_LINES = 10
#: Suppressions honoured per file (a real file has a handful; matching is bounded by this).
MAX_DIRECTIVES = 1000

# Patterns are compiled on first use (re caches them): a run over files without
# suppressions never pays for them.
_DIRECTIVE = (r"(?is)(?:^|(?<=[\s#/*]))lint-policies\s*:\s*(?P<kind>ignore-file|ignore)\b\s*"
              r"(?:\[(?P<codes>[^\]]*)\])?(?P<rest>.*)$")
#: What a directive (or an attempt at one) looks like; a comment that merely mentions the tool is not one.
_MENTION = r"(?i)lint-policies\s*:\s*(?:ignore|disable|enable|skip|noqa|suppress|nosec|allow)"
CODE = r"^[A-Z]+[0-9]*$"
_SYNTAX = "# lint-policies: ignore[CODE,...] -- reason"

_HCL_EXT = (".tf", ".tfvars", ".hcl")
_YAML_EXT = (".yaml", ".yml", ".template")
_NO_COMMENT_KINDS = ("policy-json", "aws-cli", "json", "terraform-json", "terraform-plan")

# Specificity order: the most specific covering suppression gives the reason.
_RANK = {"line": 0, "block": 1, "resource": 2, "object": 2, "file": 3}


# ---------------------------------------------------------------------------
# Directives


class Directive(Record):
    """One suppression: which codes, why, where it is written and what it covers."""

    __slots__ = ("codes", "reason", "span", "scope", "text", "lines", "region", "path_prefix", "form",
                 "logical_path", "problem", "hint", "used")
    _defaults = {"lines": None, "region": None, "path_prefix": None, "form": "comment", "logical_path": (),
                 "problem": "", "hint": "", "used": set}
    codes: list[str]
    reason: str
    span: Span  # where the directive is written
    scope: str  # line | block | resource | object | file
    text: str  # normalized directive, for LP1xx fingerprints
    lines: Optional[tuple[int, int]]  # covered lines (inclusive)
    region: Optional[Span]  # covered span (line, col)..(end_line, end_col)
    path_prefix: Optional[tuple[str, ...]]  # covered logical path prefix
    form: str  # comment | metadata | json-comment
    logical_path: tuple
    problem: str  # why the directive is malformed / misplaced (then it covers nothing)
    hint: str  # extra advice for LP101
    used: set  # codes (as written) that matched a finding

    def covers(self, f: Finding) -> bool:
        if self.problem:
            return False
        if self.scope == "file":
            return True
        if self.lines is not None and self.lines[0] <= f.span.line <= self.lines[1]:
            return True
        if self.region is not None:
            r = self.region
            if (r.line, r.col) <= (f.span.line, f.span.col) <= (r.end_line, r.end_col):
                return True
        if self.path_prefix:
            n = len(self.path_prefix)
            if len(f.logical_path) >= n and tuple(str(p) for p in f.logical_path[:n]) == self.path_prefix:
                return True
        return False

    def matching_codes(self, code: str) -> list[str]:
        return [c for c in self.codes if code.startswith(c)]

    def size(self) -> int:
        if self.lines is not None:
            return self.lines[1] - self.lines[0]
        if self.region is not None:
            return self.region.end_line - self.region.line
        return 1 << 30


def parse_directive(text: str) -> Optional[tuple[str, list[str], str, str]]:
    """``(kind, codes, reason, problem)`` for a text holding a directive, else None.

    ``kind`` is ``ignore`` or ``ignore-file``; ``problem`` is non-empty when the
    directive is malformed (no codes, a code that is not a code).
    """
    if not re.search(_MENTION, text):
        return None
    m = re.search(_DIRECTIVE, text)
    if m is None:
        return ("ignore", [], "", f"malformed suppression; expected `{_SYNTAX}` or `ignore-file[...]`")
    kind = m.group("kind").lower()
    raw_codes = m.group("codes")
    rest = (m.group("rest") or "").strip()
    if raw_codes is None:
        return (kind, [], "", f"suppression without codes; expected `{_SYNTAX}` "
                              f"(blanket suppressions are not supported)")
    codes = [c.strip().upper() for c in re.split(r"[,\s]+", raw_codes) if c.strip()]
    bad = [c for c in codes if not re.match(CODE, c)]
    if not codes:
        return (kind, [], "", f"suppression with an empty code list; expected `{_SYNTAX}`")
    if bad:
        return (kind, codes, "", f"suppression with invalid code {bad[0]!r}; expected `{_SYNTAX}`")
    reason = ""
    if rest.startswith("--"):
        reason = rest[2:].strip()
    elif rest.startswith(("\u2014", "\u2013")):  # an em or en dash typed by an editor
        reason = rest[1:].strip()
    return (kind, list(dict.fromkeys(codes)), reason, "" if reason or not rest else "after-codes")


# ---------------------------------------------------------------------------
# Comment scanning: YAML


class Comment(Record):
    __slots__ = ("line", "col", "end_col", "text", "own_line")
    line: int
    col: int  # of the comment marker
    end_col: int  # exclusive
    text: str  # without the marker
    own_line: bool  # nothing but whitespace before it


class Scan(Record):
    __slots__ = ("comments", "blocks", "code_lines", "bare_keys")
    _defaults = {"comments": list, "blocks": dict, "code_lines": set, "bare_keys": set}
    comments: list[Comment]
    #: line -> last line of the structural block that starts on it (YAML indentation,
    #: HCL brackets and heredocs)
    blocks: dict[int, int]
    #: lines that hold code (not blank, not only a comment)
    code_lines: set[int]
    #: lines that are a YAML key with its value on the following lines
    bare_keys: set[int]


_BLOCK_SCALAR = r"(?:^|[\s:\-])[|>][0-9+\-]{0,2}\s*$"


def _yaml_scan_quoted(line: str, i: int, q: str) -> int:
    """Index just past the closing quote ``q`` searching from ``i``; -1 when it is not on this line."""
    n = len(line)
    while i < n:
        c = line[i]
        if q == '"' and c == "\\":
            i += 2
            continue
        if c == q:
            if q == "'" and i + 1 < n and line[i + 1] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    return -1


_ITEM_PREFIX = re.compile(r"[ \t]*(?:-[ \t]+)*" + PLUS)  # indentation and list dashes


def _is_key(rest: str) -> bool:
    """Whether ``rest`` starts with a mapping key: a quoted string, or text without ``#``,
    followed by ``:`` and a blank or the end. One pass (a regular expression with a lazy
    ``[^#]*?`` before ``\\s*:`` rescanned a long run of blanks once per blank)."""
    if not rest:
        return False
    q = rest[0]
    if q in "\"'":
        end = rest.find(q, 1)
        if end < 0:
            return False
        i = end + 1
        n = len(rest)
        while i < n and rest[i].isspace():
            i += 1
        return i < n and rest[i] == ":" and (i + 1 == n or rest[i + 1].isspace())
    if q == "#":
        return False
    hash_at = rest.find("#")
    stop = len(rest) if hash_at < 0 else hash_at
    i = rest.find(":", 1, stop)
    while i >= 0:
        if i + 1 == len(rest) or rest[i + 1].isspace():
            return True
        i = rest.find(":", i + 1, stop)
    return False


def _block_scalar_parent(code: str, indent: int) -> int:
    """Indentation of the node that owns a block scalar (``key: |`` or ``- |``).

    Lines indented more than this belong to the scalar.
    """
    m = _ITEM_PREFIX.match(code)
    prefix = m.group(0) if m else ""
    rest = code[len(prefix):]
    if _is_key(rest):
        return len(prefix)  # `key: |`: the key's column
    dashes = prefix.rstrip()
    return len(dashes) - 1 if dashes.endswith("-") else indent - 1


def scan_yaml(text: str) -> Scan:
    out = Scan()
    lines = text.split("\n")
    quote: Optional[str] = None  # inside a multi-line quoted scalar
    block_indent: Optional[int] = None  # inside a block scalar whose parent is indented this much
    flow = 0  # depth of [ ] / { } flow collections
    stack: list[tuple[int, int, bool]] = []  # (indent, line, bare key)
    last_content = 0
    for ln, raw in enumerate(lines, 1):
        line = raw[:-1] if raw.endswith("\r") else raw
        stripped = line.lstrip(" \t")
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped or indent > block_indent:
                if stripped:
                    last_content = ln
                    out.code_lines.add(ln)
                continue
            block_indent = None
        i = 0
        n = len(line)
        at_node = True
        comment: Optional[Comment] = None
        if quote is not None:
            j = _yaml_scan_quoted(line, 0, quote)
            out.code_lines.add(ln)
            last_content = ln
            if j < 0:
                continue
            quote = None
            i = j
            at_node = False
        elif stripped and not stripped.startswith("#") and flow == 0:
            # a structural line: close the blocks it is not part of
            is_dash = stripped.startswith("-") and (len(stripped) == 1 or stripped[1] in " \t")
            while stack and (stack[-1][0] > indent or (stack[-1][0] == indent and not (stack[-1][2] and is_dash))):
                _, start, _ = stack.pop()
                out.blocks[start] = last_content
            stack.append((indent, ln, False))
        while i < n:
            c = line[i]
            if c in " \t":
                i += 1
                continue
            if c == "#" and (i == 0 or line[i - 1] in " \t"):
                comment = Comment(ln, i + 1, len(line) + 1, line[i + 1:], own_line=not line[:i].strip())
                break
            if at_node:
                if c in "\"'":
                    j = _yaml_scan_quoted(line, i + 1, c)
                    if j < 0:
                        quote = c
                        i = n
                        break
                    i = j
                    at_node = False
                    continue
                if c in "-?" and (i + 1 == n or line[i + 1] in " \t"):
                    i += 1
                    continue
                if c in "[{":
                    flow += 1
                    i += 1
                    continue
                if c in "]}" and flow:
                    flow -= 1
                    at_node = False
                    i += 1
                    continue
                if c in "!&":  # a tag or an anchor precedes the node
                    while i < n and line[i] not in " \t":
                        i += 1
                    continue
                at_node = False
                i += 1
                continue
            if c == ":" and (i + 1 == n or line[i + 1] in " \t" or (flow and line[i + 1] in ",]}")):
                at_node = True
            elif flow and c == ",":
                at_node = True
            elif flow and c in "]}":
                flow -= 1
            elif c in "[{" and flow:
                flow += 1
                at_node = True
            i += 1
        code = line[: comment.col - 1] if comment else line
        if code.strip():
            out.code_lines.add(ln)
            last_content = ln
            if quote is None and flow == 0 and re.search(_BLOCK_SCALAR, code.rstrip()):
                block_indent = _block_scalar_parent(code, indent)
            elif quote is None and flow == 0 and code.rstrip().endswith(":"):
                out.bare_keys.add(ln)
                if stack and stack[-1][1] == ln:
                    stack[-1] = (stack[-1][0], ln, True)
        if comment:
            out.comments.append(comment)
    while stack:
        _, start, _ = stack.pop()
        out.blocks[start] = last_content
    return out


# ---------------------------------------------------------------------------
# Comment scanning: HCL


_HEREDOC = r"<<-?\s*([A-Za-z_][A-Za-z0-9_-]*)\s*$"


def scan_hcl(text: str) -> Scan:
    out = Scan()
    lines = text.split("\n")
    depth = 0
    open_lines: list[tuple[int, int]] = []  # (start line, depth at its start)
    heredoc: Optional[tuple[str, int]] = None  # (terminator, start line)
    in_block_comment = False
    last_content = 0
    for ln, raw in enumerate(lines, 1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if heredoc is not None:
            out.code_lines.add(ln)
            last_content = ln
            if line.strip() == heredoc[0]:
                out.blocks[heredoc[1]] = max(out.blocks.get(heredoc[1], ln), ln)
                heredoc = None
            continue
        start_depth = depth
        i, n = 0, len(line)
        stack: list[list] = []  # string / interpolation nesting: ["s"] or ["i", braces]
        comment: Optional[Comment] = None
        code_end = n
        while i < n:
            c = line[i]
            if in_block_comment:
                j = line.find("*/", i)
                if j < 0:
                    i = n
                    break
                in_block_comment = False
                i = j + 2
                continue
            top = stack[-1] if stack else None
            if top is not None and top[0] == "s":
                if c == "\\":
                    i += 2
                    continue
                if c == '"':
                    stack.pop()
                elif c in "$%" and line.startswith(c + c + "{", i):
                    i += 3
                    continue
                elif c in "$%" and i + 1 < n and line[i + 1] == "{":
                    stack.append(["i", 1])
                    i += 2
                    continue
                i += 1
                continue
            if c == '"':
                stack.append(["s"])
            elif c == "#" or (c == "/" and line.startswith("//", i)):
                mark = 1 if c == "#" else 2
                comment = Comment(ln, i + 1, n + 1, line[i + mark:], own_line=not line[:i].strip())
                code_end = i
                break
            elif c == "/" and line.startswith("/*", i):
                j = line.find("*/", i + 2)
                if j < 0:
                    in_block_comment = True
                    code_end = min(code_end, i)
                    body = line[i + 2:]
                    comment = Comment(ln, i + 1, n + 1, body, own_line=not line[:i].strip())
                    break
                if not line[:i].strip() and not line[j + 2:].strip():
                    comment = Comment(ln, i + 1, j + 3, line[i + 2:j], own_line=True)
                i = j + 2
                continue
            elif c in "{[(":
                if top is not None and top[0] == "i" and c == "{":
                    top[1] += 1
                depth += 1
            elif c in "}])":
                if top is not None and top[0] == "i" and c == "}":
                    top[1] -= 1
                    if top[1] == 0:
                        stack.pop()
                        i += 1
                        continue
                depth = max(0, depth - 1)
            i += 1
        code = line[:code_end]
        if code.strip():
            out.code_lines.add(ln)
            last_content = ln
            if not stack:
                m = re.search(_HEREDOC, code)
                if m:
                    heredoc = (m.group(1), ln)
        if depth > start_depth:
            open_lines.append((ln, start_depth))
        while open_lines and depth <= open_lines[-1][1] and open_lines[-1][0] != ln:
            start, _ = open_lines.pop()
            out.blocks[start] = max(out.blocks.get(start, ln), ln)
        if comment:
            out.comments.append(comment)
    for start, _ in open_lines:
        out.blocks.setdefault(start, last_content)
    if heredoc is not None:
        out.blocks.setdefault(heredoc[1], last_content)
    return out


#: Program code comment styles: (line comment markers, block comments, quotes, multi-line quotes).
_CODE_STYLES = {
    "python": (("#",), False, ("'", '"'), ("\'\'\'", '"""')),
    "js": (("//",), True, ("'", '"'), ("`",)),
}


def scan_code(text: str, style: str) -> Scan:
    """Comments, code lines and bracketed blocks of Python (``#``) or JavaScript /
    TypeScript (``//``, ``/* */``) source: a marker inside a string (quoted, triple-quoted,
    a template literal, which may hold ``${...}`` code) is not a comment."""
    line_marks, block_comments, quotes, long_quotes = _CODE_STYLES[style]
    out = Scan()
    lines = text.split("\n")
    depth = 0
    open_lines: list = []  # (start line, depth at its start)
    in_str: Optional[str] = None  # the quote of a string that runs over several lines
    tmpl_stack: list = []  # template literal nesting: brace depth of each ${ ... } being read
    in_block_comment = False
    last_content = 0
    for ln, raw in enumerate(lines, 1):
        line = raw[:-1] if raw.endswith("\r") else raw
        start_depth = depth
        i, n = 0, len(line)
        comment: Optional[Comment] = None
        code_end = n
        had_code = in_str is not None
        while i < n:
            c = line[i]
            if in_block_comment:
                j = line.find("*/", i)
                if j < 0:
                    i = n
                    break
                in_block_comment = False
                i = j + 2
                continue
            if in_str is not None:
                if c == "\\":
                    i += 2
                    continue
                if line.startswith(in_str, i):
                    i += len(in_str)
                    in_str = None
                    continue
                if in_str == "`" and line.startswith("${", i):
                    tmpl_stack.append(1)
                    in_str = None
                    i += 2
                    continue
                i += 1
                continue
            if c.isspace():
                i += 1
                continue
            q = next((lq for lq in long_quotes if line.startswith(lq, i)), None) or (c if c in quotes else None)
            if q is not None:
                had_code = True
                j = i + len(q)
                if q in long_quotes:
                    in_str = q
                    i = j
                    continue
                while j < n and line[j] != q:  # a one-line string
                    j += 2 if line[j] == "\\" else 1
                i = j + 1
                continue
            mark = next((m for m in line_marks if line.startswith(m, i)), None)
            if mark is not None:
                comment = Comment(ln, i + 1, n + 1, line[i + len(mark):], own_line=not line[:i].strip())
                code_end = i
                break
            if block_comments and line.startswith("/*", i):
                j = line.find("*/", i + 2)
                if j < 0:
                    in_block_comment = True
                    code_end = min(code_end, i)
                    comment = Comment(ln, i + 1, n + 1, line[i + 2:], own_line=not line[:i].strip())
                    break
                if not line[:i].strip() and not line[j + 2:].strip():
                    comment = Comment(ln, i + 1, j + 3, line[i + 2:j], own_line=True)
                i = j + 2
                continue
            had_code = True
            if c in "{[(":
                if tmpl_stack and c == "{":
                    tmpl_stack[-1] += 1
                depth += 1
            elif c in "}])":
                if tmpl_stack and c == "}":
                    tmpl_stack[-1] -= 1
                    if tmpl_stack[-1] == 0:
                        tmpl_stack.pop()
                        in_str = "`"
                        i += 1
                        continue
                depth = max(0, depth - 1)
            i += 1
        if had_code and line[:code_end].strip():
            out.code_lines.add(ln)
            last_content = ln
        if depth > start_depth:
            open_lines.append((ln, start_depth))
        while open_lines and depth <= open_lines[-1][1] and open_lines[-1][0] != ln:
            start, _ = open_lines.pop()
            out.blocks[start] = max(out.blocks.get(start, ln), ln)
        if comment:
            out.comments.append(comment)
    for start, _ in open_lines:
        out.blocks.setdefault(start, last_content)
    return out


def comment_style(src: Any) -> Optional[str]:
    """``"hcl"``, ``"yaml"``, ``"python"``, ``"js"`` or None (a file without comments): YAML
    files have ``#`` comments, JSON none, and a format with a syntax of its own says which
    (Terraform: HCL; CDK code: its language's)."""
    syntax = getattr(src, "syntax", None)
    if syntax == "yaml":
        return "yaml"
    if syntax == "own" and src.format is not None:
        return src.format.comments
    return None


# ---------------------------------------------------------------------------
# Collecting the directives of a file


def _parsed_scan(text: str, comments: list, blocks: dict[int, int], bare_keys: set[int]) -> Scan:
    """The :class:`Scan` of a file from what its parser saw: its comments (marker included,
    with spans) and blocks; code lines are the lines with text outside the comments."""
    lines = text.split("\n")
    out = Scan(blocks=blocks, bare_keys=bare_keys)
    masked: dict[int, str] = {}  # line -> its text with the comments blanked
    for c in comments:
        sp = c.span
        body = str(c)
        first = body.split("\n", 1)[0]
        if body.startswith("/*"):  # a block comment: its lines are one directive
            inner = body[2:-2] if body.endswith("*/") else body[2:]
            words = " ".join(part.strip().lstrip("*").strip() for part in inner.split("\n"))
        else:
            words = body[1:] if body.startswith("#") else body[2:]
        line = lines[sp[0] - 1] if sp[0] <= len(lines) else ""
        out.comments.append(Comment(sp[0], sp[1], sp[1] + len(first) if sp[2] > sp[0] else sp[3], words,
                                    own_line=not line[:sp[1] - 1].strip()))
        for ln in range(sp[0], min(sp[2], len(lines)) + 1):
            cur = masked.get(ln, lines[ln - 1])
            a = sp[1] - 1 if ln == sp[0] else 0
            b = sp[3] - 1 if ln == sp[2] else len(cur)
            masked[ln] = cur[:a] + " " * max(0, b - a) + cur[b:]
    for ln, line in enumerate(lines, 1):
        if (masked.get(ln, line)).strip():
            out.code_lines.add(ln)
    return out


def _comment_directives(src: Any, style: str) -> list[Directive]:
    text = src.text or ""
    lay = src.layout() if callable(getattr(src, "layout", None)) else None
    if lay is not None:  # what the parser saw
        scan = _parsed_scan(text, *lay)
    elif style in _CODE_STYLES:  # program code: a scanner that knows its strings and comments
        scan = scan_code(text, style)
    else:  # no parse to read (a file that does not parse): scan the text
        scan = scan_hcl(text) if style == "hcl" else scan_yaml(text)
    if not scan.comments:
        return []
    code_lines = sorted(scan.code_lines)
    first_code = code_lines[0] if code_lines else 1 << 30
    last_line = text.count("\n") + 1
    block_end: dict[int, int] = {}  # start line -> last line of the longest known block starting there
    for b_start, b_end in _known_blocks(src):
        if b_end > block_end.get(b_start, 0):
            block_end[b_start] = b_end
    out: list[Directive] = []
    for c in scan.comments:
        parsed = parse_directive(c.text)
        if parsed is None:
            continue
        kind, codes, reason, problem = parsed
        span = Span(c.line, c.col, c.line, c.end_col)
        norm = f"{kind}[{','.join(codes)}]"
        d = Directive(codes, reason, span, "line", norm)
        if problem == "after-codes":
            d.hint = "the reason must follow `--` after the codes"
            problem = ""
        d.problem = problem
        out.append(d)
        if problem:
            continue
        if kind == "ignore-file":
            if c.line <= FILE_DIRECTIVE_LINES or c.line < first_code:
                d.scope = "file"
                d.lines = (1, last_line)
            else:
                d.problem = (f"`ignore-file` must be in the first {FILE_DIRECTIVE_LINES} lines of the file "
                             f"(or in its leading comments); this one has no effect")
            continue
        if c.own_line:
            target = next((ln for ln in _after(code_lines, c.line)), None)
            if target is None:
                d.problem = "suppression comment is not followed by any code; it has no effect"
                continue
        else:
            target = c.line
        end = target
        end = max(end, scan.blocks.get(target, target), block_end.get(target, target))
        if target in scan.bare_keys:
            nxt = _next_code(code_lines, target)
            if nxt is not None:
                end = max(end, block_end.get(nxt, end))
        d.lines = (target, end)
        d.scope = "block" if end > target else "line"
    return out


def _after(sorted_lines: list[int], line: int) -> Iterable[int]:
    from bisect import bisect_right

    i = bisect_right(sorted_lines, line)
    return sorted_lines[i:i + 1]


def _next_code(sorted_lines: list[int], line: int) -> Optional[int]:
    nxt = list(_after(sorted_lines, line))
    return nxt[0] if nxt else None


def _known_blocks(src: Any) -> list[tuple[int, int]]:
    """Blocks the formats know: src.blocks (resources, Terraform blocks...) and the statements
    written in this file (not those of a policy it reads from another file, Terraform's
    ``file()``: their lines are that file's)."""
    out = [(b.line, b.end_line) for b in getattr(src, "blocks", ()) or ()]
    own = getattr(src, "path", None)
    for doc in getattr(src, "documents", ()) or ():
        origin = getattr(doc, "origin", None)
        if getattr(origin, "file", own) != own:
            continue
        for st in getattr(doc, "statements", ()) or ():
            sp = getattr(st, "span", None)
            if sp is not None:
                out.append((sp.line, sp.end_line))
    return out


def span_or(node: Any, default: Span) -> Span:
    """A located node's span, else ``default``."""
    return getattr(node, "span", None) or default


def collect(src: Any) -> list[Directive]:
    """Every suppression written in ``src`` (none when the file never mentions lint-policies)."""
    text = src.text or ""
    if "lint-policies" not in text.lower():
        return []
    out: list[Directive] = []
    style = comment_style(src)
    if style:
        out += _comment_directives(src, style)
    fmt = getattr(src, "format", None)
    own = getattr(fmt.load(), "directives", None) if fmt is not None else None
    if own is not None:  # CloudFormation Metadata, Terraform JSON "//": where the format keeps them
        out += own(src)
    if len(out) > MAX_DIRECTIVES:
        extra = out[MAX_DIRECTIVES]
        extra.problem = (f"more than {MAX_DIRECTIVES} suppressions in one file: this one and the "
                         f"{len(out) - MAX_DIRECTIVES - 1:,} after it are ignored")
        out = out[:MAX_DIRECTIVES + 1]
    return out


# ---------------------------------------------------------------------------
# Configuration-level: per-file-ignores and allow lists


def _path_matches(path: str, pattern: str) -> bool:
    from fnmatch import fnmatch

    pat = pattern.replace("\\", "/")
    if pat.startswith("./"):
        pat = pat[2:]
    cands = [pat]
    while cands[-1].startswith("**/"):
        cands.append(cands[-1][3:])
    for p in cands:
        if fnmatch(path, p) or fnmatch(path, p.rstrip("/") + "/*"):
            return True
        if "/" not in p and fnmatch(path.rsplit("/", 1)[-1], p):
            return True
    return False


def per_file_ignored(path: str, opts: Any) -> list[str]:
    """Codes (prefixes) that ``per-file-ignores`` switches off for ``path``."""
    pfi = getattr(opts, "per_file_ignores", None) or {}
    if not pfi:
        return []
    paths = [path]
    cfg_dir = getattr(opts, "config_dir", None)
    if cfg_dir:
        try:
            rel = os.path.relpath(os.path.abspath(path), cfg_dir).replace(os.sep, "/")
            if not rel.startswith("../"):
                paths.append(rel)
        except ValueError:  # pragma: no cover - another drive on Windows
            pass
    out: list[str] = []
    for pattern, codes in pfi.items():
        if any(_path_matches(p, pattern) for p in paths):
            out += [str(c).upper() for c in codes]
    return out


def _allowed(f: Finding, opts: Any) -> bool:
    """A finding whose fingerprint (or hashed value) is in its rule's ``allow`` list."""
    ro = (getattr(opts, "rule_options", None) or {}).get(f.code)
    if not ro:
        return False
    allow = ro.get("allow")
    if not allow:
        return False
    allow = {str(a).strip() for a in allow}
    return f.fingerprint in allow or (bool(f.value) and f.value in allow)


# ---------------------------------------------------------------------------
# Applying


def _lp(code: str, message: str, d: Directive, src: Any) -> Finding:
    return lp_finding(code, message, d.span, file=src.path,
                      path=("lint-policies", d.form) + tuple(d.logical_path), value=d.text)


class _Index:
    """The directives that may cover a finding, without trying every one of them: those
    covering the file, those whose lines start at or before the finding's line (binary
    search), and those whose logical path is a prefix of the finding's (a dict)."""

    def __init__(self, directives: list[Directive]) -> None:
        from bisect import bisect_right

        self._bisect = bisect_right
        self.always: list[Directive] = []
        by_start: list[tuple[int, int, Directive]] = []
        self.by_prefix: dict[tuple, list[Directive]] = {}
        for i, d in enumerate(directives):
            if d.problem:
                continue
            if d.scope == "file":
                self.always.append(d)
                continue
            start = d.lines[0] if d.lines is not None else d.region.line if d.region is not None else None
            if start is not None:
                by_start.append((start, i, d))
            if d.path_prefix:
                self.by_prefix.setdefault(tuple(d.path_prefix), []).append(d)
            elif start is None:
                self.always.append(d)
        by_start.sort(key=lambda t: (t[0], t[1]))
        self.starts = [t[0] for t in by_start]
        self.ranged = [t[2] for t in by_start]

    def candidates(self, f: Finding) -> list[Directive]:
        out = self.always + self.ranged[:self._bisect(self.starts, f.span.line)]
        if self.by_prefix and f.logical_path:
            path = tuple(str(p) for p in f.logical_path)
            for k in range(1, len(path) + 1):
                out += self.by_prefix.get(path[:k], ())
        return out


def _match(findings: list[Finding], directives: list[Directive]) -> tuple[list[Finding], list[Finding]]:
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    index = _Index(directives)
    for f in findings:
        hits = []
        seen: set[int] = set()
        for d in index.candidates(f):
            if id(d) in seen:
                continue
            seen.add(id(d))
            codes = d.matching_codes(f.code)
            if codes and d.covers(f):
                hits.append(d)
                d.used.update(codes)
        if hits:
            best = min(hits, key=lambda d: (_RANK.get(d.scope, 9), d.size()))
            f.suppressed_by = best.reason or "(no reason given)"
            suppressed.append(f)
        else:
            kept.append(f)
    return kept, suppressed


def apply_in(src: Any, findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """Split findings another file reports in ``src`` (a Terraform module a call of that file gives
    values) into (reported, suppressed) by ``src``'s own suppressions. Unused suppressions are
    reported when ``src`` itself is linted, not here."""
    directives = collect(src)
    if not directives:
        return findings, []
    kept, suppressed = _match(findings, directives)
    if suppressed:
        # the run drops an LP100 that the file's own check gives a suppression used from here
        suppressed[0].extra["_uses"] = [(src.path, d.span, c) for d in directives for c in d.used]
    return kept, suppressed


def apply(src: Any, findings: list[Finding], rules: Any, opts: Any) -> tuple[list[Finding], list[Finding]]:
    """Split ``findings`` of one file into (reported, suppressed), adding LP100/LP101."""
    selected = set(getattr(rules, "codes", ()) or ())
    off = per_file_ignored(src.path, opts)

    def dropped(code: str) -> bool:
        return any(code.startswith(p) for p in off)

    findings = [f for f in findings if not dropped(f.code) and not _allowed(f, opts)]
    directives = collect(src)
    if not directives:
        return findings, []

    engine_made = ("LP100", "LP101")
    regular = [f for f in findings if f.code not in engine_made]
    kept, suppressed = _match(regular, directives)
    kept += [f for f in findings if f.code in engine_made]

    def active(code: str) -> bool:
        return code in selected and not dropped(code)

    # LP101: a suppression without a reason (it still applies).
    lp101: list[Finding] = []
    if getattr(opts, "require_reason", True) and active("LP101"):
        for d in directives:
            if d.problem or d.reason:
                continue
            how = d.hint or "add it after `--`, e.g. `# lint-policies: ignore[%s] -- why this is acceptable`" % ",".join(d.codes)
            lp101.append(_lp("LP101", f"suppression of {', '.join(d.codes)} gives no reason; {how}", d, src))
    k, s = _match(lp101, directives)
    kept += k
    suppressed += s

    # LP100: a suppression that matched nothing (only for codes that ran on this file).
    if active("LP100"):
        from . import registry

        known: Optional[list[str]] = None
        lp100: list[Finding] = []
        for d in directives:
            if d.problem:
                lp100.append(_lp("LP100", d.problem, d, src))
                continue
            unused, unknown = [], []
            for c in d.codes:
                # a code that keeps LP100 itself quiet is never reported unused
                if c in d.used or c.startswith("LP100") or "LP100".startswith(c):
                    continue
                ran = [x for x in selected if x.startswith(c) and not dropped(x)]
                if ran:
                    unused.append(c)
                    continue
                if known is None:
                    known = registry.all_codes()
                if not any(x.startswith(c) for x in known):
                    unknown.append(c)
            parts = []
            if unknown:
                parts.append(f"unknown rule code{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
            if unused:
                where = {"file": "in this file", "resource": "in this resource",
                         "object": "in this block"}.get(d.scope, "on the line(s) it covers")
                parts.append(f"no {', '.join(unused)} finding {where}")
            if parts:
                lp100.append(_lp("LP100", f"unused suppression: {'; '.join(parts)}; remove it", d, src))
                if unused and not unknown:
                    lp100[-1].extra["_unused"] = tuple(unused)  # see apply_in
        k, s = _match(lp100, directives)
        kept += k
        suppressed += s
    return kept, suppressed
