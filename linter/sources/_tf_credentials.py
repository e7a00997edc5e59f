"""Terraform credential facts for KEY404-KEY407.

``aws_iam_access_key`` resources and where their key is stored (``pgp_key``), the outputs
and resource arguments (:data:`CREDENTIAL_SINKS`) that reference a key's ``secret``
directly or through locals (across the ``.tf`` files of the module, and keys created in
child modules), ``variable`` blocks and their ``sensitive``, and the policies granted to
IAM users. These become ``src.credentials``; the rules never parse Terraform.
"""
from __future__ import annotations

import os
import posixpath
import re
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from ..located import ParseError, Span, Unresolved, span_of
from ._tf_common import POLICY_DOC, _CACHE_MAX, _DOC_REF, _blocks_named, _parse_cached, _ref_text
from ._tf_index import _Ctx, _read_sibling


# ---------------------------------------------------------------------------
# Credential facts: access keys, where their secrets go, variables, IAM users

ACCESS_KEY = "aws_iam_access_key"
#: A reference to the secret of an access key (``aws_iam_access_key.k.secret``, indexed or splat;
#: the SES SMTP password is derived from the secret).
_SECRET_REF = re.compile(r"\baws_iam_access_key\.([A-Za-z_][A-Za-z0-9_-]*)((?:\[[^\[\]\n]*\]|\.\*)*)"
                         r"\.(?:secret|ses_smtp_password_v4)\b")
_LOCAL_NAME = re.compile(r"\blocal\.([A-Za-z_][A-Za-z0-9_-]*)")
#: ``[for i in aws_iam_access_key.dev : i.secret]``, ``{for k, i in ... : k => i.secret}``: the loop
#: variable of the values (the second of two), and the key resource.
_FOR_KEYS = re.compile(r"\bfor\s+(?:[A-Za-z_][A-Za-z0-9_]*\s*,\s*)?([A-Za-z_][A-Za-z0-9_]*)\s+in\s+"
                       r"aws_iam_access_key\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[[^\[\]\n]*\])*\s*:")
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


def _type_text(attr) -> str:
    """A variable's ``type`` as written (``bool``, ``number``, ``string``), or ""."""
    if attr is None:
        return ""
    v = attr.value
    text = getattr(v, "text", None) if not isinstance(v, str) else str(v)
    return text.strip() if isinstance(text, str) else ""


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


_KEY_CACHE: dict = {}  # directory -> (run, [(file name, blocks)] of its .tf files with access keys or locals)


def _module_keys(ctx: _Ctx, blocks) -> tuple:
    """``(keys, carrying locals)`` of the module: this file's, and those of the other ``.tf``
    files of its directory that create an access key or define locals (a chain of locals may
    run through any file of the module), read once per directory in a run."""
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
            if text is None or (ACCESS_KEY not in text and "locals" not in text):
                continue  # neither a key nor a local that may pass its secret on
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
            hidden = _flag(blk, "sensitive")
            if hidden is False and _flag(blk, "ephemeral"):
                hidden = True  # Terraform keeps an ephemeral variable out of plans and state
            typ = blk.get("type")
            src.credential_facts().inputs.append(SecretInput(
                name, f"variable {name}", span_of(blk.labels[0], blk.type_span), (f"var.{name}",),
                hidden, "sensitive = true", _type_text(typ)))
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
    if "for" in text:
        for m in _FOR_KEYS.finditer(text):
            if m.group(2) in keys and re.search(r"\b" + re.escape(m.group(1)) + r"\.(?:secret|ses_smtp_password_v4)\b",
                                                text[m.end():]):
                start = text.index("aws_iam_access_key.", m.start())
                found.append((m.group(2), start, start + len("aws_iam_access_key.") + len(m.group(2))))
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
    grants = []
    for d in ctx.src.documents:
        if d.role != "identity":
            continue
        user = by_label.get(d.origin.label)
        if user is not None:
            grants.append(UserGrant(user, document=d))
            continue
        # a policy of this file that another file of the module attaches to a user: the module's
        # index links it (an aws_iam_user_policy_attachment in user.tf)
        grants.extend(UserGrant(h.name, document=d) for h in d.principals or () if h.kind == "user")
    for r in ctx.src.managed_refs:
        user = managed.get(r.origin.label)
        if user is not None:
            grants.append(UserGrant(user, managed=r))
    if grants:
        ctx.src.credential_facts().user_grants.extend(grants)


def _user_text(a: Any) -> str:
    """How the configuration names a user: ``aws_iam_user.x`` for a reference to one, else its name."""
    v = a.value if hasattr(a, "name_span") else a
    if isinstance(v, Unresolved):
        m = re.match(r"^\s*(aws_iam_user\.[A-Za-z0-9_-]+)", v.text)
        return m.group(1) if m else ""
    return str(v) if isinstance(v, str) else ""
