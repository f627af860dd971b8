"""A workflow's action node holds an Action (data-structures, Workflow): a `web_hook` one
carries its URL and headers, credentials as in an event's `actions`. Before, only
`actions` and `alert_actions` were masked: a node's URL and Authorization header were
printed in every plan, written into saved plan files, and exported literally. Now they
are credential fields wherever the Action is: `(sensitive)` in plans, never in a plan
file, `${env:J1_...}` in an export that plans no change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import call, run

NODE_URL = "https://hooks.example.com/services/u2NodeSecretToken"
NODE_HEADER = "Bearer u2NodeHeaderSecret"
SECRETS = ("u2NodeSecretToken", "u2NodeHeaderSecret")

FLOW = f"""\
apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: u2_flow
spec:
  title: Flow
  category: general
  type: workflow
  workflow:
    nodes:
      - {{id: n1, type: trigger, x: 0, y: 0}}
      - id: n2
        type: action
        x: 100
        y: 0
        data:
          enabled: true
          condition: start
          type: web_hook
          url: {NODE_URL}
          headers:
            - name: Authorization
              value: {NODE_HEADER}
    connections:
      - {{id: c1, source: n1, dest: n2}}
"""


def test_a_workflow_action_nodes_url_and_headers_are_never_shown_nor_saved(
    xyops_server: XyOpsEmulator,
) -> None:
    Path("m.yaml").write_text(FLOW, encoding="utf-8")
    planned = run(xyops_server, "plan", "m.yaml", "--out", "plan.json")
    assert planned.exit_code == 0, planned.output
    assert "url: (sensitive)" in planned.stdout
    saved = Path("plan.json").read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in planned.output and secret not in saved
    assert "xyops.Event/u2_flow: workflow.nodes[1].data.url" in planned.stderr  # refused later
    refused = run(xyops_server, "apply", "--plan", "plan.json", "--auto-approve")
    assert refused.exit_code == 1, refused.output
    assert "workflow.nodes[1].data.url" in refused.stderr
    assert all(secret not in refused.output for secret in SECRETS)


def test_export_writes_a_workflow_action_nodes_credentials_as_variables(
    xyops_server: XyOpsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    Path("m.yaml").write_text(FLOW, encoding="utf-8")
    applied = run(xyops_server, "apply", "m.yaml", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    node = call(xyops_server, "get_event", {"id": "u2_flow"})["event"]["workflow"]["nodes"][1]
    assert node["data"]["url"] == NODE_URL  # what xyOps holds
    exported = run(xyops_server, "export", "--system", "xyops", "--kind", "Event", "--out", "ex")
    assert exported.exit_code == 0, exported.output
    written = Path("ex/events/u2-flow.yaml").read_text(encoding="utf-8")
    listed = Path("ex/.env.example").read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in exported.output and secret not in written + listed
    url_variable = "J1_U2_FLOW_WORKFLOW_NODES_1_DATA_URL"
    assert f"${{env:{url_variable}}}" in written and url_variable in listed
    variables = [line.split("=")[0] for line in listed.splitlines() if "=" in line]
    assert len(variables) == 3, listed  # the url, the header's name and its value
    state = call(xyops_server, "get_event", {"id": "u2_flow"})["event"]["workflow"]["nodes"][1]
    values = {
        url_variable: NODE_URL,
        "J1_U2_FLOW_WORKFLOW_NODES_1_DATA_HEADERS_0_NAME": state["data"]["headers"][0]["name"],
        "J1_U2_FLOW_WORKFLOW_NODES_1_DATA_HEADERS_0_VALUE": NODE_HEADER,
    }
    assert sorted(values) == sorted(variables), json.dumps(variables)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    again = run(xyops_server, "plan", "ex", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
