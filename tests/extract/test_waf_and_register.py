"""WAF pages never become articles; document-register rows give records with the attachment's text."""
from __future__ import annotations

from pathlib import Path

from pipelines.extract import PortalContext, attachment_text, extract, is_waf_block, register_record

FILES = Path(__file__).resolve().parent.parent / "fixtures" / "files"
WAF = ("<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. Please consult "
       "with your administrator.<br><br>Your support ID is: 7781209360417761338</body></html>")


def test_waf_detected() -> None:
    assert is_waf_block(WAF) and is_waf_block(WAF.encode())
    assert not is_waf_block("<html><body><p>Kế hoạch tuyên truyền cải cách hành chính</p></body></html>")


def test_waf_page_is_not_an_article() -> None:
    rec = extract(WAF, "https://haiphong.gov.vn/a.html")
    d = rec.to_dict()
    assert d["title"] is None and d["text"] is None and d["is_cchc"] is False and d["category"] is None
    assert len(d["warnings"]) == 1 and "7781209360417761338" in d["warnings"][0]


def test_register_row_with_legacy_doc() -> None:
    att = attachment_text((FILES / "ke-hoach-cchc-legacy.doc").read_bytes(), "tai-file")
    row = {"STT": "1", "Số/Ký hiệu": "27/KH-UBND", "Ngày ban hành": "05/02/2022",
           "Trích yếu": "Kế hoạch tuyên truyền cải cách hành chính nhà nước năm 2022", "Tải về": "/VanBan/tai-file?id=27"}
    rec = register_record(row, "https://cantho.gov.vn/Trang/VanBan.aspx", att,
                          PortalContext("p-cantho", "UBND thành phố Cần Thơ", "province", "Cần Thơ"))
    d = rec.to_dict()
    assert (d["doc_number"], d["doc_type"], d["doc_date"], d["plan_year"], d["category"]) == (
        "27/KH-UBND", "Kế hoạch", "2022-02-05", 2022, "propaganda_plan")
    assert d["title"] == "Kế hoạch tuyên truyền cải cách hành chính nhà nước năm 2022"
    assert d["text"].startswith("UBND THÀNH PHỐ CẦN THƠ")
    assert d["citations"] == [{"type": "Nghị quyết", "number": "76/NQ-CP", "date": "2021-07-15", "issuer": "Chính phủ"}]
    assert [x["date"] for x in d["deadlines"]] == ["2022-11-15"]
    assert d["attachments"] == [{"url": "https://cantho.gov.vn/VanBan/tai-file?id=27", "name": "tai-file", "kind": "doc"}]
    assert d["warnings"] == []


def test_register_row_without_file_text_says_so() -> None:
    row = {"Số ký hiệu": "38/KH-UBND", "Ngày ban hành": "23/02/2022", "Cơ quan ban hành": "UBND thành phố",
           "Trích yếu": "Kế hoạch tuyên truyền cải cách hành chính nhà nước thành phố Hải Phòng năm 2022",
           "File": "/uploads/vb/38-kh-ubnd.pdf"}
    d = register_record(row, "https://haiphong.gov.vn/van-ban", None).to_dict()
    assert (d["doc_number"], d["doc_date"], d["issuer"], d["issuer_as_written"], d["organ"]) == (
        "38/KH-UBND", "2022-02-23", "UBND thành phố Hải Phòng", "UBND thành phố", "government")
    assert d["attachments"][0]["kind"] == "pdf" and d["text"] is None
    assert any("not downloaded" in w for w in d["warnings"])
