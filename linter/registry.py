"""Which rules exist, and loading only the ones selected.

Built-in rules are listed here by code with their module name, name and default
severity, so that selection, ``--list-rules`` of codes and LP findings never
import a rule module that will not run. Third-party rules come from the
``lint_policies.rules`` entry-point group: each entry point loads a
:class:`~linter.rule.Rule` subclass, an instance, or a list of either.
"""
from __future__ import annotations

import sys
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Iterable, Optional

from . import import_module
from .findings import Finding
from .located import Span
from .rule import Rule

# code: (module in linter.rules, name, default severity)
BUILTIN: dict[str, tuple[str, str, str]] = {
    "LP000": ("lp000", "internal-error", "error"),
    "LP001": ("lp001", "parse-error", "error"),
    "LP002": ("lp002", "invalid-policy", "error"),
    "LP003": ("lp003", "file-too-large", "error"),
    "LP004": ("lp004", "reference-outside-root", "warning"),
    "LP100": ("lp100", "unused-suppression", "warning"),
    "LP101": ("lp101", "suppression-without-reason", "warning"),
    "SM101": ("sm101", "sagemaker-service-wildcard", "error"),
    "SM102": ("sm102", "sagemaker-action-wildcard", "error"),
    "SM103": ("sm103", "sagemaker-notaction", "error"),
    "SM104": ("sm104", "unknown-sagemaker-action", "warning"),
    "SM105": ("sm105", "broad-managed-policy", "warning"),
    "SM201": ("sm201", "sagemaker-resource-wildcard", "error"),
    "SM202": ("sm202", "sagemaker-notresource", "error"),
    "SM203": ("sm203", "sagemaker-resource-mismatch", "warning"),
    "SM204": ("sm204", "unknown-sagemaker-condition-key", "warning"),
    "SM301": ("sm301", "passrole-compute-escalation", "error"),
    "SM302": ("sm302", "notebook-takeover", "error"),
    "SM303": ("sm303", "studio-profile-takeover", "error"),
    "SM304": ("sm304", "guardrail-condition-missing", "warning"),
    "SM305": ("sm305", "guardrail-fails-open", "error"),
    "SM306": ("sm306", "tag-condition-self-bypass", "warning"),
    "SM307": ("sm307", "model-supply-chain", "note"),
    "IAM101": ("iam101", "unknown-action", "warning"),
    "IAM102": ("iam102", "unknown-condition-key", "warning"),
    "IAM103": ("iam103", "condition-key-not-supported", "warning"),
    "IAM104": ("iam104", "invalid-condition-operator", "error"),
    "IAM105": ("iam105", "missing-set-qualifier", "warning"),
    "IAM106": ("iam106", "condition-type-mismatch", "warning"),
    "IAM107": ("iam107", "invalid-condition-value", "warning"),
    "IAM108": ("iam108", "source-ip-private", "warning"),
    "IAM109": ("iam109", "invalid-resource-arn", "warning"),
    "IAM110": ("iam110", "invalid-policy-variable", "warning"),
    "IAM111": ("iam111", "policy-size-quota", "warning"),
    "IAM112": ("iam112", "inline-policies-size-quota", "warning"),
    "IAM201": ("iam201", "forallvalues-single-valued-key", "warning"),
    "IAM202": ("iam202", "foranyvalue-single-valued-key", "warning"),
    "IAM203": ("iam203", "wildcard-without-like", "warning"),
    "IAM204": ("iam204", "invalid-principal", "error"),
    "IAM205": ("iam205", "federated-action-mismatch", "error"),
    "IAM206": ("iam206", "trust-missing-action", "error"),
    "IAM207": ("iam207", "action-service-wildcard", "warning"),
    "IAM208": ("iam208", "trust-policy-action", "error"),
    "IAM301": ("iam301", "passrole-unscoped", "error"),
    "IAM302": ("iam302", "trust-wildcard-principal", "error"),
    "IAM303": ("iam303", "federated-trust-unconditioned", "error"),
    "KEY401": ("key401", "aws-access-key-id", "error"),
    "KEY402": ("key402", "aws-secret-access-key", "error"),
    "KEY403": ("key403", "aws-session-token", "error"),
    "KEY404": ("key404", "long-term-access-key-created", "warning"),
    "KEY405": ("key405", "secret-access-key-exposed", "error"),
    "KEY406": ("key406", "secret-parameter-echoed", "warning"),
    "KEY407": ("key407", "user-granted-sagemaker", "note"),
}

_G = ("identity", "resource")  # linter.model.GRANTING_ROLES
_C = ("condition",)

#: Where each built-in rule applies, known without importing it: code -> (scope, roles,
#: requires), the rule's own ``scope``, ``roles`` and ``requires`` (a test keeps the two equal).
#: The engine imports a rule only when a file has something it applies to. Rules not listed
#: apply to documents of every role: ("document", None, ()).
WHERE: dict[str, tuple[str, Optional[tuple[str, ...]], tuple[str, ...]]] = {
    "SM101": ("document", _G, ()), "SM102": ("document", _G, ()), "SM103": ("document", _G, ()),
    "SM105": ("managed", None, ()), "SM201": ("document", _G, ()), "SM202": ("document", _G, ()),
    "SM203": ("document", None, ()), "SM204": ("document", None, _C), "SM301": ("principal", None, ()),
    "SM302": ("principal", None, ()), "SM303": ("principal", None, ()), "SM304": ("principal", None, ("option:keys",)),
    "SM305": ("document", None, _C), "SM306": ("principal", None, _C), "SM307": ("principal", None, ()),
    "IAM102": ("document", None, _C), "IAM103": ("document", None, _C), "IAM104": ("document", None, _C),
    "IAM105": ("document", None, _C), "IAM106": ("document", None, _C), "IAM107": ("document", None, _C),
    "IAM108": ("document", None, _C),
    "IAM111": ("document", ("identity", "trust", "boundary", "organization"), ()),
    "IAM112": ("principal", None, ("inline",)), "IAM201": ("document", None, _C), "IAM202": ("document", None, _C),
    "IAM203": ("document", None, _C), "IAM204": ("document", ("trust", "resource", "endpoint"), ()),
    "IAM205": ("document", ("trust",), ()), "IAM206": ("document", ("trust",), ()),
    "IAM207": ("document", _G, ()), "IAM208": ("document", ("trust",), ()), "IAM301": ("document", _G, ()),
    "IAM302": ("document", ("trust", "resource"), ()),
    "IAM303": ("document", ("trust",), ()),
    "KEY401": ("file", None, ()), "KEY402": ("file", None, ()), "KEY403": ("file", None, ()),
    "KEY404": ("credentials", None, ()), "KEY405": ("credentials", None, ()), "KEY406": ("credentials", None, ()),
    "KEY407": ("credentials", None, ()),
}
_ANYWHERE = ("document", None, ())

#: Codes produced by the engine itself rather than by a rule's check.
ENGINE_CODES = ("LP000", "LP001", "LP002", "LP003", "LP004", "LP100", "LP101")

_plugins: Optional[dict[str, Rule]] = None


def _available_modules() -> set[str]:
    try:
        import linter.rules as pkg  # noqa: F401
        import os

        return {n[:-3] for n in os.listdir(pkg.__path__[0]) if n.endswith(".py")}
    except Exception:  # pragma: no cover
        return set()


def builtin_codes() -> list[str]:
    """Codes of built-in rules whose module is present."""
    mods = _available_modules()
    return [c for c, (m, _, _) in BUILTIN.items() if m in mods]


def meta(code: str) -> tuple[str, str]:
    """(name, default severity) for a code, without importing anything."""
    if code in BUILTIN:
        _, name, sev = BUILTIN[code]
        return name, sev
    rule = plugins().get(code)
    if rule is not None:
        return rule.name, rule.severity
    return code.lower(), "warning"


#: Document rules whose findings the other documents of a principal may refute (they define
#: :meth:`linter.rule.Rule.refuted_by_principal`): a run with one of them groups documents by
#: principal even when no principal rule is selected.
REFUTABLE = frozenset(("SM305",))


def refutable(code: str) -> bool:
    """Whether a rule's document findings may be refuted by a principal's other documents."""
    if code in BUILTIN:
        return code in REFUTABLE
    rule = plugins().get(code)
    return rule is not None and getattr(rule, "refuted_by_principal", None) is not None


def where(code: str) -> tuple:
    """A rule's (scope, roles, requires), importing only plugin rules."""
    if code in BUILTIN:
        return WHERE.get(code, _ANYWHERE)
    rule = plugins().get(code)
    return (rule.scope, rule.roles, tuple(rule.requires)) if rule is not None else _ANYWHERE


def scope_of(code: str) -> str:
    """A rule's scope, importing only plugin rules."""
    return where(code)[0]


def load_builtin(code: str) -> Rule:
    mod = import_module(f"linter.rules.{BUILTIN[code][0]}")
    return mod.RULE


GROUP = "lint_policies.rules"


def _entry_points() -> list[tuple[str, str]]:
    """(name, "module:attr") of every ``lint_policies.rules`` entry point on sys.path.

    ``importlib.metadata`` costs tens of milliseconds to import and parses every
    distribution's metadata; a pre-commit hook cannot afford that on every run. The
    entry points live in ``*.dist-info/entry_points.txt`` (an INI file), so we read
    just those files, and only the ones that mention our group.
    """
    import os

    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for base in sys.path:
        try:
            names = os.listdir(base or ".")
        except OSError:
            continue
        for n in names:
            if not n.endswith((".dist-info", ".egg-info")):
                continue
            key = n.split("-", 1)[0].lower().replace("_", "-")
            if key in seen:  # the first distribution of a name on sys.path wins, as in importlib.metadata
                continue
            seen.add(key)
            p = os.path.join(base or ".", n, "entry_points.txt")
            try:
                with open(p, encoding="utf-8") as fh:
                    text = fh.read()
            except OSError:
                continue
            if GROUP not in text:
                continue
            section = None
            for line in text.splitlines():
                line = line.strip()
                if not line or line[0] in "#;":
                    continue
                if line.startswith("["):
                    section = line.strip("[]").strip()
                elif section == GROUP and "=" in line:
                    name, _, value = line.partition("=")
                    found.append((name.strip(), value.split("[", 1)[0].strip()))
    return found


def plugins() -> dict[str, Rule]:
    """Rules registered by other distributions (entry-point group ``lint_policies.rules``)."""
    global _plugins
    if _plugins is None:
        _plugins = {}
        for ep_name, target in _entry_points():
            try:
                mod_name, _, attr = target.partition(":")
                obj = import_module(mod_name)
                for part in filter(None, attr.split(".")):
                    obj = getattr(obj, part)
            except Exception as e:  # a broken plugin must not break the run
                print(f"lint-policies: cannot load rule plugin {ep_name!r} ({target}): {e}", file=sys.stderr)
                continue
            items = obj if isinstance(obj, (list, tuple)) else [obj]
            for it in items:
                rule = it() if isinstance(it, type) else it
                if isinstance(rule, Rule) and rule.code and rule.code not in BUILTIN:
                    _plugins[rule.code] = rule
    return _plugins


def all_codes(include_plugins: bool = True) -> list[str]:
    codes = builtin_codes()
    if include_plugins:
        codes += sorted(plugins())
    return codes


def matches(code: str, selectors: Iterable[str]) -> Optional[int]:
    """Length of the longest selector that is a prefix of ``code`` (None when none is)."""
    best = None
    for s in selectors:
        s = s.strip().upper()
        if s == "ALL":
            s = ""
        if code.upper().startswith(s) and (best is None or len(s) > best):
            best = len(s)
    return best


def select(codes: Iterable[str], select: Optional[list[str]], ignore: list[str],
           extend_select: list[str] = ()) -> list[str]:
    """Apply ruff-style selection: the longest matching prefix decides."""
    chosen = []
    sel = list(select) if select is not None else ["ALL"]
    sel += list(extend_select)
    for code in codes:
        s = matches(code, sel)
        if s is None:
            continue
        i = matches(code, ignore)
        if i is not None and i >= s:
            continue
        chosen.append(code)
    return chosen


def load(code: str) -> Rule:
    if code in BUILTIN:
        return load_builtin(code)
    return plugins()[code]


def lp_finding(code: str, message: str, span: Span, *, file: str = "", path: tuple = (), label: str = "",
               value: Optional[str] = None) -> Finding:
    """The one place LP findings are made (reading, the grammar check, the engine, suppressions)."""
    name, severity = meta(code)
    if value is None:
        value = "" if code == "LP001" else message  # a parse error's text may quote the file
    return Finding(code, name, severity, message, span, file=file, logical_path=path, label=label, value=value)
