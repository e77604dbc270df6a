"""Migrations: a database created at the first revision, holding data, upgrades with nothing lost;
the models equal the migrations; autogenerate ignores tables that are not ours."""
from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, inspect, select, text
from storage_factories import REGISTRY_ROWS

from storage import Store, migrate
from storage.engine import build_engine, resolve_url, write_engine

# Rows written with the FIRST revision's own column names (raw SQL: the models may have moved on).
FIRST_REVISION_ROWS: list[tuple[str, dict]] = [
    ("portals", {"id": "p-tuyenquang", "name": "UBND tỉnh Tuyên Quang", "level": "province", "province": "Tuyên Quang",
                 "parent": None, "base_url": "https://tuyenquang.gov.vn/", "cms": "tandan_sp", "feeds": "[\"/rss\"]",
                 "sitemaps": "[]", "listings": "[]", "registers": "[]", "hosts": "[]", "widget_url": None,
                 "unit_code": "08", "unverified": False, "notes": "seed", "unit_id": None, "in_registry": True,
                 "created_at": dt.datetime(2022, 8, 12, 1, 0), "updated_at": dt.datetime(2022, 8, 12, 1, 0)}),
    ("crawl_runs", {"id": 1, "trigger": "schedule", "status": "complete", "started_at": dt.datetime(2022, 8, 12, 1, 0),
                    "finished_at": dt.datetime(2022, 8, 12, 1, 30), "observed_on": dt.date(2022, 8, 12),
                    "args": "{}", "stats": "{\"pages\": 3}", "host": "h", "pid": 1, "process_start": None}),
    ("documents", {"id": 1, "portal_id": "p-tuyenquang", "url": "https://tuyenquang.gov.vn/a", "first_seen_run_id": 1,
                   "last_seen_run_id": 1, "removed_run_id": None, "removed_status": None, "version": 1,
                   "content_hash": "ab" * 32}),
    ("document_versions", {"id": 1, "document_id": 1, "version": 1, "content_hash": "ab" * 32, "first_seen_run_id": 1,
                           "last_seen_run_id": 1, "title": "Kế hoạch tuyên truyền CCHC", "text": "Nội dung",
                           "is_cchc": True, "doc_number": "41-KH/ĐU", "plan_year": 2022,
                           "published_at": "2022-04-27T09:46:55+07:00"}),
    ("citations", {"id": 1, "version_id": 1, "position": 0, "type": "QĐ", "number": "766/QĐ-TTg",
                   "date": dt.date(2022, 6, 23), "issuer": "Thủ tướng"}),
    ("attachments", {"id": 1, "version_id": 1, "position": 0, "url": "https://tuyenquang.gov.vn/a.pdf",
                     "checksum": "c1", "text": "tệp"}),
    ("document_sightings", {"id": 1, "run_id": 1, "document_id": 1, "version": 1, "fetched_at": None}),
    ("fetches", {"id": 1, "run_id": 1, "portal_id": "p-tuyenquang", "url": "https://tuyenquang.gov.vn/a",
                 "status": 200, "content_hash": "h"}),
    ("portal_health", {"id": 1, "run_id": 1, "portal_id": "p-tuyenquang", "status": 200, "reachable": True}),
    ("widget_readings", {"id": 1, "run_id": 1, "portal_id": "p-tuyenquang", "total": 2142, "on_time": 2142, "late": 0,
                         "late_rate": 0.0, "updated_at": "2022-08-12T13:15:32+07:00"}),
    ("visitor_readings", {"id": 1, "run_id": 1, "portal_id": "p-tuyenquang", "online": 38, "today": 79,
                          "total": 24103}),
]


#: tables of the first revision that a later one replaced, and what holds their rows since (0012:
#: one row per document per run became one interval per unbroken stretch of runs)
REPLACED = {"document_sightings": "sighting_intervals"}


def _snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table the first revision created, ordered by primary key; a table a later
    revision replaced is read as (run, document, version) rows expanded from its replacement."""
    engine = build_engine(resolve_url(url))
    try:
        with engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
            meta = MetaData()
            meta.reflect(conn, only=[t for t, _ in FIRST_REVISION_ROWS if t in present])
            out = {name: [tuple(r) for r in conn.execute(select(meta.tables[name]).order_by(
                       *meta.tables[name].primary_key.columns))]
                   for name, _ in FIRST_REVISION_ROWS if name in present}
            if "document_sightings" in out:
                out["document_sightings"] = [(r[1], r[2], r[3]) for r in out["document_sightings"]]
            elif "sighting_intervals" in present:
                out["document_sightings"] = [tuple(r) for r in conn.execute(text(
                    "SELECT r.id, i.document_id, i.version FROM sighting_intervals i JOIN crawl_runs r "
                    "ON r.id BETWEEN i.first_run_id AND i.last_run_id ORDER BY r.id, i.document_id"))]
            return out
    finally:
        engine.dispose()


def _create_at_first_revision_with_data(url: str, script_location: Path | None = None) -> None:
    engine = write_engine(build_engine(resolve_url(url)))
    try:
        before, after = migrate.upgrade(engine, url, migrate.first_revision(), script_location)
        assert (before, after) == ((), (migrate.first_revision(),))
        with engine.begin() as conn:
            for table, row in FIRST_REVISION_ROWS:
                cols = ", ".join(f'"{c}"' for c in row)
                params = ", ".join(f":{c}" for c in row)
                conn.execute(text(f"INSERT INTO {table} ({cols}) VALUES ({params})"), row)
            if conn.dialect.name == "postgresql":  # explicit ids: move the sequences past them
                for table, _ in FIRST_REVISION_ROWS[1:]:
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 1)"))
    finally:
        engine.dispose()


def test_upgrade_from_first_revision_keeps_every_row(db_url: str) -> None:
    _create_at_first_revision_with_data(db_url)
    before = _snapshot(db_url)
    assert sum(len(rows) for rows in before.values()) == len(FIRST_REVISION_ROWS)
    store = Store.open(db_url)  # upgrades to head
    try:
        with store.engine.connect() as conn:
            assert migrate.current_revisions(conn) == (migrate.head_revision(),)
        after = _snapshot(db_url)
        for table, rows in before.items():
            # Later revisions may add columns; the first revision's columns keep their values.
            assert [r[: len(rows[0])] for r in after[table]] == rows, table
        # The upgraded database is fully usable: new rows go next to the old ones.
        store.sync_portals(REGISTRY_ROWS)
        run = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 13), args={})
        assert run == 2
        import io
        out = io.StringIO()
        assert store.export("documents", "jsonl", out) == 1
        assert '"doc_number": "41-KH/ĐU"' in out.getvalue() and '"first_seen_on": "2022-08-12"' in out.getvalue()
    finally:
        store.close()


SYNTHETIC_REVISION = textwrap.dedent('''
    """Test-only revision: rebuilds the parent table ``documents`` in batch mode (copy + drop) and
    ``crawl_runs`` too, the operation that would cascade-delete children if foreign keys stayed on."""
    import sqlalchemy as sa
    from alembic import op

    revision = "9000_test_batch"
    down_revision = "{head}"
    branch_labels = None
    depends_on = None


    def upgrade() -> None:
        # Copy-and-drop is SQLite's way; PostgreSQL alters in place.
        recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
        with op.batch_alter_table("documents", recreate=recreate) as batch_op:
            batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        with op.batch_alter_table("crawl_runs", recreate=recreate) as batch_op:
            batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))


    def downgrade() -> None:
        with op.batch_alter_table("crawl_runs") as batch_op:
            batch_op.drop_column("note")
        with op.batch_alter_table("documents") as batch_op:
            batch_op.drop_column("note")
''')


def test_batch_rebuild_of_parent_tables_keeps_child_rows(db_url: str, tmp_path: Path) -> None:
    """A future revision that recreates a parent table (SQLite batch mode) must not cascade-delete
    versions, citations or sightings: the upgrade turns foreign keys off around the copy."""
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9000_test_batch.py").write_text(
        SYNTHETIC_REVISION.replace("{head}", migrate.head_revision()), encoding="utf-8")
    _create_at_first_revision_with_data(db_url, scripts)
    before = _snapshot(db_url)
    engine = write_engine(build_engine(resolve_url(db_url)))
    try:
        _, after_revs = migrate.upgrade(engine, db_url, "head", scripts)
        assert after_revs == ("9000_test_batch",)
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # switched back on
    finally:
        engine.dispose()
    after = _snapshot(db_url)
    for table, rows in before.items():
        assert [r[: len(rows[0])] for r in after[table]] == rows, table


def test_models_match_migrations_and_foreign_tables_are_ignored(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE apscheduler_jobs (id VARCHAR(191) PRIMARY KEY, next_run_time FLOAT, "
                          "job_state BYTEA)" if conn.dialect.name == "postgresql" else
                          "CREATE TABLE apscheduler_jobs (id VARCHAR(191) PRIMARY KEY, next_run_time FLOAT, "
                          "job_state BLOB)"))
        if conn.dialect.name == "sqlite":
            conn.execute(text("CREATE VIRTUAL TABLE documents_fts USING fts5(title, text)"))
        else:
            conn.execute(text("CREATE TABLE documents_fts (id INTEGER PRIMARY KEY, tsv TSVECTOR)"))
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "include_name": migrate.include_name, "compare_type": True, "render_as_batch": True})
        assert compare_metadata(context, migrate.load_models()) == []
        tables = set(inspect(conn).get_table_names())
    assert {"apscheduler_jobs", "documents_fts"} <= tables
    # Upgrading again with foreign tables present is a no-op that leaves them alone.
    store.close()
    reopened = Store.open(store.url)
    try:
        with reopened.engine.connect() as conn:
            assert {"apscheduler_jobs", "documents_fts"} <= set(inspect(conn).get_table_names())
    finally:
        reopened.close()


def test_concurrent_first_opens_create_the_schema_once(db_url: str) -> None:
    """Two processes opening a new database at the same moment both end up with one schema."""
    from concurrent.futures import ThreadPoolExecutor

    from storage import upgrade_database

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: upgrade_database(db_url), range(3)))
    head = migrate.head_revision()
    assert sorted(before for before, _ in results) == [[], [head], [head]]
    assert all(after == [head] for _, after in results)


def test_autogenerated_revision_is_empty_when_models_match(tmp_path: Path) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = migrate.head_revision(scripts)
    path = migrate.new_revision("nothing changed", scripts)
    expected_id = f"{int(head[:4]) + 1:04d}"
    assert path.name == f"{expected_id}_nothing_changed.py"
    body = path.read_text(encoding="utf-8")
    assert f"revision: str = '{expected_id}'" in body and f"down_revision: str | Sequence[str] | None = '{head}'" in body
    upgrade_body = body.split("def upgrade() -> None:")[1].split("def downgrade")[0]
    assert [line.strip() for line in upgrade_body.splitlines() if line.strip() and not line.strip().startswith("#")] == ["pass"]
    assert migrate.head_revision(scripts) == expected_id


def test_generated_migrations_use_plain_types() -> None:
    from types import SimpleNamespace

    from storage.models import JSONType, UTCDateTime

    ctx = SimpleNamespace(imports=set())
    assert migrate.render_item("type", UTCDateTime(), ctx) == "sa.DateTime(timezone=True)"
    assert migrate.render_item("type", JSONType, ctx).startswith("sa.JSON(none_as_null=True).with_variant(")
    assert ctx.imports == {"from sqlalchemy.dialects import postgresql"}
    assert migrate.render_item("column", UTCDateTime(), ctx) is False


def test_0015_repeated_failures_upgrade_keeps_validators_and_downgrade_drops_the_404s(db_url: str) -> None:
    """0015 adds ``page_validators.status`` (NULL: the usable answers every row held before); going back
    deletes the rows holding a 404, which the older code would read as usable answers."""
    from alembic import command

    _create_at_first_revision_with_data(db_url)
    engine = write_engine(build_engine(resolve_url(db_url)))
    try:
        migrate.upgrade(engine, db_url, "0014")
        rows = [{"id": i, "portal_id": "p-tuyenquang", "url": f"https://tuyenquang.gov.vn/{name}", "run_id": 1,
                 "body_sha256": "s"} for i, name in ((1, "rss"), (2, "sitemap.xml"))]
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO page_validators (id, portal_id, url, run_id, body_sha256) "
                              "VALUES (:id, :portal_id, :url, :run_id, :body_sha256)"), rows)
        assert migrate.upgrade(engine, db_url, "0015")[1] == ("0015",)
        with engine.begin() as conn:
            assert conn.execute(text("SELECT id, status FROM page_validators ORDER BY id")).all() == [(1, None), (2, None)]
            conn.execute(text("UPDATE page_validators SET status = 404, body_sha256 = NULL WHERE id = 2"))
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0014")
        with engine.connect() as conn:
            assert migrate.current_revisions(conn) == ("0014",)
            assert conn.execute(text("SELECT id, url FROM page_validators")).all() == [(1, "https://tuyenquang.gov.vn/rss")]
            assert "status" not in {c["name"] for c in inspect(conn).get_columns("page_validators")}
        assert migrate.upgrade(engine, db_url, "head")[1] == (migrate.head_revision(),)
    finally:
        engine.dispose()


def test_0016_text_chars_backfills_the_stored_texts_and_downgrade_drops_it(db_url: str) -> None:
    """0016 fills ``document_versions.text_chars`` for the versions already stored with the database's
    character count (what `storage.health.record_yields` computed each run before): letters with
    diacritics count once, not per byte; no text stays NULL. Going back drops the column."""
    from alembic import command

    _create_at_first_revision_with_data(db_url)
    engine = write_engine(build_engine(resolve_url(db_url)))
    try:
        migrate.upgrade(engine, db_url, "0015")
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO document_versions (id, document_id, version, content_hash, first_seen_run_id, "
                "last_seen_run_id, text) VALUES (:id, 1, :version, :hash, 1, 1, :text)"),
                [{"id": 2, "version": 2, "hash": "cd" * 32, "text": "ệ" * 200},
                 {"id": 3, "version": 3, "hash": "ef" * 32, "text": None}])
        assert migrate.upgrade(engine, db_url, "0016")[1] == ("0016",)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id, text_chars FROM document_versions ORDER BY id")).all() == [
                (1, len("Nội dung")), (2, 200), (3, None)]
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0015")
        with engine.connect() as conn:
            assert migrate.current_revisions(conn) == ("0015",)
            assert "text_chars" not in {c["name"] for c in inspect(conn).get_columns("document_versions")}
            assert conn.execute(text("SELECT count(*) FROM document_versions")).scalar_one() == 3
        assert migrate.upgrade(engine, db_url, "head")[1] == (migrate.head_revision(),)
    finally:
        engine.dispose()


def test_0019_plan_rank_index_includes_the_version_id_on_postgresql(db_url: str) -> None:
    """0019 rebuilds coverage's ranking index on PostgreSQL with the version id included, so the ranking
    is an index-only scan (SQLite keeps the rowid in every index: nothing changes there); going back
    restores 0018's index. The stored plan is untouched either way."""
    from alembic import command

    def included() -> list[str]:
        with engine.connect() as conn:
            if conn.dialect.name != "postgresql":
                return []
            return list(conn.execute(text(
                "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE c.relname = 'ix_document_versions_plan_rank' "
                "AND array_position(i.indkey::int2[], a.attnum) >= i.indnkeyatts")).scalars())  # int2vector: 0-based

    _create_at_first_revision_with_data(db_url)
    engine = write_engine(build_engine(resolve_url(db_url)))
    try:
        assert migrate.upgrade(engine, db_url, "0019")[1] == ("0019",)
        postgresql = engine.dialect.name == "postgresql"
        assert included() == (["id"] if postgresql else [])
        with engine.connect() as conn:
            index = {i["name"]: i for i in inspect(conn).get_indexes("document_versions")}["ix_document_versions_plan_rank"]
            assert index["column_names"][:8] == ["category", "plan_year", "document_id", "version", "is_cchc", "organ",
                                                 "doc_date", "published_at"]
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0018")
        assert included() == []
        with engine.connect() as conn:
            assert migrate.current_revisions(conn) == ("0018",)
            assert "ix_document_versions_plan_rank" in {i["name"] for i in inspect(conn).get_indexes("document_versions")}
            assert conn.execute(text("SELECT doc_number, plan_year FROM document_versions")).all() == [("41-KH/ĐU", 2022)]
        assert migrate.upgrade(engine, db_url, "head")[1] == (migrate.head_revision(),)
        assert included() == (["id"] if postgresql else [])
    finally:
        engine.dispose()


def test_0018_plan_rank_index_covers_coverage_ranking_and_downgrade_drops_it(db_url: str) -> None:
    """0018 adds the partial index coverage ranks a year's plans on (`reports.coverage_pick`): on SQLite
    the ranking's reads of the versions come from the index, not from the rows (whose main text sits
    before the ranked columns). Going back drops it; the stored plan is untouched either way."""
    from alembic import command

    _create_at_first_revision_with_data(db_url)
    engine = write_engine(build_engine(resolve_url(db_url)))
    try:
        assert migrate.upgrade(engine, db_url, "0018")[1] == ("0018",)
        with engine.connect() as conn:
            index = {i["name"]: i for i in inspect(conn).get_indexes("document_versions")}["ix_document_versions_plan_rank"]
            assert index["column_names"] == ["category", "plan_year", "document_id", "version", "is_cchc", "organ",
                                             "doc_date", "published_at"]
            if conn.dialect.name == "sqlite":
                plan = " ".join(str(row[-1]) for row in conn.execute(text(
                    "EXPLAIN QUERY PLAN SELECT v.id, v.is_cchc, v.organ, v.doc_date, v.published_at "
                    "FROM document_versions v WHERE v.category = 'propaganda_plan' AND v.plan_year = 2022")))
                assert "COVERING INDEX ix_document_versions_plan_rank" in plan
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0017")
        with engine.connect() as conn:
            assert migrate.current_revisions(conn) == ("0017",)
            assert "ix_document_versions_plan_rank" not in {i["name"] for i in inspect(conn).get_indexes("document_versions")}
            assert conn.execute(text("SELECT doc_number, plan_year FROM document_versions")).all() == [("41-KH/ĐU", 2022)]
        assert migrate.upgrade(engine, db_url, "head")[1] == (migrate.head_revision(),)
    finally:
        engine.dispose()


def test_0022_keeps_the_search_tsvectors_in_the_row_and_rewrites_the_stored_ones(db_url: str) -> None:
    """0022 sets the two tsvectors of `search_entries` to STORAGE MAIN on PostgreSQL (compressed in the
    row; the body goes to TOAST first) and rewrites the table so the entries already stored take that
    layout, without changing one of them; going back restores the default storage. SQLite: nothing."""
    from alembic import command

    from storage import search_index

    def storage() -> dict[str, str]:
        with engine.connect() as conn:
            if conn.dialect.name != "postgresql":
                return {}
            return dict(conn.execute(text(
                "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'search_entries'::regclass "
                "AND attname IN ('fts', 'title_fts')")).all())

    def entries() -> list[tuple]:
        with engine.connect() as conn:
            fts = "md5(fts::text), md5(title_fts::text)" if conn.dialect.name == "postgresql" else "title"
            return [tuple(r) for r in conn.execute(text(f"SELECT id, text_hash, {fts} FROM search_entries ORDER BY id"))]

    _create_at_first_revision_with_data(db_url)
    engine = write_engine(build_engine(resolve_url(db_url)))
    try:
        assert migrate.upgrade(engine, db_url, "0021")[1] == ("0021",)
        search_index.refresh(engine)
        before = entries()
        assert before  # the first revision's document is indexed
        postgresql = engine.dialect.name == "postgresql"
        assert storage() == ({"fts": "x", "title_fts": "x"} if postgresql else {})
        assert migrate.upgrade(engine, db_url, "0022")[1] == ("0022",)
        assert storage() == ({"fts": "m", "title_fts": "m"} if postgresql else {})
        assert entries() == before
        if postgresql:  # the rewrite leaves no clustering mark behind
            with engine.connect() as conn:
                assert not conn.execute(text("SELECT bool_or(indisclustered) FROM pg_index "
                                             "WHERE indrelid = 'search_entries'::regclass")).scalar_one()
        with engine.begin() as conn:
            command.downgrade(migrate.alembic_config(conn), "0021")
        assert storage() == ({"fts": "x", "title_fts": "x"} if postgresql else {})
        assert entries() == before
    finally:
        engine.dispose()
