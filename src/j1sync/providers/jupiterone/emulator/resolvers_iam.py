"""IAM groups, their members, query policies and ABAC permissions ("iam" service)."""

from __future__ import annotations

from typing import Any

from j1sync.emulator.store import JsonObject
from j1sync.providers.jupiterone.emulator.api_errors import bad_input, not_found
from j1sync.providers.jupiterone.emulator.backend import Backend, Resolver, paginate
from j1sync.providers.jupiterone.models.permissions import ABAC_PERMISSIONS

SERVICE = "iam"
GROUPS = "iam_groups"
USERS = "users"
BUILT_IN_GROUPS = frozenset({"Users", "Administrators"})


def get_group(backend: Backend, group_id: str) -> JsonObject:
    group = backend.store.get(GROUPS, group_id)
    if group is None:
        raise not_found(f"Group with id {group_id} not found", SERVICE)
    return group


def _group_by_name(backend: Backend, name: str) -> JsonObject | None:
    return next((g for g in backend.store.objects(GROUPS) if g["name"] == name), None)


def _user_by_email(backend: Backend, email: str) -> JsonObject:
    wanted = email.strip().lower()
    user = next((u for u in backend.store.objects(USERS) if u["email"].lower() == wanted), None)
    if user is None:
        raise bad_input(f"User with email {email} not found in account", SERVICE)
    return user


def _permissions(values: list[str] | None) -> list[str]:
    unknown = sorted(set(values or []) - set(ABAC_PERMISSIONS))
    if unknown:
        raise bad_input(f"Invalid abacPermissions: {', '.join(unknown)}", SERVICE)
    # The live API answers them in an order of its own, not the order sent
    # (recordings/TestUserGroup_Basic: sent accessInsights, readGraph; read back readGraph,
    # accessInsights); the documented table's order is one that answer fits. Each once.
    given = set(values or [])
    return [permission for permission in ABAC_PERMISSIONS if permission in given]


def _query_policy(statements: list[Any] | None) -> list[JsonObject]:
    for statement in statements or []:
        if not isinstance(statement, dict):
            raise bad_input("Each queryPolicy statement must be a JSON object", SERVICE)
    return list(statements or [])


def create_group(backend: Backend, args: JsonObject) -> JsonObject:
    name = args["name"]
    if not name.strip():
        raise bad_input("Group name must not be empty", SERVICE)
    if _group_by_name(backend, name) is not None:
        raise bad_input(f"A group with the name '{name}' already exists", SERVICE)
    now = backend.now_ms()
    group: JsonObject = {
        "id": args.get("id") or backend.new_id(),
        "name": name,
        "description": args.get("description"),
        "abacPermissions": _permissions(args.get("abacPermissions")),
        "queryPolicy": _query_policy(args.get("queryPolicy")),
        "memberIds": [],
        "createdOn": now,
        "updatedOn": now,
    }
    backend.store.insert(GROUPS, group)
    return group


def update_group(backend: Backend, args: JsonObject) -> JsonObject:
    group = dict(get_group(backend, args["id"]))
    name = args.get("name")
    if name is not None and name != group["name"]:
        if group["name"] in BUILT_IN_GROUPS:
            raise bad_input(f"The built-in group '{group['name']}' cannot be renamed", SERVICE)
        if _group_by_name(backend, name) is not None:
            raise bad_input(f"A group with the name '{name}' already exists", SERVICE)
        group["name"] = name
    if args.get("description") is not None:
        group["description"] = args["description"]
    if args.get("abacPermissions") is not None:
        group["abacPermissions"] = _permissions(args["abacPermissions"])
    if args.get("queryPolicy") is not None:
        group["queryPolicy"] = _query_policy(args["queryPolicy"])
    group["updatedOn"] = backend.now_ms()
    backend.store.replace(GROUPS, group)
    return group


def delete_group(backend: Backend, name: str) -> JsonObject:
    group = _group_by_name(backend, name)
    if group is None:
        raise not_found(f"Group with name {name} not found", SERVICE)
    if name in BUILT_IN_GROUPS:
        raise bad_input(f"The built-in group '{name}' cannot be deleted", SERVICE)
    backend.store.delete(GROUPS, group["id"])
    return {"success": True}


def set_membership(backend: Backend, group_id: str, email: str, member: bool) -> JsonObject:
    group = dict(get_group(backend, group_id))
    user = _user_by_email(backend, email)
    members = [m for m in group["memberIds"] if m != user["id"]]
    group["memberIds"] = [*members, user["id"]] if member else members
    group["updatedOn"] = backend.now_ms()
    backend.store.replace(GROUPS, group)
    return {"success": True}


def group_users(backend: Backend, group_id: str, limit: int, cursor: str | None) -> JsonObject:
    group = get_group(backend, group_id)
    users = {u["id"]: u for u in backend.store.objects(USERS)}
    rows = [(i, users[m]) for i, m in enumerate(group["memberIds"]) if m in users]
    items, page_info = paginate(rows, cursor, backend.effective_limit(limit))
    return {"items": [{"id": u["id"], "email": u["email"]} for u in items], "pageInfo": page_info}


def group_node(backend: Backend, group_ref: str) -> JsonObject:
    """IamGroupNode for a group id (or, leniently, a name), with its permissions. Shaped
    after the newest evidence where it differs from the 2023 schema: the recorded live
    GetUserGroup (recordings/TestUserGroup_Basic.yaml) selects `id` on it."""
    group = backend.store.get(GROUPS, group_ref) or _group_by_name(backend, group_ref)
    if group is None:
        raise not_found(f"Group {group_ref} not found", SERVICE)
    gid = group["id"]

    def _users(_: Any, limit: int, cursor: str | None = None) -> JsonObject:
        page = group_users(backend, gid, limit, cursor)
        page["items"] = [_account_user(backend, u["id"]) for u in page["items"]]
        return page

    return {
        "id": gid,
        "accountId": backend.account,
        "groupId": gid,
        "groupName": group["name"],
        "groupDescription": group["description"],
        "status": "ACTIVE",
        "groupUsers": _users,
        "groupQueryPolicy": {
            "accountId": backend.account,
            "groupId": gid,
            "statement": group["queryPolicy"],
        },
        "groupAbacPermission": {"subject": gid, "statement": group["abacPermissions"]},
        "_timeCreated": str(group["createdOn"]),
        "_timeUpdated": str(group["updatedOn"]),
    }


def _account_user(backend: Backend, user_id: str) -> JsonObject:
    user = backend.store.get(USERS, user_id) or {}
    return {
        "id": user_id,
        "email": user.get("email"),
        "userId": user_id,
        "accountId": backend.account,
        "nickName": user.get("firstName") or user.get("email"),
        "firstName": user.get("firstName"),
        "lastName": user.get("lastName"),
        "status": "ACTIVE",
    }


def resolvers(backend: Backend) -> dict[str, Resolver]:
    def _groups(_: Any, limit: int, cursor: str | None = None) -> JsonObject:
        groups, page_info = backend.page(GROUPS, cursor, limit)
        items = [
            {"id": g["id"], "name": g["name"], "description": g["description"]} for g in groups
        ]
        return {"items": items, "pageInfo": page_info}

    def _users(_: Any, limit: int, cursor: str | None = None) -> JsonObject:
        users, page_info = backend.page(USERS, cursor, limit)
        return {"items": [_account_user(backend, u["id"]) for u in users], "pageInfo": page_info}

    def _policy(_: Any, groupId: str) -> JsonObject:
        return {"id": groupId, "queryPolicy": get_group(backend, groupId)["queryPolicy"]}

    return {
        "iamGroups": _groups,
        "iamGroupUsers": lambda _, groupId, limit, cursor=None: group_users(
            backend, groupId, limit, cursor
        ),
        "iamGroupQueryPolicy": _policy,
        "iamGetGroup": lambda _, group: group_node(backend, group),
        "iamGetUserList": _users,
        "createIamGroup": lambda _, **args: create_group(backend, args),
        "updateIamGroup": lambda _, **args: update_group(backend, args),
        "deleteIamGroup": lambda _, name: delete_group(backend, name),
        "addIamUserToGroupByEmail": lambda _, groupId, userEmail: set_membership(
            backend, groupId, userEmail, member=True
        ),
        "removeIamUserFromGroupByEmail": lambda _, groupId, userEmail: set_membership(
            backend, groupId, userEmail, member=False
        ),
    }
