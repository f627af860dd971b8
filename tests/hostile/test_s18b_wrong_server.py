"""A repository of several systems whose URLs are mixed up (XYOPS_URL pasted with the
OpenCTI platform's address, OPENCTI_URL with the xyOps server's): each other server
answers j1sync's requests with its own 404. Before, xyOps's client said only 'xyOps API
(get_multiple): no description' (the answer had no xyOps code, which every xyOps answer
has) and OpenCTI's 'OpenCTI API (list vocabularies): HTTP 404', neither naming the URL
nor the setting to check. Now both name the status, the URL and where it is set; the run
exits 1 before any change, the keys in no output."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.in_process import j1sync_here
from tests.hostile.running import question_count
from tests.hostile.several_systems import (
    J1_KEY,
    OPENCTI_LABEL,
    QUESTION,
    XY_KEY,
    XYOPS_TAG,
    documents,
    running_systems,
)
from tests.hostile.several_systems import systems_env as _env

MANIFESTS = documents(QUESTION, XYOPS_TAG, OPENCTI_LABEL)


@pytest.fixture
def systems() -> Iterator[tuple[Any, Any, Any]]:
    with running_systems() as running:
        yield running


def _run(args: list[str], env: dict[str, str], tmp_path: Path) -> tuple[int, str, str]:
    (tmp_path / "m.yaml").write_text(MANIFESTS, encoding="utf-8")
    done = j1sync_here([*args, "m.yaml"], env, tmp_path)
    return done.returncode, done.stdout, done.stderr


def _error(stderr: str) -> str:
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    return errors[0]


@pytest.mark.parametrize("command", [["plan"], ["drift"], ["apply", "--auto-approve"]])
def test_xyops_url_of_another_server_names_the_url_and_the_setting(
    command: list[str], systems: tuple[Any, Any, Any], tmp_path: Path
) -> None:
    j1, xy, oc = systems
    code, stdout, stderr = _run(command, _env(j1, xy, oc, XYOPS_URL=oc.url), tmp_path)
    assert code == 1, stdout + stderr
    error = _error(stderr)
    assert "xyOps API returned an answer without xyOps's code (HTTP 404)" in error, error
    assert (
        f"is {oc.url} the xyOps server? Check XYOPS_URL or `url:` in j1sync.yaml's xyops section"
    ) in error, error
    assert "no description" not in error
    assert question_count(j1) == 0  # nothing changed anywhere
    assert "s18b-label" not in str(oc.snapshot()["labels"])
    for secret in (J1_KEY, XY_KEY, oc.token):
        assert secret not in stdout + stderr


def test_opencti_url_of_another_server_names_the_url_and_the_setting(
    systems: tuple[Any, Any, Any], tmp_path: Path
) -> None:
    j1, xy, oc = systems
    code, stdout, stderr = _run(["plan"], _env(j1, xy, oc, OPENCTI_URL=xy.url), tmp_path)
    assert code == 1, stdout + stderr
    error = _error(stderr)
    assert "HTTP 404: is " + xy.url in error, error
    assert (
        "the OpenCTI server? Check OPENCTI_URL or `url:` in j1sync.yaml's opencti section"
    ) in error, error
    for secret in (J1_KEY, XY_KEY, oc.token):
        assert secret not in stdout + stderr


def test_jupiterone_url_of_another_server_names_the_url_and_the_setting(
    systems: tuple[Any, Any, Any], tmp_path: Path
) -> None:
    """JUPITERONE_API_URL with the xyOps server's address: before, 'JupiterOne API
    returned an unexpected body (HTTP 404)', with neither the URL nor the setting."""
    j1, xy, oc = systems
    code, stdout, stderr = _run(["drift"], _env(j1, xy, oc, JUPITERONE_API_URL=xy.url), tmp_path)
    assert code == 1, stdout + stderr
    error = _error(stderr)
    assert (
        f"JupiterOne API returned an unexpected body (HTTP 404) from {xy.url}/: is that "
        "JupiterOne's API? Check JUPITERONE_API_URL (--api-url) and JUPITERONE_REGION"
    ) in error, error
    for secret in (J1_KEY, XY_KEY, oc.token):
        assert secret not in stdout + stderr
