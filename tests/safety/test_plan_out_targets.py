"""`plan --out` to what is not a plain file, and a plan with nowhere to print: a one-line
error and exit 1, never a device or FIFO replaced by a file, never an output lost with exit 0.
Through the real process (entry.leave's os._exit path) against the emulator."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

from j1sync.commands.reporting import read_saved_plan
from tests.examples import jupiterone_examples
from tests.reliability.processes import J1SYNC, _clean_env, run_j1sync

EXAMPLES = str(jupiterone_examples())


def _plan_out(tmp_path: Path, out: Path | str) -> subprocess.CompletedProcess[str]:
    return run_j1sync(["plan", EXAMPLES, "--emulator", "--out", str(out)], {}, tmp_path)


def test_out_to_a_full_device_fails_and_keeps_the_device(tmp_path: Path) -> None:
    full = tmp_path / "full"
    os.mknod(full, 0o600 | 0o020000, os.makedev(1, 7))  # /dev/full's device
    done = _plan_out(tmp_path, full)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[-1] == (
        f"Error: cannot write the plan to {full}: No space left on device"
    )
    assert "Traceback" not in done.stderr
    assert full.is_char_device()  # written into, not replaced by a regular file
    assert not list(tmp_path.glob(".*.partial"))


def test_out_to_a_fifo_writes_into_it(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    read: list[str] = []
    reader = threading.Thread(target=lambda: read.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    done = _plan_out(tmp_path, fifo)
    reader.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == f"Plan saved to {fifo}."
    assert fifo.is_fifo()
    saved = tmp_path / "saved.json"
    saved.write_text(read[0], encoding="utf-8")
    assert read_saved_plan(saved).plan.changes


def test_out_through_a_link_replaces_its_file_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "plans").mkdir()
    target = tmp_path / "plans" / "plan.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    done = _plan_out(tmp_path, link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink()
    assert read_saved_plan(target).plan.changes


def test_out_under_a_file_says_not_a_directory(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    for out in ("afile/plan.json", "afile/deeper/plan.json"):
        done = _plan_out(tmp_path, tmp_path / out)
        assert done.returncode == 1, done.stderr
        assert done.stderr.splitlines()[-1] == (
            f"Error: cannot write the plan to {tmp_path / out}: Not a directory"
        )


def test_plan_with_stdout_closed_is_an_error_not_silence(tmp_path: Path) -> None:
    done = subprocess.run(
        [*J1SYNC, "plan", EXAMPLES, "--emulator"],
        env=_clean_env(),
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.close(1),  # `j1sync plan >&-`
    )
    assert done.returncode == 1
    assert done.stderr == "Error: standard output is closed\n"


def test_apply_plan_from_a_device_is_refused_not_read_forever(tmp_path: Path) -> None:
    done = run_j1sync(
        ["apply", "--emulator", "--plan", "/dev/zero", "--auto-approve"], {}, tmp_path, timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "Error: /dev/zero: not a j1sync plan file (a device, not a file)"
    )


def test_apply_plan_from_a_pipe_is_read(tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    assert _plan_out(tmp_path, saved).returncode == 0
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(saved.read_bytes()))
    writer.start()
    done = run_j1sync(["apply", "--emulator", "--plan", str(fifo), "--auto-approve"], {}, tmp_path)
    writer.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert "Apply complete:" in done.stdout + done.stderr


def test_out_onto_a_file_the_plan_reads_is_refused_before_anything(tmp_path: Path) -> None:
    """A manifest, a new manifest-named file among them, the file given as the path, or
    j1sync.yaml: the plan would replace it, or the next run read the plan as a manifest."""
    import shutil

    manifests = tmp_path / "m"
    shutil.copytree(EXAMPLES, manifests)
    existing = next(manifests.rglob("*.yaml"))
    before = existing.read_bytes()
    cases = [
        ([str(manifests)], existing),
        ([str(manifests)], manifests / "sub" / "new.yml"),
        ([str(existing)], existing),
        ([str(manifests)], tmp_path / "j1sync.yaml"),
    ]
    for paths, out in cases:
        done = run_j1sync(["plan", *paths, "--emulator", "--out", str(out)], {}, tmp_path)
        assert done.returncode == 1, (out, done.stderr)
        assert done.stderr.splitlines()[-1].startswith(f"Error: --out {out}: a file the plan reads")
        assert "Traceback" not in done.stderr and "reading the account" not in done.stderr
        assert existing.read_bytes() == before
        assert out == existing or not out.exists()
    beside = manifests / "plan.json"  # not a manifest name: the plan is saved there
    done = run_j1sync(["plan", str(manifests), "--emulator", "--out", str(beside)], {}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert read_saved_plan(beside).plan.changes
