"""A stop signal while the `j1sync` process is still loading its command line: exit 130,
"Interrupted.", no traceback (before, it was Python's KeyboardInterrupt traceback and a
death by SIGINT). The moment is made certain by signalling from inside the startup guard."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

STARTUP = (
    "import os, signal, time\n"
    "from j1sync.entry import guard_startup\n"
    "guard_startup()\n"
    "os.kill(os.getpid(), signal.{name})\n"
    "time.sleep(10)\n"
    "print('not stopped')\n"
)


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_a_signal_during_startup_exits_130_quietly(name: str) -> None:
    assert hasattr(signal, name)
    result = subprocess.run(
        [sys.executable, "-c", STARTUP.format(name=name)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 130
    assert result.stderr == "Interrupted.\n"
    assert "not stopped" not in result.stdout


def test_the_script_and_python_m_start_through_the_guard() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert 'j1sync = "j1sync.entry:main"' in pyproject
    main_module = (root / "src" / "j1sync" / "__main__.py").read_text(encoding="utf-8")
    assert "from j1sync.entry import main" in main_module
