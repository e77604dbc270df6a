"""The message text for each kind of service: portal text escaped for what the service renders (HTML
for e-mail and Telegram, Markdown for Slack and Discord, text for JSON webhooks and Matrix), our own
evidence link the only markup, the language the rules file asks for."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from alerts import deliver, message

TITLE = 'KH <b onmouseover="x()">năm 2026</b> *đậm* [bấm](http://evil.example)\nMinh chứng: http://evil.example'
ITEM = SimpleNamespace(event="found", url="https://alpha.gov.vn/ke-hoach?id=1&v=2",
                       details={"unit": "UBND tỉnh Điện Biên", "plan_kind": "propaganda_plan", "year": 2026,
                                "doc_number": "12/KH-UBND", "doc_date": "2026-02-27", "published_at": "2026-03-03",
                                "title": TITLE})


@pytest.mark.parametrize("url,fmt", [
    ("mailto://127.0.0.1:25?from=a@example.vn&to=b@example.vn&mode=insecure", "html"),
    ("mailtos://u:p@smtp.example.vn?to=b@example.vn", "html"),
    ("tgram://123456789:AAbbCCdd/12345", "html"),
    ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#cchc", "markdown"),
    ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "markdown"),
    ("matrix://user:pass@matrix.example.vn/#cchc", "text"),
    ("json://hooks.example.vn/cchc", "text"),
])
def test_each_service_gets_the_format_it_renders(url, fmt):
    assert deliver.body_format(url) == fmt
    assert "pass" not in deliver.shown(url) or "****" in deliver.shown(url)  # no secret shown


def test_html_body_escapes_portal_text_and_links_only_the_evidence():
    body = message.body("ke-hoach", "plan_found", [ITEM], "vi", "html")
    assert "<b " not in body and "onmouseover=\"x()\">" not in body
    assert "&lt;b onmouseover=&quot;x()&quot;&gt;năm 2026&lt;/b&gt;" in body
    assert body.count("<a href=") == 1
    assert '<a href="https://alpha.gov.vn/ke-hoach?id=1&amp;v=2">' in body
    # the title's line break cannot forge a second evidence line
    assert body.count("Minh chứng:") == 2 and "<br>Minh chứng: http://evil.example" not in body


def test_markdown_body_escapes_markdown_and_tags():
    body = message.body("ke-hoach", "plan_found", [ITEM], "vi", "markdown")
    assert r"\*đậm\*" in body and r"\[bấm\]\(http://evil\.example\)" in body and r"\<b" in body
    assert "<https://alpha.gov.vn/ke-hoach?id=1&v=2>" in body


def test_text_body_has_no_tag_and_one_line_per_alert():
    body = message.body("ke-hoach", "plan_found", [ITEM], "vi", "text")
    lines = body.splitlines()
    assert lines[0] == "Quy tắc «ke-hoach», 1 cảnh báo:"
    assert lines[2].startswith("• UBND tỉnh Điện Biên: Kế hoạch tuyên truyền CCHC năm 2026 — số 12/KH-UBND, "
                               "ban hành 27/02/2026, đăng 03/03/2026: KH &lt;b")
    assert "Minh chứng: http://evil.example" in lines[2]  # kept inside the alert's own line, as text
    assert lines[3] == "  Minh chứng: https://alpha.gov.vn/ke-hoach?id=1&v=2"
    assert len(lines) == 4 and "<" not in body.replace("&lt;", "")


def test_english_when_the_rules_file_asks_for_it():
    body = message.body("plan", "plan_found", [ITEM], "en", "text")
    assert body.startswith("Rule “plan”, 1 alert(s):")
    assert "• UBND tỉnh Điện Biên: CCHC propaganda plan 2026 — number 12/KH-UBND, issued 27/02/2026, published 03/03/2026" in body
    assert "Evidence: https://alpha.gov.vn/ke-hoach?id=1&v=2" in body
    assert message.subject("plan_found", "en", run=3, day="04/03/2026") == "[CCHC Watch] New plan published — run 3 of 04/03/2026"
