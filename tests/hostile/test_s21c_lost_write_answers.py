"""A change whose writes keep losing their answers (the connection dropped after each, the
re-read finding nothing made) fails alone: the server answers its re-reads, so the other
changes go on. Only a system that gives no answer for good (unreachable, or a request's
whole retry budget spent on timeouts: test_s21c_dead_server_mid_apply.py) stops its
further changes. Before, a write's own lost answer counted as the server's silence, and
every other change of the run was reported not started."""

from __future__ import annotations

import requests

from j1sync.engine.contract import DesiredObject
from j1sync.engine.plan import build_plan
from j1sync.errors import TransientError
from j1sync.executor import apply_plan
from j1sync.executor.resolution import RunResolver
from tests.engine.builders import KINDS, PROJECT, want
from tests.executor.fake_provider import FakeProvider


def _dropped(desired: DesiredObject, resolver: RunResolver) -> str:
    """A create whose connection drops before anything is made, every time."""
    raise TransientError("JupiterOne API connection failed") from requests.ConnectionError()


def test_a_change_whose_writes_lose_their_answers_fails_alone() -> None:
    provider = FakeProvider(KINDS)
    provider.kind("Question").create = _dropped  # type: ignore[method-assign]
    desired = [
        want("Question", "lost"),
        want("AlertRule", "r", depends_on=("Question/lost",)),
        want("AlertRule", "a"),
        want("AlertRule", "b"),
    ]
    plan = build_plan(desired, [], KINDS, PROJECT, provider.account, {})

    result = apply_plan(plan, provider, [], concurrency=1)

    by_address = {o.address: o for o in result.outcomes}
    assert by_address["Question/lost"].status == "failed"
    assert "connection failed" in by_address["Question/lost"].message
    assert by_address["AlertRule/r"].status == "skipped"
    assert by_address["AlertRule/r"].message == "depends on Question/lost (failed)"
    assert by_address["AlertRule/a"].status == "applied", by_address["AlertRule/a"]
    assert by_address["AlertRule/b"].status == "applied", by_address["AlertRule/b"]
    assert set(provider.state("AlertRule")) == {"a", "b"}
