"""Templates of the five CMS families, modelled on real markup in shared/portal-evidence.

Each family decides its URL patterns (article, category listing and its pagination, document
register, files, RSS, sitemap) and its markup (class names, date formats, visitor counter). The
server and :func:`sim.render.render_seed_page` both render through these classes, so a fixture made
with one is the page a spider gets from the other.

One module per family (`tandan`, `sharepoint_vn`, `liferay`, `vnportal`, `nukeviet`), the common
skeleton in `base`, blocks all families render alike in `shared`. This package names the families
(`FAMILIES`, `family`) and re-exports the shared helpers so `from sim.families import X` keeps working
for code written before the split.
"""
from __future__ import annotations

from sim.families.base import Family, urlset
from sim.families.liferay import Liferay62
from sim.families.nukeviet import NukeViet
from sim.families.shared import (
    CCHC_LABEL,
    NEWS_LABEL,
    PAGE_SIZE,
    REGISTER_LABEL,
    body_html,
    calendar_path,
    file_links,
    home_widget,
    parse_target,
    seed_attachment_line,
    seed_related_titles,
    seed_widget_block,
    target_of,
    widget_block,
)
from sim.families.sharepoint_vn import SharePointVN
from sim.families.tandan import TanDanSP
from sim.families.vnportal import VnPortal

__all__ = [
    "CCHC_LABEL", "FAMILIES", "NEWS_LABEL", "PAGE_SIZE", "REGISTER_LABEL", "Family", "Liferay62", "NukeViet",
    "SharePointVN", "TanDanSP", "VnPortal", "body_html", "calendar_path", "family", "file_links", "home_widget",
    "parse_target", "seed_attachment_line", "seed_related_titles", "seed_widget_block", "target_of", "urlset",
    "widget_block",
]

FAMILIES: dict[str, Family] = {f.id: f for f in (TanDanSP(), SharePointVN(), Liferay62(), VnPortal(), NukeViet())}


def family(name: str) -> Family:
    """The template set for a registry `cms` value (unknown families get the SharePoint layout)."""
    return FAMILIES.get(name, FAMILIES["sharepoint_vn"])
