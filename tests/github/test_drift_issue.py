"""`j1sync github drift-issue`: exactly one open drift issue while drift lasts."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from j1sync.cli import cli

from .fake_github import FakeGitHub

TITLE = "j1sync: drift detected"


def run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def drift_issue(tmp_path: Path, env: dict[str, str], status: str, text: str, *extra: str) -> Result:
    body = tmp_path / "drift.md"
    body.write_text(text)
    return run(["github", "drift-issue", "--body-file", str(body), "--status", status, *extra], env)


def open_issues(fake: FakeGitHub) -> list[dict[str, object]]:
    return [i for i in fake.state.issues.values() if i["state"] == "open"]


def test_drift_opens_a_labelled_issue_and_creates_the_label(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    result = drift_issue(tmp_path, github_env, "drift", "AlertRule/x changed by hand")

    assert result.exit_code == 0, result.output
    assert "Created issue #1" in result.output
    [issue] = open_issues(fake_github)
    assert issue["title"] == TITLE
    assert issue["body"] == "AlertRule/x changed by hand"
    assert issue["labels"] == [{"name": "j1sync-drift"}]
    assert "j1sync-drift" in fake_github.state.labels


def test_repeated_drift_updates_the_one_open_issue(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    drift_issue(tmp_path, github_env, "drift", "night 1")
    result = drift_issue(tmp_path, github_env, "drift", "night 2")

    assert result.exit_code == 0, result.output
    assert "Updated issue #1" in result.output
    [issue] = open_issues(fake_github)
    assert issue["body"] == "night 2"


def test_issue_search_skips_pull_requests_and_other_labels(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    pr = fake_github.state.add_issue("Fix rule", ["j1sync-drift"], pull_request=True)
    other = fake_github.state.add_issue("Bug", ["bug"])

    result = drift_issue(tmp_path, github_env, "drift", "report")

    assert result.exit_code == 0, result.output
    assert len(open_issues(fake_github)) == 3
    assert pr["body"] == "" and other["body"] == ""
    assert "Created issue #3" in result.output


def test_in_sync_comments_and_closes_the_open_issue(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    drift_issue(tmp_path, github_env, "drift", "drifted")

    result = drift_issue(tmp_path, github_env, "in-sync", "No changes.")

    assert result.exit_code == 0, result.output
    assert "Closed issue #1" in result.output
    issue = fake_github.state.issues[1]
    assert issue["state"] == "closed" and issue["state_reason"] == "completed"
    [comment] = fake_github.state.comments_on(1)
    assert "back in sync" in comment["body"] and comment["body"].endswith("No changes.")


def test_in_sync_without_an_open_issue_does_nothing(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    closed = fake_github.state.add_issue(TITLE, ["j1sync-drift"], state="closed")

    result = drift_issue(tmp_path, github_env, "in-sync", "No changes.")

    assert result.exit_code == 0, result.output
    assert "no open issue" in result.output
    assert closed["state"] == "closed"
    assert [r.method for r in fake_github.state.requests] == ["GET"]


def test_drift_after_close_opens_a_new_issue_with_a_custom_label(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    fake_github.state.labels["prod-drift"] = {"name": "prod-drift"}
    drift_issue(tmp_path, github_env, "drift", "a", "--label", "prod-drift")
    drift_issue(tmp_path, github_env, "in-sync", "b", "--label", "prod-drift")

    result = drift_issue(tmp_path, github_env, "drift", "c", "--label", "prod-drift")

    assert result.exit_code == 0, result.output
    [issue] = open_issues(fake_github)
    assert issue["number"] == 2 and issue["labels"] == [{"name": "prod-drift"}]
    assert not any(
        r.method == "POST" and r.path.endswith("/labels") for r in fake_github.state.requests
    )
