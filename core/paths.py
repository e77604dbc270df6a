"""Where a user's own files live: the per-user data folder and the user-owned portal registry.

An installed package's folder is not the user's to write (it may be read-only, shared by many users,
and is replaced by the next upgrade), and the current directory is wherever the user happened to
stand. So everything CCHC Watch writes that is not named on the command line goes under one
per-user folder, chosen once here:

* ``$CCHC_DATA_DIR`` when set;
* else ``$XDG_DATA_HOME/cchc-watch`` (the freedesktop convention);
* else ``~/.local/share/cchc-watch``.

Stdlib only (``core`` is imported by every layer).
"""
from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "CCHC_DATA_DIR"
REGISTRY_ENV = "CCHC_REGISTRY"
APP_DIR_NAME = "cchc-watch"
#: The user-owned registry's file name inside the data folder.
USER_REGISTRY_NAME = "portals.csv"


def user_data_dir() -> Path:
    """The per-user data folder (see the module docstring); not created here."""
    raw = os.environ.get(DATA_DIR_ENV)
    if raw:
        return Path(raw).expanduser().absolute()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return (base / APP_DIR_NAME).absolute()


def user_registry_path() -> Path:
    """The registry file `cchc sources add` writes and crawls read by default.

    ``$CCHC_REGISTRY`` when set, else ``portals.csv`` in the per-user data folder. The file may not
    exist yet: `sources add` starts it as a copy of the bundled registry.
    """
    raw = os.environ.get(REGISTRY_ENV)
    if raw:
        return Path(raw).expanduser().absolute()
    return user_data_dir() / USER_REGISTRY_NAME


def registry_to_read() -> Path | None:
    """The registry a command reads when none is named: ``$CCHC_REGISTRY`` when set (even if it is
    missing, so the reader reports it), else the user's own file when it exists, else None (the
    registry bundled with the package)."""
    if os.environ.get(REGISTRY_ENV):
        return user_registry_path()
    own = user_registry_path()
    return own if own.is_file() else None
