"""Every regular expression of the linter runs in linear time and bounded memory.

A pattern with nested or adjacent unbounded quantifiers (``(a*)*``, ``\\s*:\\s*`` after
``[^#]*?``, ``^\\s*`` under ``re.M``) can take time quadratic or worse in the length
of its input, and the input is whatever a pull request holds. The patterns are
collected, not listed: every compiled pattern at the top level of every module of
``linter`` and ``linter.rules``, every literal pattern passed to ``re.compile`` /
``re.match`` / ``re.search`` / ... in their source (found with ``ast``), and the
ARN-format expressions of the knowledge base. Each one is run (``finditer`` to the end,
and ``fullmatch``) over adversarial strings of 100 KB: runs of every character the
patterns care about, of the words and pairs they contain, each also after a quote.

A quadratic pattern needs about 10^10 steps on 100 KB (minutes); a linear one, a few
milliseconds. The budget, five seconds per call, is generous on purpose (the test
must not fail on a loaded machine); a run that never ends is stopped by the timeout
of the subprocess, and the pattern it was on is named. On Python 3.11 and later the
memory held while matching is checked too (possessive repeats there keep no state
per iteration).
"""
from __future__ import annotations

import ast
import importlib
import os
import re
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N = 100_000
CALL_BUDGET = 5.0  # seconds per (pattern, input): linear patterns need milliseconds
MEMORY_BUDGET = 4 * N  # bytes held while matching a 100 KB input
_CALLS = ("compile", "match", "search", "fullmatch", "finditer", "findall", "sub", "subn", "split")


def _modules():
    for base, pkg in (("linter", "linter"), ("rules", "linter.rules")):
        top = os.path.join(ROOT, base)
        for dirpath, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "data"))
            for f in sorted(files):
                if f.endswith(".py"):
                    rel = os.path.relpath(os.path.join(dirpath, f), top)[:-3].replace(os.sep, ".")
                    rel = "" if rel == "__init__" else rel[:-len(".__init__")] if rel.endswith(".__init__") else rel
                    yield (pkg + "." + rel if rel else pkg), os.path.join(dirpath, f)


def collect() -> dict:
    """{(pattern, flags): where} for every regular expression of the linter."""
    from linter._regex import Lazy

    found: dict = {}
    for name, path in _modules():
        mod = importlib.import_module(name)
        for attr, value in sorted(vars(mod).items()):
            if isinstance(value, Lazy):  # compiled on first use: compile it here
                value = value.compiled()
            if isinstance(value, re.Pattern):
                found.setdefault((value.pattern, value.flags), f"{name}.{attr}")
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                    and node.func.attr in _CALLS and node.args):
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                source = arg.value
            elif isinstance(arg, ast.Name) and isinstance(getattr(mod, arg.id, None), str):
                source = getattr(mod, arg.id)
            else:
                continue  # a compiled pattern (collected above) or built at run time
            flags = 0
            pos = 2 if node.func.attr in ("sub", "subn") else 1
            flag_args = [a for a in node.args[pos + 1:]] + [k.value for k in node.keywords if k.arg == "flags"]
            if node.func.attr == "compile" and len(node.args) > 1:
                flag_args = [node.args[1]]
            for a in flag_args:
                try:
                    value = eval(compile(ast.Expression(a), path, "eval"), {"re": re})  # noqa: S307 - re.X | re.M
                except Exception:
                    continue
                if isinstance(value, int):
                    flags |= value
            p = re.compile(source, flags)
            found.setdefault((p.pattern, p.flags), f"{name}:{node.lineno}")
    from linter import kb

    for rt in list(kb.resource_types().values()) + [kb.role_resource_type()]:
        for fmt in rt.arn_formats:
            p = kb._format_regex(fmt)
            found.setdefault((p.pattern, p.flags), f"linter.kb._format_regex({fmt})")
    return found


_PALETTE = " \t\n\r\x00:=#\"'\\{}[]()$%*?/.,-_+;<>|!&@aA0zZ9\u00e9\u2028"
_PAIRS = ("${", "%{", '{"a": ', "- ", "# ", "a=", "\n ", " :", "a:", '\\"', "*?", "ab", "a ", " a", '"a',
          ":a", "/a", "a/", "1:", "0_", "\\\\", "{{", "<<", "//", "/*")


def adversarial(pattern: str) -> list:
    """100 KB strings built to make ``pattern`` backtrack, if it can."""
    out = []
    for c in _PALETTE:
        out.append(c * N)
    words = sorted(set(re.findall(r"[A-Za-z][A-Za-z0-9_-]+", pattern)))[:12]
    for w in words:
        out += [(w + " ") * (N // (len(w) + 1)), w + " " * N, w + "\n" * N, (w + ":") * (N // (len(w) + 1)),
                w + "a" * N, w + "\t" * N]
    for s in _PAIRS:
        out += [s * (N // len(s)), '"' + s * (N // len(s))]
    return out


def audit(patterns: dict, out=sys.stdout) -> list:
    """Run every pattern over its adversarial inputs; the problems found."""
    problems = []
    measure_memory = sys.version_info >= (3, 11)
    if measure_memory:
        import tracemalloc
    for (source, flags), where in sorted(patterns.items(), key=lambda kv: kv[1]):
        p = re.compile(source, flags)
        print(f"pattern {where}", file=out, flush=True)  # the last one printed is the one that hung
        for s in adversarial(source):
            t = time.perf_counter()
            held = 0
            if measure_memory:  # the first match and the full match, traced (tracing them all is slow)
                tracemalloc.start()
            matches = p.finditer(s)
            next(matches, None)
            p.fullmatch(s)
            if measure_memory:
                held = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
            for _ in matches:
                pass
            took = time.perf_counter() - t
            if took > CALL_BUDGET:
                problems.append(f"{where}: {took:.1f} s on {s[:16]!r}... ({source[:60]!r})")
                break
            if held > MEMORY_BUDGET:
                problems.append(f"{where}: {held:,} bytes on {s[:16]!r}... ({source[:60]!r})")
                break
    return problems


def test_every_pattern_is_collected():
    found = collect()
    where = set(found.values())
    # module attributes, literal patterns in calls, string constants passed to re, ARN formats
    for expected in ("linter.secrets._BLOCK_OPEN_RE", "linter.secrets._ASSIGN_RE",
                     "linter.parsers.hcl._TOP_LEVEL", "linter.parsers.json_loc._TOKEN",
                     "linter.suppress._ITEM_PREFIX", "linter.rules.iam303._OIDC"):
        assert expected in where, expected
    assert any(w.startswith("linter.suppress:") for w in where)  # re.search(_DIRECTIVE, ...) and friends
    assert sum(w.startswith("linter.kb._format_regex(") for w in where) > 50
    assert len(found) > 120


def test_the_audit_catches_a_quadratic_pattern():
    """The pattern the YAML template hint used to be: ^\\s* under re.M over newlines."""
    global N
    old = N
    N = 20_000  # about 8 s when quadratic, a few milliseconds when not
    try:
        slow = {(r"^\s*[\"']?(AWSTemplateFormatVersion|Resources)[\"']?\s*:", re.M): "old template hint"}
        fixed = {(r"^[ \t]*[\"']?(AWSTemplateFormatVersion|Resources)[\"']?[ \t]*:", re.M): "new template hint"}
        global CALL_BUDGET
        budget, CALL_BUDGET = CALL_BUDGET, 1.0
        try:
            assert audit(slow, out=open(os.devnull, "w"))
            assert audit(fixed, out=open(os.devnull, "w")) == []
        finally:
            CALL_BUDGET = budget
    finally:
        N = old


def test_every_pattern_is_linear_on_adversarial_input():
    """Run in a subprocess: a pattern that never returns is stopped by the timeout, and named."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    try:
        r = subprocess.run([sys.executable, os.path.abspath(__file__)], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=900)
    except subprocess.TimeoutExpired as e:
        seen = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        last = [ln for ln in seen.splitlines() if ln.startswith("pattern ")][-1:]
        pytest.fail(f"the audit did not finish; it was on {last}")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "PROBLEM" not in r.stdout
    assert r.stdout.count("pattern ") > 120


if __name__ == "__main__":
    found = collect()
    problems = audit(found)
    for p in problems:
        print("PROBLEM", p)
    sys.exit(1 if problems else 0)
