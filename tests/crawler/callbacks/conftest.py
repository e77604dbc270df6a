"""Spiders for the callback tests: built from a crawler (so stats and settings exist) over a small
registry of the saved pages' portals, with time frozen on the day the pages were saved."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import time_machine
from callback_pages import page_meta
from scrapy.utils.test import get_crawler

from crawler.spiders.base import _REQUESTED_ARTICLES, PortalSpider

# The registry rows of the saved pages' portals, as the bundled registry has them (crawler/data/portals.csv).
REGISTRY = """# callback tests
id,name,level,province,parent,base_url,cms,feeds,sitemaps,listings,registers,hosts,widget_url,unit_code,unverified,notes,kind
p-phutho,UBND tỉnh Phú Thọ,province,Phú Thọ,,https://phutho.gov.vn/,nukeviet,,,,,,,,,,
p-cantho,UBND thành phố Cần Thơ,province,Cần Thơ,,https://cantho.gov.vn/,tandan_sp,,,,,,,,,,
p-dienbien,UBND tỉnh Điện Biên,province,Điện Biên,,https://dienbien.gov.vn/,tandan_sp,,,,,dichvucong.dienbien.gov.vn,,,,,
vn-dvcqg-766,Cổng Dịch vụ công quốc gia,,,,https://dichvucong.gov.vn/,,,,,,,,,,,national_index
"""

#: the simulated day the pages were saved on (scripts/save_callback_pages.py: seed 0, day 1)
OBSERVED = dt.date.fromisoformat(page_meta("news_home")["observed_on"])
NOW = dt.datetime.combine(OBSERVED, dt.time(12, 0), tzinfo=dt.timezone(dt.timedelta(hours=7)))

S = TypeVar("S", bound=PortalSpider)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The saved pages' day, for dates the spiders compute (cut-offs, fetch times), and no article
    remembered from another test (the spiders share one set per process, as in a crawl)."""
    monkeypatch.delenv("CCHC_OBSERVED_ON", raising=False)
    _REQUESTED_ARTICLES.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    _REQUESTED_ARTICLES.clear()


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "portals.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


@pytest.fixture
def make_spider(registry: Path) -> Callable[..., Any]:
    """`make_spider(SpiderClass, sources="p-phutho", settings={...}, **kwargs)`: the spider as `scrapy crawl`
    builds it (the settings are the crawl's, the keyword arguments the spider's `-a` arguments)."""
    def build(cls: type[S], sources: str, settings: dict[str, Any] | None = None, **kwargs: Any) -> S:
        return cls.from_crawler(get_crawler(cls, settings_dict=settings), sources=sources, registry=str(registry),
                                **kwargs)
    return build
