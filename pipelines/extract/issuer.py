"""Who issued a document, which kind of organ it is, and how to complete "UBND tỉnh".

Portals write the issuer the way a local reader needs it ("UBND tỉnh vừa ban hành …"); an auditor
needs the full name. The full name is completed from the document's own subject ("… tỉnh Tuyên
Quang năm 2020") or, failing that, from the portal's unit (PortalContext); `issuer_as_written`
keeps the text's words.

The vocabularies it completes from live beside it: organ kinds, capitalised organ words and places in
``organs``, provincial departments in ``departments``, names written in capitals in ``caps_names``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.vntext import fold, fold_aligned

from .caps_names import _ministry_name, conventional_name
from .departments import _DEPARTMENT_KEYS, department_of_number
from .organs import (
    _BARE_LEVEL_RE,
    _CAPS_AFTER_PLACE,
    _CAPS_LEVELS,
    _CAPS_NAME_RE,
    ORGAN_START_RE,
    SUB_BODIES,
    _names_province,
    organ_of,
    places,
)

#: what the extraction modules and tests import from here (organs, places and department symbols are
#: read in their own modules and named here too)
__all__ = [
    "PortalContext", "complete_issuer", "conventional_name", "department_of_number", "department_prefix",
    "issuer_in_clause", "organ_line", "organ_of", "places",
]


@dataclass(frozen=True, slots=True)
class PortalContext:
    """The portal a page came from: lets "UBND tỉnh" become "UBND tỉnh Tuyên Quang".

    unit_name is the portal's unit as it names itself ("UBND tỉnh Tuyên Quang", "Sở Lao động -
    Thương binh và Xã hội tỉnh Điện Biên"); level is province/department/district/commune.
    """

    portal_id: str | None = None
    unit_name: str | None = None
    level: str | None = None
    province: str | None = None


# "Bộ trưởng Bộ Nội vụ" signs for "Bộ Nội vụ", "Giám đốc Sở Tư pháp" for "Sở Tư pháp"
_SIGNER_RE = re.compile(r"^(?:bo truong|thu truong|quyen bo truong|giam doc|pho giam doc|truong ban|cuc truong)\s+(?=(?:bo|so|ban|cuc)\s)"
                        # "Chủ tịch Ủy ban nhân dân Thành phố đã ký …" signs for the People's Committee
                        r"|^(?:pho\s+)?chu\s+tich\s+"
                        r"(?=(?:uy\s+ban\s+nhan\s+dan|ubnd|hoi\s+dong\s+nhan\s+dan|hdnd)(?![a-z]))")
# the running text's abbreviations of a People's Committee or Council ("UBND xã Tân Hương")
_LONG_FORMS = (("uy ban nhan dan ", "UBND "), ("hoi dong nhan dan ", "HĐND "))
_LEVEL_NAMES = {"tinh": "tỉnh", "thanh pho": "thành phố", "huyen": "huyện", "quan": "quận", "thi xa": "thị xã",
                "xa": "xã", "phuong": "phường", "thi tran": "thị trấn", "dac khu": "đặc khu"}
_LEVEL_ALT = "thanh pho|thi tran|thi xa|dac khu|tinh|huyen|quan|xa|phuong"


_PARTY_BCH_RE = re.compile(rf"^ban chap hanh dang bo ({_LEVEL_ALT})(?![a-z])\s*")
_PARTY_COMMITTEES = {"tinh": "Tỉnh ủy", "thanh pho": "Thành ủy", "huyen": "Huyện ủy", "quan": "Quận ủy",
                     "thi xa": "Thị ủy", "xa": "Đảng ủy xã", "phuong": "Đảng ủy phường", "thi tran": "Đảng ủy thị trấn",
                     "dac khu": "Đảng ủy đặc khu"}


def _level_of(place: str, *texts: str | None) -> str | None:
    """The level word written before `place` in a text ("… tỉnh Hà Tĩnh năm 2026" -> "tinh")."""
    pkey = re.escape(fold(place))
    rx = re.compile(rf"(?<![a-z])({_LEVEL_ALT})\s+{pkey}(?![a-z])")
    for t in texts:
        if t:
            m = rx.search(fold(t[:6000]))
            if m:
                return m.group(1)
    return None


def _place_in_text(level: str, text: str | None) -> str | None:
    """The place the text names most often at `level` ("huyện Thuỷ Nguyên"), as written."""
    if not text:
        return None
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for lvl, name in places(text[:20000]):
        if lvl == level:
            k = fold(name)
            counts[k] = counts.get(k, 0) + 1
            first.setdefault(k, name)
    if not counts:
        return None
    best = max(counts, key=lambda k: counts[k])
    return first[best]


def _province_of(context: PortalContext | None, text: str | None) -> str | None:
    """"tỉnh Bình Dương" / "thành phố Hồ Chí Minh": the province of the portal's unit, else of its
    context, else the one the text names most; None when nothing names one."""
    if context is not None:
        for lvl, name in places(context.unit_name or ""):
            if lvl in ("tinh", "thanh pho"):
                return f"{_LEVEL_NAMES[lvl]} {name}"
        if context.province and context.level in ("province", "department"):
            return f"tỉnh {context.province}"
    for lvl in ("tinh", "thanh pho"):
        found = _place_in_text(lvl, text)
        if found:
            return f"{_LEVEL_NAMES[lvl]} {found}"
    return None


def department_prefix(text: str) -> str | None:
    """The known department's legal name `text` opens with, as written ("Sở Văn hóa, Thể thao và Du
    lịch đã ban hành" -> "Sở Văn hóa, Thể thao và Du lịch"): its name may hold a comma."""
    words = fold_aligned(text).lower()
    spans = [(m.group(0), m.end()) for m in re.finditer(r"[a-z0-9]+", words)]
    for dkey, _name in _DEPARTMENT_KEYS:
        toks = dkey.split()
        if len(spans) >= len(toks) and [w for w, _ in spans[:len(toks)]] == toks:
            return text[:spans[len(toks) - 1][1]]
    return None


def complete_issuer(as_written: str, subject: str | None, context: PortalContext | None,
                    superior: str | None = None, *, place: str | None = None, text: str | None = None) -> str:
    """The issuer's full name in the running text's spelling.

    An organ written in capitals (a document header) gets the running text's spelling ("ỦY BAN NHÂN
    DÂN XÃ TÂN LẬP" -> "UBND xã Tân Lập", "BỘ NỘI VỤ" -> "Bộ Nội vụ"); "Ủy ban nhân dân" is written
    "UBND"; a signer's title is dropped ("Bộ trưởng Bộ Nội vụ" -> "Bộ Nội vụ"). A bare "UBND tỉnh"
    keeps its place: from the header's place-and-date line ("Bình Định, ngày …"), else the subject,
    else the portal's unit, else the place the text names most at that level; a bare "ỦY BAN NHÂN
    DÂN" takes the header's place with the level the text writes before it. A department named
    without its province takes it from the header's superior ("UBND TỈNH ĐIỆN BIÊN" over "SỞ …")."""
    # a ministry in capitals first: its name has words a place-name reading would take for a level
    # ("BỘ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI" is not "… và xã Hội")
    body = SUB_BODIES.get(" ".join(fold(as_written).split()))
    if body and superior:
        # "HUYỆN ỦY CẨM XUYÊN" / "BAN TUYÊN GIÁO": the body of the organ above ("Ban Tuyên giáo Huyện ủy Cẩm
        # Xuyên"); "HĐND HUYỆN ĐẦM HÀ" / "THƯỜNG TRỰC" is "Thường trực HĐND huyện Đầm Hà"
        return f"{body} {complete_issuer(superior, subject, context, None, place=place, text=text)}"
    signer = _SIGNER_RE.match(fold(as_written)) if _caps_only(as_written) else None
    if signer and _ministry_name(as_written[signer.end():]):
        as_written = as_written[signer.end():]   # "BỘ TRƯỞNG BỘ NỘI VỤ" signs for "BỘ NỘI VỤ"
        signer = None
    ministry = _ministry_name(as_written) if _caps_only(as_written) and not signer else None
    as_written = ministry or conventional_name(as_written)
    key = fold(as_written)
    sm = _SIGNER_RE.match(key)
    if sm:
        as_written = conventional_name(as_written[sm.end():])
        key = fold(as_written)
    for long, short in _LONG_FORMS:
        if key.startswith(long):
            as_written = short + as_written[len(long):]
            key = fold(as_written)
            break
    if superior and key.startswith("so ") and not _names_province(as_written):
        for lvl, name in places(conventional_name(superior)):
            if lvl in ("tinh", "thanh pho"):
                return f"{as_written} {_CAPS_LEVELS[lvl]} {name}"
    if superior and key.startswith(("phong ", "van phong ", "trung tam ", "ban ", "chi cuc ")) and not places(as_written):
        # "UBND HUYỆN HÀM YÊN" over "PHÒNG NỘI VỤ": the office of that district
        sup = conventional_name(superior)
        found = places(sup)
        if found and not fold(sup).startswith(("dang bo", "tinh uy", "huyen uy", "thanh uy", "quan uy", "thi uy")):
            lvl, name = found[-1]
            return f"{as_written} {_CAPS_LEVELS[lvl]} {name}"
    if key in ("uy ban nhan dan", "hoi dong nhan dan"):
        as_written = "UBND" if key.startswith("uy") else "HĐND"
        key = fold(as_written)
    bm = _PARTY_BCH_RE.match(key)
    if bm:
        # the executive committee of a Party organisation is its committee ("Ban Chấp hành Đảng bộ
        # tỉnh Hà Tĩnh" is "Tỉnh ủy Hà Tĩnh", the TU of "01-CTr/TU")
        level = bm.group(1)
        party_of: str | None = as_written[bm.end():].strip() or None
        if party_of is None:
            for src in (subject, text):
                named = [n for lvl, n in places(src or "") if lvl == level]
                if named:
                    party_of = named[0]
                    break
        if party_of is None and context is not None and context.unit_name:
            party_of = next((n for lvl, n in places(context.unit_name) if lvl == level), None)
        committee = _PARTY_COMMITTEES[level]
        return f"{committee} {party_of}" if party_of else as_written
    pm = re.match(r"(?:tp\.?|thanh pho)\s*(?=[^\W\d_])", fold(place)) if place else None
    if pm and place:
        # "TP. Hồ Chí Minh, ngày …": the place states its level ("UBND thành phố Hồ Chí Minh")
        place = place[pm.end():]
        if key in ("ubnd", "hdnd"):
            return f"{as_written} thành phố {place}"
    if key in ("ubnd", "hdnd") and place:
        level = _level_of(place, subject, text) or "tinh"
        return f"{as_written} {_LEVEL_NAMES[level]} {place}"
    if key.startswith("so ") and not places(as_written):
        # a department named without its province ("Sở Nội vụ ban hành …" in a news item) is the
        # province's: the portal's unit names it, else the province the text names most
        province = _province_of(context, text)
        if province:
            return f"{as_written} {province}"
    m = _BARE_LEVEL_RE.match(key)
    if not m:
        return as_written
    level = m.group(2)
    # the level word in the running text's spelling ("UBND Thành phố" -> "UBND thành phố")
    as_written = f"{as_written.split()[0]} {_LEVEL_NAMES[level]}"
    if place:
        return f"{as_written} {place}"
    if subject:
        for lvl, name in places(subject):
            if lvl == level:
                return f"{as_written} {name}"
    if context is not None:
        if context.unit_name:
            for lvl, name in places(context.unit_name):
                if lvl == level:
                    return f"{as_written} {name}"
        if level in ("tinh", "thanh pho") and context.province and context.level in ("province", "department"):
            return f"{as_written} {context.province}"
    in_text = _place_in_text(level, text)
    return f"{as_written} {in_text}" if in_text else as_written


def organ_line(line: str) -> bool:
    """Is `line` an organ's name alone, in capitals, as a document's header writes it ("ỦY BAN NHÂN DÂN
    TỈNH THỪA THIÊN HUẾ", "SỞ NỘI VỤ")? A capitals headline that opens with an organ ("UBND TỈNH TỔ
    CHỨC HỘI NGHỊ …") is not: a place's name is at most five words and no level word follows it."""
    text = " ".join(line.split())
    if not _caps_only(text) or len(text) > 90 or re.search(r"[.:;!?\d]", text):
        return False
    m = _CAPS_NAME_RE.match(fold_aligned(text).lower())
    if m is not None and (m["level"] or m["organ"] in ("huyen uy", "tinh uy", "thanh uy", "thi uy", "quan uy")):
        words = m["place"].split()
        return 1 <= len(words) <= 5 and not any(w in _CAPS_AFTER_PLACE for w in words)
    key = re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()
    return any(key == dkey or key.startswith(dkey + " tinh ") for dkey, _ in _DEPARTMENT_KEYS)


def _caps_only(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and not any(c.islower() for c in letters)


_NAME_END_RE = re.compile(
    r"\s(?:ky|vua|da|se|ban\s+hanh|xay\s+dung|to\s+chuc|trien\s+khai|thuc\s+hien|phe\s+duyet|ngay\s+\d|so\s+\d)(?![a-z])")


def issuer_in_clause(clause: str) -> str | None:
    """The organ named in a clause before a verb ("Ngày 18/4/2022 Đảng ủy xã Ngọc Liên ")."""
    key = fold_aligned(clause)
    # organ names are capitalised ("Sở", "UBND", "Đảng ủy"); "số 38" is not "Sở"
    m = next((m for m in ORGAN_START_RE.finditer(key) if clause[m.start()].isupper()), None)
    if m is None:
        return None
    name = clause[m.start():].strip(" ,-–")
    # the name ends where the sentence goes on: a verb in lower case ("Sở Xây dựng" keeps its
    # capitalised "Xây dựng"), a number or a date ("Chủ tịch UBND huyện ký Quyết định số 150/…")
    nkey = fold_aligned(name)
    for vm in _NAME_END_RE.finditer(nkey):
        if vm.start() > 0 and not name[vm.start() + 1].isupper():
            name = name[:vm.start()].strip(" ,-–")
            break
    name = re.sub(r"\s+(vừa|đã|sẽ|chính thức)$", "", name).strip()
    if not name or len(name) > 120:
        return None
    return name
