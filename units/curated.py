"""The curated reference files: units/data/earlier_units.csv (changes before the 2025 snapshot) and
units/data/departments.csv (departments, which no package ships).

Why apart from `units.reference`: those files are read and validated row by row with their own error
messages (file, line, column); the package sources are read whole. `units.reference.build_reference`
calls `load_earlier` and `load_departments` after the packages' units are in.
"""
from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from core.vntext import nfc
from units.errors import UnitDataError
from units.model import (
    ReferenceData,
    SuccessionRecord,
    Unit,
    canonical_type,
    make_key,
    pad_code,
)
from units.names import full_name, name_key


def _date(cell: str, path: Path, line: int, column: str) -> dt.date | None:
    cell = cell.strip()
    if not cell:
        return None
    try:
        return dt.date.fromisoformat(cell)
    except ValueError:
        raise UnitDataError(f"{path.name}:{line}: {column} {cell!r} is not an ISO date") from None


def _read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Rows of a curated CSV with their physical line numbers (`#` comment lines allowed)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UnitDataError(f"cannot read {path}: {exc}") from None
    lines = text.splitlines()
    numbered = [(i + 1, ln) for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")]
    if not numbered:
        return []
    reader = csv.DictReader([ln for _, ln in numbered])
    rows: list[tuple[int, dict[str, str]]] = []
    for (line, _), row in zip(numbered[1:], reader, strict=True):
        if None in row or any(v is None for v in row.values()):
            raise UnitDataError(f"{path.name}:{line}: wrong number of cells")
        rows.append((line, {k: nfc(v).strip() for k, v in row.items()}))
    return rows


@dataclass(frozen=True)
class _SuccessorRef:
    code: str
    whole: bool
    main: bool


def _successor_refs(cell: str, path: Path, line: int) -> list[_SuccessorRef]:
    """`CODE` (went whole), `CODE~main` (the main part of a split), `CODE~part` (a smaller part)."""
    refs: list[_SuccessorRef] = []
    for item in filter(None, (x.strip() for x in cell.split("|"))):
        code, _, share = item.partition("~")
        if share not in ("", "main", "part"):
            raise UnitDataError(f"{path.name}:{line}: successor {item!r}: share must be ~main or ~part")
        refs.append(_SuccessorRef(code.strip(), share == "", share in ("", "main")))
    return refs


def _version_at(units_by_code: dict[tuple[str, str], list[Unit]], level: str, code: str,
                day: dt.date | None) -> Unit | None:
    """The record of `code` valid on `day` (None: the open-ended, current one)."""
    for rec in units_by_code.get((level, code), []):
        if day is None:
            if rec.valid_to is None:
                return rec
        elif (rec.valid_from is None or rec.valid_from <= day) and (rec.valid_to is None or day <= rec.valid_to):
            return rec
    return None


def _index_by_code(units: Iterable[Unit]) -> dict[tuple[str, str], list[Unit]]:
    index: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    for rec in units:
        index[(rec.level, rec.code)].append(rec)
    return index


def load_earlier(data: ReferenceData, path: Path) -> None:
    """Units that ended before the 2025 snapshot (curated), with their successors."""
    index = _index_by_code(data.units)
    pending: list[tuple[int, Unit, dt.date, str, bool]] = []  # (line, unit, day after it ended, ...)
    for line, row in _read_csv(path):
        level = row["level"]
        if level not in ("province", "district", "commune"):
            raise UnitDataError(f"{path.name}:{line}: unknown level {level!r}")
        code = pad_code(level, row["code"])
        unit_type = canonical_type(row["type"], level)
        valid_from = _date(row["valid_from"], path, line, "valid_from")
        valid_to = _date(row["valid_to"], path, line, "valid_to")
        if valid_to is None:
            raise UnitDataError(f"{path.name}:{line}: an earlier unit needs valid_to")
        parent_key = None
        province_key = None
        if row["parent_code"]:
            parent_level = "province" if level == "district" else "district"
            parent = _version_at(index, parent_level, pad_code(parent_level, row["parent_code"]), valid_to)
            if parent is None:
                raise UnitDataError(f"{path.name}:{line}: parent code {row['parent_code']!r} does not exist on {valid_to}")
            parent_key, province_key = parent.key, parent.province_key
        key = make_key(level, code, valid_from)
        rec = Unit(key, code, level, unit_type, row["name"], full_name(unit_type, row["name"]),
                         parent_key, province_key, valid_from, valid_to, source="curated")
        if level == "province":
            rec = replace(rec, province_key=key)
        pending.append((line, rec, valid_to + dt.timedelta(days=1), row["successors"],
                        row.get("successor_constituted", "") == "1"))
    for line, rec, day_after, successors, constituted in pending:
        for ref in _successor_refs(successors, path, line):
            code = pad_code(rec.level, ref.code)
            target = _version_at(index, rec.level, code, day_after)
            if target is None:
                raise UnitDataError(f"{path.name}:{line}: successor code {ref.code!r} does not exist on {day_after}")
            if constituted and target.valid_from is None:
                # The successor was constituted that day (e.g. Huế as a centrally-run city): give the
                # package record its real start so the two never overlap under the same code.
                moved = replace(target, key=make_key(target.level, target.code, day_after), valid_from=day_after)
                if moved.level == "province":
                    moved = replace(moved, province_key=moved.key)
                _rekey(data, target.key, moved)
                index = _index_by_code(data.units)
                target = moved
            data.successions.append(SuccessionRecord(rec.key, target.key, day_after, ref.whole, ref.main, "curated"))
        data.units.append(rec)
        index = _index_by_code(data.units)


def _rekey(data: ReferenceData, old_key: str, new: Unit) -> None:
    """Replace a record by a re-keyed copy and follow the key through parents and successions."""
    units: list[Unit] = []
    for rec in data.units:
        if rec.key == old_key:
            rec = new
        if rec.parent_key == old_key:
            rec = replace(rec, parent_key=new.key)
        if rec.province_key == old_key:
            rec = replace(rec, province_key=new.key)
        units.append(rec)
    data.units = units
    data.successions = [
        replace(s, predecessor_key=new.key if s.predecessor_key == old_key else s.predecessor_key,
                successor_key=new.key if s.successor_key == old_key else s.successor_key)
        for s in data.successions
    ]


def department_code(province_code: str, abbrev: str) -> str:
    """Departments have no statistics-office code: "<province code>-<ASCII abbreviation>" ("11-SNV")."""
    return f"{pad_code('province', province_code)}-{name_key(abbrev).replace(' ', '').upper()}"


def load_departments(data: ReferenceData, path: Path) -> None:
    """Departments (Sở) of registry provinces, each under the province version it belonged to."""
    index = _index_by_code(data.units)
    records: list[tuple[int, Unit, str]] = []
    seen: set[str] = set()
    for line, row in _read_csv(path):
        pcode = pad_code("province", row["province_code"])
        code = department_code(pcode, row["abbrev"])
        valid_from = _date(row["valid_from"], path, line, "valid_from")
        valid_to = _date(row["valid_to"], path, line, "valid_to")
        province = _version_at(index, "province", pcode, valid_to)
        if province is None:
            raise UnitDataError(f"{path.name}:{line}: province code {row['province_code']!r} does not exist"
                                f"{' on ' + valid_to.isoformat() if valid_to else ' today'}")
        key = make_key("department", code, valid_from)
        if key in seen:
            raise UnitDataError(f"{path.name}:{line}: department {code} starting {valid_from or 'before'} is listed twice")
        seen.add(key)
        name = row["name"]
        aliases = tuple(a for a in (x.strip() for x in row.get("aliases", "").split("|")) if a)
        full = f"{name} {province.full_name[:1].lower()}{province.full_name[1:]}"
        records.append((line, Unit(key, code, "department", "sở", name, full, province.key, province.key,
                                         valid_from, valid_to, (row["abbrev"], *aliases), source="curated"),
                        row["successors"]))
    data.units.extend(rec for _, rec, _ in records)
    index = _index_by_code(data.units)
    for line, rec, successors in records:
        refs = _successor_refs(successors, path, line)
        if refs and rec.valid_to is None:
            raise UnitDataError(f"{path.name}:{line}: {rec.code} has successors but no valid_to")
        day_after = rec.valid_to + dt.timedelta(days=1) if rec.valid_to else None
        for ref in refs:
            target = _version_at(index, "department", ref.code, day_after)
            if target is None:
                raise UnitDataError(f"{path.name}:{line}: successor department {ref.code!r} does not exist on {day_after}")
            data.successions.append(SuccessionRecord(rec.key, target.key, day_after, ref.whole, ref.main, "curated"))  # type: ignore[arg-type]


