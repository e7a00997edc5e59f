"""``--new-since REF``: report only what a change adds.

The working tree is linted as usual; then, for each file with findings, the same file as
it was at the git revision ``REF`` is read from the repository into memory (``git
cat-file``, never checked out, the working tree is never touched) and linted with the same
rules and options. A finding is new when its fingerprint (the baseline's: rule, path,
origin, logical path and value, no line number) is not among the findings at ``REF``,
counted: two identical grants where there was one make one new finding. So an edit that
only moves a policy up or down reports nothing, and a new grant is reported.

Input is hostile: git is run without a shell, with an argument list; ``REF`` is checked
with ``git rev-parse --verify`` (and may not start with ``-``, so it is never taken for
an option) and only the commit id that prints is used afterwards.

Limits (written in the documentation): a file renamed since ``REF`` has only new
findings (the path is part of the fingerprint); a file read by another one (a Terraform
``templatefile()``) is read from the working tree in both runs.
"""
from __future__ import annotations

import os
import subprocess
from collections import Counter

from .errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Optional


def _git(args: list, cwd: str, max_bytes: Optional[int] = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, env=env, check=False,
                              stdin=subprocess.DEVNULL, timeout=120)
    except FileNotFoundError:
        raise UsageError("--new-since needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError("--new-since: git did not answer in 120 s") from None


def resolve(ref: str, cwd: str) -> tuple[str, str]:
    """(commit id, repository top-level directory) of ``ref``; UsageError when it is not one."""
    from .safety import printable

    if not ref or ref.startswith("-") or "\x00" in ref or len(ref) > 1024:
        raise UsageError(f"--new-since: {printable(ref)!r} is not a git revision")
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise UsageError("--new-since: not inside a git repository")
    got = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    sha = got.stdout.decode("ascii", "replace").strip()
    if got.returncode != 0 or not sha or any(c not in "0123456789abcdef" for c in sha):
        raise UsageError(f"--new-since: {printable(ref)!r} is not a commit in this repository "
                         f"(in a shallow clone, fetch it first: git fetch --depth=1 origin REF)")
    return sha, os.path.realpath(top.stdout.decode("utf-8", "surrogateescape").strip())


def read_at(sha: str, top: str, relpath: str, max_size: int) -> Optional[str]:
    """The text of ``relpath`` at commit ``sha``, or None when it did not exist (or is too big)."""
    spec = f"{sha}:{relpath}"
    size = _git(["cat-file", "-s", spec], top)
    if size.returncode != 0:
        return None
    try:
        if int(size.stdout.strip() or b"0") > max_size:
            return None
    except ValueError:
        return None
    blob = _git(["cat-file", "blob", spec], top)
    if blob.returncode != 0:
        return None
    return blob.stdout.decode("utf-8", "surrogateescape")


def filter_new(ref: str, findings: list, opts, codes: list, paths: list) -> list:
    """The ``findings`` (of the working tree) that are not present at ``ref``."""
    from . import engine

    root = opts.root or os.getcwd()
    sha, top = resolve(ref, root)
    if opts.read_roots is None:
        from .safety import read_roots

        opts = opts._replace(read_roots=read_roots([p for p in paths if p != "-"] or ["."], opts.allow_roots))
    rules = None
    before: Counter = Counter()
    done: set = set()
    for f in findings:
        if f.file in done:
            continue
        done.add(f.file)
        path = f.file if os.path.isabs(f.file) else os.path.join(root, f.file)
        real = os.path.realpath(path)
        rel = os.path.relpath(real, top)
        if rel == os.curdir or rel.startswith(os.pardir + os.sep) or rel == os.pardir:
            continue  # outside the repository: everything in it is new
        old = read_at(sha, top, rel.replace(os.sep, "/"), opts.max_file_size)
        if old is None:
            continue  # the file is new (or was too big to lint): everything in it is new
        if rules is None:
            rules = engine.RuleSet(codes, opts)
        try:
            kept, _ = engine.lint_file(path, True, rules, opts, text=old)
        except Exception:  # the old version cannot be linted: its findings are unknown, all are new
            continue
        before.update(g.fingerprint for g in kept if g.file == f.file)
    out = []
    for f in findings:
        if before[f.fingerprint] > 0:
            before[f.fingerprint] -= 1
            continue
        out.append(f)
    return out
