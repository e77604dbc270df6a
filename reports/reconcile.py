"""Reconcile: each province's own one-door figures beside the national 766 index, and the
disagreements that deserve a look.

Two sources speak about the same thing — how promptly a province's dossiers are handled — and they
often disagree: a portal's "Kết quả giải quyết TTHC" widget says 99 % on time while the national
index ranks the province low on "Tiến độ giải quyết" (TDGQ). Neither is wrong by definition (different
systems, periods, scopes), but the gap is what an inspector asks about first. So, per registry province:

- **Widget figures** (aggregated in SQL): every registry unit whose root ancestor is the province's
  portal (so a pre-2025 Hải Dương commune under p-haiphong counts for Hải Phòng), each by its latest
  widget reading in a run observed in the year; dossiers and late counts summed over the units whose
  widget gives both, the on-time rate recomputed from those sums ((processed − late) / processed, never
  an average of rates). Units that publish only a rate (the one-door iframe: "đã giải quyết 99,5 %")
  are counted apart, with the lowest such rate (`widget_rate_published`); it stands in for the rate
  only when no unit of the province gives counts.
- **Index figures**: the province's latest reading of the year (a province absent from the index on
  the last run keeps the reading of the run that last had it, with that run's date beside it).
- Where a source is silent the cell is blank (None), never 0, and no flag is raised on a blank.

**The flag rule** (constants below, documented in README):
- `widget_high_index_low`: the widget's on-time rate is ≥ 95 % while the province's TDGQ is in the
  bottom quartile of the TDGQ scores of every province the index lists (each by its latest reading of
  the year; ≤ the first quartile, inclusive method) — the portal reports near-perfect handling, the national index puts it among the slowest;
- `widget_low_index_high`: the widget's on-time rate is < 95 % while TDGQ is in the top quartile
  (≥ the third quartile) — the portal's own figures are worse than the index says.
Quartiles, not TDGQ's maximum points, because the index's scale is the portal's to change and a rank
among provinces is what a reader compares; with fewer than four TDGQ scores there are no quartiles
and no flag (a note says so).
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, and_, case, exists, func, inspect, literal, not_, or_, select

from crawler.registry import province_key
from reports import labels
from reports.base import ReportError, load_runs
from reports.formatting import Column, Table, current_lang, pct
from storage.models import CrawlRun, Portal, WidgetReading

#: a widget on-time rate at or above this is "near-perfect" (percent)
HIGH_ON_TIME = 95.0
#: the index component compared with the widget's on-time rate
COMPARED = "tdgq"
INDEX_KEYS = ("ckmb", "tdgq", "tttt", "clgq", "mdhl", "mdsh")
FLAGS = ("widget_high_index_low", "widget_low_index_high")
ROW_KEYS = (
    "province", "portal", "widget_units", "widget_total", "widget_late", "widget_on_time_rate",
    "widget_rate_only_units", "widget_rate_published", "widget_as_of",
    "index_rank", *INDEX_KEYS, "index_total", "index_observed_on", "index_run", "tdgq_quartile", "flag",
)
COLUMNS = [
    Column("province", "Tỉnh"), Column("widget_units", "Cổng có widget", "int"),
    Column("widget_total", "Hồ sơ", "int"), Column("widget_late", "Trễ hạn", "int"),
    Column("widget_on_time_rate", "Tỷ lệ đúng hạn", "pct"), Column("widget_rate_published", "Tỷ lệ công bố", "pct"),
    Column("index_rank", "Hạng", "int"), *(Column(k, k.upper(), "number") for k in INDEX_KEYS),
    Column("index_total", "Tổng điểm", "number"), Column("index_observed_on", "Ngày chỉ số", "date"),
    Column("tdgq_quartile", "Nhóm TDGQ"), Column("flag", "Cần xem"),
]


def validate_year(year: int, runs: Sequence[Any]) -> None:
    """A year no run could hold figures for is a typo, not an empty answer."""
    first, latest = min(r.observed_on for r in runs), max(r.observed_on for r in runs)
    if year < first.year or year > latest.year:
        raise ReportError(f"year {year} is out of range: the runs hold figures from {first.year} to {latest.year}")


def _province_rows(engine: Engine) -> list[tuple[str, str]]:
    """(portal id, province) of every registry province portal."""
    with engine.connect() as conn:
        rows = conn.execute(select(Portal.id, Portal.province).where(
            Portal.in_registry.is_(True), Portal.level == "province").order_by(Portal.id)).all()
    return [(pid, prov or "") for pid, prov in rows]


def widget_totals(engine: Engine, year: int) -> dict[str, dict[str, Any]]:
    """Per root province portal id: the year's widget figures of its units, aggregated in SQL."""
    p = Portal.__table__
    start = select(p.c.id.label("portal_id"), p.c.id.label("ancestor"), p.c.parent.label("up"),
                   literal(0).label("depth")).where(p.c.in_registry.is_(True)).cte("chain", recursive=True)
    step = (select(start.c.portal_id, p.c.id, p.c.parent, start.c.depth + 1)
            .join(p, p.c.id == start.c.up).where(start.c.depth < 32))
    chain = start.union_all(step)
    has_up = exists(select(p.c.id).where(p.c.id == chain.c.up))
    roots = (select(chain.c.portal_id, chain.c.ancestor.label("root"))
             .where(or_(chain.c.up.is_(None), not_(has_up))).subquery("roots"))
    wr, cr = WidgetReading.__table__, CrawlRun.__table__
    latest = (select(wr.c.portal_id, func.max(wr.c.run_id).label("run_id"))
              .join(cr, cr.c.id == wr.c.run_id)
              .where(cr.c.observed_on >= dt.date(year, 1, 1), cr.c.observed_on <= dt.date(year, 12, 31))
              .group_by(wr.c.portal_id).subquery("latest"))
    counts = and_(wr.c.total.is_not(None), wr.c.late.is_not(None), wr.c.total > 0)
    rate_only = and_(not_(counts), wr.c.on_time_rate.is_not(None))
    stmt = (select(roots.c.root,
                   func.count().label("units"),
                   func.sum(case((counts, 1), else_=0)).label("count_units"),
                   func.sum(case((counts, wr.c.total))).label("total"),
                   func.sum(case((counts, wr.c.late))).label("late"),
                   func.sum(case((rate_only, 1), else_=0)).label("rate_only_units"),
                   func.min(case((rate_only, wr.c.on_time_rate))).label("rate_published"),
                   func.max(cr.c.observed_on).label("as_of"))
            .select_from(wr)
            .join(latest, and_(latest.c.portal_id == wr.c.portal_id, latest.c.run_id == wr.c.run_id))
            .join(cr, cr.c.id == wr.c.run_id)
            .join(roots, roots.c.portal_id == wr.c.portal_id)
            .group_by(roots.c.root))
    out: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        for root, units, count_units, total, late, rate_only_units, rate_published, as_of in conn.execute(stmt):
            out[root] = {
                "widget_units": int(units), "widget_total": int(total) if count_units else None,
                "widget_late": int(late) if count_units else None,
                "widget_on_time_rate": pct(int(total) - int(late), int(total)) if count_units else None,
                "widget_rate_only_units": int(rate_only_units or 0),
                "widget_rate_published": float(rate_published) if rate_published is not None else None,
                "widget_as_of": as_of if isinstance(as_of, dt.date) or as_of is None else dt.date.fromisoformat(str(as_of)[:10]),
            }
    return out


def index_readings(engine: Engine, year: int) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Per province key: the latest index reading of the year; and notes on failed reads."""
    if not inspect(engine).has_table("index766_readings"):
        return {}, ["the database has no national index tables yet: run `cchc db upgrade`, then a crawl"]
    from storage.index_models import Index766Fetch, Index766Reading

    ir, cr = Index766Reading.__table__, CrawlRun.__table__
    latest = (select(ir.c.province_key, func.max(ir.c.run_id).label("run_id"))
              .where(ir.c.year == year).group_by(ir.c.province_key).subquery("latest"))
    stmt = (select(ir, cr.c.observed_on)
            .join(latest, and_(latest.c.province_key == ir.c.province_key, latest.c.run_id == ir.c.run_id))
            .join(cr, cr.c.id == ir.c.run_id)
            .where(ir.c.year == year).order_by(ir.c.province_key, ir.c.source_id))
    out: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    with engine.connect() as conn:
        for row in conn.execute(stmt).mappings():
            out.setdefault(row["province_key"], dict(row))
        last = conn.execute(select(Index766Fetch.source_id, Index766Fetch.run_id, Index766Fetch.error)
                            .where(Index766Fetch.year == year)
                            .order_by(Index766Fetch.run_id.desc(), Index766Fetch.source_id)).first()
        if last is None:
            notes.append(f"no run has read the national index for {year}")
        elif last.error:
            notes.append(f"the last read of {last.source_id} (run {last.run_id}) failed: {last.error}")
    return out, notes


def quartiles(values: Sequence[float]) -> tuple[float, float] | None:
    """(first, third) quartile, inclusive method; None with fewer than four values."""
    if len(values) < 4:
        return None
    q = statistics.quantiles(sorted(values), n=4, method="inclusive")
    return round(q[0], 4), round(q[2], 4)


def flag_of(rate: float | None, position: str | None) -> str | None:
    """The rule (module docstring): a flag only where both sources speak."""
    if rate is None or position is None:
        return None
    if rate >= HIGH_ON_TIME and position == "bottom":
        return "widget_high_index_low"
    if rate < HIGH_ON_TIME and position == "top":
        return "widget_low_index_high"
    return None


def reconcile(engine: Engine, year: int) -> dict[str, Any]:
    """Every registry province with its widget figures, its index scores and its flag (see module doc)."""
    runs = load_runs(engine)
    validate_year(year, runs)
    provinces = _province_rows(engine)
    if not provinces:
        raise ReportError("the database holds no registry province portal: run `cchc crawl` first")
    widgets = widget_totals(engine, year)
    index, notes = index_readings(engine, year)
    rows: list[dict[str, Any]] = []
    for pid, name in provinces:
        w = widgets.get(pid, {})
        i = index.get(province_key(name))
        row: dict[str, Any] = {
            "province": name, "portal": pid,
            "widget_units": w.get("widget_units", 0), "widget_total": w.get("widget_total"),
            "widget_late": w.get("widget_late"), "widget_on_time_rate": w.get("widget_on_time_rate"),
            "widget_rate_only_units": w.get("widget_rate_only_units", 0),
            "widget_rate_published": w.get("widget_rate_published"), "widget_as_of": w.get("widget_as_of"),
            "index_rank": i["rank"] if i else None, **{k: (i[k] if i else None) for k in INDEX_KEYS},
            "index_total": i["total"] if i else None, "index_observed_on": i["observed_on"] if i else None,
            "index_run": i["run_id"] if i else None, "tdgq_quartile": None, "flag": None,
        }
        rows.append(row)
    # quartiles among every province the index lists (a national ranking), not only the registry's
    q = quartiles([i[COMPARED] for i in index.values() if i[COMPARED] is not None])
    if q is None:
        notes.append("fewer than four provinces have a TDGQ score: no quartiles, no flag")
    for r in rows:
        if q is not None and r[COMPARED] is not None:
            r["tdgq_quartile"] = "bottom" if r[COMPARED] <= q[0] else "top" if r[COMPARED] >= q[1] else "middle"
        rate = r["widget_on_time_rate"] if r["widget_on_time_rate"] is not None else r["widget_rate_published"]
        r["flag"] = flag_of(rate, r["tdgq_quartile"])
    rows.sort(key=lambda r: (labels.vn_sort_key(r["province"])[:3], r["portal"]))
    missing = [r["province"] for r in rows if r["index_total"] is None and r[COMPARED] is None]
    if missing and index:
        notes.append(f"the index has no figures for: {', '.join(missing)}")
    return {
        "year": year, "rule": {"high_on_time": HIGH_ON_TIME, "compared": COMPARED,
                               "q1": q[0] if q else None, "q3": q[1] if q else None},
        "rows": rows, "flagged": sum(1 for r in rows if r["flag"]), "notes": notes,
    }


def table(result: dict[str, Any]) -> Table:
    """The table people read (in the command's --lang), the rule and the notes under it."""
    lang = current_lang()
    rule = result["rule"]
    title = labels.text("reconcile_title", lang, year=result["year"], flagged=result["flagged"], n=len(result["rows"]))
    notes = [labels.text("reconcile_rule", lang, high=f"{rule['high_on_time']:g}",
                         q1="–" if rule["q1"] is None else f"{rule['q1']:.2f}".replace(".", ","),
                         q3="–" if rule["q3"] is None else f"{rule['q3']:.2f}".replace(".", ","))]
    notes.extend(result["notes"])
    return Table(title, COLUMNS, result["rows"], notes=notes, part="reconcile")
