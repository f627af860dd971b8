"""The emulator and j1sync as separate processes, as a user's CI runs them."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

J1SYNC = [sys.executable, "-m", "j1sync"]
_LISTENING = re.compile(r"listening on (http://\S+)")


@dataclass
class ServedEmulator:
    url: str
    db: Path
    process: subprocess.Popen[str]
    log: Path

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """The stored objects, read straight from the SQLite file (the server keeps no
        state elsewhere)."""
        with sqlite3.connect(self.db) as db:
            rows = db.execute("SELECT collection, body FROM objects ORDER BY seq").fetchall()
        result: dict[str, list[dict[str, Any]]] = {}
        for collection, body in rows:
            result.setdefault(str(collection), []).append(json.loads(body))
        return result


@contextmanager
def served_emulator(
    tmp_path: Path, seed: dict[str, Any] | str, api_key: str, account: str, *args: str
) -> Iterator[ServedEmulator]:
    """`j1sync emulator serve` on a free port with a file database; its output goes to a
    log file the caller may inspect. `seed` is a seed mapping or a built-in name ("demo")."""
    seed_file: Path | str = seed if isinstance(seed, str) else tmp_path / "seed.json"
    if isinstance(seed_file, Path):
        seed_file.write_text(json.dumps(seed), encoding="utf-8")
    db = tmp_path / "emulator.db"
    log = tmp_path / "emulator.log"
    command = [
        *J1SYNC, "emulator", "serve", "--port", "0", "--db", str(db), "--seed", str(seed_file),
        "--api-key", api_key, "--account", account, *args,
    ]  # fmt: skip
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, text=True, env=_clean_env()
        )
    try:
        url = _wait_for_url(log, process)
        yield ServedEmulator(url=url, db=db, process=process, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_j1sync(
    args: Sequence[str], env: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*J1SYNC, *args],
        env={**_clean_env(), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def start_j1sync(
    args: Sequence[str], env: dict[str, str], cwd: Path, *, new_session: bool = False
) -> subprocess.Popen[str]:
    """`j1sync ARGS` started; with `new_session`, in a session (and process group) of its
    own, which a test may signal as a whole."""
    return subprocess.Popen(
        [*J1SYNC, *args],
        env={**_clean_env(), **env},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=new_session,
    )


def _clean_env() -> dict[str, str]:
    """This environment without any JupiterOne or j1sync settings of the developer's."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("JUPITERONE_", "J1SYNC_"))}
    keep["NO_COLOR"] = "1"
    return keep


def _wait_for_url(log: Path, process: subprocess.Popen[str], timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _LISTENING.search(log.read_text(encoding="utf-8"))
        if found:
            return found.group(1)
        if process.poll() is not None:
            raise RuntimeError(f"emulator exited: {log.read_text(encoding='utf-8')}")
        time.sleep(0.05)
    raise RuntimeError("emulator did not start in time")
