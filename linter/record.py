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


_MISSING = object()
#: Instances of a class made with the generic constructor before it gets one of its own:
#: compiling costs about what a few hundred generic calls do, so a one-file run never pays it.
_COMPILE_AFTER = 200
_made: dict = {}


def _compiled_init(cls: type):
    """A constructor written for ``cls``'s fields (named parameters, no loop over the fields),
    made once a run has made many instances of the class.
    It behaves as :meth:`Record._generic_init`; an instance of a subclass takes the generic
    path, which then writes the subclass its own."""
    names = cls.__slots__
    defaults = cls._defaults
    env = {"_M": _MISSING, "_cls": cls, "_init": Record.__init__, "_type": type, "_zip": zip, "_TypeError": TypeError,
           "_list": list, "_dict": dict, "_set": set}
    lines = [f"def __init__(self, {', '.join(f'{n}=_M' for n in names)}):",
             "    if _type(self) is not _cls:",
             f"        return _init(self, **{{k: v for k, v in _zip({names!r}, ({', '.join(names)},)) if v is not _M}})"]
    for i, n in enumerate(names):
        if n in defaults:
            d = defaults[n]
            if d is list or d is dict or d is set:
                lines.append(f"    self.{n} = _{d.__name__}() if {n} is _M else {n}")
            else:
                env[f"_d{i}"] = d
                lines.append(f"    self.{n} = _d{i} if {n} is _M else {n}")
        else:
            lines.append(f"    if {n} is _M: raise _TypeError({cls.__name__ + ' missing argument ' + repr(n)!r})")
            lines.append(f"    self.{n} = {n}")
    exec("\n".join(lines) + "\n", env)
    return env["__init__"]


class Record:
    __slots__ = ()
    _defaults: dict = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        n = _made.get(cls, 0) + 1
        _made[cls] = n
        if n == _COMPILE_AFTER and "__init__" not in cls.__dict__ and cls.__slots__ and \
                all(f.isidentifier() and not f.startswith("_") for f in cls.__slots__):
            cls.__init__ = _compiled_init(cls)
        Record._generic_init(self, *args, **kwargs)

    def _generic_init(self, *args: Any, **kwargs: Any) -> None:
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
