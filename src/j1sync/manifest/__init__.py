"""j1sync.manifest: YAML manifests -> validated, located, interpolated models.

Public API: `load_manifests`, `load_project_file`, `format_github_annotation`. Each
system's manifest models live in its provider package (`j1sync.providers.<system>.models`).
"""

from j1sync.manifest.document import Manifest, ManifestSet, ProjectConfig
from j1sync.manifest.github import format_github_annotation
from j1sync.manifest.loader import load_manifests, load_project_config
from j1sync.manifest.project import default_paths, load_project_file

__all__ = [
    "Manifest",
    "ManifestSet",
    "ProjectConfig",
    "default_paths",
    "format_github_annotation",
    "load_manifests",
    "load_project_config",
    "load_project_file",
]
