"""export --force into the folder of an earlier export keeps the files it does not write
(documented). Two of them said nothing and trapped the first plan: a kept file declaring
an object this export wrote to another file (the account's `Foo` and `foo` exported as
foo.yaml and foo-2.yaml; `Foo` renamed `Bar`, `foo` went to foo.yaml; now it stays in
its file, and a file of the user's declaring it with another object is such a file), on
which the plan failed ('duplicate Question/foo'); and one declaring an object the account no longer
holds under that name (renamed), which the plan created again. Export now warns of each,
naming the files."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.export.naming import own_suffix
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run, seeded_question

KEPT = "kept from before (this export did not write it), it declares"


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _rename(emu: Emulator, old: str, new: str) -> None:
    (question,) = [q for q in emu.snapshot()["questions"] if q["name"] == old]
    emu.store.replace("questions", {**question, "name": new})


def test_a_kept_file_declaring_what_this_export_wrote_elsewhere_is_said() -> None:
    seed = {**BASE_SEED, "questions": [seeded_question("Foo"), seeded_question("foo")]}
    with running_emulator(seed=seed) as emu:
        assert jupiterone_run(emu, "export", "--out", "exp").exit_code == 0
        # a file of the user's declaring `foo` with another: not the file export writes
        # `foo` to (it declares more than `foo` alone)
        both = Path("exp/questions/foo.yaml").read_text(encoding="utf-8")
        other = Path(f"exp/questions/foo-{own_suffix('Foo')}.yaml").read_text(encoding="utf-8")
        Path("exp/questions/both.yaml").write_text(f"{both}---\n{other}", encoding="utf-8")
        again = jupiterone_run(emu, "export", "--out", "exp", "--force")
    assert again.exit_code == 0, again.output
    assert (
        f"Warning: exp/questions/both.yaml: {KEPT} Question/Foo, as "
        f"exp/questions/foo-{own_suffix('Foo')}.yaml now does: a plan refuses a name "
        "declared twice; remove both.yaml unless you wrote it"
    ) in again.output
    assert again.output.count("Warning:") == 2  # and Question/foo, as foo.yaml does


def test_a_renamed_object_leaves_the_others_in_their_files() -> None:
    """`Foo` and `foo` exported, `Foo` renamed `Bar`: `foo` stays in its file (it used to
    move to the one `Foo` had, and the file kept from before declared it too)."""
    seed = {**BASE_SEED, "questions": [seeded_question("Foo"), seeded_question("foo")]}
    with running_emulator(seed=seed) as emu:
        assert jupiterone_run(emu, "export", "--out", "exp").exit_code == 0
        kept = Path("exp/questions/foo.yaml").read_text(encoding="utf-8")
        _rename(emu, "Foo", "Bar")
        again = jupiterone_run(emu, "export", "--out", "exp", "--force")
    assert again.exit_code == 0, again.output
    assert Path("exp/questions/foo.yaml").read_text(encoding="utf-8") == kept
    assert again.output.count("Warning:") == 1, again.output  # Foo's file, Foo gone
    assert "Question/Foo, which JupiterOne does not hold" in again.output


def test_a_kept_file_declaring_what_the_account_no_longer_holds_is_said() -> None:
    seed = {**BASE_SEED, "questions": [seeded_question("Q 0"), seeded_question("Q 1")]}
    with running_emulator(seed=seed) as emu:
        assert jupiterone_run(emu, "export", "--out", "exp").exit_code == 0
        _rename(emu, "Q 1", "Renamed")
        again = jupiterone_run(emu, "export", "--out", "exp", "--force")
    assert again.exit_code == 0, again.output
    assert (
        f"Warning: exp/questions/q-1.yaml: {KEPT} Question/Q 1, which JupiterOne does not "
        "hold (renamed or deleted?): a plan creates it; remove q-1.yaml unless you wrote it"
    ) in again.output
    assert again.output.count("Warning:") == 1  # q-0.yaml was written again
