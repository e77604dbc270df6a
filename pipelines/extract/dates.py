"""Vietnamese date and time grammar, as portals and documents write it.

Forms handled (all local time, Asia/Ho_Chi_Minh, UTC+7 without daylight saving):
"27/04/2022 09:46:55", "Đăng ngày 29 - 01 - 2022", "Thứ Ba, 01/03/2022 13:20",
"Thứ ba - 01/03/2022 13:20", "27/01/2023 5:35 CH" (SA = AM, CH = PM), "01/03/2022 01:20:00 PM",
"21/07/2022 | 10:00 AM", "5:35:12 CH 27/1/2023", "00:00 ngày 12/08/2022",
"09:15, Thứ hai, 18/04/2022", "ngày 18 tháng 4 năm 2022", "ngày 5/01/2021", "18 Tháng Tư 2022",
"Thứ hai, 11 Tháng 12 2023 16:03" (Joomla's Vietnamese long date, the month as a number), ISO "2022-03-01T13:20:00+07:00".

Matching runs on the aligned fold (`core.vntext.fold_aligned`) so "Tháng"/"tháng"/"THÁNG" and
NFD input all look alike; spans map straight back to the published text.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from core.vntext import fold_aligned, nfc

VN_OFFSET = dt.timezone(dt.timedelta(hours=7))

_TIME = r"(?P<{p}h>\d{{1,2}})\s*[:h]\s*(?P<{p}m>\d{{2}})(?:\s*:\s*(?P<{p}s>\d{{2}}))?(?:\s*(?P<{p}ap>sa|ch|am|pm)(?![a-z]))?"
_DMY = r"(?<![\d/.-])(?P<d>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<mo>\d{1,2})\s*(?P=sep)\s*(?P<y>(?:19|20)\d{2})(?![\d/])"
_VERBOSE = r"ngay\s+(?P<vd>\d{1,2})\s+thang\s+(?P<vmo>\d{1,2})\s*,?\s+nam\s+(?P<vy>(?:19|20)\d{2})"
# month names as words ("18 Tháng Tư 2022", the Vietnamese WordPress locale's long date)
_MONTH_WORDS = {"gieng": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8,
                "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12, "chap": 12}
_WORDY = (r"(?P<wd>\d{1,2})\s+thang\s+(?P<wmo>muoi\s+mot|muoi\s+hai|gieng|mot|hai|ba|tu|nam|sau|bay|tam|chin|muoi|chap|\d{1,2})"
          r"\s*,?\s+(?P<wy>(?:19|20)\d{2})(?!\d)")
_WEEKDAY = r"(?:(?:thu\s+(?:hai|ba|tu|nam|sau|bay|2|3|4|5|6|7)|chu\s+nhat)\s*,?\s*)?"
_ISO = r"(?P<iy>(?:19|20)\d{2})-(?P<imo>\d{2})-(?P<id>\d{2})(?:[t ](?P<ih>\d{2}):(?P<im>\d{2})(?::(?P<is>\d{2}))?(?:\.\d+)?(?P<itz>z|[+-]\d{2}:?\d{2})?)?"

_DATE_RE = re.compile(
    "(?:" + _TIME.format(p="b") + r"\s*(?:,|-|\|)?\s*" + _WEEKDAY + r"(?:ngay\s+)?)?"   # time before the date
    + "(?:" + _DMY + "|" + _VERBOSE + "|" + _WORDY + ")"
    + r"(?:\s*(?:,|-|\||luc|vao luc)?\s*" + _TIME.format(p="a") + ")?"    # time after the date
)
_ISO_RE = re.compile(_ISO)


def default_now() -> dt.datetime:
    """"Now" for checks such as "updated_at is in the future": the end of the day the crawl observes
    (core.clock.observed_on, the simulated calendar day under the simulator), never raw wall time."""
    from core.clock import now_vn, observed_on

    wall = now_vn()
    day = observed_on()
    if day == wall.date():
        return wall
    return dt.datetime.combine(day, dt.time(23, 59, 59), VN_OFFSET)


@dataclass(frozen=True, slots=True)
class DateMatch:
    """One date (and maybe a time) found in a text; `start`/`end` index the text it was found in."""

    start: int
    end: int
    date: dt.date
    time: dt.time | None

    def iso(self) -> str:
        """ISO 8601: with +07:00 when a time was given, the bare date otherwise."""
        if self.time is None:
            return self.date.isoformat()
        return dt.datetime.combine(self.date, self.time, VN_OFFSET).isoformat()

    def datetime(self) -> dt.datetime:
        """Aware datetime (midnight when no time was given)."""
        return dt.datetime.combine(self.date, self.time or dt.time(0, 0), VN_OFFSET)


def _mk_time(h: str | None, m: str | None, s: str | None, ampm: str | None) -> dt.time | None:
    if h is None or m is None:
        return None
    hour, minute, sec = int(h), int(m), int(s or 0)
    if ampm:
        if hour > 12 or hour == 0:
            return None
        if ampm in ("ch", "pm") and hour != 12:
            hour += 12
        elif ampm in ("sa", "am") and hour == 12:
            hour = 0
    if hour > 23 or minute > 59 or sec > 59:
        return None
    return dt.time(hour, minute, sec)


# The part every date has (d/m/yyyy or "tháng"): long texts are scanned with this cheap pattern and
# the full grammar runs only around its hits, which keeps the Vietnamese layer cheap (issue 3 speed).
_CORE_RE = re.compile(r"\d\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:19|20)\d\d|thang\s+\d|\d\s+thang\s+[a-z]")


def _matches(key: str) -> Iterator[re.Match[str]]:
    if len(key) < 400:
        yield from _DATE_RE.finditer(key)
        return
    last_end = 0
    for core in _CORE_RE.finditer(key):
        if core.start() < last_end:
            continue
        lo = max(last_end, core.start() - 40)
        for m in _DATE_RE.finditer(key, lo, min(len(key), core.end() + 40)):
            if m.end() <= core.start() or m.start() < last_end:
                continue
            if m.start() > core.start():
                break
            last_end = m.end()
            yield m
            break


def find_dates(text: str, folded: str | None = None) -> list[DateMatch]:
    """Every date in `text`, in order. Pass `folded` (= fold_aligned(nfc text)) to save a fold."""
    key = folded if folded is not None else fold_aligned(nfc(text))
    out: list[DateMatch] = []
    for m in _matches(key):
        g = m.groupdict()
        if g["d"] is not None:
            d, mo, y = g["d"], g["mo"], g["y"]
        elif g["vd"] is not None:
            d, mo, y = g["vd"], g["vmo"], g["vy"]
        else:
            wmo = re.sub(r"\s+", " ", g["wmo"])
            d, mo, y = g["wd"], wmo if wmo.isdigit() else str(_MONTH_WORDS[wmo]), g["wy"]
        try:
            date = dt.date(int(y), int(mo), int(d))
        except ValueError:
            continue
        t = _mk_time(g["ah"], g["am"], g["as"], g["aap"]) or _mk_time(g["bh"], g["bm"], g["bs"], g["bap"])
        out.append(DateMatch(m.start(), m.end(), date, t))
    return out


def parse_date(text: str) -> DateMatch | None:
    """The first date in `text` (Vietnamese forms or ISO 8601), or None."""
    found = find_dates(text)
    if found:
        return found[0]
    return parse_iso(text)


def parse_iso(text: str) -> DateMatch | None:
    """An ISO 8601 date/datetime as found in meta tags; converted to Vietnam time when it has a zone."""
    key = text.strip().lower()
    m = _ISO_RE.search(key)
    if not m:
        return None
    try:
        date = dt.date(int(m["iy"]), int(m["imo"]), int(m["id"]))
    except ValueError:
        return None
    if m["ih"] is None:
        return DateMatch(m.start(), m.end(), date, None)
    t = dt.time(int(m["ih"]), int(m["im"]), int(m["is"] or 0))
    if m["itz"]:
        tz = m["itz"]
        if tz == "z":
            off = dt.UTC
        else:
            sign = 1 if tz[0] == "+" else -1
            hh, mm = int(tz[1:3]), int(tz[-2:])
            off = dt.timezone(sign * dt.timedelta(hours=hh, minutes=mm))
        local = dt.datetime.combine(date, t, off).astimezone(VN_OFFSET)
        date, t = local.date(), local.time()
    return DateMatch(m.start(), m.end(), date, t)
