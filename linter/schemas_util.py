"""Access to the JSON Schemas shipped as package data (``linter.schemas``)."""
from __future__ import annotations

import json
import os
from functools import lru_cache


def schema_path(name: str) -> str:
    import linter.schemas as pkg

    return os.path.join(os.path.dirname(pkg.__file__), name)


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    with open(schema_path(name), encoding="utf-8") as fh:
        return json.load(fh)


# JSON Schema keywords that only annotate: they never make an instance invalid.
_ANNOTATIONS = frozenset(("$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"))
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


class _Unsure(Exception):
    """The schema uses a keyword :func:`surely_valid` does not evaluate."""


def surely_valid(schema: dict, instance) -> bool:
    """Whether ``instance`` is valid against ``schema``, decided without importing ``jsonschema``
    (whose import costs several times a one-file run), for the keywords small configuration
    schemas use: ``type``, ``properties``, ``patternProperties``, ``additionalProperties``,
    ``items``, ``enum``, ``minimum``, ``maximum``, ``pattern`` and local ``$ref``. False means
    invalid *or* not decided here: the caller then runs ``jsonschema`` for the verdict and its
    message, so this never accepts what ``jsonschema`` would reject."""
    try:
        return _valid(schema, instance, schema)
    except Exception:  # _Unsure, a pattern Python cannot compile, a $ref it cannot follow...
        return False


def _valid(s, v, root) -> bool:
    if s is True:
        return True
    if not isinstance(s, dict):
        raise _Unsure
    for k, want in s.items():
        if k in _ANNOTATIONS:
            continue
        if k == "$ref":
            if not (isinstance(want, str) and want.startswith("#/")):
                raise _Unsure
            target = root
            for part in want[2:].split("/"):
                target = target[part]
            if not _valid(target, v, root):
                return False
        elif k == "type":
            names = want if isinstance(want, list) else [want]
            if not any(_TYPES[n](v) for n in names):
                return False
        elif k == "enum":
            if not any(type(v) is type(e) and v == e for e in want):
                return False
        elif k in ("minimum", "maximum"):
            if _TYPES["number"](v) and (v < want if k == "minimum" else v > want):
                return False
        elif k == "pattern":
            if isinstance(v, str):
                import re

                if re.search(want, v) is None:
                    return False
        elif k == "items":
            if isinstance(v, list) and not all(_valid(want, x, root) for x in v):
                return False
        elif k in ("properties", "patternProperties", "additionalProperties"):
            if isinstance(v, dict) and not _object_valid(s, v, root):
                return False
        else:
            raise _Unsure
    return True


def _object_valid(s: dict, v: dict, root) -> bool:
    import re

    props = s.get("properties", {})
    patterns = s.get("patternProperties", {})
    extra = s.get("additionalProperties", True)
    for name, value in v.items():
        matched = False
        if name in props:
            matched = True
            if not _valid(props[name], value, root):
                return False
        for pat, sub in patterns.items():
            if re.search(pat, name):
                matched = True
                if not _valid(sub, value, root):
                    return False
        if not matched:
            if extra is False:
                return False
            if not _valid(extra, value, root):
                return False
    return True
