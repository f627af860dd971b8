"""update_event drops `type` (1.0.88 lib/api/events.js: "do not allow type to be
changed") and checks the merged event; create_event and update_event keep a workflow's
targets [] whatever is sent; an empty list of targets is none for a job."""

from __future__ import annotations

from tests.xyops.emulator.conftest import Api


def test_the_emulator_keeps_an_events_type_and_a_workflows_targets_empty(api: Api) -> None:
    job = {"id": "j", "title": "J", "category": "general", "plugin": "shellplug"}
    refused = api.post("create_event", {**job, "targets": [], "algo": "random"})
    assert refused.status_code == 400
    assert refused.json()["description"] == "Event has no targets specified."
    api.ok("create_event", {**job, "targets": ["main"], "algo": "random"})
    workflow = {"nodes": [{"id": "n1", "type": "note", "x": 0, "y": 0}], "connections": []}
    # a job made a workflow: `type` dropped, the merged job has no targets: refused
    turned = {"id": "j", "type": "workflow", "workflow": workflow, "targets": []}
    assert api.post("update_event", turned).json()["description"] == (
        "Event has no targets specified."
    )
    # with its targets kept, the update is taken, and the event stays a job
    api.ok("update_event", {**turned, "targets": ["main"]})
    assert "type" not in api.ok("get_event", {"id": "j"})["event"]
    flow = {"id": "w", "title": "W", "category": "general", "type": "workflow"}
    created = api.ok("create_event", {**flow, "workflow": workflow, "targets": ["main"]})
    assert created["event"]["targets"] == []
    api.ok("update_event", {"id": "w", "targets": ["main"], "type": ""})
    stored = api.ok("get_event", {"id": "w"})["event"]
    assert stored["type"] == "workflow" and stored["targets"] == []
