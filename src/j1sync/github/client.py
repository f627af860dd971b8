"""A small GitHub REST client: one requests session, the token only in its headers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from j1sync.engine.sensitive import redact_key
from j1sync.errors import ApiError, AuthError, NotFound
from j1sync.github.settings import GitHubSettings
from j1sync.http.retry import DEFAULT_TIMEOUT_S
from j1sync.http.session import user_agent
from j1sync.net import unreachable_because

JSON = dict[str, Any]
PAGE_SIZE = 100

# Reads are retried on server errors; writes are not, since a POST that failed with a 502
# may still have created the comment.
_READ_RETRY = Retry(
    total=3,
    connect=1,
    backoff_factor=0.5,
    status_forcelist=(500, 502, 503, 504),
    allowed_methods=frozenset({"GET"}),
    raise_on_status=False,
)


class GitHubClient:
    """Typed calls over GitHub's REST API for one repository."""

    def __init__(self, settings: GitHubSettings, session: requests.Session | None = None) -> None:
        self.settings = settings
        self._token = settings.token
        self.session = session or requests.Session()
        self.session.mount("https://", HTTPAdapter(max_retries=_READ_RETRY))
        self.session.mount("http://", HTTPAdapter(max_retries=_READ_RETRY))
        self.session.headers.update(
            {
                "Authorization": f"Bearer {settings.token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": user_agent(),
            }
        )

    def repo_path(self, suffix: str) -> str:
        return f"/repos/{self.settings.repository}/{suffix.lstrip('/')}"

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._request("GET", path, params=params).json()

    def post(self, path: str, payload: JSON) -> Any:
        return self._request("POST", path, json=payload).json()

    def patch(self, path: str, payload: JSON) -> Any:
        return self._request("PATCH", path, json=payload).json()

    def paginate(self, path: str, params: dict[str, Any] | None = None) -> Iterator[JSON]:
        """Yield every item of a list endpoint, following the Link: rel="next" header."""
        response = self._request("GET", path, params={"per_page": PAGE_SIZE, **(params or {})})
        while True:
            yield from response.json()
            next_url = response.links.get("next", {}).get("url")
            if not next_url:
                return
            response = self._request("GET", next_url)

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = path if path.startswith(("http://", "https://")) else self.settings.api_url + path
        if not url.startswith(self.settings.api_url + "/"):
            # A Link header pointing elsewhere must never receive the token.
            raise ApiError(f"GitHub API returned a link outside {self.settings.api_url}")
        try:
            response = self.session.request(method, url, timeout=DEFAULT_TIMEOUT_S, **kwargs)
        except requests.RequestException as exc:
            why = unreachable_because(exc, url)
            if why is not None:
                message = f"cannot reach the GitHub API at {self.settings.api_url}: {why}"
            else:
                message = f"GitHub API {method} {path.split('?')[0]}: {type(exc).__name__}: {exc}"
            raise ApiError(self._scrub(message)) from exc
        if response.status_code >= 400:
            raise self._error(method, path, response)
        return response

    def _error(self, method: str, path: str, response: requests.Response) -> ApiError:
        status = response.status_code
        try:
            body = response.json()
            message = str(body.get("message") or response.reason)
            details = [str(e.get("message") or e.get("code")) for e in body.get("errors") or []]
        except (ValueError, AttributeError):
            message, details = response.reason or "no message", []
        text = f"GitHub API {method} {path.split('?')[0]} failed: {status} {message}"
        if details:
            text += " (" + "; ".join(details) + ")"
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
