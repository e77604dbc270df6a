"""`core.charset`: UTF-8 bytes declared as Latin-1 are read as UTF-8; honest declarations stand."""
from __future__ import annotations

from core.charset import decode_html, utf8_if_misdeclared

PAGE = "<html><head><title>UBND tỉnh Thái Nguyên</title></head><body>Kế hoạch CCHC</body></html>"


def test_utf8_bytes_declared_latin1_read_as_utf8() -> None:
    assert decode_html(PAGE.encode("utf-8"), "text/html; charset=iso-8859-1") == PAGE


def test_utf8_bytes_declared_windows1252_read_as_utf8() -> None:
    assert "Thái Nguyên" in decode_html(PAGE.encode("utf-8"), "text/html; charset=windows-1252")


def test_real_latin1_page_keeps_its_charset() -> None:
    text = "<p>Café déjà vu</p>"
    assert decode_html(text.encode("latin-1"), "text/html; charset=iso-8859-1") == text


def test_windows1258_page_keeps_its_charset() -> None:
    body = "<p>Thái Nguyên</p>".encode("cp1258")
    assert "Thái Nguyên" in decode_html(body, "text/html; charset=windows-1258").replace("a\u0301", "á")


def test_ascii_only_body_is_not_overridden() -> None:
    assert utf8_if_misdeclared("iso-8859-1", b"<p>plain</p>") is None
    assert utf8_if_misdeclared("utf-8", PAGE.encode("utf-8")) is None
