"""The rule API.

A rule is a small class with metadata and a pure ``check``. Built-in rules live in
:mod:`linter.rules`, one module each, and expose ``RULE`` (an instance). Third-party
packages register rule classes or instances through the ``lint_policies.rules``
entry-point group.

Scopes:

- ``"document"``: ``check(doc, ctx)`` is called once per :class:`~linter.model.PolicyDocument`.
- ``"managed"``: ``check(ref, ctx)`` once per :class:`~linter.model.ManagedPolicyRef`.
- ``"file"``: ``check(source, ctx)`` once per :class:`~linter.sources.SourceFile`
  (its located trees, comments and text: for rules such as the credential
  detectors that look at every string, not only at policies).
- ``"credentials"``: ``check(facts, ctx)`` once per file whose format found
  :class:`~linter.model.CredentialFacts` (access keys it creates, where their secrets
  flow, its parameters, policies of IAM users); files without any are not visited.
- ``"principal"``: ``check(principal, ctx)`` once per :class:`~linter.principals.Principal`
  of a unit (a file, or a Terraform module directory): the statements of every document
  attached to one role, user or group, for paths no single statement makes. Findings are
  made with :meth:`Rule.principal_finding`: at the statement at fault, with the statements
  completing the path as related locations, labelled with the principal.

``check`` yields findings made with :meth:`Rule.finding`; the runner fills in the
file, the origin label and the logical path prefix.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Iterable, Optional

from .findings import Finding, Related
from .located import Span


class Rule:
    code: str = ""
    name: str = ""
    severity: str = "warning"  # default severity: note | warning | error
    scope: str = "document"
    summary: str = ""  # one line: what it flags
    rationale: str = ""  # why it is bad
    example: str = ""  # a document that triggers the rule
    fix: str = ""  # the same document written well ("Use instead")
    example_format: str = "json"  # json | yaml | hcl
    fix_note: str = ""  # prose accompanying the fix
    options: dict[str, str] = {}  # option name -> description
    example_options: dict = {}  # options the example and the fix are read with (an opt-in rule's configuration)
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ("security",)
    security_severity: Optional[str] = None  # SARIF security-severity; derived from severity when None
    #: Only run on documents of these roles (keys of :data:`linter.model.ROLES`); None = all.
    #: Rules about what is granted apply to ``GRANTING_ROLES``; rules about validity to all.
    roles: Optional[tuple[str, ...]] = None
    #: Facts (keys of :data:`linter.model.FACTS`) a document must hold for the rule to find
    #: anything in it: ``("condition",)`` for a rule that reads only condition clauses. The engine
    #: skips the rule on other documents, and does not even import it when no document needs it.
    requires: tuple[str, ...] = ()
    #: One sentence for the docs on which statements the rule reads ("Allow statements only").
    statements: str = ""

    def check(self, target: Any, ctx: "Context") -> Iterable[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    #: A document rule may define ``refuted_by_principal(finding, principal) -> bool``: whether the
    #: other documents of a principal holding the document make the finding false (a Deny in another
    #: policy of the role closes what the document leaves open). The engine asks it for each finding
    #: of a document that principals hold, and drops the finding when every holder refutes it.
    refuted_by_principal = None

    def finding(self, at: Any, message: str, *, severity: Optional[str] = None,
                value: Optional[str] = None, path: Optional[tuple] = None, **extra: Any) -> Finding:
        """Make a finding located at ``at`` (a Val, Field, Statement, Span or anything with ``span``)."""
        if isinstance(at, Span):
            span = at
        elif getattr(at, "span", None) is not None:
            span = at.span
        else:
            span = at.key_span  # a Field points at its key
        if path is None:
            path = getattr(at, "path", ())
        if value is None:
            v = getattr(at, "value", None)
            value = v if isinstance(v, str) else getattr(v, "text", "") if v is not None else ""
        return Finding(self.code, self.name, severity or self.severity, message, span,
                       logical_path=tuple(path), value=value or "", extra=extra)


    def principal_finding(self, principal: Any, at: Any, message: str, *, related: Iterable = (),
                          severity: Optional[str] = None, value: Optional[str] = None) -> Finding:
        """A finding of a principal rule: at ``at`` (a :class:`~linter.principals.Grant`, the
        statement at fault), its file and origin those of the document holding it, named after the
        principal; ``related``: ``(Grant, message)`` pairs, the statements completing the path."""
        doc = at.doc
        f = self.finding(at.at, message, severity=severity, value=value)
        f.file = doc.origin.file
        own = doc.origin.label
        if not own or own == principal.name or own.startswith((principal.name + " ", principal.name + ": ")):
            f.label = own or principal.name
        else:
            f.label = f"{principal.name} ({own})"
        f.extra["_doc"] = doc
        if principal.holder.kind == "policy":
            # a policy no principal is seen to hold: the engine drops this finding when the same
            # statement is reported for a principal that holds it (a policy file a Terraform role
            # reads with file(), linted on its own too)
            f.extra["_unheld"] = True
        seen = {(f.file, f.span)}
        for g, msg in related:
            key = (g.doc.origin.file, g.span)
            if key in seen:
                continue
            seen.add(key)
            f.related.append(Related(g.doc.origin.file, g.span, msg, g.doc.origin.label))
        return f


class Context:
    """What a rule may use besides its target: its options and the knowledge base."""

    __slots__ = ("options", "_kb")

    def __init__(self, options: Optional[dict] = None) -> None:
        self.options = options or {}
        self._kb = None

    @property
    def kb(self):
        if self._kb is None:
            from . import kb

            self._kb = kb
        return self._kb

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)
