"""Regular-expression building blocks shared by the parsers.

``PLUS`` turns a repeat into a possessive one (``*+``, ``++``) on Python 3.11 and
later, which have them: the engine then keeps no backtracking state per iteration of
a repeated group (a group repeated a million times, as in a string of a million
escapes, otherwise holds about 128 bytes per iteration until the match ends). The
patterns that use it only give up iterations that could never lead to a match, so on
Python 3.10, where ``PLUS`` is empty, they match the same text, with the memory cost.
"""
import sys

PLUS = "+" if sys.version_info >= (3, 11) else ""


class Lazy:
    """A regular expression compiled when it is first used.

    Compiling costs tens to hundreds of microseconds a pattern, and a one-file run imports
    modules holding dozens it never needs (a parser's error path, the context checks of the
    credential rules once something looks like a key). ``Lazy(pattern, flags)`` stands for
    ``re.compile(pattern, flags)``: its methods are the compiled pattern's. (The regular
    expression audit compiles and checks these like any other module-level pattern.)
    """

    __slots__ = ("source", "source_flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.source = pattern
        self.source_flags = flags
        self._compiled = None

    def compiled(self):
        c = self._compiled
        if c is None:
            import re

            c = self._compiled = re.compile(self.source, self.source_flags)
        return c

    def __getattr__(self, name: str):
        return getattr(self.compiled(), name)


def compile_now(namespace: dict) -> None:
    """Replace every :class:`Lazy` of a module's namespace (``globals()``) by its compiled
    pattern, once the module knows it needs them: loops then call the pattern's methods
    directly, not through the wrapper."""
    for name, value in list(namespace.items()):
        if type(value) is Lazy:
            namespace[name] = value.compiled()
