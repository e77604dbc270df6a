"""Standard parts of a plan: purpose, requirements, content, forms, funding, organisation.

Provinces write them as Roman-numbered headings ("I. MỤC ĐÍCH, YÊU CẦU", "III. KINH PHÍ THỰC
HIỆN"); communes as inline labels ("Mục đích: …", even run together: "…trên địa bàn xã.Yêu cầu:").
A one-word label that is also an ordinary verb ("Yêu cầu các cấp …") only counts with a colon or as
a heading line, so prose is not cut into fake sections.
"""
from __future__ import annotations

import re

SECTION_NAMES = ("purpose", "requirements", "content", "forms", "funding", "organisation")

# label (folded) -> section; "strong" labels count at a paragraph start without a colon.
_LABELS: list[tuple[str, str, bool]] = [
    (r"muc\s*dich", "purpose", False),
    (r"yeu\s*cau", "requirements", False),
    (r"noi\s*dung(?:\s*(?:thong\s*tin,?\s*)?(?:tuyen|truyen)\s*t?r?uyen)", "content", True),
    (r"noi\s*dung", "content", False),
    (r"hinh\s*thuc(?:\s*(?:tuyen|truyen)\s*t?r?uyen)", "forms", True),
    (r"hinh\s*thuc", "forms", False),
    (r"kinh\s*phi(?:\s*thuc\s*hien)?", "funding", False),
    (r"to\s*chuc\s*thuc\s*hien", "organisation", False),
]
_LABEL_ALT = "|".join(f"(?P<l{i}>{pat})" for i, (pat, _, _) in enumerate(_LABELS))
_NUMBERING = r"(?:(?:[ivx]{1,4}|\d{1,2}|[a-z])\s*[.)/]\s*)?"
# a heading line: numbering + one or more labels joined by "," / "và", nothing else
_HEADING_RE = re.compile(rf"^\s*{_NUMBERING}(?:(?:{_LABEL_ALT})(?:\s*(?:,|va)\s*)?)+\s*:?\s*$")
_SENT_END_RE = re.compile(r"[.;!?]")
_INLINE_RE = re.compile(rf"\s*{_NUMBERING}(?:{_LABEL_ALT})(?P<after>\s*:|\s+(?:cua\s+ke\s+hoach|la|bao\s*gom|gom|tap\s*trung)(?![a-z]))?")
_SUB_LABEL_RE = re.compile(_LABEL_ALT)


def _label_name(m: re.Match[str]) -> tuple[str, bool]:
    for i, (_, name, strong) in enumerate(_LABELS):
        if m.group(f"l{i}") is not None:
            return name, strong
    raise AssertionError("no label group matched")


def find_sections(text: str, folded: str) -> list[dict[str, str]]:
    """[{name, heading, text}] in order of appearance; each text runs to the next section marker."""
    markers: list[tuple[int, int, str, str]] = []  # (start, end, name, heading)
    pos = 0
    for line in folded.split("\n"):
        lstart, lend = pos, pos + len(line)
        pos = lend + 1
        if not line.strip():
            continue
        if len(line) < 80 and _HEADING_RE.match(line):
            for sm in _SUB_LABEL_RE.finditer(line):
                name, _ = _label_name(sm)
                markers.append((lstart, lend, name, text[lstart:lend].strip()))
            continue
        # a label opens a paragraph or follows a sentence end ("…trên địa bàn xã.Yêu cầu:")
        starts = [0] + [e.end() for e in _SENT_END_RE.finditer(line)]
        for at in starts:
            m = _INLINE_RE.match(line, at)
            if m is None:
                continue
            name, strong = _label_name(m)
            if not strong and not m.group("after"):
                continue
            markers.append((lstart + m.start(), lstart + m.end(), name, text[lstart + m.start():lstart + m.end()].strip(" :")))
    out: list[dict[str, str]] = []
    index: dict[str, int] = {}
    for i, (start, end, name, heading) in enumerate(markers):
        # labels sharing one heading line ("I. MỤC ĐÍCH, YÊU CẦU") share the text under it
        nxt = next((m[0] for m in markers[i + 1:] if m[0] != start), len(text))
        body = text[end:nxt].strip(" :\n")
        if not body:
            continue
        if name in index:
            prev = out[index[name]]
            prev["text"] = (prev["text"] + "\n" + body).strip()
            continue
        index[name] = len(out)
        out.append({"name": name, "heading": heading, "text": body})
    return out
