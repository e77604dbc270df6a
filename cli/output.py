"""Where a command's ``--out`` goes: checked before any work, written whole or not at all.

Every command with ``--out`` (exports, reports, ``review list``, ``report html``, ``serve
--export-sqlite``) uses these helpers so that:

* a path that cannot be written (its folder missing or read-only, a folder where a file is expected,
  the database's own file) is one ``error:`` line BEFORE the database is opened or a report computed;
* the file appears only when it is complete: it is written beside its final name and renamed into
  place, so a failure half-way (disk full, a query error) leaves no truncated file that looks like a
  result, and an older file of that name is kept until the new one is whole.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from storage.engine import resolve_url, sqlite_path
from storage.errors import StorageError


class OutputError(Exception):
    """An ``--out`` path that cannot be written; printed as one ``error:`` line, exit status 2."""


def _writable_folder(folder: Path, option: str, target: Path) -> None:
    if not folder.exists():
        raise OutputError(f"{option} {target}: the folder {folder} does not exist (create it first)")
    if not folder.is_dir():
        raise OutputError(f"{option} {target}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {target}: the folder {folder} cannot be written (permission denied "
                          "or read-only); choose another path")


def _database_files(db_url: str | None) -> set[Path]:
    """The SQLite file (and its companions) `db_url` names; empty for PostgreSQL or a bad URL."""
    try:
        url = resolve_url(db_url, create_folder=False)
    except StorageError:
        return set()  # the database open reports it, in its own words
    if url.get_backend_name() != "sqlite":
        return set()
    db = sqlite_path(url).resolve()
    return {db, *(db.with_name(db.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}


def check_out_file(path: str, *, db_url: str | None = None, option: str = "--out") -> Path:
    """Refuse an output FILE path that cannot be written, before any work; returns it as a Path."""
    target = Path(path).expanduser()
    if not str(path).strip():
        raise OutputError(f"{option} is empty: give a file name")
    if target.is_dir():
        raise OutputError(f"{option} {target} is a folder: give a file name")
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputError(f"{option} {target} exists and cannot be written (permission denied or read-only)")
    _writable_folder(target.parent if str(target.parent) else Path("."), option, target)
    if target.resolve() in _database_files(db_url):
        raise OutputError(f"{option} {target} is the database itself (or one of its files): writing there "
                          "would destroy it; choose another path")
    return target


def check_out_folder(path: str, *, option: str = "--out") -> Path:
    """Refuse an output FOLDER that cannot be created or written, before any work; returns it."""
    target = Path(path).expanduser()
    if not str(path).strip():
        raise OutputError(f"{option} is empty: give a folder")
    if target.exists():
        if not target.is_dir():
            raise OutputError(f"{option} {target} exists and is not a folder")
        if not os.access(target, os.W_OK | os.X_OK):
            raise OutputError(f"{option} {target}: the folder cannot be written (permission denied or read-only)")
        return target
    ancestor = target.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(f"{option} {target}: {ancestor} is not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {target}: cannot create it, {ancestor} cannot be written "
                          "(permission denied or read-only)")
    return target


@contextlib.contextmanager
def replace_when_done(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it onto `target` only if the block succeeds."""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or Path("."))
    except OSError as exc:
        raise OutputError(f"cannot write {target} ({exc.strerror}); choose another path") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target} ({exc.strerror}); nothing was written there") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def open_out(target: Path) -> Iterator[IO[str]]:
    """A text file (UTF-8, newlines as written) that appears at `target` only when complete."""
    with replace_when_done(target) as tmp:
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                yield fh
        except OSError as exc:
            raise OutputError(f"cannot write {target} ({exc.strerror}); nothing was written there") from None


def _umask() -> int:
    """The process umask (read by setting and restoring it: there is no getter)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
