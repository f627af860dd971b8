"""A Dashboard widget's queries went through no J1QL check and no `${ param.X }` check:
a broken query or one naming a parameter nobody declares passed validate and plan, where
the same text in a Question is refused at its spot. Widget queries are now checked like a
Question's; a parameter the board itself declares (`spec.parameters`) counts as declared
for that board's widgets."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import Account

BOARD = """\
apiVersion: j1sync/v1
kind: Dashboard
metadata:
  name: B
spec:
  parameters:
    - name: boardParam
      label: Board parameter
  widgets:
    w:
      title: Users
      type: table
      queries:
        - name: users
          query: {query}
"""
OTHER_BOARD = """\
---
apiVersion: j1sync/v1
kind: Dashboard
metadata:
  name: Other
spec:
  widgets:
    v:
      title: Users
      type: table
      queries:
        - name: users
          query: FIND User WITH email = ${ param.boardParam }
"""


def write_board(account: Account, query: str, extra: str = "") -> Path:
    return account.write("d.yaml", BOARD.format(query=query) + extra)


def test_a_broken_widget_query_is_a_located_validate_and_plan_error(
    empty_account: Account,
) -> None:
    path = write_board(empty_account, "FIND User WITH active = true AND ((")
    for command in ("validate", "plan"):
        result = empty_account.run(command, empty_account.manifests)
        assert result.exit_code == 1, result.output
        assert (
            f"{path}:15:52: Dashboard/B: spec.widgets.w.queries[0].query: J1QL: '(' is "
            "never closed with ')'"
        ) in result.output


def test_a_widget_query_naming_an_undeclared_parameter_is_a_plan_error(
    empty_account: Account,
) -> None:
    path = write_board(empty_account, "FIND User WITH email = ${ param.missingParam }")
    assert empty_account.run("validate", empty_account.manifests).exit_code == 0
    result = empty_account.run("plan", empty_account.manifests)
    assert result.exit_code == 1, result.output
    assert (
        f"{path}:15:41: Dashboard/B: spec.widgets.w.queries[0].query: parameter "
        "'missingParam' is neither declared in the manifests nor in the account's "
        "parameter store"
    ) in result.output


def test_a_parameter_of_the_board_is_declared_for_its_own_widgets_only(
    empty_account: Account,
) -> None:
    path = write_board(empty_account, "FIND User WITH email = ${ param.boardParam }")
    planned = empty_account.run("plan", empty_account.manifests)
    assert planned.exit_code == 0, planned.output

    write_board(empty_account, "FIND User WITH email = ${ param.boardParam }", OTHER_BOARD)
    result = empty_account.run("plan", empty_account.manifests)
    assert result.exit_code == 1, result.output
    assert f"{path}:" in result.output and "Dashboard/Other: spec.widgets.v." in result.output
    assert "Dashboard/B:" not in result.output
