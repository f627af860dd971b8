"""Building blocks shared by JupiterOne's manifest models (the generic ones, StrictModel
and the name rules, are j1sync.manifest.model_base).

Attribute names are the YAML's camelCase names, which are also the JupiterOne API's names,
so `model_dump(mode="json")` is API-shaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import Field

from j1sync.manifest.model_base import ObjectName, StrictModel, rule_error
from j1sync.providers.jupiterone.values import DEFAULT_POLLING_INTERVAL as DEFAULT_POLLING_INTERVAL
from j1sync.providers.jupiterone.values import PARAMETER_NAME
from j1sync.providers.jupiterone.values import PollingInterval as PollingInterval
from j1sync.providers.jupiterone.values import ResultsAre as ResultsAre

# A rule condition names a query as "queries.<name>.<field>" (e.g. queries.query0.total).
QUERY_REFERENCE = re.compile(r"\bqueries\.([^.\s\]\[]+)")


class Metadata(StrictModel):
    name: ObjectName = Field(
        description="Identity within the kind: the object's name in JupiterOne."
    )


def check_parameter_name_rule(value: str, why: str = "") -> str:
    """A name `${ param.<name> }` can read: a stored parameter's, a board parameter's."""
    if not PARAMETER_NAME.fullmatch(value):
        raise rule_error(
            f"'{value}' is not a parameter name: use letters, digits and underscores only{why}"
        )
    return value


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
