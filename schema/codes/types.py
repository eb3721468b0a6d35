"""The Code type and the notes that hang from it."""

from __future__ import annotations

from typing import Annotated, Protocol

import strawberry
from strawberry.types import Info

from domain.metering.viewer import Viewer
from domain.releases import ReleaseRow
from domain.rows import CodeRow, DescriptionRow, GuidelineRow, RelatedRow
from domain.vocabulary import CodeLevel as CodeLevelValue
from domain.vocabulary import DescriptionKind as DescriptionKindValue
from schema.codes.loaders import CodeLoaders
from schema.codes.prefetch import Prefetch
from schema.enums import CodeLevel, CodeSystemId, DescriptionKind, GuidelineKind, RelationKind
from schema.errors import REGISTRATION_REQUIRED, coded_error, licence_required
from schema.hcpcs.types import HcpcsDetails
from schema.icd10pcs.types import PcsAxis
from schema.ncci.types import SYSTEMS_WITH_EDITS, NcciEdits, NcciSetting, ncci_edits
from schema.pfs.loaders import fee_loaders
from systems.cpt.add_ons import family_add_ons, family_primaries
from systems.cpt.spec import CPT
from systems.hcpcs.spec import HCPCS
from systems.icd10pcs.axes import axes_of
from systems.icd10pcs.spec import ICD10PCS

CPT_ID = CPT.id
ADD_ON_KINDS = frozenset({RelationKind.PRIMARY_CODE, RelationKind.ADD_ON_CODE})
# Stored value to enum member: a dict lookup, cheaper than calling the enum (thousands a query).
LEVELS = {m.value: m for m in CodeLevel}
DESCRIPTION_KINDS = {m.value: m for m in DescriptionKind}
RELATION_KINDS = {m.value: m for m in RelationKind}
GUIDELINE_KINDS = {m.value: m for m in GuidelineKind}
DETAILED = frozenset({CodeLevelValue.CODE, CodeLevelValue.MODIFIER})  # levels with details
# Levels whose names medcode writes itself (CPT's sections and subsections by code range): open
# to every caller, whatever licence the system's own text needs.
OUR_WORDS = frozenset({CodeLevelValue.SECTION, CodeLevelValue.BLOCK})

REGISTER_HINT = (
    "Related codes and guidelines need an API key (any plan). Get a free one with the mutation "
    '`register(email: "you@example.com") { key }` and send it as `Authorization: Bearer <key>`.'
)


class CodeContext(Protocol):
    """What the code fields need of the request context (``schema.context.Context``)."""

    loaders: CodeLoaders
    viewer: Viewer

    def release_by_id(self, release_id: int) -> ReleaseRow | None: ...

    def text_gate(self, release_id: int) -> str | None: ...


def _ctx(info: Info) -> CodeContext:
    context: CodeContext = info.context
    return context


def _require_key(info: Info) -> None:
    if _ctx(info).viewer.is_guest:
        raise coded_error(REGISTER_HINT, REGISTRATION_REQUIRED)

GuidelinesInherited = Annotated[bool, strawberry.argument(
    description="Also the guidelines of the code's ancestors, nearest first (where a "
    "7th-character definition usually lives). `false`: the code's own only."
)]


@strawberry.type(description="A description of a code: its official title or an inclusion term.")
class Description:
    kind: DescriptionKind = strawberry.field(
        description="`OFFICIAL` for the title, `INCLUSION_TERM` for a term listed under the "
        "code (a condition coded here)."
    )
    text: str = strawberry.field(description="The text, as the tabular prints it.")


@strawberry.type(
    description="A code referenced by an instructional note (Excludes1, Excludes2, Code first, "
    "Use additional code, Code also): one entry per reference in the note."
)
class RelatedCode:
    kind: RelationKind = strawberry.field(description="Which note the reference comes from.")
    note: str = strawberry.field(description="The note's text, as the tabular prints it.")
    target_code: str | None = strawberry.field(
        description="The reference as written (`E08.-`, `N18.1-N18.6`); null for a note that "
        "names no code."
    )
    source_code: str = strawberry.field(description="The code the note is written under.")
    inherited: bool = strawberry.field(
        description="True when the note comes from an ancestor (a category's Excludes1 governs "
        "every code below it)."
    )
    _id: strawberry.Private[int]
    _release_id: strawberry.Private[int]
    _pre: strawberry.Private[Prefetch | None] = None
    # The targets, when the entry is worked out rather than stored (CPT's add-on links).
    _targets: strawberry.Private[list[CodeRow] | None] = None

    @strawberry.field(description="The codes the reference denotes, each at its highest level "
                      "(`A00-B99` is chapter 1; `E08.-` is category E08 and all below it), in "
                      "the release of the code asking.")
    def targets(self, info: Info) -> list[Code]:
        if self._targets is not None:
            return [Code.from_row(r, self._pre) for r in self._targets]
        pre = self._pre
        if pre is None or pre.release_id != self._release_id or self._id not in pre.targets:
            return self._load_targets(info)  # type: ignore[return-value]
        codes = pre.built.get(("targets", self._id))
        if codes is None:
            codes = pre.built[("targets", self._id)] = [
                Code.from_row(r, pre) for r in pre.targets[self._id]]
        return codes

    async def _load_targets(self, info: Info) -> list[Code]:
        rows = await _ctx(info).loaders.targets_by_related.load((self._release_id, self._id))
        return [Code.from_row(r, self._pre) for r in rows]


@strawberry.type(description="A coding guideline: an includes note, a plain note or a "
                 "7th-character instruction.")
class Guideline:
    kind: GuidelineKind = strawberry.field(
        description="An includes note, a plain note, or a 7th-character instruction."
    )
    text: str = strawberry.field(
        description="The guideline's text, as the tabular prints it; a 7th-character "
        "definition lists each character and its meaning (`A initial encounter`)."
    )
    source_code: str = strawberry.field(description="The code the guideline is written under.")
    inherited: bool = strawberry.field(description="True when it comes from an ancestor.")


def _system(root: Code, info: Info) -> CodeSystemId:
    release = _ctx(info).release_by_id(root._row.release_id)
    return CodeSystemId(release.system_id if release else "ICD10CM")


@strawberry.type(description="An item of a code system: in ICD-10-CM a chapter, block, "
                 "category, subcategory or code.")
class Code:
    system: CodeSystemId = strawberry.field(resolver=_system, description="The code system.")
    # Plain attributes, not resolvers: a bulk lookup reads them tens of thousands of times, and
    # Strawberry serves an attribute without building an Info or parsing arguments.
    code: str = strawberry.field(description="The code in its canonical form (`E11.9`, "
                                 "`S52.001A`, block `A00-A09`, chapter `1`).")
    billable: bool = strawberry.field(description="True for codes valid on a claim: the leaves "
                                      "of the tabular.")
    level: CodeLevel = strawberry.field(description="Where the item sits in the hierarchy.")
    _row: strawberry.Private[CodeRow]
    _pre: strawberry.Private[Prefetch | None] = None

    @classmethod
    def from_row(cls, row: CodeRow, pre: Prefetch | None = None) -> Code:
        return cls(code=row.code, billable=row.billable, level=LEVELS[row.level], _row=row,
                   _pre=pre)

    @strawberry.field(description="The official title (ICD-10-CM: a 7th-character code's "
                      "title is its parent's title, a comma, and the 7th character's meaning; "
                      "HCPCS: the long description; CPT: the AMA's long descriptor). CPT's is "
                      "licensed content: null, with a LICENSE_REQUIRED error, for a caller "
                      "whose key does not hold the `cpt` licence.")
    def display(self, info: Info) -> str | None:
        row = self._row
        needed = None if row.level in OUR_WORDS else _ctx(info).text_gate(row.release_id)
        if needed is not None:
            raise licence_required(needed)
        return row.display

    @strawberry.field(description="The release (fiscal year) this code comes from.")
    def release(self, info: Info) -> str:
        release = _ctx(info).release_by_id(self._row.release_id)
        return release.version if release else ""

    # The fields below return their value when ``code``/``codes`` prefetched it (see
    # schema/codes/prefetch.py), else an awaitable of it from the loaders; graphql-core takes
    # either. Without a prefetch (guests; codes reached through search, validation or changes)
    # they are always awaitables, as they always were.

    @strawberry.field(description="The official title and each inclusion term (other "
                      "systems: their short, medium, lay and clinician descriptions). CPT's are "
                      "licensed content: null, with a LICENSE_REQUIRED error, without the `cpt` "
                      "licence.")
    def descriptions(self, info: Info) -> list[Description] | None:
        row = self._row
        needed = None if row.level in OUR_WORDS else _ctx(info).text_gate(row.release_id)
        if needed is not None:
            raise licence_required(needed)
        pre = self._pre
        rows = pre.descriptions.get(self._row.content_id) if pre is not None else None
        if rows is None:
            return self._load_descriptions(info)  # type: ignore[return-value]
        return _descriptions(rows)

    async def _load_descriptions(self, info: Info) -> list[Description]:
        return _descriptions(
            await _ctx(info).loaders.descriptions_by_content.load(self._row.content_id))

    @strawberry.field(description="What CMS's HCPCS Level II file says of an HCPCS code or "
                      "modifier besides its descriptions (pricing, coverage, BETOS, dates, "
                      "cross-references), each coded value with its meaning; null for other "
                      "systems and for sections.")
    async def hcpcs(self, info: Info) -> HcpcsDetails | None:
        row = self._row
        release = _ctx(info).release_by_id(row.release_id)
        if release is None or release.system_id != HCPCS.id or row.level not in DETAILED:
            return None
        loaders = _ctx(info).loaders
        details = await loaders.details_by_content.load(row.content_id)
        if details is None:
            return None
        texts = await loaders.descriptions_by_content.load(row.content_id)
        short = next((d.text for d in texts if d.kind == DescriptionKindValue.SHORT), None)
        return HcpcsDetails.from_details(short, details)

    @strawberry.field(description="The Medicare Physician Fee Schedule's record of an HCPCS or "
                      "CPT code (status, RVUs, payment indicators, national payment amounts), "
                      "from the newest PFS release in force during the code's release; null "
                      "for other systems and when no PFS release is loaded. Public.")
    async def fee(
        self, info: Info,
        modifier: Annotated[str | None, strawberry.argument(
            description="`26` or `TC` (or `53`) for that component's own row; the code alone "
            "(the global service) when omitted.")] = None,
    ) -> Annotated[FeeSchedule, strawberry.lazy("schema.pfs.types")] | None:  # type: ignore[name-defined]  # noqa: E501, F821
        from schema.pfs.types import fee_of  # (kept here: one insertion in a shared file)

        if self._row.level != CodeLevelValue.CODE:
            return None
        return await fee_of(info, self._row.release_id, self._row.code, modifier)

    @strawberry.field(description="ICD-10-PCS: each of the code's seven characters, in order, "
                      "with its axis, label and definition; null for other systems and for "
                      "sections, body systems and tables.")
    async def pcs_axes(self, info: Info) -> list[PcsAxis] | None:
        row = self._row
        if row.level != CodeLevelValue.CODE or row.parent_id is None:
            return None
        ctx = _ctx(info)
        release = ctx.release_by_id(row.release_id)
        if release is None or release.system_id != ICD10PCS.id:
            return None
        table = await ctx.loaders.code_by_id.load(row.parent_id)
        details = (await ctx.loaders.details_by_content.load(table.content_id)
                   if table is not None else None)
        axes = axes_of(details, row.key) if details is not None else None
        return None if axes is None else [PcsAxis.from_axis(a) for a in axes]

    @strawberry.field(description="CPT and HCPCS codes: the code's Medicare NCCI edits, from the "
                      "newest loaded quarter: its procedure-to-procedure pairs, its Medically "
                      "Unlikely Edit and, for an add-on code, its type and primary codes; null "
                      "for other systems or when no NCCI file is loaded. Needs an API key.")
    async def ncci(
        self, info: Info,
        setting: Annotated[NcciSetting | None, strawberry.argument(
            description="Whose tables: practitioner or hospital outpatient.")
        ] = NcciSetting.PRACTITIONER,
    ) -> NcciEdits | None:
        release = _ctx(info).release_by_id(self._row.release_id)
        if release is None or release.system_id not in SYSTEMS_WITH_EDITS:
            return None
        _require_key(info)
        return await ncci_edits(info, self._row.key, setting or NcciSetting.PRACTITIONER)

    @strawberry.field(description="The item one level up; null for a chapter.")
    def parent(self, info: Info) -> Code | None:
        pre, parent_id = self._pre, self._row.parent_id
        if pre is None or (parent_id is not None and parent_id not in pre.rows):
            return self._load_parent(info)  # type: ignore[return-value]
        row = pre.rows[parent_id] if parent_id is not None else None
        return Code.from_row(row, pre) if row else None

    async def _load_parent(self, info: Info) -> Code | None:
        if self._row.parent_id is None:
            return None
        row = await _ctx(info).loaders.code_by_id.load(self._row.parent_id)
        return Code.from_row(row, self._pre) if row else None

    @strawberry.field(description="The items one level down, in tabular order.")
    async def children(self, info: Info) -> list[Code]:
        rows = await _ctx(info).loaders.children_by_id.load(self._row.id)
        return [Code.from_row(r, self._pre) for r in rows]

    @strawberry.field(description="Every item above this one, nearest first (up to the chapter).")
    async def ancestors(self, info: Info) -> list[Code]:
        rows = await _ctx(info).loaders.code_by_id.load_many(list(self._row.ancestor_ids))
        return [Code.from_row(r, self._pre) for r in rows if r is not None]

    @strawberry.field(description="Codes named by this code's instructional notes, and with "
                      "`inherited` (default) by its ancestors' notes, own notes first. Needs an "
                      "API key: null for guests, with a REGISTRATION_REQUIRED error.")
    def related(
        self,
        info: Info,
        kinds: Annotated[list[RelationKind] | None, strawberry.argument(
            description="Only these kinds of note (`[EXCLUDES1]` for the conflicts a claim "
            "must avoid); all kinds when omitted.")] = None,
        inherited: Annotated[bool, strawberry.argument(
            description="Also the notes of the code's ancestors (a category's Excludes1 "
            "governs every code below it), nearest first. `false`: the code's own notes "
            "only.")] = True,
    ) -> list[RelatedCode] | None:
        pre = self._pre
        owners = pre.owners(self._row, inherited) if pre is not None else None
        if pre is None or owners is None or any(o.content_id not in pre.related for o in owners) \
                or self._system(info) == CPT_ID:
            return self._load_related(info, kinds, inherited)  # type: ignore[return-value]
        _require_key(info)
        return self._related(owners, [pre.related[o.content_id] for o in owners], kinds)

    def _system(self, info: Info) -> str | None:
        release = _ctx(info).release_by_id(self._row.release_id)
        return release.system_id if release is not None else None

    async def _load_related(self, info: Info, kinds: list[RelationKind] | None,
                            inherited: bool) -> list[RelatedCode] | None:
        _require_key(info)
        owners = await self._owners(info, inherited)
        loaded = await _ctx(info).loaders.related_by_content.load_many(
            [o.content_id for o in owners])
        found = self._related(owners, loaded, kinds)
        if self._system(info) == CPT_ID and self._row.level == CodeLevelValue.CODE and (
                kinds is None or ADD_ON_KINDS & set(kinds)):
            found += await self._add_on_links(info, loaded[0], kinds)
        return found

    async def _add_on_links(self, info: Info, own: list[RelatedRow],
                            kinds: list[RelationKind] | None) -> list[RelatedCode]:
        """CPT: the primary codes of an add-on code, or the add-on codes of a primary one, from
        the fee schedule's ZZZ global period within the code's descriptor family
        (``systems.cpt.add_ons``)."""
        row = self._row
        family = sorted({row.code, *(r.target_code for r in own
                                     if r.kind == RelationKind.FAMILY and r.target_code)})
        if len(family) < 2:
            return []
        rates = await fee_loaders(_ctx(info)).rates.load_many([(None, c) for c in family])
        days = {c: rows[0].global_days for c, (_, rows) in zip(family, rates, strict=True)
                if rows}
        links = [(RelationKind.PRIMARY_CODE, c, f"{row.code} is an add-on code (global period "
                  f"ZZZ in the Medicare fee schedule): report it with {c}.")
                 for c in family_primaries(row.code, family, days)]
        links += [(RelationKind.ADD_ON_CODE, c, f"{c} is an add-on code (global period ZZZ in "
                   f"the Medicare fee schedule) reported with {row.code}.")
                  for c in family_add_ons(row.code, family, days)]
        wanted = set(kinds) if kinds else None
        loaders = _ctx(info).loaders
        out = []
        for kind, code, note in links:
            if wanted is not None and kind not in wanted:
                continue
            target = await loaders.code_by_key.load((row.release_id, code))
            out.append(RelatedCode(kind=kind, note=note, target_code=code, source_code=row.code,
                                   inherited=False, _id=-1, _release_id=row.release_id,
                                   _pre=self._pre, _targets=[target] if target else []))
        return out

    def _related(self, owners: list[CodeRow], loaded: list[list[RelatedRow]],
                 kinds: list[RelationKind] | None) -> list[RelatedCode]:
        wanted = {k.value for k in kinds} if kinds else None
        return [
            _related(r, owner, owner.id != self._row.id, self._pre)
            for owner, rows in zip(owners, loaded, strict=True)
            for r in rows
            if wanted is None or r.kind in wanted
        ]

    @strawberry.field(description="Includes notes, plain notes and 7th-character definitions, "
                      "with `inherited` (default) those of its ancestors; the 7th-character "
                      "definition in force is the nearest one. Needs an API key.")
    def guidelines(
        self, info: Info, inherited: GuidelinesInherited = True
    ) -> list[Guideline] | None:
        pre = self._pre
        owners = pre.owners(self._row, inherited) if pre is not None else None
        if pre is None or owners is None or any(o.content_id not in pre.guidelines
                                                for o in owners):
            return self._load_guidelines(info, inherited)  # type: ignore[return-value]
        _require_key(info)
        return self._guidelines(owners, [pre.guidelines[o.content_id] for o in owners])

    async def _load_guidelines(self, info: Info, inherited: bool) -> list[Guideline] | None:
        _require_key(info)
        owners = await self._owners(info, inherited)
        loaded = await _ctx(info).loaders.guidelines_by_content.load_many(
            [o.content_id for o in owners])
        return self._guidelines(owners, loaded)

    def _guidelines(self, owners: list[CodeRow],
                    loaded: list[list[GuidelineRow]]) -> list[Guideline]:
        out: list[Guideline] = []
        seventh_found = False
        for owner, rows in zip(owners, loaded, strict=True):
            has_seventh = any(r.kind == "SEVENTH_CHARACTER" for r in rows)
            for r in rows:
                if r.kind == "SEVENTH_CHARACTER" and seventh_found:
                    continue
                out.append(_guideline(r, owner, owner.id != self._row.id))
            seventh_found = seventh_found or has_seventh
        return out

    async def _owners(self, info: Info, inherited: bool) -> list[CodeRow]:
        """This code and, when inherited, its ancestors nearest first."""
        if not inherited or not self._row.ancestor_ids:
            return [self._row]
        rows = await _ctx(info).loaders.code_by_id.load_many(list(self._row.ancestor_ids))
        return [self._row, *(r for r in rows if r is not None)]


def _descriptions(rows: list[DescriptionRow]) -> list[Description]:
    return [Description(kind=DESCRIPTION_KINDS[r.kind], text=r.text) for r in rows]


def _related(row: RelatedRow, owner: CodeRow, inherited: bool,
             pre: Prefetch | None) -> RelatedCode:
    return RelatedCode(
        kind=RELATION_KINDS[row.kind], note=row.note, target_code=row.target_code,
        source_code=owner.code, inherited=inherited, _id=row.id, _release_id=owner.release_id,
        _pre=pre,
    )


def _guideline(row: GuidelineRow, owner: CodeRow, inherited: bool) -> Guideline:
    return Guideline(
        kind=GUIDELINE_KINDS[row.kind], text=row.text, source_code=owner.code, inherited=inherited
    )


__all__ = ["Code", "Description", "Guideline", "RelatedCode"]
