"""The OpenCTI GraphQL client: POST `<url>/graphql` with `Authorization: Bearer <token>`,
OpenCTI's errors mapped to j1sync's, paged lists, retries and rate limits from j1sync.http.

Every request is one JSON body `{query, variables}`; the answer is `{data, errors}`.
OpenCTI answers most refusals with HTTP 200 and an error whose `extensions.code` says what
happened (opencti-graphql src/config/errors.js; docs/api-fidelity.md "OpenCTI"):

- AUTH_REQUIRED, FORBIDDEN_ACCESS (or HTTP 401/403): AuthError (the token, or the user's
  capabilities);
- FUNCTIONAL_ERROR, VALIDATION_ERROR, BAD_USER_INPUT: BadUserInput (OpenCTI refused the
  values);
- ALREADY_DELETED_ERROR, NOT_FOUND: NotFound;
- BAD_REQUEST, GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED (HTTP 400): ApiError (the
  request itself: a j1sync bug, or another OpenCTI version);
- RATE_LIMITED (or HTTP 429): RateLimited;
- UNKNOWN_ERROR, INTERNAL_SERVER_ERROR, DATABASE_ERROR... (or HTTP 5xx): TransientError.

Reads (`query`) are retried on 429, 5xx and lost connections; mutations (`mutate`) only on
429: a mutation whose answer was lost raises `TransientError`, and the executor re-reads
the object by natural key before deciding to repeat it (docs/architecture.md §7).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import requests

from j1sync.errors import (
    ApiError,
    AuthError,
    BadUserInput,
    NotFound,
    RateLimited,
    TransientError,
)
from j1sync.http.client import POOL_SIZE, ApiClient
from j1sync.http.ratelimit import RateLimit
from j1sync.http.session import json_object, no_object, rate_limit_headers, user_agent
from j1sync.providers.opencti.settings import ENV_TOKEN, TITLE, OpenCtiSettings

PAGE_SIZE = 500  # `first` of every paged list (pycti asks 500 at most)

AUTH_CODES = frozenset({"AUTH_REQUIRED", "FORBIDDEN_ACCESS", "UNAUTHENTICATED", "FORBIDDEN"})
BAD_INPUT_CODES = frozenset({"FUNCTIONAL_ERROR", "VALIDATION_ERROR", "BAD_USER_INPUT"})
NOT_FOUND_CODES = frozenset({"ALREADY_DELETED_ERROR", "NOT_FOUND"})
REQUEST_CODES = frozenset({"BAD_REQUEST", "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"})
RATE_CODES = frozenset({"RATE_LIMITED", "TOO_MANY_REQUESTS"})
TRANSIENT_CODES = frozenset(
    {"UNKNOWN_ERROR", "INTERNAL_SERVER_ERROR", "DATABASE_ERROR", "LOCK_ERROR", "ENGINE_ERROR"}
)


class OpenCtiClient(ApiClient[OpenCtiSettings]):
    """One connected OpenCTI platform. Thread-safe: kinds are read concurrently through it."""

    title = TITLE

    def __init__(
        self,
        settings: OpenCtiSettings,
        *,
        backoff_initial_s: float | None = None,
        backoff_max_s: float | None = None,
        rate_limit: RateLimit | str | None = None,
        max_in_flight: int = POOL_SIZE,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(
            settings,
            backoff_initial_s=backoff_initial_s,
            backoff_max_s=backoff_max_s,
            rate_limit=rate_limit,
            max_in_flight=max_in_flight,
        )
        self.page_size = page_size

    def _request_headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.settings.token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": user_agent(),
        }

    # -- the seam ---------------------------------------------------------------------

    def query(
        self, operation: str, document: str, variables: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """A read: the answer's `data` (retried on 429, 5xx and lost connections)."""
        return self._call(operation, document, dict(variables or {}), mutation=False)

    def mutate(
        self, operation: str, document: str, variables: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """A mutation: the answer's `data` (repeated only after a 429)."""
        return self._call(operation, document, dict(variables or {}), mutation=True)

    def paged(
        self,
        operation: str,
        document: str,
        field: str,
        variables: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Every node of a connection `field` (`edges { node }`, `pageInfo { hasNextPage
        endCursor }`), page after page: `document` takes `$first` and `$after`."""
        return list(self._pages(operation, document, field, dict(variables or {})))

    def _pages(
        self, operation: str, document: str, field: str, variables: dict[str, Any]
    ) -> Iterator[dict[str, Any]]:
        after: str | None = None
        seen: set[str] = set()
        while True:
            data = self.query(
                operation, document, {**variables, "first": self.page_size, "after": after}
            )
            connection = data.get(field)
            if not isinstance(connection, Mapping):
                raise ApiError(f"{TITLE} API ({operation}): the answer has no {field}")
            nodes, info = self._page(operation, field, connection)
            yield from nodes
            if not info.get("hasNextPage"):
                return
            # more pages, but no cursor that leads to them: stopping here would plan from a
            # part of the account (creates of what is on the pages not read), going on
            # would loop forever
            cursor = info.get("endCursor")
            if not cursor or not isinstance(cursor, str):
                raise ApiError(
                    f"{TITLE} API ({operation}): the answer says more pages follow but gives "
                    "no endCursor"
                )
            if cursor in seen:
                raise ApiError(f"{TITLE} API ({operation}): the answer repeated a page cursor")
            seen.add(cursor)
            after = str(cursor)

    def _page(
        self, operation: str, field: str, connection: Mapping[str, Any]
    ) -> tuple[list[dict[str, Any]], Mapping[str, Any]]:
        """The nodes and the pageInfo of one page, as the schema types a connection
        (`pageInfo: PageInfo!`, `edges: [XEdge!]`, `node: X!`). Anything else is no
        OpenCTI answer (a proxy, another GraphQL server): reading on would plan against a
        part of the platform, or none of it (creates of what is there)."""
        edges = connection.get("edges")
        info = connection.get("pageInfo")
        rows = edges if isinstance(edges, list) else [] if edges is None else None
        found = [e.get("node") for e in rows or () if isinstance(e, Mapping)]
        if rows is None or len(found) != len(rows) or not isinstance(info, Mapping):
            raise ApiError(
                f"{TITLE} API ({operation}): the answer's {field} is no list of objects "
                f"with its pageInfo: {self.settings.not_the_server()}"
            )
        nodes = [dict(node) for node in found if isinstance(node, Mapping)]
        if len(nodes) != len(found):
            raise ApiError(
                f"{TITLE} API ({operation}): the answer's {field} holds an edge without "
                f"an object: {self.settings.not_the_server()}"
            )
        return nodes, info

    # -- internals --------------------------------------------------------------------

    def _call(
        self, operation: str, document: str, variables: dict[str, Any], *, mutation: bool
    ) -> dict[str, Any]:
        body = {"query": document, "variables": variables}
        return self._attempts(
            operation, lambda: self._once(operation, body, mutation), mutation=mutation
        )

    def _once(self, operation: str, body: dict[str, Any], mutation: bool) -> dict[str, Any]:
        url = self.settings.graphql_url

        def request() -> requests.Response:
            return self._session.post(
                url, json=body, headers=self._headers, timeout=self.settings.timeout, verify=True
            )

        return self._send(
            operation,
            url,
            request,
            lambda response: self._answer(operation, response),
            read=not mutation,
        )

    def _answer(self, operation: str, response: requests.Response) -> dict[str, Any]:
        status = response.status_code
        headers = rate_limit_headers(response.headers)
        body = json_object(response)
        errors = body.get("errors") if body is not None else None
        refused = self._status_error(status, headers)
        if refused is not None:
            raise refused
        if status in (401, 403) and not errors:
            raise AuthError(
                f"{TITLE} API ({operation}) refused the token (HTTP {status}): check {ENV_TOKEN}",
                status=status,
            )
        if body is None:
            raise ApiError(
                f"{TITLE} API returned {no_object(response)} (HTTP {status}) to {operation}: "
                + self.settings.not_the_server(),
                status=status,
            )
        if isinstance(errors, list) and errors:
            raise self._error(operation, errors[0], status, headers)
        if status >= 400:  # without GraphQL errors: not OpenCTI's GraphQL API
            raise ApiError(
                f"{TITLE} API ({operation}): HTTP {status}: " + self.settings.not_the_server(),
                status=status,
            )
        data = body.get("data")
        if not isinstance(data, dict):
            raise ApiError(f"{TITLE} API ({operation}): the answer has no data")
        return data

    def _error(
        self, operation: str, error: Any, status: int, headers: Mapping[str, str]
    ) -> ApiError:
        """The j1sync error one GraphQL error means (the module docstring's table)."""
        error = error if isinstance(error, Mapping) else {}
        extensions = error.get("extensions")
        extensions = extensions if isinstance(extensions, Mapping) else {}
        code = str(extensions.get("code") or "") or None
        said = self._redact(str(error.get("message") or "no message"))
        where = _path_text(error.get("path"))
        text = f"{TITLE} API ({operation}{where}): {said}" + (f" [{code}]" if code else "")
        if code in RATE_CODES:
            return RateLimited(text, code=code, status=status, headers=dict(headers))
        if code in AUTH_CODES or status in (401, 403):
            hint = (
                f"check {ENV_TOKEN}"
                if code in ("AUTH_REQUIRED", "UNAUTHENTICATED") or status == 401
                else "the token's user lacks the capability this needs"
            )
            return AuthError(f"{text}: {hint}", code=code, status=status)
        if code in BAD_INPUT_CODES:
            return BadUserInput(text, code=code, status=status)
        if code in NOT_FOUND_CODES:
            return NotFound(text, code=code, status=status)
        if code in TRANSIENT_CODES:
            return TransientError(text, code=code, status=status)
        if code in REQUEST_CODES or status == 400:
            return ApiError(
                f"{text}: OpenCTI could not run j1sync's request (is the platform OpenCTI 6.9?)",
                code=code,
                status=status,
            )
        return ApiError(text, code=code, status=status)


def _path_text(path: Any) -> str:
    if isinstance(path, Sequence) and not isinstance(path, str) and path:
        return ", at " + ".".join(str(p) for p in path)
    return ""
