"""Plain data of the simulated world: portals, articles, files and widget figures.

These are the ground truth tests compare spiders against, so they carry canonical absolute URLs
and the flags saying through which discovery method each article is reachable.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class SimFile:
    """An attachment served by a portal (or its file host)."""

    url: str
    kind: str  # pdf | docx | doc | scan_pdf | octet (a PDF behind a link with no extension)
    filename: str  # the name given in Content-Disposition
    label: str  # link text on the page
    title: str  # the document's own heading, written into the file
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class SimArticle:
    """One published item: a news article, or a register row with its detail page."""

    portal_id: str
    aid: int
    slug: str
    title: str
    published: dt.datetime
    category: str  # propaganda_plan | plan | report | other
    is_cchc: bool
    section: str  # cchc | news  (which listing shows it)
    paragraphs: list[str]
    summary: str = ""
    doc_number: str | None = None
    plan_year: int | None = None
    issuer: str | None = None
    url: str = ""
    in_feed: bool = True
    in_sitemap: bool = True
    in_listing: bool = True
    in_register: bool = False
    register_only: bool = False
    files: list[SimFile] = field(default_factory=list)
    seed: int | None = None
    removed: bool = False
    edited: bool = False
    modified: dt.datetime | None = None  # when an edit changed it (its validators and sitemap lastmod follow)
    added_on_day: int = 1
    date_text: str | None = None  # a seed's own date line, shown verbatim in its native family

    @property
    def attachments(self) -> list[tuple[str, str]]:
        """(url, kind) of every attachment, as the issue's interface names them."""
        return [(f.url, f.kind) for f in self.files]


@dataclass
class WidgetFigures:
    """What a portal's TTHC widget shows today, and how it is delivered."""

    how: str  # inline | iframe | json
    markup: str  # table | list | divs | seed | igate | camau
    month: int
    year: int
    processed: int
    on_time: int
    late: int
    updated_at: dt.datetime
    url: str  # where the figures are read: the home page, the iframe page or the JSON API
    api_url: str | None = None
    unit_name: str = ""
    pending: int = 0
    received: int = 0

    @property
    def rate_on_time(self) -> float:
        """Share processed on time, in percent (what "đã giải quyết: NN%" shows)."""
        return 100.0 * self.on_time / self.processed if self.processed else 100.0

    @property
    def rate_late(self) -> float:
        """Share processed late, in percent ("Tỉ lệ trễ hạn")."""
        return 100.0 * self.late / self.processed if self.processed else 0.0


@dataclass
class SimPortal:
    """One virtual site the network serves (a registry row, an extra benchmark portal or an unlisted host)."""

    id: str
    name: str
    level: str
    province: str
    host: str
    base_url: str
    family: str
    hosts: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    in_registry: bool = True
    extra: bool = False
    parent: str = ""
    widget_how: str | None = None
    widget_markup: str | None = None
    widget_host: str | None = None
    file_host: str | None = None
    has_register: bool = False
    unit_code: str = ""
    layout: str = ""  # a theme of sim/layouts when the simulator's layout table serves this cms=unknown row
    options: tuple[str, ...] = ()  # the layout table's options (home_only, mixed, register)

    @property
    def scheme(self) -> str:
        return self.base_url.split(":", 1)[0]

    @property
    def base_path(self) -> str:
        """The sub-site path of a portal that shares its host ("/So/soxaydung"), else ""."""
        rest = self.base_url.split("://", 1)[1]
        path = rest[rest.find("/"):] if "/" in rest else "/"
        return path.rstrip("/")

    @property
    def origin(self) -> str:
        """scheme://host plus the sub-site path, without trailing slash."""
        return self.base_url.rstrip("/")

    @property
    def short_name(self) -> str:
        """The place name without its organ ("UBND tỉnh Lai Châu" -> "tỉnh Lai Châu")."""
        for prefix in ("UBND ", "Ủy ban nhân dân "):
            if self.name.startswith(prefix):
                return self.name[len(prefix):]
        return self.name
