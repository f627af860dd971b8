"""An export stopped while it writes (Ctrl-C, a full disk) left the folder holding some of
the manifests, the last one maybe cut in the middle: a folder that looks like an export,
whose plan deletes every tagged object the missing files declared. And two exports into
one empty folder at once both found it empty (each checks before reading the account)
and the later one wrote over the earlier's files, mixing two accounts with no word. Now
an export writes its files aside in the folder and moves them into place once all are
written: stopped, it leaves the folder as it was; and it moves nothing when a file in the
folder changed while it ran, and says so."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run, seeded_question
from tests.hostile.running import interrupt, jupiterone_env, wait_until
from tests.reliability.processes import run_j1sync, start_j1sync

KEY = "s20b-Key-7d1e0c4b"
HELD_MS = 8000  # within j1sync's request timeout (30 s): no retry


def _seed(prefix: str, count: int) -> dict[str, object]:
    return {**BASE_SEED, "questions": [seeded_question(f"{prefix} {i}") for i in range(count)]}


def test_ctrl_c_while_writing_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "exp"
    with running_emulator(seed=_seed("Q", 1500), api_key=KEY, account="acct-s20b") as emu:
        env = jupiterone_env(emu.url, KEY, emu.account)
        export = start_j1sync(["export", "--out", "exp"], env, tmp_path)
        wait_until(lambda: any(out.rglob("*.yaml")), export, "a file written")
        stdout, stderr, _ = interrupt(export, signal.SIGINT)
    assert export.returncode == 130, stdout + stderr
    assert "Interrupted." in stderr
    assert not out.exists() or not any(out.iterdir()), sorted(map(str, out.rglob("*")))
    assert KEY not in stdout + stderr


def test_two_exports_into_one_folder_at_once_do_not_mix(tmp_path: Path) -> None:
    out = tmp_path / "exp"
    with (
        running_emulator(seed=_seed("Slow", 3), api_key=KEY, account="acct-slow") as slow,
        running_emulator(seed=_seed("Fast", 3), api_key=KEY, account="acct-fast") as fast,
    ):
        slow.switches.latency_ms = HELD_MS  # its first requests, while the second runs
        first = start_j1sync(
            ["export", "--out", "exp"], jupiterone_env(slow.url, KEY, slow.account), tmp_path
        )
        wait_until(lambda: slow.stats.total > 0, first, "the first export reading")
        second = run_j1sync(
            ["export", "--out", "exp"], jupiterone_env(fast.url, KEY, fast.account), tmp_path
        )
        assert second.returncode == 0, second.stdout + second.stderr
        assert first.poll() is None, "the first export ended before the second"
        written = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
        slow.switches.latency_ms = 0
        stdout, stderr = first.communicate(timeout=60)
    assert first.returncode == 1, stdout + stderr
    assert "changed while this export ran" in stderr, stderr
    assert "nothing was written" in stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == written
    assert "Slow" not in "".join(p.read_text("utf-8") for p in written)


def test_a_file_that_cannot_be_written_leaves_the_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--force into a folder where a manifest's file name is taken by a folder: before,
    the files before it were written, the rest not ('1 of 3 manifests written')."""
    monkeypatch.chdir(tmp_path)
    Path("exp/questions/q-1.yaml").mkdir(parents=True)
    seed = {**BASE_SEED, "questions": [seeded_question(f"Q {i}") for i in range(3)]}
    with running_emulator(seed=seed) as emu:
        exported = jupiterone_run(emu, "export", "--out", "exp", "--force")
    assert exported.exit_code == 1, exported.output
    assert "exp/questions/q-1.yaml is a folder" in exported.output
    assert "nothing was written" in exported.output
    assert sorted(p.name for p in Path("exp/questions").iterdir()) == ["q-1.yaml"]
    assert not [p for p in Path("exp").iterdir() if p.name != "questions"]


def test_a_link_where_a_manifest_goes_is_replaced_not_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--force into a folder where a manifest's file is a link to a file elsewhere (a
    checkout's link, or one planted): before, export wrote the manifest through it, over
    the file it points to, outside the folder."""
    monkeypatch.chdir(tmp_path)
    Path("exp/questions").mkdir(parents=True)
    Path("elsewhere.txt").write_text("not an export's\n", encoding="utf-8")
    Path("exp/questions/q-0.yaml").symlink_to(tmp_path / "elsewhere.txt")
    seed = {**BASE_SEED, "questions": [seeded_question("Q 0")]}
    with running_emulator(seed=seed) as emu:
        exported = jupiterone_run(emu, "export", "--out", "exp", "--force")
    assert exported.exit_code == 0, exported.output
    assert Path("elsewhere.txt").read_text(encoding="utf-8") == "not an export's\n"
    written = Path("exp/questions/q-0.yaml")
    assert not written.is_symlink()
    assert "name: Q 0" in written.read_text(encoding="utf-8")
