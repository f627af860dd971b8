"""How the `j1sync` process ends (entry.leave): once the command is over it leaves without
the interpreter's teardown (freeing every object one by one), and loses nothing for it:
the whole output through a pipe or into a file, the saved plan, the exit code, what the
atexit handlers do. A thread still running is waited for as ever."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.commands.reporting import read_saved_plan
from j1sync.engine.plan import plan_has_changes
from tests.examples import copy_jupiterone_examples, jupiterone_examples
from tests.reliability.processes import J1SYNC, _clean_env, run_j1sync

EXAMPLES = str(jupiterone_examples())
GROUP = """\
apiVersion: j1sync/v1
kind: IamGroup
metadata:
  name: exit-group-{index:03}
spec:
  description: "{text}"
"""


def with_many_groups(folder: Path, count: int) -> Path:
    """The JupiterOne examples and `count` more IamGroup manifests with long
    descriptions: a plan whose output is far larger than a pipe's buffer (64 KiB)."""
    copy_jupiterone_examples(folder)
    (folder / "more").mkdir()
    for index in range(count):
        text = f"group {index} " + "x" * 400
        (folder / "more" / f"g{index:03}.yaml").write_text(
            GROUP.format(index=index, text=text), encoding="utf-8"
        )
    return folder


def test_plan_out_through_a_pipe_keeps_the_whole_output_the_file_and_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifests = with_many_groups(tmp_path / "manifests", 300)
    out = tmp_path / "saved" / "plan.json"
    args = ["plan", str(manifests), "--emulator", "--format", "json", "--detailed-exitcode"]
    done = run_j1sync([*args, "--out", str(out)], {}, tmp_path)
    assert done.returncode == 2, done.stderr  # changes present
    assert len(done.stdout) > 150_000
    printed = json.loads(done.stdout)  # the whole document, to its last byte
    created = {c["address"] for c in printed["changes"] if c["action"] == "create"}
    assert {f"IamGroup/exit-group-{i:03}" for i in range(300)} <= created
    assert done.stderr.splitlines()[-1] == f"Plan saved to {out}."
    saved = read_saved_plan(out)
    assert [c.address for c in saved.plan.changes] == [c["address"] for c in printed["changes"]]
    assert plan_has_changes(saved.plan)
    # the same command in-process (no process exit at all) prints the same plan
    monkeypatch.chdir(tmp_path)  # the same emulator state (.j1sync)
    in_process = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert in_process.exit_code == 2
    again = json.loads(in_process.stdout)["changes"]
    assert [(c["address"], c["action"], c["reason"]) for c in again] == [
        (c["address"], c["action"], c["reason"]) for c in printed["changes"]
    ]


def test_plan_output_redirected_to_a_file_is_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "work").mkdir()
    text_out = tmp_path / "plan.txt"
    with text_out.open("w", encoding="utf-8") as stdout:
        done = subprocess.run(
            [*J1SYNC, "plan", EXAMPLES, "--emulator"],
            cwd=tmp_path / "work",
            env=_clean_env(),
            stdout=stdout,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    monkeypatch.chdir(tmp_path / "work")  # the same emulator state (.j1sync)
    expected = CliRunner().invoke(cli, ["plan", EXAMPLES, "--emulator"]).stdout
    assert text_out.read_text(encoding="utf-8") == expected
    assert expected.rstrip().splitlines()[-1].startswith("Plan:")


# A j1sync process (the console script's main) with an atexit handler of its own; with
# "thread", a non-daemon thread still working when the command ends.
PROCESS = textwrap.dedent(
    """
    import atexit, os, sys, threading, time
    marks = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    def note(text, write=os.write, marks=marks):  # usable while the interpreter ends
        write(marks, text.encode() + b"\\n")
    atexit.register(note, "atexit")
    if "thread" in sys.argv[2]:
        threading.Thread(target=lambda: (time.sleep(0.3), note("thread done"))).start()
    sys.argv = ["j1sync", "validate", sys.argv[3]]
    from j1sync.entry import main
    main()
    """
)


def run_process(tmp_path: Path, mode: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    marks = tmp_path / f"{mode}.marks"
    done = subprocess.run(
        [sys.executable, "-c", PROCESS, str(marks), mode, EXAMPLES],
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    return done, marks.read_text(encoding="utf-8").splitlines()


def test_the_atexit_handlers_run_once_before_the_process_leaves(tmp_path: Path) -> None:
    done, marks = run_process(tmp_path, "entry")
    assert done.returncode == 0, done.stderr
    assert done.stdout == CliRunner().invoke(cli, ["validate", EXAMPLES]).stdout
    assert marks == ["atexit"]


def test_a_thread_still_running_is_waited_for_as_ever(tmp_path: Path) -> None:
    done, marks = run_process(tmp_path, "entry+thread")
    assert done.returncode == 0, done.stderr
    assert done.stdout == CliRunner().invoke(cli, ["validate", EXAMPLES]).stdout
    # the interpreter's own exit: the thread finishes, then the atexit handlers run
    assert marks == ["thread done", "atexit"]


def test_exit_codes_and_error_messages_are_kept(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: j1sync/v1\nkind: IamGroup\nmetadata: {}\n", encoding="utf-8")
    done = run_j1sync(["validate", str(bad)], {}, tmp_path)
    assert done.returncode == 1
    assert "bad.yaml" in done.stderr and "Traceback" not in done.stderr
    changes = run_j1sync(["plan", EXAMPLES, "--emulator", "--detailed-exitcode"], {}, tmp_path)
    assert changes.returncode == 2, changes.stderr
    assert changes.stdout.rstrip().splitlines()[-1].startswith("Plan:")
