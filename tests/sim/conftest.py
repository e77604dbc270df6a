"""Fixtures for the simulator tests: a running network and clients that go through its proxy."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sim_client import Client

from sim.network import SimNetwork


@pytest.fixture(scope="module")
def net() -> Iterator[SimNetwork]:
    network = SimNetwork(day=1, seed=0)
    network.slow_seconds = 3.0
    network.start()
    yield network
    network.stop()


@pytest.fixture(scope="module")
def client(net: SimNetwork) -> Client:
    return Client(net)


@pytest.fixture(scope="module")
def raw_client(net: SimNetwork) -> Client:
    """A client that does not follow redirects."""
    return Client(net, follow=False)
