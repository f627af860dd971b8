"""Integration definitions and instances; schedules via updateIntegrationInstance.

createIntegrationInstance, integrationInstance and deleteIntegrationInstance answer as
recorded live (recordings/TestIntegration_Basic.yaml): the config's values read back
masked (`***masked***`; here the fields the definition marks `mask`), a `resourceGroupId`
kept as given (the recording's `rg-123456` names no group), a deleted or unknown instance
`Integration instance not found` (BAD_USER_INPUT, serviceName integrations)."""

from __future__ import annotations

from typing import Any

from j1sync.emulator.store import JsonObject
from j1sync.providers.jupiterone.emulator.api_errors import bad_input
from j1sync.providers.jupiterone.emulator.backend import Backend, Resolver
from j1sync.providers.jupiterone.values import DEFAULT_POLLING_INTERVAL

SERVICE = "integrations"
DEFINITIONS = "integration_definitions"
INSTANCES = "integration_instances"
# the live API's message (and code) for a missing instance, as recorded
MISSING_INSTANCE = "Integration instance not found"
# what a masked config value reads as, as recorded
MASKED = "***masked***"


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
        "sourceIntegrationInstanceId": data.get("sourceIntegrationInstanceId"),
        "pollingInterval": data.get("pollingInterval") or DEFAULT_POLLING_INTERVAL,
        "pollingIntervalCronExpression": None,
        "integrationDefinitionId": definition_id,
        "description": data.get("description"),
        "config": data.get("config") or {},
        "offsiteComplete": data.get("offsiteComplete"),
        "instanceRelationship": "STANDALONE",
        "ingestionSourcesOverrides": data.get("ingestionSourcesOverrides"),
        "collectorPoolId": data.get("collectorPoolId"),
        "resourceGroupId": data.get("resourceGroupId"),
    }
    instance["pollingIntervalCronExpression"] = _schedule(data.get("pollingIntervalCronExpression"))
    backend.store.insert(INSTANCES, instance)
    return instance


def _schedule(cron: JsonObject | None) -> JsonObject | None:
    """The stored form of a cron expression, range-checked as documented (hour 0-23,
    dayOfWeek 0-6). Whatever the interval: the release note (2021.83) says an hour or day
    is only applied to ONE_DAY/ONE_WEEK and any other interval disregards it, not that it
    is refused (JupiterOne's Terraform provider sends {hour: 0, dayOfWeek: 0} with every
    interval)."""
    if cron is None:
        return None
    hour, day = cron.get("hour"), cron.get("dayOfWeek")
    if hour is not None and not 0 <= hour <= 23:
        raise bad_input(
            f"pollingIntervalCronExpression.hour must be between 0 and 23 (got {hour})",
            SERVICE,
        )
    if day is not None and not 0 <= day <= 6:
        raise bad_input(
            f"pollingIntervalCronExpression.dayOfWeek must be between 0 and 6 (got {day})",
            SERVICE,
        )
    if hour is None and day is None:
        return None
    return {"hour": hour, "dayOfWeek": day}


def _updated_schedule(
    backend: Backend, stored: JsonObject | None, update: JsonObject
) -> JsonObject | None:
    """An absent key keeps the stored hour and day, also when the interval changes (the
    release note: "maintained, but only applied if a supported interval is selected").
    What null does is undocumented: the `schedule_null` switch picks clearing or
    ignoring it."""
    if "pollingIntervalCronExpression" not in update:
        return stored
    given = update["pollingIntervalCronExpression"]
    if given is None and backend.switches.schedule_null == "ignored":
        return stored
    return _schedule(given)


def get_instance(backend: Backend, instance_id: str) -> JsonObject:
    instance = backend.store.get(INSTANCES, instance_id)
    if instance is None:
        raise bad_input(MISSING_INSTANCE, SERVICE)
    return instance


def update_instance(backend: Backend, instance_id: str, update: JsonObject) -> JsonObject:
    instance = dict(get_instance(backend, instance_id))
    instance["pollingInterval"] = update.get("pollingInterval") or instance["pollingInterval"]
    instance["pollingIntervalCronExpression"] = _updated_schedule(
        backend, instance["pollingIntervalCronExpression"], update
    )
    for key in ("name", "description", "collectorPoolId", "resourceGroupId", "offsiteComplete"):
        if update.get(key) is not None:
            instance[key] = update[key]
    if update.get("config") is not None:
        instance["config"] = _merged_config(instance["config"], update["config"])
    backend.store.replace(INSTANCES, instance)
    return _present(backend, instance)


def api_create_instance(backend: Backend, data: JsonObject) -> JsonObject:
    """createIntegrationInstance: an instance of a definition the emulator has. What the
    live API answers for an unknown definition or a blank name is not recorded (assumed:
    BAD_USER_INPUT)."""
    if not str(data.get("name") or "").strip():
        raise bad_input("Integration instance name must not be empty", SERVICE)
    if backend.store.get(DEFINITIONS, data["integrationDefinitionId"]) is None:
        raise bad_input(
            f"Integration definition not found: {data['integrationDefinitionId']}", SERVICE
        )
    return _present(backend, create_instance(backend, data))


def delete_instance(backend: Backend, instance_id: str) -> JsonObject:
    get_instance(backend, instance_id)  # an unknown id: as integrationInstance answers it
    backend.store.delete(INSTANCES, instance_id)
    return {"success": True}


def _masked(definition: JsonObject | None, config: Any) -> Any:
    """The config as read: the values of the fields the definition marks `mask`."""
    if not isinstance(config, dict) or definition is None:
        return config
    secret = {f.get("key") for f in definition.get("configFields") or [] if f.get("mask")}
    return {k: MASKED if k in secret and v is not None else v for k, v in config.items()}


def _merged_config(stored: JsonObject, update: JsonObject) -> JsonObject:
    """The config an update leaves: its keys over the stored ones, but a value sent back
    masked (`***masked***`, as every read gives it) keeps the stored value. The official
    client's update_integration_instance_config_value sends the whole config as it read
    it, one key changed: live must keep the masked ones, or it would overwrite secrets."""
    merged = {**stored}
    for key, value in update.items():
        if value == MASKED and key in stored:
            continue
        merged[key] = value
    return merged


def _present(backend: Backend, instance: JsonObject) -> JsonObject:
    """The stored instance plus the fields computed on read."""
    definition = backend.store.get(DEFINITIONS, instance["integrationDefinitionId"] or "")
    no_jobs = {"jobs": [], "pageInfo": {"endCursor": None, "hasNextPage": False}}
    return {
        **instance,
        "config": _masked(definition, instance.get("config")),
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
        "createIntegrationInstance": lambda _, instance: api_create_instance(backend, instance),
        "updateIntegrationInstance": lambda _, id, update: update_instance(backend, id, update),
        "deleteIntegrationInstance": lambda _, id: delete_instance(backend, id),
    }
