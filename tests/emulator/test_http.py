"""The HTTP surface: auth, paths, batches, the clients' extras, latency, 429, 5xx and
lost responses, observed with plain requests."""

from __future__ import annotations

import time

import pytest
import requests

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator

from .conftest import Poster

GROUPS = "{ iamGroups(limit: 10) { items { name } pageInfo { endCursor hasNextPage } } }"
CREATE_QUESTION = """
mutation CreateQuestion($question: CreateQuestionInput!) {
  createQuestion(question: $question) { id title __typename }
}"""


def question(title: str) -> dict[str, object]:
    return {"question": {"title": title, "queries": [{"query": "Find Host"}]}}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"JupiterOne-Account": "j1sync-emulator"},
        {"Authorization": "Bearer wrong-key", "JupiterOne-Account": "j1sync-emulator"},
        {"Authorization": "Bearer j1sync-emulator-key"},
        {"Authorization": "Bearer j1sync-emulator-key", "JupiterOne-Account": "other"},
        {"Authorization": "j1sync-emulator-key", "JupiterOne-Account": "j1sync-emulator"},
    ],
)
def test_requests_without_the_bearer_key_and_account_get_401(
    gql: Poster, headers: dict[str, str]
) -> None:
    response = requests.post(gql.emu.url + "/graphql", json={"query": GROUPS}, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized"}


@pytest.mark.parametrize(("path", "rules_path"), [("/", "/"), ("/iam/graphql", "/rules/graphql")])
def test_the_gateway_and_each_area_path_serve_their_operations(
    gql: Poster, path: str, rules_path: str
) -> None:
    data = gql.data(GROUPS + "", path=path)
    assert [g["name"] for g in data["iamGroups"]["items"]] == ["Users", "Administrators"]
    rules = gql.data("{ listRuleInstances { questionInstances { name } } }", path=rules_path)
    assert len(rules["listRuleInstances"]["questionInstances"]) == 2


def test_unknown_path_is_404(gql: Poster) -> None:
    assert gql.raw({"query": GROUPS}, path="/nope").status_code == 404


def test_batched_operations_answer_in_order(gql: Poster) -> None:
    response = gql.raw(
        [{"query": GROUPS}, {"query": "{ integrationDefinitions { definitions { type } } }"}]
    )
    assert response.status_code == 200
    first, second = response.json()
    assert first["data"]["iamGroups"]["items"][0]["name"] == "Users"
    assert [d["type"] for d in second["data"]["integrationDefinitions"]["definitions"]] == [
        "aws",
        "github",
    ]


def test_official_client_extras_are_tolerated(gql: Poster) -> None:
    body = {
        "query": """query Q($limit: Int!) {
          __typename iamGroups(limit: $limit) { __typename items { __typename name } }
        }""",
        "variables": {"limit": 1, "flags": {"variableResultSize": True}},
        "flags": {"variableResultSize": True},
        "operationName": "Q",
    }
    response = gql.raw(body)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["__typename"] == "Query"
    assert data["iamGroups"]["items"] == [{"__typename": "V1Group", "name": "Users"}]
    assert gql.emu.stats.operations["Q"] == 1
    assert gql.emu.stats.requests["iamGroups"] == 1


def test_latency_delays_every_request(gql: Poster) -> None:
    gql.emu.switches.latency_ms = 150
    started = time.monotonic()
    gql.data(GROUPS)
    assert time.monotonic() - started >= 0.15


def test_rate_limit_answers_429_without_headers_then_recovers() -> None:
    with running_emulator(rate_limit="3/60") as emu:
        poster = Poster(emu)
        statuses = [poster.raw({"query": GROUPS}).status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        limited = poster.raw({"query": GROUPS})
        assert limited.json() == {"error": "Too Many Requests"}
        assert "Retry-After" not in limited.headers
        assert not any(h.lower().startswith("ratelimit") for h in limited.headers)
        emu.switches.rate_limit = None  # switched off at runtime
        assert poster.raw({"query": GROUPS}).status_code == 200


def test_rate_limit_window_slides() -> None:
    with running_emulator(rate_limit=(2, 0.3)) as emu:
        poster = Poster(emu)
        assert [poster.raw({"query": GROUPS}).status_code for _ in range(3)] == [200, 200, 429]
        time.sleep(0.35)
        assert poster.raw({"query": GROUPS}).status_code == 200


def test_injected_5xx_follow_a_reproducible_seeded_sequence() -> None:
    def statuses(seed: int) -> list[int]:
        with running_emulator(fail_rate=0.5, rng_seed=seed) as emu:
            poster = Poster(emu)
            return [poster.raw({"query": GROUPS}).status_code for _ in range(12)]

    first = statuses(7)
    assert first == statuses(7)
    assert set(first) == {200, 503}


def test_lost_response_commits_the_mutation_but_drops_the_connection(gql: Poster) -> None:
    gql.emu.switches.lose_responses = 1.0
    with pytest.raises(requests.ConnectionError):
        gql.raw({"query": CREATE_QUESTION, "variables": question("lost but saved")})
    gql.emu.switches.lose_responses = 0.0
    titles = [q["title"] for q in gql.emu.snapshot()["questions"]]
    assert "lost but saved" in titles
    assert gql.data(GROUPS)["iamGroups"]["items"]  # the server is still fine


def test_lost_responses_spare_queries(gql: Poster) -> None:
    gql.emu.switches.lose_responses = 1.0
    assert gql.raw({"query": GROUPS}).status_code == 200


def test_fail_mutation_error_mode_commits_nothing(gql: Poster) -> None:
    gql.emu.switches.fail_mutation("createQuestion", match="doomed")
    failed = gql(CREATE_QUESTION, **question("doomed question"))
    assert failed == {
        "errors": [
            {
                "message": "Internal server error",
                "path": ["createQuestion"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "serviceName": "questions"},
            }
        ],
        "data": None,
    }
    assert gql.data(CREATE_QUESTION, **question("fine question"))["createQuestion"]["id"]
    titles = [q["title"] for q in gql.emu.snapshot()["questions"]]
    assert "fine question" in titles and "doomed question" not in titles


def test_fail_mutation_times_and_modes(gql: Poster) -> None:
    switches = gql.emu.switches
    switches.fail_mutation("createQuestion", times=1, mode="5xx")
    assert gql.raw({"query": CREATE_QUESTION, "variables": question("a")}).status_code == 503
    assert gql.raw({"query": CREATE_QUESTION, "variables": question("b")}).status_code == 200
    switches.fail_mutation("createQuestion", times=1, mode="lose_response")
    with pytest.raises(requests.ConnectionError):
        gql.raw({"query": CREATE_QUESTION, "variables": question("c")})
    titles = [q["title"] for q in gql.emu.snapshot()["questions"]]
    assert "a" not in titles and {"b", "c"} <= set(titles)
    switches.fail_mutation("deleteQuestion")
    switches.clear_failures()
    assert switches.failures == []


def test_stats_count_http_requests(emu: Emulator) -> None:
    poster = Poster(emu)
    poster.raw({"query": GROUPS})
    poster.raw([{"query": GROUPS}, {"query": GROUPS}])
    assert emu.stats.total == 2
    assert emu.stats.requests["iamGroups"] == 3
    emu.stats.reset()
    assert emu.stats.total == 0 and not emu.stats.requests
