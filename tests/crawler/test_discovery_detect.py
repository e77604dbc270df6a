"""`cchc sources detect URL…`: which family a portal's pages match, with the evidence, through the
crawl's own guarded downloads; and `crawler.families.detect` on real saved pages."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.families import FAMILIES, detect

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = Path(__file__).resolve().parents[3] / "shared" / "portal-evidence"


@pytest.mark.parametrize(("name", "url", "family"), [
    ("sotttt_hanoi_liferay_pages/index.html", "https://sotttt.hanoi.gov.vn/", "liferay62"),
    ("sotttt_hanoi_liferay_pages/ke-hoach.html", "https://sotttt.hanoi.gov.vn/ke-hoach", "liferay62"),
    ("snippets/tandan_sharepoint_home_modules_reconstructed.html", "https://thanhhoa.gov.vn/portal", "tandan_sp"),
    ("snippets/backan_sovhttdl_custom_php_sidebar.html", "https://sovhttdl.backan.gov.vn/", "unknown"),
])
def test_detect_on_real_pages(name, url, family):
    path = EVIDENCE / name
    if not path.exists():
        pytest.skip("shared/portal-evidence not present")
    found = detect(path.read_text(encoding="utf-8", errors="replace"), url)
    assert found.family == family
    if family != "unknown":
        assert any(e.label.startswith("article links") and e.count >= 2 for e in found.evidence)


def test_every_family_but_unknown_has_signatures():
    assert all(p.signatures for name, p in FAMILIES.items() if name != "unknown")


def test_detect_cli_against_the_simulator(network):
    world = network.world
    healthy = [p for p in world.portals.values() if p.in_registry and not p.faults and not p.base_path]
    per_family = {}
    for p in healthy:
        if not p.layout:
            per_family.setdefault(p.family, p)
    per_theme = {}
    for p in healthy:
        if p.layout:
            per_theme.setdefault(p.layout, p)
    assert set(per_family) == set(FAMILIES) - {"unknown"} and len(per_theme) >= 7
    portals = [*per_family.values(), *per_theme.values()]
    bad = ["http://127.0.0.1:9/", "https://khong-co-may-chu-nay.gov.vn/"]
    waf = world.portals["p-thanhhoa"].base_url
    env = {**os.environ, **network.env()}
    proc = subprocess.run([sys.executable, "-m", "cli", "sources", "detect", "--format", "json",
                           *[p.base_url for p in portals], *bad, waf],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 1, proc.stderr[-2000:]
    rows = {r["url"]: r for r in json.loads(proc.stdout)}
    for p in portals:
        row = rows[p.base_url]
        want = "unknown" if p.layout else p.family  # truth: the template the simulator serves
        assert row["family"] == want, (p.id, row)
        assert row["registry"]["id"] == p.id and row["registry"]["agrees"]
        if want != "unknown":
            assert row["evidence"] and all(e["family"] == want for e in row["evidence"])
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert [line.split(": ")[1] for line in errors] == [*bad, waf]
    assert "refused" in errors[0] and "WAF" in errors[2]
