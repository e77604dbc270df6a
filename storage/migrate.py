"""Alembic, driven from code: upgrade, current revision, and the "database is newer than us" check.

The migration scripts live inside the package (``storage/migrations``) and the configuration is built
here, so ``cchc db upgrade`` works from any directory and from an installed wheel.

Concurrent upgrades are serialised: on SQLite by the write lock (BEGIN IMMEDIATE), on PostgreSQL by
a transaction-scoped advisory lock; the revision is read again under the lock.

SQLite note: batch migrations copy a table and drop the old one. With ``foreign_keys = ON`` that
DROP deletes (or cascades into) the child rows, so the upgrade switches foreign keys off for its
connection, runs every step in ONE transaction, checks ``PRAGMA foreign_key_check`` before
committing, and switches them back on. A failed upgrade therefore leaves the database as it was.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from storage.errors import SchemaTooNewError, StorageError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: PostgreSQL advisory-lock key held for the duration of an upgrade (an arbitrary fixed number).
UPGRADE_LOCK_KEY = 0x43434843_0001
#: Every module that declares tables on `storage.models.Base`. Listed explicitly (not discovered) so a
#: broken import fails loudly; autogenerate and the schema checks see the union of them.
MODEL_MODULES: tuple[str, ...] = (
    "storage.models", "storage.units_models", "storage.alerts_models", "storage.health_models", "storage.evidence_models",
    "storage.index_models", "storage.incr_models", "storage.sightings",
)


def load_models() -> Any:
    """Import every model module and return the complete metadata."""
    import importlib

    for name in MODEL_MODULES:
        importlib.import_module(name)
    from storage.models import Base

    return Base.metadata


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic filter: reflect and compare only our own tables.

    The scheduler's job store (``apscheduler_jobs``) and full-text index tables share the database
    but are not in our metadata; autogenerate must neither drop nor describe them.
    """
    if type_ == "table":
        return name in load_models().tables
    return True


def alembic_config(connection: Connection | None = None, script_location: Path | None = None) -> Config:
    """An Alembic `Config` pointing at the bundled scripts, optionally bound to a connection.

    `script_location` replaces the bundled scripts (tests use a copy with an extra revision).
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location or MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def script_directory(script_location: Path | None = None) -> ScriptDirectory:
    """The bundled migration scripts (or those at `script_location`)."""
    return ScriptDirectory.from_config(alembic_config(script_location=script_location))


def head_revision(script_location: Path | None = None) -> str:
    """The newest revision this code knows (the scripts must form one line: exactly one head)."""
    heads = script_directory(script_location).get_heads()
    if len(heads) != 1:
        raise StorageError(f"migration scripts have {len(heads)} heads {heads}; merge them")
    return heads[0]


def first_revision() -> str:
    """The oldest revision (the first schema), used by the upgrade test."""
    bases = script_directory().get_bases()
    if len(bases) != 1:
        raise StorageError(f"migration scripts have {len(bases)} bases {bases}")
    return bases[0]


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render our custom column types as plain SQLAlchemy types in generated migrations.

    A migration must not import ``storage.models`` (it has to create the same schema after the models
    change), so `UTCDateTime` is written as ``sa.DateTime(timezone=True)`` and the JSON/JSONB variant
    as the explicit expression 0001 uses.
    """
    from sqlalchemy import JSON

    from storage.models import UTCDateTime

    if type_ != "type":
        return False
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, JSON):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return 'sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")'
    return False


def next_revision_id(script_location: Path | None = None) -> str:
    """The next id in the project's numbering ("0001", "0002", …)."""
    head = head_revision(script_location)
    digits = "".join(ch for ch in head if ch.isdigit())[:4]
    return f"{int(digits or 0) + 1:04d}"


def new_revision(message: str, script_location: Path | None = None) -> Path:
    """Autogenerate a revision: the models compared with a scratch SQLite database at head.

    The scratch database holds only our migrations' tables, and `include_name` ignores any other
    table anyway, so the scheduler's job store and full-text tables never show up as drops.
    Returns the new script's path; read and adjust it before committing.
    """
    import tempfile

    from storage.engine import build_engine, resolve_url, write_engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = write_engine(build_engine(resolve_url(f"sqlite:///{tmp}/scratch.sqlite")))
        try:
            upgrade(engine, "scratch database", "head", script_location)
            rev_id = next_revision_id(script_location)
            with engine.begin() as conn:
                script = command.revision(alembic_config(conn, script_location), message=message,
                                          autogenerate=True, rev_id=rev_id)
        finally:
            engine.dispose()
    assert script is not None and not isinstance(script, list)
    return Path(script.path)


def current_revisions(connection: Connection) -> tuple[str, ...]:
    """The revision(s) recorded in the database's ``alembic_version`` table (empty: never migrated)."""
    return tuple(MigrationContext.configure(connection).get_current_heads())


def check_known(revisions: tuple[str, ...], where: str, script_location: Path | None = None) -> None:
    """Refuse a database stamped with a revision this code does not have (written by newer code)."""
    script = script_directory(script_location)
    unknown = [rev for rev in revisions if not _known(script, rev)]
    if unknown:
        raise SchemaTooNewError(
            f"the database {where} is at schema revision {', '.join(unknown)}, which this version of "
            f"CCHC Watch does not know (newest known: {head_revision()}). It was written by a newer "
            "CCHC Watch: upgrade this installation (git pull; pip install -e .) or use another "
            "database with --db / CCHC_DB. Nothing was changed."
        )


def _known(script: ScriptDirectory, rev: str) -> bool:
    try:
        return script.get_revision(rev) is not None
    except Exception:  # alembic raises several exception types for an unknown or partial id
        return False


def is_at_head(revisions: tuple[str, ...]) -> bool:
    """True when the database is stamped exactly at our head revision."""
    return revisions == (head_revision(),)


def upgrade(engine: Engine, where: str, revision: str = "head",
            script_location: Path | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Migrate the database to `revision` atomically; returns (revisions before, revisions after).

    `engine` should be the write engine (BEGIN IMMEDIATE on SQLite) so the upgrade holds the write
    lock from its first statement to its commit.
    """
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        raw = conn.connection.driver_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")  # outside any transaction, or it is a no-op
            # Views (0005's browse_*) name tables a batch step drops and renames back; without the
            # legacy rename the RENAME fails checking a view while its table is momentarily absent.
            raw.execute("PRAGMA legacy_alter_table = ON")
        try:
            with conn.begin():
                if engine.dialect.name == "postgresql":
                    # Two processes opening a new database at once (two `schedule --once`) must not
                    # both create the tables: the second waits here, then finds the schema at head.
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({UPGRADE_LOCK_KEY})")
                before = current_revisions(conn)
                check_known(before, where, script_location)
                command.upgrade(alembic_config(conn, script_location), revision)
                if sqlite:
                    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise StorageError(
                            f"upgrading {where} would break {len(problems)} foreign keys "
                            f"(first: {tuple(problems[0])}); the upgrade was rolled back, nothing changed"
                        )
                after = current_revisions(conn)
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")
                raw.execute("PRAGMA legacy_alter_table = OFF")
    return before, after
