"""A person's comment that holds j1sync's marker line is never edited: `j1sync github
comment` updates only a comment j1sync could have written (an app's, or the token's own
user's), and otherwise posts its own, leaving the person's text as it was."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from j1sync.cli import cli

from .conftest import PR_NUMBER
from .fake_github import FakeGitHub

MARKER = "<!-- j1sync:plan -->"
ALICES = f"notes\n{MARKER}\nmy own analysis, please keep"


def comment(tmp_path: Path, env: dict[str, str], text: str) -> Result:
    body = tmp_path / "body.md"
    body.write_text(text, encoding="utf-8")
    args = ["github", "comment", "--body-file", str(body)]
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def alices_comment(fake_github: FakeGitHub) -> dict[str, object]:
    alices = fake_github.state.add_comment(PR_NUMBER, ALICES, "alice")
    alices["user"]["type"] = "User"
    return alices


def writes(fake_github: FakeGitHub) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in fake_github.state.requests if r.method in ("POST", "PATCH")]


def test_a_persons_marked_comment_is_kept_and_j1sync_posts_its_own(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    alices = alices_comment(fake_github)

    result = comment(tmp_path, github_env, "## Plan: 1 to create\n")

    assert result.exit_code == 0, result.output
    assert "Created comment" in result.output
    assert alices["body"] == ALICES
    assert not any(method == "PATCH" for method, _ in writes(fake_github))
    [alices_now, sticky] = fake_github.state.comments_on(PR_NUMBER)
    assert alices_now is alices
    assert sticky["body"] == f"{MARKER}\n## Plan: 1 to create\n"


def test_the_next_push_updates_j1syncs_comment_not_the_persons(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    alices = alices_comment(fake_github)
    assert comment(tmp_path, github_env, "first plan").exit_code == 0
    sticky_id = fake_github.state.comments_on(PR_NUMBER)[1]["id"]

    result = comment(tmp_path, github_env, "second plan")

    assert result.exit_code == 0, result.output
    assert f"Updated comment {sticky_id}" in result.output
    assert alices["body"] == ALICES
    [alices_now, sticky] = fake_github.state.comments_on(PR_NUMBER)
    assert alices_now is alices
    assert sticky["id"] == sticky_id and sticky["body"] == f"{MARKER}\nsecond plan"


def test_the_apps_comment_is_updated_and_an_older_persons_left(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    alices = alices_comment(fake_github)
    apps = fake_github.state.add_comment(PR_NUMBER, f"{MARKER}\nold plan", "github-actions[bot]")
    apps["user"]["type"] = "Bot"

    result = comment(tmp_path, github_env, "new plan")

    assert result.exit_code == 0, result.output
    assert f"Updated comment {apps['id']}" in result.output
    assert apps["body"] == f"{MARKER}\nnew plan"
    assert alices["body"] == ALICES
    assert len(fake_github.state.comments_on(PR_NUMBER)) == 2


def test_under_a_persons_token_that_persons_marked_comment_is_j1syncs(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    """A personal access token posts as its user (`user.type` User): j1sync asks GitHub
    whose token it is (GET /user) and edits that user's marked comment, not alice's."""
    fake_github.state.token_login = "carol"
    alices = alices_comment(fake_github)
    carols = fake_github.state.add_comment(PR_NUMBER, f"{MARKER}\nold plan", "carol")
    carols["user"]["type"] = "User"

    result = comment(tmp_path, github_env, "new plan")

    assert result.exit_code == 0, result.output
    assert f"Updated comment {carols['id']}" in result.output
    assert carols["body"] == f"{MARKER}\nnew plan"
    assert alices["body"] == ALICES
    assert len(fake_github.state.comments_on(PR_NUMBER)) == 2


def test_a_token_whose_user_github_does_not_say_leaves_the_person_alone(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    """GITHUB_TOKEN (an app's installation token) may not read GET /user: 403, as GitHub
    answers it; the person's comment is still not j1sync's."""
    alices = alices_comment(fake_github)
    fake_github.state.user_answer = (403, "Resource not accessible by integration")

    result = comment(tmp_path, github_env, "plan")

    assert result.exit_code == 0, result.output
    assert "Created comment" in result.output
    assert alices["body"] == ALICES
    assert len(fake_github.state.comments_on(PR_NUMBER)) == 2
