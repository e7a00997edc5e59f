"""Exceptions shared by the CLI and the modules it drives."""


class UsageError(Exception):
    """A usage or configuration error: printed as one line, exit code 2."""
