"""Pydantic's errors, told the j1sync way: at file:line:col, with the field path and a
message a person can act on (the nearest valid key for a typo)."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from j1sync.errors import ManifestProblem
from j1sync.manifest.yaml_source import FieldPath, YamlDocument, format_field_path, locate

# Errors about a key rather than its value are reported at the key's column.
KEY_ERRORS = {"extra_forbidden", "missing"}


def problems_from_validation(
    error: ValidationError,
    document: YamlDocument,
    model: type[BaseModel],
    address: str | None,
    prefix: FieldPath = (),
) -> list[ManifestProblem]:
    problems = []
    for detail in error.errors():
        loc: FieldPath = (*prefix, *detail["loc"])
        subpath = (detail.get("ctx") or {}).get("subpath", ())
        loc = (*loc, *subpath)
        located = locate(document, loc, at_value=detail["type"] not in KEY_ERRORS)
        message = _message(detail, located.path[len(prefix) :], located.raw, model)
        field = format_field_path(located.path) or None
        problems.append(ManifestProblem(located.location, message, address, field))
    return problems


def _message(detail: ErrorDetails, path: FieldPath, raw: Any, model: type[BaseModel]) -> str:
    kind = detail["type"]
    name = path[-1] if path else ""
    if kind == "j1sync_rule":
        return str((detail.get("ctx") or {})["message"])
    if kind == "extra_forbidden":
        allowed = sorted(allowed_fields(model, path[:-1]))
        close = difflib.get_close_matches(str(name), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; allowed: {', '.join(allowed)}"
        return f"unknown field '{name}'{hint}"
    if kind == "missing":
        return f"required field '{name}' is missing"
    if kind == "too_short" and name == "queries":
        return "at least one query is required"
    message = detail["msg"]
    if not isinstance(raw, (CommentedMap, CommentedSeq)) and raw is not None:
        # `raw` is the YAML as written (never an interpolated secret)
        message += f" (got {_describe(raw)})"
    return message


def _describe(raw: Any) -> str:
    if isinstance(raw, str):
        return repr(str(raw))
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return f"{type(raw).__name__} {raw}"


def allowed_fields(model: type[BaseModel], path: FieldPath) -> list[str]:
    """The field names of the model that sits at `path` below `model` (or [] if unknown)."""
    current: type[BaseModel] | None = model
    for step in path:
        if current is None:
            return []
        if isinstance(step, int):
            continue  # list items: the model was already unwrapped from list[...]
        info = current.model_fields.get(step)
        current = _model_in(info.annotation) if info is not None else None
    return list(current.model_fields) if current is not None else []


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
