"""Column headers and sheet titles of human outputs, in both languages: the words a table, an xlsx
sheet or the HTML report puts above a stored key. Part of the one vocabulary `reports.labels` names.
"""
from __future__ import annotations

from reports.lang import DEFAULT_LANG, LANGS, check_lang

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
