"""CI definitions: the shell commands their steps run, read by :mod:`linter.sources.shell`.

An MLOps pipeline often creates SageMaker's roles from CI: a GitHub Actions step
``run: aws iam put-role-policy --role-name ml-exec --policy-document '{...}'``, a CodeBuild
``buildspec.yml`` command, a GitLab CI ``script`` line. The commands are the strings of:

* GitHub Actions workflows: ``jobs.<id>.steps[].run``;
* GitLab CI: ``script``, ``before_script`` and ``after_script`` of a job (a string or a list);
* AWS CodeBuild buildspecs: ``phases.<phase>.commands``.

Each command string is read as a shell script at its own lines and columns (a ``run: |`` block
is written as it reads; a quoted one-line command with escapes points at its start), and the
``aws iam`` commands of every step of the file say together which role holds what. A YAML file
is this format's only when it has such commands and one of them runs ``aws`` with IAM in it:
any other workflow stays a file the linter does not report on (credentials aside).
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any

from ..located import LStr

_GITLAB_KEYS = ("script", "before_script", "after_script")


def _commands(doc: Any) -> list:
    """The command strings of a CI definition's document (LStr, with their spans)."""
    out: list = []
    if not isinstance(doc, dict):
        return out
    jobs = doc.get("jobs")
    if isinstance(jobs, dict):  # GitHub Actions
        for job in jobs.values():
            steps = job.get("steps") if isinstance(job, dict) else None
            for step in steps if isinstance(steps, list) else ():
                run = step.get("run") if isinstance(step, dict) else None
                if isinstance(run, LStr):
                    out.append(run)
    phases = doc.get("phases")
    if isinstance(phases, dict):  # AWS CodeBuild
        for phase in phases.values():
            cmds = phase.get("commands") if isinstance(phase, dict) else None
            out.extend(c for c in (cmds if isinstance(cmds, list) else ()) if isinstance(c, LStr))
    for job in doc.values():  # GitLab CI: any top-level job with a script
        if not isinstance(job, dict):
            continue
        for key in _GITLAB_KEYS:
            v = job.get(key)
            items = [v] if isinstance(v, LStr) else v if isinstance(v, list) else ()
            out.extend(c for c in items if isinstance(c, LStr))
    return out


def _iam_commands(tree: Any) -> list:
    docs = tree if isinstance(tree, list) else [tree]
    cmds = [c for d in docs for c in _commands(d)]
    return cmds if any("aws" in c and ("iam" in c or "Statement" in c) for c in cmds) else []


def claims(name: str, tree: Any) -> bool:
    """A CI definition (GitHub Actions, GitLab CI, CodeBuild) whose commands run ``aws`` IAM commands."""
    return bool(_iam_commands(tree))


def extract(src, tree: Any) -> None:
    from . import shell
    from .cloudformation import _TextIndex, string_mapper

    src.kind = "ci"
    index = _TextIndex(src.text) if src.text else None
    for cmd in _iam_commands(tree):
        text = str(cmd)
        if not any(m in text for m in shell.MARKERS):
            continue
        mapper = string_mapper(index, cmd, text)
        shell.extract(src, shell.parse_text(text, mapper))
    src.kind = "ci"
