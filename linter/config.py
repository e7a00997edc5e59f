"""Configuration: command line over config file over defaults.

The config file is ``[tool.lint-policies]`` in ``pyproject.toml`` or a
``.lint-policies.toml``, found by walking up from the current directory to the
repository root (the nearest wins; in one directory ``.lint-policies.toml`` wins
over ``pyproject.toml``), or given with ``--config``. It is validated against
``schemas/config.schema.json``.
"""
from __future__ import annotations

import os
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Optional

from .engine import Options
from .record import Record


class Config(Record):
    __slots__ = ("options", "format", "fail_level", "baseline_in", "baseline_out", "source", "raw")
    _defaults = {"format": "text", "fail_level": "warning", "baseline_in": None, "baseline_out": None,
                 "source": None, "raw": dict}


def find_config(start: str) -> Optional[tuple[str, dict]]:
    d = os.path.abspath(start)
    while True:
        for name in (".lint-policies.toml", "pyproject.toml"):
            p = os.path.join(d, name)
            if os.path.isfile(p):
                if name == "pyproject.toml" and not _mentions_section(p):
                    continue  # most pyproject.toml files have no [tool.lint-policies]: skip the TOML parser
                data = _read_toml(p)
                if name == "pyproject.toml":
                    section = data.get("tool", {}).get("lint-policies")
                    if section is None:
                        continue
                    return p, section
                return p, data
        if os.path.exists(os.path.join(d, ".git")):
            return None
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def _mentions_section(path: str) -> bool:
    """Whether a ``pyproject.toml`` may configure the linter: ``lint-policies`` written as a key
    (followed by ``.``, ``=`` or ``]``, after its closing quote if quoted), not as a value such
    as a project or dependency name, nor as part of a longer key."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return True  # let the TOML reader report it
    if b"lint-policies" not in data:
        return False
    import re

    return re.search(rb"""lint-policies['"]?[ \t]*[.=\]]""", data) is not None


def _read_toml(path: str) -> dict:
    from .errors import UsageError

    try:
        import tomllib  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise UsageError(f"{path}: cannot read configuration: {e}") from None


def validate(path: str, data: dict) -> None:
    """Raise UsageError naming the file, the key and what was expected."""
    from .errors import UsageError
    from .schemas_util import load_schema, surely_valid

    schema = load_schema("config.schema.json")
    if surely_valid(schema, data):
        return
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    e = errors[0]
    where = ".".join(str(p) for p in e.absolute_path) or "(top level)"
    if e.validator == "additionalProperties":
        extra = sorted(set(e.instance) - set(e.schema.get("properties", {})))
        key = ".".join([*map(str, e.absolute_path), extra[0]]) if extra else where
        allowed = ", ".join(sorted(e.schema.get("properties", {})))
        msg = f"unknown key {key!r}; expected one of: {allowed}"
    elif e.validator == "type":
        msg = f"key {where!r} must be of type {e.validator_value}, not {type(e.instance).__name__} ({e.instance!r})"
    elif e.validator == "enum":
        msg = f"key {where!r} must be one of {', '.join(map(str, e.validator_value))}, not {e.instance!r}"
    else:
        msg = f"key {where!r}: {e.message}"
    raise UsageError(f"{path}: invalid configuration: {msg}")


def _configured_baseline(source: Optional[str], value: Optional[str], rel) -> Optional[str]:
    """The baseline a configuration file names, which must be inside the file's tree.

    A pull request can change the configuration: it must not make the linter read a
    file elsewhere on the machine (and quote it in an error). The path is checked
    before anything is opened; a configured baseline that does not exist yet is
    ignored, as before.
    """
    from .errors import UsageError
    from .safety import inside, tree_root

    if not value:
        return None
    path = rel(value)
    tree = tree_root(os.path.dirname(os.path.abspath(source)))
    if not inside(os.path.normpath(os.path.abspath(path)), (tree,)) or \
            not inside(os.path.realpath(path), (tree,)):
        raise UsageError(f"{source}: baseline {value!r} is outside {tree}, the tree of the configuration file; "
                         f"a configuration file can only name a baseline inside it (--baseline FILE on the "
                         f"command line can name any file)")
    return path if os.path.exists(path) else None


def load_config(args: Any) -> Config:
    from .errors import UsageError

    data: dict = {}
    source = None
    if getattr(args, "config", None):
        p = args.config
        if not os.path.isfile(p):
            raise UsageError(f"config file not found: {p}")
        raw = _read_toml(p)
        data = raw.get("tool", {}).get("lint-policies", {}) if os.path.basename(p) == "pyproject.toml" else raw
        source = p
    else:
        found = find_config(os.getcwd())
        if found:
            source, data = found
    if source:
        validate(source, data)
    base = os.path.dirname(os.path.abspath(source)) if source else os.getcwd()

    def rel(p: Optional[str]) -> Optional[str]:
        return None if p is None else (p if os.path.isabs(p) else os.path.join(base, p))

    opts = Options(
        select=data.get("select"),
        ignore=list(data.get("ignore", [])),
        extend_select=list(data.get("extend-select", [])),
        exclude=list(data.get("exclude", [])),
        per_file_ignores=dict(data.get("per-file-ignores", {})),
        require_reason=bool(data.get("require-reason", True)),
        max_file_size=int(data.get("max-file-size", 5 * 1024 * 1024)),
        rule_options={k.upper(): v for k, v in data.get("rules", {}).items()},
        config_dir=os.path.dirname(os.path.abspath(source)) if source else None,
    )
    if args.select is not None:
        opts.select = args.select
    if args.ignore:
        opts.ignore = args.ignore
    if args.extend_select:
        opts.extend_select = opts.extend_select + args.extend_select
    if args.jobs is not None:
        if args.jobs < 1:
            raise UsageError("--jobs must be at least 1")
        opts.jobs = args.jobs
    elif data.get("jobs"):
        # a configuration file in the tree cannot start more workers than there are CPUs
        opts.jobs = min(int(data["jobs"]), os.cpu_count() or 1)
    if args.max_file_size is not None:
        opts.max_file_size = args.max_file_size
    opts.allow_roots = list(getattr(args, "allow_root", None) or [])
    if opts.select is not None:
        opts.select = [s.upper() for s in opts.select]
    opts.ignore = [s.upper() for s in opts.ignore]
    opts.extend_select = [s.upper() for s in opts.extend_select]
    fmt = args.format or "text"
    fail = args.fail_level or data.get("fail-level", "warning")
    if args.baseline:
        if not os.path.exists(args.baseline):
            raise UsageError(f"baseline file not found: {args.baseline}")
        baseline_in = args.baseline
    else:
        baseline_in = _configured_baseline(source, data.get("baseline"), rel)
    return Config(options=opts, format=fmt, fail_level=fail, baseline_in=baseline_in,
                  baseline_out=args.write_baseline, source=source, raw=data)
