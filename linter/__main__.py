"""``python -m linter``: the ``lint-policies`` command."""
import sys

from .cli import main

sys.exit(main())
