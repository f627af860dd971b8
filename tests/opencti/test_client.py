"""The OpenCTI client against the emulator (a real HTTP server on loopback): paged lists,
OpenCTI's errors as j1sync's (naming the operation, never the token), reads retried on
429, 5xx and lost answers, mutations only on 429."""

from __future__ import annotations

import pytest

from j1sync.errors import (
    ApiError,
    AuthError,
    BadUserInput,
    NotFound,
    RetryBudgetExceeded,
    TransientError,
)
from j1sync.providers.opencti.kinds_base import list_document
from tests.opencti.helpers import Platform

LABEL_ADD = "mutation Add($input: LabelAddInput!) { labelAdd(input: $input) { id value } }"
LABEL_PATCH = (
    "mutation Patch($id: ID!, $input: [EditInput]!) "
    "{ labelEdit(id: $id) { fieldPatch(input: $input) { id } } }"
)
LABEL_DELETE = "mutation Delete($id: ID!) { labelEdit(id: $id) { delete } }"
LABELS = list_document("labels", "value color")


def _add(platform: Platform, value: str) -> str:
    data = platform.client().mutate("labelAdd", LABEL_ADD, {"input": {"value": value}})
    return str(data["labelAdd"]["id"])


def test_a_paged_list_reads_every_page(platform: Platform) -> None:
    for index in range(7):
        _add(platform, f"label-{index}")
    client = platform.client(page_size=3)
    rows = client.paged("labels", LABELS, "labels")
    assert sorted(r["value"] for r in rows) == [f"label-{i}" for i in range(7)]
    assert client.requests_sent == 3  # 3 + 3 + 1
    assert all(r["id"] and r["entity_type"] == "Label" for r in rows)


def test_an_unknown_token_is_an_auth_error_that_names_the_variable_not_the_token(
    platform: Platform,
) -> None:
    token = "0f3c1d55-1b7e-4c59-a4b2-6d8e9f0a1b2c"
    with pytest.raises(AuthError) as caught:
        platform.client(token=token).paged("labels", LABELS, "labels")
    message = str(caught.value)
    assert "AUTH_REQUIRED" in message and "OPENCTI_TOKEN" in message
    assert "labels" in message
    assert token not in message
    assert token not in repr(platform.client(token=token))


def test_a_missing_capability_is_an_auth_error_naming_the_operation(platform: Platform) -> None:
    analyst = platform.client(token=platform.emu.limited_token)
    with pytest.raises(AuthError) as caught:
        analyst.mutate("labelAdd", LABEL_ADD, {"input": {"value": "nope"}})
    assert "FORBIDDEN_ACCESS" in str(caught.value)
    assert "labelAdd" in str(caught.value)
    assert "capability" in str(caught.value)
    assert not platform.stored("labels")


def test_refused_input_and_deleted_objects_are_their_own_errors(platform: Platform) -> None:
    client = platform.client()
    label = _add(platform, "kept")
    bad = [{"key": "no_such_field", "value": ["x"], "operation": "replace"}]
    with pytest.raises(BadUserInput) as refused:
        client.mutate("labelEdit.fieldPatch", LABEL_PATCH, {"id": label, "input": bad})
    assert "FUNCTIONAL_ERROR" in str(refused.value)
    client.mutate("labelEdit.delete", LABEL_DELETE, {"id": label})
    with pytest.raises(NotFound) as gone:
        client.mutate("labelEdit.delete", LABEL_DELETE, {"id": label})
    assert "ALREADY_DELETED_ERROR" in str(gone.value)


def test_a_request_the_schema_refuses_is_an_api_error_not_a_retry(platform: Platform) -> None:
    client = platform.client()
    with pytest.raises(ApiError) as caught:
        client.query("labels", "query { labels { edges { node { no_such_field } } } }")
    assert not isinstance(caught.value, TransientError)
    assert "GRAPHQL_VALIDATION_FAILED" in str(caught.value)
    assert client.requests_sent == 1


def test_reads_are_retried_on_5xx_and_429(platform: Platform) -> None:
    _add(platform, "one")
    platform.emu.switches.fail_rate = 0.5
    platform.emu.switches.rate_429 = 0.3
    platform.emu.switches.retry_after_s = 0  # retried at once (the emulator's default: 1 s)
    platform.emu.switches.reseed(7)
    client = platform.client(retry_budget_s=30.0)
    for _ in range(5):
        assert [r["value"] for r in client.paged("labels", LABELS, "labels")] == ["one"]
    assert client.requests_sent > 5  # some were answered 5xx or 429 and repeated
    statuses = platform.emu.stats.statuses
    assert statuses[503] + statuses[429] == client.requests_sent - 5


def test_a_mutation_answered_5xx_is_not_repeated(platform: Platform) -> None:
    platform.emu.switches.fail_mutation("labelAdd", mode="5xx", times=1)
    client = platform.client()
    with pytest.raises(TransientError):
        client.mutate("labelAdd", LABEL_ADD, {"input": {"value": "once"}})
    assert client.requests_sent == 1
    assert not platform.stored("labels")


def test_a_mutation_whose_answer_is_lost_raises_transient_after_committing(
    platform: Platform,
) -> None:
    platform.emu.switches.fail_mutation("labelAdd", mode="lose_response", times=1)
    client = platform.client()
    with pytest.raises(TransientError):
        client.mutate("labelAdd", LABEL_ADD, {"input": {"value": "lost"}})
    assert client.requests_sent == 1
    assert [o["value"] for o in platform.stored("labels")] == ["lost"]


def test_an_internal_error_answer_to_a_mutation_is_transient(platform: Platform) -> None:
    platform.emu.switches.fail_mutation("labelAdd", mode="error", times=1)
    with pytest.raises(TransientError) as caught:
        platform.client().mutate("labelAdd", LABEL_ADD, {"input": {"value": "x"}})
    assert "UNKNOWN_ERROR" in str(caught.value)


def test_a_mutation_answered_429_is_repeated(platform: Platform) -> None:
    platform.emu.switches.rate_429 = 0.6
    platform.emu.switches.retry_after_s = 0  # retried at once (the emulator's default: 1 s)
    platform.emu.switches.reseed(3)
    client = platform.client(retry_budget_s=30.0)
    for index in range(4):
        client.mutate("labelAdd", LABEL_ADD, {"input": {"value": f"v{index}"}})
    assert sorted(o["value"] for o in platform.stored("labels")) == ["v0", "v1", "v2", "v3"]
    assert platform.emu.stats.statuses[429] == client.requests_sent - 4 > 0


def test_retries_end_with_the_budget(platform: Platform) -> None:
    # a first answer before the failures: a cold emulator's first answer (its schema
    # built, the connection made) could take the whole budget, leaving no second attempt
    client = platform.client(retry_budget_s=1.0)
    client.paged("labels", LABELS, "labels")
    sent = client.requests_sent
    platform.emu.switches.fail_rate = 1.0
    with pytest.raises(RetryBudgetExceeded) as caught:
        client.paged("labels", LABELS, "labels")
    assert "OpenCTI" in str(caught.value) and "--retry-budget" in str(caught.value)
    assert client.requests_sent > sent + 1
