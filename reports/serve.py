"""`cchc serve`: the database in Datasette, with canned queries and a description of each table.

Datasette reads SQLite only. On PostgreSQL the command says so and offers ``--export-sqlite FILE``:
a copy of every CCHC Watch table into a new SQLite file, which is then served. The file is opened
read-write but never written by Datasette (no write plugins), so a crawl may go on beside it.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, select

from reports.base import ReportError

DB_NAME = "cchc"

TABLES: dict[str, str] = {
    "crawl_runs": "One crawl each: the snapshot everything else refers to; observed_on is the day it observed.",
    "portals": "The portal registry as stored (one row per portal; unit_id links the administrative unit).",
    "portal_health": "How each portal answered in each run: status, latency, WAF, feed and widget presence.",
    "fetches": "Every URL fetched in a run, with status and a hash of the raw bytes.",
    "documents": "One logical document (portal + URL): current version, first/last run seen, removal.",
    "document_versions": "Each content state of a document with the extracted fields (category, number, dates, issuer, plan year).",
    "document_sightings": "Which run saw which document in which version (per-snapshot membership).",
    "citations": "Documents a version cites (number, date, issuer).",
    "attachments": "Files linked from a version, with their extracted text.",
    "widget_readings": "The TTHC result widget as each run read it: processed, on time, late, rates, the portal's own updated-at.",
    "visitor_readings": "Visitor counters as each run read them.",
    "admin_units": "Administrative units before and after the 2025 reorganisation (`cchc units sync`).",
    "admin_unit_successions": "Which unit became (part of) which.",
    "portal_units": "The unit each registry portal belongs to.",
    "review_corrections": "Corrections by a person (not CCHC, category, link, offline plan); applied by the reports.",
    "search_entries": "Folded copy of document and attachment text for full-text search (cchc report search).",
}

QUERIES: dict[str, dict[str, Any]] = {
    "coverage": {
        "title": "Coverage: units with a government propaganda plan for a year",
        "description": "One row per registry portal; the earliest-issued plan found for :year (review corrections are applied by `cchc report coverage`, not here).",
        "sql": """
select p.id as portal, p.name as unit, p.level, p.province,
  (select v.doc_number from documents d join document_versions v on v.document_id = d.id and v.version = d.version
   where d.portal_id = p.id and d.removed_run_id is null and v.category = 'propaganda_plan'
     and v.plan_year = cast(:year as integer) and coalesce(v.organ, 'government') = 'government'
   order by coalesce(v.doc_date, substr(v.published_at, 1, 10)) limit 1) as doc_number,
  (select d.url from documents d join document_versions v on v.document_id = d.id and v.version = d.version
   where d.portal_id = p.id and d.removed_run_id is null and v.category = 'propaganda_plan'
     and v.plan_year = cast(:year as integer) and coalesce(v.organ, 'government') = 'government'
   order by coalesce(v.doc_date, substr(v.published_at, 1, 10)) limit 1) as url
from portals p where p.in_registry order by p.province, p.level, p.name""",
    },
    "late_widgets": {
        "title": "Late widgets: the latest reading of each portal with late dossiers",
        "sql": """
select w.portal_id as portal, p.name as unit, r.observed_on, w.period, w.total, w.on_time, w.late,
  w.on_time_rate, w.updated_at
from widget_readings w join crawl_runs r on r.id = w.run_id join portals p on p.id = w.portal_id
where w.run_id = (select max(w2.run_id) from widget_readings w2 where w2.portal_id = w.portal_id)
  and w.late > 0
order by w.late desc""",
    },
    "recent_plans": {
        "title": "Recent plans: CCHC plans first seen in the last :days days of runs",
        "sql": """
select d.portal_id as portal, v.category, v.doc_number, v.doc_date, v.published_at, v.title, d.url,
  r.observed_on as first_seen_on
from documents d join document_versions v on v.document_id = d.id and v.version = d.version
join crawl_runs r on r.id = d.first_seen_run_id
where v.category in ('propaganda_plan', 'plan') and d.removed_run_id is null
  and r.observed_on >= date((select max(observed_on) from crawl_runs), '-' || cast(:days as integer) || ' days')
order by r.observed_on desc, d.portal_id""",
    },
}


def metadata(db_name: str = DB_NAME) -> dict[str, Any]:
    """Datasette metadata: title, table descriptions, canned queries (Datasette names a database by
    its file's stem, so the served file's stem is the key)."""
    return {
        "title": "CCHC Watch",
        "description": "Administrative-reform plans and TTHC result widgets of Vietnamese government portals; every crawl is a snapshot.",
        "databases": {db_name: {
            "tables": {name: {"description": text} for name, text in TABLES.items()},
            "queries": QUERIES,
        }},
    }


def export_sqlite(engine: Engine, path: str | Path) -> Path:
    """Copy every CCHC Watch table (models, corrections) into a new SQLite file at head revision."""
    from storage import upgrade_database
    from storage.migrate import load_models

    target = Path(path)
    if target.exists():
        raise ReportError(f"{target} exists: give a new file for the SQLite copy")
    url = f"sqlite:///{target}"
    upgrade_database(url)
    from reports.review import corrections

    tables = list(load_models().sorted_tables) + [corrections]
    dst = create_engine(url)
    try:
        with engine.connect() as src, dst.begin() as out:
            for table in tables:
                rows = [dict(r._mapping) for r in src.execute(select(table))]
                for i in range(0, len(rows), 1000):
                    out.execute(insert(table), rows[i:i + 1000])
    finally:
        dst.dispose()
    return target


def write_metadata(folder: Path, db_name: str) -> Path:
    path = folder / "metadata.json"
    path.write_text(json.dumps(metadata(db_name), ensure_ascii=False, indent=2), encoding="utf-8")
    return path
