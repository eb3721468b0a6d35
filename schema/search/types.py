"""Search results as a Relay-style connection."""

from __future__ import annotations

import base64

import strawberry

from schema.codes.types import Code


@strawberry.type(description="Where a page of results ends.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when more results follow this page.")
    end_cursor: str | None = strawberry.field(
        description="The last result's cursor: pass it as `after` for the next page."
    )


@strawberry.type(description="One search result.")
class CodeEdge:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this result.")
    node: Code = strawberry.field(description="The code found.")
    score: float = strawberry.field(description="Relevance; higher is better.")


@strawberry.type(description="A page of search results.")
class CodeConnection:
    edges: list[CodeEdge] = strawberry.field(description="This page's results, best first.")
    page_info: PageInfo = strawberry.field(description="Where this page ends.")
    total_count: int = strawberry.field(description="Codes matching in all.")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode_cursor(cursor: str | None) -> int | None:
    """The offset after ``cursor``; None when the cursor is not one of ours."""
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    digits = raw[2:]
    # ASCII digits only ("²".isdigit() is true), and not thousands: int() refuses 4,300.
    if not raw.startswith("o:") or not (digits.isascii() and digits.isdigit()) \
            or len(digits) > 30:
        return None
    return int(digits) + 1
