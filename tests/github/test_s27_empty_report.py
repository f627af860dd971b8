"""An empty report (what a failed or stopped `plan`/`drift` leaves) is never posted: the
sticky comment and the drift issue keep their last report, and the summary gets nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli

from .conftest import PR_NUMBER
from .fake_github import FakeGitHub


def run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


@pytest.mark.parametrize("text", ["", "\n", "  \n\t\n"])
def test_comment_keeps_the_last_plan(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path, text: str
) -> None:
    report = tmp_path / "plan.md"
    report.write_text("## Plan: 1 to create\n", encoding="utf-8")
    assert run(["github", "comment", "--body-file", str(report)], github_env).exit_code == 0
    posted = [dict(c) for c in fake_github.state.comments_on(PR_NUMBER)]

    report.write_text(text, encoding="utf-8")
    result = run(["github", "comment", "--body-file", str(report)], github_env)

    assert result.exit_code == 1
    assert f"--body-file {report} is empty" in result.output
    assert "Traceback" not in result.output
    assert [dict(c) for c in fake_github.state.comments_on(PR_NUMBER)] == posted


def test_drift_issue_is_not_blanked_but_closes_when_in_sync(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    report = tmp_path / "drift.md"
    report.write_text("## Drift: 1 changed\n", encoding="utf-8")
    args = ["github", "drift-issue", "--body-file", str(report)]
    assert run([*args, "--status", "drift"], github_env).exit_code == 0
    before = len(fake_github.state.requests)

    report.write_text("", encoding="utf-8")
    refused = run([*args, "--status", "drift"], github_env)

    assert refused.exit_code == 1
    assert f"--body-file {report} is empty" in refused.output
    assert len(fake_github.state.requests) == before  # not one request
    closed = run([*args, "--status", "in-sync"], github_env)
    assert closed.exit_code == 0, closed.output
    assert "Closed issue" in closed.output


def test_summary_appends_nothing(github_env: dict[str, str], tmp_path: Path) -> None:
    summary = Path(github_env["GITHUB_STEP_SUMMARY"])
    summary.write_text("# Earlier step\n", encoding="utf-8")
    report = tmp_path / "plan.md"
    report.write_text("\n", encoding="utf-8")

    result = run(["github", "summary", "--body-file", str(report)], github_env)

    assert result.exit_code == 0, result.output
    assert "Nothing appended" in result.output
    assert summary.read_text(encoding="utf-8") == "# Earlier step\n"
