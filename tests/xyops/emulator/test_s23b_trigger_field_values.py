"""create_event and update_event check each trigger's params against the event's user
fields once given their values (1.0.88 requireValidEventData, validateParamValues)."""

from __future__ import annotations

from tests.xyops.emulator.conftest import Api


def test_the_emulator_refuses_them_in_xyops_words(api: Api) -> None:
    job = {"id": "j", "title": "J", "category": "general", "plugin": "shellplug"}
    body = {
        **job,
        "targets": ["main"],
        "algo": "random",
        "fields": [{"id": "region", "type": "text", "required": True}],
        "triggers": [{"type": "schedule", "enabled": True, "hours": [4], "minutes": [0]}],
    }
    refused = api.post("create_event", body)
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "api",
        "description": "Malformed trigger entry #1: Parameter 'region' is required.",
    }
    body["fields"] = [{"id": "region", "type": "text", "required": True, "value": "eu"}]
    assert api.ok("create_event", body)["event"]["triggers"][0]["params"] == {"region": "eu"}
