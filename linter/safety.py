"""What leaves the engine: bounded in number, free of credentials, printable.

The linter reads files that strangers write (pull requests, vendored templates), so
every finding is treated as untrusted text until it has passed through here, at
the end of :func:`linter.engine.lint_file`:

Bounded
    At most :data:`MAX_PER_RULE` findings of one rule in one file are reported,
    followed by one finding of the same rule that says how many more there were.
    While the rules run, findings past :data:`COLLECT_PER_RULE` per rule are only
    counted, so a 5 MB policy of ``"Statement": [1, 1, 1, ...]`` never holds more
    than a bounded number of findings in memory.

Masked
    Every credential the scanner (:mod:`linter.secrets`) identifies in the file (and
    in files it reads on the file's behalf, such as a Terraform ``templatefile``) is
    masked by value in **every** text field of every finding: message, origin label,
    logical path, value, file name and suppression reason; so is every access-key-ID
    shaped string, and, in every field but the file name, every piece of eight or more
    characters of a secret (a parser error that quotes half of a key shows none of it;
    a file name is masked where it holds a whole credential, so that it still names the file).

Printable
    Control characters (C0, DEL, C1: newlines, ESC...), Unicode line separators and
    bidirectional-text controls are shown as escapes (``\\n``, ``\\x1b``, ``\\u202e``);
    bytes of a file name that are not UTF-8 (``surrogateescape``) are shown as
    ``\\xff``. A file name starting with ``:`` is shown as ``./:...``, so no output
    line can start with ``::`` (a GitHub workflow command). The result is always
    valid UTF-8, in every format.
"""
from __future__ import annotations

import functools
import os
import re
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any, Iterable, Optional

from .findings import RANK, Finding

#: Findings of one rule reported per file; the rest are summed up in one more finding.
MAX_PER_RULE = 100
#: Findings of one rule kept per file while checking (suppressions may still remove
#: some); past this they are only counted.
COLLECT_PER_RULE = 2000
#: Shortest piece of a credential that is masked wherever it appears.
PIECE = 8

# C0 and C1 controls, DEL, lone surrogates (undecodable bytes of a file name, or
# \\ud800-style escapes in JSON), line and paragraph separators, bidi controls.
# Compiled on first need: every such character is one ``str.isprintable`` rejects, so printable
# text (nearly all of it) never needs the pattern, whose character class costs milliseconds to compile.
_UNSAFE_CLASS = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


@functools.lru_cache(maxsize=1)
def _unsafe() -> re.Pattern:
    return re.compile(_UNSAFE_CLASS)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match) -> str:
    c = m.group()
    named = _NAMED.get(c)
    if named is not None:
        return named
    o = ord(c)
    if 0xDC80 <= o <= 0xDCFF:  # a byte that is not UTF-8, kept by os.fsdecode (surrogateescape)
        return "\\x%02x" % (o - 0xDC00)
    if o < 0x100:
        return "\\x%02x" % o
    return "\\u%04x" % o


def printable(text: str) -> str:
    """``text`` with every control character, separator and bidi control escaped."""
    if not text or text.isprintable():
        return text
    unsafe = _unsafe()
    if unsafe.search(text) is None:
        return text
    return unsafe.sub(_escape, text)


def printable_path(path: str) -> str:
    """A display path that is printable and never starts a line with ``:``."""
    path = printable(path)
    if path.startswith(":"):
        return "./" + path
    return path


# ---------------------------------------------------------------------------
# Bounded


class FindingList(list):
    """A list of findings that keeps at most :data:`COLLECT_PER_RULE` per (file, code)
    and counts the rest (with their worst severity) in :attr:`dropped`."""

    def __init__(self, items: Iterable[Finding] = (), limit: int = COLLECT_PER_RULE) -> None:
        super().__init__()
        self.limit = limit
        self.counts: dict[tuple[str, str], int] = {}
        #: (file, code) -> [count, worst severity, first finding dropped]
        self.dropped: dict[tuple[str, str], list] = {}
        self.extend(items)

    def append(self, f: Finding) -> None:
        key = (f.file, f.code)
        n = self.counts.get(key, 0)
        if n < self.limit:
            self.counts[key] = n + 1
            list.append(self, f)
            return
        d = self.dropped.get(key)
        if d is None:
            self.dropped[key] = [1, f.severity, f]
        else:
            d[0] += 1
            if RANK.get(f.severity, 0) > RANK.get(d[1], 0):
                d[1] = f.severity

    def extend(self, items: Iterable[Finding]) -> None:
        for f in items:
            self.append(f)

    def count(self, f: Finding, n: int) -> None:
        """``n`` more findings like ``f`` (the first of them) were made and not kept."""
        if n <= 0:
            return
        key = (f.file, f.code)
        d = self.dropped.get(key)
        if d is None:
            self.dropped[key] = [n, f.severity, f]
        else:
            d[0] += n


def cap(findings: list[Finding], dropped: Optional[dict] = None, limit: int = MAX_PER_RULE) -> list[Finding]:
    """Sorted ``findings`` with at most ``limit`` per (file, code), plus one finding per
    truncated (file, code) saying how many more there were (``dropped`` adds the
    ones counted but never kept: (file, code) -> [count, worst severity, first one])."""
    findings.sort(key=Finding.sort_key)
    dropped = dropped or {}
    counts: dict[tuple[str, str], int] = {}
    out: list[Finding] = []
    extra: dict[tuple[str, str], list] = {}  # (file, code) -> [count, first dropped, worst severity]
    for f in findings:
        key = (f.file, f.code)
        n = counts.get(key, 0)
        counts[key] = n + 1
        if n < limit:
            out.append(f)
            continue
        e = extra.get(key)
        if e is None:
            extra[key] = [1, f, f.severity]
        else:
            e[0] += 1
            if RANK.get(f.severity, 0) > RANK.get(e[2], 0):
                e[2] = f.severity
    for key, (n, sev, first) in dropped.items():
        if n <= 0:
            continue
        e = extra.get(key)
        if e is None:
            extra[key] = [n, first, sev]
        else:
            e[0] += n
            if RANK.get(sev, 0) > RANK.get(e[2], 0):
                e[2] = sev
    for (file, code), (n, first, sev) in extra.items():
        word = "finding" if n == 1 else "findings"
        notice = Finding(code, first.name, sev,
                         f"{n:,} more {code} {word} in this file not reported "
                         f"(at most {limit} per rule and file); fix the ones above and run again",
                         first.span, file=file, value=f"{code}:more-findings",
                         suppressed_by=first.suppressed_by)
        out.append(notice)
    if extra:
        out.sort(key=Finding.sort_key)
    return out


# ---------------------------------------------------------------------------
# Masked


_REDACTED: dict = {}  # text -> secrets.redact(text), for the run: messages repeat across files


def _redact():
    """:func:`linter.secrets.redact`, imported when first needed."""
    global _redact_fn
    if _redact_fn is None:
        from .secrets import redact as _redact_fn
    return _redact_fn


_redact_fn = None


def _redacted(text: str) -> str:
    out = _REDACTED.get(text)
    if out is None:
        out = _redact()(text)
        if len(_REDACTED) >= 8192:
            _REDACTED.clear()
        _REDACTED[text] = out
    return out


class Masker:
    """Masks credentials in text: the values given (secrets, tokens, key IDs found in
    the file), any piece of :data:`PIECE` or more characters of them, and anything
    :func:`linter.secrets.redact` recognises on its own (key-ID-shaped strings,
    ``name = secret`` assignments)."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        values = list(values)
        self.values = sorted({v for v in values if v}, key=len, reverse=True)
        grams: set[str] = set()
        for v in values:
            if len(v) < PIECE:
                continue
            for i in range(len(v) - PIECE + 1):
                grams.add(v[i:i + PIECE])
        self.grams = grams
        self._memo: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if not text:
            return text
        hit = self._memo.get(text)
        if hit is not None:
            return hit
        out = _redacted(text)
        if self.grams and len(out) >= PIECE:
            out = self._pieces(out)
        if len(self._memo) < 4096:
            self._memo[text] = out
        return out

    def whole(self, text: str) -> str:
        """``text`` with the credentials masked where they appear whole (a file name: its pieces are
        the names of the user's own files and directories, and masking eight of their characters
        would point at a file that does not exist)."""
        if not text:
            return text
        out = _redacted(text)
        for v in self.values:
            if v in out:
                out = out.replace(v, "[REDACTED]")
        return out

    def _pieces(self, text: str) -> str:
        grams = self.grams
        spans: list[list[int]] = []
        for i in range(len(text) - PIECE + 1):
            if text[i:i + PIECE] in grams:
                if spans and i <= spans[-1][1]:
                    spans[-1][1] = i + PIECE
                else:
                    spans.append([i, i + PIECE])
        if not spans:
            return text
        parts = []
        pos = 0
        for s, e in spans:
            parts.append(text[pos:s])
            parts.append("[REDACTED]")
            pos = e
        parts.append(text[pos:])
        return "".join(parts)


def credential_values(src: Any) -> list[str]:
    """The credentials the scanner finds in a source file and in the files read for it."""
    from . import secrets

    values = [h.value for h in secrets.scan_source(src)] if getattr(src, "text", None) else []
    for text in getattr(src, "referenced_texts", None) or ():
        values += [h.value for h in secrets.scan(text)]
    return values


class _Cleaner:
    """Masked and escaped text, remembered (labels, paths and path parts repeat a lot)."""

    __slots__ = ("mask", "memo")

    def __init__(self, mask: Masker) -> None:
        self.mask = mask
        self.memo: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        out = self.memo.get(text)
        if out is None:
            out = self.memo[text] = printable(self.mask(text))
        return out

    def finding(self, f: Finding) -> None:
        f.message = self(f.message)
        if f.label:
            f.label = self(f.label)
        if f.file:
            f.file = printable_path(self.mask.whole(f.file))
        if f.logical_path:
            f.logical_path = tuple(p if isinstance(p, int) else self(str(p)) for p in f.logical_path)
        if f.value:
            f.value = self.mask(f.value)
        if f.suppressed_by:
            f.suppressed_by = self(f.suppressed_by)
        for r in f.related:
            r.message = self(r.message)
            r.label = self(r.label) if r.label else r.label
            r.file = printable_path(self.mask.whole(r.file)) if r.file else r.file


def _clean(f: Finding, mask: Masker) -> None:
    _Cleaner(mask).finding(f)


def finish(src: Any, kept: list[Finding], suppressed: list[Finding],
           dropped: Optional[dict] = None) -> tuple[list[Finding], list[Finding]]:
    """Cap, mask and escape the findings of one file (the last step of linting it)."""
    kept = cap(kept, dropped)
    suppressed = cap(suppressed)
    clean_one = _Cleaner(Masker(credential_values(src))).finding
    for f in kept:
        clean_one(f)
    for f in suppressed:
        clean_one(f)
    kept.sort(key=Finding.sort_key)
    suppressed.sort(key=Finding.sort_key)
    return kept, suppressed


def clean(f: Finding) -> Finding:
    """Mask and escape one finding made outside :func:`finish` (no file-specific values)."""
    _clean(f, Masker())
    return f


# ---------------------------------------------------------------------------
# The tree: what may be read


def tree_root(path: str) -> str:
    """The real path of the tree ``path`` belongs to: the nearest directory at or above it
    that holds ``.git`` (the repository), else ``path`` itself (its directory, for a file)."""
    real = os.path.realpath(path)
    start = real if os.path.isdir(real) else os.path.dirname(real)
    d = start
    while True:
        hit = _REPO_CACHE.get(d)
        if hit is not None:
            return hit if hit else start
        if os.path.exists(os.path.join(d, ".git")):
            _REPO_CACHE[d] = d
            return d
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    # no repository above: remember the miss for every directory walked
    d = start
    while True:
        _REPO_CACHE.setdefault(d, "")
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    return start


_REPO_CACHE: dict[str, str] = {}


def read_roots(paths: Iterable[str], allow: Iterable[str] = ()) -> tuple[str, ...]:
    """Real paths of the directories files may be read from on behalf of ``paths``: the
    tree of each path (its repository; with no repository, the working directory when the
    path is below it, else the directory named or the directory of a file named), plus the
    ``allow`` directories."""
    roots: list[str] = []
    cwd = os.path.realpath(os.getcwd())
    for p in paths:
        if not os.path.lexists(p):
            continue
        r = tree_root(p)
        if r != cwd and not os.path.exists(os.path.join(r, ".git")) and inside(r, (cwd,)):
            # no repository: a path named below the working directory belongs to the tree
            # the run was started in (a policy file's Terraform reader sits beside it)
            r = cwd
        if r not in roots:
            roots.append(r)
    for a in allow:
        r = os.path.realpath(a)
        if r not in roots:
            roots.append(r)
    return tuple(roots)


def inside(real: str, roots: Iterable[str]) -> bool:
    """Whether the real path ``real`` is one of ``roots`` or below one of them."""
    for r in roots:
        if real == r or real.startswith(r.rstrip(os.sep) + os.sep):
            return True
    return False
