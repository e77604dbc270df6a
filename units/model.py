"""The units' data types and the checks on them, shared by the reference loader, the catalog and the database.

Why a module of its own: `units.reference` (building the data from its sources), `units.catalog`
(walking it in memory) and `units.db` (storing it) all speak of the same `Unit` and successions; with
the types here each imports them without importing the others (there were import cycles hidden
behind imports inside functions).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from core.vntext import nfc
from units.errors import MappingCycleError, UnitDataError
from units.names import LEVELS, TYPE_LEVELS

#: The day the 34-province structure and the two-level local government took effect.
REORG_DATE = dt.date(2025, 7, 1)
#: Last day of the 63-province structure (the `vietnamadminunits` legacy snapshot).
LEGACY_LAST_DAY = REORG_DATE - dt.timedelta(days=1)

_CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}


@dataclass(frozen=True)
class Unit:
    """A unit (or department) over one validity period; `key` is its identity across syncs and time.

    One type for the reference data, the database rows and the catalog (it was two near-copies)."""

    key: str
    code: str
    level: str
    type: str
    name: str
    full_name: str
    parent_key: str | None
    province_key: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    aliases: tuple[str, ...] = ()
    #: the database id, when loaded from one
    id: int | None = None
    #: where the record came from ("vietnam-provinces", "vietnamadminunits", "curated"); not part of
    #: the unit's identity (a unit read back from the database equals the one that was stored)
    source: str = field(default="", compare=False)

    def valid_on(self, day: dt.date) -> bool:
        """True when the unit existed on `day` (an unknown start counts as "always before")."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def validity(self) -> str:
        """Human form of the validity period: "–2025-06-30", "2025-07-01–"."""
        return f"{self.valid_from.isoformat() if self.valid_from else ''}–{self.valid_to.isoformat() if self.valid_to else ''}"


@dataclass(frozen=True)
class SuccessionRecord:
    """`predecessor` became (whole, or in part when ``whole`` is False) part of `successor` on `effective`.

    ``main`` marks, for a split unit, the successor the source names as the default (the part that
    kept most of it); it is True for every whole succession.
    """

    predecessor_key: str
    successor_key: str
    effective: dt.date
    whole: bool
    main: bool
    source: str


@dataclass
class ReferenceData:
    """All records plus the versions of the sources they came from."""

    units: list[Unit] = field(default_factory=list)
    successions: list[SuccessionRecord] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)


def make_key(level: str, code: str, valid_from: dt.date | None) -> str:
    """Natural key: level, code and start date ("before" when the source does not give one)."""
    return f"{level}:{code}:{valid_from.isoformat() if valid_from else 'before'}"


def pad_code(level: str, code: str | int) -> str:
    """GSO codes are fixed-width per level (01, 001, 00001); sources drop or keep the zeros."""
    text = str(code).strip()
    width = _CODE_WIDTH.get(level)
    return text.zfill(width) if width and text.isdigit() else text


def find_cycle(edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """A cycle in a directed graph as a closed path ([a, b, a]), or None (iterative DFS: no recursion limit)."""
    graph: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        graph[a].append(b)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in list(graph):
        if state.get(start):
            continue
        path: list[str] = [start]
        iters: list[Iterator[str]] = [iter(graph[start])]
        state[start] = 1
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iters.pop()
                continue
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                iters.append(iter(graph.get(nxt, ())))
    return None


def check_reference(data: ReferenceData) -> None:
    """Refuse data a reader could not trust: duplicate keys, dangling references, bad levels."""
    keys: set[str] = set()
    for rec in data.units:
        if rec.key in keys:
            raise UnitDataError(f"unit {rec.key} is defined twice")
        if rec.level not in LEVELS:
            raise UnitDataError(f"unit {rec.key} has unknown level {rec.level!r}")
        keys.add(rec.key)
    for rec in data.units:
        for ref in (rec.parent_key, rec.province_key):
            if ref is not None and ref not in keys:
                raise UnitDataError(f"unit {rec.key} refers to unknown unit {ref}")
    pairs: set[tuple[str, str]] = set()
    for s in data.successions:
        if s.predecessor_key not in keys or s.successor_key not in keys:
            raise UnitDataError(f"succession {s.predecessor_key} -> {s.successor_key} names an unknown unit")
        if (s.predecessor_key, s.successor_key) in pairs:
            raise UnitDataError(f"succession {s.predecessor_key} -> {s.successor_key} is listed twice")
        pairs.add((s.predecessor_key, s.successor_key))
    cycle = find_cycle((s.predecessor_key, s.successor_key) for s in data.successions)
    if cycle:
        raise MappingCycleError(cycle)


def canonical_type(raw: str, level: str) -> str:
    """The unit type as the names module spells it ("thành phố trung ương" is a "thành phố"); a type
    that is not one of `level`'s is a UnitDataError."""
    t = nfc(raw).strip().lower()
    if t == "thành phố trung ương":
        t = "thành phố"
    if t not in TYPE_LEVELS or level not in TYPE_LEVELS[t]:
        raise UnitDataError(f"unit type {raw!r} is not a {level} type")
    return t
