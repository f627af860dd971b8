"""Issue 10.6: a rate limit answered as HTTP 200 with errors[] (as the official Python
client expects one) is retried like an HTTP 429, within the retry budget, for reads and
for mutations (nothing was executed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from jupiterone import JupiterOneClient as OfficialClient
from jupiterone.errors import JupiterOneApiRetryError

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account
from tests.examples import jupiterone_examples

# the JupiterOne demo's examples (a JupiterOne emulator serves these tests)
EXAMPLES = jupiterone_examples()
FAST = {"J1SYNC_BACKOFF_INITIAL_S": "0.01", "J1SYNC_BACKOFF_MAX_S": "0.05"}


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="demo", api_key=API_KEY, page_size=7) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def test_the_emulators_answer_is_what_the_official_client_retries(demo: Account) -> None:
    demo.emu.switches.rate_429_in_200 = 1.0
    client = OfficialClient(
        account=demo.emu.account, token=API_KEY, url=demo.emu.graphql_url, sync_url=demo.emu.url
    )
    with pytest.raises(JupiterOneApiRetryError):
        client._execute_query("{ iamGroups(limit: 1) { items { name } } }")


def test_plan_and_apply_ride_out_rate_limits_inside_a_200(demo: Account) -> None:
    demo.emu.switches.rate_429_in_200 = 0.3
    planned = demo.run("plan", str(EXAMPLES), env=FAST)
    assert planned.exit_code == 0, planned.output
    applied = demo.run("apply", str(EXAMPLES), "--auto-approve", "--force", env=FAST)
    assert applied.exit_code == 0, applied.output
    demo.emu.switches.rate_429_in_200 = 0.0
    again = demo.run("plan", str(EXAMPLES), "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    # refused requests never reach the executor: more HTTP requests than operations
    assert demo.emu.stats.total > sum(demo.emu.stats.operations.values())


def test_a_rate_limit_that_outlasts_the_budget_says_so(demo: Account) -> None:
    demo.emu.switches.rate_429_in_200 = 1.0
    result = demo.run("plan", str(EXAMPLES), "--retry-budget", "0.5", env=FAST)
    assert result.exit_code == 1
    assert "gave up after" in result.stderr and "rate limited in an HTTP 200" in result.stderr
