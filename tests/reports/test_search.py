"""Search: diacritics-insensitive (đ included), ranked, with snippets, on SQLite FTS5 and PostgreSQL;
expected documents computed from the simulator's texts."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine

from builddb import cchc
from core.vntext import fold
from truth import subset


def expected_urls(world, phrase: str) -> set[str]:
    key = f" {fold(phrase)} "
    out = set()
    for pid in subset():
        for a in world.articles(pid):
            if a.removed:
                continue
            blob = fold(" ".join([a.title, a.summary, *a.paragraphs, *(p for f in a.files for p in [f.title, *f.paragraphs])]))
            if key in f" {blob} ":
                out.add(a.url)
    return out


def run_search(db: str, query: str, *args: str) -> list[dict]:
    proc = cchc("report", "search", query, "--db", db, "--format", "json", "--limit", "1000", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("query, same_as", [
    ("dang uy", "Đảng ủy"),
    ("ĐẢNG ỦY", "Đảng ủy"),
    ("dang uy xa ngoc lien", "Đảng ủy xã Ngọc Liên"),
])
def test_folded_queries_find_the_vietnamese_text(writable_db, worlds, query, same_as):
    rows = run_search(writable_db, query)
    assert {r["url"] for r in rows} == expected_urls(worlds[3], same_as) != set()
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    for r in rows:
        if r["matched_in"] == "document":
            assert "[" in r["snippet"] and fold(r["snippet"].split("[", 1)[1].split("]", 1)[0]) == fold(same_as)


def test_title_matches_rank_first(writable_db):
    rows = run_search(writable_db, "Đảng ủy")
    in_title = [fold("Đảng ủy") in fold(r["title"] or "") for r in rows]
    assert in_title == sorted(in_title, reverse=True) and any(in_title)


def test_tuyen_truyen_and_filters(writable_db, worlds):
    rows = run_search(writable_db, "tuyen truyen", "--province", "Điện Biên")
    dien_bien = {p for p in subset() if worlds[3].portals[p].province == "Điện Biên"}
    assert {r["portal"] for r in rows} <= dien_bien
    assert {r["url"] for r in rows} == {u for u in expected_urls(worlds[3], "tuyên truyền")
                                        if worlds[3].article_by_url(u).portal_id in dien_bien}


def test_index_is_incremental(writable_db):
    from reports.search import refresh_index

    engine = create_engine(writable_db)
    try:
        first = refresh_index(engine)
        assert first["added"] > 0
        assert refresh_index(engine) == {"added": 0, "updated": 0, "removed": 0}
    finally:
        engine.dispose()


@pytest.mark.parametrize("query, message", [("   ", "no words"), ("!!!", "no words")])
def test_search_bad_input(writable_db, query, message):
    proc = cchc("report", "search", query, "--db", writable_db)
    assert proc.returncode == 2 and message in proc.stderr


def test_full_text_index_is_used(writable_db):
    """SQLite: the FTS5 table mirrors the folded entries (triggers); PostgreSQL: the GIN expression index
    over cchc_unaccent (an IMMUTABLE wrapper) is what the search query uses."""
    from sqlalchemy import text

    from reports.search import PG_DOC, refresh_index

    engine = create_engine(writable_db)
    try:
        refresh_index(engine)
        with engine.begin() as conn:
            entries = conn.execute(text("SELECT count(*) FROM search_entries")).scalar_one()
            if engine.dialect.name == "sqlite":
                assert conn.execute(text("SELECT count(*) FROM search_fts WHERE search_fts MATCH '\"dang uy\"'")).scalar_one() > 0
                assert conn.execute(text("SELECT count(*) FROM search_fts")).scalar_one() == entries
            else:
                conn.execute(text("SET LOCAL enable_seqscan = off"))
                plan = "\n".join(r[0] for r in conn.execute(text(
                    f"EXPLAIN SELECT e.id FROM search_entries e, phraseto_tsquery('simple'::regconfig, cchc_unaccent(:q)) "
                    f"AS q WHERE {PG_DOC} @@ q"), {"q": "dang uy"}))
                assert "ix_search_entries_fts" in plan
                assert conn.execute(text("SELECT provolatile FROM pg_proc WHERE proname = 'cchc_unaccent'")).scalar_one() == "i"
    finally:
        engine.dispose()
