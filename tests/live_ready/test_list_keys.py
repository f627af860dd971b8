"""Issue 10.5: a question's `name` and a rule's `labels` / `ignorePreviousResults` are
read from list queries that no reference client reads them from. With the emulator's
`list_nulls` switch the list answers leave them null: j1sync reads those objects on their
own (and only those) and its plans stay right."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from j1sync.providers.jupiterone.emulator.switches import LIST_NULL_FIELDS
from tests.e2e.conftest import Account
from tests.live_ready.wire import seeded_account

MANIFESTS = """\
apiVersion: j1sync/v1
kind: Question
metadata: {name: public-buckets}
spec:
  title: TITLE
  queries: [{name: query0, query: Find aws_s3_bucket with public=true, resultsAre: BAD}]
---
apiVersion: j1sync/v1
kind: Question
metadata: {name: hosts}
spec:
  title: Every host
  queries: [{name: query0, query: Find Host}]
---
apiVersion: j1sync/v1
kind: AlertRule
metadata: {name: labelled}
spec:
  question:
    queries: [{name: query0, query: Find Host}]
  labels: {team: LABEL, tier: gold}
  ignorePreviousResults: true
  operations:
    - when: {condition: [AND, [queries.query0.total, ">", 0]]}
      actions: [{type: CREATE_ALERT}]
---
apiVersion: j1sync/v1
kind: AlertRule
metadata: {name: referenced}
spec:
  questionRef: hosts
  labels: {team: LABEL}
  operations:
    - actions: [{type: CREATE_ALERT}]
"""


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with seeded_account(tmp_path) as seeded:
        yield seeded


def write(account: Account, title: str = "Public buckets", label: str = "red") -> None:
    text = MANIFESTS.replace("TITLE", title).replace("LABEL", label)
    account.write("all.yaml", text)


def plan_json(account: Account) -> dict[str, object]:
    result = account.run("plan", account.manifests, "--format", "json")
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def changes(account: Account) -> list[tuple[str, str, list[str]]]:
    return [
        (c["address"], c["action"], c["changed_paths"])
        for c in plan_json(account)["changes"]  # type: ignore[attr-defined]
        if c["action"] != "no-op"
    ]


def single_reads(account: Account) -> tuple[int, int]:
    requests_ = account.emu.stats.requests
    return requests_["question"], requests_["questionRuleInstance"]


def test_plans_stay_empty_when_list_answers_leave_keys_null(account: Account) -> None:
    write(account)
    assert account.run("apply", account.manifests, "--auto-approve").exit_code == 0
    account.emu.switches.list_nulls = LIST_NULL_FIELDS
    account.emu.stats.reset()
    result = account.run("plan", account.manifests, "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    # every question and rule lacked a field in the list: each read once on its own
    assert single_reads(account) == (2, 2)
    drift = account.run("drift", account.manifests)
    assert drift.exit_code == 0, drift.output


def test_changes_under_null_list_fields_are_updates_that_converge(account: Account) -> None:
    write(account)
    assert account.run("apply", account.manifests, "--auto-approve").exit_code == 0
    account.emu.switches.list_nulls = LIST_NULL_FIELDS
    ids = {q["name"]: q["id"] for q in account.emu.snapshot()["questions"]}

    write(account, title="Which buckets are public?", label="blue")
    assert sorted(changes(account)) == [
        ("AlertRule/labelled", "update", ["labels.team"]),
        ("AlertRule/referenced", "update", ["labels.team"]),
        ("Question/public-buckets", "update", ["title"]),
    ]
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert account.run("plan", account.manifests, "--detailed-exitcode").exit_code == 0
    # updated in place: the questions kept their ids (no delete + create by title)
    assert {q["name"]: q["id"] for q in account.emu.snapshot()["questions"]} == ids


def test_single_reads_only_for_the_objects_whose_list_entry_lacks_a_field(
    account: Account,
) -> None:
    write(account)
    assert account.run("apply", account.manifests, "--auto-approve").exit_code == 0
    account.emu.seed_objects(
        {
            "questions": [
                {"title": "Hand-made, never named", "queries": [{"query": "Find User"}]},
                {"name": "", "title": "Hand-made, empty name", "queries": [{"query": "Find User"}]},
            ]
        }
    )
    account.emu.stats.reset()
    assert account.run("plan", account.manifests, "--detailed-exitcode").exit_code == 0
    # the switch is off: only the question with no name at all is read on its own, and
    # its own answer (no name) keys it by title, as docs/architecture.md §3 says
    assert single_reads(account) == (1, 0)
    unmanaged = plan_json(account)["unmanaged"]
    assert "Question/Hand-made, never named" in json.dumps(unmanaged)

    account.emu.switches.list_nulls = frozenset({"QuestionRuleInstance.labels"})
    account.emu.stats.reset()
    assert account.run("plan", account.manifests, "--detailed-exitcode").exit_code == 0
    assert single_reads(account) == (1, 2)


def test_a_rule_deleted_between_the_list_and_its_own_read_is_left_out(
    account: Account,
) -> None:
    write(account)
    assert account.run("apply", account.manifests, "--auto-approve").exit_code == 0
    account.emu.switches.list_nulls = LIST_NULL_FIELDS
    store = account.emu.store
    original = store.get

    def vanished(collection: str, object_id: str) -> object:
        # the labelled rule is gone by the time it is read on its own
        found = original(collection, object_id)
        if collection == "rules" and found and found["name"] == "labelled":
            return None
        return found

    store.get = vanished  # type: ignore[method-assign]
    result = account.run("plan", account.manifests, "--format", "json")
    assert result.exit_code == 0, result.output
    planned = {c["address"]: c["action"] for c in json.loads(result.stdout)["changes"]}
    assert planned["AlertRule/labelled"] == "create"
    assert planned["AlertRule/referenced"] == "no-op"


J1SYNC = str(Path(sys.executable).parent / "j1sync")
SWITCHES = ("--list-nulls", "--schedule-null", "ignored")


def test_emulator_serve_exposes_the_switches(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [J1SYNC, "emulator", "serve", "--port", "0", "--db", str(tmp_path / "emu.db"), *SWITCHES],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        key = process.stdout.readline().split(": ")[1].strip()
        url = line.split("listening on ")[1].split()[0]
        headers = {"Authorization": f"Bearer {key}", "JupiterOne-Account": "j1sync-emulator"}
        query = "{ questions(type: ACCOUNT_ONLY) { questions { id name title } } }"
        listed = requests.post(url + "/graphql", json={"query": query}, headers=headers, timeout=10)
        questions = listed.json()["data"]["questions"]["questions"]
        assert questions and all(q["name"] is None for q in questions)
        one = "query ($id: ID!) { question(id: $id) { name } }"
        named = requests.post(
            url + "/graphql",
            json={"query": one, "variables": {"id": questions[0]["id"]}},
            headers=headers,
            timeout=10,
        )
        assert named.json()["data"]["question"]["name"] == "public-s3-buckets"
    finally:
        process.terminate()
        process.communicate(timeout=10)
