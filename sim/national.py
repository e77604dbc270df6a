"""The National Public Service Portal's "Bộ chỉ số 766" per province, as the simulated network serves it.

The real portal (dichvucong.gov.vn) answers `POST /jsp/rest.jsp` with the form field
``params={"type":"ref","p_nam":"2025",…,"service":"report_tinh_766_service",…}`` and a JSON array, one
object per province: ``ID, ROW_STT, TEN, CKMB, TDGQ, TTTT, CLGQ, MDHL, MDSH, TONG_SCORE``
(../shared/portal-evidence/snippets/onedoor_and_dvcqg_api_shapes.md). Values arrive as strings or
numbers, and scrapers have to replace a decimal comma before reading them; so here each province keeps
one number style (``"17.5"``, ``"17,5"`` or ``17.5``).

Everything is a pure function of (seed, day, year, the registry's province rows): each province has its
own level per component, moving by small seeded steps from day to day; from day 2 one or two provinces
are absent from the answer on some days, and every day one province has one component missing (key
absent, null or empty), as a real feed with holes does. The component maxima below are the simulator's
own assumption (they add up to 100), not a statement about the real index.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from urllib.parse import parse_qs

NATIONAL_HOST = "dichvucong.gov.vn"
API_PATH = "/jsp/rest.jsp"
PAGE_PATH = "/p/home/dvc-index-tinhthanhpho-tonghop.html"
SERVICE = "report_tinh_766_service"
#: component key -> maximum points (the simulator's assumption; the sum is 100)
COMPONENTS: tuple[tuple[str, float], ...] = (
    ("CKMB", 18.0), ("TDGQ", 20.0), ("TTTT", 12.0), ("CLGQ", 10.0), ("MDHL", 18.0), ("MDSH", 22.0),
)
STYLES = ("dot", "comma", "number")
JSON_TYPE = "application/json;charset=UTF-8"


def _rng(*keys: object) -> random.Random:
    return random.Random("|".join(str(k) for k in keys))


def display_name(row: dict[str, str]) -> str:
    """The province as the index names it: "UBND tỉnh Lai Châu" -> "Tỉnh Lai Châu"."""
    name = row.get("name", "").strip()
    for prefix in ("UBND ", "Ủy ban nhân dân "):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name[:1].upper() + name[1:] if name else row.get("province", "")


def is_portal_row(row: dict[str, str]) -> bool:
    """A unit's portal (kind empty or "portal"), not a national source."""
    return (row.get("kind") or "portal") == "portal"


@dataclass
class IndexRow:
    """One province's published figures (None = the component is missing that day)."""

    portal_id: str
    name: str
    api_id: str
    style: str
    scores: dict[str, float | None]
    missing_as: str = ""  # how a missing component is sent: "absent" | "null" | "empty"

    @property
    def total(self) -> float:
        return round(sum(v for v in self.scores.values() if v is not None), 2)


@dataclass
class NationalIndex:
    """What the index shows for one year on one day: rows in rank order, and the holes."""

    year: int
    rows: list[IndexRow] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)          # province portal ids left out today
    missing: dict[str, str] = field(default_factory=dict)     # portal id -> component missing today

    def row(self, portal_id: str) -> IndexRow | None:
        return next((r for r in self.rows if r.portal_id == portal_id), None)


def build_index(seed: int, day: int, year: int, observed_year: int, provinces: list[dict[str, str]]) -> NationalIndex:
    """The index of `year` as served on `day` (a year after the observed one is empty; an earlier year
    shows its final, day-independent figures)."""
    out = NationalIndex(year=year)
    if year > observed_year or not provinces:
        return out
    moving = year == observed_year
    ids = [p["id"] for p in provinces]
    if moving and day >= 2:
        drng = _rng(seed, "index766", "absent", day)
        out.absent = sorted(drng.sample(ids, 2 if day % 3 == 0 and len(ids) > 2 else 1))
    mrng = _rng(seed, "index766", "missing", year, day if moving else 0)
    candidates = [i for i in ids if i not in out.absent]
    if candidates:
        pid = mrng.choice(candidates)
        out.missing[pid] = mrng.choice([c for c, _ in COMPONENTS])
    for prov in provinces:
        pid = prov["id"]
        if pid in out.absent:
            continue
        prng = _rng(seed, pid, "index766", year)
        api_id = str(prng.randint(100000, 999999))
        style = _rng(seed, pid, "index766-style").choice(STYLES)
        scores: dict[str, float | None] = {}
        for comp, top in COMPONENTS:
            level = top * prng.uniform(0.62, 0.97)
            if moving:
                for k in range(2, day + 1):
                    level += top * _rng(seed, pid, "index766", year, comp, k).uniform(-0.012, 0.012)
            scores[comp] = round(min(top, max(0.0, level)), 2)
        row = IndexRow(portal_id=pid, name=display_name(prov), api_id=api_id, style=style, scores=scores)
        if pid in out.missing:
            row.scores[out.missing[pid]] = None
            row.missing_as = mrng.choice(["absent", "null", "empty"])
        out.rows.append(row)
    out.rows.sort(key=lambda r: (-r.total, r.portal_id))
    return out


def _value(value: float, style: str) -> str | float:
    if style == "number":
        return value
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if style == "comma" else text


def as_json(index: NationalIndex) -> list[dict[str, object]]:
    """The API's answer: one object per province, in rank order, values in the province's style."""
    out: list[dict[str, object]] = []
    for rank, row in enumerate(index.rows, 1):
        obj: dict[str, object] = {"ID": row.api_id, "ROW_STT": str(rank), "TEN": row.name}
        for comp, _ in COMPONENTS:
            value = row.scores[comp]
            if value is None:
                if row.missing_as == "null":
                    obj[comp] = None
                elif row.missing_as == "empty":
                    obj[comp] = ""
                continue
            obj[comp] = _value(value, row.style)
        obj["TONG_SCORE"] = _value(row.total, row.style)
        out.append(obj)
    return out


def parse_params(body: bytes) -> dict[str, object] | None:
    """The `params` form field as JSON, or None when the request does not carry one."""
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        params = json.loads(form["params"][0])
    except (UnicodeDecodeError, KeyError, IndexError, ValueError):
        return None
    return params if isinstance(params, dict) else None


def page_html() -> str:
    """The summary page: the table is filled in the browser from the API, as on the real portal."""
    headers = ("STT", "Tỉnh/Thành phố", "Công khai, minh bạch", "Tiến độ giải quyết", "Dịch vụ trực tuyến",
               "Mức độ hài lòng", "Số hóa hồ sơ", "Tổng điểm")
    ths = "".join(f"<th>{h}</th>" for h in headers)
    return ("<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\" />"
            "<title>Bộ chỉ số phục vụ người dân, doanh nghiệp - Tỉnh/Thành phố</title></head><body>"
            "<h1>Bộ chỉ số phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công</h1>"
            f"<div id=\"table-container\"><table><thead><tr>{ths}</tr></thead><tbody></tbody></table></div>"
            f"<script>/* POST {API_PATH} params={{\"service\":\"{SERVICE}\",\"p_nam\":…}} */</script>"
            "</body></html>")
