"""What a system's base URL may hold is one rule, the same for JupiterOne, xyOps and
OpenCTI (j1sync.http.urls.check_base_url). Before, `http://host:port//` was refused as
JUPITERONE_API_URL but taken as XYOPS_URL or OPENCTI_URL (a path is allowed there, and
`//` was taken for one); and a fragment was shown as a query: `http://host/#frag` came
back as `Invalid API URL 'http://host/?...'`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here

ROOT = Path(__file__).resolve().parents[2]
NOWHERE = "http://127.0.0.1:18181"  # nothing listens: a URL that passes fails to connect
SETTINGS = {
    "JUPITERONE_API_KEY": "s29-url-Key-1a2b3c4d",
    "JUPITERONE_ACCOUNT_ID": "s29-url-account",
    "XYOPS_API_KEY": "s29-url-xy-Key-5e6f",
    "OPENCTI_TOKEN": "s29-url-token-7a8b",
    "JUPITERONE_API_URL": NOWHERE,
    "XYOPS_URL": NOWHERE,
    "OPENCTI_URL": NOWHERE,
    "J1SYNC_BACKOFF_INITIAL_S": "0.01",
    "J1SYNC_BACKOFF_MAX_S": "0.01",
}
VARIABLES = ["JUPITERONE_API_URL", "XYOPS_URL", "OPENCTI_URL"]


def _plan_with(tmp_path: Path, variable: str, url: str) -> str:
    """stderr of `j1sync plan` over the examples (every system's) with `variable` = url."""
    shutil.copytree(ROOT / "examples" / "manifests", tmp_path / "manifests")
    done = j1sync_here(["plan", "manifests"], {**SETTINGS, variable: url}, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    return done.stderr


@pytest.mark.parametrize("variable", VARIABLES)
@pytest.mark.parametrize("path", ["//", "/ops//", "//ops", "/ops//x/"])
def test_an_empty_path_segment_is_refused_for_every_system(
    tmp_path: Path, variable: str, path: str
) -> None:
    stderr = _plan_with(tmp_path, variable, f"{NOWHERE}{path}")
    assert f"'{NOWHERE}{path}': its path holds an empty segment (//)" in stderr, stderr


@pytest.mark.parametrize("variable", VARIABLES)
def test_one_slash_at_the_end_is_taken_for_every_system(tmp_path: Path, variable: str) -> None:
    stderr = _plan_with(tmp_path, variable, f"{NOWHERE}/")
    assert "Invalid" not in stderr, stderr  # taken: the run fails connecting, not on it
    assert "127.0.0.1:18181" in stderr, stderr


@pytest.mark.parametrize("variable", VARIABLES)
@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"{NOWHERE}/#frag-Secret9", f"{NOWHERE}/#..."),
        (f"{NOWHERE}/?token=Secret9", f"{NOWHERE}/?..."),
        (f"{NOWHERE}/?token=Secret9#frag", f"{NOWHERE}/?...#..."),
        (f"{NOWHERE}/#frag?Secret9", f"{NOWHERE}/#..."),
    ],
)
def test_a_fragment_is_shown_as_a_fragment_its_text_masked(
    tmp_path: Path, variable: str, url: str, shown: str
) -> None:
    stderr = _plan_with(tmp_path, variable, url)
    assert f"'{shown}': give the base URL only" in stderr, stderr
    assert "Secret9" not in stderr and "frag" not in stderr, stderr
