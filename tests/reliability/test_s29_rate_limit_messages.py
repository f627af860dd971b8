"""What a run that gives up on 429s says about the wait: only what the server asked for is
said to be asked for, and a wait is said as a person reads it. Before, `RateLimit-Reset:
1e400` (JupiterOne) read "the server asks to wait inf s", `Retry-After:
99999999999999999999999` "asks to wait 99999999999999991611392 s (Retry-After)", and a
Retry-After j1sync could not read ("garbage") was thrown away, but the backoff's wait
was then said as the server's: "the server asks to wait 18 s (Retry-After)"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.reliability.test_s29_retry_after_floor import plan_against, rate_limiting

SYSTEMS = ["JupiterOne", "xyOps", "OpenCTI"]
# A backoff of up to 1,000 s: its first wait goes beyond the budget (but for 0.5% of
# runs, one under 5 s), and would be said as the server's if it were taken for it.
LONG_BACKOFF = {"J1SYNC_BACKOFF_INITIAL_S": "1000", "J1SYNC_BACKOFF_MAX_S": "1000"}
MANY_DIGITS = re.compile(r"\d{8,}")


def error_line(said: str) -> str:
    errors = [line for line in said.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, said
    return errors[0]


@pytest.mark.parametrize("system", SYSTEMS)
def test_a_retry_after_of_23_digits_is_said_as_more_than_a_day(system: str, tmp_path: Path) -> None:
    with rate_limiting("99999999999999999999999") as (url, _):
        code, said = plan_against(system, url, tmp_path, "--retry-budget", "3")
    line = error_line(said)
    assert code == 1, said
    assert "the server asks to wait more than a day (Retry-After): beyond the 3 s" in line
    assert not MANY_DIGITS.search(said), said


@pytest.mark.parametrize("system", SYSTEMS)
def test_an_unreadable_retry_after_is_said_ignored_and_the_backoff_not_said_asked_for(
    system: str, tmp_path: Path
) -> None:
    with rate_limiting("garbage") as (url, _):
        code, said = plan_against(system, url, tmp_path, "--retry-budget", "3", env=LONG_BACKOFF)
    line = error_line(said)
    assert code == 1, said
    assert "asks to wait" not in line, line
    assert "its Retry-After, neither a delay nor a date, ignored" in line, line
    assert "garbage" not in said, said


@pytest.mark.parametrize("reset", ["1e400", "99999999999999999999999"])
def test_jupiterones_quota_headers_out_of_range_are_never_said_as_inf_or_digits(
    reset: str, tmp_path: Path
) -> None:
    """RateLimit-Reset 1e400 (infinite) is no reading of the quota, and is ignored; one
    of 23 digits is a wait of more than a day."""
    quota = {"RateLimit-Limit": "10", "RateLimit-Remaining": "0", "RateLimit-Reset": reset}
    with rate_limiting("0", quota) as (url, _):
        code, said = plan_against("JupiterOne", url, tmp_path, "--retry-budget", "3")
    line = error_line(said)
    assert code == 1, said
    assert "inf" not in line.replace("info", ""), line
    assert not MANY_DIGITS.search(said), said
    assert "(Retry-After)" not in line, line


@pytest.mark.parametrize("system", ["xyOps", "OpenCTI"])
def test_the_backoff_is_never_said_as_the_servers_wait(system: str, tmp_path: Path) -> None:
    """A 429 with RateLimit-* headers and no Retry-After (xyOps and OpenCTI read no
    quota from them): the wait is the backoff's."""
    quota = {"RateLimit-Limit": "10", "RateLimit-Remaining": "0", "RateLimit-Reset": "5"}
    with rate_limiting(None, quota) as (url, _):
        code, said = plan_against(system, url, tmp_path, "--retry-budget", "3", env=LONG_BACKOFF)
    line = error_line(said)
    assert code == 1, said
    assert "asks to wait" not in line, line
    assert "rate limited (HTTP 429)" in line, line
