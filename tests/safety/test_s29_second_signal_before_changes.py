"""A second Ctrl-C or SIGTERM outside apply's changes (plan, drift, export; apply while it
takes its lock or reads the account, or releases the lock after an interrupted read) ends
the process at once, and says only that: it said "a change that was in flight may or may
not have been made", where no change was ever started. Within apply's changes it still
says so (test_interrupts)."""

from __future__ import annotations

import subprocess
import sys

INTERRUPTED = 130

# The j1sync process's handlers (interrupts.install, as cli.main installs them): the first
# signal interrupts the command; the second comes while it stops (the lock's release).
_INTERRUPTED_TWICE = """
import os, signal, threading
from j1sync import interrupts

interrupts.install()
try:
    os.kill(os.getpid(), signal.SIGINT)
    threading.Event().wait(60)
except KeyboardInterrupt:
    threading.Event().wait(interrupts.SAME_STOP_S + 0.1)  # a second stop, not a repeat
    os.kill(os.getpid(), signal.SIGTERM)
    threading.Event().wait(60)
print("never reached")
"""


def test_a_second_signal_before_any_change_says_no_change_was_in_flight() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_TWICE], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == INTERRUPTED, done.stdout + done.stderr
    assert done.stderr == "j1sync: interrupted again: exiting now\n", done.stderr
    assert "never reached" not in done.stdout


# The first stop delivered again soon after (`timeout` signals its child, then its group):
# the same stop, not a second one.
_DELIVERED_TWICE = """
import os, signal, threading
from j1sync import interrupts

interrupts.install()
try:
    os.kill(os.getpid(), signal.SIGINT)
    threading.Event().wait(60)
except KeyboardInterrupt:
    threading.Event().wait(interrupts.SAME_STOP_S / 5)  # handled apart, not coalesced
    os.kill(os.getpid(), signal.SIGINT)
    threading.Event().wait(interrupts.SAME_STOP_S / 5)
print("stopped once")
"""


def test_the_first_stop_delivered_again_at_once_is_not_a_second_one() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _DELIVERED_TWICE], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "stopped once\n"
    assert "interrupted again" not in done.stderr
