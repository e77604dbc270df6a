"""The year or the period a plan is for, read from its subject and title (folded keys).

A yearly plan says so ("Kế hoạch cải cách hành chính năm 2026", issued in December 2025: it is for
2026); a plan for a period says "giai đoạn 2021–2025", "2022 - 2025" or "từ năm 2021 đến năm 2025".
Years that are not the plan's own are skipped by the words before them: a date's "tháng 12 năm 2025",
a horizon's "định hướng đến năm 2030". A part of a year is that year's ("Báo cáo … 6 tháng đầu năm
2022" reports on 2022). When a subject has
both a year and a period ("Kế hoạch thực hiện Chương trình … giai đoạn 2021-2030 năm 2024") the plan
is the year's: it carries out its part of the period programme.
"""
from __future__ import annotations

import re

# "nam 2026" with what stands before it (checked by _NOT_OWN_YEAR_RE)
_YEAR_RE = re.compile(r"(?<![a-z])nam\s+((?:19|20)\d{2})(?!\d)")
# before "năm YYYY": a date's month, a horizon or a start
_NOT_OWN_YEAR_RE = re.compile(
    r"(?<![a-z])(?:thang\s*\d{1,2}|den|tu|truoc|tam nhin|toi)\s*$")
# "giai đoạn 2021 – 2025", "2021-2025", "từ năm 2021 đến năm 2025", "2021 đến 2025"
_PERIOD_RE = re.compile(
    r"(?<![\d/.])(?:tu\s+nam\s+)?((?:19|20)\d{2})\s*(?:[-\u2013\u2014]|den(?:\s+nam)?)\s*((?:19|20)\d{2})(?![\d/])")


_NUMBER_BEFORE_RE = re.compile(r"\d[a-z]?[/-](?=[a-z0-9&/-]*[a-z])[a-z0-9&]+(?:[/-][a-z0-9&]+)*\s*$")
_RANGE_AFTER_RE = re.compile(r"\s*[-\u2013\u2014]\s*(?:19|20)\d{2}(?!\d)")
# a plan that carries out a programme names the programme's period, not its own
_PROGRAMME_RE = re.compile(
    r"(?:trien\s*khai|thuc\s*hien)\s+(?:cac\s+)?(?:chuong\s*trinh|de\s*an|chien\s*luoc|nghi\s*quyet|quyet\s*dinh|"
    r"chi\s*thi|ke\s*hoach|ket\s*luan|du\s*an)(?![a-z])")


def own_year(key: str) -> int | None:
    """The first "năm YYYY" in a folded subject or title that names the plan's own year ("năm 2019 -
    2020", a season across the new year, names none)."""
    for m in _YEAR_RE.finditer(key):
        if _NOT_OWN_YEAR_RE.search(key, max(0, m.start() - 14), m.start()):
            continue
        if _RANGE_AFTER_RE.match(key, m.end()) or _NUMBER_BEFORE_RE.search(key, max(0, m.start() - 30), m.start()):
            continue   # a range ("năm 2019 - 2020"), or a number's year ("Kế hoạch 155/KH-UBND năm 2017")
        return int(m.group(1))
    return None


def own_period(key: str) -> str | None:
    """"2021-2025" for the first period (a later end year, at most 15 years on) in a folded key; a
    term of office ("nhiệm kỳ 2025-2030", "khóa XIV 2021-2026") is not a plan's period."""
    for m in _PERIOD_RE.finditer(key):
        before = key[max(0, m.start() - 24):m.start()]
        if re.search(r"(?:nhiem\s*ky|khoa\s*[a-z0-9]*|nam\s*hoc|nien\s*khoa|(?<![a-z])nam)\s*$", before):
            continue   # a term of office, a school year, a season "năm 2019 - 2020": not a plan's period
        if _PROGRAMME_RE.search(key, 0, m.start()):
            continue   # "triển khai Chương trình hành động quốc gia … giai đoạn 2017-2024": the programme's
        a, b = int(m.group(1)), int(m.group(2))
        if a < b <= a + 15:
            return f"{a}-{b}"
    return None


def year_or_period(*keys: str) -> tuple[int | None, str | None]:
    """(plan_year, plan_period) from folded subject/title keys, most authoritative first: the first
    key that names a year or a period decides, a year before a period within one key."""
    for key in keys:
        if not key:
            continue
        year = own_year(key)
        if year is not None:
            return year, None
        period = own_period(key)
        if period is not None:
            return None, period
    return None, None
