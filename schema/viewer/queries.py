"""``viewer`` (the caller's plan and quota) and ``register`` (a free key for an email address)."""

from __future__ import annotations

import datetime
import re
from typing import Annotated

import strawberry
from pydantic import EmailStr, TypeAdapter, ValidationError
from sqlalchemy.exc import IntegrityError
from starlette.responses import Response
from strawberry.types import Info

from domain.metering.keys import create_key, key_for_email
from domain.metering.quota import Meter, StoreUnavailable
from domain.metering.subjects import guest_subject
from schema.context import Context
from schema.errors import BAD_USER_INPUT, QUOTA_EXCEEDED, SERVICE_UNAVAILABLE, coded_error
from schema.viewer.types import Quota, RegisteredKey, Viewer

FREE_PLAN = "free"
EMAIL = TypeAdapter(EmailStr)  # pydantic's check (email-validator), deliverability not asked
# email-validator (not in strict mode) takes any DNS name and any local part's length; we also
# hold an address to SMTP's limits (RFC 5321: 64 characters before the @, 254 in all) and to a
# top-level domain of two or more letters (``user@example.c`` is refused).
_TOP_LEVEL = re.compile(r"[a-z]{2,63}")


def _ctx(info: Info) -> Context:
    context: Context = info.context
    return context


def normalise_email(raw: str) -> str:
    """The address, trimmed and lower-cased (one key per mailbox, whatever its case)."""
    email = raw.strip().lower()
    try:
        EMAIL.validate_python(email)
        local, _, domain = email.rpartition("@")
        valid = (len(email) <= 254 and len(local) <= 64
                 and _TOP_LEVEL.fullmatch(domain.rpartition(".")[2]) is not None)
    except ValidationError:
        valid = False
    if not valid:
        raise coded_error(f"{raw!r} is not a valid email address (like you@example.com).",
                          BAD_USER_INPUT)
    return email


def _response(ctx: Context) -> Response:
    """The HTTP response the answer goes out on (Strawberry's FastAPI view always sets it)."""
    assert ctx.response is not None
    return ctx.response


def _meter(ctx: Context) -> Meter:
    if ctx.meter is None:
        raise coded_error("Registration needs the metered endpoint.", SERVICE_UNAVAILABLE)
    return ctx.meter


@strawberry.type
class ViewerQueries:
    @strawberry.field(description="The caller's plan, licences and remaining quota. Costs no "
                      "code views.")
    def viewer(self, info: Info) -> Viewer:
        ctx = _ctx(info)
        try:
            state = ctx.current_quota()
        except StoreUnavailable as exc:
            _response(ctx).status_code = 503
            _response(ctx).headers["Retry-After"] = "5"
            raise coded_error("The quota store does not answer, so your quota cannot be read "
                              "right now; try again in a minute.", SERVICE_UNAVAILABLE) from exc
        limit, remaining = state.limit, state.remaining
        return Viewer(plan=ctx.viewer.plan, licences=sorted(ctx.viewer.licences), quota=Quota(
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
        ctx = _ctx(info)
        address = normalise_email(email)
        per_day = ctx.settings.registrations_per_day
        subject = "register:" + guest_subject(ctx.address).removeprefix("guest:")
        try:
            state = _meter(ctx).charge(subject, per_day, 1)
        except StoreUnavailable as exc:
            _response(ctx).status_code = 503
            raise coded_error("The quota store does not answer; try registering again in a "
                              "minute.", SERVICE_UNAVAILABLE) from exc
        if not state.granted:
            _response(ctx).status_code = 429
            _response(ctx).headers["Retry-After"] = str(state.seconds_to_reset)
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
