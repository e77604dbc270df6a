"""Propaganda channels a plan names, from a fixed, documented vocabulary.

| id | what the text says (folded keys) |
|---|---|
| portal | cổng/trang thông tin điện tử, website, chuyên trang/chuyên mục trên cổng |
| social_media | mạng xã hội, fanpage, facebook, youtube |
| zalo | zalo |
| radio | đài truyền thanh, truyền thanh, phát thanh, loa (truyền thanh, phát thanh) |
| tv | truyền hình |
| press | báo chí, cơ quan báo, thông tấn, (phương tiện) thông tin đại chúng |
| conference | hội nghị, hội thảo, tọa đàm, cuộc họp, buổi họp |
| training | tập huấn, bồi dưỡng |
| contest | hội thi, cuộc thi |
| theatre | sân khấu hóa |
| poster | pano, áp phích, băng rôn, khẩu hiệu, trực quan |
| leaflet | tờ rơi, tờ gấp, sổ tay |
| public_posting | niêm yết; "công khai … tại trụ sở" (procedures posted at the office) |
| hotline | đường dây nóng |
"""
from __future__ import annotations

import re

# (id, literal phrases on a whitespace-collapsed fold, phrases that must stand as whole words)
_VOCAB: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("portal", ("cong thong tin dien tu", "trang thong tin dien tu", "cong/trang thong tin", "cong / trang thong tin", "cong ttdt"), ("website",)),
    ("social_media", ("mang xa hoi", "fanpage", "facebook", "youtube"), ()),
    ("zalo", (), ("zalo",)),
    ("radio", ("truyen thanh", "phat thanh"), ("loa",)),
    ("tv", ("truyen hinh",), ()),
    ("press", ("bao chi", "thong tin dai chung", "co quan bao", "thong tan"), ("bao dai", "bao in", "bao dien tu")),
    ("conference", ("hoi nghi", "hoi thao", "toa dam", "cuoc hop", "buoi hop"), ()),
    ("training", ("tap huan", "boi duong"), ()),
    ("contest", ("hoi thi", "cuoc thi"), ()),
    ("theatre", ("san khau hoa",), ()),
    ("poster", ("ap phich", "bang ron", "khau hieu", "truc quan"), ("pano",)),
    ("leaflet", ("to roi", "to gap", "so tay"), ()),
    ("public_posting", ("niem yet",), ()),
    ("hotline", ("duong day nong",), ()),
]
CHANNEL_IDS = tuple(cid for cid, _, _ in _VOCAB)
_WS_RE = re.compile(r"\s{2,}|[^\S ]")  # only runs and non-space whitespace: few replacements
_WORD_RES = {w: re.compile(rf"(?<![a-z]){re.escape(w)}(?![a-z])") for _, _, ws in _VOCAB for w in ws}
_POSTING_RE = re.compile(r"cong khai[^.;\n]{0,80}tai tru so")


def find_channels(text_key: str) -> list[str]:
    """Channel ids named in a folded text, in vocabulary order (stable for comparisons).

    Substring tests on a whitespace-collapsed key (C speed); a regex runs only to confirm a word
    boundary ("loa" but not "loại") or for the one pattern that needs it (công khai … tại trụ sở).
    """
    # trafilatura's text has single spaces already; collapse only when a run is present
    key = _WS_RE.sub(" ", text_key) if ("  " in text_key or "\t" in text_key) else text_key
    out: list[str] = []
    for cid, phrases, words in _VOCAB:
        if any(p in key for p in phrases) or any(w in key and _WORD_RES[w].search(key) for w in words):
            out.append(cid)
        elif cid == "public_posting" and "tai tru so" in key and _POSTING_RE.search(key):
            out.append(cid)
    return out
