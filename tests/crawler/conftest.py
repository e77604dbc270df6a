"""End-to-end crawls against the simulated network: each crawl is a real `cchc crawl` process that
reaches the simulator through http_proxy/https_proxy, exactly as a user's crawl reaches the web."""
from __future__ import annotations

import pytest
from simcrawl import Crawl

from sim.network import SimNetwork


@pytest.fixture(scope="session")
def network():
    with SimNetwork(day=1, seed=0) as net:
        yield net


@pytest.fixture(scope="session")
def crawl(network, tmp_path_factory) -> Crawl:
    return Crawl(network, tmp_path_factory.mktemp("crawls"))


@pytest.fixture(scope="session")
def full_crawl(crawl, tmp_path_factory):
    """One crawl of the whole bundled registry with every spider (what the demo does)."""
    db = tmp_path_factory.mktemp("full") / "full.sqlite"
    proc = crawl.run(db)
    return db, proc.stdout
