"""Dashboard: JupiterOne Insights boards (graphql area). Natural key: the board's name.

Ownership: j1sync reads, plans and writes only account boards (`type` Account) that are
not JupiterOne's own (`isJ1ManagedBoard`). Personal boards (`type` User) and
JupiterOne-managed boards are left out of the read altogether: never matched by a
manifest, never counted as unmanaged, never pruned. A board holds no field j1sync could
mark it with (no tags, no description; a board parameter would show in the app), so an
account board without a manifest is deleted only when j1sync.yaml enables prune for the
kind, like IAM and resource groups.

The operations are those of JupiterOne's Terraform provider and MCP server
(docs/api-fidelity.md): the boards are listed with `getDashboards` and each account
board is read whole with `getDashboard`; a board is created with its widgets and layouts
in one `createDashboard`, changed with one `patchDashboard` carrying its fields, widgets
and layouts, and its parameters are written one by one (`createDashboardParameter`,
`patchDashboardParameter`, `deleteDashboardParameter`).

A widget's key in a manifest is its id in JupiterOne; layout items name widgets by it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from j1sync.engine.contract import (
    DesiredObject,
    LiveObject,
    PrunePolicy,
    Resolver,
    address_of,
    comparable_live_state,
)
from j1sync.errors import NotFound
from j1sync.manifest.document import Manifest, ProjectConfig
from j1sync.manifest.names import spec_problem
from j1sync.providers.jupiterone.client import JupiterOneClient
from j1sync.providers.jupiterone.models.dashboard import (
    DashboardSpec,
    settings_to_write,
    settings_value,
)
from j1sync.providers.jupiterone.normalize import query_text, text
from j1sync.providers.jupiterone.questions import KIND as QUESTION_KIND
from j1sync.providers.jupiterone.resource_groups import KIND as RESOURCE_GROUP_KIND
from j1sync.providers.jupiterone.values import (
    ACCOUNT_BOARD,
    BREAKPOINTS,
    DEFAULT_PARAMETER_TYPE,
    DEFAULT_PARAMETER_VALUE_TYPE,
)
from j1sync.providers.node_json import js_numbers

KIND = "Dashboard"

LIST_BOARDS = """
query J1SyncDashboardList {
  getDashboards { id name type isJ1ManagedBoard }
}
"""
# Each account board is read whole, this many per request (aliased root fields): round
# trips saved, not quota (each alias is one invocation; the client caps a request at what
# the server's bucket holds, `JupiterOneClient.largest_request`).
BOARDS_PER_REQUEST = 10
BOARD_FIELDS = """
    id name type category isJ1ManagedBoard resourceGroupId
    parameters {
      id name label type valueType options default disableCustomInput requireValue
    }
    widgets {
      id title description type questionId noResultMessage includeDeleted
      config { queries { name query } settings postQueryFilters disableQueryPolicyFilters }
    }
    layouts {
      xs { i x y w h static }
      sm { i x y w h static }
      md { i x y w h static }
      lg { i x y w h static }
      xl { i x y w h static }
    }
"""


@functools.lru_cache(maxsize=BOARDS_PER_REQUEST)
def boards_document(count: int) -> str:
    """`count` whole boards ($b0..) in one request: board{i}."""
    parameters = ", ".join(f"$b{i}: String!" for i in range(count))
    fields = "\n".join(
        f"  board{i}: getDashboard(dashboardId: $b{i}) {{{BOARD_FIELDS}  }}" for i in range(count)
    )
    return f"query J1SyncDashboardBoards({parameters}) {{\n{fields}\n}}"


CREATE = """
mutation J1SyncCreateDashboard($input: CreateInsightsDashboardInput!) {
  createDashboard(input: $input) { id name }
}
"""
PATCH = """
mutation J1SyncPatchDashboard($input: PatchInsightsDashboardInput!) {
  patchDashboard(input: $input) { id name }
}
"""
DELETE = """
mutation J1SyncDeleteDashboard($dashboardId: String!) {
  deleteDashboard(dashboardId: $dashboardId) { success }
}
"""
CREATE_PARAMETER = """
mutation J1SyncCreateDashboardParameter($input: CreateDashboardParameterInput!) {
  createDashboardParameter(input: $input) { id name }
}
"""
PATCH_PARAMETER = """
mutation J1SyncPatchDashboardParameter($input: PatchDashboardParameterInput!) {
  patchDashboardParameter(input: $input) { id name }
}
"""
DELETE_PARAMETER = """
mutation J1SyncDeleteDashboardParameter($id: ID!) {
  deleteDashboardParameter(id: $id) { success }
}
"""

PARAMETER_FIELDS = ("label", "type", "valueType", "options", "default")
PARAMETER_FLAGS = ("disableCustomInput", "requireValue")


def normalize_widget(data: Mapping[str, Any], question: str | None) -> dict[str, Any]:
    """A widget from a manifest (`queries`, `settings` at the top) or the API (in
    `config`), `question` already a question's name."""
    config = data.get("config") or data
    return {
        "title": text(data.get("title")),
        "type": text(data.get("type")),
        "description": text(data.get("description")),
        "queries": [
            {"name": text(q.get("name")), "query": query_text(q.get("query"))}
            for q in config.get("queries") or []
            if q
        ],
        "question": question,
        "settings": settings_value(config.get("settings")) or {},
        "noResultMessage": text(data.get("noResultMessage")),
        "includeDeleted": bool(data.get("includeDeleted")),
        "postQueryFilters": list(config.get("postQueryFilters") or []),
        "disableQueryPolicyFilters": bool(config.get("disableQueryPolicyFilters")),
    }


def normalize_layout_item(item: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "widget": str(item.get("widget") or item.get("i")),
        "x": int(item["x"]),
        "y": int(item["y"]),
        "w": int(item["w"]),
        "h": int(item["h"]),
        "static": bool(item.get("static")),
    }


def normalize_layouts(layouts: Mapping[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """Every breakpoint, its items in reading order (row, then column)."""
    result = {}
    for size in BREAKPOINTS:
        items = [normalize_layout_item(i) for i in (layouts or {}).get(size) or [] if i]
        result[size] = sorted(items, key=lambda i: (i["y"], i["x"], i["widget"]))
    return result


def normalize_parameter(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": text(data.get("name")),
        "label": text(data.get("label")),
        "type": data.get("type") or DEFAULT_PARAMETER_TYPE,
        "valueType": data.get("valueType") or DEFAULT_PARAMETER_VALUE_TYPE,
        "options": list(data.get("options") or []),
        "default": text(data.get("default")),
        **{flag: bool(data.get(flag)) for flag in PARAMETER_FLAGS},
    }


def normalize_board(
    data: Mapping[str, Any],
    widgets: Mapping[str, dict[str, Any]],
    resource_group: str | None,
) -> dict[str, Any]:
    parameters = [normalize_parameter(p) for p in data.get("parameters") or [] if p]
    return {
        "category": text(data.get("category")),
        "resourceGroup": resource_group,
        "widgets": {key: widgets[key] for key in sorted(widgets)},
        "layouts": normalize_layouts(data.get("layouts")),
        "parameters": sorted(parameters, key=lambda p: p["name"]),
    }


def references(state: Mapping[str, Any]) -> tuple[str, ...]:
    """The questions a board's widgets show and its resource group, as addresses."""
    questions = sorted({w["question"] for w in state["widgets"].values() if w["question"]})
    found = [address_of(QUESTION_KIND, q) for q in questions]
    if state.get("resourceGroup"):
        found.append(address_of(RESOURCE_GROUP_KIND, state["resourceGroup"]))
    return tuple(found)


def type_unknown(summary: Mapping[str, Any]) -> bool:
    """A board the API gives no type for, and that is not JupiterOne's own."""
    return not summary.get("type") and not summary.get("isJ1ManagedBoard")


def is_account_board(summary: Mapping[str, Any]) -> bool:
    """What j1sync may touch: an account board that is not one of JupiterOne's own. The
    type is compared without case: the creation input spells it `Account` (BoardType),
    the 2023 schema's DashboardType `ACCOUNT`; a board without one is not touched."""
    kind = str(summary.get("type") or "")
    return kind.lower() == ACCOUNT_BOARD.lower() and not summary.get("isJ1ManagedBoard")


class Dashboards:
    kind = KIND
    prune: PrunePolicy = "opt-in"
    # a board in a resource group keeps it (JupiterOne: "still holds dashboards"), and a
    # question a widget shows (questionId): deleted, the widget would show nothing
    holds_kinds = (RESOURCE_GROUP_KIND, QUESTION_KIND)

    def __init__(
        self,
        client: JupiterOneClient,
        group_names: Callable[[], dict[str, str]],
        question_names: Callable[[], Mapping[str, str]] = dict,
    ) -> None:
        """`group_names`: resource group id -> name, asked only when a board is in one;
        `question_names`: question id -> natural key, asked by find() only when a widget
        shows a question."""
        self._client = client
        self._group_names = group_names
        self._question_names = question_names
        # names of boards of the last read whose type the API did not give
        self._untyped: set[str] = set()

    def desired(self, manifest: Manifest, project: ProjectConfig) -> DesiredObject:
        spec = js_numbers(manifest.spec_data())  # as the account will answer it
        widgets = {
            key: normalize_widget(widget, widget.get("question"))
            for key, widget in (spec.get("widgets") or {}).items()
        }
        state = normalize_board(spec, widgets, spec.get("resourceGroup"))
        return DesiredObject(KIND, manifest.name, state, references(state), manifest.source)

    def read_raw(self) -> list[dict[str, Any]]:
        """Each account board j1sync may touch, read whole (skipping boards deleted since
        the list was read)."""
        data = self._client.execute("graphql", LIST_BOARDS, {})
        ids = [
            str(summary["id"])
            for summary in data.get("getDashboards") or []
            if summary and (is_account_board(summary) or type_unknown(summary))
        ]
        boards = []
        untyped = set()
        for board in self._read_whole(ids):
            if is_account_board(board):
                boards.append(board)
            elif type_unknown(board):
                untyped.add(str(board.get("name")))
        self._untyped = untyped
        return boards

    def resolve_desired(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> tuple[list[DesiredObject], list[str]]:
        """Each widget's settings as planned against the board of its name
        (`settings_to_write`: the server's keys are no change). A manifest named like a
        board whose type JupiterOne did not give (account or personal: unknown) stops the
        run: j1sync neither takes that board over nor creates a second board of its
        name."""
        problems = [
            f"{want.address}: JupiterOne did not say whether the board named "
            f"'{want.name}' is an account board or someone's personal board; j1sync "
            "leaves it alone and will not create a second board of that name"
            for want in desired
            if want.name in self._untyped
        ]
        boards: dict[str, list[LiveObject]] = {}
        for obj in live:
            if obj.kind == KIND:
                boards.setdefault(obj.name, []).append(obj)
        resolved = []
        for want in desired:
            have = boards.get(want.name, [])
            resolved.append(_settings_as_held(want, have[0]) if len(have) == 1 else want)
        return resolved, problems

    def holds(self, live: LiveObject, desired: DesiredObject) -> bool:
        """After an ambiguous write: the re-read board holds `desired` but for the keys
        the server adds to settings, which only the read after the write can show
        (engine.contract.ConfirmsUnreadable)."""
        return _settings_as_held(desired, live).state == comparable_live_state(live, desired)

    def _read_whole(self, ids: list[str]) -> list[dict[str, Any]]:
        """The boards of `ids` in aliased batches; a batch that fails because a board was
        deleted since the list was read (a non-null field nulls the whole answer) is read
        one board at a time, skipping the deleted."""
        size = self._client.largest_request(BOARDS_PER_REQUEST)
        boards: list[dict[str, Any]] = []
        for start in range(0, len(ids), size):
            batch = ids[start : start + size]
            try:
                data = self._read_batch(batch)
            except NotFound:
                data = {}
                for index, board_id in enumerate(batch):
                    try:
                        data.update({f"board{index}": self._read_batch([board_id])["board0"]})
                    except NotFound:
                        continue
            boards += [data[f"board{i}"] for i in range(len(batch)) if data.get(f"board{i}")]
        return boards

    def _read_batch(self, ids: list[str]) -> dict[str, Any]:
        variables = {f"b{i}": board_id for i, board_id in enumerate(ids)}
        return self._client.execute("graphql", boards_document(len(ids)), variables)

    def live_objects(
        self,
        raws: list[dict[str, Any]],
        question_names: Mapping[str, str],
        group_names: Mapping[str, str] | None = None,
    ) -> list[LiveObject]:
        """`question_names`: question id -> natural key; `group_names`: resource group id
        -> name (listed here when not given and some board is in a group)."""
        if group_names is None and any(raw.get("resourceGroupId") for raw in raws):
            group_names = self._group_names()
        return [self._live(raw, question_names, group_names or {}) for raw in raws]

    @staticmethod
    def _live(
        raw: dict[str, Any], question_names: Mapping[str, str], group_names: Mapping[str, str]
    ) -> LiveObject:
        widgets = {}
        for widget in raw.get("widgets") or []:
            if not widget:
                continue
            question_id = widget.get("questionId")
            question = None
            if question_id:
                question = question_names.get(question_id, f"(unknown question {question_id})")
            widgets[str(widget["id"])] = normalize_widget(widget, question)
        group_id = raw.get("resourceGroupId")
        group = None
        if group_id:
            group = group_names.get(group_id, f"(unknown resource group {group_id})")
        state = normalize_board(raw, widgets, group)
        return LiveObject(
            kind=KIND,
            name=str(raw["name"]),
            id=str(raw["id"]),
            state=state,
            references=references(state),
            raw=raw,
            # a value no manifest may hold (a widget title holding `${env:...}`, a widget
            # id no key can be): export leaves the board out, the plan never deletes it
            undeclarable=spec_problem(DashboardSpec, state),
        )

    def read_all(
        self,
        question_names: Mapping[str, str] | None = None,
        group_names: Mapping[str, str] | None = None,
    ) -> list[LiveObject]:
        return self.live_objects(self.read_raw(), question_names or {}, group_names)

    def find(self, name: str) -> list[LiveObject]:
        """As the plan reads them (questions and resource group by name): after an
        ambiguous write the executor compares what it finds with the desired state."""
        raws = [raw for raw in self.read_raw() if raw.get("name") == name]
        shows = any(w and w.get("questionId") for raw in raws for w in raw.get("widgets") or [])
        return self.live_objects(raws, self._question_names() if shows else {})

    def create(self, desired: DesiredObject, resolver: Resolver) -> str:
        state = desired.state
        board: dict[str, Any] = {
            "name": desired.name,
            "type": ACCOUNT_BOARD,
            "widgets": _widget_inputs(state["widgets"], resolver),
            "layouts": _layout_input(state["layouts"]),
        }
        if state["category"]:
            board["category"] = state["category"]
        if state["resourceGroup"]:
            board["resourceGroupId"] = _group_id(state, resolver)
        data = self._client.execute("graphql", CREATE, {"input": board})
        board_id = str(data["createDashboard"]["id"])
        self._set_parameters(board_id, state["parameters"], {})
        return board_id

    def update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        assert live.id is not None
        state, before = desired.state, live.state
        board: dict[str, Any] = {"dashboardId": live.id, "name": desired.name}
        if state["category"] != before["category"]:
            board["category"] = state["category"]  # "" clears it
        if state["resourceGroup"] != before["resourceGroup"]:
            board["resourceGroupId"] = _group_id(state, resolver)  # null takes it out
        if state["widgets"] != before["widgets"] or state["layouts"] != before["layouts"]:
            board["widgets"] = _widget_inputs(state["widgets"], resolver)
            board["layouts"] = _layout_input(state["layouts"])
        if len(board) > 2:
            self._client.execute("graphql", PATCH, {"input": board})
        ids = {
            str(p["name"]): str(p["id"])
            for p in live.raw.get("parameters") or []
            if p and p.get("id")
        }
        current = {p["name"]: p for p in before["parameters"]}
        self._set_parameters(live.id, state["parameters"], current, ids)

    def delete(self, live: LiveObject) -> None:
        self._client.execute("graphql", DELETE, {"dashboardId": live.id})

    def _set_parameters(
        self,
        board_id: str,
        wanted: list[dict[str, Any]],
        current: Mapping[str, dict[str, Any]],
        ids: Mapping[str, str] | None = None,
    ) -> None:
        """Create the new parameters, patch the changed ones, delete those left out."""
        ids = ids or {}
        for parameter in wanted:
            have = current.get(parameter["name"])
            if have is None:
                fields = {"dashboardId": board_id, "name": parameter["name"]}
                fields.update(_parameter_fields(parameter))
                self._client.execute("graphql", CREATE_PARAMETER, {"input": fields})
            elif have != parameter:
                fields = {"id": ids[parameter["name"]], **_parameter_fields(parameter)}
                self._client.execute("graphql", PATCH_PARAMETER, {"input": fields})
        kept = {p["name"] for p in wanted}
        for name in current:
            if name not in kept:
                self._client.execute("graphql", DELETE_PARAMETER, {"id": ids[name]})


def _settings_as_held(want: DesiredObject, have: LiveObject) -> DesiredObject:
    """`want` with each widget's settings as planned against the widget of its key that
    `have` holds (`settings_to_write`)."""
    held = have.state.get("widgets") or {}
    widgets = dict(want.state["widgets"])
    for key, widget in widgets.items():
        if key in held:
            settings = settings_to_write(widget["settings"], held[key]["settings"])
            widgets[key] = {**widget, "settings": settings}
    return replace(want, state={**want.state, "widgets": widgets})


def _parameter_fields(parameter: Mapping[str, Any]) -> dict[str, Any]:
    fields = {key: parameter[key] for key in (*PARAMETER_FIELDS, *PARAMETER_FLAGS)}
    fields["default"] = parameter["default"] or None
    return fields


def _group_id(state: Mapping[str, Any], resolver: Resolver) -> str | None:
    name = state["resourceGroup"]
    return resolver.id_of(address_of(RESOURCE_GROUP_KIND, name)) if name else None


def _widget_inputs(widgets: Mapping[str, dict[str, Any]], resolver: Resolver) -> list[Any]:
    """CreateInsightsWidgetInput per widget, its key as its id."""
    inputs = []
    for key, widget in widgets.items():
        question = widget["question"]
        inputs.append(
            {
                "id": key,
                "title": widget["title"],
                "description": widget["description"],
                "type": widget["type"],
                "questionId": resolver.id_of(address_of(QUESTION_KIND, question))
                if question
                else None,
                "noResultMessage": widget["noResultMessage"],
                "includeDeleted": widget["includeDeleted"],
                "config": {
                    "queries": widget["queries"],
                    "settings": widget["settings"],
                    "postQueryFilters": widget["postQueryFilters"],
                    "disableQueryPolicyFilters": widget["disableQueryPolicyFilters"],
                },
            }
        )
    return inputs


def _layout_input(layouts: Mapping[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """CreateInsightsDashboardLayoutConfig: every breakpoint, items by widget id."""
    return {
        size: [
            {
                "i": item["widget"],
                "x": item["x"],
                "y": item["y"],
                "w": item["w"],
                "h": item["h"],
                "static": item["static"],
                "moved": False,
            }
            for item in layouts[size]
        ]
        for size in BREAKPOINTS
    }
