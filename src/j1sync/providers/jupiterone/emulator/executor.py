"""Executes GraphQL requests against the emulator's schema, shaping results and errors the
way the live API does, and applying the targeted failure switches to mutations."""

from __future__ import annotations

import functools
from collections.abc import Awaitable
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeGuard

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    build_schema,
    execute,
    get_operation_ast,
    parse,
    validate,
)

from j1sync.providers.jupiterone.emulator import (
    resolvers_dashboards,
    resolvers_iam,
    resolvers_integrations,
    resolvers_j1ql,
    resolvers_parameters,
    resolvers_questions,
    resolvers_resource_groups,
    resolvers_rules,
)
from j1sync.providers.jupiterone.emulator.api_errors import BAD_USER_INPUT, INTERNAL_SERVER_ERROR
from j1sync.providers.jupiterone.emulator.backend import Backend, Resolver
from j1sync.providers.jupiterone.emulator.switches import FailureMode, Stats
from j1sync.providers.jupiterone.endpoints import GATEWAY_PATH, ROOT_FIELDS, misplaced

JsonObject = dict[str, Any]
_MODULES = (
    resolvers_rules,
    resolvers_questions,
    resolvers_iam,
    resolvers_integrations,
    resolvers_parameters,
    resolvers_resource_groups,
    resolvers_dashboards,
)


def _never_awaitable(value: object) -> TypeGuard[Awaitable[Any]]:
    """graphql-core's test, per resolved value, for an async resolver's result: the
    emulator has none, and the test was ~15% of a page's execution (100 rules)."""
    return False


@functools.lru_cache(maxsize=1)
def load_schema() -> GraphQLSchema:
    """The emulator's schema: a subset of the live one, kept in the package."""
    sdl = (
        resources.files("j1sync.providers.jupiterone.emulator")
        .joinpath("schema.graphql")
        .read_text("utf-8")
    )
    return build_schema(sdl)


@functools.lru_cache(maxsize=512)
def _parsed_and_validated(
    schema: GraphQLSchema, query: str
) -> tuple[DocumentNode, tuple[GraphQLError, ...]]:
    """Clients send the same few documents again and again: parse and validate each once."""
    document = parse(query)
    return document, tuple(validate(schema, document))


@dataclass
class Outcome:
    """What to send back: an HTTP status and JSON body, or nothing at all."""

    status: int
    body: Any
    lose_response: bool = False


def _request_error(message: str, code: str) -> JsonObject:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


class GraphQLService:
    def __init__(self, backend: Backend, stats: Stats) -> None:
        self.backend = backend
        self.stats = stats
        self.schema = load_schema()
        self.root: dict[str, Resolver] = {}
        self.services: dict[str, str] = {}
        for module in (*_MODULES, resolvers_j1ql):
            found = module.resolvers(backend)
            self.root.update(found)
            self.services.update(dict.fromkeys(found, module.SERVICE))

    def misrouted(self, payload: Any, path: str) -> Outcome | None:
        """The answer to a request POSTed to an area's path that holds a root field the
        docs place on another area's endpoint (endpoints.misplaced). Assumed
        live answer: that endpoint's schema lacks the field, so validation fails (HTTP
        400, GRAPHQL_VALIDATION_FAILED), as Apollo Server answers an unknown field."""
        if path == GATEWAY_PATH:
            return None
        for is_mutation, fields in _operations_of(payload):
            wrong = misplaced(path, fields)
            if wrong is not None:
                type_name = "Mutation" if is_mutation else "Query"
                message = f'Cannot query field "{wrong[0]}" on type "{type_name}".'
                return Outcome(400, _request_error(message, "GRAPHQL_VALIDATION_FAILED"))
        return None

    def handle(self, payload: Any, base_url: str) -> Outcome:
        """A single operation or a batch (a JSON array of operations)."""
        switches = self.backend.switches
        actions = []
        if switches.after_pending():
            actions = switches.take_after([f for _, ops in _operations_of(payload) for f in ops])
        try:
            return self._handle(payload, base_url)
        finally:
            with self.backend.store.lock:
                for action in actions:
                    action()

    def _handle(self, payload: Any, base_url: str) -> Outcome:
        if isinstance(payload, list):
            outcomes = [self._one(item, base_url) for item in payload]
            lose = any(o.lose_response for o in outcomes)
            failed = next((o for o in outcomes if o.status >= 500), None)
            if failed is not None:
                return failed
            return Outcome(200, [o.body for o in outcomes], lose_response=lose)
        return self._one(payload, base_url)

    def _one(self, item: Any, base_url: str) -> Outcome:
        if not isinstance(item, dict) or not isinstance(item.get("query"), str):
            message = "GraphQL operations must contain a non-empty `query`."
            return Outcome(400, _request_error(message, "BAD_REQUEST"))
        variables = item.get("variables") or {}
        if not isinstance(variables, dict):
            return Outcome(400, _request_error("`variables` must be an object", "BAD_REQUEST"))
        try:
            document, problems = _parsed_and_validated(self.schema, item["query"])
        except GraphQLError as exc:
            return Outcome(400, {"errors": [_format(exc, "GRAPHQL_PARSE_FAILED")]})
        if problems:
            errors = [_format(p, "GRAPHQL_VALIDATION_FAILED") for p in problems]
            return Outcome(400, {"errors": errors})
        operation_name = item.get("operationName")
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            message = "Could not determine what operation to execute."
            return Outcome(400, _request_error(message, BAD_USER_INPUT))
        # each root field by its response key (its alias, else its name): errors' paths
        keys = {
            (s.alias or s.name).value: s.name.value
            for s in operation.selection_set.selections
            if isinstance(s, FieldNode) and s.name.value != "__typename"
        }
        fields = list(keys.values())
        name = operation_name or (operation.name.value if operation.name else None)
        self.stats.count_operation(name, fields)
        refused = self._refusal(keys)
        if refused is not None:
            return refused
        mode = None
        if operation.operation == OperationType.MUTATION:
            mode = self._failure_mode(fields, variables)
        if mode == "error":
            return Outcome(200, self._internal_error(next(iter(keys.items()))))
        if mode == "5xx":
            status = self.backend.switches.fail_status
            return Outcome(status, {"error": "Service Unavailable"})
        with self.backend.store.lock:  # one request at a time: reads see whole writes
            context = {"base_url": base_url}
            result = execute(  # no async resolvers: always a plain ExecutionResult
                self.schema,
                document,
                root_value=self.root,
                context_value=context,
                variable_values=variables,
                operation_name=operation_name,
                is_awaitable=_never_awaitable,
            )
        assert isinstance(result, ExecutionResult)
        body: JsonObject = {}
        if result.errors:
            if result.data is None and all(e.path is None for e in result.errors):
                # variables that do not fit the operation: rejected before execution
                return Outcome(400, {"errors": [_format(e, BAD_USER_INPUT) for e in result.errors]})
            body["errors"] = [self._format_field_error(e, keys) for e in result.errors]
        body["data"] = result.data
        return Outcome(200, body, lose_response=mode == "lose_response")

    def _refusal(self, keys: dict[str, str]) -> Outcome | None:
        """IAM root fields on an account without the IAM API or for a key without
        accessAdmin, and the `refused_fields` of the key's role. Assumed live answer
        (undocumented): HTTP 200, errors[] FORBIDDEN per field, nothing executed; see
        docs/api-fidelity.md."""
        switches = self.backend.switches
        refused = [key for key, f in keys.items() if f in switches.refused_fields]
        if refused:
            message = "Forbidden: the key's role lacks the permission this field needs"
            return _forbidden(refused, message, "graphql")
        if switches.iam_enabled and switches.iam_key_permitted:
            return None
        iam = [key for key, f in keys.items() if f in ROOT_FIELDS and ROOT_FIELDS[f].area == "iam"]
        if not iam:
            return None
        message = (
            "IAM API is not enabled for this account"
            if not switches.iam_enabled
            else "Forbidden: the accessAdmin permission is required"
        )
        return _forbidden(iam, message, "iam")

    def _failure_mode(self, fields: list[str], variables: JsonObject) -> FailureMode | None:
        switches = self.backend.switches
        for field_name in fields:
            mode = switches.take_failure(field_name, variables)
            if mode is not None:
                return mode
        return "lose_response" if switches.roll(switches.lose_responses) else None

    def _internal_error(self, root_field: tuple[str, str]) -> JsonObject:
        key, field_name = root_field
        extensions = {"code": INTERNAL_SERVER_ERROR, "serviceName": self._service(field_name)}
        error = {"message": "Internal server error", "path": [key], "extensions": extensions}
        return {"errors": [error], "data": None}

    def _service(self, field_name: str) -> str:
        return self.services.get(field_name, "graphql")

    def _format_field_error(self, error: GraphQLError, keys: dict[str, str]) -> JsonObject:
        formatted = _format(error, INTERNAL_SERVER_ERROR)
        key = str(error.path[0]) if error.path else ""
        formatted["extensions"].setdefault("serviceName", self._service(keys.get(key, key)))
        return formatted


def _operations_of(payload: Any) -> list[tuple[bool, list[str]]]:
    """(is a mutation, root field names) of each operation of a request (a batch's too);
    nothing for what does not parse (the executor answers that)."""
    items = payload if isinstance(payload, list) else [payload]
    found: list[tuple[bool, list[str]]] = []
    for item in items:
        query = item.get("query") if isinstance(item, dict) else None
        if not isinstance(query, str):
            continue
        try:
            document = _parsed(query)
        except GraphQLError:
            continue
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                selections = definition.selection_set.selections
                names = [s.name.value for s in selections if isinstance(s, FieldNode)]
                found.append((definition.operation == OperationType.MUTATION, names))
    return found


@functools.lru_cache(maxsize=512)
def _parsed(query: str) -> DocumentNode:
    return parse(query)


def _format(error: GraphQLError, default_code: str) -> JsonObject:
    formatted: JsonObject = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    if not extensions and isinstance(error.original_error, GraphQLError):
        extensions = dict(error.original_error.extensions or {})
    extensions.setdefault("code", default_code)
    formatted["extensions"] = extensions
    return formatted


def _forbidden(keys: list[str], message: str, service: str) -> Outcome:
    extensions = {"code": "FORBIDDEN", "serviceName": service}
    errors = [{"message": message, "path": [key], "extensions": extensions} for key in keys]
    return Outcome(200, {"errors": errors, "data": None})
