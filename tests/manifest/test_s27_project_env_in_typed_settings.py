"""`${env:NAME}` in a boolean or number setting of j1sync.yaml (`prune: {Label:
"${env:PR}"}` with PR=true) failed "Input should be a valid boolean (got '${env:PR}')", as
if the variable were wrong. The environment holds text and j1sync reads none of it as a
boolean or number: the error now says so, at the value, and which settings take it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.manifest.one_question import QUESTION

PROJECT = """\
paths: [manifests]
region: ${env:J1_REGION}
opencti:
  prune: {Label: "${env:PR}"}
  safety: {minObjects: "${env:MO}"}
"""

TEXT_ONLY = (
    "write the value itself (`${env:NAME}` is for the text settings only: account, region, "
    "managedTag, a section's url, a paths entry; j1sync reads no boolean or number from the "
    "environment)"
)


@pytest.mark.parametrize("command", [["validate"], ["plan", "--emulator"]])
def test_a_boolean_or_number_from_the_environment_is_said_to_be_text(
    tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "q.yaml").write_text(QUESTION)
    (tmp_path / "j1sync.yaml").write_text(PROJECT)
    env = {"PR": "true", "MO": "7", "J1_REGION": "eu"}
    done = j1sync_here(command, env, tmp_path)
    assert done.returncode == 1, done.stdout
    problems = [line for line in done.stderr.splitlines() if line.startswith("j1sync.yaml:")]
    assert problems == [
        "j1sync.yaml:4:18: j1sync.yaml: opencti.prune.Label: ${env:PR} is text, and this "
        f"setting takes true or false: {TEXT_ONLY}",
        "j1sync.yaml:5:24: j1sync.yaml: opencti.safety.minObjects: ${env:MO} is text, and "
        f"this setting takes a whole number: {TEXT_ONLY}",
    ], done.stderr


def test_a_text_setting_still_takes_it(tmp_path: Path) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "q.yaml").write_text(QUESTION)
    (tmp_path / "j1sync.yaml").write_text(PROJECT.split("opencti:")[0])
    done = j1sync_here(["validate"], {"J1_REGION": "eu"}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "1 manifest valid: 1 Question\n"
