"""Building blocks shared by the manifest models of every kind.

Models are strict: unknown keys are errors (`extra="forbid"`) and values are not coerced
(`"3"` is not an hour, `"yes"` is not a boolean). Attribute names are the YAML's camelCase
names, which are also the JupiterOne API's names, so `model_dump(mode="json")` is API-shaped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from j1sync.jupiterone_values import DEFAULT_POLLING_INTERVAL as DEFAULT_POLLING_INTERVAL
from j1sync.jupiterone_values import PollingInterval as PollingInterval

# QueryResultsAre in the JupiterOne schema.
ResultsAre = Literal["GOOD", "BAD", "UNKNOWN", "INFORMATIVE"]

MAX_NAME_LENGTH = 255

# A rule condition names a query as "queries.<name>.<field>" (e.g. queries.query0.total).
QUERY_REFERENCE = re.compile(r"\bqueries\.([^.\s\]\[]+)")

FieldPath = tuple[str | int, ...]


def rule_error(message: str, subpath: FieldPath = ()) -> PydanticCustomError:
    """A validation error with our own wording (no "Value error, " prefix).

    `subpath` points below the validated value (e.g. ("queries", 1, "name")) so that the
    loader can name the exact field and its line; pydantic itself only knows the model."""
    return PydanticCustomError("j1sync_rule", "{message}", {"message": message, "subpath": subpath})


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def check_object_name(value: str) -> str:
    """metadata.name rules: JupiterOne names may hold spaces and capitals, nothing odd."""
    if not value:
        raise rule_error("must not be empty")
    if len(value) > MAX_NAME_LENGTH:
        raise rule_error(f"must be at most {MAX_NAME_LENGTH} characters (has {len(value)})")
    if value != value.strip():
        raise rule_error("must not start or end with whitespace")
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise rule_error("must not contain control characters")
    return value


def check_not_blank(value: str) -> str:
    if not value.strip():
        raise rule_error("must not be empty")
    return value


ObjectName = Annotated[str, AfterValidator(check_object_name)]
NonBlank = Annotated[str, AfterValidator(check_not_blank)]


class Metadata(StrictModel):
    name: ObjectName = Field(
        description="Identity within the kind: the object's name in JupiterOne."
    )


def check_unique_query_names(names: Sequence[str]) -> None:
    """Query names identify results (`queries.<name>.total`): two alike would be ambiguous."""
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            raise rule_error(f"duplicate query name '{name}'", (index, "name"))
        seen.add(name)


def referenced_query_names(condition: object) -> list[str]:
    """Every `<name>` of `queries.<name>...` in a nested list/dict condition, in order."""
    found: list[str] = []
    if isinstance(condition, str):
        found.extend(QUERY_REFERENCE.findall(condition))
    elif isinstance(condition, list):
        for item in condition:
            found.extend(referenced_query_names(item))
    elif isinstance(condition, dict):
        for item in condition.values():
            found.extend(referenced_query_names(item))
    return found
