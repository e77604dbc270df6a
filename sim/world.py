"""Ground truth of the simulated network for one (seed, day): portals, articles, widgets, faults.

A World is a pure function of (seed, day, registry rows, extra_portals): every random choice comes
from a `random.Random` keyed on (seed, portal id, purpose), never from global randomness or wall
time. Day N is built as day 1 plus the changes of days 2..N, so what a portal shows on day 3 is
what it showed on day 2 plus day 3's additions, edits and removals.
"""
from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import urlsplit

from sim.calendar import VN_TZ, date_of_day
from sim.content import base_articles, finalize, link_from_home_only
from sim.days import Change, apply_day, apply_extra_day
from sim.families import target_of
from sim.layouts import family
from sim.model import SimArticle, SimPortal, WidgetFigures
from sim.national import NationalIndex, build_index, is_portal_row
from sim.portals import (
    DOWN_DAY,
    FAULTS,
    IFRAME_WIDGETS,
    MAX_LISTING_PAGES,
    OLD_DOMAINS,
    ROBOTS_DISALLOWED_SECTION,
    UNLISTED,
    canonical_origin,
    extra_rows,
    make_portal,
    rng_for,
)
from sim.registry import read_registry
from sim.view import Counter, PortalView

#: names callers imported from here before the world was split (`sim.portals`, `sim.days`)
__all__ = ["FAULTS", "OLD_DOMAINS", "Change", "World"]


class World:
    """Everything the network serves on one day, and what a correct spider should find."""

    def __init__(self, seed: int = 0, day: int = 1, rows: list[dict[str, str]] | None = None,
                 extra_portals: int = 0, extra_scheme: str = "https", extra_churn: float = 0.0,
                 change_days: frozenset[int] | None = None) -> None:
        """`change_days`: the days (from 2) whose changes are applied; None = every day. The country's
        one-portal worlds pass the few days their unit changes on, so a steady day is steady."""
        self.seed = seed
        self.extra_churn = extra_churn
        self.extra_scheme = extra_scheme
        self.day = day
        self.observed: dt.date = date_of_day(day)
        self.rows = rows if rows is not None else read_registry()
        self.portals: dict[str, SimPortal] = {}
        self.changes: list[Change] = []
        self._articles: dict[str, list[SimArticle]] = {}
        self._views: dict[str, PortalView] = {}
        self._by_host: dict[str, list[SimPortal]] = {}
        self._index766: dict[int, NationalIndex] = {}
        for row in self.rows:
            if is_portal_row(row):  # a national source (kind national_index) is served by sim.national
                self._add_portal(row, in_registry=True)
        for row in UNLISTED:
            self._add_portal(row, in_registry=False)
        for row in extra_rows(self.rows, seed, extra_scheme, extra_portals):
            self._add_portal(row, in_registry=True, extra=True)
        for pid, portal in self.portals.items():
            self._articles[pid] = base_articles(seed, portal)
            if "home_only" in portal.options:
                link_from_home_only(self._articles[pid])
        for k in range(2, day + 1):
            if change_days is not None and k not in change_days:
                continue
            self.changes.extend(apply_day(seed, k, self.portals, self._articles))
            if extra_churn > 0:
                self.changes.extend(apply_extra_day(seed, k, extra_churn, self.portals, self._articles))
        for portal in self.portals.values():
            finalize(portal, self._articles[portal.id])

    def _add_portal(self, row: dict[str, str], in_registry: bool, extra: bool = False) -> None:
        """Builds the row's portal (`sim.portals.make_portal`) and indexes it by host, deepest base path first."""
        portal = make_portal(row, self.seed, in_registry, extra)
        self.portals[portal.id] = portal
        same = self._by_host.setdefault(portal.host, [])
        same.append(portal)
        same.sort(key=lambda q: len(q.base_path), reverse=True)

    def canonical_origin(self, portal: SimPortal) -> str:
        """Where the portal's pages really live (https when its http base redirects)."""
        return canonical_origin(portal)

    # ------------------------------------------------------------------ public API
    def articles(self, portal_id: str) -> list[SimArticle]:
        """Every item the portal has published up to today (removed ones flagged `removed`)."""
        return list(self._articles[portal_id])

    def article_by_url(self, url: str) -> SimArticle | None:
        for arts in self._articles.values():
            for a in arts:
                if a.url == url:
                    return a
        return None

    def fault(self, portal_id: str) -> str | None:
        """The portal's fault today, or None ("down_day2" only counts on day 2)."""
        faults = [f for f in self.portals[portal_id].faults if f != "down_day2" or self.day == DOWN_DAY]
        return faults[0] if faults else None

    def portal_for_host(self, host: str, path: str = "/") -> SimPortal | None:
        """The portal serving `path` on `host`: a sub-site when the path is under its base path."""
        for p in self._by_host.get(host.lower(), []):
            if not p.base_path or path == p.base_path or path.startswith(p.base_path + "/"):
                return p
        return None

    @functools.cached_property
    def widget_hosts(self) -> dict[str, SimPortal]:
        return {p.widget_host: p for p in self.portals.values() if p.widget_host}

    def widget(self, portal_id: str) -> WidgetFigures | None:
        """What the portal's TTHC widget shows today (cumulative for the year to this month)."""
        p = self.portals[portal_id]
        if not p.widget_how:
            return None
        day = self.day
        if "stale_widget" in p.faults:
            day = 1  # the one-door feed stopped: figures and updated-at frozen at day 1
        observed = date_of_day(day)
        rng = rng_for(self.seed, portal_id, "widget")
        per_day = rng.randint(3, 60) if p.level != "province" else rng.randint(200, 1800)
        late_share = rng.choice([0.0, 0.0, 0.002, 0.006, 0.013, 0.04])
        doy = observed.timetuple().tm_yday
        processed = per_day * (doy + 30) + rng.randint(0, per_day)
        late = int(processed * late_share)
        updated = dt.datetime(observed.year, observed.month, observed.day, rng.randint(0, 13), rng.randint(0, 59),
                              rng.randint(0, 59), tzinfo=VN_TZ)
        if p.widget_how == "iframe":
            host, code = IFRAME_WIDGETS[portal_id]
            url = f"https://{host}/portaldvc/chi-so-tien-do-giai-quyet?MaDinhDanh={code}&Type=1"
            api = (f"https://{host}/api/v1/thongkehosotructuyens/ThongKeTyLeXuLyDungHan?maDinhDanh={code}&type=0"
                   f"&tuNgay={observed.year}-01-01&denNgay={observed.isoformat()}")
            updated = updated.replace(hour=0, minute=0, second=0)
        elif p.widget_how == "json":
            url = f"https://{p.widget_host}/api/thongke/getthongketoantinh?nam={observed.year}"
            api = url
        else:
            url, api = self.canonical_origin(p) + "/", None
        return WidgetFigures(
            how=p.widget_how, markup=p.widget_markup or "table", month=observed.month, year=observed.year,
            processed=processed, on_time=processed - late, late=late, updated_at=updated, url=url, api_url=api,
            unit_name=p.name, pending=rng.randint(5, 400), received=processed + rng.randint(10, 500),
        )

    def index766(self, year: int | None = None) -> NationalIndex:
        """The national 766 index of `year` (default: the observed year) as served today, for every
        province portal of the registry (`sim.national`)."""
        year = self.observed.year if year is None else year
        found = self._index766.get(year)
        if found is None:
            provinces = [r for r in self.rows if is_portal_row(r) and r.get("level") == "province"]
            found = self._index766[year] = build_index(self.seed, self.day, year, self.observed.year, provinces)
        return found

    def counter(self, portal_id: str) -> Counter:
        rng = rng_for(self.seed, portal_id, "counter")
        per_day = rng.randint(40, 3000)
        elapsed = (self.observed - dt.date(2019, 1, 1)).days
        today = per_day + rng_for(self.seed, portal_id, "counter", self.day).randint(0, per_day // 3)
        return Counter(online=rng_for(self.seed, portal_id, "online", self.day).randint(3, 400), today=today,
                       week=today * 6 + rng.randint(0, 99), month=today * (self.observed.day + 20),
                       total=per_day * elapsed + rng.randint(0, 9999))

    def view(self, portal_id: str) -> PortalView:
        """The portal as served today (cached: building it is the only per-day work)."""
        v = self._views.get(portal_id)
        if v is None:
            p = self.portals[portal_id]
            fam = family(p.family)
            arts = [a for a in self._articles[portal_id] if not a.removed and a.published.date() <= self.observed]
            v = PortalView(
                portal=p, observed=self.observed,
                articles=sorted((a for a in arts if a.section != "register"), key=lambda a: a.published, reverse=True),
                registers=sorted((a for a in arts if a.section == "register"), key=lambda a: a.published, reverse=True),
                widget=self.widget(portal_id), counter=self.counter(portal_id),
                endless_calendar="endless_calendar" in p.faults,
                robots_disallow=[fam.listing_path(ROBOTS_DISALLOWED_SECTION).split("?")[0]] if "robots_disallow" in p.faults else [],
            )
            v.index(target_of)
            self._views[portal_id] = v
        return v

    def robots_allows(self, portal_id: str, url: str) -> bool:
        """Whether the portal's robots.txt lets a crawler fetch `url` (prefix rules, as robots.txt)."""
        path = urlsplit(url).path
        return not any(path.startswith(prefix) for prefix in self.view(portal_id).robots_disallow)

    def expected_urls(self, portal_id: str, method: str) -> set[str]:
        """Article URLs a correct spider of `method` finds on a healthy portal today.

        feeds: items in the family's RSS feeds (newest FEED_LIMIT per section); sitemaps: items in the
        sitemap; listings: items on the first MAX_LISTING_PAGES pages of the CCHC category listing;
        registers: documents on the first MAX_LISTING_PAGES pages of the register. Robots.txt applies.
        """
        v = self.view(portal_id)
        fam = family(self.portals[portal_id].family)
        bound = MAX_LISTING_PAGES * fam.page_size
        if method == "feeds":
            urls = {a.url for a in v.articles if a.in_feed}
        elif method == "sitemaps":
            urls = {a.url for a in v.articles if a.in_sitemap}
        elif method == "listings":
            urls = {a.url for a in fam.listing_items(v, "cchc")[:bound]}
        elif method == "registers":
            urls = {a.url for a in v.registers[:bound]} if self.portals[portal_id].has_register else set()
        else:
            raise ValueError(f"unknown discovery method {method!r} (feeds|sitemaps|listings|registers)")
        return {u for u in urls if self.robots_allows(portal_id, u)}

    def registry_rows(self) -> list[dict[str, str]]:
        """Registry rows of every portal meant to be crawled (registry portals plus generated extras)."""
        out = []
        by_id = {r["id"]: r for r in self.rows}
        for pid, p in self.portals.items():
            if not p.in_registry:
                continue
            row = dict(by_id.get(pid, {}))
            fam = family(p.family)
            row.update({
                "id": pid, "name": p.name, "level": p.level, "province": p.province, "parent": p.parent,
                "base_url": p.base_url, "cms": "unknown" if p.layout else p.family,
            })
            row.setdefault("unverified", "")
            row.setdefault("notes", "")
            origin = self.canonical_origin(p)
            if not row.get("feeds"):
                row["feeds"] = "|".join(origin + f for f in fam.feed_paths())
            if not row.get("sitemaps"):
                row["sitemaps"] = "|".join(origin + s for s in fam.sitemap_paths()[:1])
            if not row.get("listings"):
                row["listings"] = origin + fam.listing_path("cchc")
            if not row.get("registers") and p.has_register and fam.register_path():
                row["registers"] = origin + (fam.register_path() or "")
            if not row.get("hosts") and p.hosts:
                row["hosts"] = "|".join(h for h in p.hosts if h != p.host)
            w = self.widget(pid)
            if not row.get("widget_url") and w and w.how != "inline":
                row["widget_url"] = w.url
            out.append(row)
        out.extend(dict(r) for r in self.rows if not is_portal_row(r))  # national sources, as registered
        return out

