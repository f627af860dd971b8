"""A URL holding a password is never shown whole, even mistyped. `http//user:PASS@host`
(the scheme's colon left out) was printed as it was in "Invalid API URL ...": the mask
of user information wanted `scheme://`. Now whatever comes before the URL's last `@`
(back to its `//`, or its start) is shown as `...`, for every system's URL setting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "URLPASSWORD-3x4c5v6b7n8m"
SETTINGS = {
    "JUPITERONE_API_KEY": "s28-url-Key-1a2b3c4d",
    "JUPITERONE_ACCOUNT_ID": "s28-url-account",
    "XYOPS_API_KEY": "s28-url-xy-Key-5e6f",
    "OPENCTI_TOKEN": "s28-url-token-7a8b",
    "JUPITERONE_API_URL": "http://127.0.0.1:9",
    "XYOPS_URL": "http://127.0.0.1:9",
    "OPENCTI_URL": "http://127.0.0.1:9",
}


@pytest.mark.parametrize("variable", ["JUPITERONE_API_URL", "XYOPS_URL", "OPENCTI_URL"])
@pytest.mark.parametrize(
    "url", [f"http//user:{PASSWORD}@host", f"user:{PASSWORD}@host", f"htps:/u:{PASSWORD}@h"]
)
def test_a_mistyped_url_keeps_its_password(tmp_path: Path, variable: str, url: str) -> None:
    shutil.copytree(ROOT / "examples" / "manifests", tmp_path / "manifests")
    done = j1sync_here(["plan", "manifests"], {**SETTINGS, variable: url}, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert "...@h" in done.stderr, done.stderr  # the URL is named, its credential not
