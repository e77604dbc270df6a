"""An in-memory view of units and their successions, built from the reference data or the database.

Why in memory: name resolution and "what did this become" walk parents and successions many times per
page; ~14,000 units and ~11,000 edges fit in a few megabytes, load from the database in well under a
second, and make every answer independent of the backend (SQLite or PostgreSQL).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from core.clock import now_vn
from units.errors import MappingCycleError, UnknownUnitCodeError
from units.model import ReferenceData, Unit, find_cycle, pad_code
from units.names import name_key


@dataclass(frozen=True)
class Edge:
    """One succession seen from one side: the other unit's key and how much went there."""

    other: str
    effective: dt.date
    whole: bool
    main: bool


@dataclass(frozen=True)
class CurrentUnit:
    """A current unit some unit became part of: `whole` when all of it went there along the whole path."""

    unit: Unit
    whole: bool


def today() -> dt.date:
    """Today in Vietnam: the day "current" means."""
    return now_vn().date()


@dataclass
class UnitCatalog:
    """Units by key with parent, province and succession links, plus name and code indexes."""

    units: dict[str, Unit]
    successors: dict[str, list[Edge]] = field(default_factory=lambda: defaultdict(list))
    predecessors: dict[str, list[Edge]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        self._by_code: dict[str, list[Unit]] = defaultdict(list)
        self._by_name: dict[str, list[Unit]] = defaultdict(list)
        self._by_id: dict[int, Unit] = {}
        self._children: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.units.values():
            self._by_code[unit.code].append(unit)
            self._by_name[name_key(unit.name)].append(unit)
            for alias in unit.aliases:
                self._by_name[name_key(alias)].append(unit)
            if unit.id is not None:
                self._by_id[unit.id] = unit
            if unit.parent_key:
                self._children[unit.parent_key].append(unit)

    # ------------------------------------------------------------------ construction
    @classmethod
    def build(cls, units: Iterable[Unit], edges: Iterable[tuple[str, str, dt.date, bool, bool]]) -> UnitCatalog:
        """From units and (predecessor key, successor key, effective, whole, main) tuples; refuses cycles."""
        unit_map = {u.key: u for u in units}
        succ: dict[str, list[Edge]] = defaultdict(list)
        pred: dict[str, list[Edge]] = defaultdict(list)
        pairs: list[tuple[str, str]] = []
        for p, s, effective, whole, main in edges:
            succ[p].append(Edge(s, effective, whole, main))
            pred[s].append(Edge(p, effective, whole, main))
            pairs.append((p, s))
        cycle = find_cycle(pairs)
        if cycle:
            raise MappingCycleError(cycle)
        return cls(unit_map, succ, pred)

    @classmethod
    def from_reference(cls, data: ReferenceData) -> UnitCatalog:
        return cls.build((r for r in data.units),
                         ((s.predecessor_key, s.successor_key, s.effective, s.whole, s.main) for s in data.successions))

    # ------------------------------------------------------------------ lookups
    def __len__(self) -> int:
        return len(self.units)

    def get(self, key: str) -> Unit | None:
        return self.units.get(key)

    def by_id(self, unit_id: int) -> Unit | None:
        return self._by_id.get(unit_id)

    def unit(self, ref: Unit | str | int) -> Unit:
        """A unit from a Unit, a key or a database id (KeyError when unknown)."""
        if isinstance(ref, Unit):
            return self.units[ref.key]
        if isinstance(ref, int):
            found = self._by_id.get(ref)
            if found is None:
                raise KeyError(f"no unit with id {ref}")
            return found
        return self.units[ref]

    def by_code(self, code: str, level: str | None = None, at: dt.date | None = None) -> list[Unit]:
        """Units carrying `code` (zero-padding-insensitive: "8" finds province 08), optionally at a
        level and on a date; every version when no date is given."""
        text = code.strip()
        found = list(self._by_code.get(text, []))
        if not found and text.isdigit():
            for lvl in ("province", "district", "commune"):
                if level in (None, lvl):
                    found.extend(self._by_code.get(pad_code(lvl, text), []))
        if level is not None:
            found = [u for u in found if u.level == level]
        if at is not None:
            found = [u for u in found if u.valid_on(at)]
        return sorted(found, key=_sort_key)

    def require_code(self, code: str, level: str | None = None, at: dt.date | None = None) -> list[Unit]:
        """Like `by_code`, but a code no unit carries is an `UnknownUnitCodeError`."""
        found = self.by_code(code, level, at)
        if not found:
            detail = f" at level {level}" if level else ""
            detail += f" on {at.isoformat()}" if at else ""
            raise UnknownUnitCodeError(code, detail)
        return found

    def by_name_key(self, key: str) -> list[Unit]:
        """Units whose short name (or an alias) has this `names.name_key`."""
        return list(self._by_name.get(key, []))

    def children(self, unit: Unit) -> list[Unit]:
        return list(self._children.get(unit.key, []))

    def parent(self, unit: Unit) -> Unit | None:
        return self.units.get(unit.parent_key) if unit.parent_key else None

    def province_of(self, unit: Unit) -> Unit | None:
        """The province the unit belonged to during its own validity (itself for a province)."""
        return self.units.get(unit.province_key) if unit.province_key else None

    def ancestors(self, unit: Unit) -> list[Unit]:
        """Parent, grandparent, … (district then province for a former commune)."""
        chain: list[Unit] = []
        cur = self.parent(unit)
        while cur is not None and cur not in chain:
            chain.append(cur)
            cur = self.parent(cur)
        return chain

    def successors_of(self, unit: Unit) -> list[tuple[Unit, Edge]]:
        return sorted(((self.units[e.other], e) for e in self.successors.get(unit.key, ())), key=lambda p: _sort_key(p[0]))

    def predecessors_of(self, unit: Unit) -> list[tuple[Unit, Edge]]:
        return sorted(((self.units[e.other], e) for e in self.predecessors.get(unit.key, ())), key=lambda p: _sort_key(p[0]))

    def provinces(self, at: dt.date | None = None) -> list[Unit]:
        return sorted((u for u in self.units.values() if u.level == "province" and (at is None or u.valid_on(at))),
                      key=_sort_key)

    # ------------------------------------------------------------------ time
    def current_units(self, unit: Unit | str | int, at: dt.date | None = None,
                      *, level: str | None = None, on: dt.date | None = None) -> list[CurrentUnit]:
        """The units valid on `on` (default: today) that `unit` became part of, whole or in part.

        `unit` may be a Unit, a key, a database id, or a code; with a code, `at` picks the version
        valid on that date (Tuyên Quang "08" in 2020 is the former province, in 2026 the merged one),
        and a code carried by several units on that date is refused rather than guessed.
        `level` lifts the answer to that level (e.g. "province": the current provinces).
        A unit still valid on `on` maps to itself.
        """
        start = self._start_unit(unit, at)
        day = on or today()
        results: dict[str, bool] = {}
        # Depth-first over successions; "whole" holds only if every step of the path was whole.
        stack: list[tuple[Unit, bool, tuple[str, ...]]] = [(start, True, (start.key,))]
        while stack:
            cur, whole, path = stack.pop()
            if cur.valid_on(day) or not self.successors.get(cur.key):
                if cur.valid_on(day):
                    results[cur.key] = results.get(cur.key, False) or whole
                continue
            for edge in self.successors[cur.key]:
                if edge.other in path:
                    raise MappingCycleError([*path, edge.other])
                stack.append((self.units[edge.other], whole and edge.whole, (*path, edge.other)))
        found = [CurrentUnit(self.units[k], w) for k, w in results.items()]
        if level is not None:
            found = self._lift(found, level)
        return sorted(found, key=lambda c: _sort_key(c.unit))

    def _lift(self, found: Sequence[CurrentUnit], level: str) -> list[CurrentUnit]:
        """Replace each unit by its ancestor at `level`; all parts landing in one unit make it whole."""
        targets: list[str] = []
        for cu in found:
            chain = [cu.unit, *self.ancestors(cu.unit)]
            target = next((u for u in chain if u.level == level), None)
            if target is None and level == "province":
                target = self.province_of(cu.unit)
            if target is not None and target.key not in targets:
                targets.append(target.key)
        whole = len(targets) == 1
        return [CurrentUnit(self.units[k], whole) for k in targets]

    def _start_unit(self, unit: Unit | str | int, at: dt.date | None) -> Unit:
        if isinstance(unit, Unit) or isinstance(unit, int):
            return self.unit(unit)
        if unit in self.units:
            return self.units[unit]
        candidates = self.require_code(unit, at=at)
        if at is None:
            open_ = [u for u in candidates if u.valid_to is None]
            candidates = open_ or candidates
        if len(candidates) != 1:
            listing = "; ".join(f"{u.level} {u.full_name} ({u.validity})" for u in candidates)
            raise UnknownUnitCodeError(unit, f" as one unit: it names {len(candidates)} ({listing}); give a date or a level")
        return candidates[0]


def _sort_key(unit: Unit) -> tuple:
    order = {"province": 0, "department": 1, "district": 2, "commune": 3}
    return (order.get(unit.level, 9), unit.code, unit.valid_from or dt.date.min)
