"""Terraform: the names and small helpers the Terraform modules share.

The resource types and attributes that hold policies (:data:`POLICY_ATTRIBUTES`,
:func:`policy_role`, attachments, permissions boundaries, service and resource control
policies), the reference patterns (``data.aws_iam_policy_document.x.json``, ``local.x``),
and the per-process caches: parsed ``.tf`` files, per-directory indexes and the unsaved
editor buffers of :func:`linter.sources.terraform.owner_documents` (one dict each, shared
by reference by every module that uses them). Nothing here imports another Terraform module.
"""
from __future__ import annotations

import os
import re
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any

from ..located import Unresolved


#: Attribute names that hold a resource policy on ``aws_*`` resources.
RESOURCE_POLICY_ATTRS = frozenset(("policy", "access_policies", "access_policy", "resource_policy",
                                   "policy_document"))
ATTACHMENT_TYPES = frozenset(("aws_iam_role_policy_attachment", "aws_iam_policy_attachment",
                              "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment",
                              "aws_ssoadmin_managed_policy_attachment", "aws_iam_role_policy_attachments_exclusive",
                              "aws_iam_user_policy_attachments_exclusive",
                              "aws_iam_group_policy_attachments_exclusive"))
#: Attributes of the attachment resources that name managed policies.
ATTACHMENT_ATTRS = ("policy_arn", "managed_policy_arn", "policy_arns")
#: Service and resource control policies (``content``): they cap what accounts may do.
ORGANIZATIONS_POLICY = "aws_organizations_policy"
ORGANIZATIONS_POLICY_TYPES = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")
_BOUNDARY_REF = re.compile(r"^\s*aws_iam_policy\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.(?:arn|id)\s*$")
POLICY_DOC = "aws_iam_policy_document"

_DOC_REF = re.compile(r"^\s*data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.(?:minified_)?json\s*$")
_LOCAL_REF = re.compile(r"^\s*local\.([A-Za-z0-9_-]+)\s*$")
_ANY_DOC_REF = re.compile(r"data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)")
_MANAGED_ARN = re.compile(r"^arn:[^:]*:iam::aws:policy/")

_MAX_TEMPLATE_FILE = 1024 * 1024


# ---------------------------------------------------------------------------
# Caches (per process): parsed files and per-directory indexes


_DOC_CACHE: dict[str, tuple[str, Any]] = {}
_DIR_CACHE: dict[str, tuple[tuple, Any, dict]] = {}
_CACHE_MAX = 512
#: Parsed files are kept for the directories most recently read only: a module's files are
#: linted together (one unit), and the parse tree of a file is some hundred times its size,
#: so keeping every file a run has parsed grew the memory of a run with the repository.
_DOC_DIRS_KEPT = 2
_DOC_DIRS: list = []


def _parse_cached(abspath: str, text: str):
    from ..parsers import hcl

    hit = _DOC_CACHE.get(abspath)
    if hit is not None and hit[0] == text:
        return hit[1]
    doc = hcl.parse(text, recover=True)
    cache_doc(abspath, text, doc)
    return doc


def cache_doc(abspath: str, text: str, doc: Any) -> None:
    """Keep a parsed file for the next reader of the same text (the directory index, then the file's
    own extraction), evicting the files of directories read before the last few."""
    here = os.path.dirname(abspath)
    if here not in _DOC_DIRS:
        _DOC_DIRS.append(here)
        if len(_DOC_DIRS) > _DOC_DIRS_KEPT:
            gone = _DOC_DIRS.pop(0)
            for p in [p for p in _DOC_CACHE if os.path.dirname(p) == gone]:
                del _DOC_CACHE[p]
    if len(_DOC_CACHE) >= _CACHE_MAX:
        _DOC_CACHE.clear()
    _DOC_CACHE[abspath] = (text, doc)


# ---------------------------------------------------------------------------
# Which attributes hold policies, and in which role


def _boundaries(blocks) -> set:
    """Names of the ``aws_iam_policy`` resources used as a permissions boundary by these blocks."""
    out = set()
    for blk in blocks:
        if blk.type == "resource" and len(blk.labels) >= 2 and blk.labels[0] in ("aws_iam_role", "aws_iam_user"):
            attrs = [blk.get("permissions_boundary")]
        elif blk.type == "module":
            # the registry's role modules: permissions_boundary, role_permissions_boundary_arn...
            attrs = [a for name, a in blk.attributes.items() if "permissions_boundary" in name]
        else:
            continue
        for a in attrs:
            if a is None:
                continue
            m = _BOUNDARY_REF.match(_ref_text(a))
            if m:
                out.add(m.group(1))
                continue
            # "arn:aws:iam::${...}:policy/${aws_iam_policy.cap.name}": the ARN the policy's name makes
            m = _BOUNDARY_NAME.search(a.text)
            if m:
                out.add(m.group(1))
    return out


#: ``:policy/${aws_iam_policy.<name>.name}`` in a permissions boundary ARN built from the policy's name.
_BOUNDARY_NAME = re.compile(r":policy/(?:[^$\s\"]*/)?\$\{aws_iam_policy\.([A-Za-z0-9_-]+)\.name\}")


def _org_policy_kind(value) -> bool:
    """Whether an ``aws_organizations_policy`` of this ``type`` holds an IAM policy (SCP or RCP)."""
    return value is None or isinstance(value, Unresolved) or str(value) in ORGANIZATIONS_POLICY_TYPES


#: The policy attributes of resource types, with the role of the document each holds and whether
#: the value must be a policy (``strict``: an LP001 when it is not JSON). One table for ``.tf``,
#: ``.tf.json`` and plans. Nested: ``inline_policy.policy`` is the ``policy`` of each
#: ``inline_policy`` block. Any other ``aws_*`` resource: :data:`RESOURCE_POLICY_ATTRS` hold a
#: resource policy when their value is one.
POLICY_ATTRIBUTES: dict = {
    "aws_iam_role": {"assume_role_policy": ("trust", True), "inline_policy.policy": ("identity", True),
                     # not real arguments (Terraform rejects them), but plainly meant as the role's policy
                     "policy": ("identity", False)},
    "aws_iam_user": {"policy": ("identity", False)},
    "aws_iam_group": {"policy": ("identity", False)},
    "aws_iam_policy": {"policy": ("identity", True)},
    "aws_iam_role_policy": {"policy": ("identity", True)},
    "aws_iam_user_policy": {"policy": ("identity", True)},
    "aws_iam_group_policy": {"policy": ("identity", True)},
    "aws_ssoadmin_permission_set_inline_policy": {"inline_policy": ("identity", True)},
    # an endpoint policy only limits what passes through the endpoint; it grants nothing
    "aws_vpc_endpoint": {"policy": ("endpoint", False)},
    "aws_vpc_endpoint_policy": {"policy": ("endpoint", False)},
    # SCPs and RCPs cap what accounts may do (other policy types hold no IAM policy)
    ORGANIZATIONS_POLICY: {"content": ("organization", True)},
    # the AWS Cloud Control provider (awscc): CloudFormation's IAM resources under Terraform names
    "awscc_iam_role": {"assume_role_policy_document": ("trust", True)},
    "awscc_iam_managed_policy": {"policy_document": ("identity", True)},
    "awscc_iam_role_policy": {"policy_document": ("identity", True)},
    "awscc_iam_user_policy": {"policy_document": ("identity", True)},
    "awscc_iam_group_policy": {"policy_document": ("identity", True)},
}


#: The policy attributes whose documents are kept as IAM or AWS Organizations keeps policies, with
#: their ``attachment`` (:data:`linter.model.ATTACHMENTS`; None: a trust policy, an SCP or RCP): their
#: size counts against a quota (IAM111, IAM112). Others (resource and endpoint policies, a permission
#: set's inline policy, the pseudo-argument ``policy`` of a role) are not sized.
SIZED_ATTRIBUTES: dict = {
    ("aws_iam_policy", "policy"): "managed",
    ("aws_iam_role_policy", "policy"): "inline",
    ("aws_iam_user_policy", "policy"): "inline",
    ("aws_iam_group_policy", "policy"): "inline",
    ("aws_iam_role", "inline_policy.policy"): "inline",
    ("aws_iam_role", "assume_role_policy"): None,
    (ORGANIZATIONS_POLICY, "content"): None,
    ("awscc_iam_managed_policy", "policy_document"): "managed",
    ("awscc_iam_role_policy", "policy_document"): "inline",
    ("awscc_iam_user_policy", "policy_document"): "inline",
    ("awscc_iam_group_policy", "policy_document"): "inline",
    ("awscc_iam_role", "assume_role_policy_document"): None,
}


def size_facts(rtype: str, attr: str, conditional: bool = False):
    """``(sized, attachment, conditional)`` of the document a resource attribute holds (``attr`` may
    be nested: ``inline_policy.policy``); ``conditional``: the resource may not be created (``count``,
    ``for_each``, a ``dynamic`` block)."""
    key = (rtype, attr)
    if key not in SIZED_ATTRIBUTES:
        return (False, None, conditional)
    return (True, SIZED_ATTRIBUTES[key], conditional)


def may_not_exist(blk) -> bool:
    """Whether a resource or data block may make no object: ``count``, ``for_each``, or a
    ``dynamic`` block whose content may repeat any number of times."""
    return blk.get("count") is not None or blk.get("for_each") is not None or any(
        b.type == "dynamic" for b in blk.blocks)


def policy_role(rtype: str, attr: str, boundary: bool = False):
    """``(role, strict)`` of the document a resource attribute holds (``attr`` may be nested:
    ``inline_policy.policy``), or None when the attribute holds no policy. ``boundary``: the
    resource is an ``aws_iam_policy`` a role or user takes as its permissions boundary."""
    known = POLICY_ATTRIBUTES.get(rtype)
    if known is not None:
        found = known.get(attr)
        if found is not None and boundary and rtype == "aws_iam_policy":
            return "boundary", True  # caps grants; grants nothing itself
        if found is not None or rtype in (ORGANIZATIONS_POLICY,) or rtype.startswith("aws_iam_"):
            return found
    if rtype.startswith("aws_") and attr in RESOURCE_POLICY_ATTRS:
        return "resource", False
    return None


def _policy_attrs(blk, boundaries=frozenset()) -> list:
    """(attribute path name, role, strict, Attribute) of the policy attributes of a resource block."""
    rtype = str(blk.labels[0]) if blk.labels else ""
    boundary = rtype == "aws_iam_policy" and len(blk.labels) >= 2 and blk.labels[1] in boundaries
    out = []
    if rtype == ORGANIZATIONS_POLICY:
        kind = blk.get("type")
        if not _org_policy_kind(kind.value if kind is not None else None):
            return out
    for name, a in blk.attributes.items():
        found = policy_role(rtype, name, boundary)
        if found is not None:
            role, strict = found
            if rtype == ORGANIZATIONS_POLICY and blk.get("type") is not None:
                strict = not isinstance(blk.get("type").value, Unresolved)
            out.append((name, role, strict, a))
    for bname in {k.split(".", 1)[0] for k in POLICY_ATTRIBUTES.get(rtype, {}) if "." in k}:
        for i, ib in enumerate(_blocks_named(blk, bname)):
            for name, a in ib.attributes.items():
                found = policy_role(rtype, f"{bname}.{name}", boundary)
                if found is not None:
                    out.append(((bname, i, name), found[0], found[1], a))
    return out


def _blocks_named(blk, name: str) -> list:
    """Nested blocks ``name { }`` and the content of ``dynamic "name" { content { } }``."""
    out = []
    for b in blk.blocks:
        if b.type == name:
            out.append(b)
        elif b.type == "dynamic" and b.labels and b.labels[0] == name:
            out.extend(c for c in b.blocks if c.type == "content")
    return out


def _policy_lookups(blocks) -> dict:
    """``data "aws_iam_policy"`` blocks of AWS managed policies: name -> policy ARN. A lookup by
    ``name`` is taken as the AWS managed policy of that name."""
    out = {}
    for blk in blocks:
        if blk.type == "data" and len(blk.labels) >= 2 and blk.labels[0] == "aws_iam_policy":
            arn, name = blk.get("arn"), blk.get("name")
            if arn is not None and isinstance(arn.value, str) and ":iam::aws:policy/" in arn.value:
                out[str(blk.labels[1])] = str(arn.value)
            elif name is not None and isinstance(name.value, str) and "${" not in name.value:
                out[str(blk.labels[1])] = f"arn:aws:iam::aws:policy/{name.value}"
    return out


def _ref_text(attr) -> str:
    """The reference an attribute's value is (``data.x.y.json``, ``local.x``), or ""."""
    node = attr.node
    if node is None:
        v = attr.value
        if isinstance(v, Unresolved):
            return _strip_jsonencode(v.text)
        return ""
    txt = attr.pos.node_text(node).strip()
    if txt.startswith('"${') and txt.endswith('}"') and txt.count("${") == 1:
        txt = txt[3:-2].strip()
    return _strip_jsonencode(txt)


def _strip_jsonencode(txt: str) -> str:
    txt = txt.strip()
    if txt.startswith("jsonencode(") and txt.endswith(")"):
        return txt[11:-1].strip()
    return txt


#: Texts of the files linted from memory (an editor's unsaved buffer), by absolute path: the
#: Terraform file that reads one with file() or templatefile() reads this text, not the disk's.
_IN_MEMORY: dict[str, str] = {}
