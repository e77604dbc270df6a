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
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ARRAY, Engine, Integer, Select, and_, false, func, inspect, literal, null, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ColumnElement

from core.clock import observed_on as today_observed
from core.vntext import fold
from reports.collation import vn_sort_texts
from reports.corrections import apply_corrections, corrected_urls
from reports.docstate import DocState
from reports.labels import vn_sort_key
from reports.vocab import AS_UNITS, KINDS, LEVELS, ORGANS, ReportError  # noqa: F401  (re-exported)
from storage import Store
from storage.errors import StorageError
from storage.models import CrawlRun, Document, DocumentVersion, Portal

__all__ = [
    "AS_UNITS", "KINDS", "LEVELS", "ORGANS", "DocState", "ReportError", "Run", "UnitInfo", "load_documents",
    "load_runs", "load_units", "open_store", "organ_matches", "parse_day", "resolve_run", "run_as_of",
]


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


NO_REGISTRY = "the database holds no registry portal: run `cchc crawl` first"


def require_registry(engine: Engine) -> None:
    """`load_units`' error for a database without any registry portal, from one row."""
    with engine.connect() as conn:
        if conn.execute(select(Portal.id).where(Portal.in_registry.is_(True)).limit(1)).first() is None:
            raise ReportError(NO_REGISTRY)


def _province_names(engine: Engine) -> set[str]:
    """Every province name the units tables know (former and current), folded."""
    if not inspect(engine).has_table("admin_units"):
        return set()
    from storage.units_models import AdminUnit

    with engine.connect() as conn:
        return {fold(n) for n in conn.execute(select(AdminUnit.name).where(AdminUnit.level == "province")).scalars()}


def load_units(engine: Engine, *, level: str | None = None, province: str | None = None,
               as_units: str = "historical", portals: Collection[str] | None = None) -> list[UnitInfo]:
    """Registry portals (as units) of `level` and `province`, validated; sorted by province, level, name.

    Unknown level/province, or a filter that matches no portal, is an error rather than an empty table.
    `portals` reads only those registry portals, and none of them is no error: `reports.search` names
    the units of the rows it found, not the 15,000 of a country (`require_registry` checks there is one).
    """
    if level is not None and level not in LEVELS:
        raise ReportError(f"unknown level {level!r}: choose one of {', '.join(LEVELS)}")
    if as_units not in AS_UNITS:
        raise ReportError(f"unknown --as-units {as_units!r}: choose historical or current")
    # the columns a unit needs, not whole Portal objects (15,000 rows with their JSON lists)
    query = select(Portal.id, Portal.name, Portal.level, Portal.province, Portal.parent,
                   Portal.unit_id).where(Portal.in_registry.is_(True)).order_by(Portal.id)
    if portals is not None:
        query = query.where(Portal.id.in_(sorted(portals)))
    with engine.connect() as conn:
        rows = conn.execute(query).all() if portals is None or portals else []
    if not rows and portals is None:
        raise ReportError(NO_REGISTRY)
    catalog = None
    if as_units == "current":
        from units.db import load_catalog, tables_exist

        if not tables_exist(engine):
            raise ReportError("--as-units current needs the units tables: run `cchc units sync` first")
        catalog = load_catalog(engine)
    out: list[UnitInfo] = []
    for portal_id, name, level_, province_, parent, unit_id in rows:
        info = UnitInfo(portal_id, name, level_, province_ or "", parent, unit_id, name)
        if catalog is not None and unit_id is not None:
            unit = catalog.by_id(unit_id)
            if unit is not None:
                current = catalog.current_units(unit)
                names = [c.unit.full_name for c in current]
                provinces = {prov.name for c in current if (prov := catalog.province_of(c.unit)) is not None}
                if names and names != [unit.full_name]:
                    # merged or renamed: shown as the current unit(s), the registered name kept beside it
                    info.unit = " + ".join(names)
                    info.former_names = [name]
                info.current_province = sorted(provinces)[0] if provinces else None
        out.append(info)
    if as_units == "current":
        for u in out:
            if u.current_province:
                u.province = u.current_province
    if province is not None:
        key = fold(province)
        folded = {name: fold(name) for name in {u.province for u in out}}  # a few dozen names, 15,000 units
        known = set(folded.values()) | _province_names(engine)
        if key not in known:
            raise ReportError(f"unknown province {province!r}")
        out = [u for u in out if folded[u.province] == key]
        if not out:
            raise ReportError(f"no registry portal of the province {province!r}"
                              + (" (with --as-units current, give its current province)" if as_units == "current" else ""))
    if level is not None:
        out = [u for u in out if u.level == level]
        if not out:
            raise ReportError(f"no registry portal at level {level!r}" + (f" in {province}" if province else ""))
    # Vietnamese order (Cà Mau before Cao Bằng, every D… before Đ…): the order people expect in a list
    order = {lv: i for i, lv in enumerate(LEVELS)}
    text_keys = vn_sort_texts({u.province for u in out} | {u.unit for u in out})
    if text_keys is not None:
        # the same order as the weight tuples, compared as strings (`vn_sort_texts`): most of the sort's time
        out.sort(key=lambda u: (text_keys[u.province], order.get(u.level, 9), text_keys[u.unit], u.portal_id))
    else:
        out.sort(key=lambda u: (vn_sort_key(u.province)[:3], order.get(u.level, 9), vn_sort_key(u.unit)[:3], u.portal_id))
    return out


def run_among(column: Any, known: set[int]) -> Any:
    """`column` (a run id) is one of the `known` runs: a range when they are contiguous (the usual case)."""
    if not known:
        return false()
    low, high = min(known), max(known)
    if len(known) == high - low + 1:
        return column.between(low, high)
    return column.in_(sorted(known))


def plan_candidates(kinds: Sequence[str], year: int | None = None) -> Select[Any]:
    """Ids of documents some version of which is a plan of `kinds` (for `year`, or for a period).

    A pre-filter for `load_documents`: the version a report uses is chosen afterwards, and the caller
    still checks it, so a document whose chosen version is no longer such a plan is dropped as before.
    """
    v = DocumentVersion
    stmt = select(v.document_id).where(v.category.in_(list(kinds)))
    if year is not None:
        stmt = stmt.where(or_(v.plan_year == year, and_(v.plan_year.is_(None), v.plan_period.is_not(None))))
    return stmt


def is_whole(conn: Any, known: set[int]) -> bool:
    """Is the snapshot made of the `known` runs every run of the database (the usual "now" question)?"""
    count, newest = conn.execute(select(func.count(), func.max(CrawlRun.id))).one()
    return bool(known) and len(known) == count and max(known) == newest


def _known_version(engine: Engine, known: set[int]) -> Any:
    """The version of `Document` a snapshot made of the `known` runs holds: the newest version first
    seen by one of them.

    When the snapshot is the whole database (every run: the usual "now" question) that is the
    document's own ``version`` column (kept equal to its newest version by the writers), so the
    database joins on the unique (document, version) key and reads no other version. An older
    snapshot asks for the largest version first seen by a known run, a lookup on the same key per
    document; no window over every version of every document either way.
    """
    with engine.connect() as conn:
        whole = is_whole(conn, known)
    if whole:
        return Document.version
    older = DocumentVersion.__table__.alias("older")
    return (select(func.max(older.c.version))
            .where(older.c.document_id == Document.id, run_among(older.c.first_seen_run_id, known))
            .scalar_subquery())


def load_documents(engine: Engine, runs: Sequence[Run], *, upto_run: Run | None = None,
                   as_of: dt.date | None = None, portals: Iterable[str] | None = None,
                   cchc_only: bool = False, candidates: Select[Any] | None = None,
                   details: bool = False) -> list[DocState]:
    """Documents known at `upto_run` (by run id) or on `as_of` (by observed date), each in the version
    known then; removed ones are included with `removed_run` set so callers can tell them apart.

    The database picks each document's newest known version (`_known_version`: the document's own
    version column for the whole database, else a keyed lookup of the largest known one) and, given
    `candidates` (a SELECT of document ids, e.g. `plan_candidates`), reads only those documents and
    the ones a person corrected (a correction may make any document count): a report about a year's
    plans never reads every version of every document into Python. A version's sections and
    deadlines (JSON) are read only with `details` (the compliance report's questions).
    """
    observed = {r.id: r.observed_on for r in runs}
    known = snapshot_runs(runs, upto_run=upto_run, as_of=as_of)
    stmt, _ = documents_select(engine, known, details=details)
    if candidates is not None:
        wanted: ColumnElement[bool] = Document.id.in_(candidates)
        urls = corrected_urls(engine)
        if urls:
            wanted = or_(wanted, Document.url.in_(sorted(urls)))
        stmt = stmt.where(wanted)
    if portals is not None:
        stmt = stmt.where(Document.portal_id.in_(list(portals)))
    try:
        with engine.connect() as conn:
            docs = [doc_state(row, known, observed) for row in conn.execute(stmt)]
    except DBAPIError as exc:
        raise ReportError(f"cannot read the database: {str(exc.orig).strip().splitlines()[0]}") from None
    docs = apply_corrections(engine, docs)
    if cchc_only:
        docs = [d for d in docs if d.is_cchc]
    return docs


def among_ids(engine: Engine, column: Any, ids: Any) -> ColumnElement[bool]:
    """`column` is one of `ids`: a SELECT of them, or the ids themselves as a list (one array parameter on
    PostgreSQL, ``= ANY``, whose length the planner sees: a diff's few thousand moved documents are
    then looked up by key, where the same ids as a subquery had it scan all 475,000 documents of a
    year and hash them, 0.1 s a snapshot)."""
    if not isinstance(ids, (list, tuple)):  # a SELECT (or a UNION) of ids
        return column.in_(ids)
    if engine.dialect.name == "postgresql":
        return column == func.any(literal(list(ids), ARRAY(Integer)))
    return column.in_(list(ids))


def stream_documents(engine: Engine, runs: Sequence[Run], *, upto_run: Run | None = None, candidates: Any,
                     portals: Iterable[str] | Select[Any] | None = None) -> Iterator[DocState]:
    """`load_documents(engine, runs, upto_run=..., candidates=..., portals=...)`, the same documents in the
    same order (document id, then offline plans), streamed: a diff over the year reads every document at
    each run, and the trend of every unit every plan of the country; held at once, their DocStates were
    most of those commands' memory (issue 12). `portals` is a list of portal ids or a SELECT of them.

    `candidates` is a SELECT of document ids or the ids themselves (`among_ids`).

    Corrections change documents by URL only, so the few corrected documents among the candidates are
    read first and corrected (`apply_corrections`, which also adds the offline plans); the stream puts
    each back in its place."""
    observed = {r.id: r.observed_on for r in runs}
    known = snapshot_runs(runs, upto_run=upto_run)
    stmt, _ = documents_select(engine, known)
    if portals is not None:
        stmt = stmt.where(Document.portal_id.in_(portals if isinstance(portals, Select) else list(portals)))
    urls = corrected_urls(engine)
    corrected: dict[int, DocState] = {}
    extra: list[DocState] = []
    try:
        with engine.connect() as conn:
            if urls:
                held = [doc_state(row, known, observed) for row in conn.execute(
                    stmt.where(Document.url.in_(sorted(urls))))]
                fixed = apply_corrections(engine, held)
                corrected = {d.document_id: d for d in fixed[:len(held)]}
                extra = fixed[len(held):]
            else:
                extra = apply_corrections(engine, [])
            wanted = among_ids(engine, Document.id, candidates)
            if urls:
                wanted = or_(wanted, Document.url.in_(sorted(urls)))
            for row in conn.execute(stmt.where(wanted).execution_options(stream_results=True, yield_per=2000)):
                yield corrected.get(row[0]) or doc_state(row, known, observed)
    except DBAPIError as exc:
        raise ReportError(f"cannot read the database: {str(exc.orig).strip().splitlines()[0]}") from None
    yield from extra


def snapshot_runs(runs: Sequence[Run], *, upto_run: Run | None = None, as_of: dt.date | None = None) -> set[int]:
    """Ids of the runs a snapshot is made of: up to `upto_run` (by id), up to `as_of` (by day), or all."""
    if upto_run is not None:
        return {r.id for r in runs if r.id <= upto_run.id}
    if as_of is not None:
        return {r.id for r in runs if r.observed_on <= as_of}
    return {r.id for r in runs}


def documents_select(engine: Engine, known: set[int], *, details: bool = False) -> tuple[Select[Any], Any]:
    """The documents first seen by a `known` run, each joined to its version known then (`_known_version`),
    in document order, with the columns `doc_state` reads; and the version table's alias (``ver``), so
    a caller can filter or rank on the version's columns in SQL (`reports.coverage_pick`)."""
    ver = DocumentVersion.__table__.alias("ver")
    stmt = (select(*document_columns(ver, details=details))
            .join(ver, and_(ver.c.document_id == Document.id, ver.c.version == _known_version(engine, known)))
            .where(run_among(Document.first_seen_run_id, known))
            .order_by(Document.id))
    return stmt, ver


def document_columns(ver: Any, *, details: bool = False) -> list[Any]:
    """The columns `doc_state` reads, in its order: `Document`'s, then those of `ver` (an alias of the
    version table). Shared by `documents_select` and the callers that rank documents on a few columns
    first and read these only for the rows they keep (`reports.coverage_pick`)."""
    return [Document.id, Document.portal_id, Document.url, Document.first_seen_run_id, Document.removed_run_id,
            ver.c.version, ver.c.content_hash, ver.c.title, ver.c.published_at, ver.c.is_cchc, ver.c.category,
            ver.c.doc_number, ver.c.doc_type, ver.c.doc_date, ver.c.issuer, ver.c.organ, ver.c.plan_year,
            ver.c.id, ver.c.sections if details else null(), ver.c.deadlines if details else null(),
            ver.c.plan_period]


def doc_state(row: Sequence[Any], known: set[int], observed: dict[int, dt.date]) -> DocState:
    """A `DocState` from a row of `documents_select` (its first 21 columns)."""
    (doc_id, portal_id, url, first_run, removed_run, version, content_hash, title, published_at, is_cchc,
     category, doc_number, doc_type, doc_date, issuer, organ, plan_year, version_id, sections, deadlines,
     plan_period) = tuple(row)[:21]
    removed = removed_run if removed_run in known else None
    return DocState(
        document_id=doc_id, portal_id=portal_id, url=url, version=version, content_hash=content_hash,
        first_seen_run=first_run, first_seen_on=observed[first_run], removed_run=removed,
        removed_on=observed.get(removed) if removed else None, title=title, published_at=published_at,
        is_cchc=is_cchc, category=category, doc_number=doc_number, doc_type=doc_type, doc_date=doc_date,
        issuer=issuer, organ=organ, plan_year=plan_year, version_id=version_id, sections=sections,
        deadlines=deadlines, plan_period=plan_period,
    )


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
