"""Whether a name can be a manifest's metadata.name: the one rule, each kind's own
(its system's metadata model: control characters, outer whitespace, length, an xyOps id's
pattern...). Export leaves out an object no manifest could name; the plan never deletes
one (no manifest could have declared it: pruning it would delete what j1sync cannot hold).
So too for a live object whose values its manifest model refuses (`spec_problem`: the
providers that read such objects say so in LiveObject.undeclarable)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from j1sync.engine.paths import PathPart, parse_path, texts_holding
from j1sync.env_reference import ENV_MARKER, ENV_REFERENCE
from j1sync.manifest.yaml_source import format_field_path
from j1sync.providers.registry import manifest_kind, system_of_kind

ENV_TEXT_PROBLEM = (
    f"holds '{ENV_MARKER}...}}', which a manifest reads as an environment variable (it has no "
    "escape for it)"
)


def name_problem(kind: str, name: str) -> str | None:
    """Why `name` cannot be the metadata.name of a manifest of the engine kind `kind`, or
    None when it can (or the kind is no system's)."""
    if ENV_MARKER in name and ENV_REFERENCE.search(name):
        return ENV_TEXT_PROBLEM  # any system's: the loader resolves it in any string
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


def spec_problem(
    model: type[BaseModel], values: Mapping[str, Any], credentials: Sequence[str] = ()
) -> str | None:
    """Why the spec-shaped `values` of a live object (its state, as export writes it:
    nulls left out) cannot be a manifest's spec of `model`, or None when they can: a value
    its system allows and the manifest model refuses (an xyOps category of colour "", an
    OpenCTI feed with no types), or text holding `${env:` (a PowerShell script's
    `${env:TEMP}`: a manifest reads it as an environment variable, and has no escape for
    it) outside the `credentials` paths (export writes those as `${env:NAME}`). Export
    leaves such an object out, and the plan never deletes it (no manifest can have
    declared it as it is). Values are never quoted: a credential field may be the one
    refused."""
    spec = {k: v for k, v in values.items() if k in model.model_fields and v is not None}
    found = _env_problem(spec, credentials)
    if found is not None:
        return found
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


def env_text_problem(
    model: type[BaseModel],
    values: Mapping[str, Any],
    credentials: Callable[[], Sequence[str]] = tuple,
) -> str | None:
    """`spec_problem`'s test of text holding `${env:` alone, for a kind whose every live
    object a plan reads (questions and rules: 20,000 of them) and whose model validation
    would cost the plan dearly: a plain substring test over `values`' strings, the paths
    (and `credentials()`, where export writes `${env:NAME}`) only for an object that
    holds one. Export leaves such an object out; the plan never deletes it."""
    if not texts_holding(values, ENV_MARKER):
        return None
    spec = {k: v for k, v in values.items() if k in model.model_fields and v is not None}
    return _env_problem(spec, credentials())


def _env_problem(spec: Mapping[str, Any], credentials: Sequence[str]) -> str | None:
    """The fields of `spec` whose text a manifest would read as `${env:NAME}`, outside
    the `credentials` paths, or None."""
    written = [parse_path(path) for path in credentials]
    references = [
        format_field_path(["spec", *path])
        for path in _env_markers(spec, [])
        if not any(path[: len(c)] == c for c in written)
    ]
    if not references:
        return None
    return "; ".join(f"{path}: {ENV_TEXT_PROBLEM}" for path in references)


def _env_markers(value: Any, path: list[PathPart]) -> list[list[PathPart]]:
    """The paths of the strings in `value` that hold a `${env:...}` reference."""
    if isinstance(value, str):
        return [path] if ENV_MARKER in value and ENV_REFERENCE.search(value) else []
    found: list[list[PathPart]] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            found += _env_markers(item, [*path, str(key)])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _env_markers(item, [*path, index])
    return found


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
