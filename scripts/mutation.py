#!/usr/bin/env python3
"""Mutation testing: apply realistic one-line bugs, one at a time, and check that a test fails.

    python scripts/mutation.py                 # the sampled run (about 30 minutes on two cores)
    python scripts/mutation.py --all           # every mutant (hours: before a release)
    python scripts/mutation.py --sample 40     # a quick look
    python scripts/mutation.py --only 'linter/secrets.py' --all
    python scripts/mutation.py --list          # the mutants, counted by module, and exit
    python scripts/mutation.py --report run.json                 # keep the results
    python scripts/mutation.py --survivors run.json              # re-run that run's survivors
    python scripts/mutation.py --mutant 'linter/secrets.py:_Scanner._pair:*'   # named mutants

The modules, the tests each module is checked with, the sample size and the seed are in
``pyproject.toml`` under ``[tool.lint-policies-mutation]``; mutants known to be equivalent
(no test can tell them from the original) are listed, with why, in
``scripts/mutation-equivalent.txt``. See docs/testing.md.

Why not mutmut: ``rules/`` is installed as ``linter.rules`` (a ``package-dir`` mapping), and
mutmut 3 names mutants after the file path but switches them on by module name, so no mutant
of a rule would ever run. This runner needs only the standard library and pytest.

How: each worker copies the repository (tracked files) to a temporary directory, with
``linter/rules`` and ``linter/schemas`` linked to ``rules/`` and ``schemas/`` (what the
installed package maps) and ``shared`` beside it when the checkout has one; the tests run
there with ``PYTHONPATH`` set to the copy, so the copy shadows the installed package,
subprocesses included. A mutant is one change of the source text of one expression
(the rest of the file is untouched, so line numbers hold); it is *killed* when the module's
tests fail (or time out), *survived* when they pass. Mutants are named
``path:function:change#n`` (no line numbers), so the equivalent list survives edits.

Mutation operators (the bugs a reviewer sees in real changes): comparison flips (``<`` and
``<=``, ``==`` and ``!=``, ``in`` and ``not in``, ``is`` and ``is not``), ``and``/``or``
swaps, a dropped operand of ``and``/``or``, a dropped ``not``, ``any``/``all`` swaps,
``True``/``False``, integers and floats moved by one step, severities changed
(``error``, ``warning``, ``note``), ``+``/``-`` swaps, ``continue``/``break`` swaps, and a
``return`` of a value replaced by ``return None``.
"""
from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EQUIVALENT = os.path.join(ROOT, "scripts", "mutation-equivalent.txt")
#: What the installed package maps (``[tool.setuptools.package-dir]``): linked in each copy.
PACKAGE_LINKS = {"linter/rules": "../rules", "linter/schemas": "../schemas"}
#: Tests left out of mutation runs (``deselect`` in the configuration): those that time the
#: code with a wall clock, which a loaded machine fails whatever the mutant.
DESELECT: list = []
SEVERITIES = {"error": "warning", "warning": "note", "note": "error"}
_FLIP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
         ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}


def load_config() -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as fh:
        return tomllib.load(fh)["tool"]["lint-policies-mutation"]


# ---------------------------------------------------------------------------
# Mutants


class Mutant:
    __slots__ = ("path", "ident", "start", "end", "new", "old", "line")

    def __init__(self, path, ident, start, end, new, old, line):
        self.path, self.ident, self.start, self.end, self.new, self.old, self.line = (
            path, ident, start, end, new, old, line)

    def apply(self, text: str) -> str:
        return text[:self.start] + self.new + text[self.end:]

    def __repr__(self) -> str:
        return self.ident


def _offsets(text: str) -> list[int]:
    out, pos = [0], 0
    for line in text.splitlines(keepends=True):
        pos += len(line)
        out.append(pos)
    return out


class _Collector(ast.NodeVisitor):
    """Every mutation point of a module, as (qualname, change, node, replacement source)."""

    def __init__(self) -> None:
        self.scope: list[str] = []
        self.points: list[tuple[str, str, ast.AST, str]] = []
        self.docstrings: set[int] = set()

    # scopes -----------------------------------------------------------------
    def _scoped(self, node, name):
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            self.docstrings.add(id(body[0].value))
        self.scope.append(name)
        self.generic_visit(node)
        self.scope.pop()

    def visit_Module(self, node):
        self._scoped(node, "<module>")

    def visit_FunctionDef(self, node):
        self._scoped(node, node.name)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        self._scoped(node, node.name)

    def _add(self, change, node, new):
        self.points.append((".".join(self.scope[1:]) or "<module>", change, node, new))

    def _in_function(self) -> bool:
        return len(self.scope) > 1 and not self.scope[-1][:1].isupper()

    # operators --------------------------------------------------------------
    def visit_Compare(self, node):
        for i, op in enumerate(node.ops):
            flip = _FLIP.get(type(op))
            if flip is None:
                continue
            ops = list(node.ops)
            ops[i] = flip()
            new = ast.Compare(left=node.left, ops=ops, comparators=node.comparators)
            self._add(f"{type(op).__name__}->{flip.__name__}", node, ast.unparse(new))
        self.generic_visit(node)

    def visit_BoolOp(self, node):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        self._add(f"{type(node.op).__name__}->{type(other).__name__}", node,
                  ast.unparse(ast.BoolOp(op=other, values=node.values)))
        for i in range(len(node.values)):
            rest = node.values[:i] + node.values[i + 1:]
            new = rest[0] if len(rest) == 1 else ast.BoolOp(op=node.op, values=rest)
            self._add(f"drop-{type(node.op).__name__}-operand-{i}", node, ast.unparse(new))
        self.generic_visit(node)

    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.Not):
            self._add("drop-not", node, ast.unparse(node.operand))
        self.generic_visit(node)

    def visit_BinOp(self, node):
        swap = {ast.Add: ast.Sub, ast.Sub: ast.Add}.get(type(node.op))
        if swap is not None and self._in_function() and not _stringish(node):
            self._add(f"{type(node.op).__name__}->{swap.__name__}", node,
                      ast.unparse(ast.BinOp(left=node.left, op=swap(), right=node.right)))
        self.generic_visit(node)

    def visit_Call(self, node):
        if isinstance(node.func, ast.Name) and node.func.id in ("any", "all"):
            other = "all" if node.func.id == "any" else "any"
            self._add(f"{node.func.id}->{other}", node.func, other)
        self.generic_visit(node)

    def visit_Constant(self, node):
        v = node.value
        if id(node) in self.docstrings:
            return
        if isinstance(v, bool):
            self._add(f"{v}->{not v}", node, repr(not v))
        elif isinstance(v, int) and not isinstance(v, bool):
            self._add(f"{v}->{v + 1}", node, repr(v + 1))
        elif isinstance(v, float):
            step = 0.1 if abs(v) < 100 else 1.0
            self._add(f"{v}->{round(v + step, 6)}", node, repr(round(v + step, 6)))
        elif isinstance(v, str) and v in SEVERITIES:
            self._add(f"{v}->{SEVERITIES[v]}", node, repr(SEVERITIES[v]))

    def visit_JoinedStr(self, node):
        return  # message text: not mutated

    def visit_Continue(self, node):
        self._add("continue->break", node, "break")

    def visit_Return(self, node):
        if node.value is not None and not isinstance(node.value, ast.Constant):  # constants: mutated as such
            self._add("return-None", node, "return None")
        self.generic_visit(node)


def _stringish(node) -> bool:
    return any(isinstance(n, (ast.JoinedStr,)) or (isinstance(n, ast.Constant) and isinstance(n.value, str))
               for n in (node.left, node.right))


def mutants_of(path: str, text: str | None = None) -> list[Mutant]:
    """The mutants of a module (its text read from the repository unless given)."""
    if text is None:
        with open(os.path.join(ROOT, path), encoding="utf-8") as fh:
            text = fh.read()
    tree = ast.parse(text)
    col = _Collector()
    col.visit(tree)
    offs = _offsets(text)
    seen: dict[str, int] = {}
    out = []
    for qual, change, node, new in col.points:
        # Column offsets are UTF-8 byte offsets: convert through the line's bytes.
        def at(line, col_bytes):
            raw = text[offs[line - 1]:offs[line]].encode("utf-8")
            return offs[line - 1] + len(raw[:col_bytes].decode("utf-8", "replace"))

        start = at(node.lineno, node.col_offset)
        end = at(node.end_lineno, node.end_col_offset)
        old = text[start:end]
        if "\n" in old and _is_expr(new):
            new = f"({new})"  # a multi-line expression written on one line: keep it one expression
        key = f"{path}:{qual}:{change}"
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append(Mutant(path, f"{key}#{n}", start, end, new, old, node.lineno))
    return out


def _is_expr(src: str) -> bool:
    try:
        ast.parse(src, mode="eval")
        return True
    except SyntaxError:
        return False


def files(cfg: dict, only: str | None) -> list[str]:
    import glob

    out = []
    for pattern in cfg["paths"]:
        for p in sorted(glob.glob(os.path.join(ROOT, pattern))):
            rel = os.path.relpath(p, ROOT).replace(os.sep, "/")
            if any(fnmatch.fnmatch(rel, x) for x in cfg.get("exclude", [])):
                continue
            if only and not fnmatch.fnmatch(rel, only):
                continue
            if rel not in out:
                out.append(rel)
    return out


def tests_for(cfg: dict, path: str) -> tuple[list[str], int]:
    """The module's tests, those that name it (its rule code or module name) first, and how
    many name it."""
    import glob

    chosen: list[str] = []
    for pattern, tests in cfg["tests"].items():
        if fnmatch.fnmatch(path, pattern):
            for t in tests:
                for p in sorted(glob.glob(os.path.join(ROOT, t))):
                    rel = os.path.relpath(p, ROOT).replace(os.sep, "/")
                    if rel not in chosen:
                        chosen.append(rel)
    stem = os.path.splitext(os.path.basename(path))[0]
    token = stem.upper() if path.startswith("rules/") else stem

    def names_it(rel):
        with open(os.path.join(ROOT, rel), encoding="utf-8") as fh:
            return token in fh.read()

    ordered = sorted(chosen, key=lambda rel: (not names_it(rel), chosen.index(rel)))
    return ordered, sum(1 for rel in ordered if names_it(rel)) or len(ordered)


def load_equivalent() -> dict[str, str]:
    out = {}
    if os.path.exists(EQUIVALENT):
        with open(EQUIVALENT, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if line and not line.startswith("#"):
                    ident, _, why = line.partition(" -- ")
                    out[ident.strip()] = why.strip()
    return out


# ---------------------------------------------------------------------------
# Running


def tracked_files() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        return [p for p in out.decode().split("\0") if p]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "venv", "build", "dist", "__pycache__", ".hypothesis", ".pytest_cache"}
        found = []
        for d, dirs, fs in os.walk(ROOT):
            dirs[:] = [x for x in dirs if x not in skip and not x.endswith(".egg-info")]
            found += [os.path.relpath(os.path.join(d, f), ROOT) for f in fs]
        return found


def make_copy(base: str) -> str:
    repo = os.path.join(base, "repo")
    for rel in tracked_files():
        src = os.path.join(ROOT, rel)
        if not os.path.isfile(src):
            continue
        dst = os.path.join(repo, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    for link, target in PACKAGE_LINKS.items():
        p = os.path.join(repo, link)
        if not os.path.exists(p):
            os.symlink(target, p)
    shared = os.path.normpath(os.path.join(ROOT, "..", "shared"))
    if os.path.isdir(shared):
        os.symlink(shared, os.path.join(base, "shared"))
    return repo


def run_tests(repo: str, tests: list[str], timeout: float, env_extra: dict, show: bool = False) -> tuple[str, float]:
    env = dict(os.environ, PYTHONPATH=repo, PYTHONDONTWRITEBYTECODE="1", NO_COLOR="1", **env_extra)
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "--no-header", "-p", "no:cacheprovider",
           "-m", "not network", *[a for d in DESELECT for a in ("--deselect", d)], *tests]
    t0 = time.monotonic()
    try:
        r = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - t0
    if show and r.returncode not in (0, 5):
        sys.stderr.write(r.stdout.decode("utf-8", "replace")[-3000:])
    # 0: passed; 5: no tests collected (every test skipped or deselected) counts as passed
    return ("passed" if r.returncode in (0, 5) else "failed"), time.monotonic() - t0


def stages(tests: list[str], first: int) -> list[list[str]]:
    """The tests that name the module first (most mutants die there, and a run that collects
    few files is quick), then the rest."""
    return [t for t in (tests[:first], tests[first:]) if t]


def main(argv=None) -> int:
    cfg = load_config()
    DESELECT[:] = cfg.get("deselect", [])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--all", action="store_true", help="every mutant, not a sample")
    ap.add_argument("--sample", type=int, default=cfg.get("sample", 100), help="mutants drawn (default from pyproject)")
    ap.add_argument("--seed", type=int, default=cfg.get("seed", 1))
    ap.add_argument("--jobs", "-j", type=int, default=cfg.get("jobs", 2))
    ap.add_argument("--only", help="a glob of the modules to mutate (rules/iam30*.py)")
    ap.add_argument("--list", action="store_true", help="count the mutants by module and exit")
    ap.add_argument("--mutant", action="append", default=[], metavar="NAME",
                    help="run the mutants with this name (a glob; repeatable), listed as equivalent or not")
    ap.add_argument("--survivors", metavar="REPORT",
                    help="run the mutants that survived in a run written with --report")
    ap.add_argument("--report", help="write the results as JSON to this file")
    args = ap.parse_args(argv)

    paths = files(cfg, args.only)
    every = [m for p in paths for m in mutants_of(p)]
    equivalent = load_equivalent()
    if args.list:
        for p in paths:
            print(f"{sum(1 for m in every if m.path == p):5d}  {p}")
        print(f"{len(every):5d}  mutants in {len(paths)} modules; {len(equivalent)} listed as equivalent")
        return 0
    unknown = sorted(set(equivalent) - {m.ident for m in every})
    if unknown and not args.only:
        print("equivalent mutants that no longer exist (remove them from scripts/mutation-equivalent.txt):")
        for u in unknown:
            print("  " + u)
    names = list(args.mutant)
    if args.survivors:
        with open(args.survivors, encoding="utf-8") as fh:
            names += json.load(fh)["survived"]
    pool = [m for m in every if m.ident not in equivalent]
    if names:
        chosen = [m for m in every if any(fnmatch.fnmatchcase(m.ident, n) for n in names)]
        missing = [n for n in names if not any(fnmatch.fnmatchcase(m.ident, n) for m in every)]
        if missing:
            print("no such mutant: " + ", ".join(missing), file=sys.stderr)
            return 2
    elif args.all or args.sample >= len(pool):
        chosen = pool
    else:
        chosen = random.Random(args.seed).sample(pool, args.sample)
    chosen.sort(key=lambda m: (m.path, m.start))
    print(f"{len(chosen)} of {len(every)} mutants ({len(every) - len(pool)} listed as equivalent), "
          f"{args.jobs} workers", flush=True)

    base = tempfile.mkdtemp(prefix="lint-policies-mutation-")
    results: dict[str, tuple[str, float]] = {}
    t_start = time.monotonic()
    try:
        copies = [make_copy(os.path.join(base, f"w{i}")) for i in range(max(1, args.jobs))]
        # Baseline: every module's tests pass on the unchanged copy, and how long they take.
        env_extra = {str(k): str(v) for k, v in cfg.get("env", {}).items()}
        suites = {tuple(sorted(tests_for(cfg, p)[0])) for p in {m.path for m in chosen}}
        baseline: dict[tuple, float] = {}

        def base_run(job):
            i, suite = job
            return suite, run_tests(copies[i % len(copies)], list(suite), 3600, env_extra, show=True)

        with ThreadPoolExecutor(max_workers=len(copies)) as ex:
            for suite, (status, secs) in ex.map(base_run, enumerate(sorted(suites))):
                if status != "passed":
                    print(f"these tests fail without any mutant, fix them first: {' '.join(suite)}", file=sys.stderr)
                    return 2
                baseline[suite] = secs
        print(f"baseline: {len(suites)} test suites pass ({max(baseline.values()):.0f}s the longest)", flush=True)
        queue = list(chosen)
        free = list(copies)

        def work(m: Mutant) -> tuple[Mutant, str, float]:
            repo = free.pop()
            target = os.path.join(repo, m.path)
            with open(target, encoding="utf-8") as fh:
                original = fh.read()
            try:
                with open(target, "w", encoding="utf-8") as fh:
                    fh.write(m.apply(original))
                try:
                    compile(m.apply(original), m.path, "exec")
                except SyntaxError:
                    return m, "invalid", 0.0
                tests, first = tests_for(cfg, m.path)
                limit = max(60.0, cfg.get("timeout-factor", 5) * baseline[tuple(sorted(tests))])
                total = 0.0
                for stage in stages(tests, first):
                    status, secs = run_tests(repo, stage, limit, env_extra)
                    total += secs
                    if status != "passed":
                        break
                return m, status, total
            finally:
                with open(target, "w", encoding="utf-8") as fh:
                    fh.write(original)
                free.append(repo)

        with ThreadPoolExecutor(max_workers=len(copies)) as ex:
            for n, (m, status, secs) in enumerate(ex.map(work, queue), 1):
                verdict = {"failed": "killed", "timeout": "killed (timeout)", "passed": "SURVIVED",
                           "invalid": "invalid"}[status]
                results[m.ident] = (verdict, secs)
                print(f"[{n}/{len(queue)}] {verdict:16s} {m.ident}  ({m.old!r} -> {m.new!r}, line {m.line}, "
                      f"{secs:.0f}s)", flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)

    scored = {k: v for k, v in results.items() if v[0] != "invalid"}
    killed = sum(1 for v in scored.values() if v[0].startswith("killed"))
    survived = sorted(k for k, v in scored.items() if v[0] == "SURVIVED")
    score = 100.0 * killed / len(scored) if scored else 100.0
    minutes = (time.monotonic() - t_start) / 60
    print(f"\nmutation score {score:.1f}%: {killed} of {len(scored)} mutants killed "
          f"({'named' if names else 'all' if args.all else f'sample of {len(chosen)}, seed {args.seed}'}), "
          f"{len(survived)} survived, "
          f"{minutes:.0f} min")
    for s in survived:
        print("  survived: " + s)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as fh:
            json.dump({"score": round(score, 1), "killed": killed, "scored": len(scored), "survived": survived,
                       "sample": None if args.all or names else len(chosen), "seed": args.seed, "minutes": round(minutes, 1),
                       "results": {k: v[0] for k, v in results.items()}}, fh, indent=1)
    return 0 if not survived else 1


if __name__ == "__main__":
    sys.exit(main())
