"""The rule runner: discovery, one file at a time, in parallel when it pays.

Data flows one way: file -> parser -> extractor (:mod:`linter.sources`) -> rules ->
suppressions -> reporter. Every file is independent, so files are linted in
worker processes when there are many, and results are merged in a stable order:
the output of ``--jobs N`` is byte-identical to ``--jobs 1``.
"""
from __future__ import annotations

import os
import sys
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Iterable, Iterator, Optional

from .findings import Finding
from .registry import lp_finding
from .located import Span
from .record import Record
from .rule import Context, Rule

SKIP_DIRS = {".git", ".hg", ".svn", ".terraform", "node_modules", "__pycache__", ".venv", "venv",
             ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".aws-sam",
             ".serverless", "site-packages", ".eggs"}
#: Build output directories of which only some files are policy sources, when committed:
#: directory name -> (file name ending, subdirectory name prefix to enter).
NARROW_DIRS = {"cdk.out": (".template.json", "assembly-")}


class Options(Record):
    """What a run does; the CLI fills it from the command line and the config file."""

    __slots__ = ("select", "ignore", "extend_select", "rule_options", "max_file_size", "jobs", "exclude",
                 "per_file_ignores", "require_reason", "root", "config_dir", "allow_roots", "read_roots")
    _defaults = {
        "select": None,  # codes or prefixes; None: all
        "ignore": list,
        "extend_select": list,
        "rule_options": dict,  # code -> options
        "max_file_size": 5 * 1024 * 1024,
        "jobs": None,  # None: automatic
        "exclude": list,  # glob patterns on display paths
        "per_file_ignores": dict,
        "require_reason": True,
        "root": None,  # display paths are relative to this (default: cwd)
        "config_dir": None,  # directory of the config file (per-file-ignores globs are relative to it)
        "allow_roots": list,  # more directories files may be read from (Terraform file(), symlinks)
        "read_roots": None,  # None: the trees of the paths linted plus allow_roots (see linter.safety)
    }


class Result(Record):
    __slots__ = ("findings", "suppressed", "files")


# ---------------------------------------------------------------------------
# Discovery


#: Files of a directory of installed packages that are their code (its policy files are still read).
_INSTALLED_CODE = (".py", ".pyi", ".js", ".mjs", ".cjs", ".ts", ".sh")


def _is_venv(path: str) -> bool:
    return os.path.exists(os.path.join(path, "pyvenv.cfg"))


def _sniff_extensionless(path: str) -> bool:
    """Extensionless files (e.g. policies saved from the AWS CLI) are read when they look like JSON."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(64).lstrip()
    except OSError:
        return False
    return head[:1] == b"{"


def discover(paths: Iterable[str], opts: Options) -> Iterator[tuple[str, bool]]:
    """Yield (path, explicit) for every file to lint, in a stable order."""
    seen: set[str] = set()
    for p in paths:
        if os.path.isdir(p):  # a symlink to a directory named on the command line is walked too
            roots = opts.read_roots
            if roots is None:
                from .safety import read_roots

                roots = read_roots([p], opts.allow_roots)
            for f, real in _walk(p, opts, roots):
                if real not in seen:
                    seen.add(real)
                    yield f, False
        else:
            real = os.path.realpath(p)
            # `exclude` applies to files named on the command line too: pre-commit names every file.
            if real not in seen and not _excluded(p, opts):
                seen.add(real)
                yield p, True


def _walk(top: str, opts: Options, roots: tuple = ()) -> Iterator[tuple[str, str]]:
    """Yield (path, real path) of the candidate files under ``top``, in a stable order.

    Symbolic links to directories are not followed (so no loop), nor symbolic links to
    files outside ``roots`` (the tree being linted: never read, not even sniffed), and
    the real path of a file is its directory's real path plus its name: one
    ``realpath`` per walk rather than one per file (which was most of the time
    discovery took).
    """
    from .safety import inside
    from .sources import is_candidate

    visited_dirs: set[tuple[int, int]] = set()
    stack = [(top, os.path.realpath(top), None)]
    while stack:
        d, real_d, narrow = stack.pop()
        try:
            st = os.stat(d)
        except OSError:
            continue
        key = (st.st_dev, st.st_ino)
        if key in visited_dirs:  # symlink loops
            continue
        visited_dirs.add(key)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        # packages installed into the tree (pip install -t layer/python: a Lambda layer, a vendored
        # library) are others' code: their directories and modules are not walked
        installed = any(e.name.endswith(".dist-info") for e in entries)
        for e in entries:
            try:
                if installed and e.name.endswith(_INSTALLED_CODE):
                    continue
                if e.is_dir(follow_symlinks=False):
                    if installed or e.name in SKIP_DIRS or _is_venv(e.path) or (narrow and not e.name.startswith(narrow[1])):
                        continue
                    subdirs.append((e.path, os.path.join(real_d, e.name), narrow or NARROW_DIRS.get(e.name)))
                else:
                    if narrow and not e.name.endswith(narrow[0]):
                        continue
                    if e.is_symlink():
                        real = os.path.realpath(e.path)
                        if not inside(real, roots):
                            continue  # a link out of the tree is not followed, not even stat'ed
                    else:
                        real = os.path.join(real_d, e.name)
                    if not e.is_file():
                        continue
                    if is_candidate(e.path) or ("." not in e.name and _sniff_extensionless(e.path)):
                        if not _excluded(e.path, opts):
                            yield e.path, real
            except OSError:
                continue
        stack.extend(reversed(subdirs))


def _excluded(path: str, opts: Options) -> bool:
    if not opts.exclude:
        return False
    from fnmatch import fnmatch

    disp = display_path(path, opts)
    return any(fnmatch(disp, pat) or fnmatch(os.path.basename(path), pat) or fnmatch(disp, pat.rstrip("/") + "/*")
               for pat in opts.exclude)


def display_path(path: str, opts: Options) -> str:
    root = os.path.abspath(opts.root) if opts.root else os.getcwd()
    ap = os.path.abspath(path)
    under = root if root.endswith(os.sep) else root + os.sep
    if ap.startswith(under):  # the common case, without relpath's work
        rel = ap[len(under):]
    else:
        try:
            rel = os.path.relpath(ap, root)
        except ValueError:
            rel = ap
        if rel.startswith(".." + os.sep) or rel == "..":
            rel = ap
    return rel.replace(os.sep, "/")


# ---------------------------------------------------------------------------
# Rules


class RuleSet:
    """The selected rules, grouped by scope. A built-in rule is imported when a file first has
    something it applies to (its scope, the role of a document, the facts it requires), so that a
    run over one identity policy without conditions does not pay for the trust-policy, credential
    and condition rules; :attr:`by_scope` imports them all (before forking workers)."""

    def __init__(self, codes: list[str], opts: Options, given: Optional[dict] = None) -> None:
        from . import registry

        self.codes = codes
        self.engine_codes = {c for c in codes if c in registry.ENGINE_CODES}
        given = given or {}
        self._slots: dict[str, list[_Slot]] = {"document": [], "managed": [], "file": [], "credentials": [],
                                               "principal": []}
        for code in codes:
            if code in registry.ENGINE_CODES:
                continue
            rule = given.get(code)
            scope, roles, requires = registry.where(code) if rule is None else \
                (rule.scope, rule.roles, tuple(rule.requires))
            ctx = Context(opts.rule_options.get(code, {}))
            if any(r.startswith("option:") and not ctx.option(r[7:]) for r in requires):
                continue  # an opt-in rule whose option is not configured does nothing
            facts = frozenset(r for r in requires if not r.startswith("option:"))
            self._slots.setdefault(scope, []).append(_Slot(code, roles, facts, ctx, rule))
        self._chosen: dict[tuple, list[tuple[Rule, Context]]] = {}
        self.by_principal = bool(self._slots.get("principal")) or any(
            registry.refutable(s.code) if s.rule is None else getattr(s.rule, "refuted_by_principal", None) is not None
            for s in self._slots.get("document", ()))

    def has(self, scope: str) -> bool:
        """Whether a rule of ``scope`` is selected (nothing is imported)."""
        return bool(self._slots.get(scope))

    def applicable(self, scope: str, role: Optional[str] = None, facts: Optional[frozenset] = None) -> list:
        """[(rule, context)] of the rules of ``scope`` that apply to a document of ``role`` holding
        ``facts`` (see :meth:`linter.model.PolicyDocument.facts`; a principal holds those of its
        documents); None: to anything of the scope."""
        key = (scope, role, facts)
        got = self._chosen.get(key)
        if got is None:
            got = self._chosen[key] = [
                (slot.load(), slot.ctx) for slot in self._slots.get(scope, ())
                if (role is None or slot.roles is None or role in slot.roles)
                and (facts is None or slot.requires <= facts)]
        return got

    @property
    def by_scope(self) -> dict[str, list[tuple[Rule, Context]]]:
        """Every selected rule, imported, by scope."""
        return {scope: [(slot.load(), slot.ctx) for slot in slots] for scope, slots in self._slots.items()}


class _Slot:
    __slots__ = ("code", "roles", "requires", "ctx", "rule")

    def __init__(self, code: str, roles, requires: frozenset, ctx: Context, rule: Optional[Rule]) -> None:
        self.code, self.roles, self.requires, self.ctx, self.rule = code, roles, requires, ctx, rule

    def load(self) -> Rule:
        if self.rule is None:
            from . import registry

            self.rule = registry.load(self.code)
        return self.rule


def selected_codes(opts: Options) -> list[str]:
    from . import registry

    codes = registry.all_codes()
    return registry.select(codes, opts.select, opts.ignore, opts.extend_select)


# ---------------------------------------------------------------------------
# One file


def lint_file(path: str, explicit: bool, rules: RuleSet, opts: Options,
              text: Optional[str] = None) -> tuple[list[Finding], list[Finding]]:
    """(reported, suppressed) findings of one file; ``text`` is its content when it is not
    to be read from disk (an editor's unsaved buffer). Principal rules see the documents of
    this file and of the other files of its unit (a Terraform module's .tf files)."""
    return lint_unit([(path, explicit)], rules, opts, text=text)[0]


def lint_unit(files: list, rules: RuleSet, opts: Options,
              text: Optional[str] = None) -> list[tuple[list[Finding], list[Finding]]]:
    """(reported, suppressed) findings of each of ``files`` ([(path, explicit)]), the files of one
    unit (see :func:`linter.sources.unit_key`): each file is read and its documents checked, then
    the rules of scope ``principal`` run on the unit's documents grouped by principal.

    Files of the unit not in ``files`` (a module's other .tf files when pre-commit names one) are
    read for their documents only: what they complete is reported, nothing in them is."""
    from . import sources

    read = [_read_file(p, ex, rules, opts, text if i == 0 else None) for i, (p, ex) in enumerate(files)]
    if rules.by_principal:  # principal rules, or document findings a principal may refute
        companions = []
        others = sources.unit_files(files[0][0]) if text is None or len(files) == 1 else []
        if others and others != [p for p, _ in files]:  # a unit of one file has no companions
            named = {os.path.realpath(p) for p, _ in files}
            for other in others:
                if os.path.realpath(other) not in named:
                    try:
                        src = sources.load(other, display_path(other, opts), max_size=opts.max_file_size,
                                           roots=opts.read_roots)
                    except Exception:  # pragma: no cover - a companion is only context
                        continue
                    companions.append(src)
        _principal_rules(read, companions, rules)
    return [_finish(src, out, rules, opts) for src, out in read]


def _internal(what: str, target_span: Span, exc: BaseException, path: tuple = ()) -> Finding:
    return lp_finding("LP000", f"{what} failed: {type(exc).__name__}: {exc}", target_span, path=path,
                      value=path[0] if path else what)


def _read_file(path: str, explicit: bool, rules: RuleSet, opts: Options, text: Optional[str] = None):
    """Read one file and run the rules of scope document, managed and file: (source, findings)."""
    from . import grammar, safety, sources

    disp = display_path(path, opts)
    src = sources.load(path, disp, max_size=opts.max_file_size, explicit=explicit, text=text,
                       roots=opts.read_roots)
    # At most safety.COLLECT_PER_RULE findings per rule are kept; the rest are counted.
    out = safety.FindingList(src.findings)
    check_grammar = "LP002" in rules.engine_codes  # its findings would be dropped below anyway
    out.extend(grammar.unread_policies(src) if check_grammar else ())
    internal = _internal

    for doc in src.documents:
        if doc.context:
            continue  # read for its principals only: checked where it is written
        label = doc.origin.label
        # a document read from another file (a Terraform templatefile()) reports there
        doc_file = doc.origin.file if doc.origin.file and doc.origin.file != src.path else ""
        try:
            for prob in (grammar.check(doc) if check_grammar else ()):
                out.append(lp_finding("LP002", prob.message, prob.span, file=doc_file, path=prob.path, label=label))
            prob = getattr(doc.problems, "first_more", None)  # problems the model counted, not kept
            if check_grammar and prob is not None:
                out.count(lp_finding("LP002", prob.message, prob.span, file=doc_file, path=prob.path, label=label),
                          doc.problems.more)
        except Exception as e:  # one broken document must not hide the others
            f = internal("policy grammar check", doc.span, e, ("LP002",))
            f.file, f.label = doc_file, label
            out.append(f)
        for rule, ctx in rules.applicable("document", doc.role, doc.facts()):
            refutable = doc.principals and getattr(rule, "refuted_by_principal", None) is not None
            try:
                for f in rule.check(doc, ctx) or ():
                    f.label = f.label or label
                    f.file = doc_file
                    if doc.instance:
                        _mark_instance(f, doc)
                    if refutable:
                        f.extra["_refute"] = (rule, doc)  # see _refute
                    out.append(f)
            except Exception as e:  # a broken rule must not stop the run
                f = internal(f"rule {rule.code}", doc.span, e, (rule.code,))
                f.file = doc_file
                out.append(f)
    for ref in src.managed_refs:
        for rule, ctx in rules.applicable("managed"):
            try:
                for f in rule.check(ref, ctx) or ():
                    f.label = f.label or ref.origin.label
                    if ref.origin.file and ref.origin.file != src.path:
                        f.file = ref.origin.file  # attached in another file (a module a call gives the ARN)
                    out.append(f)
            except Exception as e:
                out.append(internal(f"rule {rule.code}", ref.value.span, e, (rule.code,)))
    for rule, ctx in rules.applicable("file"):
        try:
            out.extend(rule.check(src, ctx) or ())
        except Exception as e:
            out.append(internal(f"rule {rule.code}", Span(1, 1, 1, 1), e, (rule.code,)))
    if src.credentials:
        for rule, ctx in rules.applicable("credentials"):
            try:
                out.extend(rule.check(src.credentials, ctx) or ())
            except Exception as e:
                out.append(internal(f"rule {rule.code}", Span(1, 1, 1, 1), e, (rule.code,)))
    return src, out


def _principal_rules(read: list, companions: list, rules: RuleSet) -> None:
    """Run the rules of scope ``principal`` on the documents of a unit grouped by principal; each
    finding goes to the file of the statement at fault (one of ``read``; a finding at fault in a
    companion is not reported)."""
    from . import principals

    docs = [d for src, _ in read for d in src.documents] + [d for src in companions for d in src.documents]
    if not docs:
        return
    by_path = {src.path: out for src, out in read}
    owner = {}
    for src, out in read:
        for d in src.documents:
            if not d.context:  # a finding at fault in a context document is reported where it is written
                owner[id(d)] = out
    try:
        groups = principals.group(docs)
    except Exception as e:  # a broken model must not stop the run
        read[0][1].append(_internal("grouping statements by principal", Span(1, 1, 1, 1), e, ("principals",)))
        return
    try:
        _refute(read, groups)
        _run_principal_rules(groups, rules, owner, by_path)
    finally:
        principals.release(groups)


def _refute(read: list, groups: list) -> None:
    """Drop the findings of document rules that the other documents of every principal holding the
    document refute (:meth:`linter.rule.Rule.refuted_by_principal`: a guardrail an Allow leaves open
    that a Deny in another policy of the same role closes)."""
    held: dict = {}
    for p in groups:
        for d in p.documents:
            held.setdefault(id(d), []).append(p)
    for _src, out in read:
        drop = []
        for f in out:
            r = f.extra.get("_refute") if f.extra else None
            if r is None:
                continue
            rule, doc = r
            ps = held.get(id(doc))
            try:
                if ps and all(rule.refuted_by_principal(f, p) for p in ps):
                    drop.append(f)
            except Exception:  # pragma: no cover - a broken check keeps the finding
                continue
        if drop:
            gone = {id(f) for f in drop}
            out[:] = [f for f in out if id(f) not in gone]


def _run_principal_rules(groups: list, rules: RuleSet, owner: dict, by_path: dict) -> None:
    for p in groups:
        facts = frozenset().union(*(d.facts() for d in p.documents + p.boundaries + p.trust))
        for rule, ctx in rules.applicable("principal", None, facts):
            try:
                found = list(rule.check(p, ctx) or ())
            except Exception as e:
                doc = (p.documents or p.trust)[0]
                out = owner.get(id(doc))
                if out is not None:
                    f = _internal(f"rule {rule.code}", doc.span, e, (rule.code,))
                    f.file, f.label = doc.origin.file, p.name
                    out.append(f)
                continue
            for f in found:
                doc = f.extra.pop("_doc", None)
                if doc is not None and doc.instance:
                    _mark_instance(f, doc)
                out = by_path.get(f.file)
                if out is None:
                    out = owner.get(id(doc)) if doc is not None else None
                if out is not None:
                    out.append(f)


def _finish(src, out, rules: RuleSet, opts: Options) -> tuple[list[Finding], list[Finding]]:
    from . import safety

    disp = src.path
    internal = _internal
    # Findings for codes that are not selected (LP00x from parsing) are dropped here.
    selected = set(rules.codes)
    kept: list[Finding] = []
    seen: set = set()
    for f in out:
        if f.extra and "_refute" in f.extra:
            del f.extra["_refute"]
        if f.code not in selected:
            continue
        f.file = f.file if f.file and f.file != src.path else disp
        for r in f.related or ():
            r.file = r.file if r.file and r.file != src.path else disp
        key = (f.code, f.file, f.span, f.message, f.label)
        if key in seen:
            continue
        seen.add(key)
        kept.append(f)
    dropped: dict = {}
    for (file, code), d in out.dropped.items():
        if code in selected:
            dropped[(file if file and file != src.path else disp, code)] = d
    from . import suppress

    # Comments and Metadata of this file suppress only findings in this file; a finding
    # in a file it references (a Terraform templatefile) gets that file's per-file-ignores.
    foreign = [f for f in kept if f.file != disp]
    if foreign:
        kept = [f for f in kept if f.file == disp]
        foreign = [f for f in foreign
                   if not any(f.code.startswith(p) for p in suppress.per_file_ignored(f.file, opts))]
    try:
        kept, suppressed = suppress.apply(src, kept, rules, opts)
    except Exception as e:  # a broken suppression must not hide the findings: report them all
        suppressed = []
        if "LP000" in selected:
            kept.append(internal("applying suppressions", Span(1, 1, 1, 1), e, ("suppressions",)))
            kept[-1].file = disp
    if foreign and src.instances:
        # reported in a file this one gives values (a Terraform module it calls): that file's comments
        others = {o.path: o for o in src.instances}
        rest = []
        for path in dict.fromkeys(f.file for f in foreign):
            mine = [f for f in foreign if f.file == path]
            if path in others:
                try:
                    mine, off = suppress.apply_in(others[path], mine)
                    suppressed += off
                except Exception:  # pragma: no cover - a broken suppression hides nothing
                    pass
            rest += mine
        foreign = rest
    kept += foreign
    # Capped per rule, credentials masked in every field, control characters escaped.
    return safety.finish(src, kept, suppressed, dropped)


# ---------------------------------------------------------------------------
# Many files

_worker_state: dict[str, Any] = {}


def _worker_init(codes: list[str], opts: Options) -> None:
    _worker_state["rules"] = RuleSet(codes, opts)
    _worker_state["opts"] = opts


#: The most units sent to a worker at once.
_CHUNK = 16

#: At most this many units are linted before the workers start (see :func:`_warm_up`).
_WARM_UP_UNITS = 4


def _warm_up(items: list, results: list) -> list:
    """Lint here the first single-file unit of each file extension among ``items`` (at most
    :data:`_WARM_UP_UNITS`; a unit of many files, a Terraform module, is left to a worker),
    storing their results; returns the units left for the workers."""
    seen: set = set()
    rest: list = []
    for unit in items:
        ext = os.path.splitext(unit[0][1])[1].lower()
        if len(unit) > 1 or ext in seen or len(seen) >= _WARM_UP_UNITS:
            rest.append(unit)
            continue
        seen.add(ext)
        for i, res in _worker(unit):
            results[i] = res
    return rest


def _unit_bytes(unit: list) -> int:
    """How much a unit ([(index, path, explicit)]) has to read: the sum of its files' sizes."""
    total = 0
    for _, p, _ in unit:
        try:
            total += os.stat(p).st_size
        except OSError:
            pass
    return total


def _worker(unit: list):
    return _lint_unit_safely(unit, _worker_state["rules"], _worker_state["opts"])


def _lint_unit_safely(unit: list, rules: RuleSet, opts: Options) -> list:
    """[(index, result)] of a unit's files ([(index, path, explicit)])."""
    try:
        results = lint_unit([(p, ex) for _, p, ex in unit], rules, opts)
        return [(i, r) for (i, _, _), r in zip(unit, results)]
    except Exception:  # pragma: no cover - last line of defence: each file alone
        out = []
        for i, p, ex in unit:
            try:
                out.append((i, lint_unit([(p, ex)], rules, opts)[0]))
            except Exception as e:
                out.append((i, ([_crash(p, e, opts)], [])))
        return out


def units(files: list, by_unit: bool) -> list:
    """The files ([(path, explicit)]) as units to lint together: [[(index, path, explicit)]], in the
    order of their first file. Without principal rules every file is a unit of its own."""
    from . import sources

    out: list = []
    where: dict = {}
    for i, (p, ex) in enumerate(files):
        key = sources.unit_key(p) if by_unit else None
        if key is None or key not in where:
            if key is not None:
                where[key] = len(out)
            out.append([(i, p, ex)])
        else:
            out[where[key]].append((i, p, ex))
    return out


def _crash(path: str, e: BaseException, opts: Options) -> Finding:
    from .safety import clean

    # The exception text may quote the file: only its type is shown.
    return clean(lp_finding("LP000", f"internal error while linting: {type(e).__name__}", Span(1, 1, 1, 1),
                            file=display_path(path, opts), value=""))


def auto_jobs(n_files: int) -> int:
    """Worker processes when ``--jobs`` is not given: one per CPU for more than 50 files. The
    pre-commit hooks are ``require_serial`` (pre-commit runs one process, this one), so a hook
    run over many files is parallel here and never runs more processes than CPUs."""
    if n_files <= 50:
        return 1
    return max(1, min(os.cpu_count() or 1, 32))


#: Allocations between two passes of the cycle collector's first generation during a run.
_GC_FIRST_GENERATION = 10_000


def run(paths: list[str], opts: Options, codes: Optional[list[str]] = None) -> Result:
    codes = selected_codes(opts) if codes is None else codes
    if opts.read_roots is None:
        from .safety import read_roots

        opts = opts._replace(read_roots=read_roots(paths, opts.allow_roots))
    from . import sources

    sources.begin_run()  # per-run caches (Terraform directory indexes) are checked once per run
    # A run makes millions of short-lived objects that reference counting frees; the cycle
    # collector's default pass every 700 allocations finds almost nothing in them and cost about
    # 4% of a corpus run. Fewer passes during the run; the caller's setting is restored after.
    import gc

    gc_threshold = gc.get_threshold()
    frozen = False
    # Freezing (below) is undone with gc.unfreeze(), which would also thaw what a caller froze
    # itself (a server that forks): then nothing is frozen here.
    may_freeze = gc.get_freeze_count() == 0
    if gc_threshold[0] < _GC_FIRST_GENERATION:
        gc.set_threshold(_GC_FIRST_GENERATION, *gc_threshold[1:])
    try:
        files = list(discover(paths, opts))
        jobs = opts.jobs if opts.jobs else auto_jobs(len(files))
        rules = RuleSet(codes, opts)
        items = units(files, rules.by_principal)
        jobs = max(1, min(jobs, len(items) or 1))  # one Terraform module is one process's work
        results: list[Any] = [None] * len(files)
        if jobs == 1:
            for n, unit in enumerate(items):
                for i, res in _lint_unit_safely(unit, rules, opts):
                    results[i] = res
                if n == 0 and len(files) > len(unit) and may_freeze:
                    # What the first unit loaded (rules, knowledge, caches) lives as long as the
                    # run: the collector's passes over the older generations need not look at it.
                    gc.freeze()
                    frozen = True
        else:
            import multiprocessing as mp

            # Units go to the workers in chunks of at most 16: the last chunks decide when the run
            # ends, and a round trip to a worker costs far less than linting a file.
            chunk = max(1, min(_CHUNK, len(items) // (jobs * 8)))
            if sys.platform.startswith("linux"):
                # Forked workers inherit the rules, the knowledge base and the modules loaded
                # here once, instead of each loading its own: the rules are imported, then the
                # first unit of each kind of file is linted here, which imports and loads what
                # reading and checking such files needs.
                ctx = mp.get_context("fork")
                _worker_state.update(rules=rules, opts=opts)
                if any(r.code.startswith(("SM", "IAM")) for group in _worker_state["rules"].by_scope.values()
                       for r, _ in group):
                    from . import kb

                    kb.sagemaker_actions()
                items = _warm_up(items, results)
                # The objects made so far live as long as the workers: the workers' cycle
                # collector need not look at them (nor touch their pages, which then stay shared).
                if may_freeze:
                    gc.freeze()
                    frozen = True
                init, initargs = None, ()
            else:
                ctx = mp.get_context()
                init, initargs = _worker_init, (codes, opts)
            # The largest units first (a Terraform module of a hundred files, a big template):
            # dealt out last, one would keep a worker busy while the others have nothing left.
            items.sort(key=_unit_bytes, reverse=True)
            if items:
                with ctx.Pool(jobs, initializer=init, initargs=initargs) as pool:
                    for done in pool.imap_unordered(_worker, items, chunksize=chunk):
                        for i, res in done:
                            results[i] = res
    finally:
        if frozen:
            gc.unfreeze()
        sources.end_run()
        gc.set_threshold(*gc_threshold)
    findings: list[Finding] = []
    suppressed: list[Finding] = []
    seen: set = set()
    for f in _direct_over_instance([f for res in results for f in res[0]]):
        # a policy file reached both directly and through the Terraform file that reads it
        key = (f.code, f.file, f.span, f.message)
        if key not in seen:
            seen.add(key)
            findings.append(f)
    for res in results:
        suppressed.extend(res[1])
    findings = _held_over_unheld(findings)
    suppressed = _direct_over_instance(_held_over_unheld(suppressed))
    findings = _used_elsewhere(findings, suppressed)
    findings.sort(key=Finding.sort_key)
    suppressed.sort(key=Finding.sort_key)
    return Result(findings, suppressed, len(files))


def _used_elsewhere(findings: list, suppressed: list) -> list:
    """Drop LP100 "unused suppression" when the suppression was used for findings another file
    reports in this one (a Terraform module's comment suppressing what a call's values bring)."""
    uses = set()
    for f in suppressed:
        if f.extra and "_uses" in f.extra:
            uses.update(f.extra.pop("_uses"))
    out = []
    for f in findings:
        unused = f.extra.pop("_unused", None) if f.extra else None
        if unused and all((f.file, f.span, c) in uses for c in unused):
            continue
        out.append(f)
    return out


def _mark_instance(f: Finding, doc) -> None:
    """A finding of a document read with what another file gives it (see :func:`_direct_over_instance`);
    a module read for a call names the call's value as a related location."""
    given = doc.instance
    f.extra["_instance"] = "call" if isinstance(given, tuple) else "file"
    if isinstance(given, tuple):  # (file, span, what): where the values come from
        from .findings import Related

        f.related.append(Related(given[0], given[1], f"the value comes from {given[2]}", given[2]))


def _direct_over_instance(findings: list) -> list:
    """Where a direct reading and a reading with what another file gives a document (a Terraform
    module read for a call, a policy file read as the file that uses it) report the same rule at the
    same place, report it once: with the same message, the direct one (the module's finding stands
    for every call; the Terraform file's, which sees every principal of its module, for the policy
    file it reads); with other messages, the ones read with the given values, which say more (a
    ``PassedToService`` the call gives, the resources it scopes) than the direct reading, which did
    not know them."""
    if not any(f.extra and "_instance" in f.extra for f in findings):
        return findings
    direct: dict = {}
    called: dict = {}
    for f in findings:
        key = (f.code, f.file, f.span)
        how = f.extra.get("_instance") if f.extra else None
        if how is None:
            direct.setdefault(key, set()).add(f.message)
        elif how == "call":
            called.setdefault(key, set()).add(f.message)
    out = []
    for f in findings:
        key = (f.code, f.file, f.span)
        how = f.extra.pop("_instance", None) if f.extra else None
        if how == "file" and key in direct:
            continue  # the file that reads the policy file sees more of its principals
        if how == "call" and f.message in direct.get(key, ()):
            continue  # the same finding, made by the module alone
        if how is None and key in called and f.message not in called[key]:
            continue  # read with the values the calls give, the finding says otherwise there
        out.append(f)
    return out


def _held_over_unheld(findings: list) -> list:
    """Drop a principal finding made for a policy that no principal is seen to hold when the same
    rule reports the same statement for a principal that holds it: a policy file linted on its own
    and read by a Terraform role with file() is one path, named after the role."""
    unheld = [f for f in findings if f.extra and f.extra.get("_unheld")]
    if not unheld:
        return findings
    held = {(f.code, f.file, f.span) for f in findings if not (f.extra and f.extra.get("_unheld"))}
    out = []
    for f in findings:
        if f.extra and f.extra.pop("_unheld", None) and (f.code, f.file, f.span) in held:
            continue
        out.append(f)
    return out


def lint(paths: list[str], select: Optional[list[str]] = None, ignore: Iterable[str] = (),
         **kwargs: Any) -> list[Finding]:
    """Library entry point: lint ``paths`` and return the (unsuppressed) findings."""
    opts = Options(select=select, ignore=list(ignore), **kwargs)
    return run(paths, opts).findings
