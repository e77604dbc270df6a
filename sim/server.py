"""The HTTP proxy: absolute-URI requests for http, CONNECT + TLS (trustme certificates) for https.

Scrapy reaches it exactly as it reaches the web through a proxy (HttpProxyMiddleware with
`http_proxy`/`https_proxy`), so nothing in the crawler knows it is talking to a simulator. A
threading server: each client connection gets a thread; per-request work is a cache lookup once a
page has been rendered for the day.
"""
from __future__ import annotations

import socketserver
import ssl
import time
from http.server import BaseHTTPRequestHandler
from typing import Protocol

from sim.conditional import not_modified
from sim.site import Response, split_absolute


class Served(Protocol):
    """What the proxy asks of the network it serves (`sim.network.SimNetwork`): named here, so the
    server does not import the network that starts it."""

    server_ssl_context: ssl.SSLContext | None
    access_log: list[tuple[str, float, float]] | None

    def serves_host(self, host: str) -> bool: ...
    def host_down(self, host: str) -> bool: ...
    def tls_broken(self, host: str) -> bool: ...
    def delay_for(self, host: str) -> float: ...
    def count(self, what: str) -> None: ...
    def handle(self, scheme: str, host: str, target: str) -> Response | None: ...
    def handle_post(self, scheme: str, host: str, target: str, body: bytes) -> Response | None: ...


class ProxyServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """Threading TCP server bound to 127.0.0.1; `net` is the SimNetwork it serves."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256
    net: Served


class ProxyHandler(BaseHTTPRequestHandler):
    """One client connection: plain proxy requests, or a CONNECT tunnel carrying TLS requests."""

    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-IIS/10.0"
    sys_version = ""
    timeout = 120
    tunnel_host: str | None = None
    server: ProxyServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Quiet: a crawl makes thousands of requests."""

    # ---------------------------------------------------------------- CONNECT
    def do_CONNECT(self) -> None:
        host, _, port = self.path.rpartition(":")
        host = host.strip("[]").lower()
        net = self.server.net
        tls_context = net.server_ssl_context  # None until the network has issued its certificates
        if not port.isdigit() or not net.serves_host(host) or net.host_down(host) or tls_context is None:
            self._send_bad_gateway(host)
            return
        self.send_response(200, "Connection Established")
        self.end_headers()
        self.wfile.flush()
        if net.tls_broken(host):  # a server whose TLS is broken: plain text where the handshake should be
            self.wfile.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            self.close_connection = True
            return
        try:
            tls = tls_context.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError):
            self.close_connection = True
            return
        self.connection = tls
        self.rfile = tls.makefile("rb", -1)
        self.wfile = socketserver._SocketWriter(tls)  # type: ignore[attr-defined]
        self.tunnel_host = host
        self.close_connection = False
        try:
            while not self.close_connection:
                self.handle_one_request()
        except (TimeoutError, ssl.SSLError, OSError):
            pass
        self.close_connection = True

    # ---------------------------------------------------------------- requests
    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        net = self.server.net
        if self.tunnel_host is not None:
            scheme, host, target = "https", self.tunnel_host, self.path
        elif self.path.startswith(("http://", "https://")):
            scheme, host, target = split_absolute(self.path)
            target = target or "/"
        else:
            scheme, host, target = "", "", ""
        resp = net.handle_post(scheme, host, target, body) if host and net.serves_host(host) else None
        self._write(resp or Response(405, b"Method Not Allowed", [("Content-Type", "text/plain")]), head=False)

    def _serve(self, head: bool) -> None:
        arrived = time.monotonic()
        try:
            self._answer(head)
        finally:
            log = self.server.net.access_log
            if log is not None:
                log.append((self._host(), arrived, time.monotonic()))

    def _host(self) -> str:
        """The host a request was for: the tunnel's, or the absolute URI's."""
        if self.tunnel_host is not None:
            return self.tunnel_host
        if self.path.startswith(("http://", "https://")):
            return split_absolute(self.path)[1]
        return ""

    def _answer(self, head: bool) -> None:
        net = self.server.net
        if self.tunnel_host is not None:
            scheme, host, target = "https", self.tunnel_host, self.path
        elif self.path.startswith(("http://", "https://")):
            scheme, host, target = split_absolute(self.path)
            target = target or "/"
        else:
            self._write(Response(400, b"Bad Request: this is a proxy, send absolute URIs", [("Content-Type", "text/plain")]), head)
            return
        if not target.startswith("/"):
            target = "/" + target
        if net.host_down(host) or not net.serves_host(host):
            self._send_bad_gateway(host)
            return
        delay = net.delay_for(host)
        if delay:
            time.sleep(delay)
        resp = net.handle(scheme, host, target)
        if resp is None:
            self._send_bad_gateway(host)
            return
        net.count("requests")
        if resp.validators and not_modified(resp.validators, resp.headers, self.headers.get("If-None-Match"),
                                            self.headers.get("If-Modified-Since")):
            net.count("not_modified")
            keep = [(k, v) for k, v in resp.headers if k in ("ETag", "Last-Modified")]
            resp = Response(304, b"", keep, cacheable=False)
        self._write(resp, head)

    def _send_bad_gateway(self, host: str) -> None:
        body = f"502 Bad Gateway: cannot resolve or connect to {host}\n".encode()
        self.close_connection = True
        self._write(Response(502, body, [("Content-Type", "text/plain; charset=utf-8")]), head=False, close=True)

    def _write(self, resp: Response, head: bool, close: bool = False) -> None:
        try:
            self.send_response(resp.status)
            for k, v in resp.headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(resp.body)))
            if close:
                self.send_header("Connection", "close")
            self.end_headers()
            if not head and resp.body:
                self.wfile.write(resp.body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True
