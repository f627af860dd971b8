"""What j1sync's HTTP clients (each system's API, GitHub) say when no connection could be
made at all."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NewConnectionError


def unreachable_because(exc: requests.RequestException, url: str) -> str | None:
    """Why no connection could be made (refused, name not resolved, no route, connect
    timeout), or None when one was made and then failed (a lost response: ambiguous).

    A request that never connected never reached the server: it is safe to report at
    once, and retrying for the whole budget only hides a wrong URL or a dead network."""
    if isinstance(exc, requests.ConnectTimeout):
        return "timed out while connecting"
    if isinstance(exc, requests.exceptions.SSLError):
        # the TLS handshake comes before the request: nothing was sent, and it fails the
        # same way every time (an http server behind an https URL, an untrusted certificate)
        detail = getattr(_root_os_error(exc), "reason", None)
        said = f" ({detail})" if isinstance(detail, str) and detail else ""
        return (
            f"the TLS handshake failed{said}: if the server speaks plain http, write its URL "
            "with http://; otherwise check its certificate"
        )
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if not isinstance(reason, NewConnectionError):
        return None
    cause = _root_os_error(reason)
    host = urlsplit(url).hostname or url
    if isinstance(cause, socket.gaierror):
        return f"host name {host!r} does not resolve ({cause.strerror or cause})"
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror[:1].lower() + cause.strerror[1:]
    return "no connection could be made"


def _root_os_error(error: BaseException) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError):
            return current
        current = current.__cause__ or current.__context__
    return None
