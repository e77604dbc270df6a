"""The document a text states it is (number, type, date, issuer, subject) and the ones it cites.

"Ngày 18/4/2022 Đảng ủy xã Ngọc Liên xây dựng Kế hoạch số 41-KH/ĐU …" and "UBND tỉnh vừa ban hành
Kế hoạch số 06/KH-UBND về …" state the page's own document: an organ, then "ban hành"/"xây dựng",
then the document. "Thực hiện Kế hoạch số …", "Căn cứ …", "theo …" and "về việc ban hành …" cite.
A number seen only in an attachment's file name is never taken as the page's own (it goes to the
warnings as a candidate).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.vntext import fold_aligned

from .classify import RESULTS_RE
from .classify import category as classify_category
from .classify import is_cchc as classify_is_cchc
from .channels import find_channels
from .dates import find_dates
from .deadlines import find_deadlines
from .header import parse_header
from .issuer import PortalContext, complete_issuer, issuer_in_clause, organ_of
from .period import year_or_period
from .numbers import DOC_TYPES, Citation, dedupe, find_citations, find_numbers, type_from_code
from .sections import find_sections

_VERB_END_RE = re.compile(
    r"(?:(?<=\s)|^)(?:vua\s+|da\s+|chinh\s+thuc\s+)?(?:ban\s*hanh|xay\s*dung|ky(?:\s+ban\s*hanh)?|(?P<co>co))\s*$")
# "UBND huyện yêu cầu các xã … ban hành Kế hoạch": the organ asks others to issue one
_REQUEST_RE = re.compile(
    r"(?<![a-z])(?:ubnd|uy\s*ban|so|phong|dang\s*uy|bo|huyen\s*uy|tinh\s*uy|thanh\s*uy|ban|chu\s*tich)(?![a-z])"
    r"[^.;]{0,80}?\s(?:yeu\s*cau|de\s*nghi|chi\s*dao|giao(?:\s*cho)?|huong\s*dan|don\s*doc)(?![a-z])")
_CITE_CUE_RE = re.compile(r"(?:ve\s*viec|(?<![a-z])ve|(?<![a-z])de|nham|viec)\s*$")
_CLAUSE_CUT_RE = re.compile(r"[.;:\n]")
_TYPES_ALT = "|".join(sorted(DOC_TYPES, key=len, reverse=True))
_NUMBERLESS_RE = re.compile(
    rf"(?:(?<=\s)|^)(?:vua\s+|da\s+)?(?:ban\s*hanh|xay\s*dung)\s+(?P<type>{_TYPES_ALT})(?!\s*so\s*\d)(?![a-z])"
)
_TITLE_TYPE_RE = re.compile(rf"^\s*(?P<type>{_TYPES_ALT})(?![a-z])")
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
    for part in reversed(clause.split(",")):
        name = issuer_in_clause(part)
        if name:
            return name
    return None


def _statement(text: str, key: str, type_start: int) -> tuple[str | None, str | None, bool]:
    """(issuer, leading date) when the words before `type_start` are "<organ> ban hành|xây dựng"."""
    lo = max(0, type_start - 220)
    near = key[max(0, type_start - 40):type_start]
    if ("ban hanh" not in near and "xay dung" not in near and "banhanh" not in near and "xaydung" not in near
            and not re.search(r"(?<![a-z])(?:ky|co)\s*$", near)):
        return None, None, False
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
    if re.search(r"thuc\s*hien|can\s*cu|(?<![a-z])theo(?![a-z])", last_part) or _REQUEST_RE.search(ckey):
        return None, None, False
    dates = find_dates(clause, ckey)
    # only a date that opens the clause ("Ngày 18/4/2022 Đảng ủy xã …") dates the statement
    lead_date = None
    if dates and ckey[:dates[0].start].strip(" ,") in ("", "ngay"):
        lead_date = dates[0].date.isoformat()
    issuer = _issuer_from_clause(clause)
    if vm.group("co") and issuer is None:
        return None, None, False   # "có" states a document only with its organ: "Bộ Tư pháp đã có Công văn số …"
    return issuer, lead_date, True


def own_from_header(text: str, key: str) -> OwnDocument | None:
    """The official document header (see header.py) as the page's own document: its number, type,
    date, organ, place and subject win over any number the body cites."""
    h = parse_header(text, key)
    if h is None:
        return None
    return OwnDocument(h.number, h.type, h.date, h.organ, h.subject, h.superior, place=h.place, from_header=True)


def find_own(title: str, text: str, key: str, citations: list[Citation] | None = None) -> OwnDocument | None:
    """The page's own document: a document header, a numbered statement in the text, then in the
    title, then an unnumbered statement."""
    header = own_from_header(text, key)
    if header is not None:
        return header
    tkey = fold_aligned(title)
    tm = _TITLE_TYPE_RE.match(tkey)
    # a page titled as a document of one type ("Phương án …", "Đề cương …") is not a statement's
    # document of another type ("Ban Thường vụ … đã ban hành Kết luận số …" is its background)
    title_type = DOC_TYPES[re.sub(r"\s+", " ", tm["type"])] if tm else None
    # a results write-up ("Kết quả giải quyết TTHC tính đến …") is its own report: the directive it
    # recalls ("ngày 02/9/2021, Thủ tướng Chính phủ ban hành Chỉ thị số 23/CT-TTg") is background
    if title_type is None and RESULTS_RE.search(tkey):
        title_type = "Báo cáo"
    for c in (citations if citations is not None else find_citations(text, key)):
        if c.type is None or (title_type is not None and c.type != title_type):
            continue
        issuer, lead_date, ok = _statement(text, key, c.start)
        if ok:
            return OwnDocument(c.number, c.type, lead_date or c.date, issuer or c.issuer, _subject_after(text, key, c.end))
    if tm:
        nums = find_numbers(title)
        if nums and re.fullmatch(r"\s*(?:so\s*:?\s*)?", tkey[tm.end():nums[0].start]):
            cits = find_citations(title, tkey)
            c = cits[0]
            return OwnDocument(c.number, DOC_TYPES[tm["type"]], c.date, c.issuer, _subject_after(title, tkey, c.end))
    for src, skey in ((text, key), (title, tkey)):
        for m in _NUMBERLESS_RE.finditer(skey):
            type_start = m.start("type")
            issuer, lead_date, ok = _statement(src, skey, type_start)
            if not ok:
                continue
            return OwnDocument(None, DOC_TYPES[m["type"]], lead_date, issuer, _subject_after(src, skey, m.end()))
    return None


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


def analyse(title: str | None, text: str | None, context: PortalContext | None) -> Analysis:
    """Run the Vietnamese layer over a document's title and main text."""
    title = title or ""
    text = text or ""
    key = fold_aligned(text)
    tkey = fold_aligned(title)
    all_citations = find_citations(text, key)
    own = find_own(title, text, key, all_citations) or OwnDocument()
    if own.type is None:
        tm = _TITLE_TYPE_RE.match(tkey)
        if tm:
            own.type = DOC_TYPES[tm["type"]]
    citations = [c for c in dedupe([Citation(c.type, c.number, c.date, c.issuer, c.start, c.end) for c in all_citations])
                 if c.number != own.number]
    issuer = (complete_issuer(own.issuer_as_written, own.subject or title, context, own.superior, place=own.place,
                              text=f"{title}\n{text}")
              if own.issuer_as_written else None)
    subject_key = fold_aligned(own.subject) if own.subject else ""
    # without a headline, a heading-like first line of the text says what the page is about
    about = tkey or lead_key(text, key)
    cchc = classify_is_cchc(about, subject_key, key)
    plan_year, plan_period = year_or_period(subject_key, about)
    if plan_year is None and plan_period is None and own.date and own.type == "Kế hoạch":
        plan_year = int(own.date[:4])
    cat = classify_category(own.type, about, subject_key, cchc, numbered=own.number is not None)
    # the year is a reform plan's (or a reform report's, the year it reports on); a period is any
    # plan's ("Kế hoạch … giai đoạn 2021-2025"), reform or not; news and other pages have neither
    if not (cchc and (cat in ("plan", "propaganda_plan") or own.type == "Báo cáo")):
        plan_year = None
    if not (cat in ("plan", "propaganda_plan") or own.type in ("Kế hoạch", "Chương trình", "Chương trình hành động")):
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
