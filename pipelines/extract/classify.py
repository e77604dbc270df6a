"""Is a text about administrative reform (CCHC), and which kind of document is it.

Keywords are matched on the aligned fold (diacritics- and case-insensitive), so the real
misspellings seen on portals match too: "tuyên truyên", "tuyên tuyền", "truyên truyền" all fold to
a "(tuyen|truyen) t(r)uyen" shape, and "thủtục" to "thutuc".
"""
from __future__ import annotations

import re

# administrative-reform vocabulary (folded); abbreviations are matched as whole words
CCHC_RE = re.compile(
    r"cai\s*cach\s*hanh\s*chinh|(?<![a-z])cchc(?![a-z])|(?<![a-z])tthc(?![a-z])|thu\s*tuc\s*hanh\s*chinh"
    r"|(?:mot|1)\s*cua\s*lien\s*thong|bo\s*phan\s*(?:mot|1)\s*cua|chi\s*so\s*cai\s*cach|(?<![a-z])par\s*index|(?<![a-z])sipas(?![a-z])"
    # the English pages some portals keep ("administrative reform", "administrative procedures")
    r"|administrative\s*(?:reform|procedures?)(?![a-z])|one[\s-]*stop\s*(?:shop|mechanism|department|section)"
)
# what only a title or a document's subject makes a reform topic: online public services and the
# citizens' satisfaction with administrative services (SIPAS), as a survey, an index or a service.
# The body does not count them: a digital-transformation text names online services in passing.
CCHC_SUBJECT_RE = re.compile(
    r"dich\s*vu\s*cong\s*truc\s*tuyen|chi\s*so\s*hai\s*long|hai\s*long\s*cua\s*(?:nguoi\s*dan|to\s*chuc)"
    r"|danh\s*gia\s*muc\s*do\s*(?:phuc\s*vu|hai\s*long)|su\s*phuc\s*vu\s*cua\s*co\s*quan\s*hanh\s*chinh"
    r"|satisfaction\s*of\s*(?:the\s*)?(?:people|organi[sz]ations|citizens)|services\s*of\s*(?:the\s*)?state\s*administrative")
# tuyên truyền incl. misspellings: tuyên truyên / tuyên tuyền / truyên truyền / tuyền truyền; and
# "(công tác) truyền thông (về) cải cách hành chính", the newer name for the same work (the bare
# fold "truyen thong" is also "truyền thống", tradition, so only as reform's communication)
PROPAGANDA_RE = re.compile(r"(?<![a-z])(?:tuyen|truyen)\s*t(?:r)?uyen(?![a-z])|thong\s*tin\s*tuyen\s*truyen"
                           r"|(?<![a-z])truyen\s*thong\s*(?:ve\s*)?(?:cong\s*tac\s*)?(?:cai\s*cach\s*hanh\s*chinh|cchc)")
# digital transformation and e-government: the topic reform news is most often confused with; a body
# that names it at least as often as reform is about it, with reform in passing ("… thúc đẩy cải cách
# hành chính, nâng cao năng lực cạnh tranh")
DIGITAL_RE = re.compile(r"chuyen\s*doi\s*so|chinh\s*(?:quyen|phu)\s*(?:dien\s*tu|so)(?![a-z])")
PLAN_RE = re.compile(r"(?<![a-z])ke\s*hoach(?![a-z])")
REPORT_RE = re.compile(r"(?<![a-z])bao\s*cao(?![a-z])")


def is_cchc(title_key: str, subject_key: str, text_key: str) -> bool:
    """True when the title or the document's subject names reform, or the text keeps returning to it.

    A news item that mentions "hành chính" once in passing is not about reform: the body needs at
    least three reform mentions, they must make up a noticeable share of the text, and they must
    outnumber digital-transformation mentions (a "Tuần lễ chuyển đổi số" item that also names reform).
    """
    if CCHC_RE.search(title_key) or CCHC_RE.search(subject_key):
        return True
    if CCHC_SUBJECT_RE.search(title_key) or CCHC_SUBJECT_RE.search(subject_key):
        return True
    hits = len(CCHC_RE.findall(text_key))
    if hits < 3 or hits * 400 < len(text_key):
        return False
    # the body's own topic is digital transformation when it names it at least as often (a title or
    # subject that named reform has already answered above)
    return len(DIGITAL_RE.findall(text_key)) < hits


# a write-up of results ("Kết quả thực hiện công tác CCHC 9 tháng", "Mười năm thực hiện Chương trình
# tổng thể …", "… dẫn đầu bảng xếp hạng Chỉ số CCHC", an inspection's findings, "Công bố Chỉ số CCHC
# năm 2018"): a report, whatever the page calls itself
RESULTS_RE = re.compile(
    r"(?<![a-z])(?:ket\s*qua|xep\s*hang|dan\s*dau|so\s*ket|tong\s*ket|thuc\s*hien\s*kiem\s*tra|"
    r"(?:\d+|hai|ba|bon|nam|sau|bay|tam|chin|muoi|hai\s*muoi)\s*nam\s*thuc\s*hien|"
    r"(?:\d|sau|chin)\s*thang\s*(?:dau\s*)?nam|chi\s*so\s*hai\s*long[^.\n]{0,120}nam\s*(?:19|20)\d\d|"
    r"cong\s*bo\s*(?:ket\s*qua|chi\s*so))(?![a-z])")
# a decision, a programme, that issues or approves a plan is that plan's vehicle
_ISSUES_PLAN_RE = re.compile(
    r"(?:^\s*|(?:ban\s*hanh|phe\s*duyet|ve)\s*(?:viec\s*(?:ban\s*hanh\s*)?)?)ke\s*hoach(?![a-z])")
# types that are never the plan itself, even when they carry one out ("Công văn … thực hiện Kế hoạch …")
_NOT_PLAN_TYPES = frozenset({"công văn", "thông báo", "hướng dẫn", "chỉ thị", "tờ trình", "nghị định", "thông tư",
                             "thông tư liên tịch", "luật", "kết luận", "nghị quyết", "văn bản", "đề cương", "phương án",
                             "đề án"})


def category(doc_type: str | None, title_key: str, subject_key: str, cchc: bool, numbered: bool = True,
             results_lead: bool = False) -> str:
    """propaganda_plan / plan / report / other; a page that is not about reform is "other" (the
    contract's four values, so a consumer never meets a fifth, null).

    The document's own type decides first: a report is a report; a plan (or a decision issuing one)
    is a plan, a propaganda plan when its subject (else its title) is about propaganda; a letter, a
    notice or a guide that carries out a plan is not one. Without a type, the title: a results
    write-up published as news is a report; a title naming a plan is a plan. An unnumbered
    document the text mentions (`numbered` False) does not outweigh a results write-up's title. A
    decision that issues no plan is a report when its title publishes results ("Công bố Chỉ số CCHC
    năm 2018"). With no type and a title that decides nothing, a text whose lead opens on results
    (`results_lead`, see document.results_lead) ("Sau hơn 10 năm thực hiện …", "Kết quả thực hiện công
    tác CCHC năm 2023 …") makes a results write-up, a report.
    """
    if not cchc:
        return "other"
    key = subject_key or title_key
    both = f"{subject_key} {title_key}"
    dt_key = (doc_type or "").lower()

    def plan_kind() -> str:
        return "propaganda_plan" if PROPAGANDA_RE.search(key) else "plan"

    if dt_key == "báo cáo" or (not dt_key and REPORT_RE.match(title_key.strip())):
        return "report"
    if not numbered and RESULTS_RE.search(title_key):
        return "report"   # "… đã ban hành Kế hoạch và tổ chức triển khai …" in a results write-up
    if dt_key == "kế hoạch":
        return plan_kind()
    if dt_key in ("quyết định", "chương trình", "chương trình hành động"):
        # "ban hành kèm theo Quyết định số … Kế hoạch …": the subject opens with the plan it issues
        if _ISSUES_PLAN_RE.search(subject_key) or _ISSUES_PLAN_RE.search(title_key):
            return plan_kind()
        return "report" if dt_key == "quyết định" and RESULTS_RE.search(title_key) else "other"
    if dt_key in _NOT_PLAN_TYPES:
        return "report" if RESULTS_RE.search(title_key) else "other"
    if RESULTS_RE.search(title_key) or REPORT_RE.search(title_key[:40]):
        return "report"
    if PLAN_RE.search(title_key if not subject_key else both):
        return plan_kind()
    if not dt_key and results_lead:
        return "report"
    return "other"
