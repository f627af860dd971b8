"""xyOps deletes a tag, web hook, channel, monitor, group or event that other objects still
name (only a category with events is refused: 1.0.88 lib/api), and those objects keep
naming it. Before, `export` of such an account wrote manifests that `plan` refused ("no
Channel 'u2_gone_channel' is declared or in xyOps"), and the emulator refused deletes
xyOps makes. Now an id the object in xyOps already names is no problem where xyOps keeps
it as written (a channel's web hook, an action's channel, an alert's monitor, a role's
categories): export, apply (adopting) and plan converge. Where xyOps checks it on every
write (an event's tags), export drops it, and a manifest naming it all the same stops the
plan at its line, before any change, and converges once it is taken out; a missing object
named anew is an error as ever."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import call, run

# objects made in the UI, whose channel, monitor, web hook, event, group and category were
# deleted there since: xyOps keeps these ids as written
LEFT_NAMING_THE_GONE: dict[str, list[dict[str, Any]]] = {
    "events": [
        {
            "id": "u2_left_event",
            "title": "Left event",
            "enabled": True,
            "category": "general",
            "plugin": "shellplug",
            "targets": ["main"],
            "algo": "monitor:u2_gone_monitor",
            "tags": ["important"],
            "actions": [
                {
                    "enabled": True,
                    "condition": "error",
                    "type": "channel",
                    "channel_id": "u2_gone_channel",
                }
            ],
            "params": {},
        }
    ],
    "channels": [
        {
            "id": "u2_left_channel",
            "title": "Left channel",
            "web_hook": "u2_gone_hook",
            "run_event": "u2_gone_event",
        }
    ],
    "alerts": [
        {
            "id": "u2_left_alert",
            "title": "Left alert",
            "expression": "monitors.u2_gone_monitor > 1",
            "message": "high",
            "monitor_id": "u2_gone_monitor",
            "groups": ["u2_gone_group"],
        }
    ],
    "roles": [{"id": "u2_left_role", "title": "Left role", "categories": ["u2_gone_cat"]}],
}
KINDS = [arg for kind in ("Event", "Channel", "Alert", "Role") for arg in ("--kind", kind)]


def test_export_of_objects_naming_deleted_ones_applies_and_plans_no_change(
    xyops_server: XyOpsEmulator,
) -> None:
    xyops_server.seed_objects(LEFT_NAMING_THE_GONE)
    exported = run(xyops_server, "export", "--system", "xyops", "--out", "ex", *KINDS)
    assert exported.exit_code == 0, exported.output
    event = Path("ex/events/u2-left-event.yaml").read_text(encoding="utf-8")
    assert "u2_gone_channel" in event and "monitor:u2_gone_monitor" in event  # as xyOps has it

    planned = run(xyops_server, "plan", "ex")
    assert planned.exit_code == 0, planned.output
    assert "Plan: 0 to create, 7 to update, 0 to delete" in planned.stdout  # adoptions: 4 + 3
    applied = run(xyops_server, "apply", "ex", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete: 0 created, 7 updated, 0 deleted, 0 failed." in applied.stdout
    held = {c["id"]: c for c in xyops_server.snapshot()["channels"]}["u2_left_channel"]
    assert (held["web_hook"], held["run_event"]) == ("u2_gone_hook", "u2_gone_event")
    assert held["notes"].endswith("managed-by: j1sync")
    again = run(xyops_server, "plan", "ex", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_a_missing_object_named_anew_is_still_an_error(xyops_server: XyOpsEmulator) -> None:
    xyops_server.seed_objects(LEFT_NAMING_THE_GONE)
    exported = run(xyops_server, "export", "--system", "xyops", "--out", "ex", "--kind", "Event")
    assert exported.exit_code == 0, exported.output
    path = Path("ex/events/u2-left-event.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("u2_gone_channel", "u2_gone_chanel"), encoding="utf-8")
    before = xyops_server.snapshot()
    planned = run(xyops_server, "apply", "ex", "--auto-approve")
    assert planned.exit_code == 1, planned.output
    assert (
        "xyops.Event/u2_left_event: spec.actions[0].channel_id: no Channel 'u2_gone_chanel' "
        "is declared or in xyOps"
    ) in planned.stderr
    assert xyops_server.snapshot() == before


def test_deleted_in_xyops_while_named_then_export_and_plan(xyops_server: XyOpsEmulator) -> None:
    """Through the API, as the UI does it: the tag and channel are deleted while the event
    names them. xyOps refuses every write of an event naming a tag it lacks, so the plan
    stops at that tag's line, before any change; taken out, the export converges."""
    call(xyops_server, "create_tag", {"id": "u2_tag", "title": "T"})
    call(xyops_server, "create_channel", {"id": "u2_chan", "title": "C"})
    event = {**LEFT_NAMING_THE_GONE["events"][0], "id": "u2_ev", "algo": "random"}
    event["tags"], event["actions"][0]["channel_id"] = ["important", "u2_tag"], "u2_chan"
    assert call(xyops_server, "create_event", event)["code"] == 0
    assert call(xyops_server, "delete_tag", {"id": "u2_tag"})["code"] == 0
    assert call(xyops_server, "delete_channel", {"id": "u2_chan"})["code"] == 0
    refused = call(xyops_server, "delete_category", {"id": "general"})
    assert refused["code"] == "category" and "Still in use" in str(refused["description"])
    exported = run(xyops_server, "export", "--system", "xyops", "--out", "ex", "--kind", "Event")
    assert exported.exit_code == 0, exported.output
    # export drops the dead tag, saying so (tests/xyops/test_s25_dead_references.py); a
    # manifest keeping it, as the user writes it back:
    assert "xyops.Event/u2_ev: spec.tags: dropped: Tag 'u2_tag'" in exported.stderr
    path = Path("ex/events/u2-ev.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    - important\n", "    - important\n    - u2_tag\n"), "utf-8")
    before = xyops_server.snapshot()
    stopped = run(xyops_server, "apply", "ex", "--auto-approve")
    assert stopped.exit_code == 1, stopped.output
    assert (
        "ex/events/u2-ev.yaml:12:7: xyops.Event/u2_ev: spec.tags[1]: no Tag 'u2_tag' is declared "
        "or in xyOps (deleted there since, and xyOps refuses every write of this object while "
        "it names it: take it out)"
    ) in stopped.stderr, stopped.stderr
    assert "u2_chan" not in stopped.stderr  # the channel xyOps keeps as written: no problem
    assert xyops_server.snapshot() == before
    path.write_text(path.read_text(encoding="utf-8").replace("    - u2_tag\n", ""), "utf-8")
    applied = run(xyops_server, "apply", "ex", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete: 0 created, 1 updated, 0 deleted, 0 failed." in applied.stdout
    assert run(xyops_server, "plan", "ex", "--detailed-exitcode").exit_code == 0
