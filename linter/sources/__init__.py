"""Sources: from a file on disk to policy documents with their origin.

``load(path, display)`` reads one file, decides what kind it is, parses it with the
right located parser and runs the matching extractor. The result is a
:class:`SourceFile`: the documents found, the managed-policy references, the
located trees and comments (for file-scope rules such as the credential
detectors) and the findings the parsing itself produced (LP001, LP002, LP003).

Extractors live beside this module, one per file kind; each exposes
``extract(src: SourceFile, tree) -> None`` and fills ``src``. Parsers and
extractors are imported lazily, so a run over JSON files never imports YAML or
tree-sitter.
"""
from __future__ import annotations

import os
import stat
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from ..findings import Finding
from ..located import LStr, ParseError, Span
from ..model import ManagedPolicyRef, PolicyDocument, Problem
from ..record import Record

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024

JSON_EXT = (".json",)
YAML_EXT = (".yaml", ".yml")
TEMPLATE_EXT = (".template",)
TF_EXT = (".tf", ".tfvars")
#: Policies written as templates (Terraform template syntax, then Jinja): see policy_template.
POLICY_TEMPLATE_EXT = (".json.tpl", ".json.tftpl", ".tftpl", ".json.tmpl", ".json.j2", ".json.jinja",
                       ".json.jinja2")


class SourceFile(Record):
    """One file as read: its documents and everything file-scope rules may look at."""

    __slots__ = ("path", "abspath", "text", "kind", "documents", "managed_refs", "trees", "comments",
                 "findings", "suppressions", "blocks", "_credential_hits", "in_memory")
    _defaults = {"text": None, "kind": "unknown", "documents": list, "managed_refs": list, "trees": list,
                 "comments": list, "findings": list, "suppressions": list, "blocks": list, "_credential_hits": None,
                 "in_memory": False}
    path: str  # display path (relative, POSIX)
    abspath: str
    text: Optional[str]
    #: policy-json | aws-cli | cloudformation | terraform | terraform-json | terraform-plan | json | yaml | text
    kind: str
    documents: list[PolicyDocument]
    managed_refs: list[ManagedPolicyRef]
    trees: list[Any]  # located roots, for file-scope rules
    comments: list[LStr]  # comment text with spans (YAML/HCL)
    findings: list[Finding]  # produced while reading
    suppressions: list[Any]  # filled by the extractor (see linter.suppress)
    #: Spans of blocks a suppression comment on the line above may cover: resources,
    #: Terraform blocks, policy statements. Extractors add them as they go.
    blocks: list[Span]
    _credential_hits: Any  # per-file credential scan, shared by KEY401-403 (linter.secrets)
    in_memory: bool  # the text was given (an editor's buffer), not read from the file

    def error(self, code: str, message: str, span: Span, path: tuple = ()) -> None:
        from ..registry import meta

        name, severity = meta(code)
        self.findings.append(Finding(code, name, severity, message, span, file=self.path,
                                     logical_path=path, value=message if code != "LP001" else ""))

    def problem(self, p: Problem) -> None:
        self.error("LP002", p.message, p.span, p.path)


def _kind_by_name(name: str) -> str:
    low = name.lower()
    if low.endswith(POLICY_TEMPLATE_EXT):
        return "policy-template"
    if low.endswith(".tf.json"):
        return "terraform-json"
    if low.endswith(TF_EXT):
        return "terraform"
    if low.endswith(JSON_EXT):
        return "json"
    if low.endswith(YAML_EXT):
        return "yaml"
    if low.endswith(TEMPLATE_EXT):
        return "template"
    return "unknown"


def is_candidate(name: str) -> bool:
    """Whether directory discovery should consider a file by its name."""
    return _kind_by_name(name) != "unknown"


#: Words a policy source holds (a policy, a CloudFormation/SAM template, a Terraform plan, the
#: AWS CLI's output). A JSON or YAML file with none of them (``tsconfig.json``,
#: ``package-lock.json``, a workflow) is not the linter's business: it never fails a run with
#: LP001 or LP003, though the credential rules still read it.
POLICY_MARKERS = ("Statement", "AWSTemplateFormatVersion", "AWS::", "Resources", "PolicyDocument",
                  "terraform_version", "planned_values", "resource_changes", "iamRoleStatements")
_SNIFF_BYTES = 64 * 1024


def looks_like_policy_source(text) -> bool:
    """Whether a file's text (or its first bytes) holds a word only policy sources hold."""
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    return any(m in text for m in POLICY_MARKERS)


def _sniff_head(abspath: str) -> bool:
    try:
        with open(abspath, "rb") as fh:
            return looks_like_policy_source(fh.read(_SNIFF_BYTES))
    except OSError:
        return True


def read_text(abspath: str, src: SourceFile, max_size: int) -> Optional[str]:
    try:
        st = os.stat(abspath)
    except OSError as e:
        src.error("LP001", f"cannot read file: {e.strerror or e}", Span(1, 1, 1, 1))
        return None
    if not stat.S_ISREG(st.st_mode):
        src.error("LP001", "not a regular file", Span(1, 1, 1, 1))
        return None
    if st.st_size > max_size:
        if not _always_source(abspath) and not _sniff_head(abspath):
            return None  # a big file that is no policy source (package-lock.json): not ours
        src.error("LP003", f"file is {st.st_size} bytes, over the max-file-size limit of {max_size} bytes; not linted",
                  Span(1, 1, 1, 1))
        return None
    try:
        with open(abspath, "rb") as fh:
            raw = fh.read(max_size + 1)
    except OSError as e:
        src.error("LP001", f"cannot read file: {e.strerror or e}", Span(1, 1, 1, 1))
        return None
    if len(raw) > max_size:  # grew after the stat
        src.error("LP003", f"file is over the max-file-size limit of {max_size} bytes; not linted", Span(1, 1, 1, 1))
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw:
        if not _always_source(abspath) and not looks_like_policy_source(raw[:_SNIFF_BYTES]):
            return None
        line, col = _line_col(raw, raw.index(b"\x00"))
        src.error("LP001", "binary file (NUL byte); not linted", Span(line, col, line, col + 1))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        if not _always_source(abspath) and not looks_like_policy_source(raw[:_SNIFF_BYTES]):
            return None
        line, col = _line_col(raw, e.start)
        # Latin-1 and other 8-bit encodings: decode losslessly but say so.
        src.error("LP001", f"file is not valid UTF-8 (byte 0x{raw[e.start]:02x}); not linted",
                  Span(line, col, line, col + 1))
        return None


def memory_text(text: str, abspath: str, src: SourceFile, max_size: int) -> Optional[str]:
    """The text of a file given in memory (an editor's unsaved buffer), checked as
    :func:`read_text` checks a file's bytes: over ``max_size`` (its UTF-8 size) it is LP003,
    a NUL character or a lone surrogate is LP001, a byte-order mark is dropped."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as e:  # a lone surrogate (a JSON-RPC string can hold one)
        line, col = _text_line_col(text, e.start)
        src.error("LP001", "text is not valid Unicode (lone surrogate); not linted", Span(line, col, line, col + 1))
        return None
    if size > max_size:
        if not _always_source(abspath) and not looks_like_policy_source(text[:_SNIFF_BYTES]):
            return None
        src.error("LP003", f"file is {size} bytes, over the max-file-size limit of {max_size} bytes; not linted",
                  Span(1, 1, 1, 1))
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        if not _always_source(abspath) and not looks_like_policy_source(text[:_SNIFF_BYTES]):
            return None
        line, col = _text_line_col(text, text.index("\x00"))
        src.error("LP001", "binary file (NUL byte); not linted", Span(line, col, line, col + 1))
        return None
    return text


def _text_line_col(text: str, off: int) -> tuple[int, int]:
    return text.count("\n", 0, off) + 1, off - text.rfind("\n", 0, off)


def _always_source(abspath: str) -> bool:
    """Terraform files are policy sources whatever they hold: their errors are always reported."""
    return _kind_by_name(abspath) in ("terraform", "terraform-json")


def _line_col(raw: bytes, off: int) -> tuple[int, int]:
    """1-based line and column of byte ``off``; the column counts characters, as every span does."""
    start = raw.rfind(b"\n", 0, off) + 1
    return raw.count(b"\n", 0, off) + 1, len(raw[start:off].decode("utf-8", "replace")) + 1


def _sniff(text: str) -> str:
    """Decide the kind of a file whose name does not tell (or tells json/yaml)."""
    head = text.lstrip()[:1]
    return "json" if head in ("{", "[") else "yaml"


def load(abspath: str, display: str, max_size: int = DEFAULT_MAX_FILE_SIZE,
         explicit: bool = False, text: Optional[str] = None) -> SourceFile:
    """Read and extract one file; ``text``, when given, is its content (an editor's unsaved
    buffer) and the file itself is not read. Files it refers to are still read from disk."""
    src = SourceFile(path=display, abspath=abspath)
    if text is None:
        text = read_text(abspath, src, max_size)
    else:
        src.in_memory = True
        text = memory_text(text, abspath, src, max_size)
    if text is None:
        return src
    src.text = text
    kind = _kind_by_name(abspath)
    try:
        if kind == "terraform":
            from . import terraform

            terraform.extract_hcl(src)
        elif kind == "policy-template":
            from . import policy_template

            policy_template.extract(src)
        elif kind == "terraform-json":
            from . import terraform

            terraform.extract_json(src)
        elif kind == "json" or (kind == "unknown" and _sniff(text) == "json"):
            _load_json(src, text)
        elif kind in ("yaml", "template"):
            if kind == "template" and _sniff(text) == "json":
                _load_json(src, text)
            else:
                from . import cloudformation

                cloudformation.extract_yaml(src)
        else:
            src.kind = "text"
    except ParseError as e:
        if e.limit or kind in ("terraform", "terraform-json") or looks_like_policy_source(text):
            src.error("LP001", e.message, e.span)
    except RecursionError:
        src.error("LP001", "document is nested too deeply", Span(1, 1, 1, 1))
    return src


def _load_json(src: SourceFile, text: str) -> None:
    from ..parsers.json_loc import parse_json

    tree = parse_json(text)
    src.trees.append(tree)
    from . import policy_json

    if policy_json.extract(src, tree):
        if src.kind == "policy-json":
            from . import terraform

            terraform.owner_documents(src)  # a policy a nearby .tf file reads: linted as it is used there
        return
    dispatch_json(src, tree)


def dispatch_json(src: SourceFile, tree: Any) -> None:
    """A JSON file that is not a plain policy: a template, Terraform plan, or just JSON."""
    if isinstance(tree, dict):
        if "AWSTemplateFormatVersion" in tree or _has_cfn_resources(tree):
            from . import cloudformation

            cloudformation.extract_tree(src, tree)
            return
        if "planned_values" in tree or "resource_changes" in tree or "format_version" in tree and "terraform_version" in tree:
            from . import terraform

            terraform.extract_plan(src, tree)
            return
    src.kind = "json"


def _has_cfn_resources(tree: dict) -> bool:
    res = tree.get("Resources")
    if not isinstance(res, dict) or not res:
        return False
    for v in res.values():
        if isinstance(v, dict) and isinstance(v.get("Type"), str) and (
                v["Type"].startswith(("AWS::", "Custom::")) or "::" in v["Type"]):
            return True
    return False
