"""An OpenCTI description keeps its Windows line ends. Every text was read with `\\r\\n`
made `\\n`: a role's or group's description `crlf\\r\\nline2\\r\\n` was exported as
`crlf\\nline2`, the plan's `before` showed it so, and adopting it wrote that text back.
OpenCTI trims the outer whitespace of a text an update sends and nothing else
(schema-validator.ts validateAndFormatSchemaAttribute: `value.trim()`), so only that is
ignored (docs/opencti.md): export writes the text with its line ends, apply adds the
marker after it, and a hand edit of its line ends is a change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from tests.hostile.in_process import opencti_graphql, opencti_run

MARKER = "managed-by: j1sync"
TEXT = "crlf\r\nline2\r\n"
KEPT = "crlf\r\nline2"  # outer whitespace is what OpenCTI trims (and j1sync ignores)
WRITTEN = f"crlf\r\nline2\r\n\r\n{MARKER}"  # the text, then the marker in its line ends
ROLE_ADD = "mutation($i: RoleAddInput!) { roleAdd(input: $i) { id } }"
GROUP_ADD = "mutation($i: GroupAddInput!) { groupAdd(input: $i) { id } }"
ADDRESSES = ("opencti.Role/Crlf role", "opencti.Group/Crlf group")


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emulator:
        opencti_graphql(emulator, ROLE_ADD, {"i": {"name": "Crlf role", "description": TEXT}})
        confidence = {"max_confidence": 50, "overrides": []}
        group = {"name": "Crlf group", "description": TEXT, "group_confidence_level": confidence}
        opencti_graphql(emulator, GROUP_ADD, {"i": group})
        exported = opencti_run(
            emulator,
            "export",
            "--system",
            "opencti",
            "--kind",
            "Role",
            "--kind",
            "Group",
            "--out",
            "exported",
        )
        assert exported.exit_code == 0, exported.output
        Path("j1sync.yaml").write_text("paths: [exported]\n", encoding="utf-8")
        yield emulator


def stored(emu: OpenCtiEmulator, collection: str, name: str) -> dict[str, Any]:
    return next(o for o in emu.snapshot()[collection] if o["name"] == name)


def changes(emu: OpenCtiEmulator) -> dict[str, dict[str, Any]]:
    planned = opencti_run(emu, "plan", "--format", "json")
    assert planned.exit_code == 0, planned.output
    return {c["address"]: c for c in json.loads(planned.stdout)["changes"]}


def test_export_and_adoption_keep_the_line_ends(emu: OpenCtiEmulator) -> None:
    for path in ("exported/roles/crlf-role.yaml", "exported/groups/crlf-group.yaml"):
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["spec"]
        assert spec["description"] == KEPT, path

    planned = changes(emu)
    for address in ADDRESSES:
        change = planned[address]
        assert change["changed_paths"] == ["description"], address
        before, after = change["before"]["description"], change["after"]["description"]
        assert (before, after) == (KEPT, WRITTEN), address

    applied = opencti_run(emu, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert stored(emu, "roles", "Crlf role")["description"] == WRITTEN
    assert stored(emu, "groups", "Crlf group")["description"] == WRITTEN
    again = opencti_run(emu, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_a_hand_edit_of_line_ends_is_a_change(emu: OpenCtiEmulator) -> None:
    applied = opencti_run(emu, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    role = stored(emu, "roles", "Crlf role")["id"]
    edit = (
        "mutation($id: ID!, $input: [EditInput]!) "
        "{ roleEdit(id: $id) { fieldPatch(input: $input) { id } } }"
    )
    unix = f"crlf\nline2\n\n{MARKER}"  # by hand: the same words, Unix line ends
    patch = [{"key": "description", "value": [unix]}]
    opencti_graphql(emu, edit, {"id": role, "input": patch})

    drift = opencti_run(emu, "drift")
    assert drift.exit_code == 2, drift.output
    assert "opencti.Role/Crlf role" in drift.output
    assert "opencti.Group/Crlf group" not in drift.output
    assert changes(emu)["opencti.Role/Crlf role"]["before"]["description"] == unix

    applied = opencti_run(emu, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert stored(emu, "roles", "Crlf role")["description"] == WRITTEN
