"""IntegrationSchedule: when an existing integration instance runs (graphql area).

Instances are never created or deleted by j1sync: a schedule's natural key is its
instance's name; a manifest naming an instance that does not exist reaches `create()`,
which explains which instances do exist. `definition` (the integration type) is managed
only when the manifest gives it: like IamGroup members, it is then left out of the desired
state, and the engine's `comparable_live_state()` leaves it out of the comparison.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from j1sync.engine.contract import DesiredObject, LiveObject, PrunePolicy, Resolver
from j1sync.errors import ApiError, ResolutionError
from j1sync.manifest.document import Manifest, ProjectConfig
from j1sync.manifest.names import spec_problem
from j1sync.manifest.yaml_source import document_at, field_problem
from j1sync.providers.jupiterone.checks.conflicts import instance_field
from j1sync.providers.jupiterone.client import PAGE_LIMIT, JupiterOneClient
from j1sync.providers.jupiterone.models.integration_schedule import (
    DAY_OF_WEEK_INTERVALS,
    HOUR_INTERVALS,
    IntegrationScheduleSpec,
)
from j1sync.providers.registry import closest

KIND = "IntegrationSchedule"

LIST_DEFINITIONS = """
query J1SyncIntegrationDefinitions($cursor: String) {
  integrationDefinitions(cursor: $cursor) {
    definitions { id name type title }
    pageInfo { endCursor hasNextPage }
  }
}
"""
LIST_INSTANCES = """
query J1SyncIntegrationInstances($limit: Int, $cursor: String) {
  integrationInstances(limit: $limit, cursor: $cursor) {
    instances {
      id name integrationDefinitionId pollingInterval
      pollingIntervalCronExpression { hour dayOfWeek }
    }
    pageInfo { endCursor hasNextPage }
  }
}
"""
UPDATE_SCHEDULE = """
mutation J1SyncUpdateIntegrationSchedule($id: String!, $update: UpdateIntegrationInstanceInput!) {
  updateIntegrationInstance(id: $id, update: $update) {
    id pollingInterval pollingIntervalCronExpression { hour dayOfWeek }
  }
}
"""


def normalize_schedule(
    interval: str | None, hour: int | None, day_of_week: int | None
) -> dict[str, Any]:
    """An hour applies only to daily and weekly runs, a day only to weekly ones."""
    return {
        "pollingInterval": interval,
        "hour": hour if interval in HOUR_INTERVALS else None,
        "dayOfWeek": day_of_week if interval in DAY_OF_WEEK_INTERVALS else None,
    }


CRON_FIELDS = ("hour", "dayOfWeek")


def desired_schedule(
    interval: str | None, hour: int | None, day_of_week: int | None
) -> dict[str, Any]:
    """What a manifest manages: the interval, and the hour and day only where the interval
    uses them. Apply leaves a stored hour or day another interval disregards in place (the
    API keeps it, release note 2021.83): compared, it would show as a change apply never
    makes."""
    state = normalize_schedule(interval, hour, day_of_week)
    unused = [
        name
        for name, intervals in (("hour", HOUR_INTERVALS), ("dayOfWeek", DAY_OF_WEEK_INTERVALS))
        if interval not in intervals
    ]
    return {k: v for k, v in state.items() if k not in unused}


def stale_cron_fields(state: Mapping[str, Any], stored: Mapping[str, Any] | None) -> list[str]:
    """The stored hour/day the manifest does not set but that would still apply under its
    interval. Other stored values are harmless: the release note (2021.83) says any other
    interval disregards them, and the API keeps them when the interval changes."""
    stored = stored or {}
    applied = normalize_schedule(
        state["pollingInterval"], stored.get("hour"), stored.get("dayOfWeek")
    )
    return [name for name in CRON_FIELDS if state.get(name) is None and applied[name] is not None]


def schedule_update(
    state: Mapping[str, Any], stored: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """UpdateIntegrationInstanceInput for a normalized state, given the instance's stored
    `pollingIntervalCronExpression`. The expression is sent only when it says something:
    the hour and day the manifest sets (a stale one beside them named null), or null
    when a stale hour or day must go and the manifest sets neither (what null does live
    is undocumented: `IntegrationSchedules.update` checks the answer)."""
    update: dict[str, Any] = {"pollingInterval": state["pollingInterval"]}
    wanted = {name: state[name] for name in CRON_FIELDS if state.get(name) is not None}
    stale = stale_cron_fields(state, stored)
    if wanted:
        update["pollingIntervalCronExpression"] = {**wanted, **dict.fromkeys(stale)}
    elif stale:
        update["pollingIntervalCronExpression"] = None
    return update


def scheduled_as(answer: Mapping[str, Any], state: Mapping[str, Any]) -> bool:
    """Whether an instance as the API answered runs on the schedule `state` describes."""
    cron = answer.get("pollingIntervalCronExpression") or {}
    applied = normalize_schedule(
        answer.get("pollingInterval"), cron.get("hour"), cron.get("dayOfWeek")
    )
    return all(applied[name] == state.get(name) for name in ("pollingInterval", *CRON_FIELDS))


class IntegrationSchedules:
    kind = KIND
    prune: PrunePolicy = "never"
    # resolve_desired reads the instances, its own live objects, only (engine.contract)
    resolves_against = (KIND,)

    def __init__(self, client: JupiterOneClient) -> None:
        self._client = client

    def desired(self, manifest: Manifest, project: ProjectConfig) -> DesiredObject:
        spec = manifest.spec_data()
        state = desired_schedule(
            spec.get("pollingInterval"), spec.get("hour"), spec.get("dayOfWeek")
        )
        if spec.get("definition"):
            state["definition"] = spec["definition"]
        instance = spec.get("instance") or manifest.name
        return DesiredObject(KIND, instance, state, source=manifest.source)

    def read_all(self) -> list[LiveObject]:
        definitions = self._client.collect(
            "graphql", LIST_DEFINITIONS, {}, ("integrationDefinitions",), "definitions"
        )
        types = {d["id"]: d.get("type") for d in definitions}
        instances = self._client.collect(
            "graphql",
            LIST_INSTANCES,
            {"limit": PAGE_LIMIT},
            ("integrationInstances",),
            "instances",
        )
        return _distinguish_shared_names([self._live_object(raw, types) for raw in instances])

    def _live_object(self, raw: dict[str, Any], types: Mapping[str, Any]) -> LiveObject:
        cron = raw.get("pollingIntervalCronExpression") or {}
        state = normalize_schedule(
            raw.get("pollingInterval"), cron.get("hour"), cron.get("dayOfWeek")
        )
        state["definition"] = types.get(str(raw.get("integrationDefinitionId")))
        # what no manifest can say (an instance never polled: pollingInterval null, as the
        # schema allows): export leaves the instance out
        problem = spec_problem(IntegrationScheduleSpec, state)
        return LiveObject(KIND, str(raw["name"]), raw["id"], state, raw=raw, undeclarable=problem)

    def find(self, name: str) -> list[LiveObject]:
        return [obj for obj in self.read_all() if obj.name == name]

    def resolve_desired(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> tuple[list[DesiredObject], list[str]]:
        """Every schedule manifest must name exactly one existing instance; it takes that
        instance's key (which says the definition when two instances share a name)."""
        instances = [o for o in live if o.kind == KIND]
        named: dict[str, list[LiveObject]] = {}  # by key and by own name, in live order
        for instance in instances:
            for name in dict.fromkeys((instance.name, instance_name(instance))):
                named.setdefault(name, []).append(instance)
        resolved: list[DesiredObject] = []
        problems: list[str] = []
        for want in desired:
            matches = [o for o in named.get(want.name, []) if _same_definition(o, want)]
            if len(matches) == 1:
                resolved.append(replace(want, name=matches[0].name))
                continue
            resolved.append(want)
            if matches:
                problems.append(ambiguous_message(want, matches))
            else:
                problems.append(not_found_message(want, instances))
        return resolved, problems

    def create(self, desired: DesiredObject, resolver: Resolver) -> str:
        """Schedules are never created: reaching here means the plan found no instance
        with this name. If exactly one exists now, schedule it; otherwise say which do."""
        live = self.read_all()
        matches = [o for o in live if _names(o, desired.name) and _same_definition(o, desired)]
        if len(matches) == 1:
            self.update(matches[0], desired, resolver)
            return str(matches[0].id)
        if matches:
            raise ResolutionError(ambiguous_message(desired, matches))
        raise ResolutionError(not_found_message(desired, live))

    def update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        if not _same_definition(live, desired):
            raise ResolutionError(
                f"{desired.address}: integration instance '{desired.name}' is of type "
                f"'{live.state.get('definition')}', but the manifest says definition "
                f"'{desired.state['definition']}'"
            )
        update = schedule_update(desired.state, live.raw.get("pollingIntervalCronExpression"))
        answer = self._send(live, update)
        sent_null = (
            "pollingIntervalCronExpression" in update
            and not update["pollingIntervalCronExpression"]
        )
        if sent_null and not scheduled_as(answer, desired.state):
            # The API ignored null (undocumented either way): name the fields instead.
            update["pollingIntervalCronExpression"] = dict.fromkeys(CRON_FIELDS)
            answer = self._send(live, update)
        if not scheduled_as(answer, desired.state):
            raise ApiError(
                f"{desired.address}: JupiterOne did not take the schedule: sent {update}, "
                f"it answered pollingInterval {answer.get('pollingInterval')} with "
                f"pollingIntervalCronExpression {answer.get('pollingIntervalCronExpression')}; "
                "if it will not clear an hour or day, set `hour`/`dayOfWeek` in the manifest"
            )

    def _send(self, live: LiveObject, update: dict[str, Any]) -> dict[str, Any]:
        data = self._client.execute("graphql", UPDATE_SCHEDULE, {"id": live.id, "update": update})
        answer = data.get("updateIntegrationInstance")
        return answer if isinstance(answer, dict) else {}

    def delete(self, live: LiveObject) -> None:
        raise ResolutionError(f"{live.address}: j1sync never deletes integration instances")


def instance_name(live: LiveObject) -> str:
    """The instance's own name (a LiveObject's key adds the definition when shared)."""
    return str(live.raw.get("name", live.name))


def _names(live: LiveObject, name: str) -> bool:
    return name in (live.name, instance_name(live))


def _distinguish_shared_names(objects: list[LiveObject]) -> list[LiveObject]:
    """Instances that share a name are keyed `name (definition)`, so each has its own
    address and a manifest with `definition` can pick one."""
    counts = Counter(o.name for o in objects)
    return [
        replace(o, name=f"{o.name} ({o.state.get('definition')})") if counts[o.name] > 1 else o
        for o in objects
    ]


def _same_definition(live: LiveObject, desired: DesiredObject) -> bool:
    wanted = desired.state.get("definition")
    return wanted is None or live.state.get("definition") == wanted


def not_found_message(desired: DesiredObject, live: Sequence[LiveObject]) -> str:
    definition = desired.state.get("definition")
    missing = unknown_instance(desired.name, live, definition)
    if definition and any(_names(o, desired.name) for o in live):
        return _instance_problem(desired, missing, "definition")  # the name is right
    return _instance_problem(desired, missing)


def _instance_problem(desired: DesiredObject, message: str, field: str = "instance") -> str:
    """`file:line:column: address: field: message`, at the spec's `field` that is wrong
    (`instance`, else `metadata.name`: its default); the address alone when the object
    has no manifest."""
    if desired.source is None:
        return f"{desired.address}: {message}"
    document = document_at(desired.source)
    path = instance_field(document, field) if document is not None else ("metadata", "name")
    return field_problem(desired.source, desired.address, path, message)


def unknown_instance(
    wanted: str, instances: Sequence[LiveObject], definition: str | None = None
) -> str:
    """No instance `wanted` (of type `definition`): the account's instances, nearest names
    first, so that a typo is easy to spot; one deleted in JupiterOne must be made there
    again (j1sync never creates one)."""
    listed = sorted({f"{instance_name(o)} ({o.state.get('definition')})" for o in instances})
    plain = sorted({instance_name(o) for o in instances} | {o.name for o in instances})
    of_type = f"' of type '{definition}" if definition else ""
    types = sorted({str(o.state.get("definition")) for o in instances if _names(o, wanted)})
    if definition and types:
        # the name is right, the type is not: say the type, not the name written
        meant = closest(definition, types)
        hint = f": '{wanted}' is of type {' or '.join(repr(t) for t in types)}" + (
            f"; did you mean definition '{meant}'?" if meant else ""
        )
    else:
        nearest = difflib.get_close_matches(wanted, plain, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(n) for n in nearest)}?" if nearest else ""
    return (
        f"integration instance '{wanted}{of_type}' not found{hint}; the account's instances: "
        f"{', '.join(listed) if listed else 'none'} (j1sync never creates one)"
    )


def ambiguous_message(desired: DesiredObject, matches: list[LiveObject]) -> str:
    found = ", ".join(f"{o.id} ({o.state.get('definition')})" for o in matches)
    return _instance_problem(
        desired,
        f"{len(matches)} integration instances are named '{desired.name}': {found}; "
        "add `definition` to the manifest to pick one",
    )
