"""The account parameter store as parameters.md describes it, through the official Python
client (`jupiterone` on PyPI) where it has a method, and plain HTTP for the rest."""

from __future__ import annotations

from typing import Any

from jupiterone import JupiterOneClient

from j1sync.providers.jupiterone.emulator import Emulator
from j1sync.providers.jupiterone.emulator.resolvers_parameters import REDACTED

from .conftest import Poster

DELETE = "mutation D($name: String!) { deleteParameter(name: $name) { success } }"
SET = """mutation S($name: String!, $value: ParameterValue!, $secret: Boolean) {
  setParameter(name: $name, value: $value, secret: $secret) { success } }"""
GET = "query G($name: String!) { parameter(name: $name) { name value secret lastUpdatedOn } }"


def client_for(emu: Emulator) -> JupiterOneClient:
    return JupiterOneClient(
        account=emu.account, token=emu.api_key, url=f"{emu.url}/graphql", sync_url=emu.url
    )


def parameter(client: JupiterOneClient, name: str) -> Any:
    return client.get_parameter_details(name=name)["data"]["parameter"]


def test_set_then_read_every_value_type_with_the_official_client(empty_emu: Emulator) -> None:
    client = client_for(empty_emu)
    values = {"url": "https://x.example", "count": 3, "ratio": 0.5, "on": True, "many": ["a", 2]}
    for name, value in values.items():
        result = client.create_update_parameter(name=name, value=value)
        assert result["data"]["setParameter"]["success"] is True
    for name, value in values.items():
        read = parameter(client, name)
        assert (read["name"], read["value"], read["secret"]) == (name, value, False)
        assert read["lastUpdatedOn"].endswith("Z")


def test_setting_again_updates_in_place(empty_emu: Emulator) -> None:
    client = client_for(empty_emu)
    client.create_update_parameter(name="owner", value="alice")
    client.create_update_parameter(name="owner", value="bob")
    assert parameter(client, "owner")["value"] == "bob"
    assert [p["name"] for p in client.list_account_parameters()] == ["owner"]


def test_a_missing_parameter_reads_as_null(empty_emu: Emulator) -> None:
    assert parameter(client_for(empty_emu), "nothing_here") is None


def test_a_secret_value_is_write_only_but_its_metadata_reads(empty_emu: Emulator) -> None:
    client = client_for(empty_emu)
    client.create_update_parameter(name="jira_token", value="s3cr3t", secret=True)
    read = parameter(client, "jira_token")
    assert read["secret"] is True and read["value"] == REDACTED
    listed = client.list_account_parameters()
    assert listed[0]["value"] == REDACTED
    assert "s3cr3t" not in str(listed)


def test_a_secret_becomes_plain_only_with_a_new_value(empty_emu: Emulator) -> None:
    gql = Poster(empty_emu)
    gql.data(SET, name="token", value="one", secret=True)
    same = gql(SET, name="token", value="one", secret=False)
    assert same["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    gql.data(SET, name="token", value="two", secret=False)
    assert gql.data(GET, name="token")["parameter"]["value"] == "two"


def test_list_pages_follow_the_cursor(empty_emu: Emulator) -> None:  # page size 2
    client = client_for(empty_emu)
    for i in range(5):
        client.create_update_parameter(name=f"p{i}", value=i)
    names = [p["name"] for p in client.list_account_parameters()]
    assert names == ["p0", "p1", "p2", "p3", "p4"]
    assert empty_emu.stats.requests["parameterList"] == 3


def test_delete_removes_and_a_second_delete_is_not_found(empty_emu: Emulator) -> None:
    gql = Poster(empty_emu)
    gql.data(SET, name="gone", value="x")
    assert gql.data(DELETE, name="gone") == {"deleteParameter": {"success": True}}
    assert gql.data(GET, name="gone") == {"parameter": None}
    again = gql(DELETE, name="gone")
    assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "does not exist" in again["errors"][0]["message"]


def test_bad_names_and_values_are_bad_user_input(empty_emu: Emulator) -> None:
    gql = Poster(empty_emu)
    for name, value in [("has space", "x"), ("dash-name", "x"), ("ok", {"a": 1}), ("ok", [[1]])]:
        body = gql(SET, name=name, value=value)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", (name, value)
    assert empty_emu.snapshot().get("parameters") is None


def test_parameters_survive_a_restart(tmp_path: Any) -> None:
    db = str(tmp_path / "state.db")
    first = Emulator(db=db, seed="none")
    first.start()
    Poster(first).data(SET, name="kept", value="yes")
    first.stop()
    second = Emulator(db=db, seed="none")
    second.start()
    try:
        assert Poster(second).data(GET, name="kept")["parameter"]["value"] == "yes"
    finally:
        second.stop()


def test_a_seed_may_hold_parameters() -> None:
    emu = Emulator(seed={"parameters": [{"name": "seeded", "value": [1, 2]}]})
    emu.start()
    try:
        assert parameter(client_for(emu), "seeded")["value"] == [1, 2]
    finally:
        emu.stop()
