"""SQLModel tables: code systems, releases, codes and their notes, API keys and quota counters.

Every code row belongs to one release, so several releases (each ICD-10-CM fiscal year, HCPCS,
CPT) live side by side. What a code says (title, inclusion terms, notes and the codes they name)
is a ``code_content`` row shared by every release in which the code says exactly the same: a code
unchanged over ten years costs ten small ``code`` rows and one copy of its notes. Note targets are
stored as code keys and resolved in the release of the code asking.

The hierarchy is stored twice on purpose: ``parent_id`` for children, and ``ancestor_ids``
(nearest first, comma-separated) so that the ancestors of any batch of codes, and the notes they
inherit, come back in one statement.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class CodeSystem(SQLModel, table=True):
    """A code system: ICD10CM, later HCPCS, ICD10PCS, CPT."""

    __tablename__ = "code_system"
    id: str = Field(primary_key=True, max_length=16)


class Release(SQLModel, table=True):
    """One loaded release of a code system, e.g. ICD-10-CM FY2026."""

    __tablename__ = "release"
    __table_args__ = (UniqueConstraint("system_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    system_id: str = Field(foreign_key="code_system.id", max_length=16)
    version: str = Field(max_length=32)
    effective_from: date
    effective_to: date | None = None
    source: str = Field(max_length=500)
    loaded_at: datetime
    code_count: int = 0
    billable_count: int = 0


class CodeContent(SQLModel, table=True):
    """What a code says, identified by the SHA-256 of it; shared across releases."""

    __tablename__ = "code_content"
    id: int | None = Field(default=None, primary_key=True)
    digest: str = Field(max_length=64, unique=True)
    # What only the code's system says of it (HCPCS pricing, coverage...), as a JSON object.
    details: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Code(SQLModel, table=True):
    """One item of the tabular: chapter, block, category, subcategory or code."""

    __tablename__ = "code"
    __table_args__ = (
        UniqueConstraint("release_id", "key"),
        Index("ix_code_release_sort", "release_id", "sort_order"),
    )
    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="release.id")
    code: str = Field(max_length=16)
    key: str = Field(max_length=16)  # upper case, no dot: the lookup form
    display: str = Field(sa_column=Column(Text, nullable=False))
    level: str = Field(max_length=12)
    billable: bool
    parent_id: int | None = Field(default=None, foreign_key="code.id", index=True)
    ancestor_ids: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    sort_order: int
    content_id: int = Field(foreign_key="code_content.id", index=True)
    # The code's own dates inside its release (HCPCS add and termination dates); null: the
    # release's dates apply.
    valid_from: date | None = None
    valid_to: date | None = None


class Description(SQLModel, table=True):
    """The official title and each inclusion term of a code."""

    __tablename__ = "description"
    id: int | None = Field(default=None, primary_key=True)
    content_id: int = Field(foreign_key="code_content.id", index=True)
    kind: str = Field(max_length=20)
    text: str = Field(sa_column=Column(Text, nullable=False))
    seq: int


class RelatedCode(SQLModel, table=True):
    """One code reference in an Excludes1, Excludes2, Code first, Use additional code or Code
    also note."""

    __tablename__ = "related_code"
    id: int | None = Field(default=None, primary_key=True)
    content_id: int = Field(foreign_key="code_content.id", index=True)
    kind: str = Field(max_length=24)
    note: str = Field(sa_column=Column(Text, nullable=False))
    target_code: str | None = Field(default=None, max_length=120)
    seq: int


class RelatedTarget(SQLModel, table=True):
    """A code that a related-code reference denotes (a range resolves to several), by key."""

    __tablename__ = "related_target"
    related_id: int = Field(foreign_key="related_code.id", primary_key=True)
    seq: int = Field(primary_key=True)
    target_key: str = Field(max_length=16, index=True)


class Guideline(SQLModel, table=True):
    """An includes note, a plain note or a 7th-character definition attached to a code."""

    __tablename__ = "guideline"
    id: int | None = Field(default=None, primary_key=True)
    content_id: int = Field(foreign_key="code_content.id", index=True)
    kind: str = Field(max_length=20)
    text: str = Field(sa_column=Column(Text, nullable=False))
    seq: int


class SearchEntry(SQLModel, table=True):
    """The search document of a code: its entries (title, inclusion terms, includes notes and
    what it inherits) with their words' costs, and ``terms``, the stems the index matches.

    ``id`` carries a static rank order and the billable bit (see ``seed/search_index.py``). On
    SQLite the FTS5 table ``search_fts`` indexes ``terms`` (external content); on PostgreSQL a
    GIN index on ``array_to_tsvector(string_to_array(terms, ' '))`` does. Both are created by
    the migrations, outside the models.
    """

    __tablename__ = "search_entry"
    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="release.id", index=True)
    code_id: int = Field(foreign_key="code.id", index=True)
    billable: bool
    text: str = Field(sa_column=Column(Text, nullable=False))
    terms: str = Field(sa_column=Column(Text, nullable=False))


class SearchTerm(SQLModel, table=True):
    """A word of a release's search documents and how many documents hold it: the dictionary
    that typo correction and prefix completion use."""

    __tablename__ = "search_term"
    release_id: int = Field(foreign_key="release.id", primary_key=True)
    word: str = Field(primary_key=True, max_length=64)
    stem: str = Field(max_length=64)
    df: int


class SearchSpelling(SQLModel, table=True):
    """A release's typo index, built from its ``search_term`` words when they are written (see
    ``domain/search/spelling.py``): ``deletions`` holds the sorted keys, ``digest`` the CRC-32
    of the words they number, ``format`` the version of the keys."""

    __tablename__ = "search_spelling"
    release_id: int = Field(foreign_key="release.id", primary_key=True)
    format: int
    digest: int = Field(sa_column=Column(BigInteger, nullable=False))
    deletions: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ApiKey(SQLModel, table=True):
    """An API key. Only its SHA-256 and a short display prefix are stored."""

    __tablename__ = "api_key"
    id: int | None = Field(default=None, primary_key=True)
    prefix: str = Field(max_length=24)
    key_hash: str = Field(max_length=64, unique=True)
    plan: str = Field(max_length=32)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320, unique=True)
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    # Licences the operator granted the key, comma-separated and sorted (``cpt``); "" for none.
    licences: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})


class QuotaCounter(SQLModel, table=True):
    """Views used by one subject (a key or a guest address) in one daily window."""

    __tablename__ = "quota_counter"
    subject: str = Field(primary_key=True, max_length=120)
    window_start: int = Field(primary_key=True)  # epoch seconds, 00:00 UTC
    used: int = 0
