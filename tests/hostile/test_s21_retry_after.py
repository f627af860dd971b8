"""One Retry-After parser (http/client.retry_after_seconds) for every client, GitHub's
included: RFC 9110's delay-seconds or HTTP-date; a negative, NaN or infinite delay is no
delay-seconds and is taken as absent."""

from __future__ import annotations

import time
from email.utils import formatdate
from pathlib import Path

from tests.hostile.test_s20e_github_answers import comment, one_clear_line
from tests.hostile.test_s20e_github_fakes import ScriptedGitHub, actions_env, json_answer


def test_github_takes_a_retry_after_date_a_day_away_and_fails_at_once(tmp_path: Path) -> None:
    tomorrow = formatdate(time.time() + 86_400, usegmt=True)
    busy = json_answer(503, {"message": "Service Unavailable"}, retry_after=tomorrow)
    with ScriptedGitHub(busy) as github:
        line = one_clear_line(comment(tmp_path, actions_env(github.url, tmp_path)))
        assert len(github.requests) == 1
    assert "503 Service Unavailable" in line
