"""Name keys and parsing for unit names as people write them.

Why a separate module: the same folding must be applied to the reference data when it is loaded and to
issuer strings found on pages ("UBND xã Ngọc Liên, huyện Cẩm Giàng"), or they never meet. Everything
here builds on `core.vntext.fold` (the project's one definition of "diacritics-insensitive") and adds
what is specific to unit names: punctuation-insensitive keys, type words (xã, phường, thị trấn, …) and
organ prefixes (UBND, Đảng ủy, Huyện ủy, …).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.vntext import fold, nfc

#: Unit types of the reference data (`type` column), as Vietnamese lower-case words.
UNIT_TYPES: tuple[str, ...] = (
    "tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "đặc khu", "sở",
)
#: The levels of the registry (`level` column); departments are agencies, stored beside units.
LEVELS: tuple[str, ...] = ("province", "district", "commune", "department")

#: Which levels a type word may name. "thành phố" is a centrally-run city (province level) or a
#: provincial city (district level, before 2025).
TYPE_LEVELS: dict[str, tuple[str, ...]] = {
    "tỉnh": ("province",),
    "thành phố": ("province", "district"),
    "huyện": ("district",),
    "quận": ("district",),
    "thị xã": ("district",),
    "xã": ("commune",),
    "phường": ("commune",),
    "thị trấn": ("commune",),
    "đặc khu": ("commune",),
    "sở": ("department",),
}

# Folded type words (and common abbreviations) -> canonical type. Longest first so "thi xa" wins
# over "xa" and "thanh pho" over nothing.
_TYPE_WORDS: tuple[tuple[tuple[str, ...], str], ...] = tuple(sorted(
    (
        (("thanh", "pho"), "thành phố"),
        (("tp",), "thành phố"),
        (("tinh",), "tỉnh"),
        (("huyen",), "huyện"),
        (("quan",), "quận"),
        (("thi", "xa"), "thị xã"),
        (("tx",), "thị xã"),
        (("xa",), "xã"),
        (("phuong",), "phường"),
        (("thi", "tran"), "thị trấn"),
        (("tt",), "thị trấn"),
        (("dac", "khu"), "đặc khu"),
    ),
    key=lambda item: -len(item[0]),
))

# Organ words before a unit ("UBND xã X", "Đảng ủy xã X"); a party committee word may carry the
# unit type itself ("Huyện ủy Cẩm Giàng", "Tỉnh ủy Điện Biên").
_ORGAN_WORDS: tuple[tuple[tuple[str, ...], str, str | None], ...] = tuple(sorted(
    (
        (("ubnd",), "ubnd", None),
        (("uy", "ban", "nhan", "dan"), "ubnd", None),
        (("chu", "tich", "ubnd"), "ubnd", None),
        (("van", "phong", "ubnd"), "ubnd", None),
        (("hdnd",), "hdnd", None),
        (("hoi", "dong", "nhan", "dan"), "hdnd", None),
        (("dang", "uy"), "party", None),
        (("dang", "bo"), "party", None),
        (("du",), "party", None),
        (("ban", "thuong", "vu", "dang", "uy"), "party", None),
        (("ban", "tuyen", "giao"), "party", None),
        (("btg",), "party", None),
        (("tinh", "uy"), "party", "tỉnh"),
        (("thanh", "uy"), "party", "thành phố"),
        (("huyen", "uy"), "party", "huyện"),
        (("quan", "uy"), "party", "quận"),
        (("thi", "uy"), "party", "thị xã"),
    ),
    key=lambda item: -len(item[0]),
))

_NON_WORD = re.compile(r"[^0-9a-z]+")
_PAREN = re.compile(r"\s*\([^)]*\)\s*$")


def name_key(text: str) -> str:
    """Diacritics-, case- and punctuation-insensitive key of a name: "Chân Mây – Lăng Cô" -> "chan may lang co".

    Punctuation is dropped because sources disagree on it (hyphen vs en dash, "M'Drắk" vs "M’Drắk").
    """
    return _NON_WORD.sub(" ", fold(text)).strip()


def split_type(full_name: str) -> tuple[str | None, str]:
    """Split an official full name into (canonical type, short name): "Thị trấn Yên Viên" -> ("thị trấn", "Yên Viên").

    A parenthesised disambiguator some sources add ("Yên Viên (Thị trấn)") is removed. A name with no
    leading type word comes back as (None, name).
    """
    text = _PAREN.sub("", nfc(full_name).strip())
    words = text.split()
    folded = [name_key(w) for w in words]
    for pattern, canonical in _TYPE_WORDS:
        n = len(pattern)
        if len(words) > n and tuple(folded[:n]) == pattern:
            return canonical, " ".join(words[n:])
    return None, text


def full_name(unit_type: str, short: str) -> str:
    """The official full form: ("thành phố", "Hải Phòng") -> "Thành phố Hải Phòng"."""
    return f"{unit_type[:1].upper()}{unit_type[1:]} {short}" if unit_type else short


@dataclass(frozen=True)
class Segment:
    """One "type + name" part of a written unit name (the name kept as folded words)."""

    unit_type: str | None
    words: tuple[str, ...]

    @property
    def key(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class ParsedName:
    """A written issuer name taken apart: the organ, and the unit's type/name words with qualifiers.

    `words` are the folded words after the organ and the first type word, up to the first comma;
    `tail` is the folded text after that comma (qualifiers such as ", huyện Cẩm Giàng, tỉnh Hải Dương").
    The resolver decides where the name ends inside `words` by matching it against the data, because
    a name can itself contain a type word ("xã Đông Phương" folds to "xa dong phuong").
    """

    written: str
    organ: str | None
    unit_type: str | None
    words: tuple[str, ...]
    tail: tuple[Segment, ...]
    department: bool


def _match_words(words: list[str], i: int, table: tuple) -> tuple[int, tuple] | None:
    for item in table:
        pattern = item[0]
        n = len(pattern)
        if tuple(words[i:i + n]) == pattern:
            return n, item
    return None


def starts_with_type(words: list[str]) -> bool:
    """True when the folded words begin with a type word ("huyen cam giang")."""
    return _match_words(words, 0, _TYPE_WORDS) is not None


def parse_segments(words: list[str]) -> list[Segment]:
    """Split folded words at every type word: "huyen cam giang tinh hai duong" -> two segments."""
    segments: list[Segment] = []
    current_type: str | None = None
    current: list[str] = []
    i = 0
    while i < len(words):
        hit = _match_words(words, i, _TYPE_WORDS)
        if hit is not None and (current or current_type is not None or not segments):
            if current or current_type is not None:
                segments.append(Segment(current_type, tuple(current)))
            current_type, current = hit[1][1], []
            i += hit[0]
            continue
        current.append(words[i])
        i += 1
    if current or current_type is not None:
        segments.append(Segment(current_type, tuple(current)))
    return [s for s in segments if s.words]


def parse_written_name(written: str) -> ParsedName:
    """Take an issuer name apart (see `ParsedName`); pure text work, no data needed."""
    text = nfc(written).strip()
    parts = [name_key(p) for p in re.split(r"[,;]", text)]
    head = parts[0].split() if parts else []
    tail_words: list[str] = []
    for part in parts[1:]:
        tail_words.extend(part.split())
    organ: str | None = None
    unit_type: str | None = None
    i = 0
    # Organ words may repeat ("Ban Thường vụ Đảng ủy"); take the first organ found, skip the rest.
    while i < len(head):
        hit = _match_words(head, i, _ORGAN_WORDS)
        if hit is None:
            break
        organ = organ or hit[1][1]
        if hit[1][2] is not None:
            unit_type = hit[1][2]
        i += hit[0]
    department = False
    if i < len(head) and head[i] == "so" and unit_type is None:
        # A department's own name may hold commas ("Sở Văn hóa, Thể thao và Du lịch"): read it whole.
        department = True
        unit_type = "sở"
        words = [*head[i + 1:], *tail_words]
        tail_words = []
    else:
        if unit_type is None:
            hit = _match_words(head, i, _TYPE_WORDS)
            if hit is not None:
                unit_type = hit[1][1]
                i += hit[0]
        words = head[i:]
    return ParsedName(
        written=written,
        organ=organ,
        unit_type=unit_type,
        words=tuple(words),
        tail=tuple(parse_segments(tail_words)),
        department=department,
    )


def province_key(name: str) -> str:
    """Key of a province as written in context ("tỉnh Tuyên Quang", "TP. Hồ Chí Minh", "Hai Phong")."""
    words = name_key(name).split()
    hit = _match_words(words, 0, _TYPE_WORDS)
    if hit is not None and hit[1][1] in ("tỉnh", "thành phố"):
        words = words[hit[0]:]
    return " ".join(words)
