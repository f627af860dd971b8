"""Resource groups and resource permissions: resourceGroups, resourceGroup,
createResourceGroup, updateResourceGroup, deleteResourceGroup, getResourcePermissions,
setResourcePermission, deleteResourcePermission.

The operations and inputs are those of JupiterOne's Terraform provider and its recorded
live exchanges (tests/emulator/reference/schema-additions-terraform.graphql). A permission
is identified by (subjectType, subjectId, resourceArea, resourceType, resourceId) and
`setResourcePermission` is an upsert of its four flags, as the provider uses it.

What no source shows, assumed here and listed in docs/api-fidelity.md: a group name is
unique and not blank (BAD_USER_INPUT); an unknown group id is NOT_FOUND; a group that
alert rules or dashboards still belong to cannot be deleted (BAD_USER_INPUT), and deleting a group
removes the permissions on it; a permission's group subject must exist (BAD_USER_INPUT);
deleting a permission that does not exist is NOT_FOUND; a subject of another type than
"group" (a user's, `subjectType` being free text) is taken as given, neither checked nor
translated; `getResourcePermissions` returns at most `limit` permissions (all without
one), in the order they were first set.
"""

from __future__ import annotations

from typing import Any

from j1sync.emulator.store import JsonObject
from j1sync.json_input import json_type
from j1sync.providers.jupiterone.emulator import resolvers_dashboards, resolvers_iam
from j1sync.providers.jupiterone.emulator.api_errors import bad_input, not_found
from j1sync.providers.jupiterone.emulator.backend import RULES, Backend, Resolver
from j1sync.providers.jupiterone.values import GROUP_SUBJECT, RESOURCE_GROUP_TYPE
from j1sync.providers.jupiterone.values import PERMISSION_FLAGS as FLAGS

SERVICE = resolvers_iam.SERVICE
GROUPS = "resource_groups"
PERMISSIONS = "resource_permissions"
KEY_FIELDS = ("subjectType", "subjectId", "resourceArea", "resourceType", "resourceId")


def _permission_id(fields: JsonObject) -> str:
    return "|".join(str(fields[key]) for key in KEY_FIELDS)


def _group(backend: Backend, group_id: str) -> JsonObject:
    group = backend.store.get(GROUPS, group_id)
    if group is None:
        raise not_found(f"Resource group {group_id} not found", SERVICE)
    return group


def _check_name(backend: Backend, name: str, group_id: str | None = None) -> None:
    if not name.strip():
        raise bad_input("Resource group name must not be empty", SERVICE)
    for other in backend.store.objects(GROUPS):
        if other["name"] == name and other["id"] != group_id:
            raise bad_input(f"A resource group named {name} already exists", SERVICE)


def list_groups(backend: Backend) -> list[JsonObject]:
    return [{"id": g["id"], "name": g["name"]} for g in backend.store.objects(GROUPS)]


def create_group(backend: Backend, data: JsonObject) -> JsonObject:
    _check_name(backend, data["name"])
    group = {"id": data.get("id") or backend.new_id(), "name": data["name"]}
    backend.store.insert(GROUPS, group)
    return dict(group)


def update_group(backend: Backend, data: JsonObject) -> JsonObject:
    group = _group(backend, data["id"])
    _check_name(backend, data["name"], group["id"])
    group["name"] = data["name"]
    backend.store.replace(GROUPS, group)
    return dict(group)


def delete_group(backend: Backend, group_id: str) -> JsonObject:
    _group(backend, group_id)
    members = [
        r["name"] for r in backend.store.objects(RULES) if r.get("resourceGroupId") == group_id
    ]
    if members:
        raise bad_input(
            f"Resource group {group_id} still holds alert rules: {', '.join(sorted(members))}",
            SERVICE,
        )
    boards = [
        b["name"]
        for b in backend.store.objects(resolvers_dashboards.BOARDS)
        if b.get("resourceGroupId") == group_id
    ]
    if boards:
        raise bad_input(
            f"Resource group {group_id} still holds dashboards: {', '.join(sorted(boards))}",
            SERVICE,
        )
    for permission in backend.store.objects(PERMISSIONS):
        if permission["resourceId"] == group_id:
            backend.store.delete(PERMISSIONS, permission["id"])
    backend.store.delete(GROUPS, group_id)
    return {"success": True}


def _matches(permission: JsonObject, fltr: JsonObject) -> bool:
    return all(fltr.get(key) in (None, permission[key]) for key in KEY_FIELDS)


def get_permissions(backend: Backend, fltr: JsonObject, limit: int | None) -> list[JsonObject]:
    found = [
        {k: v for k, v in p.items() if k != "id"}
        for p in backend.store.objects(PERMISSIONS)
        if _matches(p, fltr)
    ]
    return found if limit is None or limit <= 0 else found[:limit]


def set_permission(backend: Backend, data: JsonObject) -> JsonObject:
    if data["subjectType"] == GROUP_SUBJECT and not _iam_group_exists(backend, data["subjectId"]):
        raise bad_input(f"Group {data['subjectId']} not found", SERVICE)
    if data["resourceType"] == RESOURCE_GROUP_TYPE:
        _group(backend, data["resourceId"])
    permission: JsonObject = {key: data[key] for key in KEY_FIELDS}
    permission.update({flag: bool(data[flag]) for flag in FLAGS})
    permission["id"] = _permission_id(permission)
    if backend.store.get(PERMISSIONS, permission["id"]) is None:
        backend.store.insert(PERMISSIONS, permission)
    else:
        backend.store.replace(PERMISSIONS, permission)
    return {k: v for k, v in permission.items() if k != "id"}


def delete_permission(backend: Backend, data: JsonObject) -> JsonObject:
    if not backend.store.delete(PERMISSIONS, _permission_id(data)):
        raise not_found("Cannot delete resource permission that does not exist", SERVICE)
    return {"success": True}


def _iam_group_exists(backend: Backend, group_id: str) -> bool:
    return backend.store.get(resolvers_iam.GROUPS, group_id) is not None


def add_seed_group(backend: Backend, data: JsonObject) -> None:
    """Seed format: {name, id?, permissions: [{group: <IAM group name>, resourceArea,
    resourceType?, canCreate?, canRead?, canUpdate?, canDelete?}]}; a permission of
    another subject gives `subjectType` and `subjectId` instead of `group`."""
    permissions = data.get("permissions") or []
    if not isinstance(permissions, list):
        raise ValueError(f"permissions: a list of objects, not {json_type(permissions)}")
    for index, permission in enumerate(permissions):
        if not isinstance(permission, dict):
            raise ValueError(f"permissions[{index}]: an object, not {json_type(permission)}")
    group = create_group(backend, data)
    by_name = {g["name"]: g["id"] for g in backend.store.objects(resolvers_iam.GROUPS)}
    for permission in permissions:
        if "group" in permission:
            subject = (GROUP_SUBJECT, by_name.get(permission["group"], permission["group"]))
        else:
            subject = (permission["subjectType"], permission["subjectId"])
        set_permission(
            backend,
            {
                "subjectType": subject[0],
                "subjectId": subject[1],
                "resourceArea": permission["resourceArea"],
                "resourceType": permission.get("resourceType", RESOURCE_GROUP_TYPE),
                "resourceId": group["id"],
                **{flag: bool(permission.get(flag)) for flag in FLAGS},
            },
        )


def resolvers(backend: Backend) -> dict[str, Resolver]:
    def permissions(
        _: Any, filter: JsonObject, cursor: str | None = None, limit: int | None = None
    ) -> Any:
        return get_permissions(backend, filter, limit)

    return {
        "resourceGroups": lambda _: list_groups(backend),
        "resourceGroup": lambda _, id: backend.store.get(GROUPS, id),
        "createResourceGroup": lambda _, input: create_group(backend, input),
        "updateResourceGroup": lambda _, input: update_group(backend, input),
        "deleteResourceGroup": lambda _, input: delete_group(backend, input["id"]),
        "getResourcePermissions": permissions,
        "setResourcePermission": lambda _, input: set_permission(backend, input),
        "deleteResourcePermission": lambda _, input: delete_permission(backend, input),
    }


def seed_rule(backend: Backend, rule: JsonObject) -> JsonObject:
    """A seed rule may name its resource group (`resourceGroup: <name>`)."""
    name = rule.get("resourceGroup")
    if name is None:
        return rule
    ids = [g["id"] for g in backend.store.objects(GROUPS) if g["name"] == name]
    if not ids:
        raise ValueError(f"no resource group named {name!r}")
    return {**{k: v for k, v in rule.items() if k != "resourceGroup"}, "resourceGroupId": ids[0]}


def check_rule_group(backend: Backend, group_id: str | None) -> None:
    """A rule may only be put in a resource group that exists."""
    if group_id is not None and backend.store.get(GROUPS, group_id) is None:
        raise bad_input(f"Resource group {group_id} not found", SERVICE)
