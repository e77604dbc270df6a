"""``cchc export KIND``: every stored record of one kind as JSON lines or CSV (the machine-readable contract).

The export only reads: it never creates a missing SQLite file and never migrates the schema (an
older database is reported with the ``cchc db upgrade`` command to run).
"""
from __future__ import annotations

import sys

import click

from cli.db import DB_OPTION_HELP, storage_errors_exit_2
from storage import Store
from storage.exports import FORMATS, KINDS


@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_OPTION_HELP)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True,
              help="jsonl: one JSON object a line; csv: a header row, then one row a record.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to FILE instead of standard output.")
@storage_errors_exit_2
def export_cmd(kind: str, db_url: str | None, fmt: str, out_path: str | None) -> None:
    """Export documents, widgets, runs or portals: one row per stored record, in a fixed order."""
    store = Store.open(db_url, read_only=True)
    try:
        if out_path is None:
            count = store.export(kind, fmt, sys.stdout)
        else:
            with open(out_path, "w", encoding="utf-8", newline="") as out:
                count = store.export(kind, fmt, out)
            click.echo(f"{count} {kind} written to {out_path}", err=True)
    finally:
        store.close()


COMMANDS = [export_cmd]
