"""The guarded DNS resolver: a name is judged on the address it resolves to, not on how it looks.

`intranet.example.gov.vn`, or a name an attacker points at 127.0.0.1, passes every check on the
URL's text; only the resolved address tells. `GuardedResolver` is Scrapy's caching resolver with one
more step: an answer that `crawler.guard.address_problem` forbids fails the lookup, so nothing is
connected. The names of the configured proxies (http_proxy/https_proxy) are exempt: the operator
chose them and they are often on the local network. Installed by settings.py
(`TWISTED_DNS_RESOLVER`, the setting Scrapy 2.19 reads; `DNS_RESOLVER` is its deprecated name).
"""
from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from crawler.guard import address_problem, normalise_host, proxy_hosts

# Names the resolver refused in this process, with why: Twisted reports a refused lookup only as "no
# results", so the host-guard middleware looks the reason up here to record it.
_REFUSED_NAMES: dict[str, str] = {}


def refused_resolution(host: str) -> str | None:
    """Why the guarded resolver refused `host` in this process ("x resolves to private address
    10.0.0.5"), or None."""
    return _REFUSED_NAMES.get(normalise_host(host))


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's caching resolver that refuses a name resolving to a forbidden address.

    Installed with `TWISTED_DNS_RESOLVER = "crawler.resolver.GuardedResolver"` (settings.py). A name
    like `intranet.example.gov.vn` that resolves to 10.0.0.5 fails as a DNS lookup error naming the
    address, so the fetch is recorded with that error and nothing is connected. The configured
    proxies' own names are resolved without the check. Tests inject answers by overriding `lookup`.
    """

    def __init__(self, reactor: Any, cache_size: int, timeout: float) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.allowed_names = proxy_hosts()

    def lookup(self, name: str, timeout: Sequence[int]) -> Deferred[str]:
        """The address `name` resolves to (Scrapy's cached threaded lookup)."""
        return super().getHostByName(name, timeout)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # noqa: N802 - Twisted's name
        d = self.lookup(name, timeout)
        d.addCallback(self._check, name)
        return d

    def _check(self, address: str, name: str) -> str:
        if normalise_host(name) in self.allowed_names:
            return address
        try:
            addr = ipaddress.ip_address(address)
        except ValueError:
            return address
        why = address_problem(addr)
        if why is not None:
            message = f"{name} resolves to {why}"
            _REFUSED_NAMES[normalise_host(name)] = message
            raise DNSLookupError(f"refused: {message}")
        return address
