"""Terraform: ``.tf``/``.tfvars`` (HCL), ``.tf.json`` and ``terraform show -json`` plans.

Where policies are found (each becomes a :class:`~linter.model.PolicyDocument`
labelled with its Terraform address, findings pointing at the element itself):

* ``policy`` of ``aws_iam_policy``, ``aws_iam_role_policy``, ``aws_iam_user_policy``,
  ``aws_iam_group_policy`` (identity); ``aws_iam_role`` ``assume_role_policy``
  (trust) and ``inline_policy { policy }`` (identity);
* resource policies: every attribute named ``policy`` (and ``access_policies``,
  ``access_policy``, ``resource_policy``, ``policy_document``) of any other
  ``aws_*`` resource, *when its value is a policy* (has a ``Statement``): this
  covers ``aws_s3_bucket_policy``, ``aws_kms_key``, ``aws_sqs_queue_policy``,
  ``aws_sns_topic_policy``, ``aws_ecr_repository_policy``... without a list to
  keep up to date, and leaves alone look-alikes such as ``aws_ecr_lifecycle_policy``;
* ``data "aws_iam_policy_document"`` (statement, dynamic statement, principals,
  condition...; ``source_policy_documents``/``override_policy_documents``);
* policies written in ``locals``, ``variable`` defaults, module inputs and
  ``.tfvars`` values, when they are literally a policy (a ``Statement`` in a
  ``jsonencode`` object or a JSON string);
* AWS managed policy ARNs (``policy_arn`` of the attachment resources,
  ``managed_policy_arns``, module inputs named ``*policy*arn*``) become
  :class:`~linter.model.ManagedPolicyRef` for SM105.

Value shapes: ``jsonencode({...})`` (the HCL object is the policy), heredoc or
quoted JSON (parsed with positions inside the string; ``${...}`` inside a JSON
string is a placeholder, standing for a whole value it is ``Unresolved``),
``file()``/``templatefile()`` of a policy file in the same tree (linted there),
``data.aws_iam_policy_document.x.json`` (linted at the data source, once).

Credential facts (``src.credentials``, for KEY404-KEY407): ``aws_iam_access_key`` resources
and their ``pgp_key``, the outputs and resource arguments (:data:`CREDENTIAL_SINKS`) that
reference a key's ``secret`` directly or through locals (across the ``.tf`` files of the
module), ``variable`` blocks and their ``sensitive``, and the policies attached to IAM users.
"""
from __future__ import annotations

import os
import posixpath
import re
import stat
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from ..located import LDict, LineIndex, LList, LStr, ParseError, Span, Unresolved, span_of
from ..model import Holder, ManagedPolicyRef, Origin, Val, build_document
from .base import role_by_content
from .templated import CALL as _CALL, template_json
from .. import safety
from .._regex import PLUS

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


def _parse_cached(abspath: str, text: str):
    from ..parsers import hcl

    hit = _DOC_CACHE.get(abspath)
    if hit is not None and hit[0] == text:
        return hit[1]
    doc = hcl.parse(text, recover=True)
    if len(_DOC_CACHE) >= _CACHE_MAX:
        _DOC_CACHE.clear()
    _DOC_CACHE[abspath] = (text, doc)
    return doc


# ---------------------------------------------------------------------------
# HCL


def parse(src):
    """The HCL document of a ``.tf``/``.tfvars`` file (parsed once per process; a file with
    syntax errors gives the blocks that parse and an LP001 for each error)."""
    doc = _parse_cached(os.path.abspath(src.abspath), src.text)
    for e in doc.errors:  # the blocks around a syntax error are still linted
        src.error("LP001", e.message, e.span)
    return doc


def unit_files(path: str) -> list:
    """The .tf files of ``path``'s module directory (the unit the principal model reads together),
    without links out of the directory's tree."""
    here = os.path.dirname(path) or "."
    roots = safety.read_roots([os.path.abspath(path)])
    try:
        names = sorted(n for n in os.listdir(here) if n.endswith(".tf"))
    except OSError:
        return [path]
    out = []
    for n in names:
        p = os.path.join(here, n)
        if os.path.islink(p) and not safety.inside(os.path.realpath(p), roots):
            continue
        if os.path.isfile(p):
            out.append(p)
    return out


def extract_hcl(src) -> None:
    extract(src, parse(src))


def extract(src, doc) -> None:
    from ..parsers import hcl

    src.kind = "terraform"
    src.comments.extend(doc.comments)
    src.layout = lambda: (*hcl.layout(doc), set())
    # the whole-file tree is only walked by a few file-scope rules: build it on first use
    src.trees = _LazyTrees(lambda: [hcl.to_tree(doc)], 1)
    ctx = _Ctx(src, doc.pos.index, doc)
    for name, a in doc.attributes.items():  # .tfvars
        _guarded(ctx, a.name_span, f"var.{name}", _loose, ctx, a, f"var.{name}", (f"var.{name}",))
    for blk in doc.blocks:
        src.blocks.append(blk.span)
    _extract_blocks(ctx, doc.blocks)


def _guarded(ctx: _Ctx, span: Span, what: str, fn, *args) -> None:
    """Run one block's extraction; a bug there is LP000 at the block, and the file's other
    blocks (and its credential findings) are still reported."""
    try:
        fn(*args)
    except ParseError as e:
        ctx.src.error("LP001", e.message, e.span)
    except RecursionError:
        ctx.src.error("LP001", "document is nested too deeply", span)
    except Exception as e:
        from ..findings import Finding
        from ..registry import meta

        name, severity = meta("LP000")
        ctx.src.findings.append(Finding("LP000", name, severity,
                                        f"reading {what} failed: {type(e).__name__}: {e}", span,
                                        file=ctx.src.path, logical_path=(what,), value=what))


class _LazyTrees(list):
    """A list whose items are computed the first time anything looks at them."""

    def __init__(self, make, count: int) -> None:
        super().__init__()
        self._make = make
        self._count = count  # known in advance: truth and length tests do not build anything

    def _load(self) -> None:
        make = self._make
        if make is not None:
            self._make = None
            list.extend(self, make())

    def __len__(self) -> int:
        if self._make is not None:
            return self._count
        return list.__len__(self)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self):
        self._load()
        return list.__iter__(self)

    def __getitem__(self, i):
        self._load()
        return list.__getitem__(self, i)

    def __contains__(self, x) -> bool:
        self._load()
        return list.__contains__(self, x)

    def __repr__(self) -> str:
        self._load()
        return list.__repr__(self)

    def append(self, x) -> None:
        self._load()
        list.append(self, x)

    def extend(self, xs) -> None:
        self._load()
        list.extend(self, xs)

    def copy(self) -> list:
        self._load()
        return list(list.__iter__(self))

    def __reduce__(self):
        self._load()
        return (list, (list(list.__iter__(self)),))


class _Ctx:
    """What the extractors of one file share."""

    __slots__ = ("src", "index", "doc", "_infos", "_info", "templates_done", "kind", "local_uses", "boundaries")

    def __init__(self, src, index: LineIndex, doc: Any = None, kind: str = "terraform") -> None:
        self.src = src
        self.index = index
        self.doc = doc
        self._infos: Optional[Any] = None
        self._info: Optional[Any] = None
        self.templates_done: set[str] = set()
        self.kind = kind
        self.local_uses: dict[str, tuple] = {}  # local name -> (role, strict) of the attribute using it
        self.boundaries: frozenset = frozenset()  # aws_iam_policy names used as permissions boundaries

    def file_index(self) -> "_DirIndex":
        """Index of this file alone."""
        if self._info is None:
            self._info = _DirIndex([_file_info(self.doc, self.boundaries)] if self.doc is not None else [])
        return self._info

    def dir_index(self) -> "_DirIndex":
        """Index of the .tf files of this file's directory (this one included)."""
        if self._infos is None:
            self._infos = _dir_index(self, self.src.abspath, self.doc) if self.doc is not None else _DirIndex([])
        return self._infos

    def origin(self, label: str, path: tuple, file: Optional[str] = None) -> Origin:
        return Origin(file or self.src.path, self.kind, label, path)


def _extract_blocks(ctx: _Ctx, blocks: list) -> None:
    bounds = _boundaries(blocks)
    policies = {str(b.labels[1]) for b in blocks
                if b.type == "resource" and len(b.labels) >= 2 and b.labels[0] == "aws_iam_policy"}
    if policies - bounds and ctx.doc is not None:  # the role using it as a boundary may be in another file
        bounds |= ctx.dir_index().boundaries
    ctx.boundaries = frozenset(bounds)
    # local uses first: a local used as assume_role_policy is a trust policy
    for blk in blocks:
        if blk.type == "resource" and len(blk.labels) >= 2:
            for attr_name, role, strict, attr in _policy_attrs(blk, ctx.boundaries):
                m = _LOCAL_REF.match(_ref_text(attr))
                if m:
                    ctx.local_uses.setdefault(m.group(1), (role, strict))
    for blk in blocks:
        _guarded(ctx, blk.span, " ".join([blk.type, *map(str, blk.labels)]), _extract_block, ctx, blk)
    _guarded(ctx, Span(1, 1, 1, 1), "credentials", _credentials, ctx, blocks)


def _extract_block(ctx: _Ctx, blk) -> None:
    t = blk.type
    labels = blk.labels
    if t == "resource" and len(labels) >= 2:
        _resource(ctx, blk, str(labels[0]), f"{labels[0]}.{labels[1]}")
    elif t == "data" and len(labels) >= 2 and labels[0] == POLICY_DOC:
        _data_document(ctx, blk, f"data.{POLICY_DOC}.{labels[1]}")
    elif t == "locals":
        for name, a in blk.attributes.items():
            role, strict = ctx.local_uses.get(name, (None, False))
            label, path = f"local.{name}", (f"local.{name}",)
            if role is not None and _classify(ctx, a)[0] == "file":
                # a policy file read into a local that a resource uses as its policy
                _policy_value(ctx, a, label, path, role, strict)
            else:
                _loose(ctx, a, label, path, role)
    elif t == "module" and labels:
        addr = f"module.{labels[0]}"
        for name, a in blk.attributes.items():
            if "policy" in name and "arn" in name:
                _managed_refs(ctx, a, addr, (addr, name))
            else:
                _loose(ctx, a, addr, (addr, name))
    elif t == "variable" and labels:
        a = blk.get("default")
        if a is not None:
            _loose(ctx, a, f"var.{labels[0]}", (f"var.{labels[0]}", "default"))


def _boundaries(blocks) -> set:
    """Names of the ``aws_iam_policy`` resources used as a permissions boundary by these blocks."""
    out = set()
    for blk in blocks:
        if blk.type == "resource" and len(blk.labels) >= 2 and blk.labels[0] in ("aws_iam_role", "aws_iam_user"):
            a = blk.get("permissions_boundary")
            m = _BOUNDARY_REF.match(_ref_text(a)) if a is not None else None
            if m:
                out.add(m.group(1))
    return out


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
}


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


def _resource(ctx: _Ctx, blk, rtype: str, address: str) -> None:
    for path_name, role, strict, attr in _policy_attrs(blk, ctx.boundaries):
        path = (address,) + (path_name if isinstance(path_name, tuple) else (path_name,))
        _policy_value(ctx, attr, address, path, role, strict)
    if rtype in ATTACHMENT_TYPES:
        for name in ATTACHMENT_ATTRS:
            a = blk.get(name)
            if a is not None:
                _managed_refs(ctx, a, address, (address, name))
    if rtype == "aws_iam_role":
        a = blk.get("managed_policy_arns")
        if a is not None:
            _managed_refs(ctx, a, address, (address, "managed_policy_arns"))
        for ib in _blocks_named(blk, "inline_policy"):
            ctx.src.blocks.append(ib.span)


_LOOKUP_REF = re.compile(r"^\s*data\.aws_iam_policy\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.(?:arn|id)\s*$")


def _managed_refs(ctx: _Ctx, attr, address: str, path: tuple) -> None:
    v = attr.value
    items = list(v) if isinstance(v, list) else [v]
    for i, item in enumerate(items):
        p = path + (i,) if isinstance(v, list) else path
        if isinstance(item, Unresolved):
            m = _LOOKUP_REF.match(item.text)
            found = _lookup(ctx, m.group(1)) if m else None
            if found is not None:  # data "aws_iam_policy" by ARN or name: reported where it is attached
                ctx.src.managed_refs.append(ManagedPolicyRef.of(Val(found, item.span, p), ctx.origin(address, path)))
            continue
        if isinstance(item, LStr) and ":iam::aws:policy/" in item:
            ctx.src.managed_refs.append(ManagedPolicyRef.of(Val(str(item), item.span, p), ctx.origin(address, path)))


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


def _lookup(ctx: _Ctx, name: str):
    """The ARN a ``data.aws_iam_policy.<name>`` reference stands for (this file, else its module)."""
    found = _policy_lookups(ctx.doc.blocks).get(name) if ctx.doc is not None else None
    if found is None and ctx.doc is not None:
        found = ctx.dir_index().lookups.get(name)
    return found


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


# ---------------------------------------------------------------------------
# One policy-valued attribute


def _classify(ctx: _Ctx, attr):
    """What a policy attribute holds: ("tree", LDict) | ("template", Template) |
    ("doc", name) | ("local", name) | ("file", call, args, pos) | ("none", None)."""
    if attr.node is None:
        return _classify_json(ctx, attr)
    return _classify_node(ctx, attr.node, attr.pos)


def _classify_node(ctx: _Ctx, node, pos):
    from ..parsers import hcl

    node = _unwrap(node)
    t = node.type
    if t in ("string_lit", "quoted_template", "heredoc_template"):
        if t == "quoted_template":
            parts = [c for c in node.children if c.type not in ("quoted_template_start", "quoted_template_end")]
            if len(parts) == 1 and parts[0].type == "template_interpolation":
                inner = [c for c in parts[0].children if c.type == "expression"]
                if len(inner) == 1:
                    return _classify_node(ctx, inner[0], pos)
        return "template", hcl.template(node, pos)
    text = pos.node_text(node)
    if t == "function_call":
        ch = node.children
        name = pos.node_text(ch[0])
        args = []
        for c in ch:
            if c.type == "function_arguments":
                args = [a for a in c.children if a.type == "expression"]
        if name == "jsonencode" and len(args) == 1:
            v = hcl.evaluate(args[0], pos)
            if isinstance(v, dict):
                return "tree", v
            if isinstance(v, Unresolved):
                m = _LOCAL_REF.match(v.text)
                if m:
                    return "local", m.group(1)
            return "none", None
        if name in ("file", "templatefile") and args:
            return "file", (name, args, pos)
        return "none", None
    m = _DOC_REF.match(text)
    if m:
        return "doc", m.group(1)
    m = _LOCAL_REF.match(text)
    if m:
        return "local", m.group(1)
    return "none", None


def _unwrap(node):
    while node.type in ("expression", "template_expr", "literal_value") and node.child_count == 1:
        node = node.children[0]
    if node.type == "expression" and node.child_count == 3 and node.children[0].type == "(":
        return _unwrap(node.children[1])
    return node


def _policy_value(ctx: _Ctx, attr, label: str, path: tuple, role: str, strict: bool,
                  doc_role: Optional[str] = None) -> None:
    kind, payload = _classify(ctx, attr)
    if kind == "tree":
        if strict or "Statement" in payload:
            _emit(ctx, payload, label, path, role)
    elif kind == "template":
        tree = _template_json(ctx, payload, label, strict)
        if tree is not None and (strict or "Statement" in tree):
            _emit(ctx, tree, label, path, role)
    elif kind == "file":
        _file_policy(ctx, payload, label, path, role, strict)
    # "doc": linted at the data source; "local": linted where it is defined


def _emit(ctx: _Ctx, tree: Any, label: str, path: tuple, role: Optional[str], file: Optional[str] = None) -> None:
    if role is None:
        role = role_by_content(tree)
    doc = build_document(tree, ctx.origin(label, path, file), role=role)
    if role in ("identity", "trust", "boundary") and ctx.doc is not None and _HOLDABLE.match(label):
        doc.principals = _holders_of(ctx, label)
    ctx.src.documents.append(doc)
    if file is None:
        for st in doc.statements:
            ctx.src.blocks.append(st.span)


def _loose(ctx: _Ctx, attr, label: str, path: tuple, role: Optional[str] = None) -> None:
    """An attribute that is not a policy attribute but may hold one literally."""
    node = attr.node
    if node is not None:
        txt = attr.pos.data[node.start_byte:node.end_byte]
        if b"Statement" not in txt:
            return
    else:
        v = attr.value
        if not (isinstance(v, dict) and "Statement" in v) and not (isinstance(v, str) and "Statement" in v):
            return
    kind, payload = _classify(ctx, attr)
    if kind == "none" and node is not None:
        v = attr.value
        if isinstance(v, dict) and "Statement" in v:
            kind, payload = "tree", v
    if kind == "tree" and "Statement" in payload:
        _emit(ctx, payload, label, path, role)
    elif kind == "template" and payload.text.lstrip().startswith("{"):
        tree = _template_json(ctx, payload, label, strict=False, quiet=True)
        if isinstance(tree, dict) and "Statement" in tree:
            _emit(ctx, tree, label, path, role)


# ---------------------------------------------------------------------------
# JSON inside strings


def _template_json(ctx: _Ctx, tpl, label: str, strict: bool, index: Optional[LineIndex] = None,
                   quiet: bool = False, file: Optional[str] = None) -> Optional[Any]:
    """Parse the JSON policy in a template; None (and maybe an LP001) when it is not one."""
    text = tpl.text
    stripped = text.lstrip()
    if not stripped:
        return None
    if not stripped.startswith("{"):
        return None  # not a JSON policy (an ARN, a YAML document...)
    index = index or ctx.index
    try:
        return template_json(tpl, index)
    except ParseError as e:
        if quiet or any(sp[2] == "directive" for sp in tpl.specials):
            return None  # a template that cannot be read as JSON without evaluating it
        msg = f"policy JSON of {label} cannot be parsed: {e.message}"
        if file is None:
            ctx.src.error("LP001", msg, e.span)
        else:
            ctx.src.error("LP001", msg, e.span, file=file)
        return None


# ---------------------------------------------------------------------------
# file() and templatefile()


def _file_policy(ctx: _Ctx, payload, label: str, path: tuple, role: str, strict: bool) -> None:
    from ..parsers import hcl

    call, args, pos = payload
    tpl = hcl.template(args[0], pos)
    if tpl is None:
        return
    here = os.path.dirname(os.path.abspath(ctx.src.abspath))
    real_here = os.path.realpath(here)
    rel = tpl.text
    for s0, s1, kind, src in reversed(tpl.specials):
        inner = src[2:-1].strip()
        if kind != "interp" or inner not in ("path.module", "path.root", "path.cwd"):
            return  # depends on a variable: cannot tell which file
        rel = rel[:s0] + real_here + rel[s1:]
    # Never read outside the tree: not "/..." elsewhere, not "../../..", not "~", not a
    # symbolic link out of it. Checked on the text first, so nothing outside is even stat'ed.
    roots = _roots(ctx)
    target = os.path.normpath(os.path.join(real_here, rel))
    if rel.startswith("~") or not safety.inside(target, roots):
        _outside(ctx, call, tpl.text, pos.node_span(args[0]), label, path)
        return
    real = os.path.realpath(target)
    if not safety.inside(real, roots):
        _outside(ctx, call, tpl.text, pos.node_span(args[0]), label, path)
        return
    if real in ctx.templates_done or not os.path.isfile(real):
        return
    if not _owns_template(ctx, target):
        return
    ctx.templates_done.add(real)
    limit = min(_MAX_TEMPLATE_FILE, ctx.src.max_size)
    text = _IN_MEMORY.get(real, _IN_MEMORY.get(target))  # an editor's unsaved buffer
    try:
        if text is None:
            if os.path.getsize(real) > limit:
                return
            with open(real, "rb") as fh:
                raw = fh.read(limit + 1)
            if len(raw) > limit:
                return
            text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return
    ctx.src.referenced_texts.append(text)  # its credentials are masked in every finding
    if text.startswith("\ufeff"):
        text = text[1:]
    rel_display = os.path.relpath(target, real_here).replace(os.sep, "/")
    display = posixpath.normpath(posixpath.join(posixpath.dirname(ctx.src.path), rel_display))
    index = LineIndex(text)
    if call == "templatefile":
        ftpl = hcl.scan_template_text(text)
    else:
        ftpl = hcl.Template(text, _identity_map(len(text)), [], len(text), Span(1, 1, 1, 1))
    tree = _template_json(ctx, ftpl, f"{label} ({call} {rel_display})", strict, index=index, file=display)
    if tree is not None and (strict or "Statement" in tree):
        _emit(ctx, tree, label, path, role, file=display)


def _roots(ctx: _Ctx) -> tuple:
    """The directories files may be read from for this file (see linter.safety)."""
    roots = ctx.src.roots
    if roots is None:
        roots = ctx.src.roots = safety.read_roots([ctx.src.abspath])
    return roots


def _outside(ctx: _Ctx, call: str, ref: str, span: Span, label: str, path: tuple) -> None:
    """LP004: a file()/templatefile() outside the tree, named but not read."""
    from ..registry import lp_finding

    ctx.src.findings.append(lp_finding(
        "LP004", f'{call}("{ref}") names a file outside the tree being linted; it was not read, so the policy '
                 f"in it is not checked (--allow-root DIR lets the linter read files under DIR)",
        span, file=ctx.src.path, path=path + (call,), label=label, value=f"{call}:{ref}"))


def _read_sibling(ctx: _Ctx, path: str, errors: str = "strict") -> Optional[str]:
    """Text of another .tf file of the directory, or None: not a regular file, a link
    out of the tree, over max-file-size (checked before reading), unreadable."""
    try:
        if os.path.islink(path) and not safety.inside(os.path.realpath(path), _roots(ctx)):
            return None
        st = os.stat(path)
        limit = ctx.src.max_size
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except OSError:
        return None
    if len(raw) > limit:
        return None
    try:
        text = raw.decode("utf-8", errors)
    except UnicodeDecodeError:
        return None
    return text[1:] if text.startswith("\ufeff") else text


def _identity_map(n: int):
    from ..parsers.hcl import OffsetMap

    m = OffsetMap()
    m.add(0, 0)
    return m


def _owns_template(ctx: _Ctx, target: str) -> bool:
    """Only the first .tf file of the directory (by name) that names a template lints it."""
    here = os.path.dirname(os.path.abspath(ctx.src.abspath))
    owners = _template_owners(ctx, here)
    if owners is None:
        return True
    me = os.path.basename(ctx.src.abspath)
    return not owners.get(os.path.basename(target), me) < me


#: The first argument of a file()/templatefile() call (the closing quote is optional so
#: that an unterminated string is one match, not one rescan per call on the line).
_FILE_CALL = re.compile(r'\b(?:templatefile|file)[ \t]*\([ \t]*"((?:[^"\\\n]|\\.)*' + PLUS + ')"?')
_OWNERS: dict[str, tuple] = {}


def _template_owners(ctx: _Ctx, here: str) -> Optional[dict]:
    """{file name: first .tf file of ``here`` (by name) that names it in file()/templatefile()}.

    Each .tf file of the directory is read once per run (not once per call in every
    later file), over-size files are not read, and links out of the tree not followed."""
    from . import run_id

    run = run_id()
    try:
        mtime = os.stat(here).st_mtime_ns
    except OSError:
        return None
    hit = _OWNERS.get(here)
    if hit is not None and run and hit[0] == run and hit[1] == mtime:
        return hit[2]
    try:
        names = sorted(n for n in os.listdir(here) if n.endswith(".tf"))
    except OSError:
        return None
    owners: dict[str, str] = {}
    for n in names:
        text = _read_sibling(ctx, os.path.join(here, n), errors="replace")
        if text is None or ("file(" not in text and "templatefile(" not in text):
            continue
        for m in _FILE_CALL.finditer(text):
            owners.setdefault(m.group(1).rsplit("/", 1)[-1], n)
    if len(_OWNERS) >= _CACHE_MAX:
        _OWNERS.clear()
    _OWNERS[here] = (run, mtime, owners)
    return owners


# ---------------------------------------------------------------------------
# data "aws_iam_policy_document"

_ST_ATTRS = (("sid", "Sid"), ("effect", "Effect"), ("actions", "Action"), ("not_actions", "NotAction"),
             ("resources", "Resource"), ("not_resources", "NotResource"))


def _statement_tree(b) -> LDict:
    st = LDict(span=b.span)
    for name, key in _ST_ATTRS:
        a = b.get(name)
        if a is not None:
            st[key] = a.value
            st.key_spans[key] = a.name_span
    if "Effect" not in st:
        # the provider's default; located at the ``statement`` keyword (HCL) or object (JSON)
        at = b.type_span if b.node is not None else b.span
        st["Effect"] = LStr("Allow", at)
        st.key_spans["Effect"] = at
    for bname, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        blocks = _blocks_named(b, bname)
        if not blocks:
            continue
        pr = LDict(span=blocks[0].span)
        star = None
        for pb in blocks:
            ta, ia = pb.get("type"), pb.get("identifiers")
            if ta is None:
                continue
            tv = ta.value
            ids = ia.value if ia is not None else LList(span=pb.span)
            tkey = str(tv) if isinstance(tv, str) else "${" + getattr(tv, "text", "?") + "}"
            if tkey == "*":
                star = ids
            _merge(pr, tkey, ids, span_of(tv, ta.name_span))
        if star is not None and len(pr) == 1:
            first = star[0] if isinstance(star, list) and star else star
            st[key] = LStr("*", span_of(first, blocks[0].span)) if not isinstance(first, Unresolved) else first
        else:
            st[key] = pr
        st.key_spans[key] = blocks[0].type_span
    conds = _blocks_named(b, "condition")
    if conds:
        cond = LDict(span=conds[0].span)
        for cb in conds:
            ta, va, vals = cb.get("test"), cb.get("variable"), cb.get("values")
            if ta is None or va is None:
                continue
            tv, vv = ta.value, va.value
            tkey = str(tv) if isinstance(tv, str) else "${" + getattr(tv, "text", "?") + "}"
            vkey = str(vv) if isinstance(vv, str) else "${" + getattr(vv, "text", "?") + "}"
            inner = cond.get(tkey)
            if not isinstance(inner, LDict):
                inner = LDict(span=cb.span)
                cond[tkey] = inner
                cond.key_spans[tkey] = span_of(tv, ta.name_span)
            _merge(inner, vkey, vals.value if vals is not None else LList(span=cb.span), span_of(vv, va.name_span))
        st["Condition"] = cond
        st.key_spans["Condition"] = conds[0].type_span
    return st


def _merge(d: LDict, key: str, value: Any, kspan: Span) -> None:
    """``d[key] = value``, or the concatenation with what is there (never mutating either:
    attribute values are shared with the parse cache)."""
    old = d.get(key)
    if old is None:
        d[key] = value
        d.key_spans[key] = kspan
        return
    merged = LList(span=span_of(old))
    merged.extend(old if isinstance(old, list) else [old])
    merged.extend(value if isinstance(value, list) else [value])
    d[key] = merged


def _own_statements(blk) -> list:
    out = []
    for b in _blocks_named(blk, "statement"):
        out.append(_statement_tree(b))
    return out


def _sid(st: Any) -> Optional[str]:
    if isinstance(st, dict):
        s = st.get("Sid")
        if isinstance(s, str) and s:
            return str(s)
    return None


def _doc_elements(ctx: _Ctx, blk, names: tuple) -> list:
    """The elements of source/override attributes: ("tree", statements) or ("doc", name)."""
    out = []
    for name in names:
        a = blk.get(name)
        if a is None:
            continue
        if a.node is not None:
            node = _unwrap(a.node)
            if node.type == "collection_value":
                node = node.children[0]
            elems = [c for c in node.children if c.type == "expression"] if node.type == "tuple" else [a.node]
            for e in elems:
                out.append(_element(ctx, _classify_node(ctx, e, a.pos), blk))
        else:
            vals = a.value if isinstance(a.value, list) else [a.value]
            raws = a.raw if isinstance(getattr(a, "raw", None), list) else [getattr(a, "raw", None)]
            for v, raw in zip(vals, raws):
                out.append(_element(ctx, _classify_json_value(ctx, v, raw), blk))
    return out


def _element(ctx: _Ctx, classified, blk):
    kind, payload = classified
    label = f"data.{POLICY_DOC}.{blk.labels[1]}"
    if kind == "doc":
        return "doc", payload
    tree = None
    if kind == "tree":
        tree = payload
    elif kind == "template":
        tree = _template_json(ctx, payload, label, strict=True)
    if isinstance(tree, dict):
        stmts = tree.get("Statement")
        if isinstance(stmts, dict):
            stmts = [stmts]
        if isinstance(stmts, list):
            return "tree", list(stmts)
    return "none", None


def _data_document(ctx: _Ctx, blk, address: str) -> None:
    name = str(blk.labels[1])
    root = LDict(span=blk.span)
    for aname, key in (("version", "Version"), ("policy_id", "Id")):
        a = blk.get(aname)
        if a is not None:
            root[key] = a.value
            root.key_spans[key] = a.name_span
    own = _own_statements(blk)
    for b in _blocks_named(blk, "statement"):
        ctx.src.blocks.append(b.span)
    sources = _doc_elements(ctx, blk, ("source_policy_documents", "source_json"))
    overrides = _doc_elements(ctx, blk, ("override_policy_documents", "override_json"))
    # Terraform's merge: sources, then own statements replacing same-Sid ones, then overrides
    override_sids = set()
    for kind, payload in overrides:
        if kind == "tree":
            override_sids.update(s for s in map(_sid, payload) if s)
        elif kind == "doc":
            override_sids.update(_doc_sids(ctx, payload))
    own_sids = {s for s in map(_sid, own) if s}
    merged: list = []
    for kind, payload in sources:
        if kind == "tree":
            merged.extend(st for st in payload if _sid(st) is None
                          or (_sid(st) not in own_sids and _sid(st) not in override_sids))
    merged.extend(st for st in own if _sid(st) is None or _sid(st) not in override_sids)
    for kind, payload in overrides:
        if kind == "tree":
            merged.extend(payload)
    # statements overridden by documents that only consume this one are not deployed
    # used directly in this file (the usual case): nothing to learn from the other files
    local = name in ctx.file_index().uses
    skip = set() if local else _skipped_sids(ctx, name)
    if skip:
        merged = [st for st in merged if _sid(st) not in skip]
    stmts = LList(merged, span=blk.span)
    root["Statement"] = stmts
    root.key_spans["Statement"] = blk.type_span
    role = _doc_role(ctx, name, root, ctx.file_index() if local else None)
    _emit(ctx, root, address, (address,), role)


# ---------------------------------------------------------------------------
# Credential facts: access keys, where their secrets go, variables, IAM users

ACCESS_KEY = "aws_iam_access_key"
#: A reference to the secret of an access key (``aws_iam_access_key.k.secret``, indexed or splat;
#: the SES SMTP password is derived from the secret).
_SECRET_REF = re.compile(r"\baws_iam_access_key\.([A-Za-z_][A-Za-z0-9_-]*)((?:\[[^\[\]\n]*\]|\.\*)*)"
                         r"\.(?:secret|ses_smtp_password_v4)\b")
_LOCAL_NAME = re.compile(r"\blocal\.([A-Za-z_][A-Za-z0-9_-]*)")
#: A value that is a whole access key resource (its secret among its attributes).
_KEY_OBJECT = re.compile(r"aws_iam_access_key\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[[^\[\]\n]*\])*")
#: Resource type -> ((nested block names..., attribute), kind of place).
CREDENTIAL_SINKS: dict = {
    "aws_sagemaker_model": ((("primary_container", "environment"), "container-env"),
                            (("container", "environment"), "container-env")),
    "aws_sagemaker_notebook_instance_lifecycle_configuration": ((("on_create",), "lifecycle-config"),
                                                                (("on_start",), "lifecycle-config")),
    "aws_sagemaker_studio_lifecycle_config": ((("studio_lifecycle_config_content",), "lifecycle-config"),),
    "aws_lambda_function": ((("environment", "variables"), "function-env"),),
    "aws_ecs_task_definition": ((("container_definitions",), "task-env"),),
    "aws_instance": ((("user_data",), "user-data"), (("user_data_base64",), "user-data")),
    "aws_launch_template": ((("user_data",), "user-data"),),
    "aws_launch_configuration": ((("user_data",), "user-data"), (("user_data_base64",), "user-data")),
    "aws_ssm_parameter": ((("value",), "ssm"), (("insecure_value",), "ssm")),
    "aws_secretsmanager_secret_version": ((("secret_string",), "secret-store"),),
}
_USER_POLICY = "aws_iam_user_policy"
_USER_ATTACHMENT = "aws_iam_user_policy_attachment"
_POLICY_ATTACHMENT = "aws_iam_policy_attachment"
_POLICY_REF = re.compile(r"^\s*aws_iam_policy\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.(?:arn|id)\s*$")


def _literal(value: Any) -> Any:
    """A literal's Python value (``True``, ``"x"``, ``None``); :data:`_UNKNOWN` for a reference."""
    if isinstance(value, Unresolved):
        return _UNKNOWN
    v = getattr(value, "value", value)
    return str(v) if isinstance(v, str) else v


_UNKNOWN = object()


def _flag(blk, name: str) -> Optional[bool]:
    """A boolean argument: False when absent, None when not a literal."""
    a = blk.get(name)
    if a is None:
        return False
    v = _literal(a.value)
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v in ("true", "false"):
        return v == "true"
    return None


def _head_span(blk) -> Span:
    """From the block type to its last label: ``resource "aws_iam_access_key" "ci"`` (in
    Terraform JSON, where the type and labels are nested keys: the last label, its name)."""
    end = span_of(blk.labels[-1], blk.type_span) if blk.labels else blk.type_span
    if blk.node is None and blk.labels:
        return end
    return Span(blk.type_span.line, blk.type_span.col, end.end_line, end.end_col)


def _key_store(pgp: Any) -> str:
    """Where the provider keeps the secret, from the ``pgp_key`` argument (an attribute or a plan value)."""
    if pgp is None:
        return "state"
    v = _literal(pgp.value if hasattr(pgp, "name_span") else pgp)
    if v is _UNKNOWN:
        return "state-unknown"
    if v is None or (isinstance(v, str) and not v.strip()):
        return "state"
    return "state-encrypted"


def _access_keys(blocks, file: str = "") -> dict:
    """Terraform address -> :class:`~linter.model.AccessKey` of the access keys these blocks create."""
    from ..model import AccessKey

    out = {}
    for blk in blocks:
        if blk.type == "resource" and len(blk.labels) >= 2 and blk.labels[0] == ACCESS_KEY:
            address = f"{ACCESS_KEY}.{blk.labels[1]}"
            out[str(blk.labels[1])] = AccessKey(address, address, _head_span(blk), (address,),
                                                _key_store(blk.get("pgp_key")), file)
    return out


def _carrying_locals(blocks, keys: dict, carriers: dict) -> None:
    """Add to ``carriers`` (local name -> key name) the locals whose value holds a key's secret."""
    defs = [(name, a.text) for blk in blocks if blk.type == "locals" for name, a in blk.attributes.items()]
    for _ in range(8):  # a chain of locals; a few rounds are plenty
        grew = False
        for name, text in defs:
            if name in carriers:
                continue
            for m in _SECRET_REF.finditer(text):
                if m.group(1) in keys:
                    carriers[name] = m.group(1)
                    grew = True
                    break
            else:
                for m in _LOCAL_NAME.finditer(text):
                    if m.group(1) in carriers:
                        carriers[name] = carriers[m.group(1)]
                        grew = True
                        break
        if not grew:
            return


_KEY_CACHE: dict = {}  # directory -> (run, [(file name, blocks)] of its .tf files that create access keys)


def _module_keys(ctx: _Ctx, blocks) -> tuple:
    """``(keys, carrying locals)`` of the module: this file's, and those of the other ``.tf``
    files of its directory that create an access key (read once per directory in a run)."""
    from . import run_id

    keys = _access_keys(blocks)
    if ctx.doc is None:  # Terraform JSON: this file only
        carriers: dict = {}
        _carrying_locals(blocks, keys, carriers)
        return keys, carriers
    abspath = os.path.abspath(ctx.src.abspath)
    here, me = os.path.dirname(abspath), os.path.basename(abspath)
    run = run_id()
    hit = _KEY_CACHE.get(here)
    if hit is not None and run and hit[0] == run:
        files = hit[1]
    else:
        files = []
        try:
            names = sorted(n for n in os.listdir(here) if n.endswith(".tf"))
        except OSError:
            names = []
        for name in names:
            text = _read_sibling(ctx, os.path.join(here, name)) if name != me or not ctx.src.in_memory else None
            if text is None or ACCESS_KEY not in text:
                continue
            try:
                files.append((name, _parse_cached(os.path.join(here, name), text).blocks))
            except ParseError:
                continue
        if run and not ctx.src.in_memory:
            if len(_KEY_CACHE) >= _CACHE_MAX:
                _KEY_CACHE.clear()
            _KEY_CACHE[here] = (run, files)
    other_blocks: list = []
    for name, fblocks in files:
        if name == me:
            continue  # this file as it is being read (an editor's buffer may differ from the disk)
        display = posixpath.normpath(posixpath.join(posixpath.dirname(ctx.src.path), name))
        for k, v in _access_keys(fblocks, display).items():
            keys.setdefault(k, v)
        other_blocks.extend(fblocks)
    carriers = {}
    _carrying_locals(list(blocks) + other_blocks, keys, carriers)
    return keys, carriers


def _credentials(ctx: _Ctx, blocks) -> None:
    from ..model import SecretInput

    src = ctx.src
    for blk in blocks:
        if blk.type == "variable" and blk.labels:
            name = str(blk.labels[0])
            src.credential_facts().inputs.append(SecretInput(
                name, f"variable {name}", span_of(blk.labels[0], blk.type_span), (f"var.{name}",),
                _flag(blk, "sensitive"), "sensitive = true"))
    own = _access_keys(blocks)
    for key in own.values():
        src.credential_facts().keys.append(key)
    sinks = list(_sink_attributes(blocks))
    if any(ACCESS_KEY in a.text or "local." in a.text for _s, _n, _l, _p, a in sinks):
        keys, carriers = _module_keys(ctx, blocks)
        if keys:
            for sink, name, label, path, a in sinks:
                for kname, span, p in _secret_refs(ctx, a, keys, carriers, path):
                    from ..model import SecretFlow

                    src.credential_facts().flows.append(SecretFlow(keys[kname], sink, name, label, span, p))
    _user_grants(ctx, blocks)


def _sink_attributes(blocks):
    """``(kind of place, name, label, path, attribute)`` of the places a secret may be written."""
    for blk in blocks:
        if blk.type == "output" and blk.labels:
            a = blk.get("value")
            if a is None:
                continue
            sensitive = _flag(blk, "sensitive")
            if sensitive is None:
                continue  # not known: no guess
            name = str(blk.labels[0])
            yield ("sensitive-output" if sensitive else "output"), name, f"output.{name}", (f"output.{name}", "value"), a
        elif blk.type == "resource" and len(blk.labels) >= 2 and str(blk.labels[0]) in CREDENTIAL_SINKS:
            rtype = str(blk.labels[0])
            address = f"{rtype}.{blk.labels[1]}"
            for path, sink in CREDENTIAL_SINKS[rtype]:
                if sink == "ssm":
                    kind = _literal(blk.get("type").value) if blk.get("type") is not None else None
                    if not isinstance(kind, str):
                        continue
                    sink = "secure-parameter" if kind == "SecureString" else "ssm-string"
                holders = [blk]
                for bname in path[:-1]:
                    holders = [b for h in holders for b in _blocks_named(h, bname)] + \
                              [_AttrBlock(h, bname) for h in holders if h.get(bname) is not None]
                for h in holders:
                    a = h.get(path[-1])
                    if a is not None:
                        yield sink, address, address, (address,) + path, a


class _AttrBlock:
    """A nested block written as an attribute (``environment = { variables = {...} }``, JSON):
    its attributes are the keys of the object, all with the object's attribute."""

    def __init__(self, blk, name: str) -> None:
        self.a = blk.get(name)
        self.blocks: list = []
        self.type = name

    def get(self, name: str):
        return self.a if name else None


def _secret_refs(ctx: _Ctx, a, keys: dict, carriers: dict, path: tuple) -> list:
    """``(key name, span, path)`` of the references to a key's secret in an attribute's value:
    directly, or through a local that holds it."""
    text = a.text
    found = []
    whole = _KEY_OBJECT.fullmatch(_ref_text(a).strip())
    if whole and whole.group(1) in keys:  # ``value = aws_iam_access_key.ci``: every attribute, the secret too
        return [(whole.group(1), a.span if a.node is None else a.pos.node_span(a.node), path)]
    for m in _SECRET_REF.finditer(text):
        if m.group(1) in keys:
            found.append((m.group(1), m.start(), m.end()))
    if carriers:
        for m in _LOCAL_NAME.finditer(text):
            if m.group(1) in carriers:
                found.append((carriers[m.group(1)], m.start(), m.end()))
    out = []
    for kname, start, end in found:
        out.append((kname, _span_in(a, text, start, end), path))
    return out


def _span_in(a, text: str, start: int, end: int) -> Span:
    """The span of ``text[start:end]`` (``text`` is the attribute's source; JSON: the value)."""
    if a.node is not None:
        sb = a.node.start_byte + len(text[:start].encode("utf-8"))
        eb = a.node.start_byte + len(text[:end].encode("utf-8"))
        return a.pos.span(sb, eb)
    found = _json_string_with(a.raw, text[start:end])
    return span_of(found, a.span) if found is not None else a.span


def _json_string_with(node: Any, needle: str, depth: int = 0) -> Optional[Any]:
    """The first string of a Terraform JSON value that holds ``needle``."""
    if isinstance(node, str):
        return node if needle in node else None
    if depth > 60:
        return None
    items = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for v in items:
        hit = _json_string_with(v, needle, depth + 1)
        if hit is not None:
            return hit
    return None


def _user_grants(ctx: _Ctx, blocks) -> None:
    """Policies attached directly to IAM users: ``aws_iam_user_policy`` (its policy, or the
    ``aws_iam_policy_document`` it uses), and the ``aws_iam_policy`` or AWS managed policy of an
    ``aws_iam_user_policy_attachment`` or of an ``aws_iam_policy_attachment`` with ``users``."""
    from ..model import UserGrant

    by_label: dict = {}  # document label -> user text
    managed: dict = {}  # attachment address -> user text
    for blk in blocks:
        if blk.type != "resource" or len(blk.labels) < 2:
            continue
        rtype, address = str(blk.labels[0]), f"{blk.labels[0]}.{blk.labels[1]}"
        if rtype == _USER_POLICY:
            user = _user_text(blk.get("user"))
            by_label[address] = user
            a = blk.get("policy")
            m = _DOC_REF.match(_ref_text(a)) if a is not None else None
            if m:
                by_label[f"data.{POLICY_DOC}.{m.group(1)}"] = user
        elif rtype in (_USER_ATTACHMENT, _POLICY_ATTACHMENT):
            if rtype == _USER_ATTACHMENT:
                user = _user_text(blk.get("user"))
            else:
                users = blk.get("users")
                v = users.value if users is not None else None
                if not (isinstance(v, list) and v):
                    continue
                user = ", ".join(_user_text(x) for x in v)
            managed[address] = user
            a = blk.get("policy_arn")
            m = _POLICY_REF.match(_ref_text(a)) if a is not None else None
            if m:
                by_label[f"aws_iam_policy.{m.group(1)}"] = user
    if not by_label and not managed:
        return
    facts = ctx.src.credential_facts()
    for d in ctx.src.documents:
        user = by_label.get(d.origin.label)
        if user is not None and d.role == "identity":
            facts.user_grants.append(UserGrant(user, document=d))
    for r in ctx.src.managed_refs:
        user = managed.get(r.origin.label)
        if user is not None:
            facts.user_grants.append(UserGrant(user, managed=r))


def _user_text(a: Any) -> str:
    """How the configuration names a user: ``aws_iam_user.x`` for a reference to one, else its name."""
    v = a.value if hasattr(a, "name_span") else a
    if isinstance(v, Unresolved):
        m = re.match(r"^\s*(aws_iam_user\.[A-Za-z0-9_-]+)", v.text)
        return m.group(1) if m else ""
    return str(v) if isinstance(v, str) else ""


# ---------------------------------------------------------------------------
# The directory index: how policy documents are used across the module's files


class _FileInfo:
    __slots__ = ("uses", "defs", "boundaries", "lookups", "holders", "links")

    def __init__(self) -> None:
        #: address of a role, user or group -> (kind, IAM name written literally or None)
        self.holders: dict[str, tuple] = {}
        #: (address of a policy or policy document, what holds it: a principal's address, a policy's
        #: address, or "name:<kind>:<IAM name>")
        self.links: list[tuple[str, str]] = []
        self.lookups: dict[str, str] = {}  # data "aws_iam_policy" name -> ARN
        self.uses: list[tuple[str, str, str]] = []  # (document name, role, aws_iam_policy name or "")
        self.boundaries: set[str] = set()  # aws_iam_policy names used as permissions boundaries
        # name -> (consumed documents [(name, "source"|"override")], own sids)
        self.defs: dict[str, tuple[list, set]] = {}


def _file_info(doc, boundaries=frozenset()) -> _FileInfo:
    info = _FileInfo()
    info.boundaries = _boundaries(doc.blocks) | set(boundaries)
    info.lookups = _policy_lookups(doc.blocks)
    for blk in doc.blocks:
        if blk.type == "resource" and len(blk.labels) >= 2:
            _principal_links(info, blk)
            policy = str(blk.labels[1]) if blk.labels[0] == "aws_iam_policy" else ""
            for _n, role, _s, attr in _policy_attrs(blk, info.boundaries):
                m = _DOC_REF.match(_ref_text(attr))
                if m:
                    info.uses.append((m.group(1), role, policy))
        elif blk.type == "data" and len(blk.labels) >= 2 and blk.labels[0] == POLICY_DOC:
            consumed = []
            for aname, how in (("source_policy_documents", "source"), ("source_json", "source"),
                               ("override_policy_documents", "override"), ("override_json", "override")):
                a = blk.get(aname)
                if a is not None:
                    for m in _ANY_DOC_REF.finditer(a.text):
                        consumed.append((m.group(1), how))
            sids = set()
            for b in _blocks_named(blk, "statement"):
                a = b.get("sid")
                if a is not None and isinstance(a.value, str):
                    sids.add(str(a.value))
            info.defs[str(blk.labels[1])] = (consumed, sids)
        elif blk.type in ("module", "locals", "output"):
            for a in blk.attributes.values():
                for m in _ANY_DOC_REF.finditer(a.text):
                    info.uses.append((m.group(1), "", ""))
    return info


class _DirIndex:
    """What the .tf files of one directory say about its policy documents."""

    __slots__ = ("uses", "defs", "consumers", "boundaries", "lookups", "holders", "links")

    def __init__(self, infos: list) -> None:
        self.holders: dict[str, tuple] = {}
        self.links: dict[str, list[str]] = {}
        for info in infos:
            for k, v in info.holders.items():
                self.holders.setdefault(k, v)
            for a, b in info.links:
                lst = self.links.setdefault(a, [])
                if b not in lst:
                    lst.append(b)
        self.uses: dict[str, list[str]] = {}  # document -> roles of the attributes using it directly
        self.defs: dict[str, tuple[list, set]] = {}  # document -> (consumed documents, own sids)
        self.consumers: dict[str, list[tuple[str, str]]] = {}  # document -> [(consumer, how)]
        self.boundaries: set[str] = set().union(*(info.boundaries for info in infos))
        self.lookups: dict[str, str] = {}
        for info in infos:
            for k, v in info.lookups.items():
                self.lookups.setdefault(k, v)
        for info in infos:
            for name, role, policy in info.uses:
                if policy and policy in self.boundaries:
                    role = "boundary"  # used by a policy that a role in another file takes as its boundary
                self.uses.setdefault(name, []).append(role)
            for name, d in info.defs.items():
                self.defs.setdefault(name, d)
                for consumed, how in d[0]:
                    self.consumers.setdefault(consumed, []).append((name, how))


def _dir_index(ctx: _Ctx, abspath: str, doc) -> _DirIndex:
    """The :class:`_DirIndex` of the directory of ``abspath`` (cached per directory).

    Only files that mention ``aws_iam_policy_document``, ``permissions_boundary`` or
    ``"aws_iam_policy"`` are parsed (over-size files and links out of the tree are not read).
    The cache is checked against the directory's mtime (files added, removed or renamed) and
    the size and mtime of the files it indexed, once per run (:func:`linter.sources.begin_run`):
    checking every indexed file again for every file of the directory was quadratic in a large
    module. An index made while this file's text is not the disk's (an editor's unsaved
    buffer) is not kept, nor answered from the disk's.
    """
    from . import run_id

    run = run_id()
    abspath = os.path.abspath(abspath)
    here = os.path.dirname(abspath)
    hit = _DIR_CACHE.get(here)
    # the index was made from this file's text as it is now (not another editor buffer's)
    fresh = hit is not None and hit[2].get(abspath, None if _mentions(doc.text) else doc.text) == doc.text
    if hit is not None and run and hit[0][2] == run and fresh:
        return hit[1]
    try:
        dstat = os.stat(here)
    except OSError:
        return _DirIndex([_file_info(doc)])
    if hit is not None and hit[0][0] == dstat.st_mtime_ns and _still_same(hit[0][1]) and fresh:
        _DIR_CACHE[here] = ((hit[0][0], hit[0][1], run), hit[1], hit[2])
        return hit[1]
    infos = []
    indexed = []
    texts = {}  # path -> the text indexed
    keep = not ctx.src.in_memory or _read_sibling(ctx, abspath) == doc.text
    me = os.path.basename(abspath)
    try:
        names = sorted(n for n in os.listdir(here) if n.endswith(".tf"))
    except OSError:
        names = [me]
    for name in names:
        path = os.path.join(here, name)
        if name == me:
            infos.append(_file_info(doc))
            indexed.append(_file_sig(path))
            texts[path] = doc.text
            continue
        text = _read_sibling(ctx, path)
        if text is None or not _mentions(text):
            continue
        indexed.append(_file_sig(path))
        texts[path] = text
        try:
            sdoc = _parse_cached(path, text)
        except ParseError:
            continue
        infos.append(_file_info(sdoc))
    index = _DirIndex(infos)
    if keep:
        if len(_DIR_CACHE) >= _CACHE_MAX:
            _DIR_CACHE.clear()
        _DIR_CACHE[here] = ((dstat.st_mtime_ns, tuple(indexed), run), index, texts)
    return index


def _mentions(text: str) -> bool:
    """Whether a .tf file can add to the directory index (other files are not parsed for it)."""
    return "aws_iam_" in text or "permissions_boundary" in text


# ---------------------------------------------------------------------------
# Principals: which role, user or group holds each policy (across the module's files)

_PRINCIPAL_TYPES = {"aws_iam_role": "role", "aws_iam_user": "user", "aws_iam_group": "group"}
#: attribute of a resource -> kind of principal it names (a reference or a literal IAM name)
_PRINCIPAL_ATTRS = {
    "aws_iam_role_policy": (("role", "role"),),
    "aws_iam_user_policy": (("user", "user"),),
    "aws_iam_group_policy": (("group", "group"),),
    "aws_iam_role_policy_attachment": (("role", "role"),),
    "aws_iam_user_policy_attachment": (("user", "user"),),
    "aws_iam_group_policy_attachment": (("group", "group"),),
    "aws_iam_policy_attachment": (("roles", "role"), ("users", "user"), ("groups", "group")),
    "aws_iam_role_policy_attachments_exclusive": (("role_name", "role"),),
    "aws_iam_user_policy_attachments_exclusive": (("user_name", "user"),),
    "aws_iam_group_policy_attachments_exclusive": (("group_name", "group"),),
}
_HOLDABLE = re.compile(r"^(?:aws_iam_[a-z_]+|data\.aws_iam_policy_document)\.[A-Za-z0-9_-]+$")
_ADDRESS_REF = re.compile(r"^\s*((?:data\.)?aws_iam_[a-z_]+\.[A-Za-z0-9_-]+)(?:\[[^\]]*\])?(?:\.[a-z_]+)?\s*$")


def _refs(attr) -> list:
    """What an attribute's value names: resource addresses (``aws_iam_role.x``) and literal strings."""
    v = attr.value
    out = []
    for item in (v if isinstance(v, list) else [v]):
        if isinstance(item, Unresolved):
            m = _ADDRESS_REF.match(_strip_jsonencode(item.text))
            if m:
                out.append(("ref", m.group(1)))
        elif isinstance(item, str) and item and "${" not in item:
            out.append(("name", str(item)))
    return out


def _principal_links(info: _FileInfo, blk) -> None:
    rtype, address = str(blk.labels[0]), f"{blk.labels[0]}.{blk.labels[1]}"
    kind = _PRINCIPAL_TYPES.get(rtype)
    if kind is not None:
        a = blk.get("name")
        name = str(a.value) if a is not None and isinstance(a.value, str) and "${" not in a.value else None
        info.holders[address] = (kind, name)
        for attr_name in ("managed_policy_arns", "permissions_boundary"):
            a = blk.get(attr_name)
            for how, ref in (_refs(a) if a is not None else ()):
                if how == "ref":
                    info.links.append((ref, address))
        for attr_name, _role, _strict, a in _policy_attrs(blk):
            for how, ref in _refs(a):
                if how == "ref" and ref.startswith("data."):
                    info.links.append((ref, address))
        return
    attrs = _PRINCIPAL_ATTRS.get(rtype)
    owners = []
    for attr_name, pkind in attrs or ():
        a = blk.get(attr_name)
        for how, ref in (_refs(a) if a is not None else ()):
            owners.append(ref if how == "ref" else f"name:{pkind}:{ref}")
    if attrs is not None:
        targets = [address] if rtype.endswith(("_policy",)) else []
        for attr_name in ATTACHMENT_ATTRS:
            a = blk.get(attr_name)
            targets += [ref for how, ref in (_refs(a) if a is not None else ()) if how == "ref"]
        for t in targets:
            info.links.extend((t, o) for o in owners)
    for _n, _role, _strict, a in _policy_attrs(blk):  # policy = data.aws_iam_policy_document.x.json
        for how, ref in _refs(a):
            if how == "ref" and ref.startswith("data."):
                info.links.append((ref, address))


def _holders_of(ctx: _Ctx, address: str) -> list:
    """The principals (:class:`~linter.model.Holder`) holding the policy at ``address``, found
    through the module's files: the role itself, its ``aws_iam_role_policy``, an
    ``aws_iam_policy`` attached to it, the policy documents they use."""
    index = ctx.dir_index()
    if address in index.holders:
        found = [address]
    else:
        found, seen, todo = [], {address}, [address]
        while todo:
            nxt = []
            for a in todo:
                for b in index.links.get(a, ()):
                    if b.startswith("name:"):
                        _, kind, name = b.split(":", 2)
                        b = next((h for h, (k, n) in index.holders.items() if k == kind and n == name), b)
                    if b in index.holders:
                        if b not in found:
                            found.append(b)
                    elif b not in seen and not b.startswith("name:"):
                        seen.add(b)
                        nxt.append(b)
            todo = nxt
    module = posixpath.dirname(ctx.src.path) or "."
    out = []
    for h in found:
        kind, name = index.holders[h]
        out.append(Holder(f"{module}::{h}", h, kind, name))
    return out


def _file_sig(path: str) -> tuple:
    try:
        st = os.stat(path)
        return (path, st.st_mtime_ns, st.st_size)
    except OSError:
        return (path, 0, -1)


def _still_same(sigs: tuple) -> bool:
    return all(_file_sig(p) == (p, m, z) for p, m, z in sigs)


def _doc_sids(ctx: _Ctx, name: str) -> set:
    d = ctx.dir_index().defs.get(name)
    return set(d[1]) if d is not None else set()


def _skipped_sids(ctx: _Ctx, name: str) -> set:
    """Sids of ``name``'s statements that every consumer replaces, when nothing uses ``name`` directly."""
    index = ctx.dir_index()
    if name in index.uses:
        return set()
    consumers = index.consumers.get(name)
    if not consumers or any(how == "override" for _c, how in consumers):
        return set()
    result: Optional[set] = None
    for cname, _how in consumers:
        consumed, sids = index.defs.get(cname, ([], set()))
        replaced = set(sids)
        for n, how in consumed:
            if how == "override":
                replaced |= _doc_sids(ctx, n)
        result = replaced if result is None else result & replaced
    return result or set()


def _doc_role(ctx: _Ctx, name: str, tree: Any, index: Optional[_DirIndex] = None) -> str:
    """The role of a document: how the module uses it (directly, or through the documents
    that consume it), else what its content looks like."""
    by_content = role_by_content(tree)
    index = index or ctx.dir_index()
    seen = {name}
    todo = [name]
    roles: list[str] = []
    while todo and not roles:
        nxt = []
        for n in todo:
            roles.extend(r for r in index.uses.get(n, ()) if r)
            for cname, _how in index.consumers.get(n, ()):
                if cname not in seen:
                    seen.add(cname)
                    nxt.append(cname)
        todo = nxt
    if not roles:
        return by_content
    return by_content if by_content in roles else roles[0]


# ---------------------------------------------------------------------------
# Terraform JSON syntax (.tf.json)

_NESTED = frozenset(("statement", "principals", "not_principals", "condition", "inline_policy", "dynamic",
                     "content"))


def extract_json(src, tree) -> None:
    src.kind = "terraform-json"
    if not isinstance(tree, dict):
        return
    index = LineIndex(src.text)
    ctx = _Ctx(src, index, None, "terraform")
    blocks = _json_blocks(ctx, tree)
    for b in blocks:
        src.blocks.append(b.span)
    _extract_blocks(ctx, blocks)


def _json_blocks(ctx: _Ctx, tree: LDict) -> list:
    from ..parsers.hcl import Block

    out = []

    def key_lstr(d, k) -> LStr:
        return LStr(k, d.key_span(k) if isinstance(d, LDict) else Span(1, 1, 1, 1))

    for top, val in tree.items():
        if not isinstance(val, dict) and top != "locals":
            continue
        tspan = tree.key_span(top)
        if top in ("resource", "data"):
            for rtype, named in val.items():
                if not isinstance(named, dict):
                    continue
                for name, bodies in named.items():
                    for body in _as_list(bodies):
                        if isinstance(body, dict):
                            b = Block(top, tspan, [key_lstr(val, rtype), key_lstr(named, name)], span_of(body, tspan))
                            _json_body(ctx, b, body, 0)
                            out.append(b)
        elif top in ("provider", "variable", "module", "output"):
            for name, bodies in val.items():
                for body in _as_list(bodies):
                    if isinstance(body, dict):
                        b = Block(top, tspan, [key_lstr(val, name)], span_of(body, tspan))
                        _json_body(ctx, b, body, 0)
                        out.append(b)
        elif top == "locals":
            for body in _as_list(val):
                if isinstance(body, dict):
                    b = Block(top, tspan, [], span_of(body, tspan))
                    _json_body(ctx, b, body, 0)
                    out.append(b)
    return out


def _as_list(v: Any) -> list:
    return list(v) if isinstance(v, list) else [v]


def _json_body(ctx: _Ctx, blk, body: dict, depth: int) -> None:
    from ..parsers.hcl import Block

    if depth > 20:
        return
    for k, v in body.items():
        if k == "//":
            continue
        kspan = body.key_span(k) if isinstance(body, LDict) else blk.span
        if k in _NESTED and (isinstance(v, dict) or isinstance(v, list) and v and all(isinstance(x, dict) for x in v)):
            if k == "dynamic" and isinstance(v, dict):
                for label, inner in v.items():
                    for item in _as_list(inner):
                        if isinstance(item, dict):
                            nb = Block("dynamic", kspan, [LStr(label, v.key_span(label))], span_of(item, kspan))
                            _json_body(ctx, nb, item, depth + 1)
                            blk.blocks.append(nb)
                continue
            for item in _as_list(v):
                nb = Block(k, kspan, [], span_of(item, kspan))
                _json_body(ctx, nb, item, depth + 1)
                blk.blocks.append(nb)
            continue
        blk.attributes[k] = _JAttr(k, kspan, span_of(v, kspan), _json_value(v, 0), v)


class _JAttr:
    """An attribute of a Terraform JSON body: ``value`` converted, ``raw`` as written."""

    __slots__ = ("name", "name_span", "span", "value", "raw", "node", "pos")

    def __init__(self, name: str, name_span: Span, span: Span, value: Any, raw: Any) -> None:
        self.name = name
        self.name_span = name_span
        self.span = span
        self.value = value
        self.raw = raw
        self.node = None
        self.pos = None

    @property
    def text(self) -> str:
        return _plain_text(self.raw)


def _plain_text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return " ".join(_plain_text(x) for x in v)
    if isinstance(v, dict):
        return " ".join(_plain_text(x) for x in v.values())
    return ""


def _json_value(v: Any, depth: int) -> Any:
    """A Terraform JSON value: strings are templates (``"${var.x}"`` is Unresolved)."""
    if isinstance(v, str):
        if "${" not in v and "%{" not in v:
            return v
        if v.startswith("${") and v.endswith("}") and v.count("${") == 1:
            inner = v[2:-1].strip()
            return Unresolved(inner, "call" if _CALL.match(inner) else "reference", span_of(v))
        if "%{" in v.replace("%%{", ""):
            return Unresolved(str(v), "template", span_of(v))
        return LStr(v.replace("$${", "${").replace("%%{", "%{"), span_of(v))
    if depth > 100:
        return v
    if isinstance(v, LDict):
        d = LDict(span=v.span)
        for k, x in v.items():
            d[k] = _json_value(x, depth + 1)
        d.key_spans = v.key_spans
        d.duplicates = v.duplicates
        return d
    if isinstance(v, list):
        return LList([_json_value(x, depth + 1) for x in v], span=span_of(v))
    return v


def _classify_json(ctx: _Ctx, attr):
    return _classify_json_value(ctx, attr.value, attr.raw)


def _classify_json_value(ctx: _Ctx, value: Any, raw: Any):
    from ..parsers import hcl

    if isinstance(raw, dict):
        return "tree", _json_value(raw, 0)
    if not isinstance(raw, LStr):
        return "none", None
    tpl = _json_string_template(ctx, raw)
    if tpl is None:
        return "none", None
    sp = tpl.specials
    if len(sp) == 1 and sp[0][0] == 0 and sp[0][1] == len(tpl.text) and sp[0][2] == "interp":
        inner = tpl.text[2:-1]
        m = _DOC_REF.match(inner)
        if m:
            return "doc", m.group(1)
        m = _LOCAL_REF.match(inner)
        if m:
            return "local", m.group(1)
        # an HCL expression inside the JSON string: parse it where it stands
        prefix = "_ = "
        omap = tpl.omap

        def char_map(i: int, _omap=omap) -> int:
            return _omap(max(0, i - len(prefix)) + 2)

        try:
            d = hcl.parse(prefix + inner, char_map, ctx.index)
        except ParseError:
            return "none", None
        a = d.attributes.get("_")
        if a is None:
            return "none", None
        return _classify_node(ctx, a.node, a.pos)
    return "template", tpl


def _json_string_template(ctx: _Ctx, raw: LStr, templated: bool = True):
    """The template of a JSON string literal, mapped to the file (escapes decoded)."""
    from ..parsers import hcl

    text = ctx.src.text
    sp = raw.span
    starts = ctx.index.starts
    if sp.line - 1 >= len(starts) or sp.end_line - 1 >= len(starts):
        return None
    start = starts[sp.line - 1] + sp.col - 1
    end = starts[sp.end_line - 1] + sp.end_col - 1
    if text[start:start + 1] != '"' or text[end - 1:end] != '"':
        return None
    decoded, dmap = _decode_json_string(text, start, end)
    if not templated:
        return hcl.Template(decoded, dmap, [], dmap(len(decoded)), sp)
    return hcl.scan_template_text(decoded, 0, len(decoded), dmap, sp)


_JSON_ESC = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _decode_json_string(text: str, start: int, end: int):
    from ..parsers.hcl import OffsetMap

    out: list[str] = []
    olen = 0
    omap = OffsetMap()
    i = start + 1
    stop = end - 1
    find = text.find
    while i < stop:
        j = find("\\", i, stop)
        if j == -1:
            j = stop
        if j > i:
            omap.add(olen, i)
            out.append(text[i:j])
            olen += j - i
            i = j
            continue
        e = text[i + 1:i + 2]
        n = 2
        if e == "u":
            try:
                cp = int(text[i + 2:i + 6], 16)
            except ValueError:
                cp = 0xFFFD
            n = 6
            if 0xD800 <= cp < 0xDC00 and text[i + 6:i + 8] == "\\u":
                try:
                    lo = int(text[i + 8:i + 12], 16)
                except ValueError:
                    lo = 0
                if 0xDC00 <= lo < 0xE000:
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                    n = 12
            ch = chr(cp)
        else:
            ch = _JSON_ESC.get(e, e)
        omap.add(olen, i)
        out.append(ch)
        olen += 1
        i += n
    omap.add(olen, stop)
    return "".join(out), omap


# ---------------------------------------------------------------------------
# Plans (terraform show -json)


def extract_plan(src, tree: Any) -> None:
    src.kind = "terraform-plan"
    if not isinstance(tree, dict):
        return
    ctx = _Ctx(src, LineIndex(src.text or ""), None, "terraform-plan")
    ctx.boundaries = frozenset(_plan_boundaries(tree))
    seen: set[str] = set()
    for address, rtype, values in _plan_resources(tree):
        _plan_resource(ctx, address, rtype, values, seen)
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
            _emit(ctx, tree, address, (address,) + path, role)


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
# Policy files that a Terraform file reads with file() or templatefile()

_OWNER_DEPTH = 3  # the file's own directory and two above (modules keep policies in policies/, templates/)
_TF_TEXTS: dict[str, tuple[tuple, list, int]] = {}  # directory -> (signature, [(name, text)], run checked)


def _tf_texts(directory: str, roots: tuple) -> list:
    """(name, text) of the ``.tf`` files of a directory that call file() or templatefile()
    (cached per directory, checked against its mtime and the files' sizes and mtimes). Regular
    files inside ``roots`` only: never a FIFO, never through a link out of the tree."""
    from . import run_id
    from .base import read_file

    run = run_id()
    hit = _TF_TEXTS.get(directory)
    if hit is not None and run and hit[2] == run:  # checked once per run (see begin_run)
        return hit[1]
    try:
        names = sorted(n for n in os.listdir(directory) if n.endswith(".tf"))
        sig = tuple(_file_sig(os.path.join(directory, n)) for n in names)
    except OSError:
        return []
    if hit is not None and hit[0] == sig:
        _TF_TEXTS[directory] = (sig, hit[1], run)
        return hit[1]
    out = []
    for n in names:
        path = os.path.join(directory, n)
        if not safety.inside(os.path.realpath(path), roots):
            continue
        text, _err = read_file(path, _MAX_TEMPLATE_FILE)
        if text is not None and "file(" in text:
            out.append((n, text))
    if len(_TF_TEXTS) >= _CACHE_MAX:
        _TF_TEXTS.clear()
    _TF_TEXTS[directory] = (sig, out, run)
    return out


#: Texts of the files linted from memory (an editor's unsaved buffer), by absolute path: the
#: Terraform file that reads one with file() or templatefile() reads this text, not the disk's.
_IN_MEMORY: dict[str, str] = {}


def owner_documents(src) -> bool:
    """Lint a policy file the way the Terraform file that reads it does.

    A policy file (``*.json``, ``*.json.tpl``...) named in a ``file()`` or ``templatefile()``
    call of a ``.tf`` file nearby is a policy of that resource, with its role (an endpoint
    policy, a trust policy, a permissions boundary) and its address as label. False when no
    ``.tf`` file reads it (see :func:`linter.sources.base.read_by_another_file`). A policy file
    linted from memory (an editor's buffer) is read by the ``.tf`` file as it is in memory.
    """
    from .base import read_by_another_file

    roots = src.roots if src.roots is not None else safety.read_roots([src.abspath])

    def readers(directory):
        return ((os.path.join(directory, name), text) for name, text in _tf_texts(directory, roots))

    if not src.in_memory:
        return read_by_another_file(src, readers, extract_hcl, _OWNER_DEPTH)
    me = os.path.abspath(src.abspath)
    _IN_MEMORY[me] = src.text
    try:
        return read_by_another_file(src, readers, extract_hcl, _OWNER_DEPTH)
    finally:
        _IN_MEMORY.pop(me, None)
