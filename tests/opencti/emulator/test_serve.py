"""`serve()` (behind `j1sync emulator serve --system opencti`): a separate process serving
the API from a database file until SIGTERM, its tokens printed, its state kept."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from j1sync.errors import ConfigError
from j1sync.providers.opencti.emulator import ADMIN_TOKEN, serve

SERVE = "from j1sync.providers.opencti.emulator import serve; serve(port=0, db={db!r})"


def _start(db: Path) -> tuple[subprocess.Popen[str], str, list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-u", "-c", SERVE.format(db=str(db))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("OpenCTI emulator listening on http://127.0.0.1:"), first
    url = first.split(" on ", 1)[1].split(" ", 1)[0]
    tokens = [process.stdout.readline().strip() for _ in range(2)]
    return process, url, tokens


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    return out


def test_serves_until_sigterm_and_keeps_its_state(tmp_path: Path) -> None:
    db = tmp_path / "opencti.db"
    process, url, tokens = _start(db)
    assert tokens[0] == f"Administrator token: {ADMIN_TOKEN}"
    assert tokens[1].startswith("Limited analyst token: ")
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    add = {"query": 'mutation { labelAdd(input: {value: "kept"}) { id } }'}
    answer = requests.post(url + "/graphql", json=add, headers=headers, timeout=10).json()
    assert answer["data"]["labelAdd"]["id"]
    out = _stop(process)
    assert "OpenCTI emulator stopped. 1 requests" in out
    process, url, _ = _start(db)
    listed = {"query": "{ labels { edges { node { value } } } }"}
    answer = requests.post(url + "/graphql", json=listed, headers=headers, timeout=10).json()
    assert answer["data"]["labels"]["edges"] == [{"node": {"value": "kept"}}]
    _stop(process)


def test_bad_options_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown seed 'demo'"):
        serve(port=0, db=str(tmp_path / "x.db"), seed="demo")
    with pytest.raises(ConfigError, match="--api-key is not taken"):
        serve(port=0, db=str(tmp_path / "x.db"), api_key="mine")
