"""The client's own limits: the token bucket, the AIMD in-flight limit, the retry budget
and its message, and the CLI flags that set them."""

from __future__ import annotations

import threading

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.errors import ConfigError, RetryBudgetExceeded
from j1sync.http.ratelimit import AdaptiveConcurrency, RateLimit, TokenBucket
from j1sync.providers.jupiterone import JupiterOneClient
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.iam_groups import LIST_GROUPS
from j1sync.providers.jupiterone.settings import Settings
from tests.examples import jupiterone_examples
from tests.reliability.account import ACCOUNT, API_KEY, connection_env

# the JupiterOne demo's examples (a JupiterOne emulator serves these tests)
EXAMPLES = str(jupiterone_examples())


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_rate_limits_parse_and_reject_nonsense() -> None:
    assert RateLimit.parse("10/1") == RateLimit(10, 1.0)
    assert RateLimit.parse(" 600/60 ") == RateLimit(600, 60.0)
    for bad in ("10", "0/1", "5/0", "a/b", "-1/2", "3/-1", ""):
        with pytest.raises(ConfigError, match="N/SECONDS"):
            RateLimit.parse(bad)


def test_the_bucket_allows_a_burst_then_one_request_per_interval() -> None:
    clock = FakeClock()
    bucket = TokenBucket(RateLimit(4, 2.0), clock=clock, sleep=clock.sleep)
    waits = [bucket.acquire() for _ in range(7)]
    assert waits[:4] == [0.0, 0.0, 0.0, 0.0]  # the burst
    assert waits[4:] == pytest.approx([0.5, 0.5, 0.5])  # then 4 per 2 s
    clock.now += 10  # idle: the bucket refills, but never beyond its size
    assert [bucket.acquire() for _ in range(5)][-1] == pytest.approx(0.5)


def test_a_429_halves_the_in_flight_limit_once_per_round_and_successes_restore_it() -> None:
    gate = AdaptiveConcurrency(maximum=16)
    # four requests in flight at once all get 429: one congestion signal, one halving
    slots = [gate.slot() for _ in range(4)]
    reporters = [slot.__enter__() for slot in slots]
    for report, slot in zip(reporters, slots, strict=True):
        report()
        slot.__exit__(None, None, None)
    assert gate.limit == 8 and gate.decreases == 1
    with gate.slot() as report:
        report()
    assert gate.limit == 4
    for _ in range(40):
        with gate.slot():
            pass
    assert 8 <= gate.limit <= 16  # additive increase: about one per round of successes


def test_the_in_flight_limit_holds_across_threads() -> None:
    gate = AdaptiveConcurrency(maximum=3)
    peak, now, lock = [0], [0], threading.Lock()
    release = threading.Event()

    def work() -> None:
        with gate.slot():
            with lock:
                now[0] += 1
                peak[0] = max(peak[0], now[0])
            release.wait(0.05)
            with lock:
                now[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak[0] == 3


def test_a_spent_budget_says_how_many_attempts_over_how_long_and_why() -> None:
    with running_emulator(seed="none", api_key=API_KEY, account=ACCOUNT, rate_429=1.0) as emu:
        settings = Settings(api_key=API_KEY, account=ACCOUNT, api_url=emu.url, retry_budget_s=0.4)
        client = JupiterOneClient(settings, backoff_initial_s=0.01, backoff_max_s=0.05)
        with pytest.raises(RetryBudgetExceeded) as raised:
            client.collect("iam", LIST_GROUPS, {"limit": 100}, ("iamGroups",), "items")
        message = str(raised.value)
        assert "gave up after" in message and "0.4 s retry budget" in message
        assert "): rate limited (HTTP 429)" in message
        assert "--retry-budget" in message and API_KEY not in message
        assert client.concurrency.decreases >= 1


def test_the_cli_takes_retry_budget_and_rate_limit() -> None:
    with running_emulator(seed="demo", api_key=API_KEY, account=ACCOUNT, rate_429=1.0) as emu:
        env = {**connection_env(emu.url), "J1SYNC_RETRY_BUDGET": "600"}
        result = CliRunner().invoke(cli, ["plan", EXAMPLES, "--retry-budget", "0.3"], env=env)
        assert result.exit_code == 1, result.output
        assert "0.3 s retry budget" in result.output
        assert "): rate limited (HTTP 429)" in result.output
        emu.switches.rate_429 = 0.0
        limited = CliRunner().invoke(cli, ["plan", EXAMPLES, "--rate-limit", "200/1"], env=env)
        assert limited.exit_code == 0, limited.output
        refused = CliRunner().invoke(cli, ["plan", EXAMPLES, "--rate-limit", "x"])
        assert refused.exit_code == 1 and "N/SECONDS" in refused.output
