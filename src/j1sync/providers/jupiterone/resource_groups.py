"""ResourceGroup: resource groups and the resource permissions on them (iam area).
Natural key: the group name. A permission's subject is an IAM group (named in manifests,
ids on the wire) or a user (its subject id, the same in both). `permissions` is
authoritative, so every permission on the group is read, whatever its subject: one of
another subject type, which no manifest can list, still shows (and goes) as one no entry
lists, and export leaves its group out, saying why.

The operations are JupiterOne's Terraform provider's (docs/api-fidelity.md): the groups
are one unpaginated list; a group's permissions are read with `getResourcePermissions`
filtered by the group's id. That query returns a bare list (no cursor to go on with), so
j1sync asks for PERMISSION_LIMIT and refuses to plan from a full answer rather than miss a
permission.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from j1sync.engine.contract import DesiredObject, LiveObject, PrunePolicy, Resolver, address_of
from j1sync.errors import ApiError, ResolutionError
from j1sync.manifest.document import Manifest, ProjectConfig
from j1sync.manifest.names import env_text_problem
from j1sync.manifest.yaml_source import field_problem
from j1sync.providers.jupiterone.client import PAGE_LIMIT, JupiterOneClient
from j1sync.providers.jupiterone.iam_groups import KIND as GROUP_KIND
from j1sync.providers.jupiterone.iam_groups import LIST_GROUPS
from j1sync.providers.jupiterone.models.resource_group import USER_SUBJECT, ResourceGroupSpec
from j1sync.providers.jupiterone.values import GROUP_SUBJECT, RESOURCE_GROUP_TYPE
from j1sync.providers.jupiterone.values import PERMISSION_FLAGS as FLAGS
from j1sync.providers.registry import closest

KIND = "ResourceGroup"
PERMISSION_LIMIT = 1000

LIST_RESOURCE_GROUPS = """
query J1SyncResourceGroups {
  resourceGroups { id name }
}
"""
GROUP_PERMISSIONS = """
query J1SyncResourcePermissions($filter: GetResourcePermissionsFilter!, $limit: Int) {
  getResourcePermissions(filter: $filter, limit: $limit) {
    subjectType subjectId resourceArea resourceType resourceId
    canCreate canRead canUpdate canDelete
  }
}
"""
CREATE = """
mutation J1SyncCreateResourceGroup($input: CreateIamResourceGroupInput!) {
  createResourceGroup(input: $input) { id name }
}
"""
DELETE = """
mutation J1SyncDeleteResourceGroup($input: DeleteIamResourceGroupInput!) {
  deleteResourceGroup(input: $input) { success }
}
"""
SET_PERMISSION = """
mutation J1SyncSetResourcePermission($input: SetResourcePermissionInput!) {
  setResourcePermission(input: $input) { subjectId resourceArea resourceType resourceId }
}
"""
DELETE_PERMISSION = """
mutation J1SyncDeleteResourcePermission($input: DeleteResourcePermissionInput!) {
  deleteResourcePermission(input: $input) { success }
}
"""


def subject_of(permission: Mapping[str, Any]) -> tuple[str, str]:
    """(subjectType, who) of a normalized permission: an IAM group's name, a user's id, or
    the id of a subject of another type (read only: no manifest can list one)."""
    if permission.get("group") is not None:
        return (GROUP_SUBJECT, str(permission["group"]))
    if permission.get("user") is not None:
        return (USER_SUBJECT, str(permission["user"]))
    return (str(permission["subjectType"]), str(permission["subjectId"]))


def permission_key(permission: Mapping[str, Any]) -> tuple[str, ...]:
    """What tells permissions apart: the subject, the area and the type."""
    return (*subject_of(permission), permission["resourceArea"], permission["resourceType"])


def normalize_permission(data: Mapping[str, Any]) -> dict[str, Any]:
    """A manifest's entry, or a live one already named (`group`, `user`, or `subjectType`
    with `subjectId` for another type)."""
    subject_type, who = subject_of(data)
    if subject_type == GROUP_SUBJECT:
        subject: dict[str, str] = {"group": who}
    elif subject_type == USER_SUBJECT:
        subject = {"user": who}
    else:
        subject = {"subjectType": subject_type, "subjectId": who}
    return {
        **subject,
        "resourceArea": str(data["resourceArea"]),
        "resourceType": str(data.get("resourceType") or RESOURCE_GROUP_TYPE),
        **{flag: bool(data.get(flag)) for flag in FLAGS},
    }


def normalize_resource_group(permissions: Any) -> dict[str, Any]:
    """The comparable shape: permissions sorted by (subject type, subject, area, type):
    groups, then users, then any other subject type."""
    items = [normalize_permission(p) for p in permissions or []]
    order = {GROUP_SUBJECT: 0, USER_SUBJECT: 1}
    return {
        "permissions": sorted(
            items, key=lambda p: (order.get(subject_of(p)[0], 2), *permission_key(p))
        )
    }


def unlistable_problem(state: Mapping[str, Any]) -> str | None:
    """The first permission of a live group whose subject is neither an IAM group nor a
    user: no manifest can list it, so export leaves the group out (a plan shows the
    permission as one no entry lists)."""
    for index, permission in enumerate(state["permissions"]):
        subject_type, who = subject_of(permission)
        if subject_type not in (GROUP_SUBJECT, USER_SUBJECT):
            return (
                f"spec.permissions[{index}]: a permission for subject type '{subject_type}' "
                f"('{who}'), which a manifest cannot list (only a group or a user)"
            )
    return None


class ResourceGroups:
    kind = KIND
    prune: PrunePolicy = "opt-in"
    # a permission names its IAM group (subjectId): with the group deleted, the permission
    # would name nothing (engine HoldsKinds)
    holds_kinds = (GROUP_KIND,)

    def __init__(self, client: JupiterOneClient) -> None:
        self._client = client

    def desired(self, manifest: Manifest, project: ProjectConfig) -> DesiredObject:
        state = normalize_resource_group(manifest.spec_data().get("permissions"))
        groups = sorted({p["group"] for p in state["permissions"] if "group" in p})
        depends_on = tuple(address_of(GROUP_KIND, g) for g in groups)
        return DesiredObject(KIND, manifest.name, state, depends_on, manifest.source)

    def reference_problems(
        self, desired: Sequence[DesiredObject], known: Collection[str]
    ) -> list[str]:
        """Each IAM group a permission names is declared in the run or in the account
        (engine ChecksReferences): else apply would create the group, then fail on its
        permission."""
        prefix = address_of(GROUP_KIND, "")
        groups = sorted(a.removeprefix(prefix) for a in known if a.startswith(prefix))
        problems = []
        for obj in desired:
            written = (obj.declared or obj.state).get("permissions") or []
            for index, permission in enumerate(written):
                if permission.get("group") is None:
                    continue  # a user's: named by its id, checked by JupiterOne
                name = str(permission["group"])
                if address_of(GROUP_KIND, name) in known:
                    continue
                near = closest(name, groups)
                message = f"no IAM group named '{name}' is declared or in the account" + (
                    f"; did you mean '{near}'?" if near else ""
                )
                path: list[str | int] = ["spec", "permissions", index, "group"]
                problems.append(field_problem(obj.source, obj.address, path, message))
        return problems

    def names(self) -> dict[str, str]:
        """Resource group id -> name (what a rule's resourceGroupId means)."""
        return {g["id"]: g["name"] for g in self._list()}

    def _list(self) -> list[dict[str, Any]]:
        data = self._client.execute("iam", LIST_RESOURCE_GROUPS, {})
        return [g for g in data.get("resourceGroups") or [] if g]

    def _iam_groups(self) -> list[dict[str, Any]]:
        return self._client.collect(
            "iam", LIST_GROUPS, {"limit": PAGE_LIMIT}, ("iamGroups",), "items"
        )

    def read_all(self) -> list[LiveObject]:
        groups = self._list()
        if not groups:
            return []
        subject_names = {g["id"]: g["name"] for g in self._iam_groups()}
        return [self._live(group, subject_names) for group in groups]

    def find(self, name: str) -> list[LiveObject]:
        return [obj for obj in self.read_all() if obj.name == name]

    def _permissions(self, group_id: str) -> list[dict[str, Any]]:
        variables = {"filter": {"resourceId": group_id}, "limit": PERMISSION_LIMIT}
        found = self._client.execute("iam", GROUP_PERMISSIONS, variables)
        permissions = [p for p in found.get("getResourcePermissions") or [] if p]
        if len(permissions) >= PERMISSION_LIMIT:
            raise ApiError(
                f"{KIND}: resource group {group_id} has {PERMISSION_LIMIT} or more permissions; "
                "getResourcePermissions cannot be paged, so j1sync cannot read them all"
            )
        return permissions

    def _live(self, group: dict[str, Any], subject_names: dict[str, str]) -> LiveObject:
        raw = self._permissions(group["id"])
        permissions = [
            _named_subject(p, subject_names) for p in raw if p.get("resourceId") == group["id"]
        ]
        state = normalize_resource_group(permissions)
        groups = {p["group"] for p in state["permissions"] if "group" in p}
        return LiveObject(
            kind=KIND,
            name=str(group["name"]),
            id=group["id"],
            state=state,
            references=tuple(sorted(address_of(GROUP_KIND, g) for g in groups)),
            raw={**group, "permissions": raw},
            # a permission naming an IAM group whose name holds `${env:...}`, or a subject
            # of a type no manifest can list: export leaves the resource group out, the
            # plan never deletes it
            undeclarable=env_text_problem(ResourceGroupSpec, state) or unlistable_problem(state),
        )

    def create(self, desired: DesiredObject, resolver: Resolver) -> str:
        data = self._client.execute("iam", CREATE, {"input": {"name": desired.name}})
        group_id = str(data["createResourceGroup"]["id"])
        self._set_all(group_id, desired.state["permissions"], [], resolver)
        return group_id

    def update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        assert live.id is not None
        self._set_all(live.id, desired.state["permissions"], live.state["permissions"], resolver)

    def delete(self, live: LiveObject) -> None:
        self._client.execute("iam", DELETE, {"input": {"id": live.id}})

    def _set_all(
        self,
        group_id: str,
        wanted: list[dict[str, Any]],
        current: list[dict[str, Any]],
        resolver: Resolver,
    ) -> None:
        """Set each permission that is new or changed, then delete those no longer listed."""
        have = {permission_key(p): p for p in current}
        want = {permission_key(p): p for p in wanted}
        ids = _SubjectIds(self, resolver)
        for key, permission in want.items():
            if have.get(key) != permission:
                fields = self._target(group_id, permission, ids)
                fields.update({flag: permission[flag] for flag in FLAGS})
                self._client.execute("iam", SET_PERMISSION, {"input": fields})
        for key, permission in have.items():
            if key not in want:
                fields = self._target(group_id, permission, ids)
                self._client.execute("iam", DELETE_PERMISSION, {"input": fields})

    @staticmethod
    def _target(group_id: str, permission: dict[str, Any], ids: _SubjectIds) -> dict[str, Any]:
        subject_type, who = subject_of(permission)
        return {
            "subjectType": subject_type,
            "subjectId": ids.of(who) if subject_type == GROUP_SUBJECT else who,
            "resourceArea": permission["resourceArea"],
            "resourceType": permission["resourceType"],
            "resourceId": group_id,
        }


def _named_subject(permission: Mapping[str, Any], group_names: Mapping[str, str]) -> dict[str, Any]:
    """A permission as read, its subject as a manifest names it: an IAM group by its name
    (its id when no group has it), a user by its id; another type as read."""
    subject_type, subject_id = permission.get("subjectType"), permission.get("subjectId")
    if subject_type == GROUP_SUBJECT:
        return {**permission, "group": group_names.get(str(subject_id), subject_id)}
    if subject_type == USER_SUBJECT:
        return {**permission, "user": subject_id}
    return dict(permission)


class _SubjectIds:
    """IAM group name -> id at apply time: groups created in this run or read for the plan
    first; the account's group list (read once) for groups no manifest declares."""

    def __init__(self, kind: ResourceGroups, resolver: Resolver) -> None:
        self._kind = kind
        self._resolver = resolver
        self._listed: dict[str, list[str]] | None = None

    def of(self, name: str) -> str:
        try:
            return self._resolver.id_of(address_of(GROUP_KIND, name))
        except ResolutionError:
            pass
        if self._listed is None:
            self._listed = {}
            for group in self._kind._iam_groups():
                self._listed.setdefault(group["name"], []).append(group["id"])
        found = self._listed.get(name, [])
        if len(found) != 1:
            problem = "no IAM group" if not found else f"{len(found)} IAM groups"
            raise ResolutionError(f"{KIND}: {problem} named '{name}' in the account")
        return found[0]
