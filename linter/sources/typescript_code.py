"""TypeScript and JavaScript code: AWS CDK apps, read with the tree-sitter TypeScript grammar
(``tree-sitter-typescript``; the code is parsed, never run, and no Node.js is needed).

A ``.ts``/``.js`` file is read only when its text holds one of the ``markers`` of its row in
the format table (an ``aws-cdk-lib`` / ``@aws-cdk/`` import); any other file costs a read and
a substring search and is never reported on. What is understood is described in
:mod:`linter.sources.cdk`, which this module feeds with the language-neutral tree of the file.
"""
from __future__ import annotations

from ..located import Span

#: Deepest nesting of expressions converted (deeper parts are unknown values).
MAX_DEPTH = 120

_PARSERS: dict = {}


def _parser(tsx: bool):
    p = _PARSERS.get(tsx)
    if p is None:
        import tree_sitter
        import tree_sitter_typescript

        lang = tree_sitter_typescript.language_tsx() if tsx else tree_sitter_typescript.language_typescript()
        p = _PARSERS[tsx] = tree_sitter.Parser(tree_sitter.Language(lang))
    return p


def picks(src) -> bool:
    fmt = src.format
    if fmt is None:
        from . import BY_NAME

        fmt = BY_NAME["typescript"]
    return any(m in src.text for m in fmt.markers)


def parse(src):
    """The :class:`~linter.sources.cdk.Code` of a file, or None when it is ordinary code (its
    text is then dropped, unless it may hold a credential: it is then scanned for those only)."""
    if not picks(src):
        from ..secrets import may_hold

        if not may_hold(src.text):
            src.text = None
        return None  # else its text is scanned for credentials only
    return read(src, src.abspath.lower().endswith((".tsx", ".jsx")))[2]


def read(src, tsx: bool = False) -> tuple:
    """``(root node, converter, Code)`` of a file's text: its first syntax error is LP001 (what
    parses around it is still read), and its comments and blocks are the suppressions' layout."""
    text = src.text
    data = text.encode("utf-8")
    conv = _Converter(text, data)
    root = _parser(tsx).parse(data).root_node
    if root.has_error:
        bad = _first_error(root)
        if bad is not None:
            span = conv.span(bad)
            what = "missing " + bad.type if bad.is_missing else "syntax error"
            src.error("LP001", f"TypeScript/JavaScript {what}; what parses around it is still read",
                      Span(span.line, span.col, span.line, span.col + 1))
    src.layout = lambda: _layout(root, conv)
    return root, conv, conv.module(root)


def _layout(root, conv):
    """What the parser saw, for suppression comments (made only for a file that mentions
    lint-policies): its comments and the constructs that run over several lines."""
    from ..located import LStr

    comments = []
    blocks: dict = {}
    stack = list(root.children)
    while stack:
        n = stack.pop()
        if n.type == "comment":
            comments.append(LStr(conv.text(n), conv.span(n)))
            continue
        first, last = n.start_point[0] + 1, n.end_point[0] + 1
        if last > first and blocks.get(first, 0) < last:
            blocks[first] = last
        stack.extend(n.children)
    comments.sort(key=lambda c: c.span)
    return comments, blocks, set()


def _first_error(root):
    stack = [root]
    while stack:
        n = stack.pop()
        if n.is_error or n.is_missing:
            return n
        if n.has_error:
            stack.extend(reversed(n.children))
    return None


def extract(src, code) -> None:
    from ._cdk_file import extract_file

    extract_file(src, code, "typescript")


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_TRANSPARENT = ("parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
                "type_assertion", "await_expression")
_FUNCTIONS = ("arrow_function", "function_expression", "function", "generator_function")
#: Definitions inside a function whose ``return`` statements are their own.
_NESTED_SCOPES = ("function_declaration", "generator_function_declaration", "method_definition", "class",
                  "class_declaration", "abstract_class_declaration")
_CHANGING = frozenset(("push", "unshift", "splice", "pop", "shift", "concat", "set", "delete", "clear",
                       "add", "sort", "reverse", "fill"))


class _Converter:
    def __init__(self, text: str, data: bytes) -> None:
        from .cdk import Code, N, subclassed

        self.N = N
        self.subclassed = subclassed
        self.bases: dict = {}  # class name -> the construct class it extends (SUBCLASSED)
        self.code = Code("typescript")
        self.data = data
        self.lines = None if text.isascii() else data.split(b"\n")
        self.dict_names: dict = {}
        self.work: list = []
        self.return_to: dict = {}  # id of a return statement (or an arrow's expression body) -> its function's list

    # -- positions ---------------------------------------------------------
    def col(self, row: int, byte_col: int) -> int:
        if self.lines is None or row >= len(self.lines):
            return byte_col + 1
        return len(self.lines[row][:byte_col].decode("utf-8", "replace")) + 1

    def span(self, node) -> Span:
        (r0, c0), (r1, c1) = node.start_point, node.end_point
        return Span(r0 + 1, self.col(r0, c0), r1 + 1, self.col(r1, c1))

    def text(self, node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    # -- statements --------------------------------------------------------
    def module(self, root):
        self.work = [(root, "")]
        while self.work:  # nodes are visited without recursion: nesting depth costs nothing
            node, stack = self.work.pop()
            self.visit(node, stack)
        return self.code

    def push(self, nodes, stack: str) -> None:
        self.work.extend((n, stack) for n in reversed(nodes))

    def visit(self, node, stack: str) -> None:
        N = self.N
        t = node.type
        returned = self.return_to.pop(node.id, None) if self.return_to else None
        if returned is not None:
            if t == "return_statement":
                child = node.named_children[0] if node.named_children else None
                returned.append(self.expr(child, stack) if child is not None else None)
            else:  # an arrow function's expression body
                returned.append(self.expr(node, stack))
            return
        if t in ("class_declaration", "class", "abstract_class_declaration"):
            name = node.child_by_field_name("name")
            body = node.child_by_field_name("body")
            cname = self.text(name) if name is not None else stack
            if name is not None:
                self.code.bind(cname, None)
            for c in node.named_children:
                if c.type == "class_heritage":
                    for h in c.named_children:
                        if h.type == "extends_clause":
                            value = h.child_by_field_name("value")
                            base = self.expr(value, stack) if value is not None else None
                            if base is not None and self.subclassed(base):
                                self.bases[cname] = base  # class StudioRole extends iam.Role: super() makes it
                    self.push(c.named_children, stack)
            if body is not None:
                self.push(body.named_children, cname)
            return
        if t in ("variable_declarator",):
            name = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if value is not None and value.type in _FUNCTIONS and name is not None and name.type == "identifier":
                self.define(self.text(name), value, stack)  # const trainingStatement = () => new iam.PolicyStatement(...)
            v = self.expr(value, stack) if value is not None else None
            if name is not None and name.type == "identifier":
                ident = self.text(name)
                self.code.bind(ident, v)
                self.code.root(v, N("name", self.span(name), ident))
                if v is not None and id(v) in self.dict_names:
                    self.dict_names[id(v)][2] = ident
            elif name is not None:
                self.bind_pattern(name)
            return
        if t == "expression_statement":
            inner = node.named_children[0] if node.named_children else None
            if inner is None:
                return
            if inner.type in ("assignment_expression", "augmented_assignment_expression"):
                self.assignment(inner, stack)
                return
            n = self.expr(inner, stack)
            self.code.root(n)
            if n is not None and n.kind == "call" and n.a.kind == "attr" and n.a.a.kind == "name":
                name = n.a.a.a
                if n.a.b in _CHANGING:
                    self.code.changed.add(name)
                    if n.a.b == "push" and n.b and all(a.kind != "spread" for a in n.b):
                        for a in n.b:  # statements.push(a, b): each appended
                            self.code.grow(name, "append", a)
                            if a is not n.b[0]:
                                self.code.changed.add(name)
                else:
                    self.code.mutations.setdefault(name, []).append(n)
            return
        if t in ("for_in_statement",):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            it = self.expr(right, stack) if right is not None else None
            if left is not None:
                if left.type == "identifier":
                    self.code.bind(self.text(left), None)
                    self.code.loop(self.text(left), self.span(node), it)
                else:
                    self.bind_pattern(left)
            body = node.child_by_field_name("body")
            if body is not None:
                self.push([body], stack)
            return
        if t in ("required_parameter", "optional_parameter", "catch_clause"):
            self.bind_pattern(node.child_by_field_name("pattern") or node.child_by_field_name("parameter") or node)
            for c in node.named_children:
                if c.type == "statement_block":
                    self.push([c], stack)
            return
        if t in ("import_statement",):
            source = node.child_by_field_name("source")
            path = self.string(source) if source is not None and source.type == "string" else ""
            for c in _walk(node):
                if c.type == "identifier":
                    default = c.parent is not None and c.parent.type in ("import_clause", "namespace_import")
                    if default and path.lower().endswith(".json"):
                        # import policy from "../policies/x.json": the file's content (read where the module is)
                        self.code.bind(self.text(c), N("jsonfile", self.span(source), path, "module"))
                    else:
                        self.code.bind(self.text(c), None)
            return
        if t in ("function_declaration", "generator_function_declaration", "method_definition"):
            name = node.child_by_field_name("name")
            if name is not None and t != "method_definition":
                self.code.bind(self.text(name), None)
            if name is not None:
                self.define(self.text(name), node, stack)
            self.push(node.named_children, stack)
            return
        if t in ("assignment_expression", "augmented_assignment_expression"):
            self.assignment(node, stack)
            return
        if t in ("comment", "type_annotation", "type_alias_declaration", "interface_declaration"):
            return
        if _is_expression(t):
            self.expr(node, stack)
            return
        self.push(node.named_children, stack)

    def define(self, name: str, fn, stack: str) -> None:
        """A function or method: the nodes its ``return`` statements give go to :attr:`Code.returns`
        (an arrow function's expression body is what it returns)."""
        returned = self.code.define(name, self.params(fn, stack))
        body = fn.child_by_field_name("body")
        if body is None:
            return
        if body.type != "statement_block":
            self.return_to[body.id] = returned
            return
        work = list(body.named_children)
        while work:
            c = work.pop()
            if c.type == "return_statement":
                self.return_to[c.id] = returned
            elif c.type not in _FUNCTIONS and c.type not in _NESTED_SCOPES:
                work.extend(c.named_children)

    def params(self, fn, stack: str) -> tuple:
        """The :class:`~linter.sources.cdk.Param` s of a function (a destructured or rest parameter is
        not followed)."""
        from .cdk import Param

        out = []
        for pattern, default in _parameters(fn):
            if pattern.type != "identifier":
                out.append(Param(self.text(pattern), None, "star"))  # {a, b}, ...rest
                continue
            out.append(Param(self.text(pattern), self.expr(default, stack) if default is not None else None, "pos"))
        return tuple(out)

    def for_each(self, items, args_node) -> None:
        """``items.forEach((s) => role.addToPolicy(s))``: the function's parameter takes each item, as a
        ``for (const s of items)`` loop variable does."""
        fn = args_node.named_children[0] if args_node.named_children else None
        if fn is None or fn.type not in ("arrow_function", "function_expression", "function"):
            return
        params = _parameters(fn)
        if not params or params[0][0].type != "identifier":
            return
        name = self.text(params[0][0])
        if fn.child_by_field_name("parameter") is not None:
            self.code.bind(name, None)  # x => ...: bound here (no parameter node visits it); (x): when visited
        self.code.loop(name, self.span(fn), items)

    def bind_pattern(self, node) -> None:
        if node is None:
            return
        if node.type == "identifier":
            self.code.bind(self.text(node), None)
            return
        for c in _walk(node):
            if c.type in ("identifier", "shorthand_property_identifier_pattern"):
                self.code.bind(self.text(c), None)

    def assignment(self, node, stack: str) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        v = self.expr(right, stack) if right is not None else None
        if left is None:
            return
        if node.type == "augmented_assignment_expression":
            if left.type == "identifier":
                self.code.changed.add(self.text(left))
            return
        if left.type == "identifier":
            self.code.bind(self.text(left), v)
            self.code.root(v)
        elif left.type == "member_expression":
            dotted = _dotted(self, left)
            if dotted and v is not None and v.kind == "call":
                self.code.targets[dotted] = v
                if dotted.startswith("this.") and stack:
                    self.code.members[(stack, dotted)] = v
            self.code.root(v)
            obj = left.child_by_field_name("object")
            if obj is not None and obj.type == "identifier":
                self.code.changed.add(self.text(obj))  # x.prop = ...: x is changed
        elif left.type == "subscript_expression":
            obj = left.child_by_field_name("object")
            if obj is not None and obj.type == "identifier":
                self.code.changed.add(self.text(obj))
        else:
            self.bind_pattern(left)

    # -- expressions -------------------------------------------------------
    def expr(self, node, stack: str, depth: int = 0):
        N = self.N
        if node is None:
            return None
        t = node.type
        span = self.span(node)
        if depth > MAX_DEPTH:
            return N("other", span, "expression")
        d = depth + 1
        if t == "string":
            return N("str", span, self.string(node))
        if t == "template_string":
            parts: list = []
            for c in node.named_children:
                if c.type == "template_substitution":
                    inner = c.named_children[0] if c.named_children else None
                    parts.append(self.expr(inner, stack, d) if inner is not None else N("other", span, "expression"))
                elif c.type == "escape_sequence":
                    parts.append(_unescape(self.text(c)))
                else:
                    parts.append(self.text(c))
            if not node.named_children:
                return N("str", span, "")
            return N("tmpl", span, parts)
        if t == "number":
            raw = self.text(node).replace("_", "")
            try:
                return N("num", span, int(raw) if raw.isdigit() else float(raw))
            except ValueError:
                return N("other", span, raw[:20])
        if t in ("true", "false"):
            return N("bool", span, t == "true")
        if t in ("null", "undefined"):
            return N("null", span, None)
        if t in ("identifier", "this", "super", "shorthand_property_identifier"):
            return N("name", span, self.text(node))
        if t == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            return N("attr", span, self.expr(obj, stack, d), self.text(prop) if prop is not None else "")
        if t in ("call_expression", "new_expression"):
            fn = node.child_by_field_name("function") or node.child_by_field_name("constructor")
            args_node = node.child_by_field_name("arguments")
            base = self.bases.get(stack) if fn is not None and fn.type == "super" else None
            callee = base if base is not None else (self.expr(fn, stack, d) if fn is not None
                                                    else N("other", span, "expression"))
            args = []
            if args_node is not None and args_node.type == "arguments":
                for a in args_node.named_children:
                    if a.type != "comment":
                        args.append(self.expr(a, stack, d))
            elif args_node is not None:  # a tagged template
                self.expr(args_node, stack, d)
                callee = N("other", span, "tagged template")
            n = N("call", span, callee, args, [])
            self.code.calls.append((n, stack))
            if callee.kind == "attr" and callee.b == "forEach" and args_node is not None:
                self.for_each(callee.a, args_node)
            if base is not None:
                self.code.targets["this"] = n  # this.addToPolicy(...) in the subclass: this construct
            return n
        if t == "array":
            items = [c for c in node.named_children if c.type != "comment"]
            if not items and node.named_children:
                return N("other", span, "a list to fill in")  # [/* the actions you want */]: a placeholder
            return N("list", span, [self.expr(c, stack, d) for c in items])
        if t == "spread_element":
            inner = node.named_children[0] if node.named_children else None
            return N("spread", span, self.expr(inner, stack, d))
        if t == "object":
            items = []
            for c in node.named_children:
                if c.type == "pair":
                    k = c.child_by_field_name("key")
                    v = c.child_by_field_name("value")
                    items.append((self.key(k, stack, d), self.expr(v, stack, d)))
                elif c.type == "shorthand_property_identifier":
                    items.append((N("str", self.span(c), self.text(c)), N("name", self.span(c), self.text(c))))
                elif c.type == "spread_element":
                    self.expr(c, stack, d)
                    items.append((None, N("other", self.span(c), "spread")))
                elif c.type == "method_definition":
                    self.push([c], stack)
                    items.append((N("other", self.span(c), "method"), N("other", self.span(c), "method")))
            n = N("dict", span, items)
            if any(k is not None and k.kind == "str" and k.a == "Statement" for k, _ in items):
                entry = [n, stack, ""]
                self.dict_names[id(n)] = entry
                self.code.dicts.append(entry)
            return n
        if t == "binary_expression":
            op = node.child_by_field_name("operator")
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if op is not None and op.type == "+":
                return self.concat(node, stack, d)
            self.expr(left, stack, d)
            self.expr(right, stack, d)
            return N("other", span, "expression")
        if t in _TRANSPARENT:
            # <string[]>x: the expression comes after the type; x as T, x!, (x): first
            kids = node.named_children
            inner = (kids[-1] if t == "type_assertion" else kids[0]) if kids else None
            return self.expr(inner, stack, d) if inner is not None else N("other", span, "expression")
        if t in _FUNCTIONS:
            self.push(node.named_children, stack)  # its body is read as statements
            return N("other", span, "function")
        if t in ("class",):
            self.push([node], stack)
            return N("other", span, "class")
        if t in ("assignment_expression", "augmented_assignment_expression"):
            self.assignment(node, stack)
            return N("other", span, "assignment")
        for c in node.named_children:  # anything else: unknown, but calls inside still count
            self.expr(c, stack, d)
        return N("other", span, _describe(self, node))

    def key(self, k, stack: str, depth: int):
        N = self.N
        if k is None:
            return None
        if k.type in ("property_identifier", "identifier"):
            return N("str", self.span(k), self.text(k))
        if k.type == "string":
            return N("str", self.span(k), self.string(k))
        if k.type == "number":
            return N("str", self.span(k), self.text(k))
        self.expr(k, stack, depth)
        return N("other", self.span(k), "computed key")

    def string(self, node) -> str:
        out = []
        for c in node.named_children:
            if c.type == "escape_sequence":
                out.append(_unescape(self.text(c)))
            else:
                out.append(self.text(c))
        return "".join(out)

    def concat(self, node, stack: str, depth: int):
        """``a + b + c``: a left-nested chain, walked without recursion."""
        N = self.N
        chain = []
        x = node
        while x is not None and x.type == "binary_expression" and len(chain) < 10000:
            op = x.child_by_field_name("operator")
            if op is None or op.type != "+":
                break
            chain.append(x)
            x = x.child_by_field_name("left")
        n = self.expr(x, stack, depth)
        for b in reversed(chain):
            n = N("add", self.span(b), n, self.expr(b.child_by_field_name("right"), stack, depth))
        return n


def _is_expression(t: str) -> bool:
    return t in ("call_expression", "new_expression", "object", "array", "template_string", "binary_expression",
                 "member_expression", "parenthesized_expression", "as_expression", "await_expression",
                 "arrow_function", "function_expression", "ternary_expression", "subscript_expression")


def _parameters(fn) -> list:
    """``[(pattern node, default node or None)]`` of a function's parameters (``x => ...`` has one)."""
    single = fn.child_by_field_name("parameter")
    if single is not None:
        return [(single, None)]
    plist = fn.child_by_field_name("parameters")
    out = []
    for p in plist.named_children if plist is not None else ():
        if p.type in ("required_parameter", "optional_parameter"):
            pattern = p.child_by_field_name("pattern")
            if pattern is not None:
                out.append((pattern, p.child_by_field_name("value")))
    return out


def _walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.named_children)


def _dotted(conv: _Converter, node) -> str:
    parts = []
    while node is not None:
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            parts.append(conv.text(prop) if prop is not None else "")
            node = node.child_by_field_name("object")
        elif node.type in ("identifier", "this"):
            parts.append(conv.text(node))
            return ".".join(reversed(parts))
        else:
            return ""
    return ""


def _describe(conv: _Converter, node) -> str:
    dotted = _dotted(conv, node)
    if dotted:
        return dotted
    return {"ternary_expression": "conditional expression", "subscript_expression": "subscript"}.get(
        node.type, "expression")


def _unescape(esc: str) -> str:
    if len(esc) < 2:
        return esc
    c = esc[1]
    if c in _ESCAPES and len(esc) == 2:
        return _ESCAPES[c]
    if c in "xu":
        hexdigits = esc[2:].strip("{}")
        try:
            return chr(int(hexdigits, 16))
        except (ValueError, OverflowError):
            return ""
    if c in "\r\n":
        return ""  # a line continuation
    return esc[1:]
