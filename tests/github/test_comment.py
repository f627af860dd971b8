"""`j1sync github comment`: one sticky PR comment, created once and then edited in place."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from j1sync.cli import cli

from .conftest import PR_NUMBER
from .fake_github import FakeGitHub

MARKER = "<!-- j1sync:plan -->"


def run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def write(tmp_path: Path, text: str, name: str = "plan.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_comment_is_created_with_the_hidden_marker(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    body = write(tmp_path, "## Plan: 1 to create\n")
    result = run(["github", "comment", "--body-file", str(body)], github_env)

    assert result.exit_code == 0, result.output
    assert "Created comment" in result.output
    comments = fake_github.state.comments_on(PR_NUMBER)
    assert len(comments) == 1
    assert comments[0]["body"] == f"{MARKER}\n## Plan: 1 to create\n"


def test_second_run_updates_the_same_comment(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    run(["github", "comment", "--body-file", str(write(tmp_path, "first plan"))], github_env)
    first_id = fake_github.state.comments_on(PR_NUMBER)[0]["id"]

    result = run(
        ["github", "comment", "--body-file", str(write(tmp_path, "second plan"))], github_env
    )

    assert result.exit_code == 0, result.output
    assert "Updated comment" in result.output
    comments = fake_github.state.comments_on(PR_NUMBER)
    assert [c["id"] for c in comments] == [first_id]
    assert comments[0]["body"].endswith("second plan")
    assert [r.method for r in fake_github.state.requests if "comments" in r.path][-1] == "PATCH"


def test_other_comments_are_left_alone(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    human = fake_github.state.add_comment(PR_NUMBER, "LGTM, but see the plan")
    quoting = fake_github.state.add_comment(PR_NUMBER, f"> {MARKER}\n> quoted plan")
    other_marker = fake_github.state.add_comment(PR_NUMBER, "<!-- other-bot -->\nhello")
    fake_github.state.add_comment(PR_NUMBER + 1, f"{MARKER}\nplan of another PR")

    result = run(["github", "comment", "--body-file", str(write(tmp_path, "plan"))], github_env)

    assert result.exit_code == 0, result.output
    comments = fake_github.state.comments_on(PR_NUMBER)
    assert len(comments) == 4
    assert human["body"] == "LGTM, but see the plan"
    assert quoting["body"] == f"> {MARKER}\n> quoted plan"
    assert other_marker["body"] == "<!-- other-bot -->\nhello"
    assert fake_github.state.comments_on(PR_NUMBER + 1)[0]["body"].endswith("another PR")


def test_marked_comment_is_found_beyond_the_first_page(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    fake_github.state.max_page_size = 10
    for index in range(25):
        fake_github.state.add_comment(PR_NUMBER, f"review comment {index}")
    sticky = fake_github.state.add_comment(PR_NUMBER, f"{MARKER}\nold plan", "github-actions")

    result = run(["github", "comment", "--body-file", str(write(tmp_path, "new plan"))], github_env)

    assert result.exit_code == 0, result.output
    assert len(fake_github.state.comments_on(PR_NUMBER)) == 26
    assert sticky["body"] == f"{MARKER}\nnew plan"
    pages = [r.path for r in fake_github.state.requests if r.method == "GET"]
    assert len(pages) == 3 and "page=3" in pages[-1]


def test_custom_marker_and_explicit_pr_and_repo(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**github_env, "GITHUB_EVENT_PATH": "", "GITHUB_REPOSITORY": "someone/else"}
    args = ["github", "comment", "--body-file", str(write(tmp_path, "drift report"))]
    args += ["--marker", "j1sync:drift", "--pr", "7", "--repo", "acme/security-config"]

    result = run(args, env)

    assert result.exit_code == 0, result.output
    assert fake_github.state.comments_on(7)[0]["body"] == "<!-- j1sync:drift -->\ndrift report"


def test_long_body_is_cut_to_githubs_limit_with_a_note(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    body = write(tmp_path, "| row | change |\n" * 10_000)

    result = run(["github", "comment", "--body-file", str(body)], github_env)

    assert result.exit_code == 0, result.output
    assert "truncated" in result.output
    posted = fake_github.state.comments_on(PR_NUMBER)[0]["body"]
    assert len(posted) <= 65_536
    assert posted.startswith(MARKER)
    assert "Report truncated" in posted


def test_without_a_pull_request_the_error_says_what_to_do(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    event = write(tmp_path, '{"ref": "refs/heads/main"}', "push.json")
    env = {**github_env, "GITHUB_EVENT_PATH": str(event)}

    result = run(["github", "comment", "--body-file", str(write(tmp_path, "x"))], env)

    assert result.exit_code == 1
    assert "pass --pr N" in result.output
    assert fake_github.state.comments == []
