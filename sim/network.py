"""SimNetwork: the simulated portal network behind an HTTP(S) proxy on 127.0.0.1.

    net = SimNetwork(day=1, seed=0).start()
    env = net.env()        # http_proxy, https_proxy, CCHC_OBSERVED_ON for a crawl process
    net.world              # ground truth of the current day
    net.set_day(2)         # the network moves to the next simulated day
    net.stop()

One CA per network (trustme); one leaf certificate names every served host, so a client that trusts
`net.ca_pem_path` verifies every https portal. Nothing here depends on wall time: pages are a function
of (seed, day), and rendered bytes are cached per (day, url).
"""
from __future__ import annotations

import collections
import datetime as dt
import json
import os
import ssl
import tempfile
import threading
from pathlib import Path
from types import TracebackType

import trustme

from sim import national
from sim.calendar import date_of_day
from sim.country import Country
from sim.national import NATIONAL_HOST
from sim.redesign import TemplateChange, TemplateChangeError, regenerated_sitemap, shell_page
from sim.registry import read_registry, write_registry
from sim.server import ProxyHandler, ProxyServer
from sim.site import Response, respond
from sim.world import OLD_DOMAINS, World

SLOW_ENV = "CCHC_SIM_SLOW_SECONDS"
COUNTRY_ENV = "CCHC_SIM_COUNTRY"
DEFAULT_SLOW_SECONDS = 40.0
#: delay of every response of a country unit with the "slow" fault: slow, but under the download timeout
COUNTRY_SLOW_SECONDS = 2.0
FLAKY_FAILURES = 2  # a flaky portal answers 503 this many times per URL (and day), then 200
CACHE_LIMIT = 50_000
FLAKY_RESPONSE = Response(503, b"<html><body><h1>503 Service Unavailable</h1>Server too busy</body></html>",
                          [("Content-Type", "text/html"), ("Retry-After", "1")], cacheable=False)


class SimNetwork:
    """The network: a registry's portals (plus generated extras and unlisted hosts) behind one proxy."""

    def __init__(self, day: int = 1, seed: int = 0, registry_path: str | Path | None = None,
                 extra_portals: int = 0, extra_scheme: str = "https", extra_churn: float = 0.0,
                 template_change: str | TemplateChange | None = None, country: bool = False) -> None:
        self.seed = seed
        self.extra_churn = extra_churn
        #: what the proxy answered since start (or `reset_counts`): "requests", "not_modified" (304)
        self.counts: collections.Counter[str] = collections.Counter()
        #: the whole simulated country (`sim.country`, served lazily beside the registry); None = off,
        #: and then nothing the network serves differs from a network without the option
        self.country: Country | None = Country(seed=seed) if country or os.environ.get(COUNTRY_ENV) == "1" else None
        #: one portal serving a client-rendered shell from a given day on (`sim.redesign`); None = off
        self.template_change: TemplateChange | None = (
            TemplateChange.parse(template_change) if isinstance(template_change, str)
            else template_change if template_change is not None else TemplateChange.from_env())
        self.extra_portals = extra_portals
        self.extra_scheme = extra_scheme
        self.registry_path = registry_path
        self._rows = read_registry(registry_path)
        if self.template_change is not None and self.template_change.portal_id not in {r.get("id") for r in self._rows}:
            raise TemplateChangeError(f"template change: the network serves no registry portal "
                                      f"{self.template_change.portal_id!r}")
        self._day = day
        self._lock = threading.RLock()
        self._worlds: dict[int, World] = {}
        self._cache: dict[tuple[int, str, str, str], Response] = {}
        self._hits: dict[tuple[int, str, str], int] = {}
        self._server: ProxyServer | None = None
        self._thread: threading.Thread | None = None
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        self.ca = trustme.CA(key_type=trustme.KeyType.ECDSA)
        self.server_ssl_context: ssl.SSLContext | None = None
        self._site_contexts: dict[str, ssl.SSLContext] = {}  # a certificate per site, made on its first handshake
        self.ca_pem_path: str | None = None
        self.slow_seconds = float(os.environ.get(SLOW_ENV, DEFAULT_SLOW_SECONDS))
        self._hosts: set[str] = set()
        #: (host, arrived, answered) of every request served while recording (`record_access`), on
        #: time.monotonic: what a portal's server (and its WAF) sees
        self.access_log: list[tuple[str, float, float]] | None = None

    # ---------------------------------------------------------------- world and days
    def _world_for(self, day: int) -> World:
        with self._lock:
            w = self._worlds.get(day)
            if w is None:
                w = World(seed=self.seed, day=day, rows=self._rows, extra_portals=self.extra_portals,
                          extra_scheme=self.extra_scheme, extra_churn=self.extra_churn)
                # keep the current day and its neighbours only
                for old in [d for d in self._worlds if abs(d - day) > 1]:
                    del self._worlds[old]
                self._worlds[day] = w
            return w

    @property
    def day(self) -> int:
        return self._day

    @property
    def world(self) -> World:
        """Ground truth of the current day."""
        return self._world_for(self._day)

    @property
    def observed_on(self) -> dt.date:
        """Calendar date of the current simulated day (day 1 = 2026-03-02)."""
        return date_of_day(self._day)

    def set_day(self, n: int) -> None:
        """Move the network to day `n` (thread-safe; the next request sees the new day)."""
        date_of_day(n)  # validates
        world = self._world_for(n)
        with self._lock:
            self._day = n
            self._cache = {k: v for k, v in self._cache.items() if k[0] == n}
        del world

    # ---------------------------------------------------------------- lifecycle
    def start(self, port: int = 0) -> SimNetwork:
        """Bind 127.0.0.1 (a free port unless given) and serve in a daemon thread."""
        if self._server is not None:
            return self
        world = self.world
        hosts = {p.host for p in world.portals.values()} | set(world.widget_hosts) | set(OLD_DOMAINS) | {NATIONAL_HOST}
        self._hosts = hosts
        names = [*sorted(hosts), "*.gov.vn"]
        if self.country is not None:  # one wildcard per province host covers its communes' sub-domains
            names += sorted({f"*.{u.url.split('/')[2]}" for u in self.country.units if u.level == "province"})
        leaf = self.ca.issue_cert(*names, key_type=trustme.KeyType.ECDSA)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        leaf.configure_cert(ctx)
        if self.country is not None:  # a certificate per site, for the country's thousands of hosts
            ctx.sni_callback = self._sni
        self.server_ssl_context = ctx
        self._tmpdir = tempfile.TemporaryDirectory(prefix="cchc-sim-")
        self.ca_pem_path = os.path.join(self._tmpdir.name, "ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_pem_path)
        server = ProxyServer(("127.0.0.1", port), ProxyHandler)
        server.net = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="cchc-sim-proxy", daemon=True)
        self._thread.start()
        return self

    def _sni(self, sslobj: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
        """Answer a handshake naming a host with a certificate for that site alone (`site.gov.vn` and
        `*.site.gov.vn`), as a real portal's server does: the all-names certificate (the fallback when
        a client sends no name) has about 170 names, and a client checks every one of them on every
        handshake, which made certificate checking a crawl's top cost against the simulated country.
        Only with the country on: without it, nothing served differs from before."""
        if not name:
            return None
        labels = name.lower().rstrip(".").split(".")
        base = ".".join(labels[-3:]) if len(labels) > 3 and labels[-2:] == ["gov", "vn"] else ".".join(labels)
        key = base if len(labels) <= len(base.split(".")) + 1 else ".".join(labels)
        with self._lock:
            ctx = self._site_contexts.get(key)
        if ctx is None:
            leaf = self.ca.issue_cert(key, f"*.{key}", key_type=trustme.KeyType.ECDSA)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            leaf.configure_cert(ctx)
            with self._lock:
                ctx = self._site_contexts.setdefault(key, ctx)
        sslobj.context = ctx
        return None

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    def __enter__(self) -> SimNetwork:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SimNetwork is not started")
        return int(self._server.server_address[1])

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """Environment for a crawl process: the proxy for http and https, and the observed date."""
        url = self.proxy_url
        return {"http_proxy": url, "https_proxy": url, "HTTP_PROXY": url, "HTTPS_PROXY": url,
                "CCHC_OBSERVED_ON": self.observed_on.isoformat(), "no_proxy": ""}

    def client_ssl_context(self) -> ssl.SSLContext:
        """An SSL context trusting this network's CA (for urllib and other Scrapy-free clients)."""
        ctx = ssl.create_default_context()
        self.ca.configure_trust(ctx)
        return ctx

    # ---------------------------------------------------------------- the national 766 index
    def _national_get(self, target: str) -> Response:
        """GET on the national portal: its summary page (filled by the API in a browser) and robots.txt."""
        path = target.split("?", 1)[0]
        if path == "/robots.txt":
            return Response(200, b"User-agent: *\nDisallow:\n", [("Content-Type", "text/plain")])
        if path == national.PAGE_PATH:
            return Response(200, national.page_html().encode("utf-8"), [("Content-Type", "text/html; charset=utf-8")])
        return Response(404, b"<html><body><h1>404 Not Found</h1></body></html>", [("Content-Type", "text/html")])

    def handle_post(self, scheme: str, host: str, target: str, body: bytes) -> Response | None:
        """A POST the network answers (only the national index API); None = the usual 405."""
        if host.lower() != NATIONAL_HOST or target.split("?", 1)[0] != national.API_PATH:
            return None
        params = national.parse_params(body)
        if params is None:
            return Response(400, "Tham số không hợp lệ".encode(), [("Content-Type", "text/plain; charset=utf-8")],
                            cacheable=False)
        if params.get("service") != national.SERVICE:
            return Response(200, b"[]", [("Content-Type", national.JSON_TYPE)], cacheable=False)
        world = self.world
        try:
            year = int(str(params.get("p_nam", world.observed.year)))
            size = max(1, int(str(params.get("pageSize", 100))))
            page = max(1, int(str(params.get("pageIndex", 1))))
            only = int(str(params.get("p_tinh_id", 0) or 0))
        except ValueError:
            return Response(200, b"[]", [("Content-Type", national.JSON_TYPE)], cacheable=False)
        rows = national.as_json(world.index766(year))
        if only:
            rows = [r for r in rows if r["ID"] == str(only)]
        rows = rows[(page - 1) * size: page * size]
        body_out = json.dumps(rows, ensure_ascii=False).encode("utf-8")
        return Response(200, body_out, [("Content-Type", national.JSON_TYPE)], cacheable=False)

    def write_registry(self, path: str | Path, only_extra: bool = False) -> None:
        """Write a registry CSV of every portal meant to be crawled (registry rows plus extras);
        `only_extra` keeps just the generated benchmark portals (no faults, no seeds)."""
        rows = self.world.registry_rows()
        if only_extra:
            extra = {pid for pid, p in self.world.portals.items() if p.extra}
            # their parents are not in the file, and a registry may only name parents it has
            rows = [dict(r, parent="", notes=f"{r.get('notes', '')}; parent {r['parent']}".strip("; "))
                    for r in rows if r["id"] in extra]
        write_registry(rows, path)

    def record_access(self, on: bool = True) -> list[tuple[str, float, float]] | None:
        """Start (a fresh, empty log) or stop recording every request's host and times; returns the log."""
        log = self.access_log
        self.access_log = [] if on else None
        return self.access_log if on else log

    def count(self, what: str) -> None:
        """Count one answer of the proxy (thread-safe)."""
        with self._lock:
            self.counts[what] += 1

    def reset_counts(self) -> dict[str, int]:
        """The counts so far, then start again from zero."""
        with self._lock:
            out, self.counts = dict(self.counts), collections.Counter()
        return out

    # ---------------------------------------------------------------- used by the handler
    def serves_host(self, host: str) -> bool:
        return host.lower() in self._hosts or (self.country is not None and self.country.serves_host(host))

    def host_down(self, host: str) -> bool:
        """True on the day a portal is down: the proxy cannot reach it at all (502)."""
        portal = self.world.portal_for_host(host)
        if self.country is not None and portal is None:
            return self.country.host_fault(host, self._day) == "down_day2"
        return portal is not None and not portal.base_path and self.world.fault(portal.id) == "down_day2"

    def tls_broken(self, host: str) -> bool:
        """True for a country host whose TLS is broken: the tunnel opens, the handshake fails."""
        return (self.country is not None and self.world.portal_for_host(host) is None
                and self.country.host_fault(host, self._day) == "broken_tls")

    def delay_for(self, host: str) -> float:
        portal = self.world.portal_for_host(host)
        if portal is not None and "timeout" in portal.faults:
            return self.slow_seconds
        if self.country is not None and portal is None:
            fault = self.country.host_fault(host, self._day)
            return self.slow_seconds if fault == "timeout" else COUNTRY_SLOW_SECONDS if fault == "slow" else 0.0
        return 0.0

    def _flaky(self, day: int, host: str, target: str) -> bool:
        """A flaky host's URL answers 503 its first FLAKY_FAILURES times a day."""
        key = (day, host, target)
        with self._lock:
            n = self._hits.get(key, 0)
            self._hits[key] = n + 1
        return n < FLAKY_FAILURES

    def handle(self, scheme: str, host: str, target: str) -> Response | None:
        """The response for one request, from the (day, url) cache when already rendered."""
        with self._lock:
            day = self._day
        world = self._world_for(day)
        if host.lower() == NATIONAL_HOST:
            return self._national_get(target)
        if self.country is not None:
            found = self.country.match(host, target.split("?", 1)[0])
            # a registry portal keeps its host; a country sub-site under its own path is served from here
            if found is not None and (found[0] or world.portal_for_host(host) is None):
                if self.country.host_fault(host, day) == "flaky_503" and self._flaky(day, host, target):
                    return FLAKY_RESPONSE
                return self.country.respond(scheme, host, target, day)
        portal = world.portal_for_host(host, target.split("?", 1)[0])
        if portal is not None and "flaky_503" in portal.faults and self._flaky(day, host, target):
            return FLAKY_RESPONSE
        ckey = (day, scheme, host, target)
        resp = self._cache.get(ckey)
        if resp is None:
            resp = respond(world, scheme, host, target)
            change = self.template_change
            if (change is not None and resp is not None and portal is not None and change.active(portal.id, day)
                    and resp.status == 200 and dict(resp.headers).get("Content-Type", "").startswith("text/html")):
                resp = Response(200, shell_page(portal, target), [("Content-Type", "text/html; charset=utf-8")],
                                resp.cacheable)
            elif (change is not None and resp is not None and portal is not None and change.active(portal.id, day)
                  and resp.status == 200 and b"<lastmod>" in resp.body[:100_000]):
                # the new platform regenerated its sitemap: every page carries the day of the move
                resp = Response(resp.status, regenerated_sitemap(resp.body, date_of_day(change.day)), resp.headers,
                                resp.cacheable, resp.validators)
            if resp is not None and resp.cacheable:
                with self._lock:
                    if len(self._cache) >= CACHE_LIMIT:
                        self._cache.clear()
                    self._cache[ckey] = resp
        return resp
