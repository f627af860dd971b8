"""What "the project" is, and whether a run reads all of it.

The project is defined by the j1sync.yaml a run uses (the one in the folder a PATH names
or holds, else in the nearest folder above it, else in the current folder): its `paths`
(relative to it) or, when it has none, the folder that holds it. A run is *complete* when
each of the project's paths is one of the run's paths or lies inside one of them.

Without a j1sync.yaml, j1sync knows only the paths it is given and what lies around them.
A run that names a file is a part of a project. A folder is a part of one when a folder
above it holds j1sync manifests outside of it: the folders between it and the current
folder (`manifests/questions` of `manifests/`), or, for the current folder itself or a
folder outside it, its parent (`j1sync plan .` run inside `manifests/questions`). What
lies around a project is not part of it: the search never goes above the root of the git
work tree a folder lies in, nor into a folder that is another project's (it holds a
j1sync.yaml or is a git work tree of its own).

Only a complete run prunes (deletes live objects that no manifest declares); any other run
reads a subset of the manifests, and what the rest declares must not look orphaned.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

from j1sync.manifest.discovery import is_hidden_name, is_manifest_name
from j1sync.manifest.document import ProjectConfig, RunScope
from j1sync.manifest.kind_scan import api_versions_written
from j1sync.manifest.project import PROJECT_FILE_NAMES
from j1sync.providers.registry import system_named

# How much of a file the scan for manifests outside a run reads.
_SCAN_BYTES = 64 * 1024


def run_scope(
    roots: Sequence[Path],
    project_file: Path | None,
    project: ProjectConfig,
    api_versions: Collection[str] = (),
) -> RunScope:
    """`api_versions`: those the run's manifests write. Manifests outside the run count
    only when they are of a system the run covers (an xyOps folder beside another
    system's leaves that system's run whole)."""
    if project_file is None:
        files = [root for root in roots if not root.is_dir()]
        if files:
            return RunScope(
                complete=False,
                reason=(
                    f"this run names a file ({_listed(files)}), not a folder, and no "
                    "j1sync.yaml says what the whole project is"
                ),
            )
        covered = {
            version
            for name in project.run_systems(api_versions)
            if (system := system_named(name)) is not None
            for version in system.api_versions
        }
        outside = _manifest_outside(roots, covered)
        if outside is None:
            return RunScope()
        return RunScope(
            complete=False,
            reason=(
                f"this run reads {_listed(roots)}, and {os.path.relpath(outside)} declares "
                "manifests outside it; no j1sync.yaml says what the whole project is "
                "(add one to the project's root folder to prune)"
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


def _manifest_outside(roots: Sequence[Path], versions: Collection[str]) -> Path | None:
    """A j1sync manifest file of one of `versions` in a folder around `roots` (see the
    module's docstring) that the run does not read, or None."""
    cwd = Path.cwd().resolve()
    read = [root.resolve() for root in roots]
    around: set[Path] = set()
    for root in read:
        between = [a for a in root.parents if cwd in a.parents]
        around.update(a for a in between or [root.parent] if _within_work_tree(a, root))
    for folder in sorted(around, key=lambda f: len(f.parts)):
        for path in _manifest_files(folder, read):
            if _declares_j1sync(path, versions):
                return path
    return None


def _manifest_files(folder: Path, skip: Sequence[Path]) -> Iterator[Path]:
    """Manifest-named files under `folder`, outside `skip` and hidden folders (links are
    not followed: this is a hint, never a reason to loop)."""
    for top, dirs, names in os.walk(folder):
        here = Path(top)
        dirs[:] = sorted(
            d
            for d in dirs
            if not is_hidden_name(d)
            and (here / d).resolve() not in skip
            and not _another_project(here / d)
        )
        for name in sorted(names):
            if is_manifest_name(name) and not is_hidden_name(name) and (here / name).is_file():
                yield here / name  # regular files only: opening a pipe would block


def _within_work_tree(folder: Path, root: Path) -> bool:
    """Whether `folder`, above `root`, is still in the git work tree `root` lies in (True
    when `root` is in none: then only j1sync.yaml says where a project ends)."""
    return not any((f / ".git").exists() for f in (root, *root.parents) if folder in f.parents)


def _another_project(folder: Path) -> bool:
    """A folder holding a project file or a git work tree (`.git`, a folder or, in a
    linked work tree or a submodule, a file): another project's, not this one's part."""
    return any((folder / name).exists() for name in (*PROJECT_FILE_NAMES, ".git"))


def _declares_j1sync(path: Path, versions: Collection[str]) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(_SCAN_BYTES)
    except OSError:
        return False
    found = (m[1].decode("ascii") for m in api_versions_written(head))
    return any(version in versions for version in found)
