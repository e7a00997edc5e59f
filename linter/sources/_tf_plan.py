"""Terraform plans (``terraform show -json``).

Reads the planned values of every resource in the root and child modules: policy
attributes (as JSON strings, possibly with unknown values), managed policy attachments,
permissions boundaries, service and resource control policies, and the credential facts
(access keys and where their secret goes, user policies) that the HCL reader finds in
``.tf`` files.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any

from ..located import LDict, LineIndex, LStr, Span, span_of
from ..model import Holder, ManagedPolicyRef, Val
from ._tf_classify import _json_string_template, _template_json
from ._tf_common import (ATTACHMENT_ATTRS, ATTACHMENT_TYPES, ORGANIZATIONS_POLICY, POLICY_ATTRIBUTES, _BOUNDARY_REF,
                         _MANAGED_ARN, _org_policy_kind, policy_role, size_facts)
from ._tf_credentials import (ACCESS_KEY, CREDENTIAL_SINKS, _POLICY_ATTACHMENT, _SECRET_REF, _USER_ATTACHMENT,
                              _USER_POLICY, _key_store, _literal, _user_text)
from ._tf_index import _PRINCIPAL_ATTRS, _PRINCIPAL_TYPES, _Ctx
from ._tf_values import _emit


# ---------------------------------------------------------------------------
# Plans (terraform show -json)


def extract_plan(src, tree: Any) -> None:
    src.kind = "terraform-plan"
    if not isinstance(tree, dict):
        return
    ctx = _Ctx(src, LineIndex(src.text or ""), None, "terraform-plan")
    ctx.boundaries = frozenset(_plan_boundaries(tree))
    seen: set[str] = set()
    first = len(src.documents)
    for address, rtype, values in _plan_resources(tree):
        _plan_resource(ctx, address, rtype, values, seen)
    try:
        _plan_principals(ctx, tree, src.documents[first:])
    except RecursionError:
        src.error("LP001", "document is nested too deeply", Span(1, 1, 1, 1))
    except Exception as e:  # the documents stay linted one by one
        src.error("LP000", f"reading which principals hold the policies failed: {type(e).__name__}: {e}",
                  Span(1, 1, 1, 1), ("principals",))
    try:
        _plan_credentials(ctx, tree)
    except RecursionError:
        src.error("LP001", "document is nested too deeply", Span(1, 1, 1, 1))


def _list(v: Any) -> list:
    return v if isinstance(v, list) else []


def _plan_resources(tree: dict) -> list:
    """(address, type, values) of every managed resource of a plan (planned values, then changes)."""
    out = []
    pv = tree.get("planned_values")
    stack = [pv["root_module"]] if isinstance(pv, dict) and isinstance(pv.get("root_module"), dict) else []
    while stack:
        mod = stack.pop(0)
        for r in _list(mod.get("resources")):
            if isinstance(r, dict) and r.get("mode", "managed") == "managed":
                out.append((r.get("address"), r.get("type"), r.get("values")))
        stack.extend(m for m in _list(mod.get("child_modules")) if isinstance(m, dict))
    for rc in _list(tree.get("resource_changes")):
        change = rc.get("change") if isinstance(rc, dict) else None
        if isinstance(change, dict) and rc.get("mode", "managed") == "managed":
            out.append((rc.get("address"), rc.get("type"), change.get("after")))
    return out


def _plan_boundaries(tree: dict) -> set:
    """Addresses of the ``aws_iam_policy`` resources of a plan used as a permissions boundary: a
    role's or user's ``permissions_boundary`` equals the policy's ARN, or the configuration's
    ``permissions_boundary`` expression references the policy."""
    arns: dict = {}
    bound_values: set = set()
    for address, rtype, values in _plan_resources(tree):
        if not isinstance(values, dict):
            continue
        if rtype == "aws_iam_policy" and isinstance(values.get("arn"), str):
            arns[str(values["arn"])] = address
        elif rtype in ("aws_iam_role", "aws_iam_user") and isinstance(values.get("permissions_boundary"), str):
            bound_values.add(str(values["permissions_boundary"]))
    out = {arns[v] for v in bound_values if v in arns}
    conf = tree.get("configuration")
    stack = [("", conf.get("root_module"))] if isinstance(conf, dict) else []
    while stack:
        prefix, mod = stack.pop()
        if not isinstance(mod, dict):
            continue
        for r in _list(mod.get("resources")):
            if not (isinstance(r, dict) and r.get("type") in ("aws_iam_role", "aws_iam_user")):
                continue
            expr = r.get("expressions", {}).get("permissions_boundary") if isinstance(r.get("expressions"), dict) else None
            for ref in _list(expr.get("references")) if isinstance(expr, dict) else ():
                m = _BOUNDARY_REF.match(str(ref))
                if m:
                    out.add(f"{prefix}aws_iam_policy.{m.group(1)}")
        calls = mod.get("module_calls")
        if isinstance(calls, dict):
            for name, call in calls.items():
                if isinstance(call, dict):
                    stack.append((f"{prefix}module.{name}.", call.get("module")))
    return out


def _plan_resource(ctx: _Ctx, address: Any, rtype: Any, values: Any, seen: set) -> None:
    if not isinstance(address, str) or not isinstance(rtype, str) or not isinstance(values, dict):
        return
    if address in seen:
        return
    seen.add(address)
    items: list = []  # (path, role, strict, value)
    if rtype == ORGANIZATIONS_POLICY and not _org_policy_kind(values.get("type")):
        return
    boundary = rtype == "aws_iam_policy" and _unindexed(address) in ctx.boundaries
    for name, v in values.items():
        found = policy_role(rtype, name, boundary)
        if found is not None:
            items.append(((name,), found[0], found[1], v))
        elif isinstance(v, list) and any(k.startswith(name + ".") for k in POLICY_ATTRIBUTES.get(rtype, {})):
            for i, block in enumerate(v):  # nested blocks: inline_policy { policy }
                for bname, bv in (block.items() if isinstance(block, dict) else ()):
                    found = policy_role(rtype, f"{name}.{bname}", boundary)
                    if found is not None:
                        items.append(((name, i, bname), found[0], found[1], bv))
    if rtype == "aws_iam_role":
        arns = values.get("managed_policy_arns")
        for i, a in enumerate(arns if isinstance(arns, list) else ()):
            _plan_ref(ctx, a, address, (address, "managed_policy_arns", i))
    if rtype in ATTACHMENT_TYPES:
        for name in ATTACHMENT_ATTRS:
            v = values.get(name)
            for i, item in enumerate(v) if isinstance(v, list) else ((None, v),):
                _plan_ref(ctx, item, address, (address, name) + ((i,) if i is not None else ()))
    for path, role, strict, v in items:
        if not isinstance(v, LStr) or not v.strip():
            continue
        tpl = _json_string_template(ctx, v, templated=False)
        if tpl is None:
            continue
        tree = _template_json(ctx, tpl, address, strict)
        if tree is not None and (strict or isinstance(tree, dict) and "Statement" in tree):
            # the planned value is the policy as it will be sent (a resource the plan holds exists)
            facts = size_facts(rtype, ".".join(str(p) for p in path if not isinstance(p, int)))
            _emit(ctx, tree, address, (address,) + path, role, facts=facts)


def _plan_credentials(ctx: _Ctx, tree: dict) -> None:
    """Credential facts of a plan: the access keys it creates (``pgp_key`` from the planned
    values), where the root module's outputs and resources write their secrets (the
    ``references`` of the configuration's expressions), its variables, the policies of users."""
    from ..model import AccessKey, SecretFlow, SecretInput, UserGrant

    src = ctx.src
    keys: dict = {}
    users: dict = {}  # address of a user policy or attachment -> user text
    for address, rtype, values in _plan_resources(tree):
        if not isinstance(address, str) or not isinstance(values, dict):
            continue
        if rtype == ACCESS_KEY and str(address) not in keys:
            keys[str(address)] = AccessKey(str(address), str(address), span_of(address), (str(address),),
                                           _key_store(values.get("pgp_key")))
        elif rtype in (_USER_POLICY, _USER_ATTACHMENT):
            users.setdefault(str(address), _user_text(values.get("user")))
        elif rtype == _POLICY_ATTACHMENT and isinstance(values.get("users"), list) and values["users"]:
            users.setdefault(str(address), ", ".join(_user_text(u) for u in values["users"]))
    facts = src.credential_facts
    for key in keys.values():
        facts().keys.append(key)
    conf = tree.get("configuration")
    root = conf.get("root_module") if isinstance(conf, dict) else None
    if isinstance(root, dict):
        variables = root.get("variables")
        for name, body in (variables.items() if isinstance(variables, dict) else ()):
            hidden = body.get("sensitive") if isinstance(body, dict) else None
            hidden = _literal(hidden) if hidden is not None else False
            if hidden is False and isinstance(body, dict) and _literal(body.get("ephemeral")) is True:
                hidden = True
            facts().inputs.append(SecretInput(str(name), f"variable {name}", variables.key_span(name)
                                              if isinstance(variables, LDict) else Span(1, 1, 1, 1),
                                              (f"var.{name}",), hidden if isinstance(hidden, bool) else None,
                                              "sensitive = true"))
        root_keys = {k.split(".", 1)[1].split("[", 1)[0]: v for k, v in keys.items() if k.startswith(ACCESS_KEY + ".")}
        if root_keys:
            outputs = root.get("outputs")
            for name, body in (outputs.items() if isinstance(outputs, dict) else ()):
                if not isinstance(body, dict):
                    continue
                sensitive = _literal(body.get("sensitive")) if body.get("sensitive") is not None else False
                if not isinstance(sensitive, bool):
                    continue
                sink = "sensitive-output" if sensitive else "output"
                path = ("configuration", "root_module", "outputs", str(name), "expression")
                for kname, span in _plan_refs(body.get("expression"), root_keys):
                    facts().flows.append(SecretFlow(root_keys[kname], sink, str(name), f"output.{name}", span, path))
            for r in _list(root.get("resources")):
                if not isinstance(r, dict) or r.get("type") not in CREDENTIAL_SINKS:
                    continue
                exprs = r.get("expressions")
                if not isinstance(exprs, dict):
                    continue
                address = str(r.get("address") or r.get("type"))
                for spath, sink in CREDENTIAL_SINKS[str(r["type"])]:
                    if sink == "ssm":
                        kind = exprs.get("type")
                        kind = kind.get("constant_value") if isinstance(kind, dict) else None
                        if not isinstance(kind, str):
                            continue
                        sink = "secure-parameter" if kind == "SecureString" else "ssm-string"
                    holders = [exprs]
                    for bname in spath[:-1]:
                        holders = [b for h in holders for b in _list(h.get(bname)) if isinstance(b, dict)]
                    for h in holders:
                        for kname, span in _plan_refs(h.get(spath[-1]), root_keys):
                            facts().flows.append(SecretFlow(root_keys[kname], sink, address, address, span,
                                                            (address,) + spath))
    if users:
        for d in src.documents:
            if d.origin.label in users and d.role == "identity":
                facts().user_grants.append(UserGrant(users[d.origin.label], document=d))
        for r in src.managed_refs:
            if r.origin.label in users:
                facts().user_grants.append(UserGrant(users[r.origin.label], managed=r))


def _plan_refs(expr: Any, keys: dict, depth: int = 0) -> list:
    """``(key name, span)`` of the references to a key's secret in a plan expression."""
    out: list = []
    if depth > 60:
        return out
    if isinstance(expr, dict):
        refs = expr.get("references")
        for ref in refs if isinstance(refs, list) else ():
            m = _SECRET_REF.match(ref) if isinstance(ref, str) else None
            if m and m.group(1) in keys and (m.group(1), span_of(ref)) not in out:
                out.append((m.group(1), span_of(ref)))
        for k, v in expr.items():
            if k != "references" and isinstance(v, (dict, list)):
                out += _plan_refs(v, keys, depth + 1)
    elif isinstance(expr, list):
        for v in expr:
            out += _plan_refs(v, keys, depth + 1)
    return out


def _unindexed(address: str) -> str:
    """``module.a["x"].aws_iam_policy.b[0]`` -> ``module.a.aws_iam_policy.b``."""
    return re.sub(r"\[[^\[\]]*\]", "", address)  # no "[" inside: each scan stops at the next one


def _plan_ref(ctx: _Ctx, v: Any, address: str, path: tuple) -> None:
    if isinstance(v, LStr) and _MANAGED_ARN.match(v):
        ctx.src.managed_refs.append(ManagedPolicyRef.of(Val(str(v), v.span, path), ctx.origin(address, path[:2])))


# ---------------------------------------------------------------------------
# Principals: which role, user or group of the plan holds each policy


_REF_ADDRESS = re.compile(r"^((?:data\.)?aws_iam_[a-z_]+\.[A-Za-z0-9_-]+)(\[[^\]]*\])?")
_MODULE_PREFIX = re.compile(r"^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)(.*)$")


class _PlanLinks:
    """The planned resources of a plan and what links them: attribute values (a role's name, a
    policy's ARN) when the plan knows them, else the references of the configuration's
    expressions (``aws_iam_role.x.name``), read within the module instance of the resource."""

    def __init__(self, tree: dict) -> None:
        self.values: dict = {}  # address -> (type, values)
        for address, rtype, values in _plan_resources(tree):
            if isinstance(address, str) and isinstance(rtype, str) and isinstance(values, dict):
                self.values.setdefault(address, (rtype, values))
        self.by_name: dict = {}  # (kind, IAM name) -> address of the role, user or group
        self.by_arn: dict = {}  # ARN -> address of the role, user, group or policy
        self.instances: dict = {}  # (module instance prefix, unindexed resource address) -> [address]
        for address, (rtype, values) in self.values.items():
            kind = _PRINCIPAL_TYPES.get(rtype)
            name = _literal_name(values.get("name"))
            if kind is not None and name is not None:
                self.by_name.setdefault((kind, name), address)
            arn = _literal_name(values.get("arn"))
            if arn is not None:
                self.by_arn.setdefault(arn, address)
            prefix, rest = _MODULE_PREFIX.match(address).groups()
            self.instances.setdefault((prefix, _unindexed(rest)), []).append(address)
        self.expressions = _plan_expressions(tree)

    def targets(self, address: str, attr: str, kind: str = "") -> list:
        """The planned resources an attribute of ``address`` names: by value (a ``kind`` principal's
        IAM name, or an ARN), else by the references of its configuration expression."""
        rtype, values = self.values[address]
        out: list = []
        v = values.get(attr)
        for item in (v if isinstance(v, list) else [v]):
            s = _literal_name(item)
            if s is None:
                continue
            found = self.by_arn.get(s) or (self.by_name.get((kind, s)) if kind else None)
            if found is not None and found not in out:
                out.append(found)
        if out:
            return out
        prefix, rest = _MODULE_PREFIX.match(address).groups()
        own_index = rest[len(_unindexed(rest)):] if "[" in rest else ""
        expr = self.expressions.get(_unindexed(address), {}).get(attr)
        for ref in _expression_refs(expr):
            m = _REF_ADDRESS.match(ref)
            if m is None:
                continue
            found = self.instances.get((prefix, m.group(1)), [])
            if m.group(2):
                found = [a for a in found if a == prefix + m.group(1) + m.group(2)]
            elif len(found) > 1:  # aws_iam_role.x[count.index]: the instance with the same key, else none
                found = [a for a in found if own_index and a == prefix + m.group(1) + own_index]
            for a in found:
                if a not in out:
                    out.append(a)
        return out


def _literal_name(v: Any):
    return str(v) if isinstance(v, str) and v and "${" not in v else None


def _plan_expressions(tree: dict) -> dict:
    """Unindexed resource address (``module.a.aws_iam_role_policy.p``) -> its configuration expressions."""
    out: dict = {}
    conf = tree.get("configuration")
    stack = [("", conf.get("root_module"))] if isinstance(conf, dict) else []
    while stack:
        prefix, mod = stack.pop()
        if not isinstance(mod, dict):
            continue
        for r in _list(mod.get("resources")):
            if isinstance(r, dict) and isinstance(r.get("address"), str) and isinstance(r.get("expressions"), dict):
                out.setdefault(prefix + str(r["address"]), r["expressions"])
        calls = mod.get("module_calls")
        if isinstance(calls, dict) and len(prefix) < 2000:
            for name, call in calls.items():
                if isinstance(call, dict):
                    stack.append((f"{prefix}module.{name}.", call.get("module")))
    return out


def _expression_refs(expr: Any) -> list:
    """The references of an expression, or of each item of a list of expressions."""
    out: list = []
    for e in (expr if isinstance(expr, list) else [expr]):
        if isinstance(e, dict):
            out.extend(str(r) for r in _list(e.get("references")) if isinstance(r, str))
    return out


def _plan_principals(ctx: _Ctx, tree: dict, docs: list) -> None:
    """Set ``principals`` of the plan's identity, trust and boundary documents: a role's, user's or
    group's own policies; ``aws_iam_role_policy`` (and the user and group forms) by its ``role``;
    an ``aws_iam_policy`` attached by the attachment resources, ``managed_policy_arns`` or taken
    as ``permissions_boundary``."""
    docs = [d for d in docs if d.role in ("identity", "trust", "boundary")]
    if not docs:
        return
    plan = _PlanLinks(tree)
    holders: dict = {}
    for address, (rtype, values) in plan.values.items():
        kind = _PRINCIPAL_TYPES.get(rtype)
        if kind is not None:
            holders[address] = Holder(f"{ctx.src.path}::{address}", address, kind,
                                      _literal_name(values.get("name")), ctx.src.path)
    if not holders:
        return
    links: dict = {}  # policy address -> [holder address]

    def link(policy: str, owners: list) -> None:
        lst = links.setdefault(policy, [])
        lst.extend(o for o in owners if o in holders and o not in lst)

    for address, (rtype, values) in plan.values.items():
        attrs = _PRINCIPAL_ATTRS.get(rtype)
        if attrs is not None:
            owners = [o for attr, kind in attrs for o in plan.targets(address, attr, kind)]
            if rtype.endswith("_policy"):
                link(address, owners)
            else:
                for attr in ATTACHMENT_ATTRS:
                    for policy in plan.targets(address, attr):
                        link(policy, owners)
        elif address in holders:
            for attr in ("managed_policy_arns", "permissions_boundary"):
                for policy in plan.targets(address, attr):
                    link(policy, [address])
    for doc in docs:
        label = doc.origin.label
        if label in holders:
            doc.principals = [holders[label]]
        elif label in links:
            doc.principals = [holders[a] for a in links[label]]
