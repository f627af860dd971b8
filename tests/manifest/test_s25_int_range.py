"""Every integer a manifest gives an API is bounded, and the JSON Schema says so: the
GraphQL systems' integers reach fields typed `Int` (32-bit signed; J1's layout `y` a
Long), and OpenCTI's had no bound at all (`x_opencti_order`, a vocabulary's `order`, a
feed's `rolling_time` beyond 2147483647 passed validate and broke the platform's lists)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from j1sync.cli import cli

GRAPHQL_INT_MAX = 2**31 - 1  # GraphQL's Int: 32-bit signed
GRAPHQL_INT_MIN = -(2**31)
LONG_MAX = 2**63 - 1

# Integers inside values the API types JSON (no GraphQL bound): a group's queryPolicy
# ([JSON!]) and an alert rule operation's `when` (JSON).
IN_JSON = ("/IamGroupSpec/properties/queryPolicy/", "/RuleCondition/properties/version")


def _integers(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if node.get("type") == "integer":
            yield path, node
        for key, value in node.items():
            yield from _integers(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _integers(value, f"{path}/{index}")


# (jupiterone was bounded already; its integers are checked alike by running this with it)
@pytest.mark.parametrize("system", ["opencti"])
def test_s25_every_integer_of_a_graphql_system_is_bounded_in_its_schema(system: str) -> None:
    result = CliRunner().invoke(cli, ["schema", "--system", system])
    assert result.exit_code == 0, result.output
    found = list(_integers(json.loads(result.stdout)))
    assert found
    for path, schema in found:
        if any(part in path for part in IN_JSON):
            continue
        assert "minimum" in schema and "maximum" in schema, path
        # only J1's layout `y` is a Long
        top = LONG_MAX if path.endswith("/properties/y") else GRAPHQL_INT_MAX
        assert GRAPHQL_INT_MIN <= schema["minimum"] <= schema["maximum"] <= top, path


def test_s25_the_bound_is_graphqls_own() -> None:
    from graphql.type.scalars import GRAPHQL_MAX_INT, GRAPHQL_MIN_INT

    from j1sync.manifest import model_base

    assert (model_base.GRAPHQL_INT_MIN, model_base.GRAPHQL_INT_MAX) == (
        GRAPHQL_MIN_INT,
        GRAPHQL_MAX_INT,
    )
    assert (GRAPHQL_INT_MIN, GRAPHQL_INT_MAX) == (GRAPHQL_MIN_INT, GRAPHQL_MAX_INT)


def test_s25_model_defaults_makes_a_factorys_value_anew() -> None:
    from pydantic import BaseModel, Field

    from j1sync.manifest.model_base import model_defaults

    class Spec(BaseModel):
        tags: list[str] = Field(default_factory=list)
        level: str = "LOW"
        name: str

    first, second = model_defaults(Spec), model_defaults(Spec)
    assert first == {"tags": [], "level": "LOW"}
    first["tags"].append("x")
    assert second["tags"] == [] and model_defaults(Spec)["tags"] == []
