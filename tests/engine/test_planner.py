"""Planner: what a plan needs of one side only, worked out beforehand (reconcile does it
while the account is read), changes nothing in the plan: whatever was prepared, in
whatever order, more than once or not at all, and with objects replaced after they were
prepared (linking, resolving), the plan is the one build_plan makes of the same input."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import pytest

from j1sync.engine.contract import DesiredObject, LiveObject
from j1sync.engine.plan import Plan, Planner, build_plan
from j1sync.engine.sensitive import MASK
from tests.engine.builders import KINDS, PROJECT, have, want

SALT = "00ff"
SECRET = "s3cr3t-token-value"
SENSITIVE = {f"Bearer {SECRET}": "Bearer ${env:HOOK_TOKEN}"}


def rule_credentials(state: Mapping[str, Any]) -> list[str]:
    if "broken" in state:
        raise ValueError("a state this kind cannot read")
    paths = [path for path in ("token", "headers") if path in state]
    return [*paths, "body"] if state.get("type") == "WEBHOOK" else paths


CREDENTIALS = {"AlertRule": rule_credentials}

DESIRED = [
    want("Question", "same", title="t"),
    want("Question", "moved", title="new"),
    want("Question", "new", title="n"),
    # the header holds an ${env:} secret; the live rule also holds a credential field
    # the desired one does not: both sides are masked at both sides' paths
    want("AlertRule", "hook", headers={"Authorization": f"Bearer {SECRET}"}),
    want("AlertRule", "kept", token="literal-token-1", description="d"),
    # its body is a credential only as the live rule has it: masked on both sides
    want("AlertRule", "mail", type="EMAIL", body="hello-body-text"),
    # manages fewer fields than the live state has: compared on those fields only
    want("IamGroup", "group", description="g"),
]
LIVE = [
    have("Question", "same", "1", managed=True, title="t"),
    have("Question", "moved", "2", managed=True, title="old"),
    have("Question", "gone", "3", managed=True, title="x"),
    have("Question", "theirs", "4", title="y"),
    have("Question", "twin", "5", managed=True, title="a"),
    have("Question", "twin", "6", managed=True, title="b"),
    have(
        "AlertRule",
        "hook",
        "7",
        managed=True,
        headers={"Authorization": "Bearer old-secret-x"},
        token="live-token-2",
    ),
    have("AlertRule", "kept", "8", managed=True, token="literal-token-1", description="d"),
    have("AlertRule", "mail", "11", managed=True, type="WEBHOOK", body="live-body-text"),
    have("AlertRule", "unread", "9", broken=True),  # unmanaged: never masked
    have("IamGroup", "group", "10", description="g", members=["a@b.c"]),
]


def as_data(plan: Plan) -> dict[str, Any]:
    data = plan.to_dict(saved=True)
    del data["created_at"]
    return data


def reference(desired: Sequence[DesiredObject], live: Sequence[LiveObject]) -> dict[str, Any]:
    return as_data(
        build_plan(desired, live, KINDS, PROJECT, "acct", SENSITIVE, CREDENTIALS, salt=SALT)
    )


def planned(
    desired: Sequence[DesiredObject],
    live: Sequence[LiveObject],
    prepare: Callable[[Planner], None],
) -> dict[str, Any]:
    planner = Planner(SENSITIVE, CREDENTIALS, SALT)
    prepare(planner)
    return as_data(planner.plan(desired, live, KINDS, PROJECT, "acct"))


def test_the_reference_plan_has_every_kind_of_change() -> None:
    data = reference(DESIRED, LIVE)
    actions = {c["address"]: c["action"] for c in data["changes"]}
    assert actions == {
        "Question/same": "no-op",
        "Question/moved": "update",
        "Question/new": "create",
        "Question/gone": "delete",
        "AlertRule/hook": "update",
        "AlertRule/kept": "no-op",
        "AlertRule/mail": "update",
        "IamGroup/group": "no-op",
    }
    hook = next(c for c in data["changes"] if c["address"] == "AlertRule/hook")
    assert hook["after"] == {"headers": {"Authorization": MASK}}
    assert hook["before"] == {"headers": {"Authorization": MASK}, "token": MASK}
    assert hook["live_fingerprint"]
    kept = next(c for c in data["changes"] if c["address"] == "AlertRule/kept")
    assert (kept["before"]["token"], kept["after"]["token"]) == (MASK, MASK)
    assert kept["account_secrets"] == ["token"]
    mail = next(c for c in data["changes"] if c["address"] == "AlertRule/mail")
    assert (mail["before"]["body"], mail["after"]["body"]) == (MASK, MASK)
    assert [u["address"] for u in data["unmanaged"]] == [
        "Question/theirs",
        "Question/twin",
        "Question/twin",
        "AlertRule/unread",
    ]


def _desired_then_live(planner: Planner) -> None:
    planner.prepare_desired(DESIRED)
    planner.prepare_live(LIVE)


def _live_then_desired(planner: Planner) -> None:
    planner.prepare_live(LIVE)
    planner.prepare_desired(DESIRED)


def _in_parts_shuffled_twice(planner: Planner) -> None:
    parts: list[list[Any]] = [[obj] for obj in [*LIVE, *LIVE, *DESIRED]]
    random.Random(7).shuffle(parts)
    for part in parts:
        if isinstance(part[0], LiveObject):
            planner.prepare_live(part)
        else:
            planner.prepare_desired(part)


def _some(planner: Planner) -> None:
    planner.prepare_desired(DESIRED[::2])
    planner.prepare_live(LIVE[1::2])


def _nothing(planner: Planner) -> None:
    pass


@pytest.mark.parametrize(
    "prepare", [_desired_then_live, _live_then_desired, _in_parts_shuffled_twice, _some, _nothing]
)
def test_the_plan_is_the_same_however_the_sides_were_prepared(
    prepare: Callable[[Planner], None],
) -> None:
    assert planned(DESIRED, LIVE, prepare) == reference(DESIRED, LIVE)


def test_objects_replaced_after_they_were_prepared_are_planned_as_they_now_are() -> None:
    """Linking replaces a live object, resolving a desired one, by a changed copy: what was
    prepared of the old object is not used for the new."""
    linked = [
        replace(o, state={**o.state, "title": "new"}) if o.name == "moved" else o for o in LIVE
    ]
    resolved = [
        replace(d, state={**d.state, "token": "literal-token-9"}) if d.name == "kept" else d
        for d in DESIRED
    ]
    data = planned(resolved, linked, _desired_then_live)
    assert data == reference(resolved, linked)
    actions = {c["address"]: c["action"] for c in data["changes"]}
    assert (actions["Question/moved"], actions["AlertRule/kept"]) == ("no-op", "update")


def test_a_planner_plans_each_desired_object_afresh_every_time() -> None:
    """A change owns its masked state: a second plan of the same objects does not share it."""
    planner = Planner(SENSITIVE, CREDENTIALS, SALT)
    _desired_then_live(planner)
    first = planner.plan(DESIRED, LIVE, KINDS, PROJECT, "acct")
    second = planner.plan(DESIRED, LIVE, KINDS, PROJECT, "acct")
    assert as_data(first) == as_data(second) == reference(DESIRED, LIVE)
    hooks = [next(c for c in p.changes if c.name == "hook") for p in (first, second)]
    assert hooks[0].sensitive == hooks[1].sensitive
    assert hooks[0].sensitive is not hooks[1].sensitive


def test_a_state_that_cannot_be_prepared_fails_only_where_the_plan_needs_it() -> None:
    """Preparing never fails: the unmanaged rule's credential paths are never asked for by
    a plan; a declared one fails the plan as build_plan fails."""
    planner = Planner(SENSITIVE, CREDENTIALS, SALT)
    planner.prepare_live(LIVE)
    broken = [*DESIRED, want("AlertRule", "unread", broken=True)]
    planner.prepare_desired(broken)
    with pytest.raises(ValueError, match="cannot read"):
        build_plan(broken, LIVE, KINDS, PROJECT, "acct", SENSITIVE, CREDENTIALS, salt=SALT)
    with pytest.raises(ValueError, match="cannot read"):
        planner.plan(broken, LIVE, KINDS, PROJECT, "acct")
