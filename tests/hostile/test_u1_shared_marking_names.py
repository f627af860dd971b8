"""A group naming a marking whose definition several markings share. OpenCTI keys a
marking by its definition and type, so `CONFIDENTIAL` may be a statement marking and an
internal one; j1sync names markings by definition. A group manifest naming
`CONFIDENTIAL` was applied, and the group was given whichever of the two j1sync met
first: an access to a marking nobody chose. Now a change that must send that marking's
id (a create, an added allowed or shareable marking, a changed default-marking entry)
stops the run before any plan, at the name in the manifest, naming both ids; a group that
already holds the marking exports and plans as before, and changes of its other fields
apply."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pycti import OpenCTIApiClient

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from tests.hostile.in_process import opencti_run

GROUP_ADD = "mutation($i: GroupAddInput!) { groupAdd(input: $i) { id } }"
RELATION_ADD = (
    "mutation($id: ID!, $i: InternalRelationshipAddInput!) "
    "{ groupEdit(id: $id) { relationAdd(input: $i) { id } } }"
)


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emulator:
        yield emulator


@pytest.fixture
def markings(emu: OpenCtiEmulator) -> dict[str, Any]:
    """Two markings `CONFIDENTIAL` (statement, internal) and the group `Holders`, which
    has access to the statement one."""
    client = OpenCTIApiClient(emu.url, emu.token, log_level="error")
    statement = client.marking_definition.create(
        definition_type="statement", definition="CONFIDENTIAL", x_opencti_order=1
    )
    internal = client.marking_definition.create(
        definition_type="internal", definition="CONFIDENTIAL", x_opencti_order=2
    )
    group = {"name": "Holders", "group_confidence_level": {"max_confidence": 10, "overrides": []}}
    holders = client.query(GROUP_ADD, {"i": group})["data"]["groupAdd"]["id"]
    access = {"toId": statement["id"], "relationship_type": "accesses-to"}
    client.query(RELATION_ADD, {"id": holders, "i": access})
    return {"statement": statement["id"], "internal": internal["id"]}


def write_group(name: str, spec: str) -> None:
    Path("m").mkdir(exist_ok=True)
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m/group.yaml").write_text(
        f"apiVersion: opencti.j1sync/v1\nkind: Group\nmetadata:\n  name: {name}\nspec:\n"
        f"  group_confidence_level: {{max_confidence: 10}}\n{spec}",
        encoding="utf-8",
    )


def test_a_change_naming_a_shared_marking_stops_before_any_plan(
    emu: OpenCtiEmulator, markings: dict[str, Any]
) -> None:
    ids = sorted([(markings["internal"], "internal"), (markings["statement"], "statement")])
    both = f"(ids {ids[0][0]} ({ids[0][1]}), {ids[1][0]} ({ids[1][1]}))"
    message = (
        f"2 MarkingDefinition objects in OpenCTI have this name {both}; j1sync never guesses "
        "which one is meant: rename all but one in OpenCTI"
    )
    write_group(
        "Readers",
        "  allowed_marking: [TLP:GREEN, CONFIDENTIAL]\n"
        "  max_shareable_marking: [CONFIDENTIAL]\n"
        "  default_marking:\n    - values: [CONFIDENTIAL]\n",
    )
    before = emu.snapshot()
    for command in (["plan", "m"], ["apply", "m", "--auto-approve"]):
        result = opencti_run(emu, *command)
        assert result.exit_code == 1, result.output
        for where in (
            "m/group.yaml:7:32: opencti.Group/Readers: spec.allowed_marking[1]: ",
            "m/group.yaml:8:27: opencti.Group/Readers: spec.max_shareable_marking[0]: ",
            "m/group.yaml:10:16: opencti.Group/Readers: spec.default_marking[0].values[0]: ",
        ):
            assert where + message in result.output, result.output
        assert "Plan:" not in result.output and "Traceback" not in result.output
    assert emu.snapshot() == before

    # the group that holds one of them: a new default marking naming it is refused too
    write_group("Holders", "  allowed_marking: [CONFIDENTIAL]\n  default_marking:\n"
                "    - values: [CONFIDENTIAL]\n")  # fmt: skip
    refused = opencti_run(emu, "plan", "m")
    assert refused.exit_code == 1, refused.output
    assert "spec.default_marking[0].values[0]: " + message in refused.output
    assert "spec.allowed_marking" not in refused.output  # held already: no id to send


def test_a_group_holding_a_shared_marking_exports_plans_and_changes(
    emu: OpenCtiEmulator, markings: dict[str, Any]
) -> None:
    exported = opencti_run(emu, "export", "--system", "opencti", "--kind", "Group", "--out", "m")
    assert exported.exit_code == 0, exported.output
    written = Path("m/groups/holders.yaml").read_text(encoding="utf-8")
    assert "allowed_marking:\n    - CONFIDENTIAL\n" in written
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    planned = opencti_run(emu, "plan", "m")
    assert planned.exit_code == 0, planned.output
    assert "0 to create, 1 to update, 0 to delete" in planned.output  # the adoption

    Path("m/groups/holders.yaml").write_text(
        written.replace("    - CONFIDENTIAL\n", "    - CONFIDENTIAL\n    - TLP:GREEN\n"),
        encoding="utf-8",
    )
    applied = opencti_run(emu, "apply", "m", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    holders = next(g for g in emu.snapshot()["groups"] if g["name"] == "Holders")
    held = holders["allowed_marking_ids"]
    assert markings["statement"] in held and markings["internal"] not in held, holders
    again = opencti_run(emu, "plan", "m", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
