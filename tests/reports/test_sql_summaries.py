"""The reports' keyed and aggregated reads (issue 12) give exactly what the direct computation gives.

Each faster path is checked against the computation it replaced, written out here in full on the same
crawled database (both backends): the newest version known at a run (a keyed lookup, the document's
own version column for the whole database) against a window over every version; the diff's coverage
moves computed for the touched units only against the full coverage of both runs; the health and
widget moves paired by the database against pairing in Python; the trend's monthly points and summed
series chosen and summed by the database against choosing and summing every reading in Python.
"""
from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine

from reports.base import load_documents, load_runs, load_units, plan_candidates
from reports.coverage import coverage
from reports.diff import (
    changed_between,
    coverage_moves,
    health_moves,
    registry_names,
    snapshot_documents,
)
from reports.trend import PLAN_KINDS, by_month, combined_points, plans_per_month, widget_points
from storage.models import CrawlRun, Document, DocumentVersion, PortalHealth, WidgetReading


@pytest.fixture
def engine(db: str) -> Any:
    e = create_engine(db)
    yield e
    e.dispose()


def direct_versions(engine: Engine, upto: int) -> dict[int, tuple[int, int]]:
    """Document id -> (version, version id) known at run `upto`: the newest version first seen by a run
    up to it, by a window over all versions (what `load_documents` did before)."""
    v = DocumentVersion
    rn = func.row_number().over(partition_by=v.document_id, order_by=v.version.desc()).label("rn")
    inner = select(v.document_id, v.version, v.id, rn).where(v.first_seen_run_id <= upto).subquery()
    with engine.connect() as conn:
        rows = conn.execute(select(inner.c.document_id, inner.c.version, inner.c.id)
                            .join(Document, Document.id == inner.c.document_id)
                            .where(inner.c.rn == 1, Document.first_seen_run_id <= upto)).all()
    return {d: (ver, vid) for d, ver, vid in rows}


def test_newest_known_version_equals_the_window(engine):
    runs = load_runs(engine)
    assert len(runs) >= 3
    with engine.connect() as conn:  # the crawled days changed some documents: versions beyond 1 exist
        assert conn.execute(select(func.max(DocumentVersion.version))).scalar_one() > 1
    for run in runs:
        got = {d.document_id: (d.version, d.version_id) for d in load_documents(engine, runs, upto_run=run)}
        assert got == direct_versions(engine, run.id), run.id
        as_of = {d.document_id: (d.version, d.version_id) for d in load_documents(engine, runs, as_of=run.observed_on)}
        last_that_day = max(r.id for r in runs if r.observed_on <= run.observed_on)
        assert as_of == direct_versions(engine, last_that_day)


def test_coverage_moves_equal_full_coverages(engine):
    runs = load_runs(engine)
    units = load_units(engine)
    year = runs[-1].observed_on.year
    compared = 0
    for a, b in itertools.combinations_with_replacement(runs, 2):
        full_a = {r["portal"]: r for r in coverage(engine, year, runs=[r for r in runs if r.id <= a.id], units=units).rows}
        full_b = {r["portal"]: r for r in coverage(engine, year, runs=[r for r in runs if r.id <= b.id], units=units).rows}
        gained = [p for p, r in full_b.items() if r["found"] and not full_a[p]["found"]]
        lost = [p for p, r in full_b.items() if not r["found"] and full_a[p]["found"]]
        moved = [*load_documents(engine, runs, upto_run=a, candidates=changed_between(a, b)),
                 *load_documents(engine, runs, upto_run=b, candidates=changed_between(a, b))]
        got_gained, got_lost = coverage_moves(engine, runs, a, b, year, "propaganda_plan", units, moved)
        assert [r["portal"] for r in got_gained] == gained and [r["portal"] for r in got_lost] == lost
        # what `diff` does: only the units whose plans moved are read (`load_units(portals=…)`), in the same order
        assert coverage_moves(engine, runs, a, b, year, "propaganda_plan", None, moved) == (got_gained, got_lost)
        for r in got_gained:
            assert (r["doc_number"], r["url"]) == (full_b[r["portal"]]["doc_number"], full_b[r["portal"]]["url"])
        compared += len(gained) + len(lost)
    assert compared > 0  # the crawled days hold plans that appear (day 1 -> 3)


def test_diff_streams_the_documents_load_documents_gives(engine):
    runs = load_runs(engine)
    for a, b in itertools.combinations(runs, 2):
        for upto in (a, b):
            moved = changed_between(a, b)
            assert list(snapshot_documents(engine, runs, upto, moved)) == load_documents(engine, runs, upto_run=upto,
                                                                                          candidates=moved)


def test_diff_streams_corrected_documents_as_load_documents_does(writable_db):
    """With corrections (not CCHC, linked to another unit, an offline plan), the streamed snapshot still
    gives each document as corrected, in its place, and the offline plan last."""
    from builddb import cchc

    e = create_engine(writable_db)
    try:
        runs = load_runs(e)
        plans = [d for d in load_documents(e, runs) if d.category == "propaganda_plan" and d.removed_run is None]
        assert len(plans) >= 2
        for args in (("not-cchc", plans[0].url), ("link", plans[1].url, "--unit", "p-lamdong"),
                     ("add-offline", "--unit", "p-phutho", "--year", "2026", "--doc-number", "12/KH-UBND",
                      "--doc-date", "2026-01-20", "--evidence", "Công văn giấy số 12")):
            proc = cchc("review", *args, "--db", writable_db)
            assert proc.returncode == 0, proc.stderr
        a, b = runs[0], runs[-1]
        for upto in (a, b):
            got = list(snapshot_documents(e, runs, upto, changed_between(a, b)))
            assert got == load_documents(e, runs, upto_run=upto, candidates=changed_between(a, b))
        assert got[-1].document_id < 0 and got[-1].doc_number == "12/KH-UBND"
        assert any(d.url == plans[1].url and d.linked_portal == "p-lamdong" for d in got)
    finally:
        e.dispose()


def test_load_units_of_some_portals_is_those_units_in_the_same_order(engine):
    units = load_units(engine)
    every_other = {u.portal_id for u in units[::2]}
    assert load_units(engine, portals=every_other) == [u for u in units if u.portal_id in every_other]
    assert load_units(engine, portals={u.portal_id for u in units}) == units
    assert load_units(engine, portals=set()) == []
    assert registry_names(engine) == {u.portal_id: u.unit for u in units}


def test_health_moves_equal_pairing_in_python(engine):
    runs = load_runs(engine)
    names = {u.portal_id: u.unit for u in load_units(engine)}
    with engine.connect() as conn:
        health = {(h.run_id, h.portal_id): h for h in conn.execute(select(PortalHealth))}
        widgets = {(w.run_id, w.portal_id): w for w in conn.execute(select(WidgetReading))}
    found = 0
    for a, b in itertools.permutations(runs, 2):
        down = [p for (r, p), h in sorted(health.items()) if r == b.id and (a.id, p) in health
                and health[(a.id, p)].reachable and h.reachable is False]
        up = [p for (r, p), h in sorted(health.items()) if r == b.id and (a.id, p) in health
              and health[(a.id, p)].reachable is False and h.reachable]
        rose = [p for (r, p), w in sorted(widgets.items()) if r == b.id and (w0 := widgets.get((a.id, p))) is not None
                and w0.late is not None and w.late is not None and w.late > w0.late]
        got_down, got_up, got_rose = health_moves(engine, a, b, names)
        assert ([r["portal"] for r in got_down], [r["portal"] for r in got_up], [r["portal"] for r in got_rose]) \
            == (down, up, rose)
        found += len(down) + len(up) + len(rose)
    assert found > 0


def test_trend_points_chosen_and_summed_by_the_database(writable_db):
    """Spread the three runs over two months and take one portal's reading out of the last run, so a
    month's last reading differs between portals; the database's choice and sums equal Python's."""
    engine = create_engine(writable_db)
    try:
        with engine.begin() as conn:
            for run_id, day in ((1, dt.date(2026, 1, 31)), (2, dt.date(2026, 2, 10)), (3, dt.date(2026, 2, 20))):
                conn.execute(text("UPDATE crawl_runs SET observed_on = :d WHERE id = :r"), {"d": day, "r": run_id})
            portal = conn.execute(select(WidgetReading.portal_id).where(WidgetReading.run_id == 3,
                                                                        WidgetReading.total.is_not(None))
                                  .order_by(WidgetReading.portal_id).limit(1)).scalar_one()
            conn.execute(text("DELETE FROM widget_readings WHERE run_id = 3 AND portal_id = :p"), {"p": portal})
            assert conn.execute(select(func.count()).select_from(CrawlRun)).scalar_one() == 3
        runs = load_runs(engine)
        portals = [u.portal_id for u in load_units(engine)]
        every = widget_points(engine, runs, portals)
        monthly = widget_points(engine, runs, portals, monthly=True)
        assert {p: by_month(pts) for p, pts in every.items()} == {p: by_month(pts) for p, pts in monthly.items()}
        assert [p["run"] for p in by_month(monthly[portal])] == [1, 2]
        summed = []
        for r in runs:
            reading = [p for pts in every.values() for p in pts if p["run"] == r.id and p["total"] is not None]
            if reading:
                summed.append((r.id, len(reading), sum(p["total"] for p in reading),
                               sum(p["on_time"] or 0 for p in reading), sum(p["late"] or 0 for p in reading)))
        got = [(c["run"], c["portals"], c["total"], c["on_time"], c["late"]) for c in combined_points(engine, runs, portals)]
        assert got == summed and len(summed) == 3
        # every registry portal, joined in SQL instead of listed: the same points and sums
        assert widget_points(engine, runs, portals, monthly=True, every_registry_portal=True) == monthly
        assert combined_points(engine, runs, portals, every_registry_portal=True) == combined_points(engine, runs, portals)
    finally:
        engine.dispose()


def plans_per_month_held(engine: Engine, runs: Any, portals: list[str]) -> list[dict[str, Any]]:
    """What `trend` counted before it streamed: every plan read, sorted by URL, the first of each key."""
    docs = load_documents(engine, runs, portals=portals, cchc_only=True, candidates=plan_candidates(PLAN_KINDS))
    months: dict[str, dict[str, int]] = {}
    seen: set[tuple[Any, ...]] = set()
    for d in sorted(docs, key=lambda d: d.url):
        if d.category not in PLAN_KINDS or d.removed_run is not None:
            continue
        key = (d.linked_portal or d.portal_id, d.category, d.doc_number or d.url)
        if key in seen:
            continue
        seen.add(key)
        day = d.published_on or d.doc_date
        if day is not None:
            m = months.setdefault(day.strftime("%Y-%m"), {"propaganda_plan": 0, "plan": 0})
            m[d.category] += 1
    return [{"month": m, **c, "total": sum(c.values())} for m, c in sorted(months.items())]


def test_plans_per_month_streamed_count_what_the_held_documents_counted(writable_db):
    """With corrections (not CCHC, linked to another unit, an offline plan): the streamed count equals
    the count over every plan held and sorted, for a province's portals and for the whole registry."""
    from builddb import cchc

    e = create_engine(writable_db)
    try:
        runs = load_runs(e)
        plans = [d for d in load_documents(e, runs) if d.category in PLAN_KINDS and d.removed_run is None]
        for args in (("not-cchc", plans[0].url), ("link", plans[1].url, "--unit", "p-lamdong"),
                     ("add-offline", "--unit", "p-phutho", "--year", "2026", "--doc-number", "12/KH-UBND",
                      "--doc-date", "2026-01-20", "--evidence", "Công văn giấy số 12")):
            proc = cchc("review", *args, "--db", writable_db)
            assert proc.returncode == 0, proc.stderr
        everyone = [u.portal_id for u in load_units(e)]
        some = everyone[: len(everyone) // 2]
        expected = plans_per_month_held(e, runs, everyone)
        assert sum(m["total"] for m in expected) > 2
        assert plans_per_month(e, runs, everyone) == expected
        assert plans_per_month(e, runs, everyone, every_registry_portal=True) == expected
        assert plans_per_month(e, runs, some) == plans_per_month_held(e, runs, some)
    finally:
        e.dispose()
