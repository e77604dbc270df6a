"""Coverage's per-unit choice made by the database (`reports.coverage_pick`) equals the choice in Python.

The crawled database is crafted so the order is tested where it is subtle: many plans per unit whose
issue and publication dates tie (same day, no date at all, a publication date that is no date: text, an
impossible 30 February, year 0000), so the first run and then the URL decide, with URLs whose case puts
them in a different order under a language collation than in code points; organs that must or must not
count; a reviewer's offline plan beside the crawled ones. The Python choice the database replaced is
written out here in full and run on the same rows, on SQLite and PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from builddb import cchc
from sqlalchemy import create_engine, func, insert, select, update
from sqlalchemy.engine import Engine

from reports.base import load_documents, load_runs, load_units, organ_matches, plan_candidates, snapshot_runs
from reports.coverage import _sort_key, coverage
from reports.coverage_pick import best_plans
from storage import plan_choices
from storage.models import CrawlRun, Document, DocumentVersion

KIND = "propaganda_plan"
PUBLISHED = ["{y}-03-01T08:00:00+07:00", None, "hôm qua", "{y}-02-30T00:00:00+07:00", "0000-01-01T00:00:00",
             "{y}-03-01T23:59:00+07:00"]
ISSUED = [None, None, dt.date(2026, 3, 1)]
ORGANS = [None, "government", None, "party", "government"]


def python_choice(engine: Engine, year: int, organ: str) -> dict[str, tuple[Any, ...]]:
    """Portal -> (url, doc number, first run, documents, corrections) as coverage chose before."""
    runs = load_runs(engine)
    docs = load_documents(engine, runs, cchc_only=True, candidates=plan_candidates([KIND], year))
    matches: dict[str, list[Any]] = {}
    for d in docs:
        if d.removed_run is None and d.category == KIND and organ_matches(d.organ, organ) and d.plan_year == year:
            matches.setdefault(d.linked_portal or d.portal_id, []).append(d)
    out = {}
    for portal, found in matches.items():
        best = sorted(found, key=_sort_key)[0]
        out[portal] = (best.url, best.doc_number, best.first_seen_run or None, len(found),
                       sorted({c for d in found for c in d.corrections}))
    return out


def craft(engine: Engine, year: int) -> int:
    """Make many current versions plans of `year` with tied dates; returns how many were changed."""
    with engine.begin() as conn:
        rows = conn.execute(select(DocumentVersion.id, Document.id, Document.portal_id)
                            .join(Document, Document.id == DocumentVersion.document_id)
                            .where(DocumentVersion.version == Document.version)
                            .order_by(Document.portal_id, Document.id)).all()
        for i, (version_id, doc_id, portal) in enumerate(rows):
            published = PUBLISHED[i % len(PUBLISHED)]
            conn.execute(update(DocumentVersion).where(DocumentVersion.id == version_id).values(
                category=KIND, plan_year=year, is_cchc=True, organ=ORGANS[i % len(ORGANS)],
                doc_date=ISSUED[i % len(ISSUED)], doc_number=f"{i}/KH",
                published_at=published.format(y=year) if published else None))
            # 'B' sorts before 'a' in code points, after it in a language collation
            conn.execute(update(Document).where(Document.id == doc_id).values(
                url=f"https://{portal}.example.vn/{'B' if i % 2 else 'a'}-{i}"))
    return len(rows)


def test_sql_choice_equals_python_choice_with_ties(writable_db):
    engine = create_engine(writable_db)
    try:
        runs = load_runs(engine)
        year = runs[-1].observed_on.year
        assert craft(engine, year) > 10
        plan_choices.refresh(engine)  # the versions were rewritten in place, as only a run does: rebuild as it would
        proc = cchc("review", "add-offline", "--db", writable_db, "--unit", "p-lamdong", "--year", str(year),
                    "--kind", KIND, "--doc-number", "9/KH-UBND", "--doc-date", f"{year}-01-01",
                    "--title", "Kế hoạch", "--evidence", "https://example.vn/offline")
        assert proc.returncode == 0, proc.stderr
        units = load_units(engine)
        for organ in ("government", "any", "party"):
            expected = python_choice(engine, year, organ)
            got = {r["portal"]: (r["url"], r["doc_number"], r["first_seen_run"], r["documents"], r["corrections"])
                   for r in coverage(engine, year, organ=organ, units=units).rows if r["found"]}
            assert got == expected, organ
        several = [p for p, (*_, n, _c) in python_choice(engine, year, "any").items() if n > 2]
        assert len(several) >= 3  # units with many tied candidates were compared
        assert python_choice(engine, year, "government")["p-lamdong"][1] == "9/KH-UBND"  # the offline plan won
    finally:
        engine.dispose()


def test_the_writers_choice_answers_as_the_ranking_does(writable_db):
    """`storage.plan_choices` (kept by the writers) gives each unit the same plan, with every shown field,
    and the same count as ranking the candidates, for each organ and kind; it is used only while current."""
    engine = create_engine(writable_db)
    try:
        runs = load_runs(engine)
        year = runs[-1].observed_on.year
        assert craft(engine, year) > 10
        assert plan_choices.refresh(engine) > 10
        with engine.connect() as conn:  # the rebuild leaves PostgreSQL's planner its statistics
            if engine.dialect.name == "postgresql":
                assert conn.exec_driver_sql("SELECT reltuples FROM pg_class WHERE relname = 'plan_choices'").scalar_one() > 0
            else:  # and SQLite none of its own (statistics of one table would change every other plan)
                assert not conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").all()
        observed = {r.id: r.observed_on for r in runs}
        known = snapshot_runs(runs)
        with engine.connect() as conn:
            assert plan_choices.current(conn)
        compared = 0
        for kind in (KIND, "plan"):
            candidates = select(DocumentVersion.document_id).where(DocumentVersion.category == kind,
                                                                   DocumentVersion.plan_year == year)
            for organ in ("government", "any", "party"):
                args = dict(kind=kind, year=year, organ=organ, candidates=candidates, corrected=set())
                ranked = best_plans(engine, observed, known, **args)
                kept = best_plans(engine, observed, known, summary=True, **args)
                assert kept == ranked, (kind, organ)
                compared += len(ranked)
                # a corrected URL: its portal is ranked again without it, the others read from the table
                if ranked:
                    portal, (doc, _n) = sorted(ranked.items())[0]
                    fixed = dict(args, corrected={doc.url})
                    assert best_plans(engine, observed, known, summary=True, **fixed) == \
                        best_plans(engine, observed, known, **fixed)
                    # some portals only (a diff asks about the units whose plans moved)
                    some = sorted(ranked)[::2]
                    narrowed = dict(args, candidates=candidates.join(Document, Document.id == DocumentVersion.document_id)
                                    .where(Document.portal_id.in_(some)))
                    assert best_plans(engine, observed, known, summary=True, portals=some, **narrowed) == \
                        {p: ranked[p] for p in some} == best_plans(engine, observed, known, **narrowed)
        assert compared > 20
        # a run opened since the rebuild (it may store anything): not current, the ranking answers
        with engine.begin() as conn:
            conn.execute(insert(CrawlRun).values(started_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                                                 observed_on=runs[-1].observed_on, trigger="manual", status="running"))
        with engine.connect() as conn:
            assert not plan_choices.current(conn)
        plan_choices.refresh(engine)
        with engine.connect() as conn:
            assert not plan_choices.current(conn)  # it is still open
        with engine.begin() as conn:
            conn.execute(update(CrawlRun).where(CrawlRun.status == "running").values(status="complete"))
        with engine.connect() as conn:
            assert not plan_choices.current(conn)  # closed, newer than the rebuild
        plan_choices.refresh(engine)  # what its close does
        with engine.connect() as conn:
            assert plan_choices.current(conn)
    finally:
        engine.dispose()


def test_a_stale_choice_is_not_read(writable_db):
    """A version stored after the rebuild (a larger id) makes the table stale: coverage ranks instead."""
    engine = create_engine(writable_db)
    try:
        runs = load_runs(engine)
        year = runs[-1].observed_on.year
        assert craft(engine, year) > 10  # in place, no new id: the table is not told ...
        with engine.connect() as conn:
            assert plan_choices.current(conn)
            (doc_id, version), = conn.execute(select(Document.id, Document.version).limit(1)).all()
            row = dict(conn.execute(select(DocumentVersion.__table__).where(
                DocumentVersion.document_id == doc_id, DocumentVersion.version == version)).one()._mapping)
        with engine.begin() as conn:  # ... a new version is (the way a run stores one)
            row.pop("id")
            conn.execute(insert(DocumentVersion).values(**{**row, "version": version + 1, "content_hash": "x" * 64}))
            conn.execute(update(Document).where(Document.id == doc_id).values(version=version + 1))
        with engine.connect() as conn:
            assert not plan_choices.current(conn)
        got = {r["portal"]: (r["url"], r["documents"]) for r in coverage(engine, year).rows if r["found"]}
        expected = {p: (url, n) for p, (url, _num, _run, n, _c) in python_choice(engine, year, "government").items()}
        assert got == expected  # the crafted plans: the table, built before them, would not hold them
    finally:
        engine.dispose()


def test_two_refreshes_at_once_wait_for_each_other(writable_db):
    """Two writers refreshing the derived tables at once (two first opens upgrading a new database, a run
    closing while someone upgrades): the second waits for the first to commit, and both succeed. Without
    the refresh lock the second failed on the marks' primary key (PostgreSQL; SQLite has one writer)."""
    import threading

    from storage import derived, search_index

    if not writable_db.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: nothing to serialise")
    engine = create_engine(writable_db)
    try:
        errors: list[BaseException] = []
        with engine.connect() as first:
            tx = first.begin()
            derived.refresh(first)  # holds its marks uncommitted

            def second() -> None:
                try:
                    derived.refresh(engine)
                except BaseException as exc:  # noqa: BLE001  (reported below)
                    errors.append(exc)

            thread = threading.Thread(target=second)
            thread.start()
            thread.join(1.0)
            assert thread.is_alive()  # waiting for the first
            tx.commit()
        thread.join(30)
        assert not thread.is_alive() and errors == []
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(search_index.marks)).scalar_one() == 1
            assert conn.execute(select(func.count()).select_from(plan_choices.marks)).scalar_one() == 1
            assert plan_choices.current(conn)
    finally:
        engine.dispose()
