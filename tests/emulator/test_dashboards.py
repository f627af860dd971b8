"""Insights dashboards in the emulator, driven with the documents JupiterOne's Terraform
provider and MCP server send (dashboard.graphql, widget.graphql, dashboardParameter.graphql,
queries.ts): the exact inputs of the recorded exchanges, boards listed and read whole,
patches that leave out fields, and the errors of what the emulator refuses."""

from __future__ import annotations

from typing import Any

from j1sync.providers.jupiterone.emulator import Emulator

from .conftest import Poster

CREATE = """mutation CreateDashboard ($input: CreateInsightsDashboardInput!) {
  createDashboard(input: $input) { name id } }"""
GET = """query GetDashboard ($dashboardId: String!) {
  getDashboard(dashboardId: $dashboardId) { id name resourceGroupId } }"""
DELETE = """mutation DeleteDashboard ($dashboardId: String!) {
  deleteDashboard(dashboardId: $dashboardId) { success } }"""
PATCH = """mutation UpdateDashboard ($input: PatchInsightsDashboardInput!) {
  patchDashboard(input: $input) { id name } }"""
CREATE_WIDGET = """mutation CreateWidget ($dashboardId: String!,
  $input: CreateInsightsWidgetInput!) {
  createWidget(dashboardId: $dashboardId, input: $input) {
    id widgetId title description type questionId noResultMessage includeDeleted } }"""
GET_WIDGET = """query GetWidget ($boardId: String!, $boardType: String!, $widgetId: String!) {
  getWidget(boardId: $boardId, boardType: $boardType, widgetId: $widgetId) { widget } }"""
UPDATE_WIDGET = """mutation UpdateWidget ($boardId: String!, $boardType: String!,
  $newWidget: Widget!) {
  updateWidget(boardId: $boardId, boardType: $boardType, newWidget: $newWidget) { resultCode } }"""
DELETE_WIDGET = """mutation DeleteWidget ($dashboardId: String!, $widgetId: String!) {
  deleteWidget(dashboardId: $dashboardId, widgetId: $widgetId) { success } }"""
PARAMETER_FIELDS = """dashboardId accountId id label name options valueType type default
  disableCustomInput requireValue"""
CREATE_PARAMETER = (
    "mutation CreateDashboardParameter ($input: CreateDashboardParameterInput!) {"
    " createDashboardParameter(input: $input) {" + PARAMETER_FIELDS + "} }"
)
PATCH_PARAMETER = (
    "mutation PatchDashboardParameter ($input: PatchDashboardParameterInput!) {"
    " patchDashboardParameter(input: $input) {" + PARAMETER_FIELDS + "} }"
)
DELETE_PARAMETER = """mutation DeleteDashboardParameter ($id: ID!) {
  deleteDashboardParameter(id: $id) { success } }"""
LIST = """query GetDashboards {
  getDashboards(options: {includeAllJ1ManagedDashboards: true}) {
    id name userId category isJ1ManagedBoard resourceGroupId starred } }"""
DETAILS = """query solo_GetDashboard($dashboardId: String!) {
  getDashboard(dashboardId: $dashboardId) {
    id name type category resourceGroupId isJ1ManagedBoard
    parameters { name label valueType type options default }
    widgets { id title type questionId config { queries { id name query } settings
      postQueryFilters disableQueryPolicyFilters } }
    layouts { xs { i x y w h static moved } lg { i x y w h static moved } } } }"""

# TestDashboard_Basic.yaml's createDashboard input, as recorded (nulls for unset lists)
RECORDED_INPUT: dict[str, Any] = {
    "name": "tf-provider-test-dashboard",
    "type": "Account",
    "userIds": None,
    "groupIds": None,
    "widgets": None,
    "published": False,
    "publishedToUserIds": None,
    "publishedToGroupIds": None,
    "ttd": 0,
}
# TestWidget_Basic.yaml's createWidget input
RECORDED_WIDGET: dict[str, Any] = {
    "id": "",
    "title": "tf-provider-test-widget",
    "description": "This is a test widget",
    "type": "number",
    "questionId": "",
    "noResultMessage": "",
    "includeDeleted": False,
    "config": {"queries": [{"id": "", "name": "Query1", "query": "FIND *"}], "settings": {}},
}


def _board(post: Poster, **extra: Any) -> str:
    created = post.data(CREATE, input={**RECORDED_INPUT, **extra})["createDashboard"]
    return str(created["id"])


def test_the_recorded_board_lifecycle_create_read_delete_then_not_found(emu: Emulator) -> None:
    post = Poster(emu)
    board_id = _board(post)
    got = post.data(GET, dashboardId=board_id)["getDashboard"]
    assert got == {"id": board_id, "name": "tf-provider-test-dashboard", "resourceGroupId": None}
    assert post.data(DELETE, dashboardId=board_id)["deleteDashboard"] == {"success": True}
    gone = post(GET, dashboardId=board_id)
    assert gone["errors"][0]["message"] == f"Dashboard with id {board_id} not found"
    assert gone["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_the_recorded_widget_lifecycle(emu: Emulator) -> None:
    post = Poster(emu)
    board_id = _board(post)
    widget = post.data(CREATE_WIDGET, dashboardId=board_id, input=RECORDED_WIDGET)["createWidget"]
    assert widget["id"] == widget["widgetId"] and len(widget["id"]) == 36
    assert widget["questionId"] is None
    read = post.data(GET_WIDGET, boardId=board_id, boardType="Account", widgetId=widget["id"])
    config = read["getWidget"]["widget"]["config"]
    assert [q["name"] for q in config["queries"]] == ["Query1"]
    assert config["queries"][0]["id"]  # the server names each query
    updated = {**RECORDED_WIDGET, "id": widget["id"], "title": "renamed"}
    del updated["includeDeleted"], updated["config"]["queries"][0]["id"]
    result = post.data(UPDATE_WIDGET, boardId=board_id, boardType="Account", newWidget=updated)
    assert result["updateWidget"] == {"resultCode": "SUCCESS"}
    done = post.data(DELETE_WIDGET, dashboardId=board_id, widgetId=widget["id"])
    assert done["deleteWidget"] == {"success": True}
    missing = post(GET_WIDGET, boardId=board_id, boardType="Account", widgetId=widget["id"])
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_the_recorded_parameter_lifecycle_and_a_patch(emu: Emulator) -> None:
    post = Poster(emu)
    board_id = _board(post)
    recorded = {
        "dashboardId": board_id,
        "label": "Test Parameter",
        "name": "testParameter",
        "valueType": "string",
        "options": None,
        "type": "QUERY_VARIABLE",
        "default": "",
        "disableCustomInput": False,
        "requireValue": True,
    }
    created = post.data(CREATE_PARAMETER, input=recorded)["createDashboardParameter"]
    assert (created["options"], created["default"], created["accountId"]) == (
        None,
        None,
        emu.account,
    )
    patch = {"id": created["id"], "label": "Env", "options": ["a", "b"], "default": "a"}
    patched = post.data(PATCH_PARAMETER, input=patch)["patchDashboardParameter"]
    assert (patched["label"], patched["options"], patched["default"]) == ("Env", ["a", "b"], "a")
    assert patched["requireValue"] is True  # left out of the patch: kept
    again = post(CREATE_PARAMETER, input=recorded)
    assert again["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert post.data(DELETE_PARAMETER, id=created["id"])["deleteDashboardParameter"]["success"]


def test_a_whole_board_in_one_create_read_back_with_settings_in_jsonb_order(
    emu: Emulator,
) -> None:
    post = Poster(emu)
    widget = {
        **RECORDED_WIDGET,
        "id": "open-buckets",
        "config": {
            "queries": [{"name": "q", "query": "FIND aws_s3_bucket"}],
            "settings": {"number": {"success": 0}, "a": 1},
        },
    }
    layouts = {"lg": [{"i": "open-buckets", "x": 0, "y": 0, "w": 4, "h": 2}]}
    board_id = _board(post, widgets=[widget], layouts=layouts, category="Security")
    board = post.data(DETAILS, dashboardId=board_id)["getDashboard"]
    assert (board["type"], board["category"], board["isJ1ManagedBoard"]) == (
        "Account",
        "Security",
        False,
    )
    assert [w["id"] for w in board["widgets"]] == ["open-buckets"]
    assert list(board["widgets"][0]["config"]["settings"]) == ["a", "number"]
    assert board["layouts"]["lg"] == [
        {"i": "open-buckets", "x": 0, "y": 0, "w": 4, "h": 2, "static": False, "moved": False}
    ]
    assert board["layouts"]["xs"] == []


def test_a_patch_of_layouts_alone_keeps_the_rest_and_a_widget_list_replaces(
    emu: Emulator,
) -> None:
    post = Poster(emu)
    widgets = [{**RECORDED_WIDGET, "id": key, "title": key} for key in ("a", "b")]
    board_id = _board(post, widgets=widgets, category="Ops")
    layouts = {"md": [{"i": "a", "x": 0, "y": 0, "w": 1, "h": 1}]}
    post.data(PATCH, input={"dashboardId": board_id, "layouts": layouts})
    board = post.data(DETAILS, dashboardId=board_id)["getDashboard"]
    assert (board["name"], board["category"]) == ("tf-provider-test-dashboard", "Ops")
    assert [w["id"] for w in board["widgets"]] == ["a", "b"]
    post.data(PATCH, input={"dashboardId": board_id, "widgets": [widgets[1]]})
    board = post.data(DETAILS, dashboardId=board_id)["getDashboard"]
    assert [w["id"] for w in board["widgets"]] == ["b"]


def test_refused_a_layout_of_an_unknown_widget_an_unknown_question_or_group(
    emu: Emulator,
) -> None:
    post = Poster(emu)
    layouts = {"lg": [{"i": "nope", "x": 0, "y": 0, "w": 1, "h": 1}]}
    refused = [
        post(CREATE, input={**RECORDED_INPUT, "layouts": layouts}),
        post(CREATE, input={**RECORDED_INPUT, "resourceGroupId": "rg-123456"}),
        post(
            CREATE,
            input={**RECORDED_INPUT, "widgets": [{**RECORDED_WIDGET, "questionId": "q-none"}]},
        ),
        post(CREATE, input={**RECORDED_INPUT, "name": " "}),
    ]
    for body in refused:
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    assert post.data(LIST)["getDashboards"] == []


def test_the_list_holds_starred_j1_boards_by_default_and_all_on_request(
    empty_emu: Emulator,
) -> None:
    from j1sync.providers.jupiterone.emulator.resolvers_dashboards import add_seed_board

    backend = empty_emu.backend
    add_seed_board(backend, {"name": "Mine", "type": "User", "userId": "u-1"})
    add_seed_board(backend, {"name": "J1 starred", "isJ1ManagedBoard": True, "starred": True})
    add_seed_board(backend, {"name": "J1 other", "isJ1ManagedBoard": True})
    post = Poster(empty_emu)
    every = [b["name"] for b in post.data(LIST)["getDashboards"]]
    assert every == ["Mine", "J1 starred", "J1 other"]
    default = post.data("query { getDashboards { name isJ1ManagedBoard } }")["getDashboards"]
    assert [b["name"] for b in default] == ["Mine", "J1 starred"]


def test_a_resource_group_holding_a_board_is_not_deleted(emu: Emulator) -> None:
    post = Poster(emu)
    group = post.data('mutation { createResourceGroup(input: {name: "rg"}) { id } }')[
        "createResourceGroup"
    ]["id"]
    board_id = _board(post, resourceGroupId=group)
    delete = "mutation D($id: ID!) { deleteResourceGroup(input: {id: $id}) { success } }"
    refused = post(delete, id=group)
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "still holds dashboards: tf-provider-test-dashboard" in refused["errors"][0]["message"]
    post.data(PATCH, input={"dashboardId": board_id, "resourceGroupId": None})
    assert post.data(delete, id=group)["deleteResourceGroup"] == {"success": True}
