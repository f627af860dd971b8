from collections.abc import Sequence

import pytest

from j1sync.engine.contract import DesiredObject, LiveObject
from j1sync.engine.model import Plan
from j1sync.engine.plan import build_plan
from j1sync.errors import ConfigError
from j1sync.executor import ApplyEvent, Outcome, apply_plan
from tests.engine.builders import KINDS, PROJECT, have, want
from tests.executor.fake_provider import FakeProvider


def planned(provider: FakeProvider, desired: Sequence[DesiredObject], **kw: str) -> Plan:
    return build_plan(desired, provider.read_live(), KINDS, PROJECT, provider.account, kw)


def statuses(outcomes: Sequence[Outcome]) -> dict[str, str]:
    return {o.address: o.status for o in outcomes}


def test_creates_updates_and_deletes_are_applied_and_ids_flow_to_dependents() -> None:
    provider = FakeProvider(KINDS)
    provider.seed(have("AlertRule", "old", "r-old", managed=True))
    provider.seed(have("AlertRule", "edit", "r-edit", managed=True, description="before"))
    desired = [
        want("Question", "q", title="t"),
        want("AlertRule", "r", depends_on=("Question/q",)),
        want("AlertRule", "edit", description="after"),
    ]
    plan = planned(provider, desired)
    result = apply_plan(plan, provider, provider.read_live())
    assert result.ok
    assert result.counts == {"applied": 4, "failed": 0, "unknown": 0, "skipped": 0}
    rules = provider.state("AlertRule")
    assert set(rules) == {"r", "edit"}
    assert rules["edit"] == {"description": "after"}
    question_id = next(iter(provider.kind("Question").objects))
    assert rules["r"]["refs"] == {"Question/q": question_id}
    assert result.outcomes[0].address == "Question/q"


def test_a_failed_parent_skips_its_dependents_but_not_independent_changes() -> None:
    provider = FakeProvider(KINDS)
    provider.faults.fail.add("q")
    desired = [
        want("Question", "q"),
        want("AlertRule", "r", depends_on=("Question/q",)),
        want("AlertRule", "independent"),
    ]
    result = apply_plan(planned(provider, desired), provider, [])
    assert statuses(result.outcomes) == {
        "Question/q": "failed",
        "AlertRule/independent": "applied",
        "AlertRule/r": "skipped",
    }
    failed = next(o for o in result.outcomes if o.status == "failed")
    assert "q rejected" in failed.message
    skipped = next(o for o in result.outcomes if o.status == "skipped")
    assert "Question/q" in skipped.message
    assert not result.ok
    assert ("create", "r") not in provider.kind("AlertRule").calls


def test_skips_are_transitive() -> None:
    provider = FakeProvider({"A": "never", "B": "never", "C": "never"})
    provider.faults.fail.add("a")
    desired = [want("A", "a"), want("B", "b", depends_on=("A/a",)), want("C", "c", ("B/b",))]
    plan = build_plan(desired, [], {"A": "never", "B": "never", "C": "never"}, PROJECT, "x", {})
    result = apply_plan(plan, provider, [])
    assert statuses(result.outcomes) == {"A/a": "failed", "B/b": "skipped", "C/c": "skipped"}


def test_concurrency_is_bounded() -> None:
    provider = FakeProvider(KINDS, delay=0.05)
    desired = [want("AlertRule", f"r{i}") for i in range(12)]
    result = apply_plan(planned(provider, desired), provider, [], concurrency=3)
    assert result.ok
    assert provider.in_flight.max == 3


def test_deletes_run_referrers_first() -> None:
    provider = FakeProvider(KINDS)
    provider.seed(have("Question", "q", "q1", managed=True))
    provider.seed(have("AlertRule", "r", "r1", managed=True, references=("Question/q",)))
    result = apply_plan(planned(provider, []), provider, provider.read_live())
    assert result.ok
    assert provider.log == ["delete AlertRule/r", "delete Question/q"]


def test_ambiguous_create_that_committed_is_not_duplicated() -> None:
    provider = FakeProvider(KINDS)
    provider.faults.lose_response.add("r")
    result = apply_plan(planned(provider, [want("AlertRule", "r")]), provider, [])
    (outcome,) = result.outcomes
    assert outcome.status == "applied"
    assert list(provider.state("AlertRule")) == ["r"]
    assert outcome.id == next(iter(provider.kind("AlertRule").objects))
    assert provider.kind("AlertRule").calls == [("create", "r"), ("find", "r")]


def test_ambiguous_create_that_did_not_commit_is_retried_once() -> None:
    provider = FakeProvider(KINDS)
    provider.faults.transient_before.add("r")
    result = apply_plan(planned(provider, [want("AlertRule", "r")]), provider, [])
    assert result.ok
    assert provider.kind("AlertRule").calls == [("create", "r"), ("find", "r"), ("create", "r")]
    assert len(provider.state("AlertRule")) == 1


def test_ambiguous_update_and_delete_reread_before_retrying() -> None:
    provider = FakeProvider(KINDS)
    provider.seed(have("AlertRule", "edit", "r1", managed=True, description="old"))
    provider.seed(have("AlertRule", "gone", "r2", managed=True))
    provider.faults.lose_response.update({"edit", "gone"})
    plan = planned(provider, [want("AlertRule", "edit", description="new")])
    result = apply_plan(plan, provider, provider.read_live())
    assert result.ok, result.outcomes
    assert provider.state("AlertRule") == {"edit": {"description": "new"}}
    calls = provider.kind("AlertRule").calls
    assert calls.count(("update", "edit")) == 1 and calls.count(("delete", "gone")) == 1


def test_transient_update_that_did_not_happen_is_retried_with_fresh_object() -> None:
    provider = FakeProvider(KINDS)
    provider.seed(have("AlertRule", "edit", "r1", managed=True, description="old"))
    provider.faults.transient_before.add("edit")
    plan = planned(provider, [want("AlertRule", "edit", description="new")])
    result = apply_plan(plan, provider, provider.read_live())
    assert result.ok
    assert provider.kind("AlertRule").calls.count(("update", "edit")) == 2


def test_secrets_are_resolved_from_the_applying_environment() -> None:
    provider = FakeProvider(KINDS)
    desired = [want("AlertRule", "r", header="Bearer first-secret")]
    plan = planned(provider, desired, **{"Bearer first-secret": "Bearer ${env:HOOK_TOKEN}"})
    assert plan.changes[0].after == {"header": "(sensitive)"}
    with pytest.raises(ConfigError) as info:
        apply_plan(plan, provider, [], env={})
    assert "HOOK_TOKEN" in str(info.value) and "AlertRule/r" in str(info.value)
    assert provider.log == []
    result = apply_plan(plan, provider, [], env={"HOOK_TOKEN": "second-secret"})
    assert result.ok
    assert provider.state("AlertRule") == {"r": {"header": "Bearer second-secret"}}


def test_events_report_start_each_change_and_finish() -> None:
    provider = FakeProvider(KINDS)
    provider.faults.fail.add("q")
    events: list[ApplyEvent] = []
    desired = [want("Question", "q"), want("AlertRule", "r", depends_on=("Question/q",))]
    apply_plan(planned(provider, desired), provider, [], on_event=events.append)
    kinds = [(e.type, e.change.address if e.change else None) for e in events]
    assert kinds == [
        ("start", None),
        ("change_started", "Question/q"),
        ("change_finished", "Question/q"),
        ("change_finished", "AlertRule/r"),
        ("finish", None),
    ]
    assert events[0].total == 2
    last = events[3].outcome
    assert last is not None and last.status == "skipped"


def test_missing_live_object_fails_only_that_change() -> None:
    provider = FakeProvider(KINDS)
    live: list[LiveObject] = [have("AlertRule", "edit", "r1", managed=True, description="old")]
    plan = build_plan(
        [want("AlertRule", "edit", description="new"), want("Question", "q")],
        live,
        KINDS,
        PROJECT,
        "x",
        {},
    )
    result = apply_plan(plan, provider, [])
    assert statuses(result.outcomes) == {"Question/q": "applied", "AlertRule/edit": "failed"}
