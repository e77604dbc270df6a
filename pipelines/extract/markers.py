"""The words that mark page furniture around an article, matched on folded line keys.

Shared by the title finder (a list heading is never a headline), the publication-date finder and the
text cleaner (the text ends where a related list, a counter, a footer or a share bar begins). Keys are
`page.key_of(line)`: lower case, no diacritics, whitespace runs collapsed.
"""
from __future__ import annotations

import re

# A line that starts a list of other articles, a widget, a counter or a footer: the text ends there.
TEXT_END_RE = re.compile(
    r"^(?:tin moi nhat|tin khac|cac tin khac|tin lien quan|cac tin lien quan|tin cung chuyen muc|bai viet khac|"
    r"cac bai viet khac|xem them|(?:cac )?tin da dua|tin bai khac|tien ich thong tin|ket qua giai quyet tthc|"
    # a blog theme's comment form ("LEAVE A REPLY", "Để lại một bình luận") and its "Back To Top" link
    r"leave a (?:reply|comment)|de lai (?:mot )?(?:binh luan|phan hoi)|back to top|(?:len|ve) dau trang|"
    # "Chia sẻ" opens a share bar; a document-sharing site's byline ("Chia sẻ: Thanh Nguyen | Ngày: | Loại
    # File: PDF") names who uploaded the document above its text and ends nothing
    r"dang truy cap|so nguoi online|thong ke truy cap|so luong truy cap|chia se(?!\s*:[^|]{1,40}\|\s*ngay\b)|ban quyen|"
    r"trang thong tin dien tu xa|truong ban bien tap|qr code|nguon tin$|chung toi tren mang xa hoi|"
    r"van ban lien quan|van ban moi$|co quan chu quan|chiu trach nhiem chinh|©|copyright|"
    r"(?:in bai viet|gui email|luu tin|dong cua so|tro ve|chia se)(?:\s*[|/]\s*(?:in bai viet|gui email|luu tin|dong cua so|tro ve|chia se|facebook|zalo|twitter))+\s*$)"
)
# Page furniture that trafilatura sometimes keeps at the top of the text.
FURNITURE_RE = re.compile(r"^(?:[•·*-]\s*)?(?:(?:tai (?:file|ve|xuong|ke hoach|van ban)|file dinh kem|tai lieu dinh kem|tep dinh kem)\b.{0,80}$|print|in bai|goc|xem co chu|co chu|a\+|a-|\d{1,3}%|chia se|lay link|(?:luot xem|view count)(?:\s*:?\s*[\d.,]+(?:\s*luot xem)?)?)[\s:a+\-]*$")
# a caption that is never a headline: a section, a portlet's "Chi tiết tin tức", a print view's "In bài viết"
TITLE_BAD_RE = re.compile(
    r"^(?:trang chu|tin tuc|tin tuc - su kien|thong bao|chi tiet|chi tiet tin|chi tiet tin tuc|noi dung|"
    r"in bai viet|in trang|xem tin|tin bai|van ban)$|^(?:chi tiet bai viet|qr code|van ban lien quan)\b")
# a line that only dates the page ("Đăng ngày 29 - 01 - 2022", "Thứ ba - 01/03/2022 13:20", "27/04/2022 | 09:46 AM")
DATE_LINE_RE = re.compile(
    r"^(?:[•·*-]\s*)?(?:dang ngay|ngay dang|ngay xuat ban|publish date|cap nhat(?: luc)?|thu (?:hai|ba|tu|nam|sau|bay)|chu nhat)?"
    r"[\s,:|-]*[\d/:.\s|-]{8,}(?:sa|ch|am|pm)?[\s)|]*(?:(?:view count|luot xem|so lan xem)\s*:?\s*[\d.,]+)?\s*$")
HAS_DATE_RE = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|\d{4}-\d{2}-\d{2}|th[aá]ng")
# a share/print toolbar on a line of its own ("In bài viết | Gửi email", "Chia sẻ: Facebook Zalo")
TOOLBAR_RE = re.compile(
    r"^(?:\[?\s*(?:in bai viet|in bai|in trang|gui email|gui mail|email|luu tin|luu|dong cua so|tro ve|tro lai|"
    r"chia se|facebook|zalo|twitter|co chu|a-|a\+|a)\s*[\]:|/\-]?\s*)+$")
# a breadcrumb trail ("Trang chủ >> Cải cách hành chính", "Trang chủ / Tin tức")
BREADCRUMB_RE = re.compile(r"^(?:ban dang o\s*:?\s*)?trang chu\s*(?:>>|>|»|/|\||›|-)\s*\S")
# a footer's lines: the owner, the editor in charge, the licence, the copyright, the address block
FOOTER_RE = re.compile(
    r"^(?:(?P<strong>co quan chu quan|chiu trach nhiem chinh|chiu trach nhiem noi dung|truong ban bien tap|ban quyen|"
    r"©|copyright|giay phep so\b)|dia chi\s*:|dien thoai\s*:|fax\s*:|email\s*:|e-mail\s*:|ghi ro nguon)")
# a related list's caption on its own ("Tin khác:", "Các tin mới nhất", "Văn bản liên quan")
LIST_CAPTION_RE = re.compile(
    r"^(?:cac )?(?:tin|bai viet|tin bai)(?: da dua)? (?:khac|moi nhat|moi|lien quan|cung chuyen muc|da dua)\s*:?$"
    r"|^(?:van ban lien quan|van ban moi|xem them|tin doc nhieu|tin xem nhieu)\s*:?$")
