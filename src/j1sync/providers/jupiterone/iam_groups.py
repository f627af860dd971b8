"""IamGroup: IAM groups (iam area) with ABAC permissions, query policy and members.
Natural key: the group name. `Users` and `Administrators` are built in.

Membership is managed only when the manifest lists `members`: the desired state then has a
`members` key; otherwise it has none, and `comparable_live_state()` drops `members` from
the live state before the two are compared (see `project_live`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from j1sync.engine.contract import DesiredObject, LiveObject, PrunePolicy, Resolver
from j1sync.manifest.document import Manifest, ProjectConfig
from j1sync.providers.jupiterone.client import JupiterOneClient
from j1sync.providers.jupiterone.normalize import sorted_maps, sorted_set, text

KIND = "IamGroup"
BUILTIN_GROUPS = frozenset({"Users", "Administrators"})
PAGE_LIMIT = 100
READ_CONCURRENCY = 8
# Per-group details are read for this many groups per request (aliased root fields, plain
# GraphQL): 1,000 groups take 100 requests instead of 3,000.
GROUPS_PER_REQUEST = 10

LIST_GROUPS = """
query J1SyncListIamGroups($limit: Int!, $cursor: String) {
  iamGroups(limit: $limit, cursor: $cursor) {
    items { id name description }
    pageInfo { endCursor hasNextPage }
  }
}
"""
GROUP_USERS = """
query J1SyncIamGroupUsers($groupId: String!, $limit: Int!, $cursor: String) {
  iamGroupUsers(groupId: $groupId, limit: $limit, cursor: $cursor) {
    items { id email }
    pageInfo { endCursor hasNextPage }
  }
}
"""
GROUP_QUERY_POLICY = """
query J1SyncIamGroupQueryPolicy($groupId: String!) {
  iamGroupQueryPolicy(groupId: $groupId) { id queryPolicy }
}
"""
GROUP_PERMISSIONS = """
query J1SyncIamGroupPermissions($group: String!) {
  iamGetGroup(group: $group) { groupId groupAbacPermission { statement } }
}
"""


@functools.lru_cache(maxsize=GROUPS_PER_REQUEST)
def group_details_document(count: int) -> str:
    """One query for `count` groups ($g0..): users{i}, policy{i} and permissions{i}."""
    parameters = ", ".join(f"$g{i}: String!" for i in range(count))
    fields = "\n".join(
        f"  users{i}: iamGroupUsers(groupId: $g{i}, limit: $limit) "
        "{ items { id email } pageInfo { endCursor hasNextPage } }\n"
        f"  policy{i}: iamGroupQueryPolicy(groupId: $g{i}) {{ id queryPolicy }}\n"
        f"  permissions{i}: iamGetGroup(group: $g{i}) "
        "{ groupId groupAbacPermission { statement } }"
        for i in range(count)
    )
    return f"query J1SyncIamGroupDetails($limit: Int!, {parameters}) {{\n{fields}\n}}"


CREATE_GROUP = """
mutation J1SyncCreateIamGroup(
  $name: String!, $description: String, $abacPermissions: [String!], $queryPolicy: [JSON!]
) {
  createIamGroup(
    name: $name, description: $description,
    abacPermissions: $abacPermissions, queryPolicy: $queryPolicy
  ) { id }
}
"""
UPDATE_GROUP = """
mutation J1SyncUpdateIamGroup(
  $id: String!, $description: String, $abacPermissions: [String!], $queryPolicy: [JSON!]
) {
  updateIamGroup(
    id: $id, description: $description,
    abacPermissions: $abacPermissions, queryPolicy: $queryPolicy
  ) { id }
}
"""
DELETE_GROUP = """
mutation J1SyncDeleteIamGroup($name: String!) {
  deleteIamGroup(name: $name) { success }
}
"""
ADD_MEMBER = """
mutation J1SyncAddIamGroupMember($groupId: String!, $userEmail: String!) {
  addIamUserToGroupByEmail(groupId: $groupId, userEmail: $userEmail) { success }
}
"""
REMOVE_MEMBER = """
mutation J1SyncRemoveIamGroupMember($groupId: String!, $userEmail: String!) {
  removeIamUserFromGroupByEmail(groupId: $groupId, userEmail: $userEmail) { success }
}
"""

_GROUP_FIELDS = ("description", "abacPermissions", "queryPolicy")


def emails(values: Any) -> list[str]:
    return sorted_set(str(v).strip().lower() for v in values or [])


def normalize_group(data: Mapping[str, Any], members: Any = None) -> dict[str, Any]:
    """The comparable shape of a group; `members` only when given (i.e. managed)."""
    state: dict[str, Any] = {
        "description": text(data.get("description")),
        "abacPermissions": sorted_set(data.get("abacPermissions")),
        "queryPolicy": sorted_maps(data.get("queryPolicy")),
    }
    if members is not None:
        state["members"] = emails(members)
    return state


def project_live(live_state: Mapping[str, Any], desired_state: Mapping[str, Any]) -> dict[str, Any]:
    """The live state restricted to the fields the desired state manages.

    A desired state omits a field j1sync must not manage (IamGroup `members` when the
    manifest has no `members` key); comparing the full live state would report a change
    forever. Every other kind's desired state has every key, so this is the identity."""
    return {k: v for k, v in live_state.items() if k in desired_state}


class IamGroups:
    kind = KIND
    prune: PrunePolicy = "opt-in"

    def __init__(self, client: JupiterOneClient) -> None:
        self._client = client

    def desired(self, manifest: Manifest, project: ProjectConfig) -> DesiredObject:
        spec = manifest.spec_data()
        state = normalize_group(spec, spec.get("members"))
        return DesiredObject(KIND, manifest.name, state, source=manifest.source)

    def comparable_live_state(
        self, live_state: Mapping[str, Any], desired_state: Mapping[str, Any]
    ) -> dict[str, Any]:
        return project_live(live_state, desired_state)

    def read_all(self) -> list[LiveObject]:
        groups = self._client.collect(
            "iam", LIST_GROUPS, {"limit": PAGE_LIMIT}, ("iamGroups",), "items"
        )
        batches = [
            groups[start : start + GROUPS_PER_REQUEST]
            for start in range(0, len(groups), GROUPS_PER_REQUEST)
        ]
        with ThreadPoolExecutor(max_workers=READ_CONCURRENCY) as pool:
            return [group for batch in pool.map(self._read_batch, batches) for group in batch]

    def find(self, name: str) -> list[LiveObject]:
        return [obj for obj in self.read_all() if obj.name == name]

    def _read_batch(self, groups: list[dict[str, Any]]) -> list[LiveObject]:
        """Members (first page), query policy and permissions of a few groups in one
        request; a group with more members than a page has the rest read on its own."""
        variables: dict[str, Any] = {"limit": PAGE_LIMIT}
        variables.update({f"g{i}": group["id"] for i, group in enumerate(groups)})
        data = self._client.execute("iam", group_details_document(len(groups)), variables)
        found = []
        for i, group in enumerate(groups):
            users = data[f"users{i}"] or {}
            members = [m for m in users.get("items") or [] if m is not None]
            page = users.get("pageInfo") or {}
            if page.get("hasNextPage") and page.get("endCursor"):
                members += self._members_after(group["id"], page["endCursor"])
            found.append(
                self._live_group(group, members, data[f"policy{i}"], data[f"permissions{i}"])
            )
        return found

    def _members_after(self, group_id: str, cursor: str) -> list[dict[str, Any]]:
        members: list[dict[str, Any]] = []
        next_cursor: str | None = cursor
        while next_cursor:
            variables = {"groupId": group_id, "limit": PAGE_LIMIT, "cursor": next_cursor}
            page = self._client.execute("iam", GROUP_USERS, variables)["iamGroupUsers"]
            members += [m for m in page.get("items") or [] if m is not None]
            info = page.get("pageInfo") or {}
            next_cursor = info.get("endCursor") if info.get("hasNextPage") else None
        return members

    def _live_group(
        self,
        group: dict[str, Any],
        members: list[dict[str, Any]],
        policy: dict[str, Any] | None,
        node: dict[str, Any] | None,
    ) -> LiveObject:
        group_id = group["id"]
        permission = (node or {}).get("groupAbacPermission") or {}
        data = {
            "description": group.get("description"),
            "abacPermissions": permission.get("statement"),
            "queryPolicy": (policy or {}).get("queryPolicy"),
        }
        member_emails = [m.get("email") for m in members if m.get("email")]
        return LiveObject(
            kind=KIND,
            name=str(group["name"]),
            id=group_id,
            state=normalize_group(data, member_emails),
            builtin=group["name"] in BUILTIN_GROUPS,
            raw={**group, **data, "members": members},
        )

    def create(self, desired: DesiredObject, resolver: Resolver) -> str:
        state = desired.state
        variables = {"name": desired.name, **{k: state[k] for k in _GROUP_FIELDS}}
        data = self._client.execute("iam", CREATE_GROUP, variables)
        group_id = str(data["createIamGroup"]["id"])
        for email in state.get("members") or []:
            self._set_member(group_id, email, member=True)
        return group_id

    def update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        assert live.id is not None
        want, have = desired.state, live.state
        if any(want[k] != have.get(k) for k in _GROUP_FIELDS):
            variables = {"id": live.id, **{k: want[k] for k in _GROUP_FIELDS}}
            self._client.execute("iam", UPDATE_GROUP, variables)
        if "members" not in want:
            return  # membership is not managed for this group
        current = set(have.get("members") or [])
        wanted = set(want["members"])
        for email in sorted(wanted - current):
            self._set_member(live.id, email, member=True)
        for email in sorted(current - wanted):
            self._set_member(live.id, email, member=False)

    def delete(self, live: LiveObject) -> None:
        # The API deletes groups by name, not id.
        self._client.execute("iam", DELETE_GROUP, {"name": live.name})

    def _set_member(self, group_id: str, email: str, *, member: bool) -> None:
        document = ADD_MEMBER if member else REMOVE_MEMBER
        self._client.execute("iam", document, {"groupId": group_id, "userEmail": email})
