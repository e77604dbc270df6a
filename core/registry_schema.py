"""The portal registry's columns: the one list the crawler's reader, the simulator's writer and storage
all use.

Why in `core`: the simulator may import only `core`, and the registry file is the contract between
the three; a column added here is read, written and stored without a second list to keep in step.
"""
from __future__ import annotations

#: Column order of the bundled file and of `Portal.to_row()`; a file may omit optional columns.
COLUMNS: tuple[str, ...] = (
    "id", "name", "level", "province", "parent", "base_url", "cms",
    "feeds", "sitemaps", "listings", "registers", "hosts",
    "widget_url", "unit_code", "unverified", "notes", "kind",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "name", "level", "province", "base_url", "cms")
#: `|`-separated cells, parsed to tuples (and stored as JSON lists in ``portals``).
MULTI_COLUMNS: tuple[str, ...] = ("feeds", "sitemaps", "listings", "registers", "hosts")
#: Multi-valued cells whose items are URLs (absolute, or paths resolved against base_url).
URL_LIST_COLUMNS: tuple[str, ...] = ("feeds", "sitemaps", "listings", "registers")
