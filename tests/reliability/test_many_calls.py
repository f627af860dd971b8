"""A JupiterOne IAM group update of many calls (members are added and removed
`MEMBERS_PER_REQUEST` to a call: 100 added and 100 removed take 10) while 30%
of the emulator's mutations commit and lose their answer: each re-read shows progress, so
the update runs to the end (exit 0) rather than running out of the executor's ambiguous
attempts (executor/mutations.py); the next plan is empty and no group or member is held
twice. The OpenCTI kinds' counterpart is tests/opencti/test_lost_answers.py."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.reliability.account import ACCOUNT, API_KEY, connection_env

BEFORE = [f"before-{i:03d}@example.com" for i in range(100)]
AFTER = [f"after-{i:03d}@example.com" for i in range(100)]
USERS = {"users": [{"email": e, "firstName": "F", "lastName": "L"} for e in BEFORE + AFTER]}


def _write_group(folder: Path, members: list[str]) -> None:
    document = {
        "apiVersion": "j1sync/v1",
        "kind": "IamGroup",
        "metadata": {"name": "many-members"},
        "spec": {"description": "A group of many members", "members": members},
    }
    (folder / "group.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")


@pytest.mark.parametrize("seed", [5, 23])
def test_an_iam_group_of_many_members_is_replaced_while_answers_are_lost(
    tmp_path: Path, seed: int
) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    _write_group(folder, BEFORE)
    with running_emulator(seed=USERS, api_key=API_KEY, account=ACCOUNT) as emu:
        env = connection_env(emu.url)

        def run(*args: str) -> str:
            result = CliRunner().invoke(cli, list(args), env=env)
            assert result.exit_code == 0, result.output
            return result.output

        run("apply", str(folder), "--auto-approve")
        _write_group(folder, AFTER)  # 100 members added, 100 removed: 10 calls
        emu.switches.lose_responses = 0.3
        emu.switches.reseed(seed)
        applied = run("apply", str(folder), "--auto-approve")
        emu.switches.lose_responses = 0.0
        assert "re-reading" in applied  # answers were lost, and re-reads finished it

        assert "0 to create, 0 to update, 0 to delete" in run(
            "plan", str(folder), "--detailed-exitcode"
        )
        snapshot = emu.snapshot()
        groups = [g for g in snapshot["iam_groups"] if g["name"] == "many-members"]
        assert len(groups) == 1
        email = {u["id"]: u["email"] for u in snapshot["users"]}
        members = [email[i] for i in groups[0]["memberIds"]]
        assert [e for e, n in Counter(members).items() if n > 1] == []
        assert sorted(members) == AFTER
