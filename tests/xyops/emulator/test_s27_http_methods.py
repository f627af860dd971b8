"""A request of another method than GET or POST (PUT, PATCH, DELETE, OPTIONS, HEAD, any
other) was answered with Python's HTML "501 Unsupported method" page. xyOps answers JSON
whatever happens (api-v1.0.88.md, "Standard Response Format": `code` and `description`),
so the emulator refuses such a request as it refuses a malformed one: HTTP 400, code
`api`, naming the method and the two it serves, nothing changed (docs/api-fidelity.md,
"xyOps": the live server's answer is a guess)."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest
import requests

from j1sync.providers.xyops.emulator import XyOpsEmulator, running_xyops_emulator
from tests.xyops.emulator.conftest import Api


def _refused_json(response: requests.Response, method: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "api",
        "description": f"Unsupported HTTP method: {method} (xyOps API calls are GET or POST)",
    }


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS"])
@pytest.mark.parametrize("name", ["create_tag", "get_tags", "delete_tag", "no_such_call"])
def test_another_method_is_refused_as_json(
    api: Api, emu: XyOpsEmulator, method: str, name: str
) -> None:
    before = emu.snapshot()
    response = api.session.request(
        method,
        emu.api_url(name),
        json={"id": "important", "title": "Changed"},
        headers={"X-API-Key": emu.api_key},
        timeout=10,
    )
    _refused_json(response, method)
    assert emu.snapshot() == before
    # the same session goes on: the body never read did not end up in the next request
    assert api.ok("get_tags")["rows"]


def test_a_method_python_has_no_name_for_is_refused_as_json(emu: XyOpsEmulator) -> None:
    url = urlsplit(emu.api_url("get_tags"))
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    try:
        connection.request("FROB", url.path, headers={"X-API-Key": emu.api_key})
        answer = connection.getresponse()
        body = json.loads(answer.read())
    finally:
        connection.close()
    assert answer.status == 400
    assert body == {
        "code": "api",
        "description": "Unsupported HTTP method: FROB (xyOps API calls are GET or POST)",
    }


def test_head_is_refused_without_a_body(api: Api, emu: XyOpsEmulator) -> None:
    response = api.session.head(emu.api_url("get_tags"), timeout=10)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.content == b""


def test_no_key_is_needed_to_be_told(emu: XyOpsEmulator) -> None:
    """The method is judged before the key: what is wrong first is said first."""
    _refused_json(requests.put(emu.api_url("get_tags"), timeout=10), "PUT")


def test_errors_in_200_answers_it_so_too() -> None:
    with running_xyops_emulator(errors_in_200=True) as emu:
        response = requests.delete(
            emu.api_url("delete_tag"),
            json={"id": "important"},
            headers={"X-API-Key": emu.api_key},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.json()["code"] == "api"
        assert [t["id"] for t in emu.snapshot()["tags"]] == ["important"]
