"""Ctrl-C once an export had moved every file into place (while it checked them, as
`validate` does) printed only `Interrupted.`, exit 130, though the export was complete:
the user was left to guess whether the folder held the export, some of it, or the old
files. Now it says the export completed, as apply says all changes were made when the
signal came once they had all started, and how to run the check it did not finish."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import seeded_question
from tests.hostile.running import interrupt, jupiterone_env, wait_until
from tests.reliability.processes import start_j1sync

KEY = "s28-Key-4b7e1d0c9a"
COUNT = 2000  # checking them takes a second or two: the signal comes meanwhile


def test_ctrl_c_once_every_file_is_in_place_says_the_export_completed(tmp_path: Path) -> None:
    seed = {**BASE_SEED, "questions": [seeded_question(f"Q {i}") for i in range(COUNT)]}
    questions = tmp_path / "exp" / "questions"

    def all_in_place() -> bool:
        return questions.is_dir() and len(os.listdir(questions)) >= COUNT

    with running_emulator(seed=seed, api_key=KEY, account="acct-s28") as emu:
        export = start_j1sync(
            ["export", "--out", "exp"], jupiterone_env(emu.url, KEY, emu.account), tmp_path
        )
        wait_until(all_in_place, export, "every file in place")
        stdout, stderr, _ = interrupt(export, signal.SIGINT)
    assert export.returncode == 130, stdout + stderr
    assert (
        f"Interrupted once every file was in place: the export completed ({COUNT} manifests "
        "in exp); its check of them was not run: `j1sync validate exp` runs it."
    ) in stderr, stderr
    assert "\nInterrupted.\n" not in f"\n{stderr}"
    assert len(list(questions.glob("*.yaml"))) == COUNT
    assert not [p for p in (tmp_path / "exp").iterdir() if p.name.startswith(".")]
