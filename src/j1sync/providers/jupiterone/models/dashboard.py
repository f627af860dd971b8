"""Dashboard: one JupiterOne Insights board (an account board) with its widgets, their
layouts per screen size and the board's parameters (CreateInsightsDashboardInput,
CreateInsightsWidgetInput, CreateInsightsDashboardLayoutConfig and
CreateDashboardParameterInput of JupiterOne's Terraform provider).

Widgets are a mapping: the key is the widget's id in JupiterOne, chosen by the manifest's
author, and layout items name the widget they place by that key. Widget settings are
free-form JSON, compared as parsed JSON without the ids the server adds
(`comparable_settings`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, JsonValue, StrictBool, field_validator, model_validator

from j1sync import json_input
from j1sync.manifest.list_identity import ListIdentity
from j1sync.manifest.model_base import GraphQLInt, NonBlank, ObjectName, StrictModel, rule_error
from j1sync.providers.jupiterone.values import BREAKPOINTS as BREAKPOINTS
from j1sync.providers.jupiterone.values import (
    DEFAULT_PARAMETER_TYPE,
    DEFAULT_PARAMETER_VALUE_TYPE,
    ParameterType,
    ParameterValueType,
)
from j1sync.providers.node_json import js_number

# A widget key: what JupiterOne holds as the widget's id (a UUID for boards made in the
# app), so letters, digits, '-', '_' and '.'.
WIDGET_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
# Keys the server writes into a widget's free-form settings: never compared.
SERVER_SETTING_KEYS = frozenset({"id", "__typename"})


def comparable_settings(value: Any) -> Any:
    """Widget settings as parsed JSON (a JSON text is parsed), without the keys the server
    adds (`id`, `__typename`) at any depth, keys sorted, numbers as JupiterOne answers them
    (`4.0` as `4`, node_json.js_number): equal settings compare equal whatever order the
    server returns their keys in."""
    if isinstance(value, str):
        try:
            value = json_input.loads(value)
        except ValueError:
            return value
    return _without_server_keys(value)


def _without_server_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _without_server_keys(value[key])
            for key in sorted(value)
            if key not in SERVER_SETTING_KEYS
        }
    if isinstance(value, list):
        return [_without_server_keys(item) for item in value]
    if isinstance(value, float):
        return js_number(value)
    return value


def check_widget_key(value: str) -> str:
    if not WIDGET_KEY.fullmatch(value):
        raise rule_error(
            f"'{value}' is not a widget key: use up to 100 letters, digits, '-', '_' and '.', "
            "starting with a letter or digit"
        )
    return value


WidgetKey = Annotated[str, AfterValidator(check_widget_key)]


def _settings_object(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json_input.loads(value)
        except ValueError as exc:
            raise rule_error(f"not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise rule_error("must be a mapping (or a JSON object as text)")
    return value


class WidgetQuery(StrictModel):
    name: NonBlank = Field(description="Names the query's results in the widget.")
    query: NonBlank = Field(description="The J1QL query.")


class Widget(StrictModel):
    """One widget (CreateInsightsWidgetInput). `question` shows a saved question's results
    instead of (or beside) `queries`."""

    title: NonBlank
    type: NonBlank = Field(description="The chart type: number, pie, bar, line, table, ...")
    description: str | None = None
    queries: list[WidgetQuery] = Field(default_factory=list)
    question: ObjectName | None = Field(
        default=None, description="metadata.name of a Question manifest."
    )
    settings: dict[str, JsonValue] | str = Field(
        default_factory=dict,
        description="Free-form chart settings: a mapping, or a JSON object as text. "
        "Compared as parsed JSON; keys named id or __typename are the server's, ignored.",
    )
    noResultMessage: str | None = None
    includeDeleted: StrictBool = False
    postQueryFilters: list[str] = Field(default_factory=list)
    disableQueryPolicyFilters: StrictBool = False

    @field_validator("settings")
    @classmethod
    def _settings_are_an_object(cls, value: Any) -> Any:
        _settings_object(value)
        return value

    @field_validator("queries")
    @classmethod
    def _query_names_unique(cls, queries: list[WidgetQuery]) -> list[WidgetQuery]:
        seen: set[str] = set()
        for index, query in enumerate(queries):
            if query.name in seen:
                raise rule_error(f"duplicate query name '{query.name}'", (index, "name"))
            seen.add(query.name)
        return queries

    def parsed_settings(self) -> dict[str, Any]:
        return _settings_object(self.settings)


# What CreateInsightsDashboardLayoutItem takes: x, w and h are GraphQL Ints (32-bit
# signed, refused beyond by the API), y a Long (int64 in the Terraform provider's client).
LONG_MAX = 2**63 - 1


class LayoutItem(StrictModel):
    """Where one widget sits at one screen size (grid units)."""

    widget: NonBlank = Field(description="The key of a widget of this board.")
    x: Annotated[GraphQLInt, Field(ge=0)]
    y: int = Field(ge=0, le=LONG_MAX)
    w: Annotated[GraphQLInt, Field(ge=1)]
    h: Annotated[GraphQLInt, Field(ge=1)]
    static: StrictBool = Field(default=False, description="Fixed in place in the app.")


class Layouts(StrictModel):
    """Per screen size, the widgets' places; a size left out has none."""

    xs: list[LayoutItem] = Field(default_factory=list)
    sm: list[LayoutItem] = Field(default_factory=list)
    md: list[LayoutItem] = Field(default_factory=list)
    lg: list[LayoutItem] = Field(default_factory=list)
    xl: list[LayoutItem] = Field(default_factory=list)


class BoardParameter(StrictModel):
    """A board parameter (CreateDashboardParameterInput): a query variable the board's
    widgets read as ${ param.<name> }, or a scope filter."""

    name: NonBlank
    label: NonBlank
    type: ParameterType = DEFAULT_PARAMETER_TYPE
    valueType: ParameterValueType = DEFAULT_PARAMETER_VALUE_TYPE
    options: list[str] = Field(default_factory=list)
    default: str | None = None
    disableCustomInput: StrictBool = False
    requireValue: StrictBool = False


class DashboardSpec(StrictModel):
    """metadata.name is the board's name. `widgets`, `layouts` and `parameters` are
    authoritative: what the manifest leaves out is removed from the board."""

    category: str | None = Field(default=None, description="The board's category in the app.")
    resourceGroup: ObjectName | None = Field(
        default=None, description="metadata.name of a ResourceGroup manifest."
    )
    widgets: dict[WidgetKey, Widget] = Field(
        default_factory=dict,
        description="Widget key -> widget; layouts name widgets by key.",
        json_schema_extra={"propertyNames": {"pattern": WIDGET_KEY.pattern}},  # check_widget_key
    )
    layouts: Layouts = Field(default_factory=Layouts)
    parameters: list[BoardParameter] = Field(default_factory=list)

    @field_validator("parameters")
    @classmethod
    def _parameter_names_unique(cls, parameters: list[BoardParameter]) -> list[BoardParameter]:
        seen: set[str] = set()
        for index, parameter in enumerate(parameters):
            if parameter.name in seen:
                raise rule_error(f"duplicate parameter '{parameter.name}'", (index, "name"))
            seen.add(parameter.name)
        return parameters

    @model_validator(mode="after")
    def _layouts_name_declared_widgets(self) -> DashboardSpec:
        declared = sorted(self.widgets)
        for size in BREAKPOINTS:
            placed: set[str] = set()
            for index, item in enumerate(getattr(self.layouts, size)):
                where = ("layouts", size, index, "widget")
                if item.widget not in self.widgets:
                    listed = ", ".join(declared) if declared else "none"
                    raise rule_error(
                        f"names widget '{item.widget}', which this board does not declare "
                        f"(widgets: {listed})",
                        where,
                    )
                if item.widget in placed:
                    raise rule_error(f"widget '{item.widget}' is placed twice in {size}", where)
                placed.add(item.widget)
        return self


# Parameters are told apart by name, layout items by the widget they place.
DASHBOARD_LISTS = (
    ListIdentity("parameters", ("name",)),
    *(ListIdentity(f"layouts.{size}", ("widget",)) for size in BREAKPOINTS),
)
