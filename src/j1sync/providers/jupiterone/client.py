"""JupiterOne GraphQL client: auth headers, per-area endpoints, retries, pagination, errors.

`execute()` is the only way kinds reach the API. The client builds on j1sync.http.client's
ApiClient (session, rate limit, in-flight limit, stopping, the retry loop, redaction).
Retries follow j1sync.http.retry (reads on
429, 5xx and connection failures, mutations only on 429, within `Settings.retry_budget_s`).
A mutation that timed out may still be running on the
server, so the client waits as long again as the timeout before it reports the failure:
the executor's re-read then sees a create that committed late.

Every request first takes a token from the optional client-side rate limit, then its
invocations (one per root field, aliases included) from the estimate of the server's
quota that the RateLimit-* headers keep (server_quota.py: it waits when they are not
there), then an in-flight slot from the adaptive (AIMD) concurrency limit; all are shared
by all threads of the client (see j1sync.http.ratelimit). A 429 is retried after what its
headers say (the missing invocations at the bucket's rate, Reset, Retry-After), else after
an exponential backoff.
"""

from __future__ import annotations

import functools
import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gql import GraphQLRequest
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
)
from tenacity import RetryCallState

from j1sync.errors import (
    ApiError,
    AuthError,
    BadUserInput,
    IamUnavailable,
    NotFound,
    RateLimited,
    RetryBudgetExceeded,
)
from j1sync.http.client import ApiClient
from j1sync.http.pacing import Pace
from j1sync.http.ratelimit import RateLimit
from j1sync.http.retry import no_answer
from j1sync.http.session import signalling_sends, user_agent
from j1sync.providers.jupiterone.endpoints import AREA_PATHS, Area, area_of, endpoint_url
from j1sync.providers.jupiterone.server_quota import QuotaBeyondBudget, ServerQuota
from j1sync.providers.jupiterone.settings import TITLE, Settings
from j1sync.providers.jupiterone.transport import HttpTransport
from j1sync.providers.jupiterone.values import ACCOUNT_HEADER, LARGEST_PAGE

log = logging.getLogger("j1sync.api")

# Concurrent reads (kinds x IAM groups) share this many pooled connections; it is also the
# ceiling of the adaptive in-flight limit.
POOL_SIZE = 16

# Items per page of every list query: the largest page the API serves. A page counts one
# invocation against the quota whatever its size, so the largest page is the cheapest read.
PAGE_LIMIT = LARGEST_PAGE
# The longest a page waits to be handled for the next page's request to be sent (one held
# back by the quota, say): `_PageHandOver` then hands it over anyway.
PAGE_WAIT_S = 0.05
# While the server's quota paces the client, a request asks for at most this share of its
# smallest bucket (`largest_request`): 10 root fields of the documented 1,000.
PACED_SHARE = 100

_NOT_FOUND_CODES = frozenset({"NOT_FOUND"})
_BAD_INPUT_CODES = frozenset(
    {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "BAD_REQUEST"}
)
_AUTH_CODES = frozenset({"UNAUTHENTICATED", "FORBIDDEN"})
# A rate limit answered inside an HTTP 200 (the official Python client retries an error
# whose message holds "429"; the codes are what a gateway would plausibly use).
_RATE_LIMIT_CODES = frozenset({"RATE_LIMITED", "TOO_MANY_REQUESTS"})
_RATE_LIMIT_MESSAGE = re.compile(r"\b429\b|rate[ -]?limit|too many requests", re.IGNORECASE)

IAM_REQUIREMENTS = (
    "the IAM API (beta) needs an account configured with SSO, IAM API access enabled by "
    "JupiterOne support, and an API key whose user has the accessAdmin permission; "
    "IAM groups are read only when a manifest declares an IamGroup or j1sync.yaml "
    "enables `prune: IamGroup` (export: leave IamGroup out of --kind)"
)


@dataclass(frozen=True)
class ParsedDocument:
    request: GraphQLRequest
    operation_name: str | None
    is_mutation: bool
    root_fields: tuple[str, ...]  # one per field as sent: an aliased field once per alias

    @property
    def invocations(self) -> int:
        """What the request counts against the quota: one per root field."""
        return max(1, len(self.root_fields))


@functools.lru_cache(maxsize=256)
def parse_document(document: str) -> ParsedDocument:
    """Parse (and cache) a GraphQL document; syntax errors surface at first use."""
    request = GraphQLRequest(document)
    node: DocumentNode = request.document
    operations = [d for d in node.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise ValueError("a j1sync GraphQL document holds exactly one operation")
    operation = operations[0]
    return ParsedDocument(
        request=request,
        operation_name=operation.name.value if operation.name else None,
        is_mutation=operation.operation is OperationType.MUTATION,
        root_fields=tuple(
            s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)
        ),
    )


class JupiterOneClient(ApiClient[Settings]):
    """One connected account. Thread-safe: kinds read concurrently through one instance.

    The session, the client-side rate limit, the in-flight limit, stopping, the retry
    loop and credential redaction are ApiClient's (j1sync.http.client); the endpoints, the
    server's quota and what an answer means are JupiterOne's, here."""

    title = TITLE
    first_chain_paced = True  # the rules' pages: read first (`collect`, _PageHandOver)

    def __init__(
        self,
        settings: Settings,
        *,
        backoff_initial_s: float | None = None,
        backoff_max_s: float | None = None,
        rate_limit: RateLimit | str | None = None,
        max_in_flight: int = POOL_SIZE,
    ) -> None:
        """Arguments left as None come from the environment (J1SYNC_*), then defaults."""
        self.quota = ServerQuota()
        super().__init__(
            settings,
            backoff_initial_s=backoff_initial_s,
            backoff_max_s=backoff_max_s,
            rate_limit=rate_limit,
            max_in_flight=max_in_flight,
        )
        self.account = settings.account
        self.rate_limited_answers = 0  # of the requests sent, answered 429 or rate limited
        # One transport per URL: per-area mode has three, gateway mode one for all areas.
        urls = {area: endpoint_url(settings, area) for area in AREA_PATHS}
        by_url = {
            url: HttpTransport(self._session, url, self._headers, settings.timeout)
            for url in set(urls.values())
        }
        self._transports = {area: by_url[url] for area, url in urls.items()}

    def _request_headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.settings.api_key}",
            ACCOUNT_HEADER: self.settings.account,
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": user_agent(),
        }

    def _wake(self) -> None:
        """Requests waiting in the quota's line look again whether they are to stop."""
        self.quota.wake()

    def __enter__(self) -> JupiterOneClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the seam ---------------------------------------------------------------------

    def execute(
        self, area: Area, document: str, variables: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Run one operation and return its `data`; raise j1sync errors otherwise.

        The endpoint is the one endpoints.ROOT_FIELDS gives the operation's root fields
        (`area` for fields it does not know; a caller naming another area is a bug)."""
        parsed = parse_document(document)
        routed = area_of(parsed.root_fields, default=area)
        if routed != area:
            raise ValueError(f"{parsed.operation_name}: sent as {area!r}, routed to {routed!r}")
        operation = parsed.operation_name or area
        # the retry budget is the request's limit on waiting, for the quota too
        deadline = time.monotonic() + self.settings.retry_budget_s
        return self._attempts(
            operation,
            lambda: self._execute_once(area, parsed, dict(variables or {}), deadline),
            mutation=parsed.is_mutation,
            asked=functools.partial(self._quota_wait, parsed.invocations),
        )

    def paginate(
        self,
        area: Area,
        document: str,
        variables: Mapping[str, Any] | None,
        path_to_connection: Sequence[str],
    ) -> Iterator[dict[str, Any]]:
        """Yield each page's connection object, following `pageInfo.endCursor` until it is
        null or `hasNextPage` is false. The document must take a `$cursor` variable."""
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            data = self.execute(area, document, {**(variables or {}), "cursor": cursor})
            connection = _dig(data, path_to_connection)
            yield connection
            page_info = connection.get("pageInfo") or {}
            end_cursor = page_info.get("endCursor")
            if not end_cursor or page_info.get("hasNextPage") is False:
                return
            if end_cursor in seen:
                where = ".".join(path_to_connection)
                raise ApiError(f"JupiterOne API repeated a page cursor for {where}")
            seen.add(end_cursor)
            cursor = end_cursor

    def collect(
        self,
        area: Area,
        document: str,
        variables: Mapping[str, Any] | None,
        path_to_connection: Sequence[str],
        items_key: str,
        each_page: PageHandler | None = None,
    ) -> list[dict[str, Any]]:
        """Every item of every page (`items_key` names the list inside the connection).

        `each_page`, when given, has each page's items, in order, on a thread of its own
        while the next page is read (the next page is asked for at once, not once the
        handler is done), and returns them as they are to be kept. An error it raises
        ends the read (the page in flight is the last asked) and is raised here; a page
        that fails ends it with that page's error, and the pages after it are handed to
        no one."""
        pages = self.paginate(area, document, variables, path_to_connection)
        if each_page is None:
            items: list[dict[str, Any]] = []
            for connection in pages:
                items.extend(_items(connection, items_key))
            return items
        with _PageHandOver(each_page, self.pace) as hand_over:
            for connection in pages:
                if not hand_over.put(_items(connection, items_key)):
                    break
        return hand_over.kept

    # -- internals --------------------------------------------------------------------

    def _retry_label(self, operation: str) -> str:
        return operation  # the operation's GraphQL name says it is JupiterOne's

    def _quota_wait(self, invocations: int, state: RetryCallState) -> float:
        """How long a 429 asks to wait before the retry: when its headers say when the
        invocations will be there, that long (the quota estimate has them); else as for
        every client (`_asked_wait`: a Retry-After without RateLimit-* headers is waited
        too). The retry waits that or its backoff, whichever is longer (`_attempts`)."""
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, RateLimited) and error.headers:
            told = self.quota.delay(invocations)
            if told > 0:
                return told
        return self._asked_wait(state)

    def largest_request(self, wanted: int) -> int:
        """`wanted` root fields, or fewer while the server's quota paces the client: a
        request costing more than the bucket holds would be refused every time, one
        costing the whole bucket waits until it is entirely empty (one moment too early
        is a 429), and while the bucket sets the pace a large request buys nothing (the
        same invocations, whatever the batching) and costs the pacing its precision (the
        estimate counts every unanswered invocation as spent: 8 requests of 25 in flight
        held back 200; under the documented quotas a 10,000-object plan then took 1.17x
        the least the quota allows instead of 1.08x)."""
        capacity = self.quota.capacity
        return max(1, min(wanted, capacity // PACED_SHARE)) if capacity else wanted

    def _execute_once(
        self, area: Area, parsed: ParsedDocument, variables: dict[str, Any], deadline: float
    ) -> dict[str, Any]:
        read = not parsed.is_mutation
        self._check_abandoned(area, read=read)
        request = GraphQLRequest(
            parsed.request,
            variable_values=variables,
            operation_name=parsed.operation_name,
        )
        stop = self._reads_stopped if read else self._retries_stopped
        operation = parsed.operation_name or area
        cut_short = self._take_token(operation, stop)
        try:
            reservation = self.quota.acquire(
                parsed.invocations, stop, deadline, functools.partial(_announce_wait, operation)
            )
        except QuotaBeyondBudget as exc:
            raise self._beyond_budget(operation, parsed.invocations, exc, deadline) from None
        try:
            self._check_turn_given_up(operation, cut_short or reservation.cut_short)
        except ApiError:
            self.quota.settle(reservation, None)  # not sent: its invocations go back
            raise
        headers: dict[str, str] | None = None
        unanswered = False
        try:
            with self.concurrency.slot() as slot:
                self._check_abandoned(area, read=read)  # after the waits: still wanted?
                self._count_request()
                try:
                    result, headers = self._transports[area].post(request)
                except RateLimited as exc:
                    headers = exc.headers
                    self.rate_limited_answers += 1
                    slot()
                    raise
                except AuthError as exc:
                    raise self._auth_error(area, str(exc), exc.code, exc.status, None) from exc
                except ApiError as exc:
                    unanswered = no_answer(exc)
                    self._check_abandoned(area)  # cut by abandon(): that is why
                    if unanswered and read:
                        self._hold_until_verdict(slot.keep())
                    raise
                error = self._error_of(area, result.errors) if result.errors else None
                if isinstance(error, RateLimited):
                    self.rate_limited_answers += 1
                    slot()
        finally:
            if unanswered:
                # settled once it is known whether this request is tried again: should it
                # fail for good, the reads behind it (in the quota's line: the very first
                # request goes alone) hear of it first and are not sent (`reading`)
                self._hold_until_verdict(functools.partial(self.quota.settle, reservation, None))
            else:
                self.quota.settle(reservation, headers)
        if error is not None:
            raise error
        if not isinstance(result.data, dict):
            raise ApiError(f"JupiterOne API ({area}) returned no data")
        return result.data

    def _beyond_budget(
        self, operation: str, invocations: int, wait: QuotaBeyondBudget, deadline: float
    ) -> RetryBudgetExceeded:
        """A wait for the quota longer than what is left of the retry budget: the user's
        limit on waiting, so the request fails now rather than at the budget's end. The
        budget may be partly spent already (in the quota's line behind the run's other
        requests, on earlier attempts): the message says so, or a wait shorter than the
        budget would read as beyond it."""
        what = "invocation" if invocations == 1 else "invocations"
        budget = self.settings.retry_budget_s
        spent = budget - (deadline - time.monotonic())
        waits = f"{wait.wait_s:.0f}" if wait.wait_s >= 1 else f"{wait.wait_s:.1f}"
        already = f" more, after {spent:.1f} s spent waiting," if spent >= 0.5 else ""
        return RetryBudgetExceeded(
            f"{TITLE} API quota: {operation} ({invocations} {what}) would wait "
            f"{waits} s{already} for the account's API quota ({wait.source}), beyond the "
            f"{budget:g} s retry budget; raise the budget with "
            "--retry-budget SECONDS, or run again once the quota has refilled"
        )

    def _error_of(self, area: str, errors: Sequence[GraphQLError]) -> ApiError:
        codes = [str((e.extensions or {}).get("code") or "") for e in errors]
        message = "; ".join(self._redact(e.message) for e in errors)
        code = next((c for c in codes if c), None)
        text = f"JupiterOne API ({area}): {message}"
        if any(c in _RATE_LIMIT_CODES for c in codes) or any(
            _RATE_LIMIT_MESSAGE.search(e.message) for e in errors
        ):
            return RateLimited(f"{text} (rate limited in an HTTP 200)", code=code)
        if any(c in _NOT_FOUND_CODES for c in codes):
            return NotFound(text, code=code)
        if any(c in _BAD_INPUT_CODES for c in codes):
            return BadUserInput(text, code=code)
        if any(c in _AUTH_CODES for c in codes):
            return self._auth_error(area, text, code, None, message)
        return ApiError(text, code=code)

    def _auth_error(
        self, area: str, text: str, code: str | None, status: int | None, said: str | None
    ) -> AuthError:
        """A refusal of an IAM request says what IAM needs (the key may work for the rest
        of the API), with what the server said (`said`) when it said more than a status."""
        if area != "iam":
            return AuthError(text, code=code, status=status)
        refused = f"HTTP {status}" if status else (code or "refused")
        if said:
            refused = f"{refused}: {said}"
        return IamUnavailable(
            f"JupiterOne refused an IAM API request ({refused}); {IAM_REQUIREMENTS}",
            code=code,
            status=status,
        )


# What `collect` hands each page's items to (and keeps what it returns).
PageHandler = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


def _announce_wait(operation: str, seconds: float, source: str) -> None:
    """One line on stderr (the CLI's log handler) for a long wait for the quota."""
    log.warning(
        "waiting %.0f s for %s's API quota (%s) before %s", seconds, TITLE, source, operation
    )


def _items(connection: Mapping[str, Any], items_key: str) -> list[dict[str, Any]]:
    return [item for item in connection.get(items_key) or [] if item is not None]


class _PageHandOver:
    """Pages handed to `handler` on a thread of its own, in order (`collect`). A page is
    handled once the next page's request is on the wire (or after PAGE_WAIT_S, or once
    the read has ended): while that request is being sent, the handler would take the
    interpreter lock from the thread sending it, and the page chain is the read's
    critical path (at 20,000 objects ~1 ms a page). The first chain of pages read
    sets `pace` (http/pacing.py): the manifests' load gives way around its answers."""

    def __init__(self, handler: PageHandler, pace: Pace) -> None:
        self._handler = handler
        self._pages: queue.SimpleQueue[list[dict[str, Any]] | None] = queue.SimpleQueue()
        self._failed: list[BaseException] = []
        self._dropped = threading.Event()  # the read failed: hand over nothing more
        self._sent = threading.Event()  # a request after the last page put is on the wire
        self._pace = pace
        self._pacing = False  # this chain sets the pace
        self.kept: list[dict[str, Any]] = []
        self._thread = threading.Thread(target=self._run, name="j1sync-pages", daemon=True)

    def __enter__(self) -> _PageHandOver:
        self._pacing = self._pace.follow()
        self._sends = signalling_sends(self._sent, leads=self._pacing)
        self._sends.__enter__()
        return self

    def put(self, page: list[dict[str, Any]]) -> bool:
        """Hand `page` over; False once the handler has failed (stop reading). The
        thread starts with the first page, not before the first request (starting it
        lets other readers' threads run first: their first request would go first)."""
        if self._failed:
            return False
        self._sent.clear()
        if self._thread.ident is None:
            self._thread.start()
        self._pages.put(page)
        return True

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self._sends.__exit__(None, None, None)
        if self._pacing:
            self._pace.leave()
        self._sent.set()  # no request follows the last page
        if self._thread.ident is None:
            return  # no page came
        if kind is not None:
            self._dropped.set()
        self._pages.put(None)
        self._thread.join()
        if kind is None and self._failed:
            raise self._failed[0]

    def _run(self) -> None:
        while (page := self._pages.get()) is not None:
            if self._failed or self._dropped.is_set():
                continue
            self._sent.wait(PAGE_WAIT_S)
            self._pace.give_way()  # (another chain's page: not while its answer comes)
            try:
                self.kept.extend(self._handler(page))
            except BaseException as exc:  # raised in the reading thread by __exit__
                self._failed.append(exc)


def _dig(data: Mapping[str, Any], path: Sequence[str]) -> dict[str, Any]:
    node: Any = data
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    if not isinstance(node, dict):
        raise ApiError(f"JupiterOne API response has no {'.'.join(path)}")
    return node
