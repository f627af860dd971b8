import pytest

from j1sync.engine.plan import Plan, build_plan
from j1sync.engine.safety import raise_if_unsafe
from j1sync.errors import UnsafePlan
from j1sync.manifest.document import ProjectConfig
from tests.engine.builders import KINDS, PROJECT, have, want


def plan_deleting(total: int, deleted: int) -> Plan:
    live = [have("AlertRule", f"r{i}", str(i), managed=True) for i in range(total)]
    desired = [want("AlertRule", f"r{i}") for i in range(deleted, total)]
    return build_plan(desired, live, KINDS, PROJECT, "acct", {})


def test_defaults_are_the_documented_thresholds() -> None:
    project = ProjectConfig()  # what a j1sync.yaml without `safety` gives
    assert (project.safety_min_objects, project.safety_max_change_fraction) == (10, 0.30)


def test_deleting_4_of_10_blocks_with_the_numbers_in_the_message() -> None:
    plan = plan_deleting(10, 4)
    assert plan.safety["blocked"]
    assert plan.safety["messages"] == [
        "AlertRule: 4 of 10 managed objects would be deleted or updated (40% > 30%)"
    ]
    with pytest.raises(UnsafePlan) as info:
        raise_if_unsafe(plan, force=False)
    assert info.value.exit_code == 3
    assert "4 of 10" in str(info.value)


def test_deleting_3_of_10_does_not_block() -> None:
    plan = plan_deleting(10, 3)
    assert not plan.safety["blocked"]
    raise_if_unsafe(plan, force=False)


def test_fewer_than_10_managed_blocks_only_when_every_one_is_deleted() -> None:
    assert plan_deleting(9, 8).safety == {"blocked": False, "messages": []}
    assert plan_deleting(9, 9).safety == {
        "blocked": True,
        "messages": ["AlertRule: every managed object would be deleted (9 of 9)"],
    }


def test_deleting_the_only_managed_object_of_a_kind_blocks() -> None:
    plan = plan_deleting(1, 1)
    assert plan.safety["blocked"]
    with pytest.raises(
        UnsafePlan, match=r"AlertRule: every managed object would be deleted \(1 of 1\)"
    ):
        raise_if_unsafe(plan, force=False)
    raise_if_unsafe(plan, force=True)


def test_deleting_all_of_10_says_every_not_the_share() -> None:
    assert plan_deleting(10, 10).safety["messages"] == [
        "AlertRule: every managed object would be deleted (10 of 10)"
    ]


def test_force_passes_a_blocked_plan() -> None:
    raise_if_unsafe(plan_deleting(10, 10), force=True)


def test_updates_count_and_thresholds_come_from_the_project() -> None:
    from dataclasses import replace

    live = [have("Question", f"q{i}", str(i), managed=True, title="old") for i in range(4)]
    desired = [want("Question", f"q{i}", title="new" if i < 2 else "old") for i in range(4)]
    strict = replace(PROJECT, safety_min_objects=4, safety_max_change_fraction=0.25)
    plan = build_plan(desired, live, KINDS, strict, "acct", {})
    assert plan.safety["blocked"]
    assert "Question: 2 of 4" in plan.safety["messages"][0]
