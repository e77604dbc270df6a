"""Label -> value reading shared by the widget and the visitor counter.

Widgets change their tags with every template (spans, a table, a list, a table whose labels sit in
one row and values in the next); their visible labels stay. So a region's text is cut into tokens
(label / number / percentage / date) and each number goes to the oldest label still waiting for
one: "Số hồ sơ xử lý: 2142" and a header row "Số hồ sơ | Trễ hạn" over "2142 | 0" read alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import DateMatch, find_dates

_NUM_RE = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,]\d{3})+|\d+)(?:([.,])(\d{1,2})(?!\d))?\s*(%)?")


def parse_count(raw: str) -> int | None:
    """'24,103' / '4.798.809' / '2142' -> int (counts never have decimals, so any separator is thousands)."""
    digits = re.sub(r"[.,\s]", "", raw)
    return int(digits) if digits.isdigit() else None


def parse_percent(raw: str) -> float | int | None:
    """'99,41' / '99.5' / '100' -> number in percent as shown; ints stay ints."""
    raw = raw.strip().rstrip("%").strip().replace(" ", "")
    if not raw:
        return None
    if re.fullmatch(r"\d+", raw):
        return int(raw)
    m = re.fullmatch(r"(\d+)[.,](\d+)", raw)
    if m:
        return float(f"{m.group(1)}.{m.group(2)}")
    return None


@dataclass(slots=True)
class Token:
    kind: str          # "label", "num", "date"
    start: int
    end: int
    name: str = ""     # label name
    value: float | int | None = None
    percent: bool = False
    date: DateMatch | None = None


def tokenize(text: str, key: str, labels: re.Pattern[str], names: list[str]) -> list[Token]:
    """Tokens of a region: labels (from the alternation `labels`, group i -> names[i]), dates, numbers."""
    tokens: list[Token] = []
    taken = bytearray(len(key) + 1)   # 1 where a label or a date already covers the character
    for m in labels.finditer(key):
        idx = m.lastindex - 1 if m.lastindex else next(i for i, g in enumerate(m.groups()) if g is not None)
        tokens.append(Token("label", m.start(), m.end(), names[idx]))
        taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    for d in find_dates(text, key):
        tokens.append(Token("date", d.start, d.end, date=d))
        taken[d.start:d.end] = b"\x01" * (d.end - d.start)
    for m in _NUM_RE.finditer(key):
        if taken[m.start()]:
            continue
        intpart, dec, pct = m.group(1), m.group(3), m.group(4)
        if pct:
            value = parse_percent(intpart + (("," + dec) if dec else ""))
        elif dec:
            # "99,41" without % is still a decimal; "2.142" was taken by the thousands group
            value = parse_percent(intpart + "," + dec)
        else:
            value = parse_count(intpart)
        tokens.append(Token("num", m.start(), m.end(), value=value, percent=bool(pct)))
    tokens.sort(key=lambda t: t.start)
    return tokens
