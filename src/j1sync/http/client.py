"""What a j1sync API client does around each request, whatever the API's shape.

- One pooled session, the client-side rate limit (J1SYNC_RATE_LIMIT) and the adaptive cap
  on requests in flight (j1sync.http.ratelimit).
- A request's attempts (`_attempts`): retried as j1sync.http.retry says (reads on 429, 5xx
  and lost connections; writes only on 429), each after the backoff or a 429's
  Retry-After, whichever is longer, within the retry budget; a write whose answer timed
  out waits as long again before the executor re-reads.
- Stopping: `abandon()` (a background read no longer wanted) and `stop_retries()` /
  `resume_retries()` (an interrupted apply, see j1sync.interrupts); `reading()`, while the
  account is read: once a read gets no answer for good (a server that is down, or accepts
  connections and never answers), every other read fails with its error at once instead
  of each waiting for its own timeout and retry budget; `stop_reading()` /
  `resume_reading()`, the same for a read another target's failure ends
  (providers/targets.py).
- One attempt (`_send`): the transport's failures mapped to j1sync's errors (no server:
  Unreachable; a lost connection or a timeout: TransientError; `transport_error`), and
  what a status says by itself (429, 5xx; `status_error`), both also JupiterOne's
  transport's.

A system's client (providers/<system>/client.py) subclasses ApiClient[its settings] and
says which headers every request carries, how it sends a request and what an answer means.
Its `connect` reads the command's connection options with `ClientOptions.of` (its provider:
providers/client_provider.py).
"""

from __future__ import annotations

import copy
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import requests
from tenacity import RetryCallState, RetryError

from j1sync.engine.sensitive import redact_key
from j1sync.errors import ApiError, RateLimited, TransientError, Unreachable
from j1sync.http.pacing import Pace
from j1sync.http.ratelimit import AdaptiveConcurrency, RateLimit, client_bucket, is_unpaced
from j1sync.http.retry import (
    NextWait,
    budget_exceeded,
    configured_backoff,
    log,
    no_answer,
    retrying,
    timed_out,
)
from j1sync.http.session import AnswerTooLarge, RedirectRefused, cut_off_json, pooled_session
from j1sync.net import unreachable_because
from j1sync.terminal import visible_controls

POOL_SIZE = 8  # connections kept open, and requests in flight unless told more
SERVER_TEXT_MAX = 1000  # characters of a server's message an error quotes (ApiClient._redact)

T = TypeVar("T")


class ClientSettings(Protocol):
    """What ApiClient reads of a system's connection settings."""

    @property
    def timeout(self) -> float: ...

    @property
    def retry_budget_s(self) -> float: ...

    @property
    def credential(self) -> str: ...


S = TypeVar("S", bound=ClientSettings)


class ApiClient(Generic[S]):
    """The shared part of one connected API client. Thread-safe."""

    title: ClassVar[str]  # the system, as messages name its API ("xyOps")
    # whether its reads start with a chain of pages that sets the pace (http/pacing.py),
    # whose first request the load waits for
    first_chain_paced: ClassVar[bool] = False

    def __init__(
        self,
        settings: S,
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
        # the timing of the read's chain of pages, which other work gives way to
        self.pace = Pace(first_chain=self.first_chain_paced)
        self._session = pooled_session(max(POOL_SIZE, max_in_flight), self.pace)
        self._abandoned = threading.Event()
        self._retries_stopped = threading.Event()
        # reads wait for nothing more: retries stopped, or a read got no answer for good
        self._reads_stopped = threading.Event()
        self._reading = 0  # reads of the account under way (`reading()`)
        self._read_failure: ApiError | None = None  # the read that got no answer, while reading
        # per thread: what its attempt that got no answer holds until its verdict
        # (`_hold_until_verdict`)
        self._unanswered = threading.local()
        self.requests_sent = 0  # HTTP requests made, retries included (for tests)
        self._count_lock = threading.Lock()
        self._headers = self._request_headers()

    def _request_headers(self) -> dict[str, str]:
        """What every request carries (the credential, Accept, User-Agent)."""
        raise NotImplementedError

    def __repr__(self) -> str:  # the settings' repr never shows the credential
        return f"{type(self).__name__}({self.settings!r})"

    def _redact(self, text: str) -> str:
        """`text` (what the server said) as an error may quote it: without the credential,
        should it echo it; on one line, its line breaks shown (␊), not sent, so that no
        server (nor a name it quotes) writes a line of its own into a CI log (a
        `::error::` workflow command); at most SERVER_TEXT_MAX characters."""
        said = visible_controls(redact_key(text, self.settings.credential), one_line=True)
        if len(said) > SERVER_TEXT_MAX:
            said = f"{said[:SERVER_TEXT_MAX]}… ({len(said) - SERVER_TEXT_MAX} more characters)"
        return said

    def close(self) -> None:
        self._session.close()

    def abandon(self) -> None:
        """Give up what is still to come (a background read no longer wanted): requests
        waiting for their answer end too (their connections cut)."""
        self._abandoned.set()
        self._retries_stopped.set()
        self._reads_stopped.set()
        self._wake()
        self._session.cut_in_flight()

    def stop_retries(self) -> None:
        """Retry nothing more until `resume_retries()` (an interrupted apply)."""
        self._retries_stopped.set()
        self._reads_stopped.set()
        self._wake()

    def resume_retries(self) -> None:
        if not self._abandoned.is_set():
            self._retries_stopped.clear()
            with self._count_lock:
                if self._read_failure is None:
                    self._reads_stopped.clear()

    def stop_reading(self, error: ApiError) -> None:
        """The account's read is no longer wanted, for now (another target's read failed
        for good: providers/targets.py): every read fails with `error` at once, one not yet
        sent is not sent, one waiting waits no longer, one on the wire is cut; until
        `resume_reading()`. Unlike `abandon()`, the client serves again afterwards: an
        apply's lock is released through it."""
        with self._count_lock:
            if self._read_failure is None:
                self._read_failure = error
            self._reads_stopped.set()
        self._wake()
        self._session.cut_in_flight()

    def resume_reading(self) -> None:
        """After `stop_reading()`, once this client's read is over: reads are sent again
        (as when the outermost `reading()` ends)."""
        with self._count_lock:
            if self._reading == 0:
                self._read_failure = None
                if not self._retries_stopped.is_set():
                    self._reads_stopped.clear()

    def _wake(self) -> None:
        """Make every request waiting (for the server's quota) look again whether it is
        to stop."""

    @contextmanager
    def reading(self) -> Iterator[None]:
        """While the account is read (kinds on threads of their own, pages, detail
        requests): once one read request gets no answer for good (the server unreachable,
        or every attempt timed out or lost its connection until the retry budget was
        spent), every other read request fails with that error at once: one not yet sent
        is not sent, one waiting (for a retry, for the quota) waits no longer. The read
        fails anyway; without this each request queued behind it waited its own timeout,
        one after another. Requests on the wire end by their timeout. Nested blocks share
        one failure; it is forgotten when the outermost ends (writes and the apply lock's
        release are not reads of the account)."""
        with self._count_lock:
            self._reading += 1
        try:
            yield
        finally:
            with self._count_lock:
                self._reading -= 1
                if self._reading == 0 and self._read_failure is not None:
                    self._read_failure = None
                    if not self._retries_stopped.is_set():
                        self._reads_stopped.clear()

    def _reads_failed(self, error: ApiError) -> None:
        """`error` ended a read for good; when it is a read of the account that got no
        answer, every other read stops (`reading`)."""
        if not no_answer(error):
            return
        with self._count_lock:
            if self._reading == 0 or self._read_failure is not None:
                return
            self._read_failure = error
            self._reads_stopped.set()
        self._wake()

    def _check_read_failure(self) -> None:
        """The error a read ended with for good while the account is read (`reading`), for
        every other read, raised anew."""
        failure = self._read_failure
        if failure is not None:
            raise copy.copy(failure) from failure.__cause__

    def last_requests(self) -> None:
        """The process ends on an interrupt, and must first undo what it holds (the apply
        lock): requests are sent again though the reads were abandoned (their threads are
        over by then), each attempted once, with no wait before a retry, so a failing API
        delays the exit by a few requests, never by the retry budget."""
        self.stop_retries()
        self._abandoned.clear()

    def _attempts(
        self,
        operation: str,
        once: Callable[[], T],
        *,
        mutation: bool,
        asked: Callable[[RetryCallState], float] | None = None,
    ) -> T:
        """What `once` (one attempt of `operation`) answers, attempted until it answers,
        an error is not to be retried, or the retry budget is spent. Before the next
        attempt it waits what the server's answer asks for (`asked`: `_asked_wait` unless
        given) or the backoff, whichever is longer: the server's wait is a floor, never
        the whole wait, so a 429 asking for none (Retry-After 0, or a date already past,
        as when clocks differ) is not retried at once, hundreds of times a second, until
        the budget is spent."""
        started = time.monotonic()
        budget = self.settings.retry_budget_s
        stopped = self._retries_stopped if mutation else self._reads_stopped
        server_wait = asked or self._asked_wait
        planned = [NextWait()]  # the wait before the next attempt, as last chosen

        def waiting(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome is not None else None
            told = retry_after(error.headers) if isinstance(error, RateLimited) else None
            planned[0] = NextWait.chosen(server_wait(state), self._backoff(state), told)
            return planned[0].seconds

        attempts = retrying(
            is_mutation=mutation,
            budget_s=budget,
            stopped=stopped,
            wait=waiting,
            operation=self._retry_label(operation),
        )
        try:
            for attempt in attempts:
                with attempt:
                    self._give_back_held()  # the attempt before, now tried again
                    if not mutation:
                        self._check_read_failure()
                    return once()
        except ApiError as exc:  # not to be retried (no server there), or a write's
            if mutation and timed_out(exc):
                # The server may still be working on it: give it as long again before
                # the executor re-reads (a create committing late would be duplicated).
                self._abandoned.wait(self.settings.timeout)
            elif not mutation:
                self._reads_failed(exc)
            raise
        except RetryError as exc:
            last = exc.last_attempt.exception()
            if stopped.is_set() and isinstance(last, ApiError):
                if not mutation:
                    self._check_read_failure()
                raise last from last.__cause__
            error = budget_exceeded(
                self.title, exc, operation, budget, started, self.settings.timeout, planned[0]
            )
            if not mutation:
                self._reads_failed(error)
            raise error from last
        finally:
            self._give_back_held()
        raise AssertionError("unreachable: tenacity either returns or raises")

    def _hold_until_verdict(self, give_back: Callable[[], None]) -> None:
        """What an attempt that got no answer holds (its slot of the requests in flight;
        JupiterOne's: its share of the quota) is given back (`give_back`) only once it is
        known whether it is tried again (`_attempts`). Should it fail for good, the reads
        waiting behind it for a slot hear of it first (`reading`) and are not sent: before,
        the first waiting read took the slot the moment the failed one left it, and was
        sent, to wait a timeout of its own."""
        held: list[Callable[[], None]] | None = getattr(self._unanswered, "held", None)
        if held is None:
            held = self._unanswered.held = []
        held.append(give_back)

    def _give_back_held(self) -> None:
        held: list[Callable[[], None]] | None = getattr(self._unanswered, "held", None)
        if held:
            self._unanswered.held = []
            for give_back in held:
                give_back()

    def _retry_label(self, operation: str) -> str:
        """What a retry's log line calls `operation`."""
        return f"{self.title} {operation}"

    def _asked_wait(self, state: RetryCallState) -> float:
        """How long the failed attempt's answer asks to wait before the next: a 429's
        Retry-After; 0 for anything else."""
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, RateLimited):
            return retry_after(error.headers) or 0.0
        return 0.0

    def _send(
        self,
        operation: str,
        url: str,
        request: Callable[[], requests.Response],
        answer: Callable[[requests.Response], T],
        *,
        read: bool,
    ) -> T:
        """One attempt: `request` (the HTTP request to `url`) within the rate limits, and
        `answer` (what its response means, or the error it is). A `read` is not sent once
        the account's read failed (`reading`), however long it waited for its turn."""
        self._check_abandoned(operation, read=read)
        waited = self._take_token(operation, self._reads_stopped if read else self._retries_stopped)
        self._check_turn_given_up(operation, waited)
        with self.concurrency.slot() as slot:
            self._check_abandoned(operation, read=read)  # after the waits: still wanted?
            self._count_request()
            try:
                response = request()
            except requests.RequestException as exc:
                self._check_abandoned(operation)  # cut by abandon(): that is why
                error = transport_error(self.title, exc, url, operation, operation)
                error.__cause__ = exc
                if read and no_answer(error):
                    self._hold_until_verdict(slot.keep())
                raise error from exc
            try:
                return answer(response)
            except RateLimited:
                slot()
                raise
            except ApiError as exc:  # what the answer says is no answer: was it cut?
                if response.ok and cut_off_json(response.content):
                    raise cut_answer(self.title, operation) from exc
                raise

    def _take_token(self, operation: str, stop: threading.Event) -> bool:
        """A token of the client-side rate limit (--rate-limit), when there is one: a wait
        for it of WAIT_NOTICE_S or more is said on stderr, and ends early once `stop` is
        set (the request is then refused, `_check_turn_given_up`, or as abandoned, or
        sent). Whether its wait was cut short so."""
        if self.bucket is None or is_unpaced():
            return False
        limit, label = self.bucket.limit, self._retry_label(operation)

        def announce(seconds: float) -> None:
            log.warning(
                "waiting %.0f s for the client-side rate limit (--rate-limit %s) before %s",
                seconds,
                limit,
                label,
            )

        return self.bucket.acquire(stop, announce) > 0 and stop.is_set()  # cut short

    def _check_turn_given_up(self, operation: str, cut_short: bool) -> None:
        """ApiError when the request's wait for its turn (the client's rate limit, the
        server's quota) was cut short because retries were given up (`stop_retries`: an
        apply interrupted past its grace, or ending): sent now it would go beyond the
        limit (a 429 that is not retried). Nothing of it happened."""
        if cut_short and self._retries_stopped.is_set():
            raise ApiError(
                f"{self.title} API ({operation}): not sent: the run was stopped while it "
                "waited for its turn under the API's rate limit"
            )

    def _check_abandoned(self, where: str, *, read: bool = False) -> None:
        """ApiError once `abandon()` was called: no request is sent any more; for a `read`,
        also once another read got no answer for good while the account is read."""
        if self._abandoned.is_set():
            raise ApiError(f"{self.title} API ({where}): request abandoned")
        if read:
            self._check_read_failure()

    def _count_request(self) -> None:
        with self._count_lock:
            self.requests_sent += 1

    def _status_error(self, status: int, headers: Mapping[str, str]) -> ApiError | None:
        """What an HTTP status says by itself: 429 rate limited, 5xx a server error (both
        retried); None for any other."""
        return status_error(self.title, status, headers)


def transport_error(
    title: str, exc: requests.RequestException, url: str, where: str, request: str
) -> ApiError:
    """What a request to `url` that got no answer means: no server there, Unreachable; a
    lost connection or a timeout, TransientError (retried); anything else, ApiError.
    Messages name the request by `where` (in brackets) and `request` ("request … failed")."""
    if isinstance(exc, requests.ConnectionError):  # ConnectTimeout included
        why = unreachable_because(exc, url)
        if why is not None:
            return Unreachable(f"cannot reach the {title} API at {url}: {why}")
        return TransientError(f"{title} API connection failed ({where})")
    if isinstance(exc, requests.Timeout):
        said = "" if where == url else f" ({where})"
        return TransientError(f"{title} API at {url} did not answer in time{said}")
    if isinstance(exc, RedirectRefused):
        return ApiError(f"{title} API at {url}: {exc}")
    if isinstance(exc, AnswerTooLarge):
        return ApiError(
            f"{title} API request {request} refused: {exc}; is {url} the {title} API? Check its URL"
        )
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        # the connection ended before the answer did (fewer bytes than Content-Length, a
        # broken chunk): lost like a dropped connection, and as ambiguous for a write
        return TransientError(f"{title} API connection broken mid-answer ({where})")
    return ApiError(f"{title} API request {request} failed: {exc}")


def cut_answer(title: str, where: str) -> TransientError:
    """An answer whose JSON stops mid-way (`session.cut_off_json`): cut before its end, as
    by a connection broken mid-answer, and retried as that is (a read), or re-read after
    (a write: it may have been done). Not "is that the API?": the API it is."""
    return TransientError(f"{title} API answer cut off mid-way: its JSON ends early ({where})")


def status_error(title: str, status: int, headers: Mapping[str, str]) -> ApiError | None:
    """What an HTTP status says by itself: 429 rate limited (carrying `headers`), 5xx a
    server error (both retried); None for any other."""
    if status == 429:
        return RateLimited(f"{title} API rate limit (HTTP 429)", status=429, headers=dict(headers))
    if status >= 500:
        return TransientError(f"{title} API server error (HTTP {status})", status=status)
    return None


def retry_after(headers: Mapping[str, str]) -> float | None:
    """A response's Retry-After in seconds (never negative); None without one."""
    for key, value in headers.items():
        if key.lower() == "retry-after":
            return retry_after_seconds(value)
    return None


def retry_after_seconds(text: str | None) -> float | None:
    """A Retry-After value in seconds from now: delay-seconds or an HTTP-date (RFC 9110
    allows both; a date already past is 0); None when it is neither: a negative, NaN or
    infinite delay is no delay-seconds, and is taken as absent, not as "now"."""
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return seconds if 0.0 <= seconds < math.inf else None  # NaN is neither
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class ClientOptions:
    """The command's connection options a client takes (None: not given, the settings'
    environment or default decides)."""

    timeout: float | None = None
    retry_budget_s: float | None = None
    rate_limit: RateLimit | str | None = None
    max_in_flight: int = POOL_SIZE

    @classmethod
    def of(cls, options: Any) -> ClientOptions:
        """From `System.connect`'s second argument: a mapping or an object with attributes
        (`timeout`, `retry_budget_s` or `retry_budget`, `rate_limit`, `concurrency`), or
        None. Never fewer than POOL_SIZE requests in flight (reads run in parallel)."""
        return cls(
            timeout=_option(options, "timeout"),
            retry_budget_s=_option(options, "retry_budget_s", "retry_budget"),
            rate_limit=_option(options, "rate_limit"),
            max_in_flight=max(POOL_SIZE, int(_option(options, "concurrency") or 0)),
        )


def _option(options: Any, *names: str) -> Any:
    for name in names:
        mapping = isinstance(options, Mapping)
        value = options.get(name) if mapping else getattr(options, name, None)
        if value is not None:
            return value
    return None
