"""Ctrl-C while apply or drift loads (its command's code imported on demand) or while
apply waits for the lock ends with `Interrupted.` alone on stderr, exit 130. Before, an
interrupt while the command loaded reached click's own handler, which wrote an empty line
first (`\\nInterrupted.`). On a terminal the line the Ctrl-C left (the `^C` it echoes, a
spinner's remains) is cleared instead, so `Interrupted.` stands on a line of its own
there too, with no empty one. (Apply waiting for the lock says, on that one line, that
nothing was applied: test_s29_interrupt_before_any_change.)

The load is held where it would be interrupted by a module on PYTHONPATH
(`sitecustomize`, which Python imports at start): it waits in the import of the
command's module until the signal comes, and says so with a file."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import termios
import time
from pathlib import Path

import pytest

from j1sync.commands.apply import NOTHING_APPLIED
from j1sync.engine.lock import LOCK_NAME, LockRecord
from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.hostile.manifests import write_questions
from tests.hostile.running import WAIT_S, StderrLines, interrupt, jupiterone_env, wait_until
from tests.reliability.processes import J1SYNC, start_j1sync

INTERRUPTED = 130
API_KEY = "s27-ctrl-c-Key-77d1b0"
ACCOUNT = "s27-ctrl-c-account"
HOLD = """\
import os, sys, time

class _Hold:
    def find_spec(self, name, path=None, target=None):
        if name == os.environ.get("S27_HOLD_IMPORT"):
            open(os.environ["S27_HELD"], "w").close()
            while True:  # until the signal's KeyboardInterrupt
                time.sleep(0.02)
        return None

sys.meta_path.insert(0, _Hold())
"""


def _held_load(tmp_path: Path, command: str) -> tuple[dict[str, str], Path]:
    """Settings that hold `j1sync COMMAND` in its command's import, and the file that
    says it is held there."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOLD, encoding="utf-8")
    held = tmp_path / "held"
    path = os.pathsep.join(p for p in (str(hook), os.environ.get("PYTHONPATH", "")) if p)
    env = {
        "PYTHONPATH": path,
        "S27_HOLD_IMPORT": f"j1sync.commands.{command}",
        "S27_HELD": str(held),
    }
    return env, held


@pytest.mark.parametrize("command", ["apply", "drift"])
def test_ctrl_c_while_the_command_loads_says_interrupted_alone(
    tmp_path: Path, command: str
) -> None:
    write_questions(tmp_path / "manifests", ["s27-ctrl-c"])
    env, held = _held_load(tmp_path, command)
    args = [command, "manifests", *(["--auto-approve"] if command == "apply" else [])]
    process = start_j1sync(args, env, tmp_path)
    wait_until(held.exists, process, "the load held")
    stdout, stderr, _ = interrupt(process)
    assert process.returncode == INTERRUPTED, stdout + stderr
    assert (stdout, stderr) == ("", "Interrupted.\n")


def test_ctrl_c_while_waiting_for_the_lock_says_interrupted_alone(tmp_path: Path) -> None:
    write_questions(tmp_path / "manifests", ["s27-ctrl-c"])
    now = time.time()
    held = LockRecord("s27-token", "GitHub Actions run 27", now, now + 600)
    seed = {"parameters": [{"name": LOCK_NAME, "value": held.to_text(), "secret": False}]}
    with running_emulator(seed=seed, api_key=API_KEY, account=ACCOUNT) as emu:
        env = jupiterone_env(emu.url, API_KEY, ACCOUNT)
        args = ["apply", "manifests", "--auto-approve", "--lock-timeout", "600"]
        process = start_j1sync(args, env, tmp_path)
        lines = StderrLines(process)
        lines.wait_for(lambda line: "waiting up to 600 s" in line, "the wait for the lock")
        stdout, stderr, _ = interrupt(process, stderr_lines=lines)
    assert process.returncode == INTERRUPTED, stdout + stderr
    assert stderr.endswith(f"waiting up to 600 s\n{NOTHING_APPLIED}\n"), stderr
    assert "\n\n" not in stderr and stdout == ""


def _read(fd: int, until: bytes) -> bytes:
    seen = b""
    deadline = time.monotonic() + WAIT_S
    while until not in seen and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the other side closed: the process ended
                break
            if not chunk:
                break
            seen += chunk
    return seen


def _own_env() -> dict[str, str]:
    """This environment without the developer's JupiterOne and j1sync settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("JUPITERONE_", "J1SYNC_"))}


def _take_terminal() -> None:
    """In the child, in its new session: the pty on stdin becomes its controlling
    terminal, so that Ctrl-C typed there is a SIGINT to it."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def test_on_a_terminal_the_line_ctrl_c_left_is_cleared_not_followed_by_an_empty_one(
    tmp_path: Path,
) -> None:
    write_questions(tmp_path / "manifests", ["s27-ctrl-c"])
    env, held = _held_load(tmp_path, "drift")
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [*J1SYNC, "drift", "manifests"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        cwd=tmp_path,
        env={**_own_env(), **env, "TERM": "xterm"},
        start_new_session=True,
        preexec_fn=_take_terminal,
    )
    os.close(terminal)
    try:
        deadline = time.monotonic() + WAIT_S
        while not held.exists():
            assert process.poll() is None and time.monotonic() < deadline, "never held"
            time.sleep(0.02)
        os.write(controller, b"\x03")  # Ctrl-C typed: SIGINT, and the terminal echoes ^C
        shown = _read(controller, b"Interrupted.\r\n")
        assert process.wait(timeout=WAIT_S) == INTERRUPTED, shown
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    assert shown == b"^C\r\x1b[2KInterrupted.\r\n", shown
