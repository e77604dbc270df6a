"""Coverage: for a year and a kind of plan, which units published one, by which organ, and when.

Every figure carries its evidence: the document's number, issue and publication dates, its URL, its
content hash and the first run that saw it. Totals are per province and level. ``as_of`` answers as the
database knew it on that observed date (snapshots up to that day), not from today's state.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from reports.base import (
    KINDS,
    ORGANS,
    DocState,
    ReportError,
    Run,
    UnitInfo,
    load_documents,
    load_runs,
    load_units,
    organ_matches,
    parse_day,
    run_as_of,
    snapshot_runs,
)
from reports.corrections import corrected_urls
from reports.coverage_pick import best_plans
from reports.formatting import Column, Table, pct
from storage.models import Document, DocumentVersion

#: The machine-readable contract (issue 6): these keys, in this order, in JSON/CSV/xlsx.
ROW_KEYS = (
    "unit", "portal", "level", "province", "found", "organ", "doc_number", "doc_date", "published_at", "url",
    "first_seen_run", "first_seen_on", "content_hash", "title", "documents", "former_names", "corrections",
    "period_plan", "period_plan_number", "period_plan_url",
)
TOTAL_KEYS = ("province", "level", "units", "found", "missing", "found_pct")

COLUMNS = [
    Column("unit", "Đơn vị"), Column("level", "Cấp"), Column("province", "Tỉnh"), Column("found", "Có KH", "bool"),
    Column("organ", "Cơ quan"), Column("doc_number", "Số/Ký hiệu"), Column("doc_date", "Ngày ban hành", "date"),
    Column("published_at", "Ngày đăng", "date"), Column("first_seen_run", "Lần quét đầu", "int"),
    Column("url", "URL"), Column("period_plan", "KH giai đoạn"), Column("period_plan_number", "Số KH giai đoạn"),
]
TOTAL_COLUMNS = [
    Column("province", "Tỉnh"), Column("level", "Cấp"), Column("units", "Số đơn vị", "int"),
    Column("found", "Có KH", "int"), Column("missing", "Chưa có", "int"), Column("found_pct", "Tỷ lệ", "pct"),
]


@dataclass
class CoverageResult:
    """Rows (one per unit), totals per province and level, and what was asked."""

    year: int
    kind: str
    organ: str
    as_of: dt.date | None
    run: Run
    rows: list[dict[str, Any]]
    totals: list[dict[str, Any]]

    def table(self) -> Table:
        from reports.formatting import current_lang
        from reports.labels import label, text

        lang = current_lang()
        title = text("coverage_title", lang, kind=label("category", self.kind, lang), year=self.year, run=self.run.id,
                     day=self.run.observed_on.strftime("%d/%m/%Y"))
        return Table(title, COLUMNS, self.rows, part="coverage",
                     totals=Table(text("totals_title", lang), TOTAL_COLUMNS, self.totals, part="totals"))


def _sort_key(d: DocState) -> tuple:
    issued = d.doc_date or d.published_on or dt.date.max
    return (issued, d.first_seen_run, d.url)


def _tie_key(d: DocState) -> tuple:
    """`_sort_key`, then the order the documents were read in (crawled by id, offline plans after, oldest
    correction first), which a stable sort kept among full ties."""
    return (*_sort_key(d), d.document_id < 0, abs(d.document_id))


def validate_year(year: int, runs: Sequence[Run]) -> None:
    """Plans are yearly; a year far outside what the runs could hold is a typo, not an empty answer."""
    latest = max(r.observed_on for r in runs)
    if year < 2000 or year > latest.year + 1:
        raise ReportError(f"year {year} is out of range: plans are looked for from 2000 to {latest.year + 1}")


def coverage(engine: Engine, year: int, *, kind: str = "propaganda_plan", level: str | None = None,
             province: str | None = None, organ: str = "government", as_of: str | dt.date | None = None,
             as_units: str = "historical", runs: Sequence[Run] | None = None,
             units: Sequence[UnitInfo] | None = None, portals: Collection[str] | None = None) -> CoverageResult:
    """One row per unit: found or not, and the evidence for it (see module docstring).

    `portals` (with `units` of those portals) narrows the documents read to those portals' own plans
    and the corrected documents (which may be linked to any unit): `reports.diff` asks only about
    the portals whose documents moved between two runs."""
    if kind not in KINDS:
        raise ReportError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    if organ not in ORGANS:
        raise ReportError(f"unknown organ {organ!r}: choose one of {', '.join(ORGANS)}")
    runs = list(runs) if runs is not None else load_runs(engine)
    validate_year(year, runs)
    day = parse_day(as_of, "--as-of") if isinstance(as_of, str) else as_of
    run = run_as_of(runs, day, "--as-of") if day is not None else runs[-1]
    units = list(units) if units is not None else load_units(engine, level=level, province=province, as_units=as_units)
    known = snapshot_runs(runs, as_of=day)
    corrected = corrected_urls(engine)
    v = DocumentVersion
    # the year's plans: chosen per unit by the database, but for corrected documents (`coverage_pick`)
    candidates = select(v.document_id).where(v.category == kind, v.plan_year == year)
    # period plans (plan_year null), corrected documents and offline plans: few, read and chosen here
    others = select(v.document_id).where(v.category == kind, v.plan_year.is_(None), v.plan_period.is_not(None))
    if portals is not None:
        candidates = candidates.join(Document, Document.id == v.document_id).where(
            Document.portal_id.in_(sorted(portals)))
        others = others.join(Document, Document.id == v.document_id).where(Document.portal_id.in_(sorted(portals)))
    # the writers' choice (`storage.plan_choices`) answers "now"; `best_plans` checks it is current and
    # that `known` is every run
    picked = best_plans(engine, {r.id: r.observed_on for r in runs}, known, kind=kind, year=year, organ=organ,
                        candidates=candidates, corrected=corrected, summary=True, portals=portals)
    docs = load_documents(engine, runs, as_of=day, cchc_only=True, candidates=others)
    matches: dict[str, list[DocState]] = {}
    periods: dict[str, list[DocState]] = {}
    for d in docs:
        if d.removed_run is not None or d.category != kind or not organ_matches(d.organ, organ):
            continue
        if d.plan_year == year and (d.document_id < 0 or d.url in corrected):
            matches.setdefault(d.linked_portal or d.portal_id, []).append(d)
        elif d.plan_year is None and spans(d.plan_period, year):
            periods.setdefault(d.linked_portal or d.portal_id, []).append(d)
    rows: list[dict[str, Any]] = []
    nothing: tuple[DocState | None, int] = (None, 0)
    for u in units:
        found = matches.get(u.portal_id, [])
        in_sql, counted = picked.get(u.portal_id, nothing)
        # the first of the order (`min` keeps the first of equals, as the stable sort did); most units
        # have only the database's choice, or nothing
        best = min([*found, in_sql] if in_sql else found, key=_tie_key) if found else in_sql
        spanning = periods.get(u.portal_id)
        period = min(spanning, key=_sort_key) if spanning else None
        rows.append({
            "unit": u.unit, "portal": u.portal_id, "level": u.level, "province": u.province, "found": best is not None,
            "organ": best.organ if best else None, "doc_number": best.doc_number if best else None,
            "doc_date": best.doc_date if best else None, "published_at": best.published_at if best else None,
            "url": best.url if best else None,
            "first_seen_run": (best.first_seen_run or None) if best else None,
            "first_seen_on": best.first_seen_on if best and best.first_seen_run else None,
            "content_hash": (best.content_hash or None) if best else None, "title": best.title if best else None,
            "documents": len(found) + counted, "former_names": u.former_names,
            "corrections": sorted({c for d in found for c in d.corrections}) if found else [],
            # a plan for a period that spans the year: shown beside, never counted as the year's plan
            "period_plan": period.plan_period if period else None,
            "period_plan_number": period.doc_number if period else None,
            "period_plan_url": period.url if period else None,
        })
    return CoverageResult(year, kind, organ, day, run, rows, totals(rows))


def spans(period: str | None, year: int) -> bool:
    """Does a plan period "2021-2025" include `year`?"""
    if not period:
        return False
    first, _, last = period.partition("-")
    try:
        return int(first) <= year <= int(last)
    except ValueError:
        return False


def totals(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Units, found, missing and share found per (province, level), then per province, then overall."""
    groups: dict[tuple[str, str], list[bool]] = {}
    for r in rows:
        groups.setdefault((r["province"], r["level"]), []).append(r["found"])
        groups.setdefault((r["province"], "*"), []).append(r["found"])
        groups.setdefault(("*", "*"), []).append(r["found"])
    out: list[dict[str, Any]] = []
    for (prov, lv), flags in groups.items():
        n, f = len(flags), sum(flags)
        out.append({"province": "Tất cả" if prov == "*" else prov, "level": "tất cả" if lv == "*" else lv,
                    "units": n, "found": f, "missing": n - f, "found_pct": pct(f, n), "_key": (prov == "*", prov, lv == "*", lv)})
    from reports.labels import vn_sort_key

    out.sort(key=lambda r: (r["_key"][0], vn_sort_key(r["_key"][1])[:3], r["_key"][2], r["_key"][3]))
    for r in out:
        del r["_key"]
    return out
