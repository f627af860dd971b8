"""Which files a run reads: the manifest files under the given paths (symbolic links
followed, each folder once), and what was passed over that a person would expect to be
read, so that nothing is left out without a word.

A folder is searched recursively; names that start with "." (`.git`, `.j1sync`) and the
project file are passed over in silence. A file whose name ends in `.yaml` or `.yml` is a
manifest file. Reported as warnings, and not read:

- a file whose name looks like a manifest's but is not one (*lookalike*): a suffix
  `.yaml`, `.yml` or `.json` in any letter case that is not the last suffix or not lower
  case (`rule.YAML`, `rule.yml.bak`, `rule.yaml~`, `rule.json`);
- a symbolic link to a folder that contains it (a loop): its files are read once.

Problems (the run stops, as for a file that cannot be read): a folder that cannot be read,
and a symbolic link that cannot be followed (missing target, or a chain of links that
loops). Passed over, what they hold would count as deleted: a plan over the whole project
deletes the managed objects no manifest it read declares.
"""

from __future__ import annotations

import errno
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from j1sync.errors import ManifestProblem, SourceLocation
from j1sync.manifest.project import PROJECT_FILE_NAMES

if TYPE_CHECKING:
    from j1sync.manifest.parse_ahead import ParseAhead

MANIFEST_SUFFIXES = (".yaml", ".yml")
LOOKALIKE_SUFFIXES = (".yaml", ".yml", ".json")

LOOKALIKE_REASON = (
    "skipped: the name looks like a manifest's, but only files ending in .yaml or .yml are read"
)

NOT_A_FILE_REASON = "skipped: not a regular file (a pipe, socket or device)"
PROJECT_FILE_GIVEN = (
    "this is the project file, not a manifest: every command reads it by itself, from "
    "the folder of the paths it is given (or the current one), and validate checks it; "
    "give its folder, or no path to read its `paths`"
)

FolderId = tuple[int, int]  # (st_dev, st_ino): one folder, whatever the path to it


@dataclass(frozen=True)
class SkippedPath:
    """A warning: something under the given paths that the run does not read, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"warning: {self.path}: {self.reason}"


# A file found: its path as text (what str() of its Path gives), and its folder and name
# to make that Path from (a file given by name: its Path and "").
FoundFile = tuple[str, Path, str]


@dataclass
class Discovery:
    """What a search found: the files to read, in order (`found`; `files` their Paths,
    `texts` their paths as text), the problems and the warnings. The kind scan reads the
    files by their text and keeps each one's bytes in `contents` for the load: a Path
    costs more to make, print and hash than its file costs to read, so the Paths are
    made when the load first asks for `files`."""

    found: list[FoundFile] = field(default_factory=list)
    problems: list[ManifestProblem] = field(default_factory=list)
    warnings: list[SkippedPath] = field(default_factory=list)
    # Files already read (kind_scan reads each one), by path text: the load takes each
    # file's bytes from here, once, instead of opening it again.
    contents: dict[str, bytes] = field(default_factory=dict)
    # The helper process parsing these files for the load (parse_ahead.py), while it runs.
    ahead: ParseAhead | None = field(default=None, compare=False)
    # Project files (j1sync.yaml) in the folders searched: the load refuses any but the
    # run's own (loader.nested_project_problems)
    project_files: list[Path] = field(default_factory=list)

    @functools.cached_property
    def files(self) -> list[Path]:
        return [folder / name if name else folder for _, folder, name in self.found]

    @property
    def texts(self) -> list[str]:
        return [text for text, _, _ in self.found]

    def read_text(self, path: Path) -> str:
        """`path`'s text as `Path.read_text(encoding="utf-8")` gives it (line breaks
        made "\\n"), from the bytes already read when there are any (handed over once)."""
        data = self.contents.pop(str(path), None)
        return path.read_text(encoding="utf-8") if data is None else decoded(data)


def decoded(data: bytes) -> str:
    """A file's bytes as `Path.read_text(encoding="utf-8")` gives its text (line breaks
    made "\\n"). Raises UnicodeDecodeError."""
    text = data.decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def is_hidden_name(name: str) -> bool:
    """A name passed over in silence (`.git`, `.j1sync`), file or folder."""
    return name.startswith(".")


def is_manifest_name(name: str) -> bool:
    return name.endswith(MANIFEST_SUFFIXES) and name not in PROJECT_FILE_NAMES


def is_lookalike_name(name: str) -> bool:
    """Not a manifest file name, but one a person may have meant as one."""
    if is_manifest_name(name) or name.lower() in PROJECT_FILE_NAMES:
        return False
    suffixes = [s.lower().rstrip("~") for s in Path(name).suffixes]
    return any(s in LOOKALIKE_SUFFIXES for s in suffixes)


def read_by_a_run(roots: Sequence[Path], path: Path) -> bool:
    """Whether a run over `roots` reads `path`, there or not yet: a file given by name, a
    manifest file in a folder under a root (none of the folders hidden), or a project
    file (a file written there, `plan --out`, would replace a manifest or be read as one
    by the next run)."""
    if path.name in PROJECT_FILE_NAMES:
        return True
    real = Path(os.path.realpath(path))
    for root in roots:
        real_root = Path(os.path.realpath(root))
        if real == real_root:
            return True
        if not (is_manifest_name(path.name) and root.is_dir()):
            continue
        try:
            below = real.relative_to(real_root)
        except ValueError:
            continue
        if not any(is_hidden_name(part) for part in below.parts):
            return True
    return False


def discover(roots: Sequence[Path]) -> Discovery:
    """The manifest files under `roots` (files given by name are read whatever their
    name), each once, in the order of the roots and sorted within each folder."""
    found = Discovery()
    seen: set[str] = set()  # real paths: "." and "./questions" name files twice
    for root in roots:
        if root.is_dir():
            candidates = _folder_files(root, found)
        elif root.name in PROJECT_FILE_NAMES:
            # read as a manifest it was "required field 'apiVersion' is missing"
            found.problems.append(
                ManifestProblem(SourceLocation(str(root), 1, 1), PROJECT_FILE_GIVEN)
            )
            continue
        elif root.is_file():
            candidates = [((str(root), root, ""), os.path.realpath(root))]
        elif root.exists():
            found.problems.append(
                ManifestProblem(SourceLocation(str(root), 1, 1), NOT_A_FILE_REASON.split(": ")[1])
            )
            continue
        elif root.is_symlink():
            found.problems.append(ManifestProblem(None, f"{root}: {_broken_link(str(root))}"))
            continue
        else:
            found.problems.append(ManifestProblem(None, f"{root}: no such file or directory"))
            continue
        for candidate, real in candidates:
            if real not in seen:
                seen.add(real)
                found.found.append(candidate)
    return found


def _folder_files(root: Path, found: Discovery) -> list[tuple[FoundFile, str]]:
    """The manifest files under `root` with their real paths. Only folders and symbolic
    links are resolved (a plain file's real path is its folder's and its name), so a
    folder of ten thousand files costs ten thousand directory entries, not ten thousand
    path resolutions."""
    # (sort key, file, real path): the key is the parts below root joined by NUL, which no
    # name holds, so strings sort as the tuples of parts would (a folder's files at its
    # place among its neighbours), at a string comparison's cost
    files: list[tuple[str, FoundFile, str]] = []
    warnings: list[SkippedPath] = []
    visited: set[FolderId] = set()
    # (folder, its parts below root as a key prefix, the folders it lies in by id -> path):
    # the last for loop detection
    stack: list[tuple[Path, str, dict[FolderId, Path]]] = [(root, "", {})]
    while stack:
        folder, prefix, ancestors = stack.pop()
        identity = _folder_id(folder)
        if identity in visited:  # two links to one folder: its files are read once
            continue
        visited.add(identity)
        inside = {**ancestors, identity: folder}
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            why = f"cannot read this folder ({exc.strerror})"
            found.problems.append(_unread_problem(str(folder), why, "make it readable"))
            continue
        real_folder = os.path.join(os.path.realpath(folder), "")  # ends with the separator
        shown = str(folder)
        shown_folder = "" if shown == "." else os.path.join(shown, "")  # str(folder / name)
        for entry in entries:
            name = entry.name
            if is_hidden_name(name):
                continue
            link = entry.is_symlink()
            if link and not _follows(entry.path):
                why = _broken_link(entry.path)
                found.problems.append(_unread_problem(str(folder / name), why, "fix the link"))
            elif entry.is_dir():
                path = folder / name
                loop = inside.get(_folder_id(path))
                above = None
                if loop is None and link:  # a link to a folder that holds the run's root
                    target = os.path.realpath(entry.path)
                    above = target if real_folder.startswith(os.path.join(target, "")) else None
                if loop is not None or above is not None:
                    read = "which is read once" if above is None else "which holds it"
                    warnings.append(
                        SkippedPath(
                            str(path),
                            f"skipped: symbolic link loop (leads back to {loop or above}, {read})",
                        )
                    )
                else:
                    stack.append((path, f"{prefix}{name}\0", inside))
            elif entry.is_file() and is_manifest_name(name):
                real = os.path.realpath(entry.path) if link else real_folder + name
                files.append((prefix + name, (shown_folder + name, folder, name), real))
            elif name in PROJECT_FILE_NAMES and entry.is_file():
                found.project_files.append(folder / name)
            elif entry.is_file() and is_lookalike_name(name):
                warnings.append(SkippedPath(str(folder / name), LOOKALIKE_REASON))
            elif not entry.is_file() and (is_manifest_name(name) or name in PROJECT_FILE_NAMES):
                # a FIFO, socket or device named like a manifest: never opened (a FIFO
                # would block the run), never passed over in silence
                warnings.append(SkippedPath(str(folder / name), NOT_A_FILE_REASON))
    files.sort(key=_sort_key)
    found.warnings.extend(sorted(warnings, key=lambda w: w.path))
    return [(file, real) for _, file, real in files]


def _sort_key(file: tuple[str, FoundFile, str]) -> str:
    return file[0]


def _unread_problem(path: str, why: str, remedy: str) -> ManifestProblem:
    """A part of the run that cannot be read: an error, never a warning, for the manifests
    in it would count as deleted."""
    return ManifestProblem(
        None,
        f"{path}: {why}: the manifests it holds would count as deleted, and a plan over "
        f"the whole project would delete their objects; {remedy}, or remove it",
    )


def _broken_link(link: str) -> str:
    """Why the symbolic link at `link` cannot be followed, naming its target."""
    target = os.readlink(link)
    try:
        os.stat(link)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"symbolic link to {target} cannot be followed: the links loop"
    return f"symbolic link to {target} cannot be followed: its target does not exist"


def _follows(link: str) -> bool:
    try:
        os.stat(link)
    except OSError:
        return False
    return True


def _folder_id(folder: Path) -> FolderId:
    stat = folder.stat()
    return (stat.st_dev, stat.st_ino)
