"""Serverless Framework services: ``serverless.yml``, ``serverless.yaml``, ``serverless.json``.

Where policies are found (each an identity policy of the role the framework makes, at
the statement as written, with logical paths in the file's own shape):

* ``provider.iam.role.statements`` (v3 and later) and ``provider.iamRoleStatements``
  (v1, v2): the service role; ``provider.iam.role.managedPolicies`` and
  ``provider.iamManagedPolicies``: AWS managed policies attached to it (SM105);
* ``functions.<name>.iamRoleStatements``: a per-function role (the
  serverless-iam-roles-per-function plugin);
* ``resources.Resources`` (also a list of such fragments): CloudFormation, read as a
  template (:mod:`linter.sources.cloudformation`).

``${file(./iam.yml)}`` and ``${file(./iam.yml):statements}`` fragments (a whole value, or
one item of a list) are read from the referenced file, inside the service's directory,
and linted there, with that file's positions. ``${self:path}`` variables whose path leads to a
value of the same file (``custom.sagemaker.arn``, ``service``) are replaced by it, as the
framework does before it deploys (:class:`_SelfVariables`). Other variables (``${opt:...}``,
``${env:...}``, ``${ssm:...}``, ``${aws:...}``, ``${param:...}``, and ``${self:...}`` that lead
nowhere or through one of those) are unresolved values: inside a string they stay as
placeholders (an ARN with a ``${aws:accountId}`` account is scoped to an account), a whole
value is unknown, and they are never errors.
CloudFormation intrinsic functions in statements (``Fn::GetAtt``, ``!Ref``, ``!Sub``)
are read as in a template. The statements are an inline policy of the role the framework makes
(``attachment``), sized unless an ``Fn::If`` among them was read as both branches.

Principals (:func:`_principals`): the service role the framework makes
(``IamRoleLambdaExecution``) holds the provider's statements, the ``resources`` policies attached
to it, and its permissions boundary; a function with its own statements has its own role.
"""
from __future__ import annotations

import os
import posixpath
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from .._regex import Lazy
from ..located import LDict, LList, LScalar, LStr, ParseError, Span, Unresolved, span_of
from ..model import ManagedPolicyRef, Origin, Val, build_document

KIND = "serverless"
_MAX_FRAGMENT = 1024 * 1024
_MAX_FRAGMENTS = 64  # ${file()} references followed per service file


def claims(name: str, tree: Any) -> bool:
    return True  # claimed by name only (serverless.yml, serverless.yaml, serverless.json)


def extract(src, tree: Any) -> None:
    from .cloudformation import extract_resources

    src.kind = KIND
    root = tree[0] if isinstance(tree, list) and not isinstance(tree, dict) and tree else tree
    if not isinstance(root, dict):
        return
    ctx = _Service(src, root)
    resolver = None
    templates = []  # (Resources mapping, its template's path, its documents)
    for node, file, path in ctx.fragments(root.get("resources"), ("resources",), allow_lists=True):
        if isinstance(node, dict) and isinstance(node.get("Resources"), dict) and file is None:
            node = ctx.variables.expand(node)
            first = len(src.documents)
            resolver = extract_resources(src, node, path)
            templates.append((node["Resources"], path, src.documents[first:]))
    ctx.resolver = resolver
    provider = root.get("provider")
    first = len(src.documents)
    if isinstance(provider, dict):
        iam = provider.get("iam")
        role = iam.get("role") if isinstance(iam, dict) else None
        if isinstance(role, dict):
            ctx.statements(role.get("statements"), ("provider", "iam", "role", "statements"), "provider.iam.role")
            ctx.managed(role.get("managedPolicies"), ("provider", "iam", "role", "managedPolicies"),
                        "provider.iam.role")
        ctx.statements(provider.get("iamRoleStatements"), ("provider", "iamRoleStatements"), "provider")
        ctx.managed(provider.get("iamManagedPolicies"), ("provider", "iamManagedPolicies"), "provider")
    service_docs = src.documents[first:]
    functions = root.get("functions")
    own_roles = []  # (function name, its documents, whether it inherits the service role's statements)
    if isinstance(functions, dict):
        for name, fn in functions.items():
            if isinstance(fn, dict):
                base = ("functions", str(name))
                first = len(src.documents)
                ctx.statements(fn.get("iamRoleStatements"), base + ("iamRoleStatements",), f"functions.{name}")
                if len(src.documents) > first:
                    own_roles.append((str(name), src.documents[first:], _inherits(root, fn)))
    try:
        _principals(src, provider, service_docs, own_roles, templates)
    except Exception as e:  # the documents stay linted one by one
        src.error("LP000", f"reading which principals hold the policies failed: {type(e).__name__}: {e}",
                  Span(1, 1, 1, 1), ("principals",))


# ---------------------------------------------------------------------------
# Principals: the service's role, per-function roles, and the CloudFormation resources attached to them

#: The logical ID the framework gives the role it creates for the service's functions.
SERVICE_ROLE = "IamRoleLambdaExecution"


def _inherits(root: dict, fn: dict) -> bool:
    """Whether a function's own role (serverless-iam-roles-per-function) also gets the service
    role's statements: ``iamRoleStatementsInherit``, else the plugin's ``defaultInherit``."""
    own = fn.get("iamRoleStatementsInherit")
    if own is not None:
        return getattr(own, "value", own) is True
    custom = root.get("custom")
    plugin = custom.get("serverless-iam-roles-per-function") if isinstance(custom, dict) else None
    default = plugin.get("defaultInherit") if isinstance(plugin, dict) else None
    return getattr(default, "value", default) is True


def _principals(src, provider: Any, service_docs: list, own_roles: list, templates: list) -> None:
    """Set ``principals`` of the service's documents. ``provider.iam.role.statements`` and
    ``provider.iamRoleStatements`` are the one role the framework makes for the service
    (``IamRoleLambdaExecution``); ``resources`` policies whose ``Roles`` name it, and the
    in-template managed policies ``managedPolicies`` / ``iamManagedPolicies`` reference, are its
    too (``permissionsBoundary`` / ``rolePermissionsBoundary``: its boundary). A function with
    ``iamRoleStatements`` has a role of its own, with the service's statements when it inherits
    them. CloudFormation roles of ``resources`` hold their policies as in a template."""
    from ..model import Holder
    from .cloudformation import ref_target

    provider = provider if isinstance(provider, dict) else {}
    iam = provider.get("iam")
    role = iam.get("role") if isinstance(iam, dict) else None
    role = role if isinstance(role, dict) else {}
    name = role.get("name")
    service = Holder(f"{src.path}::{SERVICE_ROLE}", SERVICE_ROLE, "role",
                     str(name) if isinstance(name, str) and "${" not in name else None, src.path,
                     span_of(provider, Span(1, 1, 1, 1)))
    attached: dict = {}  # logical ID of a resources policy -> "identity" or "boundary"
    for key, how in (("managedPolicies", "identity"), ("permissionsBoundary", "boundary")):
        for node in (role.get(key), provider.get({"managedPolicies": "iamManagedPolicies",
                                                  "permissionsBoundary": "rolePermissionsBoundary"}[key])):
            for item in (node if isinstance(node, list) else [node]):
                lid = ref_target(item)
                if lid is not None:
                    attached[lid] = how
    for resources, path, docs in templates:
        for lid, res in resources.items():
            props = res.get("Properties") if isinstance(res, dict) else None
            roles = props.get("Roles") if isinstance(props, dict) else None
            if any(ref_target(r) == SERVICE_ROLE for r in (roles if isinstance(roles, list) else [roles])):
                attached.setdefault(str(lid), "identity")
        n = len(path)
        for doc in docs:
            p = doc.origin.path
            how = attached.get(str(p[n + 1])) if len(p) > n + 1 and p[n] == "Resources" else None
            if how is None or doc.role not in ("identity", "boundary"):
                continue
            if how == "boundary":
                if doc.principals and doc.role == "identity":
                    continue  # also another role's policy: it stays that role's, not read as a boundary
                doc.role = "boundary"
            if service not in doc.principals:
                doc.principals = doc.principals + [service]
    for doc in service_docs:
        doc.principals = [service]
    for fname, docs, inherit in own_roles:
        own = Holder(f"{src.path}::functions.{fname}", f"functions.{fname}", "role", None, src.path,
                     span_of(docs[0].raw, Span(1, 1, 1, 1)))
        for doc in docs:
            doc.principals = [own]
        if inherit:
            for doc in service_docs:
                doc.principals = doc.principals + [own]


class _Service:
    """What the extractors of one service file share."""

    def __init__(self, src, root: Any) -> None:
        self.src = src
        self.here = os.path.dirname(os.path.abspath(src.abspath))
        self.resolver = None
        self.followed = 0
        self.variables = _SelfVariables(root)

    # -- ${file(...)} -------------------------------------------------------

    def fragments(self, node: Any, path: tuple, allow_lists: bool = False):
        """(value, file or None, logical path) of a value that may be a ``${file(...)}``
        reference, or (with ``allow_lists``) a list of values and references."""
        if isinstance(node, list) and allow_lists:
            for i, item in enumerate(node):
                yield from self.fragments(item, path + (i,))
            return
        ref = _file_ref(node)
        if ref is None:
            yield node, None, path
            return
        got = self.read_fragment(*ref)
        if got is not None:
            value, display = got
            yield value, display, path

    def read_fragment(self, rel: str, key: str):
        """The value at ``key`` (dot-separated) of the YAML or JSON file ``rel`` (relative to
        the service file), with that file's positions, and its display path; None when it
        cannot be read (outside the service's directory, missing, too big, broken)."""
        if self.followed >= _MAX_FRAGMENTS:
            return None
        from .. import safety

        target = os.path.normpath(os.path.join(self.here, rel))
        if os.path.isabs(rel) or not (target + os.sep).startswith(self.here + os.sep) \
                or not safety.inside(os.path.realpath(target), (os.path.realpath(self.here),)):
            return None  # only files inside the service's directory are read, never through a link out
        self.followed += 1
        from .base import read_file

        text, _err = read_file(target, _MAX_FRAGMENT)
        if text is None:
            return None
        try:
            if target.lower().endswith(".json"):
                from ..parsers.json_loc import parse_json

                value = parse_json(text)
            else:
                from ..parsers.yaml_loc import parse_yaml

                value = parse_yaml(text)
        except (ParseError, RecursionError):
            return None
        for part in [p for p in key.split(".") if p] if key else ():
            value = value.get(part) if isinstance(value, dict) else None
        display = posixpath.normpath(posixpath.join(posixpath.dirname(self.src.path),
                                                    os.path.relpath(target, self.here).replace(os.sep, "/")))
        return value, display

    # -- policies -----------------------------------------------------------

    def statements(self, node: Any, path: tuple, label: str) -> None:
        """A list of statements (or a ``${file()}`` reference to one, or lists whose items are)."""
        if node is None:
            return
        for value, file, p in self.fragments(node, path):
            if isinstance(value, list):
                items = []
                for item, ifile, ip in self.fragments(value, p, allow_lists=True):
                    if ifile is not None:  # an item read from another file: its own document
                        self.document(item, label, ip, ifile)
                    else:
                        items.append(item)
                if items:
                    self.document(LList(items, span=span_of(value)), label, p, file)
            elif isinstance(value, dict):
                self.document(value, label, p, file)

    def document(self, statements: Any, label: str, path: tuple, file: Optional[str]) -> None:
        """One document of ``statements`` (a list of statements, or one) at ``path``."""
        if not isinstance(statements, (list, dict)):
            return
        branches = self.resolver.branches if self.resolver is not None else 0
        stmts = _unresolve(self.resolve(self.variables.expand(statements)))
        tree = LDict(span=span_of(statements))
        # the framework writes the role policy with this Version (policy variables work in it)
        tree["Version"] = LStr("2012-10-17", span_of(statements))
        tree["Statement"] = stmts
        tree.key_spans["Statement"] = span_of(statements)
        origin = Origin(file or self.src.path, KIND, label, path)
        doc = build_document(tree, origin, role="identity", statements_path=path)
        # the framework puts the statements in an inline policy of the role it makes; an Fn::If
        # resolved to both branches leaves the size unknown
        doc.attachment = "inline"
        doc.sized = self.resolver.branches == branches
        self.src.documents.append(doc)
        if file is None:
            for st in doc.statements:
                self.src.blocks.append(st.span)

    def resolve(self, node: Any) -> Any:
        """CloudFormation intrinsic functions in statements, read as in a template."""
        from .cloudformation import Resolver

        if self.resolver is None:
            self.resolver = Resolver()
        out = self.resolver.resolve(node)
        return out if isinstance(out, (dict, list, str, Unresolved)) else node

    def managed(self, node: Any, path: tuple, label: str) -> None:
        if not isinstance(node, list):
            return
        for i, item in enumerate(node):
            value = self.resolve(self.variables.expand(item))
            if isinstance(value, LStr):
                ref = ManagedPolicyRef.of(Val(str(value), value.span, path + (i,)),
                                          Origin(self.src.path, KIND, label, path))
                self.src.managed_refs.append(ref)


_SERVICE_FILES = ("serverless.yml", "serverless.yaml", "serverless.json")
_ADOPT_DEPTH = 3  # the fragment's directory and two above


def adopt(src) -> bool:
    """Lint a YAML or JSON file that no format claims the way the Serverless service that
    reads it with ``${file(...)}`` does (a service file in its directory or up to two above
    that names it): its statements, with the service's labels and paths. False otherwise."""
    from .base import read_by_another_file, read_file

    from .. import safety

    roots = src.roots if src.roots is not None else safety.read_roots([src.abspath])

    def readers(directory):
        for name in _SERVICE_FILES:
            path = os.path.join(directory, name)
            if os.path.isfile(path) and safety.inside(os.path.realpath(path), roots):
                text, _err = read_file(path, _MAX_FRAGMENT)
                if text is not None and "${file(" in text:
                    yield path, text

    def read(reader) -> None:
        if reader.abspath.endswith(".json"):
            from ..parsers.json_loc import parse_json

            extract(reader, parse_json(reader.text))
        else:
            from ..parsers.yaml_loc import parse_yaml

            extract(reader, parse_yaml(reader.text))

    return read_by_another_file(src, readers, read, _ADOPT_DEPTH)


def _file_ref(node: Any):
    """``(path, key)`` of a string that is exactly ``${file(path)}`` or ``${file(path):key}``."""
    if not isinstance(node, str):
        return None
    text = str(node).strip()
    if not (text.startswith("${file(") and text.endswith("}")):
        return None
    inner = text[len("${file("):-1]
    close = inner.find(")")
    if close == -1 or "${" in inner[:close]:
        return None
    rel = inner[:close].strip().strip("'\"")
    rest = inner[close + 1:]
    key = rest[1:].strip() if rest.startswith(":") else ""
    if not rel or (rest and not rest.startswith(":")):
        return None
    return rel, key


def _whole_variable(text: str) -> bool:
    """Whether ``text`` is one ``${...}`` variable from start to end (variables nest)."""
    if not (text.startswith("${") and text.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(text):
        if ch == "{" and i > 0 and text[i - 1] == "$":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and i != len(text) - 1:
                return False
    return depth == 0


def _unresolve(node: Any) -> Any:
    """Whole-value variables (``${ssm:/path}``) become unresolved values; the rest stays."""
    if isinstance(node, str):
        if _whole_variable(str(node)):
            return Unresolved(str(node), "reference", span_of(node, Span(1, 1, 1, 1)))
        return node
    if isinstance(node, list):
        for i, v in enumerate(node):
            node[i] = _unresolve(v)
        return node
    if isinstance(node, dict):
        for k in list(node):
            node[k] = _unresolve(node[k])
        return node
    return node


class _SelfVariables:
    """``${self:path}`` variables, resolved from the service file itself, as the framework resolves
    them before it deploys: ``Resource: ${self:custom.sagemaker.arn}`` is the ARN written under
    ``custom``, and ``arn:aws:sagemaker:${self:custom.region}:*:*`` holds the Region written there.

    A variable is replaced when its path leads to a value of the file (a string or number inside a
    string; any value, a list or mapping too, as a whole value) or, when it does not, when its
    fallback is a quoted literal (``${self:custom.stage, 'dev'}``). Any other source
    (``${opt:stage}``, ``${env:X}``, ``${ssm:...}``) is known only when the service is deployed, so
    a variable that meets one stays as written (a placeholder). The replacement of a whole value
    keeps the position of the variable (what the statement says is reported where it says it);
    a list or mapping keeps its own positions. Bounded: variables nest at most
    :data:`_MAX_PASSES` deep and a string grows to at most :data:`_MAX_TEXT` characters (a file
    whose variables repeat each other exponentially stays as written)."""

    _MAX_PASSES = 10
    _MAX_TEXT = 4096
    _MAX_DEPTH = 32

    def __init__(self, root: Any) -> None:
        self.root = root if isinstance(root, dict) else None

    def expand(self, node: Any, depth: int = 0) -> Any:
        """``node`` with its ``${self:...}`` variables replaced: the same object when it has none."""
        if self.root is None or depth > self._MAX_DEPTH:
            return node
        if isinstance(node, str):
            if "${self:" not in node and "#{" not in node:
                return node
            return self._string(node, depth)
        if isinstance(node, dict):
            out = None
            for k, v in node.items():
                new = self.expand(v, depth + 1)
                if new is not v:
                    if out is None:
                        out = LDict(node, span=getattr(node, "span", span_of(node)))
                        out.key_spans = dict(getattr(node, "key_spans", {}))
                        out.duplicates = list(getattr(node, "duplicates", []))
                    out[k] = new
            return node if out is None else out
        if isinstance(node, list):
            items = [self.expand(v, depth + 1) for v in node]
            if all(a is b for a, b in zip(items, node)):
                return node
            return LList(items, span=span_of(node))
        return node

    def _string(self, node: str, depth: int) -> Any:
        text = str(node)
        for _ in range(self._MAX_PASSES):
            whole = _INNERMOST.fullmatch(text)
            if whole is not None:
                value = self._source(whole.group(1))
                if value is not _UNKNOWN and not isinstance(value, str):
                    # a list, a mapping or a number stands for the whole value
                    return self.expand(value, depth + 1) if isinstance(value, (dict, list)) else value
            new = _INNERMOST.sub(self._replace, text)
            if new == text or len(new) > self._MAX_TEXT:
                break
            text = new
        if "#{" in text:
            # The pseudo-parameter plugins (serverless-pseudo-parameters,
            # serverless-cloudformation-sub-variables) turn #{AWS::Region} into Fn::Sub's
            # ${AWS::Region}: a placeholder, not text split on its colons.
            text = _PSEUDO.sub(r"${\1}", text)
        if text == str(node):
            return node
        return LStr(text, span_of(node))

    def _replace(self, m: Any) -> str:
        value = self._source(m.group(1))
        if isinstance(value, str) or (type(value) is int):
            return str(value)
        if isinstance(value, LScalar) and type(value.value) is int:
            return str(value.value)
        return m.group(0)

    def _source(self, inner: str) -> Any:
        """The value of a variable's sources (``self:custom.a, 'dev'``), or _UNKNOWN: the first that
        is known decides; one that only a deployment knows (``opt:stage``) leaves it unknown."""
        for part in inner.split(","):
            part = part.strip()
            if part.startswith("self:"):
                value = self._lookup(part[5:])
                if value is not _UNKNOWN:
                    return value
                continue
            if len(part) >= 2 and part[0] == part[-1] and part[0] in "'\"":
                return part[1:-1]
            return _UNKNOWN
        return _UNKNOWN

    def _lookup(self, path: str) -> Any:
        node: Any = self.root
        for key in path.strip().split("."):
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                return _UNKNOWN
        if node is None or (isinstance(node, LScalar) and node.value is None):
            return _UNKNOWN
        return node


_UNKNOWN = object()
# A variable without another inside it (the innermost), and a string that is one variable.
_INNERMOST = Lazy(r"\$\{([^${}]*)\}")
# A pseudo-parameter or resource reference of the Serverless plugins: #{AWS::Region}, #{MyRole.Arn}.
_PSEUDO = Lazy(r"#\{([A-Za-z][A-Za-z0-9:._-]*)\}")
