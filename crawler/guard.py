"""The address guard: the one decision whether a host may be fetched at all, wherever a URL comes from.

A crawler that fetches what pages point to can be steered at the machine it runs on, at the local
network or at a cloud metadata service (server-side request forgery). The guard refuses loopback,
private, link-local, unspecified, reserved, multicast and shared (100.64/10) addresses and the
metadata addresses, before any request is made.

Hosts are read the way the C resolver reads them, because that is what a connection finally does:
`getaddrinfo` accepts every `inet_aton` form, so `2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1`
and `0` all connect to loopback although only `127.0.0.1` looks like it. IPv6 literals are unwrapped
when they carry an IPv4 address (mapped `::ffff:127.0.0.1`, compatible, 6to4, Teredo, NAT64), and
`localhost` / `*.localhost` are loopback by definition (RFC 6761), whatever DNS says.

A name that is not an address literal is decided on the address it resolves to:
`crawler.resolver.GuardedResolver` (Scrapy's `TWISTED_DNS_RESOLVER` setting) refuses a name resolving
to a forbidden address, and the host-guard middleware checks `response.ip_address` after download.
The proxy named by http_proxy/https_proxy is the one exception: the operator chose it, not a page.

Used by the host-guard and redirect middlewares, the resolver, the registry validator (so also
`cchc sources add` and `cchc crawl --url`) and `crawler.fetch`: one function, so no path is guarded
differently. Standard library only, because the registry may import nothing heavier.
"""
from __future__ import annotations

import ipaddress
import urllib.request
from urllib.parse import unquote, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Cloud instance-metadata services (AWS, GCP, Azure, OpenStack: 169.254.169.254; AWS over IPv6).
METADATA_ADDRESSES = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")    # well-known NAT64 prefix (RFC 6052)
_HEX = frozenset("0123456789abcdefABCDEF")
_OCT = frozenset("01234567")
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


def normalise_host(host: str) -> str:
    """The host as the resolver will see it: brackets, zone id and trailing dots dropped, lower
    case, and IDNA-mapped (so fullwidth digits `１２７.０.０.１` read as `127.0.0.1`, as Scrapy's own
    URL normalisation turns them)."""
    h = unquote(host).strip().strip("[]").lower()   # a proxy may decode %31%32%37.0.0.1
    h = h.split("%", 1)[0] if ":" in h else h   # IPv6 zone id (fe80::1%eth0)
    h = h.rstrip(".")
    if h and not h.isascii():
        try:
            h = ".".join(label.encode("idna").decode("ascii") if label else label for label in h.split("."))
        except UnicodeError:
            pass
    return h


def _inet_aton_part(part: str) -> int | None:
    """One `inet_aton` number: `0x`/`0X` hex, a leading 0 octal, decimal otherwise (C's strtoul base 0)."""
    if not part or not part.isascii():
        return None
    if part[:2] in ("0x", "0X"):
        digits = part[2:]
        return int(digits, 16) if digits and all(c in _HEX for c in digits) else None
    if part[0] == "0":
        return int(part, 8) if all(c in _OCT for c in part) else None
    return int(part) if part.isdigit() else None


def inet_aton(text: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address glibc's `inet_aton` (and so `getaddrinfo`) reads in `text`, or None.

    One to four dot-separated numbers, each decimal, octal (leading 0) or hex (0x); the last number
    fills the remaining bytes (`127.1` = 127.0.0.1, `10.1.1` = 10.1.0.1, `2130706433` = 127.0.0.1).
    Like the C function, anything after whitespace is ignored."""
    text = text.split(None, 1)[0] if text.strip() else ""
    if not text or not (text[0].isdigit()):
        return None
    parts = text.split(".")
    if len(parts) > 4:
        return None
    values = [_inet_aton_part(p) for p in parts]
    if any(v is None for v in values):
        return None
    nums: list[int] = [v for v in values if v is not None]
    *head, last = nums
    if any(v > 0xFF for v in head) or last >= 1 << (8 * (4 - len(head))):
        return None
    value = 0
    for v in head:
        value = (value << 8) | v
    value = (value << (8 * (4 - len(head)))) | last
    return ipaddress.IPv4Address(value)


def parse_address(host: str) -> IPAddress | None:
    """The address a host literal denotes (every `inet_aton` IPv4 form, IPv6 with or without
    brackets), or None when the host is a name."""
    h = normalise_host(host)
    if ":" in h:
        try:
            return ipaddress.IPv6Address(h)
        except ValueError:
            return None
    return inet_aton(h)


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries and may be routed to."""
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr.teredo is not None:
        return addr.teredo[1]
    if addr in _NAT64:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    if int(addr) >> 32 == 0 and int(addr) > 1:  # deprecated IPv4-compatible ::a.b.c.d (not :: or ::1)
        return ipaddress.IPv4Address(int(addr))
    return None


def _category(addr: IPAddress) -> str | None:
    """The forbidden range `addr` falls in, most specific first (metadata before link-local,
    shared before private), so the message says what the address is; None when it is public."""
    if addr in METADATA_ADDRESSES:
        return "cloud metadata address"
    if addr.is_loopback:
        return "loopback address"
    if addr.is_unspecified:
        return "unspecified address (connects to this machine)"
    if addr.is_link_local:
        return "link-local address"
    if addr.is_multicast:
        return "multicast address"
    if isinstance(addr, ipaddress.IPv4Address) and addr in _SHARED:
        return "shared address space (100.64.0.0/10)"
    if addr == ipaddress.IPv4Address("255.255.255.255"):
        return "broadcast address"
    if addr.is_reserved:
        return "reserved address"
    if addr.is_private:
        return "private address"
    if not addr.is_global:
        return "reserved address"
    return None


def address_problem(addr: IPAddress) -> str | None:
    """Why a crawl must not connect to `addr` ("loopback address 127.0.0.1", …), or None for a
    public address. An IPv6 address carrying an IPv4 one is judged by the IPv4 address it reaches."""
    if isinstance(addr, ipaddress.IPv6Address) and addr not in METADATA_ADDRESSES:
        inner = _embedded_ipv4(addr)
        if inner is not None:
            why = _category(inner)
            return f"{why} {inner} (inside IPv6 {addr})" if why else None
    why = _category(addr)
    return f"{why} {addr}" if why else None


def host_problem(host: str) -> str | None:
    """Why `host` (a URL's host, as written) must never be fetched, or None when it may be.

    The message names the address the host really denotes, so `0x7f000001` is reported as
    "loopback address 127.0.0.1"."""
    h = normalise_host(host)
    if not h:
        return "empty host"
    if h in _LOCAL_NAMES or h.endswith(".localhost"):
        return f"{h} is this machine (loopback)"
    addr = parse_address(h)
    if addr is None:
        return None
    why = address_problem(addr)
    if why is None:
        return None
    as_written = host.strip()
    return why if as_written.lower() in (str(addr), f"[{addr}]") else f"{why}, written {as_written!r}"


def is_forbidden_host(host: str) -> bool:
    """True when `host` is loopback, private, link-local, reserved, multicast, shared or metadata
    (in any form the C resolver accepts)."""
    return host_problem(host) is not None


def url_problem(url: str) -> str | None:
    """Why `url` must never be fetched: not http(s), no host, or a forbidden host; None when it may.

    The host is read both as Python reads it and as Scrapy (like a browser) will, with `\\` as `/`:
    `http://127.0.0.1\\@portal.gov.vn/` is portal.gov.vn to urlsplit but 127.0.0.1 to the crawl."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        hosts = [parts.hostname, urlsplit(url.replace("\\", "/")).hostname]
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) URL (scheme {parts.scheme or 'missing'!r})"
    if not parts.hostname:
        return "no host in URL"
    for host in dict.fromkeys(h for h in hosts if h):
        problem = host_problem(host)
        if problem:
            return problem
    return None


# ---- the address actually connected ------------------------------------------------------------
def proxy_hosts() -> frozenset[str]:
    """Hosts of the proxies configured in the environment (http_proxy, https_proxy…), which the
    operator chose and which may well be on the local network."""
    hosts: set[str] = set()
    for scheme, proxy in urllib.request.getproxies().items():
        if scheme == "no":
            continue
        try:
            host = urlsplit(proxy if "://" in proxy else f"http://{proxy}").hostname
        except ValueError:
            continue
        if host:
            hosts.add(normalise_host(host))
    return frozenset(hosts)


def connected_problem(ip: str | IPAddress | None, *, via_proxy: bool) -> str | None:
    """Why a response from the connected address `ip` must be dropped: through a proxy the peer is
    the proxy (allowed); directly, the peer must be a public address."""
    if via_proxy or ip is None:
        return None
    try:
        addr = ipaddress.ip_address(str(ip).split("%", 1)[0])
    except ValueError:
        return None
    why = address_problem(addr)
    return f"connected to {why}" if why else None
