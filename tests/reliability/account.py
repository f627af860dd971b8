"""The account the fault-injection tests reconcile: ~60 changes across all four kinds
(creates, updates, deletes, IAM groups with members, rules that reference questions) next
to objects j1sync must never touch, and the checks every fault scenario ends with."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.accounts import generated_account
from ruamel.yaml import YAML

API_KEY = "reliability-Key-7f3a9c21d4"
ACCOUNT = "reliability-account"

# Which snapshot collection holds which kind, and the field that is its natural key.
COLLECTIONS = {"rules": "name", "questions": "name", "iam_groups": "name"}

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
}
UNMANAGED_NAMES = {
    "questions": {"hand-made-question"},
    "rules": {"hand-made-rule"},
    "iam_groups": {"hand-made-group"},
    "integration_instances": {"hand-made-instance"},
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
    kept_old = [m for m in old.manifests if not _dropped(m)]
    manifests = [*new.manifests, *kept_old]
    directory = tmp_path / "manifests"
    directory.mkdir()
    yaml = YAML()
    for kind in ("Question", "AlertRule", "IamGroup", "IntegrationSchedule"):
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
    """The stored bytes of every object j1sync must not touch, by collection/name."""
    found: dict[str, bytes] = {}
    for collection, names in UNMANAGED_NAMES.items():
        for obj in snapshot.get(collection, []):
            key = obj.get("name") or obj.get("title")
            if key in names:
                found[f"{collection}/{key}"] = json.dumps(obj, sort_keys=True).encode()
    return found


def duplicates(snapshot: Mapping[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """Natural keys held by more than one object, per collection (should be empty)."""
    result: dict[str, list[str]] = {}
    for collection, key in COLLECTIONS.items():
        counts = Counter(str(obj.get(key)) for obj in snapshot.get(collection, []))
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
    }
