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

import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import requests
from tenacity import RetryCallState, RetryError

from j1sync.engine.sensitive import redact_key
from j1sync.errors import (
    ApiError,
    AuthError,
    BadUserInput,
    NotFound,
    RateLimited,
    TransientError,
    Unreachable,
)
from j1sync.http.ratelimit import AdaptiveConcurrency, RateLimit, client_bucket
from j1sync.http.retry import budget_exceeded, configured_backoff, retrying
from j1sync.http.session import pooled_session, rate_limit_headers, user_agent
from j1sync.net import unreachable_because
from j1sync.providers.opencti.settings import ENV_TOKEN, OpenCtiSettings

TITLE = "OpenCTI"
POOL_SIZE = 8
PAGE_SIZE = 500  # `first` of every paged list (pycti asks 500 at most)

AUTH_CODES = frozenset({"AUTH_REQUIRED", "FORBIDDEN_ACCESS", "UNAUTHENTICATED", "FORBIDDEN"})
BAD_INPUT_CODES = frozenset({"FUNCTIONAL_ERROR", "VALIDATION_ERROR", "BAD_USER_INPUT"})
NOT_FOUND_CODES = frozenset({"ALREADY_DELETED_ERROR", "NOT_FOUND"})
REQUEST_CODES = frozenset({"BAD_REQUEST", "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"})
RATE_CODES = frozenset({"RATE_LIMITED", "TOO_MANY_REQUESTS"})
TRANSIENT_CODES = frozenset(
    {"UNKNOWN_ERROR", "INTERNAL_SERVER_ERROR", "DATABASE_ERROR", "LOCK_ERROR", "ENGINE_ERROR"}
)


class OpenCtiClient:
    """One connected OpenCTI platform. Thread-safe: kinds are read concurrently through it."""

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
        self.settings = settings
        self.page_size = page_size
        self._backoff = configured_backoff(backoff_initial_s, backoff_max_s)
        self.bucket = client_bucket(rate_limit)
        self.concurrency = AdaptiveConcurrency(max(1, max_in_flight))
        self._session = pooled_session(max(POOL_SIZE, max_in_flight))
        self._headers = {
            "Authorization": f"Bearer {settings.token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": user_agent(),
        }
        self._abandoned = threading.Event()
        self._retries_stopped = threading.Event()
        self.requests_sent = 0  # HTTP requests made, retries included (for tests)
        self._count_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"OpenCtiClient({self.settings!r})"

    def close(self) -> None:
        self._session.close()

    def abandon(self) -> None:
        """Give up what is still to come (a background read no longer wanted)."""
        self._abandoned.set()
        self._retries_stopped.set()

    def stop_retries(self) -> None:
        """Retry nothing more until `resume_retries()` (an interrupted apply)."""
        self._retries_stopped.set()

    def resume_retries(self) -> None:
        if not self._abandoned.is_set():
            self._retries_stopped.clear()

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
            for edge in connection.get("edges") or []:
                node = edge.get("node") if isinstance(edge, Mapping) else None
                if isinstance(node, Mapping):
                    yield dict(node)
            info = connection.get("pageInfo") or {}
            cursor = info.get("endCursor")
            if not info.get("hasNextPage") or not cursor or cursor in seen:
                return
            seen.add(cursor)  # a server repeating a cursor would loop forever
            after = str(cursor)

    # -- internals --------------------------------------------------------------------

    def _call(
        self, operation: str, document: str, variables: dict[str, Any], *, mutation: bool
    ) -> dict[str, Any]:
        started = time.monotonic()
        budget = self.settings.retry_budget_s
        attempts = retrying(
            is_mutation=mutation,
            budget_s=budget,
            stopped=self._retries_stopped,
            wait=self._retry_wait,
            operation=f"{TITLE} {operation}",
        )
        body = {"query": document, "variables": variables}
        try:
            for attempt in attempts:
                with attempt:
                    return self._once(operation, body)
        except TransientError as exc:
            if mutation and isinstance(exc.__cause__, requests.Timeout):
                # The server may still be working on it: give it as long again before
                # the executor re-reads (a create committing late would be duplicated).
                self._abandoned.wait(self.settings.timeout)
            raise
        except RetryError as exc:
            last = exc.last_attempt.exception()
            if self._retries_stopped.is_set() and isinstance(last, ApiError):
                raise last from last.__cause__
            raise budget_exceeded(TITLE, exc, operation, budget, started) from last
        raise AssertionError("unreachable: tenacity either returns or raises")

    def _retry_wait(self, state: RetryCallState) -> float:
        """A 429 with Retry-After: that long; anything else: exponential backoff."""
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, RateLimited):
            told = _retry_after(error.headers)
            if told is not None:
                return told
        return self._backoff(state)

    def _once(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        if self._abandoned.is_set():
            raise ApiError(f"{TITLE} API ({operation}): request abandoned")
        if self.bucket is not None:
            self.bucket.acquire()
        url = self.settings.graphql_url
        with self.concurrency.slot() as rate_limited:
            with self._count_lock:
                self.requests_sent += 1
            try:
                response = self._session.post(
                    url,
                    json=body,
                    headers=self._headers,
                    timeout=self.settings.timeout,
                    verify=True,
                )
            except requests.ConnectionError as exc:  # ConnectTimeout included
                why = unreachable_because(exc, url)
                if why is not None:
                    raise Unreachable(f"cannot reach the {TITLE} API at {url}: {why}") from exc
                raise TransientError(f"{TITLE} API connection failed ({operation})") from exc
            except requests.Timeout as exc:
                raise TransientError(f"{TITLE} API timed out ({operation})") from exc
            except requests.RequestException as exc:
                raise ApiError(f"{TITLE} API request {operation} failed: {exc}") from exc
            try:
                return self._answer(operation, response)
            except RateLimited:
                rate_limited()
                raise

    def _answer(self, operation: str, response: requests.Response) -> dict[str, Any]:
        status = response.status_code
        headers = rate_limit_headers(response.headers)
        try:
            body = response.json()
        except ValueError:
            body = None
        errors = body.get("errors") if isinstance(body, dict) else None
        if status == 429:
            raise RateLimited(f"{TITLE} API rate limit (HTTP 429)", status=429, headers=headers)
        if status >= 500:
            raise TransientError(f"{TITLE} API server error (HTTP {status})", status=status)
        if status in (401, 403) and not errors:
            raise AuthError(
                f"{TITLE} API ({operation}) refused the token (HTTP {status}): check {ENV_TOKEN}",
                status=status,
            )
        if not isinstance(body, dict):
            raise ApiError(
                f"{TITLE} API returned a non-JSON answer (HTTP {status}) to {operation}",
                status=status,
            )
        if isinstance(errors, list) and errors:
            raise self._error(operation, errors[0], status, headers)
        if status >= 400:
            raise ApiError(f"{TITLE} API ({operation}): HTTP {status}", status=status)
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

    def _redact(self, text: str) -> str:
        return redact_key(text, self.settings.token)


def _path_text(path: Any) -> str:
    if isinstance(path, Sequence) and not isinstance(path, str) and path:
        return ", at " + ".".join(str(p) for p in path)
    return ""


def _retry_after(headers: Mapping[str, str]) -> float | None:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            try:
                seconds = float(value)
            except ValueError:
                return None
            return max(0.0, seconds)
    return None
