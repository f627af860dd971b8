"""The emulator's schema is a faithful subset of the live API's: every type, field,
argument and enum value it serves exists in the real schema with the identical type."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    extend_schema,
    parse,
)

from j1sync.providers.jupiterone.emulator.executor import load_schema

from .conftest import REFERENCE


def real_schema() -> GraphQLSchema:
    base = build_schema((REFERENCE / "schema-2023-11.graphql").read_text())
    additions = parse((REFERENCE / "schema-additions-inferred.graphql").read_text())
    recorded = parse((REFERENCE / "schema-additions-recorded.graphql").read_text())
    terraform = parse((REFERENCE / "schema-additions-terraform.graphql").read_text())
    return extend_schema(extend_schema(extend_schema(base, additions), recorded), terraform)


def differences(ours: GraphQLSchema, real: GraphQLSchema) -> list[str]:
    problems: list[str] = []
    for name, our_type in ours.type_map.items():
        if name.startswith("__"):
            continue
        real_type = real.type_map.get(name)
        if real_type is None:
            problems.append(f"type {name} is not in the real schema")
            continue
        if type(real_type) is not type(our_type):
            problems.append(f"type {name} is a different kind of type")
            continue
        if isinstance(our_type, GraphQLEnumType):
            assert isinstance(real_type, GraphQLEnumType)
            problems += [
                f"enum value {name}.{value}"
                for value in our_type.values
                if value not in real_type.values
            ]
        if isinstance(our_type, GraphQLUnionType):
            assert isinstance(real_type, GraphQLUnionType)
            real_members = {t.name for t in real_type.types}
            problems += [
                f"union {name} member {t.name}"
                for t in our_type.types
                if t.name not in real_members
            ]
        if isinstance(our_type, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            assert isinstance(
                real_type, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)
            )
            problems += _field_differences(name, our_type, real_type)
    return problems


def _field_differences(name: str, ours: object, real: object) -> list[str]:
    problems = []
    our_fields = ours.fields  # type: ignore[attr-defined]
    real_fields = real.fields  # type: ignore[attr-defined]
    for field_name, field in our_fields.items():
        real_field = real_fields.get(field_name)
        if real_field is None:
            problems.append(f"field {name}.{field_name} is not in the real schema")
            continue
        if str(field.type) != str(real_field.type):
            problems.append(f"field {name}.{field_name}: {field.type} != {real_field.type}")
        for arg_name, arg in getattr(field, "args", {}).items():
            real_arg = real_field.args.get(arg_name)
            if real_arg is None or str(arg.type) != str(real_arg.type):
                problems.append(f"argument {name}.{field_name}({arg_name}) differs")
    if isinstance(ours, (GraphQLObjectType, GraphQLInterfaceType)):
        real_interfaces = {i.name for i in real.interfaces}  # type: ignore[attr-defined]
        problems += [
            f"{name} implements {i.name}" for i in ours.interfaces if i.name not in real_interfaces
        ]
    return problems


def test_every_served_type_field_argument_and_enum_value_exists_in_the_real_schema() -> None:
    assert differences(load_schema(), real_schema()) == []


def test_the_check_notices_a_field_the_real_schema_lacks() -> None:
    tampered = build_schema(
        "type Query { question(id: ID!): Question }\ntype Question { id: ID! bogus: Int }"
    )
    problems = differences(tampered, real_schema())
    assert "field Question.bogus is not in the real schema" in problems
    assert any("Query.question" in p for p in problems)  # nullability differs (Question!)


def test_the_emulator_serves_every_root_field_the_brief_lists() -> None:
    schema = load_schema()
    assert schema.query_type is not None and schema.mutation_type is not None
    queries = set(schema.query_type.fields)
    mutations = set(schema.mutation_type.fields)
    assert {
        "listRuleInstances", "questionRuleInstance", "questions", "question", "iamGroups",
        "iamGroupUsers", "iamGroupQueryPolicy", "iamGetGroup", "integrationDefinitions",
        "integrationInstances", "integrationInstancesV2", "integrationInstance", "queryV1",
    } <= queries  # fmt: skip
    assert {
        "createInlineQuestionRuleInstance", "createReferencedQuestionRuleInstance",
        "updateInlineQuestionRuleInstance", "updateReferencedQuestionRuleInstance",
        "deleteRuleInstance", "evaluateRuleInstance", "createQuestion", "updateQuestion",
        "deleteQuestion", "createIamGroup", "updateIamGroup", "deleteIamGroup",
        "addIamUserToGroupByEmail", "removeIamUserFromGroupByEmail", "updateIntegrationInstance",
    } <= mutations  # fmt: skip
