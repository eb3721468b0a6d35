"""Hostile input, as partners' code and the open internet send it: ``python -m bench.robustness``
prints a table of each kind of bad input, how many cases were tried and what they got.

The same catalogue drives ``tests/robustness/test_hostile_inputs.py``. Every case states what it
must get (an HTTP status and the ``extensions.code`` of its errors, or ``ok``); every answer must
be well formed (JSON with ``data`` and/or ``errors``, each error with a documented code) and
never a 5xx. Kinds with ``known_bug`` set are bugs reported but not yet fixed: the test marks
them ``xfail(strict=True)``, so fixing the bug makes the test fail until the mark is removed.

Options: ``--db URL`` (default: a SQLite file under bench/out, seeded once and reused).
"""

from __future__ import annotations

import argparse
import base64
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from schema import errors

# Every code an error may carry: the constants of service/errors.py.
DOCUMENTED_CODES = frozenset(
    v for k, v in vars(errors).items() if k.isupper() and isinstance(v, str) and k == v
)
MAX_BODY = 1_000_000
KB100 = 100_000

OK = "200 ok"
TOO_LARGE = "200 QUERY_TOO_LARGE"
BAD_INPUT = "200 BAD_USER_INPUT"
PARSE = "200 GRAPHQL_PARSE_FAILED"
INVALID = "200 GRAPHQL_VALIDATION_FAILED"
BAD_REQUEST = "400 BAD_REQUEST"
BODY_TOO_LARGE = "413 QUERY_TOO_LARGE"
UNAUTHENTICATED = "401 UNAUTHENTICATED"
NOT_ALLOWED = "405 non-GraphQL"
APQ_NOT_FOUND = "200 PERSISTED_QUERY_NOT_FOUND"


class Response(Protocol):
    status_code: int
    content: bytes
    headers: Any


class Client(Protocol):
    def request(self, method: str, url: str, **kwargs: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class Probe:
    """One request and the outcomes it may get."""

    label: str
    expect: frozenset[str]
    method: str = "POST"
    body: bytes = b""
    content_type: str | None = "application/json"
    params: dict[str, str] | None = None
    headers: tuple[tuple[str, str | bytes], ...] = ()
    chunks: int = 0  # > 0: send ``body`` this many times, chunked, without a Content-Length
    key: bool = True  # send the partner key
    graphql_shape: bool = True  # the answer must be a GraphQL JSON body


@dataclass(slots=True)
class Kind:
    name: str
    probes: list[Probe]
    known_bug: str | None = None  # a reported bug that still gives this kind a 5xx


@dataclass(slots=True)
class KindResult:
    kind: str
    cases: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    server_errors: int = 0

    @property
    def result(self) -> str:
        return ", ".join(f"{o} ×{n}" for o, n in sorted(self.outcomes.items()))


# --- building probes ---------------------------------------------------------------------------


def _expect(expect: str | Sequence[str]) -> frozenset[str]:
    return frozenset([expect] if isinstance(expect, str) else expect)


def gql(label: str, query: str, variables: dict[str, Any] | None = None,
        expect: str | Sequence[str] = OK, **extra: Any) -> Probe:
    """A POST of ``{query, variables}`` as JSON (lone surrogates escaped, as JSON allows)."""
    body = json.dumps({"query": query, "variables": variables or {}, **extra}).encode()
    return Probe(label, _expect(expect), body=body)


def raw(label: str, body: bytes, expect: str | Sequence[str] = BAD_REQUEST,
        content_type: str | None = "application/json", **kw: Any) -> Probe:
    return Probe(label, _expect(expect), body=body, content_type=content_type, **kw)


def get(label: str, params: dict[str, str], expect: str | Sequence[str]) -> Probe:
    return Probe(label, _expect(expect), method="GET", params=params, content_type=None)


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


SEARCH = "query($t: String!) { search(text: $t, first: 5) { totalCount edges { node { code } } } }"
CODE = "query($c: String!) { code(system: ICD10CM, code: $c) { code display } }"
CODES = "query($c: [String!]!) { codes(system: ICD10CM, codes: $c) { code } }"
VALIDATE = ("query($c: [String!]!, $d: Date) { validateCodes(system: ICD10CM, codes: $c, "
            "dateOfService: $d) { valid findings { kind positions } } }")
AFTER = 'query($a: String) { search(text: "diabetes", after: $a) { totalCount } }'
FIRST = 'query($f: Int) { search(text: "diabetes", first: $f) { totalCount } }'
SYSTEMS = "{ codeSystems { id } }"

FTS_OPERATORS = [
    "NEAR(diabetes mellitus, 2)", "diabetes AND NOT type", "diab*", '"unbalanced', '""',
    "display:diabetes", "{display text}: asthma", "^diabetes", "-diabetes", "+diabetes",
    "(diabetes", "diabetes)", "a & b | !c <-> d:*", "!!", "*", ":*", "OR", "AND", "NOT", "NEAR",
    '"a" "b" "c"', "diabetes OR OR OR", "a:b:c", "E11.*",
]
SQL_FRAGMENTS = [
    "' OR 1=1 --", "'; DROP TABLE code; --", '" OR ""="', "%", "_", "\\", "\\'",
    "$$ select 1 $$", "1; SELECT pg_sleep(10)", "E'\\x00'", "/* comment */ asthma",
    "asthma UNION SELECT key_hash FROM api_key", ")) OR ((1=1", "`id`", "0x41",
]
UNICODE = [
    "🦠🧬", "\u202eE11.9", "E11\u200b.9", "Ｅ１１．９", "ﬁbrosis", "İı", "diabe\u0301tes",
    "διαβήτης", "糖尿病", "ℌeart", "\ud800", "\udfff asthma", "\x01\x02\x1b[31m", "a\tb\nc\r",
    "\x00", "diab\x00etes", "\ufeffasthma", "\uffff", "\U0010ffff",
]
CODE_JUNK = [
    "", " ", "\x00", "E11\x00.9", "E11.9'--", "' OR 1=1 --", "../../etc/passwd", "%", "_",
    "E11%", "E1_.9", "*", "\ud800", "E11.9\ud800", "Ｅ１１．９", "E11\u200b.9", "🦠", "E11.9-",
    "E11.9" * 20, "-", ".", "..", "E", "1", "0", "23", "A00-", "-A00", "E11..9", "e11.9.",
    "S52.001A!", "\\", "NULL", "null", "undefined", "E" * KB100, "E11.9 " * (KB100 // 6),
]

DEEP_PARENTS = ("query { code(system: ICD10CM, code: \"E11.9\") " + "{ parent " * 12
                + "{ code }" + " }" * 12 + " }")
DEPTH_12 = ("query { code(system: ICD10CM, code: \"E11.9\") " + "{ parent " * 10
            + "{ code }" + " }" * 10 + " }")
INTROSPECTION_DEEP = ("{ __schema { types { fields { type { " + "ofType { " * 20 + "name"
                      + " }" * 20 + " } } } } }")


def aliases(n: int) -> str:
    return "{ " + " ".join(f"a{i}: codeSystems {{ id }}" for i in range(n)) + " }"


def _sized_body(size: int) -> bytes:
    """A valid request of exactly ``size`` bytes (padding in an ignored member)."""
    head = json.dumps({"query": SYSTEMS, "pad": ""}).encode()
    pad = size - len(head)
    return json.dumps({"query": SYSTEMS, "pad": "x" * pad}).encode()


def _unknown_key() -> str:
    """A well-formed key (checksum and all) that was never issued."""
    from domain.metering.credentials import KEY_PREFIX, _checksum

    body = "Z" * 32
    return f"{KEY_PREFIX}{body}{_checksum(body)}"


def catalogue() -> list[Kind]:
    h0 = "0" * 64
    kinds = [
        Kind("search: full-text operators", [gql(t, SEARCH, {"t": t}) for t in FTS_OPERATORS]),
        Kind("search: SQL fragments", [gql(t, SEARCH, {"t": t}) for t in SQL_FRAGMENTS]),
        Kind("search: unicode, NUL, control characters, lone surrogates",
             [gql(repr(t), SEARCH, {"t": t}) for t in UNICODE]),
        Kind("search: text and page bounds", [
            gql("256 characters", SEARCH, {"t": "a" * 256}),
            gql("128 one-letter words", SEARCH, {"t": "a " * 128}),
            gql("257 characters", SEARCH, {"t": "a" * 257}, TOO_LARGE),
            gql("100 KB", SEARCH, {"t": "diabetes " * (KB100 // 9)}, TOO_LARGE),
            gql("100 KB inline", '{ search(text: "' + "a" * KB100 + '") { totalCount } }',
                expect=TOO_LARGE),
            gql("first 0", FIRST, {"f": 0}),
            gql("first 100", FIRST, {"f": 100}),
            gql("first 101", FIRST, {"f": 101}, TOO_LARGE),
            gql("first 2^31-1", FIRST, {"f": 2**31 - 1}, TOO_LARGE),
            gql("first -1", FIRST, {"f": -1}, BAD_INPUT),
            gql("first 2^31", FIRST, {"f": 2**31}, BAD_INPUT),
            gql("first 2^31 inline", '{ search(text: "a", first: 2147483648) { totalCount } }',
                expect=INVALID),
            gql("first 1.5", FIRST, {"f": 1.5}, BAD_INPUT),
            gql("first 1e400", FIRST, {"f": float("inf")}, BAD_INPUT),
            gql("first as text", FIRST, {"f": "10"}, BAD_INPUT),
        ]),
        Kind("search: forged cursors", [
            gql(repr(a), AFTER, {"a": a}, BAD_INPUT) for a in [
                "%%%", "\ud800", "\x00", b64("o:-1"), b64("o:"), b64("x:1"), b64("o:1e5"),
                b64("o: 1"), "A" * 10_000, b64("o:" + "1" * 100)[:-1], "====",
            ]
        ] + [gql("offset past the end", AFTER, {"a": b64("o:99999999999999999999")}),
             gql("offset 2^63-1", AFTER, {"a": b64("o:9223372036854775807")})]),
        Kind("search: cursors with non-ASCII digits or 5,000-digit offsets", [
            gql("superscript digit", AFTER, {"a": b64("o:²")}, BAD_INPUT),
            gql("5,000-digit offset", AFTER, {"a": b64("o:" + "9" * 5000)}, BAD_INPUT),
        ]),
        Kind("code: junk, injection, unicode, 100 KB strings",
             [gql(repr(c)[:40], CODE, {"c": c}) for c in CODE_JUNK]
             + [gql("asOf 0001-01-01", 'query { code(system: ICD10CM, code: "E11.9", '
                    'asOf: "0001-01-01") { code } }'),
                gql("asOf 9999-12-31", 'query { code(system: ICD10CM, code: "E11.9", '
                    'asOf: "9999-12-31") { code } }'),
                gql("asOf 2020-13-45 inline", 'query { code(system: ICD10CM, code: "E11.9", '
                    'asOf: "2020-13-45") { code } }', expect=INVALID),
                gql("asOf junk variable", 'query($d: Date) { code(system: ICD10CM, '
                    'code: "E11.9", asOf: $d) { code } }', {"d": "yesterday"}, BAD_INPUT),
                gql("system ICD9", 'query($s: CodeSystemId!) { code(system: $s, code: "E11.9") '
                    "{ code } }", {"s": "ICD9"}, BAD_INPUT)]),
        Kind("codes: junk lists and list bounds", [
            gql("empty list", CODES, {"c": []}),
            gql("every junk string", CODES, {"c": CODE_JUNK[:-2]}),
            gql("500 codes", CODES, {"c": ["E11.9"] * 500}),
            gql("501 codes", CODES, {"c": ["E11.9"] * 501}, TOO_LARGE),
            gql("10,000 codes", CODES, {"c": ["I10"] * 10_000}, TOO_LARGE),
            gql("nine 100 KB strings", CODES, {"c": ["E" * KB100] * 9}),
            gql("a null item", CODES, {"c": ["E11.9", None]}, BAD_INPUT),
            gql("numbers", CODES, {"c": [1, 2]}, BAD_INPUT),
            gql("nested lists", CODES, {"c": [["E11.9"]]}, BAD_INPUT),
            gql("an object", CODES, {"c": {"code": "E11.9"}}, BAD_INPUT),
            gql("one string for a list", CODES, {"c": "E11.9"}),
        ]),
        Kind("validateCodes: junk lists, bounds and dates", [
            gql("every junk string", VALIDATE, {"c": CODE_JUNK}),
            gql("500 junk strings", VALIDATE, {"c": [f"\x00{i}'--" for i in range(500)]}),
            gql("501 codes", VALIDATE, {"c": ["E11.9"] * 501}, TOO_LARGE),
            gql("empty list", VALIDATE, {"c": []}),
            gql("[''] ", VALIDATE, {"c": [""]}),
            gql("date 1900-01-01", VALIDATE, {"c": ["E11.9"], "d": "1900-01-01"}, BAD_INPUT),
            gql("date 9999-12-31", VALIDATE, {"c": ["E11.9"], "d": "9999-12-31"}),
            gql("date junk", VALIDATE, {"c": ["E11.9"], "d": "2026-02-30"}, BAD_INPUT),
            gql("a null item", VALIDATE, {"c": [None]}, BAD_INPUT),
        ]),
        Kind("malformed JSON bodies", [
            raw("{", b"{"), raw("unterminated string", b'{"query": "'),
            raw("trailing comma", b'{"query": "{ codeSystems { id } }",}'),
            raw("a BOM alone", b"\xff\xfe"), raw("empty body", b""),
            raw("single quotes", b"{'query': 'x'}"),
            raw("trailing garbage", b'{"query": "{ codeSystems { id } }"} trailing'),
            raw("NUL bytes", b"\x00" * 100), raw("not JSON at all", b"<xml/>"),
        ]),
        Kind("JSON the decoder chokes on (bad UTF-8/16, deep nesting, 5,000-digit numbers)", [
            raw("invalid UTF-8", b'{"query": "\xc3\x28"}'),
            raw("odd-length UTF-16", b"\xff\xfe\x00"),
            raw("arrays nested 100,000 deep", b'{"query": "{ codeSystems { id } }", '
                b'"variables": {"a": ' + b"[" * KB100 + b"]" * KB100 + b"}}"),
            raw("objects nested 50,000 deep", b'{"query": "{ codeSystems { id } }", '
                b'"variables": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_001),
            raw("a 5,000-digit number", b'{"query": "{ codeSystems { id } }", "variables": '
                b'{"a": ' + b"9" * 5000 + b"}}"),
            get("GET variables nested 5,000 deep", {"query": SYSTEMS,
                                                    "variables": "[" * 5000 + "]" * 5000},
                BAD_REQUEST),
        ]),
        Kind("non-object JSON", [raw(b.decode(), b) for b in
                                 [b"1", b"null", b'"x"', b"true", b"[]", b"[1]", b"[{}]"]]),
        Kind("wrong member types in the body", [
            raw(f"{name} = {value}", json.dumps({"query": SYSTEMS, **{name: value}}).encode())
            for name, value in [("query", 1), ("query", []), ("query", {}), ("variables", "x"),
                                ("variables", []), ("variables", 1), ("operationName", 5),
                                ("operationName", "Nope"), ("extensions", 5),
                                ("extensions", "x")]
        ] + [raw("no query", b"{}"), raw("query null", b'{"query": null}'),
             raw("query empty", b'{"query": ""}')]),
        Kind("wrong content types", [
            raw(ct or "none", b'{"query": "{ codeSystems { id } }"}', content_type=ct)
            for ct in ["text/plain", "application/x-www-form-urlencoded",
                       "multipart/form-data; boundary=x", "text/xml", "application/graphql",
                       "application/octet-stream", None]
        ]),
        Kind("huge bodies", [
            raw("1,000,001 bytes", _sized_body(MAX_BODY + 1), BODY_TOO_LARGE),
            raw("2 MB chunked, no Content-Length", b"x" * KB100, BODY_TOO_LARGE, chunks=20),
            gql("200,000 codes (1.8 MB)", CODES, {"c": ["E11.9"] * 200_000},
                expect=BODY_TOO_LARGE),
            raw("exactly 1,000,000 bytes", _sized_body(MAX_BODY), OK),
        ]),
        Kind("deep queries", [
            gql("parent nested 13 deep", DEEP_PARENTS, expect=TOO_LARGE),
            gql("introspection, ofType 20 deep", INTROSPECTION_DEEP, expect=[OK, TOO_LARGE]),
            gql("introspection, fields of types 6 deep", '{ __type(name: "Code") { '
                + "fields { type { ofType { " * 6 + "name" + " } } }" * 6 + " } }",
                expect=[INVALID, TOO_LARGE]),
            gql("depth 12", DEPTH_12),
            gql("200,000 open braces", "{" * 200_000, expect=[TOO_LARGE, PARSE]),
            gql("list literal nested 10,000 deep",
                "{ codes(system: ICD10CM, codes: " + "[" * 10_000 + "]" * 10_000
                + ") { code } }", expect=[TOO_LARGE, PARSE]),
            gql("children of ancestors 13 deep", "{ code(system: ICD10CM, code: \"E11.9\") "
                + "{ ancestors { children " * 6 + "{ code }" + " } }" * 6 + " }",
                expect=TOO_LARGE),
        ]),
        Kind("alias-heavy queries", [
            gql("30 aliases", aliases(30)),
            gql("31 aliases", aliases(31), expect=TOO_LARGE),
            gql("41 aliases through a fragment spread twice",
                "fragment F on Query { " + " ".join(f"a{i}: codeSystems {{ id }}"
                                                   for i in range(20))
                + " } { ...F ...F b: codeSystems { id } }", expect=TOO_LARGE),
            gql("31 aliases on nested fields", "{ code(system: ICD10CM, code: \"E11\") { "
                + " ".join(f"c{i}: code" for i in range(31)) + " } }", expect=TOO_LARGE),
        ]),
        Kind("token-heavy queries", [
            gql("600 fields", "{ " + " ".join(["codeSystems { id }"] * 600) + " }",
                expect=TOO_LARGE),
            gql("5,000 commas", "{ codeSystems { id " + "," * 5000 + " } }",
                expect=[OK, TOO_LARGE]),
            gql("100 KB comment", "#" + "x" * KB100 + "\n" + SYSTEMS),
            gql("100 KB string argument", '{ search(text: "' + "b" * KB100 + '") '
                "{ totalCount } }", expect=TOO_LARGE),
        ]),
        Kind("invalid variables", [
            gql("Int for String", CODE, {"c": 5}, BAD_INPUT),
            gql("missing required", CODE, {}, BAD_INPUT),
            gql("null for non-null", CODE, {"c": None}, BAD_INPUT),
            gql("object for String", CODE, {"c": {"a": 1}}, BAD_INPUT),
            gql("undeclared extra variables", SYSTEMS, {"x": 1, "y": [None]}),
            gql("unknown variable type", "query($a: Foo) { codeSystems { id } }",
                expect=INVALID),
            gql("variable used but not declared", "{ code(system: ICD10CM, code: $c) { code } }",
                {"c": "E11.9"}, INVALID),
            raw("variables a list", json.dumps({"query": CODE, "variables": ["E11.9"]})
                .encode()),
        ]),
        Kind("GraphQL syntax and validation errors", [
            gql("{", "{", expect=PARSE), gql("query {", "query {", expect=PARSE),
            gql("unknown field", "{ nope }", expect=INVALID),
            gql("unknown argument", '{ code(system: ICD10CM, code: "E11", x: 1) { code } }',
                expect=INVALID),
            gql("object without a selection", '{ code(system: ICD10CM, code: "E11") }',
                expect=INVALID),
            gql("selection on a scalar", "{ codeSystems { id { x } } }", expect=INVALID),
            gql("fragment cycle", "fragment A on Query { ...B } fragment B on Query { ...A } "
                "{ ...A }", expect=INVALID),
            gql("undefined fragment", "{ ...Nope }", expect=INVALID),
            gql("undefined fragment in a fragment", "fragment F on Query { ...G } { ...F }",
                expect=INVALID),
            gql("directive twice", "{ codeSystems @skip(if: false) @skip(if: false) { id } }",
                expect=INVALID),
            gql("subscription", "subscription { x }", expect=INVALID),
            gql("two anonymous operations", "{ codeSystems { id } } { codeSystems { id } }",
                expect=INVALID),
            gql("lone surrogate in the query text", SYSTEMS + " #\ud800", expect=PARSE),
            gql("NUL in the query text", "{ codeSystems\x00 { id } }", expect=PARSE),
            gql("two named operations, none chosen",
                "query A { codeSystems { id } } query B { codeSystems { id } }",
                expect=[OK, BAD_REQUEST]),
        ]),
        Kind("GET requests", [
            get("a mutation", {"query": 'mutation { register(email: "a@b.co") { key } }'},
                BAD_REQUEST),
            get("no query", {}, BAD_REQUEST),
            get("variables not JSON", {"query": CODE, "variables": "{"}, BAD_REQUEST),
            get("variables a list", {"query": CODE, "variables": "[1]"}, BAD_REQUEST),
            get("1,500 aliases", {"query": aliases(1500)}, TOO_LARGE),
            get("NUL", {"query": "\x00"}, PARSE),
            get("unknown operationName", {"query": SYSTEMS, "operationName": "Nope"},
                BAD_REQUEST),
            get("extensions not JSON", {"query": SYSTEMS, "extensions": "{"}, BAD_REQUEST),
            get("extensions a list", {"query": SYSTEMS, "extensions": "[]"}, BAD_REQUEST),
        ]),
        Kind("persisted queries (APQ)", [
            raw("unknown hash", json.dumps({"extensions": {"persistedQuery": {
                "version": 1, "sha256Hash": h0}}}).encode(), APQ_NOT_FOUND),
            raw("hash not hex", json.dumps({"extensions": {"persistedQuery": {
                "version": 1, "sha256Hash": "zz"}}}).encode(), BAD_INPUT),
            raw("hash a number", json.dumps({"extensions": {"persistedQuery": {
                "version": 1, "sha256Hash": 5}}}).encode(), BAD_INPUT),
            raw("persistedQuery a list", json.dumps({"extensions": {"persistedQuery": []}})
                .encode(), BAD_INPUT),
            raw("version 2", json.dumps({"extensions": {"persistedQuery": {
                "version": 2, "sha256Hash": h0}}}).encode(), BAD_INPUT),
            raw("hash of another query", json.dumps({"query": SYSTEMS, "extensions": {
                "persistedQuery": {"version": 1, "sha256Hash": h0}}}).encode(), BAD_INPUT),
            get("GET unknown hash", {"extensions": json.dumps({"persistedQuery": {
                "version": 1, "sha256Hash": h0}})}, APQ_NOT_FOUND),
        ]),
        Kind("lone surrogates in operationName or a persisted query", [
            gql("operationName", SYSTEMS, operationName="\ud800", expect=BAD_REQUEST),
            raw("APQ query text", json.dumps({"query": SYSTEMS + " #\ud800", "extensions": {
                "persistedQuery": {"version": 1, "sha256Hash": h0}}}).encode(),
                [BAD_INPUT, PARSE]),
        ]),
        Kind("bad API keys and odd headers", [
            Probe("malformed key", _expect(UNAUTHENTICATED), body=SYSTEMS_BODY, key=False,
                  headers=(("Authorization", "Bearer mc_live_x"),)),
            Probe("well-formed, never issued", _expect(UNAUTHENTICATED), body=SYSTEMS_BODY,
                  key=False, headers=(("Authorization", f"Bearer {_unknown_key()}"),)),
            Probe("Basic auth", _expect(UNAUTHENTICATED), body=SYSTEMS_BODY, key=False,
                  headers=(("Authorization", "Basic YTpi"),)),
            Probe("empty Bearer", _expect(UNAUTHENTICATED), body=SYSTEMS_BODY, key=False,
                  headers=(("Authorization", "Bearer "),)),
            Probe("non-ASCII bytes in Authorization", _expect(UNAUTHENTICATED),
                  body=SYSTEMS_BODY, key=False, headers=(("Authorization", b"Bearer \xff\xfe"),)),
            Probe("non-ASCII bytes in X-API-Key", _expect(UNAUTHENTICATED), body=SYSTEMS_BODY,
                  key=False, headers=(("X-API-Key", b"\xc3\xa9\xff"),)),
            Probe("X-API-Key 10 KB", _expect(UNAUTHENTICATED), body=SYSTEMS_BODY, key=False,
                  headers=(("X-API-Key", "k" * 10_000),)),
            Probe("junk X-Forwarded-For", _expect(OK), body=SYSTEMS_BODY,
                  headers=(("X-Forwarded-For", b"garbage, ::::, 999.1.1.1, \xff"),)),
            Probe("junk X-Request-Id", _expect(OK), body=SYSTEMS_BODY,
                  headers=(("X-Request-Id", "<script>alert(1)</script>" * 10),)),
            Probe("unknown charset", _expect(OK), body=SYSTEMS_BODY,
                  content_type="application/json; charset=klingon"),
            Probe("junk If-None-Match", _expect(OK), method="GET", content_type=None,
                  params={"query": SYSTEMS}, headers=(("If-None-Match", "\x01*, W/\"\""),)),
        ]),
        Kind("register: junk email addresses", [
            gql(repr(e)[:40], "mutation($e: String!) { register(email: $e) { key } }", {"e": e},
                BAD_INPUT)
            for e in ["", "\x00", "a@b", "' OR 1=1 --@x.com", "\ud800@x.com", "a" * KB100,
                      "a@" + "b" * 300 + ".com", "<script>@x.com", "a@b..com"]
        ]),
        Kind("other HTTP methods", [
            Probe(m, _expect(NOT_ALLOWED), method=m, content_type=None, graphql_shape=False)
            for m in ["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
        ]),
    ]
    return kinds


SYSTEMS_BODY = json.dumps({"query": SYSTEMS}).encode()


# --- running probes ----------------------------------------------------------------------------


def _chunked(body: bytes, n: int) -> Iterator[bytes]:
    for _ in range(n):
        yield body


def send(client: Client, probe: Probe, key_headers: dict[str, str]) -> Response:
    headers: list[tuple[str, str | bytes]] = []
    if probe.key:
        headers += list(key_headers.items())
    if probe.method == "GET":
        headers.append(("Accept", "application/json"))
    if probe.content_type is not None:
        headers.append(("Content-Type", probe.content_type))
    headers += list(probe.headers)
    kwargs: dict[str, Any] = {"headers": headers}
    if probe.params is not None:
        kwargs["params"] = probe.params
    if probe.method not in ("GET", "HEAD", "OPTIONS"):
        kwargs["content"] = _chunked(probe.body, probe.chunks) if probe.chunks else probe.body
    return client.request(probe.method, "/graphql", **kwargs)  # type: ignore[no-any-return]


def judge(response: Response, graphql_shape: bool = True) -> tuple[str, list[str]]:
    """The outcome label (``200 ok``, ``413 QUERY_TOO_LARGE``, ``405 non-GraphQL``), and what
    is wrong with the answer, if anything."""
    status = response.status_code
    problems: list[str] = []
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    if not isinstance(body, dict) or not ({"data", "errors"} & body.keys()):
        if graphql_shape:
            problems.append(f"not a GraphQL JSON body: {response.content[:120]!r}")
        if status >= 500:
            problems.append(f"HTTP {status}")
        return f"{status} non-GraphQL", problems
    errors_ = body.get("errors")
    codes: set[str] = set()
    if errors_ is not None:
        if not isinstance(errors_, list) or not errors_:
            problems.append(f"`errors` is not a non-empty list: {errors_!r}"[:200])
            errors_ = []
        for error in errors_:
            code = (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None
            if not isinstance(error, dict) or not isinstance(error.get("message"), str):
                problems.append(f"an error without a message: {error!r}"[:200])
            if code not in DOCUMENTED_CODES:
                problems.append(f"undocumented error code {code!r}: {error!r}"[:200])
            if isinstance(code, str):
                codes.add(code)
            if code == errors.INTERNAL_ERROR:
                problems.append(f"a bug (INTERNAL_ERROR): {error.get('message')!r}"[:200])
            if "Traceback" in json.dumps(error):
                problems.append("a traceback reached the client")
    if status >= 500 and not (status == 503 and codes == {errors.SERVICE_UNAVAILABLE}):
        problems.append(f"HTTP {status}")  # only the deliberate 503 (a server away) is a 5xx
    return f"{status} {'+'.join(sorted(codes)) or 'ok'}", problems


def run_kind(client: Client, kind: Kind, key_headers: dict[str, str]) -> KindResult:
    result = KindResult(kind.name)
    for probe in kind.probes:
        response = send(client, probe, key_headers)
        label, problems = judge(response, probe.graphql_shape)
        result.cases += 1
        result.outcomes[label] += 1
        result.server_errors += response.status_code >= 500
        if label not in probe.expect:
            problems.append(f"got {label}, expected {' or '.join(sorted(probe.expect))}")
        result.failures += [f"{probe.label}: {p}" for p in problems]
    return result


def table(rows: Sequence[tuple[str, str, int, str]]) -> str:
    """(backend, kind, cases, result) as a Markdown table."""
    head = ("backend", "kind of bad input", "cases", "what it got")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(4)]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(head, widths, strict=True)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
              for r in rows]
    return "\n".join(lines)


def main() -> None:
    from fastapi.testclient import TestClient

    from bench.lookup import OUT, seed
    from domain.db import make_engine
    from domain.metering.keys import create_key
    from domain.settings import Settings
    from service.app import create_app

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="database URL (default: a SQLite file in bench/out)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    db_url = args.db or f"sqlite:///{OUT / 'robustness.db'}"
    seed(db_url)  # a no-op once loaded
    settings = Settings(database_url=db_url)
    engine = make_engine(settings)
    secret, _ = create_key(engine, plan="partner", name="bench.robustness")
    key_headers = {"Authorization": f"Bearer {secret}"}
    backend = engine.dialect.name
    rows: list[tuple[str, str, int, str]] = []
    failures: list[str] = []
    with TestClient(create_app(settings, engine), raise_server_exceptions=False,
                    client=("198.51.100.9", 5000)) as client:
        for kind in catalogue():
            r = run_kind(client, kind, key_headers)
            note = f" (known bug: {kind.known_bug.split(':')[0]})" if kind.known_bug else ""
            rows.append((backend, kind.name + note, r.cases, r.result))
            failures += [f"{kind.name}: {f}" for f in r.failures]
    engine.dispose()
    print(table(rows))
    cases = sum(r[2] for r in rows)
    print(f"\n{cases} cases; {len(failures)} not as expected")
    for f in failures:
        print("  " + f[:300])


if __name__ == "__main__":
    main()
