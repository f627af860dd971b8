"""j1sync.manifest: YAML manifests -> validated, located, interpolated models.

Public API: `load_manifests`, the spec models, `KINDS`, `format_github_annotation`.
"""

from j1sync.manifest.document import Manifest, ManifestSet, ProjectConfig
from j1sync.manifest.github import format_github_annotation
from j1sync.manifest.loader import load_manifests, load_project_config
from j1sync.manifest.models import (
    API_VERSION,
    KINDS,
    AlertRuleSpec,
    IamGroupSpec,
    IntegrationScheduleSpec,
    QuestionSpec,
    manifest_json_schema,
)
from j1sync.manifest.project import default_paths, load_project_file

__all__ = [
    "API_VERSION",
    "KINDS",
    "AlertRuleSpec",
    "IamGroupSpec",
    "IntegrationScheduleSpec",
    "Manifest",
    "ManifestSet",
    "ProjectConfig",
    "QuestionSpec",
    "default_paths",
    "format_github_annotation",
    "load_manifests",
    "load_project_config",
    "load_project_file",
    "manifest_json_schema",
]
