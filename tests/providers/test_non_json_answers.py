"""A server answering something that is not a JSON object (an HTML page from a proxy, a
JSON list) is one clear ApiError naming the system and the HTTP status, for xyOps's and
OpenCTI's clients alike (http/session.json_object, no_object)."""

from __future__ import annotations

import pytest
import requests

from j1sync.errors import ApiError
from j1sync.http.session import json_object
from j1sync.providers.opencti.client import OpenCtiClient
from j1sync.providers.opencti.settings import OpenCtiSettings
from j1sync.providers.xyops.client import XyopsClient
from j1sync.providers.xyops.settings import XyopsSettings
from tests.http_servers import answering

KEY = "j1syncNonJsonTestKey0123456789"


@pytest.mark.parametrize(
    ("body", "content_type", "said"),
    [
        (b"<html>proxy login</html>", "text/html", "a non-JSON answer"),
        (b"[1, 2]", "application/json", "JSON that is a list, not an object"),
        (b'"ok"', "application/json", "JSON that is a string, not an object"),
    ],
    ids=["html", "json-list", "json-string"],
)
def test_an_answer_that_is_not_a_json_object_is_named(
    body: bytes, content_type: str, said: str
) -> None:
    with answering(200, body, content_type) as (url, _):
        xyops = XyopsClient(XyopsSettings(api_key=KEY, url=url, retry_budget_s=0))
        with pytest.raises(ApiError, match=rf"xyOps API returned {said} \(HTTP 200\)"):
            xyops.read("get_tags")
        opencti = OpenCtiClient(OpenCtiSettings(token=KEY, url=url, retry_budget_s=0))
        with pytest.raises(ApiError, match=rf"OpenCTI API returned {said} \(HTTP 200\) to labels"):
            opencti.query("labels", "query { labels { edges { node { id } } } }")
        xyops.close()
        opencti.close()


def test_json_object_is_the_body_only_when_it_is_an_object() -> None:
    with answering(200, b'{"code": 0}', "application/json") as (url, _):
        assert json_object(requests.get(url, timeout=5)) == {"code": 0}
    with answering(200, b"not json", "text/plain") as (url, _):
        assert json_object(requests.get(url, timeout=5)) is None
