"""The shared fault switches on the xyOps emulator (j1sync.emulator.faults): latency and
spikes, 429s (injected and over a sliding window), 5xx, lost responses (the change commits,
the connection drops), targeted failures; and the store under concurrent requests."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from j1sync.providers.xyops.emulator import running_xyops_emulator
from tests.xyops.emulator.conftest import MINIMAL, Api


def test_latency_and_spikes() -> None:
    with running_xyops_emulator(latency_ms=150) as emu:
        api = Api(emu)
        started = time.monotonic()
        api.ok("get_tags")
        assert time.monotonic() - started >= 0.15
        emu.switches.latency_ms = 0
        emu.switches.spike_rate, emu.switches.spike_ms = 1.0, 200
        started = time.monotonic()
        api.ok("get_tags")
        assert time.monotonic() - started >= 0.2


def test_injected_429_executes_nothing() -> None:
    with running_xyops_emulator(rate_429=1.0) as emu:
        api = Api(emu)
        before = emu.snapshot()
        description = api.refused("create_tag", {"id": "t", "title": "T"}, 429, "rate")
        assert "rate limit" in description
        assert emu.snapshot() == before
        assert emu.stats.statuses[429] == 1
        emu.switches.rate_429 = 0.0  # switches change while the server runs
        api.ok("create_tag", {"id": "t", "title": "T"})


def test_sliding_window_rate_limit() -> None:
    with running_xyops_emulator(rate_limit="2/60") as emu:
        api = Api(emu)
        api.ok("get_tags")
        api.ok("get_tags")
        api.refused("get_tags", None, 429, "rate")


def test_injected_5xx_commits_nothing() -> None:
    with running_xyops_emulator(fail_rate=1.0) as emu:
        api = Api(emu)
        before = emu.snapshot()
        api.refused("create_tag", {"id": "t", "title": "T"}, 503, "server")
        assert emu.snapshot() == before
        emu.switches.fail_status = 502
        api.refused("get_tags", None, 502, "server")


def test_lost_response_commits_then_drops_the_connection() -> None:
    with running_xyops_emulator(lose_responses=1.0) as emu:
        api = Api(emu)
        with pytest.raises(requests.ConnectionError):
            api.post("create_tag", {"id": "lost", "title": "Lost"})
        assert [row["id"] for row in emu.snapshot()["tags"]] == ["important", "lost"]
        # reads are answered: only writes lose their answers
        assert [row["id"] for row in api.ok("get_tags")["rows"]] == ["important", "lost"]
        # a retried create finds its own earlier write
        emu.switches.lose_responses = 0.0
        api.refused("create_tag", {"id": "lost", "title": "Lost"}, 500, "tag")


@pytest.mark.parametrize("mode,status", [("5xx", 503), ("error", 500)])
def test_targeted_failure(mode: str, status: int) -> None:
    with running_xyops_emulator() as emu:
        api = Api(emu)
        emu.switches.fail_mutation("create_tag", match='"prod"', times=1, mode=mode)
        api.ok("create_tag", {"id": "other", "title": "Other"})  # does not match
        api.refused("create_tag", {"id": "prod", "title": "Prod"}, status, "server")
        assert "prod" not in {row["id"] for row in emu.snapshot()["tags"]}
        api.ok("create_tag", {"id": "prod", "title": "Prod"})  # `times` used up


def test_targeted_lost_response() -> None:
    with running_xyops_emulator() as emu:
        api = Api(emu)
        emu.switches.fail_mutation("update_event", times=1, mode="lose_response")
        api.ok("create_event", {"id": "ev", **MINIMAL["event"]})
        with pytest.raises(requests.ConnectionError):
            api.post("update_event", {"id": "ev", "revision": 1, "title": "v2"})
        event = api.get("get_event", {"id": "ev"}).json()["event"]
        assert (event["title"], event["revision"]) == ("v2", 2)


def test_counters() -> None:
    with running_xyops_emulator() as emu:
        api = Api(emu)
        api.ok("get_tags")
        api.ok("create_tag", {"id": "t", "title": "T"})
        api.refused("create_tag", {"id": "t", "title": "T"}, 500, "tag")
        assert emu.stats.total == 3
        assert emu.stats.requests["create_tag"] == 2
        assert emu.stats.requests["get_tags"] == 1
        assert emu.stats.statuses[200] == 2 and emu.stats.statuses[500] == 1


def test_concurrent_creates_of_one_id_make_one_object() -> None:
    with running_xyops_emulator() as emu:
        barrier = threading.Barrier(16)

        def create(number: int) -> int:
            barrier.wait()
            response = requests.post(
                emu.api_url("create_tag"),
                json={"id": "race", "title": f"T{number}"},
                headers={"X-API-Key": emu.api_key},
                timeout=10,
            )
            return response.status_code

        with ThreadPoolExecutor(16) as pool:
            statuses = sorted(pool.map(create, range(16)))
        assert statuses == [200] + [500] * 15  # xyOps answers a duplicate HTTP 500
        assert [row["id"] for row in emu.snapshot()["tags"]].count("race") == 1


def test_concurrent_revisioned_updates_one_wins() -> None:
    with running_xyops_emulator() as emu:
        Api(emu).ok("create_event", {"id": "ev", **MINIMAL["event"]})
        barrier = threading.Barrier(8)

        def update(number: int) -> int:
            barrier.wait()
            response = requests.post(
                emu.api_url("update_event"),
                json={"id": "ev", "revision": 1, "notes": f"writer {number}"},
                headers={"X-API-Key": emu.api_key},
                timeout=10,
            )
            return response.status_code

        with ThreadPoolExecutor(8) as pool:
            statuses = sorted(pool.map(update, range(8)))
        assert statuses == [200] + [500] * 7  # and a stale revision
        assert emu.snapshot()["events"][0]["revision"] == 2


def test_concurrent_creates_get_distinct_sort_orders() -> None:
    with running_xyops_emulator() as emu:

        def create(number: int) -> int:
            response = requests.post(
                emu.api_url("create_group"),
                json={"id": f"g{number}", "title": "G", "hostname_match": ".+"},
                headers={"X-API-Key": emu.api_key},
                timeout=10,
            )
            return response.status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(create, range(12))) == {200}
        orders = [row["sort_order"] for row in emu.snapshot()["groups"]]
        assert sorted(orders) == list(range(13))


def test_errors_in_200_keeps_the_body_and_answers_200() -> None:
    with running_xyops_emulator(errors_in_200=True) as emu:
        api = Api(emu)
        api.ok("create_tag", {"id": "t", "title": "T"})
        for name, body, headers, code in [
            ("create_tag", {"id": "t", "title": "T"}, None, "tag"),
            ("get_tag", {"id": "nope"}, None, "notfound"),
            ("get_tags", None, {}, "session"),
        ]:
            kwargs = {} if headers is None else {"headers": headers}
            response = api.post(name, body, **kwargs)
            assert response.status_code == 200
            assert response.json()["code"] == code
        emu.switches.rate_429 = 1.0
        response = api.post("get_tags")
        assert (response.status_code, response.json()["code"]) == (200, "rate")
        emu.switches.rate_429, emu.switches.fail_rate = 0.0, 1.0
        assert api.post("get_tags").status_code == 503  # infrastructure failures stay 5xx
