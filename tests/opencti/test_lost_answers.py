"""Updates of many calls (a role's capabilities, a group's roles and markings, a workflow's
statuses) through the command line while 30% of the emulator's mutations commit and lose
their answer: each re-read shows progress, so the update runs to the end (exit 0) rather
than running out of the executor's ambiguous attempts; the next plan is empty and no
object, relation or status is held twice."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.opencti.helpers import Platform, document
from tests.opencti.sharing_manifests import workflow, write_documents

CAPABILITIES = [
    "KNOWLEDGE",
    "KNOWLEDGE_KNUPDATE",
    "KNOWLEDGE_KNPARTICIPATE",
    "KNOWLEDGE_KNUPDATE_KNDELETE",
    "KNOWLEDGE_KNUPDATE_KNMERGE",
    "KNOWLEDGE_KNUPDATE_KNORGARESTRICT",
    "KNOWLEDGE_KNUPLOAD",
    "KNOWLEDGE_KNASKIMPORT",
    "KNOWLEDGE_KNGETEXPORT",
    "KNOWLEDGE_KNENRICHMENT",
    "EXPLORE",
    "EXPLORE_EXUPDATE",
    "INVESTIGATION",
    "INVESTIGATION_INUPDATE",
    "MODULES",
    "MODULES_MODMANAGE",
    "AUTOMATION",
    "AUTOMATION_AUTMANAGE",
    "SETTINGS_SETLABELS",
    "SETTINGS_SETVOCABULARIES",
    "SETTINGS_SETCASETEMPLATES",
    "SETTINGS_SETKILLCHAINPHASES",
    "TAXIIAPI",
    "CSVMAPPERS",
]
TEMPLATES = [f"STEP_{i}" for i in range(1, 7)]
ENTITY_TYPES = ["Report", "Grouping", "Note", "Opinion", "Case-Incident", "Malware"]


def _documents(changed: bool) -> list[dict[str, Any]]:
    """A role, a group holding it and a workflow; `changed`: 12 capabilities added and 12
    removed, the group's roles and markings swapped, most of the workflow replaced."""
    half = 12
    capabilities = CAPABILITIES[half:] if changed else CAPABILITIES[:half]
    if changed:
        roles = ["Bulk", "Administrator", "Connector"]
        allowed = ["TLP:CLEAR", "TLP:AMBER+STRICT", "TLP:RED", "PAP:GREEN", "PAP:RED"]
        marking = "PAP:GREEN"
        statuses = [*TEMPLATES[3:], "TO_BE_QUALIFIED", "ANALYZED", "CLOSED", "NEW"]
    else:
        roles = ["Bulk", "Default"]
        allowed = ["TLP:GREEN", "TLP:AMBER", "PAP:CLEAR", "PAP:AMBER"]
        marking = "TLP:GREEN"
        statuses = ["NEW", "IN_PROGRESS", "PENDING", *TEMPLATES[:3]]
    return [
        document(
            "Role", "Bulk", {"description": "Many capabilities", "capabilities": capabilities}
        ),
        *(document("StatusTemplate", name, {"color": "#123456"}) for name in TEMPLATES),
        document("Workflow", "Report", {"statuses": statuses}),
        document(
            "Group",
            "Bulkers",
            {
                "group_confidence_level": {"max_confidence": 50},
                "roles": roles,
                "allowed_marking": allowed,
                "max_shareable_marking": [marking],
                "default_marking": [{"entity_type": t, "values": [marking]} for t in ENTITY_TYPES],
            },
        ),
    ]


def _held_twice(values: list[str]) -> list[str]:
    return [value for value, count in Counter(values).items() if count > 1]


@pytest.mark.parametrize("seed", [3, 17])
def test_an_update_of_many_calls_finishes_while_answers_are_lost(
    platform: Platform, seed: int
) -> None:
    folder = write_documents(platform, _documents(changed=False))
    created = platform.run("apply", folder, "--auto-approve")
    assert created.exit_code == 0, created.output

    write_documents(platform, _documents(changed=True))
    planned = platform.run("plan", folder)
    for address in ("opencti.Role/Bulk", "opencti.Group/Bulkers", "opencti.Workflow/Report"):
        assert f"~ {address}" in planned.stdout, planned.output
    switches = platform.emu.switches
    switches.lose_responses = 0.3
    switches.reseed(seed)
    platform.emu.stats.reset()
    applied = platform.run("apply", folder, "--auto-approve")
    switches.lose_responses = 0.0
    assert applied.exit_code == 0, applied.output
    # answers were lost: the apply got there through re-reads, not on a quiet server
    assert "re-reading" in applied.output or sum(platform.emu.stats.requests.values()) > 40

    again = platform.run("plan", folder, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    role = platform.one("roles", name="Bulk")
    assert not _held_twice(role["capability_ids"])
    capability = {c["id"]: c["name"] for c in platform.stored("capabilities")}
    assert sorted(capability[i] for i in role["capability_ids"]) == sorted(CAPABILITIES[12:])
    group = platform.one("groups", name="Bulkers")
    for relation in ("role_ids", "allowed_marking_ids"):
        assert not _held_twice(group[relation]), relation
    assert not _held_twice([e["value"] for e in group["max_shareable_markings"]])
    assert len(group["role_ids"]) == 3
    assert sorted(d["entity_type"] for d in group["default_marking"]) == sorted(ENTITY_TYPES)
    assert [name for _, name, _ in workflow(platform, "Report")] == [
        *TEMPLATES[3:],
        "TO_BE_QUALIFIED",
        "ANALYZED",
        "CLOSED",
        "NEW",
    ]
    for collection, key in (("roles", "name"), ("groups", "name"), ("status_templates", "name")):
        assert not _held_twice([str(o[key]) for o in platform.stored(collection)]), collection
