"""The one vocabulary of human labels (Vietnamese by default, English on request).

Why one module: the stored values (``province``, ``propaganda_plan``, ``government``…) are the machine
contract and never change, but people — Home Affairs staff filling the PAR-index sheets, journalists —
read "tỉnh", "Kế hoạch tuyên truyền CCHC", "Chính quyền". Tables, xlsx headers, the HTML report and
Datasette labels must all say the same thing, so every human output asks this module (``label``,
``header``, ``sheet_title``, ``text``) instead of writing its own words. JSON, JSONL and ``--format csv``
never pass through it.

It also holds the two other things every human output needs: Vietnamese collation (``vn_sort_key``:
the Vietnamese alphabet a ă â b c d đ e ê …, tone marks as a secondary key, so "Cà Mau" sorts before
"Cao Bằng") and display times in Asia/Ho_Chi_Minh (``local_time``, ``vn_datetime``): instants are
stored in UTC, people read local time.
"""
from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class UnknownLanguage(ValueError):
    """A language other than vi/en was asked for (the CLI restricts the choice; library callers may not)."""


def check_lang(lang: str | None) -> str:
    """`lang`, or the default when None; an unknown language is an error rather than a silent fallback."""
    if lang is None:
        return DEFAULT_LANG
    if lang not in LANGS:
        raise UnknownLanguage(f"unknown language {lang!r}: choose one of {', '.join(LANGS)}")
    return lang


# --- values -------------------------------------------------------------------------------------
#: kind -> stored value -> (vi, en). A value not listed is shown as stored (it is data, not a code).
VALUES: dict[str, dict[Any, tuple[str, str]]] = {
    "level": {
        "province": ("tỉnh", "province"),
        "department": ("sở", "department"),
        "district": ("huyện", "district"),
        "commune": ("xã/phường", "commune"),
        "*": ("tất cả", "all"),
        "tất cả": ("tất cả", "all"),  # the coverage totals' "every level" row
    },
    "organ": {
        "government": ("Chính quyền", "Government"),
        "party": ("Đảng", "Party"),
        "council": ("HĐND", "People's Council"),
        "mass_organisation": ("Đoàn thể", "Mass organisation"),
        "any": ("Tất cả", "Any"),
    },
    "category": {
        "propaganda_plan": ("Kế hoạch tuyên truyền CCHC", "CCHC propaganda plan"),
        "plan": ("Kế hoạch CCHC", "CCHC plan"),
        "report": ("Báo cáo", "Report"),
        "other": ("Khác", "Other"),
    },
    "bool": {True: ("Có", "Yes"), False: ("Không", "No")},
    # report reconcile (reports/reconcile.py): the disagreement flags and the TDGQ quartile
    "reconcile_flag": {
        "widget_high_index_low": ("Widget đúng hạn cao, chỉ số TDGQ thấp", "Widget on time high, index TDGQ low"),
        "widget_low_index_high": ("Widget đúng hạn thấp, chỉ số TDGQ cao", "Widget on time low, index TDGQ high"),
    },
    "quartile": {
        "bottom": ("Nhóm thấp nhất", "Bottom quarter"), "middle": ("Nhóm giữa", "Middle"),
        "top": ("Nhóm cao nhất", "Top quarter"),
    },
    # compliance status (reports.compliance.STATUSES)
    "status": {
        "on_time": ("Đúng hạn", "On time"),
        "late": ("Trễ hạn", "Late"),
        "missing_past_deadline": ("Chưa có, quá hạn", "Missing, past deadline"),
        "not_yet_due": ("Chưa có, chưa đến hạn", "Missing, not yet due"),
        "no_deadline_known": ("Chưa biết hạn", "No deadline known"),
    },
    "judged_by": {
        "doc_date": ("Ngày ban hành", "Issue date"),
        "published_at": ("Ngày đăng", "Publication date"),
    },
    "run_status": {
        "running": ("Đang chạy", "Running"),
        "complete": ("Hoàn tất", "Complete"),
        "incomplete": ("Chưa trọn vẹn", "Incomplete"),
        "failed": ("Thất bại", "Failed"),
    },
    "trigger": {
        "manual": ("Thủ công", "Manual"),
        "schedule": ("Theo lịch", "Scheduled"),
        "demo": ("Thử nghiệm", "Demo"),
    },
    # portal health as people read it (a portal's state in a run)
    "health": {
        "ok": ("Hoạt động", "Up"),
        "down": ("Không truy cập được", "Down"),
        "waf": ("Bị tường lửa chặn", "Blocked by a firewall"),
        "timeout": ("Quá thời gian chờ", "Timed out"),
        "http_error": ("Lỗi HTTP", "HTTP error"),
        "redirected": ("Chuyển hướng", "Redirected"),
        "no_widget": ("Không có widget", "No widget"),
    },
    "change": {
        "new": ("Mới", "New"),
        "changed": ("Thay đổi", "Changed"),
        "removed": ("Bị gỡ", "Removed"),
    },
    "matched_in": {
        "document": ("Bài viết", "Document"),
        "attachment": ("Tệp đính kèm", "Attachment"),
    },
    "widget_source": {
        "inline": ("Trên trang", "On the page"),
        "iframe": ("Khung nhúng", "Iframe"),
        "json": ("API JSON", "JSON API"),
    },
    "review_action": {
        "not_cchc": ("Không phải CCHC", "Not CCHC"),
        "category": ("Đổi loại", "Category"),
        "link": ("Gán đơn vị", "Linked to a unit"),
        "offline": ("Bổ sung ngoài mạng", "Found offline"),
    },
    # parts of a plan (pipelines/extract/sections.py SECTION_NAMES)
    "section": {
        "purpose": ("Mục đích", "Purpose"),
        "requirements": ("Yêu cầu", "Requirements"),
        "content": ("Nội dung", "Content"),
        "forms": ("Hình thức", "Forms"),
        "funding": ("Kinh phí", "Funding"),
        "organisation": ("Tổ chức thực hiện", "Organisation"),
    },
    "origin": {
        "user": ("Người dùng nhập", "Entered by the user"),
        "bundled": ("Kèm theo phần mềm", "Shipped"),
    },
    "alert_state": {
        "queued": ("chờ bản tổng hợp", "queued for the digest"), "pending": ("chưa gửi", "not sent yet"),
        "sent": ("đã gửi", "sent"), "failed": ("gửi lỗi, sẽ gửi lại", "failed, will retry"),
    },
    "alert_kind": {
        "plan_found": ("có kế hoạch mới", "plan found"), "past_deadline": ("quá hạn chưa có kế hoạch", "past deadline"),
        "portal_down": ("cổng không truy cập được", "portal down"), "widget_late_rose": ("trễ hạn tăng", "late rose"),
        "widget_on_time_below": ("đúng hạn dưới ngưỡng", "on-time below"), "widget_stale": ("widget cũ", "widget stale"),
        "document_changed": ("văn bản thay đổi", "document changed"), "document_removed": ("văn bản bị gỡ", "document removed"),
        "layout_changed": ("giao diện thay đổi?", "layout changed?"),
    },
    "as_units": {
        "historical": ("Như đăng ký", "As registered"),
        "current": ("Đơn vị hiện nay", "Current units"),
    },
    # the drift canary (reports.health): a verdict's state and the figures that can fall
    "canary_state": {
        "judged": ("Đã so sánh", "Compared"),
        "down": ("Cổng không truy cập được", "Portal down"),
        "few_pages": ("Quá ít trang", "Too few pages"),
        "no_history": ("Chưa đủ lịch sử", "Not enough history"),
    },
    "canary_metric": {
        "pages_fetched": ("Số trang tải", "Pages fetched"),
        "pages_extracted": ("Số trang trích xuất", "Pages extracted"),
        "title_share": ("Tỷ lệ có tiêu đề", "Share with a title"),
        "date_share": ("Tỷ lệ có ngày đăng", "Share with a date"),
        "text_share": ("Tỷ lệ có nội dung", "Share with main text"),
        "number_share": ("Tỷ lệ có số ký hiệu (CCHC)", "Share with a number (CCHC)"),
        "widget_share": ("Tỷ lệ đọc được widget", "Share with a widget reading"),
    },
}
#: Which value vocabulary a row key uses, so a table can label its cells from the key alone.
KEY_KINDS: dict[str, str] = {
    "level": "level", "organ": "organ", "category": "category", "kind": "category", "status": "status",
    "judged_by": "judged_by", "trigger": "trigger", "change": "change", "matched_in": "matched_in",
    "source": "widget_source", "action": "review_action", "health": "health", "run_status": "run_status",
    "sections_present": "section", "sections_missing": "section", "origin": "origin", "state": "alert_state",
    "verdict": "canary_state", "fell": "canary_metric",
    "flag": "reconcile_flag", "tdgq_quartile": "quartile",
}


#: (part, key) -> vocabulary where a key's values differ in one report part (a run's status is not a
#: compliance status).
PART_KEY_KINDS: dict[tuple[str, str], str] = {("runs", "status"): "run_status", ("alerts", "kind"): "alert_kind"}


def label(kind: str, value: Any, lang: str | None = DEFAULT_LANG) -> str:
    """The human label of a stored `value` of vocabulary `kind` ("level", "organ", "category", …).

    None is "" (unknown is shown blank, never as a made-up word); a value the vocabulary does not list
    is shown as stored, because it is data (a province name, a new status) rather than a code to hide.
    """
    lang = check_lang(lang)
    if value is None:
        return ""
    if kind not in VALUES:
        raise KeyError(f"unknown label vocabulary {kind!r}")
    pair = VALUES[kind].get(value)
    if pair is None:
        return str(value)
    return pair[LANGS.index(lang)]


def value_label(key: str, value: Any, lang: str | None = DEFAULT_LANG, part: str | None = None) -> Any:
    """`value` of row key `key` (in report part `part`) as a person reads it when the key has a
    vocabulary, else unchanged."""
    kind = PART_KEY_KINDS.get((part, key)) if part else None
    kind = kind or KEY_KINDS.get(key)
    if kind is None or value is None:
        return value
    if isinstance(value, list):
        return [label(kind, v, lang) if isinstance(v, str) else v for v in value]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return value
    return label(kind, value, lang)


# --- headers ------------------------------------------------------------------------------------
#: row key -> (vi, en): the column headers of every report and export.
HEADERS: dict[str, tuple[str, str]] = {
    # units and places
    "unit": ("Đơn vị", "Unit"), "portal": ("Cổng", "Portal"), "level": ("Cấp", "Level"),
    "province": ("Tỉnh", "Province"), "name": ("Tên", "Name"), "id": ("Mã", "ID"),
    "parent": ("Đơn vị cấp trên", "Parent"), "base_url": ("Địa chỉ", "Address"), "cms": ("Nền tảng", "CMS"),
    "feeds": ("RSS", "Feeds"), "sitemaps": ("Sơ đồ trang", "Sitemaps"), "listings": ("Chuyên mục", "Listings"),
    "registers": ("Sổ văn bản", "Registers"), "hosts": ("Tên miền khác", "Other hosts"),
    "widget_url": ("Địa chỉ widget", "Widget URL"), "unit_code": ("Mã đơn vị", "Unit code"),
    "unverified": ("Chưa xác minh", "Unverified"), "notes": ("Ghi chú", "Notes"),
    "in_registry": ("Trong danh mục", "In registry"), "former_names": ("Tên cũ", "Former names"),
    "reachable": ("Truy cập được", "Reachable"), "http_status": ("Mã HTTP", "HTTP status"),
    "waf_blocked": ("Bị tường lửa chặn", "Blocked by a firewall"), "health_run": ("Lần quét kiểm tra", "Health run"),
    "current_province": ("Tỉnh hiện nay", "Current province"),
    # documents
    "url": ("Liên kết", "Link"), "title": ("Tiêu đề", "Title"), "published_at": ("Ngày đăng", "Published"),
    "is_cchc": ("Về CCHC", "About CCHC"), "category": ("Loại", "Category"), "kind": ("Loại kế hoạch", "Plan kind"),
    "doc_number": ("Số/Ký hiệu", "Number"), "doc_type": ("Loại văn bản", "Document type"),
    "doc_date": ("Ngày ban hành", "Issue date"), "issuer": ("Cơ quan ban hành", "Issuer"),
    "issuer_as_written": ("Cơ quan ban hành (nguyên văn)", "Issuer as written"), "organ": ("Cơ quan", "Organ"),
    "plan_year": ("Năm kế hoạch", "Plan year"), "year": ("Năm", "Year"),
    "plan_period": ("Giai đoạn kế hoạch", "Plan period"),
    "period_plan": ("Có kế hoạch giai đoạn", "Period plan found"),
    "period_plan_number": ("Số kế hoạch giai đoạn", "Period plan number"),
    "period_plan_url": ("Nguồn kế hoạch giai đoạn", "Period plan evidence"),
    "first_seen_run": ("Lần quét đầu", "First seen (run)"), "last_seen_run": ("Lần quét cuối", "Last seen (run)"),
    "version": ("Phiên bản", "Version"), "removed_run": ("Gỡ ở lần quét", "Removed (run)"),
    "content_hash": ("Mã băm nội dung", "Content hash"), "first_seen_on": ("Thấy lần đầu", "First seen on"),
    "last_seen_on": ("Thấy lần cuối", "Last seen on"), "removed_on": ("Ngày gỡ", "Removed on"),
    "documents": ("Số văn bản", "Documents"), "corrections": ("Hiệu chỉnh", "Corrections"),
    "found": ("Có KH", "Plan found"), "version_from": ("Phiên bản trước", "Version from"),
    "version_to": ("Phiên bản sau", "Version to"), "change": ("Thay đổi", "Change"),
    # widgets
    "run": ("Lần quét", "Run"), "observed_on": ("Ngày quét", "Observed on"), "period": ("Kỳ", "Period"),
    "total": ("Hồ sơ", "Dossiers"), "on_time": ("Đúng hạn", "On time"), "late": ("Trễ hạn", "Late"),
    "late_rate": ("Tỷ lệ trễ hạn", "Late rate"), "on_time_rate": ("Tỷ lệ đúng hạn", "On-time rate"),
    "processed_pct": ("Đã giải quyết", "Processed"), "updated_at": ("Cập nhật lúc", "Updated at"),
    "source": ("Nguồn", "Source"), "fetched_at": ("Đọc lúc", "Fetched at"), "issues": ("Vấn đề", "Issues"),
    "portals": ("Số cổng", "Portals"),
    # runs
    "trigger": ("Khởi chạy", "Trigger"), "status": ("Trạng thái", "Status"), "started_at": ("Bắt đầu", "Started"),
    "finished_at": ("Kết thúc", "Finished"), "stats": ("Thống kê", "Statistics"), "args": ("Tham số", "Arguments"),
    # coverage totals
    "units": ("Số đơn vị", "Units"), "missing": ("Chưa có", "Missing"), "found_pct": ("Tỷ lệ có KH", "Found (%)"),
    # compliance
    "judged_on": ("Ngày xét", "Judged on"), "judged_by": ("Xét theo", "Judged by"), "deadline": ("Hạn", "Deadline"),
    "deadline_source": ("Căn cứ hạn", "Deadline source"), "days_late": ("Số ngày trễ", "Days late"),
    "superior_portal": ("Cổng cấp trên", "Superior portal"),
    "superior_doc_number": ("Số KH cấp trên", "Superior plan number"),
    "superior_date": ("Ngày KH cấp trên", "Superior plan date"),
    "days_since_superior_plan": ("Ngày từ KH cấp trên", "Days since superior plan"),
    "sections_present": ("Mục có", "Sections present"), "sections_missing": ("Thiếu mục", "Sections missing"),
    "cites_superior": ("Dẫn KH cấp trên", "Cites superior plan"), "widget_present": ("Có widget", "Widget present"),
    "widget_period": ("Kỳ widget", "Widget period"), "widget_updated_at": ("Widget cập nhật lúc", "Widget updated at"),
    "widget_age_days": ("Tuổi widget (ngày)", "Widget age (days)"), "widget_frozen": ("Widget đứng yên", "Widget frozen"),
    "widget_fresh": ("Widget cập nhật", "Widget fresh"), "widget_total": ("Hồ sơ (widget)", "Dossiers (widget)"),
    "widget_late": ("Trễ hạn (widget)", "Late (widget)"),
    "widget_on_time_rate": ("Tỷ lệ đúng hạn", "On-time rate"), "widget_problems": ("Vấn đề widget", "Widget problems"),
    # diff
    "status_from": ("Trạng thái trước", "Status before"), "status_to": ("Trạng thái sau", "Status after"),
    "error": ("Lỗi", "Error"), "late_from": ("Trễ hạn trước", "Late before"), "late_to": ("Trễ hạn sau", "Late after"),
    "increase": ("Tăng", "Increase"),
    # trend
    "month": ("Tháng", "Month"), "propaganda_plan": ("KH tuyên truyền", "Propaganda plans"),
    "plan": ("KH CCHC", "CCHC plans"),
    # search
    "rank": ("Hạng", "Rank"), "score": ("Điểm", "Score"), "matched_in": ("Khớp ở", "Matched in"),
    "attachment": ("Tệp đính kèm", "Attachment"), "snippet": ("Trích đoạn", "Snippet"),
    # review
    "created_at": ("Lúc", "Created at"), "action": ("Việc", "Action"), "document_url": ("Văn bản", "Document"),
    "unit_portal_id": ("Đơn vị", "Unit"), "evidence": ("Chứng cứ", "Evidence"), "active": ("Hiệu lực", "Active"),
    "note": ("Ghi chú", "Note"), "reviewer": ("Người duyệt", "Reviewer"),
    # scorecard
    "stt": ("STT", "No."), "plan_found": ("Có kế hoạch", "Plan found"),
    "plan_on_time": ("Ban hành đúng hạn", "Issued on time"), "evidence_url": ("Minh chứng", "Evidence"),
    # deadlines
    "origin": ("Nguồn nhập", "Origin"),
    # alerts
    "rule": ("Quy tắc", "Rule"), "event": ("Sự kiện", "Event"), "state": ("Tình trạng gửi", "Delivery"),
    "sent_at": ("Gửi lúc", "Sent at"), "attempts": ("Số lần gửi", "Attempts"), "last_error": ("Lỗi gửi", "Delivery error"),
    "summary": ("Nội dung", "Summary"),
    # the drift canary (report health)
    "verdict": ("Đánh giá", "Verdict"), "layout_changed": ("Giao diện đổi?", "Layout changed?"),
    "fell": ("Chỉ số giảm", "Figures that fell"), "pages_fetched": ("Trang tải", "Pages fetched"),
    "pages_extracted": ("Trang trích xuất", "Pages extracted"), "title_share": ("Có tiêu đề", "With a title"),
    "date_share": ("Có ngày đăng", "With a date"), "text_share": ("Có nội dung", "With main text"),
    "number_share": ("Có số ký hiệu (CCHC)", "With a number (CCHC)"),
    "widget_share": ("Đọc được widget", "Widget read"),
    "median_title_share": ("Trung vị có tiêu đề", "Median with a title"),
    "median_date_share": ("Trung vị có ngày đăng", "Median with a date"),
    "median_text_share": ("Trung vị có nội dung", "Median with main text"),
    "median_number_share": ("Trung vị có số ký hiệu", "Median with a number"),
    "median_widget_share": ("Trung vị đọc được widget", "Median widget read"),
    "median_pages_fetched": ("Trung vị trang tải", "Median pages fetched"),
    "median_pages_extracted": ("Trung vị trang trích xuất", "Median pages extracted"),
    # diff of a changed document's text
    "text_diff": ("Nội dung thay đổi", "Text changes"),
    # reconcile: the national 766 index beside the widgets (components as the national portal names them)
    "ckmb": ("Công khai, minh bạch", "Publicity and transparency"), "tdgq": ("Tiến độ giải quyết", "Processing progress"),
    "tttt": ("Dịch vụ trực tuyến (TTTT)", "Online services (TTTT)"),
    "clgq": ("Dịch vụ trực tuyến (CLGQ)", "Online services (CLGQ)"),
    "mdhl": ("Mức độ hài lòng", "Satisfaction"), "mdsh": ("Số hóa hồ sơ", "Digitisation"),
    "index_total": ("Tổng điểm 766", "766 index total"), "index_rank": ("Xếp hạng 766", "766 rank"),
    "index_observed_on": ("Chỉ số 766 ngày", "Index as of"), "index_run": ("Lần quét chỉ số", "Index run"),
    "widget_units": ("Số cổng có widget", "Units with a widget"),
    "widget_rate_only_units": ("Số cổng chỉ công bố tỷ lệ", "Units with a rate only"),
    "widget_rate_published": ("Tỷ lệ công bố thấp nhất", "Lowest published rate"),
    "widget_as_of": ("Widget ngày", "Widget as of"), "tdgq_quartile": ("Nhóm TDGQ", "TDGQ quarter"),
    "flag": ("Cần xem xét", "Needs a look"),
    # the end-of-crawl summary (cli/crawl.py)
    "pages": ("Trang", "Pages"), "cchc_documents": ("Văn bản CCHC", "CCHC documents"), "widget": ("Widget", "Widget"),
    "new_documents": ("Văn bản mới", "New documents"), "changed_documents": ("Văn bản thay đổi", "Changed documents"),
    "removed_documents": ("Văn bản bị gỡ", "Removed documents"), "widgets": ("Widget đọc được", "Widgets read"),
    "failing": ("Cổng có vấn đề", "Portals with problems"),
}
#: (part, key) -> (vi, en) where one key means something else in one report part.
PART_HEADERS: dict[tuple[str, str], tuple[str, str]] = {
    ("totals", "found"): ("Có KH", "Found"),
    ("totals", "level"): ("Cấp", "Level"),
    ("portals_down", "status_from"): ("Mã HTTP trước", "HTTP before"),
    ("portals_down", "status_to"): ("Mã HTTP sau", "HTTP after"),
    ("portals_up", "status_from"): ("Mã HTTP trước", "HTTP before"),
    ("portals_up", "status_to"): ("Mã HTTP sau", "HTTP after"),
    ("scorecard", "total"): ("Tổng hồ sơ", "Dossiers"),
    ("scorecard", "widget_on_time_rate"): ("Tỷ lệ giải quyết đúng hạn", "On-time rate"),
    ("scorecard", "widget_total"): ("Hồ sơ đã giải quyết", "Dossiers processed"),
    ("scorecard", "widget_late"): ("Số hồ sơ trễ hạn", "Late dossiers"),
    ("scorecard", "url"): ("Minh chứng", "Evidence"),
    ("scorecard", "doc_date"): ("Ngày ban hành", "Issue date"),
    ("deadlines", "source"): ("Căn cứ", "Source"),
    ("alerts", "kind"): ("Loại cảnh báo", "Alert kind"),
}


def header(key: str, lang: str | None = DEFAULT_LANG, part: str | None = None) -> str:
    """The column header people read for row key `key` (optionally as used in report part `part`).

    A key no vocabulary lists keeps its machine name: a header is never blank.
    """
    lang = check_lang(lang)
    pair = PART_HEADERS.get((part, key)) if part else None
    if pair is None:
        pair = HEADERS.get(key)
    return pair[LANGS.index(lang)] if pair else key


# --- sheet titles and sentences -------------------------------------------------------------------
#: report part (sheet) -> (vi, en). Excel caps a sheet name at 31 characters and forbids []:*?/\ .
SHEETS: dict[str, tuple[str, str]] = {
    "coverage": ("Độ phủ", "Coverage"), "totals": ("Tổng hợp", "Totals"),
    "compliance": ("Tuân thủ", "Compliance"), "documents": ("Văn bản", "Documents"),
    "coverage_gained": ("Độ phủ tăng", "Coverage gained"), "coverage_lost": ("Độ phủ giảm", "Coverage lost"),
    "portals_down": ("Cổng ngừng", "Portals down"), "portals_up": ("Cổng hoạt động lại", "Portals up"),
    "widgets_late_rose": ("Trễ hạn tăng", "Late rose"), "points": ("Widget theo lần quét", "Widget readings"),
    "combined": ("Cộng dồn", "Combined"), "plans_per_month": ("Kế hoạch theo tháng", "Plans per month"),
    "search": ("Tìm kiếm", "Search"), "corrections": ("Hiệu chỉnh", "Corrections"),
    "widgets": ("Widget TTHC", "Widgets"), "runs": ("Lần quét", "Runs"), "portals": ("Cổng", "Portals"),
    "scorecard": ("Chấm điểm", "Scorecard"), "deadlines": ("Hạn ban hành", "Deadlines"),
    "health": ("Sức khỏe trích xuất", "Extraction health"),
    "reconcile": ("Đối chiếu chỉ số 766", "Reconcile 766 index"),
}


def sheet_title(part: str, lang: str | None = DEFAULT_LANG) -> str:
    """The worksheet name of a report part, safe for Excel (≤ 31 characters, no []:*?/\\)."""
    lang = check_lang(lang)
    pair = SHEETS.get(part)
    name = pair[LANGS.index(lang)] if pair else part
    for ch in "[]:*?/\\":
        name = name.replace(ch, "-")
    return name[:31]


#: sentences of human outputs (titles, summaries, warnings); `{}` fields are filled by `text`.
TEXTS: dict[str, tuple[str, str]] = {
    "total": ("Tổng cộng", "Total"),
    "total_units": ("Tổng cộng ({n} đơn vị)", "Total ({n} units)"),
    "all": ("Tất cả", "All"),
    "written_to": ("đã ghi vào {path}", "written to {path}"),
    "coverage_title": ("Độ phủ {kind} năm {year} — dữ liệu đến lần quét {run} ({day})",
                       "Coverage of {kind} {year} — data up to run {run} ({day})"),
    "totals_title": ("Tổng hợp theo tỉnh và cấp", "Totals by province and level"),
    "compliance_title": ("Tuân thủ năm {year} — lần quét {run} ({day})", "Compliance {year} — run {run} ({day})"),
    "scorecard_title": ("Chấm điểm CCHC — {province} — năm {year} — {kind} — lần quét {run} ({day})",
                        "CCHC scorecard — {province} — {year} — {kind} — run {run} ({day})"),
    "warning_no_deadline": ("Chưa biết hạn ban hành: nhập hạn bằng `cchc deadlines import`.",
                            "No deadline known: enter deadlines with `cchc deadlines import`."),
    "warning_widget_stale": ("Widget không cập nhật", "Widget not updated"),
    "warning_widget_frozen": ("Widget đứng yên (không đổi từ lần đọc trước)",
                              "Widget frozen (unchanged since the previous reading)"),
    "warning_portal_down": ("Cổng không truy cập được", "Portal down"),
    "warning_waf": ("Trang bị tường lửa chặn (WAF)", "Page blocked by a firewall (WAF)"),
    # alerts (alerts/): one line per finding, the subject and the evidence line of a message
    "alert_plan_found": ("{unit}: {kind} năm {year} — số {number}, ban hành {issued}, đăng {published}: {title}",
                         "{unit}: {kind} {year} — number {number}, issued {issued}, published {published}: {title}"),
    "alert_document_changed": ("{unit}: «{title}» (số {number}) có phiên bản mới {version} (trước đó: {previous})",
                               "{unit}: “{title}” (number {number}) has a new version {version} (was {previous})"),
    "alert_document_removed": ("{unit}: «{title}» (số {number}) đã bị gỡ (HTTP {status})",
                               "{unit}: “{title}” (number {number}) was removed (HTTP {status})"),
    "alert_past_deadline": ("{unit}: chưa có {kind} năm {year}, đã quá hạn {deadline} ({days} ngày; căn cứ: {source})",
                            "{unit}: no {kind} {year}, past the deadline {deadline} ({days} days; source: {source})"),
    "alert_portal_down": ("{unit}: không truy cập được {runs} lần quét liên tiếp, từ ngày {since} ({error})",
                          "{unit}: unreachable for {runs} consecutive runs since {since} ({error})"),
    "alert_portal_up": ("{unit}: đã truy cập được trở lại sau {runs} lần quét không truy cập được (từ ngày {since})",
                        "{unit}: reachable again after {runs} runs down (since {since})"),
    "alert_widget_late_rose": ("{unit}: số hồ sơ trễ hạn tăng từ {before} (ngày {on}) lên {after}",
                               "{unit}: late dossiers rose from {before} ({on}) to {after}"),
    "alert_widget_on_time_below": ("{unit}: tỷ lệ đúng hạn {rate}, dưới ngưỡng {threshold} (lần trước: {before})",
                                   "{unit}: on-time rate {rate}, below the threshold {threshold} (before: {before})"),
    "alert_widget_stale": ("{unit}: widget TTHC cập nhật lần cuối ngày {updated}, đã {days} ngày",
                           "{unit}: TTHC widget last updated {updated}, {days} days ago"),
    "alert_layout_changed": ("{unit}: trang của cổng không còn cho kết quả như trước ({what}) — có thể đã đổi giao diện",
                             "{unit}: the portal's pages no longer yield what they used to ({what}) — layout changed?"),
    "alert_subject": ("[CCHC Watch] {title} — lần quét {run} ngày {day}", "[CCHC Watch] {title} — run {run} of {day}"),
    "alert_digest_subject": ("[CCHC Watch] Tổng hợp ngày {day}: {title}", "[CCHC Watch] Digest of {day}: {title}"),
    "alert_rule_line": ("Quy tắc «{rule}», {n} cảnh báo:", "Rule “{rule}”, {n} alert(s):"),
    "alert_evidence": ("Minh chứng: {url}", "Evidence: {url}"),
    "alert_test_subject": ("[CCHC Watch] Tin thử của quy tắc «{rule}»", "[CCHC Watch] Test message of rule “{rule}”"),
    "alert_test_body": ("Đây là tin thử: quy tắc «{rule}» ({kind}) sẽ gửi cảnh báo đến địa chỉ này.",
                        "This is a test: rule “{rule}” ({kind}) will send its alerts to this address."),
    "health_title": ("Sức khỏe trích xuất theo cổng — {days} ngày đến lần quét {run} ({day})",
                     "Extraction health per portal — {days} days up to run {run} ({day})"),
    "layout_changed": ("Giao diện đã thay đổi?", "Layout changed?"),
    "layout_changed_line": ("{portal}: {metric} {value} (trung vị {median})", "{portal}: {metric} {value} (median {median})"),
    "health_none": ("Không cổng nào có số liệu trong khoảng này.", "No portal has figures in this period."),
    "reconcile_title": ("Đối chiếu widget TTHC của các tỉnh với Bộ chỉ số 766 — năm {year} — {flagged}/{n} tỉnh cần xem xét",
                        "Provinces' TTHC widgets beside the 766 index — {year} — {flagged}/{n} provinces need a look"),
    "reconcile_rule": ("Quy tắc: cần xem xét khi tỷ lệ đúng hạn của widget ≥ {high}% mà TDGQ thuộc nhóm 1/4 thấp nhất "
                       "(≤ {q1}), hoặc < {high}% mà TDGQ thuộc nhóm 1/4 cao nhất (≥ {q3}). Ô trống: nguồn không có số liệu.",
                       "Rule: a look is needed when the widget's on-time rate is ≥ {high}% while TDGQ is in the bottom "
                       "quarter (≤ {q1}), or < {high}% while TDGQ is in the top quarter (≥ {q3}). Blank: the source is silent."),
    # the end-of-crawl summary (cli/crawl.py), keys prefixed "crawl."
    "crawl.run": ("Lần quét {run} ({trigger}, ngày quét {day}): {status}",
                  "Run {run} ({trigger}, observed {day}): {status}"),
    "crawl.times": ("Bắt đầu {started}, kết thúc {finished} (giờ Việt Nam)",
                    "Started {started}, finished {finished} (Vietnam time)"),
    "crawl.problems": ("Cổng có vấn đề:", "Portals with problems:"),
    "crawl.noted": ("Ghi nhận thêm (việc quét vẫn tiếp tục):", "Also noted (the crawl went on):"),
    "crawl.totals": ("Tổng cộng:", "Totals:"),
    "crawl.log": ("Nhật ký: {path}", "Log: {path}"),
    "crawl.layout_changed": ("Giao diện đã thay đổi? (trang của cổng không còn cho kết quả như trước; `cchc report health`):",
                             "Layout changed? (the portal's pages stopped yielding what they used to; `cchc report health`):"),
    "crawl.layout_figure": ("{metric} {value} (trung vị {median})", "{metric} {value} (median {median})"),
    "crawl.index766": ("Chỉ số 766 quốc gia {source} ({year}): ", "National index {source} ({year}): "),
    "crawl.index766_read": ("đọc được {n} tỉnh", "{n} province(s) read"),
    "crawl.index766_issues": (", {n} vấn đề", ", {n} issue(s)"),
    "crawl.index766_failed": ("LỖI: {error}", "FAILED: {error}"),
    "crawl.redirect_to": ("chuyển hướng tới {url}", "redirect to {url}"),
    "crawl.redirect_refused": ("chuyển hướng tới {url}, không phải tên miền của cổng: không theo",
                               "redirect to {url}, not one of the portal's hosts: not followed"),
    "crawl.note_robots": ("{n} địa chỉ bị robots.txt cấm, không tải", "{n} URL(s) disallowed by robots.txt, not fetched"),
    "crawl.note_failed": ("{n} địa chỉ lỗi: {error}", "{n} URL(s) failed: {error}"),
    "crawl.note_redirect": ("{url} chuyển hướng tới {target} (một tên miền của cổng: đã theo)",
                            "{url} redirected to {target} (one of the portal's hosts: followed)"),
    "crawl.note_retried": ("{n} địa chỉ chỉ trả lời sau khi thử lại (tổng cộng {spent} lần thử lại)",
                           "{n} URL(s) answered only after retrying ({spent} retries in all)"),
    "crawl.stale": ("lưu ý: lần quét {runs} đã bị gián đoạn; đã đánh dấu chưa trọn vẹn",
                    "note: run(s) {runs} had been interrupted; marked incomplete"),
    "crawl.resuming": ("lưu ý: tiếp tục lần quét {run} bị gián đoạn (cùng ngày, cùng tham số)",
                       "note: resuming interrupted run {run} (same day and arguments)"),
    # `cchc demo` (cli/crawl.py), keys prefixed "demo."
    "demo.network": ("Mạng cổng mô phỏng tại {proxy}; cơ sở dữ liệu {db}",
                     "Simulated portal network on {proxy}; database {db}"),
    "demo.day": ("== Ngày {n}: ngày quét {day} ==", "== Day {n}: observed {day} =="),
    "demo.next": ("Kết quả quét nằm trong {db}. Tiếp theo, ví dụ:", "What was found is in {db}. Next, for example:"),
    # `cchc schedule` (cli/schedule.py), keys prefixed "schedule."
    "schedule.skipped": ("bỏ qua: một lần quét khác đang chạy", "skipped: another crawl is running"),
    "schedule.removed": ("đã xoá {n} việc đã lưu của bộ lập lịch", "removed {n} stored job(s)"),
    # the HTML report's own sentences (reports/html.py), keys prefixed "html."
    "html.title": ("CCHC Watch — Báo cáo năm {year}", "CCHC Watch — {year} report"),
    "html.h1": ("CCHC Watch — {kind} năm {year}", "CCHC Watch — {kind}, {year}"),
    "html.meta": ("Dữ liệu đến lần quét {run} (ngày {day}); {runs} lần quét. Tạo lúc {generated} (giờ Việt Nam).",
                  "Data up to run {run} ({day}); {runs} runs. Generated {generated} (Vietnam time)."),
    "html.all_provinces": ("Tất cả các tỉnh", "All provinces"),
    "html.all_levels": ("Tất cả các cấp", "All levels"),
    "html.reset": ("Bỏ lọc", "Clear filters"),
    "html.filtered": ("Đang lọc:", "Filtered:"),
    "html.summary": ("Tóm tắt", "Summary"),
    "html.kpi_found": ("đơn vị đã có kế hoạch", "units with a plan"),
    "html.kpi_late": ("đơn vị trễ hạn hoặc quá hạn chưa có", "units late or past their deadline without a plan"),
    "html.kpi_changes": ("văn bản mới, thay đổi, bị gỡ từ lần quét trước",
                         "documents new, changed or removed since the previous run"),
    "html.kpi_down": ("cổng không truy cập được ở lần quét cuối", "portals unreachable in the last run"),
    "html.found_by_province": ("Kế hoạch đã tìm thấy theo tỉnh (xếp hạng theo tỷ lệ)",
                               "Plans found per province (ranked by share)"),
    "html.bars_hint": ("Bấm vào một tỉnh để chỉ xem tỉnh đó.", "Click a province to see only that province."),
    "html.late_units": ("Đơn vị trễ hạn", "Late units"),
    "html.none_late": ("Không có đơn vị nào trễ hạn theo các hạn đã biết.",
                       "No unit is late against the deadlines known."),
    "html.deadline_note": ("Chỉ tính theo hạn đã biết (cấu hình hạn, hoặc hạn nêu trong kế hoạch cấp trên); "
                           "{unknown} đơn vị chưa biết hạn.",
                           "Only known deadlines count (the deadline configuration, or a deadline stated in the "
                           "superior's plan); {unknown} units have no known deadline."),
    "html.changes": ("Thay đổi từ lần quét {a} ({da}) đến lần quét {b} ({db})",
                     "Changes from run {a} ({da}) to run {b} ({db})"),
    "html.no_changes": ("Không có văn bản mới, thay đổi hay bị gỡ.", "No document new, changed or removed."),
    "html.one_run": ("Chỉ có một lần quét: chưa có gì để so sánh.", "Only one run: nothing to compare yet."),
    "html.down": ("Cổng không truy cập được (lần quét {run})", "Portals unreachable (run {run})"),
    "html.none_down": ("Mọi cổng đều truy cập được.", "Every portal was reachable."),
    "html.newly_down": ("mới ngừng", "newly down"),
    "html.back_up": ("Hoạt động trở lại: {units}.", "Back up: {units}."),
    "html.matrix": ("Độ phủ theo tỉnh và cấp", "Coverage by province and level"),
    "html.unit_kind": ("Đơn vị × loại kế hoạch", "Unit × kind of plan"),
    "html.trends": ("Kết quả giải quyết TTHC: tỷ lệ đúng hạn", "TTHC results: on-time rate"),
    "html.trends_note": ("Mỗi tỉnh một biểu đồ, mọi biểu đồ cùng một thang ({lo} – {hi}) và cùng trục thời gian; "
                         "mỗi đường là một đơn vị, đường đứt nét là cả tỉnh (tính từ tổng số hồ sơ). {by}",
                         "One chart per province, every chart on one scale ({lo} – {hi}) and one time axis; "
                         "each line is a unit, the dashed line the whole province (from the summed dossiers). {by}"),
    "html.by_run": ("Một điểm mỗi lần quét.", "One point per run."),
    "html.by_month": ("Một điểm mỗi tháng (lần đọc cuối của tháng).",
                      "One point per month (the month's last reading)."),
    "html.no_widgets": ("Không có widget nào.", "No widget was read."),
    "html.province_line": ("Cả tỉnh", "Whole province"),
    "html.coverage": ("Độ phủ theo đơn vị", "Coverage per unit"),
    "html.compliance": ("Tuân thủ", "Compliance"),
    "html.diff": ("Thay đổi gần nhất (chi tiết)", "Latest changes (detail)"),
    "html.document": ("Văn bản", "Document"),
    "html.detail": ("Số/Chi tiết", "Number/detail"),
    "html.down_row": ("ngừng hoạt động", "down"),
    "html.up_row": ("hoạt động trở lại", "back up"),
    "html.late_rose": ("trễ hạn tăng", "late rose"),
    "html.run": ("Lần quét {run} ({day})", "Run {run} ({day})"),
    "html.point": ("{unit} — {when}: đúng hạn {rate}, hồ sơ {total}, trễ hạn {late}",
                   "{unit} — {when}: on time {rate}, dossiers {total}, late {late}"),
}


def text(key: str, lang: str | None = DEFAULT_LANG, **fields: Any) -> str:
    """A sentence of a human output in `lang`, with its fields filled."""
    lang = check_lang(lang)
    return TEXTS[key][LANGS.index(lang)].format(**fields)


def labelled_row(row: Mapping[str, Any], lang: str | None = DEFAULT_LANG) -> dict[str, Any]:
    """A copy of `row` with every coded value (level, organ, category, status…) as people read it."""
    return {k: value_label(k, v, lang) for k, v in row.items()}


# --- collation ----------------------------------------------------------------------------------
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


@functools.lru_cache(maxsize=1 << 16)
def vn_sort_key(name: str | None) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], str]:
    """Sort key in Vietnamese order: letters by the Vietnamese alphabet (a ă â b c d đ e ê …), then tone
    marks (none, huyền, hỏi, ngã, sắc, nặng), then case; spaces sort before letters, so "Cà Mau" comes
    before "Cao Bằng" and "Đà Nẵng" after every "D…". Digits come before letters, other signs by code point.
    Cached: one report sorts the same few thousand unit and province names several times over.
    """
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
        letter, tone = _split(ch)
        low = letter.lower()
        if low in _LETTER_RANK:
            primary.append(1000 + _LETTER_RANK[low])
        elif ch.isdigit():
            primary.append(100 + int(unicodedata.digit(ch, 0)))
        else:
            primary.append(1 + min(ord(ch), 98) if ord(ch) < 128 else 2000 + ord(ch))
        secondary.append(tone)
        tertiary.append(0 if letter == low else 1)
    return tuple(primary), tuple(secondary), tuple(tertiary), name or ""


# --- times --------------------------------------------------------------------------------------
def local_time(value: dt.datetime | str | None) -> dt.datetime | None:
    """An instant in Asia/Ho_Chi_Minh. Stored instants are UTC; a naive one is taken as UTC (how the
    database stores them), an ISO string is parsed first. None and unparsable text give None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(TZ)


def vn_datetime(value: dt.datetime | str | None, seconds: bool = False) -> str:
    """"04/03/2026 14:05" in Asia/Ho_Chi_Minh; "" for None; text that is not an instant is kept as written."""
    local = local_time(value)
    if local is None:
        return "" if value in (None, "") else str(value)
    return local.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")
