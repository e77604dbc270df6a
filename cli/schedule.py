"""`cchc schedule`: the daily crawl daemon, or one scheduled run with `--once`."""
from __future__ import annotations

import logging
import sys

import click

import scheduler
from storage.errors import StorageError


@click.command("schedule")
@click.option("--once", is_flag=True, help="Run the scheduled crawl now and exit (for cron and tests).")
@click.option("--db", help="Database URL or SQLite path (default: CCHC_DB or ./data/cchc.sqlite).")
@click.option("--at", default="02:00", show_default=True, help="Daily run time, HH:MM in Asia/Ho_Chi_Minh.")
@click.option("--widgets-every", type=float, help="Also read widgets every N hours.")
@click.option("--grace-hours", default=12.0, show_default=True, help="A run missed by less than this still runs (once).")
@click.option("--max-runs", type=int, hidden=True, help="Stop after N runs (operations and tests).")
@click.option("--registry", type=click.Path(dir_okay=False, exists=True), help="Registry CSV to crawl (default: the bundled one).")
@click.option("--reset-jobs", is_flag=True, help="Delete the daemon's stored jobs (after an incompatible upgrade).")
def schedule_cmd(once, db, at, widgets_every, grace_hours, max_runs, registry, reset_jobs) -> None:
    """Crawl the registry every day without a person (each run in a fresh process)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        if reset_jobs:
            click.echo(f"removed {scheduler.reset_jobs(db)} stored job(s)")
            return
        if once:
            rc = scheduler.run_once(db, registry)
            if rc is None:
                click.echo("skipped: another crawl is running", err=True)
                return
            sys.exit(rc)
        scheduler.run_daemon(db, at=at, widgets_every_hours=widgets_every, grace_hours=grace_hours, max_runs=max_runs, registry=registry)
    except (scheduler.SchedulerError, StorageError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


COMMANDS = [schedule_cmd]
