from dataclasses import replace

import pytest

from j1sync.engine.plan import Plan, build_plan
from j1sync.engine.stale import check_stale
from j1sync.errors import StalePlan
from tests.engine.builders import KINDS, PROJECT, have, want

LIVE = [
    have("AlertRule", "edited", "1", managed=True, description="old"),
    have("AlertRule", "orphan", "2", managed=True),
    have("Question", "same", "3", title="t"),
]
DESIRED = [
    want("AlertRule", "edited", description="new"),
    want("AlertRule", "fresh"),
    want("Question", "same", title="t"),
]


def make_plan() -> Plan:
    return build_plan(DESIRED, LIVE, KINDS, PROJECT, "a", {})


def test_unchanged_account_is_not_stale() -> None:
    check_stale(make_plan(), LIVE)


def test_no_op_objects_changing_does_not_make_the_plan_stale() -> None:
    check_stale(make_plan(), [*LIVE[:2], replace(LIVE[2], state={"title": "x"})])


def test_hand_edit_makes_the_plan_stale_naming_the_address() -> None:
    now = [replace(LIVE[0], state={"description": "edited again"}), *LIVE[1:]]
    with pytest.raises(StalePlan) as info:
        check_stale(make_plan(), now)
    assert "stale" in str(info.value)
    assert "AlertRule/edited" in str(info.value)
    assert "AlertRule/orphan" not in str(info.value)


def test_vanished_and_appeared_objects_are_stale_too() -> None:
    now = [LIVE[0], LIVE[2], have("AlertRule", "fresh", "9")]
    with pytest.raises(StalePlan) as info:
        check_stale(make_plan(), now)
    assert "AlertRule/orphan" in str(info.value)
    assert "AlertRule/fresh" in str(info.value)
