"""The ``/fhir`` routes: each reads its parameters and answers through ``call.answer`` (the
caller, the metering, the quota headers, OperationOutcome errors), in a worker thread (the
domain reads the database synchronously)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from service.fhir import expand, lookup, resources, translate, validate
from service.fhir.call import Call, answer
from service.fhir.outcome import FhirError, bad_request
from service.fhir.params import Params, read_params

router = APIRouter(prefix="/fhir")
BOTH = ["GET", "POST"]


async def _operation(request: Request, allowed: frozenset[str],
                     work: Callable[[Call, Params], Any]) -> Response:
    try:
        params = await read_params(request, allowed)
    except FhirError as exc:
        return await run_in_threadpool(answer, request, _raise(exc))
    return await run_in_threadpool(answer, request, lambda call: work(call, params))


def _raise(exc: FhirError) -> Callable[[Call], Any]:
    """Work that fails with ``exc``: a bad request still gets the caller's quota headers (and
    a bad key its 401 first, as on /graphql)."""
    def fail(_: Call) -> Any:
        raise exc
    return fail


@router.get("/metadata")
async def metadata(request: Request) -> Response:
    mode = request.query_params.get("mode", "full")
    if mode == "terminology":
        return await run_in_threadpool(answer, request, resources.terminology_capabilities)
    if mode not in ("full", "normative"):
        return await run_in_threadpool(answer, request, _raise(
            bad_request("`mode` is full, normative or terminology.")))
    return await run_in_threadpool(answer, request,
                                   lambda _: resources.capability_statement())


@router.get("/CodeSystem")
async def code_systems(request: Request) -> Response:
    return await _operation(request, resources.SEARCH_PARAMETERS,
                            resources.search_code_systems)


@router.api_route("/CodeSystem/$lookup", methods=BOTH)
async def code_system_lookup(request: Request) -> Response:
    return await _operation(request, lookup.PARAMETERS, lookup.lookup)


@router.api_route("/CodeSystem/$validate-code", methods=BOTH)
async def code_system_validate(request: Request) -> Response:
    return await _operation(request, validate.CODE_SYSTEM_PARAMETERS,
                            validate.validate_in_code_system)


@router.api_route("/ValueSet/$validate-code", methods=BOTH)
async def value_set_validate(request: Request) -> Response:
    return await _operation(request, validate.VALUE_SET_PARAMETERS,
                            validate.validate_in_value_set)


@router.api_route("/ValueSet/$expand", methods=BOTH)
async def value_set_expand(request: Request) -> Response:
    return await _operation(request, expand.PARAMETERS, expand.expand)


@router.api_route("/ConceptMap/$translate", methods=BOTH)
async def concept_map_translate(request: Request) -> Response:
    return await _operation(request, translate.PARAMETERS, translate.translate)


@router.get("/CodeSystem/{resource_id}")
async def code_system(request: Request, resource_id: str) -> Response:
    return await run_in_threadpool(
        answer, request, lambda call: resources.read_code_system(call, resource_id))
