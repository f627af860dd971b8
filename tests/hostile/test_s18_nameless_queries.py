"""Adopting an account whose questions or rules hold a query without a name (the API lets
a query go nameless: QuestionQueryInput.name and J1QueryInput.name are optional). Before,
`export` wrote `name:` empty, with a warning, and every manifest so written failed to
load: the adoption stopped at its first plan. Now such a query is exported as
`query<its index>` (or the next number no other query of the object has), said on stderr,
and the first apply names it in the account."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import Account

ACCOUNT_OBJECTS = {
    "questions": [
        {
            "name": "nameless-queries",
            "title": "Nameless queries",
            "queries": [
                {"query": "Find User"},
                {"name": "query0", "query": "Find Host"},
                {"name": "", "query": "Find DataStore"},
            ],
        }
    ],
    "rules": [
        {
            "name": "nameless-rule-query",
            "pollingInterval": "ONE_DAY",
            "question": {"queries": [{"version": "v1", "query": "Find Host"}]},
            "operations": [
                {
                    "when": {
                        "type": "FILTER",
                        "condition": ["AND", ["queries.query0.total", ">", 0]],
                    },
                    "actions": [{"type": "CREATE_ALERT"}],
                }
            ],
            "outputs": ["queries.query0.total"],
        }
    ],
}


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="none", api_key="s18-Key-51b0c3", page_size=7) as e:
        e.seed_objects(ACCOUNT_OBJECTS)
        yield Account(emu=e, tmp_path=tmp_path)


def test_nameless_queries_are_exported_named_and_adopted(account: Account) -> None:
    exported = account.run("export", "--out", account.manifests, "--force")
    assert exported.exit_code == 0, exported.output
    question = (Path(account.manifests) / "questions" / "nameless-queries.yaml").read_text()
    # the first takes query1 (query0 is the second's), the third query2
    assert [line.strip() for line in question.splitlines() if "name: query" in line] == [
        "- name: query1",
        "- name: query0",
        "- name: query2",
    ]
    assert (
        "Question/nameless-queries: its query 1 has no name in the account; exported as 'query1'"
        in (exported.output)
    )
    assert "AlertRule/nameless-rule-query: its query 1 has no name" in exported.output
    assert "exported as found in the account" not in exported.output
    validated = account.run("validate", account.manifests)
    assert validated.exit_code == 0, validated.output
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    (stored,) = account.emu.snapshot()["questions"]
    assert [q["name"] for q in stored["queries"]] == ["query1", "query0", "query2"]
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
