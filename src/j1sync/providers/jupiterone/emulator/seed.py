"""Seed data: the objects an account holds before anyone touches it.

A seed is a mapping (from YAML/JSON, or a dict) with any of these lists: users,
integrationDefinitions, integrationInstances (`definition`: a definition type),
entities, questions, rules (inline `question`, or `questionName`/`questionId`),
iamGroups (`members`: emails), parameters (`name`, `value`, `secret`), resourceGroups
(`permissions`: per IAM group name, its resource area and flags; rules name theirs by
`resourceGroup`), dashboards (createDashboard's input with `type`, `userId`,
`isJ1ManagedBoard`, `starred`, `resourceGroup` and `parameters`). Objects go
through the same code as the API's mutations, so they get the same server-side fields and
defaults.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from j1sync import json_input
from j1sync.emulator.store import JsonObject
from j1sync.json_input import json_type
from j1sync.manifest.plain_yaml import may_nest_too_deep
from j1sync.manifest.yaml_source import (
    CORE_TAG_PREFIX,
    WrittenFloat,
    aliases_expand_beyond,
    as_written,
    not_finite_problem,
)
from j1sync.providers.jupiterone.emulator import (
    resolvers_dashboards,
    resolvers_iam,
    resolvers_integrations,
    resolvers_parameters,
    resolvers_questions,
    resolvers_resource_groups,
    resolvers_rules,
)
from j1sync.providers.jupiterone.emulator.api_errors import ApiFailure
from j1sync.providers.jupiterone.emulator.backend import Backend
from j1sync.providers.jupiterone.emulator.executor import load_schema

SeedSource = str | Path | JsonObject | None
# A seed may be large (a benchmark's account), so its aliases get more room than a
# manifest's; nine lines of them ("billion laughs") still expand to hundreds of millions.
MAX_SEED_ALIASED_VALUES = 10_000_000


def load_seed(source: SeedSource) -> JsonObject:
    """ "demo" (the built-in demo account), "none"/None (empty), a dict, or a file path."""
    if source is None or source == "none":
        return {}
    if isinstance(source, dict):
        return source
    if source == "demo":
        text = (
            resources.files("j1sync.providers.jupiterone.emulator")
            .joinpath("demo_seed.yaml")
            .read_text("utf-8")
        )
        loaded = YAML(typ="safe").load(text)
    else:
        loaded = _read_seed_file(Path(source))
    if not isinstance(loaded, dict):
        raise ValueError(
            f"seed {source}: expected a mapping of collections, not {json_type(loaded)}"
        )
    if aliases_expand_beyond(loaded, MAX_SEED_ALIASED_VALUES):  # json.dumps would expand them
        raise ValueError(
            f"cannot read seed file {source}: its YAML aliases (*name) expand it to more than "
            f"{MAX_SEED_ALIASED_VALUES:,} values"
        )
    try:
        text = json.dumps(loaded, allow_nan=False)  # plain dicts/lists, JSON types only
    except (TypeError, ValueError):
        raise ValueError(f"cannot read seed file {source}: {_not_json(loaded)}") from None
    plain: JsonObject = json.loads(text)
    return plain


def _not_json(loaded: object) -> str:
    """Where the first value JSON cannot hold is (a YAML date, .nan, !!binary, ...), and
    what it is."""
    stack: list[tuple[str, object]] = [("", loaded)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return f"{where}: {not_finite_problem(value)}"
        if isinstance(value, list):
            stack.extend((f"{where}[{i}]", v) for i, v in reversed(list(enumerate(value))))
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                if not isinstance(key, (str, int, float, bool)) and key is not None:
                    return f"{where or 'the top'}: the key {key!s} is {_not_a_string(key)}"
                stack.append((f"{where}.{key}" if where else str(key), item))
        elif not isinstance(value, (str, int, float, bool)) and value is not None:
            return f"{where}: {value!s} is {_not_a_string(value)}"
    return "it holds a value JSON cannot hold"


def _not_a_string(value: object) -> str:
    return f"a YAML {type(value).__name__}, not a JSON value (quote it to make it a string)"


class _SeedConstructor(SafeConstructor):
    """YAML's safe constructor, a float that is no finite number kept with its text (what
    the problem quotes: `1.5e400`, not `inf`)."""

    def construct_yaml_float(self, node: Any) -> float:
        value: float = as_written(super().construct_yaml_float(node), str(node.value))
        return value


_SeedConstructor.add_constructor(f"{CORE_TAG_PREFIX}float", _SeedConstructor.construct_yaml_float)


def _json_float(text: str) -> float:
    """json.loads' `parse_float`: `1e400` kept with its text (WrittenFloat)."""
    value: float = as_written(float(text), text)
    return value


def _json_constant(text: str) -> float:
    """json.loads' `parse_constant`: NaN, Infinity, -Infinity, kept with their text."""
    return WrittenFloat(float(text.replace("Infinity", "inf")), text)


def _read_seed_file(path: Path) -> object:
    """The parsed file (JSON for *.json, else YAML); a ValueError naming the file and the
    problem when it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            return json_input.loads(text, parse_float=_json_float, parse_constant=_json_constant)
        # libyaml (the C loader) nested thousands deep overflows the C stack: Python's
        # loader then, whose RecursionError is told below
        yaml = YAML(typ="safe", pure=may_nest_too_deep(text))
        yaml.Constructor = _SeedConstructor
        return yaml.load(text)
    except OSError as exc:
        reason = exc.strerror or str(exc)
    except UnicodeDecodeError:
        reason = "not UTF-8 text"
    except json.JSONDecodeError as exc:
        reason = f"invalid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
    except (json_input.TooDeepJSON, RecursionError):
        reason = "nested too deeply (thousands of levels)"
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = f"invalid YAML: {exc.problem or exc.context}{where}"
    except YAMLError as exc:
        reason = "invalid YAML: " + " ".join(str(exc).split())
    raise ValueError(f"cannot read seed file {path}: {reason}")


def apply_seed(backend: Backend, data: JsonObject) -> None:
    """Store the seed's objects; what the seed holds wrong is a ValueError naming its
    collection and place (`rules[2]`) and what is wrong there, never a Python error."""
    unknown = sorted(set(data) - {name for name, _ in _ADDERS})
    if unknown:
        raise ValueError(f"unknown seed collections: {', '.join(unknown)}")
    with backend.store.lock:
        for collection, add in _ADDERS:  # in this order: what is named exists before
            items = data.get(collection) or []
            if not isinstance(items, list):
                raise ValueError(
                    f"{collection}: expected a list of objects, not {json_type(items)}"
                )
            for index, item in enumerate(items):
                _add_one(backend, f"{collection}[{index}]", add, item)


def _add_one(
    backend: Backend, where: str, add: Callable[[Backend, JsonObject], object], item: object
) -> None:
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected an object (a mapping), not {json_type(item)}")
    api_type = _API_TYPES.get(where.split("[", 1)[0])
    problem = api_type and _type_problem(load_schema().get_type(api_type), item, where)
    if problem:
        raise ValueError(problem)
    try:
        add(backend, item)
    except KeyError as exc:
        raise ValueError(f"{where}: missing field {exc.args[0]!r}") from exc
    except ApiFailure as exc:
        raise ValueError(f"{where}: {exc.message}") from exc
    except sqlite3.IntegrityError as exc:
        given = item.get("id", item.get("_id"))
        raise ValueError(f"{where}: id {given!r} is taken by an object before it") from exc
    except ValueError as exc:  # the seed's own refusals (seed_rule)
        raise ValueError(f"{where}: {exc}") from exc
    except (TypeError, AttributeError) as exc:  # (Python's words are not the seed's)
        raise ValueError(
            f"{where}: a field holds a value of another type than the emulator takes there"
        ) from exc


# The API type of a collection's seed objects (its create input, else what the API
# answers): a value of a type its field does not take was stored, then every read of it
# failed ("Enum 'SchedulerPollingInterval' cannot represent value: 'BOGUS'"), or was
# served as the real API never answers (tags as a string, a count as text).
_API_TYPES = {
    "questions": "CreateQuestionInput",
    "rules": "CreateInlineQuestionRuleInstanceInput",
    "integrationInstances": "IntegrationInstance",
    "dashboards": "CreateInsightsDashboardInput",
}

# The built-in scalars, by the JSON values each takes (bool is an int in Python: never
# an Int's or a Float's). Custom scalars (JSON, Long, ParameterValue, ...) take any.
_SCALARS: dict[str, tuple[type, ...]] = {
    "String": (str,),
    "ID": (str, int),
    "Int": (int,),
    "Float": (int, float),
    "Boolean": (bool,),
}


def _type_problem(api_type: object, value: JsonObject, where: str) -> str | None:
    """Where `value` (an object of `api_type`) holds a value its field's type does not
    take (a list for one value or the reverse, a scalar of another type, a value none of
    its enums has), nested objects and lists included; None when none."""
    if not isinstance(api_type, (GraphQLObjectType, GraphQLInputObjectType)):
        return None
    for name, field in api_type.fields.items():
        given = value.get(name)
        if given is None:
            continue
        at = f"{where}.{name}"
        listed = is_list_type(get_nullable_type(field.type))
        if listed != isinstance(given, list):
            wanted = "a list" if listed else "one value, not a list"
            return f"{at}: expected {wanted}, not {json_type(given)}"
        named = get_named_type(field.type)
        items = given if listed else [given]
        for index, item in enumerate(items):
            here = f"{at}[{index}]" if listed else at
            if item is None:
                continue
            found = _value_problem(named, item, here)
            if found:
                return found
    return None


def _value_problem(named: object, item: object, at: str) -> str | None:
    if isinstance(named, GraphQLEnumType):
        if not isinstance(item, str) or item not in named.values:
            return f"{at}: {item!r} is not one of {', '.join(named.values)}"
    elif isinstance(named, GraphQLScalarType):
        takes = _SCALARS.get(named.name)
        wrong_bool = isinstance(item, bool) and bool not in (takes or ())
        if takes is not None and (not isinstance(item, takes) or wrong_bool):
            return f"{at}: expected {named.name}, not {json_type(item)}"
    elif isinstance(named, (GraphQLObjectType, GraphQLInputObjectType)):
        if not isinstance(item, dict):
            return f"{at}: expected an object (a mapping), not {json_type(item)}"
        return _type_problem(named, item, at)
    return None


def _add_rule(backend: Backend, rule: JsonObject) -> None:
    rule = resolvers_resource_groups.seed_rule(backend, rule)
    referenced = bool(rule.get("questionName") or rule.get("questionId"))
    resolvers_rules.create_rule(backend, {"specVersion": 1, **rule}, referenced)


def _add_user(backend: Backend, user: JsonObject) -> None:
    backend.store.insert(
        resolvers_iam.USERS,
        {
            "id": user.get("id") or backend.new_id(),
            "email": user["email"],
            "firstName": user.get("firstName"),
            "lastName": user.get("lastName"),
        },
    )


def _add_entity(backend: Backend, entity: JsonObject) -> None:
    entity_id = entity.get("_id") or backend.new_id()
    kinds = entity.get("_type") or []
    classes = entity.get("_class") or []
    backend.store.insert(
        "entities",
        {
            **entity,
            "id": entity_id,
            "_id": entity_id,
            "_key": entity.get("_key") or entity_id,
            "_type": kinds if isinstance(kinds, list) else [kinds],
            "_class": classes if isinstance(classes, list) else [classes],
            "_accountId": backend.account,
        },
    )


def _add_group(backend: Backend, group: JsonObject) -> None:
    members = group.get("members") or []
    args = {k: v for k, v in group.items() if k != "members"}
    created = resolvers_iam.create_group(backend, args)
    for email in members:
        resolvers_iam.set_membership(backend, created["id"], email, member=True)


# Each collection's objects, in the order they are stored (what a later one names, an
# earlier one holds: instances their definition, rules their question and resource group).
_ADDERS: tuple[tuple[str, Callable[[Backend, JsonObject], object]], ...] = (
    ("users", _add_user),
    ("integrationDefinitions", resolvers_integrations.create_definition),
    ("integrationInstances", resolvers_integrations.create_instance),
    ("entities", _add_entity),
    ("questions", resolvers_questions.create_question),
    ("iamGroups", _add_group),
    ("resourceGroups", resolvers_resource_groups.add_seed_group),
    ("rules", _add_rule),
    ("parameters", resolvers_parameters.add_seed_parameter),
    ("dashboards", resolvers_dashboards.add_seed_board),
)
