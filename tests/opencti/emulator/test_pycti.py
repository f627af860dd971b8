"""pycti 6.9.17, OpenCTI's official Python client, runs unchanged against the emulator:
it connects (its health check), then lists, reads, creates, updates and deletes marking
definitions, labels, kill chain phases, vocabularies, roles and groups through its own
methods, and its standard ids are the emulator's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pycti import OpenCTIApiClient
from pycti.entities.opencti_kill_chain_phase import KillChainPhase
from pycti.entities.opencti_label import Label
from pycti.entities.opencti_marking_definition import MarkingDefinition
from pycti.entities.opencti_vocabulary import Vocabulary

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator


@pytest.fixture(scope="module")
def emu() -> Iterator[OpenCtiEmulator]:
    with running_opencti_emulator() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def client(emu: OpenCtiEmulator) -> OpenCTIApiClient:
    return OpenCTIApiClient(emu.url, emu.token, log_level="error")


def _eq(key: str, value: str) -> dict[str, Any]:
    return {"mode": "and", "filters": [{"key": key, "values": [value]}], "filterGroups": []}


def test_connects_and_reads_the_fresh_platform(client: OpenCTIApiClient) -> None:
    assert client.health_check() is True
    definitions = {m["definition"] for m in client.marking_definition.list()}
    assert {"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"} <= definitions
    assert {"PAP:CLEAR", "PAP:RED"} <= definitions
    assert {r["name"] for r in client.role.list()} >= {"Administrator", "Connector", "Default"}
    assert {g["name"] for g in client.group.list()} >= {"Administrators", "Connectors", "Default"}
    capabilities = {c["name"] for c in client.capability.list()}
    assert {"BYPASS", "SETTINGS_SETACCESSES", "SETTINGS_SETMARKINGS"} <= capabilities


def test_tlp_markings_have_the_ids_pycti_expects(client: OpenCTIApiClient) -> None:
    red = client.marking_definition.read(filters=_eq("definition", "TLP:RED"))
    assert red is not None
    assert red["standard_id"] == MarkingDefinition.generate_id("TLP", "TLP:RED")


def test_marking_definitions(client: OpenCTIApiClient) -> None:
    created = client.marking_definition.create(
        definition_type="statement", definition="Copyright j1sync", x_opencti_order=7,
        x_opencti_color="#123456",
    )  # fmt: skip
    assert created["standard_id"] == MarkingDefinition.generate_id("statement", "Copyright j1sync")
    again = client.marking_definition.create(
        definition_type="statement", definition="Copyright j1sync", x_opencti_order=7
    )
    assert again["id"] == created["id"]  # the natural key: no duplicate
    read = client.marking_definition.read(id=created["id"])
    assert read["x_opencti_color"] == "#123456"
    by_standard_id = client.marking_definition.read(id=created["standard_id"])
    assert by_standard_id["id"] == created["id"]
    client.marking_definition.update_field(
        id=created["id"], input=[{"key": "x_opencti_color", "value": ["#654321"]}]
    )
    assert client.marking_definition.read(id=created["id"])["x_opencti_color"] == "#654321"
    found = client.marking_definition.list(filters=_eq("definition_type", "statement"))
    assert [m["definition"] for m in found] == ["Copyright j1sync"]
    client.marking_definition.delete(id=created["id"])
    assert client.marking_definition.read(id=created["id"]) is None


def test_labels(client: OpenCTIApiClient) -> None:
    created = client.label.create(value="ransomware-watch", color="#ff0000")
    assert created["standard_id"] == Label.generate_id("ransomware-watch")
    assert client.label.create(value="ransomware-watch")["id"] == created["id"]
    assert client.label.read(filters=_eq("value", "ransomware-watch"))["id"] == created["id"]
    assert [lb["value"] for lb in client.label.list(search="ransomware")] == ["ransomware-watch"]
    client.label.update_field(id=created["id"], input={"key": "color", "value": "#00ff00"})
    assert client.label.read(id=created["id"])["color"] == "#00ff00"
    client.label.delete(id=created["id"])
    assert client.label.read(id=created["id"]) is None
    assert client.label.list(search="ransomware") == []


def test_kill_chain_phases(client: OpenCTIApiClient) -> None:
    created = client.kill_chain_phase.create(
        kill_chain_name="mitre-attack", phase_name="initial-access", x_opencti_order=1
    )
    assert created["standard_id"] == KillChainPhase.generate_id("initial-access", "mitre-attack")
    read = client.kill_chain_phase.read(filters=_eq("phase_name", "initial-access"))
    assert read["id"] == created["id"]
    client.kill_chain_phase.update_field(
        id=created["id"], input={"key": "x_opencti_order", "value": 5}
    )
    assert client.kill_chain_phase.read(id=created["id"])["x_opencti_order"] == 5
    assert [p["phase_name"] for p in client.kill_chain_phase.list()] == ["initial-access"]
    client.kill_chain_phase.delete(id=created["id"])
    assert client.kill_chain_phase.list() == []


def test_vocabularies(client: OpenCTIApiClient) -> None:
    reports = client.vocabulary.list(filters=_eq("category", "report_types_ov"))
    assert {v["name"] for v in reports} == {"internal-report", "threat-report"}
    assert all(v["category"]["key"] == "report_types_ov" for v in reports)
    created = client.vocabulary.create(
        name="vendor-report", category="report_types_ov", description="From a vendor"
    )
    assert created["name"] == "vendor-report"
    read = client.vocabulary.read(id=created["id"])
    assert read["category"]["fields"] == [{"key": "report_types"}]
    client.vocabulary.update_field(
        id=created["id"], input={"key": "description", "value": ["Bought"]}
    )
    patched = client.vocabulary.read(filters=_eq("name", "vendor-report"))
    assert patched["id"] == created["id"]
    found = client.query(
        "query V($id: String!) { vocabulary(id: $id) { standard_id description } }",
        {"id": created["id"]},
    )["data"]["vocabulary"]
    assert found["description"] == "Bought"
    assert found["standard_id"] == Vocabulary.generate_id("vendor-report", "report_types_ov")


def test_roles(client: OpenCTIApiClient) -> None:
    role = client.role.create(name="Marking managers", description="Manage markings")
    assert role["capabilities"] == []
    capabilities = {c["name"]: c["id"] for c in client.capability.list()}
    relation = client.role.add_capability(
        id=role["id"], capability_id=capabilities["SETTINGS_SETMARKINGS"]
    )
    assert relation["from"]["name"] == "Marking managers"
    assert relation["to"]["name"] == "SETTINGS_SETMARKINGS"
    client.role.add_capability(id=role["id"], capability_id=capabilities["SETTINGS_SETLABELS"])
    read = client.role.read(id=role["id"])
    assert {c["name"] for c in read["capabilities"]} == {
        "SETTINGS_SETMARKINGS",
        "SETTINGS_SETLABELS",
    }
    client.role.delete_capability(id=role["id"], capability_id=capabilities["SETTINGS_SETLABELS"])
    client.role.update_field(id=role["id"], input={"key": "description", "value": ["Markings"]})
    read = client.role.read(id=role["id"])
    assert [c["name"] for c in read["capabilities"]] == ["SETTINGS_SETMARKINGS"]
    assert read["description"] == "Markings"
    client.role.delete(id=role["id"])
    assert client.role.read(id=role["id"]) is None


def test_groups(client: OpenCTIApiClient) -> None:
    group = client.group.create(
        name="Analysts", description="Tier 1",
        group_confidence_level={"max_confidence": 60, "overrides": []},
    )  # fmt: skip
    assert group["group_confidence_level"]["max_confidence"] == 60
    default_role = next(r for r in client.role.list() if r["name"] == "Default")
    green = client.marking_definition.read(filters=_eq("definition", "TLP:GREEN"))
    amber = client.marking_definition.read(filters=_eq("definition", "TLP:AMBER"))
    client.group.add_role(id=group["id"], role_id=default_role["id"])
    client.group.add_allowed_marking(id=group["id"], marking_id=green["id"])
    client.group.add_allowed_marking(id=group["id"], marking_id=amber["id"])
    client.group.edit_default_marking(id=group["id"], marking_ids=[green["id"]])
    client.group.update_field(id=group["id"], input=[{"key": "auto_new_marking", "value": [True]}])
    read = client.group.read(id=group["id"])
    assert [r["name"] for r in read["roles"]] == ["Default"]
    assert {m["definition"] for m in read["allowed_marking"]} == {"TLP:GREEN", "TLP:AMBER"}
    assert read["default_marking"] == [
        {
            "entity_type": "GLOBAL",
            "values": [
                {
                    "id": green["id"],
                    "standard_id": green["standard_id"],
                    "definition_type": "TLP",
                    "definition": "TLP:GREEN",
                }
            ],
        }
    ]
    assert read["auto_new_marking"] is True
    client.group.delete_allowed_marking(id=group["id"], marking_id=amber["id"])
    client.group.delete_role(id=group["id"], role_id=default_role["id"])
    read = client.group.read(id=group["id"])
    assert read["roles"] == []
    assert [m["definition"] for m in read["allowed_marking"]] == ["TLP:GREEN"]
    client.group.delete(id=group["id"])
    assert client.group.read(id=group["id"]) is None


def test_a_user_without_the_capability_is_refused_as_opencti_refuses(
    emu: OpenCtiEmulator,
) -> None:
    analyst = OpenCTIApiClient(emu.url, emu.limited_token, log_level="error")
    assert {m["definition"] for m in analyst.marking_definition.list()} >= {"TLP:RED"}
    with pytest.raises(ValueError, match=r"You are not allowed to do this\."):
        analyst.label.create(value="not-allowed")
    with pytest.raises(ValueError, match=r"You are not allowed to do this\."):
        analyst.role.list()
    admin = OpenCTIApiClient(emu.url, emu.token, log_level="error")
    assert admin.label.list(search="not-allowed") == []


def test_read_or_create_finds_before_it_creates(client: OpenCTIApiClient) -> None:
    created = client.label.read_or_create_unchecked(value="phishing", color="#0000ff")
    found = client.label.read_or_create_unchecked(value="phishing")
    assert found["id"] == created["id"]
    assert [lb["value"] for lb in client.label.list(search="phishing")] == ["phishing"]
    client.label.delete(id=created["id"])
