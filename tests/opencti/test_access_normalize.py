"""Role and group states without a server: an API object and the manifest meaning it
compare equal whatever the order of their lists; the addresses a group names; the names
that match nothing, reported with their field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from j1sync.engine.contract import DesiredObject
from j1sync.errors import SourceLocation
from j1sync.providers.opencti.client import OpenCtiClient
from j1sync.providers.opencti.kinds_access import GroupKind, RoleKind
from j1sync.providers.opencti.settings import OpenCtiSettings

SPEC: dict[str, Any] = {
    "description": "The analysts",
    "group_confidence_level": {
        "max_confidence": 75,
        "overrides": [
            {"entity_type": "Report", "max_confidence": 90},
            {"entity_type": "Malware", "max_confidence": 10},
        ],
    },
    "roles": ["Default", "Analyst"],
    "allowed_marking": ["TLP:GREEN", "TLP:AMBER"],
    "default_marking": [
        {"entity_type": "Report", "values": ["TLP:AMBER", "TLP:GREEN"]},
        {"values": ["TLP:GREEN"]},
    ],
}

# How OpenCTI answers the group SPEC describes (other orders; an entity type whose default
# markings were cleared kept with no values).
RAW: dict[str, Any] = {
    "id": "g1",
    "name": "Analysts",
    "description": "The analysts\n\nmanaged-by: j1sync",
    "default_assignation": False,
    "auto_new_marking": False,
    "no_creators": False,
    "restrict_delete": False,
    "not_shareable_marking_types": [],
    "default_hidden_types": None,
    "roles": {
        "edges": [
            {"node": {"id": "r1", "name": "Analyst"}},
            {"node": {"id": "r2", "name": "Default"}},
        ]
    },
    "allowed_marking": [
        {"id": "m2", "definition": "TLP:AMBER"},
        {"id": "m1", "definition": "TLP:GREEN"},
    ],
    "max_shareable_marking": [],
    "default_marking": [
        {"entity_type": "GLOBAL", "values": [{"id": "m1", "definition": "TLP:GREEN"}]},
        {"entity_type": "Malware", "values": []},
        {
            "entity_type": "Report",
            "values": [
                {"id": "m1", "definition": "TLP:GREEN"},
                {"id": "m2", "definition": "TLP:AMBER"},
            ],
        },
    ],
    "group_confidence_level": {
        "max_confidence": 75,
        "overrides": [
            {"entity_type": "Malware", "max_confidence": 10},
            {"entity_type": "Report", "max_confidence": 90},
        ],
    },
}


@pytest.fixture
def client() -> Iterator[OpenCtiClient]:
    # never called: these tests make no request
    found = OpenCtiClient(OpenCtiSettings(token="unused-token", url="http://127.0.0.1:9"))
    yield found
    found.close()


def test_a_live_group_equals_the_manifest_meaning_it(client: OpenCtiClient) -> None:
    kind = GroupKind(client)
    desired = kind.normalize(SPEC, desired=True)
    live = kind.live_object(RAW)
    # left out of the spec, what the group grants is not managed: not compared
    assert "max_shareable_marking" not in desired
    assert live.state["max_shareable_marking"] == []
    assert {k: v for k, v in live.state.items() if k in desired} == desired
    assert set(live.state) - set(desired) == {"max_shareable_marking"}
    assert desired["default_marking"] == [
        {"entity_type": "GLOBAL", "values": ["TLP:GREEN"]},
        {"entity_type": "Report", "values": ["TLP:AMBER", "TLP:GREEN"]},
    ]
    assert desired["group_confidence_level"]["overrides"][0]["entity_type"] == "Malware"
    assert live.managed and not live.builtin


def test_a_group_depends_on_the_roles_and_markings_it_names(client: OpenCtiClient) -> None:
    kind = GroupKind(client)
    state = kind.normalize({**SPEC, "max_shareable_marking": ["PAP:RED"]}, desired=True)
    assert kind.references("Analysts", state) == (
        "opencti.MarkingDefinition/PAP:RED",
        "opencti.MarkingDefinition/TLP:AMBER",
        "opencti.MarkingDefinition/TLP:GREEN",
        "opencti.Role/Analyst",
        "opencti.Role/Default",
    )


def test_names_neither_declared_nor_live_are_reported_where_written(
    client: OpenCtiClient, tmp_path: Path
) -> None:
    kind = GroupKind(client)
    manifest = tmp_path / "groups.yaml"
    document = {"apiVersion": "opencti.j1sync/v1", "kind": "Group"}
    document |= {"metadata": {"name": "Analysts"}, "spec": SPEC}
    manifest.write_text("# the analysts\n" + yaml.safe_dump(document, sort_keys=False))
    state = kind.normalize(SPEC, desired=True)
    desired = DesiredObject(
        "opencti.Group", "Analysts", state, source=SourceLocation(str(manifest), 2, 1)
    )
    known = {"opencti.Role/Analyst", "opencti.MarkingDefinition/TLP:GREEN"}
    lines = manifest.read_text().splitlines()

    def at(item: str, occurrence: int = 1) -> str:
        """file:line:column of the `occurrence`th list item `item` (its value)"""
        found = [(n, line.index(item)) for n, line in enumerate(lines, 1) if f"- {item}" in line]
        number, column = found[occurrence - 1]
        return f"{manifest}:{number}:{column + 1}: opencti.Group/Analysts"

    assert kind.reference_problems([desired], known) == [
        f"{at('Default')}: spec.roles[0]: no Role named 'Default' is declared or in OpenCTI",
        f"{at('TLP:AMBER')}: spec.allowed_marking[1]: no MarkingDefinition named "
        "'TLP:AMBER' is declared or in OpenCTI",
        # the Report entry is the first the manifest writes, its TLP:AMBER the first value
        f"{at('TLP:AMBER', 2)}: spec.default_marking[0].values[0]: no MarkingDefinition "
        "named 'TLP:AMBER' is declared or in OpenCTI",
    ]
    everything = known | {"opencti.Role/Default", "opencti.MarkingDefinition/TLP:AMBER"}
    assert kind.reference_problems([desired], everything) == []
    # a file that no longer reads: the document's place and the list
    manifest.unlink()
    assert kind.reference_problems([desired], known)[0] == (
        f"{manifest}:2:1: opencti.Group/Analysts: spec.roles: no Role named 'Default' is "
        "declared or in OpenCTI"
    )


def test_built_in_roles_and_groups_are_never_managed(client: OpenCtiClient) -> None:
    group = GroupKind(client).live_object({**RAW, "name": "Default"})
    assert group.builtin and not group.managed  # its marker proves nothing: never pruned
    role = RoleKind(client).live_object(
        {
            "id": "r9",
            "name": "Administrator",
            "description": "x\n\nmanaged-by: j1sync",
            "capabilities": [{"id": "c1", "name": "BYPASS"}],
        }
    )
    assert role.builtin and not role.managed
    assert role.state["capabilities"] == ["BYPASS"]


def test_a_role_compares_capabilities_as_a_set(client: OpenCtiClient) -> None:
    kind = RoleKind(client)
    live = kind.live_object(
        {
            "id": "r1",
            "name": "Analyst",
            "description": None,
            "can_manage_sensitive_config": None,
            "capabilities": [{"id": "c2", "name": "EXPLORE"}, {"id": "c1", "name": "KNOWLEDGE"}],
        }
    )
    desired = kind.normalize({"capabilities": ["KNOWLEDGE", "EXPLORE"]}, desired=True)
    assert live.state["capabilities"] == desired["capabilities"] == ["EXPLORE", "KNOWLEDGE"]
    assert live.state["can_manage_sensitive_config"] is False  # null read as its default
    assert desired["description"] == "managed-by: j1sync"
