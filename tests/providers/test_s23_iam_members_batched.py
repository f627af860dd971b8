"""An IAM group's members are added and removed `MEMBERS_PER_REQUEST` to a request
(aliased root fields), not one request each after another: through the CLI against the
emulator, the requests are counted, the members held, and a member JupiterOne refuses
stops the change where the single mutations stopped (GraphQL runs a mutation's root
fields in order and stops at the first failed non-null one)."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.iam_groups import MEMBERS_PER_REQUEST
from tests.reliability.account import ACCOUNT, API_KEY, connection_env

USERS = [f"user-{i:02d}@example.com" for i in range(2 * MEMBERS_PER_REQUEST + 5)]
SEED = {"users": [{"email": e, "firstName": "F", "lastName": "L"} for e in USERS]}
ADD = "J1SyncAddIamGroupMembers"
REMOVE = "J1SyncRemoveIamGroupMembers"


def _write_group(folder: Path, members: list[str]) -> None:
    document = {
        "apiVersion": "j1sync/v1",
        "kind": "IamGroup",
        "metadata": {"name": "responders"},
        "spec": {"description": "On call", "members": members},
    }
    (folder / "group.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")


def _members(emu: object) -> list[str]:
    snapshot = emu.snapshot()  # type: ignore[attr-defined]
    email = {u["id"]: u["email"] for u in snapshot["users"]}
    group = next(g for g in snapshot["iam_groups"] if g["name"] == "responders")
    return [email[i] for i in group["memberIds"]]


def test_members_go_many_to_a_request(tmp_path: Path) -> None:
    with running_emulator(seed=SEED, api_key=API_KEY, account=ACCOUNT) as emu:
        env = connection_env(emu.url)

        def run(*args: str, code: int = 0) -> str:
            result = CliRunner().invoke(cli, list(args), env=env)
            assert result.exit_code == code, result.output
            return result.output

        _write_group(tmp_path, USERS)
        run("apply", str(tmp_path), "--auto-approve")
        assert emu.stats.operations[ADD] == 3  # 20 + 20 + 5, not 45
        assert sorted(_members(emu)) == USERS

        kept, gained = USERS[:3], ["user-99@example.com"]
        emu.backend.store.insert(
            "users",
            {"id": "u-99", "email": gained[0], "firstName": "F", "lastName": "L"},
        )
        _write_group(tmp_path, kept + gained)
        run("apply", str(tmp_path), "--auto-approve")
        assert emu.stats.operations[ADD] == 4  # one request for the one gained
        assert emu.stats.operations[REMOVE] == 3  # 42 removed: 20 + 20 + 2
        assert sorted(_members(emu)) == sorted(kept + gained)
        run("plan", str(tmp_path), "--detailed-exitcode")


def test_a_refused_member_stops_the_change_there(tmp_path: Path) -> None:
    """A user deleted between the saved plan and its apply: JupiterOne's refusal names
    the email, the members before it are added, those after it are not, and the next
    apply (its plan made again) reports the user missing before changing anything."""
    members = USERS[:5]
    with running_emulator(seed=SEED, api_key=API_KEY, account=ACCOUNT) as emu:
        env = connection_env(emu.url)
        runner = CliRunner()
        _write_group(tmp_path, [])
        assert (
            runner.invoke(cli, ["apply", str(tmp_path), "--auto-approve"], env=env).exit_code == 0
        )
        _write_group(tmp_path, members)
        saved = tmp_path / "plan.json"
        planned = runner.invoke(cli, ["plan", str(tmp_path), "--out", str(saved)], env=env)
        assert planned.exit_code in (0, 2), planned.output
        gone = next(u for u in emu.snapshot()["users"] if u["email"] == members[2])
        emu.backend.store.delete("users", gone["id"])

        applied = runner.invoke(cli, ["apply", "--plan", str(saved), "--auto-approve"], env=env)
        assert applied.exit_code == 1, applied.output
        assert f"User with email {members[2]} not found in account" in applied.output
        assert "Traceback" not in applied.output
        assert _members(emu) == members[:2]

        again = runner.invoke(cli, ["apply", str(tmp_path), "--auto-approve"], env=env)
        assert again.exit_code == 1, again.output
        assert f"no user '{members[2]}' in the account" in again.output
        assert _members(emu) == members[:2]
