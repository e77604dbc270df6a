"""Which kind of organ issued a document (government, party, council, mass organisation) from the start
of its name, the organ words and levels a header writes in capitals, and the places a text names
after a level word ("tỉnh Tuyên Quang", "xã Tân Lập").
"""
from __future__ import annotations

import re

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
