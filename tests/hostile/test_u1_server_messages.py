"""What a server says, in an error j1sync prints. An OpenCTI error message often quotes
what it was sent or holds (a name), and a platform or a proxy before it may say anything:
its line breaks went out as they were, so a message `x\\n::error::forged` wrote a line of
its own into the CI log (a GitHub workflow command), and a 100,000-character message was
printed whole. Now what a server says (ApiClient._redact, every system's client) is one
line, its line breaks shown (␊), and at most SERVER_TEXT_MAX characters."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.http.client import SERVER_TEXT_MAX
from tests.http_servers import answering

TOKEN = "2f0c1c1e-5a43-4c1b-9b8e-1d2c3b4a5f60"


@contextmanager
def serving(message: str) -> Iterator[str]:
    """A GraphQL endpoint on 127.0.0.1 answering every request with one error saying
    `message`; its base URL."""
    body = json.dumps({"errors": [{"message": message}], "data": None}).encode()
    with answering(200, body) as (url, _):
        yield url


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m/label.yaml").write_text(
        "apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: phishing\n",
        encoding="utf-8",
    )


def plan_against(message: str) -> str:
    with serving(message) as url:
        env = {"OPENCTI_URL": url, "OPENCTI_TOKEN": TOKEN, "NO_COLOR": "1"}
        result = CliRunner().invoke(cli, ["plan", "m"], env=env)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.usefixtures("project")
def test_a_server_message_stays_on_its_line() -> None:
    output = plan_against(f"Unknown\n::error::forged\r\n## Approved {TOKEN}")
    lines = output.splitlines()
    assert not [line for line in lines if line.startswith(("::", "##"))], lines
    errors = [line for line in lines if line.startswith("Error: ")]
    assert errors == [
        "Error: OpenCTI API (list vocabularies): Unknown␊::error::forged␍␊## Approved (redacted)"
    ], lines


@pytest.mark.usefixtures("project")
def test_a_long_server_message_is_cut() -> None:
    output = plan_against("x" * 100_000)
    error = next(line for line in output.splitlines() if line.startswith("Error: "))
    said = "x" * SERVER_TEXT_MAX
    more = 100_000 - SERVER_TEXT_MAX
    assert error == f"Error: OpenCTI API (list vocabularies): {said}… ({more} more characters)"
