"""What the hostile tests that run j1sync as a process share: its settings for a JupiterOne
emulator (an empty account in this process), a run timed or with an exact environment,
waiting for a condition while it runs (not a fixed sleep), a signal and the wait for its
end, its stderr read as it comes, and an emulator's latency switched on for one step of a
run only."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from j1sync.providers.jupiterone.emulator.app import Emulator, running_emulator
from tests.hostile.in_process import j1sync_here
from tests.reliability.processes import J1SYNC, run_j1sync, start_j1sync

WAIT_S = 60.0  # the most any condition below is waited for


def jupiterone_env(url: str, api_key: str, account: str, **more: str) -> dict[str, str]:
    """j1sync's settings for the JupiterOne API at `url`, and `more` besides."""
    return {
        "JUPITERONE_API_URL": url,
        "JUPITERONE_API_KEY": api_key,
        "JUPITERONE_ACCOUNT_ID": account,
        **more,
    }


@contextmanager
def empty_account(
    api_key: str, account: str, **settings: str
) -> Iterator[tuple[Emulator, dict[str, str]]]:
    """A JupiterOne emulator in this process holding no objects, and j1sync's settings
    for it (with `settings` besides)."""
    with running_emulator(seed=None, api_key=api_key, account=account) as emu:
        yield emu, jupiterone_env(emu.url, api_key, account, **settings)


def run_command(
    argv: Sequence[str], env: Mapping[str, str] | Mapping[bytes, bytes], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """`argv` run to its end with exactly the environment `env` (no stdin)."""
    return subprocess.run(
        argv,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def timed_j1sync(
    args: Sequence[str], env: dict[str, str], cwd: Path, timeout: float = 90
) -> tuple[subprocess.CompletedProcess[str], float]:
    """`j1sync ARGS` run to its end (processes.run_j1sync), and the seconds it took."""
    started = time.monotonic()
    done = run_j1sync(args, env, cwd, timeout)
    return done, time.monotonic() - started


def interrupt(
    process: subprocess.Popen[str],
    stop_signal: signal.Signals = signal.SIGINT,
    *,
    stderr_lines: StderrLines | None = None,
    timeout: float = WAIT_S,
) -> tuple[str, str, float]:
    """Send `stop_signal` and wait for the process to end: its stdout, its stderr, and the
    seconds from the signal to the end. Still running after `timeout`: killed, and the
    test fails."""
    process.send_signal(stop_signal)
    sent = time.monotonic()
    try:
        if stderr_lines is not None:
            stdout, stderr = stderr_lines.end(timeout)
        else:
            stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        if stderr_lines is not None:
            stdout, stderr = stderr_lines.end()
        else:
            stdout, stderr = process.communicate()
        raise AssertionError(
            f"still running {timeout:g} s after {stop_signal.name}: {stdout}{stderr}"
        ) from None
    return stdout, stderr, time.monotonic() - sent


def apply_interrupted_once_failing(
    emu: Emulator, manifests: Path, env: dict[str, str], cwd: Path, failures: int
) -> tuple[int, str, str, float]:
    """`j1sync apply MANIFESTS --auto-approve` interrupted (SIGINT) once the emulator has
    answered `failures` requests with a 503: its exit code, stdout, stderr and the seconds
    from the signal to its end."""
    apply = start_j1sync(["apply", str(manifests), "--auto-approve"], env, cwd)
    wait_until(lambda: emu.stats.statuses[503] >= failures, apply, f"{failures} failed requests")
    stdout, stderr, took = interrupt(apply)
    return apply.wait(), stdout, stderr, took


def question_count(emu: Any) -> int:
    """How many questions the emulator (in this process, or served) stores."""
    return sum(1 for objects in emu.snapshot().values() for o in objects if "queries" in o)


def wait_until(condition: Callable[[], bool], process: subprocess.Popen[str], what: str) -> None:
    """Wait until `condition()` holds while `process` runs; fail saying `what` did not
    happen when the process ends first or WAIT_S passes."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{what} did not happen in {WAIT_S:g} s"
        time.sleep(0.02)


def slow_from_answer(
    emu: Emulator, field: str, latency_ms: int, *, nth: int = 1, until: str | None = None
) -> Callable[[], bool]:
    """From the answer to the `nth` next request holding call `field` on, every request
    waits `latency_ms` before the emulator handles it (until the answer to the next
    request holding `until`, when given; then none waits). The check returned says
    whether a request has come in since the switch: it is in flight, waiting."""
    switched: list[int] = []

    def slow() -> None:
        emu.switches.latency_ms = latency_ms
        switched.append(emu.stats.total)  # counted as each request arrives
        if until is not None:
            emu.switches.after_field(until, lambda: setattr(emu.switches, "latency_ms", 0))

    def after(remaining: int) -> None:
        if remaining <= 1:
            emu.switches.after_field(field, slow)
        else:
            emu.switches.after_field(field, lambda: after(remaining - 1))

    after(nth)
    return lambda: bool(switched) and emu.stats.total > switched[0]


class StderrLines:
    """A running process's stderr, read line by line on a thread as it comes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        self.process = process
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._ended = False
        self._thread = threading.Thread(target=self._read, args=(process.stderr,), daemon=True)
        self._thread.start()

    def _read(self, stream: Any) -> None:
        for line in stream:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait_for(self, predicate: Callable[[str], bool], what: str) -> str:
        """The first line `predicate` holds for, once it has come; fail saying `what`
        did not come when stderr ends first or WAIT_S passes."""
        deadline = time.monotonic() + WAIT_S
        with self._changed:
            while True:
                found = next((line for line in self.lines if predicate(line)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                assert not self._ended, f"{what} never came: {''.join(self.lines)}"
                assert left > 0, f"{what} did not come in {WAIT_S:g} s: {''.join(self.lines)}"
                self._changed.wait(left)

    def end(self, timeout: float = WAIT_S) -> tuple[str, str]:
        """Wait for the process to end: its stdout and its stderr."""
        self.process.wait(timeout=timeout)
        assert self.process.stdout is not None
        stdout = self.process.stdout.read()
        self.process.stdout.close()
        self._thread.join(timeout=WAIT_S)
        assert not self._thread.is_alive(), "stderr was never closed"
        return stdout, "".join(self.lines)


def onto_dev_full(
    args: Sequence[str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """`j1sync ARGS` with its stdout on /dev/full (every write fails: no space left)."""
    with open("/dev/full", "w") as full:
        return j1sync_onto(full, args, env, cwd)


def j1sync_onto(
    stdout: Any, args: Sequence[str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """`j1sync ARGS` with `stdout` (a file or descriptor) as its standard output."""
    return subprocess.run(
        [*J1SYNC, *args],
        env=env,
        cwd=cwd,
        stdout=stdout,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=120,
    )


def drift_then_heal(
    env: Mapping[str, str], cwd: Path, address: str
) -> list[subprocess.CompletedProcess[str]]:
    """After a hand edit of `address`'s live object: `drift .` reports it (exit 2),
    `apply .` heals it, and `drift .` then finds nothing; none of them ends in an internal
    error or a traceback. The three runs (in this process: in_process.j1sync_here), for
    more checks of their output."""
    drift = j1sync_here(["drift", "."], env, cwd)
    assert drift.returncode == 2, drift.stdout + drift.stderr
    assert f"~ {address}" in drift.stdout
    again = j1sync_here(["apply", ".", "--auto-approve"], env, cwd)
    assert again.returncode == 0, again.stdout + again.stderr
    after = j1sync_here(["drift", "."], env, cwd)
    assert after.returncode == 0, after.stdout + after.stderr
    for output in (drift, again, after):
        text = output.stdout + output.stderr
        assert "internal error" not in text and "Traceback" not in text, text
    return [drift, again, after]
