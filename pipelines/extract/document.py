"""The document a text states it is (number, type, date, issuer, subject) and the ones it cites.

"Ngày 18/4/2022 Đảng ủy xã Ngọc Liên xây dựng Kế hoạch số 41-KH/ĐU …" and "UBND tỉnh vừa ban hành
Kế hoạch số 06/KH-UBND về …" state the page's own document: an organ, then "ban hành"/"xây dựng",
then the document. "Thực hiện Kế hoạch số …", "Căn cứ …", "theo …" and "về việc ban hành …" cite.
A number seen only in an attachment's file name is never taken as the page's own (it goes to the
warnings as a candidate).
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from core.vntext import fold, fold_aligned

from .channels import find_channels
from .classify import RESULTS_RE
from .classify import category as classify_category
from .classify import is_cchc as classify_is_cchc
from .dates import find_dates
from .deadlines import find_deadlines
from .header import attached_to, lead_line_number, parse_header
from .issuer import (
    PortalContext,
    complete_issuer,
    department_of_number,
    department_prefix,
    issuer_in_clause,
    organ_line,
    organ_of,
)
from .numbers import DOC_TYPES, Citation, dedupe, find_citations, find_numbers, type_from_code
from .period import year_or_period
from .sections import find_sections
from .selftype import purpose_is_propaganda, self_type

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
# the document's own type heading on a line of its own ("KẾ HOẠCH", "THÔNG BÁO") at the top of a text
# that carries no formal header (a portal that posts the plan without its organ/number block)
_TYPE_HEADING_RE = re.compile(rf"^[ \t]*(?P<type>{_TYPES_ALT})[ \t]*$", re.M)
_TYPE_HEADING_SPAN = 300
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


@dataclass
class Analysis:
    """Everything the Vietnamese layer reads from (title, text)."""

    own: OwnDocument
    citations: list[Citation]
    issuer: str | None
    organ: str | None
    plan_year: int | None
    plan_period: str | None
    is_cchc: bool
    category: str | None
    deadlines: list[dict[str, str]]
    channels: list[str]
    sections: list[dict[str, str]]
    warnings: list[str] = field(default_factory=list)


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


_LEAD_CHARS = 800
# a news source's or place's tag ("HNP - ", "(Chinhphu.vn) - ", "( Phù Ninh) - ") before the lead sentence
_SOURCE_TAG_RE = re.compile(r"^\s*(?:\(?[a-z0-9.]{2,14}\)?|\(\s*[a-z][a-z0-9. ]{1,28}\))\s*[-–]\s+")
_RESULTS_LEAD = 300   # the text's opening that tells a results write-up (its first sentence or two)
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
_FIRST_SENTENCE_RE = re.compile(r"\.(?:\s|$)|\n")
_SENTENCE_OPEN_RE = re.compile(r"(?:^|[.;:]\s|\n)\s*$")


def results_lead(key: str) -> bool:
    """Does the text's opening (its first sentence or two) tell results ("… Kết quả thực hiện công tác
    CCHC năm 2023 …", "Sau hơn 10 năm thực hiện …")? A bare "kết quả" counts only opening a sentence:
    inside one it is what a plan will assess ("Nhằm đánh giá thực chất kết quả …") or the one-stop
    office's name ("Bộ phận tiếp nhận và trả kết quả")."""
    start = len(key) - len(key.lstrip())
    lead = key[start:start + _RESULTS_LEAD]
    for m in RESULTS_RE.finditer(lead):
        if not m[0].startswith("ket") or _SENTENCE_OPEN_RE.search(lead[:m.start()]):
            return True
    return False


def _first_sentence(key: str) -> str:
    start = len(key) - len(key.lstrip())
    m = _FIRST_SENTENCE_RE.search(key, start)
    return key[start:m.start() if m else len(key)][:_LEAD_CHARS]


def _results_statement(key: str, start: int, first_end: int) -> bool:
    """Is the document stated at `start` in the text's first sentence (ending at `first_end`) the
    results the write-up is about ("… ban hành Quyết định số 1074/QĐ-SNV về việc công bố kết quả …")?
    A directive recalled first ("Thủ tướng ban hành Chỉ thị số 23/CT-TTg về đẩy mạnh CCHC; tính đến
    …") is background."""
    return start < first_end and RESULTS_RE.search(key, start, first_end) is not None


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


_PLAN_TYPES = frozenset({"Kế hoạch", "Chương trình", "Chương trình hành động"})


def type_heading(text: str, key: str) -> tuple[str, str | None] | None:
    """The type a text gives itself in an all-caps heading line near its top ("KẾ HOẠCH" then the
    subject line "Hoạt động của Ban Chỉ đạo … năm 2023"), when no formal header says it: (type, subject).
    A lower-case "Kế hoạch" line is a caption or a sentence's start, not the document's heading."""
    m = _TYPE_HEADING_RE.search(key[:_TYPE_HEADING_SPAN])
    if m is None:
        # the text's first line is a capitals headline opening with the type ("ĐỀ CƯƠNG TUYÊN TRUYỀN …")
        first = text.lstrip()
        lead = len(text) - len(first)
        nl = first.find("\n")
        line = first[:nl if nl >= 0 else len(first)].rstrip()
        tm = _TITLE_TYPE_RE.match(key[lead:lead + len(line)])
        if tm is None or len(line) > 250 or line != line.upper():
            return None
        return DOC_TYPES[re.sub(r"\s+", " ", tm["type"])], line[tm.end():].strip() or None
    line = text[m.start():m.end()]
    if not any(c.isalpha() for c in line) or line != line.upper():
        return None
    nl = text.find("\n", m.end() + 1)
    subject = text[m.end():nl if nl > 0 else len(text)].strip() or None
    return DOC_TYPES[re.sub(r"\s+", " ", m["type"])], subject


def lead_key(text: str, key: str) -> str:
    """The folded first line of a text when it reads as a heading (short, no closing punctuation,
    a longer line after it): a page without a headline element often opens with its headline."""
    nl = text.find("\n")
    if nl <= 0:
        return ""
    first = text[:nl].strip()
    rest = text[nl + 1:text.find("\n", nl + 1) if text.find("\n", nl + 1) > 0 else len(text)]
    if not 15 <= len(first) <= 200 or first[-1] in ".:;,!?" or len(rest) <= len(first):
        return ""
    return key[:nl]


def analyse(title: str | None, text: str | None, context: PortalContext | None,
            published: str | None = None) -> Analysis:
    """Run the Vietnamese layer over a document's title and main text (`published`, the page's
    posting date, dates a news item's "Ngày 9/1, …" statement)."""
    title = title or ""
    text = text or ""
    key = fold_aligned(text)
    tkey = fold_aligned(title)
    all_citations = find_citations(text, key)
    own = find_own(title, text, key, all_citations, published) or OwnDocument()
    if own.type is None:
        tm = _TITLE_TYPE_RE.match(tkey)
        if tm:
            own.type = DOC_TYPES[tm["type"]]
    if own.type is None and not tkey:
        # no headline: a heading-like first line ("ĐỀ CƯƠNG TUYÊN TRUYỀN SẮP XẾP …") is the page's title
        tm = _TITLE_TYPE_RE.match(lead_key(text, key))
        if tm:
            own.type = DOC_TYPES[re.sub(r"\s+", " ", tm["type"])]
    if own.type is None and own.number is None:
        heading = type_heading(text, key)
        if heading is not None:
            own.type, own.subject = heading[0], own.subject or heading[1]
    if own.number is None and not own.from_header:
        # no header and no number: the text's own voice ("I. MỤC ĐÍCH, YÊU CẦU", "Kế hoạch này",
        # "UBND tỉnh … báo cáo kết quả … như sau:") names its type; a report's voice outweighs the
        # unnumbered plan its background recalls ("UBND tỉnh ban hành Kế hoạch CCHC năm 2012 …")
        own_voice = self_type(text, key, tkey)
        if own_voice == "Báo cáo" and own.type != "Báo cáo":
            own = OwnDocument(type="Báo cáo", issuer_as_written=own.issuer_as_written)
        elif own.type is None and own_voice is not None:
            own.type = own_voice
    citations = [c for c in dedupe([Citation(c.type, c.number, c.date, c.issuer, c.start, c.end) for c in all_citations])
                 if c.number != own.number]
    if own.issuer_as_written is None and own.type is not None and not own.from_header:
        # a document's text that opens on its organ's line alone ("ỦY BAN NHÂN DÂN TỈNH THỪA THIÊN HUẾ"
        # over an Đề án's summary): the header cut down to its organ names the issuer
        first = text.lstrip().split("\n", 1)[0]
        if organ_line(first):
            own.issuer_as_written = first.strip()
    if own.issuer_as_written is None and own.number is not None:
        # no organ written, but the number's symbol names a department ("924/SNV-CCHC": Sở Nội vụ)
        own.issuer_as_written = department_of_number(own.number)
    issuer = (complete_issuer(own.issuer_as_written, own.subject or title, context, own.superior, place=own.place,
                              text=f"{title}\n{text}")
              if own.issuer_as_written else None)
    subject_key = fold_aligned(own.subject) if own.subject else ""
    # without a headline, a heading-like first line of the text says what the page is about
    about = tkey or lead_key(text, key)
    # with neither a headline nor a subject, the text's first sentence says what it is about ("To have a
    # basis for assessing the level of satisfaction … with the services of state administrative agencies")
    cchc = classify_is_cchc(about or _first_sentence(key), subject_key, key)
    plan_year, plan_period = year_or_period(subject_key, about)
    if plan_year is None and plan_period is None and cchc and own.date and own.type == "Kế hoạch":
        plan_year = int(own.date[:4])   # a yearly reform plan that names no year is the year it is issued
    cat = classify_category(own.type, about, subject_key, cchc, numbered=own.number is not None,
                            results_lead=results_lead(key))
    if cat == "plan" and not about and not subject_key and purpose_is_propaganda(key):
        cat = "propaganda_plan"   # a headerless, untitled plan whose purpose part is about propaganda
    # the year or period a plan is for, reform or not ("Kế hoạch … năm 2018", "… giai đoạn 2021-2025");
    # a reform report keeps the year it reports on; news and other pages have neither
    is_plan = cat in ("plan", "propaganda_plan") or (own.type in _PLAN_TYPES and cat != "report")
    if not (is_plan or (cchc and own.type == "Báo cáo")):
        plan_year = None
    if not is_plan:
        plan_period = None
    return Analysis(
        own=own,
        citations=citations,
        issuer=issuer,
        organ=organ_of(issuer),
        plan_year=plan_year,
        plan_period=plan_period,
        is_cchc=cchc,
        category=cat,
        deadlines=find_deadlines(text, key),
        channels=find_channels(key) if cchc else [],
        sections=find_sections(text, key) if cchc else [],
    )


__all__ = ["Analysis", "OwnDocument", "analyse", "find_own", "type_from_code", "find_numbers"]
