"""OpenCTI access manifests: Role and Group specs (docs/opencti.md "Roles and groups").

Field names are the API's own (snake_case, `Role` and `Group` in schema-6.9.17.graphql),
so a spec reads like the object it becomes. Where the API holds another object, the
manifest names it by that object's natural key (metadata.name of its manifest): a role's
capabilities by capability name (`KNOWLEDGE_KNUPDATE`), a group's roles by role name, its
markings by MarkingDefinition name (`TLP:GREEN`). Lists are sets: order means nothing.

A field left out is at its default (what a new object gets): an adopted object's value
there is replaced, as everywhere else in j1sync (docs/architecture.md §4). But what a
role or group grants, like an IAM group's members, is managed only when written (a list
the manifest writes is authoritative, docs/architecture.md §3): a role's capabilities, a
group's roles and markings left out stay as they are, so that declaring a built-in
(the Administrators group, the Administrator role) to change its description cannot
take away what its members may do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from j1sync.manifest.model_base import NonBlank, SchemaRules, StrictModel, rule_error

MAX_CONFIDENCE = 100
GLOBAL_MARKING_TYPE = "GLOBAL"  # default markings for every entity type (OpenCTI's key)


def _unique_by(key: Callable[[Any], str], what: str) -> Callable[[list[Any]], list[Any]]:
    """A list whose elements must differ in `key` (an entity type given twice is a
    manifest mistake, not a set to merge)."""

    def check(items: list[Any]) -> list[Any]:
        seen: set[str] = set()
        for index, item in enumerate(items):
            value = key(item)
            if value in seen:
                raise rule_error(f"{what} '{value}' is given twice", (index,))
            seen.add(value)
        return items

    return check


def _no_duplicates(items: Sequence[str]) -> list[str]:
    return list(_unique_by(str, "value")(list(items)))


NameSet = Annotated[
    list[NonBlank],
    AfterValidator(_no_duplicates),
    SchemaRules(uniqueItems=True),
]
Confidence = Annotated[int, Field(ge=0, le=MAX_CONFIDENCE)]


class RoleSpec(StrictModel):
    """An OpenCTI role (Role): the capabilities it grants to its groups' members."""

    description: str = ""
    capabilities: NameSet | None = Field(
        default=None,
        description="Capability names, e.g. KNOWLEDGE_KNUPDATE; left out: not managed.",
    )
    can_manage_sensitive_config: bool = False


class ConfidenceOverride(StrictModel):
    entity_type: NonBlank
    max_confidence: Confidence


class ConfidenceLevel(StrictModel):
    """The group's maximum confidence, and per entity type exceptions."""

    max_confidence: Confidence
    overrides: Annotated[
        list[ConfidenceOverride],
        AfterValidator(_unique_by(lambda o: o.entity_type, "entity_type")),
    ] = Field(default_factory=list)


class DefaultMarking(StrictModel):
    """The markings put on what the group's members create: for one entity type, or for
    every type (`GLOBAL`)."""

    entity_type: NonBlank = GLOBAL_MARKING_TYPE
    values: NameSet = Field(description="MarkingDefinition names.")


class GroupSpec(StrictModel):
    """An OpenCTI group (Group): its roles, the markings its members may see and share,
    their default markings and confidence."""

    description: str = ""
    group_confidence_level: ConfidenceLevel
    roles: NameSet | None = Field(default=None, description="Role names; left out: not managed.")
    allowed_marking: NameSet | None = Field(
        default=None,
        description="MarkingDefinition names the members may access; left out: not managed.",
    )
    max_shareable_marking: NameSet | None = Field(
        default=None,
        description="MarkingDefinition names, the highest the members may share (export); "
        "left out: not managed.",
    )
    not_shareable_marking_types: NameSet = Field(default_factory=list)
    default_marking: (
        Annotated[
            list[DefaultMarking],
            AfterValidator(_unique_by(lambda d: d.entity_type, "entity_type")),
        ]
        | None
    ) = Field(default=None, description="Left out: not managed.")
    default_hidden_types: NameSet = Field(default_factory=list)
    default_assignation: bool = Field(
        default=False, description="New users join this group (auto-join)."
    )
    auto_new_marking: bool = False
    no_creators: bool = False
    restrict_delete: bool = False


SPEC_MODELS: dict[str, type[StrictModel]] = {"Role": RoleSpec, "Group": GroupSpec}
