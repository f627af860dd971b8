"""The xyOps REST client: `X-API-Key`, `/api/app/<call>/v1`, the `{code, description}`
answers mapped to j1sync's errors, retries and rate limits from j1sync.http.

Every call answers a JSON object with `code`: 0 on success, anything else with a
`description` on error (api-v1.0.88.md, Standard Response Format); on /v1 URLs the HTTP
status follows the code (xyOps 1.0.88 lib/api.js doError): `api` 400, `access` and
`session` 403, `rate` 429, `notfound` 404, and every other code 500, refusals included (a
duplicate id, a stale event revision, a category still in use, an update of an unknown
id, a write to a missing bucket). So a 500 whose description is one of those refusals is
that refusal, not a server failure.
Reads (`read`, HTTP GET) are retried on 429, 5xx and lost connections; writes (`write`,
HTTP POST with a JSON body) only on 429: a write whose answer was lost raises
`TransientError`, and the executor re-reads by id before deciding to repeat it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
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
from j1sync.http.client import ApiClient
from j1sync.http.session import json_object, no_object, rate_limit_headers, user_agent
from j1sync.providers.xyops.settings import ENV_API_KEY, TITLE, XyopsSettings
from j1sync.providers.xyops.values import API_KEY_HEADER

# `code` values that mean the key was refused whatever the HTTP status (the docs' example
# error is {"code": "session", "description": "No Session ID or API Key could be found"}).
AUTH_CODES = frozenset({"session"})
# The rest, for refusals answered with HTTP 200: the emulator's guesses (docs/api-fidelity.md)
RATE_CODES = frozenset({"rate"})
BAD_INPUT_CODES = frozenset({"api"})
RATE_LIMIT_TEXT = re.compile(r"rate limit|too many requests", re.IGNORECASE)
NOT_FOUND_TEXT = re.compile(r"^failed to locate|\bnot found\b", re.IGNORECASE)
# lib/api.js: a key xyOps does not take is code `api` (HTTP 400), not `session`
AUTH_TEXT = re.compile(r"invalid api key|api key is (disabled|expired)", re.IGNORECASE)
# Refusals xyOps answers HTTP 500 (their code the object's noun): nothing was written
REFUSED_500_TEXT = re.compile(r"already exists|out of date|still in use", re.IGNORECASE)
REFUSAL_500 = 500


class XyopsClient(ApiClient[XyopsSettings]):
    """One connected xyOps server. Thread-safe: lists are read concurrently through it."""

    title = TITLE

    def _request_headers(self) -> dict[str, str]:
        return {
            API_KEY_HEADER: self.settings.api_key,
            "Accept": "application/json",
            "User-Agent": user_agent(),
        }

    # -- the seam ---------------------------------------------------------------------

    def read(self, name: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """GET one call with query-string parameters; the whole answer (code 0)."""
        return self._call(name, dict(params or {}), mutation=False)

    def write(self, name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST one call with a JSON body; the whole answer (code 0)."""
        return self._call(name, dict(body), mutation=True)

    # -- internals --------------------------------------------------------------------

    def _call(self, name: str, payload: dict[str, Any], *, mutation: bool) -> dict[str, Any]:
        return self._attempts(name, lambda: self._once(name, payload, mutation), mutation=mutation)

    def _once(self, name: str, payload: dict[str, Any], mutation: bool) -> dict[str, Any]:
        url = self.settings.call_url(name)

        def request() -> requests.Response:
            if mutation:
                return self._session.post(
                    url,
                    json=payload,
                    headers=self._headers,
                    timeout=self.settings.timeout,
                    verify=True,
                )
            return self._session.get(
                url,
                params=_query(payload),
                headers=self._headers,
                timeout=self.settings.timeout,
                verify=True,
            )

        return self._send(
            name, url, request, lambda response: self._answer(name, response), read=not mutation
        )

    def _answer(self, name: str, response: requests.Response) -> dict[str, Any]:
        status = response.status_code
        headers = rate_limit_headers(response.headers)
        body = json_object(response)
        if body is None or "code" not in body:  # every xyOps answer has one
            what = no_object(response) if body is None else "an answer without xyOps's code"
            raise self._status_error(status, headers) or ApiError(
                f"{TITLE} API returned {what} (HTTP {status}) to {name}: "
                + self.settings.not_the_server()
            )
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


def _refusal(status: int, code: str | None, description: str) -> type[ApiError]:
    """Which j1sync error an answer with a non-zero `code` is: by the HTTP status of /v1
    URLs (400, 403, 404, 429, 500), a 500 that is one of xyOps's refusals (an unknown id,
    a duplicate, a stale revision, an object in use) being that refusal; xyOps's API layer
    answers refusals with HTTP 200 off /v1 URLs (docs/api-fidelity.md, "xyOps"), so without
    a telling status the `code` and description decide: `session` or a refused key is the
    key, `rate` or a rate-limit description a 429, "Failed to locate" or "not found" an
    unknown id, `api` a bad parameter."""
    if status == 429:
        return RateLimited
    if status == REFUSAL_500 and code and code.lower() not in BAD_INPUT_CODES:
        if NOT_FOUND_TEXT.search(description):
            return NotFound
        if REFUSED_500_TEXT.search(description):
            return ApiError
    if status >= 500:
        return TransientError
    if status in (401, 403) or AUTH_TEXT.search(description):
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
