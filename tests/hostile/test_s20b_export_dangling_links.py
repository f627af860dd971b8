"""export into a link to nothing (a folder moved away, a checkout's link to a folder not
made yet): `--out` such a link read the whole account and then said 'cannot write
dangling: File exists'; a kind's folder such a link (with --force) said the same of it,
after the account's read. Now the output folder is checked before any request, and the
kinds' folders before any file is moved into place, each saying what the link points
to; nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run, seeded_question

SEED = {**BASE_SEED, "questions": [seeded_question("Q 0"), seeded_question("Q 1")]}


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_an_output_folder_linking_to_nothing_is_refused_before_reading() -> None:
    Path("exp").symlink_to("moved-away")
    with running_emulator(seed=SEED) as emu:
        exported = jupiterone_run(emu, "export", "--out", "exp")
        assert emu.stats.total == 0  # refused before any request
    assert exported.exit_code == 1, exported.output
    assert (
        "cannot write the export to exp: it is a link to moved-away, which does not exist"
    ) in exported.output
    assert not Path("moved-away").exists()


def test_a_kind_folder_linking_to_nothing_is_said_and_nothing_written() -> None:
    Path("exp").mkdir()
    Path("exp/questions").symlink_to("../shared-questions")
    Path("exp/keep.txt").write_text("kept\n", encoding="utf-8")
    with running_emulator(seed=SEED) as emu:
        exported = jupiterone_run(emu, "export", "--out", "exp", "--force")
    assert exported.exit_code == 1, exported.output
    assert (
        "exp/questions is not a folder: a link to ../shared-questions, which does not exist; "
        "nothing was written"
    ) in exported.output
    assert sorted(p.name for p in Path("exp").iterdir()) == ["keep.txt", "questions"]
