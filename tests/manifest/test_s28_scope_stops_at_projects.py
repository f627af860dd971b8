"""What lies beside a project is not part of it. A run with no j1sync.yaml looks around
the folder it reads for manifests it does not (a part of a project must not prune the
rest), and that search went through sibling folders whatever they were: a separate git
repository beside this one, or a folder with a j1sync.yaml of its own, turned pruning off
("Pruning is off: this run reads ., and ../repoB/q2.yaml declares manifests outside it").
Now the search stops at the root of the git work tree and at another project's folder,
and still finds the rest of this project (a run inside manifests/questions)."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.in_process import j1sync_here
from tests.manifest.one_question import QUESTION

OTHER = QUESTION.replace("name: q1", "name: q2")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _pruning_off(folder: Path) -> str | None:
    planned = j1sync_here(["plan", ".", "--emulator"], {}, folder)
    assert planned.returncode in (0, 2, 3), planned.stdout + planned.stderr  # 3: it prunes
    off = [line for line in planned.stdout.splitlines() if line.startswith("Pruning is off")]
    return off[0] if off else None


def test_a_sibling_repository_is_not_part_of_this_one(tmp_path: Path) -> None:
    _write(tmp_path / "repoA" / ".git" / "HEAD", "ref: refs/heads/main\n")
    _write(tmp_path / "repoA" / "q1.yaml", QUESTION)
    _write(tmp_path / "repoB" / ".git" / "HEAD", "ref: refs/heads/main\n")
    _write(tmp_path / "repoB" / "q2.yaml", OTHER)
    assert _pruning_off(tmp_path / "repoA") is None


def test_a_sibling_project_is_not_part_of_this_one(tmp_path: Path) -> None:
    _write(tmp_path / "a" / "q1.yaml", QUESTION)
    _write(tmp_path / "b" / "j1sync.yaml", "managedTag: other\n")
    _write(tmp_path / "b" / "q2.yaml", OTHER)
    assert _pruning_off(tmp_path / "a") is None


def test_the_rest_of_this_repository_still_counts(tmp_path: Path) -> None:
    _write(tmp_path / "repo" / ".git" / "HEAD", "ref: refs/heads/main\n")
    _write(tmp_path / "repo" / "manifests" / "questions" / "q1.yaml", QUESTION)
    _write(tmp_path / "repo" / "manifests" / "more" / "q2.yaml", OTHER)
    off = _pruning_off(tmp_path / "repo" / "manifests" / "questions")
    assert off is not None and "declares manifests outside it" in off, off
    assert "more/q2.yaml" in off
