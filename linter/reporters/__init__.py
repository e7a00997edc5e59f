"""Reporters: turn findings into bytes. One module per format, imported on demand."""
from __future__ import annotations

FORMATS = ("text", "json", "sarif", "github")


def render(fmt: str, result, meta) -> str:
    import importlib

    mod = importlib.import_module(f"linter.reporters.{fmt}_format")
    return mod.render(result, meta)
