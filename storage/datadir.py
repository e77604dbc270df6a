"""The data folder of a database: where a crawl of it keeps logs, run files and attachments.

A crawl writes more than rows: Scrapy's log, the list of known documents it hands to the re-check
spider, and the attachments it downloads. Those belong to the database they describe, not to the
folder the command was started from: two crawls of two databases started from one folder must not
share ``run-1.known.json`` (run ids restart at 1 in every database), and a crawl started from
another folder must find the same files. So each database has one data folder:

* SQLite ``PATH``: ``PATH.d/`` beside the file (``data/cchc.sqlite`` -> ``data/cchc.sqlite.d/``);
* PostgreSQL: ``pg-HOST-PORT-DBNAME/`` in the per-user data folder (``$CCHC_DATA_DIR``, else
  ``$XDG_DATA_HOME/cchc-watch``, else ``~/.local/share/cchc-watch``; see `core.paths`).

Inside it: ``logs/run-N.log``, ``runs/run-N.known.json`` and ``files/`` (Scrapy's FILES_STORE).
``CCHC_FILES_STORE`` may point the attachments elsewhere (files are named by the hash of their URL,
so databases can share one store); logs and run files always stay in the database's own folder.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from core.paths import user_data_dir
from storage.errors import DatabaseURLError

FILES_STORE_ENV = "CCHC_FILES_STORE"
SQLITE_SUFFIX = ".d"
DEFAULT_SQLITE_PATH = Path("data") / "cchc.sqlite"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe(part: str) -> str:
    """A URL part as one file-name component (no separators, no leading dot)."""
    cleaned = _UNSAFE.sub("_", part).strip("._")
    return cleaned or "_"


def data_dir(url: URL) -> Path:
    """The data folder of the database `url` (absolute; not created here)."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            what = "an in-memory SQLite database" if url.database == ":memory:" else "SQLite without a file path"
            raise DatabaseURLError(
                f"the database is {what}: nothing stored would outlive the command and there is no folder for "
                "its logs and attachments; give a file path (e.g. --db data/cchc.sqlite) or set CCHC_DB"
            )
        db = Path(url.database).expanduser().absolute()
        return db.with_name(db.name + SQLITE_SUFFIX)
    host = url.host or "localhost"
    port = url.port or 5432
    return user_data_dir() / f"{_safe(backend)}-{_safe(host)}-{port}-{_safe(url.database or '')}"


def data_dir_for(raw: str | None) -> Path:
    """`data_dir` of a ``--db`` / ``CCHC_DB`` value, read without touching the disk.

    For settings that are computed at import (``FILES_STORE`` of a bare ``scrapy crawl``): unlike
    `storage.engine.resolve_url` it creates no folder. Raises `DatabaseURLError` on a value that does
    not parse.
    """
    value = (raw or "").strip() or os.environ.get("CCHC_DB", "").strip() or f"sqlite:///{DEFAULT_SQLITE_PATH}"
    if "://" not in value:
        value = f"sqlite:///{value}"
    if value.startswith("postgres://"):
        value = "postgresql://" + value[len("postgres://"):]
    try:
        url = make_url(value)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseURLError(f"database URL {value!r} does not parse ({exc})") from None
    return data_dir(url)


@dataclass(frozen=True)
class RunPaths:
    """The files of one run of one database."""

    folder: Path
    log: Path
    known: Path
    files: Path

    def create(self) -> None:
        """Create the folders (a crawl calls this; readers never do)."""
        for folder in (self.log.parent, self.known.parent, self.files):
            folder.mkdir(parents=True, exist_ok=True)


def run_paths(url: URL, run_id: int) -> RunPaths:
    """Where run `run_id` of database `url` keeps its log, its known-documents file and attachments."""
    folder = data_dir(url)
    files = (Path(os.environ[FILES_STORE_ENV]).expanduser().absolute() if os.environ.get(FILES_STORE_ENV)
             else folder / "files")
    return RunPaths(folder=folder, log=folder / "logs" / f"run-{run_id}.log",
                    known=folder / "runs" / f"run-{run_id}.known.json", files=files)
