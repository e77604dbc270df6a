"""The one place that decides which day a crawl observes.

On the real web a run observes today in Asia/Ho_Chi_Minh. Against the simulator the observed day is
the simulated calendar date, given by the ``CCHC_OBSERVED_ON`` environment variable (ISO date) which
the simulator's launcher sets. Every "as of" question in reports uses this value, never wall time.
"""
from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ENV_VAR = "CCHC_OBSERVED_ON"


def now_vn() -> dt.datetime:
    """Current wall time in Vietnam (aware)."""
    return dt.datetime.now(tz=VN_TZ)


def observed_on() -> dt.date:
    """The calendar date the current crawl observes (see module docstring)."""
    raw = os.environ.get(ENV_VAR)
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError as exc:
            raise ValueError(f"{ENV_VAR}={raw!r} is not an ISO date (YYYY-MM-DD)") from exc
    return now_vn().date()
