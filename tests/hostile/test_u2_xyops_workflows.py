"""xyOps refuses a workflow whose nodes lack numeric x and y, have an unknown type or a
repeated id, or whose connections name a node it does not have (1.0.88 lib/api/events.js
requireValidEventData). A workflow was any object to j1sync, and the emulator took any:
plan passed, and apply against xyOps created what came first and stopped at the event.
Now each is a manifest error naming file, line, column and field, before any request, and
the emulator refuses them as xyOps does."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import call, run

FIRST = """apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: u2_first
spec:
  title: Comes first, must not be created
---
apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: u2_flow
spec:
  title: Flow
  category: general
  type: workflow
  workflow:
"""
GOOD = """    nodes:
      - {id: n1, type: trigger, x: 0, y: 0}
      - {id: n2, type: note, x: 100, y: 0, data: {text: hello}}
    connections:
      - {id: c1, source: n1, dest: n2, condition: success}
"""


@pytest.mark.parametrize(
    "workflow,where,said",
    [
        (
            GOOD.replace("{id: n1, type: trigger, x: 0, y: 0}", "{id: n1, type: trigger}"),
            "18:9: xyops.Event/u2_flow: spec.workflow.nodes[0].x",
            "required",
        ),
        (
            GOOD.replace("type: trigger", "type: triger"),
            "18:24: xyops.Event/u2_flow: spec.workflow.nodes[0].type",
            "did you mean 'trigger'?",
        ),
        (
            GOOD.replace("{id: n2,", "{id: n1,"),
            "19:14: xyops.Event/u2_flow: spec.workflow.nodes[1].id",
            "node id 'n1' is used twice",
        ),
        (
            GOOD.replace("dest: n2", "dest: n3"),
            "21:36: xyops.Event/u2_flow: spec.workflow.connections[0].dest",
            "no node 'n3' in this workflow",
        ),
        (
            GOOD.replace("{id: n1, type", "{id: n-1, type").replace("source: n1", "source: n-1"),
            "18:14: xyops.Event/u2_flow: spec.workflow.nodes[0].id",
            "'n-1' is not a workflow id",
        ),
        (
            "    nodes: []\n",
            "16:3: xyops.Event/u2_flow: spec.workflow.connections",
            "required field 'connections' is missing",
        ),
    ],
)
def test_a_workflow_xyops_refuses_is_a_manifest_error_before_any_request(
    xyops_server: XyOpsEmulator, workflow: str, where: str, said: str
) -> None:
    Path("m.yaml").write_text(FIRST + workflow, encoding="utf-8")
    before = xyops_server.snapshot()
    result = run(xyops_server, "apply", "m.yaml", "--auto-approve")
    assert result.exit_code == 1, result.output
    line = next((ln for ln in result.stderr.splitlines() if where in ln), "")
    assert line.startswith("m.yaml:") and said in line, result.stderr
    assert "Traceback" not in result.output
    assert xyops_server.snapshot() == before


def test_a_workflow_xyops_takes_applies_and_plans_no_change(xyops_server: XyOpsEmulator) -> None:
    Path("m.yaml").write_text(FIRST + GOOD, encoding="utf-8")
    applied = run(xyops_server, "apply", "m.yaml", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert run(xyops_server, "plan", "m.yaml", "--detailed-exitcode").exit_code == 0
    # the emulator refuses what xyOps refuses, in its words
    flow = call(xyops_server, "get_event", {"id": "u2_flow"})["event"]
    unplaced = {"id": "n3", "type": "note"}
    nodes = [*flow["workflow"]["nodes"], unplaced]
    refused = call(
        xyops_server,
        "update_event",
        {"id": "u2_flow", "workflow": {**flow["workflow"], "nodes": nodes}},
    )
    assert refused == {
        "code": "api",
        "description": "Malformed workflow node #n3: Node X coordinate is invalid",
    }
