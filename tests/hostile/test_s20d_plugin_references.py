"""Plugins named outside an event's own `plugin`. xyOps 1.0.88 checks them on every write
(lib/api.js requireValidActions, lib/api/events.js requireValidEventData): a `plugin`
action, in a category, a server group's alert actions, an alert or an event, runs an
existing plugin of type `action`; a `plugin` trigger an existing `scheduler` plugin.
Before, j1sync checked only events' plugins, by id: a category or alert naming a plugin
xyOps does not have planned as fine, apply created what came before it and failed
half-way, and an action naming an event plugin (`shellplug`) was stored by the emulator,
which a real server refuses. Now plan and apply stop at the field's line before any
change, naming the plugins that would do, and the emulator refuses them as xyOps does."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import call, run

TAG = """\
apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: s20d_tag
spec:
  title: Tag
---
"""

CATEGORY = """\
apiVersion: xyops.j1sync/v1
kind: Category
metadata:
  name: s20d_cat
spec:
  title: Cat
  actions:
    - {{type: plugin, condition: error, plugin_id: {plugin}}}
"""
GROUP = """\
apiVersion: xyops.j1sync/v1
kind: ServerGroup
metadata:
  name: s20d_group
spec:
  title: Group
  hostname_match: .+
  alert_actions:
    - {{type: plugin, condition: alert_new, plugin_id: {plugin}}}
"""
ALERT = """\
apiVersion: xyops.j1sync/v1
kind: Alert
metadata:
  name: s20d_alert
spec:
  title: Alert
  expression: monitors.load_avg > 4
  message: High
  actions:
    - {{type: plugin, condition: alert_new, plugin_id: {plugin}}}
"""
EVENT = """\
apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: s20d_event
spec:
  title: Event
  category: general
  plugin: shellplug
  targets: [main]
  triggers:
    - {{type: plugin, plugin_id: {plugin}}}
"""

CASES = {
    "category, no such plugin": (CATEGORY, "nope", 15, "Category/s20d_cat: spec.actions[0]"),
    "category, an event plugin": (
        CATEGORY,
        "shellplug",
        15,
        "Category/s20d_cat: spec.actions[0]",
    ),
    "group, no such plugin": (
        GROUP,
        "nope",
        16,
        "ServerGroup/s20d_group: spec.alert_actions[0]",
    ),
    "alert, an event plugin": (ALERT, "testplug", 17, "Alert/s20d_alert: spec.actions[0]"),
    "trigger, an event plugin": (EVENT, "shellplug", 18, "Event/s20d_event: spec.triggers[0]"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_plugin_xyops_would_not_run_there_stops_before_any_change(
    xyops_server: XyOpsEmulator, tmp_path: Path, case: str
) -> None:
    template, plugin, line, where = CASES[case]
    (tmp_path / "a.yaml").write_text(TAG + template.format(plugin=plugin))
    wanted = "scheduler plugins" if template is EVENT else "action plugins"
    before = xyops_server.snapshot()
    for command in (["plan"], ["apply", "--auto-approve"]):
        done = run(xyops_server, *command, str(tmp_path))
        assert done.exit_code == 1, (command, done.output)
        assert f"a.yaml:{line}:" in done.output, done.output
        assert f"{where}.plugin_id: plugin '{plugin}' is " in done.output, done.output
        assert f"({wanted}: none)" in done.output, done.output
        assert "internal error" not in done.output
    assert xyops_server.snapshot() == before  # not even the tag


def test_the_emulator_refuses_a_plugin_of_another_type(xyops_server: XyOpsEmulator) -> None:
    alert = {
        "id": "s20d_a",
        "title": "A",
        "expression": "1 > 0",
        "message": "m",
        "actions": [
            {"enabled": True, "condition": "alert_new", "type": "plugin", "plugin_id": "shellplug"}
        ],
    }
    answer = call(xyops_server, "create_alert", alert)
    said = "Malformed action entry #1: Plugin not found: shellplug"
    assert answer == {"code": "api", "description": said}
    event = {
        "id": "s20d_e",
        "title": "E",
        "enabled": True,
        "category": "general",
        "plugin": "shellplug",
        "targets": ["main"],
        "algo": "random",
        "triggers": [{"enabled": True, "type": "plugin", "plugin_id": "testplug"}],
    }
    said = "Malformed trigger entry #1: Scheduler Plugin not found: testplug"
    assert call(xyops_server, "create_event", event) == {"code": "api", "description": said}


def test_plugins_of_the_right_type_apply_and_converge(
    xyops_server: XyOpsEmulator, tmp_path: Path
) -> None:
    for plugin, kind in (("s20d_notify", "action"), ("s20d_cron", "scheduler")):
        answer = call(xyops_server, "create_plugin", {"id": plugin, "title": plugin, "type": kind})
        assert answer["code"] == 0, answer
    documents = [
        CATEGORY.format(plugin="s20d_notify"),
        GROUP.format(plugin="s20d_notify"),
        ALERT.format(plugin="s20d_notify"),
        EVENT.format(plugin="s20d_cron"),
    ]
    (tmp_path / "a.yaml").write_text("---\n".join(documents))
    done = run(xyops_server, "apply", "--auto-approve", str(tmp_path))
    assert done.exit_code == 0, done.output
    assert "4 created" in done.output, done.output
    done = run(xyops_server, "plan", "--detailed-exitcode", str(tmp_path))
    assert done.exit_code == 0, done.output
