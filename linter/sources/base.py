"""What every input format shares: the file as read, the format contract, reading bytes.

A **format** (:class:`Format`) is one kind of policy source: policy JSON, CloudFormation,
Terraform, a policy template, Serverless... Each is one module beside this one, named
in the table :data:`linter.sources.FORMATS`, and exposes:

``extract(src, tree)``
    fill ``src`` (:class:`SourceFile`): the policy documents with their origin and role (and,
    where the format knows them, how each is attached, whether its size is what deploys and
    whether it may not deploy: ``attachment``, ``sized``, ``conditional``), managed-policy references, block spans for suppressions, and the findings reading
    produced (LP001, LP002). ``tree`` is what the format's syntax parsed (see below).
    A format that knows resources also fills ``src.credentials``
    (:class:`~linter.model.CredentialFacts`, through ``src.credential_facts()``): the
    access keys the file creates, where their secrets flow (with the kind of place: an
    output, an exported output, a container's environment, a Secrets Manager secret...),
    its parameters or variables and whether they are echoed, and the policies attached
    directly to IAM users. Only when there is something to say: a file without these
    resources leaves it None.

``claims(name, tree) -> bool`` (formats that share a syntax)
    whether a parsed JSON or YAML file is this format's (a template, a plan, a policy).

``parse(src)`` (formats with a syntax of their own)
    parse ``src.text`` and return the tree ``extract`` takes; raise
    :class:`~linter.located.ParseError`.

``recover(src, error)`` (optional)
    lint what can be read of a file that fails to parse (the resources before a YAML
    syntax error).

``directives(src) -> list`` (optional)
    suppression directives that are not comments: CloudFormation ``Metadata``, the
    ``"//"`` properties of Terraform JSON (see :mod:`linter.suppress`).

Nothing outside a format's own module branches on what kind of file it is: the engine,
:mod:`linter.suppress` and the CLI read the table.
"""
from __future__ import annotations

import os
import posixpath
import stat
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from .. import import_module
from ..findings import Finding
from ..registry import lp_finding
from .._regex import Lazy
from ..located import LStr, Span
from ..model import CredentialFacts, ManagedPolicyRef, PolicyDocument, Problem
from ..record import Record

DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024


class Format(Record):
    """One input format's entry in the table (facts known without importing its module)."""

    __slots__ = ("name", "module", "syntax", "suffixes", "names", "comments", "always_source", "markers", "unit")
    _defaults = {"suffixes": (), "names": (), "comments": None, "always_source": False, "markers": (),
                 "unit": "file"}
    #: what ``SourceFile.kind`` and ``Origin.kind`` say (a module may refine it: policy-json/aws-cli)
    name: str
    #: the module in :mod:`linter.sources` that reads it
    module: str
    #: how its text is parsed: ``json``, ``yaml`` (a stream of documents), or ``own`` (its ``parse``)
    syntax: str
    #: lowercase file name endings it claims outright (``.tf``)
    suffixes: tuple
    #: lowercase whole file names it claims outright (``serverless.yml``)
    names: tuple
    #: comment style for suppression comments: ``yaml`` (``#``), ``hcl`` (``#``, ``//``, ``/* */``),
    #: ``python`` (``#``), ``js`` (``//``, ``/* */``) or None
    comments: Optional[str]
    #: its files are policy sources whatever they hold (their read and parse errors are always reported)
    always_source: bool
    #: for a format of program code: text one of its files must hold to be a policy source
    #: (an ``aws_cdk`` import); any other file of that language is not read past this test
    #: and never reported on (read and parse errors included)
    markers: tuple
    #: what the principal model reads together: ``file`` (one file holds whole principals) or
    #: ``directory`` (a Terraform module: a role in one file, its policies in another); a format
    #: of unit ``directory`` gives ``unit_files(path)``, the files of that unit
    unit: str

    def claims_name(self, low_name: str) -> bool:
        return low_name.rsplit("/", 1)[-1] in self.names or (bool(self.suffixes) and low_name.endswith(self.suffixes))

    def load(self):
        return import_module(f"linter.sources.{self.module}")


class SourceFile(Record):
    """One file as read: its documents and everything file-scope rules may look at."""

    __slots__ = ("path", "abspath", "text", "kind", "format", "syntax", "documents", "managed_refs", "trees",
                 "comments", "findings", "blocks", "_credential_hits", "in_memory", "roots", "max_size",
                 "referenced_texts", "layout", "credentials", "instances")
    _defaults = {"credentials": None, "text": None, "kind": "unknown", "format": None, "syntax": None,
                 "documents": list,
                 "in_memory": False, "roots": None, "max_size": DEFAULT_MAX_FILE_SIZE, "referenced_texts": list,
                 "managed_refs": list,
                 "trees": list, "comments": list, "findings": list, "blocks": list, "_credential_hits": None,
                 "layout": None, "instances": list}
    path: str  # display path (relative, POSIX)
    abspath: str
    text: Optional[str]
    #: the format's name (or what its module refined it to: aws-cli), else json | yaml | text | unknown
    kind: str
    #: the :class:`Format` that read the file, or None
    format: Optional[Format]
    #: how the text was parsed: ``json``, ``yaml``, ``own`` (the format's parser) or ``text``
    syntax: Optional[str]
    documents: list[PolicyDocument]
    managed_refs: list[ManagedPolicyRef]
    trees: list[Any]  # located roots, for file-scope rules
    comments: list[LStr]  # comment text with spans (YAML/HCL)
    findings: list[Finding]  # produced while reading
    #: Spans of blocks a suppression comment on the line above may cover: resources,
    #: Terraform blocks, policy statements. Formats add them as they go.
    blocks: list[Span]
    _credential_hits: Any  # per-file credential scan, shared by KEY401-403 (linter.secrets)
    #: What the parser saw of the file's layout, for suppression comments, made on first use:
    #: a function giving (every comment, marker included; {first line of a construct that runs
    #: over several lines: its last line}; lines of keys whose value starts below). None when
    #: the file did not parse (suppressions then scan the text).
    layout: Any
    in_memory: bool  # the text was given (an editor's buffer), not read from the file
    #: Real paths of the directories other files may be read from on this file's behalf
    #: (Terraform file()/templatefile()); None: the file's own tree (linter.safety.tree_root).
    roots: Optional[tuple]
    max_size: int  # max-file-size, for the files read on this file's behalf too
    #: Text of the files read on this file's behalf: their credentials are masked in the output.
    referenced_texts: list[str]
    #: What the file does with long-term credentials (access keys it creates, where their secrets
    #: flow, parameters, policies of IAM users), for rules of scope ``credentials``; None: nothing.
    credentials: Optional[CredentialFacts]
    #: Other files whose documents this file reports because it gives them values (the files of a
    #: Terraform module a ``module`` block of this file calls), read as their format reads them:
    #: their suppression comments apply to the findings reported in them from here.
    instances: list

    def error(self, code: str, message: str, span: Span, path: tuple = (), file: Optional[str] = None) -> None:
        """An LP finding of reading (LP001, LP002, LP003), in this file or in ``file`` (a
        file this one reads, such as a Terraform ``templatefile()``)."""
        self.findings.append(lp_finding(code, message, span, file=file or self.path, path=path))

    def problem(self, p: Problem) -> None:
        self.error("LP002", p.message, p.span, p.path)

    def credential_facts(self) -> CredentialFacts:
        """The file's :class:`~linter.model.CredentialFacts`, made on first use (a file that
        creates no key, has no parameter and no IAM user never makes one)."""
        if self.credentials is None:
            self.credentials = CredentialFacts()
        return self.credentials


# ---------------------------------------------------------------------------
# Reading bytes

#: Words a policy source holds (a policy, a CloudFormation/SAM template, a Terraform plan, the
#: AWS CLI's output, a Serverless service). A JSON or YAML file with none of them
#: (``tsconfig.json``, ``package-lock.json``, a workflow) is not the linter's business: it
#: never fails a run with LP001 or LP003, though the credential rules still read it.
POLICY_MARKERS = ("Statement", "Effect", "AWSTemplateFormatVersion", "AWS::", "Resources", "PolicyDocument",
                  "terraform_version", "planned_values", "resource_changes", "iamRoleStatements")
#: Markers that are ordinary words too ("Cleanup Slurm Resources", ``controlledResources:``): they
#: count only as a key of their own (``Resources:``, ``"Statement":``).
_WORD_MARKERS = frozenset(("Statement", "Effect", "Resources", "PolicyDocument"))
_MARKER_KEY = Lazy(r"(?<![A-Za-z0-9_])[\"']?(?:Statement|Effect|Resources|PolicyDocument)[\"']?[ \t]*:")
SNIFF_BYTES = 64 * 1024


def looks_like_policy_source(text) -> bool:
    """Whether a file's text (or its first bytes) holds a word only policy sources hold (a word
    that is also ordinary English only as a key: ``Resources:``, ``"Statement":``)."""
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    found = [m for m in POLICY_MARKERS if m in text]
    if not found:
        return False
    if any(m not in _WORD_MARKERS for m in found):
        return True
    return _MARKER_KEY.search(text) is not None


class ReadError(Record):
    """Why a file could not be read: an LP code, a message and where."""

    __slots__ = ("code", "message", "span")
    code: str
    message: str
    span: Span


def read_file(path: str, max_size: int, *, is_source=None) -> tuple:
    """``(text, None)`` for a file read and decoded, or ``(None, ReadError | None)``.

    The rules every reader follows: a regular file only; at most ``max_size`` bytes (LP003,
    checked before and after reading); a UTF-8 byte-order mark is dropped and UTF-16 with a
    mark decoded; a NUL byte or bytes that are not UTF-8 are LP001 at that byte.
    ``is_source(head_bytes)`` decides whether a file that is too big, binary or not UTF-8
    is a policy source worth an error (None: every file is); when it is not, the result is
    ``(None, None)``: nothing to read, nothing to say.
    """
    origin = Span(1, 1, 1, 1)
    try:
        st = os.stat(path)
    except OSError as e:
        return None, ReadError("LP001", f"cannot read file: {e.strerror or e}", origin)
    if not stat.S_ISREG(st.st_mode):
        return None, ReadError("LP001", "not a regular file", origin)
    if st.st_size > max_size:
        if is_source is not None and not is_source(_head(path)):
            return None, None  # a big file that is no policy source (package-lock.json): not ours
        return None, ReadError("LP003", f"file is {st.st_size} bytes, over the max-file-size limit of {max_size} "
                                        f"bytes; not linted", origin)
    try:
        raw = _read_bytes(path, st.st_size, max_size)
    except OSError as e:
        return None, ReadError("LP001", f"cannot read file: {e.strerror or e}", origin)
    if len(raw) > max_size:  # grew after the stat
        return None, ReadError("LP003", f"file is over the max-file-size limit of {max_size} bytes; not linted",
                               origin)
    return decode(raw, is_source)


_O_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def _read_bytes(path: str, size: int, max_size: int) -> bytes:
    """The file's bytes, at most ``max_size + 1`` of them: the size the stat gave plus one byte, to
    see whether the file grew since (a buffer of max_size + 1 bytes for every file cost more than
    reading it), then the rest up to the limit. Plain system calls: a buffered file object costs
    more than the read of a small file."""
    fd = os.open(path, _O_READ)
    try:
        chunks = []
        want = size + 1
        got = 0
        while True:
            asked = want - got
            chunk = os.read(fd, asked)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
            if len(chunk) < asked and got == size:
                break  # all the stat said, and short of what was asked: the end of a regular file
            if got >= want:
                if want > max_size:
                    break
                want = max_size + 1
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def decode(raw: bytes, is_source=None) -> tuple:
    """:func:`read_file`'s decoding of bytes already read: ``(text, None)`` or ``(None, ReadError | None)``."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw:
        if is_source is not None and not is_source(raw[:SNIFF_BYTES]):
            return None, None
        line, col = _line_col(raw, raw.index(b"\x00"))
        return None, ReadError("LP001", "binary file (NUL byte); not linted", Span(line, col, line, col + 1))
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as e:
        if is_source is not None and not is_source(raw[:SNIFF_BYTES]):
            return None, None
        line, col = _line_col(raw, e.start)
        # Latin-1 and other 8-bit encodings: decode losslessly but say so.
        return None, ReadError("LP001", f"file is not valid UTF-8 (byte 0x{raw[e.start]:02x}); not linted",
                               Span(line, col, line, col + 1))


def check_text(text: str, max_size: int, is_source=None) -> tuple:
    """The checks of :func:`read_file` on a text given in memory (an editor's unsaved buffer):
    over ``max_size`` (its UTF-8 size) it is LP003, a NUL character or a lone surrogate is
    LP001, a byte-order mark is dropped. ``(text, None)`` or ``(None, ReadError | None)``."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as e:  # a lone surrogate (a JSON-RPC string can hold one)
        line, col = _text_line_col(text, e.start)
        return None, ReadError("LP001", "text is not valid Unicode (lone surrogate); not linted",
                               Span(line, col, line, col + 1))
    if size > max_size:
        if is_source is not None and not is_source(text[:SNIFF_BYTES]):
            return None, None
        return None, ReadError("LP003", f"file is {size} bytes, over the max-file-size limit of {max_size} bytes; "
                                        f"not linted", Span(1, 1, 1, 1))
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        if is_source is not None and not is_source(text[:SNIFF_BYTES]):
            return None, None
        line, col = _text_line_col(text, text.index("\x00"))
        return None, ReadError("LP001", "binary file (NUL byte); not linted", Span(line, col, line, col + 1))
    return text, None


def _text_line_col(text: str, off: int) -> tuple[int, int]:
    return text.count("\n", 0, off) + 1, off - text.rfind("\n", 0, off)


def _head(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(SNIFF_BYTES)
    except OSError:
        return b"Statement"  # cannot tell: treat as a source, the read will say why it failed


def _line_col(raw: bytes, off: int) -> tuple[int, int]:
    """1-based line and column of byte ``off``; the column counts characters, as every span does."""
    start = raw.rfind(b"\n", 0, off) + 1
    return raw.count(b"\n", 0, off) + 1, len(raw[start:off].decode("utf-8", "replace")) + 1


# ---------------------------------------------------------------------------
# Facts more than one format needs


def is_cloudformation_template(tree: Any) -> bool:
    """Whether a parsed JSON or YAML document is a CloudFormation/SAM template: it has
    ``AWSTemplateFormatVersion``, or ``Resources`` with at least one typed resource."""
    if not isinstance(tree, dict):
        return False
    if "AWSTemplateFormatVersion" in tree:
        return True
    res = tree.get("Resources")
    if not isinstance(res, dict) or not res:
        return False
    return any(isinstance(v, dict) and isinstance(v.get("Type"), str) and "::" in v["Type"] for v in res.values())


def role_by_content(tree: Any) -> str:
    """The role of a document found where its use does not say: ``trust`` when a statement
    names principals and lets them assume a role, ``resource`` when it names principals,
    else ``identity``."""
    stmts = tree.get("Statement") if isinstance(tree, dict) else None
    for s in (stmts if isinstance(stmts, list) else [stmts]):
        if isinstance(s, dict) and ("Principal" in s or "NotPrincipal" in s):
            acts = s.get("Action")
            acts = acts if isinstance(acts, list) else [acts]
            if any(isinstance(a, str) and a.lower().startswith("sts:assumerole") for a in acts):
                return "trust"
            return "resource"
    return "identity"


_NEARBY: dict = {}  # (directory, suffixes) -> (run, whether it holds such a file)


def files_nearby(src, suffixes: tuple, depth: int = 3) -> bool:
    """Whether the file's directory, or one of the ``depth - 1`` above it, holds a file whose
    name ends with one of ``suffixes``: a cheap test before :func:`read_by_another_file`
    (which searches the same directories, fewer when they leave the tree), so that a policy
    with no such file nearby does not load the reader's format. Directory listings are kept
    for the run (see :func:`linter.sources.begin_run`)."""
    from . import run_id

    run = run_id()
    directory = os.path.dirname(os.path.abspath(src.abspath))
    for _ in range(depth):
        key = (directory, suffixes)
        hit = _NEARBY.get(key)
        if hit is not None and run and hit[0] == run:
            found = hit[1]
        else:
            try:
                found = any(n.endswith(suffixes) for n in os.listdir(directory))
            except OSError:
                found = False
            if len(_NEARBY) >= 4096:
                _NEARBY.clear()
            _NEARBY[key] = (run, found)
        if found:
            return True
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return False


def file_above(src, name: str, depth: int):
    """``(path, display path)`` of the file a relative ``name`` names, looked for from ``src``'s
    directory and up to ``depth - 1`` directories above it (a path a script or a program gives relative
    to where it runs), never outside the tree being linted; None when none is there. The display path
    is ``src.path``'s directory joined with the file's path relative to ``src``'s."""
    from .. import safety

    roots = src.roots if src.roots is not None else safety.read_roots([src.abspath])
    here = os.path.dirname(os.path.abspath(src.abspath))
    directory = here
    for _ in range(depth):
        if not safety.inside(os.path.realpath(directory), roots):
            return None
        path = os.path.normpath(os.path.join(directory, name))
        if os.path.isfile(path) and safety.inside(os.path.realpath(path), roots):
            rel = os.path.relpath(path, here).replace(os.sep, "/")
            return path, posixpath.normpath(posixpath.join(posixpath.dirname(src.path), rel))
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent
    return None


def read_by_another_file(src, readers, extract, depth: int = 3) -> bool:
    """Lint ``src`` the way a file of another format that reads it does (a Terraform
    ``templatefile()``, a Serverless ``${file()}``), so that both ways of reaching it give the
    same findings, and a run that reaches it both ways reports them once.

    ``readers(directory)`` yields ``(path, text)`` of the files there that may read others (only
    directories inside the tree being linted are searched);
    ``extract(reader_src)`` reads one. The file's own directory and ``depth - 1`` above it are
    searched, nearest first; the first reader whose name for this file yields documents or
    findings in it wins: they replace what reading the file alone found. False when none does.
    """
    from .. import safety
    from ..located import ParseError

    me = os.path.abspath(src.abspath)
    base = os.path.basename(me)
    directory = os.path.dirname(me)
    mine = posixpath.normpath(src.path)
    roots = src.roots if src.roots is not None else safety.read_roots([src.abspath])
    for _ in range(depth):
        if not safety.inside(os.path.realpath(directory), roots):
            break  # never above the tree being linted
        for path, text in readers(directory):
            if base not in text:
                continue
            rel = os.path.relpath(path, os.path.dirname(me)).replace(os.sep, "/")
            reader = SourceFile(path=posixpath.normpath(posixpath.join(posixpath.dirname(src.path), rel)),
                                abspath=path, text=text)
            try:
                extract(reader)
            except (ParseError, RecursionError):
                continue
            docs = [d for d in reader.documents if d.origin.file and posixpath.normpath(d.origin.file) == mine]
            found = [f for f in reader.findings if f.file and posixpath.normpath(f.file) == mine]
            if docs or found:
                for d in docs:
                    # as the other file reads it: what that file's own reading reports is reported once
                    d.instance = True
                src.documents[:] = docs
                src.findings.extend(found)
                return True
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return False


def typed_resources(tree: Any, typer) -> Any:
    """``tree`` (a policy document) with each ``Resource`` / ``NotResource`` value of its statements
    passed through ``typer(value) -> value``: a format's way of saying that an unresolved value is
    the ARN of another service's resource (:attr:`~linter.located.Unresolved.service`). The parsed
    values may be shared with a parse cache, so what changes is copied."""
    from ..located import LDict, LList, copy_dict

    if not isinstance(tree, LDict):
        return tree
    sts = tree.get("Statement")
    items = sts if isinstance(sts, list) else [sts]
    new_items = []
    changed = False
    for st in items:
        if isinstance(st, LDict):
            new = None
            for key in ("Resource", "NotResource"):
                v = st.get(key)
                if v is None:
                    continue
                if isinstance(v, list):
                    vals = [typer(x) for x in v]
                    nv = v if all(a is b for a, b in zip(vals, v)) else LList(vals, span=v.span)
                else:
                    nv = typer(v)
                if nv is not v:
                    if new is None:
                        new = copy_dict(st)
                    new[key] = nv
            if new is not None:
                st, changed = new, True
        new_items.append(st)
    if not changed:
        return tree
    out = copy_dict(tree)
    out["Statement"] = LList(new_items, span=sts.span) if isinstance(sts, list) else new_items[0]
    return out
