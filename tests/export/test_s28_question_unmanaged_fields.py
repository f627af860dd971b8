"""A question's `variables`, which no Question manifest holds (QuestionUpdate cannot
change them), went unsaid: export wrote the question without them and said nothing, and a
plan that deleted the question for a renamed manifest (a delete and a create) lost them,
the new question's `${env}` query left without its variable. Now export names them in the
xyOps export's words ('not managed by j1sync, left out: ...'), and a plan that deletes
such a question warns that they go with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.manifest.document import DEFAULT_MANAGED_TAG
from tests.export.conftest import BASE_SEED, Account, account_with

QUESTION = {
    "name": "var-q",
    "title": "Var question",
    "tags": [DEFAULT_MANAGED_TAG],
    "queries": [{"query": "Find Host with tag.env = ${env}", "name": "query0"}],
    "variables": [{"name": "env", "required": True, "default": "prod"}],
}
PLAIN = {"name": "plain-q", "title": "Plain", "queries": [{"query": "Find User", "name": "q"}]}


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    yield from account_with({**BASE_SEED, "questions": [QUESTION, PLAIN]}, tmp_path)


def test_export_names_the_variables_and_a_deleting_plan_warns(account: Account) -> None:
    exported = account.export("--kind", "Question")
    assert exported.exit_code == 0, exported.output
    assert "Question/var-q: not managed by j1sync, left out: variables" in exported.stderr
    assert [line for line in exported.stderr.splitlines() if "not managed" in line] == [
        "Warning: Question/var-q: not managed by j1sync, left out: variables"
    ]

    written = account.out / "questions" / "var-q.yaml"
    written.write_text(written.read_text().replace("name: var-q", "name: var-q2"))
    planned = account.run("plan", str(account.out))
    assert planned.exit_code == 3, planned.output  # the safety limit: its only managed one
    assert "Question/var-q2" in planned.stdout
    (warning,) = [line for line in planned.stderr.splitlines() if "not managed" in line]
    assert "Question/var-q: not managed by j1sync, left out: variables" in warning
    assert "the plan deletes it" in warning
