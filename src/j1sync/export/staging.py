"""An export's files written all at once, or not at all.

They are written aside first, in a hidden folder inside the output folder (the loader
skips hidden folders; the same file system, so moving a file is one rename), and moved
into place once every one is written. An export stopped while it writes (Ctrl-C, a full
disk) leaves the folder as it was: not some of the manifests, the last one cut in the
middle, whose plan would delete every tagged object the missing files declare. Moving
them takes milliseconds; a stop signal waits until it is done."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from j1sync.interrupts import signals_held

STAGING_PREFIX = ".j1sync-export-"

# A folder's files (relative POSIX paths) and when each was last written (st_mtime_ns).
FolderState = dict[str, int]


def folder_state(out_dir: Path) -> FolderState:
    """The files in `out_dir` and when each was last written. Hidden folders are not
    looked into (an export's own, a .git): no manifest is read from them."""
    state: FolderState = {}
    for top, dirs, names in os.walk(out_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            path = Path(top, name)
            try:
                state[path.relative_to(out_dir).as_posix()] = path.lstat().st_mtime_ns
            except OSError:  # gone meanwhile
                continue
    return state


@dataclass
class StagedFiles:
    """Files written below `root` (hidden, inside `out_dir`), to be moved to the same
    place below `out_dir`; `made` the folders the export made (removed again when it is
    abandoned)."""

    out_dir: Path
    root: Path
    files: list[PurePosixPath] = field(default_factory=list)
    made: list[Path] = field(default_factory=list)
    moved: list[Path] = field(default_factory=list)  # into place, so far

    def write(self, relative: PurePosixPath, text: str, errors: str = "strict") -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", errors=errors)
        self.files.append(relative)

    def changed_since(self, before: FolderState) -> list[Path]:
        """The files of the output folder written, added or removed since `before` (its
        state when the export checked it): by another export into the same folder while
        this one ran."""
        now = folder_state(self.out_dir)
        changed = {p for p, written in now.items() if before.get(p) != written}
        changed |= before.keys() - now.keys()
        return [self.out_dir / p for p in sorted(changed)]

    def blocked(self) -> list[str]:
        """Why some file cannot be moved into place (a folder, or a file where a folder
        must be): said before any is moved."""
        problems = []
        for relative in self.files:
            target = self.out_dir / relative
            if target.is_dir() and not target.is_symlink():
                problems.append(f"{target} is a folder")
            for parent in target.parents:
                if parent == self.out_dir:
                    break
                if (parent.exists() or parent.is_symlink()) and not parent.is_dir():
                    link = dangling_link(parent)
                    problems.append(f"{parent} is not a folder" + (f": {link}" if link else ""))
                    break
        return list(dict.fromkeys(problems))

    def publish(self) -> list[Path]:
        """Move every file into place; a stop signal waits until all are."""
        with signals_held():
            for relative in self.files:
                target = self.out_dir / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.root / relative, target)
                self.moved.append(target)
        shutil.rmtree(self.root, ignore_errors=True)
        return list(self.moved)

    def abandon(self) -> None:
        """Remove what was written aside, and the folders the export made when empty."""
        shutil.rmtree(self.root, ignore_errors=True)
        _remove_empty(self.made)


def dangling_link(path: Path) -> str | None:
    """`a link to X, which does not exist` for a link to nothing; else None."""
    if not path.is_symlink() or path.exists():
        return None
    return f"a link to {os.readlink(path)}, which does not exist"


def staged(out_dir: Path) -> StagedFiles:
    """A hidden folder to write into, inside `out_dir` (made, and its missing parents)."""
    made = [folder for folder in [*reversed(out_dir.parents), out_dir] if not folder.exists()]
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        root = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    except BaseException:
        _remove_empty(made)
        raise
    return StagedFiles(out_dir, root, made=made)


def _remove_empty(made: list[Path]) -> None:
    """The folders in `made` (parents first), deepest first, while they are empty."""
    for folder in reversed(made):
        try:
            folder.rmdir()
        except OSError:
            break  # not empty, or gone: leave it and those above it
