"""Who issued a document, which kind of organ it is, and how to complete "UBND tỉnh".

Portals write the issuer the way a local reader needs it ("UBND tỉnh vừa ban hành …"); an auditor
needs the full name. The full name is completed from the document's own subject ("… tỉnh Tuyên
Quang năm 2020") or, failing that, from the portal's unit (PortalContext); `issuer_as_written`
keeps the text's words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.vntext import fold, fold_aligned

# Folded prefixes that start an organ's name, most specific first, with the organ kind.
_ORGAN_PREFIXES: list[tuple[str, str]] = [
    ("ban thuong vu", "party"), ("thuong truc huyen uy", "party"), ("thuong truc tinh uy", "party"),
    ("thuong truc thanh uy", "party"), ("thuong truc dang uy", "party"), ("ban tuyen giao", "party"),
    ("ban chap hanh dang bo", "party"), ("dang uy", "party"), ("dang bo", "party"), ("chi bo", "party"),
    ("huyen uy", "party"), ("tinh uy", "party"), ("thanh uy", "party"), ("thi uy", "party"),
    ("quan uy", "party"), ("ban dan van", "party"), ("ban to chuc", "party"),
    # the Đoàn's own committees ("BAN CHẤP HÀNH TRUNG ƯƠNG / ĐOÀN TNCS HỒ CHÍ MINH", "BCH ĐOÀN TP. …",
    # "TỈNH ĐOÀN …"): a mass organisation, though its symbols are written the party's way (225-KH/TWĐTN)
    ("ban chap hanh trung uong doan", "mass_organisation"), ("bch trung uong doan", "mass_organisation"),
    ("ban bi thu trung uong doan", "mass_organisation"), ("trung uong doan", "mass_organisation"),
    ("ban chap hanh doan", "mass_organisation"), ("bch doan", "mass_organisation"),
    ("tinh doan", "mass_organisation"), ("thanh doan", "mass_organisation"), ("huyen doan", "mass_organisation"),
    ("doan tncs", "mass_organisation"), ("trung uong", "party"),
    ("ban bi thu", "party"), ("bo chinh tri", "party"),
    ("hdnd", "council"), ("hoi dong nhan dan", "council"), ("thuong truc hdnd", "council"),
    ("uy ban mat tran", "mass_organisation"), ("uy ban mttq", "mass_organisation"), ("mttq", "mass_organisation"),
    ("ubmttqvn", "mass_organisation"), ("ubmttq", "mass_organisation"), ("tt ubmttqvn", "mass_organisation"),
    ("tt ubmttq", "mass_organisation"), ("btt ubmt", "mass_organisation"),
    ("ban thuong truc ubmttq", "mass_organisation"), ("thuong truc ubmttq", "mass_organisation"),
    ("mat tran to quoc", "mass_organisation"), ("doan thanh nien", "mass_organisation"),
    ("hoi lien hiep phu nu", "mass_organisation"), ("hoi phu nu", "mass_organisation"),
    ("hoi nong dan", "mass_organisation"), ("hoi cuu chien binh", "mass_organisation"),
    ("lien doan lao dong", "mass_organisation"), ("cong doan", "mass_organisation"),
    ("ubnd", "government"), ("uy ban nhan dan", "government"), ("chu tich ubnd", "government"),
    ("chu tich uy ban", "government"), ("so ", "government"), ("phong ", "government"),
    ("van phong", "government"), ("chinh phu", "government"), ("thu tuong", "government"),
    ("bo ", "government"), ("ban chi dao", "government"), ("ban quan ly", "government"),
    ("ban dieu hanh", "government"),   # a state programme's executive board ("Ban điều hành Chương trình MTQG …")
    ("trung tam", "government"), ("cuc ", "government"), ("chi cuc", "government"),
    ("cong an", "government"), ("tong cuc", "government"),
]
ORGAN_START_RE = re.compile(
    r"(?<![a-z])(?:" + "|".join(re.escape(p.strip()) + (r"(?=\s)" if p.endswith(" ") else r"(?![a-z])")
                                  for p, _ in _ORGAN_PREFIXES) + ")"
)
# "UBND tỉnh", "Ủy ban nhân dân thành phố", "HĐND huyện" with no name after the level word.
_BARE_LEVEL_RE = re.compile(r"^(ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan)\s+(tinh|thanh pho|huyen|quan|thi xa|xa|phuong|thi tran)$")
# "tỉnh Tuyên Quang", "thành phố Hải Phòng": a level word then capitalised words (original text).
# (never across a line: "… toàn tỉnh" / "Ngày cập nhật …" names no province)
_LEVEL_WORD_RE = re.compile(r"(?<![a-z])(tinh|thanh pho|huyen|quan|thi xa|xa|phuong|thi tran)[ \t]+(?=\S)")


_CAPS_AFTER_PLACE = frozenset({"nam", "giai", "den", "tu", "ve", "va", "theo", "tren", "cua", "trong", "thang", "quy",
                               "nhiem", "ky", "lan", "dot", "tai", "nhu"})


def places(text: str) -> list[tuple[str, str]]:
    """(folded level word, proper name) pairs: "tỉnh Tuyên Quang năm 2020" -> [("tinh", "Tuyên Quang")]."""
    key = fold_aligned(text)
    out: list[tuple[str, str]] = []
    for m in _LEVEL_WORD_RE.finditer(key):
        words: list[str] = []
        # a place name never runs past its line ("tỉnh Lạng Sơn." / "2. Mục tiêu")
        window = text[m.end():m.end() + 60].split("\n", 1)[0]
        # a headline in capitals ("… THÀNH PHỐ HỒ CHÍ MINH NĂM 2023"): the name ends at the words that
        # go on after a place, and is written the running text's way ("Hồ Chí Minh")
        caps = window == window.upper() and any(c.isalpha() for c in window)
        for w in window.split(" "):
            if w[:1] in "\u201c\"'(":
                break   # huyện “Phát triển …”: a quotation, not a place
            w = w.strip(",.;:()/\u201c\u201d\"")   # "./." ends a document
            if caps and w.isalpha() and fold(w) in _CAPS_AFTER_PLACE:
                break
            if w and (w[0].isupper() or (words and w.isdigit())):
                words.append(w)
            else:
                break
            if w != window.split(" ")[len(words) - 1]:
                break  # punctuation ended the name
        if caps:
            words = [w.title() if w.isalpha() else w for w in words]
        if words and not (m.group(1) == "xa" and fold(" ".join(words[:3])).startswith("hoi chu nghia")):
            out.append((m.group(1), " ".join(words)))   # "CỘNG HÒA XÃ HỘI …" names no commune
    return out


# a body of an organ ("Ban Thường vụ", "Thường trực", "Ban Tuyên giáo" of the organ named after it): the
# organ kind is the named organ's ("Ban Thường vụ Hội Nông dân tỉnh …" is a mass organisation's)
SUB_BODIES: dict[str, str] = {
    "ban thuong truc": "Ban Thường trực", "thuong truc": "Thường trực", "ban thuong vu": "Ban Thường vụ",
    "thuong vu": "Thường vụ", "ban chap hanh": "Ban Chấp hành", "ban tuyen giao": "Ban Tuyên giáo",
    "ban dan van": "Ban Dân vận", "ban to chuc": "Ban Tổ chức", "ban kiem tra": "Ban Kiểm tra",
    "uy ban kiem tra": "Ủy ban Kiểm tra", "van phong": "Văn phòng",
}
_SUB_BODY_RE = re.compile(r"^(?:" + "|".join(sorted(SUB_BODIES, key=len, reverse=True)) + r")\s+(?=\S)")


def organ_of(issuer: str | None) -> str | None:
    """party / government / council / mass_organisation for an issuer name, or None."""
    if not issuer:
        return None
    key = fold(issuer) + " "
    sub = _SUB_BODY_RE.match(key)
    if sub:
        named = organ_of(issuer[sub.end():])
        if named is not None:
            return named
    for prefix, kind in _ORGAN_PREFIXES:
        if key.startswith(prefix):
            return kind
    return None


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


# An all-capitals header ("ỦY BAN NHÂN DÂN XÃ TÂN LẬP") in the spelling the running text uses
# ("UBND xã Tân Lập"): an organ word, a level word where it has one, then a place name.
_CAPS_ORGANS: dict[str, str] = {
    "uy ban nhan dan": "UBND", "ubnd": "UBND", "hoi dong nhan dan": "HĐND", "hdnd": "HĐND",
    "dang uy": "Đảng ủy", "dang bo": "Đảng bộ", "huyen uy": "Huyện ủy", "tinh uy": "Tỉnh ủy",
    "thanh uy": "Thành ủy", "thi uy": "Thị ủy", "quan uy": "Quận ủy",
    # the Front and the mass organisations of a place ("UBMTTQ VIỆT NAM XÃ HƯƠNG XUÂN")
    "uy ban mttq viet nam": "Ủy ban MTTQ Việt Nam", "ubmttq viet nam": "Ủy ban MTTQ Việt Nam",
    "uy ban mat tran to quoc viet nam": "Ủy ban MTTQ Việt Nam", "ubmttqvn": "Ủy ban MTTQ Việt Nam",
    "uy ban mttq": "Ủy ban MTTQ", "hoi nong dan": "Hội Nông dân", "hoi lien hiep phu nu": "Hội Liên hiệp Phụ nữ",
    "hoi cuu chien binh": "Hội Cựu chiến binh", "lien doan lao dong": "Liên đoàn Lao động",
    "chi bo": "Chi bộ",
}
_CAPS_LEVELS: dict[str, str] = {
    "thanh pho": "thành phố", "thi xa": "thị xã", "thi tran": "thị trấn", "dac khu": "đặc khu",
    "tinh": "tỉnh", "huyen": "huyện", "quan": "quận", "xa": "xã", "phuong": "phường",
    # a village's party cell or committee ("CHI BỘ THÔN 3", "CHI BỘ KHU PHỐ 2")
    "thon": "thôn", "ap": "ấp", "khu pho": "khu phố", "to dan pho": "tổ dân phố",
}
_CAPS_NAME_RE = re.compile(
    r"^(?P<organ>" + "|".join(map(re.escape, sorted(_CAPS_ORGANS, key=len, reverse=True))) + r")\s+"
    r"(?:(?P<level>" + "|".join(map(re.escape, sorted(_CAPS_LEVELS, key=len, reverse=True))) + r")\s+)?"
    r"(?P<place>\S.*)$"
)
def _names_province(name: str) -> bool:
    return any(lvl in ("tinh", "thanh pho") for lvl, _ in places(name))


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
