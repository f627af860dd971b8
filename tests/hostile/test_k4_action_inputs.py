"""The composite action's script (action.yml, step `run`) run by bash as a runner runs it
(`bash --noprofile --norc -eo pipefail {0}`), with the inputs a hostile or careless
workflow gives. Before: under the runner's -e any exit code but 0 ended the step at the
j1sync pipeline, so `exit-code` and `report` were never set and plan's 2 (changes
present) failed the step even with fail-on-error false; `args` written as a `|`
block lost every line but the first (`--detailed-exitcode` on line two: plan exited 0
with changes present); a `path` beginning with `-` was read as an option (`--help`: the
step printed help and passed without planning); `fail-on-error: yes` or `emulator: Auto`
silently meant false and never; an empty `path` read the current folder for validate.
Now each is used as written or refused naming the input, and no credential reaches the
log, the report or the step's outputs."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from tests.examples import copy_jupiterone_examples
from tests.hostile.running import run_command
from tests.reliability.processes import served_emulator

ROOT = Path(__file__).resolve().parents[2]
API_KEY = "k4-action-Key-0c81f5a2"
ACCOUNT = "k4-action-account"


def _script() -> str:
    action = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == "run"]
    return str(step["run"])


def _run_step(
    tmp_path: Path, env: dict[str, str], **inputs: str
) -> tuple[int, str, dict[str, str]]:
    """The step's exit code, its log (stdout and stderr) and its outputs."""
    outputs = tmp_path / "github_output"
    outputs.write_text("", encoding="utf-8")
    defaults = {"path": ".", "args": "", "emulator": "never", "fail-on-error": "true"}
    given = {**defaults, **inputs}
    base = {k: v for k, v in os.environ.items() if not k.startswith(("JUPITERONE_", "J1SYNC_"))}
    step_env = {
        **base,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{base.get('PATH', '')}",
        "GITHUB_OUTPUT": str(outputs),
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_RUN_ATTEMPT": "1",
        "NO_COLOR": "1",
        "J1SYNC_COMMAND": given["command"],
        "J1SYNC_PATH": given["path"],
        "J1SYNC_ARGS": given["args"],
        "J1SYNC_EMULATOR": given["emulator"],
        "J1SYNC_FAIL_ON_ERROR": given["fail-on-error"],
        **env,
    }
    script = tmp_path / "step.sh"
    script.write_text(_script(), encoding="utf-8")
    as_a_runner_does = ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)]
    done = run_command(as_a_runner_does, step_env, tmp_path)
    lines = outputs.read_text(encoding="utf-8").splitlines()
    said = dict(line.split("=", 1) for line in lines if "=" in line)
    return done.returncode, done.stdout + done.stderr, said


def test_args_on_several_lines_are_all_passed(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, log, said = _run_step(
        tmp_path, {}, command="validate", path="empty", args="\n--allow-empty\n"
    )
    assert (code, said.get("exit-code")) == (0, "0"), log


def test_a_path_beginning_with_a_dash_is_a_path(tmp_path: Path) -> None:
    code, log, said = _run_step(tmp_path, {}, command="validate", path="--help")
    assert said.get("exit-code") == "1" and code == 1, log
    assert "Usage:" not in log
    assert "--help" in log and "no such file or directory" in log


def test_inputs_with_a_value_the_action_does_not_know_are_refused(tmp_path: Path) -> None:
    refused: list[tuple[dict[str, str], str]] = [
        ({"fail-on-error": "yes"}, "input 'fail-on-error' must be true or false"),
        ({"emulator": "Auto"}, "input 'emulator' must be auto, always or never"),
        ({"path": ""}, "input 'path' is empty"),
        ({"command": "plan\n::warning::forged"}, "unknown j1sync command 'plan ::warning::forged'"),
    ]
    for inputs, message in refused:
        given: dict[str, Any] = {"command": "validate", **inputs}
        code, log, said = _run_step(tmp_path, {}, **given)
        assert code == 1, (inputs, log)
        assert f"::error::{message}" in log, (inputs, log)
        assert "exit-code" not in said  # j1sync never ran
        assert "\n::warning::" not in log


def test_plan_with_a_path_with_spaces_and_a_failing_step_never_shows_the_key(
    tmp_path: Path,
) -> None:
    manifests = copy_jupiterone_examples(tmp_path / "my manifests")
    with served_emulator(tmp_path, "demo", API_KEY, ACCOUNT) as emu:
        env = {
            "JUPITERONE_API_KEY": API_KEY,
            "JUPITERONE_ACCOUNT_ID": ACCOUNT,
            "JUPITERONE_API_URL": emu.url,
        }
        code, log, said = _run_step(
            tmp_path,
            env,
            command="plan",
            path=str(manifests),
            args="--format markdown\n--detailed-exitcode",
        )
        assert (code, said.get("exit-code")) == (0, "2"), log  # changes present
        report = Path(said["report"]).read_text(encoding="utf-8")
        assert "Question/mfa-disabled-users" in report and "```" in report

        wrong = {**env, "JUPITERONE_API_KEY": API_KEY + "-revoked"}
        failed, failed_log, failed_said = _run_step(
            tmp_path, wrong, command="plan", path=str(manifests)
        )
        assert failed == 1 and failed_said.get("exit-code") == "1", failed_log
        reported, reported_log, reported_said = _run_step(
            tmp_path, wrong, command="plan", path=str(manifests), **{"fail-on-error": "false"}
        )
        assert (reported, reported_said.get("exit-code")) == (0, "1"), reported_log
        texts = [log, report, failed_log, Path(failed_said["report"]).read_text(encoding="utf-8")]
        texts.append((tmp_path / "github_output").read_text(encoding="utf-8"))
        for text in texts:
            assert API_KEY not in text
