"""`Store`: the one object the rest of the product uses to read and write the snapshot database.

Writes are batched (one transaction per `save_items` call, so a crawl does not pay a commit per page)
but every item runs in its own SAVEPOINT: an item that fails is rolled back alone and recorded in
`Store.failed_items`, the others are kept. Every item is an upsert on its natural key, so saving the
same batch twice, or resuming a killed crawl, never duplicates a row.

Environment problems (bad URL, server down, database newer than the code, SQLite file locked) are
raised as `StorageError` subclasses with a message that says what to do; they are raised before any
row is changed (the batch transaction is rolled back).
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import socket
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage import evidence, exports, fetchlog, health, incremental, migrate, search_index
from storage.blobs import blob_key
from storage.engine import (
    DEFAULT_BUSY_TIMEOUT_MS,
    build_engine,
    check_sqlite_file,
    display_url,
    dispose,
    resolve_url,
    sqlite_path,
    write_engine,
)
from storage.errors import (
    DatabaseUnreachableError,
    SchemaOutdatedError,
    StorageError,
    UnknownRunError,
    corrupt_error,
    sqlite_problem,
)
from storage.index_store import SOURCE_SAVERS
from storage.sightings import SightingInterval, Sightings, in_run
from storage.models import (
    Attachment,
    Base,
    Citation,
    CrawlRun,
    Document,
    DocumentVersion,
    Fetch,
    Portal,
    PortalHealth,
    VisitorReading,
    WidgetReading,
    utcnow,
)
from storage.values import (
    bool_or_none,
    canonical_url,
    document_content_hash,
    number,
    origin,
    parse_date,
    parse_instant,
    sha256_text,
    split_multi,
    text_or_none,
)

log = logging.getLogger(__name__)

RUN_TRIGGERS = frozenset({"manual", "schedule", "demo"})
RUN_STATUSES = frozenset({"running", "complete", "failed", "incomplete"})
FINAL_STATUSES = RUN_STATUSES - {"running"}
#: Re-fetch statuses that mean "gone". A 2xx/None removal item means "the page no longer holds the
#: document" (decided by the pipeline); any other status (5xx, 403, timeouts) is a portal problem,
#: not a removal, and is ignored.
REMOVAL_STATUSES = frozenset({404, 410})
REGISTRY_LIST_COLUMNS = ("feeds", "sitemaps", "listings", "registers", "hosts")
MAX_FAILED_KEPT = 1000
VISITOR_FIELDS = ("online", "today", "yesterday", "week", "month", "total")
WIDGET_INT_FIELDS = ("total", "on_time", "late")
WIDGET_FLOAT_FIELDS = ("processed_pct", "late_rate", "on_time_rate")


@dataclass(frozen=True)
class FailedItem:
    """An item `save_items` could not store, and why (the rest of its batch was stored)."""

    run_id: int
    type: str | None
    url: str | None
    error: str


def _translate(exc: DBAPIError, where: str, busy_timeout_ms: int) -> StorageError:
    """Map a driver error to the StorageError a person can act on."""
    message = str(exc.orig) if exc.orig is not None else str(exc)
    lowered = message.lower()
    sqlite_error = sqlite_problem(message, where, busy_timeout_ms)
    if sqlite_error is not None:
        return sqlite_error
    if "no such table" in lowered or "undefinedtable" in type(exc.orig).__name__.lower() or (
        "relation" in lowered and "does not exist" in lowered
    ):
        return SchemaOutdatedError(
            f"the database {where} has no CCHC Watch schema (or an incomplete one): run "
            f"`cchc db upgrade --db {where}`. Nothing was changed."
        )
    first_line = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    if "read-only transaction" in lowered:
        return StorageError(f"the database {where} was opened read-only and a write was attempted "
                            f"({first_line}). Nothing was changed.")
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return StorageError(f"the database {where} refused an operation: {first_line}. Nothing was changed.")
    return DatabaseUnreachableError(
        f"cannot use the database {where}: {first_line}. Check that the server is running and "
        "reachable, that the database exists (createdb) and the URL is right (--db or CCHC_DB); "
        "for SQLite check the path and its permissions."
    )


def describe_db_error(exc: DBAPIError, where: str, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> StorageError:
    """The `StorageError` for a driver error met outside `Store` (the scheduler's lock and job store)."""
    return _translate(exc, where, busy_timeout_ms)


def _open_engine(url: str | None, busy_timeout_ms: int, create: bool,
                 read_only: bool = False) -> tuple[Engine, URL]:
    """Resolve the URL and build its engine after the file checks (`storage.engine` docstring).

    ``create=False`` refuses a SQLite file that does not exist; ``read_only`` also refuses an empty
    one and opens the file with ``mode=ro``. Neither creates the file's folder. A writing open of an
    existing SQLite file also runs `_quick_check` first.
    """
    resolved = resolve_url(url, create_folder=create and not read_only)
    if resolved.get_backend_name() == "sqlite":
        where = display_url(resolved)
        check_sqlite_file(sqlite_path(resolved), where, read_only=read_only or not create)
        if not read_only:
            _quick_check(resolved, where, busy_timeout_ms)
    return build_engine(resolved, busy_timeout_ms=busy_timeout_ms, read_only=read_only), resolved


def _quick_check(resolved: URL, where: str, busy_timeout_ms: int) -> None:
    """Before a writing command touches a SQLite file, ``PRAGMA quick_check`` (no index cross-check).

    The header check on open cannot see a damaged page deep in a table the command may never read;
    writing into such a file would bury the damage under new data. quick_check reads every page once
    (measured: 0.55 s for a 195 MB file with a warm cache, against 2.4 s for the full integrity_check
    that `cchc db check` runs), a small price next to a crawl, paid only by writing opens. It runs on a
    read-only connection, before the writing engine's first connection could switch the journal mode.
    """
    if resolved.get_backend_name() != "sqlite":
        return
    path = sqlite_path(resolved)
    if not path.is_file() or path.stat().st_size == 0:
        return  # a new database: nothing to check yet
    engine = build_engine(resolved, busy_timeout_ms=busy_timeout_ms, read_only=True)
    try:
        with engine.connect() as conn:
            problems = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA quick_check(5)")]
    except DBAPIError as exc:
        raise _translate(exc, where, busy_timeout_ms) from None
    finally:
        dispose(engine)
    if problems != ["ok"]:
        raise corrupt_error(where, "; ".join(problems[:2]))


def schema_status(url: str | None = None, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> dict[str, Any]:
    """The database's schema revision next to the code's head, without changing anything.

    ``state`` is "current", "outdated" (older or empty: `cchc db upgrade` fixes it) or "newer"
    (written by a newer CCHC Watch).
    """
    engine, resolved = _open_engine(url, busy_timeout_ms, create=False, read_only=True)
    where = display_url(resolved)
    try:
        with engine.connect() as conn:
            current = migrate.current_revisions(conn)
    except DBAPIError as exc:
        raise _translate(exc, where, busy_timeout_ms) from None
    finally:
        dispose(engine)
    head = migrate.head_revision()
    try:
        migrate.check_known(current, where)
        state = "current" if current == (head,) else "outdated"
    except StorageError:
        state = "newer"
    return {"url": where, "current": list(current), "head": head, "state": state}


def upgrade_database(url: str | None = None, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> tuple[list[str], list[str]]:
    """Bring a database (new or older) to the head revision; returns (revisions before, after)."""
    engine, resolved = _open_engine(url, busy_timeout_ms, create=True)
    where = display_url(resolved)
    try:
        before, after = migrate.upgrade(write_engine(engine), where)
        search_index.refresh(write_engine(engine))  # readers never write the index (storage/search_index.py)
    except DBAPIError as exc:
        raise _translate(exc, where, busy_timeout_ms) from None
    finally:
        dispose(engine)
    return list(before), list(after)


class Store:
    """The snapshot database: registry sync, runs, item writes, summaries and exports."""

    def __init__(self, engine: Engine, url: URL, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> None:
        self.engine: Engine = engine
        #: The full URL (with password, if any) so it can be handed to a child crawl process.
        self.url: str = url.render_as_string(hide_password=False)
        #: The URL as it may be printed.
        self.display_url: str = display_url(url)
        self.busy_timeout_ms = busy_timeout_ms
        self._session_factory = sessionmaker(bind=write_engine(engine), expire_on_commit=False)
        self._own_runs: set[int] = set()
        self._known_portals: set[str] = set()
        self._stmts: dict[Any, Any] = {}
        self.sightings = Sightings()  # issue 12: sightings as intervals (storage/sightings.py)
        #: Items `save_items` could not store (the first MAX_FAILED_KEPT, so a pipeline can report them).
        self.failed_items: list[FailedItem] = []
        #: How many items `save_items` could not store in all.
        self.failed_count = 0

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
        engine, resolved = _open_engine(url, busy_timeout_ms, create=create, read_only=read_only)
        where = display_url(resolved)
        try:
            with engine.connect() as conn:
                current = migrate.current_revisions(conn)
            migrate.check_known(current, where)
            if not migrate.is_at_head(current):
                if not upgrade:
                    raise SchemaOutdatedError(
                        f"the database {where} is at schema revision {', '.join(current) or '(none)'}, "
                        f"older than this code's {migrate.head_revision()}: run "
                        f"`cchc db upgrade --db {where}`. Nothing was changed."
                    )
                migrate.upgrade(write_engine(engine), where)
        except DBAPIError as exc:
            dispose(engine)
            raise _translate(exc, where, busy_timeout_ms) from None
        except BaseException:
            dispose(engine)
            raise
        return cls(engine, resolved, busy_timeout_ms=busy_timeout_ms)

    def close(self) -> None:
        """Release every pooled connection (the SQLite WAL is checkpointed by the last one)."""
        dispose(self.engine)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[Session]:
        """A write transaction (BEGIN IMMEDIATE on SQLite); driver errors become StorageErrors."""
        session = self._session_factory()
        try:
            yield session
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            raise _translate(exc, self.display_url, self.busy_timeout_ms) from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextlib.contextmanager
    def _read(self) -> Iterator[Session]:
        """A read transaction (deferred: never waits behind a writer on SQLite in WAL mode)."""
        session = Session(bind=self.engine)
        try:
            yield session
        except DBAPIError as exc:
            raise _translate(exc, self.display_url, self.busy_timeout_ms) from None
        finally:
            session.close()

    # ------------------------------------------------------------------ registry
    def sync_portals(self, rows: Sequence[Mapping[str, Any]], *, prune: bool = False) -> dict[str, int]:
        """Upsert registry rows into ``portals``; returns counts {"inserted", "updated", "retired", "deleted"}.

        With ``prune=True`` (the caller passes the WHOLE registry) portals missing from `rows` are
        deleted when nothing refers to them and otherwise kept with ``in_registry = False``: a portal
        that has data is never deleted. The default never touches portals absent from `rows`, so a
        crawl of a filtered registry (``--source``, ``--province``) cannot retire the others.
        """
        counts = {"inserted": 0, "updated": 0, "retired": 0, "deleted": 0}
        self._known_portals.clear()
        now = utcnow()
        with self._write() as session:
            seen: set[str] = set()
            for row in rows:
                values = self._portal_values(row)
                seen.add(values["id"])
                portal = session.get(Portal, values["id"])
                if portal is None:
                    session.add(Portal(**values, in_registry=True, created_at=now, updated_at=now))
                    counts["inserted"] += 1
                    continue
                changed = False
                for key, value in values.items():
                    if getattr(portal, key) != value:
                        setattr(portal, key, value)
                        changed = True
                if not portal.in_registry:
                    portal.in_registry = True
                    changed = True
                if changed:
                    portal.updated_at = now
                    counts["updated"] += 1
            session.flush()
            if prune:
                for portal in session.scalars(select(Portal).where(Portal.id.not_in(seen)).order_by(Portal.id)):
                    if self._portal_has_data(session, portal.id):
                        if portal.in_registry:
                            portal.in_registry = False
                            portal.updated_at = now
                            counts["retired"] += 1
                    else:
                        session.delete(portal)
                        counts["deleted"] += 1
        return counts

    @staticmethod
    def _portal_values(row: Mapping[str, Any]) -> dict[str, Any]:
        portal_id = text_or_none(row.get("id"))
        if not portal_id:
            raise ValueError(f"registry row without id: {dict(row)!r}")
        base_url = text_or_none(row.get("base_url")) or ""
        values: dict[str, Any] = {
            "id": portal_id.strip(),
            "name": text_or_none(row.get("name"), 300) or portal_id,
            "level": text_or_none(row.get("level"), 20) or "unknown",
            "province": text_or_none(row.get("province"), 120),
            "parent": text_or_none(row.get("parent"), 120),
            "base_url": base_url,
            "cms": text_or_none(row.get("cms"), 40) or "unknown",
            "widget_url": text_or_none(row.get("widget_url")),
            "unit_code": text_or_none(row.get("unit_code"), 20),
            "unverified": bool(bool_or_none(row.get("unverified"))),
            "notes": text_or_none(row.get("notes")),
        }
        for column in REGISTRY_LIST_COLUMNS:
            values[column] = split_multi(row.get(column))
        return values

    @staticmethod
    def _portal_has_data(session: Session, portal_id: str) -> bool:
        for model in (Fetch, Document, PortalHealth, WidgetReading, VisitorReading):
            found = session.scalar(select(model.id).where(model.portal_id == portal_id).limit(1))
            if found is not None:
                return True
        return False

    def _ensure_portal(self, session: Session, portal_id: str, url: str | None) -> None:
        """A portal met outside the registry (``crawl --url``) gets a minimal row so its data can be kept.

        Portals found in the database are remembered (they are never deleted while they have data);
        a placeholder created here is not, since its savepoint may still roll back.
        """
        if portal_id in self._known_portals:
            return
        if session.scalar(select(Portal.id).where(Portal.id == portal_id)) is not None:
            self._known_portals.add(portal_id)
            return
        now = utcnow()
        session.add(
            Portal(
                id=portal_id, name=portal_id, level="unknown", province=None, parent=None,
                base_url=origin(url) if url else "", cms="unknown", feeds=[], sitemaps=[], listings=[],
                registers=[], hosts=[], unverified=True, in_registry=False, created_at=now, updated_at=now,
                notes="met outside the registry (ad-hoc crawl)",
            )
        )
        session.flush()

    # ------------------------------------------------------------------ runs
    def start_run(self, *, trigger: str, observed_on: dt.date, args: Mapping[str, Any] | None = None) -> int:
        """Record a new run (status "running") and return its id."""
        if trigger not in RUN_TRIGGERS:
            raise ValueError(f"trigger {trigger!r} is not one of {sorted(RUN_TRIGGERS)}")
        if not isinstance(observed_on, dt.date) or isinstance(observed_on, dt.datetime):
            raise ValueError(f"observed_on must be a date, got {observed_on!r}")
        with self._write() as session:
            run = CrawlRun(
                trigger=trigger, status="running", started_at=utcnow(), finished_at=None,
                observed_on=observed_on, args=dict(args or {}), stats=None,
                host=socket.gethostname(), pid=os.getpid(), process_start=_process_start(os.getpid()),
            )
            session.add(run)
            session.flush()
            run_id = run.id
        self._own_runs.add(run_id)
        return run_id

    def finish_run(self, run_id: int, *, status: str, stats: Mapping[str, Any] | None = None) -> None:
        """Close a run with its final status and per-spider stats (made JSON-safe)."""
        if status not in FINAL_STATUSES:
            raise ValueError(f"status {status!r} is not one of {sorted(FINAL_STATUSES)}")
        with self._write() as session:
            run = session.get(CrawlRun, run_id)
            if run is None:
                raise UnknownRunError(f"there is no run {run_id} in {self.display_url}")
            run.status = status
            run.finished_at = utcnow()
            resumed = (run.stats or {}).get("resumed")
            run.stats = exports.json_safe(dict(stats or {}))
            if resumed:  # storage's own note survives the caller's stats
                run.stats = {**run.stats, "resumed": resumed}
            session.flush()
            health.record_yields(session.connection(), run_id)  # the drift canary's figures of this day
        self._own_runs.discard(run_id)
        self.refresh_search_index()

    def refresh_search_index(self) -> None:
        """Index what the run stored (`storage.search_index`: readers never write it). A failure is
        logged, not raised: the crawled data is stored, and the next refresh catches up."""
        try:
            with self._write() as session:
                search_index.refresh(session.connection())
        except StorageError as exc:
            log.warning("search index not refreshed: %s", exc)

    def resume_run(self, run_id: int) -> None:
        """Take over an "incomplete" run (its process was killed) to finish it in this process.

        Resuming the same run, rather than starting a new one, makes the finished snapshot identical
        to that of an uninterrupted crawl (same run id in first/last-seen columns); items already
        stored are upserts, so re-saving them changes nothing. Refuses runs that are complete, failed
        or still running elsewhere.
        """
        with self._write() as session:
            run = session.get(CrawlRun, run_id)
            if run is None:
                raise UnknownRunError(f"there is no run {run_id} in {self.display_url}")
            if run.status != "incomplete":
                raise ValueError(f"run {run_id} is {run.status!r}; only an 'incomplete' run can be resumed "
                                 "(call mark_stale_runs_incomplete() first)")
            run.status = "running"
            run.finished_at = None
            run.host, run.pid, run.process_start = socket.gethostname(), os.getpid(), _process_start(os.getpid())
            run.stats = {k: v for k, v in (run.stats or {}).items() if k != "marked_incomplete"} | {
                "resumed": int((run.stats or {}).get("resumed", 0)) + 1}
        self._own_runs.add(run_id)

    def mark_stale_runs_incomplete(self) -> list[int]:
        """Mark runs left "running" by a process that no longer runs as "incomplete"; return their ids.

        A run is stale when it was started on this host and its process is gone: the pid is not
        alive, or it now belongs to another process (its start time differs from the one recorded).
        Runs of this process (another Store of the same crawl) are live. Runs from another host
        cannot be checked and are left alone.
        """
        host = socket.gethostname()
        marked: list[int] = []
        with self._write() as session:
            runs = session.scalars(select(CrawlRun).where(CrawlRun.status == "running").order_by(CrawlRun.id))
            for run in runs:
                if run.id in self._own_runs or run.host not in (None, host):
                    continue
                if run.pid is not None and _pid_alive(run.pid):
                    current_start = _process_start(run.pid)
                    if run.process_start is None or current_start is None or current_start == run.process_start:
                        continue
                run.status = "incomplete"
                run.finished_at = utcnow()
                run.stats = dict(run.stats or {}) | {"marked_incomplete": "process ended without finishing"}
                marked.append(run.id)
        return marked

    def fail_runs_of_process(self, pid: int, reason: str) -> list[int]:
        """Mark the runs still "running" that process `pid` of this host started as "failed"; return their ids.

        For a parent that launched a crawl process and saw it end without closing its run (killed, or
        dead before it could write): waiting for the next crawl's stale-run check would leave the run
        "running" until then, and a run that died must never look like one in progress. The reason
        is kept in the run's stats under ``error``.
        """
        host = socket.gethostname()
        failed: list[int] = []
        with self._write() as session:
            runs = session.scalars(select(CrawlRun).where(
                CrawlRun.status == "running", CrawlRun.pid == pid, CrawlRun.host == host).order_by(CrawlRun.id))
            for run in runs:
                run.status = "failed"
                run.finished_at = utcnow()
                run.stats = dict(run.stats or {}) | {"error": reason}
                failed.append(run.id)
        return failed

    def answered_fetches(self, run_id: int) -> tuple[int, int, str | None]:
        """(fetches recorded, usable answers, the most frequent fetch error) of a run.

        Usable: a fetch answered 2xx/3xx with no problem recorded (a WAF block page served with 200
        is not one), or a portal whose health the run found reachable (its home page answered, even
        if only with a redirect to a host it may not follow). A run with none found nothing (every
        request refused by the guard, every host down or failing) and is not a complete snapshot.
        """
        with self._read() as session:
            total = session.scalar(select(func.count()).select_from(Fetch).where(Fetch.run_id == run_id)) or 0
            usable = session.scalar(select(func.count()).select_from(Fetch).where(
                Fetch.run_id == run_id, Fetch.status >= 200, Fetch.status < 400, Fetch.error.is_(None))) or 0
            usable += session.scalar(select(func.count()).select_from(PortalHealth).where(
                PortalHealth.run_id == run_id, PortalHealth.reachable.is_(True))) or 0
            unchanged = fetchlog.answered_unchanged(session, run_id)  # answered as before: counted, no row
            total, usable = total + unchanged, usable + unchanged
            common = session.execute(
                select(Fetch.error, func.count().label("n")).where(Fetch.run_id == run_id, Fetch.error.is_not(None))
                .group_by(Fetch.error).order_by(func.count().desc(), Fetch.error).limit(1)).first()
        return int(total), int(usable), (common[0] if common else None)

    # ------------------------------------------------------------------ items
    def save_items(self, run_id: int, items: Sequence[Mapping[str, Any]]) -> None:
        """Store a batch of items in one transaction, each item in its own savepoint (see module doc)."""
        with self._write() as session:
            run = session.get(CrawlRun, run_id)
            if run is None:
                raise UnknownRunError(f"there is no run {run_id} in {self.display_url}; call start_run first")
            for raw in items:
                item = dataclasses.asdict(raw) if dataclasses.is_dataclass(raw) and not isinstance(raw, type) else raw
                try:
                    with session.begin_nested():
                        self._save_one(session, run, item)
                except OperationalError:
                    raise  # locked / connection lost: the whole batch fails, nothing is kept
                except (SQLAlchemyError, ValueError, TypeError, KeyError, AttributeError) as exc:
                    failed = FailedItem(
                        run_id=run_id, type=item.get("type") if isinstance(item, Mapping) else None,
                        url=item.get("url") if isinstance(item, Mapping) else None,
                        error=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                    )
                    self.failed_count += 1
                    if len(self.failed_items) < MAX_FAILED_KEPT:
                        self.failed_items.append(failed)
                    log.warning("item not stored (%s %s): %s", failed.type, failed.url, failed.error)

    def _save_one(self, session: Session, run: CrawlRun, item: Mapping[str, Any]) -> None:
        kind = item.get("type")
        if kind in SOURCE_SAVERS:  # a national source's items: no portal row (storage/index_store.py)
            SOURCE_SAVERS[kind](session, run, item)
            return
        if kind not in _SAVERS:
            raise ValueError(f"unknown item type {kind!r}")
        portal_id = text_or_none(item.get("portal_id"))
        if not portal_id:
            raise ValueError("item without portal_id")
        self._ensure_portal(session, portal_id, item.get("url"))
        _SAVERS[kind](self, session, run, portal_id, item)

    def _cached(self, key: Any, build: Callable[[], Any]) -> Any:
        """A statement built once and reused with bound parameters (building costs more than running)."""
        stmt = self._stmts.get(key)
        if stmt is None:
            stmt = self._stmts[key] = build()
        return stmt

    def _upsert(self, session: Session, model: type[Base], keys: dict[str, Any], values: dict[str, Any],
                *, keep_when_null: bool) -> None:
        """One ``INSERT … ON CONFLICT (keys) DO UPDATE`` statement (SQLite and PostgreSQL).

        With `keep_when_null`, a None in `values` keeps the stored value (later items merge into
        earlier ones); otherwise the new values replace the row's. The statement is built once per
        shape and reused with bound parameters: building it per item costs more than running it.
        """
        dialect = self.engine.dialect.name

        def build() -> Any:
            table = model.__table__
            base = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
            update_set = {
                name: func.coalesce(base.excluded[name], table.c[name]) if keep_when_null else base.excluded[name]
                for name in values
            }
            return base.on_conflict_do_update(index_elements=list(keys), set_=update_set)

        stmt = self._cached(("upsert", model.__tablename__, tuple(keys), tuple(values), keep_when_null), build)
        session.connection().execute(stmt, {**keys, **values})

    def _upsert_fetch(self, session: Session, run: CrawlRun, portal_id: str, values: dict[str, Any]) -> None:
        """One row per (run, url); a later item for the same URL overrides the fields it carries."""
        values = dict(values)
        url = values.pop("url")
        self._upsert(session, Fetch, {"run_id": run.id, "url": url}, {"portal_id": portal_id, **values},
                     keep_when_null=True)

    def _save_fetch(self, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
        url = text_or_none(item.get("url"))
        if not url:
            raise ValueError("fetch item without url")
        if fetchlog.counted_only(self, session, run, portal_id, item):
            return  # a discovery page that answered as before: counted, no row (storage/fetchlog.py)
        self._upsert_fetch(session, run, portal_id, {
            "url": url,
            "requested_url": text_or_none(item.get("requested_url")),
            "status": number(item.get("status"), integer=True),
            "fetched_at": parse_instant(item.get("fetched_at")),
            "content_hash": text_or_none(item.get("content_hash"), 128),
            "discovered_by": text_or_none(item.get("discovered_by"), 40),
            "error": text_or_none(item.get("error")),
        })

    def _save_page(self, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
        url = text_or_none(item.get("url"))
        if not url:
            raise ValueError("page item without url")
        html = item.get("html")
        html_bytes = html.encode("utf-8") if isinstance(html, str) else html if isinstance(html, bytes) else None
        status = number(item.get("status"), integer=True)
        fetched_at = parse_instant(item.get("fetched_at"))
        discovered_by = text_or_none(item.get("discovered_by"), 40)
        self._upsert_fetch(session, run, portal_id, {
            "url": url,
            "requested_url": text_or_none(item.get("requested_url")),
            "status": status,
            "fetched_at": fetched_at,
            "content_hash": text_or_none(item.get("content_hash"), 128) or sha256_text(html_bytes),
            "discovered_by": discovered_by,
            "error": text_or_none(item.get("error")),
        })
        record = item.get("record")
        files = [f for f in (item.get("files") or []) if isinstance(f, Mapping)]
        raw = item.get("raw") if isinstance(item.get("raw"), Mapping) else None
        if not isinstance(record, Mapping) or (status is not None and status >= 400):
            evidence.save_unlinked(session.connection(), run.id, portal_id, raw, files)
            return  # a fetch without an extraction record (or an error page) is not a document
        doc_url = canonical_url(text_or_none(record.get("url")) or url)
        content_hash = document_content_hash(record.get("text"), (text_or_none(f.get("checksum")) for f in files))

        fields = self._version_fields(record, url, fetched_at, status, discovered_by)
        fields["record_hash"] = _derived_hash(record, files)
        docs = Document.__table__
        conn = session.connection()
        found = conn.execute(self._cached("doc.find", lambda: select(
            docs.c.id, docs.c.version, docs.c.content_hash, docs.c.first_seen_run_id, docs.c.last_seen_run_id,
            docs.c.removed_run_id).where(docs.c.portal_id == bindparam("_portal"), docs.c.url == bindparam("_url"))),
            {"_portal": portal_id, "_url": doc_url}).one_or_none()
        if found is None:
            document_id = conn.execute(self._cached("doc.insert", lambda: docs.insert().returning(docs.c.id)), {
                "portal_id": portal_id, "url": doc_url, "first_seen_run_id": run.id, "last_seen_run_id": run.id,
                "removed_run_id": None, "removed_status": None, "version": 1, "content_hash": content_hash,
            }).scalar_one()
            version = 1
            self._add_version(session, document_id, 1, content_hash, run, fields, html_bytes, record, files, raw)
        else:
            document_id, version = found.id, found.version
            changes: dict[str, Any] = {
                "first_seen_run_id": min(found.first_seen_run_id, run.id),
                "last_seen_run_id": max(found.last_seen_run_id, run.id),
            }
            if content_hash != found.content_hash:
                version += 1
                changes.update(version=version, content_hash=content_hash)
                self._add_version(session, document_id, version, content_hash, run, fields, html_bytes, record, files,
                                  raw)
            else:
                self._refresh_version(session, document_id, version, run, fields, record, files)
                if found.last_seen_run_id < run.id:  # seen, not a fetch row (storage/fetchlog.py)
                    fetchlog.forget_unchanged_page(self, conn, run.id, url, status)
            if found.removed_run_id is not None and run.id >= found.removed_run_id:
                changes.update(removed_run_id=None, removed_status=None)  # it came back
            conn.execute(self._cached(("doc.update", tuple(changes)),
                                      lambda: docs.update().where(docs.c.id == bindparam("_id"))),
                         {"_id": document_id, **changes})
        self.sightings.saw(conn, run.id, document_id, version, new_version=found is not None and version != found.version)
        evidence.link_version(session.connection(), run.id, portal_id, document_id, version, raw, files)

    def _refresh_version(self, session: Session, document_id: int, version: int, run: CrawlRun,
                         fields: dict[str, Any], record: Mapping[str, Any], files: list[Mapping[str, Any]]) -> None:
        """Same content seen again: widen the version's seen range; rewrite what the extractor derives
        only when it changed (the extractor may have improved), never the raw page it was first seen with."""
        table = DocumentVersion.__table__
        conn = session.connection()
        current = conn.execute(self._cached("version.find", lambda: select(
            table.c.id, table.c.record_hash, table.c.first_seen_run_id, table.c.last_seen_run_id)
            .where(table.c.document_id == bindparam("_doc"), table.c.version == bindparam("_version"))),
            {"_doc": document_id, "_version": version}).one_or_none()
        if current is None:
            raise ValueError(f"document {document_id} has no row for its version {version}")
        changes: dict[str, Any] = {
            "first_seen_run_id": min(current.first_seen_run_id, run.id),
            "last_seen_run_id": max(current.last_seen_run_id, run.id),
        }
        if current.record_hash != fields["record_hash"]:
            changes.update({k: v for k, v in fields.items()
                            if k not in ("fetched_url", "fetched_at", "status", "discovered_by")})
        conn.execute(self._cached(("version.update", tuple(changes)),
                                  lambda: table.update().where(table.c.id == bindparam("_id"))),
                     {"_id": current.id, **changes})
        if current.record_hash != fields["record_hash"]:
            self._replace_children(session, current.id, record, files, fresh=False)

    @staticmethod
    def _version_fields(record: Mapping[str, Any], url: str, fetched_at: dt.datetime | None,
                        status: int | None, discovered_by: str | None) -> dict[str, Any]:
        def json_or_none(key: str) -> Any:
            value = record.get(key)
            return exports.json_safe(value) if value not in (None, "") else None

        kept_record = {k: v for k, v in record.items() if k != "text"}
        return {
            "fetched_url": url,
            "fetched_at": fetched_at,
            "status": status,
            "discovered_by": discovered_by,
            "title": text_or_none(record.get("title")),
            "published_at": text_or_none(record.get("published_at"), 40),
            "text": text_or_none(record.get("text")),
            "is_cchc": bool_or_none(record.get("is_cchc")),
            "category": text_or_none(record.get("category"), 120),
            "doc_number": text_or_none(record.get("doc_number"), 120),
            "doc_type": text_or_none(record.get("doc_type"), 40),
            "doc_date": parse_date(record.get("doc_date")),
            "issuer": text_or_none(record.get("issuer"), 300),
            "issuer_as_written": text_or_none(record.get("issuer_as_written")),
            "organ": text_or_none(record.get("organ"), 120),
            "plan_year": number(record.get("plan_year"), integer=True),
            "plan_period": text_or_none(record.get("plan_period"), 9),
            "channels": json_or_none("channels"),
            "sections": json_or_none("sections"),
            "deadlines": json_or_none("deadlines"),
            "warnings": json_or_none("warnings"),
            "record": exports.json_safe(kept_record),
        }

    def _add_version(self, session: Session, document_id: int, version: int, content_hash: str, run: CrawlRun,
                     fields: dict[str, Any], html_bytes: bytes | None, record: Mapping[str, Any],
                     files: list[Mapping[str, Any]], raw: Mapping[str, Any] | None = None) -> None:
        """A new version. When the evidence pipeline kept the raw page in the content-addressed store
        (`storage.blobs`), ``html_path`` names its blob and the page is not copied into ``html_z``."""
        table = DocumentVersion.__table__
        blob = blob_key(str(raw["sha256"])) if raw and raw.get("sha256") else None
        version_id = session.connection().execute(
            self._cached("version.insert", lambda: table.insert().returning(table.c.id)), {
                "document_id": document_id, "version": version, "content_hash": content_hash,
                "first_seen_run_id": run.id, "last_seen_run_id": run.id,
                "html_z": zlib.compress(html_bytes, 6) if html_bytes is not None and blob is None else None,
                "html_sha256": sha256_text(html_bytes),
                "html_size": len(html_bytes) if html_bytes is not None else None, "html_path": blob, **fields,
            }).scalar_one()
        self._replace_children(session, version_id, record, files, fresh=True)

    def _replace_children(self, session: Session, version_id: int, record: Mapping[str, Any],
                          files: list[Mapping[str, Any]], *, fresh: bool) -> None:
        """Citations and attachments of a version, rebuilt from the record (same input, same rows)."""
        conn = session.connection()
        if not fresh:
            for model in (Citation, Attachment):
                table = model.__table__
                conn.execute(self._cached(("children.delete", table.name),
                                          lambda: table.delete().where(table.c.version_id == bindparam("_v"))),
                             {"_v": version_id})
        citations: list[dict[str, Any]] = []
        for position, citation in enumerate(c for c in (record.get("citations") or []) if isinstance(c, Mapping)):
            citations.append({
                "version_id": version_id, "position": position, "type": text_or_none(citation.get("type"), 40),
                "number": text_or_none(citation.get("number"), 120), "date": parse_date(citation.get("date")),
                "issuer": text_or_none(citation.get("issuer"), 300),
            })
        if citations:
            conn.execute(self._cached("citation.insert", Citation.__table__.insert), citations)
        by_url: dict[str, dict[str, Any]] = {}
        order: list[str] = []
        for source in (record.get("attachments") or [], files):
            for entry in source:
                if not isinstance(entry, Mapping) or not text_or_none(entry.get("url")):
                    continue
                key = str(entry["url"])
                if key not in by_url:
                    by_url[key] = {}
                    order.append(key)
                by_url[key].update({k: v for k, v in entry.items() if v not in (None, "")})
        attachments: list[dict[str, Any]] = []
        for position, key in enumerate(order):
            entry = by_url[key]
            text = text_or_none(entry.get("text"))
            attachments.append({
                "version_id": version_id, "position": position, "url": key, "name": text_or_none(entry.get("name")),
                "kind": text_or_none(entry.get("kind"), 20), "path": text_or_none(entry.get("path")),
                "checksum": text_or_none(entry.get("checksum"), 128), "text": text, "text_hash": sha256_text(text),
                "warnings": exports.json_safe(entry.get("warnings")) if entry.get("warnings") else None,
            })
        if attachments:
            conn.execute(self._cached("attachment.insert", Attachment.__table__.insert), attachments)

    def _save_removed(self, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
        url = text_or_none(item.get("url"))
        if not url:
            raise ValueError("removed item without url")
        status = number(item.get("status"), integer=True)
        if status is not None and status not in REMOVAL_STATUSES and not 200 <= status < 300:
            log.info("not a removal: %s answered %s", url, status)
            return
        document = session.scalar(select(Document).where(
            Document.portal_id == portal_id, Document.url == canonical_url(url)))
        if document is None:
            log.info("removal of an unknown document ignored: %s", url)
            return
        if run.id < document.last_seen_run_id:
            return  # the document was seen in a later run: this older removal no longer applies
        if document.removed_run_id is None or run.id < document.removed_run_id:
            document.removed_run_id = run.id  # the first run that found it gone
            document.removed_status = status

    def _save_widget(self, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
        """The run's one widget reading for the portal (a later item replaces it) and visitor counter.

        An item whose ``widget`` is None (no widget found on the page) stores no reading, so it never
        erases a reading taken earlier in the run; its visitor counter is still kept.
        """
        widget = item.get("widget")
        if widget is not None and not isinstance(widget, Mapping):
            raise ValueError(f"widget must be a mapping, got {type(widget).__name__}")
        url = text_or_none(item.get("url"))
        fetched_at = parse_instant(item.get("fetched_at"))
        if widget:
            issues = list(item.get("widget_issues") or [])
            values: dict[str, Any] = {
                "url": url, "source": text_or_none(item.get("source"), 20), "fetched_at": fetched_at,
                "period": text_or_none(widget.get("period"), 40),
                "updated_at": text_or_none(widget.get("updated_at"), 40),
            }
            for names, integer in ((WIDGET_INT_FIELDS, True), (WIDGET_FLOAT_FIELDS, False)):
                for name in names:
                    try:
                        values[name] = number(widget.get(name), integer=integer)
                    except ValueError:
                        values[name] = None
                        issues.append(f"storage: {name}={widget.get(name)!r} is not a number")
            values["issues"] = exports.json_safe(issues)
            # One reading per portal per run: the latest replaces it.
            self._upsert(session, WidgetReading, {"run_id": run.id, "portal_id": portal_id}, values,
                         keep_when_null=False)
        visitors = item.get("visitors")
        if isinstance(visitors, Mapping) and visitors:
            self._save_visitors(session, run, portal_id, url, fetched_at, visitors)
        if isinstance(item.get("raw"), Mapping):
            evidence.link_widget(session.connection(), run.id, portal_id, item["raw"], reading=bool(widget))

    def _save_visitors(self, session: Session, run: CrawlRun, portal_id: str, url: str | None,
                       fetched_at: dt.datetime | None, visitors: Mapping[str, Any]) -> None:
        values: dict[str, Any] = {"url": url, "fetched_at": fetched_at, "values": exports.json_safe(dict(visitors))}
        for name in VISITOR_FIELDS:
            try:
                values[name] = number(visitors.get(name), integer=True)
            except ValueError:
                values[name] = None
        self._upsert(session, VisitorReading, {"run_id": run.id, "portal_id": portal_id}, values,
                     keep_when_null=False)

    def _save_health(self, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
        values: dict[str, Any] = {
            "url": text_or_none(item.get("url")),
            "status": number(item.get("status"), integer=True),
            "latency_ms": number(item.get("latency_ms"), integer=False),
            "error": text_or_none(item.get("error")),
            "waf_blocked": bool_or_none(item.get("waf_blocked")),
            "redirected_to": text_or_none(item.get("redirected_to")),
            "has_feed": bool_or_none(item.get("has_feed")),
            "has_widget": bool_or_none(item.get("has_widget")),
        }
        health = session.scalar(select(PortalHealth).where(
            PortalHealth.run_id == run.id, PortalHealth.portal_id == portal_id))
        if health is None:
            health = PortalHealth(run_id=run.id, portal_id=portal_id, **values)
            session.add(health)
        else:
            # Several spiders fetch a portal's home page in one run. One usable answer means the
            # portal was reachable that day: a success replaces an earlier failure's outcome, and a
            # failure after a success (a timeout under load, a rate-limiting WAF) does not undo it.
            # Fields that are not about the outcome (has_feed, has_widget, …) merge: non-null wins.
            was_ok = _reachable(health.status, health.waf_blocked, health.error) is True
            is_ok = _reachable(values["status"], values["waf_blocked"], values["error"]) is True
            outcome = ("status", "latency_ms", "error", "waf_blocked", "url", "redirected_to")
            for key, value in values.items():
                if key in outcome and was_ok and not is_ok:
                    continue
                if key in outcome and is_ok and not was_ok:
                    setattr(health, key, value)
                elif value is not None:
                    setattr(health, key, value)
        health.reachable = _reachable(health.status, health.waf_blocked, health.error)

    # ------------------------------------------------------------------ reads
    def known_document_urls(self, portal_id: str) -> list[str]:
        """URLs of the portal's documents not marked removed, to re-fetch them (removal detection)."""
        with self._read() as session:
            return list(session.scalars(
                select(Document.url).where(Document.portal_id == portal_id, Document.removed_run_id.is_(None))
                .order_by(exports.bytewise(session, Document.url))))

    def run_summary(self, run_id: int) -> dict[str, Any]:
        """What one run saw, per portal and in total (the end-of-crawl table and the demo's summary)."""
        with self._read() as session:
            run = session.get(CrawlRun, run_id)
            if run is None:
                raise UnknownRunError(f"there is no run {run_id} in {self.display_url}")
            pages = dict(session.execute(select(Fetch.portal_id, func.count()).where(Fetch.run_id == run_id)
                                         .group_by(Fetch.portal_id)).all())
            for pid, n in fetchlog.unchanged_by_portal(session, run_id).items():
                pages[pid] = pages.get(pid, 0) + n
            sighted = (select(Document.portal_id, DocumentVersion.is_cchc, Document.first_seen_run_id,
                              SightingInterval.version)
                       .join(Document, Document.id == SightingInterval.document_id)
                       .join(DocumentVersion, (DocumentVersion.document_id == Document.id)
                             & (DocumentVersion.version == SightingInterval.version))
                       .where(in_run(run_id)))
            docs: dict[str, dict[str, int]] = {}
            for portal_id, is_cchc, first_seen, version in session.execute(sighted):
                counts = docs.setdefault(portal_id, {"documents": 0, "cchc_documents": 0, "new_documents": 0})
                counts["documents"] += 1
                counts["cchc_documents"] += 1 if is_cchc else 0
                counts["new_documents"] += 1 if first_seen == run_id else 0
            changed = dict(session.execute(
                select(Document.portal_id, func.count()).join(DocumentVersion, DocumentVersion.document_id == Document.id)
                .where(DocumentVersion.first_seen_run_id == run_id, DocumentVersion.version > 1)
                .group_by(Document.portal_id)).all())
            removed = dict(session.execute(
                select(Document.portal_id, func.count()).where(Document.removed_run_id == run_id)
                .group_by(Document.portal_id)).all())
            widgets = set(session.scalars(select(WidgetReading.portal_id).where(WidgetReading.run_id == run_id)))
            visitors = set(session.scalars(select(VisitorReading.portal_id).where(VisitorReading.run_id == run_id)))
            health = {h.portal_id: h for h in session.scalars(select(PortalHealth).where(PortalHealth.run_id == run_id))}
            portal_ids = sorted(set(pages) | set(docs) | set(changed) | set(removed) | widgets | visitors | set(health))
            names = dict(session.execute(select(Portal.id, Portal.name).where(Portal.id.in_(portal_ids))).all())
            rows: list[dict[str, Any]] = []
            for pid in portal_ids:
                h = health.get(pid)
                counts = docs.get(pid, {"documents": 0, "cchc_documents": 0, "new_documents": 0})
                rows.append({
                    "portal": pid, "name": names.get(pid), "pages": pages.get(pid, 0),
                    "documents": counts["documents"], "cchc_documents": counts["cchc_documents"],
                    "new_documents": counts["new_documents"], "changed_documents": changed.get(pid, 0),
                    "removed_documents": removed.get(pid, 0), "widget": pid in widgets, "visitors": pid in visitors,
                    "status": h.status if h else None, "reachable": h.reachable if h else None,
                    "latency_ms": h.latency_ms if h else None, "error": h.error if h else None,
                    "waf_blocked": bool(h.waf_blocked) if h else False,
                    "redirected_to": h.redirected_to if h else None,
                })
            totals = {
                "portals": len(rows),
                **{key: sum(r[key] for r in rows) for key in
                   ("pages", "documents", "cchc_documents", "new_documents", "changed_documents", "removed_documents")},
                "widgets": sum(1 for r in rows if r["widget"]),
                "waf_blocked": sum(1 for r in rows if r["waf_blocked"]),
                "failing": sum(1 for r in rows if r["error"] or r["waf_blocked"] or (r["status"] or 0) >= 400
                               or r["reachable"] is False),
            }
            return {"run": exports.run_row(run), "portals": rows, "totals": totals}

    def export(self, kind: str, fmt: str, out: IO[str]) -> int:
        """Write every stored record of `kind` (documents|widgets|runs|portals) as jsonl or csv."""
        with self._read() as session:
            return exports.write(session, kind, fmt, out)


def _pid_alive(pid: int) -> bool:
    """True when a process with this id exists on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _derived_hash(record: Mapping[str, Any], files: list[Mapping[str, Any]]) -> str:
    """Hash of the whole extraction output for a page (record and files' metadata)."""
    # a file's "raw" (fetch metadata of its copy, new each run) and "blob" (where its bytes are) are
    # evidence, not extraction output
    kept = [{k: v for k, v in f.items() if k not in ("raw", "blob")} for f in files]
    # the page's chrome (its visitor counter, a sidebar widget) moves every day: not the document's
    # extraction, so an unchanged document re-fetched is not rewritten nor re-indexed (issue 12)
    own = {k: v for k, v in record.items() if k not in ("visitors", "widget", "widget_issues")}
    payload = json.dumps({"record": exports.json_safe(own), "files": exports.json_safe(kept)},
                         sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _process_start(pid: int) -> str | None:
    """The start time of process `pid` (clock ticks since boot, Linux), None where unavailable."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            stat = fh.read()
    except OSError:
        return None
    # Field 2 (comm) may contain spaces and parentheses: split after the last ")".
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def _reachable(status: int | None, waf_blocked: bool | None, error: str | None) -> bool | None:
    """A portal answered with a usable page: 2xx/3xx and not a WAF block page."""
    if status is None:
        return False if error else None
    return 200 <= status < 400 and not waf_blocked


_SAVERS: dict[str, Any] = {
    "fetch": Store._save_fetch,
    "page": Store._save_page,
    "removed": Store._save_removed,
    "widget": Store._save_widget,
    "health": Store._save_health,
}
_SAVERS.update(incremental.SAVERS)  # "seen" and "validator" (issue 12, storage/incremental.py)
