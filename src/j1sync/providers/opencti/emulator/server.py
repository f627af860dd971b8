"""The emulated OpenCTI HTTP front: POST /graphql with a JSON body {query, variables,
operationName} and `Authorization: Bearer <token>`. Latency, rate limits, injected 5xx and
lost responses (the shared switches) happen here; `OpenCtiApi` executes the operation.

Invalid JSON, a query that does not parse or validate: HTTP 400 with errors[] (Apollo
Server's answer; codes GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED / BAD_REQUEST).
Everything else is HTTP 200 with `data` and `errors` as graphql-core resolved them.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    execute,
    get_operation_ast,
    parse,
    validate,
)

from j1sync import json_input
from j1sync.emulator.faults import FaultSwitches, Stats
from j1sync.emulator.http_base import (
    JsonHandler,
    QuietThreadingHTTPServer,
    rate_limited,
)
from j1sync.providers.opencti.emulator.api import Context, OpenCtiApi
from j1sync.providers.opencti.settings import GRAPHQL_PATH

BEARER = "bearer "
RETRY_AFTER_S = 1  # a 429's Retry-After (a guess: docs/api-fidelity.md)
TOO_MANY = {"errors": [{"message": "Too many requests", "extensions": {"code": "RATE_LIMITED"}}]}
INTERNAL = {
    "errors": [
        {
            "message": "An unknown error has occurred",
            "extensions": {
                "code": "UNKNOWN_ERROR",
                "data": {"http_status": 500, "genre": "TECHNICAL"},
            },
        }
    ],
    "data": None,
}


class OpenCtiHTTPServer(QuietThreadingHTTPServer):
    def __init__(
        self, address: tuple[str, int], api: OpenCtiApi, switches: FaultSwitches, stats: Stats
    ) -> None:
        self.api = api
        self.switches = switches
        self.stats = stats
        super().__init__(address, _Handler)


def _bad_request(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def _body_shape_problem(variables: object, operation_name: object) -> str | None:
    """What Apollo Server 4 (OpenCTI 6's) answers 400 for in a POST body's variables and
    operationName, in its words; None when they are of the right types."""
    if variables is not None and not isinstance(variables, dict):
        return "`variables` in a POST body should be provided as an object if provided."
    if operation_name is not None and not isinstance(operation_name, str):
        return "`operationName` in a POST body should be provided as a string if provided."
    return None


class _Handler(JsonHandler):
    server: OpenCtiHTTPServer

    def stats(self) -> Stats:
        return self.server.stats

    def do_GET(self) -> None:
        self.server.stats.count_http()
        self.read_body()
        self.send_json(404, _bad_request(f"Cannot GET {self.path}", "NOT_FOUND"))

    def do_POST(self) -> None:
        server = self.server
        server.stats.count_http()
        raw = self.read_body()
        if self.path.split("?", 1)[0].rstrip("/") != GRAPHQL_PATH:
            self.send_json(404, _bad_request(f"Cannot POST {self.path}", "NOT_FOUND"))
            return
        switches = server.switches
        self.wait_latency(switches)
        if rate_limited(switches):
            wait = RETRY_AFTER_S if switches.retry_after_s is None else switches.retry_after_s
            self.send_json(429, TOO_MANY, {"Retry-After": str(wait)})
            return
        try:
            body = json_input.loads(raw or b"null", parse_constant=json_input.no_constant)
        except ValueError:
            self.send_json(400, _bad_request("POST body is not valid JSON", "BAD_REQUEST"))
            return
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            self.send_json(400, _bad_request("POST body must hold a query string", "BAD_REQUEST"))
            return
        variables = body.get("variables")
        operation_name = body.get("operationName")
        shape = _body_shape_problem(variables, operation_name)
        if shape is not None:
            self.send_json(400, _bad_request(shape, "BAD_REQUEST"))
            return
        variables = variables or {}
        try:
            document = parse(body["query"])
        except GraphQLError as exc:
            error = exc.formatted
            error["extensions"] = {"code": "GRAPHQL_PARSE_FAILED"}
            self.send_json(400, {"errors": [error]})
            return
        problems = validate(server.api.schema, document)
        if problems:
            errors = [
                {**p.formatted, "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}
                for p in problems
            ]
            self.send_json(400, {"errors": errors})
            return
        operation = get_operation_ast(document, operation_name)
        roots = _root_fields(operation)
        server.stats.count_operation(operation_name, roots)
        if switches.roll(switches.fail_rate):
            self.send_json(
                switches.fail_status,
                {"errors": [{"message": "Service Unavailable (emulator switch)"}]},
            )
            return
        lose = False
        if operation is not None and operation.operation == OperationType.MUTATION:
            for root in roots:
                mode = switches.take_failure(root, variables)
                if mode == "error":
                    self.send_json(200, INTERNAL)
                    return
                if mode == "5xx":
                    self.send_json(
                        switches.fail_status, {"errors": [{"message": "Service Unavailable"}]}
                    )
                    return
                if mode == "lose_response":
                    lose = True
            lose = lose or switches.roll(switches.lose_responses)
        answer = self._execute(document, variables, operation_name)
        if lose:
            self.drop_connection()
        else:
            self.send_json(200, answer)
        if switches.after_pending():
            for action in switches.take_after(roots):
                action()

    def _execute(
        self, document: DocumentNode, variables: Any, operation_name: str | None
    ) -> dict[str, Any]:
        api = self.server.api
        header = self.headers.get("Authorization") or ""
        token = header[len(BEARER) :].strip() if header.lower().startswith(BEARER) else None
        with api.lock:
            user = api.user_for(token)
            capabilities = api.user_capabilities(user) if user is not None else frozenset()
            result = execute(
                api.schema,
                document,
                context_value=Context(api, user, capabilities),
                variable_values=variables if isinstance(variables, dict) else {},
                operation_name=operation_name,
            )
        assert not hasattr(result, "__await__")
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer = {"errors": [e.formatted for e in result.errors], **answer}
        return answer


def _root_fields(operation: OperationDefinitionNode | None) -> list[str]:
    if operation is None:
        return []
    return [s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)]
