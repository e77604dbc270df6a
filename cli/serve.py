"""`cchc serve`: the database in Datasette, with Vietnamese labels and folded full-text search; a
PostgreSQL database is served as a SQLite copy.
"""
from __future__ import annotations

from pathlib import Path

import click

from cli.lazystore import open_store
from cli.reporting import db_option, long_running_errors_exit_2
from reports.vocab import ReportError


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--export-sqlite", "export_path", default=None, metavar="FILE",
              help="PostgreSQL: copy the database into this new SQLite file and serve the copy.")
@long_running_errors_exit_2
def serve_cmd(db_url: str | None, host: str, port: int, export_path: str | None) -> None:
    """Browse the database in Datasette: Vietnamese labels, facets and unaccented full-text search on
    documents and attachments, canned queries (coverage, late widgets, recent plans), a JSON API."""
    import tempfile

    from sqlalchemy import create_engine

    from reports.serve import export_sqlite, table_columns, write_metadata

    with open_store(db_url) as store:
        backend = store.engine.dialect.name
        if backend != "sqlite":
            if not export_path:
                raise ReportError(f"Datasette reads SQLite only and {store.display_url} is {backend}: run "
                                  f"`cchc serve --db {store.display_url} --export-sqlite copy.sqlite` to serve a SQLite copy")
            click.echo(f"copying {store.display_url} into {export_path}…", err=True)
            path = export_sqlite(store.engine, export_path)
            copy = create_engine(f"sqlite:///{path}")
            try:
                columns = table_columns(copy)
            finally:
                copy.dispose()
        else:
            path = Path(store.engine.url.database or "")
            columns = table_columns(store.engine)
    # Served in place (not through a link: SQLite finds its -wal file next to the path it is given), in
    # this process, so stopping `cchc serve` (Ctrl+C, SIGTERM) stops Datasette's server with it. The
    # plugin (folded full-text search, Vietnamese labels) is registered here rather than installed.
    from datasette.cli import cli as datasette_cli
    from datasette.plugins import pm

    import reports.serve_plugin
    from reports.serve import TEMPLATES

    if not pm.is_registered(reports.serve_plugin):
        pm.register(reports.serve_plugin, name="cchc_serve")
    with tempfile.TemporaryDirectory() as tmp:
        meta = write_metadata(Path(tmp), Path(path).stem, columns)
        click.echo(f"Datasette on http://{host}:{port}/{Path(path).stem} (Ctrl+C to stop)", err=True)
        datasette_cli.main(["serve", str(path), "--metadata", str(meta), "--template-dir", str(TEMPLATES),
                            "--host", host, "--port", str(port)], standalone_mode=False)
