"""Whether a name can be a manifest's metadata.name: the one rule, each kind's own
(its system's metadata model: control characters, outer whitespace, length, an xyOps id's
pattern...). Export leaves out an object no manifest could name; the plan never deletes
one (no manifest could have declared it: pruning it would delete what j1sync cannot hold).
So too for a live object whose values its manifest model refuses (`spec_problem`: the
providers that read such objects say so in LiveObject.undeclarable)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from j1sync.manifest.yaml_source import format_field_path
from j1sync.providers.registry import manifest_kind, system_of_kind


def name_problem(kind: str, name: str) -> str | None:
    """Why `name` cannot be the metadata.name of a manifest of the engine kind `kind`, or
    None when it can (or the kind is no system's)."""
    system = system_of_kind(kind)
    if system is None or manifest_kind(kind) not in system.document_models:
        return None
    metadata = system.document_models[manifest_kind(kind)].model_fields["metadata"].annotation
    if not (isinstance(metadata, type) and issubclass(metadata, BaseModel)):
        return None
    try:
        metadata.model_validate({"name": name})
    except ValidationError as exc:
        return "; ".join(error["msg"] for error in exc.errors())
    return None


def spec_problem(model: type[BaseModel], values: Mapping[str, Any]) -> str | None:
    """Why the spec-shaped `values` of a live object (its state, as export writes it:
    nulls left out) cannot be a manifest's spec of `model`, or None when they can: a value
    its system allows and the manifest model refuses (an xyOps category of colour "", an
    OpenCTI feed with no types). Export leaves such an object out, and the plan never
    deletes it (no manifest can have declared it as it is). Values are never quoted: a
    credential field may be the one refused."""
    spec = {k: v for k, v in values.items() if k in model.model_fields and v is not None}
    try:
        model.model_validate(spec)
    except ValidationError as exc:
        said: dict[str, list[str]] = {}
        for error in exc.errors():
            subpath = (error.get("ctx") or {}).get("subpath", ())
            path = format_field_path(["spec", *_in_data(spec, (*error["loc"], *subpath))])
            said.setdefault(path, [])
            if error["msg"] not in said[path]:
                said[path].append(error["msg"])
        return "; ".join(f"{path}: {' or '.join(messages)}" for path, messages in said.items())
    return None


def _in_data(data: Any, loc: tuple[Any, ...]) -> list[str | int]:
    """The steps of a pydantic error's `loc` that lead through `data`, and a missing key
    last (a union member's tag, `int`, `bool`, leads nowhere: left out)."""
    path: list[str | int] = []
    for step in loc:
        leads = isinstance(data, Mapping) and step in data
        if leads or (isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data)):
            data = data[step]
        else:
            if isinstance(data, Mapping) and isinstance(step, str):
                path.append(step)  # a required field left out
            break
        path.append(step)
    return path
