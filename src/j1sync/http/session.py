"""The pooled `requests.Session` every API client uses, and what each request carries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from j1sync import __version__ as _j1sync_version

_RATE_LIMIT_HEADERS = ("ratelimit-", "retry-after")


def pooled_session(pool_size: int) -> requests.Session:
    """A session with TLS verification on, no urllib3 retries (retry policy lives in the
    client, which knows whether a request is safe to repeat) and a pool for `pool_size`
    concurrent requests."""
    session = requests.Session()
    session.verify = True
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)  # only ever loopback: settings refuse anything else
    return session


def user_agent() -> str:
    return f"j1sync/{_j1sync_version}"


def rate_limit_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The response's rate-limit headers (RateLimit-*, Retry-After)."""
    return {k: v for k, v in headers.items() if k.lower().startswith(_RATE_LIMIT_HEADERS)}


def json_object(response: requests.Response) -> dict[str, Any] | None:
    """The response's body when it is a JSON object; None when it is not JSON (an HTML
    error page, an empty body) or another JSON value."""
    try:
        body = response.json()
    except ValueError:  # requests' JSONDecodeError included
        return None
    return body if isinstance(body, dict) else None
