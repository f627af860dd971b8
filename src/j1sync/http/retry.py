"""The retry policy every API client follows, with tenacity.

Reads are retried on 429, 5xx and connection failures with exponential backoff and full
jitter, each request within a total time budget (`--retry-budget`). Mutations are retried
only on 429 (the server refused them, so repeating is safe); any other failure of a
mutation is raised at once as `TransientError`, and the executor re-reads by natural key
before deciding whether to repeat it. Retries are quiet at first and reported from
RETRIES_BEFORE_WARNING on, or when the wait before one is WAIT_NOTICE_S or more, so a
wrong URL or an outage shows long before the budget ends.

Tuning from the environment (flags win; mainly for tests and benchmarks):
J1SYNC_RATE_LIMIT (N/SECONDS), J1SYNC_BACKOFF_INITIAL_S, J1SYNC_BACKOFF_MAX_S.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests
from tenacity import (
    RetryCallState,
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_before_delay,
    stop_when_event_set,
    wait_random_exponential,
)

from j1sync.errors import (
    ConfigError,
    RateLimited,
    RetryBudgetExceeded,
    TransientError,
    Unreachable,
)

log = logging.getLogger("j1sync.api")

RETRIES_BEFORE_WARNING = 2
# A wait this long or longer (before a retry, or for a server's quota) is said on stderr
# whatever the attempt: the user sees why the run waits.
WAIT_NOTICE_S = 5.0

ENV_RATE_LIMIT = "J1SYNC_RATE_LIMIT"
ENV_BACKOFF_INITIAL = "J1SYNC_BACKOFF_INITIAL_S"
ENV_BACKOFF_MAX = "J1SYNC_BACKOFF_MAX_S"
ENV_TIMEOUT = "J1SYNC_TIMEOUT"  # --timeout: one request's wait for its answer
DEFAULT_BACKOFF_INITIAL_S = 0.5
DEFAULT_BACKOFF_MAX_S = 30.0
DEFAULT_TIMEOUT_S = 30.0  # one HTTP request's wait for its answer
# The longest --timeout: a day (the socket layer refuses what does not fit a time_t)
MAX_TIMEOUT_S = 86_400.0
# The shortest: less never gets an answer, even from loopback, and a typo (0.0001) would
# only retry until the retry budget ran out, as if the run hung
MIN_TIMEOUT_S = 0.1
DEFAULT_RETRY_BUDGET_S = 600.0  # how long one request may keep retrying (--retry-budget)

# A wait longer than this is said as "more than a day", not in seconds: a server's
# Retry-After of 1e23 read "wait 99999999999999991611392 s".
LONGEST_SAID_WAIT_S = 86_400.0

Wait = Callable[[RetryCallState], float]


@dataclass(frozen=True)
class NextWait:
    """The wait before a request's next attempt, and where it comes from: the server's
    answer asked for it (`asked`), or it is the backoff's; `retry_after_s`, that answer's
    Retry-After in seconds, when it had one j1sync reads (`http/client.retry_after`)."""

    seconds: float = 0.0
    asked: bool = False
    retry_after_s: float | None = None

    @classmethod
    def chosen(cls, asked_s: float, backoff_s: float, retry_after_s: float | None) -> NextWait:
        """The server's wait (`asked_s`) or the backoff, whichever is longer: the
        server's is a floor, never the whole wait, so a 429 asking for none (Retry-After
        0, a date already past: clocks differ) is not retried at once, hundreds of times
        a second, until the budget is spent."""
        if asked_s > 0 and asked_s >= backoff_s:
            return cls(asked_s, True, retry_after_s)
        return cls(backoff_s, False, retry_after_s)


def said_wait(seconds: float, decimals: int = 0) -> str:
    """A wait as messages say it: in seconds, or "more than a day" (infinity too)."""
    if not seconds <= LONGEST_SAID_WAIT_S:
        return "more than a day"
    return f"{seconds:.{decimals}f} s"


def seconds_setting(
    given: float | None, env_name: str, default: float, least: float = 0.0
) -> float:
    """`given`, else the environment variable `env_name`, else `default` (positive, and
    at least `least` when given)."""
    if given is not None:
        return given
    text = os.environ.get(env_name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or not math.isfinite(value):  # NaN and infinity too
        raise ConfigError(f"{env_name} must be a positive number of seconds, got {text!r}")
    if value < least:
        raise ConfigError(f"{env_name} must be at least {least:g} seconds, got {text!r}")
    return value


def configured_backoff(initial_s: float | None, max_s: float | None) -> Wait:
    """Exponential backoff with full jitter: the given bounds, else J1SYNC_BACKOFF_*, else
    the defaults."""
    return exponential_backoff(
        seconds_setting(initial_s, ENV_BACKOFF_INITIAL, DEFAULT_BACKOFF_INITIAL_S),
        seconds_setting(max_s, ENV_BACKOFF_MAX, DEFAULT_BACKOFF_MAX_S),
    )


def retryable_errors(is_mutation: bool) -> tuple[type[Exception], ...]:
    """What may be repeated: a refused request always, an ambiguous one only if a read."""
    return (RateLimited,) if is_mutation else (RateLimited, TransientError)


def exponential_backoff(initial_s: float, max_s: float) -> Wait:
    """Exponential backoff with full jitter."""
    backoff = wait_random_exponential(multiplier=initial_s, max=max_s)
    return lambda state: float(backoff(state))


def retrying(
    *,
    is_mutation: bool,
    budget_s: float,
    stopped: threading.Event,
    wait: Wait,
    operation: str,
) -> Retrying:
    """One request's retry loop: until it succeeds, fails for good, the budget is spent
    or `stopped` is set (an interrupted apply; a wait before a retry ends at once)."""
    return Retrying(
        stop=stop_before_delay(budget_s) | stop_when_event_set(stopped),
        wait=wait,
        retry=retry_if_exception_type(retryable_errors(is_mutation)),
        sleep=lambda seconds: _wait(stopped, seconds),
        before_sleep=lambda state: report_retry(operation, budget_s, state),
    )


def _wait(stopped: threading.Event, seconds: float) -> None:
    # returns early once retries were stopped; a wait longer than the platform can time
    # (a server's Retry-After of 1e20 under --retry-budget 1e300: OverflowError) is as
    # long as it can: 292 years
    stopped.wait(min(seconds, threading.TIMEOUT_MAX))


def budget_exceeded(
    system: str,
    exc: RetryError,
    operation: str,
    budget_s: float,
    started: float,
    timeout_s: float | None = None,
    next_wait: NextWait = NextWait(),
) -> RetryBudgetExceeded:
    """The error raised when the retries of one request ran out of their budget. When
    the last attempt timed out (`timeout_s`: the request timeout), it says so first, and
    what to do: the server may be down, or slower than the timeout allows. When the
    server was rate limiting and asked for a wait (`next_wait`, before the next attempt)
    that goes beyond the budget, it says that wait: the budget is not spent, the request
    gave up at once rather than wait past it. A wait that is the backoff's is never
    said as the server's, nor a Retry-After j1sync could not read as its value."""
    last = exc.last_attempt.exception()
    attempts = exc.last_attempt.attempt_number
    elapsed = time.monotonic() - started
    if isinstance(last, RateLimited) and next_wait.asked and next_wait.seconds >= WAIT_NOTICE_S:
        said = next_wait.retry_after_s  # the wait is the Retry-After's when no longer
        told = " (Retry-After)" if said is not None and next_wait.seconds <= said else ""
        error = RetryBudgetExceeded(
            f"{system} API: rate limited (HTTP {last.status or 429}) ({operation}), and "
            f"the server asks to wait {said_wait(next_wait.seconds)}{told}: beyond the "
            f"{budget_s:g} s retry budget ({elapsed:.1f} s spent, {_attempts(attempts)}); "
            "raise the budget with --retry-budget SECONDS, or run again later"
        )
        error.__cause__ = last
        return error
    if timeout_s is not None and timed_out(last):
        where = "" if f"({operation})" in str(last) else f"{operation}; "
        error = RetryBudgetExceeded(
            f"{last}: gave up after {_attempts(attempts)} in {elapsed:.1f} s ({where}"
            f"request timeout {timeout_s:g} s, retry budget {budget_s:g} s). Is the server "
            f"up? If it is only slow, raise the timeout with --timeout SECONDS ({ENV_TIMEOUT})"
        )
    else:
        reason = "rate limited (HTTP 429)" if http_429(last) else str(last)
        unread = isinstance(last, RateLimited) and _retry_after_given(last.headers)
        if http_429(last) and unread and next_wait.retry_after_s is None:
            reason = "rate limited (HTTP 429; its Retry-After, neither a delay nor a date, ignored)"
        # a request gives up before the budget is spent when its next wait would pass it
        early = ", the next wait beyond it" if elapsed < budget_s else ""
        error = RetryBudgetExceeded(
            f"{system} API: gave up after {_attempts(attempts)} in {elapsed:.1f} s "
            f"({budget_s:g} s retry budget{early}): {reason} ({operation}; raise the "
            "budget with --retry-budget SECONDS)"
        )
    error.__cause__ = last
    return error


def _retry_after_given(headers: dict[str, str]) -> bool:
    return any(key.lower() == "retry-after" for key in headers)


def _attempts(count: int) -> str:
    return f"{count} attempt" if count == 1 else f"{count} attempts"


def timed_out(error: BaseException | None) -> bool:
    """A request that got no answer within its timeout (the server may have acted on it)."""
    return isinstance(error, TransientError) and isinstance(error.__cause__, requests.Timeout)


def no_answer(error: BaseException | None) -> bool:
    """A request that got no answer at all, for good: no server there, or (the retry
    budget spent on them) timeouts and lost connections. Not an answer the server gave
    (an error status, a 429: it is there)."""
    if isinstance(error, RetryBudgetExceeded):
        error = error.__cause__
    if isinstance(error, Unreachable):
        return True
    cause = error.__cause__ if isinstance(error, TransientError) else None
    return isinstance(cause, (requests.Timeout, requests.ConnectionError))


def http_429(error: BaseException | None) -> bool:
    return isinstance(error, RateLimited) and error.status == 429


def report_retry(operation: str, budget_s: float, state: RetryCallState) -> None:
    attempt = state.attempt_number
    error = state.outcome.exception() if state.outcome is not None else None
    wait = state.next_action.sleep if state.next_action is not None else 0.0
    said = attempt >= RETRIES_BEFORE_WARNING or wait >= WAIT_NOTICE_S
    level = logging.WARNING if said else logging.DEBUG
    log.log(
        level,
        "%s failed (%s); retrying in %s (attempt %d, %.0f s of the %g s retry budget used)",
        operation,
        "rate limited (HTTP 429)" if http_429(error) else error,
        said_wait(wait, 1),
        attempt,
        state.seconds_since_start or 0.0,
        budget_s,
    )
