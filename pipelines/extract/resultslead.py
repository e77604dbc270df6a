"""Whether a text opens by telling results ("Kết quả thực hiện công tác CCHC năm 2023 …"): such a
write-up cites the plan it reports on; it does not issue one, so its numbered statements are not the
page's own document.
"""
from __future__ import annotations

import re

from .classify import RESULTS_RE

_LEAD_CHARS = 800
_RESULTS_LEAD = 300   # the text's opening that tells a results write-up (its first sentence or two)
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
