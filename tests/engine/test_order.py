import pytest

from j1sync.engine.model import Change
from j1sync.engine.order import Schedule, levels
from j1sync.engine.plan import build_plan
from j1sync.errors import ResolutionError, SourceLocation
from tests.engine.builders import KINDS, PROJECT, have, want


def addresses(result: list[list[Change]]) -> list[list[str]]:
    return [[c.address for c in level] for level in result]


def test_creates_run_parents_first() -> None:
    desired = [
        want("AlertRule", "r", depends_on=("Question/q",)),
        want("Question", "q"),
        want("Question", "other"),
    ]
    plan = build_plan(desired, [], KINDS, PROJECT, "a", {})
    assert addresses(levels(plan.changes)) == [["Question/other", "Question/q"], ["AlertRule/r"]]


def test_deletes_run_in_reverse() -> None:
    live = [
        have("Question", "q", "1", managed=True),
        have("AlertRule", "r", "2", managed=True, references=("Question/q",)),
    ]
    plan = build_plan([], live, KINDS, PROJECT, "a", {})
    assert addresses(levels(plan.changes)) == [["AlertRule/r"], ["Question/q"]]


def test_dependencies_on_no_op_objects_are_ignored() -> None:
    desired = [want("AlertRule", "r", depends_on=("Question/q",)), want("Question", "q")]
    plan = build_plan(desired, [have("Question", "q", "1")], KINDS, PROJECT, "a", {})
    assert addresses(levels(plan.changes)) == [["AlertRule/r"]]


def test_cycle_is_reported_with_addresses_and_sources() -> None:
    a = Change("X/a", "X", "a", "create", "r", depends_on=["X/b"])
    b = Change("X/b", "X", "b", "create", "r", depends_on=["X/a"])
    with pytest.raises(ResolutionError) as info:
        levels([a, b], {"X/a": SourceLocation("a.yaml", 3, 1)})
    message = str(info.value)
    assert "cycle" in message and "X/a" in message and "X/b" in message
    assert "a.yaml:3:1" in message


def test_waits_on_updates_that_close_a_cycle_are_dropped() -> None:
    """Both exist: neither needs the other first. A new object and an existing one that
    come to name each other: the new one first, then the update that names it."""
    a = Change("X/a", "X", "a", "update", "r", depends_on=["X/b"])
    b = Change("X/b", "X", "b", "update", "r", depends_on=["X/a"])
    assert sorted(map(sorted, addresses(levels([a, b])))) == [["X/a"], ["X/b"]]
    new = Change("X/new", "X", "new", "create", "r", depends_on=["X/old"])
    old = Change("X/old", "X", "old", "update", "r", depends_on=["X/new"])
    assert addresses(levels([new, old])) == [["X/new"], ["X/old"]]
    assert addresses(levels([old, new])) == [["X/new"], ["X/old"]]


def test_a_delete_still_waits_for_the_update_that_stops_naming_it() -> None:
    gone = Change("X/gone", "X", "gone", "delete", "r", depends_on=["X/user"])
    user = Change("X/user", "X", "user", "update", "r")
    assert addresses(levels([gone, user])) == [["X/user"], ["X/gone"]]


def test_schedule_releases_a_change_once_its_own_dependencies_are_done() -> None:
    desired = [
        want("AlertRule", "r", depends_on=("Question/q",)),
        want("Question", "q"),
        want("Question", "other"),
    ]
    schedule = Schedule(build_plan(desired, [], KINDS, PROJECT, "a", {}).changes)
    other, q = schedule.next_ready(), schedule.next_ready()
    assert other is not None and q is not None
    assert (other.address, q.address) == ("Question/other", "Question/q")
    assert schedule.next_ready() is None
    schedule.done(q)
    rule = schedule.next_ready()  # Question/other is still running
    assert rule is not None and rule.address == "AlertRule/r"
    assert [c.address for c in schedule.not_done()] == ["Question/other", "AlertRule/r"]
    schedule.done(other)
    schedule.done(rule)
    assert schedule.not_done() == []
