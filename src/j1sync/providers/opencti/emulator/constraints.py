"""OpenCTI's input constraints: its schema's `@constraint` directives (graphql-constraint-
directive), which the printed schema keeps as a field's description, e.g.
"*Constraints:*\\n* Minimal length: `2`\\n* Must match format: `not-blank`\\n" on
`RoleAddInput.name`. OpenCTI refuses a mutation whose input breaks one before any resolver
runs; the emulator does too (`problem`, called for each mutation). The error's wording and
code (`BAD_USER_INPUT`) are a **guess** in the library's style (docs/api-fidelity.md)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from graphql import (
    GraphQLArgumentMap,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
)

from j1sync.providers.opencti.keys import js_trim

CONSTRAINTS = "*Constraints:*"
_RULE = re.compile(r"^\* (.+?): `(.*)`$", re.MULTILINE)


def problem(arguments: GraphQLArgumentMap, values: Mapping[str, Any]) -> GraphQLError | None:
    """The first constraint the arguments `values` break, as OpenCTI's error, or None."""
    for name, argument in arguments.items():
        if name in values:
            found = _walk(argument.type, values[name], name)
            if found is not None:
                return found
    return None


def _walk(kind: GraphQLInputType, value: Any, path: str) -> GraphQLError | None:
    while isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    if isinstance(kind, GraphQLList) and isinstance(value, list):
        for index, item in enumerate(value):
            found = _walk(kind.of_type, item, f"{path}.{index}")
            if found is not None:
                return found
    if isinstance(kind, GraphQLInputObjectType) and isinstance(value, Mapping):
        for name, field in kind.fields.items():
            if name not in value:
                continue
            where = f"{path}.{name}"
            broken = _broken(field.description, value[name])
            if broken is not None:
                shown = json.dumps(value[name], ensure_ascii=False)
                return GraphQLError(
                    f'Variable "${path.split(".")[0]}" got invalid value {shown} at "{where}"; '
                    f"{broken}",
                    extensions={"code": "BAD_USER_INPUT", "field": where},
                )
            found = _walk(field.type, value[name], where)
            if found is not None:
                return found
    return None


def _broken(description: str | None, value: Any) -> str | None:
    """What `value` breaks of the constraints `description` lists, or None."""
    if not description or not description.startswith(CONSTRAINTS) or not isinstance(value, str):
        return None
    for rule, bound in _RULE.findall(description):
        if rule == "Minimal length" and len(value) < int(bound):
            return f"Must be at least {bound} characters in length"
        if rule == "Maximal length" and len(value) > int(bound):
            return f"Must be no more than {bound} characters in length"
        if rule == "Must match format" and bound == "not-blank" and not js_trim(value):
            return 'Must match format "not-blank"'
    return None
