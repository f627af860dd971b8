"""Where `--emulator` keeps its state and who may hold it: `.j1sync/` at the root of the
project the current folder lies in (its j1sync.yaml's folder, else the git work tree's
root, else the current folder), found the same from every subfolder by the runs, `emulator
serve` and `emulator reset`; a run on a database `emulator serve` holds fails at once
(it waited forever), one another run holds is waited for, with a limit; `reset` leaves
no lock files; a run that stops before any change leaves no state it made; a state
folder that cannot be made is named with what to do; and `--seed` says what each
system's emulator takes."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.emulator.store import DatabaseInUse, ProcessLock
from tests.hostile.in_process import j1sync_here
from tests.reliability.processes import J1SYNC

ROOT = Path(__file__).resolve().parents[2]
XYOPS_EXAMPLES = ROOT / "examples" / "manifests" / "xyops"
XYOPS_DB = Path(".j1sync") / "xyops-emulator.db"
WAIT_S = 60  # the bound of every wait for a process (never reached when all is well)


def _env() -> dict[str, str]:
    mine = ("JUPITERONE_", "J1SYNC_", "XYOPS_", "OPENCTI_")
    return {**{k: v for k, v in os.environ.items() if not k.startswith(mine)}, "NO_COLOR": "1"}


def _start(cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*J1SYNC, *args],
        cwd=cwd,
        env=_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*J1SYNC, *args],
        cwd=cwd,
        env=_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=WAIT_S,
    )


def _project(tmp_path: Path) -> Path:
    """A project: j1sync.yaml at its root, the xyOps examples in `xym/`."""
    project = tmp_path / "project"
    shutil.copytree(XYOPS_EXAMPLES, project / "xym")
    (project / "j1sync.yaml").write_text("xyops: {}\n", encoding="utf-8")
    return project


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """`j1sync emulator serve --system xyops` over its default database, from `xym/`, a
    subfolder of the project: the project and the server, once it listens."""
    project = _project(tmp_path)
    server = _start(project / "xym", "emulator", "serve", "--system", "xyops", "--port", "0")
    try:
        assert server.stdout is not None
        assert "listening on" in server.stdout.readline(), server.communicate(timeout=WAIT_S)
        yield project, server
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=WAIT_S)


def test_a_run_on_a_database_emulator_serve_holds_fails_at_once_saying_what_to_do(
    served: tuple[Path, subprocess.Popen[str]],
) -> None:
    """The audit's CI hang: `serve` holds its database until stopped, and `plan
    --emulator` on it waited for it forever. The server was started in a subfolder: its
    default database is the project's, the one the run from the root uses."""
    project, server = served
    assert (project / XYOPS_DB).is_file() and not (project / "xym" / ".j1sync").exists()
    plan = _run(project, "plan", "xym", "--emulator")
    assert plan.returncode == 1, plan.stdout + plan.stderr
    lines = plan.stderr.strip().splitlines()
    assert lines[-1].startswith("Error: emulator database .j1sync/xyops-emulator.db is in use")
    error = lines[-1]
    assert f"(pid {server.pid}), `j1sync emulator serve`, which holds it until" in error
    assert "stop it" in error and "XYOPS_* environment variables" in error
    assert "another --db" in error
    assert "waiting" not in plan.stderr and "Traceback" not in plan.stderr


def _waiting_run(project: Path) -> subprocess.Popen[str]:
    """`plan --emulator` started while another run holds the database (as its process
    lock says: this test's), once it says it waits."""
    run = _start(project, "plan", "xym", "--emulator")
    assert run.stderr is not None
    said = run.stderr.readline()
    assert "waiting (at most 300 s): emulator database .j1sync/xyops-emulator.db" in said
    assert "is in use by another j1sync process" in said and "a --emulator run" in said
    return run


def test_a_run_waits_for_another_run_with_a_limit_said_then_goes_on(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / ".j1sync").mkdir()
    other_run = ProcessLock(str(project / XYOPS_DB), wait=True)
    try:
        run = _waiting_run(project)
    finally:
        other_run.release()
    out, err = run.communicate(timeout=WAIT_S)
    assert run.returncode == 0, out + err
    assert "Plan: 7 to create" in out


def test_ctrl_c_ends_the_wait_for_another_run(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / ".j1sync").mkdir()
    other_run = ProcessLock(str(project / XYOPS_DB), wait=True)
    try:
        run = _waiting_run(project)
        run.send_signal(signal.SIGINT)
        _, err = run.communicate(timeout=WAIT_S)
    finally:
        other_run.release()
    assert run.returncode == 130 and err.strip().endswith("Interrupted."), err
    assert "Traceback" not in err


def test_the_wait_for_another_run_gives_up_at_its_limit_naming_it(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    other_run = ProcessLock(db, wait=True)
    try:
        with pytest.raises(DatabaseInUse) as raised:
            ProcessLock(db, wait=True, wait_limit_s=0.3)
    finally:
        other_run.release()
    message = str(raised.value)
    assert f"(pid {os.getpid()}), a --emulator run, still after 0.3 s" in message
    assert "wait for it to end (or stop it), then run again" in message


def test_a_run_from_a_subfolder_uses_the_projects_state(tmp_path: Path) -> None:
    """Run from `xym/`, a plan used to seed a fresh account there (the apply made from
    the root not seen), and leave a `.j1sync/` among the manifests."""
    project = _project(tmp_path)
    applied = j1sync_here(["apply", "xym", "--emulator", "--auto-approve"], {}, project)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    again = j1sync_here(["plan", "--emulator", "--detailed-exitcode"], {}, project / "xym")
    assert again.returncode == 0, again.stdout + again.stderr
    assert not (project / "xym" / ".j1sync").exists()
    assert (project / XYOPS_DB).is_file()


def test_without_j1sync_yaml_the_git_work_tree_root_holds_the_state(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(XYOPS_EXAMPLES, repo / "ops" / "xym")
    (repo / ".git").mkdir()
    applied = j1sync_here(["apply", "xym", "--emulator", "--auto-approve"], {}, repo / "ops")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (repo / XYOPS_DB).is_file() and not (repo / "ops" / ".j1sync").exists()
    again = j1sync_here(["plan", "ops/xym", "--emulator", "--detailed-exitcode"], {}, repo)
    assert again.returncode == 0, again.stdout + again.stderr


def test_reset_from_a_subfolder_deletes_the_projects_state_and_its_lock_files(
    tmp_path: Path,
) -> None:
    """`emulator reset` from a subfolder said "Nothing to delete", and, where it deleted
    a database, left its `.lock` file."""
    project = _project(tmp_path)
    applied = j1sync_here(["apply", "xym", "--emulator", "--auto-approve"], {}, project)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (project / f"{XYOPS_DB}.lock").is_file()
    # a lock file left beside no database (its database deleted by hand)
    (project / ".j1sync" / "emulator.db.lock").write_text("1\n", encoding="utf-8")
    reset = j1sync_here(["emulator", "reset"], {}, project / "xym")
    assert reset.returncode == 0, reset.stdout + reset.stderr
    assert f"Deleted {project / XYOPS_DB}." in reset.stdout
    assert sorted(p.name for p in (project / ".j1sync").iterdir()) == []
    again = j1sync_here(["emulator", "reset"], {}, project / "xym")
    assert again.stdout.strip() == (
        f"Nothing to delete: no emulator state in {project / '.j1sync'}/, the --emulator "
        "state folder of the project this folder lies in."
    )


def test_reset_leaves_the_lock_file_of_a_served_database(
    served: tuple[Path, subprocess.Popen[str]],
) -> None:
    project, server = served
    reset = j1sync_here(["emulator", "reset"], {}, project)
    assert reset.returncode == 1 and f"(pid {server.pid})" in reset.stderr, reset.stderr
    assert (project / XYOPS_DB).is_file() and (project / f"{XYOPS_DB}.lock").is_file()


def test_reset_deletes_the_other_systems_state_beside_a_served_one(
    served: tuple[Path, subprocess.Popen[str]],
) -> None:
    """It stopped at the database in use (xyOps's, served), leaving OpenCTI's (after it)
    in place without a word."""
    project, server = served
    after = project / ".j1sync" / "opencti-emulator.db"
    after.write_bytes(b"")  # an empty database: what a start that never seeded leaves
    reset = j1sync_here(["emulator", "reset"], {}, project)
    assert reset.returncode == 1, reset.stdout + reset.stderr
    assert f"(pid {server.pid})" in reset.stderr
    assert f"Deleted {Path('.j1sync') / 'opencti-emulator.db'}." in reset.stdout, reset.stdout
    assert not after.exists()
    assert (project / XYOPS_DB).is_file()  # the served one kept


DOCKER_COMPOSE = "services:\n  web:\n    image: nginx\n"
BAD_EVENT = "apiVersion: xyops.j1sync/v1\nkind: Event\nmetadata: {name: e}\nspec: {nope: 1}\n"


@pytest.mark.parametrize(
    ("name", "text"), [("docker-compose.yml", DOCKER_COMPOSE), ("event.yaml", BAD_EVENT)]
)
def test_a_plan_of_invalid_manifests_leaves_no_state(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    plan = j1sync_here(["plan", name, "--emulator"], {}, tmp_path)
    assert plan.returncode == 1 and "manifest error" in plan.stderr, plan.stderr
    assert not (tmp_path / ".j1sync").exists()


def test_a_plan_of_invalid_manifests_keeps_the_state_there_was(tmp_path: Path) -> None:
    project = _project(tmp_path)
    applied = j1sync_here(["apply", "xym", "--emulator", "--auto-approve"], {}, project)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    kept = (project / XYOPS_DB).read_bytes()
    (project / "bad").mkdir()
    (project / "bad" / "event.yaml").write_text(BAD_EVENT, encoding="utf-8")
    plan = j1sync_here(["plan", "bad", "--emulator"], {}, project)
    assert plan.returncode == 1, plan.stdout + plan.stderr
    assert (project / XYOPS_DB).read_bytes() == kept


def test_a_state_folder_that_cannot_be_made_is_named_with_what_to_do(tmp_path: Path) -> None:
    """A read-only checkout said only `Error: Read-only file system: .j1sync`; a file in
    the state folder's place fails its making the same way (as root, who writes in any
    folder, as well)."""
    shutil.copytree(XYOPS_EXAMPLES, tmp_path / "xym")
    (tmp_path / ".j1sync").write_text("not a folder\n", encoding="utf-8")
    plan = j1sync_here(["plan", "xym", "--emulator"], {}, tmp_path)
    assert plan.returncode == 1
    error = plan.stderr.strip().splitlines()[-1]
    assert error.startswith(
        "Error: cannot create the emulator's state folder .j1sync (a file of that name is "
        "in the way): run from a folder where it can be made"
    ), plan.stderr
    assert "`j1sync emulator serve --db FILE`" in error and "Traceback" not in plan.stderr
    serve = j1sync_here(["emulator", "serve", "--system", "xyops", "--port", "0"], {}, tmp_path)
    assert serve.returncode == 1
    assert "cannot create the emulator's state folder .j1sync" in serve.stderr
    assert "give `emulator serve` a --db elsewhere" in serve.stderr


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_the_seed_help_and_the_readme_say_what_each_system_takes() -> None:
    """`[--seed FILE|none]` and "Seed file, or 'none'" promised a file to every system's
    emulator; only JupiterOne's takes one. The help, a generic command's, names no system
    (tests/providers/test_generic_modules.py): it says where the README lists them."""
    shown = j1sync_here(["emulator", "serve", "--help"], {}, ROOT)
    said = _one_line(shown.stdout)
    assert (
        "--seed TEXT What a new database starts with (default: the system's own): one of the "
        "seeds its emulator knows, or a seed FILE (YAML or JSON) if it takes files. The "
        "README's command list says which each system's takes; another is refused, naming "
        "those."
    ) in said
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if x.startswith("j1sync emulator serve "))
    assert "[--seed SEED]" in line and "FILE|none" not in line
    assert line.endswith(
        "SEED: JupiterOne's a seed FILE (YAML or JSON), demo (default) or none; "
        "xyOps's and OpenCTI's fresh (default) or none"
    )


@pytest.mark.parametrize(
    ("system", "seed", "error"),
    [
        (
            "jupiterone",
            "fresh",
            "unknown JupiterOne emulator seed 'fresh' (no such file): use a seed file "
            "(YAML or JSON), 'demo' or 'none'",
        ),
        ("xyops", "seed.yaml", "unknown xyOps emulator seed 'seed.yaml': use 'fresh' or 'none'"),
        ("opencti", "seed.yaml", "unknown seed 'seed.yaml' (one of: fresh, none)"),
    ],
)
def test_a_seed_a_system_does_not_take_names_those_it_does(
    tmp_path: Path, system: str, seed: str, error: str
) -> None:
    args = ["emulator", "serve", "--system", system, "--port", "0", "--db", "x.db", "--seed", seed]
    served = j1sync_here(args, {}, tmp_path)
    assert served.returncode == 1
    assert re.search(
        rf"^Error: cannot start the .*emulator: {re.escape(error)}$", served.stderr, re.M
    )
    assert not (tmp_path / "x.db").exists()
