"""The manifests' load gives way to the read's chain of pages around each answer
(http/pacing.py): it waits from a little before the chain's next answer is due until the
next request is on the wire, never long, and never when nothing is being read."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from benchmarks.accounts import Split, generated_account

from j1sync.http import pacing
from j1sync.http.pacing import Pace
from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
from j1sync.providers.jupiterone.settings import Settings
from j1sync.providers.opencti.client import OpenCtiClient
from j1sync.providers.xyops.client import XyopsClient
from j1sync.reconcile import PlannedRun
from tests.performance.planning import plan_with
from tests.reliability.processes import served_emulator

API_KEY = "pacing-key"
ACCOUNT = "pacing-account"

WAIT_S = 10  # only ever reached when the behaviour under test is broken
ROUND_TRIP_S = 0.08  # a round trip of the tests' made-up chains


class Clock:
    """The pace's clock, moved by the test (its waits are real, and short)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(pacing, "time", clock)
    return clock


def _chain_with_a_known_round_trip(pace: Pace, clock: Clock) -> None:
    """The chain has sent one request and had its answer after ROUND_TRIP_S, and has
    sent its next request just now."""
    assert pace.follow()
    pace.sent()
    clock.now += ROUND_TRIP_S
    pace.answered()
    pace.sent()


def _once_given_way(pace: Pace, action: Callable[[], object]) -> threading.Thread:
    """`action` on a thread of its own, once a thread is giving way to `pace`."""

    def act() -> None:
        deadline = time.monotonic() + WAIT_S
        while not pace.waits and time.monotonic() < deadline:
            time.sleep(0.001)
        action()

    thread = threading.Thread(target=act)
    thread.start()
    return thread


def test_nothing_gives_way_when_no_chain_is_followed(clock: Clock) -> None:
    pace = Pace()
    pace.give_way()
    pace.sent()  # (a request of no chain followed: not told in practice)
    clock.now += 1
    pace.give_way()
    assert not pace.waits


def test_the_load_gives_way_to_the_chains_first_request_a_moment_only(clock: Clock) -> None:
    """Until the chain's first request is on the wire, at most `_FIRST` after the pace was
    made (the run connected), the load waits: the first request goes first."""
    pace = Pace(first_chain=True)
    sender = _once_given_way(pace, pace.sent)
    pace.give_way()  # returns once the request is sent
    sender.join()
    assert pace.waits.total() == 1
    pace.give_way()  # sent, and no round trip known yet: nothing to wait for
    assert pace.waits.total() == 1

    never = Pace(first_chain=True)  # a chain that sends nothing: `_FIRST` at most, then none
    never.give_way()
    clock.now += pacing._FIRST
    never.give_way()
    assert never.waits.total() == 1

    # a client whose reads follow no chain (xyOps, OpenCTI): no first request waited for
    without = Pace()
    without.give_way()
    assert not without.waits
    assert JupiterOneClient.first_chain_paced
    assert not XyopsClient.first_chain_paced and not OpenCtiClient.first_chain_paced


def test_one_chain_is_followed_at_a_time() -> None:
    pace = Pace()
    assert pace.follow()
    assert not pace.follow()
    pace.leave()
    assert pace.follow()


def test_the_load_gives_way_from_before_the_answer_until_the_next_request(
    clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pacing, "_LATE", WAIT_S)  # the next request ends the wait, here
    pace = Pace()
    _chain_with_a_known_round_trip(pace, clock)
    clock.now += ROUND_TRIP_S - pacing._EARLY - 0.001
    pace.give_way()  # before the window: at once
    assert not pace.waits
    clock.now += 0.002  # inside it
    next_sent = threading.Event()

    def answer_then_send() -> None:
        pace.answered()
        pace.sent()
        next_sent.set()

    reader = _once_given_way(pace, answer_then_send)
    started = time.monotonic()
    pace.give_way()
    assert next_sent.is_set()  # it waited until the next request was on the wire
    assert time.monotonic() - started < WAIT_S
    assert pace.waits[threading.current_thread().name] == 1
    reader.join(WAIT_S)
    pace.give_way()  # the next request's answer is not due yet: at once
    assert pace.waits.total() == 1


def test_a_chain_with_quick_round_trips_is_given_no_way(clock: Clock) -> None:
    """Answers that come within _LEAST_ROUND_TRIP (a server with no latency): the plan
    waits on the load, not on the chain, and the load goes on."""
    pace = Pace()
    assert pace.follow()
    pace.sent()
    clock.now += pacing._LEAST_ROUND_TRIP / 2
    pace.answered()
    pace.sent()
    clock.now += pacing._LEAST_ROUND_TRIP / 2  # the next answer is due
    pace.give_way()
    pace.answered()
    pace.give_way()
    assert not pace.waits


def test_an_answer_that_never_comes_is_not_waited_for_long(clock: Clock) -> None:
    pace = Pace()
    _chain_with_a_known_round_trip(pace, clock)  # the server then stalls: no answer comes
    clock.now += ROUND_TRIP_S
    started = time.monotonic()
    pace.give_way()
    assert pace.waits.total() == 1
    waited = time.monotonic() - started
    assert pacing._LATE / 2 < waited < pacing._LATE + 1  # (the bound, and the machine's noise)
    clock.now += pacing._LATE
    pace.give_way()  # later than due by more than _LATE: at once
    assert pace.waits.total() == 1


def test_after_an_answer_the_load_waits_a_moment_for_the_next_request_only(
    clock: Clock,
) -> None:
    pace = Pace()
    _chain_with_a_known_round_trip(pace, clock)
    clock.now += ROUND_TRIP_S
    pace.answered()  # (the next request is then held back: by the quota, say)
    started = time.monotonic()
    pace.give_way()
    assert time.monotonic() - started < pacing._AFTER + 1
    assert pace.waits.total() == 1
    clock.now += pacing._AFTER
    pace.give_way()  # longer after the answer than _AFTER: at once
    assert pace.waits.total() == 1


def test_a_chain_that_ends_releases_a_load_giving_way_to_it(
    clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pacing, "_LATE", WAIT_S)  # the chain's end ends the wait, here
    pace = Pace()
    _chain_with_a_known_round_trip(pace, clock)
    clock.now += ROUND_TRIP_S
    ended = _once_given_way(pace, pace.leave)
    started = time.monotonic()
    pace.give_way()
    assert time.monotonic() - started < WAIT_S
    ended.join(WAIT_S)
    assert pace.waits.total() == 1
    pace.give_way()  # nothing followed any more
    assert pace.waits.total() == 1
    assert pace.follow()  # and the next chain may be


def test_a_plan_loads_its_manifests_giving_way_to_the_rules_pages(tmp_path: Path) -> None:
    """Through the real path: the account read page by page, with some latency, from an
    emulator process while the manifests load, one file per manifest (as export writes
    them); the load gives way around the rules' answers, and the plan is the plan."""
    generated = generated_account(3000, split=Split(rules=0.5, questions=0.5, iam_groups=0))
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    for manifest in generated.manifests:
        kind, name = manifest["kind"], manifest["metadata"]["name"]
        (manifests / f"{kind}-{name}.yaml").write_text(yaml.safe_dump(manifest))
    provider, run = _planned(tmp_path, generated.seed, manifests, page_size=100)
    # the load (this thread) gave way, not only the other reads' threads
    assert provider.client.pace.waits[threading.current_thread().name] > 0
    assert len(run.live) == 3000
    assert [change.address for change in run.plan.changes if change.actionable] == []
    assert provider.client.pace.follow()  # the rules' chain has left it


def test_the_plans_work_after_the_load_gives_way_too(tmp_path: Path) -> None:
    """Through the real path, the manifests in one file (the load gives way before it, when
    no answer has come yet: never a wait): the plan's work on the manifests meanwhile (the
    desired objects made and prepared, the live side prepared as it comes) gives way
    around the rules' answers (http.pacing.paced), and the plan is the plan."""
    generated = generated_account(1500, split=Split(rules=0.5, questions=0.5, iam_groups=0))
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    (manifests / "all.yaml").write_text(yaml.safe_dump_all(generated.manifests))
    provider, run = _planned(tmp_path, generated.seed, manifests, page_size=25)
    assert provider.client.pace.waits[threading.current_thread().name] > 0
    assert len(run.live) == 1500
    assert [change.address for change in run.plan.changes if change.actionable] == []


def _planned(
    tmp_path: Path, seed: Any, manifests: Path, *, page_size: int
) -> tuple[JupiterOneProvider, PlannedRun]:
    """The plan of `manifests` through the real path, against an emulator process serving
    `seed` in pages of `page_size` with 45 ms of latency; and its provider (closed)."""
    options = ("--page-size", str(page_size), "--latency-ms", "45")
    with served_emulator(tmp_path, seed, API_KEY, ACCOUNT, *options) as emu:
        settings = Settings(api_key=API_KEY, account=ACCOUNT, api_url=emu.url)
        provider = JupiterOneProvider(JupiterOneClient(settings))
        try:
            return provider, plan_with(provider, str(manifests))
        finally:
            provider.close()


def test_paced_gives_way_before_every_few_items() -> None:
    """`paced` hands out every item, in order, giving way before the first and then before
    every `_PACED_ITEMS`; with nothing to give way to it is the items themselves."""
    calls: list[int] = []
    seen: list[int] = []
    for item in pacing.paced(range(70), lambda: calls.append(len(seen))):
        seen.append(item)
    assert seen == list(range(70))
    assert calls == [0, pacing._PACED_ITEMS, 2 * pacing._PACED_ITEMS]
    assert list(pacing.paced(iter("abc"), None)) == ["a", "b", "c"]
