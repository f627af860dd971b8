"""Issue 10.4: IAM group details are read in one request per IAM API family, selecting only
what j1sync uses; a group deleted between the list and its details is left out, not fatal;
the emulator's iamGetGroup answers the recorded live query."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.emulator.resolvers_iam import GROUPS
from j1sync.providers.jupiterone.iam_groups import GROUPS_PER_REQUEST
from tests.e2e.conftest import API_KEY, Account
from tests.emulator.conftest import Poster

# ../shared/reference/jupiterone/recordings/TestUserGroup_Basic.yaml, interactions 0 and 1
# (JupiterOne's Terraform provider against the live gateway), as recorded
RECORDED_CREATE = {
    "query": "\nmutation CreateUserGroup ($name: String!, $description: String, $queryPolicy: "
    "[JSON!], $abacPermissions: [String!]) {\n\tcreateIamGroup(name: $name, description: "
    "$description, queryPolicy: $queryPolicy, abacPermissions: $abacPermissions) {\n\t\tid"
    "\n\t}\n}\n",
    "variables": {
        "name": "tf-provider-test-user-group",
        "description": "description of tf-provider-test-user-group",
        "queryPolicy": [{"_class": ["User"]}],
        "abacPermissions": ["accessInsights", "readGraph"],
    },
    "operationName": "CreateUserGroup",
}
RECORDED_GET = {
    "query": "\nquery GetUserGroup ($id: String!) {\n\tiamGetGroup(group: $id) {\n\t\tid"
    "\n\t\tgroupName\n\t\tgroupDescription\n\t\tgroupQueryPolicy {\n\t\t\tstatement"
    "\n\t\t}\n\t\tgroupAbacPermission {\n\t\t\tstatement\n\t\t}\n\t}\n}\n",
    "variables": {"id": "53af6660-189f-4037-a9ec-2300a2dec0cb"},
    "operationName": "GetUserGroup",
}
RECORDED_GET_ANSWER = {
    "id": "53af6660-189f-4037-a9ec-2300a2dec0cb",
    "groupName": "tf-provider-test-user-group",
    "groupDescription": "description of tf-provider-test-user-group",
    "groupQueryPolicy": {"statement": [{"_class": ["User"]}]},
    "groupAbacPermission": {"statement": ["readGraph", "accessInsights"]},
}
GROUP_COUNT = GROUPS_PER_REQUEST + 5  # two batches
SEED: dict[str, Any] = {
    "users": [{"email": "alice@example.com"}, {"email": "bob@example.com"}],
    "iamGroups": [
        {"name": "Users", "description": "", "abacPermissions": ["fullReadAccess"]},
        {"name": "Administrators", "description": "", "abacPermissions": ["accessAdmin"]},
        *(
            {
                "name": f"team-{i:02}",
                "description": f"team {i}",
                "abacPermissions": ["readGraph"],
                "queryPolicy": [{"_class": ["Host"]}],
                "members": ["alice@example.com"],
            }
            for i in range(GROUP_COUNT)
        ),
    ],
}


def group_manifest(i: int) -> str:
    return (
        f"apiVersion: j1sync/v1\nkind: IamGroup\nmetadata: {{name: team-{i:02}}}\n"
        f"spec:\n  description: team {i}\n  abacPermissions: [readGraph]\n"
        "  queryPolicy: [{_class: [Host]}]\n  members: [alice@example.com]\n"
    )


class Queries:
    """The GraphQL documents the emulator received, by operation name."""

    def __init__(self, emu: Any) -> None:
        self.sent: list[dict[str, Any]] = []
        service = emu._server.service
        handle = service.handle

        def recording(payload: Any, base_url: str) -> Any:
            for item in payload if isinstance(payload, list) else [payload]:
                self.sent.append(item)
            return handle(payload, base_url)

        service.handle = recording

    def named(self, name: str) -> list[str]:
        return [str(op["query"]) for op in self.sent if op.get("operationName") == name]


@pytest.fixture
def teams(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed=SEED, api_key=API_KEY, page_size=7) as emu:
        account = Account(emu=emu, tmp_path=tmp_path)
        account.write("groups.yaml", "---\n".join(group_manifest(i) for i in range(GROUP_COUNT)))
        yield account


def delete_group(account: Account, name: str) -> None:
    store = account.emu.store
    group = next(g for g in store.objects(GROUPS) if g["name"] == name)
    store.delete(GROUPS, group["id"])


def test_details_select_only_what_is_used_one_family_a_request(teams: Account) -> None:
    queries = Queries(teams.emu)
    result = teams.run("plan", teams.manifests, "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    members, access = queries.named("J1SyncIamGroupMembers"), queries.named("J1SyncIamGroupAccess")
    assert len(members) == len(access) == 2  # 17 groups, 10 a request
    for document in members:
        assert "iamGetGroup" not in document and "iamGroupQueryPolicy" not in document
    for document in access:
        assert "iamGroupUsers" not in document and "iamGroupQueryPolicy" not in document
        assert "groupId" not in document.replace("$g", "")
    assert teams.emu.stats.requests["iamGroupQueryPolicy"] == 0


def test_a_group_deleted_between_the_list_and_its_details_is_left_out(teams: Account) -> None:
    # The first list page (7 groups) is answered; then team-03 is deleted, before any
    # detail request: its details are refused, the list no longer holds it.
    teams.emu.switches.after_field("iamGroups", lambda: delete_group(teams, "team-03"))
    result = teams.run("plan", teams.manifests, "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    by_address = {c["address"]: c for c in plan["changes"]}
    assert by_address["IamGroup/team-03"]["action"] == "create"  # gone: created again
    others = [c for c in plan["changes"] if c["address"] != "IamGroup/team-03"]
    assert {c["action"] for c in others} == {"no-op"}
    assert all(u["name"] != "team-03" for u in plan["unmanaged"])


def test_a_group_deleted_mid_read_is_not_pruned_and_apply_converges(teams: Account) -> None:
    teams.write("j1sync.yaml", "prune:\n  IamGroup: true\n")
    (Path(teams.manifests) / "groups.yaml").write_text(
        "---\n".join(group_manifest(i) for i in range(GROUP_COUNT) if i != 3)
    )
    teams.emu.switches.after_field("iamGroups", lambda: delete_group(teams, "team-03"))
    result = teams.run("apply", teams.manifests, "--auto-approve", "--force")
    assert result.exit_code == 0, result.output
    assert "No changes" in result.output  # team-03 is gone already: nothing to delete


def test_the_emulator_answers_the_recorded_live_get_user_group() -> None:
    with running_emulator(seed="none") as emu:
        gql = Poster(emu)
        created = gql.raw(RECORDED_CREATE, path="/").json()
        group_id = created["data"]["createIamGroup"]["id"]
        request = {**RECORDED_GET, "variables": {"id": group_id}}
        answer = gql.raw(request, path="/").json()
    node = answer["data"]["iamGetGroup"]
    assert set(node) == set(RECORDED_GET_ANSWER)
    assert node["id"] == group_id
    for field in ("groupName", "groupDescription", "groupQueryPolicy"):
        assert node[field] == RECORDED_GET_ANSWER[field]
    assert sorted(node["groupAbacPermission"]["statement"]) == sorted(
        RECORDED_GET_ANSWER["groupAbacPermission"]["statement"]
    )
