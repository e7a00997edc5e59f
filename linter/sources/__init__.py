"""Input formats: from a file on disk to policy documents with their origin and role.

:data:`FORMATS` is the one table of formats; :func:`load` reads a file, picks its format
from the table (by name, then by what the parsed content is), parses it once and lets the
format's module extract the documents. The contract a format module follows is in
:mod:`linter.sources.base`. Parsers and format modules are imported lazily, so a run over
JSON policies never imports YAML or tree-sitter.

Adding a format is one module plus one row here (and its tests and docs).
"""
from __future__ import annotations

import functools

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from ..located import ParseError, Span
from .base import (DEFAULT_MAX_FILE_SIZE, Format, SourceFile, check_text, looks_like_policy_source,  # noqa: F401
                   read_file)

#: Policies written as templates (Terraform template syntax, then Jinja): see policy_template.
POLICY_TEMPLATE_EXT = (".json.tpl", ".json.tftpl", ".tftpl", ".json.tmpl", ".json.j2", ".json.jinja",
                       ".json.jinja2")

#: Every input format, in the order they are asked. A format that claims a file by name
#: (``suffixes``, ``names``) reads it; otherwise the file is parsed by its extension's syntax
#: (``.json``; ``.yaml``/``.yml``/``.template``; a file with no extension that starts with
#: ``{``) and the formats of that syntax are asked, in this order, whether it is theirs.
FORMATS: tuple = (
    Format("policy-template", "policy_template", "own", suffixes=POLICY_TEMPLATE_EXT),
    Format("terraform-json", "terraform_json", "json", suffixes=(".tf.json",), always_source=True,
           unit="directory"),
    Format("terraform", "terraform", "own", suffixes=(".tf", ".tfvars"), comments="hcl", always_source=True,
           unit="directory"),
    Format("serverless-code", "serverless_code", "own", comments="js",
           names=("serverless.ts", "serverless.js", "serverless.mjs", "serverless.cjs"),
           markers=("iamRoleStatements", "statements", "Statement", "managedPolicies", "iamManagedPolicies",
                    ":iam::aws:policy/")),
    Format("python", "python_code", "own", suffixes=(".py",), comments="python",
           markers=("aws_cdk", '"Statement"', "'Statement'", ":iam::aws:policy/", "create_access_key")),
    Format("typescript", "typescript_code", "own", suffixes=(".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs",
                                                             ".cjs"), comments="js", markers=("aws-cdk",)),
    Format("notebook", "notebook", "own", suffixes=(".ipynb",), comments="python",
           markers=("aws_cdk", 'Statement\\"', "'Statement'", ":iam::aws:policy/", "policy-document",
                    "create_access_key")),
    Format("shell", "shell", "own", suffixes=(".sh", ".bash"), comments="yaml",
           markers=("Statement", ":iam::aws:policy/", "policy-document")),
    Format("serverless", "serverless", "json yaml",
           names=("serverless.yml", "serverless.yaml", "serverless.json")),
    Format("policy-json", "policy_json", "json"),
    Format("cloudformation", "cloudformation", "json yaml"),
    Format("ci", "ci_script", "yaml"),
    Format("terraform-plan", "terraform_plan", "json"),
)

BY_NAME: dict = {f.name: f for f in FORMATS}

#: Modules of the formats whose files read fragments from other files (``adopt(src)``).
_ADOPTERS = ("serverless",)

#: File name endings read by their syntax when no format claims them by name. Terraform state
#: (``terraform.tfstate``, its ``.backup``) holds every secret Terraform made in plain text (an
#: ``aws_iam_access_key``'s secret): a committed one is read for the credential rules.
_SYNTAX_BY_SUFFIX = ((".json", "json"), (".yaml", "yaml"), (".yml", "yaml"), (".template", "auto"),
                     (".tfstate", "json"), (".tfstate.backup", "json"),
                     # read for the credential rules only (text): environment files
                     (".env", "text"),)


def _env_file(low: str) -> bool:
    """Files read as text for the credential rules only: environment files (``.env``,
    ``.env.example``), the AWS CLI's ``.aws/credentials`` and ``.aws/config``, the access key CSV
    the IAM console downloads (``ml-user_accessKeys.csv``, ``credentials.csv``), Dockerfiles, and
    configuration files (``.ini``, ``.cfg``, ``.conf``, ``.toml``, ``.properties``)."""
    parts = low.replace("\\", "/").rsplit("/", 2)
    base = parts[-1]
    if base.startswith(".env") or (base.endswith(_CONFIG_SUFFIXES) and base not in _OWN_CONFIG):
        return True
    if base in ("credentials", "config") and len(parts) > 1 and parts[-2] == ".aws":
        return True
    if base.endswith(".csv") and ("accesskeys" in base or "credentials" in base):
        return True
    return base == "dockerfile" or base.startswith("dockerfile.") or base.endswith(".dockerfile")


#: The linter's own configuration files: not read as sources.
_OWN_CONFIG = (".lint-policies.toml", "lint-policies.toml")
#: Configuration files read for the credential rules only.
_CONFIG_SUFFIXES = (".ini", ".cfg", ".conf", ".toml", ".properties", ".s3cfg")


def format_for_name(name: str) -> Optional[Format]:
    """The format that claims a file by its name, if one does (by its base name: a format claims
    whole names and endings, and no ending holds a slash)."""
    return _format_for_base(name.lower().replace("\\", "/").rsplit("/", 1)[-1])


@functools.lru_cache(maxsize=4096)
def _format_for_base(base: str) -> Optional[Format]:
    # a file's name is looked up several times (discovery, its unit, its read)
    for f in FORMATS:
        if (f.suffixes or f.names) and f.claims_name(base):
            return f
    return None


def is_candidate(name: str) -> bool:
    """Whether directory discovery reads a file, by its name."""
    low = name.lower()
    return (format_for_name(low) is not None or low.endswith(tuple(s for s, _ in _SYNTAX_BY_SUFFIX))
            or _env_file(low))


def _syntax(name: str, text: str, fmt: Optional[Format]) -> str:
    """``json``, ``yaml`` or ``text`` (nothing to parse) for a file no format reads itself."""
    low = name.lower()
    by_name = next((syn for suffix, syn in _SYNTAX_BY_SUFFIX if low.endswith(suffix)), None)
    if fmt is not None and " " not in fmt.syntax:
        by_name = fmt.syntax
    if by_name in ("json", "yaml", "text"):
        return by_name
    if fmt is None and _env_file(low):
        return "text"
    head = text.lstrip()[:1]
    if by_name == "auto" or fmt is not None:
        return "json" if head in ("{", "[") else "yaml"
    return "json" if head == "{" else "text"  # an extensionless file (the AWS CLI's output)


def comment_style(name: str, text: str) -> Optional[str]:
    """The comment style a file of this name and text is read with: ``yaml`` (``#``), ``hcl``
    (``#``, ``//``, ``/* */``) or None (JSON has no comments)."""
    fmt = format_for_name(name)
    if fmt is not None and fmt.syntax == "own":
        return fmt.comments
    return "yaml" if _syntax(name, text, fmt) == "yaml" else None


def _is_source_for(fmt: Optional[Format]):
    """The test :func:`read_file` uses to tell a policy source worth an LP001/LP003."""
    if fmt is not None and fmt.always_source:
        return None
    if fmt is not None and fmt.markers:
        markers = fmt.markers

        def is_source(text) -> bool:
            if isinstance(text, bytes):
                text = text.decode("latin-1")
            return any(m in text for m in markers)
        return is_source
    return looks_like_policy_source


def unit_key(path: str) -> Optional[tuple]:
    """What files the principal model reads together with ``path``: a key shared by the files of
    one unit (a Terraform module directory), or None when the file is a unit of its own."""
    fmt = format_for_name(path)
    if fmt is None or fmt.unit == "file":
        return None
    import os

    return (fmt.unit, os.path.dirname(os.path.abspath(path)))


def unit_files(path: str) -> list:
    """Every file of ``path``'s unit (its format's ``unit_files``), ``path`` included; [path] alone
    for a format whose unit is the file."""
    fmt = format_for_name(path)
    if fmt is None or fmt.unit == "file":
        return [path]
    return fmt.load().unit_files(path)


_run = [0, 0]  # [runs started, the run going on (0: none)]


def begin_run() -> None:
    """A new run starts: caches that check the file system (Terraform directory indexes)
    check it once in this run, then trust it until :func:`end_run`."""
    _run[0] += 1
    _run[1] = _run[0]


def end_run() -> None:
    """The run is over: until the next :func:`begin_run` (an editor linting one file, a
    direct :func:`load`), caches check the file system every time."""
    _run[1] = 0


def run_id() -> int:
    """Which run is going on (0: none: caches check every time)."""
    return _run[1]


def load(abspath: str, display: str, max_size: int = DEFAULT_MAX_FILE_SIZE,
         explicit: bool = False, text: Optional[str] = None, roots: Optional[tuple] = None) -> SourceFile:
    """Read and extract one file; ``text``, when given, is its content (an editor's unsaved
    buffer) and the file itself is not read. Files it refers to are still read from disk, from
    inside ``roots`` only (None: the file's own tree, see :func:`linter.safety.tree_root`)."""
    src = SourceFile(path=display, abspath=abspath, roots=roots, max_size=max_size)
    fmt = format_for_name(abspath)
    is_source = _is_source_for(fmt)
    if text is None:
        text, err = read_file(abspath, max_size, is_source=is_source)
    else:
        src.in_memory = True
        text, err = check_text(text, max_size, is_source=is_source)
    if err is not None:
        src.error(err.code, err.message, err.span)
    if text is None:
        return src
    src.text = text
    syntax = fmt.syntax if fmt is not None and fmt.syntax == "own" else _syntax(abspath, text, fmt)
    try:
        _read(src, fmt, syntax, text)
    except ParseError as e:
        if e.limit or is_source is None or is_source(text):
            src.error("LP001", e.message, e.span)
    except RecursionError:
        src.error("LP001", "document is nested too deeply", Span(1, 1, 1, 1))
    except Exception as e:  # a format's bug: the documents found so far and the text stay
        src.error("LP000", f"reading the file failed: {type(e).__name__}: {e}", Span(1, 1, 1, 1), ("read",))
    return src


def _read(src: SourceFile, fmt: Optional[Format], syntax: str, text: str) -> None:
    src.syntax = syntax
    if syntax == "own":
        mod = fmt.load()
        src.kind, src.format = fmt.name, fmt
        mod.extract(src, mod.parse(src))
        return
    if syntax == "text":
        src.kind = "text"
        return
    src.kind = syntax
    candidates = [fmt] if fmt is not None else [f for f in FORMATS if not (f.suffixes or f.names)
                                                and syntax in f.syntax.split()]
    try:
        tree = _parse(src, syntax, text)
    except ParseError as e:
        if not e.limit:
            for f in candidates:
                recover = getattr(f.load(), "recover", None)
                got = recover(src, e) if recover is not None else False
                if got == "whole":  # the format read the file another way: no syntax error of its own
                    src.format = f
                    return
                if got:  # the part before the error is read; the error stands
                    break
        raise
    for f in candidates:
        mod = f.load()
        if f is fmt or mod.claims(src.abspath, tree):
            src.kind, src.format = f.name, f
            mod.extract(src, tree)
            return
    if looks_like_policy_source(text):
        # a fragment another format's file reads (a Serverless ${file()}): linted as it is read there
        for f in FORMATS:
            adopt = getattr(f.load(), "adopt", None) if f.module in _ADOPTERS else None
            if adopt is not None and adopt(src):
                src.kind, src.format = f.name, f
                return


def _layout(docs: list) -> tuple:
    from ..located import layout

    return layout([d for d in docs if d is not None])


def _parse(src: SourceFile, syntax: str, text: str) -> Any:
    """The located tree of a JSON file, or the list of documents of a YAML stream (its
    comments go to ``src.comments``, for suppressions and the credential rules)."""
    if syntax == "json":
        from ..parsers.json_loc import parse_json

        tree = parse_json(text)
        src.trees.append(tree)
        return tree
    from ..parsers import yaml_loc

    hash_spans: list = []
    try:
        docs = yaml_loc.parse_yaml_stream(text, hash_spans=hash_spans)
    except ParseError:
        src.comments.extend(yaml_loc.scan_comments(text))
        raise
    comments = yaml_loc.scan_comments(text, hash_spans)
    src.comments.extend(comments)
    src.trees.extend(d for d in docs if d is not None)
    src.layout = lambda: (comments, *_layout(docs)) if comments else ([], {}, set())
    return docs
