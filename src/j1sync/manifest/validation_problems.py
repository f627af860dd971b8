"""Pydantic's errors, told the j1sync way: at file:line:col, with the field path and a
message a person can act on (the nearest valid key for a typo)."""

from __future__ import annotations

import base64
import datetime
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from j1sync.errors import ManifestProblem, SourceLocation
from j1sync.manifest.yaml_source import (
    FieldPath,
    YamlDocument,
    format_field_path,
    key_position,
    key_type,
    locate,
)
from j1sync.providers.registry import closest

# Errors about a key rather than its value are reported at the key's column.
KEY_ERRORS = {"extra_forbidden", "missing"}


@dataclass(frozen=True)
class _Located:
    location: SourceLocation
    path: FieldPath
    message: str
    from_union: bool  # pydantic named a union member in the loc


def problems_from_validation(
    error: ValidationError,
    document: YamlDocument,
    model: type[BaseModel],
    address: str | None,
) -> list[ManifestProblem]:
    found = [_locate_error(detail, document, model) for detail in error.errors()]
    found = _without_union_echoes(found)
    problems: list[ManifestProblem] = []
    for path in dict.fromkeys(item.path for item in found):  # first-seen order
        same_field = [item for item in found if item.path == path]
        problems.append(
            ManifestProblem(
                same_field[0].location,
                _merged_message([item.message for item in same_field]),
                address,
                format_field_path(path) or None,
            )
        )
    return problems


def _locate_error(detail: ErrorDetails, document: YamlDocument, model: type[BaseModel]) -> _Located:
    subpath = (detail.get("ctx") or {}).get("subpath", ())
    loc: FieldPath = (*detail["loc"], *subpath)
    kind = detail["type"]
    key_problem = _key_problem(detail, loc, document)
    if key_problem is not None:
        return key_problem
    located = locate(
        document, loc, at_value=kind not in KEY_ERRORS, missing_field=kind == "missing"
    )
    message = _message(detail, located.path, located.raw, model)
    return _Located(located.location, located.path, message, located.skipped_steps(loc))


# pydantic's loc of a mapping key that is no string: a map's (`labels`) ends with the key
# and "[key]" (type string_type), a model's (`spec`) with the key (type invalid_key); the
# key itself is the error's input.
_KEY_STEP = "[key]"


def _key_problem(detail: ErrorDetails, loc: FieldPath, document: YamlDocument) -> _Located | None:
    """A key YAML read as something else than text (`2024:`, `1.5:`, `true:`, `null:`, a
    list), at the key, saying so. pydantic's own words were about the key's value (`labels.
    2024: Input should be a valid string (got 'x')`, `spec: Keys should be strings` at the
    mapping) and its later keys' problems were dropped as echoes of the first."""
    if detail["type"] == "invalid_key":
        parent = loc[:-1]
    elif detail["type"] == "string_type" and len(loc) >= 2 and loc[-1] == _KEY_STEP:
        parent = loc[:-2]
    else:
        return None
    located = locate(document, parent, at_value=False)
    mapping = located.raw if located.path == parent else None
    if not isinstance(mapping, CommentedMap):
        return None
    given = detail.get("input")  # the key itself (the loc has 0 for false, 'None' for null)
    # the key as read: `0:` is ruamel's ScalarInt, pydantic's input the int
    found = [k for k in mapping if k is given or (k == given and key_type(k) is key_type(given))]
    if not found or isinstance(found[0], str):
        return None
    key = found[0]
    line, column = key_position(mapping, key)
    where = SourceLocation(document.file, line + 1, column + 1)
    if isinstance(key, (tuple, list, Mapping)):  # `[a, b]: x`, `{a: 1}: x`
        what = "mapping" if isinstance(key, Mapping) else "list"
        return _Located(where, located.path, f"a {what} cannot be a key: keys are text", False)
    return _Located(where, (*located.path, key_text(key)), non_text_key_message(key), False)


def non_text_key_message(key: Any) -> str:
    """What a key YAML reads as no text (`2024:`, `true:`, `null:`) is told."""
    shown = key_text(key)
    if isinstance(key, (bytes, bytearray)):
        return "a key must be text: YAML reads a !!binary key as bytes; write the text itself"
    return f'a key must be text: YAML reads {shown} as {_key_kind(key)}; quote it ("{shown}")'


def key_text(key: Any) -> str:
    """A key as YAML would write it: null, true, 2024, 1.5 (bytes: as !!binary does)."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, (bytes, bytearray)):
        return base64.b64encode(key).decode("ascii")
    return str(key)


def _key_kind(key: Any) -> str:
    if key is None:
        return "no value (null)"
    if isinstance(key, bool):
        return "a boolean"
    if isinstance(key, (int, float)):
        return "a number"
    if isinstance(key, (datetime.date, datetime.datetime)):
        return "a date"
    return f"a {type(key).__name__}"


def _without_union_echoes(found: list[_Located]) -> list[_Located]:
    """`members: [alice@x.com, bob]` fails as a list (bob) and as None: keep the deeper
    error, drop the union member that failed on the whole value."""
    return [
        item
        for item in found
        if not (
            item.from_union
            and any(
                other.path[: len(item.path)] == item.path and len(other.path) > len(item.path)
                for other in found
            )
        )
    ]


def _merged_message(messages: list[str]) -> str:
    unique = list(dict.fromkeys(messages))
    if len(unique) == 1:
        return unique[0]
    reasons = [m.removeprefix("Input should be ") for m in unique]
    return f"should be one of: {'; '.join(reasons)}"


def _message(detail: ErrorDetails, path: FieldPath, raw: Any, model: type[BaseModel]) -> str:
    kind = detail["type"]
    name = path[-1] if path else ""
    if kind == "j1sync_rule":
        return str((detail.get("ctx") or {})["message"])
    if kind == "extra_forbidden":
        allowed = sorted(allowed_fields(model, path[:-1]))
        near = closest(str(name), allowed)
        hint = f"; did you mean '{near}'?" if near else f"; allowed: {', '.join(allowed)}"
        return f"unknown field '{name}'{hint}"
    if kind == "missing":
        return f"required field '{name}' is missing"
    if kind == "too_short" and name == "queries":
        return "at least one query is required"
    # pydantic words a value that is no mapping after its own class ("a valid dictionary
    # or instance of TagSpec"): a name in j1sync's code, not in the user's manifest
    message = NOT_A_MAPPING if kind in _MAPPING_ERRORS else detail["msg"]
    if not isinstance(raw, (CommentedMap, CommentedSeq)) and raw is not None:
        # `raw` is the YAML as written (never an interpolated secret)
        message += f" (got {_describe(raw)})"
    elif isinstance(raw, CommentedSeq) and kind in _MAPPING_ERRORS:
        message += " (got a list)"
    if kind in ("literal_error", "enum") and isinstance(raw, str):
        # `pollingInterval: ONE_WEK` among 'ONE_DAY', 'ONE_WEEK', ...: name the one meant
        allowed = _QUOTED.findall(str((detail.get("ctx") or {}).get("expected", "")))
        near = closest(raw, allowed)
        if near is not None and near != raw:
            message += f"; did you mean '{near}'?"
    return message


NOT_A_MAPPING = "Input should be a mapping (`key: value` lines)"
_MAPPING_ERRORS = {"model_type", "model_attributes_type", "dict_type"}

# The values pydantic's literal and enum errors list as expected: 'A', 'B' or 'C'.
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


# A value an error quotes is shown to this many characters; a longer one in part, with its
# length (a 100,000-character value made the error line as long).
QUOTED_VALUE_CHARS = 100


def _describe(raw: Any) -> str:
    if isinstance(raw, str):
        text = str(raw)
        if len(text) <= QUOTED_VALUE_CHARS:
            return repr(text)
        return f"{repr(text[:QUOTED_VALUE_CHARS])[:-1]}…{repr(text)[-1]}, {len(text):,} characters"
    if isinstance(raw, bool):
        return "true" if raw else "false"
    for plain in (int, float):  # the YAML reader's subclasses (ScalarInt) by their type's name
        if isinstance(raw, plain):
            shown = str(plain(raw))
            if len(shown) > QUOTED_VALUE_CHARS:  # an integer of thousands of digits
                return f"{plain.__name__} of {len(shown):,} digits"
            return f"{plain.__name__} {shown}"
    return f"{type(raw).__name__} {raw}"


def allowed_fields(model: type[BaseModel], path: FieldPath) -> list[str]:
    """The field names of the model that sits at `path` below `model` (or [] if unknown)."""
    current: type[BaseModel] | None = model
    keyed = False  # the next text step is a key of a mapping of models (a widget's)
    for step in path:
        if current is None:
            return []
        if isinstance(step, int):
            continue  # list items: the model was already unwrapped from list[...]
        if keyed:
            keyed = False
            continue  # the mapping's key: the model was already unwrapped from dict[...]
        info = current.model_fields.get(step)
        current = _model_in(info.annotation) if info is not None else None
        keyed = info is not None and _maps_to_models(info.annotation)
    return list(current.model_fields) if current is not None else []


def _maps_to_models(annotation: Any) -> bool:
    """dict[K, Model], also inside Optional[...], Annotated[...] and so on."""
    if typing.get_origin(annotation) is dict:
        return _model_in(typing.get_args(annotation)[-1]) is not None
    return any(_maps_to_models(argument) for argument in typing.get_args(annotation))


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The first pydantic model inside Optional[...], list[...], Annotated[...] and so on."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return None
    for argument in typing.get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None
