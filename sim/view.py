"""What one portal shows on one day: the inputs every template needs, computed once per (day, portal)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from core.vntext import fold
from sim.model import SimArticle, SimFile, SimPortal, WidgetFigures


@dataclass
class Counter:
    """Visitor-counter figures for the day (they move from day to day, never within a day)."""

    online: int
    today: int
    week: int
    month: int
    total: int


@dataclass
class PortalView:
    """A portal as served on one day: visible items newest first, widget, counter, navigation."""

    portal: SimPortal
    observed: dt.date
    articles: list[SimArticle]  # visible news articles (not removed, not in the future), newest first
    registers: list[SimArticle]  # visible register documents, newest first
    widget: WidgetFigures | None
    counter: Counter
    endless_calendar: bool = False
    robots_disallow: list[str] = field(default_factory=list)
    _by_target: dict[str, SimArticle] = field(default_factory=dict)
    _files: dict[str, tuple[SimFile, SimArticle]] = field(default_factory=dict)

    def index(self, target_of: Callable[[str], str]) -> None:
        """Build the request-target lookups once; `target_of(url)` gives path?query of a URL."""
        for art in self.articles + self.registers:
            self._by_target[target_of(art.url)] = art
            for f in art.files:
                self._files[target_of(f.url)] = (f, art)

    def article_at(self, target: str) -> SimArticle | None:
        return self._by_target.get(target)

    def file_at(self, target: str) -> tuple[SimFile, SimArticle] | None:
        return self._files.get(target)

    def section_items(self, section: str) -> list[SimArticle]:
        """Items a category listing shows, newest first."""
        return [a for a in self.articles if (section == "all" or a.section == section) and a.in_listing]

    def feed_items(self, section: str | None = None, limit: int = 20) -> list[SimArticle]:
        """Items the RSS feed carries (the newest `limit`)."""
        items = [a for a in self.articles if a.in_feed and (section is None or a.section == section)]
        return items[:limit]

    def sitemap_items(self) -> list[SimArticle]:
        return [a for a in self.articles if a.in_sitemap]

    def others(self, art: SimArticle, n: int = 5) -> list[SimArticle]:
        """The "Tin khác" list under an article: other items of the same section, newest first."""
        same = [a for a in self.articles if a is not art and a.section == art.section and a.in_listing]
        return same[:n]

    def find_by_title(self, title: str) -> SimArticle | None:
        key = fold(title)
        for a in self.articles:
            if fold(a.title) == key:
                return a
        return None
