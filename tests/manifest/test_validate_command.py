"""`j1sync validate` as a user runs it: summary line, all problems, GitHub annotations."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from tests.manifest.conftest import BROKEN, EXAMPLES, WriteFile

EXAMPLES_SUMMARY = (
    "35 manifests valid: 2 Question, 2 AlertRule, 1 IamGroup, 2 IntegrationSchedule, "
    "1 ResourceGroup, 1 Parameter, 1 Dashboard, 1 xyops.Tag, 1 xyops.Category, "
    "1 xyops.ServerGroup, 1 xyops.Channel, 1 xyops.Monitor, 1 xyops.Alert, 1 xyops.Event, "
    "3 opencti.MarkingDefinition, 3 opencti.Label, 3 opencti.KillChainPhase, "
    "1 opencti.Vocabulary, 1 opencti.Role, 1 opencti.Group, 1 opencti.StatusTemplate, "
    "1 opencti.Workflow, 1 opencti.TaxiiCollection, 1 opencti.StreamCollection, "
    "1 opencti.Feed, 1 opencti.Settings"
)


@pytest.fixture(autouse=True)
def _not_in_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def test_examples_validate_with_the_exact_summary_line() -> None:
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLES)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == EXAMPLES_SUMMARY + "\n"


def test_summary_omits_kinds_with_no_manifests(write: WriteFile) -> None:
    path = write(
        "g.yaml",
        "apiVersion: j1sync/v1\nkind: IamGroup\nmetadata: {name: g}\nspec: {description: x}\n",
    )
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1 manifest valid: 1 IamGroup\n"


def test_validate_without_paths_reads_the_current_folder(
    tmp_path: Path, write: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("q.yaml", (EXAMPLES / "questions" / "mfa-disabled-users.yaml").read_text())
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.stdout == "1 manifest valid: 1 Question\n"


def test_validate_without_paths_uses_the_paths_of_j1sync_yaml(
    tmp_path: Path, write: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("j1sync.yaml", "paths: [manifests]\nmanagedTag: gitops\n")
    write("manifests/q.yaml", (EXAMPLES / "questions" / "mfa-disabled-users.yaml").read_text())
    write("elsewhere/broken.yaml", "kind: Nothing\n")  # outside `paths`: never read
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1 manifest valid: 1 Question\n"


def test_every_problem_of_a_run_is_reported_not_just_the_first() -> None:
    first, second = BROKEN / "unknown_key.yaml", BROKEN / "hour_with_one_hour.yaml"
    result = CliRunner().invoke(cli, ["validate", str(first), str(second)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    first_line = f"{first}:9:3: Question/typo-question: spec.titel:"
    second_line = f"{second}:10:9: IntegrationSchedule/aws-production:"
    assert any(line.startswith(first_line) for line in lines)
    assert any(line.startswith(second_line) for line in lines)
    assert lines[-1] == "2 manifest errors"


def test_problems_in_one_file_and_another_folder_are_all_reported(
    write: WriteFile, tmp_path: Path
) -> None:
    write("a.yaml", (BROKEN / "bad_member_email.yaml").read_text())
    write("deep/er/b.yml", (BROKEN / "unknown_permission.yaml").read_text())
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'a.yaml'}:11:7:" in result.stderr
    assert f"{tmp_path / 'deep' / 'er' / 'b.yml'}:11:7:" in result.stderr


def test_github_actions_gets_an_error_annotation_per_problem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)  # files named as given
    first, second = BROKEN / "unknown_key.yaml", BROKEN / "bad_member_email.yaml"
    result = CliRunner().invoke(cli, ["validate", str(first), str(second)])
    assert result.exit_code == 1
    annotations = result.stdout.splitlines()
    assert annotations == [
        f"::error file={first},line=9,col=3::Question/typo-question: spec.titel: "
        "unknown field 'titel'; did you mean 'title'?",
        f"::error file={second},line=11,col=7::IamGroup/bad-member: spec.members[1]: "
        "'bob' is not an email address",
    ]
    assert "::error" not in result.stderr  # the plain lines still go to stderr


def test_no_annotations_outside_github_actions() -> None:
    result = CliRunner().invoke(cli, ["validate", str(BROKEN / "unknown_key.yaml")])
    assert result.exit_code == 1
    assert "::error" not in result.output


def test_a_missing_path_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = CliRunner().invoke(cli, ["validate", str(missing)])
    assert result.exit_code == 1
    assert f"{missing}: no such file or directory" in result.stderr


def test_an_unset_variable_named_in_a_message_never_shows_a_set_secret(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("J1SYNC_TEST_SECRET", "hunter2-secret")
    path = write(
        "s.yaml",
        "apiVersion: j1sync/v1\nkind: IntegrationSchedule\nmetadata: {name: x}\n"
        "spec:\n  pollingInterval: ${env:J1SYNC_TEST_SECRET}\n",
    )
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert "spec.pollingInterval" in result.stderr
    assert "hunter2-secret" not in result.output
    assert "${env:J1SYNC_TEST_SECRET}" in result.stderr
