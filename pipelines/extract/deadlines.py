"""Dated obligations: "trước ngày 15/11/2022", "chậm nhất ngày …", "hạn cuối …", "trước 05/12/2022"."""
from __future__ import annotations

import re

from .dates import find_dates

_CUE_SCAN_RE = re.compile(r"(?<![a-z])(?:truoc|cham nhat(?: la)?|han chot|han cuoi|thoi han|khong muon hon|hoan thanh)\s*")
# what may stand between a cue and its date ("trước ngày 15/11", "chậm nhất là ngày …"); "ngày 15 tháng 11
# năm 2022" keeps its "ngày", which belongs to the date's own grammar
_BETWEEN = frozenset({"", "ngay", "vao ngay", "la ngay", "ngay la", "la"})
_CLAUSE_START_RE = re.compile(r"[.;:\n]|(?<=\s)-\s")


def find_deadlines(text: str, folded: str) -> list[dict[str, str]]:
    """{date, text} for each date introduced by a deadline cue, the text being its clause.

    Scans for the cue words first and parses a date only right after one (cheap on long texts)."""
    out: list[dict[str, str]] = []
    for cue in _CUE_SCAN_RE.finditer(folded):
        found = find_dates(text[cue.end():cue.end() + 55], folded[cue.end():cue.end() + 55])
        if not found or " ".join(folded[cue.end():cue.end() + found[0].start].split()) not in _BETWEEN:
            continue
        start, end_d = cue.end() + found[0].start, cue.end() + found[0].end
        dm_date = found[0].date
        cut = max((m.end() for m in _CLAUSE_START_RE.finditer(folded, max(0, start - 300), start)), default=max(0, start - 300))
        end_m = re.search(r"[.;\n]", folded[end_d:end_d + 200])
        end = end_d + (end_m.start() if end_m else 0)
        clause = " ".join(text[cut:end].split()).strip(" ,")
        item = {"date": dm_date.isoformat(), "text": clause}
        if item not in out:
            out.append(item)
    return out
