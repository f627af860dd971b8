from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from .fake_github import FakeGitHub

TOKEN = "ghs_faketoken_DO_NOT_PRINT_0123456789"
REPOSITORY = "acme/security-config"
PR_NUMBER = 42


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN, repository=REPOSITORY) as fake:
        yield fake


@pytest.fixture
def github_env(fake_github: FakeGitHub, tmp_path: Path) -> dict[str, str]:
    """The environment an Actions job on a pull_request event would have."""
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "pull_request": {"number": PR_NUMBER}}))
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_API_URL": fake_github.url,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
