"""CDK credential facts for KEY404-KEY407, read from the language-neutral tree of
:mod:`linter.sources.cdk` (Python and TypeScript/JavaScript alike).

* access keys: ``iam.AccessKey`` / ``iam.CfnAccessKey`` constructs;
* where their secrets go: ``key.secret_access_key`` / ``secretAccessKey`` (a ``SecretValue``,
  also through ``unsafe_unwrap()`` / ``to_string()``) and ``CfnAccessKey.attr_secret_access_key``
  written into a ``CfnOutput`` (``export_name``: an exported output) or ``Stack.export_value``, a
  SageMaker ``CfnModel`` container ``environment``, a notebook or Studio lifecycle
  configuration, a Lambda function's ``environment`` (``add_environment``), an ECS container's
  ``environment``, an SSM ``StringParameter`` / ``StringListParameter`` (an SSM ``CfnParameter``
  by its ``type``), a Secrets Manager ``Secret`` (a safe place); through names bound once in the
  file, ``Fn.join`` / ``Fn.sub`` / ``Fn.base64``..., f-strings, template literals and ``+``;
* template parameters: ``CfnParameter`` (core) and its ``no_echo``;
* policies attached directly to IAM users: ``iam.User`` (and ``User.from_user_name``...)
  ``add_to_policy`` / ``add_to_principal_policy``, ``attach_inline_policy``,
  ``add_managed_policy``, ``managed_policies``, ``Policy`` / ``ManagedPolicy`` ``users`` and
  ``attach_to_user``, ``CfnUser`` ``policies`` / ``managed_policy_arns``, ``CfnUserPolicy``,
  ``CfnPolicy`` / ``CfnManagedPolicy`` ``users``.

Nothing is run: a value that is not visible in the file (a parameter, an attribute of another
object, a function's result) is not followed.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from .cdk import (_IDENTITY_METHODS, _POLICY_KEYWORDS, N, Reader, _construct_name, _label, _target_name, call_args,
                  last_name, snake, text)

#: Construct class -> the attribute (snake case) that holds its secret.
_KEY_CLASSES = {"AccessKey": "secret_access_key", "CfnAccessKey": "attr_secret_access_key"}
#: Methods of a ``SecretValue`` (or a token) that return the same secret as a string.
_UNWRAP = frozenset(("unsafeunwrap", "tostring", "tojson"))
#: ``Owner.method(...)`` calls whose result holds their arguments' text.
_PASS_THROUGH = {"Fn": frozenset(("join", "sub", "base64", "select", "condition_if", "split", "to_json_string")),
                 "Token": frozenset(("as_string", "as_list", "as_any")),
                 "SecretValue": frozenset(("unsafe_plain_text", "plain_text", "cfn_dynamic_reference")),
                 "json": frozenset(("dumps",)), "JSON": frozenset(("stringify",))}
_PASS_THROUGH_FUNCTIONS = frozenset(("str", "String"))
_FUNCTION_ENV = ((("environment",), "function-env"),)
#: Construct class -> ((property path, kind of place), ...); ``*`` is every item of a list.
_SINKS: dict = {
    "CfnOutput": ((("value",), "output"),),
    "CfnModel": ((("primary_container", "environment"), "container-env"),
                 (("containers", "*", "environment"), "container-env")),
    "CfnNotebookInstanceLifecycleConfig": ((("on_create",), "lifecycle-config"), (("on_start",), "lifecycle-config")),
    "CfnStudioLifecycleConfig": ((("studio_lifecycle_config_content",), "lifecycle-config"),),
    "Function": _FUNCTION_ENV, "CfnFunction": _FUNCTION_ENV, "NodejsFunction": _FUNCTION_ENV,
    "PythonFunction": _FUNCTION_ENV, "DockerImageFunction": _FUNCTION_ENV, "SingletonFunction": _FUNCTION_ENV,
    "GoFunction": _FUNCTION_ENV,
    "ContainerDefinition": ((("environment",), "task-env"),),
    "CfnTaskDefinition": ((("container_definitions",), "task-env"),),
    "StringParameter": ((("string_value",), "ssm-string"),),
    "StringListParameter": ((("string_list_value",), "ssm-string"),),
    "Secret": ((("secret_string_value",), "secret-store"), (("secret_object_value",), "secret-store"),
               (("secret_string_beta1",), "secret-store")),
    "CfnSecret": ((("secret_string",), "secret-store"),),
}
_USERS = ("User", "CfnUser")
#: The properties of ``iam.User`` and ``iam.CfnUser`` (and the keyword arguments of the call).
_USER_PROPS = frozenset(("groups", "managed_policies", "password", "password_reset_required", "path",
                         "permissions_boundary", "user_name", "policies", "managed_policy_arns", "login_profile",
                         "tags", "scope", "id"))
#: Policy constructs that may name users (``users``), and the one that always does.
_POLICIES = ("Policy", "ManagedPolicy", "CfnPolicy", "CfnManagedPolicy", "CfnUserPolicy")
_USER_IMPORTS = ("from_user_name", "from_user_arn", "from_user_attributes")
#: Names of the calls that matter here: a file without any of them costs one pass over its calls.
_INTERESTING = frozenset(tuple(_KEY_CLASSES) + _USERS + _USER_IMPORTS + _POLICIES + ("CfnParameter",)
                         + ("create_access_key", "createAccessKey", "put_user_policy", "putUserPolicy"))


def _scope_first(call: N) -> bool:
    """Whether a call looks like a construct's: a scope first (``self``, ``this``, a variable),
    not a string (boto3's ``iam.AccessKey("user", "id")`` is an existing key, not a construct)."""
    args = call.b or []
    if args:
        return args[0].kind not in ("str", "tmpl", "num")
    return any(kw == "scope" for kw, _s, _v in call.c or ())


def extract(src, code, r: Reader) -> None:
    """Fill ``src.credentials`` from the calls of one CDK file (nothing when it has none of
    the constructs that matter)."""
    if not any(last_name(call.a) in _INTERESTING or snake(last_name(call.a)) in _INTERESTING
               for call, _stack in code.calls):
        return
    _Facts(src, code, r).run()


class _Facts:
    def __init__(self, src, code, r: Reader) -> None:
        self.src = src
        self.code = code
        self.r = r
        self.keys: dict = {}  # id(construct call) -> AccessKey
        self.stacks = {id(call): stack for call, stack in code.calls}
        self.visiting: set = set()
        self.memo: dict = {}  # name bound once -> the keys whose secret it carries

    def run(self) -> None:
        for call, stack in self.code.calls:
            name = last_name(call.a)
            if name in _KEY_CLASSES and _scope_first(call):
                self.access_key(call, stack, name)
            elif name == "CfnParameter":
                self.parameter(call, stack)
            elif name in ("create_access_key", "createAccessKey") and call.a.kind == "attr" and self.aws_sdk():
                self.sdk_access_key(call)
        if self.keys:
            for call, stack in self.code.calls:
                self.flows(call, stack)
        self.user_grants()

    def facts(self):
        return self.src.credential_facts()

    # -- keys ----------------------------------------------------------------
    def aws_sdk(self) -> bool:
        """Whether the file uses an AWS SDK (boto3, the AWS SDK for JavaScript): another library's
        ``create_access_key`` (an object store's, a cloud's) makes no IAM key."""
        text = self.src.text or ""
        return "boto3" in text or "aws-sdk" in text or "botocore" in text

    def sdk_access_key(self, call: N) -> None:
        """``iam.create_access_key(UserName=...)`` (boto3; ``createAccessKey({UserName})`` of the AWS
        SDK for JavaScript): a long-term key whose secret is in the call's response."""
        from ..model import AccessKey

        kws = {kw: v for kw, _, v in call.c or () if kw}
        node = kws.get("UserName")
        if node is None and call.b and call.b[0].kind == "dict":
            node = next((v for k, v in call.b[0].a if k is not None and k.kind == "str" and k.a == "UserName"), None)
        user = self.r.value(node) if node is not None else None
        who = f"user {user}" if isinstance(user, str) and user.strip() else "an IAM user"
        label = f"{who}: {last_name(call.a)}"
        self.facts().keys.append(AccessKey(str(user) if isinstance(user, str) else "", label, call.a.span,
                                           (label,), "output"))

    def access_key(self, call: N, stack: str, name: str) -> None:
        from ..model import AccessKey

        cid = _construct_name(self.r, call, name)
        label = f"{text(call.a)} {'/'.join(p for p in (stack, cid) if p)}"
        key = AccessKey(cid, label, call.a.span, (label,), "app")
        self.keys[id(call)] = key
        self.facts().keys.append(key)

    def construct(self, n: Optional[N]) -> Optional[N]:
        """The construct call a node stands for: the call itself, a name bound once to one, or
        an attribute (``self.key``, ``this.key``) assigned one."""
        for _ in range(20):
            if n is None:
                return None
            if n.kind == "call":
                return n
            if n.kind == "name":
                n = self.r.const(n.a)
            elif n.kind == "attr":
                return self.code.targets.get(text(n))
            else:
                return None
        return None

    def key_of(self, n: N) -> Optional[Any]:
        """The access key whose secret the expression ``n`` is (``key.secret_access_key``, its
        ``unsafe_unwrap()`` / ``to_string()``, ``cfn_key.attr_secret_access_key``), or None."""
        while n.kind == "call" and n.a.kind == "attr" and n.a.b.replace("_", "").lower() in _UNWRAP and not n.b:
            n = n.a.a
        if n.kind != "attr":
            return None
        attr = snake(n.b)
        if attr not in _KEY_CLASSES.values():
            return None
        call = self.construct(n.a)
        if call is None or _KEY_CLASSES.get(last_name(call.a)) != attr:
            return None
        return self.keys.get(id(call))

    def refs(self, n: Optional[N], depth: int = 0) -> list:
        """``[(key, span)]``: the references to a key's secret in a value, each at the
        expression that is the secret, or at the name (bound once) that carries it."""
        if n is None or depth > 60:
            return []
        key = self.key_of(n)
        if key is not None:
            return [(key, n.span)]
        k = n.kind
        if k == "name":
            keys = self.memo.get(n.a)
            if keys is None:
                bound = self.r.const(n.a)
                if bound is None or n.a in self.visiting:
                    return []
                self.visiting.add(n.a)
                try:
                    inner = self.refs(bound, depth + 1)
                finally:
                    self.visiting.discard(n.a)
                keys = self.memo[n.a] = list({id(key): key for key, _s in inner}.values())
            return [(key, n.span) for key in keys]
        if k == "list":
            return [x for item in n.a for x in self.refs(item, depth + 1)]
        if k == "dict":
            return [x for _key, v in n.a for x in self.refs(v, depth + 1)]
        if k == "tmpl":
            return [x for p in n.a if not isinstance(p, str) for x in self.refs(p, depth + 1)]
        if k == "add":
            return self.refs(n.a, depth + 1) + self.refs(n.b, depth + 1)
        if k == "spread":
            return self.refs(n.a, depth + 1)
        if k == "call" and self.passes(n):
            out = [x for a in n.b or () for x in self.refs(a, depth + 1)]
            return out + [x for _kw, _s, v in n.c or () for x in self.refs(v, depth + 1)]
        return []

    @staticmethod
    def passes(call: N) -> bool:
        """Whether a call's result holds its arguments: ``Fn.join``, ``Fn.sub``, ``Token.as_string``,
        ``json.dumps``, ``str(...)``, and the ``...Property`` structs of L1 constructs."""
        callee = call.a
        name = last_name(callee)
        if callee.kind == "name":
            return name in _PASS_THROUGH_FUNCTIONS or name.endswith("Property")
        if callee.kind == "attr":
            if name.endswith("Property"):
                return True
            return snake(name) in _PASS_THROUGH.get(last_name(callee.a), ())
        return False

    # -- where the secrets go ---------------------------------------------
    def flows(self, call: N, stack: str) -> None:
        callee = call.a
        name = last_name(callee)
        low = snake(name)
        r = self.r
        if callee.kind == "attr" and low == "add_environment":
            target = self.construct(callee.a)
            tname = last_name(target.a) if target is not None else ""
            if tname == "add_container" or tname == "addContainer" or "Container" in tname:
                sink = "task-env"
            elif _SINKS.get(tname) is _FUNCTION_ENV:
                sink = "function-env"
            else:
                sink = "environment"
            if target is not None and tname not in ("add_container", "addContainer"):
                cid = _construct_name(r, target, tname)
                label = f"{text(target.a)} {'/'.join(p for p in (self.stacks.get(id(target), stack), cid) if p)}"
            else:
                cid, label = text(callee.a), f"{text(callee.a)}.{name}"
            self.flow_in(r.arg(call, 1, "value"), sink, cid, label, (label, name))
            return
        if callee.kind == "attr" and low == "export_value":
            label = _label(stack, "", name)
            self.flow_in(r.arg(call, 0, "exported_value"), "exported-output", stack, label, (label,))
            return
        if callee.kind == "attr" and low == "add_container":
            props = r.props(call)
            label = f"{text(callee.a)}.{name}"
            cname = r.follow(r.arg(call, 0, "id"))
            cid = cname.a if cname is not None and cname.kind == "str" else label
            if "environment" in props:
                self.flow_in(props["environment"][1], "task-env", cid, f"{label} {cid}", (label, "environment"))
            return
        sinks = _SINKS.get(name)
        if name == "CfnParameter":
            props = r.props(call)
            if "value" not in props:
                return  # a template parameter (core CfnParameter), not an SSM one
            kind = r.value(props["type"][1]) if "type" in props else None
            if not isinstance(kind, str):
                return  # the kind of parameter is not known
            sinks = ((("value",), "secure-parameter" if str(kind) == "SecureString" else "ssm-string"),)
        if sinks is None or not _scope_first(call):
            return
        props = r.props(call)
        cid = _construct_name(r, call, name)
        label = f"{text(callee)} {'/'.join(p for p in (stack, cid) if p)}"
        for path, sink in sinks:
            if sink == "output" and "export_name" in props and props["export_name"][1].kind != "null":
                sink = "exported-output"
            for node, p in self.at(props, path):
                self.flow_in(node, sink, cid, label, (label,) + p)

    def at(self, props: dict, path: tuple) -> list:
        """``(node, path)`` of the values at a property path: through mapping literals, the
        properties of calls (``ContainerDefinitionProperty(environment=...)``), names bound once."""
        first = props.get(path[0])
        if first is None:
            return []
        out = [(first[1], (path[0],))]
        for step in path[1:]:
            nxt = []
            for n, p in out:
                n = self.r.follow(n)
                if n is None:
                    continue
                if step == "*":
                    if n.kind == "list":
                        nxt += [(x, p + (i,)) for i, x in enumerate(n.a) if x.kind != "spread"]
                elif n.kind == "dict":
                    nxt += [(v, p + (step,)) for k, v in n.a
                            if k is not None and k.kind == "str" and snake(k.a) == step]
                elif n.kind == "call":
                    got = self.r.props(n).get(step)
                    if got is not None:
                        nxt.append((got[1], p + (step,)))
            out = nxt
        return out

    def flow_in(self, node: Optional[N], sink: str, name: str, label: str, path: tuple) -> None:
        from ..model import SecretFlow

        seen = set()
        for key, span in self.refs(node):
            if (id(key), span) in seen:
                continue
            seen.add((id(key), span))
            self.facts().flows.append(SecretFlow(key, sink, name, label, span, path))

    # -- template parameters -------------------------------------------------
    def parameter(self, call: N, stack: str) -> None:
        """A core ``CfnParameter``: a template parameter, echoed unless ``no_echo``."""
        from ..model import SecretInput

        r = self.r
        props = r.props(call)
        if "value" in props or "ssm" in text(call.a).lower() or not _scope_first(call):
            return  # an SSM parameter
        id_node = r.arg(call, 1, "id")
        cid = _construct_name(r, call, "CfnParameter")
        if "no_echo" not in props:
            hidden: Optional[bool] = False
        else:
            v = r.value(props["no_echo"][1])
            hidden = v.value if isinstance(getattr(v, "value", None), bool) else None
        hide = "no_echo=True" if self.code.language == "python" else "noEcho: true"
        span = id_node.span if id_node is not None and id_node.kind == "str" else call.a.span
        typ = r.value(props["type"][1]) if "type" in props else ""
        self.facts().inputs.append(SecretInput(cid, f"CfnParameter {cid}", span, (f"CfnParameter {cid}",),
                                               hidden, hide, str(typ) if isinstance(typ, str) else ""))

    # -- IAM users -------------------------------------------------------
    def user_name(self, call: N) -> str:
        """How a user construct is named in messages: its construct id (the user name of an
        imported user when it is a literal)."""
        r = self.r
        if snake(last_name(call.a)) == "from_user_name":
            v = r.follow(r.arg(call, 2, "user_name"))
            if v is not None and v.kind == "str":
                return v.a
        return _construct_name(r, call, last_name(call.a))

    def is_user(self, call: Optional[N]) -> bool:
        """Whether a call is an IAM user construct (``iam.User``, ``iam.CfnUser``, an imported
        ``User.from_user_name``). Other services have a ``CfnUser`` too (Transfer Family,
        ElastiCache, Connect...): a class that is not named through an ``iam`` module must have
        only the properties of IAM's."""
        if call is None or call.kind != "call":
            return False
        name = last_name(call.a)
        if name in _USERS:
            if not _scope_first(call):
                return False
            if call.a.kind == "attr":
                return "iam" in text(call.a.a).lower()
            return all(p in _USER_PROPS for p in self.r.props(call))
        return snake(name) in _USER_IMPORTS and call.a.kind == "attr" and last_name(call.a.a) == "User"

    def policy_labels(self, call: N) -> list:
        """The labels of the documents of a ``Policy`` / ``ManagedPolicy`` construct of the file."""
        if call is None or call.kind != "call":
            return []
        name = last_name(call.a)
        if name not in ("Policy", "ManagedPolicy"):
            return []
        stack = self.stacks.get(id(call), "")
        cid = _construct_name(self.r, call, name)
        return [_label(stack, cid, "statements"), _label(stack, cid, "document")]

    def named_user(self, node: Optional[N]) -> str:
        """The user a value names: a user construct of the file (``user``, ``user.user_name``,
        ``user.ref``), a literal name, else the expression as written."""
        if node is None:
            return ""
        call = self.construct(node)
        if not self.is_user(call) and node.kind == "attr":
            call = self.construct(node.a)
        if self.is_user(call):
            return self.user_name(call)
        v = self.r.value(node)
        return str(v) if isinstance(v, str) else text(node)

    def users_in(self, node: Optional[N]) -> list:
        """The names of the users a ``users`` list holds (every item is an IAM user)."""
        items = self.r.follow(node)
        if items is None or items.kind != "list":
            return []
        return [self.named_user(it) for it in items.a if it.kind != "spread"]

    def user_grants(self) -> None:
        from ..model import UserGrant

        r = self.r
        labels: dict = {}  # document or managed-policy label -> user
        for call, stack in self.code.calls:
            callee = call.a
            name = last_name(callee)
            low = snake(name)
            if self.is_user(call) and name in _USERS:
                uname = self.user_name(call)
                cid = _construct_name(r, call, name)
                props = r.props(call)
                if name == "User":
                    labels[_label(stack, cid, "managed_policies")] = uname
                    items = r.follow(props["managed_policies"][1]) if "managed_policies" in props else None
                    for it in (items.a if items is not None and items.kind == "list" else ()):
                        for lab in self.policy_labels(self.construct(it) or it):
                            labels[lab] = uname
                else:
                    labels[_label(stack, cid, "managed_policy_arns")] = uname
                    pols = r.follow(props["policies"][1]) if "policies" in props else None
                    for i in range(len(pols.a) if pols is not None and pols.kind == "list" else 0):
                        labels[_label(stack, cid, f"policies[{i}]")] = uname
                continue
            if name in _POLICIES:
                self.policy_users(call, stack, name, labels)
                continue
            if callee.kind != "attr":
                continue
            if low == "attach_to_user":
                who = self.named_user(r.arg(call, 0, "user"))
                for lab in self.policy_labels(self.construct(callee.a)):
                    labels[lab] = who
                continue
            target = self.construct(callee.a)
            if not self.is_user(target):
                continue
            uname = self.user_name(target)
            if low in _IDENTITY_METHODS:
                labels[_label(stack, _target_name(r, callee.a), low)] = uname
            elif low in ("add_managed_policy", "attach_managed_policy"):
                labels[_label(stack, _target_name(r, callee.a), low)] = uname
                for a in call_args(call, _POLICY_KEYWORDS):
                    for lab in self.policy_labels(self.construct(a) or a):
                        labels[lab] = uname
            elif low == "attach_inline_policy":
                for a in call_args(call, _POLICY_KEYWORDS):
                    for lab in self.policy_labels(self.construct(a) or a):
                        labels[lab] = uname
        for d in self.src.documents:
            if d.role != "identity" or d.origin.label in labels:
                continue
            for h in d.principals or ():  # boto3: put_user_policy(UserName=..., PolicyDocument=...)
                if h.kind == "user" and "::user/" in h.id:
                    self.facts().user_grants.append(UserGrant(h.iam_name or h.name, document=d))
        if not labels:
            return
        for d in self.src.documents:
            user = labels.get(d.origin.label)
            if user is not None and d.role == "identity":
                self.facts().user_grants.append(UserGrant(user, document=d))
        for ref in self.src.managed_refs:
            user = labels.get(ref.origin.label)
            if user is not None:
                self.facts().user_grants.append(UserGrant(user, managed=ref))

    def policy_users(self, call: N, stack: str, name: str, labels: dict) -> None:
        """``Policy`` / ``ManagedPolicy`` / ``CfnPolicy`` / ``CfnManagedPolicy`` with ``users``;
        ``CfnUserPolicy`` (always a user's)."""
        r = self.r
        if not _scope_first(call):
            return
        props = r.props(call)
        cid = _construct_name(r, call, name)
        if name == "CfnUserPolicy":
            labels[_label(stack, cid, "policy_document")] = self.named_user(props.get("user_name", (None, None))[1])
            return
        if "users" not in props:
            return
        users = self.users_in(props["users"][1])
        if not users:
            return
        who = ", ".join(users)
        if name in ("Policy", "ManagedPolicy"):
            for lab in self.policy_labels(call):
                labels[lab] = who
        else:
            labels[_label(stack, cid, "policy_document")] = who
