"""The end-of-crawl summary as people read it, in Vietnamese (default) and English (`--lang en`),
from a run summary shaped as `Store.run_summary` returns it (no crawl needed: the end-to-end tests in
test_crawl_sim.py and test_demo.py check the same output of real crawls)."""
from __future__ import annotations

from cli.crawl_summary import is_problem, problem_text, summary_lines
from reports.labels import TEXTS

SUMMARY = {
    "run": {"id": 7, "trigger": "schedule", "status": "complete", "observed_on": "2026-03-02",
            # stored in UTC: 19:05 UTC on 2 March is 02:05 on 3 March in Ho Chi Minh City
            "started_at": "2026-03-02T19:05:00", "finished_at": "2026-03-02T19:31:12"},
    "portals": [
        {"portal": "p-tuyenquang", "name": "UBND tỉnh Tuyên Quang", "pages": 1234, "documents": 57,
         "cchc_documents": 9, "widget": True, "status": 200, "reachable": True, "error": None,
         "waf_blocked": False, "redirected_to": None},
        {"portal": "p-quangninh", "name": "UBND tỉnh Quảng Ninh", "pages": 3, "documents": 0, "cchc_documents": 0,
         "widget": False, "status": 500, "reachable": True, "error": "HTTP 500", "waf_blocked": False,
         "redirected_to": None},
        {"portal": "p-thanhhoa", "name": "UBND tỉnh Thanh Hóa", "pages": 2, "documents": 0, "cchc_documents": 0,
         "widget": False, "status": 200, "reachable": True, "error": "WAF block page (status 200)",
         "waf_blocked": True, "redirected_to": None},
        {"portal": "p-sonla", "name": "UBND tỉnh Sơn La", "pages": 1, "documents": 0, "cchc_documents": 0,
         "widget": False, "status": None, "reachable": False,
         "error": "DownloadTimeoutError: Getting https://sonla.gov.vn/ took longer than 10.0 seconds.",
         "waf_blocked": False, "redirected_to": None},
        {"portal": "p-hue", "name": "UBND thành phố Huế", "pages": 1, "documents": 0, "cchc_documents": 0,
         "widget": False, "status": 301, "reachable": True,
         "error": "redirect to https://hue.gov.vn/ refused (not one of the portal's hosts)",
         "waf_blocked": False, "redirected_to": "https://hue.gov.vn/"},
    ],
    "totals": {"portals": 5, "pages": 1241, "documents": 57, "cchc_documents": 9, "widgets": 1, "failing": 4},
}
NOTES = {"p-tuyenquang": ["3 địa chỉ bị robots.txt cấm, không tải"], "p-quangninh": ["hidden: it is a problem"]}


def _table(lines: list[str]) -> dict[str, list[str]]:
    """Portal id -> [pages, documents, cchc, widget, state] as printed."""
    rows = {}
    for line in lines:
        parts = line.split(None, 5)
        if parts and parts[0] in {p["portal"] for p in SUMMARY["portals"]}:
            rows[parts[0]] = parts[1:]
    return rows


def _section(lines: list[str], heading: str) -> list[str]:
    start = lines.index(heading) + 1
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


def test_vietnamese_by_default() -> None:
    lines = summary_lines(SUMMARY, NOTES)
    assert lines[1] == "Lần quét 7 (Theo lịch, ngày quét 02/03/2026): Hoàn tất"
    assert lines[2] == "Bắt đầu 03/03/2026 02:05:00, kết thúc 03/03/2026 02:31:12 (giờ Việt Nam)"
    assert lines[3].split() == ["Cổng", "Trang", "Số", "văn", "bản", "Văn", "bản", "CCHC", "Widget", "Trạng", "thái"]
    rows = _table(lines)
    assert rows["p-tuyenquang"] == ["1.234", "57", "9", "Có", "Hoạt động"]
    assert rows["p-quangninh"] == ["3", "0", "0", "Không", "Lỗi HTTP 500"]
    assert _section(lines, "Cổng có vấn đề:") == [
        "  - p-quangninh (UBND tỉnh Quảng Ninh): Lỗi HTTP 500",
        "  - p-thanhhoa (UBND tỉnh Thanh Hóa): Bị tường lửa chặn (HTTP 200)",
        "  - p-sonla (UBND tỉnh Sơn La): Quá thời gian chờ (DownloadTimeoutError: Getting https://sonla.gov.vn/ "
        "took longer than 10.0 seconds.)",
        "  - p-hue (UBND thành phố Huế): chuyển hướng tới https://hue.gov.vn/, không phải tên miền của cổng: không theo",
    ]
    # a portal listed as a problem is not noted twice
    assert _section(lines, "Ghi nhận thêm (việc quét vẫn tiếp tục):") == [
        "  - p-tuyenquang: 3 địa chỉ bị robots.txt cấm, không tải"]
    assert lines[-1] == ("Tổng cộng: Số cổng 5, Trang 1.241, Số văn bản 57, Văn bản CCHC 9, Widget đọc được 1, "
                         "Cổng có vấn đề 4")
    english = {en for _, en in TEXTS.values()} - {vi for vi, _ in TEXTS.values()}
    assert not [line for line in lines if line.strip() in english]


def test_english_on_request() -> None:
    lines = summary_lines(SUMMARY, {"p-tuyenquang": ["3 URL(s) disallowed by robots.txt, not fetched"]}, "en")
    assert lines[1] == "Run 7 (Scheduled, observed 02/03/2026): Complete"
    assert lines[2] == "Started 03/03/2026 02:05:00, finished 03/03/2026 02:31:12 (Vietnam time)"
    assert lines[3].split() == ["Portal", "Pages", "Documents", "CCHC", "documents", "Widget", "Status"]
    rows = _table(lines)
    assert rows["p-tuyenquang"] == ["1.234", "57", "9", "Yes", "Up"]
    assert rows["p-thanhhoa"] == ["2", "0", "0", "No", "Blocked by a firewall (HTTP 200)"]
    assert _section(lines, "Portals with problems:") == [
        "  - p-quangninh (UBND tỉnh Quảng Ninh): HTTP error 500",
        "  - p-thanhhoa (UBND tỉnh Thanh Hóa): Blocked by a firewall (HTTP 200)",
        "  - p-sonla (UBND tỉnh Sơn La): Timed out (DownloadTimeoutError: Getting https://sonla.gov.vn/ "
        "took longer than 10.0 seconds.)",
        "  - p-hue (UBND thành phố Huế): redirect to https://hue.gov.vn/, not one of the portal's hosts: not followed",
    ]
    assert _section(lines, "Also noted (the crawl went on):") == [
        "  - p-tuyenquang: 3 URL(s) disallowed by robots.txt, not fetched"]
    assert lines[-1] == ("Totals: Portals 5, Pages 1.241, Documents 57, CCHC documents 9, Widgets read 1, "
                         "Portals with problems 4")


def test_a_run_still_running_shows_no_end_and_a_down_portal_its_error() -> None:
    run = {**SUMMARY["run"], "status": "running", "finished_at": None}
    lines = summary_lines({"run": run, "portals": [], "totals": {}}, None, "vi")
    assert lines[1].endswith(": Đang chạy")
    assert lines[2] == "Bắt đầu 03/03/2026 02:05:00, kết thúc – (giờ Việt Nam)"
    down = {"portal": "p-x", "error": "ConnectionRefusedError: refused", "status": None}
    assert is_problem(down)
    assert problem_text(down, "vi") == "Không truy cập được (ConnectionRefusedError: refused)"
    assert problem_text(down, "en") == "Down (ConnectionRefusedError: refused)"
    assert not is_problem({"portal": "p-y", "status": 200, "error": None})


def test_scheduled_runs_pass_the_language_on_to_their_crawl() -> None:
    """`cchc schedule --lang en` prints its crawls' summaries in English; the default (Vietnamese)
    adds nothing, so a daemon's stored job (and its next run time) survives an upgrade unchanged."""
    import scheduler

    assert scheduler.crawl_args("reg.csv") == ("--registry", "reg.csv")
    assert scheduler.crawl_args("reg.csv", "vi") == ("--registry", "reg.csv")
    assert scheduler.crawl_args(None, "en") == ("--lang", "en")
