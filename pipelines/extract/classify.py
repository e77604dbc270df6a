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
    r"|mot\s*cua\s*lien\s*thong|bo\s*phan\s*mot\s*cua|chi\s*so\s*cai\s*cach|(?<![a-z])par\s*index|(?<![a-z])sipas(?![a-z])"
)
# tuyên truyền incl. misspellings: tuyên truyên / tuyên tuyền / truyên truyền / tuyền truyền
PROPAGANDA_RE = re.compile(r"(?<![a-z])(?:tuyen|truyen)\s*t(?:r)?uyen(?![a-z])|thong\s*tin\s*tuyen\s*truyen")
PLAN_RE = re.compile(r"(?<![a-z])ke\s*hoach(?![a-z])")
REPORT_RE = re.compile(r"(?<![a-z])bao\s*cao(?![a-z])")


def is_cchc(title_key: str, subject_key: str, text_key: str) -> bool:
    """True when the title or the document's subject names reform, or the text keeps returning to it.

    A news item that mentions "hành chính" once in passing is not about reform: the body needs at
    least three reform mentions, and they must make up a noticeable share of the text.
    """
    if CCHC_RE.search(title_key) or CCHC_RE.search(subject_key):
        return True
    hits = len(CCHC_RE.findall(text_key))
    return hits >= 3 and hits * 400 >= len(text_key)


def category(doc_type: str | None, title_key: str, subject_key: str, cchc: bool) -> str:
    """propaganda_plan / plan / report / other; a page that is not about reform is "other" (the
    contract's four values, so a consumer never meets a fifth, null).

    The document's own subject decides first ("về việc tuyên truyền cải cách hành chính …"); the
    title is only used when the text states no subject (seed 003's only headline sits in a QR box).
    """
    if not cchc:
        return "other"
    key = subject_key or title_key
    dt_key = (doc_type or "").lower()
    is_plan = dt_key == "kế hoạch" or bool(PLAN_RE.search(title_key if not subject_key else subject_key + " " + title_key))
    if dt_key == "báo cáo" or (not dt_key and REPORT_RE.match(title_key.strip())):
        return "report"
    if is_plan or dt_key == "kế hoạch":
        if PROPAGANDA_RE.search(key):
            return "propaganda_plan"
        return "plan"
    if REPORT_RE.search(title_key[:40]):
        return "report"
    return "other"
