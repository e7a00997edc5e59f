"""The parse-only floor: read and parse the same files the linter reads, and nothing else.

    python benchmarks/parse_floor.py PATH [PATH ...]

Walks the paths (directories recursively, in sorted order), reads every ``.json``,
``.yaml``/``.yml``/``.template`` and ``.tf``/``.tfvars`` file and parses it with the
fastest stock parser there is for it:

* JSON: ``json.loads`` (the C scanner);
* YAML: PyYAML's ``CSafeLoader`` (libyaml) with a multi-constructor that accepts the
  CloudFormation short-form tags (``!Ref``, ``!Sub``, ``!GetAtt``...) as plain data;
* HCL: the tree-sitter HCL grammar (the parser the linter uses), building the
  syntax tree only.

No positions, no policy model, no rules, no output: whatever the linter costs
above this is its own overhead. Prints one line (files, bytes, parse errors) and
exits 0.
"""
from __future__ import annotations

import json
import os
import sys

SKIP = {".git", ".terraform", "node_modules", "__pycache__", ".venv", "venv"}


def files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d not in SKIP)
                for n in sorted(names):
                    yield os.path.join(root, n)
        else:
            yield p


def main(argv) -> int:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class CfnLoader(loader):  # type: ignore[misc, valid-type]
        pass

    def any_tag(ld, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            return {suffix: ld.construct_scalar(node)}
        if isinstance(node, yaml.SequenceNode):
            return {suffix: ld.construct_sequence(node)}
        return {suffix: ld.construct_mapping(node)}

    CfnLoader.add_multi_constructor("!", any_tag)

    hcl = None
    n = size = errors = 0
    for path in files(argv or ["."]):
        low = path.lower()
        if low.endswith(".json"):
            kind = "json"
        elif low.endswith((".yaml", ".yml", ".template")):
            kind = "yaml"
        elif low.endswith((".tf", ".tfvars")):
            kind = "hcl"
        else:
            continue
        with open(path, "rb") as fh:
            raw = fh.read()
        n += 1
        size += len(raw)
        try:
            if kind == "json":
                json.loads(raw.decode("utf-8-sig"))
            elif kind == "yaml":
                yaml.load(raw.decode("utf-8-sig"), Loader=CfnLoader)
            else:
                if hcl is None:
                    import tree_sitter
                    import tree_sitter_hcl

                    hcl = tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))
                if hcl.parse(raw).root_node.has_error:
                    errors += 1
        except (ValueError, yaml.YAMLError):
            errors += 1
    print(f"parsed {n} files, {size} bytes, {errors} with errors")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
