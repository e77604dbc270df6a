"""What every report needs: the database (read-only), its runs, its units and its documents as of a day.

A *unit* here is a registry portal's unit: every registry portal belongs to exactly one unit (linked by
`cchc units sync`), so coverage is counted per portal row, named as the unit names itself
(`--as-units historical`, the default) or by the current unit(s) it became part of after the 2025
reorganisation (`--as-units current`, with the former name kept beside it).

"As of" questions use the runs' ``observed_on`` dates, never wall time or today's state: a document is
known on day D when a run observed on or before D saw it, in the newest version such a run saw, and is
gone when its removal was observed on or before D.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, defer

from core.clock import observed_on as today_observed
from core.vntext import fold
from storage import Store
from storage.errors import StorageError
from storage.models import CrawlRun, Document, DocumentVersion, Portal

LEVELS = ("province", "department", "district", "commune")
KINDS = ("propaganda_plan", "plan")
ORGANS = ("government", "party", "council", "mass_organisation", "any")
AS_UNITS = ("historical", "current")


class ReportError(Exception):
    """Bad input or a database that cannot answer: printed as one line, exit status 2."""


def open_store(db_url: str | None, *, read_only: bool = True) -> Store:
    """Open an existing database without migrating or creating it (reports only read crawled data).

    Read-only by default (SQLite ``mode=ro``, read-only PostgreSQL sessions); the commands that write
    their own tables (``review``) pass ``read_only=False``; search only reads the index the writers
    keep up to date (storage/search_index.py).
    """
    try:
        return Store.open(db_url, read_only=read_only)
    except StorageError as exc:
        raise ReportError(str(exc)) from None


@dataclass(frozen=True)
class Run:
    """A crawl run as reports use it."""

    id: int
    observed_on: dt.date
    status: str
    started_at: dt.datetime | None


def load_runs(engine: Engine) -> list[Run]:
    """Every run, oldest first; an empty database is an error (nothing would look like an answer)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(CrawlRun.id, CrawlRun.observed_on, CrawlRun.status, CrawlRun.started_at)
                                .order_by(CrawlRun.id)).all()
    except DBAPIError as exc:
        raise ReportError(f"cannot read the database: {str(exc.orig).strip().splitlines()[0]}") from None
    runs = [Run(r[0], r[1], r[2], r[3]) for r in rows]
    if not runs:
        raise ReportError("the database holds no crawl run yet: run `cchc crawl` (or `cchc demo`) first")
    return runs


def parse_day(value: str, what: str) -> dt.date:
    """An ISO date given on the command line; a date in the future is refused."""
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ReportError(f"{what} {value!r} is not a date: write it as YYYY-MM-DD") from None
    today = today_observed()
    if day > today:
        raise ReportError(f"{what} {day.isoformat()} is in the future (today is {today.isoformat()})")
    return day


def run_as_of(runs: Sequence[Run], day: dt.date, what: str) -> Run:
    """The newest run observed on or before `day`."""
    eligible = [r for r in runs if r.observed_on <= day]
    if not eligible:
        raise ReportError(f"{what} {day.isoformat()} is before the first run (observed {runs[0].observed_on.isoformat()}): "
                          "the database knew nothing then")
    return max(eligible, key=lambda r: (r.observed_on, r.id))


def resolve_run(runs: Sequence[Run], value: str, what: str) -> Run:
    """RUN (an id) or DATE (the newest run observed on or before it)."""
    raw = value.strip()
    if raw.isdigit():
        by_id = {r.id: r for r in runs}
        if int(raw) not in by_id:
            raise ReportError(f"{what}: there is no run {raw} (runs {runs[0].id}..{runs[-1].id}; "
                              "see `cchc export runs`)")
        return by_id[int(raw)]
    return run_as_of(runs, parse_day(raw, what), what)


@dataclass
class UnitInfo:
    """A registry portal as the unit it belongs to."""

    portal_id: str
    name: str  # as the portal names itself
    level: str
    province: str  # as registered
    parent: str | None
    unit_id: int | None
    unit: str  # the name a report shows (historical or current)
    current_province: str | None = None
    former_names: list[str] = field(default_factory=list)


def _province_names(engine: Engine) -> set[str]:
    """Every province name the units tables know (former and current), folded."""
    if not inspect(engine).has_table("admin_units"):
        return set()
    from storage.units_models import AdminUnit

    with engine.connect() as conn:
        return {fold(n) for n in conn.execute(select(AdminUnit.name).where(AdminUnit.level == "province")).scalars()}


def load_units(engine: Engine, *, level: str | None = None, province: str | None = None,
               as_units: str = "historical") -> list[UnitInfo]:
    """Registry portals (as units) of `level` and `province`, validated; sorted by province, level, name.

    Unknown level/province, or a filter that matches no portal, is an error rather than an empty table.
    """
    if level is not None and level not in LEVELS:
        raise ReportError(f"unknown level {level!r}: choose one of {', '.join(LEVELS)}")
    if as_units not in AS_UNITS:
        raise ReportError(f"unknown --as-units {as_units!r}: choose historical or current")
    with Session(engine) as session:
        portals = list(session.scalars(select(Portal).where(Portal.in_registry.is_(True)).order_by(Portal.id)))
    if not portals:
        raise ReportError("the database holds no registry portal: run `cchc crawl` first")
    catalog = None
    if as_units == "current":
        from units.db import load_catalog, tables_exist

        if not tables_exist(engine):
            raise ReportError("--as-units current needs the units tables: run `cchc units sync` first")
        catalog = load_catalog(engine)
    out: list[UnitInfo] = []
    for p in portals:
        info = UnitInfo(p.id, p.name, p.level, p.province or "", p.parent, p.unit_id, p.name)
        if catalog is not None and p.unit_id is not None:
            unit = catalog.by_id(p.unit_id)
            if unit is not None:
                current = catalog.current_units(unit)
                names = [c.unit.full_name for c in current]
                provinces = {prov.name for c in current if (prov := catalog.province_of(c.unit)) is not None}
                if names and names != [unit.full_name]:
                    # merged or renamed: shown as the current unit(s), the registered name kept beside it
                    info.unit = " + ".join(names)
                    info.former_names = [p.name]
                info.current_province = sorted(provinces)[0] if provinces else None
        out.append(info)
    if as_units == "current":
        for u in out:
            if u.current_province:
                u.province = u.current_province
    if province is not None:
        key = fold(province)
        known = {fold(u.province) for u in out} | _province_names(engine)
        if key not in known:
            raise ReportError(f"unknown province {province!r}")
        out = [u for u in out if fold(u.province) == key]
        if not out:
            raise ReportError(f"no registry portal of the province {province!r}"
                              + (" (with --as-units current, give its current province)" if as_units == "current" else ""))
    if level is not None:
        out = [u for u in out if u.level == level]
        if not out:
            raise ReportError(f"no registry portal at level {level!r}" + (f" in {province}" if province else ""))
    from reports.labels import vn_sort_key

    # Vietnamese order (Cà Mau before Cao Bằng, every D… before Đ…): the order people expect in a list
    order = {lv: i for i, lv in enumerate(LEVELS)}
    out.sort(key=lambda u: (vn_sort_key(u.province)[:3], order.get(u.level, 9), vn_sort_key(u.unit)[:3], u.portal_id))
    return out


@dataclass
class DocState:
    """A document as known on some day (or run): its version then, and its lifetime."""

    document_id: int
    portal_id: str
    url: str
    version: int
    content_hash: str
    first_seen_run: int
    first_seen_on: dt.date
    removed_run: int | None
    removed_on: dt.date | None
    title: str | None
    published_at: str | None
    is_cchc: bool | None
    category: str | None
    doc_number: str | None
    doc_type: str | None
    doc_date: dt.date | None
    issuer: str | None
    organ: str | None
    plan_year: int | None
    version_id: int
    sections: Any = None
    deadlines: Any = None
    corrections: list[int] = field(default_factory=list)
    linked_portal: str | None = None
    plan_period: str | None = None   # "2021-2025" for a period plan (migration 0004; plan_year is then null)

    @property
    def published_on(self) -> dt.date | None:
        """The publication date part of the portal's timestamp (local date as the portal wrote it)."""
        if not self.published_at:
            return None
        try:
            return dt.date.fromisoformat(self.published_at[:10])
        except ValueError:
            return None


def load_documents(engine: Engine, runs: Sequence[Run], *, upto_run: Run | None = None,
                   as_of: dt.date | None = None, portals: Iterable[str] | None = None,
                   cchc_only: bool = False) -> list[DocState]:
    """Documents known at `upto_run` (by run id) or on `as_of` (by observed date), each in the version
    known then; removed ones are included with `removed_run` set so callers can tell them apart."""
    observed = {r.id: r.observed_on for r in runs}
    if upto_run is not None:
        known = {r.id for r in runs if r.id <= upto_run.id}
    elif as_of is not None:
        known = {r.id for r in runs if r.observed_on <= as_of}
    else:
        known = set(observed)
    stmt = (select(Document.id, Document.portal_id, Document.url, Document.first_seen_run_id, Document.removed_run_id,
                   DocumentVersion)
            .join(DocumentVersion, DocumentVersion.document_id == Document.id)
            .order_by(Document.id, DocumentVersion.version)
            # the raw page, the main text and the record are not needed here and are the bulk of a version
            .options(defer(DocumentVersion.html_z), defer(DocumentVersion.text), defer(DocumentVersion.record)))
    if portals is not None:
        stmt = stmt.where(Document.portal_id.in_(list(portals)))
    best: dict[int, DocState] = {}
    with Session(engine) as session:
        for doc_id, portal_id, url, first_run, removed_run, ver in session.execute(stmt):
            if first_run not in known or ver.first_seen_run_id not in known:
                continue
            removed = removed_run if removed_run in known else None
            best[doc_id] = DocState(
                document_id=doc_id, portal_id=portal_id, url=url, version=ver.version,
                content_hash=ver.content_hash, first_seen_run=first_run, first_seen_on=observed[first_run],
                removed_run=removed, removed_on=observed.get(removed) if removed else None,
                title=ver.title, published_at=ver.published_at, is_cchc=ver.is_cchc, category=ver.category,
                doc_number=ver.doc_number, doc_type=ver.doc_type, doc_date=ver.doc_date, issuer=ver.issuer,
                organ=ver.organ, plan_year=ver.plan_year, version_id=ver.id, sections=ver.sections,
                deadlines=ver.deadlines, plan_period=ver.plan_period,
            )
    docs = list(best.values())
    from reports.review import apply_corrections

    docs = apply_corrections(engine, docs)
    if cchc_only:
        docs = [d for d in docs if d.is_cchc]
    return docs


def organ_matches(doc_organ: str | None, wanted: str) -> bool:
    """Government plans count by default. A plan whose issuer could not be read (organ unknown) counts
    as the government's: registry portals are government (UBND/Sở) sites, and a Party committee's plan
    names its committee ("Đảng ủy …", "…-KH/ĐU"), which the extractor recognises. The row shows the
    organ as stored (null), so the reader sees the assumption."""
    if wanted == "any":
        return True
    if wanted == "government":
        return doc_organ in ("government", None)
    return doc_organ == wanted
