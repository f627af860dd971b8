"""What `apply --plan` checks before it changes anything: the plan is for this account,
is what j1sync wrote, refers only to `${env:}` names its manifests declare (never to
j1sync's own credentials), and deletes only what the project's prune settings allow.
Each refusal is an UntrustedPlan naming the reason."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from j1sync.credentials import credential_variables
from j1sync.engine.contract import LiveObject, Provider, PrunePolicy
from j1sync.engine.model import Change
from j1sync.env_reference import env_template
from j1sync.errors import ConfigError, UntrustedPlan
from j1sync.manifest import load_project_config
from j1sync.manifest.document import ProjectConfig, ownership_mark
from j1sync.manifest.loader import declared_env_references, manifest_files, manifests_digest
from j1sync.plan_binding import PlanTarget, SavedPlan, bound_targets, env_names, plan_key
from j1sync.plan_signature import VALUES_FIELD, changed_values, verify
from j1sync.providers.registry import system_name_of, system_of_kind, systems

ManifestFiles = list[tuple[Path, bytes]]  # loader.manifest_files: each file and its bytes


def manifest_paths(saved: SavedPlan) -> list[str] | None:
    """The manifest PATHs the plan was made from, when they are here (None when not)."""
    paths = list(saved.binding.paths) if saved.binding else []
    return paths if all(Path(p).exists() for p in paths) else None


def saved_plan_project(saved: SavedPlan) -> ProjectConfig:
    """j1sync.yaml as `plan` read it: beside the plan's manifest paths when they are here,
    else in the current folder (the defaults when there is none: nothing may be pruned
    that the defaults do not allow)."""
    project = load_project_config(manifest_paths(saved) or [])
    if project is None:
        raise ConfigError("j1sync.yaml has problems; `j1sync validate` lists them")
    # the systems to connect: the plan's sections, else the systems of its kinds
    named = {section["system"] for section in saved.plan.sections}
    named |= {system_name_of(change.kind) for change in saved.plan.changes}
    return replace(project, in_run=tuple(s.name for s in systems() if s.name in named))


def _manifests_changed(saved: SavedPlan, files: ManifestFiles | None) -> str | None:
    """A warning when the manifest `files` under the plan's paths are not those the plan
    was made from (edited since, another commit or branch checked out): apply makes the
    changes the plan shows, which no longer say what the manifests say. None when they
    are the same, or when the plan's manifests are not here or it recorded none."""
    recorded = saved.binding.manifests if saved.binding is not None else ""
    if not recorded or files is None or manifests_digest(files) == recorded:
        return None
    paths = manifest_paths(saved) or []
    where = ", ".join(paths) if paths else "the project's paths"
    return (
        f"{saved.name}: the manifests under {where} are not those this plan was made from "
        "(changed since, or another commit): apply makes the changes the plan shows; "
        "`j1sync plan` shows what the manifests say now"
    )


def check_emulator(saved: SavedPlan, *, emulator: bool) -> None:
    """Before connecting: a plan made against the embedded emulator is applied with
    --emulator (without it, the connection would ask for every system's credentials,
    which such a plan never needed)."""
    targets = saved.binding.all_targets() if saved.binding is not None else ()
    if _made_with_emulator(targets) and not emulator:
        raise UntrustedPlan(
            f"{saved.name}: this plan was made against the embedded emulator (plan "
            "--emulator), not an account: pass --emulator to apply it"
        )


def check_trusted(saved: SavedPlan, provider: Provider, *, emulator: bool) -> str | None:
    """Before reading the account: the target, the signature and the `${env:}` names.
    What it says besides: a warning when the manifests here are not those the plan was
    made from (the manifest files read once for both)."""
    binding = saved.binding
    key = plan_key(provider)
    if binding is None:
        verify(saved.data, key, saved.name)  # unsigned: says so
        raise UntrustedPlan(f"{saved.name}: refusing the plan: it records no target account")
    theirs, here = binding.all_targets(), bound_targets(provider, emulator=emulator)
    differences = [
        d for mine, now in zip(theirs, here, strict=False) for d in mine.differences(now)
    ]
    if len(theirs) != len(here):
        differences.append(f"targets: the plan's are {len(theirs)}, this apply's {len(here)}")
    if differences:
        raise UntrustedPlan(
            f"{saved.name}: refusing the plan: it was made for another target ("
            + "; ".join(differences)
            + ")"
            + _emulator_hint(theirs, emulator)
        )
    stretched = verify(saved.data, key, saved.name)
    saved.plan.fingerprint_key = stretched  # its live fingerprints are keyed with it
    paths = manifest_paths(saved)
    files = manifest_files(paths) if paths is not None else None
    _check_env_references(saved, files)
    _check_env_values(saved, stretched)
    return _manifests_changed(saved, files)


def _emulator_hint(theirs: Sequence[PlanTarget], emulator: bool) -> str:
    """The fix when the plan and the apply differ in --emulator (an emulator target's API
    URL is `emulator:<its state file>`, plan_binding.PlanTarget)."""
    made_with = _made_with_emulator(theirs)
    if made_with and not emulator:
        return ": it was made with --emulator; apply it with --emulator"
    if emulator and not made_with:
        return ": it was made without --emulator; apply it without --emulator"
    return ""


def _made_with_emulator(targets: Sequence[PlanTarget]) -> bool:
    """Whether `targets` (a plan's binding) name an emulator's state, not an account."""
    return any(target.api_url.startswith("emulator:") for target in targets)


def _check_env_references(saved: SavedPlan, files: ManifestFiles | None) -> None:
    assert saved.binding is not None
    declared = set(saved.binding.env_references)
    in_manifests = declared_env_references(files) if files is not None else None
    problems: list[str] = []
    for change in saved.plan.changes:
        for path, template in sorted(change.sensitive.items()):
            if not env_names([template]):
                problems.append(f"{change.address}: {path} holds no ${{env:}} reference")
        for name in sorted(env_names(change.sensitive.values())):
            if name in credential_variables():
                problems.append(
                    f"{change.address} uses {env_template(name)}, one of j1sync's own credentials, "
                    "which no plan may send anywhere"
                )
            elif name not in declared or (in_manifests is not None and name not in in_manifests):
                problems.append(
                    f"{change.address} uses {env_template(name)}, which the manifests do "
                    "not declare"
                )
    if problems:
        raise UntrustedPlan(f"{saved.name}: refusing the plan: " + "; ".join(problems))


def _check_env_values(saved: SavedPlan, stretched: bytes) -> None:
    """Each `${env:}` variable the plan's changes write holds the value the plan was made
    with: the changes would otherwise write what the plan did not show (a rotated token
    sent with a rule whose description alone was planned to change)."""
    changed = changed_values(saved.data, stretched, os.environ)
    if changed is None:
        raise UntrustedPlan(f"{saved.name}: refusing the plan: malformed plan ({VALUES_FIELD})")
    if changed:
        named = ", ".join(env_template(name) for name in changed)
        raise UntrustedPlan(
            f"{saved.name}: refusing the plan: {named} "
            + ("holds" if len(changed) == 1 else "hold")
            + " another value than when the plan was made, so its changes "
            "would write what the plan did not show; run `j1sync plan --out` again with the "
            "values this apply has"
        )


def check_deletes_allowed(
    saved: SavedPlan, provider: Provider, project: ProjectConfig, live: Sequence[LiveObject]
) -> None:
    """Every delete is one the prune settings allow for the live object as it is now
    (a plan that is also stale is then refused by `check_stale`)."""
    by_address = {obj.address: obj for obj in live}
    problems: list[str] = []
    for change in saved.plan.actionable:
        if change.action == "delete":
            live_object = by_address.get(change.address)
            problem = _forbidden_delete(change, live_object, provider, project)
            if problem:
                problems.append(problem)
    if problems:
        raise UntrustedPlan(
            f"{saved.name}: refusing the plan: it deletes what the project does not allow: "
            + "; ".join(problems)
        )


def _forbidden_delete(
    change: Change, live: LiveObject | None, provider: Provider, project: ProjectConfig
) -> str | None:
    policy: PrunePolicy = provider.kind(change.kind).prune
    project = project.for_system(system_name_of(change.kind))  # the kind's target's settings
    if live is None:  # gone since the plan: a stale plan, which check_stale refuses as such
        return None
    if policy == "never":
        return f"{change.address}: {change.kind} objects are never deleted"
    if policy == "tagged" and not live.managed:
        mark = ownership_mark(system_of_kind(change.kind), project.managed_tag)
        return f"{change.address} does not carry {mark}"
    if policy == "opt-in":
        if not project.prune.get(change.kind, False):
            return f"{change.address}: prune is not enabled for {change.kind} in j1sync.yaml"
        if live.builtin:
            return f"{change.address} is built in and never deleted"
    return None
