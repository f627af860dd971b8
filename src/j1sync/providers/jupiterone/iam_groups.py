"""IamGroup: IAM groups (iam area) with ABAC permissions, query policy and members.
Natural key: the group name. `Users` and `Administrators` are built in.

Membership is managed only when the manifest lists `members`: the desired state then has a
`members` key; otherwise it has none, and the engine's `comparable_live_state()` drops
`members` from the live state before the two are compared.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from j1sync.engine.contract import DesiredObject, LiveObject, PrunePolicy, Resolver
from j1sync.engine.model import Change
from j1sync.errors import ApiError, AuthError, BadUserInput, NotFound
from j1sync.manifest.document import Manifest, ProjectConfig
from j1sync.manifest.names import env_text_problem
from j1sync.manifest.yaml_source import field_problem
from j1sync.providers.jupiterone.client import PAGE_LIMIT, JupiterOneClient
from j1sync.providers.jupiterone.models.iam_group import IamGroupSpec, empty_statement_problem
from j1sync.providers.jupiterone.normalize import sorted_maps, sorted_set, text
from j1sync.providers.registry import closest

log = logging.getLogger("j1sync.iam")

KIND = "IamGroup"
ADMINISTRATORS = "Administrators"  # the built-in group of the account's administrators
ADMIN_PERMISSION = "accessAdmin"  # what makes its members administrators
BUILTIN_GROUPS = frozenset({"Users", ADMINISTRATORS})
READ_CONCURRENCY = 8
# Per-group details are read for this many groups per request (aliased root fields, plain
# GraphQL), in two requests per batch, one per IAM API family (members: iamGroupUsers;
# permissions and query policy: iamGetGroup): 1,000 groups take 80 requests. Aliasing
# saves round trips, not quota: each alias is one invocation (rate-limiting.md, whose
# example request counts 50), so those 80 requests count 2,000; while the server's quota
# paces the client, a batch asks for fewer (`JupiterOneClient.largest_request`: 10 of the
# documented 1,000-invocation bucket), and the client waits until a batch's invocations
# are there rather than sending it into a 429.
# 25, not 10: each request costs the plan's process ~1.5 ms of CPU beside the manifest
# load and the other reads (at 20,000 objects 160 requests instead of 400: the rules'
# pages, the plan's critical path, ~0.2 s sooner; docs/performance.md, Round 8).
GROUPS_PER_REQUEST = 25
REQUESTS_PER_BATCH = 2

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
    items { email }
    pageInfo { endCursor hasNextPage }
  }
}
"""
# Permissions and query policy: iamGetGroup selecting only what the recorded live exchange
# (recordings/TestUserGroup_Basic.yaml, GetUserGroup) selects and j1sync uses.
GROUP_ACCESS_FIELDS = "groupQueryPolicy { statement } groupAbacPermission { statement }"


@functools.lru_cache(maxsize=GROUPS_PER_REQUEST)
def members_document(count: int) -> str:
    """The first page of members of `count` groups ($g0..) in one request: members{i}.
    Only the documented V1 family (iamGroupUsers), never mixed with iamGetGroup."""
    parameters = ", ".join(f"$g{i}: String!" for i in range(count))
    fields = "\n".join(
        f"  members{i}: iamGroupUsers(groupId: $g{i}, limit: $limit) "
        "{ items { email } pageInfo { endCursor hasNextPage } }"
        for i in range(count)
    )
    return f"query J1SyncIamGroupMembers($limit: Int!, {parameters}) {{\n{fields}\n}}"


@functools.lru_cache(maxsize=GROUPS_PER_REQUEST)
def access_document(count: int) -> str:
    """Permissions and query policy of `count` groups ($g0..) in one request: access{i}."""
    parameters = ", ".join(f"$g{i}: String!" for i in range(count))
    fields = "\n".join(
        f"  access{i}: iamGetGroup(group: $g{i}) {{ {GROUP_ACCESS_FIELDS} }}" for i in range(count)
    )
    return f"query J1SyncIamGroupAccess({parameters}) {{\n{fields}\n}}"


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
# The account's users: addIamUserToGroupByEmail adds only them (the 2023 schema's
# iamGetUserList; read only when a manifest adds members to a group).
LIST_USERS = """
query J1SyncIamUsers($limit: Int!, $cursor: String) {
  iamGetUserList(limit: $limit, cursor: $cursor) {
    items { email }
    pageInfo { endCursor hasNextPage }
  }
}
"""
# Members are added and removed this many to a request (aliased root fields, as the
# reads do; each alias is one invocation against the quota): a group of 30 members takes
# 3 requests after its create, not 30 one after another. GraphQL runs a mutation's root
# fields one after another and stops at the first that fails (its result is non-null),
# as the single mutations did.
MEMBERS_PER_REQUEST = 20
_MEMBERSHIP = {True: "addIamUserToGroupByEmail", False: "removeIamUserFromGroupByEmail"}


@functools.lru_cache(maxsize=2 * MEMBERS_PER_REQUEST)
def membership_document(count: int, *, member: bool) -> str:
    """Add (or remove) `count` users ($u0..) to (from) one group in one request: m{i}."""
    verb = "Add" if member else "Remove"
    parameters = ", ".join(f"$u{i}: String!" for i in range(count))
    fields = "\n".join(
        f"  m{i}: {_MEMBERSHIP[member]}(groupId: $groupId, userEmail: $u{i}) {{ success }}"
        for i in range(count)
    )
    return f"mutation J1Sync{verb}IamGroupMembers($groupId: String!, {parameters}) {{\n{fields}\n}}"


_GROUP_FIELDS = ("description", "abacPermissions", "queryPolicy")


# Groups found, and groups whose details were refused as if they did not exist.
_Details = tuple[dict[str, dict[str, Any]], dict[str, ApiError]]
_VANISHED = (NotFound, BadUserInput)


def _emails(page: dict[str, Any]) -> list[str]:
    return [m["email"] for m in page.get("items") or [] if m and m.get("email")]


def _access_detail(node: dict[str, Any] | None) -> dict[str, Any]:
    node = node or {}
    return {
        "abacPermissions": (node.get("groupAbacPermission") or {}).get("statement"),
        "queryPolicy": (node.get("groupQueryPolicy") or {}).get("statement"),
    }


def emails(values: Any) -> list[str]:
    return sorted_set(str(v).strip().lower() for v in values or [])


def lockout_messages(changes: Sequence[Change]) -> list[str]:
    """An update of the Administrators group that takes accessAdmin away (a manifest
    declaring the group leaves it out of `abacPermissions`) or every member (`members:
    []`): no one would administer the account, the key's owner perhaps included. Blocked
    as the safety gate blocks (engine.contract.GuardsChanges)."""
    messages = []
    for change in changes:
        if change.kind != KIND or change.name != ADMINISTRATORS or change.action != "update":
            continue
        before, after = change.before or {}, change.after or {}
        address = change.address
        if ADMIN_PERMISSION in (before.get("abacPermissions") or []) and ADMIN_PERMISSION not in (
            after.get("abacPermissions") or []
        ):
            messages.append(
                f"{address}: the update takes {ADMIN_PERMISSION} from the account's "
                f"administrators (write {ADMIN_PERMISSION} among its abacPermissions to keep it)"
            )
        had = before.get("members") or []
        if had and "members" in after and not after["members"]:
            messages.append(
                f"{address}: the update removes every member of the account's administrators "
                f"({len(had)}): no one would administer the account"
            )
    return messages


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


class IamGroups:
    kind = KIND
    prune: PrunePolicy = "opt-in"

    def __init__(self, client: JupiterOneClient) -> None:
        self._client = client

    def desired(self, manifest: Manifest, project: ProjectConfig) -> DesiredObject:
        spec = manifest.spec_data()
        state = normalize_group(spec, spec.get("members"))
        return DesiredObject(KIND, manifest.name, state, source=manifest.source)

    def read_all(self) -> list[LiveObject]:
        """Every group with its members, permissions and query policy. A group deleted
        between the list and its detail reads is left out (the account no longer has it);
        see `_read_details`."""
        groups = self._list_groups()
        size = self._client.largest_request(GROUPS_PER_REQUEST)
        batches = [groups[start : start + size] for start in range(0, len(groups), size)]
        tasks = [(read, batch) for batch in batches for read in (self._members, self._access)]
        with ThreadPoolExecutor(max_workers=READ_CONCURRENCY) as pool:
            done = list(pool.map(lambda task: task[0](task[1]), tasks))
        details: dict[str, dict[str, Any]] = {}
        vanished: dict[str, ApiError] = {}
        for found, missing in done:
            for group_id, detail in found.items():
                details.setdefault(group_id, {}).update(detail)
            vanished.update(missing)
        gone = self._confirm_vanished(vanished)
        return [
            self._live_group(group, details[group["id"]])
            for group in groups
            if group["id"] not in gone
        ]

    def find(self, name: str) -> list[LiveObject]:
        return [obj for obj in self.read_all() if obj.name == name]

    def _list_groups(self) -> list[dict[str, Any]]:
        return self._client.collect(
            "iam", LIST_GROUPS, {"limit": PAGE_LIMIT}, ("iamGroups",), "items"
        )

    def _members(self, groups: list[dict[str, Any]]) -> _Details:
        """The members of a few groups: first pages in one request, later pages (a group
        with more members than a page) on their own."""
        data = self._batch(members_document(len(groups)), groups, {"limit": PAGE_LIMIT})
        if data is None:
            return self._one_by_one(groups, self._members_of_one)
        found: dict[str, dict[str, Any]] = {}
        missing: dict[str, ApiError] = {}
        for i, group in enumerate(groups):
            page = data.get(f"members{i}") or {}
            try:
                found[group["id"]] = {"members": self._all_members(group["id"], page)}
            except _VANISHED as exc:
                missing[group["id"]] = exc
        return found, missing

    def _access(self, groups: list[dict[str, Any]]) -> _Details:
        """Permissions and query policy of a few groups in one request."""
        data = self._batch(access_document(len(groups)), groups, {})
        if data is None:
            return self._one_by_one(groups, self._access_of_one)
        found = {g["id"]: _access_detail(data.get(f"access{i}")) for i, g in enumerate(groups)}
        return found, {}

    def _batch(
        self, document: str, groups: list[dict[str, Any]], variables: dict[str, Any]
    ) -> dict[str, Any] | None:
        """One aliased request for `groups`; None when some group was not found (a
        non-null field that fails nulls the whole answer): the caller then reads the
        groups one by one to learn which."""
        variables = {**variables, **{f"g{i}": group["id"] for i, group in enumerate(groups)}}
        try:
            return self._client.execute("iam", document, variables)
        except _VANISHED:
            return None

    def _one_by_one(
        self,
        groups: list[dict[str, Any]],
        read_one: Callable[[str], dict[str, Any]],
    ) -> _Details:
        found: dict[str, dict[str, Any]] = {}
        missing: dict[str, ApiError] = {}
        for group in groups:
            try:
                found[group["id"]] = read_one(group["id"])
            except _VANISHED as exc:
                missing[group["id"]] = exc
        return found, missing

    def _members_of_one(self, group_id: str) -> dict[str, Any]:
        variables = {"groupId": group_id, "limit": PAGE_LIMIT, "cursor": None}
        page = self._client.execute("iam", GROUP_USERS, variables)["iamGroupUsers"]
        return {"members": self._all_members(group_id, page)}

    def _access_of_one(self, group_id: str) -> dict[str, Any]:
        document = access_document(1)
        return _access_detail(self._client.execute("iam", document, {"g0": group_id})["access0"])

    def _all_members(self, group_id: str, page: dict[str, Any]) -> list[str]:
        members = _emails(page)
        info = page.get("pageInfo") or {}
        cursor = info.get("endCursor") if info.get("hasNextPage") else None
        while cursor:
            variables = {"groupId": group_id, "limit": PAGE_LIMIT, "cursor": cursor}
            page = self._client.execute("iam", GROUP_USERS, variables)["iamGroupUsers"]
            members += _emails(page)
            info = page.get("pageInfo") or {}
            cursor = info.get("endCursor") if info.get("hasNextPage") else None
        return members

    def _confirm_vanished(self, candidates: dict[str, ApiError]) -> set[str]:
        """Which of the groups whose details were refused are really gone: those the
        list no longer holds. What the live API answers for a deleted group is not
        documented (NOT_FOUND or BAD_USER_INPUT): the list decides, so a refusal for any
        other reason still fails the read."""
        if not candidates:
            return set()
        listed = {group["id"] for group in self._list_groups()}
        for group_id, error in candidates.items():
            if group_id in listed:
                raise error
        log.info("IamGroup: %d group(s) deleted during the read, left out", len(candidates))
        return set(candidates)

    def _live_group(self, group: dict[str, Any], detail: dict[str, Any]) -> LiveObject:
        data = {
            "description": group.get("description"),
            "abacPermissions": detail.get("abacPermissions"),
            "queryPolicy": detail.get("queryPolicy"),
        }
        members = detail.get("members") or []
        state = normalize_group(data, members)
        return LiveObject(
            kind=KIND,
            name=str(group["name"]),
            id=group["id"],
            state=state,
            builtin=group["name"] in BUILTIN_GROUPS,
            raw={**group, **data, "members": [{"email": m} for m in members]},
            # a description holding `${env:...}`, or an empty query-policy statement (set
            # by hand): export leaves the group out, the plan never deletes it
            undeclarable=env_text_problem(IamGroupSpec, state)
            or empty_statement_problem(state["queryPolicy"]),
        )

    def resolve_desired(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> tuple[list[DesiredObject], list[str]]:
        """Each member a group gains is a user of the account (engine ResolvesAgainstLive):
        else apply would create or change the group, then fail on the member. The users
        are read only when some group gains one."""
        have = {o.name: set(o.state.get("members") or []) for o in live if o.kind == KIND}
        gained = [
            (obj, email)
            for obj in desired
            for email in obj.state.get("members") or []
            if email not in have.get(obj.name, set())
        ]
        if not gained:
            return list(desired), []
        try:
            users = {str(u.get("email")) for u in self._users()}
        except (BadUserInput, NotFound, AuthError) as exc:
            # an API without the 2023 schema's user list, or a key it is refused to: the
            # check is a courtesy, apply still says which member JupiterOne refuses
            log.warning("IamGroup: members not checked, the account's users unread: %s", exc)
            return list(desired), []
        known = {email.strip().lower() for email in users}
        problems: list[str] = []
        lacking = {id(obj): obj for obj, email in gained if email not in known}
        choices = sorted(users)
        for obj in lacking.values():
            written = (obj.declared or {}).get("members") or obj.state["members"]
            accepted = known | have.get(obj.name, set())  # once a group, not once a member
            for index, email in enumerate(written):
                if str(email).strip().lower() in accepted:
                    continue
                near = closest(str(email), choices)
                message = f"no user '{email}' in the account" + (
                    f"; did you mean '{near}'?" if near else ""
                )
                path: list[str | int] = ["spec", "members", index]
                problems.append(field_problem(obj.source, obj.address, path, message))
        return list(desired), problems

    def _users(self) -> list[dict[str, Any]]:
        return self._client.collect(
            "iam", LIST_USERS, {"limit": PAGE_LIMIT}, ("iamGetUserList",), "items"
        )

    def create(self, desired: DesiredObject, resolver: Resolver) -> str:
        state = desired.state
        variables = {"name": desired.name, **{k: state[k] for k in _GROUP_FIELDS}}
        data = self._client.execute("iam", CREATE_GROUP, variables)
        group_id = str(data["createIamGroup"]["id"])
        self._set_members(group_id, state.get("members") or [], member=True)
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
        self._set_members(live.id, sorted(wanted - current), member=True)
        self._set_members(live.id, sorted(current - wanted), member=False)

    def delete(self, live: LiveObject) -> None:
        # The API deletes groups by name, not id.
        self._client.execute("iam", DELETE_GROUP, {"name": live.name})

    def _set_members(self, group_id: str, emails: Sequence[str], *, member: bool) -> None:
        size = self._client.largest_request(MEMBERS_PER_REQUEST)
        for start in range(0, len(emails), size):
            batch = emails[start : start + size]
            variables = {"groupId": group_id, **{f"u{i}": e for i, e in enumerate(batch)}}
            self._client.execute("iam", membership_document(len(batch), member=member), variables)
