"""Reporters: turn findings into bytes. One module per format, imported on demand.

:data:`REPORTERS` is the one registry of output formats: the CLI's ``--format`` choices, the
documentation and the tests read it. Each module has ``write(result, meta, out)``, which
writes the report to the text stream ``out`` piece by piece (a report of many findings is
never built as one string), and ``render(result, meta)``, which returns it as a string.
"""
from __future__ import annotations

from .. import import_module

#: name -> (module in linter.reporters, what it is for)
REPORTERS: dict[str, tuple[str, str]] = {
    "text": ("text_format", "for people: the full format on a terminal, the concise one in pipes, files and CI logs"),
    "full": ("text_format", "each finding with its source line, a caret under the token and the fix hint"),
    "concise": ("text_format", "one line per finding (path:line:col: CODE message) and a summary"),
    "json": ("json_format", "every finding with its location, rule, origin and fingerprint, as JSON"),
    "sarif": ("sarif_format", "SARIF 2.1.0, for GitHub code scanning and other SARIF readers"),
    "github": ("github_format", "GitHub Actions workflow commands (annotations) and a job summary"),
    "gitlab": ("gitlab_format", "GitLab Code Quality report (artifacts: reports: codequality)"),
    "junit": ("junit_format", "JUnit XML test report (Jenkins, GitLab, Azure Pipelines)"),
    "rdjson": ("rdjson_format", "reviewdog diagnostic format (reviewdog -f=rdjson)"),
}


def names() -> tuple:
    return tuple(REPORTERS)


def _module(fmt: str):
    return import_module(f"linter.reporters.{REPORTERS[fmt][0]}")


def render(fmt: str, result, meta) -> str:
    import io

    buf = io.StringIO()
    write(fmt, result, meta, buf)
    return buf.getvalue()


def write(fmt: str, result, meta, out) -> None:
    """Write the report in ``fmt`` to the text stream ``out``."""
    mod = _module(fmt)
    if REPORTERS[fmt][0] == "text_format":  # one module, three layouts
        meta = dict(meta, layout=fmt)
    if hasattr(mod, "write"):
        mod.write(result, meta, out)
    else:  # pragma: no cover - a format that only renders
        out.write(mod.render(result, meta))


def json_items(out, items, indent: int) -> None:
    """Write ``items`` as the elements of a JSON array (``[...]`` included) whose
    opening bracket is on a line indented by ``indent`` spaces: byte for byte what
    ``json.dumps(..., indent=2, ensure_ascii=False)`` writes for the array in place."""
    import json

    pad = " " * (indent + 2)
    first = True
    for item in items:
        text = json.dumps(item, indent=2, ensure_ascii=False)
        out.write(("[\n" if first else ",\n") + pad + text.replace("\n", "\n" + pad))
        first = False
    out.write("[]" if first else "\n" + " " * indent + "]")


def json_document(out, doc: dict, key_path: tuple, items) -> None:
    """Write ``doc`` as ``json.dumps(doc, indent=2, ensure_ascii=False) + "\\n"`` would,
    with the array at ``key_path`` (a placeholder in ``doc``) written from ``items``."""
    import json

    marker = "\u0000lint-policies-items\u0000"
    target = doc
    for k in key_path[:-1]:
        target = target[k]
    target[key_path[-1]] = marker
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    quoted = json.dumps(marker)
    head, _, tail = text.partition(quoted)
    out.write(head)
    line = head[head.rfind("\n") + 1:]
    json_items(out, items, len(line) - len(line.lstrip(" ")))
    out.write(tail + "\n")
