"""The widget trends the HTML report draws, read as aggregates in SQL: one row per unit per time bucket
(per run while there are few runs, else the last reading of each month, chosen with a window
function), never every reading; and a province's combined series.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Select, and_, extract, func, select

from reports.base import Run
from reports.formatting import pct
from reports.htmlkit import Fmt
from storage.models import CrawlRun, WidgetReading

#: Runs up to this many are drawn one point per run; more are drawn as the last reading of each month
#: (the widget's figures are cumulative for the year to its month, so that reading is the month's).
MAX_RUN_POINTS = 31


# --- widget trends: aggregates in SQL ------------------------------------------------------------------

@dataclass
class Bucket:
    """One point of the shared time axis: a run, or a month."""

    key: str
    label: str
    title: str


@dataclass
class Point:
    """A unit's (or a province's) reading for one bucket."""

    bucket: str
    run: int
    total: int | None
    on_time: int | None
    late: int | None
    rate: float | None


@dataclass
class Trends:
    """Per unit, its points on the shared axis; `by` is "run" or "month"."""

    by: str
    buckets: list[Bucket]
    points: dict[str, list[Point]] = field(default_factory=dict)


def _rate(on_time: int | None, total: int | None, stored: float | None) -> float | None:
    """The same rule as `cchc report trend`: the widget's own rate, else on time / processed."""
    if stored is not None:
        return round(stored, 2)
    return pct(on_time, total) if on_time is not None and total else None


def _month_ranges(runs: Sequence[Run]) -> list[tuple[int, int, int]] | None:
    """(yyyymm, first run id, last run id) per observed month, when each month's runs are one unbroken
    range of ids (the normal case: runs are numbered in the order they observe days); else None."""
    out: list[tuple[int, int, int]] = []
    for r in sorted(runs, key=lambda r: r.id):
        key = r.observed_on.year * 100 + r.observed_on.month
        if out and out[-1][0] == key:
            out[-1] = (key, out[-1][1], r.id)
        elif any(m == key for m, _, _ in out):
            return None
        else:
            out.append((key, r.id, r.id))
    return out


def load_trends(engine: Engine, runs: Sequence[Run], portals: Sequence[str], fmt: Fmt) -> Trends:
    """Widget readings aggregated in SQL to one row per portal per bucket.

    Few runs (≤ MAX_RUN_POINTS): every reading (a portal reads at most once per run). More: the last
    reading of each observed month per portal — the figures are cumulative for the year, so that
    reading is the month's figure, as `trend --by month`. When each month's runs are one range of ids
    (the normal case) it is one GROUP BY portal with MAX(run_id) per month over that range of the
    (run_id, portal_id) index, joined back to the reading; otherwise ROW_NUMBER() over (portal, month).
    Either way only portals × buckets rows leave the database.
    """
    wanted = set(portals)
    observed = {r.id: r.observed_on for r in runs}
    by = "run" if len(runs) <= MAX_RUN_POINTS else "month"
    cols = (WidgetReading.portal_id, WidgetReading.run_id, WidgetReading.total, WidgetReading.on_time,
            WidgetReading.late, WidgetReading.on_time_rate)
    ranges = _month_ranges(runs) if by == "month" else None
    stmts: list[Select[*tuple[Any, ...]]]
    if by == "run":
        stmts = [select(*cols).where(WidgetReading.run_id <= runs[-1].id)
                 .order_by(WidgetReading.portal_id, WidgetReading.run_id)]
    elif ranges is not None:
        # one aggregate per month over that month's range of the (run_id, portal_id) index: the last
        # run that read each portal (GROUP BY, MAX), joined back to its reading by the unique index
        stmts = []
        for _key, first, last in ranges:
            latest = (select(WidgetReading.portal_id.label("pid"), func.max(WidgetReading.run_id).label("rid"))
                      .where(WidgetReading.run_id >= first, WidgetReading.run_id <= last)
                      .group_by(WidgetReading.portal_id).subquery())
            stmts.append(select(*cols).join(latest, and_(WidgetReading.portal_id == latest.c.pid,
                                                         WidgetReading.run_id == latest.c.rid)))
    else:
        month = (extract("year", CrawlRun.observed_on) * 100 + extract("month", CrawlRun.observed_on)).label("month")
        ranked = (select(*cols, month, func.row_number().over(
                      partition_by=(WidgetReading.portal_id, month), order_by=WidgetReading.run_id.desc()).label("rn"))
                  .join(CrawlRun, CrawlRun.id == WidgetReading.run_id)
                  .where(WidgetReading.run_id <= runs[-1].id)).subquery()
        stmts = [select(ranked.c.portal_id, ranked.c.run_id, ranked.c.total, ranked.c.on_time, ranked.c.late,
                        ranked.c.on_time_rate).where(ranked.c.rn == 1)
                 .order_by(ranked.c.portal_id, ranked.c.run_id)]
    out = Trends(by, [])
    used: set[str] = set()
    with engine.connect() as conn:
        for one in stmts:
            for pid, run_id, total, on_time, late, stored in conn.execute(one):
                if pid not in wanted or run_id not in observed:
                    continue
                key = str(run_id) if by == "run" else observed[run_id].strftime("%Y-%m")
                used.add(key)
                out.points.setdefault(pid, []).append(Point(key, run_id, total, on_time, late,
                                                            _rate(on_time, total, stored)))
    for pts in out.points.values():
        pts.sort(key=lambda p: p.run)
    if by == "run":
        out.buckets = [Bucket(str(r.id), fmt.date(r.observed_on)[:5], fmt.t("run", run=r.id, day=fmt.date(r.observed_on)))
                       for r in runs]
    else:
        months_seen = sorted({r.observed_on.strftime("%Y-%m") for r in runs} | used)
        out.buckets = [Bucket(m, f"{m[5:]}/{m[2:4]}", f"{m[5:]}/{m[:4]}") for m in months_seen]
    return out


def _province_series(points: Sequence[Sequence[Point]], buckets: Sequence[Bucket]) -> list[Point]:
    """A province's line: dossiers summed over its units that report counts, rate recomputed from the sums
    (never an average of rates), as `trend`'s `combined`."""
    sums: dict[str, list[int]] = {}
    for pts in points:
        for p in pts:
            if p.total is None:
                continue
            s = sums.setdefault(p.bucket, [0, 0, 0, 0])
            s[0] += p.total
            s[1] += p.on_time or 0
            s[2] += p.late or 0
            s[3] = max(s[3], p.run)
    return [Point(b.key, sums[b.key][3], sums[b.key][0], sums[b.key][1], sums[b.key][2], pct(sums[b.key][1], sums[b.key][0]))
            for b in buckets if b.key in sums]
