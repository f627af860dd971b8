import json
from collections.abc import Iterator, Sequence
from dataclasses import replace

import pytest

from j1sync.engine.contract import DesiredObject, LiveObject, manifest_lines
from j1sync.engine.fingerprint import live_fingerprint
from j1sync.engine.plan import Plan, build_plan, plan_has_changes
from j1sync.errors import ResolutionError, SourceLocation
from j1sync.manifest.document import ProjectConfig
from tests.engine.builders import KINDS, PROJECT, have, want


def plan_of(
    desired: Sequence[DesiredObject],
    live: Sequence[LiveObject],
    project: ProjectConfig = PROJECT,
) -> Plan:
    return build_plan(desired, live, KINDS, project, "acct-1", {})


def actions(plan: Plan) -> dict[str, str]:
    return {c.address: c.action for c in plan.changes}


def test_declared_but_absent_is_created() -> None:
    plan = plan_of([want("AlertRule", "r1", description="d")], [])
    (change,) = plan.changes
    assert (change.action, change.id, change.before) == ("create", None, None)
    assert change.after == {"description": "d"}
    assert change.live_fingerprint is None
    assert plan_has_changes(plan)


def test_equal_state_is_a_no_op_and_different_state_an_update_with_paths() -> None:
    live = [
        have("AlertRule", "same", "1", managed=True, description="d"),
        have("AlertRule", "moved", "2", managed=True, description="old", pollingInterval="ONE_DAY"),
    ]
    desired = [
        want("AlertRule", "same", description="d"),
        want("AlertRule", "moved", description="new", pollingInterval="ONE_DAY"),
    ]
    plan = plan_of(desired, live)
    assert actions(plan) == {"AlertRule/moved": "update", "AlertRule/same": "no-op"}
    update = plan.changes[0]
    assert update.changed_paths == ["description"]
    assert update.id == "2"
    assert update.live_fingerprint == live_fingerprint(live[1], plan.fingerprint_salt)
    assert "adopt" not in update.reason


def test_no_op_plan_has_no_changes() -> None:
    plan = plan_of([want("Question", "q", title="t")], [have("Question", "q", "1", title="t")])
    assert not plan_has_changes(plan)


def test_matching_an_untagged_object_adopts_it() -> None:
    plan = plan_of(
        [want("Question", "q", title="t", tags=["j1sync"])],
        [have("Question", "q", "9", managed=False, title="t", tags=[])],
    )
    (change,) = plan.changes
    assert change.action == "update"
    assert change.reason.startswith("adopt")
    assert change.changed_paths == ["tags"]


def test_tagged_object_without_manifest_is_deleted_untagged_is_unmanaged() -> None:
    live = [
        have("AlertRule", "orphan", "1", managed=True),
        have("AlertRule", "hand-made", "2", managed=False),
    ]
    plan = plan_of([], live)
    assert actions(plan) == {"AlertRule/orphan": "delete"}
    assert "managed tag 'j1sync'" in plan.changes[0].reason
    assert [(u.address, u.id) for u in plan.unmanaged] == [("AlertRule/hand-made", "2")]
    assert plan.summary["AlertRule"] == {
        "create": 0,
        "update": 0,
        "delete": 1,
        "no-op": 0,
        "unmanaged": 1,
    }


def test_opt_in_kind_is_pruned_only_when_enabled_and_never_builtins() -> None:
    live = [
        have("IamGroup", "Administrators", "a", builtin=True),
        have("IamGroup", "old-team", "b"),
    ]
    assert actions(plan_of([], live)) == {}
    pruning = replace(PROJECT, prune={"IamGroup": True})
    plan = plan_of([], live, project=pruning)
    assert actions(plan) == {"IamGroup/old-team": "delete"}
    assert [u.name for u in plan.unmanaged] == ["Administrators"]


def test_never_kind_is_never_deleted_even_if_tagged() -> None:
    plan = plan_of([], [have("IntegrationSchedule", "aws", "1", managed=True)])
    assert actions(plan) == {}
    assert plan.summary["IntegrationSchedule"]["unmanaged"] == 1


def test_manifest_matching_two_live_objects_is_an_error_listing_ids() -> None:
    live = [have("AlertRule", "dup", "id-1"), have("AlertRule", "dup", "id-2")]
    with pytest.raises(ResolutionError) as info:
        plan_of([want("AlertRule", "dup")], live)
    assert "id-1" in str(info.value) and "id-2" in str(info.value)
    assert "AlertRule/dup" in str(info.value)


def test_duplicate_keys_nobody_declares_are_only_reported() -> None:
    live = [
        have("AlertRule", "dup", "id-1", managed=True),
        have("AlertRule", "dup", "id-2", managed=True),
    ]
    plan = plan_of([], live)
    assert plan.changes == []
    assert sorted(u.id or "" for u in plan.unmanaged) == ["id-1", "id-2"]
    assert all(u.note and "share this name" in u.note for u in plan.unmanaged)


def test_creates_depend_on_desired_and_deletes_wait_for_their_referrers() -> None:
    desired = [want("AlertRule", "r", depends_on=("Question/q",)), want("Question", "q")]
    plan = plan_of(desired, [])
    assert {c.address: c.depends_on for c in plan.changes}["AlertRule/r"] == ["Question/q"]

    live = [
        have("Question", "q", "1", managed=True),
        have("AlertRule", "r", "2", managed=True, references=("Question/q",)),
    ]
    deletes = {c.address: c for c in plan_of([], live).changes}
    assert deletes["Question/q"].depends_on == ["AlertRule/r"]
    assert deletes["AlertRule/r"].depends_on == []


def test_changes_follow_kind_dependency_order() -> None:
    desired = [want("AlertRule", "a"), want("Question", "z"), want("Question", "b")]
    plan = plan_of(desired, [])
    assert [c.address for c in plan.changes] == ["Question/b", "Question/z", "AlertRule/a"]
    assert list(plan.summary) == list(KINDS)


def test_changes_are_ordered_by_kind_then_name_unknown_kinds_last_by_name() -> None:
    """Creates, updates and deletes of ordered kinds and of kinds `kinds` does not name
    (after the others, by kind name), each kind's by name whatever came first."""
    desired = [
        want("Zebra", "b"),
        want("AlertRule", "m", description="new"),
        want("Alpha", "x"),
        want("Question", "q"),
        want("Zebra", "a"),
        want("AlertRule", "c"),
    ]
    live = [
        have("AlertRule", "m", "1", managed=True, description="old"),
        have("AlertRule", "a", "2", managed=True),
        have("Question", "z", "3", managed=True),
        have("Question", "b", "4", managed=True),
    ]
    plan = plan_of(desired, live)
    assert [(c.address, c.action) for c in plan.changes] == [
        ("Question/b", "delete"),
        ("Question/q", "create"),
        ("Question/z", "delete"),
        ("AlertRule/a", "delete"),
        ("AlertRule/c", "create"),
        ("AlertRule/m", "update"),
        ("Alpha/x", "create"),
        ("Zebra/a", "create"),
        ("Zebra/b", "create"),
    ]


def test_one_name_in_several_kinds_is_several_objects() -> None:
    """A natural key is kind and name: the same name in another kind neither matches, nor
    counts as declared, nor makes a shared name."""
    desired = [want("Question", "x", title="t"), want("AlertRule", "y")]
    live = [
        have("AlertRule", "x", "1", managed=True),
        have("Question", "x", "2", managed=True, title="t"),
        have("IamGroup", "x", "3"),
        have("IamGroup", "y", "4"),
        have("IamGroup", "y", "5"),
    ]
    plan = plan_of(desired, live)
    assert actions(plan) == {
        "Question/x": "no-op",
        "AlertRule/x": "delete",
        "AlertRule/y": "create",
    }
    assert [(u.address, u.id, u.note) for u in plan.unmanaged] == [
        ("IamGroup/x", "3", None),
        ("IamGroup/y", "4", "2 live objects share this name; none is touched"),
        ("IamGroup/y", "5", "2 live objects share this name; none is touched"),
    ]


def test_json_round_trip_is_exact() -> None:
    live = [
        have("AlertRule", "r", "2", managed=True, description="old", tags=["j1sync"]),
        have("AlertRule", "gone", "3", managed=True),
        have("Question", "hand", "4"),
    ]
    desired = [
        want("AlertRule", "r", description="new", tags=["j1sync"]),
        want("Question", "q", title="t"),
    ]
    plan = plan_of(desired, live)
    data = json.loads(json.dumps(plan.to_dict(saved=True)))
    assert Plan.from_dict(data) == plan
    assert Plan.from_dict(data).to_dict(saved=True) == plan.to_dict(saved=True)
    assert set(data) == {
        "format_version",
        "j1sync_version",
        "account",
        "created_at",
        "fingerprint_salt",
        "changes",
        "unmanaged",
        "summary",
        "safety",
        "pruning",
    }
    assert data["format_version"] == 1 and data["account"] == "acct-1"
    assert set(data["changes"][0]) >= {
        "address",
        "kind",
        "name",
        "action",
        "reason",
        "id",
        "before",
        "after",
        "changed_paths",
        "depends_on",
        "live_fingerprint",
    }


def test_a_printed_plan_holds_no_fingerprint_nor_salt() -> None:
    """With both, anyone could test guesses of a secret a live state holds; only a saved
    plan has them, keyed again with its signing key (plan_signature)."""
    live = [have("AlertRule", "r", "2", managed=True, description="old")]
    printed = plan_of([want("AlertRule", "r", description="new")], live).to_dict()
    assert "fingerprint_salt" not in printed
    assert all("live_fingerprint" not in change for change in printed["changes"])


def _placed(obj: DesiredObject, file: str, line: int) -> DesiredObject:
    return replace(obj, source=SourceLocation(file, line, 1))


def test_deleting_what_a_manifest_uses_is_said_at_that_manifest() -> None:
    rule = _placed(want("AlertRule", "r", ("Question/q",), title="r"), "rules/r.yaml", 4)
    gone = have("Question", "q", "q1", managed=True, title="q")
    with pytest.raises(ResolutionError) as raised:
        build_plan([rule], [gone], KINDS, PROJECT, "acct", {})
    assert "rules/r.yaml:4:1: AlertRule/r refers to Question/q, which this plan deletes" in str(
        raised.value
    )


def test_a_cycle_of_new_objects_is_said_at_their_manifests() -> None:
    a = _placed(want("Question", "a", ("Question/b",), title="a"), "a.yaml", 2)
    b = _placed(want("Question", "b", ("Question/a",), title="b"), "b.yaml", 7)
    with pytest.raises(ResolutionError) as raised:
        build_plan([a, b], [], KINDS, PROJECT, "acct", {})
    assert "a.yaml:2:1" in str(raised.value) and "b.yaml:7:1" in str(raised.value)


def test_manifest_lines_are_worked_out_only_when_asked() -> None:
    walked: list[str] = []

    def desired() -> Iterator[DesiredObject]:
        walked.append("walked")
        yield _placed(want("Question", "a", title="a"), "a.yaml", 2)
        yield want("Question", "unplaced", title="u")

    lines = manifest_lines(desired())
    assert walked == []  # a plan with nothing to say never walks the objects
    assert lines.get("Question/a") == SourceLocation("a.yaml", 2, 1)
    assert "Question/unplaced" not in lines and len(lines) == 1 and list(lines) == ["Question/a"]
    assert walked == ["walked"]  # once
