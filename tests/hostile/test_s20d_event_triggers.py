"""An event's `triggers` that xyOps refuses. xyOps 1.0.88 checks them on every create and
update (lib/api/events.js requireValidEventData; data-structures-v1.0.88.md, Trigger): a
known type, schedule values in range (`hours` 0-23, `days` never 0, ...), the fields
each type needs (an interval's `start` and `duration`, a single shot's `epoch`, ...), at
most one enabled manual (startup, catch-up, ...) trigger, no interval with a delay. Before,
a trigger was any map with a `type`: validate and plan took `hours: [25]`, a misspelt
`schedul` or the UI's `daily` preset, apply created the event's category and tag, and a
real server refused the event half-way (the emulator stored it). Now each stops plan and
apply at its line before any change, and the emulator refuses it in xyOps's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import call, run

DOCS = """\
apiVersion: xyops.j1sync/v1
kind: Category
metadata:
  name: s20d_cat
spec:
  title: Cat
---
apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: s20d_event
spec:
  title: Event
  category: s20d_cat
  plugin: shellplug
  targets: [main]
  triggers:
{triggers}
"""
FIRST_TRIGGER_LINE = 18

REFUSED = {
    "hour out of range": (
        ["- {type: schedule, hours: [25]}"],
        "spec.triggers[0].hours[0]: xyOps refuses it",
        "Malformed trigger parameter: hours (out of range: 25)",
    ),
    "day zero": (
        ["- {type: schedule, days: [0]}"],
        "spec.triggers[0].days[0]",
        "Malformed trigger parameter: days (out of range: 0)",
    ),
    "hours not a list": (
        ["- {type: schedule, hours: 2}"],
        "spec.triggers[0].hours",
        "Malformed trigger parameter: hours (must be array)",
    ),
    "misspelt type": (
        ["- {type: schedul}"],
        "spec.triggers[0].type",
        "did you mean 'schedule'?",
    ),
    "a preset of the UI": (
        ["- {type: daily, hours: [2]}"],
        "spec.triggers[0].type",
        "'daily' is a preset of xyOps's UI, saved as `type: schedule`",
    ),
    "interval without start": (
        ["- {type: interval, duration: 60}"],
        "spec.triggers[0]",
        "Invalid starting date/time specified for interval",
    ),
    "single shot without epoch": (
        ["- {type: single}"],
        "spec.triggers[0]",
        "Invalid date/time specified for single shot",
    ),
    "two manual triggers": (
        ["- {type: manual}", "- {type: manual}"],
        "spec.triggers[1]",
        "Only one manual rule is allowed in trigger list.",
    ),
    "interval and delay": (
        ["- {type: interval, start: 1766111340, duration: 90}", "- {type: delay, duration: 5}"],
        "spec.triggers[1]",
        "Interval and delay triggers are mutually exclusive.",
    ),
}


def _write(folder: Path, triggers: list[str]) -> Path:
    text = DOCS.format(triggers="\n".join(f"    {t}" for t in triggers))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.yaml").write_text(text)
    return folder


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_trigger_xyops_refuses_stops_before_any_change(
    xyops_server: XyOpsEmulator, tmp_path: Path, case: str
) -> None:
    triggers, field, said = REFUSED[case]
    folder = _write(tmp_path / "m", triggers)
    line = FIRST_TRIGGER_LINE + len(triggers) - 1 if "[1]" in field else FIRST_TRIGGER_LINE
    before = xyops_server.snapshot()
    for command in (["validate"], ["plan"], ["apply", "--auto-approve"]):
        done = run(xyops_server, *command, str(folder))
        assert done.exit_code == 1, (command, done.output)
        assert f"a.yaml:{line}:" in done.output, done.output
        assert f"xyops.Event/s20d_event: {field}" in done.output, done.output
        assert said in done.output, done.output
        assert "internal error" not in done.output
    assert xyops_server.snapshot() == before  # not even the category


EMULATOR_REFUSES = {
    "hour out of range": (
        [{"type": "schedule", "enabled": True, "hours": [25]}],
        "Malformed trigger parameter: hours (out of range: 25)",
    ),
    "unknown type": (
        [{"type": "daily", "enabled": True}],
        "Malformed trigger entry #1: Unknown type",
    ),
    "not an object": ([5], "Malformed trigger entry #1 (not an object)"),
    "two manual": (
        [{"type": "manual", "enabled": True}, {"type": "manual", "enabled": True}],
        "Only one manual rule is allowed in trigger list.",
    ),
    "nth of one": (
        [{"type": "nth", "enabled": True, "every": 1}],
        "Malformed trigger entry #1: Every Nth value is invalid (must be 2 or higher).",
    ),
}


@pytest.mark.parametrize("case", list(EMULATOR_REFUSES))
def test_the_emulator_refuses_them_in_xyops_words(xyops_server: XyOpsEmulator, case: str) -> None:
    triggers, said = EMULATOR_REFUSES[case]
    event = {
        "id": "s20d_hand",
        "title": "Hand",
        "enabled": True,
        "category": "general",
        "plugin": "shellplug",
        "targets": ["main"],
        "algo": "random",
        "triggers": triggers,
    }
    assert call(xyops_server, "create_event", event) == {"code": "api", "description": said}
    assert "s20d_hand" not in {e["id"] for e in xyops_server.snapshot()["events"]}


def test_every_trigger_type_xyops_takes_applies_and_converges(
    xyops_server: XyOpsEmulator, tmp_path: Path
) -> None:
    triggers = [
        "- {type: schedule, years: [2030], months: [1, 12], days: [-7, 31], weekdays: [0, 6],"
        " hours: [0, 23], minutes: [0, 59], timezone: America/New_York}",
        "- {type: manual}",
        "- {type: manual, enabled: false}",
        "- {type: single, epoch: 1766111340}",
        "- {type: magic}",
        "- {type: keyboard, keys: [ctrl+b]}",
        "- {type: startup}",
        "- {type: catchup}",
        "- {type: nth, every: 3}",
        "- {type: range, start: 1766111340}",
        "- {type: blackout, start: 1766111340, end: 1766121300}",  # whole minutes
        "- {type: interval, start: 1766111340, duration: 90}",
        "- {type: delay, duration: 30, enabled: false}",
        "- {type: quiet, invisible: true}",
    ]
    folder = _write(tmp_path / "m", triggers)
    done = run(xyops_server, "apply", "--auto-approve", str(folder))
    assert done.exit_code == 0, done.output
    done = run(xyops_server, "plan", "--detailed-exitcode", str(folder))
    assert done.exit_code == 0, done.output
