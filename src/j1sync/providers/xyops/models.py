"""xyOps manifest models: one spec per kind, fields and defaults as data-structures-v1.0.88.md
gives them (docs/xyops.md lists them). Field names are the API's own (snake_case), so a
spec dumps API-shaped.

metadata.name is the object's xyOps id: user-chosen, lower-case letters, digits and
underscores (`^[a-z0-9_]+$`). A default the docs do not state is the value a fresh object
has in the docs' examples (an empty string, list or object, `enabled: true`, zero).

Actions, limits and triggers carry type-specific fields beside `type`/`condition`/
`enabled` (Sub-Objects in the docs): those extra keys are kept as written.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, cast

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model, model_validator

from j1sync.manifest.list_identity import ListIdentity
from j1sync.manifest.model_base import (
    WHITESPACE,
    NonBlank,
    SchemaRules,
    StrictModel,
    check_not_blank,
    rule_error,
)
from j1sync.providers.node_json import js_integer
from j1sync.providers.registry import check_kinds, closest
from j1sync.providers.xyops.event_fields import RESERVED as RESERVED_LAUNCH_KEY
from j1sync.providers.xyops.event_fields import fields_problem, params_problem
from j1sync.providers.xyops.js_regex import regex_problem
from j1sync.providers.xyops.limits import limit_problem, limits_problem
from j1sync.providers.xyops.settings import TITLE
from j1sync.providers.xyops.triggers import (
    TRIGGER_SCHEMAS,
    TRIGGER_TYPES,
    UI_PRESETS,
    minute_floored,
    trigger_params_problem,
    trigger_problem,
    triggers_problem,
)
from j1sync.providers.xyops.values import (
    ACTION_CONDITIONS,
    ACTION_NEEDS,
    ALGORITHMS,
    BUCKET_SYNC,
    HTML_TAG,
    ICON_PATTERN,
    ID_PATTERN,
    KINDS,
    LIMIT_NEEDS,
    MONITOR_ALGO,
    MONITOR_ALGO_PATTERN,
    PRIVILEGES,
    RESERVED_KEY,
    TAG_CONDITION,
    TICKET_TYPES,
    TITLE_FORBIDDEN,
    TITLE_FORBIDDEN_CHARACTERS,
    WEB_HOOK_METHOD,
    WEB_HOOK_URL_START,
    WORD_ID,
    WORKFLOW,
    WORKFLOW_NODE_TYPES,
    WORKFLOW_PART_ID,
    WORKFLOW_PLUGIN,
    ActionType,
    ApiVersion,
    Color,
    DataType,
    LimitType,
)
from j1sync.providers.xyops.values import API_VERSION as API_VERSION  # the models' own

MAX_ID_LENGTH = 255


def check_id(value: str) -> str:
    """An xyOps id: the natural key j1sync matches objects by."""
    if not value:
        raise rule_error("must not be empty")
    if len(value) > MAX_ID_LENGTH:
        raise rule_error(f"must be at most {MAX_ID_LENGTH} characters (has {len(value)})")
    if not ID_PATTERN.fullmatch(value):
        raise rule_error(
            f"'{value}' is not an xyOps id: use lower-case letters, digits and underscores "
            f"only ({ID_PATTERN.pattern})"
        )
    return check_not_reserved(value)


def check_not_reserved(value: str) -> str:
    """Not a name xyOps refuses as an id (values.RESERVED_KEY: 'constructor', '0', ...)."""
    if RESERVED_KEY.fullmatch(value):
        raise rule_error(f"xyOps refuses '{value}' as an id (a reserved word); choose another")
    return value


# What check_not_reserved checks, said to editors (RESERVED_KEY is anchored at both ends).
NOT_RESERVED_SCHEMA = {"not": {"pattern": RESERVED_KEY.pattern}}

XyopsId = Annotated[
    str,
    AfterValidator(check_id),
    SchemaRules(pattern=ID_PATTERN.pattern, maxLength=MAX_ID_LENGTH, **NOT_RESERVED_SCHEMA),
]


class XyopsMetadata(StrictModel):
    name: XyopsId = Field(description="The object's xyOps id (^[a-z0-9_]+$).")


def _one_of(value: str, allowed: tuple[str, ...], pattern: re.Pattern[str], form: str) -> str:
    """`value` is one of `allowed` or matches `pattern` (`form` shows it), else an error
    with the allowed value nearest it, as for a Literal field."""
    if value in allowed or pattern.fullmatch(value):
        return value
    near = closest(value, list(allowed))
    hint = f"; did you mean '{near}'?" if near else ""
    raise rule_error(f"'{value}' is not one of {', '.join(allowed)} or {form}{hint}")


def check_title(value: str) -> str:
    """An object's title: not blank, and no HTML metacharacter, which xyOps refuses."""
    check_not_blank(value)
    found = TITLE_FORBIDDEN.search(value)
    if found:
        raise rule_error(f"xyOps refuses HTML metacharacters in a title ('{found.group()}')")
    return value


def check_icon(value: str) -> str:
    """An icon's name: xyOps refuses any other character than letters, digits, `_` and `-`."""
    if value and not ICON_PATTERN.fullmatch(value):
        raise rule_error(
            f"'{value}' is not an icon name xyOps takes: letters, digits, '_' and '-' only "
            "(a Material Design icon, e.g. database-sync)"
        )
    return value


Icon = Annotated[str, AfterValidator(check_icon), SchemaRules(pattern="^[A-Za-z0-9_-]*$")]


def check_no_html_tag(value: str) -> str:
    """Text xyOps keeps as written: it takes every HTML tag (`<` up to the next `>`) out
    of notes and an alert's message on each write, so a manifest holding one would show
    the change in every plan after."""
    found = HTML_TAG.search(value)
    if found:  # where, not what: the text may come from ${env:NAME}, a sensitive value
        raise rule_error(
            "xyOps takes HTML tags out of this text on every write (the '<' at character "
            f"{found.start() + 1} up to the next '>' would go): write it without a '<' "
            "followed by a '>'"
        )
    return value


Notes = Annotated[str, AfterValidator(check_no_html_tag)]


# check_title for editors: a character that is not whitespace, and no forbidden one
_ALLOWED = f"[^{TITLE_FORBIDDEN_CHARACTERS}]"
_TITLE_PATTERN = f"^{_ALLOWED}*[^{TITLE_FORBIDDEN_CHARACTERS}{WHITESPACE}]{_ALLOWED}*$"
Title = Annotated[str, AfterValidator(check_title), SchemaRules(pattern=_TITLE_PATTERN)]


def check_web_hook_url(value: str) -> str:
    """A web hook's URL (a credential: never quoted back) is http(s):// or a {{ template."""
    check_not_blank(value)
    if not WEB_HOOK_URL_START.match(value):
        raise rule_error("xyOps takes a URL beginning with http:// or https://, or with {{")
    return value


def check_regex(value: str) -> str:
    """A regular expression xyOps compiles on every write (JavaScript's, js_regex.py): one
    it cannot compile is refused there, half-way through an apply."""
    problem = regex_problem(value) if value else None
    if problem is not None:
        raise rule_error(f"xyOps refuses it: {problem}")
    return value


def check_web_hook_method(value: str) -> str:
    if not WEB_HOOK_METHOD.fullmatch(value):
        raise rule_error(f"'{value}' is not an HTTP method: letters only (POST, GET, PUT...)")
    return value


def _one_of_schema(allowed: tuple[str, ...], pattern: re.Pattern[str]) -> SchemaRules:
    """_one_of for editors: one pattern of the listed values and the form."""
    return SchemaRules(pattern=f"^({'|'.join(map(re.escape, allowed))}|{pattern.pattern})$")


def check_condition(value: str) -> str:
    """Action.condition: when the action fires."""
    return _one_of(value, ACTION_CONDITIONS, TAG_CONDITION, "tag:<tag id>")


def check_algo(value: str) -> str:
    """Event.algo: how a job picks among its targets."""
    return _one_of(value, ALGORITHMS, MONITOR_ALGO_PATTERN, f"{MONITOR_ALGO}<monitor id>")


class OpenItem(BaseModel):
    """A sub-object whose type decides further fields: those are kept as written."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)


def _needed(item: OpenItem, field: str, need: str) -> str | None:
    """Why `item`'s `field` is not what xyOps needs (values.ACTION_NEEDS), or None."""
    value = (item.model_extra or {}).get(field)
    if need == "id":
        ok = isinstance(value, str) and WORD_ID.fullmatch(value) is not None
        return None if ok else "an id (letters, digits, underscores)"
    if need in ("list", "nonempty_list"):
        ok = isinstance(value, list) and (need == "list" or bool(value))
        return None if ok else ("a list" if need == "list" else "a list of at least one")
    if need == "text":
        ok = isinstance(value, str) and bool(value) and not TITLE_FORBIDDEN.search(value)
        return None if ok else "a text without < or >"
    allowed = TICKET_TYPES if need == "ticket_type" else BUCKET_SYNC
    return None if value in allowed else f"one of {', '.join(allowed)}"


# _needed's needs for editors, as JSON Schema.
_NEED_SCHEMAS: dict[str, dict[str, Any]] = {
    "id": {"type": "string", "pattern": f"^{WORD_ID.pattern}$"},
    "list": {"type": "array"},
    "nonempty_list": {"type": "array", "minItems": 1},
    "text": {"type": "string", "pattern": f"^[^{TITLE_FORBIDDEN_CHARACTERS}]+$"},
    "ticket_type": {"enum": list(TICKET_TYPES)},
    "bucket_sync": {"enum": list(BUCKET_SYNC)},
}
_FALSY: dict[str, Any] = {"enum": [None, False, 0, "", [], {}]}  # what `not value` takes


def _when(key: str, value: str, then: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema: `then` holds when `key` is `value` (a ${env:NAME} there is not judged)."""
    return {"if": {"required": [key], "properties": {key: {"const": value}}}, "then": then}


def _needs_schema(needs: dict[str, str]) -> dict[str, Any]:
    return {
        "required": list(needs),
        "properties": {field: _NEED_SCHEMAS[need] for field, need in needs.items()},
    }


class Action(OpenItem):
    """An Action (Sub-Objects): fires on `condition`, does `type` (email, web_hook,
    run_event, channel, ...), with the type's own fields beside, which xyOps requires as
    values.ACTION_NEEDS says (an email action's `users` list, a channel action's
    `channel_id`, ...)."""

    enabled: bool = True
    condition: Annotated[
        str, AfterValidator(check_condition), _one_of_schema(ACTION_CONDITIONS, TAG_CONDITION)
    ]
    type: ActionType

    # _what_the_type_needs, for editors
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                *(_when("type", t, _needs_schema(n)) for t, n in ACTION_NEEDS.items()),
                _when(
                    "type",
                    "email",
                    {
                        "anyOf": [
                            {"properties": {"users": {"minItems": 1}}},
                            {"required": ["email"], "properties": {"email": {"not": _FALSY}}},
                        ]
                    },
                ),
            ]
        }
    )

    @model_validator(mode="after")
    def _what_the_type_needs(self) -> Action:
        for field, need in ACTION_NEEDS.get(self.type, {}).items():
            wanted = _needed(self, field, need)
            if wanted is not None:
                raise rule_error(f"the {self.type} action needs `{field}`: {wanted}", (field,))
        extra = self.model_extra or {}
        if self.type == "email" and extra.get("email") and not isinstance(extra["email"], str):
            raise rule_error(
                "xyOps refuses it: Invalid email address. (one text: addresses separated by "
                "commas)",
                ("email",),
            )
        if self.type == "email" and not extra.get("users") and not extra.get("email"):
            raise rule_error("an email action needs `email` or at least one of `users`")
        due = extra.get("ticket_due")
        if (
            self.type == "ticket"
            and due
            and (isinstance(due, bool) or not isinstance(due, (int, float, str)))
        ):
            raise rule_error(
                "xyOps refuses it: Invalid Ticket due type. (a number or a text)", ("ticket_due",)
            )
        return self


class Limit(OpenItem):
    """A resource Limit: `type` (time, job, log, mem, cpu, retry, queue, file, day, tag)
    and its fields (duration, amount, ...); a time limit needs a `duration`, a job, log,
    mem or cpu limit an `amount` (values.LIMIT_NEEDS), each a number other than 0."""

    enabled: bool = True
    type: LimitType

    # _what_the_type_needs, for editors: a number other than 0
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                _when(
                    "type",
                    t,
                    {"required": [f], "properties": {f: {"type": "number", "not": {"const": 0}}}},
                )
                for t, f in LIMIT_NEEDS.items()
            ]
        }
    )

    @model_validator(mode="after")
    def _what_the_type_needs(self) -> Limit:
        field = LIMIT_NEEDS.get(self.type)
        if field is not None:
            value = (self.model_extra or {}).get(field)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value:
                raise rule_error(
                    f"the {self.type} limit needs `{field}`: a number other than 0", (field,)
                )
        problem = limit_problem(self.model_dump())
        if problem is not None:
            path, said = problem
            raise rule_error(f"xyOps refuses it: {said}", path)
        return self


def check_trigger_type(value: str) -> str:
    """Trigger.type: one xyOps knows (the UI's presets, `daily` and the like, are saved
    as `schedule`)."""
    if value in TRIGGER_TYPES:
        return value
    if value in UI_PRESETS:
        raise rule_error(
            f"'{value}' is a preset of xyOps's UI, saved as `type: schedule` with its "
            "years, months, days, weekdays, hours and minutes"
        )
    near = closest(value, list(TRIGGER_TYPES))
    hint = f"; did you mean '{near}'?" if near else ""
    raise rule_error(f"'{value}' is not one of {', '.join(TRIGGER_TYPES)}{hint}")


class Trigger(OpenItem):
    """A Trigger: `type` (manual, schedule, interval, single, ...) and its fields, which
    xyOps checks on every write (triggers.py: schedule values in range, an interval's
    `start` and `duration`, ...)."""

    enabled: bool = True
    type: Annotated[str, AfterValidator(check_trigger_type), SchemaRules(enum=list(TRIGGER_TYPES))]

    # _what_xyops_takes, for editors (the rules between triggers are left out)
    model_config = ConfigDict(json_schema_extra={"allOf": cast(Any, TRIGGER_SCHEMAS)})

    @model_validator(mode="after")
    def _what_xyops_takes(self) -> Trigger:
        problem = trigger_problem(self.model_dump())
        if problem is not None:
            path, said = problem
            raise rule_error(f"xyOps refuses it: {said}", path)
        return self

    @model_validator(mode="after")
    def _whole_minutes(self) -> Trigger:
        for name, kept in minute_floored(self.model_dump()).items():
            raise rule_error(
                f"xyOps keeps this time as {kept}: it floors single shot, range and "
                f"blackout times to the whole minute, and every plan after would show the "
                f"change; write {kept}",
                (name,),
            )
        return self


def check_part_id(value: str) -> str:
    """A workflow node's or connection's id: letters, digits and underscores."""
    if not WORKFLOW_PART_ID.fullmatch(value):
        raise rule_error(f"'{value}' is not a workflow id: letters, digits and underscores only")
    return check_not_reserved(value)


PartId = Annotated[
    str,
    AfterValidator(check_part_id),
    SchemaRules(pattern=f"^{WORKFLOW_PART_ID.pattern}$", **NOT_RESERVED_SCHEMA),
]


def _one_type(value: str) -> str:
    if value in WORKFLOW_NODE_TYPES:
        return value
    near = closest(value, list(WORKFLOW_NODE_TYPES))
    hint = f"; did you mean '{near}'?" if near else ""
    raise rule_error(f"'{value}' is not one of {', '.join(WORKFLOW_NODE_TYPES)}{hint}")


class WorkflowNode(OpenItem):
    """A node of a workflow: its id, type and place on the canvas (xyOps refuses a node
    without numeric x and y), with the type's `data` and any other keys kept as written."""

    id: PartId
    type: Annotated[str, AfterValidator(_one_type), SchemaRules(enum=list(WORKFLOW_NODE_TYPES))]
    x: int | float
    y: int | float
    data: dict[str, Any] | None = None


class WorkflowConnection(OpenItem):
    """A connection from one node to another (`condition` and other keys kept)."""

    id: PartId
    source: NonBlank
    dest: NonBlank


class Workflow(OpenItem):
    """An event's workflow as xyOps takes it (1.0.88 requireValidEventData): nodes and
    connections, ids unique in each, every connection between two of its nodes, each
    pair once; other keys kept as written."""

    nodes: list[WorkflowNode]
    connections: list[WorkflowConnection]

    @model_validator(mode="after")
    def _connected_nodes(self) -> Workflow:
        nodes: set[str] = set()
        for index, node in enumerate(self.nodes):
            if node.id in nodes:
                raise rule_error(f"node id '{node.id}' is used twice", ("nodes", index, "id"))
            nodes.add(node.id)
        ids: set[str] = set()
        pairs: set[tuple[str, str]] = set()
        for index, connection in enumerate(self.connections):
            where = ("connections", index)
            if connection.id in ids:
                raise rule_error(f"connection id '{connection.id}' is used twice", (*where, "id"))
            ids.add(connection.id)
            for end in ("source", "dest"):
                named = getattr(connection, end)
                if named not in nodes:
                    hint = closest(named, sorted(nodes))
                    said = f"; did you mean '{hint}'?" if hint else ""
                    raise rule_error(f"no node '{named}' in this workflow{said}", (*where, end))
            pair = (connection.source, connection.dest)
            if pair in pairs:
                raise rule_error(
                    f"a second connection from '{pair[0]}' to '{pair[1]}'", (*where, "dest")
                )
            pairs.add(pair)
        return self


class Header(StrictModel):
    name: NonBlank
    value: str


def _true_only(privileges: dict[str, bool]) -> dict[str, bool]:
    """Each privilege one xyOps knows (it stores any key: a slip would grant nothing),
    granted with true."""
    for name, granted in privileges.items():
        if name not in PRIVILEGES:
            near = closest(name, list(PRIVILEGES))
            hint = f"; did you mean '{near}'?" if near else ""
            raise rule_error(
                f"'{name}' is not an xyOps privilege (xyOps would keep it and grant nothing){hint}",
                (name,),
            )
        if granted is not True:
            raise rule_error(
                "a privilege is granted with true or left out (the docs: falsey values "
                "cause incorrect permission behavior)",
                (name,),
            )
    return privileges


def _inexact_number(value: Any, path: tuple[str | int, ...] = ()) -> Any:
    """The first integer xyOps would not keep as written (node_json.js_integer), as a
    rule_error at its path; None when there is none."""
    if isinstance(value, int) and not isinstance(value, bool):
        kept = js_integer(value)
        if kept == value:
            return None
        if kept is None:
            said = "is beyond any number xyOps keeps (it would hold null)"
        else:
            said = f"would be kept by xyOps as {kept} (its numbers are JavaScript doubles)"
        return rule_error(f"{value} {said}; write it as a string to keep every digit", path)
    items: Any = ()
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    for key, item in items:
        problem = _inexact_number(item, (*path, key))
        if problem is not None:
            return problem
    return None


class XyopsSpec(StrictModel):
    """What every kind's spec holds to: each number one xyOps keeps as written (a
    larger integer would change on the server, and every plan after would show it)."""

    @model_validator(mode="after")
    def _numbers_kept_as_written(self) -> XyopsSpec:
        problem = _inexact_number(self.model_dump())
        if problem is not None:
            raise problem
        return self


class TagSpec(XyopsSpec):
    """A label for jobs (Tag)."""

    title: Title
    icon: Icon = ""
    notes: Notes = ""


def _check_limits(limits: list[Limit]) -> None:
    """The rules between limits xyOps holds a list to (limits.py)."""
    problem = limits_problem([limit.model_dump() for limit in limits])
    if problem is not None:
        path, said = problem
        raise rule_error(f"xyOps refuses it: {said}", ("limits", *path))


class CategorySpec(XyopsSpec):
    """Groups events (Category); its actions and limits apply to every event in it."""

    title: Title
    enabled: bool = True
    icon: Icon = ""
    color: Color = "plain"
    notes: Notes = ""
    actions: list[Action] = Field(default_factory=list)
    limits: list[Limit] = Field(default_factory=list)

    @model_validator(mode="after")
    def _limits_together(self) -> CategorySpec:
        _check_limits(self.limits)
        return self


class ServerGroupSpec(XyopsSpec):
    """A server group (Group), matched by hostname."""

    title: Title
    hostname_match: Annotated[NonBlank, AfterValidator(check_regex)] = Field(
        description="A regular expression on server hostnames."
    )
    icon: Icon = ""
    notes: Notes = ""
    alert_actions: list[Action] = Field(default_factory=list)
    max_jobs_per_server: int = Field(default=0, ge=0)


class WebHookSpec(XyopsSpec):
    """An HTTP callback (WebHook). The url and each header's value are credentials,
    masked in every output; the body is shown: give a secret in it as ${env:NAME}."""

    title: Title
    enabled: bool = True
    icon: Icon = ""
    url: Annotated[
        str,
        AfterValidator(check_web_hook_url),
        SchemaRules(pattern=WEB_HOOK_URL_START.pattern),
    ]
    method: Annotated[
        str,
        AfterValidator(check_web_hook_method),
        SchemaRules(pattern=f"^{WEB_HOOK_METHOD.pattern}$"),
    ] = "POST"
    headers: list[Header] = Field(default_factory=list)
    body: str = ""
    timeout: int = Field(default=30, ge=1)
    retries: int = Field(default=0, ge=0)
    follow: bool = False
    ssl_cert_bypass: bool = False
    max_per_day: int = Field(default=0, ge=0)
    notes: Notes = ""


class ChannelSpec(XyopsSpec):
    """A notification channel (Channel): users, email, a web hook and/or an event to run."""

    title: Title
    enabled: bool = True
    icon: Icon = ""
    users: list[str] = Field(default_factory=list)
    email: str = ""
    web_hook: str = Field(default="", description="A WebHook id, or empty.")
    run_event: str = Field(default="", description="An Event id, or empty.")
    sound: str = ""
    max_per_day: int = Field(default=0, ge=0)
    notes: Notes = ""


class RoleSpec(XyopsSpec):
    """A user role (Role): privileges, optionally limited to categories and groups."""

    title: Title
    enabled: bool = True
    icon: Icon = ""
    privileges: Annotated[dict[str, bool], AfterValidator(_true_only)] = Field(
        default_factory=dict,
        json_schema_extra={
            "additionalProperties": {"const": True},
            "propertyNames": {"enum": list(PRIVILEGES)},
        },
    )
    categories: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)
    notes: Notes = ""


def check_false_or_number(value: bool | int | float) -> bool | int | float:
    """Monitor.delta_min_value: "set to false for disabled, or any valid number" (data):
    `true` is neither (xyOps would compare a delta with it as with 1)."""
    if value is True:
        raise rule_error("xyOps takes false (no minimum) or a number here, not true")
    return value


FalseOrNumber = Annotated[
    bool | int | float,
    AfterValidator(check_false_or_number),
    SchemaRules(**{"not": {"const": True}}),
]


class MonitorSpec(XyopsSpec):
    """A monitored server metric (Monitor)."""

    title: Title
    display: bool = True
    icon: Icon = ""
    groups: list[str] = Field(default_factory=list)
    source: NonBlank = Field(description="A JavaScript expression on server data.")
    data_match: Annotated[str, AfterValidator(check_regex)] = ""
    data_type: DataType = "integer"
    min_vert_scale: int | float = 0
    suffix: str = ""
    delta: bool = False
    divide_by_delta: bool = False
    delta_min_value: FalseOrNumber = False
    notes: Notes = ""


class AlertSpec(XyopsSpec):
    """An alert definition (Alert) on monitor data."""

    title: Title
    enabled: bool = True
    icon: Icon = ""
    expression: NonBlank
    message: Annotated[NonBlank, AfterValidator(check_no_html_tag)]
    groups: list[str] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    monitor_id: str = Field(default="", description="A Monitor id, or empty.")
    samples: int = Field(default=1, ge=1)
    exclusive_actions: bool = False
    limit_jobs: bool = False
    abort_jobs: bool = False
    notes: Notes = ""


class EventSpec(XyopsSpec):
    """An event (Event): a job (plugin + targets) or a workflow (`type: workflow` with a
    `workflow` object), in a category, with triggers, limits and actions."""

    title: Title
    enabled: bool = True
    icon: Icon = ""
    type: Literal["workflow"] | None = None
    category: XyopsId
    plugin: str = Field(default="", description="A Plugin id (not for workflows).")
    params: dict[str, Any] = Field(
        default_factory=dict,
        # params_problem, for editors: no key xyOps keeps for a launch's own overrides
        json_schema_extra={"propertyNames": {"not": {"pattern": RESERVED_LAUNCH_KEY.pattern}}},
    )
    fields: list[dict[str, Any]] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    targets: list[str] = Field(default_factory=list)
    expression: str = ""
    algo: Annotated[
        str, AfterValidator(check_algo), _one_of_schema(ALGORITHMS, MONITOR_ALGO_PATTERN)
    ] = "random"
    notes: Notes = ""
    actions: list[Action] = Field(default_factory=list)
    limits: list[Limit] = Field(default_factory=list)
    triggers: list[Trigger] = Field(default_factory=list)
    workflow: Workflow | None = None

    # _job_or_workflow, for editors (a type from ${env:NAME} is not judged)
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                _when(
                    "type",
                    WORKFLOW,
                    {
                        "required": ["workflow"],
                        "properties": {
                            "workflow": {"not": {"type": "null"}},
                            "plugin": {"enum": ["", WORKFLOW_PLUGIN]},
                            "targets": {"maxItems": 0},
                        },
                    },
                ),
                {
                    "if": {"properties": {"type": {"type": "null"}}},
                    "then": {
                        "required": ["plugin", "targets"],
                        "properties": {
                            "plugin": {"minLength": 1},
                            "targets": {"minItems": 1},
                            "workflow": {"type": "null"},
                        },
                    },
                },
            ]
        }
    )

    @model_validator(mode="after")
    def _fields_and_params(self) -> EventSpec:
        """The user fields and params xyOps takes (event_fields.py)."""
        for name, problem in (
            ("params", params_problem(self.params)),
            ("fields", fields_problem(self.fields)),
        ):
            if problem is not None:
                path, said = problem
                raise rule_error(f"xyOps refuses it: {said}", (name, *path))
        return self

    @model_validator(mode="after")
    def _limits_together(self) -> EventSpec:
        _check_limits(self.limits)
        return self

    @model_validator(mode="after")
    def _triggers_together(self) -> EventSpec:
        triggers = [t.model_dump() for t in self.triggers]
        problem = triggers_problem(triggers) or trigger_params_problem(triggers, self.fields)
        if problem is not None:
            path, said = problem
            raise rule_error(f"xyOps refuses it: {said}", ("triggers", *path))
        return self

    @model_validator(mode="after")
    def _job_or_workflow(self) -> EventSpec:
        if self.type == WORKFLOW:
            if self.workflow is None:
                raise rule_error("a workflow event needs a `workflow` object", ("workflow",))
            if self.plugin not in ("", WORKFLOW_PLUGIN):
                raise rule_error(
                    "a workflow event has no plugin (xyOps sets _workflow)", ("plugin",)
                )
            if self.targets:
                raise rule_error(
                    "a workflow event has no targets (xyOps keeps [] whatever is sent; its "
                    "nodes name their own)",
                    ("targets",),
                )
            return self
        if not self.plugin:
            raise rule_error("an event that is not a workflow needs a `plugin`", ("plugin",))
        if not self.targets:
            raise rule_error(
                "an event that is not a workflow needs `targets` (server or group ids)",
                ("targets",),
            )
        if self.workflow is not None:
            raise rule_error("only a `type: workflow` event has a `workflow`", ("workflow",))
        return self


# One spec per kind of values.KINDS, in that order.
SPEC_MODELS: dict[str, type[XyopsSpec]] = {
    "Tag": TagSpec,
    "Category": CategorySpec,
    "ServerGroup": ServerGroupSpec,
    "WebHook": WebHookSpec,
    "Channel": ChannelSpec,
    "Role": RoleSpec,
    "Monitor": MonitorSpec,
    "Alert": AlertSpec,
    "Event": EventSpec,
}

check_kinds(TITLE, KINDS, SPEC_MODELS)

# Lists whose elements have an identity (plan output): headers by name.
LIST_IDENTITIES: dict[str, tuple[ListIdentity, ...]] = {
    "WebHook": (ListIdentity("headers", ("name",)),),
}


class _Document(StrictModel):
    apiVersion: ApiVersion
    metadata: XyopsMetadata


def _document_model(kind: str, spec: type[StrictModel]) -> type[StrictModel]:
    """The whole document of one kind: apiVersion, kind, metadata (the id) and spec."""
    fields: dict[str, Any] = {"kind": (Literal.__getitem__(kind), ...), "spec": (spec, ...)}
    model = create_model(f"Xyops{kind}Document", __base__=_Document, __doc__=spec.__doc__, **fields)
    return cast(type[StrictModel], model)


DOCUMENT_MODELS: dict[str, type[StrictModel]] = {
    kind: _document_model(kind, spec) for kind, spec in SPEC_MODELS.items()
}
