"""The one host policy: which URLs belong to a portal's hosts.

The downloader middleware (`crawler.middlewares`) and every spider ask this module, so a link the
spider keeps is one the middleware lets through and the other way round. Before it existed, the
middleware accepted a `www.` variant of a registered host while the spiders tested `host in allowed`
exactly, so a `www.` link was allowed by one and dropped by the other.

The policy: a host is allowed when it, its bare form (without `www.`) or its `www.` form is one of
the allowed hosts. Hosts compare lower-case and without a trailing dot (`host_of`).
"""
from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit


def host_of(url: str) -> str:
    """The URL's host, lower-case, without port or trailing dot ("" when it has none)."""
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def host_variants(host: str) -> tuple[str, ...]:
    """The host and its `www.` counterpart: the forms the policy treats as the same site."""
    if not host:
        return ()
    if host.startswith("www."):
        return (host, host[4:])
    return (host, f"www.{host}")


def host_allowed(host: str, allowed: Collection[str]) -> bool:
    """Exact host, or a `www.` variant of an allowed host (either way round)."""
    return any(h in allowed for h in host_variants(host))


def allows(allowed: Collection[str], url: str) -> bool:
    """Whether `url` is on one of the `allowed` hosts under the one policy (`host_allowed`)."""
    return host_allowed(host_of(url), allowed)


def owner_of(host: str, index: dict[str, str]) -> str | None:
    """The key (portal id) `index` maps the host to under the same policy, or None."""
    for h in host_variants(host):
        if h in index:
            return index[h]
    return None
