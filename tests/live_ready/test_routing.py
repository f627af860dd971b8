"""Issue 10.3: each root field goes to one endpoint, from one table
(j1sync/providers/jupiterone/endpoints.py); the emulator refuses a field the docs place on another
area's endpoint; the gateway all official clients use is the default, and the documented
per-area paths are an option that works end to end."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from j1sync.providers.jupiterone import iam_groups
from j1sync.providers.jupiterone.client import JupiterOneClient
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.endpoints import AREA_PATHS, ROOT_FIELDS
from j1sync.providers.jupiterone.settings import Settings
from tests.e2e.conftest import API_KEY, Account
from tests.emulator.conftest import Poster
from tests.examples import jupiterone_examples

# the JupiterOne demo's examples (a JupiterOne emulator serves these tests)
EXAMPLES = jupiterone_examples()
KIND_MODULES = ("alert_rules", "questions", "iam_groups", "integration_schedules", "parameters")


class Paths:
    """The paths the emulator received requests on (a spy on the emulator's HTTP front)."""

    def __init__(self, emu: Any) -> None:
        self.seen: list[str] = []
        service = emu._server.service
        misrouted = service.misrouted

        def recording(payload: Any, path: str) -> Any:
            self.seen.append(path)
            return misrouted(payload, path)

        service.misrouted = recording


@pytest.fixture
def gql() -> Iterator[Poster]:
    with running_emulator(seed="demo", page_size=2) as emu:
        yield Poster(emu)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="demo", api_key=API_KEY, page_size=7) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def documents_j1sync_sends() -> dict[str, str]:
    """Every GraphQL document constant of the JupiterOne kinds, and the IAM batches."""
    found: dict[str, str] = {}
    for name in KIND_MODULES:
        module = importlib.import_module(f"j1sync.providers.jupiterone.{name}")
        for attribute, value in vars(module).items():
            if isinstance(value, str) and value.lstrip().startswith(("query ", "mutation ")):
                found[f"{name}.{attribute}"] = value
    found["iam_groups.members_document"] = iam_groups.members_document(3)
    found["iam_groups.access_document"] = iam_groups.access_document(3)
    return found


def root_fields(document: str) -> list[str]:
    operation = next(
        d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)
    )
    return [s.name.value for s in operation.selection_set.selections]  # type: ignore[attr-defined]


def test_every_root_field_j1sync_sends_is_in_the_table_and_one_area_a_request() -> None:
    documents = documents_j1sync_sends()
    assert len(documents) >= 15
    for where, document in documents.items():
        fields = root_fields(document)
        missing = [f for f in fields if f not in ROOT_FIELDS]
        assert not missing, f"{where}: {missing} not in endpoints.ROOT_FIELDS"
        assert len({ROOT_FIELDS[f].area for f in fields}) == 1, where


def test_the_iam_details_never_mix_the_two_iam_families() -> None:
    members = root_fields(iam_groups.members_document(4))
    access = root_fields(iam_groups.access_document(4))
    assert set(members) == {"iamGroupUsers"} and set(access) == {"iamGetGroup"}


@pytest.mark.parametrize(
    ("field_query", "wrong_path", "type_name"),
    [
        ("mutation { createQuestion(question: {title: \"t\", queries: []}) { id } }",
         "/rules/graphql", "Mutation"),
        ("mutation { deleteRuleInstance(id: \"x\") { id } }", "/graphql", "Mutation"),
        ("{ iamGroups(limit: 1) { items { name } } }", "/graphql", "Query"),
        ("{ iamGroupUsers(groupId: \"x\", limit: 1) { items { email } } }",
         "/rules/graphql", "Query"),
    ],
)  # fmt: skip
def test_the_emulator_refuses_a_documented_field_on_another_areas_path(
    gql: Poster, field_query: str, wrong_path: str, type_name: str
) -> None:
    response = gql.raw({"query": field_query}, path=wrong_path)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["message"].startswith("Cannot query field") and type_name in error["message"]


def test_the_documented_path_and_the_gateway_serve_it(gql: Poster) -> None:
    query = "{ iamGroups(limit: 1) { items { name } } }"
    assert gql.data(query, path="/iam/graphql")["iamGroups"]["items"]
    assert gql.data(query, path="/")["iamGroups"]["items"]


def test_a_field_whose_placement_no_document_states_is_served_on_any_path(gql: Poster) -> None:
    assert not ROOT_FIELDS["listRuleInstances"].documented
    query = "{ listRuleInstances { questionInstances { name } } }"
    for path in (*AREA_PATHS.values(), "/"):
        assert gql.data(query, path=path)["listRuleInstances"]["questionInstances"]


@pytest.mark.parametrize(
    ("mode_args", "mode_env", "expected"),
    [
        ((), {}, {"/"}),
        (("--endpoint-mode", "per-area"), {}, {"/graphql", "/rules/graphql", "/iam/graphql"}),
        ((), {"J1SYNC_ENDPOINT_MODE": "per-area"}, {"/graphql", "/rules/graphql", "/iam/graphql"}),
    ],
)
def test_plan_apply_and_plan_again_in_each_endpoint_mode(
    demo: Account, mode_args: tuple[str, ...], mode_env: dict[str, str], expected: set[str]
) -> None:
    paths = Paths(demo.emu)
    planned = demo.run("plan", str(EXAMPLES), *mode_args, env=mode_env)
    assert planned.exit_code == 0, planned.output
    applied = demo.run(
        "apply", str(EXAMPLES), "--auto-approve", "--force", *mode_args, env=mode_env
    )
    assert applied.exit_code == 0, applied.output
    again = demo.run("plan", str(EXAMPLES), "--detailed-exitcode", *mode_args, env=mode_env)
    assert again.exit_code == 0, again.output
    assert set(paths.seen) == expected


def test_an_unknown_endpoint_mode_is_a_usage_error(demo: Account) -> None:
    result = demo.run("plan", str(EXAMPLES), "--endpoint-mode", "sideways")
    assert result.exit_code == 1
    assert "gateway" in result.output and "per-area" in result.output


def test_the_gateway_of_a_region_and_the_documented_base(tmp_path: Path) -> None:
    live = Settings(api_key="k" * 8, account="a", region="eu")
    gateway = JupiterOneClient(live)._transports
    assert {t._url for t in gateway.values()} == {"https://graphql.eu.jupiterone.io/"}
    per_area = JupiterOneClient(Settings(**{**_fields(live), "endpoint_mode": "per-area"}))
    assert per_area._transports["iam"]._url == "https://api.eu.jupiterone.io/iam/graphql"


def test_a_request_named_for_another_area_is_a_bug_caught_before_sending() -> None:
    with running_emulator(seed="none", api_key=API_KEY) as emu:
        client = JupiterOneClient(Settings(api_key=API_KEY, account=emu.account, api_url=emu.url))
        with pytest.raises(ValueError, match="routed to 'iam'"):
            client.execute("graphql", iam_groups.LIST_GROUPS, {"limit": 1})
        assert emu.stats.total == 0


def _fields(settings: Settings) -> dict[str, Any]:
    return {name: getattr(settings, name) for name in settings.__dataclass_fields__}
