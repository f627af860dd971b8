"""`j1sync github` against GitHub answering badly, and against a bad environment: one
clear line and exit 1, never a traceback, a hang or the token (tests/github's fake and
scripted servers on 127.0.0.1).

GitHub's documented behaviour ("Rate limits for the REST API", "Troubleshooting"): a
rate-limited request gets 403 or 429 with `x-ratelimit-remaining: 0` (wait until
`x-ratelimit-reset`) or a secondary-limit message, often with `retry-after` (wait that
many seconds, then repeat).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from tests.github.fake_github import FakeGitHub

from .test_s20e_github_fakes import (
    REPOSITORY,
    TOKEN,
    Answer,
    ScriptedGitHub,
    actions_env,
    json_answer,
)

COMMENT = {"id": 7, "html_url": "https://github.test/c/7", "body": "x"}


def run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def comment(tmp_path: Path, env: dict[str, str], *extra: str) -> Result:
    body = tmp_path / "plan.md"
    body.write_text("## j1sync plan\n")
    return run(["github", "comment", "--body-file", str(body), *extra], env)


def one_clear_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    assert TOKEN not in result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("Error:")]
    return line


def test_an_html_page_instead_of_json_is_a_clear_error(tmp_path: Path) -> None:
    page = Answer(200, b"<html><body>Unicorn! This page is taking too long</body></html>")
    page.headers["Content-Type"] = "text/html; charset=utf-8"
    with ScriptedGitHub(page) as github:
        line = one_clear_line(comment(tmp_path, actions_env(github.url, tmp_path)))
    assert "answered 200 with" in line and "text/html, not JSON" in line


def test_an_object_where_github_sends_a_list_is_a_clear_error(tmp_path: Path) -> None:
    with ScriptedGitHub(json_answer(200, {"message": "ok"})) as github:
        line = one_clear_line(comment(tmp_path, actions_env(github.url, tmp_path)))
    assert "answered with an object where GitHub sends a list of objects" in line


def test_a_list_of_other_things_where_github_sends_objects_says_so(tmp_path: Path) -> None:
    with ScriptedGitHub(json_answer(200, [COMMENT, "x", None])) as github:
        line = one_clear_line(comment(tmp_path, actions_env(github.url, tmp_path)))
    assert "answered with a list holding a string where GitHub sends a list of objects" in line


def test_a_redirect_to_another_host_is_refused_once_not_retried(tmp_path: Path) -> None:
    """The token is never sent elsewhere, and asking again would be refused the same."""
    away = Answer(302, b"", {"Location": "http://127.0.0.2:9/repos/elsewhere"})
    with ScriptedGitHub(away) as github:
        line = one_clear_line(comment(tmp_path, actions_env(github.url, tmp_path)))
        assert len(github.requests) == 1
    assert "the answer redirected to http://127.0.0.2:9/repos/elsewhere" in line
    assert "RedirectRefused" not in line


def test_a_created_comment_answered_without_json_says_it_may_exist(tmp_path: Path) -> None:
    with ScriptedGitHub(json_answer(200, []), Answer(201, b"")) as github:
        line = one_clear_line(comment(tmp_path, actions_env(github.url, tmp_path)))
    assert "POST" in line and "the change may have been made" in line


def test_an_exhausted_rate_limit_says_when_to_run_again_not_permissions(tmp_path: Path) -> None:
    reset = str(int(time.time()) + 1800)
    limited = json_answer(
        403,
        {"message": "API rate limit exceeded for installation ID 1."},
        x_ratelimit_remaining="0",
        x_ratelimit_reset=reset,
    )
    with ScriptedGitHub(limited) as github:
        line = one_clear_line(comment(tmp_path, actions_env(github.url, tmp_path)))
        assert len(github.requests) == 1  # not hammered while limited
    assert "403 API rate limit exceeded for installation ID 1: GitHub's rate limit" in line
    assert "run again after" in line and "(in 30 min)" in line
    assert "permissions" not in line


def test_a_short_secondary_rate_limit_is_waited_out_and_repeated(tmp_path: Path) -> None:
    secondary = json_answer(
        403,
        {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."},
        retry_after="1",
    )
    created = json_answer(201, COMMENT)
    listed = json_answer(200, [])
    with ScriptedGitHub(listed, secondary, created, listed) as github:
        started = time.monotonic()
        result = comment(tmp_path, actions_env(github.url, tmp_path))
        waited = time.monotonic() - started
        posts = [r for r in github.requests if r[0] == "POST"]
    assert result.exit_code == 0, result.output
    assert "Created comment 7" in result.output
    assert len(posts) == 2 and waited >= 1.0
    assert "secondary rate limit" in result.output and "trying again in 1 s" in result.output


def test_a_5xx_asking_to_retry_tomorrow_fails_at_once(tmp_path: Path) -> None:
    busy = json_answer(503, {"message": "Service Unavailable"}, retry_after="86400")
    with ScriptedGitHub(busy) as github:
        started = time.monotonic()
        line = one_clear_line(comment(tmp_path, actions_env(github.url, tmp_path)))
    assert time.monotonic() - started < 10
    assert "503 Service Unavailable" in line


def test_a_5xx_page_on_a_read_is_retried_then_reported(tmp_path: Path) -> None:
    bad_gateway = Answer(502, b"<html>502 Bad Gateway</html>", {"Content-Type": "text/html"})
    with ScriptedGitHub(bad_gateway) as github:
        line = one_clear_line(comment(tmp_path, actions_env(github.url, tmp_path)))
        assert len(github.requests) == 4
    assert "failed: 502" in line


def test_a_body_sent_a_byte_at_a_time_does_not_hold_the_job(tmp_path: Path) -> None:
    trickle = Answer(200, b"[" + b" " * 200 + b"]", byte_every_s=0.2)
    with ScriptedGitHub(trickle) as github:
        env = {**actions_env(github.url, tmp_path), "J1SYNC_TIMEOUT": "1"}
        started = time.monotonic()
        line = one_clear_line(comment(tmp_path, env))
    assert time.monotonic() - started < 15
    assert "did not come within 1 s" in line


@pytest.mark.parametrize(
    ("token", "what"),
    [
        (f"{TOKEN}\nsecond-line-of-the-secret", "a line break"),
        (f"{TOKEN}\u2019tail-of-the-secret", "a character that is not ASCII"),
    ],
)
def test_a_token_github_would_never_issue_is_refused_without_showing_it(
    tmp_path: Path, token: str, what: str
) -> None:
    with FakeGitHub(TOKEN, REPOSITORY) as github:
        env = {**actions_env(github.url, tmp_path), "GITHUB_TOKEN": token}
        line = one_clear_line(comment(tmp_path, env))
        debugged = comment(tmp_path, {**env, "J1SYNC_DEBUG": "1"})  # traceback and all
        assert github.state.requests == []
    assert f"GITHUB_TOKEN holds {what}" in line
    for output in (line, debugged.output):
        assert "tail-of-the-secret" not in output
        assert "second-line-of-the-secret" not in output
        assert TOKEN not in output


def test_a_password_in_the_api_url_is_refused_and_never_shown(tmp_path: Path) -> None:
    env = {**actions_env("https://octo:hunter2-pass@ghe.example.com/api/v3", tmp_path)}

    line = one_clear_line(comment(tmp_path, env))

    assert "hunter2-pass" not in line
    assert "credentials in the URL are not allowed" in line


@pytest.mark.parametrize("repository", ["acme/x?per_page=1", "acme/x#frag", "acme/my repo", "../x"])
def test_a_repository_that_would_change_the_url_is_refused(tmp_path: Path, repository: str) -> None:
    with FakeGitHub(TOKEN, REPOSITORY) as github:
        env = {**actions_env(github.url, tmp_path), "GITHUB_REPOSITORY": repository}
        line = one_clear_line(comment(tmp_path, env))
        assert github.state.requests == []
    assert "repository must look like OWNER/NAME" in line


@pytest.mark.parametrize(
    "event",
    [
        {"pull_request": {"number": True}},
        {"pull_request": {"number": 0}},
        {"pull_request": {"number": -1}},
        {"action": "created", "issue": {"number": 5}, "comment": {"body": "hi"}},
    ],
    ids=["true", "zero", "negative", "comment-on-a-plain-issue"],
)
def test_an_event_without_a_pull_request_number_says_so(tmp_path: Path, event: object) -> None:
    with FakeGitHub(TOKEN, REPOSITORY) as github:
        env = actions_env(github.url, tmp_path)
        Path(env["GITHUB_EVENT_PATH"]).write_text(json.dumps(event))
        line = one_clear_line(comment(tmp_path, env))
        assert github.state.requests == []
    assert "is not about a pull request; pass --pr N" in line


def test_a_comment_event_on_a_pull_request_finds_it(tmp_path: Path) -> None:
    event = {"issue": {"number": 42, "pull_request": {"url": "..."}}, "comment": {}}
    with FakeGitHub(TOKEN, REPOSITORY) as github:
        env = actions_env(github.url, tmp_path)
        Path(env["GITHUB_EVENT_PATH"]).write_text(json.dumps(event))
        result = comment(tmp_path, env)
        assert [c["issue_number"] for c in github.state.comments] == [42]
    assert result.exit_code == 0, result.output


def test_a_pr_number_below_one_is_a_usage_error(tmp_path: Path) -> None:
    with FakeGitHub(TOKEN, REPOSITORY) as github:
        result = comment(tmp_path, actions_env(github.url, tmp_path), "--pr", "0")
        assert github.state.requests == []
    assert result.exit_code == 1
    assert "--pr" in result.output and "Traceback" not in result.output


def test_a_body_file_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    body = tmp_path / "plan.md"
    body.write_bytes(b"## plan\n\xff\xfe")
    with FakeGitHub(TOKEN, REPOSITORY) as github:
        env = actions_env(github.url, tmp_path)
        results = [
            run(["github", "comment", "--body-file", str(body)], env),
            run(["github", "summary", "--body-file", str(body)], env),
        ]
    for result in results:
        line = one_clear_line(result)
        assert "not UTF-8 text (byte 9 is 0xff)" in line


def test_pages_that_link_in_a_loop_end_with_an_error(tmp_path: Path) -> None:
    looping = json_answer(200, [{"id": 1, "body": "hi"}])
    with ScriptedGitHub(looping) as github:
        looping.headers["Link"] = (
            f'<{github.url}/repos/{REPOSITORY}/issues/42/comments?page=2>; rel="next"'
        )
        line = one_clear_line(comment(tmp_path, actions_env(github.url, tmp_path)))
        assert len(github.requests) <= 3
    assert "pages link in a loop" in line


def test_a_blank_event_path_is_unset(tmp_path: Path) -> None:
    with FakeGitHub(TOKEN, REPOSITORY) as github:
        env = {**actions_env(github.url, tmp_path), "GITHUB_EVENT_PATH": " "}
        line = one_clear_line(comment(tmp_path, env))
    assert line == "Error: no pull request: pass --pr N or run on a pull_request event"


def test_a_5xx_answer_to_a_post_says_the_comment_may_exist(tmp_path: Path) -> None:
    with ScriptedGitHub(
        json_answer(200, []), json_answer(502, {"message": "Bad Gateway"})
    ) as github:
        line = one_clear_line(comment(tmp_path, actions_env(github.url, tmp_path)))
        assert [r[0] for r in github.requests] == ["GET", "POST"]  # a write is not repeated
    assert "502 Bad Gateway; the change may have been made: the next run finds it" in line


def test_a_label_another_run_just_made_is_used(tmp_path: Path) -> None:
    report = tmp_path / "drift.md"
    report.write_text("AlertRule/x changed by hand\n")
    exists = {"resource": "Label", "code": "already_exists", "field": "name"}
    answers = [
        json_answer(200, []),  # no open drift issue
        json_answer(404, {"message": "Not Found"}),  # no label yet...
        json_answer(422, {"message": "Validation Failed", "errors": [exists]}),  # ...now there is
        json_answer(201, {"number": 9, "html_url": "https://github.test/issues/9"}),
    ]
    with ScriptedGitHub(*answers) as github:
        args = ["github", "drift-issue", "--body-file", str(report), "--status", "drift"]
        result = run(args, actions_env(github.url, tmp_path))
    assert result.exit_code == 0, result.output
    assert "Created issue #9" in result.output
