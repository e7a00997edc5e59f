"""Python code: AWS CDK apps and policy dictionaries in scripts (boto3), read with the
standard library's :mod:`ast` (the code is parsed, never imported or run).

A ``.py`` file is read only when its text holds one of the ``markers`` of its row in the
format table (an ``aws_cdk`` import, a ``"Statement"`` key, an AWS managed policy ARN); any other Python file costs a
read and a substring search, and is only scanned for credentials (KEY401-KEY403) when it may
hold one (a key ID's prefix, the name of a secret key). What is understood is described in :mod:`linter.sources.cdk`, which this module
feeds with the language-neutral tree of the file.
"""
from __future__ import annotations

import re
import sys

from ..located import ParseError, Span

#: Deepest nesting of expressions converted (deeper parts are unknown values).
MAX_DEPTH = 120


def picks(src) -> bool:
    """Whether the file holds one of its format's markers (``markers`` in the format table:
    an ``aws_cdk`` import, a ``"Statement"`` key, an AWS managed policy ARN)."""
    fmt = src.format
    if fmt is None:
        from . import BY_NAME

        fmt = BY_NAME["python"]
    return any(m in src.text for m in fmt.markers)


def parse(src):
    """The :class:`~linter.sources.cdk.Code` of a Python file, or None when the file is
    ordinary code (it is then not the linter's business: its text is dropped)."""
    text = src.text
    if not picks(src):
        from ..secrets import may_hold

        if not may_hold(text):
            src.text = None  # ordinary code: nothing is reported on it
        return None  # else its text is scanned for credentials only (a boto3 script's hard-coded key)
    try:
        tree = parse_python(text, src.path)
    except SyntaxError as e:
        line = e.lineno or 1
        col = max(1, e.offset or 1)
        msg = (e.msg or "invalid syntax").split(" (", 1)[0]
        raise ParseError(f"Python syntax error: {msg}", Span(line, col, line, col + 1))
    except (ValueError, MemoryError) as e:
        raise ParseError(f"Python file cannot be parsed: {type(e).__name__}", Span(1, 1, 1, 1))
    src.layout = lambda: _layout(text, tree)
    return _Converter(text).module(tree)


def parse_python(text: str, filename: str = "<unknown>"):
    """``ast.parse(text)``; on an interpreter older than 3.12, a file that is valid only with
    Python 3.12's f-strings (``f"{cfg["region"]}"``) is parsed with its inner quotes swapped (see
    :mod:`linter.sources._pep701`: every position stays the file's). Raises the original
    SyntaxError when that does not help."""
    import ast

    try:
        return ast.parse(text, filename=filename)
    except SyntaxError as e:
        if sys.version_info >= (3, 12) or "f-string" not in (e.msg or ""):
            raise
        from ._pep701 import compatible, opaque

        fixed = compatible(text) or text
        for _ in range(50):  # each f-string the older parser still refuses becomes one it reads
            try:
                return ast.parse(fixed, filename=filename)
            except SyntaxError as again:
                if "f-string" not in (again.msg or ""):
                    raise e from None
                fixed = opaque(fixed, again.lineno or 0, again.offset or 0)
                if fixed is None:
                    raise e from None
        raise e


def _layout(text: str, tree):
    """What the parser saw, for suppression comments (made only for a file that mentions
    lint-policies): the comments (``tokenize``) and the constructs that run over several lines."""
    import ast
    import io
    import tokenize

    from ..located import LStr

    comments = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                (line, col), (end_line, end_col) = tok.start, tok.end
                comments.append(LStr(tok.string, Span(line, col + 1, end_line, end_col + 1)))
    except (tokenize.TokenError, SyntaxError, ValueError):
        return None  # the line scanner reads it
    blocks: dict = {}
    for node in ast.walk(tree):
        line, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if line and end and end > line and blocks.get(line, 0) < end:
            blocks[line] = end
    return comments, blocks, set()


def extract(src, code) -> None:
    from ._cdk_file import extract_file

    extract_file(src, code, "python")


class _Converter:
    def __init__(self, text: str) -> None:
        from .cdk import Code, N, subclassed

        self.N = N
        self.subclassed = subclassed
        self.bases: dict = {}  # class name -> the construct class it extends (SUBCLASSED)
        self.code = Code("python")
        self.text = text
        self.lines = None if text.isascii() else text.split("\n")
        self.all_lines = None  # the source's lines, split when a string holds a policy
        self.dict_names: dict = {}
        self.return_to: dict = {}  # id of a return statement -> the list of its function's returned nodes

    # -- positions ---------------------------------------------------------
    def col(self, line: int, byte_col: int) -> int:
        if self.lines is None or line - 1 >= len(self.lines):
            return byte_col + 1
        s = self.lines[line - 1]
        if s.isascii():
            return byte_col + 1
        return len(s.encode("utf-8")[:byte_col].decode("utf-8", "replace")) + 1

    def map_span(self, sp: Span) -> Span:
        """A span of the source as read (a notebook maps it into its JSON strings)."""
        return sp

    def span(self, node) -> Span:
        line = node.lineno
        end_line = node.end_lineno or line
        end_col = node.end_col_offset
        if self.lines is None:  # ASCII text: byte offsets are columns
            return Span(line, node.col_offset + 1, end_line, end_col + 1 if end_col is not None else node.col_offset + 2)
        col = self.col(line, node.col_offset)
        return Span(line, col, end_line, self.col(end_line, end_col) if end_col is not None else col + 1)

    # -- statements --------------------------------------------------------
    def module(self, tree):
        import ast

        self.ast = ast
        work = [(s, "") for s in reversed(tree.body)]
        while work:  # statements are visited without recursion: nesting depth costs nothing
            s, stack = work.pop()
            more = self.stmt(s, stack)
            if more:
                work.extend(reversed(more))
        return self.code

    def statements_added(self, target, how: str, arg) -> None:
        """``policy["Statement"].append({...})`` (or ``extend([...])``): statements the code adds to the
        policy mapping bound to a name (or a class attribute) before it is used."""
        ast = self.ast
        k = getattr(target, "slice", None)
        if not (isinstance(target, ast.Subscript) and isinstance(k, ast.Constant) and k.value == "Statement"):
            return
        root = target.value
        name = root.id if isinstance(root, ast.Name) else root.attr if isinstance(root, ast.Attribute) else None
        if name is not None and arg is not None:
            self.code.added.setdefault(name, []).append((how, arg))

    def json_string(self, e, v: str, stack: str):
        """A policy written as JSON in a string (``AssumeRolePolicyDocument='{...}'``,
        ``json.loads('{...}')``): the mapping it holds, each part at its place in the string when the
        string is written as it reads (no escapes), else at the string's start; None when it is
        not a JSON object with a ``Statement``."""
        from ..located import LDict, LList, LScalar, LStr, ParseError
        from ..parsers.json_loc import parse_json

        if self.all_lines is None:
            self.all_lines = self.text.split("\n")
        line, end_line = e.lineno, e.end_lineno or e.lineno
        src_line = self.all_lines[line - 1] if line - 1 < len(self.all_lines) else ""
        col0 = self.col(line, e.col_offset) - 1  # 0-based character where the literal starts
        m = _STRING_START.match(src_line, col0)
        exact = None
        if m is not None and end_line - 1 < len(self.all_lines) and e.end_col_offset is not None:
            q = len(m.group(0))
            close = len(m.group(1))
            end_col = self.col(end_line, e.end_col_offset) - 1
            if end_line == line:
                raw = src_line[col0 + q:end_col - close]
            else:
                raw = "\n".join([src_line[col0 + q:]] + self.all_lines[line:end_line - 1]
                                + [self.all_lines[end_line - 1][:end_col - close]])
            if raw == v:
                exact = (line, col0 + q + 1)
        if exact is not None:
            l0, c0 = exact

            def mapper(ln: int, c: int) -> tuple:
                return (l0, c0 + c - 1) if ln == 1 else (l0 + ln - 1, c)
        else:
            l0, c0 = line, col0 + 1

            def mapper(ln: int, c: int) -> tuple:
                return l0, c0
        try:
            tree = parse_json(v, mapper=mapper)
        except ParseError:
            return None
        if not isinstance(tree, LDict) or "Statement" not in tree:
            return None
        N = self.N
        ms = self.map_span

        def conv(x):
            if isinstance(x, LDict):
                return N("dict", ms(x.span), [(N("str", ms(x.key_spans.get(k, x.span)), k), conv(val))
                                                for k, val in x.items()])
            if isinstance(x, LList):
                return N("list", ms(x.span), [conv(i) for i in x])
            if isinstance(x, LStr):
                return N("str", ms(x.span), str(x))
            if isinstance(x, LScalar):
                val = x.value
                kind = "null" if val is None else "bool" if isinstance(val, bool) else "num"
                return N(kind, ms(x.span), val)
            return N("other", ms(getattr(x, "span", tree.span)), "json")

        n = conv(tree)
        entry = [n, stack, ""]
        self.dict_names[id(n)] = entry
        self.code.dicts.append(entry)
        return n

    def bind_target(self, t, value) -> None:
        ast = self.ast
        if isinstance(t, ast.Name):
            self.code.bind(t.id, value)
        elif isinstance(t, ast.Attribute):
            dotted = _dotted(t)
            if dotted and value is not None and value.kind == "call":
                self.code.targets[dotted] = value
                if dotted.startswith("self.") and self.stack:
                    self.code.members[(self.stack, dotted)] = value
            self.expr(t.value, "")
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                self.bind_target(e.value if isinstance(e, ast.Starred) else e, None)
        elif isinstance(t, ast.Subscript):
            if isinstance(t.value, ast.Name):
                self.code.changed.add(t.value.id)
            path: list = []
            node = t
            while isinstance(node, ast.Subscript):  # policy["Statement"][0]["Resource"] = arn
                k = node.slice
                key = k.value if isinstance(k, ast.Constant) and isinstance(k.value, (str, int)) \
                    and not isinstance(k.value, bool) else None
                path.insert(0, key)
                node = node.value
            # the mapping bound to a name, or to a class attribute (``Helper._policy[...]``, ``self._policy[...]``)
            root = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
            if root is not None:
                self.code.changed.add(root)
                self.code.filled.setdefault(root, []).append(None if None in path else tuple(path))
            self.expr(t.value, "")
            self.expr(t.slice, "")

    def stmt(self, s, stack: str) -> list:
        N = self.N
        ast = self.ast
        self.stack = stack
        if isinstance(s, ast.ClassDef):
            self.code.bind(s.name, None)
            for e in s.decorator_list + s.bases + [k.value for k in s.keywords]:
                n = self.expr(e, stack)
                if e in s.bases and self.subclassed(n):
                    self.bases[s.name] = n  # class StudioRole(iam.Role): super().__init__ makes the role
            return [(b, s.name) for b in s.body]
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.code.bind(s.name, None)
            returned = self.code.define(s.name, self.args(s.args, stack))
            for r in _own_returns(ast, s.body):
                self.return_to[id(r)] = returned
            for e in s.decorator_list:
                self.expr(e, stack)
            return [(b, stack) for b in s.body]
        if isinstance(s, ast.Assign):
            v = self.expr(s.value, stack)
            t0 = s.targets[0]
            self.code.root(v, N("name", self.span(t0), t0.id) if len(s.targets) == 1 and isinstance(t0, ast.Name)
                           else None)
            for t in s.targets:
                self.bind_target(t, v)
                if isinstance(t, ast.Name) and v is not None and id(v) in self.dict_names:
                    self.dict_names[id(v)][2] = t.id
            return []
        if isinstance(s, ast.AnnAssign):
            v = self.expr(s.value, stack) if s.value is not None else None
            if s.value is not None or not isinstance(s.target, ast.Name):
                self.bind_target(s.target, v)
            return []
        if isinstance(s, ast.AugAssign):
            if isinstance(s.target, ast.Name):
                self.code.changed.add(s.target.id)
            else:
                self.bind_target(s.target, None)
            self.expr(s.value, stack)
            return []
        if isinstance(s, (ast.For, ast.AsyncFor)):
            self.bind_target(s.target, None)
            it = self.expr(s.iter, stack)
            if isinstance(s.target, ast.Name):
                self.code.loop(s.target.id, self.span(s), it)
            return [(b, stack) for b in s.body + s.orelse]
        if isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                n = self.expr(item.context_expr, stack)
                if item.optional_vars is not None:
                    # with open("policy.json") as f: json.load(f) reads the file
                    opened = n is not None and n.kind == "call" and n.a.kind == "name" and n.a.a == "open"
                    self.bind_target(item.optional_vars, n if opened else None)
            return [(b, stack) for b in s.body]
        if isinstance(s, (ast.Import, ast.ImportFrom)):
            for a in s.names:
                self.code.bind((a.asname or a.name).split(".")[0], None)
            return []
        if isinstance(s, (ast.Global, ast.Nonlocal)):
            self.code.changed.update(s.names)
            return []
        if isinstance(s, ast.Expr):
            n = self.expr(s.value, stack)
            self.code.root(n)
            if n is not None and n.kind == "call" and n.a.kind == "attr":
                obj = n.a.a
                if obj.kind == "name":
                    if n.a.b in _CHANGING:
                        self.code.changed.add(obj.a)
                    else:
                        self.code.mutations.setdefault(obj.a, []).append(n)
                call = s.value
                if n.a.b in ("append", "extend") and isinstance(call.func, ast.Attribute) and call.args:
                    self.statements_added(call.func.value, n.a.b, n.b[0] if n.b else None)
                    if obj.kind == "name" and len(call.args) == 1 and not call.keywords:
                        self.code.grow(obj.a, n.a.b, n.b[0] if n.b else None)
            return []
        if isinstance(s, ast.Return):
            n = self.expr(s.value, stack) if s.value is not None else None
            returned = self.return_to.get(id(s))
            if returned is not None:
                returned.append(n)
            return []
        if isinstance(s, ast.Delete):
            for t in s.targets:
                self.bind_target(t, None)
            return []
        if isinstance(s, ast.ExceptHandler):
            if s.name:
                self.code.bind(s.name, None)
            if s.type is not None:
                self.expr(s.type, stack)
            return [(b, stack) for b in s.body]
        more = []
        for child in ast.iter_child_nodes(s):
            if isinstance(child, (ast.stmt, ast.excepthandler)):
                more.append((child, stack))
            elif isinstance(child, ast.expr):
                self.expr(child, stack)
            elif isinstance(child, ast.match_case):
                self.pattern_names(child.pattern)
                if child.guard is not None:
                    self.expr(child.guard, stack)
                more.extend((b, stack) for b in child.body)
        return more

    def pattern_names(self, p) -> None:
        for node in self.ast.walk(p):
            name = getattr(node, "name", None) or getattr(node, "rest", None)
            if isinstance(name, str):
                self.code.bind(name, None)

    def args(self, a, stack: str) -> tuple:
        """Bind a function's parameters (not known in its body as a whole) and read their defaults:
        its :class:`~linter.sources.cdk.Param` s."""
        from .cdk import Param

        for arg in a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]:
            self.code.bind(arg.arg, None)
        positional = a.posonlyargs + a.args
        defaults = [None] * (len(positional) - len(a.defaults)) + [self.expr(d, stack) for d in a.defaults]
        out = [Param(arg.arg, d, "pos") for arg, d in zip(positional, defaults)]
        out += [Param(arg.arg, self.expr(d, stack) if d is not None else None, "kw")
                for arg, d in zip(a.kwonlyargs, a.kw_defaults)]
        out += [Param(x.arg, None, "star") for x in (a.vararg, a.kwarg) if x]
        return tuple(out)

    # -- expressions -------------------------------------------------------
    def expr(self, e, stack: str, depth: int = 0):
        N = self.N
        if e is None:
            return None
        ast = self.ast
        span = self.span(e)
        if depth > MAX_DEPTH:
            return N("other", span, "expression")
        d = depth + 1
        t = type(e)
        if t is ast.Name:
            if type(e.ctx) is ast.Store:
                self.code.bind(e.id, None)
            return N("name", span, e.id)
        if t is ast.Attribute:
            return N("attr", span, self.expr(e.value, stack, d), e.attr)
        if isinstance(e, ast.Constant):
            v = e.value
            if isinstance(v, str):
                if "Statement" in v and v.lstrip()[:1] == "{":
                    n = self.json_string(e, v, stack)
                    if n is not None:
                        return n
                return N("str", span, v)
            if isinstance(v, bool):
                return N("bool", span, v)
            if v is None:
                return N("null", span, None)
            if isinstance(v, (int, float)):
                return N("num", span, v)
            return N("other", span, "constant")
        if isinstance(e, ast.Name):
            if isinstance(e.ctx, ast.Store):
                self.code.bind(e.id, None)
            return N("name", span, e.id)
        if isinstance(e, ast.Attribute):
            return N("attr", span, self.expr(e.value, stack, d), e.attr)
        if isinstance(e, ast.Call):
            f = e.func
            base = self.bases.get(stack) if (isinstance(f, ast.Attribute) and f.attr == "__init__"
                                             and isinstance(f.value, ast.Call) and isinstance(f.value.func, ast.Name)
                                             and f.value.func.id == "super") else None
            callee = base if base is not None else self.expr(e.func, stack, d)
            args = [self.expr(a, stack, d) for a in e.args]
            kws = []
            for k in e.keywords:
                ks = self.span(k)
                if k.arg is not None:
                    ks = Span(ks.line, ks.col, ks.line, ks.col + len(k.arg))
                kws.append((k.arg, ks, self.expr(k.value, stack, d)))
            n = N("call", span, callee, args, kws)
            self.code.calls.append((n, stack))
            if base is not None:
                self.code.targets["self"] = n  # self.add_to_policy(...) in the subclass: this construct
            return n
        if isinstance(e, (ast.List, ast.Tuple, ast.Set)):
            return N("list", span, [self.expr(x, stack, d) for x in e.elts])
        if isinstance(e, ast.Starred):
            return N("spread", span, self.expr(e.value, stack, d))
        if isinstance(e, ast.Dict):
            items = [(self.expr(k, stack, d) if k is not None else None, self.expr(v, stack, d))
                     for k, v in zip(e.keys, e.values)]
            n = N("dict", span, items)
            if any(k is not None and k.kind == "str" and k.a == "Statement" for k, _ in items):
                entry = [n, stack, ""]
                self.dict_names[id(n)] = entry
                self.code.dicts.append(entry)
            return n
        if isinstance(e, ast.JoinedStr):
            parts: list = []
            for v in e.values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str):
                    parts.append(v.value)
                elif isinstance(v, ast.FormattedValue):
                    inner = self.expr(v.value, stack, d)
                    if v.format_spec is not None or v.conversion not in (-1, None):
                        self.expr(v.format_spec, stack, d)
                        inner = N("other", inner.span, "formatted value")
                    parts.append(inner)
                else:
                    parts.append(self.expr(v, stack, d))
            return N("tmpl", span, parts)
        if isinstance(e, ast.BinOp) and isinstance(e.op, ast.Add):
            return self.concat(e, stack, d)
        if isinstance(e, ast.NamedExpr):
            v = self.expr(e.value, stack, d)
            self.code.bind(e.target.id, None)
            return v
        if isinstance(e, ast.Lambda):
            self.args(e.args, stack)
            self.expr(e.body, stack, d)
            return N("other", span, "lambda")
        if isinstance(e, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            for g in e.generators:
                self.bind_target(g.target, None)
        for child in ast.iter_child_nodes(e):  # anything else: unknown, but calls inside still count
            if isinstance(child, ast.expr):
                self.expr(child, stack, d)
            elif isinstance(child, ast.comprehension):
                self.expr(child.iter, stack, d)
                for c in child.ifs:
                    self.expr(c, stack, d)
        return N("other", span, _describe(e))

    def concat(self, e, stack: str, depth: int):
        """``a + b + c``: a left-nested chain, walked without recursion."""
        N = self.N
        ast = self.ast
        chain = []
        x = e
        while isinstance(x, ast.BinOp) and isinstance(x.op, ast.Add) and len(chain) < 10000:
            chain.append(x)
            x = x.left
        node = self.expr(x, stack, depth)
        for b in reversed(chain):
            node = N("add", self.span(b), node, self.expr(b.right, stack, depth))
        return node


#: Methods that change a list or mapping in place: the name no longer holds one known value.
_CHANGING = frozenset(("append", "extend", "insert", "update", "pop", "remove", "clear", "setdefault",
                       "add", "discard", "sort", "reverse", "__setitem__"))


#: A string literal's prefix and opening quotes (group 1: the quotes, which also close it).
_STRING_START = re.compile(r"[rRbBuUfF]{0,2}(\"\"\"|\'\'\'|\"|\')")


def _own_returns(ast, body: list) -> list:
    """The ``return`` statements of a function body, not those of functions and classes defined in it."""
    out = []
    work = list(body)
    while work:
        s = work.pop()
        if isinstance(s, ast.Return):
            out.append(s)
        elif not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for child in ast.iter_child_nodes(s):
                if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                    work.append(child)
    return out


def _dotted(t) -> str:
    parts = []
    while True:
        name = type(t).__name__
        if name == "Attribute":
            parts.append(t.attr)
            t = t.value
        elif name == "Name":
            parts.append(t.id)
            return ".".join(reversed(parts))
        else:
            return ""


def _describe(e) -> str:
    dotted = _dotted(e)
    if dotted:
        return dotted
    name = type(e).__name__
    if name == "Subscript":
        root = e.value
        while type(root).__name__ == "Subscript":  # resp["Policy"]["Arn"]: resp[...]
            root = root.value
        base = _dotted(root)
        return f"{base}[...]" if base else "subscript"
    return {"IfExp": "conditional expression", "BoolOp": "boolean expression", "BinOp": "expression",
            "ListComp": "comprehension", "DictComp": "comprehension", "GeneratorExp": "comprehension",
            "Await": "await expression"}.get(name, "expression")
