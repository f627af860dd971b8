"""A request lets go of the interpreter lock only where it must (http/session.py): each
system call it makes is a moment a busy thread (the manifests' load) may keep the lock
for the switch interval, and the read's chain of pages sets a plan's wall time. Setting
a socket's timeout to the value it has, and asking whether the environment's CA bundle
is a folder, are calls made again for every request for nothing."""

from __future__ import annotations

import contextlib
import os
import socket
import time
from pathlib import Path

import pytest
import requests

from j1sync.http.session import pooled_session
from tests.http_servers import QuietHandler, serving

REQUESTS = 5


class KeptAlive(QuietHandler):
    """Answers on one kept-alive connection; `/slow` answers after a second."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.read_body()
        if self.path == "/slow":
            time.sleep(1)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # (not awaited)
            self.answer(200, b"{}")


def test_a_connection_sets_its_socket_timeout_only_when_it_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings: list[float | None] = []
    set_timeout = socket.socket.settimeout

    def counted(sock: socket.socket, value: float | None) -> None:
        settings.append(value)
        set_timeout(sock, value)

    monkeypatch.setattr(socket.socket, "settimeout", counted)
    session = pooled_session(1)
    with serving(KeptAlive) as url:
        for _ in range(REQUESTS):
            assert session.post(url, data=b"x", timeout=7).status_code == 200
        made = len(settings)
        # urllib3 sets it before each request and each answer: two system calls each
        assert made < REQUESTS
        # a timeout that changes is set, and holds: the slow answer is waited for 0.2 s
        with pytest.raises(requests.ReadTimeout):
            session.post(f"{url}/slow", data=b"x", timeout=0.2)
        assert 0.2 in settings[made:]
    session.close()


def test_the_ca_bundle_is_looked_at_once_per_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    looked: list[str] = []
    is_dir = os.path.isdir

    def counted(path: str) -> bool:
        looked.append(path)
        return is_dir(path)

    monkeypatch.setattr(os.path, "isdir", counted)
    session = pooled_session(1)
    with serving(KeptAlive) as url:
        for _ in range(REQUESTS):
            answer = session.post(url, data=b"x", timeout=7, verify=str(bundle))
            assert answer.status_code == 200
    session.close()
    assert looked.count(str(bundle)) == 1
