"""IAM written in program code: AWS CDK apps (Python, TypeScript, JavaScript) and policy
dictionaries in Python scripts (boto3), read statically.

The code is never imported, run or synthesised. Each language's module
(:mod:`linter.sources.python_code`, :mod:`linter.sources.typescript_code`) parses a file
and turns the parts that matter into the small language-neutral tree of this module
(:class:`N`: strings, lists, mappings, names, attribute accesses, calls, templates,
concatenations), plus what the file binds to names (:class:`Code`). :func:`extract` then
reads the CDK constructs the same way whatever the language:

* ``iam.PolicyStatement(...)`` wherever it appears, with its builder methods
  (``add_actions``, ``addResources``, ``add_condition``...);
* where statements go: ``add_to_policy`` / ``add_to_principal_policy`` /
  ``add_to_role_policy`` / ``add_statements`` on a construct (one identity document per
  construct, as ``cdk synth`` merges them into its default policy), ``add_to_resource_policy``
  (resource), ``PolicyDocument(statements=[...])``, ``inline_policies``, ``iam.Policy`` /
  ``iam.ManagedPolicy`` ``statements`` or ``document``, ``PolicyDocument.from_json`` /
  ``fromJson``;
* ``iam.Role(assumed_by=...)``: the trust policy ``cdk synth`` writes for the principal
  (service, account, ARN, any, federated, web identity, OpenID Connect, SAML, organization,
  composite principals; ``with_conditions``, ``external_ids``), and the statements
  ``role.assume_role_policy.add_statements`` adds to it;
* managed policies: ``ManagedPolicy.from_aws_managed_policy_name`` /
  ``from_managed_policy_arn``, ``managed_policy_arns`` of L1 roles, ``{managedPolicyArn: ...}``
  literals and boto3 ``attach_*_policy(PolicyArn=...)``;
* L1 constructs (``CfnRole``, ``CfnPolicy``, ``CfnManagedPolicy``...) with literal documents;
* any literal mapping shaped like a policy document (a ``Statement`` list of statements with
  ``Effect`` / ``Action``): boto3 ``put_role_policy``, ``create_policy``, ``json.dumps({...})``.

Values: literals, names bound once in the file (and never changed), concatenation and
f-strings / template literals. A part that is not known (``self.account``,
``${this.region}``, a parameter) becomes a ``${...}`` placeholder inside a string, or an
:class:`~linter.located.Unresolved` value when it is the whole value: rules never guess it.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from ..located import LDict, LList, LScalar, LStr, Span, Unresolved, span_of
from ..located import copy_dict as _copy
from ..model import ManagedPolicyRef, Origin, Val, build_document
from .base import role_by_content

#: Attributes of CDK constructs that are always the ARN of a resource of one service (Python and
#: TypeScript spellings): ``bucket.bucket_arn`` names no SageMaker resource.
_ARN_ATTRIBUTES = {name: svc for svc, names in (
    ("s3", ("bucketArn", "bucket_arn")), ("dynamodb", ("tableArn", "table_arn")),
    ("sns", ("topicArn", "topic_arn")), ("sqs", ("queueArn", "queue_arn")), ("kms", ("keyArn", "key_arn")),
    ("lambda", ("functionArn", "function_arn")), ("secretsmanager", ("secretArn", "secret_arn")),
    ("logs", ("logGroupArn", "log_group_arn")), ("ecr", ("repositoryArn", "repository_arn")),
    ("states", ("stateMachineArn", "state_machine_arn")), ("iam", ("roleArn", "role_arn")),
    ("kinesis", ("streamArn", "stream_arn")), ("cognito-idp", ("userPoolArn", "user_pool_arn")),
    ("events", ("eventBusArn", "event_bus_arn", "ruleArn", "rule_arn")),
    ("ssm", ("parameterArn", "parameter_arn"))) for name in names}

#: Deepest nesting of values followed (names through names, calls in calls).
MAX_DEPTH = 60


class N:
    """One node of the language-neutral tree.

    ``kind`` and its fields: ``str`` (a: text), ``num`` / ``bool`` / ``null`` (a: value),
    ``list`` (a: items), ``dict`` (a: ``[(key node or None for a spread, value node)]``),
    ``name`` (a: identifier), ``attr`` (a: object node, b: attribute name), ``call``
    (a: callee node, b: positional arguments, c: ``[(keyword, keyword span, node)]``),
    ``tmpl`` (a: parts, each a ``str`` or a node), ``add`` (a, b: operands), ``spread``
    (a: node), ``other`` (a: source text, for messages).
    """

    __slots__ = ("kind", "span", "a", "b", "c")

    def __init__(self, kind: str, span: Span, a: Any = None, b: Any = None, c: Any = None) -> None:
        self.kind = kind
        self.span = span
        self.a = a
        self.b = b
        self.c = c

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"N({self.kind}, {self.a!r}, {self.b!r})"


class _CountingSet(set):
    """A set that counts how many times each element was added (a name changed by appends only)."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict = {}

    def add(self, x) -> None:
        self.counts[x] = self.counts.get(x, 0) + 1
        super().add(x)

    def update(self, *others) -> None:
        for o in others:
            for x in o:
                self.add(x)


class Code:
    """What a language module read from one file.

    ``calls``: every call, ``(node, stack)`` in source order, ``stack`` the name of the
    enclosing class ("" at module level); ``dicts``: every mapping literal with a
    ``Statement`` key, ``(node, stack, bound name or "")``; ``bindings``: name -> the value
    nodes bound to it (None for a binding whose value is not known: a parameter, a loop
    variable, an import); ``mutations``: name -> method calls made on it as statements
    (``stmt.add_actions(...)``); ``changed``: names changed in place (``+=``, ``append``);
    ``filled``: name -> the paths of the parts of its value the code assigns
    (``policy["Statement"][0]["Resource"] = arn``: ``("Statement", 0, "Resource")``; None for a path
    with a key not known), which the mapping as written does not hold when it is used;
    ``targets``: construct variables (plain or ``self.x``/``this.x``) -> the call bound to them;
    ``loops``: loop variable -> ``[(span of the loop, the node it iterates over)]`` (``for arn in
    [...]``, ``items.forEach((s) => ...)``); ``roots``:
    ``id`` of a ``PolicyStatement`` call -> what to read for it when no construct takes it (the
    name it is bound to, so that its builder calls count, or the end of a builder chain);
    ``returns``: function or method name -> one :class:`_Fn` per definition (its parameters and the
    nodes its ``return`` statements give: a helper that builds a statement, ``def
    training_statement(): return iam.PolicyStatement(...)``); ``members``: ``(class, "this.role")``
    -> the call the class assigns to that member (``this.role = new iam.Role(...)``).
    """

    __slots__ = ("calls", "dicts", "bindings", "mutations", "changed", "filled", "added", "targets", "language",
                 "loops", "roots", "grown", "returns", "members")

    def __init__(self, language: str) -> None:
        self.language = language
        self.calls: list = []
        self.dicts: list = []
        self.bindings: dict = {}
        self.mutations: dict = {}
        self.changed: set = _CountingSet()
        self.filled: dict = {}
        self.added: dict = {}  # name -> [("append" | "extend", node)]: statements added to its policy mapping
        # name -> [("append" | "extend", node)]: items added to the list bound to it (statements = [];
        # statements.append(...)); a name changed any other way is in ``changed`` only
        self.grown: dict = {}
        self.targets: dict = {}
        self.loops: dict = {}
        self.roots: dict = {}
        self.returns: dict = {}
        # (class, "this.role" / "self.role") -> the call a class assigns to that member
        self.members: dict = {}

    def define(self, name: str, params: tuple = ()) -> list:
        """A function or method ``name`` is defined with ``params`` (:class:`Param` s): the list its
        returned nodes go to."""
        fn = _Fn(params)
        self.returns.setdefault(name, []).append(fn)
        return fn.returns

    def loop(self, name: str, span: Span, over: Optional[N]) -> None:
        """``name`` takes each item of ``over`` in the loop (or ``forEach`` function) written at ``span``."""
        self.loops.setdefault(name, []).append((span, over))

    def bind(self, name: str, value: Optional[N]) -> None:
        self.bindings.setdefault(name, []).append(value)

    def grow(self, name: str, how: str, arg: Optional[N]) -> None:
        """``name.append(arg)`` / ``name.extend(arg)`` (``push`` in TypeScript: ``append``)."""
        self.grown.setdefault(name, []).append((how, arg))

    def root(self, value: Optional[N], name: Optional[N] = None) -> None:
        """Note what a statement at the start of ``value`` (``PolicyStatement(...)``, or a builder
        chain on one) is read as: ``name`` when the value is bound to one, else ``value``."""
        base = chain_base(value)
        if base is not None:
            self.roots[id(base)] = name if name is not None else value


class Param:
    """A parameter of a function: its name, the node of its default (None: none written) and its
    kind: ``pos`` (positional or keyword), ``kw`` (keyword only), ``star`` (``*args``, ``**kw``,
    ``...rest``: not followed)."""

    __slots__ = ("name", "default", "kind")

    def __init__(self, name: str, default: Optional[N], kind: str) -> None:
        self.name, self.default, self.kind = name, default, kind


class _Fn:
    __slots__ = ("params", "returns")

    def __init__(self, params: tuple) -> None:
        self.params = params
        self.returns: list = []


def chain_base(n: Optional[N]) -> Optional[N]:
    """The ``PolicyStatement(...)`` call a builder chain starts from, or None."""
    depth = 0
    while n is not None and n.kind == "call" and n.a.kind == "attr" and n.a.a.kind == "call" and depth < 100:
        n, depth = n.a.a, depth + 1
    return n if n is not None and n.kind == "call" and last_name(n.a) == "PolicyStatement" else None


# ---------------------------------------------------------------------------
# Names


def snake(name: str) -> str:
    """``addToPolicy`` -> ``add_to_policy`` (props and methods are compared in snake case)."""
    if not name or name.islower():
        return name
    out = []
    for i, ch in enumerate(name):
        if ch.isupper():
            if i and name[i - 1] != "_":
                out.append("_")
            out.append(ch.lower())
        else:
            out.append(ch)
    return "".join(out)


def last_name(n: Optional[N]) -> str:
    if n is None:
        return ""
    if n.kind == "name":
        return n.a
    if n.kind == "attr":
        return n.b
    return ""


def text(n: Optional[N], depth: int = 0) -> str:
    """How a node is written, roughly (for messages and placeholders)."""
    if n is None or depth > 8:
        return "..."
    k = n.kind
    if k == "name":
        return n.a
    if k == "attr":
        return f"{text(n.a, depth + 1)}.{n.b}"
    if k == "call":
        return f"{text(n.a, depth + 1)}(...)"
    if k == "str":
        return repr(n.a)
    if k in ("num", "bool"):
        return str(n.a)
    if k == "other":
        return n.a or "expression"
    return {"list": "[...]", "dict": "{...}", "tmpl": "template", "add": "expression", "spread": "...",
            "null": "None"}.get(k, "expression")


def _placeholder(n: N) -> str:
    """``${name}`` for a part of a string that is not known; only name characters are kept,
    so that it can never read as an IAM policy variable (``${aws:username}``) or close early."""
    t = "".join(ch for ch in text(n).replace("(...)", "") if ch.isalnum() or ch in "._")[:60].strip(".") or "expression"
    return "${" + t + "}"


_STATEMENT_PROPS = {"sid": "Sid", "effect": "Effect", "actions": "Action", "not_actions": "NotAction",
                    "resources": "Resource", "not_resources": "NotResource", "conditions": "Condition"}
_ADD_TARGETS = {"add_actions": "Action", "add_action": "Action", "add_not_actions": "NotAction",
                "add_resources": "Resource", "add_resource": "Resource", "add_not_resources": "NotResource"}
_IDENTITY_METHODS = ("add_to_policy", "add_to_principal_policy", "add_to_role_policy", "add_statements",
                     "add_to_task_role_policy")
#: Members that are the role of the construct they belong to (``fn.role``, ``fn.grant_principal``,
#: an ECS task definition's ``task_role``).
ROLE_MEMBERS = ("role", "grant_principal", "task_role")
#: The keywords the Python CDK names a statement argument by (``statement=`` of the identity
#: methods, ``permission=`` of ``add_to_resource_policy``).
_STATEMENT_KEYWORDS = ("statement", "statements", "permission")
#: ... and a policy argument (``add_managed_policy(policy=...)``, ``attach_inline_policy(policy=...)``,
#: ``attach_to_role(role=...)``).
_POLICY_KEYWORDS = ("policy", "policies", "role", "user", "group")


def call_args(call: N, keywords: tuple) -> list:
    """The positional arguments of ``call``, then the values of its keyword arguments named one of
    ``keywords`` (in snake case): the same argument however the Python code passes it."""
    args = list(call.b or ())
    for kw, _, v in call.c or ():
        if kw and snake(kw) in keywords:
            args.append(v)
    return args
_RESOURCE_METHODS = ("add_to_resource_policy",)
_L1_DOCUMENT = {"CfnPolicy": "identity", "CfnManagedPolicy": "identity", "CfnUserPolicy": "identity",
                "CfnGroupPolicy": "identity", "CfnRolePolicy": "identity", "CfnVPCEndpoint": "endpoint"}
#: Constructs whose add_to_policy writes a VPC endpoint policy (grants nothing), by snake-case name.
_ENDPOINTS = frozenset(("interface_vpc_endpoint", "gateway_vpc_endpoint", "add_interface_endpoint",
                        "add_gateway_endpoint"))
#: Principal classes: (principal type, the assume-role action cdk synth writes for them).
_WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
_SAML = "sts:AssumeRoleWithSAML"
PARTITION_ROOT = "arn:${AWS::Partition}:iam::%s:root"


class _Stmt(LDict):
    """A statement built from a ``PolicyStatement``: a mapping, as a template would hold it."""

    __slots__ = ()


class _Doc(LDict):
    """A policy document built from a ``PolicyDocument``."""

    __slots__ = ()


class _Principals:
    """What a principal expression stands for: ``[(type, value, conditions, action, span)]``."""

    __slots__ = ("entries", "tags")

    def __init__(self, entries: list) -> None:
        self.entries = entries
        self.tags = False


# ---------------------------------------------------------------------------
# Reading values


class Reader:
    def __init__(self, code: Code, src=None) -> None:
        self.code = code
        self.src = src  # the file read: policy files it names are found from its directory
        self.json_of: dict = {}  # id of a tree or statement read from a policy file -> that file's path
        self.json_read: dict = {}  # relative name -> the tree read (None: not found or not a policy)
        self.consumed: set = set()  # ids of the statement / document / mapping nodes read into a document
        self.visiting: set = set()
        self.depth = 0
        # the parameters of the functions being followed, innermost last: name -> (node, whether the
        # node is the caller's: read in the caller's scope) or None (not known)
        self.params: list = []

    # -- names -------------------------------------------------------------
    def const(self, name: str) -> Optional[N]:
        """What ``name`` is bound to, when the file binds it to one value (a declaration with
        ``None``/``null``/``undefined`` before it does not count: ``let doc = undefined; if (...)
        doc = new PolicyDocument(...)``)."""
        vals = self.code.bindings.get(name)
        if vals and len(vals) > 1:
            vals = [v for v in vals if v is None or v.kind != "null"]
        if not vals or len(vals) != 1 or vals[0] is None or name in self.code.changed:
            return None
        return vals[0]

    def grown_list(self, n: N) -> Optional[LList]:
        """The list a name is bound to once, with the items the code appends to it and only appends
        (``statements = []``, ``statements.append(iam.PolicyStatement(...))``, in the order written),
        or None."""
        name = n.a
        grown = self.code.grown.get(name)
        vals = self.code.bindings.get(name)
        if not grown or not vals or len(vals) != 1 or vals[0] is None or vals[0].kind != "list":
            return None
        if len(grown) != self.code.changed.counts.get(name, 0):
            return None  # changed some other way too (x += [...], x.pop()): not known
        self.visiting.add(name)
        try:
            out = self.value(vals[0])
            if not isinstance(out, LList):
                return None
            items = list(out)
            for how, arg in grown:
                if arg is None:
                    items.append(Unresolved(f"{name}.{how}(...)", "code", n.span))
                    continue
                self.consumed.add(id(arg))
                v = self.value(arg)
                if how == "extend":
                    items.extend(v if isinstance(v, list) else [Unresolved(text(arg), "spread", arg.span)])
                else:
                    items.append(v)
            return LList(items, span=out.span)
        finally:
            self.visiting.discard(name)

    def follow(self, n: Optional[N]) -> Optional[N]:
        """The node a name stands for (names bound once), else the node itself."""
        seen = 0
        while n is not None and n.kind == "name" and seen < 20:
            if self.params and n.a in self.params[-1]:
                got = self.params[-1][n.a]
                if got is None:
                    return n
                if not got[1]:
                    n, seen = got[0], seen + 1
                    continue
                return self.in_caller(self.follow, got[0])  # an argument: a name in it is the caller's
            c = self.const(n.a)
            if c is None:
                return n
            n, seen = c, seen + 1
        return n

    def each(self, n: Optional[N]) -> list:
        """The values a node takes: one, or each item of the known list a loop variable bound
        only by that loop goes over (``for arn in [...]: attach_role_policy(PolicyArn=arn)``)."""
        if n is not None and n.kind == "name" and n.a in self.code.loops and n.a not in self.code.changed:
            # the innermost loop of that variable the name is written in (a name reused by two loops is
            # each loop's own there)
            sp = n.span
            inside = [(ls, over) for ls, over in self.code.loops[n.a]
                      if (ls.line, ls.col) <= (sp.line, sp.col) and (sp.end_line, sp.end_col) <= (ls.end_line, ls.end_col)]
            if inside:
                over = max(inside, key=lambda x: (x[0].line, x[0].col))[1]
                items = self.value(over)
                return list(items) if isinstance(items, LList) else [Unresolved(n.a, "name", n.span)]
        return [self.value(n)]

    # -- calls -------------------------------------------------------------
    @staticmethod
    def props(call: N) -> dict:
        """Keyword arguments (Python) or the properties of the last object literal argument
        (TypeScript), by snake-case name: ``{name: (key span, node)}``."""
        out: dict = {}
        for kw, kspan, v in call.c or ():
            if kw is None:
                if v is not None and v.kind == "dict" and all(k is not None and k.kind == "str" for k, _ in v.a):
                    for k, item in v.a:  # PolicyStatement(**{"actions": [...]}): the literal's keys
                        out[snake(k.a)] = (k.span, item)
                else:
                    out["**"] = (kspan, v)
            else:
                out[snake(kw)] = (kspan, v)
        if not call.c and call.b:
            last = call.b[-1]
            if last.kind == "dict":
                for k, v in last.a:
                    if k is None:
                        out["**"] = (last.span, v)
                    elif k.kind == "str":
                        out[snake(k.a)] = (k.span, v)
        return out

    @staticmethod
    def arg(call: N, index: int, name: str = "") -> Optional[N]:
        for kw, _, v in call.c or ():
            if kw is not None and name and snake(kw) == name:
                return v
        args = call.b or []
        if index < len(args) and args[index].kind != "spread":
            return args[index]
        return None

    # -- values ------------------------------------------------------------
    def value(self, n: Optional[N]) -> Any:
        """The located value of a node: LStr, LScalar, LList, LDict or Unresolved."""
        if n is None:
            return Unresolved("unknown", "code")
        if self.depth > MAX_DEPTH:
            return Unresolved(text(n), "code", n.span)
        self.depth += 1
        try:
            return self._value(n)
        finally:
            self.depth -= 1

    def _value(self, n: N) -> Any:
        k = n.kind
        if k == "str":
            return LStr(n.a, n.span)
        if k in ("num", "bool", "null"):
            return LScalar(n.a, n.span)
        if k == "list":
            items: list = []
            for x in n.a:
                if x.kind != "spread":
                    items.append(self.value(x))
                    continue
                v = self.value(x.a)  # [*more, ...] / [...more]: the items of a list this file binds once
                if isinstance(v, list):
                    items.extend(v)
                else:
                    items.append(Unresolved(text(x.a), "spread", x.span))
            return LList(items, span=n.span)
        if k == "dict":
            return self.mapping(n)
        if k == "name":
            if self.params and n.a in self.params[-1]:
                return self.argument(n)
            c = self.const(n.a)
            if c is None and n.a not in self.visiting:
                grown = self.grown_list(n)
                if grown is not None:
                    return grown
            if c is None or n.a in self.visiting:
                return Unresolved(n.a, "name", n.span)
            self.visiting.add(n.a)
            try:
                v = self.value(c)
                if isinstance(v, _Stmt) and n.a in self.code.mutations:
                    for m in self.code.mutations[n.a]:
                        v = self.mutate(v, m)
                        if not isinstance(v, _Stmt):
                            break
                return v
            finally:
                self.visiting.discard(n.a)
        if k == "attr":
            if n.b in ("ALLOW", "DENY") and last_name(n.a) == "Effect":
                return LStr("Allow" if n.b == "ALLOW" else "Deny", n.span)
            return Unresolved(text(n), "attribute", n.span, _ARN_ATTRIBUTES.get(n.b))
        if k == "tmpl":
            return self.template(n, n.a)
        if k == "add":
            return self.concat(n)
        if k == "call":
            return self.call(n)
        if k == "jsonfile":
            tree = self.json_file(n.a)
            return tree if tree is not None else Unresolved(text(n), "file", n.span)
        return Unresolved(text(n), "code", n.span)

    def format_arn(self, n: N) -> Any:
        """``stack.format_arn(service=..., resource=..., resource_name=...)`` / ``this.formatArn({...})`` /
        ``Arn.format({...}, stack)``: the ARN CDK builds, the stack's partition, Region and account
        as CloudFormation placeholders (``${AWS::Region}``) unless given; unknown parts become
        placeholders too. Unknown when the components are not written out."""
        props = self.props(n)
        comps = props if "service" in props else None
        if comps is None:
            first = self.arg(n, 0, "components")
            first = self.follow(first)
            if first is None or first.kind != "dict":
                return Unresolved(text(n), "call", n.span)
            comps = {snake(k.a): (k.span, v) for k, v in first.a if k is not None and k.kind == "str"}

        def part(key: str, default: str) -> Optional[str]:
            if key not in comps:
                return default
            v = self.value(comps[key][1])
            if isinstance(v, str):
                return str(v)
            return None if not isinstance(v, Unresolved) else _placeholder(comps[key][1])

        service = part("service", "")
        resource = part("resource", "")
        if not service or not resource or "${" in service:
            return Unresolved(text(n), "call", n.span)
        region = part("region", "${AWS::Region}")
        account = part("account", "${AWS::AccountId}")
        partition = part("partition", "${AWS::Partition}")
        name = part("resource_name", None) if "resource_name" in comps else None
        sep_node = comps.get("arn_format") or comps.get("sep")
        sep = "/"
        if sep_node is not None:
            fmt = text(sep_node[1])
            sep = ":" if "COLON" in fmt or fmt.strip("'\"") == ":" else "/"
        if None in (region, account, partition) or ("resource_name" in comps and name is None):
            return Unresolved(text(n), "call", n.span)
        tail = resource + (sep + name if name is not None else "")
        return LStr(f"arn:{partition}:{service}:{region}:{account}:{tail}", n.span)

    def mapping(self, n: N) -> Any:
        if len(n.a) == 1 and n.a[0][0] is not None and n.a[0][0].kind == "str" and _intrinsic(n.a[0][0].a):
            # {"Fn::Join": [...]}, {"Ref": "X"}: a CloudFormation function, as a synthesized template
            # (a CDK assertion test's expected policy) writes it; known at deploy time only
            self.consumed.add(id(n))
            return Unresolved(text(n), n.a[0][0].a, n.span)
        d = LDict(span=n.span)
        for key, v in n.a:
            if key is None or key.kind != "str":  # a spread or a computed key: the mapping is not known
                return Unresolved(text(n), "mapping", n.span)
            name = key.a
            if name in d:
                d.duplicates.append((name, key.span))
            d[name] = self.value(v)
            d.key_spans[name] = key.span
        self.consumed.add(id(n))
        return d

    def template(self, n: N, parts: list) -> Any:
        out = []
        known = False
        for p in parts:
            if isinstance(p, str):
                out.append(p)
                known = known or bool(p)
                continue
            v = self.value(p)
            if isinstance(v, LStr):
                out.append(str(v))
                known = True
            elif isinstance(v, LScalar) and isinstance(v.value, (int, float)) and not isinstance(v.value, bool):
                out.append(str(v.value))
                known = True
            else:
                if not out and isinstance(v, Unresolved) and v.service is not None and (
                        len(parts) == 1 or (isinstance(parts[1], str) and parts[1][:1] in ("/", ":"))):
                    # f"{bucket.bucket_arn}/*": an ARN of the bucket's service, whatever follows
                    return Unresolved(text(n), "template", n.span, v.service)
                out.append(_placeholder(p))
        if not known:
            return Unresolved(text(n), "template", n.span)
        return LStr("".join(out), n.span)

    def concat(self, n: N) -> Any:
        parts: list = []
        stack = [n]
        while stack:  # flatten a + b + c (left-nested) without recursion
            x = stack.pop()
            if x.kind == "add" and len(parts) < 1000:
                stack.append(x.b)
                stack.append(x.a)
            else:
                parts.append(x)
        vals = [self.value(p) for p in parts]
        if all(isinstance(v, list) for v in vals):
            return LList([i for v in vals for i in v], span=n.span)
        if any(isinstance(v, (list, dict)) for v in vals):
            return Unresolved(text(n), "expression", n.span)
        return self.template(n, [str(v) if isinstance(v, LStr) else p for v, p in zip(vals, parts)])

    def call(self, n: N) -> Any:
        callee = n.a
        name = last_name(callee)
        if name == "PolicyStatement":
            return self.statement(n)
        if name == "PolicyDocument":
            return self.document(n)
        low = snake(name)
        owner = last_name(callee.a) if callee.kind == "attr" else ""
        if low == "from_json" and owner in ("PolicyDocument", "PolicyStatement"):
            self.consumed.add(id(n))
            v = self.value(self.arg(n, 0, "obj"))
            if owner == "PolicyStatement" and isinstance(v, LDict) and not isinstance(v, _Stmt):
                s = _Stmt(v, span=v.span)
                s.key_spans, s.duplicates = v.key_spans, v.duplicates
                return s
            return v
        if low == "dumps" and owner == "json" or name == "stringify" and owner == "JSON":
            return self.value(self.arg(n, 0))
        if (low in ("loads", "load") and owner == "json") or (name == "parse" and owner == "JSON"):
            got = self.parsed(self.arg(n, 0))
            if got is not None:
                return got
        if name == "require" and callee.kind == "name":
            path = self.path_of(self.arg(n, 0))
            tree = self.json_file(path) if path else None
            if tree is not None:
                return tree
        if low == "format_arn" or (low == "format" and owner == "Arn"):
            return self.format_arn(n)
        if name == "concat" and callee.kind == "attr":
            # BASE.concat([...], more): a new array of the known items (JavaScript's + for lists)
            parts = [self.value(callee.a), *(self.value(a) for a in n.b or () if a.kind != "spread")]
            if len(parts) == 1 + len(n.b or ()) and isinstance(parts[0], list):
                out = LList(span=n.span)
                for part in parts:
                    if isinstance(part, list):
                        out.extend(part)
                    elif isinstance(part, (LStr, Unresolved)):
                        out.append(part)
                    else:
                        return Unresolved(text(n), "call", n.span)
                return out
        if callee.kind == "attr" and (low in _ADD_TARGETS or low in _STATEMENT_MUTATORS):
            base = self.value(callee.a)
            if isinstance(base, _Stmt):
                return self.mutate(base, n)
        got = self.returned(n)
        if got is not None:
            return got
        return Unresolved(text(n), "call", n.span)

    def returned(self, n: N) -> Any:
        """What a call of a function or method of this file gives, when it is defined once and has
        one ``return`` with a value (``self._training_statement()``, ``trainingStatement()``): its
        value read where it is written, its parameters the call's arguments (or their defaults;
        unknown when the call spreads a list or a mapping into them); else None."""
        fn = self.function_of(n)
        if fn is None:
            return None
        callee = n.a
        key = "()" + (callee.a if callee.kind == "name" else callee.b)
        if key in self.visiting:
            return None  # a function that returns its own call
        self.visiting.add(key)
        self.params.append(self.arguments(fn.params, n, callee.kind == "attr" and self.code.language == "python"))
        try:
            return self.value(fn.returns[0])
        finally:
            self.params.pop()
            self.visiting.discard(key)

    def function_of(self, n: N) -> Optional["_Fn"]:
        """The function or method of this file a call calls, when it is defined once with one ``return``
        of a value (see :meth:`returned`), else None."""
        callee = n.a
        if callee.kind == "name":
            fname = callee.a
        elif callee.kind == "attr" and callee.a.kind == "name" and callee.a.a in ("self", "this", "cls"):
            fname = callee.b
        else:
            return None
        defs = self.code.returns.get(fname)
        if not defs or len(defs) != 1 or len(defs[0].returns) != 1 or defs[0].returns[0] is None:
            return None
        return defs[0]

    def arguments(self, params: tuple, call: N, method: bool) -> dict:
        """The parameters of a function called by ``call``: name -> (node, the caller's) or None.
        ``method``: a Python method called on ``self``/``cls``, whose first parameter is that."""
        out: dict = {p.name: None for p in params}
        args = list(call.b or ())
        keywords = list(call.c or ())
        if any(a.kind == "spread" for a in args) or any(kw is None for kw, _, _ in keywords):
            return out  # f(*items) / f(**options): which parameter gets what is not known
        positional = [p for p in params if p.kind == "pos"]
        if method and positional:
            positional = positional[1:]
        for p in params:
            if p.kind != "star" and p.default is not None:
                out[p.name] = (p.default, False)
        if self.code.language != "python":
            for p in positional[len(args):]:  # not passed: undefined
                if out[p.name] is None:
                    out[p.name] = (N("null", call.span, None), False)
        for p, a in zip(positional, args):
            out[p.name] = (a, True)
        for kw, _, v in keywords:
            if kw in out and v is not None:
                out[kw] = (v, True)
        for p in params:
            if p.kind == "star":
                out[p.name] = None
        return out

    def argument(self, n: N) -> Any:
        """The value of a parameter of the function being followed (a name node)."""
        got = self.params[-1][n.a]
        if got is None:
            return Unresolved(n.a, "name", n.span)
        if not got[1]:
            return self.value(got[0])  # a default, written in the function
        return self.in_caller(self.value, got[0])  # an argument, written in the caller

    def in_caller(self, read, n: N) -> Any:
        """``read(n)`` in the scope of the caller of the function being followed (its parameters, or
        none at the outermost call)."""
        top = self.params.pop()
        try:
            return read(n)
        finally:
            self.params.append(top)

    # -- policy files the code reads -----------------------------------------
    def parsed(self, n: Optional[N]) -> Any:
        """What ``JSON.parse`` / ``json.loads`` / ``json.load`` of ``n`` gives, when ``n`` is the text of
        a policy file of the tree (``readFileSync(path)``, ``open(path).read()``, ``Path(path).read_text()``,
        a file opened by ``with open(path) as f``) or of a value (``JSON.stringify(doc)``), with
        ``.replace(...)`` calls on it (placeholders the code fills: they stay placeholders); else None."""
        for _ in range(20):
            n = self.follow(n)
            if n is None or n.kind != "call":
                return None
            callee = n.a
            low = snake(last_name(callee))
            if callee.kind == "attr" and low in ("replace", "replace_all"):
                n = callee.a  # JSON.stringify(doc).replaceAll("${region}", region)
                continue
            owner = last_name(callee.a) if callee.kind == "attr" else ""
            if (low == "dumps" and owner == "json") or (low == "stringify" and owner == "JSON"):
                return self.value(self.arg(n, 0))
            if callee.kind == "attr" and low in ("read", "read_text", "read_bytes"):
                n = callee.a  # open(path).read(), Path(path).read_text()
                continue
            if low in ("read_file_sync", "open", "path"):
                path = self.path_of(self.arg(n, 0))
                return self.json_file(path) if path else None
            return None
        return None

    def path_of(self, n: Optional[N]) -> str:
        """The relative path a path expression names (``"policies/x.json"``, ``path.join(__dirname,
        "..", "x.json")``, ``os.path.join(os.path.dirname(__file__), "x.json")``, a template
        ``${__dirname}/x.json``), the module's own directory left out; "" when not known."""
        n = self.follow(n)
        if n is None:
            return ""
        if n.kind == "str":
            return n.a
        if n.kind == "tmpl":
            parts = list(n.a)
            if parts and not isinstance(parts[0], str) and _module_dir(parts[0]):
                parts = parts[1:]  # `${__dirname}/policy.json`
                if parts and isinstance(parts[0], str):
                    parts[0] = parts[0].lstrip("/")
            return "".join(parts) if all(isinstance(p, str) for p in parts) else ""
        if n.kind == "call" and snake(last_name(n.a)) in ("join", "resolve", "path") and n.b:
            pieces = []
            for i, a in enumerate(n.b):
                if i == 0 and _module_dir(a):
                    continue
                got = self.path_of(a)
                if not got:
                    return ""
                pieces.append(got)
            return "/".join(pieces)
        return ""

    def json_file(self, name: str) -> Any:
        """The located tree of the policy file ``name`` (relative to the file read or to a directory
        above it, up to :data:`_JSON_DEPTH`: where ``cdk`` runs), inside the tree being linted; its
        trees and statements are remembered in :attr:`json_of`. None when not found or not a JSON object."""
        import os

        if name in self.json_read:
            return self.json_read[name]
        self.json_read[name] = None
        src = self.src
        rel = name
        while rel.startswith("./"):
            rel = rel[2:]
        if src is None or not getattr(src, "abspath", None) or not rel.lower().endswith(".json") \
                or "\x00" in rel or "$" in rel or os.path.isabs(rel) or rel.startswith("~"):
            return None
        from ..located import ParseError
        from ..parsers.json_loc import parse_json
        from .base import file_above, read_file

        found = file_above(src, rel, _JSON_DEPTH)
        if found is None:
            return None
        path, shown = found
        text, _err = read_file(path, _MAX_JSON_FILE)
        if text is None:
            return None
        try:
            tree = parse_json(text)
        except (ParseError, RecursionError):
            return None  # linted on its own, it is LP001 there
        if not isinstance(tree, LDict):
            return None
        src.referenced_texts.append(text)  # its credentials are masked in every finding
        self.json_of[id(tree)] = shown
        sts = tree.get("Statement")
        for st in (sts if isinstance(sts, list) else [sts]):
            if isinstance(st, LDict):
                self.json_of[id(st)] = shown
        self.json_read[name] = tree
        return tree

    # -- statements --------------------------------------------------------
    def statement(self, n: N) -> Any:
        self.consumed.add(id(n))
        props = self.props(n)
        if "**" in props:
            return Unresolved(text(n), "call", n.span)
        st = _Stmt(span=n.span)
        for prop, (kspan, v) in props.items():
            if v is not None and v.kind in ("name", "null") and getattr(self.follow(v), "kind", "") == "null":
                continue  # principals=None: not given
            key = _STATEMENT_PROPS.get(prop)
            if key is not None:
                val = self.value(v)
                if key == "Condition" and isinstance(val, LDict):
                    val = _copy(val)
                st[key] = val
                st.key_spans[key] = kspan
            elif prop in ("principals", "not_principals"):
                key = "Principal" if prop == "principals" else "NotPrincipal"
                self.put_principals(st, key, kspan, v)
        if "Effect" not in st:
            st["Effect"] = LStr("Allow", n.a.span)
            st.key_spans["Effect"] = n.a.span
        return st

    def put_principals(self, st: LDict, key: str, kspan: Span, v: N) -> None:
        items = self.follow(v)
        nodes = items.a if items is not None and items.kind == "list" else [v]
        pr = LDict(span=getattr(items, "span", kspan))
        for item in nodes:
            if item.kind == "spread":
                st[key] = Unresolved(text(v), "principal", v.span)
                st.key_spans[key] = kspan
                return
            got = self.principals(item)
            if got is None:
                st[key] = Unresolved(text(item), "principal", item.span)
                st.key_spans[key] = kspan
                return
            for kind, val, conds, _action, span in got.entries:
                _add_principal(pr, kind, val, span)
                if conds is not None:
                    _merge_conditions(st, conds, span)
        if key in st and isinstance(st[key], LDict):  # add_principals after principals=
            for k2, v2 in pr.items():
                for x in (v2 if isinstance(v2, list) else [v2]):
                    _add_principal(st[key], k2, x, getattr(x, "span", kspan))
            return
        st[key] = pr
        st.key_spans[key] = kspan

    def principals(self, n: Optional[N]) -> Optional[_Principals]:
        """The principals a principal expression stands for, or None when not known."""
        n = self.follow(n)
        if n is None or n.kind != "call" or self.depth > MAX_DEPTH:
            return None
        self.depth += 1
        try:
            return self._principals(n)
        finally:
            self.depth -= 1

    def _principals(self, n: N) -> Optional[_Principals]:
        callee = n.a
        name = last_name(callee)
        low = snake(name)
        if callee.kind == "attr" and low in ("with_conditions", "with_session_tags"):
            inner = self.principals(callee.a)
            if inner is None:
                return None
            if low == "with_session_tags":
                inner.tags = True
                return inner
            conds = self.value(self.arg(n, 0, "conditions"))
            return _Principals([(k, v, _join_conditions(c, conds), a, s) for k, v, c, a, s in inner.entries])
        span = n.span
        if name == "PrincipalWithConditions":  # new iam.PrincipalWithConditions(principal, conditions)
            inner = self.principals(self.arg(n, 0, "principal"))
            if inner is None:
                return None
            conds = self.value(self.arg(n, 1, "conditions"))
            return _Principals([(k, v, _join_conditions(c, conds), a, s) for k, v, c, a, s in inner.entries])
        if name == "CompositePrincipal":
            out = _Principals([])
            for a in n.b or ():
                if a.kind == "spread":
                    return None
                got = self.principals(a)
                if got is None:
                    return None
                out.entries.extend(got.entries)
                out.tags = out.tags or got.tags
            return out
        conds_node = None
        if name == "ServicePrincipal":
            val = self.value(self.arg(n, 0, "service"))
            opts = self.arg(n, 1, "")
            conds_node = self.props(n).get("conditions", (None, None))[1]
            if conds_node is None and opts is not None and opts.kind == "dict":
                conds_node = next((v for k, v in opts.a if k is not None and k.kind == "str"
                                   and k.a == "conditions"), None)
            conds = self.value(conds_node) if conds_node is not None else None
            if isinstance(val, LStr) and val and "." not in val and "$" not in val:
                # CDK v1, and v2 without the standardizedServicePrincipals feature flag, synthesize
                # a bare name ("sagemaker") as the service's principal, sagemaker.amazonaws.com
                val = LStr(val + ".amazonaws.com", val.span)
            return _Principals([("Service", val, conds, "sts:AssumeRole", span)])
        if name == "AccountPrincipal":
            acct = self.value(self.arg(n, 0, "account_id"))
            if isinstance(acct, LScalar) and isinstance(acct.value, int):
                acct = LStr(str(acct.value), acct.span)
            if not isinstance(acct, LStr):
                return _Principals([("AWS", Unresolved(text(n), "principal", span), None, "sts:AssumeRole", span)])
            return _Principals([("AWS", LStr(PARTITION_ROOT % acct, acct.span), None, "sts:AssumeRole", span)])
        if name == "AccountRootPrincipal":
            return _Principals([("AWS", LStr(PARTITION_ROOT % "${AWS::AccountId}", span), None,
                                 "sts:AssumeRole", span)])
        if name == "ArnPrincipal":
            return _Principals([("AWS", self.value(self.arg(n, 0, "arn")), None, "sts:AssumeRole", span)])
        if name == "AnyPrincipal":
            return _Principals([("AWS", LStr("*", callee.span), None, "sts:AssumeRole", span)])
        if name == "StarPrincipal":
            return _Principals([("*", LStr("*", callee.span), None, "sts:AssumeRole", span)])
        if name == "OrganizationPrincipal":
            org = self.value(self.arg(n, 0, "organization_id"))
            cond = LDict({"StringEquals": LDict({"aws:PrincipalOrgID": org}, span=span)}, span=span)
            return _Principals([("AWS", LStr("*", callee.span), cond, "sts:AssumeRole", span)])
        if name == "CanonicalUserPrincipal":
            return _Principals([("CanonicalUser", self.value(self.arg(n, 0, "canonical_user_id")), None,
                                 "sts:AssumeRole", span)])
        if name == "FederatedPrincipal":
            fed = self.value(self.arg(n, 0, "federated"))
            conds_node = self.arg(n, 1, "conditions")
            act = self.arg(n, 2, "assume_role_action")
            action = self.value(act) if act is not None else LStr("sts:AssumeRole", span)
        elif name == "WebIdentityPrincipal":
            fed = self.value(self.arg(n, 0, "identity_provider"))
            conds_node = self.arg(n, 1, "conditions")
            action = LStr(_WEB_IDENTITY, span)
        elif name == "OpenIdConnectPrincipal":
            fed = Unresolved(text(self.arg(n, 0, "open_id_connect_provider")), "principal", span)
            conds_node = self.arg(n, 1, "conditions")
            action = LStr(_WEB_IDENTITY, span)
        elif name in ("SamlPrincipal", "SamlConsolePrincipal"):
            fed = Unresolved(text(self.arg(n, 0, "saml_provider")), "principal", span)
            conds_node = self.arg(n, 1, "conditions")
            action = LStr(_SAML, span)
        else:
            return None
        conds = self.value(conds_node) if conds_node is not None else None
        if name == "SamlConsolePrincipal":
            aud = LDict({"StringEquals": LDict({"SAML:aud": LStr("https://signin.aws.amazon.com/saml", span)},
                                               span=span)}, span=span)
            conds = _join_conditions(conds, aud)
        return _Principals([("Federated", fed, conds, action, span)])

    def mutate(self, st: Any, m: N) -> Any:
        """A statement after one of its builder methods (``add_actions``...), or Unresolved
        when the method is not one this reader knows."""
        low = snake(last_name(m.a))
        st = _copy(st)
        args = m.b or []
        if low in _ADD_TARGETS:
            key = _ADD_TARGETS[low]
            cur = st.get(key)
            vals = LList([] if cur is None else (list(cur) if isinstance(cur, list) else [cur]),
                         span=getattr(cur, "span", m.span))
            for a in args:
                vals.append(Unresolved(text(a.a), "spread", a.span) if a.kind == "spread" else self.value(a))
            st[key] = vals
            st.key_spans.setdefault(key, m.a.span)
            return st
        if low == "add_all_resources":
            st["Resource"] = LStr("*", m.a.span)
            st.key_spans["Resource"] = m.a.span
            return st
        if low in ("add_condition", "add_conditions"):
            if low == "add_condition":
                op, v = self.value(self.arg(m, 0, "key")), self.value(self.arg(m, 1, "value"))
                add = LDict({str(op): v}, span=m.span) if isinstance(op, LStr) else None
                if add is not None:
                    add.key_spans[str(op)] = op.span
            else:
                add = self.value(self.arg(m, 0, "conditions"))
            if not isinstance(add, LDict):
                st["Condition"] = Unresolved(text(m), "condition", m.span)
                st.key_spans.setdefault("Condition", m.a.span)
                return st
            _merge_conditions(st, add, m.a.span)
            return st
        if low in _PRINCIPAL_ADDERS:
            cls = _PRINCIPAL_ADDERS[low]
            if cls == "principals":
                for a in args:
                    self.put_principals(st, "Principal", m.a.span, a)
                return st
            synth = N("call", m.span, N("name", m.a.span, cls), args, m.c)
            self.put_principals(st, "Principal", m.a.span, synth)
            return st
        if low == "add_not_principals":
            for a in args:
                self.put_principals(st, "NotPrincipal", m.a.span, a)
            return st
        return Unresolved(text(m), "call", m.span)

    # -- documents ---------------------------------------------------------
    def document(self, n: N) -> Any:
        self.consumed.add(id(n))
        props = self.props(n)
        if "**" in props:
            return Unresolved(text(n), "call", n.span)
        doc = _Doc(span=n.span)
        doc["Version"] = LStr("2012-10-17", n.a.span)
        doc.key_spans["Version"] = n.a.span
        sts = props.get("statements")
        added = self.added_statements(n)
        if sts is None:
            # a document made empty is filled in by add_statements, here or where this reader
            # cannot see (a construct library's default document): its statements are unknown
            doc["Statement"] = LList(added or [Unresolved("statements added elsewhere", "code", n.span)],
                                     span=n.span)
        else:
            doc["Statement"] = self.statements(sts[1])
            doc.key_spans["Statement"] = sts[0]
            if added and isinstance(doc["Statement"], LList):
                doc["Statement"] = LList([*doc["Statement"], *added], span=doc["Statement"].span)
        return doc

    def added_statements(self, n: N) -> list:
        """The statements ``doc.add_statements(...)`` adds to the ``PolicyDocument(...)`` call
        ``n`` when it is bound to the variable ``doc`` once (``doc = iam.PolicyDocument()``)."""
        out: list = []
        for name in self.code.mutations:
            if self.const(name) is not n:
                continue
            for m in self.code.mutations[name]:
                if snake(last_name(m.a)) != "add_statements":
                    continue
                self.consumed.add(id(m))
                out.extend(self.statement_args(m))
        return out

    def statement_args(self, call: N) -> list:
        """The statements the arguments of ``call`` give (``add_statements(a, b)``,
        ``add_statements(*more)``, ``add_to_role_policy(statement=s)``,
        ``add_to_resource_policy(permission=s)``): a statement built elsewhere (a helper of another
        module) is unknown, not absent."""
        out: list = []
        for a in call_args(call, _STATEMENT_KEYWORDS):
            if a.kind == "spread":
                v = self.value(a.a)
                items = list(v) if isinstance(v, list) else [Unresolved(text(a.a), "spread", a.span)]
            else:
                items = self.each(a)  # for (const s of [train, pass]) role.addToPolicy(s): each of them
            out.extend(v for v in items if isinstance(v, (LDict, Unresolved)))
        return out

    def statements(self, v: N) -> Any:
        val = self.value(v)
        if isinstance(val, LDict):
            return LList([val], span=val.span)
        return val

    def managed_refs(self, n: N) -> list:
        """The managed policies a ``from_aws_managed_policy_name`` / ``from_managed_policy_arn``
        call names: ``[(value, what)]``, one for each name a loop variable takes (``for name in
        [...]: from_aws_managed_policy_name(name)``)."""
        low = snake(last_name(n.a))
        out: list = []
        if low == "from_aws_managed_policy_name":
            for v in self.each(self.arg(n, 0, "managed_policy_name")):
                if isinstance(v, LStr) and ":" not in v and "${" not in v:
                    out.append((LStr("arn:aws:iam::aws:policy/" + str(v).strip("/"), v.span),
                                "from_aws_managed_policy_name"))
        elif low == "from_managed_policy_arn":
            for v in self.each(self.arg(n, 2, "managed_policy_arn")):
                if isinstance(v, LStr):
                    out.append((v, "from_managed_policy_arn"))
        return out


_STATEMENT_MUTATORS = ("add_all_resources", "add_condition", "add_conditions", "add_principals",
                       "add_service_principal", "add_aws_account_principal", "add_arn_principal",
                       "add_any_principal", "add_account_root_principal", "add_canonical_user_principal",
                       "add_federated_principal", "add_not_principals")
_PRINCIPAL_ADDERS = {"add_principals": "principals", "add_service_principal": "ServicePrincipal",
                     "add_aws_account_principal": "AccountPrincipal", "add_arn_principal": "ArnPrincipal",
                     "add_any_principal": "AnyPrincipal", "add_account_root_principal": "AccountRootPrincipal",
                     "add_canonical_user_principal": "CanonicalUserPrincipal",
                     "add_federated_principal": "FederatedPrincipal"}


#: How many directories, from the file's own, a policy file the code reads is looked for in (a path
#: relative to the module, or to the app's directory where ``cdk`` runs), and the largest one read.
_JSON_DEPTH = 4
_MAX_JSON_FILE = 1024 * 1024


def _module_dir(n: Optional[N], depth: int = 0) -> bool:
    """Whether a node is the directory of the module (``__dirname``, ``os.path.dirname(__file__)``,
    ``Path(__file__).parent``, ``path.dirname(fileURLToPath(import.meta.url))``...)."""
    if n is None or depth > 6:
        return False
    if n.kind == "name":
        return n.a in ("__dirname", "__file__")
    if n.kind == "attr":
        return n.b in ("parent", "url", "dirname") and _module_dir(n.a, depth + 1)
    if n.kind == "call":
        low = snake(last_name(n.a))
        if low in ("dirname", "abspath", "realpath", "resolve", "path", "file_url_to_path") and n.b:
            return _module_dir(n.b[0], depth + 1)
        if n.a.kind == "attr" and low in ("resolve", "absolute"):
            return _module_dir(n.a.a, depth + 1)
    return False


def _add_principal(pr: LDict, kind: str, val: Any, span: Span) -> None:
    if kind == "*":
        pr["AWS"] = val if "AWS" not in pr else pr["AWS"]
        pr.key_spans.setdefault("AWS", span)
        return
    cur = pr.get(kind)
    if cur is None:
        pr[kind] = val
        pr.key_spans[kind] = span
    elif isinstance(cur, LList):
        cur.append(val)
    else:
        pr[kind] = LList([cur, val], span=getattr(cur, "span", span))


def _join_conditions(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    if not isinstance(a, LDict) or not isinstance(b, LDict):
        return Unresolved("conditions", "condition")
    out = LDict(span=a.span)
    out.key_spans = dict(a.key_spans)
    for op, block in a.items():
        out[op] = _copy(block) if isinstance(block, LDict) else block
    for op, block in b.items():
        if op in out and isinstance(out[op], LDict) and isinstance(block, LDict):
            for k, v in block.items():
                out[op][k] = v
                out[op].key_spans[k] = block.key_span(k)
        else:
            out[op] = block
            out.key_spans[op] = b.key_span(op)
    return out


def _merge_conditions(st: LDict, conds: Any, span: Span) -> None:
    cur = st.get("Condition")
    st["Condition"] = conds if cur is None else _join_conditions(cur, conds)
    st.key_spans.setdefault("Condition", span)


# ---------------------------------------------------------------------------
# From calls to documents


#: Constructs that make a role with :data:`_FULL_ACCESS` when given none (the CDK API reference:
#: ``SageMakerCreateTransformJobProps.role``, "@default - A role is created with
#: `AmazonSageMakerFullAccess` managed policy").
_DEFAULT_FULL_ACCESS = frozenset(("SageMakerCreateTransformJob",))
_FULL_ACCESS = "AmazonSageMakerFullAccess"


def _is_policy_shaped(r: Reader, n: N) -> bool:
    """A mapping literal with a ``Statement`` list of mappings that have ``Effect`` or ``Action``."""
    stmts = next((v for k, v in n.a if k is not None and k.kind == "str" and k.a == "Statement"), None)
    stmts = r.follow(stmts)
    if stmts is None:
        return False
    items = stmts.a if stmts.kind == "list" else [stmts]
    for it in items[:50]:
        it = r.follow(it)
        if it is not None and it.kind == "dict" and any(
                k is not None and k.kind == "str" and k.a in ("Effect", "Action", "NotAction") for k, _ in it.a):
            return True
    return False


class _Out:
    """The documents of one file, before they become PolicyDocuments."""

    def __init__(self, src, code: Code, kind: str, json_of: dict) -> None:
        self.src = src
        self.code = code
        self.kind = kind
        self.labels: dict = {}
        self.grouped: dict = {}  # (label, role) -> (doc LDict, first span)
        self.json_of = json_of  # see Reader.json_of

    def origin(self, label: str) -> Origin:
        n = self.labels.get(label, 0)
        self.labels[label] = n + 1
        return Origin(file=self.src.path, kind=self.kind, label=label, path=(label,) if not n else (label, n))

    def doc(self, tree: Any, label: str, role: Optional[str]) -> None:
        if not isinstance(tree, LDict) or "Statement" not in tree:
            return
        for st in (tree["Statement"] if isinstance(tree["Statement"], list) else ()):
            if isinstance(st, _Stmt):
                _complete(st)
        files = self.json_of
        if files and (id(tree) in files or any(id(st) in files for st in _items(tree["Statement"]))):
            for file, part in _by_file(tree, files):
                r = role or role_by_content(part)
                origin = self.origin(label)
                if file:
                    origin = Origin(file=file, kind=origin.kind, label=origin.label, path=origin.path)
                self.src.documents.append(build_document(part, origin, r))
            return
        role = role or role_by_content(tree)
        self.src.documents.append(build_document(tree, self.origin(label), role))

    def ref(self, value: LStr, label: str, context: str = "") -> None:
        self.src.managed_refs.append(ManagedPolicyRef.of(Val(str(value), value.span, (label,)), self.origin(label),
                                                         context))


def _items(sts: Any) -> list:
    return sts if isinstance(sts, list) else [sts]


def _by_file(tree: LDict, files: dict) -> list:
    """A document some of whose statements were read from policy files (``PolicyDocument.from_json``
    of a committed JSON, then ``add_statements`` in the code): one document per file, each at its own
    positions, ``[(file or "" for the code's own, tree)]``."""
    groups: dict = {}
    for st in _items(tree["Statement"]):
        groups.setdefault(files.get(id(st), ""), []).append(st)
    out = []
    for file, sts in groups.items():
        if file and id(tree) in files and len(groups) == 1:
            out.append((file, tree))  # the file's document as written
            continue
        span = getattr(sts[0], "span", None) or tree.span
        part = LDict({"Statement": LList(sts, span=span)}, span=span)
        if "Version" in tree and (files.get(id(tree), "") == file):
            part["Version"] = tree["Version"]
        out.append((file, part))
    return out


def _complete(st: LDict) -> None:
    """A statement built in code may get its actions and resources where this reader cannot
    see (a builder call on an attribute, in another function): what it does not show is
    unknown, not missing."""
    if "Action" not in st and "NotAction" not in st:
        st["Action"] = Unresolved("actions added elsewhere", "code", st.span)
    if not any(k in st for k in ("Resource", "NotResource", "Principal", "NotPrincipal")):
        st["Resource"] = Unresolved("resources added elsewhere", "code", st.span)


def _label(stack: str, construct: str, what: str) -> str:
    head = "/".join(p for p in (stack, construct) if p)
    return f"{head}: {what}" if head else what


def _construct_id(r: Reader, call: Optional[N]) -> str:
    """The construct id of ``iam.Role(self, "Id", ...)`` (its second argument, or ``id=``), or ""."""
    if call is None or call.kind != "call":
        return ""
    v = r.follow(r.arg(call, 1, "id"))
    if (v is None or v.kind != "str") and call.b and _has_prop(call, _STEP_POLICY):
        v = r.follow(call.b[0])  # pipelines.CodeBuildStep("Id", ...): a step takes no scope
    return v.a if v is not None and v.kind == "str" else ""


#: Names of the construct a class makes with its super() call (see ``subclassed``).
_SELF = ("self", "this")


def _construct_name(r: Reader, call: N, default: str) -> str:
    """The construct id of a construct call, else the variable it is bound to (an id built at
    run time: ``f"{prefix}-Role"``), else ``default``."""
    cid = _construct_id(r, call)
    if cid:
        return cid
    for name, vals in r.code.bindings.items():
        if any(v is call for v in vals):
            return name
    for name, v in r.code.targets.items():
        if v is call:
            return "" if name in _SELF else name  # a subclass's super().__init__: named by its class
    return default


def _bound(r: Reader, target: N) -> Optional[N]:
    """What the expression a method is called on was bound to in this file (``role``,
    ``self.role``), else None."""
    bound = r.code.targets.get(text(target))
    if bound is None and target.kind == "name":
        bound = r.const(target.a)
    return bound


def _target_name(r: Reader, target: N) -> str:
    """How a label names the construct a method is called on: its construct id when the
    variable was bound to a construct in this file, else the variable as written."""
    bound = _bound(r, target)
    if bound is not None and bound.kind == "call":
        cid = _construct_id(r, bound)
        if cid:
            return cid
        if target.kind == "name" and target.a in _SELF:
            return ""  # the construct a subclass makes: named by its class
    if target.kind == "call":
        cid = _construct_id(r, target)
        if cid:
            return cid
    return text(target)


def extract(src, code: Code, kind: str) -> Reader:
    """Fill ``src`` with the policies of a program file; returns the reader of its values (for
    :mod:`linter.sources._cdk_credentials`). Statement spans reach suppressions through the
    documents."""
    r = Reader(code, src)
    out = _Out(src, code, kind, r.json_of)
    leftovers: list = []
    for call, stack in code.calls:
        _guard(src, call, _container, r, out, call, stack, leftovers)
    for key, (doc, _span) in out.grouped.items():
        out.doc(doc, key[0], key[1])
    # what no construct reads: every statement, document and policy-shaped mapping still counts
    for call, stack in leftovers:
        if id(call) in r.consumed:
            continue
        name = last_name(call.a)
        if name == "PolicyDocument":
            _guard(src, call, lambda: out.doc(r.value(call), _label(stack, "", "PolicyDocument"), None))
    patterns = _assertion_patterns(code) | _iot_documents(r, code) if code.dicts else frozenset()
    for n, stack, bound in code.dicts:
        if id(n) in r.consumed or id(n) in patterns:
            continue
        if not _is_policy_shaped(r, n) and not (bound and _adds_statements(r, code.added.get(bound, ()))):
            continue
        paths = code.filled.get(bound) if bound else None
        if paths is not None and any(p is None for p in paths):
            continue  # the code assigns parts of it we cannot name: the policy it sends is not known
        what = f"policy {bound}" if bound else "policy document"
        added = code.added.get(bound, ()) if bound else ()
        _guard(src, n, lambda: out.doc(_with_added(r, _unknown_at(r.value(n), paths or (), bound), added),
                                       _label(stack, "", what), None))
    for call, stack in leftovers:
        if id(call) in r.consumed or snake(last_name(call.a)) not in ("from_aws_managed_policy_name",
                                                                      "from_managed_policy_arn"):
            continue
        for got in r.managed_refs(call):
            out.ref(got[0], _label(stack, "", f"ManagedPolicy.{got[1]}"))
    for call, stack in leftovers:
        if id(call) in r.consumed or last_name(call.a) != "PolicyStatement":
            continue

        def one(call=call, stack=stack) -> None:
            st = r.value(code.roots.get(id(call), call))
            if isinstance(st, LDict):
                tree = LDict({"Statement": LList([st], span=st.span)}, span=st.span)
                out.doc(tree, _label(stack, "", "PolicyStatement"), None)
        _guard(src, call, one)
    return r


def _unknown_at(tree: Any, paths, name: str) -> Any:
    """``tree`` with the parts the code assigns later (``paths``) unknown: what it holds there when it
    is used is what the code put (``policy["Statement"][0]["Resource"] = pipeline_arn``)."""
    for path in paths:
        node = tree
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else (
                node[key] if isinstance(node, list) and isinstance(key, int) and -len(node) <= key < len(node)
                else None)
        last = path[-1] if path else None
        if isinstance(node, dict) and isinstance(last, str):
            node[last] = Unresolved(f"{name}[...] assigned in the code", "code", span_of(node.get(last), node.span))
            if last not in node.key_spans:
                node.key_spans[last] = node.span
        elif isinstance(node, list) and isinstance(last, int) and -len(node) <= last < len(node):
            node[last] = Unresolved(f"{name}[...] assigned in the code", "code", span_of(node[last], node.span))
    return tree


def _adds_statements(r: Reader, added) -> bool:
    """Whether what the code appends to a mapping's ``Statement`` holds a statement."""
    for how, node in added:
        n = r.follow(node)
        items = n.a if how == "extend" and n is not None and n.kind == "list" else [n]
        for it in items:
            it = r.follow(it)
            if it is not None and it.kind == "dict" and any(
                    k is not None and k.kind == "str" and k.a in ("Effect", "Action", "NotAction") for k, _ in it.a):
                return True
    return False


def _with_added(r: Reader, tree: Any, added) -> Any:
    """``tree`` with the statements the code appends to its ``Statement`` list."""
    if not added or not isinstance(tree, LDict) or not isinstance(tree.get("Statement"), list):
        return tree
    sts = tree["Statement"]
    for how, node in added:
        v = r.value(node)
        items = list(v) if how == "extend" and isinstance(v, list) else [v]
        sts.extend(x for x in items if isinstance(x, LDict))
    return tree


def _iot_documents(r: Reader, code: Code) -> frozenset:
    """ids of the mappings given to boto3's AWS IoT ``create_policy(policyName=..., policyDocument=...)``
    (and ``create_policy_version``): an IoT Core policy (``iot:Connect``...) is not an IAM policy. IoT
    names the argument ``policyDocument``; IAM's ``PolicyDocument``."""
    out = set()
    for call, _stack in code.calls:
        for kw, _sp, v in call.c or ():
            if kw == "policyDocument":
                n = r.follow(v)
                if n is not None and n.kind == "call" and last_name(n.a) in ("dumps", "stringify") and n.b:
                    n = r.follow(n.b[0])
                if n is not None and n.kind == "dict":
                    out.add(id(n))
    return frozenset(out)


#: CDK assertion calls (``Match.objectLike({...})``, ``template.has_resource_properties(...)``): their
#: arguments are patterns a synthesized template is matched against, parts of a policy, not policies.
_ASSERTIONS = frozenset(("object_like", "object_equals", "array_with", "exact", "has_resource_properties",
                         "has_resource", "template_matches", "serialized_json", "all_resources_properties",
                         "all_resources", "has_output", "has_mapping", "has_condition", "has_parameter"))


def _assertion_patterns(code: Code) -> frozenset:
    """ids of the mapping literals inside the arguments of CDK assertion calls."""
    out: set = set()
    todo = []
    for call, _stack in code.calls:
        if call.a.kind == "attr" and snake(call.a.b) in _ASSERTIONS:
            todo.extend(call.b or ())
            todo.extend(v for _, _, v in call.c or ())
    seen = 0
    while todo and seen < 100_000:
        n = todo.pop()
        seen += 1
        if n is None:
            continue
        k = n.kind
        if k == "dict":
            out.add(id(n))
            todo.extend(v for _, v in n.a)
        elif k == "list":
            todo.extend(n.a)
        elif k == "call":
            todo.extend(n.b or ())
            todo.extend(v for _, _, v in n.c or ())
        elif k == "spread":
            todo.append(n.a)
    return frozenset(out)


def _guard(src, node: N, fn, *args) -> None:
    """Run one construct's extraction; a bug there is LP000 at the construct, the rest of the
    file is still read."""
    from ..located import ParseError

    try:
        fn(*args)
    except ParseError as e:
        src.error("LP001", e.message, e.span)
    except RecursionError:
        src.error("LP001", "expression is nested too deeply", node.span)
    except Exception as e:
        src.error("LP000", f"reading {text(node)} failed: {type(e).__name__}: {e}", node.span, ("read",))


def _container(r: Reader, out: _Out, call: N, stack: str, leftovers: list) -> None:
    callee = call.a
    name = last_name(callee)
    low = snake(name)
    props = None
    if callee.kind == "attr" and (low in _IDENTITY_METHODS or low in _RESOURCE_METHODS):
        role = "identity" if low in _IDENTITY_METHODS else "resource"
        target = callee.a
        of = trust_policy_of(r.follow(target))
        bound = _bound(r, target)
        if low in _IDENTITY_METHODS and bound is not None and bound.kind == "call" \
                and snake(last_name(bound.a)) in _ENDPOINTS:
            role = "endpoint"  # endpoint.add_to_policy(...): the VPC endpoint's policy
        if low == "add_statements" and of is not None:
            # role.assume_role_policy.add_statements(...) (also through a variable bound to it):
            # statements of the role's trust policy, the one its assumed_by made when there is one
            role, target, low = "trust", of, "assume_role_policy"
            if (_label(stack, _target_name(r, target), "assumed_by"), "trust") in out.grouped:
                low = "assumed_by"
        elif low == "add_statements" and bound is not None and bound.kind == "call" \
                and last_name(bound.a) == "PolicyDocument":
            return  # doc.add_statements(...): statements of that document, read where it is used
        stmts = r.statement_args(call)
        if low == "add_statements" and role == "identity" and target.kind == "attr" \
                and snake(target.b) in ("document", "policy_document") \
                and any(isinstance(v, LDict) and ("Principal" in v or "NotPrincipal" in v) for v in stmts):
            # bucket_policy.document.add_statements(...) naming principals: the policy construct's
            # document, a resource policy
            role = "resource"
        _group(out, _label(stack, _target_name(r, target), low), role, call.span)["Statement"].extend(stmts)
        return
    if low in _GRANT_METHODS and callee.kind == "attr" and last_name(callee.a) == "Grant":
        _explicit_grant(r, out, call, stack)
        return
    if low == "grant" and callee.kind == "attr" and len(call.b or ()) >= 2:
        _construct_grant(r, out, call, stack)
        return
    if low in ("from_aws_managed_policy_name", "from_managed_policy_arn"):
        leftovers.append((call, stack))  # named by the construct that attaches it, if one does
        return
    if name in _DEFAULT_FULL_ACCESS and "role" not in r.props(call):
        # a Step Functions task that makes its own role with AmazonSageMakerFullAccess when given none
        out.ref(LStr(_FULL_ACCESS, callee.span),
                _label(stack, _construct_id(r, call) or name, "role"),
                f"attached to the role CDK makes for {name} when it is given no role")
        return
    applied = boundary_apply(call)
    if applied is not None:
        for a in applied[1]:
            _boundary_only(r, a)  # iam.PermissionsBoundary.of(scope).apply(policy)
        return
    if callee.kind == "attr" and low in ("add_managed_policy", "attach_managed_policy"):
        _managed_items(r, out, call_args(call, _POLICY_KEYWORDS), _label(stack, _target_name(r, callee.a), low))
        return
    if callee.kind == "attr" and low.startswith("attach_") and low.endswith("_policy"):
        kws = {kw: v for kw, _, v in call.c or () if kw}
        arn = kws.get("PolicyArn")
        who = ""
        user = None
        for kw, kind in (("RoleName", "role"), ("UserName", "user"), ("GroupName", "group")):
            v = r.value(kws[kw]) if kw in kws else None
            if isinstance(v, LStr) and v.strip():
                who = f"{kind} {v}: "  # the principal boto3 attaches it to, by its name as written
                user = str(v) if kind == "user" else None
        for v in (r.each(arn) if arn is not None else ()):
            if isinstance(v, LStr):
                out.ref(v, _label(stack, "", f"{who}{name}(PolicyArn)"))
                if user is not None:  # attach_user_policy: a policy of an IAM user (KEY407)
                    from ..model import UserGrant

                    out.src.credential_facts().user_grants.append(UserGrant(user, managed=out.src.managed_refs[-1]))
        return
    if name in ("PolicyStatement", "PolicyDocument"):
        leftovers.append((call, stack))
        return
    if name == "Role" or _has_prop(call, _ASSUMED_BY):
        # iam.Role, or a construct given what only a role takes (a subclass of iam.Role from
        # another package: a company's MdaaRole, CompanyRole)
        props = r.props(call)
        cid = _construct_name(r, call, name)
        if "assumed_by" in props:
            _trust(r, out, call, props, _label(stack, cid, "assumed_by"))
        if "inline_policies" in props:
            pols = r.value(props["inline_policies"][1])
            if isinstance(pols, LDict):
                for pname, doc in pols.items():
                    out.doc(doc, _label(stack, cid, f"inline_policies.{pname}"), "identity")
        _managed_list(r, out, props, _label(stack, cid, "managed_policies"))
        return
    if name in ("Policy", "ManagedPolicy"):
        props = r.props(call)
        cid = _construct_name(r, call, name)
        if "statements" in props:
            out.doc(_statements_doc(r, call, props["statements"]), _label(stack, cid, "statements"), "identity")
        if "document" in props:
            out.doc(r.value(props["document"][1]), _label(stack, cid, "document"), "identity")
        return
    if name == "CallAwsService":
        _call_aws_service(r, out, call, stack)
        return
    if name == "AwsCustomResource":
        _aws_custom_resource(r, out, call, stack)
        return
    if _has_prop(call, _INITIAL_POLICY):
        # lambda.Function(initial_policy=[...]), pipelines.CodeBuildStep(role_policy_statements=[...]):
        # statements of the construct's role
        props = r.props(call)
        key = next(k for k in ("initial_policy", "role_policy_statements") if k in props)
        out.doc(_statements_doc(r, call, props[key]), _label(stack, _construct_name(r, call, name), key), "identity")
    if name == "User":
        props = r.props(call)
        _managed_list(r, out, props, _label(stack, _construct_name(r, call, name), "managed_policies"))
        return
    if name == "CfnPolicy" and _has_prop(call, ("content",)):
        # organizations.CfnPolicy(content=...): a service or resource control policy (IAM's CfnPolicy
        # takes policy_document)
        props = r.props(call)
        node = r.follow(props["content"][1])
        if node is not None and node.kind == "call" and last_name(node.a).lower() in ("to_json", "tojson") \
                and node.a.kind == "attr":
            node = r.follow(node.a.a)  # new iam.PolicyDocument({...}).toJSON()
        value = r.value(node)
        if isinstance(value, LDict):
            out.doc(value, _label(stack, _construct_name(r, call, name), "content"), "organization")
        return
    if name in ("CfnRole", "CfnUser"):
        props = r.props(call)
        cid = _construct_name(r, call, name)
        if "assume_role_policy_document" in props and name == "CfnRole":
            out.doc(r.value(props["assume_role_policy_document"][1]),
                    _label(stack, cid, "assume_role_policy_document"), "trust")
        if "policies" in props:
            pols = r.follow(props["policies"][1])
            for i, p in enumerate(pols.a if pols is not None and pols.kind == "list" else ()):
                p = r.follow(p)
                doc_node = None
                if p is not None and p.kind == "call":
                    doc_node = r.props(p).get("policy_document", (None, None))[1]
                elif p is not None and p.kind == "dict":
                    doc_node = next((v for k, v in p.a if k is not None and k.kind == "str"
                                     and snake(k.a) in ("policy_document", "_policy_document")), None)
                if doc_node is not None:
                    out.doc(r.value(doc_node), _label(stack, cid, f"policies[{i}]"), "identity")
        _managed_list(r, out, props, _label(stack, cid, "managed_policy_arns"))
        return
    if name in _L1_DOCUMENT and callee.kind == "attr" and "iot" in text(callee.a).lower():
        doc = r.props(call).get("policy_document")  # an AWS IoT policy, not an IAM one
        if doc is not None:
            r.consumed.add(id(r.follow(doc[1])))
        return
    if name not in _L1_DOCUMENT and "vpcendpoint" in name.lower() and _has_prop(call, ("policy_document",
                                                                                      "policyDocument")):
        # a VPC endpoint construct of the app's own (VpcEndpoint(policy_document=...)): its endpoint policy
        props = r.props(call)
        out.doc(r.value(props["policy_document"][1]),
                _label(stack, _construct_name(r, call, name), "policy_document"), "endpoint")
        return
    if name in _L1_DOCUMENT:
        props = r.props(call)
        cid = _construct_name(r, call, name)
        if "policy_document" in props:
            out.doc(r.value(props["policy_document"][1]), _label(stack, cid, "policy_document"), _L1_DOCUMENT[name])
        return


_INITIAL_POLICY = ("initial_policy", "initialPolicy", "role_policy_statements", "rolePolicyStatements")
#: Statement lists of a construct that takes no scope (``pipelines.CodeBuildStep("Id", ...)``).
_STEP_POLICY = ("role_policy_statements", "rolePolicyStatements")
_ASSUMED_BY = ("assumed_by", "assumedBy")


def _statements_doc(r: Reader, call: N, prop: tuple) -> LDict:
    """The document a construct makes of a list of statements given as a property
    (``(key span, node)``): ``statements=[...]``, ``initial_policy=[...]``."""
    key_span, node = prop
    tree = LDict({"Version": LStr("2012-10-17", call.a.span), "Statement": r.statements(node)}, span=call.span)
    tree.key_spans["Statement"] = key_span
    return tree


def _intrinsic(key: str) -> bool:
    """Whether a mapping's only key names a CloudFormation function (``Ref``, ``Fn::GetAtt``...)."""
    return key == "Ref" or key.startswith("Fn::")


def _has_prop(call: N, names: tuple) -> bool:
    """Whether a call is given a keyword (Python) or an object-literal property (TypeScript) of
    ``names``, without building its properties."""
    for kw, _, _ in call.c or ():
        if kw in names:
            return True
    if not call.c and call.b and call.b[-1].kind == "dict":
        return any(k is not None and k.kind == "str" and k.a in names for k, _ in call.b[-1].a)
    return False


#: SDK service names CallAwsService maps to another IAM prefix (the construct's own table).
_SDK_TO_IAM = {"bedrockagent": "bedrock", "cloudwatchlogs": "logs", "efs": "elasticfilesystem",
               "elasticloadbalancingv2": "elasticloadbalancing", "mediapackagevod": "mediapackage-vod",
               "mwaa": "airflow", "sfn": "states", "stepfunctions": "states",
               "cognitoidentityserviceprovider": "cognito-idp", "cognitoidentityprovider": "cognito-idp",
               "cognitoidentity": "cognito-identity", "cloudwatchevents": "events", "eventbridge": "events",
               "iotdata": "iot", "iotdataplane": "iot"}


def _call_aws_service(r: Reader, out: _Out, call: N, stack: str) -> None:
    """``tasks.CallAwsService(service=, action=, iam_resources=[...], iam_action=)`` (Step
    Functions): the statement CDK adds to the state machine's role, ``service:action`` (or
    ``iam_action``) on ``iam_resources``."""
    props = r.props(call)
    if "iam_resources" not in props:
        return
    action = None
    if "iam_action" in props:
        action = r.value(props["iam_action"][1])
    elif "service" in props and "action" in props:
        service, api = r.value(props["service"][1]), r.value(props["action"][1])
        if isinstance(service, LStr) and isinstance(api, LStr) and "${" not in service and "${" not in api:
            prefix = _SDK_TO_IAM.get(str(service), str(service))
            action = LStr(f"{prefix}:{api}", api.span)
    if action is None:
        return
    res_span, res_node = props["iam_resources"]
    stmt = _Stmt({"Effect": LStr("Allow", call.span), "Action": action, "Resource": r.value(res_node)},
                 span=call.span)
    stmt.key_spans.update({"Effect": call.span, "Action": getattr(action, "span", call.span), "Resource": res_span})
    tree = LDict({"Version": LStr("2012-10-17", call.span), "Statement": LList([stmt], span=call.span)},
                 span=call.span)
    tree.key_spans["Statement"] = res_span
    out.doc(tree, _label(stack, _construct_name(r, call, "CallAwsService"), "iam_resources"), "identity")


def _aws_custom_resource(r: Reader, out: _Out, call: N, stack: str) -> None:
    """``cr.AwsCustomResource(..., on_create={service, action}, policy=AwsCustomResourcePolicy.from_sdk_calls(
    resources=...))``: the statement CDK writes for the SDK calls, ``service:Action`` of each call on
    ``resources`` (``ANY_RESOURCE`` is ``"*"``). A policy ``from_statements`` is read as statements."""
    props = r.props(call)
    pol = r.follow(props["policy"][1]) if "policy" in props else None
    if pol is None or pol.kind != "call" or snake(last_name(pol.a)) != "from_sdk_calls":
        return
    from .. import iam
    opts = r.follow(r.arg(pol, 0, "resources"))
    if opts is not None and opts.kind == "dict":  # TypeScript: fromSdkCalls({ resources: ... })
        node = next((v for k, v in opts.a if k is not None and k.kind == "str" and k.a == "resources"), None)
    else:
        node = r.arg(pol, 0, "resources")
    node = r.follow(node) or node
    if node is None:
        return
    if node.kind == "attr" and node.b == "ANY_RESOURCE":
        resources = LList([LStr("*", node.span)], span=node.span)
    else:
        resources = r.value(node)
    actions = LList(span=call.span)
    for key in ("on_create", "on_update", "on_delete"):
        sdk = r.follow(props[key][1]) if key in props else None
        if sdk is not None and sdk.kind == "call":  # Python: cr.AwsSdkCall(service=..., action=...)
            fields = {k: v for k, (_sp, v) in r.props(sdk).items()}
        elif sdk is not None and sdk.kind == "dict":
            fields = {k.a: v for k, v in sdk.a if k is not None and k.kind == "str"}
        else:
            continue
        service, api = r.value(fields.get("service")), r.value(fields.get("action"))
        if not (isinstance(service, LStr) and isinstance(api, LStr)) or "${" in service + api or not api:
            continue
        svc = str(service).lower().replace("@aws-sdk/client-", "").replace("-", "")
        prefix = _SDK_TO_IAM.get(svc, svc)
        if not iam.service_known(prefix):
            continue  # an SDK name whose IAM prefix CDK maps from a table this reader does not have
        name = str(api)[:-len("Command")] if str(api).endswith("Command") else str(api)
        action = LStr(f"{prefix}:{name[:1].upper()}{name[1:]}", api.span)
        if action not in actions:
            actions.append(action)
    if not actions:
        return
    stmt = _Stmt({"Effect": LStr("Allow", call.span), "Action": actions, "Resource": resources}, span=call.span)
    stmt.key_spans.update({"Effect": call.span, "Action": actions[0].span, "Resource": node.span})
    tree = LDict({"Version": LStr("2012-10-17", call.span), "Statement": LList([stmt], span=call.span)},
                 span=call.span)
    tree.key_spans["Statement"] = pol.span
    out.doc(tree, _label(stack, _construct_name(r, call, "AwsCustomResource"), "policy"), "identity")


#: Construct classes a class of the file may extend, whose ``super().__init__(...)`` / ``super(...)``
#: call then makes the construct (``class StudioRole(iam.Role)``).
SUBCLASSED = frozenset(("Role", "User", "Group", "Policy", "ManagedPolicy"))


def subclassed(base: N) -> bool:
    """Whether a base class expression names a construct class of :data:`SUBCLASSED`."""
    return base.kind in ("name", "attr") and last_name(base) in SUBCLASSED


def trust_policy_of(target: N) -> Optional[N]:
    """The construct whose trust policy ``target`` is (``role.assume_role_policy``,
    ``role.assumeRolePolicy``), else None."""
    if target.kind == "attr" and snake(target.b) == "assume_role_policy":
        return target.a
    return None


#: ``iam.Grant`` methods that write a statement for the grantee with the actions the developer names.
_GRANT_METHODS = ("add_to_principal", "add_to_principal_or_resource", "add_to_principal_and_resource")


def grant_options(r: Reader, call: N) -> dict:
    """The options of ``iam.Grant.add_to_principal(grantee=, actions=, resource_arns=)`` (Python
    keywords or a TypeScript object literal): snake-case name -> node."""
    opts = r.follow(call.b[0]) if call.b and not call.c else None
    if opts is not None and opts.kind == "dict":
        return {snake(k.a): v for k, v in opts.a if k is not None and k.kind == "str"}
    return {k: v for k, (_sp, v) in r.props(call).items()}


def grant_target(grantee: N) -> N:
    """The construct a grantee expression stands for (``fn.grant_principal`` is the function's role)."""
    return grantee.a if grantee.kind == "attr" and snake(grantee.b) == "grant_principal" else grantee


def _explicit_grant(r: Reader, out: _Out, call: N, stack: str) -> None:
    """``iam.Grant.add_to_principal(grantee=role, actions=[...], resource_arns=[...])``: the statement
    CDK adds to the grantee's policy (the ``..._or_resource`` forms too: when the grantee is in the
    resource's account, its identity policy)."""
    opts = grant_options(r, call)
    grantee, actions, arns = opts.get("grantee"), opts.get("actions"), opts.get("resource_arns")
    if grantee is None or actions is None:
        return
    stmt = _Stmt({"Effect": LStr("Allow", call.span), "Action": r.value(actions),
                  "Resource": r.value(arns) if arns is not None else Unresolved("resources", "code", call.span)},
                 span=call.span)
    stmt.key_spans.update({"Effect": call.span, "Action": actions.span,
                           "Resource": arns.span if arns is not None else call.span})
    target = grant_target(grantee)
    _group(out, _label(stack, _target_name(r, target), "add_to_principal_policy"), "identity",
           call.span)["Statement"].append(stmt)


def _construct_grant(r: Reader, out: _Out, call: N, stack: str) -> None:
    """``key.grant(role, "kms:Decrypt", ...)``, ``bucket.grant(fn, "s3:GetObject")``: the actions the
    developer names, on the construct's own resource (not known here), in the grantee's policy."""
    actions = [r.value(a) for a in call.b[1:]]
    if not actions or not all(isinstance(a, LStr) and ":" in a for a in actions):
        return  # not a CDK grant (another library's grant(...))
    stmt = _Stmt({"Effect": LStr("Allow", call.span), "Action": LList(actions, span=call.b[1].span),
                  "Resource": Unresolved(f"{text(call.a.a)} (its ARN)", "code", call.a.span)}, span=call.span)
    stmt.key_spans.update({"Effect": call.span, "Action": call.b[1].span, "Resource": call.a.span})
    target = grant_target(call.b[0])
    _group(out, _label(stack, _target_name(r, target), "add_to_principal_policy"), "identity",
           call.span)["Statement"].append(stmt)


def _group(out: _Out, label: str, role: str, span: Span) -> LDict:
    key = (label, role)
    got = out.grouped.get(key)
    if got is None:
        tree = LDict({"Version": LStr("2012-10-17", span), "Statement": LList(span=span)}, span=span)
        out.grouped[key] = (tree, span)
        return tree
    return got[0]


def _managed_list(r: Reader, out: _Out, props: dict, label: str) -> None:
    """Managed policy ARNs in ``managed_policy_arns`` / ``managed_policies``: strings and
    ``{managedPolicyArn: ...}`` literals and ``ManagedPolicy.from_*`` calls, named by the construct."""
    for prop in ("managed_policy_arns", "managed_policies"):
        if prop not in props:
            continue
        items = r.follow(props[prop][1])
        _managed_items(r, out, items.a if items is not None and items.kind == "list" else (), label)
    if "permissions_boundary" in props:
        _boundary_only(r, props["permissions_boundary"][1])


def boundary_apply(call: N) -> Optional[tuple]:
    """``(scope, [policy])`` of ``iam.PermissionsBoundary.of(scope).apply(policy)``, else None."""
    callee = call.a
    of = callee.a if callee.kind == "attr" and callee.b == "apply" else None
    if of is None or of.kind != "call" or not of.b or of.a.kind != "attr" or of.a.b != "of" \
            or last_name(of.a.a) != "PermissionsBoundary":
        return None
    return of.b[0], call_args(call, ("boundary_policy",))


def _boundary_only(r: Reader, n: Optional[N]) -> None:
    """A managed policy given as a permissions boundary limits the principal and grants it nothing:
    not an attachment (no SM105)."""
    it = r.follow(n)
    if it is not None and it.kind == "call" and snake(last_name(it.a)) in ("from_aws_managed_policy_name",
                                                                             "from_managed_policy_arn"):
        r.consumed.add(id(it))


def _managed_items(r: Reader, out: _Out, items, label: str) -> None:
    for it in items:
        it = r.follow(it)
        if it is not None and it.kind == "call":
            for got in r.managed_refs(it):
                r.consumed.add(id(it))
                out.ref(got[0], label)
            continue
        if it is not None:
            if it.kind == "dict":
                it = next((v for k, v in it.a if k is not None and k.kind == "str"
                           and k.a == "managedPolicyArn"), None)
                if it is None:
                    continue
            if it.kind in ("str", "tmpl", "add", "name"):
                v = r.value(it)
                if isinstance(v, LStr):
                    out.ref(v, label)


def _trust(r: Reader, out: _Out, call: N, props: dict, label: str) -> None:
    kspan, pnode = props["assumed_by"]
    got = r.principals(pnode)
    if got is None or not got.entries:
        return
    ext = props.get("external_ids") or props.get("external_id")
    ext_val = r.value(ext[1]) if ext is not None else None
    groups: dict = {}
    order: list = []
    for kind, val, conds, action, span in got.entries:
        akey = str(action) if isinstance(action, LStr) else repr(action)
        ckey = repr(_plain(conds))
        g = groups.get((akey, ckey))
        if g is None:
            st = LDict(span=span)
            st["Effect"] = LStr("Allow", span)
            st.key_spans["Effect"] = kspan
            acts = [action]
            if got.tags:
                acts.append(LStr("sts:TagSession", span))
            st["Action"] = acts[0] if len(acts) == 1 else LList(acts, span=span)
            st.key_spans["Action"] = kspan
            st["Principal"] = LDict(span=span)
            st.key_spans["Principal"] = kspan
            if conds is not None:
                st["Condition"] = conds
                st.key_spans["Condition"] = kspan
            if ext_val is not None:
                _merge_conditions(st, LDict({"StringEquals": LDict({"sts:ExternalId": ext_val}, span=kspan)},
                                            span=kspan), kspan)
            groups[(akey, ckey)] = st
            order.append(st)
            g = st
        _add_principal(g["Principal"], kind, val, span)
    # grouped: statements added later with role.assume_role_policy.add_statements(...) join it
    _group(out, label, "trust", call.span)["Statement"].extend(order)


def _plain(v: Any) -> Any:
    from ..located import plain

    try:
        return plain(v)
    except RecursionError:  # pragma: no cover - values are depth-capped when read
        return id(v)
