"""The type a headerless text gives itself, when no header, statement or heading names it.

A portal that posts a plan's body without its header (the copy opens at "I. MỤC ĐÍCH, YÊU CẦU"), or
a news item that retells one plan ("Kế hoạch nêu rõ 7 nhóm nội dung …", "… căn cứ Kế hoạch này triển
khai thực hiện"), still says which document it is: by the skeleton every Vietnamese plan opens with,
by the bare type noun as the subject of its lead, or by "<type> này" ("this plan"). A report says
"<organ> báo cáo kết quả … như sau:". A letter: "V/v …" and "Kính gửi:". Everything is matched on the aligned fold (same offsets as the
text) and, where case matters, checked on the text as published (a capital "Kế hoạch" is the
document's name; "kế hoạch" in running text is the common noun).
"""
from __future__ import annotations

import re

from .classify import PROPAGANDA_RE
from .numbers import DOC_TYPES

# the opening section of a plan: "I. MỤC ĐÍCH, YÊU CẦU" / "I. MỤC TIÊU, YÊU CẦU" (the standard skeleton)
_PLAN_SKELETON_RE = re.compile(r"^\s*i\s*[.:/-]\s*muc\s*(?:dich|tieu)\s*,?\s*(?:va\s*)?yeu\s*cau\b")
_NEXT_PART_RE = re.compile(r"\n\s*ii\s*[.:/-]\s")
# "Kế hoạch này" / "Quyết định này": the document naming itself (never the unnumbered one it cites)
_THIS_RE = re.compile(r"(?<![a-z])(ke\s*hoach|bao\s*cao|quyet\s*dinh|chuong\s*trinh|huong\s*dan|de\s*an)\s+nay(?![a-z])")
# a lead sentence whose subject is the bare type noun: "Kế hoạch nêu rõ …", "Theo đó, Kế hoạch được …"
_LEAD_SUBJECT_RE = re.compile(
    r"(?:^|\n)[ \t]*(?:theo\s*do\s*,\s*)?(ke\s*hoach)\s+(?:neu|de\s*ra|xac\s*dinh|yeu\s*cau|dat\s*ra|"
    r"duoc\s*(?:ubnd|uy\s*ban|xay\s*dung|ban\s*hanh)|nham|co\s*muc)")
# "UBND tỉnh Tây Ninh báo cáo kết quả … như sau:": the text reporting in its own voice
_REPORTS_RE = re.compile(r"(?<![a-z])bao\s*cao\s*(?:ket\s*qua|tinh\s*hinh)[^.:\n]{0,200}nhu\s*sau\s*:")
# a letter's two marks: its "V/v …" subject line and its "Kính gửi:" addressees (a công văn has no
# type word of its own: "Số 924/SNV-CCHC … V/v báo cáo công tác CCHC quý III")
_ABOUT_RE = re.compile(r"(?<![a-z])v\s*/\s*v(?![a-z])")
_DEAR_RE = re.compile(r"(?:^|\n)[ \t]*kinh\s*gui\s*:")
_LEAD = 400
_SELF_SPAN = 20_000


def _capital(text: str, start: int) -> bool:
    return text[start:start + 1].isupper()


def self_type(text: str, key: str, title_key: str = "") -> str | None:
    """The type the text names itself by (see the module docstring), or None."""
    if _DEAR_RE.search(key[:_LEAD * 2]) and (_ABOUT_RE.search(title_key) or _ABOUT_RE.search(key[:_LEAD * 2])):
        return "Công văn"
    if _PLAN_SKELETON_RE.match(key):
        return "Kế hoạch"
    if _REPORTS_RE.search(key[:_LEAD * 3]):
        return "Báo cáo"
    m = _LEAD_SUBJECT_RE.search(key[:_LEAD])
    if m is not None and _capital(text, m.start(1)):
        return DOC_TYPES[re.sub(r"\s+", " ", m[1])]
    for m in _THIS_RE.finditer(key[:_SELF_SPAN]):
        if _capital(text, m.start(1)):
            return DOC_TYPES[re.sub(r"\s+", " ", m[1])]
    return None


def purpose_is_propaganda(key: str) -> bool:
    """A headerless plan's opening part (its purpose and requirements, up to "II.") keeps returning
    to propaganda: a propaganda plan, when neither a title nor a subject says so."""
    if not _PLAN_SKELETON_RE.match(key):
        return False
    end = _NEXT_PART_RE.search(key)
    return len(PROPAGANDA_RE.findall(key[:end.start() if end else _LEAD * 10])) >= 3
