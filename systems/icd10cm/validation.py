"""Claim validation: every code of a claim checked at once, as a payer's edits would check it.

``validate`` takes the claim's codes in order and the release in force on the date of service,
and returns findings (see ``FindingKind`` in ``types.py`` for what each means). The work is
batched: whatever the claim's size, a validation costs a bounded number of SQL statements
(at most 13), each over the whole claim, and each only when the claim needs it; the codes, their
ancestors and notes that this process read before come from memory
(``domain.rows.ReleaseRows``, after one statement per request for the releases' load times):

1. the codes (and, for ``S30.1XX``-style input, the code without its placeholders) by key;
2. codes missing from the release, or headers, looked up in the other loaded releases;
3. ancestors, children and, for codes of another release, their surviving ancestors;
4. the Excludes1 / Code first / Use additional code notes of the codes and their ancestors, and
   the keys they name; the 7th-character instructions of codes that lack one;
5. the billable descendants of headers (one recursive query);
6. candidates for unknown codes (at most two range queries; see ``nearest.py``);
7. the codes that notes and the nearest-code search suggest.

A note names codes at their highest level (``E10`` stands for E10 and everything under it), so
"the note names code B" means the note's target is B's key or the key of one of B's ancestors:
the claim's codes and their ancestors are indexed by key once, and every note is matched
against that index in memory.

Instructional-note checks apply to the claim's billable codes (a header is already an error, and
fixing it changes the notes that apply).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection

from domain.releases import ReleaseRow
from domain.rows import (
    CodeRow,
    GuidelineRow,
    NoteRow,
    ReleaseRows,
    billable_descendants,
    children_of,
    codes_by_key,
    guidelines_of,
)
from domain.validation.findings import KIND_ORDER, Finding, FindingKind, Severity, Validation
from domain.validation.nearest import fuzzy_key, nearest_codes
from domain.vocabulary import HEADER_LEVELS, CodeLevel, GuidelineKind
from systems.icd10cm import notes as N
from systems.icd10cm.tabular import dotted, lookup_key

ERROR = Severity.ERROR
WARNING = Severity.WARNING
UNKNOWN_CODE = FindingKind.UNKNOWN_CODE
NOT_BILLABLE = FindingKind.NOT_BILLABLE
MISSING_SEVENTH_CHARACTER = FindingKind.MISSING_SEVENTH_CHARACTER
NOT_VALID_ON_DATE = FindingKind.NOT_VALID_ON_DATE
EXCLUDES1_CONFLICT = FindingKind.EXCLUDES1_CONFLICT
CODE_FIRST_SEQUENCE = FindingKind.CODE_FIRST_SEQUENCE
USE_ADDITIONAL_CODE = FindingKind.USE_ADDITIONAL_CODE
DUPLICATE = FindingKind.DUPLICATE

MAX_SUGGESTIONS = 10  # ranked suggestions: nearest codes, billable codes of a header
MAX_NOTE_SUGGESTIONS = 25  # the codes a note names, in the note's order
MAX_ECHO = 40  # characters of unknown input echoed back

EXCLUDES1_EXCEPTION = (
    "Excludes1 means NOT CODED HERE: the two conditions cannot occur together, so the codes are "
    "not reported together. Exception (ICD-10-CM guideline I.A.12.a): when the two conditions "
    "are unrelated to each other, both may be reported."
)
MANIFESTATION = re.compile(r"classified elsewhere", re.I)
SEVENTH_DEFINITION = re.compile(r"^[0-9A-Z]: ")
KEY_SHAPE = re.compile(r"^[0-9A-Z][0-9A-Z-]{0,15}$")
ADVERSE_EFFECTS = re.compile(r"^\W*for adverse effects\b", re.I)
LEVEL_NAMES = {
    CodeLevel.CHAPTER: "a chapter", CodeLevel.BLOCK: "a block of categories",
    CodeLevel.CATEGORY: "a category", CodeLevel.SUBCATEGORY: "a subcategory",
}




@dataclass(slots=True)
class Item:
    """One distinct code of the claim (after normalisation), where it appears, what it is."""

    key: str
    raw: str
    positions: list[int]
    row: CodeRow | None = None  # in the release of the date of service
    owners: list[CodeRow] = field(default_factory=list)  # the code, then its ancestors
    cover: frozenset[str] = frozenset()  # keys a note may name to name this code

    @property
    def first(self) -> int:
        return self.positions[0]

    @property
    def code(self) -> CodeRow:
        """The code, for an item known to be in the release."""
        assert self.row is not None
        return self.row

    @property
    def label(self) -> str:
        if self.row is not None:
            return self.row.code
        raw = self.raw.strip()
        return raw if len(raw) <= MAX_ECHO else raw[:MAX_ECHO] + "…"


def fiscal_year(release: ReleaseRow) -> str:
    return f"FY{release.version}" if release.version.isdigit() else release.version


def _span(release: ReleaseRow) -> str:
    end = release.effective_to.isoformat() if release.effective_to else "open-ended"
    return f"{release.effective_from.isoformat()} to {end}"


def _key(row: CodeRow) -> str:
    return row.key


def _specificity(key: str) -> int:
    """Characters that carry meaning (placeholder X's do not)."""
    return len(key) - key[3:].count("X")


def _unspecified_score(row: CodeRow) -> int:
    key = _key(row)
    core = (key[:6] if len(key) == 7 else key).rstrip("X")
    return 2 * core.endswith("9") + ("unspecified" in row.display.lower())


def rank_billable(rows: Sequence[CodeRow], seventh: str | None = None) -> list[CodeRow]:
    """Billable codes under a header, the least specific and the unspecified ones first."""
    if seventh:
        same = [r for r in rows if len(_key(r)) == 7 and _key(r)[6] == seventh]
        rows = same or rows
    return sorted(rows, key=lambda r: (_specificity(_key(r)), -_unspecified_score(r),
                                       r.sort_order))


def _at(owner: CodeRow) -> str:
    """Where a note is written: ``E11``, ``block I10-I1A``, ``chapter 1``."""
    if owner.level in HEADER_LEVELS:
        return f"{owner.level.lower()} {owner.code}"
    return owner.code


def _replacement_prefixes(key: str) -> list[str]:
    """Keys of the code's possible ancestors, nearest first (``S301XXA`` -> ``S301``)."""
    out: list[str] = []
    for n in range(len(key) - 1, 2, -1):
        p = key[:n].rstrip("X")
        if len(p) >= 3 and p not in out:
            out.append(p)
    return out


class _Run:
    def __init__(self, conn: Callable[[], Connection], release: ReleaseRow,
                 others: Sequence[ReleaseRow], date_of_service: datetime.date | None,
                 normalise: Callable[[str], str | None]) -> None:
        self.conn = conn
        self.normalise = normalise
        self.rows: dict[int, CodeRow] = {}  # every code read, by id
        self.keys: dict[str, CodeRow | None] = {}  # every key of the release asked, found or not
        self.release = release
        self.read = ReleaseRows(conn, release.id)  # the release's codes and notes, kept
        self.others = list(others)
        self.dos = date_of_service
        self.findings: list[Finding] = []

    # --- helpers ------------------------------------------------------------------------------

    def add(self, severity: Severity, kind: FindingKind, items: Sequence[Item], message: str,
            suggestions: Sequence[CodeRow] = (), suggestion_keys: Sequence[str] = (),
            positions: Sequence[int] | None = None) -> None:
        self.findings.append(Finding(
            severity, kind, [i.label for i in items],
            list(positions) if positions is not None else [i.first for i in items],
            message, list(suggestions), list(suggestion_keys),
        ))

    def _when(self) -> str:
        if self.dos is None:
            return f"{fiscal_year(self.release)}, the newest code set"
        return f"{fiscal_year(self.release)}, the code set in force on {self.dos.isoformat()}"

    def _by_key(self, keys: Sequence[str]) -> dict[str, CodeRow]:
        """These codes of the release, reading only keys not asked before (None: no code)."""
        unread = [k for k in dict.fromkeys(keys) if k not in self.keys]
        if unread:
            self.keys.update(dict.fromkeys(unread))
            for k, r in self.read.by_key(unread).items():
                self.keys[k] = self.rows[r.id] = r
        return {k: row for k in keys if (row := self.keys[k]) is not None}

    def _by_id(self, ids: Sequence[int]) -> dict[int, CodeRow]:
        """These codes, reading only those not read before."""
        unread = [i for i in ids if i not in self.rows]
        if unread:
            self.rows.update(self.read.by_id(unread))
        return {i: self.rows[i] for i in ids if i in self.rows}

    def _elsewhere(self, keys: Sequence[str]) -> dict[str, list[tuple[ReleaseRow, CodeRow]]]:
        """The codes in the other loaded releases, nearest release in time first."""
        found: dict[str, list[tuple[ReleaseRow, CodeRow]]] = defaultdict(list)
        if not keys or not self.others:
            return found
        by_id = {r.id: r for r in self.others}
        for row in codes_by_key(self.conn(), by_id, sorted(set(keys))):
            found[row.key].append((by_id[row.release_id], row))
        start = self.release.effective_from
        for hits in found.values():
            hits.sort(key=lambda h: abs((h[0].effective_from - start).days))
        return found

    # --- the run ------------------------------------------------------------------------------

    def run(self, codes: Sequence[str]) -> Validation:
        items: dict[str, Item] = {}
        for pos, raw in enumerate(codes):
            # Input that cannot be a code keeps its own (squeezed, upper-case) text as its key:
            # it is reported as unknown, and never looked up (KEY_SHAPE below).
            key = self.normalise(raw)
            if key is None:
                key = lookup_key("".join(raw.split()))
            if key in items:
                items[key].positions.append(pos)
            else:
                items[key] = Item(key, raw, [pos])
        # only what could be a key is looked up (no NUL bytes or 5,000-character strings)
        lookups = [k for k in items if KEY_SHAPE.match(k)]
        bases = {k: k.rstrip("X") for k in lookups if len(k) > 3 and k.endswith("X")}

        # 1. the codes, and the codes typed with placeholders but no 7th character
        found = self._by_key([*lookups, *(b for b in bases.values() if len(b) >= 3)])
        for item in items.values():
            item.row = found.get(item.key)
        billable = [i for i in items.values() if i.row is not None and i.row.billable]
        headers = [i for i in items.values() if i.row is not None and not i.row.billable]
        missing = [i for i in items.values() if i.row is None]

        # 2. the same keys in the other releases
        elsewhere = self._elsewhere([i.key for i in missing + headers if KEY_SHAPE.match(i.key)])
        moved = [i for i in missing if i.key in elsewhere]
        placeholder_bases = {i.key: found[bases[i.key]] for i in missing
                             if i.key not in elsewhere and bases.get(i.key) in found}

        # 3. ancestors, children, and where codes of another release now live
        lineage = [i.code for i in billable + headers] + list(placeholder_bases.values())
        by_id = self._by_id(sorted({a for r in lineage for a in r.ancestor_ids}))

        def owners(row: CodeRow) -> list[CodeRow]:
            return [row, *(by_id[a] for a in row.ancestor_ids if a in by_id)]

        for i in billable + headers:
            i.owners = owners(i.code)
            i.cover = frozenset(_key(o) for o in i.owners)
        parents = {i.code.id: i.code for i in headers}
        parents.update({b.id: b for b in placeholder_bases.values() if not b.billable})
        children: dict[int, list[CodeRow]] = {p: [] for p in parents}
        if parents:
            for kid in children_of(self.conn(), list(parents)):
                children[kid.parent_id].append(kid)  # type: ignore[index]
        prefixes = {i.key: _replacement_prefixes(i.key) for i in moved}
        survivors = self._by_key([p for ps in prefixes.values() for p in ps])

        def seventh_parent(row: CodeRow) -> bool:
            kids = children.get(row.id) or []
            key = _key(row)
            return (len(key) <= 6 and bool(kids)
                    and all(len(_key(k)) == 7 and _key(k).startswith(key) for k in kids))

        need_seventh = [i for i in headers if seventh_parent(i.code)]
        not_billable = [i for i in headers if not seventh_parent(i.code)]
        placeholder_items = [i for i in missing if i.key in placeholder_bases
                             and seventh_parent(placeholder_bases[i.key])]
        completed = {i.key for i in placeholder_items}
        unknown = [i for i in missing if i.key not in elsewhere and i.key not in completed]

        # 4. notes of the billable codes and their ancestors; 7th-character instructions
        notes = self.read.notes_of((o.content_id for i in billable for o in i.owners), N.KINDS)
        seventh_owners = [o for i in need_seventh for o in i.owners]
        seventh_owners += [o for i in placeholder_items for o in owners(placeholder_bases[i.key])]
        seventh_contents = list(dict.fromkeys(o.content_id for o in seventh_owners))
        guidelines = guidelines_of(self.conn(), seventh_contents) if seventh_contents else {}

        # 5. billable codes under headers, and under the surviving ancestors of moved codes
        replaced: dict[str, CodeRow] = {}
        for i in moved:
            ancestor = next((survivors[p] for p in prefixes[i.key] if p in survivors), None)
            if ancestor is not None:
                replaced[i.key] = ancestor
        roots = {i.code.id for i in not_billable
                 if i.code.level in (CodeLevel.CATEGORY, CodeLevel.SUBCATEGORY)}
        roots |= {a.id for a in replaced.values() if not a.billable}
        descendants = billable_descendants(self.conn(), roots)

        # 6. the nearest codes to unknown ones
        words = {i.key: fuzzy_key(i.key) for i in unknown}
        nearest = nearest_codes(self.conn, self.release.id, list(set(words.values())),
                                MAX_SUGGESTIONS) if unknown else {}

        for i in unknown:
            self._unknown(i, nearest.get(words[i.key], []))
        for i in moved:
            self._moved(i, elsewhere[i.key][0], replaced.get(i.key), descendants)
        for i in not_billable:
            self._not_billable(i, descendants.get(i.code.id, []),
                               elsewhere.get(i.key, []))
        for i in need_seventh:
            self._missing_seventh(i, i.code, children[i.code.id], i.owners, guidelines)
        for i in placeholder_items:
            base = placeholder_bases[i.key]
            self._missing_seventh(i, base, children[base.id], owners(base), guidelines)
        self._note_checks(billable, notes)
        for i in items.values():
            if len(i.positions) > 1:
                self.add(WARNING, DUPLICATE, [i],
                         f"{i.label} is listed {len(i.positions)} times: report each code once.",
                         positions=i.positions)

        # 7. the codes notes name, as codes of the release
        keys = [k for f in self.findings for k in f.suggestion_keys]
        if keys:
            named = self._by_key(keys)
            for f in self.findings:
                f.suggestions += [named[k] for k in f.suggestion_keys if k in named]
                del f.suggestions[MAX_NOTE_SUGGESTIONS:]
        self.findings.sort(key=lambda f: (f.severity != ERROR, min(f.positions, default=0),
                                          KIND_ORDER.index(f.kind)))
        return Validation(self.release, self.findings)

    # --- per-code findings --------------------------------------------------------------------

    def _unknown(self, item: Item, nearest: list[str]) -> None:
        if not item.key:
            message = "An empty entry is not a code."
        else:
            message = f'"{item.label}" is not an ICD-10-CM code in {self._when()}'
            if nearest:
                close = ", ".join(dotted(k) for k in nearest[:3])
                message += f". Nearest real codes: {close}."
            else:
                message += ", and no real code is close to it."
        self.add(ERROR, UNKNOWN_CODE, [item], message,
                 suggestion_keys=nearest[:MAX_SUGGESTIONS])

    def _moved(self, item: Item, hit: tuple[ReleaseRow, CodeRow], ancestor: CodeRow | None,
               descendants: dict[int, list[CodeRow]]) -> None:
        other, row = hit
        code = f"{row.code} ({row.display})"
        when = self._when()
        if other.effective_from > self.release.effective_from:
            message = (f"{code} takes effect with {fiscal_year(other)} on "
                       f"{other.effective_from.isoformat()}; it is not in {when}.")
        else:
            status = "a billable code" if row.billable else "a header"
            message = (f"{code} was {status} in {fiscal_year(other)} ({_span(other)}) and is "
                       f"not in {when}.")
        suggestions: list[CodeRow] = []
        if ancestor is not None:
            if ancestor.billable:
                suggestions = [ancestor]
                message += (f" In {fiscal_year(self.release)} this is coded {ancestor.code} "
                            f"({ancestor.display}).")
            else:
                key = row.code.replace(".", "")
                seventh = key[6] if len(key) == 7 else None
                suggestions = rank_billable(descendants.get(ancestor.id, []), seventh)
                if suggestions:
                    message += (f" In {fiscal_year(self.release)} use one of the billable codes "
                                f"under {ancestor.code} ({ancestor.display}).")
        self.findings.append(Finding(ERROR, NOT_VALID_ON_DATE, [row.code], [item.first], message,
                                     suggestions[:MAX_SUGGESTIONS]))

    def _not_billable(self, item: Item, below: list[CodeRow],
                      elsewhere: list[tuple[ReleaseRow, CodeRow]]) -> None:
        row = item.row
        assert row is not None
        level = LEVEL_NAMES.get(CodeLevel(row.level), "a heading")
        if row.level in HEADER_LEVELS:
            message = (f"{row.code} ({row.display}) is {level}, a range of categories, not a "
                       "code: report the billable code the record supports.")
        else:
            message = (f"{row.code} ({row.display}) is {level} with {len(below)} billable "
                       f"code{'s' if len(below) != 1 else ''} under it, and only billable codes "
                       "may be reported: choose the most specific one the record supports "
                       "(suggestions start with the unspecified ones).")
        for other, was in elsewhere:
            if was.billable:
                if other.effective_from < self.release.effective_from:
                    message += (f" It was billable in {fiscal_year(other)} ({_span(other)}); "
                                f"{fiscal_year(self.release)} divides it into new codes.")
                else:
                    message += (f" It becomes billable with {fiscal_year(other)} on "
                                f"{other.effective_from.isoformat()}.")
                break
        self.add(ERROR, NOT_BILLABLE, [item], message, rank_billable(below)[:MAX_SUGGESTIONS])

    def _missing_seventh(self, item: Item, row: CodeRow, kids: list[CodeRow],
                         owners: list[CodeRow], guidelines: dict[int, list[GuidelineRow]]
                         ) -> None:
        instruction = None
        for o in owners:
            texts = [g.text for g in guidelines.get(o.content_id, [])
                     if g.kind == GuidelineKind.SEVENTH_CHARACTER]
            if texts:
                instruction = next((t for t in texts if not SEVENTH_DEFINITION.match(t)), None)
                break
        key = _key(row)
        placeholder = any("X" in _key(k)[len(key):6] for k in kids)
        message = (f"{row.code} ({row.display}) needs a 7th character"
                   f"{', after placeholder X' if placeholder else ''}")
        if instruction:
            message += f': the tabular says "{instruction}"'
        completions = [k for k in kids if k.billable]
        message += f". Valid codes: {', '.join(k.code for k in completions)}."
        self.add(ERROR, MISSING_SEVENTH_CHARACTER, [item], message, completions)

    # --- instructional notes ------------------------------------------------------------------

    def _note_checks(self, billable: list[Item],
                     notes: Mapping[int, Sequence[NoteRow]]) -> None:
        index: dict[str, list[Item]] = defaultdict(list)
        for i in billable:
            for k in i.cover:
                index[k].append(i)
        conflicts: dict[tuple[str, str], list[str]] = {}
        pairs: dict[tuple[str, str], tuple[Item, Item]] = {}
        for item in sorted(billable, key=lambda i: i.first):
            for owner in item.owners:
                rows = notes.get(owner.content_id, [])
                where = (f"{item.label} has" if owner.id == item.code.id
                         else f"{item.label} inherits from {_at(owner)}")
                for inst in N.instructions(rows, N.EXCLUDES1):
                    for other in self._excluded(item, inst, index):
                        pair = (min(item.key, other.key), max(item.key, other.key))
                        pairs.setdefault(pair, (item, other))
                        said = conflicts.setdefault(pair, [])
                        if not any(s.startswith(item.label + " ") for s in said):
                            said.append(f'{where} the note "{inst.text()}", which covers '
                                        f"{other.label}")
                for inst in N.instructions(rows, N.CODE_FIRST):
                    self._code_first(item, owner, inst, index)
                for inst in N.instructions(rows, N.USE_ADDITIONAL_CODE):
                    self._use_additional(item, owner, inst, index)
        for pair, said in conflicts.items():
            a, b = sorted(pairs[pair], key=lambda i: i.first)
            self.add(ERROR, EXCLUDES1_CONFLICT, [a, b],
                     f"{a.label} and {b.label} are not coded together: {'; '.join(said)}. "
                     + EXCLUDES1_EXCEPTION)

    @staticmethod
    def _excluded(item: Item, inst: N.Instruction, index: dict[str, list[Item]]) -> list[Item]:
        hit: dict[str, Item] = {}
        for ref in inst.references:
            check = N.qualifier(ref)
            if check is False:
                continue
            for t in ref.targets:
                if t in item.cover:
                    continue
                for other in index.get(t, []):
                    if other is item or other.key in hit:
                        continue
                    if callable(check) and not check(other.key):
                        continue
                    hit[other.key] = other
        return list(hit.values())

    @staticmethod
    def _named(item: Item, inst: N.Instruction, index: dict[str, list[Item]]) -> list[Item]:
        """The claim's other codes that the instruction names, in claim order."""
        out = {o.key: o for t in inst.targets if t not in item.cover
               for o in index.get(t, []) if o is not item}
        return sorted(out.values(), key=lambda o: o.first)

    def _code_first(self, item: Item, owner: CodeRow, inst: N.Instruction,
                    index: dict[str, list[Item]]) -> None:
        row = item.code
        if ADVERSE_EFFECTS.search(inst.lines[0]) and "adverse effect" not in row.display.lower():
            return  # "Code first, for adverse effects, the nature of …": not for poisonings
        named = self._named(item, inst, index)
        if any(o.first < item.first for o in named):
            return
        note = f'the tabular says at {_at(owner)}: "{inst.text()}"'
        if named:
            after = named[0]
            self.add(WARNING, CODE_FIRST_SEQUENCE, [item, after],
                     f"{row.code} ({row.display}): {note}, and {after.label} is listed after "
                     f"it. List {after.label} before {row.code}.",
                     suggestion_keys=inst.targets)
            return
        manifestation = MANIFESTATION.search(row.display) or MANIFESTATION.search(owner.display)
        if inst.conditional or not manifestation:
            return  # "code first" the condition when present, which it is not
        self.add(WARNING, CODE_FIRST_SEQUENCE, [item],
                 f"{row.code} ({row.display}) is a manifestation code: {note}, and no such code "
                 f"is on the claim. Report the underlying condition first, then {row.code}; a "
                 "code for a manifestation \"in diseases classified elsewhere\" is never "
                 "reported alone or first.",
                 suggestion_keys=inst.targets)

    def _use_additional(self, item: Item, owner: CodeRow, inst: N.Instruction,
                        index: dict[str, list[Item]]) -> None:
        if owner.level in HEADER_LEVELS:
            return  # a range's general instruction ("to identify: tobacco use …"), when present
        if inst.conditional or self._named(item, inst, index):
            return
        row = item.code
        self.add(WARNING, USE_ADDITIONAL_CODE, [item],
                 f'{row.code} ({row.display}): the tabular says at {_at(owner)}: "{inst.text()}", '
                 "and no such code is on the claim. Add the code that applies.",
                 suggestion_keys=inst.targets)


def validate(conn: Callable[[], Connection], release: ReleaseRow, others: Sequence[ReleaseRow],
             codes: Sequence[str], date_of_service: datetime.date | None,
             normalise: Callable[[str], str | None]) -> Validation:
    """Validate a claim's codes against ``release`` (the one in force on the date of service);
    ``others`` are the system's other loaded releases, for NOT_VALID_ON_DATE."""
    return _Run(conn, release, others, date_of_service, normalise).run(codes)
