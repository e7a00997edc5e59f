"""Serverless Framework services written as code: ``serverless.ts`` (the framework's TypeScript
template, ``@serverless/typescript``) and ``serverless.js`` / ``.mjs`` / ``.cjs``.

The file is parsed with the TypeScript/JavaScript reader (never run, no Node.js needed) and the
configuration it exports is read as the same service a ``serverless.yml`` holds
(:mod:`linter.sources.serverless`): ``export default X``, ``module.exports = X`` or ``export = X``,
where ``X`` is an object literal or a name bound to one in the file. Values the file computes (an
imported function definition, a call, a variable of another module) are unknown values, as in the
CDK reader; ``${self:...}`` and the framework's other variables inside strings are read as in YAML.
"""
from __future__ import annotations

from typing import Any, Optional

#: Text a service file must hold to be read for policies.
MARKERS = ("iamRoleStatements", "statements", "Statement", "managedPolicies", "iamManagedPolicies",
           ":iam::aws:policy/")


def parse(src):
    """The located configuration object the file exports, or None when it holds no policy (or
    exports no object literal); a syntax error is LP001 at its first error, and what parses
    around it is still read."""
    text = src.text
    if not any(m in text for m in MARKERS):
        from ..secrets import may_hold

        if not may_hold(text):
            src.text = None
        return None
    from .cdk import Reader
    from .typescript_code import read

    root, conv, code = read(src)
    node = _exported(root, conv, code)
    if node is None:
        return None
    value = Reader(code).value(node)
    from ..located import LDict

    return value if isinstance(value, LDict) else None


def _exported(root, conv, code) -> Optional[Any]:
    """The converted node of what the module exports (the last export wins, as when it runs)."""
    found = None
    for stmt in root.named_children:
        target = None
        if stmt.type == "export_statement":
            value = stmt.child_by_field_name("value")
            if value is not None and any(c.type in ("default", "=") for c in stmt.children):
                target = value  # export default {...} / export = {...}
        elif stmt.type == "expression_statement" and stmt.named_children:
            inner = stmt.named_children[0]
            if inner.type == "assignment_expression":
                left = inner.child_by_field_name("left")
                if left is not None and conv.text(left).replace(" ", "") == "module.exports":
                    target = inner.child_by_field_name("right")
        if target is not None:
            found = target
    if found is None:
        return None
    n = conv.expr(found, "")
    # a name bound once to the configuration (const serverlessConfiguration: AWS = {...})
    for _ in range(4):
        if n is None or n.kind != "name":
            break
        bound = code.bindings.get(n.a)
        if not bound or len(bound) != 1 or bound[0] is None:
            return None
        n = bound[0]
    return n


def extract(src, tree) -> None:
    if tree is None:
        src.kind = "text"
        return
    from . import serverless

    serverless.extract(src, tree)
