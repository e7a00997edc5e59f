"""What hovers and completions say: the knowledge base (:mod:`linter.iam` for every service,
:mod:`linter.kb` for SageMaker) written as Markdown. No network: the facts ship with the
linter, and the links point at the AWS pages they were taken from.

Nothing here imports pygls; each function takes a word of the policy and returns text.
"""
from __future__ import annotations

import functools
import re

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Optional

REFERENCE = "https://docs.aws.amazon.com/service-authorization/latest/reference/"
GLOBAL_KEYS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
#: The most a hover lists of one kind (resource types, keys, actions) before "and N more".
SHOW = 12
_WILDCARD = re.compile(r"[*?]")
_ACTION_NAME = re.compile(r"^[A-Za-z0-9_*?\-]*$")


def reference_url(prefix: str, anchor: str = "") -> Optional[str]:
    """The AWS Service Authorization Reference page of a service ("Actions, resources, and
    condition keys for ..."), named after the service: ``list_amazonsagemaker.html``."""
    from .. import iam

    name = iam.services().get(prefix.lower())
    if name is None:
        return None
    slug = re.sub(r"[^a-z0-9]", "", name.lower())
    return f"{REFERENCE}list_{slug}.html" + (f"#{slug}-{anchor}" if anchor else "")


def _code(s: str) -> str:
    return f"`{s}`" if "`" not in s else f"``{s}``"


def _listing(items: list, show: int = SHOW) -> str:
    shown = ", ".join(_code(x) for x in items[:show])
    return shown + (f" and {len(items) - show} more" if len(items) > show else "")


def _footer(prefix: str, anchor: str) -> str:
    from .. import iam

    url = reference_url(prefix, anchor)
    name = iam.services().get(prefix.lower(), prefix)
    where = f"[AWS reference: {name}]({url})" if url else ""
    return f"{where} (AWS data of {iam.data_date()})" if where else f"AWS data of {iam.data_date()}"


# ---------------------------------------------------------------------------
# hover


def hover(word: str, in_action: bool = False) -> Optional[str]:
    """Markdown about ``word`` (an action, an action pattern or a condition key), or None when it
    is none of them. ``in_action``: the word is a value of ``Action``/``NotAction``, where a bare
    ``*`` means every action."""
    from .. import iam

    if word.endswith(":"):  # a YAML key: `sagemaker:VolumeKmsKeyArn:`
        word = word[:-1]
    if word in ("*", "*:*"):
        return _everything() if in_action else None
    prefix, sep, name = word.partition(":")
    if not sep or not prefix:
        return None
    if _WILDCARD.search(word):
        if not _ACTION_NAME.match(name) or "/" in word:
            return None
        if _WILDCARD.search(prefix) and not in_action:
            return None
        return wildcard(word)
    if iam.service_known(prefix) and _ACTION_NAME.match(name):
        act = iam.action(prefix, name)
        if act is not None:
            return action(act)
    if iam.condition_key(word) is not None:
        return condition_key(word)
    return None


def action(act) -> str:
    """An :class:`linter.iam.Action`: access level, resource types and their ARN formats,
    condition keys, the reference page."""
    from .. import iam

    lines = [f"**{_code(act.full)}** ({iam.services().get(act.service, act.service)})", ""]
    levels = " and ".join(act.access_levels)
    lines.append(f"Access level: **{levels}**")
    lines.append("")
    if act.resource_types:
        rts = iam.resource_types(act.service) or {}
        lines.append("Resource types:")
        for r in act.resource_types:
            rt = rts.get(r.name)
            arn = f": {_code(rt.arn)}" if rt is not None else ""
            lines.append(f"- {_code(r.name)}{' (required)' if r.required else ''}{arn}")
    else:
        lines.append('Resource types: none; only `"Resource": "*"` works for this action.')
    lines.append("")
    keys = list(act.supported_condition_keys)
    if keys:
        lines.append(f"Condition keys: {_listing(keys, 30)}")
    else:
        lines.append("Condition keys: only the global `aws:` keys.")
    if act.service == "sagemaker":
        from .. import kb

        if act.name.lower() in kb.actions_passing_role():
            lines += ["", "Passes an execution role: the caller also needs `iam:PassRole` on that role."]
    lines += ["", _footer(act.service, "actions-as-permissions")]
    return "\n".join(lines)


def ranked(actions) -> list:
    """Actions, most dangerous first: SageMaker's hand-ordered riskiest actions
    (:data:`linter.kb.HIGH_RISK_ACTIONS`), then by access level (Permissions management, Write,
    Tagging, Read, List), then by name."""
    from .. import kb

    risk = {n.lower(): i for i, n in enumerate(kb.HIGH_RISK_ACTIONS)}
    level = {lv: i for i, lv in enumerate(kb.ACCESS_LEVELS)}
    last = len(risk)

    def key(a):
        r = risk.get(a.name.lower(), last) if a.service == "sagemaker" else last
        return (r, level.get(a.access, len(level)), a.service, a.name.lower())

    return sorted(actions, key=key)


def wildcard(pattern: str) -> Optional[str]:
    """An action pattern: how many actions it matches, by access level, and the riskiest ones."""
    from .. import iam

    acts = iam.expand(pattern)
    if not acts:
        return None
    services = sorted({a.service for a in acts})
    where = (iam.services().get(services[0], services[0]) if len(services) == 1
             else f"{len(services)} services")
    counts: dict = {}
    for a in acts:
        counts[a.access] = counts.get(a.access, 0) + 1
    from .. import kb

    by_level = ", ".join(f"{counts[lv]} {lv}" for lv in kb.ACCESS_LEVELS if lv in counts)
    n = len(acts)
    lines = [f"{_code(pattern)} matches **{n}** action{'s' if n != 1 else ''} of {where} ({by_level}).", ""]
    top = [a.full for a in ranked(acts)[:5]]
    lines.append(f"Riskiest: {_listing(top, 5)}")
    if len(services) == 1:
        lines += ["", "Actions AWS adds later that match the pattern are granted too.",
                  "", _footer(services[0], "actions-as-permissions")]
    return "\n".join(lines)


def _everything() -> str:
    from .. import iam

    return (f"`*`: every action of every AWS service ({len(iam.services())} services in the AWS data of "
            f"{iam.data_date()}), and every action AWS adds later.")


def condition_key(key: str) -> Optional[str]:
    """A condition key: its type, whether it is multi-valued, the actions that support it."""
    from .. import iam

    rec = iam.condition_key(key)
    if rec is None:
        return None
    prefix = key.partition(":")[0].lower()
    shown = f"**{_code(key)}**" + ("" if rec.name == key else f" ({_code(rec.name)})")
    kind = {"global": "global condition key", "cross-service": "condition key usable with every service"}.get(
        rec.scope, "condition key")
    owner = iam.services().get(prefix)
    lines = [f"{shown}: {kind}{f' of {owner}' if owner and rec.scope == 'service' else ''}", ""]
    typ = rec.type or "not given by AWS"
    if rec.multivalued:
        lines.append(f"Type: `{typ}`, **multi-valued**: test it with `ForAllValues:` or `ForAnyValue:`.")
    else:
        lines.append(f"Type: `{typ}`, single-valued.")
    lines.append("")
    if rec.scope == "global":
        # every service would have to be read to list them: SageMaker's are listed
        sm = iam.actions_supporting_condition_key(rec.name, services=("sagemaker",))
        if sm:
            lines.append(f"Supported by {len(sm)} SageMaker action{'s' if len(sm) != 1 else ''} "
                         f"(and actions of other services): {_listing([a.full for a in sm])}")
        else:
            lines.append("AWS does not list it per action: it is in the request context where the "
                         "service sets it.")
        lines += ["", f"[AWS global condition context keys]({GLOBAL_KEYS})"]
        return "\n".join(lines)
    acts = iam.actions_supporting_condition_key(rec.name)
    if acts:
        lines.append(f"Supported by {len(acts)} action{'s' if len(acts) != 1 else ''}: "
                     f"{_listing([a.full for a in acts])}")
    else:
        lines.append("No action lists this key.")
        newer = iam.condition_key(rec.name + "Arn")
        if newer is not None and iam.actions_supporting_condition_key(newer.name):
            lines.append(f"Actions list {_code(newer.name)} instead.")
    if owner:
        lines += ["", _footer(prefix, "policy-keys")]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# completion


class Item:
    """A completion: ``label`` (what is inserted, unless ``insert``), ``kind`` ("action",
    "key", "service"), ``detail``."""

    __slots__ = ("label", "kind", "detail", "insert")

    def __init__(self, label: str, kind: str, detail: str = "", insert: Optional[str] = None) -> None:
        self.label = label
        self.kind = kind
        self.detail = detail
        self.insert = insert if insert is not None else label

    def __repr__(self) -> str:
        return f"Item({self.label!r}, {self.kind!r})"


def fuzzy(word: str, candidates) -> list:
    """The candidates (:class:`Item`) whose name holds the letters of ``word`` in order, any case
    (``ctj`` finds ``CreateTrainingJob``): what an editor's own filter keeps, and more; typing on
    only removes items, so an editor can filter the rest itself."""
    if not word:
        return list(candidates)
    w = word.lower()
    out = []
    for it in candidates:
        name = it.label.lower()
        i = 0
        for ch in w:
            i = name.find(ch, i) + 1
            if not i:
                break
        else:
            out.append(it)
    return out


@functools.lru_cache(maxsize=4)
def _services(with_aws: bool) -> tuple:
    from .. import iam

    out = [Item(p + ":", "service", name) for p, name in iam.services().items()]
    if with_aws:
        out.insert(0, Item("aws:", "service", "global condition keys"))
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _actions_of(prefix: str) -> tuple:
    from .. import iam

    return tuple(Item(a.full, "action", " and ".join(a.access_levels)) for a in iam.expand(prefix + ":*"))


def complete_action(word: str) -> list:
    """Completions of the action being typed (``word``, the text before the cursor): service
    prefixes before the colon, the service's actions after it (those :func:`fuzzy` keeps);
    nothing for a pattern."""
    from .. import iam

    if _WILDCARD.search(word):
        return []
    prefix, sep, rest = word.partition(":")
    if not sep:
        return fuzzy(prefix, _services(False))
    if not iam.service_known(prefix):
        return []
    items = _actions_of(prefix.lower())
    return fuzzy(prefix.lower() + ":" + rest, items) if rest else list(items)


@functools.lru_cache(maxsize=64)
def _keys_of(prefix: str) -> tuple:
    from .. import iam, kb

    if prefix == "aws":
        names = sorted(kb.global_condition_keys().values(), key=str.lower)
    else:
        seen: dict = {}
        for a in iam.expand(prefix + ":*"):
            for k in a.supported_condition_keys:
                if k.lower().startswith(prefix + ":"):
                    seen.setdefault(k.lower(), k)
        names = sorted(seen.values(), key=str.lower)
    out = []
    for n in names:
        rec = iam.condition_key(n)
        detail = (rec.type or "") if rec is not None else ""
        if rec is not None and rec.multivalued:
            detail += ", multi-valued"
        cut = n.find("${") if "${" in n else n.find("<")
        out.append(Item(n, "key", detail, n[:cut] if cut > 0 else n))
    return tuple(out)


def complete_condition_key(word: str) -> list:
    """Completions of the condition key being typed: prefixes before the colon; after it the
    global ``aws:`` keys, or the keys the service's actions support (a key no action lists any
    more is not offered). A templated key (``aws:ResourceTag/${TagKey}``) inserts its fixed part."""
    from .. import iam

    if _WILDCARD.search(word):
        return []
    prefix, sep, rest = word.partition(":")
    if not sep:
        return fuzzy(prefix, _services(True))
    low = prefix.lower()
    if low != "aws" and not iam.service_known(low):
        return []
    items = _keys_of(low)
    return fuzzy(low + ":" + rest, items) if rest else list(items)
