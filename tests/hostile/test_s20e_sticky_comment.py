"""One sticky plan comment whatever happens on the PR: two jobs posting at once, a human
editing the comment, comments over several pages; and the drift issue's label in the URL
(tests/github's fake, with DELETE, on 127.0.0.1)."""

from __future__ import annotations

import threading
from pathlib import Path

from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.github import GitHubClient, GitHubSettings, upsert_sticky_comment

from .test_s20e_github_fakes import REPOSITORY, TOKEN, StrictGitHub, actions_env

MARKER = "<!-- j1sync:plan -->"
PR = 42


def run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def comment(tmp_path: Path, env: dict[str, str], text: str) -> Result:
    body = tmp_path / "plan.md"
    body.write_text(text)
    return run(["github", "comment", "--body-file", str(body)], env)


def marked(github: StrictGitHub) -> list[dict[str, object]]:
    return [c for c in github.state.comments_on(PR) if MARKER in str(c["body"])]


def test_two_jobs_posting_at_once_leave_one_comment() -> None:
    with StrictGitHub() as github:
        github.state.listing_gate = 2  # each job has listed the comments before either posts
        settings = GitHubSettings(repository=REPOSITORY, api_url=github.url, token=TOKEN)
        errors: list[BaseException] = []

        def job(text: str) -> None:
            try:
                upsert_sticky_comment(GitHubClient(settings), PR, text)
            except BaseException as exc:
                errors.append(exc)

        jobs = [threading.Thread(target=job, args=(f"plan of job {n}",)) for n in (1, 2)]
        for thread in jobs:
            thread.start()
        for thread in jobs:
            thread.join(timeout=30)

        assert errors == []
        assert not github.state.gate_timed_out, "a job listed alone: the race was not run"
        [sticky] = marked(github)
        assert str(sticky["body"]).startswith(f"{MARKER}\nplan of job ")
        assert sum(r.method == "POST" for r in github.state.requests) == 2


def test_duplicates_left_by_an_earlier_race_are_removed(tmp_path: Path) -> None:
    with StrictGitHub() as github:
        oldest = github.state.add_comment(PR, f"{MARKER}\nplan A", "github-actions")
        github.state.add_comment(PR, "a review", "alice")
        github.state.add_comment(PR, f"{MARKER}\nplan B", "github-actions")

        result = comment(tmp_path, actions_env(github.url, tmp_path), "plan C")

        assert result.exit_code == 0, result.output
        assert marked(github) == [oldest]
        assert oldest["body"] == f"{MARKER}\nplan C"
        assert len(github.state.comments_on(PR)) == 2  # the review stays


def test_a_comment_a_human_wrote_a_line_above_is_still_the_sticky_one(tmp_path: Path) -> None:
    with StrictGitHub() as github:
        edited = f"Reviewed with @alice: the delete is intended.\n{MARKER}\nold plan"
        sticky = github.state.add_comment(PR, edited, "github-actions")
        quoting = github.state.add_comment(PR, f"> {MARKER}\n> old plan\n\nwhy?", "bob")

        result = comment(tmp_path, actions_env(github.url, tmp_path), "new plan")

        assert result.exit_code == 0, result.output
        assert "Updated comment" in result.output
        assert sticky["body"] == f"{MARKER}\nnew plan"
        assert quoting["body"] == f"> {MARKER}\n> old plan\n\nwhy?"
        assert len(github.state.comments_on(PR)) == 2


def test_the_sticky_comment_on_page_3_is_updated_not_doubled(tmp_path: Path) -> None:
    with StrictGitHub() as github:
        github.state.max_page_size = 100  # GitHub's largest page
        for n in range(250):
            github.state.add_comment(PR, f"comment {n}", "alice")
        sticky = github.state.add_comment(PR, f"{MARKER}\nold plan", "github-actions")
        for n in range(10):
            github.state.add_comment(PR, f"later comment {n}", "alice")

        result = comment(tmp_path, actions_env(github.url, tmp_path), "new plan")

        assert result.exit_code == 0, result.output
        assert marked(github) == [sticky] and sticky["body"] == f"{MARKER}\nnew plan"
        assert any("page=3" in r.path for r in github.state.requests)


def test_a_drift_label_with_url_characters_is_asked_for_by_its_name(tmp_path: Path) -> None:
    report = tmp_path / "drift.md"
    report.write_text("drifted")
    with StrictGitHub() as github:
        env = actions_env(github.url, tmp_path)
        args = ["github", "drift-issue", "--body-file", str(report), "--status", "drift"]
        result = run([*args, "--label", "drift #prod/eu?"], env)

        assert result.exit_code == 0, result.output
        label_reads = [
            r.path for r in github.state.requests if r.method == "GET" and "/labels/" in r.path
        ]
        assert label_reads == [f"/repos/{REPOSITORY}/labels/drift%20%23prod%2Feu%3F"]


def test_a_persons_comment_holding_the_marker_line_is_never_deleted(tmp_path: Path) -> None:
    with StrictGitHub() as github:
        sticky = github.state.add_comment(PR, f"{MARKER}\nold plan", "github-actions")
        pasted = f"I copied the bot's source:\n{MARKER}\nold plan\nwhy this delete?"
        persons = github.state.add_comment(PR, pasted, "alice")

        result = comment(tmp_path, actions_env(github.url, tmp_path), "new plan")

        assert result.exit_code == 0, result.output
        assert sticky["body"] == f"{MARKER}\nnew plan"
        assert persons in github.state.comments_on(PR) and persons["body"] == pasted


def test_the_bots_comment_is_updated_not_an_older_persons_holding_the_marker(
    tmp_path: Path,
) -> None:
    with StrictGitHub() as github:
        pasted = f"Last week's plan, for the record:\n{MARKER}\nold plan"
        persons = github.state.add_comment(PR, pasted, "alice")
        persons["user"]["type"] = "User"
        sticky = github.state.add_comment(PR, f"{MARKER}\nold plan", "github-actions[bot]")
        sticky["user"]["type"] = "Bot"

        result = comment(tmp_path, actions_env(github.url, tmp_path), "new plan")

        assert result.exit_code == 0, result.output
        assert sticky["body"] == f"{MARKER}\nnew plan"
        assert persons["body"] == pasted
