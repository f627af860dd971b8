"""The JSON Schema of a system's manifest documents (`j1sync schema`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Union

from pydantic import BaseModel, Field, TypeAdapter

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


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
