"""Ctrl-C lands wherever the main thread is, also inside a library's own call back into
j1sync's code. pydantic's serializer wraps whatever a serializing function raises, the
KeyboardInterrupt too, in a PydanticSerializationError: a plan interrupted there ended
"internal error: PydanticSerializationError: ... KeyboardInterrupt", exit 1, where every
other Ctrl-C says "Interrupted.", exit 130 (found by
test_k2_client_rate_limit.py, whose Ctrl-C came while the rules' manifests were dumped).

Here the signal is sent from inside such a function, the first time it is called: the
process is j1sync's own (entry.main, its signal handlers), started by a script that only
watches for that call."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.examples import jupiterone_examples
from tests.hostile.running import empty_account, run_command
from tests.reliability.processes import _clean_env

API_KEY = "k2-library-Key-77ab"
ACCOUNT = "k2-library-account"

# Runs `j1sync ARGS...` as entry.main runs it, sending itself SIGINT (or SIGTERM) on the
# first call of the function named argv[1] in the main thread (a profile hook: nothing of
# j1sync's is replaced).
_SCRIPT = """
import os, signal, sys
from j1sync.entry import main
name, sig = sys.argv[1], getattr(signal, sys.argv[2])
def hook(frame, event, arg):
    if event == "call" and frame.f_code.co_name == name:
        sys.setprofile(None)
        os.kill(os.getpid(), sig)
sys.setprofile(hook)
sys.argv = ["j1sync", *sys.argv[3:]]
main()
"""

# Serializing functions of the JupiterOne models, called by pydantic-core while a plan
# makes the manifests' desired objects.
IN_SERIALIZER = "_without_absent_instance"


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_a_signal_inside_a_serializer_ends_the_run_as_interrupted(tmp_path: Path, sig: str) -> None:
    with empty_account(API_KEY, ACCOUNT) as (_, env):
        done = run_command(
            [sys.executable, "-c", _SCRIPT, IN_SERIALIZER, sig, "plan", str(jupiterone_examples())],
            {**_clean_env(), **env},
            tmp_path,
        )
    assert done.returncode == 130, done.stdout + done.stderr
    assert done.stderr.splitlines()[-1] == "Interrupted.", done.stderr
    for leak in ("internal error", "Traceback", "PydanticSerializationError", API_KEY):
        assert leak not in done.stdout + done.stderr
