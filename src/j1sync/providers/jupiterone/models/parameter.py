"""Parameter: a value in the account's parameter store (`${ param.X }` in J1QL,
`{{param.X}}` in rule fields). metadata.name is the parameter's name.

A secret parameter is write-only: JupiterOne never returns its value. Its value must come
from `${env:NAME}` (a literal secret would sit in git); the loader passes the strings that
came from the environment as the validation context (`ENV_STRINGS_CONTEXT`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    Field,
    StrictBool,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from j1sync.manifest.model_base import (
    ENV_STRINGS_CONTEXT,
    MAX_NAME_LENGTH,
    StrictModel,
    check_object_name,
    rule_error,
)
from j1sync.providers.jupiterone.models.common import Metadata, check_parameter_name_rule
from j1sync.providers.jupiterone.values import PARAMETER_NAME

KIND = "Parameter"

# j1sync's own records in the parameter store (the apply lock, secret fingerprints) start
# with this: no manifest may declare one, and they are never planned, exported or counted.
RESERVED_PREFIX = "j1sync_"

_SCALAR_SCHEMAS = [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]


def _scalar(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, (str, int, bool))


def check_parameter_value(value: Any) -> Any:
    """parameters.md: a string, number, boolean, or a list of those (mixed types too)."""
    expected = "expected a string, number, boolean or a list of those"
    if isinstance(value, list):
        for index, item in enumerate(value):
            if not _scalar(item):
                raise rule_error("list items must be strings, numbers or booleans", (index,))
    elif value is None:
        raise rule_error(f"value is null; {expected}")
    elif not _scalar(value):
        raise rule_error(expected)
    return value


ParameterValue = Annotated[
    Any,
    AfterValidator(check_parameter_value),
    WithJsonSchema(
        {"anyOf": [*_SCALAR_SCHEMAS, {"type": "array", "items": {"anyOf": _SCALAR_SCHEMAS}}]}
    ),
]


def is_reserved_parameter(name: str) -> bool:
    return name.startswith(RESERVED_PREFIX)


def check_parameter_name(value: str) -> str:
    check_object_name(value)
    check_parameter_name_rule(value)
    if is_reserved_parameter(value):
        raise rule_error(f"names starting with '{RESERVED_PREFIX}' are j1sync's own records")
    return value


class ParameterMetadata(Metadata):
    name: Annotated[str, AfterValidator(check_parameter_name)] = Field(
        description="The parameter's name: letters, digits and underscores.",
        json_schema_extra={
            "pattern": PARAMETER_NAME.pattern,
            "maxLength": MAX_NAME_LENGTH,
            "not": {"pattern": f"^{RESERVED_PREFIX}"},
        },
    )


class ParameterSpec(StrictModel):
    """A string, number, boolean or list of those; `secret` values come from ${env:}."""

    value: ParameterValue = Field(
        description="A string, number, boolean or a list of those. Secret: `${env:NAME}`."
    )
    secret: StrictBool = Field(
        default=False,
        description="Write-only in JupiterOne; the value must be written as ${env:NAME}.",
    )

    @model_validator(mode="after")
    def _secret_comes_from_env(self, info: ValidationInfo) -> ParameterSpec:
        context: Any = info.context
        if not self.secret or not isinstance(context, Mapping):
            return self
        env_strings = context.get(ENV_STRINGS_CONTEXT)
        if env_strings is None:
            return self
        if not isinstance(self.value, str) or self.value not in env_strings:
            raise rule_error(
                "a secret parameter's value must be written as ${env:NAME} (a secret in git "
                "is no secret)",
                ("value",),
            )
        return self
