"""What xyOps takes in an event's `triggers` (xyOps 1.0.88 lib/api/events.js
requireValidEventData, on every create and update; data-structures-v1.0.88.md, Trigger):
a known type, the fields the type needs, schedule values in range, and at most one
enabled trigger of some types. Anything else is refused half-way through an apply, so the
manifest models check it first and the emulator refuses it as xyOps does, in its words.

Each check answers (path below the trigger or the list, xyOps's message) or None.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

# Trigger.type (data-structures-v1.0.88.md); the UI's presets are saved as `schedule`
TRIGGER_TYPES = (
    "manual",
    "schedule",
    "interval",
    "single",
    "magic",
    "keyboard",
    "startup",
    "catchup",
    "nth",
    "range",
    "blackout",
    "delay",
    "precision",
    "quiet",
    "plugin",
)
UI_PRESETS = ("custom", "yearly", "monthly", "weekly", "daily", "hourly", "crontab")
# schedule fields: (lowest, highest); days also refuse 0 and go down to -7
SCHEDULE_RANGES: dict[str, tuple[int, int | None]] = {
    "years": (1, None),
    "months": (1, 12),
    "days": (-7, 31),
    "weekdays": (0, 6),
    "hours": (0, 23),
    "minutes": (0, 59),
}
TIMEZONE = re.compile(r"^[A-Za-z0-9_/\-+]+$")  # JavaScript's \w: ASCII
# at most one enabled trigger of each of these types
ONE_ENABLED = ("startup", "catchup", "nth", "manual", "precision", "quiet", "plugin")
ONE_ENABLED_NAMES = {
    "startup": "startup",
    "catchup": "catch-up",
    "nth": "every-nth",
    "manual": "manual",
    "precision": "precision",
    "quiet": "quiet",
    "plugin": "plugin",
}
EXCLUSIVE = (("interval", "precision"), ("interval", "delay"), ("precision", "delay"))

Problem = tuple[tuple[str | int, ...], str]


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _epoch(value: Any) -> bool:
    """A positive whole number of seconds (xyOps: a number whose text is digits only)."""
    return _number(value) and value == int(value) and value >= 0 and value < 1e21


def _schedule(trigger: Mapping[str, Any]) -> Problem | None:
    for key, (low, high) in SCHEDULE_RANGES.items():
        if key not in trigger:
            continue
        values = trigger[key]
        if not isinstance(values, list):
            return (key,), f"Malformed trigger parameter: {key} (must be array)"
        for index, value in enumerate(values):
            if not _number(value):
                return (key, index), (
                    f"Malformed trigger parameter: {key} (must be array of numbers)"
                )
            out = (
                value < low or (high is not None and value > high) or (key == "days" and not value)
            )
            if out:
                return (key, index), (
                    f"Malformed trigger parameter: {key} (out of range: {_js(value)})"
                )
    zone = trigger.get("timezone")
    if zone and not TIMEZONE.match(str(zone)):
        return ("timezone",), f"Invalid timezone: {zone}"
    return None


def _js(value: Any) -> str:
    return str(int(value)) if _number(value) and value == int(value) else str(value)


def _interval(trigger: Mapping[str, Any]) -> Problem | None:
    if not trigger.get("start") or not _epoch(trigger.get("start")):
        return ("start",), "Invalid starting date/time specified for interval"
    if not trigger.get("duration"):
        return ("duration",), "Interval rule is missing duration."
    return None


def _present(field: str, said: str) -> Any:
    """A check that `field` is there and not empty (JavaScript's truthiness)."""

    def check(trigger: Mapping[str, Any]) -> Problem | None:
        value = trigger.get(field)
        empty = not value or (isinstance(value, (list, dict, str)) and not len(value))
        return ((field,), said) if empty else None

    return check


def _single(trigger: Mapping[str, Any]) -> Problem | None:
    if not trigger.get("epoch") or not _epoch(trigger.get("epoch")):
        return ("epoch",), "Invalid date/time specified for single shot"
    return None


def _nth(trigger: Mapping[str, Any]) -> Problem | None:
    every = trigger.get("every")
    if not every or (isinstance(every, (int, float)) and every < 2):
        return ("every",), "Every Nth value is invalid (must be 2 or higher)."
    return None


def _quiet(trigger: Mapping[str, Any]) -> Problem | None:
    if not trigger.get("invisible") and not trigger.get("ephemeral"):
        return (), "Quiet rule must have one or more modes enabled."
    return None


def _plugin(trigger: Mapping[str, Any]) -> Problem | None:
    plugin = trigger.get("plugin_id")
    if not isinstance(plugin, str) or not plugin:
        return ("plugin_id",), f"Scheduler Plugin not found: {plugin}"
    return None


def _dates(trigger: Mapping[str, Any], kind: str) -> Problem | None:
    start, end = trigger.get("start"), trigger.get("end")
    if kind == "blackout" and (not start or not end):
        return (("start",) if not start else ("end",)), (
            "Both a start and an end date are required for blackout."
        )
    for name, value in (("start", start), ("end", end)):
        if value and not _epoch(value):
            return (name,), f"Invalid {name} date/time specified for {kind}"
    if start and end and start > end:
        if kind == "range":
            return ("start",), "Invalid date range.  The start date cannot come after the end date."
        return ("start",), (
            "Invalid date range for blackout.  The start date cannot come after the end date."
        )
    return None


# What xyOps 1.0.88 does to the triggers of every create and update it takes (lib/api/
# events.js normalizeEventTriggers: "Single Shot, Range and Blackout triggers are evaluated
# on whole minutes"): these times are floored to the minute, Math.floor(t / 60) * 60.
MINUTE_FLOORED: dict[str, tuple[str, ...]] = {
    "single": ("epoch",),
    "range": ("start", "end"),
    "blackout": ("start", "end"),
}
MINUTE = 60


def minute_floored(trigger: Mapping[str, Any]) -> dict[str, Any]:
    """The times of `trigger` that xyOps would floor to the minute: name -> the time it
    keeps (empty when it keeps the trigger as written)."""
    kept: dict[str, Any] = {}
    for name in MINUTE_FLOORED.get(str(trigger.get("type")), ()):
        value = trigger.get(name)
        if _number(value) and value and value % MINUTE:
            kept[name] = int(value // MINUTE) * MINUTE
    return kept


# The triggers xyOps gives the event's user fields' values (lib/api/events.js
# prepEventTriggerParams, on every create and update of an event with fields).
FIELD_PARAM_TRIGGERS = frozenset({"schedule", "single", "interval", "startup", "keyboard"})


def with_field_params(triggers: Any, fields: Any) -> Any:
    """`triggers` as xyOps keeps them beside `fields` (1.0.88 prepEventTriggerParams): a
    schedule, single, interval, startup or keyboard trigger's `params` hold each field's
    default `value` where they hold none for it, a hidden field's always. Unchanged
    without fields."""
    if not isinstance(triggers, list) or not isinstance(fields, list) or not fields:
        return triggers
    kept: list[Any] = []
    for trigger in triggers:
        if isinstance(trigger, Mapping) and trigger.get("type") in FIELD_PARAM_TRIGGERS:
            params = trigger.get("params")
            params = dict(params) if isinstance(params, Mapping) and params else {}
            for field in fields:
                if not isinstance(field, Mapping) or not isinstance(field.get("id"), str):
                    continue
                if field["id"] in params and field.get("type") != "hidden":
                    continue
                if field.get("type") == "json":
                    params[field["id"]] = copy.deepcopy(field.get("value") or {})
                elif "value" in field:  # JSON leaves out JavaScript's undefined
                    params[field["id"]] = copy.deepcopy(field["value"])
                else:
                    params.pop(field["id"], None)
            trigger = {**trigger, "params": params}
        kept.append(trigger)
    return kept


RANGE = re.compile(r"^(-?\d*\.?\d+)-(-?\d*\.?\d+)/(any|-?\d*\.?\d+)$", re.IGNORECASE)


def _js_text(value: Any) -> str:
    """JavaScript's '' + value, null as '' (lib/util.js stringValue), for the values a
    YAML manifest holds."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_js_text(item) for item in value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return _js(value) if _number(value) else str(value)


def _in_range(value: Any, range_: str) -> bool:
    """lib/util.js checkNumberRange: `value` within 'MIN-MAX/STEP' (STEP a number or any)."""
    found = RANGE.match(re.sub(r"\s+", "", range_))
    number = re.match(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", _js_text(value))
    if not found or not number:
        return False  # parseFloat's NaN: no comparison holds
    low, high, step = float(found[1]), float(found[2]), found[3]
    amount = float(number.group())
    if amount < low or amount > high:
        return False
    if step.lower() == "any":
        return True
    offset = (amount - low) / float(step) if float(step) else math.nan
    return abs(offset - round(offset)) < 1e-7 if math.isfinite(offset) else False


def param_values_problem(params: Any, fields: Any) -> str | None:
    """lib/api.js validateParamValues's refusal of `params` against user `fields`: a
    required one empty, or a value out of its `range` (a field's `regex` is not judged
    here), or None."""
    values = params if isinstance(params, Mapping) else {}
    for field in fields if isinstance(fields, list) else ():
        if not isinstance(field, Mapping):
            continue
        text = _js_text(values.get(field.get("id")))
        if field.get("required") and not text:
            return f"Parameter '{field.get('id')}' is required."
        range_ = field.get("range")
        if range_ and text and not _in_range(values.get(field.get("id")), str(range_)):
            return f"Parameter '{field.get('id')}' value is invalid ({range_})."
    return None


def trigger_params_problem(triggers: Any, fields: Any) -> Problem | None:
    """Why xyOps refuses the triggers' `params` against the event's user fields, once it
    has given them the fields' values (with_field_params; requireValidEventData: every
    trigger but a plugin one holding params), the path from the trigger; or None."""
    if not isinstance(fields, list) or not fields:
        return None
    for index, trigger in enumerate(with_field_params(triggers, fields) or ()):
        if not isinstance(trigger, Mapping) or trigger.get("type") == "plugin":
            continue
        if trigger.get("params") is None:
            continue
        said = param_values_problem(trigger["params"], fields)
        if said is not None:
            return (index, "params"), f"Malformed trigger entry #{index + 1}: {said}"
    return None


def xyops_words(number: int, said: str) -> str:
    """xyOps's whole message for trigger #`number` (from 1) refused as `said`."""
    if said.startswith("Malformed trigger parameter"):
        return said
    prefix = f"Malformed trigger entry #{number}"
    return f"{prefix} {said}" if said.startswith("(") else f"{prefix}: {said}"


# what each type needs (the switch on trigger.type); the other types need nothing
_NEEDS: dict[str, Any] = {
    "schedule": lambda t: _schedule(t),
    "interval": _interval,
    "single": _single,
    "keyboard": _present("keys", "Keyboard trigger has no shortcuts."),
    "nth": _nth,
    "range": lambda t: _dates(t, "range"),
    "blackout": lambda t: _dates(t, "blackout"),
    "delay": _present("duration", "Starting delay rule is missing duration."),
    "precision": _present("seconds", "Precision rule is missing seconds array."),
    "quiet": _quiet,
    "plugin": _plugin,
}


def trigger_problem(trigger: Any) -> Problem | None:
    """Why xyOps refuses one trigger (its path below the trigger, xyOps's words), or None."""
    if not isinstance(trigger, Mapping):
        return (), "(not an object)"
    kind = trigger.get("type")
    if kind not in TRIGGER_TYPES:
        return ("type",), "Unknown type"
    check = _NEEDS.get(str(kind))
    problem: Problem | None = check(trigger) if check is not None else None
    return problem


def triggers_problem(triggers: Sequence[Any]) -> Problem | None:
    """Why xyOps refuses the list as a whole (two enabled manual triggers, an interval with
    a delay), the path naming the later trigger; or None. Each trigger is judged apart."""
    enabled = [
        (index, t.get("type"))
        for index, t in enumerate(triggers)
        if isinstance(t, Mapping) and t.get("enabled") == 1  # true, as JavaScript's ==
    ]
    for kind in ONE_ENABLED:
        found = [index for index, k in enabled if k == kind]
        if len(found) > 1:
            name = ONE_ENABLED_NAMES[kind]
            return (found[1],), f"Only one {name} rule is allowed in trigger list."
    for first, second in EXCLUSIVE:
        one = [index for index, k in enabled if k == first]
        other = [index for index, k in enabled if k == second]
        if one and other:
            return (max(one[0], other[0]),), (
                f"{first.title()} and {second} triggers are mutually exclusive."
            )
    return None


# trigger_problem for editors, as JSON Schema: per type, what it needs
_FALSY: list[Any] = [None, False, 0, "", [], {}]
_SET = {"not": {"enum": _FALSY}}
_EPOCH = {"type": "integer", "minimum": 1}
_MAYBE_EPOCH = {"anyOf": [{"enum": _FALSY}, {"type": "integer", "minimum": 0}]}


def _schedule_field(key: str) -> dict[str, Any]:
    low, high = SCHEDULE_RANGES[key]
    item: dict[str, Any] = {"type": "number", "minimum": low}
    if high is not None:
        item["maximum"] = high
    if key == "days":
        item["not"] = {"const": 0}
    return {"type": "array", "items": item}


def _when(kind: str, then: dict[str, Any]) -> dict[str, Any]:
    return {"if": {"required": ["type"], "properties": {"type": {"const": kind}}}, "then": then}


TRIGGER_SCHEMAS: list[dict[str, Any]] = [
    _when(
        "schedule",
        {
            "properties": {
                **{key: _schedule_field(key) for key in SCHEDULE_RANGES},
                "timezone": {
                    "anyOf": [{"enum": _FALSY}, {"type": "string", "pattern": TIMEZONE.pattern}]
                },
            }
        },
    ),
    _when(
        "interval",
        {"required": ["start", "duration"], "properties": {"start": _EPOCH, "duration": _SET}},
    ),
    _when("single", {"required": ["epoch"], "properties": {"epoch": _EPOCH}}),
    _when("keyboard", {"required": ["keys"], "properties": {"keys": _SET}}),
    _when(
        "nth",
        {
            "required": ["every"],
            "properties": {"every": {**_SET, "if": {"type": "number"}, "then": {"minimum": 2}}},
        },
    ),
    _when("range", {"properties": {"start": _MAYBE_EPOCH, "end": _MAYBE_EPOCH}}),
    _when(
        "blackout",
        {"required": ["start", "end"], "properties": {"start": _EPOCH, "end": _EPOCH}},
    ),
    _when("delay", {"required": ["duration"], "properties": {"duration": _SET}}),
    _when("precision", {"required": ["seconds"], "properties": {"seconds": _SET}}),
    _when(
        "quiet",
        {
            "anyOf": [
                {"required": ["invisible"], "properties": {"invisible": _SET}},
                {"required": ["ephemeral"], "properties": {"ephemeral": _SET}},
            ]
        },
    ),
    _when(
        "plugin",
        {
            "required": ["plugin_id"],
            "properties": {"plugin_id": {"type": "string", "minLength": 1}},
        },
    ),
]
