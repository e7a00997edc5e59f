"""The ``lint-policies`` command.

Exit codes: 0 nothing at or above the fail level, 1 findings at or above it,
2 usage or configuration error.
"""
from __future__ import annotations

import os
import sys
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    import argparse
    from typing import Optional, Sequence

from . import __version__


from .errors import UsageError  # noqa: E402  (re-exported for callers of linter.cli)


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def _help_formatter():
    """argparse's formatter without ``import shutil`` (and bz2, lzma...) on every start-up.

    ``add_argument`` builds a formatter to validate each argument, and the stock one
    imports shutil just to ask for the terminal width; this asks ``os`` the same way.
    (Made on first use: argparse is not imported when the command line is file names only.)
    """
    import argparse

    class _HelpFormatter(argparse.HelpFormatter):
        def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                     width: Optional[int] = None) -> None:
            if width is None:
                try:
                    width = int(os.environ["COLUMNS"])
                except (KeyError, ValueError):
                    try:
                        width = os.get_terminal_size(sys.__stdout__.fileno()).columns
                    except (AttributeError, ValueError, OSError):
                        width = 80
                width = (width if width > 0 else 80) - 2
            super().__init__(prog, indent_increment, max_help_position, width)

    return _HelpFormatter


def build_parser() -> argparse.ArgumentParser:
    import argparse

    p = argparse.ArgumentParser(
        prog="lint-policies",
        formatter_class=_help_formatter(),
        description="Lint AWS IAM policies that guard Amazon SageMaker: policy JSON and templates, "
                    "CloudFormation/SAM, Terraform, Serverless Framework files, AWS CDK apps and boto3 code "
                    "(Python files and Jupyter notebooks, TypeScript, JavaScript), shell scripts and CI definitions.",
        epilog="lint-policies server: run the language server for editors (lint-policies server --help). "
               "lint-policies principals [PATH ...]: print what each principal may do in SageMaker "
               "(lint-policies principals --help).",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    from .reporters import REPORTERS

    p.add_argument("--format", choices=tuple(REPORTERS), default=None,
                   help="output format (default: text)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    p.add_argument("--sarif-file", metavar="FILE", help="also write SARIF to FILE")
    p.add_argument("--sarif-category", metavar="NAME",
                   help="SARIF automationDetails.id category, to upload several analyses (default: lint-policies)")
    p.add_argument("--select", type=_codes, metavar="CODES", help="comma-separated codes or prefixes to run (SM, SM1, IAM301)")
    p.add_argument("--extend-select", type=_codes, metavar="CODES", help="add codes or prefixes to the selection")
    p.add_argument("--ignore", type=_codes, metavar="CODES", help="codes or prefixes not to run")
    p.add_argument("--fail-level", choices=("error", "warning", "note", "never"), default=None,
                   help="lowest severity that makes the exit code 1 (default: warning)")
    p.add_argument("--config", metavar="FILE", help="configuration file (default: nearest .lint-policies.toml or pyproject.toml)")
    p.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in FILE")
    p.add_argument("--write-baseline", metavar="FILE", help="record the current findings in FILE and exit 0")
    p.add_argument("--show-suppressed", action="store_true", help="also list suppressed findings with their reasons")
    p.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: CPUs when many files, else 1)")
    p.add_argument("--max-file-size", type=int, metavar="BYTES", help="refuse files larger than this (default 5 MB)")
    p.add_argument("--allow-root", action="append", default=[], metavar="DIR",
                   help="also read files under DIR when a linted file names them (Terraform file()); "
                        "by default nothing outside the tree being linted is read")
    p.add_argument("--show-url", action="store_true",
                   help="text output: print each finding's rule documentation URL under it")
    p.add_argument("--statistics", action="store_true",
                   help="print the number of findings per rule instead of the findings")
    p.add_argument("--stdin-filename", metavar="NAME",
                   help="with the path `-`: the name of the document read from standard input "
                        "(chooses its format and the path in the report)")
    p.add_argument("--new-since", metavar="REF",
                   help="report only findings that are not present at the git revision REF "
                        "(compared by fingerprint, so moved lines are not new)")
    p.add_argument("--display-root", metavar="DIR",
                   help="write paths in reports relative to DIR (default: the current directory); "
                        "a CI step run in a subdirectory reports paths from the repository root")
    p.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    p.add_argument("--explain", metavar="CODE", help="print a rule's documentation and exit")
    p.add_argument("--quiet", "-q", action="store_true", help="print findings only, no summary; nothing when clean")
    p.add_argument("--version", action="version", version=f"lint-policies {__version__}")
    return p


def _list_rules(out) -> int:
    from . import registry

    for code in registry.all_codes():
        rule = registry.load(code)
        out.write(f"{code:7} {rule.name:34} {rule.severity:8} {rule.summary.strip().splitlines()[0]}\n")
    return 0


def _explain(code: str, out) -> int:
    from . import registry
    from .docs import rule_markdown

    code = code.strip().upper()
    if code not in registry.all_codes():
        sys.stderr.write(f"lint-policies: unknown rule code {code!r} (see --list-rules)\n")
        return 2
    out.write(rule_markdown(registry.load(code)))
    return 0


def _lint_stdin(name: str, opts, codes):
    """Lint the document on standard input as if it were the file ``name`` (which need not
    exist: its name chooses the format and is the path in the report). Returns the result
    and ``{display path: text}`` for reporters that show source lines."""
    from . import engine
    from .engine import Result

    data = sys.stdin.buffer.read(opts.max_file_size + 1) if hasattr(sys.stdin, "buffer") else \
        sys.stdin.read().encode("utf-8", "surrogateescape")
    # undecodable bytes are the engine's to report (LP001), as for a file on disk
    text = data.decode("utf-8", "surrogateescape")
    if opts.read_roots is None:
        from .safety import read_roots

        opts = opts._replace(read_roots=read_roots([os.path.dirname(os.path.abspath(name)) or "."],
                                                   opts.allow_roots))
    rules = engine.RuleSet(codes, opts)
    kept, suppressed = engine.lint_file(name, True, rules, opts, text=text)
    return Result(kept, suppressed, 1), {engine.display_path(name, opts): text}


def _files_posing_as_options(argv: Sequence[str]) -> Optional[str]:
    """An argument before ``--`` that looks like an option but is the name of a file.

    pre-commit passes the names of the files to lint after the hook's ``args``; a file
    committed as ``--write-baseline=x.json`` or ``--version`` would otherwise be
    obeyed as an option. The hooks put ``--`` before the file names; this catches a
    configuration whose ``args`` dropped it.
    """
    for a in argv:
        if a == "--":
            return None
        if a.startswith("-") and len(a) > 1 and os.path.lexists(a):
            return a
    return None


#: What argparse makes of each option left out, for :func:`_files_only` (a test checks that
#: they agree with :func:`build_parser`; an option added there gets its default here too).
_DEFAULTS = {"format": None, "output": None, "sarif_file": None, "select": None, "extend_select": None,
             "ignore": None, "fail_level": None, "config": None, "baseline": None, "write_baseline": None,
             "show_suppressed": False, "jobs": None, "max_file_size": None, "list_rules": False,
             "explain": None, "quiet": False, "new_since": None, "display_root": None, "sarif_category": None,
             "stdin_filename": None, "show_url": False, "statistics": False}


class _FilesOnly:
    """The namespace argparse returns for a command line of file names only."""

    def __init__(self, paths: list) -> None:
        self.paths = paths
        self.allow_root = []
        for k, v in _DEFAULTS.items():
            setattr(self, k, v)

    def __getattr__(self, name: str):  # an option missing from _DEFAULTS: ask argparse
        defaults = build_parser().parse_args(["--"])
        if not hasattr(defaults, name):
            raise AttributeError(name)
        return getattr(defaults, name)


def _files_only(argv: list) -> Optional[_FilesOnly]:
    """The common invocation, ``lint-policies [--] FILE...`` (what the pre-commit hook runs),
    read without importing argparse or building the parser (several milliseconds of a one-file
    run); None for any other."""
    names = argv[1:] if argv[:1] == ["--"] else argv
    if any(a.startswith("-") for a in names):
        return None
    return _FilesOnly(list(names))


def entry() -> None:
    """The ``lint-policies`` command and ``python -m linter``: :func:`main`, then the process
    ends as soon as its output is written.

    Python's own exit tears the interpreter down object by object (every module, every rule,
    the knowledge base): about a seventh of a one-file run, for memory the operating system
    takes back at once. The command's output is flushed and the process ends without that
    teardown; files the command writes (``--output-file``, the baseline) are closed before
    :func:`main` returns. An exception :func:`main` does not handle still ends the process the
    usual way, with its traceback."""
    try:
        code = main()
    except SystemExit as e:  # argparse's --help and usage errors
        if e.code is None or isinstance(e.code, int):
            code = e.code or 0
        else:
            sys.stderr.write(f"{e.code}\n")
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader went away (piped into head)
            code = code or 1
        except ValueError:  # closed (the language server closes its streams when told to exit)
            pass
    os._exit(code)


def main(argv: Optional[Sequence[str]] = None) -> int:
    # A command's run makes millions of short-lived objects that reference counting frees, and
    # next to no cycles (a thousand-file run leaves a few hundred objects for the collector): its
    # passes cost about 6% of a one-file run and find nothing worth the time. The command runs
    # without it; the caller's setting is restored after (tests and tools call main() in-process),
    # and the language server, which lives for hours, keeps it.
    import gc

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # never a UnicodeEncodeError traceback
        except (AttributeError, ValueError):  # pragma: no cover - a replaced stream
            pass
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["server"]:  # the language server (a directory named server: ./server)
        from .server import main as server_main

        return server_main(argv[1:])
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _command(argv)
    finally:
        if collecting:
            gc.enable()


def _command(argv: list[str]) -> int:
    if argv[:1] == ["principals"]:  # what each principal may do (a directory named principals: ./principals)
        from .principals_cli import main as principals_main

        return principals_main(argv[1:])
    posing = _files_posing_as_options(argv)
    if posing is not None:
        from .safety import printable

        sys.stderr.write(f"lint-policies: {printable(posing)!r} is an option and also the name of a file; "
                         f"put file names after `--` (lint-policies [OPTIONS] -- FILE...)\n")
        return 2
    if argv == ["--version"]:  # what argparse prints, without building the parser
        sys.stdout.write(f"lint-policies {__version__}\n")
        return 0
    args = _files_only(argv)
    if args is None:
        args = build_parser().parse_args(argv)
    try:
        return _main(args)
    except UsageError as e:
        from .safety import printable

        sys.stderr.write(f"lint-policies: {printable(str(e))}\n")
        return 2
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 1
    except KeyboardInterrupt:  # pragma: no cover
        return 130


def _main(args) -> int:
    if args.list_rules:
        return _list_rules(sys.stdout)
    if args.explain:
        return _explain(args.explain, sys.stdout)

    from .config import load_config

    cfg = load_config(args)  # raises UsageError on a bad config
    if args.statistics and cfg.format not in ("text", "full", "concise", "json"):
        raise UsageError("--statistics prints text or JSON (--format text, concise, full or json)")
    opts = cfg.options
    from . import engine, registry
    from .findings import RANK

    known = set(registry.all_codes())
    for sel in (opts.select or []) + opts.ignore + opts.extend_select:
        if sel != "ALL" and not any(c.startswith(sel) for c in known):
            raise UsageError(f"unknown rule code or prefix {sel!r} (see --list-rules)")

    if args.display_root:
        if not os.path.isdir(args.display_root):
            raise UsageError(f"--display-root: not a directory: {args.display_root}")
        opts.root = os.path.abspath(args.display_root)
    paths = args.paths or ["."]
    stdin = "-" in paths
    texts: dict = {}
    if stdin:
        if paths != ["-"]:
            raise UsageError("`-` (standard input) cannot be combined with other paths")
    elif args.stdin_filename:
        raise UsageError("--stdin-filename needs the path `-` (standard input)")
    for p in paths:
        if p != "-" and not os.path.lexists(p):
            raise UsageError(f"no such file or directory: {p}")
    codes = engine.selected_codes(opts)
    if stdin:
        result, texts = _lint_stdin(args.stdin_filename or "stdin.json", opts, codes)
    else:
        result = engine.run(paths, opts, codes)
    if args.new_since is not None:
        from .newsince import filter_new

        result.findings = filter_new(args.new_since, result.findings, opts, codes, paths)

    if cfg.baseline_out:
        from . import baseline

        baseline.write(cfg.baseline_out, result.findings)
        sys.stderr.write(f"lint-policies: wrote {len(result.findings)} findings to {cfg.baseline_out}\n")
        return 0
    if cfg.baseline_in:
        from . import baseline

        result.findings = baseline.filter(cfg.baseline_in, result.findings)

    fmt = cfg.format
    meta = {"version": __version__, "codes": codes, "show_suppressed": args.show_suppressed,
            "color": False, "root": opts.root, "quiet": args.quiet and fmt in ("text", "full", "concise"),
            "show_url": args.show_url, "statistics": args.statistics, "texts": texts, "tty": False,
            "max_file_size": opts.max_file_size, "sarif_category": args.sarif_category}
    from .reporters import write

    if fmt in ("text", "full", "concise") and not args.output:
        from .reporters.text_format import use_color

        meta["color"] = use_color(sys.stdout)
        meta["tty"] = hasattr(sys.stdout, "isatty") and sys.stdout.isatty()
    # Reports are written as they are made, never built whole. Anything that is not
    # UTF-8 was escaped by the engine; backslashreplace is the last line of defence.
    if args.output:
        with open(args.output, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as fh:
            write(fmt, result, meta, fh)
    else:
        write(fmt, result, meta, sys.stdout)
        sys.stdout.flush()
    if args.sarif_file:
        with open(args.sarif_file, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as fh:
            write("sarif", result, dict(meta, color=False, quiet=False), fh)
    # the GitHub job summary: see linter/reporters/github_summary.py
    if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        from .reporters.github_summary import append_summary

        try:
            append_summary(os.environ["GITHUB_STEP_SUMMARY"], result, meta)
        except OSError as e:
            sys.stderr.write(f"lint-policies: cannot write the job summary: {e}\n")
    fail = RANK[cfg.fail_level]
    return 1 if any(RANK[f.severity] >= fail for f in result.findings) else 0


if __name__ == "__main__":  # pragma: no cover
    entry()
