"""Real receivers on loopback for alert deliveries: an SMTP server (aiosmtpd) and a JSON webhook
(http.server). Both record what they received; either can be told to refuse (webhook: HTTP 500) so
the tests can see a failed delivery recorded and retried."""
from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mail:
    sender: str
    to: list[str]
    subject: str
    text: str | None
    html: str | None


class SmtpServer:
    """aiosmtpd on 127.0.0.1; `messages` holds every mail received, parsed."""

    def __init__(self) -> None:
        self.messages: list[Mail] = []
        self.port = free_port()
        server = self

        class Handler:
            async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
                msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
                text = html = None
                for part in msg.walk():
                    if part.get_content_type() == "text/plain" and text is None:
                        text = part.get_content()
                    elif part.get_content_type() == "text/html" and html is None:
                        html = part.get_content()
                server.messages.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), str(msg["subject"]), text, html))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def url(self, to: str = "ops@example.vn") -> str:
        return f"mailto://127.0.0.1:{self.port}?from=cchc-watch@example.vn&to={to}&mode=insecure"

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


@dataclass
class Webhook:
    """A JSON webhook on 127.0.0.1: `posts` are the decoded bodies; `fail = True` answers 500."""

    posts: list[dict[str, Any]] = field(default_factory=list)
    fail: bool = False

    def start(self) -> Webhook:
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n)
                if hook.fail:
                    self.send_response(500)
                    self.end_headers()
                    return
                hook.posts.append(json.loads(raw))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
