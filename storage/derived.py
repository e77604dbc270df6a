"""The tables derived from the crawled data, rebuilt by whoever writes it (`refresh`).

Why one entry point: the readers (reports, ``cchc serve``) open the database read-only and never
write, so the writers bring every derived table up to date: the end of each crawl run
(``Store.finish_run``), ``cchc db upgrade``, and the loaders of benchmark and test databases. Each
table says in its module what it holds and when a reader may trust it: the search index
(`storage.search_index`) and each unit's first plan per kind and year (`storage.plan_choices`).
"""
from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from storage import plan_choices, search_index


def refresh(engine: Engine | Connection) -> dict[str, int]:
    """Bring every derived table in line with the crawled data, each in its own transaction when given
    an engine (within the caller's when given a connection); what each refresh did."""
    out = search_index.refresh(engine)
    out["plan_choices"] = plan_choices.refresh(engine)
    return out
