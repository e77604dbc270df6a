"""Alembic environment for CCHC Watch, configured from code (see ``storage.migrate``).

``storage.migrate`` passes an open connection in ``config.attributes["connection"]`` so migrations
run inside the caller's transaction and never depend on the current directory or an ini file. Run
without one (the plain ``alembic`` command with ``-x db=URL`` or ``CCHC_DB``), it builds its own engine.

Autogenerate compares only the tables in our metadata: the scheduler's job store
(``apscheduler_jobs``) and full-text index tables live in the same database but are not ours.
"""
from __future__ import annotations

from typing import Any

from alembic import context

from storage.engine import build_engine, resolve_url, write_engine
from storage.migrate import include_name, load_models, render_item

config = context.config
target_metadata = load_models()


def _configure_kwargs() -> dict[str, Any]:
    return {
        "target_metadata": target_metadata,
        "render_as_batch": True,
        "include_name": include_name,
        "render_item": render_item,
        "compare_type": True,
        "compare_server_default": False,
    }


def run_migrations_offline() -> None:
    """Emit SQL for a URL without connecting (``alembic upgrade --sql``)."""
    url = config.get_main_option("sqlalchemy.url") or context.get_x_argument(as_dictionary=True).get("db")
    context.configure(url=str(resolve_url(url)), literal_binds=True, **_configure_kwargs())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against the caller's connection, or against ``-x db=URL`` / ``CCHC_DB``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, **_configure_kwargs())
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url") or context.get_x_argument(as_dictionary=True).get("db")
    engine = write_engine(build_engine(resolve_url(url)))
    try:
        with engine.begin() as conn:
            context.configure(connection=conn, **_configure_kwargs())
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
