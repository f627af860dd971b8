"""What "the project" is, and whether a run reads all of it.

The project is defined by the j1sync.yaml a run uses (the one in the folder a PATH names
or holds, else in the nearest folder above it, else in the current folder): its `paths`
(relative to it) or, when it has none, the folder that holds it. A run is *complete* when
each of the project's paths is one of the run's paths or lies inside one of them.

Without a j1sync.yaml, j1sync knows no more than the paths it is given: each folder is a
whole project, and a run that names a file is a part of one.

Only a complete run prunes (deletes live objects that no manifest declares); any other run
reads a subset of the manifests, and what the rest declares must not look orphaned.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from j1sync.manifest.document import ProjectConfig, RunScope


def run_scope(roots: Sequence[Path], project_file: Path | None, project: ProjectConfig) -> RunScope:
    if project_file is None:
        files = [root for root in roots if not root.is_dir()]
        if not files:
            return RunScope()
        return RunScope(
            complete=False,
            reason=(
                f"this run names a file ({_listed(files)}), not a folder, and no j1sync.yaml "
                "says what the whole project is"
            ),
        )
    project_paths = [Path(p) for p in project.paths] or [project_file.parent]
    read = [root.resolve() for root in roots]
    if all(_covered(path.resolve(), read) for path in project_paths):
        return RunScope()
    return RunScope(
        complete=False,
        reason=(
            f"this run reads {_listed(roots)}, a part of the project "
            f"({_listed(project_paths)}, per {project_file})"
        ),
    )


def _covered(path: Path, read: Sequence[Path]) -> bool:
    return any(path == root or root in path.parents for root in read)


def _listed(paths: Sequence[Path]) -> str:
    return ", ".join(str(p) for p in paths)
