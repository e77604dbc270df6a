"""Display times in Asia/Ho_Chi_Minh: instants are stored in UTC, people read local time."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local_time(value: dt.datetime | str | None) -> dt.datetime | None:
    """An instant in Asia/Ho_Chi_Minh. Stored instants are UTC; a naive one is taken as UTC (how the
    database stores them), an ISO string is parsed first. None and unparsable text give None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(TZ)


def vn_datetime(value: dt.datetime | str | None, seconds: bool = False) -> str:
    """"04/03/2026 14:05" in Asia/Ho_Chi_Minh; "" for None; text that is not an instant is kept as written."""
    local = local_time(value)
    if local is None:
        return "" if value in (None, "") else str(value)
    return local.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")
