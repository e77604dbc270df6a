"""A hostile network for the end-to-end guard test: one ad-hoc portal, `http://hostile.gov.vn/`, behind
a small loopback HTTP proxy, whose pages try every way out of the crawl's fences, and a `Canary`
(guardnet.py) that every forbidden link points at.

What the portal serves (numeric links all name the canary's port, so a request that got in is counted):
- `/robots.txt`: `Sitemap:` lines for the canary (`2130706433`), another host, an endless index
  chain, two gzip sitemap bombs and a real urlset;
- `/`: feed `<link rel=alternate>`s at `0x7f000001` and on another host, a CCHC menu link to an
  endless listing;
- `/sitemap.xml?n=k`: an index naming `?n=k+1`, forever, and a sitemap at `0x7f.1`;
- `/bomb.xml.gz` (a gzip file that unpacks to 16 MB), `/bomb-encoded.xml` (the same as
  Content-Encoding: gzip);
- `/sitemap-bai-viet.xml`: articles that redirect to `0`, `[::ffff:127.0.0.1]` and the metadata
  address, an article with attachments at `0177.0.0.1` and `127.1`, an oversized page, a slow one,
  and an article at `127.1`;
- `/chuyen-muc/cai-cach-hanh-chinh?page=k`: a listing whose "Trang sau" never ends.

The proxy counts every request by path (`hits`); anything for another host is answered 502 and
counted under `other_hosts`. Test code only: nothing here is product code or part of the simulator.
"""
from __future__ import annotations

import gzip
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

HOST = "hostile.gov.vn"
BASE = f"http://{HOST}/"
BOMB_UNPACKED = 16 * 1024 * 1024
OVERSIZED = 2 * 1024 * 1024
SLOW_SECONDS = 8.0

ATTACHMENT_ARTICLE = "/tin-tuc/ke-hoach-cai-cach-hanh-chinh-nam-2026-1006.html"
REDIRECTS = {
    "/tin-tuc/chuyen-huong-noi-bo-1003.html": "http://0:{canary}/admin",
    "/tin-tuc/chuyen-huong-ipv6-1004.html": "http://[::ffff:127.0.0.1]:{canary}/",
    "/tin-tuc/chuyen-huong-metadata-1005.html": "http://169.254.169.254/latest/meta-data/",
}
SLOW = "/tin-tuc/trang-rat-cham-1001.html"
HUGE = "/tin-tuc/trang-qua-lon-1002.html"
LISTING = "/chuyen-muc/cai-cach-hanh-chinh"
OFFSITE = "http://tracker.example.com"   # not the portal's host: the allow-list must keep the crawl off it


def _html(title: str, body: str, head: str = "") -> bytes:
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
            f"<body>{body}</body></html>").encode()


class HostileNetwork:
    """The proxy and the portal behind it; `canary_port` is where every forbidden link points."""

    def __init__(self, canary_port: int) -> None:
        self.canary_port = canary_port
        self.hits: Counter[str] = Counter()
        self.other_hosts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._bomb = gzip.compress(b"\0" * BOMB_UNPACKED, compresslevel=9)
        net = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                host = (parts.hostname or "").lower()
                target = parts.path + (f"?{parts.query}" if parts.query else "")
                if host != HOST:
                    with net._lock:
                        net.other_hosts[self.path] += 1
                    self._send(502, b"not on this network", "text/plain")
                    return
                with net._lock:
                    net.hits[target] += 1
                net.serve(self, parts.path, parse_qs(parts.query))

            def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # the crawl hangs up on slow and oversized answers: expected, not news

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port: int = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, name="hostile-proxy", daemon=True)

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        url = self.proxy_url
        return {"http_proxy": url, "https_proxy": url, "HTTP_PROXY": url, "HTTPS_PROXY": url, "no_proxy": "", "NO_PROXY": ""}

    def chain_hits(self) -> dict[int, int]:
        """Requests for each `/sitemap.xml?n=k` of the endless chain."""
        return {int(p.split("=", 1)[1]): n for p, n in self.hits.items() if p.startswith("/sitemap.xml?n=")}

    def listing_hits(self) -> dict[int, int]:
        return {int(p.split("=", 1)[1]): n for p, n in self.hits.items() if p.startswith(f"{LISTING}?page=")}

    # ---- the portal -----------------------------------------------------------------------------
    def serve(self, h: Any, path: str, query: dict[str, list[str]]) -> None:
        c = self.canary_port
        if path == "/robots.txt":
            text = (f"User-agent: *\nAllow: /\nSitemap: http://2130706433:{c}/sitemap.xml\nSitemap: {OFFSITE}/sitemap.xml\n"
                    f"Sitemap: {BASE}sitemap.xml?n=0\nSitemap: {BASE}bomb.xml.gz\nSitemap: {BASE}bomb-encoded.xml\n"
                    f"Sitemap: {BASE}sitemap-bai-viet.xml\n")
            h._send(200, text.encode(), "text/plain")
        elif path == "/":
            h._send(200, _html(
                "Cổng thông tin điện tử thử nghiệm",
                f'<nav><a href="{LISTING}?page=1">Cải cách hành chính</a></nav><main><p>Trang chủ</p></main>',
                head=(f'<link rel="alternate" type="application/rss+xml" title="Tin mới" href="http://0x7f000001:{c}/rss.xml">'
                      f'<link rel="alternate" type="application/rss+xml" title="Đối tác" href="{OFFSITE}/rss.xml">'),
            ), "text/html; charset=utf-8")
        elif path == "/sitemap.xml" and "n" in query:
            n = int(query["n"][0])
            body = ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<sitemap><loc>{BASE}sitemap.xml?n={n + 1}</loc></sitemap>"
                    f"<sitemap><loc>http://0x7f.1:{c}/sitemap-{n}.xml</loc></sitemap></sitemapindex>")
            h._send(200, body.encode(), "application/xml")
        elif path == "/bomb.xml.gz":
            h._send(200, self._bomb, "application/x-gzip")
        elif path == "/bomb-encoded.xml":
            h._send(200, self._bomb, "application/xml", {"Content-Encoding": "gzip"})
        elif path == "/sitemap-bai-viet.xml":
            locs = [SLOW, HUGE, *REDIRECTS, ATTACHMENT_ARTICLE]
            body = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    + "".join(f"<url><loc>{BASE.rstrip('/')}{loc}</loc></url>" for loc in locs)
                    + f"<url><loc>http://127.1:{c}/tin-tuc/bai-viet-noi-bo-1007.html</loc></url></urlset>")
            h._send(200, body.encode(), "application/xml")
        elif path in REDIRECTS:
            h._send(302, b"", "text/html", {"Location": REDIRECTS[path].format(canary=c)})
        elif path == ATTACHMENT_ARTICLE:
            h._send(200, _html("Kế hoạch cải cách hành chính năm 2026", (
                "<article><h1>Kế hoạch cải cách hành chính năm 2026</h1><p>Ủy ban nhân dân ban hành kế hoạch.</p>"
                f'<a href="http://0177.0.0.1:{c}/files/ke-hoach.pdf">Tải file</a> '
                f'<a href="http://127.1:{c}/files/phu-luc.docx">Phụ lục</a></article>')), "text/html; charset=utf-8")
        elif path == HUGE:
            h._send(200, b"<html><body>" + b"x" * OVERSIZED + b"</body></html>", "text/html")
        elif path == SLOW:
            deadline = time.monotonic() + SLOW_SECONDS
            while time.monotonic() < deadline and not self._stop.is_set():
                time.sleep(0.1)
            h._send(200, _html("Chậm", "<p>muộn</p>"), "text/html; charset=utf-8")
        elif path == LISTING and "page" in query:
            k = int(query["page"][0])
            items = "".join(f'<li><a href="/tin-tuc/bai-viet-trang-{k}-so-{i}-{2000 + 10 * k + i}.html">Bài {k}.{i}</a></li>'
                            for i in range(2))
            h._send(200, _html(f"Cải cách hành chính - trang {k}",
                               f'<ul class="news">{items}</ul><div class="pager"><a href="{LISTING}?page={k + 1}">Trang sau</a></div>'),
                    "text/html; charset=utf-8")
        elif path.startswith("/tin-tuc/bai-viet-trang-"):
            h._send(200, _html("Bài viết", "<article><h1>Bài viết</h1><p>Nội dung.</p></article>"), "text/html; charset=utf-8")
        else:
            h._send(404, b"not found", "text/plain")

    def __enter__(self) -> HostileNetwork:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
