"""The IAM policy grammar (LP002), checked fast on the normalized model.

``schemas/iam-policy.schema.json`` is the written-down grammar; this module is its
fast implementation (no ``jsonschema`` import on the hot path), and the tests check
that both agree on valid and invalid documents. A few rules are beyond what a JSON
Schema can say and live here only: duplicate keys (a parsed document has already
dropped them), unique Sids, and the rules that depend on the document's role (a trust
policy takes no Resource; only policies IAM itself stores need alphanumeric Sids).
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Iterator

from .located import Unresolved
from .model import PolicyDocument, Problem

VERSIONS = ("2012-10-17", "2008-10-17")
#: Roles of the documents IAM itself stores and validates: their Sids are letters and digits
#: and unique (resource policies of S3, KMS, SQS... accept other Sids).
IAM_STORED_ROLES = ("identity", "trust", "boundary", "session")
DOC_KEYS = {"Version", "Id", "Statement"}
STMT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
             "Principal", "NotPrincipal", "Condition"}
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_SERVICE_CHARS = _ALNUM | frozenset("*?-")
_NAME_CHARS = _SERVICE_CHARS | frozenset("_")


def _line(text: str) -> str:
    # The patterns these functions replace ended in "$", which also matches before a final newline.
    return text[:-1] if text.endswith("\n") else text


_SEEN_ACTIONS: dict = {}  # value -> action_syntax_ok(value): policies repeat their actions


def action_syntax_ok(value: str) -> bool:
    """Whether an Action value looks like an action: ``service:ActionName`` (letters, digits,
    ``-`` and the wildcards in the service; ``_`` too in the name, which may be empty) or ``*``.
    Set operations rather than a regular expression: compiling one costs a pre-commit run more
    than every test it would make."""
    ok = _SEEN_ACTIONS.get(value)
    if ok is None:
        line = _line(value)
        service, sep, name = line.partition(":")
        ok = line == "*" or (bool(sep and service) and set(service) <= _SERVICE_CHARS and set(name) <= _NAME_CHARS)
        if len(_SEEN_ACTIONS) >= 8192:
            _SEEN_ACTIONS.clear()
        _SEEN_ACTIONS[value] = ok
    return ok


def _sid_ok(sid: str) -> bool:
    return set(_line(sid)) <= _ALNUM


def check(doc: PolicyDocument) -> Iterator[Problem]:
    yield from doc.problems
    raw = doc.raw
    base = doc.origin.path
    if not isinstance(raw, dict):
        return
    for k in raw:
        if k not in DOC_KEYS and isinstance(k, str):
            ks = raw.key_span(k) if hasattr(raw, "key_span") else doc.span
            yield Problem(_unknown_key(k, DOC_KEYS, "policy document", "expected Version, Id, Statement"), ks,
                          base + (k,))
    if doc.version is not None and not isinstance(doc.version.value, Unresolved):
        if not isinstance(doc.version.value, str):
            yield Problem(f'Version must be the string "2012-10-17", not {doc.version.text}', doc.version.span,
                          doc.version.path)
        elif doc.version.value not in VERSIONS:
            yield Problem(f'Version must be "2012-10-17" (or the legacy "2008-10-17"), not {doc.version.value!r}',
                          doc.version.span, doc.version.path)
    stmts = raw.get("Statement")
    if isinstance(stmts, list) and not stmts:
        yield Problem("Statement is empty: the policy grants and denies nothing", raw.key_span("Statement")
                      if hasattr(raw, "key_span") else doc.span, base + ("Statement",))
    items = stmts if isinstance(stmts, list) else [stmts]
    by_index = {s.index: s for s in doc.statements}
    sids: dict = {}
    for i, node in enumerate(items):
        st = by_index.get(i)
        if st is None or not isinstance(node, dict):
            continue
        cased = {}  # lowercase element name -> the unknown key written in another case
        for k in node:
            if k not in STMT_KEYS and isinstance(k, str):
                cased.setdefault(k.lower(), k)
                yield Problem(_unknown_key(k, STMT_KEYS, "statement", ""),
                              node.key_span(k) if hasattr(node, "key_span") else st.span, st.path + (k,))
        yield from _sid(doc, st, sids)
        if st.effect is None:
            if "effect" not in cased:
                yield Problem("statement has no Effect (Allow or Deny)", st.span, st.path)
        elif not isinstance(st.effect.value, Unresolved) and st.effect.value not in ("Allow", "Deny"):
            yield Problem(f'Effect must be "Allow" or "Deny" (case-sensitive), not {st.effect.text!r}',
                          st.effect.span, st.effect.path)
        if st.action is not None and st.not_action is not None:
            yield Problem("a statement cannot have both Action and NotAction", st.not_action.key_span, st.not_action.path)
        elif st.action is None and st.not_action is None and not {"action", "notaction"} & set(cased):
            yield Problem("statement has neither Action nor NotAction", st.span, st.path)
        if st.resource is not None and st.not_resource is not None:
            yield Problem("a statement cannot have both Resource and NotResource", st.not_resource.key_span,
                          st.not_resource.path)
        elif (st.resource is None and st.not_resource is None and doc.role == "identity"
              and not {"resource", "notresource"} & set(cased)):
            yield Problem("statement has neither Resource nor NotResource", st.span, st.path)
        elif doc.role == "trust":
            for f in (st.resource, st.not_resource):
                if f is not None:
                    yield Problem(f"a role trust policy cannot have {f.name}: it applies to the role it is attached "
                                  f"to, and IAM rejects the policy", f.key_span, f.path)
        if st.principal is not None and st.not_principal is not None:
            yield Problem("a statement cannot have both Principal and NotPrincipal", st.not_principal.key_span,
                          st.not_principal.path)
        elif doc.role == "identity" and (st.principal or st.not_principal) and not _only_dynamic(
                st.principal or st.not_principal):
            p = st.principal or st.not_principal
            yield Problem(f"{p.key} is not allowed in an identity-based policy", p.key_span, p.path)
        elif doc.role == "trust" and st.principal is None and st.not_principal is None:
            if not {"principal", "notprincipal"} & set(cased):
                yield Problem("a trust policy statement needs a Principal", st.span, st.path)
        elif doc.role == "trust" and st.not_principal is not None:
            yield Problem("a role trust policy cannot have NotPrincipal (IAM rejects the policy): name the trusted "
                          "principals in Principal", st.not_principal.key_span, st.not_principal.path)
        for pr in (st.principal, st.not_principal):
            if pr is not None:
                yield from _principal(pr, node.get(pr.key))
        for f in (st.action, st.not_action):
            if f is None:
                continue
            if _empty_list(node.get(f.name)):
                yield Problem(f"{f.name} is empty", f.key_span, f.path)
            for v in f.values:
                if isinstance(v.value, str) and "${" not in v.value and not action_syntax_ok(v.value) \
                        and not (v.value[:1] == "<" and v.value[-1:] == ">"):  # <action>: for someone to fill in
                    yield Problem(f"{v.value!r} is not an action (expected service:ActionName or \"*\")", v.span, v.path)
        for f in (st.resource, st.not_resource):
            if f is not None and _empty_list(node.get(f.name)):
                yield Problem(f"{f.name} is empty", f.key_span, f.path)
        for c in st.condition:
            for v in c.values:
                if v.value is None:
                    yield Problem(f"the value of {c.key.value} under {c.operator} is null: a condition value is a "
                                  f"string, a number or a Boolean", v.span, v.path)
        # The template reader reports every duplicate key of a template itself.
        yield from _condition_duplicates(node.get("Condition"), st.path + ("Condition",), st.condition_span,
                                         exact=doc.origin.kind != "cloudformation")


def _unknown_key(k: str, known, where: str, expected: str) -> str:
    right = next((n for n in known if n.lower() == k.lower()), None)
    if right is not None:
        return f"unknown key {k!r} in {where}: element names are case-sensitive, write {right!r}"
    return f"unknown key {k!r} in {where}" + (f" ({expected})" if expected else "")


def _sid(doc, st, sids):
    if st.sid is None or isinstance(st.sid.value, Unresolved):
        return
    sid = st.sid.value
    if not isinstance(sid, str):
        yield Problem(f"Sid must be a string, not {st.sid.text}", st.sid.span, st.sid.path)
        return
    if doc.role not in IAM_STORED_ROLES or "${" in sid:
        return
    if not _sid_ok(sid):
        yield Problem(f"Sid {sid!r} may hold only letters and digits in an IAM policy: IAM rejects the policy",
                      st.sid.span, st.sid.path)
    elif sid:
        first = sids.setdefault(sid, st)
        if first is not st:
            yield Problem(f"Sid {sid!r} is also the Sid of statement {first.index + 1}: IAM requires unique Sids",
                          st.sid.span, st.sid.path)


def _principal(pr, node):
    if isinstance(node, dict) and not node:
        yield Problem(f"{pr.key} is empty: the statement applies to no principal", pr.key_span, pr.path)
        return
    if not isinstance(node, dict):
        return
    for e in pr.entries:
        if _empty_list(node.get(e.kind)):
            yield Problem(f"{pr.key} {e.kind} is empty: the statement applies to no such principal", e.key_span,
                          pr.path + (e.kind,))


def _condition_duplicates(node, path, span, exact=True):
    """Keys written twice in a Condition block or in one operator's block (the last one wins, so
    the first silently does nothing), and keys that differ only in case (IAM reads keys
    case-insensitively, so it is the same key twice)."""
    if not isinstance(node, dict):
        return
    for dup, dspan in (getattr(node, "duplicates", ()) if exact else ()):
        yield Problem(f"duplicate operator {dup!r} in Condition (the last one wins)", dspan, path + (dup,))
    for op, block in node.items():
        if not isinstance(block, dict):
            continue
        for dup, dspan in (getattr(block, "duplicates", ()) if exact else ()):
            yield Problem(f"duplicate condition key {dup!r} under {op} (the last one wins)", dspan,
                          path + (str(op), dup))
        seen: dict = {}
        for key in block:
            if not isinstance(key, str):
                continue
            other = seen.setdefault(key.lower(), key)
            if other != key:
                ks = block.key_span(key) if hasattr(block, "key_span") else span
                yield Problem(f"condition keys {other!r} and {key!r} under {op} are the same key written twice "
                              f"(IAM reads key names case-insensitively); keep one", ks, path + (str(op), key))


def _empty_list(node) -> bool:
    return isinstance(node, list) and not node


def unread_policies(src) -> list:
    """LP002 for a JSON file that is meant as a policy but is not one IAM reads, so the file
    reader did not take it for a policy: a top-level list of documents or statements, or
    element names in the wrong case (``"statement"``). Said once per file, at the place."""
    if src.kind != "json" or not src.trees:
        return []
    tree = src.trees[0]
    found = None
    if isinstance(tree, list):
        if any(isinstance(t, dict) and any(isinstance(k, str) and k.lower() in ("statement", "effect")
                                           for k in t) for t in tree):
            found = ("a policy document is one mapping with Version and Statement, not a list: IAM rejects this "
                     "file as a policy, and it is not linted as one", getattr(tree, "span", None), ())
    elif isinstance(tree, dict) and "Statement" not in tree:
        key = next((k for k in tree if isinstance(k, str) and k.lower() == "statement"), None)
        if key is not None:
            found = (f"unknown key {key!r} in policy document: element names are case-sensitive, write "
                     f"'Statement' (until then this file is not linted as a policy)",
                     tree.key_span(key) if hasattr(tree, "key_span") else getattr(tree, "span", None), (key,))
    if found is None:
        return []
    from .findings import Finding
    from .located import Span
    from .registry import meta

    msg, span, path = found
    name, sev = meta("LP002")
    return [Finding("LP002", name, sev, msg, span or Span(1, 1, 1, 1), file=src.path, logical_path=path, value=msg)]


def _only_dynamic(field) -> bool:
    """A field only a Terraform ``dynamic`` block over values not known here makes: it may be
    absent (the block may repeat zero times), so its presence proves nothing."""
    vals = [v for e in getattr(field, "entries", None) or () for v in e.values]
    return bool(vals) and all(getattr(v.value, "kind", None) == "dynamic" for v in vals)
