"""GraphQL errors shaped like the live API's: HTTP 200, errors[] with extensions.code and
extensions.serviceName."""

from __future__ import annotations

from graphql import GraphQLError

NOT_FOUND = "NOT_FOUND"
BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class ApiFailure(GraphQLError):
    """Raised by resolvers; graphql-core keeps the extensions when it locates the error."""

    def __init__(self, message: str, code: str, service: str) -> None:
        super().__init__(message, extensions={"code": code, "serviceName": service})


def not_found(message: str, service: str) -> ApiFailure:
    return ApiFailure(message, NOT_FOUND, service)


def bad_input(message: str, service: str) -> ApiFailure:
    return ApiFailure(message, BAD_USER_INPUT, service)
