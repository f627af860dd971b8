"""The CLI run in this process (click's runner) against a test's JupiterOne or OpenCTI
emulator, the settings from the environment as a user sets them; what such a test puts
in its emulator and its project folder first."""

from __future__ import annotations

import json
import os
import subprocess
import traceback
import urllib.request
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from j1sync.providers.opencti.emulator import OpenCtiEmulator
from tests.export.conftest import BASE_SEED
from tests.reliability.processes import J1SYNC

# Warnings a fresh interpreter does not show (its default filters); any other one a command
# raises is on a j1sync process's stderr, so it is on the runner's too.
_NOT_SHOWN = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


def jupiterone_run(emu: Emulator, *args: str) -> Result:
    env = {
        "JUPITERONE_API_KEY": emu.api_key,
        "JUPITERONE_ACCOUNT_ID": emu.account,
        "JUPITERONE_API_URL": emu.url,
        "NO_COLOR": "1",
    }
    return CliRunner().invoke(cli, list(args), env=env)


def j1sync_here(
    args: Sequence[str], env: Mapping[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    """`j1sync ARGS` as processes.run_j1sync runs it (in `cwd`, without the developer's
    JupiterOne or j1sync settings, NO_COLOR, with `env`, stdin empty), but in this process
    (click's runner): ~0.02 s instead of a fresh interpreter's ~0.6 s, for the tests about
    what a command says and does, not about its process (signals, exit paths, its real
    stdout). What the process would print besides is on stderr here too: a warning raised,
    and the traceback of an exception that got past the command line."""
    unset: dict[str, str | None] = {
        name: None for name in os.environ if name.startswith(("JUPITERONE_", "J1SYNC_"))
    }
    before = Path.cwd()
    os.chdir(cwd)
    try:
        with warnings.catch_warnings(record=True) as raised:
            warnings.simplefilter("always")
            result = CliRunner().invoke(
                cli, list(args), env={**unset, "NO_COLOR": "1", **env}, prog_name="j1sync"
            )
    finally:
        os.chdir(before)
    stderr = result.stderr + "".join(
        warnings.formatwarning(w.message, w.category, w.filename, w.lineno)
        for w in raised
        if not issubclass(w.category, _NOT_SHOWN)
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess([*J1SYNC, *args], result.exit_code, result.stdout, stderr)


def opencti_run(emu: OpenCtiEmulator, *args: str) -> Result:
    env = {"OPENCTI_URL": emu.url, "OPENCTI_TOKEN": emu.token, "NO_COLOR": "1"}
    return CliRunner().invoke(cli, list(args), env=env)


def opencti_graphql(emu: OpenCtiEmulator, query: str, variables: dict[str, Any]) -> None:
    """Send one GraphQL request to the OpenCTI emulator, as another client would; it
    must answer without errors."""
    request = urllib.request.Request(
        f"{emu.url}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"Authorization": f"Bearer {emu.token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert "errors" not in json.load(answer)


def seeded_question(name: str, title: str = "T", *, tagged: bool = True) -> dict[str, Any]:
    """A question as a JupiterOne seed holds it (managed by j1sync when `tagged`)."""
    return {
        "name": name,
        "title": title,
        "tags": ["j1sync"] if tagged else [],
        "queries": [{"name": "q", "query": "Find User"}],
    }


def declared_questions(folder: Path, declared: Iterable[tuple[str, str]]) -> None:
    """FOLDER/q.yaml declaring a Question for each (name, title); a name is written in
    double quotes, so YAML's escapes in it (`\\u202e`) are read as the character."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "q.yaml").write_text(
        "---\n".join(
            f'apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: "{name}"\n'
            f"spec:\n  title: {title}\n  queries:\n    - {{name: q, query: Find User}}\n"
            for name, title in declared
        ),
        encoding="utf-8",
    )


@contextmanager
def questions_project(
    seeded: list[dict[str, Any]], declared: Iterable[tuple[str, str]]
) -> Iterator[Emulator]:
    """A JupiterOne emulator holding the base seed and the `seeded` questions, and in this
    folder a project (j1sync.yaml, paths: [m]) whose m/q.yaml declares `declared`."""
    with running_emulator(seed={**BASE_SEED, "questions": seeded}) as emu:
        Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
        declared_questions(Path("m"), declared)
        yield emu
