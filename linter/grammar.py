"""The IAM policy grammar (LP002), checked fast on the normalized model.

``schemas/iam-policy.schema.json`` is the written-down grammar; this module is its
fast implementation (no ``jsonschema`` import on the hot path), and the tests check
that both agree on valid and invalid documents.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Iterator

from .located import Unresolved
from .model import PolicyDocument, Problem

VERSIONS = ("2012-10-17", "2008-10-17")
DOC_KEYS = {"Version", "Id", "Statement"}
STMT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
             "Principal", "NotPrincipal", "Condition"}
_ACTION = re.compile(r"^(\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]*)$")


def check(doc: PolicyDocument) -> Iterator[Problem]:
    yield from doc.problems
    raw = doc.raw
    base = doc.origin.path
    if not isinstance(raw, dict):
        return
    for k in raw:
        if k not in DOC_KEYS and isinstance(k, str):
            ks = raw.key_span(k) if hasattr(raw, "key_span") else doc.span
            yield Problem(f"unknown key {k!r} in policy document (expected Version, Id, Statement)", ks, base + (k,))
    if doc.version is not None and isinstance(doc.version.value, str) and doc.version.value not in VERSIONS:
        yield Problem(f'Version must be "2012-10-17" (or the legacy "2008-10-17"), not {doc.version.value!r}',
                      doc.version.span, doc.version.path)
    stmts = raw.get("Statement")
    items = stmts if isinstance(stmts, list) else [stmts]
    by_index = {s.index: s for s in doc.statements}
    for i, node in enumerate(items):
        st = by_index.get(i)
        if st is None or not isinstance(node, dict):
            continue
        for k in node:
            if k not in STMT_KEYS and isinstance(k, str):
                yield Problem(f"unknown key {k!r} in statement", node.key_span(k) if hasattr(node, "key_span") else st.span,
                              st.path + (k,))
        if st.effect is None:
            yield Problem("statement has no Effect (Allow or Deny)", st.span, st.path)
        elif not isinstance(st.effect.value, Unresolved) and st.effect.value not in ("Allow", "Deny"):
            yield Problem(f'Effect must be "Allow" or "Deny" (case-sensitive), not {st.effect.text!r}',
                          st.effect.span, st.effect.path)
        if st.action is not None and st.not_action is not None:
            yield Problem("a statement cannot have both Action and NotAction", st.not_action.key_span, st.not_action.path)
        elif st.action is None and st.not_action is None:
            yield Problem("statement has neither Action nor NotAction", st.span, st.path)
        if st.resource is not None and st.not_resource is not None:
            yield Problem("a statement cannot have both Resource and NotResource", st.not_resource.key_span,
                          st.not_resource.path)
        elif st.resource is None and st.not_resource is None and doc.role == "identity":
            yield Problem("statement has neither Resource nor NotResource", st.span, st.path)
        if st.principal is not None and st.not_principal is not None:
            yield Problem("a statement cannot have both Principal and NotPrincipal", st.not_principal.key_span,
                          st.not_principal.path)
        elif doc.role == "identity" and (st.principal or st.not_principal):
            p = st.principal or st.not_principal
            yield Problem(f"{p.key} is not allowed in an identity-based policy", p.key_span, p.path)
        elif doc.role == "trust" and st.principal is None and st.not_principal is None:
            yield Problem("a trust policy statement needs a Principal", st.span, st.path)
        for f in (st.action, st.not_action):
            if f is None:
                continue
            if not f.values and not any(isinstance(x, Unresolved) for x in _items(node.get(f.name))):
                yield Problem(f"{f.name} is empty", f.key_span, f.path)
            for v in f.values:
                if isinstance(v.value, str) and "${" not in v.value and not _ACTION.match(v.value):
                    yield Problem(f"{v.value!r} is not an action (expected service:ActionName or \"*\")", v.span, v.path)
        for f in (st.resource, st.not_resource):
            if f is not None and not f.values and not any(isinstance(x, Unresolved) for x in _items(node.get(f.name))):
                yield Problem(f"{f.name} is empty", f.key_span, f.path)


def _items(node):
    if isinstance(node, list):
        return node
    return [node]

