"""The emulator's small J1QL, straight and over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import j1ql

from .conftest import Poster

ENTITIES: list[dict[str, Any]] = [
    {
        "_id": "1",
        "_type": ["aws_s3_bucket"],
        "_class": ["DataStore"],
        "displayName": "a",
        "encrypted": True,
        "classification": "critical",
        "size": 5,
    },
    {
        "_id": "2",
        "_type": ["aws_s3_bucket"],
        "_class": ["DataStore"],
        "displayName": "b",
        "encrypted": False,
        "classification": "sensitive",
        "size": 50,
    },
    {
        "_id": "3",
        "_type": ["aws_rds_cluster"],
        "_class": ["DataStore", "Database"],
        "displayName": "c",
        "classification": "public",
    },
    {
        "_id": "4",
        "_type": ["aws_instance"],
        "_class": ["Host"],
        "displayName": "d's host",
        "size": 7,
    },
]


def names(text: str, variables: dict[str, Any] | None = None) -> list[str]:
    kind, rows = j1ql.run(j1ql.parse(text, variables), ENTITIES)
    assert kind == "list"
    return [r["entity"]["displayName"] for r in rows]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FIND DataStore", ["a", "b", "c"]),
        ("find aws_s3_bucket", ["a", "b"]),
        ("Find *", ["a", "b", "c", "d's host"]),
        ("FIND DataStore WITH encrypted = true", ["a"]),
        ("FIND DataStore with encrypted!=true", ["b", "c"]),
        ("FIND DataStore WITH classification = 'critical' AND encrypted = true", ["a"]),
        (
            "FIND DataStore WITH classification=('critical' or 'sensitive') and encrypted!=true",
            ["b"],
        ),
        ('FIND * WITH displayName = "d\'s host"', ["d's host"]),
        ("FIND * WITH size > 6", ["b", "d's host"]),
        ("FIND * WITH size >= 5 AND size < 50", ["a", "d's host"]),
        ("FIND DataStore WITH encrypted = undefined", ["c"]),
        ("FIND * WITH size = 5 OR classification = 'public'", ["a", "c"]),
        ("FIND DataStore LIMIT 2", ["a", "b"]),
        ("FIND DataStore SKIP 1 LIMIT 1", ["b"]),
    ],
)
def test_find_with_conditions(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_variables_and_return_table() -> None:
    assert names("FIND * WITH classification = ${c}", {"c": "public"}) == ["c"]
    kind, rows = j1ql.run(
        j1ql.parse("FIND Host AS h RETURN h.displayName AS name, h.size"), ENTITIES
    )
    assert (kind, rows) == ("table", [{"name": "d's host", "h.size": 7}])


@pytest.mark.parametrize(
    "text", ["SELECT *", "FIND", "FIND DataStore WITH", "FIND X WITH a = ", "FIND X LIMIT"]
)
def test_unparseable_queries_raise(text: str) -> None:
    with pytest.raises(j1ql.J1qlError):
        j1ql.parse(text)


def test_bad_query_over_http_is_bad_user_input(gql: Poster) -> None:
    body = gql("query ($q: String!) { queryV1(query: $q) { type data } }", q="SELECT * FROM hosts")
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "serviceName": "j1ql"}


def test_deferred_url_needs_no_auth_and_reports_progress(gql: Poster) -> None:
    query = "query ($q: String!) { queryV1(query: $q, deferredResponse: FORCE) { type url } }"
    deferred = gql.data(query, q="FIND Host")["queryV1"]
    assert deferred["type"] == "deferred"
    assert deferred["url"].startswith(gql.emu.url + "/deferred/")
    first = gql.session.get(deferred["url"], timeout=5).json()
    assert first["status"] == "IN_PROGRESS"
    done = gql.session.get(deferred["url"], timeout=5).json()
    assert done["status"] == "COMPLETED" and len(done["data"]) == 2 and done["cursor"]
    results = gql.session.get(done["url"], timeout=5).json()
    assert results["type"] == "list" and results["data"] == done["data"]
    assert gql.session.get(gql.emu.url + "/deferred/unknown", timeout=5).status_code == 404
