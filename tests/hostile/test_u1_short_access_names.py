"""Role and group names of one character. OpenCTI's roleAdd and groupAdd take a name of
at least 2 characters that is not blank (the schema's @constraint, kept in
schema-6.9.17.graphql as the field's description), as statusTemplateAdd and the
collections' adds do. j1sync checked the length for those kinds only, and the emulator
checked none, so a manifest Role `A` planned and applied against the emulator, and
against OpenCTI failed half-way through an apply (after the changes before it were made).
Now the manifest is an error when it loads, the emulator refuses what OpenCTI's
constraints refuse, and a live role OpenCTI kept from before is left out of an export
with a warning and never deleted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pycti import OpenCTIApiClient

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from tests.hostile.in_process import opencti_run

ROLE_ADD = "mutation($i: RoleAddInput!) { roleAdd(input: $i) { id name } }"
GROUP_ADD = "mutation($i: GroupAddInput!) { groupAdd(input: $i) { id name } }"
CONFIDENCE = {"max_confidence": 50, "overrides": []}


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emulator:
        yield emulator


def test_the_emulator_refuses_what_the_constraints_refuse(emu: OpenCtiEmulator) -> None:
    client = OpenCTIApiClient(emu.url, emu.token, log_level="error")
    with pytest.raises(ValueError, match=r'at "input.name"; Must be at least 2 characters'):
        client.query(ROLE_ADD, {"i": {"name": "A"}})
    with pytest.raises(ValueError, match=r'Must match format "not-blank"'):
        client.query(GROUP_ADD, {"i": {"name": "   ", "group_confidence_level": CONFIDENCE}})
    with pytest.raises(ValueError, match=r'Must match format "not-blank"'):
        vocabulary = {"name": " ", "category": "report_types_ov"}
        client.query("mutation($i: VocabularyAddInput!) { vocabularyAdd(input: $i) { id } }",
                     {"i": vocabulary})  # fmt: skip
    assert client.query(ROLE_ADD, {"i": {"name": "AB"}})["data"]["roleAdd"]["name"] == "AB"
    names = {r["name"] for r in emu.snapshot()["roles"]}
    assert "AB" in names and "A" not in names


def test_a_one_character_role_or_group_is_an_error_before_any_change(
    emu: OpenCtiEmulator,
) -> None:
    Path("m").mkdir()
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m/access.yaml").write_text(
        "apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: fine\n---\n"
        "apiVersion: opencti.j1sync/v1\nkind: Role\nmetadata:\n  name: A\n---\n"
        "apiVersion: opencti.j1sync/v1\nkind: Group\nmetadata:\n  name: G\n"
        "spec:\n  group_confidence_level: {max_confidence: 5}\n",
        encoding="utf-8",
    )
    before = emu.snapshot()
    for command in (["plan", "m"], ["apply", "m", "--auto-approve"]):
        result = opencti_run(emu, *command)
        assert result.exit_code == 1, result.output
        assert (
            "m/access.yaml:9:9: opencti.Role/A: metadata.name: OpenCTI needs a name of at "
            "least 2 characters\n"
            "m/access.yaml:14:9: opencti.Group/G: metadata.name: OpenCTI needs a name of at "
            "least 2 characters"
        ) in result.output
        assert "Traceback" not in result.output
    assert emu.snapshot() == before  # not even the label


def test_a_live_one_character_role_is_left_out_and_kept(emu: OpenCtiEmulator) -> None:
    # kept from before the constraint (the emulator's store, as OpenCTI's, holds it)
    emu.api.insert("Role", {"name": "R", "description": "old\n\nmanaged-by: j1sync"})
    exported = opencti_run(emu, "export", "--system", "opencti", "--out", "ex")
    assert exported.exit_code == 0, exported.output
    assert (
        "Warning: opencti.Role/R: left out of the export: metadata.name: OpenCTI needs a name "
        "of at least 2 characters; j1sync cannot manage it under this name"
    ) in exported.stderr
    assert not Path("ex/roles").exists()
    Path("j1sync.yaml").write_text("paths: [ex]\n", encoding="utf-8")
    applied = opencti_run(emu, "apply", "ex", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "No changes." in applied.output
    assert "R" in {r["name"] for r in emu.snapshot()["roles"]}  # marked, never deleted
