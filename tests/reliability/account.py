"""The account the fault-injection tests reconcile: ~70 changes across every kind
(creates, updates, deletes, IAM groups with members, rules that reference questions,
parameters with a secret one, resource groups with permissions for IAM groups made in the
same run and rules joining them, dashboards showing new questions in new resource groups)
next to objects j1sync must never touch (personal and JupiterOne boards among them, one
named like a new board), and the checks every fault scenario ends with."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from benchmarks.accounts import generated_account
from ruamel.yaml import YAML

API_KEY = "reliability-Key-7f3a9c21d4"
ACCOUNT = "reliability-account"

# Which snapshot collection holds which kind, and its natural key (a resource
# permission's id is its key: group, area, type and resource group; a board's is its name
# among account boards, personal and JupiterOne boards being no one's to match).
COLLECTIONS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "rules": itemgetter("name"),
    "questions": itemgetter("name"),
    "iam_groups": itemgetter("name"),
    "parameters": itemgetter("name"),
    "resource_groups": itemgetter("name"),
    "resource_permissions": itemgetter("id"),
    "dashboards": lambda b: b["name"] if _owned_board(b) else b["id"],
    "dashboard_parameters": itemgetter("dashboardId", "name"),
}
# The secret Parameter manifest's value comes from this variable.
SECRET_VARIABLE = "RELIABILITY_PARAMETER_SECRET"
SECRET_VALUE = "reliability-secret-6d20c4"

UNMANAGED: dict[str, Any] = {
    "questions": [
        {
            "name": "hand-made-question",
            "title": "Hand-made question",
            "tags": ["security"],
            "queries": [{"name": "query0", "query": "Find User"}],
        }
    ],
    "rules": [
        {
            "name": "hand-made-rule",
            "description": "Made in the web app",
            "tags": ["ops"],
            "question": {"queries": [{"name": "query0", "query": "Find Host"}]},
            "operations": [],
        }
    ],
    "iamGroups": [{"name": "hand-made-group", "description": "Not in git"}],
    "integrationInstances": [
        {"name": "hand-made-instance", "definition": "aws", "pollingInterval": "ONE_WEEK"}
    ],
    "parameters": [
        {"name": "hand_made_parameter", "value": ["kept", 1]},
        {"name": "hand_made_secret", "value": "set in the web app", "secret": True},
    ],
    "resourceGroups": [
        {
            "name": "hand-made-resource-group",
            "permissions": [{"group": "hand-made-group", "resourceArea": "rule", "canRead": True}],
        }
    ],
    "dashboards": [
        {
            "name": "hand-made-board",
            "category": "Ops",
            "widgets": [{"id": "w-1", "title": "Hosts", "type": "number"}],
            "layouts": {"md": [{"i": "w-1", "x": 0, "y": 0, "w": 2, "h": 2}]},
            "parameters": [{"name": "env", "label": "Environment"}],
        },
        # never j1sync's, even named like a manifest's board
        {"name": "new-board-0", "type": "User", "userId": "u-alice"},
        {"name": "Cloud Native Security", "isJ1ManagedBoard": True, "starred": True},
    ],
}
UNMANAGED_NAMES = {
    "questions": {"hand-made-question"},
    "rules": {"hand-made-rule"},
    "iam_groups": {"hand-made-group"},
    "integration_instances": {"hand-made-instance"},
    "parameters": {"hand_made_parameter", "hand_made_secret"},
    "resource_groups": {"hand-made-resource-group"},
    "dashboards": {"hand-made-board"},
}
# ... and the permission on the unmanaged resource group, the personal and the JupiterOne
# board, and the parameter of the unmanaged board
UNMANAGED_COUNT = sum(len(names) for names in UNMANAGED_NAMES.values()) + 4

# Parameters and resource groups the account holds before the run (managed: manifests
# declare them, some with other values).
OLD_PARAMETERS = [
    {"name": "old_threshold", "value": 5},
    {"name": "old_regions", "value": ["us-east-1"]},
    {"name": "old_owner", "value": "security"},
]
OLD_RESOURCE_GROUPS = [
    {
        "name": "old-resource-group",
        "permissions": [
            {"group": "old-group-00000", "resourceArea": "rule", "canRead": True},
            {"group": "old-group-00001", "resourceArea": "rule", "canRead": True},
        ],
    }
]


def _document(kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "j1sync/v1", "kind": kind, "metadata": {"name": name}, "spec": spec}


def _parameter_manifests() -> list[dict[str, Any]]:
    """Four new parameters and a new secret (creates), two changed old ones, one the same."""
    new = [
        _document("Parameter", f"new_parameter_{i}", {"value": value})
        for i, value in enumerate(("text", 42, True, ["a", 2, False]))
    ]
    secret = {"value": f"${{env:{SECRET_VARIABLE}}}", "secret": True}
    return [
        *new,
        _document("Parameter", "new_secret", secret),
        _document("Parameter", "old_threshold", {"value": 7}),
        _document("Parameter", "old_regions", {"value": ["us-east-1", "eu-west-1"]}),
        _document("Parameter", "old_owner", {"value": "security"}),
    ]


def _resource_group_manifests() -> list[dict[str, Any]]:
    """Two new groups whose permissions name IAM groups created in the same run, and the old
    group with one permission changed and one added."""
    full = {"canCreate": True, "canRead": True, "canUpdate": True, "canDelete": True}
    return [
        _document(
            "ResourceGroup",
            "new-resource-group-0",
            {
                "permissions": [
                    {"group": "new-group-00000", "resourceArea": "rule", **full},
                    {"group": "old-group-00000", "resourceArea": "rule", "canRead": True},
                ]
            },
        ),
        _document(
            "ResourceGroup",
            "new-resource-group-1",
            {"permissions": [{"group": "new-group-00001", "resourceArea": "dashboard", **full}]},
        ),
        _document(
            "ResourceGroup",
            "old-resource-group",
            {
                "permissions": [
                    {"group": "old-group-00000", "resourceArea": "rule", **full},
                    {"group": "old-group-00001", "resourceArea": "rule", "canRead": True},
                    {"group": "new-group-00002", "resourceArea": "rule", "canRead": True},
                ]
            },
        ),
    ]


OLD_BOARD_WIDGETS = [
    {
        "id": "hosts",
        "title": "Hosts",
        "type": "number",
        "config": {"queries": [{"name": "q", "query": "FIND Host"}], "settings": {"id": "s-1"}},
    }
]
OLD_BOARDS = [
    {
        "name": "old-board",
        "category": "Security",
        "widgets": OLD_BOARD_WIDGETS,
        "layouts": {"lg": [{"i": "hosts", "x": 0, "y": 0, "w": 4, "h": 2}]},
        "parameters": [{"name": "env", "label": "Environment"}],
    }
]


def _board_spec(question: str | None, group: str | None) -> dict[str, Any]:
    widgets: dict[str, Any] = {
        "hosts": {
            "title": "Hosts",
            "type": "number",
            "queries": [{"name": "q", "query": "FIND Host"}],
        }
    }
    if question:
        widgets["saved"] = {"title": "Saved question", "type": "table", "question": question}
    spec: dict[str, Any] = {
        "category": "Security",
        "widgets": widgets,
        "layouts": {
            "lg": [
                {"widget": key, "x": 4 * index, "y": 0, "w": 4, "h": 2}
                for index, key in enumerate(widgets)
            ]
        },
        "parameters": [{"name": "env", "label": "Environment", "options": ["prod", "dev"]}],
    }
    if group:
        spec["resourceGroup"] = group
    return spec


def _dashboard_manifests() -> list[dict[str, Any]]:
    """Two new boards (one showing a new question, in a new resource group), and the old
    board with a widget and a parameter added and its layout changed."""
    return [
        _document(
            "Dashboard", "new-board-0", _board_spec("new-question-00002", "new-resource-group-0")
        ),
        _document("Dashboard", "new-board-1", _board_spec(None, None)),
        _document(
            "Dashboard", "old-board", _board_spec("old-question-00000", "old-resource-group")
        ),
    ]


# Rules that join a resource group: new rules a new group (one of them references a
# question), an old rule the old group.
RULE_GROUPS = {
    "new-rule-00000": "new-resource-group-0",
    "new-rule-00001": "new-resource-group-0",
    "new-rule-00002": "new-resource-group-1",
    "old-rule-00002": "old-resource-group",
}


@dataclass
class FaultAccount:
    seed: dict[str, Any]
    manifests_dir: Path


def build_account(tmp_path: Path) -> FaultAccount:
    """New objects to create, existing managed ones to update or delete, and unmanaged
    objects; the manifests are written as one file per kind under tmp_path/manifests."""
    new = generated_account(40, changed_fraction=0.2, seeded=False, prefix="new")
    old = generated_account(20, changed_fraction=0.5, seeded=True, prefix="old")
    seed: dict[str, Any] = {key: list(value) for key, value in new.seed.items()}
    for key in ("questions", "rules", "iamGroups", "integrationInstances"):
        seed[key] = [*seed[key], *old.seed[key], *UNMANAGED.get(key, [])]
    seed["parameters"] = [*OLD_PARAMETERS, *UNMANAGED["parameters"]]
    seed["resourceGroups"] = [*OLD_RESOURCE_GROUPS, *UNMANAGED["resourceGroups"]]
    seed["dashboards"] = [*OLD_BOARDS, *UNMANAGED["dashboards"]]
    kept_old = [m for m in old.manifests if not _dropped(m)]
    manifests = [*new.manifests, *kept_old, *_parameter_manifests()]
    manifests += [*_resource_group_manifests(), *_dashboard_manifests()]
    for manifest in manifests:
        group = RULE_GROUPS.get(manifest["metadata"]["name"])
        if manifest["kind"] == "AlertRule" and group:
            manifest["spec"] = {**manifest["spec"], "resourceGroup": group}
    directory = tmp_path / "manifests"
    directory.mkdir()
    yaml = YAML()
    kinds = ("Question", "AlertRule", "IamGroup", "IntegrationSchedule")
    for kind in (*kinds, "Parameter", "ResourceGroup", "Dashboard"):
        with (directory / f"{kind}.yaml").open("w", encoding="utf-8") as out:
            yaml.dump_all([m for m in manifests if m["kind"] == kind], out)
    return FaultAccount(seed=seed, manifests_dir=directory)


def _dropped(manifest: Mapping[str, Any]) -> bool:
    """Some old rules (none that reference a question) and one unreferenced question lose
    their manifest: apply deletes them (they carry the managed tag)."""
    name = manifest["metadata"]["name"]
    if manifest["kind"] == "AlertRule":
        return int(name.rsplit("-", 1)[1]) % 3 == 1
    return name == "old-question-00007"


def unmanaged_bytes(snapshot: Mapping[str, list[dict[str, Any]]]) -> dict[str, bytes]:
    """The stored bytes of every object j1sync must not touch, by collection/name (the
    permissions on an unmanaged resource group by their id)."""
    found: dict[str, bytes] = {}
    for collection, names in UNMANAGED_NAMES.items():
        for obj in snapshot.get(collection, []):
            key = obj.get("name") or obj.get("title")
            if key in names:
                found[f"{collection}/{key}"] = json.dumps(obj, sort_keys=True).encode()
    groups = {
        g["id"]
        for g in snapshot.get("resource_groups", [])
        if g["name"] in UNMANAGED_NAMES["resource_groups"]
    }
    for permission in snapshot.get("resource_permissions", []):
        if permission["resourceId"] in groups:
            key = f"resource_permissions/{permission['id']}"
            found[key] = json.dumps(permission, sort_keys=True).encode()
    boards = {b["id"] for b in snapshot.get("dashboards", []) if not _owned_board(b)}
    for board in snapshot.get("dashboards", []):
        if board["id"] in boards:
            found[f"dashboards/{board['type']}/{board['name']}"] = _bytes(board)
        elif board["name"] in UNMANAGED_NAMES["dashboards"]:
            boards.add(board["id"])
    for parameter in snapshot.get("dashboard_parameters", []):
        if parameter["dashboardId"] in boards:
            found[f"dashboard_parameters/{parameter['id']}"] = _bytes(parameter)
    return found


def _bytes(obj: Mapping[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True).encode()


def _owned_board(board: Mapping[str, Any]) -> bool:
    """A board j1sync may manage: an account board that is not JupiterOne's own."""
    return board["type"] == "Account" and not board["isJ1ManagedBoard"]


def duplicates(snapshot: Mapping[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """Natural keys held by more than one object, per collection (should be empty)."""
    result: dict[str, list[str]] = {}
    for collection, key in COLLECTIONS.items():
        counts = Counter(str(key(obj)) for obj in snapshot.get(collection, []))
        repeated = sorted(name for name, n in counts.items() if n > 1)
        if repeated:
            result[collection] = repeated
    return result


def connection_env(url: str) -> dict[str, str]:
    """What the CLI needs to reach an emulator quickly: key, account, URL, fast backoff."""
    return {
        "JUPITERONE_API_KEY": API_KEY,
        "JUPITERONE_ACCOUNT_ID": ACCOUNT,
        "JUPITERONE_API_URL": url,
        "J1SYNC_BACKOFF_INITIAL_S": "0.01",
        "J1SYNC_BACKOFF_MAX_S": "0.1",
        "J1SYNC_RETRY_BUDGET": "60",
        "NO_COLOR": "1",
        SECRET_VARIABLE: SECRET_VALUE,
    }
