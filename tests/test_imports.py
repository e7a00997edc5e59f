"""The package's modules import each other without cycles (function-level imports included:
a cycle there is still two modules that cannot be understood, or changed, one without the other)."""
from __future__ import annotations

import ast
import os

from conftest import ROOT

PACKAGES = {"linter": os.path.join(ROOT, "linter"), "linter.rules": os.path.join(ROOT, "rules")}


def modules() -> dict:
    out = {}
    for pkg, d in PACKAGES.items():
        for dirpath, _dirs, files in os.walk(d):
            for f in files:
                if not f.endswith(".py"):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, f), d)[:-3].replace(os.sep, ".")
                name = pkg if rel == "__init__" else f"{pkg}.{rel[:-9] if rel.endswith('.__init__') else rel}"
                out[name] = os.path.join(dirpath, f)
    return out


def imports(name: str, path: str, known: set) -> set:
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    is_pkg = path.endswith("__init__.py")
    here = name if is_pkg else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here
            for _ in range(node.level - 1 if node.level else 0):
                base = base.rsplit(".", 1)[0]
            mod = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
            targets = [f"{mod}.{a.name}" for a in node.names] + [mod]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rsplit(".", 1)[0] if "." in t else ""
            if t and t != name and not name.startswith(t + "."):  # a module importing its own package is fine
                out.add(t)
    return out


def test_no_import_cycles():
    mods = modules()
    known = set(mods)
    graph = {n: imports(n, p, known) for n, p in mods.items()}
    cycles = []
    state: dict = {}

    def visit(n, stack):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                cycles.append(stack[stack.index(m):] + [m])
            elif m not in state:
                visit(m, stack)
        stack.pop()
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n, [])
    assert cycles == [], "\n".join(" -> ".join(c) for c in cycles)
