"""The client over HTTP against the emulator: auth, error mapping, retries of reads,
no blind retry of mutations, pagination."""

from __future__ import annotations

import dataclasses

import pytest

from j1sync.errors import (
    ApiError,
    AuthError,
    BadUserInput,
    NotFound,
    RetryBudgetExceeded,
    TransientError,
)
from j1sync.providers.jupiterone.client import JupiterOneClient
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.iam_groups import CREATE_GROUP, LIST_GROUPS
from j1sync.providers.jupiterone.questions import LIST_QUESTIONS
from tests.providers.conftest import API_KEY, fast_client, settings_for

NAMES = """
query Names($limit: Int, $cursor: String) {
  questions(limit: $limit, cursor: $cursor) {
    questions { name title }
    pageInfo { endCursor hasNextPage }
  }
}
"""


def test_wrong_key_is_an_auth_error_without_the_key_in_it() -> None:
    with running_emulator(seed="none", api_key=API_KEY) as emu:
        wrong = "wrong-Key-abcdef123456"
        client = fast_client(emu, api_key=wrong)
        with pytest.raises(AuthError) as raised:
            client.execute("graphql", NAMES, {})
        assert "401" in str(raised.value) and wrong not in str(raised.value)
        assert API_KEY not in str(raised.value)


def test_not_found_bad_input_and_validation_errors_are_mapped() -> None:
    with running_emulator(seed="none", api_key=API_KEY) as emu:
        client = fast_client(emu)
        delete = "mutation D($id: ID!) { deleteRuleInstance(id: $id) { id } }"
        with pytest.raises(NotFound, match="Rule instance does not exist"):
            client.execute("rules", delete, {"id": "missing"})
        client.execute("iam", CREATE_GROUP, {"name": "dup"})
        with pytest.raises(BadUserInput, match="already exists"):
            client.execute("iam", CREATE_GROUP, {"name": "dup"})
        with pytest.raises(BadUserInput):
            client.execute("graphql", "query Q { noSuchField }", {})


def test_pagination_follows_cursors_until_the_last_page() -> None:
    seed = {
        "questions": [
            {"title": f"t{i}", "name": f"n{i}", "queries": [{"query": "Find User"}]}
            for i in range(7)
        ]
    }
    with running_emulator(seed=seed, api_key=API_KEY, page_size=3) as emu:
        client = fast_client(emu)
        pages = list(client.paginate("graphql", NAMES, {"limit": 100}, ("questions",)))
        assert [len(p["questions"]) for p in pages] == [3, 3, 1]
        items = client.collect(
            "graphql", LIST_QUESTIONS, {"limit": 100}, ("questions",), "questions"
        )
        assert sorted(q["name"] for q in items) == [f"n{i}" for i in range(7)]


def test_reads_are_retried_through_rate_limits() -> None:
    with running_emulator(seed="demo", api_key=API_KEY, rate_limit=(2, 0.2)) as emu:
        client = fast_client(emu, retry_budget_s=20.0)
        for _ in range(6):
            groups = client.collect("iam", LIST_GROUPS, {"limit": 100}, ("iamGroups",), "items")
            assert len(groups) == 3
        assert emu.stats.total > 6  # some requests were answered 429 and retried


def test_reads_are_retried_through_server_errors() -> None:
    with running_emulator(seed="demo", api_key=API_KEY, fail_rate=0.5, rng_seed=7) as emu:
        client = fast_client(emu, retry_budget_s=20.0)
        for _ in range(5):
            assert client.execute("graphql", NAMES, {"limit": 100})["questions"]["questions"]
        assert emu.stats.total > 5


def test_retry_budget_exhaustion_is_reported_clearly() -> None:
    with running_emulator(seed="none", api_key=API_KEY, fail_rate=1.0) as emu:
        client = fast_client(emu, retry_budget_s=0.3)
        with pytest.raises(RetryBudgetExceeded, match=r"gave up after \d+ attempts.*HTTP 503"):
            client.execute("graphql", NAMES, {})


def test_a_mutation_whose_response_was_lost_is_not_retried() -> None:
    with running_emulator(seed="none", api_key=API_KEY) as emu:
        client = fast_client(emu, retry_budget_s=20.0)
        emu.switches.fail_mutation("createIamGroup", mode="lose_response", times=1)
        with pytest.raises(TransientError):
            client.execute("iam", CREATE_GROUP, {"name": "lost"})
        assert emu.stats.requests["createIamGroup"] == 1
        groups = client.collect("iam", LIST_GROUPS, {"limit": 100}, ("iamGroups",), "items")
        assert [g["name"] for g in groups] == ["lost"]  # it did happen: re-read, never repeat


def test_a_mutation_answered_5xx_is_not_retried() -> None:
    with running_emulator(seed="none", api_key=API_KEY) as emu:
        client = fast_client(emu, retry_budget_s=20.0)
        emu.switches.fail_mutation("createIamGroup", mode="5xx", times=1)
        with pytest.raises(TransientError, match="HTTP 5"):
            client.execute("iam", CREATE_GROUP, {"name": "x"})
        assert emu.stats.requests["createIamGroup"] <= 1


def test_a_rate_limited_mutation_is_retried() -> None:
    with running_emulator(seed="none", api_key=API_KEY, rate_limit=(1, 0.3)) as emu:
        client = fast_client(emu, retry_budget_s=20.0)
        for name in ("a", "b", "c"):
            client.execute("iam", CREATE_GROUP, {"name": name})
        groups = client.collect("iam", LIST_GROUPS, {"limit": 100}, ("iamGroups",), "items")
        assert sorted(g["name"] for g in groups) == ["a", "b", "c"]


def test_requests_carry_the_documented_headers_and_paths() -> None:
    with running_emulator(seed="none", api_key=API_KEY) as emu:
        gateway = JupiterOneClient(settings_for(emu))._transports
        assert {t._url for t in gateway.values()} == {f"{emu.url}/"}
        client = JupiterOneClient(dataclasses.replace(settings_for(emu), endpoint_mode="per-area"))
        transports = client._transports
        assert transports["rules"]._url == f"{emu.url}/rules/graphql"
        assert transports["iam"]._url == f"{emu.url}/iam/graphql"
        headers = transports["graphql"]._prepared.headers  # what every request is built from
        assert headers["Authorization"] == f"Bearer {API_KEY}"
        assert headers["JupiterOne-Account"] == emu.account
        assert headers["Content-Type"] == "application/json"
        assert API_KEY not in repr(client)


def test_a_document_with_two_operations_is_refused() -> None:
    with (
        running_emulator(seed="none", api_key=API_KEY) as emu,
        pytest.raises(ValueError, match="exactly one operation"),
    ):
        fast_client(emu).execute("graphql", "query A { __typename } query B { __typename }")


def test_unexpected_bodies_are_api_errors() -> None:
    with running_emulator(seed="none", api_key=API_KEY) as emu:
        client = fast_client(emu)
        with pytest.raises(ApiError):
            client.paginate("graphql", NAMES, {}, ("nope",)).__next__()
