"""What xyOps takes in an event's `fields` (user fields) and `params` (xyOps 1.0.88
lib/api/events.js requireValidEventData, on every create and update): each field an `id`
that is no reserved word and no `_xy_override_` launch key, once; a `type` among the UI's
controls; a `title` without `<` or `>`; a text field's `variant` among the UI's; a `regex`
JavaScript compiles. The event's `params` hold no `_xy_override_` launch key either
(lib/api.js requireValidJobOverrides). Anything else is refused half-way through an
apply, so the manifest model checks it first and the emulator refuses it, in xyOps's
words.

Each check answers (path below `fields` or `params`, xyOps's message) or None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from j1sync.providers.xyops.js_regex import regex_problem
from j1sync.providers.xyops.values import RESERVED_KEY

# internal/ui.json control_type_labels and text_field_variants (1.0.88)
CONTROL_TYPES = (
    "text",
    "textarea",
    "code",
    "json",
    "checkbox",
    "select",
    "bucket",
    "system",
    "hidden",
    "toolset",
    "group",
)
TEXT_VARIANTS = (
    "color",
    "date",
    "datetime-local",
    "email",
    "number",
    "password",
    "text",
    "time",
    "tel",
    "url",
)
# lib/api.js isReservedJobOverrideKey: never a param's or a field's id
RESERVED = re.compile(
    r"^_xy_override_(plugin|params|id|event|enabled|category|fields|actions|limits|triggers"
    r"|workflow|command|script|uid|gid|cwd|env|kill|runner)$"
)
OVERRIDE_PREFIX = "_xy_override_"

Problem = tuple[tuple[str | int, ...], str]


def params_problem(params: Any) -> Problem | None:
    """Why xyOps refuses an event's `params` (a reserved launch key), or None."""
    for key in params if isinstance(params, Mapping) else ():
        if RESERVED.match(str(key)):
            return (key,), f"Event params: Invalid parameter ID: {key} (reserved)"
    return None


def _field_problem(field: Mapping[str, Any], seen: set[str]) -> Problem | None:
    ident = field.get("id")
    prefix = f"Malformed user field '{ident or 'n/a'}'"
    if not isinstance(ident, str):
        return ("id",), f"{prefix}: ID must be a string"
    bare = ident.removeprefix(OVERRIDE_PREFIX)
    if RESERVED_KEY.match(ident) or RESERVED_KEY.match(bare):
        return ("id",), f"{prefix}: Invalid parameter ID: {ident}"
    if RESERVED.match(ident):
        return ("id",), f"{prefix}: Invalid parameter ID: {ident} (reserved)"
    kind = field.get("type")
    if not isinstance(kind, str):
        return ("type",), f"{prefix}: Type must be a string"
    if kind not in CONTROL_TYPES:
        return ("type",), f"{prefix}: Invalid type"
    title = field.get("title")
    if title and not isinstance(title, str):
        return ("title",), f"{prefix}: Title must be a string"
    if title and re.search(r"[<>]", title):
        return ("title",), f"{prefix}: Title contains illegal characters"
    if ident in seen:
        return ("id",), f"{prefix}: Duplicate field ID: {ident}"
    seen.add(ident)
    variant = field.get("variant")
    if kind == "text" and variant and variant not in TEXT_VARIANTS:
        return ("variant",), f"{prefix}: Invalid text field variant"
    regex = field.get("regex")
    if regex and regex_problem(str(regex)) is not None:
        return ("regex",), f"{prefix}: Invalid regular expression: {regex_problem(str(regex))}"
    return None


def fields_problem(fields: Sequence[Any]) -> Problem | None:
    """Why xyOps refuses an event's `fields`, the path below `fields`; or None."""
    seen: set[str] = set()
    for index, field in enumerate(fields):
        if not isinstance(field, Mapping):
            return (index,), "Malformed user field 'n/a': ID must be a string"
        problem = _field_problem(field, seen)
        if problem is not None:
            path, said = problem
            return (index, *path), said
    return None
