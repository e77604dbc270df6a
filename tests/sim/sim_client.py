"""A Scrapy-free client that goes through the simulator's proxy.

The client is urllib with a ProxyHandler (absolute-URI requests for http, CONNECT for https) and an
SSL context trusting the network's CA, so these tests exercise the same proxy path Scrapy uses.
"""
from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

from sim.network import SimNetwork


@dataclass
class Got:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Client:
    """GET through the simulator's proxy; never raises on HTTP status, reports tunnel failures as 502."""

    def __init__(self, net: SimNetwork, follow: bool = True) -> None:
        handlers: list[urllib.request.BaseHandler] = [
            urllib.request.ProxyHandler({"http": net.proxy_url, "https": net.proxy_url}),
            urllib.request.HTTPSHandler(context=net.client_ssl_context()),
        ]
        if not follow:
            handlers.append(_NoRedirect())
        self.opener = urllib.request.build_opener(*handlers)

    def get(self, url: str, timeout: float = 10) -> Got:
        try:
            with self.opener.open(url, timeout=timeout) as r:
                return Got(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read(), r.url)
        except urllib.error.HTTPError as e:
            return Got(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read(), url)
        except urllib.error.URLError as e:
            if "Tunnel connection failed: 502" in str(e.reason):
                return Got(502, {}, b"", url)
            raise
