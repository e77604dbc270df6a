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

import functools
import importlib.util
import json
import re
import sqlite3
import unicodedata
from collections import defaultdict
from pathlib import Path

from units.curated import load_departments, load_earlier
from units.errors import UnitDataError
from units.model import (
    LEGACY_LAST_DAY,
    REORG_DATE,
    ReferenceData,
    SuccessionRecord,
    Unit,
    canonical_type,
    check_reference,
    make_key,
    pad_code,
)
from units.names import full_name, split_type

DATA_DIR = Path(__file__).resolve().parent / "data"
DEPARTMENTS_PATH = DATA_DIR / "departments.csv"
EARLIER_UNITS_PATH = DATA_DIR / "earlier_units.csv"

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


def _short(full: str, level: str, fallback_type: str | None = None) -> tuple[str, str]:
    found, short = split_type(full)
    unit_type = found or fallback_type
    if unit_type is None:
        raise UnitDataError(f"cannot tell the type of {full!r}")
    return canonical_type(unit_type, level), short


def _load_current(data: ReferenceData) -> dict[tuple[str, str], str]:
    """Current provinces and communes from vietnam-provinces; returns (level, code) -> key."""
    path = _package_dir("vietnam_provinces") / "data" / "nested-divisions.json"
    provinces = json.loads(path.read_text(encoding="utf-8"))
    keys: dict[tuple[str, str], str] = {}
    for prov in provinces:
        code = pad_code("province", prov["code"])
        unit_type, short = _short(prov["name"], "province", prov["division_type"])
        pkey = make_key("province", code, REORG_DATE)
        data.units.append(Unit(pkey, code, "province", unit_type, short, full_name(unit_type, short),
                                     None, pkey, REORG_DATE, None, source="vietnam-provinces"))
        keys[("province", code)] = pkey
        for ward in prov["wards"]:
            wcode = pad_code("commune", ward["code"])
            wtype, wshort = _short(ward["name"], "commune", ward["division_type"])
            wkey = make_key("commune", wcode, REORG_DATE)
            data.units.append(Unit(wkey, wcode, "commune", wtype, wshort, full_name(wtype, wshort),
                                         pkey, pkey, REORG_DATE, None, source="vietnam-provinces"))
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
            data.units.append(Unit(prov_key, pcode, "province", ptype, pshort, full_name(ptype, pshort),
                                         None, prov_key, None, LEGACY_LAST_DAY, source="vietnamadminunits"))
        province_key_of[pk] = prov_key
        dcode = pad_code("district", dcode)
        dtype_c, dshort = _short(dist, "district", dtype)
        dist_key = make_key("district", dcode, None)
        if dist_key not in seen:
            seen.add(dist_key)
            data.units.append(Unit(dist_key, dcode, "district", dtype_c, dshort, full_name(dtype_c, dshort),
                                         prov_key, prov_key, None, LEGACY_LAST_DAY, source="vietnamadminunits"))
        if ward is None:  # island districts without communes (Bạch Long Vĩ, Cồn Cỏ, Côn Đảo, …)
            legacy_key_of[f"{pk}_{dk}_"] = dist_key
            continue
        wcode = pad_code("commune", wcode)
        wtype_c, wshort = _short(ward, "commune", wtype)
        ward_key = make_key("commune", wcode, None)
        if ward_key in seen:
            raise UnitDataError(f"vietnamadminunits lists commune code {wcode} twice")
        seen.add(ward_key)
        data.units.append(Unit(ward_key, wcode, "commune", wtype_c, wshort, full_name(wtype_c, wshort),
                                     dist_key, prov_key, None, LEGACY_LAST_DAY, source="vietnamadminunits"))
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
                                                     effective, True, True, source="vietnamadminunits"))
    whole_into: dict[str, str] = {}
    parts_into: dict[str, list[str]] = defaultdict(list)
    for new_pk, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wk, old_keys in wards.items():
            succ = new_key_of[(new_pk, new_wk)]
            for old in old_keys:
                pred = legacy_key_of[old]
                data.successions.append(SuccessionRecord(pred, succ, effective, True, True, source="vietnamadminunits"))
                whole_into[pred] = succ
    for new_pk, olds in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, parts in olds.items():
            pred = legacy_key_of[old]
            for part in parts:
                succ = new_key_of[(new_pk, part["newWardKey"])]
                data.successions.append(SuccessionRecord(pred, succ, effective, False,
                                                         bool(part.get("isDefaultNewWard")), source="vietnamadminunits"))
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


def build_reference(departments: Path = DEPARTMENTS_PATH, earlier: Path = EARLIER_UNITS_PATH) -> ReferenceData:
    """Assemble and check the full reference data (uncached; see `load_reference`)."""
    data = ReferenceData()
    current = _load_current(data)
    _load_legacy_and_mapping(data, current)
    load_earlier(data, earlier)
    load_departments(data, departments)
    check_reference(data)
    return data


@functools.lru_cache(maxsize=1)
def load_reference() -> ReferenceData:
    """The bundled reference data, built once per process (a few hundred milliseconds)."""
    return build_reference()
