"""The egg `cchc` deploys to Scrapyd: `python -m crawler.scrapyd_egg DIR` writes it into DIR.

Why a thin egg rather than ``setup.py bdist_egg`` of the whole tree (what scrapyd-deploy builds):
Scrapyd runs a job with the egg as a zip on ``sys.path``, and the project reads files that ship beside
its code as real files — the bundled registry (``crawler/data``), Alembic's migration folder
(``storage/migrations``), the simulator's data — which a zipped egg does not have. The Scrapyd host
therefore installs the project as an ordinary package (``pip install``, with its pinned dependencies,
which an egg cannot carry anyway), and the egg carries only what Scrapyd needs from a project: the
``scrapy`` entry point naming the settings module, here a module that re-exports the installed
project's `settings`. A new egg version is needed only when the installed package changes.
"""
from __future__ import annotations

import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

#: the module the egg carries; its name differs from `settings` so it cannot shadow the installed one
MODULE = "cchc_scrapyd_settings"

_SOURCE = '''"""Scrapyd's view of the installed CCHC Watch project: its settings, unchanged."""
from settings import *  # noqa: F401,F403
'''


def build(out: Path) -> Path:
    """Write the egg into folder `out` and return its path."""
    ver = version("cchc-watch")
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    out.mkdir(parents=True, exist_ok=True)
    egg = out / f"cchc_scrapyd-{ver}-py{py}.egg"
    with zipfile.ZipFile(egg, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{MODULE}.py", _SOURCE)
        z.writestr("EGG-INFO/PKG-INFO", f"Metadata-Version: 2.1\nName: cchc-scrapyd\nVersion: {ver}\n"
                                        f"Summary: Scrapyd entry of CCHC Watch (the project is installed)\n")
        z.writestr("EGG-INFO/entry_points.txt", f"[scrapy]\nsettings = {MODULE}\n")
        z.writestr("EGG-INFO/top_level.txt", f"{MODULE}\n")
        z.writestr("EGG-INFO/zip-safe", "\n")
    return egg


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("error: usage: python -m crawler.scrapyd_egg OUT_DIR", file=sys.stderr)
        sys.exit(2)
    print(build(Path(sys.argv[1])))
