"""Jupyter notebooks (``.ipynb``): the code cells of a Python notebook, read as one Python module.

SageMaker work happens in notebooks, and notebooks create IAM: a boto3
``iam.put_role_policy(PolicyDocument=json.dumps({...}))``, a trust policy handed to
``create_role``, sometimes a whole CDK app. The code cells are joined in order (a policy
written in one cell is often attached in a later one) and read by
:mod:`linter.sources.python_code`; every position is mapped back to the notebook file, to the
line and column of the character inside the cell's JSON string (escapes counted), so findings,
SARIF regions and suppression comments point at the notebook itself.

What is not Python is left out, line by line, before the cells are parsed: IPython magics and
shell escapes (``%pip``, ``!aws ...``, ``x = !ls``) and help syntax (``obj?``) become ``pass``; a
cell magic's cell is not Python, and a cell that still does not parse is left out (the rest of
the notebook is read). The shell parts (``%%bash`` and ``%%sh`` cells, ``!`` lines, and
``%%writefile NAME`` cells as a here-document writing NAME) are joined into one script for
:mod:`linter.sources.shell`, at their notebook positions. A notebook of another language (its ``kernelspec`` says R or
Scala), an autosaved copy under ``.ipynb_checkpoints`` and a notebook without one of the
markers (``"Statement"``, an ``aws_cdk`` import, an AWS managed policy ARN) are only scanned
for credentials (KEY401-KEY403), as the whole file's text (outputs included) always is.
"""
from __future__ import annotations

import re

from ..located import ParseError, Span
from .python_code import _Converter, _layout, parse_python

#: Text a notebook must hold to be read as code: the Python format's markers as they appear in
#: a JSON string (a double quote inside a cell's source is written ``\\"``).
MARKERS = ("aws_cdk", 'Statement\\"', "'Statement'", ":iam::aws:policy/", "policy-document")

_MAGIC = re.compile(r"\A[ \t]*(?:[%!]|[A-Za-z_][A-Za-z0-9_.]*[ \t]*=[ \t]*[%!](?!=))")


def parse(src):
    """The notebook's code as read: ``(Python code or None, shell script parse or None)``, or None
    when the notebook is read for credentials only (its text is then kept only when it may hold one)."""
    text = src.text
    cells = None
    if any(m in text for m in MARKERS) and "/.ipynb_checkpoints/" not in "/" + src.abspath.replace("\\", "/"):
        cells = _cells(text)
    if not cells:
        from ..secrets import may_hold

        if not may_hold(text):
            src.text = None
        return None
    lines, where, sh_lines, sh_where = _module(cells, text)
    code = None
    if lines:
        source = "\n".join(lines) + "\n"
        try:
            tree = parse_python(source, src.path)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            tree = None  # every cell parsed alone; together they should too (a stray indent)
        if tree is not None:
            code = _MappedConverter(source, where).module(tree)
            src.layout = lambda: where.layout(_layout(source, tree))
    script = None
    if sh_lines:
        from . import shell

        script_text = "\n".join(sh_lines)
        if any(m in script_text for m in shell.MARKERS):
            script = shell.parse_text(script_text, sh_where.pos)
    if code is None and script is None:
        return None
    return code, script


def extract(src, parsed) -> None:
    from ._cdk_file import extract_file

    code, script = parsed if parsed is not None else (None, None)
    extract_file(src, code, "python")
    if script is not None:
        from . import shell

        kind = src.kind
        shell.extract(src, script)
        src.kind = kind if code is not None else "shell"


# -- reading the cells ----------------------------------------------------------------------

def _cells(text: str) -> list:
    """The source of each Python code cell: a list of located strings (the JSON string literals
    that make it up), or [] when the file is not a notebook of Python code."""
    from ..parsers.json_loc import parse_json

    try:
        nb = parse_json(text)
    except ParseError:
        return []
    if not isinstance(nb, dict):
        return []
    meta = nb.get("metadata")
    if isinstance(meta, dict):
        lang = None
        for k, field in (("kernelspec", "language"), ("language_info", "name")):
            v = meta.get(k)
            if isinstance(v, dict) and isinstance(v.get(field), str):
                lang = v[field].lower()
                break
        if lang is not None and lang not in ("python", "python3", "python2", "ipython"):
            return []
    cells = nb.get("cells")
    key = "source"
    if cells is None:  # format 3: cells in worksheets, the code in "input"
        sheets = nb.get("worksheets")
        cells = [c for w in sheets if isinstance(w, dict) for c in (w.get("cells") or ())] \
            if isinstance(sheets, list) else []
        key = "input"
    out = []
    for c in cells if isinstance(cells, list) else ():
        if not isinstance(c, dict) or c.get("cell_type") != "code":
            continue
        s = c.get(key)
        parts = [s] if isinstance(s, str) else s if isinstance(s, list) else []
        parts = [p for p in parts if isinstance(p, str) and hasattr(p, "span")]
        if parts:
            out.append(parts)
    return out


def _module(cells: list, text: str):
    """The lines of the Python module the cells make, with the :class:`_Where` of each line; and the
    lines of the shell script their shell parts make (``%%bash`` and ``%%sh`` cells, ``!`` lines,
    ``%%writefile NAME`` cells as a here-document writing NAME), with theirs."""
    lines: list = []
    where = _Where(text)
    sh_lines: list = []
    sh_where = _Where(text)
    for parts in cells:
        cell = _cell_lines(parts)
        body = [t for t, _, _ in cell]
        first_i = next((i for i, t in enumerate(body) if t.strip()), None)
        if first_i is None:
            continue
        first = body[first_i].strip()
        if first.startswith("%%") and first[2:].split()[:1] and first[2:].split()[0] in _PYTHON_CELL_MAGICS:
            body[first_i] = ""  # %%time, %%capture...: the cell is Python all the same
            first = ""
        if first.startswith("%%"):
            magic = first[2:].split()
            name = magic[0] if magic else ""
            if name in ("bash", "sh") or (name == "script" and magic[1:2] in (["bash"], ["sh"])):
                for t, lit, off in cell[first_i + 1:]:
                    sh_lines.append(t)
                    sh_where.add(lit, off)
            elif name == "writefile" and len(magic) >= 2:
                target = magic[-1]
                lit, off = cell[first_i][1], cell[first_i][2]
                sh_lines.append(f"cat > {target} <<'{_EOF}'")
                sh_where.add(lit, off)
                for t, lit, off in cell[first_i + 1:]:
                    sh_lines.append(t)
                    sh_where.add(lit, off)
                sh_lines.append(_EOF)
                sh_where.add(cell[-1][1], cell[-1][2])
            continue  # a cell magic: the cell is another language (bash, a file it writes)
        shell_cont = False
        for i, t in enumerate(body):
            stripped = t.lstrip()
            if shell_cont:  # a '!' command continued by a backslash: IPython joins the lines
                sh_lines.append(t)
                sh_where.add(cell[i][1], cell[i][2])
                shell_cont = t.rstrip().endswith("\\")
                body[i] = ""
                continue
            if _MAGIC.match(t) is not None or _HELP.match(t) is not None:
                indent = t[:len(t) - len(stripped)]
                if stripped.startswith("!"):  # a shell command: read by the shell reader
                    sh_lines.append(stripped[1:])
                    sh_where.add(cell[i][1], cell[i][2] + len(indent) + 1)
                    shell_cont = t.rstrip().endswith("\\")
                body[i] = indent + "pass"
        try:
            parse_python("\n".join(body))
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            continue
        for t, (_, lit, off) in zip(body, cell):
            lines.append(t)
            where.add(lit, off)
    return lines, where, sh_lines, sh_where


#: Cell magics whose cell is Python (timed, captured, profiled, debugged).
_PYTHON_CELL_MAGICS = frozenset(("time", "timeit", "capture", "prun", "debug", "memit", "px"))
#: The end word of the here-documents ``%%writefile`` cells become.
_EOF = "LINT_POLICIES_WRITEFILE_END"
#: IPython's help syntax (``sagemaker.Session?``, ``obj??``): not Python.
_HELP = re.compile(r"\A[ \t]*[A-Za-z_][A-Za-z0-9_.]*\?{1,2}[ \t]*\Z")


def _cell_lines(parts: list) -> list:
    """A cell's lines, each with the JSON string literal that holds it and the offset in that
    literal where the line starts."""
    cell: list = []
    open_line = False  # the previous literal did not end its line: the next one goes on
    for p in parts:
        start = 0
        s = str(p)
        while True:
            nl = s.find("\n", start)
            piece = s[start:nl if nl >= 0 else len(s)]
            if cell and open_line:
                prev = cell[-1]
                cell[-1] = (prev[0] + piece, prev[1], prev[2])
            else:
                cell.append((piece, p, start))
            open_line = nl < 0
            if nl < 0:
                break
            start = nl + 1
            if start == len(s):
                open_line = False
                break
    return cell


class _Where:
    """Where each line of the joined module is in the notebook: the JSON string literal that
    holds it and the offset in the decoded string where the line starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.file_lines = None
        self.lits: list = []
        self.offs: list = []
        self.raws: dict = {}

    def add(self, lit, off: int) -> None:
        self.lits.append(lit)
        self.offs.append(off)

    def pos(self, line: int, col: int) -> tuple:
        """The notebook's (line, column) of the module's ``line``, ``col`` (1-based)."""
        n = len(self.lits)
        i = min(max(line, 1), n) - 1
        lit = self.lits[i]
        sp = lit.span
        d = self.offs[i] + max(col, 1) - 1
        r = self._raw_index(lit, d)
        return sp[0], sp[1] + 1 + r

    def _raw_index(self, lit, d: int) -> int:
        """Characters of the literal as written before its ``d``-th decoded character."""
        sp = lit.span
        if len(lit) + 2 == sp[3] - sp[1]:
            return min(d, len(lit))  # no escape in it
        idx = self.raws.get(id(lit))
        if idx is None:
            if self.file_lines is None:
                self.file_lines = self.text.split("\n")
            idx = self.raws[id(lit)] = _decoded_to_raw(self.file_lines[sp[0] - 1][sp[1]:sp[3] - 2])
        return idx[min(d, len(idx) - 1)]

    def span(self, sp: Span) -> Span:
        a = self.pos(sp[0], sp[1])
        b = self.pos(sp[2], sp[3]) if (sp[2], sp[3]) != (sp[0], sp[1]) else a
        if b[0] != a[0] or b[1] < a[1]:
            b = (a[0], a[1] + 1) if b[0] < a[0] or (b[0] == a[0] and b[1] < a[1]) else b
        return Span(a[0], a[1], b[0], b[1])

    def layout(self, lay):
        """The Python layout (comments, multi-line constructs) in notebook lines. A comment alone
        on its line starts, for the suppressions, where the line's string literal starts, so
        that it reads as a comment on a line of its own and applies to the next line of code."""
        if lay is None:
            return None
        from ..located import LStr

        comments, blocks, bare = lay
        out = []
        for c in comments:
            sp = c.span
            a = self.pos(sp[0], sp[1])
            if not self._line_text(sp[0])[:sp[1] - 1].strip():
                lit = self.lits[min(max(sp[0], 1), len(self.lits)) - 1]
                a = (lit.span[0], lit.span[1])
            b = self.pos(sp[2], sp[3])
            out.append(LStr(str(c), Span(a[0], a[1], b[0], max(b[1], a[1] + 1))))
        mapped = {}
        for start, end in blocks.items():
            s, e = self.pos(start, 1)[0], self.pos(end, 1)[0]
            if e > s and mapped.get(s, 0) < e:
                mapped[s] = e
        return out, mapped, set()

    def _line_text(self, line: int) -> str:
        i = min(max(line, 1), len(self.lits)) - 1
        s = str(self.lits[i])
        off = self.offs[i]
        nl = s.find("\n", off)
        return s[off:nl if nl >= 0 else len(s)]


def _decoded_to_raw(raw: str) -> list:
    """For each character of a JSON string literal's value (and one past its end), how many
    characters of the literal as written (``raw``, between its quotes) come before it."""
    out = []
    i, n = 0, len(raw)
    while i < n:
        out.append(i)
        if raw[i] != "\\":
            i += 1
        elif raw[i + 1:i + 2] != "u":
            i += 2
        elif 0xD800 <= int(raw[i + 2:i + 6] or "0", 16) < 0xDC00 and raw[i + 6:i + 8] == "\\u":
            i += 12  # a surrogate pair: one character
        else:
            i += 6
    out.append(i)
    return out


class _MappedConverter(_Converter):
    """python_code's converter, with every span mapped to the notebook."""

    def __init__(self, code: str, where: _Where) -> None:
        super().__init__(code)
        self.where = where

    def span(self, node) -> Span:
        return self.where.span(_Converter.span(self, node))

    def map_span(self, sp: Span) -> Span:
        return self.where.span(sp)
