"""xyOps 1.0.88 checks the type of an event's own fields on every create and update
(lib/api/events.js requireValidEventData -> lib/api.js validateOptionalParams): `enabled`
a boolean or a number written with digits, `title`, `notes`, `category`, `plugin`, `algo`
and `id` texts. The emulator took `update_event {"enabled": "false"}`, which xyOps
refuses (and which JavaScript would read as true); now it refuses it in xyOps's words,
HTTP 400 code `api`, nothing written, and takes what xyOps takes (`enabled: 1`)."""

from __future__ import annotations

from typing import Any

import pytest

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.xyops.emulator.conftest import MINIMAL, Api


@pytest.fixture
def event(api: Api) -> str:
    api.ok("create_event", {"id": "backup", "enabled": True, **MINIMAL["event"]})
    return "backup"


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("enabled", "false", "Malformed parameter type: enabled (string)"),
        ("enabled", None, "Malformed parameter type: enabled (object)"),
        ("enabled", [True], "Malformed parameter type: enabled (object)"),
        ("enabled", 1.5, "Malformed parameter value: enabled"),
        ("enabled", -1, "Malformed parameter value: enabled"),
        ("title", 5, "Malformed parameter type: title (number)"),
        ("notes", None, "Malformed parameter type: notes (object)"),
        ("category", "gen-eral", "Malformed parameter value: category"),
        ("algo", "random\n", "Malformed parameter value: algo"),
        ("plugin", True, "Malformed parameter type: plugin (boolean)"),
    ],
)
def test_an_event_field_of_another_type_is_refused(
    api: Api, emu: XyOpsEmulator, event: str, field: str, value: Any, said: str
) -> None:
    before = emu.snapshot()
    assert api.refused("update_event", {"id": event, field: value}, 400, "api") == said
    assert emu.snapshot() == before
    created = {**MINIMAL["event"], "id": "other", "enabled": True, field: value}
    assert api.refused("create_event", created, 400, "api") == said
    assert emu.snapshot() == before


@pytest.mark.parametrize("value", [True, False, 0, 1, 2, 1.0])
def test_a_boolean_or_a_whole_number_is_taken(
    api: Api, emu: XyOpsEmulator, event: str, value: Any
) -> None:
    api.ok("update_event", {"id": event, "enabled": value})
    [stored] = [e for e in emu.snapshot()["events"] if e["id"] == event]
    # a number is a number (1.0 is 1), a boolean a boolean
    held = stored["enabled"]
    assert held == value and isinstance(held, bool) is isinstance(value, bool)


def test_other_lists_keep_what_they_are_sent(api: Api, emu: XyOpsEmulator) -> None:
    """Only events are checked so (a channel's `enabled` is kept as sent: lib/api/channels.js
    checks nothing of it)."""
    api.ok("update_channel", {"id": "sev1", "enabled": "false"})
    [channel] = [c for c in emu.snapshot()["channels"] if c["id"] == "sev1"]
    assert channel["enabled"] == "false"
