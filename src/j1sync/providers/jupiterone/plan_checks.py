"""What `plan` checks against a JupiterOne account besides the plan (live_query_checks:
the parameters the manifests name, and with `--check-queries` the new or changed J1QL
queries), reached through the registry: extras plan_options adds the flag to `plan`,
extras plan_checks runs the checks with the flags' values, by parameter name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import click

CHECK_QUERIES = "check_queries"


def plan_options() -> list[tuple[str, Callable[[Any], Any]]]:
    """(parameter name, click option) per flag JupiterOne adds to `plan`."""
    return [
        (
            CHECK_QUERIES,
            click.option(
                "--check-queries",
                CHECK_QUERIES,
                is_flag=True,
                help="Also ask the API about new or changed J1QL queries (within the J1QL "
                "rate limit).",
            ),
        )
    ]


def plan_checks(provider: Any, run: Any, flags: Mapping[str, Any]) -> None:
    """Raise ManifestError for unknown parameters and (with --check-queries) the queries
    the API refuses; nothing when the run has no JupiterOne target. Then warn of the
    fields no manifest holds that the objects the plan deletes take with them."""
    from j1sync.providers.jupiterone.live_query_checks import check_against_account
    from j1sync.providers.jupiterone.unmanaged import warn_deleted_unmanaged

    check_against_account(provider, run, check_queries=bool(flags.get(CHECK_QUERIES)))
    deleted = [change.address for change in run.plan.changes if change.action == "delete"]
    warn_deleted_unmanaged(deleted, run.live)
