"""Shared helpers for registry tests: write a small registry file whose line numbers are easy to read."""
from __future__ import annotations

from pathlib import Path

import pytest

HEADER = "id,name,level,province,parent,base_url,cms,feeds,sitemaps,listings,registers,hosts,widget_url,unit_code,unverified,notes"
GOOD_ROWS = [
    "p-dienbien,UBND tỉnh Điện Biên,province,Điện Biên,,https://dienbien.gov.vn/,tandan_sp,,,,,,,,,",
    "d-snv-dienbien,Sở Nội vụ tỉnh Điện Biên,department,Điện Biên,p-dienbien,https://sonoivu.dienbien.gov.vn/,tandan_sp,/rss.aspx|https://feeds.dienbien.gov.vn/cchc.xml,,,,files.dienbien.gov.vn,,,1,",
]


@pytest.fixture
def write_registry(tmp_path: Path):
    """write_registry(*rows, comments=1) -> path: `comments` comment lines, then the header, then rows.

    With the default one comment line, the header is line 2 and rows start at line 3.
    """
    def _write(*rows: str, comments: int = 1, header: str = HEADER) -> Path:
        lines = [f"# comment {i}" for i in range(comments)] + [header, *rows]
        path = tmp_path / "portals.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    return _write


@pytest.fixture
def good_rows() -> list[str]:
    """Two valid rows: a province and a department under it with a relative feed and an extra host."""
    return list(GOOD_ROWS)
