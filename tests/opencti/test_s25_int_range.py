"""OpenCTI fields its schema types `Int` (32-bit signed): a manifest value beyond passed
`validate`; an update wrote it through `fieldPatch` (value `[Any]`, unchecked) and the
emulator stored it, after which every list of that kind failed ("Int cannot represent non
32-bit signed integer value") and no command could run, not even one to mend the manifest.
A create failed with an API error naming no file. Now `validate` (and so plan and apply)
refuses it where it is written, and the emulator refuses to store what it cannot serve."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.opencti.helpers import Platform

# GraphQL's Int: 32-bit signed (the spec's numbers, not the code's constant)
GRAPHQL_INT_MAX = 2**31 - 1
GRAPHQL_INT_MIN = -(2**31)
HEADER = "apiVersion: opencti.j1sync/v1\n"
FEED_REST = """  feed_types: [Report]
  feed_attributes:
    - attribute: name
      mappings: [{type: Report, attribute: name}]
"""
# kind, metadata.name, the Int field, the spec lines after it
INT_FIELDS = [
    ("KillChainPhase", "big:phase", "x_opencti_order", ""),
    ("MarkingDefinition", "ACME:BIG", "x_opencti_order", "  definition_type: statement\n"),
    ("Vocabulary", "report_types_ov:big", "order", ""),
    ("Feed", "big feed", "rolling_time", FEED_REST),
]


def _manifest(kind: str, name: str, field: str, value: int, rest: str) -> str:
    return f"{HEADER}kind: {kind}\nmetadata:\n  name: {name}\nspec:\n  {field}: {value}\n{rest}"


@pytest.mark.parametrize(("kind", "name", "field", "rest"), INT_FIELDS)
@pytest.mark.parametrize(
    ("value", "said"),
    [
        (GRAPHQL_INT_MAX + 1, f"less than or equal to {GRAPHQL_INT_MAX}"),
        (99999999999999999999999, f"less than or equal to {GRAPHQL_INT_MAX}"),
        (GRAPHQL_INT_MIN - 1, "greater than or equal to"),
    ],
)
def test_s25_an_int_beyond_32_bits_is_refused_where_written(
    platform: Platform, kind: str, name: str, field: str, rest: str, value: int, said: str
) -> None:
    platform.write("m/a.yaml", _manifest(kind, name, field, value, rest))
    validated = platform.run("validate", "m")
    assert validated.exit_code == 1, validated.output
    column = len(f"  {field}: ") + 1
    assert f"m/a.yaml:6:{column}: opencti.{kind}/{name}: spec.{field}: " in validated.output
    assert said in validated.output, validated.output


def test_s25_an_update_beyond_32_bits_is_refused_and_the_kind_stays_listable(
    platform: Platform,
) -> None:
    platform.write("m/a.yaml", _manifest(*INT_FIELDS[0][:3], 1, ""))
    assert platform.run("apply", "m", "--auto-approve").exit_code == 0
    platform.write("m/a.yaml", _manifest(*INT_FIELDS[0][:3], 99999999999999999999999, ""))
    applied = platform.run("apply", "m", "--auto-approve")
    assert applied.exit_code == 1, applied.output
    assert "m/a.yaml:6:20: " in applied.output, applied.output
    assert platform.one("kill_chain_phases", phase_name="phase")["x_opencti_order"] == 1
    # mended, the manifest applies: nothing broken was stored
    platform.write("m/a.yaml", _manifest(*INT_FIELDS[0][:3], 2, ""))
    assert platform.run("apply", "m", "--auto-approve").exit_code == 0
    assert platform.run("plan", "m", "--detailed-exitcode").exit_code == 0


def test_s25_a_create_beyond_32_bits_is_refused_where_written(platform: Platform) -> None:
    platform.write("m/a.yaml", _manifest(*INT_FIELDS[3][:3], GRAPHQL_INT_MAX + 1, FEED_REST))
    applied = platform.run("apply", "m", "--auto-approve")
    assert applied.exit_code == 1, applied.output
    assert "m/a.yaml:6:17: opencti.Feed/big feed: spec.rolling_time: " in applied.output
    assert platform.stored("feeds") == []


# -- the emulator: a fieldPatch of an Int field ------------------------------------------

ADDS = {
    "KillChainPhase": (
        "mutation A($input: KillChainPhaseAddInput!) { killChainPhaseAdd(input: $input) { id } }",
        {"kill_chain_name": "acme", "phase_name": "recon", "x_opencti_order": 1},
    ),
    "MarkingDefinition": (
        "mutation A($input: MarkingDefinitionAddInput!) "
        "{ markingDefinitionAdd(input: $input) { id } }",
        {"definition_type": "statement", "definition": "ACME", "x_opencti_order": 1},
    ),
    "Vocabulary": (
        "mutation A($input: VocabularyAddInput!) { vocabularyAdd(input: $input) { id } }",
        {"name": "acme", "category": "report_types_ov", "order": 1},
    ),
}
PATCHES = {
    "KillChainPhase": (
        "mutation P($id: ID!, $input: [EditInput]!) "
        "{ killChainPhaseEdit(id: $id) { fieldPatch(input: $input) { id } } }",
        "x_opencti_order",
        "{ killChainPhases { edges { node { x_opencti_order } } } }",
    ),
    "MarkingDefinition": (
        "mutation P($id: ID!, $input: [EditInput]!) "
        "{ markingDefinitionEdit(id: $id) { fieldPatch(input: $input) { id } } }",
        "x_opencti_order",
        "{ markingDefinitions { edges { node { x_opencti_order } } } }",
    ),
    "Vocabulary": (
        "mutation P($id: ID!, $input: [EditInput!]!) "
        "{ vocabularyFieldPatch(id: $id, input: $input) { id } }",
        "order",
        "{ vocabularies(category: report_types_ov) { edges { node { order } } } }",
    ),
}


def _post(platform: Platform, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(
        platform.emu.graphql_url,
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {platform.emu.token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("kind", sorted(ADDS))
@pytest.mark.parametrize(
    ("value", "said"),
    [
        (GRAPHQL_INT_MAX + 1, "Int cannot represent non 32-bit signed integer value"),
        (str(GRAPHQL_INT_MIN - 1), "Int cannot represent non 32-bit signed integer value"),
        (1.5, "Int cannot represent non-integer value: 1.5"),
    ],
)
def test_s25_the_emulator_refuses_a_patch_it_could_not_serve_back(
    platform: Platform, kind: str, value: Any, said: str
) -> None:
    add, created = ADDS[kind]
    patch, key, listing = PATCHES[kind]
    made = _post(platform, add, {"input": created})["data"]
    object_id = next(iter(made.values()))["id"]
    body = _post(platform, patch, {"id": object_id, "input": [{"key": key, "value": [value]}]})
    assert said in body["errors"][0]["message"], body
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"
    assert body["errors"][0]["extensions"]["data"]["field"] == key
    listed = _post(platform, listing, {})
    assert "errors" not in listed, listed["errors"]
    values = [e["node"][key] for e in next(iter(listed["data"].values()))["edges"]]
    assert 1 in values and value not in values
