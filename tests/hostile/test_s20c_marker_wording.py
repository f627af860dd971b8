"""What j1sync says an OpenCTI object carries when it manages it. OpenCTI objects have no
tags: a role, group, vocabulary entry, collection or feed is j1sync's when the last line of
its description is `managed-by: <managedTag>` (docs/opencti.md, "Ownership"). The prune
refusal in j1sync.yaml, a plan's delete reason and its adopt reason said "the managed tag",
which the user looks for in OpenCTI and finds nowhere. They now name the marker line, as
the user's data holds it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from tests.hostile.in_process import opencti_run

MARK = "the marker line 'managed-by: j1sync' as the last line of the description"


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emulator:
        yield emulator


def _role(name: str, description: str) -> str:
    return (
        "apiVersion: opencti.j1sync/v1\nkind: Role\n"
        f"metadata:\n  name: {name}\nspec:\n  description: {description}\n"
    )


def test_prune_of_a_marked_kind_names_the_marker_line(emu: OpenCtiEmulator) -> None:
    Path("m").mkdir()
    Path("m/role.yaml").write_text(_role("Analyst", "reads"), encoding="utf-8")
    Path("j1sync.yaml").write_text("opencti:\n  prune:\n    Role: true\n", encoding="utf-8")
    result = opencti_run(emu, "plan", "m")
    assert result.exit_code == 1, result.output
    assert (
        "j1sync.yaml:3:11: j1sync.yaml: opencti.prune.Role: Role takes no prune setting: "
        "OpenCTI Role objects are deleted when they carry the marker line "
        "'managed-by: <managedTag>' as the last line of the description and no manifest "
        "declares them, whatever prune says"
    ) in result.output
    assert "managed tag" not in result.output


def test_delete_and_adopt_reasons_name_the_marker_line(emu: OpenCtiEmulator) -> None:
    emu.api.insert("Role", {"name": "Old team", "description": "gone\n\nmanaged-by: j1sync"})
    emu.api.insert("Role", {"name": "Kept", "description": "kept\n\nmanaged-by: j1sync"})
    emu.api.insert("Role", {"name": "Hand made", "description": "by hand"})
    Path("m").mkdir()
    both = _role("Hand made", "by hand") + "---\n" + _role("Kept", "kept")
    Path("m/role.yaml").write_text(both, encoding="utf-8")
    result = opencti_run(emu, "plan", "m")
    assert result.exit_code == 0, result.output
    assert f"carries {MARK} and no manifest declares it" in result.output
    assert f"adopt: an existing object without {MARK} is now declared" in result.output
    assert "managed tag" not in result.output
