"""`cchc schedule`: the daily crawl daemon, or one scheduled run with `--once`.

Everything that can be checked before a crawl starts is checked first, and each failure is one
``error:`` line and exit status 2, never a traceback (these run from cron, where a traceback is a mail
nobody reads to the end): every option's range (`scheduler.validate_options`), then the database
itself (opened and brought to the schema head the way the crawl would, so a server that is down, a
missing database or role, a damaged file or a read-only folder is named before any lock or job store
is touched).
"""
from __future__ import annotations

import logging
import os
import sys

import click
from sqlalchemy.exc import DBAPIError

import scheduler
from cli.params import lang_option
from reports.formatting import current_lang
from reports.labels import text
from storage import Store
from storage.engine import display_url, resolve_url, sqlite_path
from storage.errors import StorageError
from storage.store import describe_db_error


def _preflight(db: str | None) -> None:
    """Open the database as the crawl will (migrating it), and check its SQLite folder is writable."""
    url = resolve_url(db)
    if url.get_backend_name() == "sqlite":
        folder = sqlite_path(url).parent.resolve()
        if not os.access(folder, os.W_OK | os.X_OK):
            raise StorageError(
                f"the folder {folder} of the SQLite database {display_url(url)} cannot be written (permission "
                "denied or read-only): a crawl needs it for the database's journal, its lock and its logs. "
                "Make it writable or give another --db / CCHC_DB. Nothing was changed."
            )
    Store.open(db).close()


@click.command("schedule")
@click.option("--once", is_flag=True, help="Run the scheduled crawl now and exit (for cron and tests).")
@click.option("--db", help="Database URL or SQLite path (default: CCHC_DB or ./data/cchc.sqlite).")
@click.option("--at", default="02:00", show_default=True, help="Daily run time, HH:MM in Asia/Ho_Chi_Minh.")
@click.option("--widgets-every", type=float,
              help=f"Also read widgets every N hours ({scheduler.MIN_WIDGET_HOURS:g} to {scheduler.MAX_WIDGET_HOURS:g}).")
@click.option("--grace-hours", default=12.0, show_default=True, type=float,
              help=f"A run missed by less than this still runs, once (up to {scheduler.MAX_GRACE_HOURS:g}).")
@click.option("--max-runs", type=int, hidden=True, help="Stop after N runs (operations and tests).")
@click.option("--registry", type=click.Path(dir_okay=False, exists=True), help="Registry CSV to crawl (default: the bundled one).")
@click.option("--reset-jobs", is_flag=True, help="Delete the daemon's stored jobs (after an incompatible upgrade).")
@lang_option
def schedule_cmd(once: bool, db: str | None, at: str, widgets_every: float | None, grace_hours: float,
                 max_runs: int | None, registry: str | None, reset_jobs: bool) -> None:
    """Crawl the registry every day without a person (each run in a fresh process)."""
    try:
        scheduler.validate_options(at=at, widgets_every_hours=widgets_every, grace_hours=grace_hours,
                                   max_runs=max_runs)
        where = display_url(resolve_url(db, create_folder=False))
        if reset_jobs:
            click.echo(text("schedule.removed", current_lang(), n=scheduler.reset_jobs(db)))
            return
        _preflight(db)
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        if once:
            rc = scheduler.run_once(db, registry, lang=current_lang())
            if rc is None:
                click.echo(text("schedule.skipped", current_lang()), err=True)
                return
            sys.exit(rc)
        scheduler.run_daemon(db, at=at, widgets_every_hours=widgets_every, grace_hours=grace_hours, max_runs=max_runs,
                             registry=registry, lang=current_lang())
    except (scheduler.SchedulerError, StorageError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except DBAPIError as exc:  # the lock or the job store met the database failing after the preflight
        click.echo(f"error: {describe_db_error(exc, where)}", err=True)
        sys.exit(2)
    except OSError as exc:  # e.g. the crawl lock file beside the database cannot be created
        target = f" {exc.filename}" if exc.filename else ""
        click.echo(f"error: cannot use{target} ({exc.strerror or exc}): check that the database's folder is "
                   "writable, then retry. Nothing was changed.", err=True)
        sys.exit(2)


COMMANDS = [schedule_cmd]
