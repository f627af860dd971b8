"""`j1sync github` against a hostile user and a server it does not trust: a drift label
GitHub's `labels=` filter would misread is refused before any request; an issue the list
returns without the label (or a pull request) is never touched; the event and body files
are read up to a limit, /dev/zero included, and refused in one line naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.github.input_files import MAX_BODY_FILE_BYTES, MAX_EVENT_FILE_BYTES

from .fake_github import FakeGitHub


def run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def drift_issue(tmp_path: Path, env: dict[str, str], status: str, *extra: str) -> Result:
    body = tmp_path / "drift.md"
    body.write_text("AlertRule/x changed by hand")
    return run(["github", "drift-issue", "--body-file", str(body), "--status", status, *extra], env)


def one_line(result: Result) -> str:
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1 and len(lines) == 1, result.output
    return lines[0]


def oversized(path: Path, size: int) -> Path:
    """A file of `size` bytes, made at once (sparse)."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


@pytest.mark.parametrize("status", ["drift", "in-sync"])
@pytest.mark.parametrize("label", ["", "a,b", ",", " j1sync-drift", "x" * 51, "a\nb"])
def test_a_label_the_issue_filter_would_misread_is_refused_before_any_request(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path, label: str, status: str
) -> None:
    fake_github.state.add_issue("Crash on start", ["bug"])

    line = one_line(drift_issue(tmp_path, github_env, status, "--label", label))

    assert "label must be 1 to 50 characters" in line
    assert fake_github.state.requests == []
    assert fake_github.state.issues[1]["state"] == "open"


@pytest.mark.parametrize("status", ["drift", "in-sync"])
def test_a_listed_issue_without_the_label_and_a_pull_request_are_left_alone(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path, status: str
) -> None:
    fake_github.state.ignore_labels_filter = True
    bug = fake_github.state.add_issue("Crash on start", ["bug"])
    pr = fake_github.state.add_issue("Fix rule", ["j1sync-drift"], pull_request=True)
    before = [dict(bug), dict(pr)]

    result = drift_issue(tmp_path, github_env, status)

    assert result.exit_code == 0, result.output
    if status == "drift":
        assert "Created issue #3" in result.output
        assert fake_github.state.issues[3]["labels"] == [{"name": "j1sync-drift"}]
    else:
        assert "In sync; no open issue labelled j1sync-drift" in result.output
    assert [bug, pr] == before
    assert fake_github.state.comments_on(1) == fake_github.state.comments_on(2) == []
    touched = {r.path for r in fake_github.state.requests if r.method != "GET"}
    assert not any(path.startswith("/repos/acme/security-config/issues/") for path in touched)


def test_the_label_is_compared_as_github_compares_it_without_case(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    fake_github.state.ignore_labels_filter = True
    bug = fake_github.state.add_issue("Crash on start", ["bug"])
    fake_github.state.add_issue("j1sync: drift detected", ["J1SYNC-Drift"])

    result = drift_issue(tmp_path, github_env, "drift")

    assert result.exit_code == 0, result.output
    assert "Updated issue #2" in result.output
    assert fake_github.state.issues[2]["body"] == "AlertRule/x changed by hand"
    assert bug["body"] == "" and bug["state"] == "open"


BODY_COMMANDS = {
    "comment": ["comment"],
    "drift-issue": ["drift-issue", "--status", "drift"],
    "summary": ["summary"],
}


@pytest.mark.parametrize("command", list(BODY_COMMANDS))
@pytest.mark.parametrize("source", ["/dev/zero", "too-large"])
def test_a_body_file_past_its_limit_is_refused_in_one_line(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path, command: str, source: str
) -> None:
    body = (
        Path(source)
        if source == "/dev/zero"
        else oversized(tmp_path / "plan.md", MAX_BODY_FILE_BYTES + 1)
    )
    line = one_line(run(["github", *BODY_COMMANDS[command], "--body-file", str(body)], github_env))

    assert f"--body-file {body} is over its limit of 64 MiB" in line
    assert fake_github.state.requests == []
    assert not Path(github_env["GITHUB_STEP_SUMMARY"]).exists()


def test_a_body_file_within_its_limit_is_shortened_as_before(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    body = tmp_path / "plan.md"
    body.write_text("line of a long plan\n" * 1_000_000)  # 20 MB: over GitHub's, within ours

    result = run(["github", "comment", "--body-file", str(body)], github_env)

    assert result.exit_code == 0, result.output
    [comment] = fake_github.state.comments
    assert len(comment["body"]) <= 65_536
    assert "Report truncated" in comment["body"]


@pytest.mark.parametrize("source", ["/dev/zero", "too-large"])
def test_an_event_file_past_its_limit_is_refused_in_one_line(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path, source: str
) -> None:
    event = (
        Path(source)
        if source == "/dev/zero"
        else oversized(tmp_path / "event.json", MAX_EVENT_FILE_BYTES + 1)
    )
    body = tmp_path / "plan.md"
    body.write_text("No changes.")
    line = one_line(
        run(
            ["github", "comment", "--body-file", str(body)],
            {**github_env, "GITHUB_EVENT_PATH": str(event)},
        )
    )

    assert f"the event payload {event} is over its limit of 32 MiB" in line
    assert fake_github.state.requests == []
