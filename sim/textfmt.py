"""Small formatting helpers shared by the templates: escaping, slugs, Vietnamese dates and numbers."""
from __future__ import annotations

import datetime as dt
import html
import re

from core.vntext import fold

WEEKDAYS_VI: list[str] = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def esc(text: str) -> str:
    """HTML-escape text content (quotes left alone so seed text stays byte-identical in the source)."""
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    """HTML-escape an attribute value."""
    return html.escape(text, quote=True)


def slugify(text: str, limit: int = 80) -> str:
    """ASCII slug the way Vietnamese CMSs make them: "Kế hoạch số 38" -> "ke-hoach-so-38"."""
    slug = _NON_ALNUM.sub("-", fold(text)).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


def fmt_int(n: int) -> str:
    """Thousands with "." as Vietnamese portals print them: 12345 -> "12.345"."""
    return f"{n:,}".replace(",", ".")


def fmt_int_comma(n: int) -> str:
    """Thousands with "," (PHP number_format default, NukeViet and seed 000): 24103 -> "24,103"."""
    return f"{n:,}"


def fmt_pct(value: float, decimals: int = 2) -> str:
    """Percent with a decimal comma and no useless zeros: 99.5 -> "99,5", 100.0 -> "100"."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def ampm_vi(t: dt.datetime) -> str:
    """"5:35 CH" style (SA = morning, CH = afternoon), as .NET vi-VN prints times."""
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {'SA' if t.hour < 12 else 'CH'}"


def ampm_en(t: dt.datetime, seconds: bool = False) -> str:
    """"01:20:00 PM" / "10:00 AM": English designators, as NukeViet lists and Liferay print them."""
    hour = t.hour % 12 or 12
    sec = f":{t.second:02d}" if seconds else ""
    return f"{hour:02d}:{t.minute:02d}{sec} {'AM' if t.hour < 12 else 'PM'}"


def dmy(d: dt.date | dt.datetime) -> str:
    """dd/mm/yyyy."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def dmy_short(d: dt.date | dt.datetime) -> str:
    """d/m/yyyy without zero padding on the day ("5/01/2021" style keeps month padded)."""
    return f"{d.day}/{d.month:02d}/{d.year}"


def weekday_vi(d: dt.date | dt.datetime, lower_after_thu: bool = False) -> str:
    """Vietnamese weekday name; NukeViet writes "Thứ ba" (lower case after "Thứ")."""
    name = WEEKDAYS_VI[d.weekday()]
    if lower_after_thu and name.startswith("Thứ "):
        name = "Thứ " + name[4:].lower()
    return name
