"""What the emulated xyOps API knows about each configuration list.

One `ListSpec` per list (api-v1.0.88.md; data-structures-v1.0.88.md for the fields): its
API names (`get_<plural>`, `get_<singular>`, `create_<singular>`, ...), the property its
single object is answered in, the fields a create requires, the defaults a create fills
in, and the references it holds to other objects: a create, or an update adding one,
naming an object that does not exist is refused. Deletes look only at a category's
events (api.DELETE_BLOCKED_BY): xyOps deletes every other object whoever names it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, get_args

from j1sync.providers.xyops import values
from j1sync.providers.xyops.emulator.errors import ApiError, malformed
from j1sync.providers.xyops.event_fields import fields_problem, params_problem
from j1sync.providers.xyops.js_regex import regex_problem
from j1sync.providers.xyops.limits import limit_problem, limits_problem
from j1sync.providers.xyops.triggers import (
    trigger_params_problem,
    trigger_problem,
    triggers_problem,
    xyops_words,
)
from j1sync.providers.xyops.values import WORKFLOW, Color, DataType

JsonObject = dict[str, Any]

# Set by the server, whatever a create or update sends (create_* docs).
SERVER_FIELDS = ("username", "created", "modified", "revision")

# Data structures, Sub-Objects: Action.condition, Action.type, Limit.type; Event.algo.
ACTION_CONDITIONS = frozenset(values.ACTION_CONDITIONS)
ACTION_TYPES = frozenset(get_args(values.ActionType))
LIMIT_TYPES = frozenset(get_args(values.LimitType))
ALGORITHMS = frozenset(values.ALGORITHMS)
DATA_TYPES = frozenset(get_args(DataType))
PLUGIN_TYPES = frozenset({"event", "monitor", "action", "scheduler"})
CATEGORY_COLORS = frozenset(get_args(Color))


@dataclass(frozen=True)
class Ref:
    """A reference xyOps checks whenever the object naming it is written (lib/api.js
    requireValidActions, lib/api/events.js requireValidEventData, 1.0.88): `collection`/`id`
    must exist, else the write is refused with `refused` (code `api`). The references it
    does not check (a channel's web hook, an alert's monitor, a role's categories, a
    web_hook or channel action's target, limits, an event's targets) are kept as written,
    what they name gone or not, and are not listed."""

    collection: str
    id: str
    refused: str
    plugin_type: str | None = None  # a plugin must also be of this type


Validator = Callable[[JsonObject], None]
RefFinder = Callable[[JsonObject], Iterator[Ref]]


def _no_refs(obj: JsonObject) -> Iterator[Ref]:
    return iter(())


def _no_checks(obj: JsonObject) -> None:
    return None


@dataclass(frozen=True)
class ListSpec:
    singular: str  # API noun, property of a single answer, error code: "web_hook"
    plural: str  # list name (get_multiple, get_<plural>), storage collection: "web_hooks"
    noun: str  # in messages: "web hook"
    id_prefix: str  # generated ids: prefix + 10 lowercase letters/digits
    required: tuple[str, ...] = ("title",)
    defaults: Callable[[], JsonObject] = dict
    arrays: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()
    sort_order: bool = False  # `sort_order` set by the server (end of the list)
    update_answers_object: bool = False  # update_<singular> answers the updated object
    checks_revision: bool = False  # update_<singular> refuses a stale `revision`
    validate: Validator = _no_checks
    refs: RefFinder = _no_refs
    writable: bool = True  # create/update/delete offered (else read only)
    extra_answer: Callable[[], JsonObject] = dict  # more properties of get_<singular>

    @property
    def plural_noun(self) -> str:
        return f"{self.noun}s"


def action_refs(actions: Any) -> Iterator[Ref]:
    """requireValidActions: a run_event action's event and a plugin action's plugin, an
    action plugin ({ id, type: 'action' })."""
    for number, action in enumerate(actions if isinstance(actions, list) else (), start=1):
        if not isinstance(action, dict):
            continue
        prefix = f"Malformed action entry #{number}"
        kind = action.get("type")
        if kind == "run_event" and _nonempty(action.get("event_id")):
            event = str(action["event_id"])
            yield Ref("events", event, f"{prefix}: Event not found: {event}")
        elif kind == "plugin" and _nonempty(action.get("plugin_id")):
            plugin = str(action["plugin_id"])
            yield Ref("plugins", plugin, f"{prefix}: Plugin not found: {plugin}", "action")


def _nonempty(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def validate_actions(obj: JsonObject, name: str = "actions") -> None:
    """Docs: "The server validates Limits and Actions" (create_category, create_group)."""
    for prefix, action in _entries(obj, name, "action"):
        condition = str(action.get("condition") or "")
        if condition not in ACTION_CONDITIONS and not values.TAG_CONDITION.fullmatch(condition):
            raise ApiError("api", f"{prefix}: Invalid condition")
        if action.get("type") not in ACTION_TYPES:
            raise ApiError("api", f"{prefix}: Unknown type")
        for field, need in values.ACTION_NEEDS.get(str(action["type"]), {}).items():
            if not _holds(action.get(field), need):
                raise ApiError("api", f"{prefix}: {ACTION_REFUSALS[field]}")
        email = action.get("email")
        if action["type"] == "email" and email and not isinstance(email, str):
            raise ApiError("api", f"{prefix}: Invalid email address.")
        if action["type"] == "email" and not action["users"] and not action.get("email"):
            raise ApiError("api", f"{prefix}: No email addresses provided.")
        due = action.get("ticket_due")
        typed = isinstance(due, (int, float, str)) and not isinstance(due, bool)
        if action["type"] == "ticket" and due and not typed:
            raise ApiError("api", f"{prefix}: Invalid Ticket due type.")


# requireValidActions's wording for a field an action type needs (1.0.88 lib/api.js)
ACTION_REFUSALS = {
    "users": "Invalid user list.",
    "web_hook": "Invalid Web Hook ID.",
    "event_id": "Invalid Event ID.",
    "channel_id": "Invalid Channel ID.",
    "bucket_id": "Invalid Bucket ID.",
    "bucket_sync": "Invalid Bucket sync type.",
    "ticket_type": "Invalid Ticket type.",
    "ticket_assignees": "Invalid Ticket assignees.",
    "ticket_tags": "Invalid Ticket tag list.",
    "tags": "Invalid tag list.",
    "label": "Invalid label.",
    "plugin_id": "Invalid Plugin ID.",
}
# requireValidLimits's, for the number a limit type needs
LIMIT_REFUSALS = {
    "mem": "Invalid memory amount (not a number)",
    "cpu": "Invalid CPU amount (not a number)",
    "log": "Invalid max log size (not a number)",
    "job": "Invalid max jobs (must be a positive number)",
    "time": "Invalid time timit (not a number)",  # sic
}


def _holds(value: Any, need: str) -> bool:
    if need == "id":
        return isinstance(value, (str, int)) and values.WORD_ID.fullmatch(str(value)) is not None
    if need in ("list", "nonempty_list"):
        return isinstance(value, list) and (need == "list" or bool(value))
    if need == "text":
        return isinstance(value, str) and bool(value) and not values.TITLE_FORBIDDEN.search(value)
    return value in (values.TICKET_TYPES if need == "ticket_type" else values.BUCKET_SYNC)


def validate_limits(obj: JsonObject) -> None:
    for prefix, limit in _entries(obj, "limits", "limit"):
        if limit.get("type") not in LIMIT_TYPES:
            raise ApiError("api", f"{prefix}: Unknown type")
        field = values.LIMIT_NEEDS.get(str(limit["type"]))
        number = limit.get(field) if field else 1
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not number:
            raise ApiError("api", f"{prefix}: {LIMIT_REFUSALS[str(limit['type'])]}")
        problem = limit_problem(limit)
        if problem is not None:
            raise ApiError("api", f"{prefix}: {problem[1]}")
    together = limits_problem(obj.get("limits") or [])
    if together is not None:
        raise ApiError("api", together[1])


def _entries(obj: JsonObject, name: str, entry: str) -> Iterator[tuple[str, JsonObject]]:
    """The entries of the list parameter `name` (none when it is absent), each an object
    with an `enabled` flag, with the start of the messages refusing them."""
    entries = obj.get(name)
    if entries is None:
        return
    if not isinstance(entries, list):
        raise ApiError("api", f"Malformed parameter: {name} (must be array)")
    for number, value in enumerate(entries, start=1):
        prefix = f"Malformed {entry} entry #{number}"
        if not isinstance(value, dict):
            raise ApiError("api", f"{prefix} (not an object)")
        if "enabled" not in value:
            raise ApiError("api", f"{prefix}: Missing enabled flag")
        yield prefix, value


def _regex(obj: JsonObject, name: str) -> None:
    """`new RegExp(value)` must not throw (groups.js; create_monitor's data_match), judged
    as JavaScript would (js_regex.py): `(?i)` refused, `[^]` and `(?<name>...)` taken."""
    value = obj.get(name)
    if value is None:
        return
    problem = regex_problem(str(value))
    if problem is not None:
        raise malformed(name, f"invalid regular expression: {problem}")


def _balanced(text: str, opening: str, closing: str) -> bool:
    depth = 0
    for char in text:
        if char in opening:
            depth += 1
        elif char in closing:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _expression(obj: JsonObject, name: str) -> None:
    """An expression that cannot compile (api create_monitor: "The source expression is
    validated; syntax errors are rejected"); only unbalanced brackets are caught here."""
    value = obj.get(name)
    if isinstance(value, str) and not _balanced(value, "([{", ")]}"):
        raise malformed(name, "expression syntax error: unbalanced brackets")


def _category(obj: JsonObject) -> None:
    validate_limits(obj)
    validate_actions(obj)
    color = obj.get("color")
    if color is not None and color != "" and color not in CATEGORY_COLORS:
        raise malformed("color", "unknown color")


def _category_refs(obj: JsonObject) -> Iterator[Ref]:
    yield from action_refs(obj.get("actions"))


def _group(obj: JsonObject) -> None:
    _regex(obj, "hostname_match")
    validate_actions(obj, "alert_actions")


def _group_refs(obj: JsonObject) -> Iterator[Ref]:
    yield from action_refs(obj.get("alert_actions"))


def _web_hook(obj: JsonObject) -> None:
    # create_web_hook notes: id alphanumeric/underscore, method letters only, url http(s)://
    # or a whole-URL template starting with {{
    url = obj.get("url")
    if url is not None and not values.WEB_HOOK_URL_START.match(str(url)):
        raise malformed("url", "must begin with http:// or https://, or with {{")
    method = obj.get("method")
    if method is not None and not values.WEB_HOOK_METHOD.fullmatch(str(method)):
        raise malformed("method", "letters only")
    headers = obj.get("headers")
    for header in headers if isinstance(headers, list) else ():
        if not isinstance(header, dict) or "name" not in header:
            raise malformed("headers", "each header is an object with name and value")


def _monitor(obj: JsonObject) -> None:
    data_type = obj.get("data_type")
    if data_type is not None and data_type not in DATA_TYPES:
        raise malformed("data_type", "one of " + ", ".join(sorted(DATA_TYPES)))
    _expression(obj, "source")
    _regex(obj, "data_match")


def _alert(obj: JsonObject) -> None:
    validate_actions(obj)


def _alert_refs(obj: JsonObject) -> Iterator[Ref]:
    yield from action_refs(obj.get("actions"))


# requireValidEventData's validateOptionalParams (1.0.88 lib/api/events.js, lib/api.js):
# each of these, when present, of a JavaScript type (`typeof`) and, as text ('' + value),
# matching a pattern (JavaScript's: `\w` and `\d` ASCII, `$` the very end of the text)
EVENT_PARAM_RULES: dict[str, tuple[tuple[str, ...], re.Pattern[str]]] = {
    "algo": (("string",), re.compile(r"\A[\w:]+\Z", re.ASCII)),
    "category": (("string",), re.compile(r"\A\w+\Z", re.ASCII)),
    "enabled": (("boolean", "number"), re.compile(r"\A(\d+|true|false)\Z", re.ASCII)),
    "id": (("string",), re.compile(r"\A\w+\Z", re.ASCII)),
    "notes": (("string",), re.compile(r"")),
    "plugin": (("string",), re.compile(r"\A\w+\Z", re.ASCII)),
    "title": (("string",), re.compile(r"\S")),
}


def _js_type(value: Any) -> str:
    """JavaScript's `typeof` of a JSON value (null, arrays and objects are "object")."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "string" if isinstance(value, str) else "object"


def _js_string(value: Any) -> str:
    """'' + value of a boolean, number or string: `true`, `1` (also for 1.0), `1.5`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _event_param_types(obj: JsonObject) -> None:
    """An event's `enabled` a boolean or a number (never "false", which JavaScript reads
    as true, nor null), its texts texts: refused in 1.0.88's words."""
    for name, (types, pattern) in EVENT_PARAM_RULES.items():
        if name not in obj:
            continue
        value = obj[name]
        if _js_type(value) not in types:
            raise ApiError("api", f"Malformed parameter type: {name} ({_js_type(value)})")
        if not pattern.search(_js_string(value)):
            raise ApiError("api", f"Malformed parameter value: {name}")


def _event(obj: JsonObject) -> None:
    _event_param_types(obj)
    for problem in (params_problem(obj.get("params")), _fields(obj.get("fields"))):
        if problem is not None:
            raise ApiError("api", problem[1])
    _triggers(obj.get("triggers"))
    _trigger_params(obj)
    validate_limits(obj)
    validate_actions(obj)
    if obj.get("type") == WORKFLOW:
        _workflow(obj.get("workflow"))
        return
    # create_event notes: "For non-workflow events, targets, algo, and plugin are required."
    # (checked on the merged object, so an update cannot remove them either); an empty
    # list of targets is none: "Empty target lists are exclusively reserved for workflows"
    # (1.0.88 lib/api/events.js create_event and requireValidEventData)
    for name in ("targets", "algo", "plugin"):
        if not obj.get(name):
            raise ApiError("api", f"Event has no {name} specified.")
    for name in ("algo", "plugin"):
        if not _nonempty(obj[name]) or not str(obj[name]).strip():
            raise malformed(name)
    algo = str(obj["algo"])
    if algo not in ALGORITHMS and not values.MONITOR_ALGO_PATTERN.fullmatch(algo):
        raise malformed("algo", "unknown algorithm")


def _fields(fields: Any) -> tuple[Any, str] | None:
    """requireValidEventData's user fields (event_fields.py), an array (check_types)."""
    return fields_problem(fields) if isinstance(fields, list) else None


def _triggers(triggers: Any) -> None:
    """requireValidEventData's triggers (triggers.py), in xyOps's words."""
    if triggers is None:
        return
    if not isinstance(triggers, list):
        raise ApiError("api", "Malformed event parameter: triggers (must be array)")
    for number, trigger in enumerate(triggers, start=1):
        problem = trigger_problem(trigger)
        if problem is not None:
            raise ApiError("api", xyops_words(number, problem[1]))
    together = triggers_problem(triggers)
    if together is not None:
        raise ApiError("api", together[1])


def _trigger_params(obj: JsonObject) -> None:
    """The triggers' params against the user fields, once given their values."""
    problem = trigger_params_problem(obj.get("triggers"), obj.get("fields"))
    if problem is not None:
        raise ApiError("api", problem[1])


def _workflow(workflow: Any) -> None:
    """requireValidEventData's workflow checks (1.0.88 lib/api/events.js), its wording."""
    if workflow is None:
        raise ApiError("api", "Event has no workflow object specified.")
    if not isinstance(workflow, dict):
        raise ApiError("api", "Event has invalid workflow object specified.")
    for part in ("nodes", "connections"):
        if workflow.get(part) in (None, "", 0, False):  # JavaScript's falsy ([] is not)
            raise ApiError("api", f"Event has no workflow {part} specified.")
        if not isinstance(workflow[part], list):
            raise ApiError("api", f"Event has invalid workflow {part} specified (must be array).")
    nodes: set[str] = set()
    for number, node in enumerate(workflow["nodes"], start=1):
        if not isinstance(node, dict):
            raise ApiError("api", f"Workflow node #{number} is not an object")
        if not node.get("id"):
            raise ApiError("api", f"Workflow node #{number} has no ID (id) property")
        prefix = f"Malformed workflow node #{node['id']}"
        if not isinstance(node["id"], str) or not values.WORKFLOW_PART_ID.fullmatch(node["id"]):
            raise ApiError("api", f"{prefix}: Node ID is not alphanumeric")
        if node["id"] in nodes:
            raise ApiError("api", f"{prefix}: Duplicate Node ID")
        nodes.add(node["id"])
        if not node.get("type"):
            raise ApiError("api", f"{prefix}: Node is missing a type")
        if node["type"] not in values.WORKFLOW_NODE_TYPES:
            raise ApiError("api", f"{prefix}: Node type is invalid")
        for axis in ("x", "y"):
            if not isinstance(node.get(axis), (int, float)) or isinstance(node[axis], bool):
                raise ApiError("api", f"{prefix}: Node {axis.upper()} coordinate is invalid")
    ids: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for number, connection in enumerate(workflow["connections"], start=1):
        if not isinstance(connection, dict):
            raise ApiError("api", f"Workflow connection #{number} is not an object")
        if not connection.get("id"):
            raise ApiError("api", f"Workflow connection #{number} has no ID (id) property")
        prefix = f"Malformed workflow connection #{connection['id']}"
        if connection["id"] in ids:
            raise ApiError("api", f"{prefix}: Duplicate connection ID")
        ids.add(connection["id"])
        if connection.get("source") not in nodes:
            raise ApiError("api", f"{prefix}: Connection source node is invalid")
        if connection.get("dest") not in nodes:
            raise ApiError("api", f"{prefix}: Connection destination node is invalid")
        pair = (str(connection["source"]), str(connection["dest"]))
        if pair in pairs:
            raise ApiError("api", f"{prefix}: Duplicate source/destination node pair")
        pairs.add(pair)


def _event_refs(obj: JsonObject) -> Iterator[Ref]:
    """requireValidEventData (on the merged event of an update too): its category, plugin
    (not a `_` one), each tag, its actions', and its workflow's event and job nodes'."""
    category = obj.get("category")
    if _nonempty(category):
        yield Ref("categories", str(category), f"Category not found: {category}")
    plugin = obj.get("plugin")
    if _nonempty(plugin) and not str(plugin).startswith("_"):
        yield Ref("plugins", str(plugin), f"Plugin not found: {plugin}")
    tags = obj.get("tags")
    for tag in tags if isinstance(tags, list) else ():
        if _nonempty(tag):
            yield Ref("tags", tag, f"Unknown tag: {tag}")
    yield from action_refs(obj.get("actions"))
    triggers = obj.get("triggers")
    for number, trigger in enumerate(triggers if isinstance(triggers, list) else (), start=1):
        if isinstance(trigger, dict) and trigger.get("type") == "plugin":
            target = str(trigger.get("plugin_id") or "")
            said = f"Malformed trigger entry #{number}: Scheduler Plugin not found: {target}"
            yield Ref("plugins", target, said, "scheduler")
    workflow = obj.get("workflow")
    nodes = workflow.get("nodes") if isinstance(workflow, dict) else None
    for node in nodes if isinstance(nodes, list) else ():
        data = node.get("data") if isinstance(node, dict) else None
        if not isinstance(data, dict):
            continue
        prefix = f"Malformed workflow node #{node.get('id')}"
        named = {"event": ("events", "event", "Event"), "job": ("plugins", "plugin", "Plugin")}
        if node.get("type") in named:
            collection, field, noun = named[str(node["type"])]
            target = str(data.get(field) or "")
            yield Ref(collection, target, f"{prefix}: Unknown {noun} ID: {target}")
        elif node.get("type") == "action" and data.get("type") == "plugin":
            target = str(data.get("plugin_id") or "")
            yield Ref("plugins", target, f"{prefix}: Unknown Action Plugin ID: {target}")


def _plugin(obj: JsonObject) -> None:
    if obj.get("type") not in PLUGIN_TYPES:
        raise malformed("type", "one of " + ", ".join(sorted(PLUGIN_TYPES)))


def _event_answer() -> JsonObject:
    # get_event: "a jobs array of currently running jobs ... and a queued number"
    return {"jobs": [], "queued": 0}


def _category_defaults() -> JsonObject:
    return {"limits": [], "actions": []}


def _role_defaults() -> JsonObject:
    # create_role: "If omitted, privileges defaults to an empty object, and
    # categories/groups default to empty arrays."
    return {"privileges": {}, "categories": [], "groups": []}


def _event_defaults() -> JsonObject:
    return {"params": {}}


LISTS: tuple[ListSpec, ...] = (
    ListSpec("tag", "tags", "tag", "t"),
    ListSpec(
        "category",
        "categories",
        "category",
        "c",
        defaults=_category_defaults,
        arrays=("limits", "actions"),
        sort_order=True,
        validate=_category,
        refs=_category_refs,
    ),
    ListSpec(
        "group",
        "groups",
        "group",
        "g",
        required=("title", "hostname_match"),
        arrays=("alert_actions",),
        sort_order=True,
        validate=_group,
        refs=_group_refs,
    ),
    ListSpec(
        "web_hook",
        "web_hooks",
        "web hook",
        "w",
        required=("title", "url"),
        arrays=("headers",),
        validate=_web_hook,
    ),
    ListSpec("channel", "channels", "channel", "n", arrays=("users",)),
    ListSpec(
        "role",
        "roles",
        "role",
        "r",
        defaults=_role_defaults,
        arrays=("categories", "groups"),
        objects=("privileges",),
    ),
    ListSpec(
        "monitor",
        "monitors",
        "monitor",
        "m",
        required=("title", "source", "data_type"),
        arrays=("groups",),
        sort_order=True,
        validate=_monitor,
    ),
    ListSpec(
        "alert",
        "alerts",
        "alert",
        "a",
        required=("title", "expression", "message"),
        arrays=("groups", "actions"),
        validate=_alert,
        refs=_alert_refs,
    ),
    ListSpec(
        "event",
        "events",
        "event",
        "e",
        required=("title", "category"),
        defaults=_event_defaults,
        arrays=("targets", "tags", "actions", "limits", "triggers", "fields"),
        objects=("params",),
        update_answers_object=True,
        checks_revision=True,
        validate=_event,
        refs=_event_refs,
        extra_answer=_event_answer,
    ),
    ListSpec(
        "plugin",
        "plugins",
        "plugin",
        "p",
        required=("title", "type"),
        arrays=("params", "groups"),
        update_answers_object=True,
        validate=_plugin,
    ),
)
BY_SINGULAR = {spec.singular: spec for spec in LISTS}
BY_PLURAL = {spec.plural: spec for spec in LISTS}


def refs_of(collection: str, obj: JsonObject) -> Iterator[Ref]:
    spec = BY_PLURAL.get(collection)
    return (spec.refs if spec is not None else _no_refs)(obj)


def check_types(spec: ListSpec, obj: JsonObject) -> None:
    for name in spec.arrays:
        if name in obj and not isinstance(obj[name], list):
            raise malformed(name, "must be array")
    for name in spec.objects:
        if name in obj and not isinstance(obj[name], dict):
            raise malformed(name, "must be object")
