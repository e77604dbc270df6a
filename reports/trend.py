"""Trend: the TTHC widget series of one unit or a whole province, and plans found per month.

One point per run that read the widget (``--by run``), or the last reading of each month
(``--by month``: the figures are cumulative for the year to the month the widget names, so the last
reading of a month is that month's figure). A province's series sums dossiers over its portals that
report counts; its on-time rate is recomputed from the sums, never averaged.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, Select, Text, and_, false, func, select, type_coerce

from core.vntext import fold
from reports.base import ReportError, Run, UnitInfo, load_runs, load_units, plan_candidates, stream_documents
from reports.formatting import Column, Table, pct

POINT_KEYS = ("portal", "unit", "run", "observed_on", "period", "total", "on_time", "late", "on_time_rate",
              "late_rate", "updated_at", "source")
PLAN_KINDS = ("propaganda_plan", "plan")


def find_unit(units: Sequence[UnitInfo], query: str) -> UnitInfo:
    """A unit by portal id or by name (diacritics-insensitive); unknown or ambiguous is an error."""
    by_id = {u.portal_id: u for u in units}
    if query in by_id:
        return by_id[query]
    key = fold(query)
    exact = [u for u in units if fold(u.unit) == key or fold(u.name) == key]
    if len(exact) == 1:
        return exact[0]
    partial = exact or [u for u in units if key in fold(u.unit) or key in fold(u.name)]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise ReportError(f"unknown unit {query!r}: give a registry portal id or the unit's name (see `cchc export portals`)")
    raise ReportError(f"unit {query!r} is ambiguous: " + ", ".join(f"{u.portal_id} ({u.unit})" for u in partial[:8]))


def _rate(on_time: int | None, total: int | None, stored: float | None) -> float | None:
    if stored is not None:
        return round(stored, 2)
    return pct(on_time, total) if on_time is not None and total else None


def widget_points(engine: Engine, runs: Sequence[Run], portals: Sequence[str], *, monthly: bool = False,
                  every_registry_portal: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Readings per portal, one per run, oldest first; with `monthly`, only each portal's last reading of
    each observed month (chosen by the database, so a year of daily readings is not read to keep 12).
    `every_registry_portal`: `portals` are all of them, filtered in SQL by a join (`_portals_in`)."""
    from storage.models import CrawlRun, WidgetReading

    observed = {r.id: r.observed_on for r in runs}
    out: dict[str, list[dict[str, Any]]] = {p: [] for p in portals}
    w = WidgetReading
    # the columns a point shows, not whole rows: the url and the fetch instant (a time-zone conversion
    # a row) of a year of daily readings were read for nothing
    # On SQLite the issues are read as their JSON text and decoded here, only when present: SQLAlchemy's
    # JSON result processing took 0.4 s of a province's year (71,000 readings), most of them empty
    as_text = engine.dialect.name == "sqlite"
    issues_column = type_coerce(w.issues, Text) if as_text else w.issues
    query = (select(w.portal_id, w.run_id, w.period, w.total, w.on_time, w.late, w.on_time_rate, w.late_rate,
                    w.updated_at, w.source, issues_column)
             .where(_portals_in(w.portal_id, portals, every_registry_portal)))
    if monthly:
        month = func.extract("year", CrawlRun.observed_on) * 100 + func.extract("month", CrawlRun.observed_on)
        last = (select(w.portal_id, func.max(w.run_id).label("run_id"))
                .join(CrawlRun, CrawlRun.id == w.run_id)
                .where(_portals_in(w.portal_id, portals, every_registry_portal), _known(w.run_id, observed))
                .group_by(w.portal_id, month).subquery("last"))
        query = query.join(last, and_(last.c.portal_id == w.portal_id, last.c.run_id == w.run_id))
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(w.portal_id, w.run_id).execution_options(yield_per=5000))
        for portal_id, run_id, period, total, on_time, late, on_time_rate, late_rate, updated_at, source, issues in rows:
            if run_id not in observed:
                continue
            if as_text and issues is not None:
                issues = json.loads(issues)
            late_rate = round(late_rate, 2) if late_rate is not None else (pct(late, total) if late is not None and total else None)
            out[portal_id].append({
                "run": run_id, "observed_on": observed[run_id], "period": period, "total": total,
                "on_time": on_time, "late": late, "on_time_rate": _rate(on_time, total, on_time_rate),
                "late_rate": late_rate, "updated_at": updated_at, "source": source, "issues": issues or [],
            })
    return out


def _scope(portals: Sequence[str], every_registry_portal: bool) -> Sequence[str] | Select[Any]:
    """`portals` as a list of ids or, when they are every registry portal, as a subquery of the
    registry. Why: the trend of every unit sent 15,000 ids as one IN list, which PostgreSQL checked
    against each of a year's 3 million readings (9.5 s of the monthly trend); `trend` asks for the
    subquery on PostgreSQL only (SQLite indexes the list itself and planned the subquery worse)."""
    if every_registry_portal:
        from storage.models import Portal

        return select(Portal.id).where(Portal.in_registry.is_(True))
    return list(portals)


def _portals_in(column: Any, portals: Sequence[str], every_registry_portal: bool) -> Any:
    """`column` is one of `portals` (`_scope`)."""
    return column.in_(_scope(portals, every_registry_portal))


def _known(column: Any, observed: dict[int, Any]) -> Any:
    """`column` is one of the runs a report knows (a range: runs are read whole, oldest first)."""
    return column.between(min(observed), max(observed)) if observed else false()


def combined_points(engine: Engine, runs: Sequence[Run], portals: Sequence[str], *,
                    every_registry_portal: bool = False) -> list[dict[str, Any]]:
    """The portals' summed series: per run, the readings that report counts, summed by the database
    (dossiers, on time, late), the rates recomputed from the sums."""
    from storage.models import WidgetReading

    observed = {r.id: r.observed_on for r in runs}
    w = WidgetReading
    query = (select(w.run_id, func.count(), func.sum(w.total), func.sum(func.coalesce(w.on_time, 0)),
                    func.sum(func.coalesce(w.late, 0)))
             .where(_portals_in(w.portal_id, portals, every_registry_portal), w.total.is_not(None),
                    _known(w.run_id, observed))
             .group_by(w.run_id).order_by(w.run_id))
    out: list[dict[str, Any]] = []
    with engine.connect() as conn:
        for run_id, n, total, on_time, late in conn.execute(query):
            if run_id not in observed:
                continue
            total, on_time, late = int(total or 0), int(on_time or 0), int(late or 0)
            out.append({"run": run_id, "observed_on": observed[run_id], "portals": n, "total": total,
                        "on_time": on_time, "late": late, "on_time_rate": pct(on_time, total),
                        "late_rate": pct(late, total)})
    return out


def by_month(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last reading of each observed month."""
    last: dict[str, dict[str, Any]] = {}
    for p in points:
        last[p["observed_on"].strftime("%Y-%m")] = p
    return [dict(p, month=m) for m, p in sorted(last.items())]


def trend(engine: Engine, *, unit: str | None = None, province: str | None = None, level: str | None = None,
          by: str = "run", runs: Sequence[Run] | None = None, as_units: str = "historical") -> dict[str, Any]:
    """Series for one unit (``unit``) or every unit of a province (and the province's summed series)."""
    if by not in ("run", "month"):
        raise ReportError(f"unknown --by {by!r}: choose run or month")
    runs = list(runs) if runs is not None else load_runs(engine)
    units = load_units(engine, province=province, level=level, as_units=as_units)
    if unit is not None:
        units = [find_unit(units, unit)]
    portals = [u.portal_id for u in units]
    # every unit of the registry (no filter) on PostgreSQL: the database joins the registry instead of
    # checking 15,000 bound ids against each reading (9.5 s of the monthly trend there); SQLite turns
    # the list into an index of its own and planned the subquery worse (combined sums 10 s instead of 1)
    every = unit is None and province is None and level is None and engine.dialect.name == "postgresql"
    points = widget_points(engine, runs, portals, monthly=by == "month", every_registry_portal=every)
    series: list[dict[str, Any]] = []
    for u in units:
        pts = points[u.portal_id]
        if by == "month":
            pts = by_month(pts)
        series.append({"portal": u.portal_id, "unit": u.unit, "level": u.level, "province": u.province, "points": pts})
    combined: list[dict[str, Any]] = []
    if unit is None:
        combined = combined_points(engine, runs, portals, every_registry_portal=every)
        if by == "month":
            combined = by_month(combined)
    plans = plans_per_month(engine, runs, portals, every_registry_portal=every)
    return {"scope": {"unit": units[0].portal_id if unit else None, "province": province, "level": level, "by": by},
            "runs": [{"run": r.id, "observed_on": r.observed_on} for r in runs],
            "series": series, "combined": combined, "plans_per_month": plans}


def plans_per_month(engine: Engine, runs: Sequence[Run], portals: Sequence[str], *,
                    every_registry_portal: bool = False) -> list[dict[str, Any]]:
    """Plans (`PLAN_KINDS`, CCHC, not removed) of the portals by the month they were published (else
    issued), each plan once: one published as an article and listed in the register is one plan (the
    same unit, kind and number, else URL), counted by the first of them in URL order.

    The documents are streamed (`stream_documents`) and only each plan's first URL and month kept: the
    trend of every unit read every plan of the country into memory to sort them (+276 MB at 15,000
    portals over a year)."""
    scope = _scope(portals, every_registry_portal)
    first: dict[tuple[Any, ...], tuple[str, int, str | None]] = {}  # key -> (url, arrival, month)
    for n, d in enumerate(stream_documents(engine, runs, candidates=plan_candidates(PLAN_KINDS), portals=scope)):
        if not d.is_cchc or d.category not in PLAN_KINDS or d.removed_run is not None:
            continue
        key = (d.linked_portal or d.portal_id, d.category, d.doc_number or d.url)
        held = first.get(key)
        if held is None or (d.url, n) < held[:2]:
            day = d.published_on or d.doc_date
            first[key] = (d.url, n, day.strftime("%Y-%m") if day is not None else None)
    months: dict[str, dict[str, int]] = {}
    for (_, category, _), (_, _, month) in first.items():
        if month is not None:
            months.setdefault(month, {"propaganda_plan": 0, "plan": 0})[category] += 1
    return [{"month": m, **c, "total": sum(c.values())} for m, c in sorted(months.items())]


def flat_points(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per point (CSV/xlsx), keys `POINT_KEYS` (a province's year is ~70,000 of them)."""
    rest = POINT_KEYS[2:]
    return [{"portal": s["portal"], "unit": s["unit"], **dict(zip(rest, map(p.get, rest)))}
            for s in result["series"] for p in s["points"]]


def tables(result: dict[str, Any], points: list[dict[str, Any]] | None = None) -> list[Table]:
    """The tables people read; `points` is `flat_points(result)` when the caller has it already."""
    cols = [Column("unit", "Đơn vị"), Column("run", "Lần quét", "int"), Column("observed_on", "Ngày", "date"),
            Column("period", "Kỳ"), Column("total", "Hồ sơ", "int"), Column("on_time", "Đúng hạn", "int"),
            Column("late", "Trễ hạn", "int"), Column("on_time_rate", "Tỷ lệ đúng hạn", "pct"),
            Column("updated_at", "Cập nhật lúc")]
    out = [Table("Kết quả giải quyết TTHC theo lần quét", cols, flat_points(result) if points is None else points)]
    if result["combined"]:
        ccols = [Column("run", "Lần quét", "int"), Column("observed_on", "Ngày", "date"),
                 Column("portals", "Số cổng", "int"), Column("total", "Hồ sơ", "int"),
                 Column("late", "Trễ hạn", "int"), Column("on_time_rate", "Tỷ lệ đúng hạn", "pct")]
        out.append(Table("Cộng dồn", ccols, result["combined"]))
    pcols = [Column("month", "Tháng"), Column("propaganda_plan", "KH tuyên truyền", "int"),
             Column("plan", "KH CCHC", "int"), Column("total", "Tổng", "int")]
    out.append(Table("Kế hoạch theo tháng đăng", pcols, result["plans_per_month"]))
    return out


