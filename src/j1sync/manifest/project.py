"""The optional project file `j1sync.yaml`: not a manifest, but validated like one."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from j1sync.env_reference import ENV_MARKER
from j1sync.errors import ManifestProblem, SourceLocation
from j1sync.manifest.document import (
    DEFAULT_MANAGED_TAG,
    SAFETY_MAX_CHANGE_PERCENT,
    SAFETY_MIN_OBJECTS,
    ProjectConfig,
    ownership_mark,
)
from j1sync.manifest.interpolation import resolve_document
from j1sync.manifest.model_base import NonBlank, ObjectName, StrictModel, rule_error
from j1sync.manifest.validation_problems import problems_from_validation
from j1sync.manifest.yaml_source import YamlDocument, locate, read_documents
from j1sync.providers.registry import System, closest, system_named, systems

PROJECT_FILE_NAMES = ("j1sync.yaml", "j1sync.yml")
# The settings a value from the environment (`${env:NAME}`, text) may be written in.
ENV_SETTINGS = ("account", "region", "managedTag", "a section's url", "a paths entry")
# j1sync.yaml holds a few settings; it is read on the located road (yaml_source), a few
# seconds a megabyte, by every command: a bigger one is refused, not read for minutes.
MAX_PROJECT_FILE_BYTES = 1 << 20


class SafetyFile(StrictModel):
    """A plan is blocked when a kind has at least `minObjects` managed objects and more
    than `maxChangePercent` of them would be deleted or updated (0: any delete or update
    needs --force)."""

    minObjects: int = Field(default=SAFETY_MIN_OBJECTS, ge=0)
    maxChangePercent: float = Field(default=SAFETY_MAX_CHANGE_PERCENT, ge=0, le=100)


class TargetSection(StrictModel):
    """The key of every system's target: the ownership marker (`prune`, whose keys are
    the system's kinds, and `safety` follow: `_section_model`)."""

    # a tag or marker line, compared as written: outer spaces would be trimmed on the way
    # (a marker line) or kept (a tag), and every plan would adopt the objects again
    managedTag: ObjectName = DEFAULT_MANAGED_TAG


class UrlTarget(StrictModel):
    """The connection key of a system that declares none of its own (System.settings_model)."""

    url: NonBlank | None = None


def prune_model(system: System) -> type[StrictModel]:
    """Kind -> delete live objects that have no manifest, for the kinds of one system whose
    prune policy is "opt-in" (the system's extras `prune_policies`; every kind when it
    gives none). A model, not a map, so that a misspelt kind is an unknown key with a "did
    you mean". A kind pruned by its ownership marker, or never, is an error at its line
    saying so: `AlertRule: false` must not be read as "keep them" and the rules deleted
    anyway."""
    policies: Mapping[str, str] = system.extras.get("prune_policies", {})
    settable = [kind for kind in system.kinds if policies.get(kind, "opt-in") == "opt-in"]
    refusals = {
        kind: f"{kind} takes no prune setting: {_what_deletes(system, kind, policies[kind])} "
        f"(the kinds prune takes: {', '.join(settable) or 'none'})"
        for kind in system.kinds
        if kind not in settable
    }

    def refusal(key: Any) -> str | None:
        """Why `key` is refused with words of its own (None: a settable kind, or an unknown
        key the model's own "did you mean" names)."""
        if key in settable:
            return None
        if key in refusals:
            return refusals[key]
        meant = closest(str(key), list(system.kinds))
        if meant in refusals:  # a slip of a kind prune does not take
            return f"unknown field {key!r}; did you mean {meant!r}? " + refusals[meant]
        if not settable:  # no "allowed:" list to give
            return (
                f"unknown field {key!r}: prune takes no {system.title} kind (each is "
                f"deleted when it carries {ownership_mark(system)}, or never)"
            )
        return None

    class Prune(StrictModel):
        @model_validator(mode="wrap")
        @classmethod
        def refuse_other_kinds(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
            return _validated_refusing(cls, data, handler, refusal)

    fields: dict[str, Any] = {kind: (bool | None, None) for kind in settable}
    model: type[StrictModel] = create_model(
        f"{system.title}Prune", __base__=Prune, __doc__=prune_model.__doc__, **fields
    )
    return model


def _validated_refusing(
    model: type[BaseModel],
    data: Any,
    handler: ModelWrapValidatorHandler[Any],
    refusal: Callable[[Any], str | None],
) -> Any:
    """`data` validated by `handler` with each key `refusal` refuses (a prune key for a kind
    prune does not take) an error at that key, in words of its own, and the other keys'
    problems beside them: every problem of the mapping at once, in the order written (a
    validator raising at the first refused key hid a misspelt one beside it)."""
    refused = {
        key: why for key in (data if isinstance(data, Mapping) else ()) if (why := refusal(key))
    }
    if not refused:
        return handler(data)
    errors = [
        InitErrorDetails(type=rule_error(why), loc=(key,), input=data[key])
        for key, why in refused.items()
    ]
    try:
        handler({key: value for key, value in data.items() if key not in refused})
    except ValidationError as exc:
        errors.extend(_error_details(exc))
    order = {key: index for index, key in enumerate(data)}
    errors.sort(key=lambda error: order.get(error["loc"][0], len(order)) if error["loc"] else -1)
    raise ValidationError.from_exception_data(model.__name__, errors)


def _error_details(error: ValidationError) -> list[InitErrorDetails]:
    """`error`'s errors as they can be raised again (with others, in one error): each of
    the same type, context and message."""
    return [
        InitErrorDetails(
            type=PydanticCustomError(
                detail["type"], "{message}", {**detail.get("ctx", {}), "message": detail["msg"]}
            ),
            loc=detail["loc"],
            input=detail["input"],
        )
        for detail in error.errors(include_url=False)
    ]


def _what_deletes(system: System, kind: str, policy: str) -> str:
    if policy == "tagged":
        return (
            f"{system.title} {kind} objects are deleted when they carry "
            f"{ownership_mark(system)} and no manifest declares them, whatever prune says"
        )
    return f"{system.title} {kind} objects are never deleted"


def project_file_model() -> type[StrictModel]:
    """j1sync.yaml's model for the systems registered now: the first system's target at
    the top level (its connection keys, `managedTag`, `prune`, `safety`),
    `paths`, and one optional section per other system, under its name."""
    return _project_file_model(tuple(s.name for s in systems()))


@functools.cache
def _project_file_model(names: tuple[str, ...]) -> type[StrictModel]:
    first, *others = [s for name in names if (s := system_named(name)) is not None]
    sections: dict[str, Any] = {
        system.name: (
            Annotated[
                _section_model(system),
                _refusing_null(
                    f"write `{system.name}: {{}}` to keep {system.title} in the run with its "
                    "defaults, or remove the line"
                ),
            ],
            None,
        )
        for system in others
    }
    top_level = _section_model(first)

    def refusal(key: Any) -> str | None:
        """`jupiterone:` written as `xyops:` is: an unknown key whose list of allowed keys
        does not say that JupiterOne's settings are the top-level ones."""
        if isinstance(key, str) and key.lower() in (first.name, first.title.lower()):
            return (
                f"{first.title}'s settings are the top-level keys of j1sync.yaml "
                f"({', '.join(top_level.model_fields)}), not a section of their own"
            )
        return None

    class ProjectFileBase(top_level):  # type: ignore[valid-type, misc]
        @model_validator(mode="wrap")
        @classmethod
        def refuse_a_first_system_section(
            cls, data: Any, handler: ModelWrapValidatorHandler[Any]
        ) -> Any:
            return _validated_refusing(cls, data, handler, refusal)

    model: type[StrictModel] = create_model(
        "ProjectFile",
        __base__=ProjectFileBase,
        __doc__="j1sync.yaml. Never holds an API key (each system's comes from its env).",
        paths=(
            list[NonBlank],
            Field(
                default_factory=list, description="Manifest folders/files, relative to this file."
            ),
        ),
        **sections,
    )
    return model


def _section_model(system: System) -> type[StrictModel]:
    prune = prune_model(system)
    connection: type[Any] = system.settings_model or UrlTarget  # a StrictModel
    fields: dict[str, Any] = {
        "prune": (
            Annotated[
                prune,
                _refusing_null("write `prune: {}` (no kind pruned), or remove the line"),
            ],
            Field(
                default_factory=prune,
                description="Kind -> delete live objects that have no manifest.",
            ),
        ),
        "safety": (
            Annotated[
                SafetyFile,
                _refusing_null("write `safety: {}` (the default limits), or remove the line"),
            ],
            Field(default_factory=SafetyFile),
        ),
    }
    model: type[StrictModel] = create_model(
        f"{system.title}Target",
        __base__=(connection, TargetSection),
        __doc__=f"{system.title}: where to connect, what j1sync owns, prune and safety.",
        **fields,
    )
    return model


def _refusing_null(fix: str) -> BeforeValidator:
    """A section written with no value (`xyops:` with every key below it commented out)
    is an error saying how to write what was meant: YAML reads it as null, which would
    otherwise be "not set" for a system's section (the system silently left out of the
    run, where `xyops: {}` adds it) and "not a mapping" for `prune` and `safety`."""

    def refuse(value: Any) -> Any:
        if value is None:
            raise rule_error(f"an empty section: {fix}")
        return value

    return BeforeValidator(refuse)


def find_project_file(folder: Path) -> Path | None:
    for name in PROJECT_FILE_NAMES:
        candidate = folder / name
        # a folder or pipe of that name is an error, not absent; so is a link that cannot
        # be followed (a loop, a missing target): its settings (managedTag, prune, paths)
        # must not silently fall back to the defaults
        if candidate.exists() or candidate.is_symlink():
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
    path: Path,
    env: Mapping[str, str] | None = None,
    *,
    paths_must_exist: bool = True,
    say_warnings: bool = False,
) -> tuple[ProjectConfig, list[ManifestProblem]]:
    """Read and validate j1sync.yaml; on problems, the defaults come back with them. A
    `paths` entry that does not exist is one, at its line (`paths_must_exist=False`: for
    export, which may be about to write it). `say_warnings`: the read that reports the
    file (the load's: a run reads it more than once) logs what it may mean otherwise than
    it seems, as a manifest's load does (yaml_source.read_documents)."""
    display = str(path)
    label = path.name  # j1sync.yaml or j1sync.yml, as problems name it
    twin = _twin_problem(path)
    if twin is not None:
        return ProjectConfig(), [twin]
    too_big = _too_big_problem(path, display)
    if too_big is not None:
        return ProjectConfig(), [too_big]
    documents, problems = read_documents(path, display, say_warnings=say_warnings)
    if problems:
        return ProjectConfig(), problems
    if not documents:
        return ProjectConfig(), []
    if len(documents) > 1:
        return ProjectConfig(), [
            ManifestProblem(documents[1].start, f"{label} must hold a single document")
        ]
    document = documents[0]
    plain = resolve_document(document, os.environ if env is None else env, label)
    if plain.problems:
        return ProjectConfig(), plain.problems
    model = project_file_model()
    try:
        parsed: Any = model.model_validate(plain.data)
    except ValidationError as exc:
        told = _env_in_typed_settings(exc, document)
        problems = problems_from_validation(told, document, model, label)
        return ProjectConfig(), sorted(problems, key=_position)
    folder = path.parent
    paths = tuple(_relative_to(folder, p) for p in parsed.paths)
    missing = [
        ManifestProblem(
            locate(document, ("paths", index), at_value=True).location,
            f"{entry!r} does not exist (a path of {label} is relative to its folder)",
            label,
            f"paths[{index}]",
        )
        for index, (entry, resolved) in enumerate(zip(parsed.paths, paths, strict=True))
        if paths_must_exist and not os.path.lexists(resolved)
    ]
    if missing:
        return ProjectConfig(), missing
    first, *others = systems()
    sections = {
        system.name: _target_config(system, section, paths)
        for system in others
        if (section := getattr(parsed, system.name, None)) is not None
    }
    return replace(_target_config(first, parsed, paths), systems=sections), []


# What a setting of each type takes, as the error about a value written `${env:NAME}`
# there says it: pydantic's type errors, by type.
_SETTING_TAKES = {
    "bool_type": "true or false",
    "int_type": "a whole number",
    "float_type": "a number",
    "list_type": "a list",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _env_in_typed_settings(error: ValidationError, document: YamlDocument) -> ValidationError:
    """`error`, its type errors about a value written `${env:NAME}` told as such. The
    environment holds text, and a setting is not coerced (`"true"` is not a boolean in
    j1sync.yaml, nor in a manifest): "Input should be a valid boolean (got '${env:PR}')"
    read as if the variable were wrong. `${env:}` serves the text settings only."""
    details = _error_details(error)
    told = False
    for index, detail in enumerate(error.errors(include_url=False)):
        takes = _SETTING_TAKES.get(detail["type"])
        raw = locate(document, detail["loc"], at_value=True).raw if takes else None
        if takes is None or not isinstance(raw, str) or ENV_MARKER not in raw:
            continue
        details[index]["type"] = rule_error(
            f"{raw} is text, and this setting takes {takes}: write the value itself "
            f"(`${{env:NAME}}` is for the text settings only: {', '.join(ENV_SETTINGS)}; "
            "j1sync reads no boolean or number from the environment)"
        )
        told = True
    if not told:
        return error
    return ValidationError.from_exception_data(error.title, details)


def _position(problem: ManifestProblem) -> tuple[int, int]:
    """Where a problem is, to say a file's problems in the order they are written."""
    where = problem.location
    return (where.line, where.column) if where is not None else (0, 0)


def _twin_problem(path: Path) -> ManifestProblem | None:
    """j1sync.yaml and j1sync.yml in one folder: only the first would be read, and the
    settings of the other (its prune, its paths) silently ignored."""
    if path.name not in PROJECT_FILE_NAMES:
        return None
    for name in PROJECT_FILE_NAMES:
        other = path.with_name(name)
        if name != path.name and (other.exists() or other.is_symlink()):
            return ManifestProblem(
                SourceLocation(str(other), 1, 1),
                f"{path.name} and {name} are both here: j1sync reads one project file "
                "per folder; keep one of them",
            )
    return None


def _too_big_problem(path: Path, display: str) -> ManifestProblem | None:
    try:
        size = path.stat().st_size if path.is_file() else 0
    except OSError:
        return None  # read_documents reports it
    if size <= MAX_PROJECT_FILE_BYTES:
        return None
    return ManifestProblem(
        SourceLocation(display, 1, 1),
        f"{path.name} is {size / (1 << 20):,.1f} MiB; a project file holds a few settings "
        f"(at most {MAX_PROJECT_FILE_BYTES >> 20} MiB)",
    )


def _target_config(system: System, section: Any, paths: tuple[str, ...]) -> ProjectConfig:
    """One system's target as the engine reads it: prune keyed by engine kind."""
    connection = system.settings_model or UrlTarget
    target = section.model_dump(include=set(connection.model_fields), exclude_none=True)
    prune = section.prune.model_dump(exclude_none=True)
    return ProjectConfig(
        managed_tag=section.managedTag,
        account=target.pop("account", None),
        region=target.pop("region", None),
        prune={system.engine_kind(kind): enabled for kind, enabled in prune.items()},
        safety_min_objects=section.safety.minObjects,
        safety_max_change_fraction=section.safety.maxChangePercent / 100,
        paths=paths,
        target=target,
    )


def _relative_to(folder: Path, entry: str) -> str:
    if Path(entry).is_absolute() or folder == Path("."):
        return entry
    return str(folder / entry)


def run_roots(paths: Sequence[str | Path]) -> list[Path]:
    """The paths a command reads: as given, or `default_paths()` when none are. A
    project's folder given alone (the one holding its j1sync.yaml) stands for the project:
    its `paths` when the file names them, as when no PATH is given (`j1sync plan .` at the
    root, the GitHub action's default path), not every YAML file below it (a
    docker-compose.yml, the repository's workflows)."""
    folder = _reading_folder(paths)
    if folder is None:
        return [Path(p) for p in paths]
    return [Path(p) for p in default_paths(folder)]


def naming_project_file(paths: Sequence[str | Path]) -> Path | None:
    """The j1sync.yaml whose `paths` the run reads instead of `paths` (run_roots): the
    current folder's when no PATH is given, the folder's when one folder is; None when
    the run reads what it was given."""
    folder = _reading_folder(paths)
    named = _named_paths(folder) if folder is not None else None
    return named[0] if named is not None else None


def default_paths(cwd: Path | None = None) -> list[str]:
    """What commands read when given no PATH: j1sync.yaml's `paths` in the current folder
    (or `cwd`), else that folder itself. A broken j1sync.yaml falls back to the folder so
    that the loader, which validates it again, reports its problems."""
    folder = cwd or Path(".")
    named = _named_paths(folder)
    return named[1] if named is not None else [str(folder)]


def _reading_folder(paths: Sequence[str | Path]) -> Path | None:
    """The folder whose j1sync.yaml may say what a run over `paths` reads: the current
    one when none are given, the one given alone."""
    if not paths:
        return Path(".")
    if len(paths) == 1 and Path(paths[0]).is_dir():
        return Path(paths[0])
    return None


def project_roots(project_file: Path) -> list[Path]:
    """What a run of `project_file`'s project reads when given no PATH, resolved: its
    `paths` (relative to its folder), else its folder."""
    folder = Path(os.path.realpath(project_file)).parent  # (realpath: a loop is no error)
    named = _named_paths(folder)
    return [Path(os.path.realpath(folder / p)) for p in named[1]] if named else [folder]


def _named_paths(folder: Path) -> tuple[Path, list[str]] | None:
    """`folder`'s j1sync.yaml and the `paths` it names, when it is valid and names some."""
    project_file = find_project_file(folder)
    if project_file is None:
        return None
    config, problems = load_project_file(project_file)
    return (project_file, list(config.paths)) if not problems and config.paths else None
