"""`j1sync emulator serve` given an option with an empty or blank value, as a CI job does
when the variable it names is unset (`--db "$STATE_DB"`, `--api-key "$EMULATOR_KEY"`).
Taken as not given, they served the default database in .j1sync/ (`--db`), the default key
while the banner said "API key: the key you gave" (`--api-key`), the default account; `--host
""` was "refusing to listen on non-loopback host ;" (and with --allow-remote listened on
every address). A key its clients could not send (a space, a line break) was served too:
j1sync's own client refuses such a key. Each is now one line naming the option, before any
file is made."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.processes import run_j1sync

# (system, option, value): each option of every emulator that takes a text value
EMPTY = [
    ("jupiterone", "--db", ""),
    ("jupiterone", "--seed", ""),
    ("jupiterone", "--api-key", ""),
    ("jupiterone", "--account", ""),
    ("jupiterone", "--quotas", ""),
    ("jupiterone", "--host", ""),
    ("jupiterone", "--rate-limit", ""),
    ("jupiterone", "--timings", ""),
    ("xyops", "--api-key", ""),
    ("xyops", "--db", "  "),
    ("opencti", "--db", ""),
    ("opencti", "--seed", ""),
]


def _one_error_line(args: list[str], cwd: Path) -> str:
    done = run_j1sync(args, {}, cwd, timeout=30)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and not done.stdout, done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    return lines[0]


@pytest.mark.parametrize(("system", "option", "value"), EMPTY)
def test_an_empty_option_is_named_and_nothing_is_served(
    tmp_path: Path, system: str, option: str, value: str
) -> None:
    args = ["emulator", "serve", "--system", system, "--port", "0", option, value]
    line = _one_error_line(args, tmp_path)
    what = "blank" if value else "empty"
    assert line == f"Error: {option} is {what}: give it a value, or leave it out for the default"
    assert list(tmp_path.iterdir()) == []  # no database, default or other


@pytest.mark.parametrize("system", ["jupiterone", "xyops"])
@pytest.mark.parametrize(
    ("key", "what"), [(" s3cr3tK3y", "a space or another blank"), ("s3cr3tK3y\n", "a line break")]
)
def test_a_key_no_client_can_send_is_refused_without_showing_it(
    tmp_path: Path, system: str, key: str, what: str
) -> None:
    args = ["emulator", "serve", "--system", system, "--port", "0", "--api-key", key]
    line = _one_error_line(args, tmp_path)
    assert line.startswith(f"Error: --api-key holds {what} at character "), line
    assert "s3cr3t" not in line
    assert list(tmp_path.iterdir()) == []
