"""Ctrl-C typed at apply's "Apply these changes?" question, on a real terminal (a pty):
the terminal sends SIGINT, apply changes nothing and exits 130 (interrupted), not 1, and
prints no traceback. (The race this test once lost, a SIGINT caught just before the
question's read began, is made certain in tests/safety/test_interrupts.py.)"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import termios
import time
from pathlib import Path

from tests.reliability.account import ACCOUNT, API_KEY, build_account, connection_env
from tests.reliability.processes import J1SYNC, served_emulator

INTERRUPTED = 130


def _read_until(fd: int, marker: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen


def _take_terminal() -> None:
    """In the child, in its new session: the pty on stdin becomes its controlling
    terminal, so that Ctrl-C typed there is a SIGINT to it."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def test_ctrl_c_at_the_confirmation_exits_130_and_changes_nothing(tmp_path: Path) -> None:
    account = build_account(tmp_path)
    with served_emulator(tmp_path, account.seed, API_KEY, ACCOUNT) as emu:
        before = emu.snapshot()
        controller, terminal = pty.openpty()
        env = {**os.environ, **connection_env(emu.url), "NO_COLOR": "1"}
        apply = subprocess.Popen(
            [*J1SYNC, "apply", str(account.manifests_dir)],
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            cwd=tmp_path,
            env=env,
            start_new_session=True,
            preexec_fn=_take_terminal,
        )
        os.close(terminal)
        try:
            shown = _read_until(controller, b"Only 'yes' will be accepted", 60)
            assert b"Only 'yes' will be accepted" in shown, shown[-2000:]
            os.write(controller, b"\x03")  # what Ctrl-C types
            rest = _read_until(controller, b"\x00never", 10)
            assert apply.wait(timeout=20) == INTERRUPTED, rest
            assert b"Traceback" not in shown + rest
        finally:
            if apply.poll() is None:
                apply.kill()
            os.close(controller)
        assert emu.snapshot() == before
