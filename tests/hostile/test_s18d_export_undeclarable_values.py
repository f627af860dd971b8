"""Adopting an xyOps server or an OpenCTI platform whose objects hold values their APIs
take and a manifest may not (an xyOps category of colour "", an event with no targets, a
web hook timeout of 0, a role privilege set to false; an OpenCTI status template of
colour "", a feed of rolling time 0, a group confidence above 100): export wrote them
anyway, each with a warning "(exported as found in the account)", and the first `plan`
of the exported folder failed on them. Now each is left out of the export with a
warning naming it and the field, its credentials are not listed in .env.example, and
the plan never deletes it, j1sync's marker or opt-in prune notwithstanding (no manifest
can have declared it as it is)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from j1sync.providers.xyops.emulator import XyOpsEmulator, running_xyops_emulator
from tests.hostile.in_process import opencti_graphql, opencti_run
from tests.hostile.xyops_cli import KEY, call
from tests.hostile.xyops_cli import run as xyops_run

MARKED = "made by j1sync\n\nmanaged-by: j1sync"
JOB = {"category": "general", "plugin": "shellplug", "algo": "random"}

# id -> what the xyOps API took (each carrying j1sync's marker: pruned were it undeclared)
XYOPS_OBJECTS = {
    "category": {"id": "no_colour", "title": "No colour", "color": ""},
    "event": {"id": "no_targets", "title": "No targets", "targets": [], **JOB},
    "web_hook": {
        "id": "no_timeout",
        "title": "No timeout",
        "url": "https://hooks.example.invalid/s18d-secret-path",
        "headers": [{"name": "Authorization", "value": "Bearer s18d-secret-token"}],
        "timeout": 0,
    },
    "role": {"id": "denied", "title": "Denied", "privileges": {"create_events": False}},
    "tag": {"id": "fine", "title": "Fine"},
}
XYOPS_LEFT_OUT = {
    "xyops.Category/no_colour": "spec.color: Input should be 'plain', ",
    "xyops.Event/no_targets": "spec.targets: an event that is not a workflow needs `targets`",
    "xyops.WebHook/no_timeout": "spec.timeout: Input should be greater than or equal to 1",
    "xyops.Role/denied": "spec.privileges.create_events: a privilege is granted with true",
}


def left_out(address: str, why: str) -> str:
    return f"Warning: {address}: left out of the export: {why}"


@pytest.fixture
def xyops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[XyOpsEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_xyops_emulator(api_key=KEY) as emu:
        for noun, body in XYOPS_OBJECTS.items():
            if noun == "event":  # xyOps 1.0.88's API refuses a job without targets
                emu.seed_objects({"events": [{**body, "notes": MARKED}]})  # (an import can)
                continue
            answer = call(emu, f"create_{noun}", {**body, "notes": MARKED})
            assert answer["code"] == 0, answer
        yield emu


def test_xyops_export_leaves_out_what_no_manifest_can_say(xyops: XyOpsEmulator) -> None:
    exported = xyops_run(xyops, "export", "--system", "xyops", "--managed-only", "--out", "ex")
    assert exported.exit_code == 0, exported.output
    for address, why in XYOPS_LEFT_OUT.items():
        assert left_out(address, why) in exported.stderr, exported.stderr
    assert "exported as found in the account" not in exported.output
    assert "s18d-secret" not in exported.output
    assert [p.relative_to("ex").as_posix() for p in sorted(Path("ex").rglob("*.*"))] == [
        "tags/fine.yaml"  # and no .env.example: the web hook's credentials are not used
    ]

    Path("j1sync.yaml").write_text("paths: [ex]\n", encoding="utf-8")
    planned = xyops_run(xyops, "plan", "ex", "--format", "json")
    assert planned.exit_code == 0, planned.output  # loads
    plan = json.loads(planned.stdout)
    assert [c["action"] for c in plan["changes"]] == ["no-op"]  # the tag; nothing deleted
    notes = {u["address"]: u.get("note") or "" for u in plan["unmanaged"]}
    for address in XYOPS_LEFT_OUT:
        assert notes[address].startswith("no manifest can declare it as it is (spec."), notes
        assert notes[address].endswith("); never deleted")

    applied = xyops_run(xyops, "apply", "ex", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    for noun, body in XYOPS_OBJECTS.items():
        assert call(xyops, f"get_{noun}", {"id": body["id"]})["code"] == 0  # all kept


# -- OpenCTI ---------------------------------------------------------------------------

STATUS_ADD = "mutation($i: StatusTemplateAddInput!) { statusTemplateAdd(input: $i) { id } }"
FEED_ADD = "mutation($i: FeedAddInput!) { feedAdd(input: $i) { id } }"
GROUP_ADD = "mutation($i: GroupAddInput!) { groupAdd(input: $i) { id } }"
FEED = {
    "name": "Stale feed",
    "description": MARKED,
    "separator": ";",
    "rolling_time": 0,
    "include_header": True,
    "feed_types": ["Indicator"],
    "feed_public": False,
    "feed_date_attribute": "created_at",
    "filters": "",
    "feed_attributes": [
        {"attribute": "name", "mappings": [{"type": "Indicator", "attribute": "name"}]}
    ],
}
OPENCTI_LEFT_OUT = {
    "opencti.StatusTemplate/NO_COLOUR": "spec.color: must not be empty",
    "opencti.Feed/Stale feed": "spec.rolling_time: Input should be greater than or equal to 1",
    "opencti.Group/Trusting": (
        "spec.group_confidence_level.max_confidence: Input should be less than or equal to 100"
    ),
}


@pytest.fixture
def opencti(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emu:
        opencti_graphql(emu, STATUS_ADD, {"i": {"name": "NO_COLOUR", "color": ""}})
        opencti_graphql(emu, STATUS_ADD, {"i": {"name": "FINE", "color": "#4caf50"}})
        opencti_graphql(emu, FEED_ADD, {"i": FEED})
        confidence = {"max_confidence": 150, "overrides": []}
        group = {"name": "Trusting", "description": MARKED, "group_confidence_level": confidence}
        opencti_graphql(emu, GROUP_ADD, {"i": group})
        yield emu


def test_opencti_export_leaves_out_what_no_manifest_can_say(opencti: OpenCtiEmulator) -> None:
    kinds = ("--kind", "StatusTemplate", "--kind", "Feed", "--kind", "Group")
    exported = opencti_run(opencti, "export", "--system", "opencti", *kinds, "--out", "ex")
    assert exported.exit_code == 0, exported.output
    for address, why in OPENCTI_LEFT_OUT.items():
        assert left_out(address, why) in exported.stderr, exported.stderr
    assert "exported as found in the account" not in exported.output
    written = sorted(p.relative_to("ex").as_posix() for p in Path("ex").rglob("*.yaml"))
    assert written == ["status-templates/fine.yaml"]

    # every status template declared in git (opt-in prune), yet the left-out one is kept
    Path("j1sync.yaml").write_text(
        "paths: [ex]\nopencti:\n  prune:\n    StatusTemplate: true\n", encoding="utf-8"
    )
    planned = opencti_run(opencti, "plan", "ex", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output  # loads, and deletes nothing
    applied = opencti_run(opencti, "apply", "ex", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    snapshot = opencti.snapshot()
    assert {"NO_COLOUR", "FINE"} <= {s["name"] for s in snapshot["status_templates"]}
    assert "Stale feed" in {f["name"] for f in snapshot["feeds"]}
    assert "Trusting" in {g["name"] for g in snapshot["groups"]}
