"""Every field the served schema declares non-null is answered, on every object the
emulator lists: a null there fails the query ("Cannot return null for non-nullable field
Label.spec_version.") and nulls the whole list, as graphql-js does on the real platform.
The platform is filled by applying examples/manifests/opencti (one object of each kind),
plus what those leave empty (a collection's authorized members, a type a group may not
share). Then each non-null scalar field reachable from a root query is asked alone.

STIX meta objects (markings, labels, kill chain phases, vocabularies) carry what OpenCTI's
createEntity gives them (database/middleware.js): `spec_version` "2.1", `created` and
`modified` from the input or now; an update moves `modified` and `updated_at`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    build_schema,
    get_named_type,
)

from j1sync.cli import cli
from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from j1sync.providers.opencti.emulator.api import SCHEMA_FILE
from tests.examples import OPENCTI_EXAMPLES

from .conftest import Poster

# Object types whose non-null fields no answer reaches, and why: nobody edits in the
# emulator (`editContext` is always []), and organizations are not served
# (Settings.platform_organization is null).
NEVER_ANSWERED = {"EditUserContext", "Organization"}


def non_null_scalar_paths() -> list[tuple[tuple[str, ...], str]]:
    """(path from Query, type holding the field) of each non-null scalar field the served
    schema reaches through fields that need no argument, each object type once a path."""
    schema = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(holder: GraphQLObjectType, path: tuple[str, ...], seen: frozenset[str]) -> None:
        for name, field in holder.fields.items():
            if any(isinstance(arg.type, GraphQLNonNull) for arg in field.args.values()):
                continue
            named = get_named_type(field.type)
            if isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
                if isinstance(field.type, GraphQLNonNull):
                    found.append(((*path, name), holder.name))
            elif isinstance(named, GraphQLObjectType) and named.name not in seen:
                walk(named, (*path, name), seen | {named.name})

    assert schema.query_type is not None
    walk(schema.query_type, (), frozenset())
    return found


def _selection(path: tuple[str, ...]) -> str:
    return "{ " + " { ".join(path) + " }" * (len(path) - 1) + " }"


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    else:
        yield value


@pytest.fixture(scope="module")
def filled() -> Iterator[OpenCtiEmulator]:
    with running_opencti_emulator() as emu:
        env = {"OPENCTI_URL": emu.url, "OPENCTI_TOKEN": emu.token, "NO_COLOR": "1"}
        applied = CliRunner().invoke(
            cli, ["apply", str(OPENCTI_EXAMPLES), "--auto-approve"], env=env
        )
        assert applied.exit_code == 0, applied.output
        admin = Poster(emu, emu.token)
        ids = admin.gql("{ me { id } groups { edges { node { id name } } } }")
        group = next(e["node"]["id"] for e in ids["groups"]["edges"])
        member = {"id": ids["me"]["id"], "access_right": "view", "groups_restriction_ids": [group]}
        admin.gql(
            "mutation T($input: TaxiiCollectionAddInput!) "
            "{ taxiiCollectionAdd(input: $input) { id } }",
            {"input": {"name": "Restricted", "authorized_members": [member]}},
        )
        admin.gql(
            "mutation G($id: ID!, $input: [EditInput]!) "
            "{ groupEdit(id: $id) { fieldPatch(input: $input) { id } } }",
            {
                "id": group,
                "input": [
                    {"key": "max_shareable_markings", "value": [{"type": "PAP", "value": "none"}]}
                ],
            },
        )
        admin.gql(
            "mutation L($input: LabelAddInput!) { labelAdd(input: $input) { id } }",
            {"input": {"value": "no colour given"}},
        )
        yield emu


def test_every_non_null_field_of_every_listed_object_is_answered(filled: OpenCtiEmulator) -> None:
    admin = Poster(filled, filled.token)
    failed: dict[str, list[str]] = {}
    answered: dict[str, set[str]] = {}
    wanted: dict[str, set[str]] = {}
    for path, holder in non_null_scalar_paths():
        wanted.setdefault(holder, set()).add(path[-1])
        body = admin.post(_selection(path)).json()
        for error in body.get("errors") or []:
            failed.setdefault(".".join(path), []).append(error["message"])
        if any(value is not None for value in _leaves(body.get("data"))):
            answered.setdefault(holder, set()).add(path[-1])
    assert failed == {}
    # every such field was reached on some object (the walk is not vacuous), but those
    # of NEVER_ANSWERED
    unreached = {t: sorted(f - answered.get(t, set())) for t, f in wanted.items()}
    assert {t for t, f in unreached.items() if f} == NEVER_ANSWERED


STIX_META_LISTS = {
    "markingDefinitions": "definition",
    "labels": "value",
    "killChainPhases": "phase_name",
    "vocabularies": "name",
}


@pytest.mark.parametrize("listing", sorted(STIX_META_LISTS))
def test_stix_meta_objects_carry_spec_version_and_dates(
    filled: OpenCtiEmulator, listing: str
) -> None:
    admin = Poster(filled, filled.token)
    query = f"{{ {listing} {{ edges {{ node {{ spec_version created modified }} }} }} }}"
    nodes = [e["node"] for e in admin.gql(query)[listing]["edges"]]
    assert nodes
    for node in nodes:
        assert node["spec_version"] == "2.1"
        assert node["created"] and node["modified"], node
    me = admin.gql("{ me { allowed_marking { spec_version created } } }")["me"]
    assert {m["spec_version"] for m in me["allowed_marking"]} == {"2.1"}


# add mutation -> (input type, input, the edit returning the object, a key to patch, value)
ADDS = {
    "markingDefinitionAdd": (
        "MarkingDefinitionAddInput",
        {"definition_type": "statement", "definition": "Dated", "x_opencti_order": 1},
        "markingDefinitionEdit(id: $id) { fieldPatch(input: $input) { %s } }",
        "x_opencti_order",
        "2",
    ),
    "labelAdd": (
        "LabelAddInput",
        {"value": "dated"},
        "labelEdit(id: $id) { fieldPatch(input: $input) { %s } }",
        "color",
        "#123456",
    ),
    "killChainPhaseAdd": (
        "KillChainPhaseAddInput",
        {"kill_chain_name": "chain", "phase_name": "dated", "x_opencti_order": 1},
        "killChainPhaseEdit(id: $id) { fieldPatch(input: $input) { %s } }",
        "x_opencti_order",
        "2",
    ),
    "vocabularyAdd": (
        "VocabularyAddInput",
        {"name": "dated", "category": "report_types_ov"},
        "vocabularyFieldPatch(id: $id, input: $input) { %s }",
        "description",
        "changed",
    ),
}
DATES = "id spec_version created modified created_at updated_at"
GIVEN = {"created": "2020-01-02T03:04:05.000Z", "modified": "2021-01-02T03:04:05.000Z"}


def _add(admin: Poster, mutation: str, given: dict[str, Any]) -> dict[str, Any]:
    input_type = ADDS[mutation][0]
    add = f"mutation A($input: {input_type}!) {{ {mutation}(input: $input) {{ {DATES} }} }}"
    made: dict[str, Any] = admin.gql(add, {"input": given})[mutation]
    return made


@pytest.mark.parametrize("mutation", sorted(ADDS))
def test_a_created_stix_meta_object_is_dated_now(admin: Poster, mutation: str) -> None:
    made = _add(admin, mutation, ADDS[mutation][1])
    assert made["spec_version"] == "2.1"
    assert made["created"] is not None
    assert made["created"] == made["modified"] == made["created_at"] == made["updated_at"]


@pytest.mark.parametrize("mutation", sorted(ADDS))
def test_dates_given_are_kept_and_an_update_moves_modified_not_created(
    admin: Poster, mutation: str
) -> None:
    _, given, edit, key, value = ADDS[mutation]
    made = _add(admin, mutation, {**given, **GIVEN})
    assert {k: made[k] for k in GIVEN} == GIVEN
    patch = "mutation P($id: ID!, $input: [EditInput!]!) { " + edit % DATES + " }"
    answer = admin.gql(patch, {"id": made["id"], "input": [{"key": key, "value": [value]}]})
    updated = next(_objects(answer))
    assert updated["created"] == GIVEN["created"]
    assert updated["modified"] == updated["updated_at"] > GIVEN["modified"]


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    """The dicts holding `modified` in an answer, outermost first."""
    if isinstance(data, dict):
        if "modified" in data:
            yield data
        for value in data.values():
            yield from _objects(value)
