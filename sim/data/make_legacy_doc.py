"""Make sim/data/ke-hoach-cchc-legacy.doc, a Word 97 binary attachment, ONCE (its output is committed).

Needs LibreOffice (`soffice`): writes the text as a DOCX with python-docx, then converts it to the
legacy binary format with `soffice --headless --convert-to doc:"MS Word 97"`. catdoc and antiword read
the result, as they read the old .doc files real portals still publish. Run from the repo root:

    .venv/bin/python sim/data/make_legacy_doc.py
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx

OUT = Path(__file__).resolve().parent / "ke-hoach-cchc-legacy.doc"
TITLE = "KẾ HOẠCH Tuyên truyền cải cách hành chính nhà nước năm 2022"
PARAGRAPHS = [
    "UBND THÀNH PHỐ CẦN THƠ",
    "Số: 27/KH-UBND",
    "Cần Thơ, ngày 05 tháng 02 năm 2022",
    TITLE,
    "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021-2030.",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Nâng cao nhận thức của cán bộ, công chức, viên chức và người dân về công tác cải cách hành chính.",
    "II. NỘI DUNG, HÌNH THỨC TUYÊN TRUYỀN",
    "Tuyên truyền trên Cổng thông tin điện tử thành phố, đài truyền thanh cơ sở, mạng xã hội Zalo, Fanpage.",
    "III. KINH PHÍ",
    "Kinh phí thực hiện từ nguồn ngân sách được giao năm 2022.",
    "IV. TỔ CHỨC THỰC HIỆN",
    "Các cơ quan, đơn vị báo cáo kết quả thực hiện trước ngày 15/11/2022.",
]


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("soffice not found: apt-get install libreoffice-writer-nogui", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "ke-hoach-cchc-legacy.docx"
        d = docx.Document()
        for p in PARAGRAPHS:
            d.add_paragraph(p)
        d.save(str(src))
        subprocess.run([soffice, "--headless", "--convert-to", 'doc:MS Word 97', "--outdir", tmp, str(src)],
                       check=True, capture_output=True, timeout=180)
        shutil.copyfile(Path(tmp) / "ke-hoach-cchc-legacy.doc", OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
