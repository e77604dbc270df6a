"""Reads the portal registry CSV as a data file (the simulator never imports crawler code)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from core.registry_schema import COLUMNS as REGISTRY_COLUMNS

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REGISTRY = REPO_ROOT / "crawler" / "data" / "portals.csv"

COLUMNS: list[str] = list(REGISTRY_COLUMNS)


def read_registry(path: Path | str | None = None) -> list[dict[str, str]]:
    """Rows of the registry as dicts (``#`` comment lines skipped), in file order."""
    text = Path(path or DEFAULT_REGISTRY).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in rows]


def write_registry(rows: list[dict[str, str]], path: Path | str) -> None:
    """Write rows in the registry schema (same header, UTF-8, one comment line first)."""
    buf = io.StringIO()
    buf.write("# CCHC Watch portal registry written by the simulator (sim.network.SimNetwork.write_registry).\n")
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
    Path(path).write_text(buf.getvalue(), encoding="utf-8")
