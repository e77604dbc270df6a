"""A report value as a plain (JSON-safe) value and as CSV text: what the CSV, JSON and xlsx writers
share, apart so `reports.formatting` and `reports.xlsx` import this and not each other.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any


def plain(value: Any) -> Any:
    """A JSON-safe plain value (dates as ISO text)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def csv_cell(value: Any) -> str:
    """CSV text of a report value: made plain (dates, decimals), then the exports' CSV rule."""
    from storage import exports  # imported when a CSV is written, not by `--help`

    return exports.csv_cell(plain(value))
