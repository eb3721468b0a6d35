"""One FHIR request's caller and metering, by the app's policy (``service.policy``) and the
GraphQL endpoint's request context (``service.metering``): who is calling (a guest by address, a
key, a 401), what they may read, the charge before the work and the refund after it, and the
quota headers every answer carries."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from domain.metering.credentials import AuthError, KeyStoreUnavailable
from domain.metering.licences import may_read_text, needed_for_text
from domain.metering.quota import QuotaState, StoreUnavailable
from schema.errors import (
    LICENSE_REQUIRED,
    QUOTA_EXCEEDED,
    SERVICE_UNAVAILABLE,
    UNAUTHENTICATED,
    licence_required,
)
from service import metrics
from service.fhir.outcome import FhirError, fhir_response
from service.metering import UNAVAILABLE_MESSAGE, MeteredContext, Metering, quota_message

log = logging.getLogger(__name__)


class Call:
    """A request's context (the GraphQL endpoint's: connection, releases, caller) and what it
    has been charged."""

    def __init__(self, ctx: MeteredContext) -> None:
        self.ctx = ctx
        self.policy = ctx.policy
        self.viewer = ctx.viewer
        self.charged = 0
        self.state: QuotaState | None = None

    def may_read_text(self, system_id: str) -> bool:
        """Whether the caller may see the system's descriptive text (CPT: the ``cpt``
        licence)."""
        return may_read_text(self.viewer.licences, system_id)

    def licence_message(self, system_id: str) -> str:
        needed = needed_for_text(system_id) or ""
        return licence_required(needed).message

    def licence_error(self, system_id: str) -> FhirError:
        return FhirError(403, "forbidden", self.licence_message(system_id),
                         error_code=LICENSE_REQUIRED)

    def charge(self, views: int) -> None:
        """Take ``views`` from the caller's allowance before the work, as the GraphQL endpoint
        does: 429 (nothing charged) when they are not left, 503 when the store is down."""
        policy = self.policy
        try:
            state = policy.charge(self.viewer, views)
        except StoreUnavailable as exc:
            log.warning("quota store unavailable: %s", exc)
            raise FhirError(503, "transient", UNAVAILABLE_MESSAGE,
                            error_code=SERVICE_UNAVAILABLE,
                            headers=policy.unavailable_headers()) from None
        self.state = self.ctx.quota = state
        if not state.granted:
            metrics.QUOTA_REFUSALS.labels(self.viewer.plan).inc()
            raise FhirError(429, "throttled", quota_message(self.viewer, state, views),
                            error_code=QUOTA_EXCEEDED,
                            headers={**policy.refusal_headers(state),
                                     **policy.quota_headers(state)})
        self.charged = views

    def refund(self, views: int) -> None:
        """Give back views charged and not delivered (an unknown code)."""
        if self.state is None or views <= 0:
            return
        refunded = self.policy.refund(self.viewer, self.state, views)
        if refunded is not None:
            self.state = self.ctx.quota = refunded
        self.charged -= views

    def quota_headers(self) -> dict[str, str]:
        """The caller's quota: as charged, or as it stands for a free request."""
        state = self.state
        if state is None:
            with contextlib.suppress(StoreUnavailable):
                state = self.ctx.current_quota()
        return self.policy.quota_headers(state)


def open_call(request: Request) -> Call:
    """The caller of a request: a guest, or its key checked as the GraphQL endpoint checks it
    (401 for a malformed, unknown or revoked key; 503 when the keys do not answer)."""
    metering: Metering = request.app.state.metering
    try:
        ctx = metering.context(request)
    except AuthError as exc:
        headers = metering.policy.unauthenticated_headers(metering.address(request))
        raise FhirError(401, "login", str(exc), error_code=UNAUTHENTICATED,
                        headers=headers) from None
    except (KeyStoreUnavailable, StoreUnavailable):
        raise FhirError(503, "transient", "The database does not answer; try again in a "
                        "minute.", error_code=SERVICE_UNAVAILABLE,
                        headers=metering.policy.unavailable_headers()) from None
    return Call(ctx)


def answer(request: Request, work: Callable[[Call], Any]) -> Response:
    """Run ``work`` for the request's caller: its resource as ``application/fhir+json`` with
    the quota headers, or its error as an OperationOutcome."""
    try:
        call = open_call(request)
    except FhirError as exc:
        return fhir_response(exc.resource(), exc.status, exc.headers)
    try:
        try:
            resource = work(call)
        except FhirError as exc:
            return fhir_response(exc.resource(), exc.status,
                                 {**call.quota_headers(), **exc.headers})
        response = fhir_response(resource, 200, call.quota_headers())
        if call.charged:
            call.policy.delivered(call.viewer, call.charged)
        return response
    finally:
        call.ctx.close()
