"""Vietnamese collation (`vn_sort_key`): the Vietnamese alphabet a ă â b c d đ e ê …, tone marks as a
secondary key, so "Cà Mau" sorts before "Cao Bằng" and every "D…" before "Đ…": the order people expect
in a list of units or provinces.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

#: The Vietnamese alphabet (with f, j, w, z where Latin puts them, for foreign names).
ALPHABET = ("a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
            "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z")
_LETTER_RANK = {ch: i for i, ch in enumerate(ALPHABET)}
#: tone marks in dictionary order: ngang (none), huyền, hỏi, ngã, sắc, nặng
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
#: marks that make a letter of its own (ă â ê ô ơ ư), recomposed with the base letter
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}


def _split(ch: str) -> tuple[str, int]:
    """A character as (its letter with letter-forming marks, its tone rank)."""
    decomposed = unicodedata.normalize("NFD", ch)
    base = decomposed[0]
    marks = [m for m in decomposed[1:] if m in _LETTER_MARKS]
    tone = max((_TONES.get(m, 0) for m in decomposed[1:]), default=0)
    return unicodedata.normalize("NFC", base + "".join(marks)), tone


class _WeightTable(dict):
    """str.translate table built lazily: a character to one of its three weights (`_char_key`), as a
    character (``chr(weight)``), a space to weight 0. Why: the per-character Python loop was most of
    sorting the 15,000 unit names of a country-size registry (every report sorts them); translating
    is one table lookup per character in C."""

    def __init__(self, which: int) -> None:
        super().__init__()
        self.which = which

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = "\0" if ch.isspace() else chr(_char_key(ch)[self.which])
        self[code] = out
        return out


_PRIMARY, _SECONDARY, _TERTIARY = _WeightTable(0), _WeightTable(1), _WeightTable(2)
_SPACES = re.compile(r"\s+")  # `str.isspace` characters: runs of them sort as one
#: weights above this do not fit in a character (2000 + code point, `_char_key`): such names take the loop
_MAX_FAST = chr(0x10FFFF - 2000)


@functools.lru_cache(maxsize=1 << 16)
def vn_sort_key(name: str | None) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], str]:
    """Sort key in Vietnamese order: letters by the Vietnamese alphabet (a ă â b c d đ e ê …), then tone
    marks (none, huyền, hỏi, ngã, sắc, nặng), then case; spaces sort before letters, so "Cà Mau" comes
    before "Cao Bằng" and "Đà Nẵng" after every "D…". Digits come before letters, other signs by code point.
    Cached: one report sorts the same few thousand unit and province names several times over.
    """
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", name or ""))
    if text and max(text) > _MAX_FAST:
        return _vn_sort_key_loop(name)
    return (tuple(map(ord, text.translate(_PRIMARY))), tuple(map(ord, text.translate(_SECONDARY))),
            tuple(map(ord, text.translate(_TERTIARY))), name or "")


def _vn_sort_key_loop(name: str | None) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], str]:
    """`vn_sort_key` one character at a time: for the names the tables cannot hold (and its definition)."""
    primary: list[int] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for ch in unicodedata.normalize("NFC", name or ""):
        if ch.isspace():
            if primary and primary[-1] == 0:
                continue  # runs of spaces sort as one
            primary.append(0)
            secondary.append(0)
            tertiary.append(0)
            continue
        p, s, t = _char_key(ch)
        primary.append(p)
        secondary.append(s)
        tertiary.append(t)
    return tuple(primary), tuple(secondary), tuple(tertiary), name or ""


@functools.lru_cache(maxsize=4096)
def _char_key(ch: str) -> tuple[int, int, int]:
    """One non-space character's (primary, secondary, tertiary) weights (`vn_sort_key`). Cached:
    names use a few hundred distinct characters, and decomposing each one again made sorting
    15,000 unit names take seconds."""
    letter, tone = _split(ch)
    low = letter.lower()
    if low in _LETTER_RANK:
        primary = 1000 + _LETTER_RANK[low]
    elif ch.isdigit():
        primary = 100 + int(unicodedata.digit(ch, 0))
    else:
        primary = 1 + min(ord(ch), 98) if ord(ch) < 128 else 2000 + ord(ch)
    return primary, tone, 0 if letter == low else 1


def vn_sort_texts(names: Iterable[str | None]) -> dict[str | None, tuple[str, ...]] | None:
    """Sort keys for many names at once that order them as `vn_sort_key(name)[:3]` does, each weight one
    character (strings compare by code point, a shorter prefix first, as the weight tuples do); None when
    a name holds a character whose weight does not fit in one (the caller then sorts by `vn_sort_key`).

    A key is the primary weights alone, with the tone and case weights added only for the names whose
    primary weights another name shares: two keys with different primaries are ordered by them (a tuple
    compares its first items first), equal primaries compare the rest, as the full keys do. Why: at a
    country's 15,000 unit names the two later translations were two thirds of sorting them, and they
    decide between names spelled alike only; comparing the weights as strings rather than tuples of
    ints was most of the rest (issue 12)."""
    texts: dict[str | None, str] = {}
    for name in names:
        text = _SPACES.sub(" ", unicodedata.normalize("NFC", name or ""))
        if text and max(text) > _MAX_FAST:
            return None
        texts[name] = text
    primary = {name: text.translate(_PRIMARY) for name, text in texts.items()}
    seen: dict[str, int] = {}
    for p in primary.values():
        seen[p] = seen.get(p, 0) + 1
    return {name: (p,) if seen[p] == 1 else (p, texts[name].translate(_SECONDARY), texts[name].translate(_TERTIARY))
            for name, p in primary.items()}
