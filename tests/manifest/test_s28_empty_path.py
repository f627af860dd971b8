"""An empty PATH (`j1sync validate "$MANIFESTS"` with the variable unset) is refused as
plan, apply and drift refuse it; validate read the current folder in its place and said
it was valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.manifest.one_question import QUESTION


@pytest.mark.parametrize("command", [["validate"], ["plan", "--emulator"]])
def test_an_empty_path_is_refused(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION)
    done = j1sync_here([*command, ""], {}, tmp_path)
    assert done.returncode == 1, done.stdout
    assert done.stdout == ""
    assert "Invalid value for '[PATHS]...': Path '' does not exist." in done.stderr
