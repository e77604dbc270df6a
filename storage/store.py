"""`Store`: the one object the rest of the product uses to read and write the snapshot database.

It is a thin facade: each concern lives in its own module and `Store` only decides the transactions
and keeps what lives as long as the open database (the statement cache, this process's runs, the
items that failed):

- `storage.database`: opening (file checks, migrate or refuse), sessions, driver-error translation;
- `storage.runs`: the crawl-run lifecycle (start, finish, resume, stale runs via /proc) and summaries;
- `storage.writes`: a batch of items, one savepoint per item, one writer per item type
  (`storage.fetches`, `storage.documents`, `storage.readings`, `storage.incremental`, `storage.index_store`);
- `storage.portal_sync`: registry rows into ``portals``;
- `storage.exports`: the export contract. Reads for reports live in `reports/`.

Writes are batched (one transaction per `save_items` call) but every item runs in its own SAVEPOINT
(`storage.writes`). Environment problems (bad URL, server down, database newer than the code, SQLite
file locked) are raised as `StorageError` subclasses with a message that says what to do; they are
raised before any row is changed (the batch transaction is rolled back).
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session

from storage.database import (
    Sessions,
    describe_db_error,
    open_at_head,
    schema_status,
    upgrade_database,
)
from storage.engine import DEFAULT_BUSY_TIMEOUT_MS, display_url, dispose
from storage.errors import StorageError
from storage.models import Base, Document
from storage.statements import Statements

if TYPE_CHECKING:
    from storage.runs import FINAL_STATUSES, RUN_STATUSES, RUN_TRIGGERS
    from storage.writes import MAX_FAILED_KEPT, FailedItem, ItemWriter

__all__ = [
    "FINAL_STATUSES", "MAX_FAILED_KEPT", "RUN_STATUSES", "RUN_TRIGGERS", "FailedItem", "Store",
    "describe_db_error", "schema_status", "upgrade_database",
]

log = logging.getLogger(__name__)

#: Names re-exported from the writers' and the run lifecycle's modules, imported on first use: a
#: report opens the store to read and never needs them (issue 12, start-up; see `storage.__init__`).
_LAZY = {"FINAL_STATUSES": "storage.runs", "RUN_STATUSES": "storage.runs", "RUN_TRIGGERS": "storage.runs",
         "MAX_FAILED_KEPT": "storage.writes", "FailedItem": "storage.writes"}


def __getattr__(name: str) -> Any:
    """The names of `_LAZY`, imported from their module when first asked for."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'storage.store' has no attribute {name!r}")


class Store:
    """The snapshot database: registry sync, runs, item writes, summaries and exports."""

    def __init__(self, engine: Engine, url: URL, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> None:
        self.engine: Engine = engine
        #: The full URL (with password, if any) so it can be handed to a child crawl process.
        self.url: str = url.render_as_string(hide_password=False)
        #: The URL as it may be printed.
        self.display_url: str = display_url(url)
        self.busy_timeout_ms = busy_timeout_ms
        self._sessions = Sessions(engine, self.display_url, busy_timeout_ms)
        self._statements = Statements(engine.dialect.name)
        self._own_runs: set[int] = set()

    @functools.cached_property
    def _writer(self) -> ItemWriter:
        """The item writer, built on first write (a reading command never imports the writers)."""
        from storage.writes import ItemWriter

        return ItemWriter(self._statements)

    @property
    def failed_items(self) -> list[FailedItem]:
        """Items `save_items` could not store (the first MAX_FAILED_KEPT, so a pipeline can report them)."""
        return self._writer.failed_items

    @property
    def failed_count(self) -> int:
        """How many items `save_items` could not store in all."""
        return self._writer.failed_count

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        upgrade: bool = True,
        create: bool = True,
        read_only: bool = False,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    ) -> Store:
        """Open (and by default migrate to head) the database named by `url`, ``CCHC_DB`` or the default.

        ``upgrade=False`` refuses a database that is not at head instead of migrating it.
        ``create=False`` refuses a SQLite path that does not exist instead of creating an empty file.
        ``read_only=True`` (exports, reports, ``units show``, ``serve``) implies both and more: a
        missing or empty file is refused, SQLite is opened with ``mode=ro`` and PostgreSQL sessions are
        read-only, so the command can neither create, convert nor write anything. Every SQLite open
        checks the file's header first (a damaged file is refused, untouched). A database at a
        revision this code does not know is always refused, untouched.
        """
        if read_only:
            upgrade, create = False, False
        engine, resolved = open_at_head(url, upgrade=upgrade, create=create, read_only=read_only,
                                        busy_timeout_ms=busy_timeout_ms)
        return cls(engine, resolved, busy_timeout_ms=busy_timeout_ms)

    def close(self) -> None:
        """Release every pooled connection (the SQLite WAL is checkpointed by the last one)."""
        dispose(self.engine)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def read(self) -> AbstractContextManager[Session]:
        """A read transaction (deferred: never waits behind a writer on SQLite in WAL mode)."""
        return self._sessions.read()

    def _write(self) -> AbstractContextManager[Session]:
        """A write transaction (BEGIN IMMEDIATE on SQLite); driver errors become StorageErrors."""
        return self._sessions.write()

    _read = read  # the name callers of the single-module Store used

    def _cached(self, key: Any, build: Callable[[], Any]) -> Any:
        """`Statements.cached` of this database (kept for writers written against the old Store)."""
        return self._statements.cached(key, build)

    def _upsert(self, session: Session, model: type[Base], keys: dict[str, Any], values: dict[str, Any],
                *, keep_when_null: bool) -> None:
        """`Statements.upsert` of this database (kept for writers written against the old Store)."""
        self._statements.upsert(session, model, keys, values, keep_when_null=keep_when_null)

    # ------------------------------------------------------------------ registry
    def sync_portals(self, rows: Sequence[Mapping[str, Any]], *, prune: bool = False) -> dict[str, int]:
        """Upsert registry rows into ``portals``; returns counts {"inserted", "updated", "retired", "deleted"}.

        With ``prune=True`` (the caller passes the WHOLE registry) portals missing from `rows` are
        deleted when nothing refers to them and otherwise kept with ``in_registry = False``: a portal
        that has data is never deleted. The default never touches portals absent from `rows`, so a
        crawl of a filtered registry (``--source``, ``--province``) cannot retire the others.
        """
        from storage import portal_sync

        self._writer.known_portals.clear()
        with self._write() as session:
            return portal_sync.sync(session, rows, prune=prune)

    # ------------------------------------------------------------------ runs
    def start_run(self, *, trigger: str, observed_on: dt.date, args: Mapping[str, Any] | None = None) -> int:
        """Record a new run (status "running") and return its id."""
        from storage import runs

        with self._write() as session:
            run_id = runs.start(session, trigger=trigger, observed_on=observed_on, args=args)
        self._own_runs.add(run_id)
        return run_id

    def finish_run(self, run_id: int, *, status: str, stats: Mapping[str, Any] | None = None) -> None:
        """Close a run with its final status and per-spider stats (made JSON-safe)."""
        from storage import runs

        with self._write() as session:
            runs.finish(session, run_id, self.display_url, status=status, stats=stats)
        self._own_runs.discard(run_id)
        self.refresh_derived()

    def refresh_derived(self) -> None:
        """Index what the run stored and rebuild the other derived tables (`storage.derived`: readers
        never write them). A failure is logged, not raised: the crawled data is stored, the readers see
        the tables lag (and do without them), and the next refresh catches up."""
        from storage import derived

        try:
            with self._write() as session:
                derived.refresh(session.connection())
        except StorageError as exc:
            log.warning("search index and plan choices not refreshed: %s", exc)

    def resume_run(self, run_id: int) -> None:
        """Take over an "incomplete" run (its process was killed) to finish it in this process.

        Resuming the same run, rather than starting a new one, makes the finished snapshot identical
        to that of an uninterrupted crawl (same run id in first/last-seen columns); items already
        stored are upserts, so re-saving them changes nothing. Refuses runs that are complete, failed
        or still running elsewhere.
        """
        from storage import runs

        with self._write() as session:
            runs.resume(session, run_id, self.display_url)
        self._own_runs.add(run_id)

    def mark_stale_runs_incomplete(self) -> list[int]:
        """Mark runs left "running" by a process that no longer runs as "incomplete"; return their ids.

        A run is stale when it was started on this host and its process is gone: the pid is not
        alive, or it now belongs to another process (its start time differs from the one recorded).
        Runs of this process (another Store of the same crawl) are live. Runs from another host
        cannot be checked and are left alone.
        """
        from storage import runs

        with self._write() as session:
            return runs.mark_stale(session, self._own_runs)

    def fail_runs_of_process(self, pid: int, reason: str) -> list[int]:
        """Mark the runs still "running" that process `pid` of this host started as "failed"; return their ids.

        For a parent that launched a crawl process and saw it end without closing its run (killed, or
        dead before it could write): waiting for the next crawl's stale-run check would leave the run
        "running" until then, and a run that died must never look like one in progress. The reason
        is kept in the run's stats under ``error``.
        """
        from storage import runs

        with self._write() as session:
            return runs.fail_of_process(session, pid, reason)

    def answered_fetches(self, run_id: int) -> tuple[int, int, str | None]:
        """(fetches recorded, usable answers, the most frequent fetch error) of a run.

        Usable: a fetch answered 2xx/3xx with no problem recorded (a WAF block page served with 200
        is not one), or a portal whose health the run found reachable (its home page answered, even
        if only with a redirect to a host it may not follow). A run with none found nothing (every
        request refused by the guard, every host down or failing) and is not a complete snapshot.
        """
        from storage import runs

        with self.read() as session:
            return runs.answered_fetches(session, run_id)

    # ------------------------------------------------------------------ items
    def save_items(self, run_id: int, items: Sequence[Mapping[str, Any]]) -> None:
        """Store a batch of items in one transaction, each item in its own savepoint (`storage.writes`)."""
        from storage import runs

        with self._write() as session:
            run = runs.get_run(session, run_id, self.display_url, "; call start_run first")
            self._writer.save(session, run, items)

    # ------------------------------------------------------------------ reads
    def known_document_urls(self, portal_id: str) -> list[str]:
        """URLs of the portal's documents not marked removed, to re-fetch them (removal detection)."""
        from storage import exports

        with self.read() as session:
            return list(session.scalars(
                select(Document.url).where(Document.portal_id == portal_id, Document.removed_run_id.is_(None))
                .order_by(exports.bytewise(session, Document.url))))

    def run_summary(self, run_id: int) -> dict[str, Any]:
        """What one run saw, per portal and in total (the end-of-crawl table and the demo's summary)."""
        from storage import runs

        with self.read() as session:
            return runs.summary(session, run_id, self.display_url)

    def export(self, kind: str, fmt: str, out: IO[str]) -> int:
        """Write every stored record of `kind` (documents|widgets|runs|portals) as jsonl or csv."""
        from storage import exports

        with self.read() as session:
            return exports.write(session, kind, fmt, out)
