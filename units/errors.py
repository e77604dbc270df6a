"""Errors of the units area: each says what is wrong and with which unit, code or file line."""
from __future__ import annotations

from collections.abc import Sequence


class UnitError(Exception):
    """Base class: anything the units area refuses."""


class UnitDataError(UnitError):
    """The reference data (a package's files or a curated CSV) is inconsistent or unreadable."""


class UnknownUnitCodeError(UnitError, LookupError):
    """A unit code that no unit has (at the level or date asked)."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        super().__init__(f"unit code {code!r} does not exist{detail}")


class MappingCycleError(UnitError):
    """The old -> new mapping leads back to a unit it started from, so "current units" has no answer."""

    def __init__(self, cycle: Sequence[str]) -> None:
        self.cycle = tuple(cycle)
        super().__init__("the unit mapping has a cycle: " + " -> ".join(self.cycle))


class UnitsNotLoadedError(UnitError):
    """The database has no unit tables or no units: `cchc units sync` has not been run on it."""
