"""Test doubles of the address-guard tests (a module with a unique name: `conftest` names collide).

* `FixedResolver`: the guarded resolver with answers the test sets (`CCHC_TEST_DNS_ANSWERS`, JSON
  `{name: address}`), so a name "resolving" to 10.0.0.5 or 169.254.169.254 is exercised without any
  packet leaving the machine. It is named in `TWISTED_DNS_RESOLVER` of the crawl under test; the
  fetch child process imports it because `crawler.fetch` hands the parent's sys.path down.
* `Canary`: a loopback HTTP server that counts every request it receives. The guard tests point
  forbidden links at its port: any count above zero is a request that got in.
"""
from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from crawler.resolver import GuardedResolver

ANSWERS_ENV = "CCHC_TEST_DNS_ANSWERS"


class FixedResolver(GuardedResolver):
    """The product's guarded resolver, with the lookup itself replaced by the test's answers."""

    def lookup(self, name: str, timeout: Sequence[int]) -> defer.Deferred[str]:
        answers: dict[str, str] = json.loads(os.environ.get(ANSWERS_ENV, "{}"))
        if name in answers:
            return defer.succeed(answers[name])
        return defer.fail(DNSLookupError(f"{name}: not in the test's answers"))


class Canary:
    """A loopback HTTP server answering 200 to anything and counting every request (path kept)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self._lock = threading.Lock()
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                with canary._lock:
                    canary.paths.append(self.path)
                body = b"<html><body>canary</body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = do_CONNECT = _any  # noqa: N815 - http.server's names

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port: int = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, name="canary", daemon=True)

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.paths)

    def __enter__(self) -> Canary:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
