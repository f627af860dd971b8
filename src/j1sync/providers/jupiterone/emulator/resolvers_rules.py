"""Alert rules (rule instances): list, read, create/update inline or referenced, delete,
evaluate. Served by the "rules" service."""

from __future__ import annotations

from typing import Any

from j1sync.emulator.store import JsonObject
from j1sync.providers.jupiterone.emulator import resolvers_resource_groups
from j1sync.providers.jupiterone.emulator.api_errors import bad_input, not_found
from j1sync.providers.jupiterone.emulator.backend import RULES, Backend, Resolver
from j1sync.providers.jupiterone.emulator.resolvers_questions import COLLECTION as QUESTIONS
from j1sync.providers.jupiterone.values import DEFAULT_POLLING_INTERVAL, DEFAULT_QUERY_VERSION

SERVICE = "rules"
COLLECTION = RULES

# the live API's message, recorded by the Terraform provider's tests
MISSING_RULE = (
    "Rule instance does not exist (failedOperation=getLatestPersistedRuleVersionById, "
    "attributeValues=[object Object])"
)


def get_rule(backend: Backend, rule_id: str) -> JsonObject:
    rule = backend.store.get(COLLECTION, rule_id)
    if rule is None:
        raise not_found(MISSING_RULE, SERVICE)
    return rule


# An operation without a condition omits `when`; JupiterOne's Terraform provider marks
# RuleOperationInput.when `omitempty` because "`when: null` will produce an error" live
# (its rule.graphql). The message is the emulator's own: no recording holds the live one.
NULL_WHEN = (
    "operations[{index}].when must not be null: omit `when` for an operation without a condition"
)


def _with_action_ids(backend: Backend, operations: list[JsonObject] | None) -> list[JsonObject]:
    """The server gives every action a fresh id on each create and update."""
    result = []
    for index, operation in enumerate(operations or []):
        if "when" in operation and operation["when"] is None:
            raise bad_input(NULL_WHEN.format(index=index), SERVICE)
        actions = [
            {**{k: v for k, v in action.items() if k != "id"}, "id": backend.new_id()}
            for action in operation.get("actions") or []
        ]
        result.append({"when": operation.get("when"), "actions": actions})
    return result


def _inline_question(question: JsonObject) -> JsonObject:
    return {
        "queries": [
            {
                "query": q["query"],
                "name": q.get("name"),
                "version": q.get("version") or DEFAULT_QUERY_VERSION,
                "includeDeleted": bool(q.get("includeDeleted")),
            }
            for q in question.get("queries") or []
        ]
    }


def _resolve_question_ref(backend: Backend, instance: JsonObject) -> JsonObject:
    """questionId and/or questionName must name one saved question (the same one if both)."""
    question_id, question_name = instance.get("questionId"), instance.get("questionName")
    by_id = backend.store.get(QUESTIONS, question_id) if question_id else None
    by_name = None
    if question_name:
        by_name = next(
            (q for q in backend.store.objects(QUESTIONS) if q.get("name") == question_name), None
        )
    if question_id and by_id is None:
        raise bad_input(f"Question with id {question_id} does not exist", SERVICE)
    if question_name and by_name is None:
        raise bad_input(f"Question with name {question_name} does not exist", SERVICE)
    if by_id and by_name and by_id["id"] != by_name["id"]:
        raise bad_input("questionId and questionName refer to different questions", SERVICE)
    found = by_id or by_name
    if found is None:
        raise bad_input("Either questionId or questionName must be specified", SERVICE)
    return found


def _common_fields(backend: Backend, instance: JsonObject) -> JsonObject:
    if not instance.get("name"):
        raise bad_input("Rule instance name must not be empty", SERVICE)
    resolvers_resource_groups.check_rule_group(backend, instance.get("resourceGroupId"))
    return {
        "name": instance["name"],
        "description": instance.get("description"),
        "specVersion": instance.get("specVersion", 1),
        "notifyOnFailure": bool(instance.get("notifyOnFailure")),
        "triggerActionsOnNewEntitiesOnly": bool(instance.get("triggerActionsOnNewEntitiesOnly")),
        "ignorePreviousResults": bool(instance.get("ignorePreviousResults")),
        "operations": _with_action_ids(backend, instance.get("operations")),
        "outputs": list(instance.get("outputs") or []),
        "pollingInterval": instance.get("pollingInterval") or DEFAULT_POLLING_INTERVAL,
        "templates": instance.get("templates"),
        "tags": list(instance.get("tags") or []),
        "labels": list(instance.get("labels") or []),
        "remediationSteps": instance.get("remediationSteps") or None,
        "resourceGroupId": instance.get("resourceGroupId"),
        "updatedOn": backend.now_ms(),
    }


def _question_fields(backend: Backend, instance: JsonObject, referenced: bool) -> JsonObject:
    if referenced:
        question = _resolve_question_ref(backend, instance)
        return {"question": None, "questionId": question["id"], "questionName": question["name"]}
    return {
        "question": _inline_question(instance.get("question") or {}),
        "questionId": None,
        "questionName": None,
    }


def create_rule(backend: Backend, instance: JsonObject, referenced: bool) -> JsonObject:
    rule: JsonObject = {
        "id": instance.get("id") or backend.new_id(),
        "accountId": backend.account,
        "version": 1,
        "latest": True,
        "deleted": False,
        "type": "QUESTION",
        "latestAlertId": None,
        "latestAlertIsActive": None,
        "state": {"actions": None},
        "lastEvaluationStartOn": None,
        "lastEvaluationEndOn": None,
        "lastSuccessfulEvaluationEndOn": None,
        "lastFailedEvaluationEndOn": None,
        "evaluationStep": None,
        **_common_fields(backend, instance),
        **_question_fields(backend, instance, referenced),
    }
    backend.store.insert(COLLECTION, rule)
    return rule


def update_rule(backend: Backend, instance: JsonObject, referenced: bool) -> JsonObject:
    current = get_rule(backend, instance["id"])
    # Optimistic concurrency: the update names the version it starts from. The official
    # Python client sends the version it is creating (current + 1), so accept that too;
    # anything else means someone else updated the rule in between.
    if instance["version"] not in (current["version"], current["version"] + 1):
        raise bad_input(
            f"Rule instance version mismatch: the latest version of rule instance "
            f"{current['id']} is {current['version']}, but the update was for version "
            f"{instance['version']}",
            SERVICE,
        )
    if referenced and not (instance.get("questionId") or instance.get("questionName")):
        question = {k: current[k] for k in ("question", "questionId", "questionName")}
        if current.get("questionId") is None:
            raise bad_input("Either questionId or questionName must be specified", SERVICE)
    else:
        question = _question_fields(backend, instance, referenced)
    updated = {
        **current,
        **_common_fields(backend, instance),
        **question,
        "version": current["version"] + 1,
    }
    backend.store.replace(COLLECTION, updated)
    return updated


def delete_rule(backend: Backend, rule_id: str) -> JsonObject:
    get_rule(backend, rule_id)
    backend.store.delete(COLLECTION, rule_id)
    return {"id": rule_id}


def list_rules(
    backend: Backend, limit: int | None, cursor: str | None, filters: JsonObject | None
) -> JsonObject:
    wanted = set((filters or {}).get("tags") or [])

    def keep(rule: JsonObject) -> bool:
        return not wanted or bool(wanted & set(rule.get("tags") or []))

    rules, page_info = backend.page(COLLECTION, cursor, limit, keep)
    rules = backend.switches.list_answer("QuestionRuleInstance", rules)
    return {"questionInstances": rules, "reportInstances": [], "pageInfo": page_info}


def evaluate_rule(backend: Backend, rule_id: str) -> JsonObject:
    rule = get_rule(backend, rule_id)
    return {"id": rule_id, "outputs": [{"name": name, "value": None} for name in rule["outputs"]]}


def resolvers(backend: Backend) -> dict[str, Resolver]:
    def _list(_: Any, limit: int | None = None, cursor: str | None = None, **kw: Any) -> Any:
        return list_rules(backend, limit, cursor, kw.get("filters"))

    return {
        "listRuleInstances": _list,
        "questionRuleInstance": lambda _, id, **__: get_rule(backend, id),
        "createInlineQuestionRuleInstance": lambda _, instance: create_rule(
            backend, instance, referenced=False
        ),
        "createReferencedQuestionRuleInstance": lambda _, instance: create_rule(
            backend, instance, referenced=True
        ),
        "updateInlineQuestionRuleInstance": lambda _, instance: update_rule(
            backend, instance, referenced=False
        ),
        "updateReferencedQuestionRuleInstance": lambda _, instance: update_rule(
            backend, instance, referenced=True
        ),
        "deleteRuleInstance": lambda _, id: delete_rule(backend, id),
        "evaluateRuleInstance": lambda _, id: evaluate_rule(backend, id),
    }
