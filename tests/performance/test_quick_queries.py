"""The emulator's quick road for read queries answers exactly what graphql-core answers,
for every query j1sync sends, and gives up on whatever graphql-core treats specially."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from benchmarks.accounts import generated_account
from graphql import execute
from jupiterone import JupiterOneClient as OfficialClient

from j1sync.emulator import Emulator, running_emulator
from j1sync.emulator.executor import GraphQLService, _parsed_and_validated
from j1sync.emulator.quick_queries import quick_execute
from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
from j1sync.settings import Settings

CONTEXT = {"base_url": "http://127.0.0.1:1"}


def _both_roads(service: GraphQLService, query: str, variables: dict[str, Any]) -> Any:
    document, problems = _parsed_and_validated(service.schema, query)
    assert not problems
    quick = quick_execute(service.schema, document, service.root, variables, None, CONTEXT)
    result = execute(
        service.schema,
        document,
        root_value=service.root,
        context_value=CONTEXT,
        variable_values=variables,
    )
    return quick, result


def _read_by_j1sync(emu: Emulator) -> None:
    settings = Settings(api_key=emu.api_key, account=emu.account, api_url=emu.url)
    with JupiterOneClient(settings) as client:
        assert JupiterOneProvider(client).read_live()


def _read_by_the_official_client(emu: Emulator) -> None:
    client = OfficialClient(
        account=emu.account, token=emu.api_key, url=f"{emu.url}/graphql", sync_url=emu.url
    )
    assert client.list_alert_rules() and client.list_questions()


@pytest.mark.parametrize("seed", ["demo", "generated"])
@pytest.mark.parametrize("read", [_read_by_j1sync, _read_by_the_official_client])
def test_every_read_is_answered_the_same_either_way(
    seed: str, read: Callable[[Emulator], None]
) -> None:
    source: Any = generated_account(300).seed if seed == "generated" else "demo"
    with running_emulator(seed=source, page_size=7) as emu:
        service: GraphQLService = emu._server.service
        sent: list[tuple[str, dict[str, Any]]] = []
        handle = service.handle

        def recording(payload: Any, base_url: str) -> Any:
            sent.append((payload["query"], payload.get("variables") or {}))
            return handle(payload, base_url)

        service.handle = recording  # type: ignore[method-assign]
        read(emu)
        assert len({query for query, _ in sent}) >= 2
        for query, variables in sent:
            quick, result = _both_roads(service, query, variables)
            assert result.errors is None
            assert quick is not None, query
            assert quick == result.data


QUESTION = "query Q($id: ID!) { question(id: $id) { id name queries { name query } } }"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query { listRuleInstances { questionInstances { ... on RuleInstance { id } } } }", {}),
        ("query { questions { questions { id @include(if: true) } } }", {}),
        ("query { questions { questions { id } } questions { pageInfo { endCursor } } }", {}),
        ("query { __typename }", {}),
        (QUESTION, {"id": 1.5}),  # variables that do not coerce
        (QUESTION, {"id": "missing"}),  # the resolver raises: a field error
        ('mutation { deleteRuleInstance(id: "x") { id } }', {}),
    ],
)
def test_the_quick_road_leaves_special_cases_to_graphql_core(
    query: str, variables: dict[str, Any]
) -> None:
    with running_emulator(seed="demo") as emu:
        service: GraphQLService = emu._server.service
        document, problems = _parsed_and_validated(service.schema, query)
        assert not problems
        assert (
            quick_execute(service.schema, document, service.root, variables, None, CONTEXT) is None
        )


def test_fragments_and_repeated_fields_are_merged_as_graphql_core_merges_them() -> None:
    query = """
    query { questions { questions { id ...F name ... { id title } queries { name } }
      ...P } }
    fragment F on Question { name queries { query } __typename }
    fragment P on ListQuestionsResult { pageInfo { hasNextPage } ...P2 }
    fragment P2 on ListQuestionsResult { pageInfo { endCursor } }
    """
    with running_emulator(seed="demo") as emu:
        quick, result = _both_roads(emu._server.service, query, {})
    assert result.errors is None
    assert quick == result.data
    assert list(quick["questions"]["questions"][0]) == [
        "id",
        "name",
        "queries",
        "__typename",
        "title",
    ]


def test_a_null_where_the_schema_says_non_null_is_left_to_graphql_core() -> None:
    with running_emulator(seed="demo") as emu:
        service: GraphQLService = emu._server.service
        question = service.root["questions"]

        def broken(info: Any, **arguments: Any) -> Any:
            page = question(info, **arguments)
            return {**page, "questions": [{**q, "id": None} for q in page["questions"]]}

        service.root["questions"] = broken
        quick, result = _both_roads(service, "query { questions { questions { id } } }", {})
    assert quick is None
    assert result.errors
