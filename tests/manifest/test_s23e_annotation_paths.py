"""validate's `::error file=...` annotations name the file from the repository's root.
GitHub reads a relative `file` from GITHUB_WORKSPACE (the runner makes only an absolute
path under it relative: actions/runner ActionCommandManager, IssueCommandExtension), but
j1sync named it from the current folder: run in `infra/` (a step's `working-directory`),
`manifests/q.yaml` was annotated, a file the repository does not have at its root, and
`../shared/q.yaml` named none; the annotations never reached the pull request's lines."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.in_process import j1sync_here

BROKEN = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: q1
spec:
  titel: T
  queries:
    - name: a
      query: Find User
"""


def annotated_files(stdout: str) -> list[str]:
    """The files the annotations name (each broken file has two problems: titel, title)."""
    found = [line.split(",", 1)[0] for line in stdout.splitlines() if line.startswith("::error")]
    return sorted(set(found))


def test_annotations_name_files_from_the_workspace(tmp_path: Path) -> None:
    infra = tmp_path / "infra"
    (infra / "manifests").mkdir(parents=True)
    (tmp_path / "shared").mkdir()
    (infra / "manifests" / "q.yaml").write_text(BROKEN)
    (tmp_path / "shared" / "s.yaml").write_text(BROKEN.replace("q1", "s1"))
    env = {"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(tmp_path)}
    done = j1sync_here(["validate", "manifests", "../shared"], env, infra)
    assert done.returncode == 1, done.stderr
    assert annotated_files(done.stdout) == [
        "::error file=infra/manifests/q.yaml",
        "::error file=shared/s.yaml",
    ]
    # the lines on stderr still name the files as the run was given them
    assert "manifests/q.yaml:6:3: Question/q1: spec.titel: unknown field" in done.stderr
    assert "../shared/s.yaml:6:3: Question/s1: spec.titel: unknown field" in done.stderr


def test_an_absolute_path_too(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "q.yaml").write_text(BROKEN)
    env = {"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(tmp_path)}
    done = j1sync_here(["validate", str(tmp_path / "m")], env, tmp_path / "m")
    assert annotated_files(done.stdout) == ["::error file=m/q.yaml"]


def test_a_file_outside_the_workspace_is_named_as_given(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "q.yaml").write_text(BROKEN)
    env = {"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(tmp_path / "repo")}
    done = j1sync_here(["validate", "q.yaml"], env, tmp_path)
    assert annotated_files(done.stdout) == ["::error file=q.yaml"]
