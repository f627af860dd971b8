"""Integration definitions and instances; schedules via updateIntegrationInstance."""

from __future__ import annotations

from typing import Any

from j1sync.emulator.api_errors import bad_input
from j1sync.emulator.backend import Backend, Resolver
from j1sync.emulator.store import JsonObject

SERVICE = "integrations"
DEFINITIONS = "integration_definitions"
INSTANCES = "integration_instances"
# the live API's message (and code) for a missing instance, as recorded
MISSING_INSTANCE = "Integration instance not found"
HOUR_INTERVALS = ("ONE_DAY", "ONE_WEEK")


def create_definition(backend: Backend, data: JsonObject) -> JsonObject:
    kind = data["type"]
    definition: JsonObject = {
        "id": data.get("id") or backend.new_id(),
        "name": data.get("name") or data.get("title") or kind,
        "type": kind,
        "title": data.get("title") or kind,
        "integrationType": data.get("integrationType") or kind,
        "integrationClass": list(data.get("integrationClass") or []),
        "configFields": list(data.get("configFields") or []),
        "version": data.get("version"),
        "beta": bool(data.get("beta")),
    }
    backend.store.insert(DEFINITIONS, definition)
    return definition


def definition_by_type(backend: Backend, kind: str) -> JsonObject | None:
    return next((d for d in backend.store.objects(DEFINITIONS) if d["type"] == kind), None)


def create_instance(backend: Backend, data: JsonObject) -> JsonObject:
    definition_id = data.get("integrationDefinitionId")
    if definition_id is None and data.get("definition"):
        definition = definition_by_type(backend, data["definition"])
        if definition is None:
            raise bad_input(f"Unknown integration definition {data['definition']}", SERVICE)
        definition_id = definition["id"]
    instance: JsonObject = {
        "id": data.get("id") or backend.new_id(),
        "name": data["name"],
        "accountId": backend.account,
        "sourceIntegrationInstanceId": None,
        "pollingInterval": data.get("pollingInterval") or "ONE_DAY",
        "pollingIntervalCronExpression": None,
        "integrationDefinitionId": definition_id,
        "description": data.get("description"),
        "config": data.get("config") or {},
        "offsiteComplete": None,
        "instanceRelationship": "STANDALONE",
        "ingestionSourcesOverrides": None,
        "collectorPoolId": None,
        "resourceGroupId": None,
    }
    instance["pollingIntervalCronExpression"] = _schedule(
        instance["pollingInterval"], data.get("pollingIntervalCronExpression")
    )
    backend.store.insert(INSTANCES, instance)
    return instance


def _schedule(interval: str, cron: JsonObject | None) -> JsonObject | None:
    """Check the documented rules: hour 0-23 only with ONE_DAY/ONE_WEEK, dayOfWeek 0-6
    only with ONE_WEEK."""
    if cron is None:
        return None
    hour, day = cron.get("hour"), cron.get("dayOfWeek")
    if hour is not None:
        if interval not in HOUR_INTERVALS:
            raise bad_input(
                f"pollingIntervalCronExpression.hour can only be set when pollingInterval "
                f"is ONE_DAY or ONE_WEEK (got {interval})",
                SERVICE,
            )
        if not 0 <= hour <= 23:
            raise bad_input(
                f"pollingIntervalCronExpression.hour must be between 0 and 23 (got {hour})",
                SERVICE,
            )
    if day is not None:
        if interval != "ONE_WEEK":
            raise bad_input(
                f"pollingIntervalCronExpression.dayOfWeek can only be set when "
                f"pollingInterval is ONE_WEEK (got {interval})",
                SERVICE,
            )
        if not 0 <= day <= 6:
            raise bad_input(
                f"pollingIntervalCronExpression.dayOfWeek must be between 0 and 6 (got {day})",
                SERVICE,
            )
    if hour is None and day is None:
        return None
    return {"hour": hour, "dayOfWeek": day}


def _compatible(interval: str, cron: JsonObject | None) -> JsonObject | None:
    """Keep what of an existing schedule still applies after the interval changed."""
    if cron is None or interval not in HOUR_INTERVALS:
        return None
    day = cron.get("dayOfWeek") if interval == "ONE_WEEK" else None
    if cron.get("hour") is None and day is None:
        return None
    return {"hour": cron.get("hour"), "dayOfWeek": day}


def get_instance(backend: Backend, instance_id: str) -> JsonObject:
    instance = backend.store.get(INSTANCES, instance_id)
    if instance is None:
        raise bad_input(MISSING_INSTANCE, SERVICE)
    return instance


def update_instance(backend: Backend, instance_id: str, update: JsonObject) -> JsonObject:
    instance = dict(get_instance(backend, instance_id))
    interval = update.get("pollingInterval") or instance["pollingInterval"]
    if "pollingIntervalCronExpression" in update:
        cron = _schedule(interval, update["pollingIntervalCronExpression"])
    else:
        cron = _compatible(interval, instance["pollingIntervalCronExpression"])
    instance["pollingInterval"] = interval
    instance["pollingIntervalCronExpression"] = cron
    for key in ("name", "description", "collectorPoolId", "resourceGroupId", "offsiteComplete"):
        if update.get(key) is not None:
            instance[key] = update[key]
    if update.get("config") is not None:
        instance["config"] = {**instance["config"], **update["config"]}
    backend.store.replace(INSTANCES, instance)
    return _present(backend, instance)


def _present(backend: Backend, instance: JsonObject) -> JsonObject:
    """The stored instance plus the fields computed on read."""
    definition = backend.store.get(DEFINITIONS, instance["integrationDefinitionId"] or "")
    no_jobs = {"jobs": [], "pageInfo": {"endCursor": None, "hasNextPage": False}}
    return {
        **instance,
        "integrationDefinition": definition,
        "jobs": lambda *_, **__: no_jobs,
        "mostRecentJob": None,
    }


def list_instances(backend: Backend, args: JsonObject) -> JsonObject:
    definition_id = args.get("definitionId")
    name = (args.get("filter") or {}).get("name")

    def keep(instance: JsonObject) -> bool:
        if definition_id and instance["integrationDefinitionId"] != definition_id:
            return False
        return not name or instance["name"] == name

    instances, page_info = backend.page(INSTANCES, args.get("cursor"), args.get("limit"), keep)
    return {"instances": [_present(backend, i) for i in instances], "pageInfo": page_info}


def resolvers(backend: Backend) -> dict[str, Resolver]:
    def _definitions(_: Any, cursor: str | None = None) -> JsonObject:
        definitions, page_info = backend.page(DEFINITIONS, cursor, None)
        return {"definitions": definitions, "pageInfo": page_info}

    return {
        "integrationDefinitions": _definitions,
        "integrationDefinition": lambda _, id=None: backend.store.get(DEFINITIONS, id or ""),
        "findIntegrationDefinition": lambda _, integrationType: definition_by_type(
            backend, integrationType
        ),
        "integrationInstances": lambda _, **args: list_instances(backend, args),
        "integrationInstancesV2": lambda _, **args: list_instances(backend, args),
        "integrationInstance": lambda _, id: _present(backend, get_instance(backend, id)),
        "updateIntegrationInstance": lambda _, id, update: update_instance(backend, id, update),
    }
