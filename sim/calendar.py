"""The simulated calendar: day N of the network is a fixed calendar date.

Day 1 is 2026-03-02 (a Monday) and day N is day 1 + (N - 1) days. Everything the network shows on a
day (articles, widget figures, faults) is a pure function of (seed, day), never of wall time, so a test
run tomorrow sees the same bytes as one run today.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY_ONE = dt.date(2026, 3, 2)


def date_of_day(day: int) -> dt.date:
    """Calendar date of simulated day `day` (1-based)."""
    if day < 1:
        raise ValueError(f"simulated days start at 1, got {day}")
    return DAY_ONE + dt.timedelta(days=day - 1)


def day_of_date(date: dt.date) -> int:
    """Inverse of :func:`date_of_day`."""
    return (date - DAY_ONE).days + 1
