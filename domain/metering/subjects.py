"""Who a guest is: the client's address (behind trusted proxies) and its quota subject."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _parse_address(raw: str) -> Address | None:
    raw = raw.strip()
    if raw.startswith("["):  # "[2001:db8::1]:443"
        raw = raw[1:].partition("]")[0]
    elif raw.count(":") == 1:  # "192.0.2.1:443"
        raw = raw.partition(":")[0]
    try:
        addr = ipaddress.ip_address(raw)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def trusted_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Proxies from the settings: addresses, or networks such as ``10.0.0.0/8``."""
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def client_address(peer: str | None, forwarded_for: str | None,
                   trusted: tuple[Network, ...]) -> str:
    """The socket's address, or, when that is a trusted proxy, the nearest untrusted hop of
    ``X-Forwarded-For`` (read right to left, as each proxy appends the address it saw)."""
    current = _parse_address(peer) if peer else None
    if current is None:
        return peer or "unknown"
    if forwarded_for and trusted:
        for hop in reversed(forwarded_for.split(",")):
            if not any(current in net for net in trusted):
                break
            parsed = _parse_address(hop)
            if parsed is None:
                break
            current = parsed
    return str(current)


def guest_subject(address: str) -> str:
    """The quota subject of a guest. IPv6 clients are counted per /64, the block one host
    usually gets, so that rotating addresses within it does not buy more views."""
    parsed = _parse_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return f"guest:{ipaddress.IPv6Network((parsed, 64), strict=False)}"
    return f"guest:{parsed if parsed is not None else address}"
