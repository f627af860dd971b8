"""A report posted by `j1sync github` never publishes one of j1sync's credentials. The
body file is any text (a report edited by a step, another tool's output): one that quoted
the API key or the GitHub token was posted as it was, to a public pull request's comment,
an issue or the job summary. Now each credential in it is replaced, as in everything
else j1sync prints."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from j1sync.cli import cli

from .conftest import PR_NUMBER, TOKEN
from .fake_github import FakeGitHub

API_KEY = "s28-body-Key-9f8e7d6c5b4a"


def run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def _report(tmp_path: Path) -> Path:
    report = tmp_path / "report.md"
    report.write_text(
        f"## Plan: 1 to create\nkey {API_KEY} and token {TOKEN} in a step's notes\n",
        encoding="utf-8",
    )
    return report


def test_comment_issue_and_summary_hold_no_credential(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**github_env, "JUPITERONE_API_KEY": API_KEY}
    report = _report(tmp_path)
    for args in (
        ["comment", "--body-file", str(report)],
        ["drift-issue", "--body-file", str(report), "--status", "drift"],
        ["summary", "--body-file", str(report)],
    ):
        done = run(["github", *args], env)
        assert done.exit_code == 0, done.output
    published = [c["body"] for c in fake_github.state.comments_on(PR_NUMBER)]
    published += [i["body"] for i in fake_github.state.issues.values()]
    published.append(Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8"))
    assert len(published) == 3
    for body in published:
        assert "## Plan: 1 to create" in body and "in a step's notes" in body
        assert API_KEY not in body and TOKEN not in body
