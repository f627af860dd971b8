"""The OpenCTI emulator's schema is a faithful subset of OpenCTI 6.9.17's: every type,
field, argument and enum value it serves exists in the real merged schema with the same
type; its authorization map is the real one for every field it serves."""

from __future__ import annotations

import json
from functools import cache

from graphql import GraphQLEnumType, GraphQLSchema, build_schema

from j1sync.providers.opencti.emulator import api, subset
from j1sync.providers.opencti.emulator.auth import AUTH_FILE
from tests.emulator.test_schema_subset import differences

from .conftest import REFERENCE

REAL_SDL = (REFERENCE / "schema-6.9.17.graphql").read_text(encoding="utf-8")
REAL_AUTH = json.loads((REFERENCE / "schema-6.9.17-auth.json").read_text(encoding="utf-8"))


@cache
def real_schema() -> GraphQLSchema:
    return build_schema(REAL_SDL)


def test_every_served_type_field_argument_and_enum_value_is_in_the_real_schema() -> None:
    assert differences(build_schema(api.SCHEMA_FILE.read_text()), real_schema()) == []


def test_enums_and_input_types_are_served_whole() -> None:
    ours = build_schema(api.SCHEMA_FILE.read_text())
    real = real_schema()
    for name, our_type in ours.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(our_type, GraphQLEnumType):
            assert set(our_type.values) == set(real.type_map[name].values), name  # type: ignore[attr-defined]
        if hasattr(our_type, "fields") and name.endswith("Input"):
            assert set(our_type.fields) == set(real.type_map[name].fields), name  # type: ignore[attr-defined]


def test_the_committed_schema_and_auth_map_are_the_cut_of_the_reference() -> None:
    sdl = subset.cut(REAL_SDL)
    assert api.SCHEMA_FILE.read_text(encoding="utf-8") == sdl
    assert json.loads(AUTH_FILE.read_text(encoding="utf-8")) == subset.cut_auth(REAL_AUTH, sdl)


def test_the_check_notices_a_field_or_an_enum_value_the_real_schema_lacks() -> None:
    tampered = build_schema(
        "type Query { label(id: ID!): Label }\n"
        "type Label { id: ID! bogus: Int }\n"
        "enum EditOperation { add replace remove merge }"
    )
    problems = differences(tampered, real_schema())
    assert "field Label.bogus is not in the real schema" in problems
    assert "enum value EditOperation.merge" in problems
    assert any("Query.label" in p for p in problems)  # the real argument is String!


def test_the_cut_refuses_a_field_the_real_schema_lacks() -> None:
    try:
        subset.cut(REAL_SDL, {**subset.SERVED, "Label": ("id", "bogus")})
    except ValueError as exc:
        assert "Label.bogus is not in the real schema" in str(exc)
    else:
        raise AssertionError("the cut took a field the real schema lacks")


def test_the_emulator_serves_every_kind_of_the_brief() -> None:
    schema = build_schema(api.SCHEMA_FILE.read_text())
    assert schema.query_type is not None and schema.mutation_type is not None
    assert {
        "about", "me", "settings", "capabilities", "markingDefinitions", "markingDefinition",
        "labels", "label", "killChainPhases", "killChainPhase", "vocabularies", "vocabulary",
        "roles", "role", "groups", "group", "statusTemplates", "subTypes", "subType",
        "taxiiCollections", "streamCollections", "feeds",
    } <= set(schema.query_type.fields)  # fmt: skip
    assert {
        "markingDefinitionAdd", "markingDefinitionEdit", "labelAdd", "labelEdit",
        "killChainPhaseAdd", "killChainPhaseEdit", "vocabularyAdd", "vocabularyFieldPatch",
        "vocabularyDelete", "roleAdd", "roleEdit", "groupAdd", "groupEdit",
        "statusTemplateAdd", "statusTemplateFieldPatch", "statusTemplateDelete", "subTypeEdit",
        "taxiiCollectionAdd", "taxiiCollectionEdit", "streamCollectionAdd",
        "streamCollectionEdit", "feedAdd", "feedEdit", "feedDelete", "settingsEdit",
    } <= set(schema.mutation_type.fields)  # fmt: skip


def test_every_served_root_field_has_its_real_capability() -> None:
    served = json.loads(AUTH_FILE.read_text(encoding="utf-8"))
    assert served["Mutation.labelAdd"] == "@auth(for: [SETTINGS_SETLABELS])"
    assert served["Mutation.groupEdit"] == "@auth(for: [SETTINGS_SETACCESSES])"
    for key, directive in served.items():
        assert REAL_AUTH[key]["auth"] == directive, key
