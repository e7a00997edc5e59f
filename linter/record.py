"""A tiny slotted record base class.

``dataclasses`` costs 10-20 ms of start-up (it imports ``inspect`` and generates code
with ``exec`` for every class); a pre-commit hook pays that on every commit. These
records give the same constructor (positional or keyword, with defaults), equality
and ``repr`` for the model and finding types.

A subclass lists its fields in ``__slots__`` and their defaults in ``_defaults``
(``list``/``dict`` there mean "a new empty one").
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs start-up time; it is only needed by type checkers
    from typing import Any


class Record:
    __slots__ = ()
    _defaults: dict = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = self.__slots__
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__} takes at most {len(names)} arguments")
        for name, value in zip(names, args):
            object.__setattr__(self, name, value)
        defaults = self._defaults
        for name in names[len(args):]:
            if name in kwargs:
                object.__setattr__(self, name, kwargs.pop(name))
            elif name in defaults:
                d = defaults[name]
                object.__setattr__(self, name, d() if d is list or d is dict or d is set else d)
            else:
                raise TypeError(f"{type(self).__name__} missing argument {name!r}")
        if kwargs:
            raise TypeError(f"{type(self).__name__} got unexpected arguments {sorted(kwargs)}")

    def _values(self) -> tuple:
        return tuple(getattr(self, n) for n in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, like a dataclass

    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__)
        return f"{type(self).__name__}({inner})"

    def _replace(self, **changes: Any):
        new = object.__new__(type(self))
        for n in self.__slots__:
            object.__setattr__(new, n, changes.pop(n) if n in changes else getattr(self, n))
        if changes:
            raise TypeError(f"unknown fields {sorted(changes)}")
        return new

    def __getstate__(self):
        return self._values()

    def __setstate__(self, state):
        for n, v in zip(self.__slots__, state):
            object.__setattr__(self, n, v)
