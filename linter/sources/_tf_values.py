"""Terraform: reading one policy-valued attribute into policy documents.

An attribute that holds a policy (inline, JSON text, ``file()``/``templatefile()`` of a
policy file in the tree, or ``data.aws_iam_policy_document.x.json``) becomes a
:class:`~linter.model.PolicyDocument` labelled with its Terraform address and linked to
the principals that hold it. Also here: the policy files read with ``file()`` and
``templatefile()`` (within the read roots, size-bounded, LP004 outside the tree) and the
``data "aws_iam_policy_document"`` data source turned into a policy tree (statements,
dynamic statements, principals, conditions, source and override documents).
"""
from __future__ import annotations

import os
import posixpath
import re
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from .. import kb
from ..located import LDict, LineIndex, LList, LStr, Span, Unresolved, copy_dict, map_unresolved, map_values, span_of
from ..model import build_document
from .base import role_by_content, typed_resources
from .. import safety
from .._regex import PLUS
from ._tf_classify import _classify, _classify_json_value, _classify_node, _template_json, _unwrap
from ._tf_common import POLICY_DOC, _CACHE_MAX, _IN_MEMORY, _MAX_TEMPLATE_FILE, _blocks_named, may_not_exist
from ._tf_index import _Ctx, _HOLDABLE, _doc_role, _doc_sids, _holders_of, _read_sibling, _roots, _skipped_sids


# ---------------------------------------------------------------------------
# One policy-valued attribute

#: Size facts of a document whose size counts against no quota we check (see ``size_facts``).
_UNSIZED = (False, None, False)


def _policy_value(ctx: _Ctx, attr, label: str, path: tuple, role: str, strict: bool,
                  doc_role: Optional[str] = None, facts: tuple = _UNSIZED) -> None:
    """``facts``: ``(sized, attachment, conditional)`` of the attribute (see ``size_facts``)."""
    kind, payload = _classify(ctx, attr)
    if kind == "tree":
        if strict or "Statement" in payload:
            _emit(ctx, payload, label, path, role, facts=facts)
    elif kind == "template":
        tree = _template_json(ctx, payload, label, strict)
        if tree is not None and (strict or "Statement" in tree):
            _emit(ctx, tree, label, path, role, facts=_unless_directives(payload, facts))
    elif kind == "file":
        _file_policy(ctx, payload, label, path, role, strict, facts)
    # "doc": linted at the data source; "local": linted where it is defined


def _unless_directives(tpl, facts: tuple) -> tuple:
    """A template with ``%{ }`` directives may repeat or drop text: its size is not known."""
    if facts[0] and any(sp[2] == "directive" for sp in tpl.specials):
        return (False,) + tuple(facts[1:])
    return facts


def _emit(ctx: _Ctx, tree: Any, label: str, path: tuple, role: Optional[str], file: Optional[str] = None,
          facts: tuple = _UNSIZED, since: Optional[int] = None) -> None:
    """Build the document of ``tree`` and add it to the file's; ``since``: ``ctx.bound_hits`` before
    the caller began putting in a module call's values (see ``_with_vars``), when it did."""
    hits = ctx.bound_hits if since is None else since
    if file is None:
        locs = ctx.file_locals()
        if locs:
            tree = _with_locals(tree, locs, 0)
        if ctx.bound:
            tree = _with_vars(tree, ctx)
        if ctx.has_for_expressions():
            tree = _expand_fors(tree, locs or {}, 0)
    tree = typed_resources(tree, _typed_arn)
    if role is None:
        role = role_by_content(tree)
    doc = build_document(tree, ctx.origin(label, path, file), role=role)
    doc.sized, doc.attachment, doc.conditional = facts
    # read for a module call: a document the call's values do not reach is checked in the module itself
    doc.context = ctx.bound is not None and ctx.bound_hits == hits
    if role in ("identity", "trust", "boundary") and ctx.doc is not None and _HOLDABLE.match(label):
        doc.principals = _holders_of(ctx, label)
    ctx.src.documents.append(doc)
    if file is None:
        for st in doc.statements:
            ctx.src.blocks.append(st.span)


#: A reference to the ARN of an AWS provider resource or data source (``aws_s3_bucket.data.arn``).
_ARN_REF = re.compile(r"(?:data\.)?aws_([a-z0-9_]+)\.[A-Za-z_][A-Za-z0-9_-]*(?:\[[^\]]{0,40}\])?\.arn")


def _typed_arn(v: Any) -> Any:
    """A Resource value that is the ARN of a resource of a known type (whole, or leading a template:
    ``"${aws_s3_bucket.data.arn}/*"``): unresolved, with the service it belongs to."""
    if isinstance(v, Unresolved):
        m = _ARN_REF.fullmatch(v.text) if v.service is None else None
        if m is None:
            return v
        typ = m.group(1)
        rtype = kb.sagemaker_type_named(typ[len("sagemaker_"):]) if typ.startswith("sagemaker_") else None
        return Unresolved(v.text, v.kind, v.span, _service_of(typ), rtype)
    if isinstance(v, str) and v.startswith("${"):
        end = v.find("}")
        m = _ARN_REF.fullmatch(v, 2, end) if end > 0 else None
        if m is not None and (end + 1 == len(v) or v[end + 1] in "/:"):
            return Unresolved(str(v), "template", span_of(v), _service_of(m.group(1)))
    return v


def _service_of(typ: str) -> str:
    """The service of an AWS provider type name (after ``aws_``): SageMaker's, or another's."""
    return "sagemaker" if typ.startswith("sagemaker_") else typ.split("_", 1)[0]


_LOCAL_NAME = re.compile(r"local\.([A-Za-z_][A-Za-z0-9_-]*)")
#: How many locals deep a value is followed (``local.a`` whose value is ``local.b``...).
_LOCAL_DEPTH = 8


#: ``local.name`` followed by attributes and literal keys (``local.m.admin``, ``local.m["admin"]``),
#: possibly inside ``values(...)``.
_LOCAL_PATH = re.compile(r'(values\(\s*)?local\.([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_-]*|\["[^"\\]{1,100}"\])*)(\s*\))?')
_PATH_STEP = re.compile(r'\.([A-Za-z_][A-Za-z0-9_-]*)|\["([^"\\]*)"\]')


def _with_locals(node: Any, locs: dict, depth: int) -> Any:
    """``node`` with every value that is a whole ``local.name`` of this file replaced by that
    local's value (positions: where the local's value is written), through lists and maps; an
    attribute or a literal key of a map local (``local.m.admin``, ``local.m["admin"]``) is that
    element, and ``values(local.m)`` the list of its values."""
    def local(u: Unresolved) -> Any:
        m = _LOCAL_PATH.fullmatch(u.text.strip()) if depth < _LOCAL_DEPTH else None
        if m is None or bool(m.group(1)) != bool(m.group(4)):
            return u
        a = locs.get(m.group(2))
        if a is None:
            return u
        v = _with_locals(a.value, locs, depth + 1)
        for step in _PATH_STEP.finditer(m.group(3)):
            key = step.group(1) or step.group(2)
            if not isinstance(v, LDict) or key not in v:
                return u
            v = v[key]
        if m.group(1):
            if not isinstance(v, LDict):
                return u
            return LList(list(v.values()), span=v.span)
        return v

    return map_unresolved(node, local)


_VAR_NAME = re.compile(r"var\.([A-Za-z_][A-Za-z0-9_-]*)")
#: ``jsonencode(var.name)``, a whole value of a heredoc or template (``"Action": ${jsonencode(var.actions)}``).
_ENCODED_VAR_REF = re.compile(r"jsonencode\(\s*var\.([A-Za-z_][A-Za-z0-9_-]*)\s*\)")
#: ``${var.name}`` inside a string (``"arn:aws:s3:::${var.bucket}/*"``).
_VAR_INTERPOLATION = re.compile(r"\$\{\s*var\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}")


def _with_vars(node: Any, ctx: _Ctx) -> Any:
    """``node`` with the module variables a ``module`` call gives (``ctx.bound``) put in: a whole
    ``var.name`` value becomes the call's value, and ``${var.name}`` inside a string the call's text.
    The values are located at the reference (the module's file is where the document is written
    and reported); ``ctx.bound_hits`` counts what was put in."""
    bound = ctx.bound

    def whole(u: Unresolved) -> Any:
        m = _VAR_NAME.fullmatch(u.text.strip()) or _ENCODED_VAR_REF.fullmatch(u.text.strip())
        v = bound.get(m.group(1)) if m is not None else None
        if v is None:
            return u
        ctx.bound_hits += 1
        return _relocated(v, u.span, 0)

    def inside(s: LStr) -> Any:
        if "${" not in s:
            return s
        def text(m):
            v = bound.get(m.group(1))
            return str(v) if isinstance(v, LStr) else m.group(0)
        out = _VAR_INTERPOLATION.sub(text, str(s))
        if out == str(s):
            return s
        ctx.bound_hits += 1
        return LStr(out, s.span)

    return map_values(node, lambda v: whole(v) if isinstance(v, Unresolved) else inside(v), (Unresolved, LStr))


def _relocated(v: Any, span: Span, depth: int) -> Any:
    """A copy of a located value with every position ``span`` (a value another file wrote, put where
    this file refers to it)."""
    if isinstance(v, LStr):
        return LStr(str(v), span)
    if depth > 20:
        return Unresolved("(nested too deeply)", "too-deep", span)
    if isinstance(v, LList):
        return LList([_relocated(x, span, depth + 1) for x in v], span=span)
    if isinstance(v, LDict):
        out = LDict({k: _relocated(x, span, depth + 1) for k, x in v.items()}, span=span)
        out.key_spans = {k: span for k in v}
        return out
    if isinstance(v, Unresolved):
        return Unresolved(v.text, v.kind, span, v.service, v.rtype)
    return v


def _expand_fors(node: Any, locs: dict, depth: int) -> Any:
    """``node`` with each ``[for ...]`` expression over a literal list or map (or a local of the
    file holding one) replaced by the list it makes; one written as an element of a list
    (``concat([...], [for ...])``) gives its elements to that list."""
    from ..parsers.hcl import ForExpr

    if depth > 60:
        return node
    if isinstance(node, ForExpr):
        coll = node.collection
        if isinstance(coll, Unresolved) and locs:
            coll = _with_locals(coll, locs, 0)
        out = node.expand(coll)
        return _expand_fors(out, locs, depth + 1) if out is not None else node
    if isinstance(node, LList):
        items = []
        changed = False
        for v in node:
            new = _expand_fors(v, locs, depth + 1)
            if new is not v:
                changed = True
                if isinstance(v, ForExpr) and isinstance(new, LList):
                    items.extend(new)
                    continue
            items.append(new)
        return LList(items, span=node.span) if changed else node
    if isinstance(node, LDict):
        new_items = {}
        changed = False
        for k, v in node.items():
            new = _expand_fors(v, locs, depth + 1)
            changed = changed or new is not v
            new_items[k] = new
        return copy_dict(node, new_items) if changed else node
    return node


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
# file() and templatefile()


def _file_policy(ctx: _Ctx, payload, label: str, path: tuple, role: str, strict: bool,
                 facts: tuple = _UNSIZED) -> None:
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
    since = ctx.bound_hits
    if tree is not None and call == "templatefile" and len(args) > 1:
        variables = hcl.evaluate(args[1], pos)
        if ctx.bound:
            variables = _with_vars(variables, ctx)  # { actions = var.actions }, given by a module call
        tree = _with_template_vars(tree, variables)
    if tree is not None and (strict or "Statement" in tree):
        _emit(ctx, tree, label, path, role, file=display, facts=_unless_directives(ftpl, facts), since=since)


#: A whole interpolation of one template variable (``${action}``), or its ``jsonencode``.
_TEMPLATE_VAR = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}")
_ENCODED_VAR = re.compile(r"(?:jsonencode\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)|([A-Za-z_][A-Za-z0-9_]*))")


def _with_template_vars(tree: Any, variables: Any) -> Any:
    """A ``templatefile()`` document with the variables its call gives as literals filled in, at
    the template's positions (``"Action": "${action}"`` with ``action = "sagemaker:*"``; ``"Resource":
    ${jsonencode(resources)}`` with ``resources = ["*"]``). A variable the call gives as a reference
    stays a placeholder."""
    if not isinstance(variables, LDict):
        return tree
    known = {str(k): v for k, v in variables.items() if _literal(v)}
    if not known:
        return tree

    def located(v: Any, span: Span) -> Any:
        if isinstance(v, LStr):
            return LStr(str(v), span)
        if isinstance(v, list):
            return LList([located(x, span) for x in v], span=span)
        return v

    def fill(v: Any) -> Any:
        if isinstance(v, Unresolved):  # ${jsonencode(resources)}: a whole value
            m = _ENCODED_VAR.fullmatch(v.text.strip())
            name = m and (m.group(1) or m.group(2))
            return located(known[name], v.span) if name in known else v
        if "${" not in v:  # "arn:aws:s3:::${bucket}/*": inside a string
            return v
        out = _TEMPLATE_VAR.sub(lambda m: str(known[m.group(1)]) if isinstance(known.get(m.group(1)), LStr)
                                else m.group(0), str(v))
        return LStr(out, v.span) if out != str(v) else v

    return map_values(tree, fill, (Unresolved, LStr))


def _literal(v: Any, depth: int = 0) -> bool:
    if isinstance(v, LStr):
        return "${" not in v
    if isinstance(v, list) and depth < 3:
        return all(_literal(x, depth + 1) for x in v)
    return False


def _outside(ctx: _Ctx, call: str, ref: str, span: Span, label: str, path: tuple) -> None:
    """LP004: a file()/templatefile() outside the tree, named but not read."""
    from ..registry import lp_finding

    ctx.src.findings.append(lp_finding(
        "LP004", f'{call}("{ref}") names a file outside the tree being linted; it was not read, so the policy '
                 f"in it is not checked (--allow-root DIR lets the linter read files under DIR)",
        span, file=ctx.src.path, path=path + (call,), label=label, value=f"{call}:{ref}"))


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


#: Statement arguments of aws_iam_policy_document that are lists.
_LIST_ATTRS = frozenset(("actions", "not_actions", "resources", "not_resources"))


def _statement_tree(b) -> LDict:
    st = LDict(span=b.span)
    for name, key in _ST_ATTRS:
        a = b.get(name)
        if a is not None:
            v = a.value
            if isinstance(v, list) and not v and name in _LIST_ATTRS:
                continue  # the provider leaves an empty list out of the JSON it renders
            st[key] = v
            st.key_spans[key] = a.name_span
    for key, other in (("Action", "NotAction"), ("Resource", "NotResource")):
        if key in st and other in st:
            # `not_actions = lookup(statement.value, "not_actions", null)` beside `actions = ...`: the
            # caller sets one of them; a value that may be null may be absent
            if _may_be_null(st[other]):
                del st[other]
            elif _may_be_null(st[key]):
                del st[key]
    if "Effect" not in st:
        # the provider's default; located at the ``statement`` keyword (HCL) or object (JSON)
        at = b.type_span if b.node is not None else b.span
        st["Effect"] = LStr("Allow", at)
        st.key_spans["Effect"] = at
    for bname, key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        blocks = [x for x in b.blocks if x.type == bname]
        if not blocks:
            dyn = _dynamic_blocks(b, bname)
            if dyn:  # principals only a dynamic block makes, from values not known here
                st[key] = Unresolved(f"dynamic \"{bname}\"", "dynamic", dyn[0].span)
                st.key_spans[key] = dyn[0].type_span
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
    if isinstance(st.get("Principal"), Unresolved) and isinstance(st.get("NotPrincipal"), Unresolved):
        del st["NotPrincipal"]  # both only from dynamic blocks: the caller sets one of them
    conds = _blocks_named(b, "condition")
    dyn_conds = _dynamic_blocks(b, "condition")
    if dyn_conds:  # conditions a dynamic block makes: what they test is not known here
        st["Condition"] = Unresolved('dynamic "condition"', "dynamic", dyn_conds[0].span)
        st.key_spans["Condition"] = dyn_conds[0].type_span
    elif conds:
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


def _may_be_null(v: Any) -> bool:
    """Whether a statement argument's value may be null, and the argument then absent
    (``lookup(statement.value, "not_actions", null)``, ``try(each.value.x, null)``)."""
    return isinstance(v, Unresolved) and "null" in v.text


def _dynamic_blocks(b, name: str) -> list:
    """The ``dynamic "<name>"`` blocks of a block."""
    return [x for x in b.blocks if x.type == "dynamic" and x.labels and x.labels[0] == name]


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


def _own_statements(blk, locs: Optional[dict] = None, ctx: Optional[_Ctx] = None) -> list:
    out = []
    for b in blk.blocks:
        if b.type == "statement":
            out.append(_statement_tree(b))
        elif b.type == "dynamic" and b.labels and b.labels[0] == "statement":
            out.extend(_dynamic_statements(b, locs, ctx))
    return out


#: Most statements a literal ``for_each`` is expanded to (a longer list is read once, unknown).
_MAX_DYNAMIC = 64


def _dynamic_statements(dyn, locs: Optional[dict] = None, ctx: Optional[_Ctx] = None) -> list:
    """The statements of a ``dynamic "statement"``: one per element when ``for_each`` is a literal
    list, set or map, or a local of the file (``locs``) or a variable a module call gives (``ctx.bound``)
    that holds one (``statement.value`` / ``.key`` in the content become the element), else the content
    once, its iterator's values unknown."""
    contents = [c for c in dyn.blocks if c.type == "content"]
    if not contents:
        return []
    fe = dyn.get("for_each")
    it = dyn.get("iterator")
    itv = it.value if it is not None else None  # iterator = s: a bare name
    name = str(itv) if isinstance(itv, str) else itv.text if isinstance(itv, Unresolved) else "statement"
    items = fe.value if fe is not None else None
    if isinstance(items, Unresolved) and locs:
        items = _with_locals(items, locs, 0)  # for_each = local.grants
    if isinstance(items, Unresolved) and ctx is not None and ctx.bound:
        items = _with_vars(items, ctx)  # for_each = var.statements, given by the module call
    if isinstance(items, LDict):
        pairs = [(LStr(str(k), items.key_spans.get(k, items.span)), v) for k, v in items.items()]
    elif isinstance(items, LList) and all(isinstance(v, (str, LDict)) for v in items):
        pairs = [(v if isinstance(v, str) else None, v) for v in items]
    else:
        pairs = []
    if not pairs or len(pairs) > _MAX_DYNAMIC:
        return [_statement_tree(c) for c in contents]
    return [_with_iterator(_statement_tree(c), name, key, value) for key, value in pairs for c in contents]


def _with_iterator(node: Any, name: str, key: Any, value: Any) -> Any:
    """``node`` with ``<name>.value`` (and ``.key``, ``.value.<attr>`` of a map element) replaced."""
    def element(u: Unresolved) -> Any:
        t = u.text
        if t == f"{name}.value":
            return value
        if t == f"{name}.key" and key is not None:
            return key
        if isinstance(value, LDict) and t.startswith(f"{name}.value.") and t[len(name) + 7:] in value:
            return value[t[len(name) + 7:]]
        return u

    return map_unresolved(node, element)


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
    since = ctx.bound_hits
    root = LDict(span=blk.span)
    for aname, key in (("version", "Version"), ("policy_id", "Id")):
        a = blk.get(aname)
        if a is not None:
            root[key] = a.value
            root.key_spans[key] = a.name_span
    own = _own_statements(blk, ctx.file_locals(), ctx)
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
    if not merged and any(kind != "tree" for kind, _ in sources + overrides):
        # only other documents (reported where they are written, held by whoever holds this one;
        # an override that replaces every statement of its own by Sid included) or values not known
        # here: nothing of its own to check, and not an empty policy
        return
    stmts = LList(merged, span=blk.span)
    root["Statement"] = stmts
    root.key_spans["Statement"] = blk.type_span
    role = _doc_role(ctx, name, root, ctx.file_index() if local else None)
    _emit(ctx, root, address, (address,), role, facts=_document_facts(ctx, name, blk), since=since)


def _document_facts(ctx: _Ctx, name: str, blk) -> tuple:
    """Size facts of a policy document data source, from the attributes that use it across the
    module: sized when every use is a sized attribute (a use through a module, a local or an output
    may be anything), with their common attachment (managed and inline uses together: None, held to
    the largest identity quota); not sized with a ``dynamic`` block (its statements repeat any number
    of times, none included)."""
    uses = ctx.dir_index().sizing.get(name)
    if not uses or any(u is None for u in uses) or _has_dynamic(blk):
        return _UNSIZED
    attachments = {u[1] for u in uses}
    attachment = attachments.pop() if len(attachments) == 1 else None
    return (all(u[0] for u in uses), attachment, may_not_exist(blk) or any(u[2] for u in uses))


def _has_dynamic(blk, depth: int = 0) -> bool:
    if depth > 20:
        return True
    return any(b.type == "dynamic" or _has_dynamic(b, depth + 1) for b in blk.blocks)
