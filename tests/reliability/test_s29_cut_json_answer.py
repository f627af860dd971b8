"""A 200 whose JSON body stops mid-way, its Content-Length saying just as much (a proxy
that ended the body early), is an answer cut before its end: a read retries it as it
retries a connection broken mid-answer, and the message says the answer was cut off.
Before, every client said the server returned something that is no JSON and asked
whether the URL was the API's ("is that JupiterOne's API? Check JUPITERONE_API_URL"),
and did not retry. An HTML page (a login page at the URL) is still no JSON, and still
asks that question."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from j1sync.http.session import cut_off_json
from tests.http_servers import answering
from tests.reliability.test_s29_retry_after_floor import plan_against

CUT = b'{"data": {"questions": {"questions": [{"id": "a'
HTML = b"<html><body>Login page</body></html>"
SYSTEMS = ["JupiterOne", "xyOps", "OpenCTI"]


@contextmanager
def answering_200(body: bytes, content_type: str) -> Iterator[tuple[str, list[float]]]:
    """A server on 127.0.0.1 answering every request 200 with `body` (a Content-Length
    that matches it); its URL, and when each request came."""
    with answering(200, body, content_type) as (url, seen):
        yield f"{url}/", seen


def error_line(said: str) -> str:
    errors = [line for line in said.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, said
    return errors[0]


@pytest.mark.parametrize("system", SYSTEMS)
def test_json_cut_off_mid_way_is_retried_as_a_cut_answer(system: str, tmp_path: Path) -> None:
    with answering_200(CUT, "application/json") as (url, seen):
        code, said = plan_against(
            system,
            url,
            tmp_path,
            "--retry-budget",
            "2",
            env={"J1SYNC_BACKOFF_INITIAL_S": "0.05", "J1SYNC_BACKOFF_MAX_S": "0.1"},
        )
        requests = len(seen)
    line = error_line(said)
    assert code == 1, said
    assert f"{system} API answer cut off mid-way" in line, line
    assert "gave up after" in line, line
    assert "non-JSON" not in line and "Check" not in line.split("--retry-budget")[0], line
    assert requests > 1, said  # retried


@pytest.mark.parametrize("system", SYSTEMS)
def test_an_html_page_is_still_no_json_and_asks_whether_the_url_is_the_apis(
    system: str, tmp_path: Path
) -> None:
    with answering_200(HTML, "text/html") as (url, _):
        code, said = plan_against(system, url, tmp_path, "--retry-budget", "2")
    line = error_line(said)
    assert code == 1, said
    assert "non-JSON" in line, line
    assert "cut off" not in line, line


def test_every_prefix_of_an_answer_is_json_cut_off_and_other_bodies_are_not() -> None:
    whole = (
        '{"data": {"q": [{"id": "a\\u00e9\\"b\\n\\ud83d\\ude00", "n": -12.5e+3, "t": true,'
        ' "f": false, "z": null, "l": [1, 2.0, [], {}]}], "page": {"end": null}}}'
    )
    for end in range(1, len(whole)):
        assert cut_off_json(whole[:end]), whole[:end]
    assert cut_off_json(whole.encode()[:-1])
    assert cut_off_json("\u00e9".join(['{"a": "', '"}']).encode()[:8])  # mid-character
    for body in [
        whole,
        "",
        "<html>",
        "garbage",
        '"a string',
        '{"a": 1} x',
        '{"a": x}',
        '{"a": 1,,}',
        '{"a": tru e}',
        "[1 2]",
        '{"a": "\x01"}',
    ]:
        assert not cut_off_json(body), body
