"""Saved questions: list (search, tags, type), read, create, update, delete."""

from __future__ import annotations

from j1sync.emulator.store import JsonObject
from j1sync.providers.jupiterone.emulator.api_errors import bad_input, not_found
from j1sync.providers.jupiterone.emulator.backend import RULES, Backend, Resolver
from j1sync.providers.jupiterone.values import (
    DEFAULT_POLLING_INTERVAL,
    DEFAULT_QUERY_VERSION,
    DEFAULT_RESULTS_ARE,
)

SERVICE = "questions"
COLLECTION = "questions"


def get_question(backend: Backend, question_id: str) -> JsonObject:
    question = backend.store.get(COLLECTION, question_id)
    if question is None:
        raise not_found(f"Question with id {question_id} does not exist", SERVICE)
    return question


def _queries(queries: list[JsonObject] | None) -> list[JsonObject]:
    if not queries:
        raise bad_input("A question must have at least one query", SERVICE)
    return [
        {
            "query": q["query"],
            "version": q.get("version") or DEFAULT_QUERY_VERSION,
            "name": q.get("name"),
            "resultsAre": q.get("resultsAre") or DEFAULT_RESULTS_ARE,
            "includeDeleted": bool(q.get("includeDeleted")),
        }
        for q in queries
        if q is not None
    ]


def _compliance(items: list[JsonObject] | None) -> list[JsonObject] | None:
    if items is None:
        return None
    return [
        {
            "standard": item["standard"],
            "requirements": item.get("requirements"),
            "controls": item.get("controls"),
        }
        for item in items
    ]


def create_question(backend: Backend, data: JsonObject) -> JsonObject:
    if not data.get("title"):
        raise bad_input("Question title must not be empty", SERVICE)
    question: JsonObject = {
        "id": data.get("id") or backend.new_id(),
        "sourceId": None,
        "title": data["title"],
        "name": data.get("name"),
        "tags": list(data.get("tags") or []),
        "description": data.get("description"),
        "showTrend": bool(data.get("showTrend")),
        "pollingInterval": data.get("pollingInterval") or DEFAULT_POLLING_INTERVAL,
        "queries": _queries(data.get("queries")),
        "defaultAnswerTemplate": None,
        "variables": data.get("variables"),
        "compliance": _compliance(data.get("compliance")),
        "integrationDefinitionId": data.get("integrationDefinitionId"),
        "accountId": backend.account,
        "lastUpdatedTimestamp": backend.now_ms(),
    }
    if data.get("widgetId") is not None:
        # a question created for a dashboard widget is hidden from the questions list
        question["widgetId"] = data["widgetId"]
    backend.store.insert(COLLECTION, question)
    return question


def update_question(backend: Backend, question_id: str, update: JsonObject) -> JsonObject:
    question = dict(get_question(backend, question_id))
    for key in ("title", "description", "showTrend", "pollingInterval"):
        if key in update and update[key] is not None:
            question[key] = update[key]
    if update.get("tags") is not None:
        question["tags"] = list(update["tags"])
    if update.get("queries") is not None:
        question["queries"] = _queries(update["queries"])
    if "compliance" in update:
        question["compliance"] = _compliance(update["compliance"])
    if not question["title"]:
        raise bad_input("Question title must not be empty", SERVICE)
    question["lastUpdatedTimestamp"] = backend.now_ms()
    backend.store.replace(COLLECTION, question)
    return question


def delete_question(backend: Backend, question_id: str) -> JsonObject:
    question = get_question(backend, question_id)
    users = [r["name"] for r in backend.store.objects(RULES) if r.get("questionId") == question_id]
    if users:
        raise bad_input(
            f"Question {question_id} is referenced by rule instances: {', '.join(users)}",
            SERVICE,
        )
    backend.store.delete(COLLECTION, question_id)
    return question


def list_questions(backend: Backend, args: JsonObject) -> JsonObject:
    search = (args.get("searchQuery") or "").lower()
    tags = set(args.get("tags") or [])
    managed_only = args.get("type") == "MANAGED_ONLY"  # the emulator has no managed questions

    def keep(question: JsonObject) -> bool:
        if not (managed_only or tags or search):  # the usual listing: no text to build
            return "widgetId" not in question
        if managed_only or "widgetId" in question:
            return False
        if tags and not tags & set(question.get("tags") or []):
            return False
        text = " ".join(str(question.get(k) or "") for k in ("title", "description", "name"))
        return search in text.lower()

    total = sum(1 for q in backend.store.objects(COLLECTION) if keep(q))
    questions, page_info = backend.page(COLLECTION, args.get("cursor"), args.get("limit"), keep)
    questions = backend.switches.list_answer("Question", questions)
    return {"questions": questions, "totalHits": total, "pageInfo": page_info}


def resolvers(backend: Backend) -> dict[str, Resolver]:
    return {
        "questions": lambda _, **args: list_questions(backend, args),
        "question": lambda _, id: get_question(backend, id),
        "createQuestion": lambda _, question: create_question(backend, question),
        "updateQuestion": lambda _, id, update: update_question(backend, id, update),
        "deleteQuestion": lambda _, id: delete_question(backend, id),
    }
