"""queryV1: J1QL over the seeded entities, paged by cursor, optionally deferred.

A deferred query answers with a URL that the emulator serves without authentication (as
the live API's pre-signed URLs are): it reports IN_PROGRESS once, then COMPLETED with the
results inline and a `url` to the results document.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from j1sync.emulator.store import JsonObject
from j1sync.providers.jupiterone.emulator import j1ql
from j1sync.providers.jupiterone.emulator.api_errors import bad_input
from j1sync.providers.jupiterone.emulator.backend import (
    Backend,
    Resolver,
    decode_cursor,
    encode_cursor,
)
from j1sync.providers.jupiterone.j1ql import check_query

SERVICE = "j1ql"
ENTITIES = "entities"
DEFERRED_PATH = "/deferred/"


def syntax_error(query: str) -> str | None:
    """The live API's message for a query that is certainly broken (j1sync's checker),
    shaped as JupiterOne's own MCP server parses it: `Error parsing query: Unexpected
    token "X" at line L column C`, then the line (`> L | ...`) and a caret line."""
    errors = check_query(query).errors
    if not errors:
        return None
    error = errors[0]
    line_start = query.rfind("\n", 0, error.start) + 1
    line_end = query.find("\n", error.start)
    line_text = query[line_start : len(query) if line_end < 0 else line_end]
    line, column = query.count("\n", 0, error.start) + 1, error.start - line_start + 1
    token = query[error.start : error.end] or "<EOF>"
    caret = "^" * max(1, min(error.end, line_start + len(line_text)) - error.start)
    return (
        f'Error parsing query: Unexpected token "{token}" at line {line} column {column}:\n'
        f"> {line} | {line_text}\n    | {' ' * (column - 1)}{caret}\n({error.message})"
    )


def run_query(backend: Backend, args: JsonObject) -> JsonObject:
    """One page of a J1QL query: {type, data, cursor, totalCount}. With `dryRun` (in the
    schema, undocumented) the query is parsed and not run: an empty list."""
    refusal = syntax_error(args["query"])
    if refusal is not None:
        raise bad_input(refusal, SERVICE)
    if args.get("dryRun"):
        return {
            "type": "list",
            "data": [],
            "cursor": None,
            "totalCount": 0,
            "url": None,
            "correlationId": None,
        }
    try:
        parsed = j1ql.parse(args["query"], args.get("variables"))
        result_type, rows = j1ql.run(parsed, backend.store.objects(ENTITIES))
    except j1ql.J1qlError as exc:
        raise bad_input(str(exc), SERVICE) from exc
    start = decode_cursor(args.get("cursor"), SERVICE) + 1
    size = backend.effective_limit(None)
    page = rows[start : start + size]
    more = start + size < len(rows)
    return {
        "type": result_type,
        "data": page,
        "cursor": encode_cursor(start + size - 1) if more else None,
        "totalCount": len(rows),
        "url": None,
        "correlationId": None,
    }


def defer_query(backend: Backend, args: JsonObject, base_url: str) -> JsonObject:
    result = run_query(backend, args)
    query_id = backend.new_id()
    backend.deferred[query_id] = {"polls": 0, "result": result}
    return {
        "type": "deferred",
        "url": f"{base_url}{DEFERRED_PATH}{query_id}",
        "data": None,
        "cursor": None,
        "totalCount": None,
        "correlationId": query_id,
    }


def deferred_document(backend: Backend, path: str, base_url: str) -> JsonObject | None:
    """The state (…/ID) or results (…/ID/results) document of a deferred query."""
    query_id, _, rest = path[len(DEFERRED_PATH) :].partition("/")
    entry = backend.deferred.get(query_id)
    if entry is None or rest not in ("", "results"):
        return None
    result: JsonObject = entry["result"]
    body: JsonObject = {"type": result["type"], "data": result["data"]}
    if result["cursor"] is not None:
        body["cursor"] = result["cursor"]  # absent on the last page, as clients expect
    if rest == "results":
        return body
    entry["polls"] += 1
    if entry["polls"] == 1:
        return {"status": "IN_PROGRESS", "correlationId": query_id}
    url = f"{base_url}{DEFERRED_PATH}{query_id}/results"
    return {"status": "COMPLETED", "url": url, "correlationId": query_id, **body}


def resolvers(backend: Backend) -> dict[str, Resolver]:
    def _query_v1(info: GraphQLResolveInfo[Any], **args: Any) -> JsonObject:
        if args.get("deferredResponse") == "FORCE":
            return defer_query(backend, args, info.context["base_url"])
        return run_query(backend, args)

    return {"queryV1": _query_v1}
