import pytest

from j1sync.engine.model import Change
from j1sync.engine.order import levels
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
