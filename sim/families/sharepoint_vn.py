"""Vietnamese SharePoint portals: the layout unknown families fall back to."""
from __future__ import annotations

import datetime as dt

from sim.families.base import Family
from sim.families.shared import _page_of, body_html, file_links, seed_attachment_line
from sim.model import SimArticle
from sim.seeds import SeedDoc
from sim.textfmt import dmy, esc
from sim.view import PortalView


class SharePointVN(Family):
    """SharePoint with the Vietnamese-locale Pages library (/Trang/ChiTietTinTuc.aspx?nid=)."""

    id = "sharepoint_vn"
    has_register = True
    cat_ids = {"cchc": 82, "news": 12}
    main_class = "main-content col-md-9"
    sidebar_class = "right-col col-md-3"
    register_issuer_column = False

    def article_path(self, art: SimArticle) -> str:
        return f"/Trang/ChiTietTinTuc.aspx?nid={art.aid}"

    def listing_path(self, section: str, page: int = 1) -> str:
        if section == "all":  # the page without a category shows every item
            return "/Trang/Tin-tuc-su-kien.aspx" if page == 1 else f"/Trang/Tin-tuc-su-kien.aspx?Page={page}"
        base = f"/Trang/Tin-tuc-su-kien.aspx?Cat={self.cat_ids[section]}"
        return base if page == 1 else f"{base}&Page={page}"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        if path.lower() != "/trang/tin-tuc-su-kien.aspx":
            return None
        if "Cat" not in qs:
            page = _page_of(qs, "Page")
            return ("all", page) if page else None
        cat = qs.get("Cat", [""])[0]
        section = {str(v): k for k, v in self.cat_ids.items()}.get(cat)
        page = _page_of(qs, "Page")
        return (section, page) if section and page else None

    def register_path(self, page: int = 1) -> str | None:
        return "/Trang/VanBan.aspx" if page == 1 else f"/Trang/VanBan.aspx?Page={page}"

    def parse_register(self, path: str, qs: dict[str, list[str]]) -> int | None:
        return _page_of(qs, "Page") if path.lower() == "/trang/vanban.aspx" else None

    def register_detail_path(self, art: SimArticle) -> str:
        return f"/Trang/ChiTietVanBan.aspx?vbid={art.aid}"

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        lst = "VanBan" if art.in_register else "TinTuc"
        return f"/Lists/{lst}/Attachments/{art.aid}/{filename}"

    def home_paths(self) -> list[str]:
        return ["/", "/Trang/Default.aspx"]

    def article_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} {t:%H:%M:%S}"

    def list_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} {t:%H:%M}"

    def article_main(self, view: PortalView, art: SimArticle, seed: SeedDoc | None) -> str:
        attach = seed_attachment_line(seed, art) if seed else file_links(art)
        return (
            self.seed_top(seed)
            + f'<div class="news-detail"><h1 class="news-title">{esc(art.title)}</h1>'
            f'<div class="news-date">{esc(self.shown_date(art, seed))}</div>'
            f'<div class="news-content">{body_html(art)}{attach}</div></div>'
            + self.others_block(view, art, seed, "Các tin khác")
        )
