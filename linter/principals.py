"""The principal model: statements grouped by the principal that holds them.

A format records on each document the principals it is attached to
(:attr:`linter.model.PolicyDocument.principals`, :class:`~linter.model.Holder`); this module
groups the documents of one unit (a file, or a Terraform module directory) by principal and
answers what rules of scope ``"principal"`` ask: which statements grant an action, on what,
under which conditions, once the principal's Deny statements and permissions boundaries are
applied. An identity policy attached to no principal the source shows (a standalone policy
file, a managed policy attached elsewhere) is its own principal: whoever holds it holds at
least what it grants.

Nothing here guesses: a Deny or a boundary we cannot read (a value that is a variable) is taken
to deny, so a finding never depends on a value we do not know.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Iterable, Optional

import functools

from . import kb
from .analysis import carries, granted_sagemaker, reachable, required_keys
from .conditions import unsatisfiable
from .model import Holder, PolicyDocument, Statement, Val
from .record import Record


class Grant(Record):
    """An Allow statement of a principal that grants an action: where (``at``: the ``Action``
    value, or the ``NotAction`` key that does not exclude it), and the statement's resource
    values that can be read (None when it has ``NotResource`` or none can be read; see
    :func:`partly_read` for a list of both)."""
    __slots__ = ("doc", "statement", "action", "at", "resources")
    doc: PolicyDocument
    statement: Statement
    action: str  # the action granted, as asked ("sagemaker:CreateTrainingJob")
    at: object  # Val of the Action entry, or the NotAction Field
    resources: Optional[list]  # resolved Resource strings, or None

    @property
    def file(self) -> str:
        return self.doc.origin.file

    @property
    def span(self):
        at = self.at
        return at.span if isinstance(at, Val) else at.key_span

    @property
    def conditions(self) -> list:
        return self.statement.condition

    def condition_text(self) -> str:
        parts = []
        for c in self.statement.condition:
            vals = ", ".join(v.text for v in c.values)
            parts.append(f"{c.operator} {c.key.text} [{vals}]")
        return "; ".join(parts)


class Principal(Record):
    """One principal: its identity documents, permissions boundaries and trust policies, and
    the other principals of its unit (``peers``, itself included)."""
    __slots__ = ("holder", "documents", "boundaries", "trust", "peers", "memo")
    _defaults = {"documents": list, "boundaries": list, "trust": list, "peers": list, "memo": dict}
    holder: Holder
    documents: list
    boundaries: list
    trust: list
    peers: list
    memo: dict

    @property
    def name(self) -> str:
        return self.holder.name

    # -- what is granted ---------------------------------------------------

    def grants(self, action: str) -> list:
        """The :class:`Grant` s of ``action`` (``service:Name``, exact) that take effect: Allow
        statements of identity documents that grant it, less those an unconditional Deny of the
        same principal covers; none when a permissions boundary does not allow it."""
        key = action.lower()
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        out: list = []
        sagemaker = key.startswith("sagemaker:")
        if sagemaker and key[10:] not in self._sagemaker_granted():
            self.memo[key] = out  # no statement of the principal grants it: nothing to look at
            return out
        if self._boundary_allows(action):
            for doc, st, names in self._allows():
                if sagemaker and key[10:] not in names:
                    continue
                if st.condition and unsatisfiable(st):
                    continue  # "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}: never true, grants nothing
                if sagemaker and not carries(names[key[10:]], required_keys(st)):
                    continue  # "Null": {"sagemaker:VpcSubnets": "false"} on an action that never carries it
                at = _grants(st, action)
                if at is None:
                    continue
                g = Grant(doc, st, action, at, _resources(st))
                if not self._denied(g):
                    out.append(g)
        self.memo[key] = out
        return out

    def _allows(self) -> list:
        """(document, statement, SageMaker actions it grants) of the principal's Allow statements."""
        found = self.memo.get(" allows")
        if found is None:
            found = self.memo[" allows"] = [(doc, st, granted_sagemaker(st)) for doc in self.documents
                                            for st in doc.statements if st.is_allow]
        return found

    def _sagemaker_granted(self) -> set:
        """Lowercase names of the SageMaker actions any Allow statement of the principal grants."""
        found = self.memo.get(" sagemaker")
        if found is None:
            found = set()
            for _doc, _st, names in self._allows():
                found.update(names)
            self.memo[" sagemaker"] = found
        return found

    def _denies(self) -> list:
        found = self.memo.get(" denies")
        if found is None:
            found = self.memo[" denies"] = [st for doc in self.documents + self.boundaries
                                            for st in doc.statements if st.is_deny]
        return found

    def _denied(self, g: Grant) -> bool:
        denies = self._denies()
        return bool(denies) and any(_deny_covers(st, g) for st in denies)

    def _boundary_allows(self, action: str) -> bool:
        if not self.boundaries:
            return True
        for doc in self.boundaries:
            allowed = any(st.is_allow and _grants(st, action, strict=True) is not None and st.resource is not None
                          for st in doc.statements)
            if not allowed:
                return False  # every boundary must allow it
        return True

    # -- what the principal is ----------------------------------------------

    def trusts_service(self, service: str) -> bool:
        """Whether a trust policy of this role lets ``service`` (``sagemaker.amazonaws.com``) assume it."""
        for doc in self.trust:
            for st in doc.statements:
                if not st.is_allow or st.principal is None:
                    continue
                if not any(isinstance(v.value, str) and kb.pattern_matches(v.value, "sts:AssumeRole")
                           for v in (st.action.values if st.action is not None else ())):
                    continue
                for v in st.principal.values_of("Service"):
                    # CloudFormation's !Sub "sagemaker.${AWS::URLSuffix}" is the same principal
                    if isinstance(v.value, str) and v.value.lower().replace(
                            "${aws::urlsuffix}", "amazonaws.com") == service.lower():
                        return True
        return False

    def role_arn_matches(self, pattern: str) -> bool:
        """Whether an ``iam:PassRole`` Resource value can name this role (its IAM name must be
        known, unless the value matches every role)."""
        if self.holder.kind != "role":
            return False
        if pattern.strip("*") == "" or kb.role_arn_unscoped(pattern):
            return True
        name = self.holder.iam_name
        if not name or "role/" not in pattern:
            return False
        parts = kb.arn_segments(pattern) if pattern.startswith("arn:") else None
        tail = parts[5] if parts is not None else pattern
        if not tail.lower().startswith("role/"):
            return False
        tail = tail[5:]
        # a role's path is unknown here: the name is what follows the last slash of the pattern
        last = tail.rsplit("/", 1)[-1]
        return kb.pattern_matches(last, name) or kb.pattern_matches(tail, name)


def _grants(st: Statement, action: str, strict: bool = False):
    """Where ``st`` grants ``action``: the ``Action`` value, the ``NotAction`` field, or None.
    An unresolved value grants nothing we can know."""
    if action[:10].lower() == "sagemaker:":
        name = action[10:].lower()
        if name not in granted_sagemaker(st):  # memoized per statement
            return None
        if st.action is not None:
            # The first value that grants it: a value with a colon grants exactly the actions its
            # expansion holds (the shared name map: a dict lookup, not a wildcard match); one
            # without (an invalid "sagemaker*") is matched as written, as below.
            for v in st.action.values:
                val = v.value
                if isinstance(val, str) and (name in kb.sagemaker_by_name(val)
                                             or (":" not in val and kb.pattern_matches(val, action))):
                    return v
            return None
    if st.action is not None:
        for v in st.action.values:
            if isinstance(v.value, str) and kb.pattern_matches(v.value, action):
                return v
        return None
    if st.not_action is not None:
        vals = st.not_action.values
        if any(not isinstance(v.value, str) for v in vals):
            return None
        if not any(kb.pattern_matches(v.value, action) for v in vals):
            return st.not_action
    return None


def _resources(st: Statement) -> Optional[list]:
    """The statement's Resource strings (None: NotResource, none, or a value we cannot read);
    remembered on the statement, and shared by its grants: callers must not change the list."""
    memo = st.memo
    if memo is None:
        memo = st.memo = {}
    elif "resources" in memo:
        return memo["resources"]
    vals = None
    partial = False
    if st.resource is not None:
        vals = [v.value for v in st.resource.values]
        read = [v for v in vals if isinstance(v, str)]
        # a list with values we cannot read keeps those it can: a grant is at least as wide as its
        # widest item (["*", !Ref Extra] is "*"), which is what the rules ask of it
        partial = len(read) < len(vals)
        vals = read or None
    memo["resources"] = vals
    memo["resources_partial"] = partial
    return vals


def partly_read(st: Statement) -> bool:
    """Whether the statement's ``Resource`` holds values we cannot read beside the ones in its grants'
    :attr:`Grant.resources` (they name more than those)."""
    if st.memo is None or "resources_partial" not in st.memo:
        _resources(st)
    return st.memo["resources_partial"]


def _deny_covers(st: Statement, g: Grant) -> bool:
    """Whether a Deny statement takes away a grant whatever the request: it denies the action
    (or may: a value we cannot read), with no condition (or one we cannot read), on every
    resource or on the very resources granted."""
    if st.condition and not st.condition_unresolved:
        return False
    acts = st.action.values if st.action is not None else None
    if acts is not None:
        if not any(not isinstance(v.value, str) or kb.pattern_matches(v.value, g.action) for v in acts):
            return False
    elif st.not_action is not None:
        vals = st.not_action.values
        if all(isinstance(v.value, str) for v in vals) and any(kb.pattern_matches(v.value, g.action) for v in vals):
            return False
    else:
        return False
    if st.resource is None:
        return st.not_resource is None  # NotResource: some resource stays allowed
    vals = st.resource.values
    if any(not isinstance(v.value, str) or v.value.strip("*") == "" for v in vals):
        return True
    denied = {v.value for v in vals}
    return g.resources is not None and not partly_read(g.statement) and all(r in denied for r in g.resources)


def group(documents: Iterable[PolicyDocument]) -> list:
    """The :class:`Principal` s of a unit's documents, in the order first met."""
    by_id: dict = {}
    order: list = []

    def get(h: Holder) -> Principal:
        p = by_id.get(h.id)
        if p is None:
            p = by_id[h.id] = Principal(h)
            order.append(p)
        return p

    for doc in documents:
        holders = doc.principals
        if not holders:
            if doc.role != "identity":
                continue
            o = doc.origin
            # named by its label, else by the file's name (the same from the command line and an editor)
            holders = [Holder(f"{o.file}::{'/'.join(map(str, o.path))}", o.label or o.file.rsplit("/", 1)[-1],
                              "policy", None, o.file, doc.span)]
        for h in holders:
            p = get(h)
            if doc.role == "identity":
                p.documents.append(doc)
            elif doc.role == "boundary":
                p.boundaries.append(doc)
            elif doc.role == "trust":
                p.trust.append(doc)
    for p in order:
        p.peers = order
    return [p for p in order if p.documents or p.trust]


def release(groups: list) -> None:
    """Break the references between a unit's principals (each is its own peer, and its memo holds
    grants that point back at its documents) once the rules are done with them, so reference
    counting frees the unit's model at once instead of leaving it to the cycle collector."""
    for p in groups:
        p.peers = []
        p.memo = {}


def effective(p: Principal, action: str) -> list:
    """The grants of a SageMaker ``action`` whose resources reach the action's resource types (a
    statement on a bucket ARN grants no training job): read ones that can name one, a value we
    cannot read that may be one (a ``!Ref``, ``var.arn``: anything but another service's ARN), or a
    ``NotResource`` that leaves some of them out of its list. Only read resources are in
    ``Grant.resources`` (None when none is read: rules that need every resource of a type, such as
    every notebook, do not count such a grant; rules about what a grant lets the principal do at all
    do; beside values that cannot be read, the read ones: ``["*", !Ref Extra]`` covers everything)."""
    key = "effective:" + action.lower()
    hit = p.memo.get(key)
    if hit is not None:
        return hit
    name = action.split(":", 1)[-1].lower()
    out = [g for g in p.grants(action)
           if not g.statement.condition_unresolved and (
               _reaches(tuple(g.resources), name) if g.resources is not None and not partly_read(g.statement)
               # NotResource: every resource but the listed ones, unless they cover the action's types;
               # a value we cannot read: what its format knows of it
               else (g.statement.not_resource is not None or g.statement.resource is not None)
               and name in reachable(g.statement))]
    p.memo[key] = out
    return out


@functools.lru_cache(maxsize=4096)
def _reaches(resources: tuple, name: str) -> bool:
    """Whether resource values can name a resource of a SageMaker action's types (``"*"`` only,
    for an action with none)."""
    a = kb.sagemaker_actions().get(name)
    if a is None or not a.resource_types:
        return any(r.strip("*") == "" for r in resources)
    known = kb.resource_types()
    formats = [f for rt, _ in a.resource_types if rt in known for f in known[rt].arn_formats]
    return any(r.strip("*") == "" or any(kb.arn_could_match(r, f) for f in formats) for r in resources)


def first_of(p: Principal, actions: Iterable[str], when=None) -> list:
    """[(action, Grant)] for each of ``actions`` when the principal holds every one of them (by a
    grant ``when(grant)`` accepts, when given), else []."""
    out = []
    for action in actions:
        found = [g for g in effective(p, action) if when is None or when(g)]
        if not found:
            return []
        out.append((action, found[0]))
    return out


def granted_summary(p: Principal, limit: int = 4) -> str:
    """What a principal's Allow statements name, shortly: ``"*" on "*"``, ``s3:*, iam:* ...``."""
    key = f" summary {limit}"
    hit = p.memo.get(key)
    if hit is None:
        hit = p.memo[key] = _granted_summary(p, limit)
    return hit


def _granted_summary(p: Principal, limit: int) -> str:
    acts: list = []
    for doc in p.documents:
        for st in doc.statements:
            if st.is_allow and st.action is not None:
                for v in st.action.values:
                    if isinstance(v.value, str) and v.value not in acts:
                        acts.append(v.value)
            elif st.is_allow and st.not_action is not None:
                acts.append("NotAction " + ", ".join(v.text for v in st.not_action.values))
    if not acts:
        return ""
    return ", ".join(acts[:limit]) + (f" and {len(acts) - limit} more" if len(acts) > limit else "")


def covers_every(resources: Optional[list], rtype: str, index: int = 1) -> Optional[str]:
    """The first resource value that reaches every resource of type ``rtype`` (``notebook-instance``,
    ``user-profile``) whatever its ``index``-th path segment (the notebook's name; the profile's
    name after its domain): ``"*"``, an ARN whose resource part is only wildcards, or one whose
    segment there is only wildcards (or cut short by a trailing ``*``). A placeholder such as
    ``${sagemaker:UserProfileName}`` there scopes it."""
    for r in resources or ():
        if r.strip("*") == "":
            return r
        parts = kb.arn_segments(r)  # ${AWS::Region} holds colons
        if parts is None:
            continue
        if "${" not in parts[2] and not kb.pattern_matches(parts[2], "sagemaker"):
            continue
        res = parts[5]
        if res.strip("*") == "":
            return r
        segs = res.split("/")
        if "${" in segs[0] or not kb.pattern_matches(segs[0], rtype):
            continue  # another type (a wildcard type, "*/*", names every type)
        if len(segs) <= index:
            if segs[-1].strip("*") == "" and len(segs) > 1:
                return r
            continue
        if segs[index].strip("*") == "" and "${" not in segs[index]:
            return r
    return None


def service_wide(g: Grant) -> bool:
    """Whether a grant comes from a wildcard (``sagemaker:*``, ``*``, ``sagemaker:Create*``) or a
    ``NotAction``, which SM101, SM102 and SM103 already report: the rules about one action leave
    such grants to them and use them only to complete a path."""
    at = g.at
    if not isinstance(at, Val):
        return True
    parts = kb.split_action(at.value) if isinstance(at.value, str) else None
    return parts is None or "*" in parts[1] or "?" in parts[1]


def tag_condition(st: Statement) -> bool:
    """Whether a statement tests resource tags (``sagemaker:ResourceTag/...``, ``aws:ResourceTag/...``)."""
    return any(isinstance(c.key.value, str) and c.key.value.lower().startswith(("sagemaker:resourcetag/",
                                                                                 "aws:resourcetag/"))
               for c in st.condition)


#: Condition keys that limit where from, when or how a request is made, never which resource or
#: whose: a grant under them still reaches every resource it names.
NEUTRAL_KEYS = frozenset((
    "aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:vpcsourceip", "aws:multifactorauthpresent",
    "aws:multifactorauthage", "aws:requestedregion", "aws:securetransport", "aws:currenttime", "aws:epochtime",
    "aws:tokenissuetime", "aws:viaawsservice",
))


def conditions_within(st: Statement, allowed=frozenset(), prefixes: tuple = (), ignore=None,
                      request_side: bool = False) -> bool:
    """Whether every condition of a statement is one we know does not keep the grant from
    applying: keys in :data:`NEUTRAL_KEYS` (whatever their values: a template's own VPC endpoint or
    Region, unknown here, is still only where from), and keys in ``allowed`` or starting with
    ``prefixes`` with no value that reads a tag or a variable. Any other condition may (a principal tag the caller
    lacks, a key the action never carries): the grant is not counted, never guessed. With
    ``request_side``, the ``prefixes`` keys are what the caller sends (a new job's subnets, KMS key,
    tags): whatever their values (a ``!Ref``, a ``var.subnets``), the caller can send them."""
    if st.condition_unresolved:
        return False
    for c in st.condition:
        if ignore is not None and ignore(c):
            continue  # a clause the caller knows limits nothing it asks about
        key = c.key.value.lower() if isinstance(c.key.value, str) else None
        if key is None or not (key in NEUTRAL_KEYS or key in allowed or (prefixes and key.startswith(prefixes))):
            return False
        if key in NEUTRAL_KEYS:
            continue  # where from or when, whatever the value (a !Ref to the stack's endpoint, ${AWS::Region})
        if request_side and prefixes and key.startswith(prefixes):
            continue  # what the caller sends: it can send what the condition asks, whatever that is
        if any(not isinstance(v.value, (str, bool, int, float)) or (isinstance(v.value, str) and "${" in v.value)
               for v in c.values):
            return False
    return True


#: Keys whose condition could scope a grant to the caller's own resources (a tag, an owner).
_SCOPING_PREFIXES = ("sagemaker:resourcetag/", "aws:resourcetag/", "sagemaker:owneruserprofilearn")


def scopes_nothing(c) -> bool:
    """A clause on a resource tag or a resource's owner that every resource with the tag (or an
    owner) passes: ``Null`` ``false`` (the tag exists: any value), ``StringLike``/``ArnLike`` with
    only wildcards (``*``), or an owner ARN whose profile part is a wildcard
    (``...:user-profile/d-123/*``: every profile of the domain). It matches nothing to the caller."""
    key = c.key.value.lower() if isinstance(c.key.value, str) else ""
    if not key.startswith(_SCOPING_PREFIXES) or not c.values:
        return False
    vals = [v.value for v in c.values]
    if any(not isinstance(v, str) for v in vals):
        return False
    op = c.base_operator
    if op == "Null":
        return all(v.lower() == "false" for v in vals)
    if op in ("StringLike", "ArnLike"):
        if all(v.strip("*?") == "" for v in vals):
            return True
        if key == "sagemaker:owneruserprofilearn":
            # the profile name is the last segment: a wildcard there is any owner of the domain
            return all(v.rsplit("/", 1)[-1].strip("*?") == "" for v in vals)
    return False


def if_exists_note(g: Grant) -> str:
    """For a message about a PassRole grant counted as passing any role although an
    ``iam:PassedToService`` condition under ``...IfExists`` names other services: why it is not taken as
    a limit (true when the key is absent; its presence on every request is not documented). "" else."""
    for c in g.statement.condition:
        key = c.key.value.lower() if isinstance(c.key.value, str) else ""
        if key == "iam:passedtoservice" and c.operator.endswith("IfExists"):
            return (f"; its {c.operator} iam:PassedToService condition is true when the key is absent, so it is "
                    f"not taken as a limit")
    return ""


#: Keys that say whose account a role is in, not which role.
ACCOUNT_KEYS = ("aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths")


def passes_any_role(g: Grant) -> bool:
    """A PassRole grant on every role whose conditions do not narrow the roles or keep SageMaker out."""
    st = g.statement
    if g.resources is None or st.condition_unresolved:
        return False
    if not any(kb.role_arn_unscoped(r) for r in g.resources):
        return False
    for c in st.condition:
        key = c.key.value.lower() if isinstance(c.key.value, str) else ""
        if key in ACCOUNT_KEYS:
            continue  # which account's roles: still every role of it
        if key != "iam:passedtoservice" and key not in NEUTRAL_KEYS:
            return False  # any other key may keep the grant from applying: not guessed
        vals = [v.value.replace("${AWS::URLSuffix}", "amazonaws.com") if isinstance(v.value, str) else v.value
                for v in c.values]  # !Sub "sagemaker.${AWS::URLSuffix}": the service principal
        if any(isinstance(v, str) and "${" in v for v in vals):
            return False
        if key == "iam:passedtoservice":
            if any(not isinstance(v, str) for v in vals):
                return False
            op = c.base_operator
            if op.startswith("String") and "Not" not in op and not c.operator.endswith("IfExists"):
                if not any(kb.pattern_matches(v, "sagemaker.amazonaws.com") for v in vals):
                    return False  # passed only to other services
    return True
