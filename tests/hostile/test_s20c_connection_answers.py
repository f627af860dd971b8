"""A GraphQL answer that is not what OpenCTI's schema types it (a proxy gone wrong, another
GraphQL server at OPENCTI_URL). A connection is `{pageInfo: PageInfo!, edges: [XEdge!]}`
and each edge's `node` an object (schema-6.9.17.graphql); j1sync read edges of a number as
'internal error: TypeError', edges of a string or an edge without its object as no objects
at all (a plan to create what the platform holds), a pageInfo of a number or a cursor of a
map as an internal error; so too a role whose capabilities were a number, a workflow
status whose order was no number, a capabilities list of a number, and an apply lock
entry the answer to vocabularyAdd held no id of. Each is now one line saying what the
answer lacks and asking whether OPENCTI_URL is the OpenCTI server, exit 1, nothing
changed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from tests.http_servers import answering as canned

TOKEN = "6b3e2f5c-0d4a-4e8b-9c1d-2a7f8e9b0c13"
LISTS = [
    "markingDefinitions",
    "labels",
    "killChainPhases",
    "vocabularies",
    "roles",
    "groups",
    "statusTemplates",
    "subTypes",
    "taxiiCollections",
    "streamCollections",
    "feeds",
]
CAPABILITIES = {"edges": [{"node": {"id": "c1", "name": "KNOWLEDGE"}}]}
MANIFESTS = """apiVersion: opencti.j1sync/v1
kind: Label
metadata:
  name: phishing
---
apiVersion: opencti.j1sync/v1
kind: Role
metadata:
  name: Analyst
spec:
  capabilities: [KNOWLEDGE]
---
apiVersion: opencti.j1sync/v1
kind: Workflow
metadata:
  name: Report
spec:
  statuses: [NEW]
"""


def _page(*nodes: Any, **info: Any) -> dict[str, Any]:
    return {"edges": [{"node": n} for n in nodes], "pageInfo": {"hasNextPage": False, **info}}


@contextmanager
def answering(**fields: Any) -> Iterator[str]:
    """A GraphQL endpoint on 127.0.0.1 whose every answer's data holds each list empty,
    the capability KNOWLEDGE and `fields` besides; its base URL."""
    data: dict[str, Any] = {name: _page() for name in LISTS}
    data.update({"settings": {"id": "settings"}, "capabilities": CAPABILITIES, **fields})
    body = json.dumps({"data": data}).encode()
    with canned(200, body) as (url, _):
        yield url


@pytest.fixture(autouse=True)
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    Path("m/access.yaml").write_text(MANIFESTS, encoding="utf-8")


def _run(url: str, *args: str) -> tuple[int, str]:
    env = {"OPENCTI_URL": url, "OPENCTI_TOKEN": TOKEN, "NO_COLOR": "1"}
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.output


LABEL = {"id": "l1", "value": "phishing", "color": "#fff"}
ROLE = {"id": "r1", "name": "Analyst", "description": "managed-by: j1sync", "capabilities": 5}
REPORT = {"id": "Report", "statuses": [{"id": "s1", "template": {"name": "NEW"}, "order": "x"}]}
ANSWERS = {
    "edges of a number": ({"labels": {"edges": 5, "pageInfo": {}}}, "labels is no list"),
    "edges of a string": ({"labels": {"edges": "ab", "pageInfo": {}}}, "labels is no list"),
    "an edge without its node": (
        {"labels": {"edges": [{"node": None}], "pageInfo": {}}},
        "labels holds an edge without an object",
    ),
    "pageInfo of a number": ({"labels": {"edges": [], "pageInfo": 5}}, "labels is no list"),
    "a role's capabilities of a number": ({"roles": _page(ROLE)}, "the object r1 is not as"),
    "a status order of a word": ({"subTypes": _page(REPORT)}, "the object Report is not as"),
    "capabilities of a number": ({"capabilities": {"edges": 5}}, "no list of capabilities"),
}


@pytest.mark.parametrize("case", list(ANSWERS))
def test_an_answer_opencti_never_gives_is_one_line(case: str) -> None:
    fields, problem = ANSWERS[case]
    with answering(**fields) as url:
        code, output = _run(url, "plan", "m")
    assert code == 1, output
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, output
    assert problem in errors[0]
    assert f"is {url} the OpenCTI server? Check OPENCTI_URL" in errors[0]
    assert "internal error" not in output and "Traceback" not in output


def test_a_page_cursor_that_is_no_text_is_one_line() -> None:
    labels = _page(LABEL, hasNextPage=True, endCursor={"after": 1})
    with answering(labels=labels) as url:
        code, output = _run(url, "plan", "m")
    assert code == 1, output
    assert (
        "Error: OpenCTI API (list labels): the answer says more pages follow but gives no endCursor"
    ) in output
    assert "internal error" not in output and "Traceback" not in output


def test_an_apply_lock_entry_created_without_an_id_stops_before_any_change() -> None:
    with answering(vocabularyAdd={"name": "j1sync-state:lock"}) as url:
        code, output = _run(url, "apply", "m", "--auto-approve")
    assert code == 1, output
    assert "could not take the apply lock" in output
    assert "vocabularyAdd (j1sync state)): no object in the answer" in output
    assert "nothing was changed" in output
    assert "internal error" not in output and "Traceback" not in output
