"""A small GitHub REST client: one requests session, the token only in its headers.

Retries, as GitHub's REST documentation asks: a rate-limited request (403 or 429 with
`x-ratelimit-remaining: 0`, a `retry-after` header or a secondary-limit message) waits as
long as GitHub says, when that is short, and is then repeated, whatever its method (GitHub
refused it, so repeating is safe); a longer wait is an error saying when to run again.
Reads are also retried on 5xx and on a lost connection; writes are not, since a POST that
failed with a 502 may still have created the comment. Every answer must come whole within
the timeout (a server sending a byte at a time does not hold the job).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from j1sync import json_input
from j1sync.engine.sensitive import redact_key
from j1sync.errors import ApiError, AuthError, NotFound, RateLimited
from j1sync.github.settings import GitHubSettings
from j1sync.http.client import retry_after
from j1sync.http.retry import (
    DEFAULT_TIMEOUT_S,
    ENV_TIMEOUT,
    MIN_TIMEOUT_S,
    configured_backoff,
    seconds_setting,
)
from j1sync.http.session import REFUSED_ANSWERS, pooled_session, user_agent
from j1sync.http.urls import shown_url
from j1sync.net import unreachable_because

JSON = dict[str, Any]
PAGE_SIZE = 100
ATTEMPTS = 4
# The longest j1sync waits for GitHub before one request (its Retry-After, or the reset of
# an exhausted rate limit); a longer wait fails at once, saying when to run again.
MAX_WAIT_S = 60.0
# A secondary rate limit without a retry-after: GitHub says to wait at least a minute.
SECONDARY_LIMIT_WAIT_S = 60.0
_LONGEST_SAID_S = 7 * 86_400.0  # a reset further away than a week is said as a week
_SERVER_ERRORS = frozenset({500, 502, 503, 504})

log = logging.getLogger("j1sync.api")


class _TryAgain(Exception):
    """One attempt failed in a way that may be repeated, after `wait_s` (None: backoff)."""

    def __init__(self, error: ApiError, wait_s: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait_s = wait_s


class GitHubClient:
    """Typed calls over GitHub's REST API for one repository."""

    def __init__(self, settings: GitHubSettings, session: requests.Session | None = None) -> None:
        self.settings = settings
        self._token = settings.token
        self.session = session or pooled_session(2)
        self.session.headers.update(
            {
                "Authorization": f"Bearer {settings.token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": user_agent(),
            }
        )
        self._backoff = configured_backoff(None, None)
        # one request's whole answer (J1SYNC_TIMEOUT, as the other commands' --timeout)
        self._timeout_s = seconds_setting(None, ENV_TIMEOUT, DEFAULT_TIMEOUT_S, MIN_TIMEOUT_S)

    def repo_path(self, suffix: str) -> str:
        return f"/repos/{self.settings.repository}/{suffix.lstrip('/')}"

    def get(self, path: str, params: dict[str, Any] | None = None) -> JSON:
        return self._object("GET", path, self._request("GET", path, params=params))

    def post(self, path: str, payload: JSON) -> JSON:
        return self._object("POST", path, self._request("POST", path, json=payload))

    def patch(self, path: str, payload: JSON) -> JSON:
        return self._object("PATCH", path, self._request("PATCH", path, json=payload))

    def delete(self, path: str) -> None:
        self._request("DELETE", path)

    def paginate(self, path: str, params: dict[str, Any] | None = None) -> Iterator[JSON]:
        """Yield every item of a list endpoint, following the Link: rel="next" header."""
        response = self._request("GET", path, params={"per_page": PAGE_SIZE, **(params or {})})
        seen = {response.url}
        while True:
            items = self._json("GET", path, response)
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                said = _unexpected(items, LIST_OF_OBJECTS)
                raise ApiError(self._scrub(f"GitHub API GET {_bare(path)}: {said}"))
            yield from items
            next_url = response.links.get("next", {}).get("url")
            if not next_url:
                return
            if next_url in seen:  # a proxy's Link back to a page already read: no end
                raise ApiError(self._scrub(f"GitHub API GET {_bare(path)}: pages link in a loop"))
            seen.add(next_url)
            response = self._request("GET", next_url)

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = path if path.startswith(("http://", "https://")) else self.settings.api_url + path
        if not url.startswith(self.settings.api_url + "/"):
            # A Link header pointing elsewhere must never receive the token.
            raise ApiError(f"GitHub API returned a link outside {self.settings.api_url}")
        retrying = Retrying(
            stop=stop_after_attempt(ATTEMPTS),
            retry=retry_if_exception_type(_TryAgain),
            wait=self._wait,
            before_sleep=self._report_wait,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._send(method, url, path, **kwargs)
        except _TryAgain as again:
            raise again.error from again.error.__cause__
        raise AssertionError("unreachable")  # pragma: no cover  (tenacity returns or raises)

    def _send(self, method: str, url: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            response = self.session.request(method, url, timeout=self._timeout_s, **kwargs)
        except requests.RequestException as exc:
            why = unreachable_because(exc, url)
            if why is not None:
                message = (
                    f"cannot reach the GitHub API at {shown_url(self.settings.api_url)}: {why}"
                )
                raise ApiError(self._scrub(message)) from exc
            refused = isinstance(exc, REFUSED_ANSWERS)  # by j1sync: the same on a retry
            said = str(exc) if refused else f"{type(exc).__name__}: {exc}"
            error = ApiError(self._scrub(f"GitHub API {method} {_bare(path)}: {said}"))
            error.__cause__ = exc
            if method == "GET" and not refused:
                raise _TryAgain(error) from exc  # a lost answer to a read: read again
            raise error from exc
        if response.status_code < 400:
            return response
        error = self._error(method, path, response)
        if isinstance(error, RateLimited):
            wait_s = _rate_limit_wait(response)
            if wait_s > MAX_WAIT_S:
                raise error
            raise _TryAgain(error, wait_s)
        if method == "GET" and response.status_code in _SERVER_ERRORS:
            asked = _retry_after(response)
            if asked is not None and asked > MAX_WAIT_S:
                raise error
            raise _TryAgain(error, asked)
        if method != "GET" and response.status_code in _SERVER_ERRORS:
            maybe = f"{error}; the change may have been made: the next run finds it"
            raise ApiError(maybe, status=error.status)
        raise error

    def _wait(self, state: RetryCallState) -> float:
        outcome = state.outcome.exception() if state.outcome is not None else None
        if isinstance(outcome, _TryAgain) and outcome.wait_s is not None:
            return outcome.wait_s
        return self._backoff(state)

    def _report_wait(self, state: RetryCallState) -> None:
        outcome = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        log.warning("%s; trying again in %.0f s", outcome, wait)

    def _json(self, method: str, path: str, response: requests.Response) -> Any:
        """The answer's JSON; an answer that is none (an HTML page from a proxy, an empty
        body) is an error naming what came instead."""
        try:
            return json_input.loads(response.content, parse_constant=json_input.no_constant)
        except ValueError:
            kind = response.headers.get("Content-Type", "no content type").split(";")[0]
            size = len(response.content)
            text = (
                f"GitHub API {method} {_bare(path)}: answered {response.status_code} with "
                f"{size:,} bytes of {kind}, not JSON"
            )
            if method != "GET":
                text += "; the change may have been made: look at the pull request or issue"
            raise ApiError(self._scrub(text), status=response.status_code) from None

    def _object(self, method: str, path: str, response: requests.Response) -> JSON:
        body = self._json(method, path, response)
        if not isinstance(body, dict):
            raise ApiError(self._scrub(f"GitHub API {method} {_bare(path)}: {_unexpected(body)}"))
        return body

    def _error(self, method: str, path: str, response: requests.Response) -> ApiError:
        status = response.status_code
        try:
            body = json_input.loads(response.content)
            message = str(body.get("message") or response.reason)
            details = [
                str(e.get("message") or e.get("code")) if isinstance(e, dict) else str(e)
                for e in body.get("errors") or []
            ]
        except (ValueError, AttributeError, TypeError):
            message, details = response.reason or "no message", []
        text = f"GitHub API {method} {_bare(path)} failed: {status} {message.rstrip('.')}"
        if details:
            text += " (" + "; ".join(details) + ")"
        if status in (403, 429) and _rate_limited(response, message):
            wait_s = _rate_limit_wait(response)
            if wait_s > MAX_WAIT_S:
                until = datetime.fromtimestamp(time.time() + wait_s, timezone.utc)
                text += (
                    f": GitHub's rate limit; run again after {until:%H:%M} UTC "
                    f"(in {wait_s / 60:.0f} min)"
                )
            return RateLimited(self._scrub(text), status=status)
        if status in (401, 403):
            text += (
                ". Check that GITHUB_TOKEN is passed to the step and that the job's "
                "`permissions:` grant pull-requests: write (comments) or issues: write (drift)"
            )
            return AuthError(self._scrub(text), status=status)
        if status == 404:
            return NotFound(self._scrub(text), status=status)
        return ApiError(self._scrub(text), status=status)

    def _scrub(self, text: str) -> str:
        return redact_key(text, self._token)


def _bare(path: str) -> str:
    """A path or URL without its query (a Link header's page, per_page)."""
    return path.split("?")[0]


def _unexpected(body: Any, wanted: str = "an object") -> str:
    """What a body of another shape than `wanted` (GitHub's: "an object", "a list of
    objects") holds, said as such: a list's first item that is no object, when it is one."""
    if isinstance(body, list) and wanted == LIST_OF_OBJECTS:
        item = next(i for i in body if not isinstance(i, dict))
        return (
            f"answered with a list holding {json_input.json_type(item)} where GitHub sends {wanted}"
        )
    return f"answered with {json_input.json_type(body)} where GitHub sends {wanted}"


LIST_OF_OBJECTS = "a list of objects"


def _rate_limited(response: requests.Response, message: str) -> bool:
    """GitHub's signs of a rate limit (primary: remaining 0; secondary: its message or a
    retry-after), as opposed to a 403 for missing permissions."""
    headers = response.headers
    return (
        headers.get("x-ratelimit-remaining") == "0"
        or "retry-after" in headers
        or "rate limit" in message.lower()
    )


def _retry_after(response: requests.Response) -> float | None:
    seconds = retry_after(response.headers)
    return None if seconds is None else min(seconds, _LONGEST_SAID_S)


def _rate_limit_wait(response: requests.Response) -> float:
    """How long GitHub asks to wait: retry-after, else until x-ratelimit-reset when the
    limit is spent, else a minute (GitHub's advice for a secondary limit)."""
    retry_after = _retry_after(response)
    if retry_after is not None:
        return retry_after
    if response.headers.get("x-ratelimit-remaining") == "0":
        try:
            reset = float(response.headers.get("x-ratelimit-reset", ""))
        except ValueError:
            reset = float("nan")
        if reset == reset:  # not NaN
            return min(max(0.0, reset - time.time() + 1.0), _LONGEST_SAID_S)
    return SECONDARY_LIMIT_WAIT_S
