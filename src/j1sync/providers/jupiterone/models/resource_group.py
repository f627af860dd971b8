"""ResourceGroup: a resource group and, per IAM group or user, what it may do with the
group's resources (JupiterOne's resource permissions, as its Terraform provider sets
them)."""

from __future__ import annotations

from pydantic import ConfigDict, Field, StrictBool, field_validator, model_validator

from j1sync.manifest.list_identity import ListIdentity
from j1sync.manifest.model_base import (
    NonBlank,
    ObjectName,
    StrictModel,
    given,
    rule_error,
)
from j1sync.providers.jupiterone.values import GROUP_SUBJECT, RESOURCE_GROUP_TYPE

# A user's subject type. `subjectType` is free text (String!); "group" is the one type any
# source shows, "user" the other a grant names (assumed: docs/api-fidelity.md).
USER_SUBJECT = "user"


class ResourcePermission(StrictModel):
    """What one IAM group or user may do in one resource area of this resource group."""

    # _one_subject, for editors
    model_config = ConfigDict(json_schema_extra={"oneOf": [given("group"), given("user")]})

    group: ObjectName | None = Field(default=None, description="The IAM group's name.")
    user: NonBlank | None = Field(
        default=None,
        description="The user's subject id, as JupiterOne holds it (what export writes).",
    )
    resourceArea: NonBlank = Field(description="The resource area, e.g. rule.")
    resourceType: NonBlank = Field(
        default=RESOURCE_GROUP_TYPE,
        description="The resource type; resource_group (the default) for the group's own "
        "resources.",
    )
    canCreate: StrictBool = False
    canRead: StrictBool = False
    canUpdate: StrictBool = False
    canDelete: StrictBool = False

    @model_validator(mode="after")
    def _one_subject(self) -> ResourcePermission:
        if self.group is not None and self.user is not None:
            raise rule_error("give either group or user, not both", ("user",))
        if self.group is None and self.user is None:
            raise rule_error("one of group (an IAM group's name) or user is required")
        return self

    def subject(self) -> tuple[str, str]:
        """(subjectType, who): the IAM group's name or the user's id."""
        if self.group is not None:
            return (GROUP_SUBJECT, self.group)
        return (USER_SUBJECT, str(self.user))

    def key(self) -> tuple[str, str, str, str]:
        return (*self.subject(), self.resourceArea, self.resourceType)


class ResourceGroupSpec(StrictModel):
    """metadata.name is the resource group's name. `permissions` is authoritative: a
    permission on the group that no entry lists is removed."""

    permissions: list[ResourcePermission] = Field(default_factory=list)

    @field_validator("permissions")
    @classmethod
    def _one_entry_per_subject_and_area(
        cls, permissions: list[ResourcePermission]
    ) -> list[ResourcePermission]:
        seen: set[tuple[str, str, str, str]] = set()
        for index, permission in enumerate(permissions):
            if permission.key() in seen:
                subject, who, area, kind = permission.key()
                raise rule_error(
                    f"duplicate permission for {subject} '{who}', area '{area}', type '{kind}'",
                    (index,),
                )
            seen.add(permission.key())
        return permissions


# A permission is told apart by its subject (an IAM group, a user, or, read from the
# account, a subject of another type), and the area and type it is for.
RESOURCE_GROUP_LISTS = (
    ListIdentity(
        "permissions",
        (("group", "user", "subjectId"), "subjectType", "resourceArea", "resourceType"),
    ),
)
