"""Finding a code system, its release and a code in it, with the domain functions the GraphQL
``code`` field uses: ``domain.releases.release_for``, the spec's ``normalise``,
``domain.rows.codes_by_key`` and ``CodeRow.in_force_on``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from domain.releases import ReleaseRow, release_for
from domain.rows import CodeRow, codes_by_key
from domain.spec import CodeSystemSpec
from service.fhir.call import Call
from service.fhir.canonical import URIS, split_version, system_id_of
from service.fhir.outcome import FhirError, bad_request, not_found
from systems import SPECS


@dataclass(frozen=True, slots=True)
class Target:
    """A code system and the release that answers."""

    system_id: str
    uri: str
    spec: CodeSystemSpec
    release: ReleaseRow


def system_of(uri: str) -> tuple[str, str | None]:
    """medcode's id of a system URI (404 for one it does not hold), and the ``|version``."""
    system_id = system_id_of(uri)
    if system_id is None:
        known = ", ".join(URIS[s] for s in SPECS if s in URIS)
        raise not_found(f"medcode holds no code system {uri.strip()!r}; it holds {known}.")
    return system_id, split_version(uri.strip())[1]


def target(call: Call, system_id: str, version: str | None,
           date: datetime.date | None) -> Target:
    """The release of a system that answers: by ``version``, else the one in force on ``date``
    (else the newest), as GraphQL's ``asOf`` picks it."""
    spec = SPECS.get(system_id)
    loaded = [r for r in call.ctx.releases if r.system_id == system_id]
    if spec is None or not loaded:
        raise not_found(f"No {system_id} release is loaded on this server.")
    if version is not None:
        found = next((r for r in loaded if r.version == version), None)
        if found is None:
            raise not_found(f"No {spec.short_name} release {version!r} is loaded; loaded: "
                            f"{', '.join(r.version for r in loaded)}.")
        return Target(system_id, URIS[system_id], spec, found)
    release = release_for(call.ctx.releases, system_id, date)
    if release is None:
        first = min(r.effective_from for r in loaded)
        raise not_found(f"No {spec.short_name} release loaded here covers {date}: the earliest "
                        f"starts on {first.isoformat()}.")
    return Target(system_id, URIS[system_id], spec, release)


def target_of(call: Call, uri: str, version: str | None,
              date: datetime.date | None) -> Target:
    system_id, pinned = system_of(uri)
    if pinned is not None and version is not None and pinned != version:
        raise bad_request(f"The system names version {pinned!r} and `version` says "
                          f"{version!r}.")
    return target(call, system_id, version or pinned, date)


def find(call: Call, where: Target, code: str, date: datetime.date | None) -> CodeRow | None:
    """The code in the release, None when it has no such code (or not on ``date``)."""
    key = where.spec.normalise(code)
    if key is None:
        return None
    rows = codes_by_key(call.ctx.conn(), (where.release.id,), [key])
    row = rows[0] if rows else None
    if row is not None and date is not None and not row.in_force_on(date):
        return None
    return row


def unknown_code(where: Target, code: str) -> FhirError:
    return not_found(f"Unknown code {code.strip()!r} in {where.spec.short_name} "
                     f"{where.release.version} ({where.uri}).")
