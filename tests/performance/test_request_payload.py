"""The transport prints each GraphQL document once; the payload must stay gql's."""

from __future__ import annotations

from typing import Any

import pytest
from gql import GraphQLRequest

from j1sync.providers.jupiterone.alert_rules import LIST_RULES
from j1sync.providers.jupiterone.iam_groups import CREATE_GROUP
from j1sync.providers.jupiterone.transport import _payload


@pytest.mark.parametrize(
    ("document", "variables", "operation"),
    [
        (LIST_RULES, {"limit": 100, "cursor": None}, "J1SyncListRuleInstances"),
        (CREATE_GROUP, {"name": "g"}, None),
        (LIST_RULES, None, None),
    ],
)
def test_the_payload_is_the_one_gql_builds(
    document: str, variables: dict[str, Any] | None, operation: str | None
) -> None:
    parsed = GraphQLRequest(document)
    for _ in range(2):  # printed, then from the cache
        request = GraphQLRequest(parsed, variable_values=variables, operation_name=operation)
        assert _payload(request) == request.payload
