"""The national 766 index per province: from the API's JSON answer to typed readings (pure, no I/O).

The National Public Service Portal answers `POST /jsp/rest.jsp` (service `report_tinh_766_service`)
with a JSON array, one object per province: ``ID, ROW_STT, TEN, CKMB, TDGQ, TTTT, CLGQ, MDHL, MDSH,
TONG_SCORE`` (../shared/portal-evidence/snippets/onedoor_and_dvcqg_api_shapes.md). Scrapers in the
wild call ``float()`` on the values and one replaces ``,`` with ``.`` first: values come as numbers or
as strings, with a decimal point or a decimal comma. So:

- a value is read as a number in either notation ("17.5", "17,5", 17.5; "1.234,5" reads the last
  mark as the decimal one); a score outside 0..100 or an unreadable one is *no* figure, with an issue;
- an absent, null, empty or "-" component is a silent source: None, never 0;
- an object without a province name cannot be attributed and is skipped with an issue; a province
  given twice keeps its first object;
- an answer that is not JSON, or JSON of another shape, is a fault (`IndexParse.error`), never a crash.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from core.vntext import fold, nfc

#: The index's components, in the portal's column order (labels in reports/labels.py).
COMPONENTS: tuple[str, ...] = ("CKMB", "TDGQ", "TTTT", "CLGQ", "MDHL", "MDSH")
TOTAL = "TONG_SCORE"
#: Wrapper keys some JSON services put the rows under ({"data": [...]}).
_WRAPPERS = ("data", "rows", "items", "result")
_SILENT = frozenset({"", "-", "--", "n/a", "na", "null", "none"})
_PROVINCE_PREFIX = re.compile(r"^(?:tinh|thanh pho|tp\.?)\s+")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)$")


def province_key(name: str) -> str:
    """Matching key of a province name: folded, "Tỉnh"/"Thành phố"/"TP." dropped — the same key as
    `crawler.registry.province_key` (tests check they agree), so "Thành phố Hồ Chí Minh" here meets the
    registry's "Hồ Chí Minh"."""
    return _PROVINCE_PREFIX.sub("", fold(name.replace("\u00d0", "D").replace("\u00f0", "d")))


@dataclass
class IndexReading:
    """One province's figures as published (None where the source is silent)."""

    province: str                      # as the index names it (NFC): "Tỉnh An Giang"
    province_key: str                  # matching key: "an giang"
    api_id: str | None = None
    rank: int | None = None
    scores: dict[str, float | None] = field(default_factory=dict)
    total: float | None = None
    issues: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class IndexParse:
    """A whole answer: the readings, answer-level issues, and the fault when nothing could be read."""

    readings: list[IndexReading] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    error: str | None = None


def score(value: Any) -> tuple[float | None, str | None]:
    """A score read from a number or a string in either decimal notation: (value, issue)."""
    if value is None or isinstance(value, bool):
        return (None, None) if value is None else (None, f"{value!r} is not a score")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        text = value.replace("\u00a0", "").replace(" ", "").strip()
        if text.lower() in _SILENT:
            return None, None
        if not _NUMBER.match(text):
            return None, f"{value!r} is not a number"
        last = max(text.rfind("."), text.rfind(","))
        if last >= 0:
            text = text[:last].replace(".", "").replace(",", "") + "." + text[last + 1:]
        number = float(text)
    else:
        return None, f"{type(value).__name__} value {value!r} is not a score"
    if not math.isfinite(number) or not 0.0 <= number <= 100.0:
        return None, f"{value!r} is outside 0..100"
    return round(number, 4), None


def _rows_of(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in _WRAPPERS:
            if isinstance(data.get(key), list):
                return data[key]
    return None


def parse_index766(body: bytes | str) -> IndexParse:
    """Readings from the API's answer (see the module docstring for every rule)."""
    out = IndexParse()
    try:
        text = body.decode("utf-8-sig") if isinstance(body, bytes) else body
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        out.error = f"the index API did not answer JSON ({type(exc).__name__}: {str(exc)[:120]})"
        return out
    rows = _rows_of(data)
    if rows is None:
        out.error = f"the index API answered JSON of another shape ({type(data).__name__}, not a list of provinces)"
        return out
    seen: set[str] = set()
    for n, obj in enumerate(rows, 1):
        if not isinstance(obj, dict):
            out.issues.append(f"item {n}: not an object ({type(obj).__name__}); skipped")
            continue
        name = obj.get("TEN")
        if not isinstance(name, str) or not name.strip():
            out.issues.append(f"item {n}: no province name (TEN); skipped")
            continue
        name = nfc(" ".join(name.split()))
        key = province_key(name)
        if key in seen:
            out.issues.append(f"item {n}: {name} given twice; the first kept")
            continue
        seen.add(key)
        reading = IndexReading(province=name, province_key=key, raw=obj)
        api_id = obj.get("ID")
        reading.api_id = str(api_id) if api_id not in (None, "") else None
        try:
            reading.rank = int(str(obj.get("ROW_STT")).strip())
        except ValueError:
            reading.rank = None
        for comp in (*COMPONENTS, TOTAL):
            value, issue = score(obj.get(comp))
            if issue:
                reading.issues.append(f"{comp}: {issue}")
            if comp == TOTAL:
                reading.total = value
            else:
                reading.scores[comp] = value
        out.readings.append(reading)
    return out
