"""More than one open drift issue (two nightly runs at once, the label put on an issue by
hand): back in sync, none is left open claiming drift; on drift, one is kept with the
latest report and the others point to it (tests/github's fake on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from j1sync.cli import cli

from .test_s20e_github_fakes import StrictGitHub, actions_env

TITLE = "j1sync: drift detected"
LABEL = "j1sync-drift"


def drift_issue(tmp_path: Path, env: dict[str, str], status: str, text: str) -> Result:
    body = tmp_path / "drift.md"
    body.write_text(text)
    args = ["github", "drift-issue", "--body-file", str(body), "--status", status]
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def test_back_in_sync_closes_every_open_drift_issue(tmp_path: Path) -> None:
    with StrictGitHub() as github:
        first = github.state.add_issue(TITLE, [LABEL])
        second = github.state.add_issue(TITLE, [LABEL])
        other = github.state.add_issue("Unrelated bug", ["bug"])

        result = drift_issue(tmp_path, actions_env(github.url, tmp_path), "in-sync", "No changes.")

        assert result.exit_code == 0, result.output
        assert first["state"] == second["state"] == "closed"
        assert other["state"] == "open"
        assert "Closed issue #1" in result.output and "also closed #2" in result.output
        assert all("back in sync" in c["body"] for c in github.state.comments)


def test_drift_keeps_the_oldest_issue_and_closes_the_others(tmp_path: Path) -> None:
    with StrictGitHub() as github:
        kept = github.state.add_issue(TITLE, [LABEL])
        extra = github.state.add_issue(TITLE, [LABEL])

        result = drift_issue(tmp_path, actions_env(github.url, tmp_path), "drift", "night 3")

        assert result.exit_code == 0, result.output
        assert kept["state"] == "open" and kept["body"] == "night 3"
        assert extra["state"] == "closed" and extra["state_reason"] == "not_planned"
        [pointer] = github.state.comments_on(extra["number"])
        assert "#1 has the latest report" in pointer["body"]
