"""Terraform: the per-file context, the directory index and the principals.

:class:`_Ctx` is what the extractors of one file share. The directory index reads the
other ``.tf`` and ``.tf.json`` files of a module directory (within the tree being linted, cached per
process while their size and time stay the same) to learn how each policy document is
used across files: which documents are referenced, as trust or identity policies, which
``aws_iam_policy`` is a permissions boundary. The principal model on top of it says which
role, user or group holds each policy (attachments, inline policies, ``managed_policy_arns``),
so findings can name who gets the permissions.
"""
from __future__ import annotations

import os
import posixpath
import re
import stat
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from ..located import LineIndex, ParseError, Unresolved
from ..model import Holder, Origin
from .base import role_by_content
from .. import safety
from ._tf_common import (ATTACHMENT_ATTRS, POLICY_DOC, _ANY_DOC_REF, _CACHE_MAX, _DIR_CACHE, _DOC_CACHE, _DOC_REF,
                         _blocks_named, _boundaries, _parse_cached, _policy_attrs, _policy_lookups, _ref_text,
                         _strip_jsonencode, cache_doc, may_not_exist, size_facts)


# ---------------------------------------------------------------------------
# The context the extractors of one file share; reading the module's other files


#: ``[for`` where a tuple ``for`` expression starts.
_FOR_EXPR = re.compile(r"\[[ \t\r\n]*for[ \t]")


class _Ctx:
    """What the extractors of one file share."""

    __slots__ = ("src", "index", "doc", "_infos", "_info", "templates_done", "kind", "local_uses", "boundaries",
                 "_locals", "_fors", "bound", "bound_hits")

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
        self._locals: Optional[dict] = None
        self._fors: Optional[bool] = None
        #: The values of ``var.*`` when the file is read for a ``module`` call that gives them (name ->
        #: located value), else None; ``bound_hits`` counts the values put in (see ``_with_vars``).
        self.bound: Optional[dict] = None
        self.bound_hits = 0

    def has_for_expressions(self) -> bool:
        """Whether the file writes a ``[for ...]`` expression (looked for once)."""
        if self._fors is None:
            self._fors = _FOR_EXPR.search(self.src.text or "") is not None
        return self._fors

    def file_locals(self) -> dict:
        """The ``locals`` of this file: name -> attribute (a name set twice: neither); read once."""
        if self._locals is None:
            out: dict = {}
            if self.doc is not None and "local." in (self.src.text or ""):
                for blk in self.doc.blocks:
                    if blk.type == "locals":
                        for name, a in blk.attributes.items():
                            out[name] = None if name in out else a
            self._locals = {k: v for k, v in out.items() if v is not None}
        return self._locals

    def file_index(self) -> "_DirIndex":
        """Index of this file alone."""
        if self._info is None:
            self._info = _DirIndex([_file_info(self.doc, self.boundaries)] if self.doc is not None else [])
        return self._info

    def dir_index(self) -> "_DirIndex":
        """Index of the .tf and .tf.json files of this file's directory (this one included)."""
        if self._infos is None:
            self._infos = _dir_index(self, self.src.abspath, self.doc) if self.doc is not None else _DirIndex([])
        return self._infos

    def origin(self, label: str, path: tuple, file: Optional[str] = None) -> Origin:
        return Origin(file or self.src.path, self.kind, label, path)


def _roots(ctx: _Ctx) -> tuple:
    """The directories files may be read from for this file (see linter.safety)."""
    roots = ctx.src.roots
    if roots is None:
        roots = ctx.src.roots = safety.read_roots([ctx.src.abspath])
    return roots


def _read_sibling(ctx: _Ctx, path: str, errors: str = "strict") -> Optional[str]:
    """Text of another .tf or .tf.json file of the directory, or None: not a regular file, a link
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


# ---------------------------------------------------------------------------
# The directory index: how policy documents are used across the module's files


class _FileInfo:
    __slots__ = ("uses", "defs", "boundaries", "lookups", "holders", "links", "sizing")

    def __init__(self) -> None:
        #: address of a role, user or group -> (kind, IAM name written literally or None)
        self.holders: dict[str, tuple] = {}
        #: (address of a policy or policy document, what holds it: a principal's address, a policy's
        #: address, or "name:<kind>:<IAM name>")
        self.links: list[tuple[str, str]] = []
        self.lookups: dict[str, str] = {}  # data "aws_iam_policy" name -> ARN
        self.uses: list[tuple[str, str, str]] = []  # (document name, role, aws_iam_policy name or "")
        #: (document name, size facts of the attribute using it (see size_facts), or None: a use
        #: through a module, a local or an output)
        self.sizing: list[tuple[str, Any]] = []
        self.boundaries: set[str] = set()  # aws_iam_policy names used as permissions boundaries
        # name -> (consumed documents [(name, "source"|"override")], own sids)
        self.defs: dict[str, tuple[list, set]] = {}


def _file_info(doc, boundaries=frozenset()) -> _FileInfo:
    info = _FileInfo()
    info.boundaries = _boundaries(doc.blocks) | set(boundaries)
    info.lookups = _policy_lookups(doc.blocks)
    for blk in doc.blocks:
        if blk.type == "module" and blk.labels:
            _module_role(info, blk)
        if blk.type == "resource" and len(blk.labels) >= 2:
            _principal_links(info, blk)
            policy = str(blk.labels[1]) if blk.labels[0] == "aws_iam_policy" else ""
            first = len(info.sizing)
            for n, role, _s, attr in _policy_attrs(blk, info.boundaries):
                m = _DOC_REF.match(_ref_text(attr))
                if m:
                    info.uses.append((m.group(1), role, policy))
                    key = n if isinstance(n, str) else f"{n[0]}.{n[-1]}"
                    info.sizing.append((m.group(1), size_facts(str(blk.labels[0]), key, may_not_exist(blk))))
            # any other reference (inside an expression, another attribute): a use of unknown size
            direct: dict = {}
            for name, _f in info.sizing[first:]:
                direct[name] = direct.get(name, 0) + 1
            for name, count in _doc_mentions(blk).items():
                if count > direct.get(name, 0):
                    info.sizing.append((name, None))
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
            for aname, a in blk.attributes.items():
                # the registry's vpc-endpoints module: endpoints = { s3 = { policy = ... } } are
                # VPC endpoint policies
                role = "endpoint" if blk.type == "module" and aname == "endpoints" else ""
                for m in _ANY_DOC_REF.finditer(a.text):
                    info.uses.append((m.group(1), role, ""))
                    info.sizing.append((m.group(1), None))
    return info


def _doc_mentions(blk, depth: int = 0) -> dict:
    """How many times each policy document data source is named in a block's attributes."""
    out: dict = {}
    for a in blk.attributes.values():
        for m in _ANY_DOC_REF.finditer(a.text):
            out[m.group(1)] = out.get(m.group(1), 0) + 1
    if depth < 10:
        for b in blk.blocks:
            for k, v in _doc_mentions(b, depth + 1).items():
                out[k] = out.get(k, 0) + v
    return out


class _DirIndex:
    """What the .tf and .tf.json files of one directory say about its policy documents."""

    __slots__ = ("uses", "defs", "consumers", "boundaries", "lookups", "holders", "links", "sizing")

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
        self.sizing: dict[str, list] = {}  # document -> size facts of those attributes (None: unknown)
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
            for name, facts in info.sizing:
                self.sizing.setdefault(name, []).append(facts)
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
        names = sorted(n for n in os.listdir(here) if n.endswith(MODULE_FILES))
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
            sdoc = _parse_module_file(path, text)
        except ParseError:
            continue
        infos.append(_file_info(sdoc))
    index = _DirIndex(infos)
    if keep:
        if len(_DIR_CACHE) >= _CACHE_MAX:
            _DIR_CACHE.clear()
        _DIR_CACHE[here] = ((dstat.st_mtime_ns, tuple(indexed), run), index, texts)
    return index


#: The files of a module directory: Terraform reads ``.tf`` and ``.tf.json`` files together.
MODULE_FILES = (".tf", ".tf.json")


def _parse_module_file(path: str, text: str):
    """The blocks of another file of the module (HCL, or Terraform JSON), parsed once per process."""
    if not path.endswith(".tf.json"):
        return _parse_cached(path, text)
    from ._tf_json import parse_json_document

    hit = _DOC_CACHE.get(path)
    if hit is not None and hit[0] == text:
        return hit[1]
    doc = parse_json_document(text)
    cache_doc(path, text, doc)
    return doc


def _mentions(text: str) -> bool:
    """Whether a .tf or .tf.json file can add to the directory index (other files are not parsed for it)."""
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
_HOLDABLE = re.compile(r"^(?:aws_iam_[a-z_]+|data\.aws_iam_policy_document|module)\.[A-Za-z0-9_-]+$")
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


#: Inputs of a module call that give the role the module makes its policies (the registry's
#: lambda, step-functions, eks and iam modules name them so): the documents they name are that role's.
_MODULE_POLICY_INPUTS = frozenset(("policy_json", "policy_jsons", "role_policy", "inline_policy",
                                   "inline_policies", "policy_documents", "role_policy_json",
                                   "iam_role_policy", "additional_policy_json"))


def _module_role(info: _FileInfo, blk) -> None:
    """A module call whose inputs give its role policy documents (``policy_jsons =
    [data.aws_iam_policy_document.a.json, ...]`` of terraform-aws-modules/lambda): the module's role
    holds every one of them, and is named after the call (``module.fn``)."""
    address = f"module.{blk.labels[0]}"
    for name, a in blk.attributes.items():
        if name == "policy_statements":  # statements written in the call: the role's own
            info.holders.setdefault(address, ("role", None))
            continue
        if name not in _MODULE_POLICY_INPUTS:
            continue
        for m in _ANY_DOC_REF.finditer(a.text):
            info.holders.setdefault(address, ("role", None))
            info.links.append((f"{_DATA_DOC}{m.group(1)}", address))


_DATA_DOC = f"data.{POLICY_DOC}."


def _holders_of(ctx: _Ctx, address: str) -> list:
    """The principals (:class:`~linter.model.Holder`) holding the policy at ``address``, found
    through the module's files: the role itself, its ``aws_iam_role_policy``, an
    ``aws_iam_policy`` attached to it, the policy documents they use and the documents merged
    into those."""
    index = ctx.dir_index()
    if address in index.holders:
        found = [address]
    else:
        found, seen, todo = [], {address}, [address]
        while todo:
            nxt = []
            for a in todo:
                # a document merged into others (source_policy_documents, override_policy_documents)
                # is held by whoever holds them
                merged_into = [_DATA_DOC + c for c, _how in index.consumers.get(a[len(_DATA_DOC):], ())] \
                    if a.startswith(_DATA_DOC) else []
                for b in (*index.links.get(a, ()), *merged_into):
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
