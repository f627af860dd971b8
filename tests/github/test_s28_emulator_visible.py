"""A report made against the emulators says so. The example workflows ship `emulator:
auto`: a same-repository pull request whose secret is misnamed got a sticky comment with a
plan of demo data that read as the account's (`## j1sync plan`, `### xyOps:
http://127.0.0.1:39991`, a port that changed every run), and the apply workflow ended
"Applied." in green, after a notice. Now the plan, drift and apply reports' heading says
`(emulator: local data, not a live system)`, a target is named `emulator`, and the action warns
(`::warning::`) when `auto` falls back to the emulators."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.examples import XYOPS_EXAMPLES
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import j1sync_here
from tests.hostile.test_k4_action_inputs import _run_step

EMULATED = "(emulator: local data, not a live system)"
PATHS = ["manifests/question.yaml", "manifests/tags.yaml"]
QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: public-s3-buckets
spec:
  title: Which S3 buckets are public?
  queries:
    - name: bad
      query: Find aws_s3_bucket with public=true
"""


def project(tmp_path: Path) -> Path:
    """A project of two systems (a JupiterOne question, an xyOps tag): a plan of sections.
    The runs name its files (PATHS): not the whole project, so they prune nothing of the
    demo account (whose managed rules no manifest declares)."""
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "j1sync.yaml").write_text("paths: [manifests]\n", encoding="utf-8")
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "question.yaml").write_text(QUESTION, encoding="utf-8")
    shutil.copy(XYOPS_EXAMPLES / "tags.yaml", tmp_path / "manifests" / "tags.yaml")
    return tmp_path


def test_a_markdown_plan_and_drift_against_the_emulators_say_so(tmp_path: Path) -> None:
    folder = project(tmp_path)

    plan = j1sync_here(["plan", "--emulator", "--format", "markdown", *PATHS], {}, folder)
    drift = j1sync_here(["drift", "--emulator", "--format", "markdown", *PATHS], {}, folder)

    assert plan.returncode == 0, plan.stderr
    assert plan.stdout.startswith(f"## j1sync plan {EMULATED}\n")
    headings = [line for line in plan.stdout.splitlines() if line.startswith("### ")]
    assert headings == ["### JupiterOne: emulator", "### xyOps: emulator"]
    assert "127.0.0.1" not in plan.stdout
    assert drift.returncode == 2, drift.stderr
    assert drift.stdout.startswith(f"## j1sync drift {EMULATED}\n")
    assert "JupiterOne: emulator; xyOps: emulator differ from the manifests" in drift.stderr


def test_a_text_plan_and_apply_against_the_emulators_say_so_first(tmp_path: Path) -> None:
    folder = project(tmp_path)

    plan = j1sync_here(["plan", "--emulator", *PATHS], {}, folder)
    applied = j1sync_here(["apply", "--emulator", "--auto-approve", *PATHS], {}, folder)
    again = j1sync_here(
        ["apply", "--emulator", "--auto-approve", "--show-plan", *PATHS], {}, folder
    )

    assert plan.returncode == 0, plan.stderr
    assert plan.stdout.splitlines()[:2] == [f"j1sync plan {EMULATED}", ""]
    assert "\nxyOps: emulator\n" in plan.stdout and "127.0.0.1" not in plan.stdout
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.splitlines()[0] == f"j1sync apply {EMULATED}"
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[:2] == [
        f"j1sync apply {EMULATED}",
        "No changes. The account matches the manifests.",
    ]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_a_plan_of_an_account_says_nothing_of_the_emulator(tmp_path: Path, fmt: str) -> None:
    """An emulator reached as an account is (its URL, key and account): no such heading."""
    folder = project(tmp_path)
    (folder / "manifests" / "tags.yaml").unlink()
    with running_emulator(seed=BASE_SEED) as emu:
        env = {
            "JUPITERONE_API_URL": emu.url,
            "JUPITERONE_API_KEY": emu.api_key,
            "JUPITERONE_ACCOUNT_ID": emu.account,
        }
        plan = j1sync_here(["plan", "--format", fmt, PATHS[0]], env, folder)

    assert plan.returncode == 0, plan.stderr
    assert "emulator" not in plan.stdout
    assert plan.stdout.startswith("## j1sync plan\n" if fmt == "markdown" else "Actions:")


def test_the_action_warns_when_auto_falls_back_to_the_emulators(tmp_path: Path) -> None:
    folder = project(tmp_path / "repo")

    code, log, said = _run_step(
        folder,
        {},
        command="plan",
        path="manifests/tags.yaml",
        args="--format markdown",
        emulator="auto",
    )

    assert (code, said.get("exit-code"), said.get("emulator")) == (0, "0", "true"), log
    assert "::warning title=j1sync::no API key is set" in log
    assert "on demo data, not your account" in log
    report = Path(said["report"]).read_text(encoding="utf-8")
    assert report.startswith(f"## j1sync plan {EMULATED}\n")
