#!/usr/bin/env python3
"""Regenerate ``linter/data/managed_policies.json``: the AWS managed policies that grant
SageMaker broadly, decided from the policies' own documents.

Input: a directory of AWS managed policies as ``aws iam get-policy-version`` prints them,
one file per policy named after it, such as the ``policies/`` folder of the MAMIP project
(github.com/zoph-io/MAMIP, which archives every AWS managed policy's default version).
The default is the copy of its SageMaker-related part kept beside the checkout
(``../shared/corpus/zoph-io__MAMIP/policies``); pass a full MAMIP checkout with ``--mamip``.

Each policy is read with the linter's own reader and knowledge base. What counts is what
it grants **on every resource, without conditions**: an action granted by an ``Allow``
statement with no ``Condition`` whose ``Resource`` covers every resource of each of the
action's resource types (``"*"``, ``arn:aws:sagemaker:*:*:*``, a type-wide
``arn:aws:sagemaker:*:*:endpoint/*`` for the actions that take endpoints only), or whose
``NotResource`` leaves some of them. A policy is **broad** when those actions include at
least a quarter of SageMaker's Write and Permissions-management actions. Permissions
boundaries and session policies (by name: they grant nothing) are left out.

``--check`` exits 1 when the data file is not what would be written. The output is
deterministic (sorted; the source commit and the action table's date are recorded).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

DEFAULT_MAMIP = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus", "zoph-io__MAMIP", "policies"))
OUTPUT = os.path.join(ROOT, "linter", "data", "managed_policies.json")
BROAD_SHARE = 0.25  # of SageMaker's Write and Permissions-management actions


def granted_everywhere(doc) -> dict:
    """SageMaker actions (lowercase name -> Action) the document grants on every resource,
    without conditions."""
    from linter import kb
    from linter.analysis import granted_sagemaker

    out: dict = {}
    for st in doc.allow_statements():
        if st.condition or st.condition_unresolved:
            continue
        granted = granted_sagemaker(st)
        if not granted:
            continue
        field = st.resource if st.resource is not None else st.not_resource
        if field is None:
            continue
        values = [v.value for v in field.values if isinstance(v.value, str)]
        if len(values) != len(field.values):
            continue  # a value we cannot read
        covered = frozenset().union(*(kb.resource_types_covered(v) for v in values)) if values else frozenset()
        star = any(v.strip("*") == "" for v in values)
        for name, a in granted.items():
            types = [rt for rt, _ in a.resource_types]
            if st.resource is not None:
                ok = star if not types else all(rt in covered for rt in types)
            else:
                ok = not star and (not types or any(rt not in covered for rt in types))
            if ok:
                out[name] = a
    return out


def compute(mamip: str) -> dict:
    from linter import kb
    from linter.sources import load
    from linter.sources.policy_json import role_by_name

    actions = kb.sagemaker_actions()
    writes = {k for k, a in actions.items() if a.access in ("Write", "Permissions management")}
    policies = {}
    for name in sorted(os.listdir(mamip)):
        path = os.path.join(mamip, name)
        if not os.path.isfile(path) or role_by_name(name) != "identity":
            continue
        src = load(path, name)
        everywhere: dict = {}
        for doc in src.documents:
            everywhere.update(granted_everywhere(doc))
        w = len(set(everywhere) & writes)
        if w < BROAD_SHARE * len(writes):
            continue
        policies[name] = {
            "actions": len(everywhere),
            "write_actions": w,
            "riskiest": kb.riskiest(list(everywhere.values())).full,
        }
    return {
        "format": 1,
        "source": {
            "policies": f"AWS managed policies (default versions) as archived by MAMIP, {_describe(mamip)}",
            "action_table_date": kb.data_date(),
            "sagemaker_actions": len(actions),
            "sagemaker_write_actions": len(writes),
            "rule": f"granted on every resource without conditions: at least {int(BROAD_SHARE * 100)}% of "
                    f"SageMaker's Write and Permissions-management actions",
            "generated_by": "scripts/update_managed_policies.py",
        },
        "policies": policies,
    }


def _describe(mamip: str) -> str:
    """Where the policies come from: the MAMIP commit when the corpus manifest or git knows it."""
    manifest = os.path.join(os.path.dirname(os.path.dirname(mamip)), "MANIFEST.tsv")
    if os.path.exists(manifest):
        with open(manifest, encoding="utf-8") as fh:
            for line in fh:
                cols = line.split("\t")
                if cols[0] == "zoph-io/MAMIP":
                    return f"github.com/zoph-io/MAMIP commit {cols[1]}"
    try:
        commit = subprocess.run(["git", "-C", mamip, "rev-parse", "HEAD"], capture_output=True, text=True,
                                check=True).stdout.strip()
        return f"github.com/zoph-io/MAMIP commit {commit}"
    except (OSError, subprocess.CalledProcessError):
        return f"{len(os.listdir(mamip))} policies"


def render(data: dict) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mamip", default=DEFAULT_MAMIP, help="directory of get-policy-version files (MAMIP policies/)")
    ap.add_argument("--output", default=OUTPUT)
    ap.add_argument("--check", action="store_true", help="exit 1 when the output file is stale")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.mamip):
        print(f"not a directory: {args.mamip}", file=sys.stderr)
        return 2
    text = render(compute(args.mamip))
    if args.check:
        try:
            with open(args.output, encoding="utf-8") as fh:
                same = fh.read() == text
        except OSError:
            same = False
        print("up to date" if same else f"{args.output} is stale: run {os.path.relpath(__file__, ROOT)}")
        return 0 if same else 1
    with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    print(f"wrote {args.output}: {len(json.loads(text)['policies'])} broad policies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
