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

Layout: this module holds the entry points (the HCL reader, the block dispatch, the
``.tf.json`` and plan entry points, the policy files read with ``file()``/``templatefile()``)
and re-exports the public names; the sections live in private modules, each importing
only those before it: ``_tf_common`` (policy attributes, reference patterns, caches),
``_tf_json`` (``.tf.json`` syntax), ``_tf_index`` (the per-file context, the directory index of
the module's ``.tf`` and ``.tf.json`` files, principals), ``_tf_credentials`` (credential
facts), ``_tf_classify`` (what kind of value an attribute holds, JSON inside strings),
``_tf_values`` (policy-valued attributes, ``file()``/``templatefile()`` policies,
``aws_iam_policy_document``) and ``_tf_plan`` (plans and their principals, imported only when a
plan is linted). ``_tf_index`` reads another ``.tf.json`` file of the module with ``_tf_json``.
"""
from __future__ import annotations

import os
import posixpath
import re
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any

from ..located import LDict, LineIndex, LList, LStr, ParseError, Span, Unresolved, span_of
from ..model import ManagedPolicyRef, Val
from .. import safety
from ._tf_classify import _classify
from ._tf_common import (ATTACHMENT_ATTRS, ATTACHMENT_TYPES, ORGANIZATIONS_POLICY, ORGANIZATIONS_POLICY_TYPES,
                         POLICY_ATTRIBUTES, POLICY_DOC, RESOURCE_POLICY_ATTRS, _CACHE_MAX, _IN_MEMORY, _LOCAL_REF,
                         _MAX_TEMPLATE_FILE, _blocks_named, _boundaries, _parse_cached, _policy_attrs,
                         _policy_lookups, _ref_text, may_not_exist, policy_role, size_facts)
from ._tf_credentials import ACCESS_KEY, CREDENTIAL_SINKS, _credentials
from ._tf_index import MODULE_FILES, _Ctx, _file_sig
from ._tf_values import _ST_ATTRS, _data_document, _emit, _loose, _policy_value

#: The entry points of the format table and the names other modules use from here
#: (the constants are defined in :mod:`._tf_common` and :mod:`._tf_credentials`).
__all__ = ["ACCESS_KEY", "ATTACHMENT_ATTRS", "ATTACHMENT_TYPES", "CREDENTIAL_SINKS", "ORGANIZATIONS_POLICY",
           "ORGANIZATIONS_POLICY_TYPES", "POLICY_ATTRIBUTES", "POLICY_DOC", "RESOURCE_POLICY_ATTRS", "extract",
           "extract_hcl", "extract_json", "extract_plan", "owner_documents", "parse", "policy_role", "unit_files"]


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
    """The .tf and .tf.json files of ``path``'s module directory (the unit the principal model reads together),
    without links out of the directory's tree."""
    here = os.path.dirname(path) or "."
    roots = safety.read_roots([os.path.abspath(path)])
    try:
        names = sorted(n for n in os.listdir(here) if n.endswith(MODULE_FILES))
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


def extract(src, doc, bound: "dict | None" = None) -> None:
    """Read the policies of a parsed ``.tf`` file into ``src``; ``bound``: the values a ``module``
    call gives the file's variables, when the file is read for that call (see :func:`_instance`)."""
    from ..parsers import hcl

    src.kind = "terraform"
    src.comments.extend(doc.comments)
    src.layout = lambda: (*hcl.layout(doc), set())
    # the whole-file tree is only walked by a few file-scope rules: build it on first use
    src.trees = _LazyTrees(lambda: [hcl.to_tree(doc)], 1)
    ctx = _Ctx(src, doc.pos.index, doc)
    ctx.bound = bound
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
    if ctx.bound is None:  # a module read for a call: its credentials are its own file's
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
        before = len(ctx.src.managed_refs)
        for name, a in blk.attributes.items():
            if name == "policy_statements":
                _module_statements(ctx, a, addr)
                continue
            if "polic" in name and "boundar" not in name:
                # policy_arns = [...] (custom_role_policy_arns of terraform-aws-modules/iam v5),
                # policies = { name = arn } (its v6 iam-role), managed_policies = [...]: the AWS managed
                # policies among the values are attached
                _managed_refs(ctx, a, addr, (addr, name))
                if "arn" in name:
                    continue
            _loose(ctx, a, addr, (addr, name))
        if ctx.bound is None and ctx.doc is not None:
            named = {str(r.value.value) for r in ctx.src.managed_refs[before:]}
            _guarded(ctx, blk.span, addr, _instance, ctx, blk, addr, named)
    elif t == "variable" and labels:
        a = blk.get("default")
        if a is not None:
            _loose(ctx, a, f"var.{labels[0]}", (f"var.{labels[0]}", "default"))


def _module_statements(ctx: _Ctx, attr, addr: str) -> None:
    """``policy_statements = { name = { effect, actions, resources, principals, condition } }`` (or a
    list) of a module call (terraform-aws-modules/lambda, step-functions...): the statements of the
    role the module makes, ``module.<name>``."""
    v = attr.value
    items = list(v.values()) if isinstance(v, LDict) else list(v) if isinstance(v, LList) else []
    sts = LList(span=span_of(v, attr.span))
    for item in items:
        if not isinstance(item, LDict):
            continue
        st = LDict(span=item.span)
        for key, iam_key in _ST_ATTRS:  # the names aws_iam_policy_document's statements use
            if key in item:
                st[iam_key] = item[key]
                st.key_spans[iam_key] = item.key_spans.get(key, item.span)
        if "Effect" not in st:
            st["Effect"] = LStr("Allow", item.span)
            st.key_spans["Effect"] = item.span
        if "principals" in item or "condition" in item:
            continue  # principals and conditions in this shape: not read (a resource-policy form)
        if "Action" in st or "NotAction" in st:
            sts.append(st)
    if not sts:
        return
    tree = LDict({"Version": LStr("2012-10-17", attr.span), "Statement": sts}, span=attr.span)
    tree.key_spans["Statement"] = attr.name_span
    _emit(ctx, tree, addr, (addr, "policy_statements"), "identity")


def _resource(ctx: _Ctx, blk, rtype: str, address: str) -> None:
    for path_name, role, strict, attr in _policy_attrs(blk, ctx.boundaries):
        path = (address,) + (path_name if isinstance(path_name, tuple) else (path_name,))
        key = path_name if isinstance(path_name, str) else f"{path_name[0]}.{path_name[-1]}"
        _policy_value(ctx, attr, address, path, role, strict, facts=size_facts(rtype, key, may_not_exist(blk)))
    if rtype in ATTACHMENT_TYPES:
        for name in ATTACHMENT_ATTRS:
            a = blk.get(name)
            if a is not None:
                _managed_refs(ctx, a, address, (address, name), blk)
    if rtype == "aws_iam_role":
        a = blk.get("managed_policy_arns")
        if a is not None:
            _managed_refs(ctx, a, address, (address, "managed_policy_arns"))
        for ib in _blocks_named(blk, "inline_policy"):
            ctx.src.blocks.append(ib.span)
    elif rtype in ("awscc_iam_role", "awscc_iam_user", "awscc_iam_group"):
        # policies = [{ policy_name = "x", policy_document = jsonencode({...}) }]: inline policies
        a = blk.get("policies")
        for i, doc in enumerate(_object_items(a, "policy_document") if a is not None else ()):
            _policy_value(ctx, doc, address, (address, "policies", i, "policy_document"), "identity", True,
                          facts=(True, "inline", may_not_exist(blk)))
        a = blk.get("managed_policy_arns")
        if a is not None:
            _managed_refs(ctx, a, address, (address, "managed_policy_arns"))


def _object_items(attr, key: str) -> list:
    """The ``key = ...`` elements of the objects of a list attribute written out
    (``[{ key = ... }, ...]``), as attributes of their own."""
    from ..parsers.hcl import Attribute

    out: list = []
    node, pos = attr.node, attr.pos
    if node is None or pos is None:
        return out
    todo = [node]
    while todo:  # expression -> collection_value -> tuple -> expression -> collection_value -> object
        n = todo.pop(0)
        if n.type in ("expression", "collection_value", "tuple"):
            todo.extend(n.named_children)
        elif n.type == "object":
            for elem in n.named_children:
                if elem.type != "object_elem":
                    continue
                k, v = elem.child_by_field_name("key"), elem.child_by_field_name("val")
                if k is not None and v is not None and pos.node_text(k).strip().strip('"') == key:
                    out.append(Attribute(key, pos.node_span(k), pos.node_span(elem), v, pos))
    return out


_LOOKUP_REF = re.compile(r"^\s*data\.aws_iam_policy\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.(?:arn|id)\s*$")


#: ``local.name`` or ``local.name[count.index]``: a local of the file, whole or one element of it.
_LOCAL_ITEM = re.compile(r"^\s*local\.([A-Za-z_][A-Za-z0-9_-]*)(\[\s*count\.index\s*\])?\s*$")


#: ``var.name`` or ``var.name[count.index]``.
_VAR_ITEM = re.compile(r"^\s*var\.([A-Za-z_][A-Za-z0-9_-]*)(\[\s*count\.index\s*\])?\s*$")


def _local_value(ctx: _Ctx, v):
    """What a managed policy value that is a local of the file holds (``local.arns``, and with
    ``count``, ``local.arns[count.index]``: every element), or a variable a module call gives;
    else ``v``."""
    if not isinstance(v, Unresolved):
        return v
    if ctx.bound:
        m = _VAR_ITEM.match(v.text)
        if m is not None and m.group(1) in ctx.bound:
            from ._tf_values import _relocated

            ctx.bound_hits += 1
            return _relocated(ctx.bound[m.group(1)], v.span, 0)
    from ._tf_values import _with_locals

    m = _LOCAL_ITEM.match(v.text)
    locs = ctx.file_locals() if "local." in v.text else None
    a = locs.get(m.group(1)) if locs and m is not None else None
    if a is None:
        # local.m.name, local.m["name"], values(local.m): that element, those values
        return _with_locals(v, locs, 0) if locs else v
    return _with_locals(a.value, locs, 1)


def _managed_refs(ctx: _Ctx, attr, address: str, path: tuple, blk=None) -> None:
    hits, before = ctx.bound_hits, len(ctx.src.managed_refs)
    _managed_refs_of(ctx, attr, address, path, blk)
    if ctx.bound is not None and ctx.bound_hits == hits:
        del ctx.src.managed_refs[before:]  # read for a module call that does not give them: the module's own


def _managed_refs_of(ctx: _Ctx, attr, address: str, path: tuple, blk=None) -> None:
    v = _local_value(ctx, attr.value)
    if isinstance(v, dict):  # { name = arn }: the ARNs, each at its key
        keys, items = list(v.keys()), list(v.values())
    else:
        keys, items = None, list(v) if isinstance(v, list) else [v]
    for i, item in enumerate(items):
        p = path + ((str(keys[i]),) if keys is not None else (i,) if isinstance(v, list) else ())
        each = _for_each_items(ctx, blk, item) if blk is not None else None
        if each is not None:
            # policy_arn = each.value over a literal for_each: each ARN where the for_each writes it
            for j, arn in enumerate(each):
                if isinstance(arn, LStr) and ":iam::aws:policy/" in arn:
                    ctx.src.managed_refs.append(ManagedPolicyRef.of(Val(str(arn), arn.span, (address, "for_each", j)),
                                                                    ctx.origin(address, path)))
            continue
        if isinstance(item, Unresolved):
            m = _LOOKUP_REF.match(item.text)
            found = _lookup(ctx, m.group(1)) if m else None
            if found is not None:  # data "aws_iam_policy" by ARN or name: reported where it is attached
                ctx.src.managed_refs.append(ManagedPolicyRef.of(Val(found, item.span, p), ctx.origin(address, path)))
            continue
        if isinstance(item, LStr) and ":iam::aws:policy/" in item:
            ctx.src.managed_refs.append(ManagedPolicyRef.of(Val(str(item), item.span, p), ctx.origin(address, path)))


def _for_each_items(ctx: _Ctx, blk, item) -> "list | None":
    """The values ``each.value`` (or ``each.key``) takes in a block whose ``for_each`` is written
    out (``toset([...])``, a list, a map) or is a local of the file that holds one, else None."""
    if not isinstance(item, Unresolved) or item.text.strip() not in ("each.value", "each.key"):
        return None
    fe = blk.get("for_each")
    v = _local_value(ctx, fe.value) if fe is not None else None
    if isinstance(v, dict):
        return list(v.values()) if item.text.strip() == "each.value" else [k for k in v if isinstance(k, LStr)]
    if isinstance(v, list):
        return list(v)
    return None


def _lookup(ctx: _Ctx, name: str):
    """The ARN a ``data.aws_iam_policy.<name>`` reference stands for (this file, else its module)."""
    found = _policy_lookups(ctx.doc.blocks).get(name) if ctx.doc is not None else None
    if found is None and ctx.doc is not None:
        found = ctx.dir_index().lookups.get(name)
    return found


# ---------------------------------------------------------------------------
# A project's own modules: a module block whose source is a directory of the tree


#: Arguments of a module block that are Terraform's, not the module's variables.
_MODULE_META = frozenset(("source", "version", "count", "for_each", "providers", "depends_on"))
#: A module directory with more .tf files than this is not read for its calls.
_MAX_MODULE_FILES = 64


def _instance(ctx: _Ctx, blk, addr: str, named: "set | frozenset" = frozenset()) -> None:
    """A ``module`` block whose ``source`` is a directory of the tree (``./modules/role``): the
    module's documents read with the values the call gives its variables (written out, or locals
    of this file holding them) and the defaults of those it does not give. The documents those
    values reach are checked where the module writes them, named ``module.<name>.<address>``; the
    module's other documents complete its principals only (``context``), since they are checked
    in the module itself. The module's own module calls are not followed. ``named``: the AWS managed
    policies the call's arguments name, reported at the call (not again where the module attaches them)."""
    from ..model import Holder
    from ._tf_index import _read_sibling, _roots
    from ._tf_values import _with_locals

    a = blk.get("source")
    source = a.value if a is not None else None
    if not isinstance(source, LStr) or "${" in source or not source.startswith(("./", "../")):
        return
    here = os.path.dirname(os.path.realpath(ctx.src.abspath))
    target = os.path.normpath(os.path.join(here, str(source)))
    roots = _roots(ctx)
    if not safety.inside(target, roots) or not os.path.isdir(target):
        return
    real = os.path.realpath(target)
    if real == here or not safety.inside(real, roots):
        return
    try:
        names = sorted(n for n in os.listdir(real) if n.endswith(".tf"))
    except OSError:
        return
    if not names or len(names) > _MAX_MODULE_FILES:
        return
    parsed = []
    for n in names:
        text = _read_sibling(ctx, os.path.join(real, n))
        if text is not None:
            parsed.append((n, text, _parse_cached(os.path.join(real, n), text)))
    defaults: dict = {}
    declared: set = set()
    for _n, _t, doc in parsed:
        for b in doc.blocks:
            if b.type == "variable" and b.labels:
                declared.add(str(b.labels[0]))
                d = b.get("default")
                if d is not None and _bindable(d.value, 0):
                    defaults[str(b.labels[0])] = d.value
    locs = _call_locals(ctx)
    bound: dict = {}
    given = False
    for name, arg in blk.attributes.items():
        if name in _MODULE_META or name not in declared:
            continue
        v = arg.value
        if isinstance(v, Unresolved) and locs:
            v = _with_locals(v, locs, 0)
        if _bindable(v, 0):
            bound[name] = _input(v, name)
            given = True
        defaults.pop(name, None)  # given, even if not known here: the default does not apply
    if not given:
        return  # the defaults alone: what every call without arguments gets, checked for those
    bound.update(defaults)
    documents = ctx.src.documents
    first = len(documents)
    line = blk.span[0]
    rel_dir = os.path.relpath(real, here).replace(os.sep, "/")
    prefix = addr + "."
    module_dir = posixpath.dirname(ctx.src.path) or "."
    for n, text, doc in parsed:
        display = posixpath.normpath(posixpath.join(posixpath.dirname(ctx.src.path), rel_dir, n))
        reader = type(ctx.src)(path=display, abspath=os.path.join(real, n), text=text, kind="terraform",
                               format=ctx.src.format, syntax=ctx.src.syntax, documents=documents,
                               roots=roots, max_size=ctx.src.max_size)
        extract(reader, doc, bound)
        refs = [r for r in reader.managed_refs if str(r.value.value) not in named]
        for ref in refs:
            ref.origin = _relabel(ref.origin, prefix)
            ref.context = ref.context or f"given by {addr} ({ctx.src.path}:{line})"
        ctx.src.managed_refs.extend(refs)
        if any(not d.context for d in documents[first:]) or refs:
            ctx.src.instances.append(reader)
            ctx.src.referenced_texts.append(text)
    made = documents[first:]
    if not any(not d.context for d in made):
        del documents[first:]
        return
    call = (ctx.src.path, getattr(blk.labels[0], "span", None) or blk.type_span, addr)  # module "trainer"
    for d in made:
        d.instance = call
        d.origin = _relabel(d.origin, prefix)
        d.principals = [Holder(f"{module_dir}::{prefix}{h.name}", prefix + h.name, h.kind, h.iam_name, d.origin.file,
                               h.span) for h in d.principals]


def _call_locals(ctx: _Ctx) -> dict:
    """The locals a module call's arguments may name: those of the calling file, and of the other
    ``.tf`` files of its directory (read once per file; a name two files define is neither). A
    value given to a module is reported where the module uses it, so where the local is written
    does not matter here."""
    own = ctx.file_locals()
    if ctx.doc is None:
        return own
    from ._tf_index import _read_sibling

    here = os.path.dirname(os.path.abspath(ctx.src.abspath))
    out: dict = {}
    twice: set = set()
    try:
        names = sorted(n for n in os.listdir(here) if n.endswith(".tf"))
    except OSError:
        return own
    if len(names) > _MAX_MODULE_FILES:
        return own
    for n in names:
        p = os.path.join(here, n)
        if p == os.path.abspath(ctx.src.abspath):
            continue
        text = _read_sibling(ctx, p)
        if text is None or "locals" not in text:
            continue
        for blk in _parse_cached(p, text).blocks:
            if blk.type == "locals":
                for name, a in blk.attributes.items():
                    if name in out:
                        twice.add(name)
                    out[name] = a
    for name in twice:
        del out[name]
    out.update(own)
    return out


def _relabel(origin, prefix: str):
    from ..model import Origin

    return Origin(origin.file, origin.kind, prefix + origin.label, origin.path)


def _bindable(v: Any, depth: int) -> bool:
    """Whether a module argument is known here: text without interpolation, and lists and objects of
    such values (an element not known here stays unknown in the module)."""
    if isinstance(v, LStr):
        return "${" not in v
    if depth > 6:
        return False
    if isinstance(v, LList):
        return any(_bindable(x, depth + 1) or isinstance(x, (LDict, LList, Unresolved)) for x in v) \
            and all(not isinstance(x, Unresolved) or x.kind != "spread" for x in v)
    if isinstance(v, LDict):
        return len(v) > 0
    return False


def _input(v: Any, name: str) -> Any:
    """A module argument as the module sees it: what the calling file does not know stays unknown,
    named after the variable (not an expression of the caller, which means another thing there)."""
    from ..located import map_unresolved
    from ._tf_values import _typed_arn

    def unknown(u: Unresolved) -> Any:
        typed = _typed_arn(u)
        service = typed.service if isinstance(typed, Unresolved) else None
        return Unresolved(f"(module input {name})", u.kind if u.kind != "spread" else "expression", u.span, service,
                          getattr(typed, "rtype", None))

    return map_unresolved(v, unknown)


# ---------------------------------------------------------------------------
# Terraform JSON (.tf.json) and plans: their syntax is read in _tf_json and _tf_plan
# (the plan reader is imported only when a plan is linted)


def extract_json(src, tree) -> None:
    from . import _tf_json

    src.kind = "terraform-json"
    if not isinstance(tree, dict):
        return
    index = LineIndex(src.text)
    doc = _tf_json.json_document(src.text, tree)
    ctx = _Ctx(src, index, doc, "terraform")
    blocks = doc.blocks
    for b in blocks:
        src.blocks.append(b.span)
    _extract_blocks(ctx, blocks)


def extract_plan(src, tree: Any) -> None:
    from ._tf_plan import extract_plan as read_plan

    read_plan(src, tree)


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
