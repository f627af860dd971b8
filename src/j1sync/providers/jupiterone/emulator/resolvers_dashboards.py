"""Insights dashboards (boards) with their widgets, layouts and parameters: getDashboards,
getDashboard, getWidget, dashboardParameter, createDashboard, patchDashboard,
deleteDashboard, createWidget, updateWidget, deleteWidget, createDashboardParameter,
patchDashboardParameter, deleteDashboardParameter.

The operations and inputs are those of JupiterOne's Terraform provider and MCP server
(tests/emulator/reference/schema-additions-terraform.graphql). A board is of type Account
(shared in the account) or User (someone's personal board), or is one of JupiterOne's own
(`isJ1ManagedBoard`). `patchDashboard` changes the fields its input holds and leaves the
others (the MCP server patches a board's layouts alone); a list given replaces the list.

What no source shows, assumed here and listed in docs/api-fidelity.md: a widget keeps the
id its input gives (a new UUID when the id is empty or absent), and a widget id is unique
within its board (BAD_USER_INPUT); a layout item must name a widget of the board, a
widget's questionId a saved question, a board's resourceGroupId a resource group
(BAD_USER_INPUT); query ids are given by the server when absent; free-form settings come
back in the key order of PostgreSQL's jsonb (shorter keys first), not as sent; deleting a
board deletes its parameters; getDashboards lists Account boards, every User board and
the JupiterOne-managed boards that are starred (all of them with
includeAllJ1ManagedDashboards).
"""

from __future__ import annotations

from typing import Any

from j1sync.emulator.store import JsonObject
from j1sync.providers.jupiterone.emulator import resolvers_questions, resolvers_resource_groups
from j1sync.providers.jupiterone.emulator.api_errors import bad_input, not_found
from j1sync.providers.jupiterone.emulator.backend import Backend, Resolver
from j1sync.providers.jupiterone.values import ACCOUNT_BOARD as ACCOUNT
from j1sync.providers.jupiterone.values import (
    BREAKPOINTS,
    DEFAULT_PARAMETER_TYPE,
    DEFAULT_PARAMETER_VALUE_TYPE,
)

SERVICE = "dashboard"
BOARDS = "dashboards"
PARAMETERS = "dashboard_parameters"
USER = "User"
# Who creates boards through the emulator's API key (a board's userId).
API_USER = "emulator-api-user"


def _board(backend: Backend, board_id: str) -> JsonObject:
    board = backend.store.get(BOARDS, board_id)
    if board is None:
        raise not_found(f"Dashboard with id {board_id} not found", SERVICE)
    return board


def _jsonb_order(value: Any) -> Any:
    """JSON as PostgreSQL's jsonb returns it: object keys shorter first, then bytewise."""
    if isinstance(value, dict):
        ordered = sorted(value, key=lambda key: (len(key.encode()), key.encode()))
        return {key: _jsonb_order(value[key]) for key in ordered}
    if isinstance(value, list):
        return [_jsonb_order(item) for item in value]
    return value


def _widget(backend: Backend, data: JsonObject) -> JsonObject:
    if not data.get("title"):
        raise bad_input("Widget title must not be empty", SERVICE)
    question_id = data.get("questionId") or None
    if (
        question_id is not None
        and backend.store.get(resolvers_questions.COLLECTION, question_id) is None
    ):
        raise bad_input(f"Question {question_id} not found", SERVICE)
    config = data.get("config") or {}
    widget_id = data.get("id") or backend.new_id()
    return {
        "id": widget_id,
        "title": data["title"],
        "description": data.get("description"),
        "type": data["type"],
        "questionId": question_id,
        "noResultMessage": data.get("noResultMessage"),
        "includeDeleted": bool(data.get("includeDeleted")),
        "config": {
            "queries": [
                {"id": q.get("id") or backend.new_id(), "name": q["name"], "query": q["query"]}
                for q in config.get("queries") or []
            ],
            "settings": _jsonb_order(config.get("settings")),
            "postQueryFilters": list(config.get("postQueryFilters") or []),
            "disableQueryPolicyFilters": bool(config.get("disableQueryPolicyFilters")),
        },
    }


def _widgets(backend: Backend, items: list[JsonObject] | None) -> list[JsonObject]:
    widgets = [_widget(backend, item) for item in items or []]
    seen: set[str] = set()
    for widget in widgets:
        if widget["id"] in seen:
            raise bad_input(f"Duplicate widget id {widget['id']}", SERVICE)
        seen.add(widget["id"])
    return widgets


def _layouts(layouts: JsonObject | None, widgets: list[JsonObject]) -> JsonObject:
    ids = {w["id"] for w in widgets}
    result: JsonObject = {}
    for size in BREAKPOINTS:
        items = []
        for item in (layouts or {}).get(size) or []:
            if item["i"] not in ids:
                raise bad_input(f"Layout {size} places unknown widget {item['i']}", SERVICE)
            items.append(
                {
                    "static": bool(item.get("static")),
                    "moved": bool(item.get("moved")),
                    **{key: item[key] for key in ("w", "h", "x", "y", "i")},
                }
            )
        result[size] = items
    return result


def _check_group(backend: Backend, group_id: str | None) -> None:
    if group_id:
        resolvers_resource_groups.check_rule_group(backend, group_id)


def _check_name(name: str | None) -> str:
    if not name or not name.strip():
        raise bad_input("Dashboard name must not be empty", SERVICE)
    return name


def create_dashboard(backend: Backend, data: JsonObject) -> JsonObject:
    _check_group(backend, data.get("resourceGroupId"))
    widgets = _widgets(backend, data.get("widgets"))
    board: JsonObject = {
        "id": data.get("dashboardId") or backend.new_id(),
        "name": _check_name(data.get("name")),
        "type": data.get("type", ACCOUNT),  # a seed may give null
        "category": data.get("category"),
        "userId": data.get("userId") or API_USER,
        "isJ1ManagedBoard": bool(data.get("isJ1ManagedBoard")),
        "starred": bool(data.get("starred")),
        "published": bool(data.get("published")),
        "publishedToUserIds": list(data.get("publishedToUserIds") or []),
        "publishedToGroupIds": list(data.get("publishedToGroupIds") or []),
        "groupIds": list(data.get("groupIds") or []),
        "userIds": list(data.get("userIds") or []),
        "resourceGroupId": data.get("resourceGroupId") or None,
        "widgets": widgets,
        "layouts": _layouts(data.get("layouts"), widgets),
    }
    backend.store.insert(BOARDS, board)
    return _shown(backend, board)


def patch_dashboard(backend: Backend, data: JsonObject) -> JsonObject:
    board = _board(backend, data["dashboardId"])
    if data.get("name") is not None:
        board["name"] = _check_name(data["name"])
    if "resourceGroupId" in data:
        _check_group(backend, data["resourceGroupId"])
        board["resourceGroupId"] = data["resourceGroupId"] or None
    for key in ("category", "published"):
        if data.get(key) is not None:
            board[key] = data[key]
    for key in ("userIds", "groupIds", "publishedToUserIds", "publishedToGroupIds"):
        if data.get(key) is not None:
            board[key] = list(data[key])
    if data.get("widgets") is not None:
        board["widgets"] = _widgets(backend, data["widgets"])
        kept = {w["id"] for w in board["widgets"]}
        board["layouts"] = {
            size: [item for item in board["layouts"][size] if item["i"] in kept]
            for size in BREAKPOINTS
        }
    if data.get("layouts") is not None:
        board["layouts"] = _layouts(data["layouts"], board["widgets"])
    backend.store.replace(BOARDS, board)
    return _shown(backend, board)


def delete_dashboard(backend: Backend, board_id: str) -> JsonObject:
    _board(backend, board_id)
    for parameter in backend.store.objects(PARAMETERS):
        if parameter["dashboardId"] == board_id:
            backend.store.delete(PARAMETERS, parameter["id"])
    backend.store.delete(BOARDS, board_id)
    return {"success": True}


def _shown(backend: Backend, board: JsonObject) -> JsonObject:
    parameters = [p for p in backend.store.objects(PARAMETERS) if p["dashboardId"] == board["id"]]
    widgets = [{**w, "widgetId": w["id"]} for w in board["widgets"]]
    return {**board, "widgets": widgets, "parameters": parameters}


def list_dashboards(backend: Backend, options: JsonObject | None) -> list[JsonObject]:
    every_managed = bool((options or {}).get("includeAllJ1ManagedDashboards"))
    return [
        _shown(backend, board)
        for board in backend.store.objects(BOARDS)
        if not board["isJ1ManagedBoard"] or board["starred"] or every_managed
    ]


def create_widget(backend: Backend, board_id: str, data: JsonObject) -> JsonObject:
    board = _board(backend, board_id)
    board["widgets"] = _widgets(backend, [*board["widgets"], {**data}])
    backend.store.replace(BOARDS, board)
    created = board["widgets"][-1]
    return {**created, "widgetId": created["id"]}


def update_widget(backend: Backend, board_id: str, data: JsonObject) -> JsonObject:
    board = _board(backend, board_id)
    ids = [w["id"] for w in board["widgets"]]
    if data["id"] not in ids:
        raise not_found(f"Widget with id {data['id']} not found", SERVICE)
    replaced = _widget(backend, data)
    board["widgets"] = [replaced if w["id"] == data["id"] else w for w in board["widgets"]]
    backend.store.replace(BOARDS, board)
    return {"resultCode": "SUCCESS"}


def delete_widget(backend: Backend, board_id: str, widget_id: str) -> JsonObject:
    board = _board(backend, board_id)
    if widget_id not in {w["id"] for w in board["widgets"]}:
        raise not_found(f"Widget with id {widget_id} not found", SERVICE)
    board["widgets"] = [w for w in board["widgets"] if w["id"] != widget_id]
    board["layouts"] = {
        size: [item for item in board["layouts"][size] if item["i"] != widget_id]
        for size in BREAKPOINTS
    }
    backend.store.replace(BOARDS, board)
    return {"success": True}


def get_widget(backend: Backend, board_id: str, widget_id: str) -> JsonObject:
    board = _board(backend, board_id)
    for widget in board["widgets"]:
        if widget["id"] == widget_id:
            return {"widget": widget}
    raise not_found(f"Widget with id {widget_id} not found", SERVICE)


def _parameter(backend: Backend, parameter_id: str) -> JsonObject:
    parameter = backend.store.get(PARAMETERS, parameter_id)
    if parameter is None:
        raise not_found(f"Dashboard parameter with id {parameter_id} not found", SERVICE)
    return parameter


PARAMETER_FIELDS = ("label", "valueType", "type", "default", "disableCustomInput", "requireValue")


def create_parameter(backend: Backend, data: JsonObject) -> JsonObject:
    _board(backend, data["dashboardId"])
    if not data["name"].strip():
        raise bad_input("Dashboard parameter name must not be empty", SERVICE)
    for other in backend.store.objects(PARAMETERS):
        if other["dashboardId"] == data["dashboardId"] and other["name"] == data["name"]:
            raise bad_input(f"Dashboard parameter {data['name']} already exists", SERVICE)
    parameter: JsonObject = {
        "id": backend.new_id(),
        "dashboardId": data["dashboardId"],
        "accountId": backend.account,
        "name": data["name"],
        "label": data["label"],
        "valueType": data["valueType"],
        "type": data["type"],
        "options": data.get("options") or None,
        "default": data.get("default") or None,
        "disableCustomInput": bool(data.get("disableCustomInput")),
        "requireValue": bool(data.get("requireValue")),
    }
    backend.store.insert(PARAMETERS, parameter)
    return dict(parameter)


def patch_parameter(backend: Backend, data: JsonObject) -> JsonObject:
    parameter = _parameter(backend, data["id"])
    for key in PARAMETER_FIELDS:
        if key in data:
            parameter[key] = data[key]
    if "options" in data:
        parameter["options"] = data["options"] or None
    if parameter.get("default") == "":
        parameter["default"] = None
    backend.store.replace(PARAMETERS, parameter)
    return dict(parameter)


def delete_parameter(backend: Backend, parameter_id: str) -> JsonObject:
    _parameter(backend, parameter_id)
    backend.store.delete(PARAMETERS, parameter_id)
    return {"success": True}


def add_seed_board(backend: Backend, data: JsonObject) -> None:
    """Seed format: createDashboard's input, plus `type` (Account, User), `userId`,
    `isJ1ManagedBoard`, `starred`, `resourceGroup` (a resource group's name) and
    `parameters` (createDashboardParameter's inputs without dashboardId)."""
    fields = {k: v for k, v in data.items() if k not in ("parameters", "resourceGroup")}
    group = data.get("resourceGroup")
    if group is not None:
        ids = [
            g["id"]
            for g in backend.store.objects(resolvers_resource_groups.GROUPS)
            if g["name"] == group
        ]
        if not ids:
            raise ValueError(f"no resource group named {group!r}")
        fields["resourceGroupId"] = ids[0]
    board = create_dashboard(backend, fields)
    for parameter in data.get("parameters") or []:
        create_parameter(
            backend,
            {
                "type": DEFAULT_PARAMETER_TYPE,
                "valueType": DEFAULT_PARAMETER_VALUE_TYPE,
                **parameter,
                "dashboardId": board["id"],
            },
        )


def resolvers(backend: Backend) -> dict[str, Resolver]:
    def boards(_: Any, options: JsonObject | None = None) -> Any:
        return list_dashboards(backend, options)

    return {
        "getDashboards": boards,
        "getDashboard": lambda _, dashboardId: _shown(backend, _board(backend, dashboardId)),
        "getWidget": lambda _, boardId, boardType, widgetId: get_widget(backend, boardId, widgetId),
        "dashboardParameter": lambda _, id: backend.store.get(PARAMETERS, id),
        "createDashboard": lambda _, input: create_dashboard(backend, input),
        "patchDashboard": lambda _, input: patch_dashboard(backend, input),
        "deleteDashboard": lambda _, dashboardId: delete_dashboard(backend, dashboardId),
        "createWidget": lambda _, dashboardId, input: create_widget(backend, dashboardId, input),
        "updateWidget": lambda _, boardId, boardType, newWidget: update_widget(
            backend, boardId, newWidget
        ),
        "deleteWidget": lambda _, dashboardId, widgetId: delete_widget(
            backend, dashboardId, widgetId
        ),
        "createDashboardParameter": lambda _, input: create_parameter(backend, input),
        "patchDashboardParameter": lambda _, input: patch_parameter(backend, input),
        "deleteDashboardParameter": lambda _, id: delete_parameter(backend, id),
    }
