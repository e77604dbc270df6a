"""`cchc crawl --workers N` (the coordinator: one run, N local worker processes) and `cchc worker`
(one worker joining a run from any machine). The machinery is `crawler.workers_run`; this module
keeps what is the command line's: checks in the order that leaves the database untouched on bad
input, one `error:` line, exit codes, the summary.
"""
from __future__ import annotations

import dataclasses
import signal
import sys
from typing import Any

import click

from cli.crawl_summary import EXIT_BAD_INPUT, EXIT_RUN_FAILED, _fail, print_run_end
from crawler.run import SPIDERS
from reports.formatting import current_lang
from reports.labels import text

#: Most local workers one `cchc crawl --workers` starts (each is a full Scrapy process).
MAX_WORKERS = 32


def run_distributed(*, workers: int, redis_url: str | None, spiders: tuple[str, ...], sources: tuple[str, ...],
                    province: str | None, level: str | None, url: str | None, db: str | None,
                    registry: str | None, trigger: str, max_pages: int, full: bool) -> int:
    """Open the run in PostgreSQL, publish it in Redis, start `workers` local workers, wait for the
    run to end, print the summary. Bad input exits 2 with one `error:` line and no row written."""
    from crawler.registry import RegistryError, UnknownPortalError
    from crawler.run import run_args, select_portals, spider_kwargs
    from crawler.workers import WorkerError
    from crawler.workers_run import (
        close_abandoned,
        connect,
        default_prefix,
        default_redis_url,
        refuse_sqlite,
        run_status,
        spawn_workers,
        start_distributed,
        wait_for_run,
        workers_env,
    )
    from storage import Store
    from storage.datadir import run_paths
    from storage.engine import resolve_url
    from storage.errors import StorageError

    if not 1 <= workers <= MAX_WORKERS:
        _fail(f"--workers must be from 1 to {MAX_WORKERS} (got {workers})")
    unknown = [s for s in spiders if s not in SPIDERS]
    if unknown:
        _fail(f"unknown spider {', '.join(unknown)} (expected: {', '.join(SPIDERS)})")
    if max_pages < 1:
        _fail(f"--max-pages must be a whole number of pages, 1 or more (got {max_pages})")
    redis_url = redis_url or default_redis_url()
    prefix = default_prefix()
    try:
        refuse_sqlite(str(resolve_url(db)))
        selection = select_portals(sources=sources, province=province, level=level, url=url, registry=registry,
                                   default_registry=url is None)
        if not selection.portals and not selection.national:
            _fail("no portal in the registry matches the given --source/--province/--level")
        server = connect(redis_url)
        store = Store.open(db)
    except (WorkerError, StorageError, RegistryError, UnknownPortalError, ValueError) as exc:
        _fail(str(exc))
    try:
        kwargs = spider_kwargs(selection, url=url, max_pages=max_pages)
        args = run_args(spiders=spiders, sources=sources, province=province, level=level, url=url, full=full)
        files = str(run_paths(store.engine.url, 0).files)
        try:
            started = start_distributed(store, server, prefix, redis_url=redis_url, trigger=trigger, args=args,
                                        portals=selection.portals, spiders=spiders, kwargs=kwargs,
                                        files_store=files, full=full)
        except (WorkerError, StorageError) as exc:
            _fail(str(exc))
        lang = current_lang()
        if started.stale:
            click.echo(text("crawl.stale", lang, runs=", ".join(map(str, started.stale))), err=True)
        if started.resumed:
            click.echo(text("crawl.resuming", lang, run=started.run_id), err=True)
        paths = run_paths(store.engine.url, started.run_id)
        paths.create()
        procs = spawn_workers(workers, redis_url=redis_url, prefix=prefix, run_id=started.run_id,
                              env=workers_env(redis_url), log_dir=paths.log.parent)

        def forward(signum: int, _frame: Any) -> None:  # a stop asked of the command stops its workers
            for proc in procs:
                if proc.poll() is None:
                    proc.send_signal(signum)

        signal.signal(signal.SIGTERM, forward)
        signal.signal(signal.SIGINT, forward)
        wait_for_run(server, prefix, procs)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        close_abandoned(store, server, prefix, started.run_id)
        status = run_status(store, started.run_id)
        # each worker logs to a file of its own in the run's log folder: the summary names the folder
        print_run_end(store, started.run_id, dataclasses.replace(paths, log=paths.log.parent))
    except StorageError as exc:
        _fail(str(exc), EXIT_RUN_FAILED)
    finally:
        store.close()
    if status != "complete":
        _fail(f"run {started.run_id} {status}: see the workers' logs in {paths.log.parent}", EXIT_RUN_FAILED)
    return started.run_id


@click.command("worker")
@click.option("--redis", "redis_url", help="Redis holding the run's queue (default: $CCHC_REDIS_URL, else "
              "redis://127.0.0.1:6379/0).")
@click.option("--prefix", default=None, help="Key prefix of the run in Redis (default: $CCHC_REDIS_PREFIX or cchc:).")
@click.option("--run", "run_id", type=int, help="Join only this run (refused if Redis holds another).")
@click.option("--db", help="Join only a run of this database (refused if Redis holds another's).")
@click.option("--files-store", help="Where this worker puts attachment files (default: the run's, set by "
              "`cchc crawl --workers`): a path every worker reaches, or an ftp:// or s3:// store.")
@click.option("--quiet", is_flag=True, hidden=True)
def worker_cmd(redis_url: str | None, prefix: str | None, run_id: int | None, db: str | None,
               files_store: str | None, quiet: bool) -> None:
    """Join a crawl run held in Redis (started by `cchc crawl --workers N`) as one more worker."""
    from crawler.workers import WorkerError
    from crawler.workers_run import default_prefix, default_redis_url, run_worker
    from storage.errors import StorageError

    try:
        outcome = run_worker(redis_url=redis_url or default_redis_url(), prefix=prefix or default_prefix(), db=db,
                             run_id=run_id, files_store=files_store, quiet=quiet)
    except WorkerError as exc:
        _fail(str(exc), EXIT_BAD_INPUT)
    except StorageError as exc:
        _fail(str(exc), EXIT_RUN_FAILED)
    if outcome.status != "complete":
        click.echo(f"error: this worker's crawl {outcome.status}: {outcome.error or outcome.stopped}", err=True)
        sys.exit(EXIT_RUN_FAILED)


COMMANDS = [worker_cmd]
