"""A message that quotes a piece of a `${env:}` value shows `(sensitive)`, as the whole
value does: J1QL warnings quote a word of a query (`'hunter2'` of a variable set to
`hunter2 TOPSECRET`), a rule's condition names the query inside `queries.NAME.total`.
Before, only the whole value and each variable's whole value were taken out."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.engine.sensitive import MASK, forget_secrets, redact_secrets, remember_secrets

SECRET = "hunter2 TOPSECRETzz"

RULE = """apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: r1
spec:
  question: {queries: [{name: q, query: Find User}]}
  operations:
    - when:
        condition: [AND, ["${env:SEC}", ">", 0]]
      actions: [{type: CREATE_ALERT}]
"""

QUESTION = """apiVersion: j1sync/v1
kind: Question
metadata:
  name: q1
spec:
  title: t
  queries:
    - name: a
      query: "Find User with name = ${env:SEC}"
    - name: b
      query: "Find User with name = x${env:SEC}y"
    - name: c
      query: "Find User with ${env:SEC} = 'x'"
"""


@pytest.fixture(autouse=True)
def _not_in_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def validate(tmp_path: Path, text: str, secret: str) -> tuple[int, str]:
    (tmp_path / "m").mkdir(exist_ok=True)
    (tmp_path / "m" / "a.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "m")], env={"SEC": secret})
    return result.exit_code, result.output


def pieces(secret: str) -> list[str]:
    return [p for p in secret.replace(".", " ").replace("-", " ").split() if len(p) >= 4]


def test_a_query_name_inside_a_condition_from_a_variable_is_not_shown(tmp_path: Path) -> None:
    secret = "queries.hunter2-TOPSECRET.total"
    code, output = validate(tmp_path, RULE, secret)
    assert code == 1
    assert "refers to query '(sensitive)'" in output, output
    for piece in ("hunter2", "TOPSECRET"):
        assert piece not in output, output


def test_j1ql_warnings_quote_no_word_of_a_variable(tmp_path: Path) -> None:
    code, output = validate(tmp_path, QUESTION, SECRET)
    assert code == 0, output
    assert output.count("J1QL warning") >= 3, output
    for piece in pieces(SECRET):
        assert piece not in output, output
    # what is the manifest's own text is still said
    assert "Question/q1" in output and "spec.queries[2].query" in output


def test_pieces_are_masked_only_when_quoted_and_long_enough() -> None:
    forget_secrets()
    try:
        remember_secrets(["prod-db-Passw0rd"])
        remember_secrets(["Find User with name = prod-db-Passw0rd"], whole=False)
        assert redact_secrets("word 'Passw0rd' here") == f"word '{MASK}' here"
        assert redact_secrets('a "prod-db" b') == f'a "{MASK}" b'
        assert redact_secrets("`xprod-db`") == f"`{MASK}`"  # runs into the value
        assert redact_secrets("`Passw0rdy`") == f"`{MASK}`"
        assert redact_secrets("'prod' and 'db'") == f"'{MASK}' and 'db'"  # 'db': too short
        # the template's own text around the variable is not secret
        assert redact_secrets("does not understand 'User' here") == (
            "does not understand 'User' here"
        )
        assert redact_secrets("Passw0rd unquoted") == "Passw0rd unquoted"
    finally:
        forget_secrets()
