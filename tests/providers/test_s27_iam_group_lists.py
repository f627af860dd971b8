"""IamGroup: a permission listed twice, and an empty query-policy statement, are refused
at their line (what an empty statement grants is undocumented: on an access-control field
it must not be sent unnoticed); a group the account holds with an empty statement is left
out of an export, which could not load it (the statement's index is the exported order)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account

GROUP = "apiVersion: j1sync/v1\nkind: IamGroup\nmetadata:\n  name: readers\nspec:\n"


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    seed = {"iamGroups": [{"name": "open", "queryPolicy": [{}, {"_type": "aws_instance"}]}]}
    with running_emulator(db=":memory:", seed=seed, api_key=API_KEY) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def test_a_permission_listed_twice_is_refused_at_its_line(account: Account) -> None:
    path = account.write(
        "g.yaml", GROUP + "  abacPermissions: [readGraph, fullReadAccess,\n    fullReadAccess]\n"
    )
    for command in ("validate", "plan"):
        result = account.run(command, account.manifests)
        assert result.exit_code == 1, result.output
        assert (
            f"{path}:7:5: IamGroup/readers: spec.abacPermissions[2]: duplicate permission "
            "'fullReadAccess'"
        ) in result.output
    assert [g["name"] for g in account.emu.snapshot()["iam_groups"]] == ["open"]


def test_an_empty_query_policy_statement_is_refused_at_its_line(account: Account) -> None:
    path = account.write("g.yaml", GROUP + "  queryPolicy:\n    - _class: DataStore\n    - {}\n")
    result = account.run("plan", account.manifests)
    assert result.exit_code == 1, result.output
    assert (
        f"{path}:8:7: IamGroup/readers: spec.queryPolicy[1]: an empty query-policy statement: "
        "JupiterOne does not document what one grants"
    ) in result.output
    assert [g["name"] for g in account.emu.snapshot()["iam_groups"]] == ["open"]


def test_a_group_holding_an_empty_statement_is_left_out_of_an_export(account: Account) -> None:
    out = account.tmp_path / "exported"
    exported = account.run("export", "--out", str(out), "--kind", "IamGroup")
    assert exported.exit_code == 0, exported.output
    assert (
        "IamGroup/open: left out of the export: spec.queryPolicy[1]: an empty query-policy "
        "statement"
    ) in exported.output
    assert not list(out.rglob("*.yaml"))
