"""JupiterOne as a registered system (providers/registry.py): its manifest models, its
connection and its emulator, as the generic parts of j1sync find them.

JupiterOne's manifests keep `apiVersion: j1sync/v1` and its kinds their bare names; its
target is j1sync.yaml's top-level `account`, `region`, `managedTag`, `prune` and `safety`
(the keys that file had before other systems existed)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from j1sync.engine.contract import Provider
from j1sync.manifest.document import DEFAULT_MANAGED_TAG, ProjectConfig
from j1sync.manifest.model_base import NonBlank, StrictModel, checked_by
from j1sync.providers.jupiterone.connection_flags import (
    ACCOUNT,
    API_URL,
    ENDPOINT_MODE,
    REGION,
    connection_options,
    flag,
)
from j1sync.providers.jupiterone.plan_checks import plan_checks, plan_options
from j1sync.providers.jupiterone.settings import ENV_API_KEY, TITLE, check_account, check_region
from j1sync.providers.jupiterone.values import API_VERSION, KINDS
from j1sync.providers.registry import UNQUALIFIED_SYSTEM, Imported, System, emulator_over_state

# The manifest models, imported when first used (a run of other systems' manifests never
# loads them); the kinds and apiVersion are values.py's.
MODELS = "j1sync.providers.jupiterone.models.documents"
EMULATOR_DB = "emulator.db"  # the emulator's state file in the --emulator state folder


class JupiterOneTarget(StrictModel):
    """The account j1sync.yaml names (flags and JUPITERONE_* variables override it)."""

    account: Annotated[NonBlank, checked_by(check_account)] | None = None
    region: Annotated[NonBlank, checked_by(check_region)] | None = None


def connect(section: Mapping[str, Any], options: Any) -> Any:
    """The connected provider (a context manager): the command's flags over the
    environment over j1sync.yaml's `account`/`region`; `managedTag` marks rules and
    questions as j1sync's. An emulator's URL, key and account (connection.open_system)
    override them all."""
    from j1sync.connection import EMULATED_ACCOUNT, EMULATED_API_KEY, EMULATED_URL

    if section.get(EMULATED_URL):
        emulated = {API_URL: section[EMULATED_URL], ACCOUNT: section.get(EMULATED_ACCOUNT)}
        options = replace(options, flags={**(options.flags or {}), **emulated})
    return open_provider(
        options,
        default_account=section.get("account"),
        default_region=section.get("region"),
        managed_tag=section.get("managedTag") or DEFAULT_MANAGED_TAG,
        api_key=section.get(EMULATED_API_KEY),
    )


@contextmanager
def open_provider(
    options: Any,
    *,
    default_account: str | None = None,
    default_region: str | None = None,
    managed_tag: str = DEFAULT_MANAGED_TAG,
    api_key: str | None = None,
) -> Iterator[Provider]:
    """Yield a connected JupiterOne provider. With `options.emulator`, an in-process
    emulator serves the state kept in .j1sync/emulator.db under the current directory (demo
    seed on first use). j1sync.yaml's account and region are the defaults under flags and
    environment; `api_key` (an emulator's) overrides JUPITERONE_API_KEY."""
    from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
    from j1sync.providers.jupiterone.client import POOL_SIZE
    from j1sync.providers.jupiterone.settings import Settings

    # The client's ceiling on requests in flight: what the concurrent reads need, raised to
    # apply's --concurrency (each change has one request in flight at a time).
    max_in_flight = max(POOL_SIZE, options.concurrency)

    def connect(settings: Settings) -> JupiterOneProvider:
        client = JupiterOneClient(
            settings, rate_limit=options.rate_limit, max_in_flight=max_in_flight
        )
        return JupiterOneProvider(client, managed_tag)

    @contextmanager
    def interruptible(provider: JupiterOneProvider) -> Iterator[Provider]:
        try:
            yield provider
        except KeyboardInterrupt:
            # Ctrl-C or SIGTERM: reads still running on other threads stop retrying and
            # sending, so the process can end (a request on the wire ends by its timeout).
            provider.abandon()
            raise

    if options.emulator:
        # the emulator: connection.open_system starts it and comes back to `connect`
        from j1sync.connection import open_system

        with open_system(SYSTEM, ProjectConfig(managed_tag=managed_tag), options) as provider:
            yield provider
        return

    overrides: dict[str, Any] = {
        "timeout": getattr(options, "timeout", None),
        "retry_budget_s": options.retry_budget_s,
        "endpoint_mode": flag(options, ENDPOINT_MODE),
    }
    if api_key is not None:
        overrides["api_key"] = api_key
    if flag(options, API_URL):
        overrides["api_url"] = flag(options, API_URL)
    if flag(options, ACCOUNT) or default_account:
        overrides["account"] = flag(options, ACCOUNT) or default_account
    if flag(options, REGION) or default_region:
        overrides["region"] = flag(options, REGION) or default_region
    with interruptible(connect(Settings.from_env(**overrides))) as provider:
        yield provider


def emulator(state: Path) -> AbstractContextManager[Any]:
    """The JupiterOne emulator over the state kept in `state` (demo seed on first use)."""
    from j1sync.providers.jupiterone.emulator import running_emulator

    return emulator_over_state(state, EMULATOR_DB, running_emulator, seed="demo")


def _plan_target(provider: Any, emulator: bool) -> tuple[str, str, str]:
    """What a saved plan is bound to (plan_binding.PlanTarget): the account, the region
    and the API URL; with --emulator, the emulator's state file instead of its per-run
    URL."""
    from j1sync.connection import emulator_state

    settings = provider.settings
    state = emulator_state(EMULATOR_DB)
    return settings.account, settings.region, state if emulator else settings.base_url


def _serve(**options: Any) -> Any:
    """`j1sync emulator serve` (commands/emulator.py)."""
    from j1sync.providers.jupiterone.serve import serve

    return serve(**options)


def _serve_options() -> Any:
    """The flags only JupiterOne's emulator has (--account, --page-size, --quotas...)."""
    from j1sync.providers.jupiterone.serve import serve_options

    return serve_options()


def _document_problems(loaded: Any) -> Any:
    """The loader's checks across JupiterOne's manifests (references, J1QL)."""
    from j1sync.providers.jupiterone.checks import document_problems

    return document_problems(loaded)


def _json_schema(kind: str | None = None) -> dict[str, Any]:
    """The committed schema/j1sync-manifest.schema.json (models/documents.py)."""
    from j1sync.providers.jupiterone.models.documents import manifest_json_schema

    return manifest_json_schema(kind)


def _export_specs() -> Any:
    from j1sync.providers.jupiterone.export.specs import SPEC_BUILDERS

    return SPEC_BUILDERS


def _export_documents(live: Any, managed_tag: str) -> Any:
    from j1sync.providers.jupiterone.export.documents import export_documents

    return export_documents(live, managed_tag)


def _export_notes(written: Any) -> Any:
    """The fields no manifest holds that export's manifests leave out (unmanaged.py)."""
    from j1sync.providers.jupiterone.unmanaged import unmanaged_notes

    return unmanaged_notes(written)


def _export_hints(specs: Any, kinds: Any) -> Any:
    from j1sync.providers.jupiterone.export.documents import reference_hints

    return reference_hints(specs, kinds)


SYSTEM = System(
    name=UNQUALIFIED_SYSTEM,
    title=TITLE,
    api_versions=(API_VERSION,),
    kinds=KINDS,
    document_models=Imported(f"{MODELS}:DOCUMENT_MODELS"),
    connect=connect,
    emulator=emulator,
    settings_model=JupiterOneTarget,
    extras={
        # loading and validating manifests
        "document_problems": _document_problems,
        "list_identities": Imported(f"{MODELS}:LIST_IDENTITIES"),
        # j1sync.yaml's prune: each kind's policy, as its ResourceKind's `prune` says
        "prune_policies": {
            "Question": "tagged",
            "AlertRule": "tagged",
            "IamGroup": "opt-in",
            "IntegrationSchedule": "never",
            "ResourceGroup": "opt-in",
            "Parameter": "opt-in",
            "Dashboard": "opt-in",
        },
        # the committed schema/j1sync-manifest.schema.json: "j1sync manifest" titles
        "json_schema": _json_schema,
        "schema_file": "j1sync-manifest.schema.json",
        # connecting and planning
        "connection_options": connection_options,
        "plan_options": plan_options,
        "plan_checks": plan_checks,
        "plan_target": _plan_target,
        # export and import-rule-pack
        "export_specs": _export_specs,
        "export_documents": _export_documents,
        "export_hints": _export_hints,
        "export_notes": _export_notes,
        # a rule action names its integration instance (`integrationInstance`, written
        # instead of its id): export reads the schedules with the rules
        "export_reads_also": {"AlertRule": ("IntegrationSchedule",)},
        "commands": {"import-rule-pack": "j1sync.providers.jupiterone.export.command"},
        # the emulator
        "serve": _serve,
        "serve_options": _serve_options,
        "emulator_state": EMULATOR_DB,
    },
    credential_variables=(ENV_API_KEY,),
    connect_imports=("j1sync.providers.jupiterone.provider",),  # its client with it
)
