"""ServerQuota's pace from the headers as the live API sends them (recordings:
`RateLimit-Limit: 1000` with no window, so the refill rate is known only as a lower bound
from Reset). A loose bound from an answer with little counted (1 counted, Reset 1 s: one
a second) must not replace a better one of the same bucket: a plan crawled at one
invocation a second once the bucket ran low (62 s for 86 invocations against a bucket
refilling 40 a second; tests/live_ready/test_rate_headers.py's recorded case)."""

from __future__ import annotations

import threading

import pytest

from j1sync.providers.jupiterone.server_quota import MARGIN_S, ServerQuota


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _answer(quota: ServerQuota, limit: str, remaining: int, reset_s: int) -> None:
    now = threading.Event()
    now.set()  # taken at once, whatever the estimate says (the clock stands still)
    taken = quota.acquire(1, now)
    headers = {
        "RateLimit-Limit": limit,
        "RateLimit-Remaining": str(remaining),
        "RateLimit-Reset": str(reset_s),
        "RateLimit-Requested": "1",
    }
    quota.settle(taken, headers)


def test_a_loose_bound_does_not_replace_a_better_one_of_the_same_bucket() -> None:
    quota = ServerQuota(Clock())
    _answer(quota, "1000", 0, 61)  # 1,000 counted, emptied within 61 s: >= 16.4 a second
    _answer(quota, "1000", 999, 1)  # 1 counted, within 1 s: >= 1 a second (looser)
    # 16, and the second request's 1 taken from an estimate of 0: 17 at >= 16.4 a second
    assert quota.delay(16) == pytest.approx(17 / (1000 / 61) + MARGIN_S)  # not 17 s


def test_each_bucket_keeps_its_own_bound() -> None:
    quota = ServerQuota(Clock())
    _answer(quota, "1000", 0, 61)  # the token bucket: >= 16.4 a second
    _answer(quota, "2000", 0, 200)  # now the account's limits: >= 10 a second
    # its own bound (11 at 10 a second), not the token bucket's 16.4
    assert quota.delay(10) == pytest.approx(11 / (2000 / 200) + MARGIN_S)


def test_windows_in_the_limit_header_say_the_rate_exactly() -> None:
    quota = ServerQuota(Clock())
    _answer(quota, "1000, 1000;window=60, 2000;window=120", 0, 60)
    assert quota.delay(10) == pytest.approx(10 / (1000 / 60) + MARGIN_S)
