"""Compliance: per unit and year, was the plan issued by the deadline, is it complete, does it cite its
superior's plan, and is the unit's TTHC widget present, fresh and consistent.

A deadline is only used when it is known (the configuration file, or a plan-issuing deadline stated
in the superior's plan; see reports/data/deadlines.yaml). The issue date judges it (the publication date
when the plan states no issue date). No deadline is invented: without one the status is
"no_deadline_known" with the days since the superior's plan.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import aliased

from core.vntext import fold
from reports.base import ReportError, Run, UnitInfo, load_runs, load_units, parse_day, run_as_of
from reports.coverage import coverage
from reports.formatting import Column, Table, pct

DEFAULT_CONFIG = Path(__file__).resolve().parent / "data" / "deadlines.yaml"
STATUSES = ("on_time", "late", "missing_past_deadline", "not_yet_due", "no_deadline_known")
#: Folded cues of a plan-issuing deadline ("xây dựng/ban hành kế hoạch … trước ngày").
PLAN_DEADLINE_CUES = ("xay dung ke hoach", "ban hanh ke hoach", "xay dung va ban hanh ke hoach")
ROW_KEYS = (
    "unit", "portal", "level", "province", "year", "kind", "found", "doc_number", "doc_date", "published_at",
    "judged_on", "judged_by", "deadline", "deadline_source", "status", "days_late", "superior_portal",
    "superior_doc_number", "superior_date", "days_since_superior_plan", "sections_present", "sections_missing",
    "cites_superior", "widget_present", "widget_period", "widget_updated_at", "widget_age_days", "widget_frozen",
    "widget_fresh", "widget_total", "widget_late", "widget_on_time_rate", "widget_problems", "url", "corrections",
)
COLUMNS = [
    Column("unit", "Đơn vị"), Column("found", "Có KH", "bool"), Column("doc_number", "Số/Ký hiệu"),
    Column("judged_on", "Ngày ban hành", "date"), Column("deadline", "Hạn", "date"), Column("status", "Đánh giá"),
    Column("days_since_superior_plan", "Ngày từ KH cấp trên", "int"), Column("sections_missing", "Thiếu mục"),
    Column("cites_superior", "Dẫn KH cấp trên", "bool"), Column("widget_fresh", "Widget cập nhật", "bool"),
    Column("widget_on_time_rate", "Đúng hạn", "pct"), Column("widget_late", "Trễ hạn", "int"),
    Column("widget_problems", "Vấn đề widget"),
]
STATUS_VI = {"on_time": "đúng hạn", "late": "trễ hạn", "missing_past_deadline": "chưa có, quá hạn",
             "not_yet_due": "chưa có, chưa đến hạn", "no_deadline_known": "chưa biết hạn"}


def load_config(path: str | Path | None = None, user: bool = True) -> dict[str, Any]:
    """The deadline configuration, validated (a bad file is a clear error, not a wrong report).

    With `user`, the deadlines the user imported (`cchc deadlines import`, reports/deadlines.py) are
    added over the bundled (or given) file's: on equal specificity the user's entry wins."""
    p = Path(path) if path else DEFAULT_CONFIG
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ReportError(f"cannot read the deadline configuration {p}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ReportError(f"the deadline configuration {p} is not valid YAML: {exc}") from None
    hint = "each needs province, level, year, kind, deadline (YYYY-MM-DD) and source"
    from reports.deadlines import deadline_entry

    entries = [deadline_entry(e, p, i, "bundled", hint, default_source=None)
               for i, e in enumerate(data.get("deadlines") or [], 1)]
    if user:
        from reports.deadlines import load_user_entries

        entries = load_user_entries() + entries  # first of equal specificity wins: the user's
    return {"deadlines": entries, "required_sections": data.get("required_sections") or {},
            "widget_fresh_days": int(data.get("widget_fresh_days", 3))}


def configured_deadline(config: dict[str, Any], unit: UnitInfo, year: int, kind: str) -> dict[str, Any] | None:
    best, best_score = None, -1
    for e in config["deadlines"]:
        if e["year"] != year or e["kind"] != kind:
            continue
        prov_ok = e["province"] == "*" or fold(e["province"]) == fold(unit.province)
        level_ok = e["level"] in ("*", unit.level)
        if prov_ok and level_ok:
            score = (e["province"] != "*") * 2 + (e["level"] != "*")
            if score > best_score:
                best, best_score = e, score
    return best


def stated_deadline(deadlines: Any, year: int) -> dt.date | None:
    """A plan-issuing deadline stated in a superior's plan, if it states one for that year."""
    for d in deadlines or []:
        text = fold(str(d.get("text", "")))
        if any(cue in text for cue in PLAN_DEADLINE_CUES) and "bao cao" not in text.split("truoc ngay")[0][-40:]:
            try:
                day = dt.date.fromisoformat(str(d.get("date"))[:10])
            except ValueError:
                continue
            if day.year in (year, year - 1):
                return day
    return None


def _superior(unit: UnitInfo, units: dict[str, UnitInfo], all_units: Sequence[UnitInfo],
              provinces: dict[str, UnitInfo] | None = None) -> UnitInfo | None:
    """The registry parent when it is a stored portal; otherwise the province portal of the same province
    (`provinces`, from `_province_portals`, saves scanning every unit for every unit)."""
    if unit.level == "province":
        return None
    if unit.parent and unit.parent in units:
        return units[unit.parent]
    return (provinces if provinces is not None else _province_portals(all_units)).get(fold(unit.province))


def _province_portals(all_units: Sequence[UnitInfo]) -> dict[str, UnitInfo]:
    """folded province -> its first province-level unit (built once: a scan per unit is quadratic,
    minutes at 15,000 portals)."""
    out: dict[str, UnitInfo] = {}
    for u in all_units:
        if u.level == "province":
            out.setdefault(fold(u.province), u)
    return out


def _widgets(engine: Engine, runs: Sequence[Run], upto: Run) -> dict[str, list[Any]]:
    """The last two readings per portal up to `upto` (the latest, and the one before it to tell a frozen
    widget): GROUP BY portal MAX(run_id) in SQL, the one before by an index seek per portal, then those
    readings fetched run by run — never every reading of every run (a year × 15,000 portals)."""
    from sqlalchemy import func

    from storage.models import WidgetReading

    before = aliased(WidgetReading)
    last = (select(WidgetReading.portal_id.label("pid"), func.max(WidgetReading.run_id).label("r1"))
            .where(WidgetReading.run_id <= upto.id).group_by(WidgetReading.portal_id).subquery())
    previous = (select(func.max(before.run_id)).where(before.portal_id == last.c.pid, before.run_id < last.c.r1)
                .scalar_subquery())
    rows: list[Any] = []
    with engine.connect() as conn:
        by_run: dict[int, list[str]] = {}
        for pid, r1, r2 in conn.execute(select(last.c.pid, last.c.r1, previous)):
            for run in (r1, r2):
                if run is not None:
                    by_run.setdefault(run, []).append(pid)
        # fetched run by run through the (run_id, portal_id) index: usually the last two runs hold them all
        for run, pids in by_run.items():
            for i in range(0, len(pids), 900):
                rows += conn.execute(select(WidgetReading).where(
                    WidgetReading.run_id == run, WidgetReading.portal_id.in_(pids[i:i + 900]))).all()
    rows.sort(key=lambda w: (w.portal_id, w.run_id))
    out: dict[str, list[Any]] = {}
    for w in rows:
        out.setdefault(w.portal_id, []).append(w)
    return out


def widget_problems(w: Any) -> list[str]:
    """Stored extraction issues plus the consistency rules: on time + late = processed; late rate = late/processed."""
    problems = [str(i) for i in (w.issues or [])]
    if w.total is not None and w.on_time is not None and w.late is not None and w.on_time + w.late != w.total:
        problems.append(f"on_time + late = {w.on_time + w.late} ≠ processed {w.total}")
    if w.late_rate is not None and w.late is not None and w.total:
        expected = 100.0 * w.late / w.total
        if abs(expected - w.late_rate) > 0.1:
            problems.append(f"late rate {w.late_rate:g}% ≠ late/processed {expected:.2f}%")
    return problems


def _citation_numbers(engine: Engine, version_ids: list[int]) -> dict[int, set[str]]:
    from storage.models import Citation

    if not version_ids:
        return {}
    with engine.connect() as conn:
        rows = conn.execute(select(Citation.version_id, Citation.number).where(Citation.version_id.in_(version_ids)))
        out: dict[int, set[str]] = {}
        for vid, number in rows:
            if number:
                out.setdefault(vid, set()).add(fold(number).replace(" ", ""))
        return out


def compliance(engine: Engine, year: int, *, kind: str = "propaganda_plan", level: str | None = None,
               province: str | None = None, as_of: str | None = None, config_path: str | None = None,
               fresh_days: int | None = None, runs: Sequence[Run] | None = None,
               as_units: str = "historical") -> dict[str, Any]:
    """One row per unit (see ROW_KEYS); the run the answer is as of."""
    config = load_config(config_path)
    fresh = fresh_days if fresh_days is not None else config["widget_fresh_days"]
    if fresh < 0:
        raise ReportError("--fresh-days must be 0 or more")
    runs = list(runs) if runs is not None else load_runs(engine)
    day = parse_day(as_of, "--as-of") if as_of else None
    run = run_as_of(runs, day, "--as-of") if day else runs[-1]
    runs_upto = [r for r in runs if r.id <= run.id]
    all_units = load_units(engine)
    # superiors are found among the units as registered; the rows name units as asked
    units = load_units(engine, level=level, province=province, as_units=as_units)
    by_id = {u.portal_id: u for u in all_units}
    provinces = _province_portals(all_units)
    cov = coverage(engine, year, kind=kind, runs=runs_upto, units=all_units)
    cov_by = {r["portal"]: r for r in cov.rows}
    # the chosen documents' versions (sections, deadlines, citations)
    from reports.base import load_documents, plan_candidates

    docs = {d.url: d for d in load_documents(engine, runs_upto, cchc_only=True, details=True,
                                             candidates=plan_candidates([kind], year))}
    chosen = {p: docs.get(r["url"]) for p, r in cov_by.items() if r["found"]}
    cites = _citation_numbers(engine, [d.version_id for d in chosen.values() if d is not None and d.version_id])
    widgets = _widgets(engine, runs, run)
    required = list(config["required_sections"].get(kind, []))
    rows = []
    for u in units:
        c = cov_by[u.portal_id]
        d = chosen.get(u.portal_id)
        judged_on, judged_by = None, None
        if c["found"]:
            if c["doc_date"]:
                judged_on, judged_by = c["doc_date"], "doc_date"
            elif c["published_at"]:
                judged_on, judged_by = dt.date.fromisoformat(c["published_at"][:10]), "published_at"
        sup = _superior(u, by_id, all_units, provinces)
        sc = cov_by.get(sup.portal_id) if sup else None
        sup_doc = chosen.get(sup.portal_id) if sup else None
        sup_date = None
        if sc and sc["found"]:
            sup_date = sc["doc_date"] or (dt.date.fromisoformat(sc["published_at"][:10]) if sc["published_at"] else None)
        deadline: dt.date | None = None
        source: str | None = None
        entry = configured_deadline(config, u, year, kind)
        if entry:
            deadline, source = entry["deadline"], f"configuration: {entry['source']}"
        elif sup_doc is not None and sc is not None:
            stated = stated_deadline(sup_doc.deadlines, year)
            if stated:
                deadline, source = stated, f"superior's plan {sc['doc_number'] or ''} ({sc['url']})".strip()
        if deadline is None:
            status = "no_deadline_known"
        elif judged_on is not None:
            status = "on_time" if judged_on <= deadline else "late"
        else:
            status = "missing_past_deadline" if run.observed_on > deadline else "not_yet_due"
        days_late: int | None = None
        if deadline is not None and judged_on is not None and status == "late":
            days_late = (judged_on - deadline).days
        elif deadline is not None and status == "missing_past_deadline":
            days_late = (run.observed_on - deadline).days
        present = [s.get("name") for s in (d.sections or [])] if d is not None and isinstance(d.sections, list) else []
        cites_sup = None
        if d is not None and sc and sc["found"] and sc["doc_number"]:
            cites_sup = fold(sc["doc_number"]).replace(" ", "") in cites.get(d.version_id, set())
        readings = widgets.get(u.portal_id, [])
        w = readings[-1] if readings else None
        w_updated = w_age = w_frozen = w_fresh = None
        problems: list[str] = []
        if w is not None:
            w_updated = w.updated_at
            try:
                w_age = (run.observed_on - dt.date.fromisoformat(w.updated_at[:10])).days if w.updated_at else None
            except ValueError:
                w_age = None
            w_frozen = len(readings) > 1 and readings[-2].updated_at is not None and readings[-2].updated_at == w.updated_at
            w_fresh = w_age is not None and w_age <= fresh and not w_frozen
            problems = widget_problems(w)
            if w.run_id != run.id:
                problems.append(f"not read in run {run.id} (last read in run {w.run_id})")
        rate = None
        if w is not None:
            rate = round(w.on_time_rate, 2) if w.on_time_rate is not None else (pct(w.on_time, w.total) if w.total and w.on_time is not None else None)
        rows.append({
            "unit": u.unit, "portal": u.portal_id, "level": u.level, "province": u.province, "year": year, "kind": kind,
            "found": c["found"], "doc_number": c["doc_number"], "doc_date": c["doc_date"], "published_at": c["published_at"],
            "judged_on": judged_on, "judged_by": judged_by, "deadline": deadline, "deadline_source": source,
            "status": status, "days_late": days_late, "superior_portal": sup.portal_id if sup else None,
            "superior_doc_number": sc["doc_number"] if sc else None, "superior_date": sup_date,
            "days_since_superior_plan": (run.observed_on - sup_date).days if sup_date else None,
            "sections_present": present if d is not None else None,
            "sections_missing": [s for s in required if s not in present] if d is not None else None,
            "cites_superior": cites_sup, "widget_present": w is not None,
            "widget_period": w.period if w is not None else None, "widget_updated_at": w_updated,
            "widget_age_days": w_age, "widget_frozen": w_frozen, "widget_fresh": w_fresh,
            "widget_total": w.total if w is not None else None, "widget_late": w.late if w is not None else None,
            "widget_on_time_rate": rate, "widget_problems": problems, "url": c["url"], "corrections": c["corrections"],
        })
    return {"year": year, "kind": kind, "run": run.id, "observed_on": run.observed_on, "fresh_days": fresh, "rows": rows}


def table(result: dict[str, Any]) -> Table:
    """The table people read, in the command's --lang (statuses and yes/no labelled by reports.labels)."""
    from reports.formatting import current_lang
    from reports.labels import text

    title = text("compliance_title", current_lang(), year=result["year"], run=result["run"],
                 day=f"{result['observed_on']:%d/%m/%Y}")
    return Table(title, COLUMNS, result["rows"], part="compliance")
