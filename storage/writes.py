"""Storing a batch of crawl items: one savepoint per batch (per item when one fails), one writer per
item type.

Why this shape: a crawl writes in batches (one transaction per batch, so it does not pay a commit
per page), but one bad item must not cost the others. The batch runs in one SAVEPOINT; when an item
fails, that savepoint is rolled back and each item runs again in its own: the item that fails is
rolled back alone and recorded in `ItemWriter.failed_items`, the rest is kept (`ItemWriter.save`); a
lost connection or a locked database fails the whole batch. Every writer is an upsert on its item's
natural key, so saving the same batch twice, or resuming a killed crawl, never duplicates a row.

A writer is a function ``(statements, session, run, portal_id, item)``; adding an item type means
a writer in its own module and one entry in `WRITERS`.
"""
from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from storage import incremental, portal_sync
from storage.documents import save_page, save_removed
from storage.fetches import save_fetch
from storage.index_store import SOURCE_SAVERS
from storage.models import CrawlRun
from storage.readings import save_health, save_widget
from storage.statements import Statements
from storage.values import text_or_none

log = logging.getLogger(__name__)

MAX_FAILED_KEPT = 1000

Writer = Callable[[Statements, Session, CrawlRun, str, Mapping[str, Any]], None]

#: item type → its writer (items of a portal; a national source's items go to `SOURCE_SAVERS`)
WRITERS: dict[str, Writer] = {
    "fetch": save_fetch,
    "page": save_page,
    "removed": save_removed,
    "widget": save_widget,
    "health": save_health,
    **incremental.SAVERS,  # "seen", "validator" and "coverage" (issue 12, storage/incremental.py)
}


@dataclass(frozen=True)
class FailedItem:
    """An item `save_items` could not store, and why (the rest of its batch was stored)."""

    run_id: int
    type: str | None
    url: str | None
    error: str


class ItemWriter:
    """Dispatches items to their writers inside a caller's transaction; keeps what failed."""

    def __init__(self, statements: Statements) -> None:
        self.statements = statements
        #: Portals known to be stored (never deleted while they have data), to skip their lookup.
        self.known_portals: set[str] = set()
        #: Items that could not be stored (the first MAX_FAILED_KEPT, so a pipeline can report them).
        self.failed_items: list[FailedItem] = []
        #: How many items could not be stored in all.
        self.failed_count = 0

    def save(self, session: Session, run: CrawlRun, items: Sequence[Mapping[str, Any]]) -> None:
        """Each item in its own savepoint of `session` (see module doc), paid only when needed: the
        batch is first written in one savepoint; only when an item of it fails is that savepoint
        rolled back and each item written again in its own, so the others are kept. A savepoint per
        item cost about a tenth of an unchanged day's crawl process (issue 12: an incremental day
        stores thousands of small "seen" items; `bench/day_after.py`), for a failure that is rare."""
        rows = [dataclasses.asdict(raw) if dataclasses.is_dataclass(raw) and not isinstance(raw, type) else raw
                for raw in items]
        known = set(self.known_portals)
        try:
            with session.begin_nested():
                for item in rows:
                    self.save_one(session, run, item)
            return
        except OperationalError:
            raise  # locked / connection lost: the whole batch fails, nothing is kept
        except (SQLAlchemyError, ValueError, TypeError, KeyError, AttributeError):
            self.known_portals = known  # placeholder portals inserted by the rolled-back pass are gone
        for item in rows:
            try:
                with session.begin_nested():
                    self.save_one(session, run, item)
            except OperationalError:
                raise  # locked / connection lost: the whole batch fails, nothing is kept
            except (SQLAlchemyError, ValueError, TypeError, KeyError, AttributeError) as exc:
                failed = FailedItem(
                    run_id=run.id, type=item.get("type") if isinstance(item, Mapping) else None,
                    url=item.get("url") if isinstance(item, Mapping) else None,
                    error=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                )
                self.failed_count += 1
                if len(self.failed_items) < MAX_FAILED_KEPT:
                    self.failed_items.append(failed)
                log.warning("item not stored (%s %s): %s", failed.type, failed.url, failed.error)

    def save_one(self, session: Session, run: CrawlRun, item: Mapping[str, Any]) -> None:
        """One item by its type; a portal met outside the registry gets its placeholder row first."""
        kind = item.get("type")
        if kind in SOURCE_SAVERS:  # a national source's items: no portal row (storage/index_store.py)
            SOURCE_SAVERS[kind](session, run, item)
            return
        if kind not in WRITERS:
            raise ValueError(f"unknown item type {kind!r}")
        portal_id = text_or_none(item.get("portal_id"))
        if not portal_id:
            raise ValueError("item without portal_id")
        if portal_id not in self.known_portals and portal_sync.ensure(session, portal_id, item.get("url")):
            self.known_portals.add(portal_id)
        WRITERS[kind](self.statements, session, run, portal_id, item)
