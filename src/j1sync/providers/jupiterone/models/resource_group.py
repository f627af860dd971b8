"""ResourceGroup: a resource group and, per IAM group, what it may do with the group's
resources (JupiterOne's resource permissions, as its Terraform provider sets them)."""

from __future__ import annotations

from pydantic import Field, StrictBool, field_validator

from j1sync.manifest.list_identity import ListIdentity
from j1sync.manifest.model_base import NonBlank, ObjectName, StrictModel, rule_error
from j1sync.providers.jupiterone.values import RESOURCE_GROUP_TYPE


class ResourcePermission(StrictModel):
    """What one IAM group may do in one resource area of this resource group."""

    group: ObjectName = Field(description="The IAM group's name.")
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

    def key(self) -> tuple[str, str, str]:
        return (self.group, self.resourceArea, self.resourceType)


class ResourceGroupSpec(StrictModel):
    """metadata.name is the resource group's name. `permissions` is authoritative: a
    permission on the group that no entry lists is removed."""

    permissions: list[ResourcePermission] = Field(default_factory=list)

    @field_validator("permissions")
    @classmethod
    def _one_entry_per_group_and_area(
        cls, permissions: list[ResourcePermission]
    ) -> list[ResourcePermission]:
        seen: set[tuple[str, str, str]] = set()
        for index, permission in enumerate(permissions):
            if permission.key() in seen:
                group, area, kind = permission.key()
                raise rule_error(
                    f"duplicate permission for group '{group}', area '{area}', type '{kind}'",
                    (index,),
                )
            seen.add(permission.key())
        return permissions


# A permission is told apart by the group, area and type it is for.
RESOURCE_GROUP_LISTS = (ListIdentity("permissions", ("group", "resourceArea", "resourceType")),)
