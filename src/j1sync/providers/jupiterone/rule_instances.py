"""Rule actions that name an integration instance (`integrationInstance: jira-cloud`)
instead of holding its id (`integrationInstanceId`), the way `questionRef` names a
question.

The instances are the IntegrationSchedule kind's live objects (id: the instance id; key:
its name, `name (definition)` where names are shared), read only when a manifest needs
them. Whenever they are read, both sides of the comparison say names: a live action's id
becomes its instance's key, and so does a manifest's raw `integrationInstanceId` — so
neither side differs for spelling alone. At apply time the key becomes the id again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from j1sync.engine.contract import DesiredObject, LiveObject, Resolver, address_of
from j1sync.providers.jupiterone.integration_schedules import KIND as INSTANCE_KIND
from j1sync.providers.jupiterone.integration_schedules import instance_name, unknown_instance
from j1sync.providers.jupiterone.models.alert_rule import INSTANCE_ID, INSTANCE_NAME

Action = dict[str, Any]


def _renamed(action: Mapping[str, Any], old: str, new: str, value: Any) -> Action:
    """`action` with key `old` replaced by `new` (holding `value`), in the same place."""
    return {(new if k == old else k): (value if k == old else v) for k, v in action.items()}


def _map_actions(
    operations: Sequence[Any], change: Callable[[int, int, Action], Action]
) -> list[Any]:
    result: list[Any] = []
    for op_index, operation in enumerate(operations):
        if not isinstance(operation, dict):
            result.append(operation)
            continue
        actions = [
            change(op_index, index, action) if isinstance(action, dict) else action
            for index, action in enumerate(operation.get("actions") or [])
        ]
        result.append({**operation, "actions": actions})
    return result


def names_no_instance(operations: Sequence[Any]) -> bool:
    """No action of `operations` holds an instance id or name (most rules): resolving or
    naming instances leaves them as they are, so their state need not be rebuilt."""
    return not any(
        INSTANCE_ID in action or INSTANCE_NAME in action
        for operation in operations
        if isinstance(operation, dict)
        for action in operation.get("actions") or []
        if isinstance(action, dict)
    )


def named_operations(operations: Sequence[Any], instance_keys: Mapping[str, str]) -> list[Any]:
    """Live operations with each known instance id (`instance_keys`: id -> key) written as
    `integrationInstance: <key>`; an id of no known instance stays as it is."""
    if not instance_keys or names_no_instance(operations):
        return list(operations)

    def name(_: int, __: int, action: Action) -> Action:
        key = instance_keys.get(str(action.get(INSTANCE_ID)))
        return _renamed(action, INSTANCE_ID, INSTANCE_NAME, key) if key else action

    return _map_actions(operations, name)


def instance_names(state: Mapping[str, Any]) -> list[str]:
    """The instance keys a normalized rule state names, in order, once each."""
    found: list[str] = []
    for operation in state.get("operations") or []:
        for action in operation.get("actions") or [] if isinstance(operation, dict) else []:
            if isinstance(action, dict) and isinstance(action.get(INSTANCE_NAME), str):
                found.append(action[INSTANCE_NAME])
    return list(dict.fromkeys(found))


def instance_addresses(state: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(address_of(INSTANCE_KIND, name) for name in instance_names(state))


@dataclass(frozen=True)
class LiveInstances:
    """The live integration instances, indexed once for every rule of a plan (by their
    own name and by their key; by id)."""

    instances: list[LiveObject]
    by_name: dict[str, list[LiveObject]]
    keys: dict[str, str]  # id -> key

    @classmethod
    def of(cls, live: Sequence[LiveObject]) -> LiveInstances:
        instances = [o for o in live if o.kind == INSTANCE_KIND]
        by_name: dict[str, list[LiveObject]] = {}
        for instance in instances:
            for name in dict.fromkeys((instance.name, instance_name(instance))):
                by_name.setdefault(name, []).append(instance)
        keys = {str(o.id): o.name for o in instances if o.id}
        return cls(instances, by_name, keys)


def resolve_rule_instances(
    desired: DesiredObject, live: LiveInstances
) -> tuple[DesiredObject, list[str]]:
    """The rule with every `integrationInstance` written as its instance's key (and every
    raw `integrationInstanceId` of a known instance as its key too), its dependencies
    naming those instances; and a message per name that matches none or several."""
    instances, by_name, keys = live.instances, live.by_name, live.keys
    if not instances and not instance_names(desired.state):
        return desired, []
    depends_on_instances = any(d.startswith(f"{INSTANCE_KIND}/") for d in desired.depends_on)
    if not depends_on_instances and names_no_instance(desired.state.get("operations") or []):
        return desired, []  # what the resolution below gives it, without a copy
    problems: list[str] = []

    def resolve(op_index: int, index: int, action: Action) -> Action:
        if INSTANCE_NAME not in action:
            key = keys.get(str(action.get(INSTANCE_ID)))
            return _renamed(action, INSTANCE_ID, INSTANCE_NAME, key) if key else action
        wanted = str(action[INSTANCE_NAME])
        matches = by_name.get(wanted, [])
        if len(matches) == 1:
            return {**action, INSTANCE_NAME: matches[0].name}
        where = f"{desired.address}: operations[{op_index}].actions[{index}].{INSTANCE_NAME}"
        if matches:
            problems.append(f"{where}: {ambiguous_instance(wanted, matches)}")
        else:
            problems.append(f"{where}: {unknown_instance(wanted, instances)}")
        return action

    operations = _map_actions(desired.state.get("operations") or [], resolve)
    state = {**desired.state, "operations": operations}
    others = tuple(d for d in desired.depends_on if not d.startswith(f"{INSTANCE_KIND}/"))
    depends_on = others + instance_addresses(state)
    if depends_on == desired.depends_on and state == desired.state:
        return desired, problems  # most rules: no copy of their state kept
    return replace(desired, state=state, depends_on=depends_on), problems


def ambiguous_instance(wanted: str, matches: Sequence[LiveObject]) -> str:
    keys = ", ".join(f"'{o.name}'" for o in matches)
    return (
        f"{len(matches)} integration instances are named '{wanted}'; write one of {keys} "
        "to pick one"
    )


def with_instance_ids(state: Mapping[str, Any], resolver: Resolver) -> dict[str, Any]:
    """At apply time: each `integrationInstance: <key>` as the instance's
    `integrationInstanceId`, from the instances read for this run."""
    if not instance_names(state):
        return dict(state)

    def to_id(_: int, __: int, action: Action) -> Action:
        if INSTANCE_NAME not in action:
            return action
        instance_id = resolver.id_of(address_of(INSTANCE_KIND, str(action[INSTANCE_NAME])))
        return _renamed(action, INSTANCE_NAME, INSTANCE_ID, instance_id)

    return {**state, "operations": _map_actions(state.get("operations") or [], to_id)}
