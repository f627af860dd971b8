"""diff_states hands DeepDiff only what differs between two states (`_differing`: a
mapping's keys whose values are identical on both sides are left out, at any depth):
a plan of 17,000 updates (a description changed in every rule and question) spent ~34 s
in DeepDiff walking the parts that did not change. The changed paths it reports are
exactly those of DeepDiff over the whole states (alike values become None on both sides,
their keys stay: DeepDiff reports a mapping that shares few keys as one change)."""

from __future__ import annotations

from typing import Any

from deepdiff import DeepDiff
from hypothesis import given, settings
from hypothesis import strategies as st

from j1sync.engine.diff import _differing, _reported_parts, diff_states
from j1sync.engine.paths import format_path

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.sampled_from([0.0, 1.0, 1.5]),
    st.sampled_from(["", "a", "b", "1", "true"]),
)
KEYS = st.sampled_from(["a", "b", "c", "tags", "queries"])
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12,
)
STATES = st.dictionaries(KEYS, VALUES, max_size=5)


def _whole(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """diff_states as it was: DeepDiff over the whole states."""
    found: dict[str, Any] = {}
    tree = DeepDiff(before, after, view="tree", verbose_level=2)
    for report in tree.values():
        for item in report:
            parts = _reported_parts(list(item.path(output_format="list")), before, after)
            if parts:
                found.setdefault(format_path(parts), parts)
    return sorted(found)


@settings(max_examples=400, deadline=None)
@given(STATES, STATES)
def test_the_changed_paths_are_those_of_the_whole_states(
    before: dict[str, Any], after: dict[str, Any]
) -> None:
    assert sorted(diff_states(before, after)) == _whole(before, after)


@settings(max_examples=200, deadline=None)
@given(STATES, st.data())
def test_a_state_changed_in_one_place_reports_that_place(
    before: dict[str, Any], data: st.DataObject
) -> None:
    """Mostly alike states (the common update: one field of many)."""
    after = {**before, data.draw(KEYS): data.draw(VALUES)}
    assert sorted(diff_states(before, after)) == _whole(before, after)


def test_only_what_differs_is_handed_on() -> None:
    operations = [{"when": {"type": "FILTER"}, "actions": [{"type": "CREATE_ALERT"}]}]
    before = {"description": "old", "operations": operations, "labels": {"a": "1", "b": 1}}
    after = {"description": "new", "operations": operations, "labels": {"a": "1", "b": 1.0}}
    assert _differing(before, after) == (
        {"description": "old", "operations": None, "labels": {"a": None, "b": 1}},
        {"description": "new", "operations": None, "labels": {"a": None, "b": 1.0}},
    )
    assert diff_states(before, after) == ["description", "labels.b"]
