"""Reference data: every unit before and after 1 July 2025, and which new units each old one became.

Sources (versions pinned in pyproject.toml; why these two: units/README.md):
- `vietnam-provinces`: the current 34 provinces and 3,321 communes with the statistics office's codes,
  names and types. It is read from the package's JSON file.
- `vietnamadminunits`: the 63 former provinces, 696 districts and ~10,035 communes as they stood on
  30 June 2025, and the old -> new mapping (communes wholly inside one new commune, and the 471
  communes that were split). Its SQLite file and JSON are read directly, without importing the package,
  whose `__init__` pulls in its geocoding dependencies we do not use.
- `units/data/departments.csv` and `units/data/earlier_units.csv`: small curated files for what no
  package ships (departments; changes before the 2025 snapshot such as Thừa Thiên Huế -> Huế).

Everything here is pure data work (no database): `load_reference()` returns records keyed by a stable
natural `key` ("commune:10903:before"), because a GSO code alone does not identify a unit across time
(the new Xã Cẩm Giàng, Hải Phòng, carries 10903, the code of the old Xã Ngọc Liên it absorbed).
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib.util
import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.vntext import nfc
from units.errors import UnitDataError
from units.names import LEVELS, TYPE_LEVELS, full_name, name_key, split_type

#: The day the 34-province structure and the two-level local government took effect.
REORG_DATE = dt.date(2025, 7, 1)
#: Last day of the 63-province structure (the `vietnamadminunits` legacy snapshot).
LEGACY_LAST_DAY = REORG_DATE - dt.timedelta(days=1)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEPARTMENTS_PATH = DATA_DIR / "departments.csv"
EARLIER_UNITS_PATH = DATA_DIR / "earlier_units.csv"

_CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}


@dataclass(frozen=True)
class UnitRecord:
    """One unit (or department) over one validity period; `key` is its identity across syncs."""

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
    source: str
    aliases: tuple[str, ...] = ()


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

    units: list[UnitRecord] = field(default_factory=list)
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


# ------------------------------------------------------------------------------------- sources
def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise UnitDataError(
            f"the package {name!r} is not installed; install the project's pinned dependencies "
            "(pip install -e .)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _dist_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def _spelling_key(text: str) -> str:
    """Exact-name join key between the two packages: case, spacing, dash and old/new tone placement
    ("Hoà"/"Hòa") differ between them, but diacritics must still count ("Cẩm Giàng" is not "Cẩm Giang")."""
    s = unicodedata.normalize("NFC", re.sub(r"\s+", " ", text)).strip().lower()
    s = s.replace("–", "-").replace("—", "-").replace("’", "'").replace(" - ", "-")
    for old, new in (("oà", "òa"), ("oá", "óa"), ("oả", "ỏa"), ("oã", "õa"), ("oạ", "ọa"),
                     ("oè", "òe"), ("oé", "óe"), ("oẻ", "ỏe"), ("oẽ", "õe"), ("oẹ", "ọe"),
                     ("uỳ", "ùy"), ("uý", "úy"), ("uỷ", "ủy"), ("uỹ", "ũy"), ("uỵ", "ụy")):
        s = s.replace(old, new)
    return s


def _canonical_type(raw: str, level: str) -> str:
    t = nfc(raw).strip().lower()
    if t == "thành phố trung ương":
        t = "thành phố"
    if t not in TYPE_LEVELS or level not in TYPE_LEVELS[t]:
        raise UnitDataError(f"unit type {raw!r} is not a {level} type")
    return t


def _short(full: str, level: str, fallback_type: str | None = None) -> tuple[str, str]:
    found, short = split_type(full)
    unit_type = found or fallback_type
    if unit_type is None:
        raise UnitDataError(f"cannot tell the type of {full!r}")
    return _canonical_type(unit_type, level), short


def _load_current(data: ReferenceData) -> dict[tuple[str, str], str]:
    """Current provinces and communes from vietnam-provinces; returns (level, code) -> key."""
    path = _package_dir("vietnam_provinces") / "data" / "nested-divisions.json"
    provinces = json.loads(path.read_text(encoding="utf-8"))
    keys: dict[tuple[str, str], str] = {}
    for prov in provinces:
        code = pad_code("province", prov["code"])
        unit_type, short = _short(prov["name"], "province", prov["division_type"])
        pkey = make_key("province", code, REORG_DATE)
        data.units.append(UnitRecord(pkey, code, "province", unit_type, short, full_name(unit_type, short),
                                     None, pkey, REORG_DATE, None, "vietnam-provinces"))
        keys[("province", code)] = pkey
        for ward in prov["wards"]:
            wcode = pad_code("commune", ward["code"])
            wtype, wshort = _short(ward["name"], "commune", ward["division_type"])
            wkey = make_key("commune", wcode, REORG_DATE)
            data.units.append(UnitRecord(wkey, wcode, "commune", wtype, wshort, full_name(wtype, wshort),
                                         pkey, pkey, REORG_DATE, None, "vietnam-provinces"))
            keys[("commune", wcode)] = wkey
    data.sources["vietnam-provinces"] = _dist_version("vietnam-provinces")
    return keys


def _load_legacy_and_mapping(data: ReferenceData, current: dict[tuple[str, str], str]) -> None:
    """Former units and the old -> new mapping from vietnamadminunits."""
    pkg = _package_dir("vietnamadminunits") / "data"
    conn = sqlite3.connect(f"file:{pkg / 'dataset.db'}?mode=ro", uri=True)
    try:
        legacy_rows = conn.execute(
            "SELECT province, provinceCode, provinceKey, district, districtType, districtCode, districtKey, "
            "ward, wardType, wardCode, wardKey FROM admin_units_legacy"
        ).fetchall()
        new_rows = conn.execute(
            "SELECT provinceCode, provinceKey, ward, wardCode, wardKey FROM admin_units"
        ).fetchall()
    finally:
        conn.close()
    mapping = json.loads((pkg / "converter_2025.json").read_text(encoding="utf-8"))

    legacy_key_of: dict[str, str] = {}      # vietnamadminunits legacy "prov_dist_ward" key -> our key
    province_key_of: dict[str, str] = {}    # vietnamadminunits legacy province key -> our key
    district_of_commune: dict[str, str] = {}
    communes_of_district: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    for (prov, pcode, pk, dist, dtype, dcode, dk, ward, wtype, wcode, wk) in legacy_rows:
        pcode = pad_code("province", pcode)
        ptype, pshort = _short(prov, "province")
        prov_key = make_key("province", pcode, None)
        if prov_key not in seen:
            seen.add(prov_key)
            data.units.append(UnitRecord(prov_key, pcode, "province", ptype, pshort, full_name(ptype, pshort),
                                         None, prov_key, None, LEGACY_LAST_DAY, "vietnamadminunits"))
        province_key_of[pk] = prov_key
        dcode = pad_code("district", dcode)
        dtype_c, dshort = _short(dist, "district", dtype)
        dist_key = make_key("district", dcode, None)
        if dist_key not in seen:
            seen.add(dist_key)
            data.units.append(UnitRecord(dist_key, dcode, "district", dtype_c, dshort, full_name(dtype_c, dshort),
                                         prov_key, prov_key, None, LEGACY_LAST_DAY, "vietnamadminunits"))
        if ward is None:  # island districts without communes (Bạch Long Vĩ, Cồn Cỏ, Côn Đảo, …)
            legacy_key_of[f"{pk}_{dk}_"] = dist_key
            continue
        wcode = pad_code("commune", wcode)
        wtype_c, wshort = _short(ward, "commune", wtype)
        ward_key = make_key("commune", wcode, None)
        if ward_key in seen:
            raise UnitDataError(f"vietnamadminunits lists commune code {wcode} twice")
        seen.add(ward_key)
        data.units.append(UnitRecord(ward_key, wcode, "commune", wtype_c, wshort, full_name(wtype_c, wshort),
                                     dist_key, prov_key, None, LEGACY_LAST_DAY, "vietnamadminunits"))
        legacy_key_of[f"{pk}_{dk}_{wk}"] = ward_key
        district_of_commune[ward_key] = dist_key
        communes_of_district[dist_key].append(ward_key)

    # vietnamadminunits' current communes joined to vietnam-provinces' by province and exact name: the two
    # packages assign different codes to about 120 new communes, and we take the codes from
    # vietnam-provinces (read from the statistics office's register), so the join must not use codes.
    by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rec in data.units:
        if rec.level == "commune" and rec.valid_from == REORG_DATE:
            by_name[(rec.province_key or "", _spelling_key(rec.full_name))].append(rec.key)
    new_key_of: dict[tuple[str, str], str] = {}
    new_province_key_of: dict[str, str] = {}
    for pcode, pk, ward, wcode, wk in new_rows:
        current_prov_key = current.get(("province", pad_code("province", pcode)))
        if current_prov_key is None:
            raise UnitDataError(f"vietnamadminunits names a current province {pcode} that vietnam-provinces lacks")
        new_province_key_of[pk] = current_prov_key
        hits = by_name.get((current_prov_key, _spelling_key(ward)), [])
        if len(hits) != 1:
            fallback = current.get(("commune", pad_code("commune", wcode)))
            if fallback is None:
                raise UnitDataError(f"cannot match the current commune {ward!r} ({pcode}) across the two packages")
            hits = [fallback]
        new_key_of[(pk, wk)] = hits[0]

    effective = REORG_DATE
    for new_pk, old_pks in mapping["DICT_PROVINCE"].items():
        for old_pk in old_pks:
            data.successions.append(SuccessionRecord(province_key_of[old_pk], new_province_key_of[new_pk],
                                                     effective, True, True, "vietnamadminunits"))
    whole_into: dict[str, str] = {}
    parts_into: dict[str, list[str]] = defaultdict(list)
    for new_pk, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wk, old_keys in wards.items():
            succ = new_key_of[(new_pk, new_wk)]
            for old in old_keys:
                pred = legacy_key_of[old]
                data.successions.append(SuccessionRecord(pred, succ, effective, True, True, "vietnamadminunits"))
                whole_into[pred] = succ
    for new_pk, olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            pred = legacy_key_of[old]
            for part in parts:
                succ = new_key_of[(new_pk, part["newWardKey"])]
                data.successions.append(SuccessionRecord(pred, succ, effective, False,
                                                         bool(part.get("isDefaultNewWard")), "vietnamadminunits"))
                parts_into[pred].append(succ)

    # A district became part of every new commune its communes went to; it went whole into one only
    # when all its communes went whole into that same commune.
    for dist_key, communes in communes_of_district.items():
        targets: dict[str, bool] = {}
        for commune in communes:
            if commune in whole_into:
                targets.setdefault(whole_into[commune], True)
            for succ in parts_into.get(commune, ()):
                targets[succ] = False
        whole = len(targets) == 1 and next(iter(targets.values()))
        for succ in sorted(targets):
            data.successions.append(SuccessionRecord(dist_key, succ, effective, whole, whole, "derived"))
    data.sources["vietnamadminunits"] = _dist_version("vietnamadminunits")


# ------------------------------------------------------------------------------- curated files
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


def _version_at(units_by_code: dict[tuple[str, str], list[UnitRecord]], level: str, code: str,
                day: dt.date | None) -> UnitRecord | None:
    """The record of `code` valid on `day` (None: the open-ended, current one)."""
    for rec in units_by_code.get((level, code), []):
        if day is None:
            if rec.valid_to is None:
                return rec
        elif (rec.valid_from is None or rec.valid_from <= day) and (rec.valid_to is None or day <= rec.valid_to):
            return rec
    return None


def _index_by_code(units: Iterable[UnitRecord]) -> dict[tuple[str, str], list[UnitRecord]]:
    index: dict[tuple[str, str], list[UnitRecord]] = defaultdict(list)
    for rec in units:
        index[(rec.level, rec.code)].append(rec)
    return index


def _load_earlier(data: ReferenceData, path: Path) -> None:
    """Units that ended before the 2025 snapshot (curated), with their successors."""
    index = _index_by_code(data.units)
    pending: list[tuple[int, UnitRecord, dt.date, str, bool]] = []  # (line, unit, day after it ended, ...)
    for line, row in _read_csv(path):
        level = row["level"]
        if level not in ("province", "district", "commune"):
            raise UnitDataError(f"{path.name}:{line}: unknown level {level!r}")
        code = pad_code(level, row["code"])
        unit_type = _canonical_type(row["type"], level)
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
        rec = UnitRecord(key, code, level, unit_type, row["name"], full_name(unit_type, row["name"]),
                         parent_key, province_key, valid_from, valid_to, "curated")
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


def _rekey(data: ReferenceData, old_key: str, new: UnitRecord) -> None:
    """Replace a record by a re-keyed copy and follow the key through parents and successions."""
    units: list[UnitRecord] = []
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


def _load_departments(data: ReferenceData, path: Path) -> None:
    """Departments (Sở) of registry provinces, each under the province version it belonged to."""
    index = _index_by_code(data.units)
    records: list[tuple[int, UnitRecord, str]] = []
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
        records.append((line, UnitRecord(key, code, "department", "sở", name, full, province.key, province.key,
                                         valid_from, valid_to, "curated", (row["abbrev"], *aliases)),
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
    from units.catalog import find_cycle

    cycle = find_cycle((s.predecessor_key, s.successor_key) for s in data.successions)
    if cycle:
        from units.errors import MappingCycleError

        raise MappingCycleError(cycle)


def build_reference(departments: Path = DEPARTMENTS_PATH, earlier: Path = EARLIER_UNITS_PATH) -> ReferenceData:
    """Assemble and check the full reference data (uncached; see `load_reference`)."""
    data = ReferenceData()
    current = _load_current(data)
    _load_legacy_and_mapping(data, current)
    _load_earlier(data, earlier)
    _load_departments(data, departments)
    check_reference(data)
    return data


@functools.lru_cache(maxsize=1)
def load_reference() -> ReferenceData:
    """The bundled reference data, built once per process (a few hundred milliseconds)."""
    return build_reference()
