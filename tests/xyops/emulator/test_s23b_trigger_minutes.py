"""create_event and update_event floor single shot, range and blackout times to the
minute (1.0.88 lib/api/events.js normalizeEventTriggers), the other triggers and fields
kept as sent."""

from __future__ import annotations

from tests.xyops.emulator.conftest import Api

JOB = {
    "id": "once",
    "title": "Once",
    "category": "general",
    "plugin": "shellplug",
    "targets": ["main"],
    "algo": "random",
}


def test_times_are_floored_to_the_minute(api: Api) -> None:
    single = {"type": "single", "enabled": True, "epoch": 1767225659}
    created = api.ok("create_event", {**JOB, "triggers": [single]})["event"]
    assert created["triggers"] == [{**single, "epoch": 1767225600}]
    triggers = [
        {"type": "range", "enabled": True, "start": 1767225601, "end": 1767229259},
        {"type": "blackout", "enabled": True, "start": 1767225600, "end": 1767229230},
        {"type": "interval", "enabled": True, "start": 1767225601, "duration": 90},
    ]
    api.ok("update_event", {"id": "once", "triggers": triggers})
    stored = api.ok("get_event", {"id": "once"})["event"]["triggers"]
    assert [(t.get("start"), t.get("end")) for t in stored] == [
        (1767225600, 1767229200),
        (1767225600, 1767229200),
        (1767225601, None),
    ]
