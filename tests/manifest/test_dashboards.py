"""Dashboard manifests at validate: every broken board is one located error naming the
file, line, column and field, never a traceback; what the model accepts and fills in."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.providers.jupiterone.models.dashboard import DashboardSpec, comparable_settings
from tests.manifest.conftest import WriteFile

BOARD = """\
apiVersion: j1sync/v1
kind: Dashboard
metadata:
  name: Posture
spec:
  widgets:
    hosts:
      title: Hosts
      type: number
      queries:
        - name: q
          query: FIND Host
      settings: {number: {success: 0}}
    users:
      title: Users
      type: table
  parameters:
    - name: env
      label: Environment
  layouts:
    md:
      - {widget: hosts, x: 0, y: 0, w: 2, h: 1}
      - {widget: users, x: 2, y: 0, w: 2, h: 1}
"""


def _validate(write: WriteFile, text: str) -> tuple[int, str, str]:
    path = write("board.yaml", text)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    return result.exit_code, result.output, str(path)


def test_a_valid_board_validates_and_fills_in_the_api_defaults(write: WriteFile) -> None:
    code, output, _ = _validate(write, BOARD)
    assert (code, output) == (0, "1 manifest valid: 1 Dashboard\n")
    spec = DashboardSpec.model_validate(
        {"widgets": {"w": {"title": "T", "type": "number"}}}, strict=False
    )
    widget = spec.widgets["w"]
    assert (widget.settings, widget.includeDeleted, widget.question) == ({}, False, None)
    assert spec.layouts.lg == [] and spec.parameters == []


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "field", "message"),
    [
        (
            "{widget: users, x: 2",
            "{widget: userz, x: 2",
            23,
            18,
            "spec.layouts.md[1].widget",
            "names widget 'userz', which this board does not declare (widgets: hosts, users)",
        ),
        (
            "{widget: users, x: 2",
            "{widget: hosts, x: 2",
            23,
            18,
            "spec.layouts.md[1].widget",
            "widget 'hosts' is placed twice in md",
        ),
        (
            "      settings: {number: {success: 0}}",
            "      settings: '{number: 0}'",
            13,
            17,
            "spec.widgets.hosts.settings",
            "not valid JSON: Expecting property name enclosed in double quotes",
        ),
        (
            "    users:\n",
            "    users and more:\n",
            14,
            5,
            "spec.widgets.users and more",
            "'users and more' is not a widget key",
        ),
        (
            "{widget: hosts, x: 0, y: 0, w: 2, h: 1}",
            "{widget: hosts, x: 0, y: 0, w: 0, h: 1}",
            22,
            40,
            "spec.layouts.md[0].w",
            "greater than or equal to 1",
        ),
        (
            "      label: Environment\n",
            "      label: Environment\n    - name: env\n      label: Again\n",
            20,
            13,
            "spec.parameters[1].name",
            "duplicate parameter 'env'",
        ),
        (
            "  layouts:\n    md:",
            "  layouts:\n    xxl:",
            21,
            5,
            "spec.layouts.xxl",
            "unknown field 'xxl'",
        ),
    ],
)
def test_a_broken_board_is_one_located_error(
    write: WriteFile, old: str, new: str, line: int, column: int, field: str, message: str
) -> None:
    assert old in BOARD
    code, output, path = _validate(write, BOARD.replace(old, new))
    assert code == 1, output
    first = output.splitlines()[0]
    assert first.startswith(f"{path}:{line}:{column}: Dashboard/Posture: {field}: "), first
    assert message in first
    assert "Traceback" not in output


def test_settings_compare_as_parsed_json_without_server_keys() -> None:
    written = {"b": [1, {"id": "x", "c": 2}], "a": {"__typename": "T", "d": None}}
    from_server = '{"a": {"d": null}, "id": "srv", "b": [1, {"c": 2, "id": "y"}]}'
    assert comparable_settings(written) == comparable_settings(from_server)
    assert list(comparable_settings(written)) == ["a", "b"]
    assert comparable_settings({"b": [2, 1]}) != comparable_settings({"b": [1, 2]})
