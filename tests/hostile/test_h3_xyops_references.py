"""An xyOps manifest that names an object neither declared nor on the server (a misspelt
category, tag, channel, monitor, server group or event) stops plan and apply before any
change, at the name's file, line, column and field, with the nearest name when one is
close: before, such a plan was valid and apply created what came before the failing event
and then failed half-way (or left a dangling id where xyOps does not check)."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import run

MANIFESTS = """\
apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: h3_new_tag
spec:
  title: A tag apply must not create
---
apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: h3_job
spec:
  title: A job
  category: generl
  plugin: shellplug
  targets: [main, some_server_id]
  tags: [h3_new_tag, no_such_tag]
  actions:
    - condition: error
      type: channel
      channel_id: no_such_channel
---
apiVersion: xyops.j1sync/v1
kind: Role
metadata:
  name: h3_role
spec:
  title: A role
  groups: [mian]
---
apiVersion: xyops.j1sync/v1
kind: Alert
metadata:
  name: h3_alert
spec:
  title: An alert
  expression: "monitors.load_avg >= 5"
  message: Load is high
  monitor_id: no_such_monitor
---
apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: h3_flow
spec:
  title: A workflow
  category: general
  type: workflow
  workflow:
    nodes:
      - id: n1
        type: event
        data: {event: h3_jbo, targets: []}
        x: 0
        y: 0
    connections: []
"""

EXPECTED = [
    "m.yaml:14:13: xyops.Event/h3_job: spec.category: no Category 'generl' is declared or "
    "in xyOps; did you mean 'general'?",
    "m.yaml:17:22: xyops.Event/h3_job: spec.tags[1]: no Tag 'no_such_tag' is declared or in xyOps",
    "m.yaml:21:19: xyops.Event/h3_job: spec.actions[0].channel_id: no Channel "
    "'no_such_channel' is declared or in xyOps",
    "m.yaml:29:12: xyops.Role/h3_role: spec.groups[0]: no ServerGroup 'mian' is declared or "
    "in xyOps; did you mean 'main'?",
    "m.yaml:39:15: xyops.Alert/h3_alert: spec.monitor_id: no Monitor 'no_such_monitor' is "
    "declared or in xyOps",
    "m.yaml:53:23: xyops.Event/h3_flow: spec.workflow.nodes[0].data.event: no Event 'h3_jbo' "
    "is declared or in xyOps; did you mean 'h3_job'?",
]


@pytest.mark.parametrize("command", [["plan"], ["apply", "--auto-approve"], ["drift"]])
def test_a_name_nothing_holds_stops_the_run_at_its_field(
    xyops_server: XyOpsEmulator, tmp_path: Path, command: list[str]
) -> None:
    Path("m.yaml").write_text(MANIFESTS, encoding="utf-8")
    before = xyops_server.snapshot()
    result = run(xyops_server, *command, "m.yaml")
    assert result.exit_code == 1, result.output
    lines = [line.removeprefix("Error: ") for line in result.stderr.splitlines()]
    for expected in EXPECTED:
        assert expected in lines, result.stderr
    assert "some_server_id" not in result.stderr  # a target may be a server: no error
    assert "Traceback" not in result.output
    assert xyops_server.snapshot() == before  # nothing created, not even the tag


def test_names_declared_in_the_run_or_on_the_server_plan_and_apply(
    xyops_server: XyOpsEmulator, tmp_path: Path
) -> None:
    fixed = (
        MANIFESTS.replace("generl", "general")
        .replace(", no_such_tag]", "]")
        .replace("channel_id: no_such_channel", "channel_id: h3_channel")
        .replace("[mian]", "[main]")
        .replace("monitor_id: no_such_monitor", "monitor_id: load_avg")
        .replace("h3_jbo", "h3_job")
    )
    channel = (
        "---\napiVersion: xyops.j1sync/v1\nkind: Channel\nmetadata:\n  name: h3_channel\n"
        "spec:\n  title: A channel\n"
    )
    Path("m.yaml").write_text(fixed + channel, encoding="utf-8")
    applied = run(xyops_server, "apply", "--auto-approve", "m.yaml")
    assert applied.exit_code == 0, applied.output
    events = {event["id"] for event in xyops_server.snapshot()["events"]}
    assert {"h3_job", "h3_flow"} <= events
    again = run(xyops_server, "plan", "--detailed-exitcode", "m.yaml")
    assert again.exit_code == 0, again.output
