"""`plan` against the emulator: parameters named by queries and rules must exist (in the
manifests or the account), and `plan --check-queries` asks the API about new or changed
queries (dryRun; a LIMIT 1 run when dryRun is refused)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from j1sync.errors import BadUserInput
from j1sync.providers.jupiterone.live_query_checks import _ask, _offset
from tests.e2e.conftest import Account

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: q
spec:
  title: Q
  queries:
    - name: a
      query: {query}
"""
RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: r
spec:
  question:
    queries:
      - name: q
        query: FIND User
  operations:
    - actions:
        - type: WEBHOOK
          method: POST
          endpoint: https://example.com/hook
          headers:
            Authorization: "Bearer {{param.hookToken}}"
"""


def _set_parameter(account: Account, name: str) -> None:
    response = requests.post(
        account.emu.url + "/",
        json={
            "query": "mutation($n: String!, $v: ParameterValue!) "
            "{ setParameter(name: $n, value: $v) { success } }",
            "variables": {"n": name, "v": "x"},
        },
        headers={
            "Authorization": f"Bearer {account.emu.api_key}",
            "JupiterOne-Account": account.emu.account,
        },
        timeout=10,
    )
    assert response.ok and "errors" not in response.json(), response.text


def test_a_query_parameter_missing_from_the_account_is_a_located_error(
    empty_account: Account,
) -> None:
    path = empty_account.write(
        "q.yaml", QUESTION.format(query="FIND Application WITH loginUrl = ${ param.loginUrl }")
    )
    result = empty_account.run("plan", empty_account.manifests)
    assert result.exit_code == 1
    assert (
        f"{path}:9:47: Question/q: spec.queries[0].query: parameter 'loginUrl' is neither "
        "declared in the manifests nor in the account's parameter store" in result.stderr
    )
    assert "\n" + " " * 50 + "^" * 19 + "\n" in result.stderr


def test_a_parameter_present_in_the_account_passes(empty_account: Account) -> None:
    _set_parameter(empty_account, "loginUrl")
    _set_parameter(empty_account, "hookToken")
    empty_account.write(
        "q.yaml", QUESTION.format(query="FIND Application WITH loginUrl = ${ param.loginUrl }")
    )
    empty_account.write("r.yaml", RULE)
    result = empty_account.run("plan", empty_account.manifests)
    assert result.exit_code == 0, result.stderr


def test_a_rule_field_parameter_missing_from_the_account_is_a_located_error(
    empty_account: Account,
) -> None:
    _set_parameter(empty_account, "hookTokens")
    path = empty_account.write("r.yaml", RULE)
    result = empty_account.run("plan", empty_account.manifests)
    assert result.exit_code == 1
    assert (
        f"{path}:16:36: AlertRule/r: spec.operations[0].actions[0].headers.Authorization: "
        "parameter 'hookToken' is neither declared in the manifests nor in the account's "
        "parameter store; did you mean 'hookTokens'?" in result.stderr
    )


def test_an_excerpt_of_a_masked_value_has_no_caret_into_hidden_text(
    empty_account: Account,
) -> None:
    """A header's value is shown masked on the excerpt's line; the carets placed by the
    value as written pointed past the mask's end, into nothing."""
    empty_account.write("r.yaml", RULE)
    result = empty_account.run("plan", empty_account.manifests)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    shown = next(
        i for i, line in enumerate(lines) if "Authorization:" in line and ":16:" not in line
    )
    assert lines[shown].strip() == 'Authorization: "(sensitive)"'
    assert not lines[shown + 1 :] or "^" not in lines[shown + 1]
    assert "hookToken}}" not in result.stderr.split(lines[shown])[1]


def test_check_queries_passes_valid_new_queries(empty_account: Account) -> None:
    empty_account.write("q.yaml", QUESTION.format(query="FIND User WITH active = true"))
    result = empty_account.run("plan", "--check-queries", empty_account.manifests)
    assert result.exit_code == 0, result.stderr


def test_the_emulator_refuses_a_broken_query_as_the_live_api_does(
    empty_account: Account,
) -> None:
    response = requests.post(
        empty_account.emu.url + "/",
        json={
            "query": "query($q: String!) { queryV1(query: $q, dryRun: true) { type } }",
            "variables": {"q": "FIND User AS u\nRETURN x.name"},
        },
        headers={
            "Authorization": f"Bearer {empty_account.emu.api_key}",
            "JupiterOne-Account": empty_account.emu.account,
        },
        timeout=10,
    )
    assert response.status_code == 200
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"].startswith(
        'Error parsing query: Unexpected token "x" at line 2 column 8:\n'
        "> 2 | RETURN x.name\n"
        "    |        ^\n"
    )


def test_check_queries_reports_what_the_api_refuses_at_its_spot(
    empty_account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the API's parser is the judge here: make the offline checker see nothing
    monkeypatch.setattr("j1sync.providers.jupiterone.checks.query_checks.check_query", _no_findings)
    path = empty_account.write("q.yaml", QUESTION.format(query="FIND User AS u RETURN x.name"))
    result = empty_account.run("plan", "--check-queries", empty_account.manifests)
    assert result.exit_code == 1
    assert (
        f"{path}:9:36: Question/q: spec.queries[0].query: JupiterOne refused the query: "
        'Error parsing query: Unexpected token "x" at line 1 column 23:' in result.stderr
    )


def _no_findings(text: str) -> Any:
    from j1sync.providers.jupiterone.j1ql import QueryCheck

    return QueryCheck((), ())


class _RefusesDryRun:
    """The API as it may be live: no dryRun argument. Records what was run."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def execute(self, area: str, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        self.sent.append((document, variables))
        if "dryRun" in document:
            raise BadUserInput('Unknown argument "dryRun" on field "Query.queryV1".')
        return {"queryV1": {"type": "list"}}


def test_a_refused_dry_run_falls_back_to_a_limit_1_run() -> None:
    client = _RefusesDryRun()
    refusal, dry_run = _ask(client, "FIND User", True)  # type: ignore[arg-type]
    assert (refusal, dry_run) == (None, False)
    assert client.sent[-1][1] == {"query": "FIND User\nLIMIT 1"}
    refusal, _ = _ask(client, "FIND User LIMIT 5", False)  # type: ignore[arg-type]
    assert refusal is None and client.sent[-1][1] == {"query": "FIND User LIMIT 5"}
    assert len(client.sent) == 3  # dryRun is not sent again once refused


def test_the_api_position_maps_to_the_query_offset() -> None:
    query = "FIND User AS u\nRETURN x.name"
    assert _offset(query, "... at line 2 column 8:") == query.index("x.")
