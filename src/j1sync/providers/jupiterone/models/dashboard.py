"""Dashboard: one JupiterOne Insights board (an account board) with its widgets, their
layouts per screen size and the board's parameters (CreateInsightsDashboardInput,
CreateInsightsWidgetInput, CreateInsightsDashboardLayoutConfig and
CreateDashboardParameterInput of JupiterOne's Terraform provider).

Widgets are a mapping: the key is the widget's id in JupiterOne, chosen by the manifest's
author, and layout items name the widget they place by that key. Widget settings are
free-form JSON, held as parsed JSON (`settings_value`) and compared without the ids the
server adds (`comparable_settings`, `settings_to_write`).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    JsonValue,
    StrictBool,
    field_validator,
    model_validator,
)

from j1sync import json_input
from j1sync.canonical import canonical_json
from j1sync.manifest.list_identity import ListIdentity
from j1sync.manifest.model_base import (
    GraphQLInt,
    NonBlank,
    ObjectName,
    SchemaRules,
    StrictModel,
    rule_error,
)
from j1sync.providers.jupiterone.models.common import check_parameter_name_rule
from j1sync.providers.jupiterone.values import BREAKPOINTS as BREAKPOINTS
from j1sync.providers.jupiterone.values import (
    DEFAULT_PARAMETER_TYPE,
    DEFAULT_PARAMETER_VALUE_TYPE,
    PARAMETER_NAME,
    ParameterType,
    ParameterValueType,
)
from j1sync.providers.node_json import JS_SAFE_INTEGER, js_number

# A widget key: what JupiterOne holds as the widget's id (a UUID for boards made in the
# app), so letters, digits, '-', '_' and '.'.
WIDGET_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
# Keys the server writes into a widget's free-form settings: never compared, but kept,
# sent and exported like any other key (a table's column ids are the app's).
SERVER_SETTING_KEYS = frozenset({"id", "__typename"})


def settings_value(value: Any) -> Any:
    """Widget settings as parsed JSON (a JSON text is parsed), keys sorted, numbers as
    JupiterOne answers them (`4.0` as `4`, node_json.js_number): what a widget holds,
    whatever order the server returns its keys in and however the manifest wrote them."""
    return _parsed(value, keep_server_keys=True)


def comparable_settings(value: Any) -> Any:
    """`settings_value` without the keys the server adds (`id`, `__typename`) at any
    depth: settings that differ only in those are equal."""
    return _parsed(value, keep_server_keys=False)


def _parsed(value: Any, keep_server_keys: bool) -> Any:
    if isinstance(value, str):
        try:
            value = json_input.loads(value)
        except ValueError:
            return value
    return _sorted_json(value, keep_server_keys)


def _sorted_json(value: Any, keep_server_keys: bool) -> Any:
    if isinstance(value, dict):
        return {
            key: _sorted_json(value[key], keep_server_keys)
            for key in sorted(value)
            if keep_server_keys or key not in SERVER_SETTING_KEYS
        }
    if isinstance(value, list):
        return [_sorted_json(item, keep_server_keys) for item in value]
    if isinstance(value, float):
        return js_number(value)
    return value


def settings_to_write(wanted: Any, held: Any) -> Any:
    """What a widget's settings are planned as, given the manifest's (`wanted`) and the
    account's (`held`), both `settings_value`s: the account's when the two differ only in
    the server's keys (no change), else the manifest's, keeping the server's keys the
    manifest does not write where both have the same object (a changed label keeps its
    column's id)."""
    if canonical_json(comparable_settings(wanted)) == canonical_json(comparable_settings(held)):
        return held  # types compared too: `true` is no `1`
    return _with_server_keys(wanted, held)


def _with_server_keys(wanted: Any, held: Any) -> Any:
    if isinstance(wanted, dict) and isinstance(held, dict):
        kept = {key: held[key] for key in SERVER_SETTING_KEYS if key in held and key not in wanted}
        merged = {key: _with_server_keys(item, held.get(key)) for key, item in wanted.items()}
        merged.update(kept)
        return {key: merged[key] for key in sorted(merged)}
    if isinstance(wanted, list) and isinstance(held, list) and len(wanted) == len(held):
        return [_with_server_keys(item, had) for item, had in zip(wanted, held, strict=True)]
    return wanted


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
        "Compared as parsed JSON, without keys named id or __typename (the server's); "
        "sent as written.",
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


def check_exact_in_javascript(value: int) -> int:
    """A whole number the server keeps as it is: at most 2**53-1 (node_json)."""
    if value > JS_SAFE_INTEGER:
        raise rule_error(
            f"Input should be less than or equal to {JS_SAFE_INTEGER}: JupiterOne's server "
            f"(Node.js) reads no larger whole number exactly ({value} would be kept as "
            f"{js_number(value)})"
        )
    return value


# What CreateInsightsDashboardLayoutItem takes: x, w and h are GraphQL Ints (32-bit
# signed, refused beyond by the API), y a Long (int64 in the Terraform provider's client);
# but the server is Node.js, which rounds a whole number beyond 2**53-1 to the nearest
# double as it reads it: a larger y would not be the one read back, and export would
# refuse the board it made.
LayoutRow = Annotated[
    int,
    Field(ge=0),
    AfterValidator(check_exact_in_javascript),
    SchemaRules(maximum=JS_SAFE_INTEGER),
]


class LayoutItem(StrictModel):
    """Where one widget sits at one screen size (grid units)."""

    widget: NonBlank = Field(description="The key of a widget of this board.")
    x: Annotated[GraphQLInt, Field(ge=0)]
    y: LayoutRow
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


def check_board_parameter_name(value: str) -> str:
    return check_parameter_name_rule(value, " (queries read it as ${ param.<name> })")


# What a value of a number or boolean parameter is, as text (`default`, `options`): a
# number as JSON and J1QL write it, true or false. A string parameter takes any text.
NUMBER_TEXT = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")
BOOLEAN_TEXTS = ("true", "false")


def value_type_problem(value_type: str, text: str) -> str | None:
    """Why `text` is no value of a `value_type` parameter, or None."""
    if value_type == "number" and not (NUMBER_TEXT.fullmatch(text) and math.isfinite(float(text))):
        return f"'{text}' is not a number, as valueType number needs (e.g. 3, -1.5, 2e3)"
    if value_type == "boolean" and text not in BOOLEAN_TEXTS:
        return f"'{text}' is not true or false, as valueType boolean needs"
    return None


def _value_schema(value_type: str, pattern: str) -> dict[str, Any]:
    """JSON Schema: under `value_type`, `default` (or "", none) and each option match
    `pattern`."""
    option = {"type": "string", "pattern": pattern}
    default = {"type": "string", "pattern": f"^$|{pattern}"}
    return {
        "if": {"required": ["valueType"], "properties": {"valueType": {"const": value_type}}},
        "then": {"properties": {"default": default, "options": {"items": option}}},
    }


class BoardParameter(StrictModel):
    """A board parameter (CreateDashboardParameterInput): a query variable the board's
    widgets read as ${ param.<name> }, or a scope filter."""

    # _values_fit_the_value_type, for editors
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                _value_schema("number", NUMBER_TEXT.pattern),
                _value_schema("boolean", "^(true|false)$"),
            ]
        }
    )

    name: Annotated[
        str,
        AfterValidator(check_board_parameter_name),
        SchemaRules(pattern=PARAMETER_NAME.pattern),
    ]
    label: NonBlank
    type: ParameterType = DEFAULT_PARAMETER_TYPE
    valueType: ParameterValueType = DEFAULT_PARAMETER_VALUE_TYPE
    options: list[str] = Field(default_factory=list)
    default: str | None = None
    disableCustomInput: StrictBool = False
    requireValue: StrictBool = False

    @model_validator(mode="after")
    def _values_fit_the_value_type(self) -> BoardParameter:
        # an empty default is none: j1sync sends null for it (dashboards._parameter_fields)
        texts: list[tuple[tuple[str | int, ...], str | None]] = [(("default",), self.default)]
        texts += [(("options", index), option) for index, option in enumerate(self.options)]
        for where, text in texts:
            skip = text is None or (where == ("default",) and text == "")
            problem = None if skip else value_type_problem(self.valueType, str(text))
            if problem is not None:
                raise rule_error(problem, where)
        return self


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
