"""The formal header of an administrative document: the page's own document, whatever the layout.

Every state and party document opens with the same block (Nghị định 30/2020/NĐ-CP, Quy định 66-QĐ/TW):

    ỦY BAN NHÂN DÂN                 CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    TỈNH BÌNH ĐỊNH                  Độc lập - Tự do - Hạnh phúc
    Số: 1520/QĐ-UBND                Bình Định, ngày 05 tháng 5 năm 2023
                          QUYẾT ĐỊNH
                 Về việc ban hành Kế hoạch …

Pages publish it as a two-column table (read row by row: organ and motto share lines), as lines
(left column first), or flattened by a stored copy with "|" between cells; long words wrap ("CỘNG" /
"HÒA XÃ HỘI …", "Hà" / "Nội, ngày …"). The block is read by its grammar, not its layout: the number
line ("Số: …", party "Số 41-KH/ĐU"), the capitals above it without the national motto (the organ; a
superior above it), the place-and-date line after it, then the document type on a line of its own
and its subject. A mirror site's chrome above the block ("Hệ thống pháp luật", a property table)
does not take part: the organ is the run of capitals right above the number.

A document published without its own header (issued with a decision, numbered in its lead line) is
read in ``attached``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.vntext import fold, fold_aligned

from .dates import find_dates
from .numbers import DOC_TYPES, NumberMatch, find_numbers, type_from_code

_REGION = 2500          # the header sits in the first characters of the text
# "Số:" at a line's start (a "|" cell border or padding before it); the number may be on the next line.
# A header flattened to one line by a PDF's text layer ("… Độc lập – Tự do – Hạnh phúc ******* Số: 23/2007/
# QĐ-BLĐTBXH Hà Nội, ngày …") puts it after the motto's rule or the motto itself; a table flattened row by
# row puts it in the organ's row, after a cell border ("| BỘ NỘI VỤ | Số: 18/2014/TT-BNV |").
_NUMBER_CUE_RE = re.compile(
    r"(?:^|\n|\||[*_=]{3,}|-{3,}|hanh phuc|[ \t](?=so[ \t]*:))[ \t|]*so[ \t]*(?:/[ \t]*ky[ \t]*hieu[ \t]*)?(:?)[ \t]*(?:\n[ \t]*){0,2}")
_BARE_SYMBOL_RE = re.compile(r"\d{1,5}[a-z]?/[A-ZĐ][A-ZĐ&]{1,9}(?![\w/-])")
# the national (or party) motto, whatever the line breaks inside it
_MOTTO_RE = re.compile(
    r"cong\s+hoa\s+xa\s+hoi\s+chu\s+nghia\s+viet\s+nam|doc\s+lap\s*[-–—]\s*tu\s+do\s*[-–—]\s*hanh\s+phuc"
    r"|dang\s+cong\s+san\s+viet\s+nam")
_RULE_RE = re.compile(r"[-_=*~.]{3,}|\|")
# "<Place>, ngày …" (the place may wrap: "Hà" / "Nội, ngày")
_PLACE_DATE_RE = re.compile(r"(?:^|\n|\|)[ \t]*([^\n,|:;]{2,30}(?:\n[^\n,|:;]{1,20})?),[ \t]*ngay\b")
_TYPES_ALT = "|".join(sorted(DOC_TYPES, key=len, reverse=True))
# the type on a line of its own ("KẾ HOẠCH"), or a line opening with it ("KẾ HOẠCH Tuyên truyền …")
_TYPE_LINE_RE = re.compile(rf"(?:^|\n)[ \t|]*(?P<type>chuong\s+trinh\s+hanh\s+dong|{_TYPES_ALT})[ \t]*(?=\n|$|[ \t]+\S)")
# a capitals line that is no longer the subject: the signer's title or the enacting organ
_SUBJECT_STOP_RE = re.compile(
    r"^(?:chu tich|bo truong|giam doc|truong ban|bi thu|thu truong|uy ban nhan dan|hoi dong nhan dan|ban thuong vu|"
    r"ban chap hanh|dang uy|quyet dinh|nghi quyet|can cu|kinh gui)\b")
# a line that continues the organ line above it rather than naming an organ of its own
_ORGAN_WORD_RE = re.compile(
    r"^(?:uy ban|ubnd|hoi dong|hdnd|dang uy|dang bo|chi bo|huyen uy|tinh uy|thanh uy|thi uy|quan uy|ban |bo |so |"
    r"phong |van phong|chi cuc|cuc |tong cuc|trung tam|mat tran|doan |hoi |lien doan|cong an|thanh tra|vien |"
    r"thuong truc |thuong vu )")
# a level word continues the organ line above ("ỦY BAN NHÂN DÂN" / "TỈNH BÌNH ĐỊNH"); a party committee named
# after its level ("ĐẢNG BỘ TỈNH HÀ TĨNH" / "HUYỆN ỦY CẨM XUYÊN") is an organ of its own
_LEVEL_RE = re.compile(r"^(?:tinh|thanh pho|huyen|quan|thi xa|xa|phuong|thi tran|dac khu)\b(?!\s+uy\b)")
_DATE_LINE_RE = re.compile(r"^(?:[^,|:;]{2,30},\s*)?ngay\s+\d{1,2}\b")
_LIST_MARK_RE = re.compile(r"^\d{1,3}[.)] ")
_BARE_RE = re.compile(r"^(?:uy ban nhan dan|ubnd|hoi dong nhan dan|hdnd|bo|so|ban|dang uy|chi bo|dang bo)$")


# A stored copy that kept a page's escaped line breaks as text ("\\r\\n ỦY BAN NHÂN DÂN | \\r\\n …"): read
# them as line breaks (same length, so offsets into the text still hold).
_ESCAPED_BREAK_RE = re.compile(r"\\r\\n|\\[nrt]")


def _cells(text: str) -> str:
    """`text` with escaped line breaks ("\\r\\n", "\\n") read as breaks, "\\t" as a space."""
    if "\\" not in text:
        return text
    return _ESCAPED_BREAK_RE.sub(lambda m: " " * (len(m.group(0)) - 1) + ("\n" if m.group(0)[-1] in "nr" else " "), text)


@dataclass
class FormalHeader:
    """What a document's header states about the document itself."""

    number: str | None       # None: a motto-led header whose number line was not found
    type: str | None
    date: str | None
    organ: str | None        # the issuing organ as written (lines joined: "ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH")
    superior: str | None     # the organ line above it ("UBND TỈNH ĐIỆN BIÊN" over "SỞ …"), if any
    place: str | None        # the place of the place-and-date line ("Bình Định")
    subject: str | None      # the subject under the type ("Về việc ban hành Kế hoạch …")
    start: int               # where the number cue starts in the text
    end: int                 # where the header's number ends


def _caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _blank_motto(text: str, key: str | None = None) -> str:
    """`text` with the motto, rules and cell borders blanked out (line breaks kept, offsets kept);
    `key` is its aligned fold when the caller has it."""
    key = fold_aligned(text) if key is None else key
    chars = list(text)
    for rx in (_MOTTO_RE, _RULE_RE):
        for m in rx.finditer(key):
            for i in range(m.start(), m.end()):
                if chars[i] != "\n":
                    chars[i] = " "
    return "".join(chars)


_RULE_LINE_RE = re.compile(r"[-_=*~.]{3,}")


def _blank_lines(text: str, key: str) -> tuple[str, str]:
    """`text` and its aligned fold with the motto and rules blanked (cell borders and line breaks kept)."""
    t, k = list(text), list(key)
    for rx in (_MOTTO_RE, _RULE_LINE_RE):
        for m in rx.finditer(key):
            for i in range(m.start(), m.end()):
                if k[i] != "\n":
                    t[i] = k[i] = " "
    return "".join(t), "".join(k)


def _organ_cells(raw: str, blanked: str) -> str:
    """A flattened row's cells that can name an organ: "ỦY BAN NHÂN DÂN | … Hạnh phúc Hà Tĩnh, ngày …" keeps
    its organ cell and drops the place-and-date cell beside it (offsets of `raw` and `blanked` agree)."""
    if "|" not in raw:
        return blanked
    cells, pos = [], 0
    for part in raw.split("|"):
        cells.append(blanked[pos:pos + len(part)])
        pos += len(part) + 1
    kept = [c for c in cells if _caps(c) or not any(ch.isalpha() for ch in c)]
    return " ".join(kept) if any(_caps(c) for c in kept) else blanked


def _organ_like(line: str) -> bool:
    """A header's organ line retyped in sentence case by a web editor ("Ủy ban nhân dân" / "xã Tân Hương"):
    short, no sentence punctuation, opening with an organ or a level word."""
    if len(line) > 60 or re.search(r"[.,:;!?]", line):
        return False
    key = fold(line)
    return bool(_ORGAN_WORD_RE.match(key + " ") or _LEVEL_RE.match(key))


def organ_lines(before: str, key: str | None = None) -> tuple[str | None, str | None]:
    """(issuer, superior) from the text above a header's number: the run of capitals right above it,
    without the motto; lines that continue a name ("BỘ" / "NỘI VỤ", "ỦY BAN NHÂN DÂN" / "TỈNH …") are
    joined, an organ line above another organ line is its superior."""
    # only the last lines above the number can be the organ's
    cut = max(0, len(before) - 600)
    cut = before.rfind("\n", 0, cut) + 1 if cut else 0
    raw_lines = before[cut:].split("\n")
    blank_lines = _blank_motto(before[cut:], key[cut:] if key is not None else None).split("\n")
    lines = [" ".join(_organ_cells(r, b).split()) for r, b in zip(raw_lines, blank_lines)]
    # a PDF's text layer numbers its page ("1. BỘ LAO ĐỘNG – THƯƠNG …"): no organ's name starts with one
    lines = [_LIST_MARK_RE.sub("", ln) for ln in lines]
    run: list[str] = []
    for line in reversed(lines):
        if not any(c.isalpha() for c in line):
            continue   # "*", "-", a blank: the separators under an organ's name
        if not run and _DATE_LINE_RE.match(fold(line)):
            continue   # the right column read before the number ("Hà Tĩnh, ngày …" / "Số: …")
        if not (_caps(line) or _organ_like(line)) or len(line) > 90 or len(run) >= 5:
            break
        run.append(line)
    run.reverse()
    if not run:
        return None, None
    names: list[str] = []
    for line in run:
        key = fold(line)
        if names and (_BARE_RE.match(fold(names[-1])) or _LEVEL_RE.match(key) or not _ORGAN_WORD_RE.match(key + " ")):
            names[-1] = f"{names[-1]} {line}"
        else:
            names.append(line)
    return names[-1], (names[-2] if len(names) >= 2 else None)


def _subject_after(text: str, pos: int) -> str | None:
    """The subject under the type line: the capitals lines that follow (wrapped), or one line."""
    lines = text[pos:pos + 800].split("\n")
    out: list[str] = []
    for idx, raw in enumerate(lines):
        line = " ".join(raw.strip(" |\t").split())
        if not line:
            if out:
                break
            continue
        if out and not any(c.isalpha() for c in line):
            out.append(line)   # a wrapped year ("… MÙA KHÔ NĂM 2019 -" / "2020")
            continue
        if out and (not _caps(line) or _SUBJECT_STOP_RE.match(fold(line))):
            break
        if not out and _SUBJECT_STOP_RE.match(fold(line)) and _caps(line):
            break
        out.append(line)
        if not _caps(line):
            # an ordinary-case subject is one line ("Về việc ban hành Kế hoạch …"), unless it wraps:
            # the next line goes on in lower case ("Tổ chức các" / "hoạt động hè … năm 2024")
            i = idx + 1
            while i < len(lines) and len(" ".join(out)) <= 300:
                nxt = " ".join(lines[i].strip(" |\t").split())
                if not nxt or not nxt[0].islower():
                    break
                out.append(nxt)
                i += 1
            break
        if len(" ".join(out)) > 300:
            break
    subject = " ".join(out).strip()
    return subject or None


def _number_at(text: str, key: str, cue: re.Match[str]) -> NumberMatch | None:
    found = [n for n in find_numbers(text[cue.end():cue.end() + 40]) if n.start == 0]
    if not found:
        # after the header's own "Số:", a ký hiệu that is only the issuer's abbreviation ("45/PNV")
        bm = _BARE_SYMBOL_RE.match(text, cue.end())
        if bm is None or not cue.group(1):
            return None
        found = [NumberMatch(0, bm.end() - cue.end(), bm.group(0), None, False)]
    if not cue.group(1) and cue.start() > 0 and text[cue.start()] != "\n":
        return None   # inside a line (after a cell border or a rule) only "Số:" with its colon starts a header
    prev = text[max(0, cue.start() - 40):cue.start()].split()
    if text[cue.start()] in " \t" and not (prev and len(prev[-1]) >= 2 and prev[-1].isalpha() and prev[-1].isupper()
                                          and text[cue.start() + 1] == "S"):
        return None   # "… TỈNH HÀ TĨNH Số: 12/KH-UBND": a cell flattened with its organ, nothing else
    if not cue.group(1):
        # without the colon, only a header's own line ("Số 41-KH/ĐU", capital S, nothing after the
        # number but a cell border, the place and the date): "số 4/KH-SKHVCN về …" is a sentence
        so = text[cue.start():cue.end()].lstrip("\n |\t")
        after = text[cue.end() + found[0].end:].split("\n", 1)[0].strip(" |\t")
        if not so.startswith("S") or (after and not after[0].isupper()):
            return None
    return found[0]


def _rest_of_header(text: str, key: str, start: int, end: int, number: str | None, code: str | None,
                    organ: str | None, superior: str | None) -> FormalHeader | None:
    """The place-and-date line, the type line and the subject after a header's number (or motto)."""
    # the motto and rules blanked: in a column read line by line, "Độc lập - Tự do - Hạnh phúc" or a rule
    # "-------" right above "Bình Định, ngày …" is no first half of a wrapped place name
    after, after_key = _blank_lines(text[end:end + 600], key[end:end + 600])
    place = None
    date = None
    pm = _PLACE_DATE_RE.search(after_key)
    if pm is not None and pm.start() < 250:
        place = " ".join(after[pm.start(1):pm.end(1)].split()).strip(" |") or None
        # a table cell's border inside a wrapped date ("ngày 13 |" / "tháng 01 năm 2020") is no break
        found = find_dates(after[pm.start(1):pm.start(1) + 120].replace("|", " "),
                           after_key[pm.start(1):pm.start(1) + 120].replace("|", " "))
        date = found[0].date.isoformat() if found else None
    if date is None:
        # the right column read first ("… Hạnh phúc" / "Hà Tĩnh, ngày …" above the organ and the number)
        lo = max(0, start - 400)
        btext, bkey = _blank_lines(text[lo:start], key[lo:start])
        before = list(_PLACE_DATE_RE.finditer(bkey))
        if before:
            bm = before[-1]
            place = " ".join(btext[bm.start(1):bm.end(1)].split()).strip(" |") or None
            found = find_dates(text[lo + bm.start(1):lo + bm.start(1) + 120].replace("|", " "),
                               key[lo + bm.start(1):lo + bm.start(1) + 120].replace("|", " "))
            date = found[0].date.isoformat() if found else None
    if date is None:
        found = [d for d in find_dates(after[:300], after_key[:300])]
        date = found[0].date.isoformat() if found else None
    tm = _TYPE_LINE_RE.search(key, end, end + 700)
    # the type line is the type in capitals ("KẾ HOẠCH", "QUYẾT ĐỊNH Về việc …") or a line of its own:
    # "Luật ban hành văn bản … ngày 22 tháng 6 năm 2015;" is a cited law's wrapped line, not the type
    while tm is not None and not (_caps(text[tm.start("type"):tm.end("type")])
                                  or not text[tm.end():].split("\n", 1)[0].strip(" |\t")):
        tm = _TYPE_LINE_RE.search(key, tm.end(), end + 700)
    dtype = subject = None
    if tm is not None:
        tkey = re.sub(r"\s+", " ", tm["type"])
        dtype = "Chương trình hành động" if tkey == "chuong trinh hanh dong" else DOC_TYPES[tkey]
        inline = text[tm.end():].split("\n", 1)[0].strip(" |\t")
        subject = inline if inline else _subject_after(text, tm.end())
    if tm is None:
        # a letter (công văn) has no type line: its subject follows the number as "V/v …"
        vm = _VV_RE.search(key, end, end + 400)
        if vm is not None:
            dtype = "Công văn"
            subject = " ".join(text[vm.end():vm.end() + 300].split("\n", 1)[0].split()).strip(" |") or None
    if dtype is None and (number or code):
        dtype = type_from_code(code)
    if organ is None and superior is None and place is None and tm is None:
        return None   # a "Số: …" line with nothing of a header around it
    return FormalHeader(number, dtype, date, organ, superior, place, subject, start, end)


# "V/v tổ chức …" (về việc) under a letter's number
_VV_RE = re.compile(r"(?:^|\n|\|)[ \t]*v/v[ \t.:]*")

# a draft's number left blank ("Số:      /BC-UBND"): the header still states the type and the organ
_BLANK_NUMBER_RE = re.compile(r"[ \t]*/[ \t]*(?P<code>[a-z]{1,6})[ \t]*[-–][ \t]*[a-z]")


def parse_header(text: str, key: str | None = None) -> FormalHeader | None:
    """The formal header at the top of `text` (see the module docstring), or None. A header may
    state no number: a draft's is left blank ("Số:      /BC-UBND"); a regulation issued with a
    decision opens with the organ and the motto only ("ỦY BAN NHÂN DÂN / XÃ XUÂN PHÚ | CỘNG HOÀ …")."""
    cells = _cells(text[:_REGION + 1200])
    if cells != text[:_REGION + 1200]:
        text = cells + text[_REGION + 1200:]
        key = None
    if key is None:
        key = fold_aligned(text)
    head_key = key[:_REGION]
    for cue in _NUMBER_CUE_RE.finditer(head_key):
        num = _number_at(text, key, cue)
        if num is not None:
            number_end = cue.end() + num.end
            number, code = num.number, num.code
        else:
            bm = _BLANK_NUMBER_RE.match(key, cue.end()) if cue.group(1) else None
            if bm is None:
                continue
            number_end, number, code = bm.end("code"), None, bm["code"]
        organ, superior = organ_lines(text[:cue.start()], key[:cue.start()])
        if organ is None and cue.start() > 0 and text[cue.start()] not in "\n":
            continue   # inside a line, "Số:" is a header's only right after its organ ("| BỘ NỘI VỤ | Số: …")
        found = _rest_of_header(text, key, cue.start(), number_end, number, code, organ, superior)
        if found is not None:
            return found
    motto = _MOTTO_RE.search(head_key, 0, 600)
    if motto is not None:
        # the header block: from the motto's line on, the lines that are capitals or motto only
        # (two columns written as lines put "XÃ NINH QUANG" beside "Độc lập – Tự do – Hạnh phúc")
        blanked = _blank_motto(text[:_REGION], key[:_REGION])
        pos = text.rfind("\n", 0, motto.start()) + 1
        end = pos
        while pos < len(blanked):
            nl = blanked.find("\n", pos)
            nl = len(blanked) if nl < 0 else nl
            line = blanked[pos:nl].strip()
            shares_motto = line != text[pos:nl].strip()
            if line and not (shares_motto and _caps(line)):
                break   # past the motto block: the document's title ("QUY CHẾ LÀM VIỆC …") is no organ
            end = nl
            pos = nl + 1
        organ, superior = organ_lines(text[:end], key[:end])
        if organ is not None:
            return _rest_of_header(text, key, motto.start(), end, None, None, organ, superior)
    return None


__all__ = ["FormalHeader", "organ_lines", "parse_header"]
