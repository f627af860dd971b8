"""Dashboard parameters: a name `${ param.<name> }` cannot read (JupiterOne's parameter
names: letters, digits and underscores, values.PARAMETER_NAME, as a Parameter's), and a
default or an option that does not fit the parameter's valueType (`number`: a number,
`boolean`: true or false), passed validate and plan and were sent. Each is now refused at
its line, before any request; a board the account holds so is left out of an export,
which could not load it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account

BOARD = """\
apiVersion: j1sync/v1
kind: Dashboard
metadata:
  name: Posture
spec:
  parameters:
    - label: Environment
{fields}"""


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    seed = {
        "dashboards": [
            {
                "name": "Hand made",
                "type": "Account",
                "parameters": [
                    {"name": "limit", "label": "Limit", "valueType": "number", "default": "many"}
                ],
            }
        ]
    }
    with running_emulator(db=":memory:", seed=seed, api_key=API_KEY) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


@pytest.mark.parametrize(
    ("fields", "line", "message"),
    [
        (
            '      name: "bad name}"\n',
            8,
            "spec.parameters[0].name: 'bad name}' is not a parameter name: use letters, "
            "digits and underscores only (queries read it as ${ param.<name> })",
        ),
        (
            "      name: env\n      valueType: number\n      default: abc\n",
            10,
            "spec.parameters[0].default: 'abc' is not a number, as valueType number needs "
            "(e.g. 3, -1.5, 2e3)",
        ),
        (
            "      name: env\n      valueType: number\n      options: ['1', x]\n",
            10,
            "spec.parameters[0].options[1]: 'x' is not a number, as valueType number needs",
        ),
        (
            "      name: env\n      valueType: boolean\n      default: maybe\n",
            10,
            "spec.parameters[0].default: 'maybe' is not true or false, as valueType boolean needs",
        ),
    ],
)
def test_a_parameter_that_cannot_work_is_refused_at_its_line(
    account: Account, fields: str, line: int, message: str
) -> None:
    path = account.write("board.yaml", BOARD.format(fields=fields))
    for command in ("validate", "plan"):
        result = account.run(command, account.manifests)
        assert result.exit_code == 1, result.output
        assert f"{path}:{line}:" in result.output
        assert f"Dashboard/Posture: {message}" in result.output
    assert [b["name"] for b in account.emu.snapshot()["dashboards"]] == ["Hand made"]


@pytest.mark.parametrize(
    "fields",
    [
        "      name: env_2\n      valueType: number\n      default: '-1.5'\n"
        "      options: ['3', '2e3', '-1.5']\n",
        "      name: Strict\n      valueType: boolean\n      default: 'false'\n"
        "      options: ['true', 'false']\n",
        "      name: env\n      default: anything at all\n",
    ],
)
def test_a_parameter_that_fits_its_value_type_is_created(account: Account, fields: str) -> None:
    account.write("board.yaml", BOARD.format(fields=fields))
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_a_board_holding_such_a_parameter_is_left_out_of_an_export(account: Account) -> None:
    out = account.tmp_path / "exported"
    exported = account.run("export", "--out", str(out), "--kind", "Dashboard")
    assert exported.exit_code == 0, exported.output
    assert (
        "Dashboard/Hand made: left out of the export: spec.parameters[0].default: 'many' is "
        "not a number"
    ) in exported.output
