"""apply's report of a create refused after its first request took effect. An IAM group is
made by createIamGroup, then its members are added; when adding them is refused for good,
the report said `failed  create IamGroup/security-engineers: ...` and `0 created`, while
the account held the group (without its members): a reviewer read that nothing was made.
The executor now re-reads a create refused for good by name, and the failure says the
object exists, made in part, and that the next apply finishes it (which it does). A
create refused at its first request says only the refusal."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run as run

EXAMPLE = Path(__file__).parents[2] / "examples/manifests/iam-groups/security-engineers.yaml"
ADDRESS = "IamGroup/security-engineers"


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    shutil.copy(EXAMPLE, "m/group.yaml")
    with running_emulator(seed=BASE_SEED) as emu:
        yield emu


def failed_line(stdout: str) -> str:
    [line] = [line for line in stdout.splitlines() if line.startswith("failed ")]
    return line


def test_a_create_made_in_part_says_so(emu: Emulator) -> None:
    emu.switches.fail_mutation("addIamUserToGroupByEmail", mode="error")
    result = run(emu, "apply", "m", "--auto-approve")
    assert result.exit_code == 1, result.output
    line = failed_line(result.stdout)
    assert line.startswith(f"failed  create {ADDRESS}: "), line
    assert f"yet {ADDRESS} exists now: made in part" in line, line
    assert "the next apply finishes it" in line, line

    emu.switches.failures.clear()
    again = run(emu, "apply", "m", "--auto-approve")
    assert again.exit_code == 0, again.output
    assert f"updated {ADDRESS}" in again.stdout.splitlines(), again.stdout
    assert run(emu, "plan", "m", "--detailed-exitcode").exit_code == 0


def test_a_create_refused_at_its_first_request_says_only_why(emu: Emulator) -> None:
    emu.switches.fail_mutation("createIamGroup", mode="error")
    result = run(emu, "apply", "m", "--auto-approve")
    assert result.exit_code == 1, result.output
    line = failed_line(result.stdout)
    assert line.startswith(f"failed  create {ADDRESS}: "), line
    assert "exists now" not in line, line


def test_a_create_refused_because_someone_made_it_meanwhile_says_who_may_have(
    emu: Emulator,
) -> None:
    """The group made by hand between apply's read and its create: the create is refused
    (the name is taken), the re-read finds the group, and the failure does not claim this
    apply made it."""

    def made_by_hand() -> None:
        emu.backend.store.insert(
            "iam_groups",
            {
                "id": "by-hand",
                "name": "security-engineers",
                "description": "made by hand",
                "abacPermissions": [],
                "queryPolicy": [],
                "memberIds": [],
                "createdOn": 0,
                "updatedOn": 0,
            },
        )

    emu.switches.after_field("iamGroups", made_by_hand)
    result = run(emu, "apply", "m", "--auto-approve")
    assert result.exit_code == 1, result.output
    line = failed_line(result.stdout)
    assert "already exists" in line, line
    assert "made in part (its first request took effect), or by someone else since the plan" in (
        line
    ), line
