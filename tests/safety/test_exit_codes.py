"""Exit codes CI can trust: a usage error is 1 (2 means only "changes present" or
"drift"), and no input makes j1sync print a traceback: an unexpected error is one line,
`--debug` (or J1SYNC_DEBUG=1) adds the traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from tests.examples import jupiterone_examples
from tests.reliability.processes import run_j1sync

ROOT = Path(__file__).resolve().parents[2]
# the JupiterOne demo's examples (a JupiterOne emulator serves these tests)
EXAMPLES = str(jupiterone_examples())
API_KEY = "exit-codes-Key-5c1d8e"

# (command line, what the user got wrong) for every command and every kind of usage error
USAGE_ERRORS: list[tuple[list[str], str]] = [
    (["plan", "no-such-folder"], "Path 'no-such-folder' does not exist"),
    (["apply", "no-such-folder", "--auto-approve"], "does not exist"),
    (["drift", "no-such-folder"], "does not exist"),
    (["apply", "--plan", "no-such-plan.json"], "no-such-plan.json"),
    (["plan", EXAMPLES, "--no-such-option"], "No such option"),
    (["apply", EXAMPLES, "--auto-aprove"], "No such option"),
    (["validate", EXAMPLES, "--strict"], "No such option"),
    (["drift", EXAMPLES, "--detailed-exitcode"], "No such option"),
    (["export", "--no-such-option"], "No such option"),
    (["schema", "--no-such-option"], "No such option"),
    (["emulator", "serve", "--no-such-option"], "No such option"),
    (["emulator", "reset", "--no-such-option"], "No such option"),
    (["github", "comment", "--no-such-option"], "No such option"),
    (["unlock", "--no-such-option"], "No such option"),
    (["--no-such-option", "plan"], "No such option"),
    (["plna", EXAMPLES], "No such command"),
    (["emulator", "sreve"], "No such command"),
    (["plan", EXAMPLES, "--format", "yaml"], "Invalid value for '--format'"),
    (["drift", EXAMPLES, "--format", "html"], "Invalid value for '--format'"),
    (["apply", EXAMPLES, "--concurrency", "0"], "Invalid value for '--concurrency'"),
    (["export", "--kind", "Dashbord"], "Invalid value for '--kind'"),
    (["plan", EXAMPLES, "--retry-budget", "-1"], "Invalid value for '--retry-budget'"),
    (["plan", EXAMPLES, "--rate-limit", "x"], "N/SECONDS"),
    (["emulator", "serve", "--port", "99999"], "Invalid value for '--port'"),
    (["emulator", "serve", "--fail-rate", "2"], "Invalid value for '--fail-rate'"),
    (["plan", EXAMPLES, "--out"], "requires an argument"),
    (["apply", "--plan"], "requires an argument"),
    (["github", "comment"], "Missing option '--body-file'"),
    (["apply", EXAMPLES, "--plan", __file__], "not both"),
]


@pytest.mark.parametrize(
    ("args", "message"), USAGE_ERRORS, ids=[" ".join(a[:3]) for a, _ in USAGE_ERRORS]
)
def test_a_usage_error_exits_1_not_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, args, env={"JUPITERONE_API_KEY": API_KEY})
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not result.exception or isinstance(result.exception, SystemExit)


def test_a_usage_error_exits_1_from_the_installed_command_too(tmp_path: Path) -> None:
    for args in (["plan", "no-such-folder"], ["plan", EXAMPLES, "--bogus"], ["nope"]):
        done = run_j1sync(args, {}, tmp_path)
        assert done.returncode == 1, done.stderr
        assert "Error:" in done.stderr
        assert "Traceback" not in done.stderr


def test_help_and_version_still_exit_0() -> None:
    for args in (["--help"], ["--version"], ["plan", "--help"], ["emulator", "serve", "-h"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output


def test_changes_present_is_still_2_and_no_changes_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The codes usage errors no longer borrow keep their meaning (plan --detailed-exitcode)."""
    monkeypatch.chdir(tmp_path)  # --emulator keeps its state in ./.j1sync
    runner = CliRunner()
    plan = runner.invoke(cli, ["plan", EXAMPLES, "--emulator", "--detailed-exitcode"])
    assert plan.exit_code == 2, plan.output
    apply = runner.invoke(cli, ["apply", EXAMPLES, "--emulator", "--auto-approve"])
    assert apply.exit_code == 0, apply.output
    again = runner.invoke(cli, ["plan", EXAMPLES, "--emulator", "--detailed-exitcode"])
    assert again.exit_code == 0, again.output


# -- an error j1sync did not expect ------------------------------------------------------


@pytest.fixture
def broken_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """`j1sync schema` failing inside, with a message that holds the API key. A j1sync
    internal is replaced in-process: no input is known to make j1sync fail this way
    (each one found is fixed to a message of its own; see test_tracebacks.py)."""
    from j1sync.providers.jupiterone.system import SYSTEM

    def explode(kind: str | None = None) -> None:
        raise RuntimeError(f"schema generator broke\nwhile holding {API_KEY}")

    monkeypatch.setitem(SYSTEM.extras, "json_schema", explode)  # type: ignore[index]
    monkeypatch.setenv("JUPITERONE_API_KEY", API_KEY)
    monkeypatch.delenv("J1SYNC_DEBUG", raising=False)


def test_an_unexpected_error_is_one_line_without_a_traceback(broken_schema: None) -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "internal error: RuntimeError: schema generator broke while holding (redacted), "
        "run `j1sync --debug schema ...` for details"
    ]
    assert "Traceback" not in result.output
    assert API_KEY not in result.output


@pytest.mark.parametrize("how", ["--debug", "J1SYNC_DEBUG=1"])
def test_debug_shows_the_traceback(broken_schema: None, how: str) -> None:
    args, env = (
        (["--debug", "schema"], {}) if how == "--debug" else (["schema"], {"J1SYNC_DEBUG": "1"})
    )
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: schema generator broke" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("internal error: RuntimeError")
    assert "--debug for details" not in result.stderr
    assert API_KEY not in result.output


def test_debug_is_not_left_on_for_the_next_invocation(broken_schema: None) -> None:
    CliRunner().invoke(cli, ["--debug", "schema"])
    result = CliRunner().invoke(cli, ["schema"])
    assert "Traceback" not in result.output


def test_debug_changes_nothing_when_nothing_fails(tmp_path: Path) -> None:
    done = run_j1sync(["--debug", "validate", EXAMPLES], {}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == run_j1sync(["validate", EXAMPLES], {}, tmp_path).stdout
