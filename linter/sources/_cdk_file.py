"""A program file as its language module parsed it (:mod:`linter.sources.python_code`,
:mod:`linter.sources.typescript_code`), read once for every language: its policies
(:mod:`linter.sources.cdk`), which principal holds each of them
(:mod:`linter.sources._cdk_principals`), then what it does with long-term credentials
(:mod:`linter.sources._cdk_credentials`)."""
from __future__ import annotations

from ..located import Span


def extract_file(src, code, kind: str) -> None:
    """Fill ``src`` from a program file's :class:`~linter.sources.cdk.Code` (None: a file that holds
    no CDK or policy code, read as text)."""
    if code is None:
        src.kind = "text"
        return
    from . import _cdk_credentials, _cdk_principals, cdk

    src.kind = kind
    first = len(src.documents)
    r = cdk.extract(src, code, kind)
    try:
        _cdk_principals.attach_principals(src, code, src.documents[first:])
    except RecursionError:
        src.error("LP001", "expression is nested too deeply", Span(1, 1, 1, 1))
    except Exception as e:  # the documents stay linted one by one
        src.error("LP000", f"reading which principals hold the policies failed: {type(e).__name__}: {e}",
                  Span(1, 1, 1, 1), ("principals",))
    try:
        _cdk_credentials.extract(src, code, r)
    except RecursionError:
        src.error("LP001", "expression is nested too deeply", Span(1, 1, 1, 1))
    except Exception as e:  # a bug here must not hide the file's other findings
        src.error("LP000", f"reading the credential facts of the file failed: {type(e).__name__}: {e}",
                  Span(1, 1, 1, 1), ("credentials",))
