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
