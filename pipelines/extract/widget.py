"""The "Kết quả giải quyết TTHC" widget: read by its visible labels, whatever the tags.

Shapes seen: inline spans (seed 000: "Số hồ sơ xử lý: 2142 … ( Cập nhật lúc:12/08/2022 13:15:32)"),
a table (labels left or in a header row), a list, the one-door iframe ("Đến tháng 8 … đã giải quyết
99,5% hồ sơ đúng hạn (Tự động cập nhật vào lúc 00:00 ngày 12/08/2022)") and its JSON APIs.
A percentage alone (seed 002's font-size "100%") is not a widget: at least two labelled figures are.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

from core.widget import RATE_FIELDS, WIDGET_KEYS

from .dates import VN_OFFSET, default_now, parse_date
from .labels import Token, parse_count, parse_percent, tokenize
from .page import Page, load_page

PCT_FIELDS = frozenset(RATE_FIELDS)

_LABEL_PATTERNS: list[tuple[str, str]] = [
    ("period", r"den\s*(?:het\s*)?thang\s*\d{1,2}(?:\s*(?:/|-|nam)\s*(?:19|20)\d{2})?"),
    ("on_time_rate", r"da\s*giai\s*quyet(?=\s*:?\s*\d+(?:[.,]\d+)?\s*%\s*(?:cac\s*)?(?:ho\s*so\s*)?(?:truoc\s*(?:&|va)\s*)?dung\s*han)"),
    ("late_rate", r"t[iy]\s*le\s*(?:xu\s*ly\s*|giai\s*quyet\s*|ho\s*so\s*)?(?:tre|qua)\s*han"),
    ("on_time_rate", r"t[iy]\s*le\s*(?:xu\s*ly\s*|giai\s*quyet\s*|ho\s*so\s*)?(?:dung\s*(?:han\s*)?(?:&|va|,)\s*truoc\s*han|(?:truoc\s*(?:han\s*)?(?:&|va|,)?\s*)?dung\s*han|truoc\s*han|dung\s*hen)"),
    ("_ignore", r"dang\s*(?:xu\s*ly|giai\s*quyet)(?:\s*(?:tre|qua|trong)\s*han)?|(?:tong\s*)?(?:so\s*)?(?:ho\s*so\s*)?(?:da\s*|moi\s*)?tiep\s*nhan(?:\s*moi)?|ky\s*truoc\s*chuyen\s*sang"),
    ("total", r"(?:tong\s*)?so\s*ho\s*so(?:\s*da)?\s*(?:xu\s*ly|giai\s*quyet)|tong\s*so\s*ho\s*so|tong\s*so\s*da\s*giai\s*quyet|(?<![a-z])da\s*xu\s*ly|tong\s*so"),
    # the longer "đúng hạn và trước hạn" first: alternation takes the first that matches, not the longest
    ("on_time", r"(?:ho\s*so\s*)?dung\s*(?:han\s*)?(?:&|va|,)\s*truoc\s*han|(?:ho\s*so\s*)?(?:truoc\s*(?:han\s*)?(?:&|va|,)\s*)?dung\s*han|trong\s*han|dung\s*hen"),
    ("early", r"(?:ho\s*so\s*)?truoc\s*han"),
    ("late", r"(?:ho\s*so\s*)?(?:tre|qua)\s*han"),
    ("updated_at", r"(?:tu\s*dong\s*)?cap\s*nhat(?:\s*(?:vao\s*)?(?:luc|ngay))?"),
    ("processed_pct", r"da\s*giai\s*quyet(?:\s*duoc)?"),
]
_LABELS_RE = re.compile("|".join(f"({p})" for _, p in _LABEL_PATTERNS))
_LABEL_NAMES = [n for n, _ in _LABEL_PATTERNS]
_ANCHOR_RE = re.compile(
    r"ket\s*qua\s*(?:giai\s*quyet|xu\s*ly)\s*(?:tthc|thu\s*tuc\s*hanh\s*chinh|ho\s*so)"
    r"|den\s*(?:het\s*)?thang\s*\d{1,2}[^\n]{0,80}?da\s*giai\s*quyet"
    r"|tinh\s*hinh\s*(?:giai\s*quyet|xu\s*ly)\s*(?:ho\s*so|tthc)"
    r"|thong\s*ke\s*(?:ket\s*qua\s*)?(?:giai\s*quyet|xu\s*ly)\s*(?:ho\s*so|tthc)"
    r"|chi\s*so\s*tien\s*do\s*giai\s*quyet"
    r"|so\s*ho\s*so\s*(?:da\s*)?(?:xu\s*ly|giai\s*quyet)"
)
_REGION_END_RE = re.compile(r"dang\s*truy\s*cap|so\s*nguoi\s*online|luot\s*truy\s*cap|thong\s*ke\s*truy\s*cap|so\s*luong\s*truy\s*cap|tin\s*moi\s*nhat")
# every anchor above contains one of these (lowercase NFC, and their unaccented forms)
_CUES = ("giải quyết", "xử l", "giai quyet", "xu ly")
_PERIOD_RE = re.compile(r"thang\s*(\d{1,2})(?:\s*(?:/|-|nam)\s*((?:19|20)\d{2}))?")
_WIDGET_URL_RE = re.compile(
    r"chi-so-tien-do|thongkehoso|thongke|thong-ke|portaldvc|dichvucong|dvc|motcua|mot-cua|igate|tthc|getthongke",
    re.I,
)
_SCRIPT_URL_RE = re.compile(r"""["']((?:https?:)?//[^"'\s]+|/[^"'\s]+)["']""")


def _assign(tokens: list[Token], key: str) -> dict[str, Any]:
    """Give each number to the oldest waiting label; dates go to "updated_at". A label right after a
    number on the same line with no number of its own is that number's suffix ("99,5% hồ sơ đúng
    hạn"); after a line break it heads a column (a table's header row)."""
    values: dict[str, Any] = {}
    queue: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.kind == "label":
            prev_num = i > 0 and tokens[i - 1].kind == "num" and "\n" not in key[tokens[i - 1].start:tok.start]
            next_num = i + 1 < len(tokens) and tokens[i + 1].kind == "num"
            if prev_num and not next_num and tok.name not in ("updated_at",):
                continue  # a suffix ("99,5% hồ sơ đúng hạn"), not a label waiting for a value
            if tok.name == "period":
                values.setdefault("_period_label", tok)
                continue
            if tok.name not in values:
                queue.append(tok.name)
            continue
        if tok.kind == "date":
            if "updated_at" in queue:
                queue.remove("updated_at")
                values.setdefault("updated_at", tok.date)
            continue
        # a number
        target = None
        for name in queue:
            if name == "updated_at":
                continue
            if tok.percent and name not in PCT_FIELDS:
                continue
            target = name
            break
        if target is None:
            continue
        queue.remove(target)
        if target == "processed_pct" and not tok.percent and isinstance(tok.value, int):
            # "Đã giải quyết: 3.400" is a count of dossiers processed, not the share processed
            target = "total" if "total" not in values else "_ignore"
        if target != "_ignore":
            values[target] = tok.value
    return values


def _period(label_text: str | None, updated: dt.datetime | None, now: dt.datetime) -> str | None:
    if not label_text:
        return None
    m = _PERIOD_RE.search(label_text)
    if not m:
        return None
    month = int(m.group(1))
    if not 1 <= month <= 12:
        return None
    if m.group(2):
        year = int(m.group(2))
    else:
        ref = updated or now
        year = ref.year if month <= ref.month else ref.year - 1
    return f"{year:04d}-{month:02d}"


def check_widget(w: dict[str, Any], now: dt.datetime) -> list[str]:
    """Consistency problems: on_time + late ≠ total, rates that do not match, odd update times."""
    issues: list[str] = []
    total, on_time, late = w.get("total"), w.get("on_time"), w.get("late")
    if total is not None and on_time is not None and late is not None and on_time + late != total:
        issues.append(f"on_time + late = {on_time + late} but total = {total}")
    for rate_key, part in (("late_rate", late), ("on_time_rate", on_time)):
        rate = w.get(rate_key)
        if rate is None or part is None or not total:
            continue
        real = part * 100.0 / total
        tol = 0.051 if isinstance(rate, float) else 0.51
        if abs(real - rate) > tol:
            issues.append(f"{rate_key} shown {rate}% but {part}/{total} = {real:.2f}%")
    if w.get("on_time_rate") == 99.5 and total is None:
        issues.append("on_time_rate 99.5% is the one-door system's floor (it shows 99,5 whenever the real rate is lower): read as 'at most'")
    upd = w.get("updated_at")
    if upd:
        updated = dt.datetime.fromisoformat(upd) if "T" in upd else dt.datetime.fromisoformat(upd + "T00:00:00+07:00")
        if updated > now + dt.timedelta(minutes=5):
            issues.append(f"updated_at {upd} is in the future")
        if w.get("period"):
            y, mo = map(int, w["period"].split("-"))
            if updated < dt.datetime(y, mo, 1, tzinfo=VN_OFFSET):
                issues.append(f"updated_at {upd} is older than the period {w['period']}")
    return issues


def _widget_from_region(text: str, key: str, now: dt.datetime) -> dict[str, Any] | None:
    vals = _assign(tokenize(text, key, _LABELS_RE, _LABEL_NAMES), key)
    early = vals.pop("early", None)
    if early is not None:
        vals["on_time"] = (vals.get("on_time") or 0) + early
    period_tok: Token | None = vals.pop("_period_label", None)
    upd = vals.pop("updated_at", None)
    figures = [k for k in ("processed_pct", "total", "on_time", "late", "late_rate", "on_time_rate") if vals.get(k) is not None]
    if len(figures) < 2 and not (vals.get("on_time_rate") is not None and (period_tok or upd)):
        return None
    w: dict[str, Any] = {k: None for k in WIDGET_KEYS}
    for k in figures:
        w[k] = vals[k]
    w["updated_at"] = upd.iso() if upd is not None else None
    w["period"] = _period(key[period_tok.start:period_tok.end] if period_tok else None,
                          upd.datetime() if upd is not None else None, now)
    return w


def widget_in_page(page: Page, now: dt.datetime | None = None) -> tuple[dict[str, Any] | None, list[str]]:
    """The best-read widget on a parsed page and its consistency issues."""
    now = now or default_now()
    if now.tzinfo is None:
        now = now.replace(tzinfo=VN_OFFSET)
    text, key = page.flat, page.cue_key(_CUES, 120, 760)
    best: dict[str, Any] | None = None
    best_n = 0
    last_end = -1
    for am in _ANCHOR_RE.finditer(key):
        if am.start() < last_end:
            continue
        # a widget's title or first label is a short line; an anchor inside a paragraph of the
        # article ("… trả kết quả giải quyết hồ sơ …") is not worth tokenising
        ls = key.rfind("\n", 0, am.start()) + 1
        le = key.find("\n", am.end())
        if (le if le >= 0 else len(key)) - ls > 300:
            continue
        start = am.start()
        end = min(len(key), start + 700)
        stop = _REGION_END_RE.search(key, start + 1, end)
        if stop:
            end = stop.start()
        w = _widget_from_region(text[start:end], key[start:end], now)
        last_end = end
        if w is None:
            continue
        n = sum(v is not None for v in w.values())
        if n > best_n:
            best, best_n = w, n
    if best is None:
        return None, []
    return best, check_widget(best, now)


def extract_widget(html: str | bytes, url: str, now: dt.datetime | None = None) -> tuple[dict[str, Any] | None, list[str]]:
    """(widget, widget_issues) for a page's TTHC widget, or (None, []) when it has none."""
    return widget_in_page(load_page(html, url), now)


def widget_source_urls(html: str | bytes | Page, url: str) -> list[str]:
    """Iframe pages and JSON endpoints a widget loads from, absolute, for the crawler to follow (from
    the page's markup, or from the page already parsed)."""
    page = load_page(html, url) if not isinstance(html, Page) else html
    if page.tree is None:
        return []
    out: list[str] = []
    for el in page.tree.iter("iframe", "div", "section", "span", "script"):
        cands: list[str] = []
        if el.tag == "iframe":
            cands.append(el.get("src") or el.get("data-src") or "")
        elif el.tag == "script":
            if el.text and _WIDGET_URL_RE.search(el.text):
                cands.extend(m.group(1) for m in _SCRIPT_URL_RE.finditer(el.text))
        else:
            cands.extend(v for k, v in el.attrib.items() if k in ("data-api", "data-url", "data-src", "data-endpoint"))
        for c in cands:
            c = c.strip()
            if not c or c.startswith(("javascript:", "about:", "#")):
                continue
            if not _WIDGET_URL_RE.search(c):
                continue
            absu = urljoin(url, c)
            if absu not in out:
                out.append(absu)
    return out


def _num(v: Any) -> float | int | None:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return v
    return parse_percent(str(v)) if re.search(r"[.,]\d{1,2}$", str(v).strip()) else parse_count(str(v))


def widget_from_api(payload: str | bytes | dict[str, Any], url: str, now: dt.datetime | None = None) -> tuple[dict[str, Any] | None, list[str]]:
    """Widget figures from a one-door JSON API (shapes in portal-evidence/snippets).

    - Tân Dân ThongKeTyLeXuLyDungHan: {"data":{"tyLeXuLyDungHan":"99,5"}} -> on_time_rate
    - Tân Dân HoSo: {"data":{"daHoanThanhDungHan", "daHoanThanhQuaHan", "daGiaiQuyet", …}}
    - Cà Mau getthongketoantinh: nam_xltruochan + nam_xldunghan (on time), nam_xltrehan (late)
    The period comes from the query (denNgay=YYYY-MM-DD); a year-only query (nam=2022) leaves it null.
    """
    now = now or default_now()
    issues: list[str] = []
    if isinstance(payload, (bytes, str)):
        try:
            data = json.loads(payload.decode("utf-8-sig") if isinstance(payload, bytes) else payload)
        except (ValueError, UnicodeDecodeError) as exc:
            return None, [f"widget API payload is not JSON: {exc}"]
    else:
        data = payload
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        body = data["data"]
    elif isinstance(data, dict):
        body = data
    else:
        return None, ["widget API payload is not an object"]
    low = {k.lower(): v for k, v in body.items()}
    w: dict[str, Any] = {k: None for k in WIDGET_KEYS}
    if "tylexulydunghan" in low:
        w["on_time_rate"] = parse_percent(str(low["tylexulydunghan"]))
    if "dahoanthanhdunghan" in low or "dahoanthanhquahan" in low:
        w["on_time"] = _num(low.get("dahoanthanhdunghan"))
        w["late"] = _num(low.get("dahoanthanhquahan"))
        w["total"] = _num(low.get("dagiaiquyet"))
        if w["total"] is None and w["on_time"] is not None and w["late"] is not None:
            w["total"] = w["on_time"] + w["late"]
    if "nam_xltrehan" in low or "nam_xldunghan" in low:
        early = _num(low.get("nam_xltruochan")) or 0
        w["on_time"] = early + (_num(low.get("nam_xldunghan")) or 0)
        w["late"] = _num(low.get("nam_xltrehan"))
        if w["late"] is not None:
            w["total"] = w["on_time"] + w["late"]
    if all(w[k] is None for k in ("on_time_rate", "on_time", "late", "total")):
        return None, ["widget API payload has no known keys: " + ", ".join(sorted(body)[:12])]
    if w["total"]:
        if w["late"] is not None:
            w["late_rate"] = round(w["late"] * 100.0 / w["total"], 2)
        if w["on_time"] is not None and w["on_time_rate"] is None:
            w["on_time_rate"] = round(w["on_time"] * 100.0 / w["total"], 2)
    q = {k.lower(): v[0] for k, v in parse_qs(urlparse(url).query).items()}
    end = q.get("denngay")
    if end:
        d = parse_date(end)
        if d:
            w["period"] = f"{d.date.year:04d}-{d.date.month:02d}"
    elif "nam" in q:
        issues.append(f"period given as a year only (nam={q['nam']}): period left null")
    return w, issues + check_widget(w, now)
