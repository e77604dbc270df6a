"""Every spider module imports, defines one spider named after its file, and Scrapy lists them."""
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import scrapy

import crawler.spiders
from crawler.spiders.base import PortalSpider

HELPERS = {"base", "paging"}
ROOT = Path(__file__).resolve().parents[2]


def spider_modules():
    return sorted(m.name for m in pkgutil.iter_modules(crawler.spiders.__path__) if m.name not in HELPERS)


def test_the_discovery_methods_exist():
    assert spider_modules() == ["feeds", "index766", "listings", "recheck", "registers", "sitemaps", "widget"]


def test_each_module_defines_one_spider_named_after_its_file():
    for name in spider_modules():
        mod = importlib.import_module(f"crawler.spiders.{name}")
        spiders = [
            obj for obj in vars(mod).values()
            if isinstance(obj, type) and issubclass(obj, scrapy.Spider) and obj.__module__ == mod.__name__
        ]
        assert len(spiders) == 1, name
        assert spiders[0].name == name
        assert issubclass(spiders[0], PortalSpider)
        assert spiders[0].discovery == name


def test_scrapy_list_from_the_root():
    out = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["feeds", "index766", "listings", "recheck", "registers", "sitemaps", "widget"]


def _spider_classes() -> list[type[PortalSpider]]:
    out = []
    for name in spider_modules():
        mod = importlib.import_module(f"crawler.spiders.{name}")
        out += [obj for obj in vars(mod).values() if isinstance(obj, type) and issubclass(obj, PortalSpider)
                and obj.__module__ == mod.__name__]
    return out


def test_no_callback_is_a_generator_that_returns_a_value():
    """What Scrapy's WARN_ON_GENERATOR_RETURN_VALUE checked at every response (settings.py turns it
    off: its cache never hit), checked once per callback here: a ``return value`` inside a generator
    callback is silently dropped by Scrapy."""
    from scrapy.utils.misc import is_generator_with_return_value

    checked = []
    for cls in [*_spider_classes(), PortalSpider]:
        for attr in dir(cls):
            if attr.startswith(("parse", "on_", "errback")) and callable(getattr(cls, attr)):
                func = getattr(cls, attr)
                assert not is_generator_with_return_value(func), f"{cls.__name__}.{attr}"
                checked.append(f"{cls.__name__}.{attr}")
    assert "ListingsSpider.parse_listing" in checked and "PortalSpider.on_error" in checked


def test_the_per_response_generator_check_is_off():
    from scrapy.utils.project import get_project_settings

    assert get_project_settings().getbool("WARN_ON_GENERATOR_RETURN_VALUE") is False
