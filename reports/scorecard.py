"""Scorecard: one province's units laid out the way its Home Affairs staff score CCHC propaganda and
one-door results, ready to paste into their scoring sheet (PAR-index / 766 working sheets).

Why a report of its own rather than a compliance export: the scoring sheet has units down the side,
grouped by level (the province, its departments, districts, communes/wards) in Vietnamese order, and
across the few facts a score needs — plan found (Có/Không), its number and issue date, whether it was
issued on time against the deadline, which sections it has, the one-door widget's on-time rate and late
count, and the link that is the evidence — with a totals row. Every figure comes from the compliance
report (which builds on coverage), so the scorecard never disagrees with them: it is a layout, not a
second computation.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine

from reports import labels
from reports.base import LEVELS, ReportError
from reports.formatting import Column, Table, current_lang, pct

#: machine keys (JSON, CSV) in column order
ROW_KEYS = (
    "stt", "unit", "portal", "level", "plan_found", "doc_number", "doc_date", "deadline", "plan_on_time", "status",
    "sections_present", "sections_missing", "widget_on_time_rate", "widget_total", "widget_late", "url",
)
COLUMNS = [
    Column("stt", "STT", "int"), Column("unit", "Đơn vị"), Column("level", "Cấp"), Column("plan_found", "Có KH", "bool"),
    Column("doc_number", "Số/Ký hiệu"), Column("doc_date", "Ngày ban hành", "date"), Column("deadline", "Hạn", "date"),
    Column("plan_on_time", "Đúng hạn", "bool"), Column("sections_present", "Mục có"),
    Column("widget_on_time_rate", "Tỷ lệ đúng hạn", "pct"), Column("widget_late", "Trễ hạn", "int"),
    Column("url", "Minh chứng"),
]
_ON_TIME = {"on_time": True, "late": False, "missing_past_deadline": False}


def _row(n: int, r: dict[str, Any]) -> dict[str, Any]:
    return {
        "stt": n, "unit": r["unit"], "portal": r["portal"], "level": r["level"], "plan_found": r["found"],
        "doc_number": r["doc_number"], "doc_date": r["doc_date"] or r["judged_on"], "deadline": r["deadline"],
        "plan_on_time": _ON_TIME.get(r["status"]), "status": r["status"],
        "sections_present": r["sections_present"], "sections_missing": r["sections_missing"],
        "widget_on_time_rate": r["widget_on_time_rate"], "widget_total": r["widget_total"],
        "widget_late": r["widget_late"], "url": r["url"],
    }


def totals(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Units, plans found, plans on time, and the widgets' dossiers: the on-time rate is recomputed
    from the summed dossiers ((processed − late) / processed over the units whose widget gives both),
    as the trend report's combined series does, never an average of rates."""
    with_counts = [r for r in rows if r["widget_total"] is not None and r["widget_late"] is not None]
    total = sum(r["widget_total"] for r in with_counts)
    late = sum(r["widget_late"] for r in with_counts)
    return {
        "stt": None, "units": len(rows), "unit": None, "portal": None, "level": None,
        "plan_found": sum(1 for r in rows if r["plan_found"]), "doc_number": None, "doc_date": None,
        "deadline": None, "plan_on_time": sum(1 for r in rows if r["plan_on_time"] is True), "status": None,
        "sections_present": None, "sections_missing": None, "widget_on_time_rate": pct(total - late, total),
        "widget_total": total if with_counts else None, "widget_late": late if with_counts else None, "url": None,
    }


def scorecard(engine: Engine, province: str, year: int, *, kind: str = "propaganda_plan", as_of: str | None = None,
              config_path: str | None = None) -> dict[str, Any]:
    """The scorecard of `province` for `year` (see the module docstring); keys: province, year, kind,
    run, observed_on, rows (ROW_KEYS), totals (ROW_KEYS with `units`: counts and the recomputed rate)."""
    from reports.compliance import compliance

    if not province:
        raise ReportError("the scorecard is per province: give --province")
    result = compliance(engine, year, kind=kind, province=province, as_of=as_of, config_path=config_path)
    order = {lv: i for i, lv in enumerate(LEVELS)}
    ordered = sorted(result["rows"], key=lambda r: (order.get(r["level"], 9), labels.vn_sort_key(r["unit"]), r["portal"]))
    rows = [_row(i, r) for i, r in enumerate(ordered, 1)]
    shown_province = ordered[0]["province"] if ordered else province
    return {"province": shown_province, "year": year, "kind": kind, "run": result["run"],
            "observed_on": result["observed_on"], "rows": rows, "totals": totals(rows)}


def table(result: dict[str, Any]) -> Table:
    """The scorecard as people read it (in the command's --lang), the totals row last."""
    lang = current_lang()
    title = labels.text("scorecard_title", lang, province=result["province"], year=result["year"],
                        kind=labels.label("category", result["kind"], lang), run=result["run"],
                        day=f"{result['observed_on']:%d/%m/%Y}")
    total = dict(result["totals"], unit=labels.text("total_units", lang, n=result["totals"]["units"]))
    return Table(title, COLUMNS, [*result["rows"], total], part="scorecard")
