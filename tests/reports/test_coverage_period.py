"""Coverage and period plans (issue 11): a plan "giai đoạn 2021–2025" is not the unit's plan for a year,
but coverage shows it, in its own columns, for every year it spans; and the record's plan_period
reaches the database (migration 0004) and the documents export.

Small stores built here from item dicts shaped like the pipelines' (tests/storage/storage_factories.py),
on SQLite (the shared crawled database of the other report tests holds no period plan).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "storage"))
from storage_factories import NL, REGISTRY_ROWS, TQ, page  # noqa: E402

from reports.coverage import ROW_KEYS, coverage, spans  # noqa: E402
from storage import Store  # noqa: E402

YEARLY = "https://tuyenquang.gov.vn/Pages/ke-hoach-cchc-2024.aspx"
PERIOD = "https://tuyenquang.gov.vn/Pages/ke-hoach-cchc-2021-2025.aspx"
OTHER_PERIOD = "https://ngoclien.camgiang.haiduong.gov.vn/kh-cchc-2026-2030"


def _store(tmp_path: Path) -> Store:
    store = Store.open(f"sqlite:///{tmp_path}/cchc.sqlite")
    store.sync_portals(REGISTRY_ROWS)
    run = store.start_run(trigger="manual", observed_on=dt.date(2024, 6, 1), args={})
    plan = {"category": "plan", "organ": "government", "issuer": "UBND tỉnh Tuyên Quang", "issuer_as_written": "UBND tỉnh"}
    store.save_items(run, [
        page(YEARLY, "Kế hoạch cải cách hành chính năm 2024", title="Kế hoạch CCHC năm 2024", doc_number="12/KH-UBND",
             doc_date="2024-01-10", plan_year=2024, plan_period=None, **plan),
        page(PERIOD, "Kế hoạch cải cách hành chính giai đoạn 2021-2025", title="Kế hoạch CCHC giai đoạn 2021-2025",
             doc_number="4347/KH-UBND", doc_date="2021-11-25", plan_year=None, plan_period="2021-2025", **plan),
        page(OTHER_PERIOD, "Kế hoạch cải cách hành chính giai đoạn 2026-2030", portal=NL,
             title="Kế hoạch CCHC giai đoạn 2026-2030", doc_number="9/KH-UBND", doc_date="2025-12-20",
             plan_year=None, plan_period="2026-2030", **plan),
    ])
    store.finish_run(run, status="complete", stats={})
    return store


def test_spans() -> None:
    assert spans("2021-2025", 2021) and spans("2021-2025", 2025) and not spans("2021-2025", 2026)
    assert not spans(None, 2024) and not spans("bad", 2024)


def test_coverage_counts_yearly_plans_and_shows_the_spanning_period_plan(tmp_path: Path) -> None:
    store = _store(tmp_path)
    try:
        assert ROW_KEYS[-3:] == ("period_plan", "period_plan_number", "period_plan_url")
        rows = {r["portal"]: r for r in coverage(store.engine, 2024, kind="plan").rows}
        tq, nl = rows[TQ], rows[NL]
        assert tq["found"] is True and tq["doc_number"] == "12/KH-UBND" and tq["documents"] == 1
        assert (tq["period_plan"], tq["period_plan_number"], tq["period_plan_url"]) == ("2021-2025", "4347/KH-UBND", PERIOD)
        # a period plan that does not span the year is not shown, and never counts as found
        assert nl["found"] is False and nl["period_plan"] is None
        rows_2025 = {r["portal"]: r for r in coverage(store.engine, 2025, kind="plan").rows}
        assert rows_2025[TQ]["found"] is False and rows_2025[TQ]["period_plan"] == "2021-2025"
        assert rows_2025[NL]["period_plan"] is None
    finally:
        store.close()


def test_plan_period_is_stored_and_exported_last(tmp_path: Path) -> None:
    store = _store(tmp_path)
    try:
        out = io.StringIO()
        store.export("documents", "jsonl", out)
        docs = {d["url"]: d for d in map(json.loads, out.getvalue().splitlines())}
        assert list(docs[PERIOD])[-1] == "plan_period"
        assert docs[PERIOD]["plan_period"] == "2021-2025" and docs[PERIOD]["plan_year"] is None
        assert docs[YEARLY]["plan_period"] is None and docs[YEARLY]["plan_year"] == 2024
    finally:
        store.close()
