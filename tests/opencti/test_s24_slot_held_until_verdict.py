"""A read that got no answer keeps its slot of the requests in flight until it is known
whether it is tried again. A read waiting for that slot then hears that the account's
read failed for good (ApiClient.reading) and is not sent. Before, it took the slot the
moment the failed read left it, was sent to the server that never answers, and waited
a timeout of its own (tests/opencti/test_dead_server.py on a fresh-clone CI run: a
connection 3.009 s after the first, its timeout 3 s). Here the failed read's thread
is slow to reach its verdict (as a loaded machine's can be), every time."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from j1sync.errors import ApiError
from j1sync.providers.opencti.client import OpenCtiClient
from j1sync.providers.opencti.settings import OpenCtiSettings
from tests.hostile.loopback import never_answering_server

TIMEOUT_S = 1.0
VERDICT_LATE_S = 0.5  # the failed read's thread descheduled before its verdict
QUERY = "query Labels { labels { edges { node { id value } } } }"


class _LateVerdicts(OpenCtiClient):
    def _asked_wait(self, state: Any) -> float:
        # tenacity asks for the wait before it decides whether to stop: between the
        # attempt that got no answer and its verdict
        time.sleep(VERDICT_LATE_S)
        return super()._asked_wait(state)


def test_a_read_waiting_for_a_slot_is_not_sent_once_the_read_failed() -> None:
    with never_answering_server() as (url, accepted):
        settings = OpenCtiSettings(
            token="s24-Token", url=url, retry_budget_s=0.1, timeout=TIMEOUT_S
        )
        client = _LateVerdicts(settings, max_in_flight=1)
        first_sent = threading.Event()

        def first() -> None:
            first_sent.set()
            client.query("Labels", QUERY)

        with client.reading(), ThreadPoolExecutor(2) as pool:
            reads = [pool.submit(first)]
            assert first_sent.wait(5)
            deadline = time.monotonic() + 5
            while not accepted and time.monotonic() < deadline:
                time.sleep(0.01)  # the first read holds the only slot, on the wire
            reads.append(pool.submit(client.query, "Labels", QUERY))  # waits for the slot
            errors = []
            for read in reads:
                with pytest.raises(ApiError) as raised:
                    read.result(30)
                errors.append(str(raised.value))
        connections = list(accepted)
    assert len(connections) == 1, f"a read was sent after the first got no answer: {connections}"
    assert all("did not answer in time" in error for error in errors), errors
