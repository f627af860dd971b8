"""A manifest that declares JupiterOne's built-in Administrators group leaving
`abacPermissions` out (to manage its members or description only) took accessAdmin away
from every administrator, and `members: []` removed them all: no one would administer
the account, the API key's owner perhaps included, and no safety limit stopped it. Such
a plan is now blocked as the safety gate blocks (exit 3, `apply --force` proceeds)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.hostile.in_process import jupiterone_run

USERS = [{"email": e, "firstName": "F", "lastName": "L"} for e in ("ann@x.io", "bo@x.io")]
SEED = {
    "users": USERS,
    "iamGroups": [
        {
            "name": "Administrators",
            "description": "Admin users",
            "abacPermissions": ["accessAdmin"],
            "members": ["ann@x.io"],
        }
    ],
}


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with running_emulator(seed=SEED) as emulator:
        yield emulator


def _declare(folder: Path, spec: str) -> Path:
    folder.mkdir(exist_ok=True)
    document = (
        "apiVersion: j1sync/v1\nkind: IamGroup\nmetadata:\n  name: Administrators\nspec:\n" + spec
    )
    (folder / "admins.yaml").write_text(document, encoding="utf-8")
    return folder


def _administrators(emu: Emulator) -> dict[str, object]:
    [group] = [g for g in emu.snapshot()["iam_groups"] if g["name"] == "Administrators"]
    return group


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        (
            "  description: Admins\n  members: [ann@x.io, bo@x.io]\n",
            "IamGroup/Administrators: the update takes accessAdmin from the account's "
            "administrators",
        ),
        (
            "  description: Admin users\n  abacPermissions: [accessAdmin]\n  members: []\n",
            "IamGroup/Administrators: the update removes every member of the account's "
            "administrators (1): no one would administer the account",
        ),
    ],
)
def test_taking_the_administrators_away_is_blocked(
    emu: Emulator, tmp_path: Path, spec: str, said: str
) -> None:
    folder = _declare(tmp_path / "m", spec)
    planned = jupiterone_run(emu, "plan", str(folder))
    assert said in planned.output, planned.output
    assert "Blocked by a safety limit" in planned.output
    before = _administrators(emu)
    applied = jupiterone_run(emu, "apply", str(folder), "--auto-approve")
    assert applied.exit_code == 3, applied.output
    assert said in applied.output
    assert _administrators(emu) == before  # nothing changed
    forced = jupiterone_run(emu, "apply", str(folder), "--auto-approve", "--force")
    assert forced.exit_code == 0, forced.output
    assert _administrators(emu) != before


def test_managing_the_administrators_keeping_them_is_not_blocked(
    emu: Emulator, tmp_path: Path
) -> None:
    spec = "  description: Admins\n  abacPermissions: [accessAdmin]\n  members: [bo@x.io]\n"
    folder = _declare(tmp_path / "m", spec)
    applied = jupiterone_run(emu, "apply", str(folder), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Blocked" not in applied.output
