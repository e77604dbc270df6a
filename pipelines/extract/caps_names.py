"""Organ names written in capitals, as a document header writes them ("ỦY BAN NHÂN DÂN XÃ TÂN LẬP",
"BỘ NỘI VỤ"), in the spelling the running text uses ("UBND xã Tân Lập", "Bộ Nội vụ").
"""
from __future__ import annotations

import re

from core.vntext import fold, fold_aligned

from .departments import _department_name
from .organs import _CAPS_LEVELS, _CAPS_NAME_RE, _CAPS_ORGANS

_ORGAN_HEADS = ("phong", "so", "bo", "ban", "van phong", "chi cuc", "cuc", "tong cuc", "trung tam", "thanh tra",
                "hoi", "doan", "vien", "uy ban")


_VOWEL_RE = re.compile(r"[aeiouy]")


def _sentence_case(caps: str) -> str | None:
    """An agency in capitals the lists above do not know, in the running text's spelling: its head
    word and the words after "và", "-" or "," capitalised, a level word before a place lower case and
    the place capitalised ("PHÒNG VĂN HÓA - THÔNG TIN HUYỆN MỸ ĐỨC" -> "Phòng Văn hóa - Thông tin huyện
    Mỹ Đức"); None when it does not open with an agency's head word."""
    key = fold(caps)
    head = next((h for h in _ORGAN_HEADS if key == h or key.startswith(h + " ")), None)
    if head is None:
        return None
    words = caps.split()
    keys = [fold(w) for w in words]
    n_head = len(head.split())
    out: list[str] = [words[0][:1] + words[0][1:].lower()] + [w.lower() for w in words[1:n_head]]
    cap_next = True
    i = n_head
    while i < len(words):
        w, k = words[i], keys[i]
        two = f"{k} {keys[i + 1]}" if i + 1 < len(words) else ""
        # a level word as spelt, diacritics included: "QUẬN" is a level, "QUẢN" (quản lý) is not
        two_ok = two in _CAPS_LEVELS and f"{w} {words[i + 1]}".lower() == _CAPS_LEVELS[two]
        one_ok = k in _CAPS_LEVELS and w.lower() == _CAPS_LEVELS[k]
        if i > 0 and (two_ok or one_ok) and i + (2 if two_ok else 1) < len(words):
            n = 2 if two_ok else 1
            out.append(_CAPS_LEVELS[two if n == 2 else k])
            out.extend(x[:1] + x[1:].lower() for x in words[i + n:])   # the place name
            break
        if w in ("-", "–", ",") or k == "va":
            out.append(w.lower())
            cap_next = True
        elif not _VOWEL_RE.search(k):
            out.append(w)   # an abbreviation keeps its capitals ("PTNT", "LĐTBXH", "GD&ĐT"): no word lacks a vowel
            cap_next = False
        else:
            low = w.lower()
            out.append(low[:1].upper() + low[1:] if cap_next else low)
            cap_next = w.endswith(",")
        i += 1
    return " ".join(out)


def conventional_name(as_written: str) -> str:
    """An organ of a place written in capitals, in the spelling the running text uses ("ỦY BAN NHÂN
    DÂN XÃ TÂN LẬP" -> "UBND xã Tân Lập", "HUYỆN ỦY CẨM GIÀNG" -> "Huyện ủy Cẩm Giàng"). Anything
    else (ordinary case; a department's legal name comes from the list above, "SỞ LAO ĐỘNG - THƯƠNG BINH
    VÀ XÃ HỘI" -> "Sở Lao động - Thương binh và Xã hội"; an unknown agency) is returned unchanged."""
    letters = [c for c in as_written if c.isalpha()]
    if not letters or any(c.islower() for c in letters):
        return as_written
    text = re.sub(r"\s+", " ", as_written).strip()
    m = _CAPS_NAME_RE.match(fold_aligned(text).lower())
    if m is None:
        return _department_name(text) or _sentence_case(text) or as_written
    parts = [_CAPS_ORGANS[m["organ"]]]
    if m["level"] is None and m["place"] in _CAPS_LEVELS:
        return f"{parts[0]} {_CAPS_LEVELS[m['place']]}"   # "ỦY BAN NHÂN DÂN TỈNH": a level, no name yet
    if m["level"]:
        parts.append(_CAPS_LEVELS[m["level"]])
    place = text[m.start("place"):]
    if m["level"] is None and m["place"].startswith("khoi "):
        # a sector committee is no place: "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH" is "Đảng ủy Khối các cơ quan tỉnh"
        parts.append("Khối " + place[5:].lower())
        return " ".join(parts)
    parts.append(place.title())
    return " ".join(parts)


def _ministry_name(caps: str) -> str | None:
    """"BỘ NỘI VỤ" -> "Bộ Nội vụ", "BỘ KẾ HOẠCH VÀ ĐẦU TƯ" -> "Bộ Kế hoạch và Đầu tư": a ministry's
    name capitalises its first word and the first word after "và", "-" or ","."""
    words = caps.split()
    if len(words) < 2 or fold(words[0]) != "bo":
        return None
    out = ["Bộ"]
    cap_next = True
    for w in words[1:]:
        low = w.lower()
        if low in ("và", "-", "–", ","):
            out.append(low)
            cap_next = True
            continue
        out.append(low[:1].upper() + low[1:] if cap_next else low)
        cap_next = w.endswith(",")
    return " ".join(out)
