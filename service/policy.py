"""One policy for both request paths: who is calling, what they may see, what a request costs,
and which headers say so.

The long way (``service.metering``: the request context, ``MeteringExtension``, the 401 and 503
answers; ``service.router``'s own error answers; ``service.caching``'s result key) and the fast
path (``service.fastpath``) both ask one ``Policy``, so that a change to one of these decisions
(an entitlement on a key, a new header) is made here, once:

- who is calling: a guest, counted by client address (``X-Forwarded-For`` read only from
  trusted proxies), or the key in ``Authorization: Bearer`` (preferred) or ``X-API-Key``,
  checked in the database by the long way and remembered a moment for the fast path;
- what the caller may see (``audience``): part of the key of every kept answer, the result
  cache's and the fast path's prepared bytes alike;
- what a request costs: priced from its document (``schema.cost``) before anything runs,
  charged in one atomic store call against the plan's daily limit (unlimited plans tallied in
  memory), refunded for codes that came back null;
- which headers: the quota (``RateLimit-*`` and ``X-RateLimit-*``), ``Retry-After`` on a
  refusal or an outage, ``WWW-Authenticate`` on a 401 and the request id. These are the
  request's own: never kept in a prepared answer, all readable by browsers (CORS).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from graphql import DocumentNode, GraphQLSchema
from sqlalchemy import Connection

from domain.metering.authenticator import Authenticator
from domain.metering.quota import (
    WINDOW_SECONDS,
    Clock,
    Meter,
    QuotaState,
    QuotaStore,
    StoreUnavailable,
)
from domain.metering.subjects import client_address, guest_subject, trusted_networks
from domain.metering.viewer import Viewer
from domain.settings import Settings
from schema.cost import Cost, request_cost
from service import metrics

log = logging.getLogger(__name__)

GUEST = "guest"  # the plan of a caller without a key
MAX_GUESTS = 10_000  # client addresses whose guest the fast path remembers, per process

QUOTA_HEADERS = ("RateLimit-Policy", "RateLimit", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                 "X-RateLimit-Reset")
RETRY_AFTER = "Retry-After"
REQUEST_ID = "X-Request-Id"
# A request's own headers: never kept in a prepared answer, and exposed to browsers.
PER_REQUEST_HEADERS = (*QUOTA_HEADERS, RETRY_AFTER, REQUEST_ID)
UNAVAILABLE_RETRY = "5"  # seconds, when the quota store or the database does not answer
WWW_AUTHENTICATE = 'Bearer realm="medcode", error="invalid_token"'

_QUOTA_NAMES = tuple(name.lower().encode() for name in QUOTA_HEADERS)  # as ASGI sends them
_REQUEST_ID_NAME = REQUEST_ID.lower().encode()

Audience = str  # what a caller may see (``Policy.audience``); hashable, and JSON for a key


def _quota_values(state: QuotaState) -> tuple[str, str, str, str, str]:
    """The values of ``QUOTA_HEADERS``, in their order, for a limited plan's state."""
    remaining = state.remaining
    return (f'"day";q={state.limit};w={WINDOW_SECONDS}',
            f'"day";r={remaining};t={state.seconds_to_reset}',
            str(state.limit), str(remaining), str(state.reset_at))


def request_id_header(request_id: str) -> tuple[bytes, bytes]:
    """The request id as ASGI sends it (both paths, every answer)."""
    return _REQUEST_ID_NAME, request_id.encode()


class Policy:
    """Who is calling, what they may see, what a request costs and which headers say so: asked
    by the long way and by the fast path alike (one per app)."""

    def __init__(self, settings: Settings, store: QuotaStore, clock: Clock) -> None:
        self.max_codes = settings.max_codes
        self.meter = Meter(store, settings.plan_limits, clock)
        self.auth = Authenticator(clock=clock,
                                  recheck_seconds=settings.fast_path_recheck_seconds)
        self.trusted = trusted_networks(settings.trusted_proxies)
        # (socket peer, X-Forwarded-For) -> the guest they are: the fast path's, per request.
        self._guests: dict[tuple[str | None, str | None], Viewer] = {}

    # Who is calling -------------------------------------------------------------------------

    def address(self, peer: str | None, forwarded_for: str | None) -> str:
        """The client's address: the socket's, or behind trusted proxies the nearest
        untrusted hop of ``X-Forwarded-For``."""
        return client_address(peer, forwarded_for, self.trusted)

    def guest(self, address: str) -> Viewer:
        """A caller without a key, counted by its address."""
        return Viewer(plan=GUEST, key_id=None, subject=guest_subject(address))

    def viewer(self, headers: Mapping[str, str], address: str,
               conn: Callable[[], Connection]) -> Viewer:
        """The long way's caller: a guest, or the key checked in the database (its lookup on
        the request's own connection). Raises AuthError (401) or KeyStoreUnavailable (503)."""
        return self.auth.viewer(headers, address, conn)

    def audience(self, viewer: Viewer) -> Audience:
        """What the caller may see, as a key for answers kept for the next caller who may see
        the same (the result cache's and the fast path's): the guest gate (guests get the gated
        fields as null) and the key's licences (CPT's text only with ``cpt``). Whatever else
        the schema shows by the caller must be told here, and kept answers stay apart by it."""
        if viewer.key_id is None:  # a guest (``Viewer.is_guest``, without the call)
            return GUEST
        return "key+" + "+".join(sorted(viewer.licences)) if viewer.licences else "key"

    def known_caller(self, scope: Mapping[str, Any],
                     headers: Mapping[bytes, bytes]) -> Viewer | None:
        """The fast path's caller, from an ASGI request's scope and headers (the first of
        each), known without the database: a guest, or a key the long way proved lately
        (``Authorization`` before ``X-API-Key``, as the long way reads them). None: the long
        way must check the key (unknown, malformed, revoked or stale)."""
        authorization = headers.get(b"authorization")
        if authorization is not None:
            return self.auth.checked_viewer(authorization.decode("latin-1"), None)
        api_key = headers.get(b"x-api-key")
        if api_key is not None:
            return self.auth.checked_viewer(None, api_key.decode("latin-1"))
        client, forwarded = scope.get("client"), headers.get(b"x-forwarded-for")
        memo = (client[0] if client else None,
                None if forwarded is None else forwarded.decode("latin-1"))
        found = self._guests.get(memo)
        if found is None:
            if len(self._guests) >= MAX_GUESTS:
                self._guests.clear()
            found = self._guests[memo] = self.guest(self.address(*memo))
        return found

    # What it costs --------------------------------------------------------------------------

    def price(self, schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
              variables: Mapping[str, Any] | None) -> Cost:
        """The views a parsed, validated request can return (``schema.cost``)."""
        return request_cost(schema, document, operation_name, variables,
                            max_list=self.max_codes)

    def limit(self, viewer: Viewer) -> int | None:
        """The caller's daily views; None: unlimited."""
        return self.meter.plan_limit(viewer.plan)

    def charge(self, viewer: Viewer, views: int) -> QuotaState:
        """Take ``views`` from the caller's allowance, or nothing if that would pass it (the
        state says whether it was granted). Raises StoreUnavailable."""
        return self.meter.charge(viewer.subject, self.limit(viewer), views)

    def charge_prepared(self, viewer: Viewer, views: int) -> QuotaState | None:
        """``charge`` for the fast path: an unlimited plan is tallied and gets no state (no
        quota to report, and none to build per request). Raises StoreUnavailable."""
        meter = self.meter
        limit = meter.plan_limit(viewer.plan)
        if limit is None:
            meter.tally(viewer.subject, views)
            return None
        return meter.charge(viewer.subject, limit, views)

    def refund(self, viewer: Viewer, state: QuotaState, amount: int) -> QuotaState | None:
        """Give back views charged in ``state`` and not delivered: the state afterwards, or
        None when nothing was given back (nothing to give, or the store did not answer: the
        caller keeps the charge, logged, and the answer stands)."""
        if amount <= 0:
            return None
        try:
            return self.meter.refund(viewer.subject, state, amount)
        except StoreUnavailable as exc:
            log.warning("could not refund %s views to %s: %s", amount, viewer.subject, exc)
            return None

    def delivered(self, viewer: Viewer, views: int, *, batched: bool = False) -> None:
        """Count views delivered, by plan (``batched``: the fast path's, added up in plain
        numbers until the next flush)."""
        if batched:
            metrics.add_views(viewer.plan, views)
        else:
            metrics.CODE_VIEWS.labels(viewer.plan).inc(views)

    # Which headers --------------------------------------------------------------------------

    def quota_headers(self, state: QuotaState | None) -> dict[str, str]:
        """The contract's quota headers. An unlimited plan has no allowance to describe:
        none."""
        if state is None or state.limit is None:
            return {}
        return dict(zip(QUOTA_HEADERS, _quota_values(state), strict=True))

    def request_headers(self, request_id: str,
                        state: QuotaState | None) -> list[tuple[bytes, bytes]]:
        """A request's own headers as ASGI sends them (the fast path): its id, and its quota
        (a limited plan), as ``quota_headers`` names them."""
        headers = [(_REQUEST_ID_NAME, request_id.encode())]
        if state is not None and state.limit is not None:
            headers += zip(_QUOTA_NAMES, [v.encode() for v in _quota_values(state)],
                           strict=True)
        return headers

    def refusal_headers(self, state: QuotaState) -> dict[str, str]:
        """A 429's: when the allowance is back."""
        return {RETRY_AFTER: str(state.seconds_to_reset)}

    def unavailable_headers(self) -> dict[str, str]:
        """A 503's (the quota store or the database does not answer): when to try again."""
        return {RETRY_AFTER: UNAVAILABLE_RETRY}

    def unauthenticated_headers(self, address: str) -> dict[str, str]:
        """A 401's: the scheme, and the quota of the address as a guest (best effort)."""
        guest = self.guest(address)
        try:
            quota = self.quota_headers(self.meter.peek(guest.subject, self.limit(guest)))
        except StoreUnavailable:
            quota = {}
        return {"WWW-Authenticate": WWW_AUTHENTICATE, **quota}
