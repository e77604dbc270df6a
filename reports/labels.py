"""The one vocabulary of human labels (Vietnamese by default, English on request).

Why one module: the stored values (``province``, ``propaganda_plan``, ``government``…) are the machine
contract and never change, but people — Home Affairs staff filling the PAR-index sheets, journalists —
read "tỉnh", "Kế hoạch tuyên truyền CCHC", "Chính quyền". Tables, xlsx headers, the HTML report and
Datasette labels must all say the same thing, so every human output asks this module (``label``,
``header``, ``sheet_title``, ``text``) instead of writing its own words. JSON, JSONL and ``--format csv``
never pass through it.

It also names the two other things every human output needs: Vietnamese collation (``vn_sort_key``:
the Vietnamese alphabet a ă â b c d đ e ê …, tone marks as a secondary key, so "Cà Mau" sorts before
"Cao Bằng") and display times in Asia/Ho_Chi_Minh (``local_time``, ``vn_datetime``): instants are
stored in UTC, people read local time.

The words live in rooms of their own: coded values here (``VALUES``, ``label``, ``value_label``),
headers and sheet titles in ``reports.headers``, sentences in ``reports.texts``, languages in
``reports.lang``, collation in ``reports.collation``, local time in ``reports.localtime``. Callers keep
asking this module: it re-exports all of them.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reports.collation import ALPHABET, vn_sort_key
from reports.headers import HEADERS, PART_HEADERS, SHEETS, header, sheet_title
from reports.lang import DEFAULT_LANG, LANGS, UnknownLanguage, check_lang
from reports.localtime import TZ, local_time, vn_datetime
from reports.texts import TEXTS, text

__all__ = [
    "ALPHABET", "DEFAULT_LANG", "HEADERS", "KEY_KINDS", "LANGS", "PART_HEADERS", "PART_KEY_KINDS", "SHEETS", "TEXTS",
    "TZ", "VALUES", "UnknownLanguage", "check_lang", "header", "label", "labelled_row", "local_time", "sheet_title",
    "text", "value_label", "vn_datetime", "vn_sort_key",
]


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


def labelled_row(row: Mapping[str, Any], lang: str | None = DEFAULT_LANG) -> dict[str, Any]:
    """A copy of `row` with every coded value (level, organ, category, status…) as people read it."""
    return {k: value_label(k, v, lang) for k, v in row.items()}
