"""A group's shareable markings as OpenCTI keeps them: one attribute,
`max_shareable_markings`, a list of `{type, value}` (per marking definition type the id of
the highest marking its members may share, or 'none': that type not shareable), from which
the API's `max_shareable_marking` and `not_shareable_marking_types` are read
(opencti-graphql domain/group.js; its UI patches the key `max_shareable_markings`,
GroupEditionMarkings). j1sync patched two keys OpenCTI has no attribute for
(`max_shareable_marking` with marking ids, `not_shareable_marking_types`), which a real
platform refuses, and the emulator took them."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pycti import OpenCTIApiClient

from tests.opencti.helpers import Platform

GROUP = """apiVersion: opencti.j1sync/v1
kind: MarkingDefinition
metadata:
  name: "ACME: partners"
spec:
  definition_type: statement
---
apiVersion: opencti.j1sync/v1
kind: Group
metadata:
  name: Sharers
spec:
  group_confidence_level: {max_confidence: 50}
  allowed_marking: ["TLP:GREEN", "TLP:AMBER", "ACME: partners"]
  max_shareable_marking: ["TLP:AMBER", "ACME: partners"]
  not_shareable_marking_types: [PAP]
"""


def _pycti(platform: Platform) -> OpenCTIApiClient:
    return OpenCTIApiClient(platform.emu.url, platform.emu.token, log_level="error")


def _group(client: OpenCTIApiClient, name: str) -> dict[str, Any]:
    found = [g for g in client.group.list() if g["name"] == name]
    assert len(found) == 1, found
    return found[0]


def _marking_ids(platform: Platform) -> dict[str, str]:
    return {m["definition"]: m["id"] for m in platform.stored("markings")}


def test_s23a_apply_stores_shareable_markings_as_opencti_does(platform: Platform) -> None:
    platform.write("m/group.yaml", GROUP)
    applied = platform.run("apply", "m", "--auto-approve")
    assert applied.exit_code == 0, applied.output

    ids = _marking_ids(platform)
    stored = platform.one("groups", name="Sharers")
    assert sorted(stored["max_shareable_markings"], key=lambda e: e["type"]) == [
        {"type": "PAP", "value": "none"},
        {"type": "TLP", "value": ids["TLP:AMBER"]},
        {"type": "statement", "value": ids["ACME: partners"]},
    ]
    read = _group(_pycti(platform), "Sharers")
    assert sorted(m["definition"] for m in read["max_shareable_marking"]) == [
        "ACME: partners",
        "TLP:AMBER",
    ]
    assert read["not_shareable_marking_types"] == ["PAP"]
    planned = platform.run("plan", "m", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output

    # the types not shareable change; the shareable markings, left out, stay as they are
    platform.write(
        "m/group.yaml",
        GROUP.replace('  max_shareable_marking: ["TLP:AMBER", "ACME: partners"]\n', "").replace(
            "not_shareable_marking_types: [PAP]", "not_shareable_marking_types: [TLP]"
        ),
    )
    planned = platform.run("plan", "m")
    assert "not_shareable_marking_types" in planned.stdout, planned.output
    assert "max_shareable_marking:" not in planned.stdout, planned.output
    applied = platform.run("apply", "m", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    stored = platform.one("groups", name="Sharers")
    assert sorted(stored["max_shareable_markings"], key=lambda e: (e["type"], e["value"])) == [
        {"type": "TLP", "value": ids["TLP:AMBER"]},
        {"type": "TLP", "value": "none"},
        {"type": "statement", "value": ids["ACME: partners"]},
    ]
    assert platform.run("plan", "m", "--detailed-exitcode").exit_code == 0


def test_s23a_shareable_markings_set_in_opencti_export_and_plan_nothing(
    platform: Platform,
) -> None:
    client = _pycti(platform)
    created = client.group.create(
        name="Partners desk", group_confidence_level={"max_confidence": 60, "overrides": []}
    )
    assert created is not None
    green = _marking_ids(platform)["TLP:GREEN"]
    # as OpenCTI's UI sets them: the whole list, one entry per marking type
    shareable = [{"type": "TLP", "value": green}, {"type": "PAP", "value": "none"}]
    client.group.update_field(
        id=created["id"], input=[{"key": "max_shareable_markings", "value": shareable}]
    )
    read = _group(client, "Partners desk")
    assert [m["definition"] for m in read["max_shareable_marking"]] == ["TLP:GREEN"]
    assert read["not_shareable_marking_types"] == ["PAP"]

    exported = platform.run("export", "--system", "opencti", "--kind", "Group", "--out", "x")
    assert exported.exit_code == 0, exported.output
    text = (platform.root / "x" / "groups" / "partners-desk.yaml").read_text(encoding="utf-8")
    spec = yaml.safe_load(text)["spec"]
    assert spec["max_shareable_marking"] == ["TLP:GREEN"], text
    assert spec["not_shareable_marking_types"] == ["PAP"], text
    planned = platform.run("plan", "x")
    assert "~ opencti.Group/Partners desk" in planned.stdout, planned.output  # adoption only
    assert "    ~ description:" in planned.stdout, planned.output
    assert "shareable" not in planned.stdout, planned.output


def test_s23a_old_keys_are_refused_as_opencti_has_no_such_attribute(
    platform: Platform,
) -> None:
    client = _pycti(platform)
    created = client.group.create(
        name="Old keys", group_confidence_level={"max_confidence": 60, "overrides": []}
    )
    assert created is not None
    green = _marking_ids(platform)["TLP:GREEN"]
    for key, value in (("max_shareable_marking", green), ("not_shareable_marking_types", "PAP")):
        with pytest.raises(ValueError, match=f"Invalid input key {key}"):
            client.group.update_field(id=created["id"], input=[{"key": key, "value": [value]}])
    assert _group(client, "Old keys")["not_shareable_marking_types"] == []


def test_s23a_a_deleted_marking_leaves_the_groups_shareable_markings(
    platform: Platform,
) -> None:
    """OpenCTI's markingDefinitionDelete drops, from each group whose entries name the
    marking, the entries of its type and the 'none' ones (its filter)."""
    platform.write("m/group.yaml", GROUP)
    assert platform.run("apply", "m", "--auto-approve").exit_code == 0
    client = _pycti(platform)
    client.marking_definition.delete(id=_marking_ids(platform)["ACME: partners"])
    read = _group(client, "Sharers")
    assert [m["definition"] for m in read["max_shareable_marking"]] == ["TLP:AMBER"]
    assert read["not_shareable_marking_types"] == []
