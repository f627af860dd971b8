"""The one place j1sync touches HTTP: a gql `Transport` that POSTs over a pooled session.

Every area (/graphql, /rules/graphql, /iam/graphql) gets its own transport object, all
sharing one `requests.Session` so that concurrent reads reuse the same connection pool.
HTTP-level failures are translated into j1sync's error tree here (the mapping every
client shares: http/client.transport_error and status_error); GraphQL `errors[]` are
returned untouched in the `ExecutionResult` for the client to interpret.
"""

from __future__ import annotations

from typing import Any

import requests
from gql.transport import Transport
from graphql import DocumentNode, ExecutionResult, GraphQLError, print_ast

from j1sync import json_input
from j1sync.errors import ApiError, AuthError
from j1sync.http.client import cut_answer, status_error, transport_error
from j1sync.http.session import cut_off_json, rate_limit_headers, read_body, read_within
from j1sync.providers.jupiterone.settings import ENV_API_URL, ENV_REGION, TITLE

# what an error adds when the answer is no GraphQL answer (another system's server, a page)
NOT_THE_SERVER = f"is that JupiterOne's API? Check {ENV_API_URL} (--api-url) and {ENV_REGION}"


class HttpTransport(Transport):
    """POST one GraphQL request to one URL and return the decoded result."""

    def __init__(
        self,
        session: requests.Session,
        url: str,
        headers: dict[str, str],
        timeout: float,
    ) -> None:
        self._session = session
        self._url = url
        self._timeout = timeout
        # What `session.post` would work out again for every request: the session's and
        # these headers merged (never ~/.netrc: http/session.PooledSession), and the
        # environment's proxies and CA bundle. Worked out once: ~0.4 ms of CPU and three
        # stat() calls less per request, each a moment another thread may keep the
        # interpreter lock.
        self._prepared = session.prepare_request(requests.Request("POST", url, headers=headers))
        self._send_options = session.merge_environment_settings(url, {}, True, True, None)

    def execute(self, request: Any, *args: Any, **kwargs: Any) -> ExecutionResult:
        return self.post(request)[0]

    def post(self, request: Any) -> tuple[ExecutionResult, dict[str, str]]:
        """The decoded result and the response's rate-limit headers (RateLimit-*,
        Retry-After; empty when it had none). An HTTP 429 raises RateLimited carrying them."""
        prepared = self._prepared.copy()
        try:
            prepared.prepare_body(None, None, json=_payload(request))
            prepared.prepare_cookies(self._session.cookies)  # any the server has set
            response = self._session.send(
                prepared, timeout=self._timeout, allow_redirects=True, **self._send_options
            )
            # The body a MiB at a time, not in requests' 10 KiB chunks: each chunk is a
            # recv() and a poll(), each a moment another thread may keep the interpreter lock.
            content = read_within(response, self._timeout, lambda: read_body(response))
        except requests.RequestException as exc:  # e.g. no server, a timeout, a bad URL
            url = self._url
            raise transport_error(TITLE, exc, url, url, f"to {url}") from exc
        headers = rate_limit_headers(response.headers)
        return _result_of(response, content, self._url, headers), headers

    def close(self) -> None:
        # The session is shared; its owner (the client) closes it.
        pass


# The query text of each document, printed once: gql prints the AST again for every
# request's payload (a document of 100 rules' fields, every page).
_PRINTED: dict[int, tuple[DocumentNode, str]] = {}
_MAX_PRINTED = 1024


def _payload(request: Any) -> dict[str, Any]:
    """What `GraphQLRequest.payload` gives, with the query text printed once."""
    document = request.document
    printed = _PRINTED.get(id(document))
    if printed is None or printed[0] is not document:
        if len(_PRINTED) >= _MAX_PRINTED:
            _PRINTED.clear()
        printed = _PRINTED[id(document)] = (document, print_ast(document))
    payload: dict[str, Any] = {"query": printed[1]}
    if request.operation_name:
        payload["operationName"] = request.operation_name
    if request.variable_values:
        payload["variables"] = request.variable_values
    if getattr(request, "extensions", None):
        payload["extensions"] = request.extensions
    return payload


def _result_of(
    response: requests.Response, content: bytes, url: str, headers: dict[str, str]
) -> ExecutionResult:
    status = response.status_code
    if status in (401, 403):
        raise AuthError(
            f"JupiterOne API refused the credentials (HTTP {status}): check "
            "JUPITERONE_API_KEY and JUPITERONE_ACCOUNT_ID",
            status=status,
        )
    refused = status_error(TITLE, status, headers)
    if refused is not None:
        raise refused
    try:
        body = _json(response, content)
    except ValueError as exc:
        if cut_off_json(content):
            raise cut_answer(TITLE, url) from exc
        raise ApiError(
            f"JupiterOne API returned a non-JSON response (HTTP {status}) from {url}: "
            + NOT_THE_SERVER,
            status=status,
        ) from exc
    if not isinstance(body, dict) or ("data" not in body and "errors" not in body):
        raise ApiError(
            f"JupiterOne API returned an unexpected body (HTTP {status}) from {url}: "
            + NOT_THE_SERVER,
            status=status,
        )
    errors = [_graphql_error(e) for e in body.get("errors") or []]
    if status >= 400 and not errors:
        raise ApiError(f"JupiterOne API error (HTTP {status})", status=status)
    return ExecutionResult(data=body.get("data"), errors=errors or None)


def _json(response: requests.Response, content: bytes) -> Any:
    """`content` decoded as `response.json()` decodes a body: in the charset its headers
    name (UTF-8 for JSON; one Python does not know: UTF-8), else in the UTF encoding its
    first bytes show. NaN and Infinity are no JSON (JupiterOne's JavaScript never sends
    them): a ValueError."""
    if not response.encoding:
        return json_input.loads(content, parse_constant=json_input.no_constant)
    try:
        text = content.decode(response.encoding, errors="replace")
    except LookupError:
        text = content.decode("utf-8", errors="replace")
    return json_input.loads(text, parse_constant=json_input.no_constant)


def _graphql_error(raw: Any) -> GraphQLError:
    if not isinstance(raw, dict):
        return GraphQLError(str(raw))
    extensions = raw.get("extensions")
    return GraphQLError(
        str(raw.get("message") or "unknown error"),
        path=raw.get("path"),
        extensions=extensions if isinstance(extensions, dict) else None,
    )
