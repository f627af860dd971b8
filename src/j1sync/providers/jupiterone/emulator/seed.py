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
from importlib import resources
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from j1sync import json_input
from j1sync.emulator.store import JsonObject
from j1sync.manifest.plain_yaml import may_nest_too_deep
from j1sync.manifest.yaml_source import aliases_expand_beyond
from j1sync.providers.jupiterone.emulator import (
    resolvers_dashboards,
    resolvers_iam,
    resolvers_integrations,
    resolvers_parameters,
    resolvers_questions,
    resolvers_resource_groups,
    resolvers_rules,
)
from j1sync.providers.jupiterone.emulator.backend import Backend

SEED_KEYS = (
    "users",
    "integrationDefinitions",
    "integrationInstances",
    "entities",
    "questions",
    "rules",
    "iamGroups",
    "parameters",
    "resourceGroups",
    "dashboards",
)
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
        raise ValueError(f"seed {source}: expected a mapping of collections")
    if aliases_expand_beyond(loaded, MAX_SEED_ALIASED_VALUES):  # json.dumps would expand them
        raise ValueError(
            f"cannot read seed file {source}: its YAML aliases (*name) expand it to more than "
            f"{MAX_SEED_ALIASED_VALUES:,} values"
        )
    plain: JsonObject = json.loads(json.dumps(loaded))  # plain dicts/lists, JSON types only
    return plain


def _read_seed_file(path: Path) -> object:
    """The parsed file (JSON for *.json, else YAML); a ValueError naming the file and the
    problem when it cannot be read or parsed."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            return json_input.loads(text)
        # libyaml (the C loader) nested thousands deep overflows the C stack: Python's
        # loader then, whose RecursionError is told below
        return YAML(typ="safe", pure=may_nest_too_deep(text)).load(text)
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
    unknown = sorted(set(data) - set(SEED_KEYS))
    if unknown:
        raise ValueError(f"unknown seed collections: {', '.join(unknown)}")
    with backend.store.lock:
        for user in data.get("users") or []:
            _add_user(backend, user)
        for definition in data.get("integrationDefinitions") or []:
            resolvers_integrations.create_definition(backend, definition)
        for instance in data.get("integrationInstances") or []:
            resolvers_integrations.create_instance(backend, instance)
        for entity in data.get("entities") or []:
            _add_entity(backend, entity)
        for question in data.get("questions") or []:
            resolvers_questions.create_question(backend, question)
        for group in data.get("iamGroups") or []:
            _add_group(backend, group)
        for resource_group in data.get("resourceGroups") or []:
            resolvers_resource_groups.add_seed_group(backend, resource_group)
        for rule in data.get("rules") or []:
            rule = resolvers_resource_groups.seed_rule(backend, rule)
            referenced = bool(rule.get("questionName") or rule.get("questionId"))
            resolvers_rules.create_rule(backend, {"specVersion": 1, **rule}, referenced)
        for parameter in data.get("parameters") or []:
            resolvers_parameters.add_seed_parameter(backend, parameter)
        for board in data.get("dashboards") or []:
            resolvers_dashboards.add_seed_board(backend, board)


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
