"""The ``--db`` option's help, in a module the light commands can import without the storage layer."""
from __future__ import annotations

DB_OPTION_HELP = "Database URL or SQLite path (default: $CCHC_DB, else ./data/cchc.sqlite)."
