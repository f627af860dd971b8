"""A cursor-paged read against the emulator: its pages come in order, each asked once; a
page that fails ends the read with that request's own error; `abandon()` ends it at the
next page instead of letting it run to the last."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import pytest

from j1sync.errors import ApiError, RetryBudgetExceeded
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.questions import LIST_QUESTIONS
from tests.providers.conftest import API_KEY, fast_client

QUESTIONS = {
    "questions": [
        {"title": f"t{i:02d}", "name": f"q{i:02d}", "queries": [{"query": "Find User"}]}
        for i in range(10)
    ]
}
PATH = ("questions",)


def _names(pages: list[dict[str, Any]]) -> list[list[str]]:
    return [[q["name"] for q in page["questions"]] for page in pages]


def test_pages_come_in_order_each_asked_once() -> None:
    with running_emulator(seed=QUESTIONS, api_key=API_KEY, page_size=3) as emu:
        client = fast_client(emu)
        pages = list(client.paginate("graphql", LIST_QUESTIONS, {"limit": 100}, PATH))
        assert _names(pages) == [
            ["q00", "q01", "q02"],
            ["q03", "q04", "q05"],
            ["q06", "q07", "q08"],
            ["q09"],
        ]
        assert client.requests_sent == 4
        items = client.collect("graphql", LIST_QUESTIONS, {"limit": 100}, PATH, "questions")
        assert [q["name"] for q in items] == [f"q{i:02d}" for i in range(10)]
        assert client.requests_sent == 8


def test_a_failing_page_ends_the_read_with_its_own_error() -> None:
    with running_emulator(seed=QUESTIONS, api_key=API_KEY, page_size=3) as emu:
        client = fast_client(emu, retry_budget_s=0.3)
        # The first page is answered; every request after it fails (HTTP 503).
        emu.switches.after_field("questions", lambda: setattr(emu.switches, "fail_rate", 1.0))
        pages = client.paginate("graphql", LIST_QUESTIONS, {"limit": 100}, PATH)
        assert _names([next(pages)]) == [["q00", "q01", "q02"]]
        with pytest.raises(RetryBudgetExceeded) as raised:
            next(pages)
        # That request's own words: the budget spent on it, its last answer, its name.
        assert re.match(
            r"JupiterOne API: gave up after \d+ attempts over 0\.3 s: JupiterOne API server "
            r"error \(HTTP 503\) \(J1SyncListQuestions, ",
            str(raised.value),
        )
        sent = client.requests_sent
        with pytest.raises(StopIteration):
            next(pages)  # the read is over: nothing more is asked
        assert client.requests_sent == sent


def test_abandon_ends_a_read_at_the_next_page() -> None:
    with running_emulator(seed=QUESTIONS, api_key=API_KEY, page_size=1, latency_ms=100) as emu:
        client = fast_client(emu)
        outcome: list[BaseException | list[dict[str, Any]]] = []

        def read() -> None:
            try:
                vars = {"limit": 100}
                outcome.append(client.collect("graphql", LIST_QUESTIONS, vars, PATH, "questions"))
            except ApiError as exc:
                outcome.append(exc)

        reader = threading.Thread(target=read)
        reader.start()
        while client.requests_sent < 2:  # the first page is in, the second asked
            time.sleep(0.01)
        abandoned = time.monotonic()
        client.abandon()
        reader.join(timeout=5)
        assert not reader.is_alive()
        assert time.monotonic() - abandoned < 1.0  # ten pages take ~1 s at 100 ms each
        (error,) = outcome
        assert isinstance(error, ApiError)
        assert str(error) == "JupiterOne API (graphql): request abandoned"
        assert client.requests_sent <= 3
