"""Standalone IAM policy JSON, and the shapes the AWS CLI prints.

Recognized (checked in this order on the top-level mapping):

- a policy document: a top-level ``Statement``;
- ``aws iam get-policy-version``: ``PolicyVersion.Document``;
- ``aws iam get-role-policy`` / ``get-user-policy`` / ``get-group-policy``:
  ``PolicyDocument`` (an object, or the URL-encoded JSON string the API returns);
- ``aws iam get-account-authorization-details``: every inline policy, trust policy and
  the default version of every managed policy, each labelled with its owner; attached
  AWS managed policies become managed-policy references (SM105). Each role, user and group
  holds its inline policies and the managed policies it attaches (matched by ARN to
  ``Policies``), a user also those of the groups it is in, and a managed policy named as a
  ``PermissionsBoundary`` is that principal's boundary (the principal model).

A trust policy or a service or resource control policy file is ``sized`` (its size counts against
its quota). An identity policy or permissions boundary file is not: it may be a copy of an AWS
managed policy, which AWS keeps at any size, and whether it becomes a managed or an inline policy
is not known. Neither is what the AWS CLI prints: AWS accepted those documents.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from ..located import LStr, ParseError, Span, span_of
from ..model import ManagedPolicyRef, Origin, Val, build_document
from .._regex import Lazy
from .base import files_nearby, role_by_content


#: The placeholder a JSON parser stops at in a policy written as a template: the two characters
#: at the error (or the one before and the one at it: ``{{`` fails at its second brace).
_TEMPLATE_OPENERS = {"${": "terraform", "%{": "terraform", "{{": "jinja", "{%": "jinja"}


def recover(src, err: ParseError):
    """A ``.json`` policy written as a template, which JSON stops reading at a placeholder that
    stands for a whole value (``"Resource": ${bucket_arns}``, ``"Action": {{ actions }}``): read
    as the policy-template format reads ``*.json.tpl``, or as the Terraform file that reads it with
    ``templatefile()`` uses it. Returns ``"whole"`` then (the file is read; the template reading
    reports its own syntax error, if it has one), False for any other syntax error."""
    from ..located import LineIndex

    text = src.text or ""
    if "Statement" not in text:
        return False
    at = LineIndex(text).offset(err.span.line, err.span.col)
    syntax = _TEMPLATE_OPENERS.get(text[at:at + 2]) or _TEMPLATE_OPENERS.get(text[max(at - 1, 0):at + 1])
    if syntax is None:
        return False
    from . import BY_NAME  # through the table: the template format reads policies with this one

    policy_template = BY_NAME["policy-template"].load()
    policy_template.extract(src, policy_template.parse(src, syntax), syntax)
    return "whole"


def _shape(tree: Any) -> Optional[str]:
    """Which shape a JSON document is: ``policy``, ``statements`` (a list of statements only, a
    fragment code joins into a policy), an AWS CLI output, or None."""
    if isinstance(tree, list):
        if tree and all(isinstance(t, dict) and "Effect" in t and ("Action" in t or "NotAction" in t)
                        and "Statement" not in t for t in tree):
            return "statements"
        return None
    if not isinstance(tree, dict):
        return None
    if "Statement" in tree and (isinstance(tree["Statement"], (dict, list))
                                or tree.get("Version") in ("2012-10-17", "2008-10-17")):
        # a policy (a "Statement" that is a number or a word, with no policy Version, is some
        # other JSON's key: a tokenizer's vocabulary, a translation table)
        return "policy"
    pv = tree.get("PolicyVersion")
    if isinstance(pv, dict) and "Document" in pv:
        return "policy-version"
    if isinstance(tree.get("PolicyDocument"), (dict, str)) and (
            "PolicyName" in tree or "RoleName" in tree or "UserName" in tree or "GroupName" in tree or len(tree) <= 4):
        return "inline-policy"
    if isinstance(tree.get("UserDetailList"), list) or isinstance(tree.get("RoleDetailList"), list):
        return "authorization-details"
    role = tree.get("Role")
    if isinstance(role, dict) and "AssumeRolePolicyDocument" in role:
        return "role"  # get-role, create-role
    roles = tree.get("Roles")
    if isinstance(roles, list) and any(isinstance(r, dict) and "AssumeRolePolicyDocument" in r for r in roles):
        return "roles"  # list-roles
    if isinstance(tree.get("AssumeRolePolicyDocument"), (dict, str)) and "RoleName" in tree:
        return "role-input"  # create-role --cli-input-json
    return None


def claims(name: str, tree: Any) -> bool:
    """A policy document (a top-level ``Statement``) or one of the AWS CLI shapes."""
    return _shape(tree) is not None


def extract(src, tree: Any) -> None:
    shape = _shape(tree)
    if shape == "policy":
        src.kind = "policy-json"
        role = role_by_content(tree)
        named = role_by_name(src.path)
        if role == "identity":
            # no principal: a boundary, session policy or SCP by its name; never an endpoint policy,
            # which names principals (an identity policy for SageMaker endpoints may be named so)
            role = named if named != "endpoint" else role
        elif named in _NAMED_OVER_CONTENT:
            # a VPC endpoint policy or an RCP names principals ("*") but grants nothing: its name says so
            role = named
        # A trust policy or an SCP/RCP file is held to its quota. An identity policy or a boundary may
        # be a copy of an AWS managed policy, which AWS keeps at any size (ReadOnlyAccess is over
        # 80,000 characters), and whether it becomes managed or inline is not known: not sized. What
        # the AWS CLI printed below was read back from AWS, which accepted it whatever its size.
        _add(src, tree, (), "", role, sized=role in ("trust", "organization"))
        if files_nearby(src, (".tf",)):  # else the Terraform reader is not even loaded
            from . import terraform

            if terraform.owner_documents(src):  # a policy a nearby .tf file reads: linted as it is used there
                return
        if files_nearby(src, (".sh", ".bash")):
            from . import shell

            shell.owner_documents(src)  # a policy a nearby script gives a role with file://
        return
    if shape == "statements":
        # statements a program reads and adds to a policy (a key policy's, a role's): linted as the
        # statements of a document of the role they suggest, which the program decides
        src.kind = "policy-json"
        from ..located import LDict

        doc = LDict({"Statement": tree}, span=tree.span)
        doc.key_spans = {"Statement": tree.span}
        role = role_by_content(doc)
        named = role_by_name(src.path)
        _add(src, doc, (), "statements", named if role == "identity" and named != "endpoint" else role)
        return
    src.kind = "aws-cli"
    if shape == "policy-version":
        pv = tree["PolicyVersion"]
        label = f"policy version {pv.get('VersionId', '')}".strip()
        named = role_by_name(src.path)  # a managed policy: never an endpoint policy, whatever its name
        _add_maybe_string(src, pv["Document"], ("PolicyVersion", "Document"), label,
                          "identity" if named == "endpoint" else named)
    elif shape == "inline-policy":
        owner = _owner(tree)
        label = f"{owner} inline policy {tree.get('PolicyName', '')}".strip()
        _add_maybe_string(src, tree["PolicyDocument"], ("PolicyDocument",), label, "identity")
    elif shape in ("role", "roles", "role-input"):
        if shape == "role":
            roles = [(tree["Role"], ("Role",))]
        elif shape == "roles":
            roles = [(r, ("Roles", i)) for i, r in enumerate(tree["Roles"]) if isinstance(r, dict)]
        else:
            roles = [(tree, ())]
        for r, path in roles:
            if "AssumeRolePolicyDocument" in r:
                label = f"role {r.get('RoleName', '')} trust policy".replace("  ", " ")
                _add_maybe_string(src, r["AssumeRolePolicyDocument"], path + ("AssumeRolePolicyDocument",), label,
                                  "trust")
    elif shape == "authorization-details":
        first = len(src.documents)
        _authorization_details(src, tree)
        try:
            _authorization_principals(src, tree, src.documents[first:])
        except Exception as e:  # the documents stay linted one by one
            src.error("LP000", f"reading which principals hold the policies failed: {type(e).__name__}: {e}",
                      Span(1, 1, 1, 1), ("principals",))


_NAME_ROLES = (("boundar", "boundary"), ("sessionpolic", "session"), ("servicecontrolpolic", "organization"),
               ("resourcecontrolpolic", "organization"), ("organizationpolic", "organization"),
               ("organisationpolic", "organization"), ("endpointpolic", "endpoint"), ("vpcendpoint", "endpoint"))
#: Name words of their own (between separators): ``network_perimeter_rcp.json``, ``deny_scp.json``.
_NAME_TOKENS = {"scp": "organization", "scps": "organization", "rcp": "organization", "rcps": "organization"}
#: Roles a name gives over what the content suggests (principals make a document look like a
#: resource or trust policy; an endpoint policy and a resource control policy name ``"*"``).
_NAMED_OVER_CONTENT = frozenset(("endpoint", "organization"))
_TOKEN_SPLIT = Lazy(r"[^a-z0-9]+")


def role_by_name(path: str) -> str:
    """The role of a standalone policy from its file's name, or the name of the directory holding
    it: a permissions boundary (``*boundary*``, ``boundaries/``), a session policy
    (``*session-policy*``, ``session-policies/``), a service or resource control policy
    (``*service-control-policy*``, ``*_scp.json``, ``resource_control_policies/``,
    ``organization-policies/``), a VPC endpoint policy (``*endpoint-policy*``,
    ``vpc-endpoint-policies/``); anything else is an identity policy."""
    parts = path.lower().split("/")
    for part in (parts[-1], parts[-2] if len(parts) > 1 else ""):
        name = part.replace("-", "").replace("_", "")
        for word, role in _NAME_ROLES:
            if word in name:
                return role
        for token in _TOKEN_SPLIT.split(part):
            role = _NAME_TOKENS.get(token)
            if role is not None:
                return role
    return "identity"


def _owner(d: dict) -> str:
    for key, word in (("RoleName", "role"), ("UserName", "user"), ("GroupName", "group")):
        if key in d:
            return f"{word} {d[key]}"
    return ""


def _add(src, node: Any, path: tuple, label: str, role: str, sized: bool = False) -> None:
    doc = build_document(node, Origin(src.path, src.kind, label, path), role=role)
    doc.sized = sized
    src.documents.append(doc)
    for st in doc.statements:
        src.blocks.append(st.span)


def _add_maybe_string(src, node: Any, path: tuple, label: str, role: str) -> None:
    if isinstance(node, str):
        node = _decode_string_document(node)
        if node is None:
            return
    _add(src, node, path, label, role)


def _decode_string_document(s: Any) -> Optional[Any]:
    """A document given as a (possibly URL-encoded) JSON string.

    Positions inside an encoded string cannot be mapped one to one, so every
    value found in it points at the string itself.
    """
    from ..parsers.json_loc import parse_json

    span: Span = getattr(s, "span", Span(1, 1, 1, 1))
    text = str(s)
    if "%" in text and not text.lstrip().startswith("{"):
        from urllib.parse import unquote  # only URL-encoded AWS CLI documents need it

        text = unquote(text)
    try:
        return parse_json(text, mapper=lambda line, col: (span.line, span.col))
    except ParseError as e:
        raise ParseError(f"policy document string is not valid JSON: {e.message}", span) from None


def _authorization_details(src, tree: dict) -> None:
    for list_key, name_key, word, pol_key in (
        ("UserDetailList", "UserName", "user", "UserPolicyList"),
        ("GroupDetailList", "GroupName", "group", "GroupPolicyList"),
        ("RoleDetailList", "RoleName", "role", "RolePolicyList"),
    ):
        entries = tree.get(list_key)
        if not isinstance(entries, list):
            continue
        for i, ent in enumerate(entries):
            if not isinstance(ent, dict):
                continue
            owner = f"{word} {ent.get(name_key, i)}"
            base = (list_key, i)
            if word == "role" and "AssumeRolePolicyDocument" in ent:
                _add_maybe_string(src, ent["AssumeRolePolicyDocument"], base + ("AssumeRolePolicyDocument",),
                                  f"{owner} trust policy", "trust")
            pols = ent.get(pol_key)
            if isinstance(pols, list):
                for j, p in enumerate(pols):
                    if isinstance(p, dict) and "PolicyDocument" in p:
                        _add_maybe_string(src, p["PolicyDocument"], base + (pol_key, j, "PolicyDocument"),
                                          f"{owner} inline policy {p.get('PolicyName', j)}", "identity")
            attached = ent.get("AttachedManagedPolicies")
            if isinstance(attached, list):
                for j, a in enumerate(attached):
                    arn = a.get("PolicyArn") if isinstance(a, dict) else None
                    if isinstance(arn, LStr):
                        src.managed_refs.append(ManagedPolicyRef.of(
                            Val(str(arn), arn.span, base + ("AttachedManagedPolicies", j, "PolicyArn")),
                            Origin(src.path, src.kind, f"{owner} attached policy", base)))
    pols = tree.get("Policies")
    if isinstance(pols, list):
        for i, p in enumerate(pols):
            if not isinstance(p, dict):
                continue
            versions = p.get("PolicyVersionList")
            if not isinstance(versions, list):
                continue
            for j, v in enumerate(versions):
                if isinstance(v, dict) and v.get("IsDefaultVersion") is not False and "Document" in v:
                    default = v.get("IsDefaultVersion")
                    if default is not None and getattr(default, "value", default) is not True:
                        continue
                    _add_maybe_string(src, v["Document"], ("Policies", i, "PolicyVersionList", j, "Document"),
                                      f"managed policy {p.get('PolicyName', i)}", "identity")


_DETAIL_LISTS = (("UserDetailList", "UserName", "user"), ("GroupDetailList", "GroupName", "group"),
                 ("RoleDetailList", "RoleName", "role"))


def _authorization_principals(src, tree: dict, docs: list) -> None:
    """Set ``principals`` of the documents of a ``get-account-authorization-details`` output.

    A role, user or group holds its inline policies (and a role its trust policy) and the managed
    policies its ``AttachedManagedPolicies`` name, matched by ARN to the ``Policies`` entries
    whose default version the output holds. A group cannot act: its policies are held by the
    users its ``GroupList`` entries show, and by the group itself only when no user of the output
    is in it. A managed policy a user or role names as its ``PermissionsBoundary`` is its
    boundary (a boundary document besides the identity one when the policy is also attached)."""
    from ..model import Holder

    holders: dict = {}  # (list key, index) -> Holder
    groups: dict = {}  # group name -> (list key, index)
    for list_key, name_key, word in _DETAIL_LISTS:
        entries = tree.get(list_key)
        for i, ent in enumerate(entries if isinstance(entries, list) else ()):
            if not isinstance(ent, dict):
                continue
            name = ent.get(name_key)
            name = str(name) if isinstance(name, str) else None
            holders[(list_key, i)] = Holder(f"{src.path}::{word}/{name if name is not None else i}",
                                            f"{word} {name if name is not None else i}", word, name, src.path,
                                            span_of(ent, Span(1, 1, 1, 1)))
            if word == "group" and name is not None:
                groups.setdefault(name, (list_key, i))
    if not holders:
        return
    members: dict = {}  # group key -> [user keys]
    for (list_key, i) in holders:
        if list_key == "UserDetailList":
            names = tree[list_key][i].get("GroupList")
            for g in (names if isinstance(names, list) else ()):
                key = groups.get(str(g)) if isinstance(g, str) else None
                if key is not None:
                    members.setdefault(key, []).append((list_key, i))

    def holding(key: tuple) -> list:
        return [holders[k] for k in members[key]] if key in members else [holders[key]]

    managed: dict = {}  # policy ARN -> [Holder] attaching it
    bounds: dict = {}  # policy ARN -> [Holder] taking it as permissions boundary
    for key in holders:
        ent = tree[key[0]][key[1]]
        attached = ent.get("AttachedManagedPolicies")
        for a in (attached if isinstance(attached, list) else ()):
            arn = a.get("PolicyArn") if isinstance(a, dict) else None
            if isinstance(arn, str):
                lst = managed.setdefault(str(arn), [])
                lst.extend(h for h in holding(key) if h not in lst)
        pb = ent.get("PermissionsBoundary")
        arn = pb.get("PermissionsBoundaryArn") if isinstance(pb, dict) else None
        if isinstance(arn, str):
            bounds.setdefault(str(arn), []).append(holders[key])
    pols = tree.get("Policies")
    arns = {i: str(p["Arn"]) for i, p in enumerate(pols if isinstance(pols, list) else ())
            if isinstance(p, dict) and isinstance(p.get("Arn"), str)}
    for doc in docs:
        path = doc.origin.path
        if len(path) < 2:
            continue
        if path[0] == "Policies":
            arn = arns.get(path[1])
            if arn in managed:
                doc.principals = list(managed[arn])
                if arn in bounds:
                    src.documents.append(doc._replace(role="boundary", principals=list(bounds[arn])))
            elif arn in bounds:
                doc.role = "boundary"
                doc.principals = list(bounds[arn])
        elif (path[0], path[1]) in holders:
            key = (path[0], path[1])
            doc.principals = [holders[key]] if doc.role == "trust" else holding(key)
