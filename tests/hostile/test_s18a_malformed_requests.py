"""Requests a served emulator cannot read, as a hostile or broken client sends them.

- A Content-Length that is not a byte count (`-5`, `abc`, `+5`) or is more than any client
  sends (100 TB): the handler failed reading the body, the client was cut off without an
  answer, and the emulator printed a Python traceback (`ValueError: read length must be
  non-negative or -1`, `invalid literal for int()`) on its stderr for every such request.
  Each emulator now answers 400 (413 for the huge one), JSON, and closes the connection.
- A JSON body nested 100,000 levels deep: `RecursionError` in the handler, the same
  traceback and cut-off client. Each emulator now answers it 400 as the JSON it cannot
  read (its own wording for invalid JSON).
- `NaN` or `Infinity` in a JSON body (Python's json.dumps writes them by default): the
  JupiterOne and OpenCTI emulators took them and answered 200, where the real APIs, which
  read JSON with JavaScript's JSON.parse, refuse the body (as the xyOps emulator did). All
  three now answer 400 as invalid JSON.
- OpenCTI: `variables` that are not an object (`5`, `"abc"`, a list) or an
  `operationName` that is not a string were taken, and the operation run (a mutation
  too) with the variables dropped. Apollo Server 4, OpenCTI 6's, answers 400 BAD_REQUEST
  before running anything; so does the emulator now, in its words.

Either way its stderr stays clean and it keeps serving."""

from __future__ import annotations

import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from j1sync.providers.jupiterone.emulator.app import DEFAULT_ACCOUNT as J1_ACCOUNT
from j1sync.providers.jupiterone.emulator.app import DEFAULT_API_KEY as J1_KEY
from j1sync.providers.opencti.emulator.seed import ADMIN_TOKEN
from j1sync.providers.xyops.emulator.app import DEFAULT_API_KEY as XYOPS_KEY
from tests.reliability.processes import start_j1sync

# system -> a path its API answers POSTs on
PATHS = {"jupiterone": "/", "xyops": "/api/app/get_tags/v1", "opencti": "/graphql"}
# path -> the credential headers of the emulator serving it (its defaults)
KEYS = {
    "/": f"Authorization: Bearer {J1_KEY}\r\nJupiterOne-Account: {J1_ACCOUNT}\r\n",
    "/api/app/get_tags/v1": f"X-API-Key: {XYOPS_KEY}\r\n",
    "/graphql": f"Authorization: Bearer {ADMIN_TOKEN}\r\n",
}
LENGTHS = {"-5": 400, "abc": 400, "+5": 400, "1.5": 400, "100000000000000": 413}


@contextmanager
def _served(system: str, cwd: Path, stderr: list[str]) -> Iterator[int]:
    """The port of `j1sync emulator serve --system SYSTEM`, stopped (SIGTERM) after the
    block; its stderr appended to `stderr`."""
    args = ["emulator", "serve", "--system", system, "--port", "0", "--db", "state.db"]
    process = start_j1sync(args, {}, cwd)
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        port = urlsplit(banner.split("listening on ", 1)[1].split()[0]).port
        assert port is not None, banner
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        stderr.append(process.communicate(timeout=30)[1])


def _answer(port: int, path: str, length: str, body: bytes = b"") -> bytes:
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\n{KEYS[path]}Content-Length: {length}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request.encode() + body)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("system", list(PATHS))
def test_a_bad_content_length_is_answered_not_a_traceback(tmp_path: Path, system: str) -> None:
    stderr: list[str] = []
    with _served(system, tmp_path, stderr) as port:
        for length, status in LENGTHS.items():
            answer = _answer(port, PATHS[system], length)
            assert answer.startswith(f"HTTP/1.1 {status} ".encode()), (length, answer)
            assert b"Content-Type: application/json" in answer
        still = _answer(port, PATHS[system], "0")  # still serving
        assert still.startswith(b"HTTP/1.1 "), still
    assert "Traceback" not in stderr[0] and "Error" not in stderr[0], stderr[0]


# nested deeper than the JSON decoder recurses; each emulator's answer to JSON it cannot read
DEEP = b"[" * 100_000 + b"]" * 100_000
INVALID_JSON = {
    "jupiterone": b"Invalid JSON in request body",
    "xyops": b"Failed to parse JSON: nested too deeply",
    "opencti": b"POST body is not valid JSON",
}


@pytest.mark.parametrize("system", list(PATHS))
def test_json_nested_too_deeply_is_answered_as_invalid_json(tmp_path: Path, system: str) -> None:
    stderr: list[str] = []
    with _served(system, tmp_path, stderr) as port:
        answer = _answer(port, PATHS[system], str(len(DEEP)), DEEP)
        assert answer.startswith(b"HTTP/1.1 400 "), answer
        assert INVALID_JSON[system] in answer, answer
    assert "Traceback" not in stderr[0] and "Error" not in stderr[0], stderr[0]


# a body each system would otherwise take, with a number JSON has not (JSON.parse refuses it)
NOT_JSON_NUMBER = {
    "jupiterone": b'{"query": "{ __typename }", "variables": {"n": NaN}}',
    "xyops": b'{"offset": Infinity}',
    "opencti": b'{"query": "{ __typename }", "variables": {"n": -Infinity}}',
}


@pytest.mark.parametrize("system", list(PATHS))
def test_nan_or_infinity_in_a_body_is_invalid_json(tmp_path: Path, system: str) -> None:
    body = NOT_JSON_NUMBER[system]
    stderr: list[str] = []
    with _served(system, tmp_path, stderr) as port:
        answer = _answer(port, PATHS[system], str(len(body)), body)
        assert answer.startswith(b"HTTP/1.1 400 "), answer
        assert INVALID_JSON[system].split(b":")[0] in answer, answer
        fixed = body.replace(b"-Infinity", b"1").replace(b"Infinity", b"1").replace(b"NaN", b"1")
        answer = _answer(port, PATHS[system], str(len(fixed)), fixed)
        assert answer.startswith(b"HTTP/1.1 200 "), answer  # the same body, a number in it
    assert "Traceback" not in stderr[0], stderr[0]


LABELS = "query($f: Int) { labels(first: $f) { edges { node { id } } } }"
ADD_LABEL = 'mutation { labelAdd(input: {value: \\"not-added\\"}) { id } }'
VARIABLES = "`variables` in a POST body should be provided as an object if provided."
OPERATION = "`operationName` in a POST body should be provided as a string if provided."
# OpenCTI POST bodies whose variables or operationName Apollo Server refuses
SHAPES = {
    "variables-number": (f'{{"query": "{LABELS}", "variables": 5}}', VARIABLES),
    "variables-text": (f'{{"query": "{LABELS}", "variables": "abc"}}', VARIABLES),
    "mutation-variables-list": (f'{{"query": "{ADD_LABEL}", "variables": [1]}}', VARIABLES),
    "operation-number": ('{"query": "query A { me { id } }", "operationName": 5}', OPERATION),
}


def test_opencti_refuses_variables_or_an_operation_name_of_the_wrong_type(tmp_path: Path) -> None:
    stderr: list[str] = []
    with _served("opencti", tmp_path, stderr) as port:
        for name, (text, message) in SHAPES.items():
            body = text.encode()
            answer = _answer(port, "/graphql", str(len(body)), body)
            assert answer.startswith(b"HTTP/1.1 400 "), (name, answer)
            assert message.encode() in answer and b'"BAD_REQUEST"' in answer, (name, answer)
        query = b'{"query": "{ labels { edges { node { value } } } }"}'
        answer = _answer(port, "/graphql", str(len(query)), query)
        assert answer.startswith(b"HTTP/1.1 200 ") and b"not-added" not in answer, answer
    assert "Traceback" not in stderr[0], stderr[0]
