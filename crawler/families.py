"""CMS-family profiles: what a family's URLs look like and where it usually keeps feeds and lists.

A portal's behaviour comes from data (its registry row and its family's profile), never from code
written for that portal. Patterns come from real portals (shared/portal-evidence/NOTES.md). A
profile only *suggests*: registry values come first, then what the home page advertises (feeds in
<link rel="alternate">, sitemaps in robots.txt, menu links about CCHC), then these defaults.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class FamilyProfile:
    name: str
    article: re.Pattern[str]
    """Matches the path+query of an article URL."""
    page_params: tuple[str, ...] = ()
    """Query parameters that carry the page number of a listing."""
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    registers: tuple[str, ...] = ()
    not_article: re.Pattern[str] | None = None


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
        page_params=("PageIndex",),
        listings=("/portal/Pages/Cai-cach-hanh-chinh.aspx",),
        registers=("/portal/Pages/Van-ban-chi-dao-dieu-hanh.aspx",),
    ),
    "sharepoint_vn": FamilyProfile(
        name="sharepoint_vn",
        article=re.compile(r"/Trang/ChiTietTinTuc\.aspx\?(?:.*&)?nid=\d+", re.I),
        page_params=("Page", "PageIndex", "p"),
        listings=("/Trang/Tin-tuc-su-kien.aspx",),
        registers=("/Trang/VanBan.aspx",),
    ),
    "liferay62": FamilyProfile(
        name="liferay62",
        article=re.compile(r"/-/view_content/\d+-", re.I),
        page_params=("_101_cur", "cur"),
        sitemaps=("/sitemap.xml",),
    ),
    "vnportal": FamilyProfile(
        name="vnportal",
        article=re.compile(r"^/[a-z0-9-]+(?:-\d+)?/[a-z0-9-]+-\d{3,}(?:[?#]|$)", re.I),
        page_params=("pageindex", "PageIndex", "page"),
        sitemaps=("/sitemap.xml",),
    ),
    "nukeviet": FamilyProfile(
        name="nukeviet",
        article=re.compile(r"^/(?:vi/)?news/[^/]+/[^/?#]+-\d+\.html", re.I),
        page_params=("page",),
        feeds=("/vi/news/rss/",),
        sitemaps=("/sitemap.xml",),
    ),
    "unknown": FamilyProfile(name="unknown", article=_GENERIC_ARTICLE),
}


def profile(name: str | None) -> FamilyProfile:
    """The profile for a family id; unknown ids fall back to generic heuristics."""
    return FAMILIES.get(name or "unknown", FAMILIES["unknown"])


def detect_family(html: str) -> str:
    """Guess the CMS family of a page from markers every page of that family carries."""
    h = html[:200_000]
    if "tandan-" in h or "/portal/Pages/" in h:
        return "tandan_sp"
    if "/Trang/ChiTietTinTuc.aspx" in h or "/Trang/" in h and "SharePoint" in h:
        return "sharepoint_vn"
    if "/-/view_content/" in h or "Liferay" in h or "p_p_id=" in h:
        return "liferay62"
    if "NukeViet" in h or "/vi/news/" in h or "nv_" in h:
        return "nukeviet"
    if "vnportal" in h.lower() or "vnptweb" in h.lower() or "ArticleList" in h:
        return "vnportal"
    return "unknown"


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
