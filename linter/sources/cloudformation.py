"""CloudFormation and SAM templates: every policy document in them, intrinsics understood.

Entry points (called by :mod:`linter.sources`):

- :func:`extract_yaml` parses a ``.yaml``/``.yml``/``.template`` file with
  :mod:`linter.parsers.yaml_loc`, keeps its comments, and extracts the policies when
  the file is a template (``AWSTemplateFormatVersion``, or ``Resources`` whose
  entries have a ``Type`` such as ``AWS::IAM::Role``);
- :func:`extract_tree` does the same for a JSON template already parsed with positions.

Where policies are found:

- IAM identities and policies: ``AWS::IAM::Role`` (``AssumeRolePolicyDocument`` as a
  trust policy, ``Policies[].PolicyDocument``, ``ManagedPolicyArns``),
  ``AWS::IAM::User``/``Group`` (``Policies``, ``ManagedPolicyArns``),
  ``AWS::IAM::Policy``/``ManagedPolicy``/``RolePolicy``/``UserPolicy``/``GroupPolicy``
  (``PolicyDocument``), ``AWS::SSO::PermissionSet`` (``InlinePolicy``,
  ``ManagedPolicies``);
- SAM (``AWS::Serverless::Function``, ``StateMachine`` and any ``AWS::Serverless::*``
  with ``Policies``): inline documents and statements, AWS managed policy names and
  ARNs, and the SAM policy templates in :data:`SAM_POLICY_TEMPLATES` expanded to the
  statements SAM generates;
- resource policies: the properties in :data:`RESOURCE_POLICY_PROPERTIES` (S3, SQS,
  SNS, KMS, ECR, Secrets Manager, SageMaker model package groups...) and any property
  named ``PolicyDocument`` anywhere in a resource's ``Properties``.

A document may be written as a mapping or as a JSON string (a literal, ``!Sub`` or
``!Join``); a string is parsed with :func:`linter.parsers.json_loc.parse_json` and its
positions are mapped back into the template, so findings point inside the string.

Intrinsic functions (see :class:`Resolver`): ``Fn::If`` keeps both branches,
``AWS::NoValue`` removes the element, ``Fn::Sub`` keeps its text with ``${...}``
placeholders, ``Fn::Join`` of literals (and of ``Ref``/``GetAtt``, written as the
equivalent ``${...}`` placeholders) is joined, and everything else is an
:class:`~linter.located.Unresolved` value that is never taken for ``"*"``.

Size facts (for the quotas, IAM111 and IAM112; see :meth:`_Template.size_facts`): a managed
policy or an inline policy of its principals, sized unless an ``Fn::If`` inside the document was
read as both branches, conditional when the resource has a ``Condition`` or an ``Fn::If`` chooses
the document.

Credential facts (``src.credentials``, for KEY404-KEY407, see :class:`_Credentials`): the
``AWS::IAM::AccessKey`` resources, the outputs and resource properties (:data:`_SINKS`) their
``SecretAccessKey`` reaches, the ``Parameters`` and their ``NoEcho``, and the policies
attached to IAM users.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Callable, Optional

from ..located import LDict, LineIndex, LList, LScalar, LStr, ParseError, Span, Unresolved, span_of
from ..suppress import span_or
from .base import is_cloudformation_template, role_by_content, typed_resources
from ..model import Holder, ManagedPolicyRef, Origin, PolicyDocument, Val, build_document

KIND = "cloudformation"

#: IAM resource types and the properties holding identity policies.
IAM_POLICY_TYPES = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy",
                    "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy")
IAM_PRINCIPAL_TYPES = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")
#: Service and resource control policies (``Content``); other policy types hold no IAM policy.
ORGANIZATIONS_POLICY = "AWS::Organizations::Policy"

#: Properties that hold a policy or a reference to one: a duplicate silently drops a policy.
POLICY_HOLDING_PROPERTIES = frozenset(("PolicyDocument", "Policies", "AssumeRolePolicyDocument", "ManagedPolicyArns",
                                       "PermissionsBoundary", "Content", "InlinePolicy", "ManagedPolicies"))

#: Resource type -> properties that hold a resource-based policy document.
RESOURCE_POLICY_PROPERTIES: dict[str, tuple[str, ...]] = {
    "AWS::S3::BucketPolicy": ("PolicyDocument",),
    "AWS::S3Express::BucketPolicy": ("PolicyDocument",),
    "AWS::S3::AccessPoint": ("Policy",),
    "AWS::S3::MultiRegionAccessPointPolicy": ("Policy",),
    "AWS::S3ObjectLambda::AccessPointPolicy": ("PolicyDocument",),
    "AWS::SQS::QueuePolicy": ("PolicyDocument",),
    "AWS::SNS::TopicPolicy": ("PolicyDocument",),
    "AWS::KMS::Key": ("KeyPolicy",),
    "AWS::KMS::ReplicaKey": ("KeyPolicy",),
    "AWS::SecretsManager::ResourcePolicy": ("ResourcePolicy",),
    "AWS::ECR::Repository": ("RepositoryPolicyText",),
    "AWS::ECR::RegistryPolicy": ("PolicyText",),
    "AWS::ECR::PublicRepository": ("RepositoryPolicyText",),
    "AWS::EFS::FileSystem": ("FileSystemPolicy",),
    "AWS::Backup::BackupVault": ("AccessPolicy",),
    "AWS::OpenSearchService::Domain": ("AccessPolicies",),
    "AWS::Elasticsearch::Domain": ("AccessPolicies",),
    "AWS::Logs::ResourcePolicy": ("PolicyDocument",),
    "AWS::Logs::Destination": ("DestinationPolicy",),
    "AWS::Events::EventBus": ("Policy",),
    "AWS::ApiGateway::RestApi": ("Policy",),
    "AWS::CodeArtifact::Domain": ("PermissionsPolicyDocument",),
    "AWS::CodeArtifact::Repository": ("PermissionsPolicyDocument",),
    "AWS::Glue::Registry": (),
    "AWS::SageMaker::ModelPackageGroup": ("ModelPackageGroupPolicy",),
    "AWS::Lambda::LayerVersionPermission": (),
    "AWS::SecretsManager::Secret": (),
    "AWS::IAM::OIDCProvider": (),
}

#: Facts from AWS SAM's ``policy_templates.json`` (aws/serverless-application-model,
#: ``samtranslator/policy_templates_data``) for the templates that matter around SageMaker:
#: name -> statements, each ``(actions, resource patterns)``; ``{Param}`` in a pattern is
#: the template parameter. Other templates are reported as unresolved (not expanded).
_S3_BUCKET = "arn:${AWS::Partition}:s3:::{BucketName}"
_S3_OBJECTS = "arn:${AWS::Partition}:s3:::{BucketName}/*"
_REGIONAL = "arn:${AWS::Partition}:%s:${AWS::Region}:${AWS::AccountId}:%s"
SAM_POLICY_TEMPLATES: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "S3ReadPolicy": (
        (("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion",
          "s3:GetLifecycleConfiguration"), (_S3_BUCKET, _S3_OBJECTS)),
    ),
    "S3WritePolicy": (
        (("s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration"), (_S3_BUCKET, _S3_OBJECTS)),
    ),
    "S3CrudPolicy": (
        (("s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion", "s3:PutObject",
          "s3:PutObjectAcl", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration",
          "s3:DeleteObject"), (_S3_BUCKET, _S3_OBJECTS)),
    ),
    "S3FullAccessPolicy": (
        (("s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl",
          "s3:DeleteObject", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging", "s3:GetObjectTagging",
          "s3:GetObjectVersionTagging", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"), (_S3_OBJECTS,)),
        (("s3:ListBucket", "s3:GetBucketLocation", "s3:GetLifecycleConfiguration",
          "s3:PutLifecycleConfiguration"), (_S3_BUCKET,)),
    ),
    "SageMakerCreateEndpointPolicy": (
        (("sagemaker:CreateEndpoint",), (_REGIONAL % ("sagemaker", "endpoint/{EndpointName}"),)),
    ),
    "SageMakerCreateEndpointConfigPolicy": (
        (("sagemaker:CreateEndpointConfig",), (_REGIONAL % ("sagemaker", "endpoint-config/{EndpointConfigName}"),)),
    ),
    "KMSDecryptPolicy": ((("kms:Decrypt",), (_REGIONAL % ("kms", "key/{KeyId}"),)),),
    "KMSEncryptPolicy": ((("kms:Encrypt",), (_REGIONAL % ("kms", "key/{KeyId}"),)),),
}

# ---------------------------------------------------------------------------
# Entry points


def claims(name: str, tree: Any) -> bool:
    """A JSON template, or a YAML stream with a template among its documents."""
    docs = tree if isinstance(tree, list) and not isinstance(tree, dict) else [tree]
    return any(is_template(d) for d in docs)


def extract(src, tree: Any) -> None:
    """Extract every policy of a template (a JSON tree, or the documents of a YAML stream)."""
    src.kind = KIND
    for doc in (tree if isinstance(tree, list) else [tree]):
        if is_template(doc):
            _Template(src, doc).run()


def recover(src, err: ParseError) -> bool:
    """A YAML template with a syntax error: the resources before the error are still linted."""
    if (src.text or "").lstrip()[:1] in ("{", "["):
        return False  # JSON templates are generated, not edited by hand
    return _lint_before(src, src.text or "", err)


_MAX_CUTS = 6


def _lint_before(src, text: str, err: ParseError) -> bool:
    """Lint the part of a broken template before its syntax error.

    The text is cut at a line that starts a top-level key or a resource (a key indented as
    the first one under ``Resources:``) before the error, nearest first; the first prefix
    that parses as a template is linted. A few cuts are tried, each a parse of a prefix.
    """
    from ..parsers import yaml_loc

    lines = text.splitlines(keepends=True)
    err_line = min(max(err.span.line, 1), len(lines))
    indent = None
    offsets, off = [], 0
    for i, line in enumerate(lines, 1):
        offsets.append(off)
        off += len(line)
        if indent is None and i > 1 and lines[i - 2].rstrip() in ("Resources:", '"Resources":') and line.strip():
            indent = len(line) - len(line.lstrip(" "))
    cuts = []
    for i in range(err_line - 1, 0, -1):  # 1-based lines before the error line
        line = lines[i - 1]
        body = line.lstrip(" ")
        if not body.strip() or body.startswith(("#", "-")):
            continue
        lead = len(line) - len(body)
        if lead == 0 or lead == indent:
            cuts.append(offsets[i - 1])
            if len(cuts) >= _MAX_CUTS:
                break
    for cut in cuts:
        try:
            docs = yaml_loc.parse_yaml_stream(text[:cut])
        except ParseError:
            continue
        if claims(src.path, docs):
            extract(src, docs)
            return True
    return False


def is_template(tree: Any) -> bool:
    return is_cloudformation_template(tree)


def extract_resources(src, tree: Any, prefix: tuple = ()) -> "Resolver":
    """Extract every policy of a template tree that sits at ``prefix`` in its file (a format
    that embeds CloudFormation, such as Serverless ``resources``, passes its part here);
    returns the template's resolver, for the embedding format's own intrinsic functions."""
    t = _Template(src, tree if isinstance(tree, dict) else {}, prefix)
    t.run()
    return t.resolver


def ref_target(node: Any) -> Optional[str]:
    """The logical ID a ``!Ref X`` or ``!GetAtt X.Attr`` names, else None."""
    if not isinstance(node, dict) or len(node) != 1:
        return None
    if isinstance(node.get("Ref"), str):
        return str(node["Ref"])
    att = node.get("Fn::GetAtt")
    if isinstance(att, list) and att and isinstance(att[0], str):
        return str(att[0])
    if isinstance(att, str):
        return str(att).split(".", 1)[0]
    return None


def _guarded(method):
    """One document (or reference) at a time: a bug while reading it is LP000 there
    (a parse error LP001), and the template's other documents are still checked."""
    import functools

    @functools.wraps(method)
    def wrapper(self, *args):
        try:
            return method(self, *args)
        except ParseError as e:
            self.src.error("LP001", e.message, e.span)
        except Exception as e:
            from ..located import span_of as _span_of

            where = next((a for a in args if getattr(a, "span", None) is not None), None)
            span = _span_of(where, Span(1, 1, 1, 1))
            names = [a for a in args[:3] if isinstance(a, str)]  # resource type and logical id
            lid = names[-1] if names else ""
            msg = "document nested too deeply" if isinstance(e, RecursionError) else \
                f"reading {' '.join(names) or 'the template'} failed: {type(e).__name__}: {e}"
            self.src.error("LP001" if isinstance(e, RecursionError) else "LP000", msg, span,
                           ("Resources", lid) if lid else ())

    return wrapper




# ---------------------------------------------------------------------------
# Intrinsic functions


class _NoValue:
    __slots__ = ()

    def __repr__(self) -> str:  # pragma: no cover
        return "NOVALUE"


NOVALUE = _NoValue()


class Alts(list):
    """The values of the branches of an ``Fn::If`` (``AWS::NoValue`` branches left out)."""

    __slots__ = ("span", "had_novalue")

    def __init__(self, items=(), span: Span = Span(1, 1, 1, 1), had_novalue: bool = False) -> None:
        super().__init__(items)
        self.span = span
        self.had_novalue = had_novalue


_SCALAR_KEYS = ("Effect", "Sid", "Version", "Id")
_LIST_KEYS = ("Action", "NotAction", "Resource", "NotResource", "Statement")
_STRINGY_KEYS = {"Action", "NotAction", "Resource", "NotResource", "AWS", "Service", "Federated",
                 "CanonicalUser", "Sid"}
_MAX_RESOLVE_DEPTH = 150


def _short(node: Any, limit: int = 60) -> str:
    """A compact source-like rendering of a value, for Unresolved texts."""
    from ..located import plain

    def render(v: Any) -> str:
        if isinstance(v, dict):
            if len(v) == 1:
                (k, x), = v.items()
                name = "!" + (k[4:] if k.startswith("Fn::") else k)
                return f"{name} {render(x)}"
            return "{" + ", ".join(f"{k}: {render(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(render(x) for x in v) + "]"
        if isinstance(v, Unresolved):
            return v.text
        if isinstance(v, str) and (v == "" or any(c in v for c in " ,[]{}")):
            return json.dumps(v)
        return str(v)

    try:
        text = render(plain(node) if not isinstance(node, (dict, list)) else node)
    except RecursionError:  # pragma: no cover
        text = "..."
    return text if len(text) <= limit else text[:limit - 3] + "..."


class Resolver:
    """Evaluates what a static linter can of a template's intrinsic functions.

    ``resolve(node)`` returns a located tree without intrinsics, :data:`NOVALUE`
    (the element disappears) or :class:`Alts` (an ``Fn::If``: the caller decides how
    the branches combine). :meth:`resolve_policy` applies the policy rules for that:
    in a list, both branches' elements are kept; for ``Action``/``Resource``/
    ``Statement`` and principal values, the union; ``Effect`` prefers ``Allow``;
    a ``Condition`` takes the weaker branch (the one with fewer clauses, or none).
    """

    def __init__(self, template: Optional["_Template"] = None) -> None:
        # the template's resources, not the template: a template holds its resolver, and a cycle
        # would keep the file's whole tree alive until the cycle collector runs
        self.resources = template.resources if template is not None else None
        self.origin_of: dict[int, Any] = {}  # id(copy) -> original LDict
        #: how many ``Fn::If`` were evaluated: a tree resolved across one holds both branches, so
        #: its size is not what deploys (callers compare the count before and after)
        self.branches = 0

    # -- scalars ---------------------------------------------------------

    def provider_arn(self, name: str, attr: Optional[str] = None) -> Optional[LStr]:
        """``Ref``/``GetAtt .Arn`` of an OIDC or SAML provider defined in the template."""
        res = self.resources.get(name) if isinstance(self.resources, dict) else None
        if not isinstance(res, dict) or attr not in (None, "Arn"):
            return None
        typ = res.get("Type")
        props = res.get("Properties") if isinstance(res.get("Properties"), dict) else {}
        if typ == "AWS::IAM::OIDCProvider":
            url = props.get("Url")
            if isinstance(url, str):
                host = re.sub(r"^https?://", "", str(url)).rstrip("/")
                return LStr(f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:oidc-provider/{host}")
        if typ == "AWS::IAM::SAMLProvider":
            pname = props.get("Name")
            pname = str(pname) if isinstance(pname, str) else "${%s}" % name
            return LStr(f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:saml-provider/{pname}")
        return None

    @staticmethod
    def placeholder(value: Any) -> Optional[str]:
        """How a resolved value reads inside a string: literal text or ``${Name}``."""
        if isinstance(value, LStr):
            return str(value)
        if isinstance(value, LScalar) and not isinstance(value.value, (dict, list)):
            v = getattr(value, "text", None)
            return v if v is not None else ("" if value.value is None else str(value.value))
        if isinstance(value, Unresolved) and value.kind in ("Ref", "Fn::GetAtt"):
            name = value.text.split(" ", 1)[1] if " " in value.text else value.text
            return "${%s}" % name
        return None

    def intrinsic(self, key: str, arg: Any, node: LDict, depth: int) -> Any:
        span = node.span
        if key == "Ref":
            name = str(arg) if isinstance(arg, str) else _short(arg)
            if name == "AWS::NoValue":
                return NOVALUE
            arn = self.provider_arn(name) if isinstance(arg, str) else None
            if arn is not None:
                arn.span = span
                return arn
            return Unresolved(f"!Ref {name}", "Ref", span)
        if key == "Fn::GetAtt":
            parts: Optional[list] = None
            if isinstance(arg, list) and len(arg) == 2 and all(isinstance(p, str) for p in arg):
                parts = [str(arg[0]), str(arg[1])]
            elif isinstance(arg, str) and "." in arg:
                parts = str(arg).split(".", 1)
            if parts is not None:
                arn = self.provider_arn(parts[0], parts[1])
                if arn is not None:
                    arn.span = span
                    return arn
                return Unresolved(f"!GetAtt {parts[0]}.{parts[1]}", "Fn::GetAtt", span)
            return Unresolved(f"!GetAtt {_short(arg)}", "Fn::GetAtt", span)
        if key == "Fn::Sub":
            return self.sub(arg, node, depth)
        if key == "Fn::Join":
            return self.join(arg, node, depth)
        if key == "Fn::Split" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and arg[0]:
            # !Split [",", "sagemaker:*,s3:GetObject"]: the list of the pieces of a text known here
            text = self.resolve(arg[1], depth + 1)
            if isinstance(text, LStr) and "${" not in text:
                return LList([LStr(piece, span_of(text, span)) for piece in str(text).split(str(arg[0]))],
                             span=span)
            return Unresolved(f"!Split {_short(arg)}", key, span)
        if key == "Fn::If":
            self.branches += 1
            if not (isinstance(arg, list) and len(arg) == 3):
                return Unresolved(f"!If {_short(arg)}", "Fn::If", span)
            alts = Alts(span=span)
            for branch in (arg[1], arg[2]):
                v = self.resolve(branch, depth + 1)
                if v is NOVALUE:
                    alts.had_novalue = True
                elif isinstance(v, Alts):
                    alts.extend(v)
                    alts.had_novalue = alts.had_novalue or v.had_novalue
                else:
                    alts.append(v)
            if not alts:
                return NOVALUE
            if len(alts) == 1 and not alts.had_novalue:
                return alts[0]
            return alts
        short = key[4:] if key.startswith("Fn::") else key
        return Unresolved(f"!{short} {_short(arg)}", key, span)

    def sub(self, arg: Any, node: LDict, depth: int) -> Any:
        span = node.span
        if isinstance(arg, str):
            return LStr(_dynamic_references(_unescape_sub(str(arg))), span_of(arg, span))
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
            text = str(arg[0])
            for name, raw in arg[1].items():
                v = self.resolve(raw, depth + 1)
                rep = self.placeholder(v) if not isinstance(v, Alts) else None
                if rep is not None:
                    text = text.replace("${%s}" % name, rep)
            return LStr(_dynamic_references(_unescape_sub(text)), span_of(arg[0], span))
        return Unresolved(f"!Sub {_short(arg)}", "Fn::Sub", span)

    def join(self, arg: Any, node: LDict, depth: int) -> Any:
        span = node.span
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], list):
            out = []
            for part in arg[1]:
                # Each part on its own: an Fn::If part has no single text (and must not be spliced).
                value = self.resolve(part, depth + 1)
                if value is NOVALUE:
                    continue
                rep = self.placeholder(value)
                if rep is None:
                    break
                out.append(rep)
            else:
                return LStr(str(arg[0]).join(out), span)
        return Unresolved(f"!Join {_short(arg)}", "Fn::Join", span)

    # -- trees -----------------------------------------------------------

    def resolve(self, node: Any, depth: int = 0) -> Any:
        if depth > _MAX_RESOLVE_DEPTH:
            return Unresolved("(nested too deeply)", "depth", span_of(node))
        if isinstance(node, dict):
            if len(node) == 1:
                key = next(iter(node))
                if key == "Ref" or (isinstance(key, str) and key.startswith("Fn::")):
                    return self.intrinsic(str(key), node[key], node, depth)
            out = LDict(span=node.span if isinstance(node, LDict) else span_of(node))
            if isinstance(node, LDict):
                out.duplicates = list(node.duplicates)
                self.origin_of[id(out)] = node
            for k, v in node.items():
                rv = self.resolve(v, depth + 1)
                if rv is NOVALUE:
                    continue
                if isinstance(rv, Alts):
                    rv = self.combine(str(k), rv)
                    if rv is NOVALUE:
                        continue
                if str(k) in _STRINGY_KEYS:
                    rv = _stringify(rv)
                out[k] = rv
                if isinstance(node, LDict):
                    out.key_spans[str(k)] = node.key_span(k)
            return out
        if isinstance(node, list):
            out_l = LList(span=span_of(node))
            for item in node:
                rv = self.resolve(item, depth + 1)
                if rv is NOVALUE:
                    continue
                if isinstance(rv, Alts):
                    for alt in rv:
                        if isinstance(alt, list):
                            out_l.extend(alt)
                        else:
                            out_l.append(alt)
                else:
                    out_l.append(rv)
            return out_l
        if isinstance(node, str) and "{{resolve:" in node:
            return LStr(_dynamic_references(str(node)), span_of(node))
        return node

    def combine(self, key: str, alts: Alts) -> Any:
        """One value for a mapping key whose value is an ``Fn::If``."""
        if key == "Condition":
            if alts.had_novalue:
                return NOVALUE
            return min(alts, key=_clause_count)
        if key in _SCALAR_KEYS:
            for a in alts:
                if isinstance(a, str) and a == "Allow":
                    return a
            return alts[0]
        if key in ("Principal", "NotPrincipal"):
            if any(isinstance(a, str) and a == "*" for a in alts):
                return next(a for a in alts if isinstance(a, str) and a == "*")
            if all(isinstance(a, dict) for a in alts):
                merged = LDict(span=alts.span)
                for a in alts:
                    for k, v in a.items():
                        items = v if isinstance(v, list) else [v]
                        if k in merged:
                            cur = merged[k]
                            merged[k] = LList((cur if isinstance(cur, list) else [cur]) + list(items),
                                              span=alts.span)
                        else:
                            merged[k] = v
                            merged.key_spans[str(k)] = a.key_span(k) if isinstance(a, LDict) else alts.span
                return merged
            return alts[0]
        if all(isinstance(a, dict) for a in alts) and key not in _LIST_KEYS:
            return alts[0]
        union = LList(span=alts.span)
        for a in alts:
            if isinstance(a, list):
                union.extend(a)
            else:
                union.append(a)
        return union

    def variants(self, node: Any, depth: int = 0) -> list[tuple[Any, tuple]]:
        """Top-level ``Fn::If``/``AWS::NoValue`` of a value: ``[(value, path suffix)]``.

        The values are not resolved further (callers walk them).
        """
        if depth > 20:
            return [(node, ())]
        if isinstance(node, dict) and len(node) == 1:
            key = next(iter(node))
            arg = node[key]
            if key == "Ref" and arg == "AWS::NoValue":
                return []
            if key == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
                out = []
                for i in (1, 2):
                    for v, suffix in self.variants(arg[i], depth + 1):
                        out.append((v, ("Fn::If", i) + suffix))
                return out
        return [(node, ())]


def _dynamic_references(text: str) -> str:
    """``text`` with each dynamic reference (``{{resolve:ssm:/org/account-id}}``, a value
    CloudFormation reads from SSM or Secrets Manager when it deploys) written as the placeholder
    ``${resolve:ssm:/org/account-id}``, the model's notation for a value known only at deploy
    time: an ARN holding one is read segment by segment like one holding ``${AWS::AccountId}``
    instead of being split on the reference's own colons."""
    if "{{resolve:" not in text:
        return text
    out = []
    i = 0
    while True:
        j = text.find("{{resolve:", i)
        k = text.find("}}", j + 10) if j >= 0 else -1
        if j < 0 or k < 0:
            break
        inner = text[j + 2:k]
        if "{" in inner or "}" in inner:
            out.append(text[i:j + 2])
            i = j + 2
            continue
        out.append(text[i:j])
        out.append("${" + inner + "}")
        i = k + 2
    out.append(text[i:])
    return "".join(out)


def _unescape_sub(text: str) -> str:
    return text.replace("${!", "${") if "${!" in text else text


def _clause_count(v: Any) -> int:
    if not isinstance(v, dict):
        return 0
    return sum(len(b) if isinstance(b, dict) else 1 for b in v.values())


def _stringify(v: Any) -> Any:
    """Numbers written where IAM expects strings (account ids) become their text."""
    if isinstance(v, LScalar) and isinstance(v.value, (int, float)) and not isinstance(v.value, bool):
        return LStr(getattr(v, "text", None) or str(v.value), v.span)
    if isinstance(v, LList):
        if any(isinstance(x, LScalar) for x in v):
            return LList([_stringify(x) for x in v], span=v.span)
    if isinstance(v, LDict):  # Principal: {"AWS": 123456789012}
        for k, x in list(v.items()):
            if isinstance(x, (LScalar, LList)):
                v[k] = _stringify(x)
    return v


# ---------------------------------------------------------------------------
# JSON written as a string inside the template


class _TextIndex(LineIndex):
    """A :class:`~linter.located.LineIndex` that keeps its text (to read lines back)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def offset(self, line: int, col: int, end: int = -1) -> int:
        return super().offset(line, col, len(self.text) if end == -1 else end)

    def line_text(self, line: int) -> str:
        if line - 1 >= len(self.starts):
            return ""
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r")


_SIMPLE_ESC = {'"', "\\", "/", "b", "f", "n", "r", "t", "0", "a", "v", "e", " ", "_", "N", "L", "P", "\t"}


def _quoted_columns(raw: str, col0: int, value: str) -> Optional[list[int]]:
    """File columns of every character of a one-line quoted literal's value (plus one past the end)."""
    if len(raw) < 2 or raw[0] not in "'\"" or raw[-1] != raw[0]:
        return None
    body = raw[1:-1]
    cols: list[int] = []
    i = 0
    n = len(body)
    if raw[0] == "'":
        while i < n:
            cols.append(col0 + 1 + i)
            i += 2 if body.startswith("''", i) else 1
    else:
        while i < n:
            cols.append(col0 + 1 + i)
            if body[i] != "\\":
                i += 1
                continue
            nxt = body[i + 1:i + 2]
            if nxt == "u":
                code = body[i + 2:i + 6]
                i += 6
                if 0xD800 <= int(code, 16) <= 0xDBFF and body.startswith("\\u", i):
                    i += 6  # a surrogate pair is one character
            elif nxt == "U":
                i += 10
            elif nxt == "x":
                i += 4
            elif nxt in _SIMPLE_ESC:
                i += 2
            else:
                return None
    cols.append(col0 + len(raw) - 1)
    return cols if len(cols) == len(value) + 1 else None


def string_mapper(text_index: Optional[_TextIndex], s: Any, value: str) -> Callable[[int, int], tuple[int, int]]:
    """``mapper`` for :func:`parse_json` on ``value``, the text of the located string ``s``.

    Exact for one-line quoted literals (escapes included) and for strings whose lines
    appear verbatim in the file (YAML block scalars ``|`` and ``>``, multi-line plain
    strings); elsewhere every position falls back to the start of the string.
    """
    span: Span = span_of(s)
    start = (span.line, span.col)

    def fallback(line: int, col: int) -> tuple[int, int]:
        return start

    if text_index is None or not isinstance(s, LStr):
        return fallback
    vlines = value.split("\n")
    if span.line == span.end_line and len(vlines) == 1:
        raw = text_index.text[text_index.offset(span.line, span.col):text_index.offset(span.end_line, span.end_col)]
        try:
            cols = _quoted_columns(raw, span.col, value)
        except ValueError:
            cols = None
        if cols is None and raw == value:  # a plain scalar
            cols = [span.col + i for i in range(len(value) + 1)]
        if cols is not None:
            def one_line(line: int, col: int) -> tuple[int, int]:
                if line != 1:
                    return start
                return span.line, cols[min(max(col, 1), len(cols)) - 1]
            return one_line
    # Segment alignment: the text of each file line of the literal, found in order in the value.
    # Exact for block scalars (| and >) and for multi-line plain or quoted strings without escapes.
    segs: list[tuple[int, int, int, int]] = []  # (value offset, length, file line, file col)
    cur = 0
    for fl in range(span.line, span.end_line + 1):
        line_text = text_index.line_text(fl)
        lo = span.col - 1 if fl == span.line else 0
        hi = span.end_col - 1 if fl == span.end_line else len(line_text)
        body = line_text[lo:hi]
        if fl == span.line and body[:1] in ("'", '"'):
            body, lo = body[1:], lo + 1  # the opening quote of a quoted scalar
        if fl == span.end_line and body[-1:] in ("'", '"') and len(body) > 0:
            body = body[:-1]
        stripped = body.strip()
        if not stripped:
            continue
        k = value.find(stripped, cur)
        if k == -1 or (segs and value[cur:k].strip()):
            continue  # a header (|, >-) or a line the value does not hold as written
        segs.append((k, len(stripped), fl, lo + body.index(stripped) + 1))
        cur = k + len(stripped)
    if not segs:
        return fallback
    starts = [0]
    for i, ch in enumerate(value):
        if ch == "\n":
            starts.append(i + 1)
    seg_starts = [sg[0] for sg in segs]

    def segments(line: int, col: int) -> tuple[int, int]:
        if not 1 <= line <= len(starts):
            return start
        off = starts[line - 1] + col - 1
        k = bisect_right(seg_starts, off) - 1
        if k < 0:
            return segs[0][2], segs[0][3]
        voff, length, fl, fc = segs[k]
        return fl, fc + min(off - voff, length)
    return segments


# ---------------------------------------------------------------------------
# The template walk


_SAM_RESOURCE = "AWS::Serverless::"


class _Template:
    def __init__(self, src, tree: dict, prefix: tuple = ()) -> None:
        self.src = src
        self.tree = tree
        self.prefix = prefix  # where the template's keys sit in the file (Serverless: ("resources",))
        res = tree.get("Resources")
        self.resources = res if isinstance(res, dict) else {}
        self.resolver = Resolver(self)
        self.covered: set[int] = set()  # LDicts whose duplicate keys build_document reports
        self._index: Optional[_TextIndex] = None
        self.json_trees: list = []  # policies parsed from JSON strings

    @property
    def text_index(self) -> Optional[_TextIndex]:
        if self._index is None and self.src.text:
            self._index = _TextIndex(self.src.text)
        return self._index

    # -- driver ----------------------------------------------------------

    def boundaries(self) -> set:
        """Logical IDs of the managed policies used as a permissions boundary in this template:
        ``!Ref P``, ``!GetAtt P.PolicyArn``, or an ARN (literal or ``!Sub``) ending in P's
        ``ManagedPolicyName``."""
        names = self.managed_policy_names()
        out: set = set()
        for res in self.resources.values():
            if not (isinstance(res, dict) and res.get("Type") in IAM_PRINCIPAL_TYPES):
                continue
            props = res.get("Properties")
            ref = props.get("PermissionsBoundary") if isinstance(props, dict) else None
            if isinstance(ref, dict) and isinstance(ref.get("Ref"), str):
                out.add(str(ref["Ref"]))
                continue
            if isinstance(ref, dict) and "Fn::GetAtt" in ref:
                att = ref["Fn::GetAtt"]
                target = att[0] if isinstance(att, list) and att else str(att).split(".", 1)[0]
                out.add(str(target))
                continue
            lid = _policy_named_by_arn(ref, names)
            if lid is not None:
                out.add(lid)
        return out

    def managed_policy_names(self) -> dict:
        """``ManagedPolicyName`` -> logical ID of the template's managed policies."""
        names: dict = {}
        for lid, res in self.resources.items():
            if isinstance(res, dict) and res.get("Type") == "AWS::IAM::ManagedPolicy":
                props = res.get("Properties")
                name = props.get("ManagedPolicyName") if isinstance(props, dict) else None
                if isinstance(name, str):
                    names[str(name)] = str(lid)
                elif isinstance(name, dict) and len(name) == 1:
                    # !Ref Param or !Sub "${Prefix}-cap": the same text in an ARN (!Sub ...:policy/${Param})
                    # names the same policy
                    if isinstance(name.get("Ref"), str):
                        names["${" + str(name["Ref"]) + "}"] = str(lid)
                    sub = name.get("Fn::Sub")
                    if isinstance(sub, str):
                        names[str(sub)] = str(lid)
        return names

    def run(self) -> None:
        first = len(self.src.documents)
        self.extract()
        try:
            self.attach_principals(self.src.documents[first:])
        except Exception as e:  # the documents stay linted one by one
            self.src.error("LP000", f"reading which principals hold the policies failed: {type(e).__name__}: {e}",
                           Span(1, 1, 1, 1), ("principals",))

    def extract(self) -> None:
        boundaries = self.boundaries()
        for lid, res in self.resources.items():
            if not isinstance(res, dict):
                continue
            lid = str(lid)
            ks = self.resources.key_span(lid) if isinstance(self.resources, LDict) else span_of(res)
            rs = span_of(res, ks)
            self.src.blocks.append(Span(ks.line, ks.col, rs.end_line, rs.end_col))
            typ = res.get("Type")
            props = res.get("Properties")
            if not isinstance(typ, str) or not isinstance(props, dict):
                continue
            typ = str(typ)
            base = self.prefix + ("Resources", lid, "Properties")
            handled: set[str] = set()
            if typ == "AWS::IAM::Role":
                self.document_property(typ, lid, props, "AssumeRolePolicyDocument", base, "trust")
                handled.add("AssumeRolePolicyDocument")
            if typ in IAM_PRINCIPAL_TYPES:
                self.inline_policies(typ, lid, props, base)
                self.managed_arns(typ, lid, props, "ManagedPolicyArns", base)
                handled.add("Policies")
            elif typ in IAM_POLICY_TYPES:
                # a managed policy used as a permissions boundary caps grants; it grants nothing itself
                role = "boundary" if lid in boundaries else "identity"
                self.document_property(typ, lid, props, "PolicyDocument", base, role)
                handled.add("PolicyDocument")
            elif typ == ORGANIZATIONS_POLICY:
                kind = props.get("Type")
                content = props.get("Content")
                if kind in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY") or (
                        not isinstance(kind, str) and isinstance(content, dict) and "Statement" in content):
                    self.document_property(typ, lid, props, "Content", base, "organization")
                handled.add("Content")
            elif typ == "AWS::SSO::PermissionSet":
                self.document_property(typ, lid, props, "InlinePolicy", base, "identity")
                self.managed_arns(typ, lid, props, "ManagedPolicies", base)
            elif typ.startswith(_SAM_RESOURCE) and "Policies" in props:
                self.sam_policies(typ, lid, props, base)
                handled.add("Policies")
            if typ == "AWS::Serverless::Api":
                self.sam_api_policy(typ, lid, props, base)
            for prop in RESOURCE_POLICY_PROPERTIES.get(typ, ()):
                self.document_property(typ, lid, props, prop, base, "resource")
                handled.add(prop)
            if typ == "AWS::EC2::VPCEndpoint":
                # An endpoint policy only limits what passes through the endpoint; it grants nothing.
                self.document_property(typ, lid, props, "PolicyDocument", base, "endpoint")
                handled.add("PolicyDocument")
            if typ == "AWS::CloudFormation::StackSet" and "TemplateBody" in props:
                self.stack_set_template(props["TemplateBody"], base + ("TemplateBody",))
                handled.add("TemplateBody")
            self.nested_policy_documents(typ, lid, props, base, handled)
        self.report_duplicates()
        try:
            _Credentials(self).run()
        except RecursionError:
            self.src.error("LP001", "document nested too deeply", Span(1, 1, 1, 1))
        except Exception as e:  # a bug here must not hide the template's other findings
            self.src.error("LP000", f"reading the credential facts of the template failed: {type(e).__name__}: {e}",
                           Span(1, 1, 1, 1), ("credentials",))

    # -- principals: who holds each document --------------------------------

    def attach_principals(self, docs: list) -> None:
        """Set ``principals`` of the documents of this template: a role's, user's or group's own
        policies and trust policy; a policy resource's ``Roles``/``Users``/``Groups`` (and
        ``RoleName``...), the principals naming it in ``ManagedPolicyArns`` or
        ``PermissionsBoundary``; a SAM function's policies (its generated role)."""
        holders: dict = {}
        by_name: dict = {}
        for lid, res in self.resources.items():
            if not isinstance(res, dict):
                continue
            typ = res.get("Type")
            props = res.get("Properties")
            props = props if isinstance(props, dict) else {}
            lid = str(lid)
            kind = None
            if typ in IAM_PRINCIPAL_TYPES:
                kind = str(typ).rsplit("::", 1)[-1].lower()
            elif isinstance(typ, str) and typ.startswith(_SAM_RESOURCE) and "Policies" in props:
                kind = "role"
            if kind is None:
                continue
            name_prop = {"role": "RoleName", "user": "UserName", "group": "GroupName"}[kind]
            iam_name = props.get(name_prop) if typ in IAM_PRINCIPAL_TYPES else None
            iam_name = str(iam_name) if isinstance(iam_name, str) and "${" not in iam_name else None
            ks = self.resources.key_span(lid) if isinstance(self.resources, LDict) else span_of(res)
            label = f"{typ} {lid}" if typ in IAM_PRINCIPAL_TYPES else f"{typ} {lid} (its role)"
            h = Holder(f"{self.src.path}::{'/'.join(map(str, self.prefix + (lid,)))}", label, kind, iam_name,
                       self.src.path, ks)
            holders[lid] = h
            if iam_name:
                by_name[(kind, iam_name)] = h
        if not holders:
            return
        attached: dict = {}  # policy resource logical ID -> [Holder]
        names = self.managed_policy_names()

        def add(policy_lid: Any, h: Holder) -> None:
            lst = attached.setdefault(str(policy_lid), [])
            if h not in lst:
                lst.append(h)

        for lid, res in self.resources.items():
            if not isinstance(res, dict):
                continue
            typ, props = res.get("Type"), res.get("Properties")
            if not isinstance(props, dict):
                continue
            lid = str(lid)
            if lid in holders and typ in IAM_PRINCIPAL_TYPES:
                for prop in ("ManagedPolicyArns", "PermissionsBoundary"):
                    value = props.get(prop)
                    for item in (value if isinstance(value, list) else [value]):
                        target = ref_target(item)
                        if target is None and names:
                            target = _policy_named_by_arn(item, names)  # arn:...:policy/<its ManagedPolicyName>
                        if target is not None:
                            add(target, holders[lid])
            elif typ in IAM_POLICY_TYPES:
                for prop, kind in (("Roles", "role"), ("Users", "user"), ("Groups", "group"),
                                   ("RoleName", "role"), ("UserName", "user"), ("GroupName", "group")):
                    value = props.get(prop)
                    for item in (value if isinstance(value, list) else [value]):
                        target = ref_target(item)
                        h = holders.get(target) if target is not None else None
                        if h is None and isinstance(item, str):
                            h = by_name.get((kind, str(item)))
                        if h is not None:
                            add(lid, h)
        n = len(self.prefix)
        for doc in docs:
            path = doc.origin.path
            if len(path) < n + 2 or path[n] != "Resources":
                continue
            lid = str(path[n + 1])
            if lid in holders and doc.role in ("identity", "trust"):
                doc.principals = [holders[lid]]
            elif lid in attached and doc.role in ("identity", "boundary"):
                doc.principals = list(attached[lid])

    # -- documents -------------------------------------------------------

    def label(self, typ: str, lid: str, prop_path: tuple) -> str:
        out = ""
        for p in prop_path:
            if isinstance(p, int):
                out += f"[{p}]"
            elif p == "Fn::If":
                out += ".Fn::If"
            else:
                out += ("." if out else "") + str(p)
        return f"{typ} {lid} {out}".rstrip()

    def document_property(self, typ: str, lid: str, props: dict, prop: str, base: tuple, role: str) -> None:
        if prop not in props:
            return
        self.document_value(props[prop], typ, lid, (prop,), base, role)

    def document_value(self, node: Any, typ: str, lid: str, rel: tuple, base: tuple, role: str) -> None:
        for value, suffix in self.resolver.variants(node):
            self.document(value, typ, lid, rel + suffix, base, role)

    @_guarded
    def document(self, node: Any, typ: str, lid: str, rel: tuple, base: tuple, role: str) -> None:
        branches = self.resolver.branches
        tree = self.document_tree(node)
        if tree is None:
            return
        origin = Origin(file=self.src.path, kind=KIND, label=self.label(typ, lid, rel), path=base + rel)
        tree = typed_resources(tree, self.typed_arn)
        if role == "auto":
            role = role_by_content(tree)
        doc = build_document(tree, origin, role=role)
        self.size_facts(doc, typ, lid, rel, whole=self.resolver.branches == branches)
        self.add(doc)

    def size_facts(self, doc: PolicyDocument, typ: str, lid: str, rel: tuple, whole: bool = True) -> None:
        """How the document is kept (``attachment``), whether its tree is what deploys (``sized``:
        the IAM and Organizations policies, unless an ``Fn::If`` inside it was resolved to both
        branches) and whether it may not deploy (``conditional``: the resource has a ``Condition``,
        or an ``Fn::If`` chooses the document)."""
        inline = rel[:1] == ("Policies",) and (typ in IAM_PRINCIPAL_TYPES or typ.startswith(_SAM_RESOURCE))
        if typ == "AWS::IAM::ManagedPolicy":
            doc.attachment = "managed"
        elif inline or typ in IAM_POLICY_TYPES:
            doc.attachment = "inline"
        # a permission set's inline policy has a quota of its own; resource policies one per service
        doc.sized = whole and (doc.attachment is not None or typ == ORGANIZATIONS_POLICY
                               or (typ == "AWS::IAM::Role" and rel[:1] == ("AssumeRolePolicyDocument",)))
        res = self.resources.get(lid)
        doc.conditional = "Fn::If" in rel or (isinstance(res, dict) and "Condition" in res)

    def document_tree(self, node: Any) -> Optional[Any]:
        """The resolved mapping of a policy document written as a mapping or a JSON string."""
        if isinstance(node, dict) and len(node) == 1 and next(iter(node)) in ("Fn::Sub", "Fn::Join"):
            value = self.resolver.resolve(node)
            if not isinstance(value, LStr):
                return None
            arg = node.get("Fn::Sub")
            if isinstance(arg, str):
                return self.json_document(value, arg, exact=True)
            return self.json_document(value, value, exact=False)
        if isinstance(node, str):
            return self.json_document(node, node, exact=True)
        if not isinstance(node, dict):
            return None  # Ref, GetAtt, ImportValue...: the document is not in this file
        if len(node) == 1 and (next(iter(node)) == "Ref" or str(next(iter(node))).startswith("Fn::")):
            return None
        tree = self.resolver.resolve(node)
        return tree if isinstance(tree, dict) else None

    @_guarded
    def stack_set_template(self, body: Any, prefix: tuple) -> None:
        """The template a StackSet deploys to every account (``TemplateBody``: a YAML or JSON string,
        usually a block scalar, or a mapping): linted as a template of its own, at its place in
        the file."""
        tree = body if isinstance(body, dict) else None
        if isinstance(body, LStr) and "Resources" in body:
            text = str(body)
            mapper = string_mapper(self.text_index, body, text)
            try:
                if text.lstrip().startswith("{"):
                    from ..parsers.json_loc import parse_json

                    tree = parse_json(text, mapper=mapper)
                else:
                    from ..parsers import yaml_loc
                    from ..parsers.json_loc import _remap

                    docs = yaml_loc.parse_yaml_stream(text)
                    tree = docs[0] if docs else None
                    if tree is not None:
                        _remap(tree, mapper)
            except ParseError:
                return  # not read (a body CloudFormation builds with !Sub or !Join may not parse alone)
        if isinstance(tree, dict) and isinstance(tree.get("Resources"), dict):
            extract_resources(self.src, tree, prefix)

    def typed_arn(self, v: Any) -> Any:
        """A Resource value that is the ARN of a resource of this template (``!GetAtt Bucket.Arn``,
        ``!Sub "${Bucket.Arn}/*"``): unresolved, with the service of its type (``AWS::S3::Bucket``: s3)."""
        if isinstance(v, Unresolved):
            if v.kind == "Fn::GetAtt" and v.service is None and v.text.endswith("Arn"):
                lid = v.text[len("!GetAtt "):].split(".", 1)[0]
                svc = self.service_of(lid)
                return Unresolved(v.text, v.kind, v.span, svc, self.sagemaker_type_of(lid)) if svc else v
            return v
        if isinstance(v, str) and v.startswith("${"):
            end = v.find("}")
            name, dot, attr = v[2:end].partition(".") if end > 0 else ("", "", "")
            if dot and attr.endswith("Arn") and (end + 1 == len(v) or v[end + 1] in "/:"):
                svc = self.service_of(name)
                if svc:
                    return Unresolved(str(v), "Fn::Sub", span_of(v), svc)
        return v

    def sagemaker_type_of(self, lid: str) -> Optional[str]:
        """The SageMaker resource type of the template's ``AWS::SageMaker::*`` resource ``lid``
        (``AWS::SageMaker::NotebookInstance``: notebook-instance), or None."""
        res = self.resources.get(lid) if isinstance(self.resources, dict) else None
        typ = res.get("Type") if isinstance(res, dict) else None
        if not isinstance(typ, str) or not typ.startswith("AWS::SageMaker::"):
            return None
        from .. import kb

        return kb.sagemaker_type_named(typ[len("AWS::SageMaker::"):])

    def service_of(self, lid: str) -> Optional[str]:
        """The service of the template's resource ``lid`` (``AWS::S3::Bucket``: s3), or None."""
        res = self.resources.get(lid) if isinstance(self.resources, dict) else None
        typ = res.get("Type") if isinstance(res, dict) else None
        if not isinstance(typ, str) or not typ.startswith("AWS::") or typ.count("::") != 2:
            return None
        return typ.split("::")[1].lower()

    def json_document(self, value: Any, written: Any, exact: bool) -> Optional[Any]:
        """Parse a policy written as a JSON string; positions map into the template.

        ``written`` is the string as it appears in the file (``exact``), or the value
        was computed (``!Join``, ``!Sub`` with variables) and every position is the
        start of the expression.
        """
        from ..parsers.json_loc import parse_json

        text = str(value)
        if not text.strip():
            return None
        if exact:
            mapper = string_mapper(self.text_index, written, text)
        else:
            start = span_of(value)
            mapper = lambda line, col: (start.line, start.col)  # noqa: E731
        try:
            tree = parse_json(text, mapper=mapper)
        except ParseError as e:
            self.src.error("LP002", f"policy document string is not valid JSON: {e.message}", e.span)
            return None
        self.json_trees.append(tree)
        return tree if isinstance(tree, dict) else None

    def add(self, doc: PolicyDocument) -> None:
        self.src.documents.append(doc)
        raw = doc.raw
        self.covered.add(id(self.resolver.origin_of.get(id(raw), raw)))
        stmts = raw.get("Statement") if isinstance(raw, dict) else None
        for s in (stmts if isinstance(stmts, list) else [stmts]):
            if isinstance(s, dict):
                self.covered.add(id(self.resolver.origin_of.get(id(s), s)))
        for st in doc.statements:
            self.src.blocks.append(st.span)

    # -- IAM principals: inline and managed ------------------------------

    def inline_policies(self, typ: str, lid: str, props: dict, base: tuple) -> None:
        pols = props.get("Policies")
        if pols is None:
            return
        for lst, suffix in self.resolver.variants(pols):
            if not isinstance(lst, list):
                continue
            for i, item in enumerate(lst):
                for entry, s2 in self.resolver.variants(item):
                    if isinstance(entry, dict) and "PolicyDocument" in entry:
                        rel = ("Policies",) + suffix + (i,) + s2 + ("PolicyDocument",)
                        self.document_value(entry["PolicyDocument"], typ, lid, rel, base, "identity")

    def managed_arns(self, typ: str, lid: str, props: dict, prop: str, base: tuple) -> None:
        if prop not in props:
            return
        value = self.resolver.resolve(props[prop])
        items = value if isinstance(value, list) else [value]
        if isinstance(value, Alts):
            items = [x for a in value for x in (a if isinstance(a, list) else [a])]
        for i, item in enumerate(items):
            self.managed_ref(item, typ, lid, (prop, i), base)

    @_guarded
    def managed_ref(self, item: Any, typ: str, lid: str, rel: tuple, base: tuple) -> None:
        if isinstance(item, LStr) or isinstance(item, Unresolved):
            val = Val(str(item) if isinstance(item, LStr) else item, span_of(item), base + rel)
            self.src.managed_refs.append(ManagedPolicyRef.of(
                val, Origin(self.src.path, KIND, self.label(typ, lid, rel), base + rel)))
        if isinstance(item, Unresolved) and item.kind == "Ref":
            self.default_managed_refs(item, typ, lid, rel, base)

    def default_managed_refs(self, item: Unresolved, typ: str, lid: str, rel: tuple, base: tuple) -> None:
        """``!Ref Param`` of a parameter whose ``Default`` is (or lists) an AWS managed policy ARN:
        what deploys unless someone passes another value, reported at the default."""
        name = item.text.split(" ", 1)[-1].strip()
        params = self.tree.get("Parameters")
        body = params.get(name) if isinstance(params, dict) else None
        default = body.get("Default") if isinstance(body, dict) else None
        if not isinstance(default, LStr) or ":iam::aws:policy/" not in default:
            return
        label = f"{self.label(typ, lid, rel)} (the default of parameter {name})"
        if "," not in default:
            parts = [(str(default), span_of(default))]
        else:  # a CommaDelimitedList: each ARN at its place when the default is written on one line
            sp = span_of(default)
            parts = []
            one_line = sp.line == sp.end_line and sp.end_col - sp.col >= len(default)
            text = str(default)
            start = 0
            for piece in text.split(","):
                off = start + len(piece) - len(piece.lstrip())
                arn = piece.strip()
                col = sp.col + (sp.end_col - sp.col - len(text)) // 2 + off if one_line else None
                parts.append((arn, Span(sp.line, col, sp.line, col + len(arn)) if col is not None else sp))
                start += len(piece) + 1
        path = self.prefix + ("Parameters", name, "Default")
        for arn, at in parts:
            if ":iam::aws:policy/" in arn:
                self.src.managed_refs.append(ManagedPolicyRef.of(
                    Val(arn, at, path), Origin(self.src.path, KIND, label, path),
                    f"the default of parameter {name}, attached unless the stack is given another value"))

    # -- SAM -------------------------------------------------------------

    def sam_policies(self, typ: str, lid: str, props: dict, base: tuple) -> None:
        pols = props["Policies"]
        for value, suffix in self.resolver.variants(pols):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    for entry, s2 in self.resolver.variants(item):
                        self.sam_policy(entry, typ, lid, ("Policies",) + suffix + (i,) + s2,
                                        base)
            else:
                self.sam_policy(value, typ, lid, ("Policies",) + suffix, base)

    @_guarded
    def sam_policy(self, entry: Any, typ: str, lid: str, rel: tuple, base: tuple) -> None:
        if isinstance(entry, str):
            self.managed_ref(entry, typ, lid, rel, base)
            return
        if not isinstance(entry, dict) or not entry:
            return
        key = str(next(iter(entry)))
        if len(entry) == 1 and (key == "Ref" or key.startswith("Fn::")):
            v = self.resolver.resolve(entry)
            for x in (v if isinstance(v, Alts) else [v]):
                if isinstance(x, dict) and "Statement" in x:
                    self.document(x, typ, lid, rel, base, "identity")
                else:
                    self.managed_ref(x, typ, lid, rel, base)
            return
        if "Statement" in entry:
            self.document(entry, typ, lid, rel, base, "identity")
            return
        if len(entry) == 1 and key in SAM_POLICY_TEMPLATES:
            tree = self.sam_template(key, entry)
            origin = Origin(self.src.path, KIND, self.label(typ, lid, rel + (key,)), base + rel + (key,))
            doc = build_document(tree, origin, role="identity")
            self.size_facts(doc, typ, lid, rel)
            self.add(doc)

    def sam_template(self, name: str, entry: dict) -> LDict:
        key_span = entry.key_span(name) if isinstance(entry, LDict) else span_of(entry)
        params = entry[name]
        params = self.resolver.resolve(params) if isinstance(params, dict) else {}
        stmts = LList(span=span_of(entry))
        for actions, resources in SAM_POLICY_TEMPLATES[name]:
            st = LDict(span=span_of(entry))
            st["Effect"] = LStr("Allow", key_span)
            st["Action"] = LList([LStr(a, key_span) for a in actions], span=key_span)
            res = LList(span=key_span)
            for pattern in resources:
                text, where = _fill(pattern, params, key_span, self.resolver)
                res.append(LStr(text, where))
            st["Resource"] = res
            for k in st:
                st.key_spans[k] = key_span
            stmts.append(st)
        doc = LDict(span=span_of(entry))
        doc["Version"] = LStr("2012-10-17", key_span)
        doc["Statement"] = stmts
        for k in doc:
            doc.key_spans[k] = key_span
        return doc

    def sam_api_policy(self, typ: str, lid: str, props: dict, base: tuple) -> None:
        """``Auth.ResourcePolicy.CustomStatements`` of a SAM API: statements SAM adds to the
        API's resource policy."""
        auth = props.get("Auth")
        rp = auth.get("ResourcePolicy") if isinstance(auth, dict) else None
        stmts = rp.get("CustomStatements") if isinstance(rp, dict) else None
        if not isinstance(stmts, (list, dict)):
            return
        ks = rp.key_span("CustomStatements") if isinstance(rp, LDict) else span_of(stmts)
        tree = LDict(span=span_of(stmts, ks))
        tree["Statement"] = self.resolver.resolve(stmts)
        tree.key_spans["Statement"] = ks
        origin = Origin(file=self.src.path, kind=KIND, label=self.label(typ, lid, ("Auth", "ResourcePolicy")),
                        path=base + ("Auth", "ResourcePolicy"))
        self.add(build_document(tree, origin, role="resource",
                                statements_path=base + ("Auth", "ResourcePolicy", "CustomStatements")))

    # -- anything else ---------------------------------------------------

    @_guarded
    def nested_policy_documents(self, typ: str, lid: str, props: dict, base: tuple, handled: set) -> None:
        """Any property named ``PolicyDocument`` anywhere under ``Properties`` (but ``handled``)."""
        stack: list[tuple[Any, tuple, int]] = [(v, (str(k),), 1) for k, v in props.items()
                                                if str(k) not in handled and isinstance(v, (dict, list))]
        if "PolicyDocument" in props and "PolicyDocument" not in handled:
            self.document_value(props["PolicyDocument"], typ, lid, ("PolicyDocument",), base, "auto")
        seen: set[int] = set()
        while stack:
            node, rel, depth = stack.pop()
            if id(node) in seen or depth > 60:
                continue
            seen.add(id(node))
            if isinstance(node, dict):
                for k, v in node.items():
                    if k == "PolicyDocument":
                        self.document_value(v, typ, lid, rel + ("PolicyDocument",), base, "auto")
                    elif isinstance(v, (dict, list)):
                        stack.append((v, rel + (str(k),), depth + 1))
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    if isinstance(v, (dict, list)):
                        stack.append((v, rel + (i,), depth + 1))

    def report_duplicates(self) -> None:
        """LP002 for duplicate keys in policy documents and in the resources that hold them
        (a second ``PolicyDocument`` or logical ID silently replaces the first). Duplicates
        elsewhere in a template (a function's environment) are not about policies."""
        top = self.prefix + ("Resources",)
        n = len(top)
        holders = {d.origin.path[n] for d in self.src.documents if d.origin.path[:n] == top and len(d.origin.path) > n}
        holders |= {r.origin.path[n] for r in self.src.managed_refs
                    if r.origin.path[:n] == top and len(r.origin.path) > n}
        for key, span in getattr(self.resources, "duplicates", ()):
            if key in holders:
                self.src.error("LP002", f"duplicate key {key!r} (the last one wins)", span, top + (key,))
        for lid in sorted(holders):
            res = self.resources.get(lid)
            if isinstance(res, dict):
                base = top + (lid,)
                for key, span in getattr(res, "duplicates", ()):
                    if key in ("Type", "Properties"):
                        self.src.error("LP002", f"duplicate key {key!r} (the last one wins)", span, base + (key,))
                props = res.get("Properties")
                if isinstance(props, dict):
                    for key, span in getattr(props, "duplicates", ()):
                        if key in POLICY_HOLDING_PROPERTIES or key in RESOURCE_POLICY_PROPERTIES.get(res.get("Type"), ()):
                            self.src.error("LP002", f"duplicate key {key!r} (the last one wins)", span,
                                           base + ("Properties", key))
        # the documents as written (the resolver may have copied them to fill in intrinsics)
        docs = [d for d in self.src.documents if d.origin.path[:n] == top]
        nested_duplicates(self.src, [(self.resolver.origin_of.get(id(d.raw), d.raw), d.origin.path) for d in docs],
                          self.covered)


# ---------------------------------------------------------------------------
# Credential facts: access keys, where their secrets go, parameters, IAM users

ACCESS_KEY = "AWS::IAM::AccessKey"
#: Resource types whose presence makes the template worth a look for credential facts.
_CREDENTIAL_TYPES = frozenset((ACCESS_KEY, "AWS::IAM::User", "AWS::IAM::UserPolicy", "AWS::IAM::Policy",
                               "AWS::IAM::ManagedPolicy"))
#: Resource type -> (property path, kind of place). ``*`` in a path is every element of a
#: list; a path ending in a property names the value written there.
_SINKS: dict = {
    "AWS::SageMaker::Model": ((("PrimaryContainer", "Environment"), "container-env"),
                              (("Containers", "*", "Environment"), "container-env")),
    "AWS::SageMaker::NotebookInstanceLifecycleConfig": ((("OnCreate",), "lifecycle-config"),
                                                        (("OnStart",), "lifecycle-config")),
    "AWS::SageMaker::StudioLifecycleConfig": ((("StudioLifecycleConfigContent",), "lifecycle-config"),),
    "AWS::Lambda::Function": ((("Environment",), "function-env"),),
    "AWS::Serverless::Function": ((("Environment",), "function-env"),),
    "AWS::ECS::TaskDefinition": ((("ContainerDefinitions",), "task-env"),),
    "AWS::EC2::Instance": ((("UserData",), "user-data"),),
    "AWS::EC2::LaunchTemplate": ((("LaunchTemplateData", "UserData"), "user-data"),),
    "AWS::AutoScaling::LaunchConfiguration": ((("UserData",), "user-data"),),
    "AWS::SecretsManager::Secret": ((("SecretString",), "secret-store"),),
    "AWS::SSM::Parameter": ((("Value",), "ssm"),),
}
_SECRET_ATTR = "SecretAccessKey"
_SUB_REF = re.compile(r"\$\{([A-Za-z0-9]+)\.SecretAccessKey\}")


class _Credentials:
    """The credential facts of one template (see :class:`~linter.model.CredentialFacts`)."""

    def __init__(self, t: _Template) -> None:
        self.t = t
        self.src = t.src
        self.top = t.prefix + ("Resources",)
        self.keys: dict = {}

    def run(self) -> None:
        t = self.t
        self.parameters()
        types = {}
        for lid, res in t.resources.items():
            if isinstance(res, dict) and isinstance(res.get("Type"), str):
                types[str(lid)] = str(res["Type"])
        if not _CREDENTIAL_TYPES.intersection(types.values()):
            return
        for lid, typ in types.items():
            if typ == ACCESS_KEY:
                self.access_key(lid)
        if self.keys:
            self.flows(types)
        self.user_grants(types)

    def facts(self):
        return self.src.credential_facts()

    def parameters(self) -> None:
        from ..model import SecretInput

        params = self.t.tree.get("Parameters")
        if not isinstance(params, dict):
            return
        for name, body in params.items():
            if not isinstance(body, dict):
                continue
            no_echo = body.get("NoEcho")
            value = no_echo.value if isinstance(no_echo, LScalar) else no_echo
            if no_echo is None:
                hidden = False
            elif isinstance(value, bool):
                hidden = value
            elif isinstance(value, str) and value.lower() in ("true", "false"):
                hidden = value.lower() == "true"
            else:
                hidden = None
            span = params.key_span(name) if isinstance(params, LDict) else span_of(body)
            typ = body.get("Type")
            typ = str(typ) if isinstance(typ, str) else ""
            allowed = body.get("AllowedValues")
            if isinstance(allowed, list) and allowed and all(
                    isinstance(getattr(v, "value", v), (str, bool))
                    and str(getattr(v, "value", v)).lower() in ("true", "false") for v in allowed):
                typ = "bool"  # a switch: AllowedValues [true, false]
            self.facts().inputs.append(SecretInput(str(name), f"Parameter {name}", span,
                                                   self.t.prefix + ("Parameters", str(name)), hidden, "NoEcho: true",
                                                   typ))

    def access_key(self, lid: str) -> None:
        from ..model import AccessKey

        res = self.t.resources
        span = res.key_span(lid) if isinstance(res, LDict) else span_of(res[lid])
        key = AccessKey(lid, f"{ACCESS_KEY} {lid}", span, self.top + (lid,), "template")
        self.keys[lid] = key
        self.facts().keys.append(key)

    # -- where the secrets go --------------------------------------------

    def flows(self, types: dict) -> None:
        t = self.t
        outputs = t.tree.get("Outputs")
        if isinstance(outputs, dict):
            for name, body in outputs.items():
                if isinstance(body, dict) and "Value" in body:
                    sink = "exported-output" if body.get("Export") is not None else "output"
                    path = t.prefix + ("Outputs", str(name), "Value")
                    self.flows_in(body["Value"], sink, str(name), f"Output {name}", path)
        globs = t.tree.get("Globals")
        fn = globs.get("Function") if isinstance(globs, dict) else None
        if isinstance(fn, dict) and "Environment" in fn:  # SAM: every function's environment
            self.flows_in(fn["Environment"], "function-env", "Globals", "Globals Function",
                          t.prefix + ("Globals", "Function", "Environment"))
        for lid, typ in types.items():
            sinks = _SINKS.get(typ)
            if sinks is None:
                continue
            props = t.resources[lid].get("Properties")
            if not isinstance(props, dict):
                continue
            label = f"{typ} {lid}"
            for prop_path, sink in sinks:
                if sink == "ssm":
                    kind = props.get("Type")
                    if not isinstance(kind, str):
                        continue  # a Ref: the kind of parameter is not known
                    sink = "secure-parameter" if str(kind) == "SecureString" else "ssm-string"
                for node, path in _at(props, prop_path, self.top + (lid, "Properties")):
                    self.flows_in(node, sink, lid, label, path)

    def flows_in(self, node: Any, sink: str, name: str, label: str, path: tuple) -> None:
        from ..model import SecretFlow

        for lid, span, p in self.secret_refs(node, path, 0):
            self.facts().flows.append(SecretFlow(self.keys[lid], sink, name, label, span, p))

    def secret_refs(self, node: Any, path: tuple, depth: int) -> list:
        """``(key logical ID, span, path)`` of every reference to the secret of a key of this
        template in a value: ``Fn::GetAtt`` (both forms), ``${Key.SecretAccessKey}`` in an
        ``Fn::Sub``, and inside any other function (``Fn::Join``, ``Fn::If``, ``Fn::Base64``,
        the variables of an ``Fn::Sub``)."""
        out: list = []
        if depth > 60:
            return out
        if isinstance(node, dict):
            if len(node) == 1:
                key = next(iter(node))
                arg = node[key]
                if key == "Fn::GetAtt":
                    parts = None
                    if isinstance(arg, list) and len(arg) == 2:
                        parts = arg
                    elif isinstance(arg, str) and "." in arg:
                        parts = str(arg).split(".", 1)
                    if parts and parts[0] in self.keys and parts[1] == _SECRET_ATTR:
                        out.append((str(parts[0]), span_of(node), path + ("Fn::GetAtt",)))
                    return out
                if key == "Fn::Sub":
                    text = arg[0] if isinstance(arg, list) and arg else arg
                    if isinstance(text, str) and _SECRET_ATTR in text:
                        for m in _SUB_REF.finditer(str(text)):
                            if m.group(1) in self.keys:
                                out.append((m.group(1), self.span_in(text, m.start(), m.end()),
                                            path + ("Fn::Sub",)))
                    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
                        out += self.secret_refs(arg[1], path + ("Fn::Sub", 1), depth + 1)
                    return out
            for k, v in node.items():
                if isinstance(v, (dict, list)):
                    out += self.secret_refs(v, path + (str(k),), depth + 1)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, (dict, list)):
                    out += self.secret_refs(v, path + (i,), depth + 1)
        return out

    def span_in(self, text: Any, start: int, end: int) -> Span:
        """The span of ``text[start:end]`` in the file (the whole string where it cannot be told)."""
        index = self.t.text_index
        value = str(text)
        mapper = string_mapper(index, text, value)

        def where(off: int) -> tuple:
            line = value.count("\n", 0, off) + 1
            col = off - (value.rfind("\n", 0, off) + 1) + 1
            return mapper(line, col)

        (l0, c0), (l1, c1) = where(start), where(end)
        if (l1, c1) <= (l0, c0):
            return span_of(text)
        return Span(l0, c0, l1, c1)

    # -- IAM users -------------------------------------------------------

    def user_grants(self, types: dict) -> None:
        """Policies attached directly to an IAM user of the template: its ``Policies`` and
        ``ManagedPolicyArns``, ``AWS::IAM::UserPolicy``, and policies whose ``Users`` list one."""
        from ..model import UserGrant

        res = self.t.resources
        users = {lid for lid, typ in types.items() if typ == "AWS::IAM::User"}
        holders: dict = {lid: lid for lid in users}  # resource whose documents apply to users -> user text
        for lid, typ in types.items():
            props = res[lid].get("Properties")
            if not isinstance(props, dict):
                continue
            if typ == "AWS::IAM::UserPolicy":
                holders[lid] = _names(props.get("UserName"))
            elif typ in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
                named = props.get("Users")
                if isinstance(named, list) and named:
                    holders[lid] = ", ".join(_names(u) for u in named)
            elif typ == "AWS::IAM::User":
                arns = props.get("ManagedPolicyArns")
                for a in arns if isinstance(arns, list) else ():
                    if isinstance(a, dict) and isinstance(a.get("Ref"), str) and \
                            types.get(str(a["Ref"])) == "AWS::IAM::ManagedPolicy":
                        holders.setdefault(str(a["Ref"]), lid)
        if not holders:
            return
        n = len(self.top)
        for d in self.src.documents:
            p = d.origin.path
            if p[:n] == self.top and len(p) > n and p[n] in holders and d.role == "identity":
                self.facts().user_grants.append(UserGrant(holders[p[n]], document=d))
        for r in self.src.managed_refs:
            p = r.origin.path
            if p[:n] == self.top and len(p) > n + 2 and p[n] in users and p[n + 2] == "ManagedPolicyArns":
                self.facts().user_grants.append(UserGrant(p[n], managed=r))


def _names(node: Any) -> str:
    """How a template names a user: the logical ID it refers to, or the literal name."""
    if isinstance(node, dict) and isinstance(node.get("Ref"), str):
        return str(node["Ref"])
    if isinstance(node, str):
        return str(node)
    return ""


def _at(node: Any, path: tuple, base: tuple) -> list:
    """``(value, logical path)`` at ``path`` under ``node`` (``*``: every list element)."""
    out = [(node, base)]
    for step in path:
        nxt = []
        for v, p in out:
            if step == "*":
                if isinstance(v, list):
                    nxt += [(x, p + (i,)) for i, x in enumerate(v)]
            elif isinstance(v, dict) and step in v:
                nxt.append((v[step], p + (step,)))
        out = nxt
    return out


def nested_duplicates(src, roots: list, covered: set) -> None:
    """LP002 for the duplicate keys inside policy documents (``roots``: (tree, logical path))
    that building the documents did not report (``covered``: ids of the mappings it did:
    document roots and statements); a Condition's keys, a principal's..."""
    seen: set[int] = set()
    for root, path in roots:
        stack = [(root, path)]
        while stack:
            node, p = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, dict):
                if id(node) not in covered:
                    for key, span in getattr(node, "duplicates", ()):
                        src.error("LP002", f"duplicate key {key!r} (the last one wins)", span, p + (key,))
                for k, v in node.items():
                    if isinstance(v, (dict, list)):
                        stack.append((v, p + (str(k),)))
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    if isinstance(v, (dict, list)):
                        stack.append((v, p + (i,)))


_PARAM = re.compile(r"\{([A-Za-z0-9]+)\}")


def _fill(pattern: str, params: Any, default_span: Span, resolver: Resolver) -> tuple[str, Span]:
    """A SAM template resource pattern with its parameters filled in (as SAM's Fn::Sub would)."""
    where = default_span
    out = []
    last = 0
    for m in _PARAM.finditer(pattern):
        if m.start() > 0 and pattern[m.start() - 1] == "$":
            continue  # ${AWS::...} placeholders are not parameters
        name = m.group(1)
        value = params.get(name) if isinstance(params, dict) else None
        rep = resolver.placeholder(value) if value is not None else None
        if value is not None:
            where = span_of(value, default_span)
        out.append(pattern[last:m.start()])
        out.append(rep if rep is not None else "${%s}" % name)
        last = m.end()
    out.append(pattern[last:])
    return "".join(out), where


# ---------------------------------------------------------------------------
# Suppressions written as data: Metadata

def _resources(tree: Any) -> dict:
    res = tree.get("Resources") if isinstance(tree, dict) else None
    if not isinstance(res, dict):
        return {}
    out = {}
    for rid, body in res.items():
        ks = res.key_span(rid) if hasattr(res, "key_span") else getattr(body, "span", Span(1, 1, 1, 1))
        out[str(rid)] = (ks, body)
    return out


def directives(src: Any) -> list:
    """Suppressions in ``Metadata: {lint-policies: {ignore: [{id, reason}]}}``: at template
    level (the file) and on a resource (that resource)."""
    tree = next((t for t in src.trees if is_template(t)), None)
    if tree is None:
        return []
    out: list = []
    out += _metadata_entries(tree.get("Metadata"), ("Metadata",), "file", None, None)
    for rid, (key_span, body) in _resources(tree).items():
        if not isinstance(body, dict):
            continue
        bspan = getattr(body, "span", key_span)
        region = Span(key_span.line, key_span.col, max(bspan.end_line, key_span.end_line),
                      bspan.end_col if bspan.end_line >= key_span.end_line else key_span.end_col)
        out += _metadata_entries(body.get("Metadata"), ("Resources", rid, "Metadata"), "resource",
                                 region, ("Resources", rid))
    return out


def _metadata_entries(meta: Any, path: tuple, scope: str, region: Optional[Span],
                      prefix: Optional[tuple]) -> list:
    from ..suppress import CODE, Directive

    if not isinstance(meta, dict):
        return []
    key = next((k for k in meta if str(k).lower() == "lint-policies"), None)
    if key is None:
        return []
    lp = meta[key]
    path = path + (str(key),)
    default = meta.key_span(key) if hasattr(meta, "key_span") else span_or(meta, Span(1, 1, 1, 1))
    out: list = []
    shape = "expected `lint-policies: {ignore: [{id: SM101, reason: \"...\"}]}`"

    def bad(msg: str, node: Any, p: tuple) -> None:
        out.append(Directive([], "", span_or(node, default), scope, f"metadata {msg}", form="metadata",
                             logical_path=p, problem=f"malformed Metadata suppression: {msg}; {shape}"))

    if not isinstance(lp, dict):
        bad("lint-policies is not a mapping", lp, path)
        return out
    unknown = [k for k in lp if str(k) != "ignore"]
    if unknown:
        bad(f"unknown key {str(unknown[0])!r}", lp, path + (str(unknown[0]),))
    items = lp.get("ignore")
    if items is None:
        return out
    if not isinstance(items, list):
        bad("ignore is not a list", items, path + ("ignore",))
        return out
    for i, item in enumerate(items):
        p = path + ("ignore", i)
        if isinstance(item, str):  # a bare code: allowed, but it has no reason
            ids, reason, at = item, "", item
        elif isinstance(item, dict):
            ids = item.get("id")
            reason = item.get("reason", "")
            at = item
            extra = [k for k in item if str(k) not in ("id", "reason")]
            if extra:
                bad(f"unknown key {str(extra[0])!r} in an ignore entry", item, p + (str(extra[0]),))
                continue
        else:
            bad("an ignore entry is neither a code nor a mapping", item, p)
            continue
        if isinstance(ids, str):
            codes = [c.strip().upper() for c in re.split(r"[,\s]+", ids) if c.strip()]
        elif isinstance(ids, list) and all(isinstance(x, str) for x in ids):
            codes = [str(x).strip().upper() for x in ids if str(x).strip()]
        else:
            bad("an ignore entry has no `id`", item, p)
            continue
        if not codes or any(not re.match(CODE, c) for c in codes):
            bad(f"invalid rule code in {ids!r}", item, p)
            continue
        if not isinstance(reason, str):
            reason = str(getattr(reason, "value", reason) or "")
        d = Directive(list(dict.fromkeys(codes)), reason.strip(), span_or(at, default), scope,
                      f"metadata ignore[{','.join(codes)}]", region=region, path_prefix=prefix,
                      form="metadata", logical_path=p)
        d.hint = "add `reason:` to the Metadata ignore entry"
        out.append(d)
    return out


def _policy_named_by_arn(value: Any, names: dict) -> Optional[str]:
    """The logical ID of the template's managed policy an ARN names by its ``ManagedPolicyName``
    (``arn:aws:iam::123456789012:policy/jobs``, ``!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/jobs``),
    or None."""
    text = value.get("Fn::Sub") if isinstance(value, dict) and len(value) == 1 else value
    if isinstance(text, list) and text:
        text = text[0]
    if isinstance(text, str) and ":policy/" in text:
        return names.get(text.rsplit("/", 1)[-1])
    return None
