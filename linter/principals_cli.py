"""``lint-policies principals [PATH ...]``: what each principal may do in SageMaker, offline.

For every principal of the files read (see :mod:`linter.principals`), the SageMaker actions
and ``iam:PassRole`` it is granted once its Deny statements and permissions boundary are
applied: each action with wildcards expanded, the resources it applies to, the conditions,
and the statement that grants it. Text (grouped by statement) or ``--format json`` (one
entry per action).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Optional, Sequence

#: Expanded actions shown per statement in text output (JSON lists them all).
TEXT_LIMIT = 12


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lint-policies principals",
        description="Print, per principal (role, user, group, or a policy attached to none the files show), the "
                    "SageMaker actions and iam:PassRole it is granted: wildcards expanded, resources, conditions "
                    "and the statement granting each, after its Deny statements and permissions boundary.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--allow-root", action="append", default=[], metavar="DIR",
                   help="also read files under DIR when a file read names them (Terraform file())")
    return p


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    paths = args.paths or ["."]
    for p in paths:
        if not os.path.lexists(p):
            sys.stderr.write(f"lint-policies principals: no such file or directory: {p}\n")
            return 2
    report = collect(paths, args.allow_root)
    try:
        if args.format == "json":
            json.dump({"principals": report}, sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            sys.stdout.write(render_text(report))
        sys.stdout.flush()
    except BrokenPipeError:  # pragma: no cover - piped into head
        return 1
    return 0


def collect(paths: list, allow_roots: list = ()) -> list:
    """The report: one dict per principal granted any SageMaker action or iam:PassRole."""
    from . import engine, principals, sources
    from .safety import read_roots

    opts = engine.Options(allow_roots=list(allow_roots))
    opts = opts._replace(read_roots=read_roots(paths, opts.allow_roots))
    out: list = []
    sources.begin_run()
    try:
        files = list(engine.discover(paths, opts))
        for unit in engine.units(files, True):
            srcs = [sources.load(p, engine.display_path(p, opts), max_size=opts.max_file_size, explicit=ex,
                                 roots=opts.read_roots) for _, p, ex in unit]
            named = {os.path.realpath(p) for _, p, _ in unit}
            for other in sources.unit_files(unit[0][1]):
                if os.path.realpath(other) not in named:
                    srcs.append(sources.load(other, engine.display_path(other, opts), max_size=opts.max_file_size,
                                             roots=opts.read_roots))
            docs = [d for s in srcs for d in s.documents]
            for p in principals.group(docs):
                entry = describe(p)
                if entry["permissions"]:
                    out.append(entry)
    finally:
        sources.end_run()
    return _clean(out)


def describe(p) -> dict:
    from .analysis import granted_sagemaker
    from .principals import _reaches

    names: dict = {}
    for doc in p.documents:
        for st in doc.statements:
            if st.is_allow:
                for low, a in granted_sagemaker(st).items():
                    names.setdefault(low, a.name)
    perms = []
    for action in ["iam:PassRole"] + [f"sagemaker:{names[k]}" for k in sorted(names)]:
        for g in p.grants(action):
            if action.startswith("sagemaker:") and g.resources is not None:
                if not _reaches(tuple(g.resources), action.split(":", 1)[1].lower()):
                    continue  # the statement's resources are not this action's
            perms.append(_grant(g, action))
    trusted = sorted({v.value for doc in p.trust for st in doc.statements if st.is_allow and st.principal
                      for v in st.principal.values_of("Service") if isinstance(v.value, str)})
    return {
        "id": p.holder.id, "name": p.name, "kind": p.holder.kind, "iam_name": p.holder.iam_name,
        "trusted_services": trusted,
        "permissions_boundary": [d.origin.label or d.origin.file for d in p.boundaries],
        "permissions": perms,
    }


def _grant(g, action: str) -> dict:
    from .model import Val

    st = g.statement
    at = g.at
    if st.resource is not None:
        resources = [v.text for v in st.resource.values]
        scope = "Resource"
    else:
        resources = [v.text for v in st.not_resource.values] if st.not_resource is not None else []
        scope = "NotResource"
    span = g.span
    return {
        "action": action,
        "pattern": at.text if isinstance(at, Val) else "NotAction " + ", ".join(v.text for v in at.values),
        "resource_element": scope,
        "resources": resources,
        "conditions": [{"operator": c.operator, "key": c.key.text, "values": [v.text for v in c.values]}
                       for c in st.condition] + ([{"operator": "?", "key": "?", "values": ["(not known)"]}]
                                                 if st.condition_unresolved else []),
        "file": g.doc.origin.file, "line": span.line, "column": span.col,
        "origin": g.doc.origin.label, "statement": st.index,
    }


def _clean(report: list) -> list:
    """Every string from the files escaped, as every reporter does (no control characters)."""
    from .safety import printable

    def walk(x):
        if isinstance(x, str):
            return printable(x)
        if isinstance(x, list):
            return [walk(i) for i in x]
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        return x

    return walk(report)


def render_text(report: list) -> str:
    lines: list = []
    for p in report:
        head = f"{p['name']} ({p['kind']}"
        if p["iam_name"]:
            head += f" {p['iam_name']}"
        head += ")"
        if head == f"{p['kind']} {p['iam_name']} ({p['kind']} {p['iam_name']})":
            head = p["name"]  # named by its IAM name already (a boto3 or shell role): said once
        lines.append(head)
        if p["trusted_services"]:
            lines.append("  assumable by: " + ", ".join(p["trusted_services"]))
        if p["permissions_boundary"]:
            lines.append("  permissions boundary: " + ", ".join(p["permissions_boundary"]))
        groups: dict = {}
        for perm in p["permissions"]:
            key = (perm["file"], perm["line"], perm["column"])
            groups.setdefault(key, []).append(perm)
        for (file, line, col), perms in groups.items():
            first = perms[0]
            acts = [x["action"] for x in perms]
            shown = ", ".join(acts[:TEXT_LIMIT]) + (f" and {len(acts) - TEXT_LIMIT} more" if len(acts) > TEXT_LIMIT
                                                    else "")
            patterns = {x["pattern"] for x in perms}
            # one value granting several actions ("sagemaker:Create*"); values put at one place (a
            # module call's list, located at the var.name that brings it) are each their own action
            via = f' (from "{first["pattern"]}")' if len(patterns) == 1 and (
                len(acts) > 1 or first["pattern"] != first["action"]) else ""
            lines.append(f"  {shown}{via}")
            res = ", ".join(f'"{r}"' for r in first["resources"]) or "-"
            lines.append(f"    {first['resource_element']}: {res}")
            if first["conditions"]:
                conds = "; ".join(f"{c['operator']} {c['key']} [{', '.join(c['values'])}]" for c in first["conditions"])
                lines.append(f"    when: {conds}")
            origin = f" {first['origin']}" if first["origin"] else ""
            lines.append(f"    granted at {file}:{line}:{col}{origin}")
        lines.append("")
    if not report:
        lines.append("No principal is granted a SageMaker action or iam:PassRole.")
    return "\n".join(lines).rstrip("\n") + "\n"
