"""A section of j1sync.yaml written with no value (`xyops:` with every key below it
commented out) is read by YAML as null. A system's was silently ignored (xyOps left out of
the run, where `xyops: {}` adds it with its defaults), while a null `prune:` or `safety:`
was "Input should be a mapping". Each is now an error at its line saying what to write."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.manifest.one_question import QUESTION

PROJECT = """\
paths: [manifests]
xyops:
#  url: https://xyops.example.com
opencti:
  prune:
  safety:   # the limits, some day
safety:
"""

EXPECTED = [
    "j1sync.yaml:2:1: j1sync.yaml: xyops: an empty section: write `xyops: {}` to keep xyOps "
    "in the run with its defaults, or remove the line",
    "j1sync.yaml:5:3: j1sync.yaml: opencti.prune: an empty section: write `prune: {}` (no "
    "kind pruned), or remove the line",
    "j1sync.yaml:6:3: j1sync.yaml: opencti.safety: an empty section: write `safety: {}` (the "
    "default limits), or remove the line",
    "j1sync.yaml:7:1: j1sync.yaml: safety: an empty section: write `safety: {}` (the default "
    "limits), or remove the line",
]


def project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "q.yaml").write_text(QUESTION)
    (tmp_path / "j1sync.yaml").write_text(text)
    return tmp_path


@pytest.mark.parametrize("command", [["validate"], ["plan", "--emulator"]])
def test_every_empty_section_is_an_error_at_its_line(tmp_path: Path, command: list[str]) -> None:
    done = j1sync_here(command, {}, project(tmp_path, PROJECT))
    assert done.returncode == 1, done.stdout
    problems = [line for line in done.stderr.splitlines() if line.startswith("j1sync.yaml:")]
    assert sorted(problems) == EXPECTED, done.stderr


def test_an_empty_mapping_is_still_the_defaults(tmp_path: Path) -> None:
    text = "paths: [manifests]\nxyops: {}\nopencti: {prune: {}, safety: {}}\nsafety: {}\n"
    done = j1sync_here(["validate"], {}, project(tmp_path, text))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "1 manifest valid: 1 Question\n"
