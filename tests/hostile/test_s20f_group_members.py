"""An IAM group's member who is no user of the account (a typo, 'alise@example.com', or
someone not yet invited): plan showed the group as fine, and apply created it, then failed
on the member ('User with email ... not found in account', as addIamUserToGroupByEmail
adds only the account's users), leaving a group without the members the manifest gives it
and every later apply failing the same way. Now plan and apply read the account's users
(iamGetUserList) when a group gains members, and stop at the member's line before any
change, with the user the manifest may have meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone import iam_groups
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

GROUP = """\
apiVersion: j1sync/v1
kind: IamGroup
metadata:
  name: {name}
spec:
  abacPermissions: [readGraph]
  members:
    - bob@example.com
    - {member}
"""


def _project(*groups: str) -> None:
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir(exist_ok=True)
    Path("m/groups.yaml").write_text("---\n".join(groups), encoding="utf-8")


@pytest.mark.parametrize(
    ("member", "hint"),
    [("alise@example.com", "; did you mean 'alice@example.com'?"), ("zed@elsewhere.org", "")],
)
@pytest.mark.parametrize("command", [("plan",), ("apply", "--auto-approve")])
def test_a_member_who_is_no_user_stops_before_any_change(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
    member: str,
    hint: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    _project(GROUP.format(name="sec", member=member))
    with running_emulator(seed=BASE_SEED) as emu:
        result = jupiterone_run(emu, *command)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
        assert (
            f"m/groups.yaml:9:7: IamGroup/sec: spec.members[1]: no user '{member}' in the "
            f"account{hint}"
        ) in result.output
        assert not emu.snapshot().get("iam_groups")
        # the account's user written, apply goes ahead and converges
        _project(GROUP.format(name="sec", member="alice@example.com"))
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert jupiterone_run(emu, "plan", "--detailed-exitcode").exit_code == 0


def test_a_member_added_to_an_existing_group_is_checked_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    seed = {
        **BASE_SEED,
        "iamGroups": [
            {"name": "sec", "abacPermissions": ["accessRules"], "members": ["bob@example.com"]}
        ],
    }
    _project(GROUP.format(name="sec", member="Carrol@Example.com"))
    with running_emulator(seed=seed) as emu:
        result = jupiterone_run(emu, "apply", "--auto-approve")
        assert result.exit_code == 1, result.output
        assert (
            "m/groups.yaml:9:7: IamGroup/sec: spec.members[1]: no user 'Carrol@Example.com' "
            "in the account; did you mean 'carol@example.com'?"
        ) in result.output
        # nothing changed: the group keeps its permissions
        (group,) = emu.snapshot()["iam_groups"]
        assert group["abacPermissions"] == ["accessRules"]


def test_members_written_in_another_case_are_the_account_users(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _project(GROUP.format(name="sec", member="ALICE@Example.com"))
    with running_emulator(seed=BASE_SEED) as emu:
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert jupiterone_run(emu, "plan", "--detailed-exitcode").exit_code == 0


def test_an_api_without_the_user_list_leaves_members_to_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live API that no longer serves the 2023 schema's iamGetUserList (the emulator
    answers a field it does not have as the live API would: a validation error): the plan
    goes on with a warning, as before the check, and apply says which member JupiterOne
    refuses."""
    monkeypatch.chdir(tmp_path)
    gone = iam_groups.LIST_USERS.replace("iamGetUserList(", "iamGetUserListGone(")
    monkeypatch.setattr(iam_groups, "LIST_USERS", gone)
    _project(GROUP.format(name="sec", member="alise@example.com"))
    with running_emulator(seed=BASE_SEED) as emu:
        planned = jupiterone_run(emu, "plan")
        assert planned.exit_code == 0, planned.output
        assert "IamGroup: members not checked, the account's users unread" in planned.output
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 1, applied.output
        assert "User with email alise@example.com not found in account" in applied.output
