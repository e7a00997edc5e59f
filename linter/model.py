"""The normalized policy model: the only thing rules see.

Extractors (one per file kind, in :mod:`linter.sources`) build
:class:`PolicyDocument` objects from located trees through :func:`build_document`,
which is shared by every source so that a CloudFormation statement and a
Terraform one look the same to a rule.

Every value is a :class:`Val`: the value itself (a ``str`` -- possibly holding
``${...}`` placeholders -- an :class:`~linter.located.Unresolved`, or another
scalar), its :class:`~linter.located.Span` and its logical path from the
document root (``("Statement", 0, "Action", 1)``). Where IAM allows a string
or a list of strings, a :class:`Field` holds the list, and remembers whether
the source wrote a bare string.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Iterator, Optional

from .record import Record
from .located import LDict, LScalar, LStr, Span, Unresolved, span_of

Path = tuple  # tuple[str | int, ...]


class Val(Record):
    __slots__ = ("value", "span", "path")
    value: Any
    span: Span
    path: Path

    def __init__(self, value: Any, span: Span, path: Path) -> None:
        self.value = value
        self.span = span
        self.path = path

    @property
    def resolved(self) -> bool:
        return not isinstance(self.value, Unresolved)

    @property
    def text(self) -> str:
        """How to show the value in a message."""
        if isinstance(self.value, Unresolved):
            return self.value.text
        if isinstance(self.value, str):
            return self.value
        return repr(self.value)


class Field(Record):
    """A key such as ``Action`` with its values (always a list here)."""

    __slots__ = ("name", "key_span", "path", "values", "was_list")
    name: str
    key_span: Span
    path: Path
    values: list[Val]
    was_list: bool

    def __init__(self, name: str, key_span: Span, path: Path, values: list, was_list: bool = True) -> None:
        self.name = name
        self.key_span = key_span
        self.path = path
        self.values = values
        self.was_list = was_list

    def __iter__(self) -> Iterator[Val]:
        return iter(self.values)


class PrincipalEntry(Record):
    """One principal type and its values: ``("AWS", [Val("arn:..."), ...])``.

    ``kind`` is ``"*"`` when the whole principal is the string ``"*"``.
    """
    __slots__ = ('kind', 'key_span', 'values')

    kind: str
    key_span: Span
    values: list[Val]


class Principal(Record):
    __slots__ = ('key', 'key_span', 'path', 'entries', 'span')
    key: str  # "Principal" or "NotPrincipal"
    key_span: Span
    path: Path
    entries: list[PrincipalEntry]
    span: Span

    def values_of(self, kind: str) -> list[Val]:
        out: list[Val] = []
        for e in self.entries:
            if e.kind.lower() == kind.lower():
                out.extend(e.values)
        return out


class ConditionClause(Record):
    __slots__ = ('operator', 'operator_span', 'key', 'values')
    operator: str  # e.g. "StringEquals", "ForAnyValue:StringLike", "Null"
    operator_span: Span
    key: Val  # the condition key (value is the key name)
    values: list[Val]

    @property
    def base_operator(self) -> str:
        op = self.operator.split(":", 1)[-1]
        return op[:-9] if op.endswith("IfExists") else op


class Statement(Record):
    __slots__ = ('index', 'span', 'path', 'sid', 'effect', 'action', 'not_action', 'resource', 'not_resource', 'principal', 'not_principal', 'condition', 'condition_span', 'condition_unresolved', 'memo')
    _defaults = {'sid': None, 'effect': None, 'action': None, 'not_action': None, 'resource': None, 'not_resource': None, 'principal': None, 'not_principal': None, 'condition': list, 'condition_span': None, 'condition_unresolved': False, 'memo': None}
    index: int
    span: Span
    path: Path
    sid: Optional[Val]
    effect: Optional[Val]
    action: Optional[Field]
    not_action: Optional[Field]
    resource: Optional[Field]
    not_resource: Optional[Field]
    principal: Optional[Principal]
    not_principal: Optional[Principal]
    condition: list[ConditionClause]
    condition_span: Optional[Span]
    condition_unresolved: bool
    memo: Optional[dict]  # answers rules share (linter.analysis), computed on first use

    @property
    def is_allow(self) -> bool:
        return self.effect is not None and self.effect.value == "Allow"

    @property
    def is_deny(self) -> bool:
        return self.effect is not None and self.effect.value == "Deny"

    def condition_keys(self) -> list[str]:
        return [c.key.value.lower() for c in self.condition if isinstance(c.key.value, str)]

    def has_condition_key(self, *names: str) -> bool:
        wanted = {n.lower() for n in names}
        return any(k in wanted for k in self.condition_keys())


class Origin(Record):
    """Where a document comes from.

    ``label`` names it for a human (``AWS::IAM::Role NotebookRole Policies[0]``,
    ``aws_iam_policy.ml_team``, ``role ml-exec inline policy ml``); ``path`` is the
    logical path of the document inside its file (used in fingerprints).
    """
    __slots__ = ('file', 'kind', 'label', 'path')
    _defaults = {'label': "", 'path': ()}

    file: str
    kind: str  # policy-json | aws-cli | cloudformation | terraform | terraform-plan ...
    label: str
    path: Path


class Problem(Record):
    """A grammar problem found while normalizing (reported as LP002)."""
    __slots__ = ('message', 'span', 'path')

    message: str
    span: Span
    path: Path


#: What a policy document does where it is used (its ``role``), decided by the format
#: that found it. Rules say which roles they apply to (:attr:`linter.rule.Rule.roles`).
ROLES: dict[str, str] = {
    "identity": "grants to the principal it is attached to (inline and managed policies of roles, users "
                "and groups, permission sets, SAM function policies, a standalone policy file)",
    "resource": "grants to the principals it names, on the resource it is attached to (bucket, key, "
                "queue, topic, repository, secret, model package group policies)",
    "trust": "says who may assume a role (AssumeRolePolicyDocument, assume_role_policy)",
    "endpoint": "limits what passes through a VPC endpoint; grants nothing",
    "boundary": "a permissions boundary: caps what a principal's other policies grant; grants nothing",
    "organization": "a service or resource control policy: caps what accounts may do; grants nothing",
    "session": "a session policy passed when assuming a role: caps what the session may do; grants nothing",
}

#: Roles whose Allow statements grant permissions to someone.
GRANTING_ROLES = ("identity", "resource")


class Problems(list):
    """The problems of one document: the first :data:`MAX_PROBLEMS`, and how many more
    (``more``, the first of them ``first_more``). A document of a million broken
    statements keeps a thousand problems, not a million."""

    MAX_PROBLEMS = 1000
    more = 0
    first_more = None

    def append(self, p: Problem) -> None:
        if len(self) < self.MAX_PROBLEMS:
            list.append(self, p)
        else:
            if not self.more:
                self.first_more = p
            self.more += 1


class Holder(Record):
    """An IAM principal a document is attached to, as its format read it: a role, user or group
    of a template or module (the principal model, :mod:`linter.principals`).

    ``id`` is stable and unique within a run (the file or module directory, then the resource:
    ``infra/ml::aws_iam_role.exec``); ``name`` names it for a human (``aws_iam_role.exec``,
    ``AWS::IAM::Role NotebookRole``); ``kind`` is ``role``, ``user``, ``group`` or ``policy``
    (a policy attached to no principal the source shows: it is its own holder); ``iam_name``
    is the principal's IAM name when the source writes it literally (``RoleName``, ``name``),
    else None; ``span`` is where the principal is defined (its resource), when known."""
    __slots__ = ('id', 'name', 'kind', 'iam_name', 'file', 'span')
    _defaults = {'kind': "role", 'iam_name': None, 'file': "", 'span': None}

    id: str
    name: str
    kind: str
    iam_name: Optional[str]
    file: str
    span: Optional[Span]


#: How AWS keeps an identity document (:attr:`PolicyDocument.attachment`), decided by its format;
#: it decides the document's size quota (IAM111, IAM112).
ATTACHMENTS: dict[str, str] = {
    "managed": "a customer managed policy: an object of its own, attached to principals by reference "
               "(``AWS::IAM::ManagedPolicy``, ``aws_iam_policy``); a permissions boundary is one",
    "inline": "embedded in each role, user or group it is attached to, where it counts toward that "
              "principal's aggregate size of inline policies (a role's ``Policies``, ``AWS::IAM::Policy``, "
              "``aws_iam_role_policy``, a SAM function's or a Serverless service's policies)",
}


class PolicyDocument(Record):
    __slots__ = ('origin', 'span', 'role', 'version', 'statements', 'problems', 'raw', 'principals',
                 'attachment', 'sized', 'conditional', 'context', 'instance')
    _defaults = {'role': "identity", 'version': None, 'statements': list, 'problems': list, 'raw': None,
                 'principals': list, 'attachment': None, 'sized': False, 'conditional': False, 'context': False,
                 'instance': False}
    origin: Origin
    span: Span
    role: str  # a key of ROLES
    version: Optional[Val]
    statements: list[Statement]
    problems: list[Problem]
    raw: Any
    #: The principals (:class:`Holder`) the document is attached to, when its format can tell
    #: (identity policies, permissions boundaries and trust policies of roles). Empty: attached
    #: to nothing the source shows (a standalone policy file is its own holder).
    principals: list[Holder]
    #: A key of :data:`ATTACHMENTS` (``managed``, ``inline``), or None when the format cannot tell (a
    #: standalone policy file may become either) or the document is no identity policy.
    attachment: Optional[str]
    #: Whether ``raw`` is the document as it is sent to AWS, up to the values the format cannot read
    #: (a ``Ref``, a ``var.x``, an interpolation), and held to a quota the linter checks, so that its
    #: size is a lower bound of what the quota counts. False where it is not: a copy read back from
    #: AWS (the AWS CLI's output, which AWS accepted whatever its size), a standalone identity policy
    #: file (it may be a copy of an AWS managed policy, which AWS keeps at any size), a document a tool
    #: rewrites when deploying (CDK splits large policies), a branch union (a CloudFormation ``Fn::If``
    #: inside the document), a template whose directives (``%{ for }``) may repeat or drop text, a
    #: policy of a permission set or a resource policy (quotas of their own).
    sized: bool
    #: Whether the source may not deploy the document at all (a CloudFormation resource with a
    #: ``Condition`` or a document an ``Fn::If`` chooses, a Terraform resource with ``count`` or
    #: ``for_each``): checked against its own quota, but left out of a principal's sums.
    conditional: bool
    #: Whether the document is read only to complete its principals' picture: it is checked where it
    #: is written, so no document rule runs on it here, and a principal finding at fault in it is not
    #: reported from here (the documents of a Terraform module a call instantiates that the call's
    #: values do not change).
    context: bool
    #: Whether the document is read with values or principals another file gives it (a Terraform module
    #: read for a call; a policy file read as the Terraform file or script that uses it reads it): a
    #: finding that other reading also makes at the same place is reported once, as that reading
    #: makes it.
    instance: bool

    def allow_statements(self) -> Iterator[Statement]:
        for s in self.statements:
            if s.is_allow:
                yield s

    def facts(self) -> frozenset:
        """Which of :data:`FACTS` hold for the document: a rule that ``requires`` a fact the
        document lacks cannot find anything in it, and is neither run on it nor imported for it."""
        conditioned = any(st.condition for st in self.statements)
        if self.attachment == "inline":
            return _INLINE_CONDITION if conditioned else _INLINE
        return _CONDITION if conditioned else _NONE


#: What a document may hold that some rules need in order to find anything (:attr:`linter.rule.Rule.requires`).
#: A principal holds the facts of its documents together. ``option:NAME`` in a rule's ``requires``
#: stands for its option NAME being configured (an opt-in rule).
FACTS = {
    "condition": "a statement has at least one condition clause (an operator with a key), "
                 "however it is written",
    "inline": "the document is an inline policy (its ``attachment`` is ``inline``)",
}
_CONDITION = frozenset(("condition",))
_INLINE = frozenset(("inline",))
_INLINE_CONDITION = _CONDITION | _INLINE
_NONE = frozenset()


class ManagedPolicyRef(Record):
    """A managed policy attached to a principal, by ARN or name (SM105).

    ``name`` is the policy's path and name as written (``job-function/DataScientist``; "" when
    the value is not known), ``aws_managed`` whether it is an AWS managed policy (account
    ``aws`` in the ARN, or a bare name, which SAM resolves to one; None when unknown). Build
    it with :meth:`of`. ``context`` says how it is attached when that is not plain (``the default of
    parameter PolicyArn``), for messages.
    """
    __slots__ = ('value', 'origin', 'name', 'aws_managed', 'context')
    _defaults = {'name': "", 'aws_managed': None, 'context': ""}

    value: Val
    origin: Origin
    name: str
    aws_managed: Optional[bool]
    context: str

    @classmethod
    def of(cls, value: Val, origin: Origin, context: str = "") -> "ManagedPolicyRef":
        name, aws = _policy_name(value.value)
        return cls(value, origin, name, aws, context)


def _policy_name(value: Any) -> tuple:
    """``(path/name, aws_managed)`` of a managed policy ARN or bare name; ``("", None)`` if unknown."""
    if not isinstance(value, str) or not value:
        return "", None
    if value.startswith("arn:"):
        import re

        m = re.match(r"arn:(?:\$\{[^}]*\}|[A-Za-z0-9-]*):iam::([^:]*):policy/(.+)$", value)
        return (m.group(2).strip("/"), m.group(1) == "aws") if m else ("", None)
    if "${" in value or ":" in value:
        return "", None
    return value.strip("/"), True  # SAM resolves a bare name to an AWS managed policy ARN


# ---------------------------------------------------------------------------
# Building the model from a located tree

_STATEMENT_KEYS = {
    "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
    "Principal", "NotPrincipal", "Condition",
}


def _val(node: Any, path: Path, default_span: Span) -> Val:
    if isinstance(node, LScalar):
        return Val(node.value, node.span, path)
    if isinstance(node, Unresolved):
        return Val(node, node.span, path)
    if isinstance(node, LStr):
        return Val(str(node), node.span, path)
    return Val(node, span_of(node, default_span), path)


def _field(name: str, node: Any, key_span: Span, path: Path, problems: list[Problem],
           allow_non_str: bool = False) -> Field:
    vals: list[Val] = []
    was_list = isinstance(node, list)
    items = node if was_list else (node,)
    for i, item in enumerate(items):
        p = path + (i,) if was_list else path
        if type(item) is LStr:  # most values: _val's first case, without the call
            vals.append(Val(str(item), item.span, p))
            continue
        if isinstance(item, (dict, list)):
            problems.append(Problem(f"{name} must be a string or a list of strings", span_of(item, key_span), p))
            continue
        v = _val(item, p, key_span)
        if not allow_non_str and not isinstance(v.value, (str, Unresolved)):
            problems.append(Problem(f"{name} must be a string or a list of strings, not {v.text}", v.span, p))
            continue
        vals.append(v)
    return Field(name, key_span, path, vals, was_list)


def _principal(key: str, node: Any, key_span: Span, path: Path, problems: list[Problem]) -> Principal:
    entries: list[PrincipalEntry] = []
    if isinstance(node, dict):
        for k, v in node.items():
            ks = node.key_span(k) if isinstance(node, LDict) else key_span
            f = _field(f"{key}.{k}", v, ks, path + (str(k),), problems)
            entries.append(PrincipalEntry(str(k), ks, f.values))
    elif isinstance(node, (LStr, str, Unresolved)):
        v = _val(node, path, key_span)
        entries.append(PrincipalEntry("*" if v.value == "*" else "?", key_span, [v]))
        if v.value != "*" and isinstance(v.value, str):
            problems.append(Problem(f'{key} must be "*" or a mapping such as {{"AWS": ...}}', v.span, path))
    else:
        problems.append(Problem(f'{key} must be "*" or a mapping', span_of(node, key_span), path))
    return Principal(key, key_span, path, entries, span_of(node, key_span))


def _condition(node: Any, key_span: Span, path: Path, st: Statement, problems: list[Problem]) -> None:
    st.condition_span = key_span
    if isinstance(node, Unresolved):
        st.condition_unresolved = True
        return
    if not isinstance(node, dict):
        problems.append(Problem("Condition must be a mapping of operators", span_of(node, key_span), path))
        return
    for op, block in node.items():
        op_span = node.key_span(op) if isinstance(node, LDict) else key_span
        if isinstance(block, Unresolved):
            st.condition_unresolved = True
            continue
        if not isinstance(block, dict):
            problems.append(Problem(f"Condition operator {op} must map condition keys to values",
                                    span_of(block, op_span), path + (str(op),)))
            continue
        for ckey, cval in block.items():
            ck_span = block.key_span(ckey) if isinstance(block, LDict) else op_span
            cpath = path + (str(op), str(ckey))
            f = _field(f"Condition {op} {ckey}", cval, ck_span, cpath, problems, allow_non_str=True)
            st.condition.append(ConditionClause(str(op), op_span, Val(str(ckey), ck_span, cpath), f.values))


def build_statement(node: Any, index: int, path: Path, problems: list[Problem]) -> Optional[Statement]:
    span = span_of(node)
    if not isinstance(node, dict):
        problems.append(Problem("each Statement must be a mapping", span, path))
        return None
    st = Statement(index=index, span=span, path=path)
    for dup, dspan in getattr(node, "duplicates", ()):
        problems.append(Problem(f"duplicate key {dup!r} in statement (the last one wins)", dspan, path + (dup,)))
    for k, v in node.items():
        ks = node.key_span(k) if isinstance(node, LDict) else span
        kp = path + (str(k),)
        if k == "Sid":
            st.sid = _val(v, kp, ks)
        elif k == "Effect":
            st.effect = _val(v, kp, ks)
        elif k in ("Action", "NotAction", "Resource", "NotResource"):
            f = _field(str(k), v, ks, kp, problems)
            setattr(st, {"Action": "action", "NotAction": "not_action",
                         "Resource": "resource", "NotResource": "not_resource"}[k], f)
        elif k in ("Principal", "NotPrincipal"):
            pr = _principal(str(k), v, ks, kp, problems)
            if k == "Principal":
                st.principal = pr
            else:
                st.not_principal = pr
        elif k == "Condition":
            _condition(v, ks, kp, st, problems)
    return st


def build_document(node: Any, origin: Origin, role: str = "identity",
                   statements_path: Optional[tuple] = None) -> PolicyDocument:
    """Normalize a located policy document (a mapping with ``Statement``).

    Logical paths start at ``origin.path``; the statements are at ``origin.path +
    ("Statement",)`` unless the format writes them elsewhere (``statements_path``: a
    Serverless ``provider.iam.role.statements`` list is the statements themselves).
    """
    doc = PolicyDocument(origin=origin, span=span_of(node), role=role, raw=node, problems=Problems())
    base = origin.path
    if not isinstance(node, dict):
        doc.problems.append(Problem("a policy document must be a mapping", doc.span, base))
        return doc
    for dup, dspan in getattr(node, "duplicates", ()):
        doc.problems.append(Problem(f"duplicate key {dup!r} in policy document", dspan, base + (dup,)))
    if "Version" in node:
        doc.version = _val(node["Version"], base + ("Version",), node.key_span("Version") if isinstance(node, LDict) else doc.span)
    stmts = node.get("Statement")
    spath = base + ("Statement",) if statements_path is None else statements_path
    if stmts is None:
        doc.problems.append(Problem("policy document has no Statement", doc.span, base))
        return doc
    if isinstance(stmts, Unresolved):
        return doc
    if isinstance(stmts, dict):
        st = build_statement(stmts, 0, spath, doc.problems)
        if st:
            doc.statements.append(st)
    elif isinstance(stmts, list):
        for i, s in enumerate(stmts):
            if isinstance(s, Unresolved):
                continue
            st = build_statement(s, i, spath + (i,), doc.problems)
            if st:
                doc.statements.append(st)
    else:
        doc.problems.append(Problem("Statement must be a mapping or a list of mappings", span_of(stmts, doc.span), spath))
    return doc


# ---------------------------------------------------------------------------
# Credential facts: what a template or module does with long-term credentials
#
# Formats fill :class:`CredentialFacts` (``SourceFile.credentials``) from the resources,
# outputs, parameters and references they read; rules of scope ``"credentials"`` (KEY404-
# KEY407) read only these records and never the file.

#: Where the secret of an access key is kept once created (:attr:`AccessKey.store`).
KEY_STORES: dict[str, str] = {
    "template": "handed to the template (an attribute of the key resource) and kept wherever the template "
                "passes it",
    "app": "an attribute of the key construct in a CDK app (``secretAccessKey``), kept wherever the app "
           "passes it",
    "state": "stored in plain text in the deployment state",
    "state-encrypted": "stored in the deployment state only encrypted with a PGP key",
    "state-unknown": "stored in the deployment state, in plain text unless the PGP key given is set",
    "output": "returned by the command or API call that creates it (a terminal, a log, a variable)",
}

#: Where a value can flow (:attr:`SecretFlow.sink`): a phrase for messages and whether
#: whoever can read the place reads the value in plain text.
SINKS: dict[str, tuple[str, bool]] = {
    "output": ("an output", True),
    "exported-output": ("an exported output", True),
    "sensitive-output": ("an output marked sensitive", False),
    "container-env": ("a model container's environment", True),
    "lifecycle-config": ("a notebook or Studio lifecycle configuration", True),
    "function-env": ("a function's environment variables", True),
    "task-env": ("a container definition of a task definition", True),
    "environment": ("environment variables", True),
    "ssm-string": ("an SSM parameter of type String", True),
    "user-data": ("instance user data", True),
    "secret-store": ("a Secrets Manager secret", False),
    "secure-parameter": ("an SSM SecureString parameter", False),
}


class AccessKey(Record):
    """A long-term access key (an IAM user's) that the template or module creates."""

    __slots__ = ("name", "label", "span", "path", "store", "file")
    _defaults = {"file": ""}
    name: str  # how the file names it: logical ID, Terraform address
    label: str  # origin label (``AWS::IAM::AccessKey DeployKey``)
    span: Span  # where it is declared
    path: Path
    store: str  # a key of KEY_STORES
    file: str  # display path of the file declaring it ("" : the file being read)


class SecretFlow(Record):
    """The secret of ``key`` is written into a place of kind ``sink`` (a key of :data:`SINKS`)."""

    __slots__ = ("key", "sink", "name", "label", "span", "path")
    key: AccessKey
    sink: str
    name: str  # the place: output name, environment variable, resource
    label: str
    span: Span  # the reference to the secret (or the value holding it)
    path: Path


class SecretInput(Record):
    """A template parameter or module variable: a value given from outside at deploy time."""

    __slots__ = ("name", "label", "span", "path", "hidden", "hide_with", "type")
    _defaults = {"type": ""}
    name: str
    label: str
    span: Span  # its name
    path: Path
    hidden: Optional[bool]  # NoEcho / sensitive (or Terraform's ephemeral): True, False, or None when not known
    hide_with: str  # what hides it, as written in this format (``NoEcho: true``)
    type: str  # its declared type as written (``Number``, ``bool``); "bool" for a true/false choice; "" unknown


class UserGrant(Record):
    """A policy attached directly to an IAM user: an inline document, or a managed policy."""

    __slots__ = ("user", "document", "managed")
    _defaults = {"document": None, "managed": None}
    user: str  # how the file names the user ("" when it does not say)
    document: Optional[PolicyDocument]
    managed: Optional[ManagedPolicyRef]


class CredentialFacts(Record):
    __slots__ = ("keys", "flows", "inputs", "user_grants")
    _defaults = {"keys": list, "flows": list, "inputs": list, "user_grants": list}
    keys: list[AccessKey]
    flows: list[SecretFlow]
    inputs: list[SecretInput]
    user_grants: list[UserGrant]

    def __bool__(self) -> bool:
        return bool(self.keys or self.flows or self.inputs or self.user_grants)
