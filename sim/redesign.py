"""A portal that changes its template on a given day (issue 14's drift-canary test; OFF by default).

Modelled on a real kind of redesign: a portal moved from its server-rendered CMS to a client-rendered
platform. URLs stay (old links keep working, so nothing answers 404), the feeds, sitemaps, robots.txt
and files are served as before (the sitemap regenerated: every `<lastmod>` the day of the move), but every HTML page now arrives as the application's shell: the
site name in ``<title>``, a ``<noscript>`` line asking for JavaScript, a mount point, and script
tags that fetch the content from a JSON API once a browser runs them. A crawler that reads HTML gets
no headline, no date line, no body and no TTHC widget; its family profile matches nothing. The canary
must see the portal's yields fall that day (`reports.health`).

Switched on per network by ``SimNetwork(template_change="PORTAL_ID:DAY")``, by
``cchc sim serve --template-change PORTAL_ID:DAY`` (also ``cchc demo``), or by the environment
variable ``CCHC_SIM_TEMPLATE_CHANGE=PORTAL_ID:DAY`` (read when a network is created). From day DAY
on, that portal's HTML pages are the shell; before DAY, and for every other portal, every byte is
what it would be without the option.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass

from sim.model import SimPortal
from sim.textfmt import attr, esc

ENV = "CCHC_SIM_TEMPLATE_CHANGE"


class TemplateChangeError(ValueError):
    """A malformed PORTAL_ID:DAY (or a portal the network does not serve)."""


@dataclass(frozen=True)
class TemplateChange:
    """Portal `portal_id` serves the client-rendered shell from simulated day `day` on."""

    portal_id: str
    day: int

    @classmethod
    def parse(cls, value: str) -> TemplateChange:
        pid, sep, day = value.strip().rpartition(":")
        if not sep or not pid or not day.strip().isdigit() or int(day) < 1:
            raise TemplateChangeError(f"template change {value!r} is not PORTAL_ID:DAY (e.g. p-tayninh:3)")
        return cls(pid.strip(), int(day))

    @classmethod
    def from_env(cls) -> TemplateChange | None:
        raw = os.environ.get(ENV, "").strip()
        return cls.parse(raw) if raw else None

    def active(self, portal_id: str, day: int) -> bool:
        return portal_id == self.portal_id and day >= self.day


def shell_page(portal: SimPortal, target: str) -> bytes:
    """The client-rendered platform's answer to any HTML page: the shell, whatever the page holds."""
    build = hashlib.sha256(portal.id.encode("utf-8")).hexdigest()[:8]
    return (
        "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\" />"
        '<meta name="viewport" content="width=device-width, initial-scale=1" />'
        f"<title>{esc(portal.name)}</title>"
        f'<link rel="stylesheet" href="/static/css/main.{build}.css" /></head>\n'
        "<body><noscript>Vui lòng bật JavaScript để xem nội dung trang.</noscript>"
        f'<div id="root" data-route="{attr(target)}"></div>'
        f'<script src="/static/js/runtime.{build}.js"></script>'
        f'<script src="/static/js/main.{build}.js" data-api="/api/v2/content?route={attr(target)}"></script>'
        "</body></html>\n"
    ).encode()


_LASTMOD = re.compile(rb"<lastmod>[^<]*</lastmod>")


def regenerated_sitemap(body: bytes, moved_on: dt.date) -> bytes:
    """The portal's sitemap as the new platform regenerates it: the same URLs, every ``<lastmod>`` the
    day of the move (the migration rewrote every page), so a crawler that trusts lastmod re-reads them."""
    return _LASTMOD.sub(f"<lastmod>{moved_on.isoformat()}</lastmod>".encode("ascii"), body)
