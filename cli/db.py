"""``cchc db``: bring a database to the code's schema (``upgrade``), show where it stands (``current``),
or check that it is sound (``check``: SQLite's full integrity check, PostgreSQL's catalog; never writes).

Storage problems (bad URL, server down, newer schema, locked file) are printed as one line and the
command exits 2, so scripts and cron mails show what to do instead of a traceback.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from cli.output import OutputError, check_out_file
from storage import StorageError, migrate, schema_status, upgrade_database
from storage.engine import display_url, resolve_url

F = TypeVar("F", bound=Callable[..., Any])

from cli.dbopt import DB_OPTION_HELP  # noqa: E402  (one text for every command's --db)


def storage_errors_exit_2(func: F) -> F:
    """Turn a StorageError into "error: …" on stderr and exit status 2 (shared with ``cli.export``).

    A command's ``--out`` FILE (keyword ``out_path``) is checked here, before the command body opens
    the database: an unwritable destination must fail before any work, in one line (`cli.output`).
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            if kwargs.get("out_path") is not None:
                check_out_file(kwargs["out_path"], db_url=kwargs.get("db_url"))
            return func(*args, **kwargs)
        except (StorageError, OutputError) as exc:
            click.echo(f"error: {exc}", err=True)
            raise SystemExit(2) from None

    return wrapper  # type: ignore[return-value]


@click.group("db")
def db_group() -> None:
    """Database schema and health: upgrade to this version's schema, show the current revision, check."""


@db_group.command("upgrade")
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_OPTION_HELP)
@storage_errors_exit_2
def upgrade_cmd(db_url: str | None) -> None:
    """Create the schema in a new database or migrate an older one to head (one transaction)."""
    before, after = upgrade_database(db_url)
    where = display_url(resolve_url(db_url, create_folder=False))
    if before == after:
        click.echo(f"{where}: already at {', '.join(after)} (head)")
    else:
        click.echo(f"{where}: upgraded from {', '.join(before) or '(empty)'} to {', '.join(after)} (head)")


@db_group.command("current")
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_OPTION_HELP)
@storage_errors_exit_2
def current_cmd(db_url: str | None) -> None:
    """Print the database's schema revision and whether it is at this code's head."""
    status = schema_status(db_url)
    current = ", ".join(status["current"]) or "(none)"
    if status["state"] == "current":
        click.echo(f"{status['url']}: {current} (head)")
    elif status["state"] == "outdated":
        click.echo(f"{status['url']}: {current} (head is {status['head']}; run `cchc db upgrade`)")
    else:
        click.echo(
            f"error: {status['url']}: {current} is newer than this CCHC Watch (head {status['head']}); "
            "upgrade CCHC Watch or use another database",
            err=True,
        )
        raise SystemExit(2)


@db_group.command("check")
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_OPTION_HELP)
@storage_errors_exit_2
def check_cmd(db_url: str | None) -> None:
    """Check the database thoroughly (read-only): exit 0 when sound, 1 when something is wrong.

    SQLite: header, PRAGMA integrity_check and foreign_key_check, schema revision, rows per table.
    PostgreSQL: connection, schema revision, invalid indexes, unvalidated foreign keys, rows per table.
    """
    from storage.check import check_database, report_lines

    report = check_database(db_url)
    for line in report_lines(report):
        click.echo(line)
    if not report.ok:
        click.echo(f"error: {report.url}: {len(report.problems)} problem(s): {'; '.join(report.problems)}", err=True)
        raise SystemExit(1)
    click.echo("ok: no problem found")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the revision changes (becomes its file name).")
@storage_errors_exit_2
def revision_cmd(message: str) -> None:
    """For developers: autogenerate a migration from the models (review it before committing)."""
    path = migrate.new_revision(message)
    click.echo(f"wrote {path}; review it (plain sa types only, batch ops for SQLite) before committing")


COMMANDS = [db_group]
