"""A base for small immutable value classes, like a frozen dataclass.

Written out by hand: ``dataclasses`` costs more to import than ``assist check`` spends
finding the marks in a report. A subclass lists its fields in ``__slots__`` and sets
them in ``__init__`` with ``object.__setattr__``; it is then compared, hashed and shown
by the values of those fields, in that order, and refuses assignment.
"""

from __future__ import annotations


class Frozen:
    __slots__ = ()

    def __setattr__(self, name: str, value) -> None:  # noqa: ANN001
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def _key(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key() == other._key()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{self.__class__.__name__}({fields})"
