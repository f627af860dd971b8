"""Settings, API errors and the token: what a user sees when something is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.errors import ConfigError
from j1sync.github.settings import GitHubSettings, check_api_url

from .conftest import TOKEN
from .fake_github import FakeGitHub


def run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


@pytest.fixture
def body(tmp_path: Path) -> Path:
    path = tmp_path / "report.md"
    path.write_text("report\n")
    return path


def test_token_is_sent_as_bearer_header_and_never_printed(
    fake_github: FakeGitHub, github_env: dict[str, str], body: Path
) -> None:
    results = [
        run(["github", "comment", "--body-file", str(body)], github_env),
        run(["github", "drift-issue", "--body-file", str(body), "--status", "drift"], github_env),
    ]
    fake_github.state.fail_next = (422, "Validation Failed")
    results.append(run(["github", "comment", "--body-file", str(body)], github_env))
    bad = {**github_env, "GITHUB_API_URL": "http://127.0.0.1:9"}  # nothing listens there
    results.append(run(["github", "comment", "--body-file", str(body)], bad))

    assert [r.exit_code for r in results] == [0, 0, 1, 1]
    assert all(r.authorization == f"Bearer {TOKEN}" for r in fake_github.state.requests)
    for result in results:
        assert TOKEN not in result.output
    assert "Bearer" not in results[-1].output
    # no connection at all: said in one line, naming the URL and the cause
    assert "cannot reach the GitHub API at http://127.0.0.1:9: connection refused" in (
        results[-1].output
    )
    assert TOKEN not in repr(GitHubSettings.from_env(github_env))


def test_4xx_shows_the_apis_message(
    fake_github: FakeGitHub, github_env: dict[str, str], body: Path
) -> None:
    fake_github.state.fail_next = (403, "Resource not accessible by integration")

    result = run(["github", "comment", "--body-file", str(body)], github_env)

    assert result.exit_code == 1
    assert "403 Resource not accessible by integration" in result.output
    assert "pull-requests: write" in result.output
    assert "Traceback" not in result.output


def test_wrong_token_is_reported_as_bad_credentials(
    fake_github: FakeGitHub, github_env: dict[str, str], body: Path
) -> None:
    env = {**github_env, "GITHUB_TOKEN": "wrong"}

    result = run(["github", "comment", "--body-file", str(body)], env)

    assert result.exit_code == 1
    assert "401 Bad credentials" in result.output
    assert fake_github.state.comments == []


def test_missing_token_is_a_clear_error(github_env: dict[str, str], body: Path) -> None:
    env = {**github_env, "GITHUB_TOKEN": ""}

    result = run(["github", "comment", "--body-file", str(body)], env)

    assert result.exit_code == 1
    assert "GITHUB_TOKEN is not set" in result.output


def test_missing_body_file_is_a_clear_error(github_env: dict[str, str], tmp_path: Path) -> None:
    result = run(["github", "comment", "--body-file", str(tmp_path / "nope.md")], github_env)

    assert result.exit_code == 1
    assert "cannot read --body-file" in result.output


@pytest.mark.parametrize(
    "url",
    [
        "https://api.github.com",
        "https://ghe.example.com/api/v3/",
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:3000",
    ],
)
def test_api_url_accepts_https_and_loopback_http(url: str) -> None:
    assert check_api_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url", ["http://api.github.com", "http://10.0.0.5", "ftp://127.0.0.1", "api.github.com"]
)
def test_api_url_refuses_clear_text_off_this_machine(url: str) -> None:
    with pytest.raises(ConfigError, match="https://"):
        check_api_url(url)


def test_malformed_repository_is_refused(github_env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="OWNER/NAME"):
        GitHubSettings.from_env(github_env, repository="just-a-name")
