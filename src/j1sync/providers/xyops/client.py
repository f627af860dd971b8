"""The xyOps REST client: `X-API-Key`, `/api/app/<call>/v1`, the `{code, description}`
answers mapped to j1sync's errors, retries and rate limits from j1sync.http.

Every call answers a JSON object with `code`: 0 on success, anything else with a
`description` on error (api-v1.0.88.md, Standard Response Format); the HTTP status says
which kind of error (400 bad input, 403 refused, 404 unknown id, 429 rate limited, 500).
Reads (`read`, HTTP GET) are retried on 429, 5xx and lost connections; writes (`write`,
HTTP POST with a JSON body) only on 429: a write whose answer was lost raises
`TransientError`, and the executor re-reads by id before deciding to repeat it.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
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
from j1sync.http.retry import (
    budget_exceeded,
    configured_backoff,
    retrying,
)
from j1sync.http.session import pooled_session, rate_limit_headers, user_agent
from j1sync.net import unreachable_because
from j1sync.providers.xyops.settings import ENV_API_KEY, XyopsSettings

TITLE = "xyOps"
POOL_SIZE = 8
# `code` values that mean the key was refused whatever the HTTP status (the docs' example
# error is {"code": "session", "description": "No Session ID or API Key could be found"}).
AUTH_CODES = frozenset({"session"})
# The rest, for refusals answered with HTTP 200: the emulator's guesses (docs/api-fidelity.md)
RATE_CODES = frozenset({"rate"})
BAD_INPUT_CODES = frozenset({"api"})
RATE_LIMIT_TEXT = re.compile(r"rate limit|too many requests", re.IGNORECASE)
NOT_FOUND_TEXT = re.compile(r"^failed to locate|\bnot found\b", re.IGNORECASE)


class XyopsClient:
    """One connected xyOps server. Thread-safe: lists are read concurrently through it."""

    def __init__(
        self,
        settings: XyopsSettings,
        *,
        backoff_initial_s: float | None = None,
        backoff_max_s: float | None = None,
        rate_limit: RateLimit | str | None = None,
        max_in_flight: int = POOL_SIZE,
    ) -> None:
        self.settings = settings
        self._backoff = configured_backoff(backoff_initial_s, backoff_max_s)
        self.bucket = client_bucket(rate_limit)
        self.concurrency = AdaptiveConcurrency(max(1, max_in_flight))
        self._session = pooled_session(max(POOL_SIZE, max_in_flight))
        self._headers = {
            "X-API-Key": settings.api_key,
            "Accept": "application/json",
            "User-Agent": user_agent(),
        }
        self._abandoned = threading.Event()
        self._retries_stopped = threading.Event()
        self.requests_sent = 0  # HTTP requests made, retries included (for tests)
        self._count_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"XyopsClient({self.settings!r})"

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

    def read(self, name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """GET one call with query-string parameters; the whole answer (code 0)."""
        return self._call(name, dict(params or {}), mutation=False)

    def write(self, name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST one call with a JSON body; the whole answer (code 0)."""
        return self._call(name, dict(body), mutation=True)

    # -- internals --------------------------------------------------------------------

    def _call(self, name: str, payload: dict[str, Any], *, mutation: bool) -> dict[str, Any]:
        started = time.monotonic()
        budget = self.settings.retry_budget_s
        attempts = retrying(
            is_mutation=mutation,
            budget_s=budget,
            stopped=self._retries_stopped,
            wait=self._retry_wait,
            operation=f"{TITLE} {name}",
        )
        try:
            for attempt in attempts:
                with attempt:
                    return self._once(name, payload, mutation)
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
            raise budget_exceeded(TITLE, exc, name, budget, started) from last
        raise AssertionError("unreachable: tenacity either returns or raises")

    def _retry_wait(self, state: RetryCallState) -> float:
        """A 429 with Retry-After: that long; anything else: exponential backoff."""
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, RateLimited):
            told = _retry_after(error.headers)
            if told is not None:
                return told
        return self._backoff(state)

    def _once(self, name: str, payload: dict[str, Any], mutation: bool) -> dict[str, Any]:
        if self._abandoned.is_set():
            raise ApiError(f"{TITLE} API ({name}): request abandoned")
        if self.bucket is not None:
            self.bucket.acquire()
        url = self.settings.call_url(name)
        with self.concurrency.slot() as rate_limited:
            with self._count_lock:
                self.requests_sent += 1
            try:
                if mutation:
                    response = self._session.post(
                        url,
                        json=payload,
                        headers=self._headers,
                        timeout=self.settings.timeout,
                        verify=True,
                    )
                else:
                    response = self._session.get(
                        url,
                        params=_query(payload),
                        headers=self._headers,
                        timeout=self.settings.timeout,
                        verify=True,
                    )
            except requests.ConnectionError as exc:  # ConnectTimeout included
                why = unreachable_because(exc, url)
                if why is not None:
                    raise Unreachable(f"cannot reach the {TITLE} API at {url}: {why}") from exc
                raise TransientError(f"{TITLE} API connection failed ({name})") from exc
            except requests.Timeout as exc:
                raise TransientError(f"{TITLE} API timed out ({name})") from exc
            except requests.RequestException as exc:
                raise ApiError(f"{TITLE} API request {name} failed: {exc}") from exc
            try:
                return self._answer(name, response)
            except RateLimited:
                rate_limited()
                raise

    def _answer(self, name: str, response: requests.Response) -> dict[str, Any]:
        status = response.status_code
        headers = rate_limit_headers(response.headers)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            if status == 429:
                raise RateLimited(f"{TITLE} API rate limit (HTTP 429)", status=429, headers=headers)
            if status >= 500:
                raise TransientError(f"{TITLE} API server error (HTTP {status})", status=status)
            raise ApiError(f"{TITLE} API returned a non-JSON answer (HTTP {status}) to {name}")
        code = body.get("code")
        if code == 0 and status < 400:
            return body
        code_text = None if code is None else str(code)
        said = self._redact(str(body.get("description") or "no description"))
        text = f"{TITLE} API ({name}): {said}" + (f" [{code_text}]" if code_text else "")
        refusal = _refusal(status, code_text, said)
        if refusal is RateLimited:
            raise RateLimited(
                f"{text} (HTTP {status})", code=code_text, status=status, headers=headers
            )
        if refusal is TransientError:
            raise TransientError(f"{text} (HTTP {status})", code=code_text, status=status)
        if refusal is AuthError:
            raise AuthError(
                f"{text}: check {ENV_API_KEY} and the key's privileges",
                code=code_text,
                status=status,
            )
        raise refusal(text, code=code_text, status=status)

    def _redact(self, text: str) -> str:
        return redact_key(text, self.settings.api_key)


def _refusal(status: int, code: str | None, description: str) -> type[ApiError]:
    """Which j1sync error an answer with a non-zero `code` is. The reference notes give
    the HTTP statuses of /v1 URLs (400, 403, 404, 429, 500); xyOps's API layer may also
    answer a refusal with HTTP 200 (docs/api-fidelity.md, "xyOps"), so without a telling
    status the `code` and description decide: `session` is the key, `rate` or a rate-limit
    description a 429, "Failed to locate" an unknown id, `api` a bad parameter."""
    if status == 429:
        return RateLimited
    if status >= 500:
        return TransientError
    if status in (401, 403):
        return AuthError
    if status == 404:
        return NotFound
    if status == 400:
        return BadUserInput
    lowered = (code or "").lower()
    if lowered in AUTH_CODES:
        return AuthError
    if lowered in RATE_CODES or RATE_LIMIT_TEXT.search(description):
        return RateLimited
    if NOT_FOUND_TEXT.search(description):
        return NotFound
    if lowered in BAD_INPUT_CODES:
        return BadUserInput
    return ApiError


def _query(payload: Mapping[str, Any]) -> dict[str, str]:
    """GET parameters: lists as comma-separated strings (get_multiple's `lists`)."""
    query: dict[str, str] = {}
    for key, value in payload.items():
        if isinstance(value, (list, tuple)):
            query[key] = ",".join(str(v) for v in value)
        elif isinstance(value, bool):
            query[key] = "1" if value else "0"
        else:
            query[key] = str(value)
    return query


def _retry_after(headers: Mapping[str, str]) -> float | None:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            try:
                seconds = float(value)
            except ValueError:
                return None
            return max(0.0, seconds)
    return None
