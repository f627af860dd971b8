"""The emulators' own time on each request, apart from the latency they were told to add:
every answer's `Server-Timing: emulator;dur=MS` header (all three emulators), and
`j1sync emulator serve --timings FILE`'s line per answered request, which a benchmark
running `j1sync plan` as another process reads (benchmarks/run.py --curve)."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import requests
from benchmarks.accounts import generated_account
from ruamel.yaml import YAML

from j1sync.emulator.http_base import ServedState, TimingsLog
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.opencti.emulator import running_opencti_emulator
from j1sync.providers.xyops.emulator import running_xyops_emulator
from tests.reliability.processes import J1SYNC, run_j1sync, served_emulator

LATENCY_MS = 200
SERVER_TIMING = re.compile(r"^emulator;dur=(\d+\.\d\d)$")
API_KEY = "timings-key-5b1e"
ACCOUNT = "timings-account"


def _jupiterone(latency_ms: int) -> AbstractContextManager[Any]:
    return running_emulator(latency_ms=latency_ms)


def _opencti(latency_ms: int) -> AbstractContextManager[Any]:
    return running_opencti_emulator(latency_ms=latency_ms)


def _xyops(latency_ms: int) -> AbstractContextManager[Any]:
    return running_xyops_emulator(latency_ms=latency_ms)


def _ask_jupiterone(emu: Any) -> requests.Response:
    query = "query ListGroups { iamGroups(limit: 5) { items { name } } }"
    headers = {"Authorization": f"Bearer {emu.api_key}", "JupiterOne-Account": emu.account}
    body = {"query": query, "operationName": "ListGroups"}
    return requests.post(emu.url + "/", json=body, headers=headers, timeout=10)


def _ask_opencti(emu: Any) -> requests.Response:
    body = {"query": "query About { about { version } }", "operationName": "About"}
    headers = {"Authorization": f"Bearer {emu.token}"}
    return requests.post(emu.graphql_url, json=body, headers=headers, timeout=10)


def _ask_xyops(emu: Any) -> requests.Response:
    # the key as a query parameter: the timings line must not carry it
    return requests.get(emu.api_url("get_tags"), params={"api_key": emu.api_key}, timeout=10)


# system -> (its emulator, a request it answers 200, what the timings line names it by)
SYSTEMS: dict[str, tuple[Callable[[int], AbstractContextManager[Any]], Any, str]] = {
    "jupiterone": (_jupiterone, _ask_jupiterone, "ListGroups"),
    "opencti": (_opencti, _ask_opencti, "About"),
    "xyops": (_xyops, _ask_xyops, "/api/app/get_tags/v1"),
}


def _dur_ms(response: requests.Response) -> float:
    found = SERVER_TIMING.match(response.headers.get("Server-Timing", ""))
    assert found, response.headers
    return float(found.group(1))


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_every_answer_says_the_emulators_own_time_without_the_latency(system: str) -> None:
    emulator, ask, _ = SYSTEMS[system]
    with emulator(LATENCY_MS) as emu:
        started = time.perf_counter()
        response = ask(emu)
        elapsed_ms = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.text
    assert elapsed_ms >= LATENCY_MS  # the latency was slept...
    assert 0 <= _dur_ms(response) < LATENCY_MS / 2  # ...and is not the emulator's time


def test_an_answer_that_is_not_json_says_it_too() -> None:
    """xyOps's `config` (a JavaScript call, not JSON) goes through the same answer."""
    with running_xyops_emulator() as emu:
        response = requests.get(emu.api_url("config"), timeout=10)
    assert response.status_code == 200
    assert response.text.startswith("app.receiveConfig(")
    assert _dur_ms(response) >= 0


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_a_timings_line_per_answer_names_the_operation(system: str, tmp_path: Path) -> None:
    emulator, ask, operation = SYSTEMS[system]
    path = tmp_path / "timings.jsonl"
    log = TimingsLog(path)
    with emulator(20) as emu:
        assert isinstance(emu, ServedState)
        emu.write_timings(log)
        before = time.time()
        answers = [ask(emu) for _ in range(3)]
        after = time.time()
    log.close()
    text = path.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 3
    for line, answer in zip(lines, answers, strict=True):
        assert set(line) == {"ts", "operation", "status", "server_ms", "latency_ms"}
        assert line["operation"] == operation
        assert line["status"] == answer.status_code == 200
        assert line["server_ms"] == _dur_ms(answer)  # one figure, header and line
        assert line["latency_ms"] >= 20
        assert before <= line["ts"] <= after
    if system == "xyops":
        assert emu.api_key not in text  # the query string (its key) is never written


def _write_manifests(folder: Path, manifests: list[dict[str, Any]]) -> None:
    folder.mkdir()
    with (folder / "all.yaml").open("w", encoding="utf-8") as out:
        YAML().dump_all(manifests, out)


def test_serve_timings_writes_a_line_per_request_of_a_plan(tmp_path: Path) -> None:
    account = generated_account(300)
    _write_manifests(tmp_path / "manifests", account.manifests)
    timings = tmp_path / "timings.jsonl"
    args = ("--latency-ms", "20", "--timings", str(timings))
    env = {
        "JUPITERONE_API_KEY": API_KEY,
        "JUPITERONE_ACCOUNT_ID": ACCOUNT,
    }
    with served_emulator(tmp_path, account.seed, API_KEY, ACCOUNT, *args) as emu:
        env["JUPITERONE_API_URL"] = emu.url
        before = time.time()
        plan = run_j1sync(["plan", "manifests", "--detailed-exitcode"], env, tmp_path)
        after = time.time()
        assert plan.returncode == 0, plan.stdout + plan.stderr
    farewell = re.search(r"Emulator stopped\. (\d+) requests", emu.log.read_text("utf-8"))
    assert farewell, emu.log.read_text("utf-8")
    lines = [json.loads(line) for line in timings.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == int(farewell.group(1))  # every request the plan sent, once
    operations = {line["operation"] for line in lines}
    # each kind's reads, by the operationName j1sync sends
    assert {
        "J1SyncListRuleInstances",
        "J1SyncListQuestions",
        "J1SyncListIamGroups",
        "J1SyncIamGroupMembers",
        "J1SyncIamGroupAccess",
        "J1SyncIntegrationDefinitions",
        "J1SyncIntegrationInstances",
    } <= operations
    assert all(line["status"] == 200 for line in lines)
    assert all(line["latency_ms"] >= 20 for line in lines)
    assert all(before <= line["ts"] <= after for line in lines)
    assert API_KEY not in timings.read_text(encoding="utf-8")


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`j1sync emulator serve` without --timings, in tmp_path."""
    command = [*J1SYNC, "emulator", "serve", "--port", "0", "--db", "emu.db"]
    process = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "listening on http://127.0.0.1:" in line, line
        yield process, line.split("listening on ")[1].split()[0]
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)


def test_without_timings_nothing_is_written(
    serving: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    process, url = serving
    made = sorted(tmp_path.rglob("*"))
    headers = {"Authorization": "Bearer j1sync-emulator-key", "JupiterOne-Account": "x"}
    body = {"query": "query Q { iamGroups(limit: 5) { items { name } } }", "operationName": "Q"}
    for _ in range(3):
        response = requests.post(url + "/", json=body, headers=headers, timeout=10)
        assert _dur_ms(response) >= 0
    assert sorted(tmp_path.rglob("*")) == made  # no file appeared
    for path in made:
        if path.is_file() and path.suffix != ".db":
            assert '"operation"' not in path.read_text(encoding="utf-8", errors="replace")
    assert process.poll() is None


def test_a_timings_file_that_cannot_be_written_is_one_error_line(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    args = ["emulator", "serve", "--port", "0", "--db", "state.db", "--timings", str(folder)]
    done = run_j1sync(args, {}, tmp_path, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: cannot write --timings: Is a directory: {folder}"], done.stderr
    assert "listening on" not in done.stdout
    assert not (tmp_path / "state.db").exists()  # refused before the emulator started


@pytest.mark.parametrize(
    ("system", "db", "timings", "role"),
    [
        ("jupiterone", "state.db", "state.db", "database"),
        ("jupiterone", "state.db", "./sub/../state.db.lock", "database's lock file"),
        ("jupiterone", "state.db", "state.db-journal", "database's journal"),
        ("jupiterone", None, ".j1sync/emulator.db", "database"),  # the default --db
        ("xyops", None, ".j1sync/xyops-emulator.db", "database"),
        ("opencti", "o.db", "o.db", "database"),
        ("jupiterone", "state.db", "seed.json", "seed file"),
    ],
)
def test_timings_never_write_into_the_emulators_own_files(
    tmp_path: Path, system: str, db: str | None, timings: str, role: str
) -> None:
    (tmp_path / "sub").mkdir()
    seed = tmp_path / "seed.json"
    seed.write_text('{"entities": []}\n', encoding="utf-8")
    args = ["emulator", "serve", "--system", system, "--port", "0", "--timings", timings]
    args += ["--db", db] if db else []
    args += ["--seed", str(seed)] if system == "jupiterone" else []
    done = run_j1sync(args, {}, tmp_path, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    expected = (
        f"Error: --timings {timings} is the emulator's {role}; give the timings a file of their own"
    )
    assert errors == [expected], done.stderr
    assert "listening on" not in done.stdout
    assert seed.read_text(encoding="utf-8") == '{"entities": []}\n'  # untouched
    assert not (tmp_path / timings).exists() or role == "seed file"  # nothing created
    assert not list(tmp_path.glob("**/*.db"))  # refused before any emulator started


assert sys.executable  # the subprocesses run this interpreter (tests.reliability.processes)


def test_a_timings_file_that_fills_up_ends_the_log_not_the_serving(tmp_path: Path) -> None:
    """--timings to a file whose writes fail (a full disk: /dev/full's device) once
    serving: one line on stderr, every request still answered, no handler traceback, a
    clean stop (exit 0)."""
    full = tmp_path / "full"
    os.mknod(full, 0o600 | stat.S_IFCHR, os.makedev(1, 7))
    command = [*J1SYNC, "emulator", "serve", "--port", "0", "--db", "emu.db", "--seed", "none"]
    process = subprocess.Popen(
        [*command, "--api-key", API_KEY, "--account", ACCOUNT, "--timings", str(full)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "listening on http://127.0.0.1:" in line, line
        url = line.split("listening on ")[1].split()[0]
        headers = {"Authorization": f"Bearer {API_KEY}", "JupiterOne-Account": ACCOUNT}
        body = {"query": "query Q { iamGroups(limit: 5) { items { name } } }"}
        for _ in range(3):
            response = requests.post(url + "/", json=body, headers=headers, timeout=10)
            assert response.status_code == 200
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert err.splitlines() == [
        f"cannot write --timings to {full}: No space left on device; no more lines written"
    ]
    assert "Emulator stopped. 3 requests" in out
    assert full.is_char_device()
