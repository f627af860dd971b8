"""A generated account of any size, and the manifests that describe it, for benchmarks and
fault-injection tests.

`generated_account(n)` splits n objects across the four kinds (default: 45% alert rules,
40% questions, 10% IAM groups, 5% integration instances; see `Split`), builds the emulator
seed that holds them and the j1sync manifests that match them, so that a plan of the
manifests against the seeded account is a no-op. Every third rule references a generated
question (`questionRef`); every IAM group has members. `changed_fraction` edits that share
of the manifests (a description, or an integration's polling interval) so that a plan
has updates; `seeded=False` leaves the objects out of the seed (only users, definitions and
integration instances stay), so that applying the manifests creates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JsonObject = dict[str, Any]

USERS = 20
INTEGRATION_TYPES = ("aws", "github", "jira", "okta")
PERMISSIONS = ("fullReadAccess", "readQuestions", "accessRules", "writeQuestions", "adminRules")
_API_VERSION = "j1sync/v1"


@dataclass(frozen=True)
class Split:
    """Shares of the objects per kind; integration instances get the remainder."""

    rules: float = 0.45
    questions: float = 0.40
    iam_groups: float = 0.10

    def counts(self, objects: int) -> dict[str, int]:
        rules = int(objects * self.rules)
        questions = int(objects * self.questions)
        groups = int(objects * self.iam_groups)
        return {
            "AlertRule": rules,
            "Question": questions,
            "IamGroup": groups,
            "IntegrationSchedule": max(0, objects - rules - questions - groups),
        }


DEFAULT_SPLIT = Split()
NO_INTEGRATIONS = Split(rules=0.45, questions=0.45, iam_groups=0.10)


@dataclass
class GeneratedAccount:
    seed: JsonObject
    manifests: list[JsonObject]
    counts: dict[str, int] = field(default_factory=dict)


def generated_account(
    objects: int,
    *,
    split: Split = DEFAULT_SPLIT,
    changed_fraction: float = 0.0,
    seeded: bool = True,
    members_per_group: int = 3,
    prefix: str = "gen",
) -> GeneratedAccount:
    counts = split.counts(objects)
    users = [{"email": f"user{i}@example.com", "firstName": f"User{i}"} for i in range(USERS)]
    seed: JsonObject = {
        "users": users,
        "integrationDefinitions": [{"type": t, "title": t.title()} for t in INTEGRATION_TYPES],
        "integrationInstances": [],
        "questions": [],
        "rules": [],
        "iamGroups": [],
    }
    manifests: list[JsonObject] = []
    every = round(1 / changed_fraction) if changed_fraction > 0 else 0

    def changed(index: int) -> bool:
        return every > 0 and index % every == 0

    questions = [f"{prefix}-question-{i:05d}" for i in range(counts["Question"])]
    for i, name in enumerate(questions):
        spec = _question_spec(i)
        seed["questions"].append({"name": name, "tags": ["j1sync"], **spec})
        manifests.append(_manifest("Question", name, _edited(spec, changed(i))))
    for i in range(counts["AlertRule"]):
        name = f"{prefix}-rule-{i:05d}"
        ref = questions[i % len(questions)] if questions and i % 3 == 0 else None
        live, spec = _rule(i, ref)
        seed["rules"].append({"name": name, **live})
        manifests.append(_manifest("AlertRule", name, _edited(spec, changed(i))))
    for i in range(counts["IamGroup"]):
        name = f"{prefix}-group-{i:05d}"
        members = [users[(i + k) % USERS]["email"] for k in range(members_per_group)]
        spec = {
            "description": f"Generated group {i}",
            # each once: a permission listed twice is refused
            "abacPermissions": list(
                dict.fromkeys([PERMISSIONS[i % len(PERMISSIONS)], "readQuestions"])
            ),
            "queryPolicy": [{"_type": [f"type_{i % 7}"]}],
        }
        seed["iamGroups"].append({"name": name, "members": members, **spec})
        manifests.append(
            _manifest("IamGroup", name, _edited({**spec, "members": members}, changed(i)))
        )
    for i in range(counts["IntegrationSchedule"]):
        name = f"{prefix}-instance-{i:05d}"
        definition = INTEGRATION_TYPES[i % len(INTEGRATION_TYPES)]
        seed["integrationInstances"].append(
            {"name": name, "definition": definition, "pollingInterval": "ONE_DAY"}
        )
        interval = "ONE_WEEK" if changed(i) else "ONE_DAY"
        spec = {"definition": definition, "pollingInterval": interval}
        manifests.append(_manifest("IntegrationSchedule", name, spec))
    if not seeded:
        seed["questions"], seed["rules"], seed["iamGroups"] = [], [], []
    return GeneratedAccount(seed=seed, manifests=manifests, counts=counts)


def _manifest(kind: str, name: str, spec: JsonObject) -> JsonObject:
    return {"apiVersion": _API_VERSION, "kind": kind, "metadata": {"name": name}, "spec": spec}


def _edited(spec: JsonObject, changed: bool) -> JsonObject:
    if not changed:
        return spec
    return {**spec, "description": f"{spec.get('description', '')} (edited)".strip()}


def _question_spec(i: int) -> JsonObject:
    return {
        "title": f"Generated question {i}",
        "description": f"Question number {i}",
        "queries": [
            {"name": "good", "query": f"Find User with index={i} and active=true",
             "resultsAre": "GOOD"},
            {"name": "bad", "query": f"Find User with index={i} and active!=true",
             "resultsAre": "BAD"},
        ],
    }  # fmt: skip


def _rule(i: int, question_ref: str | None) -> tuple[JsonObject, JsonObject]:
    """(seed fields, manifest spec) of one rule."""
    operations = [
        {
            "when": {"type": "FILTER", "condition": ["AND", ["queries.query0.total", ">", 0]]},
            "actions": [
                {"type": "SET_PROPERTY", "targetProperty": "alertLevel", "targetValue": "LOW"},
                {"type": "CREATE_ALERT"},
            ],
        }
    ]
    common: JsonObject = {
        "description": f"Generated rule {i}",
        "pollingInterval": "ONE_DAY",
        "operations": operations,
        "outputs": ["queries.query0.total", "alertLevel"],
    }
    if question_ref is not None:
        common["operations"][0]["when"]["condition"] = ["AND", ["queries.good.total", ">", 0]]
        common["outputs"] = ["queries.good.total", "alertLevel"]
        seed = {**common, "questionName": question_ref, "tags": ["j1sync"]}
        return seed, {**common, "questionRef": question_ref}
    question = {"queries": [{"name": "query0", "query": f"Find Host with index={i}"}]}
    seed = {**common, "question": question, "tags": ["j1sync"]}
    return seed, {**common, "question": question}
