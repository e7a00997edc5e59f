"""Questions several rules ask of a statement, answered once from the knowledge base."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Iterator

import functools

from . import kb
from .model import Statement, Val


def action_values(st: Statement) -> Iterator[Val]:
    """Resolved action strings of ``Action`` (not ``NotAction``)."""
    if st.action is not None:
        for v in st.action.values:
            if isinstance(v.value, str):
                yield v


def granted_sagemaker(st: Statement) -> dict[str, "kb.Action"]:
    """SageMaker actions an Allow statement grants, by lowercase name.

    With ``NotAction``: every action the list does not exclude (an unresolved
    entry excludes nothing we can know, so the result is then empty: no guess).
    """
    memo = st.memo
    if memo is None:
        memo = st.memo = {}
    elif "granted" in memo:
        return memo["granted"]
    memo["granted"] = out = _granted(st)
    return out


def _key(st: Statement):
    """What the granted actions depend on: the action patterns, and whether they are a NotAction."""
    if st.action is not None:
        return tuple(v.value for v in action_values(st)), False
    if st.not_action is not None and all(v.resolved for v in st.not_action.values):
        return tuple(v.value for v in st.not_action.values if isinstance(v.value, str)), True
    return None


def _granted(st: Statement) -> dict:
    key = _key(st)
    return _granted_by(*key) if key is not None else {}


@functools.lru_cache(maxsize=2048)
def _granted_by(patterns: tuple, negated: bool) -> dict:
    """The same action lists recur across statements and files: expand each once.
    The result is shared: callers must not change it."""
    if len(patterns) == 1 and not negated:
        return kb.sagemaker_by_name(patterns[0])  # shared too
    out: dict = {}
    for p in patterns:
        out.update(kb.sagemaker_by_name(p))
    if negated:
        out = {k: a for k, a in kb.sagemaker_actions().items() if k not in out}
    return out


def required_keys(st: Statement) -> frozenset:
    """The SageMaker condition keys (lowercase) an Allow statement requires in the request:
    ``"Null": {"sagemaker:VpcSubnets": "false"}``. An action that never carries one of them (the
    Service Authorization Reference lists the keys each action takes) is never granted by the
    statement. Resource tags (``sagemaker:ResourceTag/...``) are keys of resources, not actions,
    and a key no action lists (a deprecated name such as ``sagemaker:VolumeKmsKey``, which requests
    may still carry) says nothing about which actions are granted: neither is counted here."""
    memo = st.memo
    if memo is None:
        memo = st.memo = {}
    elif "required" in memo:
        return memo["required"]
    out = frozenset()
    if st.condition and not st.condition_unresolved:
        keys = set()
        for c in st.condition:
            key = c.key.value
            if (c.operator == "Null" and isinstance(key, str) and key[:10].lower() == "sagemaker:"
                    and not key[10:].lower().startswith("resourcetag/") and c.values
                    and all(str(v.value).lower() == "false" for v in c.values)
                    and kb.actions_supporting_condition_key(key)):
                keys.add(key.lower())
        out = frozenset(keys)
    memo["required"] = out
    return out


def carries(action: "kb.Action", keys: frozenset) -> bool:
    """Whether a request for ``action`` can carry every one of ``keys`` (lowercase)."""
    return not keys or action.name.lower() in _carriers(keys)


@functools.lru_cache(maxsize=256)
def _carriers(keys: frozenset) -> frozenset:
    """Lowercase names of the SageMaker actions whose condition keys include every one of ``keys``."""
    return frozenset(name for name, a in kb.sagemaker_actions().items()
                     if keys <= {k.lower() for k in a.condition_keys})


def reachable(st: Statement) -> dict[str, "kb.Action"]:
    """The granted SageMaker actions (:func:`granted_sagemaker`) that the statement's
    ``Resource`` or ``NotResource`` lets apply to some resource, by lowercase name.

    An action with resource types is reachable when a ``Resource`` value could match one of
    its types; an action with none only on ``"*"``. With ``NotResource``, an action is left
    out when the listed values cover every resource of all its types. A value we cannot
    read (a ``!Ref``, ``var.arn``) could be anything: everything granted stays reachable.
    An action that never carries a key the statement requires (:func:`required_keys`) is left
    out too. This is what a wildcard *really* grants; counts in messages use it.
    """
    memo = st.memo
    if memo is None:
        memo = st.memo = {}
    elif "reachable" in memo:
        return memo["reachable"]
    granted = granted_sagemaker(st)
    out = granted
    if granted and st.resource is not None:
        out = _reachable_by(tuple(v.value for v in st.resource.values), False, granted)
    elif granted and st.not_resource is not None:
        out = _reachable_by(tuple(v.value for v in st.not_resource.values), True, granted)
    required = required_keys(st)
    if required and out:
        out = {k: a for k, a in out.items() if carries(a, required)}
    memo["reachable"] = out
    return out


def blanket_denies(doc) -> list:
    """The Deny statements of a document that refuse their actions whatever the request: no
    condition, and ``"*"`` among their resources. (Remembered for the document last asked about:
    the engine runs a document's rules one after the other, and several ask.)"""
    last = _LAST_DENIES
    if last and last[0] is doc:
        return last[1]
    out = []
    for st in doc.statements:
        effect = st.effect
        if (effect is not None and effect.value == "Deny" and not st.condition and not st.condition_unresolved
                and st.resource is not None
                and any(isinstance(v.value, str) and v.value.strip("*") == "" for v in st.resource.values)):
            out.append(st)
    _LAST_DENIES[:] = (doc, out)
    return out


_LAST_DENIES: list = []  # [document, its blanket denies]


def denied_by(denies: list, action: str) -> bool:
    """Whether one of ``denies`` (:func:`blanket_denies`) refuses ``action`` (``service:Name``); an
    action value that cannot be read may name it."""
    for st in denies:
        if st.action is not None:
            if any(not isinstance(v.value, str) or kb.pattern_matches(v.value, action) for v in st.action.values):
                return True
        elif st.not_action is not None:
            vals = st.not_action.values
            if all(isinstance(v.value, str) for v in vals) and not any(kb.pattern_matches(v.value, action)
                                                                      for v in vals):
                return True
    return False


def reach_in(doc, st: Statement) -> dict:
    """:func:`reachable`, less the actions an unconditional Deny of the same document refuses on
    every resource (a policy that allows ``sagemaker:*`` and denies it whatever the request grants
    nothing). Denies of the principal's other policies are the principal rules' to apply."""
    reach = reachable(st)
    if not reach:
        return reach
    denies = blanket_denies(doc)
    if not denies:
        return reach
    return {k: a for k, a in reach.items() if not denied_by(denies, a.full)}


def _reachable_by(values: tuple, negated: bool, granted: dict) -> dict:
    typed: frozenset = frozenset()
    if any(not isinstance(v, str) for v in values):
        # a value we cannot read could be anything, unless its format knows it is the ARN of
        # another service's resource (a bucket's ARN): that one names no SageMaker resource; or the
        # ARN of one SageMaker resource type (a notebook instance's): that type only
        if any(not isinstance(v, str) and getattr(v, "service", None) in (None, "sagemaker")
               and (getattr(v, "rtype", None) is None or negated) for v in values):
            return granted
        typed = frozenset(v.rtype for v in values if not isinstance(v, str) and getattr(v, "rtype", None))
        values = tuple(v for v in values if isinstance(v, str))
        if not values and not typed and not negated:
            return {}
    if not values and not typed:
        return granted
    if negated:
        covered = frozenset().union(*(kb.resource_types_covered(v) for v in values))
        if not covered:
            return granted
        if any(v.strip("*") == "" for v in values):
            return {}
        return {k: a for k, a in granted.items() if _left_out(a, covered)}
    if any(v.strip("*") == "" for v in values):
        return granted
    anything = any(":" not in v and "${" in v for v in values)  # a whole value that is a placeholder
    types = set(typed)
    for v in values:
        types.update(kb.resource_types_matching(v))
    key = (id(granted), frozenset(types), anything)
    hit = _ON_TYPES.get(key)
    if hit is not None and hit[0] is granted:
        return hit[1]
    out = {k: a for k, a in granted.items()
           if (anything if not a.resource_types else any(rt in types for rt, _ in a.resource_types))}
    if len(_ON_TYPES) >= 2048:
        _ON_TYPES.clear()
    _ON_TYPES[key] = (granted, out)
    return out


def _left_out(a, covered: frozenset) -> bool:
    """Whether a ``NotResource`` list that covers the resource types ``covered`` leaves the action
    some resource: every resource a request names must be left out of the list, so none of its
    required types may be covered (with none required, one type left suffices)."""
    if not a.resource_types:
        return True
    required = [rt for rt, req in a.resource_types if req]
    if required:
        return not any(rt in covered for rt in required)
    return any(rt not in covered for rt, _ in a.resource_types)


#: (id(granted), resource types, anything) -> (granted, the actions reachable): the granted
#: dicts are shared (see _granted_by), and so are these results: callers must not change them.
_ON_TYPES: dict = {}


def granted_with_resources(st: Statement) -> list:
    """The granted SageMaker actions that support resource-level permissions (shared list)."""
    key = _key(st)
    return _typed_by(*key) if key is not None else []


@functools.lru_cache(maxsize=2048)
def _typed_by(patterns: tuple, negated: bool) -> list:
    return [a for a in _granted_by(patterns, negated).values() if a.resource_types]


def allowed_patterns(ctx) -> list[str]:
    return [p for p in (ctx.option("allowed-actions") or []) if isinstance(p, str)]


def is_allowed(action: str, ctx) -> bool:
    """Whether the team accepted this action pattern in the rule's options."""
    return any(p.lower() == action.lower() or kb.pattern_matches(p, action) for p in allowed_patterns(ctx))


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
