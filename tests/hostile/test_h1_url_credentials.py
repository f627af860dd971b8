"""A JupiterOne API URL with a password (user:pass@) or a token in its query is refused,
and the refusal never prints it back, whichever check fails first: a path, a bad scheme,
a bad port or an unparseable host used to echo the whole URL, password included."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.hostile.manifests import QUESTION

SECRET = "s3cretPw9"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (f"http://user:{SECRET}@127.0.0.1:18641/graphql", "give the base URL only"),
        (f"ftp://user:{SECRET}@127.0.0.1", "expected https://host[:port]"),
        (f"user:{SECRET}@127.0.0.1", "expected https://host[:port]"),
        (f"https://user:{SECRET}@[::1:18641", "Invalid IPv6 URL"),
        (f"https://user:{SECRET}@127.0.0.1:99999", "Port out of range"),
        (f"https://us@r:{SECRET}@127.0.0.1:18641/x", "give the base URL only"),
        (f"https://127.0.0.1:18641/?token={SECRET}", "give the base URL only"),
        (f"https://user:{SECRET}@api.example.com", "credentials in the URL are not allowed"),
    ],
)
def test_a_refused_api_url_never_shows_its_credentials(
    tmp_path: Path, url: str, reason: str
) -> None:
    (tmp_path / "users.yaml").write_text(QUESTION, encoding="utf-8")
    env = {
        "JUPITERONE_API_URL": url,
        "JUPITERONE_API_KEY": "k123",
        "JUPITERONE_ACCOUNT_ID": "acct",
    }
    for command in (["plan", "."], ["drift", "."], ["export", "--out", "out"]):
        result = j1sync_here(command, env, tmp_path)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert reason in output, output
        assert SECRET not in output, output
        assert "Traceback" not in output


def test_the_api_url_flag_is_shown_without_its_password(tmp_path: Path) -> None:
    (tmp_path / "users.yaml").write_text(QUESTION, encoding="utf-8")
    env = {"JUPITERONE_API_KEY": "k123", "JUPITERONE_ACCOUNT_ID": "acct"}
    url = f"https://user:{SECRET}@127.0.0.1:1/path"
    result = j1sync_here(["plan", ".", "--api-url", url], env, tmp_path)
    assert result.returncode == 1
    assert "Invalid API URL 'https://...@127.0.0.1:1/path'" in result.stderr
    assert SECRET not in result.stdout + result.stderr
