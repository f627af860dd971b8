"""Each answer's body must be whole within --timeout of its headers (http/session.py
`read_within`, tests/hostile/test_s19a_trickling_server.py). The deadlines are kept by one
watchdog thread for all requests, not a thread per request: starting a thread waits for
the interpreter lock, on every page of the account's read."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.examples import jupiterone_examples

API_KEY = "deadlines-Key-81c2"


def test_a_plan_keeps_its_read_deadlines_on_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []
    timers: list[threading.Thread] = []
    real_start = threading.Thread.start

    def start(thread: threading.Thread, *args: Any, **kwargs: Any) -> None:
        started.append(thread.name)
        if isinstance(thread, threading.Timer):
            timers.append(thread)
        real_start(thread, *args, **kwargs)

    monkeypatch.setattr(threading.Thread, "start", start)
    with running_emulator(db=":memory:", seed="demo", api_key=API_KEY, page_size=2) as emu:
        env = {
            "JUPITERONE_API_KEY": API_KEY,
            "JUPITERONE_ACCOUNT_ID": emu.account,
            "JUPITERONE_API_URL": emu.url,
        }
        done = CliRunner().invoke(cli, ["plan", str(jupiterone_examples())], env=env)
        assert done.exit_code == 0, done.output
        assert emu.stats.total > 10  # pages of 2: many requests, each with a deadline
    assert started.count("j1sync-deadlines") <= 1, started
    assert timers == []
