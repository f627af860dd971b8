"""Building blocks of every system's manifest models.

Models are strict: unknown keys are errors (`extra="forbid"`) and values are not coerced
(`"3"` is not an hour, `"yes"` is not a boolean). A system's models live in its provider
package (`providers/<system>/models`) and build on these.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, PydanticUndefined

from j1sync.errors import ConfigError

MAX_NAME_LENGTH = 255
# Unicode's control characters (category Cc) are exactly these 65: one search per name, not
# a category lookup per character.
_CONTROLS = r"\x00-\x1f\x7f-\x9f"
_CONTROL_CHARACTER = re.compile(f"[{_CONTROLS}]")
# What str.strip() removes (str.isspace), as a regex class both Python and an editor's
# JavaScript read alike (their `\s` differ): the schema's patterns for the rules below.
WHITESPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACES = r"\x20\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"  # the rest are controls

# Validation context key: the strings of the document that came from `${env:…}` (the
# loader passes them; a model may require a value to be one, e.g. a secret).
ENV_STRINGS_CONTEXT = "env_strings"

FieldPath = tuple[str | int, ...]


def rule_error(message: str, subpath: FieldPath = ()) -> PydanticCustomError:
    """A validation error with our own wording (no "Value error, " prefix).

    `subpath` points below the validated value (e.g. ("queries", 1, "name")) so that the
    loader can name the exact field and its line; pydantic itself only knows the model."""
    return PydanticCustomError("j1sync_rule", "{message}", {"message": message, "subpath": subpath})


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def check_object_name(value: str) -> str:
    """metadata.name rules: names may hold spaces and capitals, nothing odd."""
    if not value:
        raise rule_error("must not be empty")
    if len(value) > MAX_NAME_LENGTH:
        raise rule_error(f"must be at most {MAX_NAME_LENGTH} characters (has {len(value)})")
    if value != value.strip():
        raise rule_error("must not start or end with whitespace")
    if _CONTROL_CHARACTER.search(value):
        raise rule_error("must not contain control characters")
    return value


def checked_by(check: Callable[[str], None]) -> AfterValidator:
    """A validator that runs `check` (a client's own check of a setting, raising
    ConfigError) on a string: j1sync.yaml's connection keys are refused at their line by
    `validate`, as the command that connects would refuse them."""

    def validate(value: str) -> str:
        try:
            check(value)
        except ConfigError as exc:
            raise rule_error(str(exc)) from exc
        return value

    return AfterValidator(validate)


def check_not_blank(value: str) -> str:
    if not value.strip():
        raise rule_error("must not be empty")
    return value


class SchemaRules:
    """What the validator beside it checks, said to editors: JSON Schema keywords added
    to the type's schema (`j1sync schema`); validation is unchanged. (Not a Field() in
    the Annotated: pydantic 2.10 lets a field's default leak into a shared one.)"""

    def __init__(self, **rules: Any) -> None:
        self.rules = rules

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        handler.resolve_ref_schema(schema).update(self.rules)
        return schema


# What check_object_name and check_not_blank check, said to editors.
OBJECT_NAME_SCHEMA = {
    "minLength": 1,
    "maxLength": MAX_NAME_LENGTH,
    "pattern": f"^[^{_CONTROLS}{_SPACES}]([^{_CONTROLS}]*[^{_CONTROLS}{_SPACES}])?$",
}
NON_BLANK_SCHEMA = {"pattern": f"[^{WHITESPACE}]"}

ObjectName = Annotated[str, AfterValidator(check_object_name), SchemaRules(**OBJECT_NAME_SCHEMA)]
NonBlank = Annotated[str, AfterValidator(check_not_blank), SchemaRules(**NON_BLANK_SCHEMA)]

# GraphQL's Int is a signed 32-bit integer (the spec's bounds, graphql-core's, the ones the
# servers' own GraphQL libraries check): a value beyond is refused in a typed input and
# cannot be served back from a field typed Int (a stored one breaks every list of its kind).
GRAPHQL_INT_MIN = -(2**31)
GRAPHQL_INT_MAX = 2**31 - 1
# A manifest field whose value reaches an API field typed Int. A narrower bound nests it:
# `Annotated[GraphQLInt, Field(ge=1)]` (a bound given in the field's own Field(...) beside
# a default is dropped by pydantic 2.10, the Annotated's bound kept).
GraphQLInt = Annotated[int, Field(ge=GRAPHQL_INT_MIN, le=GRAPHQL_INT_MAX)]


def given(key: str) -> dict[str, Any]:
    """JSON Schema: `key` is written, and not null (a null is "not set" in a manifest)."""
    return {"required": [key], "properties": {key: {"not": {"type": "null"}}}}


def model_defaults(model: type[BaseModel]) -> dict[str, Any]:
    """Field name -> default, for the fields that have one (required fields are absent):
    what a manifest gets when it leaves a field out (export leaves such values out; a
    live side that may omit them is filled alike). A default factory's value is made
    anew for each call, as pydantic makes it."""
    return {
        name: factory() if factory is not None else default
        for name, default, factory in _default_sources(model)
    }


# a field's name, its default, or the factory that makes it
_DefaultSource = tuple[str, Any, Callable[[], Any] | None]


@functools.cache
def _default_sources(
    model: type[BaseModel],
) -> tuple[tuple[str, Any, Callable[[], Any] | None], ...]:
    """Each field with a default: its default, or the factory that makes it (pydantic's
    own `get_default` inspects the factory's signature on every call: ~25 us a field)."""
    sources: list[_DefaultSource] = []
    for name, info in model.model_fields.items():
        factory = info.default_factory
        if factory is not None and not info.default_factory_takes_validated_data:
            sources.append((name, None, factory))  # type: ignore[arg-type]
            continue
        default = info.get_default(call_default_factory=True)
        if default is not PydanticUndefined:
            sources.append((name, default, None))
    return tuple(sources)
