"""A 429 whose Retry-After asks for no wait at all (`0`, an HTTP-date already past, as when
the server's clock is ahead of ours, or `0.0001`) is still backed off from: the server's
wait is a floor under the exponential backoff, never the whole wait. Before, every
client (they share http/client.py) retried at once, again and again, until the retry
budget was spent: `j1sync plan` against a server answering every request so sent xyOps
2,259 requests in a 3 s budget, JupiterOne 341, OpenCTI 150."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.http_servers import answering

API_KEY = "s29RetryAfterFloorKey0123456789"
OPENCTI_TOKEN = "2b0f6a1e-7c3d-4e5f-8a9b-0c1d2e3f4a5b"
MANIFESTS = {
    "JupiterOne": """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: open-ports
spec:
  title: Open ports
  queries:
    - name: query0
      query: FIND Host
""",
    "xyOps": """\
apiVersion: xyops.j1sync/v1
kind: WebHook
metadata:
  name: ops_chat
spec:
  title: Ops chat
  url: https://chat.example.com/hook
  body: '{"text": "{{text}}"}'
  timeout: 10
""",
    "OpenCTI": """\
apiVersion: opencti.j1sync/v1
kind: Label
metadata:
  name: phishing
""",
}
# Within this budget the backoff (0.5 s at first, doubling, full jitter) leaves room for
# a few attempts of each request the plan sends side by side; retrying at once made
# hundreds.
BUDGET_S = "2"
AT_MOST = 120


@contextmanager
def rate_limiting(
    retry_after: str | None, headers: dict[str, str] | None = None
) -> Iterator[tuple[str, list[float]]]:
    """A server on 127.0.0.1 answering every request 429 with `Retry-After: retry_after`
    (none when None) and `headers` besides; its URL, and when each request came."""
    asked = {} if retry_after is None else {"Retry-After": retry_after}
    body = b'{"error": "Too Many Requests"}'
    with answering(429, body, headers={**asked, **(headers or {})}) as (url, seen):
        yield f"{url}/", seen


def system_env(system: str, url: str) -> dict[str, str]:
    """j1sync's settings for `system`'s API at `url`."""
    if system == "JupiterOne":
        return {
            "JUPITERONE_API_URL": url,
            "JUPITERONE_API_KEY": API_KEY,
            "JUPITERONE_ACCOUNT_ID": "s29-account",
        }
    if system == "xyOps":
        return {"XYOPS_URL": url, "XYOPS_API_KEY": API_KEY}
    return {"OPENCTI_URL": url, "OPENCTI_TOKEN": OPENCTI_TOKEN}


def plan_against(
    system: str, url: str, tmp_path: Path, *options: str, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """`j1sync plan` of one manifest of `system` against `url` (with `env` besides): its
    exit code, and what it said."""
    (tmp_path / "m.yaml").write_text(MANIFESTS[system], encoding="utf-8")
    done = j1sync_here(
        ["plan", "m.yaml", "--timeout", "2", *options],
        {**system_env(system, url), **(env or {})},
        tmp_path,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("system", ["JupiterOne", "xyOps", "OpenCTI"])
@pytest.mark.parametrize(
    "retry_after",
    ["0", "0.0001", formatdate(time.time() - 3600, usegmt=True)],
    ids=["zero", "tiny", "past-date"],
)
def test_a_429_asking_for_no_wait_is_backed_off_from(
    system: str, retry_after: str, tmp_path: Path
) -> None:
    with rate_limiting(retry_after) as (url, seen):
        code, said = plan_against(system, url, tmp_path, "--retry-budget", BUDGET_S)
        requests = len(seen)
    assert code == 1, said
    assert "rate limited (HTTP 429)" in said, said
    assert "Traceback" not in said, said
    assert 1 < requests <= AT_MOST, (requests, said)


def test_jupiterones_quota_headers_asking_for_next_to_no_wait_are_backed_off_from(
    tmp_path: Path,
) -> None:
    """RateLimit-* headers saying the bucket empties in a millisecond: the quota estimate
    asks for 0.02 s (its margin); the backoff is longer, and waited."""
    quota = {"RateLimit-Limit": "10", "RateLimit-Remaining": "0", "RateLimit-Reset": "0.001"}
    with rate_limiting("0", quota) as (url, seen):
        code, said = plan_against("JupiterOne", url, tmp_path, "--retry-budget", BUDGET_S)
        requests = len(seen)
    assert code == 1, said
    assert "Traceback" not in said, said
    assert 1 < requests <= AT_MOST, (requests, said)
