"""The optional project file `j1sync.yaml`: not a manifest, but validated like one."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import Field, ValidationError

from j1sync.errors import ManifestProblem
from j1sync.manifest.document import (
    DEFAULT_MANAGED_TAG,
    SAFETY_MAX_CHANGE_PERCENT,
    SAFETY_MIN_OBJECTS,
    ProjectConfig,
)
from j1sync.manifest.interpolation import resolve_document
from j1sync.manifest.models.common import NonBlank, StrictModel
from j1sync.manifest.validation_problems import problems_from_validation
from j1sync.manifest.yaml_source import read_documents

PROJECT_FILE_NAMES = ("j1sync.yaml", "j1sync.yml")


class SafetyFile(StrictModel):
    """A plan is blocked when a kind has at least `minObjects` managed objects and more
    than `maxChangePercent` of them would be deleted or updated."""

    minObjects: int = Field(default=SAFETY_MIN_OBJECTS, ge=0)
    maxChangePercent: float = Field(default=SAFETY_MAX_CHANGE_PERCENT, gt=0, le=100)


class PruneFile(StrictModel):
    """Kind -> delete live objects that have no manifest. A model, not a map, so that a
    misspelt kind is an unknown key with a "did you mean"."""

    Question: bool | None = None
    AlertRule: bool | None = None
    IamGroup: bool | None = None
    IntegrationSchedule: bool | None = None
    ResourceGroup: bool | None = None
    Parameter: bool | None = None
    Dashboard: bool | None = None


class ProjectFile(StrictModel):
    """j1sync.yaml. Never holds the API key (JUPITERONE_API_KEY is read from the env)."""

    managedTag: NonBlank = DEFAULT_MANAGED_TAG
    account: NonBlank | None = None
    region: NonBlank | None = None
    paths: list[NonBlank] = Field(
        default_factory=list, description="Manifest folders/files, relative to this file."
    )
    prune: PruneFile = Field(
        default_factory=PruneFile,
        description="Kind -> delete live objects that have no manifest.",
    )
    safety: SafetyFile = Field(default_factory=SafetyFile)


def find_project_file(folder: Path) -> Path | None:
    for name in PROJECT_FILE_NAMES:
        candidate = folder / name
        if candidate.exists():  # a folder or pipe of that name is an error, not absent
            return candidate
    return None


def find_enclosing_project_file(path: Path) -> Path | None:
    """The j1sync.yaml of the project `path` lies in: in the folder `path` names (or holds
    the file `path`), else in the nearest folder above it, up to the root of its git
    repository (the folder holding `.git`) or of the file system."""
    folder = (path if path.is_dir() else path.parent).resolve()
    for candidate in (folder, *folder.parents):
        found = find_project_file(candidate)
        if found is not None:
            return _shown(found)
        if (candidate / ".git").exists():
            return None
    return None


def _shown(path: Path) -> Path:
    """`path` relative to the current folder when it lies in it (as the user wrote paths)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def load_project_file(
    path: Path, env: Mapping[str, str] | None = None
) -> tuple[ProjectConfig, list[ManifestProblem]]:
    """Read and validate j1sync.yaml; on problems, the defaults come back with them."""
    display = str(path)
    documents, problems = read_documents(path, display)
    if problems:
        return ProjectConfig(), problems
    if not documents:
        return ProjectConfig(), []
    if len(documents) > 1:
        return ProjectConfig(), [
            ManifestProblem(documents[1].start, "j1sync.yaml must hold a single document")
        ]
    document = documents[0]
    plain = resolve_document(document, os.environ if env is None else env, "j1sync.yaml")
    if plain.problems:
        return ProjectConfig(), plain.problems
    try:
        parsed = ProjectFile.model_validate(plain.data)
    except ValidationError as exc:
        return ProjectConfig(), problems_from_validation(exc, document, ProjectFile, "j1sync.yaml")
    folder = path.parent
    config = ProjectConfig(
        managed_tag=parsed.managedTag,
        account=parsed.account,
        region=parsed.region,
        prune=parsed.prune.model_dump(exclude_none=True),
        safety_min_objects=parsed.safety.minObjects,
        safety_max_change_fraction=parsed.safety.maxChangePercent / 100,
        paths=tuple(_relative_to(folder, p) for p in parsed.paths),
    )
    return config, []


def _relative_to(folder: Path, entry: str) -> str:
    if Path(entry).is_absolute() or folder == Path("."):
        return entry
    return str(folder / entry)


def default_paths(cwd: Path | None = None) -> list[str]:
    """What commands read when given no PATH: j1sync.yaml's `paths` in the current folder,
    else the current folder itself. A broken j1sync.yaml falls back to "." so that the
    loader, which validates it again, reports its problems."""
    folder = cwd or Path(".")
    project_file = find_project_file(folder)
    if project_file is not None:
        config, problems = load_project_file(project_file)
        if not problems and config.paths:
            return list(config.paths)
    return [str(folder)]
