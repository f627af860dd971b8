"""What OpenCTI makes of an attribute's values in an update (`fieldPatch`), by the
attribute's type in its schema: opencti-graphql's schema/schema-validator.ts
(`validateAndFormatSchemaAttribute`, run by every update before anything is stored) and
database/middleware.ts (`prepareAttributesForUpdate`).

- More than one value for a single-valued attribute is refused.
- A text attribute refuses a value that is no string (`null` and "" aside) and stores each
  string trimmed (JavaScript's `trim`): an update never keeps outer whitespace, whereas an
  add stores its input as it is.
- A boolean attribute refuses a value that is neither a boolean nor a string, and stores
  `value === true || value === 'true'`: `"yes"` is false.
- A numeric attribute refuses a value `Number()` cannot read, and stores the number.
- A label's `value` is stored lowercased.
- Aliases are stored one per name OpenCTI's normalizeName folds them to, the object's
  own name left out.
- A value for a field the schema types `Int` that GraphQL cannot serve back (beyond 32 bits,
  or no integer) is refused (`servable`). OpenCTI's own check reads only `Number(value)`;
  its Elasticsearch mapping of such attributes is `integer`, which refuses a value beyond
  (a DATABASE_ERROR there; a **guess** which answer a client sees) and keeps 1.5 in the
  document, whose every later read then fails "Int cannot represent non-integer value". The
  emulator refuses both with GraphQL's own words, rather than store what breaks every list
  of the kind.
- An object attribute with string mappings (a group's `max_shareable_markings`: `{type,
  value}`) refuses a value that is not such an object (the wording a **guess** of its
  JSON schema check).

The errors' wording is OpenCTI's; their code and data (`VALIDATION_ERROR`, the field) are
a **guess** in the style of its other errors (docs/api-fidelity.md)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from graphql import GraphQLError, GraphQLInt, GraphQLNamedType

from j1sync.providers.opencti.keys import js_trim, normalize_name

BOOLEAN = frozenset(
    {
        "can_manage_sensitive_config",
        "default_assignation",
        "auto_new_marking",
        "no_creators",
        "restrict_delete",
        "is_hidden",
        "include_inferences",
        "score_to_confidence",
        "taxii_public",
        "stream_live",
        "stream_public",
        "platform_whitemark",
    }
)
NUMERIC = frozenset({"x_opencti_order", "order"})
# Objects and references: their own checks (or none) apply, not a scalar type's.
OTHER = frozenset({"group_confidence_level", "authorized_members"})
# Objects of string fields (an object attribute's mappings), each field required.
OBJECTS: dict[str, tuple[str, ...]] = {"max_shareable_markings": ("type", "value")}


def validation_error(message: str, key: str) -> GraphQLError:
    """OpenCTI's ValidationError of the attribute `key`."""
    return GraphQLError(
        message,
        extensions={
            "code": "VALIDATION_ERROR",
            "data": {"http_status": 400, "genre": "BUSINESS", "field": key},
        },
    )


def prepared(entity_type: str, key: str, values: Sequence[Any], multiple: bool) -> list[Any]:
    """The values OpenCTI stores for an update of `key` to `values`, or its refusal."""
    if not multiple and len(values) > 1:
        raise validation_error(f"Attribute {key} cannot be multiple", key)
    if key in OTHER:
        return list(values)
    if key in OBJECTS:
        fields = OBJECTS[key]
        if not all(_object_of(v, fields) for v in values):
            raise validation_error(f"Validation against schema failed on attribute [{key}]", key)
        return [{f: v[f] for f in fields} for v in values]
    if key in BOOLEAN:
        if any(v and not isinstance(v, (bool, str)) for v in values):
            raise validation_error(f"Attribute {key} must be a boolean/string", key)
        return [v is True or v == "true" for v in values]
    if key in NUMERIC:
        return [_number(v, key) for v in values]
    if any(v and not isinstance(v, str) for v in values):
        raise validation_error(f"Attribute {key} must be a string", key)
    texts = [js_trim(v) if isinstance(v, str) and v else v for v in values]
    if entity_type == "Label" and key == "value":
        return [v.lower() if isinstance(v, str) else v for v in texts]
    return texts


def servable(key: str, values: Sequence[Any], field_type: GraphQLNamedType | None) -> None:
    """Refuse the update of `key` to `values` if its field, typed `field_type` in the
    served schema, could not serve them back (an Int beyond 32 bits, or no integer)."""
    if field_type is not GraphQLInt:
        return
    for value in values:
        if value is not None:
            try:
                GraphQLInt.serialize(value)
            except GraphQLError as exc:
                raise validation_error(exc.message, key) from exc


def _object_of(value: Any, fields: Sequence[str]) -> bool:
    return isinstance(value, dict) and all(isinstance(value.get(f), str) for f in fields)


def _number(value: Any, key: str) -> Any:
    """JavaScript's `value ? Number(value) : value`, a value it cannot read refused."""
    if not value:
        return None if value == "" else value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and "_" not in value:  # Number("1_0") is NaN
        try:
            number = float(js_trim(value) or "0")
        except ValueError:
            number = math.nan
        if not math.isnan(number) and not math.isinf(number):
            return int(number) if number.is_integer() else number
    raise validation_error(f"Attribute {key} must be a numeric/string", key)


def distinct_aliases(aliases: Sequence[Any], name: Any) -> list[Any]:
    """`uniqBy(normalizeName)` of the aliases but the object's own name's."""
    seen = {normalize_name(name)} if isinstance(name, str) else set()
    kept: list[Any] = []
    for alias in aliases:
        folded = normalize_name(alias) if isinstance(alias, str) else alias
        if folded not in seen:
            seen.add(folded)
            kept.append(alias)
    return kept
