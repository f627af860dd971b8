"""ServerQuota's estimate refills to the bucket's quota less what is sent and not yet
answered: the server counts those when they arrive, however long after they took their
invocations. Before, it refilled to the whole quota while requests were held between
taking their invocations and being sent (a loaded machine, the in-flight limit), let as
many more through, and together they went beyond the bucket: two 429s in a fresh-clone CI
run of tests/live_ready/test_rate_headers.py::test_iam_batches_are_cut_to_what_the_bucket_holds
(a bucket of 4, batches of 2)."""

from __future__ import annotations

import threading

from j1sync.providers.jupiterone.server_quota import Reservation, ServerQuota

# A bucket of 4 refilling 80 a second, as the IAM batches test has it.
HEADERS = {
    "RateLimit-Limit": "4, 4;window=0.05, 8;window=0.1",
    "RateLimit-Remaining": "4",
    "RateLimit-Reset": "0",
    "RateLimit-Requested": "1",
}


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _known(clock: Clock) -> ServerQuota:
    """A quota whose first answer said the bucket is full."""
    quota = ServerQuota(clock)
    quota.settle(quota.acquire(1, threading.Event()), HEADERS)
    return quota


def _take(quota: ServerQuota, cost: int) -> Reservation:
    assert quota.delay(cost) == 0
    return quota.acquire(cost, threading.Event())


def test_requests_sent_and_unanswered_keep_their_place_in_a_refilled_bucket() -> None:
    clock = Clock()
    quota = _known(clock)
    _take(quota, 2)
    _take(quota, 2)
    clock.now += 1.0  # long enough to refill the bucket many times over
    # both are still on their way: the server will count them, and 2 more do not fit
    assert quota.delay(2) > 0


def test_an_answer_gives_back_the_room_its_request_held() -> None:
    clock = Clock()
    quota = _known(clock)
    first = _take(quota, 2)
    _take(quota, 2)
    clock.now += 1.0
    quota.settle(first, {**HEADERS, "RateLimit-Remaining": "2", "RateLimit-Requested": "2"})
    clock.now += 1.0  # the bucket emptied of the first; the second is still unanswered
    assert quota.delay(2) == 0
    _take(quota, 2)
    assert quota.delay(1) > 0
