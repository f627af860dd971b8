"""A GITHUB_API_URL the github commands refuse is named as such, with what it would carry
(the GitHub token, not "the API key" of a system) and the forms GitHub's API has: they said
"Invalid API URL 'ftp://x': expected https://host[:port]" as for a system's URL, and now
name GitHub Enterprise Server's https://HOST/api/v3 (taken: test_errors.py). The systems'
messages stay theirs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli


def comment(env: dict[str, str], tmp_path: Path, api_url: str) -> Result:
    body = tmp_path / "plan.md"
    body.write_text("## j1sync plan\n")
    args = ["github", "comment", "--body-file", str(body)]
    return CliRunner().invoke(cli, args, env={**env, "GITHUB_API_URL": api_url})


@pytest.mark.parametrize(
    ("api_url", "said"),
    [
        (
            "http://example.com",
            "Refusing plain http:// to example.com (GITHUB_API_URL): the GitHub token would "
            "travel unencrypted.",
        ),
        (
            "ftp://x",
            "Invalid GITHUB_API_URL 'ftp://x': expected https://api.github.com, or "
            "https://HOST/api/v3 for GitHub Enterprise Server.",
        ),
        ("https://u:p@ghe.example.com/api/v3", "Invalid GITHUB_API_URL: credentials in the URL"),
        ("https://ghe.example.com/api/v3?x=1", "Invalid GITHUB_API_URL 'https://ghe.example.com"),
    ],
)
def test_a_refused_github_api_url_names_the_variable_and_the_token(
    github_env: dict[str, str], tmp_path: Path, api_url: str, said: str
) -> None:
    result = comment(github_env, tmp_path, api_url)

    assert result.exit_code == 1
    assert f"Error: {said}" in result.output
    assert "API key" not in result.output


def test_a_systems_api_url_is_still_refused_in_its_own_words(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(
        "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: q\nspec:\n  title: Q\n"
        "  queries:\n    - name: q\n      query: Find User\n"
    )
    env = {
        "JUPITERONE_API_URL": "http://example.com",
        "JUPITERONE_API_KEY": "k",
        "JUPITERONE_ACCOUNT_ID": "a",
    }

    result = CliRunner().invoke(cli, ["plan", str(tmp_path)], env=env)

    assert result.exit_code == 1
    assert "Refusing plain http:// to example.com: the API key would travel unencrypted." in (
        result.output
    )
