"""Counters of changes made in this process that outdate what replicas keep in memory.

The fast path (``service.fastpath``) answers repeated requests from prepared bytes and keeps
recently checked API keys. A release loaded or a key revoked by *this* process bumps a counter
here and takes effect on the next request; changes made by another process (``medcode seed``,
``medcode keys revoke``) are seen within ``MEDCODE_FAST_PATH_RECHECK_SECONDS``.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_releases = 0
_keys = 0


def releases() -> int:
    return _releases


def keys() -> int:
    return _keys


def releases_changed() -> None:
    global _releases
    with _lock:
        _releases += 1


def keys_changed() -> None:
    global _keys
    with _lock:
        _keys += 1
