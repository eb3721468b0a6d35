"""The typed per-request context: a lazily opened DB connection, the loaders, the caller, and
what the request has been charged (set by the metering in ``service.metering``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine
from strawberry.fastapi import BaseContext

from domain.db import read_snapshot
from domain.metering.licences import needed_for_text
from domain.metering.quota import Meter, QuotaState
from domain.metering.viewer import Viewer
from domain.releases import ReleaseRow, data_signature, loaded_releases, release_for
from domain.settings import Settings
from schema.codes.loaders import CodeLoaders
from schema.cost import FREE, Cost


class Context(BaseContext):
    def __init__(self, engine: Engine, settings: Settings, viewer: Viewer | None = None, *,
                 meter: Meter | None = None, address: str = "unknown") -> None:
        super().__init__()
        self.engine = engine
        self.settings = settings
        self.viewer = viewer or Viewer()
        self._conn: Connection | None = None
        self._releases: list[ReleaseRow] | None = None
        self.loaders = CodeLoaders(self.conn)
        self.extensions: dict[str, Any] = {}
        # Licences whose content this answer showed (``cpt``): its copyright notices go in the
        # response's ``extensions`` (schema.licences.LicenceNotices).
        self.notices: set[str] = set()
        self._text_gates: dict[int, str | None] | None = None
        self._signature: str | None = None
        # Metering: who pays and what this request has been charged.
        self.meter = meter
        self.address = address
        self.quota: QuotaState | None = None  # set before execution
        self.cost: Cost = FREE
        self.store_down = False
        self.preparation: Any = None  # service.fastpath.Preparation, when it may keep the answer

    def conn(self) -> Connection:
        if self._conn is None:
            self._conn = read_snapshot(self.engine.connect())
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def releases(self) -> list[ReleaseRow]:
        """All loaded releases, newest first within each system."""
        if self._releases is None:
            self._releases = loaded_releases(self.conn())
        return self._releases

    def release_by_id(self, release_id: int) -> ReleaseRow | None:
        return next((r for r in self.releases if r.id == release_id), None)

    def data_signature(self) -> str:
        """The loaded releases and the data beside them (``domain.releases.data_signature``):
        the key of answers kept for later requests."""
        if self._signature is None:
            self._signature = data_signature(self.conn(),
                                             ((r.id, r.version) for r in self.releases))
        return self._signature

    def text_gate(self, release_id: int) -> str | None:
        """Whether the caller may read the text of a release's codes: None when it is open to
        everyone or the caller holds its licence (the licence is then noted for the copyright
        line), else the licence it needs (``cpt``)."""
        if self._text_gates is None:
            self._text_gates = {r.id: needed_for_text(r.system_id) for r in self.releases}
        needed = self._text_gates.get(release_id)
        if needed is None:
            return None
        if needed in self.viewer.licences:
            self.notices.add(needed)
            return None
        return needed

    def release_for(self, system_id: str, as_of: date | None = None) -> ReleaseRow | None:
        """The newest release of a system, or the one in force on ``as_of``."""
        return release_for(self.releases, system_id, as_of)

    def current_quota(self) -> QuotaState:
        """This request's quota state, reading the store only when nothing was charged yet
        (or the plan is unlimited: its charge returns the unwritten tally, not the count)."""
        if self.meter is None:
            raise RuntimeError("this context has no meter")
        if self.quota is None or self.quota.limit is None:
            self.quota = self.meter.peek(self.viewer.subject,
                                         self.meter.plan_limit(self.viewer.plan))
        return self.quota
