"""The JSON Schema of a system's manifest documents (`j1sync schema`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any, Union

from pydantic import BaseModel, Field, TypeAdapter

from j1sync.env_reference import VALID_ENV_REFERENCE

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# A string holding `${env:NAME}`: the loader resolves it before the models check the value.
ENV_REFERENCE_SCHEMA = {"type": "string", "pattern": VALID_ENV_REFERENCE.pattern}
_REFERENCE = "${env:NAME}"
# What describes a value rather than checks it: stays where it is when accept_env_references
# moves a value's checks into a branch.
_ANNOTATIONS = ("title", "description", "default", "examples", "deprecated")


def documents_json_schema(
    title: str, models: Sequence[type[BaseModel]], kind: str | None = None
) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a system's document models (`j1sync schema
    --system`), for editors via yaml-language-server: of every kind (oneOf,
    discriminated by `kind`), or of the one model whose kind is `kind`."""
    if kind is None and len(models) > 1:
        union: Any = Union[tuple(models)]  # noqa: UP007
        schema = TypeAdapter(Annotated[union, Field(discriminator="kind")]).json_schema()
        name = f"{title} manifest"
    elif kind is None:
        schema = models[0].model_json_schema()
        name = f"{title} manifest"
    else:
        (model,) = [m for m in models if _kind_of(m) == kind]
        schema = model.model_json_schema()
        name = f"{title} {kind} manifest"
    drop_property_titles(schema)
    require_non_empty_spec(schema)
    accept_env_references(schema)
    return {"$schema": JSON_SCHEMA_DIALECT, **schema, "title": name}


def _kind_of(model: type[BaseModel]) -> Any:
    annotation = model.model_fields["kind"].annotation
    return getattr(annotation, "__args__", (None,))[0]


def drop_property_titles(schema: Any) -> None:
    """Pydantic titles each property after its name ("Pollinginterval"): noise in an
    editor's hover, where the key itself is already shown. Also the same schema from every
    pydantic version the project allows: a free-form mapping (`dict[str, Any]`) is
    `additionalProperties: true` in newer pydantic and plain `type: object` in 2.10; the
    two mean the same (JSON Schema allows any property unless told otherwise), so the
    redundant `true` goes."""
    if isinstance(schema, dict):
        for property_schema in (schema.get("properties") or {}).values():
            if isinstance(property_schema, dict):
                property_schema.pop("title", None)
        if schema.get("additionalProperties") is True and "properties" not in schema:
            del schema["additionalProperties"]
        for value in schema.values():
            drop_property_titles(value)
    elif isinstance(schema, list):
        for item in schema:
            drop_property_titles(item)


def require_non_empty_spec(schema: dict[str, Any]) -> None:
    """The loader refuses a document whose `spec` is empty (`spec: {}`, "spec is empty")
    where its kind's spec may not be left out: such a document schema's spec takes at
    least one key."""
    for document in [schema, *(schema.get("$defs") or {}).values()]:
        properties = document.get("properties") or {}
        required = document.get("required") or []
        if {"apiVersion", "kind", "spec"} <= set(properties) and "spec" in required:
            properties["spec"]["minProperties"] = 1


def accept_env_references(schema: Any) -> None:
    """Any string of a document may be `${env:NAME}` (docs/manifests.md), and the loader
    checks the value it resolves to. An editor sees the reference: each string whose
    checks (listed values, a pattern) would refuse one also takes a string that holds one
    (`anyOf`), or the editor would mark red a document `validate` accepts. Not a
    document's apiVersion and kind: the loader reads those as written."""
    if isinstance(schema, list):
        for item in schema:
            accept_env_references(item)
        return
    if not isinstance(schema, dict):
        return
    if _refuses_a_reference(schema):
        checks = {k: schema.pop(k) for k in list(schema) if k not in _ANNOTATIONS}
        schema["anyOf"] = [checks, ENV_REFERENCE_SCHEMA]
        return
    for key, value in schema.items():
        if key in ("if", "not", "propertyNames"):
            # a condition, or a check turned round: a reference must not change it; and a
            # mapping's keys, which the loader takes as written (never resolves one)
            continue
        if key == "properties" and isinstance(value, dict):
            envelope = {"apiVersion", "kind", "spec"} <= set(value)
            for name, property_schema in value.items():
                if not (envelope and name in ("apiVersion", "kind")):
                    accept_env_references(property_schema)
        else:
            accept_env_references(value)


def _refuses_a_reference(schema: dict[str, Any]) -> bool:
    """Whether a string schema refuses `${env:NAME}`: it lists the strings it takes, or a
    pattern of its own (or of its allOf) does not match one. (A boolean's `const: true`
    is no string's.)"""
    listed = schema.get("enum", [schema["const"]] if "const" in schema else None)
    if listed is not None:
        return all(isinstance(value, str) for value in listed)
    patterns = [schema.get("pattern"), *(s.get("pattern") for s in schema.get("allOf", []))]
    return any(p is not None and not re.search(p, _REFERENCE) for p in patterns)
