"""A filter's `operator` was any text, though its `mode` was checked: `operator: bogus`
validated, applied and was stored. Now it is one of OpenCTI's FilterOperator values, checked
when the manifest is read (with the one meant, as `mode` is)."""

from __future__ import annotations

from typing import get_args

import pytest
from graphql import GraphQLEnumType, build_schema

from j1sync.providers.opencti.emulator.api import SCHEMA_FILE
from tests.opencti.helpers import Platform

FEED = """apiVersion: opencti.j1sync/v1
kind: Feed
metadata:
  name: labelled
spec:
  filters: {{filters: [{{key: objectLabel, values: [x], operator: {operator}}}]}}
  feed_types: [Report]
  feed_attributes:
    - attribute: name
      mappings: [{{type: Report, attribute: name}}]
"""


def _enum(name: str) -> list[str]:
    """An enum's values in the emulator's schema, the real one's cut
    (tests/opencti/emulator/test_schema_subset.py)."""
    enum = build_schema(SCHEMA_FILE.read_text(encoding="utf-8")).type_map[name]
    assert isinstance(enum, GraphQLEnumType)
    return list(enum.values)


def test_s25_the_filter_values_are_the_schemas_enums() -> None:
    from j1sync.providers.opencti.values import FilterMode, FilterOperator

    for name, values in (("FilterOperator", FilterOperator), ("FilterMode", FilterMode)):
        assert list(get_args(values)) == _enum(name), name


@pytest.mark.parametrize(
    ("operator", "hint"),
    [("bogus", None), ("eqq", "did you mean 'eq'?"), ("not-eq", "did you mean 'not_eq'?")],
)
def test_s25_an_unknown_filter_operator_is_refused_where_written(
    platform: Platform, operator: str, hint: str | None
) -> None:
    platform.write("m/feed.yaml", FEED.format(operator=operator))
    for command in ("validate", "apply"):
        args = ("apply", "m", "--auto-approve") if command == "apply" else ("validate", "m")
        result = platform.run(*args)
        assert result.exit_code == 1, result.output
        assert (
            "m/feed.yaml:6:65: opencti.Feed/labelled: spec.filters.filters[0].operator: "
            "Input should be 'eq', 'not_eq'"
        ) in result.output, result.output
        assert f"(got '{operator}')" in result.output
        if hint is not None:
            assert hint in result.output
    assert platform.stored("feeds") == []
