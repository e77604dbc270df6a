"""What several kinds share: the words of the messages (from reports/labels.py) and plain values."""
from __future__ import annotations

import datetime as dt
from typing import Any

from reports import labels
from reports.formatting import vn_date, vn_int, vn_pct


def say(key: str, lang: str, **fields: Any) -> str:
    """A sentence of the alert vocabulary (reports/labels.py, keys `alert_*`)."""
    return labels.text(key, lang, **fields)


def iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def day(value: Any) -> str:
    """dd/mm/yyyy, or "–" when unknown (never an invented date)."""
    return vn_date(value) or "–"


__all__ = ["say", "iso", "day", "vn_int", "vn_pct", "labels"]
