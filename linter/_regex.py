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
