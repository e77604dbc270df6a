"""The extraction record: the stable JSON contract of `cchc extract` (issue 3).

Defined once in `core.record` (storage and exports derive from it too); extraction imports it here.
"""
from __future__ import annotations

from core.record import RECORD_KEYS, Record

__all__ = ["RECORD_KEYS", "Record"]
