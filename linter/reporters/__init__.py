"""Reporters: turn findings into bytes. One module per format, imported on demand.

:data:`REPORTERS` is the one registry of output formats: the CLI's ``--format`` choices, the
documentation and the tests read it. A reporter module exposes ``render(result, meta) -> str``.
"""
from __future__ import annotations

#: name -> (module in linter.reporters, what it is for)
REPORTERS: dict[str, tuple[str, str]] = {
    "text": ("text_format", "one line per finding (path:line:col: CODE message) and a summary"),
    "json": ("json_format", "every finding with its location, rule, origin and fingerprint, as JSON"),
    "sarif": ("sarif_format", "SARIF 2.1.0, for GitHub code scanning and other SARIF readers"),
    "github": ("github_format", "GitHub Actions workflow commands (annotations) and a job summary"),
}


def names() -> tuple:
    return tuple(REPORTERS)


def render(fmt: str, result, meta) -> str:
    import importlib

    mod = importlib.import_module(f"linter.reporters.{REPORTERS[fmt][0]}")
    return mod.render(result, meta)
