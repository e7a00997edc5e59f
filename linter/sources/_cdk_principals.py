"""CDK apps: which role, user or group holds each policy document (the principal model).

:mod:`linter.sources.cdk` names each document after the construct it belongs to
(``Stack/Role: inline_policies.jobs``, ``Stack/Role: add_to_policy``, ``Stack/Policy: statements``);
this module reads the same calls again to say which principal construct that is:

* an ``iam.Role`` / ``User`` / ``Group`` (and ``CfnRole``, ``CfnUser``, ``CfnGroup``) holds its own
  documents: ``inline_policies``, the trust policy of ``assumed_by``, the statements
  ``add_to_policy`` / ``add_to_principal_policy`` add to it;
* an ``iam.Policy`` / ``ManagedPolicy`` (and the L1 policies) is held by the principals it is
  attached to: ``roles=[...]``, ``users``, ``groups`` (``CfnPolicy``: ``role.ref`` or a literal name),
  ``policy.attach_to_role(role)``, ``role.attach_inline_policy(policy)``,
  ``role.add_managed_policy(policy)``, ``managed_policies=[...]``; a managed policy a principal
  takes as ``permissions_boundary`` is its boundary;
* any other construct (a Lambda function, a state machine, a CodeBuild project) has a role of its
  own, named after the construct, that ``add_to_role_policy`` / ``add_to_principal_policy`` add to;
  when the construct is given ``role=`` a role of the file, that role holds them.

A construct is recognised when the expression naming it is bound once in the file (a variable,
``self.x`` / ``this.x``) to the construct call, in the same class: nothing is guessed across files,
classes or functions whose parameters are roles. The file is the unit.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Optional

from ..model import Holder
from .cdk import (ROLE_MEMBERS, _GRANT_METHODS, boundary_apply, _IDENTITY_METHODS, _INITIAL_POLICY, _POLICY_KEYWORDS,
                  _STEP_POLICY, N, Reader,
                  _construct_name, _has_prop, _target_name, call_args, grant_options, grant_target, last_name, snake,
                  text, trust_policy_of)

#: Principal constructs: class name -> (kind, the property holding its IAM name).
PRINCIPAL_CLASSES = {"Role": ("role", "role_name"), "CfnRole": ("role", "role_name"),
                     "User": ("user", "user_name"), "CfnUser": ("user", "user_name"),
                     "Group": ("group", "group_name"), "CfnGroup": ("group", "group_name")}
#: Policy constructs and the properties naming the principals they are attached to.
POLICY_CLASSES = {"Policy": ("roles", "users", "groups"), "ManagedPolicy": ("roles", "users", "groups"),
                  "CfnPolicy": ("roles", "users", "groups"), "CfnManagedPolicy": ("roles", "users", "groups"),
                  "CfnRolePolicy": ("role_name",), "CfnUserPolicy": ("user_name",),
                  "CfnGroupPolicy": ("group_name",)}
#: Attributes of a construct that stand for it where a principal or policy is expected.
_SAME = frozenset(("ref", "role_name", "role_arn", "user_name", "user_arn", "group_name", "group_arn", "attr_arn",
                   "attr_role_id", "managed_policy_arn", "managed_policy_name", "policy_name"))
#: Methods attaching a policy: (method, whether the policy is the object the method is called on).
_ATTACH = {"attach_to_role": True, "attach_to_user": True, "attach_to_group": True,
           "attach_inline_policy": False, "add_managed_policy": False}
_NOT_CONSTRUCTS = ("PolicyDocument", "PolicyStatement")
#: boto3 IAM client calls that give a principal a document: method -> (kind, keyword naming the
#: principal, keyword holding the document)
_BOTO3_PUT = {"put_role_policy": ("role", "RoleName", "PolicyDocument"),
              "put_user_policy": ("user", "UserName", "PolicyDocument"),
              "put_group_policy": ("group", "GroupName", "PolicyDocument"),
              "create_role": ("role", "RoleName", "AssumeRolePolicyDocument"),
              "update_assume_role_policy": ("role", "RoleName", "PolicyDocument")}
#: boto3 calls attaching a managed policy by ARN: method -> (kind, keyword naming the principal)
_BOTO3_ATTACH = {"attach_role_policy": ("role", "RoleName"), "attach_user_policy": ("user", "UserName"),
                 "attach_group_policy": ("group", "GroupName")}
#: boto3 calls of other services whose policy document's role the API decides: method -> (keyword, role)
_BOTO3_API_ROLES = {"create_vpc_endpoint": ("PolicyDocument", "endpoint"),
                    "modify_vpc_endpoint": ("PolicyDocument", "endpoint"),
                    "assume_role": ("Policy", "session"), "assume_role_with_web_identity": ("Policy", "session"),
                    "assume_role_with_saml": ("Policy", "session"), "get_federation_token": ("Policy", "session"),
                    "update_policy": ("Content", "organization")}
#: boto3 calls giving a principal a permissions boundary: method -> kind, keyword naming it
_BOTO3_BOUNDARY = {"put_role_permissions_boundary": ("role", "RoleName"),
                   "put_user_permissions_boundary": ("user", "UserName")}


def _head(stack: str, name: str) -> str:
    return "/".join(p for p in (stack, name) if p)


def _policy_tail(arn) -> Optional[str]:
    """The name at the end of a customer managed policy ARN (``...:policy/jobs``: jobs), else None."""
    return arn.rsplit("/", 1)[-1] if isinstance(arn, str) and ":policy/" in arn else None


def _contains(outer, inner) -> bool:
    return (outer.line, outer.col) <= (inner.line, inner.col) and \
        (inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col)


class _Model:
    def __init__(self, src, code) -> None:
        self.src = src
        self.instances: Optional[dict] = None  # class name -> how many calls make one (see member)
        self.r = Reader(code)
        self.code = code
        self.stack_of = {id(c): s for c, s in code.calls}
        self.calls = {id(c): c for c, _ in code.calls}
        self.holders: dict = {}  # id(principal call) -> Holder
        self.by_name: dict = {}  # (kind, IAM name) -> id(principal call)
        self.heads: dict = {}  # label head -> [owner: ("p" | "pol" | "role-of", id(call))]
        self.links: dict = {}  # id(policy call) -> [id(principal call)]
        self.bounds: dict = {}  # id(policy call) -> [id(principal call)] taking it as permissions boundary
        self.own_roles: dict = {}  # id(construct call) -> Holder of its role
        self.boto: dict = {}  # (kind, IAM name as written) -> Holder of a boto3 principal
        self.by_span: dict = {}  # (line, col) of a policy mapping -> [Holder] (boto3 calls)
        self.api_roles: dict = {}  # (line, col) of a policy mapping -> the role its API gives it
        self.created: dict = {}  # policy name (create_policy) -> [(line, col) of its mapping]
        self.created_by: dict = {}  # id(create_policy call) -> [(line, col) of its mapping]

    # -- what an expression names ---------------------------------------------

    def construct(self, node: Optional[N], stack: str) -> Optional[N]:
        """The construct call an expression stands for (``role``, ``self.role``, ``role.ref``), when
        it is bound once in this file, in the class ``stack``."""
        depth = 0
        while node is not None and node.kind == "attr" and snake(node.b) in _SAME and depth < 5:
            node, depth = node.a, depth + 1
        if node is None:
            return None
        if node.kind == "name" and node.a in ("this", "self"):
            node = self.code.targets.get(node.a)  # in a construct subclass: the construct its super() makes
        elif node.kind == "name":
            node = self.r.follow(node) if self.r.const(node.a) is not None else self.in_class(node.a, stack)
        elif node.kind == "attr":
            member = self.member(node)
            if member is not None:
                return member
            node = self.code.targets.get(text(node))
        if node is None or node.kind != "call" or id(node) not in self.calls:
            return None
        return node if self.stack_of[id(node)] == stack else None

    def member(self, node: N) -> Optional[N]:
        """The construct a member of an instance of a construct class of this file is (``trainer.role``,
        ``trainer`` bound to ``new Trainer(...)`` whose constructor sets ``this.role = new iam.Role(...)``),
        when the file makes one instance of that class (more would be as many roles)."""
        if node.a.kind != "name" or node.a.a in ("this", "self"):
            return None
        inst = self.r.follow(node.a)
        if inst is None or inst.kind != "call":
            return None
        cls = last_name(inst.a)
        if self.instances is None:
            self.instances = {}
            for call, _stack in self.code.calls:
                n = last_name(call.a)
                self.instances[n] = self.instances.get(n, 0) + 1
        if self.instances.get(cls) != 1:
            return None
        for me in ("this.", "self."):
            got = self.code.members.get((cls, me + node.b))
            if got is not None and got.kind == "call" and id(got) in self.calls:
                return got
        return None

    def in_class(self, name: str, stack: str) -> Optional[N]:
        """The call a name bound in several classes is bound to in class ``stack`` (``role = iam.Role(...)``
        in two stacks of one file): only when every binding of the name is a known call, and one is in
        that class."""
        vals = self.code.bindings.get(name) or ()
        if name in self.code.changed or any(v is None or v.kind != "call" for v in vals):
            return None
        here = [v for v in vals if self.stack_of.get(id(v)) == stack]
        return here[0] if len(here) == 1 else None

    def principal(self, node: Optional[N], stack: str, kind: str = "") -> Optional[int]:
        """id of the principal construct an expression names (or whose IAM name a literal is)."""
        lit = self.r.follow(node)
        if lit is not None and lit.kind == "str":
            return self.by_name.get((kind, lit.a)) if kind else None
        c = self.construct(node, stack)
        return id(c) if c is not None and id(c) in self.holders else None

    def items(self, node: Optional[N]) -> list:
        node = self.r.follow(node)
        if node is None:
            return []
        return [x for x in node.a if x.kind != "spread"] if node.kind == "list" else [node]

    def own(self, head: str, owner: tuple) -> None:
        lst = self.heads.setdefault(head, [])
        if owner not in lst:
            lst.append(owner)

    def owner(self, head: str, doc) -> Optional[tuple]:
        """The owner of a document labelled ``head: ...``; among constructs of one class that share
        a name, the one whose call holds the document (its ``inline_policies``, its ``statements``)."""
        owners = self.heads.get(head) or ()
        if len(owners) == 1:
            return owners[0]
        sp = doc.span
        inside = [o for o in owners if o[0] in ("p", "pol") and _contains(self.calls[o[1]].span, sp)]
        return inside[0] if len(inside) == 1 else None

    # -- reading the calls --------------------------------------------------------

    def read(self) -> None:
        r = self.r
        for call, stack in self.code.calls:  # the principals first: policies name them
            name = last_name(call.a)
            if name in PRINCIPAL_CLASSES and call.a.kind in ("name", "attr"):
                kind, name_prop = PRINCIPAL_CLASSES[name]
                head = _head(stack, _construct_name(r, call, name))
                v = r.props(call).get(name_prop)
                v = r.value(v[1]) if v is not None else None
                iam_name = str(v) if isinstance(v, str) and "${" not in v else None
                self.holders[id(call)] = Holder(f"{self.src.path}::{head}", head, kind, iam_name, self.src.path,
                                                call.span)
                if iam_name:
                    self.by_name.setdefault((kind, iam_name), id(call))
                self.own(head, ("p", id(call)))
        for call, stack in self.code.calls:
            callee = call.a
            name = last_name(callee)
            low = snake(name)
            if name in PRINCIPAL_CLASSES and id(call) in self.holders:
                props = r.props(call)
                for prop in ("managed_policies", "managed_policy_arns"):
                    for it in self.items(props.get(prop, (None, None))[1]):
                        self.attach(self.construct(it, stack), [id(call)])
                pb = props.get("permissions_boundary")
                c = self.construct(pb[1], stack) if pb is not None else None
                if c is not None:
                    self.bounds.setdefault(id(c), []).append(id(call))
            elif low == "apply" and boundary_apply(call) is not None:
                # iam.PermissionsBoundary.of(role).apply(policy): the role's boundary (of a stack or a
                # construct scope: of every role in it, not followed)
                scope, policies = boundary_apply(call)
                target = self.construct(scope, stack)
                c = self.construct(policies[0], stack) if policies else None
                if c is not None and target is not None and id(target) in self.holders:
                    self.bounds.setdefault(id(c), []).append(id(target))
                elif c is not None:
                    self.bounds.setdefault(id(c), [])
            elif name in POLICY_CLASSES and callee.kind in ("name", "attr"):
                self.own(_head(stack, _construct_name(r, call, name)), ("pol", id(call)))
                props = r.props(call)
                for prop in POLICY_CLASSES[name]:
                    kind = prop.split("_")[0].rstrip("s")
                    owners = [self.principal(it, stack, kind) for it in self.items(props.get(prop, (None, None))[1])]
                    self.attach(call, [o for o in owners if o is not None])
            elif _has_prop(call, _INITIAL_POLICY) and (self.has_role(call) or _has_prop(call, _STEP_POLICY)):
                # lambda.Function(initial_policy=[...]): the statements of the function's role
                self.own(_head(stack, _construct_name(r, call, name)), ("role-of", id(call)))
            elif callee.kind == "attr" and low in _IDENTITY_METHODS:
                target = callee.a
                of = trust_policy_of(r.follow(target))
                if low == "add_statements" and of is not None:
                    target = of  # statements of a role's trust policy: the role's
                head = _head(stack, _target_name(r, target))
                owner = self.owner_of(target, stack)
                if owner is not None:
                    self.own(head, owner)
            elif callee.kind == "attr" and (low in _BOTO3_PUT or low in _BOTO3_ATTACH or low == "create_policy"
                                            or low in _BOTO3_BOUNDARY):
                self.boto3_call(call, low)
            elif callee.kind == "attr" and low in _BOTO3_API_ROLES:
                kw, role = _BOTO3_API_ROLES[low]
                at = self.mapping({k: v for k, _, v in call.c or () if k}.get(kw))
                if at is not None:
                    self.api_roles[at] = role
            elif callee.kind == "attr" and ((low in _GRANT_METHODS and last_name(callee.a) == "Grant")
                                            or (low == "grant" and len(call.b or ()) >= 2)):
                # iam.Grant.add_to_principal(grantee=role, ...), key.grant(role, "kms:Decrypt"): the grantee's
                grantee = grant_options(r, call).get("grantee") if low != "grant" else call.b[0]
                if grantee is not None:
                    target = grant_target(grantee)
                    owner = self.owner_of(target, stack)
                    if owner is not None:
                        self.own(_head(stack, _target_name(r, target)), owner)
            elif callee.kind == "attr" and low in _ATTACH and call_args(call, _POLICY_KEYWORDS):
                obj, arg = self.construct(callee.a, stack), self.construct(call_args(call, _POLICY_KEYWORDS)[0], stack)
                policy, principal = (obj, arg) if _ATTACH[low] else (arg, obj)
                if principal is not None and id(principal) in self.holders:
                    self.attach(policy, [id(principal)])

    def boto3_call(self, call: N, low: str) -> None:
        """A boto3 IAM client call: ``put_role_policy(RoleName=..., PolicyDocument=json.dumps(p))``,
        ``create_role(RoleName=..., AssumeRolePolicyDocument=...)``, ``create_policy`` then
        ``attach_role_policy(RoleName=..., PolicyArn=...)``. The principal is named by the text of its
        name (``"${prefix}-role"`` when it is built from a value not known: the same text is the same
        principal); the document is the policy mapping the argument is, or ``json.dumps`` of."""
        kws = {kw: v for kw, _, v in call.c or () if kw}
        if low == "create_policy" and "Content" in kws:  # AWS Organizations: a service or resource control policy
            at = self.mapping(kws.get("Content"))
            if at is not None:
                self.api_roles[at] = "organization"
            return
        if low in _BOTO3_BOUNDARY:  # put_role_permissions_boundary(PermissionsBoundary=arn of a policy made here)
            kind, who = _BOTO3_BOUNDARY[low]
            tail = _policy_tail(self.r.value(kws.get("PermissionsBoundary")))
            ats = self.created.get(tail, []) if tail else self.response_of(kws.get("PermissionsBoundary"))
            h = self.boto_holder(kind, self.r.value(kws.get(who)), call)
            for at in ats:
                self.api_roles[at] = "boundary"
                if h is not None:
                    self.hold(at, h)
            return
        if low == "create_policy":
            name, at = self.r.value(kws.get("PolicyName")), self.mapping(kws.get("PolicyDocument"))
            if isinstance(name, str) and at is not None:
                self.created.setdefault(name, []).append(at)
            if at is not None:
                self.created_by[id(call)] = [at]  # resp = create_policy(...); PolicyArn=resp["Policy"]["Arn"]
            return
        if low in _BOTO3_PUT:
            kind, who, what = _BOTO3_PUT[low]
        else:
            kind, who = _BOTO3_ATTACH[low]
            what = None
        h = self.boto_holder(kind, self.r.value(kws.get(who)), call)
        if h is None:
            return
        if what is not None:
            at = self.mapping(kws.get(what))
            ats = [at] if at is not None else []
        else:
            arn = self.r.value(kws.get("PolicyArn"))
            tail = _policy_tail(arn)
            ats = self.created.get(tail, []) if tail and ":iam::aws:policy/" not in arn else []
            if not ats:
                ats = self.response_of(kws.get("PolicyArn"))
        for at in ats:
            self.hold(at, h)

    def boto_holder(self, kind: str, name, call: N) -> Optional[Holder]:
        """The principal a boto3 call names by its IAM name (``RoleName="x"``), one per name as written
        (``"${prefix}-role"`` when built from a value not known: the same text is the same principal)."""
        if not isinstance(name, str) or not name.strip():
            return None
        h = self.boto.get((kind, name))
        if h is None:
            h = self.boto[(kind, name)] = Holder(f"{self.src.path}::{kind}/{name}", f"{kind} {name}", kind,
                                                 name if "${" not in name else None, self.src.path, call.span)
        return h

    def hold(self, at: tuple, h: Holder) -> None:
        """The policy mapping at ``at`` is ``h``'s."""
        lst = self.by_span.setdefault(at, [])
        if h not in lst:
            lst.append(h)

    def response_of(self, node: Optional[N]) -> list:
        """The policy mappings a ``create_policy`` call made whose response an ARN is read from
        (``resp["Policy"]["Arn"]``, ``resp`` bound to that call)."""
        if node is None or node.kind != "other" or not isinstance(node.a, str) or not node.a.endswith("[...]"):
            return []
        vals = self.code.bindings.get(node.a[:-5]) or ()
        out: list = []
        for v in vals:
            if v is not None and v.kind == "call":
                out.extend(self.created_by.get(id(v), ()))
        return out

    def mapping(self, node: Optional[N]) -> Optional[tuple]:
        """Where the policy mapping an argument gives starts: the mapping, a name bound to it, or
        ``json.dumps`` / ``JSON.stringify`` of one."""
        n = self.latest(node)
        for _ in range(4):  # json.dumps(json.loads("...")): the mapping inside; a helper's returned one
            if n is not None and n.kind == "call" and last_name(n.a) in ("dumps", "stringify", "loads", "parse") \
                    and n.b:
                n = self.latest(n.b[0])
            elif n is not None and n.kind == "call":
                fn = self.r.function_of(n)
                n = self.latest(fn.returns[0]) if fn is not None else n
        if n is None or n.kind != "dict":
            return None
        return (n.span.line, n.span.col)

    def latest(self, node: Optional[N]) -> Optional[N]:
        """What an argument stands for at the call: the value a name is bound to, and for a name
        bound several times (a script or notebook reusing ``policy = {...}`` for each role), the
        last binding written before the call."""
        n = self.r.follow(node)
        if n is not None and n.kind == "name":  # bound more than once (or not known)
            vals = self.code.bindings.get(n.a) or ()
            if any(v is None for v in vals):
                return None  # a parameter, a loop variable, an import: not guessed
            at = (n.span.line, n.span.col)
            before = [v for v in vals if (v.span.line, v.span.col) < at]
            n = self.r.follow(before[-1]) if before else None
        return n

    def owner_of(self, target: N, stack: str) -> Optional[tuple]:
        """Whose policy a statement added to ``target`` goes to: a principal, a policy, or the role
        of another construct (``fn.add_to_role_policy``, ``fn.role.add_to_policy``)."""
        c = self.construct(target, stack)
        if c is None:
            if target.kind == "attr" and snake(str(target.b)) in ROLE_MEMBERS:  # fn.role.add_to_policy(...)
                c = self.construct(target.a, stack)
                return ("role-of", id(c)) if c is not None and self.has_role(c) else None
            return None
        if id(c) in self.holders:
            return ("p", id(c))
        if last_name(c.a) in POLICY_CLASSES:
            return ("pol", id(c))
        return ("role-of", id(c)) if self.has_role(c) else None

    def has_role(self, c: N) -> bool:
        """Whether a call makes a construct that may have a role of its own: ``X(scope, id, ...)``
        that is not a principal, a policy or a policy document."""
        name = last_name(c.a)
        args = c.b or ()
        return (id(c) not in self.holders and name not in POLICY_CLASSES and name not in _NOT_CONSTRUCTS
                and len(args) >= 2 and args[0].kind == "name")

    def attach(self, policy: Optional[N], owners: list) -> None:
        if policy is None or last_name(policy.a) not in POLICY_CLASSES:
            return
        lst = self.links.setdefault(id(policy), [])
        lst.extend(o for o in owners if o not in lst)

    # -- who holds a document ---------------------------------------------------

    def holders_of(self, owner: tuple) -> list:
        kind, cid = owner
        if kind == "p":
            return [self.holders[cid]]
        if kind == "pol":
            return [self.holders[p] for p in self.links.get(cid, ())]
        call = self.calls[cid]
        props = self.r.props(call)
        role = props.get("role") or props.get("task_role")  # a function's role, a task definition's task role
        p = self.principal(role[1], self.stack_of[cid]) if role is not None else None
        if p is not None:
            return [self.holders[p]]
        h = self.own_roles.get(cid)
        if h is None:
            head = _head(self.stack_of[cid], _construct_name(self.r, call, last_name(call.a)))
            h = self.own_roles[cid] = Holder(f"{self.src.path}::{head}", head, "role", None, self.src.path, call.span)
        return [h]

    def assign(self, docs: list) -> None:
        for doc in docs:
            sp = doc.span if doc.origin.file == self.src.path else None  # a policy file's: its own positions
            held = self.by_span.get((sp.line, sp.col)) if self.by_span and sp is not None else None
            api = self.api_roles.get((sp.line, sp.col)) if self.api_roles and sp is not None else None
            if api is not None:  # the role the API that receives the document gives it
                doc.role = api
                if api == "boundary" and held:
                    doc.principals = list(held)
                continue
            if held and doc.role in ("identity", "trust"):
                doc.principals = list(held)
                continue
            label = doc.origin.label
            head, sep, _what = label.partition(": ")
            owner = self.owner(head, doc) if sep else None
            if owner is None:
                continue
            if doc.role == "trust":
                if owner[0] == "p":
                    doc.principals = self.holders_of(owner)
                continue
            if doc.role != "identity":
                continue
            if owner[0] == "pol" and not self.links.get(owner[1]) and owner[1] in self.bounds:
                doc.role = "boundary"  # a managed policy only used as a permissions boundary
                doc.principals = [self.holders[p] for p in self.bounds[owner[1]]]
                continue
            doc.principals = self.holders_of(owner)


def attach_principals(src, code, docs: list) -> None:
    """Set ``principals`` of the documents (``docs``) read from a CDK file's ``code``."""
    if not docs:
        return
    model = _Model(src, code)
    model.read()
    model.assign(docs)
