"""load_manifests: files and folders -> one validated ManifestSet, or every problem at once."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

from j1sync.engine.sensitive import remember_sensitive
from j1sync.env_reference import ENV_REFERENCE
from j1sync.errors import ManifestError, ManifestProblem, SourceLocation
from j1sync.manifest.cross_checks import (
    LoadedManifest,
    alike_name_warnings,
    duplicate_problems,
    system_problems,
)
from j1sync.manifest.discovery import Discovery, discover
from j1sync.manifest.document import Manifest, ManifestSet, ProjectConfig
from j1sync.manifest.interpolation import STRING_TAG, resolve_document
from j1sync.manifest.model_base import ENV_STRINGS_CONTEXT
from j1sync.manifest.parse_ahead import NOT_PARSED, end_for, start_for
from j1sync.manifest.plain_yaml import PlainDocument, plain_load_all
from j1sync.manifest.project import (
    find_enclosing_project_file,
    find_project_file,
    load_project_file,
    naming_project_file,
    project_roots,
    run_roots,
)
from j1sync.manifest.scope import run_scope
from j1sync.manifest.validation_problems import (
    key_text,
    non_text_key_message,
    problems_from_validation,
)
from j1sync.manifest.yaml_source import (
    CORE_TAG_PREFIX,
    YamlDocument,
    document_at,
    format_field_path,
    locate,
    read_documents,
)
from j1sync.providers.registry import (
    System,
    all_api_versions,
    closest,
    closest_api_version,
    system_for_api_version,
    systems,
)

ENVELOPE_KEYS = ("apiVersion", "kind")
MANIFEST_KEYS = (*ENVELOPE_KEYS, "metadata", "spec")
NOT_A_MANIFEST = (
    "not a j1sync manifest (no apiVersion, kind, metadata or spec): every .yaml and .yml "
    "file under the run's paths is read as one; give the manifests' folder, or name it "
    "in j1sync.yaml's `paths`"
)
ALLOW_EMPTY_FLAG = "--allow-empty"

log = logging.getLogger("j1sync.manifest")


def load_manifests(
    paths: Sequence[str | Path],
    env: Mapping[str, str] | None = None,
    *,
    allow_empty: bool = False,
    discovery: Discovery | None = None,
    give_way: Callable[[], object] | None = None,
) -> ManifestSet:
    """Load, interpolate and validate every manifest under `paths` (files, or folders
    searched recursively for *.yaml/*.yml in sorted order; no paths = the defaults of
    ./j1sync.yaml, else "."). Raises ManifestError listing every problem of the run;
    paths that hold no manifest at all are one, unless `allow_empty`. What was passed
    over (discovery.py) is logged as warnings. `discovery`: what discover() found under
    `paths`, when the caller searched them already (kind_scan: one search per run).
    `give_way`, when given, is called before each file (the account's read, meanwhile on
    other threads, may want the interpreter lock: http/pacing.py)."""
    environment: Mapping[str, str] = os.environ if env is None else env
    roots = run_roots(paths)
    if discovery is None:
        discovery = discover(roots)
    for warning in discovery.warnings:
        log.warning("%s", warning)
    problems = list(discovery.problems)
    files = discovery.files
    project_file, project = _project_config(
        roots, environment, problems, naming_project_file(paths), say_warnings=True
    )
    problems.extend(nested_project_problems(discovery.project_files, project_file, roots))
    problems.extend(enclosed_project_problems(project_file))
    loaded: list[LoadedManifest] = []
    if discovery.ahead is not None and discovery.ahead.env is not environment:
        end_for(discovery)  # it resolves other variables: parse here
    start_for(discovery, environment)
    try:
        for index, path in enumerate(files):
            if give_way is not None:
                give_way()
            quick = _plain_manifests(path, environment, discovery, index)
            if quick is not None:  # every manifest of the file is valid: no positions needed
                loaded.extend(quick)
                continue
            documents, file_problems = read_documents(path, str(path), say_warnings=True)
            problems.extend(file_problems)
            for document in documents:
                manifest, document_problems = _build_manifest(document, environment)
                problems.extend(document_problems)
                if manifest is not None:
                    loaded.append(LoadedManifest(manifest, document))
    finally:
        end_for(discovery)
    discovery.contents.clear()  # the bytes of the files the helper parsed
    sensitive: dict[str, str] = {}
    for item in loaded:
        sensitive.update(item.manifest.sensitive)
    remember_sensitive(sensitive)  # before any problem that may quote one is said
    problems.extend(duplicate_problems(loaded))
    for alike in alike_name_warnings(loaded):
        log.warning("warning: %s", alike)
    problems.extend(system_problems(loaded))
    if not problems and not loaded and not allow_empty:
        problems.append(_empty_problem(roots))
    if problems:
        raise ManifestError(problems)
    manifests = tuple(item.manifest for item in loaded)
    return ManifestSet(
        manifests=manifests,
        project=project,
        sensitive=sensitive,
        scope=run_scope(roots, project_file, project, {m.api_version for m in manifests}),
    )


def _empty_problem(roots: Sequence[Path]) -> ManifestProblem:
    """No manifests: most likely a wrong path, and a plan of it deletes every managed
    object. Said before any account is read."""
    named = ", ".join(str(root) for root in roots)
    return ManifestProblem(
        None,
        f"no manifests found in {named}; with none, every managed object is one no "
        "manifest declares (a plan deletes them all, drift reports them all): pass "
        f"{ALLOW_EMPTY_FLAG} if that is what you mean",
    )


def load_project_config(
    paths: Sequence[str | Path], env: Mapping[str, str] | None = None
) -> ProjectConfig | None:
    """The j1sync.yaml settings that `load_manifests(paths)` will use (the account to read
    can be known before the manifests are loaded), or None when that file has problems:
    `load_manifests` reports them, with every other problem of the run."""
    environment: Mapping[str, str] = os.environ if env is None else env
    roots = run_roots(paths)
    problems: list[ManifestProblem] = []
    _, project = _project_config(roots, environment, problems, naming_project_file(paths))
    return None if problems else project


def _project_config(
    roots: Sequence[Path],
    env: Mapping[str, str],
    problems: list[ManifestProblem],
    named_by: Path | None = None,
    *,
    say_warnings: bool = False,
) -> tuple[Path | None, ProjectConfig]:
    """The run's j1sync.yaml and its settings: the one of the project the paths lie in
    (project.find_enclosing_project_file), else the one in the current folder. One whose
    `paths` the run reads (`named_by`) is the run's too: a folder it names that holds a
    j1sync.yaml of its own makes two, an error (its settings would silently replace the
    first's: its managed tag, what it prunes, its safety limits)."""
    found = {_identity(f): f for r in roots if (f := find_enclosing_project_file(r))}
    if named_by is not None and found:
        found.setdefault(_identity(named_by), named_by)
    if not found:
        fallback = find_project_file(Path("."))
        found = {_identity(fallback): fallback} if fallback else {}
    if len(found) > 1:
        names = ", ".join(str(f) for f in found.values())
        problems.append(
            ManifestProblem(
                SourceLocation(str(next(iter(found.values()))), 1, 1),
                f"more than one j1sync.yaml in this run ({names}); give one manifests root",
            )
        )
        for each in found.values():  # and each file's own problems, reported with it
            problems.extend(load_project_file(each, env, say_warnings=say_warnings)[1])
        return None, ProjectConfig()
    if not found:
        return None, ProjectConfig()
    project_file = next(iter(found.values()))
    config, config_problems = load_project_file(project_file, env, say_warnings=say_warnings)
    problems.extend(config_problems)
    return project_file, config


def nested_project_problems(
    found: Sequence[Path], project_file: Path | None, roots: Sequence[Path]
) -> list[ManifestProblem]:
    """A j1sync.yaml in a folder the run searches, other than the run's own: a project
    within the project. Its settings would be ignored here, and a run from its folder
    would take that folder for the whole project, and prune what the rest declares. (One
    in a folder the run was given is the run's, or `_project_config`'s "more than one".)"""
    own = None if project_file is None else _identity(project_file)
    given = {Path(os.path.realpath(root)) for root in roots}  # (a link that loops: as it is)
    if project_file is None:
        beside = "this run has none of its own"
    else:
        beside = f"this run's is {project_file}"
    return [
        ManifestProblem(
            SourceLocation(str(nested), 1, 1),
            f"a j1sync.yaml inside the folders this run reads ({beside}): its settings "
            "are not used here, and a run from its folder would take that folder for the "
            "whole project and delete what the others declare; keep one j1sync.yaml per "
            "project, or keep its folder out of this run",
        )
        for nested in found
        if _identity(nested) != own and Path(os.path.realpath(nested.parent)) not in given
    ]


def enclosed_project_problems(project_file: Path | None) -> list[ManifestProblem]:
    """The run's j1sync.yaml in a folder that another project, further up (within the
    same git repository), reads: two projects over one set of manifests, this run's
    pruning what only the other's declare (nested_project_problems, seen from below)."""
    if project_file is None:
        return []
    folder = _identity(project_file).parent
    if (folder / ".git").exists():  # a repository of its own
        return []
    outer = find_enclosing_project_file(folder.parent)
    if outer is None:
        return []
    if not any(root == folder or root in folder.parents for root in project_roots(outer)):
        return []
    return [
        ManifestProblem(
            SourceLocation(str(project_file), 1, 1),
            f"this project's folder is read by the project of {outer} too: its manifests "
            "are that project's, and this run would take them for a whole project and "
            "delete what the others declare; keep one j1sync.yaml per project (run from "
            f"{outer.parent}), or keep this folder out of that file's `paths`",
        )
    ]


def _identity(project_file: Path) -> Path:
    """The file `project_file` is, to count each once; a link that loops (which cannot be
    resolved) is its own: load_project_file reports that it cannot be read."""
    try:
        return project_file.resolve()
    except (OSError, RuntimeError):
        return project_file.parent.resolve() / project_file.name


def _build_manifest(
    document: YamlDocument, env: Mapping[str, str]
) -> tuple[Manifest | None, list[ManifestProblem]]:
    manifest, problems = _checked_manifest(document, env)
    if document.shadowed_keys:
        # a key told by the reader (`1:` beside `true:`) among those validation tells: in
        # the file's order
        problems.sort(key=lambda p: (p.location.line, p.location.column) if p.location else (0, 0))
    return manifest, problems


def _checked_manifest(
    document: YamlDocument, env: Mapping[str, str]
) -> tuple[Manifest | None, list[ManifestProblem]]:
    root = document.root
    if not isinstance(root, CommentedMap):
        return None, [
            ManifestProblem(
                document.start,
                "a manifest must be a mapping with apiVersion, kind, metadata and spec",
            )
        ]
    kind, name = _untagged(root.get("kind")), _raw_name(root)
    system = system_for_api_version(root.get("apiVersion"))
    address = _address(system, kind, name)
    problems = _envelope_problems(document, address, system)
    problems += [
        ManifestProblem(
            shadowed.location,
            non_text_key_message(shadowed.key),
            address,
            format_field_path((*shadowed.path, key_text(shadowed.key))),
        )
        for shadowed in document.shadowed_keys
    ]
    # an unknown apiVersion: the rest is still checked, against a system that has the kind
    system = system or next((s for s in systems() if kind in s.kinds), None)
    if system is None or not isinstance(kind, str) or kind not in system.kinds:
        return None, problems  # without a kind there is no model to check the rest against
    model = system.document_models[kind]
    spec = root.get("spec")
    # empty: null always, `{}` where the kind's spec must say something (may not be left out)
    if "spec" in root and not spec and (spec is None or model.model_fields["spec"].is_required()):
        problems.append(_at(document, ("spec",), "spec is empty", address))
    plain = resolve_document(document, env, address)
    remember_sensitive(plain.sensitive)  # its problems may quote one (load_manifests)
    problems.extend(plain.problems)
    try:
        parsed = model.model_validate(plain.data, context=_env_context(plain.sensitive))
    except ValidationError as exc:
        found = problems_from_validation(exc, document, model, address)
        reported = {p.field for p in problems}
        return None, problems + [p for p in found if not _already_reported(p, reported)]
    if problems:
        return None, problems
    return _manifest(document.start, system, kind, parsed, plain.sensitive), []


def _address(system: System | None, kind: Any, name: str | None) -> str | None:
    """How problems name the document: its engine address (`xyops.Event/x`) when its
    system is known."""
    if not isinstance(kind, str) or name is None:
        return None
    shown = system.engine_kind(kind) if system is not None and kind in system.kinds else kind
    return f"{shown}/{name}"


def _plain_manifests(
    path: Path, env: Mapping[str, str], discovery: Discovery, index: int
) -> list[LoadedManifest] | None:
    """The quick road (plain_yaml): the file's manifests when each of them is valid as it
    stands; else None, and the file takes the round-trip road, which finds and locates
    every problem. Only the cross-document checks may still need positions: the file is
    then read again for them. `index`: the file's place in `discovery`, whose helper
    process (parse_ahead) may have parsed it."""
    display = str(path)
    documents = NOT_PARSED if discovery.ahead is None else discovery.ahead.take(index)
    if documents is NOT_PARSED:
        try:
            text = discovery.read_text(path)  # the bytes the kind scan read, if it did
        except (OSError, UnicodeDecodeError):
            return None
        documents = plain_load_all(text, env)
    if documents is None:
        return None
    loaded = []
    for document in documents:
        start = SourceLocation(display, document.line, document.column)
        manifest = _plain_manifest(document, start)
        if manifest is None:
            return None
        source = functools.partial(_document_again, document.index, start)
        loaded.append(LoadedManifest(manifest, source))
    return loaded


def _plain_manifest(document: PlainDocument, start: SourceLocation) -> Manifest | None:
    """The manifest when the round-trip road would report no problem for it, else None."""
    root = document.data
    kind = root.get("kind")
    system = system_for_api_version(root.get("apiVersion"))
    if system is None or not isinstance(kind, str) or kind not in system.kinds:
        return None
    if "spec" in root and not root["spec"]:
        return None
    try:
        parsed = system.document_models[kind].model_validate(
            root, context=_env_context(document.sensitive)
        )
    except ValidationError:
        return None
    return _manifest(start, system, kind, parsed, document.sensitive)


def _document_again(index: int, start: SourceLocation) -> YamlDocument:
    """A manifest's round-trip document, read again (to locate a cross-document problem of
    a manifest that took the quick road; yaml_source.document_at reads it alone)."""
    found = document_at(start)
    # the file changed since: at least the manifest's start is still right
    return found or YamlDocument(start.file, index, CommentedMap(), start)


def _manifest(
    source: SourceLocation,
    system: System,
    kind: str,
    parsed: BaseModel,
    sensitive: dict[str, str],
) -> Manifest:
    """The validated document as the engine sees it: `kind` is the engine kind."""
    name: str = parsed.metadata.name  # type: ignore[attr-defined]
    spec: BaseModel = parsed.spec  # type: ignore[attr-defined]
    _share_fields_sets(spec)
    return Manifest(
        api_version=parsed.apiVersion,  # type: ignore[attr-defined]
        kind=system.engine_kind(kind),
        name=name,
        spec=spec,
        source=source,
        sensitive=sensitive,
    )


# Pydantic keeps, per model, the set of fields its input gave (for exclude_unset): a set
# of ~200 bytes for each of the ~4 models of a manifest, ~20 MB at 20,000 manifests. A
# frozen model never changes its set, so the models given the same fields share one.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
_FIELDS_SET = "__pydantic_fields_set__"


def _share_fields_sets(model: BaseModel) -> None:
    if model.model_config.get("frozen"):
        given = model.model_fields_set
        object.__setattr__(model, _FIELDS_SET, _FIELDS_SETS.setdefault(frozenset(given), given))
    for value in model.__dict__.values():
        if isinstance(value, BaseModel):
            _share_fields_sets(value)
        elif type(value) is list:
            for item in value:
                if isinstance(item, BaseModel):
                    _share_fields_sets(item)


def _env_context(sensitive: Mapping[str, str]) -> dict[str, Any]:
    """What a model may ask of where its values came from: the strings from `${env:…}`
    (a secret Parameter's value must be one)."""
    return {ENV_STRINGS_CONTEXT: frozenset(sensitive)}


def _raw_name(root: CommentedMap) -> str | None:
    metadata = root.get("metadata")
    name = _untagged(metadata.get("name")) if isinstance(metadata, CommentedMap) else None
    return str(name) if isinstance(name, str) else None


def _envelope_problems(
    document: YamlDocument, address: str | None, system: System | None
) -> list[ManifestProblem]:
    """apiVersion and kind, checked before the model so the message can say what is valid:
    the apiVersion names a registered system (providers/registry.py), the kind is one of
    that system's (of any system's when the apiVersion is unknown)."""
    root: CommentedMap = document.root
    if not any(key in root for key in MANIFEST_KEYS):  # a docker-compose.yml, a CI file
        return [ManifestProblem(document.start, NOT_A_MANIFEST)]
    problems = []
    kind = _untagged(root.get("kind"))
    elsewhere = [s for s in systems() if s is not system and kind in s.kinds]
    owners = " or ".join(f"{s.title} (apiVersion: {s.api_version})" for s in elsewhere)
    for key in ENVELOPE_KEYS:
        if key not in root:
            message = f"required field '{key}' is missing"
            if key == "apiVersion" and elsewhere:  # `kind: Tag` alone: say whose it is
                message += f"; {_shown(kind)} is a kind of {owners}"
            problems.append(_at(document, (key,), message, address))
    if "apiVersion" in root and system is None:
        message = _api_version_problem(root["apiVersion"])
        problems.append(_at(document, ("apiVersion",), message, address))
    kinds = list(_candidate_kinds(system, api_version_given="apiVersion" in root))
    known = "apiVersion" not in root and elsewhere  # a kind, under the apiVersion missing
    if "kind" in root and kind not in kinds and not known:
        near = closest(str(kind), kinds)
        hint = f"did you mean '{near}'?" if near else f"expected one of {', '.join(kinds)}"
        if system is not None and elsewhere:
            # `kind: Label` under xyOps's apiVersion: another system's kind
            hint = f"{_shown(kind)} is a kind of {owners}"
        problems.append(_at(document, ("kind",), f"unknown kind {_shown(kind)}; {hint}", address))
    return problems


def _api_version_problem(written: Any) -> str:
    """Why an apiVersion names no system, and what to write instead."""
    expected = f"expected one of {', '.join(all_api_versions())}"
    if isinstance(written, TaggedScalar):
        # the run finds its systems in the apiVersion lines' text (kind_scan), untagged
        value = str(written.value)
        meant = value if system_for_api_version(value) else closest_api_version(value)
        return (
            f"apiVersion {value!r} is written with the YAML tag {_tag(written)}, which j1sync "
            "does not read there (a run finds each document's system from the text of its "
            "apiVersion line); " + (f"write `apiVersion: {meant}`" if meant else expected)
        )
    if written is None:
        return f"apiVersion is empty; {expected}"
    if isinstance(written, (CommentedMap, CommentedSeq)):
        what = "a mapping" if isinstance(written, CommentedMap) else "a list"
        return f"apiVersion must be a string, not {what}; {expected}"
    near = closest_api_version(written) if isinstance(written, str) else None
    hint = f"did you mean '{near}'?" if near else expected
    return f"unknown apiVersion {_shown(written)}; {hint}"


def _untagged(value: Any) -> Any:
    """`kind: !!str Tag` as the model reads it (interpolation): the string."""
    if isinstance(value, TaggedScalar) and str(value.tag) == STRING_TAG:
        return str(value.value)
    return value


def _tag(node: TaggedScalar) -> str:
    """A tag as a manifest writes it: `!!str`, `!custom`."""
    tag = str(node.tag)
    return "!!" + tag.removeprefix(CORE_TAG_PREFIX) if tag.startswith(CORE_TAG_PREFIX) else tag


def _candidate_kinds(system: System | None, api_version_given: bool) -> tuple[str, ...]:
    """The kinds a document may have: its system's; without an apiVersion, the first
    system's (which is what a document without one most likely means);
    under an unknown apiVersion, every system's."""
    if system is not None:
        return system.kinds
    if not api_version_given:
        return systems()[0].kinds
    return tuple(dict.fromkeys(kind for each in systems() for kind in each.kinds))


def _shown(value: Any) -> str:
    return repr(str(value)) if isinstance(value, str) else str(value)


def _at(
    document: YamlDocument, path: tuple[str, ...], message: str, address: str | None
) -> ManifestProblem:
    located = locate(document, path, at_value=True)
    return ManifestProblem(located.location, message, address, ".".join(map(str, path)))


def _already_reported(problem: ManifestProblem, reported: set[str | None]) -> bool:
    """Drop pydantic's echo of what the envelope and empty-spec checks already said."""
    field = problem.field or ""
    return any(r and (field == r or field.startswith(f"{r}.")) for r in reported)


def manifest_files(paths: Sequence[str | Path]) -> list[tuple[Path, bytes]]:
    """Each manifest file a run over `paths` reads, in the run's order, with its bytes
    (empty when it cannot be read): read once for `declared_env_references` and
    `manifests_digest` alike."""
    found = []
    for path in discover(run_roots(paths)).files:
        try:
            content = path.read_bytes()
        except OSError:
            content = b""
        found.append((path, content))
    return found


def declared_env_references(files: Iterable[tuple[Path, bytes]]) -> set[str]:
    """The `${env:NAME}` names written in the manifest `files` (`manifest_files`), read
    as text (no variable needs to be set): what `apply --plan` lets a saved plan refer to."""
    names: set[str] = set()
    for _, content in files:
        try:
            names.update(ENV_REFERENCE.findall(content.decode("utf-8")))
        except UnicodeDecodeError:
            continue
    return names


def manifests_digest(files: Iterable[tuple[Path, bytes]]) -> str:
    """SHA-256 over the manifest `files` (`manifest_files`), each one's path as found and
    its bytes (a file that cannot be read counts as its name alone): a saved plan records
    it, and `apply --plan` tells the manifests it finds from those the plan was made from."""
    digest = hashlib.sha256()
    for path, content in files:
        name = str(path).encode("utf-8", "surrogateescape")
        digest.update(b"%d:%s%d:" % (len(name), name, len(content)))
        digest.update(content)
    return digest.hexdigest()
