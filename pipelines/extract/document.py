"""The document a text states it is (number, type, date, issuer, subject) and the ones it cites.

"Ngày 18/4/2022 Đảng ủy xã Ngọc Liên xây dựng Kế hoạch số 41-KH/ĐU …" and "UBND tỉnh vừa ban hành
Kế hoạch số 06/KH-UBND về …" state the page's own document: an organ, then "ban hành"/"xây dựng",
then the document. "Thực hiện Kế hoạch số …", "Căn cứ …", "theo …" and "về việc ban hành …" cite.
A number seen only in an attachment's file name is never taken as the page's own (it goes to the
warnings as a candidate).

Finding the page's own document is ``owndoc``; telling a results write-up by its opening is
``resultslead``; this module puts the analysis together.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.vntext import fold_aligned

from .channels import find_channels
from .classify import category as classify_category
from .classify import is_cchc as classify_is_cchc
from .deadlines import find_deadlines
from .issuer import PortalContext, complete_issuer, department_of_number, organ_line, organ_of
from .numbers import DOC_TYPES, Citation, dedupe, find_citations, find_numbers, type_from_code
from .owndoc import _TITLE_TYPE_RE, _TYPES_ALT, OwnDocument, find_own
from .period import year_or_period
from .resultslead import _first_sentence, results_lead
from .sections import find_sections
from .selftype import purpose_is_propaganda, self_type

# the document's own type heading on a line of its own ("KẾ HOẠCH", "THÔNG BÁO") at the top of a text
# that carries no formal header (a portal that posts the plan without its organ/number block)
_TYPE_HEADING_RE = re.compile(rf"^[ \t]*(?P<type>{_TYPES_ALT})[ \t]*$", re.M)
_TYPE_HEADING_SPAN = 300


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
