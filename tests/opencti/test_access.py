"""OpenCTI roles and groups through the command line against the emulator (a real HTTP
server on loopback): create, one field changed at a time (the plan names that path and
the apply touches only it), adoption, built-ins never deleted, drift healed, export then
plan empty, names that match nothing refused before any plan."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from j1sync.providers.opencti.emulator import ANALYST_TOKEN
from tests.opencti.helpers import Platform

ACCESS = """\
apiVersion: opencti.j1sync/v1
kind: Role
metadata:
  name: Analyst
spec:
  description: Analysts who write reports
  capabilities: [KNOWLEDGE, KNOWLEDGE_KNUPDATE, EXPLORE]
---
apiVersion: opencti.j1sync/v1
kind: Group
metadata:
  name: Analysts
spec:
  description: The analysts
  group_confidence_level:
    max_confidence: 75
    overrides:
      - {entity_type: Report, max_confidence: 90}
  roles: [Analyst, Default]
  allowed_marking: ["TLP:GREEN", "TLP:AMBER"]
  max_shareable_marking: ["TLP:GREEN"]
  default_marking:
    - values: ["TLP:GREEN"]
  default_assignation: true
"""


def _project(platform: Platform, text: str = ACCESS) -> str:
    platform.write("j1sync.yaml", "paths: [m]\n")
    platform.write("m/access.yaml", text)
    return "m"


def _ids(platform: Platform, collection: str, key: str) -> dict[str, str]:
    """natural key -> internal id of every stored object of a collection"""
    return {str(o[key]): str(o["id"]) for o in platform.stored(collection)}


def _names(platform: Platform, collection: str, key: str, ids: list[str]) -> set[str]:
    by_id = {v: k for k, v in _ids(platform, collection, key).items()}
    return {by_id[i] for i in ids}


def _json_plan(platform: Platform, folder: str) -> dict[str, Any]:
    planned = platform.run("plan", folder, "--format", "json")
    assert planned.exit_code == 0, planned.output
    found: dict[str, Any] = json.loads(planned.stdout[planned.stdout.index("{") :])
    return found


def _updates(plan: dict[str, Any]) -> dict[str, list[str]]:
    """address -> changed paths of every update"""
    return {c["address"]: c["changed_paths"] for c in plan["changes"] if c["action"] == "update"}


def test_roles_and_groups_are_created_with_their_relations_then_plan_nothing(
    platform: Platform,
) -> None:
    folder = _project(platform)
    assert platform.run("validate", folder).exit_code == 0
    planned = platform.run("plan", folder, "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output
    assert "Plan: 2 to create, 0 to update, 0 to delete" in planned.stdout
    applied = platform.run("apply", folder, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    # the role before the group that holds it
    assert applied.stdout.index("created opencti.Role/Analyst") < applied.stdout.index(
        "created opencti.Group/Analysts"
    )

    role = platform.one("roles", name="Analyst")
    assert role["description"] == "Analysts who write reports\n\nmanaged-by: j1sync"
    assert _names(platform, "capabilities", "name", role["capability_ids"]) == {
        "KNOWLEDGE",
        "KNOWLEDGE_KNUPDATE",
        "EXPLORE",
    }
    group = platform.one("groups", name="Analysts")
    assert group["description"] == "The analysts\n\nmanaged-by: j1sync"
    assert _names(platform, "roles", "name", group["role_ids"]) == {"Analyst", "Default"}
    markings = _ids(platform, "markings", "definition")
    assert set(group["allowed_marking_ids"]) == {markings["TLP:GREEN"], markings["TLP:AMBER"]}
    # stored as OpenCTI stores it: one {type, value} entry per marking type
    assert group["max_shareable_markings"] == [{"type": "TLP", "value": markings["TLP:GREEN"]}]
    assert group["default_marking"] == [
        {"entity_type": "GLOBAL", "values": [markings["TLP:GREEN"]]}
    ]
    assert group["group_confidence_level"] == {
        "max_confidence": 75,
        "overrides": [{"entity_type": "Report", "max_confidence": 90}],
    }
    assert group["default_assignation"] is True

    again = platform.run("plan", folder, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "Plan: 0 to create, 0 to update, 0 to delete" in again.stdout


# (what the manifest says instead, the path the plan shows, what the store then holds)
Check = Callable[[Platform], None]


def _role_caps(platform: Platform) -> set[str]:
    role = platform.one("roles", name="Analyst")
    return _names(platform, "capabilities", "name", role["capability_ids"])


def _group(platform: Platform) -> dict[str, Any]:
    return platform.one("groups", name="Analysts")


def _group_markings(platform: Platform, key: str) -> set[str]:
    return _names(platform, "markings", "definition", _group(platform)[key])


def _shareable_markings(platform: Platform) -> set[str]:
    """The markings of the group's max_shareable_markings entries ('none' left out)."""
    entries = _group(platform)["max_shareable_markings"]
    ids = [e["value"] for e in entries if e["value"] != "none"]
    return _names(platform, "markings", "definition", ids)


FIELD_CHANGES: list[tuple[str, str, str, str, str, Check]] = [
    (
        "role capabilities",
        "capabilities: [KNOWLEDGE, KNOWLEDGE_KNUPDATE, EXPLORE]",
        "capabilities: [KNOWLEDGE, EXPLORE, SETTINGS_SETLABELS]",
        "opencti.Role/Analyst",
        "capabilities",
        lambda p: _assert(_role_caps(p) == {"KNOWLEDGE", "EXPLORE", "SETTINGS_SETLABELS"}),
    ),
    (
        "role description",
        "description: Analysts who write reports",
        "description: Analysts who read reports",
        "opencti.Role/Analyst",
        "description",
        lambda p: _assert(
            p.one("roles", name="Analyst")["description"].startswith("Analysts who read")
        ),
    ),
    (
        "role sensitive configuration",
        "capabilities: [KNOWLEDGE, KNOWLEDGE_KNUPDATE, EXPLORE]",
        "capabilities: [KNOWLEDGE, KNOWLEDGE_KNUPDATE, EXPLORE]\n"
        "  can_manage_sensitive_config: true",
        "opencti.Role/Analyst",
        "can_manage_sensitive_config",
        lambda p: _assert(p.one("roles", name="Analyst")["can_manage_sensitive_config"]),
    ),
    (
        "group roles",
        "roles: [Analyst, Default]",
        "roles: [Analyst]",
        "opencti.Group/Analysts",
        "roles",
        lambda p: _assert(_names(p, "roles", "name", _group(p)["role_ids"]) == {"Analyst"}),
    ),
    (
        "group allowed markings",
        'allowed_marking: ["TLP:GREEN", "TLP:AMBER"]',
        'allowed_marking: ["TLP:GREEN", "TLP:RED", "PAP:CLEAR"]',
        "opencti.Group/Analysts",
        "allowed_marking",
        lambda p: _assert(
            _group_markings(p, "allowed_marking_ids") == {"TLP:GREEN", "TLP:RED", "PAP:CLEAR"}
        ),
    ),
    (
        "group max shareable markings",
        'max_shareable_marking: ["TLP:GREEN"]',
        'max_shareable_marking: ["TLP:AMBER", "PAP:GREEN"]',
        "opencti.Group/Analysts",
        "max_shareable_marking",
        lambda p: _assert(_shareable_markings(p) == {"TLP:AMBER", "PAP:GREEN"}),
    ),
    (
        "group default markings",
        '- values: ["TLP:GREEN"]',
        '- values: ["TLP:GREEN"]\n    - {entity_type: Report, values: ["TLP:AMBER"]}',
        "opencti.Group/Analysts",
        "default_marking[1]",
        lambda p: _assert(
            [e["entity_type"] for e in _group(p)["default_marking"]] == ["GLOBAL", "Report"]
        ),
    ),
    (
        "group confidence",
        "max_confidence: 75",
        "max_confidence: 60",
        "opencti.Group/Analysts",
        "group_confidence_level.max_confidence",
        lambda p: _assert(_group(p)["group_confidence_level"]["max_confidence"] == 60),
    ),
    (
        "group confidence override",
        "{entity_type: Report, max_confidence: 90}",
        "{entity_type: Report, max_confidence: 40}",
        "opencti.Group/Analysts",
        "group_confidence_level.overrides[0].max_confidence",
        lambda p: _assert(
            _group(p)["group_confidence_level"]["overrides"][0]["max_confidence"] == 40
        ),
    ),
    (
        "group auto-join",
        "default_assignation: true",
        "default_assignation: false",
        "opencti.Group/Analysts",
        "default_assignation",
        lambda p: _assert(_group(p)["default_assignation"] is False),
    ),
    (
        "group restrict delete",
        "default_assignation: true",
        "default_assignation: true\n  restrict_delete: true",
        "opencti.Group/Analysts",
        "restrict_delete",
        lambda p: _assert(_group(p)["restrict_delete"] is True),
    ),
    (
        "group hidden types",
        "default_assignation: true",
        "default_assignation: true\n  default_hidden_types: [Malware, Tool]",
        "opencti.Group/Analysts",
        "default_hidden_types",
        lambda p: _assert(sorted(_group(p)["default_hidden_types"]) == ["Malware", "Tool"]),
    ),
]


def _assert(condition: object) -> None:
    assert condition


@pytest.mark.parametrize(
    ("old", "new", "address", "path", "check"),
    [pytest.param(*case[1:], id=case[0]) for case in FIELD_CHANGES],
)
def test_one_field_changed_plans_that_path_and_applies_only_it(
    platform: Platform, old: str, new: str, address: str, path: str, check: Check
) -> None:
    folder = _project(platform)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    assert ACCESS.count(old) == 1
    platform.write("m/access.yaml", ACCESS.replace(old, new))
    assert _updates(_json_plan(platform, folder)) == {address: [path]}
    applied = platform.run("apply", folder, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "1 updated" in applied.stdout
    check(platform)
    assert platform.run("plan", folder, "--detailed-exitcode").exit_code == 0


def test_a_change_of_relations_adds_and_deletes_only_those_that_differ(
    platform: Platform,
) -> None:
    folder = _project(platform)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    patches: list[tuple[str, list[dict[str, Any]]]] = []
    original = platform.emu.api.field_patch

    def spy(entity_type: str, ref: str, edits: list[dict[str, Any]]) -> Any:
        if entity_type in ("Role", "Group"):  # not the apply lock's vocabulary entries
            patches.append((entity_type, [dict(e) for e in edits]))
        return original(entity_type, ref, edits)

    platform.emu.api.field_patch = spy  # type: ignore[method-assign]
    changed = ACCESS.replace(
        "capabilities: [KNOWLEDGE, KNOWLEDGE_KNUPDATE, EXPLORE]",
        "capabilities: [KNOWLEDGE, KNOWLEDGE_KNUPDATE, INVESTIGATION]",
    ).replace('max_shareable_marking: ["TLP:GREEN"]', 'max_shareable_marking: ["TLP:AMBER"]')
    platform.write("m/access.yaml", changed)
    platform.emu.stats.reset()
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    # one capability added and one deleted: two relationship calls, no patch of the role
    assert platform.emu.stats.requests["roleEdit"] == 2
    assert platform.emu.stats.requests["groupEdit"] == 1
    assert "roleAdd" not in platform.emu.stats.requests
    markings = _ids(platform, "markings", "definition")
    assert patches == [
        (
            "Group",
            [
                {
                    "key": "max_shareable_markings",
                    "value": [{"type": "TLP", "value": markings["TLP:AMBER"]}],
                    "operation": "replace",
                },
            ],
        )
    ]
    assert _role_caps(platform) == {"KNOWLEDGE", "KNOWLEDGE_KNUPDATE", "INVESTIGATION"}


def test_an_existing_role_and_group_are_adopted(platform: Platform) -> None:
    caps = _ids(platform, "capabilities", "name")
    platform.emu.api.insert(
        "Role",
        {
            "name": "Analyst",
            "description": "made by hand",
            "capability_ids": [caps["KNOWLEDGE"], caps["SETTINGS"]],
            "can_manage_sensitive_config": False,
        },
    )
    platform.emu.api.insert(
        "Group",
        {
            "name": "Analysts",
            "description": None,
            "role_ids": [],
            "allowed_marking_ids": [],
            "max_shareable_markings": [],
            "default_marking": [],
            "default_hidden_types": [],
            "default_assignation": False,
            "auto_new_marking": False,
            "no_creators": False,
            "restrict_delete": False,
            "group_confidence_level": {"max_confidence": 100, "overrides": []},
        },
    )
    folder = _project(platform)
    planned = platform.run("plan", folder, "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output
    assert "Plan: 0 to create, 2 to update, 0 to delete" in planned.stdout
    assert (
        "adopt: an existing object without the marker line 'managed-by: j1sync'" in planned.stdout
    )
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    assert len([r for r in platform.stored("roles") if r["name"] == "Analyst"]) == 1
    assert _role_caps(platform) == {"KNOWLEDGE", "KNOWLEDGE_KNUPDATE", "EXPLORE"}
    assert _group(platform)["description"] == "The analysts\n\nmanaged-by: j1sync"
    assert platform.run("plan", folder, "--detailed-exitcode").exit_code == 0


BUILT_IN_GROUP = """\
apiVersion: opencti.j1sync/v1
kind: Group
metadata:
  name: Default
spec:
  description: Everyone
  group_confidence_level: {max_confidence: 50}
  roles: [Default]
  default_assignation: true
"""


def test_built_in_roles_and_groups_are_never_deleted_unless_declared(
    platform: Platform,
) -> None:
    built_in = {"roles": {"Administrator", "Connector", "Default"}}
    built_in["groups"] = {"Administrators", "Connectors", "Default"}
    folder = _project(platform, ACCESS + "---\n" + BUILT_IN_GROUP)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    assert platform.one("groups", name="Default")["group_confidence_level"]["max_confidence"] == 50
    # every manifest gone: j1sync's own role and group are pruned, no built-in is, the
    # adopted Default group included (it carries the marker now)
    platform.write("m/access.yaml", "")
    platform.write("m/other.yaml", BUILT_IN_GROUP.replace("name: Default", "name: Readers"))
    planned = platform.run("plan", folder)
    assert "- opencti.Role/Analyst" in planned.stdout, planned.output
    assert "- opencti.Group/Analysts" in planned.stdout
    assert "- opencti.Group/Default" not in planned.stdout
    assert "Plan: 1 to create, 0 to update, 2 to delete" in planned.stdout
    # every managed role and group deleted: the safety gate asks for --force
    assert "every managed object would be deleted" in planned.stdout
    applied = platform.run("apply", folder, "--auto-approve", "--force")
    assert applied.exit_code == 0, applied.output
    for collection, names in built_in.items():
        assert names <= {o["name"] for o in platform.stored(collection)}
    assert "Analyst" not in {r["name"] for r in platform.stored("roles")}


def test_drift_in_relations_is_seen_and_healed(platform: Platform) -> None:
    folder = _project(platform)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    group = _group(platform)
    role_ids = _ids(platform, "roles", "name")
    # someone removes a role from the group and gives it another in OpenCTI
    group["role_ids"] = [role_ids["Analyst"], role_ids["Administrator"]]
    platform.emu.api.replace("Group", group)
    drifted = platform.run("drift", folder)
    assert drifted.exit_code != 0
    assert "opencti.Group/Analysts" in drifted.stdout
    assert "roles" in drifted.stdout
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    assert _names(platform, "roles", "name", _group(platform)["role_ids"]) == {
        "Analyst",
        "Default",
    }
    assert platform.run("drift", folder).exit_code == 0


def test_export_then_plan_is_empty(platform: Platform) -> None:
    folder = _project(platform)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    exported = platform.run(
        "export", "--system", "opencti", "--kind", "Role", "--kind", "Group", "--out", "exported"
    )
    assert exported.exit_code == 0, exported.output
    written = sorted(Path("exported").rglob("*.yaml"))
    texts = {p.name: p.read_text() for p in written}
    assert len(written) == 2, texts  # the built-in roles and groups are left out
    group_file = next(p for p in written if "nalysts" in p.name)
    spec = yaml.safe_load(group_file.read_text().split("\n", 1)[1])["spec"]
    assert spec == {
        "description": "The analysts",
        "group_confidence_level": {
            "max_confidence": 75,
            "overrides": [{"entity_type": "Report", "max_confidence": 90}],
        },
        "roles": ["Analyst", "Default"],
        "allowed_marking": ["TLP:AMBER", "TLP:GREEN"],
        "max_shareable_marking": ["TLP:GREEN"],
        "default_marking": [{"entity_type": "GLOBAL", "values": ["TLP:GREEN"]}],
        "default_assignation": True,
    }
    platform.write("j1sync.yaml", "paths: [exported]\n")
    planned = platform.run("plan", "exported", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "Plan: 0 to create, 0 to update, 0 to delete" in planned.stdout


def test_names_that_match_nothing_stop_the_run_before_any_plan(platform: Platform) -> None:
    wrong = (
        ACCESS.replace("roles: [Analyst, Default]", "roles: [Analyst, Nobody]")
        .replace('max_shareable_marking: ["TLP:GREEN"]', 'max_shareable_marking: ["TLP:GREN"]')
        .replace("KNOWLEDGE_KNUPDATE,", "KNOWLEDGE_KNUPDAT,")
    )
    folder = _project(platform, wrong)
    planned = platform.run("plan", folder)
    assert planned.exit_code not in (0, 2), planned.output
    assert planned.exception is None or isinstance(planned.exception, SystemExit)
    assert "Traceback" not in planned.output
    out = planned.output
    # each at the name as written: file, line and column, then the field
    assert (
        "m/access.yaml:19:20: opencti.Group/Analysts: spec.roles[1]: no Role named 'Nobody' "
        "is declared or in OpenCTI"
    ) in out
    assert (
        "m/access.yaml:21:27: opencti.Group/Analysts: spec.max_shareable_marking[0]: no "
        "MarkingDefinition named 'TLP:GREN' is declared or in OpenCTI"
    ) in out
    assert (
        "m/access.yaml:7:29: opencti.Role/Analyst: spec.capabilities[1]: 'KNOWLEDGE_KNUPDAT' "
        "is not a capability of this OpenCTI; did you mean 'KNOWLEDGE_KNUPDATE'?"
    ) in out
    assert platform.one("groups", name="Default")  # nothing written
    assert "Analyst" not in {r["name"] for r in platform.stored("roles")}


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "max_confidence: 75",
            "max_confidence: 101",
            "spec.group_confidence_level.max_confidence",
            "less than or equal to 100",
        ),
        ("roles: [Analyst, Default]", "roles: [Analyst, Analyst]", "spec.roles[1]", "twice"),
        (
            "{entity_type: Report, max_confidence: 90}",
            "{entity_type: Report, max_confidence: 90}\n      - {entity_type: Report, "
            "max_confidence: 20}",
            "spec.group_confidence_level.overrides[1]",
            "entity_type 'Report' is given twice",
        ),
        (
            "default_assignation: true",
            "default_assignation: yes please",
            "spec.default_assignation",
            "bool",
        ),
        (
            "  description: The analysts\n",
            "  descripton: The analysts\n",
            "spec.descripton",
            "unknown field 'descripton'; did you mean 'description'?",
        ),
    ],
)
def test_bad_access_manifests_name_file_line_and_field(
    platform: Platform, old: str, new: str, field: str, message: str
) -> None:
    assert ACCESS.count(old) == 1
    folder = _project(platform, ACCESS.replace(old, new))
    result = platform.run("validate", folder)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "m/access.yaml:" in result.output
    assert field in result.output, result.output
    assert message in result.output, result.output


CUSTOM_MARKING = """\
apiVersion: opencti.j1sync/v1
kind: MarkingDefinition
metadata:
  name: "STATEMENT:INTERNAL"
spec:
  definition_type: statement
  x_opencti_order: 5
---
"""


def test_a_group_names_a_marking_declared_in_the_same_run(platform: Platform) -> None:
    text = CUSTOM_MARKING + ACCESS.replace(
        'allowed_marking: ["TLP:GREEN", "TLP:AMBER"]',
        'allowed_marking: ["TLP:GREEN", "STATEMENT:INTERNAL"]',
    ).replace('- values: ["TLP:GREEN"]', '- values: ["STATEMENT:INTERNAL"]')
    folder = _project(platform, text)
    applied = platform.run("apply", folder, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "3 created" in applied.stdout
    internal = platform.one("markings", definition="STATEMENT:INTERNAL")["id"]
    group = _group(platform)
    assert internal in group["allowed_marking_ids"]
    assert group["default_marking"] == [{"entity_type": "GLOBAL", "values": [internal]}]
    assert platform.run("plan", folder, "--detailed-exitcode").exit_code == 0


@pytest.mark.parametrize(
    ("field", "match"),
    [("roleAdd", "Analyst"), ("roleEdit", "has-capability"), ("groupEdit", "has-role")],
)
def test_a_write_whose_answer_is_lost_is_re_read_and_finished(
    platform: Platform, field: str, match: str
) -> None:
    folder = _project(platform)
    platform.emu.switches.fail_mutation(field, match=match, mode="lose_response", times=1)
    applied = platform.run("apply", folder, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "re-reading" in applied.stdout, applied.output  # the answer was lost
    assert [r["name"] for r in platform.stored("roles")].count("Analyst") == 1
    assert _role_caps(platform) == {"KNOWLEDGE", "KNOWLEDGE_KNUPDATE", "EXPLORE"}
    assert _names(platform, "roles", "name", _group(platform)["role_ids"]) == {
        "Analyst",
        "Default",
    }
    assert platform.run("plan", folder, "--detailed-exitcode").exit_code == 0


def test_a_role_a_declared_group_names_is_not_pruned_from_under_it(platform: Platform) -> None:
    folder = _project(platform)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    without_role = ACCESS[ACCESS.index("---\n") + 4 :]  # the group alone, still naming it
    platform.write("m/access.yaml", without_role)
    planned = platform.run("plan", folder)
    assert planned.exit_code not in (0, 2), planned.output
    assert "Traceback" not in planned.output
    assert (
        "opencti.Group/Analysts refers to opencti.Role/Analyst, which this plan deletes"
        in planned.output
    )
    assert platform.one("roles", name="Analyst")


ADMINISTRATORS = """\
apiVersion: opencti.j1sync/v1
kind: Group
metadata:
  name: Administrators
spec:
  description: Platform administrators, kept in git
  group_confidence_level: {max_confidence: 100}
  auto_new_marking: true
---
apiVersion: opencti.j1sync/v1
kind: Role
metadata:
  name: Administrator
spec:
  description: Bypass, kept in git
  can_manage_sensitive_config: true
"""


def test_what_a_role_or_group_grants_is_managed_only_when_written(platform: Platform) -> None:
    before_group = platform.one("groups", name="Administrators")
    before_role = platform.one("roles", name="Administrator")
    folder = _project(platform, ADMINISTRATORS)
    planned = _json_plan(platform, folder)
    assert _updates(planned) == {
        "opencti.Group/Administrators": ["description"],
        "opencti.Role/Administrator": ["description"],
    }
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    group = platform.one("groups", name="Administrators")
    assert group["description"].startswith("Platform administrators, kept in git")
    for key in ("role_ids", "allowed_marking_ids", "max_shareable_markings", "default_marking"):
        assert group[key] == before_group[key], key
    role = platform.one("roles", name="Administrator")
    assert role["capability_ids"] == before_role["capability_ids"]  # BYPASS kept
    assert platform.run("plan", folder, "--detailed-exitcode").exit_code == 0
    # written, a list is authoritative: an empty one takes everything away
    platform.write(
        "m/access.yaml",
        ADMINISTRATORS.replace(
            "auto_new_marking: true", "auto_new_marking: true\n  allowed_marking: []"
        ),
    )
    assert _updates(_json_plan(platform, folder)) == {
        "opencti.Group/Administrators": ["allowed_marking"]
    }


def test_a_saved_plan_creates_and_changes_roles_and_groups(platform: Platform) -> None:
    folder = _project(platform)
    saved = platform.run("plan", folder, "--out", "create.json")
    assert saved.exit_code == 0, saved.output
    applied = platform.run("apply", "--plan", "create.json", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "2 created" in applied.stdout
    assert _names(platform, "roles", "name", _group(platform)["role_ids"]) == {
        "Analyst",
        "Default",
    }
    platform.write("m/access.yaml", ACCESS.replace("roles: [Analyst, Default]", "roles: [Default]"))
    assert platform.run("plan", folder, "--out", "change.json").exit_code == 0
    applied = platform.run("apply", "--plan", "change.json", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert _names(platform, "roles", "name", _group(platform)["role_ids"]) == {"Default"}
    assert platform.run("plan", folder, "--detailed-exitcode").exit_code == 0


def test_a_user_without_the_access_capability_is_told_which_call_was_refused(
    platform: Platform,
) -> None:
    folder = _project(platform)
    planned = platform.run("plan", folder, token=ANALYST_TOKEN)
    assert planned.exit_code not in (0, 2)
    assert "Traceback" not in planned.output
    assert "[FORBIDDEN_ACCESS]" in planned.output, planned.output
    assert "(list roles, at roles)" in planned.output or "(list groups, at groups)" in (
        planned.output
    )
    assert ANALYST_TOKEN not in planned.output


def test_a_plan_shows_default_markings_and_overrides_by_entity_type(platform: Platform) -> None:
    folder = _project(platform)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    changed = ACCESS.replace(
        '    - values: ["TLP:GREEN"]',
        '    - {entity_type: Report, values: ["TLP:AMBER"]}\n    - values: ["TLP:GREEN"]',
    ).replace(
        "{entity_type: Report, max_confidence: 90}",
        "{entity_type: Malware, max_confidence: 20}\n      - {entity_type: Report, "
        "max_confidence: 80}",
    )
    platform.write("m/access.yaml", changed)
    planned = platform.run("plan", folder)
    assert planned.exit_code == 0, planned.output
    # an entry added before the others is one `+`, not every entry after it shifted
    assert (
        "      ~ group_confidence_level:\n"
        "      ~   overrides:\n"
        "      +     - entity_type: Malware\n"
        "      +       max_confidence: 20\n"
        "      ~     - entity_type: Report\n"
        "      ~       max_confidence: 90 -> 80\n"
        "      ~ default_marking:\n"
        "      +   - entity_type: Report\n"
        "      +     values:\n"
        "      +       - TLP:AMBER\n"
    ) in planned.stdout
