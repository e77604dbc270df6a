"""A register row's own title beats its attachment's text; the attachment fills only what the title
does not state (`pipelines.extract.register`).

The bug (real corpus): Cần Thơ's register row 784/KH-UBND, "Kế hoạch số 784/KH-UBND ngày 28/12/2019 về
cải cách hành chính nhà nước năm 2020", links a legacy .doc (read with catdoc) that holds 27/KH-UBND,
a 2022 propaganda plan; the row was stored as a 2022 propaganda plan. The rule is checked on a second
real register entry, where the title states two years (the year of issue after the number, the year
the plan is for at the end) and the text is the row's own document: the title must not be read as
the 2013 plan it was issued in.
"""
from __future__ import annotations

import json
from pathlib import Path

from pipelines.extract import PortalContext, attachment_text, register_record
from pipelines.extract.attachments import AttachmentText
from pipelines.extract.register import title_statements

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CANTHO = PortalContext("p-cantho", "UBND thành phố Cần Thơ", "province", "Cần Thơ")
#: the Cần Thơ row as its listing states it (https://cantho.gov.vn/portal/Pages/2020-1-3/Ke-hoach-cai-cach-hanh-chinh-
#: nha-nuoc-nam-2020-cua-ubnd-thanh-pho-can-tho-7xzyki.aspx; the simulator's copy of that listing is
#: tests/fixtures/callbacks/listing_p2.body)
ROW_784 = {"STT": "1", "Số/Ký hiệu": "784/KH-UBND", "Ngày ban hành": "28/12/2019",
           "Trích yếu": "Kế hoạch cải cách hành chính nhà nước năm 2020", "Tải về": "/VanBan/tai-file?id=784"}


def _legacy_doc() -> AttachmentText:
    """The .doc the row links: 27/KH-UBND of 05/02/2022, a propaganda plan for 2022."""
    return attachment_text((FIXTURES / "files" / "ke-hoach-cchc-legacy.doc").read_bytes(), "tai-file")


def test_an_attachment_holding_another_document_does_not_reclassify_the_row() -> None:
    d = register_record(ROW_784, "https://cantho.gov.vn/Trang/VanBan.aspx", _legacy_doc(), CANTHO).to_dict()
    assert (d["doc_number"], d["doc_type"], d["doc_date"], d["plan_year"], d["category"], d["is_cchc"]) == (
        "784/KH-UBND", "Kế hoạch", "2019-12-28", 2020, "plan", True)
    assert d["text"].startswith("UBND THÀNH PHỐ CẦN THƠ")  # the file is still the record's text
    assert d["warnings"] == ["attachment: holds 27/KH-UBND, not the row's 784/KH-UBND; the row and its title "
                             "give the document's own fields"]


def test_a_row_without_a_date_does_not_take_the_other_documents_date() -> None:
    row = {**ROW_784, "Ngày ban hành": ""}
    d = register_record(row, "https://cantho.gov.vn/Trang/VanBan.aspx", _legacy_doc(), CANTHO).to_dict()
    assert (d["doc_date"], d["plan_year"], d["category"]) == (None, 2020, "plan")  # 2022-02-05 is 27/KH-UBND's


def test_the_attachment_fills_what_the_title_does_not_state() -> None:
    """The row's own document as its file: the title states no year, the file's header fills it."""
    row = {"Số/Ký hiệu": "27/KH-UBND", "Ngày ban hành": "", "Trích yếu": "Kế hoạch tuyên truyền cải cách hành chính"}
    d = register_record(row, "https://cantho.gov.vn/Trang/VanBan.aspx", _legacy_doc(), CANTHO).to_dict()
    assert (d["doc_date"], d["plan_year"], d["category"]) == ("2022-02-05", 2022, "propaganda_plan")
    assert not any(w.startswith("attachment:") for w in d["warnings"])


def test_the_title_rule_on_a_second_real_register_entry() -> None:
    """Tuyên Quang 87/KH-UBND as a legal register lists it: the entry's title (its URL spells it:
    "Ke-hoach-87-KH-UBND-nam-2013-ve-cai-cach-hanh-chinh-Tuyen-Quang-nam-2014") over the document's text.
    Source: https://thuvienphapluat.vn/van-ban/Bo-may-hanh-chinh/Ke-hoach-87-KH-UBND-nam-2013-ve-cai-cach-
    hanh-chinh-Tuyen-Quang-nam-2014-228632.aspx, captured 2026-11-29 (stored public copy, search corpus
    'pages'); the text is tests/fixtures/real/a-mirror-tuyenquang-kh-87-cchc-2014/source.txt."""
    real = FIXTURES / "real" / "a-mirror-tuyenquang-kh-87-cchc-2014"
    meta = json.loads((real / "meta.json").read_text(encoding="utf-8"))
    assert meta["url"].endswith("Ke-hoach-87-KH-UBND-nam-2013-ve-cai-cach-hanh-chinh-Tuyen-Quang-nam-2014-228632.aspx")
    assert meta["retrieved"] == "2026-11-29"
    title = "Kế hoạch 87/KH-UBND năm 2013 về cải cách hành chính Tuyên Quang năm 2014"
    assert title_statements(title) == ("Kế hoạch", 2014, None)  # 2013 is the year it was issued in
    row = {"Số hiệu": "87/KH-UBND", "Ngày ban hành": "10/12/2013", "Trích yếu": title, "Tải về": "87.doc"}
    text = AttachmentText("doc", (real / "source.txt").read_text(encoding="utf-8"))
    ctx = PortalContext("p-tuyenquang", "UBND tỉnh Tuyên Quang", "province", "Tuyên Quang")
    d = register_record(row, meta["url"], text, ctx).to_dict()
    expected = json.loads((real / "expected.json").read_text(encoding="utf-8"))
    fields = ("doc_number", "doc_type", "doc_date", "plan_year", "plan_period", "category", "is_cchc", "issuer")
    assert {k: d[k] for k in fields} == {k: expected[k] for k in fields}
    assert not any(w.startswith("attachment:") for w in d["warnings"])  # the file is the row's own document
