"""``viewer`` (the caller's plan and quota) and ``register`` (a free key for an email address)."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.exc import IntegrityError
from strawberry.types import Info

from schema.viewer.types import Quota, RegisteredKey, Viewer
from service.errors import BAD_USER_INPUT, QUOTA_EXCEEDED, SERVICE_UNAVAILABLE, coded_error

if TYPE_CHECKING:
    from service.metering import MeteredContext

FREE_PLAN = "free"
# A pragmatic address check: dot-atom local part, a host name with a letter TLD.
EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def _ctx(info: Info) -> MeteredContext:
    return info.context  # type: ignore[no-any-return]


def normalise_email(raw: str) -> str:
    """The address, trimmed and lower-cased (one key per mailbox, whatever its case)."""
    email = raw.strip().lower()
    local = email.partition("@")[0]
    if len(email) > 254 or len(local) > 64 or not EMAIL.fullmatch(email):
        raise coded_error(f"{raw!r} is not a valid email address (like you@example.com).",
                          BAD_USER_INPUT)
    return email


@strawberry.type
class ViewerQueries:
    @strawberry.field(description="The caller's plan and remaining quota. Costs no code views.")
    def viewer(self, info: Info) -> Viewer:
        from service.quota import StoreUnavailable

        ctx = _ctx(info)
        try:
            state = ctx.current_quota()
        except StoreUnavailable as exc:
            ctx.response.status_code = 503
            ctx.response.headers["Retry-After"] = "5"
            raise coded_error("The quota store does not answer, so your quota cannot be read "
                              "right now; try again in a minute.", SERVICE_UNAVAILABLE) from exc
        limit, remaining = state.limit, state.remaining
        return Viewer(plan=ctx.viewer.plan, quota=Quota(
            limit=-1 if limit is None else limit,
            used=state.used,
            remaining=-1 if remaining is None else remaining,
            reset_at=datetime.datetime.fromtimestamp(state.reset_at, datetime.UTC),
        ))


@strawberry.type
class ViewerMutations:
    @strawberry.mutation(description="Register for a free API key (6 code views a day): one "
                         "key per email address, a few registrations a day per client address. "
                         "The key is shown once.")
    def register(
        self, info: Info,
        email: Annotated[str, strawberry.argument(
            description="Your email address (like you@example.com): one free key per address."
        )],
    ) -> RegisteredKey:
        from service.auth import guest_subject
        from service.keys import create_key, key_for_email
        from service.quota import StoreUnavailable

        ctx = _ctx(info)
        address = normalise_email(email)
        per_day = ctx.settings.registrations_per_day
        subject = "register:" + guest_subject(ctx.address).removeprefix("guest:")
        try:
            state = ctx.meter.charge(subject, per_day, 1)
        except StoreUnavailable as exc:
            ctx.response.status_code = 503
            raise coded_error("The quota store does not answer; try registering again in a "
                              "minute.", SERVICE_UNAVAILABLE) from exc
        if not state.granted:
            ctx.response.status_code = 429
            ctx.response.headers["Retry-After"] = str(state.seconds_to_reset)
            raise coded_error(
                f"At most {per_day} registrations a day come from one address; try again in "
                f"{state.seconds_to_reset // 3600 + 1} h.", QUOTA_EXCEEDED,
                retryAfter=state.seconds_to_reset)
        existing = key_for_email(ctx.conn(), address)
        if existing is None:
            try:
                secret, _row = create_key(ctx.engine, plan=FREE_PLAN, name=address,
                                          email=address)
            except IntegrityError:  # registered concurrently
                existing = key_for_email(ctx.conn(), address)
            else:
                return RegisteredKey(key=secret, plan=FREE_PLAN)
        prefix = existing[0] if existing else "mc_live_"
        raise coded_error(
            f"{address} already has a free key ({prefix}…); there is one per address. Keep "
            "using it, or ask for a pro or partner key if you need more views.",
            BAD_USER_INPUT, reason="ALREADY_REGISTERED")
