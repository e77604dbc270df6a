"""Resolve an issuer name as written on a page to one unit, or say why it cannot be done.

Never a silent guess: the result is `Resolved` only when exactly one unit fits the name, its type, its
written qualifiers (", huyện Cẩm Giàng, tỉnh Hải Dương"), the context (the page's province or portal unit)
and the date. Several fits give `Ambiguous` with every candidate; none gives `Unresolved`. The caller
keeps the issuer as written in both cases and reports it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from core.vntext import nfc
from units.catalog import Unit, UnitCatalog, today
from units.names import (
    TYPE_LEVELS,
    Segment,
    name_key,
    parse_segments,
    parse_written_name,
    province_key,
    starts_with_type,
)
from units.reference import load_reference


@dataclass(frozen=True)
class Resolved:
    """Exactly one unit fits. `organ` is "ubnd", "hdnd", "party" or None (not stated)."""

    name_as_written: str
    unit: Unit
    organ: str | None = None
    notes: tuple[str, ...] = ()
    ok: bool = field(default=True, init=False)


@dataclass(frozen=True)
class Ambiguous:
    """Several units fit equally well; the candidates are listed for a person to choose."""

    name_as_written: str
    candidates: tuple[Unit, ...]
    organ: str | None = None
    ok: bool = field(default=False, init=False)

    @property
    def reason(self) -> str:
        return f"{len(self.candidates)} units fit {self.name_as_written!r}"


@dataclass(frozen=True)
class Unresolved:
    """No unit fits; `candidates` holds near misses (same name elsewhere) when there are any."""

    name_as_written: str
    reason: str
    candidates: tuple[Unit, ...] = ()
    organ: str | None = None
    ok: bool = field(default=False, init=False)


Resolution = Resolved | Ambiguous | Unresolved


def _in_province(catalog: UnitCatalog, unit: Unit, pkey: str, loose: bool = True) -> bool:
    """True when the unit lay in the province named `pkey`: as it was then, or (`loose`) the current
    province it became part of ("Hải Phòng" finds the former Hải Dương communes)."""
    own = catalog.province_of(unit)
    if own is not None and name_key(own.name) == pkey:
        return True
    if loose and own is not None and own.valid_to is not None:
        return any(name_key(cu.unit.name) == pkey for cu in catalog.current_units(own, level="province"))
    return False


def _fits_segment(catalog: UnitCatalog, unit: Unit, seg: Segment, loose: bool) -> bool:
    """A written qualifier ("huyện Cẩm Giàng", "tỉnh Hải Dương") matches one of the unit's ancestors."""
    chain = catalog.ancestors(unit)
    province = catalog.province_of(unit)
    if province is not None and province not in chain:
        chain.append(province)
    for anc in chain:
        if name_key(anc.name) == seg.key and (seg.unit_type is None or anc.level in TYPE_LEVELS[seg.unit_type]):
            return True
    if seg.unit_type in (None, "tỉnh", "thành phố") and province is not None:
        return _in_province(catalog, unit, seg.key, loose)
    return False


def _type_ok(unit: Unit, unit_type: str | None, department: bool) -> bool:
    if department:
        return unit.level == "department"
    if unit.level == "department":
        return False
    return unit_type is None or unit.level in TYPE_LEVELS[unit_type]


def _pick_versions(candidates: list[Unit], day: dt.date) -> list[Unit]:
    """Of several versions of one unit (same level and name), keep the one valid on `day`."""
    valid = [u for u in candidates if u.valid_on(day)]
    return valid or candidates


class _Resolver:
    def __init__(self, catalog: UnitCatalog) -> None:
        self.catalog = catalog
        self._province_keys = {name_key(p.name) for p in catalog.provinces()}

    def candidates_for(self, words: tuple[str, ...], tail: Iterable[Segment], unit_type: str | None,
                       department: bool) -> list[Unit]:
        """Units matching some split of `words` into name + qualifiers, longest name first."""
        for end in range(len(words), 0, -1):
            name = " ".join(words[:end])
            leftover = list(words[end:])
            if not leftover:
                rest: list[Segment] = []
            elif starts_with_type(leftover):
                rest = parse_segments(leftover)
            elif " ".join(leftover) in self._province_keys:
                # A bare trailing province name: "Sở Nội vụ Điện Biên".
                rest = [Segment(None, tuple(leftover))]
            else:
                continue
            qualifiers = [*rest, *tail]
            if department:
                keys = {name, name.replace(" ", "")}
                found = [u for k in keys for u in self.catalog.by_name_key(k)]
                found += [u for u in self._departments_compact(name.replace(" ", ""))]
            else:
                found = self.catalog.by_name_key(name)
            found = [u for u in dict.fromkeys(found) if _type_ok(u, unit_type, department)]
            # Qualifiers as written first ("tỉnh Tuyên Quang" = that province's own units), then as
            # the province is constituted now.
            strict = [u for u in found if all(_fits_segment(self.catalog, u, q, False) for q in qualifiers)]
            if strict:
                return strict
            loose = [u for u in found if all(_fits_segment(self.catalog, u, q, True) for q in qualifiers)]
            if loose:
                return loose
        return []

    def _departments_compact(self, compact: str) -> list[Unit]:
        out = []
        for u in self.catalog.units.values():
            if u.level != "department":
                continue
            forms = [name_key(u.name).removeprefix("so "), *(name_key(a) for a in u.aliases)]
            compacts = {f.replace(" ", "") for f in forms}
            compacts |= {c[1:] for c in compacts if c.startswith("s") and len(c) > 2}
            if compact in compacts:
                out.append(u)
        return out

    def resolve(self, written: str, context_province: str | None, context_unit: Unit | None,
                at: dt.date | None) -> Resolution:
        parsed = parse_written_name(written)
        if not parsed.words:
            return Unresolved(written, "no unit name in the text", organ=parsed.organ)
        found = self.candidates_for(parsed.words, parsed.tail, parsed.unit_type, parsed.department)
        if not found:
            return Unresolved(written, "no unit of that name and type", organ=parsed.organ)
        notes: list[str] = []
        # Context: the page's province or portal unit narrows, but never empties, the candidates.
        provinces: list[str] = []
        if context_province:
            provinces.append(province_key(context_province))
        if context_unit is not None:
            own = self.catalog.province_of(context_unit)
            if own is not None:
                provinces.append(name_key(own.name))
                provinces += [name_key(c.unit.name) for c in self.catalog.current_units(own, level="province")]
            if context_unit in found:
                found = [context_unit]
        if len(found) > 1 and provinces:
            narrowed = ([u for u in found if any(_in_province(self.catalog, u, p, False) for p in provinces)]
                        or [u for u in found if any(_in_province(self.catalog, u, p, True) for p in provinces)])
            found = narrowed or found
        # An exact type beats a compatible one: "thành phố Hải Dương" is the city, not the province.
        exact = [u for u in found if parsed.unit_type is not None and u.type == parsed.unit_type]
        found = exact or found
        # Date: with a document date, the units that existed that day; versions of one unit (the
        # former and the current Điện Biên) then collapse to the one nearest the date (today when no
        # date is given). Different units of the same name are never picked by date alone.
        day = at or today()
        if at is not None:
            dated = [u for u in found if u.valid_on(at)]
            if dated:
                found = dated
            else:
                notes.append(f"no unit of that name existed on {at.isoformat()}; matched an earlier or later one")
        if len(found) > 1:
            found = _collapse_versions(self.catalog, found, day)
        if len(found) > 1:
            found = prefer_spelling(found, written)
        if len(found) == 1:
            return Resolved(written, found[0], parsed.organ, tuple(notes))
        return Ambiguous(written, tuple(found), parsed.organ)


def prefer_spelling(found: list[Unit], written: str) -> list[Unit]:
    """Of diacritics-insensitive matches, keep those spelled as written when there are any: "Hải Dương"
    is not "Hải Đường", though both fold to "hai duong". Applied last, after context, so a misspelt
    name in the right province ("Sơn Linh" for Sơn Lĩnh, Hà Tĩnh) still finds its unit."""
    text = nfc(written).lower()
    exact = [u for u in found if nfc(u.name).lower() in text]
    return exact or found


def _collapse_versions(catalog: UnitCatalog, found: list[Unit], day: dt.date) -> list[Unit]:
    """Versions linked by a whole succession under the same level and full name (the former and the
    current Điện Biên; Lào Cai, 10 then 15) are one unit over time: keep the one valid on `day` (the
    later one otherwise). Units of one name in different provinces never collapse."""
    keys = {u.key for u in found}
    drop: set[str] = set()
    for u in found:
        for succ, edge in catalog.successors_of(u):
            if (succ.key in keys and edge.whole and succ.level == u.level
                    and name_key(succ.full_name) == name_key(u.full_name)):
                drop.add(u.key if not u.valid_on(day) else succ.key)
    return [u for u in found if u.key not in drop]


def resolve_issuer(name_as_written: str, context_province: str | None = None,
                   context_portal_unit: Unit | str | int | None = None, at: dt.date | None = None,
                   *, catalog: UnitCatalog | None = None) -> Resolution:
    """Resolve an issuer ("UBND xã Ngọc Liên", "Đảng ủy xã Ngọc Liên", "Sở Lao động - Thương binh và Xã hội
    tỉnh Điện Biên") to a unit. Diacritics-, case-, punctuation- and prefix-insensitive.

    `context_province` (as written, e.g. the portal's registered province) and `context_portal_unit`
    (the portal's unit, or its key/id) narrow name clashes across provinces; `at` (the document date)
    picks the unit version of that day, default today. `catalog` defaults to the bundled reference
    data; pass `units.db.load_catalog(engine)` to resolve against a database.
    """
    cat = catalog or default_catalog()
    context_unit = cat.unit(context_portal_unit) if context_portal_unit is not None else None
    return _Resolver(cat).resolve(name_as_written, context_province, context_unit, at)


_DEFAULT: UnitCatalog | None = None


def default_catalog() -> UnitCatalog:
    """The bundled reference data as a catalog (built once per process)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = UnitCatalog.from_reference(load_reference())
    return _DEFAULT
