"""Document numbers (số, ký hiệu) by the official grammar, and the citations that carry them.

State documents: ``số/ký hiệu`` or ``số/năm/ký hiệu`` where the ký hiệu joins codes with hyphens
(38/KH-UBND, 61/2018/NĐ-CP, 30c/NQ-CP, 209/UBND-VP, 766/QĐ-TTg). Party documents:
``số-LOẠI/CƠ QUAN`` (41-KH/ĐU, 11-KH/BTGHU, 08-ĐA/HU, 600-TB/TU). The grammar, not the page markup,
decides what a number is, so "2021-2030", "18/4/2022" and "Cổng/trang" never match.

A citation is "<type> [số] <number>[,] [ngày <date>] [của <issuer>] [về …]" (DOMAIN.md).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from core.vntext import fold_aligned

from .dates import find_dates

_UP = "A-ZĐÂĂÊÔƠƯ"
# a typed header often pads the number ("Số: 25 /KH-UBND", "Số: 125/ KH-UBND"): up to two spaces
# either side of the first slash are allowed and dropped from the number as stored; so is a stray
# space typed on one side of a hyphen ("25/TTr- SNV" is 25/TTr-SNV, "05/KH -UBND" is 05/KH-UBND), and
# the spaces a typed party or Đoàn header puts round its first hyphen ("225 - KH/TWĐTN" is 225-KH/TWĐTN)
_STATE = rf"(?P<sn>\d{{1,5}}[a-z]?)[ \xa0]{{0,2}}/[ \xa0]{{0,2}}(?:(?P<sy>(?:19|20)\d{{2}})/)?(?P<ss>[{_UP}][{_UP}a-z&]*(?:(?:[ \xa0]-|-[ \xa0]?)[{_UP}][{_UP}a-z&0-9]*)+)"
_PARTY = rf"(?P<pn>\d{{1,5}}[a-z]?)(?:-|[ \xa0]{{1,2}}-[ \xa0]{{1,2}})(?P<pt>[{_UP}][{_UP}a-z]{{0,4}})/(?P<pi>[{_UP}][{_UP}a-z]*(?:-[{_UP}][{_UP}a-z]*)?)"
NUMBER_RE = re.compile(rf"(?<![\w/.-])(?:{_STATE}|{_PARTY})(?![\w/])")

# Type words as written before a number (folded key -> canonical name).
DOC_TYPES: dict[str, str] = {
    "ke hoach": "Kế hoạch",
    "quyet dinh": "Quyết định",
    "nghi quyet": "Nghị quyết",
    "nghi dinh": "Nghị định",
    "chi thi": "Chỉ thị",
    "thong bao": "Thông báo",
    "bao cao": "Báo cáo",
    "de an": "Đề án",
    "huong dan": "Hướng dẫn",
    "cong van": "Công văn",
    "thong tu lien tich": "Thông tư liên tịch",
    "thong tu": "Thông tư",
    "chuong trinh hanh dong": "Chương trình hành động",
    "chuong trinh": "Chương trình",
    "de cuong": "Đề cương",
    "phuong an": "Phương án",
    "ket luan": "Kết luận",
    "luat": "Luật",
    "van ban": "Văn bản",
    "to trinh": "Tờ trình",
    "quy che": "Quy chế",
    "quy dinh": "Quy định",
    "thong cao": "Thông cáo",
    "bien ban": "Biên bản",
    "cong dien": "Công điện",
    "giay moi": "Giấy mời",
    "thong tri": "Thông tri",
}
# Type codes inside a ký hiệu (folded) -> canonical name.
TYPE_CODES: dict[str, str] = {
    "kh": "Kế hoạch", "qd": "Quyết định", "nq": "Nghị quyết", "nd": "Nghị định", "ct": "Chỉ thị",
    "tb": "Thông báo", "bc": "Báo cáo", "da": "Đề án", "hd": "Hướng dẫn", "tt": "Thông tư",
    "cv": "Công văn", "ctr": "Chương trình", "kl": "Kết luận", "ttlt": "Thông tư liên tịch",
    # the other abbreviations of Nghị định 30/2020/NĐ-CP (Phụ lục III) and of party documents
    "ttr": "Tờ trình", "qc": "Quy chế", "qyd": "Quy định", "tc": "Thông cáo", "pa": "Phương án", "bb": "Biên bản",
    "cd": "Công điện", "gm": "Giấy mời", "ttri": "Thông tri",
}
_ISSUER_STOP_RE = re.compile(
    r"\s+(?:ve|ban hanh|phe duyet|quy dinh|huong dan|trien khai|thuc hien|tai|nham|theo|doi voi|va ke hoach|va quyet dinh)\b"
    r"|[,;.()“\"”:\n]"
)


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A document number found in text, with its span."""

    start: int
    end: int
    number: str
    code: str | None  # the type code inside the ký hiệu, folded ("kh", "qd", …) or None (e.g. 209/UBND-VP)
    party: bool


_QUICK_RE = re.compile(rf"\d[a-z]?(?:[ \xa0]{{0,2}}/[ \xa0]{{0,2}}|-|[ \xa0]{{1,2}}-[ \xa0]{{1,2}})(?:(?:19|20)\d\d/)?[{_UP}]")
_PAD_RE = re.compile(r"[ \xa0]+")
_DIGITS_BEFORE_RE = re.compile(r"\d{0,5}$")


def _number_matches(text: str) -> Iterator[re.Match[str]]:
    """NUMBER_RE matches, found by a cheap scan for "digit[/-]LETTER" and a full match there."""
    last = 0
    for q in _QUICK_RE.finditer(text):
        if q.start() < last:
            continue
        back = _DIGITS_BEFORE_RE.search(text, max(0, q.start() - 5), q.start())
        start = back.start() if back else q.start()
        m = NUMBER_RE.match(text, start)
        if m:
            last = m.end()
            yield m


# "Công văn số 50/VHTT": a ký hiệu that is only the issuer's abbreviation, taken only after "số"
_BARE_CODE_RE = re.compile(rf"(?<![\w/])(?:[Ss]ố|so)[ \xa0]*:?[ \xa0]*(?P<n>\d{{1,5}}[a-z]?)/(?P<c>[{_UP}][{_UP}&]{{1,9}})(?![\w/-])")


def find_numbers(text: str) -> list[NumberMatch]:
    """All document numbers in NFC `text`, in order."""
    out: list[NumberMatch] = []
    for m in _number_matches(text):
        if m["sn"] is not None:
            first = m["ss"].split("-")[0]
            folded = fold_aligned(first).lower()
            code = folded if folded in TYPE_CODES else None
            out.append(NumberMatch(m.start(), m.end(), _PAD_RE.sub("", m.group(0)), code, False))
        else:
            code = fold_aligned(m["pt"]).lower()
            number = f"{m['pn']}-{m['pt']}/{m['pi']}"
            out.append(NumberMatch(m.start(), m.end(), number, code if code in TYPE_CODES else None, True))
    if "/" in text:
        # only where the full grammar found nothing ("số 05/KH -UBND" is 05/KH-UBND, not 05/KH)
        taken = [(n.start, n.end) for n in out]
        bare = [NumberMatch(m.start("n"), m.end(), f"{m['n']}/{m['c']}", None, False)
                for m in _BARE_CODE_RE.finditer(text)
                if not any(a <= m.start("n") < b for a, b in taken)]
        if bare:
            out = sorted(out + bare, key=lambda n: n.start)
    return out


_TYPES_LONGEST_FIRST = sorted(DOC_TYPES, key=len, reverse=True)
# "hướng dẫn số Số 15 - HD/HU": a portal may type the cue twice
_SO_TAIL_RE = re.compile(r"(?:\s*so\s*:?){0,2}\s*$")


def type_before(folded: str, pos: int) -> tuple[str | None, int]:
    """The document type word written just before position `pos` ("Kế hoạch số ", "Nghị định ")."""
    lo = max(0, pos - 30)
    window = folded[lo:pos]
    tail = _SO_TAIL_RE.search(window)
    head = window[:tail.start()] if tail else window.rstrip()
    for t in _TYPES_LONGEST_FIRST:
        if head.endswith(t) and (len(head) == len(t) or not head[-len(t) - 1].isalpha()):
            return DOC_TYPES[t], lo + len(head) - len(t)
    return None, pos


def type_from_code(code: str | None) -> str | None:
    """Canonical type from a ký hiệu code; a number without one (209/UBND-VP) is a công văn."""
    if code is None:
        return "Công văn"
    return TYPE_CODES.get(code)


def issuer_after(text: str, folded: str, pos: int) -> tuple[str | None, int]:
    """Issuer written as "của <issuer>" right after a number (and its date), or None."""
    window = folded[pos:pos + 12]
    m = re.match(r"\s*,?\s*cua\s+", window)
    if not m:
        return None, pos
    start = pos + m.end()
    rest = folded[start:start + 120]
    stop = _ISSUER_STOP_RE.search(rest)
    end = start + (stop.start() if stop else len(rest))
    issuer = text[start:end].strip(" -–")
    return (issuer or None), end


def date_after(text: str, folded: str, pos: int) -> tuple[str | None, int]:
    """The date written right after a number: ", ngày 06/4/2022" / " ngày 18 tháng 4 năm 2022"."""
    m = re.match(r"\s*,?\s*(?:ban hanh\s+)?ngay\s*", folded[pos:pos + 30])
    if not m:
        return None, pos
    found = find_dates(text[pos:pos + 60], folded[pos:pos + 60])
    if found and found[0].start <= m.end() + 1:
        return found[0].date.isoformat(), pos + found[0].end
    return None, pos


@dataclass(slots=True)
class Citation:
    """One document cited (or issued) by a text: {type, number, date, issuer}."""

    type: str | None
    number: str
    date: str | None
    issuer: str | None
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict[str, str | None]:
        return {"type": self.type, "number": self.number, "date": self.date, "issuer": self.issuer}


# "ngày 02/9/2021, Thủ tướng Chính phủ [đã|vừa] ban hành|ký " right before a document: the date (and
# the organ) that open the sentence are that document's
_LEAD_RE = re.compile(r"(?:^|[\s(])ngay\s*$")
_SENTENCE_BREAK_RE = re.compile(r"[.;\n](?=\s|$)|\n")
_LEAD_VERB_RE = re.compile(r"(?:ban\s*hanh|ky(?:\s*ban\s*hanh)?|co)\s*$")


def date_before(text: str, folded: str, tstart: int) -> tuple[str | None, str | None]:
    """(date, organ) of a sentence that opens "Ngày <date>, <organ> ban hành" the document at `tstart`."""
    lo = max(0, tstart - 160)
    # the sentence the document is named in (a period inside a date, "02.9.2021", ends none)
    breaks = list(_SENTENCE_BREAK_RE.finditer(folded, lo, tstart))
    if breaks:
        lo = breaks[-1].end()
    window = folded[lo:tstart]
    if not _LEAD_VERB_RE.search(window):
        return None, None
    for d in find_dates(text[lo:tstart], window):
        if not _LEAD_RE.search(window[:d.start]):
            continue
        between = window[d.end:]
        if find_numbers(text[lo + d.end:tstart]) or "," not in between[:4]:
            return None, None
        from .issuer import issuer_in_clause  # issuer imports nothing from here at module load

        return d.date.isoformat(), issuer_in_clause(text[lo + d.end:tstart].strip(" ,"))
    return None, None


def find_citations(text: str, folded: str) -> list[Citation]:
    """Every numbered document in `text` with type, date and issuer where written, in order; a date
    and organ that open the sentence ("ngày 02/9/2021, Thủ tướng Chính phủ ban hành Chỉ thị số
    23/CT-TTg") belong to the document it goes on to name."""
    out: list[Citation] = []
    for nm in find_numbers(text):
        dtype, tstart = type_before(folded, nm.start)
        date, pos = date_after(text, folded, nm.end)
        issuer, pos2 = issuer_after(text, folded, pos)
        if date is None and dtype is not None:
            lead_date, lead_issuer = date_before(text, folded, tstart)
            date, issuer = lead_date, issuer or lead_issuer
        out.append(Citation(dtype or type_from_code(nm.code), nm.number, date, issuer, tstart, max(pos, pos2, nm.end)))
    return out


def dedupe(citations: list[Citation]) -> list[Citation]:
    """Keep the first mention of each number, completing its missing fields from later mentions."""
    seen: dict[str, Citation] = {}
    order: list[Citation] = []
    for c in citations:
        first = seen.get(c.number)
        if first is None:
            seen[c.number] = c
            order.append(c)
            continue
        first.date = first.date or c.date
        first.issuer = first.issuer or c.issuer
        first.type = first.type or c.type
    return order


_FILE_NUM_RE = re.compile(
    r"(?<![a-z0-9])(?P<n>\d{1,5}[a-z]?)[ _.-]*(?:(?P<y>(?:19|20)\d{2})[ _.-]+)?(?P<t>kh|qd|nq|ct|tb|bc|da|hd|cv)[ _.-]+(?P<i>[a-z]{2,10})(?![a-z])"
    r"|(?<![a-z0-9])(?P<t2>kh|qd|nq|ct|tb|bc|da|hd)[ _.-]*(?P<n2>\d{1,5})[ _.-]+(?P<i2>[a-z]{2,10})(?![a-z])"
)
_BARE_FILE_NUM_RE = re.compile(r"^(?P<n>\d{1,5}[a-z]?)(?:[ _.-].*)?$")


def number_from_filename(name: str) -> str | None:
    """A document-number candidate in a file name ("KH-38-UBND.pdf" -> "38/KH-UBND", "224.pdf" -> "224").

    Only a candidate: a file name is not the document's own statement of its number.
    """
    stem = fold_aligned(name.rsplit("/", 1)[-1]).lower()
    stem = re.sub(r"\.(pdf|docx?|xlsx?|odt|zip|rar)$", "", stem)
    m = _FILE_NUM_RE.search(stem)
    if m:
        if m["n"]:
            n, t, i, y = m["n"], m["t"], m["i"], m["y"]
        else:
            n, t, i, y = m["n2"], m["t2"], m["i2"], None
        tcode = {"qd": "QĐ", "nd": "NĐ", "da": "ĐA"}.get(t, t.upper())
        return f"{n}/{y + '/' if y else ''}{tcode}-{i.upper()}"
    m = _BARE_FILE_NUM_RE.match(stem)
    if m:
        return m["n"]
    return None
