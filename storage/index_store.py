"""Storing what the index766 spider read (items of type "index766"): one item per source, year and run.

Why apart from `Store`'s portal savers: a national source has no `portals` row (it is no unit's portal),
so its items skip the portal bookkeeping `Store._save_one` does, and come here instead (`SOURCE_SAVERS`,
dispatched by item type). Saving is idempotent like every other item: the fetch row is an upsert on
(run, source, year) and the readings of that key are replaced whole, so a resumed run stores the same
snapshot as an uninterrupted one.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage import exports
from storage.index_models import Index766Fetch, Index766Reading
from storage.models import CrawlRun
from storage.values import number, parse_instant, text_or_none

#: component key in an item -> column
COMPONENT_COLUMNS: dict[str, str] = {
    "CKMB": "ckmb", "TDGQ": "tdgq", "TTTT": "tttt", "CLGQ": "clgq", "MDHL": "mdhl", "MDSH": "mdsh",
}


def _score(value: Any) -> float | None:
    result = number(value, integer=False)
    return None if result is None else float(result)


def save_index766(session: Session, run: CrawlRun, item: Mapping[str, Any]) -> None:
    """The read (status, fault, provinces) and each province's figures (None stays None: never 0)."""
    source_id = text_or_none(item.get("source_id"), 120)
    if not source_id:
        raise ValueError("index766 item without source_id")
    year = number(item.get("year"), integer=True)
    if year is None:
        raise ValueError("index766 item without year")
    readings = list(item.get("readings") or [])
    values = {
        "url": text_or_none(item.get("url")), "status": number(item.get("status"), integer=True),
        "error": text_or_none(item.get("error")), "provinces": len(readings),
        "issues": exports.json_safe(list(item.get("issues") or [])),
        "fetched_at": parse_instant(item.get("fetched_at")),
    }
    fetch = session.scalar(select(Index766Fetch).where(
        Index766Fetch.run_id == run.id, Index766Fetch.source_id == source_id, Index766Fetch.year == year))
    if fetch is None:
        session.add(Index766Fetch(run_id=run.id, source_id=source_id, year=year, **values))
    else:
        for key, value in values.items():
            setattr(fetch, key, value)
    session.execute(delete(Index766Reading).where(
        Index766Reading.run_id == run.id, Index766Reading.source_id == source_id, Index766Reading.year == year))
    for r in readings:
        scores = r.get("scores") or {}
        row = Index766Reading(
            run_id=run.id, source_id=source_id, year=year,
            province=text_or_none(r.get("province"), 200) or "", province_key=text_or_none(r.get("province_key"), 120) or "",
            api_id=text_or_none(r.get("api_id"), 40), rank=number(r.get("rank"), integer=True),
            total=_score(r.get("total")), issues=exports.json_safe(list(r.get("issues") or [])),
            raw=exports.json_safe(dict(r.get("raw") or {})),
            **{column: _score(scores.get(comp)) for comp, column in COMPONENT_COLUMNS.items()},
        )
        if not row.province_key:
            raise ValueError(f"index766 reading without a province: {r!r}")
        session.add(row)
    session.flush()


#: item type -> saver, for items of national sources (no portal row)
SOURCE_SAVERS: dict[str, Callable[[Session, CrawlRun, Mapping[str, Any]], None]] = {"index766": save_index766}
