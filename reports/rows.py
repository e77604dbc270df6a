"""A compact read-only row: a mapping of a fixed tuple of keys over one sequence of values.

Why: reports that hold many rows until they are written (the health report's row per portal and
run, a diff's ~475,000 documents over a year) paid for a dict per row, about a kilobyte for twenty
keys before its values; a sequence behind one key index shared by the class costs a fifth of that.
Callers read such a row as they read a dict (``row[k]``, ``row.get(k)``, ``{**row}``, JSON through
`reports.cells.plain`), and it equals the dict of its items (`Mapping` supplies ``__eq__``).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar, Protocol


class KeyedRow(Mapping[str, Any]):
    """Subclasses set `KEYS`; `INDEX` is derived from it when the subclass is made."""

    KEYS: ClassVar[tuple[str, ...]] = ()
    INDEX: ClassVar[dict[str, int]] = {}
    __slots__ = ("_values",)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.INDEX = {k: i for i, k in enumerate(cls.KEYS)}

    def __init__(self, values: Sequence[Any]) -> None:
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[self.INDEX[key]]

    def get(self, key: str, default: Any = None) -> Any:
        i = self.INDEX.get(key)
        return default if i is None else self._values[i]

    def __iter__(self) -> Iterator[str]:
        return iter(self.KEYS)

    def __len__(self) -> int:
        return len(self.KEYS)

    def __contains__(self, key: object) -> bool:
        return key in self.INDEX

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self)!r})"


class Rows(Protocol):
    """What a table's rows must be: sized and readable more than once (a list, or a `RowSpool` read
    back from disk on each pass)."""

    def __iter__(self) -> Iterator[Mapping[str, Any]]: ...

    def __len__(self) -> int: ...
