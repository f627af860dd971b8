"""A group's default markings as OpenCTI keeps them: editDefaultMarking stores, per marking
type, only the markings of the highest order (cleanMarkings,
opencti-graphql utils/markingDefinition-utils.js). The emulator stored every value it was
sent, so a manifest listing TLP:GREEN and TLP:AMBER for one entity type converged against
it, and against a real platform was stored as TLP:AMBER and planned again on every run."""

from __future__ import annotations

from pycti import OpenCTIApiClient

from tests.opencti.helpers import Platform

GROUP = """apiVersion: opencti.j1sync/v1
kind: Group
metadata:
  name: Defaults
spec:
  group_confidence_level: {max_confidence: 50}
  default_marking:
    - values: ["PAP:GREEN"]
    - entity_type: Report
      values: ["TLP:GREEN", "PAP:CLEAR", "TLP:AMBER"]
"""


def _marking_ids(platform: Platform) -> dict[str, str]:
    return {m["definition"]: m["id"] for m in platform.stored("markings")}


def test_s23a_edit_default_marking_keeps_the_highest_of_each_type(platform: Platform) -> None:
    client = OpenCTIApiClient(platform.emu.url, platform.emu.token, log_level="error")
    created = client.group.create(
        name="Defaults", group_confidence_level={"max_confidence": 50, "overrides": []}
    )
    assert created is not None
    ids = _marking_ids(platform)
    values = [ids["TLP:GREEN"], ids["PAP:CLEAR"], ids["TLP:AMBER"], ids["TLP:GREEN"]]
    answer = client.query(
        "mutation D($id: ID!, $input: DefaultMarkingInput!) { groupEdit(id: $id) "
        "{ editDefaultMarking(input: $input) { default_marking { entity_type "
        "values { definition } } } } }",
        {"id": created["id"], "input": {"entity_type": "Report", "values": values}},
    )
    entry = answer["data"]["groupEdit"]["editDefaultMarking"]["default_marking"]
    assert len(entry) == 1 and entry[0]["entity_type"] == "Report"
    assert sorted(v["definition"] for v in entry[0]["values"]) == ["PAP:CLEAR", "TLP:AMBER"]


def test_s23a_a_default_marking_opencti_would_drop_stops_the_plan(platform: Platform) -> None:
    platform.write("m/group.yaml", GROUP)
    planned = platform.run("plan", "m")
    assert planned.exit_code == 1, planned.output
    assert (
        "m/group.yaml:10:16: opencti.Group/Defaults: spec.default_marking[1].values[0]: "
        "OpenCTI keeps only the highest of a group's default markings of one type: "
        "'TLP:GREEN' (TLP, order 2) would be dropped for 'TLP:AMBER' (order 3); "
        "list one of them"
    ) in planned.output, planned.output
    assert "PAP:CLEAR" not in planned.output  # the only PAP marking of its entry
    assert not [g for g in platform.stored("groups") if g["name"] == "Defaults"]

    # one marking per type: applied as written, then nothing to do
    platform.write("m/group.yaml", GROUP.replace('"TLP:GREEN", ', ""))
    applied = platform.run("apply", "m", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert platform.run("plan", "m", "--detailed-exitcode").exit_code == 0
