"""Ground truth of the simulated network for one (seed, day): portals, articles, widgets, faults.

A World is a pure function of (seed, day, registry rows, extra_portals): every random choice comes
from a `random.Random` keyed on (seed, portal id, purpose), never from global randomness or wall
time. Day N is built as day 1 plus the changes of days 2..N, so what a portal shows on day 3 is
what it showed on day 2 plus day 3's additions, edits and removals.
"""
from __future__ import annotations

import datetime as dt
import functools
import random
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sim.calendar import DAY_ONE, VN_TZ, date_of_day
from sim.families import seed_related_titles, target_of
from sim.layouts import family, layout_of
from sim.model import SimArticle, SimFile, SimPortal, WidgetFigures
from sim.national import NationalIndex, build_index, is_portal_row
from sim.registry import read_registry
from sim.seeds import seed_for_portal
from sim.textfmt import slugify
from sim.textgen import NEWS_TOPICS, Doc, cchc_plan, news, propaganda_plan, report, unit_for
from sim.view import Counter, PortalView

MAX_LISTING_PAGES = 5
FEED_LIMIT = 20

# Named faults (documented in sim/README.md). Seed portals carry none, except the http->https
# redirect on the seed portal whose registry base_url is http.
FAULTS: dict[str, str] = {
    "p-sonla": "timeout",
    "p-langson": "flaky_503",
    "p-quangninh": "error_500",
    "p-thanhhoa": "waf_block",
    "p-nghean": "charset_windows1258",
    "p-thainguyen": "charset_misdeclared",
    "p-caobang": "unicode_nfd",
    "x-ngoclien-camgiang-haiduong": "http_to_https",
    "p-hue": "old_domain_redirect",
    "p-laocai": "robots_disallow",
    "p-gialai": "endless_calendar",
    "p-lamdong": "down_day2",
    "p-ninhbinh": "stale_widget",
}
DOWN_DAY = 2
OLD_DOMAINS: dict[str, str] = {
    # old host -> new portal id (2025 mergers and renames)
    "thuathienhue.gov.vn": "p-hue",
    "haiduong.gov.vn": "p-haiphong",
}
ROBOTS_DISALLOWED_SECTION = "news"

# How the TTHC widget is delivered where it is not an inline block on the home page.
IFRAME_WIDGETS: dict[str, tuple[str, str]] = {
    # portal id -> (one-door host, MaDinhDanh)
    "p-hatinh": ("dichvucong.hatinh.gov.vn", "000.00.00.H25"),
    "p-dienbien": ("dichvucong.dienbien.gov.vn", "000.00.00.H17"),
}
JSON_WIDGETS: dict[str, str] = {"p-camau": "dvctt.camau.gov.vn"}
NO_WIDGET_EVERY = 3  # roughly one portal in three shows no widget at all

# Hosts served although no registry row names them (for `cchc crawl --url`).
UNLISTED: list[dict[str, str]] = [
    {"id": "u-xuanhoa-hcm", "name": "UBND phường Xuân Hòa", "level": "commune", "province": "Hồ Chí Minh",
     "base_url": "https://xuanhoa.hochiminhcity.gov.vn/", "cms": "nukeviet"},
    {"id": "u-tanthanh-lamdong", "name": "UBND xã Tân Thành", "level": "commune", "province": "Lâm Đồng",
     "base_url": "https://tanthanh.lamdong.gov.vn/", "cms": "vnportal"},
]

EXTRA_SYLLABLES: list[str] = [
    "an", "binh", "hoa", "phu", "tan", "thanh", "long", "phuoc", "my", "dong", "tay", "nam", "bac", "quang",
    "hung", "thinh", "vinh", "son", "trung", "hai", "lac", "yen", "thuan", "minh", "tien", "loc",
]
EXTRA_NAMES: dict[str, str] = {
    "an": "An", "binh": "Bình", "hoa": "Hòa", "phu": "Phú", "tan": "Tân", "thanh": "Thạnh", "long": "Long",
    "phuoc": "Phước", "my": "Mỹ", "dong": "Đông", "tay": "Tây", "nam": "Nam", "bac": "Bắc", "quang": "Quang",
    "hung": "Hưng", "thinh": "Thịnh", "vinh": "Vĩnh", "son": "Sơn", "trung": "Trung", "hai": "Hải", "lac": "Lạc",
    "yen": "Yên", "thuan": "Thuận", "minh": "Minh", "tien": "Tiến", "loc": "Lộc",
}
FAMILIES_CYCLE = ["tandan_sp", "sharepoint_vn", "liferay62", "vnportal", "nukeviet"]


def rng_for(*keys: object) -> random.Random:
    """A Random keyed on the given values (str seeding is stable across runs and platforms)."""
    return random.Random("|".join(str(k) for k in keys))


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@dataclass
class Change:
    """One day-to-day change, so tests can find what moved without re-deriving it."""

    day: int
    kind: str  # added | edited | removed | down
    portal_id: str
    article: SimArticle | None = None

    @property
    def url(self) -> str:
        """The changed article's URL (the portal's home page for "down")."""
        return self.article.url if self.article is not None else ""


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
        for row in self._extra_rows(extra_portals):
            self._add_portal(row, in_registry=True, extra=True)
        for pid, portal in self.portals.items():
            self._articles[pid] = self._base_articles(portal)
            if "home_only" in portal.options:
                self._link_from_home_only(portal)
        for k in range(2, day + 1):
            if change_days is not None and k not in change_days:
                continue
            self._apply_day(k)
            if extra_churn > 0:
                self._apply_extra_day(k)
        for portal in self.portals.values():
            self._finalize(portal)

    # ------------------------------------------------------------------ portals
    def _extra_rows(self, n: int) -> list[dict[str, str]]:
        """Generated commune and department portals for the benchmark, across the five families."""
        provinces = [r for r in self.rows if r.get("level") == "province"]
        rng = rng_for(self.seed, "extra")
        out, used = [], set()
        for i in range(n):
            prov = provinces[i % len(provinces)]
            phost = host_of(prov["base_url"])
            free = [c for c in ("snv", "stp", "syt", "sct", "sxd", "stnmt") if f"{c}.{phost}" not in used]
            if i % 4 == 3 and free:
                code = rng.choice(free)
                label = {"snv": "Sở Nội vụ", "stp": "Sở Tư pháp", "syt": "Sở Y tế", "sct": "Sở Công Thương",
                         "sxd": "Sở Xây dựng", "stnmt": "Sở Nông nghiệp và Môi trường"}[code]
                host, name, level = f"{code}.{phost}", f"{label} {prov['name'].replace('UBND ', '')}", "department"
            else:
                a, b = rng.sample(EXTRA_SYLLABLES, 2)
                host = f"{'xa' if i % 2 else 'phuong'}{a}{b}.{phost}"
                kind = "xã" if i % 2 else "phường"
                name, level = f"UBND {kind} {EXTRA_NAMES[a]} {EXTRA_NAMES[b]}", "commune"
            if host in used:
                host = host.replace(".", f"{i}.", 1)
            used.add(host)
            out.append({
                "id": f"b-{i:03d}-{host.split('.')[0]}", "name": name, "level": level,
                "province": prov["province"], "parent": prov["id"], "base_url": f"{self.extra_scheme}://{host}/",
                "cms": FAMILIES_CYCLE[i % len(FAMILIES_CYCLE)], "unverified": "1",
                "notes": "generated by the simulator for the benchmark",
            })
        return out

    def _add_portal(self, row: dict[str, str], in_registry: bool, extra: bool = False) -> None:
        pid = row["id"]
        layout = layout_of(pid, row.get("cms", ""))
        fam = family(layout.theme if layout else row.get("cms", ""))
        base_url = row["base_url"] if row["base_url"].endswith("/") else row["base_url"] + "/"
        portal = SimPortal(
            id=pid, name=row["name"], level=row.get("level", ""), province=row.get("province", ""),
            host=host_of(base_url), base_url=base_url, family=fam.id, in_registry=in_registry, extra=extra,
            parent=row.get("parent", ""), unit_code=row.get("unit_code", ""),
            layout=layout.theme if layout else "", options=layout.options if layout else (),
        )
        if pid in FAULTS:
            portal.faults.append(FAULTS[pid])
        rng = rng_for(self.seed, pid, "portal")
        if layout is not None:
            portal.has_register = fam.has_register and "register" in layout.options
        else:
            portal.has_register = fam.has_register and (rng.random() < 0.75 or pid in IFRAME_WIDGETS or seed_for_portal(pid) is not None)
        if pid in IFRAME_WIDGETS:
            portal.widget_how, portal.widget_markup = "iframe", "igate"
            portal.widget_host = IFRAME_WIDGETS[pid][0]
        elif pid in JSON_WIDGETS:
            portal.widget_how, portal.widget_markup = "json", "camau"
            portal.widget_host = JSON_WIDGETS[pid]
        elif pid == "x-ngoclien-camgiang-haiduong":
            portal.widget_how, portal.widget_markup = "inline", "divs"
        elif rng.randrange(NO_WIDGET_EVERY) != 0:
            portal.widget_how, portal.widget_markup = "inline", rng.choice(["table", "list", "divs"])
        if portal.widget_host:
            portal.hosts.append(portal.widget_host)
        for old, new in OLD_DOMAINS.items():
            if new == pid:
                portal.hosts.append(old)
        if "http_to_https" in portal.faults:
            portal.hosts.append(portal.host)  # the same host over https: listed so allow-lists keep it
        self.portals[pid] = portal
        same = self._by_host.setdefault(portal.host, [])
        same.append(portal)
        same.sort(key=lambda q: len(q.base_path), reverse=True)

    # ------------------------------------------------------------------ articles
    def canonical_origin(self, portal: SimPortal) -> str:
        """Where the portal's pages really live (https when its http base redirects)."""
        if "http_to_https" in portal.faults:
            return "https://" + portal.host + portal.base_path
        return portal.origin

    def _mk(self, portal: SimPortal, doc: Doc, section: str, aid: int, rng: random.Random) -> SimArticle:
        return SimArticle(
            portal_id=portal.id, aid=aid, slug=slugify(doc.title), title=doc.title, published=doc.published,
            category=doc.category, is_cchc=doc.is_cchc, section=section, paragraphs=list(doc.paragraphs),
            summary=doc.summary, doc_number=doc.doc_number, plan_year=doc.plan_year, issuer=doc.issuer,
            in_sitemap=rng.random() > 0.1, in_listing=True,
        )

    def _base_articles(self, portal: SimPortal) -> list[SimArticle]:
        rng = rng_for(self.seed, portal.id, "articles")
        unit = unit_for(portal.name, portal.level, portal.province)
        docs: list[tuple[Doc, str]] = []
        cutoff = DAY_ONE - dt.timedelta(days=3)
        years = sorted(rng.sample(range(2020, 2027), k=rng.randint(2, 3)))
        for year in years:
            pub = None
            if year == 2026:
                pub = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randint(0, (cutoff - dt.date(2026, 1, 5)).days))
            if rng.random() < 0.8:
                docs.append((propaganda_plan(rng, unit, year, party=False, publish_on=pub), "cchc"))
            if unit.party and portal.level == "commune" and rng.random() < 0.6:
                docs.append((propaganda_plan(rng, unit, year, party=True, publish_on=pub), "cchc"))
            if rng.random() < 0.6:
                docs.append((cchc_plan(rng, unit, year, publish_on=pub), "cchc"))
            if year < 2026 and rng.random() < 0.4:
                docs.append((report(rng, unit, year), "cchc"))
        n_news = rng.randint(3, 7)
        topics = rng.sample(range(len(NEWS_TOPICS)), n_news)
        for t in topics:
            day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, (cutoff - dt.date(2022, 1, 1)).days))
            docs.append((news(rng, unit, day, t), "news"))
        docs = [(d, s) for d, s in docs if d.published.date() < DAY_ONE]
        # keep portals small: 6..15 items
        cchc_docs = [x for x in docs if x[1] == "cchc"][:8]
        if not cchc_docs:
            cchc_docs = [(propaganda_plan(rng, unit, 2024, party=False), "cchc")]
        docs = cchc_docs + [x for x in docs if x[1] == "news"]
        docs.sort(key=lambda x: x[0].published)
        base = rng.randint(2000, 90000) * (100 if portal.family == "liferay62" else 1)
        arts: list[SimArticle] = []
        aid = base
        seed = seed_for_portal(portal.id)
        for doc, section in docs:
            aid += rng.randint(3, 40)
            arts.append(self._mk(portal, doc, section, aid, rng))
        if seed is not None:
            arts.extend(self._seed_articles(portal, seed, unit, aid + 97, rng))
        self._add_files(portal, arts, rng)
        if portal.has_register:
            arts.extend(self._register_docs(portal, arts, unit, rng))
        return arts

    def _link_from_home_only(self, portal: SimPortal) -> None:
        """One CCHC article that the portal links only from its home page's featured block: in no
        listing, feed or sitemap (the third newest, so it is not merely the newest item either)."""
        cchc = sorted((a for a in self._articles[portal.id] if a.section == "cchc" and a.seed is None),
                      key=lambda a: a.published, reverse=True)
        if cchc:
            art = cchc[min(2, len(cchc) - 1)]
            art.in_listing = art.in_feed = art.in_sitemap = False

    def _seed_articles(self, portal: SimPortal, seed, unit, aid: int, rng: random.Random) -> list[SimArticle]:
        """The seed article and the items its "Tin mới nhất" list names, dated as the seed shows them."""
        out = []
        art = SimArticle(
            portal_id=portal.id, aid=aid, slug=slugify(seed.title), title=seed.title, published=seed.published,
            category=seed.category, is_cchc=True, section="cchc", paragraphs=list(seed.body),
            summary=seed.body[0][:200] if seed.body else "", doc_number=seed.doc_number, plan_year=seed.plan_year,
            issuer=seed.issuer, seed=seed.number, date_text=seed.date_line,
        )
        if seed.attachment_file:
            name = seed.attachment_file
            kind = "octet" if "." not in name else "pdf"
            filename = name if "." in name else f"KH-tuyen-truyen-CCHC-{seed.plan_year}.pdf"
            label = (seed.attachment_line or name).split(":")[-1].strip()
            art.files.append(SimFile(url="", kind=kind, filename=filename, label=label, title=seed.title,
                                     paragraphs=list(seed.body)))
        out.append(art)
        for i, (title, published) in enumerate(seed_related_titles(seed)):
            if title == seed.title:
                continue
            year = int(re.findall(r"năm (\d{4})", title)[0]) if re.findall(r"năm (\d{4})", title) else published.year
            doc = (propaganda_plan(rng, unit, year, party=False, publish_on=published.date()) if "Tuyên truyền" in title
                   else cchc_plan(rng, unit, year, publish_on=published.date()))
            doc.title, doc.published = title, published
            out.append(self._mk(portal, doc, "cchc", aid + 11 * (i + 1), rng))
        return out

    def _add_files(self, portal: SimPortal, arts: list[SimArticle], rng: random.Random) -> None:
        for a in arts:
            if a.seed is None and a.is_cchc and a.category != "report" and rng.random() < 0.4:
                kind = rng.choice(["pdf", "pdf", "docx"])
                fname = f"{slugify(a.doc_number or a.title, 40)}.{ 'docx' if kind == 'docx' else 'pdf'}"
                a.files.append(SimFile(url="", kind=kind, filename=fname, label=fname, title=a.title,
                                       paragraphs=list(a.paragraphs)))

    def _register_docs(self, portal: SimPortal, arts: list[SimArticle], unit, rng: random.Random) -> list[SimArticle]:
        """The "Văn bản chỉ đạo điều hành" register: copies of some published plans plus plans found only here."""
        out: list[SimArticle] = []
        base = rng.randint(100, 9000)
        plans = [a for a in arts if a.is_cchc and a.seed is None][:3]
        docs: list[Doc] = []
        for a in plans:
            docs.append(Doc(title=a.title, category=a.category, is_cchc=True, paragraphs=list(a.paragraphs),
                            summary=a.summary, published=a.published, doc_number=a.doc_number, issuer=a.issuer,
                            plan_year=a.plan_year))
        n_only = rng.randint(1, 2)
        for i in range(n_only):
            year = rng.choice([2021, 2022, 2023, 2024, 2025])
            docs.append(propaganda_plan(rng, unit, year, party=False) if i == 0 else cchc_plan(rng, unit, year))
        docs.sort(key=lambda d: d.published)
        for i, d in enumerate(docs):
            reg = SimArticle(
                portal_id=portal.id, aid=base + 7 * i, slug=slugify(d.title), title=d.title, published=d.published,
                category=d.category, is_cchc=True, section="register", paragraphs=list(d.paragraphs),
                summary=d.summary, doc_number=d.doc_number, plan_year=d.plan_year, issuer=d.issuer,
                in_feed=False, in_sitemap=False, in_listing=False, in_register=True,
                register_only=not any(p.doc_number == d.doc_number and p.title == d.title for p in plans),
            )
            kind = "pdf"
            if portal.id == "p-dienbien" and reg.register_only:
                kind = "scan_pdf"
            elif portal.id == "p-cantho" and i == 0:
                kind = "doc"
            elif rng.random() < 0.3:
                kind = "docx"
            ext = {"pdf": "pdf", "scan_pdf": "pdf", "doc": "doc", "docx": "docx"}[kind]
            stem = slugify(d.doc_number or d.title, 40)
            fname = f"{stem}_signed.pdf" if kind == "pdf" and rng.random() < 0.3 else f"{stem}.{ext}"
            reg.files.append(SimFile(url="", kind=kind, filename=fname, label=fname, title=d.title,
                                     paragraphs=list(d.paragraphs)))
            out.append(reg)
        return out

    # ------------------------------------------------------------------ days
    def _healthy_ids(self) -> list[str]:
        """Registry portals without faults (generated extras never change, so a benchmark network and a
        test network show the same day-to-day changes; nor do portals of the layout table, so adding
        one leaves every other portal's days as they were)."""
        return sorted(pid for pid, p in self.portals.items() if not p.faults and p.in_registry and not p.extra and not p.layout)

    def _apply_day(self, k: int) -> None:
        """Day k's changes: new plans on some portals, one edit, one removal, a portal down on day 2."""
        rng = rng_for(self.seed, "day", k)
        when = date_of_day(k)
        healthy = self._healthy_ids()
        for pid in rng.sample(healthy, min(3, len(healthy))):
            portal = self.portals[pid]
            unit = unit_for(portal.name, portal.level, portal.province)
            prng = rng_for(self.seed, pid, "day", k)
            doc = (propaganda_plan(prng, unit, when.year, party=False, publish_on=when) if prng.random() < 0.6
                   else cchc_plan(prng, unit, when.year, publish_on=when))
            arts = self._articles[pid]
            aid = max(a.aid for a in arts if a.section != "register") + prng.randint(5, 30)
            art = self._mk(portal, doc, "cchc", aid, prng)
            art.added_on_day = k
            art.in_sitemap = True
            arts.append(art)
            self.changes.append(Change(k, "added", pid, art))
        def pick(exclude: set[int], cchc_only: bool) -> tuple[str, SimArticle]:
            """A portal and one of its live, non-seed articles (a CCHC one when `cchc_only`)."""
            while True:
                pid = rng.choice(healthy)
                cands = [a for a in self._articles[pid] if a.seed is None and not a.removed and a.section != "register"
                         and id(a) not in exclude and a.added_on_day < k and (a.is_cchc or not cchc_only)]
                if cands:
                    return pid, rng.choice(sorted(cands, key=lambda a: a.aid))
        pid, edited = pick(set(), cchc_only=True)
        edited.edited = True
        edited.modified = dt.datetime(when.year, when.month, when.day, 9, 0, tzinfo=VN_TZ)
        edited.paragraphs.append(
            f"Cập nhật ngày {when.day}/{when.month}/{when.year}: điều chỉnh thời gian thực hiện một số nội dung của kế hoạch cho phù hợp tình hình thực tế."
        )
        self.changes.append(Change(k, "edited", pid, edited))
        pid, removed = pick({id(edited)}, cchc_only=False)
        removed.removed = True
        self.changes.append(Change(k, "removed", pid, removed))
        if k == DOWN_DAY:
            for pid, p in self.portals.items():
                if "down_day2" in p.faults:
                    self.changes.append(Change(k, "down", pid, None))

    def _apply_extra_day(self, k: int) -> None:
        """Day k's changes on the generated extras (benchmarks only, `extra_churn` > 0): a new CCHC plan
        on that share of them, an edit and a removal on a third as many. A random stream of its own,
        so the registry portals' changes are the same with or without it."""
        extras = sorted(pid for pid, p in self.portals.items() if p.extra)
        if not extras:
            return
        rng = rng_for(self.seed, "extra-day", k)
        when = date_of_day(k)
        n_new = max(1, round(self.extra_churn * len(extras)))
        for pid in rng.sample(extras, min(n_new, len(extras))):
            portal = self.portals[pid]
            unit = unit_for(portal.name, portal.level, portal.province)
            prng = rng_for(self.seed, pid, "extra-day", k)
            doc = cchc_plan(prng, unit, when.year, publish_on=when)
            arts = self._articles[pid]
            aid = max(a.aid for a in arts if a.section != "register") + prng.randint(5, 30)
            art = self._mk(portal, doc, "cchc", aid, prng)
            art.added_on_day = k
            art.in_sitemap = True
            arts.append(art)
            self.changes.append(Change(k, "added", pid, art))
        for kind in ("edited", "removed"):
            for pid in rng.sample(extras, min(max(1, n_new // 3), len(extras))):
                cands = sorted((a for a in self._articles[pid] if a.seed is None and not a.removed and not a.edited
                                and a.section != "register" and a.added_on_day < k), key=lambda a: a.aid)
                if not cands:
                    continue
                art = rng.choice(cands)
                if kind == "edited":
                    art.edited = True
                    art.modified = dt.datetime(when.year, when.month, when.day, 9, 0, tzinfo=VN_TZ)
                    art.paragraphs.append(f"Cập nhật ngày {when.day}/{when.month}/{when.year}: bổ sung nội dung thực hiện.")
                else:
                    art.removed = True
                self.changes.append(Change(k, kind, pid, art))

    # ------------------------------------------------------------------ urls, flags
    def _finalize(self, portal: SimPortal) -> None:
        fam = family(portal.family)
        origin = self.canonical_origin(portal)
        arts = self._articles[portal.id]
        for a in arts:
            a.url = origin + (fam.register_detail_path(a) if a.section == "register" else fam.article_path(a))
            for n, f in enumerate(a.files):
                f.url = origin + fam.file_path(a, f.filename if f.kind != "octet" else "tai-file", n)
            if a.section != "register":
                a.in_sitemap = a.in_sitemap and fam.has_sitemap
        visible = sorted((a for a in arts if a.section != "register" and not a.removed), key=lambda a: a.published, reverse=True)
        ranks: dict[str, int] = {}
        for a in visible:
            if not a.in_listing:  # linked from the home page only
                a.in_feed = False
                continue
            ranks[a.section] = ranks.get(a.section, 0) + 1
            a.in_feed = fam.has_rss and ranks[a.section] <= FEED_LIMIT
        for a in arts:
            if a.removed or a.section == "register":
                a.in_feed = False

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

