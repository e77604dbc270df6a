"""Search: every word in any order, diacritics-insensitive (đ included), numbers and document symbols
as words, "phrases", filters, ranking, snippets cut from the text as written, on SQLite FTS5 and on
PostgreSQL. Expected documents are computed from the simulator's texts (never from search output);
the index is written by the writers only (crawl, `cchc db upgrade`), so searching never writes."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from builddb import cchc
from sqlalchemy import create_engine, text
from truth import subset

from core.vntext import fold


def norm(text: str | None) -> str:
    """The words of a text as an independent reader folds them: ' w1 w2 … ' (spaces at both ends)."""
    return " " + " ".join(re.findall(r"[0-9a-z]+", fold(text or ""))) + " "


def units_of(article) -> list[str]:
    """What one index entry holds: the article (title, summary, paragraphs), or one attachment."""
    out = [norm(" ".join([article.title, article.summary, *article.paragraphs]))]
    out += [norm(" ".join([f.title, *f.paragraphs])) for f in article.files]
    return out


_STORED: dict[str, set[str]] = {}


def stored_urls(db: str) -> set[str]:
    """URLs of the documents the crawl stored (search is judged on those, not on what it missed)."""
    if db not in _STORED:
        engine = create_engine(db)
        try:
            with engine.connect() as conn:
                _STORED[db] = set(conn.execute(text("SELECT url FROM documents")).scalars())
        finally:
            engine.dispose()
    return _STORED[db]


def expected_urls(world, db: str, *terms: str, where=lambda a: True) -> set[str]:
    """Stored documents one of whose texts holds every term (a term of several words as a phrase)."""
    keys = [norm(t) for t in terms]
    return stored_urls(db) & {a.url for pid in subset() for a in world.articles(pid)
                              if not a.removed and where(a) and any(all(k in u for k in keys) for u in units_of(a))}


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> Ran:
    """The `cchc` command in this process (click's runner: the same code path as the command line,
    without a fresh interpreter per query; the processes elsewhere cover start-up)."""
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)


def run_search(db: str, query: str, *args: str) -> list[dict]:
    proc = run_cli("report", "search", query, "--db", db, "--format", "json", "--limit", "1000", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_all_words_any_order_without_diacritics(db, worlds):
    """The issue's own example: "tuyen truyen 2026" finds the 2026 propaganda plans; word order and
    diacritics do not matter, and what is found is exactly what the simulator published."""
    rows = run_search(db, "tuyen truyen 2026")
    expected = expected_urls(worlds[3], db, "tuyen", "truyen", "2026")
    assert {r["url"] for r in rows} == expected
    assert any(fold("Kế hoạch tuyên truyền") in fold(r["title"] or "") and "2026" in (r["title"] or "") for r in rows)
    assert {r["url"] for r in run_search(db, "2026 TRUYỀN tuyên")} == expected
    out_of_order = run_search(db, "2026 truyen tuyen")  # unaccented and out of order, as the README's tester types it
    assert {r["url"] for r in out_of_order} == expected and out_of_order[0]["url"] == rows[0]["url"]
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))


@pytest.mark.parametrize("query, same_as", [("dang uy", "Đảng ủy"), ("ĐẢNG ỦY", "Đảng ủy"),
                                            ("dang uy xa ngoc lien", "Đảng ủy xã Ngọc Liên")])
def test_folded_queries_find_the_vietnamese_text(db, worlds, query, same_as):
    rows = run_search(db, query)
    assert {r["url"] for r in rows} == expected_urls(worlds[3], db, *same_as.split()) != set()
    assert {r["url"] for r in run_search(db, same_as)} == {r["url"] for r in rows}
    # the words as one phrase rank before scattered words (within title hits, then within body hits)
    phrase = norm(same_as)
    as_phrase = [any(phrase in u for u in units_of(worlds[3].article_by_url(r["url"]))) for r in rows]
    for in_title in (True, False):
        tier = [p for p, r in zip(as_phrase, rows) if r["in_title"] is in_title]
        assert tier == sorted(tier, reverse=True)
    assert as_phrase[0]


def test_quoted_phrase(db, worlds):
    loose = {r["url"] for r in run_search(db, "dang uy")}
    rows = run_search(db, '"dang uy"')
    assert {r["url"] for r in rows} == expected_urls(worlds[3], db, "dang uy") != set()
    assert {r["url"] for r in rows} < loose
    curly = run_search(db, "“Đảng ủy”")
    assert {r["url"] for r in curly} == {r["url"] for r in rows}


def test_document_symbol_as_words(db, worlds):
    """'25/KH-UBND' is found by itself (as a phrase: its parts adjacent) and by '25 kh ubnd' (words)."""
    numbered = sorted({a.doc_number for pid in subset() for a in worlds[3].articles(pid)
                       if not a.removed and a.doc_number and "/KH-UBND" in a.doc_number})
    assert numbered
    number = numbered[0]
    rows = run_search(db, number)
    expected = expected_urls(worlds[3], db, " ".join(re.findall(r"[0-9a-z]+", fold(number))))
    assert {r["url"] for r in rows} == expected != set()
    loose = run_search(db, " ".join(re.findall(r"[0-9A-Za-z]+", number)).lower())
    assert expected <= {r["url"] for r in loose}
    assert any(number in (r["snippet_text"] or "") or number in (r["title"] or "") for r in rows)


@pytest.mark.parametrize("option", ["--province", "--year", "--kind", "--level"])
def test_filters(db, worlds, option):
    world = worlds[3]
    value, keep = {
        "--province": ("Dien Bien", lambda a: world.portals[a.portal_id].province == "Điện Biên"),
        "--year": ("2026", lambda a: a.plan_year == 2026),
        "--kind": ("propaganda_plan", lambda a: a.category == "propaganda_plan"),
        "--level": ("commune", lambda a: world.portals[a.portal_id].level == "commune"),
    }[option]
    rows = run_search(db, "ke hoach", option, value)
    expected = expected_urls(world, db, "ke hoach", where=keep)
    if option in ("--year", "--kind"):  # fields the extractor reads: compare with what it stored
        field = {"--year": "plan_year", "--kind": "category"}[option]
        assert all(str(r[field]) == value for r in rows)
        assert {r["url"] for r in rows} <= expected_urls(world, db, "ke", "hoach")
        assert len({r["url"] for r in rows} & expected) >= 0.8 * len(expected) and expected
    else:
        assert {r["url"] for r in rows} == expected != set()
    unfiltered = {r["url"] for r in run_search(db, "ke hoach")}
    assert {r["url"] for r in rows} < unfiltered


def test_title_hits_rank_first_and_snippets_mark_the_text_as_written(db):
    rows = run_search(db, "tuyen truyen")
    flags = [r["in_title"] for r in rows]
    assert flags == sorted(flags, reverse=True) and any(flags)
    cited = run_search(db, "nghi dinh 61/2018/nd-cp")  # cited in plan bodies, never in a title
    assert cited and not any(r["in_title"] for r in cited)
    mixed = [r["in_title"] for r in run_search(db, "cai cach hanh chinh 2026")]
    assert mixed == sorted(mixed, reverse=True) and any(mixed) and not all(mixed)
    for r in rows:
        assert all(fold("tuyên truyền") in fold(r["title"]) for r in rows if r["in_title"])
        assert r["highlights"], r
        for start, end in r["highlights"]:
            hit = r["snippet_text"][start:end]
            assert fold(hit) in ("tuyen", "truyen"), hit
        # the marked form is the plain text with [ ] around each highlight
        assert r["snippet"].replace("[", "").replace("]", "") == r["snippet_text"].replace("\\", "")
    assert any(re.search(r"[ềÊê]", r["snippet_text"]) for r in rows)  # as written, not folded


def test_snippet_escapes_and_offsets():
    from reports.search import make_snippet, parse_query

    original = "Xem [1] \x1b[31m Kế hoạch số 25/KH-UBND ngày 04/03/2026 về tuyên truyền \u202e CCHC năm 2026."
    snip = make_snippet(original, parse_query("25/kh-ubnd tuyen truyen").terms)
    assert "\x1b" not in snip.text and "\u202e" not in snip.text and "␛" in snip.text
    assert [snip.text[a:b] for a, b in snip.highlights] == ["25/KH-UBND", "tuyên", "truyền"]
    assert "\\[1\\]" in snip.marked and "[25/KH-UBND]" in snip.marked and "[tuyên] [truyền]" in snip.marked


def test_table_output(db):
    proc = cchc("report", "search", "tuyen truyen 2026", "--db", db, "--limit", "3")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith('Tìm "tuyen truyen 2026": 3 văn bản')
    assert "Trích đoạn" in proc.stdout and "[" in proc.stdout and "]" in proc.stdout


@pytest.mark.parametrize("query, message", [
    ("   ", "no words"), ("!!!", "no words"), ("", "no words"), ('"tuyen truyen', "unbalanced double quote"),
])
def test_search_bad_input(db, query, message):
    proc = run_cli("report", "search", query, "--db", db)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("error: ") and message in proc.stderr and len(proc.stderr.splitlines()) == 1


@pytest.mark.parametrize("args, message", [(("--kind", "memo"), "unknown kind"), (("--limit", "0"), "--limit"),
                                           (("--province", "Atlantis"), "Atlantis"), (("--year", "3000"), "plan year"),
                                           (("--level", "village"), "unknown level")])
def test_search_bad_options(db, args, message):
    proc = run_cli("report", "search", "ke hoach", "--db", db, *args)
    assert proc.returncode == 2 and message in proc.stderr and len(proc.stderr.splitlines()) == 1


def _fingerprint(db: str) -> str:
    if db.startswith("sqlite"):
        path = Path(db.split("///", 1)[1])
        return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))).hexdigest()
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT count(*), coalesce(max(id), 0), coalesce(sum(length(body)), 0) "
                                         "FROM search_entries")).one())
    finally:
        engine.dispose()


def test_search_never_writes_and_notes_a_lagging_index(writable_db):
    """Searching reads the index the writers keep; a lagging index is said on stderr (results still
    come), and `cchc db upgrade` (a writer) brings it up to date."""
    before = _fingerprint(writable_db)
    proc = run_cli("report", "search", "tuyen truyen", "--db", writable_db, "--format", "json", "--limit", "1000")
    assert proc.returncode == 0 and "note:" not in proc.stderr
    assert _fingerprint(writable_db) == before
    complete = {r["url"] for r in json.loads(proc.stdout)}
    engine = create_engine(writable_db)
    try:
        with engine.begin() as conn:
            # a crawl stored the newest versions after the last refresh and was killed before its own:
            # the index lacks them and its watermark predates them
            low = min(conn.execute(text("SELECT source_id FROM search_entries WHERE source = 'version' "
                                        "ORDER BY source_id DESC LIMIT 5")).scalars())
            conn.execute(text("DELETE FROM search_entries WHERE source = 'version' AND source_id >= :low"), {"low": low})
            conn.execute(text("UPDATE search_index_marks SET version_id = :v"), {"v": low - 1})
            newer = conn.execute(text("SELECT count(*) FROM document_versions WHERE id >= :low"), {"low": low}).scalar_one()
    finally:
        engine.dispose()
    assert newer >= 5
    lagging = run_cli("report", "search", "tuyen truyen", "--db", writable_db, "--format", "json", "--limit", "1000")
    assert lagging.returncode == 0
    assert f"note: the search index lags the crawled data ({newer} versions stored since its last refresh)" in lagging.stderr
    assert {r["url"] for r in json.loads(lagging.stdout)} <= complete
    assert run_cli("db", "upgrade", "--db", writable_db).returncode == 0
    again = run_cli("report", "search", "tuyen truyen", "--db", writable_db, "--format", "json", "--limit", "1000")
    assert "note:" not in again.stderr and {r["url"] for r in json.loads(again.stdout)} == complete


def test_watermark_says_what_the_counts_say(writable_db):
    """The reader's constant-time check (`lag`, from the refresh's watermark) agrees with the exact
    anti-join counts (`state`): current after a refresh; a run opened since, or a version stored since,
    makes it lag until the next refresh."""
    from storage import search_index

    engine = create_engine(writable_db)
    try:
        search_index.refresh(engine)
        lag = search_index.lag(engine)
        assert lag is not None and lag.current and search_index.state(engine).complete
        with engine.begin() as conn:  # a crawl starts (its run is open) and stores a new version of a document
            run = conn.execute(text("SELECT max(id) + 1 FROM crawl_runs")).scalar_one()
            conn.execute(text("INSERT INTO crawl_runs (id, trigger, status, started_at, observed_on, args) "
                              "SELECT :r, 'manual', 'running', started_at, observed_on, args FROM crawl_runs "
                              "WHERE id = :r - 1"), {"r": run})
            doc, version = conn.execute(text("SELECT id, version FROM documents ORDER BY id LIMIT 1")).one()
            conn.execute(text(
                "INSERT INTO document_versions (document_id, version, content_hash, first_seen_run_id, last_seen_run_id, "
                "title, text, record_hash) SELECT document_id, version + 1, 'new', :r, :r, 'Kế hoạch Qwvzyx', text, "
                "'new' FROM document_versions WHERE document_id = :d AND version = :v"), {"r": run, "d": doc, "v": version})
            conn.execute(text("UPDATE documents SET version = :v + 1, content_hash = 'new', last_seen_run_id = :r "
                              "WHERE id = :d"), {"r": run, "d": doc, "v": version})
        lag = search_index.lag(engine)
        assert lag is not None and (lag.runs, lag.versions, lag.attachments) == (1, 1, 0)
        assert not search_index.state(engine).complete
        search_index.refresh(engine)  # the run is still open: the mark stays before it
        lag = search_index.lag(engine)
        assert lag is not None and (lag.runs, lag.versions) == (1, 0) and search_index.state(engine).complete
        with engine.begin() as conn:
            conn.execute(text("UPDATE crawl_runs SET status = 'complete' WHERE id = :r"), {"r": run})
        search_index.refresh(engine)  # what the run's close does
        lag = search_index.lag(engine)
        assert lag is not None and lag.current
        with engine.begin() as conn:  # an older run resumed (incomplete -> running) is open below the mark
            conn.execute(text("UPDATE crawl_runs SET status = 'running' WHERE id = 1"))
        lag = search_index.lag(engine)
        assert lag is not None and lag.runs == 1
        with engine.begin() as conn:
            conn.execute(text("UPDATE crawl_runs SET status = 'complete' WHERE id = 1"))
        lag = search_index.lag(engine)
        assert lag is not None and lag.current
    finally:
        engine.dispose()
    assert [r["title"] for r in run_search(writable_db, "qwvzyx")] == ["Kế hoạch Qwvzyx"]


def test_index_is_incremental(writable_db):
    from storage import search_index

    engine = create_engine(writable_db)
    try:
        assert search_index.state(engine).complete
        assert search_index.refresh(engine) == {"added": 0, "removed": 0}
        with engine.begin() as conn:  # an extractor improvement rewrites a version in place
            vid = conn.execute(text("SELECT min(id) FROM document_versions")).scalar_one()
            conn.execute(text("UPDATE document_versions SET record_hash = 'changed', title = 'Kế hoạch Zyxwvu' "
                              "WHERE id = :v"), {"v": vid})
        assert search_index.state(engine).missing == 1
        assert search_index.refresh(engine) == {"added": 1, "removed": 1}
        assert search_index.refresh(engine) == {"added": 0, "removed": 0}
    finally:
        engine.dispose()
    rows = run_search(writable_db, "zyxwvu")
    assert len(rows) == 1 and rows[0]["title"] == "Kế hoạch Zyxwvu" and rows[0]["in_title"]


def test_full_text_index_is_used(db):
    """SQLite: the FTS5 table mirrors the folded entries (triggers); PostgreSQL: the GIN index on the stored
    tsvector (a generated column over cchc_unaccent, an IMMUTABLE wrapper) is what the search query uses."""
    from reports.search import PG_DOC

    engine = create_engine(db)
    try:
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
            # numbers and symbols are stored as words on both backends
            body = conn.execute(text("SELECT body FROM search_entries WHERE body LIKE '% kh ubnd %' LIMIT 1")).scalar_one()
            assert re.fullmatch(r"[0-9a-z ]*", body)
    finally:
        engine.dispose()


@pytest.mark.parametrize("query", ["kế hoạch", "tuyên truyền", "kế hoạch cải cách hành chính", "UBND", "2026"])
@pytest.mark.parametrize("limit", [1, 3, 10])
def test_title_pass_gives_the_full_querys_first_rows(db, query, limit):
    """The first pass (documents whose title holds every term, ordered without the full query's window
    per document: SQLite's FTS5 title column, PostgreSQL's stored title tsvector) returns, whenever it
    fills the limit, exactly the full query's first rows, on each backend."""
    from reports.search import _pg_sql, _sqlite_sql, parse_query

    engine = create_engine(db)
    build = _sqlite_sql if engine.dialect.name == "sqlite" else _pg_sql
    try:
        parsed = parse_query(query)
        params = {"limit": limit}
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":  # the title hits can be found through their own index
                conn.execute(text("SET LOCAL enable_seqscan = off"))
                plan = "\n".join(r[0] for r in conn.execute(text(
                    "EXPLAIN SELECT id FROM search_entries WHERE title_fts @@ phraseto_tsquery('simple'::regconfig, :q)"),
                    {"q": " ".join(parsed.phrase)}))
                assert "ix_search_entries_title_fts" in plan
            sql, p = build(parsed, "", False, titled_only=True)
            first = conn.execute(text(sql), {**params, **p}).all()
            sql, p = build(parsed, "", False)
            full = conn.execute(text(sql), {**params, **p}).all()
            sql, p = build(parsed, "", False, titled_only=True)
            everything = conn.execute(text(sql), {"limit": 10_000, **p}).all()
        assert len({r.document_id for r in everything}) == len(everything)  # one entry a document
        if len(first) == limit:
            assert [tuple(r) for r in first] == [tuple(r) for r in full]
        else:
            assert len(everything) < limit
    finally:
        engine.dispose()


def test_the_title_pass_frees_parallel_workers_for_its_statement_only(pg_admin):
    """On PostgreSQL the title pass prices parallel workers at nothing (the planner underestimates title
    hits: reports.search._parallel_workers_free); the statements after it in the same transaction,
    such as the full query, are planned with the server's prices again."""
    from reports.search import PARALLEL_COSTS, _parallel_workers_free

    def prices(conn) -> dict[str, str]:
        return {name: conn.exec_driver_sql(f"SHOW {name}").scalar_one() for name in PARALLEL_COSTS}

    # a transaction, as the search's own connection has (SET LOCAL does nothing outside one)
    with pg_admin.connect().execution_options(isolation_level="READ COMMITTED") as conn, conn.begin():
        before = prices(conn)
        assert before["parallel_setup_cost"] != "0"
        with _parallel_workers_free(conn, True):
            assert set(prices(conn).values()) <= {"0", "0kB"}
        assert prices(conn) == before
        with _parallel_workers_free(conn, False):  # SQLite: nothing to set
            assert prices(conn) == before
