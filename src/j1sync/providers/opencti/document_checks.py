"""OpenCTI's checks across its manifests, needing no platform (System.extras
"document_problems": validate and plan alike): two manifests whose names OpenCTI takes
for one object (a Label `phishing` and `Phishing`: it folds case and outer spaces), which
the plan would also refuse (kinds_base.OpenCtiKind.folded_name_problems, with the live
objects beside them). Only kinds whose key is their folded name alone are checked here;
a kind whose key reads its state too is left to the plan."""

from __future__ import annotations

from collections.abc import Sequence

from j1sync.errors import ManifestProblem
from j1sync.manifest.cross_checks import LoadedManifest, problem_at
from j1sync.manifest.yaml_source import locate
from j1sync.providers.opencti.keys import normalize_name
from j1sync.providers.opencti.kinds_base import OpenCtiKind
from j1sync.providers.opencti.models import KIND_CLASSES
from j1sync.providers.opencti.settings import NAME as SYSTEM
from j1sync.providers.registry import system_named

NAME = ("metadata", "name")


def document_problems(loaded: Sequence[LoadedManifest]) -> list[ManifestProblem]:
    system = system_named(SYSTEM)
    assert system is not None
    folded = {
        system.engine_kind(kind): cls
        for kind, cls in KIND_CLASSES.items()
        if cls.name_folded and cls.platform_key is OpenCtiKind.platform_key
    }
    first: dict[tuple[str, str], LoadedManifest] = {}
    problems: list[ManifestProblem] = []
    for item in loaded:
        cls = folded.get(item.manifest.kind)
        if cls is None:
            continue
        seen = first.setdefault((item.manifest.kind, normalize_name(item.manifest.name)), item)
        if seen is item or seen.manifest.name == item.manifest.name:
            continue  # the same name twice: the loader's duplicate check says it
        where = locate(seen.document, NAME, at_value=True).location
        problems.append(
            problem_at(
                item,
                NAME,
                f"OpenCTI takes '{item.manifest.name}' and '{seen.manifest.name}' ({where}) "
                f"for one {cls.kind_name} ({cls.folding}): declare it once",
            )
        )
    return problems
