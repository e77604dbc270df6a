"""Vietnamese text normalisation: the one place the project decides how text is compared.

Published text is always kept as written; these functions produce *keys* for matching and search.
Portals mix NFC and NFD (decomposed tone marks), so every comparison starts with NFC, and
diacritics-insensitive matching folds to plain ASCII letters, mapping đ/Đ explicitly because
Unicode decomposition does not separate the stroke from the d.
"""
from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC (composed) form, the form every matcher expects."""
    return unicodedata.normalize("NFC", text)


class _StripMarks(dict):
    """str.translate table built lazily: combining marks (category Mn) deleted, every other character kept.

    Only needed for text that is not plain ASCII once the common block of marks (`_COMMON_MARKS`) is
    gone: `fold` runs on every indexed text (the search index, the extractor's matchers), and a
    per-character generator calling `unicodedata.category` was most of its cost.
    """

    def __missing__(self, code: int) -> int | None:
        out = None if unicodedata.category(chr(code)) == "Mn" else code
        self[code] = out
        return out


_STRIP_MARKS = _StripMarks()
#: U+0300..U+036F, Combining Diacritical Marks: all of category Mn, and every mark Vietnamese decomposes to.
_COMMON_MARKS = re.compile("[\u0300-\u036f]+")


def fold(text: str) -> str:
    """Diacritics- and case-insensitive key: "Đảng ủy" -> "dang uy", "TUYÊN TRUYỀN" -> "tuyen truyen".

    Whitespace runs (including no-break spaces) collapse to one space.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = _COMMON_MARKS.sub("", decomposed)
    if not stripped.isascii():  # other scripts, symbols or rarer marks: every character looked up
        stripped = stripped.translate(_STRIP_MARKS)
    return _WS.sub(" ", stripped.lower()).strip()


def clean_space(text: str) -> str:
    """NFC, with every whitespace run (incl. &nbsp;) collapsed to one space and ends trimmed."""
    return _WS.sub(" ", nfc(text)).strip()


def contains_folded(haystack: str, needle: str) -> bool:
    """True when `needle` occurs in `haystack`, ignoring case and diacritics."""
    return fold(needle) in fold(haystack)


class _FoldTable(dict):
    """str.translate table built lazily: one folded character per input character.

    Keeping the length lets a matcher find a span in the folded key and cut the same span out of
    the published (NFC) text, so values are reported as written while matching ignores diacritics.
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in "đĐ":
            out = "d"
        elif ch == "\n":
            out = "\n"
        elif ch.isspace():
            out = " "
        else:
            base = "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")
            low = base.lower()
            out = low[0] if len(low) == 1 else (ch.lower()[:1] or ch)
            if not base:  # a lone combining mark (NFD input that was not composed)
                out = " "
        self[code] = out
        return out


_FOLD_TABLE = _FoldTable()


def fold_aligned(text: str) -> str:
    """Like `fold`, but character-for-character: len(result) == len(text), whitespace not collapsed.

    Call it on NFC text; `result[i:j]` then corresponds to `text[i:j]`. Line breaks stay line
    breaks (they end clauses and headings); every other whitespace character becomes a space.
    """
    return text.translate(_FOLD_TABLE)
