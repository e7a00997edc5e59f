"""Questions several rules ask of a statement, answered once from the knowledge base."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Iterator

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


def _granted(st: Statement) -> dict:
    out: dict[str, kb.Action] = {}
    if st.action is not None:
        for v in action_values(st):
            for a in kb.expand_sagemaker(v.value):
                out[a.name.lower()] = a
    elif st.not_action is not None:
        if any(not v.resolved for v in st.not_action.values):
            return {}
        excluded: set[str] = set()
        for v in st.not_action.values:
            if isinstance(v.value, str):
                excluded.update(a.name.lower() for a in kb.expand_sagemaker(v.value))
        out = {k: a for k, a in kb.sagemaker_actions().items() if k not in excluded}
    return out


def allowed_patterns(ctx) -> list[str]:
    return [p for p in (ctx.option("allowed-actions") or []) if isinstance(p, str)]


def is_allowed(action: str, ctx) -> bool:
    """Whether the team accepted this action pattern in the rule's options."""
    return any(p.lower() == action.lower() or kb.pattern_matches(p, action) for p in allowed_patterns(ctx))


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
