"""Provincial departments (Sở …): their names, the initials a document number uses for them
("…/KH-SNV" is the Sở Nội vụ's), and a department named at the start of a text.
"""
from __future__ import annotations

import re

from core.vntext import fold, fold_aligned

from .organs import _CAPS_LEVELS, _CAPS_NAME_RE

# Provincial departments (Sở) and offices as the law names them (Nghị định 24/2014/NĐ-CP,
# 107/2020/NĐ-CP and the 2025 mergers of 45/2025/NĐ-CP); no package ships them. Longest first.
_DEPARTMENTS = sorted((
    "Sở Nội vụ", "Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Nông nghiệp và Môi trường", "Sở Giao thông vận tải",
    "Sở Xây dựng", "Sở Tài nguyên và Môi trường", "Sở Thông tin và Truyền thông",
    "Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hóa và Thể thao",
    "Sở Du lịch", "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Ngoại vụ",
    "Sở Dân tộc và Tôn giáo", "Sở Quy hoạch - Kiến trúc", "Ban Dân tộc", "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh",
), key=len, reverse=True)
_DEPARTMENT_KEYS = [(re.sub(r"[^a-z0-9]+", " ", fold(d)).strip(), d) for d in _DEPARTMENTS]


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[a-z0-9]+", fold(name)) if w != "va").upper()


# "SNV" -> "Sở Nội vụ", "SVHTTDL" -> "Sở Văn hóa, Thể thao và Du lịch": a symbol's organ part is the
# initials of the organ's name (Nghị định 30/2020/NĐ-CP, Phụ lục I); only departments, whose initials
# are their own (a "UBND" symbol does not say which level's committee it is). Sở Ngoại vụ writes "SNgV",
# leaving "SNV" to Sở Nội vụ.
_DEPARTMENT_INITIALS: dict[str, str] = {"SNGV": "Sở Ngoại vụ"}
for _d in _DEPARTMENTS:
    if _d.startswith("Sở ") and _d != "Sở Ngoại vụ":
        _DEPARTMENT_INITIALS.setdefault(_initials(_d), _d)


def department_of_number(number: str | None) -> str | None:
    """The department a document number's symbol names ("924/SNV-CCHC" -> "Sở Nội vụ"), or None."""
    if not number or "/" not in number:
        return None
    for part in re.split(r"[-/]", fold(number.split("/", 1)[1]).upper()):
        if part in _DEPARTMENT_INITIALS:
            return _DEPARTMENT_INITIALS[part]
    return None


def _department_name(text: str) -> str | None:
    """"SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH ĐIỆN BIÊN" -> "Sở Lao động - Thương binh và Xã hội
    tỉnh Điện Biên"; None when the text does not start with a department's legal name."""
    words = fold_aligned(text).lower()
    plain = re.sub(r"[^a-z0-9]+", " ", words).strip()
    for dkey, name in _DEPARTMENT_KEYS:
        if plain == dkey or plain.startswith(dkey + " "):
            # map the end of the department's words back onto the original text
            n_words = len(dkey.split())
            spans = [m.end() for m in re.finditer(r"[a-z0-9]+", words)]
            rest = text[spans[n_words - 1]:].strip(" ,-–")
            if not rest:
                return name
            rm = _CAPS_NAME_RE.match("ubnd " + fold_aligned(rest).lower())
            if rm is not None and rm["level"]:
                return f"{name} {_CAPS_LEVELS[rm['level']]} {rest[rm.start('place') - 5:].title()}"
            return f"{name} {rest}"
    return None
