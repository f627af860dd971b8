"""The closing count of a run's problems says where they are: j1sync.yaml's apart from
the manifests'. Before, validate and plan said "N manifest errors" for problems that were
all, or partly, in j1sync.yaml. validate's last line and plan's `Error:` line are one
rule (errors.count_problems)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.manifest.one_question import QUESTION

BAD_QUESTION = QUESTION.replace("title: T", "title: 1")
BAD_SETTINGS = "paths: [manifests]\nregion: mars\nprune: {Foo: true}\n"


def project(tmp_path: Path, settings: str, question: str) -> Path:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "q.yaml").write_text(question)
    (tmp_path / "j1sync.yaml").write_text(settings)
    return tmp_path


@pytest.mark.parametrize(
    ("settings", "question", "count"),
    [
        (BAD_SETTINGS, BAD_QUESTION, "3 errors: 2 in j1sync.yaml, 1 in manifests"),
        (BAD_SETTINGS, QUESTION, "2 errors in j1sync.yaml"),
        ("paths: [manifests]\nregion: mars\n", QUESTION, "1 error in j1sync.yaml"),
        ("paths: [manifests]\n", BAD_QUESTION, "1 manifest error"),
    ],
)
def test_the_count_says_where(tmp_path: Path, settings: str, question: str, count: str) -> None:
    folder = project(tmp_path, settings, question)
    validated = j1sync_here(["validate"], {}, folder)
    assert validated.returncode == 1
    assert validated.stderr.splitlines()[-1] == count
    planned = j1sync_here(["plan", "--emulator"], {}, folder)
    assert planned.returncode == 1
    assert f"Error: {count}" in planned.stderr.splitlines()
    assert not (folder / ".j1sync").exists()  # nothing made before the manifests held
