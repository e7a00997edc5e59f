"""``python -m linter``: the ``lint-policies`` command."""
from .cli import entry

if __name__ == "__main__":  # importing the module (tools that walk the package) runs nothing
    entry()
