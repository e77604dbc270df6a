"""One real Scrapy crawl through the proxy: HttpProxyMiddleware + CONNECT + TLS, retries on 503,
a download timeout on the slow portal, and the 502 of an unknown host."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.network import SimNetwork

PROBE = Path(__file__).with_name("scrapy_probe.py")


@pytest.mark.slow
def test_scrapy_reaches_https_portals_through_the_proxy() -> None:
    with SimNetwork(day=1, seed=0) as net:
        net.slow_seconds = 2.5
        seed3 = next(a for a in net.world.articles("p-haiphong") if a.seed == 3)
        urls = [seed3.url, "https://langson.gov.vn/", "https://sonla.gov.vn/", "https://khong-ton-tai.gov.vn/",
                "http://ngoclien.camgiang.haiduong.gov.vn/"]
        env = dict(os.environ, **net.env(), PROBE_TIMEOUT="1")
        proxy_url = net.proxy_url
        proc = subprocess.run([sys.executable, str(PROBE), *urls], env=env, capture_output=True, text=True,
                              timeout=120, cwd=Path(__file__).resolve().parents[2])
    results = {r["url"]: r for r in map(json.loads, proc.stdout.splitlines())}
    assert set(results) == set(urls), proc.stderr[-2000:]
    page = results[seed3.url]
    assert page["status"] == 200 and page["proxy"] == proxy_url and page["final"] == seed3.url
    assert page["title"] == "Kế hoạch cải cách hành chính nhà nước thành phố Hải Phòng năm 2022 - UBND thành phố Hải Phòng"
    assert results["https://langson.gov.vn/"]["status"] == 200 and results["https://langson.gov.vn/"]["retries"] == 2
    assert results["https://sonla.gov.vn/"]["error"] == "DownloadTimeoutError"
    assert results["https://khong-ton-tai.gov.vn/"]["error"] == "TunnelError"
    assert results["http://ngoclien.camgiang.haiduong.gov.vn/"]["status"] == 301
