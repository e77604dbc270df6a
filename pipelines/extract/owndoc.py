"""The page's own document (`find_own`): a document header, else a statement in the text ("UBND xã
Tân Lập ban hành Kế hoạch số 06/KH-UBND về …"), then in the title, then an unnumbered statement.
"Thực hiện Kế hoạch số …", "Căn cứ …", "theo …" and "về việc ban hành …" cite, they do not state.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

from core.vntext import fold, fold_aligned

from .attached import attached_to, lead_line_number
from .classify import RESULTS_RE
from .dates import find_dates
from .header import parse_header
from .issuer import department_prefix, issuer_in_clause
from .numbers import DOC_TYPES, Citation, find_citations, find_numbers
from .resultslead import _FIRST_SENTENCE_RE, _LEAD_CHARS, _results_statement, results_lead

_VERB_END_RE = re.compile(
    r"(?:(?<=\s)|^)(?:vua\s+|da\s+|chinh\s+thuc\s+)?(?:ban\s*hanh(?:\s+kem\s+theo)?|xay\s*dung|ky(?:\s+ban\s*hanh)?"
    r"|(?P<co>co))\s*$")
# "UBND huyện yêu cầu các xã … ban hành Kế hoạch": the organ asks others to issue one ("Ban Chỉ đạo …" is
# an organ's name, not a request)
_REQUEST_RE = re.compile(
    r"(?<![a-z])(?:ubnd|uy\s*ban|so|phong|dang\s*uy|bo|huyen\s*uy|tinh\s*uy|thanh\s*uy|ban|chu\s*tich)(?![a-z])"
    r"[^.;]{0,80}?\s(?:yeu\s*cau|de\s*nghi|(?<!ban\s)chi\s*dao|giao\s*(?:cho|nhiem\s*vu)|huong\s*dan|don\s*doc)(?![a-z])")
_CITE_CUE_RE = re.compile(r"(?:ve\s*viec|(?<![a-z])ve|(?<![a-z])de|nham|viec)\s*$")
_CLAUSE_CUT_RE = re.compile(r"[.;:\n]")
_TYPES_ALT = "|".join(sorted(DOC_TYPES, key=len, reverse=True))
_NUMBERLESS_RE = re.compile(
    rf"(?:(?<=\s)|^)(?:vua\s+|da\s+)?(?:ban\s*hanh|xay\s*dung)\s+(?:du\s*thao\s+)?(?P<type>{_TYPES_ALT})(?!\s*so\s*\d)(?![a-z])"
)
_PASSIVE_RE = re.compile(
    rf"(?:(?<=\s)|^)(?P<type>{_TYPES_ALT})(?:\s+nay)?\s+(?:da\s+)?duoc\s+(?P<organ>[^.;:\n]{{3,80}}?)\s+"
    r"(?:ban\s*hanh|xay\s*dung)(?![a-z])")
_TITLE_TYPE_RE = re.compile(rf"^\s*(?P<type>{_TYPES_ALT})(?![a-z])")
# a headline that opens with the document's number ("Số 924/SNV-CCHC …", "Số: 12/KH-UBND …")
_TITLE_NUMBER_RE = re.compile(r"^\s*so\s*:?\s*\d")
# "V/v" (về việc): the subject marker of an administrative letter's heading
_VV_RE = re.compile(r"(?<![a-z])v\s*/\s*v\s*:?\s*")
_SUBJECT_LEAD_RE = re.compile(r"^\s*,?\s*(?:ve\s*viec\s+|ve\s+)?")
_SUBJECT_END_RE = re.compile(r",\s*nhu\s*sau|[.;:\n]|\s+\(|,\s*(?:gom|theo do)\s")


@dataclass
class OwnDocument:
    """The page's own document as its text states it."""

    number: str | None = None
    type: str | None = None
    date: str | None = None
    issuer_as_written: str | None = None
    subject: str | None = None
    superior: str | None = None  # the header line above the issuer ("UBND TỈNH ĐIỆN BIÊN"), if any
    place: str | None = None     # the header's place-and-date line's place ("Bình Định")
    from_header: bool = False    # stated by the document's formal header


def _subject_after(text: str, key: str, pos: int) -> str | None:
    lead = _SUBJECT_LEAD_RE.match(key[pos:pos + 20])
    start = pos + (lead.end() if lead else 0)
    stop = _SUBJECT_END_RE.search(key, start, start + 400)
    end = stop.start() if stop else min(len(key), start + 400)
    subj = text[start:end].strip(" ,“”\"")
    return subj or None


def _clause_before(text: str, key: str, verb_start: int, lo: int) -> tuple[str, int]:
    cuts = [m.end() for m in _CLAUSE_CUT_RE.finditer(key, lo, verb_start)]
    cstart = cuts[-1] if cuts else lo
    return text[cstart:verb_start], cstart


def _issuer_from_clause(clause: str) -> str | None:
    # the organ follows the last comma ("…, Sở Lao động - … xây dựng"), or the leading date
    parts = clause.split(",")
    for i in range(len(parts) - 1, -1, -1):
        name = issuer_in_clause(parts[i])
        if name:
            # a department's legal name may hold a comma ("Sở Văn hóa, Thể thao và Du lịch")
            dept = department_prefix(",".join(parts[i:]).lstrip())
            return dept if dept and len(dept) > len(name) else name
    return None
# a news source's or place's tag ("HNP - ", "(Chinhphu.vn) - ", "( Phù Ninh) - ") before the lead sentence
_SOURCE_TAG_RE = re.compile(r"^\s*(?:\(?[a-z0-9.]{2,14}\)?|\(\s*[a-z][a-z0-9. ]{1,28}\))\s*[-–]\s+")
_DAY_MONTH_RE = re.compile(r"^\s*ngay\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})(?![\d/.-])")


def _day_month(ckey: str, posted: str | None) -> str | None:
    """"Ngày 9/1, Sở … ban hành …" in a news item: the year is the posting's (the year before when
    the month is later than the posting's month)."""
    m = _DAY_MONTH_RE.match(ckey)
    if m is None or not posted:
        return None
    try:
        py, pm = int(posted[:4]), int(posted[5:7])
        year = py if int(m.group(2)) <= pm else py - 1
        return dt.date(year, int(m.group(2)), int(m.group(1))).isoformat()
    except ValueError:
        return None


def _statement(text: str, key: str, type_start: int, posted: str | None = None) -> tuple[str | None, str | None, bool]:
    """(issuer, leading date) when the words before `type_start` are "<organ> ban hành|xây dựng"."""
    lo = max(0, type_start - 220)
    near = key[max(0, type_start - 40):type_start]
    if ("ban hanh" not in near and "xay dung" not in near and "banhanh" not in near and "xaydung" not in near
            and not re.search(r"(?<![a-z])(?:ky|co)\s*$", near)):
        return None, None, False
    # "xây dựng dự thảo Kế hoạch": a draft of the document is still the page's document
    draft = re.search(r"\s+du\s*thao\s*$", key[max(0, type_start - 12):type_start])
    if draft:
        type_start -= len(draft.group(0))
    vm = _VERB_END_RE.search(key, max(0, type_start - 40), type_start)
    if not vm:
        return None, None, False
    if _CITE_CUE_RE.search(key, lo, vm.start()):
        return None, None, False
    clause, cstart = _clause_before(text, key, vm.start(), lo)
    ckey = key[cstart:vm.start()]
    # "Thực hiện …/Căn cứ …/theo …" before the verb, in the same comma-part, makes it a citation;
    # "Căn cứ X, UBND xã ban hành Kế hoạch số Y" still states Y as the page's own
    last_part = ckey.rsplit(",", 1)[-1]
    if (re.search(r"thuc\s*hien|can\s*cu|(?<![a-z])theo(?![a-z])", last_part.replace("kem theo", ""))
            or _REQUEST_RE.search(ckey)):
        return None, None, False
    dates = find_dates(clause, ckey)
    # only a date that opens the clause ("Ngày 18/4/2022 Đảng ủy xã …") dates the statement
    lead_date = None
    # a news agency's tag may open the sentence: "HNP - Ngày 9/1, Sở …", "(Chinhphu.vn) - Ngày …"
    tag = _SOURCE_TAG_RE.match(ckey)
    lead = ckey[tag.end():] if tag else ckey
    shift = tag.end() if tag else 0
    if dates and ckey[shift:dates[0].start].strip(" ,") in ("", "ngay"):
        lead_date = dates[0].date.isoformat()
    elif not dates:
        lead_date = _day_month(lead, posted)
    issuer = _issuer_from_clause(clause)
    if vm.group("co") and issuer is None:
        return None, None, False   # "có" states a document only with its organ: "Bộ Tư pháp đã có Công văn số …"
    return issuer, lead_date, True


def header_start(text: str, key: str) -> int:
    """Where the formal header starts in the text (0 when it has none): a statement above it (a
    news item's "Ngày 21/01/2021 UBND xã ban hành kế hoạch số 05/KH-UBND …") is about it."""
    h = parse_header(text, key)
    return h.start if h is not None else 0


def own_from_header(text: str, key: str) -> OwnDocument | None:
    """The official document header (see header.py) as the page's own document: its number, type,
    date, organ, place and subject win over any number the body cites."""
    h = parse_header(text, key)
    if h is None:
        return None
    return OwnDocument(h.number, h.type, h.date, h.organ, h.subject, h.superior, place=h.place, from_header=True)


_SUBJECT_PREFIX = 30


def _issuing_decision_date(text: str, key: str, before: int, subject: str) -> str | None:
    """The date of the decision stated above an undated plan and on its subject ("Ngày 18 tháng 7 năm 2025
    UBND xã … đã ban hành Quyết định số 119/QĐ-UBND về [Kế] hoạch cải cách hành chính … năm 2025 …" then
    "UBND xã … ban hành Kế hoạch cải cách hành chính … năm 2025 …"): the decision issues the plan."""
    want = " ".join(fold(subject).split())[:_SUBJECT_PREFIX]
    if len(want) < _SUBJECT_PREFIX:
        return None
    for c in find_citations(text[:before], key[:before]):
        if c.type != "Quyết định":
            continue
        tail = text[c.end:min(before, c.end + 300)]
        said = " ".join(fold(re.split(r"\n|\.\s", tail, maxsplit=1)[0]).split())   # its own sentence only
        if want not in said:
            continue
        # the decision's own date, or its statement's ("Ngày 18 tháng 7 năm 2025 UBND xã … đã ban hành …")
        return c.date or _statement(text, key, c.start)[1]
    return None


_STALE_YEARS = 2


def _outdated(dates: list[tuple[int, int]], after: int, date: str | None) -> bool:
    """A statement the text's later events outdate: under a headline that names no document, an article
    that recounts a decade ("Chính phủ đã ban hành Nghị quyết số 30c/NQ-CP ngày 08/11/2011 …", then "Ngày
    Bầu cử 23/5/2021") is not about a document issued years before the dates it goes on to name.
    `dates` is the text's (start, latest year from there on) list in text order, found once per page."""
    if date is None:
        return False
    i = bisect.bisect_left(dates, (after, -1))
    latest = dates[i][1] if i < len(dates) else 0
    return latest - int(date[:4]) >= _STALE_YEARS


def _later_years(text: str, key: str) -> list[tuple[int, int]]:
    """(start, the latest year named from there to the text's end) for each date of the text, in order."""
    found = sorted((d.start, d.date.year) for d in find_dates(text, key))
    out: list[tuple[int, int]] = []
    latest = 0
    for pos, year in reversed(found):
        latest = max(latest, year)
        out.append((pos, latest))
    out.reverse()
    return out


def find_own(title: str, text: str, key: str, citations: list[Citation] | None = None,
             posted: str | None = None) -> OwnDocument | None:
    """The page's own document: a document header, a numbered statement in the text, then in the
    title, then an unnumbered statement."""
    header = own_from_header(text, key)
    if header is not None and header.number is not None:
        return header
    if header is not None:
        # a header that states no number (a draft's blank "Số:     /KH-UBND", a regulation's organ and
        # motto only): its organ, date and type stand; the number comes from the text's statement
        stated = find_own("", text[:header_start(text, key)], key[:header_start(text, key)], None, posted)
        if stated is not None and stated.number is not None:
            header.number = stated.number
            header.type = header.type or stated.type
            header.date = header.date or stated.date
        return header
    att = attached_to(text, key)
    if att is not None:
        # no header, but "(Ban hành kèm theo Quyết định số … ngày … của …)" under the title (header.py)
        return OwnDocument(att.number, att.type, att.date, att.issuer, att.subject)
    lead = lead_line_number(text, key)
    if lead is not None:
        # the copy starts with a line stating its document ("Kế hoạch số … ngày … của … về …")
        c = next((c for c in find_citations(text[:lead[1]], key[:lead[1]]) if c.start <= lead[0] + 2), None)
        # a heading's statement dates it or names its organ; "Quyết định số 93/2007/QĐ-TTg về … đã được ban
        # hành từ năm 2007, …" opening an article's first sentence is its topic
        if c is not None and c.type is not None and (c.date or c.issuer) and lead[1] - lead[0] <= 300:
            issuer = c.issuer
            if issuer is None and c.number is not None:
                # the lead line names no organ; the sentence stating the same document often does
                # ("Sở Khoa học và Công nghệ tỉnh Điện Biên ban hành Kế hoạch số 817/KH-SKHVCN …")
                for later in find_citations(text[:_LEAD_CHARS * 2], key[:_LEAD_CHARS * 2]):
                    if later.start > c.start and later.number == c.number:
                        issuer = _statement(text, key, later.start, posted)[0]
                        if issuer:
                            break
            return OwnDocument(c.number, c.type, c.date, issuer, _subject_after(text, key, c.end))
    tkey = fold_aligned(title)
    tm = _TITLE_TYPE_RE.match(tkey)
    # a page titled as a document of one type ("Phương án …", "Đề cương …") is not a statement's
    # document of another type ("Ban Thường vụ … đã ban hành Kết luận số …" is its background)
    title_type = DOC_TYPES[re.sub(r"\s+", " ", tm["type"])] if tm else None
    # a results write-up ("Kết quả giải quyết TTHC tính đến …") is its own report: the directive it
    # recalls ("ngày 02/9/2021, Thủ tướng Chính phủ ban hành Chỉ thị số 23/CT-TTg") is background
    results = title_type is None and (RESULTS_RE.search(tkey) is not None or results_lead(key))
    dates: list[tuple[int, int]] | None = None   # the text's dates, read once when a statement needs them
    if results:
        # a text that opens on results ("Sau hơn 10 năm thực hiện Chương trình tổng thể CCHC …") is a
        # write-up too: the decision its "1. Công tác chỉ đạo" part recalls is background
        title_type = "Báo cáo"
    # … but a statement that is the text's first sentence ("Ngày 22/11/2023, Sở Nội vụ ban hành Quyết
    # định số 1074/QĐ-SNV về việc công bố kết quả …") is the document the write-up is about
    first = _FIRST_SENTENCE_RE.search(key, len(key) - len(key.lstrip()))
    first_end = first.start() if first else len(key)
    for c in (citations if citations is not None else find_citations(text, key)):
        if c.type is None or (title_type is not None and c.type != title_type and not (
                # a results write-up that opens on the decision announcing those results ("Ngày 22/11/2023,
                # Sở Nội vụ ban hành Quyết định số 1074/QĐ-SNV về việc công bố kết quả …") reports that decision
                results and (_results_statement(key, c.start, first_end)
                             or (c.start < _LEAD_CHARS and RESULTS_RE.search(key, c.end, c.end + 120))))):
            continue
        issuer, lead_date, ok = _statement(text, key, c.start, posted)
        if ok and title_type is None:
            if dates is None:
                dates = _later_years(text, key)
            if _outdated(dates, c.end, lead_date or c.date):
                continue
        if ok:
            return OwnDocument(c.number, c.type, lead_date or c.date, issuer or c.issuer, _subject_after(text, key, c.end))
    if _TITLE_NUMBER_RE.match(tkey):
        # a letter's heading as the headline ("Số 924/SNV-CCHC Ngày 07-9-2015 V/v báo cáo …"): the page's own
        c = next(iter(find_citations(title, tkey)), None)
        if c is not None and c.start <= 12:
            vv = _VV_RE.search(tkey, c.start)
            return OwnDocument(c.number, c.type or ("Công văn" if vv else None), c.date, c.issuer,
                               title[vv.end():].strip(" .") if vv else None)
    if tm:
        nums = find_numbers(title)
        if nums and re.fullmatch(r"\s*(?:so\s*:?\s*)?", tkey[tm.end():nums[0].start]):
            cits = find_citations(title, tkey)
            c = cits[0]
            return OwnDocument(c.number, DOC_TYPES[tm["type"]], c.date, c.issuer, _subject_after(title, tkey, c.end))
    # an unnumbered statement is the page's own only in its lead: further down, a bulletin's items
    # and a report's paragraphs mention plans others issued ("10. Hà Nội ban hành kế hoạch …")
    for in_text, src, skey in ((True, text[:_LEAD_CHARS], key[:_LEAD_CHARS]), (False, title, tkey)):
        for m in _NUMBERLESS_RE.finditer(skey):
            if (title_type is not None and DOC_TYPES[m["type"]] != title_type
                    and not (results and in_text and _results_statement(key, m.start(), first_end))):
                continue   # "ĐỀ CƯƠNG TUYÊN TRUYỀN …" recalling "Chính phủ ban hành Kế hoạch …" is the outline
            type_start = m.start("type")
            issuer, lead_date, ok = _statement(src, skey, type_start, posted)
            if not ok:
                continue
            subject = _subject_after(src, skey, m.end())
            if lead_date is None and subject and src is not title:
                lead_date = _issuing_decision_date(src, skey, type_start, subject)
            return OwnDocument(None, DOC_TYPES[m["type"]], lead_date, issuer, subject)
    # the passive ("Theo đó, Kế hoạch được UBND phường xây dựng, triển khai nhằm …"), in the lead only
    for m in _PASSIVE_RE.finditer(key[:_LEAD_CHARS]):
        dtype = DOC_TYPES[re.sub(r"\s+", " ", m["type"])]
        if not text[m.start("type")].isupper() or (title_type is not None and not results and dtype != title_type):
            continue   # "kế hoạch được giao" is a plan in general, not the page's document
        issuer = issuer_in_clause(text[m.start("organ"):m.end("organ")])
        if issuer:
            return OwnDocument(None, dtype, None, issuer, None)
    return None
