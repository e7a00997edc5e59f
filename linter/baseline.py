"""The baseline: today's findings, recorded so that only new ones are reported.

``lint-policies --write-baseline FILE PATHS`` records every current finding;
``--baseline FILE`` (or ``baseline = "FILE"`` in the configuration) then reports
only findings that are not in it. Nothing but ``--write-baseline`` ever writes the
file, so a pre-commit hook never changes it.

Each entry is ``{code, file, fingerprint, hint}``. The fingerprint is the finding's
(rule + path + origin label + logical path + normalized value, no line number), with
the path taken relative to the baseline file's directory (``../`` when the
file is elsewhere), so the baseline survives
lines inserted above a finding and does not depend on the directory the linter runs
from. Matching is count-aware: with two entries of one fingerprint and three such
findings today, one is reported. The hint is for humans reading a diff; it never
holds a value, and for credential findings (KEY4xx) there is none at all (their
``value`` is already a hash, and it is not written either).

The file format is described by ``schemas/baseline.schema.json``; it is validated
on read and an invalid file is a usage error (exit code 2).
"""
from __future__ import annotations


import json
import os
import tempfile
from collections import Counter
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Iterable

from .findings import Finding

FORMAT_VERSION = 1
#: Codes whose findings concern credentials: no hint in the baseline.
SECRET_PREFIXES = ("KEY",)
_HINT_MAX = 160


def _rel(finding_file: str, base_dir: str) -> str:
    """The finding's path relative to ``base_dir`` (POSIX; may start with ``../``)."""
    if not finding_file:
        return finding_file
    ap = os.path.abspath(finding_file)
    try:
        rel = os.path.relpath(ap, base_dir)
    except ValueError:  # pragma: no cover - another drive on Windows
        return finding_file
    return rel.replace(os.sep, "/")


def _keyed(f: Finding, base_dir: str) -> tuple[str, str]:
    """(file, fingerprint) of a finding as the baseline at ``base_dir`` records it."""
    rel = _rel(f.file, base_dir)
    if rel == f.file:
        return rel, f.fingerprint
    return rel, f._replace(file=rel).fingerprint


def hint(f: Finding) -> str:
    """A short description for humans; never a value (so never a secret)."""
    if f.code.upper().startswith(SECRET_PREFIXES):
        return ""
    path = "/".join(str(p) for p in f.logical_path)
    if f.label and path and not path.startswith(f.label):
        text = f"{f.label}: {path}"
    else:
        text = path or f.label
    return text if len(text) <= _HINT_MAX else text[: _HINT_MAX - 3] + "..."


def entries(findings: Iterable[Finding], base_dir: str) -> list[dict]:
    out = []
    for f in findings:
        rel, fp = _keyed(f, base_dir)
        e = {"code": f.code, "file": rel, "fingerprint": fp}
        h = hint(f)
        if h:
            e["hint"] = h
        out.append(e)
    out.sort(key=lambda e: (e["file"], e["code"], e.get("hint", ""), e["fingerprint"]))
    return out


def dumps(findings: Iterable[Finding], base_dir: str) -> str:
    doc = {"version": FORMAT_VERSION, "tool": "lint-policies", "findings": entries(findings, base_dir)}
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write(path: str, findings: Iterable[Finding]) -> None:
    """Record ``findings`` in ``path`` (atomically; same findings, same bytes)."""
    from .errors import UsageError

    ap = os.path.abspath(path)
    base_dir = os.path.dirname(ap)
    text = dumps(findings, base_dir)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".baseline-", suffix=".tmp", dir=base_dir)
    except OSError as e:
        raise UsageError(f"{path}: cannot write baseline: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, ap)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise UsageError(f"{path}: cannot write baseline: {e.strerror or e}") from None


def load(path: str) -> dict:
    """Read and validate a baseline file; UsageError (exit 2) naming the file when it is not one."""
    from .errors import UsageError

    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except OSError as e:
        raise UsageError(f"{path}: cannot read baseline: {e.strerror or e}") from None
    except (ValueError, UnicodeDecodeError) as e:
        where = f"line {e.lineno} column {e.colno}" if hasattr(e, "lineno") else "not UTF-8"
        raise UsageError(f"{path}: invalid baseline: not JSON ({where}); "
                         f"recreate it with --write-baseline") from None
    import jsonschema

    from .schemas_util import load_schema

    validator = jsonschema.Draft202012Validator(load_schema("baseline.schema.json"))
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        raise UsageError(f"{path}: invalid baseline: {_problem(errors[0])} (see schemas/baseline.schema.json; "
                         f"recreate it with --write-baseline)")
    return data


def _problem(e) -> str:
    """What is wrong, and where, in words that never quote the file's content (the
    file may be anything: the message goes to a CI log)."""
    # the path holds only the keys the schema defines (an unknown key fails at its parent)
    where = "/".join(str(p) for p in e.absolute_path) or "(top level)"
    if e.validator == "additionalProperties":
        return f"an unknown key at {where}"
    if e.validator == "required":
        missing = [k for k in e.validator_value if not (isinstance(e.instance, dict) and k in e.instance)]
        return f"{where}: missing {', '.join(repr(k) for k in missing)}"
    if e.validator == "type":
        return f"{where} must be of type {e.validator_value}"
    if e.validator in ("const", "enum"):
        return f"{where} must be {e.validator_value!r}"
    return f"{where} does not match the baseline format ({e.validator})"


def filter(path: str, findings: list[Finding]) -> list[Finding]:  # noqa: A001 - the CLI's name
    """The findings not recorded in the baseline at ``path`` (count-aware)."""
    return filter_loaded(load(path), os.path.dirname(os.path.abspath(path)), findings)


def filter_loaded(data: dict, base_dir: str, findings: list[Finding]) -> list[Finding]:
    """:func:`filter` with the baseline already read by :func:`load` (a language server keeps it
    between lints: validating a big baseline takes longer than a lint)."""
    budget = Counter(e["fingerprint"] for e in data["findings"])
    out = []
    for f in findings:
        _, fp = _keyed(f, base_dir)
        if budget[fp] > 0:
            budget[fp] -= 1
            continue
        out.append(f)
    return out
