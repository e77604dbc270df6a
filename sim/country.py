"""The simulated country (`SimNetwork(country=True)`): every unit of `sim/data/country.csv`, served lazily.

4,004 portals (34 provinces, 649 departments, agencies and Cổng Dịch vụ công, 3,321 communes, wards and
special zones) would cost the simulator seconds and megabytes to build up front, beside the crawl it serves; so only the table
is read at start (host -> units), and a unit's site is built on its first request as a one-portal
`World` (the same templates, articles and widgets as every other portal, a pure function of (seed,
day, unit)) and kept in a small LRU cache. Fates come from the data file: `ok`, `absent` (no host, or
404 on a province host's sub-site path), `moved` (301 from the guessed URL to `new_url`, where the site
lives) and `not_portal` (a parked page naming no unit); about one served unit in five has a `fault` of
the kinds the registry portals show (host faults applied by the proxy through `host_fault`, page faults
added to the unit's one-portal world). Registry portals keep their own hosts: a
country unit whose host a registry portal serves (the province portals) is not served from here,
except sub-sites under a path of their own.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sim.registry import COLUMNS
from sim.site import Response, html, not_found, redirect, respond
from sim.world import World

COUNTRY_PATH = Path(__file__).resolve().parent / "data" / "country.csv"
CACHE_SITES = 256
#: the faults the proxy applies per host (the rest rewrite a unit's pages: sim.site applies them)
HOST_FAULTS = frozenset({"timeout", "slow", "flaky_503", "broken_tls", "down_day2"})
#: % of units that change on a given day (a new plan, an edit, a removal), so a steady day is steady
CHURN_PERCENT = 4
PARKED = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\" /><title>Tên miền đang được xây dựng</title></head>"
          "<body><h1>Website đang được xây dựng</h1><p>Tên miền này đã được đăng ký. Nội dung sẽ sớm được cập nhật."
          "</p><p>Liên hệ quản trị: hotro@nhacungcap.vn</p></body></html>")


@dataclass(frozen=True)
class CountryUnit:
    """One row of the country table: where the unit is guessed to be, and what the network does there."""

    level: str
    key: str
    name: str
    province: str
    url: str
    family: str
    fate: str
    new_url: str
    fault: str = ""

    @property
    def id(self) -> str:
        return f"c-{self.level[:1]}-{self.key.lower()}"

    @property
    def home(self) -> str:
        """Where the site really is (the new URL for a moved unit)."""
        return self.new_url or self.url


def _bucket(key: str) -> int:
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16)


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/")


class Country:
    """The table, indexed by host; sites built on demand."""

    def __init__(self, seed: int = 0, path: Path = COUNTRY_PATH) -> None:
        self.seed = seed
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
        self.units: list[CountryUnit] = [CountryUnit(**row) for row in csv.DictReader(lines)]
        self._by_host: dict[str, list[tuple[str, CountryUnit]]] = {}
        for u in self.units:
            for url in ((u.url, u.new_url) if u.new_url else (u.url,)):
                host = (urlsplit(url).hostname or "").lower()
                self._by_host.setdefault(host, []).append((_path(url), u))
        for entries in self._by_host.values():
            entries.sort(key=lambda e: -len(e[0]))  # the longest base path first
        self._lock = threading.Lock()
        self._sites: OrderedDict[tuple[int, str, str], World] = OrderedDict()

    @functools.cached_property
    def hosts(self) -> frozenset[str]:
        """Every host a unit is guessed at or moved to (absent units included: their host is refused)."""
        return frozenset(self._by_host)

    def match(self, host: str, path: str) -> tuple[str, CountryUnit] | None:
        """(base path, unit) whose URL `path` on `host` is under."""
        for base, u in self._by_host.get(host.lower(), []):
            if not base or path == base or path.startswith(base + "/"):
                return base, u
        return None

    def serves_host(self, host: str) -> bool:
        """A host that answers at all: some unit on it is not absent (a sub-domain with no site does not resolve)."""
        return any(u.fate != "absent" or _path(u.url) for _, u in self._by_host.get(host.lower(), []))

    def _site(self, u: CountryUnit, day: int) -> World:
        key = (day, u.level, u.key)
        with self._lock:
            w = self._sites.get(key)
            if w is not None:
                self._sites.move_to_end(key)
                return w
        row = dict.fromkeys(COLUMNS, "")
        row.update(id=u.id, name=u.name, level=u.level, province=u.province, base_url=u.home, cms=u.family)
        w = World(seed=self.seed, day=day, rows=[row], change_days=self.change_days(u, day))
        if u.fault and u.fault not in HOST_FAULTS:
            w.portals[u.id].faults.append(u.fault)
        with self._lock:
            self._sites[key] = w
            while len(self._sites) > CACHE_SITES:
                self._sites.popitem(last=False)
        return w

    def change_days(self, u: CountryUnit, day: int) -> frozenset[int]:
        """The days up to `day` on which `u`'s site changes: about CHURN_PERCENT % of units a day, a pure
        function of (seed, unit, day)."""
        return frozenset(k for k in range(2, day + 1)
                         if _bucket(f"{self.seed}:{u.level}:{u.key}:{k}") % 100 < CHURN_PERCENT)

    def unit_on_host(self, host: str) -> CountryUnit | None:
        """The unit served at the root of `host` (a host of its own), for the proxy's host faults."""
        for base, u in self._by_host.get(host.lower(), []):
            if not base:
                return u
        return None

    def host_fault(self, host: str, day: int) -> str | None:
        """The host fault of the unit owning `host` today ("down_day2" only on day 2), or None."""
        u = self.unit_on_host(host)
        if u is None or u.fault not in HOST_FAULTS or (urlsplit(u.home).hostname or "") != host.lower():
            return None
        if u.fault == "down_day2" and day != 2:
            return None
        return u.fault

    def respond(self, scheme: str, host: str, target: str, day: int) -> Response | None:
        """The response for a request on a country host, or None when no unit is there."""
        path = urlsplit(target).path
        found = self.match(host, path)
        if found is None:
            return None
        base, u = found
        at_new = bool(u.new_url) and (urlsplit(u.new_url).hostname or "") == host.lower() and base == _path(u.new_url)
        if u.fate == "absent":
            return None if not base else not_found()
        if u.fate == "not_portal":
            return html(PARKED)
        if u.fate == "moved" and not at_new:
            return redirect(u.new_url)
        return respond(self._site(u, day), scheme, host, target)
