"""State: SQLite that survives restarts, seeds, snapshot and seed_objects."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from j1sync.providers.jupiterone.emulator.seed import load_seed

from .conftest import Poster

CREATE_QUESTION = "mutation ($q: CreateQuestionInput!) { createQuestion(question: $q) { id } }"


def test_demo_seed_holds_the_shared_fixture_names(emu: Emulator) -> None:
    state = emu.snapshot()
    assert [u["email"] for u in state["users"]] == [
        f"{n}@example.com" for n in ("alice", "bob", "carol", "dave")
    ]
    assert [(d["type"], d["title"]) for d in state["integration_definitions"]] == [
        ("aws", "AWS"),
        ("github", "GitHub"),
        ("jira", "Jira"),
    ]
    instances = {i["name"]: i for i in state["integration_instances"]}
    assert set(instances) == {"aws-production", "aws-staging", "github-org", "jira-cloud"}
    assert (
        instances["aws-production"]["pollingInterval"],
        instances["aws-production"]["pollingIntervalCronExpression"],
    ) == ("ONE_WEEK", None)
    assert instances["github-org"]["pollingInterval"] == "ONE_DAY"
    rules = {r["name"]: r for r in state["rules"]}
    assert rules["unencrypted-critical-data"]["pollingInterval"] == "ONE_WEEK"
    assert "j1sync" in rules["legacy-open-ports"]["tags"]
    assert "j1sync" not in rules["Root account login detected"]["tags"]
    questions = {q["title"]: q for q in state["questions"]}
    assert questions["Hand-made weekly review"]["name"] == ""
    assert (
        "j1sync" in next(q for q in state["questions"] if q["name"] == "public-s3-buckets")["tags"]
    )
    users = {u["id"]: u["email"] for u in state["users"]}
    groups = {g["name"]: [users[m] for m in g["memberIds"]] for g in state["iam_groups"]}
    assert groups["security-engineers"] == ["alice@example.com"]
    assert {"Users", "Administrators"} <= set(groups)
    assert 15 <= len(state["entities"]) <= 30


def test_state_survives_a_restart_and_is_seeded_only_once(tmp_path: Path) -> None:
    db = str(tmp_path / "state" / "emulator.db")
    with running_emulator(db=db) as first:
        Poster(first).data(
            CREATE_QUESTION, q={"title": "kept", "queries": [{"query": "Find Host"}]}
        )
        before = first.snapshot()
    with running_emulator(db=db) as second:
        assert second.snapshot() == before


def test_seed_none_is_an_empty_account_and_seed_objects_adds(empty_emu: Emulator) -> None:
    assert empty_emu.snapshot() == {}
    empty_emu.seed_objects(
        {
            "users": [{"email": "x@example.com", "id": "u1"}],
            "iamGroups": [{"name": "g", "members": ["x@example.com"]}],
        }
    )
    state = empty_emu.snapshot()
    assert state["users"] == [
        {"id": "u1", "email": "x@example.com", "firstName": None, "lastName": None}
    ]
    assert state["iam_groups"][0]["memberIds"] == ["u1"]


def test_seed_from_a_file_and_unknown_collections(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("questions:\n  - {title: From file, queries: [{query: Find Host}]}\n")
    with running_emulator(seed=str(seed)) as emu:
        assert [q["title"] for q in emu.snapshot()["questions"]] == ["From file"]
    with pytest.raises(ValueError, match="unknown seed collections: widgets"):
        running_emulator(seed={"widgets": []}).__enter__()
    assert load_seed("none") == {}


def test_widget_questions_are_hidden_from_the_list(gql: Poster) -> None:
    created = gql.data(
        CREATE_QUESTION, q={"title": "widget", "widgetId": "", "queries": [{"query": "Find Host"}]}
    )
    listed = gql.data("{ questions(limit: 50) { questions { title } totalHits } }")["questions"]
    assert "widget" not in [q["title"] for q in listed["questions"]] and listed["totalHits"] == 3
    shown = gql.data(
        "query ($id: ID!) { question(id: $id) { title } }", id=created["createQuestion"]["id"]
    )
    assert shown == {"question": {"title": "widget"}}


def test_update_and_delete_question(gql: Poster) -> None:
    hand_made = next(
        q for q in gql.emu.snapshot()["questions"] if q["title"] == "Hand-made weekly review"
    )
    update = """mutation ($id: ID!, $u: QuestionUpdate!) {
      updateQuestion(id: $id, update: $u) { description tags queries { resultsAre } }
    }"""
    updated = gql.data(
        update, id=hand_made["id"], u={"description": "now managed", "tags": ["j1sync"]}
    )
    assert updated["updateQuestion"] == {
        "description": "now managed",
        "tags": ["j1sync"],
        "queries": [{"resultsAre": "INFORMATIVE"}],
    }
    gql.data("mutation ($id: ID!) { deleteQuestion(id: $id) { id } }", id=hand_made["id"])
    assert hand_made["id"] not in [q["id"] for q in gql.emu.snapshot()["questions"]]
    search = gql.data(
        '{ questions(searchQuery: "EC2", type: ACCOUNT_ONLY) { questions { title } } }'
    )
    assert search["questions"]["questions"] == [{"title": "Inventory of EC2 instances"}]
