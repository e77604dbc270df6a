"""The tables derived from the crawled data, rebuilt by whoever writes it (`refresh`).

Why one entry point: the readers (reports, ``cchc serve``) open the database read-only and never
write, so the writers bring every derived table up to date: the end of each crawl run
(``Store.finish_run``), ``cchc db upgrade``, and the loaders of benchmark and test databases. Each
table says in its module what it holds and when a reader may trust it: the search index
(`storage.search_index`) and each unit's first plan per kind and year (`storage.plan_choices`).

One refresh at a time: on PostgreSQL two writers refreshing at once (two first opens of a new database
each upgrading it, a crawl closing its run while someone upgrades) each deleted the one-row marks and
inserted theirs, and the second failed on the marks' primary key. The refresh holds a transaction-level
advisory lock, so the second waits for the first to commit and then finds little to do. SQLite has one
writer at a time anyway.
"""
from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from storage import plan_choices, search_index

#: PostgreSQL advisory-lock key of a refresh (`storage.migrate.UPGRADE_LOCK_KEY` is ...0001).
REFRESH_LOCK_KEY = 0x43434843_0002


def refresh(engine: Engine | Connection) -> dict[str, int]:
    """Bring every derived table in line with the crawled data, in one transaction (the caller's when
    given a connection); what each refresh did."""
    if isinstance(engine, Connection):
        return _refresh(engine)
    with engine.begin() as conn:
        return _refresh(conn)


def _refresh(conn: Connection) -> dict[str, int]:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REFRESH_LOCK_KEY})
    out = search_index.refresh(conn)
    out["plan_choices"] = plan_choices.refresh(conn)
    return out
