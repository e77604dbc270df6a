"""Property-based tests of the extractor (issue 9) on generated pages (tests/extract/page_strategies.py):
random nesting, tables, lists, labels, Vietnamese text with and without diacritics (NFC and NFD),
dates and numbers valid and not, broken markup, and bytes in several encodings.

Whatever the page: extract() does not raise; the record has every contract key in order with
the contract's types; every string in it is NFC; every date is a real date in ISO 8601; widget
and counter figures are numbers. The example count is modest in CI (profile "cchc-ci", 60 examples;
CCHC_HYPOTHESIS_EXAMPLES overrides it); bench/fuzz_extract.py runs the same strategies far longer.
No deadline and no timing: speed is measured by bench/linearity.py and the fuzz bench.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from typing import Any

from hypothesis import HealthCheck, given, settings
from page_strategies import page_input

from pipelines.extract import extract
from pipelines.extract.record import RECORD_KEYS
from pipelines.extract.sections import SECTION_NAMES
from pipelines.extract.visitors import VISITOR_KEYS
from pipelines.extract.widget import WIDGET_KEYS

settings.register_profile(
    "cchc-ci",
    max_examples=int(os.environ.get("CCHC_HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    database=None,   # no example database written into the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
CI = settings.get_profile("cchc-ci")

URL = "https://sonoivu.tuyenquang.gov.vn/tin-tuc/ke-hoach-cchc-2024.html"
NOW = dt.datetime(2024, 3, 20, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00")
CATEGORIES = {"propaganda_plan", "plan", "report", "other", None}
ORGANS = {"party", "government", "council", "mass_organisation", None}


def valid_date(value: Any) -> bool:
    return isinstance(value, str) and bool(_ISO_DATE.fullmatch(value)) and _parses(dt.date.fromisoformat, value)


def valid_instant(value: Any) -> bool:
    """`YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS+07:00`, and a real date/time."""
    if not isinstance(value, str):
        return False
    if _ISO_DATE.fullmatch(value):
        return _parses(dt.date.fromisoformat, value)
    return bool(_ISO_DATETIME.fullmatch(value)) and _parses(dt.datetime.fromisoformat, value)


def _parses(fn: Any, value: str) -> bool:
    try:
        fn(value)
    except ValueError:
        return False
    return True


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings_in(k) + strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def opt(value: Any, kind: type | tuple[type, ...]) -> bool:
    """None, or an instance of `kind` (a bool is not a number here)."""
    return value is None or (isinstance(value, kind) and not isinstance(value, bool))


def check_record(d: dict[str, Any]) -> list[str]:
    """Every contract violation in a record (empty when it holds). Shared with bench/fuzz_extract.py."""
    bad: list[str] = []
    if tuple(d) != RECORD_KEYS:
        return [f"keys {tuple(d)} != {RECORD_KEYS}"]
    if d["url"] != URL:
        bad.append(f"url {d['url']!r}")
    for k in ("title", "text", "doc_number", "doc_type", "issuer", "issuer_as_written"):
        if not opt(d[k], str):
            bad.append(f"{k} is {type(d[k]).__name__}")
    if d["published_at"] is not None and not valid_instant(d["published_at"]):
        bad.append(f"published_at {d['published_at']!r}")
    if d["doc_date"] is not None and not valid_date(d["doc_date"]):
        bad.append(f"doc_date {d['doc_date']!r}")
    if not isinstance(d["is_cchc"], bool):
        bad.append("is_cchc not a bool")
    if d["category"] not in CATEGORIES:
        bad.append(f"category {d['category']!r}")
    if d["organ"] not in ORGANS:
        bad.append(f"organ {d['organ']!r}")
    if not opt(d["plan_year"], int):
        bad.append(f"plan_year {d['plan_year']!r}")
    for c in d["citations"]:
        if set(c) != {"type", "number", "date", "issuer"} or not isinstance(c["number"], str) \
                or (c["date"] is not None and not valid_date(c["date"])):
            bad.append(f"citation {c!r}")
    for x in d["deadlines"]:
        if set(x) != {"date", "text"} or not valid_date(x["date"]) or not isinstance(x["text"], str):
            bad.append(f"deadline {x!r}")
    if not all(isinstance(c, str) for c in d["channels"]):
        bad.append(f"channels {d['channels']!r}")
    for s in d["sections"]:
        if not isinstance(s, dict) or s.get("name") not in SECTION_NAMES \
                or not all(isinstance(v, str) for v in s.values()):
            bad.append(f"section {s!r}")
    for a in d["attachments"]:
        if set(a) != {"url", "name", "kind"} or not isinstance(a["url"], str) or not opt(a["name"], str) \
                or not opt(a["kind"], str):
            bad.append(f"attachment {a!r}")
    w = d["widget"]
    if w is not None:
        if tuple(w) != WIDGET_KEYS:
            bad.append(f"widget keys {tuple(w)}")
        else:
            for k in ("processed_pct", "total", "on_time", "late", "late_rate", "on_time_rate"):
                if not opt(w[k], (int, float)):
                    bad.append(f"widget {k} {w[k]!r}")
            if w["period"] is not None and not (re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", w["period"])):
                bad.append(f"widget period {w['period']!r}")
            if w["updated_at"] is not None and not valid_instant(w["updated_at"]):
                bad.append(f"widget updated_at {w['updated_at']!r}")
    v = d["visitors"]
    if v is not None and (tuple(v) != VISITOR_KEYS or not all(opt(x, int) for x in v.values())):
        bad.append(f"visitors {v!r}")
    for k in ("widget_issues", "warnings"):
        if not isinstance(d[k], list) or not all(isinstance(x, str) for x in d[k]):
            bad.append(f"{k} {d[k]!r}")
    not_nfc = [s for s in strings_in(d) if not unicodedata.is_normalized("NFC", s)]
    if not_nfc:
        bad.append(f"not NFC: {not_nfc[:3]!r}")
    try:
        json.dumps(d, allow_nan=False)
    except (TypeError, ValueError) as exc:
        bad.append(f"not JSON: {exc}")
    return bad


@CI
@given(page=page_input())
def test_any_page_gives_a_well_formed_record(page: str | bytes) -> None:
    record = extract(page, URL, fetched_at=NOW).to_dict()
    assert check_record(record) == []


def test_the_checker_catches_what_it_checks() -> None:
    """The property is only as good as check_record: a broken record must be reported."""
    good = extract("<html><body><h1>Kế hoạch cải cách hành chính năm 2024</h1><p>12/03/2024</p></body></html>",
                   URL, fetched_at=NOW).to_dict()
    assert check_record(good) == []
    broken = dict(good, published_at="2024-02-30", title=unicodedata.normalize("NFD", "Kế hoạch"),
                  widget={k: None for k in WIDGET_KEYS} | {"total": "12"}, is_cchc=1)
    problems = check_record(broken)
    assert any(p.startswith("published_at") for p in problems)
    assert any(p.startswith("not NFC") for p in problems)
    assert "widget total '12'" in problems
    assert "is_cchc not a bool" in problems
