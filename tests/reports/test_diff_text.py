"""A changed document shows what changed (issue 14): `cchc report diff` and the HTML report give the
unified diff of its main text between the two versions, bounded, escaped in HTML; machine outputs keep
their keys and append `text_diff` only.

Ground truth: the simulator's edit of day N appends one paragraph "Cập nhật ngày d/m/yyyy: …" to an
article (`world.changes`, kind "edited").
"""
from __future__ import annotations

import csv
import io
import json

import pytest
from builddb import cchc
from selenium.webdriver.common.by import By
from test_html import browser, build  # noqa: F401 - the Chromium fixture
from truth import subset

from reports.diff import DOC_KEYS, MAX_DIFF_LINES, MAX_LINE_CHARS, text_diff
from reports.html import text_diffs_html

OLD_KEYS = ["portal", "unit", "url", "title", "category", "doc_number", "plan_year", "version_from", "version_to",
            "content_hash", "first_seen_run", "removed_run"]


def edited(worlds, day: int):
    return [c for c in worlds[3].changes if c.day == day and c.kind == "edited" and c.portal_id in subset()]


def run_diff(db: str, a: str, b: str, *args: str) -> dict:
    proc = cchc("report", "diff", "--db", db, "--from", a, "--to", b, "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("day", [2, 3])
def test_diff_json_gives_the_added_paragraph(db, worlds, day):
    changes = edited(worlds, day)
    assert changes, "the simulator edits a document of the subset every day"
    d = run_diff(db, str(day - 1), str(day))
    by_url = {r["url"]: r for r in d["changed"]}
    for c in changes:
        row = by_url[c.article.url]
        added = [line for line in row["text_diff"].splitlines() if line.startswith("+") and not line.startswith("+++")]
        assert len(added) == 1 and added[0].startswith("+Cập nhật ngày ")
        assert added[0][1:] == c.article.paragraphs[-1]
        assert not [line for line in row["text_diff"].splitlines() if line.startswith("-") and not line.startswith("---")]
        assert row["text_diff"].splitlines()[:2] == [f"--- phiên bản {row['version_from']}",
                                                      f"+++ phiên bản {row['version_to']}"]
    # the contract: every document row keeps its keys in order, `text_diff` appended
    for kind in ("new", "changed", "removed"):
        for row in d[kind]:
            assert list(row) == [*OLD_KEYS, "text_diff"]
            if kind != "changed":
                assert row["text_diff"] is None
    assert list(DOC_KEYS) == [*OLD_KEYS, "text_diff"]


def test_diff_table_and_csv_show_it(db, worlds):
    changes = edited(worlds, 2)
    proc = cchc("report", "diff", "--db", db, "--from", "1", "--to", "2")
    assert proc.returncode == 0
    assert "Nội dung thay đổi" in proc.stdout and changes[0].article.paragraphs[-1] in proc.stdout
    out = cchc("report", "diff", "--db", db, "--from", "1", "--to", "2", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert list(rows[0]) == ["change", *OLD_KEYS, "text_diff"]
    row = next(r for r in rows if r["url"] == changes[0].article.url)
    assert row["change"] == "changed" and "+Cập nhật ngày" in row["text_diff"]


def test_text_diff_is_bounded():
    old = "\n".join(f"dòng {i}" for i in range(5000))
    new = "\n".join(f"dòng {i} đã sửa " + "x" * 1000 for i in range(5000))
    out = text_diff(old, new, 1, 2).splitlines()
    assert len(out) == MAX_DIFF_LINES + 1 and out[-1].startswith("… (+")
    assert max(len(line) for line in out) <= MAX_LINE_CHARS + 1
    assert text_diff("a\nb", "a\nb", 1, 2) == ""
    assert text_diff(None, "mới", 1, 2).splitlines()[-1] == "+mới"


def test_html_escapes_the_diff():
    evil = '<script>document.title="pwned"</script>'
    row = {"portal": "p-x", "unit": "<b>Đơn vị</b>", "url": "https://x.gov.vn/a", "title": "T",
           "text_diff": text_diff("a", f"a\n{evil}", 1, 2)}
    html = text_diffs_html([row], "Nội dung thay đổi")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>Đơn vị" not in html
    assert "<ins>+&lt;script&gt;" in html
    assert text_diffs_html([{**row, "text_diff": ""}], "x") == ""


def test_html_report_shows_the_text_change(db, worlds, browser, tmp_path):  # noqa: F811
    index = build(db, tmp_path / "site")
    browser.get(index.as_uri())
    change = edited(worlds, 3)[0]
    blocks = browser.find_elements(By.CSS_SELECTOR, "#diff-section details.text-diff")
    assert blocks
    block = next(b for b in blocks if change.article.url in b.get_attribute("innerHTML"))
    assert not block.find_elements(By.CSS_SELECTOR, "ins")[0].is_displayed()  # folded until opened
    browser.execute_script("arguments[0].open = true", block)  # (clicking the summary would follow its link)
    added = [e.text for e in block.find_elements(By.TAG_NAME, "ins")]
    assert added == ["+" + change.article.paragraphs[-1]]
