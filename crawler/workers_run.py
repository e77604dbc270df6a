"""Starting, joining and closing a run crawled by several workers (`cchc crawl --workers N`,
`cchc worker --redis URL`); the Redis side is `crawler.workers`, the crawl itself `crawler.run`.

Why the database is touched only after Redis was checked: a worker pointed at an unreachable Redis,
or at a Redis that holds another run's queue, must say so and leave every stored row as it was.
Why the run is closed by a worker and not only by the command that started them: a worker on another
machine, or one restarted after a SIGKILL, may be the last one working; whichever worker finds the
re-check over in the whole run and every live worker done records the run's end (once: a Redis
``SET NX`` decides), with the stats of every worker.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.run import RECHECK, Outcome, close_run, crawl_in_process, open_run
from crawler.workers import (
    DEFAULT_PREFIX,
    Board,
    WorkerError,
    check_board,
    clear_run,
    connect,
    text_of,
    worker_id,
    worker_settings,
)

if TYPE_CHECKING:
    from redis import Redis
    from scrapy.settings import Settings

    from crawler.registry import Portal
    from storage import Store

#: Longest the closing worker waits for the other live workers to record their stats (seconds).
DONE_WAIT = 60.0


def default_redis_url() -> str:
    """``$CCHC_REDIS_URL``, else the Redis on this machine (database 0)."""
    return os.environ.get("CCHC_REDIS_URL") or "redis://127.0.0.1:6379/0"


def default_prefix() -> str:
    return os.environ.get("CCHC_REDIS_PREFIX") or DEFAULT_PREFIX


def refuse_sqlite(url: str) -> None:
    """Workers share one PostgreSQL database: a SQLite file is one machine's and one writer's."""
    if url.startswith("sqlite") or "://" not in url:
        raise WorkerError("--workers needs a PostgreSQL database (--db postgresql://…): workers on several "
                          "processes and machines write to one shared store; SQLite is one process's file")


@dataclass
class Started:
    """A distributed run the coordinator opened (or rejoined) and published in Redis."""

    run_id: int
    resumed: bool
    stale: list[int]
    board: Board


def start_distributed(store: Store, server: Redis, prefix: str, *, redis_url: str, trigger: str,
                      args: dict[str, Any], portals: list[Portal], spiders: Sequence[str],
                      kwargs: dict[str, Any], files_store: str, full: bool) -> Started:
    """Open (or resume) the run and publish it in Redis for its workers.

    Redis is checked first: a queue of another run there is refused before any row is written; the
    queue of this same run (its coordinator was killed) is rejoined as it is.
    """
    existing = Board.load(server, prefix)
    from core.clock import observed_on
    from crawler.run import resumable_run

    if existing is not None:
        again = resumable_run(store, trigger=trigger, observed_on=observed_on(), args=args)
        if again != existing.run_id or not _same_db(existing.db, str(store.url)):
            raise WorkerError(f"Redis at {redis_url} holds the queue of another run (run {existing.run_id}); "
                              f"let its workers finish, or clear it (prefix {prefix!r}) if that run is abandoned")
    opened = open_run(store, trigger=trigger, args=args, portals=portals)
    board = existing or Board(run_id=opened.run_id, db=store.engine.url.render_as_string(hide_password=False),
                              spiders=list(spiders), kwargs=kwargs, files_store=files_store, full=full,
                              portal_ids=[p.id for p in portals])
    board.save(server, prefix)
    return Started(opened.run_id, opened.resumed, opened.stale, board)


def _same_db(a: str, b: str) -> bool:
    from crawler.workers import same_database

    return same_database(a, b)


def spawn_workers(n: int, *, redis_url: str, prefix: str, run_id: int, env: dict[str, str] | None = None,
                  log_dir: Path | None = None) -> list[subprocess.Popen[bytes]]:
    """Start `n` local worker processes (`cchc worker`) for the run; their output goes to log files."""
    procs = []
    for i in range(n):
        out = open(log_dir / f"run-{run_id}.worker-{i + 1}.out", "ab") if log_dir else subprocess.DEVNULL  # noqa: SIM115
        procs.append(subprocess.Popen(
            [sys.executable, "-P", "-m", "cli", "worker", "--redis", redis_url, "--prefix", prefix,
             "--run", str(run_id), "--quiet"],
            env=env, stdout=out, stderr=subprocess.STDOUT))
    return procs


def wait_for_run(server: Redis, prefix: str, procs: Sequence[subprocess.Popen[bytes]], *, poll: float = 1.0) -> None:
    """Wait until the local workers exited and no worker anywhere is still alive on the run."""
    for proc in procs:
        proc.wait()
    while Board.load(server, prefix) is not None and any(server.scan_iter(match=prefix + "alive:*", count=100)):
        time.sleep(poll)


def run_worker(*, redis_url: str, prefix: str, db: str | None = None, run_id: int | None = None,
               files_store: str | None = None, quiet: bool = True) -> Outcome:
    """Join the run held in Redis as one worker, crawl until the run's work is over, and close the
    run when this worker is the one to find it over. Raises WorkerError before touching the database."""
    from storage import Store
    from storage.datadir import run_paths

    server = connect(redis_url)
    board = check_board(server, prefix, url=redis_url, db=db, run_id=run_id)
    store = Store.open(board.db)
    try:
        status = run_status(store, board.run_id)
        if status != "running":
            raise WorkerError(f"run {board.run_id} is {status or 'not in the database'}, not running: "
                              f"nothing to join (Redis at {redis_url} still names it)")
        me = worker_id()
        paths = run_paths(store.engine.url, board.run_id)
        log = paths.log.with_name(f"run-{board.run_id}.{me}.log")
        known = paths.known.with_name(f"run-{board.run_id}.{me}.pages.sqlite")

        def tune(settings: Settings) -> None:
            worker_settings(settings, redis_url=redis_url, prefix=prefix, worker=me)
            settings.set("LOG_FILE", str(log), priority="cmdline")
            settings.set("FILES_STORE", files_store or board.files_store, priority="cmdline")

        from crawler.run import select_portals

        portals = select_portals(sources=board.kwargs.get("sources", "").split(","),
                                 url=board.kwargs.get("url"), registry=board.kwargs.get("registry")).portals
        try:
            outcome = crawl_in_process(store, board.run_id, portals, tuple(board.spiders), dict(board.kwargs),
                                       paths, quiet=quiet, full=board.full, known_path=known, tune=tune)
        finally:
            known.unlink(missing_ok=True)
        server.hset(prefix + "stats", me, json.dumps({"status": outcome.status, "error": outcome.error,
                                                      "stopped": outcome.stopped, "stats": outcome.stats}))
        if outcome.status == "complete" and recheck_over(server, prefix):
            finish_distributed(store, server, prefix, board.run_id)
        return outcome
    finally:
        store.close()


def run_status(store: Store, run_id: int) -> str | None:
    """The run's status in the database (None when there is no such run)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from storage.models import CrawlRun

    with Session(store.engine) as session:
        return session.scalar(select(CrawlRun.status).where(CrawlRun.id == run_id))


def recheck_over(server: Redis, prefix: str) -> bool:
    """The re-check (the run's last phase) is over everywhere: its queue empty, no lease of it left."""
    key = f"{prefix}{RECHECK}:requests"
    if server.zcard(key):
        return False
    return not any(server.hlen(k) for k in server.scan_iter(match=key + ":leases:*"))


def merged_outcome(server: Redis, prefix: str) -> Outcome:
    """The run's outcome from every worker's: per spider, numeric stats summed over workers."""
    outcome = Outcome()
    workers = {text_of(k): json.loads(v) for k, v in server.hgetall(prefix + "stats").items()}
    for name in sorted(workers):
        for spider, stats in workers[name]["stats"].items():
            merged = outcome.stats.setdefault(spider, {})
            for key, value in stats.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool) and isinstance(merged.get(key, 0), (int, float)):
                    merged[key] = merged.get(key, 0) + value
                else:
                    merged.setdefault(key, value)
    outcome.stats["workers"] = {name: {"status": w["status"], "error": w["error"]} for name, w in workers.items()}
    return outcome


def finish_distributed(store: Store, server: Redis, prefix: str, run_id: int) -> bool:
    """Close the run once, from whichever worker gets here first; True when this one did."""
    if not server.set(prefix + "closing", "1", nx=True):
        return False
    deadline = time.monotonic() + DONE_WAIT
    while time.monotonic() < deadline:
        alive = {text_of(k).rsplit(":", 1)[1] for k in server.scan_iter(match=prefix + "alive:*", count=100)}
        done = {text_of(k) for k in server.hkeys(prefix + "stats")}
        if alive <= done:
            break
        time.sleep(0.5)
    close_run(store, run_id, merged_outcome(server, prefix))
    clear_run(server, prefix)
    return True


def close_abandoned(store: Store, server: Redis, prefix: str, run_id: int) -> None:
    """After every worker ended: a run no worker closed did not complete; record it incomplete (the
    next identical `cchc crawl --workers` resumes it with the queue Redis still holds)."""
    if run_status(store, run_id) != "running":
        return
    outcome = merged_outcome(server, prefix)
    outcome.status = "incomplete"
    outcome.error = "the workers ended before the run's queue was empty (see the workers' logs)"
    close_run(store, run_id, outcome)


def workers_env(redis_url: str) -> dict[str, str]:
    """The environment of local workers: this one's (proxy, politeness, data folder)."""
    env = dict(os.environ)
    env["CCHC_REDIS_URL"] = redis_url
    return env
