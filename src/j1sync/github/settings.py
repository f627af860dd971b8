"""Where to talk to GitHub and about what: read from the standard GitHub Actions environment."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from j1sync import json_input
from j1sync.credentials import ENV_GITHUB_TOKEN
from j1sync.errors import ConfigError
from j1sync.github.input_files import MAX_EVENT_FILE_BYTES, read_capped_text
from j1sync.http.urls import UrlWording, check_base_url, check_credential

DEFAULT_API_URL = "https://api.github.com"
ENV_API_URL = "GITHUB_API_URL"
# GitHub Enterprise Server's REST API is under /api/v3 of its host (the runner sets
# GITHUB_API_URL so); Enterprise Cloud with data residency is https://api.SUBDOMAIN.ghe.com
API_URL_WORDING = UrlWording(
    setting=ENV_API_URL,
    credential="the GitHub token",
    expected=f"{DEFAULT_API_URL}, or https://HOST/api/v3 for GitHub Enterprise Server",
)


@dataclass(frozen=True)
class GitHubSettings:
    """Connection settings. `token` is excluded from repr so it never reaches a log."""

    repository: str  # "owner/name"
    api_url: str = DEFAULT_API_URL
    token: str = field(default="", repr=False)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, repository: str | None = None
    ) -> GitHubSettings:
        """Build settings from GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL;
        `repository` (the --repo flag) overrides GITHUB_REPOSITORY."""
        env = os.environ if env is None else env
        token = env.get(ENV_GITHUB_TOKEN, "").strip()
        if not token:
            raise ConfigError(
                "GITHUB_TOKEN is not set: pass it to the step with "
                "`env: GITHUB_TOKEN: ${{ github.token }}`"
            )
        check_credential(token, ENV_GITHUB_TOKEN, "token")
        repo = (repository or env.get("GITHUB_REPOSITORY", "")).strip()
        if not repo:
            raise ConfigError("no repository: set GITHUB_REPOSITORY or pass --repo OWNER/NAME")
        check_repository(repo)
        api_url = check_api_url(env.get(ENV_API_URL, "").strip() or DEFAULT_API_URL)
        return cls(repository=repo, api_url=api_url, token=token)


# GitHub's owner and repository names: letters, digits, '-', '_' (Enterprise Managed Users'
# logins end in _shortcode) and '.'. Anything else ('?', '#', '%', a space) would change
# the request's URL rather than name a repository.
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


def check_repository(repository: str) -> str:
    owner, _, name = repository.partition("/")
    if not _REPOSITORY.fullmatch(repository) or {owner, name} & {".", ".."}:
        raise ConfigError(f"repository must look like OWNER/NAME, got {repository!r}")
    return repository


def check_api_url(url: str) -> str:
    """Accept https anywhere and plain http only to this machine, so a token is never
    sent in clear text over a network (http to loopback is how the tests reach a fake);
    a path (GitHub Enterprise Server's /api/v3) but no user:password, query or fragment."""
    check_base_url(
        url, "j1sync appends /repos/OWNER/NAME/...", allow_path=True, wording=API_URL_WORDING
    )
    return url.rstrip("/")


def pull_request_number(explicit: int | None, env: Mapping[str, str] | None = None) -> int:
    """The PR to comment on: --pr when given, else the number in the event payload that
    GitHub writes to GITHUB_EVENT_PATH for pull_request(_target) and issue_comment events."""
    if explicit is not None:
        return explicit
    env = os.environ if env is None else env
    event_path = env.get("GITHUB_EVENT_PATH", "").strip()
    if not event_path:
        raise ConfigError("no pull request: pass --pr N or run on a pull_request event")
    text = read_capped_text(Path(event_path), "the event payload", MAX_EVENT_FILE_BYTES)
    try:
        event = json_input.loads(text)
    except ValueError as exc:
        raise ConfigError(f"cannot read the event payload {event_path}: {exc}") from exc
    number = _pull_request_in(event)
    if number is None:
        raise ConfigError(
            f"the event in {event_path} is not about a pull request; pass --pr N to choose one"
        )
    return number


def _pull_request_in(event: object) -> int | None:
    """The PR number of a pull_request(_target) event, or of an issue_comment event on a
    pull request (an issue's comments are no place for a plan). JSON's true is no number."""
    if not isinstance(event, dict):
        return None
    pull_request, issue = event.get("pull_request"), event.get("issue")
    if not isinstance(pull_request, dict) and isinstance(issue, dict) and issue.get("pull_request"):
        pull_request = issue
    number = pull_request.get("number") if isinstance(pull_request, dict) else None
    if isinstance(number, int) and not isinstance(number, bool) and number > 0:
        return number
    return None
