"""Linting one editor buffer the way ``lint-policies`` lints the file.

The CLI's results depend on the directory it runs from: the configuration is found by
walking up from it, paths in findings (and so ``per-file-ignores`` and the baseline's
fingerprints) are relative to it. The server runs each lint from the directory the CLI
would run from, the workspace folder that holds the file (the deepest one), or the file's
own directory when no folder holds it. Then it is the CLI's run: the same configuration
discovery and validation, ``exclude``, the same engine (:func:`linter.engine.lint_file`, with
the buffer's text), suppressions, and the baseline named in the configuration.

Lints run one at a time, in one thread (the server's lint thread): the working directory is
the process's, and this is the only code that changes it.
"""
from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Optional


class Outcome:
    """One lint: ``findings`` (reported, of this file, sorted), ``error`` (a configuration or
    baseline error that stopped the lint, as the CLI would print it), ``display`` (the file's
    path as findings name it), ``config`` (the configuration file used, if any),
    ``excluded`` (the configuration's ``exclude`` covers the file)."""

    __slots__ = ("findings", "suppressed", "error", "display", "config", "excluded", "root")

    def __init__(self, findings=(), suppressed=(), error: Optional[str] = None, display: str = "",
                 config: Optional[str] = None, excluded: bool = False, root: str = "") -> None:
        self.findings = list(findings)
        self.suppressed = list(suppressed)
        self.error = error
        self.display = display
        self.config = config
        self.excluded = excluded
        self.root = root


class _Args:
    """What ``load_config`` reads from the command line: nothing given."""

    config = select = ignore = extend_select = jobs = max_file_size = None
    format = fail_level = baseline = write_baseline = None


class Session:
    """Workspace folders and the lint of one file at a time."""

    def __init__(self, roots=()) -> None:
        self.roots: list[str] = []
        self.set_roots(roots)
        self._baselines: dict = {}  # absolute path -> ((mtime, size), data)

    def _baseline(self, path: str) -> dict:
        """The baseline at ``path`` as :func:`linter.baseline.load` reads and validates it, read
        again only when the file changes."""
        from .. import baseline

        ap = os.path.abspath(path)
        try:
            st = os.stat(ap)
            sig = (st.st_mtime_ns, st.st_size)
        except OSError:
            sig = None
        hit = self._baselines.get(ap)
        if hit is not None and sig is not None and hit[0] == sig:
            return hit[1]
        data = baseline.load(path)  # a UsageError (an invalid baseline) is the lint's error
        if sig is not None:
            self._baselines[ap] = (sig, data)
        return data

    def set_roots(self, roots) -> None:
        self.roots = sorted({os.path.realpath(r) for r in roots if r}, key=len, reverse=True)

    def root_for(self, path: str) -> str:
        """The directory the CLI would run from for ``path``."""
        real = os.path.realpath(path)
        for r in self.roots:  # deepest first
            if real == r or real.startswith(r.rstrip(os.sep) + os.sep):
                return r
        return os.path.dirname(real)

    def lint(self, path: str, text: str) -> Outcome:
        """Lint ``text`` as the content of ``path`` (an absolute path)."""
        # the directory as the working directory will name it (a workspace reached by a symlink)
        path = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        root = self.root_for(path)
        try:
            if os.getcwd() != root:
                os.chdir(root)
        except OSError as e:
            return Outcome(error=f"cannot enter {root}: {e.strerror or e}", root=root)
        from ..errors import UsageError

        try:
            return self._lint(path, text, root)
        except UsageError as e:
            return Outcome(error=str(e), root=root)

    def _lint(self, path: str, text: str, root: str) -> Outcome:
        from .. import engine, registry
        from ..config import load_config
        from ..errors import UsageError

        cfg = load_config(_Args())
        opts = cfg.options
        known = registry.all_codes()
        for sel in (opts.select or []) + opts.ignore + opts.extend_select:  # as the CLI checks them
            if sel != "ALL" and not any(c.startswith(sel) for c in known):
                raise UsageError(f"unknown rule code or prefix {sel!r} (see --list-rules)")
        display = engine.display_path(path, opts)
        out = Outcome(display=display, config=cfg.source, root=root)
        if not list(engine.discover([path], opts)):
            out.excluded = True
            return out
        codes = engine.selected_codes(opts)
        rules = engine.RuleSet(codes, opts)
        try:
            kept, suppressed = engine.lint_file(path, True, rules, opts, text=text)
        except Exception as e:  # the engine's last line of defence, as in a CLI run
            from ..findings import Finding
            from ..located import Span
            from ..secrets import redact

            name, severity = registry.meta("LP000")
            kept = [Finding("LP000", name, severity, redact(f"internal error while linting: {type(e).__name__}: {e}"),
                            Span(1, 1, 1, 1), file=display)]
            suppressed = []
        if cfg.baseline_in:
            from .. import baseline

            kept = baseline.filter_loaded(self._baseline(cfg.baseline_in), os.path.dirname(
                os.path.abspath(cfg.baseline_in)), kept)
        out.findings = [f for f in kept if f.file == display]
        out.suppressed = [f for f in suppressed if f.file == display]
        return out
