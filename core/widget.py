"""The TTHC widget reading's fields ("Kết quả giải quyết TTHC"): defined once, for extraction and storage.

Why in `core`: extraction produces a widget dict with exactly these keys (in this order) and storage
keeps each as a ``widget_readings`` column of the same name; one list means a figure added to the
widget is read and stored, or neither.
"""
from __future__ import annotations

#: key → Python type of its value, in the order of the extracted widget dict
WIDGET_FIELDS: dict[str, type] = {
    "period": str, "processed_pct": float, "total": int, "on_time": int, "late": int,
    "late_rate": float, "on_time_rate": float, "updated_at": str,
}
WIDGET_KEYS: tuple[str, ...] = tuple(WIDGET_FIELDS)
#: counts of dossiers (integers)
COUNT_FIELDS: tuple[str, ...] = tuple(k for k, t in WIDGET_FIELDS.items() if t is int)
#: percentages (a "%" value read for another field is not taken)
RATE_FIELDS: tuple[str, ...] = tuple(k for k, t in WIDGET_FIELDS.items() if t is float)
#: the portal's own words (the period it covers, when it says it was updated)
TEXT_FIELDS: tuple[str, ...] = tuple(k for k, t in WIDGET_FIELDS.items() if t is str)
