"""`j1sync unlock PATH` over an xyOps-only (or OpenCTI-only) project, without --system,
reads JupiterOne's lock, and failed with "No JupiterOne API key: set JUPITERONE_API_KEY."
only: a user with no JupiterOne account was pointed at a key they do not have. Now the
error adds which --system unlocks the target of the manifests there."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli

TAG = """\
apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: backups
spec:
  title: Backups
"""

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: hosts
spec:
  title: Hosts
  queries:
    - name: query0
      query: Find Host
"""

NO_KEY = "Error: No JupiterOne API key: set JUPITERONE_API_KEY."
HINT = (
    "The manifests there are xyOps's, and unlock reads JupiterOne's lock unless told "
    "otherwise: --system xyops"
)


@pytest.fixture(autouse=True)
def _no_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("JUPITERONE_API_KEY", "JUPITERONE_ACCOUNT_ID", "XYOPS_URL", "XYOPS_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def unlock(folder: str, manifest: str, *more: str) -> list[str]:
    Path(folder).mkdir()
    Path(folder, "a.yaml").write_text(manifest, encoding="utf-8")
    result = CliRunner().invoke(cli, ["unlock", folder, *more])
    assert result.exit_code == 1, result.output
    return result.stderr.splitlines()


def test_an_xyops_project_is_told_its_system_option() -> None:
    assert unlock("x", TAG) == [NO_KEY, HINT]


def test_no_hint_when_the_system_was_chosen_or_is_the_manifests() -> None:
    assert unlock("x", TAG, "--system", "jupiterone") == [NO_KEY]
    assert unlock("j", QUESTION) == [NO_KEY]
