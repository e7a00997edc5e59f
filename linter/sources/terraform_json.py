"""Terraform JSON syntax (``.tf.json``): the same blocks as HCL, written as JSON.

The blocks are read into the structure the HCL reader builds and extracted the same way
(:mod:`linter.sources.terraform`); expressions inside strings (``"${var.x}"``) are
Terraform expressions. Suppression directives live in ``"//"`` properties.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any

from ..located import Span


def extract(src, tree) -> None:
    from . import terraform

    terraform.extract_json(src, tree)


def directives(src: Any) -> list:
    """``"//": "lint-policies: ignore[SM101] -- reason"`` in the block it covers (the root
    object: the file)."""
    from ..suppress import Directive, parse_directive, span_or

    out: list = []
    root = src.trees[0] if src.trees else None

    def visit(node: Any, path: tuple) -> None:
        if isinstance(node, dict):
            if "//" in node:
                val = node["//"]
                texts = val if isinstance(val, list) else [val]
                for j, t in enumerate(texts):
                    if not isinstance(t, str):
                        continue
                    parsed = parse_directive(str(t))
                    if parsed is None:
                        continue
                    kind, codes, reason, problem = parsed
                    span = span_or(t, node.key_span("//") if hasattr(node, "key_span") else span_or(node, Span(1, 1, 1, 1)))
                    scope = "file" if (kind == "ignore-file" or node is root) else "object"
                    p = path + ("//",) + ((j,) if isinstance(val, list) else ())
                    d = Directive(codes, reason, span, scope, f"{kind}[{','.join(codes)}]",
                                  region=None if scope == "file" else span_or(node, span),
                                  form="json-comment", logical_path=p)
                    if problem == "after-codes":
                        d.hint = "the reason must follow `--` after the codes"
                        problem = ""
                    else:
                        d.hint = ('write it after `--`: "//": "lint-policies: %s[%s] -- why this is acceptable"'
                                  % (kind, ",".join(codes)))
                    d.problem = problem
                    out.append(d)
            for k, v in node.items():
                if k != "//":
                    visit(v, path + (str(k),))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                visit(v, path + (i,))

    for tree in src.trees:
        root = tree
        visit(tree, ())
    return out


def unit_files(path: str) -> list:
    """The files of ``path``'s module directory the principal model reads together."""
    from . import terraform

    return terraform.unit_files(path)
