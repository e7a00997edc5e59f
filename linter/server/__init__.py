"""``lint-policies server``: a Language Server Protocol server over stdio.

It needs the ``server`` extra (``pip install 'lint-policies[server]'``: pygls and lsprotocol),
imported only when the server starts: the CLI's own start-up never imports them.

Modules: :mod:`.session` lints a buffer as the CLI lints the file, :mod:`.positions` converts
spans to LSP positions, :mod:`.textscan` finds the word and the place under the cursor,
:mod:`.knowledge` writes hovers and completions, :mod:`.fixes` code actions, and
:mod:`.lsp` wires them to pygls.
"""
from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Optional, Sequence

USAGE = """usage: lint-policies server [--debounce SECONDS]

Run the lint-policies language server on stdin/stdout (the editor starts it).
Diagnostics, hovers, completions and quick fixes for IAM policies in JSON, YAML and Terraform.

options:
  --debounce SECONDS  pause in typing before an edited file is linted (default 0.25)
  -h, --help          show this help and exit
"""


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[2:] if argv is None else argv)
    debounce = None
    while args:
        a = args.pop(0)
        if a in ("-h", "--help"):
            sys.stdout.write(USAGE)
            return 0
        if a == "--stdio":  # what some clients add; stdio is the only transport
            continue
        if a == "--debounce" or a.startswith("--debounce="):
            value = a.partition("=")[2] if "=" in a else (args.pop(0) if args else "")
            try:
                debounce = float(value)
                if debounce < 0:
                    raise ValueError
            except ValueError:
                sys.stderr.write(f"lint-policies server: --debounce takes a number of seconds, not {value!r}\n")
                return 2
            continue
        sys.stderr.write(f"lint-policies server: unknown argument {a!r}\n{USAGE}")
        return 2
    try:
        from .lsp import DEBOUNCE, create
    except ImportError as e:
        sys.stderr.write(f"lint-policies server: {e}; install the server extra: "
                         f"pip install 'lint-policies[server]'\n")
        return 2
    server = create(DEBOUNCE if debounce is None else debounce)
    server.start_io()
    return 0
