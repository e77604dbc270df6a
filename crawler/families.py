"""CMS-family profiles: what a family's URLs look like and where it usually keeps feeds and lists.

A portal's behaviour comes from data (its registry row and its family's profile), never from code
written for that portal. Patterns come from real portals (shared/portal-evidence/NOTES.md). A
profile only *suggests*: registry values come first, then what the home page advertises (feeds in
<link rel="alternate">, sitemaps in robots.txt, menu links about CCHC), then these defaults.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import urljoin, urlsplit


@dataclass(frozen=True)
class Signature:
    """One trait every page of a family carries, as data: a pattern searched in the page's markup
    (`on="markup"`) or in the path?query of its same-host links (`on="links"`)."""

    label: str
    pattern: re.Pattern[str]
    on: str = "markup"


@dataclass(frozen=True)
class FamilyProfile:
    name: str
    article: re.Pattern[str]
    """Matches the path+query of an article URL."""
    article_shape: str = ""
    """The article URL as a person would write it, for evidence lines ("/vi/news/<cat>/<alias>-<id>.html")."""
    page_params: tuple[str, ...] = ()
    """Query parameters that carry the page number of a listing."""
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    registers: tuple[str, ...] = ()
    not_article: re.Pattern[str] | None = None
    markers: tuple[Signature, ...] = ()
    """Traits besides the article URLs (class-name prefixes, portlet parameters, file paths)."""

    @property
    def signatures(self) -> tuple[Signature, ...]:
        """What `detect` looks for: the article URLs first, then the markers."""
        if not self.article_shape:
            return self.markers
        return (Signature(f"article links {self.article_shape}", self.article, "links"), *self.markers)


_GENERIC_ARTICLE = re.compile(
    r"""(
        /\d{4}[-/]\d{1,2}[-/]\d{1,2}/[^/?#]+   # dated path segment
      | [-_/](?:\d{3,})(?:\.html?|\.aspx|\.php)?(?:[?#]|$)   # slug ending in a numeric id
      | [?&](?:nid|id|newsid|ItemID|articleId|id_tb)=\d+
    )""",
    re.IGNORECASE | re.VERBOSE,
)

_GENERIC_NOT_ARTICLE = re.compile(
    r"(\.(?:jpe?g|png|gif|svg|css|js|ico|pdf|docx?|xlsx?|zip|rar)(?:[?#]|$))|/(?:rss|feed|sitemap|search|tim-kiem|dang-nhap|login)\b",
    re.IGNORECASE,
)

FAMILIES: dict[str, FamilyProfile] = {
    "tandan_sp": FamilyProfile(
        name="tandan_sp",
        article=re.compile(r"^/portal/pages/\d{4}-\d{1,2}-\d{1,2}/[^/?#]+\.aspx", re.I),
        article_shape="/portal/Pages/<date>/<slug>.aspx",
        page_params=("PageIndex",),
        listings=("/portal/Pages/Cai-cach-hanh-chinh.aspx",),
        registers=("/portal/Pages/Van-ban-chi-dao-dieu-hanh.aspx",),
        markers=(
            Signature('class names "tandan-…"', re.compile(r"""class=["'][^"']*\btandan-""", re.I)),
            Signature("pages /portal/Pages/<name>.aspx", re.compile(r"^/portal/pages/[^/?#]+\.aspx", re.I), "links"),
        ),
    ),
    "sharepoint_vn": FamilyProfile(
        name="sharepoint_vn",
        article=re.compile(r"/Trang/ChiTietTinTuc\.aspx\?(?:.*&)?nid=\d+", re.I),
        article_shape="/Trang/ChiTietTinTuc.aspx?nid=<id>",
        page_params=("Page", "PageIndex", "p"),
        listings=("/Trang/Tin-tuc-su-kien.aspx",),
        registers=("/Trang/VanBan.aspx",),
        markers=(
            Signature("pages /Trang/<name>.aspx", re.compile(r"^(?:/[^/?#]+/[^/?#]+)?/Trang/[^/?#]+\.aspx", re.I), "links"),
            Signature("attachments /Lists/<list>/Attachments/", re.compile(r"/Lists/[^/\"']+/Attachments/", re.I)),
        ),
    ),
    "liferay62": FamilyProfile(
        name="liferay62",
        article=re.compile(r"/-/view_content/\d+-", re.I),
        article_shape="/<category>/-/view_content/<id>-<slug>",
        page_params=("_101_cur", "cur"),
        sitemaps=("/sitemap.xml",),
        markers=(
            Signature("portlet URLs (p_p_id=)", re.compile(r"[?&](?:amp;)?p_p_id=")),
            Signature("portlet markup (portlet-boundary)", re.compile(r"\bportlet-boundary\b")),
            Signature("document library /c/document_library/ or /documents/<group>/",
                      re.compile(r"/c/document_library/|/documents/\d+/\d+/")),
        ),
    ),
    "vnportal": FamilyProfile(
        name="vnportal",
        article=re.compile(r"^/[a-z0-9-]+(?:-\d+)?/[a-z0-9-]+-\d{3,}(?:[?#]|$)", re.I),
        article_shape="/<category>/<slug>-<id>",
        page_params=("pageindex", "PageIndex", "page"),
        sitemaps=("/sitemap.xml",),
        markers=(
            Signature("list blocks ArticleList/ArticleInMenu", re.compile(r"""class=["'](?:ArticleList|ArticleInMenu)\b""")),
            Signature("VNPT vnportal hosts (vnportal, vnptweb)", re.compile(r"vnportal|vnptweb", re.I)),
        ),
    ),
    "nukeviet": FamilyProfile(
        name="nukeviet",
        article=re.compile(r"^/(?:vi/)?news/[^/]+/[^/?#]+-\d+\.html", re.I),
        article_shape="/vi/news/<category>/<alias>-<id>.html",
        page_params=("page",),
        feeds=("/vi/news/rss/",),
        sitemaps=("/sitemap.xml",),
        markers=(
            Signature("news module pages /vi/news/<category>/", re.compile(r"^/(?:vi/)?news/[^/?#.]+/(?:page-\d+/)?$", re.I), "links"),
            Signature("NukeViet markup (NukeViet, nv_ scripts)", re.compile(r"NukeViet|\bnv_[a-z_]+\(")),
        ),
    ),
    "unknown": FamilyProfile(name="unknown", article=_GENERIC_ARTICLE),
}


def profile(name: str | None) -> FamilyProfile:
    """The profile for a family id; unknown ids fall back to generic heuristics."""
    return FAMILIES.get(name or "unknown", FAMILIES["unknown"])


@dataclass(frozen=True)
class Evidence:
    """A signature that matched a page: how often, and one example (a link path or a markup snippet)."""

    family: str
    label: str
    count: int
    example: str


@dataclass(frozen=True)
class Detection:
    """Which family a page matches (`unknown` when none does clearly) and why."""

    family: str
    evidence: tuple[Evidence, ...]
    """Evidence for `family`; for `unknown`, whatever matched weakly."""
    generator: str | None = None
    """The page's own `<meta name="generator">`, a hint even when no profile matches (WordPress, Joomla!…)."""


MIN_SCORE = 2  # two article links, or one link and one marker, or two markers
_CAP = 10  # one signature cannot outvote the others by sheer repetition
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']+)["']""", re.I)
_GENERATOR = re.compile(r"""<meta[^>]+name=["']generator["'][^>]+content=["']([^"']+)["']|<meta[^>]+content=["']([^"']+)["'][^>]+name=["']generator["']""", re.I)


def _same_host_paths(html: str, url: str) -> list[str]:
    """path?query of the page's links to its own host (one regex pass over the markup)."""
    host = (urlsplit(url).hostname or "").lower()
    out = []
    for m in _HREF.finditer(html):
        parts = urlsplit(urljoin(url, unescape(m.group(1).strip())))
        if (parts.hostname or "").lower() == host:
            out.append(parts.path + (("?" + parts.query) if parts.query else ""))
    return out


def detect(html: str, url: str) -> Detection:
    """The family whose signatures (`FamilyProfile.signatures`) a page matches best, with the
    evidence; `unknown` when no family reaches `MIN_SCORE`. Linear in the page: one pass for the
    links, one regex scan per signature."""
    page = html[:2_000_000]
    paths = _same_host_paths(page, url)
    scores: dict[str, int] = {}
    found: dict[str, list[Evidence]] = {}
    for name, prof in FAMILIES.items():
        for sig in prof.signatures:
            if sig.on == "links":
                hits = [p for p in paths if sig.pattern.search(p)]
                count, example = len(hits), (hits[0] if hits else "")
            else:
                matches = list(itertools.islice(sig.pattern.finditer(page), 1000))
                count, example = len(matches), (matches[0].group(0) if matches else "")
            if count:
                found.setdefault(name, []).append(Evidence(name, sig.label, count, example[:120]))
                scores[name] = scores.get(name, 0) + min(count, _CAP)
    m = _GENERATOR.search(page)
    generator = (m.group(1) or m.group(2)).strip() if m else None
    best = max(scores, key=lambda k: scores[k], default=None)
    if best is None or scores[best] < MIN_SCORE:
        weak = tuple(e for ev in found.values() for e in ev)
        return Detection("unknown", weak, generator)
    return Detection(best, tuple(found[best]), generator)


def is_article_url(url: str, family: str | None) -> bool:
    """True when `url` looks like an article of `family` (or, failing that, of any family)."""
    parts = urlsplit(url)
    path_q = parts.path + (("?" + parts.query) if parts.query else "")
    if _GENERIC_NOT_ARTICLE.search(path_q):
        return False
    prof = profile(family)
    if prof.article.search(path_q):
        return True
    return any(p.article.search(path_q) for p in FAMILIES.values() if p is not prof)
