"""What the unprofiled themes share: which items a page shows. Markup is each theme's own.

A theme here is a `sim.families.Family` (URLs, dates, chrome) for a CMS the crawler has no profile
for. The items a theme shows follow the portal's options from `sim/data/layouts.csv`:
`mixed` (the CCHC category also lists ordinary news, as small portals with one news category do) and
`home_only` (an article linked only from the home page's featured block).
"""
from __future__ import annotations

from sim.families import CCHC_LABEL, NEWS_LABEL, REGISTER_LABEL, Family, home_widget
from sim.model import SimArticle
from sim.view import PortalView

__all__ = ["CCHC_LABEL", "NEWS_LABEL", "REGISTER_LABEL", "ThemeLayout"]


class ThemeLayout(Family):
    """A real CMS theme outside the five families; subclasses give URLs and markup."""

    page_size = 4
    latest_label = "Tin mới nhất"
    popular_label = "Tin xem nhiều"

    # ---- items ------------------------------------------------------------------------------
    def listing_items(self, view: PortalView, section: str) -> list[SimArticle]:
        if section == "cchc" and "mixed" in view.portal.options:
            return [a for a in view.articles if a.in_listing]
        return view.section_items(section)

    def featured(self, view: PortalView) -> list[SimArticle]:
        """The home page's featured block: articles linked from nowhere else, then the newest CCHC items."""
        only = [a for a in view.articles if not a.in_listing]
        return only + [a for a in view.section_items("cchc")[:2] if a not in only]

    def latest(self, view: PortalView, n: int = 5) -> list[SimArticle]:
        return [a for a in view.articles if a.in_listing][:n]

    def popular(self, view: PortalView, n: int = 5) -> list[SimArticle]:
        """"Xem nhiều": a stable order that is not the date order (hits are not stored)."""
        return sorted(self.latest(view, 50), key=lambda a: (a.aid * 7919) % 1009)[:n]

    def hits(self, art: SimArticle) -> int:
        return (art.aid * 37) % 2000 + 41

    def section_of(self, art: SimArticle) -> str:
        return "cchc" if art.section == "cchc" else "news"

    def label_of(self, section: str) -> str:
        return CCHC_LABEL if section == "cchc" else NEWS_LABEL

    def pages_of(self, view: PortalView, section: str) -> int:
        return max(1, -(-len(self.listing_items(view, section)) // self.page_size))

    # ---- pages ------------------------------------------------------------------------------
    def render_home(self, view: PortalView) -> str:
        return self.page(view, view.portal.name, self.home_main(view), home_widget(view))

    def render_listing(self, view: PortalView, section: str, page: int) -> str | None:
        pages = self.pages_of(view, section)
        if page > pages:
            return None
        chunk = self.listing_items(view, section)[(page - 1) * self.page_size: page * self.page_size]
        label = self.label_of(section)
        return self.page(view, f"{label} - {view.portal.name}", self.listing_main(view, section, chunk, page, pages))

    def render_article(self, view: PortalView, art: SimArticle) -> str:
        return self.page(view, f"{art.title} - {view.portal.name}", self.article_main(view, art, None))

    def home_main(self, view: PortalView) -> str:
        raise NotImplementedError

    def listing_main(self, view: PortalView, section: str, chunk: list[SimArticle], page: int, pages: int) -> str:
        raise NotImplementedError

    def footer_text(self, view: PortalView) -> list[str]:
        p = view.portal
        return [
            f"Bản quyền © {view.observed.year} {p.name}",
            f"Chịu trách nhiệm chính: Chủ tịch {p.name.replace('UBND', 'Ủy ban nhân dân')}",
            f"Địa chỉ: Trụ sở {p.name}, {p.province}",
            f"Ghi rõ nguồn '{p.origin}' khi phát hành lại thông tin từ trang này.",
        ]
