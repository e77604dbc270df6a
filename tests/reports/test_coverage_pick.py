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

from builddb import cchc
from sqlalchemy import create_engine, select, update
from sqlalchemy.engine import Engine

from reports.base import load_documents, load_runs, load_units, organ_matches, plan_candidates
from reports.coverage import _sort_key, coverage
from storage.models import Document, DocumentVersion

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
