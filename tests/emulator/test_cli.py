"""`j1sync emulator serve` as a real process, and `j1sync emulator reset`."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.registry import systems

J1SYNC = str(Path(sys.executable).parent / "j1sync")  # the installed console script


def test_serve_serves_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    db = tmp_path / "emu.db"
    process = subprocess.Popen(
        [
            J1SYNC,
            "emulator",
            "serve",
            "--port",
            "0",
            "--db",
            str(db),
            "--api-key",
            "s3cret-key",
            "--account",
            "acct",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "listening on http://127.0.0.1:" in line
        url = line.split("listening on ")[1].split()[0]
        response = requests.post(
            url + "/iam/graphql",
            json={"query": "{ iamGroups(limit: 5) { items { name } } }"},
            headers={"Authorization": "Bearer s3cret-key", "JupiterOne-Account": "acct"},
            timeout=5,
        )
        assert response.json()["data"]["iamGroups"]["items"][0]["name"] == "Users"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Emulator stopped." in out
    assert "s3cret-key" not in line + out + err  # a key the user gave is never printed
    assert db.exists()


def test_serve_refuses_a_non_loopback_host_without_allow_remote() -> None:
    result = CliRunner().invoke(cli, ["emulator", "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert "--allow-remote" in result.output


def test_reset_deletes_the_state(tmp_path: Path) -> None:
    db = tmp_path / "emu.db"
    with running_emulator(db=str(db), seed="none"):
        pass
    assert db.exists()
    result = CliRunner().invoke(cli, ["emulator", "reset", "--db", str(db)])
    assert result.exit_code == 0 and not db.exists()
    again = CliRunner().invoke(cli, ["emulator", "reset", "--db", str(db)])
    assert again.exit_code == 0 and "Nothing to delete" in again.output


def test_reset_without_db_deletes_every_systems_emulator_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's "start the demo over": `--emulator` keeps each system's state in
    .j1sync/, and `emulator reset` deletes all of it (every registered system's)."""
    monkeypatch.chdir(tmp_path)
    examples = Path(__file__).resolve().parents[2] / "examples" / "manifests"
    applied = CliRunner().invoke(cli, ["apply", str(examples), "--emulator", "--auto-approve"])
    assert applied.exit_code == 0, applied.output
    states = sorted(p.name for p in (tmp_path / ".j1sync").glob("*.db"))
    expected = sorted(str(s.extras["emulator_state"]) for s in systems() if s.emulator)
    assert len(expected) == len(systems()) == 3  # JupiterOne's, xyOps's and OpenCTI's
    assert states == expected
    result = CliRunner().invoke(cli, ["emulator", "reset"])
    assert result.exit_code == 0, result.output
    assert list((tmp_path / ".j1sync").glob("*.db")) == []
    assert result.output.count("Deleted ") == len(expected)
    # the demo starts over: the next plan creates the examples again
    plan = CliRunner().invoke(cli, ["plan", str(examples), "--emulator", "--detailed-exitcode"])
    assert plan.exit_code == 2, plan.output


@pytest.mark.parametrize("name", ["seed.json", "q.yaml", "notes.txt"])
def test_a_users_file_given_to_db_is_never_deleted_nor_its_deletion_advised(
    tmp_path: Path, name: str
) -> None:
    """`--db seed.json` by mistake: serve used to say "not a j1sync emulator database
    (corrupt?): `j1sync emulator reset --db seed.json` deletes it and starts over", and
    reset did. A file with no SQLite header outside j1sync's own .j1sync/ is the user's."""
    mine = tmp_path / name
    mine.write_text('{"questions": []}\n' * 50, encoding="utf-8")
    served = subprocess.run(
        [sys.executable, "-m", "j1sync", "emulator", "serve", "--port", "0", "--db", str(mine)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert served.returncode == 1, served.stdout + served.stderr
    assert "is not a database file (no SQLite header)" in served.stderr
    assert "reset" not in served.stderr and "Traceback" not in served.stderr
    reset = CliRunner().invoke(cli, ["emulator", "reset", "--db", str(mine)])
    assert reset.exit_code == 1 and "not deleting it" in reset.output, reset.output
    assert mine.read_text(encoding="utf-8") == '{"questions": []}\n' * 50
